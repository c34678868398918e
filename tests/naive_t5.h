/* naive_t5.h - a deliberately naive T5 for tests: plain loops, double
 * precision, padded batches with Hugging Face's additive masks (finfo.min),
 * the relative position formula in double. No BLAS, no packing, no cache;
 * it shares nothing with src/model but the weight struct it reads.
 *
 * naive_logits: encoder over emb [B, T, d] with lens, decoder over dec_ids
 * [B, U] (all positions, causal), logits [B, U, V].
 * naive_loss: mean cross-entropy of targets as t5_train_forward defines it. */
#ifndef PROMPTLAB_NAIVE_T5_H
#define PROMPTLAB_NAIVE_T5_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "promptlab/t5.h"

#define NAIVE_MASK (-3.4028234663852886e38)

static inline int naive_bucket(int rel, int bidir, int nb, int maxd)
{
    int ret = 0, n;
    if (bidir) {
        nb /= 2;
        if (rel > 0)
            ret += nb;
        n = abs(rel);
    } else {
        n = rel < 0 ? -rel : 0;
    }
    int me = nb / 2;
    if (n < me)
        return ret + n;
    int v = me + (int)(log((double)n / me) / log((double)maxd / me) * (nb - me));
    return ret + (v < nb - 1 ? v : nb - 1);
}

static inline void naive_rms(int n, int d, double *x, const float *w, double eps, double *y)
{
    for (int r = 0; r < n; r++) {
        double s = 0;
        for (int i = 0; i < d; i++)
            s += x[r * d + i] * x[r * d + i];
        s = 1.0 / sqrt(s / d + eps);
        for (int i = 0; i < d; i++)
            y[r * d + i] = w[i] * (x[r * d + i] * s);
    }
}

/* y[n, out] = x[n, in] W^T (W [out, in]) */
static inline void naive_lin(int n, int in, int out, const double *x, const float *W, double *y)
{
    for (int r = 0; r < n; r++)
        for (int o = 0; o < out; o++) {
            double s = 0;
            for (int i = 0; i < in; i++)
                s += x[r * in + i] * W[(size_t)o * in + i];
            y[r * out + o] = s;
        }
}

