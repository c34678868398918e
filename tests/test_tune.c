/* test_tune.c - the tuning loop on a toy least-squares objective with a
 * known optimum: convergence for every optimiser, determinism, data order,
 * stop and pause flags (from another thread), NaN/Inf handling, early
 * stopping, best-prompt tracking, resume through a save/load that
 * continues the curve history bit for bit, and an exact resume (optimiser
 * buffers carried over) for every optimiser, over two tensors. */
#include "test.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "promptlab/soft.h"
#include "promptlab/tune.h"

enum { R = 3, D = 5, NP = R * D, NTRAIN = 40, NVALID = 10 };

/* Example i: x_i [D] and y_i = P* x_i [R]; loss 1/2R |P x - y|^2. */
struct toy {
    float pstar[NP];
    float x[NTRAIN + NVALID][D];
    float y[NTRAIN + NVALID][R];
    /* knobs for the failure tests */
    int calls;               /* loss_and_grad calls so far */
    int nan_loss_at;         /* call number (1-based) that returns a NaN loss; 0 = never */
    int nan_grad_at;         /* ... a NaN in the gradient */
    int huge_grad;           /* gradients times 1e30 */
    int fail_at;             /* ... returns PL_EIO */
    int report_tokens;
    const float *vseq;       /* scripted validation losses (NULL = real) */
    const float *mseq;       /* scripted metrics */
    int n_vseq, eval_calls;
    int seen[NTRAIN];        /* how often each example was used */
    useconds_t slow_us;      /* sleep per step */
    const float *w;          /* the values being trained [NP] (set by train) */
    float *g;                /* their gradient [NP] */
};

static void toy_init(struct toy *t, uint64_t seed)
{
    memset(t, 0, sizeof *t);
    struct pl_rng r;
    pl_rng_seed(&r, seed);
    for (int i = 0; i < NP; i++)
        t->pstar[i] = pl_rng_normal(&r);
    for (int i = 0; i < NTRAIN + NVALID; i++) {
        for (int j = 0; j < D; j++)
            t->x[i][j] = pl_rng_normal(&r);
        for (int k = 0; k < R; k++) {
            float s = 0;
            for (int j = 0; j < D; j++)
                s += t->pstar[k * D + j] * t->x[i][j];
            t->y[i][k] = s;
        }
    }
}

static double example_loss(const struct toy *t, int i, const float *p, float *grad, double scale)
{
    double loss = 0;
    for (int k = 0; k < R; k++) {
        double pred = 0;
        for (int j = 0; j < D; j++)
            pred += (double)p[k * D + j] * t->x[i][j];
        double res = pred - t->y[i][k];
        loss += 0.5 * res * res / R;
        if (grad)
            for (int j = 0; j < D; j++)
                grad[k * D + j] += (float)(scale * res * t->x[i][j] / R);
    }
    return loss;
}

static int toy_loss(void *ctx, const int *idx, int n, float *loss, int64_t *n_tokens,
                    struct pl_err *e)
{
    struct toy *t = ctx;
    const float *prompt = t->w;
    float *grad = t->g;
    t->calls++;
    if (t->slow_us)
        usleep(t->slow_us);
    if (t->calls == t->fail_at)
        return pl_err_set(e, PL_EIO, "toy: disk on fire");
    double s = 0;
    for (int b = 0; b < n; b++) {
        t->seen[idx[b]]++;
        s += example_loss(t, idx[b], prompt, grad, 1.0 / n);
    }
    *loss = (float)(s / n);
    if (t->calls == t->nan_loss_at)
        *loss = NAN;
    if (t->calls == t->nan_grad_at)
        grad[3] = NAN;
    if (t->huge_grad)
        for (int i = 0; i < NP; i++)
            grad[i] *= 1e30f;
    if (t->report_tokens)
        *n_tokens = 7 * n;
    return 0;
}

static int toy_eval(void *ctx, float *valid_loss, float *metric, struct pl_err *e)
{
    (void)e;
    struct toy *t = ctx;
    const float *prompt = t->w;
    int c = t->eval_calls++;
    if (t->vseq) {
        *valid_loss = t->vseq[c < t->n_vseq ? c : t->n_vseq - 1];
        *metric = t->mseq ? t->mseq[c < t->n_vseq ? c : t->n_vseq - 1] : NAN;
        return 0;
    }
    double s = 0;
    for (int i = NTRAIN; i < NTRAIN + NVALID; i++)
        s += example_loss(t, i, prompt, NULL, 0);
    *valid_loss = (float)(s / NVALID);
    *metric = (float)(1.0 / (1.0 + s / NVALID));
    return 0;
}

