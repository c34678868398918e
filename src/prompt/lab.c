/* lab.c - a frozen model and its tokenizer, and the single recipe that
 * turns (hard prompt, soft prompt, text) into encoder input embeddings.
 *
 * The one idea: the soft prompt is just rows placed before the embedded
 * tokens (t5_embed_batch's prefix), so hard, soft and both together all run
 * through the same encode/generate/score calls. */
#include "promptlab/lab.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "promptlab/words.h"

enum { LAB_BATCH = 8 };

struct lab {
    t5_model *model;
    tok *tok;
    bool owns; /* model and tokenizer belong to this lab (not a fork) */
    char dir[4096];
    t5_state *st;
    int st_batch, st_src, st_tgt, st_beams;
    struct soft_vocab vocab;
    bool *ordinary;
    struct words *words; /* words.tsv of the model, or NULL; owned when `owns` */
};

int lab_open(const char *dir, struct lab **out, struct pl_err *e)
{
    *out = NULL;
    struct lab *L = calloc(1, sizeof *L);
    if (!L)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    snprintf(L->dir, sizeof L->dir, "%s", dir);
    L->owns = true;
    int rc = t5_open(dir, &L->model, e);
    if (rc == 0)
        rc = tok_load_dir(dir, &L->tok, e);
    if (rc == 0) {
        const struct t5_config *c = t5_model_config(L->model);
        if (tok_size(L->tok) > c->vocab_size)
            rc = pl_err_set(e, PL_EFORMAT,
                            "%s: tokenizer has %d ids but config.json says vocab_size %d "
                            "(the embedding table must have a row for every id)",
                            tok_path(L->tok), tok_size(L->tok), c->vocab_size);
    }
    char wpath[4200];
    if (rc == 0 && pl_path_join(wpath, sizeof wpath, dir, "words.tsv") == 0 && access(wpath, F_OK) == 0)
        rc = words_load(wpath, &L->words, e);
    if (rc) {
        lab_close(L);
        return rc;
    }
    *out = L;
    return 0;
}

int lab_fork(const struct lab *parent, struct lab **out, struct pl_err *e)
{
    *out = NULL;
    struct lab *L = calloc(1, sizeof *L);
    if (!L)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    L->model = parent->model;
    L->tok = parent->tok;
    L->words = parent->words;
    memcpy(L->dir, parent->dir, sizeof L->dir);
    *out = L;
    return 0;
}

int lab_make(t5_model *m, tok *t, const char *dir, bool owns, struct lab **out, struct pl_err *e)
{
    *out = NULL;
    struct lab *L = calloc(1, sizeof *L);
    if (!L) {
        if (owns) {
            t5_free(m);
            tok_free(t);
        }
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    }
    L->model = m;
    L->tok = t;
    L->owns = owns;
    snprintf(L->dir, sizeof L->dir, "%s", dir);
    *out = L;
    return 0;
}

void lab_close(struct lab *L)
{
    if (!L)
        return;
    t5_state_free(L->st);
    free(L->ordinary);
    if (L->owns) {
        words_free(L->words);
        tok_free(L->tok);
        t5_free(L->model);
    }
    free(L);
}

const t5_model *lab_model(const struct lab *L) { return L->model; }
const tok *lab_tok(const struct lab *L) { return L->tok; }
const struct words *lab_words(const struct lab *L) { return L->words; }

void lab_gen_params_default(struct t5_gen_params *gp)
{
    t5_gen_params_default(gp);
    gp->no_repeat_ngram = LAB_NO_REPEAT_NGRAM;
}

