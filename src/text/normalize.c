/* normalize.c - text normalisation for the tokenizer: SentencePiece's
 * precompiled charsmap (a Darts-clone double array) and whitespace rules,
 * and the Replace/Strip steps and whitespace test of tokenizer.json
 * pipelines.
 *
 * The one idea: at each position take the longest charsmap rule that
 * matches and emit its replacement; where none matches copy one UTF-8
 * character, or emit U+FFFD for one malformed byte. SentencePiece then
 * drops leading spaces, collapses runs, turns ' ' into U+2581, prepends one
 * U+2581 and drops trailing ones, all in the same pass. */
#include <stdlib.h>
#include <string.h>

#include "tok_impl.h"

static const char k_space_symbol[] = "\xE2\x96\x81"; /* U+2581 */
static const char k_replacement[] = "\xEF\xBF\xBD";  /* U+FFFD */

int tok_buf_reserve(struct tok_buf *b, size_t extra)
{
    if (b->cap - b->n > extra)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->n <= extra)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p)
        return -1;
    b->p = p;
    b->cap = cap;
    return 0;
}

int tok_buf_add(struct tok_buf *b, const void *s, size_t len)
{
    if (len == 0)
        return 0;
    if (tok_buf_reserve(b, len) != 0)
        return -1;
    memcpy(b->p + b->n, s, len);
    b->n += len;
    return 0;
}

/* ---- UTF-8 ---- */

size_t tok_utf8_valid_len(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    uint32_t cp, min;
    if ((c & 0xE0) == 0xC0) {
        len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || (cp >= 0xD800 && cp < 0xE000) || cp > 0x10FFFF)
        return 0;
    return len;
}

