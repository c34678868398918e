/* test_trainer.c - the trainer (trainer.h) on small random models, without
 * a terminal:
 *   - the same settings through `promptlab tune` (cmd_tune) and through the
 *     TUI's training worker (tui_run) give the same prompt, and the same
 *     tuned model, bit for bit;
 *   - a run stopped and resumed from its checkpoint equals an uninterrupted
 *     one bit for bit (values, best values, optimiser moments, curve), for
 *     every optimiser, for prompt and model tuning; without the checkpoint's
 *     moments it does not (the check can fail);
 *   - a tiny pre-training run checkpoints and resumes bit for bit, moments
 *     included, and skips pairs over the length limits;
 *   - prompt tuning leaves the frozen model's weights bit for bit unchanged,
 *     model tuning changes them (in its own copy) and fits a small task the
 *     frozen model cannot do;
 *   - the one rule each for the validation split and class labels. */
#include "test.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "app/app_impl.h"
#include "app/tui_impl.h"
#include "promptlab/metrics.h"
#include "promptlab/safetensors.h"
#include "promptlab/trainer.h"

static char dir[] = "/tmp/pl_trainer_XXXXXX";
static char mdir[1100], data[1100], cls[1100];

static void nap_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void path(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/%s", dir, name);
}

static bool files_equal(const char *a, const char *b)
{
    char *x = NULL, *y = NULL;
    size_t nx = 0, ny = 0;
    bool same = pl_read_file(a, &x, &nx, NULL) == 0 && pl_read_file(b, &y, &ny, NULL) == 0 &&
                nx == ny && memcmp(x, y, nx) == 0;
    free(x), free(y);
    return same;
}

/* Every tensor of two checkpoints whose name starts with one of the
 * prefixes is present in both and equal bit for bit; *count receives how
 * many were compared. */
static bool checkpoints_equal(const char *da, const char *db, int *count)
{
    char pa[1200], pb[1200];
    snprintf(pa, sizeof pa, "%s/checkpoint/trainer.safetensors", da);
    snprintf(pb, sizeof pb, "%s/checkpoint/trainer.safetensors", db);
    st_file *a = NULL, *b = NULL;
    bool same = st_open(pa, &a, NULL) == 0 && st_open(pb, &b, NULL) == 0 && st_count(a) == st_count(b);
    *count = 0;
    for (int i = 0; same && i < st_count(a); i++) {
        const struct st_tensor *x = st_at(a, i), *y = st_find(b, x->name);
        same = y && x->n_elems == y->n_elems && memcmp(x->data, y->data, x->n_elems * sizeof(float)) == 0;
        if (!same)
            fprintf(stderr, "checkpoint tensor %s differs\n", x->name);
        (*count)++;
    }
    const char *sa = a ? st_metadata(a, "step") : NULL, *sb = b ? st_metadata(b, "step") : NULL;
    same = same && sa && sb && strcmp(sa, sb) == 0;
    st_close(a);
    st_close(b);
    return same;
}

