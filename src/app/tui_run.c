/* tui_run.c - one soft-prompt training run on its own thread, as the TUI
 * starts it from the training form.
 *
 * The one idea: the training thread owns everything it computes with (a
 * forked lab, the objective, the prompt) and, from tune_run's progress
 * callback, publishes a snapshot under a mutex: the new curve point, the
 * current and best rows, each row's drift towards "melting" away from the
 * token it started at, and a sequence number. The UI copies only what is
 * new (tui_run_sync) and never waits for a step. Control goes the other
 * way through atomics (stop, pause, save). The best prompt is written to
 * the run's directory at every improvement and at the end, so Ctrl-C or a
 * crash never loses it. */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "promptlab/objective.h"
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
    struct soft_prompt prompt;
    float *best_rows;
    struct tune_history hist;
    struct soft_record rec;
    double t0;
    int melt_every;
    struct soft_neighbor *nb;     /* [n_rows] scratch */
    float *cos_row;               /* [n_rows] scratch */
};

void tui_run_describe(const struct tui_run_cfg *c, char *buf, size_t cap)
{
    if ((c->init == SOFT_INIT_TEXT || c->init == SOFT_INIT_LABELS) && c->init_arg[0])
        snprintf(buf, cap, "%s:%.40s", soft_init_name(c->init), c->init_arg);
    else
        snprintf(buf, cap, "%s", soft_init_name(c->init));
}

/* ---- initialisation ---------------------------------------------------- */

static int init_labels(struct lab *L, const char *arg, uint64_t seed, struct soft_prompt *p,
                       struct pl_err *e)
{
    enum { MAX_LABELS = 64 };
    const tok *t = lab_tok(L);
    char *words = strdup(arg);
    int *ids[MAX_LABELS], lens[MAX_LABELS], n = 0, rc = 0;
    if (!words)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    const char *seps = strchr(words, ',') ? "," : " \t";
    for (char *save = NULL, *w = strtok_r(words, seps, &save); w && rc == 0;
         w = strtok_r(NULL, seps, &save)) {
        while (*w == ' ')
            w++;
        if (!*w)
            continue;
        if (n == MAX_LABELS) {
            rc = pl_err_set(e, PL_ERANGE, "at most %d labels", MAX_LABELS);
            break;
        }
        rc = tok_encode(t, w, strlen(w), 0, &ids[n], &lens[n], e);
        if (rc == 0 && lens[n] == 0)
            free(ids[n]);
        else if (rc == 0)
            n++;
    }
    if (rc == 0 && n == 0)
        rc = pl_err_set(e, PL_EINVAL, "class-label init needs label words (e.g. \"sport,food\")");
    if (rc == 0 && n > p->n_tokens)
        rc = pl_err_set(e, PL_EINVAL, "%d labels do not fit a prompt of %d rows", n, p->n_tokens);
    if (rc == 0)
        rc = soft_fill_labels(p, lab_vocab(L), (const int *const *)ids, lens, n, 0, seed, arg, e);
    for (int i = 0; i < n; i++)
        free(ids[i]);
    free(words);
    return rc;
}

