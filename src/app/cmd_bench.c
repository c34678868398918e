/* cmd_bench.c - `promptlab bench`: speed figures with medians over runs.
 *
 * For a model (loaded, or random of a named shape): encoder and decoder
 * throughput, one soft-prompt training step, and full-weight training for
 * small models; then the machine's ceilings (sgemm GFLOP/s on 2048-square
 * matrices with all OpenBLAS threads, memory read bandwidth), so every
 * model figure can be read against what this machine can do at best.
 * Random token ids drive every figure; decoding runs a fixed number of
 * steps (EOS ignored) so runs are comparable. With --busy N the whole set
 * runs twice, quiet and then against N busy-looping threads of bench's own
 * (a stand-in for the other programs on a laptop), and each figure is
 * printed with the share of its quiet value it kept. */
#include <pthread.h>
#include <getopt.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <cblas.h>

#include "app_impl.h"
#include "promptlab/blas.h"
#include "promptlab/optim.h"
#include "promptlab/t5.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* sgemm GFLOP/s, 2048 x 2048 x 2048, median of `runs`. */
static double bench_sgemm(int runs)
{
    const int n = 2048;
    float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n),
          *c = malloc(sizeof(float) * n * n);
    if (!a || !b || !c) {
        free(a), free(b), free(c);
        return 0;
    }
    for (long i = 0; i < (long)n * n; i++) {
        a[i] = (float)(i % 7) * 0.01f;
        b[i] = (float)(i % 5) * 0.02f;
    }
    double t[16];
    /* OpenBLAS's own threads, as many as the machine has cores: the ceiling
     * is the best this library does, not what promptlab's policy makes of it */
    openblas_set_num_threads(pl_threads_max());
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
    for (int r = 0; r < runs; r++) {
        double t0 = pl_now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
        t[r] = 2.0 * n * n * (double)n / (pl_now() - t0) * 1e-9;
    }
    openblas_set_num_threads(1);
    free(a), free(b), free(c);
    return median(t, runs);
}

/* Read bandwidth in GB/s over a 512 MB buffer (one thread per core would
 * be more; OpenBLAS sdot is multi-threaded and reads two arrays). */
static double bench_bandwidth(int runs)
{
    const size_t n = (size_t)64 << 20; /* floats per array: 256 MB each */
    float *x = malloc(n * sizeof(float)), *y = malloc(n * sizeof(float));
    if (!x || !y) {
        free(x), free(y);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        x[i] = 1.0f;
        y[i] = 0.5f;
    }
    double t[16];
    volatile float sink = 0;
    openblas_set_num_threads(pl_threads_max());
    for (int r = 0; r < runs; r++) {
        double t0 = pl_now();
        sink += cblas_sdot((int)n, x, 1, y, 1);
        t[r] = 2.0 * (double)n * sizeof(float) / (pl_now() - t0) * 1e-9;
    }
    openblas_set_num_threads(1);
    (void)sink;
    free(x), free(y);
    return median(t, runs);
}


struct shape {
    const char *name;
    int d_model, d_kv, n_heads, d_ff, n_layers, vocab;
    bool tied;
};
/* promptlab-tiny is the embedded model's own shape (assets/models/), so its
 * full-weight training figure is what `make model` can expect;
 * promptlab-base is the ladder's largest rung (the embedded shape until
 * 2026-12-07). */
static const struct shape shapes[] = {
    {"tiny", 128, 32, 4, 512, 2, 4000, false},
    {"promptlab-tiny", 96, 24, 4, 384, 3, 5000, true},
    {"promptlab-base", 192, 48, 4, 768, 3, 5000, true},
    {"flan-t5-small", 512, 64, 6, 1024, 8, 32128, false},
    {"flan-t5-base", 768, 64, 12, 2048, 12, 32128, false},
};

static void random_ids(struct pl_rng *r, int *ids, int n, int vocab)
{
    for (int i = 0; i < n; i++)
        ids[i] = 2 + (int)pl_rng_below(r, (uint32_t)(vocab - 2));
}

