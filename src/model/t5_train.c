/* t5_train.c - the training pass: teacher-forced forward that keeps its
 * activations, mean cross-entropy, and one backward pass down to the
 * encoder's input embeddings, with optional weight gradients.
 *
 * The one idea: the forward pass is the inference code (t5_stack_forward)
 * run in "store" mode, where every layer writes into its own buffers; the
 * backward walks the same buffers in reverse. Weight gradients are one
 * extra product per linear layer, done only when a gradient buffer is
 * given, so prompt tuning pays nothing for them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "t5_impl.h"

struct t5_train {
    const struct t5_model *m;
    int max_batch, max_src, max_tgt;
    unsigned char *mem;

    /* last forward */
    bool ready;
    int B, T, U;
    struct t5_pack src, tgt;
    struct t5_acts *enc, *dec; /* [n_layers], [n_dec_layers] */
    float *enc_y, *enc_inv, *enc_out;
    float *dec_y, *dec_inv, *dec_s;
    float *enc_bias, *dec_bias; /* [H, S, S], [H, M, M] */
    float **ck, **cv;           /* [n_dec] -> [Ne, I] */
    int *dec_ids, *labels;
    float *logits;              /* [Nd, V]: probabilities after the forward */

    /* backward scratch */
    float *dx, *dh;                  /* [rows, d] */
    float *dq, *dk, *dv, *dctx;      /* [rows, I] */
    float *dg, *da1;                 /* [rows, F] */
    float *d_enc;                    /* [Ne, d] */
    float *dck, *dcv;                /* [Ne, I] */
    float *att;                      /* [T5_ATT_PARTS][max(S, M)^2] */
    float *dbias_enc, *dbias_dec;    /* [H, S, S], [H, M, M] */
    float *dbias_parts;              /* [T5_ATT_PARTS][H, max(S, M)^2] */
};

static void acts_layout(struct t5_plan *p, struct t5_acts *a, size_t n, size_t d, size_t I,
                        size_t F, size_t p_n, size_t cp_n, bool decoder, bool gated)
{
    a->x = t5_plan_f(p, n * d);
    a->inv1 = t5_plan_f(p, n);
    a->h1 = t5_plan_f(p, n * d);
    a->q = t5_plan_f(p, n * I);
    a->k = t5_plan_f(p, n * I);
    a->v = t5_plan_f(p, n * I);
    a->p = t5_plan_f(p, p_n);
    a->ctx = t5_plan_f(p, n * I);
    a->x2 = t5_plan_f(p, n * d);
    if (decoder) {
        a->invc = t5_plan_f(p, n);
        a->hc = t5_plan_f(p, n * d);
        a->cq = t5_plan_f(p, n * I);
        a->cp = t5_plan_f(p, cp_n);
        a->cctx = t5_plan_f(p, n * I);
        a->x3 = t5_plan_f(p, n * d);
    }
    a->inv2 = t5_plan_f(p, n);
    a->h2 = t5_plan_f(p, n * d);
    a->a0 = t5_plan_f(p, n * F);
    a->a1 = gated ? t5_plan_f(p, n * F) : NULL;
    a->g = t5_plan_f(p, n * F);
}

