/* test_t5.c - the T5 model layer: relative position buckets against the
 * hand-worked table of T5.md, config parsing and refusals, family detection,
 * save/load round trips, t5_open's error messages, and the optimised
 * encoder / cached decoder / teacher-forced scorer against the naive
 * double-precision reference in naive_t5.h on random tiny models of every
 * variant, with padded batches of different lengths and a prefix; beam
 * search against a literal re-implementation of Hugging Face's algorithm on
 * top of the naive model. */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "naive_t5.h"
#include "promptlab/safetensors.h"
#include "promptlab/t5.h"
#include "test.h"
#include "t5_variants.h"

/* the static beam() routine, to run it at width 1 */
#include "model/t5_decode.c"

static char tmp_root[64];

static void rm_rf(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    char p[512];
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        if (de->d_type == DT_DIR)
            rm_rf(p);
        else
            unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

/* ---- buckets ----------------------------------------------------------------- */

/* T5.md section 4: first n of each bucket, (32 buckets, max distance 128). */
static int table_bidir(int n)
{
    static const int first[] = {8, 12, 16, 23, 32, 46, 64, 91};
    if (n < 8)
        return n;
    int b = 7;
    for (int i = 0; i < 8; i++)
        if (n >= first[i])
            b = 8 + i;
    return b;
}

static int table_unidir(int n)
{
    static const int first[] = {16, 19, 21, 24, 27, 31, 35, 40, 46, 52, 59, 67, 77, 87, 99, 113};
    if (n < 16)
        return n;
    int b = 15;
    for (int i = 0; i < 16; i++)
        if (n >= first[i])
            b = 16 + i;
    return b;
}

static void test_buckets(void)
{
    int bad = 0, bad_naive = 0;
    for (int n = 0; n < 5000; n++) {
        /* relative = key - query: negative = key to the left */
        int left = t5_relative_bucket(-n, true, 32, 128), right = t5_relative_bucket(n, true, 32, 128);
        int uni = t5_relative_bucket(-n, false, 32, 128);
        int want_right = n == 0 ? 0 : 16 + table_bidir(n);
        if (left != table_bidir(n) || right != want_right || uni != table_unidir(n)) {
            if (bad++ < 5)
                fprintf(stderr, "bucket n=%d: %d %d %d want %d %d %d\n", n, left, right, uni,
                        table_bidir(n), want_right, table_unidir(n));
        }
        if (naive_bucket(-n, 1, 32, 128) != table_bidir(n) ||
            naive_bucket(n, 1, 32, 128) != want_right || naive_bucket(-n, 0, 32, 128) != table_unidir(n))
            bad_naive++;
        /* future keys fold to 0 in the decoder */
        if (t5_relative_bucket(n, false, 32, 128) != 0)
            bad++;
    }
    CHECKF(bad == 0, "%d bucket mismatches against T5.md's table", bad);
    CHECKF(bad_naive == 0, "%d naive bucket mismatches", bad_naive);
    /* the worked example: length 4 */
    int q0[4], q3[4];
    for (int k = 0; k < 4; k++) {
        q0[k] = t5_relative_bucket(k - 0, true, 32, 128);
        q3[k] = t5_relative_bucket(k - 3, true, 32, 128);
    }
    CHECK(q0[0] == 0 && q0[1] == 17 && q0[2] == 18 && q0[3] == 19);
    CHECK(q3[0] == 3 && q3[1] == 2 && q3[2] == 1 && q3[3] == 0);
    /* exact-integer boundaries of the log term */
    CHECK_INT(t5_relative_bucket(-16, true, 32, 128), 10);
    CHECK_INT(t5_relative_bucket(-15, true, 32, 128), 9);
    CHECK_INT(t5_relative_bucket(-32, true, 32, 128), 12);
    CHECK_INT(t5_relative_bucket(-64, true, 32, 128), 14);
    CHECK_INT(t5_relative_bucket(-1000000, true, 32, 128), 15);
    CHECK_INT(t5_relative_bucket(-1000000, false, 32, 128), 31);
}

/* ---- config ------------------------------------------------------------------ */

static int parse(const char *json, struct t5_config *c, struct pl_err *e)
{
    return t5_config_parse(json, strlen(json), "config.json", c, e);
}

static void test_config(void)
{
    struct t5_config c;
    struct pl_err e = {0};
    CHECK_INT(parse("{}", &c, &e), 0);
    CHECK_INT(c.vocab_size, 32128);
    CHECK_INT(c.d_model, 512);
    CHECK_INT(c.d_kv, 64);
    CHECK_INT(c.d_ff, 2048);
    CHECK_INT(c.n_layers, 6);
    CHECK_INT(c.n_dec_layers, 6);
    CHECK_INT(c.n_heads, 8);
    CHECK_INT(c.n_buckets, 32);
    CHECK_INT(c.max_distance, 128);
    CHECK(fabsf(c.eps - 1e-6f) < 1e-12f);
    CHECK(c.act == T5_ACT_RELU && !c.gated && c.tie_word_embeddings && c.scale_decoder_outputs);
    CHECK(c.decoder_start_token_id == 0 && c.pad_token_id == 0 && c.eos_token_id == 1);
    CHECK_STR(c.model_type, "t5");

    /* t5-small's config.json as on the hub (abridged: task_specific_params dropped) */
    static const char *t5_small =
        "{\"architectures\": [\"T5ForConditionalGeneration\"], \"d_ff\": 2048, \"d_kv\": 64,"
        " \"d_model\": 512, \"decoder_start_token_id\": 0, \"dropout_rate\": 0.1,"
        " \"eos_token_id\": 1, \"initializer_factor\": 1.0, \"is_encoder_decoder\": true,"
        " \"layer_norm_epsilon\": 1e-06, \"model_type\": \"t5\", \"n_positions\": 512,"
        " \"num_heads\": 8, \"num_layers\": 6, \"output_past\": true, \"pad_token_id\": 0,"
        " \"relative_attention_num_buckets\": 32, \"vocab_size\": 32128}";
    CHECK_INT(parse(t5_small, &c, &e), 0);
    CHECK(c.act == T5_ACT_RELU && !c.gated && c.tie_word_embeddings);
    CHECK(t5_family_of(&c) == T5_FAMILY_ORIGINAL);

    /* flan-t5-small */
    static const char *flan =
        "{\"_name_or_path\": \"google/flan-t5-small\", \"d_ff\": 1024, \"d_kv\": 64, \"d_model\": 512,"
        " \"dense_act_fn\": \"gelu_new\", \"feed_forward_proj\": \"gated-gelu\", \"is_gated_act\": true,"
        " \"model_type\": \"t5\", \"num_decoder_layers\": 8, \"num_heads\": 6, \"num_layers\": 8,"
        " \"relative_attention_max_distance\": 128, \"tie_word_embeddings\": false, \"vocab_size\": 32128}";
    CHECK_INT(parse(flan, &c, &e), 0);
    CHECK(c.act == T5_ACT_GELU_NEW && c.gated && !c.tie_word_embeddings && !c.scale_decoder_outputs);
    CHECK_INT(c.n_heads * c.d_kv, 384);
    CHECK(t5_family_of(&c) == T5_FAMILY_FLAN);
    CHECK_STR(t5_family_name(T5_FAMILY_FLAN), "Flan-T5");
    /* v1.1 / LM-adapted: same shape of config, no "flan" */
    snprintf(c.name_or_path, sizeof c.name_or_path, "google/t5-base-lm-adapt");
    CHECK(t5_family_of(&c) == T5_FAMILY_V1_1);
    snprintf(c.name_or_path, sizeof c.name_or_path, "/models/FLAN-t5-base");
    CHECK(t5_family_of(&c) == T5_FAMILY_FLAN);

    /* feed_forward_proj variants as T5Config derives them */
    CHECK_INT(parse("{\"feed_forward_proj\": \"gated-gelu\"}", &c, &e), 0);
    CHECK(c.gated && c.act == T5_ACT_GELU_NEW);
    CHECK_INT(parse("{\"feed_forward_proj\": \"gelu\"}", &c, &e), 0);
    CHECK(!c.gated && c.act == T5_ACT_GELU);
    CHECK_INT(parse("{\"feed_forward_proj\": \"gated-relu\"}", &c, &e), 0);
    CHECK(c.gated && c.act == T5_ACT_RELU);
    CHECK_INT(parse("{\"feed_forward_proj\": \"gelu_new\"}", &c, &e), 0);
    CHECK(!c.gated && c.act == T5_ACT_GELU_NEW);
    /* explicit keys win */
    CHECK_INT(parse("{\"feed_forward_proj\": \"gated-gelu\", \"dense_act_fn\": \"gelu\"}", &c, &e), 0);
    CHECK(c.gated && c.act == T5_ACT_GELU);
    CHECK_INT(parse("{\"feed_forward_proj\": \"relu\", \"is_gated_act\": true}", &c, &e), 0);
    CHECK(c.gated && c.act == T5_ACT_RELU);
    /* scale_decoder_outputs decides when present */
    CHECK_INT(parse("{\"tie_word_embeddings\": false, \"scale_decoder_outputs\": true}", &c, &e), 0);
    CHECK(c.scale_decoder_outputs && c.has_scale_key);
    CHECK_INT(parse("{\"scale_decoder_outputs\": false}", &c, &e), 0);
    CHECK(!c.scale_decoder_outputs && c.tie_word_embeddings);
    /* aliases, defaults derived from others, token id lists */
    CHECK_INT(parse("{\"hidden_size\": 64, \"num_hidden_layers\": 3, \"num_attention_heads\": 2,"
                    " \"pad_token_id\": 5, \"eos_token_id\": [7, 9]}", &c, &e), 0);
    CHECK(c.d_model == 64 && c.n_layers == 3 && c.n_dec_layers == 3 && c.n_heads == 2);
    CHECK(c.decoder_start_token_id == 5 && c.eos_token_id == 7);
    CHECK_INT(parse("{\"model_type\": \"mt5\", \"feed_forward_proj\": \"gated-gelu\","
                    " \"tie_word_embeddings\": false}", &c, &e), 0);
    CHECK(t5_family_of(&c) == T5_FAMILY_MT5);
    CHECK_INT(parse("{\"promptlab_model\": true}", &c, &e), 0);
    CHECK(t5_family_of(&c) == T5_FAMILY_PROMPTLAB);
    CHECK(strlen(t5_family_hint(T5_FAMILY_PROMPTLAB)) > 10);

    /* refusals */
    CHECK(parse("{\"model_type\": \"bart\"}", &c, &e) < 0);
    CHECKF(strstr(e.msg, "bart") && strstr(e.msg, "t5, mt5"), "%s", e.msg);
    CHECK(parse("{\"d_model\": 0}", &c, &e) < 0);
    CHECKF(strstr(e.msg, "d_model") && strstr(e.msg, "positive"), "%s", e.msg);
    CHECK(parse("{\"num_heads\": -2}", &c, &e) < 0);
    CHECKF(strstr(e.msg, "num_heads"), "%s", e.msg);
    CHECK(parse("{\"d_ff\": 12.5}", &c, &e) < 0);
    CHECKF(strstr(e.msg, "d_ff") && strstr(e.msg, "integer"), "%s", e.msg);
    CHECK(parse("{\"feed_forward_proj\": \"gated-gelu-x\"}", &c, &e) < 0);
    CHECKF(strstr(e.msg, "gated-gelu-x"), "%s", e.msg);
    CHECK(parse("{\"feed_forward_proj\": \"silu\"}", &c, &e) < 0);
    CHECKF(strstr(e.msg, "silu") && strstr(e.msg, "supported"), "%s", e.msg);
    CHECK(parse("{\"tie_word_embeddings\": 1}", &c, &e) < 0);
    CHECK(parse("{\"eos_token_id\": 40000}", &c, &e) < 0);
    CHECKF(strstr(e.msg, "eos_token_id"), "%s", e.msg);
    /* hostile sizes: zero, negative, beyond int, beyond the limits */
    static const struct {
        const char *json, *want;
    } hostile[] = {
        {"{\"vocab_size\": 0}", "config.json: vocab_size must be positive, not 0"},
        {"{\"d_kv\": -64}", "config.json: d_kv must be positive, not -64"},
        {"{\"num_layers\": 0}", "config.json: num_layers must be positive, not 0"},
        {"{\"num_decoder_layers\": -1}", "num_decoder_layers must be positive, not -1"},
        {"{\"relative_attention_num_buckets\": 0}", "relative_attention_num_buckets must be positive"},
        {"{\"vocab_size\": 1099511627776}", "config.json: vocab_size 1099511627776 is out of range"},
        {"{\"d_model\": -1e300}", "config.json: d_model -1.0000000000000001e+300 is out of range"},
        {"{\"vocab_size\": 16777217}", "config.json: vocab_size is 16777217, more than the limit of 16777216"},
        {"{\"num_heads\": 65536, \"d_kv\": 2}", "num_heads * d_kv is 131072, more than the limit of 65536"},
        {"{\"d_ff\": 2147483647}", "d_ff is 2147483647, more than the limit of 1048576"},
        {"{\"num_layers\": 5000}", "num_layers is 5000, more than the limit of 1024"},
        {"{\"vocab_size\": 16777216, \"d_model\": 4096, \"tie_word_embeddings\": false}",
         "config.json: the model would have 137791406592 parameters, more than the limit of 34359738368"},
        {"{\"layer_norm_epsilon\": 0}", "layer_norm_epsilon must be positive"},
        {"{\"layer_norm_epsilon\": 1e300}", "layer_norm_epsilon 1e+300 is out of range"},
        {"{\"initializer_factor\": -1}", "initializer_factor must be positive"},
        {"{\"dropout_rate\": 1.5}", "dropout_rate must be in [0, 1)"},
    };
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        CHECKF(parse(hostile[i].json, &c, &e) < 0, "%s accepted", hostile[i].json);
        CHECKF(strstr(e.msg, hostile[i].want), "%s: \"%s\" lacks \"%s\"", hostile[i].json, e.msg, hostile[i].want);
    }
    CHECK(parse("[1, 2]", &c, &e) < 0);
    CHECK(parse("{\"d_model\": ", &c, &e) < 0);
    CHECKF(strstr(e.msg, "config.json"), "%s", e.msg);

    /* writer round trip, every activation form */
    struct t5_config w, r;
    t5_config_default(&w);
    w.vocab_size = 99;
    w.d_model = 24;
    w.n_dec_layers = 3;
    w.eps = 1e-5f;
    w.dropout_rate = 0.05f;
    w.promptlab_model = true;
    snprintf(w.name_or_path, sizeof w.name_or_path, "promptlab/tiny");
    for (int form = 0; form < 6; form++) {
        w.gated = form & 1;
        w.act = (enum t5_act)(form / 2);
        w.tie_word_embeddings = form % 3 == 0;
        w.scale_decoder_outputs = form == 4 ? !w.tie_word_embeddings : w.tie_word_embeddings;
        char *text = NULL;
        CHECK_INT(t5_config_to_json(&w, &text, &e), 0);
        CHECK_INT(t5_config_parse(text, strlen(text), "written", &r, &e), 0);
        CHECKF(r.act == w.act && r.gated == w.gated && r.tie_word_embeddings == w.tie_word_embeddings &&
                   r.scale_decoder_outputs == w.scale_decoder_outputs,
               "form %d: %s", form, text);
        CHECK(r.vocab_size == 99 && r.d_model == 24 && r.n_dec_layers == 3 && r.eps == 1e-5f &&
              r.dropout_rate == 0.05f && r.promptlab_model && !strcmp(r.name_or_path, "promptlab/tiny"));
        if (form == 0)
            CHECKF(strstr(text, "\"dropout_rate\":\t0.05") != NULL, "%s", text);
        free(text);
    }
}

