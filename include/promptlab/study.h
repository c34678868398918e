/* study.h - the paper's comparisons as library recipes: experiment grids
 * (Lester et al. 2021, Figures 1, 3 and 4; Table 1 with several test
 * sets) and prompt ensembles (Table 3).
 *
 * An experiment is a grid of cells: models x methods (a hard prompt,
 * prompt tuning, model tuning) x prompt lengths x initialisations x seeds.
 * A hard-prompt cell evaluates a template (no training, one cell per
 * model); a prompt-tuning cell trains a prompt with the trainer (length x
 * init x seed); a model-tuning cell trains every weight (seed only). Every
 * cell is scored on each test set with the task metric and leaves its
 * record in OUT/cells/<id>/result.json, so a grid run again skips what is
 * done (see study_run).
 *
 * An ensemble is K prompts (hard, soft, or both) on one frozen model; each
 * input gets the output most members agree on. For classification that is
 * the paper's majority vote; for generation the agreeing outputs must be
 * the same text (spaces at the ends trimmed). A tie goes to the output the
 * model finds most likely: the highest log-probability any member that
 * produced it gives it; a remaining tie to the earliest member.
 * Thread safety: a function uses only what it is given (one lab per
 * thread, as lab.h says); study_run opens its own labs. */
#ifndef PROMPTLAB_STUDY_H
#define PROMPTLAB_STUDY_H

#include <stdatomic.h>

#include "promptlab/core.h"
#include "promptlab/lab.h"
#include "promptlab/objective.h"
#include "promptlab/optim.h"
#include "promptlab/trainer.h"

/* One ensemble member. */
struct study_member {
    const char *hard;              /* template, or NULL */
    const struct soft_prompt *soft; /* or NULL */
};

/* The vote for one input: outputs[k] is member k's output (NULL counts as
 * ""), score[k] (may be NULL) a log-probability of it. Returns the index of
 * the member whose output wins; *tied (may be NULL) is set when the most
 * agreed-on count was shared by two or more different outputs. */
int study_vote(const char *const *outputs, const double *score, int k, bool *tied);

/* Decode n sources under each of the k members (greedy, gp) and vote.
 * member_out[j][i] receives member j's output for source i, ens_out[i] a
 * copy of the winning output (every string malloc'd; the caller frees them;
 * on error nothing is left allocated). Ties are broken by lab_score of each
 * tied output under the first member that produced it. *n_ties (may be
 * NULL) counts the inputs where that was needed. progress (may be NULL) is
 * called after each batch with (done, total, user); a non-zero return stops
 * the run with PL_ESTOPPED. */
int study_ensemble(struct lab *L, const struct study_member *members, int k,
                   const char *const *sources, int n, const struct t5_gen_params *gp,
                   char ***member_out, char **ens_out, int *n_ties,
                   int (*progress)(long done, long total, void *user), void *user,
                   struct pl_err *e);


/* ---- experiment grids ------------------------------------------------------ */

enum study_method { STUDY_HARD, STUDY_PROMPT, STUDY_MODEL, STUDY_N_METHODS };

enum {
    STUDY_MAX_MODELS = 16,
    STUDY_MAX_LENGTHS = 16,
    STUDY_MAX_INITS = 8,
    STUDY_MAX_SEEDS = 32,
    STUDY_MAX_TESTS = 8,
    STUDY_ID_CAP = 160,
};

/* "hard", "prompt", "model". */
const char *study_method_name(enum study_method m);
int study_method_parse(const char *s, enum study_method *out, struct pl_err *e);

/* One test set: its name in tables and figures ("in-domain") and its file. */
struct study_test {
    const char *name;
    const char *path;
};

/* The training settings of one method. */
struct study_training {
    int steps;              /* optimiser steps (trainer default 300) */
    float lr;               /* 0: the optimiser's default for the method (trainer.h) */
    enum optim_kind opt;    /* Adafactor */
};

/* The grid. Strings are borrowed (they must outlive every call that takes
 * the spec), except those study_spec_load reads, which the spec owns. */
struct study_spec {
    const char *models[STUDY_MAX_MODELS];   /* model directories */
    int n_models;
    bool methods[STUDY_N_METHODS];
    int lengths[STUDY_MAX_LENGTHS];         /* prompt rows (prompt cells) */
    int n_lengths;
    const char *inits[STUDY_MAX_INITS];     /* "random", "vocab", "text:STR", "labels:A,B" */
    int n_inits;
    int seeds[STUDY_MAX_SEEDS];             /* trained cells; hard cells have none */
    int n_seeds;
    const char *train;                      /* JSONL pairs */
    const char *valid;                      /* NULL: the trainer's held-out rule */
    struct study_test tests[STUDY_MAX_TESTS];
    int n_tests;
    const char *hard;                       /* the template of hard cells ({source}) */
    enum obj_metric metric;                 /* of validation and tests */
    struct study_training prompt, model;
    int batch;                              /* examples per step (8) */
    int eval_every;                         /* validate every K steps; 0: the trainer's
                                             * rule (steps/20, at least 5) */
    int max_valid;                          /* validation examples (64) */
    int max_test;                           /* the first N of each test set (0 = all) */
    int max_new_tokens;                     /* greedy decoding length (48) */
    bool keep_models;                       /* keep model-tuned weights in cells/<id>/model */
    void *owned;                            /* study_spec_load's storage */
};

