/* cmd_pretrain.c - `promptlab pretrain`: train all weights of a fresh T5 on
 * a JSONL corpus (how the embedded model is made).
 *
 * Same forward and backward pass as prompt tuning, with weight gradients
 * on; the encoder's input-embedding gradient is scattered back into the
 * shared table by token id. Batches hold about --batch-tokens tokens of
 * similar length (examples are sorted by length inside shuffled windows).
 * The data order is a pure function of (seed, epoch), and a checkpoint
 * (weights, optimiser moments, step) is written every few minutes and on
 * Ctrl-C, so an interrupted run resumes where it stopped. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cJSON.h>

#include "app_impl.h"
#include "promptlab/jsonl.h"
#include "promptlab/optim.h"
#include "promptlab/safetensors.h"
#include "promptlab/t5.h"
#include "promptlab/tokenizer.h"

enum { PT_MAX_SRC = 128, PT_MAX_TGT = 96, PT_WINDOW = 64 };

struct pair {
    int *src, n_src; /* source + </s> */
    int *tgt, n_tgt; /* target + </s> */
};

struct corpus {
    struct pair *p;
    int n;
    int n_skipped; /* too long */
};

struct batch {
    int first, n; /* a run of `order` */
};

struct run {
    const char *out;
    t5_model *m;
    struct t5_weights *g;
    struct t5_param *wp, *gp;
    int np;
    optim **opt;
    struct optim_params op;
    long step, steps;
    double elapsed;
    uint64_t seed;
    int batch_tokens;
    float clip;
};

static void corpus_free(struct corpus *c)
{
    for (int i = 0; i < c->n; i++) {
        free(c->p[i].src);
        free(c->p[i].tgt);
    }
    free(c->p);
    memset(c, 0, sizeof *c);
}

/* Tokenise a JSONL file; examples over the length limits are skipped and
 * counted. */
static int corpus_load(const tok *t, const char *path, struct corpus *c, struct pl_err *e)
{
    struct jsonl_set js = {0};
    memset(c, 0, sizeof *c);
    int rc = jsonl_read(path, &js, e);
    if (rc)
        return rc;
    if (js.n == 0) {
        jsonl_free(&js);
        return pl_err_set(e, PL_EINVAL, "%s: no examples", path);
    }
    c->p = calloc((size_t)js.n, sizeof *c->p);
    if (!c->p) {
        jsonl_free(&js);
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    }
    for (int i = 0; i < js.n && rc == 0; i++) {
        struct pair *p = &c->p[c->n];
        const struct jsonl_record *r = &js.rec[i];
        rc = tok_encode(t, r->source, strlen(r->source), TOK_ADD_EOS, &p->src, &p->n_src, e);
        if (rc == 0)
            rc = tok_encode(t, r->target, strlen(r->target), TOK_ADD_EOS, &p->tgt, &p->n_tgt, e);
        if (rc) {
            pl_err_wrap(e, rc, "%s:%d", path, r->line);
        } else if (p->n_src > PT_MAX_SRC || p->n_tgt > PT_MAX_TGT) {
            free(p->src);
            free(p->tgt);
            c->n_skipped++;
        } else {
            c->n++;
        }
    }
    jsonl_free(&js);
    if (rc)
        corpus_free(c);
    return rc;
}

/* The examples of one epoch in batch order: a seeded permutation, sorted by
 * length inside windows of PT_WINDOW batches so batches have little padding,
 * cut into batches of about `tokens` tokens, whose order is then shuffled.
 * Returns the number of batches; order[] and batches[] are caller-sized
 * (n entries each). */
