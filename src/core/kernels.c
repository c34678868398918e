/* kernels.c - matrix products, RMS norm, activations, softmax, attention and
 * cross-entropy, forward and backward (see kernels.h for the contracts).
 *
 * The one idea: large products go to OpenBLAS; the elementwise work is
 * written with GCC vector extensions (8 floats) so that it vectorises
 * without -ffast-math, and exp is our own vectorised polynomial (accurate
 * to a couple of ulp), since libm's expf/tanhf would dominate the GELU and
 * softmax passes otherwise. */
#include "promptlab/kernels.h"
#include "promptlab/blas.h"

#include <cblas.h>
#ifdef __FMA__
#include <immintrin.h>
#endif
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The vectors never cross a non-inline call, so GCC's note that their ABI
 * differs without AVX does not apply. */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpsabi"
#elif defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

typedef float v8f __attribute__((vector_size(32), aligned(4), may_alias));
typedef int32_t v8i __attribute__((vector_size(32), aligned(4), may_alias));

static inline v8f v8_load(const float *p) { return *(const v8f *)p; }
static inline void v8_store(float *p, v8f v) { *(v8f *)p = v; }
static inline v8f v8_set1(float x) { return (v8f){x, x, x, x, x, x, x, x}; }

/* a * b + c, fused where the CPU can (ISO C mode never contracts a*b+c). */
static inline v8f v8_fma(v8f a, v8f b, v8f c)
{
#ifdef __FMA__
    return (v8f)_mm256_fmadd_ps((__m256)a, (__m256)b, (__m256)c);
#else
    return a * b + c;
#endif
}

static inline float v8_hsum(v8f v)
{
    float s = 0;
    for (int i = 0; i < 8; i++)
        s += v[i];
    return s;
}

/* C has no vector ?:, so select through the comparison mask. */
static inline v8f v8_select(v8i m, v8f a, v8f b) { return (v8f)(((v8i)a & m) | ((v8i)b & ~m)); }
static inline v8f v8_max(v8f a, v8f b) { return v8_select(a > b, a, b); }
static inline v8f v8_min(v8f a, v8f b) { return v8_select(a < b, a, b); }

/* exp(x) for a vector: x = n ln2 + r with |r| <= ln2/2, e^r by its Taylor
 * polynomial to degree 7 (error < 1e-8 relative), 2^n by building the
 * exponent bits. Inputs are clamped to the normal float range, so very
 * negative inputs give ~1e-38 instead of 0 and large ones ~3e38. */
static inline v8f v8_exp(v8f x)
{
    const v8f log2e = v8_set1(1.44269504088896341f);
    const v8f ln2_hi = v8_set1(0.693359375f), ln2_lo = v8_set1(-2.12194440e-4f);
    x = v8_min(v8_max(x, v8_set1(-87.0f)), v8_set1(88.0f));
    v8f y = x * log2e + v8_set1(0.5f);
    v8i n = __builtin_convertvector(y, v8i);
    n += (v8i)(__builtin_convertvector(n, v8f) > y); /* truncation -> floor */
    v8f fn = __builtin_convertvector(n, v8f);
    v8f r = x - fn * ln2_hi - fn * ln2_lo;
    v8f p = v8_set1(1.0f / 5040);
    p = p * r + v8_set1(1.0f / 720);
    p = p * r + v8_set1(1.0f / 120);
    p = p * r + v8_set1(1.0f / 24);
    p = p * r + v8_set1(1.0f / 6);
    p = p * r + v8_set1(0.5f);
    p = p * r + v8_set1(1.0f);
    p = p * r + v8_set1(1.0f);
    v8i bits = (n + 127) << 23;
    return p * (v8f)bits;
}

/* Scalar exp through the same polynomial, for loop tails, so that a value
 * does not depend on where it sits in a row. */
static inline float s_exp(float x)
{
    v8f v = v8_set1(x);
    return v8_exp(v)[0];
}

/* ---- matrix products ---------------------------------------------------- */

/* Products run on promptlab's thread policy (blas.h). A large one is cut
 * into parts, each one single-threaded sgemm, in one of two ways:
 *  - slices of whole 16-column (or row) blocks of the larger of C's two
 *    dimensions; each slice repacks the other operand, which costs about
 *    REPACK_COST operations per element (measured: 6 slices of a
 *    192x192x4096 product ran at 67% of one sgemm's speed), so the number
 *    of slices is held to 1 + max(M, N) / SLICE_DIV;
 *  - ranges of K, for products with a small C and a long K (weight
 *    gradients): the first range accumulates into C, the others into
 *    scratch rows added to C in range order afterwards.
 * Which way, and how many parts, is a function of the shape alone, never of
 * the threads, because OpenBLAS's rounding depends on the cut (measured: up
 * to 5e-6 apart), so results never depend on the threads either. */
struct gemm_args {
    bool ta, tb;
    int mode; /* GEMM_SPLIT_M, _N or _K */
    int M, N, K;
    float alpha, beta;
    const float *A, *B;
    int lda, ldb, ldc;
    float *C;
    float *scratch; /* split K: [parts - 1][M * N] */
};

enum { GEMM_SPLIT_M, GEMM_SPLIT_N, GEMM_SPLIT_K };
enum {
    GEMM_ALIGN = 16,
    GEMM_MAX_PARTS = 8,
    SLICE_DIV = 256,  /* a slice per this many rows of the split dimension, past the first */
    K_RANGE_MIN = 256 /* shortest K range worth its own sgemm */
};
#define GEMM_PART_WORK 4e6 /* floating-point operations per part at least */

static void slice_of(int len, int part, int n_parts, int *at, int *n)
{
    int step = (len + n_parts - 1) / n_parts;
    step = (step + GEMM_ALIGN - 1) / GEMM_ALIGN * GEMM_ALIGN;
    *at = part * step;
    *n = *at >= len ? 0 : len - *at < step ? len - *at : step;
}

