/* t5_decode.c - inference: the encoder over a packed batch, the decoder one
 * token at a time with a self-attention KV cache, greedy and beam decoding,
 * and teacher-forced scoring.
 *
 * The one idea: everything a run needs is laid out once in t5_state_init
 * (one allocation, planned in two passes), so a decoding step only reads
 * weights and writes into buffers that already exist. The decoder's
 * position bias for a step is a slice of a precomputed table indexed by
 * distance, stored reversed so that key j of step t reads entry t - j
 * without any per-step work.
 *
 * Rows of a decoding batch are decoupled from where their KV cache lives:
 * row r reads input row_in[r] and cache slot slot[r], so a finished row
 * drops out of the batch by renumbering (t5_decode_keep), without copying
 * any cache. Every per-step product runs for all rows at once. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "promptlab/blas.h"
#include "t5_impl.h"

#define LOGIT_CHUNK 64 /* rows of vocabulary logits computed at once when scoring */
#define PART_ROWS 4    /* rows of a decoding batch per parallel part, at least */

/* Parts a decoding step of R rows may be cut into. Each part reads every
 * weight once, which is free only while the weights sit in cache, so the
 * step cuts by rows only when they fit in half of it, and never into more
 * parts than there are threads free to take them: alone (another program
 * holds the other core) one part of all rows keeps the 3-row kernel busy.
 * A row's bits do not depend on its group, so the cut may depend on the
 * threads and the cache. */
static int row_parts(int R) { return R <= PART_ROWS ? 1 : (R + PART_ROWS - 1) / PART_ROWS; }

struct t5_hyp {
    double score;
    int len;
    int *tok;  /* [max_tgt] */
    float *lp; /* [max_tgt] each token's log-probability */
};

struct t5_state {
    const struct t5_model *m;
    int max_batch, max_src, max_tgt, max_beams;
    unsigned char *mem;

    /* encoder and teacher-forced decoder (shared, in-place buffers) */
    struct t5_pack src, tgt;
    bool encoded;
    struct t5_acts acts;
    struct t5_acts *layer_acts; /* every entry equals acts */
    float *bias;                /* [H, T, T] for the stack being run */
    float *enc_out;             /* [max_batch * max_src, d] */
    float **ck, **cv;           /* [n_dec] -> [max_batch * max_src, I] */
    int *dec_ids, *labels;      /* [max_batch * max_tgt] */
    float *logits;              /* [logit_rows, V] */
    int logit_rows;

    /* step decoding */
    int rows, n_beams, t;
    int *slot, *row_in;         /* [max_rows]: cache slot and input of each row */
    int *row_tmp;               /* [max_rows] */
    float *kc, *vc;             /* [n_dec][max_rows (slots)][max_tgt][I] */
    float *sk, *sv;             /* [max_rows, I] this step's keys and values */
    float *sx, *sh, *sq, *sctx; /* [max_rows, d] / [max_rows, I] */
    float *sa0, *sa1;           /* [max_rows, F] */
    float *sp;                  /* [row parts][H * max(max_tgt, max_src)] attention probabilities */
    float *rev_bias;            /* [H][max_tgt]: entry max_tgt-1-n = bias at distance n */
    float *tmp;                 /* [max_rows * max_tgt * I] for reordering */

    /* generation bookkeeping */
    float *lsm;                 /* [max_rows, V] each row's log-softmax, when step_logp */
    bool step_logp;             /* decoding steps also fill lsm (greedy with scores, beams) */
    int *tok, *ntok, *nsrc;     /* [max_rows] */
    float *bscore, *nscore;     /* [max_rows] */
    float *nlp;                 /* [max_rows] log-probability of each row's next token */
    int *seq, *seq_tmp;         /* [max_rows * max_tgt] */
    float *seq_lp, *seq_lp_tmp; /* [max_rows * max_tgt] */
    float *cand_score, *cand_lp; /* [2 * max_beams] */
    int *cand_idx;              /* [2 * max_beams] flat j*V + v */
    struct t5_hyp *hyps;        /* [max_batch * max_beams] */
    int *hyp_tok;               /* [max_batch * max_beams * max_tgt] */
    float *hyp_lp;              /* [max_batch * max_beams * max_tgt] */
    int *n_hyp;                 /* [max_batch] */
    double *worst;              /* [max_batch] */
    bool *done;                 /* [max_batch] */
};