static void train_layout(struct t5_train *t, struct t5_plan *p)
{
    const struct t5_config *c = &t->m->cfg;
    size_t d = (size_t)c->d_model, I = (size_t)t5_inner(c), F = (size_t)c->d_ff, H = (size_t)c->n_heads;
    size_t V = (size_t)c->vocab_size, Le = (size_t)c->n_layers, Ld = (size_t)c->n_dec_layers;
    size_t B = (size_t)t->max_batch, S = (size_t)t->max_src, M = (size_t)t->max_tgt;
    size_t Ne = B * S, Nd = B * M, rows = Ne > Nd ? Ne : Nd, SM = S > M ? S : M;

    t->src.len = t5_plan_take(p, B * sizeof(int));
    t->src.off = t5_plan_take(p, B * sizeof(int));
    t->src.poff = t5_plan_take(p, B * sizeof(size_t));
    t->src.cpoff = t5_plan_take(p, B * sizeof(size_t));
    t->tgt.len = t5_plan_take(p, B * sizeof(int));
    t->tgt.off = t5_plan_take(p, B * sizeof(int));
    t->tgt.poff = t5_plan_take(p, B * sizeof(size_t));
    t->tgt.cpoff = t5_plan_take(p, B * sizeof(size_t));

    t->enc = t5_plan_take(p, Le * sizeof(struct t5_acts));
    t->dec = t5_plan_take(p, Ld * sizeof(struct t5_acts));
    struct t5_acts tmp;
    for (size_t l = 0; l < Le; l++)
        acts_layout(p, p->base ? &t->enc[l] : &tmp, Ne, d, I, F, B * H * S * S, 0, false, c->gated);
    for (size_t l = 0; l < Ld; l++)
        acts_layout(p, p->base ? &t->dec[l] : &tmp, Nd, d, I, F, B * H * M * M, B * H * M * S,
                    true, c->gated);
    t->enc_y = t5_plan_f(p, Ne * d);
    t->enc_inv = t5_plan_f(p, Ne);
    t->enc_out = t5_plan_f(p, Ne * d);
    t->dec_y = t5_plan_f(p, Nd * d);
    t->dec_inv = t5_plan_f(p, Nd);
    t->dec_s = t5_plan_f(p, Nd * d);
    t->enc_bias = t5_plan_f(p, H * S * S);
    t->dec_bias = t5_plan_f(p, H * M * M);
    t->ck = t5_plan_take(p, Ld * sizeof(float *));
    t->cv = t5_plan_take(p, Ld * sizeof(float *));
    for (size_t l = 0; l < Ld; l++) {
        float *k = t5_plan_f(p, Ne * I), *v = t5_plan_f(p, Ne * I);
        if (p->base) {
            t->ck[l] = k;
            t->cv[l] = v;
        }
    }
    t->dec_ids = t5_plan_take(p, Nd * sizeof(int));
    t->labels = t5_plan_take(p, Nd * sizeof(int));
    t->logits = t5_plan_f(p, Nd * V);

    t->dx = t5_plan_f(p, rows * d);
    t->dh = t5_plan_f(p, rows * d);
    t->dq = t5_plan_f(p, rows * I);
    t->dk = t5_plan_f(p, rows * I);
    t->dv = t5_plan_f(p, rows * I);
    t->dctx = t5_plan_f(p, rows * I);
    t->dg = t5_plan_f(p, rows * F);
    t->da1 = t5_plan_f(p, rows * F);
    t->d_enc = t5_plan_f(p, Ne * d);
    t->dck = t5_plan_f(p, Ne * I);
    t->dcv = t5_plan_f(p, Ne * I);
    t->att = t5_plan_f(p, T5_ATT_PARTS * SM * SM);
    t->dbias_enc = t5_plan_f(p, H * S * S);
    t->dbias_dec = t5_plan_f(p, H * M * M);
    t->dbias_parts = t5_plan_f(p, T5_ATT_PARTS * H * SM * SM);
}