int tui_prompt_init(struct lab *L, enum soft_init_kind kind, const char *arg, uint64_t seed,
                    struct soft_prompt *p, struct pl_err *e)
{
    const struct soft_vocab *v = lab_vocab(L);
    if (!v)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    switch (kind) {
    case SOFT_INIT_RANDOM:
        soft_fill_random(p, seed);
        return 0;
    case SOFT_INIT_VOCAB:
        return soft_fill_vocab(p, v, 0, seed, e);
    case SOFT_INIT_TEXT: {
        if (!arg || !*arg)
            return pl_err_set(e, PL_EINVAL, "text init needs some text (the Init text field)");
        if (!pl_utf8_valid(arg, strlen(arg)))
            return pl_err_set(e, PL_EINVAL, "the init text is not valid UTF-8");
        int *ids = NULL, n = 0;
        int rc = tok_encode(lab_tok(L), arg, strlen(arg), 0, &ids, &n, e);
        if (rc == 0 && n == 0)
            rc = pl_err_set(e, PL_EINVAL, "the init text has no tokens");
        if (rc == 0)
            rc = soft_fill_text(p, v, ids, n, arg, e);
        free(ids);
        return rc;
    }
    case SOFT_INIT_LABELS:
        if (!arg || !*arg)
            return pl_err_set(e, PL_EINVAL, "class-label init needs label words (Init text field)");
        return init_labels(L, arg, seed, p, e);
    case SOFT_INIT_IMPORTED:
        break;
    }
    return pl_err_set(e, PL_EINVAL, "this initialisation cannot be trained from");
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

static void bump_locked(struct tui_run *r)
{
    r->shared.seq++;
}

static void fail(struct tui_run *r, const char *what, const struct pl_err *e)
{
    pthread_mutex_lock(&r->mu);
    r->shared.state = TUI_RUN_FAILED;
    set_msg_locked(r, "%s: %s", what, e->msg[0] ? e->msg : "failed");
    bump_locked(r);
    pthread_mutex_unlock(&r->mu);
}

/* Write the best prompt (best_rows) with the curve so far. Thread only. */
static int save_best(struct tui_run *r, int step, struct pl_err *e)
{
    struct soft_prompt best = r->prompt; /* a view: rows from best_rows, w0 from the prompt */
    best.w = r->best_rows;
    tune_history_free(&r->rec.hist);
    int rc = tune_history_copy(&r->rec.hist, &r->hist, e);
    if (rc == 0) {
        r->rec.prompt_step = step;
        rc = soft_save(r->shared.dir, &best, &r->rec, e);
    }
    return rc;
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

/* Per-row cosine to the initial value and the nearest token, every
 * melt_every steps (the search is the expensive part). */
static void track_melt(struct tui_run *r, int step)
{
    int n = r->prompt.n_tokens, d = r->prompt.d;
    for (int i = 0; i < n; i++)
        r->cos_row[i] = cosine(r->prompt.w + (size_t)i * d, r->prompt.w0 + (size_t)i * d, d);
    bool have_nb = soft_nearest(r->prompt.w, n, d, lab_vocab(r->L), 1, r->nb, NULL) == 0;
    pthread_mutex_lock(&r->mu);
    struct tui_run_view *s = &r->shared;
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
        memcpy(s->melt_cos + (size_t)s->n_melt * n, r->cos_row, sizeof(float) * (size_t)n);
        s->melt_step[s->n_melt++] = step;
    }
    for (int i = 0; have_nb && i < n; i++) {
        if (step == 0)
            s->start_ids[i] = r->nb[i].id;
        else if (s->first_change[i] < 0 && r->nb[i].id != s->start_ids[i])
            s->first_change[i] = step;
    }
    pthread_mutex_unlock(&r->mu);
}

static void on_progress(void *user, const struct tune_progress *p)
{
    struct tui_run *r = user;
    struct tune_point pt = {
        .step = p->step,
        .train_loss = p->flags & TUNE_HAS_TRAIN ? p->train_loss : NAN,
        .valid_loss = p->flags & TUNE_HAS_VALID ? p->valid_loss : NAN,
        .metric = p->flags & TUNE_HAS_METRIC ? p->metric : NAN,
        .grad_norm = p->flags & TUNE_HAS_TRAIN ? p->grad_norm : NAN,
        .row_norm = p->row_norm,
        .drift = p->drift,
        .lr = p->flags & TUNE_HAS_TRAIN ? p->lr : NAN,
    };
    /* tune_run has appended the same point to r->hist already */
    size_t rows = (size_t)r->prompt.n_tokens * (size_t)r->prompt.d;
    char saved_msg[320] = "";
    int saved = -1;
    if ((p->flags & TUNE_IS_BEST) || atomic_exchange(&r->save_req, 0)) {
        struct pl_err e = {0};
        int step = p->best_step >= 0 ? p->best_step : p->step;
        if (save_best(r, step, &e) == 0) {
            saved = step;
            if (!(p->flags & TUNE_IS_BEST))
                snprintf(saved_msg, sizeof saved_msg, "saved the best prompt (step %d) in %.240s",
                         step, r->shared.dir);
        } else {
            snprintf(saved_msg, sizeof saved_msg, "checkpoint failed: %.280s", e.msg);
        }
    }
    if (p->step % r->melt_every == 0 || p->step == p->total_steps)
        track_melt(r, p->step);

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
        s->pts[s->n_pts++] = pt;
    s->state = TUI_RUN_RUNNING;
    s->step = p->step;
    s->total = p->total_steps;
    s->elapsed = p->elapsed;
    s->best_step = p->best_step;
    s->best_valid = p->best_valid_loss;
    s->best_metric = p->best_metric;
    memcpy(s->cur, r->prompt.w, rows * sizeof(float));
    s->rows_seq++;
    if (p->flags & TUNE_IS_BEST) {
        memcpy(s->best, r->best_rows, rows * sizeof(float));
        s->best_seq++;
    }
    if (saved >= 0)
        s->saved_step = saved;
    if (saved_msg[0])
        set_msg_locked(r, "%s", saved_msg);
    bump_locked(r);
    pthread_mutex_unlock(&r->mu);
}

/* Split off the last 10% (1..64) as validation; a set of one example
 * validates on itself. */
static void split_valid(struct jsonl_set *train, struct jsonl_set *valid)
{
    if (train->n < 2) {
        *valid = *train;
        return;
    }
    int k = train->n / 10;
    k = k < 1 ? 1 : k > 64 ? 64 : k;
    valid->rec = train->rec + (train->n - k);
    valid->n = k;
    train->n -= k;
}

static void *run_main(void *arg)
{
    struct tui_run *r = arg;
    const struct tui_run_cfg *c = &r->cfg;
    struct pl_err e = {0};
    struct jsonl_set data = {0}, train, valid;
    obj *o = NULL;
    const struct t5_config *mc = t5_model_config(lab_model(r->L));
    int d = mc->d_model, n = c->length;

    if (jsonl_read(c->data, &data, &e) == 0 && data.n == 0)
        pl_err_set(&e, PL_EINVAL, "%s: no examples (the data set is empty)", c->data);
    if (e.code) {
        fail(r, "data", &e);
        goto done;
    }
    train = data;
    split_valid(&train, &valid);
    if (soft_prompt_init(&r->prompt, n, d, &e) ||
        tui_prompt_init(r->L, c->init, c->init_arg, c->seed, &r->prompt, &e)) {
        fail(r, "init", &e);
        goto done;
    }
    struct obj_params op;
    obj_params_default(&op);
    op.n_soft = n;
    op.max_batch = c->batch;
    op.max_valid = 32;
    op.max_new_tokens = TUI_MAX_NEW_TOKENS;
    if (obj_init(r->L, &train, c->data, &valid, c->data, &op, &o, &e)) {
        fail(r, "data", &e);
        goto done;
    }
    struct tune_params tp;
    tune_params_default(&tp);
    optim_params_default(&tp.opt, c->opt);
    if (c->lr > 0)
        tp.opt.lr = c->lr;
    tp.steps = c->steps;
    tp.batch = c->batch;
    tp.eval_every = c->steps / 20 < 5 ? 5 : c->steps / 20;
    tp.seed = c->seed;
    tp.select = TUNE_SELECT_LOSS;
    if (tune_params_check(&tp, &e)) {
        fail(r, "settings", &e);
        goto done;
    }
    size_t rows = (size_t)n * (size_t)d;
    r->best_rows = malloc(rows * sizeof(float));
    r->nb = malloc(sizeof *r->nb * (size_t)n);
    r->cos_row = malloc(sizeof *r->cos_row * (size_t)n);
    /* the nearest-token search costs n*V*d multiply-adds: keep it near 50M per step */
    double cost = (double)n * mc->vocab_size * d;
    r->melt_every = cost < 5e7 ? 1 : (int)ceil(cost / 5e7);

    tui_copy(r->rec.model, sizeof r->rec.model, lab_dir(r->L));
    r->rec.d_model = d;
    r->rec.n_heads = mc->n_heads;
    r->rec.n_layers = mc->n_layers;
    tui_copy(r->rec.train_data, sizeof r->rec.train_data, c->data);
    tui_copy(r->rec.valid_data, sizeof r->rec.valid_data, c->data);
    snprintf(r->rec.metric, sizeof r->rec.metric, "%s", obj_metric_name(op.metric));
    r->rec.has_params = true;
    r->rec.params = tp;

    pthread_mutex_lock(&r->mu);
    struct tui_run_view *s = &r->shared;
    s->cur = malloc(rows * sizeof(float));
    s->best = malloc(rows * sizeof(float));
    s->w0 = malloc(rows * sizeof(float));
    s->start_ids = malloc(sizeof(int) * (size_t)n);
    s->first_change = malloc(sizeof(int) * (size_t)n);
    bool ok = r->best_rows && r->nb && r->cos_row && s->cur && s->best && s->w0 && s->start_ids &&
              s->first_change;
    if (ok) {
        memcpy(r->best_rows, r->prompt.w, rows * sizeof(float));
        memcpy(s->cur, r->prompt.w, rows * sizeof(float));
        memcpy(s->best, r->prompt.w, rows * sizeof(float));
        memcpy(s->w0, r->prompt.w0, rows * sizeof(float));
        for (int i = 0; i < n; i++)
            s->start_ids[i] = s->first_change[i] = -1;
        s->n_rows = n;
        s->d = d;
        s->n_train = train.n;
        s->n_valid = valid.n;
        s->total = c->steps;
        s->state = TUI_RUN_RUNNING;
        snprintf(s->metric, sizeof s->metric, "%s", obj_metric_name(op.metric));
        set_msg_locked(r, "training on %d examples, validating on %d%s", train.n, valid.n,
                       valid.rec == train.rec ? " (the same one: the set is tiny)" : "");
        s->rows_seq++;
        s->best_seq++;
        bump_locked(r);
    }
    pthread_mutex_unlock(&r->mu);
    if (!ok) {
        pl_err_set(&e, PL_ENOMEM, "out of memory");
        fail(r, "setup", &e);
        goto done;
    }

    struct tune_objective to;
    obj_bind(o, &to);
    struct tune_control ctl = {.stop = &r->stop, .pause = &r->pause, .progress = on_progress,
                               .user = r};
    struct tune_result res = {0};
    int rc = tune_run(&tp, &to, r->prompt.w, r->prompt.w0, n, d, r->best_rows, &r->hist, &ctl,
                      &res, &e);
    struct pl_err se = {0};
    int step = res.best_step >= 0 ? res.best_step : res.steps_done;
    bool consistent = rc != PL_EINVAL && rc != PL_ENOMEM && r->hist.n > 0 &&
                      !(rc == PL_ESTOPPED && atomic_load(&r->no_final_save));
    int saved = consistent && save_best(r, step, &se) == 0 ? step : -1;
    pthread_mutex_lock(&r->mu);
    s->state = rc == 0 ? TUI_RUN_DONE : rc == PL_ESTOPPED ? TUI_RUN_STOPPED : TUI_RUN_FAILED;
    if (saved >= 0)
        s->saved_step = saved;
    memcpy(s->best, r->best_rows, rows * sizeof(float));
    s->best_seq++;
    s->rows_seq++;
    if (rc && rc != PL_ESTOPPED)
        set_msg_locked(r, "stopped at step %d: %s%s%s", res.steps_done, e.msg,
                       saved >= 0 ? "; best prompt saved in " : "", saved >= 0 ? s->dir : "");
    else if (saved >= 0)
        set_msg_locked(r, "%s at step %d; best prompt (step %d) saved in %s",
                       rc ? "stopped" : res.end == TUNE_END_EARLY ? "early stop" : "finished",
                       res.steps_done, saved, s->dir);
    else
        set_msg_locked(r, "%s at step %d; saving failed: %s", rc ? "stopped" : "finished",
                       res.steps_done, se.msg);
    bump_locked(r);
    pthread_mutex_unlock(&r->mu);

done:
    obj_free(o);
    jsonl_free(&data);
    atomic_store(&r->finished, 1);
    pthread_mutex_lock(&r->mu);
    bump_locked(r);
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
    soft_record_init(&r->rec);
    tune_history_init(&r->hist);
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

bool tui_run_sync(struct tui_run *r)
{
    struct tui_run_view *v = &r->view, *s = &r->shared;
    bool changed = false;
    pthread_mutex_lock(&r->mu);
    if (s->seq != v->seq) {
        changed = true;
        /* points and melt records are append-only: copy what is new */
        if (v->cap_pts < s->n_pts) {
            struct tune_point *np = grow(v->pts, sizeof *np, s->cap_pts);
            if (np) {
                v->pts = np;
                v->cap_pts = s->cap_pts;
            }
        }
        int np_ = s->n_pts <= v->cap_pts ? s->n_pts : v->cap_pts;
        if (np_ > v->n_pts)
            memcpy(v->pts + v->n_pts, s->pts + v->n_pts, sizeof *v->pts * (size_t)(np_ - v->n_pts));
        if (s->n_rows > 0 && !v->cur) {
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
        if (v->cur) {
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
                memcpy(v->melt_cos + (size_t)v->n_melt * v->n_rows,
                       s->melt_cos + (size_t)v->n_melt * v->n_rows,
                       sizeof(float) * (size_t)(nm - v->n_melt) * (size_t)v->n_rows);
                memcpy(v->melt_step + v->n_melt, s->melt_step + v->n_melt,
                       sizeof(int) * (size_t)(nm - v->n_melt));
                v->n_melt = nm;
            }
            v->rows_seq = s->rows_seq;
            v->best_seq = s->best_seq;
        }
        v->n_pts = np_;
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
        memcpy(v->metric, s->metric, sizeof v->metric);
        memcpy(v->msg, s->msg, sizeof v->msg);
        memcpy(v->dir, s->dir, sizeof v->dir);
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
    soft_prompt_free(&r->prompt);
    free(r->best_rows), free(r->nb), free(r->cos_row);
    tune_history_free(&r->hist);
    soft_record_free(&r->rec);
    lab_close(r->L);
    pthread_mutex_destroy(&r->mu);
    free(r);
}