size_t tok_utf8_space_len(const unsigned char *s, size_t n)
{
    size_t len = tok_utf8_valid_len(s, n);
    if (len == 0)
        return 0;
    uint32_t cp;
    if (len == 1)
        cp = s[0];
    else if (len == 2)
        cp = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    else if (len == 3)
        cp = ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    else
        return 0; /* no White_Space character lies above U+FFFF */
    bool ws = (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 ||
              cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
              cp == 0x202F || cp == 0x205F || cp == 0x3000;
    return ws ? len : 0;
}

/* ---- precompiled charsmap ---- */

int tok_charsmap_init(struct tok_charsmap *m, const unsigned char *blob, size_t len)
{
    memset(m, 0, sizeof *m);
    if (len == 0)
        return 0;
    if (len <= 4)
        return -1;
    uint32_t trie_size = (uint32_t)blob[0] | (uint32_t)blob[1] << 8 | (uint32_t)blob[2] << 16 |
                         (uint32_t)blob[3] << 24;
    /* SentencePiece rejects trie_size >= blob size; a trie needs whole units
     * and at least the root. */
    if (trie_size >= len || trie_size % 4 != 0 || trie_size < 4 || trie_size > len - 4)
        return -1;
    m->n_units = trie_size / 4;
    m->n_strs = len - 4 - trie_size;
    m->units = malloc(m->n_units * sizeof *m->units);
    m->strs = malloc(m->n_strs + 1);
    if (!m->units || !m->strs) {
        tok_charsmap_free(m);
        return -2;
    }
    const unsigned char *u = blob + 4;
    for (size_t i = 0; i < m->n_units; i++, u += 4)
        m->units[i] = (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 |
                      (uint32_t)u[3] << 24;
    memcpy(m->strs, blob + 4 + trie_size, m->n_strs);
    m->strs[m->n_strs] = 0;
    return 0;
}

void tok_charsmap_free(struct tok_charsmap *m)
{
    free(m->units);
    free(m->strs);
    memset(m, 0, sizeof *m);
}

/* Darts-clone unit fields. */
static inline bool unit_has_leaf(uint32_t u) { return (u >> 8) & 1; }
static inline uint32_t unit_value(uint32_t u) { return u & 0x7FFFFFFFu; }
static inline uint32_t unit_label(uint32_t u) { return u & 0x800000FFu; }
static inline uint32_t unit_offset(uint32_t u) { return (u >> 10) << ((u & 0x200) >> 6); }

size_t tok_charsmap_match(const struct tok_charsmap *m, const unsigned char *s, size_t n,
                          const char **rep)
{
    if (!m->units)
        return 0;
    /* SentencePiece looks at the first 32 prefix matches only. */
    enum { MAX_RESULTS = 32 };
    size_t best = 0, n_results = 0;
    uint32_t best_value = 0;
    uint32_t pos = unit_offset(m->units[0]);
    for (size_t i = 0; i < n; i++) {
        pos ^= s[i];
        if (pos >= m->n_units)
            break;
        uint32_t u = m->units[pos];
        if (unit_label(u) != s[i])
            break;
        pos ^= unit_offset(u);
        if (unit_has_leaf(u) && pos < m->n_units) {
            if (n_results < MAX_RESULTS) {
                best = i + 1;
                best_value = unit_value(m->units[pos]);
            }
            n_results++;
        }
    }
    if (best == 0 || best_value >= m->n_strs)
        return 0;
    *rep = m->strs + best_value;
    return best;
}

/* One step of SentencePiece's NormalizePrefix: how many input bytes the
 * next rule consumes (>= 1) and what it emits. User-defined pieces pass
 * through untouched, then the longest charsmap rule, then one character. */
static size_t norm_prefix(const tok *t, bool use_map, const unsigned char *s, size_t n,
                          const char **out, size_t *out_len)
{
    if (t->has_user_defined) {
        size_t best = 0;
        int node = 0;
        for (size_t i = 0; i < n; i++) {
            node = tok_trie_step(&t->pieces, node, s[i]);
            if (node < 0)
                break;
            int id = t->pieces.value[node];
            if (id >= 0 && t->kind[id] == TOK_KIND_USER_DEFINED)
                best = i + 1;
        }
        if (best) {
            *out = (const char *)s;
            *out_len = best;
            return best;
        }
    }
    const char *rep;
    size_t len = use_map ? tok_charsmap_match(&t->cmap, s, n, &rep) : 0;
    if (len) {
        *out = rep;
        *out_len = strlen(rep);
        return len;
    }
    len = tok_utf8_valid_len(s, n);
    if (len == 0) {
        *out = k_replacement;
        *out_len = 3;
        return 1;
    }
    *out = (const char *)s;
    *out_len = len;
    return len;
}

int tok_norm_charsmap(const tok *t, bool use_map, const char *str, size_t n, struct tok_buf *out)
{
    const unsigned char *s = (const unsigned char *)str;
    if (tok_buf_reserve(out, n + 16) != 0)
        return -1;
    size_t i = 0;
    while (i < n) {
        const char *rep;
        size_t rep_len;
        size_t used = norm_prefix(t, use_map, s + i, n - i, &rep, &rep_len);
        if (tok_buf_add(out, rep, rep_len) != 0)
            return -1;
        i += used;
    }
    return 0;
}

int tok_norm_spm(const tok *t, const char *str, size_t n, struct tok_buf *out)
{
    const unsigned char *s = (const unsigned char *)str;
    const size_t start = out->n;
    const char *rep;
    size_t rep_len, i = 0;

    if (t->remove_extra_ws) {
        while (i < n) {
            size_t used = norm_prefix(t, true, s + i, n - i, &rep, &rep_len);
            if (!(rep_len == 1 && rep[0] == ' '))
                break;
            i += used;
        }
    }
    if (i == n)
        return 0;
    if (tok_buf_reserve(out, (n - i) * 3 + 16) != 0)
        return -1;

    const char *space = t->escape_ws ? k_space_symbol : " ";
    const size_t space_len = t->escape_ws ? 3 : 1;
    if (!t->ws_suffix && t->add_dummy_prefix && tok_buf_add(out, space, space_len) != 0)
        return -1;

    bool prev_space = t->remove_extra_ws;
    while (i < n) {
        size_t used = norm_prefix(t, true, s + i, n - i, &rep, &rep_len);
        /* A rule's leading spaces go when the text so far ends in one. */
        while (prev_space && rep_len > 0 && rep[0] == ' ')
            rep++, rep_len--;
        if (rep_len > 0) {
            if (tok_buf_reserve(out, rep_len * 3) != 0)
                return -1;
            for (size_t k = 0; k < rep_len; k++) {
                if (rep[k] == ' ') {
                    memcpy(out->p + out->n, space, space_len);
                    out->n += space_len;
                } else {
                    out->p[out->n++] = rep[k];
                }
            }
            prev_space = rep[rep_len - 1] == ' ';
        }
        i += used;
        if (!t->remove_extra_ws)
            prev_space = false;
    }

    if (t->remove_extra_ws) {
        while (out->n - start >= space_len && memcmp(out->p + out->n - space_len, space, space_len) == 0)
            out->n -= space_len;
    }
    if (t->ws_suffix && t->add_dummy_prefix && tok_buf_add(out, space, space_len) != 0)
        return -1;
    return 0;
}

/* ---- tokenizer.json Replace / Strip ---- */

static int op_strip(const struct tok_norm_op *op, const char *str, size_t n, struct tok_buf *out)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t a = 0, b = n;
    if (op->left) {
        size_t w;
        while (a < b && (w = tok_utf8_space_len(s + a, b - a)) > 0)
            a += w;
    }
    if (op->right) {
        /* Walk forward remembering where the trailing run of spaces began. */
        size_t i = a, run = b;
        bool in_run = false;
        while (i < b) {
            size_t w = tok_utf8_space_len(s + i, b - i);
            if (w) {
                if (!in_run)
                    run = i, in_run = true;
                i += w;
            } else {
                in_run = false;
                i++;
                while (i < b && (s[i] & 0xC0) == 0x80)
                    i++;
            }
        }
        if (in_run)
            b = run;
    }
    return tok_buf_add(out, s + a, b - a);
}

int tok_norm_apply_op(const struct tok_norm_op *op, const char *s, size_t n, struct tok_buf *out)
{
    if (op->type == TOK_OP_STRIP)
        return op_strip(op, s, n, out);
    size_t plen = strlen(op->pattern), clen = strlen(op->content);
    if (tok_buf_reserve(out, n + 16) != 0)
        return -1;
    size_t i = 0;
    while (i < n) {
        if (plen > 0 && n - i >= plen && memcmp(s + i, op->pattern, plen) == 0) {
            size_t j = i + plen;
            if (op->type == TOK_OP_REPLACE_RUN) {
                int count = 1;
                while (n - j >= plen && memcmp(s + j, op->pattern, plen) == 0)
                    j += plen, count++;
                if (count < op->min_run) {
                    if (tok_buf_add(out, s + i, j - i) != 0)
                        return -1;
                    i = j;
                    continue;
                }
            }
            if (tok_buf_add(out, op->content, clen) != 0)
                return -1;
            i = j;
        } else {
            if (tok_buf_add(out, s + i, 1) != 0)
                return -1;
            i++;
        }
    }
    return 0;
}
