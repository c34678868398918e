/* test_tui_workers.c - the TUI's two kinds of worker thread on a small
 * random model, without a terminal.
 *
 * Decoding worker: a job's cells equal what lab_translate gives directly
 * (hard, soft and no prompt), with chrF against the references; a nearest-
 * token job equals soft_nearest; an urgent job overtakes a long one;
 * releasing a job mid-way cancels it and the worker carries on.
 * Training runs: a run publishes one curve point per step, its best prompt
 * and melt records, and saves the best prompt where it says; stop, pause
 * and a bad data file behave; the class-label and text initialisers. */
#include "test.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "app/tui_impl.h"
#include "promptlab/metrics.h"

static void nap_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Poll a job until finished (or timeout seconds); true when it finished. */
static bool wait_job(struct tui_job *j, double timeout)
{
    double end = pl_now() + timeout;
    while (pl_now() < end) {
        tui_job_sync(j);
        if (tui_job_view(j)->finished)
            return true;
        nap_ms(2);
    }
    return false;
}

static bool wait_run(struct tui_run *r, double timeout)
{
    double end = pl_now() + timeout;
    while (pl_now() < end && tui_run_active(r))
        nap_ms(10);
    tui_run_join(r);
    return !tui_run_active(r);
}

static void test_translate(struct lab *L, struct tui_worker *w)
{
    const char *texts[] = {"The cat is sleeping.", "Hello there", "Where is the market?"};
    const char *refs[] = {"Con mèo đang ngủ.", NULL, "Chợ ở đâu?"};
    struct soft_prompt sp;
    struct pl_err e = {0};
    CHECK(soft_prompt_init(&sp, 4, t5_model_config(lab_model(L))->d_model, &e) == 0);
    soft_fill_random(&sp, 3);
    struct tui_translate_spec s = {
        .n_var = 3,
        .hard = {"translate English to German: {source}", NULL, NULL},
        .soft = {NULL, &sp, NULL},
        .texts = texts,
        .refs = refs,
        .n_rows = 3,
        .max_new_tokens = 8,
    };
    struct tui_job *j = tui_job_translate(w, &s);
    CHECK(j != NULL);
    if (!j)
        return;
    int last_done = 0;
    bool monotone = true;
    double end = pl_now() + 60;
    while (pl_now() < end) {
        tui_job_sync(j);
        const struct tui_job_view *v = tui_job_view(j);
        monotone &= v->n_done >= last_done;
        last_done = v->n_done;
        if (v->finished)
            break;
        nap_ms(1);
    }
    const struct tui_job_view *v = tui_job_view(j);
    CHECK(v->finished);
    CHECK(monotone);
    CHECK_INT(v->n_done, 9);
    struct t5_gen_params gp;
    t5_gen_params_default(&gp);
    gp.max_new_tokens = 8;
    for (int var = 0; var < 3; var++) {
        char *out[3] = {0};
        int rc = lab_translate(L, s.hard[var], s.soft[var], texts, 3, &gp, out, NULL, &e);
        CHECKF(rc == 0, "%s", e.msg);
        for (int r = 0; r < 3 && rc == 0; r++) {
            int cell = r * 3 + var;
            CHECK_INT(v->state[cell], TUI_CELL_DONE);
            CHECKF(v->out[cell] && strcmp(v->out[cell], out[r]) == 0, "row %d variant %d: [%s] vs [%s]",
                   r, var, v->out[cell] ? v->out[cell] : "(null)", out[r]);
            if (refs[r])
                CHECK_NEAR(v->score[cell], metric_chrf_sentence(out[r], refs[r]), 1e-5);
            else
                CHECK(isnan(v->score[cell]));
        }
        for (int r = 0; r < 3; r++)
            free(out[r]);
        /* each cell's confidence and guessed words are its tokens' */
        struct lab_output lo[3] = {{0}};
        struct t5_gen_params lgp; /* the worker decodes as promptlab does everywhere */
        lab_gen_params_default(&lgp);
        lgp.max_new_tokens = 8;
        rc = lab_translate_tokens(L, s.hard[var], s.soft[var], texts, 3, &lgp, lo, NULL, &e);
        CHECKF(rc == 0, "%s", e.msg);
        for (int r = 0; r < 3 && rc == 0; r++) {
            int cell = r * 3 + var;
            double sum = 0;
            for (int k = 0; k < lo[r].n; k++)
                sum += lo[r].logp[k];
            if (lo[r].n > 0)
                CHECK_NEAR(v->conf[cell], exp(sum / lo[r].n), 1e-5);
            float wp[64];
            int nw = lab_output_word_probs(L, &lo[r], wp, 64);
            if (nw > 0) {
                CHECKF(v->low[cell] && (int)strlen(v->low[cell]) == nw, "row %d: flags %s",
                       r, v->low[cell] ? v->low[cell] : "(null)");
                for (int k = 0; v->low[cell] && k < nw; k++)
                    CHECK(v->low[cell][k] == (wp[k] < LAB_LOW_CONFIDENCE ? '1' : '0'));
            }
            lab_output_free(&lo[r]);
        }
    }
    tui_job_release(j);

    /* words from tokens: "The cat sleeps." as the model might write it,
     * each word as sure as its least likely piece */
    const tok *tk = lab_tok(L);
    int *ids = NULL, n_ids = 0;
    const char *text = "The cats are sleeping, said Ann.";
    CHECK(tok_encode(tk, text, strlen(text), 0, &ids, &n_ids, &e) == 0 && n_ids > 0);
    float logp[64], want[16];
    int n_words = 0;
    static const char spc[] = "\xe2\x96\x81";
    for (int i = 0; i < n_ids && i < 64; i++) {
        const char *pc = tok_piece(tk, ids[i]);
        float pr = 0.9f - 0.13f * (float)(i % 7); /* 0.9 .. 0.12 */
        logp[i] = logf(pr);
        if (i == 0 || strncmp(pc, spc, 3) == 0) {
            if (strcmp(pc, spc) == 0) /* a lone space piece opens the next */
                continue;
            want[n_words++] = pr;
        } else if (n_words > 0 && pr < want[n_words - 1]) {
            want[n_words - 1] = pr;
        }
    }
    char *dec = NULL;
    CHECK(tok_decode(tk, ids, n_ids, 0, &dec, &e) == 0);
    struct lab_output o = {dec, n_ids, ids, logp};
    float got[16];
    int nw = lab_output_word_probs(L, &o, got, 16);
    CHECKF(nw == 6 && n_words == 6, "%d words (want 6), %d opened; text [%s]", nw, n_words,
           dec ? dec : "");
    for (int k = 0; k < nw && k < n_words; k++)
        CHECK_NEAR(got[k], want[k], 1e-6);
    CHECK(lab_output_word_probs(L, &o, got, 3) == -1); /* too little room */
    char two[] = "The cats"; /* words and tokens disagree */
    o.text = two;
    CHECK(lab_output_word_probs(L, &o, got, 16) == -1);
    o.text = dec;
    {
        double sum = 0;
        for (int i = 0; i < n_ids; i++)
            sum += logp[i];
        CHECK_NEAR(lab_output_confidence(&o), exp(sum / n_ids), 1e-6);
    }
    o.n = 0;
    CHECK(isnan(lab_output_confidence(&o)));
    free(dec);
    free(ids);

    /* zero rows: finished at once */
    s.n_rows = 0;
    j = tui_job_translate(w, &s);
    CHECK(j && tui_job_view(j)->finished);
    tui_job_release(j);
    soft_prompt_free(&sp);
}

