/* safetensors.c - map, validate and read safetensors files; write them in the
 * canonical layout.
 *
 * A safetensors file is an 8-byte little-endian header length N, N bytes of
 * JSON describing every tensor (dtype, shape, [begin, end) offsets into the
 * data area), then the data area. The one idea: nothing from the file is
 * trusted until the whole header has been checked against the file size, so
 * after st_open succeeds every tensor's bytes are known to lie inside the
 * mapping. F32 data is then used in place when 32-byte aligned (else
 * copied to aligned memory); F16/BF16 are widened once into owned buffers. */
#include "promptlab/safetensors.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors.c assumes a little-endian host (F32 data is used in place)"
#endif

#define ST_MAX_HEADER 100000000ull
#define ST_DATA_ALIGN 64 /* bytes: where the writer starts the data, and copies are aligned */
/* Integers in the header arrive as JSON numbers (doubles); above 2^53 they
 * are no longer exact, and no real file comes near that. */
#define ST_MAX_JSON_INT 9007199254740992.0

struct st_file {
    char *path;
    unsigned char *map; /* whole file, read-only */
    size_t size;
    int n;
    struct st_tensor *t;  /* [n], sorted by name for st_find */
    float **owned;        /* [n], converted copies (NULL when in place) */
    char *names;          /* all tensor names, NUL-separated */
    int n_meta;
    char **meta_keys;     /* [n_meta], owned */
    char **meta_vals;     /* [n_meta], owned */
};

static const float st_empty[1];

/* ---- half-precision conversions ------------------------------------------ */

static uint32_t f32_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static float bits_f32(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

float st_f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
    if (exp == 0) {
        /* zero or subnormal: mant x 2^-24, exact in float */
        float v = (float)mant * (1.0f / 16777216.0f);
        return sign ? -v : v;
    }
    if (exp == 31)
        return bits_f32(sign | 0x7f800000u | (mant << 13));
    return bits_f32(sign | ((exp + 112) << 23) | (mant << 13));
}

float st_bf16_to_f32(uint16_t h) { return bits_f32((uint32_t)h << 16); }

int st_check_f16(const char *where, const char *name, const float *x, size_t n,
                 struct pl_err *e)
{
    for (size_t k = 0; k < n; k++)
        if (!(fabsf(x[k]) <= 65504.0f))
            return pl_err_set(e, PL_ERANGE, "%s: tensor %s: value %g at %zu does not fit in F16",
                              where, name, (double)x[k], k);
    return 0;
}

uint16_t st_f32_to_f16(float f)
{
    uint32_t x = f32_bits(f);
    uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
    uint32_t ax = x & 0x7fffffffu;
    uint32_t e = ax >> 23, mant = ax & 0x7fffffu;
    if (e == 255) /* inf stays inf; NaN stays a (quiet) NaN */
        return (uint16_t)(sign | 0x7c00 | (mant ? 0x200 | (mant >> 13) : 0));
    if (e >= 143) /* >= 2^16: beyond every finite half */
        return (uint16_t)(sign | 0x7c00);
    if (e < 113) {
        /* half subnormal: count units of 2^-24, rounding to nearest even */
        if (e < 101) /* < 2^-26: rounds to zero (float subnormals included) */
            return sign;
        uint32_t m = mant | 0x800000u, s = 126 - e; /* 14 <= s <= 25 */
        uint32_t r = m >> s, rem = m & ((1u << s) - 1), half = 1u << (s - 1);
        if (rem > half || (rem == half && (r & 1)))
            r++;
        return (uint16_t)(sign | r); /* r == 0x400 is the smallest normal */
    }
    uint32_t r = ((e - 112) << 10) | (mant >> 13), rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (r & 1)))
        r++; /* a carry moves into the exponent, up to inf: still correct */
    if (r > 0x7c00)
        r = 0x7c00;
    return (uint16_t)(sign | r);
}

