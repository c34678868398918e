/* test_jsonl.c - JSONL data sets: good files, every kind of bad line (the
 * message must name file:line and the problem), and writer round trips. */
#include "test.h"

#include <stdlib.h>
#include <unistd.h>

#include "promptlab/jsonl.h"

static char tmpdir[256];

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fputs(text, f);
    fclose(f);
}

static void test_good(void)
{
    char path[512];
    pl_path_join(path, sizeof path, tmpdir, "good.jsonl");
    write_text(path,
               "\xef\xbb\xbf{\"source\": \"it's raining cats and dogs\", \"target\": \"tr\xe1\xbb\x9di m\xc6\xb0"
               "a nh\xc6\xb0 tr\xc3\xbat n\xc6\xb0\xe1\xbb\x9b\xc3\xa9\", \"literal\": \"m\xc6\xb0"
               "a ch\xc3\xb3 m\xc3\xa8o\", \"tags\": [\"idiom\", \"vi\"]}\n"
               "\n"
               "   \t\n"
               "{\"source\":\"the cat\",\"target\":\"con m\xc3\xa8o\",\"label\":\"animal\",\"extra\":1}\r\n"
               "{\"target\":\"b\",\"source\":\"a \\\"q\\\" \\u00e9\\n\",\"tags\":[],\"literal\":null}");
    struct jsonl_set s;
    struct pl_err e = {0};
    CHECKF(jsonl_read(path, &s, &e) == 0, "%s", e.msg);
    CHECK_INT(s.n, 3);
    if (s.n == 3) {
        CHECK_STR(s.rec[0].source, "it's raining cats and dogs");
        CHECK(strncmp(s.rec[0].target, "tr\xe1\xbb\x9di", 6) == 0);
        CHECK(s.rec[0].literal && strcmp(s.rec[0].literal, "m\xc6\xb0" "a ch\xc3\xb3 m\xc3\xa8o") == 0);
        CHECK_INT(s.rec[0].n_tags, 2);
        CHECK(s.rec[0].n_tags == 2 && strcmp(s.rec[0].tags[1], "vi") == 0);
        CHECK(s.rec[0].label == NULL);
        CHECK_INT(s.rec[0].line, 1);
        CHECK_STR(s.rec[1].target, "con m\xc3\xa8o");
        CHECK(s.rec[1].label && strcmp(s.rec[1].label, "animal") == 0);
        CHECK_INT(s.rec[1].line, 4);
        CHECK_INT(s.rec[1].n_tags, 0);
        CHECK_STR(s.rec[2].source, "a \"q\" \xc3\xa9\n");
        CHECK(s.rec[2].literal == NULL && s.rec[2].n_tags == 0);
        CHECK_INT(s.rec[2].line, 5);
    }
    jsonl_free(&s);
    CHECK(s.n == 0 && s.rec == NULL);
    jsonl_free(&s);
    jsonl_free(NULL);

    /* empty file: no records, no error */
    pl_path_join(path, sizeof path, tmpdir, "empty.jsonl");
    write_text(path, "");
    CHECK(jsonl_read(path, &s, &e) == 0 && s.n == 0);
    jsonl_free(&s);

    /* in memory, with a name for messages */
    CHECK(jsonl_parse("mem", "{\"source\":\"x\",\"target\":\"y\"}", 27, &s, &e) == 0 && s.n == 1);
    jsonl_free(&s);
}

static void expect_bad(const char *text, const char *want)
{
    char path[512];
    pl_path_join(path, sizeof path, tmpdir, "data.jsonl");
    write_text(path, text);
    struct jsonl_set s;
    struct pl_err e = {0};
    int rc = jsonl_read(path, &s, &e);
    CHECKF(rc == PL_EFORMAT, "accepted: %s", text);
    CHECK(s.n == 0 && s.rec == NULL);
    CHECKF(strstr(e.msg, want) != NULL, "message \"%s\" lacks \"%s\"", e.msg, want);
    CHECKF(strstr(e.msg, "data.jsonl:") != NULL, "message \"%s\" lacks the file name", e.msg);
    jsonl_free(&s);
}