int t5_train_init(const t5_model *m, int max_batch, int max_src, int max_tgt, t5_train **out,
                  struct pl_err *e)
{
    *out = NULL;
    if (max_batch < 1 || max_src < 1 || max_tgt < 1)
        return pl_err_set(e, PL_EINVAL, "t5_train_init: sizes must be positive (batch %d, "
                          "source %d, target %d)", max_batch, max_src, max_tgt);
    if ((double)max_batch * (max_src > max_tgt ? max_src : max_tgt) *
            (max_src > max_tgt ? max_src : max_tgt) * m->cfg.n_heads > 4e9)
        return pl_err_set(e, PL_ERANGE, "t5_train_init: sizes too large");
    struct t5_train *t = calloc(1, sizeof *t);
    if (!t)
        return pl_err_set(e, PL_ENOMEM, "out of memory for the training workspace");
    t->m = m;
    t->max_batch = max_batch;
    t->max_src = max_src;
    t->max_tgt = max_tgt;
    struct t5_plan plan = {NULL, 0};
    train_layout(t, &plan);
    if (posix_memalign((void **)&t->mem, 64, plan.off) != 0) {
        free(t);
        return pl_err_set(e, PL_ENOMEM, "out of memory for the training workspace (%zu MB)",
                          plan.off >> 20);
    }
    plan.base = t->mem;
    plan.off = 0;
    train_layout(t, &plan);
    *out = t;
    return 0;
}

void t5_train_free(t5_train *t)
{
    if (!t)
        return;
    free(t->mem);
    free(t);
}

/* ---- forward --------------------------------------------------------------------------- */

int t5_train_forward(t5_train *t, const float *emb, const int *lens, int B, int T,
                     const int *tgt, const int *tgt_lens, int U, float *loss, struct pl_err *e)
{
    t->ready = false;
    if (B < 1 || B > t->max_batch)
        return pl_err_set(e, PL_ERANGE, "batch of %d pairs; this workspace holds 1..%d", B,
                          t->max_batch);
    if (T < 1 || T > t->max_src || U < 1 || U > t->max_tgt)
        return pl_err_set(e, PL_ERANGE, "source width %d / target width %d; this workspace "
                          "holds %d / %d", T, U, t->max_src, t->max_tgt);
    for (int b = 0; b < B; b++) {
        if (lens[b] < 1 || lens[b] > T)
            return pl_err_set(e, PL_EINVAL, "input %d has length %d (must be 1..%d)", b, lens[b], T);
        if (tgt_lens[b] < 1 || tgt_lens[b] > U)
            return pl_err_set(e, PL_EINVAL, "target %d has length %d (must be 1..%d)", b,
                              tgt_lens[b], U);
    }
    const struct t5_model *m = t->m;
    const struct t5_config *c = &m->cfg;
    int d = c->d_model, V = c->vocab_size;

    t5_pack_set(&t->src, B, lens, NULL, c->n_heads);
    t5_pack_set(&t->tgt, B, tgt_lens, &t->src, c->n_heads);
    int rc = t5_pack_targets(c, tgt, tgt_lens, B, U, &t->tgt, t->dec_ids, t->labels, e);
    if (rc)
        return rc;
    int Ne = t->src.total, Nd = t->tgt.total;

    t5_pack_rows(emb, B, T, d, &t->src, t->enc[0].x);
    t5_build_bias(m, false, t->src.max_len, t->enc_bias);
    t5_stack_forward(m, false, &t->src, NULL, t->enc_bias, t->src.max_len, NULL, NULL, t->enc,
                     true, t->enc_y);
    kern_rmsnorm(Ne, d, t->enc_y, m->w.enc_final_ln, c->eps, t->enc_out, t->enc_inv);
    t5_cross_kv(m, Ne, t->enc_out, t->ck, t->cv);

    for (int i = 0; i < Nd; i++)
        memcpy(t->dec[0].x + (size_t)i * d, m->w.shared + (size_t)t->dec_ids[i] * d,
               sizeof(float) * d);
    t5_build_bias(m, true, t->tgt.max_len, t->dec_bias);
    t5_stack_forward(m, true, &t->tgt, &t->src, t->dec_bias, t->tgt.max_len, t->ck, t->cv, t->dec,
                     true, t->dec_y);
    kern_rmsnorm(Nd, d, t->dec_y, m->w.dec_final_ln, c->eps, t->dec_s, t->dec_inv);
    if (c->scale_decoder_outputs) {
        float sc = 1.0f / sqrtf((float)d);
        for (size_t i = 0; i < (size_t)Nd * d; i++)
            t->dec_s[i] *= sc;
    }
    kern_linear(Nd, d, V, t->dec_s, m->w.lm_head, 0.0f, t->logits);
    double sum = kern_cross_entropy(Nd, V, t->logits, t->labels, NULL);
    float mean = (float)(sum / Nd);
    if (!isfinite(mean))
        return pl_err_set(e, PL_ENUMERIC, "the loss is not finite (%g)", (double)mean);
    *loss = mean;
    t->B = B;
    t->T = T;
    t->U = U;
    t->ready = true;
    return 0;
}

