/* trainer.h - one training run, whatever it trains: the recipe that
 * `promptlab tune`, the TUI's training form and `promptlab pretrain` all
 * drive, so the same settings give the same result bit for bit wherever
 * they are typed.
 *
 * Methods:
 *   TR_PROMPT    prompt tuning (Lester et al. 2021): N prompt rows put before
 *                the encoder's input; the model stays frozen and shared.
 *   TR_MODEL     model tuning, the paper's baseline: every weight of a
 *                private copy of the model, on the same data, objective,
 *                validation and metric.
 *   TR_PRETRAIN  every weight of a fresh random model (config.json) on a
 *                corpus, in batches of about batch_tokens tokens; pairs over
 *                128 source / 96 target tokens are skipped.
 *
 * The trainer owns: the trainable parameters built from the spec (prompt
 * rows from an initialiser; or the weights of its own model), the data and
 * its validation split, the objective (objective.h), the optimiser and
 * schedule (tune_params), evaluation with the task metric, saving (the best
 * values to `out` at every validation that improves and at the end; a
 * checkpoint to `out`/checkpoint with each of those saves, every
 * checkpoint_s seconds, on request and at the end), resuming, the saved
 * record, and progress.
 *
 * One rule each (all front ends):
 *   - Validation: `valid` when given; else the last sixth of the training
 *     set, at least 1 and at most 64 examples, is held out. A set of fewer
 *     than 2 examples cannot be split and is refused (give a validation
 *     file). Validation uses at most max_valid examples.
 *   - Class-label initialisation ("labels:A,B,C"): words separated by
 *     commas (spaces around them trimmed), or by white space when there is
 *     no comma; one label per prompt row at most; an empty label (",," or a
 *     trailing comma) or a label the tokenizer turns into nothing is
 *     refused, naming it.
 *   - Text initialisation: non-empty UTF-8 with at least one token.
 *   - eval_every 0 in tr_params means steps/20, at least 5.
 *
 * Saved layouts. TR_PROMPT: PEFT's (soft.h) in `out`. TR_MODEL and
 * TR_PRETRAIN: a Hugging Face model directory in `out` (config.json,
 * model.safetensors, the tokenizer files) that every command opens, with
 * promptlab-run.json recording the run (method, data, settings, trained
 * and total parameter counts, best step and metric). A checkpoint
 * (`out`/checkpoint: the current values - for weights a loadable
 * config.json + model.safetensors - and trainer.safetensors with the
 * optimiser's moments, the best values, the curve and the settings) lets
 * a run resume exactly: a resumed run equals an uninterrupted one bit for
 * bit, for every optimiser.
 *
 * Ownership and threads: a trainer belongs to the thread that calls
 * tr_run (it may be created on another). It forks the lab it is given, so
 * the caller's lab may serve another thread meanwhile; the frozen model is
 * only read (TR_MODEL trains a copy). Stop, pause and save requests come
 * through atomics in tr_control; progress is a callback on the training
 * thread with a snapshot to copy. */
#ifndef PROMPTLAB_TRAINER_H
#define PROMPTLAB_TRAINER_H

#include <stdatomic.h>
#include <stdbool.h>

#include "promptlab/jsonl.h"
#include "promptlab/lab.h"
#include "promptlab/objective.h"
#include "promptlab/soft.h"
#include "promptlab/tune.h"

enum tr_method { TR_PROMPT, TR_MODEL, TR_PRETRAIN };

enum {
    TR_VALID_SHARE = 6,      /* the held-out tail is 1/this of the examples ... */
    TR_MAX_VALID_SPLIT = 64, /* ... and at most this long */
    TR_FEW_VALID = 5,        /* fewer validation examples: tr_valid_too_few */
    TR_PT_MAX_SRC = 128,     /* pre-training skips longer pairs (tokens with </s>) */
    TR_PT_MAX_TGT = 96,
};