bool lab_word_unseen(const struct lab *L, const char *word, size_t n)
{
    bool letters = false;
    for (size_t i = 0; i < n && !letters; i++)
        letters = (unsigned char)word[i] >= 0x80 || ((word[i] | 32) >= 'a' && (word[i] | 32) <= 'z');
    if (!letters)
        return false; /* numbers are read digit by digit: never "unseen" */
    if (L->words)
        return words_count(L->words, word, n) == 0;
    /* No list: guess from the tokenizer. A word it cannot cover, or one it
     * cuts into three or more single characters, is one it has no pieces
     * for, so the model cannot have learnt it. */
    int *ids = NULL, n_ids = 0, unk = tok_unk_id(L->tok), singles = 0, counted = 0;
    bool unseen = false;
    if (tok_encode(L->tok, word, n, TOK_NO_SPECIAL, &ids, &n_ids, NULL) != 0)
        return true;
    for (int i = 0; i < n_ids && !unseen; i++) {
        if (ids[i] == unk) {
            unseen = true;
            break;
        }
        const char *pc = tok_piece(L->tok, ids[i]);
        if (!pc)
            continue;
        if (strncmp(pc, "\xe2\x96\x81", 3) == 0) /* U+2581, the word-start mark */
            pc += 3;
        if (!*pc)
            continue;
        counted++;
        /* one character: one ASCII letter, or one multi-byte sequence */
        size_t len = strlen(pc);
        unsigned c0 = (unsigned char)pc[0];
        size_t clen = c0 < 0x80 ? 1 : (c0 >> 5) == 6 ? 2 : (c0 >> 4) == 14 ? 3 : 4;
        if (len == clen && (c0 >= 0x80 || ((c0 | 32) >= 'a' && (c0 | 32) <= 'z')))
            singles++;
    }
    free(ids);
    return unseen || (counted >= 3 && singles == counted);
}
const char *lab_dir(const struct lab *L) { return L->dir; }

char *lab_fill(const char *hard, const char *text)
{
    static const char key[] = "{source}";
    const size_t klen = sizeof key - 1;
    if (!hard || !*hard)
        return strdup(text);
    size_t n_keys = 0, hl = strlen(hard), tl = strlen(text);
    for (const char *p = strstr(hard, key); p; p = strstr(p + klen, key))
        n_keys++;
    if (n_keys == 0) {
        char *s = malloc(hl + tl + 2);
        if (s) {
            memcpy(s, hard, hl);
            s[hl] = ' ';
            memcpy(s + hl + 1, text, tl + 1);
        }
        return s;
    }
    char *s = malloc(hl + n_keys * tl + 1), *w = s;
    if (!s)
        return NULL;
    for (const char *p = hard;;) {
        const char *k = strstr(p, key);
        if (!k) {
            strcpy(w, p);
            break;
        }
        memcpy(w, p, (size_t)(k - p));
        w += k - p;
        memcpy(w, text, tl);
        w += tl;
        p = k + klen;
    }
    return s;
}

int lab_source_ids(const struct lab *L, const char *hard, int n_soft, const char *text,
                   int **ids, int *n_ids, bool *truncated, struct pl_err *e)
{
    bool cut_dummy;
    if (!truncated)
        truncated = &cut_dummy;
    *ids = NULL;
    *n_ids = 0;
    *truncated = false;
    if (!pl_utf8_valid(text, strlen(text)))
        return pl_err_set(e, PL_EINVAL, "input text is not valid UTF-8");
    if (hard && !pl_utf8_valid(hard, strlen(hard)))
        return pl_err_set(e, PL_EINVAL, "hard prompt is not valid UTF-8");
    if (n_soft >= LAB_MAX_SOURCE)
        return pl_err_set(e, PL_ERANGE, "soft prompt of %d rows leaves no room for input (limit %d)",
                          n_soft, LAB_MAX_SOURCE);
    char *filled = lab_fill(hard, text);
    if (!filled)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    int rc = tok_encode(L->tok, filled, strlen(filled), TOK_ADD_EOS, ids, n_ids, e);
    free(filled);
    if (rc)
        return rc;
    int room = LAB_MAX_SOURCE - n_soft;
    if (*n_ids > room) {
        (*ids)[room - 1] = (*ids)[*n_ids - 1]; /* keep the final </s> */
        *n_ids = room;
        *truncated = true;
    }
    return 0;
}

/* Make sure the inference state can hold this much; grows, never shrinks. */
static int ensure_state(struct lab *L, int batch, int src, int tgt, int beams, struct pl_err *e)
{
    if (L->st && batch <= L->st_batch && src <= L->st_src && tgt <= L->st_tgt &&
        beams <= L->st_beams)
        return 0;
    t5_state_free(L->st);
    L->st = NULL;
#define GROW(f, v) L->f = L->f > (v) ? L->f : (v)
    GROW(st_batch, batch);
    GROW(st_src, src);
    GROW(st_tgt, tgt);
    GROW(st_beams, beams);
#undef GROW
    return t5_state_init(L->model, L->st_batch, L->st_src, L->st_tgt, L->st_beams, &L->st, e);
}

