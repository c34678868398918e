/* test_kernels.c - every forward kernel against naive double-precision loops,
 * every backward kernel against central finite differences of those naive
 * loops (double precision, so the difference quotient is accurate to ~1e-8
 * and the tolerance only has to cover the float kernels). */
#include <stdlib.h>

#include "promptlab/core.h"
#include "promptlab/kernels.h"
#include "test.h"

static struct pl_rng rng;

static float *rnd(size_t n, float scale)
{
    float *p = malloc(n * sizeof(float) + 1);
    for (size_t i = 0; i < n; i++)
        p[i] = (2.0f * pl_rng_float(&rng) - 1.0f) * scale;
    return p;
}

static double *dcopy(const float *x, size_t n)
{
    double *d = malloc(n * sizeof(double) + 1);
    for (size_t i = 0; i < n; i++)
        d[i] = x[i];
    return d;
}

/* max |a-b| / max(1e-3 floor, max|b|) over arrays: a relative-to-scale error */
static double rel_err(const float *a, const double *b, size_t n)
{
    double m = 0, e = 0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs(b[i]));
    for (size_t i = 0; i < n; i++)
        e = fmax(e, fabs((double)a[i] - b[i]));
    return e / fmax(m, 1e-3);
}

/* ---- gemm / linear --------------------------------------------------------- */

static void test_gemm(void)
{
    for (int t = 0; t < 4; t++) {
        bool ta = t & 1, tb = t & 2;
        int M = 7, N = 5, K = 9, lda = (ta ? M : K) + 3, ldb = (tb ? K : N) + 2, ldc = N + 1;
        float *A = rnd((size_t)(ta ? K : M) * lda, 1), *B = rnd((size_t)(tb ? N : K) * ldb, 1);
        float *C = rnd((size_t)M * ldc, 1);
        double *ref = malloc(sizeof(double) * M * ldc);
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++) {
                double s = 0;
                for (int k = 0; k < K; k++)
                    s += (double)(ta ? A[k * lda + i] : A[i * lda + k]) *
                         (tb ? B[j * ldb + k] : B[k * ldb + j]);
                ref[i * ldc + j] = 0.5 * s + 0.25 * C[i * ldc + j];
            }
        kern_gemm(ta, tb, M, N, K, 0.5f, A, lda, B, ldb, 0.25f, C, ldc);
        double e = 0;
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++)
                e = fmax(e, fabs(C[i * ldc + j] - ref[i * ldc + j]));
        CHECKF(e < 1e-5, "gemm ta=%d tb=%d err %g", ta, tb, e);
        free(A), free(B), free(C), free(ref);
    }
}

static void test_linear(void)
{
    static const int shapes[][3] = {{1, 13, 11}, {6, 13, 11}, {9, 13, 11}, {3, 1000, 2500}};
    for (int si = 0; si < 4; si++) { /* one row, few rows, many rows, few rows in blocks */
        int n = shapes[si][0], in = shapes[si][1], out = shapes[si][2];
        float *x = rnd((size_t)n * in, 1), *w = rnd((size_t)out * in, 1), *y = rnd((size_t)n * out, 1);
        float *dy = rnd((size_t)n * out, 1), *dx = rnd((size_t)n * in, 1), *dw = rnd((size_t)out * in, 1);
        double *ry = malloc(sizeof(double) * n * out), *rdx = malloc(sizeof(double) * n * in),
               *rdw = malloc(sizeof(double) * out * in);
        for (int i = 0; i < n; i++)
            for (int o = 0; o < out; o++) {
                double s = 0;
                for (int k = 0; k < in; k++)
                    s += (double)x[i * in + k] * w[o * in + k];
                ry[i * out + o] = s + 1.0 * y[i * out + o];
            }
        for (int i = 0; i < n; i++)
            for (int k = 0; k < in; k++) {
                double s = 0;
                for (int o = 0; o < out; o++)
                    s += (double)dy[i * out + o] * w[o * in + k];
                rdx[i * in + k] = s; /* beta 0 */
            }
        for (int o = 0; o < out; o++)
            for (int k = 0; k < in; k++) {
                double s = dw[o * in + k];
                for (int i = 0; i < n; i++)
                    s += (double)dy[i * out + o] * x[i * in + k];
                rdw[o * in + k] = s;
            }
        kern_linear(n, in, out, x, w, 1.0f, y);
        kern_linear_dx(n, in, out, dy, w, 0.0f, dx);
        kern_linear_dw(n, in, out, dy, x, dw);
        CHECKF(rel_err(y, ry, (size_t)n * out) < 1e-6, "linear n=%d", n);
        CHECKF(rel_err(dx, rdx, (size_t)n * in) < 1e-6, "linear_dx n=%d", n);
        CHECKF(rel_err(dw, rdw, (size_t)out * in) < 1e-6, "linear_dw n=%d", n);
        free(x), free(w), free(y), free(dy), free(dx), free(dw), free(ry), free(rdx), free(rdw);
    }
}

