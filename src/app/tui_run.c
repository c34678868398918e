/* tui_run.c - one training run on its own thread, as the TUI starts it
 * from the training form: a thin driver of the trainer (trainer.h), the
 * same recipe `promptlab tune` runs.
 *
 * The one idea: the training thread owns the trainer (which owns its
 * forked lab, the objective and the values) and, from the trainer's
 * progress callback, copies the snapshot under a mutex: the new curve
 * point, the current and best rows, each row's drift towards "melting"
 * away from the token it started at, and a sequence number. The UI copies
 * only what is new (tui_run_sync) and never waits for a step. Control goes
 * the other way through atomics (stop, pause, save, discard). The trainer
 * writes the best values to the run's directory at every improvement and
 * at the end, so Ctrl-C or a crash never loses them. */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "promptlab/trainer.h"
#include "tui_impl.h"

struct tui_run {
    int id;
    struct tui_run_cfg cfg;
    struct lab *L;                /* the run's own fork; used only by the thread */
    pthread_t th;
    atomic_int stop, pause, save_req, finished, no_final_save;
    bool joined;

    pthread_mutex_t mu;
    struct tui_run_view shared;   /* written by the thread under mu */
    struct tui_run_view view;     /* the UI's copy */

    /* thread only */
    trainer *tr;
    const float *w0;              /* the prompt's initial rows (the trainer's) */
    int n_rows, d;
    int melt_every;
    struct soft_neighbor *nb;     /* [n_rows] scratch */
    float *cos_row;               /* [n_rows] scratch */
};

void tui_run_describe(const struct tui_run_cfg *c, char *buf, size_t cap)
{
    const char *m = c->method == TR_MODEL ? "model, " : "";
    if (c->method != TR_MODEL && (c->init == SOFT_INIT_TEXT || c->init == SOFT_INIT_LABELS) &&
        c->init_arg[0])
        snprintf(buf, cap, "%s:%.40s", soft_init_name(c->init), c->init_arg);
    else
        snprintf(buf, cap, "%s%s", m, c->method == TR_MODEL ? "every weight" : soft_init_name(c->init));
}

void tui_run_label(const struct tui_run *r, bool settings, char *buf, size_t cap)
{
    const struct tui_run_cfg *c = &r->cfg;
    char init[64];
    tui_run_describe(c, init, sizeof init);
    if (!settings)
        snprintf(buf, cap, "r%d", r->id);
    else if (c->method == TR_MODEL)
        snprintf(buf, cap, "r%d model tuning %s lr %g", r->id, optim_kind_name(c->opt), c->lr);
    else
        snprintf(buf, cap, "r%d %.32s N%d %s lr %g", r->id, init, c->length,
                 optim_kind_name(c->opt), c->lr);
}

void tui_run_settings(const struct tui_run *r, char *buf, size_t cap)
{
    const struct tui_run_cfg *c = &r->cfg;
    char init[64];
    tui_run_describe(c, init, sizeof init);
    snprintf(buf, cap, "r%d: %s, data %s, init %s, %d rows, %s lr %g, %d steps, batch %d, seed %llu",
             r->id, c->method == TR_MODEL ? "model tuning" : "prompt tuning",
             c->data[0] ? tui_basename(c->data) : "built-in samples", init, c->length,
             optim_kind_name(c->opt), c->lr, c->steps, c->batch, (unsigned long long)c->seed);
}

/* ---- publishing (thread side) ------------------------------------------ */

static void set_msg_locked(struct tui_run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_msg_locked(struct tui_run *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->shared.msg, sizeof r->shared.msg, fmt, ap);
    va_end(ap);
}

static void fail(struct tui_run *r, const char *what, const struct pl_err *e)
{
    pthread_mutex_lock(&r->mu);
    r->shared.state = TUI_RUN_FAILED;
    set_msg_locked(r, "%s: %s", what, e->msg[0] ? e->msg : "failed");
    r->shared.seq++;
    pthread_mutex_unlock(&r->mu);
}

