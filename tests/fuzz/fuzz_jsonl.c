/* fuzz_jsonl.c - jsonl_parse (JSONL data sets) on arbitrary bytes, from
 * memory. A set that parses is written with jsonl_write and read back: the
 * round trip must give the same records. */
#include "fuzz.h"

#include "promptlab/jsonl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct jsonl_set s, back;
    struct pl_err e = {0};
    if (jsonl_parse("in.jsonl", (const char *)data, size, &s, &e) != 0) {
        if (s.n != 0 || s.rec || !strstr(e.msg, "in.jsonl"))
            abort();
        return 0;
    }
    char path[512];
    fuzz_path(path, sizeof path, "out.jsonl");
    if (jsonl_write(path, s.rec, s.n, &e) != 0 || jsonl_read(path, &back, &e) != 0 || back.n != s.n)
        abort();
    for (int i = 0; i < s.n; i++) {
        const struct jsonl_record *a = &s.rec[i], *b = &back.rec[i];
        if (!same(a->source, b->source) || !same(a->target, b->target) ||
            !same(a->literal, b->literal) || !same(a->label, b->label) || a->n_tags != b->n_tags)
            abort();
        for (int k = 0; k < a->n_tags; k++)
            if (!same(a->tags[k], b->tags[k]))
                abort();
    }
    jsonl_free(&back);
    jsonl_free(&s);
    return 0;
}