/* Embeddings [B, T, d] for B already-tokenised sources with the soft prefix;
 * lens_out[b] = n_soft + n_ids[b]. Caller frees the result. */
static int build_inputs(struct lab *L, const struct soft_prompt *soft, int *const *ids,
                        const int *n_ids, int B, float **emb, int *lens_out, int *T_out,
                        struct pl_err *e)
{
    const struct t5_config *c = t5_model_config(L->model);
    int n_soft = soft ? soft->n_tokens : 0, T_ids = 1;
    if (B <= 0 || n_soft < 0)
        return pl_err_set(e, PL_EINVAL, "a batch of %d inputs with %d prompt rows", B, n_soft);
    for (int b = 0; b < B; b++)
        if (n_ids[b] > T_ids)
            T_ids = n_ids[b];
    int *flat = calloc((size_t)B * (size_t)T_ids, sizeof *flat);
    *emb = malloc((size_t)B * (size_t)(n_soft + T_ids) * (size_t)c->d_model * sizeof **emb);
    if (!flat || !*emb) {
        free(flat);
        free(*emb);
        *emb = NULL;
        return pl_err_set(e, PL_ENOMEM, "out of memory building a batch of %d inputs", B);
    }
    for (int b = 0; b < B; b++) {
        memcpy(flat + (size_t)b * (size_t)T_ids, ids[b], (size_t)n_ids[b] * sizeof *flat);
        lens_out[b] = n_soft + n_ids[b];
    }
    int rc = t5_embed_batch(L->model, soft ? soft->w : NULL, n_soft, flat, n_ids, B, T_ids, *emb, e);
    free(flat);
    if (rc) {
        free(*emb);
        *emb = NULL;
        return rc;
    }
    *T_out = n_soft + T_ids;
    return 0;
}

static int check_soft(const struct lab *L, const struct soft_prompt *soft, struct pl_err *e)
{
    int d = t5_model_config(L->model)->d_model;
    if (soft && soft->d != d)
        return pl_err_set(e, PL_EINVAL, "soft prompt has width %d but the model has d_model %d",
                          soft->d, d);
    return 0;
}

/* Caps from gp->max_len_ratio: each output at most ceil(ratio * tokens of
 * its own text) + max_len_extra tokens (at least 1). */
static int ratio_caps(struct lab *L, const struct t5_gen_params *gp, const char *const *texts,
                      int B, int *caps, struct pl_err *e)
{
    for (int b = 0; b < B; b++) {
        int *ids = NULL, n = 0;
        int rc = tok_encode(L->tok, texts[b], strlen(texts[b]), 0, &ids, &n, e);
        free(ids);
        if (rc)
            return rc;
        double cap = ceil((double)gp->max_len_ratio * n) + gp->max_len_extra;
        caps[b] = cap < 1 ? 1 : cap > gp->max_new_tokens ? gp->max_new_tokens : (int)cap;
    }
    return 0;
}

/* lab_translate and lab_translate_tokens: text always, tokens when tokens
 * is not NULL. */