struct figures {
    double load_s, enc_tok_s, dec1_tok_s, dec8_tok_s, tune_steps_s, tune_gflops, train_tok_s,
        train_gflops;
    double peak_mb;
};

/* Encoder tokens/s: batch 8 x 20 tokens. */
static int bench_encoder(const t5_model *m, int runs, double *out, struct pl_err *e)
{
    const int B = 8, T = 20, d = t5_model_config(m)->d_model;
    int ids[8 * 20], lens[8];
    struct pl_rng r;
    pl_rng_seed(&r, 1);
    random_ids(&r, ids, B * T, t5_model_config(m)->vocab_size);
    for (int b = 0; b < B; b++)
        lens[b] = T;
    float *emb = malloc(sizeof(float) * (size_t)(B * T * d));
    t5_state *s = NULL;
    int rc = emb ? 0 : pl_err_set(e, PL_ENOMEM, "out of memory");
    if (rc == 0)
        rc = t5_state_init(m, B, T, 2, 1, &s, e);
    if (rc == 0)
        rc = t5_embed_batch(m, NULL, 0, ids, lens, B, T, emb, e);
    double t[16];
    for (int k = 0; rc == 0 && k <= runs; k++) {
        double t0 = pl_now();
        rc = t5_encode(s, emb, lens, B, T, e);
        if (k > 0)
            t[k - 1] = B * T / (pl_now() - t0);
    }
    if (rc == 0)
        *out = median(t, runs);
    t5_state_free(s);
    free(emb);
    return rc;
}

/* Greedy decoding tokens/s at batch B: 32 steps after a 20-token source,
 * each step feeding back the argmax; EOS is not treated specially. */
static int bench_decoder(const t5_model *m, int B, int runs, double *out, struct pl_err *e)
{
    const struct t5_config *c = t5_model_config(m);
    const int T = 20, steps = 32, d = c->d_model, V = c->vocab_size;
    int ids[8 * 20], lens[8], tokens[8];
    struct pl_rng r;
    pl_rng_seed(&r, 2);
    random_ids(&r, ids, B * T, V);
    for (int b = 0; b < B; b++)
        lens[b] = T;
    float *emb = malloc(sizeof(float) * (size_t)(B * T * d));
    t5_state *s = NULL;
    int rc = emb ? 0 : pl_err_set(e, PL_ENOMEM, "out of memory");
    if (rc == 0)
        rc = t5_state_init(m, B, T, steps + 1, 1, &s, e);
    if (rc == 0)
        rc = t5_embed_batch(m, NULL, 0, ids, lens, B, T, emb, e);
    if (rc == 0)
        rc = t5_encode(s, emb, lens, B, T, e);
    double t[16];
    for (int k = 0; rc == 0 && k <= runs; k++) {
        rc = t5_decode_begin(s, 1, e);
        for (int b = 0; b < B; b++)
            tokens[b] = c->decoder_start_token_id;
        double t0 = pl_now();
        for (int i = 0; rc == 0 && i < steps; i++) {
            const float *logits;
            rc = t5_decode_step(s, tokens, &logits, e);
            for (int b = 0; rc == 0 && b < B; b++) {
                const float *row = logits + (size_t)b * (size_t)V;
                int best = 0;
                for (int v = 1; v < V; v++)
                    if (row[v] > row[best])
                        best = v;
                tokens[b] = best;
            }
        }
        if (k > 0)
            t[k - 1] = B * steps / (pl_now() - t0);
    }
    if (rc == 0)
        *out = median(t, runs);
    t5_state_free(s);
    free(emb);
    return rc;
}

/* One soft-prompt training step: batch 8, source 20 tokens, target 12,
 * prompt 20 rows; forward, backward to the prompt rows, Adafactor step. */
