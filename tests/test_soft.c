/* test_soft.c - soft prompt initialisers, nearest tokens against a naive
 * loop, PEFT-layout save/load (including PEFT-made files and failures that
 * must not destroy a good save), .npy import. */
#include "test.h"

#include <cJSON.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "promptlab/npy.h"
#include "promptlab/safetensors.h"
#include "promptlab/soft.h"

enum { V = 7000, D = 8 };

static float *emb;       /* [V, D]; column 0 holds the id */
static bool ordinary[V]; /* 0-2 special, every 97th a sentinel, >= 6500 padding */
static struct soft_vocab vocab;
static char tmpdir[256];

static void setup(void)
{
    emb = malloc((size_t)V * D * sizeof(float));
    struct pl_rng r;
    pl_rng_seed(&r, 7);
    for (int i = 0; i < V; i++) {
        emb[(size_t)i * D] = (float)i;
        for (int j = 1; j < D; j++)
            emb[(size_t)i * D + j] = pl_rng_normal(&r);
        ordinary[i] = i > 2 && i % 97 != 0 && i < 6500;
    }
    vocab.emb = emb;
    vocab.n_rows = V;
    vocab.d = D;
    vocab.ordinary = ordinary;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/pl_test_soft.%ld", (long)getpid());
    mkdir(tmpdir, 0755);
}

static int row_id(const float *row) { return (int)row[0]; }

static bool row_is(const float *row, int id)
{
    return memcmp(row, emb + (size_t)id * D, D * sizeof(float)) == 0;
}

static void test_random(void)
{
    struct soft_prompt a, b;
    CHECK(soft_prompt_init(&a, 20, 16, NULL) == 0);
    CHECK(soft_prompt_init(&b, 20, 16, NULL) == 0);
    soft_fill_random(&a, 5);
    soft_fill_random(&b, 5);
    int in_range = 1;
    double mean = 0;
    for (int i = 0; i < 320; i++) {
        in_range &= a.w[i] >= -0.5f && a.w[i] < 0.5f;
        mean += a.w[i];
    }
    CHECK(in_range);
    CHECK(fabs(mean / 320) < 0.05);
    CHECK(memcmp(a.w, b.w, 320 * sizeof(float)) == 0);
    CHECK(memcmp(a.w, a.w0, 320 * sizeof(float)) == 0);
    CHECK(a.init == SOFT_INIT_RANDOM && a.seed == 5);
    soft_fill_random(&b, 6);
    CHECK(memcmp(a.w, b.w, 320 * sizeof(float)) != 0);
    soft_prompt_free(&a);
    soft_prompt_free(&b);
    soft_prompt_free(NULL);
    struct pl_err e = {0};
    CHECK(soft_prompt_init(&a, 0, 16, &e) == PL_EINVAL);
}

static void test_vocab(void)
{
    struct soft_prompt p;
    struct pl_err e = {0};
    CHECK(soft_prompt_init(&p, 100, D, NULL) == 0);
    CHECK(soft_fill_vocab(&p, &vocab, 0, 11, &e) == 0);
    /* The pool: the 5,000 lowest ordinary ids. */
    int limit = 0, count = 0;
    for (int id = 0; id < V && count < SOFT_VOCAB_TOP; id++)
        if (ordinary[id]) {
            count++;
            limit = id;
        }
    int ok = 1, distinct = 1;
    for (int i = 0; i < p.n_tokens; i++) {
        int id = row_id(p.w + i * D);
        ok &= id >= 0 && id <= limit && ordinary[id] && row_is(p.w + i * D, id);
        for (int j = 0; j < i; j++)
            distinct &= row_id(p.w + j * D) != id;
    }
    CHECK(ok);
    CHECK(distinct);
    CHECK(p.init == SOFT_INIT_VOCAB && p.seed == 11);
    CHECK(memcmp(p.w, p.w0, (size_t)100 * D * sizeof(float)) == 0);

    /* A pool of 10 for 25 rows: every id 2 or 3 times (rounds without
     * replacement), ids are the 10 lowest ordinary ones (3..12). */
    struct soft_prompt q;
    CHECK(soft_prompt_init(&q, 25, D, NULL) == 0);
    CHECK(soft_fill_vocab(&q, &vocab, 10, 3, &e) == 0);
    int hits[13] = {0};
    ok = 1;
    for (int i = 0; i < 25; i++) {
        int id = row_id(q.w + i * D);
        ok &= id >= 3 && id <= 12;
        if (id >= 3 && id <= 12)
            hits[id]++;
    }
    CHECK(ok);
    for (int id = 3; id <= 12; id++)
        CHECKF(hits[id] == 2 || hits[id] == 3, "id %d drawn %d times", id, hits[id]);
    /* the first round of 10 has no repeats */
    int first_round_distinct = 1;
    for (int i = 0; i < 10; i++)
        for (int j = 0; j < i; j++)
            first_round_distinct &= row_id(q.w + i * D) != row_id(q.w + j * D);
    CHECK(first_round_distinct);

    /* Same seed, same rows. */
    struct soft_prompt r2;
    CHECK(soft_prompt_init(&r2, 100, D, NULL) == 0);
    CHECK(soft_fill_vocab(&r2, &vocab, 0, 11, NULL) == 0);
    CHECK(memcmp(p.w, r2.w, (size_t)100 * D * sizeof(float)) == 0);

    /* No ordinary rows at all; wrong width. */
    bool none[V] = {false};
    struct soft_vocab nv = vocab;
    nv.ordinary = none;
    CHECK(soft_fill_vocab(&q, &nv, 0, 1, &e) == PL_EINVAL);
    nv = vocab;
    nv.d = D + 1;
    CHECK(soft_fill_vocab(&q, &nv, 0, 1, &e) == PL_EINVAL);
    soft_prompt_free(&r2);
    soft_prompt_free(&q);
    soft_prompt_free(&p);
}

