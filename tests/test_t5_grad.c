/* test_t5_grad.c - the training pass against central finite differences of
 * the naive double-precision model (naive_t5.h): the loss itself, the
 * gradient with respect to a soft prompt (prefix rows shared by the batch)
 * and to other input rows, and the weight gradients on a sample of entries
 * of every tensor, on random tiny models of both FFN variants, tied and
 * untied. Also: the model is bit-for-bit unchanged by a training step, and
 * gradients accumulate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "naive_t5.h"
#include "promptlab/t5.h"
#include "test.h"
#include "t5_variants.h"


static const struct variant variants[] = {
    {"relu tied", 16, 4, 4, 24, 2, 2, 30, T5_ACT_RELU, false, true, true, 0, ST_F32},
    {"gated-gelu untied, heads*d_kv != d_model", 16, 6, 3, 20, 2, 2, 29, T5_ACT_GELU_NEW, true, false, false, 0, ST_F32},
    {"gated-gelu tied", 12, 4, 3, 16, 1, 2, 27, T5_ACT_GELU_NEW, true, true, true, 0, ST_F32},
    {"relu untied, scale on", 12, 4, 2, 20, 2, 1, 25, T5_ACT_RELU, false, false, true, 0, ST_F32},
    {"gelu (erf) untied", 12, 3, 4, 16, 1, 1, 23, T5_ACT_GELU, false, false, false, 0, ST_F32},
};

/* A batch: prompt of NP rows + ids, targets. */
enum { B = 3, NP = 2, TID = 5, T = NP + TID, U = 4 };
static const int lens_ids[B] = {5, 2, 3};
static const int tgt_lens[B] = {4, 1, 3};

struct batch {
    t5_model *m;
    int ids[B * TID], lens[B], tgt[B * U];
    float prefix[NP * 64];
    float *emb; /* [B, T, d] */
};

static void batch_embed(struct batch *bt)
{
    t5_embed_batch(bt->m, bt->prefix, NP, bt->ids, lens_ids, B, TID, bt->emb, NULL);
}

static double batch_naive_loss(struct batch *bt)
{
    batch_embed(bt);
    return naive_loss(t5_model_config(bt->m), t5_model_weights(bt->m), bt->emb, bt->lens, B, T,
                      bt->tgt, tgt_lens, U);
}

/* Small enough that ReLU kinks are almost never straddled; the loss is
 * computed in double, so the quotient stays accurate. */
#define FD_H 1e-4

static double central(struct batch *bt, float *x, double h)
{
    float old = *x;
    /* perturb in float, and use the actual float step for the quotient */
    *x = (float)(old + h);
    double hp = (double)*x - old;
    double fp = batch_naive_loss(bt);
    *x = (float)(old - h);
    double hm = old - (double)*x;
    double fm = batch_naive_loss(bt);
    *x = old;
    batch_embed(bt);
    return (fp - fm) / (hp + hm);
}