static struct tune_objective objective(struct toy *t)
{
    struct tune_objective o = {.ctx = t, .n_train = NTRAIN, .loss_and_grad = toy_loss,
                               .evaluate = toy_eval};
    return o;
}

/* One run over the single tensor w ([R, D], trained in place) as a fresh
 * tune_state (fresh optimiser moments): hist is copied in and out, best
 * (may be NULL) in when hist has a best, and out. w0 NULL: drift from w. */
static int train(const struct tune_params *p, const struct tune_objective *obj, float *w,
                 const float *w0, float *best, struct tune_history *hist,
                 const struct tune_control *ctl, struct tune_result *res, struct pl_err *e)
{
    static float g[NP];
    float w0c[NP];
    memcpy(w0c, w, sizeof w0c);
    if (obj->ctx) {
        struct toy *t = obj->ctx;
        t->w = w;
        t->g = g;
    }
    struct tune_tensor x = {"prompt", w, g, w0 ? w0 : w0c, R, D};
    tune_state *s = NULL;
    int rc = tune_init(&s, p, &x, 1, TUNE_KEEP_BEST, e);
    if (rc)
        return rc;
    struct tune_history *h = tune_hist(s);
    rc = tune_history_copy(h, hist, e);
    if (rc == 0 && best && hist->best_step >= 0)
        memcpy(tune_best(s, 0), best, sizeof(float) * NP);
    if (rc == 0)
        rc = tune_run(s, obj, ctl, res, e);
    tune_history_free(hist);
    if (tune_history_copy(hist, h, NULL))
        rc = PL_ENOMEM;
    if (best)
        memcpy(best, tune_best(s, 0), sizeof(float) * NP);
    tune_free(s);
    return rc;
}

static struct tune_params params(enum optim_kind kind, float lr, int steps)
{
    struct tune_params p;
    tune_params_default(&p);
    optim_params_default(&p.opt, kind);
    p.opt.lr = lr;
    p.steps = steps;
    p.batch = 4;
    p.eval_every = 10;
    p.clip_norm = 0;
    p.seed = 17;
    return p;
}

static double dist(const float *a, const float *b)
{
    double s = 0;
    for (int i = 0; i < NP; i++)
        s += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
    return sqrt(s);
}

/* ---- tests ---- */

static void test_converges(void)
{
    for (int kind = 0; kind < 3; kind++) {
        struct toy t;
        toy_init(&t, 3);
        struct tune_objective obj = objective(&t);
        float lr = kind == OPTIM_ADAFACTOR ? 0.3f : kind == OPTIM_ADAM ? 0.1f : 0.3f;
        struct tune_params p = params((enum optim_kind)kind, lr, 600);
        p.opt.schedule = OPTIM_WARMUP_COSINE;
        p.opt.warmup_steps = 10;
        p.opt.total_steps = 600;
        p.eval_every = 50;
        float w[NP] = {0}, best[NP];
        struct tune_history h;
        tune_history_init(&h);
        struct tune_result res;
        struct pl_err e = {0};
        int rc = train(&p, &obj, w, NULL, best, &h, NULL, &res, &e);
        CHECKF(rc == 0, "%s: %s", optim_kind_name((enum optim_kind)kind), e.msg);
        double d = dist(w, t.pstar);
        CHECKF(d < 1e-2, "%s: |P - P*| = %g", optim_kind_name((enum optim_kind)kind), d);
        CHECK(res.end == TUNE_END_DONE && res.steps_done == 600);
        CHECK_INT(h.n, 601);
        CHECK(h.pts[0].step == 0 && isnan(h.pts[0].train_loss) && !isnan(h.pts[0].valid_loss));
        CHECK(h.pts[600].step == 600 && !isnan(h.pts[600].valid_loss) && h.pts[600].valid_loss < 1e-4f);
        CHECK(isnan(h.pts[599].valid_loss));
        /* the best point is the lowest validation loss of the curve */
        int arg = -1;
        for (int i = 0; i < h.n; i++)
            if (!isnan(h.pts[i].valid_loss) && (arg < 0 || h.pts[i].valid_loss < h.pts[arg].valid_loss))
                arg = i;
        CHECK(arg >= 0 && h.best_step == h.pts[arg].step && h.best_valid_loss == h.pts[arg].valid_loss);
        CHECK(h.pts[600].drift > 0 && fabsf(h.pts[0].drift) == 0.0f);
        CHECK(res.final_train_loss < 1e-4f);
        tune_history_free(&h);
    }
}