static void test_priority_and_cancel(struct tui_worker *w)
{
    enum { N = 24 };
    const char *texts[N];
    for (int i = 0; i < N; i++)
        texts[i] = i % 2 ? "a small green house" : "the river sings to the moon";
    struct tui_translate_spec s = {.n_var = 1, .texts = texts, .n_rows = N, .max_new_tokens = 16};
    struct tui_job *slow = tui_job_translate(w, &s);
    struct tui_translate_spec u = {.n_var = 1, .texts = texts, .n_rows = 1, .max_new_tokens = 4,
                                   .priority = 1};
    struct tui_job *urgent = tui_job_translate(w, &u);
    CHECK(slow && urgent);
    if (!slow || !urgent)
        return;
    CHECK(wait_job(urgent, 60));
    tui_job_sync(slow);
    CHECKF(!tui_job_view(slow)->finished, "the urgent job waited for all %d rows", N);
    /* cancel the slow one halfway: the worker must go on with new work */
    tui_job_release(slow);
    tui_job_release(urgent);
    struct tui_job *after = tui_job_translate(w, &u);
    CHECK(after && wait_job(after, 60));
    tui_job_release(after);
}

static void test_nearest(struct lab *L, struct tui_worker *w)
{
    const struct soft_vocab *v = lab_vocab(L);
    int d = v->d;
    float *rows = malloc(sizeof *rows * 3 * (size_t)d);
    struct pl_rng r;
    pl_rng_seed(&r, 9);
    for (int i = 0; i < 3 * d; i++)
        rows[i] = pl_rng_normal(&r);
    memcpy(rows + d, v->emb + (size_t)1000 * d, sizeof *rows * (size_t)d); /* a real token */
    struct tui_job *j = tui_job_nearest(w, rows, 3, d, 4);
    CHECK(j && wait_job(j, 60));
    struct soft_neighbor want[12];
    CHECK(soft_nearest(rows, 3, d, v, 4, want, NULL) == 0);
    const struct tui_job_view *jv = tui_job_view(j);
    CHECK(jv->nb != NULL);
    for (int i = 0; jv->nb && i < 12; i++) {
        CHECK_INT(jv->nb[i].id, want[i].id);
        CHECK_NEAR(jv->nb[i].score, want[i].score, 1e-6);
    }
    if (jv->nb)
        CHECK_INT(jv->nb[4].id, 1000); /* row 1 is token 1000 itself */
    tui_job_release(j);
    free(rows);
    CHECK(tui_job_nearest(w, NULL, 0, d, 4) == NULL);
}

