/* t5_forward.c - the forward pass of an encoder or decoder stack over a
 * packed batch, shared by inference (t5_encode, t5_score) and training.
 *
 * The one idea: sequences are packed row after row without padding, so
 * every linear layer is one sgemm over all real tokens of the batch, and
 * attention runs per sequence on its own rows. Position bias depends only
 * on key - query, so one [H, T, T] bias matrix per stack serves every
 * sequence (its top-left block) and every layer. */
#include <math.h>
#include <string.h>

#include "promptlab/blas.h"
#include "t5_impl.h"

int t5_relative_bucket(int relative, bool bidirectional, int n_buckets, int max_distance)
{
    int bucket = 0, n;
    if (bidirectional) {
        n_buckets /= 2;
        if (relative > 0)
            bucket = n_buckets;
        n = relative < 0 ? -relative : relative;
    } else {
        n = relative < 0 ? -relative : 0;
    }
    int max_exact = n_buckets / 2;
    if (n < max_exact)
        return bucket + n;
    /* float32 throughout and truncation, as Hugging Face computes it */
    float r = logf((float)n / (float)max_exact) / (float)log((double)max_distance / max_exact) *
              (float)(n_buckets - max_exact);
    int large = r >= (float)n_buckets ? n_buckets - 1 : max_exact + (int)r;
    if (large > n_buckets - 1)
        large = n_buckets - 1;
    return bucket + large;
}

void t5_build_bias(const struct t5_model *m, bool decoder, int T, float *bias)
{
    const struct t5_config *c = &m->cfg;
    const float *table = decoder ? m->w.dec_rel_bias : m->w.enc_rel_bias;
    int H = c->n_heads;
    for (int q = 0; q < T; q++)
        for (int k = 0; k < T; k++) {
            int b = t5_relative_bucket(k - q, !decoder, c->n_buckets, c->max_distance);
            for (int h = 0; h < H; h++)
                bias[((size_t)h * T + q) * T + k] = table[(size_t)b * H + h];
        }
}

void t5_pack_set(struct t5_pack *pk, int n, const int *lens, const struct t5_pack *src,
                 int n_heads)
{
    pk->n = n;
    pk->total = 0;
    pk->max_len = 0;
    pk->p_total = pk->cp_total = 0;
    for (int i = 0; i < n; i++) {
        pk->len[i] = lens[i];
        pk->off[i] = pk->total;
        pk->total += lens[i];
        if (lens[i] > pk->max_len)
            pk->max_len = lens[i];
        pk->poff[i] = pk->p_total;
        pk->p_total += (size_t)n_heads * lens[i] * lens[i];
        if (src) {
            pk->cpoff[i] = pk->cp_total;
            pk->cp_total += (size_t)n_heads * lens[i] * src->len[i];
        }
    }
}

void t5_pack_rows(const float *emb, int B, int T, int d, const struct t5_pack *pk, float *out)
{
    for (int b = 0; b < B; b++)
        memcpy(out + (size_t)pk->off[b] * d, emb + (size_t)b * T * d,
               sizeof(float) * (size_t)pk->len[b] * d);
}

void t5_cross_kv(const struct t5_model *m, int n, const float *enc, float *const *ck,
                 float *const *cv)
{
    const struct t5_config *c = &m->cfg;
    int d = c->d_model, I = t5_inner(c);
    for (int l = 0; l < c->n_dec_layers; l++) {
        kern_linear(n, d, I, enc, m->w.dec[l].ck, 0.0f, ck[l]);
        kern_linear(n, d, I, enc, m->w.dec[l].cv, 0.0f, cv[l]);
    }
}

/* ---- attention over a pack ------------------------------------------------------ */

static double att_work(const struct t5_att *a)
{
    double w = 0;
    for (int s = 0; s < a->pk->n; s++)
        w += 4.0 * a->n_heads * a->d_kv * (double)a->pk->len[s] * a->kv->len[s];
    return w;
}

int t5_att_parts(const struct t5_att *a)
{
    if (!a->store || a->pk->n < 2 || att_work(a) < 2e6)
        return 1;
    return a->pk->n < T5_ATT_PARTS ? a->pk->n : T5_ATT_PARTS;
}

/* Sequences [lo, hi) of part `part` of n_parts: contiguous, by count. */
static void seq_range(int n, int part, int n_parts, int *lo, int *hi)
{
    *lo = (int)((long)n * part / n_parts);
    *hi = (int)((long)n * (part + 1) / n_parts);
}

static void att_forward_part(void *arg, int part, int n_parts)
{
    const struct t5_att *a = arg;
    const struct t5_pack *pk = a->pk, *kv = a->kv;
    size_t bias_hs = (size_t)a->bias_ld * a->bias_ld;
    int lo, hi;
    seq_range(pk->n, part, n_parts, &lo, &hi);
    for (int s = lo; s < hi; s++) {
        size_t r = (size_t)pk->off[s] * a->ld, rk = (size_t)kv->off[s] * a->ld;
        float *p = a->p + (a->store ? (a->cross ? pk->cpoff[s] : pk->poff[s]) : 0);
        kern_attention(a->n_heads, a->d_kv, pk->len[s], kv->len[s], a->q + r, a->ld, a->k + rk,
                       a->ld, a->v + rk, a->ld, a->bias, a->bias_ld, bias_hs, a->causal, p,
                       a->ctx + r, a->ld);
    }
}