static void test_text_labels(void)
{
    struct soft_prompt p;
    struct pl_err e = {0};
    CHECK(soft_prompt_init(&p, 7, D, NULL) == 0);
    int ids[3] = {5, 9, 11};
    CHECK(soft_fill_text(&p, &vocab, ids, 3, "hello world", &e) == 0);
    int want[7] = {5, 9, 11, 5, 9, 11, 5};
    for (int i = 0; i < 7; i++)
        CHECK(row_is(p.w + i * D, want[i]));
    CHECK(p.init == SOFT_INIT_TEXT && p.init_arg && strcmp(p.init_arg, "hello world") == 0);
    CHECK(memcmp(p.w, p.w0, 7 * D * sizeof(float)) == 0);
    soft_prompt_free(&p);

    CHECK(soft_prompt_init(&p, 2, D, NULL) == 0);
    CHECK(soft_fill_text(&p, &vocab, ids, 3, NULL, &e) == 0);
    CHECK(row_is(p.w, 5) && row_is(p.w + D, 9));
    int bad[2] = {5, V};
    CHECK(soft_fill_text(&p, &vocab, bad, 2, NULL, &e) == PL_EINVAL);
    CHECK(strstr(e.msg, "7000") != NULL);
    CHECK(soft_fill_text(&p, &vocab, ids, 0, NULL, &e) == PL_EINVAL);
    soft_prompt_free(&p);

    /* labels: "yes" = [3], "no" = [4, 6] (averaged), 4 more rows sampled */
    CHECK(soft_prompt_init(&p, 6, D, NULL) == 0);
    int l0[1] = {3}, l1[2] = {4, 6};
    const int *labels[2] = {l0, l1};
    int len[2] = {1, 2};
    CHECK(soft_fill_labels(&p, &vocab, labels, len, 2, 0, 9, "yes no", &e) == 0);
    CHECK(row_is(p.w, 3));
    int ok = 1;
    for (int j = 0; j < D; j++)
        ok &= fabsf(p.w[D + j] - 0.5f * (emb[4 * D + j] + emb[6 * D + j])) < 1e-6f;
    CHECK(ok);
    ok = 1;
    for (int i = 2; i < 6; i++) {
        int id = row_id(p.w + i * D);
        ok &= id >= 0 && id < V && ordinary[id] && row_is(p.w + i * D, id);
    }
    CHECK(ok);
    CHECK(p.init == SOFT_INIT_LABELS && strcmp(p.init_arg, "yes no") == 0 && p.seed == 9);
    CHECK(memcmp(p.w, p.w0, 6 * D * sizeof(float)) == 0);
    soft_prompt_free(&p);

    CHECK(soft_prompt_init(&p, 1, D, NULL) == 0);
    CHECK(soft_fill_labels(&p, &vocab, labels, len, 2, 0, 9, NULL, &e) == PL_EINVAL);
    CHECK(strstr(e.msg, "do not fit") != NULL);
    soft_prompt_free(&p);
}

static void test_stats(void)
{
    struct soft_prompt p;
    CHECK(soft_prompt_init(&p, 2, 2, NULL) == 0);
    float w[4] = {3, 4, 0, 1}, w0[4] = {0, 0, 0, 3};
    memcpy(p.w, w, sizeof w);
    memcpy(p.w0, w0, sizeof w0);
    float n[2], d[2];
    soft_row_stats(&p, n, d);
    CHECK_NEAR(n[0], 5, 1e-6);
    CHECK_NEAR(n[1], 1, 1e-6);
    CHECK_NEAR(d[0], 5, 1e-6);
    CHECK_NEAR(d[1], 2, 1e-6);
    soft_prompt_free(&p);
}

/* ---- nearest tokens vs a naive loop ---- */

static int cmp_nb(const void *a, const void *b)
{
    const struct soft_neighbor *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return x->id - y->id;
}

