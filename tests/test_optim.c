/* test_optim.c - Adafactor, Adam(W), SGD against hand-computed first steps,
 * schedules, gradient clipping, and all three minimising a quadratic. */
#include "test.h"

#include <math.h>
#include <stdlib.h>

#include "promptlab/optim.h"

static optim *make(const struct optim_params *p, int r, int c)
{
    optim *o = NULL;
    struct pl_err e = {0};
    int rc = optim_init(&o, p, r, c, &e);
    CHECKF(rc == 0, "optim_init: %s", e.msg);
    return o;
}

/* Constant gradient: m_hat = g and v_hat = g^2 exactly, so every step moves
 * lr * g / (|g| + eps). */
static void test_adam_constant(void)
{
    struct optim_params p;
    optim_params_default(&p, OPTIM_ADAM);
    p.lr = 0.1f;
    float w[4] = {1, 2, 3, 4}, g[4] = {0.1f, -0.2f, 0.3f, 0.4f};
    optim *o = make(&p, 2, 2);
    for (int t = 1; t <= 3; t++) {
        optim_step(o, w, g, p.lr);
        CHECK_NEAR(w[0], 1 - 0.1 * t, 1e-6);
        CHECK_NEAR(w[1], 2 + 0.1 * t, 1e-6);
        CHECK_NEAR(w[3], 4 - 0.1 * t, 1e-6);
    }
    CHECK_INT(optim_steps(o), 3);
    optim_free(o);
}

/* g = 0.5 then -1, lr 0.1, w0 = 1:
 * t=1: m=.05 v=.00025 -> m_hat=.5 v_hat=.25 -> w = 1 - .1*.5/(.5+1e-8) = 0.9
 * t=2: m=.045-.1=-.055 v=.00024975+.001=.00124975; c1=.19 c2=.001999
 *      m_hat=-.2894737 v_hat=.6251876 -> w = .9 + .1*.2894737/.7906881 = .9366104 */
static void test_adam_two_steps(void)
{
    struct optim_params p;
    optim_params_default(&p, OPTIM_ADAM);
    p.lr = 0.1f;
    float w = 1.0f, g1 = 0.5f, g2 = -1.0f;
    optim *o = make(&p, 1, 1);
    optim_step(o, &w, &g1, p.lr);
    CHECK_NEAR(w, 0.9, 1e-6);
    optim_step(o, &w, &g2, p.lr);
    CHECK_NEAR(w, 0.9366104, 1e-6);
    optim_reset(o);
    CHECK_INT(optim_steps(o), 0);
    w = 1.0f;
    optim_step(o, &w, &g1, p.lr);
    CHECK_NEAR(w, 0.9, 1e-6);
    optim_free(o);

    /* AdamW: zero gradient leaves only the decoupled decay w *= 1 - lr*wd. */
    p.weight_decay = 0.01f;
    o = make(&p, 1, 1);
    float w2 = 2.0f, z = 0.0f;
    optim_step(o, &w2, &z, p.lr);
    CHECK_NEAR(w2, 2.0 * (1 - 0.1 * 0.01), 1e-7);
    optim_free(o);
}

/* Factored, step 1 (beta2_t = 0): g = [[.1,-.2],[.3,.4]], g^2 = [[.01,.04],[.09,.16]]
 * row means vr = [.025,.125], column means vc = [.05,.1], mean(vr) = .075
 * v_hat = vr_i vc_j / .075 = [[1/60, 1/30],[1/12, 1/6]]
 * u = g / sqrt(v_hat) = [.1 sqrt60, -.2 sqrt30, .3 sqrt12, .4 sqrt6], RMS(u) = sqrt(.96) < 1. */