static float cosine(const float *a, const float *b, int d)
{
    double ab = 0, aa = 0, bb = 0;
    for (int i = 0; i < d; i++) {
        ab += (double)a[i] * b[i];
        aa += (double)a[i] * a[i];
        bb += (double)b[i] * b[i];
    }
    return aa > 0 && bb > 0 ? (float)(ab / sqrt(aa * bb)) : 0.0f;
}

static void melt_append_locked(struct tui_run_view *s, const float *cos_row, int n, int step)
{
    if (s->n_melt == s->cap_melt) {
        int cap = s->cap_melt ? 2 * s->cap_melt : 64;
        float *mc = realloc(s->melt_cos, sizeof *mc * (size_t)cap * (size_t)n);
        int *ms = mc ? realloc(s->melt_step, sizeof *ms * (size_t)cap) : NULL;
        if (mc)
            s->melt_cos = mc;
        if (ms) {
            s->melt_step = ms;
            s->cap_melt = cap;
        }
    }
    if (s->n_melt < s->cap_melt) {
        memcpy(s->melt_cos + (size_t)s->n_melt * n, cos_row, sizeof(float) * (size_t)n);
        s->melt_step[s->n_melt++] = step;
    }
}

/* Per-row cosine to the initial value and the nearest token, every
 * melt_every steps (the search is the expensive part). */
static void track_melt(struct tui_run *r, const float *rows, int step)
{
    int n = r->n_rows, d = r->d;
    for (int i = 0; i < n; i++)
        r->cos_row[i] = cosine(rows + (size_t)i * d, r->w0 + (size_t)i * d, d);
    bool have_nb = soft_nearest(rows, n, d, lab_vocab(r->L), 1, r->nb, NULL) == 0;
    pthread_mutex_lock(&r->mu);
    struct tui_run_view *s = &r->shared;
    melt_append_locked(s, r->cos_row, n, step);
    for (int i = 0; have_nb && i < n; i++) {
        if (step == 0)
            s->start_ids[i] = r->nb[i].id;
        else if (s->first_change[i] < 0 && r->nb[i].id != s->start_ids[i])
            s->first_change[i] = step;
    }
    pthread_mutex_unlock(&r->mu);
}

/* The trainer's snapshot after a step, copied into the shared view. */
static void on_progress(void *user, const struct tr_progress *p)
{
    struct tui_run *r = user;
    const struct tune_progress *tp = &p->tp;
    if (p->rows && (tp->pt.step % r->melt_every == 0 || tp->pt.step == tp->total_steps))
        track_melt(r, p->rows, tp->pt.step);
    size_t rows = (size_t)r->n_rows * (size_t)r->d;
    pthread_mutex_lock(&r->mu);
    struct tui_run_view *s = &r->shared;
    if (s->n_pts == s->cap_pts) {
        int cap = s->cap_pts ? 2 * s->cap_pts : 256;
        struct tune_point *np = realloc(s->pts, sizeof *np * (size_t)cap);
        if (np) {
            s->pts = np;
            s->cap_pts = cap;
        }
    }
    if (s->n_pts < s->cap_pts)
        s->pts[s->n_pts++] = tp->pt;
    s->state = TUI_RUN_RUNNING;
    s->step = tp->pt.step;
    s->total = tp->total_steps;
    s->elapsed = tp->elapsed;
    s->best_step = tp->best_step;
    s->best_valid = tp->best_valid_loss;
    s->best_metric = tp->best_metric;
    if (p->rows && s->cur) {
        memcpy(s->cur, p->rows, rows * sizeof(float));
        s->rows_seq++;
        if (tp->flags & TUNE_IS_BEST) {
            memcpy(s->best, p->best_rows, rows * sizeof(float));
            s->best_seq++;
        }
    }
    s->saved_step = p->saved_step;
    if (p->event)
        set_msg_locked(r, "%s", p->event);
    s->seq++;
    pthread_mutex_unlock(&r->mu);
}

/* The settings of the form as trainer parameters (the CLI's defaults for
 * everything the form does not show). */
