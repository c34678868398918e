/* test_tok_write.c - tok_save_json: T5's spiece.model written as
 * tokenizer.json loads back with the same pieces, scores and kinds, and
 * encodes the sentence file to the same ids as the original. */
#include "test.h"

#include <stdlib.h>
#include <unistd.h>

#include "promptlab/tokenizer.h"

int main(void)
{
    const char *td = getenv("TESTDATA") ? getenv("TESTDATA") : "tests/data";
    char spm[1024], tmp[] = "/tmp/pl_tokw_XXXXXX", out[1100];
    snprintf(spm, sizeof spm, "%s/t5/spiece.model", td);
    CHECK(mkdtemp(tmp) != NULL);
    snprintf(out, sizeof out, "%s/tokenizer.json", tmp);
    tok *a = NULL, *b = NULL;
    struct pl_err e = {0};
    CHECKF(tok_load_spm(spm, 100, &a, &e) == 0, "%s", e.msg);
    CHECKF(a && tok_save_json(a, out, &e) == 0, "%s", e.msg);
    CHECKF(tok_load_json(out, &b, &e) == 0, "%s", e.msg);
    if (!a || !b)
        TEST_END();
    CHECK_INT(tok_size(a), tok_size(b));
    int same = 1;
    for (int i = 0; i < tok_size(a); i++)
        if (strcmp(tok_piece(a, i), tok_piece(b, i)) != 0 || tok_score(a, i) != tok_score(b, i) ||
            tok_kind(a, i) != tok_kind(b, i))
            same = 0;
    CHECK(same);
    FILE *f = fopen("tests/data/tok_sentences.txt", "r");
    CHECK(f != NULL);
    char line[4096];
    int lines = 0, equal = 0;
    while (f && fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, "\n");
        int *ia, *ib, na, nb;
        if (tok_encode(a, line, n, TOK_ADD_EOS, &ia, &na, NULL) == 0 &&
            tok_encode(b, line, n, TOK_ADD_EOS, &ib, &nb, NULL) == 0) {
            equal += na == nb && memcmp(ia, ib, sizeof(int) * (size_t)na) == 0;
            free(ia);
            free(ib);
        }
        lines++;
    }
    if (f)
        fclose(f);
    CHECK(lines >= 200);
    CHECKF(equal == lines, "%d of %d lines differ", lines - equal, lines);
    tok_free(a);
    tok_free(b);
    unlink(out);
    rmdir(tmp);
    TEST_END();
}