static void test_adafactor_factored(void)
{
    struct optim_params p;
    optim_params_default(&p, OPTIM_ADAFACTOR);
    CHECK_NEAR(p.lr, 0.3, 1e-7);
    float g[4] = {0.1f, -0.2f, 0.3f, 0.4f};
    double u[4] = {0.1 * sqrt(60), -0.2 * sqrt(30), 0.3 * sqrt(12), 0.4 * sqrt(6)};
    float w[4] = {1, 2, 3, 4};
    optim *o = make(&p, 2, 2);
    optim_step(o, w, g, p.lr);
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(w[i], (i + 1) - 0.3 * u[i], 1e-6);
    /* Same gradient again: the running averages stay put, so the same update. */
    optim_step(o, w, g, p.lr);
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(w[i], (i + 1) - 0.6 * u[i], 1e-6);
    optim_free(o);

    /* Update clipping: threshold 0.5 scales u by 0.5 / sqrt(.96). Also: the
     * factored update is invariant to the gradient's scale. */
    p.clip_threshold = 0.5f;
    o = make(&p, 2, 2);
    float w2[4] = {1, 2, 3, 4}, g2[4];
    for (int i = 0; i < 4; i++)
        g2[i] = 1000.0f * g[i];
    optim_step(o, w2, g2, p.lr);
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(w2[i], (i + 1) - 0.3 * u[i] * 0.5 / sqrt(0.96), 1e-6);
    optim_free(o);

    /* scale_parameter: lr * max(eps2, RMS(w)) with RMS([1,2,3,4]) = sqrt(7.5). */
    p.clip_threshold = 1.0f;
    p.scale_parameter = true;
    o = make(&p, 2, 2);
    float w3[4] = {1, 2, 3, 4};
    optim_step(o, w3, g, p.lr);
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(w3[i], (i + 1) - 0.3 * sqrt(7.5) * u[i], 1e-6);
    optim_free(o);

    /* min_dim_to_factor 128 (T5X): a 2x2 matrix gets full second moments, so
     * step 1 is lr * sign(g) (RMS 1, not clipped). */
    p.scale_parameter = false;
    p.min_dim_to_factor = 128;
    o = make(&p, 2, 2);
    float w4[4] = {1, 2, 3, 4};
    optim_step(o, w4, g, p.lr);
    CHECK_NEAR(w4[0], 0.7, 1e-6);
    CHECK_NEAR(w4[1], 2.3, 1e-6);
    CHECK_NEAR(w4[2], 2.7, 1e-6);
    CHECK_NEAR(w4[3], 3.7, 1e-6);
    optim_free(o);
}

/* A vector ([1,3]) is never factored. g1 = [.5,-1,2] -> step 1 = lr*sign(g1).
 * Step 2, g2 = [1,-1,.5], beta2_t = 1 - 2^-0.8 = .4256508:
 * v = b g1^2 + (1-b) g2^2 = [.6807619, 1, 1.8461906]
 * u = g2/sqrt(v) = [1.2119993, -1, .3679864], RMS .9317 < 1. */
static void test_adafactor_vector(void)
{
    struct optim_params p;
    optim_params_default(&p, OPTIM_ADAFACTOR);
    p.lr = 0.1f;
    float w[3] = {0, 0, 0}, g1[3] = {0.5f, -1, 2}, g2[3] = {1, -1, 0.5f};
    optim *o = make(&p, 1, 3);
    optim_step(o, w, g1, p.lr);
    CHECK_NEAR(w[0], -0.1, 1e-6);
    CHECK_NEAR(w[1], 0.1, 1e-6);
    CHECK_NEAR(w[2], -0.1, 1e-6);
    optim_step(o, w, g2, p.lr);
    CHECK_NEAR(w[0], -0.1 - 0.12119993, 1e-6);
    CHECK_NEAR(w[1], 0.1 + 0.1, 1e-6);
    CHECK_NEAR(w[2], -0.1 - 0.03679864, 1e-6);
    optim_free(o);

    /* First moment beta1 = 0.5: step 1 m = .5 * (lr sign g) -> half the move. */
    p.af_beta1 = 0.5f;
    o = make(&p, 1, 3);
    float w2[3] = {0, 0, 0};
    optim_step(o, w2, g1, p.lr);
    CHECK_NEAR(w2[0], -0.05, 1e-6);
    CHECK_NEAR(w2[2], -0.05, 1e-6);
    optim_free(o);
}

static void test_sgd(void)
{
    struct optim_params p;
    optim_params_default(&p, OPTIM_SGD);
    p.lr = 0.5f;
    float w[2] = {1, -1}, g1[2] = {2, 4}, g2[2] = {-1, 1};
    optim *o = make(&p, 1, 2);
    optim_step(o, w, g1, p.lr);
    CHECK_NEAR(w[0], 0.0, 1e-7);
    CHECK_NEAR(w[1], -3.0, 1e-7);
    optim_free(o);

    /* Momentum .9: buf1 = g1, buf2 = .9 g1 + g2 = [.8, 4.6]. */
    p.momentum = 0.9f;
    o = make(&p, 1, 2);
    float v[2] = {1, -1};
    optim_step(o, v, g1, p.lr);
    optim_step(o, v, g2, p.lr);
    CHECK_NEAR(v[0], 1 - 0.5 * 2 - 0.5 * 0.8, 1e-6);
    CHECK_NEAR(v[1], -1 - 0.5 * 4 - 0.5 * 4.6, 1e-6);
    optim_free(o);
}

