/* fuzz_peft.c - soft_load on a PEFT prompt directory built from the input:
 * the parts between fuzz_sep are adapter_config.json,
 * adapter_model.safetensors and (when there is a third part)
 * promptlab.json. A prompt that loads must be finite and have the shape
 * adapter_config.json announced. */
#include <math.h>

#include "fuzz.h"

#include "promptlab/soft.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *part[3];
    size_t len[3];
    int np = fuzz_split(data, size, part, len, 3);
    char path[512];
    static const char *const names[3] = {"adapter_config.json", "adapter_model.safetensors",
                                         "promptlab.json"};
    for (int i = 0; i < 3; i++) {
        if (i < np)
            fuzz_write(path, sizeof path, names[i], part[i], len[i]);
        else
            unlink(fuzz_path(path, sizeof path, names[i]));
    }
    struct soft_prompt p;
    struct soft_record rec;
    struct pl_err e = {0};
    int d_model = size % 2 ? 0 : 192; /* 0: any width */
    if (soft_load(fuzz_dir(), d_model, &p, &rec, &e) != 0) {
        if (p.w || !e.msg[0])
            abort();
        return 0;
    }
    if (p.n_tokens < 1 || p.d < 1 || (d_model && p.d != d_model))
        abort();
    for (size_t i = 0; i < (size_t)p.n_tokens * (size_t)p.d; i++)
        if (!isfinite(p.w[i]) || !isfinite(p.w0[i]))
            abort();
    soft_prompt_free(&p);
    soft_record_free(&rec);
    return 0;
}