/* ---- finite differences ----------------------------------------------------- */

/* A scalar function of a double vector (the naive forward, contracted with
 * fixed random weights). */
typedef double (*scalar_fn)(const double *x, void *ctx);

/* Compare grad (float, from a backward kernel) with central differences of
 * f at x (n entries, checking every `stride`-th). */
static double fd_error(scalar_fn f, void *ctx, double *x, size_t n, const float *grad,
                       size_t stride)
{
    double worst = 0, scale = 1e-3;
    for (size_t i = 0; i < n; i++)
        scale = fmax(scale, fabs(grad[i]));
    for (size_t i = 0; i < n; i += stride) {
        double old = x[i], h = 1e-5 * fmax(1.0, fabs(old));
        x[i] = old + h;
        double fp = f(x, ctx);
        x[i] = old - h;
        double fm = f(x, ctx);
        x[i] = old;
        double num = (fp - fm) / (2 * h);
        worst = fmax(worst, fabs(num - grad[i]) / scale);
    }
    return worst;
}

/* ---- RMS norm ---------------------------------------------------------------- */

struct rms_ctx {
    int rows, d;
    double eps;
    const double *x, *w, *c; /* one of x / w is the variable */
    int wrt_w;
};

static double rms_naive(const double *x, const double *w, const double *c, int rows, int d,
                        double eps, double *y)
{
    double L = 0;
    for (int r = 0; r < rows; r++) {
        double ss = 0;
        for (int i = 0; i < d; i++)
            ss += x[r * d + i] * x[r * d + i];
        double s = 1.0 / sqrt(ss / d + eps);
        for (int i = 0; i < d; i++) {
            double v = w[i] * x[r * d + i] * s;
            if (y)
                y[r * d + i] = v;
            L += c[r * d + i] * v;
        }
    }
    return L;
}

static double rms_f(const double *v, void *p)
{
    struct rms_ctx *c = p;
    return rms_naive(c->wrt_w ? c->x : v, c->wrt_w ? v : c->w, c->c, c->rows, c->d, c->eps, NULL);
}