/* ---- random tiny models --------------------------------------------------------- */


static const struct variant variants[] = {
    {"relu tied", 16, 4, 4, 24, 2, 3, 50, T5_ACT_RELU, false, true, true, 0, ST_F32},
    {"gated-gelu untied, heads*d_kv != d_model", 16, 6, 3, 20, 3, 2, 41, T5_ACT_GELU_NEW, true, false, false, 0, ST_F32},
    {"untied, lm_head absent", 12, 4, 2, 16, 1, 2, 37, T5_ACT_RELU, false, false, false, 1, ST_F32},
    {"tied, scale_decoder_outputs false, gated-relu", 16, 8, 2, 24, 2, 2, 45, T5_ACT_RELU, true, true, false, 0, ST_F32},
    {"untied, scale on, gelu erf, BF16 file", 16, 4, 4, 20, 2, 2, 43, T5_ACT_GELU, false, false, true, 0, ST_BF16},
    {"gated-gelu, F16 file", 16, 4, 4, 32, 2, 2, 40, T5_ACT_GELU_NEW, true, false, false, 0, ST_F16},
};


/* Save with every tensor stored as `dtype`; returns 0 on success. */
static int save_as(const t5_model *m, const char *dir, enum st_dtype dtype, bool drop_lm_head,
                   const char *skip, struct pl_err *e)
{
    int rc = t5_save(m, dir, e);
    if (rc || (dtype == ST_F32 && !skip))
        return rc;
    struct t5_param ps[256];
    int n = t5_param_list(m, t5_model_weights(m), ps, 256);
    struct st_write_tensor wt[256];
    int k = 0;
    for (int i = 0; i < n; i++) {
        if ((drop_lm_head && !strcmp(ps[i].name, "lm_head.weight")) || (skip && !strcmp(ps[i].name, skip)))
            continue;
        wt[k].name = ps[i].name;
        wt[k].dtype = dtype;
        wt[k].n_dims = ps[i].n_dims;
        wt[k].shape[0] = ps[i].shape[0];
        wt[k].shape[1] = ps[i].shape[1];
        wt[k].data = ps[i].data;
        k++;
    }
    char path[256];
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    return st_write(path, wt, k, NULL, NULL, 0, e);
}

