/* objective.c - the prompt-tuning objective: batches of tokenised pairs,
 * t5_train_forward/backward, and the gradient of the prompt rows, which is
 * the sum over the batch of d loss / d (encoder input rows 0..N-1).
 *
 * The one idea: every example's encoder input starts with the same N prompt
 * rows, so the prompt's gradient is the sum of the per-example input
 * gradients of those rows. */
#include "promptlab/objective.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "promptlab/metrics.h"

struct example {
    int *src; /* ids of fill(hard, source) + </s> */
    int n_src;
    int *tgt; /* ids of target + </s> */
    int n_tgt;
    char *target; /* reference text, for the metric (NULL when the set is never decoded) */
    char *source;
};

struct set {
    struct example *ex;
    int n;
    int n_skipped;
    int max_src, max_tgt;
};

struct batch_run {
    int first, n; /* a run of plan.order */
};

/* The token-budget batches of one epoch (batch_tokens > 0). */
struct plan {
    long epoch;        /* -1: none computed */
    long done;         /* batches in the epochs before this one */
    int nb;
    int *order;        /* [n_train] */
    struct batch_run *runs; /* [n_train] */
};

struct obj {
    struct lab *lab; /* forked: own inference state */
    const t5_model *m;
    struct obj_params p;
    struct set train, valid;
    t5_train *tr;
    int cap_batch, cap_src, cap_tgt, eval_batch;
    float *emb, *demb; /* [cap_rows, d] */
    int *ids, *lens, *tgt, *tlens, *vidx;
    struct obj_target tg;
    uint64_t seed;
    struct plan plan;
};

void obj_params_default(struct obj_params *p)
{
    memset(p, 0, sizeof *p);
    p->n_soft = 20;
    p->max_batch = 8;
    p->metric = OBJ_METRIC_CHRF;
    p->max_valid = 64;
    p->max_new_tokens = 48;
    p->target_eos = true;
}

const char *obj_metric_name(enum obj_metric m)
{
    switch (m) {
    case OBJ_METRIC_CHRF: return "chrf";
    case OBJ_METRIC_EXACT: return "exact";
    case OBJ_METRIC_ACCURACY: return "accuracy";
    }
    return "?";
}

int obj_metric_parse(const char *s, enum obj_metric *out, struct pl_err *e)
{
    for (int m = OBJ_METRIC_CHRF; m <= OBJ_METRIC_ACCURACY; m++)
        if (strcmp(s, obj_metric_name((enum obj_metric)m)) == 0) {
            *out = (enum obj_metric)m;
            return 0;
        }
    return pl_err_set(e, PL_EINVAL, "unknown metric '%s' (chrf, exact, accuracy)", s);
}

static void set_free(struct set *s)
{
    for (int i = 0; i < s->n; i++) {
        free(s->ex[i].src);
        free(s->ex[i].tgt);
        free(s->ex[i].target);
        free(s->ex[i].source);
    }
    free(s->ex);
    memset(s, 0, sizeof *s);
}

/* Tokenise one record into *x. Returns 0, an error, or 1 when the pair is
 * over the skip limits (x is then empty). */
static int example_load(struct obj *o, const struct jsonl_record *r, bool text, struct example *x,
                        struct pl_err *e)
{
    bool cut;
    int rc = lab_source_ids(o->lab, o->p.hard, o->p.n_soft, r->source, &x->src, &x->n_src, &cut, e);
    if (rc == 0 && cut && !o->p.skip_src)
        rc = pl_err_set(e, PL_ERANGE, "source is longer than %d tokens with the prompt",
                        LAB_MAX_SOURCE);
    if (rc == 0 && !pl_utf8_valid(r->target, strlen(r->target)))
        rc = pl_err_set(e, PL_EINVAL, "target is not valid UTF-8");
    if (rc == 0)
        rc = tok_encode(lab_tok(o->lab), r->target, strlen(r->target),
                        o->p.target_eos ? TOK_ADD_EOS : 0, &x->tgt, &x->n_tgt, e);
    if (rc == 0 && x->n_tgt == 0)
        rc = pl_err_set(e, PL_EINVAL, "target is empty");
    if (rc == 0 && ((o->p.skip_src && (cut || x->n_src > o->p.skip_src)) ||
                    (o->p.skip_tgt && x->n_tgt > o->p.skip_tgt))) {
        free(x->src), free(x->tgt);
        memset(x, 0, sizeof *x);
        return 1;
    }
    if (rc == 0 && x->n_tgt > OBJ_MAX_TARGET)
        rc = pl_err_set(e, PL_ERANGE, "target has %d tokens; the limit is %d", x->n_tgt,
                        OBJ_MAX_TARGET);
    if (rc == 0 && text && (!(x->target = strdup(r->target)) || !(x->source = strdup(r->source))))
        rc = pl_err_set(e, PL_ENOMEM, "out of memory");
    return rc;
}