static void test_deterministic(void)
{
    float w1[NP] = {0}, w2[NP] = {0}, w3[NP] = {0};
    struct tune_history h1, h2, h3;
    tune_history_init(&h1);
    tune_history_init(&h2);
    tune_history_init(&h3);
    struct toy t1, t2, t3;
    toy_init(&t1, 5);
    toy_init(&t2, 5);
    toy_init(&t3, 5);
    struct tune_objective o1 = objective(&t1), o2 = objective(&t2), o3 = objective(&t3);
    struct tune_params p = params(OPTIM_ADAFACTOR, 0.3f, 57);
    p.clip_norm = 1.0f;
    CHECK(train(&p, &o1, w1, NULL, NULL, &h1, NULL, NULL, NULL) == 0);
    CHECK(train(&p, &o2, w2, NULL, NULL, &h2, NULL, NULL, NULL) == 0);
    p.seed = 18;
    CHECK(train(&p, &o3, w3, NULL, NULL, &h3, NULL, NULL, NULL) == 0);
    CHECK(memcmp(w1, w2, sizeof w1) == 0);
    CHECK(h1.n == h2.n && memcmp(h1.pts, h2.pts, (size_t)h1.n * sizeof *h1.pts) == 0);
    CHECK(memcmp(w1, w3, sizeof w1) != 0);
    tune_history_free(&h1);
    tune_history_free(&h2);
    tune_history_free(&h3);

    /* Data order: each epoch visits every example once (B divides n), and
     * tune_batch_indices reproduces what the loop used. */
    int idx[4], seen[NTRAIN] = {0};
    int ok = 1;
    for (long s = 1; s <= NTRAIN / 4; s++) {
        CHECK(tune_batch_indices(17, NTRAIN, 4, s, idx, NULL) == 0);
        for (int j = 0; j < 4; j++)
            seen[idx[j]]++;
    }
    for (int i = 0; i < NTRAIN; i++)
        ok &= seen[i] == 1;
    CHECK(ok);
    /* 57 steps of 4 = 228 draws = 5 full epochs + 28: every example 5 or 6 times */
    ok = 1;
    for (int i = 0; i < NTRAIN; i++)
        ok &= t1.seen[i] == 5 || t1.seen[i] == 6;
    CHECK(ok);
    int a[4], b[4];
    tune_batch_indices(17, NTRAIN, 4, 11, a, NULL);
    tune_batch_indices(17, NTRAIN, 4, 1, b, NULL);
    CHECK(memcmp(a, b, sizeof a) != 0); /* epoch 2 is a different permutation */
    CHECK(tune_batch_indices(17, 0, 4, 1, a, NULL) == PL_EINVAL);
}

struct counter {
    int calls, last_step, stop_at, pause_at, tokens_seen, train_flags_ok, step0_ok;
    atomic_int *stop, *pause;
};

static void on_progress(void *user, const struct tune_progress *pr)
{
    struct counter *c = user;
    c->calls++;
    c->last_step = pr->pt.step;
    if (pr->pt.step == 0)
        c->step0_ok = (pr->flags & TUNE_HAS_VALID) && !(pr->flags & TUNE_HAS_TRAIN) && (pr->flags & TUNE_IS_BEST);
    else if (!(pr->flags & TUNE_HAS_TRAIN) || !isfinite(pr->pt.train_loss) || !isfinite(pr->pt.grad_norm))
        c->train_flags_ok = 0;
    if (pr->flags & TUNE_HAS_TOKENS)
        c->tokens_seen++;
    if (c->stop_at && pr->pt.step == c->stop_at)
        atomic_store(c->stop, 1);
}

