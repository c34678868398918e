/* tokenizer.c - the Unigram tokenizer proper: the piece trie, encoding by
 * Viterbi, decoding, lookups, and picking a loader for a model directory.
 * The file formats are read by spm_model.c and tok_json.c, normalisation
 * lives in normalize.c.
 *
 * The one idea: the best segmentation of a normalised word is found left
 * to right. best[i] holds the best-scoring way to cover the first i bytes;
 * from each character start, every piece that is a prefix of the rest (one
 * trie walk) offers best[start] + score to best[start + length], and only a
 * strictly greater offer replaces the current one, so ties keep the earlier
 * candidate. The arithmetic mirrors SentencePiece's optimised encoder bit
 * for bit (float totals, double candidates), so its choices are ours. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cJSON.h>

#include "tok_impl.h"

/* ---- trie ---- */

int tok_trie_init(struct tok_trie *tr, size_t max_bytes)
{
    memset(tr, 0, sizeof *tr);
    /* Every inserted byte adds at most one node and one edge; keep the edge
     * table at most half full. */
    if (max_bytes > (size_t)1 << 28)
        return -1;
    size_t cap = 64;
    int bits = 6;
    while (cap < 2 * max_bytes + 2)
        cap *= 2, bits++;
    tr->keys = calloc(cap, sizeof *tr->keys);
    tr->child = malloc(cap * sizeof *tr->child);
    tr->cap_nodes = (int)max_bytes + 1;
    tr->value = malloc((size_t)tr->cap_nodes * sizeof *tr->value);
    if (!tr->keys || !tr->child || !tr->value) {
        tok_trie_free(tr);
        return -1;
    }
    tr->mask = (uint32_t)(cap - 1);
    tr->shift = 32 - bits;
    tr->n_nodes = 1;
    tr->value[0] = -1;
    return 0;
}

void tok_trie_free(struct tok_trie *tr)
{
    free(tr->keys);
    free(tr->child);
    free(tr->value);
    memset(tr, 0, sizeof *tr);
}

int tok_trie_insert(struct tok_trie *tr, const char *str, size_t len, int id)
{
    const unsigned char *s = (const unsigned char *)str;
    int node = 0;
    for (size_t i = 0; i < len; i++) {
        int next = tok_trie_step(tr, node, s[i]);
        if (next < 0) {
            if (tr->n_nodes >= tr->cap_nodes)
                return -1;
            uint32_t key = (((uint32_t)node << 8) | s[i]) + 1;
            uint32_t h = (key * 0x9E3779B1u) >> tr->shift;
            while (tr->keys[h] != 0)
                h = (h + 1) & tr->mask;
            next = tr->n_nodes++;
            tr->keys[h] = key;
            tr->child[h] = next;
            tr->value[next] = -1;
        }
        node = next;
    }
    if (tr->value[node] >= 0)
        return 1;
    tr->value[node] = id;
    return 0;
}

/* The longest token in `tr` that is a prefix of s[0..n), skipping special
 * ids under TOK_NO_SPECIAL; returns its length (0 for none). */
static size_t trie_longest(const struct tok_trie *tr, const unsigned char *s, size_t n,
                           const tok *t, int flags, int *id_out)
{
    size_t best = 0;
    int node = 0;
    for (size_t i = 0; i < n; i++) {
        node = tok_trie_step(tr, node, s[i]);
        if (node < 0)
            break;
        int id = tr->value[node];
        if (id < 0)
            continue;
        if ((flags & TOK_NO_SPECIAL) && tok_is_special(t, id))
            continue;
        best = i + 1;
        *id_out = id;
    }
    return best;
}

/* ---- building ---- */

static bool in_lattice(int kind)
{
    return kind == TOK_KIND_NORMAL || kind == TOK_KIND_USER_DEFINED || kind == TOK_KIND_UNUSED;
}