static float roundtrip(enum st_dtype dt, float x)
{
    if (dt == ST_BF16)
        return st_bf16_to_f32(st_f32_to_bf16(x));
    if (dt == ST_F16)
        return st_f16_to_f32(st_f32_to_f16(x));
    return x;
}

/* max |a - b| / max(1, max |b|) */
static double err_scaled(const float *a, const double *b, size_t n)
{
    double m = 1, e = 0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs(b[i]));
    for (size_t i = 0; i < n; i++)
        e = fmax(e, fabs(a[i] - b[i]));
    return e / m;
}

static void log_softmax_d(int n, const double *x, double *out)
{
    double m = -INFINITY, z = 0;
    for (int i = 0; i < n; i++)
        m = fmax(m, x[i]);
    for (int i = 0; i < n; i++)
        z += exp(x[i] - m);
    for (int i = 0; i < n; i++)
        out[i] = x[i] - m - log(z);
}

/* BeamHypotheses, literally: append, and past n_beams drop the worst. */
struct naive_hyps {
    int n, n_beams;
    double worst;
    double score[16];
    int len[16];
    int tok[16][64];
};

static void naive_hyps_add(struct naive_hyps *h, const int *tok, int len, double score)
{
    if (!(h->n < h->n_beams || score > h->worst))
        return;
    h->score[h->n] = score;
    h->len[h->n] = len;
    memcpy(h->tok[h->n], tok, sizeof(int) * len);
    h->n++;
    if (h->n > h->n_beams) {
        int lo = 0;
        for (int i = 1; i < h->n; i++)
            if (h->score[i] < h->score[lo])
                lo = i;
        for (int i = lo; i + 1 < h->n; i++) {
            h->score[i] = h->score[i + 1];
            h->len[i] = h->len[i + 1];
            memcpy(h->tok[i], h->tok[i + 1], sizeof h->tok[i]);
        }
        h->n--;
        h->worst = h->score[0];
        for (int i = 1; i < h->n; i++)
            h->worst = fmin(h->worst, h->score[i]);
    } else {
        h->worst = fmin(score, h->worst);
    }
}

/* NoRepeatNGramLogitsProcessor, literally: collect every n-gram of seq
 * [0, cur) as (prefix, next), then ban the nexts whose prefix is the last
 * n-1 entries. banned[v] receives 1 for banned tokens. */
static void naive_banned(int n, const int *seq, int cur, int V, int *banned)
{
    memset(banned, 0, sizeof(int) * V);
    if (n <= 0 || cur + 1 < n)
        return;
    int prefix[8], n_grams = cur - n + 1;
    for (int k = 0; k < n - 1; k++)
        prefix[k] = seq[cur - n + 1 + k];
    for (int g = 0; g < n_grams; g++) {
        int same = 1;
        for (int k = 0; k < n - 1; k++)
            same &= seq[g + k] == prefix[k];
        if (same)
            banned[seq[g + n - 1]] = 1;
    }
}

/* Greedy decoding on the naive model with bans: tokens, their log-probs
 * (of the unbanned distribution), stopping at EOS or max_new. */
static int naive_greedy(const struct t5_config *c, const struct t5_weights *w, const double *enc,
                        int T, int len, int max_new, int ngram, int *out_ids, double *out_lp)
{
    int V = c->vocab_size, seq[65] = {c->decoder_start_token_id}, cur = 1, n = 0;
    double *lg = malloc(sizeof(double) * 65 * V), *ls = malloc(sizeof(double) * V);
    int *banned = malloc(sizeof(int) * V);
    while (n < max_new) {
        naive_decoder(c, w, enc, T, len, seq, cur, lg);
        const double *row = lg + (size_t)(cur - 1) * V;
        log_softmax_d(V, row, ls);
        naive_banned(ngram, seq, cur, V, banned);
        int best = -1;
        for (int v = 0; v < V; v++)
            if (!banned[v] && (best < 0 || row[v] > row[best]))
                best = v;
        if (best == c->eos_token_id)
            break;
        out_ids[n] = best;
        out_lp[n++] = ls[best];
        seq[cur++] = best;
    }
    free(lg), free(ls), free(banned);
    return n;
}