uint16_t st_f32_to_bf16(float f)
{
    uint32_t x = f32_bits(f);
    if ((x & 0x7fffffffu) > 0x7f800000u)
        return (uint16_t)((x >> 16) | 0x40); /* keep it a NaN */
    x += 0x7fffu + ((x >> 16) & 1);
    return (uint16_t)(x >> 16);
}

/* ---- dtypes --------------------------------------------------------------- */

static const struct {
    const char *name;
    unsigned size;
} st_dtypes[] = {
    {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E5M2", 1}, {"F8_E4M3", 1},
    {"I16", 2},  {"U16", 2}, {"F16", 2}, {"BF16", 2},    {"I32", 4},
    {"U32", 4},  {"F32", 4}, {"F64", 8}, {"I64", 8},     {"U64", 8},
};

/* Byte size of a dtype name, 0 when unknown. */
static unsigned dtype_size(const char *name)
{
    for (size_t i = 0; i < sizeof st_dtypes / sizeof st_dtypes[0]; i++)
        if (strcmp(st_dtypes[i].name, name) == 0)
            return st_dtypes[i].size;
    return 0;
}

static enum st_dtype dtype_kind(const char *name)
{
    if (strcmp(name, "F32") == 0)
        return ST_F32;
    if (strcmp(name, "F16") == 0)
        return ST_F16;
    if (strcmp(name, "BF16") == 0)
        return ST_BF16;
    return ST_OTHER;
}

static const char *dtype_write_name(enum st_dtype d)
{
    switch (d) {
    case ST_F32: return "F32";
    case ST_F16: return "F16";
    case ST_BF16: return "BF16";
    default: return NULL;
    }
}

/* ---- reader --------------------------------------------------------------- */

/* A JSON number that is an exact non-negative integer below 2^53. */
static int json_uint(const cJSON *j, uint64_t *out)
{
    if (!cJSON_IsNumber(j))
        return -1;
    double d = j->valuedouble;
    if (!(d >= 0.0) || d >= ST_MAX_JSON_INT || d != (double)(uint64_t)d)
        return -1;
    *out = (uint64_t)d;
    return 0;
}

static void format_shape(char *buf, size_t cap, const int64_t *shape, int n)
{
    size_t k = 0;
    buf[0] = 0;
    k += (size_t)snprintf(buf, cap, "[");
    for (int i = 0; i < n && k < cap; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%lld", i ? "," : "", (long long)shape[i]);
    if (k < cap)
        snprintf(buf + k, cap - k, "]");
}

/* Scratch record kept while checking the header. */
struct span {
    uint64_t begin, end;
    int idx;
};

static int cmp_span(const void *a, const void *b)
{
    const struct span *x = a, *y = b;
    if (x->begin != y->begin)
        return x->begin < y->begin ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return 0;
}

static int cmp_tensor_name(const void *a, const void *b)
{
    const struct st_tensor *x = a, *y = b;
    return strcmp(x->name, y->name);
}

static int parse_metadata(st_file *f, const cJSON *md, struct pl_err *e)
{
    if (!cJSON_IsObject(md))
        return pl_err_set(e, PL_EFORMAT, "%s: __metadata__ is not an object", f->path);
    int n = cJSON_GetArraySize(md);
    f->meta_keys = calloc((size_t)n + 1, sizeof(char *));
    f->meta_vals = calloc((size_t)n + 1, sizeof(char *));
    if (!f->meta_keys || !f->meta_vals)
        return pl_err_set(e, PL_ENOMEM, "%s: out of memory", f->path);
    const cJSON *kv;
    cJSON_ArrayForEach(kv, md) {
        if (!cJSON_IsString(kv))
            return pl_err_set(e, PL_EFORMAT, "%s: __metadata__ value for \"%s\" is not a string",
                              f->path, kv->string);
        int k = f->n_meta++;
        f->meta_keys[k] = strdup(kv->string);
        f->meta_vals[k] = strdup(kv->valuestring);
        if (!f->meta_keys[k] || !f->meta_vals[k])
            return pl_err_set(e, PL_ENOMEM, "%s: out of memory", f->path);
    }
    return 0;
}

/* Check one tensor entry and fill t (name set by the caller) and its span. */
static int parse_entry(const st_file *f, const cJSON *it, uint64_t data_len,
                       struct st_tensor *t, struct span *sp, struct pl_err *e)
{
    const char *p = f->path, *nm = it->string;
    if (!cJSON_IsObject(it))
        return pl_err_set(e, PL_EFORMAT, "%s: tensor %s: entry is not an object", p, nm);
    const cJSON *jd = cJSON_GetObjectItemCaseSensitive(it, "dtype");
    const cJSON *js = cJSON_GetObjectItemCaseSensitive(it, "shape");
    const cJSON *jo = cJSON_GetObjectItemCaseSensitive(it, "data_offsets");
    if (!cJSON_IsString(jd))
        return pl_err_set(e, PL_EFORMAT, "%s: tensor %s: missing string \"dtype\"", p, nm);
    if (!cJSON_IsArray(js))
        return pl_err_set(e, PL_EFORMAT, "%s: tensor %s: missing array \"shape\"", p, nm);
    if (!cJSON_IsArray(jo))
        return pl_err_set(e, PL_EFORMAT, "%s: tensor %s: missing array \"data_offsets\"", p, nm);

    unsigned isz = dtype_size(jd->valuestring);
    if (isz == 0)
        return pl_err_set(e, PL_EFORMAT, "%s: tensor %s: unknown dtype \"%.32s\"", p, nm,
                          jd->valuestring);
    snprintf(t->dtype_name, sizeof t->dtype_name, "%s", jd->valuestring);
    t->dtype = dtype_kind(jd->valuestring);

    int nd = cJSON_GetArraySize(js);
    if (nd > ST_MAX_DIMS)
        return pl_err_set(e, PL_ERANGE, "%s: tensor %s: %d dimensions (at most %d supported)", p,
                          nm, nd, ST_MAX_DIMS);
    t->n_dims = nd;
    uint64_t count = 1;
    int k = 0;
    const cJSON *d;
    cJSON_ArrayForEach(d, js) {
        uint64_t v;
        if (json_uint(d, &v) != 0)
            return pl_err_set(e, PL_EFORMAT,
                              "%s: tensor %s: shape[%d] is not a non-negative integer below 2^53", p,
                              nm, k);
        t->shape[k++] = (int64_t)v;
        if (__builtin_mul_overflow(count, v, &count))
            return pl_err_set(e, PL_ERANGE, "%s: tensor %s: shape element count overflows", p, nm);
    }
    uint64_t nbytes;
    if (__builtin_mul_overflow(count, (uint64_t)isz, &nbytes) || count > SIZE_MAX)
        return pl_err_set(e, PL_ERANGE, "%s: tensor %s: shape element count overflows", p, nm);
    t->n_elems = (size_t)count;

    uint64_t b, en;
    if (cJSON_GetArraySize(jo) != 2 || json_uint(cJSON_GetArrayItem(jo, 0), &b) != 0 ||
        json_uint(cJSON_GetArrayItem(jo, 1), &en) != 0)
        return pl_err_set(e, PL_EFORMAT,
                          "%s: tensor %s: data_offsets is not a pair of non-negative integers", p,
                          nm);
    if (b > en)
        return pl_err_set(e, PL_EFORMAT, "%s: tensor %s: data_offsets [%llu,%llu] begin after end",
                          p, nm, (unsigned long long)b, (unsigned long long)en);
    if (en > data_len)
        return pl_err_set(e, PL_EFORMAT,
                          "%s: tensor %s: data_offsets [%llu,%llu] end beyond data area of %llu bytes",
                          p, nm, (unsigned long long)b, (unsigned long long)en,
                          (unsigned long long)data_len);
    if (en - b != nbytes) {
        char sh[160];
        format_shape(sh, sizeof sh, t->shape, t->n_dims);
        return pl_err_set(e, PL_EFORMAT,
                          "%s: tensor %s: shape %s of %s needs %llu bytes but data_offsets "
                          "[%llu,%llu] span %llu bytes",
                          p, nm, sh, t->dtype_name, (unsigned long long)nbytes,
                          (unsigned long long)b, (unsigned long long)en,
                          (unsigned long long)(en - b));
    }
    sp->begin = b;
    sp->end = en;
    return 0;
}

/* Point t->data at F32 values: in place when possible, else a converted copy. */
static int load_data(st_file *f, int i, const unsigned char *src, struct pl_err *e)
{
    struct st_tensor *t = &f->t[i];
    if (t->dtype == ST_OTHER)
        return 0;
    if (t->n_elems == 0) {
        t->data = st_empty;
        return 0;
    }
    /* in place only where a vector load never splits a cache line: the
     * few-rows product on misaligned weights ran at about three quarters
     * of the speed */
    if (t->dtype == ST_F32 && ((uintptr_t)src % 32) == 0) {
        t->data = (const float *)(const void *)src;
        return 0;
    }
    float *dst = NULL;
    if (posix_memalign((void **)&dst, ST_DATA_ALIGN, t->n_elems * sizeof(float)) != 0)
        dst = NULL;
    if (!dst)
        return pl_err_set(e, PL_ENOMEM, "%s: tensor %s: cannot allocate %zu floats", f->path,
                          t->name, t->n_elems);
    if (t->dtype == ST_F32) {
        memcpy(dst, src, t->n_elems * sizeof(float));
    } else {
        for (size_t k = 0; k < t->n_elems; k++) {
            uint16_t h = (uint16_t)(src[2 * k] | (src[2 * k + 1] << 8));
            dst[k] = t->dtype == ST_F16 ? st_f16_to_f32(h) : st_bf16_to_f32(h);
        }
    }
    f->owned[i] = dst;
    t->data = dst;
    return 0;
}

/* Validate the header (already NUL-terminated in hdr) and build f->t. */
static int parse_header(st_file *f, const char *hdr, size_t hlen, uint64_t data_len,
                        struct pl_err *e)
{
    if (!pl_utf8_valid(hdr, hlen))
        return pl_err_set(e, PL_EFORMAT, "%s: header is not valid UTF-8", f->path);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(hdr, &end, 0);
    if (!root)
        return pl_err_set(e, PL_EFORMAT, "%s: header is not valid JSON (near byte %zu)", f->path,
                          (size_t)((end && end >= hdr ? end : hdr) - hdr) + 8);
    int rc = 0;
    struct span *sp = NULL;
    for (const char *q = end; *q; q++) {
        if (*q != ' ' && *q != '\t' && *q != '\n' && *q != '\r') {
            rc = pl_err_set(e, PL_EFORMAT, "%s: header is not valid JSON (trailing bytes)", f->path);
            goto out;
        }
    }
    if (!cJSON_IsObject(root)) {
        rc = pl_err_set(e, PL_EFORMAT, "%s: header is not a JSON object", f->path);
        goto out;
    }

    int n_items = cJSON_GetArraySize(root), n = 0;
    size_t names_len = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, root) {
        if (strcmp(it->string, "__metadata__") == 0)
            continue;
        n++;
        names_len += strlen(it->string) + 1;
    }
    if (n_items - n > 1) {
        rc = pl_err_set(e, PL_EFORMAT, "%s: duplicate key \"__metadata__\"", f->path);
        goto out;
    }
    f->t = calloc((size_t)n + 1, sizeof *f->t);
    f->owned = calloc((size_t)n + 1, sizeof *f->owned);
    f->names = malloc(names_len + 1);
    sp = calloc((size_t)n + 1, sizeof *sp);
    if (!f->t || !f->owned || !f->names || !sp) {
        rc = pl_err_set(e, PL_ENOMEM, "%s: out of memory for %d tensors", f->path, n);
        goto out;
    }

    char *np = f->names;
    cJSON_ArrayForEach(it, root) {
        if (strcmp(it->string, "__metadata__") == 0) {
            if ((rc = parse_metadata(f, it, e)) != 0)
                goto out;
            continue;
        }
        struct st_tensor *t = &f->t[f->n];
        size_t l = strlen(it->string);
        memcpy(np, it->string, l + 1);
        t->name = np;
        np += l + 1;
        if ((rc = parse_entry(f, it, data_len, t, &sp[f->n], e)) != 0)
            goto out;
        sp[f->n].idx = f->n;
        f->n++;
    }

    /* Overlaps: sort the spans by start; empty spans overlap nothing. */
    qsort(sp, (size_t)f->n, sizeof *sp, cmp_span);
    int prev = -1;
    for (int i = 0; i < f->n; i++) {
        if (sp[i].begin == sp[i].end)
            continue;
        if (prev >= 0 && sp[i].begin < sp[prev].end) {
            const struct span *a = &sp[prev], *b = &sp[i];
            rc = pl_err_set(e, PL_EFORMAT,
                            "%s: tensor %s: data_offsets [%llu,%llu] overlaps tensor %s [%llu,%llu]",
                            f->path, f->t[b->idx].name, (unsigned long long)b->begin,
                            (unsigned long long)b->end, f->t[a->idx].name,
                            (unsigned long long)a->begin, (unsigned long long)a->end);
            goto out;
        }
        prev = i;
    }

    /* Data pointers before sorting by name (sp[].idx refers to header order). */
    const unsigned char *data = f->map + 8 + hlen;
    for (int i = 0; i < f->n; i++)
        if ((rc = load_data(f, sp[i].idx, data + sp[i].begin, e)) != 0)
            goto out;

    /* Sort by name for st_find and refuse duplicates. owned[] stays in header
     * order: it is only walked to free the buffers. */
    qsort(f->t, (size_t)f->n, sizeof *f->t, cmp_tensor_name);
    for (int i = 1; i < f->n; i++) {
        if (strcmp(f->t[i - 1].name, f->t[i].name) == 0) {
            rc = pl_err_set(e, PL_EFORMAT, "%s: duplicate tensor name \"%s\"", f->path,
                            f->t[i].name);
            goto out;
        }
    }
out:
    free(sp);
    cJSON_Delete(root);
    return rc;
}

void st_close(st_file *f)
{
    if (!f)
        return;
    for (int i = 0; i < f->n_meta; i++) {
        free(f->meta_keys[i]);
        free(f->meta_vals[i]);
    }
    free(f->meta_keys);
    free(f->meta_vals);
    if (f->owned) {
        for (int i = 0; i < f->n; i++)
            free(f->owned[i]);
    }
    free(f->owned);
    free(f->t);
    free(f->names);
    if (f->map)
        munmap(f->map, f->size);
    free(f->path);
    free(f);
}

int st_open(const char *path, st_file **out, struct pl_err *e)
{
    *out = NULL;
    st_file *f = calloc(1, sizeof *f);
    if (!f || !(f->path = strdup(path))) {
        free(f);
        return pl_err_set(e, PL_ENOMEM, "%s: out of memory", path);
    }
    int rc = 0;
    char *hdr = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = pl_err_set(e, PL_EIO, "%s: cannot open: %s", path, strerror(errno));
        goto fail;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        rc = pl_err_set(e, PL_EIO, "%s: not a regular file", path);
        goto fail;
    }
    if (st.st_size < 8) {
        close(fd);
        rc = pl_err_set(e, PL_EFORMAT,
                        "%s: file is %lld bytes, too short for the 8-byte header length", path,
                        (long long)st.st_size);
        goto fail;
    }
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    int map_errno = errno;
    close(fd);
    if (m == MAP_FAILED) {
        rc = pl_err_set(e, PL_EIO, "%s: cannot map: %s", path, strerror(map_errno));
        goto fail;
    }
    f->map = m;
    f->size = (size_t)st.st_size;

    uint64_t hlen = 0;
    for (int i = 7; i >= 0; i--)
        hlen = (hlen << 8) | f->map[i];
    if (hlen > ST_MAX_HEADER) {
        rc = pl_err_set(e, PL_EFORMAT, "%s: header length %llu exceeds the limit of %llu bytes",
                        path, (unsigned long long)hlen, ST_MAX_HEADER);
        goto fail;
    }
    if (hlen > f->size - 8) {
        rc = pl_err_set(e, PL_EFORMAT,
                        "%s: header length %llu exceeds the file (%zu bytes after the length)", path,
                        (unsigned long long)hlen, f->size - 8);
        goto fail;
    }
    if (hlen < 2) {
        rc = pl_err_set(e, PL_EFORMAT, "%s: header length %llu is too short for a JSON object",
                        path, (unsigned long long)hlen);
        goto fail;
    }
    hdr = malloc((size_t)hlen + 1);
    if (!hdr) {
        rc = pl_err_set(e, PL_ENOMEM, "%s: cannot allocate the header", path);
        goto fail;
    }
    memcpy(hdr, f->map + 8, (size_t)hlen);
    hdr[hlen] = 0;
    if (memchr(hdr, 0, (size_t)hlen)) {
        rc = pl_err_set(e, PL_EFORMAT, "%s: header is not valid JSON (contains a NUL byte)", path);
        goto fail;
    }
    if ((rc = parse_header(f, hdr, (size_t)hlen, f->size - 8 - hlen, e)) != 0)
        goto fail;
    free(hdr);
    *out = f;
    return 0;
fail:
    free(hdr);
    st_close(f);
    return rc;
}

