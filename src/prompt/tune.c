/* tune.c - the prompt-tuning loop: batches, optimiser steps, clipping,
 * validation, best-prompt tracking, early stopping, NaN guard, stop/pause,
 * and the curve history.
 *
 * The one idea: every step is a transaction. The prompt is copied before
 * the update; if the loss, the gradient or the updated prompt is not finite,
 * the copy is restored and the run ends, so the prompt and the history only
 * ever hold good steps. The data order is a pure function of (seed, step),
 * which is what makes runs and resumed runs reproducible. */
#include "promptlab/tune.h"
#include "promptlab/blas.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void tune_params_default(struct tune_params *p)
{
    memset(p, 0, sizeof *p);
    optim_params_default(&p->opt, OPTIM_ADAFACTOR);
    p->steps = 1000;
    p->batch = 8;
    p->eval_every = 100;
    p->patience = 0;
    p->select = TUNE_SELECT_LOSS;
    p->clip_norm = 1.0f;
    p->seed = 1;
}

int tune_params_check(const struct tune_params *p, struct pl_err *e)
{
    if (p->steps < 1)
        return pl_err_set(e, PL_EINVAL, "tune: steps %d must be at least 1", p->steps);
    if (p->batch < 1)
        return pl_err_set(e, PL_EINVAL, "tune: batch %d must be at least 1", p->batch);
    if (p->eval_every < 0)
        return pl_err_set(e, PL_EINVAL, "tune: eval_every %d is negative", p->eval_every);
    if (p->patience < 0)
        return pl_err_set(e, PL_EINVAL, "tune: patience %d is negative", p->patience);
    if (p->select != TUNE_SELECT_LOSS && p->select != TUNE_SELECT_METRIC)
        return pl_err_set(e, PL_EINVAL, "tune: unknown selection %d", (int)p->select);
    if (!(p->clip_norm >= 0.0f) || !isfinite(p->clip_norm))
        return pl_err_set(e, PL_EINVAL, "tune: clip_norm %g must be >= 0", (double)p->clip_norm);
    return optim_params_check(&p->opt, e);
}

/* ---- history ------------------------------------------------------------ */

void tune_history_init(struct tune_history *h)
{
    memset(h, 0, sizeof *h);
    h->best_step = -1;
    h->best_valid_loss = NAN;
    h->best_metric = NAN;
}

void tune_history_free(struct tune_history *h)
{
    if (!h)
        return;
    free(h->pts);
    tune_history_init(h);
}

int tune_history_push(struct tune_history *h, const struct tune_point *pt, struct pl_err *e)
{
    if (h->n == h->cap) {
        int cap = h->cap ? h->cap * 2 : 256;
        struct tune_point *q = realloc(h->pts, (size_t)cap * sizeof *q);
        if (!q)
            return pl_err_set(e, PL_ENOMEM, "tune: out of memory for %d history points", cap);
        h->pts = q;
        h->cap = cap;
    }
    h->pts[h->n++] = *pt;
    return 0;
}

int tune_history_copy(struct tune_history *dst, const struct tune_history *src, struct pl_err *e)
{
    *dst = *src;
    dst->pts = NULL;
    dst->n = dst->cap = 0;
    if (src->n == 0)
        return 0;
    dst->pts = malloc((size_t)src->n * sizeof *dst->pts);
    if (!dst->pts)
        return pl_err_set(e, PL_ENOMEM, "tune: out of memory copying %d history points", src->n);
    memcpy(dst->pts, src->pts, (size_t)src->n * sizeof *dst->pts);
    dst->n = dst->cap = src->n;
    return 0;
}

/* ---- data order --------------------------------------------------------- */

/* Permutation of one epoch, regenerated when the epoch changes. */
struct order {
    uint64_t seed;
    int n;
    long epoch;
    int *perm; /* [n] */
};

static void order_epoch(struct order *o, long epoch)
{
    struct pl_rng r;
    pl_rng_seed(&r, o->seed + 0x9E3779B97F4A7C15ull * (uint64_t)(epoch + 1));
    for (int i = 0; i < o->n; i++)
        o->perm[i] = i;
    for (int i = o->n - 1; i > 0; i--) {
        int j = (int)pl_rng_below(&r, (uint32_t)i + 1);
        int tmp = o->perm[i];
        o->perm[i] = o->perm[j];
        o->perm[j] = tmp;
    }
    o->epoch = epoch;
}

