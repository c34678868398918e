/* words.c - word lists: finding words in text, counting them, and the
 * words.tsv file a model ships with.
 *
 * The one idea: a table is an open-addressing hash set of folded words
 * (ASCII lowercased, U+2019 as '), each with its count, its bytes kept in
 * one growing pool. Lookups fold the query the same way, so "It's",
 * "it's" and "IT’S" are one word. */
#include "promptlab/words.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct slot {
    uint64_t hash;
    size_t off; /* into pool; the word is NUL-terminated there */
    long long count;
};

struct words {
    struct slot *slots; /* cap entries; count 0 = empty */
    size_t cap, used;
    char *pool;
    size_t pool_n, pool_cap;
    long long total;
};

/* ---- finding words ------------------------------------------------------- */

/* Decode one UTF-8 sequence at s[0..len): its length (0 when invalid). */
static size_t utf8_one(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned c = s[0];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || n > len || !pl_utf8_valid((const char *)s, n))
        return 0;
    uint32_t v = n == 1 ? c : n == 2 ? c & 0x1f : n == 3 ? c & 0x0f : c & 0x07;
    for (size_t i = 1; i < n; i++)
        v = v << 6 | (s[i] & 0x3f);
    *cp = v;
    return n;
}

static bool is_letter(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || ((cp | 32) >= 'a' && (cp | 32) <= 'z');
    if (cp < 0xc0 || cp == 0xd7 || cp == 0xf7)
        return false; /* Latin-1 punctuation and symbols, the two signs */
    if ((cp >= 0x2000 && cp <= 0x2bff) || (cp >= 0x3000 && cp <= 0x303f) ||
        (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff0f))
        return false; /* punctuation, arrows, symbols, CJK and full-width punctuation */
    return true;
}

static bool is_apostrophe(uint32_t cp)
{
    return cp == '\'' || cp == 0x2019;
}

bool words_next(const char *text, size_t len, size_t *pos, size_t *start, size_t *n)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = *pos;
    uint32_t cp = 0;
    size_t k;
    while (i < len) { /* skip to a letter */
        k = utf8_one(s + i, len - i, &cp);
        if (k && is_letter(cp))
            break;
        i += k ? k : 1;
    }
    if (i >= len) {
        *pos = len;
        return false;
    }
    size_t b = i, end = i;
    while (i < len) {
        k = utf8_one(s + i, len - i, &cp);
        if (k && is_letter(cp)) {
            i += k;
            end = i;
            continue;
        }
        if (k && is_apostrophe(cp) && i + k < len) {
            uint32_t nx;
            size_t k2 = utf8_one(s + i + k, len - i - k, &nx);
            if (k2 && is_letter(nx)) {
                i += k;
                continue;
            }
        }
        break;
    }
    *start = b;
    *n = end - b;
    *pos = end;
    return true;
}

/* Fold into buf (at least WORDS_MAX_LEN + 1 bytes): false when too long. */
static bool fold(const char *word, size_t n, char *buf, size_t *out_n)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (i + 3 <= n && memcmp(word + i, "\xe2\x80\x99", 3) == 0) {
            if (o >= WORDS_MAX_LEN)
                return false;
            buf[o++] = '\'';
            i += 3;
            continue;
        }
        if (o >= WORDS_MAX_LEN)
            return false;
        char c = word[i++];
        buf[o++] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
    }
    buf[o] = 0;
    *out_n = o;
    return true;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h | 1; /* never 0 */
}

/* ---- the table ----------------------------------------------------------- */

int words_init(struct words **out, struct pl_err *e)
{
    *out = NULL;
    struct words *w = calloc(1, sizeof *w);
    if (w) {
        w->cap = 1024;
        w->slots = calloc(w->cap, sizeof *w->slots);
    }
    if (!w || !w->slots) {
        words_free(w);
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    }
    *out = w;
    return 0;
}

void words_free(struct words *w)
{
    if (!w)
        return;
    free(w->slots);
    free(w->pool);
    free(w);
}

static struct slot *find(const struct words *w, const char *f, size_t n, uint64_t h)
{
    size_t mask = w->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct slot *sl = &w->slots[i];
        if (!sl->count)
            return sl;
        if (sl->hash == h && strncmp(w->pool + sl->off, f, n) == 0 && w->pool[sl->off + n] == 0)
            return sl;
    }
}

static int grow(struct words *w, struct pl_err *e)
{
    size_t cap = w->cap * 2;
    struct slot *s = calloc(cap, sizeof *s);
    if (!s)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    for (size_t i = 0; i < w->cap; i++) {
        const struct slot *o = &w->slots[i];
        if (!o->count)
            continue;
        size_t j = o->hash & (cap - 1);
        while (s[j].count)
            j = (j + 1) & (cap - 1);
        s[j] = *o;
    }
    free(w->slots);
    w->slots = s;
    w->cap = cap;
    return 0;
}

/* Add count to a folded word; *fresh tells whether it was new. */
static int add_folded(struct words *w, const char *f, size_t n, long long count, bool *fresh,
                      struct pl_err *e)
{
    if ((w->used + 1) * 4 > w->cap * 3 && grow(w, e))
        return PL_ENOMEM;
    uint64_t h = hash_bytes(f, n);
    struct slot *sl = find(w, f, n, h);
    *fresh = sl->count == 0;
    if (*fresh) {
        if (w->pool_n + n + 1 > w->pool_cap) {
            size_t cap = w->pool_cap ? w->pool_cap * 2 : 4096;
            while (cap < w->pool_n + n + 1)
                cap *= 2;
            char *p = realloc(w->pool, cap);
            if (!p)
                return pl_err_set(e, PL_ENOMEM, "out of memory");
            w->pool = p;
            w->pool_cap = cap;
        }
        memcpy(w->pool + w->pool_n, f, n);
        w->pool[w->pool_n + n] = 0;
        sl->hash = h;
        sl->off = w->pool_n;
        w->pool_n += n + 1;
        w->used++;
    }
    sl->count += count;
    w->total += count;
    return 0;
}