int st_count(const st_file *f) { return f ? f->n : 0; }

const struct st_tensor *st_at(const st_file *f, int i)
{
    return (f && i >= 0 && i < f->n) ? &f->t[i] : NULL;
}

const struct st_tensor *st_find(const st_file *f, const char *name)
{
    if (!f || !name)
        return NULL;
    struct st_tensor key = {.name = name};
    return bsearch(&key, f->t, (size_t)f->n, sizeof *f->t, cmp_tensor_name);
}

const char *st_metadata(const st_file *f, const char *key)
{
    if (!f || !key)
        return NULL;
    for (int i = 0; i < f->n_meta; i++)
        if (strcmp(f->meta_keys[i], key) == 0)
            return f->meta_vals[i];
    return NULL;
}

size_t st_file_size(const st_file *f) { return f ? f->size : 0; }

/* ---- finiteness ----------------------------------------------------------- */

int64_t st_first_nonfinite(const struct st_tensor *t)
{
    if (!t || !t->data)
        return -1;
    const float *v = t->data;
    size_t n = t->n_elems;
    /* Whole blocks of exponent tests OR-ed together (a fixed trip count,
     * which the compiler vectorises); only a block that holds a bad value,
     * and the tail, are searched element by element. */
    enum { BLOCK = 1024 };
    size_t b = 0;
    for (; b + BLOCK <= n; b += BLOCK) {
        uint32_t bad = 0;
        for (size_t k = 0; k < BLOCK; k++) {
            uint32_t u;
            memcpy(&u, &v[b + k], 4);
            bad |= (u & 0x7f800000u) == 0x7f800000u;
        }
        if (bad)
            break;
    }
    for (; b < n; b++)
        if (!isfinite(v[b]))
            return (int64_t)b;
    return -1;
}