static int bench_tune(const t5_model *m, int runs, double *steps_s, double *gflops,
                      struct pl_err *e)
{
    const struct t5_config *c = t5_model_config(m);
    const int B = 8, S = 20, U = 12, N = 20, d = c->d_model, T = N + S;
    int ids[8 * 20], lens[8], tl[8], tgt[8 * 12];
    struct pl_rng r;
    pl_rng_seed(&r, 3);
    random_ids(&r, ids, B * S, c->vocab_size);
    random_ids(&r, tgt, B * U, c->vocab_size);
    for (int b = 0; b < B; b++) {
        lens[b] = S;
        tl[b] = U;
    }
    float *prompt = malloc(sizeof(float) * (size_t)(N * d));
    float *emb = malloc(sizeof(float) * (size_t)(B * T * d));
    float *demb = malloc(sizeof(float) * (size_t)(B * T * d));
    float *grad = malloc(sizeof(float) * (size_t)(N * d));
    t5_train *tr = NULL;
    optim *opt = NULL;
    struct optim_params op;
    optim_params_default(&op, OPTIM_ADAFACTOR);
    int rc = prompt && emb && demb && grad ? 0 : pl_err_set(e, PL_ENOMEM, "out of memory");
    for (int i = 0; rc == 0 && i < N * d; i++)
        prompt[i] = pl_rng_float(&r) - 0.5f;
    if (rc == 0)
        rc = t5_train_init(m, B, T, U, &tr, e);
    if (rc == 0)
        rc = optim_init(&opt, &op, N, d, e);
    int full[8];
    for (int b = 0; b < B; b++)
        full[b] = T;
    double t[16];
    for (int k = 0; rc == 0 && k <= runs; k++) {
        double t0 = pl_now();
        float loss;
        rc = t5_embed_batch(m, prompt, N, ids, lens, B, S, emb, e);
        if (rc == 0)
            rc = t5_train_forward(tr, emb, full, B, T, tgt, tl, U, &loss, e);
        if (rc == 0)
            rc = t5_train_backward(tr, demb, NULL, e);
        if (rc == 0) {
            memset(grad, 0, sizeof(float) * (size_t)(N * d));
            for (int b = 0; b < B; b++)
                for (int i = 0; i < N * d; i++)
                    grad[i] += demb[(size_t)b * (size_t)(T * d) + (size_t)i];
            optim_step(opt, prompt, grad, op.lr);
        }
        if (k > 0)
            t[k - 1] = 1.0 / (pl_now() - t0);
    }
    if (rc == 0) {
        *steps_s = median(t, runs);
        *gflops = t5_train_flops(c, B, T, U, false) * *steps_s * 1e-9;
    }
    optim_free(opt);
    t5_train_free(tr);
    free(prompt), free(emb), free(demb), free(grad);
    return rc;
}

/* Full-weight training tokens/s (source + target): batch 32, source 128,
 * target 32; forward, backward with weight gradients, AdamW on every
 * tensor. Needs a model that owns its weights. */