static void test_variant(const struct variant *v, int vi)
{
    struct t5_config c;
    struct pl_err e = {0};
    variant_config(v, &c);
    struct batch bt = {0};
    CHECK_INT(t5_init_random(&c, 500 + vi, &bt.m, &e), 0);
    if (!bt.m)
        return;
    int d = c.d_model;
    struct pl_rng rng;
    pl_rng_seed(&rng, 77 + vi);
    for (int i = 0; i < B * TID; i++)
        bt.ids[i] = 2 + (int)pl_rng_below(&rng, (uint32_t)c.vocab_size - 2);
    for (int i = 0; i < B * U; i++)
        bt.tgt[i] = 1 + (int)pl_rng_below(&rng, (uint32_t)c.vocab_size - 1);
    for (int i = 0; i < NP * d; i++)
        bt.prefix[i] = pl_rng_float(&rng) - 0.5f;
    for (int b = 0; b < B; b++)
        bt.lens[b] = NP + lens_ids[b];
    bt.emb = malloc(sizeof(float) * B * T * d);
    batch_embed(&bt);

    /* snapshot of every weight, to prove the model is never written */
    int np = t5_param_list(bt.m, t5_model_weights(bt.m), NULL, 0);
    struct t5_param *ps = malloc(sizeof *ps * np);
    t5_param_list(bt.m, t5_model_weights(bt.m), ps, np);
    size_t total = 0;
    for (int i = 0; i < np; i++)
        total += ps[i].n;
    float *snap = malloc(sizeof(float) * total);
    for (int i = 0, at = 0; i < np; at += (int)ps[i].n, i++)
        memcpy(snap + at, ps[i].data, sizeof(float) * ps[i].n);

    t5_train *tr = NULL;
    CHECK_INT(t5_train_init(bt.m, 4, 9, 6, &tr, &e), 0);
    float *demb = malloc(sizeof(float) * B * T * d);
    CHECK(t5_train_backward(tr, demb, NULL, &e) < 0); /* nothing to go back through */
    float loss = 0;
    CHECK_INT(t5_train_forward(tr, bt.emb, bt.lens, B, T, bt.tgt, tgt_lens, U, &loss, &e), 0);
    double ref = batch_naive_loss(&bt);
    CHECKF(fabs(loss - ref) < 1e-5 * fmax(1, fabs(ref)), "%s: loss %.8g vs naive %.8g", v->name, loss, ref);
    for (int i = 0; i < B * T * d; i++)
        demb[i] = 12345.0f;
    CHECK_INT(t5_train_backward(tr, demb, NULL, &e), 0);

    int unchanged = 1;
    for (int i = 0, at = 0; i < np; at += (int)ps[i].n, i++)
        unchanged &= memcmp(snap + at, ps[i].data, sizeof(float) * ps[i].n) == 0;
    CHECKF(unchanged, "%s: weights changed by forward+backward", v->name);

    int pad_zero = 1;
    for (int b = 0; b < B; b++)
        for (int i = bt.lens[b]; i < T; i++)
            for (int k = 0; k < d; k++)
                pad_zero &= demb[((size_t)b * T + i) * d + k] == 0.0f;
    CHECK(pad_zero);

    /* prompt gradient: d loss / d prefix = sum over the batch of its rows */
    double worst = 0, scale = 1e-6;
    float gp[NP * 64];
    for (int i = 0; i < NP * d; i++) {
        gp[i] = 0;
        for (int b = 0; b < B; b++)
            gp[i] += demb[(size_t)b * T * d + i];
        scale = fmax(scale, fabs(gp[i]));
    }
    for (int i = 0; i < NP * d; i++) {
        double num = central(&bt, &bt.prefix[i], FD_H);
        if (fabs(num - gp[i]) > 1e-3 * scale)
            fprintf(stderr, "%s: prefix[%d]: analytic %.6g numeric %.6g\n", v->name, i, gp[i], num);
        worst = fmax(worst, fabs(num - gp[i]));
    }
    CHECKF(worst / scale < 1e-4, "%s: prompt gradient err %g (scale %g)", v->name, worst / scale, scale);

    /* other input rows: perturb single entries of token rows (through a
     * private copy of the embeddings) */
    {
        double w2 = 0, s2 = 1e-6;
        for (int trial = 0; trial < 12; trial++) {
            int b = trial % B, i = NP + (int)pl_rng_below(&rng, (uint32_t)lens_ids[b]);
            int k = (int)pl_rng_below(&rng, (uint32_t)d);
            size_t at = ((size_t)b * T + i) * d + k;
            float *emb2 = malloc(sizeof(float) * B * T * d);
            memcpy(emb2, bt.emb, sizeof(float) * B * T * d);
            double h = FD_H;
            emb2[at] = bt.emb[at] + (float)h;
            double hp = (double)emb2[at] - bt.emb[at];
            double fp = naive_loss(&c, t5_model_weights(bt.m), emb2, bt.lens, B, T, bt.tgt, tgt_lens, U);
            emb2[at] = bt.emb[at] - (float)h;
            double hm = bt.emb[at] - (double)emb2[at];
            double fm = naive_loss(&c, t5_model_weights(bt.m), emb2, bt.lens, B, T, bt.tgt, tgt_lens, U);
            free(emb2);
            double num = (fp - fm) / (hp + hm);
            w2 = fmax(w2, fabs(num - demb[at]));
            s2 = fmax(s2, fabs(demb[at]));
        }
        CHECKF(w2 / fmax(s2, scale) < 1e-4, "%s: input row gradient err %g", v->name, w2 / fmax(s2, scale));
    }

    /* weight gradients: forward, backward with grads, plus the encoder
     * input embeddings' share through t5_embed_backward */
    struct t5_weights *g = NULL;
    CHECK_INT(t5_grads_init(bt.m, &g, &e), 0);
    CHECK_INT(t5_train_forward(tr, bt.emb, bt.lens, B, T, bt.tgt, tgt_lens, U, &loss, &e), 0);
    CHECK_INT(t5_train_backward(tr, demb, g, &e), 0);
    CHECK_INT(t5_embed_backward(bt.m, bt.ids, lens_ids, B, TID, NP, demb, g), 0);
    unchanged = 1;
    for (int i = 0, at = 0; i < np; at += (int)ps[i].n, i++)
        unchanged &= memcmp(snap + at, ps[i].data, sizeof(float) * ps[i].n) == 0;
    CHECKF(unchanged, "%s: weights changed by a backward with weight gradients", v->name);
    /* the prompt gradient does not depend on whether weight grads are on */
    float gp2 = 0;
    for (int b = 0; b < B; b++)
        gp2 += demb[(size_t)b * T * d + 3];
    CHECK(gp2 == gp[3]);

    struct t5_param *gs = malloc(sizeof *gs * np);
    t5_param_list(bt.m, g, gs, np);
    int n_bad = 0, n_checked = 0;
    double gscale = 1e-6;
    for (int i = 0; i < np; i++)
        for (size_t k = 0; k < gs[i].n; k++)
            gscale = fmax(gscale, fabs(gs[i].data[k]));
    for (int i = 0; i < np; i++) {
        /* a few entries per tensor: for embeddings, rows the batch uses */
        for (int trial = 0; trial < 4; trial++) {
            size_t k;
            if (!strcmp(ps[i].name, "shared.weight")) {
                int id = trial < 2 ? bt.ids[trial * TID] : (trial == 2 ? bt.tgt[0] : c.decoder_start_token_id);
                k = (size_t)id * d + pl_rng_below(&rng, (uint32_t)d);
            } else if (strstr(ps[i].name, "relative_attention_bias")) {
                k = (size_t)pl_rng_below(&rng, (uint32_t)(ps[i].n < 24 ? ps[i].n : 24));
            } else {
                k = pl_rng_below(&rng, (uint32_t)ps[i].n);
            }
            double num = central(&bt, &ps[i].data[k], FD_H);
            double an = gs[i].data[k];
            /* relative to the entry, with a floor at the tensor-wide scale */
            double tol = 1e-4 * gscale + 1e-3 * fabs(an);
            n_checked++;
            if (fabs(num - an) > tol) {
                if (n_bad++ < 6)
                    fprintf(stderr, "%s: %s[%zu]: analytic %.6g numeric %.6g\n", v->name, ps[i].name, k, an, num);
            }
        }
    }
    CHECKF(n_bad == 0, "%s: %d of %d weight gradient entries off", v->name, n_bad, n_checked);

    /* gradients accumulate */
    float before = gs[1].data[0];
    CHECK_INT(t5_train_forward(tr, bt.emb, bt.lens, B, T, bt.tgt, tgt_lens, U, &loss, &e), 0);
    CHECK_INT(t5_train_backward(tr, NULL, g, &e), 0);
    CHECK_NEAR(gs[1].data[0], 2 * before, 1e-5);

    free(gs);
    t5_grads_free(g);
    t5_train_free(tr);
    free(demb), free(snap), free(ps), free(bt.emb);
    t5_free(bt.m);
}