int tok_new(const char *path, enum tok_source src, tok **out, struct pl_err *e)
{
    *out = NULL;
    tok *t = calloc(1, sizeof *t);
    if (!t || !(t->path = strdup(path))) {
        free(t);
        return pl_err_set(e, PL_ENOMEM, "%s: out of memory", path);
    }
    t->src = src;
    t->unk_id = t->eos_id = t->pad_id = -1;
    t->add_dummy_prefix = t->remove_extra_ws = t->escape_ws = true;
    memcpy(t->ms_rep, "\xE2\x96\x81", 4);
    memcpy(t->dec_rep, "\xE2\x96\x81", 4);
    t->ms_prepend = TOK_PREPEND_ALWAYS;
    t->ms_split = true;
    t->dec_strip_first = true;
    *out = t;
    return 0;
}

int tok_push_error(const tok *t, int rc, struct pl_err *e)
{
    if (rc == -2)
        return pl_err_set(e, PL_EFORMAT, "%s: more than %d pieces or 4 GiB of piece text", t->path,
                          TOK_MAX_PIECES);
    return pl_err_set(e, PL_ENOMEM, "%s: out of memory for piece %d", t->path, t->n);
}

int tok_push_piece(tok *t, const char *s, size_t len, float score, enum tok_kind kind)
{
    if (t->n >= TOK_MAX_PIECES || len >= UINT32_MAX - t->pool_n)
        return -2;
    if (t->n == t->cap) {
        int cap = t->cap ? 2 * t->cap : 1024;
        uint32_t *off = realloc(t->off, (size_t)cap * sizeof *off);
        if (off)
            t->off = off;
        uint32_t *ln = realloc(t->len, (size_t)cap * sizeof *ln);
        if (ln)
            t->len = ln;
        float *sc = realloc(t->score, (size_t)cap * sizeof *sc);
        if (sc)
            t->score = sc;
        unsigned char *k = realloc(t->kind, (size_t)cap);
        if (k)
            t->kind = k;
        if (!off || !ln || !sc || !k)
            return -1;
        t->cap = cap;
    }
    if (t->pool_n + len + 1 > t->pool_cap) {
        size_t cap = t->pool_cap ? t->pool_cap : 1 << 16;
        while (cap < t->pool_n + len + 1)
            cap *= 2;
        if (cap > UINT32_MAX)
            cap = UINT32_MAX;
        char *p = realloc(t->pool, cap);
        if (!p)
            return -1;
        t->pool = p;
        t->pool_cap = cap;
    }
    memcpy(t->pool + t->pool_n, s, len);
    t->pool[t->pool_n + len] = 0;
    t->off[t->n] = (uint32_t)t->pool_n;
    t->len[t->n] = (uint32_t)len;
    t->score[t->n] = score;
    t->kind[t->n] = (unsigned char)kind;
    t->pool_n += len + 1;
    t->n++;
    return 0;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int tok_finish(tok *t, struct pl_err *e)
{
    if (t->n == 0)
        return pl_err_set(e, PL_EFORMAT, "%s: the vocabulary is empty", t->path);
    if (t->unk_id < 0 || t->unk_id >= t->n)
        return pl_err_set(e, PL_EFORMAT, "%s: the vocabulary has no unknown piece (<unk>)", t->path);

    size_t lattice_bytes = 0, added_bytes = 0; /* sizes of the two tries */
    t->min_score = 3.402823466e38f; /* FLT_MAX / FLT_MIN, as SentencePiece starts */
    t->max_score = 1.175494351e-38f;
    bool any_normal = false;
    for (int i = 0; i < t->n; i++) {
        int k = t->kind[i];
        if (in_lattice(k))
            lattice_bytes += t->len[i];
        else if (t->src == TOK_SRC_SPM)
            added_bytes += t->len[i];
        if (k == TOK_KIND_NORMAL) {
            any_normal = true;
            if (t->score[i] < t->min_score)
                t->min_score = t->score[i];
            if (t->score[i] > t->max_score)
                t->max_score = t->score[i];
        }
        if (k == TOK_KIND_USER_DEFINED)
            t->has_user_defined = true;
    }
    if (!any_normal)
        return pl_err_set(e, PL_EFORMAT, "%s: the vocabulary has no normal pieces", t->path);
    t->unk_score = t->min_score - 10.0f;

    for (int k = 0; k < t->n_added; k++)
        if (t->added_ids[k] >= 0 && t->added_ids[k] < t->n)
            added_bytes += t->len[t->added_ids[k]];
    if (tok_trie_init(&t->pieces, lattice_bytes) != 0 ||
        tok_trie_init(&t->added, added_bytes) != 0)
        return pl_err_set(e, PL_ENOMEM, "%s: out of memory building the piece trie", t->path);
    for (int i = 0; i < t->n; i++) {
        int k = t->kind[i];
        const char *p = t->pool + t->off[i];
        if (in_lattice(k) && t->len[i] > 0) {
            int r = tok_trie_insert(&t->pieces, p, t->len[i], i);
            if (r < 0)
                return pl_err_set(e, PL_ENOMEM, "%s: piece trie overflow", t->path);
            if (r > 0 && t->src == TOK_SRC_SPM)
                return pl_err_set(e, PL_EFORMAT, "%s: piece %d \"%s\" is already defined", t->path, i, p);
        }
    }
    /* spiece.model: the special pieces are matched in raw text (as the
     * transformers tokenizer does); tokenizer.json lists its own. */
    if (t->src == TOK_SRC_SPM) {
        free(t->added_ids);
        t->added_ids = malloc((size_t)t->n * sizeof *t->added_ids);
        if (!t->added_ids)
            return pl_err_set(e, PL_ENOMEM, "%s: out of memory", t->path);
        t->n_added = 0;
        for (int i = 0; i < t->n; i++)
            if (tok_is_special(t, i))
                t->added_ids[t->n_added++] = i;
    }
    memset(t->added_first, 0, sizeof t->added_first);
    for (int k = 0; k < t->n_added; k++) {
        int id = t->added_ids[k];
        if (id < 0 || id >= t->n || t->len[id] == 0)
            continue;
        const unsigned char *p = (const unsigned char *)t->pool + t->off[id];
        if (tok_trie_insert(&t->added, (const char *)p, t->len[id], id) < 0)
            return pl_err_set(e, PL_ENOMEM, "%s: out of memory", t->path);
        t->added_first[p[0] >> 3] |= (unsigned char)(1u << (p[0] & 7));
    }

    t->reserved = malloc((size_t)t->n * sizeof *t->reserved);
    if (!t->reserved)
        return pl_err_set(e, PL_ENOMEM, "%s: out of memory", t->path);
    t->n_reserved = 0;
    for (int i = 0; i < t->n; i++)
        if (!in_lattice(t->kind[i]))
            t->reserved[t->n_reserved++] = i;

    for (int b = 0; b < 256; b++)
        t->byte_id[b] = t->unk_id;
    for (int i = 0; i < t->n; i++) {
        const char *p = t->pool + t->off[i];
        if (t->kind[i] == TOK_KIND_BYTE && t->len[i] == 6 && memcmp(p, "<0x", 3) == 0 && p[5] == '>') {
            int hi = hex_digit(p[3]), lo = hex_digit(p[4]);
            if (hi >= 0 && lo >= 0)
                t->byte_id[hi * 16 + lo] = i;
        }
    }
    return 0;
}

void tok_free(tok *t)
{
    if (!t)
        return;
    for (int i = 0; i < t->n_ops; i++) {
        free(t->ops[i].pattern);
        free(t->ops[i].content);
    }
    free(t->ops);
    free(t->reserved);
    free(t->added_ids);
    tok_charsmap_free(&t->cmap);
    tok_trie_free(&t->added);
    tok_trie_free(&t->pieces);
    free(t->kind);
    free(t->score);
    free(t->len);
    free(t->off);
    free(t->pool);
    free(t->path);
    free(t);
}

/* ---- loading a directory ---- */

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* tokenizer_config.json's "extra_ids" (transformers' T5Tokenizer setting),
 * 0 when the file or the key is absent or unreadable. */