static void naive_nearest(const float *q, int d, const struct soft_vocab *v, int k, struct soft_neighbor *out)
{
    struct soft_neighbor *all = malloc((size_t)v->n_rows * sizeof *all);
    int m = 0;
    double qn = 0;
    for (int j = 0; j < d; j++)
        qn += (double)q[j] * q[j];
    qn = sqrt(qn);
    for (int id = 0; id < v->n_rows; id++) {
        if (v->ordinary && !v->ordinary[id])
            continue;
        double dot = 0, vn = 0;
        for (int j = 0; j < d; j++) {
            dot += (double)q[j] * v->emb[(size_t)id * d + j];
            vn += (double)v->emb[(size_t)id * d + j] * v->emb[(size_t)id * d + j];
        }
        if (vn == 0)
            continue;
        all[m].id = id;
        all[m].score = (float)(qn > 0 ? dot / (qn * sqrt(vn)) : 0.0);
        m++;
    }
    qsort(all, (size_t)m, sizeof *all, cmp_nb);
    for (int i = 0; i < k; i++)
        out[i] = i < m ? all[i] : (struct soft_neighbor){-1, NAN};
    free(all);
}

static void test_nearest(void)
{
    enum { NQ = 6, K = 10, DD = 16, VV = 3000 };
    float *tab = malloc((size_t)VV * DD * sizeof(float));
    bool *mask = malloc(VV);
    struct pl_rng r;
    pl_rng_seed(&r, 99);
    for (int i = 0; i < VV * DD; i++)
        tab[i] = pl_rng_normal(&r);
    for (int i = 0; i < VV; i++)
        mask[i] = i % 10 != 7;
    memset(tab + (size_t)50 * DD, 0, DD * sizeof(float)); /* a zero row: skipped */
    struct soft_vocab tv = {tab, VV, DD, mask};
    float q[NQ * DD];
    for (int i = 0; i < NQ * DD; i++)
        q[i] = pl_rng_normal(&r);
    memcpy(q + 4 * DD, tab + (size_t)1234 * DD, DD * sizeof(float)); /* exact copy of an ordinary row */
    for (int j = 0; j < DD; j++)
        q[5 * DD + j] = 3.0f * tab[(size_t)1237 * DD + j]; /* scaled copy of a masked row */
    struct soft_neighbor got[NQ * K], want[K];
    struct pl_err e = {0};
    CHECK(soft_nearest(q, NQ, DD, &tv, K, got, &e) == 0);
    int ok = 1;
    for (int i = 0; i < NQ; i++) {
        naive_nearest(q + i * DD, DD, &tv, K, want);
        for (int j = 0; j < K; j++) {
            const struct soft_neighbor *g = &got[i * K + j];
            bool same = g->id == want[j].id || fabsf(g->score - want[j].score) < 1e-5f;
            CHECKF(same && fabsf(g->score - want[j].score) < 1e-5f, "row %d rank %d: id %d (%g) vs %d (%g)",
                   i, j, g->id, (double)g->score, want[j].id, (double)want[j].score);
            ok &= mask[g->id] && g->id != 50;
            if (j > 0)
                ok &= g->score <= got[i * K + j - 1].score;
        }
    }
    CHECK(ok);
    CHECK(got[4 * K].id == 1234 && fabsf(got[4 * K].score - 1.0f) < 1e-5f);
    CHECK(got[5 * K].id != 1237 && got[5 * K].score < 0.999f);

    /* Fewer ordinary rows than k: the rest are -1. */
    struct soft_vocab small = {tab, 12, DD, mask}; /* ids 0-11, 7 masked -> 11 rows */
    struct soft_neighbor many[15];
    CHECK(soft_nearest(q, 1, DD, &small, 15, many, &e) == 0);
    CHECK(many[10].id >= 0 && many[11].id == -1 && isnan(many[14].score));
    /* Ties go to the lower id: a table of identical rows. */
    float same[4 * DD];
    for (int i = 0; i < 4; i++)
        memcpy(same + i * DD, tab, DD * sizeof(float));
    struct soft_vocab tie = {same, 4, DD, NULL};
    struct soft_neighbor t3[3];
    CHECK(soft_nearest(q, 1, DD, &tie, 3, t3, &e) == 0);
    CHECK(t3[0].id == 0 && t3[1].id == 1 && t3[2].id == 2);
    CHECK(soft_nearest(q, 1, DD + 1, &tv, 3, t3, &e) == PL_EINVAL);
    CHECK(soft_nearest(q, 1, DD, &tv, 0, t3, &e) == PL_EINVAL);
    free(mask);
    free(tab);
}

/* ---- files ---- */

static void path(char *buf, size_t cap, const char *a, const char *b)
{
    snprintf(buf, cap, "%s/%s", a, b);
}

static cJSON *read_json(const char *p)
{
    char *text = NULL;
    size_t len = 0;
    if (pl_read_file(p, &text, &len, NULL) != 0)
        return NULL;
    cJSON *j = cJSON_Parse(text);
    free(text);
    return j;
}

static bool exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static void make_prompt(struct soft_prompt *p, int n, int d)
{
    CHECK(soft_prompt_init(p, n, d, NULL) == 0);
    soft_fill_random(p, 42);
    for (int i = 0; i < n * d; i++)
        p->w[i] += 0.25f * (float)sin(i); /* trained away from w0 */
}