struct tr_params {
    enum tr_method method;
    /* data */
    const char *train;        /* JSONL {"source", "target"} */
    const char *valid;        /* JSONL, or NULL: the held-out rule */
    const char *hard;         /* template put before the source ({source}); NULL = none */
    enum obj_metric metric;   /* chrF */
    int max_valid;            /* 64 */
    int max_new_tokens;       /* greedy decoding length for the metric: 48 */
    /* the prompt (TR_PROMPT) */
    int length;               /* rows: 20 */
    enum soft_init_kind init; /* SOFT_INIT_VOCAB */
    const char *init_arg;     /* the text or the label words */
    /* the fresh model (TR_PRETRAIN) */
    const char *config;       /* config.json */
    const char *tokenizer;    /* directory with spiece.model and/or tokenizer.json */
    int batch_tokens;         /* 4096 */
    /* the loop: optimiser, lr, schedule, steps, batch, eval_every (0 = the
     * rule above), patience, clip, seed (initialisers and data order) */
    struct tune_params tune;
    /* files */
    const char *out;          /* run directory (created); NULL = save nothing */
    const char *resume;       /* NULL, or a run directory to continue: its checkpoint,
                               * or (TR_PROMPT) a saved prompt without one, which then
                               * continues with fresh optimiser moments */
    double checkpoint_s;      /* checkpoint every this many seconds of training; 0 = only
                               * on request and at the end */
    bool save_f16;            /* TR_MODEL / TR_PRETRAIN: the saved model.safetensors holds
                               * F16 (half the size); the checkpoint stays F32 */
};

/* Defaults for method m: TR_PROMPT Adafactor lr 0.3 constant (the paper);
 * TR_MODEL Adafactor lr 1e-3; TR_PRETRAIN AdamW lr 2e-3, weight decay
 * 0.01, 500 warmup steps and cosine decay to 10%, 10000 steps. 300 steps
 * (pre-training 10000), batch 8, eval_every 0 (the rule), clip 1.0, seed 1,
 * the other fields as listed above. */
void tr_params_default(struct tr_params *p, enum tr_method m);
/* Set p->tune.opt to optimiser k's defaults for p->method (the rates
 * above; model tuning: Adafactor 1e-3, Adam 1e-4, SGD 1e-2). */
void tr_set_optimizer(struct tr_params *p, enum optim_kind k);
/* "prompt", "model", "pretrain". */
const char *tr_method_name(enum tr_method m);
int tr_method_parse(const char *s, enum tr_method *out, struct pl_err *e);

/* Split an initialiser spec "random", "vocab", "text:STR" or
 * "labels:A,B,C" into kind and argument (*arg points into spec, or NULL).
 * PL_EINVAL names the valid forms. */
int tr_init_parse(const char *spec, enum soft_init_kind *kind, const char **arg,
                  struct pl_err *e);
/* Fill p (initialised, n_tokens rows) with initialiser kind/arg under the
 * rules above. Uses lab_vocab(L): call on the thread that owns L. */
int tr_prompt_init(struct lab *L, enum soft_init_kind kind, const char *arg, uint64_t seed,
                   struct soft_prompt *p, struct pl_err *e);
/* The sizes the held-out rule gives a set of n examples: *n_valid the
 * tail held out (n/6, at least 1, at most TR_MAX_VALID_SPLIT), *n_train
 * the rest; both 0 when n < 2 (the set cannot be split). */
void tr_split_sizes(int n, int *n_train, int *n_valid);
/* Whether a validation set of n examples is too small to judge a run by:
 * fewer than TR_FEW_VALID examples, its loss and metric are mostly noise
 * (front ends warn; the run still trains). */
bool tr_valid_too_few(int n);
/* The held-out rule: move the tail of *train into *valid (a view into
 * train's records; do not free it). PL_EINVAL for fewer than 2 examples. */
int tr_split(struct jsonl_set *train, struct jsonl_set *valid, const char *name,
             struct pl_err *e);
