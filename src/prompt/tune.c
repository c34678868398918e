/* tune.c - the training loop: batches, optimiser steps, clipping,
 * validation, best-value tracking, early stopping, NaN guard, stop/pause,
 * and the curve history.
 *
 * The one idea: every step is a transaction. The values are copied before
 * the update; if the loss, the gradient or the updated values are not
 * finite, the copy is restored and the run ends, so the values and the
 * history only ever hold good steps. The data order is a pure function of
 * (seed, step), and the optimisers live in the state the caller can save,
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

/* ---- the state ---------------------------------------------------------- */

struct tune_state {
    struct tune_params p;
    struct tune_tensor *t;  /* [n_t] descriptors (arrays not owned) */
    int n_t;
    size_t *off;            /* [n_t + 1] offsets of each tensor in best/prev */
    optim **opt;            /* [n_t] */
    float *best;            /* [off[n_t]] or NULL */
    float *prev;            /* [off[n_t]] the values before the current update */
    struct tune_history hist;
};

static size_t tensor_n(const struct tune_tensor *t)
{
    return (size_t)t->rows * (size_t)t->cols;
}

void tune_free(tune_state *s)
{
    if (!s)
        return;
    for (int i = 0; s->opt && i < s->n_t; i++)
        optim_free(s->opt[i]);
    free(s->opt);
    free(s->best);
    free(s->prev);
    free(s->off);
    free(s->t);
    tune_history_free(&s->hist);
    free(s);
}