static void test_rmsnorm(void)
{
    int rows = 3, d = 37; /* odd width exercises the vector tails */
    float *x = rnd((size_t)rows * d, 2), *w = rnd(d, 1.5f), *c = rnd((size_t)rows * d, 1);
    float *y = malloc(sizeof(float) * rows * d), inv[3];
    double *xd = dcopy(x, (size_t)rows * d), *wd = dcopy(w, d), *cd = dcopy(c, (size_t)rows * d);
    double *yd = malloc(sizeof(double) * rows * d);
    rms_naive(xd, wd, cd, rows, d, 1e-6, yd);
    kern_rmsnorm(rows, d, x, w, 1e-6f, y, inv);
    CHECKF(rel_err(y, yd, (size_t)rows * d) < 2e-6, "rmsnorm forward %g", rel_err(y, yd, (size_t)rows * d));

    float *dx = calloc((size_t)rows * d, sizeof(float)), *dw = calloc(d, sizeof(float));
    /* accumulate onto a known base to check the += contract */
    for (int i = 0; i < rows * d; i++)
        dx[i] = 1.0f;
    kern_rmsnorm_backward(rows, d, x, w, inv, c, dx, dw);
    for (int i = 0; i < rows * d; i++)
        dx[i] -= 1.0f;
    struct rms_ctx ctx = {rows, d, 1e-6, xd, wd, cd, 0};
    double ex = fd_error(rms_f, &ctx, xd, (size_t)rows * d, dx, 1);
    CHECKF(ex < 1e-4, "rmsnorm dx err %g", ex);
    ctx.wrt_w = 1;
    double ew = fd_error(rms_f, &ctx, wd, d, dw, 1);
    CHECKF(ew < 1e-4, "rmsnorm dw err %g", ew);
    free(x), free(w), free(c), free(y), free(xd), free(wd), free(cd), free(yd), free(dx), free(dw);
}

/* ---- activations ------------------------------------------------------------- */

