/* tune.h - the prompt-tuning loop, generic over an objective.
 *
 * The loop knows nothing about models: the caller supplies callbacks that
 * compute the mean loss and its gradient with respect to the prompt over a
 * batch of training examples, and (optionally) a validation loss and metric.
 * The loop shuffles, batches, clips, steps the optimiser, validates every K
 * steps, keeps the best prompt, stops early, watches for NaN/Inf, honours
 * stop and pause flags from another thread, and appends one point per step
 * to a curve history that survives save/load (promptlab.json), so a resumed
 * run continues its curve.
 *
 * Determinism: the batch of step t is a pure function of (seed, t, n_train):
 * the example stream is the concatenation of per-epoch permutations, each
 * seeded from (seed, epoch), cut into consecutive batches. Same seed, same
 * data, same objective => bit-identical prompt; a resumed run sees the same
 * batches as an uninterrupted one (the optimiser state starts afresh on
 * resume, so only a stateless optimiser - SGD without momentum - resumes
 * bit-identically). */
#ifndef PROMPTLAB_TUNE_H
#define PROMPTLAB_TUNE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "promptlab/core.h"
#include "promptlab/optim.h"

/* ---- the objective ------------------------------------------------------ */

struct tune_objective {
    void *ctx;     /* passed to the callbacks */
    int n_train;   /* training examples are 0 .. n_train-1 */

    /* Mean loss over examples idx[0..n) at `prompt` ([n_rows*d], read-only)
     * and its gradient. `grad` arrives zeroed ([n_rows*d]); write or
     * accumulate the gradient of the mean loss into it. *n_tokens arrives 0;
     * set it to the number of tokens processed to get tokens/s (optional).
     * Return 0, or a negative PL_E* code with *e filled to abort the run. */
    int (*loss_and_grad)(void *ctx, const int *idx, int n, const float *prompt,
                         float *grad, float *loss, int64_t *n_tokens, struct pl_err *e);

    /* Validation at `prompt`: loss (lower is better) and a task metric
     * (higher is better: chrF, accuracy; NAN when there is none). NULL: the
     * run has no validation (no early stopping, the best prompt is the
     * last). Return 0 or a negative PL_E* code. */
    int (*evaluate)(void *ctx, const float *prompt, float *valid_loss, float *metric,
                    struct pl_err *e);
};

/* ---- parameters --------------------------------------------------------- */

enum tune_select {
    TUNE_SELECT_LOSS,   /* best prompt = lowest validation loss */
    TUNE_SELECT_METRIC, /* best prompt = highest validation metric */
};

struct tune_params {
    struct optim_params opt;  /* optimiser, lr, schedule (see optim.h) */
    int steps;                /* total steps of the run, counting the steps already in the
                               * history when resuming */
    int batch;                /* examples per step (B) */
    int eval_every;           /* validate every K steps (and before the first and after the
                               * last step); 0 = only after the last step */
    int patience;             /* stop after this many validations without improvement; 0 = off */
    enum tune_select select;
    float clip_norm;          /* global gradient-norm clipping; 0 = off */
    uint64_t seed;            /* data order */
};

/* Defaults: Adafactor lr 0.3 constant (the paper), 1000 steps, batch 8,
 * eval_every 100, no patience, select by loss, clip 1.0, seed 1. */
void tune_params_default(struct tune_params *p);
/* Check the values (steps >= 1, batch >= 1, ...). 0 or PL_EINVAL. */
int tune_params_check(const struct tune_params *p, struct pl_err *e);

/* ---- curve history ------------------------------------------------------ */

/* One point per optimiser step, plus a point for step 0 (the validation of
 * the initial prompt). Fields that were not measured are NAN: train_loss
 * and grad_norm at step 0, valid_loss and metric between validations. */
struct tune_point {
    int step;
    float train_loss;  /* mean loss of the step's batch, before the update */
    float valid_loss;
    float metric;
    float grad_norm;   /* before clipping */
    float row_norm;    /* mean L2 norm of the prompt rows after the step */
    float drift;       /* mean L2 distance of the rows from their initial values */
    float lr;          /* learning rate the step used (NAN at step 0) */
};

struct tune_history {
    struct tune_point *pts; /* [n], owned; points in step order */
    int n, cap;
    int steps_done;         /* optimiser steps taken so far */
    double elapsed;         /* seconds spent training, pauses excluded, over all sessions */
    int best_step;          /* step of the best validation, -1 = none yet */
    float best_valid_loss;  /* at best_step (NAN when none) */
    float best_metric;      /* at best_step (NAN when none) */
};

