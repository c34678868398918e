/* tui_worker.c - the TUI's decoding thread: translation jobs that fill a
 * table cell by cell, and nearest-token searches for the inspector.
 *
 * The one idea: the worker never runs a job to completion in one go. It
 * repeatedly takes one unit of work (up to TUI_UNIT_ROWS rows of one
 * variant, decoded as one batch, or one whole nearest-token search) from
 * the highest-priority unfinished job, publishes it under the mutex and
 * bumps a sequence number; so a new request from the UI (a typed sentence,
 * the inspector) is served after at most one unit of an older, longer job,
 * and a cancelled job stops after its current unit. Jobs are
 * reference-counted: the UI and the worker each hold one. While it works
 * the thread counts as a busy one for promptlab's thread policy, so it and
 * a training run share the cores instead of oversubscribing them. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "promptlab/blas.h"
#include "promptlab/metrics.h"
#include "app_impl.h"
#include "tui_impl.h"

/* Rows of one variant decoded together: the decoder's batch, where a
 * batch of 8 costs about what 2 single rows do. */
enum { TUI_UNIT_ROWS = 8 };

enum job_kind { JOB_TRANSLATE, JOB_NEAREST };

struct tui_job {
    struct tui_worker *w;
    enum job_kind kind;
    int refcnt;               /* guarded by w->mu */
    atomic_int cancel;
    struct tui_job *next;     /* queue link, guarded by w->mu */
    int priority;             /* higher first; FIFO among equals */

    /* translate: inputs (read-only after submission) */
    int n_var, n_rows, max_new;
    char *hard[TUI_MAX_VARIANTS];
    struct soft_prompt soft[TUI_MAX_VARIANTS];
    bool has_soft[TUI_MAX_VARIANTS];
    char **texts, **refs;
    int next_unit;            /* worker only: units are (row group, variant), groups outer */

    /* nearest: inputs */
    float *rows;
    int n, d, k;

    /* results written by the worker under w->mu */
    char **out;
    float *score;
    float *conf;              /* overall confidence (lab_output_confidence) */
    char **low;               /* per word '1' a guess (under LAB_LOW_CONFIDENCE), '0' not; NULL */
    unsigned char *state;
    int n_done;
    bool finished;
    struct soft_neighbor *nb;
    char err[256];

    /* the UI's copy (tui_job_sync) */
    struct tui_job_view view;
};

struct tui_worker {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct lab *L;            /* own fork */
    struct tui_job *head;     /* FIFO of unfinished jobs */
    bool quit;
    atomic_uint_fast64_t seq;
};

static void job_free(struct tui_job *j)
{
    for (int v = 0; v < j->n_var; v++) {
        free(j->hard[v]);
        soft_prompt_free(&j->soft[v]);
    }
    int cells = j->n_rows * j->n_var;
    for (int i = 0; i < j->n_rows; i++) {
        free(j->texts ? j->texts[i] : NULL);
        free(j->refs ? j->refs[i] : NULL);
    }
    for (int i = 0; j->out && i < cells; i++)
        free(j->out[i]);
    for (int i = 0; j->low && i < cells; i++)
        free(j->low[i]);
    free(j->texts), free(j->refs), free(j->out), free(j->score), free(j->state);
    free(j->conf), free(j->low);
    free(j->rows), free(j->nb);
    free(j->view.out), free(j->view.score), free(j->view.state);
    free(j->view.conf), free(j->view.low);
    free(j);
}

/* Drop one reference; w->mu held. */
static void job_unref_locked(struct tui_job *j)
{
    if (--j->refcnt == 0)
        job_free(j);
}

static void unlink_locked(struct tui_worker *w, struct tui_job *j)
{
    for (struct tui_job **p = &w->head; *p; p = &(*p)->next)
        if (*p == j) {
            *p = j->next;
            j->next = NULL;
            job_unref_locked(j); /* the queue's reference */
            return;
        }
}

/* The first job of the highest priority: nearest-token searches and typed
 * sentences answer a key press, so they overtake a long table. */
static struct tui_job *pick_locked(struct tui_worker *w)
{
    struct tui_job *best = w->head;
    for (struct tui_job *j = w->head; j; j = j->next)
        if (j->priority > best->priority)
            best = j;
    return best;
}

static void finish_locked(struct tui_worker *w, struct tui_job *j)
{
    j->finished = true;
    unlink_locked(w, j);
    atomic_fetch_add(&w->seq, 1);
}

static int n_units(const struct tui_job *j)
{
    return (j->n_rows + TUI_UNIT_ROWS - 1) / TUI_UNIT_ROWS * j->n_var;
}

