/* t5_impl.h - what the model layer's files share: the model struct, packed
 * ragged batches, per-layer activation buffers, the stack forward pass and
 * a two-pass workspace planner. Only src/model includes it. */
#ifndef PROMPTLAB_T5_IMPL_H
#define PROMPTLAB_T5_IMPL_H

#include "promptlab/kernels.h"
#include "promptlab/safetensors.h"
#include "promptlab/t5.h"

struct t5_model {
    struct t5_config cfg;
    struct t5_weights w;
    struct t5_block *blocks; /* n_layers + n_dec_layers, owned */
    st_file *st;             /* mapped weights, or NULL */
    float *owned;            /* owned weights (t5_init_random), or NULL */
    bool has_lm_head;
};

static inline int t5_inner(const struct t5_config *c) { return c->n_heads * c->d_kv; }

static inline enum kern_act t5_kern_act(enum t5_act a)
{
    switch (a) {
    case T5_ACT_RELU: return KERN_RELU;
    case T5_ACT_GELU_NEW: return KERN_GELU_TANH;
    case T5_ACT_GELU: return KERN_GELU_ERF;
    }
    return KERN_RELU;
}

/* Workspace planner: run a layout function once with base == NULL to learn
 * the size, then again with the real block to hand out the pointers. */
struct t5_plan {
    unsigned char *base;
    size_t off;
};

static inline void *t5_plan_take(struct t5_plan *p, size_t bytes)
{
    size_t at = (p->off + 63) & ~(size_t)63;
    p->off = at + bytes;
    return p->base ? p->base + at : NULL;
}

static inline float *t5_plan_f(struct t5_plan *p, size_t n)
{
    return t5_plan_take(p, n * sizeof(float));
}

/* A batch of sequences packed row after row without padding. For a decoder
 * pack, `src` pairs sequence i with source sequence i (cross-attention). */
struct t5_pack {
    int n;         /* sequences */
    int total;     /* rows */
    int max_len;
    int *len;      /* [n] */
    int *off;      /* [n] first row */
    size_t *poff;  /* [n] offset of this sequence's self-attention probabilities */
    size_t *cpoff; /* [n] ... of its cross-attention probabilities (decoder) */
    size_t p_total, cp_total;
};

/* Fill offsets from lens (len/off/poff/cpoff arrays must hold n entries).
 * src: the encoder pack for a decoder pack, else NULL. */
void t5_pack_set(struct t5_pack *pk, int n, const int *lens, const struct t5_pack *src,
                 int n_heads);

/* Activation buffers of one block over a pack. In "store" mode (training)
 * every layer has its own buffers and p/cp hold all sequences; otherwise
 * all layers share one set (x == x2 == x3, the residual updated in place)
 * and p/cp hold one sequence at a time. */
struct t5_acts {
    float *x;          /* [n, d] block input */
    float *inv1;       /* [n] */
    float *h1;         /* [n, d] normed input of self-attention */
    float *q, *k, *v;  /* [n, I] */
    float *p;          /* self-attention probabilities */
    float *ctx;        /* [n, I] */
    float *x2;         /* [n, d] after self-attention */
    float *invc;       /* [n]   decoder: cross-attention norm */
    float *hc;         /* [n, d] */
    float *cq;         /* [n, I] */
    float *cp;         /* cross-attention probabilities */
    float *cctx;       /* [n, I] */
    float *x3;         /* [n, d] after cross-attention */
    float *inv2;       /* [n] */
    float *h2;         /* [n, d] normed input of the FFN */
    float *a0, *a1;    /* [n, F] wi / wi_0 and wi_1 outputs (a1 gated only) */
    float *g;          /* [n, F] FFN hidden after activation (and gate) */
};

/* Position bias + causal structure for a stack: bias [H, T, T] with
 * bias[h][q][k] = table[bucket(k - q)][h] (ld T). */
void t5_build_bias(const struct t5_model *m, bool decoder, int T, float *bias);

/* Run the blocks of one stack over a pack. acts[l].x of layer 0 holds the
 * input; the output of the last block (before the final norm) goes to y.
 * Decoder: ck/cv [n_dec_layers] point at each layer's cross keys/values
 * over the packed source rows of `src`. */
void t5_stack_forward(const struct t5_model *m, bool decoder, const struct t5_pack *pk,
                      const struct t5_pack *src, const float *bias, int bias_ld,
                      float *const *ck, float *const *cv, struct t5_acts *acts, bool store,
                      float *y);

/* Attention of every sequence of a pack, forward or backward. Sequences
 * are independent, so in training they run in up to T5_ATT_PARTS parts on
 * promptlab's thread policy, each part on its own scratch. */
enum { T5_ATT_PARTS = 4 };

struct t5_att {
    const struct t5_pack *pk;   /* query sequences */
    const struct t5_pack *kv;   /* key/value sequences: pk itself, or the source pack */
    int n_heads, d_kv, ld;      /* ld: row stride of every q/k/v/ctx array (I) */
    bool causal;
    const float *bias;          /* self-attention position bias, or NULL */
    int bias_ld;
    const float *q, *k, *v;     /* rows of pk (q) and kv (k, v) */
    float *p;                   /* probabilities; store: every sequence at poff/cpoff */
    bool store, cross;
    float *ctx;                 /* forward output rows of pk */
    /* backward */
    const float *dctx;
    float *dq, *dk, *dv;        /* dk, dv: rows of kv */
    float *dbias;               /* += d scores, or NULL */
    float *scratch;             /* [T5_ATT_PARTS][max q len * max k len] */
    float *dbias_parts;         /* [T5_ATT_PARTS][H * bias_ld^2] when dbias */
};
/* Parts t5_attend_* will use for this pack (a function of the shapes). */
int t5_att_parts(const struct t5_att *a);
void t5_attend_forward(const struct t5_att *a);
void t5_attend_backward(const struct t5_att *a);

/* Cross-attention keys and values of every decoder layer from the packed
 * encoder output enc [n, d]: ck[l], cv[l] = enc W^T. */
void t5_cross_kv(const struct t5_model *m, int n, const float *enc, float *const *ck,
                 float *const *cv);

/* Pack emb [B, T, d] rows (lens) into out [total, d]. */
void t5_pack_rows(const float *emb, int B, int T, int d, const struct t5_pack *pk, float *out);

/* Decoder inputs ([start] + target shifted right) and labels, packed by pk
 * (whose lens are tgt_lens). Refuses ids outside the vocabulary. */
int t5_pack_targets(const struct t5_config *c, const int *tgt, const int *tgt_lens, int B, int U,
                    const struct t5_pack *pk, int *dec_ids, int *labels, struct pl_err *e);

/* Tensor naming shared by loading, saving and parameter lists. */
struct t5_spec {
    char name[96];
    int n_dims;
    int64_t shape[2];
    float **slot;
};
/* Specs for weights `w` (which must have enc/dec arrays); with_lm_head adds
 * lm_head.weight. Returns the count; out may be NULL to count only. */
int t5_specs(const struct t5_config *c, struct t5_weights *w, bool with_lm_head,
             struct t5_spec *out);

#endif