static void write_data(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    const char *pairs[][2] = {
        {"The cat is sleeping.", "Con mèo đang ngủ."},  {"I like green tea.", "Tôi thích trà xanh."},
        {"Where is the market?", "Chợ ở đâu?"},          {"The house is big.", "Ngôi nhà to."},
        {"We go home.", "Chúng tôi về nhà."},            {"The dog runs.", "Con chó chạy."},
        {"It is raining.", "Trời đang mưa."},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++)
        fprintf(f, "{\"source\": \"%s\", \"target\": \"%s\"}\n", pairs[i][0], pairs[i][1]);
    fclose(f);
}

static struct tui_run_cfg base_cfg(const char *data)
{
    struct tui_run_cfg c;
    memset(&c, 0, sizeof c);
    snprintf(c.data, sizeof c.data, "%s", data);
    c.length = 4;
    c.init = SOFT_INIT_VOCAB;
    c.opt = OPTIM_ADAFACTOR;
    c.lr = 0.3f;
    c.steps = 10;
    c.batch = 2;
    c.seed = 1;
    return c;
}

static void test_runs(struct lab *L, const char *dir)
{
    char data[1024], root[1024];
    snprintf(data, sizeof data, "%s/data.jsonl", dir);
    snprintf(root, sizeof root, "%s/runs", dir);
    write_data(data);
    struct pl_err e = {0};
    int d = t5_model_config(lab_model(L))->d_model;

    /* a complete run */
    struct tui_run_cfg c = base_cfg(data);
    struct tui_run *r = NULL;
    CHECKF(tui_run_start(&r, L, &c, root, 1, &e) == 0, "%s", e.msg);
    if (!r)
        return;
    CHECK_INT(tui_run_id(r), 1);
    CHECK(wait_run(r, 120));
    const struct tui_run_view *v = tui_run_view(r);
    /* validation decodes through lab_translate, which drops the embedding
     * rows past the tokenizer, so a random model's run finishes too */
    CHECKF(v->state == TUI_RUN_DONE, "state %d: %s", v->state, v->msg);
    CHECK_INT(v->n_pts, 11);
    for (int i = 0; i < v->n_pts; i++)
        CHECK_INT(v->pts[i].step, i);
    CHECK(v->n_rows == 4 && v->d == d);
    CHECK(v->cur && v->best && v->w0);
    CHECK(v->n_melt >= 2);
    CHECK(v->start_ids && v->start_ids[0] >= 0);
    CHECK(v->saved_step >= 0);
    CHECK_INT(v->n_train, 6);
    CHECK_INT(v->n_valid, 1);
    char cfgpath[PATH_MAX + 32];
    snprintf(cfgpath, sizeof cfgpath, "%s/adapter_config.json", v->dir);
    CHECKF(access(cfgpath, R_OK) == 0, "%s", cfgpath);
    struct soft_prompt back;
    CHECKF(soft_load(v->dir, d, &back, NULL, &e) == 0, "%s", e.msg);
    if (back.w) {
        CHECK(memcmp(back.w, v->best, sizeof(float) * 4 * (size_t)d) == 0);
        CHECK(memcmp(back.w0, v->w0, sizeof(float) * 4 * (size_t)d) == 0);
    }
    soft_prompt_free(&back);
    char other[1100];
    snprintf(other, sizeof other, "%s/saved-as", dir);
    CHECKF(tui_run_save_to(r, other, &e) == 0, "%s", e.msg);
    CHECKF(soft_load(other, d, &back, NULL, &e) == 0, "%s", e.msg);
    if (back.w)
        CHECK(memcmp(back.w, v->best, sizeof(float) * 4 * (size_t)d) == 0);
    soft_prompt_free(&back);
    char desc[64];
    tui_run_describe(tui_run_config(r), desc, sizeof desc);
    CHECK_STR(desc, "vocab");
    tui_run_free(r);

    /* stop, pause, resume */
    c = base_cfg(data);
    c.steps = 100000;
    r = NULL;
    CHECK(tui_run_start(&r, L, &c, root, 2, &e) == 0);
    if (!r)
        return;
    double end = pl_now() + 60;
    while (pl_now() < end && tui_run_view(r)->step < 2) {
        tui_run_sync(r);
        nap_ms(5);
    }
    tui_run_pause(r, true);
    CHECK(tui_run_paused(r));
    /* The step in progress may still finish (a busy machine can make it
     * slow, so no sleep is long enough to wait it out), but no step after
     * it: a paused run that kept going would do many in a second. */
    tui_run_sync(r);
    int at = tui_run_view(r)->step;
    nap_ms(1000);
    tui_run_sync(r);
    CHECKF(tui_run_view(r)->step <= at + 1, "paused at step %d, now at %d", at,
           tui_run_view(r)->step);
    tui_run_pause(r, false);
    end = pl_now() + 60;
    while (pl_now() < end && tui_run_view(r)->step <= at) {
        tui_run_sync(r);
        nap_ms(5);
    }
    CHECK(tui_run_view(r)->step > at);
    tui_run_request_save(r);
    end = pl_now() + 60;
    while (pl_now() < end && !strstr(tui_run_view(r)->msg, "saved the best prompt")) {
        tui_run_sync(r);
        nap_ms(5);
    }
    CHECKF(strstr(tui_run_view(r)->msg, "saved the best prompt") != NULL, "%s", tui_run_view(r)->msg);
    tui_run_stop(r);
    CHECK(wait_run(r, 60));
    v = tui_run_view(r);
    CHECK_INT(v->state, TUI_RUN_STOPPED);
    CHECK(v->step < 100000);
    CHECK(v->saved_step >= 0);
    CHECK(strstr(v->msg, "saved in") != NULL);
    tui_run_free(r);

    /* a missing file fails with its name */
    c = base_cfg("/nonexistent/data.jsonl");
    r = NULL;
    CHECK(tui_run_start(&r, L, &c, root, 3, &e) == 0);
    if (r) {
        CHECK(wait_run(r, 30));
        CHECK_INT(tui_run_view(r)->state, TUI_RUN_FAILED);
        CHECK(strstr(tui_run_view(r)->msg, "/nonexistent/data.jsonl") != NULL);
        tui_run_free(r);
    }

    /* text init: each row starts at the text's tokens (cycled) */
    c = base_cfg(data);
    c.init = SOFT_INIT_TEXT;
    snprintf(c.init_arg, sizeof c.init_arg, "translate English to German:");
    c.steps = 2;
    r = NULL;
    CHECK(tui_run_start(&r, L, &c, root, 4, &e) == 0);
    if (r) {
        CHECK(wait_run(r, 60));
        v = tui_run_view(r);
        int *ids = NULL, n = 0;
        CHECK(tok_encode(lab_tok(L), c.init_arg, strlen(c.init_arg), 0, &ids, &n, NULL) == 0);
        for (int i = 0; i < 4 && v->start_ids && ids; i++)
            CHECK_INT(v->start_ids[i], ids[i % n]);
        free(ids);
        tui_run_describe(tui_run_config(r), desc, sizeof desc);
        CHECK(strncmp(desc, "text:translate", 14) == 0);
        tui_run_free(r);
    }
}

