/* test_core.c - arena, RNG, UTF-8 validation, atomic writes, mkdir -p, strings. */
#include "test.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "promptlab/core.h"

static void test_arena(void)
{
    struct pl_arena a;
    CHECK(pl_arena_init(&a, 1000, NULL) == 0);
    char *p = pl_arena_alloc(&a, 10);
    char *q = pl_arena_alloc(&a, 10);
    CHECK(p && q && ((uintptr_t)p % 64) == 0 && ((uintptr_t)q % 64) == 0 && q != p);
    size_t m = pl_arena_mark(&a);
    CHECK(pl_arena_alloc(&a, 2000) == NULL);
    CHECK(pl_arena_mark(&a) == m);
    pl_arena_reset(&a);
    CHECK(pl_arena_alloc(&a, 10) == p);
    pl_arena_free(&a);
    pl_arena_free(NULL);
}

static void test_rng(void)
{
    struct pl_rng a, b;
    pl_rng_seed(&a, 42);
    pl_rng_seed(&b, 42);
    int same = 1, in_range = 1;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < 100000; i++) {
        float x = pl_rng_float(&a);
        if (x != pl_rng_float(&b))
            same = 0;
        if (!(x >= 0.0f && x < 1.0f))
            in_range = 0;
        float z = pl_rng_normal(&a);
        pl_rng_normal(&b);
        sum += z;
        sum2 += (double)z * z;
    }
    CHECK(same);
    CHECK(in_range);
    CHECK(fabs(sum / 100000) < 0.02);
    CHECK(fabs(sum2 / 100000 - 1.0) < 0.03);
    uint32_t hist[7] = {0};
    for (int i = 0; i < 70000; i++)
        hist[pl_rng_below(&a, 7)]++;
    for (int i = 0; i < 7; i++)
        CHECK(hist[i] > 9400 && hist[i] < 10600);
}

static void test_utf8(void)
{
    CHECK(pl_utf8_valid("", 0));
    CHECK(pl_utf8_valid("plain", 5));
    const char *vi = "Xin ch\xc3\xa0o th\xe1\xba\xbf gi\xe1\xbb\x9bi";
    CHECK(pl_utf8_valid(vi, strlen(vi)));
    CHECK(!pl_utf8_valid("\xff", 1));
    CHECK(!pl_utf8_valid("\xc3", 1));        /* truncated */
    CHECK(!pl_utf8_valid("\xc0\xaf", 2));    /* overlong */
    CHECK(!pl_utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
    CHECK(pl_utf8_valid("\xf0\x9f\x98\x80", 4));
}

static void test_atomic(void)
{
    char dir[] = "/tmp/pl_core_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    CHECK(pl_path_join(path, sizeof path, dir, "f.txt") == 0);
    CHECK(pl_write_file_atomic(path, "hello", 5, NULL) == 0);
    char *data;
    size_t n;
    CHECK(pl_read_file(path, &data, &n, NULL) == 0);
    CHECK(n == 5 && memcmp(data, "hello", 5) == 0);
    free(data);
    struct pl_err e = {0};
    CHECK(pl_read_file("/nonexistent/x", &data, &n, &e) == PL_EIO);
    CHECK(strstr(e.msg, "/nonexistent/x") != NULL);
    /* A failed write into a missing directory leaves nothing behind. */
    char bad[300];
    snprintf(bad, sizeof bad, "%s/missing/f", dir);
    CHECK(pl_write_file_atomic(bad, "x", 1, &e) == PL_EIO);
    struct pl_err w = {0};
    pl_err_set(&w, PL_EIO, "inner");
    pl_err_wrap(&w, PL_EIO, "outer %d", 1);
    CHECK_STR(w.msg, "outer 1: inner");
    unlink(path);
    rmdir(dir);
}

static void test_str(void)
{
    struct pl_str s = {0};
    pl_str_puts(&s, "ab");
    pl_str_putc(&s, 'c');
    pl_str_put(&s, "dXX", 1);
    pl_str_printf(&s, "-%d-%s", 42, "x");
    CHECK_STR(s.p, "abcd-42-x");
    CHECK(s.n == 9 && !s.oom);
    /* longer than printf's first try */
    char big[1000];
    memset(big, 'y', sizeof big - 1);
    big[sizeof big - 1] = 0;
    pl_str_printf(&s, "[%s]", big);
    CHECK(s.n == 9 + 1001 && strlen(s.p) == s.n);
    CHECK(s.p[9] == '[' && s.p[10] == 'y' && s.p[s.n - 1] == ']');
    free(s.p);
    /* CSV fields: plain, or quoted with inner quotes doubled */
    struct pl_str c = {0};
    pl_str_csv(&c, "plain text");
    pl_str_putc(&c, '|');
    pl_str_csv(&c, "a,b");
    pl_str_putc(&c, '|');
    pl_str_csv(&c, "say \"hi\"");
    pl_str_putc(&c, '|');
    pl_str_csv(&c, "two\nlines");
    CHECK_STR(c.p, "plain text|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"");
    free(c.p);
}

static void test_path_base(void)
{
    static const char *const cases[][2] = {
        {"assets/models/promptlab-tiny", "promptlab-tiny"}, {"assets/models/promptlab-tiny//", "promptlab-tiny"},
        {"promptlab-tiny", "promptlab-tiny"}, {"/", "/"}, {"", ""}, {"/abs", "abs"}, {"a/b/", "b"}};
    char buf[64];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        CHECK_STR(pl_path_base(cases[i][0], buf, sizeof buf), cases[i][1]);
    char small[4];
    CHECK_STR(pl_path_base("dir/promptlab", small, sizeof small), "pro");
}

static void test_mkdirs(void)
{
    char dir[] = "/tmp/pl_core_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char deep[300], file[300];
    snprintf(deep, sizeof deep, "%s/a/b/c", dir);
    CHECK(pl_mkdirs(deep, NULL) == 0);
    struct stat st;
    CHECK(stat(deep, &st) == 0 && S_ISDIR(st.st_mode));
    CHECK(pl_mkdirs(deep, NULL) == 0); /* already there */
    /* A file in the way is an error that names the path. */
    snprintf(file, sizeof file, "%s/a/f", dir);
    CHECK(pl_write_file_atomic(file, "x", 1, NULL) == 0);
    char under[320];
    snprintf(under, sizeof under, "%s/g", file);
    struct pl_err e = {0};
    CHECK(pl_mkdirs(file, &e) == PL_EIO);
    CHECK(strstr(e.msg, "not a directory") != NULL);
    CHECK(pl_mkdirs(under, &e) == PL_EIO);
    CHECK(strstr(e.msg, file) != NULL);
    CHECK(pl_mkdirs("", &e) == PL_ERANGE);
    unlink(file);
    for (int i = 0; i < 3; i++) {
        rmdir(deep);
        *strrchr(deep, '/') = 0;
    }
    rmdir(dir);
}

int main(void)
{
    test_arena();
    test_rng();
    test_utf8();
    test_atomic();
    test_path_base();
    test_mkdirs();
    test_str();
    TEST_END();
}