static void fill_record(struct soft_record *rec)
{
    soft_record_init(rec);
    snprintf(rec->model, sizeof rec->model, "google/flan-t5-small");
    rec->d_model = 16;
    rec->n_heads = 6;
    rec->n_layers = 8;
    snprintf(rec->train_data, sizeof rec->train_data, "data/train.jsonl");
    snprintf(rec->valid_data, sizeof rec->valid_data, "data/valid.jsonl");
    snprintf(rec->metric, sizeof rec->metric, "chrf");
    rec->has_params = true;
    tune_params_default(&rec->params);
    rec->params.opt.lr = 0.3f;
    rec->params.steps = 30;
    rec->params.patience = 4;
    rec->params.seed = 0xFFFFFFFFFFFFFFF1ull; /* above 2^53 */
    rec->params.select = TUNE_SELECT_METRIC;
    for (int s = 0; s <= 30; s++) {
        struct tune_point pt = {s, s ? 2.0f / s : NAN, s % 10 == 0 ? 1.0f / (s + 1) : NAN,
                                s % 10 == 0 ? 0.1f * s : NAN, s ? 0.5f : NAN, 3.0f, 0.01f * s, s ? 0.3f : NAN};
        CHECK(tune_history_push(&rec->hist, &pt, NULL) == 0);
    }
    rec->hist.steps_done = 30;
    rec->hist.elapsed = 12.5;
    rec->hist.best_step = 20;
    rec->hist.best_valid_loss = 1.0f / 21;
    rec->hist.best_metric = 2.0f;
    rec->prompt_step = 20;
}

