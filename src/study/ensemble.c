/* ensemble.c - prompt ensembles: K prompts on one frozen model, one vote
 * per input (the paper's Table 3).
 *
 * The one idea: outputs are compared as trimmed strings, so a vote is a
 * count of equal strings; only a tie asks the model, which scores each tied
 * output under a member that produced it. */
#include "promptlab/study.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* s without leading and trailing ASCII whitespace: [*b, *b + *n). */
static void trimmed(const char *s, const char **b, size_t *n)
{
    if (!s)
        s = "";
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    size_t len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' ||
                   s[len - 1] == '\r'))
        len--;
    *b = s;
    *n = len;
}

static bool same(const char *x, const char *y)
{
    const char *a, *b;
    size_t na, nb;
    trimmed(x, &a, &na);
    trimmed(y, &b, &nb);
    return na == nb && memcmp(a, b, na) == 0;
}

int study_vote(const char *const *outputs, const double *score, int k, bool *tied)
{
    int best = 0, best_votes = 0;
    double best_score = -INFINITY;
    bool tie = false;
    for (int j = 0; j < k; j++) {
        int first = j;
        for (int i = 0; i < j; i++)
            if (same(outputs[i], outputs[j])) {
                first = i;
                break;
            }
        if (first != j)
            continue; /* counted with its first producer */
        int votes = 0;
        double sc = -INFINITY;
        for (int i = j; i < k; i++)
            if (same(outputs[i], outputs[j])) {
                votes++;
                if (score && score[i] > sc)
                    sc = score[i];
            }
        if (votes > best_votes) {
            best = j;
            best_votes = votes;
            best_score = sc;
            tie = false;
        } else if (votes == best_votes) {
            tie = true;
            if (score && sc > best_score) {
                best = j;
                best_score = sc;
            }
        }
    }
    if (tied)
        *tied = tie;
    return best;
}

/* log p(output | source) under member m: the sum of its token log-probs. */
static int member_score(struct lab *L, const struct study_member *m, const char *source,
                        const char *output, double *out, struct pl_err *e)
{
    int *ids = NULL, n = 0;
    float *logp = NULL;
    int rc = lab_score(L, m->hard, m->soft, source, output, &ids, &logp, &n, e);
    double sum = 0;
    for (int i = 0; rc == 0 && i < n; i++)
        sum += logp[i];
    free(ids);
    free(logp);
    *out = sum;
    return rc;
}

/* Break the tie of input i: score each distinct output once. */
static int break_tie(struct lab *L, const struct study_member *members, int k, const char *source,
                     const char **outs, int *winner, struct pl_err *e)
{
    double *score = malloc((size_t)k * sizeof *score);
    if (!score)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    int rc = 0;
    for (int j = 0; j < k && rc == 0; j++) {
        score[j] = -INFINITY;
        int first = j;
        for (int i = 0; i < j; i++)
            if (same(outs[i], outs[j]))
                first = i;
        if (first == j)
            rc = member_score(L, &members[j], source, outs[j] ? outs[j] : "", &score[j], e);
    }
    if (rc == 0)
        *winner = study_vote(outs, score, k, NULL);
    free(score);
    return rc;
}

static void free_outputs(char ***member_out, int k, char **ens_out, int n)
{
    for (int j = 0; j < k; j++) {
        for (int i = 0; member_out[j] && i < n; i++)
            free(member_out[j][i]);
        free(member_out[j]);
        member_out[j] = NULL;
    }
    for (int i = 0; i < n; i++) {
        free(ens_out[i]);
        ens_out[i] = NULL;
    }
}

int study_ensemble(struct lab *L, const struct study_member *members, int k,
                   const char *const *sources, int n, const struct t5_gen_params *gp,
                   char ***member_out, char **ens_out, int *n_ties,
                   int (*progress)(long done, long total, void *user), void *user,
                   struct pl_err *e)
{
    if (k < 1 || n < 0)
        return pl_err_set(e, PL_EINVAL, "an ensemble needs at least one member");
    enum { CHUNK = 8 };
    int rc = 0, ties = 0;
    const char **outs = malloc((size_t)k * sizeof *outs);
    for (int j = 0; j < k; j++)
        member_out[j] = calloc(n ? (size_t)n : 1, sizeof **member_out);
    for (int i = 0; i < n; i++)
        ens_out[i] = NULL;
    for (int j = 0; j < k && rc == 0; j++)
        if (!member_out[j])
            rc = pl_err_set(e, PL_ENOMEM, "out of memory");
    if (!outs && rc == 0)
        rc = pl_err_set(e, PL_ENOMEM, "out of memory");
    const long total = (long)n * k;
    for (int j = 0; j < k && rc == 0; j++)
        for (int s = 0; s < n && rc == 0; s += CHUNK) {
            int m = n - s < CHUNK ? n - s : CHUNK;
            rc = lab_translate(L, members[j].hard, members[j].soft, sources + s, m, gp,
                               member_out[j] + s, NULL, e);
            if (rc == 0 && progress && progress((long)j * n + s + m, total, user))
                rc = pl_err_set(e, PL_ESTOPPED, "stopped");
        }
    for (int i = 0; i < n && rc == 0; i++) {
        for (int j = 0; j < k; j++)
            outs[j] = member_out[j][i];
        bool tied;
        int w = study_vote(outs, NULL, k, &tied);
        if (tied) {
            ties++;
            rc = break_tie(L, members, k, sources[i], outs, &w, e);
            if (rc)
                pl_err_wrap(e, rc, "input %d", i + 1);
        }
        if (rc == 0 && !(ens_out[i] = strdup(outs[w] ? outs[w] : "")))
            rc = pl_err_set(e, PL_ENOMEM, "out of memory");
    }
    free(outs);
    if (rc)
        free_outputs(member_out, k, ens_out, n);
    if (n_ties)
        *n_ties = rc ? 0 : ties;
    return rc;
}