static void order_batch(struct order *o, int batch, long t, int *idx)
{
    long long pos = (long long)(t - 1) * batch;
    for (int j = 0; j < batch; j++, pos++) {
        long epoch = (long)(pos / o->n);
        if (epoch != o->epoch)
            order_epoch(o, epoch);
        idx[j] = o->perm[pos % o->n];
    }
}

int tune_batch_indices(uint64_t seed, int n_train, int batch, long t, int *idx, struct pl_err *e)
{
    if (n_train < 1 || batch < 1 || t < 1)
        return pl_err_set(e, PL_EINVAL, "tune: no batch %ld of %d from %d examples", t, batch, n_train);
    struct order o = {seed, n_train, -1, malloc((size_t)n_train * sizeof(int))};
    if (!o.perm)
        return pl_err_set(e, PL_ENOMEM, "tune: out of memory for %d example indices", n_train);
    order_batch(&o, batch, t, idx);
    free(o.perm);
    return 0;
}

/* ---- the loop ----------------------------------------------------------- */

static void prompt_stats(const float *w, const float *w0, int n_rows, int d, float *norm, float *drift)
{
    double sn = 0, sd = 0;
    for (int i = 0; i < n_rows; i++) {
        double a = 0, b = 0;
        for (int j = 0; j < d; j++) {
            size_t k = (size_t)i * d + j;
            double x = w[k], y = (double)w[k] - w0[k];
            a += x * x;
            b += y * y;
        }
        sn += sqrt(a);
        sd += sqrt(b);
    }
    *norm = (float)(sn / n_rows);
    *drift = (float)(sd / n_rows);
}

static bool all_finite(const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return false;
    return true;
}