/* The cut for an M x N x K product: mode and parts (1: no cut). */
static int gemm_plan(int M, int N, int K, int *mode)
{
    double work = 2.0 * M * N * K;
    double p = work / GEMM_PART_WORK;
    int most = p < 1 ? 1 : p > GEMM_MAX_PARTS ? GEMM_MAX_PARTS : (int)p;
    int big = M > N ? M : N;
    int slices = 1 + big / SLICE_DIV, ranges = K / K_RANGE_MIN;
    if (slices > big / GEMM_ALIGN)
        slices = big / GEMM_ALIGN;
    slices = slices < most ? slices : most;
    ranges = ranges < most ? ranges : most;
    /* K ranges cost a pass over C each: only where C is small next to the operands */
    if (ranges > slices && (double)M * N * 8 < (double)K * (M + N)) {
        *mode = GEMM_SPLIT_K;
        return ranges;
    }
    *mode = N >= M ? GEMM_SPLIT_N : GEMM_SPLIT_M;
    return slices < 1 ? 1 : slices;
}

static void gemm_part(void *arg, int part, int n_parts)
{
    const struct gemm_args *g = arg;
    const float *A = g->A, *B = g->B;
    float *C = g->C;
    int M = g->M, N = g->N, K = g->K, ldc = g->ldc, at, n;
    float beta = g->beta;
    if (g->mode == GEMM_SPLIT_N) {
        slice_of(N, part, n_parts, &at, &n);
        B += g->tb ? (size_t)at * g->ldb : (size_t)at;
        C += at;
        N = n;
    } else if (g->mode == GEMM_SPLIT_M) {
        slice_of(M, part, n_parts, &at, &n);
        A += g->ta ? (size_t)at : (size_t)at * g->lda;
        C += (size_t)at * ldc;
        M = n;
    } else {
        at = (int)((long)K * part / n_parts);
        n = (int)((long)K * (part + 1) / n_parts) - at;
        A += g->ta ? (size_t)at * g->lda : (size_t)at;
        B += g->tb ? (size_t)at : (size_t)at * g->ldb;
        K = n;
        if (part > 0) {
            C = g->scratch + (size_t)(part - 1) * M * N;
            ldc = N;
            beta = 0.0f;
        }
    }
    if (M > 0 && N > 0)
        cblas_sgemm(CblasRowMajor, g->ta ? CblasTrans : CblasNoTrans,
                    g->tb ? CblasTrans : CblasNoTrans, M, N, K, g->alpha, A, g->lda, B, g->ldb,
                    beta, C, ldc);
}

/* Scratch for K ranges, kept per thread and grown as needed (a weight
 * gradient's C is at most a few MB), so a training step allocates nothing
 * after its first. A thread's scratch is freed when the thread ends (a
 * pthread key's destructor: worker threads come and go). */
struct k_scratch {
    float *p;
    size_t cap;
};
static pthread_key_t k_scratch_key;
static pthread_once_t k_scratch_once = PTHREAD_ONCE_INIT;

static void k_scratch_free(void *v)
{
    struct k_scratch *s = v;
    free(s->p);
    free(s);
}

static void k_scratch_init(void)
{
    pthread_key_create(&k_scratch_key, k_scratch_free);
}

static float *scratch_for(size_t n)
{
    pthread_once(&k_scratch_once, k_scratch_init);
    struct k_scratch *s = pthread_getspecific(k_scratch_key);
    if (!s) {
        if (!(s = calloc(1, sizeof *s)))
            return NULL;
        if (pthread_setspecific(k_scratch_key, s)) {
            free(s);
            return NULL;
        }
    }
    if (n > s->cap) {
        float *p = realloc(s->p, n * sizeof(float));
        if (!p)
            return NULL;
        s->p = p;
        s->cap = n;
    }
    return s->p;
}

void kern_gemm(bool ta, bool tb, int M, int N, int K, float alpha, const float *A, int lda,
               const float *B, int ldb, float beta, float *C, int ldc)
{
    if (M <= 0 || N <= 0)
        return;
    if (K <= 0) {
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++)
                C[(size_t)i * ldc + j] = beta == 0 ? 0 : beta * C[(size_t)i * ldc + j];
        return;
    }
    struct gemm_args g = {ta, tb, 0, M, N, K, alpha, beta, A, B, lda, ldb, ldc, C, NULL};
    int parts = gemm_plan(M, N, K, &g.mode);
    if (g.mode == GEMM_SPLIT_K && parts > 1 &&
        !(g.scratch = scratch_for((size_t)(parts - 1) * M * N))) {
        g.mode = N >= M ? GEMM_SPLIT_N : GEMM_SPLIT_M; /* no memory: cut the other way */
        parts = 1;
    }
    pl_parallel(2.0 * M * N * K, parts, gemm_part, &g);
    if (g.mode == GEMM_SPLIT_K)
        for (int p = 1; p < parts; p++) {
            const float *S = g.scratch + (size_t)(p - 1) * M * N;
            for (int i = 0; i < M; i++) {
                float *c = C + (size_t)i * ldc;
                const float *sr = S + (size_t)i * N;
                int j = 0;
                for (; j + 8 <= N; j += 8)
                    v8_store(c + j, v8_load(c + j) + v8_load(sr + j));
                for (; j < N; j++)
                    c[j] += sr[j];
            }
        }
}

void kern_linear_dx(int n, int n_in, int n_out, const float *dy, const float *w, float beta,
                    float *dx)
{
    if (n <= 0)
        return;
    if (n == 1)
        cblas_sgemv(CblasRowMajor, CblasTrans, n_out, n_in, 1.0f, w, n_in, dy, 1, beta, dx, 1);
    else
        kern_gemm(false, false, n, n_in, n_out, 1.0f, dy, n_out, w, n_in, beta, dx, n_in);
}

void kern_linear_dw(int n, int n_in, int n_out, const float *dy, const float *x, float *dw)
{
    if (n <= 0)
        return;
    kern_gemm(true, false, n_out, n_in, n, 1.0f, dy, n_out, x, n_in, 1.0f, dw, n_in);
}