static void run_params(const struct tui_run *r, struct tr_params *p)
{
    const struct tui_run_cfg *c = &r->cfg;
    tr_params_default(p, c->method);
    tr_set_optimizer(p, c->opt);
    if (c->lr > 0)
        p->tune.opt.lr = c->lr;
    p->train = c->data;
    p->length = c->length;
    p->init = c->init;
    p->init_arg = c->init_arg[0] ? c->init_arg : NULL;
    p->tune.steps = c->steps;
    p->tune.batch = c->batch;
    p->tune.seed = c->seed;
    p->max_new_tokens = TUI_MAX_NEW_TOKENS;
    p->out = r->shared.dir;
}

/* Publish what tr_init set up: shapes, initial rows, counts. */
static bool publish_setup(struct tui_run *r)
{
    const struct tr_info *in = tr_get_info(r->tr);
    int n = in->n_rows, d = in->d;
    size_t rows = (size_t)n * (size_t)d;
    r->n_rows = n, r->d = d, r->w0 = in->w0;
    r->melt_every = 1;
    if (n > 0) {
        r->nb = malloc(sizeof *r->nb * (size_t)n);
        r->cos_row = malloc(sizeof *r->cos_row * (size_t)n);
        /* the nearest-token search costs n*V*d multiply-adds: keep it near 50M per step */
        double cost = (double)n * t5_model_config(lab_model(r->L))->vocab_size * d;
        r->melt_every = cost < 5e7 ? 1 : (int)ceil(cost / 5e7);
    }
    pthread_mutex_lock(&r->mu);
    struct tui_run_view *s = &r->shared;
    bool ok = n == 0 || (r->nb && r->cos_row && (s->cur = malloc(rows * sizeof(float))) &&
                         (s->best = malloc(rows * sizeof(float))) &&
                         (s->w0 = malloc(rows * sizeof(float))) &&
                         (s->start_ids = malloc(sizeof(int) * (size_t)n)) &&
                         (s->first_change = malloc(sizeof(int) * (size_t)n)));
    if (ok && n > 0) {
        memcpy(s->cur, in->w0, rows * sizeof(float));
        memcpy(s->best, in->w0, rows * sizeof(float));
        memcpy(s->w0, in->w0, rows * sizeof(float));
        for (int i = 0; i < n; i++)
            s->start_ids[i] = s->first_change[i] = -1;
        s->n_rows = n;
        s->d = d;
        s->rows_seq++;
        s->best_seq++;
    }
    s->n_train = in->n_train;
    s->n_valid = in->n_valid;
    s->n_trained = in->n_trained;
    s->n_model = in->n_model;
    s->total = in->tune.steps;
    s->state = TUI_RUN_RUNNING;
    snprintf(s->metric, sizeof s->metric, "%s", in->metric);
    set_msg_locked(r, "training %lld of %lld parameters on %d examples, validating on %d%s",
                   in->n_trained, in->n_model, in->n_train, in->n_valid,
                   tr_valid_too_few(in->n_valid) ? " (too few: the validation is noise)" : "");
    s->seq++;
    pthread_mutex_unlock(&r->mu);
    return ok;
}