static void state_layout(struct t5_state *s, struct t5_plan *p)
{
    const struct t5_config *c = &s->m->cfg;
    size_t d = (size_t)c->d_model, I = (size_t)t5_inner(c), F = (size_t)c->d_ff, H = (size_t)c->n_heads;
    size_t V = (size_t)c->vocab_size, Ld = (size_t)c->n_dec_layers;
    size_t B = (size_t)s->max_batch, S = (size_t)s->max_src, M = (size_t)s->max_tgt;
    size_t rows_e = B * S, rows_d = B * M, rows = rows_e > rows_d ? rows_e : rows_d;
    size_t R = B * (size_t)s->max_beams, SM = S > M ? S : M;

    s->src.len = t5_plan_take(p, B * sizeof(int));
    s->src.off = t5_plan_take(p, B * sizeof(int));
    s->src.poff = t5_plan_take(p, B * sizeof(size_t));
    s->src.cpoff = t5_plan_take(p, B * sizeof(size_t));
    s->tgt.len = t5_plan_take(p, B * sizeof(int));
    s->tgt.off = t5_plan_take(p, B * sizeof(int));
    s->tgt.poff = t5_plan_take(p, B * sizeof(size_t));
    s->tgt.cpoff = t5_plan_take(p, B * sizeof(size_t));

    struct t5_acts *a = &s->acts;
    a->x = a->x2 = a->x3 = t5_plan_f(p, rows * d);
    a->h1 = a->hc = a->h2 = t5_plan_f(p, rows * d);
    a->inv1 = a->invc = a->inv2 = t5_plan_f(p, rows);
    a->q = a->cq = t5_plan_f(p, rows * I);
    a->k = t5_plan_f(p, rows * I);
    a->v = t5_plan_f(p, rows * I);
    a->ctx = a->cctx = t5_plan_f(p, rows * I);
    a->a0 = a->g = t5_plan_f(p, rows * F);
    a->a1 = c->gated ? t5_plan_f(p, rows * F) : NULL;
    a->p = a->cp = t5_plan_f(p, H * SM * SM);
    size_t L = (size_t)(c->n_layers > c->n_dec_layers ? c->n_layers : c->n_dec_layers);
    s->layer_acts = t5_plan_take(p, L * sizeof(struct t5_acts));
    s->bias = t5_plan_f(p, H * SM * SM);
    s->enc_out = t5_plan_f(p, rows_e * d);
    s->ck = t5_plan_take(p, Ld * sizeof(float *));
    s->cv = t5_plan_take(p, Ld * sizeof(float *));
    for (size_t l = 0; l < Ld; l++) {
        float *k = t5_plan_f(p, rows_e * I), *v = t5_plan_f(p, rows_e * I);
        if (p->base) {
            s->ck[l] = k;
            s->cv[l] = v;
        }
    }
    s->dec_ids = t5_plan_take(p, rows_d * sizeof(int));
    s->labels = t5_plan_take(p, rows_d * sizeof(int));
    s->logit_rows = (int)(rows_d < LOGIT_CHUNK ? rows_d : LOGIT_CHUNK);
    if ((size_t)s->logit_rows < R)
        s->logit_rows = (int)R;
    s->logits = t5_plan_f(p, (size_t)s->logit_rows * V);

    s->slot = t5_plan_take(p, R * sizeof(int));
    s->row_in = t5_plan_take(p, R * sizeof(int));
    s->row_tmp = t5_plan_take(p, R * sizeof(int));
    s->kc = t5_plan_f(p, Ld * R * M * I);
    s->vc = t5_plan_f(p, Ld * R * M * I);
    s->sk = t5_plan_f(p, R * I);
    s->sv = t5_plan_f(p, R * I);
    s->sx = t5_plan_f(p, R * d);
    s->sh = t5_plan_f(p, R * d);
    s->sq = t5_plan_f(p, R * I);
    s->sctx = t5_plan_f(p, R * I);
    s->sa0 = t5_plan_f(p, R * F);
    s->sa1 = c->gated ? t5_plan_f(p, R * F) : NULL;
    s->sp = t5_plan_f(p, (size_t)row_parts((int)R) * H * SM);
    s->rev_bias = t5_plan_f(p, H * M);
    s->tmp = t5_plan_f(p, R * M * I);

    s->lsm = t5_plan_f(p, R * V);
    s->tok = t5_plan_take(p, R * sizeof(int));
    s->ntok = t5_plan_take(p, R * sizeof(int));
    s->nsrc = t5_plan_take(p, R * sizeof(int));
    s->bscore = t5_plan_f(p, R);
    s->nscore = t5_plan_f(p, R);
    s->nlp = t5_plan_f(p, R);
    s->seq_lp = t5_plan_f(p, R * M);
    s->seq_lp_tmp = t5_plan_f(p, R * M);
    s->cand_lp = t5_plan_f(p, 2 * (size_t)s->max_beams);
    s->hyp_lp = t5_plan_f(p, B * (size_t)s->max_beams * M);
    s->seq = t5_plan_take(p, R * M * sizeof(int));
    s->seq_tmp = t5_plan_take(p, R * M * sizeof(int));
    s->cand_score = t5_plan_f(p, 2 * (size_t)s->max_beams);
    s->cand_idx = t5_plan_take(p, 2 * (size_t)s->max_beams * sizeof(int));
    s->hyps = t5_plan_take(p, B * (size_t)s->max_beams * sizeof(struct t5_hyp));
    s->hyp_tok = t5_plan_take(p, B * (size_t)s->max_beams * M * sizeof(int));
    s->n_hyp = t5_plan_take(p, B * sizeof(int));
    s->worst = t5_plan_take(p, B * sizeof(double));
    s->done = t5_plan_take(p, B * sizeof(bool));
}