int words_add_text(struct words *w, const char *text, struct pl_err *e)
{
    size_t len = strlen(text), pos = 0, b, n, fn;
    char f[WORDS_MAX_LEN + 1];
    bool fresh;
    while (words_next(text, len, &pos, &b, &n)) {
        if (!fold(text + b, n, f, &fn))
            continue;
        int rc = add_folded(w, f, fn, 1, &fresh, e);
        if (rc)
            return rc;
    }
    return 0;
}

long long words_count(const struct words *w, const char *word, size_t n)
{
    char f[WORDS_MAX_LEN + 1];
    size_t fn;
    if (!w || !fold(word, n, f, &fn))
        return 0;
    return find(w, f, fn, hash_bytes(f, fn))->count;
}

long words_distinct(const struct words *w)
{
    return (long)w->used;
}

long long words_total(const struct words *w)
{
    return w->total;
}

/* ---- words.tsv ----------------------------------------------------------- */

struct entry {
    long long count;
    const char *word;
};

static int by_count(const void *pa, const void *pb)
{
    const struct entry *a = pa, *b = pb;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return strcmp(a->word, b->word);
}

int words_save(const struct words *w, const char *path, const char *what, struct pl_err *e)
{
    struct entry *order = malloc((w->used ? w->used : 1) * sizeof *order);
    if (!order)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < w->cap; i++)
        if (w->slots[i].count)
            order[k++] = (struct entry){w->slots[i].count, w->pool + w->slots[i].off};
    qsort(order, k, sizeof *order, by_count);
    struct pl_str s = {0};
    pl_str_printf(&s, "# words of %s: %zu distinct, %lld in all; word<TAB>count\n",
                  what ? what : "the training sources", k, w->total);
    for (size_t i = 0; i < k; i++)
        pl_str_printf(&s, "%s\t%lld\n", order[i].word, order[i].count);
    free(order);
    int rc = s.oom ? pl_err_set(e, PL_ENOMEM, "out of memory")
                   : pl_write_file_atomic(path, s.p, s.n, e);
    free(s.p);
    return rc;
}

static int parse_line(struct words *w, const char *path, long no, char *line, size_t n,
                      struct pl_err *e)
{
    char *tab = memchr(line, '\t', n);
    if (!tab)
        return pl_err_set(e, PL_EFORMAT, "%s:%ld: want word<TAB>count", path, no);
    size_t wn = (size_t)(tab - line), pos = 0, b, k, fn;
    if (!words_next(line, wn, &pos, &b, &k) || b != 0 || k != wn)
        return pl_err_set(e, PL_EFORMAT, "%s:%ld: '%.*s' is not one word", path, no,
                          (int)(wn < 40 ? wn : 40), line);
    char f[WORDS_MAX_LEN + 1];
    if (!fold(line, wn, f, &fn) || fn != wn || memcmp(f, line, wn) != 0)
        return pl_err_set(e, PL_EFORMAT, "%s:%ld: '%.*s' is not folded (lowercase, ' for U+2019) "
                          "or longer than %d bytes", path, no, (int)(wn < 40 ? wn : 40), line,
                          WORDS_MAX_LEN);
    const char *c = tab + 1, *end = line + n;
    long long v = 0;
    if (c == end)
        return pl_err_set(e, PL_EFORMAT, "%s:%ld: no count", path, no);
    for (; c < end; c++) {
        if (*c < '0' || *c > '9' || v > (INT64_MAX - 9) / 10)
            return pl_err_set(e, PL_EFORMAT, "%s:%ld: the count is not a positive integer below 2^63",
                              path, no);
        v = v * 10 + (*c - '0');
    }
    if (v <= 0)
        return pl_err_set(e, PL_EFORMAT, "%s:%ld: the count must be positive", path, no);
    if (w->total > INT64_MAX - v)
        return pl_err_set(e, PL_ERANGE, "%s:%ld: the counts add up past 2^63", path, no);
    bool fresh;
    int rc = add_folded(w, f, fn, v, &fresh, e);
    if (rc == 0 && !fresh)
        rc = pl_err_set(e, PL_EFORMAT, "%s:%ld: '%s' is listed twice", path, no, f);
    return rc;
}

int words_load(const char *path, struct words **out, struct pl_err *e)
{
    *out = NULL;
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > (64 << 20))
        return pl_err_set(e, PL_ERANGE, "%s: %lld bytes; a word list may be at most 64 MB", path,
                          (long long)st.st_size);
    char *data = NULL;
    size_t len = 0;
    int rc = pl_read_file(path, &data, &len, e);
    if (rc)
        return rc;
    struct words *w = NULL;
    rc = words_init(&w, e);
    long no = 0;
    for (size_t at = 0; rc == 0 && at < len;) {
        char *line = data + at, *nl = memchr(line, '\n', len - at);
        size_t n = nl ? (size_t)(nl - line) : len - at;
        at += n + (nl != NULL);
        no++;
        if (n && line[n - 1] == '\r')
            n--;
        if (n == 0 || line[0] == '#')
            continue;
        rc = parse_line(w, path, no, line, n, e);
    }
    free(data);
    if (rc) {
        words_free(w);
        return rc;
    }
    *out = w;
    return 0;
}