static int bench_train(t5_model *m, int runs, double *tok_s, double *gflops, struct pl_err *e)
{
    const struct t5_config *c = t5_model_config(m);
    const int B = 32, T = 128, U = 32, d = c->d_model;
    int *ids = malloc(sizeof(int) * B * T), *tgt = malloc(sizeof(int) * B * U), lens[32], tl[32];
    float *emb = malloc(sizeof(float) * (size_t)B * T * (size_t)d);
    struct t5_weights *g = NULL;
    t5_train *tr = NULL;
    struct t5_param *wp = NULL, *gp = NULL;
    optim **opt = NULL;
    int np = t5_param_list(m, t5_model_weights(m), NULL, 0);
    struct optim_params op;
    optim_params_default(&op, OPTIM_ADAM);
    op.weight_decay = 0.01f;
    int rc = ids && tgt && emb ? 0 : pl_err_set(e, PL_ENOMEM, "out of memory");
    struct pl_rng r;
    pl_rng_seed(&r, 4);
    if (rc == 0) {
        random_ids(&r, ids, B * T, c->vocab_size);
        random_ids(&r, tgt, B * U, c->vocab_size);
        for (int b = 0; b < B; b++) {
            lens[b] = T;
            tl[b] = U;
        }
        rc = t5_grads_init(m, &g, e);
    }
    if (rc == 0)
        rc = t5_train_init(m, B, T, U, &tr, e);
    if (rc == 0) {
        wp = calloc((size_t)np, sizeof *wp);
        gp = calloc((size_t)np, sizeof *gp);
        opt = calloc((size_t)np, sizeof *opt);
        if (!wp || !gp || !opt)
            rc = pl_err_set(e, PL_ENOMEM, "out of memory");
    }
    if (rc == 0) {
        t5_param_list(m, t5_model_weights(m), wp, np);
        t5_param_list(m, g, gp, np);
        for (int i = 0; rc == 0 && i < np; i++)
            rc = optim_init(&opt[i], &op, 1, (int)wp[i].n, e);
    }
    double t[16];
    for (int k = 0; rc == 0 && k <= runs; k++) {
        double t0 = pl_now();
        float loss;
        t5_grads_zero(m, g);
        rc = t5_embed_batch(m, NULL, 0, ids, lens, B, T, emb, e);
        if (rc == 0)
            rc = t5_train_forward(tr, emb, lens, B, T, tgt, tl, U, &loss, e);
        if (rc == 0)
            rc = t5_train_backward(tr, NULL, g, e);
        for (int i = 0; rc == 0 && i < np; i++)
            optim_step(opt[i], wp[i].data, gp[i].data, op.lr);
        if (k > 0)
            t[k - 1] = (double)B * (T + U) / (pl_now() - t0);
    }
    if (rc == 0) {
        *tok_s = median(t, runs);
        *gflops = t5_train_flops(c, B, T, U, true) * (*tok_s / (B * (T + U))) * 1e-9;
    }
    for (int i = 0; opt && i < np; i++)
        optim_free(opt[i]);
    free(opt), free(wp), free(gp);
    t5_train_free(tr);
    t5_grads_free(g);
    free(ids), free(tgt), free(emb);
    return rc;
}

/* Bytes of weights one batch-1 decoding step reads: every decoder layer
 * (cross-attention keys/values are computed once per input, so only q and
 * o of cross-attention) and the output projection. */
static double decode_bytes_per_token(const struct t5_config *c)
{
    double inner = (double)c->n_heads * c->d_kv, d = c->d_model;
    double ffn = (c->gated ? 3.0 : 2.0) * d * c->d_ff;
    double layer = 6 * inner * d + ffn + 3 * d;
    return 4.0 * (c->n_dec_layers * layer + (double)c->vocab_size * d + d);
}

static void help(void)
{
    printf("usage: promptlab bench [--model DIR | --shape NAME] [--runs N] [--busy N] [--json]\n"
           "\n"
           "Measure speed; every figure is the median of --runs repetitions (default 5).\n"
           "With a model - a directory (--model) or a random model of a named shape\n"
           "(--shape tiny|promptlab-tiny|promptlab-base|flan-t5-small|flan-t5-base, built\n"
           "in memory, no download; promptlab-tiny is the embedded model's shape):\n"
           "  load (or build) time; encoder tokens/s (batch 8 x 20 tokens); greedy\n"
           "  decoding tokens/s at batch 1 and 8, with the weight bytes a batch-1 token\n"
           "  reads and the share of the measured bandwidth that reaches; soft-prompt\n"
           "  training steps/s (batch 8, source 20, target 12, prompt 20: forward,\n"
           "  backward to the prompt, Adafactor) with its GFLOP/s; for --shape, full-\n"
           "  weight training tokens/s (batch 32, source 128, target 32, AdamW) when the\n"
           "  model has at most 30M parameters; peak memory.\n"
           "Always: this machine's ceilings, sgemm GFLOP/s (OpenBLAS, all threads,\n"
           "2048-square) and memory read bandwidth (GB/s).\n"
           "--busy N: run everything twice, quiet and then while N busy-looping threads\n"
           "of bench's own compete for the cores, and print each figure's share of its\n"
           "quiet value.\n"
           "PROMPTLAB_THREADS=N caps the threads promptlab uses (default: every core).\n");
}

/* ---- one pass over every figure ------------------------------------------------ */

