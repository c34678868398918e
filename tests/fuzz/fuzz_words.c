/* fuzz_words.c - words_load (a model's words.tsv) on arbitrary bytes,
 * written to the scratch directory first (the loader takes a path), and
 * words_next over the same bytes as text. A table that loads is saved and
 * loaded again: the same words with the same counts. */
#include "fuzz.h"

#include "promptlab/words.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    size_t pos = 0, start, n, last = 0;
    while (words_next(text, size, &pos, &start, &n)) {
        if (n == 0 || start < last || start + n > size || pos < start + n || pos > size)
            abort();
        last = start + n;
    }

    char path[512], back_path[512];
    fuzz_write(path, sizeof path, "words.tsv", data, size);
    struct words *w = NULL, *back = NULL;
    struct pl_err e = {0};
    if (words_load(path, &w, &e) != 0) {
        if (w || !strstr(e.msg, "words.tsv"))
            abort();
        return 0;
    }
    fuzz_path(back_path, sizeof back_path, "saved.tsv");
    if (words_save(w, back_path, "fuzz", &e) != 0 || words_load(back_path, &back, &e) != 0) {
        fprintf(stderr, "saved words.tsv does not load: %s\n", e.msg);
        abort();
    }
    if (words_distinct(back) != words_distinct(w) || words_total(back) != words_total(w))
        abort();
    pos = 0;
    while (words_next(text, size, &pos, &start, &n))
        if (words_count(w, text + start, n) != words_count(back, text + start, n))
            abort();
    words_free(back);
    words_free(w);
    return 0;
}