static int config_extra_ids(const char *dir)
{
    char path[4096];
    if (pl_path_join(path, sizeof path, dir, "tokenizer_config.json") != 0 || !is_file(path))
        return 0;
    char *text;
    size_t len;
    if (pl_read_file(path, &text, &len, NULL) != 0)
        return 0;
    cJSON *root = cJSON_ParseWithLength(text, len);
    free(text);
    int n = 0;
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(root, "extra_ids");
    if (cJSON_IsNumber(x) && x->valuedouble >= 0 && x->valuedouble <= 100000)
        n = (int)x->valuedouble;
    cJSON_Delete(root);
    return n;
}

int tok_load_dir(const char *dir, tok **out, struct pl_err *e)
{
    *out = NULL;
    char path[4096];
    if (pl_path_join(path, sizeof path, dir, "tokenizer.json") != 0)
        return pl_err_set(e, PL_ERANGE, "%s: path too long", dir);
    if (is_file(path))
        return tok_load_json(path, out, e);
    if (pl_path_join(path, sizeof path, dir, "spiece.model") != 0)
        return pl_err_set(e, PL_ERANGE, "%s: path too long", dir);
    if (is_file(path))
        return tok_load_spm(path, config_extra_ids(dir), out, e);
    struct stat st;
    if (stat(dir, &st) != 0)
        return pl_err_set(e, PL_EIO, "%s: cannot open model directory: %s", dir, strerror(errno));
    return pl_err_set(e, PL_EIO, "%s: no tokenizer.json or spiece.model in this directory", dir);
}

