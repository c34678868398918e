/* tok_json.c - read a Hugging Face `tokenizer.json` whose model is Unigram.
 *
 * The JSON tree is turned into the tok struct at once and deleted: the
 * vocabulary ([piece, score] pairs) with kinds derived from unk_id,
 * byte_fallback and `added_tokens`; the normalizer (Precompiled charsmap,
 * Replace, Strip, or a Sequence of them); the pre-tokenizer
 * (WhitespaceSplit, Metaspace, or both in a Sequence); the TemplateProcessing
 * post-processor (ids around $A); and the Metaspace decoder. Anything else
 * in the encoding pipeline is refused with a message, since guessing would
 * give wrong ids silently. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "tok_impl.h"

static const cJSON *get(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static const char *get_str(const cJSON *obj, const char *key)
{
    const cJSON *x = get(obj, key);
    return cJSON_IsString(x) ? x->valuestring : NULL;
}

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Standard base64 with optional '=' padding; malloc'd result. */
static int b64_decode(const char *s, unsigned char **out, size_t *out_len)
{
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '=')
        n--;
    unsigned char *buf = malloc(n / 4 * 3 + 3);
    if (!buf)
        return -2;
    size_t k = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64_value((unsigned char)s[i]);
        if (v < 0) {
            free(buf);
            return -1;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf[k++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    *out = buf;
    *out_len = k;
    return 0;
}

/* An id written as a JSON number: an integer in [0, INT32_MAX), else -1
 * (a fraction, a negative number, or one too large for an int). */
static int json_id(const cJSON *x)
{
    if (!cJSON_IsNumber(x))
        return -1;
    double d = x->valuedouble;
    if (!(d >= 0 && d < 2147483647.0) || d != (double)(int)d)
        return -1;
    return (int)d;
}

static bool is_sentinel_name(const char *s)
{
    if (strncmp(s, "<extra_id_", 10) != 0)
        return false;
    s += 10;
    if (*s < '0' || *s > '9')
        return false;
    while (*s >= '0' && *s <= '9')
        s++;
    return s[0] == '>' && s[1] == 0;
}

static bool is_byte_name(const char *s, size_t n)
{
    return n == 6 && memcmp(s, "<0x", 3) == 0 && s[5] == '>' &&
           ((s[3] >= '0' && s[3] <= '9') || (s[3] >= 'A' && s[3] <= 'F')) &&
           ((s[4] >= '0' && s[4] <= '9') || (s[4] >= 'A' && s[4] <= 'F'));
}

static int add_op(tok *t, struct tok_norm_op op)
{
    struct tok_norm_op *p = realloc(t->ops, (size_t)(t->n_ops + 1) * sizeof *p);
    if (!p) {
        free(op.pattern);
        free(op.content);
        return -1;
    }
    t->ops = p;
    t->ops[t->n_ops++] = op;
    return 0;
}

/* A Replace regex we can run: one literal character followed by `+` or
 * `{n,}` (what T5 exports use: " {2,}"). */
static int parse_run_regex(const char *re, char **ch, int *min_run)
{
    size_t n = strlen(re);
    size_t clen = tok_utf8_valid_len((const unsigned char *)re, n);
    if (clen == 0 || strchr("\\.[](){}*+?|^$", re[0]))
        return -1;
    const char *q = re + clen;
    int m;
    if (strcmp(q, "+") == 0) {
        m = 1;
    } else {
        char tail[3];
        if (sscanf(q, "{%d%2[,}]", &m, tail) != 2 || strcmp(tail, ",}") != 0 || m < 1)
            return -1;
        char check[32];
        snprintf(check, sizeof check, "{%d,}", m);
        if (strcmp(q, check) != 0)
            return -1;
    }
    *ch = strndup(re, clen);
    *min_run = m;
    return *ch ? 0 : -2;
}

static int load_normalizer(tok *t, const cJSON *nz, struct pl_err *e)
{
    if (!nz || cJSON_IsNull(nz))
        return 0;
    const char *type = get_str(nz, "type");
    if (!type)
        return pl_err_set(e, PL_EFORMAT, "%s: normalizer has no \"type\"", t->path);
    if (strcmp(type, "Sequence") == 0) {
        const cJSON *list = get(nz, "normalizers"), *x;
        if (!cJSON_IsArray(list))
            return pl_err_set(e, PL_EFORMAT, "%s: Sequence normalizer without a \"normalizers\" list", t->path);
        cJSON_ArrayForEach(x, list) {
            if (cJSON_IsObject(x) && strcmp(get_str(x, "type") ? get_str(x, "type") : "", "Sequence") == 0)
                return pl_err_set(e, PL_EFORMAT, "%s: nested Sequence normalizers are not supported", t->path);
            int rc = load_normalizer(t, x, e);
            if (rc != 0)
                return rc;
        }
        return 0;
    }
    struct tok_norm_op op = {0};
    if (strcmp(type, "Precompiled") == 0) {
        const char *b64 = get_str(nz, "precompiled_charsmap");
        if (t->cmap.units)
            return pl_err_set(e, PL_EFORMAT, "%s: more than one Precompiled normalizer", t->path);
        if (b64 && *b64) {
            unsigned char *blob;
            size_t len;
            int r = b64_decode(b64, &blob, &len);
            if (r == -2)
                return pl_err_set(e, PL_ENOMEM, "%s: out of memory", t->path);
            if (r != 0)
                return pl_err_set(e, PL_EFORMAT, "%s: precompiled_charsmap is not valid base64", t->path);
            r = tok_charsmap_init(&t->cmap, blob, len);
            free(blob);
            if (r != 0)
                return pl_err_set(e, PL_EFORMAT, "%s: precompiled_charsmap is malformed (%zu bytes)", t->path, len);
        }
        op.type = TOK_OP_PRECOMPILED;
    } else if (strcmp(type, "Replace") == 0) {
        const cJSON *pat = get(nz, "pattern");
        const char *content = get_str(nz, "content");
        const char *lit = get_str(pat, "String"), *re = get_str(pat, "Regex");
        if (!content || (!lit && !re))
            return pl_err_set(e, PL_EFORMAT, "%s: Replace normalizer needs a String or Regex pattern and a content",
                              t->path);
        if (lit) {
            op.type = TOK_OP_REPLACE;
            op.pattern = strdup(lit);
        } else {
            op.type = TOK_OP_REPLACE_RUN;
            int r = parse_run_regex(re, &op.pattern, &op.min_run);
            if (r == -1)
                return pl_err_set(e, PL_EFORMAT,
                                  "%s: Replace regex \"%s\" is not supported (only a character with + or {n,})",
                                  t->path, re);
        }
        op.content = strdup(content);
        if (!op.pattern || !op.content) {
            free(op.pattern);
            free(op.content);
            return pl_err_set(e, PL_ENOMEM, "%s: out of memory", t->path);
        }
    } else if (strcmp(type, "Strip") == 0) {
        const cJSON *l = get(nz, "strip_left"), *r = get(nz, "strip_right");
        op.type = TOK_OP_STRIP;
        op.left = cJSON_IsTrue(l);
        op.right = cJSON_IsTrue(r);
    } else {
        return pl_err_set(e, PL_EFORMAT, "%s: normalizer type \"%s\" is not supported", t->path, type);
    }
    if (add_op(t, op) != 0)
        return pl_err_set(e, PL_ENOMEM, "%s: out of memory", t->path);
    return 0;
}

/* Metaspace settings shared by the pre-tokenizer and the decoder. */
static int read_metaspace(const tok *t, const cJSON *m, char rep[8], enum tok_prepend *prepend,
                          bool *split, struct pl_err *e)
{
    const char *r = get_str(m, "replacement");
    if (r) {
        size_t n = strlen(r);
        if (n == 0 || n >= 8 || tok_utf8_valid_len((const unsigned char *)r, n) != n)
            return pl_err_set(e, PL_EFORMAT, "%s: Metaspace replacement must be one character", t->path);
        memcpy(rep, r, n + 1);
    }
    const cJSON *aps = get(m, "add_prefix_space");
    if (cJSON_IsBool(aps))
        *prepend = cJSON_IsTrue(aps) ? TOK_PREPEND_ALWAYS : TOK_PREPEND_NEVER;
    const char *scheme = get_str(m, "prepend_scheme");
    if (scheme) {
        if (strcmp(scheme, "always") == 0)
            *prepend = TOK_PREPEND_ALWAYS;
        else if (strcmp(scheme, "first") == 0)
            *prepend = TOK_PREPEND_FIRST;
        else if (strcmp(scheme, "never") == 0)
            *prepend = TOK_PREPEND_NEVER;
        else
            return pl_err_set(e, PL_EFORMAT, "%s: Metaspace prepend_scheme \"%s\" is unknown", t->path, scheme);
    }
    const cJSON *sp = get(m, "split");
    if (split && cJSON_IsBool(sp))
        *split = cJSON_IsTrue(sp);
    return 0;
}

static int load_pre_tokenizer(tok *t, const cJSON *pt, struct pl_err *e)
{
    if (!pt || cJSON_IsNull(pt))
        return 0;
    const char *type = get_str(pt, "type");
    if (!type)
        return pl_err_set(e, PL_EFORMAT, "%s: pre_tokenizer has no \"type\"", t->path);
    if (strcmp(type, "Sequence") == 0) {
        const cJSON *list = get(pt, "pretokenizers"), *x;
        if (!cJSON_IsArray(list))
            return pl_err_set(e, PL_EFORMAT, "%s: Sequence pre_tokenizer without a \"pretokenizers\" list", t->path);
        cJSON_ArrayForEach(x, list) {
            const char *ty = get_str(x, "type");
            if (ty && strcmp(ty, "Sequence") == 0)
                return pl_err_set(e, PL_EFORMAT, "%s: nested Sequence pre_tokenizers are not supported", t->path);
            int rc = load_pre_tokenizer(t, x, e);
            if (rc != 0)
                return rc;
        }
        return 0;
    }
    if (strcmp(type, "WhitespaceSplit") == 0) {
        if (t->ws_split || t->metaspace)
            return pl_err_set(e, PL_EFORMAT, "%s: WhitespaceSplit must come once, before Metaspace", t->path);
        t->ws_split = true;
        return 0;
    }
    if (strcmp(type, "Metaspace") == 0) {
        if (t->metaspace)
            return pl_err_set(e, PL_EFORMAT, "%s: more than one Metaspace pre_tokenizer", t->path);
        t->metaspace = true;
        return read_metaspace(t, pt, t->ms_rep, &t->ms_prepend, &t->ms_split, e);
    }
    return pl_err_set(e, PL_EFORMAT, "%s: pre_tokenizer type \"%s\" is not supported", t->path, type);
}

static int load_post_processor(tok *t, const cJSON *pp, struct pl_err *e)
{
    if (!pp || cJSON_IsNull(pp))
        return 0;
    const char *type = get_str(pp, "type");
    if (!type || strcmp(type, "TemplateProcessing") != 0)
        return pl_err_set(e, PL_EFORMAT, "%s: post_processor type \"%s\" is not supported (only TemplateProcessing)",
                          t->path, type ? type : "(none)");
    const cJSON *single = get(pp, "single"), *specials = get(pp, "special_tokens"), *item;
    if (!cJSON_IsArray(single))
        return pl_err_set(e, PL_EFORMAT, "%s: TemplateProcessing without a \"single\" template", t->path);
    bool seen_a = false;
    cJSON_ArrayForEach(item, single) {
        const cJSON *seq = get(item, "Sequence"), *st = get(item, "SpecialToken");
        if (seq) {
            const char *id = get_str(seq, "id");
            if (!id || strcmp(id, "A") != 0 || seen_a)
                return pl_err_set(e, PL_EFORMAT, "%s: single template must hold $A once", t->path);
            seen_a = true;
            continue;
        }
        const char *name = get_str(st, "id");
        const cJSON *ids = get(get(specials, name ? name : ""), "ids"), *x;
        if (!name || !cJSON_IsArray(ids))
            return pl_err_set(e, PL_EFORMAT, "%s: template special token \"%s\" is not in special_tokens", t->path,
                              name ? name : "?");
        cJSON_ArrayForEach(x, ids) {
            int *dst = seen_a ? t->suffix_ids : t->prefix_ids;
            int *n = seen_a ? &t->n_suffix : &t->n_prefix;
            if (!cJSON_IsNumber(x) || x->valuedouble < 0 || x->valuedouble >= t->n)
                return pl_err_set(e, PL_EFORMAT, "%s: template special token \"%s\" has an id outside the vocabulary",
                                  t->path, name);
            if (*n >= (int)(sizeof t->prefix_ids / sizeof t->prefix_ids[0]))
                return pl_err_set(e, PL_EFORMAT, "%s: too many special tokens in the template", t->path);
            dst[(*n)++] = (int)x->valuedouble;
        }
    }
    if (!seen_a)
        return pl_err_set(e, PL_EFORMAT, "%s: single template has no $A", t->path);
    return 0;
}

static void load_decoder(tok *t, const cJSON *dec)
{
    /* Decoding settings default to the pre-tokenizer's Metaspace. */
    memcpy(t->dec_rep, t->ms_rep, sizeof t->dec_rep);
    t->dec_strip_first = !t->metaspace || t->ms_prepend != TOK_PREPEND_NEVER;
    const char *type = get_str(dec, "type");
    if (type && strcmp(type, "Metaspace") == 0) {
        enum tok_prepend p = TOK_PREPEND_ALWAYS;
        if (read_metaspace(t, dec, t->dec_rep, &p, NULL, NULL) != 0)
            memcpy(t->dec_rep, t->ms_rep, sizeof t->dec_rep);
        t->dec_strip_first = p != TOK_PREPEND_NEVER;
    }
}

static int load_vocab(tok *t, const cJSON *model, struct pl_err *e)
{
    const char *type = get_str(model, "type");
    const cJSON *vocab = get(model, "vocab");
    if (type && strcmp(type, "Unigram") != 0)
        return pl_err_set(e, PL_EFORMAT, "%s: model type \"%s\" is not supported, only Unigram", t->path, type);
    if (!cJSON_IsArray(vocab))
        return pl_err_set(e, PL_EFORMAT, "%s: model has no Unigram \"vocab\" list", t->path);
    const cJSON *unk = get(model, "unk_id");
    int unk_id = json_id(unk);
    t->byte_fallback = cJSON_IsTrue(get(model, "byte_fallback"));
    int n_vocab = cJSON_GetArraySize(vocab), rc;
    if (n_vocab > TOK_MAX_PIECES)
        return pl_err_set(e, PL_EFORMAT, "%s: the vocabulary has %d pieces, more than the limit of %d",
                          t->path, n_vocab, TOK_MAX_PIECES);
    const cJSON *entry;
    cJSON_ArrayForEach(entry, vocab) {
        const cJSON *p = cJSON_GetArrayItem(entry, 0), *s = cJSON_GetArrayItem(entry, 1);
        if (!cJSON_IsArray(entry) || !cJSON_IsString(p) || !cJSON_IsNumber(s))
            return pl_err_set(e, PL_EFORMAT, "%s: vocab entry %d is not a [piece, score] pair", t->path, t->n);
        if (!(fabs(s->valuedouble) <= FLT_MAX))
            return pl_err_set(e, PL_EFORMAT, "%s: vocab entry %d has score %g, outside the range of a float",
                              t->path, t->n, s->valuedouble);
        size_t len = strlen(p->valuestring);
        enum tok_kind kind = TOK_KIND_NORMAL;
        if (t->n == unk_id)
            kind = TOK_KIND_UNKNOWN;
        else if (t->byte_fallback && is_byte_name(p->valuestring, len))
            kind = TOK_KIND_BYTE;
        if ((rc = tok_push_piece(t, p->valuestring, len, (float)s->valuedouble, kind)) != 0)
            return tok_push_error(t, rc, e);
    }
    if (t->n == 0)
        return pl_err_set(e, PL_EFORMAT, "%s: the vocabulary is empty", t->path);
    if (unk_id < 0 || unk_id >= t->n)
        return cJSON_IsNumber(unk)
                   ? pl_err_set(e, PL_EFORMAT, "%s: model \"unk_id\" %g is not an id of the vocabulary "
                                "(0 to %d)", t->path, unk->valuedouble, t->n - 1)
                   : pl_err_set(e, PL_EFORMAT, "%s: model has no valid \"unk_id\" (got none)", t->path);
    t->unk_id = unk_id;
    return 0;
}

static int load_added(tok *t, const cJSON *added, struct pl_err *e)
{
    if (!added || cJSON_IsNull(added))
        return 0;
    if (!cJSON_IsArray(added))
        return pl_err_set(e, PL_EFORMAT, "%s: \"added_tokens\" is not a list", t->path);
    int n = cJSON_GetArraySize(added);
    t->added_ids = malloc((size_t)(n > 0 ? n : 1) * sizeof *t->added_ids);
    if (!t->added_ids)
        return pl_err_set(e, PL_ENOMEM, "%s: out of memory", t->path);
    const cJSON *a;
    cJSON_ArrayForEach(a, added) {
        const cJSON *idj = get(a, "id");
        const char *content = get_str(a, "content");
        if (!cJSON_IsNumber(idj) || !content || !*content)
            return pl_err_set(e, PL_EFORMAT, "%s: added token %d needs an \"id\" and a non-empty \"content\"",
                              t->path, t->n_added);
        int id = json_id(idj);
        bool special = cJSON_IsTrue(get(a, "special"));
        size_t len = strlen(content);
        if (id == t->n) { /* added beyond the model's vocabulary */
            int rc = tok_push_piece(t, content, len, 0.0f, TOK_KIND_USER_DEFINED);
            if (rc != 0)
                return tok_push_error(t, rc, e);
        } else if (id < 0 || id > t->n) {
            return pl_err_set(e, PL_EFORMAT, "%s: added token \"%s\" has id %g, vocabulary has %d", t->path,
                              content, idj->valuedouble, t->n);
        } else if (t->len[id] != len || memcmp(t->pool + t->off[id], content, len) != 0) {
            return pl_err_set(e, PL_EFORMAT, "%s: added token \"%s\" has id %d, which is \"%s\" in the vocabulary",
                              t->path, content, id, t->pool + t->off[id]);
        }
        if (!special)
            t->kind[id] = TOK_KIND_USER_DEFINED;
        else if (id == t->unk_id)
            t->kind[id] = TOK_KIND_UNKNOWN;
        else if (is_sentinel_name(content))
            t->kind[id] = TOK_KIND_SENTINEL;
        else
            t->kind[id] = TOK_KIND_CONTROL;
        t->added_ids[t->n_added++] = id;
    }
    return 0;
}

static int find_control(const tok *t, const char *piece)
{
    size_t n = strlen(piece);
    for (int i = 0; i < t->n_added; i++) {
        int id = t->added_ids[i];
        if (t->kind[id] == TOK_KIND_CONTROL && t->len[id] == n && memcmp(t->pool + t->off[id], piece, n) == 0)
            return id;
    }
    return -1;
}

static int load_json(tok *t, struct pl_err *e)
{
    char *text;
    size_t len;
    int rc = pl_read_file(t->path, &text, &len, e);
    if (rc != 0)
        return rc;
    cJSON *root = cJSON_ParseWithLength(text, len);
    if (!root) {
        const char *where = cJSON_GetErrorPtr();
        long off = where && where >= text && where <= text + len ? (long)(where - text) : -1;
        free(text);
        return pl_err_set(e, PL_EFORMAT, "%s: not valid JSON (near byte %ld)", t->path, off);
    }
    free(text);
    if (!cJSON_IsObject(root) || !cJSON_IsObject(get(root, "model"))) {
        cJSON_Delete(root);
        return pl_err_set(e, PL_EFORMAT, "%s: not a tokenizer.json (no \"model\" object)", t->path);
    }
    rc = load_vocab(t, get(root, "model"), e);
    if (rc == 0)
        rc = load_added(t, get(root, "added_tokens"), e);
    if (rc == 0)
        rc = load_normalizer(t, get(root, "normalizer"), e);
    if (rc == 0)
        rc = load_pre_tokenizer(t, get(root, "pre_tokenizer"), e);
    if (rc == 0)
        rc = load_post_processor(t, get(root, "post_processor"), e);
    if (rc == 0)
        load_decoder(t, get(root, "decoder"));
    cJSON_Delete(root);
    if (rc != 0)
        return rc;
    t->eos_id = find_control(t, "</s>");
    if (t->eos_id < 0 && t->n_suffix > 0)
        t->eos_id = t->suffix_ids[t->n_suffix - 1];
    t->pad_id = find_control(t, "<pad>");
    return tok_finish(t, e);
}

int tok_load_json(const char *path, tok **out, struct pl_err *e)
{
    *out = NULL;
    tok *t;
    int rc = tok_new(path, TOK_SRC_JSON, &t, e);
    if (rc != 0)
        return rc;
    rc = load_json(t, e);
    if (rc != 0) {
        tok_free(t);
        return rc;
    }
    *out = t;
    return 0;
}