/* Tokenise the first `limit` records (0 = all) of js; `text` keeps the
 * strings for decoding. */
static int set_load(struct obj *o, const struct jsonl_set *js, const char *name, int limit,
                    bool text, struct set *s, struct pl_err *e)
{
    int n = limit > 0 && js->n > limit ? limit : js->n;
    if (n < 1)
        return pl_err_set(e, PL_EINVAL, "%s: no examples", name);
    s->ex = calloc((size_t)n, sizeof *s->ex);
    if (!s->ex)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    for (int i = 0; i < n; i++) {
        struct example *x = &s->ex[s->n];
        int rc = example_load(o, &js->rec[i], text, x, e);
        if (rc == 1) {
            s->n_skipped++;
            continue;
        }
        s->n++; /* counted before the checks, so set_free frees a half-made example */
        if (rc)
            return pl_err_wrap(e, rc, "%s:%d", name, js->rec[i].line);
        if (x->n_src > s->max_src)
            s->max_src = x->n_src;
        if (x->n_tgt > s->max_tgt)
            s->max_tgt = x->n_tgt;
    }
    if (s->n == 0)
        return pl_err_set(e, PL_EINVAL, "%s: every example is over the length limits (%d/%d tokens)",
                          name, o->p.skip_src, o->p.skip_tgt);
    return 0;
}

void obj_free(obj *o)
{
    if (!o)
        return;
    set_free(&o->train);
    set_free(&o->valid);
    t5_train_free(o->tr);
    free(o->emb), free(o->demb), free(o->ids), free(o->lens), free(o->tgt), free(o->tlens);
    free(o->vidx), free(o->plan.order), free(o->plan.runs);
    lab_close(o->lab);
    free(o);
}

int obj_n_train(const obj *o) { return o->train.n; }
int obj_n_skipped(const obj *o) { return o->train.n_skipped + o->valid.n_skipped; }

/* Batch capacity and workspaces. Token batches hold at most batch_tokens
 * positions in all (or one example), so the embeddings are sized by that. */
static int workspace_init(struct obj *o, struct pl_err *e)
{
    int d = t5_model_config(o->m)->d_model;
    int ms = o->train.max_src > o->valid.max_src ? o->train.max_src : o->valid.max_src;
    int mt = o->train.max_tgt > o->valid.max_tgt ? o->train.max_tgt : o->valid.max_tgt;
    o->cap_src = o->p.n_soft + ms;
    o->cap_tgt = mt;
    o->cap_batch = o->eval_batch = o->p.max_batch;
    size_t rows = (size_t)o->cap_batch * (size_t)o->cap_src;
    if (o->p.batch_tokens > 0) {
        int shortest = INT32_MAX;
        for (int i = 0; i < o->train.n; i++) {
            const struct example *x = &o->train.ex[i];
            if (x->n_src + x->n_tgt < shortest)
                shortest = x->n_src + x->n_tgt;
        }
        o->cap_batch = o->p.batch_tokens / shortest + 1;
        if (o->cap_batch > o->train.n)
            o->cap_batch = o->train.n;
        rows = (size_t)o->p.batch_tokens + (size_t)o->cap_src;
        o->eval_batch = (int)(rows / (size_t)o->cap_src);
        o->plan.epoch = -1;
        o->plan.order = malloc(sizeof *o->plan.order * (size_t)o->train.n);
        o->plan.runs = malloc(sizeof *o->plan.runs * (size_t)o->train.n);
        if (!o->plan.order || !o->plan.runs)
            return pl_err_set(e, PL_ENOMEM, "out of memory planning %d examples", o->train.n);
    }
    int cap = o->cap_batch > o->eval_batch ? o->cap_batch : o->eval_batch;
    o->emb = malloc(rows * (size_t)d * sizeof *o->emb);
    o->demb = malloc(rows * (size_t)d * sizeof *o->demb);
    o->ids = malloc(rows * sizeof *o->ids);
    o->lens = malloc((size_t)cap * sizeof *o->lens);
    o->tgt = malloc((size_t)cap * (size_t)o->cap_tgt * sizeof *o->tgt);
    o->tlens = malloc((size_t)cap * sizeof *o->tlens);
    o->vidx = malloc((size_t)cap * sizeof *o->vidx);
    if (!o->emb || !o->demb || !o->ids || !o->lens || !o->tgt || !o->tlens || !o->vidx)
        return pl_err_set(e, PL_ENOMEM, "out of memory sizing the training workspace");
    return t5_train_init(o->m, cap, o->cap_src, o->cap_tgt, &o->tr, e);
}