/* ---- RMS norm ------------------------------------------------------------ */

static float sum_squares(int d, const float *x)
{
    v8f acc0 = v8_set1(0), acc1 = v8_set1(0);
    int i = 0;
    for (; i + 16 <= d; i += 16) {
        v8f a = v8_load(x + i), b = v8_load(x + i + 8);
        acc0 += a * a;
        acc1 += b * b;
    }
    for (; i + 8 <= d; i += 8) {
        v8f a = v8_load(x + i);
        acc0 += a * a;
    }
    float s = v8_hsum(acc0 + acc1);
    for (; i < d; i++)
        s += x[i] * x[i];
    return s;
}

static float dot(int n, const float *a, const float *b)
{
    v8f acc0 = v8_set1(0), acc1 = v8_set1(0);
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        acc0 += v8_load(a + i) * v8_load(b + i);
        acc1 += v8_load(a + i + 8) * v8_load(b + i + 8);
    }
    for (; i + 8 <= n; i += 8)
        acc0 += v8_load(a + i) * v8_load(b + i);
    float s = v8_hsum(acc0 + acc1);
    for (; i < n; i++)
        s += a[i] * b[i];
    return s;
}

/* y += a * x */
static void axpy(int n, float a, const float *x, float *y)
{
    v8f va = v8_set1(a);
    int i = 0;
    for (; i + 8 <= n; i += 8)
        v8_store(y + i, v8_load(y + i) + va * v8_load(x + i));
    for (; i < n; i++)
        y[i] += a * x[i];
}

/* A few rows (a decoding step with beams or a small batch): OpenBLAS's
 * sgemm spends most of its time packing at that size, and one matrix-vector
 * product per row reads the weight once per row. Here each group of 4
 * weight rows is read from memory once and used for every input row while
 * it sits in L1: dot products of 4 weight rows with 3 input rows at a time,
 * 12 vector accumulators. Threads take slices of the output features; the
 * work estimate counts the weight's bytes too, since one row streams a
 * weight that is not in cache at memory speed, not at arithmetic speed. */
#define FEW_ROWS 8

#if defined(__clang__)
#define SHUFFLE(a, b, ...) __builtin_shufflevector(a, b, __VA_ARGS__)
#else
#define SHUFFLE(a, b, ...) __builtin_shuffle(a, b, (v8i){__VA_ARGS__})
#endif

/* Lane sums of four vectors: {sum a0, sum a1, sum a2, sum a3} in lanes 0-3. */
static inline v8f hsum4(v8f a0, v8f a1, v8f a2, v8f a3)
{
    v8f x01 = SHUFFLE(a0, a1, 0, 1, 2, 3, 8, 9, 10, 11) + SHUFFLE(a0, a1, 4, 5, 6, 7, 12, 13, 14, 15);
    v8f x23 = SHUFFLE(a2, a3, 0, 1, 2, 3, 8, 9, 10, 11) + SHUFFLE(a2, a3, 4, 5, 6, 7, 12, 13, 14, 15);
    /* x01 = {a0: 4 partials, a1: 4 partials}, x23 likewise */
    v8f y = SHUFFLE(x01, x23, 0, 1, 4, 5, 8, 9, 12, 13) + SHUFFLE(x01, x23, 2, 3, 6, 7, 10, 11, 14, 15);
    /* y = {a0: 2, a1: 2, a2: 2, a3: 2} */
    return SHUFFLE(y, y, 0, 2, 4, 6, 0, 2, 4, 6) + SHUFFLE(y, y, 1, 3, 5, 7, 1, 3, 5, 7);
}

/* out[r][j] = w_j . x_r for 4 weight rows (stride ld) and n_x (1 to 3)
 * input rows (stride n). Each lane accumulates in the same order whatever
 * n_x, so a row's result never depends on its neighbours. */
static inline void dot4(int n, const float *w, size_t ld, const float *x, int n_x,
                        float out[3][4])
{
    const float *w0 = w, *w1 = w + ld, *w2 = w + 2 * ld, *w3 = w + 3 * ld;
    const float *x0 = x, *x1 = x + n, *x2 = x + 2 * (size_t)n;
    v8f a00 = v8_set1(0), a01 = a00, a02 = a00, a03 = a00;
    v8f a10 = a00, a11 = a00, a12 = a00, a13 = a00;
    v8f a20 = a00, a21 = a00, a22 = a00, a23 = a00;
    int i = 0;
    if (n_x == 3) {
        for (; i + 8 <= n; i += 8) {
            v8f b0 = v8_load(w0 + i), b1 = v8_load(w1 + i), b2 = v8_load(w2 + i), b3 = v8_load(w3 + i);
            v8f u = v8_load(x0 + i);
            a00 = v8_fma(b0, u, a00), a01 = v8_fma(b1, u, a01);
            a02 = v8_fma(b2, u, a02), a03 = v8_fma(b3, u, a03);
            u = v8_load(x1 + i);
            a10 = v8_fma(b0, u, a10), a11 = v8_fma(b1, u, a11);
            a12 = v8_fma(b2, u, a12), a13 = v8_fma(b3, u, a13);
            u = v8_load(x2 + i);
            a20 = v8_fma(b0, u, a20), a21 = v8_fma(b1, u, a21);
            a22 = v8_fma(b2, u, a22), a23 = v8_fma(b3, u, a23);
        }
    } else if (n_x == 2) {
        for (; i + 8 <= n; i += 8) {
            v8f b0 = v8_load(w0 + i), b1 = v8_load(w1 + i), b2 = v8_load(w2 + i), b3 = v8_load(w3 + i);
            v8f u = v8_load(x0 + i);
            a00 = v8_fma(b0, u, a00), a01 = v8_fma(b1, u, a01);
            a02 = v8_fma(b2, u, a02), a03 = v8_fma(b3, u, a03);
            u = v8_load(x1 + i);
            a10 = v8_fma(b0, u, a10), a11 = v8_fma(b1, u, a11);
            a12 = v8_fma(b2, u, a12), a13 = v8_fma(b3, u, a13);
        }
    } else {
        for (; i + 8 <= n; i += 8) {
            v8f u = v8_load(x0 + i);
            a00 = v8_fma(v8_load(w0 + i), u, a00), a01 = v8_fma(v8_load(w1 + i), u, a01);
            a02 = v8_fma(v8_load(w2 + i), u, a02), a03 = v8_fma(v8_load(w3 + i), u, a03);
        }
    }
    v8f s0 = hsum4(a00, a01, a02, a03), s1 = hsum4(a10, a11, a12, a13);
    v8f s2 = hsum4(a20, a21, a22, a23);
    for (int j = 0; j < 4; j++) {
        out[0][j] = s0[j];
        out[1][j] = s1[j];
        out[2][j] = s2[j];
    }
    for (; i < n; i++)
        for (int j = 0; j < 4; j++)
            for (int k = 0; k < n_x; k++)
                out[k][j] += w[j * ld + i] * x[(size_t)k * n + i];
}