/* Hugging Face's beam search on the naive model, recomputing the whole
 * decoder at each step; lengths count generated tokens including EOS;
 * ngram > 0 bans repeated n-grams per beam (-inf after the log-softmax). */
static void naive_beam(const struct t5_config *c, const struct t5_weights *w, const double *enc,
                       int T, int len, int N, int max_new, double lp, int ngram, int *out_ids,
                       int *out_n)
{
    int banned[64];
    int V = c->vocab_size, M = max_new + 1;
    int *seq = calloc((size_t)N * M, sizeof(int)), *nseq = calloc((size_t)N * M, sizeof(int));
    double *bs = malloc(sizeof(double) * N), *lg = malloc(sizeof(double) * M * V),
           *ls = malloc(sizeof(double) * V), *cs = malloc(sizeof(double) * N * V);
    struct naive_hyps h = {.n_beams = N, .worst = 1e9};
    for (int j = 0; j < N; j++) {
        seq[j * M] = c->decoder_start_token_id;
        bs[j] = j == 0 ? 0 : -1e9;
    }
    int cur = 1, done = 0;
    for (int step = 0; step < max_new && !done; step++) {
        for (int j = 0; j < N; j++) {
            naive_decoder(c, w, enc, T, len, seq + j * M, cur, lg);
            log_softmax_d(V, lg + (size_t)(cur - 1) * V, ls);
            naive_banned(ngram, seq + j * M, cur, V, banned);
            for (int v = 0; v < V; v++) /* float32 as torch adds them */
                cs[j * V + v] = banned[v] ? -INFINITY : (float)((float)ls[v] + (float)bs[j]);
        }
        int top[16]; /* top 2N by repeated selection, ties to the lower index */
        for (int k = 0; k < 2 * N; k++) {
            int best = -1;
            for (int i = 0; i < N * V; i++) {
                int used = 0;
                for (int q = 0; q < k; q++)
                    used |= top[q] == i;
                if (!used && (best < 0 || cs[i] > cs[best]))
                    best = i;
            }
            top[k] = best;
        }
        int filled = 0;
        double nbs[16];
        for (int k = 0; k < 2 * N && filled < N; k++) {
            int j = top[k] / V, v = top[k] % V;
            if (v == c->eos_token_id) {
                if (k < N)
                    naive_hyps_add(&h, seq + j * M + 1, cur - 1, cs[top[k]] / pow(step + 1, lp));
            } else {
                memcpy(nseq + filled * M, seq + j * M, sizeof(int) * cur);
                nseq[filled * M + cur] = v;
                nbs[filled++] = cs[top[k]];
            }
        }
        if (h.n >= N && h.worst >= cs[top[0]] / pow(step + 1, lp))
            done = 1;
        memcpy(seq, nseq, sizeof(int) * N * M);
        for (int j = 0; j < N; j++)
            bs[j] = nbs[j];
        cur++;
    }
    if (!done)
        for (int j = 0; j < N; j++)
            naive_hyps_add(&h, seq + j * M + 1, cur - 1, bs[j] / pow(cur - 1, lp));
    int best = 0;
    for (int i = 1; i < h.n; i++)
        if (h.score[i] > h.score[best])
            best = i;
    *out_n = h.len[best];
    memcpy(out_ids, h.tok[best], sizeof(int) * h.len[best]);
    free(seq), free(nseq), free(bs), free(lg), free(ls), free(cs);
}

