/* fuzz_safetensors.c - st_open on arbitrary bytes. st_open takes a path (it
 * maps the file), so each input is written to the scratch directory first.
 * A file that opens must keep its promises: every tensor's values readable
 * (ASan checks each read), n_elems the product of the shape, a name that
 * st_find finds again. */
#include "fuzz.h"

#include "promptlab/safetensors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512];
    fuzz_write(path, sizeof path, "in.safetensors", data, size);
    st_file *f = NULL;
    struct pl_err e = {0};
    if (st_open(path, &f, &e) != 0) {
        if (!e.msg[0] || !strstr(e.msg, "in.safetensors"))
            abort(); /* every refusal names the file */
        return 0;
    }
    volatile float sink = 0;
    for (int i = 0; i < st_count(f); i++) {
        const struct st_tensor *t = st_at(f, i);
        size_t n = 1;
        for (int d = 0; d < t->n_dims; d++)
            n *= (size_t)t->shape[d];
        if (n != t->n_elems || st_find(f, t->name) != t)
            abort();
        if (t->data)
            for (size_t k = 0; k < t->n_elems; k++)
                sink += t->data[k];
    }
    (void)st_metadata(f, "format");
    st_close(f);
    return 0;
}