static void publish_end(struct tui_run *r, int rc, const struct pl_err *e, const struct tr_result *res)
{
    const char *what = r->cfg.method == TR_MODEL ? "model" : "prompt";
    size_t rows = (size_t)r->n_rows * (size_t)r->d;
    pthread_mutex_lock(&r->mu);
    struct tui_run_view *s = &r->shared;
    s->state = rc == 0 ? TUI_RUN_DONE : rc == PL_ESTOPPED ? TUI_RUN_STOPPED : TUI_RUN_FAILED;
    s->saved_step = res->saved_step;
    s->saved_bytes = res->saved_bytes;
    if (rows && tr_best_prompt(r->tr)) {
        memcpy(s->best, tr_best_prompt(r->tr)->w, rows * sizeof(float));
        s->best_seq++;
        s->rows_seq++;
    }
    int saved = res->saved_step, done = res->tune.steps_done;
    if (rc && rc != PL_ESTOPPED)
        set_msg_locked(r, "stopped at step %d: %s%s%s", done, e->msg,
                       saved >= 0 ? "; best values saved in " : "", saved >= 0 ? s->dir : "");
    else if (saved >= 0)
        set_msg_locked(r, "%s at step %d; best %s (step %d, %.1f MB, %lld of %lld parameters "
                       "trained) saved in %s",
                       rc ? "stopped" : res->tune.end == TUNE_END_EARLY ? "early stop" : "finished",
                       done, what, saved, (double)res->saved_bytes / 1e6, s->n_trained, s->n_model,
                       s->dir);
    else if (atomic_load(&r->no_final_save))
        set_msg_locked(r, "stopped at step %d; not saved", done);
    else
        set_msg_locked(r, "%s at step %d; saving failed: %s", rc ? "stopped" : "finished", done,
                       res->save_error);
    s->seq++;
    pthread_mutex_unlock(&r->mu);
}

static void *run_main(void *arg)
{
    struct tui_run *r = arg;
    struct pl_err e = {0};
    struct tr_params p;
    run_params(r, &p);
    if (tr_init(&r->tr, r->L, &p, &e)) {
        fail(r, "setup", &e);
    } else if (!publish_setup(r)) {
        pl_err_set(&e, PL_ENOMEM, "out of memory");
        fail(r, "setup", &e);
    } else {
        struct tr_control ctl = {.stop = &r->stop, .pause = &r->pause, .save = &r->save_req,
                                 .discard = &r->no_final_save, .progress = on_progress,
                                 .user = r};
        struct tr_result res;
        int rc = tr_run(r->tr, &ctl, &res, &e);
        publish_end(r, rc, &e, &res);
    }
    atomic_store(&r->finished, 1);
    pthread_mutex_lock(&r->mu);
    r->shared.seq++;
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

/* ---- control (UI side) -------------------------------------------------- */

int tui_run_start(struct tui_run **out, const struct lab *L, const struct tui_run_cfg *cfg,
                  const char *runs_root, int id, struct pl_err *e)
{
    *out = NULL;
    struct tui_run *r = calloc(1, sizeof *r);
    if (!r)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    r->id = id;
    r->cfg = *cfg;
    r->shared.best_step = r->view.best_step = -1;
    r->shared.saved_step = r->view.saved_step = -1;
    r->shared.best_valid = r->shared.best_metric = NAN;
    r->shared.state = TUI_RUN_SETUP;
    r->shared.total = cfg->steps;
    snprintf(r->shared.msg, sizeof r->shared.msg, "setting up: reading %s", tui_basename(cfg->data));
    char stamp[32];
    time_t now = time(NULL);
    struct tm tmv;
    localtime_r(&now, &tmv);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tmv);
    if (snprintf(r->shared.dir, sizeof r->shared.dir, "%s/%s-run%d", runs_root, stamp, id) >=
        (int)sizeof r->shared.dir) {
        free(r);
        return pl_err_set(e, PL_ERANGE, "run directory path too long");
    }
    r->shared.seq = 1;
    int rc = lab_fork(L, &r->L, e);
    if (rc) {
        free(r);
        return rc;
    }
    pthread_mutex_init(&r->mu, NULL);
    if (pthread_create(&r->th, NULL, run_main, r)) {
        pthread_mutex_destroy(&r->mu);
        lab_close(r->L);
        free(r);
        return pl_err_set(e, PL_ENOMEM, "cannot start the training thread");
    }
    *out = r;
    return 0;
}

void tui_run_pause(struct tui_run *r, bool pause)
{
    atomic_store(&r->pause, pause ? 1 : 0);
}

void tui_run_stop(struct tui_run *r)
{
    atomic_store(&r->stop, 1);
    atomic_store(&r->pause, 0);
}

void tui_run_request_save(struct tui_run *r)
{
    atomic_store(&r->save_req, 1);
}

