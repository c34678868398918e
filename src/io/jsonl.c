/* jsonl.c - read and write JSON Lines data sets of translation records.
 *
 * Each non-blank line is parsed on its own with cJSON and turned at once into
 * a plain struct jsonl_record of malloc'd strings; the cJSON tree is deleted
 * before the next line. Errors carry "file:line: what". */
#include "promptlab/jsonl.h"

#include <stdlib.h>
#include <string.h>

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

int jsonl_parse(const char *name, const char *text, size_t len, struct jsonl_set *out,
                struct pl_err *e)
{
    memset(out, 0, sizeof *out);
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
        text += 3;
        len -= 3;
    }
    int rc = 0, cap = 0, line = 0;
    char *buf = NULL; /* the current line, NUL-terminated for cJSON */
    size_t buf_cap = 0;
    for (size_t pos = 0; pos < len;) {
        const char *p = text + pos;
        const char *nl = memchr(p, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - p) : len - pos;
        pos += n + (nl ? 1 : 0);
        line++;
        if (n > 0 && p[n - 1] == '\r')
            n--;
        if (is_blank(p, n))
            continue;
        if (!pl_utf8_valid(p, n)) {
            rc = pl_err_set(e, PL_EFORMAT, "%s:%d: not valid UTF-8", name, line);
            break;
        }
        if (memchr(p, 0, n) || has_nul_escape(p, n)) {
            rc = pl_err_set(e, PL_EFORMAT, "%s:%d: contains a NUL character", name, line);
            break;
        }
        if (n + 1 > buf_cap) {
            char *nb = realloc(buf, n + 1);
            if (!nb) {
                rc = pl_err_set(e, PL_ENOMEM, "%s:%d: out of memory", name, line);
                break;
            }
            buf = nb;
            buf_cap = n + 1;
        }
        memcpy(buf, p, n);
        buf[n] = 0;
        const char *end = NULL;
        cJSON *obj = cJSON_ParseWithOpts(buf, &end, 0);
        if (!obj || !is_blank(end, strlen(end))) {
            cJSON_Delete(obj);
            rc = pl_err_set(e, PL_EFORMAT, "%s:%d: not valid JSON", name, line);
            break;
        }
        if (out->n == cap) {
            int ncap = cap ? cap * 2 : 64;
            struct jsonl_record *nr = realloc(out->rec, (size_t)ncap * sizeof *nr);
            if (!nr) {
                cJSON_Delete(obj);
                rc = pl_err_set(e, PL_ENOMEM, "%s:%d: out of memory", name, line);
                break;
            }
            out->rec = nr;
            cap = ncap;
        }
        struct jsonl_record *r = &out->rec[out->n++];
        memset(r, 0, sizeof *r);
        rc = line_to_record(name, line, obj, r, e);
        cJSON_Delete(obj);
        if (rc != 0)
            break;
    }
    free(buf);
    if (rc != 0)
        jsonl_free(out);
    return rc;
}

int jsonl_read(const char *path, struct jsonl_set *out, struct pl_err *e)
{
    memset(out, 0, sizeof *out);
    char *text = NULL;
    size_t len = 0;
    int rc = pl_read_file(path, &text, &len, e);
    if (rc != 0)
        return rc;
    rc = jsonl_parse(path, text, len, out, e);
    free(text);
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