int tune_init(tune_state **out, const struct tune_params *p, const struct tune_tensor *t,
              int n_t, unsigned flags, struct pl_err *e)
{
    *out = NULL;
    int rc = tune_params_check(p, e);
    if (rc)
        return rc;
    if (n_t < 1)
        return pl_err_set(e, PL_EINVAL, "tune: nothing to train");
    for (int i = 0; i < n_t; i++)
        if (!t[i].w || !t[i].g || t[i].rows < 1 || t[i].cols < 1)
            return pl_err_set(e, PL_EINVAL, "tune: tensor %s is empty [%d, %d]",
                              t[i].name ? t[i].name : "?", t[i].rows, t[i].cols);
    tune_state *s = calloc(1, sizeof *s);
    if (!s)
        return pl_err_set(e, PL_ENOMEM, "tune: out of memory");
    s->p = *p;
    s->n_t = n_t;
    tune_history_init(&s->hist);
    s->t = malloc(sizeof *s->t * (size_t)n_t);
    s->off = malloc(sizeof *s->off * (size_t)(n_t + 1));
    s->opt = calloc((size_t)n_t, sizeof *s->opt);
    if (!s->t || !s->off || !s->opt) {
        tune_free(s);
        return pl_err_set(e, PL_ENOMEM, "tune: out of memory");
    }
    memcpy(s->t, t, sizeof *s->t * (size_t)n_t);
    s->off[0] = 0;
    for (int i = 0; i < n_t; i++)
        s->off[i + 1] = s->off[i] + tensor_n(&t[i]);
    size_t n = s->off[n_t];
    s->prev = malloc(n * sizeof(float));
    if (flags & TUNE_KEEP_BEST)
        s->best = malloc(n * sizeof(float));
    if (!s->prev || ((flags & TUNE_KEEP_BEST) && !s->best)) {
        tune_free(s);
        return pl_err_set(e, PL_ENOMEM, "tune: out of memory for %zu values", n);
    }
    for (int i = 0; i < n_t && rc == 0; i++) {
        rc = optim_init(&s->opt[i], &p->opt, t[i].rows, t[i].cols, e);
        if (s->best)
            memcpy(s->best + s->off[i], t[i].w, tensor_n(&t[i]) * sizeof(float));
    }
    if (rc) {
        tune_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

struct tune_history *tune_hist(tune_state *s) { return &s->hist; }
float *tune_best(tune_state *s, int i) { return s->best ? s->best + s->off[i] : NULL; }
optim *tune_optim(tune_state *s, int i) { return s->opt[i]; }
const struct tune_params *tune_state_params(const tune_state *s) { return &s->p; }

/* ---- values ------------------------------------------------------------- */

enum { TUNE_STATS_EVERY_STEP = 1 << 20 }; /* values up to which row stats are taken every step */

/* Mean L2 norm of the rows of every tensor, and their mean distance from
 * the initial values (NAN when no tensor has them). */
static void value_stats(const tune_state *s, float *norm, float *drift)
{
    double sn = 0, sd = 0;
    long rows = 0, rows0 = 0;
    for (int t = 0; t < s->n_t; t++) {
        const struct tune_tensor *x = &s->t[t];
        for (int i = 0; i < x->rows; i++) {
            const float *w = x->w + (size_t)i * x->cols;
            const float *w0 = x->w0 ? x->w0 + (size_t)i * x->cols : NULL;
            double a = 0, b = 0;
            for (int j = 0; j < x->cols; j++) {
                a += (double)w[j] * w[j];
                if (w0) {
                    double y = (double)w[j] - w0[j];
                    b += y * y;
                }
            }
            sn += sqrt(a);
            if (w0) {
                sd += sqrt(b);
                rows0++;
            }
        }
        rows += x->rows;
    }
    *norm = (float)(sn / (double)rows);
    *drift = rows0 ? (float)(sd / (double)rows0) : NAN;
}

static bool values_finite(const tune_state *s)
{
    for (int t = 0; t < s->n_t; t++) {
        const float *w = s->t[t].w;
        size_t n = tensor_n(&s->t[t]);
        for (size_t i = 0; i < n; i++)
            if (!isfinite(w[i]))
                return false;
    }
    return true;
}

/* Copy the values to prev (save) or back (restore). */
static void values_copy(tune_state *s, bool restore)
{
    for (int t = 0; t < s->n_t; t++) {
        float *w = s->t[t].w, *c = s->prev + s->off[t];
        size_t n = tensor_n(&s->t[t]) * sizeof(float);
        if (restore)
            memcpy(w, c, n);
        else
            memcpy(c, w, n);
    }
}

static void grads_zero(tune_state *s)
{
    for (int t = 0; t < s->n_t; t++)
        memset(s->t[t].g, 0, tensor_n(&s->t[t]) * sizeof(float));
}

/* Global L2 norm of all gradients (accumulated in double), scaled down to
 * max_norm as PyTorch's clip_grad_norm_ does (max_norm / (norm + 1e-6)).
 * Returns the norm before clipping. */
static float grads_clip(tune_state *s, float max_norm)
{
    double sq = 0;
    for (int t = 0; t < s->n_t; t++) {
        const float *g = s->t[t].g;
        size_t n = tensor_n(&s->t[t]);
        for (size_t i = 0; i < n; i++)
            sq += (double)g[i] * g[i];
    }
    float norm = (float)sqrt(sq);
    if (max_norm > 0.0f && isfinite(norm) && norm > max_norm) {
        float c = (float)((double)max_norm / ((double)norm + 1e-6));
        for (int t = 0; t < s->n_t; t++) {
            float *g = s->t[t].g;
            size_t n = tensor_n(&s->t[t]);
            for (size_t i = 0; i < n; i++)
                g[i] *= c;
        }
    }
    return norm;
}

static void best_from_values(tune_state *s)
{
    if (!s->best)
        return;
    for (int t = 0; t < s->n_t; t++)
        memcpy(s->best + s->off[t], s->t[t].w, tensor_n(&s->t[t]) * sizeof(float));
}

/* ---- the loop ----------------------------------------------------------- */

static void nap(void)
{
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

static bool flag(atomic_int *f)
{
    return f && atomic_load(f) != 0;
}

/* What one call of tune_run needs, so helpers take one pointer. */
struct run {
    tune_state *s;
    const struct tune_params *p;
    const struct tune_objective *obj;
    const struct tune_control *ctl;
    struct tune_history *hist;
    struct order ord;
    int *idx;          /* [batch capacity] */
    int since_best;    /* validations without improvement */
    double t_before;   /* hist->elapsed on entry */
    double active;     /* seconds of this session outside pauses, up to seg_start */
    double seg_start;
    int64_t tokens;
    float last_loss;
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

/* Validate the current values for point *pt. Returns 0, the callback's
 * code, PL_ENUMERIC (non-finite loss) or PL_EINVAL (metric selection but no
 * metric). Sets *is_best. */
static int validate(struct run *r, struct tune_point *pt, bool *is_best, struct pl_err *e)
{
    float vl = NAN, m = NAN;
    int rc = r->obj->evaluate(r->obj->ctx, &vl, &m, e);
    if (rc)
        return pl_err_wrap(e, rc, "validation at step %d", pt->step);
    if (!isfinite(vl))
        return pl_err_set(e, PL_ENUMERIC, "validation loss is %g at step %d", (double)vl, pt->step);
    if (!isfinite(m))
        m = NAN;
    if (r->p->select == TUNE_SELECT_METRIC && isnan(m))
        return pl_err_set(e, PL_EINVAL, "best values selected by metric, but validation reports no metric");
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
    best_from_values(r->s);
    r->since_best = 0;
}

static void report(struct run *r, const struct tune_point *pt, bool is_best, int64_t ntok)
{
    if (!r->ctl || !r->ctl->progress)
        return;
    struct tune_progress pr;
    memset(&pr, 0, sizeof pr);
    pr.pt = *pt;
    pr.total_steps = r->p->steps;
    pr.elapsed = run_elapsed(r);
    pr.n_tokens = ntok;
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

static enum tune_end end_of(int rc)
{
    return rc == PL_ENUMERIC ? TUNE_END_NUMERIC : TUNE_END_ERROR;
}

/* Step 0: the initial values, validated when there is validation. */
static int first_point(struct run *r, enum tune_end *end, struct pl_err *e)
{
    struct tune_point pt = {0, NAN, NAN, NAN, NAN, 0, 0, NAN};
    value_stats(r->s, &pt.row_norm, &pt.drift);
    bool is_best = false;
    if (r->obj->evaluate) {
        int rc = validate(r, &pt, &is_best, e);
        if (rc) {
            *end = end_of(rc);
            return rc;
        }
        if (is_best)
            record_best(r, &pt);
    }
    int rc = tune_history_push(r->hist, &pt, e);
    if (rc == 0)
        report(r, &pt, is_best, 0);
    return rc;
}

/* The loss and clipped gradient of step t; pt receives loss and norm. */
static int gradient(struct run *r, int t, struct tune_point *pt, int64_t *ntok, enum tune_end *end,
                    struct pl_err *e)
{
    const struct tune_objective *obj = r->obj;
    int n = r->p->batch, rc;
    if (obj->batch)
        rc = obj->batch(obj->ctx, t, r->idx, &n, e);
    else
        rc = (order_batch(&r->ord, n, t, r->idx), 0);
    grads_zero(r->s);
    float loss = NAN;
    if (rc == 0)
        rc = obj->loss_and_grad(obj->ctx, r->idx, n, &loss, ntok, e);
    if (rc) {
        *end = TUNE_END_ERROR;
        return pl_err_wrap(e, rc, "training step %d", t);
    }
    if (!isfinite(loss)) {
        *end = TUNE_END_NUMERIC;
        return pl_err_set(e, PL_ENUMERIC, "training loss is %g at step %d; the values from step %d are kept",
                          (double)loss, t, t - 1);
    }
    float gnorm = grads_clip(r->s, r->p->clip_norm);
    if (!isfinite(gnorm)) {
        *end = TUNE_END_NUMERIC;
        return pl_err_set(e, PL_ENUMERIC, "gradient norm is %g at step %d; the values from step %d are kept",
                          (double)gnorm, t, t - 1);
    }
    pt->train_loss = loss;
    pt->grad_norm = gnorm;
    return 0;
}

/* One optimiser step t, validated when due, appended to the history.
 * *stop_early is set when patience ran out. */
static int step(struct run *r, int t, enum tune_end *end, bool *stop_early, struct pl_err *e)
{
    tune_state *s = r->s;
    struct tune_point pt = {t, NAN, NAN, NAN, NAN, 0, 0, NAN};
    int64_t ntok = 0;
    int rc = gradient(r, t, &pt, &ntok, end, e);
    if (rc)
        return rc;
    values_copy(s, false);
    pt.lr = optim_lr_at(&r->p->opt, t);
    for (int i = 0; i < s->n_t; i++)
        optim_step(s->opt[i], s->t[i].w, s->t[i].g, pt.lr);
    if (!values_finite(s)) {
        values_copy(s, true);
        *end = TUNE_END_NUMERIC;
        return pl_err_set(e, PL_ENUMERIC, "the values overflowed at step %d (lr %g); the values from step %d are kept",
                          t, (double)pt.lr, t - 1);
    }
    r->tokens += ntok;
    bool due = r->obj->evaluate && ((r->p->eval_every > 0 && t % r->p->eval_every == 0) || t == r->p->steps);
    /* Large sets (all weights) are measured when it matters, not every step. */
    if (s->off[s->n_t] <= TUNE_STATS_EVERY_STEP || due || t == r->p->steps)
        value_stats(s, &pt.row_norm, &pt.drift);
    else
        pt.row_norm = pt.drift = NAN;
    bool is_best = false, validated = false;
    if (due) {
        rc = validate(r, &pt, &is_best, e);
        if (rc) {
            /* The step is undone so the values and the history agree. */
            values_copy(s, true);
            *end = end_of(rc);
            return pl_err_wrap(e, rc, "the values from step %d are kept", t - 1);
        }
        validated = true;
    }
    rc = tune_history_push(r->hist, &pt, e);
    if (rc) {
        values_copy(s, true);
        *end = TUNE_END_ERROR;
        return rc;
    }
    /* The optimisers' step counts now match the history's. */
    r->hist->steps_done = t;
    r->last_loss = pt.train_loss;
    if (validated) {
        if (is_best)
            record_best(r, &pt);
        else
            r->since_best++;
    }
    report(r, &pt, is_best, ntok);
    *stop_early = validated && r->p->patience > 0 && r->since_best >= r->p->patience;
    return 0;
}

static bool wait_while_paused(struct run *r)
{
    const struct tune_control *ctl = r->ctl;
    if (ctl && flag(ctl->pause) && !flag(ctl->stop)) {
        r->active += pl_now() - r->seg_start;
        pl_threads_busy_end(); /* a paused run lends its core (blas.h) */
        while (flag(ctl->pause) && !flag(ctl->stop))
            nap();
        pl_threads_busy_begin();
        r->seg_start = pl_now();
    }
    return ctl && flag(ctl->stop);
}

static int run_check(const tune_state *s, const struct tune_objective *obj, struct pl_err *e)
{
    const struct tune_history *h = &s->hist;
    if (!obj || !obj->loss_and_grad || obj->n_train < 1)
        return pl_err_set(e, PL_EINVAL, "tune: the objective has no training examples or no loss function");
    if (obj->batch && obj->max_batch < 1)
        return pl_err_set(e, PL_EINVAL, "tune: the objective's batches have no capacity");
    if (h->steps_done < 0 || (h->n == 0 && h->steps_done != 0) ||
        (h->n > 0 && h->pts[h->n - 1].step != h->steps_done))
        return pl_err_set(e, PL_EINVAL, "tune: history is inconsistent (steps_done %d, last point step %d)",
                          h->steps_done, h->n ? h->pts[h->n - 1].step : -1);
    return 0;
}

int tune_run(tune_state *s, const struct tune_objective *obj, const struct tune_control *ctl,
             struct tune_result *res, struct pl_err *e)
{
    int rc = run_check(s, obj, e);
    if (rc)
        return rc;
    struct run r = {.s = s, .p = &s->p, .obj = obj, .ctl = ctl, .hist = &s->hist,
                    .t_before = s->hist.elapsed, .seg_start = pl_now(), .last_loss = NAN};
    int cap = obj->batch ? obj->max_batch : s->p.batch;
    r.idx = malloc((size_t)cap * sizeof(int));
    r.ord = (struct order){s->p.seed, obj->n_train, -1,
                           obj->batch ? NULL : malloc((size_t)obj->n_train * sizeof(int))};
    if (!r.idx || (!obj->batch && !r.ord.perm)) {
        free(r.idx), free(r.ord.perm);
        return pl_err_set(e, PL_ENOMEM, "tune: out of memory for %d example indices", obj->n_train);
    }
    r.since_best = count_since_best(r.hist);
    enum tune_end end = TUNE_END_DONE;
    pl_threads_busy_begin(); /* a core for this run while it works (blas.h) */
    if (r.hist->n == 0)
        rc = first_point(&r, &end, e);
    for (int t = r.hist->steps_done + 1; rc == 0 && t <= s->p.steps; t++) {
        if (wait_while_paused(&r)) {
            end = TUNE_END_STOPPED;
            rc = pl_err_set(e, PL_ESTOPPED, "training stopped on request after step %d", t - 1);
            break;
        }
        bool early = false;
        rc = step(&r, t, &end, &early, e);
        if (rc == 0 && early) {
            end = TUNE_END_EARLY;
            break;
        }
    }
    if (!obj->evaluate)
        best_from_values(s);
    if (res) {
        res->end = end;
        res->steps_done = r.hist->steps_done;
        res->best_step = r.hist->best_step;
        res->best_valid_loss = r.hist->best_valid_loss;
        res->best_metric = r.hist->best_metric;
        res->final_train_loss = r.last_loss;
    }
    pl_threads_busy_end();
    r.active += pl_now() - r.seg_start;
    r.hist->elapsed = r.t_before + r.active;
    free(r.ord.perm);
    free(r.idx);
    return rc;
}
