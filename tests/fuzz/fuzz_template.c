/* fuzz_template.c - hard-prompt templates: a preset file as the TUI reads
 * it from assets/prompts/ (tui_presets_load: plain .txt, a .json document
 * or .jsonl lines), then every template it yields, and the raw template
 * text too, filled with an input text and turned into model input ids by
 * lab_source_ids on the embedded model (loaded once).
 *
 * Input: byte 0 picks the file kind (.txt, .json, .jsonl) and the number
 * of soft-prompt rows (bits 2-7, times 9: up to 567, beyond the 512
 * positions); then the preset file, fuzz_sep, and the input text. */
#include "fuzz.h"

#include "promptlab/lab.h"
#include "app/tui_impl.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct lab *lab;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char dir[1024];
    struct pl_err e = {0};
    if (lab_open(fuzz_src(dir, sizeof dir, "assets/models/promptlab-tiny"), &lab, &e) != 0) {
        fprintf(stderr, "fuzz_template: %s\n", e.msg);
        abort();
    }
    return 0;
}

static void use_template(const char *hard, int n_soft, const char *text)
{
    char *filled = lab_fill(hard, text);
    if (!filled)
        abort();
    free(filled);
    int *ids = NULL, n = 0;
    bool cut = false;
    struct pl_err e = {0};
    int rc = lab_source_ids(lab, hard, n_soft, text, &ids, &n, &cut, &e);
    if (rc == 0 && (n < 1 || n_soft + n > LAB_MAX_SOURCE || ids[n - 1] != tok_eos_id(lab_tok(lab))))
        abort();
    if (rc != 0 && (rc != PL_EINVAL && rc != PL_ERANGE))
        abort();
    free(ids);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const char *const names[3] = {"preset.txt", "preset.json", "preset.jsonl"};
    int kind = data[0] % 3, n_soft = (data[0] >> 2) * 9;
    const uint8_t *part[2];
    size_t len[2];
    int np = fuzz_split(data + 1, size - 1, part, len, 2);
    char *text = np > 1 ? fuzz_str(part[1], len[1]) : fuzz_str((const uint8_t *)"", 0);

    char path[512];
    for (int i = 0; i < 3; i++)
        unlink(fuzz_path(path, sizeof path, names[i]));
    fuzz_write(path, sizeof path, names[kind], part[0], len[0]);
    static struct tui_preset presets[TUI_MAX_PRESETS];
    int n = 0;
    tui_presets_load(fuzz_dir(), presets, &n, TUI_MAX_PRESETS);
    for (int i = 0; i < n; i++)
        use_template(presets[i].text, n_soft, text);
    tui_presets_free(presets, n);

    char *raw = fuzz_str(part[0], len[0]);
    use_template(raw, n_soft, text);
    free(raw);
    free(text);
    return 0;
}
