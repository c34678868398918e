/* test_prompt_tuning.c - prompt tuning end to end (the "done"
 * check): a random tiny model; targets made by decoding sources greedily
 * under a hard prompt; a soft prompt trained from random initialisation on
 * those pairs (no hard prompt) must lower the validation loss and make
 * held-out sources decode to the hard prompt's outputs. Also: model weights
 * are bit-for-bit unchanged by training, the same seed gives the same
 * prompt bit for bit, and saved prompts reload and translate identically.
 *
 * The one idea needed to read it: the hard prompt "German: {source}" is two
 * tokens put before the source, so a soft prompt of two rows can do exactly
 * what it does (the two tokens' own embedding rows are a perfect solution).
 * The test asks whether gradient descent from random rows finds that
 * behaviour. Why the setup is what it is (found with an experiment harness,
 * 256 held-out sources per run, several model seeds):
 *   - a random model's greedy choices are near ties among 32,128 random
 *     logits, so even the loss minimum (even when started from the perfect
 *     rows) moves some held-out argmaxes; the model is made with lm_head x4
 *     (sharper outputs, so the loss weighs the margins that decide the
 *     argmax): held-out exact match rises from about 70% to about 82%;
 *   - at T5's init scale a random model barely sees token order, and the
 *     rows often converged to ": German" (the swapped prompt: 20-60%);
 *     relative_attention_bias x8 makes order matter and removes that basin;
 *   - a five-token prompt ("translate English to German: ") gets stuck far
 *     from its solution (6-28%); two tokens are found reliably;
 *   - targets are kept only when their ids survive decode+encode (a first
 *     piece without a leading space does not), so the training targets are
 *     the very tokens the hard prompt produced; they carry no </s> (a random
 *     model rarely ends; outputs are cut at MAX_NEW tokens);
 *   - Adam, lr 0.1 with cosine decay, batch 8, 600 training pairs: 600
 *     steps converge; with 450 steps or batch 4 the weaker models end
 *     near 60%.
 * Measured with this file: held-out exact match 74-90% over model seeds 1-9
 * (82-91% over training seeds 1-7 with model seed 1), no prompt 0% by
 * construction; valid loss down 72-117x; each row's nearest vocabulary row
 * is the hard prompt's token (cosine >= 0.99). The checks leave a wide
 * margin under these. The validation set doubles as the held-out set: it
 * is validated only before the first and after the last step, so it picks
 * nothing. */
#include "test.h"

#include <stdlib.h>
#include <unistd.h>

#include "promptlab/lab.h"
#include "promptlab/objective.h"

#ifndef PT_MODEL_SEED /* -DPT_MODEL_SEED=n to try other models by hand */
#define PT_MODEL_SEED 1
#endif

enum {
    N_CAND = 4000, /* at most this many sources drawn */
    CHUNK = 128,   /* sources decoded at a time */
    N_TRAIN = 600,
    N_VALID = 96,  /* held out: validation loss and exact match */
    N_KEEP = N_TRAIN + N_VALID,
    MAX_NEW = 4,   /* output tokens compared */
    STEPS = 600,
    BATCH = 8,
    GEN_BATCH = 32,
};

static const char *const hard = "German: {source}";

static const char *const words[] = {"house", "cat", "dog", "tree", "river", "green", "small",
                                    "happy", "runs", "sees", "the", "a", "big", "old", "red",
                                    "bird", "sings", "water", "blue", "moon"};

static char *sentence(struct pl_rng *r)
{
    char buf[256] = "";
    int n = 2 + (int)pl_rng_below(r, 4);
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(buf, " ");
        strcat(buf, words[pl_rng_below(r, sizeof words / sizeof *words)]);
    }
    return strdup(buf);
}

