/* test_study.c - prompt ensembles: the vote on strings with known answers,
 * and study_ensemble on a small random model against a naive reference
 * (each member's own translation, lab_score for ties). */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "promptlab/study.h"
#include "test.h"

static void test_vote(void)
{
    bool tied;
    const char *a[] = {"cat", "dog", " cat ", "dog", "cat"};
    CHECK_INT(study_vote(a, NULL, 5, &tied), 0); /* cat 3, dog 2; trimmed strings agree */
    CHECK(!tied);
    const char *b[] = {"positive", "negative", "negative"};
    CHECK_INT(study_vote(b, NULL, 3, &tied), 1);
    CHECK(!tied);
    /* a tie: the earliest without scores, the higher score with them */
    const char *c[] = {"x", "y", "y", "x"};
    CHECK_INT(study_vote(c, NULL, 4, &tied), 0);
    CHECK(tied);
    double sc[] = {-5.0, -1.0, -3.0, -4.0};
    CHECK_INT(study_vote(c, sc, 4, &tied), 1); /* y's best score -1 beats x's -4 */
    double sc2[] = {-5.0, -6.0, -7.0, -0.5};
    CHECK_INT(study_vote(c, sc2, 4, &tied), 0); /* x's best is member 3's -0.5 */
    /* a tie that a larger group then beats is no tie */
    const char *d[] = {"a", "b", "c", "c"};
    CHECK_INT(study_vote(d, NULL, 4, &tied), 2);
    CHECK(!tied);
    /* NULL is "", one member wins alone */
    const char *e[] = {NULL, "", "z"};
    CHECK_INT(study_vote(e, NULL, 3, &tied), 0);
    CHECK(!tied);
    const char *f[] = {"only"};
    CHECK_INT(study_vote(f, NULL, 1, &tied), 0);
    CHECK(!tied);
}

static double logp_sum(struct lab *L, const char *hard, const char *src, const char *out)
{
    int *ids = NULL, n = 0;
    float *lp = NULL;
    double s = NAN;
    if (lab_score(L, hard, NULL, src, out, &ids, &lp, &n, NULL) == 0) {
        s = 0;
        for (int i = 0; i < n; i++)
            s += lp[i];
    }
    free(ids);
    free(lp);
    return s;
}

static void test_ensemble(struct lab *L)
{
    static const char *const src[] = {"The house is wonderful.", "Hello", "I like green tea.",
                                      "Where is the market?", "cats and dogs"};
    enum { N = 5 };
    struct t5_gen_params gp;
    t5_gen_params_default(&gp);
    gp.max_new_tokens = 8;
    struct pl_err e = {0};
    const char *hA = "translate English to German: {source}", *hB = "summarize: {source}";
    char *outA[N], *outB[N];
    CHECKF(lab_translate(L, hA, NULL, src, N, &gp, outA, NULL, &e) == 0, "%s", e.msg);
    CHECKF(lab_translate(L, hB, NULL, src, N, &gp, outB, NULL, &e) == 0, "%s", e.msg);

    /* A, B, A: A wins every input, with no tie */
    struct study_member m3[] = {{hA, NULL}, {hB, NULL}, {hA, NULL}};
    char **mo[3], *ens[N];
    int ties = -1;
    CHECKF(study_ensemble(L, m3, 3, src, N, &gp, mo, ens, &ties, NULL, NULL, &e) == 0, "%s", e.msg);
    CHECK_INT(ties, 0);
    for (int i = 0; i < N; i++) {
        CHECK_STR(mo[0][i], outA[i]);
        CHECK_STR(mo[1][i], outB[i]);
        CHECK_STR(ens[i], outA[i]);
    }
    for (int j = 0; j < 3; j++) {
        for (int i = 0; i < N; i++)
            free(mo[j][i]);
        free(mo[j]);
    }
    for (int i = 0; i < N; i++)
        free(ens[i]);

    /* A, B: every input where they differ is a tie, won by the output its
     * own prompt gives the higher log-probability */
    struct study_member m2[] = {{hA, NULL}, {hB, NULL}};
    char **mo2[2];
    CHECKF(study_ensemble(L, m2, 2, src, N, &gp, mo2, ens, &ties, NULL, NULL, &e) == 0, "%s", e.msg);
    int differ = 0;
    for (int i = 0; i < N; i++) {
        if (strcmp(outA[i], outB[i]) == 0) {
            CHECK_STR(ens[i], outA[i]);
            continue;
        }
        differ++;
        double a = logp_sum(L, hA, src[i], outA[i]), b = logp_sum(L, hB, src[i], outB[i]);
        CHECKF(strcmp(ens[i], b > a ? outB[i] : outA[i]) == 0, "input %d: %g vs %g -> '%s'", i, a, b,
               ens[i]);
    }
    CHECK_INT(ties, differ);
    CHECKF(differ >= 2, "the two prompts should disagree on most inputs (%d)", differ);
    for (int j = 0; j < 2; j++) {
        for (int i = 0; i < N; i++)
            free(mo2[j][i]);
        free(mo2[j]);
    }
    for (int i = 0; i < N; i++) {
        free(ens[i]);
        free(outA[i]);
        free(outB[i]);
    }
    CHECK(study_ensemble(L, m2, 0, src, N, &gp, mo2, ens, NULL, NULL, NULL, &e) == PL_EINVAL);
}

int main(void)
{
    test_vote();
    const char *td = getenv("TESTDATA") ? getenv("TESTDATA") : "tests/data";
    const char *tools = getenv("TOOLS") ? getenv("TOOLS") : "build/release/tests/tools";
    char dir[] = "/tmp/pl_test_study_XXXXXX", cmd[4096], mdir[PATH_MAX];
    CHECK(mkdtemp(dir) != NULL);
    /* sharp output distributions, so the two prompts' outputs differ */
    snprintf(cmd, sizeof cmd, "%s/mkmodel %s/m %s/t5/tokenizer.json gated 3 1 8 8 >/dev/null", tools,
             dir, td);
    CHECKF(system(cmd) == 0, "%s", cmd);
    snprintf(mdir, sizeof mdir, "%s/m", dir);
    struct lab *L = NULL;
    struct pl_err e = {0};
    CHECKF(lab_open(mdir, &L, &e) == 0, "%s", e.msg);
    if (L)
        test_ensemble(L);
    lab_close(L);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    TEST_END();
}