struct few_args {
    int n, n_in, n_out;
    const float *x, *w;
    float beta;
    float *y;
};

/* Output features are cut in slices of whole 16-feature groups, so which
 * thread computes a feature never changes its value. */
static void few_part(void *arg, int part, int n_parts)
{
    const struct few_args *g = arg;
    int n = g->n, n_in = g->n_in, n_out = g->n_out;
    int per = (n_out + n_parts - 1) / n_parts;
    per = (per + 15) / 16 * 16;
    int o0 = part * per, o1 = o0 + per < n_out ? o0 + per : n_out;
    for (int o = o0; o < o1; o += 4) {
        int m = o1 - o < 4 ? o1 - o : 4;
        for (int r = 0; r < n; r += 3) {
            int n_x = n - r < 3 ? n - r : 3;
            const float *x0 = g->x + (size_t)r * n_in;
            float out[3][4];
            if (m == 4) {
                dot4(n_in, g->w + (size_t)o * n_in, (size_t)n_in, x0, n_x, out);
            } else { /* the last weight rows of an odd-sized output */
                for (int k = 0; k < n_x; k++)
                    for (int j = 0; j < m; j++)
                        out[k][j] = dot(n_in, g->w + (size_t)(o + j) * n_in, x0 + (size_t)k * n_in);
            }
            for (int k = 0; k < n_x; k++) {
                float *y = g->y + (size_t)(r + k) * n_out + o;
                for (int j = 0; j < m; j++)
                    y[j] = g->beta == 0.0f ? out[k][j] : g->beta * y[j] + out[k][j];
            }
        }
    }
}

void kern_linear(int n, int n_in, int n_out, const float *x, const float *w, float beta, float *y)
{
    if (n <= 0)
        return;
    if (n > FEW_ROWS) {
        kern_gemm(false, true, n, n_out, n_in, 1.0f, x, n_in, w, n_in, beta, y, n_out);
        return;
    }
    /* a feature's value does not depend on the slicing here: cut freely */
    struct few_args g = {n, n_in, n_out, x, w, beta, y};
    double flops = 2.0 * n * n_in * n_out, bytes = 4.0 * n_in * n_out;
    pl_parallel(flops > 2 * bytes ? flops : 2 * bytes, n_out / 64 < 8 ? n_out / 64 : 8, few_part,
                &g);
}

/* ---- splitting the other kernels ------------------------------------------- */

/* Elementwise and row-wise kernels run over ranges [lo, hi) of items
 * (elements or rows). Ranges start at multiples of `align` items (8
 * elements: a whole vector), so an item's value never depends on the
 * split; only the few reductions across items (a norm's weight gradient,
 * a loss) add their parts' partial sums in part order. How many parts is a
 * function of the size alone. */
#define RANGE_PART_WORK 1e6 /* floating-point operations per part */
#define RANGE_MAX_PARTS 8

typedef void range_fn(const void *args, size_t lo, size_t hi, int part);

struct range_job {
    range_fn *fn;
    const void *args;
    size_t n, align;
};

static void range_of(size_t n, size_t align, int part, int n_parts, size_t *lo, size_t *hi)
{
    size_t step = (n + (size_t)n_parts - 1) / (size_t)n_parts;
    step = (step + align - 1) / align * align;
    *lo = (size_t)part * step;
    *hi = *lo + step < n ? *lo + step : n;
}

static void range_part(void *arg, int part, int n_parts)
{
    const struct range_job *j = arg;
    size_t lo, hi;
    range_of(j->n, j->align, part, n_parts, &lo, &hi);
    if (lo < hi)
        j->fn(j->args, lo, hi, part);
}

/* Parts for n items of `cost` operations each. */
static int range_parts(size_t n, double cost, size_t align)
{
    double p = (double)n * cost / RANGE_PART_WORK;
    int parts = p < 2 ? 1 : p > RANGE_MAX_PARTS ? RANGE_MAX_PARTS : (int)p;
    size_t by_n = n / align;
    if ((size_t)parts > by_n)
        parts = by_n < 1 ? 1 : (int)by_n;
    return parts;
}

/* Run fn over [0, n) in `parts` ranges (from range_parts). */
static void par_range(size_t n, double cost, size_t align, int parts, range_fn *fn,
                      const void *args)
{
    if (parts <= 1) {
        fn(args, 0, n, 0);
        return;
    }
    struct range_job j = {fn, args, n, align};
    pl_parallel((double)n * cost, parts, range_part, &j);
}

struct rms_args {
    int d;
    const float *x, *w, *inv, *dy;
    float eps;
    float *y, *inv_out, *dx, *dw;
    float *dw_parts; /* [parts][d], backward with dw only */
};