struct pass {
    struct figures f;
    double gflops, gbs;
};

static int run_pass(t5_model *m, int runs, struct pass *out, struct pl_err *e)
{
    struct figures *f = &out->f;
    int rc = 0;
    if (m) {
        rc = bench_encoder(m, runs, &f->enc_tok_s, e);
        if (rc == 0)
            rc = bench_decoder(m, 1, runs, &f->dec1_tok_s, e);
        if (rc == 0)
            rc = bench_decoder(m, 8, runs, &f->dec8_tok_s, e);
        if (rc == 0)
            rc = bench_tune(m, runs, &f->tune_steps_s, &f->tune_gflops, e);
        if (rc == 0 && t5_model_owns_weights(m) && t5_model_n_params(m) <= 30000000)
            rc = bench_train(m, runs, &f->train_tok_s, &f->train_gflops, e);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        f->peak_mb = (double)ru.ru_maxrss / 1024.0;
    }
    if (rc)
        return rc;
    /* The machine's ceilings last, so peak memory above is the model's own. */
    out->gflops = bench_sgemm(runs);
    out->gbs = bench_bandwidth(runs);
    return 0;
}

/* ---- busy-looping competitors -------------------------------------------------- */

static atomic_int busy_stop;

static void *busy_main(void *unused)
{
    (void)unused;
    while (!atomic_load_explicit(&busy_stop, memory_order_relaxed))
        ;
    return NULL;
}

/* ---- output ---------------------------------------------------------------------- */

struct row {
    const char *name, *json, *unit;
    double quiet, busy;
};

static int collect(const struct pass *q, const struct pass *b, bool model, struct row *rows)
{
    const struct figures *f = &q->f, *g = b ? &b->f : NULL;
    int n = 0;
    if (model) {
        rows[n++] = (struct row){"encoder", "encoder_tok_s", "tokens/s", f->enc_tok_s,
                                 b ? g->enc_tok_s : 0};
        rows[n++] = (struct row){"greedy, batch 1", "decode_b1_tok_s", "tokens/s", f->dec1_tok_s,
                                 b ? g->dec1_tok_s : 0};
        rows[n++] = (struct row){"greedy, batch 8", "decode_b8_tok_s", "tokens/s", f->dec8_tok_s,
                                 b ? g->dec8_tok_s : 0};
        rows[n++] = (struct row){"soft-prompt step", "tune_steps_s", "steps/s", f->tune_steps_s,
                                 b ? g->tune_steps_s : 0};
        if (f->train_tok_s > 0)
            rows[n++] = (struct row){"full training", "train_tok_s", "tokens/s", f->train_tok_s,
                                     b ? g->train_tok_s : 0};
    }
    rows[n++] = (struct row){"sgemm 2048^3", "sgemm_gflops", "GFLOP/s", q->gflops,
                             b ? b->gflops : 0};
    rows[n++] = (struct row){"memory read", "read_gb_s", "GB/s", q->gbs, b ? b->gbs : 0};
    return n;
}

static void print_plain(const struct pass *q, const t5_model *m, const char *name, long runs,
                        double load_s, double bpt)
{
    const struct figures *f = &q->f;
    printf("OpenBLAS kernel   %s; promptlab threads %d; medians of %ld runs\n", pl_blas_core(),
           pl_threads_max(), runs);
    printf("sgemm 2048^3      %8.1f GFLOP/s\n", q->gflops);
    printf("memory read       %8.1f GB/s\n", q->gbs);
    if (!m)
        return;
    printf("model             %s (%zu parameters)\n", name, t5_model_n_params(m));
    printf("%-17s %8.3f s\n", t5_model_owns_weights(m) ? "build (random)" : "load", load_s);
    printf("encoder           %8.0f tokens/s (batch 8 x 20)\n", f->enc_tok_s);
    printf("greedy, batch 1   %8.1f tokens/s; %.1f MB of weights per token = %.0f%% "
           "of the read bandwidth\n",
           f->dec1_tok_s, bpt / 1e6, 100.0 * bpt * f->dec1_tok_s / (q->gbs * 1e9));
    printf("greedy, batch 8   %8.1f tokens/s (%.2fx batch 1)\n", f->dec8_tok_s,
           f->dec8_tok_s / f->dec1_tok_s);
    printf("soft-prompt step  %8.2f steps/s, %.1f GFLOP/s (%.0f%% of sgemm)\n", f->tune_steps_s,
           f->tune_gflops, 100.0 * f->tune_gflops / q->gflops);
    if (f->train_tok_s > 0)
        printf("full training     %8.0f tokens/s, %.1f GFLOP/s (%.0f%% of sgemm)\n",
               f->train_tok_s, f->train_gflops, 100.0 * f->train_gflops / q->gflops);
    printf("peak memory       %8.1f MB\n", f->peak_mb);
}