static double act_naive(enum kern_act a, double x)
{
    switch (a) {
    case KERN_RELU: return x > 0 ? x : 0;
    case KERN_GELU_TANH: return 0.5 * x * (1 + tanh(sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
    case KERN_GELU_ERF: return 0.5 * x * (1 + erf(x / sqrt(2.0)));
    }
    return 0;
}

struct act_ctx {
    enum kern_act a;
    size_t n;
    const double *c, *other; /* other = a1 for the gated form */
    int gated, wrt_a1;
};

static double act_f(const double *v, void *p)
{
    struct act_ctx *c = p;
    double L = 0;
    for (size_t i = 0; i < c->n; i++) {
        double y;
        if (!c->gated)
            y = act_naive(c->a, v[i]);
        else if (c->wrt_a1)
            y = act_naive(c->a, c->other[i]) * v[i];
        else
            y = act_naive(c->a, v[i]) * c->other[i];
        L += c->c[i] * y;
    }
    return L;
}

static void test_activations(void)
{
    static const char *names[] = {"relu", "gelu_tanh", "gelu_erf"};
    size_t n = 203;
    for (int a = KERN_RELU; a <= KERN_GELU_ERF; a++) {
        float *x = rnd(n, 6), *a1 = rnd(n, 2), *c = rnd(n, 1);
        for (size_t i = 0; i < n; i++) /* keep ReLU away from its kink */
            if (fabsf(x[i]) < 0.01f)
                x[i] = 0.5f;
        x[0] = -30.0f, x[1] = 30.0f, x[2] = 1e-4f; /* saturation and tiny inputs */
        float *y = malloc(sizeof(float) * n), *dx = malloc(sizeof(float) * n),
              *g = malloc(sizeof(float) * n), *da0 = malloc(sizeof(float) * n),
              *da1 = malloc(sizeof(float) * n);
        kern_act(a, n, x, y);
        double e = 0;
        for (size_t i = 0; i < n; i++)
            e = fmax(e, fabs(y[i] - act_naive(a, x[i])) / fmax(1.0, fabs(act_naive(a, x[i]))));
        CHECKF(e < 2e-6, "%s forward err %g", names[a], e);
        kern_gated(a, n, x, a1, g);
        e = 0;
        for (size_t i = 0; i < n; i++) {
            double r = act_naive(a, x[i]) * a1[i];
            e = fmax(e, fabs(g[i] - r) / fmax(1.0, fabs(r)));
        }
        CHECKF(e < 2e-6, "%s gated forward err %g", names[a], e);

        double *xd = dcopy(x, n), *a1d = dcopy(a1, n), *cd = dcopy(c, n);
        kern_act_backward(a, n, x, c, dx);
        struct act_ctx ctx = {a, n, cd, NULL, 0, 0};
        e = fd_error(act_f, &ctx, xd, n, dx, 1);
        CHECKF(e < 1e-4, "%s backward err %g", names[a], e);
        kern_gated_backward(a, n, x, a1, c, da0, da1);
        struct act_ctx g0 = {a, n, cd, a1d, 1, 0}, g1 = {a, n, cd, xd, 1, 1};
        e = fd_error(act_f, &g0, xd, n, da0, 1);
        CHECKF(e < 1e-4, "%s gated da0 err %g", names[a], e);
        e = fd_error(act_f, &g1, a1d, n, da1, 1);
        CHECKF(e < 1e-4, "%s gated da1 err %g", names[a], e);
        free(x), free(a1), free(c), free(y), free(dx), free(g), free(da0), free(da1);
        free(xd), free(a1d), free(cd);
    }
}

/* ---- softmax, log-softmax, cross-entropy --------------------------------------- */

static void softmax_naive(int n, const double *x, double *p)
{
    double m = -INFINITY, s = 0;
    for (int i = 0; i < n; i++)
        m = fmax(m, x[i]);
    for (int i = 0; i < n; i++)
        s += exp(x[i] - m);
    for (int i = 0; i < n; i++)
        p[i] = exp(x[i] - m) / s;
}

struct sm_ctx {
    int rows, n;
    const double *c;
    const int *tgt; /* NULL: softmax contracted with c; else cross-entropy */
};

static double sm_f(const double *x, void *p)
{
    struct sm_ctx *c = p;
    double L = 0, *pr = malloc(sizeof(double) * c->n);
    for (int r = 0; r < c->rows; r++) {
        softmax_naive(c->n, x + (size_t)r * c->n, pr);
        if (c->tgt)
            L -= log(pr[c->tgt[r]]) * 0.5; /* scale 0.5 as passed to the backward */
        else
            for (int i = 0; i < c->n; i++)
                L += c->c[(size_t)r * c->n + i] * pr[i];
    }
    free(pr);
    return L;
}

static void test_softmax(void)
{
    int rows = 4, n = 45;
    float *x = rnd((size_t)rows * n, 8), *c = rnd((size_t)rows * n, 1);
    float *p = malloc(sizeof(float) * rows * n), *dx = malloc(sizeof(float) * rows * n);
    double *xd = dcopy(x, (size_t)rows * n), *cd = dcopy(c, (size_t)rows * n);
    double *pd = malloc(sizeof(double) * rows * n);
    for (int r = 0; r < rows; r++)
        softmax_naive(n, xd + r * n, pd + r * n);
    memcpy(p, x, sizeof(float) * rows * n);
    kern_softmax(rows, n, p);
    CHECKF(rel_err(p, pd, (size_t)rows * n) < 1e-6, "softmax forward %g", rel_err(p, pd, (size_t)rows * n));
    kern_softmax_backward(rows, n, p, c, dx);
    struct sm_ctx ctx = {rows, n, cd, NULL};
    double e = fd_error(sm_f, &ctx, xd, (size_t)rows * n, dx, 1);
    CHECKF(e < 1e-4, "softmax backward err %g", e);

    /* log-softmax */
    float *ls = malloc(sizeof(float) * n);
    kern_log_softmax(n, x, ls);
    double le = 0;
    for (int i = 0; i < n; i++)
        le = fmax(le, fabs(ls[i] - log(pd[i])));
    CHECKF(le < 1e-5, "log_softmax err %g", le);

    /* cross-entropy: loss, per-row log p, gradient */
    int tgt[4] = {3, 0, 44, 17};
    float *lg = malloc(sizeof(float) * rows * n), lp[4];
    memcpy(lg, x, sizeof(float) * rows * n);
    double loss = kern_cross_entropy(rows, n, lg, tgt, lp);
    double ref = 0;
    for (int r = 0; r < rows; r++) {
        ref -= log(pd[r * n + tgt[r]]);
        CHECK_NEAR(lp[r], log(pd[r * n + tgt[r]]), 1e-5);
    }
    CHECK_NEAR(loss, ref, 1e-5);
    CHECKF(rel_err(lg, pd, (size_t)rows * n) < 1e-6, "cross-entropy keeps probabilities");
    kern_cross_entropy_backward(rows, n, lg, tgt, 0.5f, lg);
    struct sm_ctx cctx = {rows, n, NULL, tgt};
    e = fd_error(sm_f, &cctx, xd, (size_t)rows * n, lg, 1);
    CHECKF(e < 1e-4, "cross-entropy backward err %g", e);

    /* large vocabulary row: stable with big logits, sums to one */
    int V = 32128;
    float *big = rnd(V, 30);
    big[5] = 500.0f;
    kern_softmax(1, V, big);
    double s = 0;
    for (int i = 0; i < V; i++)
        s += big[i];
    CHECK_NEAR(s, 1.0, 1e-5);
    CHECK(big[5] > 0.999f);
    free(big);
    free(x), free(c), free(p), free(dx), free(xd), free(cd), free(pd), free(ls), free(lg);
}

/* ---- attention ------------------------------------------------------------------ */

struct att_case {
    int H, dk, tq, tk, ld, causal, with_bias;
};

struct att_ctx {
    const struct att_case *c;
    double *q, *k, *v, *b; /* b: [H, tq, tk] dense */
    const double *g;       /* contraction weights for out [tq, H*dk] */
};

static void att_naive(const struct att_case *c, const double *q, const double *k, const double *v,
                      const double *b, double *out /* [tq, H*dk] */)
{
    int I = c->H * c->dk, shift = c->tk - c->tq;
    double *s = malloc(sizeof(double) * c->tk);
    for (int h = 0; h < c->H; h++)
        for (int i = 0; i < c->tq; i++) {
            double m = -INFINITY, z = 0;
            for (int j = 0; j < c->tk; j++) {
                double t = 0;
                for (int d = 0; d < c->dk; d++)
                    t += q[i * c->ld + h * c->dk + d] * k[j * c->ld + h * c->dk + d];
                if (b)
                    t += b[(h * c->tq + i) * c->tk + j];
                if (c->causal && j > i + shift)
                    t = -INFINITY;
                s[j] = t;
                m = fmax(m, t);
            }
            for (int j = 0; j < c->tk; j++)
                z += s[j] == -INFINITY ? 0 : exp(s[j] - m);
            for (int d = 0; d < c->dk; d++) {
                double o = 0;
                for (int j = 0; j < c->tk; j++)
                    if (s[j] != -INFINITY)
                        o += exp(s[j] - m) / z * v[j * c->ld + h * c->dk + d];
                out[i * I + h * c->dk + d] = o;
            }
        }
    free(s);
}

static double att_f(const double *unused, void *p)
{
    (void)unused; /* the perturbed array is one of q/k/v/b, updated in place */
    struct att_ctx *a = p;
    int I = a->c->H * a->c->dk;
    double *out = malloc(sizeof(double) * a->c->tq * I), L = 0;
    att_naive(a->c, a->q, a->k, a->v, a->c->with_bias ? a->b : NULL, out);
    for (int i = 0; i < a->c->tq * I; i++)
        L += a->g[i] * out[i];
    free(out);
    return L;
}

static void test_attention(void)
{
    static const struct att_case cases[] = {
        {2, 4, 5, 5, 11, 0, 1},   /* encoder-like, padded row stride */
        {3, 4, 6, 6, 12, 1, 1},   /* causal decoder */
        {2, 5, 3, 7, 10, 0, 0},   /* cross attention, no bias */
        {1, 3, 2, 5, 3, 1, 1},    /* causal with tk > tq (cached keys) */
        {2, 5, 1, 7, 12, 0, 1},   /* one query row: the loop path (decoding) */
        {2, 4, 1, 6, 9, 1, 1},    /* one query row, causal over cached keys */
        {3, 4, 4, 1, 12, 0, 1},   /* one key */
        {2, 64, 40, 50, 128, 0, 1}, /* larger */
        {2, 64, 50, 50, 128, 1, 1},
    };
    for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
        const struct att_case *c = &cases[ci];
        int I = c->H * c->dk;
        size_t nq = (size_t)c->tq * c->ld, nk = (size_t)c->tk * c->ld, nb = (size_t)c->H * c->tq * c->tk;
        float *q = rnd(nq, 1), *k = rnd(nk, 1), *v = rnd(nk, 1), *b = rnd(nb, 2), *g = rnd((size_t)c->tq * I, 1);
        float *p = malloc(sizeof(float) * nb), *out = malloc(sizeof(float) * c->tq * I);
        double *qd = dcopy(q, nq), *kd = dcopy(k, nk), *vd = dcopy(v, nk), *bd = dcopy(b, nb),
               *gd = dcopy(g, (size_t)c->tq * I), *od = malloc(sizeof(double) * c->tq * I);
        kern_attention(c->H, c->dk, c->tq, c->tk, q, c->ld, k, c->ld, v, c->ld,
                       c->with_bias ? b : NULL, c->tk, (size_t)c->tq * c->tk, c->causal, p, out, I);
        att_naive(c, qd, kd, vd, c->with_bias ? bd : NULL, od);
        double e = rel_err(out, od, (size_t)c->tq * I);
        CHECKF(e < 1e-5, "attention case %zu forward err %g", ci, e);
        if (c->causal) {
            int hidden_ok = 1;
            for (int h = 0; h < c->H; h++)
                for (int i = 0; i < c->tq; i++)
                    for (int j = i + c->tk - c->tq + 1; j < c->tk; j++)
                        hidden_ok &= p[((size_t)h * c->tq + i) * c->tk + j] == 0.0f;
            CHECKF(hidden_ok, "attention case %zu: hidden keys have probability 0", ci);
        }

        float *dq = malloc(sizeof(float) * nq), *dk = malloc(sizeof(float) * nk),
              *dv = malloc(sizeof(float) * nk), *db = calloc(nb, sizeof(float)),
              *scratch = malloc(sizeof(float) * c->tq * c->tk);
        for (size_t i = 0; i < nq; i++)
            dq[i] = 0;
        for (size_t i = 0; i < nk; i++)
            dk[i] = dv[i] = 0;
        kern_attention_backward(c->H, c->dk, c->tq, c->tk, q, c->ld, k, c->ld, v, c->ld, p, g, I,
                                dq, c->ld, dk, c->ld, dv, c->ld, db, c->tk,
                                (size_t)c->tq * c->tk, scratch);
        struct att_ctx a = {c, qd, kd, vd, bd, gd};
        size_t stride = c->dk >= 64 ? 37 : 1; /* sample the big cases */
        double eq = fd_error(att_f, &a, qd, nq, dq, stride);
        double ek = fd_error(att_f, &a, kd, nk, dk, stride);
        double ev = fd_error(att_f, &a, vd, nk, dv, stride);
        CHECKF(eq < 1e-4, "attention case %zu dq err %g", ci, eq);
        CHECKF(ek < 1e-4, "attention case %zu dk err %g", ci, ek);
        CHECKF(ev < 1e-4, "attention case %zu dv err %g", ci, ev);
        if (c->with_bias) {
            double eb = fd_error(att_f, &a, bd, nb, db, stride);
            CHECKF(eb < 1e-4, "attention case %zu dbias err %g", ci, eb);
        }
        free(q), free(k), free(v), free(b), free(g), free(p), free(out);
        free(qd), free(kd), free(vd), free(bd), free(gd), free(od);
        free(dq), free(dk), free(dv), free(db), free(scratch);
    }
}

int main(void)
{
    pl_rng_seed(&rng, 1234);
    test_gemm();
    test_linear();
    test_rmsnorm();
    test_activations();
    test_softmax();
    test_attention();
    TEST_END();
}