int t5_state_init(const t5_model *m, int max_batch, int max_src, int max_tgt, int max_beams,
                  t5_state **out, struct pl_err *e)
{
    *out = NULL;
    if (max_batch < 1 || max_src < 1 || max_tgt < 1 || max_beams < 1)
        return pl_err_set(e, PL_EINVAL, "t5_state_init: sizes must be positive (batch %d, "
                          "source %d, target %d, beams %d)", max_batch, max_src, max_tgt, max_beams);
    if ((double)max_batch * max_beams * max_tgt * (max_src > max_tgt ? max_src : max_tgt) > 1e10)
        return pl_err_set(e, PL_ERANGE, "t5_state_init: sizes too large");
    struct t5_state *s = calloc(1, sizeof *s);
    if (!s)
        return pl_err_set(e, PL_ENOMEM, "out of memory for the inference state");
    s->m = m;
    s->max_batch = max_batch;
    s->max_src = max_src;
    s->max_tgt = max_tgt;
    s->max_beams = max_beams;
    struct t5_plan plan = {NULL, 0};
    state_layout(s, &plan);
    if (posix_memalign((void **)&s->mem, 64, plan.off) != 0) {
        free(s);
        return pl_err_set(e, PL_ENOMEM, "out of memory for the inference state (%zu MB)",
                          plan.off >> 20);
    }
    plan.base = s->mem;
    plan.off = 0;
    state_layout(s, &plan);
    const struct t5_config *c = &m->cfg;
    int L = c->n_layers > c->n_dec_layers ? c->n_layers : c->n_dec_layers;
    for (int l = 0; l < L; l++)
        s->layer_acts[l] = s->acts;
    int H = c->n_heads, M = max_tgt;
    for (int n = 0; n < M; n++) {
        int b = t5_relative_bucket(-n, false, c->n_buckets, c->max_distance);
        for (int h = 0; h < H; h++)
            s->rev_bias[(size_t)h * M + (M - 1 - n)] = m->w.dec_rel_bias[(size_t)b * H + h];
    }
    *out = s;
    return 0;
}

void t5_state_free(t5_state *s)
{
    if (!s)
        return;
    free(s->mem);
    free(s);
}

/* ---- encoder ------------------------------------------------------------------------ */

static int check_batch(const t5_state *s, const int *lens, int B, int T, struct pl_err *e)
{
    if (B < 1 || B > s->max_batch)
        return pl_err_set(e, PL_ERANGE, "batch of %d inputs; this state holds 1..%d", B,
                          s->max_batch);
    if (T < 1 || T > s->max_src)
        return pl_err_set(e, PL_ERANGE, "input width %d; this state holds 1..%d positions", T,
                          s->max_src);
    for (int b = 0; b < B; b++)
        if (lens[b] < 1 || lens[b] > T)
            return pl_err_set(e, PL_EINVAL, "input %d has length %d (must be 1..%d)", b, lens[b], T);
    return 0;
}

int t5_encode(t5_state *s, const float *emb, const int *lens, int B, int T, struct pl_err *e)
{
    int rc = check_batch(s, lens, B, T, e);
    if (rc)
        return rc;
    const struct t5_model *m = s->m;
    const struct t5_config *c = &m->cfg;
    int d = c->d_model;
    t5_pack_set(&s->src, B, lens, NULL, c->n_heads);
    t5_pack_rows(emb, B, T, d, &s->src, s->acts.x);
    int Tm = s->src.max_len;
    t5_build_bias(m, false, Tm, s->bias);
    t5_stack_forward(m, false, &s->src, NULL, s->bias, Tm, NULL, NULL, s->layer_acts, false,
                     s->acts.x);
    kern_rmsnorm(s->src.total, d, s->acts.x, m->w.enc_final_ln, c->eps, s->enc_out, NULL);
    t5_cross_kv(m, s->src.total, s->enc_out, s->ck, s->cv);
    s->encoded = true;
    s->rows = 0;
    return 0;
}

const float *t5_encoder_output(const t5_state *s, int b, int *len)
{
    if (!s->encoded || b < 0 || b >= s->src.n) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = s->src.len[b];
    return s->enc_out + (size_t)s->src.off[b] * s->m->cfg.d_model;
}

/* ---- step decoding ----------------------------------------------------------------- */

int t5_decode_begin(t5_state *s, int n_beams, struct pl_err *e)
{
    if (!s->encoded)
        return pl_err_set(e, PL_EINVAL, "t5_decode_begin: nothing encoded");
    if (n_beams < 1 || n_beams > s->max_beams)
        return pl_err_set(e, PL_ERANGE, "%d beams; this state holds 1..%d", n_beams, s->max_beams);
    s->n_beams = n_beams;
    s->rows = s->src.n * n_beams;
    s->t = 0;
    s->step_logp = false;
    for (int r = 0; r < s->rows; r++) {
        s->slot[r] = r;
        s->row_in[r] = r / n_beams;
    }
    return 0;
}