static void test_bad(void)
{
    const char *ok = "{\"source\":\"a\",\"target\":\"b\"}\n";
    char text[512];
    snprintf(text, sizeof text, "%s%s\n%s%s%s%s{\"source\": \"a\", \"target\": \n", ok, "", ok, ok,
             ok, ok);
    expect_bad(text, "data.jsonl:7: not valid JSON");
    snprintf(text, sizeof text, "%s\n{\"target\":\"b\"}\n%s", ok, ok);
    expect_bad(text, "data.jsonl:3: missing string field \"source\"");
    expect_bad("{\"source\":\"a\"}", "data.jsonl:1: missing string field \"target\"");
    expect_bad("{\"source\":1,\"target\":\"b\"}", ":1: missing string field \"source\"");
    expect_bad("[1,2]", ":1: not a JSON object");
    expect_bad("{\"source\":\"a\",\"target\":\"b\"} x", ":1: not valid JSON");
    expect_bad("{\"source\":\"a\",\"target\":\"b\"}{}", ":1: not valid JSON");
    expect_bad("{\"source\":\"a\",\"target\":\"b\",\"tags\":\"idiom\"}",
               ":1: field \"tags\" is not an array of strings");
    expect_bad("{\"source\":\"a\",\"target\":\"b\",\"tags\":[\"x\",2]}",
               ":1: field \"tags\" is not an array of strings");
    expect_bad("{\"source\":\"a\",\"target\":\"b\",\"literal\":[]}",
               ":1: field \"literal\" is not a string");
    expect_bad("{\"source\":\"a\",\"target\":\"b\",\"label\":true}",
               ":1: field \"label\" is not a string");
    snprintf(text, sizeof text, "%s%s{\"source\":\"caf\xe9\",\"target\":\"b\"}\n", ok, ok);
    expect_bad(text, "data.jsonl:3: not valid UTF-8");
    expect_bad("{\"source\":\"\xc0\xaf\",\"target\":\"b\"}", ":1: not valid UTF-8");
    expect_bad("{\"source\":\"a\\ud800\",\"target\":\"b\"}", ":1: not valid JSON");
    expect_bad("{\"source\":\"a\\u0000b\",\"target\":\"b\"}", ":1: contains a NUL character");

    struct jsonl_set s;
    struct pl_err e = {0};
    char path[512];
    pl_path_join(path, sizeof path, tmpdir, "absent.jsonl");
    CHECK(jsonl_read(path, &s, &e) == PL_EIO && strstr(e.msg, "absent.jsonl"));
}

static void test_write(void)
{
    /* record fields are char * (a read set owns them), so use arrays here */
    static char idiom[] = "idiom", vi[] = "vi", s0[] = "it's raining cats and dogs",
                t0[] = "m\xc6\xb0" "a to", l0[] = "m\xc6\xb0" "a ch\xc3\xb3 m\xc3\xa8o",
                s1[] = "q\"uote\\ and\nnewline\ttab", t1[] = "y", pos[] = "pos", empty[] = "",
                a[] = "a", b[] = "b", bad_utf8[] = "caf\xe9";
    char *tags[] = {idiom, vi};
    struct jsonl_record r[3] = {
        {.source = s0, .target = t0, .literal = l0, .tags = tags, .n_tags = 2},
        {.source = s1, .target = t1, .label = pos},
        {.source = empty, .target = empty},
    };
    char path[512];
    pl_path_join(path, sizeof path, tmpdir, "out.jsonl");
    struct pl_err e = {0};
    CHECKF(jsonl_write(path, r, 3, &e) == 0, "%s", e.msg);
    char *text = NULL;
    size_t len = 0;
    CHECK(pl_read_file(path, &text, &len, NULL) == 0);
    if (text) {
        /* one line per record, keys in a fixed order */
        CHECK(strncmp(text, "{\"source\":\"it's raining cats and dogs\",\"target\":", 48) == 0);
        int lines = 0;
        for (size_t i = 0; i < len; i++)
            lines += text[i] == '\n';
        CHECK_INT(lines, 3);
        CHECK(strstr(text, "\"tags\":[\"idiom\",\"vi\"]") != NULL);
        CHECK(strstr(text, "\"literal\"") < strstr(text, "\"tags\""));
        free(text);
    }
    struct jsonl_set s;
    CHECKF(jsonl_read(path, &s, &e) == 0, "%s", e.msg);
    CHECK_INT(s.n, 3);
    if (s.n == 3) {
        for (int i = 0; i < 3; i++) {
            CHECK_STR(s.rec[i].source, r[i].source);
            CHECK_STR(s.rec[i].target, r[i].target);
            CHECK_INT(s.rec[i].n_tags, r[i].n_tags);
            CHECK((s.rec[i].literal == NULL) == (r[i].literal == NULL));
            CHECK((s.rec[i].label == NULL) == (r[i].label == NULL));
        }
        CHECK_STR(s.rec[0].literal, r[0].literal);
        CHECK_STR(s.rec[0].tags[0], "idiom");
        CHECK_STR(s.rec[1].label, "pos");
    }
    jsonl_free(&s);

    /* refused input leaves the existing file untouched */
    struct jsonl_record bad[2] = {{.source = a, .target = b}, {.source = NULL, .target = b}};
    CHECK(jsonl_write(path, bad, 2, &e) == PL_EINVAL && strstr(e.msg, "record 2"));
    struct jsonl_record bad8 = {.source = bad_utf8, .target = b};
    CHECK(jsonl_write(path, &bad8, 1, &e) == PL_EINVAL);
    CHECK(jsonl_read(path, &s, &e) == 0 && s.n == 3);
    jsonl_free(&s);

    /* zero records make an empty file */
    CHECK(jsonl_write(path, NULL, 0, &e) == 0);
    CHECK(jsonl_read(path, &s, &e) == 0 && s.n == 0);
    jsonl_free(&s);
}

