/* objective.h - prompt tuning on a frozen T5: the tune_objective that
 * tune_run (tune.h) drives, built from a lab (model + tokenizer) and JSONL
 * data sets.
 *
 * Training loss: mean cross-entropy over the target tokens of a batch, with
 * encoder input = [prompt rows] + tokens of fill(hard, source) + </s>
 * (lab.h's recipe); the gradient flows through the frozen model to the
 * prompt rows only. Validation: the same loss over the validation set, and
 * a task metric on greedy outputs (chrF, exact match or accuracy).
 * Thread safety: an obj owns its workspaces and a forked lab; it may run on
 * a worker thread while the parent lab serves another thread. */
#ifndef PROMPTLAB_OBJECTIVE_H
#define PROMPTLAB_OBJECTIVE_H

#include "promptlab/jsonl.h"
#include "promptlab/lab.h"
#include "promptlab/tune.h"

enum { OBJ_MAX_TARGET = 256 }; /* target tokens (with </s>) per example */

enum obj_metric { OBJ_METRIC_CHRF, OBJ_METRIC_EXACT, OBJ_METRIC_ACCURACY };

struct obj_params {
    const char *hard;      /* hard prompt template put after the soft rows; NULL = none */
    int n_soft;            /* prompt rows N (1 .. LAB_MAX_SOURCE-2) */
    int max_batch;         /* largest training batch the workspace must hold */
    enum obj_metric metric;
    int max_valid;         /* validate on at most this many examples (0 = all) */
    int max_new_tokens;    /* greedy decoding length for the metric */
    bool target_eos;       /* append </s> to targets (default true); false when targets
                            * are prefixes of longer outputs, e.g. decodes cut at a length */
};
void obj_params_default(struct obj_params *p);
/* "chrf", "exact", "accuracy". */
const char *obj_metric_name(enum obj_metric m);
int obj_metric_parse(const char *s, enum obj_metric *out, struct pl_err *e);

typedef struct obj obj;

/* Tokenise the data sets and size the workspaces. train must have at least
 * one record; valid may be NULL (no validation) or empty (refused). Errors
 * name the file and line: a target over OBJ_MAX_TARGET tokens, text that is
 * not UTF-8; n_soft out of range. The sets may be freed after this call.
 * `train_name`/`valid_name` are used in messages. Free with obj_free. */
int obj_init(const struct lab *L, const struct jsonl_set *train, const char *train_name,
             const struct jsonl_set *valid, const char *valid_name, const struct obj_params *p,
             obj **out, struct pl_err *e);
void obj_free(obj *o); /* NULL is fine */

/* The callbacks for tune_run, bound to o (valid while o lives). */
void obj_bind(obj *o, struct tune_objective *out);

/* Greedy outputs of the validation sources under `prompt` (n_soft rows)
 * and their metric; outputs (may be NULL) receives malloc'd strings (caller
 * frees each and the array). */
int obj_decode_valid(obj *o, const float *prompt, char ***outputs, int *n, float *metric,
                     struct pl_err *e);

#endif