static uint64_t hash_floats(const float *x, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    const unsigned char *p = (const unsigned char *)x;
    for (size_t i = 0; i < n * sizeof *x; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

static uint64_t hash_model(const t5_model *m)
{
    struct t5_param ps[256];
    int n = t5_param_list(m, t5_model_weights(m), ps, 256);
    uint64_t h = 0;
    for (int i = 0; i < n && i < 256; i++)
        h = h * 31 + hash_floats(ps[i].data, ps[i].n);
    return h;
}

/* Remove the test's directory, also when it stops early. */
static void remove_dir(const char *dir)
{
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* Greedy token ids of texts[0..n) under the hard prompt (no soft prompt):
 * ids [n, MAX_NEW], n_ids [n]. Goes below lab_translate because the
 * targets must be checked token by token. */
static int greedy_ids(struct lab *L, t5_state *st, char *const *texts, int n, int *ids,
                      int *n_ids, struct pl_err *e)
{
    const t5_model *m = lab_model(L);
    int d = t5_model_config(m)->d_model, rc = 0;
    struct t5_gen_params gp;
    t5_gen_params_default(&gp);
    gp.max_new_tokens = MAX_NEW;
    for (int s = 0; s < n && rc == 0; s += GEN_BATCH) {
        int B = n - s < GEN_BATCH ? n - s : GEN_BATCH, T = 1;
        int *src[GEN_BATCH] = {0}, len[GEN_BATCH];
        bool cut;
        for (int b = 0; b < B && rc == 0; b++) {
            rc = lab_source_ids(L, hard, 0, texts[s + b], &src[b], &len[b], &cut, e);
            if (rc == 0 && len[b] > T)
                T = len[b];
        }
        int *flat = calloc((size_t)B * (size_t)T, sizeof *flat);
        float *emb = malloc(sizeof *emb * (size_t)B * (size_t)T * (size_t)d);
        if (rc == 0 && (!flat || !emb))
            rc = PL_ENOMEM;
        for (int b = 0; b < B && rc == 0; b++)
            memcpy(flat + (size_t)b * (size_t)T, src[b], sizeof *flat * (size_t)len[b]);
        if (rc == 0)
            rc = t5_embed_batch(m, NULL, 0, flat, len, B, T, emb, e);
        if (rc == 0)
            rc = t5_generate(st, emb, len, B, T, &gp, ids + (size_t)s * MAX_NEW, n_ids + s, NULL, NULL, e);
        for (int b = 0; b < B; b++)
            free(src[b]);
        free(flat);
        free(emb);
    }
    return rc;
}

/* The target text of greedy ids g[0..n), or NULL when there is none that
 * gives back exactly these ids when encoded (an empty output, ids past the
 * tokenizer, special pieces, a first piece without its leading space). */
static char *round_trip(const tok *t, const int *g, int n)
{
    char *text = NULL;
    int *back = NULL, n_back = 0;
    struct pl_err e = {0};
    bool ok = n > 0;
    for (int i = 0; i < n && ok; i++)
        ok = g[i] < tok_size(t);
    ok = ok && tok_decode(t, g, n, TOK_SKIP_SPECIAL, &text, &e) == 0 &&
         tok_encode(t, text, strlen(text), 0, &back, &n_back, &e) == 0 && n_back == n &&
         memcmp(back, g, sizeof *g * (size_t)n) == 0;
    free(back);
    if (!ok) {
        free(text);
        return NULL;
    }
    return text;
}

/* Train a prompt of n_rows from random rows (seed) for `steps`; the prompt
 * ends as the best by validation loss. Returns the tune_run code. */
static int train(struct lab *L, const struct jsonl_set *tr, const struct jsonl_set *va,
                 int n_rows, int steps, int eval_every, uint64_t seed, struct soft_prompt *p,
                 struct tune_history *h, struct tune_result *res)
{
    struct pl_err e = {0};
    struct obj_params op;
    obj_params_default(&op);
    op.hard = NULL;
    op.n_soft = n_rows;
    op.max_batch = BATCH;
    op.metric = OBJ_METRIC_EXACT;
    op.max_new_tokens = MAX_NEW;
    op.target_eos = false; /* targets are outputs cut at MAX_NEW tokens */
    obj *o = NULL;
    int rc = obj_init(L, tr, "train", va, "valid", &op, &o, &e);
    CHECKF(rc == 0, "%s", e.msg);
    if (rc)
        return rc;
    struct tune_params tp;
    tune_params_default(&tp);
    optim_params_default(&tp.opt, OPTIM_ADAM);
    tp.opt.lr = 0.1f;
    tp.opt.schedule = OPTIM_WARMUP_COSINE;
    tp.opt.warmup_steps = 0;
    tp.opt.total_steps = steps;
    tp.steps = steps;
    tp.batch = BATCH;
    tp.eval_every = eval_every;
    tp.seed = seed;
    tune_history_init(h);
    rc = soft_prompt_init(p, n_rows, t5_model_config(lab_model(L))->d_model, &e);
    CHECKF(rc == 0, "%s", e.msg);
    size_t n = rc ? 0 : (size_t)p->n_tokens * (size_t)p->d;
    float *grad = rc ? NULL : calloc(n, sizeof(float));
    tune_state *s = NULL;
    if (rc == 0 && grad) {
        soft_fill_random(p, seed);
        struct tune_tensor x = {"prompt", p->w, grad, p->w0, p->n_tokens, p->d};
        rc = tune_init(&s, &tp, &x, 1, TUNE_KEEP_BEST, &e);
        CHECKF(rc == 0, "%s", e.msg);
    }
    if (s) {
        struct obj_target tg = {p->w, grad, NULL};
        struct tune_objective to;
        obj_bind(o, &tg, seed, &to);
        rc = tune_run(s, &to, NULL, res, &e);
        CHECKF(rc == 0, "%s", e.msg);
        memcpy(p->w, tune_best(s, 0), n * sizeof(float));
        CHECK(tune_history_copy(h, tune_hist(s), NULL) == 0);
    }
    tune_free(s);
    free(grad);
    obj_free(o);
    return rc;
}

int main(void)
{
    const char *td = getenv("TESTDATA") ? getenv("TESTDATA") : "tests/data";
    char dir[] = "/tmp/pl_pt_XXXXXX", tokpath[1024], cmd[4096];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(tokpath, sizeof tokpath, "%s/t5/tokenizer.json", td);
    const char *tools = getenv("TOOLS") ? getenv("TOOLS") : "build/release/tests/tools";
    /* gated, seed, init factor 1, lm_head x4, relative bias x8 (see above) */
    snprintf(cmd, sizeof cmd, "%s/mkmodel %s/m %s gated %d 1 4 8", tools, dir, tokpath,
             PT_MODEL_SEED);
    CHECKF(system(cmd) == 0, "%s", cmd);
    char mdir[1100];
    snprintf(mdir, sizeof mdir, "%s/m", dir);
    struct lab *L = NULL;
    struct pl_err e = {0};
    CHECKF(lab_open(mdir, &L, &e) == 0, "%s", e.msg);
    if (!L) {
        remove_dir(dir);
        TEST_END();
    }
    const t5_model *M = lab_model(L);
    const tok *T = lab_tok(L);
    int d = t5_model_config(M)->d_model;

    /* The hard prompt's own tokens: what a soft prompt may stand in for. */
    char *prefix = lab_fill(hard, "");
    int *pre = NULL, n_pre = 0;
    bool cut;
    CHECK(lab_source_ids(L, NULL, 0, prefix, &pre, &n_pre, &cut, &e) == 0);
    free(prefix);
    n_pre--; /* without </s> */
    CHECK_INT(n_pre, 2);
    if (n_pre != 2) {
        remove_dir(dir);
        TEST_END();
    }

    /* Targets: greedy outputs under the hard prompt, for sources drawn in
     * chunks (all different) until enough are kept. Keep a source when its
     * output round-trips through the tokenizer (see round_trip) and differs
     * from the output with no prompt at all, so matching it takes a prompt
     * that does what the hard prompt does, and the no-prompt baseline is 0. */
    struct pl_rng r;
    pl_rng_seed(&r, 5);
    struct t5_gen_params gp;
    t5_gen_params_default(&gp);
    gp.max_new_tokens = MAX_NEW;
    t5_state *st = NULL;
    int rc = t5_state_init(M, GEN_BATCH, LAB_MAX_SOURCE, MAX_NEW + 1, 1, &st, &e);
    char **drawn = calloc(N_CAND, sizeof *drawn), *bare[CHUNK];
    int gen[CHUNK * MAX_NEW], n_gen[CHUNK];
    struct jsonl_record rec[N_KEEP];
    char *src[N_KEEP], *tgt[N_KEEP];
    int n = 0, n_drawn = 0, n_rt = 0, n_same = 0;
    while (rc == 0 && n < N_KEEP && n_drawn < N_CAND) {
        int from = n_drawn;
        for (int tries = 0; tries < 100 * CHUNK && n_drawn < N_CAND && n_drawn - from < CHUNK;
             tries++) {
            char *s = sentence(&r);
            for (int j = 0; j < n_drawn && s; j++)
                if (strcmp(drawn[j], s) == 0) {
                    free(s);
                    s = NULL;
                }
            if (s)
                drawn[n_drawn++] = s;
        }
        char **chunk = drawn + from;
        int m = n_drawn - from;
        if (m == 0)
            break;
        rc = greedy_ids(L, st, chunk, m, gen, n_gen, &e);
        if (rc == 0)
            rc = lab_translate(L, NULL, NULL, (const char *const *)chunk, m, &gp, bare, NULL, &e);
        for (int i = 0; i < m && rc == 0; i++) {
            char *t = n < N_KEEP ? round_trip(T, gen + i * MAX_NEW, n_gen[i]) : NULL;
            n_rt += n < N_KEEP && !t;
            if (t && strcmp(t, bare[i]) == 0) {
                n_same++;
                free(t);
                t = NULL;
            }
            if (t) {
                src[n] = strdup(chunk[i]);
                tgt[n] = t;
                rec[n] = (struct jsonl_record){.source = src[n], .target = tgt[n], .line = n + 1};
                n++;
            }
            free(bare[i]);
        }
    }
    CHECKF(rc == 0, "%s", e.msg);
    t5_state_free(st);
    for (int i = 0; i < n_drawn; i++)
        free(drawn[i]);
    free(drawn);
    CHECKF(n == N_KEEP, "only %d usable sources of %d (%d did not round-trip, %d same as no prompt)",
           n, n_drawn, n_rt, n_same);
    if (n < N_KEEP) {
        remove_dir(dir);
        TEST_END();
    }
    struct jsonl_set tr = {rec, N_TRAIN}, va = {rec + N_TRAIN, N_VALID};
    char **held = src + N_TRAIN, **want = tgt + N_TRAIN;

    /* The public path agrees: the hard prompt reproduces every target, the
     * bare model none (the baseline). Also the loss of the hard prompt's own
     * rows (what the trained rows may be compared with): the mean over
     * target tokens, </s> left out as in training. */
    char *out[N_VALID];
    int match = 0, base = 0, n_tok = 0;
    double own = 0;
    rc = lab_translate(L, hard, NULL, (const char *const *)held, N_VALID, &gp, out, NULL, &e);
    CHECKF(rc == 0, "%s", e.msg);
    for (int i = 0; i < N_VALID && rc == 0; i++) {
        match += strcmp(out[i], want[i]) == 0;
        free(out[i]);
    }
    CHECK_INT(match, N_VALID);
    rc = lab_translate(L, NULL, NULL, (const char *const *)held, N_VALID, &gp, out, NULL, &e);
    CHECKF(rc == 0, "%s", e.msg);
    for (int i = 0; i < N_VALID && rc == 0; i++) {
        base += strcmp(out[i], want[i]) == 0;
        free(out[i]);
    }
    CHECK_INT(base, 0);
    for (int i = 0; i < N_VALID && rc == 0; i++) {
        int *ids = NULL, k = 0;
        float *lp = NULL;
        rc = lab_score(L, hard, NULL, held[i], want[i], &ids, &lp, &k, &e);
        for (int j = 0; j + 1 < k; j++)
            own -= lp[j];
        n_tok += k > 0 ? k - 1 : 0;
        free(ids);
        free(lp);
    }
    CHECKF(rc == 0, "%s", e.msg);
    own /= n_tok > 0 ? n_tok : 1;

    /* Train from random rows. */
    uint64_t before = hash_model(M);
    struct soft_prompt p = {0};
    struct tune_history h;
    struct tune_result res = {0};
    double t0 = pl_now();
    train(L, &tr, &va, n_pre, STEPS, STEPS, 3, &p, &h, &res);
    double secs = pl_now() - t0;
    CHECK(hash_model(M) == before);
    CHECK(h.n > 0 && h.pts[0].step == 0);
    float first = h.n > 0 ? h.pts[0].valid_loss : NAN;

    /* Held-out sources decode to the hard prompt's outputs. */
    match = 0;
    rc = lab_translate(L, NULL, &p, (const char *const *)held, N_VALID, &gp, out, NULL, &e);
    CHECKF(rc == 0, "%s", e.msg);
    if (rc) {
        remove_dir(dir);
        TEST_END();
    }
    for (int i = 0; i < N_VALID; i++)
        match += strcmp(out[i], want[i]) == 0;
    /* The rows learned the hard prompt's tokens: nearest vocabulary rows. */
    struct soft_neighbor nb[2];
    CHECK(soft_nearest(p.w, p.n_tokens, d, lab_vocab(L), 1, nb, &e) == 0);
    printf("prompt tuning: %d steps in %.1f s; valid loss %.3f -> %.3f (the hard prompt's own "
           "rows: %.3f); exact match with the hard prompt's outputs on %d held-out sources: "
           "%d/%d = %.0f%% (no prompt: %d/%d); rows nearest '%s' (%.2f) '%s' (%.2f), the hard "
           "prompt's '%s' '%s'\n",
           res.steps_done, secs, first, res.best_valid_loss, own, N_VALID, match, N_VALID,
           100.0 * match / N_VALID, base, N_VALID, tok_piece(T, nb[0].id), nb[0].score,
           tok_piece(T, nb[1].id), nb[1].score, tok_piece(T, pre[0]), tok_piece(T, pre[1]));
    /* Measured 72-117x; 10x leaves room. */
    CHECKF(res.best_valid_loss < first / 10, "valid loss %g -> %g", first, res.best_valid_loss);
    /* Measured 74-91%. The baseline is 0, so 60% is far above it, and far
     * below what a working prompt tuner reaches here. */
    CHECKF(match >= N_VALID * 6 / 10, "only %d of %d match", match, N_VALID);
    for (int i = 0; i < 2; i++)
        CHECKF(nb[i].id == pre[i] && nb[i].score > 0.9f, "row %d nearest '%s' (%.2f), want '%s'", i,
               tok_piece(T, nb[i].id), nb[i].score, tok_piece(T, pre[i]));

    /* Same seed, same prompt, bit for bit (a short run: the code path is
     * the same, including a validation on the way). */
    struct soft_prompt a = {0}, b = {0};
    struct tune_history ha, hb;
    struct tune_result ra = {0}, rb = {0};
    train(L, &tr, &va, n_pre, 20, 10, 9, &a, &ha, &ra);
    train(L, &tr, &va, n_pre, 20, 10, 9, &b, &hb, &rb);
    CHECK(a.w && b.w && memcmp(a.w, b.w, sizeof(float) * (size_t)(a.n_tokens * a.d)) == 0);
    CHECK(ha.n == hb.n && ha.n > 0 && ha.pts[ha.n - 1].valid_loss == hb.pts[hb.n - 1].valid_loss);

    /* Save, load, translate again: identical outputs. */
    char pdir[1100];
    snprintf(pdir, sizeof pdir, "%s/prompt", dir);
    CHECKF(soft_save(pdir, &p, NULL, &e) == 0, "%s", e.msg);
    struct soft_prompt q = {0};
    CHECKF(soft_load(pdir, d, &q, NULL, &e) == 0, "%s", e.msg);
    char *out2[N_VALID];
    rc = lab_translate(L, NULL, &q, (const char *const *)held, N_VALID, &gp, out2, NULL, &e);
    CHECKF(rc == 0, "%s", e.msg);
    for (int i = 0; i < N_VALID; i++) {
        if (rc == 0) {
            CHECK_STR(out2[i], out[i]);
            free(out2[i]);
        }
        free(out[i]);
    }
    soft_prompt_free(&q);
    soft_prompt_free(&p);
    soft_prompt_free(&a);
    soft_prompt_free(&b);
    tune_history_free(&h);
    tune_history_free(&ha);
    tune_history_free(&hb);
    for (int i = 0; i < n; i++) {
        free(src[i]);
        free(tgt[i]);
    }
    free(pre);
    lab_close(L);
    remove_dir(dir);
    TEST_END();
}
