/* npy.c - NumPy .npy reader (v1/v2/v3, '<f4' '<f8' '<f2', 2-D) and an F32
 * writer (v1.0).
 *
 * Layout: "\x93NUMPY", major, minor, a little-endian header length (2 bytes in
 * v1, 4 in v2/v3), then a Python dict literal such as
 *   {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
 * padded with spaces and ended by '\n' so the data starts 64-byte aligned,
 * then the raw array. The one idea: the dict is parsed by a tiny recursive
 * reader that accepts only the three keys and the literal forms NumPy writes. */
#include "promptlab/npy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "promptlab/safetensors.h" /* st_f16_to_f32 */

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "npy.c assumes a little-endian host"
#endif

#define NPY_MAX_DIMS 32

struct hdr {
    const char *p, *end;
    char descr[16];
    int have_descr, have_fortran, have_shape;
    int fortran;
    int n_dims;
    uint64_t shape[NPY_MAX_DIMS];
};

static void skip_ws(struct hdr *h)
{
    while (h->p < h->end && (*h->p == ' ' || *h->p == '\t' || *h->p == '\n' || *h->p == '\r'))
        h->p++;
}

static int eat(struct hdr *h, char c)
{
    skip_ws(h);
    if (h->p < h->end && *h->p == c) {
        h->p++;
        return 1;
    }
    return 0;
}

/* A quoted string (single or double quotes, no escapes) into buf. */
static int read_str(struct hdr *h, char *buf, size_t cap)
{
    skip_ws(h);
    if (h->p >= h->end || (*h->p != '\'' && *h->p != '"'))
        return -1;
    char q = *h->p++;
    size_t n = 0;
    while (h->p < h->end && *h->p != q) {
        if (*h->p == '\\' || n + 1 >= cap)
            return -1;
        buf[n++] = *h->p++;
    }
    if (h->p >= h->end)
        return -1;
    h->p++;
    buf[n] = 0;
    return 0;
}

static int read_word(struct hdr *h, const char *w)
{
    skip_ws(h);
    size_t n = strlen(w);
    if ((size_t)(h->end - h->p) >= n && memcmp(h->p, w, n) == 0) {
        h->p += n;
        return 1;
    }
    return 0;
}

/* A tuple of non-negative integers: (), (3,), (3, 4), (3L, 4L) ... */
static int read_shape(struct hdr *h)
{
    if (!eat(h, '('))
        return -1;
    h->n_dims = 0;
    for (;;) {
        if (eat(h, ')'))
            return 0;
        skip_ws(h);
        if (h->p >= h->end || *h->p < '0' || *h->p > '9' || h->n_dims == NPY_MAX_DIMS)
            return -1;
        uint64_t v = 0;
        while (h->p < h->end && *h->p >= '0' && *h->p <= '9') {
            if (v > (UINT64_MAX - 9) / 10)
                return -1;
            v = v * 10 + (uint64_t)(*h->p++ - '0');
        }
        if (h->p < h->end && *h->p == 'L') /* Python 2 longs */
            h->p++;
        h->shape[h->n_dims++] = v;
        if (eat(h, ','))
            continue;
        if (eat(h, ')'))
            return 0;
        return -1;
    }
}

/* Parse the dict literal; on error return a short description. */
static const char *parse_dict(struct hdr *h)
{
    if (!eat(h, '{'))
        return "header is not a Python dict";
    for (;;) {
        if (eat(h, '}'))
            break;
        char key[32];
        if (read_str(h, key, sizeof key) != 0)
            return "header dict has a malformed key";
        if (!eat(h, ':'))
            return "header dict lacks ':' after a key";
        if (strcmp(key, "descr") == 0) {
            if (read_str(h, h->descr, sizeof h->descr) != 0)
                return "header 'descr' is not a simple dtype string";
            h->have_descr = 1;
        } else if (strcmp(key, "fortran_order") == 0) {
            if (read_word(h, "True"))
                h->fortran = 1;
            else if (read_word(h, "False"))
                h->fortran = 0;
            else
                return "header 'fortran_order' is not True or False";
            h->have_fortran = 1;
        } else if (strcmp(key, "shape") == 0) {
            if (read_shape(h) != 0)
                return "header 'shape' is not a tuple of integers";
            h->have_shape = 1;
        } else {
            return "header dict has an unexpected key";
        }
        if (eat(h, ','))
            continue;
        if (eat(h, '}'))
            break;
        return "header dict is malformed";
    }
    skip_ws(h);
    if (h->p != h->end)
        return "header has bytes after the dict";
    if (!h->have_descr || !h->have_fortran || !h->have_shape)
        return "header lacks one of 'descr', 'fortran_order', 'shape'";
    return NULL;
}