static void rmsnorm_rows(const void *args, size_t lo, size_t hi, int part)
{
    (void)part;
    const struct rms_args *a = args;
    int d = a->d;
    const float *w = a->w;
    for (size_t r = lo; r < hi; r++) {
        const float *xr = a->x + r * d;
        float *yr = a->y + r * d;
        float s = 1.0f / sqrtf(sum_squares(d, xr) / (float)d + a->eps);
        if (a->inv_out)
            a->inv_out[r] = s;
        v8f vs = v8_set1(s);
        int i = 0;
        for (; i + 8 <= d; i += 8)
            v8_store(yr + i, v8_load(w + i) * (v8_load(xr + i) * vs));
        for (; i < d; i++)
            yr[i] = w[i] * (xr[i] * s);
    }
}

void kern_rmsnorm(int rows, int d, const float *x, const float *w, float eps, float *y, float *inv)
{
    if (rows <= 0)
        return;
    struct rms_args a = {.d = d, .x = x, .w = w, .eps = eps, .y = y, .inv_out = inv};
    double cost = 4.0 * d;
    par_range((size_t)rows, cost, 1, range_parts((size_t)rows, cost, 1), rmsnorm_rows, &a);
}

static void rmsnorm_back_rows(const void *args, size_t lo, size_t hi, int part)
{
    const struct rms_args *a = args;
    int d = a->d;
    const float *w = a->w;
    float *dw = a->dw_parts ? a->dw_parts + (size_t)part * d : a->dw;
    for (size_t r = lo; r < hi; r++) {
        const float *xr = a->x + r * d, *dyr = a->dy + r * d;
        float *dxr = a->dx + r * d;
        float s = a->inv[r];
        /* dx = s * (w*dy - x * s^2 * sum(w*dy*x) / d) */
        v8f acc = v8_set1(0);
        int i = 0;
        for (; i + 8 <= d; i += 8)
            acc += v8_load(w + i) * v8_load(dyr + i) * v8_load(xr + i);
        float wdx = v8_hsum(acc);
        for (; i < d; i++)
            wdx += w[i] * dyr[i] * xr[i];
        float c = s * s * s * wdx / (float)d;
        v8f vs = v8_set1(s), vc = v8_set1(c);
        for (i = 0; i + 8 <= d; i += 8)
            v8_store(dxr + i, v8_load(dxr + i) + vs * v8_load(w + i) * v8_load(dyr + i) -
                                  vc * v8_load(xr + i));
        for (; i < d; i++)
            dxr[i] += s * w[i] * dyr[i] - c * xr[i];
        if (dw) {
            for (i = 0; i + 8 <= d; i += 8)
                v8_store(dw + i, v8_load(dw + i) + v8_load(dyr + i) * v8_load(xr + i) * vs);
            for (; i < d; i++)
                dw[i] += dyr[i] * xr[i] * s;
        }
    }
}

/* The weight gradient sums over rows: each part sums its rows into its own
 * row of a stack buffer, added to dw in part order afterwards. */
#define RMS_DW_STACK 8192 /* floats: parts * d must fit, else one part */

void kern_rmsnorm_backward(int rows, int d, const float *x, const float *w, const float *inv,
                           const float *dy, float *dx, float *dw)
{
    if (rows <= 0)
        return;
    struct rms_args a = {.d = d, .x = x, .w = w, .inv = inv, .dy = dy, .dx = dx, .dw = dw};
    double cost = 9.0 * d;
    int parts = range_parts((size_t)rows, cost, 1);
    float stack[RMS_DW_STACK];
    if (dw && parts > 1) {
        if ((size_t)parts * d > RMS_DW_STACK)
            parts = 1;
        else {
            memset(stack, 0, sizeof(float) * (size_t)parts * d);
            a.dw_parts = stack;
        }
    }
    par_range((size_t)rows, cost, 1, parts, rmsnorm_back_rows, &a);
    if (a.dw_parts)
        for (int p = 0; p < parts; p++)
            for (int i = 0; i < d; i++)
                dw[i] += stack[(size_t)p * d + i];
}

/* ---- activations ---------------------------------------------------------- */

#define GELU_C 0.7978845608028654f /* sqrt(2/pi) */
#define GELU_A 0.044715f

/* gelu_new(x) = 0.5 x (1 + tanh(u)) = x * sigmoid(2u): the sigmoid form has
 * no cancellation for negative x. */
static inline v8f v8_gelu_tanh(v8f x)
{
    v8f u = v8_set1(GELU_C) * (x + v8_set1(GELU_A) * x * x * x);
    return x / (v8_set1(1.0f) + v8_exp(v8_set1(-2.0f) * u));
}

/* derivative: s + x s (1 - s) 2 u', s = sigmoid(2u) */
static inline v8f v8_gelu_tanh_grad(v8f x)
{
    v8f u = v8_set1(GELU_C) * (x + v8_set1(GELU_A) * x * x * x);
    v8f du = v8_set1(GELU_C) * (v8_set1(1.0f) + v8_set1(3.0f * GELU_A) * x * x);
    v8f s = v8_set1(1.0f) / (v8_set1(1.0f) + v8_exp(v8_set1(-2.0f) * u));
    return s + v8_set1(2.0f) * x * s * (v8_set1(1.0f) - s) * du;
}

static inline float gelu_erf(float x) { return 0.5f * x * (1.0f + erff(x * 0.70710678118654752f)); }

static inline float gelu_erf_grad(float x)
{
    float cdf = 0.5f * (1.0f + erff(x * 0.70710678118654752f));
    float pdf = 0.3989422804014327f * expf(-0.5f * x * x);
    return cdf + x * pdf;
}

/* Apply a vector function over n elements, tails through a padded vector. */
#define MAP1(n, x, y, F)                                                                           \
    do {                                                                                           \
        size_t i_ = 0;                                                                             \
        for (; i_ + 8 <= (n); i_ += 8)                                                             \
            v8_store((y) + i_, F(v8_load((x) + i_)));                                              \
        if (i_ < (n)) {                                                                            \
            float t_[8] = {0};                                                                     \
            memcpy(t_, (x) + i_, ((n) - i_) * sizeof(float));                                      \
            v8f r_ = F(v8_load(t_));                                                               \
            memcpy((y) + i_, &r_, ((n) - i_) * sizeof(float));                                     \
        }                                                                                          \
    } while (0)

