/* test_npy.c - .npy reader and writer: a file built byte by byte from the
 * format description, files written by NumPy itself (tests/data/npy), the
 * writer's round trip, and every refusal. */
#include "test.h"

#include <stdlib.h>
#include <unistd.h>

#include "promptlab/npy.h"

static char tmpdir[256];
static char datadir[512];

static int write_bytes(const char *path, const void *p, size_t n)
{
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return -1;
    size_t w = fwrite(p, 1, n, fp);
    fclose(fp);
    return w == n ? 0 : -1;
}

/* Assemble magic, version, header length (2 or 4 bytes), dict text padded
 * with spaces to a multiple of 16 and ended by '\n', then `data`. */
static size_t build(unsigned char *buf, int major, const char *dict, const void *data, size_t n)
{
    size_t pre = major == 1 ? 10 : 12, dl = strlen(dict);
    size_t hl = dl + 1;
    hl += (16 - (pre + hl) % 16) % 16;
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = (unsigned char)major;
    buf[7] = 0;
    buf[8] = (unsigned char)(hl & 0xff);
    buf[9] = (unsigned char)(hl >> 8);
    if (major != 1)
        buf[10] = buf[11] = 0;
    memcpy(buf + pre, dict, dl);
    memset(buf + pre + dl, ' ', hl - dl - 1);
    buf[pre + hl - 1] = '\n';
    memcpy(buf + pre + hl, data, n);
    return pre + hl + n;
}

/* One file typed in byte by byte: v1.0, '<f4', shape (2, 2). */
static void test_by_hand(void)
{
    static const unsigned char file[] = {
        0x93, 'N', 'U', 'M', 'P', 'Y', 0x01, 0x00, /* magic, version 1.0 */
        0x46, 0x00,                                /* header length 70 */
        '{', '\'', 'd', 'e', 's', 'c', 'r', '\'', ':', ' ', '\'', '<', 'f', '4', '\'', ',', ' ',
        '\'', 'f', 'o', 'r', 't', 'r', 'a', 'n', '_', 'o', 'r', 'd', 'e', 'r', '\'', ':', ' ',
        'F', 'a', 'l', 's', 'e', ',', ' ', '\'', 's', 'h', 'a', 'p', 'e', '\'', ':', ' ', '(',
        '2', ',', ' ', '2', ')', ',', ' ', '}', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', '\n',
        0x00, 0x00, 0x80, 0x3f, /* 1.0 */
        0x00, 0x00, 0x00, 0xc0, /* -2.0 */
        0x00, 0x00, 0x00, 0x3f, /* 0.5 */
        0x00, 0x00, 0x80, 0x7f, /* inf */
    };
    CHECK_INT(sizeof file, 10 + 70 + 16);
    CHECK((10 + 70) % 16 == 0);
    char path[512];
    pl_path_join(path, sizeof path, tmpdir, "hand.npy");
    CHECK(write_bytes(path, file, sizeof file) == 0);
    float *d = NULL;
    int64_t r = 0, c = 0;
    struct pl_err e = {0};
    CHECKF(npy_read(path, &d, &r, &c, &e) == 0, "%s", e.msg);
    CHECK(r == 2 && c == 2);
    if (d) {
        CHECK(d[0] == 1.0f && d[1] == -2.0f && d[2] == 0.5f && isinf(d[3]));
        free(d);
    }
}

/* Files written by NumPy (see tests/data/npy/README.md). */
static void test_numpy_files(void)
{
    char path[640];
    float *d = NULL;
    int64_t r, c;
    struct pl_err e = {0};

    snprintf(path, sizeof path, "%s/npy/f4_v1.npy", datadir);
    CHECKF(npy_read(path, &d, &r, &c, &e) == 0, "%s", e.msg);
    CHECK(r == 2 && c == 3);
    if (d) {
        const float want[6] = {-1, -0.5f, 0, 0.5f, 1, 1.5f};
        CHECK(memcmp(d, want, sizeof want) == 0);
        free(d);
    }

    /* Fortran order: transposed into row-major on read */
    snprintf(path, sizeof path, "%s/npy/f8_fortran_v1.npy", datadir);
    CHECKF(npy_read(path, &d, &r, &c, &e) == 0, "%s", e.msg);
    CHECK(r == 2 && c == 3);
    if (d) {
        const float want[6] = {1.5f, -2.0f, 3.0f, 4.0f, (float)0.005, 6.0f};
        for (int i = 0; i < 6; i++)
            CHECKF(d[i] == want[i], "[%d] %g vs %g", i, d[i], want[i]);
        free(d);
    }

    snprintf(path, sizeof path, "%s/npy/f2_v2.npy", datadir);
    CHECKF(npy_read(path, &d, &r, &c, &e) == 0, "%s", e.msg);
    CHECK(r == 3 && c == 2);
    if (d) {
        CHECK(d[0] == 1.0f && d[1] == 0.0f && signbit(d[1]));
        CHECK(d[2] == 65504.0f && d[3] == ldexpf(1, -24));
        CHECK(isinf(d[4]) && d[4] > 0);
        CHECK(d[5] == 0.3330078125f); /* NumPy's half for 0.333 is 0x3554 */
        free(d);
    }

    snprintf(path, sizeof path, "%s/npy/f4_v3.npy", datadir);
    CHECKF(npy_read(path, &d, &r, &c, &e) == 0, "%s", e.msg);
    CHECK(r == 3 && c == 2);
    if (d) {
        const float want[6] = {-1, 0.5f, -0.5f, 1, 0, 1.5f};
        CHECK(memcmp(d, want, sizeof want) == 0);
        free(d);
    }
}