static void test_errors_and_flops(void)
{
    struct t5_config c;
    variant_config(&variants[0], &c);
    t5_model *m = NULL;
    struct pl_err e = {0};
    CHECK_INT(t5_init_random(&c, 3, &m, &e), 0);
    t5_train *tr = NULL;
    CHECK_INT(t5_train_init(m, 2, 4, 3, &tr, &e), 0);
    float emb[2 * 5 * 16] = {0}, loss;
    int lens[2] = {4, 5}, tgt[6] = {1, 2, 3, 4, 5, 6}, tl[2] = {3, 3};
    CHECK(t5_train_forward(tr, emb, lens, 2, 5, tgt, tl, 3, &loss, &e) < 0); /* T > max_src */
    int lens2[2] = {4, 0};
    CHECK(t5_train_forward(tr, emb, lens2, 2, 4, tgt, tl, 3, &loss, &e) < 0);
    int bad_tgt[6] = {1, 2, 99, 4, 5, 6}, lens3[2] = {4, 2};
    CHECK(t5_train_forward(tr, emb, lens3, 2, 4, bad_tgt, tl, 3, &loss, &e) < 0);
    CHECKF(strstr(e.msg, "99") != NULL, "%s", e.msg);
    CHECK(t5_train_backward(tr, NULL, NULL, &e) < 0);
    t5_train_free(tr);
    double f0 = t5_train_flops(&c, 8, 40, 12, false), f1 = t5_train_flops(&c, 8, 40, 12, true);
    CHECK(f0 > 0 && f1 > f0 && f1 < 2 * f0);
    t5_free(m);
}

int main(void)
{
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++)
        test_variant(&variants[i], (int)i);
    test_errors_and_flops();
    TEST_END();
}
