/* objective.h - the training objective on a T5: the tune_objective that
 * tune_run (tune.h) drives, built from a lab (model + tokenizer) and JSONL
 * data sets. The trainer (trainer.h) is its one user in promptlab.
 *
 * Training loss: mean cross-entropy over the target tokens of a batch, with
 * encoder input = [prompt rows] + tokens of fill(hard, source) + </s>
 * (lab.h's recipe). The gradient flows to the prompt rows (prompt tuning:
 * the model stays frozen) or to every weight of the lab's model (model
 * tuning and pre-training: the lab then holds a private, writable model).
 * Validation: the same loss over the validation set, and a task metric on
 * greedy outputs (chrF, exact match or accuracy).
 * Thread safety: an obj owns its workspaces and a forked lab; it may run on
 * a worker thread while the parent lab serves another thread (as long as
 * nothing else writes the model's weights). */
#ifndef PROMPTLAB_OBJECTIVE_H
#define PROMPTLAB_OBJECTIVE_H

#include "promptlab/jsonl.h"
#include "promptlab/lab.h"
#include "promptlab/tune.h"

enum { OBJ_MAX_TARGET = 256 }; /* target tokens (with </s>) per example */

enum obj_metric { OBJ_METRIC_CHRF, OBJ_METRIC_EXACT, OBJ_METRIC_ACCURACY };

struct obj_params {
    const char *hard;      /* hard prompt template put after the soft rows; NULL = none */
    int n_soft;            /* prompt rows N (0 .. LAB_MAX_SOURCE-2; 0 = none, for weights) */
    int max_batch;         /* largest training batch the workspace must hold */
    enum obj_metric metric;
    int max_valid;         /* validate on at most this many examples (0 = all) */
    int max_new_tokens;    /* greedy decoding length for the metric */
    bool target_eos;       /* append </s> to targets (default true); false when targets
                            * are prefixes of longer outputs, e.g. decodes cut at a length */
    /* Pre-training corpora: pairs over these token counts (with </s>) are
     * skipped and counted instead of refused (0 = no limit: refuse sources
     * over LAB_MAX_SOURCE and targets over OBJ_MAX_TARGET). */
    int skip_src, skip_tgt;
    /* > 0: batches of about this many source + target tokens (padding
     * included) of similar length instead of max_batch examples; see
     * obj_bind. */
    int batch_tokens;
};
void obj_params_default(struct obj_params *p);
/* "chrf", "exact", "accuracy". */
const char *obj_metric_name(enum obj_metric m);
int obj_metric_parse(const char *s, enum obj_metric *out, struct pl_err *e);

typedef struct obj obj;

/* Tokenise the data sets and size the workspaces. train must have at least
 * one record (after skipping); valid may be NULL (no validation) or empty
 * (refused). Errors name the file and line: a target over OBJ_MAX_TARGET
 * tokens, text that is not UTF-8; n_soft out of range. The sets may be
 * freed after this call. `train_name`/`valid_name` are used in messages.
 * Free with obj_free. */
int obj_init(const struct lab *L, const struct jsonl_set *train, const char *train_name,
             const struct jsonl_set *valid, const char *valid_name, const struct obj_params *p,
             obj **out, struct pl_err *e);
void obj_free(obj *o); /* NULL is fine */
/* Training examples kept, and pairs skipped for their length. */
int obj_n_train(const obj *o);
int obj_n_skipped(const obj *o);

/* What the objective differentiates (read at every call, so the caller's
 * optimiser may update the values in place between steps). */
struct obj_target {
    const float *prompt;      /* [n_soft * d] prompt rows; NULL when n_soft is 0 */
    float *prompt_grad;       /* [n_soft * d] receives their gradient; NULL when n_soft is 0 */
    struct t5_weights *grads; /* NULL: the model is frozen; else gradients (t5_grads_init for
                               * the lab's model) of every weight, input embeddings
                               * included; needs n_soft 0 and a lab whose model is being
                               * trained */
};

/* The callbacks for tune_run, bound to o and tg (valid while both live).
 * With batch_tokens, the batches of an epoch are a seeded permutation
 * (tune_params seed and the epoch) sorted by source length inside windows,
 * cut at batch_tokens, in shuffled order: a pure function of the step. */
void obj_bind(obj *o, const struct obj_target *tg, uint64_t seed, struct tune_objective *out);

/* Greedy outputs of the validation sources (the training sources when there
 * is no validation set) under `prompt` (n_soft rows; NULL when 0) and their
 * metric; outputs (may be NULL) receives malloc'd strings (caller frees each
 * and the array). */
int obj_decode_valid(obj *o, const float *prompt, char ***outputs, int *n, float *metric,
                     struct pl_err *e);

#endif