int t5_decode_keep(t5_state *s, const int *keep, int n, struct pl_err *e)
{
    if (s->rows == 0)
        return pl_err_set(e, PL_EINVAL, "t5_decode_keep: call t5_decode_begin first");
    if (n < 1 || n > s->rows)
        return pl_err_set(e, PL_EINVAL, "t5_decode_keep: %d rows of %d", n, s->rows);
    int *seen = s->row_tmp;
    memset(seen, 0, sizeof(int) * (size_t)s->rows);
    for (int i = 0; i < n; i++) {
        if (keep[i] < 0 || keep[i] >= s->rows || seen[keep[i]])
            return pl_err_set(e, PL_EINVAL, "t5_decode_keep: row %d is %s", keep[i],
                              keep[i] < 0 || keep[i] >= s->rows ? "out of range" : "repeated");
        seen[keep[i]] = 1;
    }
    /* keep[] need not be increasing: gather through the scratch */
    for (int i = 0; i < n; i++)
        s->row_tmp[i] = s->slot[keep[i]];
    memcpy(s->slot, s->row_tmp, sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++)
        s->row_tmp[i] = s->row_in[keep[i]];
    memcpy(s->row_in, s->row_tmp, sizeof(int) * (size_t)n);
    s->rows = n;
    return 0;
}

int t5_decode_rows(const t5_state *s) { return s->rows; }

/* One decoding step for rows [r0, r1) of the batch, every layer and the
 * logits: nothing here reads another row, and the few-rows product gives a
 * row the same bits in any group, so the rows can be cut into groups that
 * run in parallel. sp is the group's own attention scratch. */
static void step_rows(struct t5_state *s, int r0, int r1, float *sp)
{
    const struct t5_model *m = s->m;
    const struct t5_config *c = &m->cfg;
    int d = c->d_model, I = t5_inner(c), F = c->d_ff, H = c->n_heads, dk = c->d_kv;
    int R = r1 - r0, t = s->t, M = s->max_tgt, Rmax = s->max_batch * s->max_beams;
    enum kern_act act = t5_kern_act(c->act);
    float *sx = s->sx + (size_t)r0 * d, *sh = s->sh + (size_t)r0 * d;
    float *sq = s->sq + (size_t)r0 * I, *sk = s->sk + (size_t)r0 * I;
    float *sv = s->sv + (size_t)r0 * I, *sctx = s->sctx + (size_t)r0 * I;
    float *sa0 = s->sa0 + (size_t)r0 * F, *sa1 = c->gated ? s->sa1 + (size_t)r0 * F : NULL;
    const float *bias_t = s->rev_bias + (M - 1 - t);
    for (int l = 0; l < c->n_dec_layers; l++) {
        const struct t5_block *b = &m->w.dec[l];
        float *kc = s->kc + (size_t)l * Rmax * M * I, *vc = s->vc + (size_t)l * Rmax * M * I;

        kern_rmsnorm(R, d, sx, b->ln_attn, c->eps, sh, NULL);
        kern_linear(R, d, I, sh, b->q, 0.0f, sq);
        kern_linear(R, d, I, sh, b->k, 0.0f, sk);
        kern_linear(R, d, I, sh, b->v, 0.0f, sv);
        for (int r = 0; r < R; r++) {
            size_t at = (size_t)s->slot[r0 + r] * M * I;
            memcpy(kc + at + (size_t)t * I, sk + (size_t)r * I, sizeof(float) * I);
            memcpy(vc + at + (size_t)t * I, sv + (size_t)r * I, sizeof(float) * I);
            kern_attention(H, dk, 1, t + 1, sq + (size_t)r * I, I, kc + at, I, vc + at, I,
                           bias_t, 0, (size_t)M, false, sp, sctx + (size_t)r * I, I);
        }
        kern_linear(R, I, d, sctx, b->o, 1.0f, sx);

        kern_rmsnorm(R, d, sx, b->ln_cross, c->eps, sh, NULL);
        kern_linear(R, d, I, sh, b->cq, 0.0f, sq);
        for (int r = 0; r < R; r++) {
            int in = s->row_in[r0 + r];
            size_t off = (size_t)s->src.off[in] * I;
            kern_attention(H, dk, 1, s->src.len[in], sq + (size_t)r * I, I, s->ck[l] + off, I,
                           s->cv[l] + off, I, NULL, 0, 0, false, sp, sctx + (size_t)r * I, I);
        }
        kern_linear(R, I, d, sctx, b->co, 1.0f, sx);

        kern_rmsnorm(R, d, sx, b->ln_ff, c->eps, sh, NULL);
        kern_linear(R, d, F, sh, b->wi, 0.0f, sa0);
        if (c->gated) {
            kern_linear(R, d, F, sh, b->wi1, 0.0f, sa1);
            kern_gated(act, (size_t)R * F, sa0, sa1, sa0);
        } else {
            kern_act(act, (size_t)R * F, sa0, sa0);
        }
        kern_linear(R, F, d, sa0, b->wo, 1.0f, sx);
    }
    kern_rmsnorm(R, d, sx, m->w.dec_final_ln, c->eps, sh, NULL);
    if (c->scale_decoder_outputs) {
        float sc = 1.0f / sqrtf((float)d);
        for (size_t i = 0; i < (size_t)R * d; i++)
            sh[i] *= sc;
    }
    size_t V = (size_t)c->vocab_size;
    kern_linear(R, d, (int)V, sh, m->w.lm_head, 0.0f, s->logits + r0 * V);
    if (s->step_logp)
        for (int r = r0; r < r1; r++)
            kern_log_softmax((int)V, s->logits + r * V, s->lsm + r * V);
}

