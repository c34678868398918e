/* core.c - the small shared pieces: error messages, the workspace arena, the
 * seeded RNG, the clock, whole-file reads, UTF-8 checks (atomic writes are
 * in save.c).
 *
 * The one idea: nothing here prints or exits; every failure is reported
 * through the return code and an optional struct pl_err. */
#include "promptlab/core.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int pl_err_set(struct pl_err *e, int code, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
        e->code = code;
    }
    return code;
}

int pl_err_wrap(struct pl_err *e, int code, const char *fmt, ...)
{
    if (!e)
        return code;
    char prefix[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(prefix, sizeof prefix - 2, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n > sizeof prefix - 3)
        n = (int)(sizeof prefix - 3);
    memcpy(prefix + n, ": ", 3);
    size_t plen = (size_t)n + 2, old = strnlen(e->msg, sizeof e->msg - 1);
    if (plen + old >= sizeof e->msg)
        old = sizeof e->msg - 1 - plen;
    memmove(e->msg + plen, e->msg, old);
    memcpy(e->msg, prefix, plen);
    e->msg[plen + old] = 0;
    if (e->code == 0)
        e->code = code;
    return e->code;
}

const char *pl_code_name(int code)
{
    switch (code) {
    case PL_OK: return "ok";
    case PL_EIO: return "I/O error";
    case PL_EFORMAT: return "malformed file";
    case PL_ENOMEM: return "out of memory";
    case PL_EINVAL: return "invalid argument";
    case PL_ERANGE: return "out of range";
    case PL_ESTOPPED: return "stopped";
    case PL_ENUMERIC: return "numerical failure";
    default: return "error";
    }
}

int pl_arena_init(struct pl_arena *a, size_t cap, struct pl_err *e)
{
    memset(a, 0, sizeof *a);
    cap = (cap + 63) & ~(size_t)63;
    if (cap == 0)
        cap = 64;
    void *p = NULL;
    if (posix_memalign(&p, 64, cap) != 0)
        return pl_err_set(e, PL_ENOMEM, "cannot allocate a workspace of %zu bytes", cap);
    a->base = p;
    a->cap = cap;
    return 0;
}

void pl_arena_free(struct pl_arena *a)
{
    if (!a)
        return;
    free(a->base);
    memset(a, 0, sizeof *a);
}

void *pl_arena_alloc(struct pl_arena *a, size_t bytes)
{
    size_t need = (bytes + 63) & ~(size_t)63;
    if (need < bytes || a->used + need > a->cap || a->used + need < a->used)
        return NULL;
    void *p = a->base + a->used;
    a->used += need;
    if (a->used > a->peak)
        a->peak = a->used;
    return p;
}

void *pl_arena_calloc(struct pl_arena *a, size_t bytes)
{
    void *p = pl_arena_alloc(a, bytes);
    if (p)
        memset(p, 0, bytes);
    return p;
}

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void pl_rng_seed(struct pl_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t pl_rng_u64(struct pl_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

float pl_rng_float(struct pl_rng *r)
{
    return (float)(pl_rng_u64(r) >> 40) * (1.0f / 16777216.0f);
}

uint32_t pl_rng_below(struct pl_rng *r, uint32_t n)
{
    /* Lemire's multiply-shift; the tiny bias is irrelevant for our n. */
    return (uint32_t)(((pl_rng_u64(r) >> 32) * (uint64_t)n) >> 32);
}

float pl_rng_normal(struct pl_rng *r)
{
    double u1 = ((double)(pl_rng_u64(r) >> 11) + 1.0) * (1.0 / 9007199254740993.0);
    double u2 = (double)(pl_rng_u64(r) >> 11) * (1.0 / 9007199254740992.0);
    return (float)(sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
}

double pl_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int pl_read_file(const char *path, char **data, size_t *len, struct pl_err *e)
{
    *data = NULL;
    if (len)
        *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return pl_err_set(e, PL_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return pl_err_set(e, PL_EIO, "%s: not a regular file", path);
    }
    size_t n = (size_t)st.st_size;
    char *buf = malloc(n + 1);
    if (!buf) {
        fclose(f);
        return pl_err_set(e, PL_ENOMEM, "%s: cannot allocate %zu bytes", path, n + 1);
    }
    size_t got = fread(buf, 1, n, f);
    int bad = ferror(f);
    fclose(f);
    if (bad || got != n) {
        free(buf);
        return pl_err_set(e, PL_EIO, "%s: short read (%zu of %zu bytes)", path, got, n);
    }
    buf[n] = 0;
    *data = buf;
    if (len)
        *len = n;
    return 0;
}

/* Room for `extra` more bytes and the NUL; false (and oom) when none. */
static bool str_reserve(struct pl_str *s, size_t extra)
{
    if (s->oom)
        return false;
    if (s->n + extra + 1 <= s->cap)
        return true;
    size_t cap = s->cap ? s->cap : 64;
    while (cap < s->n + extra + 1)
        cap *= 2;
    char *q = realloc(s->p, cap);
    if (!q) {
        s->oom = true;
        return false;
    }
    s->p = q;
    s->cap = cap;
    return true;
}

void pl_str_put(struct pl_str *s, const void *data, size_t n)
{
    if (!str_reserve(s, n))
        return;
    memcpy(s->p + s->n, data, n);
    s->n += n;
    s->p[s->n] = 0;
}

void pl_str_puts(struct pl_str *s, const char *text) { pl_str_put(s, text, strlen(text)); }

void pl_str_putc(struct pl_str *s, char c) { pl_str_put(s, &c, 1); }

void pl_str_csv(struct pl_str *s, const char *field)
{
    if (!strpbrk(field, ",\"\r\n")) {
        pl_str_puts(s, field);
        return;
    }
    pl_str_putc(s, '"');
    for (; *field; field++) {
        if (*field == '"')
            pl_str_putc(s, '"');
        pl_str_putc(s, *field);
    }
    pl_str_putc(s, '"');
}

const char *pl_path_base(const char *path, char *buf, size_t cap)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    size_t b = n;
    while (b > 0 && path[b - 1] != '/')
        b--;
    if (b == n && n == 1) /* "/" */
        b = 0;
    snprintf(buf, cap, "%.*s", (int)(n - b), path + b);
    return buf;
}

void pl_str_printf(struct pl_str *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        pl_str_put(s, tmp, (size_t)n);
        return;
    }
    if (!str_reserve(s, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(s->p + s->n, (size_t)n + 1, fmt, ap);
    va_end(ap);
    s->n += (size_t)n;
}

int pl_mkdirs(const char *dir, struct pl_err *e)
{
    char buf[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof buf)
        return pl_err_set(e, PL_ERANGE, "'%s': bad directory name", dir);
    memcpy(buf, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char c = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return pl_err_set(e, PL_EIO, "%s: cannot create directory: %s", buf, strerror(errno));
        buf[i] = c;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return pl_err_set(e, PL_EIO, "%s: not a directory", dir);
    return 0;
}

int pl_path_join(char *buf, size_t cap, const char *dir, const char *name)
{
    size_t n = strlen(dir);
    int w = (n > 0 && dir[n - 1] == '/') ? snprintf(buf, cap, "%s%s", dir, name)
                                         : snprintf(buf, cap, "%s/%s", dir, name);
    return (w < 0 || (size_t)w >= cap) ? PL_ERANGE : 0;
}

bool pl_utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        int n;
        uint32_t cp;
        if ((c & 0xe0) == 0xc0) { n = 1; cp = c & 0x1f; }
        else if ((c & 0xf0) == 0xe0) { n = 2; cp = c & 0x0f; }
        else if ((c & 0xf8) == 0xf0) { n = 3; cp = c & 0x07; }
        else return false;
        if (i + (size_t)n >= len)
            return false;
        for (int k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += (size_t)n + 1;
    }
    return true;
}