static void test_variant(const struct variant *v, int vi)
{
    struct t5_config c;
    struct pl_err e = {0};
    variant_config(v, &c);
    if (v->lm_head_absent)
        c.tie_word_embeddings = true; /* so the saved file has no lm_head */
    t5_model *src = NULL, *m = NULL;
    CHECK_INT(t5_init_random(&c, 100 + vi, &src, &e), 0);
    if (!src)
        return;
    char dir[128];
    snprintf(dir, sizeof dir, "%s/v%d", tmp_root, vi);
    int rc = save_as(src, dir, v->dtype, false, NULL, &e);
    if (v->lm_head_absent) {
        /* saved tied, then declared untied: the loader must fall back to shared */
        struct t5_config cu = c;
        cu.tie_word_embeddings = false;
        cu.scale_decoder_outputs = false;
        char p[256];
        snprintf(p, sizeof p, "%s/config.json", dir);
        rc |= t5_config_save(&cu, p, &e);
        c = cu;
    }
    CHECKF(rc == 0, "%s: save: %s", v->name, e.msg);
    rc = t5_open(dir, &m, &e);
    CHECKF(rc == 0, "%s: open: %s", v->name, e.msg);
    if (rc) {
        t5_free(src);
        return;
    }
    const struct t5_config *mc = t5_model_config(m);
    CHECK(mc->act == c.act && mc->gated == c.gated && mc->scale_decoder_outputs == c.scale_decoder_outputs);
    CHECK(t5_model_has_lm_head(m) == (!v->tie && !v->lm_head_absent));
    CHECK(!t5_model_owns_weights(m) && t5_model_owns_weights(src));

    /* weights survive the round trip (bit-exact for F32) */
    struct t5_param ps[256], pm[256];
    int n_src = t5_param_list(src, t5_model_weights(src), ps, 256);
    int n_m = t5_param_list(m, t5_model_weights(m), pm, 256);
    CHECK_INT(n_src, n_m);
    int same = 1;
    for (int i = 0; i < n_src && i < n_m; i++) {
        same &= !strcmp(ps[i].name, pm[i].name) && ps[i].n == pm[i].n;
        for (size_t k = 0; same && k < ps[i].n; k++)
            same &= roundtrip(v->dtype, ps[i].data[k]) == pm[i].data[k];
    }
    CHECKF(same, "%s: weights differ after save/open", v->name);
    size_t np = 0;
    for (int i = 0; i < n_m; i++)
        np += pm[i].n;
    CHECK_INT(t5_model_n_params(m), np);

    /* a padded batch with a prefix: lengths 3, 1, 6 ids after 2 prefix rows */
    const struct t5_weights *w = t5_model_weights(m);
    int B = 3, Tid = 6, NP = 2, T = NP + Tid, d = c.d_model, V = c.vocab_size;
    int lens_ids[3] = {3, 1, 6}, lens[3];
    int ids[18];
    struct pl_rng rng;
    pl_rng_seed(&rng, 7 + vi);
    for (int i = 0; i < B * Tid; i++)
        ids[i] = 2 + (int)pl_rng_below(&rng, (uint32_t)V - 2);
    float prefix[2 * 64];
    for (int i = 0; i < NP * d; i++)
        prefix[i] = pl_rng_normal(&rng);
    float *emb = malloc(sizeof(float) * B * T * d);
    CHECK_INT(t5_embed_batch(m, prefix, NP, ids, lens_ids, B, Tid, emb, &e), 0);
    for (int b = 0; b < B; b++)
        lens[b] = NP + lens_ids[b];
    CHECK(emb[(size_t)(1 * T + 0) * d + 3] == prefix[3]);
    CHECK(emb[(size_t)(2 * T + 2) * d + 1] == w->shared[(size_t)ids[2 * Tid] * d + 1]);
    CHECK(emb[(size_t)(1 * T + 5) * d] == 0.0f);

    t5_state *s = NULL;
    int U = 5;
    CHECK_INT(t5_state_init(m, 4, 10, 8, 3, &s, &e), 0);
    CHECK_INT(t5_encode(s, emb, lens, B, T, &e), 0);
    double *enc_ref = malloc(sizeof(double) * T * d);
    double worst_enc = 0;
    for (int b = 0; b < B; b++) {
        naive_encoder(&c, w, emb + (size_t)b * T * d, T, lens[b], enc_ref);
        int len = 0;
        const float *out = t5_encoder_output(s, b, &len);
        CHECK_INT(len, lens[b]);
        worst_enc = fmax(worst_enc, err_scaled(out, enc_ref, (size_t)len * d));
    }
    CHECKF(worst_enc < 1e-5, "%s: encoder err %g", v->name, worst_enc);

    /* decoder: teacher-forced steps through the KV cache vs full naive
     * recomputation, per row */
    int tgt[15], tgt_lens[3] = {5, 2, 4};
    for (int i = 0; i < B * U; i++)
        tgt[i] = 1 + (int)pl_rng_below(&rng, (uint32_t)V - 1);
    int dec_ids[15];
    for (int b = 0; b < B; b++)
        for (int i = 0; i < U; i++)
            dec_ids[b * U + i] = i == 0 ? c.decoder_start_token_id : tgt[b * U + i - 1];
    double *ref = malloc(sizeof(double) * B * U * V);
    naive_logits(&c, w, emb, lens, B, T, dec_ids, U, ref);
    CHECK_INT(t5_decode_begin(s, 1, &e), 0);
    double worst_step = 0;
    float step_logp[15];
    float *ls = malloc(sizeof(float) * V);
    for (int i = 0; i < U; i++) {
        int tok[3];
        for (int b = 0; b < B; b++)
            tok[b] = dec_ids[b * U + i];
        const float *lg = NULL;
        CHECK_INT(t5_decode_step(s, tok, &lg, &e), 0);
        for (int b = 0; b < B; b++) {
            worst_step = fmax(worst_step, err_scaled(lg + (size_t)b * V, ref + ((size_t)b * U + i) * V, V));
            kern_log_softmax(V, lg + (size_t)b * V, ls);
            step_logp[b * U + i] = ls[tgt[b * U + i]];
        }
    }
    CHECKF(worst_step < 1e-5, "%s: cached decoder logits err %g", v->name, worst_step);

    /* teacher-forced scores = naive log-probs = cached step log-probs */
    float logp[15];
    CHECK_INT(t5_score(s, emb, lens, B, T, tgt, tgt_lens, U, logp, &e), 0);
    double worst_score = 0, worst_vs_step = 0;
    double *lsd = malloc(sizeof(double) * V);
    for (int b = 0; b < B; b++)
        for (int i = 0; i < U; i++) {
            if (i >= tgt_lens[b]) {
                CHECK(logp[b * U + i] == 0.0f);
                continue;
            }
            log_softmax_d(V, ref + ((size_t)b * U + i) * V, lsd);
            worst_score = fmax(worst_score, fabs(logp[b * U + i] - lsd[tgt[b * U + i]]));
            worst_vs_step = fmax(worst_vs_step, fabs(logp[b * U + i] - step_logp[b * U + i]));
        }
    CHECKF(worst_score < 1e-5, "%s: score vs naive err %g", v->name, worst_score);
    CHECKF(worst_vs_step < 1e-5, "%s: score vs cached steps err %g", v->name, worst_vs_step);

    /* greedy: every token is the argmax of the naive logits given the prefix,
     * and its score is the teacher-forced score of its output + EOS */
    struct t5_gen_params gp;
    t5_gen_params_default(&gp);
    gp.max_new_tokens = 7;
    int gids[3 * 7], gn[3];
    float gsc[3];
    CHECK_INT(t5_generate(s, emb, lens, B, T, &gp, gids, gn, gsc, NULL, &e), 0);
    int greedy_ok = 1;
    double *lg1 = malloc(sizeof(double) * 8 * V);
    for (int b = 0; b < B; b++) {
        naive_encoder(&c, w, emb + (size_t)b * T * d, T, lens[b], enc_ref);
        int seq[8] = {c.decoder_start_token_id};
        int n_steps = gn[b] < gp.max_new_tokens ? gn[b] + 1 : gn[b];
        for (int i = 0; i < gn[b]; i++)
            seq[i + 1] = gids[b * 7 + i];
        naive_decoder(&c, w, enc_ref, T, lens[b], seq, n_steps, lg1);
        for (int i = 0; i < n_steps; i++) {
            const double *row = lg1 + (size_t)i * V;
            int want = i < gn[b] ? seq[i + 1] : c.eos_token_id, am = 0;
            for (int k = 1; k < V; k++)
                if (row[k] > row[am])
                    am = k;
            /* allow near-ties to resolve either way */
            greedy_ok &= am == want || fabs(row[am] - row[want]) < 1e-5;
        }
        /* score of output (+ EOS when it stopped) */
        int t_ids[8], t_len = 0;
        for (int i = 0; i < gn[b]; i++)
            t_ids[t_len++] = gids[b * 7 + i];
        if (gn[b] < gp.max_new_tokens)
            t_ids[t_len++] = c.eos_token_id;
        float lp8[8];
        CHECK_INT(t5_score(s, emb + (size_t)b * T * d, &lens[b], 1, T, t_ids, &t_len, t_len, lp8, &e), 0);
        double sum = 0;
        for (int i = 0; i < t_len; i++)
            sum += lp8[i];
        CHECKF(fabs(sum - gsc[b]) < 1e-4, "%s: greedy score %g vs teacher-forced %g", v->name, gsc[b], sum);
    }
    CHECKF(greedy_ok, "%s: greedy tokens are not the naive argmax", v->name);

    /* the beam search routine at width 1 == greedy exactly */
    int bids[3 * 7], bn[3];
    CHECK_INT(t5_encode(s, emb, lens, B, T, &e), 0);
    struct t5_gen_params gp1 = gp;
    gp1.n_beams = 1;
    CHECK_INT(beam(s, B, &gp1, bids, bn, NULL, NULL, &e), 0);
    int eq = 1;
    for (int b = 0; b < B; b++) {
        eq &= bn[b] == gn[b];
        for (int i = 0; i < gn[b] && i < bn[b]; i++)
            eq &= bids[b * 7 + i] == gids[b * 7 + i];
    }
    CHECKF(eq, "%s: beam width 1 differs from greedy", v->name);

    /* beam 2 and 3 against HF's algorithm on the naive model */
    for (int N = 2; N <= 3; N++) {
        for (float lp = 0.5f; lp <= 1.5f; lp += 1.0f) {
            gp.n_beams = N;
            gp.length_penalty = lp;
            gp.max_new_tokens = 5;
            float bsc[3];
            CHECK_INT(t5_generate(s, emb, lens, B, T, &gp, bids, bn, bsc, NULL, &e), 0);
            for (int b = 0; b < B; b++) {
                naive_encoder(&c, w, emb + (size_t)b * T * d, T, lens[b], enc_ref);
                int rids[8], rn = 0;
                naive_beam(&c, w, enc_ref, T, lens[b], N, 5, lp, 0, rids, &rn);
                int ok = rn == bn[b];
                for (int i = 0; ok && i < rn; i++)
                    ok = rids[i] == bids[b * 5 + i];
                CHECKF(ok, "%s: beam %d lp %.1f input %d differs from the reference", v->name, N, lp, b);
            }
        }
    }
    free(lg1);
    free(lsd), free(ls), free(ref), free(enc_ref), free(emb);
    t5_state_free(s);
    t5_free(m);
    t5_free(src);
}