/* ---- backward -------------------------------------------------------------------------- */

/* Position-bias gradient: dbias [H, T, T] summed into table[bucket][h]. */
static void bias_grad(const struct t5_config *c, bool decoder, int T, const float *dbias,
                      float *table)
{
    int H = c->n_heads;
    for (int q = 0; q < T; q++)
        for (int k = 0; k < T; k++) {
            int b = t5_relative_bucket(k - q, !decoder, c->n_buckets, c->max_distance);
            for (int h = 0; h < H; h++)
                table[(size_t)b * H + h] += dbias[((size_t)h * T + q) * T + k];
        }
}

/* Walk one stack backward. On entry t->dx holds d loss / d (stack output
 * before the final norm); on exit d loss / d (stack input). Decoder:
 * cross-attention gradients are added to t->d_enc. gw: the stack's weight
 * gradient blocks, or NULL. */
static void stack_backward(t5_train *t, bool decoder, struct t5_block *gw)
{
    const struct t5_model *m = t->m;
    const struct t5_config *c = &m->cfg;
    int d = c->d_model, I = t5_inner(c), F = c->d_ff, H = c->n_heads, dk = c->d_kv;
    const struct t5_pack *pk = decoder ? &t->tgt : &t->src;
    int L = decoder ? c->n_dec_layers : c->n_layers, n = pk->total, Ne = t->src.total;
    const struct t5_block *blocks = decoder ? m->w.dec : m->w.enc;
    struct t5_acts *acts = decoder ? t->dec : t->enc;
    enum kern_act act = t5_kern_act(c->act);
    float *dbias = gw ? (decoder ? t->dbias_dec : t->dbias_enc) : NULL;
    int bias_ld = pk->max_len;
    float *dx = t->dx, *dh = t->dh;

    for (int l = L - 1; l >= 0; l--) {
        const struct t5_block *b = &blocks[l];
        struct t5_block *g = gw ? &gw[l] : NULL;
        const struct t5_acts *a = &acts[l];

        /* feed-forward: x_out = x_in + wo(act(wi h2) [* wi1 h2]) */
        const float *x_ff = decoder ? a->x3 : a->x2;
        kern_linear_dx(n, F, d, dx, b->wo, 0.0f, t->dg);
        if (g)
            kern_linear_dw(n, F, d, dx, a->g, g->wo);
        if (c->gated) {
            kern_gated_backward(act, (size_t)n * F, a->a0, a->a1, t->dg, t->dg, t->da1);
            kern_linear_dx(n, d, F, t->dg, b->wi, 0.0f, dh);
            kern_linear_dx(n, d, F, t->da1, b->wi1, 1.0f, dh);
            if (g) {
                kern_linear_dw(n, d, F, t->dg, a->h2, g->wi);
                kern_linear_dw(n, d, F, t->da1, a->h2, g->wi1);
            }
        } else {
            kern_act_backward(act, (size_t)n * F, a->a0, t->dg, t->dg);
            kern_linear_dx(n, d, F, t->dg, b->wi, 0.0f, dh);
            if (g)
                kern_linear_dw(n, d, F, t->dg, a->h2, g->wi);
        }
        kern_rmsnorm_backward(n, d, x_ff, b->ln_ff, a->inv2, dh, dx, g ? g->ln_ff : NULL);

        if (decoder) {
            /* cross-attention: keys and values come from the encoder output */
            kern_linear_dx(n, I, d, dx, b->co, 0.0f, t->dctx);
            if (g)
                kern_linear_dw(n, I, d, dx, a->cctx, g->co);
            struct t5_att ca = {.pk = pk, .kv = &t->src, .n_heads = H, .d_kv = dk, .ld = I,
                                .q = a->cq, .k = t->ck[l], .v = t->cv[l], .p = a->cp,
                                .store = true, .cross = true, .dctx = t->dctx, .dq = t->dq,
                                .dk = t->dck, .dv = t->dcv, .scratch = t->att};
            t5_attend_backward(&ca);
            kern_linear_dx(Ne, d, I, t->dck, b->ck, 1.0f, t->d_enc);
            kern_linear_dx(Ne, d, I, t->dcv, b->cv, 1.0f, t->d_enc);
            kern_linear_dx(n, d, I, t->dq, b->cq, 0.0f, dh);
            if (g) {
                kern_linear_dw(Ne, d, I, t->dck, t->enc_out, g->ck);
                kern_linear_dw(Ne, d, I, t->dcv, t->enc_out, g->cv);
                kern_linear_dw(n, d, I, t->dq, a->hc, g->cq);
            }
            kern_rmsnorm_backward(n, d, a->x2, b->ln_cross, a->invc, dh, dx,
                                  g ? g->ln_cross : NULL);
        }

        /* self-attention */
        kern_linear_dx(n, I, d, dx, b->o, 0.0f, t->dctx);
        if (g)
            kern_linear_dw(n, I, d, dx, a->ctx, g->o);
        struct t5_att sa = {.pk = pk, .kv = pk, .n_heads = H, .d_kv = dk, .ld = I,
                            .causal = decoder, .bias_ld = bias_ld, .q = a->q, .k = a->k,
                            .v = a->v, .p = a->p, .store = true, .dctx = t->dctx, .dq = t->dq,
                            .dk = t->dk, .dv = t->dv, .dbias = dbias, .scratch = t->att,
                            .dbias_parts = t->dbias_parts};
        t5_attend_backward(&sa);
        kern_linear_dx(n, d, I, t->dq, b->q, 0.0f, dh);
        kern_linear_dx(n, d, I, t->dk, b->k, 1.0f, dh);
        kern_linear_dx(n, d, I, t->dv, b->v, 1.0f, dh);
        if (g) {
            kern_linear_dw(n, d, I, t->dq, a->h1, g->q);
            kern_linear_dw(n, d, I, t->dk, a->h1, g->k);
            kern_linear_dw(n, d, I, t->dv, a->h1, g->v);
        }
        kern_rmsnorm_backward(n, d, a->x, b->ln_attn, a->inv1, dh, dx, g ? g->ln_attn : NULL);
    }
}