static void test_save_load(void)
{
    char dir[512], f[1024];
    snprintf(dir, sizeof dir, "%s/nested/run1", tmpdir);
    struct soft_prompt p;
    make_prompt(&p, 5, 16);
    CHECK(soft_prompt_set_arg(&p, "classify sentiment", NULL) == 0);
    p.init = SOFT_INIT_TEXT;
    struct soft_record rec;
    fill_record(&rec);
    struct pl_err e = {0};
    int rc = soft_save(dir, &p, &rec, &e);
    CHECKF(rc == 0, "soft_save: %s", e.msg);

    /* adapter_config.json: PEFT's keys and values */
    path(f, sizeof f, dir, "adapter_config.json");
    cJSON *cfg = read_json(f);
    CHECK(cfg != NULL);
    if (cfg) {
        static const char *const keys[] = {
            "auto_mapping", "base_model_name_or_path", "inference_mode", "modules_to_save",
            "num_attention_heads", "num_layers", "num_transformer_submodules", "num_virtual_tokens",
            "peft_type", "peft_version", "prompt_tuning_init", "prompt_tuning_init_text", "revision",
            "task_type", "token_dim", "tokenizer_kwargs", "tokenizer_name_or_path"};
        int i = 0;
        const cJSON *it;
        cJSON_ArrayForEach(it, cfg) {
            CHECKF(i < 17 && strcmp(it->string, keys[i]) == 0, "key %d is %s", i, it->string);
            i++;
        }
        CHECK_INT(i, 17);
        CHECK_STR(cJSON_GetObjectItem(cfg, "peft_type")->valuestring, "PROMPT_TUNING");
        CHECK_STR(cJSON_GetObjectItem(cfg, "task_type")->valuestring, "SEQ_2_SEQ_LM");
        CHECK_INT(cJSON_GetObjectItem(cfg, "num_virtual_tokens")->valueint, 5);
        CHECK_INT(cJSON_GetObjectItem(cfg, "token_dim")->valueint, 16);
        CHECK_INT(cJSON_GetObjectItem(cfg, "num_transformer_submodules")->valueint, 2);
        CHECK_INT(cJSON_GetObjectItem(cfg, "num_attention_heads")->valueint, 6);
        CHECK_INT(cJSON_GetObjectItem(cfg, "num_layers")->valueint, 8);
        CHECK(cJSON_IsTrue(cJSON_GetObjectItem(cfg, "inference_mode")));
        CHECK(cJSON_IsNull(cJSON_GetObjectItem(cfg, "revision")));
        CHECK_STR(cJSON_GetObjectItem(cfg, "prompt_tuning_init")->valuestring, "TEXT");
        CHECK_STR(cJSON_GetObjectItem(cfg, "prompt_tuning_init_text")->valuestring, "classify sentiment");
        CHECK_STR(cJSON_GetObjectItem(cfg, "tokenizer_name_or_path")->valuestring, "google/flan-t5-small");
        CHECK_STR(cJSON_GetObjectItem(cfg, "base_model_name_or_path")->valuestring, "google/flan-t5-small");
        cJSON_Delete(cfg);
    }
    char *text = NULL;
    size_t len;
    CHECK(pl_read_file(f, &text, &len, NULL) == 0 && strchr(text, '\t') == NULL &&
          strstr(text, "\n  \"peft_type\": \"PROMPT_TUNING\"") != NULL);
    free(text);

    /* adapter_model.safetensors: [2N, d] F32, first half w, second half w0 */
    path(f, sizeof f, dir, "adapter_model.safetensors");
    st_file *sf = NULL;
    CHECKF(st_open(f, &sf, &e) == 0, "%s", e.msg);
    if (sf) {
        CHECK_INT(st_count(sf), 1);
        const struct st_tensor *t = st_find(sf, "prompt_embeddings");
        CHECK(t && t->dtype == ST_F32 && t->n_dims == 2 && t->shape[0] == 10 && t->shape[1] == 16);
        if (t) {
            CHECK(memcmp(t->data, p.w, 80 * sizeof(float)) == 0);
            CHECK(memcmp(t->data + 80, p.w0, 80 * sizeof(float)) == 0);
        }
        CHECK(st_metadata(sf, "format") && strcmp(st_metadata(sf, "format"), "pt") == 0);
        st_close(sf);
    }
    path(f, sizeof f, dir, "promptlab.json");
    CHECK(exists(f));
    path(f, sizeof f, dir, ".promptlab.json.partial");
    CHECK(!exists(f));

    /* load it back */
    struct soft_prompt q;
    struct soft_record r2;
    rc = soft_load(dir, 16, &q, &r2, &e);
    CHECKF(rc == 0, "soft_load: %s", e.msg);
    if (rc == 0) {
        CHECK(q.n_tokens == 5 && q.d == 16);
        CHECK(memcmp(q.w, p.w, 80 * sizeof(float)) == 0);
        CHECK(memcmp(q.w0, p.w0, 80 * sizeof(float)) == 0);
        CHECK(q.init == SOFT_INIT_TEXT && q.seed == 42 && strcmp(q.init_arg, "classify sentiment") == 0);
        CHECK(r2.has_record && r2.has_initial && r2.has_params);
        CHECK_STR(r2.model, "google/flan-t5-small");
        CHECK_STR(r2.train_data, "data/train.jsonl");
        CHECK_STR(r2.valid_data, "data/valid.jsonl");
        CHECK_STR(r2.metric, "chrf");
        CHECK(r2.d_model == 16 && r2.n_heads == 6 && r2.n_layers == 8 && r2.prompt_step == 20);
        CHECK(r2.params.seed == 0xFFFFFFFFFFFFFFF1ull);
        CHECK(r2.params.opt.kind == OPTIM_ADAFACTOR && r2.params.opt.lr == 0.3f);
        CHECK(r2.params.steps == 30 && r2.params.patience == 4 && r2.params.select == TUNE_SELECT_METRIC);
        CHECK(r2.params.opt.eps1 == 1e-30f && r2.params.opt.decay_rate == -0.8f);
        CHECK_INT(r2.hist.n, 31);
        CHECK_INT(r2.hist.steps_done, 30);
        CHECK_INT(r2.hist.best_step, 20);
        CHECK(r2.hist.best_valid_loss == 1.0f / 21 && r2.hist.best_metric == 2.0f);
        CHECK_NEAR(r2.hist.elapsed, 12.5, 1e-9);
        int same = r2.hist.n == rec.hist.n;
        for (int i = 0; same && i < rec.hist.n; i++) {
            const struct tune_point *a = &rec.hist.pts[i], *b = &r2.hist.pts[i];
            const float fa[7] = {a->train_loss, a->valid_loss, a->metric, a->grad_norm, a->row_norm, a->drift, a->lr};
            const float fb[7] = {b->train_loss, b->valid_loss, b->metric, b->grad_norm, b->row_norm, b->drift, b->lr};
            same &= a->step == b->step;
            for (int c = 0; c < 7; c++)
                same &= (isnan(fa[c]) && isnan(fb[c])) || fa[c] == fb[c];
        }
        CHECK(same);
        soft_record_free(&r2);
        soft_prompt_free(&q);
    }

    /* Any d_model (0) loads; the wrong one is refused with a clear message. */
    CHECK(soft_load(dir, 0, &q, NULL, &e) == 0);
    soft_prompt_free(&q);
    char want[1024];
    snprintf(want, sizeof want, "prompt in %s has token_dim 16 but the model has d_model 512", dir);
    CHECK(soft_load(dir, 512, &q, NULL, &e) == PL_EINVAL);
    CHECK_STR(e.msg, want);
    CHECK(q.w == NULL);

    /* A failed save leaves the previous one intact: a file size limit makes
     * the tensor file's write fail as a full disk would (EFBIG, not ENOSPC),
     * and nothing of the attempt stays behind. */
    struct soft_prompt other;
    make_prompt(&other, 3, 16);
    struct rlimit old_lim, lim;
    getrlimit(RLIMIT_FSIZE, &old_lim);
    lim = old_lim;
    lim.rlim_cur = 200;
    signal(SIGXFSZ, SIG_IGN);
    CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
    CHECK(soft_save(dir, &other, NULL, &e) == PL_EIO);
    CHECK(strstr(e.msg, "/run1/adapter_model.safetensors: cannot write: File too large; the "
                        "previous file is kept") != NULL);
    setrlimit(RLIMIT_FSIZE, &old_lim);
    path(f, sizeof f, dir, ".promptlab-pending");
    CHECK(!exists(f));
    path(f, sizeof f, dir, ".promptlab-commit");
    CHECK(!exists(f));
    CHECK(soft_load(dir, 16, &q, NULL, &e) == 0);
    CHECK(q.n_tokens == 5 && memcmp(q.w, p.w, 80 * sizeof(float)) == 0);
    soft_prompt_free(&q);

    /* Saving over it works and replaces all three files. */
    CHECK(soft_save(dir, &other, NULL, &e) == 0);
    struct soft_record r3;
    CHECK(soft_load(dir, 16, &q, &r3, &e) == 0);
    CHECK(q.n_tokens == 3 && memcmp(q.w, other.w, 48 * sizeof(float)) == 0);
    CHECK(r3.has_record && r3.hist.n == 0 && !r3.has_params && r3.model[0] == '\0');
    soft_record_free(&r3);
    soft_prompt_free(&q);

    soft_prompt_free(&other);
    soft_record_free(&rec);
    soft_prompt_free(&p);
}