/* Beam search where EOS competes at every step: a vocabulary of 8, so
 * finished hypotheses, the rank rule and the length penalty all matter. */
static void test_beam_small_vocab(void)
{
    struct pl_err e = {0};
    int early = 0, cases = 0, bad = 0, bad_greedy = 0, greedy_cases = 0, banned_changed = 0;
    for (int vi = 0; vi < 16; vi++) {
        struct t5_config c;
        variant_config(&variants[vi % 2], &c);
        c.vocab_size = 8;
        t5_model *m = NULL;
        CHECK_INT(t5_init_random(&c, 40 + vi, &m, &e), 0);
        const struct t5_weights *w = t5_model_weights(m);
        /* a long EOS row: its logit is often far above or below the rest */
        for (int i = 0; i < c.d_model; i++)
            w->lm_head[(size_t)c.eos_token_id * c.d_model + i] *= 3.0f;
        int B = 6, T = 5, d = c.d_model;
        int lens[6] = {5, 2, 4, 3, 1, 5};
        float *emb = malloc(sizeof(float) * B * T * d);
        struct pl_rng rng;
        pl_rng_seed(&rng, 11 + vi);
        for (int i = 0; i < B * T * d; i++)
            emb[i] = pl_rng_normal(&rng);
        t5_state *s = NULL;
        CHECK_INT(t5_state_init(m, B, T, 6, 3, &s, &e), 0);
        double *enc = malloc(sizeof(double) * T * d);
        static const float lps[] = {0.0f, 0.5f, 1.0f, 2.0f};
        for (int max_new = 4; max_new <= 6; max_new += 2)
            for (int N = 2; N <= 3; N++)
                for (int li = 0; li < 4; li++)
                    for (int ng = 0; ng <= 3; ng += vi % 2 ? 3 : 2) {
                        struct t5_gen_params gp;
                        t5_gen_params_default(&gp);
                        gp.max_new_tokens = max_new;
                        gp.n_beams = N;
                        gp.length_penalty = lps[li];
                        gp.no_repeat_ngram = ng;
                        int caps[6] = {max_new, 2, 3, max_new - 1, 1, max_new};
                        gp.max_new_each = li % 2 ? caps : NULL;
                        int ids[6 * 6], n[6];
                        CHECK_INT(t5_generate(s, emb, lens, B, T, &gp, ids, n, NULL, NULL, &e), 0);
                        for (int b = 0; b < B; b++) {
                            naive_encoder(&c, w, emb + (size_t)b * T * d, T, lens[b], enc);
                            int rids[8], rn = 0, cap = gp.max_new_each ? caps[b] : max_new;
                            naive_beam(&c, w, enc, T, lens[b], N, cap, lps[li], ng, rids, &rn);
                            int ok = rn == n[b];
                            for (int i = 0; ok && i < rn; i++)
                                ok = rids[i] == ids[b * max_new + i];
                            if (!ok && bad++ < 5)
                                fprintf(stderr, "small vocab model %d: beam %d lp %.1f max %d "
                                        "cap %d ngram %d input %d: %d tokens, reference %d\n", vi,
                                        N, lps[li], max_new, cap, ng, b, n[b], rn);
                            early += n[b] < cap;
                            cases++;
                        }
                    }
        /* greedy with bans and caps against the naive loop, log-probs too */
        for (int ng = 0; ng <= 3; ng++) {
            struct t5_gen_params gp;
            t5_gen_params_default(&gp);
            gp.max_new_tokens = 6;
            gp.no_repeat_ngram = ng;
            int caps[6] = {6, 2, 3, 5, 1, 6};
            gp.max_new_each = ng % 2 ? caps : NULL;
            int ids[6 * 6], n[6], plain[6 * 6], pn[6];
            float lp[6 * 6];
            CHECK_INT(t5_generate(s, emb, lens, B, T, &gp, ids, n, NULL, lp, &e), 0);
            gp.no_repeat_ngram = 0;
            gp.max_new_each = NULL;
            CHECK_INT(t5_generate(s, emb, lens, B, T, &gp, plain, pn, NULL, NULL, &e), 0);
            for (int b = 0; b < B; b++) {
                naive_encoder(&c, w, emb + (size_t)b * T * d, T, lens[b], enc);
                int rids[8], cap = ng % 2 ? caps[b] : 6;
                double rlp[8];
                int rn = naive_greedy(&c, w, enc, T, lens[b], cap, ng, rids, rlp);
                int ok = rn == n[b];
                for (int i = 0; ok && i < rn; i++)
                    ok = rids[i] == ids[b * 6 + i] && fabs(rlp[i] - lp[b * 6 + i]) < 1e-4;
                if (!ok && bad_greedy++ < 5)
                    fprintf(stderr, "small vocab model %d: greedy cap %d ngram %d input %d: %d "
                            "tokens, reference %d\n", vi, cap, ng, b, n[b], rn);
                greedy_cases++;
                int same = pn[b] == n[b];
                for (int i = 0; same && i < n[b]; i++)
                    same = plain[b * 6 + i] == ids[b * 6 + i];
                banned_changed += ng > 0 && !same;
            }
        }
        free(enc);
        free(emb);
        t5_state_free(s);
        t5_free(m);
    }
    CHECKF(bad == 0, "%d of %d beam searches differ from the reference", bad, cases);
    CHECKF(early > cases / 8, "only %d of %d beam results ended with EOS", early, cases);
    CHECKF(bad_greedy == 0, "%d of %d greedy runs differ from the reference", bad_greedy,
           greedy_cases);
    CHECKF(banned_changed > greedy_cases / 8, "n-gram bans changed only %d of %d outputs",
           banned_changed, greedy_cases);
}

/* ---- t5_open errors --------------------------------------------------------------- */

