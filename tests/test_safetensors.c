/* test_safetensors.c - half conversions, writer/reader round trip, a file
 * built byte by byte from the format description, a corruption suite and a
 * seeded header-fuzzing loop. Includes the .c file to check that aligned F32
 * data is used in place (inside the mapping). */
#include "test.h"

#include <stdlib.h>
#include <unistd.h>

#include "io/safetensors.c"

static char tmpdir[256];

static void tpath(char *buf, size_t cap, const char *name) { pl_path_join(buf, cap, tmpdir, name); }

static uint32_t bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static float fbits(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static void test_f16(void)
{
    /* f32 -> f16, round to nearest even */
    CHECK_INT(st_f32_to_f16(0.0f), 0x0000);
    CHECK_INT(st_f32_to_f16(-0.0f), 0x8000);
    CHECK_INT(st_f32_to_f16(1.0f), 0x3c00);
    CHECK_INT(st_f32_to_f16(-2.0f), 0xc000);
    CHECK_INT(st_f32_to_f16(65504.0f), 0x7bff);           /* largest finite half */
    CHECK_INT(st_f32_to_f16(65519.0f), 0x7bff);           /* below the midpoint 65520 */
    CHECK_INT(st_f32_to_f16(65520.0f), 0x7c00);           /* tie with odd 0x7bff: to even = inf */
    CHECK_INT(st_f32_to_f16(1e10f), 0x7c00);
    CHECK_INT(st_f32_to_f16(-INFINITY), 0xfc00);
    CHECK_INT(st_f32_to_f16(INFINITY), 0x7c00);
    uint16_t hn = st_f32_to_f16(NAN);
    CHECK((hn & 0x7c00) == 0x7c00 && (hn & 0x3ff) != 0);
    CHECK_INT(st_f32_to_f16(ldexpf(1, -14)), 0x0400);     /* smallest normal */
    CHECK_INT(st_f32_to_f16(ldexpf(1, -24)), 0x0001);     /* smallest subnormal */
    CHECK_INT(st_f32_to_f16(ldexpf(1023, -24)), 0x03ff);  /* largest subnormal */
    CHECK_INT(st_f32_to_f16(ldexpf(1, -25)), 0x0000);     /* half a unit: tie, to even 0 */
    CHECK_INT(st_f32_to_f16(ldexpf(3, -26)), 0x0001);     /* 0.75 unit -> 1 */
    CHECK_INT(st_f32_to_f16(ldexpf(3, -25)), 0x0002);     /* 1.5 units: tie, to even 2 */
    CHECK_INT(st_f32_to_f16(ldexpf(5, -25)), 0x0002);     /* 2.5 units: tie, to even 2 */
    CHECK_INT(st_f32_to_f16(ldexpf(2047, -25)), 0x0400);  /* 1023.5 units: tie -> 1024 = normal */
    CHECK_INT(st_f32_to_f16(ldexpf(1, -26)), 0x0000);
    CHECK_INT(st_f32_to_f16(-ldexpf(1, -24)), 0x8001);
    CHECK_INT(st_f32_to_f16(fbits(0x00000001)), 0x0000);  /* float subnormal */
    CHECK_INT(st_f32_to_f16(1.0f + ldexpf(1, -11)), 0x3c00);      /* tie, to even */
    CHECK_INT(st_f32_to_f16(1.0f + 3 * ldexpf(1, -11)), 0x3c02);  /* tie, to even */
    CHECK_INT(st_f32_to_f16(1.0f + ldexpf(1, -11) + ldexpf(1, -20)), 0x3c01); /* above tie */
    CHECK_INT(st_f32_to_f16(2047.0f + 0.5f), 0x6800);     /* 2047.5 -> 2048 */

    /* f16 -> f32 */
    CHECK(st_f16_to_f32(0x0000) == 0.0f && !signbit(st_f16_to_f32(0x0000)));
    CHECK(st_f16_to_f32(0x8000) == 0.0f && signbit(st_f16_to_f32(0x8000)));
    CHECK(st_f16_to_f32(0x0001) == ldexpf(1, -24));
    CHECK(st_f16_to_f32(0x03ff) == ldexpf(1023, -24));
    CHECK(st_f16_to_f32(0x8001) == -ldexpf(1, -24));
    CHECK(st_f16_to_f32(0x0400) == ldexpf(1, -14));
    CHECK(st_f16_to_f32(0x3c00) == 1.0f);
    CHECK(st_f16_to_f32(0x3555) == 0.25f + 341.0f / 4096.0f); /* 2^-2 x (1 + 0x155/1024) */
    CHECK(st_f16_to_f32(0x7bff) == 65504.0f);
    CHECK(isinf(st_f16_to_f32(0x7c00)) && st_f16_to_f32(0x7c00) > 0);
    CHECK(isinf(st_f16_to_f32(0xfc00)) && st_f16_to_f32(0xfc00) < 0);
    CHECK(isnan(st_f16_to_f32(0x7e00)) && isnan(st_f16_to_f32(0x7c01)));

    /* every finite half survives a round trip through f32 */
    int all = 1;
    for (uint32_t h = 0; h < 0x10000; h++) {
        if ((h & 0x7c00) == 0x7c00 && (h & 0x3ff))
            continue;
        if (st_f32_to_f16(st_f16_to_f32((uint16_t)h)) != h)
            all = 0;
    }
    CHECK(all);
}

static void test_bf16(void)
{
    CHECK_INT(st_f32_to_bf16(1.0f), 0x3f80);
    CHECK_INT(st_f32_to_bf16(-0.0f), 0x8000);
    CHECK_INT(st_f32_to_bf16(fbits(0x3f808000)), 0x3f80); /* tie, to even */
    CHECK_INT(st_f32_to_bf16(fbits(0x3f818000)), 0x3f82); /* tie, to even */
    CHECK_INT(st_f32_to_bf16(fbits(0x3f808001)), 0x3f81);
    CHECK_INT(st_f32_to_bf16(fbits(0x7f7fffff)), 0x7f80); /* FLT_MAX rounds to inf */
    CHECK_INT(st_f32_to_bf16(INFINITY), 0x7f80);
    CHECK(isnan(st_bf16_to_f32(st_f32_to_bf16(NAN))));
    CHECK(isnan(st_bf16_to_f32(st_f32_to_bf16(fbits(0x7f800001))))); /* payload only in low bits */
    CHECK(st_bf16_to_f32(0x3f80) == 1.0f);
    CHECK(st_bf16_to_f32(0xc040) == -3.0f);
    CHECK(bits(st_bf16_to_f32(0x0001)) == 0x00010000u);
}

static void test_round_trip(void)
{
    char path[512];
    tpath(path, sizeof path, "rt.safetensors");
    float a[6] = {1.0f, -2.5f, 3.14159f, 1e-8f, 65504.0f, -0.0f};
    float b[4] = {0.1f, 0.2f, 1e5f, -7.0f};
    float c[3] = {1.0f / 3.0f, 70000.0f, ldexpf(1, -24)};
    struct st_write_tensor w[4] = {
        {"z.f16", ST_F16, 2, {2, 3}, a},
        {"a.bf16", ST_BF16, 1, {4}, b},
        {"m.f32", ST_F32, 3, {1, 3, 1}, c},
        {"empty", ST_F32, 2, {0, 5}, NULL},
    };
    const char *mk[] = {"format", "note"}, *mv[] = {"pt", "quote \" and \\ and \n"};
    struct pl_err e = {0};
    CHECKF(st_write(path, w, 4, mk, mv, 2, &e) == 0, "%s", e.msg);

    st_file *f = NULL;
    CHECKF(st_open(path, &f, &e) == 0, "%s", e.msg);
    if (!f)
        return;
    CHECK_INT(st_count(f), 4);
    CHECK_STR(st_metadata(f, "format"), "pt");
    CHECK_STR(st_metadata(f, "note"), "quote \" and \\ and \n");
    CHECK(st_metadata(f, "absent") == NULL);
    CHECK(st_find(f, "nope") == NULL);

    const struct st_tensor *t = st_find(f, "m.f32");
    CHECK(t && t->dtype == ST_F32 && t->n_dims == 3 && t->shape[1] == 3 && t->n_elems == 3);
    if (t) {
        CHECK(memcmp(t->data, c, sizeof c) == 0);
        /* canonical layout keeps F32 aligned, so it is used in place */
        CHECK((const unsigned char *)t->data >= f->map &&
              (const unsigned char *)t->data < f->map + f->size);
    }
    t = st_find(f, "z.f16");
    CHECK(t && t->dtype == ST_F16 && strcmp(t->dtype_name, "F16") == 0 && t->n_elems == 6);
    if (t)
        for (int i = 0; i < 6; i++)
            CHECK(bits(t->data[i]) == bits(st_f16_to_f32(st_f32_to_f16(a[i]))));
    t = st_find(f, "a.bf16");
    CHECK(t && t->dtype == ST_BF16 && t->n_elems == 4);
    if (t)
        for (int i = 0; i < 4; i++)
            CHECK(bits(t->data[i]) == bits(st_bf16_to_f32(st_f32_to_bf16(b[i]))));
    t = st_find(f, "empty");
    CHECK(t && t->n_elems == 0 && t->data != NULL && t->shape[0] == 0 && t->shape[1] == 5);

    /* canonical layout: F32 first (sorted by size desc, then name), header % 8 */
    uint64_t hl = 0;
    for (int i = 7; i >= 0; i--)
        hl = (hl << 8) | f->map[i];
    CHECK(hl % 8 == 0 && (8 + hl) % 64 == 0);
    /* every tensor's F32 values sit on a 32-byte boundary, in place or copied
     * (m.f32 is in place at the data start; a.bf16 and z.f16 are widened) */
    for (int i = 0; i < st_count(f); i++) {
        const struct st_tensor *ti = st_at(f, i);
        CHECKF(!ti->data || ti->n_elems == 0 || (uintptr_t)ti->data % 32 == 0,
               "tensor %s at %p", ti->name, (const void *)ti->data);
    }
    const char *h = (const char *)f->map + 8;
    const char *pe = strstr(h, "\"empty\""), *pm = strstr(h, "\"m.f32\""),
               *pa = strstr(h, "\"a.bf16\""), *pz = strstr(h, "\"z.f16\"");
    CHECK(pe && pm && pa && pz && pe < pm && pm < pa && pa < pz);
    CHECK(strstr(h, "\"m.f32\":{\"dtype\":\"F32\",\"shape\":[1,3,1],\"data_offsets\":[0,12]}"));
    CHECK(strstr(h, "\"a.bf16\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":[12,20]}"));
    CHECK(strstr(h, "\"z.f16\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[20,32]}"));
    CHECK(st_file_size(f) == 8 + hl + 32);
    st_close(f);
    st_close(NULL);

    /* writer refuses bad input and leaves the existing file alone */
    struct st_write_tensor dup[2] = {{"x", ST_F32, 1, {1}, a}, {"x", ST_F32, 1, {1}, b}};
    e.msg[0] = 0;
    CHECK(st_write(path, dup, 2, NULL, NULL, 0, &e) == PL_EINVAL);
    CHECK(strstr(e.msg, "duplicate tensor name \"x\"") != NULL);
    struct st_write_tensor oth[1] = {{"x", ST_OTHER, 1, {1}, a}};
    CHECK(st_write(path, oth, 1, NULL, NULL, 0, &e) == PL_EINVAL);
    CHECK(st_open(path, &f, &e) == 0 && st_count(f) == 4);
    st_close(f);

    /* a write into a missing directory fails cleanly */
    char bad[600];
    snprintf(bad, sizeof bad, "%s/no/such/dir/x.safetensors", tmpdir);
    CHECK(st_write(bad, w, 1, NULL, NULL, 0, &e) == PL_EIO);
    CHECK(strstr(e.msg, "x.safetensors") != NULL);

    /* no temporary files are left behind */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls %s | grep -q tmp", tmpdir);
    CHECK(system(cmd) != 0);
}

static void put_u64le(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static int write_bytes(const char *path, const void *p, size_t n)
{
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return -1;
    size_t w = fwrite(p, 1, n, fp);
    fclose(fp);
    return w == n ? 0 : -1;
}

/* A file assembled from the format description alone: 8-byte LE length, JSON
 * header (deliberately 7 bytes past a multiple of 4, so the F32 tensor is
 * unaligned and must be copied), data area. */
static void test_hand_built(void)
{
    const char *hdr =
        "{\"__metadata__\":{\"format\":\"pt\"},"
        "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        "\"h\":{\"dtype\":\"F16\",\"shape\":[1,3],\"data_offsets\":[8,14]},"
        "\"b\":{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[14,16]},"
        "\"i\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[16,24]}}";
    size_t hl = strlen(hdr);
    unsigned char buf[512];
    put_u64le(buf, hl);
    memcpy(buf + 8, hdr, hl);
    unsigned char *d = buf + 8 + hl;
    const unsigned char data[24] = {
        0x00, 0x00, 0x80, 0x3f, /* 1.0f */
        0x00, 0x00, 0x20, 0xc0, /* -2.5f */
        0x00, 0x3c,             /* half 1.0 */
        0x01, 0x00,             /* half 2^-24 (subnormal) */
        0x00, 0xfc,             /* half -inf */
        0x49, 0x40,             /* bf16 0x4049 = 3.140625 */
        0x2a, 0, 0, 0, 0, 0, 0, 0, /* I64 42 */
    };
    memcpy(d, data, sizeof data);
    CHECK((8 + hl) % 4 != 0);

    char path[512];
    tpath(path, sizeof path, "hand.safetensors");
    CHECK(write_bytes(path, buf, 8 + hl + sizeof data) == 0);
    st_file *f = NULL;
    struct pl_err e = {0};
    CHECKF(st_open(path, &f, &e) == 0, "%s", e.msg);
    if (!f)
        return;
    CHECK_INT(st_count(f), 4);
    CHECK_STR(st_metadata(f, "format"), "pt");
    const struct st_tensor *t = st_find(f, "w");
    CHECK(t && t->n_elems == 2 && t->data[0] == 1.0f && t->data[1] == -2.5f);
    CHECK(t && ((uintptr_t)t->data & 3) == 0);
    t = st_find(f, "h");
    CHECK(t && t->n_dims == 2 && t->shape[0] == 1 && t->shape[1] == 3 && t->n_elems == 3);
    CHECK(t && t->data[0] == 1.0f && t->data[1] == ldexpf(1, -24) && isinf(t->data[2]) &&
          t->data[2] < 0);
    t = st_find(f, "b");
    CHECK(t && t->n_dims == 0 && t->n_elems == 1 && t->data[0] == 3.140625f);
    t = st_find(f, "i");
    CHECK(t && t->dtype == ST_OTHER && strcmp(t->dtype_name, "I64") == 0 && t->data == NULL);
    /* st_at walks the tensors in name order */
    CHECK(st_at(f, 0) && strcmp(st_at(f, 0)->name, "b") == 0);
    CHECK(st_at(f, 3) && strcmp(st_at(f, 3)->name, "w") == 0);
    CHECK(st_at(f, 4) == NULL && st_at(f, -1) == NULL);
    st_close(f);
}

/* Write a header (+ data_len zero bytes) and expect st_open to fail with a
 * message containing `want`. */
static void expect_bad(const char *label, const char *hdr, size_t data_len, const char *want)
{
    char path[512];
    tpath(path, sizeof path, "bad.safetensors");
    size_t hl = strlen(hdr);
    unsigned char *buf = calloc(1, 8 + hl + data_len);
    put_u64le(buf, hl);
    memcpy(buf + 8, hdr, hl);
    write_bytes(path, buf, 8 + hl + data_len);
    free(buf);
    st_file *f = NULL;
    struct pl_err e = {0};
    int rc = st_open(path, &f, &e);
    CHECKF(rc != 0 && f == NULL, "%s: accepted", label);
    CHECKF(strstr(e.msg, want) != NULL, "%s: message \"%s\" lacks \"%s\"", label, e.msg, want);
    CHECKF(strstr(e.msg, "bad.safetensors") != NULL, "%s: message lacks the file name", label);
    st_close(f);
}

static void test_corrupt(void)
{
    char path[512];
    tpath(path, sizeof path, "bad.safetensors");
    struct pl_err e = {0};
    st_file *f = NULL;

    /* truncated: fewer than 8 bytes */
    write_bytes(path, "\x10\0\0", 3);
    CHECK(st_open(path, &f, &e) == PL_EFORMAT && f == NULL);
    CHECK(strstr(e.msg, "too short") != NULL);
    write_bytes(path, "", 0);
    CHECK(st_open(path, &f, &e) == PL_EFORMAT && strstr(e.msg, "too short"));

    /* header length beyond the file */
    unsigned char b[16] = {0};
    put_u64le(b, 100);
    memcpy(b + 8, "{}      ", 8);
    write_bytes(path, b, 16);
    CHECK(st_open(path, &f, &e) == PL_EFORMAT);
    CHECK(strstr(e.msg, "header length 100 exceeds the file") != NULL);
    /* header length beyond the 100 MB limit */
    put_u64le(b, 200000000);
    write_bytes(path, b, 16);
    CHECK(st_open(path, &f, &e) == PL_EFORMAT && strstr(e.msg, "exceeds the limit"));
    put_u64le(b, UINT64_MAX);
    write_bytes(path, b, 16);
    CHECK(st_open(path, &f, &e) == PL_EFORMAT && strstr(e.msg, "exceeds the limit"));

    /* missing file */
    tpath(path, sizeof path, "missing.safetensors");
    CHECK(st_open(path, &f, &e) == PL_EIO && strstr(e.msg, "missing.safetensors: cannot open"));

    const char *ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
    expect_bad("not json", "{\"a\":{\"dtype\":", 8, "not valid JSON");
    expect_bad("not json 2", "hello world", 8, "not valid JSON");
    expect_bad("trailing", "{} x", 0, "not valid JSON");
    expect_bad("array", "[1,2]", 0, "not a JSON object");
    expect_bad("unknown dtype",
               "{\"a\":{\"dtype\":\"F99\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8,
               "tensor a: unknown dtype \"F99\"");
    expect_bad("offsets out of range", ok, 4,
               "tensor a: data_offsets [0,8] end beyond data area of 4 bytes");
    expect_bad("begin after end",
               "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8,
               "begin after end");
    expect_bad("overlap",
               "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
               "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
               12, "overlaps tensor a");
    expect_bad("span mismatch",
               "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,8]}}", 8,
               "tensor a: shape [2,3] of F32 needs 24 bytes but data_offsets [0,8] span 8 bytes");
    expect_bad("duplicate",
               "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
               "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
               8, "duplicate tensor name \"a\"");
    expect_bad("negative dim",
               "{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8,
               "shape[0] is not a non-negative integer");
    expect_bad("fraction dim",
               "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,8]}}", 8,
               "shape[0] is not a non-negative integer");
    expect_bad("overflow",
               "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],"
               "\"data_offsets\":[0,8]}}",
               8, "overflows");
    /* hostile sizes: a tensor claiming a terabyte, a shape whose bytes (not
     * elements) overflow, a header claiming a terabyte */
    expect_bad("terabyte tensor",
               "{\"a\":{\"dtype\":\"F32\",\"shape\":[274877906944],"
               "\"data_offsets\":[0,1099511627776]}}",
               8, "data_offsets [0,1099511627776] end beyond data area of 8 bytes");
    expect_bad("byte overflow",
               "{\"a\":{\"dtype\":\"F64\",\"shape\":[4503599627370496,1024],"
               "\"data_offsets\":[0,8]}}",
               8, "tensor a: shape element count overflows");
    expect_bad("beyond 2^53",
               "{\"a\":{\"dtype\":\"F64\",\"shape\":[2305843009213693952],"
               "\"data_offsets\":[0,8]}}",
               8, "tensor a: shape[0] is not a non-negative integer below 2^53");
    put_u64le(b, (uint64_t)1 << 40);
    write_bytes(path, b, 16);
    CHECK(st_open(path, &f, &e) == PL_EFORMAT && strstr(e.msg, "header length 1099511627776 exceeds the limit"));
    expect_bad("not object", "{\"a\":[1,2]}", 0, "tensor a: entry is not an object");
    expect_bad("no dtype", "{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8,
               "missing string \"dtype\"");
    expect_bad("no offsets", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8,
               "missing array \"data_offsets\"");
    expect_bad("bad offsets", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}",
               8, "data_offsets is not a pair");
    expect_bad("metadata value",
               "{\"__metadata__\":{\"format\":1},"
               "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
               8, "__metadata__ value for \"format\" is not a string");
    expect_bad("metadata type", "{\"__metadata__\":[]}", 0, "__metadata__ is not an object");
    expect_bad("too many dims",
               "{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}}",
               4, "9 dimensions");
    expect_bad("bad utf8", "{\"\xff\":{}}", 0, "not valid UTF-8");

    /* the same "ok" header with enough data opens */
    size_t hl = strlen(ok);
    unsigned char buf[128] = {0};
    put_u64le(buf, hl);
    memcpy(buf + 8, ok, hl);
    tpath(path, sizeof path, "ok.safetensors");
    write_bytes(path, buf, 8 + hl + 8);
    CHECK(st_open(path, &f, &e) == 0);
    st_close(f);
}

/* NaN and Inf are found wherever they are, and named by tensor, element
 * and index; F16 and BF16 have their own. */
static void test_finite(void)
{
    char path[512];
    tpath(path, sizeof path, "finite.safetensors");
    static float v[3000];
    float h[6] = {1, 2, 3, 4, 5, 6};
    struct st_write_tensor w[4] = {
        {"big", ST_F32, 2, {3, 1000}, v},
        {"half", ST_F16, 2, {2, 3}, h},
        {"brain", ST_BF16, 1, {6}, h},
        {"empty", ST_F32, 2, {0, 3}, NULL},
    };
    struct pl_err e = {0};
    st_file *f = NULL;
    CHECK(st_write(path, w, 4, NULL, NULL, 0, &e) == 0 && st_open(path, &f, &e) == 0);
    for (int i = 0; f && i < st_count(f); i++)
        CHECK(st_first_nonfinite(st_at(f, i)) == -1 && st_check_finite(f, st_at(f, i), &e) == 0);
    st_close(f);

    v[2500] = NAN; /* in the third block of 1024 */
    v[2999] = INFINITY;
    h[4] = 1e6f;   /* beyond the largest half: +Inf in F16, finite in BF16 */
    h[5] = -INFINITY;
    CHECK(st_write(path, w, 4, NULL, NULL, 0, &e) == 0 && st_open(path, &f, &e) == 0);
    const struct st_tensor *t = st_find(f, "big");
    CHECK(t && st_first_nonfinite(t) == 2500);
    CHECK(t && st_check_finite(f, t, &e) == PL_EFORMAT);
    CHECK(strstr(e.msg, "finite.safetensors: tensor big holds NaN at element 2500 (index [2,500])"));
    t = st_find(f, "half");
    CHECK(t && st_check_finite(f, t, &e) == PL_EFORMAT);
    CHECKF(strstr(e.msg, "tensor half holds +Inf at element 4 (index [1,1])"), "%s", e.msg);
    t = st_find(f, "brain");
    CHECK(t && st_check_finite(f, t, &e) == PL_EFORMAT && strstr(e.msg, "holds -Inf at element 5 (index [5])"));
    CHECK(st_first_nonfinite(st_find(f, "empty")) == -1 && st_first_nonfinite(NULL) == -1);
    st_close(f);
}

/* Flip random header bytes of a valid file 2,000 times (seeded); every open
 * must fail cleanly or succeed with tensors inside the file. */
static void test_fuzz(void)
{
    char path[512], fpath[512];
    tpath(path, sizeof path, "fz.safetensors");
    tpath(fpath, sizeof fpath, "fz_mut.safetensors");
    float v[12];
    for (int i = 0; i < 12; i++)
        v[i] = (float)i - 5.5f;
    struct st_write_tensor w[3] = {
        {"enc.w", ST_F32, 2, {3, 2}, v},
        {"dec.h", ST_F16, 1, {4}, v},
        {"x", ST_BF16, 1, {2}, v},
    };
    const char *mk[] = {"format"}, *mv[] = {"pt"};
    CHECK(st_write(path, w, 3, mk, mv, 1, NULL) == 0);
    char *orig = NULL;
    size_t n = 0;
    CHECK(pl_read_file(path, &orig, &n, NULL) == 0);
    if (!orig)
        return;
    uint64_t hl = 0;
    for (int i = 7; i >= 0; i--)
        hl = (hl << 8) | (unsigned char)orig[i];
    char *mut = malloc(n);
    struct pl_rng r;
    pl_rng_seed(&r, 1234);
    int opened = 0, refused = 0, sane = 1;
    for (int it = 0; it < 2000; it++) {
        memcpy(mut, orig, n);
        int flips = 1 + (int)pl_rng_below(&r, 4);
        for (int k = 0; k < flips; k++) {
            uint32_t pos = pl_rng_below(&r, (uint32_t)(8 + hl));
            uint32_t mode = pl_rng_below(&r, 3);
            if (mode == 0)
                mut[pos] ^= (char)(1u << pl_rng_below(&r, 8));
            else if (mode == 1)
                mut[pos] = (char)pl_rng_below(&r, 256);
            else /* JSON-significant bytes make for more interesting headers */
                mut[pos] = "{}[]\",:0123456789-. e"[pl_rng_below(&r, 21)];
        }
        write_bytes(fpath, mut, n);
        st_file *f = NULL;
        struct pl_err e = {0};
        if (st_open(fpath, &f, &e) == 0) {
            opened++;
            for (int i = 0; i < st_count(f); i++) {
                const struct st_tensor *t = st_at(f, i);
                float sum = 0;
                if (t->data)
                    for (size_t j = 0; j < t->n_elems; j++)
                        sum += t->data[j]; /* ASan catches a read outside */
                (void)sum;
                if (t->n_elems * 1 > st_file_size(f))
                    sane = 0;
            }
            st_close(f);
        } else {
            refused++;
            if (e.msg[0] == 0 || !strstr(e.msg, "fz_mut.safetensors"))
                sane = 0;
        }
    }
    CHECK(opened + refused == 2000);
    CHECK(refused > 500);
    CHECK(sane);
    free(mut);
    free(orig);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/pl_test_st_XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_f16();
    test_bf16();
    test_round_trip();
    test_hand_built();
    test_corrupt();
    test_finite();
    test_fuzz();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    TEST_END();
}