/* The settings a run directory was trained with (its checkpoint's, else
 * its promptlab.json's), into p->tune (steps too) and, for prompts,
 * p->length/init; p->method is set. For front ends that resume with the
 * saved settings unless told otherwise. PL_EIO when dir has neither. */
int tr_saved_params(const char *dir, struct tr_params *p, struct pl_err *e);

typedef struct trainer trainer;

/* Set up a run: read and tokenise the data, build the parameters (or
 * restore them from p->resume), the optimisers and the record. L is the
 * frozen model for TR_PROMPT and TR_MODEL (it must outlive the trainer)
 * and NULL for TR_PRETRAIN. Errors name the file and what is wrong
 * ("data.jsonl:3: target is empty"). Free with tr_free. */
int tr_init(trainer **out, const struct lab *L, const struct tr_params *p, struct pl_err *e);
void tr_free(trainer *t); /* NULL is fine */

/* What tr_init set up. Valid until tr_free. */
struct tr_info {
    enum tr_method method;
    int n_train, n_valid;     /* examples (validation: after max_valid) */
    int n_skipped;            /* pre-training pairs over the length limits */
    bool held_out;            /* validation is the training set's tail */
    int start_step;           /* steps done before this session (resuming) */
    bool fresh_moments;       /* resumed from a saved prompt without a checkpoint */
    long long n_trained;      /* numbers the optimiser updates */
    long long n_model;        /* numbers in the model */
    int n_rows, d;            /* TR_PROMPT: the prompt's shape */
    const float *w0;          /* TR_PROMPT: its initial rows [n_rows*d] */
    const char *metric;       /* "chrf" */
    struct tune_params tune;  /* the settings in force (eval_every resolved) */
};
const struct tr_info *tr_get_info(const trainer *t);

/* What the progress callback receives after every step (step 0: the
 * initial validation). Pointers are valid during the call only. */
struct tr_progress {
    struct tune_progress tp;
    const float *rows;        /* TR_PROMPT: the current rows [n_rows*d]; else NULL */
    const float *best_rows;   /* TR_PROMPT: the best rows so far; else NULL */
    int saved_step;           /* the step whose values `out` holds, -1 none */
    const char *event;        /* NULL, or a line on what was saved or failed to save */
};

struct tr_control {
    atomic_int *stop;         /* set: stop after the current step (PL_ESTOPPED) */
    atomic_int *pause;        /* set: sleep between steps */
    atomic_int *save;         /* set: save the best values and a checkpoint now (cleared) */
    atomic_int *discard;      /* set when the run ends: skip the final save */
    void (*progress)(void *user, const struct tr_progress *p);
    void *user;
};

struct tr_result {
    struct tune_result tune;
    int saved_step;           /* step of the values saved in `out`, -1 none */
    long long saved_bytes;    /* size of the files in `out` (checkpoint excluded) */
    bool checkpointed;        /* `out`/checkpoint holds the final state (not after
                               * PL_ENUMERIC: then it holds the last improvement's) */
    double elapsed;           /* seconds of training over all sessions, pauses excluded */
    char save_error[768];     /* "" or why the first failed save failed */
};

/* Train from the current step to p->tune.steps (nothing when a resumed run
 * has done that many already), saving as described above.
 * Returns tune_run's code (0, PL_ESTOPPED, PL_ENUMERIC with the last good
 * values kept and saved, a callback's error). A failed save does not stop
 * the run: it is reported as an event and in res->save_error. ctl may be
 * NULL. Call once. */
int tr_run(trainer *t, const struct tr_control *ctl, struct tr_result *res, struct pl_err *e);

/* The model being trained (TR_MODEL, TR_PRETRAIN; NULL for prompts) and
 * the best prompt (TR_PROMPT: rows with w0 and the init; NULL otherwise).
 * Valid until tr_free; read them on the training thread or after tr_run. */
const t5_model *tr_model(const trainer *t);
const struct soft_prompt *tr_best_prompt(trainer *t);

#endif
