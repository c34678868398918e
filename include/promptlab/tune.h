/* tune.h - the training loop, generic over what is trained and how the
 * loss is computed.
 *
 * The loop knows nothing about models: it trains a set of float tensors
 * (a soft prompt is one tensor; model tuning and pre-training train every
 * weight) and calls an objective that computes the mean loss over a batch
 * of training examples and writes the gradient into each tensor's gradient
 * buffer, and (optionally) a validation loss and metric. The loop batches,
 * clips (one global norm over all tensors), steps one optimiser per tensor,
 * validates every K steps, keeps the best values, stops early, watches for
 * NaN/Inf, honours stop and pause flags from another thread, and appends
 * one point per step to a curve history.
 *
 * Determinism: the batch of step t is a pure function of (seed, t, n_train)
 * (or of the objective's own plan): the example stream is the
 * concatenation of per-epoch permutations, each seeded from (seed, epoch),
 * cut into consecutive batches. Same seed, same data, same objective =>
 * bit-identical values. The optimisers live in the tune_state, so a caller
 * that saves and restores the values, the optimiser buffers (optim_buffers),
 * the best values and the history resumes bit-identically for every
 * optimiser (trainer.h does exactly that). */
#ifndef PROMPTLAB_TUNE_H
#define PROMPTLAB_TUNE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "promptlab/core.h"
#include "promptlab/optim.h"

/* ---- what is trained ---------------------------------------------------- */

/* One trained tensor. The loop never owns these arrays. */
struct tune_tensor {
    const char *name;  /* for messages and checkpoints ("prompt", Hugging Face names) */
    float *w;          /* [rows*cols] values, updated in place */
    float *g;          /* [rows*cols] gradient: zeroed by the loop before each step,
                        * written by the objective */
    const float *w0;   /* [rows*cols] initial values, for drift; NULL = drift not measured */
    int rows, cols;    /* the optimiser's view (Adafactor factors matrices) */
};

/* ---- the objective ------------------------------------------------------ */

struct tune_objective {
    void *ctx;     /* passed to the callbacks */
    int n_train;   /* training examples are 0 .. n_train-1 */

    /* Mean loss over examples idx[0..n) at the tensors' current values, and
     * its gradient added into each tensor's g (zero on entry). *n_tokens
     * arrives 0; set it to the number of tokens processed to get tokens/s
     * (optional). Return 0, or a negative PL_E* code with *e filled to abort
     * the run. The objective knows where the values live (it was built
     * with them). */
    int (*loss_and_grad)(void *ctx, const int *idx, int n, float *loss, int64_t *n_tokens,
                         struct pl_err *e);

    /* Validation at the current values: loss (lower is better) and a task
     * metric (higher is better: chrF, accuracy; NAN when there is none).
     * NULL: the run has no validation (no early stopping, the best values
     * are the last). Return 0 or a negative PL_E* code. */
    int (*evaluate)(void *ctx, float *valid_loss, float *metric, struct pl_err *e);

    /* Optional: the examples of step t (1-based) into idx (at most
     * max_batch), their count into *n; must be a pure function of t. NULL:
     * batches of p->batch examples drawn as tune_batch_indices does. */
    int (*batch)(void *ctx, long t, int *idx, int *n, struct pl_err *e);
    int max_batch; /* capacity batch needs (ignored when batch is NULL) */
};

/* ---- parameters --------------------------------------------------------- */

enum tune_select {
    TUNE_SELECT_LOSS,   /* best values = lowest validation loss */
    TUNE_SELECT_METRIC, /* best values = highest validation metric */
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
 * the initial values). Fields that were not measured are NAN: train_loss
 * and grad_norm at step 0, valid_loss and metric between validations. */