int st_check_finite(const st_file *f, const struct st_tensor *t, struct pl_err *e)
{
    int64_t i = st_first_nonfinite(t);
    if (i < 0)
        return 0;
    /* the element's index per dimension, last dimension fastest */
    int64_t idx[ST_MAX_DIMS], rest = i;
    for (int d = t->n_dims - 1; d >= 0; d--) {
        idx[d] = t->shape[d] ? rest % t->shape[d] : 0;
        rest = t->shape[d] ? rest / t->shape[d] : 0;
    }
    char where[160];
    format_shape(where, sizeof where, idx, t->n_dims);
    float x = t->data[i];
    return pl_err_set(e, PL_EFORMAT, "%s: tensor %s holds %s at element %lld (index %s)",
                      f ? f->path : "safetensors", t->name,
                      isnan(x) ? "NaN" : x > 0 ? "+Inf" : "-Inf", (long long)i, where);
}

/* ---- writer --------------------------------------------------------------- */





/* A JSON string literal (input already checked to be UTF-8). */
static void sb_json_str(struct pl_str *b, const char *s)
{
    pl_str_put(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            pl_str_put(b, esc, 2);
        } else if (c < 0x20) {
            char esc[8];
            snprintf(esc, sizeof esc, "\\u%04x", c);
            pl_str_put(b, esc, 6);
        } else {
            pl_str_put(b, (const char *)&c, 1);
        }
    }
    pl_str_put(b, "\"", 1);
}