struct step_job {
    struct t5_state *s;
    size_t sp_len;
};

static void step_part(void *arg, int part, int n_parts)
{
    const struct step_job *j = arg;
    int R = j->s->rows, per = (R + n_parts - 1) / n_parts;
    int r0 = part * per, r1 = r0 + per < R ? r0 + per : R;
    if (r0 < r1)
        step_rows(j->s, r0, r1, j->s->sp + (size_t)part * j->sp_len);
}

int t5_decode_step(t5_state *s, const int *tokens, const float **logits, struct pl_err *e)
{
    if (s->rows == 0)
        return pl_err_set(e, PL_EINVAL, "t5_decode_step: call t5_decode_begin first");
    if (s->t >= s->max_tgt)
        return pl_err_set(e, PL_ERANGE, "decoder position %d: this state holds %d positions",
                          s->t, s->max_tgt);
    const struct t5_model *m = s->m;
    const struct t5_config *c = &m->cfg;
    int d = c->d_model, R = s->rows;
    for (int r = 0; r < R; r++) {
        if (tokens[r] < 0 || tokens[r] >= c->vocab_size)
            return pl_err_set(e, PL_EINVAL, "row %d: token id %d outside the vocabulary (%d)", r,
                              tokens[r], c->vocab_size);
        memcpy(s->sx + (size_t)r * d, m->w.shared + (size_t)tokens[r] * d, sizeof(float) * d);
    }
    /* Groups of rows, one per part, each through the whole step: one fork
     * and join per step instead of one per product. A lone row (or a small
     * group) still has its larger products cut by output features. */
    int SM = s->max_src > s->max_tgt ? s->max_src : s->max_tgt;
    struct step_job job = {s, (size_t)c->n_heads * SM};
    double I = t5_inner(c), per_layer = 6.0 * I * d + (c->gated ? 3.0 : 2.0) * c->d_ff * d;
    double weights = c->n_dec_layers * per_layer + (double)c->vocab_size * d;
    double work = 2.0 * R * weights; /* a multiply-add per weight and row */
    int parts = row_parts(R), most = 1 + pl_threads_spare();
    if (2 * 4.0 * weights > (double)pl_cache_bytes()) /* 4 bytes each: over half the cache */
        parts = 1; /* each part would stream the weights from memory again */
    pl_parallel(work, parts < most ? parts : most, step_part, &job);
    s->t++;
    *logits = s->logits;
    return 0;
}

int t5_decode_reorder(t5_state *s, const int *src_rows, struct pl_err *e)
{
    const struct t5_config *c = &s->m->cfg;
    int R = s->rows, M = s->max_tgt, I = t5_inner(c), Rmax = s->max_batch * s->max_beams;
    for (int r = 0; r < R; r++)
        if (src_rows[r] < 0 || src_rows[r] >= R)
            return pl_err_set(e, PL_EINVAL, "t5_decode_reorder: row %d takes row %d of %d", r,
                              src_rows[r], R);
    size_t span = (size_t)s->t * I;
    for (int l = 0; l < c->n_dec_layers; l++)
        for (int kv = 0; kv < 2; kv++) {
            float *cache = (kv ? s->vc : s->kc) + (size_t)l * Rmax * M * I;
            for (int r = 0; r < R; r++)
                memcpy(s->tmp + (size_t)r * M * I, cache + (size_t)s->slot[src_rows[r]] * M * I,
                       span * sizeof(float));
            for (int r = 0; r < R; r++)
                memcpy(cache + (size_t)s->slot[r] * M * I, s->tmp + (size_t)r * M * I,
                       span * sizeof(float));
        }
    for (int r = 0; r < R; r++)
        s->row_tmp[r] = s->row_in[src_rows[r]];
    memcpy(s->row_in, s->row_tmp, sizeof(int) * (size_t)R);
    return 0;
}

/* ---- generation ----------------------------------------------------------------------- */

void t5_gen_params_default(struct t5_gen_params *p)
{
    memset(p, 0, sizeof *p);
    p->max_new_tokens = 64;
    p->n_beams = 1;
    p->length_penalty = 1.0f;
}

static int argmax(int n, const float *x)
{
    int best = 0;
    for (int i = 1; i < n; i++)
        if (x[i] > x[best])
            best = i;
    return best;
}

/* Hugging Face's no_repeat_ngram_size: the decoder's input so far is
 * seq = [start] + toks[0 .. len); a token is banned (row entry set to
 * -inf) when the last n-1 entries of seq followed by it form an n-gram that
 * occurs in seq already. Nothing is banned while seq is shorter than n-1. */