static void *grow(void *p, size_t elem, int n)
{
    return n > 0 ? realloc(p, elem * (size_t)n) : p;
}

/* Copy the new curve points (append-only). */
static void sync_points(struct tui_run_view *v, const struct tui_run_view *s)
{
    if (v->cap_pts < s->n_pts) {
        struct tune_point *np = grow(v->pts, sizeof *np, s->cap_pts);
        if (np) {
            v->pts = np;
            v->cap_pts = s->cap_pts;
        }
    }
    int n = s->n_pts <= v->cap_pts ? s->n_pts : v->cap_pts;
    if (n > v->n_pts)
        memcpy(v->pts + v->n_pts, s->pts + v->n_pts, sizeof *v->pts * (size_t)(n - v->n_pts));
    v->n_pts = n;
}

/* The UI's row buffers, made once the run published its shape. */
static void sync_alloc_rows(struct tui_run_view *v, const struct tui_run_view *s)
{
    size_t rows = (size_t)s->n_rows * (size_t)s->d;
    v->cur = malloc(rows * sizeof(float));
    v->best = malloc(rows * sizeof(float));
    v->w0 = malloc(rows * sizeof(float));
    v->start_ids = malloc(sizeof(int) * (size_t)s->n_rows);
    v->first_change = malloc(sizeof(int) * (size_t)s->n_rows);
    if (!v->cur || !v->best || !v->w0 || !v->start_ids || !v->first_change) {
        free(v->cur), free(v->best), free(v->w0), free(v->start_ids), free(v->first_change);
        v->cur = v->best = v->w0 = NULL;
        v->start_ids = v->first_change = NULL;
    } else {
        memcpy(v->w0, s->w0, rows * sizeof(float));
        v->n_rows = s->n_rows;
        v->d = s->d;
    }
}

/* Rows that changed, the nearest-token marks, and new melt records. */
static void sync_rows(struct tui_run_view *v, const struct tui_run_view *s)
{
    size_t rows = (size_t)v->n_rows * (size_t)v->d;
    if (v->rows_seq != s->rows_seq)
        memcpy(v->cur, s->cur, rows * sizeof(float));
    if (v->best_seq != s->best_seq)
        memcpy(v->best, s->best, rows * sizeof(float));
    memcpy(v->start_ids, s->start_ids, sizeof(int) * (size_t)v->n_rows);
    memcpy(v->first_change, s->first_change, sizeof(int) * (size_t)v->n_rows);
    if (v->cap_melt < s->n_melt) {
        float *mc = grow(v->melt_cos, sizeof(float) * (size_t)v->n_rows, s->cap_melt);
        int *ms = mc ? grow(v->melt_step, sizeof(int), s->cap_melt) : NULL;
        if (mc)
            v->melt_cos = mc;
        if (ms) {
            v->melt_step = ms;
            v->cap_melt = s->cap_melt;
        }
    }
    int nm = s->n_melt <= v->cap_melt ? s->n_melt : v->cap_melt;
    if (nm > v->n_melt) {
        memcpy(v->melt_cos + (size_t)v->n_melt * v->n_rows, s->melt_cos + (size_t)v->n_melt * v->n_rows,
               sizeof(float) * (size_t)(nm - v->n_melt) * (size_t)v->n_rows);
        memcpy(v->melt_step + v->n_melt, s->melt_step + v->n_melt,
               sizeof(int) * (size_t)(nm - v->n_melt));
        v->n_melt = nm;
    }
    v->rows_seq = s->rows_seq;
    v->best_seq = s->best_seq;
}

static void sync_scalars(struct tui_run_view *v, const struct tui_run_view *s)
{
    v->seq = s->seq;
    v->state = s->state;
    v->step = s->step;
    v->total = s->total;
    v->elapsed = s->elapsed;
    v->best_step = s->best_step;
    v->best_valid = s->best_valid;
    v->best_metric = s->best_metric;
    v->saved_step = s->saved_step;
    v->n_train = s->n_train;
    v->n_valid = s->n_valid;
    v->n_trained = s->n_trained;
    v->n_model = s->n_model;
    v->saved_bytes = s->saved_bytes;
    memcpy(v->metric, s->metric, sizeof v->metric);
    memcpy(v->msg, s->msg, sizeof v->msg);
    memcpy(v->dir, s->dir, sizeof v->dir);
}