int t5_train_backward(t5_train *t, float *d_emb, struct t5_weights *grads, struct pl_err *e)
{
    if (!t->ready)
        return pl_err_set(e, PL_EINVAL, "t5_train_backward: no forward pass to go back through");
    const struct t5_model *m = t->m;
    const struct t5_config *c = &m->cfg;
    int d = c->d_model, V = c->vocab_size, H = c->n_heads;
    int Ne = t->src.total, Nd = t->tgt.total;

    /* loss = mean over Nd tokens: dlogits = (p - onehot) / Nd */
    kern_cross_entropy_backward(Nd, V, t->logits, t->labels, 1.0f / (float)Nd, t->logits);
    float *ds = t->dh;
    kern_linear_dx(Nd, d, V, t->logits, m->w.lm_head, 0.0f, ds);
    if (grads)
        kern_linear_dw(Nd, d, V, t->logits, t->dec_s, grads->lm_head);
    if (c->scale_decoder_outputs) {
        float sc = 1.0f / sqrtf((float)d);
        for (size_t i = 0; i < (size_t)Nd * d; i++)
            ds[i] *= sc;
    }
    memset(t->dx, 0, sizeof(float) * (size_t)Nd * d);
    kern_rmsnorm_backward(Nd, d, t->dec_y, m->w.dec_final_ln, t->dec_inv, ds, t->dx,
                          grads ? grads->dec_final_ln : NULL);

    memset(t->d_enc, 0, sizeof(float) * (size_t)Ne * d);
    if (grads)
        memset(t->dbias_dec, 0, sizeof(float) * (size_t)H * t->tgt.max_len * t->tgt.max_len);
    stack_backward(t, true, grads ? grads->dec : NULL);
    if (grads) {
        bias_grad(c, true, t->tgt.max_len, t->dbias_dec, grads->dec_rel_bias);
        for (int i = 0; i < Nd; i++) { /* decoder input embeddings */
            float *row = grads->shared + (size_t)t->dec_ids[i] * d;
            const float *gx = t->dx + (size_t)i * d;
            for (int k = 0; k < d; k++)
                row[k] += gx[k];
        }
    }

    memset(t->dx, 0, sizeof(float) * (size_t)Ne * d);
    kern_rmsnorm_backward(Ne, d, t->enc_y, m->w.enc_final_ln, t->enc_inv, t->d_enc, t->dx,
                          grads ? grads->enc_final_ln : NULL);
    if (grads)
        memset(t->dbias_enc, 0, sizeof(float) * (size_t)H * t->src.max_len * t->src.max_len);
    stack_backward(t, false, grads ? grads->enc : NULL);
    if (grads)
        bias_grad(c, false, t->src.max_len, t->dbias_enc, grads->enc_rel_bias);

    if (d_emb) {
        for (int b = 0; b < t->B; b++) {
            float *row = d_emb + (size_t)b * t->T * d;
            memcpy(row, t->dx + (size_t)t->src.off[b] * d, sizeof(float) * (size_t)t->src.len[b] * d);
            memset(row + (size_t)t->src.len[b] * d, 0,
                   sizeof(float) * (size_t)(t->T - t->src.len[b]) * d);
        }
    }
    return 0;
}

