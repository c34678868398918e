/* jsonl.c - read and write JSON Lines data sets of translation records.
 *
 * Each non-blank line is parsed on its own with cJSON and turned at once into
 * a plain struct jsonl_record of malloc'd strings; the cJSON tree is deleted
 * before the next line. Errors carry "file:line: what". */
#include "promptlab/jsonl.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cJSON.h>

static void record_free(struct jsonl_record *r)
{
    free(r->source);
    free(r->target);
    free(r->literal);
    free(r->label);
    for (int i = 0; i < r->n_tags; i++)
        free(r->tags[i]);
    free(r->tags);
    memset(r, 0, sizeof *r);
}

void jsonl_free(struct jsonl_set *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->n; i++)
        record_free(&s->rec[i]);
    free(s->rec);
    s->rec = NULL;
    s->n = 0;
}

static int is_blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\f' && p[i] != '\v')
            return 0;
    return 1;
}

/* True when a JSON string in the line holds the escape \u0000, which cJSON
 * would turn into a C string cut short. */
static int has_nul_escape(const char *p, size_t n)
{
    int in_str = 0;
    for (size_t i = 0; i < n; i++) {
        if (!in_str) {
            if (p[i] == '"')
                in_str = 1;
            continue;
        }
        if (p[i] == '"') {
            in_str = 0;
        } else if (p[i] == '\\' && i + 1 < n) {
            if (p[i + 1] == 'u' && i + 5 < n && memcmp(p + i + 2, "0000", 4) == 0)
                return 1;
            i++;
        }
    }
    return 0;
}

/* An optional string field: absent or null leaves *dst NULL. Returns 0, or -1
 * when present with another type, -2 when out of memory. */
static int opt_string(const cJSON *obj, const char *key, char **dst)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!j || cJSON_IsNull(j))
        return 0;
    if (!cJSON_IsString(j))
        return -1;
    *dst = strdup(j->valuestring);
    return *dst ? 0 : -2;
}

/* Turn one parsed line into r; on error fill e with "name:line: ...". */
static int line_to_record(const char *name, int line, const cJSON *obj, struct jsonl_record *r,
                          struct pl_err *e)
{
    static const char *const req[2] = {"source", "target"};
    static const char *const opt[2] = {"literal", "label"};
    char **req_dst[2] = {&r->source, &r->target};
    char **opt_dst[2] = {&r->literal, &r->label};

    if (!cJSON_IsObject(obj))
        return pl_err_set(e, PL_EFORMAT, "%s:%d: not a JSON object", name, line);
    for (int k = 0; k < 2; k++) {
        const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, req[k]);
        if (!cJSON_IsString(j))
            return pl_err_set(e, PL_EFORMAT, "%s:%d: missing string field \"%s\"", name, line,
                              req[k]);
        if (!(*req_dst[k] = strdup(j->valuestring)))
            return pl_err_set(e, PL_ENOMEM, "%s:%d: out of memory", name, line);
    }
    for (int k = 0; k < 2; k++) {
        int rc = opt_string(obj, opt[k], opt_dst[k]);
        if (rc == -1)
            return pl_err_set(e, PL_EFORMAT, "%s:%d: field \"%s\" is not a string", name, line,
                              opt[k]);
        if (rc == -2)
            return pl_err_set(e, PL_ENOMEM, "%s:%d: out of memory", name, line);
    }
    const cJSON *tags = cJSON_GetObjectItemCaseSensitive(obj, "tags");
    if (tags && !cJSON_IsNull(tags)) {
        if (!cJSON_IsArray(tags))
            return pl_err_set(e, PL_EFORMAT, "%s:%d: field \"tags\" is not an array of strings",
                              name, line);
        int n = cJSON_GetArraySize(tags);
        if (n > 0 && !(r->tags = calloc((size_t)n, sizeof *r->tags)))
            return pl_err_set(e, PL_ENOMEM, "%s:%d: out of memory", name, line);
        const cJSON *t;
        cJSON_ArrayForEach(t, tags) {
            if (!cJSON_IsString(t))
                return pl_err_set(e, PL_EFORMAT,
                                  "%s:%d: field \"tags\" is not an array of strings", name, line);
            if (!(r->tags[r->n_tags++] = strdup(t->valuestring)))
                return pl_err_set(e, PL_ENOMEM, "%s:%d: out of memory", name, line);
        }
    }
    r->line = line;
    return 0;
}