bool tui_run_sync(struct tui_run *r)
{
    struct tui_run_view *v = &r->view, *s = &r->shared;
    bool changed = false;
    pthread_mutex_lock(&r->mu);
    if (s->seq != v->seq) {
        changed = true;
        sync_points(v, s);
        if (s->n_rows > 0 && !v->cur)
            sync_alloc_rows(v, s);
        if (v->cur)
            sync_rows(v, s);
        sync_scalars(v, s);
    }
    pthread_mutex_unlock(&r->mu);
    return changed;
}

const struct tui_run_view *tui_run_view(const struct tui_run *r)
{
    return &r->view;
}

const struct tui_run_cfg *tui_run_config(const struct tui_run *r)
{
    return &r->cfg;
}

int tui_run_id(const struct tui_run *r)
{
    return r->id;
}

bool tui_run_active(const struct tui_run *r)
{
    return !atomic_load(&((struct tui_run *)r)->finished);
}

bool tui_run_paused(const struct tui_run *r)
{
    return atomic_load(&((struct tui_run *)r)->pause) != 0;
}

int tui_run_save_to(const struct tui_run *r, const char *dir, struct pl_err *e)
{
    const struct tui_run_view *v = &r->view;
    if (r->cfg.method == TR_MODEL)
        return pl_err_set(e, PL_EINVAL, "run %d tunes the model; it is saved in %s", r->id, v->dir);
    if (!v->best)
        return pl_err_set(e, PL_EINVAL, "run %d has no prompt yet", r->id);
    struct soft_prompt p = {.n_tokens = v->n_rows, .d = v->d, .w = v->best, .w0 = v->w0,
                            .init = r->cfg.init,
                            .init_arg = (char *)(r->cfg.init_arg[0] ? r->cfg.init_arg : NULL),
                            .seed = r->cfg.seed};
    struct soft_record rec;
    soft_record_init(&rec);
    tui_copy(rec.train_data, sizeof rec.train_data, r->cfg.data);
    snprintf(rec.metric, sizeof rec.metric, "%s", v->metric);
    rec.d_model = v->d;
    int rc = 0;
    for (int i = 0; i < v->n_pts && rc == 0; i++)
        rc = tune_history_push(&rec.hist, &v->pts[i], e);
    rec.hist.steps_done = v->step;
    rec.hist.best_step = v->best_step;
    rec.hist.best_valid_loss = v->best_valid;
    rec.hist.best_metric = v->best_metric;
    rec.hist.elapsed = v->elapsed;
    rec.prompt_step = v->best_step >= 0 ? v->best_step : v->step;
    if (rc == 0)
        rc = soft_save(dir, &p, &rec, e);
    soft_record_free(&rec);
    return rc;
}

static void view_free(struct tui_run_view *v)
{
    free(v->pts), free(v->cur), free(v->best), free(v->w0), free(v->start_ids);
    free(v->first_change), free(v->melt_cos), free(v->melt_step);
}

void tui_run_skip_final_save(struct tui_run *r)
{
    atomic_store(&r->no_final_save, 1);
}

void tui_run_join(struct tui_run *r)
{
    if (!r->joined) {
        pthread_join(r->th, NULL);
        r->joined = true;
    }
    tui_run_sync(r);
}

void tui_run_free(struct tui_run *r)
{
    if (!r)
        return;
    tui_run_stop(r);
    if (!r->joined)
        pthread_join(r->th, NULL);
    view_free(&r->shared);
    view_free(&r->view);
    tr_free(r->tr);
    free(r->nb), free(r->cos_row);
    lab_close(r->L);
    pthread_mutex_destroy(&r->mu);
    free(r);
}