int t5_embed_backward(const t5_model *m, const int *ids, const int *lens, int B, int T_ids,
                      int n_prefix, const float *d_emb, struct t5_weights *grads)
{
    int d = m->cfg.d_model, T = n_prefix + T_ids;
    for (int b = 0; b < B; b++)
        for (int i = 0; i < lens[b]; i++) {
            int id = ids[(size_t)b * T_ids + i];
            if (id < 0 || id >= m->cfg.vocab_size)
                return PL_EINVAL;
            float *row = grads->shared + (size_t)id * d;
            const float *g = d_emb + ((size_t)b * T + n_prefix + i) * d;
            for (int k = 0; k < d; k++)
                row[k] += g[k];
        }
    return 0;
}

/* ---- cost ---------------------------------------------------------------------------------- */

double t5_train_flops(const struct t5_config *c, int B, int T, int U, bool weight_grads)
{
    double d = c->d_model, I = (double)c->n_heads * c->d_kv, F = c->d_ff, V = c->vocab_size;
    double H = c->n_heads, dk = c->d_kv, ff = c->gated ? 3 : 2;
    double Ne = (double)B * T, Nd = (double)B * U;
    double lin = 2 * Ne * c->n_layers * (4 * d * I + ff * d * F) +
                 2 * Nd * c->n_dec_layers * (6 * d * I + ff * d * F) +
                 2 * Ne * c->n_dec_layers * 2 * d * I + 2 * Nd * d * V;
    double att = 4 * B * H * dk * ((double)T * T * c->n_layers +
                                   ((double)U * U + (double)U * T) * c->n_dec_layers);
    /* forward; backward of the inputs (linear once, attention twice);
     * weight gradients (linear once more) */
    return lin + att + lin + 2 * att + (weight_grads ? lin : 0);
}
