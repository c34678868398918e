/* fuzz_spiece.c - tok_load_spm (SentencePiece spiece.model, a protobuf) on
 * arbitrary bytes, written to the scratch directory first (the loader takes
 * a path); inputs of even length get 3 sentinel ids. A tokenizer that loads
 * is used (tok_check.h) and, when it can be saved as tokenizer.json, the
 * saved file must load again with the same vocabulary size. */
#include "fuzz.h"
#include "tok_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512], json[512];
    fuzz_write(path, sizeof path, "spiece.model", data, size);
    tok *t = NULL;
    struct pl_err e = {0};
    if (tok_load_spm(path, size % 2 ? 0 : 3, &t, &e) != 0) {
        if (t || !strstr(e.msg, "spiece.model"))
            abort();
        return 0;
    }
    tok_check(t);
    fuzz_path(json, sizeof json, "saved.json");
    if (tok_save_json(t, json, &e) == 0) {
        tok *back = NULL;
        if (tok_load_json(json, &back, &e) != 0) {
            fprintf(stderr, "saved tokenizer.json does not load: %s\n", e.msg);
            abort();
        }
        if (tok_size(back) != tok_size(t))
            abort();
        tok_free(back);
    }
    tok_free(t);
    return 0;
}