static inline v8f v8_relu(v8f x) { return v8_max(x, v8_set1(0)); }

static inline float act1(enum kern_act act, float x)
{
    switch (act) {
    case KERN_RELU: return x > 0 ? x : 0;
    case KERN_GELU_TANH: return v8_gelu_tanh(v8_set1(x))[0];
    case KERN_GELU_ERF: return gelu_erf(x);
    }
    return x;
}

static inline float act1_grad(enum kern_act act, float x)
{
    switch (act) {
    case KERN_RELU: return x > 0 ? 1.0f : 0.0f;
    case KERN_GELU_TANH: return v8_gelu_tanh_grad(v8_set1(x))[0];
    case KERN_GELU_ERF: return gelu_erf_grad(x);
    }
    return 1.0f;
}

static void act_range(enum kern_act act, size_t n, const float *x, float *y)
{
    switch (act) {
    case KERN_RELU: MAP1(n, x, y, v8_relu); break;
    case KERN_GELU_TANH: MAP1(n, x, y, v8_gelu_tanh); break;
    case KERN_GELU_ERF:
        for (size_t i = 0; i < n; i++)
            y[i] = gelu_erf(x[i]);
        break;
    }
}

static void act_backward_range(enum kern_act act, size_t n, const float *x, const float *dy,
                               float *dx)
{
    switch (act) {
    case KERN_RELU: {
        size_t i = 0;
        for (; i + 8 <= n; i += 8) {
            v8f vx = v8_load(x + i);
            v8_store(dx + i, v8_select(vx > v8_set1(0), v8_load(dy + i), v8_set1(0)));
        }
        for (; i < n; i++)
            dx[i] = x[i] > 0 ? dy[i] : 0.0f;
        break;
    }
    case KERN_GELU_TANH: {
        size_t i = 0;
        for (; i + 8 <= n; i += 8)
            v8_store(dx + i, v8_load(dy + i) * v8_gelu_tanh_grad(v8_load(x + i)));
        for (; i < n; i++)
            dx[i] = dy[i] * act1_grad(act, x[i]);
        break;
    }
    case KERN_GELU_ERF:
        for (size_t i = 0; i < n; i++)
            dx[i] = dy[i] * gelu_erf_grad(x[i]);
        break;
    }
}

static void gated_range(enum kern_act act, size_t n, const float *a0, const float *a1, float *g)
{
    if (act == KERN_GELU_TANH) {
        size_t i = 0;
        for (; i + 8 <= n; i += 8)
            v8_store(g + i, v8_gelu_tanh(v8_load(a0 + i)) * v8_load(a1 + i));
        for (; i < n; i++)
            g[i] = act1(act, a0[i]) * a1[i];
        return;
    }
    for (size_t i = 0; i < n; i++)
        g[i] = act1(act, a0[i]) * a1[i];
}

static void gated_backward_range(enum kern_act act, size_t n, const float *a0, const float *a1,
                                 const float *dg, float *da0, float *da1)
{
    size_t i = 0;
    if (act == KERN_GELU_TANH) {
        for (; i + 8 <= n; i += 8) {
            v8f x = v8_load(a0 + i), d = v8_load(dg + i);
            v8f ax = v8_gelu_tanh(x), gx = v8_gelu_tanh_grad(x);
            v8f b = v8_load(a1 + i);
            v8_store(da1 + i, d * ax);
            v8_store(da0 + i, d * b * gx);
        }
    }
    for (; i < n; i++) {
        float d = dg[i], x = a0[i];
        float ax = act1(act, x), gx = act1_grad(act, x);
        da1[i] = d * ax;
        da0[i] = d * a1[i] * gx;
    }
}

/* Elementwise: each range is a shorter array of its own. */
struct ew_args {
    enum kern_act act;
    int kind; /* 0 act, 1 act backward, 2 gated, 3 gated backward */
    const float *a, *b, *c;
    float *o1, *o2;
};

static void ew_range(const void *args, size_t lo, size_t hi, int part)
{
    (void)part;
    const struct ew_args *e = args;
    size_t n = hi - lo;
    switch (e->kind) {
    case 0: act_range(e->act, n, e->a + lo, e->o1 + lo); break;
    case 1: act_backward_range(e->act, n, e->a + lo, e->b + lo, e->o1 + lo); break;
    case 2: gated_range(e->act, n, e->a + lo, e->b + lo, e->o1 + lo); break;
    case 3: gated_backward_range(e->act, n, e->a + lo, e->b + lo, e->c + lo, e->o1 + lo, e->o2 + lo);
        break;
    }
}

static void ew_run(struct ew_args *e, size_t n)
{
    double cost = e->act == KERN_RELU ? 2.0 : 30.0;
    par_range(n, cost, 8, range_parts(n, cost, 8), ew_range, e);
}

void kern_act(enum kern_act act, size_t n, const float *x, float *y)
{
    struct ew_args e = {act, 0, x, NULL, NULL, y, NULL};
    ew_run(&e, n);
}

void kern_act_backward(enum kern_act act, size_t n, const float *x, const float *dy, float *dx)
{
    struct ew_args e = {act, 1, x, dy, NULL, dx, NULL};
    ew_run(&e, n);
}

void kern_gated(enum kern_act act, size_t n, const float *a0, const float *a1, float *g)
{
    struct ew_args e = {act, 2, a0, a1, NULL, g, NULL};
    ew_run(&e, n);
}

void kern_gated_backward(enum kern_act act, size_t n, const float *a0, const float *a1,
                         const float *dg, float *da0, float *da1)
{
    struct ew_args e = {act, 3, a0, a1, dg, da0, da1};
    ew_run(&e, n);
}

/* ---- softmax and cross-entropy -------------------------------------------- */

