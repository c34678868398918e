/* study.h - the paper's comparisons as library recipes: prompt ensembles
 * (Lester et al. 2021, Table 3), and the pieces experiment grids share.
 *
 * An ensemble is K prompts (hard, soft, or both) on one frozen model; each
 * input gets the output most members agree on. For classification that is
 * the paper's majority vote; for generation the agreeing outputs must be
 * the same text (spaces at the ends trimmed). A tie goes to the output the
 * model finds most likely: the highest log-probability any member that
 * produced it gives it; a remaining tie to the earliest member.
 * Thread safety: a function uses only what it is given (one lab per
 * thread, as lab.h says). */
#ifndef PROMPTLAB_STUDY_H
#define PROMPTLAB_STUDY_H

#include "promptlab/core.h"
#include "promptlab/lab.h"

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

#endif
