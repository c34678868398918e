/* fuzz_npy.c - npy_parse on arbitrary bytes (from memory); an array that
 * parses is written to a file and imported as a soft prompt
 * (soft_import_npy), which has checks of its own (shape, NaN/Inf). */
#include "fuzz.h"

#include "promptlab/npy.h"
#include "promptlab/soft.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    float *a = NULL;
    int64_t rows = 0, cols = 0;
    struct pl_err e = {0};
    if (npy_parse("in.npy", data, size, &a, &rows, &cols, &e) != 0) {
        if (a || !strstr(e.msg, "in.npy"))
            abort();
        return 0;
    }
    if (!a || rows < 0 || cols < 0)
        abort();
    volatile float sink = 0;
    for (int64_t i = 0; i < rows * cols; i++)
        sink += a[i];
    free(a);
    char path[512];
    fuzz_write(path, sizeof path, "in.npy", data, size);
    struct soft_prompt p;
    if (soft_import_npy(path, 0, &p, &e) == 0) {
        if (p.n_tokens != rows || p.d != cols)
            abort();
        soft_prompt_free(&p);
    } else if (!strstr(e.msg, "in.npy")) {
        abort();
    }
    return 0;
}