int obj_init(const struct lab *L, const struct jsonl_set *train, const char *train_name,
             const struct jsonl_set *valid, const char *valid_name, const struct obj_params *p,
             obj **out, struct pl_err *e)
{
    *out = NULL;
    if (p->n_soft < 0 || p->n_soft > LAB_MAX_SOURCE - 2)
        return pl_err_set(e, PL_ERANGE, "prompt length %d is outside 1..%d (the encoder's limit)",
                          p->n_soft, LAB_MAX_SOURCE - 2);
    if (p->max_batch < 1)
        return pl_err_set(e, PL_EINVAL, "batch size must be at least 1");
    struct obj *o = calloc(1, sizeof *o);
    if (!o)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    o->p = *p;
    int rc = lab_fork(L, &o->lab, e);
    if (rc == 0) {
        o->m = lab_model(o->lab);
        rc = set_load(o, train, train_name, 0, !valid, &o->train, e);
    }
    if (rc == 0 && valid)
        rc = set_load(o, valid, valid_name, p->max_valid, true, &o->valid, e);
    if (rc == 0)
        rc = workspace_init(o, e);
    if (rc) {
        obj_free(o);
        return rc;
    }
    *out = o;
    return 0;
}

/* Build embeddings and targets for examples idx[0..n) of set s. Returns the
 * padded source width T (prompt included) and target width U; T_ids is
 * the width of the token part. */
static int make_batch(struct obj *o, const struct set *s, const int *idx, int n, int *T_out,
                      int *T_ids_out, int *U_out, int64_t *n_tokens, struct pl_err *e)
{
    int T_ids = 1, U = 1;
    for (int b = 0; b < n; b++) {
        const struct example *x = &s->ex[idx[b]];
        if (x->n_src > T_ids)
            T_ids = x->n_src;
        if (x->n_tgt > U)
            U = x->n_tgt;
    }
    int64_t toks = 0;
    memset(o->tgt, 0, (size_t)n * (size_t)U * sizeof *o->tgt);
    for (int b = 0; b < n; b++) {
        const struct example *x = &s->ex[idx[b]];
        int *row = o->ids + (size_t)b * (size_t)T_ids;
        memcpy(row, x->src, (size_t)x->n_src * sizeof *row);
        for (int i = x->n_src; i < T_ids; i++)
            row[i] = 0;
        o->lens[b] = x->n_src;
        memcpy(o->tgt + (size_t)b * (size_t)U, x->tgt, (size_t)x->n_tgt * sizeof *o->tgt);
        o->tlens[b] = x->n_tgt;
        toks += x->n_src + o->p.n_soft + x->n_tgt;
    }
    int N = o->p.n_soft;
    int rc = t5_embed_batch(o->m, N ? o->tg.prompt : NULL, N, o->ids, o->lens, n, T_ids, o->emb, e);
    for (int b = 0; b < n; b++)
        o->lens[b] += N;
    *T_out = N + T_ids;
    *T_ids_out = T_ids;
    *U_out = U;
    if (n_tokens)
        *n_tokens = toks;
    return rc;
}