struct worder {
    const struct st_write_tensor *t;
    unsigned isz;
    size_t n_elems;
};

static int cmp_worder(const void *a, const void *b)
{
    const struct worder *x = a, *y = b;
    if (x->isz != y->isz)
        return x->isz > y->isz ? -1 : 1;
    return strcmp(x->t->name, y->t->name);
}

static int write_all(FILE *fp, const void *p, size_t n) { return fwrite(p, 1, n, fp) == n ? 0 : -1; }

/* Stream one tensor's values in its on-disk dtype. */
static int write_tensor(FILE *fp, const struct worder *w)
{
    if (w->n_elems == 0)
        return 0;
    if (w->t->dtype == ST_F32)
        return write_all(fp, w->t->data, w->n_elems * sizeof(float));
    unsigned char buf[8192];
    size_t k = 0;
    for (size_t i = 0; i < w->n_elems; i++) {
        float v = w->t->data[i];
        uint16_t h = w->t->dtype == ST_F16 ? st_f32_to_f16(v) : st_f32_to_bf16(v);
        buf[k++] = (unsigned char)(h & 0xff);
        buf[k++] = (unsigned char)(h >> 8);
        if (k == sizeof buf) {
            if (write_all(fp, buf, k) != 0)
                return -1;
            k = 0;
        }
    }
    return k ? write_all(fp, buf, k) : 0;
}