static void test_peft_init_names(void)
{
    char dir[512], f[1024];
    snprintf(dir, sizeof dir, "%s/names", tmpdir);
    path(f, sizeof f, dir, "adapter_config.json");
    struct soft_prompt p;
    make_prompt(&p, 2, 4);
    struct pl_err e = {0};
    /* TEXT without any tokenizer path would be refused by PEFT: RANDOM. */
    CHECK(soft_prompt_set_arg(&p, "hi", NULL) == 0);
    p.init = SOFT_INIT_TEXT;
    CHECK(soft_save(dir, &p, NULL, &e) == 0);
    cJSON *j = read_json(f);
    CHECK(j && strcmp(cJSON_GetObjectItem(j, "prompt_tuning_init")->valuestring, "RANDOM") == 0);
    CHECK(j && cJSON_IsNull(cJSON_GetObjectItem(j, "prompt_tuning_init_text")));
    CHECK(j && cJSON_IsNull(cJSON_GetObjectItem(j, "num_layers")));
    cJSON_Delete(j);
    p.init = SOFT_INIT_VOCAB;
    CHECK(soft_save(dir, &p, NULL, &e) == 0);
    j = read_json(f);
    CHECK(j && strcmp(cJSON_GetObjectItem(j, "prompt_tuning_init")->valuestring, "SAMPLE_VOCAB") == 0);
    cJSON_Delete(j);
    /* The init kind round-trips through promptlab.json regardless. */
    struct soft_prompt q;
    CHECK(soft_load(dir, 4, &q, NULL, &e) == 0 && q.init == SOFT_INIT_VOCAB);
    soft_prompt_free(&q);
    soft_prompt_free(&p);
}

/* A prompt as PEFT writes it: no promptlab.json, rows N..2N-1 are not the
 * initial values of the first half. */
static void write_peft(const char *dir, int n, int d, int rows, const char *extra)
{
    char f[1024], cfg[2048];
    mkdir(dir, 0755);
    snprintf(cfg, sizeof cfg,
             "{\n  \"auto_mapping\": null,\n  \"base_model_name_or_path\": \"t5-small\",\n"
             "  \"inference_mode\": true,\n  \"num_attention_heads\": 8,\n  \"num_layers\": 6,\n"
             "  \"num_transformer_submodules\": 2,\n  \"num_virtual_tokens\": %d,\n"
             "  \"peft_type\": \"PROMPT_TUNING\",\n  \"prompt_tuning_init\": \"TEXT\",\n"
             "  \"prompt_tuning_init_text\": \"Classify if the tweet is a complaint or not:\",\n"
             "  \"revision\": null,\n  \"task_type\": \"SEQ_2_SEQ_LM\",\n  \"token_dim\": %d,\n"
             "  \"tokenizer_name_or_path\": \"t5-small\"%s\n}",
             n, d, extra);
    path(f, sizeof f, dir, "adapter_config.json");
    CHECK(pl_write_file_atomic(f, cfg, strlen(cfg), NULL) == 0);
    float *w = malloc((size_t)rows * d * sizeof(float));
    for (int i = 0; i < rows * d; i++)
        w[i] = (float)i * 0.01f;
    struct st_write_tensor t = {"prompt_embeddings", ST_F32, 2, {rows, d}, w};
    const char *mk[] = {"format"}, *mv[] = {"pt"};
    path(f, sizeof f, dir, "adapter_model.safetensors");
    CHECK(st_write(f, &t, 1, mk, mv, 1, NULL) == 0);
    free(w);
}