static void nap(void)
{
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

static bool flag(atomic_int *f)
{
    return f && atomic_load(f) != 0;
}

/* Everything one run needs, so helpers take one pointer. */
struct run {
    const struct tune_params *p;
    const struct tune_objective *obj;
    const struct tune_control *ctl;
    struct tune_history *hist;
    float *prompt, *best;
    const float *w0;
    int n_rows, d;
    size_t n;
    int since_best;    /* validations without improvement */
    double t_before;   /* hist->elapsed on entry */
    double active;     /* seconds of this session outside pauses, up to seg_start */
    double seg_start;
    int64_t tokens;
};

static double run_elapsed(const struct run *r)
{
    return r->t_before + r->active + (pl_now() - r->seg_start);
}

static bool better(const struct run *r, float loss, float metric)
{
    const struct tune_history *h = r->hist;
    if (h->best_step < 0)
        return true;
    if (r->p->select == TUNE_SELECT_METRIC)
        return metric > h->best_metric;
    return loss < h->best_valid_loss;
}

/* Validate the current prompt for point *pt. Returns 0, the callback's
 * code, PL_ENUMERIC (non-finite loss) or PL_EINVAL (metric selection but no
 * metric). Sets *is_best. */
static int validate(struct run *r, struct tune_point *pt, bool *is_best, struct pl_err *e)
{
    float vl = NAN, m = NAN;
    int rc = r->obj->evaluate(r->obj->ctx, r->prompt, &vl, &m, e);
    if (rc)
        return pl_err_wrap(e, rc, "validation at step %d", pt->step);
    if (!isfinite(vl))
        return pl_err_set(e, PL_ENUMERIC, "validation loss is %g at step %d", (double)vl, pt->step);
    if (!isfinite(m))
        m = NAN;
    if (r->p->select == TUNE_SELECT_METRIC && isnan(m))
        return pl_err_set(e, PL_EINVAL, "best prompt selected by metric, but validation reports no metric");
    pt->valid_loss = vl;
    pt->metric = m;
    *is_best = better(r, vl, m);
    return 0;
}

static void record_best(struct run *r, const struct tune_point *pt)
{
    struct tune_history *h = r->hist;
    h->best_step = pt->step;
    h->best_valid_loss = pt->valid_loss;
    h->best_metric = pt->metric;
    if (r->best)
        memcpy(r->best, r->prompt, r->n * sizeof(float));
    r->since_best = 0;
}

static void report(struct run *r, const struct tune_point *pt, bool is_best)
{
    if (!r->ctl || !r->ctl->progress)
        return;
    struct tune_progress pr;
    memset(&pr, 0, sizeof pr);
    pr.step = pt->step;
    pr.total_steps = r->p->steps;
    pr.train_loss = pt->train_loss;
    pr.valid_loss = pt->valid_loss;
    pr.metric = pt->metric;
    pr.grad_norm = pt->grad_norm;
    pr.lr = pt->lr;
    pr.row_norm = pt->row_norm;
    pr.drift = pt->drift;
    pr.elapsed = run_elapsed(r);
    double act = r->active + (pl_now() - r->seg_start);
    if (r->tokens > 0 && act > 0) {
        pr.tokens_per_s = (double)r->tokens / act;
        pr.flags |= TUNE_HAS_TOKENS;
    }
    if (pt->step > 0 && !isnan(pt->train_loss))
        pr.flags |= TUNE_HAS_TRAIN;
    if (!isnan(pt->valid_loss))
        pr.flags |= TUNE_HAS_VALID;
    if (!isnan(pt->metric))
        pr.flags |= TUNE_HAS_METRIC;
    if (is_best)
        pr.flags |= TUNE_IS_BEST;
    pr.best_step = r->hist->best_step;
    pr.best_valid_loss = r->hist->best_valid_loss;
    pr.best_metric = r->hist->best_metric;
    r->ctl->progress(r->ctl->user, &pr);
}

/* Validations after the best one in a resumed history count towards
 * patience, so a resumed run stops where an uninterrupted one would. */
static int count_since_best(const struct tune_history *h)
{
    int c = 0;
    for (int i = 0; i < h->n; i++)
        if (h->pts[i].step > h->best_step && !isnan(h->pts[i].valid_loss))
            c++;
    return c;
}

int tune_run(const struct tune_params *p, const struct tune_objective *obj,
             float *prompt, const float *prompt0, int n_rows, int d, float *best,
             struct tune_history *hist, const struct tune_control *ctl,
             struct tune_result *res, struct pl_err *e)
{
    int rc = tune_params_check(p, e);
    if (rc)
        return rc;
    if (!obj || !obj->loss_and_grad || obj->n_train < 1)
        return pl_err_set(e, PL_EINVAL, "tune: the objective has no training examples or no loss function");
    if (!prompt || !hist || n_rows < 1 || d < 1)
        return pl_err_set(e, PL_EINVAL, "tune: empty prompt [%d, %d]", n_rows, d);
    if (hist->steps_done < 0 || (hist->n == 0 && hist->steps_done != 0) ||
        (hist->n > 0 && hist->pts[hist->n - 1].step != hist->steps_done))
        return pl_err_set(e, PL_EINVAL, "tune: history is inconsistent (steps_done %d, last point step %d)",
                          hist->steps_done, hist->n ? hist->pts[hist->n - 1].step : -1);

    struct run r = {0};
    r.p = p;
    r.obj = obj;
    r.ctl = ctl;
    r.hist = hist;
    r.prompt = prompt;
    r.best = best;
    r.n_rows = n_rows;
    r.d = d;
    r.n = (size_t)n_rows * (size_t)d;
    r.t_before = hist->elapsed;
    r.seg_start = pl_now();
    pl_threads_busy_begin(); /* a core for this run; let go while paused (blas.h) */

    float *grad = malloc(r.n * sizeof(float));
    float *prev = malloc(r.n * sizeof(float));
    float *w0copy = prompt0 ? NULL : malloc(r.n * sizeof(float));
    int *idx = malloc((size_t)p->batch * sizeof(int));
    struct order ord = {p->seed, obj->n_train, -1, malloc((size_t)obj->n_train * sizeof(int))};
    optim *opt = NULL;
    if (!grad || !prev || (!prompt0 && !w0copy) || !idx || !ord.perm) {
        rc = pl_err_set(e, PL_ENOMEM, "tune: out of memory for a [%d, %d] prompt", n_rows, d);
        goto out;
    }
    if (!prompt0)
        memcpy(w0copy, prompt, r.n * sizeof(float));
    r.w0 = prompt0 ? prompt0 : w0copy;
    rc = optim_init(&opt, &p->opt, n_rows, d, e);
    if (rc)
        goto out;

    enum tune_end end = TUNE_END_DONE;
    float last_loss = NAN;
    r.since_best = count_since_best(hist);

    if (hist->n == 0) {
        /* Step 0: the initial prompt, validated when there is validation. */
        struct tune_point pt = {0, NAN, NAN, NAN, NAN, 0, 0, NAN};
        prompt_stats(prompt, r.w0, n_rows, d, &pt.row_norm, &pt.drift);
        bool is_best = false;
        if (obj->evaluate) {
            rc = validate(&r, &pt, &is_best, e);
            if (rc) {
                end = rc == PL_ENUMERIC ? TUNE_END_NUMERIC : TUNE_END_ERROR;
                goto done;
            }
            if (is_best)
                record_best(&r, &pt);
        }
        rc = tune_history_push(hist, &pt, e);
        if (rc)
            goto out;
        report(&r, &pt, is_best);
    }

    for (int t = hist->steps_done + 1; t <= p->steps; t++) {
        if (ctl && flag(ctl->pause) && !flag(ctl->stop)) {
            r.active += pl_now() - r.seg_start;
            pl_threads_busy_end();
            while (flag(ctl->pause) && !flag(ctl->stop))
                nap();
            pl_threads_busy_begin();
            r.seg_start = pl_now();
        }
        if (ctl && flag(ctl->stop)) {
            end = TUNE_END_STOPPED;
            rc = pl_err_set(e, PL_ESTOPPED, "training stopped on request after step %d", t - 1);
            break;
        }

        order_batch(&ord, p->batch, t, idx);
        memset(grad, 0, r.n * sizeof(float));
        float loss = NAN;
        int64_t ntok = 0;
        rc = obj->loss_and_grad(obj->ctx, idx, p->batch, prompt, grad, &loss, &ntok, e);
        if (rc) {
            end = TUNE_END_ERROR;
            pl_err_wrap(e, rc, "training step %d", t);
            break;
        }
        if (!isfinite(loss)) {
            end = TUNE_END_NUMERIC;
            rc = pl_err_set(e, PL_ENUMERIC, "training loss is %g at step %d; the prompt from step %d is kept",
                            (double)loss, t, t - 1);
            break;
        }
        float gnorm = optim_clip_grad_norm(grad, r.n, p->clip_norm);
        if (!isfinite(gnorm)) {
            end = TUNE_END_NUMERIC;
            rc = pl_err_set(e, PL_ENUMERIC, "gradient norm is %g at step %d; the prompt from step %d is kept",
                            (double)gnorm, t, t - 1);
            break;
        }
        memcpy(prev, prompt, r.n * sizeof(float));
        float lr = optim_lr_at(&p->opt, t);
        optim_step(opt, prompt, grad, lr);
        if (!all_finite(prompt, r.n)) {
            memcpy(prompt, prev, r.n * sizeof(float));
            end = TUNE_END_NUMERIC;
            rc = pl_err_set(e, PL_ENUMERIC, "the prompt overflowed at step %d (lr %g); the prompt from step %d is kept",
                            t, (double)lr, t - 1);
            break;
        }
        r.tokens += ntok;

        struct tune_point pt = {t, loss, NAN, NAN, gnorm, 0, 0, lr};
        prompt_stats(prompt, r.w0, n_rows, d, &pt.row_norm, &pt.drift);
        bool is_best = false, validated = false;
        if (obj->evaluate && ((p->eval_every > 0 && t % p->eval_every == 0) || t == p->steps)) {
            rc = validate(&r, &pt, &is_best, e);
            if (rc) {
                /* The step is undone so prompt and history agree. */
                memcpy(prompt, prev, r.n * sizeof(float));
                end = rc == PL_ENUMERIC ? TUNE_END_NUMERIC : TUNE_END_ERROR;
                pl_err_wrap(e, rc, "the prompt from step %d is kept", t - 1);
                break;
            }
            validated = true;
        }
        rc = tune_history_push(hist, &pt, e);
        if (rc) {
            memcpy(prompt, prev, r.n * sizeof(float));
            goto out;
        }
        hist->steps_done = t;
        last_loss = loss;
        if (validated) {
            if (is_best)
                record_best(&r, &pt);
            else
                r.since_best++;
        }
        report(&r, &pt, is_best);
        if (validated && p->patience > 0 && r.since_best >= p->patience) {
            end = TUNE_END_EARLY;
            break;
        }
    }

done:
    if (!obj->evaluate && best)
        memcpy(best, prompt, r.n * sizeof(float));
    if (res) {
        res->end = end;
        res->steps_done = hist->steps_done;
        res->best_step = hist->best_step;
        res->best_valid_loss = hist->best_valid_loss;
        res->best_metric = hist->best_metric;
        res->final_train_loss = last_loss;
    }
out:
    pl_threads_busy_end();
    r.active += pl_now() - r.seg_start;
    hist->elapsed = r.t_before + r.active;
    optim_free(opt);
    free(ord.perm);
    free(idx);
    free(w0copy);
    free(prev);
    free(grad);
    return rc;
}