static void test_stop_flag(void)
{
    struct toy t;
    toy_init(&t, 1);
    t.report_tokens = 1;
    struct tune_objective obj = objective(&t);
    struct tune_params p = params(OPTIM_ADAM, 0.05f, 100);
    atomic_int stop = 0;
    struct counter c = {0};
    c.train_flags_ok = 1;
    c.stop_at = 5;
    c.stop = &stop;
    struct tune_control ctl = {&stop, NULL, on_progress, &c};
    float w[NP] = {0};
    struct tune_history h;
    tune_history_init(&h);
    struct tune_result res;
    struct pl_err e = {0};
    CHECK(train(&p, &obj, w, NULL, NULL, &h, &ctl, &res, &e) == PL_ESTOPPED);
    CHECK(strstr(e.msg, "step 5") != NULL);
    CHECK(res.end == TUNE_END_STOPPED && res.steps_done == 5 && h.steps_done == 5);
    CHECK(h.n == 6 && h.pts[5].step == 5);
    CHECK(c.calls == 6 && c.last_step == 5 && c.step0_ok && c.train_flags_ok);
    CHECK(c.tokens_seen == 5);
    CHECK(t.calls == 5);
    tune_history_free(&h);
}

struct worker {
    const struct tune_params *p;
    const struct tune_objective *obj;
    float *w;
    struct tune_history *h;
    const struct tune_control *ctl;
    int rc;
    double wall;
};