static int epoch_plan(const struct corpus *c, uint64_t seed, long epoch, int tokens, int *order,
                      struct batch *batches)
{
    struct pl_rng r;
    pl_rng_seed(&r, seed * 1000003ULL + (uint64_t)epoch);
    for (int i = 0; i < c->n; i++)
        order[i] = i;
    for (int i = c->n - 1; i > 0; i--) {
        int j = (int)pl_rng_below(&r, (uint32_t)i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    /* Insertion sort by source length inside windows (windows are small). */
    int avg = 0;
    for (int i = 0; i < c->n && i < 1000; i++)
        avg += c->p[order[i]].n_src + c->p[order[i]].n_tgt;
    avg = avg / (c->n < 1000 ? c->n : 1000) + 1;
    int win = PT_WINDOW * (tokens / avg + 1);
    for (int w0 = 0; w0 < c->n; w0 += win) {
        int w1 = w0 + win < c->n ? w0 + win : c->n;
        for (int i = w0 + 1; i < w1; i++) {
            int x = order[i], k = i;
            while (k > w0 && c->p[order[k - 1]].n_src > c->p[x].n_src)
                order[k] = order[k - 1], k--;
            order[k] = x;
        }
    }
    int nb = 0;
    for (int i = 0; i < c->n;) {
        int ms = 0, mt = 0, n = 0;
        while (i + n < c->n) {
            const struct pair *p = &c->p[order[i + n]];
            int s = p->n_src > ms ? p->n_src : ms, t = p->n_tgt > mt ? p->n_tgt : mt;
            if (n > 0 && (n + 1) * (s + t) > tokens)
                break;
            ms = s, mt = t, n++;
        }
        batches[nb++] = (struct batch){i, n};
        i += n;
    }
    for (int i = nb - 1; i > 0; i--) {
        int j = (int)pl_rng_below(&r, (uint32_t)i + 1);
        struct batch t = batches[i];
        batches[i] = batches[j];
        batches[j] = t;
    }
    return nb;
}

/* ---- checkpoints: OUT/checkpoint/{config.json, model.safetensors,
 * optimizer.safetensors, state.json}, written as one set (pl_fileset_*):
 * a kill during a save leaves the previous checkpoint whole ---- */

static int write_checkpoint(struct run *r, const char *dir, struct pl_err *e);

static int save_checkpoint(struct run *r, struct pl_err *e)
{
    char ck[4096], stage[4096];
    if (pl_path_join(ck, sizeof ck, r->out, "checkpoint"))
        return pl_err_set(e, PL_ERANGE, "%s: path too long", r->out);
    int rc = pl_fileset_begin(ck, stage, sizeof stage, e);
    if (rc == 0 && (rc = write_checkpoint(r, stage, e)) == 0)
        rc = pl_fileset_commit(ck, e);
    if (rc)
        pl_fileset_abort(ck);
    return rc;
}

static int write_checkpoint(struct run *r, const char *dir, struct pl_err *e)
{
    char path[4200];
    int rc = t5_save(r->m, dir, e);
    if (rc)
        return rc;
    /* Optimiser moments as tensors "<param>.<buffer>". */
    struct st_write_tensor *ts = calloc((size_t)r->np * 4, sizeof *ts);
    char(*names)[128] = calloc((size_t)r->np * 4, sizeof *names);
    int nt = 0;
    if (!ts || !names) {
        free(ts);
        free(names);
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    }
    for (int i = 0; i < r->np; i++) {
        struct optim_buffer b[4];
        int k = optim_buffers(r->opt[i], b);
        for (int j = 0; j < k; j++, nt++) {
            snprintf(names[nt], sizeof names[nt], "%s.%s", r->wp[i].name, b[j].name);
            ts[nt] = (struct st_write_tensor){.name = names[nt], .dtype = ST_F32, .n_dims = 1,
                                              .shape = {(int64_t)b[j].n}, .data = b[j].data};
        }
    }
    snprintf(path, sizeof path, "%s/optimizer.safetensors", dir);
    rc = st_write(path, ts, nt, NULL, NULL, 0, e);
    free(ts);
    free(names);
    if (rc)
        return rc;
    char state[256];
    int n = snprintf(state, sizeof state, "{\"step\": %ld, \"elapsed\": %.3f, \"seed\": %llu}\n",
                     r->step, r->elapsed, (unsigned long long)r->seed);
    snprintf(path, sizeof path, "%s/state.json", dir);
    return pl_write_file_atomic(path, state, (size_t)n, e);
}

/* Restore weights, moments and step from OUT/checkpoint into the run. */
static int load_checkpoint(struct run *r, struct pl_err *e)
{
    char dir[4096], path[4200];
    if (pl_path_join(dir, sizeof dir, r->out, "checkpoint"))
        return pl_err_set(e, PL_ERANGE, "%s: path too long", r->out);
    /* finish a checkpoint that was committed but not yet moved into place */
    int rc = pl_fileset_recover(dir, e);
    if (rc)
        return rc;
    t5_model *saved = NULL;
    rc = t5_open(dir, &saved, e);
    if (rc)
        return rc;
    struct t5_param *sp = calloc((size_t)r->np, sizeof *sp);
    if (!sp) {
        t5_free(saved);
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    }
    int n = t5_param_list(saved, t5_model_weights(saved), sp, r->np);
    if (n != r->np)
        rc = pl_err_set(e, PL_EFORMAT, "%s: checkpoint has %d tensors, the model %d", dir, n, r->np);
    for (int i = 0; rc == 0 && i < n; i++) {
        if (sp[i].n != r->wp[i].n || strcmp(sp[i].name, r->wp[i].name) != 0)
            rc = pl_err_set(e, PL_EFORMAT, "%s: tensor %s does not match the config", dir,
                            sp[i].name);
        else
            memcpy(r->wp[i].data, sp[i].data, sp[i].n * sizeof(float));
    }
    free(sp);
    t5_free(saved);
    if (rc)
        return rc;
    st_file *f = NULL;
    snprintf(path, sizeof path, "%s/optimizer.safetensors", dir);
    if ((rc = st_open(path, &f, e)))
        return rc;
    for (int i = 0; rc == 0 && i < r->np; i++) {
        struct optim_buffer b[4];
        int k = optim_buffers(r->opt[i], b);
        for (int j = 0; rc == 0 && j < k; j++) {
            char name[160];
            snprintf(name, sizeof name, "%s.%s", r->wp[i].name, b[j].name);
            const struct st_tensor *t = st_find(f, name);
            if (!t || !t->data || t->n_elems != b[j].n)
                rc = pl_err_set(e, PL_EFORMAT, "%s: tensor %s missing or of the wrong size", path,
                                name);
            else
                memcpy(b[j].data, t->data, b[j].n * sizeof(float));
        }
    }
    st_close(f);
    if (rc)
        return rc;
    char *text = NULL;
    snprintf(path, sizeof path, "%s/state.json", dir);
    if ((rc = pl_read_file(path, &text, NULL, e)))
        return rc;
    cJSON *j = cJSON_Parse(text);
    free(text);
    const cJSON *st = cJSON_GetObjectItem(j, "step"), *el = cJSON_GetObjectItem(j, "elapsed");
    if (!cJSON_IsNumber(st) || !cJSON_IsNumber(el)) {
        cJSON_Delete(j);
        return pl_err_set(e, PL_EFORMAT, "%s: needs numbers \"step\" and \"elapsed\"", path);
    }
    r->step = (long)st->valuedouble;
    r->elapsed = el->valuedouble;
    cJSON_Delete(j);
    for (int i = 0; i < r->np; i++)
        optim_set_steps(r->opt[i], r->step);
    return 0;
}

/* Copy the tokenizer files of `tokdir` into the output model directory. */
static int copy_tokenizer(const char *tokdir, const char *out, struct pl_err *e)
{
    static const char *const files[] = {"spiece.model", "tokenizer.json", "tokenizer_config.json"};
    int copied = 0;
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char src[4096], dst[4096], *data = NULL;
        size_t n;
        struct stat sb;
        if (pl_path_join(src, sizeof src, tokdir, files[i]) || stat(src, &sb) != 0)
            continue;
        int rc = pl_read_file(src, &data, &n, e);
        if (rc == 0)
            rc = pl_path_join(dst, sizeof dst, out, files[i]) ? PL_ERANGE
                                                              : pl_write_file_atomic(dst, data, n, e);
        free(data);
        if (rc)
            return rc;
        copied++;
    }
    return copied ? 0 : pl_err_set(e, PL_EIO, "%s: no spiece.model or tokenizer.json", tokdir);
}

/* One optimiser step on batch bt; returns the batch's mean loss. */
static int train_step(struct run *r, t5_train *tr, const struct corpus *c, const int *order,
                      struct batch bt, float *emb, float *demb, int *ids, int *lens, int *tgt,
                      int *tl, float *loss, long *tokens, struct pl_err *e)
{
    int T = 1, U = 1;
    for (int b = 0; b < bt.n; b++) {
        const struct pair *p = &c->p[order[bt.first + b]];
        T = p->n_src > T ? p->n_src : T;
        U = p->n_tgt > U ? p->n_tgt : U;
    }
    long toks = 0;
    for (int b = 0; b < bt.n; b++) {
        const struct pair *p = &c->p[order[bt.first + b]];
        memset(ids + (size_t)b * (size_t)T, 0, (size_t)T * sizeof *ids);
        memcpy(ids + (size_t)b * (size_t)T, p->src, (size_t)p->n_src * sizeof *ids);
        memset(tgt + (size_t)b * (size_t)U, 0, (size_t)U * sizeof *tgt);
        memcpy(tgt + (size_t)b * (size_t)U, p->tgt, (size_t)p->n_tgt * sizeof *tgt);
        lens[b] = p->n_src;
        tl[b] = p->n_tgt;
        toks += p->n_src + p->n_tgt;
    }
    t5_grads_zero(r->m, r->g);
    int rc = t5_embed_batch(r->m, NULL, 0, ids, lens, bt.n, T, emb, e);
    if (rc == 0)
        rc = t5_train_forward(tr, emb, lens, bt.n, T, tgt, tl, U, loss, e);
    if (rc == 0)
        rc = t5_train_backward(tr, demb, r->g, e);
    if (rc)
        return rc;
    if (!isfinite(*loss))
        return pl_err_set(e, PL_ENUMERIC, "loss is %g at step %ld", *loss, r->step + 1);
    /* The encoder's input rows are rows of the shared table. */
    if ((rc = t5_embed_backward(r->m, ids, lens, bt.n, T, 0, demb, r->g)))
        return pl_err_set(e, rc, "step %ld: a token id is outside the vocabulary", r->step + 1);
    double sq = 0;
    for (int i = 0; i < r->np; i++) {
        double n = optim_grad_norm(r->gp[i].data, r->gp[i].n);
        sq += n * n;
    }
    double norm = sqrt(sq);
    if (!isfinite(norm))
        return pl_err_set(e, PL_ENUMERIC, "gradient norm is %g at step %ld", norm, r->step + 1);
    float scale = r->clip > 0 && norm > r->clip ? (float)(r->clip / norm) : 1.0f;
    float lr = optim_lr_at(&r->op, r->step + 1);
    for (int i = 0; i < r->np; i++) {
        if (scale != 1.0f)
            for (size_t k = 0; k < r->gp[i].n; k++)
                r->gp[i].data[k] *= scale;
        optim_step(r->opt[i], r->wp[i].data, r->gp[i].data, lr);
    }
    r->step++;
    *tokens = toks;
    return 0;
}

static void help(void)
{
    printf(
        "usage: promptlab pretrain --data FILE --config FILE --tokenizer DIR --out DIR\n"
        "                          [--steps N] [--batch-tokens N] [--lr X] [--warmup N]\n"
        "                          [--seed N] [--checkpoint-minutes M] [--log FILE] [--resume]\n"
        "\n"
        "Train every weight of a fresh T5 (config.json given by --config; vocab_size\n"
        "must cover the tokenizer) on JSONL pairs {\"source\", \"target\"}: the same\n"
        "backward pass as prompt tuning with weight gradients on, AdamW (weight decay\n"
        "0.01) with linear warmup and cosine decay to 10%%, gradient clipping at 1.0.\n"
        "\n"
        "  --steps N              optimiser steps in all (default 10000)\n"
        "  --batch-tokens N       source+target tokens per batch, padding included\n"
        "                         (default 4096)\n"
        "  --lr X                 peak learning rate (default 2e-3)\n"
        "  --warmup N             warmup steps (default 500)\n"
        "  --schedule-steps N     where the cosine decay ends (default --steps); a run\n"
        "                         in stages stops early with --steps and sets this\n"
        "  --checkpoint-minutes M weights + optimiser state to OUT/checkpoint every M\n"
        "                         minutes (default 5) and on Ctrl-C\n"
        "  --resume               continue from OUT/checkpoint\n"
        "  --log FILE             JSONL log: step, loss, lr, tokens/s, elapsed\n"
        "                         (default OUT/train_log.jsonl)\n"
        "\n"
        "The finished model (config.json, model.safetensors, the tokenizer files) is\n"
        "written to OUT.\n");
}

int cmd_pretrain(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'},   {"config", required_argument, 0, 'c'},
        {"tokenizer", required_argument, 0, 't'}, {"out", required_argument, 0, 'o'},
        {"steps", required_argument, 0, 's'},  {"batch-tokens", required_argument, 0, 'b'},
        {"lr", required_argument, 0, 'l'},     {"warmup", required_argument, 0, 'w'},
        {"seed", required_argument, 0, 'S'},   {"checkpoint-minutes", required_argument, 0, 'k'},
        {"log", required_argument, 0, 'L'},    {"resume", no_argument, 0, 'r'},
        {"schedule-steps", required_argument, 0, 'D'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
    const char *data = NULL, *config = NULL, *tokdir = NULL, *out = NULL, *log_path = NULL;
    long steps = 10000, batch_tokens = 4096, warmup = 500, seed = 1, ck_min = 5, sched = 0;
    double lr = 2e-3;
    int resume = 0, c;
    optind = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'c': config = optarg; break;
        case 't': tokdir = optarg; break;
        case 'o': out = optarg; break;
        case 'L': log_path = optarg; break;
        case 'r': resume = 1; break;
        case 's':
            if (app_parse_int(optarg, 1, 100000000, &steps))
                return app_usage("pretrain", "--steps wants a positive number, not '%s'", optarg);
            break;
        case 'b':
            if (app_parse_int(optarg, 64, 1 << 22, &batch_tokens))
                return app_usage("pretrain", "--batch-tokens wants 64 or more, not '%s'", optarg);
            break;
        case 'w':
            if (app_parse_int(optarg, 0, 100000000, &warmup))
                return app_usage("pretrain", "--warmup wants a number, not '%s'", optarg);
            break;
        case 'S':
            if (app_parse_int(optarg, 0, 0x7fffffffL, &seed))
                return app_usage("pretrain", "--seed wants a number, not '%s'", optarg);
            break;
        case 'D':
            if (app_parse_int(optarg, 1, 100000000, &sched))
                return app_usage("pretrain", "--schedule-steps wants a positive number, not '%s'",
                                 optarg);
            break;
        case 'k':
            if (app_parse_int(optarg, 1, 100000, &ck_min))
                return app_usage("pretrain", "--checkpoint-minutes wants a number, not '%s'", optarg);
            break;
        case 'l':
            if (app_parse_float(optarg, &lr) || lr <= 0)
                return app_usage("pretrain", "--lr wants a positive number, not '%s'", optarg);
            break;
        case 'h': help(); return 0;
        default: return app_bad_option("pretrain", c, argv, opts);
        }
    }
    if (optind < argc)
        return app_usage("pretrain", "unexpected argument '%s'", argv[optind]);
    if (!data || !config || !tokdir || !out)
        return app_usage("pretrain", "--data, --config, --tokenizer and --out are required");