static void test_open_errors(void)
{
    struct t5_config c;
    struct pl_err e = {0};
    variant_config(&variants[0], &c);
    t5_model *src = NULL, *m = NULL;
    CHECK_INT(t5_init_random(&c, 5, &src, &e), 0);
    char dir[128], p[256];

    snprintf(dir, sizeof dir, "%s/missing_tensor", tmp_root);
    CHECK_INT(save_as(src, dir, ST_F32, false, "encoder.block.1.layer.1.DenseReluDense.wo.weight", &e), 0);
    CHECK(t5_open(dir, &m, &e) < 0 && !m);
    CHECKF(strstr(e.msg, "model.safetensors: tensor encoder.block.1.layer.1.DenseReluDense.wo.weight is missing"),
           "%s", e.msg);

    snprintf(dir, sizeof dir, "%s/wrong_shape", tmp_root);
    CHECK_INT(t5_save(src, dir, &e), 0);
    struct t5_config c2 = c;
    c2.d_ff = 48;
    snprintf(p, sizeof p, "%s/config.json", dir);
    CHECK_INT(t5_config_save(&c2, p, &e), 0);
    CHECK(t5_open(dir, &m, &e) < 0);
    CHECKF(strstr(e.msg, "model.safetensors: tensor encoder.block.0.layer.1.DenseReluDense.wi.weight "
                         "has shape [24,16], config wants [48,16]"),
           "%s", e.msg);

    c2 = c;
    c2.vocab_size = 60;
    CHECK_INT(t5_config_save(&c2, p, &e), 0);
    CHECK(t5_open(dir, &m, &e) < 0);
    CHECKF(strstr(e.msg, "shared.weight has shape [50,16], config wants [60,16]") && strstr(e.msg, "vocab_size 60"),
           "%s", e.msg);

    /* embed_tokens alias instead of shared.weight, plus a legacy tensor */
    snprintf(dir, sizeof dir, "%s/alias", tmp_root);
    CHECK_INT(t5_save(src, dir, &e), 0);
    {
        struct t5_param ps[256];
        int n = t5_param_list(src, t5_model_weights(src), ps, 256);
        struct st_write_tensor wt[257];
        for (int i = 0; i < n; i++) {
            wt[i].name = strcmp(ps[i].name, "shared.weight") ? ps[i].name : "encoder.embed_tokens.weight";
            wt[i].dtype = ST_F32;
            wt[i].n_dims = ps[i].n_dims;
            wt[i].shape[0] = ps[i].shape[0];
            wt[i].shape[1] = ps[i].shape[1];
            wt[i].data = ps[i].data;
        }
        wt[n] = wt[1];
        wt[n].name = "decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight";
        snprintf(p, sizeof p, "%s/model.safetensors", dir);
        CHECK_INT(st_write(p, wt, n + 1, NULL, NULL, 0, &e), 0);
        CHECKF(t5_open(dir, &m, &e) == 0, "%s", e.msg);
        if (m)
            CHECK(t5_model_weights(m)->shared[7] == t5_model_weights(src)->shared[7] &&
                  t5_model_weights(m)->lm_head == t5_model_weights(m)->shared);
        t5_free(m);
        m = NULL;
    }

    /* a tied model whose file also carries a (different) lm_head uses shared */
    snprintf(dir, sizeof dir, "%s/tied_with_head", tmp_root);
    CHECK_INT(t5_save(src, dir, &e), 0);
    {
        struct t5_param ps[256];
        int n = t5_param_list(src, t5_model_weights(src), ps, 256);
        struct st_write_tensor wt[257];
        for (int i = 0; i < n; i++) {
            wt[i].name = ps[i].name;
            wt[i].dtype = ST_F32;
            wt[i].n_dims = ps[i].n_dims;
            wt[i].shape[0] = ps[i].shape[0];
            wt[i].shape[1] = ps[i].shape[1];
            wt[i].data = ps[i].data;
        }
        float *other = calloc((size_t)c.vocab_size * c.d_model, sizeof(float));
        wt[n] = wt[0];
        wt[n].name = "lm_head.weight";
        wt[n].data = other;
        snprintf(p, sizeof p, "%s/model.safetensors", dir);
        CHECK_INT(st_write(p, wt, n + 1, NULL, NULL, 0, &e), 0);
        free(other);
        CHECKF(t5_open(dir, &m, &e) == 0, "%s", e.msg);
        if (m)
            CHECK(!t5_model_has_lm_head(m) && t5_model_weights(m)->lm_head == t5_model_weights(m)->shared);
        t5_free(m);
        m = NULL;
    }

    /* NaN or Inf in a weight: refused at load, naming the tensor and the
     * first bad element (F32 used in place and BF16 converted alike) */
    {
        const struct t5_weights *w = t5_model_weights(src);
        float *wo = w->enc[1].wo, *shared = w->shared; /* owned by a random model */
        size_t at = (size_t)c.d_ff + 3;                /* row 1, column 3 */
        float keep = wo[at], keep2 = shared[7];
        wo[at] = NAN;
        wo[at + 5] = INFINITY;
        snprintf(dir, sizeof dir, "%s/nan", tmp_root);
        CHECK_INT(t5_save(src, dir, &e), 0);
        CHECK(t5_open(dir, &m, &e) == PL_EFORMAT && !m);
        char want[300];
        snprintf(want, sizeof want, "model.safetensors: tensor encoder.block.1.layer.1.DenseReluDense.wo.weight "
                 "holds NaN at element %zu (index [1,3])", at);
        CHECKF(strstr(e.msg, dir) && strstr(e.msg, want), "%s", e.msg);
        wo[at] = keep;
        wo[at + 5] = keep;
        shared[7] = -INFINITY;
        snprintf(dir, sizeof dir, "%s/inf_bf16", tmp_root);
        CHECK_INT(save_as(src, dir, ST_BF16, false, NULL, &e), 0);
        CHECK(t5_open(dir, &m, &e) == PL_EFORMAT && !m);
        CHECKF(strstr(e.msg, "tensor shared.weight holds -Inf at element 7 (index [0,7])"), "%s", e.msg);
        shared[7] = keep2;
        CHECKF(t5_save(src, dir, &e) == 0 && t5_open(dir, &m, &e) == 0, "%s", e.msg);
        t5_free(m);
        m = NULL;
    }

    snprintf(dir, sizeof dir, "%s/no_such_dir", tmp_root);
    CHECK(t5_open(dir, &m, &e) < 0);
    CHECKF(strstr(e.msg, "config.json"), "%s", e.msg);

    snprintf(dir, sizeof dir, "%s/bart", tmp_root);
    CHECK_INT(t5_save(src, dir, &e), 0);
    snprintf(p, sizeof p, "%s/config.json", dir);
    static const char bart[] = "{\"model_type\": \"bart\", \"d_model\": 16}";
    CHECK_INT(pl_write_file_atomic(p, bart, sizeof bart - 1, &e), 0);
    CHECK(t5_open(dir, &m, &e) < 0);
    CHECKF(strstr(e.msg, "bart") && strstr(e.msg, "supported"), "%s", e.msg);

    snprintf(dir, sizeof dir, "%s/no_weights", tmp_root);
    CHECK_INT(t5_save(src, dir, &e), 0);
    snprintf(p, sizeof p, "%s/model.safetensors", dir);
    unlink(p);
    CHECK(t5_open(dir, &m, &e) < 0);
    CHECKF(strstr(e.msg, "model.safetensors"), "%s", e.msg);

    /* argument errors */
    int ids[2] = {3, 99}, lens[1] = {2};
    float out[2 * 16];
    CHECK(t5_embed_batch(src, NULL, 0, ids, lens, 1, 2, out, &e) < 0);
    CHECKF(strstr(e.msg, "99"), "%s", e.msg);
    t5_state *s = NULL;
    CHECK_INT(t5_state_init(src, 1, 4, 4, 1, &s, &e), 0);
    float emb[5 * 16] = {0};
    int l5[1] = {5};
    CHECK(t5_encode(s, emb, l5, 1, 5, &e) < 0);
    int l0[1] = {0};
    CHECK(t5_encode(s, emb, l0, 1, 4, &e) < 0);
    const float *lg;
    int tok = 0;
    CHECK(t5_decode_step(s, &tok, &lg, &e) < 0);
    t5_state_free(s);
    t5_free(src);
}

/* ---- parameters, gradients buffers ------------------------------------------------ */