/* One unit of a translate job, decoded without the lock. */
static void do_unit(struct tui_worker *w, struct tui_job *j)
{
    int unit = j->next_unit++;
    int r0 = unit / j->n_var * TUI_UNIT_ROWS, v = unit % j->n_var;
    int n = j->n_rows - r0 < TUI_UNIT_ROWS ? j->n_rows - r0 : TUI_UNIT_ROWS;
    struct t5_gen_params gp;
    lab_gen_params_default(&gp);
    gp.max_new_tokens = j->max_new;
    const struct soft_prompt *soft = j->has_soft[v] ? &j->soft[v] : NULL;
    const char *const *texts = (const char *const *)j->texts + r0;
    char *out[TUI_UNIT_ROWS] = {0}, *low[TUI_UNIT_ROWS] = {0};
    struct lab_output lo[TUI_UNIT_ROWS] = {{0}};
    float score[TUI_UNIT_ROWS], conf[TUI_UNIT_ROWS];
    int rc[TUI_UNIT_ROWS] = {0};
    struct pl_err e = {0};
    rc[0] = lab_translate_tokens(w->L, j->hard[v], soft, texts, n, &gp, lo, NULL, &e);
    if (rc[0] && n > 1) /* one bad row fails the batch: find it, keep the rest */
        for (int i = 0; i < n; i++)
            rc[i] = lab_translate_tokens(w->L, j->hard[v], soft, texts + i, 1, &gp, &lo[i], NULL,
                                         &e);
    for (int i = 0; i < n; i++) {
        score[i] = conf[i] = NAN;
        if (rc[i]) {
            lab_output_free(&lo[i]);
            out[i] = strdup(e.msg[0] ? e.msg : "decoding failed");
            continue;
        }
        /* how sure the model was: overall, and which words are guesses */
        conf[i] = lab_output_confidence(&lo[i]);
        float wp[256];
        int nw = lab_output_word_probs(w->L, &lo[i], wp, 256);
        out[i] = lo[i].text; /* taken over */
        lo[i].text = NULL;
        if (j->refs[r0 + i])
            score[i] = (float)metric_chrf_sentence(out[i], j->refs[r0 + i]);
        if (nw > 0 && (low[i] = malloc((size_t)nw + 1))) {
            for (int k = 0; k < nw; k++)
                low[i][k] = wp[k] < LAB_LOW_CONFIDENCE ? '1' : '0';
            low[i][nw] = 0;
        }
        lab_output_free(&lo[i]);
    }
    pthread_mutex_lock(&w->mu);
    for (int i = 0; i < n; i++) {
        int cell = (r0 + i) * j->n_var + v;
        j->out[cell] = out[i];
        j->score[cell] = score[i];
        j->conf[cell] = conf[i];
        j->low[cell] = low[i];
        j->state[cell] = rc[i] ? TUI_CELL_FAILED : TUI_CELL_DONE;
    }
    j->n_done += n;
    if (j->next_unit >= n_units(j))
        finish_locked(w, j);
    else
        atomic_fetch_add(&w->seq, 1);
    pthread_mutex_unlock(&w->mu);
}

static void do_nearest(struct tui_worker *w, struct tui_job *j)
{
    struct pl_err e = {0};
    struct soft_neighbor *nb = malloc(sizeof *nb * (size_t)j->n * (size_t)j->k);
    const struct soft_vocab *v = lab_vocab(w->L);
    int rc = !nb || !v ? pl_err_set(&e, PL_ENOMEM, "out of memory")
                       : soft_nearest(j->rows, j->n, j->d, v, j->k, nb, &e);
    pthread_mutex_lock(&w->mu);
    if (rc) {
        free(nb);
        tui_copy(j->err, sizeof j->err, e.msg);
    } else {
        j->nb = nb;
    }
    finish_locked(w, j);
    pthread_mutex_unlock(&w->mu);
}

static void *worker_main(void *arg)
{
    struct tui_worker *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->quit && !w->head)
            pthread_cond_wait(&w->cv, &w->mu);
        if (w->quit)
            break;
        struct tui_job *j = pick_locked(w);
        if (atomic_load(&j->cancel)) {
            finish_locked(w, j);
            continue;
        }
        j->refcnt++; /* keep it alive while we work without the lock */
        pthread_mutex_unlock(&w->mu);
        pl_threads_busy_begin();
        if (j->kind == JOB_NEAREST)
            do_nearest(w, j);
        else
            do_unit(w, j);
        pl_threads_busy_end();
        pthread_mutex_lock(&w->mu);
        job_unref_locked(j);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

int tui_worker_start(struct tui_worker **out, const struct lab *L, struct pl_err *e)
{
    *out = NULL;
    struct tui_worker *w = calloc(1, sizeof *w);
    if (!w)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    int rc = lab_fork(L, &w->L, e);
    if (rc) {
        free(w);
        return rc;
    }
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->th, NULL, worker_main, w)) {
        lab_close(w->L);
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        free(w);
        return pl_err_set(e, PL_ENOMEM, "cannot start the decoding thread");
    }
    *out = w;
    return 0;
}

void tui_worker_free(struct tui_worker *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->quit = true;
    for (struct tui_job *j = w->head; j; j = j->next)
        atomic_store(&j->cancel, 1);
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->th, NULL);
    /* The UI has released its references before this; drop the queue's. */
    while (w->head)
        unlink_locked(w, w->head);
    lab_close(w->L);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w);
}

uint64_t tui_worker_seq(const struct tui_worker *w)
{
    return w ? atomic_load(&((struct tui_worker *)w)->seq) : 0;
}