static void *work(void *arg)
{
    struct worker *wk = arg;
    double t0 = pl_now();
    wk->rc = train(wk->p, wk->obj, wk->w, NULL, NULL, wk->h, wk->ctl, NULL, NULL);
    wk->wall = pl_now() - t0;
    return NULL;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void test_threads(void)
{
    /* Stop from another thread while steps are running. */
    struct toy t;
    toy_init(&t, 1);
    t.slow_us = 1000;
    struct tune_objective obj = objective(&t);
    struct tune_params p = params(OPTIM_SGD, 0.05f, 100000);
    atomic_int stop = 0, pause = 0;
    struct tune_control ctl = {&stop, &pause, NULL, NULL};
    float w[NP] = {0};
    struct tune_history h;
    tune_history_init(&h);
    struct worker wk = {&p, &obj, w, &h, &ctl, 0, 0};
    pthread_t th;
    CHECK(pthread_create(&th, NULL, work, &wk) == 0);
    sleep_ms(30);
    atomic_store(&stop, 1);
    pthread_join(th, NULL);
    CHECK(wk.rc == PL_ESTOPPED);
    CHECK(h.steps_done > 0 && h.steps_done < 100000 && h.pts[h.n - 1].step == h.steps_done);
    tune_history_free(&h);

    /* Paused from the start: no step runs until resumed; pause time is not
     * counted as training time. */
    toy_init(&t, 1);
    atomic_store(&stop, 0);
    atomic_store(&pause, 1);
    p.steps = 20;
    tune_history_init(&h);
    CHECK(pthread_create(&th, NULL, work, &wk) == 0);
    sleep_ms(300);
    int calls_while_paused = t.calls;
    atomic_store(&pause, 0);
    pthread_join(th, NULL);
    CHECK(calls_while_paused == 0);
    CHECK(wk.rc == 0 && h.steps_done == 20 && t.calls == 20);
    CHECKF(h.elapsed < wk.wall - 0.15, "elapsed %g of wall %g", h.elapsed, wk.wall);
    tune_history_free(&h);

    /* Stop while paused ends the run. */
    toy_init(&t, 1);
    atomic_store(&pause, 1);
    tune_history_init(&h);
    CHECK(pthread_create(&th, NULL, work, &wk) == 0);
    sleep_ms(20);
    atomic_store(&stop, 1);
    pthread_join(th, NULL);
    CHECK(wk.rc == PL_ESTOPPED && t.calls == 0 && h.steps_done == 0);
    tune_history_free(&h);
}

/* Run the same configuration for `steps` steps and return the prompt. */
static void reference_run(int steps, enum optim_kind kind, float lr, float *w)
{
    struct toy t;
    toy_init(&t, 2);
    struct tune_objective obj = objective(&t);
    struct tune_params p = params(kind, lr, steps);
    struct tune_history h;
    tune_history_init(&h);
    memset(w, 0, NP * sizeof(float));
    CHECK(train(&p, &obj, w, NULL, NULL, &h, NULL, NULL, NULL) == 0);
    tune_history_free(&h);
}

static void test_nan(void)
{
    float ref6[NP];
    reference_run(6, OPTIM_ADAM, 0.05f, ref6);
    const char *what[3] = {"loss", "gradient", "overflow"};
    for (int mode = 0; mode < 3; mode++) {
        struct toy t;
        toy_init(&t, 2);
        if (mode == 0)
            t.nan_loss_at = 7;
        if (mode == 1)
            t.nan_grad_at = 7;
        struct tune_objective obj = objective(&t);
        struct tune_params p = params(OPTIM_ADAM, 0.05f, 20);
        float w[NP] = {0};
        if (mode == 2) {
            /* SGD with gradients of 1e30 and lr 1e10 overflows at step 1. */
            t.huge_grad = 1;
            p = params(OPTIM_SGD, 1e10f, 20);
        }
        struct tune_history h;
        tune_history_init(&h);
        struct tune_result res;
        struct pl_err e = {0};
        int rc = train(&p, &obj, w, NULL, NULL, &h, NULL, &res, &e);
        CHECKF(rc == PL_ENUMERIC, "%s: rc %d", what[mode], rc);
        CHECK(res.end == TUNE_END_NUMERIC);
        if (mode < 2) {
            CHECKF(strstr(e.msg, "step 7") != NULL && strstr(e.msg, what[mode]) != NULL, "%s", e.msg);
            CHECK(memcmp(w, ref6, sizeof w) == 0); /* the prompt of step 6 */
            CHECK(h.steps_done == 6 && h.pts[h.n - 1].step == 6);
        } else {
            CHECKF(strstr(e.msg, "step 1") != NULL && strstr(e.msg, "overflow") != NULL, "%s", e.msg);
            float zero[NP] = {0};
            CHECK(memcmp(w, zero, sizeof w) == 0);
            CHECK(h.steps_done == 0 && h.n == 1);
        }
        tune_history_free(&h);
    }
    /* A NaN validation loss undoes the step it validated. */
    struct toy t;
    toy_init(&t, 2);
    float vs[3] = {1.0f, NAN, 0.5f};
    t.vseq = vs;
    t.n_vseq = 3;
    struct tune_objective obj = objective(&t);
    struct tune_params p = params(OPTIM_ADAM, 0.05f, 20);
    p.eval_every = 7;
    float w[NP] = {0}, ref[NP];
    reference_run(6, OPTIM_ADAM, 0.05f, ref);
    struct tune_history h;
    tune_history_init(&h);
    struct pl_err e = {0};
    CHECK(train(&p, &obj, w, NULL, NULL, &h, NULL, NULL, &e) == PL_ENUMERIC);
    CHECK(strstr(e.msg, "validation") != NULL && h.steps_done == 6 && memcmp(w, ref, sizeof w) == 0);
    tune_history_free(&h);
}

static void test_errors(void)
{
    struct toy t;
    toy_init(&t, 2);
    t.fail_at = 3;
    struct tune_objective obj = objective(&t);
    struct tune_params p = params(OPTIM_SGD, 0.05f, 20);
    float w[NP] = {0};
    struct tune_history h;
    tune_history_init(&h);
    struct tune_result res;
    struct pl_err e = {0};
    CHECK(train(&p, &obj, w, NULL, NULL, &h, NULL, &res, &e) == PL_EIO);
    CHECK(strstr(e.msg, "step 3") && strstr(e.msg, "disk on fire"));
    CHECK(res.end == TUNE_END_ERROR && h.steps_done == 2);
    tune_history_free(&h);

    p.batch = 0;
    CHECK(train(&p, &obj, w, NULL, NULL, &h, NULL, NULL, &e) == PL_EINVAL);
    p.batch = 4;
    p.opt.lr = 0;
    CHECK(train(&p, &obj, w, NULL, NULL, &h, NULL, NULL, &e) == PL_EINVAL);
    p.opt.lr = 0.1f;
    obj.n_train = 0;
    CHECK(train(&p, &obj, w, NULL, NULL, &h, NULL, NULL, &e) == PL_EINVAL);
    obj.n_train = NTRAIN;
    h.steps_done = 4; /* no points but steps: inconsistent */
    CHECK(train(&p, &obj, w, NULL, NULL, &h, NULL, NULL, &e) == PL_EINVAL);
    tune_history_init(&h);

    /* Metric selection without a metric is refused at the first validation. */
    p.select = TUNE_SELECT_METRIC;
    float vs[1] = {1.0f};
    t.vseq = vs;
    t.n_vseq = 1;
    t.fail_at = 0;
    CHECK(train(&p, &obj, w, NULL, NULL, &h, NULL, NULL, &e) == PL_EINVAL);
    CHECK(strstr(e.msg, "metric") != NULL);
    tune_history_free(&h);
}

static void test_early_stop(void)
{
    /* Validations at steps 0,2,4,6,8,...: losses 5,4,3,3.5,3.6 -> best at
     * step 4; patience 2 stops after step 8. */
    float ref4[NP];
    reference_run(4, OPTIM_ADAM, 0.05f, ref4);
    struct toy t;
    toy_init(&t, 2);
    float vs[7] = {5, 4, 3, 3.5f, 3.6f, 1, 1};
    t.vseq = vs;
    t.n_vseq = 7;
    struct tune_objective obj = objective(&t);
    struct tune_params p = params(OPTIM_ADAM, 0.05f, 100);
    p.eval_every = 2;
    p.patience = 2;
    float w[NP] = {0}, best[NP];
    struct tune_history h;
    tune_history_init(&h);
    struct tune_result res;
    CHECK(train(&p, &obj, w, NULL, best, &h, NULL, &res, NULL) == 0);
    CHECK(res.end == TUNE_END_EARLY && res.steps_done == 8);
    CHECK(res.best_step == 4 && res.best_valid_loss == 3.0f);
    CHECK(memcmp(best, ref4, sizeof best) == 0);
    CHECK(memcmp(w, best, sizeof w) != 0);
    tune_history_free(&h);

    /* By metric: metrics .1 .5 .4 .3 .2 -> best at step 2, stop at step 6. */
    float ref2[NP];
    reference_run(2, OPTIM_ADAM, 0.05f, ref2);
    toy_init(&t, 2);
    float ls[5] = {9, 1, 0.5f, 0.2f, 0.1f}, ms[5] = {0.1f, 0.5f, 0.4f, 0.3f, 0.2f};
    t.vseq = ls;
    t.mseq = ms;
    t.n_vseq = 5;
    p.select = TUNE_SELECT_METRIC;
    memset(w, 0, sizeof w);
    tune_history_init(&h);
    CHECK(train(&p, &obj, w, NULL, best, &h, NULL, &res, NULL) == 0);
    CHECK(res.end == TUNE_END_EARLY && res.steps_done == 6 && res.best_step == 2);
    CHECK(res.best_metric == 0.5f && memcmp(best, ref2, sizeof best) == 0);
    tune_history_free(&h);

    /* No validation at all: best is the last prompt. */
    toy_init(&t, 2);
    obj.evaluate = NULL;
    p = params(OPTIM_SGD, 0.05f, 9);
    memset(w, 0, sizeof w);
    tune_history_init(&h);
    CHECK(train(&p, &obj, w, NULL, best, &h, NULL, &res, NULL) == 0);
    CHECK(res.best_step == -1 && memcmp(best, w, sizeof w) == 0 && h.n == 10);
    CHECK(isnan(h.pts[9].valid_loss));
    tune_history_free(&h);
}

/* Equal bit for bit, or both NaN. */
static bool feq(float a, float b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

/* Train 10 steps, save, load, resume to 25: with SGD (stateless) the prompt
 * and the curve equal those of one uninterrupted 25-step run. */
static void test_resume(void)
{
    char dir[256];
    snprintf(dir, sizeof dir, "/tmp/pl_test_tune.%ld", (long)getpid());
    struct toy t;
    toy_init(&t, 4);
    struct tune_objective obj = objective(&t);
    struct tune_params p = params(OPTIM_SGD, 0.05f, 25);
    p.eval_every = 5;

    struct soft_prompt full;
    CHECK(soft_prompt_init(&full, R, D, NULL) == 0);
    soft_fill_random(&full, 8);
    struct tune_history hf;
    tune_history_init(&hf);
    CHECK(train(&p, &obj, full.w, full.w0, NULL, &hf, NULL, NULL, NULL) == 0);

    struct soft_prompt part;
    CHECK(soft_prompt_init(&part, R, D, NULL) == 0);
    soft_fill_random(&part, 8);
    struct soft_record rec;
    soft_record_init(&rec);
    rec.has_params = true;
    rec.params = p;
    rec.params.steps = 10;
    toy_init(&t, 4);
    struct pl_err e = {0};
    CHECK(train(&rec.params, &obj, part.w, part.w0, NULL, &rec.hist, NULL, NULL, &e) == 0);
    rec.prompt_step = rec.hist.steps_done;
    CHECK(rec.hist.steps_done == 10 && rec.hist.n == 11);
    CHECKF(soft_save(dir, &part, &rec, &e) == 0, "%s", e.msg);
    soft_record_free(&rec);
    soft_prompt_free(&part);

    struct soft_prompt q;
    struct soft_record r2;
    CHECKF(soft_load(dir, D, &q, &r2, &e) == 0, "%s", e.msg);
    CHECK(r2.has_params && r2.params.steps == 10 && r2.hist.steps_done == 10);
    r2.params.steps = 25;
    float *best = malloc(NP * sizeof(float));
    memcpy(best, q.w, NP * sizeof(float));
    /* as if the first part had taken 100 s: the resumed run adds to it */
    r2.hist.elapsed = 100.0;
    int calls_before = t.calls;
    CHECK(train(&r2.params, &obj, q.w, q.w0, best, &r2.hist, NULL, NULL, &e) == 0);
    CHECK(t.calls - calls_before == 15);
    CHECK(memcmp(q.w, full.w, NP * sizeof(float)) == 0);
    CHECK_INT(r2.hist.n, hf.n);
    int same = r2.hist.n == hf.n;
    for (int i = 0; same && i < hf.n; i++) {
        const struct tune_point *a = &hf.pts[i], *b = &r2.hist.pts[i];
        same &= a->step == b->step && feq(a->train_loss, b->train_loss) && feq(a->drift, b->drift) &&
                feq(a->row_norm, b->row_norm) && feq(a->lr, b->lr) && feq(a->grad_norm, b->grad_norm) &&
                feq(a->valid_loss, b->valid_loss) && feq(a->metric, b->metric);
        if (!same)
            fprintf(stderr, "history differs at step %d: %g/%g %g/%g %g/%g %g/%g\n", a->step,
                    (double)a->train_loss, (double)b->train_loss, (double)a->valid_loss, (double)b->valid_loss,
                    (double)a->drift, (double)b->drift, (double)a->grad_norm, (double)b->grad_norm);
    }
    CHECK(same);
    CHECK(r2.hist.best_step == hf.best_step && r2.hist.best_valid_loss == hf.best_valid_loss);
    CHECKF(r2.hist.elapsed >= 100.0 && r2.hist.elapsed < 160.0, "elapsed %g", r2.hist.elapsed);

    /* Resuming a finished history does nothing. */
    int calls = t.calls;
    CHECK(train(&r2.params, &obj, q.w, q.w0, best, &r2.hist, NULL, NULL, &e) == 0);
    CHECK(t.calls == calls && r2.hist.n == hf.n);

    free(best);
    soft_record_free(&r2);
    soft_prompt_free(&q);
    soft_prompt_free(&full);
    tune_history_free(&hf);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

/* ---- exact resume: a run stopped at step K and continued in a fresh
 * state (values, best, history and every optimiser buffer carried over)
 * equals an uninterrupted run bit for bit. The values are two tensors
 * (row 0, rows 1-2) so the clip norm and Adafactor's factoring span both. */

static void stop_at_k(void *user, const struct tune_progress *pr)
{
    struct counter *c = user;
    if (pr->pt.step == c->stop_at)
        atomic_store(c->stop, 1);
}

static tune_state *two_tensors(const struct tune_params *p, struct toy *t, float *w, float *g,
                               const float *w0)
{
    t->w = w;
    t->g = g;
    struct tune_tensor x[2] = {{"a", w, g, w0, 1, D}, {"b", w + D, g + D, w0 + D, R - 1, D}};
    tune_state *s = NULL;
    CHECK(tune_init(&s, p, x, 2, TUNE_KEEP_BEST, NULL) == 0);
    return s;
}

/* Copy what a checkpoint holds from a to b; `moments` false leaves b's
 * optimisers fresh (the negative control). */
static void carry_over(tune_state *a, tune_state *b, bool moments)
{
    CHECK(tune_history_copy(tune_hist(b), tune_hist(a), NULL) == 0);
    for (int i = 0; i < 2; i++) {
        memcpy(tune_best(b, i), tune_best(a, i), sizeof(float) * (size_t)(i ? (R - 1) * D : D));
        struct optim_buffer x[4], y[4];
        int n = optim_buffers(tune_optim(a, i), x), m = optim_buffers(tune_optim(b, i), y);
        CHECK(n == m);
        for (int k = 0; moments && k < n && k < m; k++)
            memcpy(y[k].data, x[k].data, x[k].n * sizeof(float));
        if (moments)
            optim_set_steps(tune_optim(b, i), optim_steps(tune_optim(a, i)));
    }
}

static bool exact_resume(struct tune_params p, bool moments)
{
    float w0[NP], wa[NP], wb[NP], ga[NP], gb[NP];
    struct pl_rng r;
    pl_rng_seed(&r, 4);
    for (int i = 0; i < NP; i++)
        w0[i] = pl_rng_normal(&r);
    memcpy(wa, w0, sizeof wa);
    memcpy(wb, w0, sizeof wb);
    struct toy ta, tb;
    toy_init(&ta, 6);
    toy_init(&tb, 6);
    struct tune_objective oa = objective(&ta), ob = objective(&tb);
    tune_state *full = two_tensors(&p, &ta, wa, ga, w0);
    CHECK(tune_run(full, &oa, NULL, NULL, NULL) == 0);

    atomic_int stop = 0;
    struct counter c = {.stop_at = 11, .stop = &stop};
    struct tune_control ctl = {&stop, NULL, stop_at_k, &c};
    tune_state *first = two_tensors(&p, &tb, wb, gb, w0);
    CHECK(tune_run(first, &ob, &ctl, NULL, NULL) == PL_ESTOPPED);
    CHECK_INT(tune_hist(first)->steps_done, 11);
    tune_state *second = two_tensors(&p, &tb, wb, gb, w0);
    carry_over(first, second, moments);
    CHECK(tune_run(second, &ob, NULL, NULL, NULL) == 0);

    const struct tune_history *ha = tune_hist(full), *hb = tune_hist(second);
    bool same = memcmp(wa, wb, sizeof wa) == 0 && ha->n == hb->n &&
                memcmp(tune_best(full, 0), tune_best(second, 0), sizeof(float) * NP) == 0 &&
                ha->best_step == hb->best_step;
    for (int i = 0; same && i < ha->n; i++) {
        struct tune_point x = ha->pts[i], y = hb->pts[i];
        same = x.step == y.step && feq(x.train_loss, y.train_loss) && feq(x.valid_loss, y.valid_loss) &&
               feq(x.grad_norm, y.grad_norm) && feq(x.drift, y.drift) && feq(x.lr, y.lr);
    }
    tune_free(full);
    tune_free(first);
    tune_free(second);
    return same;
}

static void test_exact_resume(void)
{
    struct {
        enum optim_kind kind;
        float lr;
        const char *name;
    } cases[] = {{OPTIM_ADAFACTOR, 0.3f, "adafactor"}, {OPTIM_ADAFACTOR, 0.3f, "adafactor beta1"},
                 {OPTIM_ADAM, 0.05f, "adam"}, {OPTIM_SGD, 0.05f, "sgd momentum"}};
    for (int i = 0; i < 4; i++) {
        struct tune_params p = params(cases[i].kind, cases[i].lr, 25);
        p.eval_every = 5;
        p.clip_norm = 0.5f;
        p.opt.schedule = OPTIM_WARMUP_COSINE;
        p.opt.warmup_steps = 3;
        p.opt.total_steps = 25;
        if (i == 1)
            p.opt.af_beta1 = 0.9f;
        if (i == 3)
            p.opt.momentum = 0.9f;
        CHECKF(exact_resume(p, true), "%s: the resumed run differs", cases[i].name);
        /* the check can fail: without the moments the runs part */
        CHECKF(!exact_resume(p, false), "%s: fresh moments gave the same run", cases[i].name);
    }
}

static void test_history(void)
{
    struct tune_history h, c;
    tune_history_init(&h);
    CHECK(h.best_step == -1 && isnan(h.best_valid_loss));
    int ok = 1;
    for (int i = 0; i < 1000; i++) {
        struct tune_point pt = {i, (float)i, NAN, NAN, 0, 0, 0, 0};
        ok &= tune_history_push(&h, &pt, NULL) == 0;
    }
    CHECK(ok);
    h.steps_done = 999;
    CHECK(tune_history_copy(&c, &h, NULL) == 0);
    CHECK(c.n == 1000 && c.pts != h.pts && c.pts[999].train_loss == 999.0f && c.steps_done == 999);
    tune_history_free(&c);
    tune_history_free(&h);
    tune_history_free(NULL);
    CHECK(h.n == 0 && h.pts == NULL);
}

int main(void)
{
    test_history();
    test_converges();
    test_deterministic();
    test_stop_flag();
    test_threads();
    test_nan();
    test_errors();
    test_early_stop();
    test_resume();
    test_exact_resume();
    TEST_END();
}