static int translate(struct lab *L, const char *hard, const struct soft_prompt *soft,
                     const char *const *texts, int n, const struct t5_gen_params *gp, char **out,
                     struct lab_output *tokens, int *n_truncated, struct pl_err *e)
{
    int rc = check_soft(L, soft, e);
    if (rc)
        return rc;
    int n_soft = soft ? soft->n_tokens : 0, cut = 0;
    int max_new = gp->max_new_tokens, beams = gp->n_beams > 0 ? gp->n_beams : 1;
    for (int i = 0; i < n; i++) {
        out[i] = NULL;
        if (tokens)
            tokens[i] = (struct lab_output){0};
    }
    int *gen = malloc((size_t)LAB_BATCH * (size_t)max_new * sizeof *gen);
    float *glp = malloc((size_t)LAB_BATCH * (size_t)max_new * sizeof *glp);
    if (!gen || !glp) {
        free(gen), free(glp);
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    }
    for (int start = 0; start < n && rc == 0; start += LAB_BATCH) {
        int B = n - start < LAB_BATCH ? n - start : LAB_BATCH;
        int *ids[LAB_BATCH] = {0}, n_ids[LAB_BATCH], lens[LAB_BATCH], n_gen[LAB_BATCH], T = 0;
        int caps[LAB_BATCH];
        float *emb = NULL;
        for (int b = 0; b < B && rc == 0; b++) {
            bool tr;
            rc = lab_source_ids(L, hard, n_soft, texts[start + b], &ids[b], &n_ids[b], &tr, e);
            if (rc)
                pl_err_wrap(e, rc, "input %d", start + b + 1);
            cut += tr;
        }
        struct t5_gen_params p = *gp;
        p.max_new_each = NULL; /* batches of LAB_BATCH: a caller's array would not line up */
        if (rc == 0 && gp->max_len_ratio > 0) {
            rc = ratio_caps(L, gp, texts + start, B, caps, e);
            p.max_new_each = caps;
        }
        if (rc == 0)
            rc = build_inputs(L, soft, ids, n_ids, B, &emb, lens, &T, e);
        if (rc == 0)
            rc = ensure_state(L, B, T, max_new + 1, beams, e);
        if (rc == 0)
            rc = t5_generate(L->st, emb, lens, B, T, &p, gen, n_gen, NULL, tokens ? glp : NULL, e);
        for (int b = 0; b < B && rc == 0; b++) {
            int *g = gen + (size_t)b * (size_t)max_new, k = 0;
            if (tokens) {
                struct lab_output *o = &tokens[start + b];
                o->ids = malloc(sizeof *o->ids * (size_t)(n_gen[b] + 1));
                o->logp = malloc(sizeof *o->logp * (size_t)(n_gen[b] + 1));
                if (!o->ids || !o->logp) {
                    rc = pl_err_set(e, PL_ENOMEM, "out of memory");
                    break;
                }
                o->n = n_gen[b];
                memcpy(o->ids, g, sizeof *g * (size_t)n_gen[b]);
                memcpy(o->logp, glp + (size_t)b * (size_t)max_new, sizeof *o->logp * (size_t)n_gen[b]);
            }
            /* The embedding table may have rows past the tokenizer (T5: 32,128
             * rows, 32,100 ids); an untrained model can pick them. They
             * are no text: leave them out. */
            for (int i = 0; i < n_gen[b]; i++)
                if (g[i] < tok_size(L->tok))
                    g[k++] = g[i];
            rc = tok_decode(L->tok, g, k, TOK_SKIP_SPECIAL, &out[start + b], e);
            if (rc == 0 && tokens)
                tokens[start + b].text = out[start + b];
        }
        for (int b = 0; b < B; b++)
            free(ids[b]);
        free(emb);
    }
    free(gen), free(glp);
    if (rc)
        for (int i = 0; i < n; i++) {
            free(out[i]);
            out[i] = NULL;
            if (tokens) {
                tokens[i].text = NULL;
                lab_output_free(&tokens[i]);
            }
        }
    if (n_truncated)
        *n_truncated = cut;
    return rc;
}

int lab_translate(struct lab *L, const char *hard, const struct soft_prompt *soft,
                  const char *const *texts, int n, const struct t5_gen_params *gp, char **out,
                  int *n_truncated, struct pl_err *e)
{
    return translate(L, hard, soft, texts, n, gp, out, NULL, n_truncated, e);
}

int lab_translate_tokens(struct lab *L, const char *hard, const struct soft_prompt *soft,
                         const char *const *texts, int n, const struct t5_gen_params *gp,
                         struct lab_output *out, int *n_truncated, struct pl_err *e)
{
    char **text = calloc((size_t)n + 1, sizeof *text);
    if (!text)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    int rc = translate(L, hard, soft, texts, n, gp, text, out, n_truncated, e);
    free(text); /* the strings now belong to out[i].text */
    return rc;
}

void lab_output_free(struct lab_output *o)
{
    if (!o)
        return;
    free(o->text);
    free(o->ids);
    free(o->logp);
    *o = (struct lab_output){0};
}