static inline double naive_act(enum t5_act a, double x)
{
    switch (a) {
    case T5_ACT_RELU: return x > 0 ? x : 0;
    case T5_ACT_GELU_NEW: return 0.5 * x * (1 + tanh(sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
    case T5_ACT_GELU: return 0.5 * x * (1 + erf(x / sqrt(2.0)));
    }
    return x;
}

/* Attention for one batch row: queries x_q [tq, d] against kv [tk, d];
 * mask[k] (0 or NAIVE_MASK) per key; bias table or NULL; causal. Adds the
 * output projection to res [tq, d]. */
static inline void naive_attn(const struct t5_config *c, int tq, int tk, const double *xq,
                       const double *xkv, const float *Wq, const float *Wk, const float *Wv,
                       const float *Wo, const double *keymask, const float *table, int bidir,
                       int causal, double *res)
{
    int d = c->d_model, H = c->n_heads, dk = c->d_kv, I = H * dk;
    double *q = malloc(sizeof(double) * tq * I), *k = malloc(sizeof(double) * tk * I);
    double *v = malloc(sizeof(double) * tk * I), *ctx = calloc((size_t)tq * I, sizeof(double));
    double *s = malloc(sizeof(double) * tk), *o = malloc(sizeof(double) * tq * d);
    naive_lin(tq, d, I, xq, Wq, q);
    naive_lin(tk, d, I, xkv, Wk, k);
    naive_lin(tk, d, I, xkv, Wv, v);
    for (int h = 0; h < H; h++)
        for (int i = 0; i < tq; i++) {
            double m = -INFINITY, z = 0;
            for (int j = 0; j < tk; j++) {
                double t = 0;
                for (int e = 0; e < dk; e++)
                    t += q[i * I + h * dk + e] * k[j * I + h * dk + e];
                double b = keymask ? keymask[j] : 0;
                if (causal && j > i)
                    b = NAIVE_MASK;
                if (table)
                    b += table[naive_bucket(j - i, bidir, c->n_buckets, c->max_distance) * H + h];
                s[j] = t + b;
                if (s[j] > m)
                    m = s[j];
            }
            for (int j = 0; j < tk; j++)
                z += exp(s[j] - m);
            for (int j = 0; j < tk; j++) {
                double p = exp(s[j] - m) / z;
                for (int e = 0; e < dk; e++)
                    ctx[i * I + h * dk + e] += p * v[j * I + h * dk + e];
            }
        }
    naive_lin(tq, I, d, ctx, Wo, o);
    for (int i = 0; i < tq * d; i++)
        res[i] += o[i];
    free(q), free(k), free(v), free(ctx), free(s), free(o);
}

static inline void naive_ffn(const struct t5_config *c, const struct t5_block *b, int n, const double *x,
                      double *res)
{
    int d = c->d_model, F = c->d_ff;
    double *a0 = malloc(sizeof(double) * n * F), *a1 = malloc(sizeof(double) * n * F);
    double *o = malloc(sizeof(double) * n * d);
    naive_lin(n, d, F, x, b->wi, a0);
    if (c->gated)
        naive_lin(n, d, F, x, b->wi1, a1);
    for (int i = 0; i < n * F; i++)
        a0[i] = naive_act(c->act, a0[i]) * (c->gated ? a1[i] : 1.0);
    naive_lin(n, F, d, a0, b->wo, o);
    for (int i = 0; i < n * d; i++)
        res[i] += o[i];
    free(a0), free(a1), free(o);
}

/* Encoder output for one row: emb [T, d], len valid -> out [T, d]. */
static inline void naive_encoder(const struct t5_config *c, const struct t5_weights *w, const float *emb,
                          int T, int len, double *out)
{
    int d = c->d_model;
    double *x = malloc(sizeof(double) * T * d), *h = malloc(sizeof(double) * T * d);
    double *mask = malloc(sizeof(double) * T);
    for (int i = 0; i < T * d; i++)
        x[i] = emb[i];
    for (int j = 0; j < T; j++)
        mask[j] = j < len ? 0 : NAIVE_MASK;
    for (int l = 0; l < c->n_layers; l++) {
        const struct t5_block *b = &w->enc[l];
        naive_rms(T, d, x, b->ln_attn, c->eps, h);
        naive_attn(c, T, T, h, h, b->q, b->k, b->v, b->o, mask, w->enc_rel_bias, 1, 0, x);
        naive_rms(T, d, x, b->ln_ff, c->eps, h);
        naive_ffn(c, b, T, h, x);
    }
    naive_rms(T, d, x, w->enc_final_ln, c->eps, out);
    free(x), free(h), free(mask);
}

/* Logits for one row: encoder output enc [T, d] (len valid), decoder ids
 * [U] -> logits [U, V]. */
static inline void naive_decoder(const struct t5_config *c, const struct t5_weights *w, const double *enc,
                          int T, int len, const int *ids, int U, double *logits)
{
    int d = c->d_model;
    double *x = malloc(sizeof(double) * U * d), *h = malloc(sizeof(double) * U * d);
    double *mask = malloc(sizeof(double) * T);
    for (int i = 0; i < U; i++)
        for (int e = 0; e < d; e++)
            x[i * d + e] = w->shared[(size_t)ids[i] * d + e];
    for (int j = 0; j < T; j++)
        mask[j] = j < len ? 0 : NAIVE_MASK;
    for (int l = 0; l < c->n_dec_layers; l++) {
        const struct t5_block *b = &w->dec[l];
        naive_rms(U, d, x, b->ln_attn, c->eps, h);
        naive_attn(c, U, U, h, h, b->q, b->k, b->v, b->o, NULL, w->dec_rel_bias, 0, 1, x);
        naive_rms(U, d, x, b->ln_cross, c->eps, h);
        naive_attn(c, U, T, h, enc, b->cq, b->ck, b->cv, b->co, mask, NULL, 0, 0, x);
        naive_rms(U, d, x, b->ln_ff, c->eps, h);
        naive_ffn(c, b, U, h, x);
    }
    naive_rms(U, d, x, w->dec_final_ln, c->eps, h);
    if (c->scale_decoder_outputs)
        for (int i = 0; i < U * d; i++)
            h[i] *= 1.0 / sqrt((double)d);
    naive_lin(U, d, c->vocab_size, h, w->lm_head, logits);
    free(x), free(h), free(mask);
}

static inline void naive_logits(const struct t5_config *c, const struct t5_weights *w, const float *emb,
                         const int *lens, int B, int T, const int *dec_ids, int U, double *logits)
{
    int d = c->d_model, V = c->vocab_size;
    double *enc = malloc(sizeof(double) * T * d);
    for (int b = 0; b < B; b++) {
        naive_encoder(c, w, emb + (size_t)b * T * d, T, lens[b], enc);
        naive_decoder(c, w, enc, T, lens[b], dec_ids + (size_t)b * U, U,
                      logits + (size_t)b * U * V);
    }
    free(enc);
}

/* Mean cross-entropy over target tokens: decoder input [start] + target
 * shifted right, padding (i >= tgt_lens[b]) ignored. */
static inline double naive_loss(const struct t5_config *c, const struct t5_weights *w, const float *emb,
                         const int *lens, int B, int T, const int *tgt, const int *tgt_lens, int U)
{
    int V = c->vocab_size;
    int *ids = malloc(sizeof(int) * B * U);
    double *lg = malloc(sizeof(double) * B * U * V), loss = 0;
    int count = 0;
    for (int b = 0; b < B; b++)
        for (int i = 0; i < U; i++)
            ids[b * U + i] = i == 0 ? c->decoder_start_token_id
                                    : (i - 1 < tgt_lens[b] ? tgt[b * U + i - 1] : c->pad_token_id);
    naive_logits(c, w, emb, lens, B, T, ids, U, lg);
    for (int b = 0; b < B; b++)
        for (int i = 0; i < tgt_lens[b]; i++) {
            const double *row = lg + ((size_t)b * U + i) * V;
            double m = -INFINITY, z = 0;
            for (int v = 0; v < V; v++)
                m = row[v] > m ? row[v] : m;
            for (int v = 0; v < V; v++)
                z += exp(row[v] - m);
            loss -= row[tgt[b * U + i]] - m - log(z);
            count++;
        }
    free(ids), free(lg);
    return loss / count;
}

#endif