static void test_schedules(void)
{
    struct optim_params p;
    optim_params_default(&p, OPTIM_ADAM);
    p.lr = 1.0f;
    CHECK_NEAR(optim_lr_at(&p, 1), 1.0, 1e-7);
    CHECK_NEAR(optim_lr_at(&p, 1000), 1.0, 1e-7);
    p.schedule = OPTIM_WARMUP;
    p.warmup_steps = 10;
    CHECK_NEAR(optim_lr_at(&p, 1), 0.1, 1e-7);
    CHECK_NEAR(optim_lr_at(&p, 5), 0.5, 1e-7);
    CHECK_NEAR(optim_lr_at(&p, 10), 1.0, 1e-7);
    CHECK_NEAR(optim_lr_at(&p, 500), 1.0, 1e-7);
    p.schedule = OPTIM_WARMUP_LINEAR;
    p.total_steps = 110;
    CHECK_NEAR(optim_lr_at(&p, 5), 0.5, 1e-7);
    CHECK_NEAR(optim_lr_at(&p, 60), 0.5, 1e-7);
    CHECK_NEAR(optim_lr_at(&p, 110), 0.0, 1e-7);
    CHECK_NEAR(optim_lr_at(&p, 200), 0.0, 1e-7);
    p.min_lr_ratio = 0.1f;
    CHECK_NEAR(optim_lr_at(&p, 60), 0.55, 1e-6);
    CHECK_NEAR(optim_lr_at(&p, 110), 0.1, 1e-6);
    p.schedule = OPTIM_WARMUP_COSINE;
    p.min_lr_ratio = 0.0f;
    CHECK_NEAR(optim_lr_at(&p, 60), 0.5, 1e-6);
    CHECK_NEAR(optim_lr_at(&p, 35), 0.5 * (1 + cos(M_PI * 0.25)), 1e-6);
    CHECK_NEAR(optim_lr_at(&p, 110), 0.0, 1e-6);

    struct pl_err e = {0};
    p.total_steps = 5;
    CHECK(optim_params_check(&p, &e) == PL_EINVAL);
    CHECK(strstr(e.msg, "total_steps") != NULL);
    enum optim_schedule s;
    CHECK(optim_schedule_parse("cosine", &s, NULL) == 0 && s == OPTIM_WARMUP_COSINE);
    CHECK(optim_schedule_parse("cosin", &s, &e) == PL_EINVAL);
    enum optim_kind k;
    CHECK(optim_kind_parse("adamw", &k, NULL) == 0 && k == OPTIM_ADAM);
    CHECK(optim_kind_parse("sgd", &k, NULL) == 0 && k == OPTIM_SGD);
    CHECK(optim_kind_parse("lion", &k, &e) == PL_EINVAL);
    CHECK_STR(optim_kind_name(OPTIM_ADAFACTOR), "adafactor");

    optim *o = NULL;
    optim_params_default(&p, OPTIM_SGD);
    p.lr = -1.0f;
    CHECK(optim_init(&o, &p, 2, 2, &e) == PL_EINVAL && o == NULL);
    p.lr = 0.1f;
    CHECK(optim_init(&o, &p, 0, 2, &e) == PL_EINVAL && o == NULL);
    optim_free(NULL);
}

static void test_clip(void)
{
    float g[4] = {3, 4, 0, 0};
    CHECK_NEAR(optim_grad_norm(g, 4), 5.0, 1e-7);
    float n = optim_clip_grad_norm(g, 4, 10.0f);
    CHECK_NEAR(n, 5.0, 1e-7);
    CHECK_NEAR(g[0], 3.0, 1e-7);
    n = optim_clip_grad_norm(g, 4, 1.0f);
    CHECK_NEAR(n, 5.0, 1e-7);
    CHECK_NEAR(optim_grad_norm(g, 4), 1.0, 1e-5);
    CHECK_NEAR(g[1] / g[0], 4.0 / 3.0, 1e-6);
    float h[2] = {NAN, 1};
    n = optim_clip_grad_norm(h, 2, 1.0f);
    CHECK(isnan(n) && h[1] == 1.0f);
}