/* ---- encoding ---- */

struct best_node {
    float score;
    int start; /* -1: not reached yet */
    int id;
};

struct span {
    size_t start, len;
};

/* Scratch for one tok_encode call; grown as needed, freed at the end. */
struct enc {
    const tok *t;
    int flags;
    struct tok_buf a, b, words;
    struct span *spans;
    int n_spans, cap_spans;
    struct best_node *best;
    int *path;
    size_t cap_best;
    int *ids;
    int n_ids, cap_ids;
    bool text_only; /* tok_normalize: collect text, no ids */
    struct tok_buf text;
};

static void enc_free(struct enc *s)
{
    free(s->a.p);
    free(s->b.p);
    free(s->words.p);
    free(s->text.p);
    free(s->spans);
    free(s->best);
    free(s->path);
    free(s->ids);
}

static int push_id(struct enc *s, int id)
{
    if (s->n_ids == s->cap_ids) {
        int cap = s->cap_ids ? 2 * s->cap_ids : 64;
        int *p = realloc(s->ids, (size_t)cap * sizeof *p);
        if (!p)
            return -1;
        s->ids = p;
        s->cap_ids = cap;
    }
    s->ids[s->n_ids++] = id;
    return 0;
}

static int push_span(struct enc *s, size_t start, size_t len)
{
    if (len == 0)
        return 0;
    if (s->n_spans == s->cap_spans) {
        int cap = s->cap_spans ? 2 * s->cap_spans : 64;
        struct span *p = realloc(s->spans, (size_t)cap * sizeof *p);
        if (!p)
            return -1;
        s->spans = p;
        s->cap_spans = cap;
    }
    s->spans[s->n_spans++] = (struct span){start, len};
    return 0;
}