static float row_max(int n, const float *x)
{
    float m = -INFINITY;
    int i = 0;
    if (n >= 8) {
        v8f vm = v8_load(x);
        for (i = 8; i + 8 <= n; i += 8)
            vm = v8_max(vm, v8_load(x + i));
        for (int j = 0; j < 8; j++)
            m = vm[j] > m ? vm[j] : m;
    }
    for (; i < n; i++)
        m = x[i] > m ? x[i] : m;
    return m;
}

/* out[i] = exp(x[i] - m); returns the sum (double accumulation). out may
 * equal x. */
static double exp_shift_sum(int n, const float *x, float m, float *out)
{
    v8f vm = v8_set1(m), acc = v8_set1(0);
    double total = 0;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        v8f e = v8_exp(v8_load(x + i) - vm);
        v8_store(out + i, e);
        acc += e;
        if ((i & 1023) == 1016) { /* keep the float partial sums short */
            total += v8_hsum(acc);
            acc = v8_set1(0);
        }
    }
    total += v8_hsum(acc);
    for (; i < n; i++) {
        out[i] = s_exp(x[i] - m);
        total += out[i];
    }
    return total;
}

static void scale_row(int n, float *x, float s)
{
    v8f vs = v8_set1(s);
    int i = 0;
    for (; i + 8 <= n; i += 8)
        v8_store(x + i, v8_load(x + i) * vs);
    for (; i < n; i++)
        x[i] *= s;
}

struct sm_args {
    int n;
    float *x;
    const float *p, *dp;
    float *dx;
    const int *targets;
    float *logp;
    float scale;
    double *loss; /* [parts] */
};

static void softmax_rows(const void *args, size_t lo, size_t hi, int part)
{
    (void)part;
    const struct sm_args *a = args;
    for (size_t r = lo; r < hi; r++) {
        float *xr = a->x + r * a->n;
        float m = row_max(a->n, xr);
        double s = exp_shift_sum(a->n, xr, m, xr);
        scale_row(a->n, xr, (float)(1.0 / s));
    }
}

void kern_softmax(int rows, int n, float *x)
{
    if (rows <= 0)
        return;
    struct sm_args a = {.n = n, .x = x};
    double cost = 20.0 * n;
    par_range((size_t)rows, cost, 1, range_parts((size_t)rows, cost, 1), softmax_rows, &a);
}

static void softmax_back_rows(const void *args, size_t lo, size_t hi, int part)
{
    (void)part;
    const struct sm_args *a = args;
    int n = a->n;
    for (size_t r = lo; r < hi; r++) {
        const float *pr = a->p + r * n, *dpr = a->dp + r * n;
        float *dxr = a->dx + r * n;
        float c = dot(n, pr, dpr);
        for (int i = 0; i < n; i++)
            dxr[i] = pr[i] * (dpr[i] - c);
    }
}

void kern_softmax_backward(int rows, int n, const float *p, const float *dp, float *dx)
{
    if (rows <= 0)
        return;
    struct sm_args a = {.n = n, .p = p, .dp = dp, .dx = dx};
    double cost = 4.0 * n;
    par_range((size_t)rows, cost, 1, range_parts((size_t)rows, cost, 1), softmax_back_rows, &a);
}

void kern_log_softmax(int n, const float *x, float *out)
{
    float m = row_max(n, x);
    v8f vm = v8_set1(m), acc = v8_set1(0);
    double total = 0;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        acc += v8_exp(v8_load(x + i) - vm);
        if ((i & 1023) == 1016) {
            total += v8_hsum(acc);
            acc = v8_set1(0);
        }
    }
    total += v8_hsum(acc);
    for (; i < n; i++)
        total += s_exp(x[i] - m);
    float lse = m + (float)log(total);
    for (i = 0; i < n; i++)
        out[i] = x[i] - lse;
}

static void cross_entropy_rows(const void *args, size_t lo, size_t hi, int part)
{
    const struct sm_args *a = args;
    int n = a->n;
    double loss = 0;
    for (size_t r = lo; r < hi; r++) {
        float *xr = a->x + r * n;
        float m = row_max(n, xr);
        float xt = xr[a->targets[r]];
        double s = exp_shift_sum(n, xr, m, xr);
        double lp = (double)xt - m - log(s);
        scale_row(n, xr, (float)(1.0 / s));
        if (a->logp)
            a->logp[r] = (float)lp;
        loss -= lp;
    }
    a->loss[part] = loss;
}

double kern_cross_entropy(int rows, int n, float *logits, const int *targets, float *logp)
{
    if (rows <= 0)
        return 0;
    double part_loss[RANGE_MAX_PARTS] = {0};
    struct sm_args a = {.n = n, .x = logits, .targets = targets, .logp = logp, .loss = part_loss};
    double cost = 20.0 * n;
    int parts = range_parts((size_t)rows, cost, 1);
    par_range((size_t)rows, cost, 1, parts, cross_entropy_rows, &a);
    double loss = 0;
    for (int p = 0; p < parts; p++)
        loss += part_loss[p];
    return loss;
}

static void cross_entropy_back_rows(const void *args, size_t lo, size_t hi, int part)
{
    (void)part;
    const struct sm_args *a = args;
    int n = a->n;
    v8f vs = v8_set1(a->scale);
    for (size_t r = lo; r < hi; r++) {
        const float *pr = a->p + r * n;
        float *dr = a->dx + r * n;
        int i = 0;
        for (; i + 8 <= n; i += 8)
            v8_store(dr + i, v8_load(pr + i) * vs);
        for (; i < n; i++)
            dr[i] = pr[i] * a->scale;
        dr[a->targets[r]] -= a->scale;
    }
}

void kern_cross_entropy_backward(int rows, int n, const float *p, const int *targets, float scale,
                                 float *dlogits)
{
    if (rows <= 0)
        return;
    struct sm_args a = {.n = n, .p = p, .dx = dlogits, .targets = targets, .scale = scale};
    double cost = 2.0 * n;
    par_range((size_t)rows, cost, 1, range_parts((size_t)rows, cost, 1), cross_entropy_back_rows,
              &a);
}