struct bench_opts {
    long runs, busy;
    int json;
    const char *model;
    const struct shape *shape;
};

/* 0 to go on, -1 after --help, else the exit status. */
static int bench_parse(int argc, char **argv, struct bench_opts *o)
{
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'}, {"shape", required_argument, 0, 's'},
        {"runs", required_argument, 0, 'r'},  {"busy", required_argument, 0, 'b'},
        {"json", no_argument, 0, 'j'},        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *shape_name = NULL;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': o->model = optarg; break;
        case 's': shape_name = optarg; break;
        case 'r':
            if (app_parse_int(optarg, 1, 16, &o->runs))
                return app_usage("bench", "--runs wants a number from 1 to 16, not '%s'", optarg);
            break;
        case 'b':
            if (app_parse_int(optarg, 0, 64, &o->busy))
                return app_usage("bench", "--busy wants a number from 0 to 64, not '%s'", optarg);
            break;
        case 'j': o->json = 1; break;
        case 'h': help(); return -1;
        default: return app_bad_option("bench", c, argv, opts);
        }
    }
    if (optind < argc)
        return app_usage("bench", "unexpected argument '%s'", argv[optind]);
    if (o->model && shape_name)
        return app_usage("bench", "give --model or --shape, not both");
    if (shape_name) {
        for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++)
            if (strcmp(shape_name, shapes[i].name) == 0)
                o->shape = &shapes[i];
        if (!o->shape)
            return app_usage("bench", "unknown shape '%s' (tiny, promptlab-tiny, promptlab-base, "
                                      "flan-t5-small, flan-t5-base)",
                             shape_name);
    }
    return 0;
}

/* The model to measure: a directory, or a random model of a named shape. */
static int bench_model(const char *model, const struct shape *shape, t5_model **m, struct pl_err *e)
{
    if (model)
        return t5_open(model, m, e);
    struct t5_config cfg;
    t5_config_default(&cfg);
    snprintf(cfg.name_or_path, sizeof cfg.name_or_path, "random %s", shape->name);
    cfg.d_model = shape->d_model;
    cfg.d_kv = shape->d_kv;
    cfg.n_heads = shape->n_heads;
    cfg.d_ff = shape->d_ff;
    cfg.n_layers = cfg.n_dec_layers = shape->n_layers;
    cfg.vocab_size = shape->vocab;
    cfg.act = T5_ACT_GELU_NEW;
    cfg.gated = true;
    cfg.tie_word_embeddings = cfg.scale_decoder_outputs = shape->tied;
    return t5_init_random(&cfg, 1, m, e);
}

/* The second pass, while `busy` threads of our own loop on the cores. */
static int busy_pass(t5_model *m, int runs, long busy, struct pass *out, struct pl_err *e)
{
    pthread_t th[64];
    int n_th = 0, rc = 0;
    atomic_store(&busy_stop, 0);
    for (; n_th < busy; n_th++)
        if (pthread_create(&th[n_th], NULL, busy_main, NULL)) {
            rc = pl_err_set(e, PL_ENOMEM, "cannot start busy thread %d", n_th + 1);
            break;
        }
    if (rc == 0)
        rc = run_pass(m, runs, out, e);
    atomic_store(&busy_stop, 1);
    for (int i = 0; i < n_th; i++)
        pthread_join(th[i], NULL);
    return rc;
}