static void write_file(const char *p, const char *text)
{
    FILE *f = fopen(p, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void write_data(void)
{
    static const char *const words[] = {"house", "cat", "dog", "tree", "river", "green",
                                        "small", "happy", "bird", "moon", "sun", "water"};
    FILE *f = fopen(data, "w");
    for (int i = 0; f && i < 12; i++)
        fprintf(f, "{\"source\": \"the %s\", \"target\": \"das %s\"}\n", words[i], words[i]);
    if (f)
        fclose(f);
    static const char *const kinds[][2] = {
        {"cat", "animal"}, {"dog", "animal"}, {"bird", "animal"},  {"fish", "animal"},
        {"horse", "animal"}, {"tree", "plant"}, {"flower", "plant"}, {"grass", "plant"},
        {"rose", "plant"}, {"car", "machine"}, {"bus", "machine"}, {"plane", "machine"}};
    f = fopen(cls, "w");
    for (int i = 0; f && i < 12; i++)
        fprintf(f, "{\"source\": \"the %s\", \"target\": \"%s\"}\n", kinds[i][0], kinds[i][1]);
    if (f)
        fclose(f);
}

/* ---- runs ---------------------------------------------------------------- */

struct stopper {
    atomic_int stop;
    int at;
    int progress_calls, rows_seen;
};

static void stop_at(void *user, const struct tr_progress *p)
{
    struct stopper *s = user;
    s->progress_calls++;
    s->rows_seen += p->rows != NULL;
    if (s->at > 0 && p->tp.pt.step == s->at)
        atomic_store(&s->stop, 1);
}

/* Train with p; stop after step `at` when at > 0. Returns tr_run's code. */
static int run(const struct lab *L, const struct tr_params *p, int at, struct stopper *st_out)
{
    struct pl_err e = {0};
    trainer *t = NULL;
    int rc = tr_init(&t, L, p, &e);
    CHECKF(rc == 0, "tr_init: %s", e.msg);
    if (rc)
        return rc;
    struct stopper st = {.at = at};
    struct tr_control ctl = {.stop = &st.stop, .progress = stop_at, .user = &st};
    struct tr_result res;
    rc = tr_run(t, &ctl, &res, &e);
    CHECKF(rc == 0 || (at > 0 && rc == PL_ESTOPPED), "tr_run: %d %s", rc, e.msg);
    CHECKF(res.save_error[0] == '\0', "%s", res.save_error);
    CHECK(res.checkpointed && res.saved_step >= 0 && res.saved_bytes > 0);
    if (st_out)
        *st_out = st;
    tr_free(t);
    return rc;
}

static void base_params(struct tr_params *p, enum tr_method m, enum optim_kind k, const char *out)
{
    tr_params_default(p, m);
    tr_set_optimizer(p, k);
    p->train = data;
    p->length = 4;
    p->tune.steps = 12;
    p->tune.batch = 4;
    p->tune.eval_every = 4;
    p->tune.seed = 5;
    p->out = out;
}

/* ---- the same recipe under the CLI and the TUI ------------------------------ */

static bool wait_run(struct tui_run *r, double timeout)
{
    double end = pl_now() + timeout;
    while (pl_now() < end && tui_run_active(r))
        nap_ms(10);
    tui_run_join(r);
    return !tui_run_active(r);
}

static void same_front_ends(const struct lab *L, enum tr_method m, int id)
{
    char out[1200], root[1200], file[1300], other[4400];
    snprintf(out, sizeof out, "%s/cli-%d", dir, id);
    path(root, sizeof root, "runs");
    const char *args[] = {"tune", "--model", mdir, "--data", data, "--out", out, "--length", "4",
                    "--steps", "10", "--batch", "2", "--seed", "3", "--init", "labels:house river",
                    "--optimizer", "adam", "--lr", "0.01", "--method",
                    m == TR_MODEL ? "model" : "prompt", NULL};
    char *argv[24];
    for (int i = 0; i < 24; i++)
        argv[i] = (char *)args[i]; /* getopt permutes the pointers, never the strings */
    CHECK_INT(cmd_tune(23, argv), 0);

    struct tui_run_cfg c;
    memset(&c, 0, sizeof c);
    c.method = m;
    snprintf(c.data, sizeof c.data, "%s", data);
    c.length = 4;
    c.init = SOFT_INIT_LABELS;
    snprintf(c.init_arg, sizeof c.init_arg, "house river");
    c.opt = OPTIM_ADAM;
    c.lr = 0.01f;
    c.steps = 10;
    c.batch = 2;
    c.seed = 3;
    struct tui_run *r = NULL;
    struct pl_err e = {0};
    CHECKF(tui_run_start(&r, L, &c, root, id, &e) == 0, "%s", e.msg);
    if (!r)
        return;
    CHECK(wait_run(r, 120));
    const struct tui_run_view *v = tui_run_view(r);
    CHECKF(v->state == TUI_RUN_DONE, "state %d: %s", v->state, v->msg);
    const char *f = m == TR_MODEL ? "model.safetensors" : "adapter_model.safetensors";
    snprintf(file, sizeof file, "%s/%s", out, f);
    snprintf(other, sizeof other, "%s/%s", v->dir, f);
    CHECKF(files_equal(file, other), "%s: %s and %s differ", tr_method_name(m), file, other);
    CHECK(v->n_trained > 0 && v->n_model >= v->n_trained);
    CHECK(m == TR_MODEL ? v->n_rows == 0 && !v->cur : v->n_rows == 4 && v->cur != NULL);
    tui_run_free(r);
}

/* ---- resuming ------------------------------------------------------------------ */

static void resume_case(const struct lab *L, enum tr_method m, enum optim_kind k, float momentum,
                        const char *name)
{
    char a[1200], b[1200], fa[1300], fb[1300];
    snprintf(a, sizeof a, "%s/full-%s-%s", dir, tr_method_name(m), name);
    snprintf(b, sizeof b, "%s/part-%s-%s", dir, tr_method_name(m), name);
    struct tr_params p;
    base_params(&p, m, k, a);
    p.tune.opt.momentum = momentum;
    p.tune.opt.schedule = OPTIM_WARMUP_COSINE;
    p.tune.opt.warmup_steps = 2;
    p.tune.opt.total_steps = 12;
    run(L, &p, 0, NULL);
    p.out = b;
    CHECK_INT(run(L, &p, 7, NULL), PL_ESTOPPED);
    p.resume = b;
    CHECK_INT(run(L, &p, 0, NULL), 0);
    const char *f = m == TR_MODEL ? "model.safetensors" : "adapter_model.safetensors";
    snprintf(fa, sizeof fa, "%s/%s", a, f);
    snprintf(fb, sizeof fb, "%s/%s", b, f);
    CHECKF(files_equal(fa, fb), "%s %s: the resumed run saved another result", tr_method_name(m), name);
    int n = 0;
    CHECKF(checkpoints_equal(a, b, &n), "%s %s: the final checkpoints differ", tr_method_name(m), name);
    CHECK(n >= 3); /* values, best, history at least */
}

/* The check can fail: a prompt resumed without its checkpoint continues
 * with fresh moments, and Adam then takes other steps. */
static void resume_negative(const struct lab *L)
{
    char a[1200], b[1200], ck[1300], moved[1300];
    path(a, sizeof a, "full-prompt-adam");
    path(b, sizeof b, "fresh");
    struct tr_params p;
    base_params(&p, TR_PROMPT, OPTIM_ADAM, b);
    p.tune.opt.schedule = OPTIM_WARMUP_COSINE;
    p.tune.opt.warmup_steps = 2;
    p.tune.opt.total_steps = 12;
    CHECK_INT(run(L, &p, 7, NULL), PL_ESTOPPED);
    snprintf(ck, sizeof ck, "%s/checkpoint", b);
    snprintf(moved, sizeof moved, "%s/old-checkpoint", dir);
    CHECK(rename(ck, moved) == 0);
    p.resume = b;
    struct pl_err e = {0};
    trainer *t = NULL;
    CHECKF(tr_init(&t, L, &p, &e) == 0, "%s", e.msg);
    CHECK(t && tr_get_info(t)->fresh_moments && tr_get_info(t)->start_step == 7);
    tr_free(t);
    run(L, &p, 0, NULL);
    int n;
    CHECK(!checkpoints_equal(a, b, &n));
}

/* ---- pre-training ------------------------------------------------------------------ */

static void pretrain_params(struct tr_params *p, const char *tokdir, const char *out)
{
    char cfg[1200], corpus[1200];
    path(cfg, sizeof cfg, "tiny.config.json");
    path(corpus, sizeof corpus, "corpus.jsonl");
    static char keep_cfg[1200], keep_corpus[1200];
    snprintf(keep_cfg, sizeof keep_cfg, "%s", cfg);
    snprintf(keep_corpus, sizeof keep_corpus, "%s", corpus);
    tr_params_default(p, TR_PRETRAIN);
    p->train = keep_corpus;
    p->config = keep_cfg;
    p->tokenizer = tokdir;
    p->batch_tokens = 64;
    p->tune.steps = 10;
    p->tune.seed = 3;
    p->tune.opt.warmup_steps = 2;
    p->tune.opt.total_steps = 10;
    p->out = out;
}

static void test_pretrain(const char *tokdir)
{
    char cfg[1200], corpus[1200], a[1200], b[1200], fa[1300], fb[1300];
    path(cfg, sizeof cfg, "tiny.config.json");
    write_file(cfg, "{\"model_type\": \"t5\", \"vocab_size\": 32128, \"d_model\": 16, \"d_kv\": 8, "
                    "\"d_ff\": 32, \"num_layers\": 1, \"num_decoder_layers\": 1, \"num_heads\": 2, "
                    "\"feed_forward_proj\": \"relu\", \"tie_word_embeddings\": true}\n");
    path(corpus, sizeof corpus, "corpus.jsonl");
    FILE *f = fopen(corpus, "w");
    for (int i = 0; f && i < 40; i++)
        fprintf(f, "{\"source\": \"number %d of %d\", \"target\": \"item %d\"}\n", i, i * 7, i % 9);
    if (f) { /* one pair over the 96-token target limit */
        fputs("{\"source\": \"long\", \"target\": \"", f);
        for (int i = 0; i < 120; i++)
            fputs("word ", f);
        fputs("\"}\n", f);
        fclose(f);
    }
    path(a, sizeof a, "pre-full");
    path(b, sizeof b, "pre-part");
    struct tr_params p;
    pretrain_params(&p, tokdir, a);
    struct pl_err e = {0};
    trainer *t = NULL;
    CHECKF(tr_init(&t, NULL, &p, &e) == 0, "%s", e.msg);
    if (t) {
        CHECK_INT(tr_get_info(t)->n_skipped, 1);
        CHECK_INT(tr_get_info(t)->n_train, 40);
        CHECK_INT(tr_get_info(t)->n_valid, 0);
    }
    tr_free(t);
    run(NULL, &p, 0, NULL);
    p.out = b;
    CHECK_INT(run(NULL, &p, 4, NULL), PL_ESTOPPED);
    p.resume = b;
    CHECK_INT(run(NULL, &p, 0, NULL), 0);
    snprintf(fa, sizeof fa, "%s/model.safetensors", a);
    snprintf(fb, sizeof fb, "%s/model.safetensors", b);
    CHECKF(files_equal(fa, fb), "pre-training: the resumed model differs");
    int n = 0;
    CHECKF(checkpoints_equal(a, b, &n), "pre-training: the final checkpoints differ");
    /* Adam's two moments for every tensor are in it */
    snprintf(fa, sizeof fa, "%s/checkpoint/trainer.safetensors", b);
    st_file *s = NULL;
    CHECK(st_open(fa, &s, NULL) == 0);
    CHECK(s && st_find(s, "optim.shared.weight.m") && st_find(s, "optim.shared.weight.v"));
    st_close(s);
    /* the result opens as a model directory */
    struct lab *M = NULL;
    CHECKF(lab_open(a, &M, &e) == 0, "%s", e.msg);
    lab_close(M);
}

/* ---- what each method changes ----------------------------------------------------------- */

static float *weights_copy(const t5_model *m, size_t *n_out)
{
    int n = t5_param_list(m, t5_model_weights(m), NULL, 0);
    struct t5_param *p = calloc((size_t)n, sizeof *p);
    t5_param_list(m, t5_model_weights(m), p, n);
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += p[i].n;
    float *w = malloc(total * sizeof *w), *q = w;
    for (int i = 0; w && i < n; i++, q += p[i - 1].n)
        memcpy(q, p[i].data, p[i].n * sizeof *q);
    free(p);
    *n_out = total;
    return w;
}

static double exact_on(const char *model_dir, const char *set)
{
    struct lab *M = NULL;
    struct jsonl_set js = {0};
    if (lab_open(model_dir, &M, NULL) || jsonl_read(set, &js, NULL))
        return -1;
    const char **src = malloc(sizeof *src * (size_t)js.n), **ref = malloc(sizeof *ref * (size_t)js.n);
    char **out = calloc((size_t)js.n, sizeof *out);
    for (int i = 0; i < js.n; i++)
        src[i] = js.rec[i].source, ref[i] = js.rec[i].target;
    struct t5_gen_params gp;
    t5_gen_params_default(&gp);
    gp.max_new_tokens = 8;
    double x = lab_translate(M, NULL, NULL, src, js.n, &gp, out, NULL, NULL) == 0
                   ? metric_exact((const char *const *)out, ref, js.n)
                   : -1;
    for (int i = 0; i < js.n; i++)
        free(out[i]);
    free(out), free(src), free(ref);
    jsonl_free(&js);
    lab_close(M);
    return x;
}

static void test_methods(const struct lab *L)
{
    size_t n0, n1;
    float *before = weights_copy(lab_model(L), &n0);
    char out[1200];
    path(out, sizeof out, "frozen-prompt");
    struct tr_params p;
    base_params(&p, TR_PROMPT, OPTIM_ADAFACTOR, out);
    struct stopper st;
    run(L, &p, 0, &st);
    CHECK(st.rows_seen == st.progress_calls && st.progress_calls == 13);
    float *after = weights_copy(lab_model(L), &n1);
    CHECK(n0 == n1 && memcmp(before, after, n0 * sizeof(float)) == 0);
    free(after);

    /* model tuning on the classification set: every weight in a copy */
    path(out, sizeof out, "fit");
    base_params(&p, TR_MODEL, OPTIM_ADAM, out);
    p.train = cls;
    p.valid = cls;
    p.metric = OBJ_METRIC_EXACT;
    p.tune.opt.lr = 1e-3f;
    p.tune.steps = 24;
    p.tune.batch = 8;
    p.tune.eval_every = 8;
    struct pl_err e = {0};
    trainer *t = NULL;
    CHECKF(tr_init(&t, L, &p, &e) == 0, "%s", e.msg);
    if (t) {
        const struct tr_info *in = tr_get_info(t);
        CHECK(in->n_trained == in->n_model && (size_t)in->n_model == n0);
    }
    tr_free(t);
    run(L, &p, 0, &st);
    CHECK(st.rows_seen == 0);
    after = weights_copy(lab_model(L), &n1);
    CHECK(memcmp(before, after, n0 * sizeof(float)) == 0); /* the frozen model still is */
    free(after);
    struct lab *M = NULL;
    CHECKF(lab_open(out, &M, &e) == 0, "%s", e.msg);
    if (M) {
        after = weights_copy(lab_model(M), &n1);
        size_t changed = 0;
        for (size_t i = 0; i < n0 && n1 == n0; i++)
            changed += before[i] != after[i];
        CHECKF(changed > n0 / 2, "model tuning changed %zu of %zu weights", changed, n0);
        free(after);
        lab_close(M);
    }
    double was = exact_on(mdir, cls), now = exact_on(out, cls);
    CHECKF(was >= 0 && was < 10, "the frozen model already scores %.1f", was);
    CHECKF(now >= 90, "model tuning fits the task to %.1f only", now);
    free(before);
}

/* ---- the rules ---------------------------------------------------------------------- */

static void test_rules(struct lab *L)
{
    struct jsonl_record rec[100];
    memset(rec, 0, sizeof rec);
    struct jsonl_set tr = {rec, 1}, va;
    struct pl_err e = {0};
    CHECK(tr_split(&tr, &va, "x.jsonl", &e) == PL_EINVAL && strstr(e.msg, "give a validation file"));
    int sizes[][3] = {{2, 1, 1}, {9, 8, 1}, {100, 84, 16}, {1000, 936, 64}};
    struct jsonl_record *big = calloc(1000, sizeof *big);
    for (int i = 0; i < 4; i++) {
        tr = (struct jsonl_set){big, sizes[i][0]};
        CHECK(tr_split(&tr, &va, "x", &e) == 0 && tr.n == sizes[i][1] && va.n == sizes[i][2] &&
              va.rec == big + sizes[i][1]);
    }
    free(big);
    /* the sizes alone, as front ends show them, and the few-examples warning */
    int sizes2[][3] = {{0, 0, 0}, {1, 0, 0}, {2, 1, 1}, {29, 25, 4}, {30, 25, 5}, {60, 50, 10},
                       {65, 55, 10}, {1000, 936, 64}};
    for (int i = 0; i < 8; i++) {
        int nt = -1, nv = -1;
        tr_split_sizes(sizes2[i][0], &nt, &nv);
        CHECKF(nt == sizes2[i][1] && nv == sizes2[i][2], "%d examples: %d + %d", sizes2[i][0],
               nt, nv);
    }
    CHECK(tr_valid_too_few(0) && tr_valid_too_few(4) && !tr_valid_too_few(5) &&
          !tr_valid_too_few(64));

    int d = t5_model_config(lab_model(L))->d_model;
    struct soft_prompt sp;
    CHECK(soft_prompt_init(&sp, 3, d, NULL) == 0);
    CHECKF(tr_prompt_init(L, SOFT_INIT_LABELS, " house , river ", 1, &sp, &e) == 0, "%s", e.msg);
    CHECKF(tr_prompt_init(L, SOFT_INIT_LABELS, "house river", 1, &sp, &e) == 0, "%s", e.msg);
    CHECK(tr_prompt_init(L, SOFT_INIT_LABELS, "house,,river", 1, &sp, &e) == PL_EINVAL &&
          strstr(e.msg, "class label 2 is empty"));
    CHECK(tr_prompt_init(L, SOFT_INIT_LABELS, "house,", 1, &sp, &e) == PL_EINVAL);
    CHECK(tr_prompt_init(L, SOFT_INIT_LABELS, "a,b,c,d", 1, &sp, &e) == PL_EINVAL &&
          strstr(e.msg, "3 prompt rows"));
    CHECK(tr_prompt_init(L, SOFT_INIT_LABELS, "   ", 1, &sp, &e) == PL_EINVAL);
    soft_prompt_free(&sp);
    enum soft_init_kind k;
    const char *arg;
    CHECK(tr_init_parse("labels:a,b", &k, &arg, &e) == 0 && k == SOFT_INIT_LABELS && strcmp(arg, "a,b") == 0);
    CHECK(tr_init_parse("text:hi", &k, &arg, &e) == 0 && k == SOFT_INIT_TEXT && strcmp(arg, "hi") == 0);
    CHECK(tr_init_parse("vocab", &k, &arg, &e) == 0 && k == SOFT_INIT_VOCAB && !arg);
    CHECK(tr_init_parse("bogus", &k, &arg, &e) == PL_EINVAL);

    /* a one-example set without a validation file is refused, whoever asks */
    char one[1200];
    path(one, sizeof one, "one.jsonl");
    write_file(one, "{\"source\": \"a\", \"target\": \"b\"}\n");
    struct tr_params p;
    base_params(&p, TR_PROMPT, OPTIM_ADAFACTOR, NULL);
    p.train = one;
    trainer *t = NULL;
    CHECK(tr_init(&t, L, &p, &e) == PL_EINVAL && strstr(e.msg, "one.jsonl: 1 example is too few"));
}

int main(void)
{
    const char *td = getenv("TESTDATA") ? getenv("TESTDATA") : "tests/data";
    const char *tools = getenv("TOOLS") ? getenv("TOOLS") : "build/release/tests/tools";
    char cmd[4096], tokdir[1100];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(cmd, sizeof cmd, "%s/mkmodel %s/m %s/t5/tokenizer.json relu 3 >/dev/null", tools, dir, td);
    CHECKF(system(cmd) == 0, "%s", cmd);
    path(mdir, sizeof mdir, "m");
    path(data, sizeof data, "data.jsonl");
    path(cls, sizeof cls, "cls.jsonl");
    snprintf(tokdir, sizeof tokdir, "%s/t5", td);
    write_data();
    struct lab *L = NULL;
    struct pl_err e = {0};
    CHECKF(lab_open(mdir, &L, &e) == 0, "%s", e.msg);
    if (L) {
        test_rules(L);
        same_front_ends(L, TR_PROMPT, 1);
        same_front_ends(L, TR_MODEL, 2);
        resume_case(L, TR_PROMPT, OPTIM_ADAFACTOR, 0, "adafactor");
        resume_case(L, TR_PROMPT, OPTIM_ADAM, 0, "adam");
        resume_case(L, TR_PROMPT, OPTIM_SGD, 0.9f, "sgd");
        resume_case(L, TR_MODEL, OPTIM_ADAFACTOR, 0, "adafactor");
        resume_case(L, TR_MODEL, OPTIM_ADAM, 0, "adam");
        resume_negative(L);
        test_methods(L);
        lab_close(L);
    }
    test_pretrain(tokdir);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    TEST_END();
}
