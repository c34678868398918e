/* fuzz_tokenizer_json.c - tok_load_json (Hugging Face tokenizer.json) on
 * arbitrary bytes, written to the scratch directory first (the loader takes
 * a path). A tokenizer that loads is then used (tok_check.h). */
#include "fuzz.h"
#include "tok_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512];
    fuzz_write(path, sizeof path, "tokenizer.json", data, size);
    tok *t = NULL;
    struct pl_err e = {0};
    if (tok_load_json(path, &t, &e) != 0) {
        if (t || !strstr(e.msg, "tokenizer.json"))
            abort();
        return 0;
    }
    tok_check(t);
    tok_free(t);
    return 0;
}