static inline int one_char_len(unsigned char c)
{
    static const unsigned char len[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
    return len[c >> 4];
}

/* Viterbi over one normalised word; appends its ids. *carry is the path
 * score the word starts from and receives the score it ends with: words
 * split by a tokenizer.json pre-tokenizer continue the running float total,
 * so rounding (and with it the choice between near-equal paths) is the
 * same as in SentencePiece's single pass over the whole text. */
static int viterbi(struct enc *s, const char *word, size_t n, float *carry)
{
    const tok *t = s->t;
    const unsigned char *w = (const unsigned char *)word;
    if (n == 0)
        return 0;
    if (n > (size_t)0x7FFFFFF0)
        return -1;
    if (n + 1 > s->cap_best) {
        size_t cap = s->cap_best ? s->cap_best : 256;
        while (cap < n + 1)
            cap *= 2;
        struct best_node *b = realloc(s->best, cap * sizeof *b);
        if (b)
            s->best = b;
        int *p = realloc(s->path, cap * sizeof *p);
        if (p)
            s->path = p;
        if (!b || !p)
            return -1;
        s->cap_best = cap;
    }
    struct best_node *best = s->best;
    for (size_t i = 0; i <= n; i++)
        best[i] = (struct best_node){0.0f, -1, -1};
    best[0].score = *carry;

    const int size = (int)n;
    int start = 0;
    while (start < size) {
        const float here = best[start].score;
        int mblen = one_char_len(w[start]);
        if (mblen > size - start)
            mblen = size - start;
        bool has_single = false;
        int node = 0;
        for (int k = start; k < size; k++) {
            node = tok_trie_step(&t->pieces, node, w[k]);
            if (node < 0)
                break;
            int id = t->pieces.value[node];
            if (id < 0 || t->kind[id] == TOK_KIND_UNUSED)
                continue;
            const int end = k + 1, length = end - start;
            /* As SentencePiece: the candidate is a double (its user-defined
             * bonus is double), compared with and stored as a float. */
            const double score = t->kind[id] == TOK_KIND_USER_DEFINED
                                     ? (double)((float)length * t->max_score) - 0.1
                                     : (double)t->score[id];
            const double cand = score + (double)here;
            if (best[end].start == -1 || cand > (double)best[end].score) {
                best[end].score = (float)cand;
                best[end].start = start;
                best[end].id = id;
            }
            if (length == mblen)
                has_single = true;
        }
        if (!has_single) {
            struct best_node *tn = &best[start + mblen];
            const float cand = t->unk_score + here;
            if (tn->start == -1 || cand > tn->score) {
                tn->score = cand;
                tn->start = start;
                tn->id = t->unk_id;
            }
        }
        start += mblen;
    }

    *carry = best[size].score;

    /* Backtrack, then emit left to right fusing runs of unknowns. */
    int n_path = 0;
    for (int end = size; end > 0; end = best[end].start)
        s->path[n_path++] = end;
    bool prev_unk = false;
    for (int i = n_path - 1; i >= 0; i--) {
        const int end = s->path[i], begin = best[end].start, id = best[end].id;
        const bool is_unk = id == t->unk_id;
        if (is_unk && t->byte_fallback) {
            for (int k = begin; k < end; k++)
                if (push_id(s, t->byte_id[w[k]]) != 0)
                    return -1;
        } else if (!(is_unk && prev_unk)) {
            if (push_id(s, id) != 0)
                return -1;
        }
        prev_unk = is_unk;
    }
    return 0;
}

/* Hand a normalised word to Viterbi, or to the text collector. */
static int emit_word(struct enc *s, const char *w, size_t n, float *carry)
{
    if (s->text_only)
        return tok_buf_add(&s->text, w, n);
    return viterbi(s, w, n, carry);
}

static bool starts_with(const char *s, size_t n, const char *prefix, size_t plen)
{
    return plen > 0 && n >= plen && memcmp(s, prefix, plen) == 0;
}

/* tokenizer.json: normalizer steps, pre-tokenizer, then Viterbi per word. */
static int encode_segment_json(struct enc *s, const char *seg, size_t n, bool at_origin)
{
    const tok *t = s->t;
    struct tok_buf *cur = &s->a, *nxt = &s->b;
    cur->n = 0;
    /* The first pass replaces malformed bytes by U+FFFD, applying the
     * charsmap too when the pipeline starts with it. */
    int first = t->n_ops > 0 && t->ops[0].type == TOK_OP_PRECOMPILED;
    if (tok_norm_charsmap(t, first, seg, n, cur) != 0)
        return -1;
    for (int i = first; i < t->n_ops; i++) {
        nxt->n = 0;
        int r = t->ops[i].type == TOK_OP_PRECOMPILED ? tok_norm_charsmap(t, true, cur->p, cur->n, nxt)
                                                      : tok_norm_apply_op(&t->ops[i], cur->p, cur->n, nxt);
        if (r != 0)
            return -1;
        struct tok_buf *tmp = cur;
        cur = nxt;
        nxt = tmp;
    }

    /* Words: split on whitespace, or the whole text. */
    s->n_spans = 0;
    const unsigned char *p = (const unsigned char *)cur->p;
    if (t->ws_split) {
        size_t i = 0, word = 0;
        bool in_word = false;
        while (i < cur->n) {
            size_t sp = tok_utf8_space_len(p + i, cur->n - i);
            if (sp) {
                if (in_word && push_span(s, word, i - word) != 0)
                    return -1;
                in_word = false;
                i += sp;
            } else {
                if (!in_word)
                    word = i, in_word = true;
                i++;
            }
        }
        if (in_word && push_span(s, word, cur->n - word) != 0)
            return -1;
    } else if (push_span(s, 0, cur->n) != 0) {
        return -1;
    }

    float carry = 0.0f;
    if (!t->metaspace) {
        for (int i = 0; i < s->n_spans; i++)
            if (emit_word(s, cur->p + s->spans[i].start, s->spans[i].len, &carry) != 0)
                return -1;
        return 0;
    }

    const char *rep = t->ms_rep;
    const size_t rep_len = strlen(rep);
    for (int i = 0; i < s->n_spans; i++) {
        const char *w = cur->p + s->spans[i].start;
        const size_t wn = s->spans[i].len;
        struct tok_buf *out = &s->words;
        out->n = 0;
        bool prepend = false;
        if (!starts_with(w, wn, " ", 1) && !starts_with(w, wn, rep, rep_len)) {
            if (t->ms_prepend == TOK_PREPEND_ALWAYS)
                prepend = true;
            else if (t->ms_prepend == TOK_PREPEND_FIRST)
                prepend = at_origin && s->spans[i].start == 0;
        }
        if (prepend && tok_buf_add(out, rep, rep_len) != 0)
            return -1;
        if (tok_buf_reserve(out, wn * rep_len + 1) != 0)
            return -1;
        for (size_t k = 0; k < wn; k++) {
            if (w[k] == ' ') {
                memcpy(out->p + out->n, rep, rep_len);
                out->n += rep_len;
            } else {
                out->p[out->n++] = w[k];
            }
        }
        if (!t->ms_split || rep_len == 0) {
            if (emit_word(s, out->p, out->n, &carry) != 0)
                return -1;
            continue;
        }
        /* Each replacement character starts a new word. */
        size_t from = 0;
        for (size_t k = 1; k + rep_len <= out->n; k++) {
            if (memcmp(out->p + k, rep, rep_len) == 0) {
                if (emit_word(s, out->p + from, k - from, &carry) != 0)
                    return -1;
                from = k;
                k += rep_len - 1;
            }
        }
        if (emit_word(s, out->p + from, out->n - from, &carry) != 0)
            return -1;
    }
    return 0;
}

static int encode_segment(struct enc *s, const char *seg, size_t n, bool at_origin)
{
    if (s->t->src == TOK_SRC_JSON)
        return encode_segment_json(s, seg, n, at_origin);
    s->a.n = 0;
    if (tok_norm_spm(s->t, seg, n, &s->a) != 0)
        return -1;
    float carry = 0.0f;
    return emit_word(s, s->a.p, s->a.n, &carry);
}

/* Split the raw text at added/special tokens, encode the text between. */
static int encode_all(struct enc *s, const char *text, size_t len)
{
    const tok *t = s->t;
    const unsigned char *u = (const unsigned char *)text;
    if ((s->flags & TOK_ADD_EOS) && !s->text_only)
        for (int i = 0; i < t->n_prefix; i++)
            if (push_id(s, t->prefix_ids[i]) != 0)
                return -1;
    size_t seg = 0, i = 0;
    if (t->n_added > 0) {
        while (i < len) {
            if (!(t->added_first[u[i] >> 3] & (1u << (u[i] & 7)))) {
                i++;
                continue;
            }
            int id = -1;
            size_t m = trie_longest(&t->added, u + i, len - i, t, s->flags, &id);
            if (m == 0) {
                i++;
                continue;
            }
            if (encode_segment(s, text + seg, i - seg, seg == 0) != 0)
                return -1;
            if (!s->text_only && push_id(s, id) != 0)
                return -1;
            i += m;
            seg = i;
        }
    }
    if (encode_segment(s, text + seg, len - seg, seg == 0) != 0)
        return -1;
    if ((s->flags & TOK_ADD_EOS) && !s->text_only) {
        if (t->src == TOK_SRC_SPM && t->eos_id >= 0 && push_id(s, t->eos_id) != 0)
            return -1;
        for (int k = 0; k < t->n_suffix; k++)
            if (push_id(s, t->suffix_ids[k]) != 0)
                return -1;
    }
    return 0;
}

int tok_encode(const tok *t, const char *text, size_t len, int flags, int **ids, int *n_ids,
               struct pl_err *e)
{
    *ids = NULL;
    *n_ids = 0;
    struct enc s = {.t = t, .flags = flags};
    if (!text)
        text = "", len = 0;
    if (len > (size_t)1 << 30)
        return pl_err_set(e, PL_ERANGE, "%s: input of %zu bytes is too long to encode", t->path, len);
    if (encode_all(&s, text, len) != 0) {
        enc_free(&s);
        return pl_err_set(e, PL_ENOMEM, "%s: out of memory encoding %zu bytes", t->path, len);
    }
    *ids = s.ids;
    *n_ids = s.n_ids;
    s.ids = NULL;
    enc_free(&s);
    return 0;
}

int tok_normalize(const tok *t, const char *text, size_t len, int flags, char **out,
                  size_t *out_len, struct pl_err *e)
{
    *out = NULL;
    if (out_len)
        *out_len = 0;
    struct enc s = {.t = t, .flags = flags, .text_only = true};
    if (!text)
        text = "", len = 0;
    if (len > (size_t)1 << 30)
        return pl_err_set(e, PL_ERANGE, "%s: input of %zu bytes is too long to normalise", t->path, len);
    if (encode_all(&s, text, len) != 0 || tok_buf_add(&s.text, "", 1) != 0) {
        enc_free(&s);
        return pl_err_set(e, PL_ENOMEM, "%s: out of memory normalising %zu bytes", t->path, len);
    }
    *out = s.text.p;
    if (out_len)
        *out_len = s.text.n - 1;
    s.text.p = NULL;
    enc_free(&s);
    return 0;
}

/* ---- decoding ---- */

/* Append a run of byte-piece bytes as UTF-8, malformed bytes as U+FFFD. */
static int flush_bytes(struct tok_buf *out, const unsigned char *b, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t len = tok_utf8_valid_len(b + i, n - i);
        if (len == 0) {
            if (tok_buf_add(out, "\xEF\xBF\xBD", 3) != 0)
                return -1;
            i++;
        } else {
            if (tok_buf_add(out, b + i, len) != 0)
                return -1;
            i += len;
        }
    }
    return 0;
}