static void test_params(void)
{
    struct t5_config c;
    struct pl_err e = {0};
    for (int vi = 0; vi < 2; vi++) {
        variant_config(&variants[vi], &c);
        t5_model *m = NULL;
        CHECK_INT(t5_init_random(&c, 1, &m, &e), 0);
        int n = t5_param_list(m, t5_model_weights(m), NULL, 0);
        int per_enc = 4 + 1 + (c.gated ? 3 : 2) + 1, per_dec = per_enc + 5;
        int want = 1 + c.n_layers * per_enc + 1 + 1 + c.n_dec_layers * per_dec + 1 + 1 + !c.tie_word_embeddings;
        CHECK_INT(n, want);
        struct t5_param ps[256];
        t5_param_list(m, t5_model_weights(m), ps, 256);
        CHECK_STR(ps[0].name, "shared.weight");
        CHECK_STR(ps[1].name, "encoder.block.0.layer.0.SelfAttention.q.weight");
        CHECK(ps[1].shape[0] == c.n_heads * c.d_kv && ps[1].shape[1] == c.d_model);
        /* init scales as HF: layer norms one, q ~ (d*d_kv)^-1/2 */
        double ss = 0;
        for (size_t i = 0; i < ps[1].n; i++)
            ss += ps[1].data[i] * ps[1].data[i];
        double want_std = 1.0 / sqrt((double)c.d_model * c.d_kv);
        CHECK(fabs(sqrt(ss / ps[1].n) / want_std - 1) < 0.25);
        CHECK(t5_model_weights(m)->enc[0].ln_attn[3] == 1.0f);

        struct t5_weights *g = NULL;
        CHECK_INT(t5_grads_init(m, &g, &e), 0);
        CHECK((g->lm_head == g->shared) == c.tie_word_embeddings);
        struct t5_param gs[256];
        CHECK_INT(t5_param_list(m, g, gs, 256), n);
        int ok = 1;
        for (int i = 0; i < n; i++) {
            ok &= gs[i].n == ps[i].n && !strcmp(gs[i].name, ps[i].name);
            for (size_t k = 0; k < gs[i].n; k++)
                ok &= gs[i].data[k] == 0.0f;
            gs[i].data[gs[i].n - 1] = 1.0f;
        }
        CHECK(ok);
        t5_grads_zero(m, g);
        ok = 1;
        for (int i = 0; i < n; i++)
            ok &= gs[i].data[gs[i].n - 1] == 0.0f;
        CHECK(ok);
        t5_grads_free(g);
        t5_free(m);
    }
}

/* ---- threads: a shared model, one state each ----------------------------------------- */

struct thread_job {
    const t5_model *m;
    const float *emb;
    int lens[2], T;
    int ids[2 * 6], n[2];
    int rc;
};

static void *thread_run(void *p)
{
    struct thread_job *j = p;
    t5_state *s = NULL;
    struct t5_gen_params gp;
    t5_gen_params_default(&gp);
    gp.max_new_tokens = 6;
    gp.n_beams = 2;
    j->rc = t5_state_init(j->m, 2, j->T, 6, 2, &s, NULL);
    for (int it = 0; it < 20 && j->rc == 0; it++)
        j->rc = t5_generate(s, j->emb, j->lens, 2, j->T, &gp, j->ids, j->n, NULL, NULL, NULL);
    t5_state_free(s);
    return NULL;
}

static void test_threads(void)
{
    struct t5_config c;
    variant_config(&variants[1], &c);
    t5_model *m = NULL;
    CHECK_INT(t5_init_random(&c, 9, &m, NULL), 0);
    int T = 5, d = c.d_model;
    float *emb = malloc(sizeof(float) * 2 * T * d);
    struct pl_rng rng;
    pl_rng_seed(&rng, 3);
    for (int i = 0; i < 2 * T * d; i++)
        emb[i] = pl_rng_normal(&rng);
    struct thread_job jobs[3];
    pthread_t th[3];
    for (int i = 0; i < 3; i++) {
        memset(&jobs[i], 0, sizeof jobs[i]);
        jobs[i] = (struct thread_job){.m = m, .emb = emb, .lens = {5, 3}, .T = T};
    }
    thread_run(&jobs[0]);
    for (int i = 1; i < 3; i++)
        pthread_create(&th[i], NULL, thread_run, &jobs[i]);
    for (int i = 1; i < 3; i++)
        pthread_join(th[i], NULL);
    for (int i = 1; i < 3; i++) {
        CHECK_INT(jobs[i].rc, 0);
        CHECK(!memcmp(jobs[i].ids, jobs[0].ids, sizeof jobs[0].ids) && !memcmp(jobs[i].n, jobs[0].n, sizeof jobs[0].n));
    }
    free(emb);
    t5_free(m);
}

/* F16 files: every weight comes back as its nearest half, the file is
 * about half as large, and a weight beyond F16's range is refused by name. */
static void test_save_f16(void)
{
    struct t5_config c;
    struct pl_err e = {0};
    variant_config(&variants[0], &c);
    t5_model *src = NULL, *m = NULL;
    CHECK_INT(t5_init_random(&c, 7, &src, &e), 0);
    char d32[128], d16[128], p[256];
    snprintf(d32, sizeof d32, "%s/f32", tmp_root);
    snprintf(d16, sizeof d16, "%s/f16", tmp_root);
    CHECK_INT(t5_save(src, d32, &e), 0);
    CHECKF(t5_save_as(src, d16, true, &e) == 0 && t5_open(d16, &m, &e) == 0, "%s", e.msg);
    if (m) {
        struct t5_param a[256], b[256];
        int n = t5_param_list(src, t5_model_weights(src), a, 256);
        CHECK_INT(t5_param_list(m, t5_model_weights(m), b, 256), n);
        size_t bad = 0, total = 0;
        for (int i = 0; i < n; i++)
            for (size_t k = 0; k < a[i].n; k++, total++)
                bad += b[i].data[k] != st_f16_to_f32(st_f32_to_f16(a[i].data[k]));
        CHECKF(bad == 0 && total > 1000, "%zu of %zu weights are not their nearest half", bad,
               total);
        t5_free(m);
    }
    struct stat s32, s16;
    snprintf(p, sizeof p, "%s/model.safetensors", d32);
    CHECK(stat(p, &s32) == 0);
    snprintf(p, sizeof p, "%s/model.safetensors", d16);
    CHECK(stat(p, &s16) == 0);
    CHECKF(s16.st_size * 10 < s32.st_size * 6, "F16 file %lld bytes, F32 %lld",
           (long long)s16.st_size, (long long)s32.st_size);

    struct t5_param ps[256];
    t5_param_list(src, t5_model_weights(src), ps, 256);
    ps[3].data[5] = 70000.0f;
    snprintf(d16, sizeof d16, "%s/f16_big", tmp_root);
    CHECK(t5_save_as(src, d16, true, &e) == PL_ERANGE);
    CHECKF(strstr(e.msg, ps[3].name) && strstr(e.msg, "does not fit in F16"), "%s", e.msg);
    snprintf(p, sizeof p, "%s/model.safetensors", d16);
    CHECK(access(p, F_OK) != 0);
    t5_free(src);
}

int main(void)
{
    snprintf(tmp_root, sizeof tmp_root, "/tmp/promptlab_t5_XXXXXX");
    if (!mkdtemp(tmp_root)) {
        perror("mkdtemp");
        return 1;
    }
    test_buckets();
    test_config();
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++)
        test_variant(&variants[i], (int)i);
    test_beam_small_vocab();
    test_open_errors();
    test_params();
    test_threads();
    test_save_f16();
    rm_rf(tmp_root);
    TEST_END();
}