static int check_write_args(const char *path, const struct st_write_tensor *t, int n,
                            const char *const *mk, const char *const *mv, int n_meta,
                            struct worder *w, struct pl_err *e)
{
    for (int i = 0; i < n; i++) {
        const struct st_write_tensor *x = &t[i];
        if (!x->name || !pl_utf8_valid(x->name, strlen(x->name)))
            return pl_err_set(e, PL_EINVAL, "%s: tensor %d: name missing or not UTF-8", path, i);
        if (strcmp(x->name, "__metadata__") == 0)
            return pl_err_set(e, PL_EINVAL, "%s: tensor name \"__metadata__\" is reserved", path);
        if (!dtype_write_name(x->dtype))
            return pl_err_set(e, PL_EINVAL, "%s: tensor %s: can only write F32, F16 or BF16", path,
                              x->name);
        if (x->n_dims < 0 || x->n_dims > ST_MAX_DIMS)
            return pl_err_set(e, PL_EINVAL, "%s: tensor %s: %d dimensions", path, x->name,
                              x->n_dims);
        uint64_t count = 1;
        for (int d = 0; d < x->n_dims; d++) {
            if (x->shape[d] < 0 || (double)x->shape[d] >= ST_MAX_JSON_INT)
                return pl_err_set(e, PL_EINVAL, "%s: tensor %s: bad dimension %lld", path,
                                  x->name, (long long)x->shape[d]);
            if (__builtin_mul_overflow(count, (uint64_t)x->shape[d], &count) ||
                count > SIZE_MAX / sizeof(float))
                return pl_err_set(e, PL_ERANGE, "%s: tensor %s: too many elements", path, x->name);
        }
        if (count > 0 && !x->data)
            return pl_err_set(e, PL_EINVAL, "%s: tensor %s: no data", path, x->name);
        w[i].t = x;
        w[i].isz = x->dtype == ST_F32 ? 4 : 2;
        w[i].n_elems = (size_t)count;
    }
    for (int i = 0; i < n_meta; i++)
        if (!mk[i] || !mv[i] || !pl_utf8_valid(mk[i], strlen(mk[i])) ||
            !pl_utf8_valid(mv[i], strlen(mv[i])))
            return pl_err_set(e, PL_EINVAL, "%s: metadata entry %d missing or not UTF-8", path, i);
    qsort(w, (size_t)n, sizeof *w, cmp_worder);
    for (int i = 1; i < n; i++)
        if (strcmp(w[i - 1].t->name, w[i].t->name) == 0)
            return pl_err_set(e, PL_EINVAL, "%s: duplicate tensor name \"%s\"", path,
                              w[i].t->name);
    return 0;
}