static int loss_and_grad(void *ctx, const int *idx, int n, float *loss, int64_t *n_tokens,
                         struct pl_err *e)
{
    struct obj *o = ctx;
    if (n > o->cap_batch)
        return pl_err_set(e, PL_EINVAL, "batch of %d is larger than the workspace's %d", n,
                          o->cap_batch);
    int T, T_ids, U, d = t5_model_config(o->m)->d_model, N = o->p.n_soft;
    int rc = make_batch(o, &o->train, idx, n, &T, &T_ids, &U, n_tokens, e);
    if (rc == 0)
        rc = t5_train_forward(o->tr, o->emb, o->lens, n, T, o->tgt, o->tlens, U, loss, e);
    if (rc == 0)
        rc = t5_train_backward(o->tr, o->demb, o->tg.grads, e);
    if (rc)
        return rc;
    if (o->tg.grads) {
        /* The encoder's input rows are rows of the shared table (N is 0). */
        for (int b = 0; b < n; b++)
            o->lens[b] -= N;
        if (t5_embed_backward(o->m, o->ids, o->lens, n, T_ids, N, o->demb, o->tg.grads))
            return pl_err_set(e, PL_EINVAL, "a token id is outside the vocabulary");
    }
    for (int b = 0; N && b < n; b++) {
        const float *g = o->demb + (size_t)b * (size_t)T * (size_t)d;
        for (int i = 0; i < N * d; i++)
            o->tg.prompt_grad[i] += g[i];
    }
    return 0;
}

/* ---- token-budget batches ------------------------------------------------ */

/* The batches of one epoch: a seeded permutation, sorted by source length
 * inside windows of 64 batches so batches have little padding, cut into
 * batches of about batch_tokens tokens, whose order is then shuffled. */