static void print_json(const struct pass *quiet, const t5_model *m, const char *name,
                       const struct bench_opts *o, double load_s, double bpt,
                       const struct row *rows, int n_rows)
{
    const struct figures *f = &quiet->f;
    printf("{\"blas_core\": \"%s\", \"threads\": %d, \"runs\": %ld, \"sgemm_gflops\": %.1f, "
           "\"read_gb_s\": %.1f",
           pl_blas_core(), pl_threads_max(), o->runs, quiet->gflops, quiet->gbs);
    if (m) {
        printf(", \"model\": ");
        app_json_string(stdout, name);
        printf(", \"parameters\": %zu, \"load_s\": %.4f, \"encoder_tok_s\": %.1f, "
               "\"decode_b1_tok_s\": %.1f, \"decode_b8_tok_s\": %.1f, "
               "\"decode_bytes_per_token\": %.0f, \"tune_steps_s\": %.3f, "
               "\"tune_gflops\": %.2f, \"train_tok_s\": %.1f, \"train_gflops\": %.2f, "
               "\"peak_mb\": %.1f",
               t5_model_n_params(m), load_s, f->enc_tok_s, f->dec1_tok_s, f->dec8_tok_s, bpt,
               f->tune_steps_s, f->tune_gflops, f->train_tok_s, f->train_gflops, f->peak_mb);
    }
    if (o->busy) {
        printf(", \"busy\": %ld, \"busy_figures\": {", o->busy);
        for (int i = 0; i < n_rows; i++)
            printf("%s\"%s\": %.3f", i ? ", " : "", rows[i].json, rows[i].busy);
        printf("}, \"share\": {");
        for (int i = 0; i < n_rows; i++)
            printf("%s\"%s\": %.3f", i ? ", " : "", rows[i].json,
                   rows[i].quiet > 0 ? rows[i].busy / rows[i].quiet : 0.0);
        printf("}");
    }
    printf("}\n");
}

static void print_shares(long busy, const struct row *rows, int n_rows)
{
    printf("\nagainst %ld busy thread%s          quiet        busy   share\n", busy,
           busy == 1 ? " " : "s");
    for (int i = 0; i < n_rows; i++)
        printf("%-17s %-9s %10.1f  %10.1f  %5.0f%%\n", rows[i].name, rows[i].unit, rows[i].quiet,
               rows[i].busy, rows[i].quiet > 0 ? 100.0 * rows[i].busy / rows[i].quiet : 0.0);
}

int cmd_bench(int argc, char **argv)
{
    struct bench_opts o = {.runs = 5};
    int rc = bench_parse(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    t5_model *m = NULL;
    struct pl_err e = {0};
    double load_s = 0;
    if (o.model || o.shape) {
        double t0 = pl_now();
        rc = bench_model(o.model, o.shape, &m, &e);
        load_s = pl_now() - t0;
    }
    struct pass quiet = {0}, loaded = {0};
    if (rc == 0)
        rc = run_pass(m, (int)o.runs, &quiet, &e);
    if (rc == 0 && o.busy > 0)
        rc = busy_pass(m, (int)o.runs, o.busy, &loaded, &e);
    if (rc) {
        t5_free(m);
        return app_fail("bench", &e);
    }
    const char *name = o.model ? o.model : o.shape ? o.shape->name : NULL;
    const struct t5_config *cfg = m ? t5_model_config(m) : NULL;
    double bpt = cfg ? decode_bytes_per_token(cfg) : 0;
    struct row rows[16];
    int n_rows = collect(&quiet, o.busy ? &loaded : NULL, m != NULL, rows);
    if (o.json) {
        print_json(&quiet, m, name, &o, load_s, bpt, rows, n_rows);
    } else {
        print_plain(&quiet, m, name, o.runs, load_s, bpt);
        if (o.busy)
            print_shares(o.busy, rows, n_rows);
    }
    t5_free(m);
    return 0;
}