static void test_prompt_init(struct lab *L)
{
    int d = t5_model_config(lab_model(L))->d_model;
    struct soft_prompt p;
    struct pl_err e = {0};
    CHECK(soft_prompt_init(&p, 5, d, &e) == 0);
    CHECKF(tr_prompt_init(L, SOFT_INIT_LABELS, "house, river", 1, &p, &e) == 0, "%s", e.msg);
    CHECK_INT(p.init, SOFT_INIT_LABELS);
    CHECKF(tr_prompt_init(L, SOFT_INIT_LABELS, "house river cat", 1, &p, &e) == 0, "%s", e.msg);
    CHECK(tr_prompt_init(L, SOFT_INIT_LABELS, " , ", 1, &p, &e) == PL_EINVAL);
    CHECK(tr_prompt_init(L, SOFT_INIT_LABELS, "a b c d e f", 1, &p, &e) == PL_EINVAL);
    CHECK(tr_prompt_init(L, SOFT_INIT_TEXT, "", 1, &p, &e) == PL_EINVAL);
    CHECK(tr_prompt_init(L, SOFT_INIT_TEXT, "bad \xff", 1, &p, &e) == PL_EINVAL);
    CHECK(tr_prompt_init(L, SOFT_INIT_RANDOM, NULL, 1, &p, &e) == 0);
    CHECK(tr_prompt_init(L, SOFT_INIT_IMPORTED, NULL, 1, &p, &e) == PL_EINVAL);
    soft_prompt_free(&p);
}