static void plan_epoch(struct obj *o, long epoch)
{
    const struct set *s = &o->train;
    struct plan *pl = &o->plan;
    int *order = pl->order, tokens = o->p.batch_tokens;
    struct pl_rng r;
    pl_rng_seed(&r, o->seed * 1000003ULL + (uint64_t)epoch);
    for (int i = 0; i < s->n; i++)
        order[i] = i;
    for (int i = s->n - 1; i > 0; i--) {
        int j = (int)pl_rng_below(&r, (uint32_t)i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    int avg = 0, probe = s->n < 1000 ? s->n : 1000;
    for (int i = 0; i < probe; i++)
        avg += s->ex[order[i]].n_src + s->ex[order[i]].n_tgt;
    avg = avg / probe + 1;
    int win = 64 * (tokens / avg + 1);
    for (int w0 = 0; w0 < s->n; w0 += win) { /* insertion sort: windows are small */
        int w1 = w0 + win < s->n ? w0 + win : s->n;
        for (int i = w0 + 1; i < w1; i++) {
            int x = order[i], k = i;
            while (k > w0 && s->ex[order[k - 1]].n_src > s->ex[x].n_src)
                order[k] = order[k - 1], k--;
            order[k] = x;
        }
    }
    int nb = 0;
    for (int i = 0; i < s->n;) {
        int ms = 0, mt = 0, n = 0;
        while (i + n < s->n && n < o->cap_batch) {
            const struct example *x = &s->ex[order[i + n]];
            int a = x->n_src > ms ? x->n_src : ms, b = x->n_tgt > mt ? x->n_tgt : mt;
            if (n > 0 && (n + 1) * (a + b) > tokens)
                break;
            ms = a, mt = b, n++;
        }
        pl->runs[nb++] = (struct batch_run){i, n};
        i += n;
    }
    for (int i = nb - 1; i > 0; i--) {
        int j = (int)pl_rng_below(&r, (uint32_t)i + 1);
        struct batch_run t = pl->runs[i];
        pl->runs[i] = pl->runs[j];
        pl->runs[j] = t;
    }
    pl->epoch = epoch;
    pl->nb = nb;
}

static int plan_batch(void *ctx, long t, int *idx, int *n, struct pl_err *e)
{
    (void)e;
    struct obj *o = ctx;
    struct plan *pl = &o->plan;
    long k = t - 1; /* batches before this one */
    if (pl->epoch < 0 || k < pl->done) {
        pl->done = 0;
        plan_epoch(o, 0);
    }
    while (k >= pl->done + pl->nb) {
        pl->done += pl->nb;
        plan_epoch(o, pl->epoch + 1);
    }
    struct batch_run br = pl->runs[k - pl->done];
    for (int i = 0; i < br.n; i++)
        idx[i] = pl->order[br.first + i];
    *n = br.n;
    return 0;
}

/* ---- validation ----------------------------------------------------------- */

int obj_decode_valid(obj *o, const float *prompt, char ***outputs, int *n, float *metric,
                     struct pl_err *e)
{
    const struct set *s = o->valid.n ? &o->valid : &o->train;
    int count = s->n;
    const char **src = malloc((size_t)count * sizeof *src);
    const char **ref = malloc((size_t)count * sizeof *ref);
    char **out = calloc((size_t)count, sizeof *out);
    if (!src || !ref || !out) {
        free(src), free(ref), free(out);
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    }
    for (int i = 0; i < count; i++) {
        src[i] = s->ex[i].source;
        ref[i] = s->ex[i].target;
    }
    struct soft_prompt view = {.n_tokens = o->p.n_soft,
                               .d = t5_model_config(o->m)->d_model,
                               .w = (float *)prompt};
    struct t5_gen_params gp;
    lab_gen_params_default(&gp);
    gp.max_new_tokens = o->p.max_new_tokens;
    int rc = lab_translate(o->lab, o->p.hard, o->p.n_soft ? &view : NULL, src, count, &gp, out,
                           NULL, e);
    if (rc == 0) {
        const char *const *hyp = (const char *const *)out;
        switch (o->p.metric) {
        case OBJ_METRIC_CHRF: *metric = (float)metric_chrf_corpus(hyp, ref, count); break;
        case OBJ_METRIC_EXACT: *metric = (float)metric_exact(hyp, ref, count); break;
        case OBJ_METRIC_ACCURACY: *metric = (float)metric_accuracy(hyp, ref, count); break;
        }
    }
    if (rc == 0 && outputs) {
        *outputs = out;
        *n = count;
        out = NULL;
    }
    if (out)
        for (int i = 0; i < count; i++)
            free(out[i]);
    free(out), free(src), free(ref);
    return rc;
}

static int evaluate(void *ctx, float *valid_loss, float *metric, struct pl_err *e)
{
    struct obj *o = ctx;
    double sum = 0;
    long tokens = 0;
    int *idx = o->vidx;
    for (int start = 0; start < o->valid.n; start += o->eval_batch) {
        int n = o->valid.n - start < o->eval_batch ? o->valid.n - start : o->eval_batch;
        int T, T_ids, U, rc;
        float loss;
        long batch_tokens = 0;
        for (int b = 0; b < n; b++) {
            idx[b] = start + b;
            batch_tokens += o->valid.ex[start + b].n_tgt;
        }
        rc = make_batch(o, &o->valid, idx, n, &T, &T_ids, &U, NULL, e);
        if (rc == 0)
            rc = t5_train_forward(o->tr, o->emb, o->lens, n, T, o->tgt, o->tlens, U, &loss, e);
        if (rc)
            return rc;
        sum += (double)loss * (double)batch_tokens; /* loss is a per-token mean */
        tokens += batch_tokens;
    }
    *valid_loss = (float)(sum / (double)tokens);
    return obj_decode_valid(o, o->tg.prompt, NULL, NULL, metric, e);
}

void obj_bind(obj *o, const struct obj_target *tg, uint64_t seed, struct tune_objective *out)
{
    o->tg = *tg;
    o->seed = seed;
    o->plan.epoch = -1;
    memset(out, 0, sizeof *out);
    out->ctx = o;
    out->n_train = o->train.n;
    out->loss_and_grad = loss_and_grad;
    out->evaluate = o->valid.n ? evaluate : NULL;
    if (o->p.batch_tokens > 0) {
        out->batch = plan_batch;
        out->max_batch = o->cap_batch;
    }
}