/* Defaults: no models, methods prompt only, lengths {20}, inits {"vocab"},
 * seeds {1}, metric chrF, 300 steps each, Adafactor at the trainer's rates,
 * batch 8, max_valid 64, every test example, 48 new tokens. */
void study_spec_default(struct study_spec *s);
/* Read a JSON spec file over *s (keys absent keep their values): models,
 * methods, lengths, inits (lists); seeds (a list, or a count N for 1..N);
 * train, valid, hard, metric (strings); test (a list of files, or an
 * object {name: file}); prompt and model ({"steps", "lr", "optimizer"});
 * batch, eval_every, max_valid, max_test, max_new_tokens (numbers); keep_models
 * (bool). Paths are used as written (relative to the current directory).
 * Unknown keys and wrong types are errors naming the file and key. The
 * strings read stay valid until study_spec_free. */
int study_spec_load(const char *path, struct study_spec *s, struct pl_err *e);
void study_spec_free(struct study_spec *s); /* frees what study_spec_load read */
/* Check the spec: at least one model, method and test set; a template for
 * hard cells; lengths, inits and seeds for the methods that use them;
 * valid initialisers; no duplicate test names. PL_EINVAL with a message. */
int study_spec_check(const struct study_spec *s, struct pl_err *e);

/* One cell of the grid. */
struct study_cell {
    char id[STUDY_ID_CAP];  /* stable directory name: "<model>-hard",
                             * "<model>-prompt-n<len>-<init>-s<seed>", "<model>-model-s<seed>";
                             * <model> is the directory's base name (made unique), an init
                             * with an argument is "text-<hash>" / "labels-<hash>" */
    int model;              /* index into spec->models */
    enum study_method method;
    int length;             /* prompt cells; else 0 */
    int init;               /* prompt cells: index into spec->inits; else -1 */
    int seed;               /* trained cells; hard cells 0 */
};

/* The cells in run order: model by model; within a model hard, then
 * prompt cells (length, init, seed), then model cells (seed). *cells is
 * malloc'd (caller frees). */
int study_cells(const struct study_spec *s, struct study_cell **cells, int *n, struct pl_err *e);

/* What a finished cell records (OUT/cells/<id>/result.json). */
struct study_result {
    char id[STUDY_ID_CAP];
    char model[512];            /* model directory */
    long long model_params;     /* numbers in the model */
    enum study_method method;
    char hard[256];             /* hard cells: the template; else "" */
    int length;                 /* prompt cells; else 0 */
    char init[256];             /* prompt cells; else "" */
    int seed;                   /* trained cells; else 0 */
    int steps;                  /* trained cells: steps run; else 0 */
    double lr;                  /* trained cells; else 0 */
    char optimizer[16];         /* trained cells; else "" */
    long long trained_params;   /* numbers the optimiser updated (hard: 0) */
    long long saved_bytes;      /* size of what the cell keeps (prompt: the PEFT files;
                                 * model: the weights with --keep-models, else 0) */
    char metric[16];
    double valid;               /* validation metric (trained: of the values kept) */
    int best_step;              /* trained: step of the values kept; else -1 */
    int n_tests;
    char test_names[STUDY_MAX_TESTS][64];
    double test[STUDY_MAX_TESTS]; /* score on each test set, in spec order */
    int test_n[STUDY_MAX_TESTS];  /* examples scored */
    double seconds;             /* wall time of the cell: training (earlier sessions of a
                                 * resumed cell included) and evaluation */
    char end[16];               /* "done", "early" (early stopping), "numeric" (NaN/Inf:
                                 * the last good values were kept) */
};

enum study_event_kind {
    STUDY_EV_START,   /* a cell starts (or resumes from its checkpoint: resumed) */
    STUDY_EV_SKIP,    /* a cell has its result already: result */
    STUDY_EV_TRAIN,   /* after every training step: train */
    STUDY_EV_EVAL,    /* while scoring: done of total examples (all sets of the cell) */
    STUDY_EV_DONE,    /* a cell finished: result */
};

struct study_event {
    enum study_event_kind kind;
    int index, n_cells;             /* this cell, of the grid */
    const struct study_cell *cell;
    const struct study_result *result; /* SKIP, DONE */
    const struct tr_progress *train;   /* TRAIN */
    bool resumed;                      /* START: continues a checkpoint */
    long done, total;                  /* EVAL */
};

struct study_control {
    atomic_int *stop;   /* set: stop soon (the running cell keeps its checkpoint) */
    void (*event)(void *user, const struct study_event *ev); /* may be NULL */
    void *user;
};

