/* test_words.c - word lists: splitting text into words, folding, counting,
 * words.tsv round trips and every kind of bad file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "promptlab/words.h"
#include "test.h"

/* the words of text joined by '|' */
static void split(const char *text, char *out, size_t cap)
{
    size_t pos = 0, b, n, o = 0, len = strlen(text);
    out[0] = 0;
    while (words_next(text, len, &pos, &b, &n))
        o += (size_t)snprintf(out + o, cap - o, "%s%.*s", o ? "|" : "", (int)n, text + b);
}

static void test_split(void)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"It's raining cats and dogs.", "It's|raining|cats|and|dogs"},
        {"  don't   stop  ", "don't|stop"},
        {"I’m here", "I’m|here"},                       /* U+2019 inside a word */
        {"'quoted' words'", "quoted|words"},            /* edge apostrophes separate */
        {"well-known, e.g. x", "well|known|e|g|x"},    /* hyphens and dots separate */
        {"café crème brûlée", "café|crème|brûlée"},
        {"Tôi thích trà xanh.", "Tôi|thích|trà|xanh"},
        {"¿Dónde está? «oui» — 10 km", "Dónde|está|oui|10|km"},
        {"a\xff" "b", "a|b"},                           /* an invalid byte separates */
        {"\xe2\x80", ""},                                /* a truncated sequence is no word */
        {"", ""},
        {"...", ""},
    };
    char got[256];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        split(cases[i].in, got, sizeof got);
        CHECKF(strcmp(got, cases[i].want) == 0, "'%s': got '%s' want '%s'", cases[i].in, got,
               cases[i].want);
    }
}

static void test_count(void)
{
    struct words *w = NULL;
    struct pl_err e = {0};
    CHECK(words_init(&w, &e) == 0);
    CHECK(words_add_text(w, "It's raining. IT'S RAINING! it’s cats", &e) == 0);
    CHECK_INT(words_count(w, "it's", 4), 3);
    CHECK_INT(words_count(w, "It’s", strlen("It’s")), 3);
    CHECK_INT(words_count(w, "Raining", 7), 2);
    CHECK_INT(words_count(w, "cats", 4), 1);
    CHECK_INT(words_count(w, "cat", 3), 0);
    CHECK_INT(words_count(w, "smartphone", 10), 0);
    CHECK_INT(words_distinct(w), 3);
    CHECK_INT(words_total(w), 6);
    /* many words: the table grows and keeps every count */
    char buf[64];
    int bad = 0;
    for (int i = 0; i < 5000; i++) {
        snprintf(buf, sizeof buf, "w%d w%d", i, i % 7);
        bad += words_add_text(w, buf, &e) != 0;
    }
    for (int i = 0; i < 5000; i++) {
        snprintf(buf, sizeof buf, "w%d", i);
        long long want = 1 + (i < 7 ? 5000 / 7 + (i < 5000 % 7) : 0);
        bad += words_count(w, buf, strlen(buf)) != want;
    }
    CHECK_INT(bad, 0);
    CHECK_INT(words_distinct(w), 5003);
    /* a run longer than WORDS_MAX_LEN is never counted */
    char longw[WORDS_MAX_LEN + 2];
    memset(longw, 'a', sizeof longw - 1);
    longw[sizeof longw - 1] = 0;
    CHECK(words_add_text(w, longw, &e) == 0);
    CHECK_INT(words_count(w, longw, strlen(longw)), 0);
    CHECK_INT(words_distinct(w), 5003);
    words_free(w);
    words_free(NULL);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void test_file(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/words.tsv", dir);
    struct words *w = NULL, *back = NULL;
    struct pl_err e = {0};
    CHECK(words_init(&w, &e) == 0);
    CHECK(words_add_text(w, "the cat and the dog and the bird. Tôi", &e) == 0);
    CHECKF(words_save(w, path, "a test", &e) == 0, "%s", e.msg);
    char *text = NULL;
    size_t len = 0;
    CHECK(pl_read_file(path, &text, &len, &e) == 0);
    if (text)
        CHECK_STR(text, "# words of a test: 6 distinct, 9 in all; word<TAB>count\n"
                        "the\t3\nand\t2\nbird\t1\ncat\t1\ndog\t1\ntôi\t1\n");
    free(text);
    CHECKF(words_load(path, &back, &e) == 0, "%s", e.msg);
    if (back) {
        CHECK_INT(words_count(back, "THE", 3), 3);
        CHECK_INT(words_count(back, "tôi", strlen("tôi")), 1);
        CHECK_INT(words_distinct(back), 6);
        CHECK_INT(words_total(back), 9);
    }
    words_free(back);
    words_free(w);

    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"the 3\n", "words.tsv:1: want word<TAB>count"},
        {"# c\nthe\t3\ncat\t\n", "words.tsv:3: no count"},
        {"the\t-3\n", "words.tsv:1: the count is not a positive integer"},
        {"the\t0\n", "words.tsv:1: the count must be positive"},
        {"the\t99999999999999999999\n", "words.tsv:1: the count is not a positive integer"},
        {"the cat\t3\n", "words.tsv:1: 'the cat' is not one word"},
        {"\t3\n", "words.tsv:1: '' is not one word"},
        {"The\t3\n", "words.tsv:1: 'The' is not folded"},
        {"the\t3\nthe\t1\n", "words.tsv:2: 'the' is listed twice"},
        {"a\t9223372036854775000\nb\t9000\n", "words.tsv:2: the counts add up past 2^63"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        write_text(path, bad[i].text);
        e.msg[0] = 0;
        int rc = words_load(path, &back, &e);
        CHECKF(rc != 0 && back == NULL && strstr(e.msg, bad[i].msg), "case %zu: rc %d, '%s'", i, rc,
               e.msg);
    }
    write_text(path, "the\t3\r\n\n# end\n");
    CHECKF(words_load(path, &back, &e) == 0, "%s", e.msg);
    CHECK(back && words_count(back, "the", 3) == 3);
    words_free(back);
    snprintf(path, sizeof path, "%s/missing.tsv", dir);
    CHECK(words_load(path, &back, &e) == PL_EIO && back == NULL);
}

int main(void)
{
    char dir[] = "/tmp/pl_test_words_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    test_split();
    test_count();
    test_file(dir);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    TEST_END();
}