    struct pl_err e = {0};
    struct t5_config cfg;
    tok *t = NULL;
    struct corpus corp = {0};
    struct run r = {0};
    t5_train *tr = NULL;
    int *order = NULL, *ids = NULL, *lens = NULL, *tgt = NULL, *tl = NULL;
    struct batch *batches = NULL;
    float *emb = NULL, *demb = NULL;
    FILE *logf = NULL;
    int rc = t5_config_load(config, &cfg, &e);
    if (rc == 0)
        rc = tok_load_dir(tokdir, &t, &e);
    if (rc == 0 && tok_size(t) > cfg.vocab_size)
        rc = pl_err_set(&e, PL_EINVAL, "%s: vocab_size %d is smaller than the tokenizer's %d ids",
                        config, cfg.vocab_size, tok_size(t));
    if (rc == 0)
        rc = pl_mkdirs(out, &e);
    if (rc == 0) {
        fprintf(stderr, "promptlab pretrain: reading %s\n", data);
        rc = corpus_load(t, data, &corp, &e);
    }
    if (rc == 0 && corp.n == 0)
        rc = pl_err_set(&e, PL_EINVAL, "%s: every example is over the length limits", data);
    if (rc == 0 && corp.n_skipped)
        app_warn("pretrain", "%d examples longer than %d/%d tokens skipped", corp.n_skipped,
                 PT_MAX_SRC, PT_MAX_TGT);
    if (rc == 0)
        rc = t5_init_random(&cfg, (uint64_t)seed, &r.m, &e);
    if (rc == 0)
        rc = t5_grads_init(r.m, &r.g, &e);
    if (rc == 0) {
        r.out = out;
        r.steps = steps;
        r.seed = (uint64_t)seed;
        r.batch_tokens = (int)batch_tokens;
        r.clip = 1.0f;
        optim_params_default(&r.op, OPTIM_ADAM);
        r.op.lr = (float)lr;
        r.op.weight_decay = 0.01f;
        r.op.schedule = OPTIM_WARMUP_COSINE;
        r.op.warmup_steps = (int)warmup;
        r.op.total_steps = (int)(sched > 0 ? sched : steps);
        r.op.min_lr_ratio = 0.1f;
        r.np = t5_param_list(r.m, t5_model_weights(r.m), NULL, 0);
        r.wp = calloc((size_t)r.np, sizeof *r.wp);
        r.gp = calloc((size_t)r.np, sizeof *r.gp);
        r.opt = calloc((size_t)r.np, sizeof *r.opt);
        if (!r.wp || !r.gp || !r.opt)
            rc = pl_err_set(&e, PL_ENOMEM, "out of memory");
    }
    if (rc == 0) {
        t5_param_list(r.m, t5_model_weights(r.m), r.wp, r.np);
        t5_param_list(r.m, r.g, r.gp, r.np);
        for (int i = 0; rc == 0 && i < r.np; i++)
            rc = optim_init(&r.opt[i], &r.op, 1, (int)r.wp[i].n, &e);
    }
    if (rc == 0 && resume) {
        rc = load_checkpoint(&r, &e);
        if (rc == 0)
            fprintf(stderr, "promptlab pretrain: resuming at step %ld\n", r.step);
    }
    /* Workspaces for the largest batch a plan can make: as many of the
     * shortest pairs as fit in batch_tokens. */
    int max_b = 1;
    if (rc == 0) {
        int shortest = PT_MAX_SRC + PT_MAX_TGT;
        for (int i = 0; i < corp.n; i++)
            if (corp.p[i].n_src + corp.p[i].n_tgt < shortest)
                shortest = corp.p[i].n_src + corp.p[i].n_tgt;
        max_b = (int)batch_tokens / shortest + 1;
        order = malloc(sizeof *order * (size_t)corp.n);
        batches = malloc(sizeof *batches * (size_t)corp.n);
        if (max_b > corp.n)
            max_b = corp.n;
        ids = malloc(sizeof *ids * (size_t)max_b * PT_MAX_SRC);
        tgt = malloc(sizeof *tgt * (size_t)max_b * PT_MAX_TGT);
        lens = malloc(sizeof *lens * (size_t)max_b);
        tl = malloc(sizeof *tl * (size_t)max_b);
        size_t rows = (size_t)batch_tokens + PT_MAX_SRC;
        emb = malloc(sizeof *emb * rows * (size_t)cfg.d_model);
        demb = malloc(sizeof *demb * rows * (size_t)cfg.d_model);
        if (!order || !batches || !ids || !tgt || !lens || !tl || !emb || !demb)
            rc = pl_err_set(&e, PL_ENOMEM, "out of memory");
    }
    if (rc == 0)
        rc = t5_train_init(r.m, max_b, PT_MAX_SRC, PT_MAX_TGT, &tr, &e);
    if (rc == 0) {
        char def[4096];
        if (!log_path && pl_path_join(def, sizeof def, out, "train_log.jsonl") == 0)
            log_path = def;
        logf = fopen(log_path, resume ? "a" : "w");
        if (!logf)
            rc = pl_err_set(&e, PL_EIO, "%s: cannot open the log: %s", log_path, strerror(errno));
    }
    if (rc) {
        fprintf(stderr, "promptlab pretrain: %s\n", e.msg);
    } else {
        fprintf(stderr,
                "promptlab pretrain: %d examples, %zu parameters, steps %ld..%ld, ~%ld tokens "
                "per batch\n",
                corp.n, t5_model_n_params(r.m), r.step, steps, batch_tokens);
        app_catch_sigint();
        struct app_progress bar;
        app_progress_init(&bar, "pretrain");
        /* Find the epoch and batch of the next step from the step count. */
        long epoch = 0, done = 0;
        int nb = epoch_plan(&corp, r.seed, epoch, (int)batch_tokens, order, batches);
        while (done + nb <= r.step) {
            done += nb;
            nb = epoch_plan(&corp, r.seed, ++epoch, (int)batch_tokens, order, batches);
        }
        int bi = (int)(r.step - done);
        double last_ck = pl_now(), t_start = pl_now(), el0 = r.elapsed, t_log = pl_now();
        long tok_window = 0;
        double loss_sum = 0;
        int loss_n = 0;
        while (r.step < steps && rc == 0 && !atomic_load(&app_interrupted)) {
            if (bi == nb) {
                nb = epoch_plan(&corp, r.seed, ++epoch, (int)batch_tokens, order, batches);
                bi = 0;
            }
            float loss;
            long toks = 0;
            rc = train_step(&r, tr, &corp, order, batches[bi++], emb, demb, ids, lens, tgt, tl,
                            &loss, &toks, &e);
            if (rc)
                break;
            tok_window += toks;
            loss_sum += loss;
            loss_n++;
            double now = pl_now();
            r.elapsed = el0 + (now - t_start);
            if (now - t_log >= 10 || r.step == steps) {
                double tps = (double)tok_window / (now - t_log);
                fprintf(logf,
                        "{\"step\": %ld, \"loss\": %.5f, \"lr\": %.6g, \"tokens_per_s\": %.0f, "
                        "\"elapsed\": %.1f, \"epoch\": %ld}\n",
                        r.step, loss_sum / loss_n, optim_lr_at(&r.op, r.step), tps, r.elapsed, epoch);
                fflush(logf);
                char extra[96];
                snprintf(extra, sizeof extra, "loss %.3f  %.0f tok/s", loss_sum / loss_n, tps);
                app_progress_draw(&bar, r.step, steps, extra);
                t_log = now;
                tok_window = 0;
                loss_sum = 0;
                loss_n = 0;
            }
            if (now - last_ck >= 60.0 * (double)ck_min) {
                rc = save_checkpoint(&r, &e);
                last_ck = now;
            }
        }
        app_progress_end(&bar);
        if (rc == 0 || rc == PL_ENUMERIC) {
            struct pl_err ce = {0};
            /* A numeric failure is caught before the update, so the weights
             * are those of the last good step. */
            if (save_checkpoint(&r, &ce))
                fprintf(stderr, "promptlab pretrain: checkpoint failed: %s\n", ce.msg);
            else if (r.step < steps)
                fprintf(stderr, "promptlab pretrain: stopped at step %ld; checkpoint in %s/checkpoint "
                                "(continue with --resume)\n",
                        r.step, out);
        }
        if (rc)
            fprintf(stderr, "promptlab pretrain: %s\n", e.msg);
        if (rc == 0 && r.step >= steps) {
            rc = t5_save(r.m, out, &e);
            if (rc == 0)
                rc = copy_tokenizer(tokdir, out, &e);
            if (rc)
                fprintf(stderr, "promptlab pretrain: %s\n", e.msg);
            else
                printf("trained %ld steps in %.0f s; model in %s\n", r.step, r.elapsed, out);
        }
    }
    if (logf)
        fclose(logf);
    for (int i = 0; r.opt && i < r.np; i++)
        optim_free(r.opt[i]);
    free(r.opt), free(r.wp), free(r.gp);
    t5_grads_free(r.g);
    t5_train_free(tr);
    t5_free(r.m);
    tok_free(t);
    corpus_free(&corp);
    free(order), free(batches), free(ids), free(tgt), free(lens), free(tl), free(emb), free(demb);
    if (rc)
        return 1;
    return atomic_load(&app_interrupted) ? 1 : 0;
}