int main(void)
{
    const char *td = getenv("TESTDATA") ? getenv("TESTDATA") : "tests/data";
    const char *tools = getenv("TOOLS") ? getenv("TOOLS") : "build/release/tests/tools";
    char dir[] = "/tmp/pl_tui_workers_XXXXXX", cmd[4096], mdir[1100];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(cmd, sizeof cmd, "%s/mkmodel %s/m %s/t5/tokenizer.json gated 7 >/dev/null", tools, dir, td);
    CHECKF(system(cmd) == 0, "%s", cmd);
    snprintf(mdir, sizeof mdir, "%s/m", dir);
    struct lab *L = NULL;
    struct pl_err e = {0};
    CHECKF(lab_open(mdir, &L, &e) == 0, "%s", e.msg);
    if (L) {
        struct tui_worker *w = NULL;
        CHECKF(tui_worker_start(&w, L, &e) == 0, "%s", e.msg);
        if (w) {
            CHECK_INT(tui_worker_seq(w), 0);
            test_translate(L, w);
            CHECK(tui_worker_seq(w) > 0);
            test_priority_and_cancel(w);
            test_nearest(L, w);
            /* jobs left unfinished when the worker goes */
            const char *t1[] = {"one", "two", "three"};
            struct tui_translate_spec s = {.n_var = 1, .texts = t1, .n_rows = 3};
            struct tui_job *left = tui_job_translate(w, &s);
            tui_job_release(left);
            tui_worker_free(w);
        }
        test_runs(L, dir);
        test_prompt_init(L);
        lab_close(L);
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    TEST_END();
}