/* ---- attention ------------------------------------------------------------ */

/* A single query row (a decoding step) is done here rather than in
 * OpenBLAS, whose per-call overhead dominates a product that small; from a
 * few rows on, OpenBLAS wins even for 12 x 12 x 32 (measured). */
static inline bool small(int tq, int tk) { return tq == 1 || tk == 1; }

/* s[i, j] = q_i . k_j for i < tq, j < tk; s has row stride tk. */
static void scores(int tq, int tk, int d, const float *q, int ldq, const float *k, int ldk,
                   float *s)
{
    if (small(tq, tk)) {
        for (int i = 0; i < tq; i++)
            for (int j = 0; j < tk; j++)
                s[(size_t)i * tk + j] = dot(d, q + (size_t)i * ldq, k + (size_t)j * ldk);
        return;
    }
    kern_gemm(false, true, tq, tk, d, 1.0f, q, ldq, k, ldk, 0.0f, s, tk);
}

/* out[i, :d] = sum_j p[i, j] v[j, :d] (written). */
static void mix(int tq, int tk, int d, const float *p, const float *v, int ldv, float *out,
                int ldo)
{
    if (small(tq, tk)) {
        for (int i = 0; i < tq; i++) {
            float *o = out + (size_t)i * ldo;
            memset(o, 0, sizeof(float) * (size_t)d);
            const float *pi = p + (size_t)i * tk;
            for (int j = 0; j < tk; j++)
                if (pi[j] != 0.0f)
                    axpy(d, pi[j], v + (size_t)j * ldv, o);
        }
        return;
    }
    kern_gemm(false, false, tq, d, tk, 1.0f, p, tk, v, ldv, 0.0f, out, ldo);
}

/* out[j, :d] = sum_i p[i, j] g[i, :d] (written): the transposed mix. */
static void mix_t(int tq, int tk, int d, const float *p, const float *g, int ldg, float *out,
                  int ldo)
{
    if (small(tq, tk)) {
        for (int j = 0; j < tk; j++)
            memset(out + (size_t)j * ldo, 0, sizeof(float) * (size_t)d);
        for (int i = 0; i < tq; i++) {
            const float *pi = p + (size_t)i * tk, *gi = g + (size_t)i * ldg;
            for (int j = 0; j < tk; j++)
                if (pi[j] != 0.0f)
                    axpy(d, pi[j], gi, out + (size_t)j * ldo);
        }
        return;
    }
    kern_gemm(true, false, tk, d, tq, 1.0f, p, tk, g, ldg, 0.0f, out, ldo);
}

void kern_attention(int n_heads, int d_kv, int tq, int tk, const float *q, int ldq,
                    const float *k, int ldk, const float *v, int ldv, const float *bias, int ldb,
                    size_t bias_hstride, bool causal, float *p, float *out, int ldo)
{
    int shift = tk - tq;
    for (int h = 0; h < n_heads; h++) {
        float *ph = p + (size_t)h * tq * tk;
        const float *qh = q + (size_t)h * d_kv, *kh = k + (size_t)h * d_kv;
        scores(tq, tk, d_kv, qh, ldq, kh, ldk, ph);
        for (int i = 0; i < tq; i++) {
            float *row = ph + (size_t)i * tk;
            int n_vis = causal ? i + shift + 1 : tk;
            if (n_vis > tk)
                n_vis = tk;
            if (n_vis < 0)
                n_vis = 0;
            if (bias) {
                const float *b = bias + h * bias_hstride + (size_t)i * ldb;
                for (int j = 0; j < n_vis; j++)
                    row[j] += b[j];
            }
            if (n_vis == 0) { /* all keys hidden: Hugging Face's mask gives uniform */
                for (int j = 0; j < tk; j++)
                    row[j] = 1.0f / (float)tk;
                continue;
            }
            float m = row_max(n_vis, row);
            double s = exp_shift_sum(n_vis, row, m, row);
            scale_row(n_vis, row, (float)(1.0 / s));
            for (int j = n_vis; j < tk; j++)
                row[j] = 0.0f;
        }
        mix(tq, tk, d_kv, ph, v + (size_t)h * d_kv, ldv, out + (size_t)h * d_kv, ldo);
    }
}

void kern_attention_backward(int n_heads, int d_kv, int tq, int tk, const float *q, int ldq,
                             const float *k, int ldk, const float *v, int ldv, const float *p,
                             const float *dout, int lddo, float *dq, int lddq, float *dk,
                             int lddk, float *dv, int lddv, float *dbias, int lddb,
                             size_t dbias_hstride, float *scratch)
{
    for (int h = 0; h < n_heads; h++) {
        const float *ph = p + (size_t)h * tq * tk;
        const float *qh = q + (size_t)h * d_kv, *kh = k + (size_t)h * d_kv;
        const float *vh = v + (size_t)h * d_kv, *doh = dout + (size_t)h * d_kv;
        /* dP = dO V^T, dV = P^T dO */
        scores(tq, tk, d_kv, doh, lddo, vh, ldv, scratch);
        mix_t(tq, tk, d_kv, ph, doh, lddo, dv + (size_t)h * d_kv, lddv);
        kern_softmax_backward(tq, tk, ph, scratch, scratch);
        if (dbias)
            for (int i = 0; i < tq; i++) {
                float *db = dbias + h * dbias_hstride + (size_t)i * lddb;
                const float *ds = scratch + (size_t)i * tk;
                for (int j = 0; j < tk; j++)
                    db[j] += ds[j];
            }
        /* dQ = dS K, dK = dS^T Q */
        mix(tq, tk, d_kv, scratch, kh, ldk, dq + (size_t)h * d_kv, lddq);
        mix_t(tq, tk, d_kv, scratch, qh, ldq, dk + (size_t)h * d_kv, lddk);
    }
}