/* What the line readers share: the set being filled and a NUL-terminated
 * copy of the current line for cJSON. */
struct reader {
    const char *name;
    struct jsonl_set *out;
    int cap;
    char *buf;
    size_t buf_cap;
};

static int too_long(const char *name, int line, struct pl_err *e)
{
    return pl_err_set(e, PL_EFORMAT, "%s:%d: line is longer than the limit of %d bytes", name, line,
                      JSONL_MAX_LINE);
}

/* One line p[0..n) without its '\n' (a final '\r' is dropped here). */
static int parse_line(struct reader *r, int line, const char *p, size_t n, struct pl_err *e)
{
    const char *name = r->name;
    struct jsonl_set *out = r->out;
    if (n > 0 && p[n - 1] == '\r')
        n--;
    if (n > JSONL_MAX_LINE)
        return too_long(name, line, e);
    if (is_blank(p, n))
        return 0;
    if (!pl_utf8_valid(p, n))
        return pl_err_set(e, PL_EFORMAT, "%s:%d: not valid UTF-8", name, line);
    if (memchr(p, 0, n) || has_nul_escape(p, n))
        return pl_err_set(e, PL_EFORMAT, "%s:%d: contains a NUL character", name, line);
    if (n + 1 > r->buf_cap) {
        char *nb = realloc(r->buf, n + 1);
        if (!nb)
            return pl_err_set(e, PL_ENOMEM, "%s:%d: out of memory", name, line);
        r->buf = nb;
        r->buf_cap = n + 1;
    }
    memcpy(r->buf, p, n);
    r->buf[n] = 0;
    const char *end = NULL;
    cJSON *obj = cJSON_ParseWithOpts(r->buf, &end, 0);
    if (!obj || !is_blank(end, strlen(end))) {
        cJSON_Delete(obj);
        return pl_err_set(e, PL_EFORMAT, "%s:%d: not valid JSON", name, line);
    }
    if (out->n == r->cap) {
        int ncap = r->cap ? r->cap * 2 : 64;
        struct jsonl_record *nr =
            r->cap < INT32_MAX / 2 ? realloc(out->rec, (size_t)ncap * sizeof *nr) : NULL;
        if (!nr) {
            cJSON_Delete(obj);
            return pl_err_set(e, PL_ENOMEM, "%s:%d: out of memory", name, line);
        }
        out->rec = nr;
        r->cap = ncap;
    }
    struct jsonl_record *rec = &out->rec[out->n++];
    memset(rec, 0, sizeof *rec);
    int rc = line_to_record(name, line, obj, rec, e);
    cJSON_Delete(obj);
    return rc;
}

/* A UTF-8 byte-order mark at the start of the text is skipped. */
static void skip_bom(const char **text, size_t *len)
{
    if (*len >= 3 && memcmp(*text, "\xef\xbb\xbf", 3) == 0) {
        *text += 3;
        *len -= 3;
    }
}

int jsonl_parse(const char *name, const char *text, size_t len, struct jsonl_set *out,
                struct pl_err *e)
{
    memset(out, 0, sizeof *out);
    skip_bom(&text, &len);
    struct reader r = {.name = name, .out = out};
    int rc = 0, line = 0;
    for (size_t pos = 0; pos < len && rc == 0;) {
        const char *p = text + pos;
        const char *nl = memchr(p, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - p) : len - pos;
        pos += n + (nl ? 1 : 0);
        if (line == INT32_MAX - 1)
            rc = pl_err_set(e, PL_ERANGE, "%s: more than %d lines", name, INT32_MAX - 1);
        else
            rc = parse_line(&r, ++line, p, n, e);
    }
    free(r.buf);
    if (rc != 0)
        jsonl_free(out);
    return rc;
}

/* Reads in blocks and keeps only the current line, so a file is never held
 * whole and a line longer than JSONL_MAX_LINE is refused before it is read
 * to its end. */