void t5_attend_forward(const struct t5_att *a)
{
    pl_parallel(att_work(a), t5_att_parts(a), att_forward_part, (void *)a);
}

static void att_backward_part(void *arg, int part, int n_parts)
{
    const struct t5_att *a = arg;
    const struct t5_pack *pk = a->pk, *kv = a->kv;
    size_t bias_hs = (size_t)a->bias_ld * a->bias_ld;
    size_t sm = (size_t)pk->max_len * kv->max_len;
    float *dbias = a->dbias;
    if (dbias && n_parts > 1) {
        dbias = a->dbias_parts + (size_t)part * a->n_heads * bias_hs;
        memset(dbias, 0, sizeof(float) * a->n_heads * bias_hs);
    }
    int lo, hi;
    seq_range(pk->n, part, n_parts, &lo, &hi);
    for (int s = lo; s < hi; s++) {
        size_t r = (size_t)pk->off[s] * a->ld, rk = (size_t)kv->off[s] * a->ld;
        const float *p = a->p + (a->cross ? pk->cpoff[s] : pk->poff[s]);
        kern_attention_backward(a->n_heads, a->d_kv, pk->len[s], kv->len[s], a->q + r, a->ld,
                                a->k + rk, a->ld, a->v + rk, a->ld, p, a->dctx + r, a->ld,
                                a->dq + r, a->ld, a->dk + rk, a->ld, a->dv + rk, a->ld, dbias,
                                a->bias_ld, bias_hs, a->scratch + (size_t)part * sm);
    }
}

void t5_attend_backward(const struct t5_att *a)
{
    int parts = t5_att_parts(a);
    pl_parallel(2 * att_work(a), parts, att_backward_part, (void *)a);
    if (a->dbias && parts > 1) { /* the parts' position-bias gradients, in part order */
        size_t n = (size_t)a->n_heads * a->bias_ld * a->bias_ld;
        for (int p = 0; p < parts; p++)
            for (size_t i = 0; i < n; i++)
                a->dbias[i] += a->dbias_parts[(size_t)p * n + i];
    }
}

/* dst = src unless they are the same buffer (inference updates in place). */
static void copy_rows(float *dst, const float *src, size_t n)
{
    if (dst != src)
        memcpy(dst, src, n * sizeof(float));
}

void t5_stack_forward(const struct t5_model *m, bool decoder, const struct t5_pack *pk,
                      const struct t5_pack *src, const float *bias, int bias_ld,
                      float *const *ck, float *const *cv, struct t5_acts *acts, bool store,
                      float *y)
{
    const struct t5_config *c = &m->cfg;
    int d = c->d_model, I = t5_inner(c), F = c->d_ff, H = c->n_heads, dk = c->d_kv;
    int L = decoder ? c->n_dec_layers : c->n_layers, n = pk->total;
    const struct t5_block *blocks = decoder ? m->w.dec : m->w.enc;
    enum kern_act act = t5_kern_act(c->act);
    for (int l = 0; l < L; l++) {
        const struct t5_block *b = &blocks[l];
        struct t5_acts *a = &acts[l];
        float *xo = l + 1 < L ? acts[l + 1].x : y;

        kern_rmsnorm(n, d, a->x, b->ln_attn, c->eps, a->h1, a->inv1);
        kern_linear(n, d, I, a->h1, b->q, 0.0f, a->q);
        kern_linear(n, d, I, a->h1, b->k, 0.0f, a->k);
        kern_linear(n, d, I, a->h1, b->v, 0.0f, a->v);
        struct t5_att sa = {.pk = pk, .kv = pk, .n_heads = H, .d_kv = dk, .ld = I,
                            .causal = decoder, .bias = bias, .bias_ld = bias_ld, .q = a->q,
                            .k = a->k, .v = a->v, .p = a->p, .store = store, .ctx = a->ctx};
        t5_attend_forward(&sa);
        copy_rows(a->x2, a->x, (size_t)n * d);
        kern_linear(n, I, d, a->ctx, b->o, 1.0f, a->x2);
        float *xr = a->x2;

        if (decoder) {
            kern_rmsnorm(n, d, xr, b->ln_cross, c->eps, a->hc, a->invc);
            kern_linear(n, d, I, a->hc, b->cq, 0.0f, a->cq);
            struct t5_att ca = {.pk = pk, .kv = src, .n_heads = H, .d_kv = dk, .ld = I,
                                .q = a->cq, .k = ck[l], .v = cv[l], .p = a->cp, .store = store,
                                .cross = true, .ctx = a->cctx};
            t5_attend_forward(&ca);
            copy_rows(a->x3, xr, (size_t)n * d);
            kern_linear(n, I, d, a->cctx, b->co, 1.0f, a->x3);
            xr = a->x3;
        }

        kern_rmsnorm(n, d, xr, b->ln_ff, c->eps, a->h2, a->inv2);
        kern_linear(n, d, F, a->h2, b->wi, 0.0f, a->a0);
        if (c->gated) {
            kern_linear(n, d, F, a->h2, b->wi1, 0.0f, a->a1);
            kern_gated(act, (size_t)n * F, a->a0, a->a1, a->g);
        } else {
            kern_act(act, (size_t)n * F, a->a0, a->g);
        }
        copy_rows(xo, xr, (size_t)n * d);
        kern_linear(n, F, d, a->g, b->wo, 1.0f, xo);
    }
}