int npy_parse(const char *name, const unsigned char *buf, size_t len, float **data,
              int64_t *rows, int64_t *cols, struct pl_err *e)
{
    *data = NULL;
    *rows = *cols = 0;
    if (len < 10 || memcmp(buf, "\x93NUMPY", 6) != 0)
        return pl_err_set(e, PL_EFORMAT, "%s: not a NumPy .npy file (bad magic)", name);
    int major = buf[6], minor = buf[7];
    if ((major != 1 && major != 2 && major != 3) || minor != 0)
        return pl_err_set(e, PL_EFORMAT, "%s: unsupported .npy format version %d.%d", name, major,
                          minor);
    size_t pre = major == 1 ? 10 : 12;
    if (len < pre)
        return pl_err_set(e, PL_EFORMAT, "%s: truncated .npy header", name);
    uint64_t hlen = major == 1 ? (uint64_t)(buf[8] | buf[9] << 8)
                               : (uint64_t)buf[8] | (uint64_t)buf[9] << 8 |
                                     (uint64_t)buf[10] << 16 | (uint64_t)buf[11] << 24;
    if (hlen > len - pre)
        return pl_err_set(e, PL_EFORMAT, "%s: truncated .npy header (%llu bytes announced, %zu left)",
                          name, (unsigned long long)hlen, len - pre);
    const char *htext = (const char *)buf + pre;
    if (major < 3) {
        for (uint64_t i = 0; i < hlen; i++)
            if ((unsigned char)htext[i] >= 0x80)
                return pl_err_set(e, PL_EFORMAT, "%s: .npy header is not ASCII", name);
    } else if (!pl_utf8_valid(htext, (size_t)hlen)) {
        return pl_err_set(e, PL_EFORMAT, "%s: .npy header is not valid UTF-8", name);
    }

    struct hdr h = {.p = htext, .end = htext + hlen};
    const char *why = parse_dict(&h);
    if (why)
        return pl_err_set(e, PL_EFORMAT, "%s: %s", name, why);

    const char *d = h.descr;
    if ((d[0] == '>' || d[0] == '!') && d[1] == 'f')
        return pl_err_set(e, PL_EFORMAT,
                          "%s: big-endian dtype '%s' not supported (save it little-endian)", name, d);
    unsigned isz;
    if (strcmp(d, "<f4") == 0)
        isz = 4;
    else if (strcmp(d, "<f8") == 0)
        isz = 8;
    else if (strcmp(d, "<f2") == 0)
        isz = 2;
    else
        return pl_err_set(e, PL_EFORMAT, "%s: dtype '%s' not supported (need '<f4', '<f8' or '<f2')",
                          name, d);
    if (h.n_dims != 2)
        return pl_err_set(e, PL_EFORMAT, "%s: array has %d dimension%s, need 2 (rows, cols)", name,
                          h.n_dims, h.n_dims == 1 ? "" : "s");

    uint64_t r = h.shape[0], c = h.shape[1], count, nbytes;
    if (__builtin_mul_overflow(r, c, &count) || __builtin_mul_overflow(count, isz, &nbytes) ||
        r > INT64_MAX || c > INT64_MAX || count > SIZE_MAX / sizeof(float))
        return pl_err_set(e, PL_ERANGE, "%s: shape (%llu, %llu) is too large", name,
                          (unsigned long long)r, (unsigned long long)c);
    size_t off = pre + (size_t)hlen;
    if (nbytes > len - off)
        return pl_err_set(e, PL_EFORMAT,
                          "%s: data truncated: shape (%llu, %llu) needs %llu bytes, file has %zu",
                          name, (unsigned long long)r, (unsigned long long)c,
                          (unsigned long long)nbytes, len - off);

    float *out = malloc(count ? (size_t)count * sizeof(float) : sizeof(float));
    if (!out)
        return pl_err_set(e, PL_ENOMEM, "%s: cannot allocate %llu floats", name,
                          (unsigned long long)count);
    const unsigned char *src = buf + off;
    for (uint64_t k = 0; k < count; k++) {
        /* element k of the file; in Fortran order it is (k % r, k / r) */
        uint64_t dst = h.fortran ? (k % r) * c + k / r : k;
        const unsigned char *s = src + k * isz;
        float v;
        if (isz == 4) {
            memcpy(&v, s, 4);
        } else if (isz == 8) {
            double dv;
            memcpy(&dv, s, 8);
            v = (float)dv;
        } else {
            v = st_f16_to_f32((uint16_t)(s[0] | s[1] << 8));
        }
        out[dst] = v;
    }
    *data = out;
    *rows = (int64_t)r;
    *cols = (int64_t)c;
    return 0;
}

int npy_read(const char *path, float **data, int64_t *rows, int64_t *cols, struct pl_err *e)
{
    *data = NULL;
    *rows = *cols = 0;
    char *buf = NULL;
    size_t len = 0;
    int rc = pl_read_file(path, &buf, &len, e);
    if (rc != 0)
        return rc;
    rc = npy_parse(path, (const unsigned char *)buf, len, data, rows, cols, e);
    free(buf);
    return rc;
}

int npy_write(const char *path, const float *data, int64_t rows, int64_t cols, struct pl_err *e)
{
    uint64_t count;
    if (rows < 0 || cols < 0 ||
        __builtin_mul_overflow((uint64_t)rows, (uint64_t)cols, &count) ||
        count > (SIZE_MAX - 4096) / sizeof(float) || (count > 0 && !data))
        return pl_err_set(e, PL_EINVAL, "%s: bad array for npy_write (%lld x %lld)", path,
                          (long long)rows, (long long)cols);
    char dict[128];
    int n = snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': (%lld, %lld), }",
                     (long long)rows, (long long)cols);
    /* pad with spaces so magic + version + length + header (ending in '\n')
     * is a multiple of 64 */
    size_t hlen = (size_t)n + 1;
    hlen += (64 - (10 + hlen) % 64) % 64;
    size_t total = 10 + hlen + (size_t)count * sizeof(float);
    unsigned char *buf = malloc(total);
    if (!buf)
        return pl_err_set(e, PL_ENOMEM, "%s: out of memory", path);
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    buf[8] = (unsigned char)(hlen & 0xff);
    buf[9] = (unsigned char)(hlen >> 8);
    memcpy(buf + 10, dict, (size_t)n);
    memset(buf + 10 + n, ' ', hlen - (size_t)n - 1);
    buf[10 + hlen - 1] = '\n';
    if (count)
        memcpy(buf + 10 + hlen, data, (size_t)count * sizeof(float));
    int rc = pl_write_file_atomic(path, buf, total, e);
    free(buf);
    return rc;
}