static void ban_ngrams(int n, int start, const int *toks, int len, float *row)
{
    int cur = len + 1;
    if (n <= 0 || cur + 1 < n)
        return;
#define SEQ(i) ((i) == 0 ? start : toks[(i) - 1])
    for (int j = 0; j + n <= cur; j++) {
        bool match = true;
        for (int k = 0; k < n - 1 && match; k++)
            match = SEQ(j + k) == SEQ(cur - n + 1 + k);
        if (match)
            row[SEQ(j + n - 1)] = -INFINITY;
    }
#undef SEQ
}

/* Tokens input b may produce: max_new, or less by max_new_each. */
static int cap_of(const struct t5_gen_params *p, int b)
{
    int cap = p->max_new_tokens;
    if (p->max_new_each && p->max_new_each[b] >= 1 && p->max_new_each[b] < cap)
        cap = p->max_new_each[b];
    return cap;
}

/* Greedy decoding of B inputs; a row leaves the batch at EOS or at its
 * length cap, so each step costs only the rows still going. */
static int greedy(t5_state *s, int B, const struct t5_gen_params *p, int *ids, int *n_ids,
                  float *scores, float *token_logp, struct pl_err *e)
{
    const struct t5_config *c = &s->m->cfg;
    int V = c->vocab_size, max_new = p->max_new_tokens;
    int rc = t5_decode_begin(s, 1, e);
    if (rc)
        return rc;
    int *in = s->nsrc, *keep = s->ntok; /* in[i]: the input active row i decodes */
    for (int b = 0; b < B; b++) {
        s->tok[b] = c->decoder_start_token_id;
        n_ids[b] = 0;
        in[b] = b;
        if (scores)
            scores[b] = 0;
    }
    bool want_lp = scores || token_logp;
    s->step_logp = want_lp;
    int R = B;
    for (int step = 0; step < max_new; step++) {
        const float *lg;
        if ((rc = t5_decode_step(s, s->tok, &lg, e)) != 0)
            return rc;
        int n = 0;
        for (int i = 0; i < R; i++) { /* n <= i: rewriting in[] and tok[] in place is safe */
            int b = in[i];
            float *row = s->logits + (size_t)i * V;
            int *out = ids + (size_t)b * max_new;
            /* s->lsm: the model's own distribution, before any ban */
            ban_ngrams(p->no_repeat_ngram, c->decoder_start_token_id, out, n_ids[b], row);
            int best = argmax(V, row);
            float lp = want_lp ? s->lsm[(size_t)i * V + best] : 0.0f;
            if (scores)
                scores[b] += lp;
            if (best == c->eos_token_id)
                continue;
            if (token_logp)
                token_logp[(size_t)b * max_new + n_ids[b]] = lp;
            out[n_ids[b]++] = best;
            if (n_ids[b] >= cap_of(p, b))
                continue;
            keep[n] = i;
            in[n] = b;
            s->tok[n++] = best;
        }
        if (n == 0)
            break;
        if (n < R && (rc = t5_decode_keep(s, keep, n, e)) != 0)
            return rc;
        R = n;
    }
    return 0;
}

/* BeamHypotheses.add: keep the n_beams best finished hypotheses of input b;
 * worst[b] tracks the lowest kept score as Hugging Face does. */
static void hyp_add(t5_state *s, int b, int n_beams, const int *tok, const float *lp, int len,
                    double score)
{
    struct t5_hyp *h = s->hyps + (size_t)b * s->max_beams;
    int n = s->n_hyp[b], at;
    if (n < n_beams) {
        at = n;
        s->n_hyp[b] = n + 1;
        if (score < s->worst[b])
            s->worst[b] = score;
    } else {
        if (!(score > s->worst[b]))
            return;
        at = 0;
        for (int i = 1; i < n; i++)
            if (h[i].score < h[at].score)
                at = i;
    }
    h[at].score = score;
    h[at].len = len;
    memcpy(h[at].tok, tok, sizeof(int) * (size_t)len);
    memcpy(h[at].lp, lp, sizeof(float) * (size_t)len);
    if (n >= n_beams) {
        double w = h[0].score;
        for (int i = 1; i < n; i++)
            if (h[i].score < w)
                w = h[i].score;
        s->worst[b] = w;
    }
}