struct tune_point {
    int step;
    float train_loss;  /* mean loss of the step's batch, before the update */
    float valid_loss;
    float metric;
    float grad_norm;   /* before clipping */
    float row_norm;    /* mean L2 norm of the tensors' rows after the step */
    float drift;       /* mean L2 distance of the rows from their initial values (NAN when
                        * no tensor has initial values). Both are NAN between validations
                        * (and before the last step) when the tensors hold over 2^20
                        * values: every weight of a model is measured when it matters */
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
    TUNE_HAS_TRAIN = 1 << 0,   /* pt.train_loss, grad_norm, lr valid (an optimiser step happened) */
    TUNE_HAS_VALID = 1 << 1,   /* pt.valid_loss valid (validated at this step) */
    TUNE_HAS_METRIC = 1 << 2,  /* pt.metric valid */
    TUNE_HAS_TOKENS = 1 << 3,  /* tokens_per_s valid */
    TUNE_IS_BEST = 1 << 4,     /* this validation is the best so far */
};

/* What the progress callback receives after every step (and after the
 * initial validation, as step 0): the step's point as the history holds it
 * (unmeasured fields NAN) and the run's totals. Plain data; copy what you
 * keep. */
struct tune_progress {
    unsigned flags;      /* TUNE_HAS_* / TUNE_IS_BEST */
    struct tune_point pt;
    int total_steps;
    double elapsed;      /* seconds of training over all sessions, pauses excluded */
    double tokens_per_s; /* this session */
    int64_t n_tokens;    /* tokens this step processed (0 when the objective does not count) */
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
    /* Called on the training thread after every step; NULL = none. The
     * tensors hold the step's values and tune_best the best so far. */
    void (*progress)(void *user, const struct tune_progress *p);
    void *user;
};

enum tune_end {
    TUNE_END_DONE,      /* ran all steps */
    TUNE_END_EARLY,     /* early stopping: patience exhausted */
    TUNE_END_STOPPED,   /* stop flag */
    TUNE_END_NUMERIC,   /* NaN or Inf in loss, gradient or values */
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

/* A run's state: the tensors it trains (described, not owned), one
 * optimiser per tensor, the best values, the history. Opaque; owned by one
 * thread. */
typedef struct tune_state tune_state;

enum { TUNE_KEEP_BEST = 1 }; /* tune_init flags: keep a copy of the best values */

/* Check p and allocate the state for tensors t[0..n_t) (the descriptors
 * are copied; the arrays must outlive the state). With TUNE_KEEP_BEST the
 * best copy starts as the values on entry. The history starts empty. Free
 * with tune_free. PL_EINVAL (bad params, an empty tensor), PL_ENOMEM. */
int tune_init(tune_state **out, const struct tune_params *p, const struct tune_tensor *t,
              int n_t, unsigned flags, struct pl_err *e);
void tune_free(tune_state *s); /* NULL is fine */

/* Train from step hist->steps_done + 1 to p->steps. Returns 0 when all
 * steps ran or early stopping ended the run; PL_ESTOPPED when the stop flag
 * ended it; PL_ENUMERIC (message names the step) when a loss, gradient or
 * updated value was NaN or Inf - the values then hold the last good step;
 * the callback's code when it failed; PL_EINVAL when the objective has no
 * examples or the history is inconsistent; PL_ENOMEM. In every case except
 * PL_EINVAL and PL_ENOMEM the values, best values, optimisers and history
 * agree and may be saved. A finished history is a no-op. The objective is
 * called only on the calling thread. */
int tune_run(tune_state *s, const struct tune_objective *obj, const struct tune_control *ctl,
             struct tune_result *res, struct pl_err *e);

/* The history (in/out: a resumed run copies the saved one in before
 * tune_run), the best values of tensor i (NULL without TUNE_KEEP_BEST;
 * writable so a resumed run restores them) and its optimiser (buffers for
 * checkpoints: optim_buffers, optim_set_steps). Valid until tune_free. */
struct tune_history *tune_hist(tune_state *s);
float *tune_best(tune_state *s, int i);
optim *tune_optim(tune_state *s, int i);
const struct tune_params *tune_state_params(const tune_state *s);

/* The example indices of step t (1-based) for (seed, n_train, batch) into
 * idx[batch], exactly as tune_run draws them: exposed so tests and tools
 * can see the data order. 0, PL_EINVAL or PL_ENOMEM. */
int tune_batch_indices(uint64_t seed, int n_train, int batch, long t, int *idx, struct pl_err *e);

#endif