int tok_decode(const tok *t, const int *ids, int n, int flags, char **text, struct pl_err *e)
{
    *text = NULL;
    struct tok_buf out = {0};
    unsigned char bytes[256];
    size_t n_bytes = 0;
    const char *rep = t->dec_rep;
    const size_t rep_len = strlen(rep);
    int rc = 0;
    bool bos_ws_seen = false;
    for (int i = 0; i < n && rc == 0; i++) {
        int id = ids[i];
        if (id < 0 || id >= t->n) {
            free(out.p);
            return pl_err_set(e, PL_ERANGE, "%s: id %d at position %d is outside the vocabulary [0, %d)",
                              t->path, id, i, t->n);
        }
        const int kind = t->kind[id];
        if (kind == TOK_KIND_BYTE) {
            const char *p = t->pool + t->off[id];
            int v = t->len[id] == 6 ? hex_digit(p[3]) * 16 + hex_digit(p[4]) : -1;
            if (v >= 0) {
                if (n_bytes == sizeof bytes) {
                    rc = flush_bytes(&out, bytes, n_bytes);
                    n_bytes = 0;
                }
                bytes[n_bytes++] = (unsigned char)v;
                continue;
            }
        }
        if (n_bytes) {
            rc = flush_bytes(&out, bytes, n_bytes);
            n_bytes = 0;
        }
        if (tok_is_special(t, id)) {
            if (!(flags & TOK_SKIP_SPECIAL))
                rc = rc ? rc : tok_buf_add(&out, t->pool + t->off[id], t->len[id]);
            continue;
        }
        const char *p = t->pool + t->off[id];
        size_t len = t->len[id];
        /* As SentencePiece: drop the leading U+2581 of the first piece; when
         * extra whitespace is removed, of every piece until text came out. */
        if (out.n == 0 && !bos_ws_seen && t->dec_strip_first && starts_with(p, len, rep, rep_len)) {
            p += rep_len, len -= rep_len;
            bos_ws_seen = !t->remove_extra_ws;
        }
        if (rc == 0)
            rc = tok_buf_reserve(&out, len + 1);
        for (size_t k = 0; k < len && rc == 0;) {
            if (starts_with(p + k, len - k, rep, rep_len)) {
                out.p[out.n++] = ' ';
                k += rep_len;
            } else {
                out.p[out.n++] = p[k++];
            }
        }
    }
    if (rc == 0 && n_bytes)
        rc = flush_bytes(&out, bytes, n_bytes);
    if (rc == 0)
        rc = tok_buf_add(&out, "", 1);
    if (rc != 0) {
        free(out.p);
        return pl_err_set(e, PL_ENOMEM, "%s: out of memory decoding %d ids", t->path, n);
    }
    *text = out.p;
    return 0;
}