static void test_write(void)
{
    char path[512];
    pl_path_join(path, sizeof path, tmpdir, "w.npy");
    float v[12];
    for (int i = 0; i < 12; i++)
        v[i] = (float)i * 0.25f - 1.0f;
    struct pl_err e = {0};
    CHECKF(npy_write(path, v, 4, 3, &e) == 0, "%s", e.msg);
    char *raw = NULL;
    size_t n = 0;
    CHECK(pl_read_file(path, &raw, &n, NULL) == 0);
    if (raw) {
        /* header per the spec: magic, 1.0, length, dict, data 64-aligned */
        CHECK(memcmp(raw, "\x93NUMPY\x01\x00", 8) == 0);
        size_t hl = (unsigned char)raw[8] | (unsigned char)raw[9] << 8;
        CHECK((10 + hl) % 64 == 0);
        CHECK(raw[10 + hl - 1] == '\n');
        CHECK(strncmp(raw + 10, "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), }", 59) == 0);
        CHECK(n == 10 + hl + sizeof v);
        free(raw);
    }
    float *d = NULL;
    int64_t r, c;
    CHECK(npy_read(path, &d, &r, &c, &e) == 0 && r == 4 && c == 3);
    if (d) {
        CHECK(memcmp(d, v, sizeof v) == 0);
        free(d);
    }
    /* zero rows: still a non-NULL result */
    CHECK(npy_write(path, NULL, 0, 8, &e) == 0);
    CHECK(npy_read(path, &d, &r, &c, &e) == 0 && r == 0 && c == 8 && d != NULL);
    free(d);
    CHECK(npy_write(path, v, -1, 3, &e) == PL_EINVAL);
}

static void expect_bad(const char *label, const unsigned char *buf, size_t n, const char *want)
{
    char path[512];
    pl_path_join(path, sizeof path, tmpdir, "bad.npy");
    write_bytes(path, buf, n);
    float *d = (float *)1;
    int64_t r = 7, c = 7;
    struct pl_err e = {0};
    int rc = npy_read(path, &d, &r, &c, &e);
    CHECKF(rc != 0, "%s: accepted", label);
    CHECK(d == NULL && r == 0 && c == 0);
    CHECKF(strstr(e.msg, want) != NULL, "%s: message \"%s\" lacks \"%s\"", label, e.msg, want);
    CHECKF(strstr(e.msg, "bad.npy: ") != NULL, "%s: message lacks the file name", label);
    free(d);
}

static void test_bad(void)
{
    unsigned char buf[512];
    const float f[6] = {1, 2, 3, 4, 5, 6};
    const char *ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    size_t n;

    n = build(buf, 1, ok, f, sizeof f);
    buf[1] = 'X';
    expect_bad("magic", buf, n, "bad magic");
    expect_bad("empty", buf, 0, "bad magic");
    n = build(buf, 4, ok, f, sizeof f);
    expect_bad("version", buf, n, "unsupported .npy format version 4.0");
    n = build(buf, 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", f, sizeof f);
    expect_bad("big-endian", buf, n, "big-endian dtype '>f4'");
    n = build(buf, 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }", f, sizeof f);
    expect_bad("dtype", buf, n, "dtype '<i8' not supported");
    n = build(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", f, sizeof f);
    expect_bad("1-D", buf, n, "array has 1 dimension, need 2");
    n = build(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3), }", f, sizeof f);
    expect_bad("3-D", buf, n, "array has 3 dimensions, need 2");
    n = build(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", f, sizeof f);
    expect_bad("scalar", buf, n, "array has 0 dimensions");
    n = build(buf, 1, ok, f, sizeof f);
    expect_bad("truncated", buf, n - 4, "data truncated: shape (2, 3) needs 24 bytes, file has 20");
    expect_bad("truncated header", buf, 40, "truncated .npy header");
    n = build(buf, 1, "{'descr': '<f4', 'shape': (2, 3), }", f, sizeof f);
    expect_bad("missing key", buf, n, "lacks one of");
    n = build(buf, 1, "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2, 3), }", f, sizeof f);
    expect_bad("fortran", buf, n, "'fortran_order' is not True or False");
    n = build(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", f, sizeof f);
    expect_bad("shape", buf, n, "'shape' is not a tuple");
    n = build(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}", f,
              sizeof f);
    expect_bad("extra key", buf, n, "unexpected key");
    n = build(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)", f, sizeof f);
    expect_bad("unclosed", buf, n, "malformed");
    n = build(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': "
                      "(4294967296, 4294967296), }", f, sizeof f);
    expect_bad("huge", buf, n, "too large");
    n = build(buf, 2, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", f, sizeof f);
    buf[10] = 0x10; /* v2 length field claims 1 MiB more */
    expect_bad("v2 length", buf, n, "truncated .npy header");

    /* accepted variants: Python 2 longs, double quotes, no trailing comma */
    char path[512];
    pl_path_join(path, sizeof path, tmpdir, "ok.npy");
    n = build(buf, 1, "{\"descr\":\"<f4\",\"fortran_order\":True,\"shape\":(3L,2L)}", f, sizeof f);
    write_bytes(path, buf, n);
    float *d = NULL;
    int64_t r, c;
    struct pl_err e = {0};
    CHECKF(npy_read(path, &d, &r, &c, &e) == 0, "%s", e.msg);
    CHECK(r == 3 && c == 2);
    if (d) {
        /* column-major 1..6 as 3x2 -> rows (1,4) (2,5) (3,6) */
        CHECK(d[0] == 1 && d[1] == 4 && d[2] == 2 && d[3] == 5 && d[4] == 3 && d[5] == 6);
        free(d);
    }
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/pl_test_npy_XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    /* make test runs from the repository root */
    snprintf(datadir, sizeof datadir, "tests/data");
    test_by_hand();
    test_numpy_files();
    test_write();
    test_bad();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    TEST_END();
}
