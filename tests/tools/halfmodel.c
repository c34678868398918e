/* halfmodel.c - write a copy of a model directory with F16 weights.
 *
 *   halfmodel IN_DIR OUT_DIR
 *
 * OUT_DIR gets config.json and model.safetensors with every tensor stored
 * as F16 (t5_save_as), plus IN_DIR's tokenizer files. promptlab opens it as
 * any model (the loader widens F16 to F32), so `promptlab eval --model
 * OUT_DIR` measures what storing the weights at half size costs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "promptlab/core.h"
#include "promptlab/t5.h"

static int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    if (!in)
        return 1; /* absent: nothing to copy */
    FILE *out = fopen(to, "wb");
    int bad = !out;
    char buf[1 << 16];
    size_t n;
    while (!bad && (n = fread(buf, 1, sizeof buf, in)) > 0)
        bad = fwrite(buf, 1, n, out) != n;
    bad |= ferror(in);
    fclose(in);
    if (out)
        bad |= fclose(out) != 0;
    if (bad)
        fprintf(stderr, "halfmodel: cannot copy %s to %s\n", from, to);
    return bad ? -1 : 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: halfmodel IN_DIR OUT_DIR\n");
        return 2;
    }
    struct pl_err e = {0};
    t5_model *m = NULL;
    if (t5_open(argv[1], &m, &e) || t5_save_as(m, argv[2], true, &e)) {
        fprintf(stderr, "halfmodel: %s\n", e.msg);
        t5_free(m);
        return 1;
    }
    t5_free(m);
    static const char *const extra[] = {"spiece.model", "tokenizer.json", "words.tsv"};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
        char from[4096], to[4096];
        if (pl_path_join(from, sizeof from, argv[1], extra[i]) ||
            pl_path_join(to, sizeof to, argv[2], extra[i]) || copy_file(from, to) < 0)
            return 1;
    }
    return 0;
}