/* ---- lookups ---- */

int tok_size(const tok *t) { return t->n; }

const char *tok_piece(const tok *t, int id)
{
    return id >= 0 && id < t->n ? t->pool + t->off[id] : NULL;
}

float tok_score(const tok *t, int id) { return id >= 0 && id < t->n ? t->score[id] : 0.0f; }

enum tok_kind tok_kind(const tok *t, int id)
{
    return id >= 0 && id < t->n ? (enum tok_kind)t->kind[id] : (enum tok_kind)0;
}

int tok_is_special(const tok *t, int id)
{
    if (id < 0 || id >= t->n)
        return 0;
    int k = t->kind[id];
    return k == TOK_KIND_UNKNOWN || k == TOK_KIND_CONTROL || k == TOK_KIND_SENTINEL;
}

int tok_id(const tok *t, const char *piece)
{
    size_t n = strlen(piece);
    const unsigned char *p = (const unsigned char *)piece;
    /* Special and byte pieces first, as SentencePiece's PieceToId does; they
     * are few, so a scan is fine. */
    for (int k = 0; k < t->n_reserved; k++) {
        int i = t->reserved[k];
        if (t->len[i] == n && memcmp(t->pool + t->off[i], piece, n) == 0)
            return i;
    }
    int node = 0;
    for (size_t i = 0; i < n && node >= 0; i++)
        node = tok_trie_step(&t->pieces, node, p[i]);
    return node > 0 ? t->pieces.value[node] : -1;
}

int tok_sentinel_id(const tok *t, int n)
{
    char buf[32];
    if (n < 0)
        return -1;
    snprintf(buf, sizeof buf, "<extra_id_%d>", n);
    int id = tok_id(t, buf);
    return id >= 0 && t->kind[id] == TOK_KIND_SENTINEL ? id : -1;
}

int tok_eos_id(const tok *t) { return t->eos_id; }
int tok_pad_id(const tok *t) { return t->pad_id; }
int tok_unk_id(const tok *t) { return t->unk_id; }
const char *tok_path(const tok *t) { return t->path; }