static int beam(t5_state *s, int B, const struct t5_gen_params *p, int *ids, int *n_ids,
                float *scores, float *token_logp, struct pl_err *e)
{
    const struct t5_config *c = &s->m->cfg;
    int N = p->n_beams, max_new = p->max_new_tokens;
    float lp = p->length_penalty;
    int V = c->vocab_size, M = s->max_tgt, K = 2 * N, R = B * N;
    int rc = t5_decode_begin(s, N, e);
    if (rc)
        return rc;
    s->step_logp = true;
    for (int r = 0; r < R; r++) {
        s->tok[r] = c->decoder_start_token_id;
        s->bscore[r] = r % N == 0 ? 0.0f : -1e9f;
    }
    for (int b = 0; b < B; b++) {
        s->n_hyp[b] = 0;
        s->worst[b] = 1e9;
        s->done[b] = false;
        for (int j = 0; j < s->max_beams; j++) {
            size_t h = (size_t)b * s->max_beams + j;
            s->hyps[h].tok = s->hyp_tok + h * M;
            s->hyps[h].lp = s->hyp_lp + h * M;
        }
    }
    int steps = 0;
    for (int step = 0; step < max_new; step++) {
        const float *lg;
        if ((rc = t5_decode_step(s, s->tok, &lg, e)) != 0)
            return rc;
        steps = step + 1;
        for (int b = 0; b < B; b++) {
            if (s->done[b]) {
                for (int j = 0; j < N; j++) {
                    int r = b * N + j;
                    s->ntok[r] = c->pad_token_id;
                    s->nsrc[r] = r;
                    s->nscore[r] = s->bscore[r];
                    s->nlp[r] = 0.0f;
                }
                continue;
            }
            /* top 2N of beam score + log p over all N x V continuations */
            int n_c = 0;
            for (int j = 0; j < N; j++) {
                int r = b * N + j;
                float *lsm = s->lsm + (size_t)r * V;
                ban_ngrams(p->no_repeat_ngram, c->decoder_start_token_id, s->seq + (size_t)r * M,
                           step, lsm);
                for (int v = 0; v < V; v++) {
                    float sc = lsm[v] + s->bscore[r];
                    if (n_c == K && !(sc > s->cand_score[K - 1]))
                        continue;
                    int at = n_c < K ? n_c++ : K - 1;
                    while (at > 0 && sc > s->cand_score[at - 1]) {
                        s->cand_score[at] = s->cand_score[at - 1];
                        s->cand_lp[at] = s->cand_lp[at - 1];
                        s->cand_idx[at] = s->cand_idx[at - 1];
                        at--;
                    }
                    s->cand_score[at] = sc;
                    s->cand_lp[at] = lsm[v];
                    s->cand_idx[at] = j * V + v;
                }
            }
            int filled = 0;
            for (int rank = 0; rank < n_c && filled < N; rank++) {
                int j = s->cand_idx[rank] / V, v = s->cand_idx[rank] % V, r = b * N + j;
                float sc = s->cand_score[rank];
                if (v == c->eos_token_id) {
                    if (rank >= N)
                        continue;
                    hyp_add(s, b, N, s->seq + (size_t)r * M, s->seq_lp + (size_t)r * M, step,
                            (double)sc / pow((double)(step + 1), (double)lp));
                } else {
                    int nr = b * N + filled++;
                    s->ntok[nr] = v;
                    s->nsrc[nr] = r;
                    s->nscore[nr] = sc;
                    s->nlp[nr] = s->cand_lp[rank];
                }
            }
            /* early_stopping=False heuristic over the same length convention */
            if (s->n_hyp[b] >= N &&
                s->worst[b] >= (double)s->cand_score[0] / pow((double)(step + 1), (double)lp))
                s->done[b] = true;
        }
        /* advance every row: sequences, scores, next tokens, KV cache */
        for (int r = 0; r < R; r++) {
            size_t to = (size_t)r * M, from = (size_t)s->nsrc[r] * M;
            memcpy(s->seq_tmp + to, s->seq + from, sizeof(int) * (size_t)step);
            memcpy(s->seq_lp_tmp + to, s->seq_lp + from, sizeof(float) * (size_t)step);
            s->seq_tmp[to + step] = s->ntok[r];
            s->seq_lp_tmp[to + step] = s->nlp[r];
        }
        memcpy(s->seq, s->seq_tmp, sizeof(int) * (size_t)R * M);
        memcpy(s->seq_lp, s->seq_lp_tmp, sizeof(float) * (size_t)R * M);
        for (int r = 0; r < R; r++) {
            s->bscore[r] = s->nscore[r];
            s->tok[r] = s->ntok[r];
        }
        /* an input at its own length cap ends as every input does at max_new */
        bool all_done = true;
        for (int b = 0; b < B; b++) {
            if (!s->done[b] && steps >= cap_of(p, b) && steps < max_new) {
                for (int j = 0; j < N; j++) {
                    int r = b * N + j;
                    hyp_add(s, b, N, s->seq + (size_t)r * M, s->seq_lp + (size_t)r * M, steps,
                            (double)s->bscore[r] / pow((double)steps, (double)lp));
                }
                s->done[b] = true;
            }
            all_done &= s->done[b];
        }
        if (all_done)
            break;
        if ((rc = t5_decode_reorder(s, s->nsrc, e)) != 0)
            return rc;
    }
    for (int b = 0; b < B; b++) {
        if (!s->done[b])
            for (int j = 0; j < N; j++) {
                int r = b * N + j;
                hyp_add(s, b, N, s->seq + (size_t)r * M, s->seq_lp + (size_t)r * M, steps,
                        (double)s->bscore[r] / pow((double)steps, (double)lp));
            }
        struct t5_hyp *h = s->hyps + (size_t)b * s->max_beams;
        int best = 0;
        for (int i = 1; i < s->n_hyp[b]; i++)
            if (h[i].score > h[best].score)
                best = i;
        n_ids[b] = s->n_hyp[b] ? h[best].len : 0;
        memcpy(ids + (size_t)b * max_new, h[best].tok, sizeof(int) * (size_t)n_ids[b]);
        if (token_logp)
            memcpy(token_logp + (size_t)b * max_new, h[best].lp, sizeof(float) * (size_t)n_ids[b]);
        if (scores)
            scores[b] = s->n_hyp[b] ? (float)h[best].score : -INFINITY;
    }
    return 0;
}