static void test_peft_made(void)
{
    char dir[512], f[1024];
    struct pl_err e = {0};
    struct soft_prompt q;
    struct soft_record rec;
    snprintf(dir, sizeof dir, "%s/peft", tmpdir);
    write_peft(dir, 4, 8, 8, ",\n  \"peft_version\": \"0.17.0\",\n  \"some_future_key\": [1, 2]");
    int rc = soft_load(dir, 8, &q, &rec, &e);
    CHECKF(rc == 0, "%s", e.msg);
    if (rc == 0) {
        CHECK(q.n_tokens == 4 && q.d == 8);
        CHECK(q.w[0] == 0.0f && q.w[31] == 31 * 0.01f);
        CHECK(memcmp(q.w, q.w0, 32 * sizeof(float)) == 0); /* not rows 4..7 */
        CHECK(q.init == SOFT_INIT_TEXT && strcmp(q.init_arg, "Classify if the tweet is a complaint or not:") == 0);
        CHECK(!rec.has_record && !rec.has_initial && rec.hist.n == 0);
        CHECK_STR(rec.model, "t5-small");
        CHECK(rec.n_heads == 8 && rec.n_layers == 6 && rec.d_model == 8);
        soft_record_free(&rec);
        soft_prompt_free(&q);
    }
    /* [N, d] (one submodule) and [3N, d] also load, first N rows. */
    write_peft(dir, 4, 8, 4, "");
    CHECK(soft_load(dir, 8, &q, NULL, &e) == 0 && q.n_tokens == 4);
    soft_prompt_free(&q);
    write_peft(dir, 4, 8, 12, "");
    CHECK(soft_load(dir, 8, &q, NULL, &e) == 0 && q.w[31] == 31 * 0.01f);
    soft_prompt_free(&q);

    /* Malformed and missing pieces. */
    write_peft(dir, 5, 8, 4, "");
    CHECK(soft_load(dir, 8, &q, NULL, &e) == PL_EFORMAT && strstr(e.msg, "4 rows") != NULL);
    write_peft(dir, 4, 6, 8, "");
    path(f, sizeof f, dir, "adapter_config.json");
    {
        /* token_dim 6 in the config, the tensor is 6 wide: fine; now make the
         * tensor disagree */
        float w[4 * 8] = {0};
        struct st_write_tensor t = {"prompt_embeddings", ST_F32, 2, {4, 8}, w};
        char g[1024];
        path(g, sizeof g, dir, "adapter_model.safetensors");
        CHECK(st_write(g, &t, 1, NULL, NULL, 0, NULL) == 0);
        CHECK(soft_load(dir, 0, &q, NULL, &e) == PL_EFORMAT && strstr(e.msg, "token_dim 6") != NULL);
        struct st_write_tensor u = {"other", ST_F32, 2, {4, 8}, w};
        CHECK(st_write(g, &u, 1, NULL, NULL, 0, NULL) == 0);
        CHECK(soft_load(dir, 0, &q, NULL, &e) == PL_EFORMAT && strstr(e.msg, "prompt_embeddings") != NULL);
        unlink(g);
        CHECK(soft_load(dir, 0, &q, NULL, &e) == PL_EIO && strstr(e.msg, "adapter_model.safetensors") != NULL);
    }
    const char *lora = "{\"peft_type\": \"LORA\", \"r\": 8}";
    CHECK(pl_write_file_atomic(f, lora, strlen(lora), NULL) == 0);
    CHECK(soft_load(dir, 0, &q, NULL, &e) == PL_EFORMAT && strstr(e.msg, "LORA") != NULL);
    CHECK(pl_write_file_atomic(f, "{\"peft_type\": ", 14, NULL) == 0);
    CHECK(soft_load(dir, 0, &q, NULL, &e) == PL_EFORMAT && strstr(e.msg, "not valid JSON") != NULL);
    const char *non = "{\"peft_type\": \"PROMPT_TUNING\", \"token_dim\": 8}";
    CHECK(pl_write_file_atomic(f, non, strlen(non), NULL) == 0);
    CHECK(soft_load(dir, 0, &q, NULL, &e) == PL_EFORMAT && strstr(e.msg, "num_virtual_tokens") != NULL);
    unlink(f);
    CHECK(soft_load(dir, 0, &q, NULL, &e) == PL_EIO && strstr(e.msg, "adapter_config.json") != NULL);
    CHECK(soft_load("/nonexistent/dir", 0, &q, NULL, &e) == PL_EIO);

    /* A corrupt promptlab.json is refused (it is ours, so it means damage). */
    write_peft(dir, 4, 8, 8, "");
    path(f, sizeof f, dir, "promptlab.json");
    const char *short_col = "{\"format\": \"promptlab-soft-prompt\", \"history\": {\"step\": [0, 1], "
                            "\"train_loss\": [1]}}";
    CHECK(pl_write_file_atomic(f, short_col, strlen(short_col), NULL) == 0);
    CHECK(soft_load(dir, 0, &q, NULL, &e) == PL_EFORMAT && strstr(e.msg, "train_loss") != NULL);
    const char *bad_steps = "{\"format\": \"promptlab-soft-prompt\", \"steps_done\": 9, \"history\": {\"step\": [0, 1]}}";
    CHECK(pl_write_file_atomic(f, bad_steps, strlen(bad_steps), NULL) == 0);
    CHECK(soft_load(dir, 0, &q, NULL, &e) == PL_EFORMAT && strstr(e.msg, "steps_done") != NULL);
    unlink(f);
}

