/* kernels.h - the numerical kernels under the model: matrix products
 * (OpenBLAS), RMS norm, activations, softmax, attention with position bias
 * and causal mask, and cross-entropy, each with its backward.
 *
 * Conventions: matrices are row-major float arrays; a "row" is one token.
 * Forward kernels write their outputs; backward kernels say per argument
 * whether they write ("=") or add ("+=") so that gradients from several
 * branches can be summed in place. Nothing allocates; where a kernel needs
 * scratch the caller passes it. All kernels are thread-safe (no state). */
#ifndef PROMPTLAB_KERNELS_H
#define PROMPTLAB_KERNELS_H

#include <stdbool.h>
#include <stddef.h>

/* ---- matrix products ---------------------------------------------------- */

/* C[M,N] = alpha * op(A) * op(B) + beta * C, op(X) = X or X^T (ta / tb),
 * with leading dimensions as stored (row-major). M, N or K may be 0. */
void kern_gemm(bool ta, bool tb, int M, int N, int K, float alpha, const float *A, int lda,
               const float *B, int ldb, float beta, float *C, int ldc);

/* Linear layer without bias, nn.Linear layout: w is [n_out, n_in].
 * forward:        y[n, n_out]  = x[n, n_in] * w^T   (+ beta * y)
 * backward input: dx[n, n_in]  = dy[n, n_out] * w   (+ beta * dx)
 * backward weight: dw[n_out, n_in] += dy^T * x
 * n == 1 uses a matrix-vector product. */
void kern_linear(int n, int n_in, int n_out, const float *x, const float *w, float beta, float *y);
void kern_linear_dx(int n, int n_in, int n_out, const float *dy, const float *w, float beta,
                    float *dx);
void kern_linear_dw(int n, int n_in, int n_out, const float *dy, const float *x, float *dw);

/* ---- RMS norm (T5LayerNorm: no mean, no bias) ---------------------------- */

/* y = w * x / sqrt(mean(x^2) + eps) per row of d; inv (optional, [rows])
 * receives 1/sqrt(mean(x^2) + eps). y may equal x. */
void kern_rmsnorm(int rows, int d, const float *x, const float *w, float eps, float *y,
                  float *inv);
/* dx += d(loss)/dx; dw += d(loss)/dw when dw is not NULL. x and inv as in
 * the forward pass. dx must not alias dy. */
void kern_rmsnorm_backward(int rows, int d, const float *x, const float *w, const float *inv,
                           const float *dy, float *dx, float *dw);

/* ---- activations -------------------------------------------------------- */

enum kern_act {
    KERN_RELU,
    KERN_GELU_TANH, /* gelu_new: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) */
    KERN_GELU_ERF,  /* exact gelu: 0.5 x (1 + erf(x / sqrt(2))) */
};

/* y = act(x); y may equal x. */
void kern_act(enum kern_act act, size_t n, const float *x, float *y);
/* dx = dy * act'(x) (written); dx may equal dy. */
void kern_act_backward(enum kern_act act, size_t n, const float *x, const float *dy, float *dx);
/* Gated unit: g = act(a0) * a1. */
void kern_gated(enum kern_act act, size_t n, const float *a0, const float *a1, float *g);
/* da0 = dg * a1 * act'(a0), da1 = dg * act(a0) (both written); da0 may
 * equal dg. */
void kern_gated_backward(enum kern_act act, size_t n, const float *a0, const float *a1,
                         const float *dg, float *da0, float *da1);

/* ---- softmax and cross-entropy ------------------------------------------ */

/* Softmax of each row of n, in place. */
void kern_softmax(int rows, int n, float *x);
/* dx = p * (dp - sum(dp * p)) per row (written); dx may equal dp. */
void kern_softmax_backward(int rows, int n, const float *p, const float *dp, float *dx);
/* out = log_softmax(x) for one row of n; out may equal x. */
void kern_log_softmax(int n, const float *x, float *out);

/* Cross-entropy over rows of logits [rows, n] with one target per row.
 * The logits are replaced by their softmax probabilities (kept for the
 * backward pass); logp (optional, [rows]) receives log p(target).
 * Returns the sum over rows of -log p(target), accumulated in double. */
double kern_cross_entropy(int rows, int n, float *logits, const int *targets, float *logp);
/* dlogits = scale * (p - onehot(target)) (written); dlogits may equal p. */
void kern_cross_entropy_backward(int rows, int n, const float *p, const int *targets, float scale,
                                 float *dlogits);

/* ---- attention ---------------------------------------------------------- */

/* Multi-head attention for one sequence, T5 style (no 1/sqrt(d) scaling).
 * q [tq, ldq], k [tk, ldk], v [tk, ldv]: head h occupies columns
 * h*d_kv ... h*d_kv + d_kv - 1 of each. Scores for head h are
 * q_h k_h^T + bias_h, where bias_h is the [tq, tk] block at
 * bias + h * bias_hstride with row stride ldb (bias may be NULL).
 * causal: key j is visible to query i only when j <= i + (tk - tq); hidden
 * keys get probability exactly 0 (as Hugging Face's finfo.min mask gives).
 * p [n_heads, tq, tk] receives the probabilities (kept for the backward);
 * out [tq, ldo] receives the concatenated heads. */
void kern_attention(int n_heads, int d_kv, int tq, int tk, const float *q, int ldq,
                    const float *k, int ldk, const float *v, int ldv, const float *bias, int ldb,
                    size_t bias_hstride, bool causal, float *p, float *out, int ldo);

/* Backward of kern_attention given dout [tq, lddo]: dq, dk, dv (written,
 * head slices as in the forward) and, when dbias is not NULL, dbias_h +=
 * d(loss)/d(scores_h) in the same layout as bias. scratch: tq * tk floats. */
void kern_attention_backward(int n_heads, int d_kv, int tq, int tk, const float *q, int ldq,
                             const float *k, int ldk, const float *v, int ldv, const float *p,
                             const float *dout, int lddo, float *dq, int lddq, float *dk,
                             int lddk, float *dv, int lddv, float *dbias, int lddb,
                             size_t dbias_hstride, float *scratch);

#endif