static void submit(struct tui_worker *w, struct tui_job *j)
{
    j->w = w;
    j->refcnt = 2; /* the caller's and the queue's */
    pthread_mutex_lock(&w->mu);
    struct tui_job **p = &w->head;
    while (*p)
        p = &(*p)->next;
    *p = j;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

struct tui_job *tui_job_translate(struct tui_worker *w, const struct tui_translate_spec *s)
{
    if (!w || s->n_var < 1 || s->n_var > TUI_MAX_VARIANTS || s->n_rows < 0)
        return NULL;
    struct tui_job *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->kind = JOB_TRANSLATE;
    j->priority = s->priority;
    j->n_var = s->n_var;
    j->n_rows = s->n_rows;
    j->max_new = s->max_new_tokens > 0 ? s->max_new_tokens : TUI_MAX_NEW_TOKENS;
    size_t cells = (size_t)s->n_rows * (size_t)s->n_var;
    bool ok = true;
    for (int v = 0; v < s->n_var; v++) {
        if (s->hard[v] && !(j->hard[v] = strdup(s->hard[v])))
            ok = false;
        if (s->soft[v]) {
            if (soft_prompt_copy(&j->soft[v], s->soft[v], NULL))
                ok = false;
            else
                j->has_soft[v] = true;
        }
    }
    j->texts = calloc((size_t)s->n_rows + 1, sizeof *j->texts);
    j->refs = calloc((size_t)s->n_rows + 1, sizeof *j->refs);
    j->out = calloc(cells + 1, sizeof *j->out);
    j->score = calloc(cells + 1, sizeof *j->score);
    j->conf = calloc(cells + 1, sizeof *j->conf);
    j->low = calloc(cells + 1, sizeof *j->low);
    j->state = calloc(cells + 1, 1);
    j->view.out = calloc(cells + 1, sizeof *j->view.out);
    j->view.score = calloc(cells + 1, sizeof *j->view.score);
    j->view.conf = calloc(cells + 1, sizeof *j->view.conf);
    j->view.low = calloc(cells + 1, sizeof *j->view.low);
    j->view.state = calloc(cells + 1, 1);
    if (!j->texts || !j->refs || !j->out || !j->score || !j->state || !j->view.out ||
        !j->view.score || !j->view.state || !j->conf || !j->low || !j->view.conf ||
        !j->view.low)
        ok = false;
    for (int i = 0; ok && i < s->n_rows; i++) {
        if (!(j->texts[i] = strdup(s->texts[i] ? s->texts[i] : "")))
            ok = false;
        if (s->refs && s->refs[i] && !(j->refs[i] = dup_or_null(s->refs[i])))
            ok = false;
    }
    for (size_t i = 0; ok && i < cells; i++)
        j->score[i] = j->view.score[i] = j->conf[i] = j->view.conf[i] = NAN;
    if (!ok) {
        job_free(j);
        return NULL;
    }
    j->view.n_var = j->n_var;
    j->view.n_rows = j->n_rows;
    if (cells == 0) {
        j->finished = j->view.finished = true;
        j->w = w;
        j->refcnt = 1;
        return j;
    }
    submit(w, j);
    return j;
}

struct tui_job *tui_job_nearest(struct tui_worker *w, const float *rows, int n, int d, int k)
{
    if (!w || n < 1 || d < 1 || k < 1)
        return NULL;
    struct tui_job *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->kind = JOB_NEAREST;
    j->priority = 2;
    j->n = n, j->d = d, j->k = k;
    j->rows = malloc(sizeof *j->rows * (size_t)n * (size_t)d);
    if (!j->rows) {
        free(j);
        return NULL;
    }
    memcpy(j->rows, rows, sizeof *j->rows * (size_t)n * (size_t)d);
    submit(w, j);
    return j;
}

void tui_job_release(struct tui_job *j)
{
    if (!j)
        return;
    struct tui_worker *w = j->w;
    atomic_store(&j->cancel, 1);
    pthread_mutex_lock(&w->mu);
    job_unref_locked(j);
    pthread_mutex_unlock(&w->mu);
}

bool tui_job_sync(struct tui_job *j)
{
    if (!j || j->view.finished)
        return false;
    struct tui_worker *w = j->w;
    bool changed = false;
    pthread_mutex_lock(&w->mu);
    if (j->n_done != j->view.n_done || j->finished != j->view.finished) {
        int cells = j->n_rows * j->n_var;
        for (int i = 0; i < cells; i++) {
            /* published strings are never modified again: share them */
            j->view.out[i] = j->out[i];
            j->view.score[i] = j->score[i];
            j->view.conf[i] = j->conf[i];
            j->view.low[i] = j->low[i];
            j->view.state[i] = j->state[i];
        }
        j->view.n_done = j->n_done;
        j->view.finished = j->finished;
        j->view.nb = j->nb;
        memcpy(j->view.err, j->err, sizeof j->view.err);
        changed = true;
    }
    pthread_mutex_unlock(&w->mu);
    return changed;
}

const struct tui_job_view *tui_job_view(const struct tui_job *j)
{
    return j ? &j->view : NULL;
}