/* NaN or Inf anywhere in a prompt file is refused at load, naming the
 * tensor and the first bad element; nothing is allocated for the prompt. */
static void test_nonfinite(void)
{
    char dir[512], f[1024], want[1200];
    struct pl_err e = {0};
    struct soft_prompt q;
    snprintf(dir, sizeof dir, "%s/nan", tmpdir);
    write_peft(dir, 4, 8, 8, "");
    path(f, sizeof f, dir, "adapter_model.safetensors");
    float w[8 * 8] = {0};
    struct st_write_tensor t = {"prompt_embeddings", ST_F32, 2, {8, 8}, w};
    const float bad[3] = {NAN, INFINITY, -INFINITY};
    const char *const name[3] = {"NaN", "+Inf", "-Inf"};
    const int at[3] = {19, 63, 40}; /* row 2 of the prompt; the last initial row; row 5 */
    for (int k = 0; k < 3; k++) {
        memset(w, 0, sizeof w);
        w[at[k]] = bad[k];
        if (at[k] + 1 < 64)
            w[at[k] + 1] = NAN; /* a later bad value is not the one named */
        CHECK(st_write(f, &t, 1, NULL, NULL, 0, NULL) == 0);
        memset(&q, 0x55, sizeof q);
        CHECK(soft_load(dir, 8, &q, NULL, &e) == PL_EFORMAT);
        snprintf(want, sizeof want, "%s: tensor prompt_embeddings holds %s at element %d (index [%d,%d])",
                 f, name[k], at[k], at[k] / 8, at[k] % 8);
        CHECK_STR(e.msg, want);
        CHECK(q.w == NULL && q.w0 == NULL);
    }
    /* F16 has its own Inf and NaN */
    memset(w, 0, sizeof w);
    w[9] = 1e6f; /* beyond the largest half: stored as +Inf */
    t.dtype = ST_F16;
    CHECK(st_write(f, &t, 1, NULL, NULL, 0, NULL) == 0);
    CHECK(soft_load(dir, 8, &q, NULL, &e) == PL_EFORMAT && strstr(e.msg, "holds +Inf at element 9 (index [1,1])"));

    /* .npy */
    snprintf(f, sizeof f, "%s/nan.npy", tmpdir);
    float a[3 * 4] = {0};
    a[6] = NAN;
    a[7] = INFINITY;
    CHECK(npy_write(f, a, 3, 4, NULL) == 0);
    CHECK(soft_import_npy(f, 4, &q, &e) == PL_EFORMAT);
    snprintf(want, sizeof want, "%s: holds NaN at element 6 (index [1,2])", f);
    CHECK_STR(e.msg, want);
    CHECK(q.w == NULL);
    a[6] = 0;
    a[11] = -INFINITY;
    a[7] = 0;
    CHECK(npy_write(f, a, 3, 4, NULL) == 0);
    CHECK(soft_import_npy(f, 4, &q, &e) == PL_EFORMAT && strstr(e.msg, "holds -Inf at element 11 (index [2,3])"));
}

static void test_npy(void)
{
    char f[1024];
    snprintf(f, sizeof f, "%s/prompt.npy", tmpdir);
    float w[3 * 4];
    for (int i = 0; i < 12; i++)
        w[i] = (float)i - 5.5f;
    struct pl_err e = {0};
    CHECKF(npy_write(f, w, 3, 4, &e) == 0, "%s", e.msg);
    struct soft_prompt p;
    CHECKF(soft_import_npy(f, 4, &p, &e) == 0, "%s", e.msg);
    CHECK(p.n_tokens == 3 && p.d == 4 && memcmp(p.w, w, sizeof w) == 0 && memcmp(p.w0, w, sizeof w) == 0);
    CHECK(p.init == SOFT_INIT_IMPORTED && strcmp(p.init_arg, f) == 0);
    /* and it saves as a PEFT prompt */
    char dir[512];
    snprintf(dir, sizeof dir, "%s/imported", tmpdir);
    CHECK(soft_save(dir, &p, NULL, &e) == 0);
    struct soft_prompt q;
    CHECK(soft_load(dir, 4, &q, NULL, &e) == 0 && q.init == SOFT_INIT_IMPORTED && memcmp(q.w, w, sizeof w) == 0);
    soft_prompt_free(&q);
    soft_prompt_free(&p);
    char want[1200];
    snprintf(want, sizeof want, "prompt in %s has token_dim 4 but the model has d_model 512", f);
    CHECK(soft_import_npy(f, 512, &p, &e) == PL_EINVAL);
    CHECK_STR(e.msg, want);
    CHECK(soft_import_npy("/nonexistent.npy", 0, &p, &e) != 0);
}

static void cleanup(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
}

int main(void)
{
    setup();
    test_random();
    test_vocab();
    test_text_labels();
    test_stats();
    test_nearest();
    test_save_load();
    test_peft_init_names();
    test_peft_made();
    test_npy();
    test_nonfinite();
    cleanup();
    free(emb);
    TEST_END();
}