int t5_generate(t5_state *s, const float *emb, const int *lens, int B, int T,
                const struct t5_gen_params *p, int *ids, int *n_ids, float *scores,
                float *token_logp, struct pl_err *e)
{
    if (p->max_new_tokens < 1 || p->max_new_tokens > s->max_tgt)
        return pl_err_set(e, PL_ERANGE, "max_new_tokens %d; this state holds 1..%d",
                          p->max_new_tokens, s->max_tgt);
    if (p->n_beams < 1 || p->n_beams > s->max_beams)
        return pl_err_set(e, PL_ERANGE, "%d beams; this state holds 1..%d", p->n_beams,
                          s->max_beams);
    if (p->no_repeat_ngram < 0)
        return pl_err_set(e, PL_EINVAL, "no_repeat_ngram %d is negative", p->no_repeat_ngram);
    int rc = t5_encode(s, emb, lens, B, T, e);
    if (rc)
        return rc;
    if (p->n_beams == 1)
        return greedy(s, B, p, ids, n_ids, scores, token_logp, e);
    return beam(s, B, p, ids, n_ids, scores, token_logp, e);
}

/* ---- teacher-forced scoring ------------------------------------------------------------ */

int t5_pack_targets(const struct t5_config *c, const int *tgt, const int *tgt_lens, int B, int U,
                    const struct t5_pack *pk, int *dec_ids, int *labels, struct pl_err *e)
{
    for (int b = 0; b < B; b++) {
        const int *row = tgt + (size_t)b * U;
        int *di = dec_ids + pk->off[b], *lb = labels + pk->off[b];
        for (int i = 0; i < tgt_lens[b]; i++) {
            if (row[i] < 0 || row[i] >= c->vocab_size)
                return pl_err_set(e, PL_EINVAL, "target %d: token id %d outside the vocabulary (%d)",
                                  b, row[i], c->vocab_size);
            lb[i] = row[i];
            di[i] = i == 0 ? c->decoder_start_token_id : row[i - 1];
        }
    }
    return 0;
}

int t5_score(t5_state *s, const float *emb, const int *lens, int B, int T, const int *tgt,
             const int *tgt_lens, int U, float *logp, struct pl_err *e)
{
    if (U < 1 || U > s->max_tgt)
        return pl_err_set(e, PL_ERANGE, "target width %d; this state holds 1..%d", U, s->max_tgt);
    for (int b = 0; b < B && b < s->max_batch; b++)
        if (tgt_lens[b] < 1 || tgt_lens[b] > U)
            return pl_err_set(e, PL_EINVAL, "target %d has length %d (must be 1..%d)", b,
                              tgt_lens[b], U);
    int rc = t5_encode(s, emb, lens, B, T, e);
    if (rc)
        return rc;
    const struct t5_model *m = s->m;
    const struct t5_config *c = &m->cfg;
    int d = c->d_model, V = c->vocab_size;
    t5_pack_set(&s->tgt, B, tgt_lens, &s->src, c->n_heads);
    if ((rc = t5_pack_targets(c, tgt, tgt_lens, B, U, &s->tgt, s->dec_ids, s->labels, e)) != 0)
        return rc;
    int n = s->tgt.total;
    for (int i = 0; i < n; i++)
        memcpy(s->acts.x + (size_t)i * d, m->w.shared + (size_t)s->dec_ids[i] * d,
               sizeof(float) * d);
    int Um = s->tgt.max_len;
    t5_build_bias(m, true, Um, s->bias);
    t5_stack_forward(m, true, &s->tgt, &s->src, s->bias, Um, s->ck, s->cv, s->layer_acts, false,
                     s->acts.x);
    float *hs = s->acts.h1;
    kern_rmsnorm(n, d, s->acts.x, m->w.dec_final_ln, c->eps, hs, NULL);
    if (c->scale_decoder_outputs) {
        float sc = 1.0f / sqrtf((float)d);
        for (size_t i = 0; i < (size_t)n * d; i++)
            hs[i] *= sc;
    }
    float *lp = s->acts.inv1; /* [n], free after the stack */
    for (int r0 = 0; r0 < n; r0 += s->logit_rows) {
        int k = n - r0 < s->logit_rows ? n - r0 : s->logit_rows;
        kern_linear(k, d, V, hs + (size_t)r0 * d, m->w.lm_head, 0.0f, s->logits);
        kern_cross_entropy(k, V, s->logits, s->labels + r0, lp + r0);
    }
    for (int b = 0; b < B; b++)
        for (int i = 0; i < U; i++)
            logp[(size_t)b * U + i] = i < tgt_lens[b] ? lp[s->tgt.off[b] + i] : 0.0f;
    return 0;
}