/* Run the grid into out_dir: OUT/spec.json (the spec as run), one
 * directory per cell under OUT/cells/<id>/ (a prompt cell: the prompt in
 * PEFT's layout, promptlab.json with its curve; a model cell: its weights
 * in model/ with keep_models, else only its record), result.json per
 * cell, and OUT/results.json and OUT/results.csv with every finished cell
 * (rewritten after each). A cell whose result.json exists is skipped when
 * it was made with the same settings, and refused (PL_EINVAL naming what
 * differs) when not; an unfinished trained cell with a checkpoint continues
 * from it. *results (may be NULL; caller frees) receives the records of
 * every cell in run order, *n_results their count. Returns 0, PL_ESTOPPED
 * when ctl->stop ended it (the finished cells are written), or the error
 * of the cell that failed (its message names the cell). Events arrive on
 * the calling thread. Writes are atomic. */
int study_run(const struct study_spec *s, const char *out_dir, const struct study_control *ctl,
              struct study_result **results, int *n_results, struct pl_err *e);

/* Read OUT/results.json (a finished or partial experiment) into *results
 * (malloc'd; caller frees), for front ends that show an experiment.
 * PL_EIO when there is none, PL_EFORMAT when it is not one. */
int study_load(const char *out_dir, struct study_result **results, int *n, struct pl_err *e);

/* ---- tables and figures ------------------------------------------------------ */

/* One row of the summary: the cells of one (model, method, length, init)
 * over their seeds. Spread is the sample standard deviation over seeds
 * (n - 1 in the denominator; NAN with one seed). */
struct study_row {
    int first;                      /* index of its first cell in the results */
    int n;                          /* cells (seeds) */
    double valid, valid_sd;
    double test[STUDY_MAX_TESTS], test_sd[STUDY_MAX_TESTS];
    double seconds;                 /* mean per cell */
};

/* Group results (in their order) into rows; *rows is malloc'd (caller frees). */
int study_summary(const struct study_result *r, int n, struct study_row **rows, int *n_rows,
                  struct pl_err *e);
/* The summary as CSV (RFC 4180, "\n" line ends): model, model_params, method,
 * length, init, seeds, trained_params, valid, valid_sd, then <test> and
 * <test>_sd for each test set, seconds. Atomic write. */
int study_write_summary_csv(const char *path, const struct study_result *r,
                            const struct study_row *rows, int n_rows, struct pl_err *e);

struct study_point {
    double x, y;      /* x: parameters, prompt length, or the index of a category */
    double sd;        /* spread over seeds (NAN: one seed) */
    int n;            /* seeds */
};

struct study_series {
    char name[160];
    int style;                /* colour index: a method (or a model) keeps its colour
                               * from one figure to the next */
    struct study_point *pts;  /* [n], ascending x */
    int n;
};

enum { STUDY_MAX_SERIES = 24, STUDY_MAX_CATEGORIES = STUDY_MAX_INITS };

/* One figure's data: what the app draws as an SVG file and writes to
 * figures.csv. */
struct study_figure {
    char file[64];            /* "fig_scale", "fig_length", "fig_init", "fig_tests", "fig_params"; for
                               * test sets after the first ".<test name>" is appended */
    char title[160];
    char caption[640];        /* the settings: test set, metric, seeds, steps, lr, ... */
    char x_label[64], y_label[64];
    bool x_log, y_log;
    int n_categories;         /* > 0: x is a category index 0..n-1 named below */
    char categories[STUDY_MAX_CATEGORIES][64];
    char test[64];            /* test set ("" for fig_params) */
    struct study_series series[STUDY_MAX_SERIES];
    int n_series;
};

/* The figures the results have data for, for every test set:
 *   fig_scale   score against model parameters (log x), one line per method:
 *               hard prompt, prompt tuning (the longest length, the first
 *               init), model tuning (the paper's Figure 1; two models or more);
 *   fig_length  score by prompt length (categories: the lengths), one line per
 *               model, the first init (Figure 3a; two lengths or more);
 *   fig_init    score by initialisation (categories), one line per model, the
 *               longest length (Figure 3b; two inits or more);
 *   fig_tests   score on each test set (categories), one line per method (per
 *               model and method with several models): the domain shift of
 *               Table 1 (two test sets or more; once, not per test set);
 *   fig_params  trained parameters against model parameters (log x and y),
 *               one line per method and prompt length (Figure 4; once, not per
 *               test set).
 * Scores are means over seeds; the settings (test sets, steps, rates) come
 * from the records, so a loaded experiment draws the same figures. *figs
 * is malloc'd; free with
 * study_figures_free. */
int study_figures(const struct study_result *r, int n, struct study_figure **figs, int *n_figs,
                  struct pl_err *e);
void study_figures_free(struct study_figure *figs, int n);
/* The figures' data as CSV: figure, test, series, x, x_name, y, sd, n. */
int study_write_figures_csv(const char *path, const struct study_figure *figs, int n,
                            struct pl_err *e);

#endif