/* A record line of exactly `len` bytes (spaces pad the JSON) + ending. */
static size_t long_line(char *buf, size_t len, const char *ending)
{
    static const char head[] = "{\"source\":\"";
    static const char tail[] = "\",\"target\":\"b\"}";
    size_t h = sizeof head - 1, t = sizeof tail - 1;
    memcpy(buf, head, h);
    memset(buf + h, 'a', len - h - t - 8);
    memcpy(buf + len - t - 8, tail, t);
    memset(buf + len - 8, ' ', 8);
    strcpy(buf + len, ending);
    return len + strlen(ending);
}

/* The reader (jsonl_read, in blocks) and the parser (jsonl_parse, whole
 * text) agree, also on lines across block boundaries; a line longer than
 * JSONL_MAX_LINE is refused by both, with the line number. */
static void test_long_lines(void)
{
    const size_t max = JSONL_MAX_LINE;
    char *text = malloc(3 * max + 64);
    char path[512];
    pl_path_join(path, sizeof path, tmpdir, "long.jsonl");
    struct jsonl_set s, m;
    struct pl_err e = {0};

    /* BOM + a line of exactly the limit ending in CRLF, a 200 kB line, a
     * short last line without a newline */
    size_t n = 3;
    memcpy(text, "\xef\xbb\xbf", 3);
    n += long_line(text + n, max, "\r\n");
    n += long_line(text + n, 200000, "\n");
    memcpy(text + n, "{\"source\":\"x\",\"target\":\"y\"}", 27);
    n += 27;
    FILE *f = fopen(path, "wb");
    CHECK(f && fwrite(text, 1, n, f) == n && fclose(f) == 0);
    CHECKF(jsonl_read(path, &s, &e) == 0, "%s", e.msg);
    CHECKF(jsonl_parse("mem", text, n, &m, &e) == 0, "%s", e.msg);
    CHECK(s.n == 3 && m.n == 3);
    for (int i = 0; i < s.n && i < m.n; i++)
        CHECK(strcmp(s.rec[i].source, m.rec[i].source) == 0 && s.rec[i].line == i + 1);
    if (s.n == 3)
        CHECK(strlen(s.rec[0].source) == max - 34 && strcmp(s.rec[2].target, "y") == 0);
    jsonl_free(&s);
    jsonl_free(&m);

    /* one byte more: refused, by both, naming the line */
    n = long_line(text, 40, "\n");
    n += long_line(text + n, max + 1, "\r\n");
    f = fopen(path, "wb");
    CHECK(f && fwrite(text, 1, n, f) == n && fclose(f) == 0);
    char want[600];
    snprintf(want, sizeof want, "%s:2: line is longer than the limit of %d bytes", path, JSONL_MAX_LINE);
    CHECK(jsonl_read(path, &s, &e) == PL_EFORMAT && s.n == 0 && s.rec == NULL);
    CHECK_STR(e.msg, want);
    CHECK(jsonl_parse("mem", text, n, &m, &e) == PL_EFORMAT && m.n == 0);
    CHECK_STR(e.msg, "mem:2: line is longer than the limit of 1048576 bytes");

    /* a 100 MB line (a sparse file: no disk is spent) */
    f = fopen(path, "wb");
    CHECK(f && fputs("{\"source\":\"a\",\"target\":\"b\"}\n\n{\"source\":\"", f) >= 0);
    CHECK(f && ftruncate(fileno(f), 100 << 20) == 0 && fclose(f) == 0);
    CHECK(jsonl_read(path, &s, &e) == PL_EFORMAT && s.n == 0);
    CHECKF(strstr(e.msg, "long.jsonl:3: line is longer than the limit") != NULL, "%s", e.msg);
    unlink(path);
    free(text);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/pl_test_jsonl_XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_good();
    test_bad();
    test_write();
    test_long_lines();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    TEST_END();
}