/* f(w) = 1/2 sum a_i (w_i - c_i)^2 over a 4x8 matrix with curvatures from 0.5
 * to 4: every optimiser must reach the optimum c. */
static double quad(const float *w, float *g, const float *a, const float *c, int n)
{
    double f = 0;
    for (int i = 0; i < n; i++) {
        double d = (double)w[i] - c[i];
        f += 0.5 * a[i] * d * d;
        g[i] = (float)(a[i] * d);
    }
    return f;
}

static void test_quadratic(void)
{
    enum { R = 4, C = 8, N = R * C };
    float a[N], c[N];
    for (int i = 0; i < N; i++) {
        a[i] = 0.5f + 3.5f * (float)i / (N - 1);
        c[i] = (float)sin(1.7 * i) * 2.0f;
    }
    for (int kind = 0; kind < 3; kind++) {
        struct optim_params p;
        optim_params_default(&p, (enum optim_kind)kind);
        int steps = 600;
        if (kind == OPTIM_ADAM)
            p.lr = 0.1f;
        if (kind == OPTIM_SGD) {
            p.lr = 0.2f;
            p.momentum = 0.5f;
        }
        p.schedule = OPTIM_WARMUP_COSINE;
        p.warmup_steps = 10;
        p.total_steps = steps;
        optim *o = make(&p, R, C);
        float w[N] = {0}, g[N];
        double f0 = quad(w, g, a, c, N), f = f0;
        for (int t = 1; t <= steps; t++) {
            quad(w, g, a, c, N);
            optim_step(o, w, g, optim_lr_at(&p, t));
        }
        f = quad(w, g, a, c, N);
        double maxerr = 0;
        for (int i = 0; i < N; i++)
            maxerr = fmax(maxerr, fabs((double)w[i] - c[i]));
        CHECKF(f < 1e-4 * f0 && maxerr < 1e-2, "%s: f %g (from %g), max |w-c| %g",
               optim_kind_name((enum optim_kind)kind), f, f0, maxerr);
        optim_free(o);
    }
}

/* A checkpoint of the buffers restores an optimiser exactly: A takes 3
 * steps, B copies A's buffers and step count, then both take a 4th step. */
static void test_buffers_restore(void)
{
    enum optim_kind kinds[] = {OPTIM_ADAM, OPTIM_ADAFACTOR, OPTIM_SGD};
    for (int k = 0; k < 3; k++) {
        struct optim_params p;
        optim_params_default(&p, kinds[k]);
        p.momentum = 0.9f;
        optim *a = NULL, *b = NULL;
        CHECK(optim_init(&a, &p, 3, 4, NULL) == 0 && optim_init(&b, &p, 3, 4, NULL) == 0);
        float wa[12], wb[12], g[12];
        for (int i = 0; i < 12; i++)
            wa[i] = 0.1f * (float)i - 0.5f;
        for (int t = 0; t < 3; t++) {
            for (int i = 0; i < 12; i++)
                g[i] = wa[i] * (float)(t + 1) + 0.01f * (float)i;
            optim_step(a, wa, g, p.lr);
        }
        struct optim_buffer ba[4], bb[4];
        int na = optim_buffers(a, ba), nb = optim_buffers(b, bb);
        CHECK(na == nb && na > 0);
        for (int i = 0; i < na && i < nb; i++) {
            CHECK_STR(ba[i].name, bb[i].name);
            CHECK(ba[i].n == bb[i].n);
            memcpy(bb[i].data, ba[i].data, ba[i].n * sizeof(float));
        }
        optim_set_steps(b, optim_steps(a));
        memcpy(wb, wa, sizeof wa);
        for (int i = 0; i < 12; i++)
            g[i] = wa[i] - 0.2f;
        optim_step(a, wa, g, p.lr);
        optim_step(b, wb, g, p.lr);
        CHECK(memcmp(wa, wb, sizeof wa) == 0);
        optim_free(a);
        optim_free(b);
    }
}

int main(void)
{
    test_buffers_restore();
    test_adam_constant();
    test_adam_two_steps();
    test_adafactor_factored();
    test_adafactor_vector();
    test_sgd();
    test_schedules();
    test_clip();
    test_quadratic();
    TEST_END();
}