int st_write(const char *path, const struct st_write_tensor *t, int n,
             const char *const *meta_keys, const char *const *meta_vals, int n_meta,
             struct pl_err *e)
{
    if (n < 0 || n_meta < 0 || (n > 0 && !t) || (n_meta > 0 && (!meta_keys || !meta_vals)))
        return pl_err_set(e, PL_EINVAL, "%s: bad arguments to st_write", path);
    struct worder *w = calloc((size_t)n + 1, sizeof *w);
    if (!w)
        return pl_err_set(e, PL_ENOMEM, "%s: out of memory", path);
    int rc = check_write_args(path, t, n, meta_keys, meta_vals, n_meta, w, e);
    if (rc != 0) {
        free(w);
        return rc;
    }

    /* Header: metadata first, then the tensors in file order. */
    struct pl_str h = {0};
    pl_str_puts(&h, "{");
    if (n_meta > 0) {
        pl_str_puts(&h, "\"__metadata__\":{");
        for (int i = 0; i < n_meta; i++) {
            if (i)
                pl_str_puts(&h, ",");
            sb_json_str(&h, meta_keys[i]);
            pl_str_puts(&h, ":");
            sb_json_str(&h, meta_vals[i]);
        }
        pl_str_puts(&h, "}");
    }
    uint64_t off = 0;
    for (int i = 0; i < n; i++) {
        if (i || n_meta > 0)
            pl_str_puts(&h, ",");
        sb_json_str(&h, w[i].t->name);
        pl_str_puts(&h, ":{\"dtype\":\"");
        pl_str_puts(&h, dtype_write_name(w[i].t->dtype));
        pl_str_puts(&h, "\",\"shape\":[");
        for (int d = 0; d < w[i].t->n_dims; d++)
            pl_str_printf(&h, d ? ",%llu" : "%llu", (unsigned long long)w[i].t->shape[d]);
        uint64_t end = off + (uint64_t)w[i].n_elems * w[i].isz;
        pl_str_printf(&h, "],\"data_offsets\":[%llu", (unsigned long long)off);
        pl_str_printf(&h, ",%llu]}", (unsigned long long)end);
        off = end;
    }
    pl_str_puts(&h, "}");
    /* spaces until the data starts on a 64-byte boundary (a multiple of 8,
     * as the format asks): a reader that maps the file then finds large
     * tensors aligned for vector loads */
    while (!h.oom && (8 + h.n) % ST_DATA_ALIGN != 0)
        pl_str_puts(&h, " ");
    if (h.oom) {
        free(h.p);
        free(w);
        return pl_err_set(e, PL_ENOMEM, "%s: out of memory for the header", path);
    }

    /* Temporary file beside the target, then fsync and rename. */
    struct pl_atomic_file af;
    if ((rc = pl_atomic_open(&af, path, e)))
        goto done;
    unsigned char len8[8];
    for (int i = 0; i < 8; i++)
        len8[i] = (unsigned char)((uint64_t)h.n >> (8 * i));
    int bad = write_all(af.f, len8, 8) || write_all(af.f, h.p, h.n);
    for (int i = 0; i < n && !bad; i++)
        bad = write_tensor(af.f, &w[i]);
    /* A failed fwrite (a full disk) is reported by the commit, which sees
     * the stream's error flag. */
    rc = pl_atomic_commit(&af, e);
done:
    free(h.p);
    free(w);
    return rc;
}