float lab_output_confidence(const struct lab_output *o)
{
    if (!o || o->n <= 0 || !o->logp)
        return NAN;
    double sum = 0;
    for (int i = 0; i < o->n; i++)
        sum += o->logp[i];
    return (float)exp(sum / o->n);
}

int lab_output_word_probs(const struct lab *L, const struct lab_output *o, float *prob, int cap)
{
    if (!o || !o->text || (o->n > 0 && (!o->ids || !o->logp)))
        return -1;
    /* the words of the text */
    int n_words = 0;
    for (const char *p = o->text; *p;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        n_words++;
        while (*p && *p != ' ')
            p++;
    }
    /* the tokens, a word starting at each piece that opens with U+2581 (or
     * at the first token); pieces of only U+2581 join the next word */
    static const char sp[] = "\xe2\x96\x81";
    int w = -1;
    bool open_word = false;
    for (int i = 0; i < o->n; i++) {
        const char *pc = o->ids[i] >= 0 && o->ids[i] < tok_size(L->tok) ? tok_piece(L->tok, o->ids[i])
                                                                       : NULL;
        if (!pc)
            return -1;
        bool starts = strncmp(pc, sp, 3) == 0;
        const char *rest = starts ? pc + 3 : pc;
        if (starts || w < 0)
            open_word = true;
        if (!*rest)
            continue; /* a lone space piece */
        if (open_word) {
            w++;
            if (w >= cap || w >= n_words)
                return -1;
            prob[w] = 1.0f;
            open_word = false;
        }
        float pr = expf(o->logp[i]);
        if (pr < prob[w])
            prob[w] = pr;
    }
    return w + 1 == n_words ? n_words : -1;
}

int lab_score(struct lab *L, const char *hard, const struct soft_prompt *soft, const char *source,
              const char *target, int **tgt_ids, float **logp, int *n, struct pl_err *e)
{
    *tgt_ids = NULL;
    *logp = NULL;
    *n = 0;
    int rc = check_soft(L, soft, e);
    if (rc)
        return rc;
    if (!pl_utf8_valid(target, strlen(target)))
        return pl_err_set(e, PL_EINVAL, "target text is not valid UTF-8");
    int *src = NULL, n_src = 0, len, T, U;
    bool tr;
    float *emb = NULL;
    rc = lab_source_ids(L, hard, soft ? soft->n_tokens : 0, source, &src, &n_src, &tr, e);
    if (rc == 0)
        rc = tok_encode(L->tok, target, strlen(target), TOK_ADD_EOS, tgt_ids, &U, e);
    if (rc == 0 && U > LAB_MAX_SOURCE)
        rc = pl_err_set(e, PL_ERANGE, "target has %d tokens; the limit is %d", U, LAB_MAX_SOURCE);
    if (rc == 0)
        rc = build_inputs(L, soft, &src, &n_src, 1, &emb, &len, &T, e);
    if (rc == 0)
        rc = ensure_state(L, 1, T, U, 1, e);
    if (rc == 0 && !(*logp = malloc((size_t)U * sizeof **logp)))
        rc = pl_err_set(e, PL_ENOMEM, "out of memory");
    if (rc == 0)
        rc = t5_score(L->st, emb, &len, 1, T, *tgt_ids, &U, U, *logp, e);
    free(src);
    free(emb);
    if (rc) {
        free(*tgt_ids);
        free(*logp);
        *tgt_ids = NULL;
        *logp = NULL;
        return rc;
    }
    *n = U;
    return 0;
}

const struct soft_vocab *lab_vocab(struct lab *L)
{
    const struct t5_config *c = t5_model_config(L->model);
    if (!L->ordinary) {
        bool *ord = malloc((size_t)c->vocab_size * sizeof *ord);
        if (!ord)
            return NULL;
        int n_tok = tok_size(L->tok);
        for (int i = 0; i < c->vocab_size; i++)
            ord[i] = i < n_tok && tok_kind(L->tok, i) == TOK_KIND_NORMAL;
        L->ordinary = ord;
        L->vocab.emb = t5_model_weights(L->model)->shared;
        L->vocab.n_rows = c->vocab_size;
        L->vocab.d = c->d_model;
        L->vocab.ordinary = ord;
    }
    return &L->vocab;
}
