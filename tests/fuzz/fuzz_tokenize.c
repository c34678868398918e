/* fuzz_tokenize.c - encoding and decoding arbitrary bytes with real
 * tokenizers, loaded once: the embedded model's tokenizer.json and
 * spiece.model, and T5's (tests/data/t5, spiece.model with 100 sentinels).
 * Byte 0 of the input picks the tokenizer (bits 0-1) and the flags (bits
 * 2-4); the rest is the text. The same bytes are also decoded as ids. */
#include "fuzz.h"
#include "tok_check.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tok *toks[4];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    static const char *const files[4] = {
        "assets/models/promptlab-tiny/tokenizer.json", "assets/models/promptlab-tiny/spiece.model",
        "tests/data/t5/tokenizer.json", "tests/data/t5/spiece.model"};
    for (int i = 0; i < 4; i++) {
        char path[1024];
        struct pl_err e = {0};
        fuzz_src(path, sizeof path, files[i]);
        int rc = i % 2 == 0 ? tok_load_json(path, &toks[i], &e)
                            : tok_load_spm(path, i == 3 ? 100 : 0, &toks[i], &e);
        if (rc != 0) {
            fprintf(stderr, "fuzz_tokenize: %s\n", e.msg);
            abort();
        }
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const tok *t = toks[data[0] & 3];
    int flags = (data[0] >> 2) & 7;
    tok_check_text(t, (const char *)data + 1, size - 1, flags);

    /* the bytes as ids: in range decodes, anything else is PL_ERANGE */
    int n = (int)((size - 1) / 4), bad = 0;
    int *ids = malloc(((size_t)n + 1) * sizeof *ids);
    if (!ids)
        abort();
    for (int i = 0; i < n; i++) {
        uint32_t v;
        memcpy(&v, data + 1 + 4 * i, 4);
        ids[i] = (int)(v % (uint32_t)(tok_size(t) + 2)) - 1; /* -1 .. size */
        bad |= ids[i] < 0 || ids[i] >= tok_size(t);
    }
    char *out = NULL;
    struct pl_err e = {0};
    int rc = tok_decode(t, ids, n, flags & TOK_SKIP_SPECIAL, &out, &e);
    if (bad ? rc != PL_ERANGE : rc != 0)
        abort();
    free(out);
    free(ids);
    return 0;
}