/* An empty history (no allocation). */
void tune_history_init(struct tune_history *h);
/* Free the points and reset to empty. NULL is fine. */
void tune_history_free(struct tune_history *h);
/* Append a point (copied). 0 or PL_ENOMEM. */
int tune_history_push(struct tune_history *h, const struct tune_point *pt, struct pl_err *e);
/* Deep copy into *dst (initialised or freed by the caller beforehand). */
int tune_history_copy(struct tune_history *dst, const struct tune_history *src, struct pl_err *e);

/* ---- progress, control, result ------------------------------------------ */

enum {
    TUNE_HAS_TRAIN = 1 << 0,   /* train_loss, grad_norm, lr valid (an optimiser step happened) */
    TUNE_HAS_VALID = 1 << 1,   /* valid_loss valid (validated at this step) */
    TUNE_HAS_METRIC = 1 << 2,  /* metric valid */
    TUNE_HAS_TOKENS = 1 << 3,  /* tokens_per_s valid */
    TUNE_IS_BEST = 1 << 4,     /* this validation is the best so far */
};

/* What the progress callback receives after every step (and after the
 * initial validation, as step 0). Plain data; copy what you keep. */
struct tune_progress {
    unsigned flags;      /* TUNE_HAS_* / TUNE_IS_BEST */
    int step, total_steps;
    float train_loss, valid_loss, metric;
    float grad_norm, lr;
    float row_norm, drift;
    double elapsed;      /* seconds of training over all sessions, pauses excluded */
    double tokens_per_s; /* this session */
    int best_step;
    float best_valid_loss, best_metric;
};

/* Stopping and pausing from another thread (both may be NULL). The loop
 * reads *stop before every step and returns PL_ESTOPPED soon after it turns
 * non-zero; while *pause is non-zero it sleeps (in 10 ms naps) between
 * steps, still honouring *stop. */
struct tune_control {
    atomic_int *stop;
    atomic_int *pause;
    /* Called on the training thread after every step; NULL = none. */
    void (*progress)(void *user, const struct tune_progress *p);
    void *user;
};

enum tune_end {
    TUNE_END_DONE,      /* ran all steps */
    TUNE_END_EARLY,     /* early stopping: patience exhausted */
    TUNE_END_STOPPED,   /* stop flag */
    TUNE_END_NUMERIC,   /* NaN or Inf in loss, gradient or prompt */
    TUNE_END_ERROR,     /* a callback failed */
};

struct tune_result {
    enum tune_end end;
    int steps_done;        /* = history steps_done */
    int best_step;         /* -1 when there was no validation */
    float best_valid_loss, best_metric;
    float final_train_loss; /* loss of the last good step (NAN if none) */
};

/* ---- the loop ----------------------------------------------------------- */

/* Train `prompt` ([n_rows, d] row-major, updated in place) from step
 * hist->steps_done to p->steps.
 *   prompt0: the initial values, for drift ([n_rows*d]; NULL = measure drift
 *            from the prompt as it is on entry).
 *   best:    NULL or [n_rows*d]; receives the best prompt by validation (by
 *            p->select), or the last prompt when there is no validation. When
 *            resuming a history that has a best (hist->best_step >= 0), pass
 *            that prompt in `best` (the saved prompt when it was the best).
 *   hist:    in/out: points are appended; an empty history starts at step 0.
 *   ctl:     NULL or stop/pause flags and the progress callback.
 *   res:     NULL or the outcome.
 * Returns 0 when all steps ran or early stopping ended the run;
 * PL_ESTOPPED when the stop flag ended it; PL_ENUMERIC (message names the
 * step) when a loss, gradient or updated prompt was NaN or Inf - the prompt
 * then holds the last good values; the callback's code when it failed;
 * PL_EINVAL for bad parameters; PL_ENOMEM. In every case except PL_EINVAL
 * and PL_ENOMEM, prompt, best, hist and res are consistent and may be saved.
 * Thread safety: runs on the calling thread; the objective is called only
 * from it. */
int tune_run(const struct tune_params *p, const struct tune_objective *obj,
             float *prompt, const float *prompt0, int n_rows, int d, float *best,
             struct tune_history *hist, const struct tune_control *ctl,
             struct tune_result *res, struct pl_err *e);

/* The example indices of step t (1-based) for (seed, n_train, batch) into
 * idx[batch], exactly as tune_run draws them: exposed so tests and tools
 * can see the data order. 0, PL_EINVAL or PL_ENOMEM. */
int tune_batch_indices(uint64_t seed, int n_train, int batch, long t, int *idx, struct pl_err *e);

#endif