int jsonl_read(const char *path, struct jsonl_set *out, struct pl_err *e)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return pl_err_set(e, PL_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return pl_err_set(e, PL_EIO, "%s: not a regular file", path);
    }
    struct reader r = {.name = path, .out = out};
    char *cur = NULL; /* the line read so far */
    size_t n = 0, cap = 0, got;
    int rc = 0, line = 0;
    bool first = true;
    enum { BLOCK = 1 << 16 };
    char *buf = malloc(BLOCK);
    if (!buf) {
        fclose(f);
        return pl_err_set(e, PL_ENOMEM, "%s: out of memory", path);
    }
    while (rc == 0 && (got = fread(buf, 1, BLOCK, f)) > 0) {
        for (const char *p = buf, *end = buf + got; rc == 0 && p < end;) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t k = (size_t)((nl ? nl : end) - p);
            if (n + k > (size_t)JSONL_MAX_LINE + 4) { /* room for a BOM and a '\r' */
                rc = too_long(path, line + 1, e);
                break;
            }
            if (n + k > cap) {
                size_t ncap = cap ? cap : 256;
                while (ncap < n + k)
                    ncap *= 2;
                char *nc = realloc(cur, ncap);
                if (!nc) {
                    rc = pl_err_set(e, PL_ENOMEM, "%s:%d: out of memory", path, line + 1);
                    break;
                }
                cur = nc;
                cap = ncap;
            }
            memcpy(cur + n, p, k);
            n += k;
            p += k;
            if (nl) {
                p++;
                if (line == INT32_MAX - 1) {
                    rc = pl_err_set(e, PL_ERANGE, "%s: more than %d lines", path, INT32_MAX - 1);
                    break;
                }
                const char *q = cur;
                if (first)
                    skip_bom(&q, &n);
                first = false;
                rc = parse_line(&r, ++line, q, n, e);
                n = 0;
            }
        }
    }
    if (rc == 0 && ferror(f))
        rc = pl_err_set(e, PL_EIO, "%s: read failed: %s", path, strerror(errno));
    if (rc == 0 && n > 0) {
        const char *q = cur;
        if (first)
            skip_bom(&q, &n);
        rc = parse_line(&r, ++line, q, n, e);
    }
    fclose(f);
    free(buf);
    free(cur);
    free(r.buf);
    if (rc != 0)
        jsonl_free(out);
    return rc;
}

static int utf8_ok(const char *s) { return pl_utf8_valid(s, strlen(s)); }

/* Add a string field, refusing NULL or non-UTF-8 input. */
static int add_str(cJSON *obj, const char *key, const char *val)
{
    if (!val || !utf8_ok(val))
        return -1;
    return cJSON_AddStringToObject(obj, key, val) ? 0 : -1;
}

static cJSON *record_to_json(const struct jsonl_record *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    int bad = add_str(o, "source", r->source) || add_str(o, "target", r->target);
    if (!bad && r->literal)
        bad = add_str(o, "literal", r->literal);
    if (!bad && r->n_tags > 0) {
        cJSON *a = cJSON_AddArrayToObject(o, "tags");
        for (int i = 0; !bad && i < r->n_tags; i++) {
            cJSON *s = (a && r->tags && r->tags[i] && utf8_ok(r->tags[i]))
                           ? cJSON_CreateString(r->tags[i])
                           : NULL;
            bad = !s || !cJSON_AddItemToArray(a, s);
            if (bad)
                cJSON_Delete(s);
        }
    }
    if (!bad && r->label)
        bad = add_str(o, "label", r->label);
    if (bad) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

int jsonl_write(const char *path, const struct jsonl_record *rec, int n, struct pl_err *e)
{
    if (n < 0 || (n > 0 && !rec))
        return pl_err_set(e, PL_EINVAL, "%s: bad arguments to jsonl_write", path);
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        cJSON *o = record_to_json(&rec[i]);
        if (!o) {
            rc = pl_err_set(e, PL_EINVAL,
                            "%s: record %d: missing source/target or a string not UTF-8", path,
                            i + 1);
            break;
        }
        char *s = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        size_t l = s ? strlen(s) : 0;
        if (s && len + l + 2 > cap) {
            size_t ncap = cap ? cap : 4096;
            while (ncap < len + l + 2)
                ncap *= 2;
            char *nb = realloc(buf, ncap);
            if (nb) {
                buf = nb;
                cap = ncap;
            }
        }
        if (!s || len + l + 2 > cap) {
            free(s);
            rc = pl_err_set(e, PL_ENOMEM, "%s: out of memory", path);
            break;
        }
        memcpy(buf + len, s, l);
        len += l;
        buf[len++] = '\n';
        free(s);
    }
    if (rc == 0)
        rc = pl_write_file_atomic(path, buf ? buf : "", len, e);
    free(buf);
    return rc;
}
