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
    char *target; /* reference text, for the metric */
    char *source;
};

struct set {
    struct example *ex;
    int n;
    int max_src, max_tgt;
};

struct obj {
    struct lab *lab; /* forked: own inference state */
    const t5_model *m;
    struct obj_params p;
    struct set train, valid;
    t5_train *tr;
    int cap_batch, cap_src, cap_tgt;
    float *emb, *demb; /* [cap_batch, cap_src, d] */
    int *ids, *lens, *tgt, *tlens, *vidx;
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

static int set_load(struct obj *o, const struct jsonl_set *js, const char *name, int limit,
                    struct set *s, struct pl_err *e)
{
    int n = limit > 0 && js->n > limit ? limit : js->n;
    if (n < 1)
        return pl_err_set(e, PL_EINVAL, "%s: no examples", name);
    s->ex = calloc((size_t)n, sizeof *s->ex);
    if (!s->ex)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    const tok *t = lab_tok(o->lab);
    for (int i = 0; i < n; i++) {
        const struct jsonl_record *r = &js->rec[i];
        struct example *x = &s->ex[i];
        s->n = i + 1;
        bool cut;
        int rc = lab_source_ids(o->lab, o->p.hard, o->p.n_soft, r->source, &x->src, &x->n_src,
                                &cut, e);
        if (rc == 0 && cut)
            rc = pl_err_set(e, PL_ERANGE, "source is longer than %d tokens with the prompt",
                            LAB_MAX_SOURCE);
        if (rc == 0 && !pl_utf8_valid(r->target, strlen(r->target)))
            rc = pl_err_set(e, PL_EINVAL, "target is not valid UTF-8");
        if (rc == 0)
            rc = tok_encode(t, r->target, strlen(r->target), o->p.target_eos ? TOK_ADD_EOS : 0,
                            &x->tgt, &x->n_tgt, e);
        if (rc == 0 && x->n_tgt == 0)
            rc = pl_err_set(e, PL_EINVAL, "target is empty");
        if (rc == 0 && x->n_tgt > OBJ_MAX_TARGET)
            rc = pl_err_set(e, PL_ERANGE, "target has %d tokens; the limit is %d", x->n_tgt,
                            OBJ_MAX_TARGET);
        if (rc == 0 && (!(x->target = strdup(r->target)) || !(x->source = strdup(r->source))))
            rc = pl_err_set(e, PL_ENOMEM, "out of memory");
        if (rc)
            return pl_err_wrap(e, rc, "%s:%d", name, r->line);
        if (x->n_src > s->max_src)
            s->max_src = x->n_src;
        if (x->n_tgt > s->max_tgt)
            s->max_tgt = x->n_tgt;
    }
    return 0;
}

void obj_free(obj *o)
{
    if (!o)
        return;
    set_free(&o->train);
    set_free(&o->valid);
    t5_train_free(o->tr);
    free(o->emb);
    free(o->demb);
    free(o->ids);
    free(o->lens);
    free(o->tgt);
    free(o->tlens);
    free(o->vidx);
    lab_close(o->lab);
    free(o);
}

int obj_init(const struct lab *L, const struct jsonl_set *train, const char *train_name,
             const struct jsonl_set *valid, const char *valid_name, const struct obj_params *p,
             obj **out, struct pl_err *e)
{
    *out = NULL;
    if (p->n_soft < 1 || p->n_soft > LAB_MAX_SOURCE - 2)
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
        rc = set_load(o, train, train_name, 0, &o->train, e);
    }
    if (rc == 0 && valid)
        rc = set_load(o, valid, valid_name, p->max_valid, &o->valid, e);
    if (rc == 0) {
        int d = t5_model_config(o->m)->d_model;
        o->cap_batch = p->max_batch;
        int ms = o->train.max_src > o->valid.max_src ? o->train.max_src : o->valid.max_src;
        int mt = o->train.max_tgt > o->valid.max_tgt ? o->train.max_tgt : o->valid.max_tgt;
        o->cap_src = p->n_soft + ms;
        o->cap_tgt = mt;
        size_t rows = (size_t)o->cap_batch * (size_t)o->cap_src;
        o->emb = malloc(rows * (size_t)d * sizeof *o->emb);
        o->demb = malloc(rows * (size_t)d * sizeof *o->demb);
        o->ids = malloc(rows * sizeof *o->ids);
        o->lens = malloc((size_t)o->cap_batch * sizeof *o->lens);
        o->tgt = malloc((size_t)o->cap_batch * (size_t)o->cap_tgt * sizeof *o->tgt);
        o->tlens = malloc((size_t)o->cap_batch * sizeof *o->tlens);
        o->vidx = malloc((size_t)o->cap_batch * sizeof *o->vidx);
        if (!o->emb || !o->demb || !o->ids || !o->lens || !o->tgt || !o->tlens || !o->vidx)
            rc = pl_err_set(e, PL_ENOMEM, "out of memory sizing the training workspace");
    }
    if (rc == 0)
        rc = t5_train_init(o->m, o->cap_batch, o->cap_src, o->cap_tgt, &o->tr, e);
    if (rc) {
        obj_free(o);
        return rc;
    }
    *out = o;
    return 0;
}

/* Build embeddings and targets for examples idx[0..n) of set s. Returns the
 * padded source width T (prompt included) and target width U. */
static int make_batch(struct obj *o, const struct set *s, const int *idx, int n,
                      const float *prompt, int *T_out, int *U_out, int64_t *n_tokens,
                      struct pl_err *e)
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
    int rc = t5_embed_batch(o->m, prompt, o->p.n_soft, o->ids, o->lens, n, T_ids, o->emb, e);
    for (int b = 0; b < n; b++)
        o->lens[b] += o->p.n_soft;
    *T_out = o->p.n_soft + T_ids;
    *U_out = U;
    if (n_tokens)
        *n_tokens = toks;
    return rc;
}

static int loss_and_grad(void *ctx, const int *idx, int n, const float *prompt, float *grad,
                         float *loss, int64_t *n_tokens, struct pl_err *e)
{
    struct obj *o = ctx;
    if (n > o->cap_batch)
        return pl_err_set(e, PL_EINVAL, "batch of %d is larger than the workspace's %d", n,
                          o->cap_batch);
    int T, U, d = t5_model_config(o->m)->d_model, N = o->p.n_soft;
    int rc = make_batch(o, &o->train, idx, n, prompt, &T, &U, n_tokens, e);
    if (rc == 0)
        rc = t5_train_forward(o->tr, o->emb, o->lens, n, T, o->tgt, o->tlens, U, loss, e);
    if (rc == 0)
        rc = t5_train_backward(o->tr, o->demb, NULL, e);
    if (rc)
        return rc;
    for (int b = 0; b < n; b++) {
        const float *g = o->demb + (size_t)b * (size_t)T * (size_t)d;
        for (int i = 0; i < N * d; i++)
            grad[i] += g[i];
    }
    return 0;
}

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
    t5_gen_params_default(&gp);
    gp.max_new_tokens = o->p.max_new_tokens;
    int rc = lab_translate(o->lab, o->p.hard, &view, src, count, &gp, out, NULL, e);
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

static int evaluate(void *ctx, const float *prompt, float *valid_loss, float *metric,
                    struct pl_err *e)
{
    struct obj *o = ctx;
    double sum = 0;
    long tokens = 0;
    int *idx = o->vidx;
    for (int start = 0; start < o->valid.n; start += o->cap_batch) {
        int n = o->valid.n - start < o->cap_batch ? o->valid.n - start : o->cap_batch;
        int T, U, rc;
        float loss;
        long batch_tokens = 0;
        for (int b = 0; b < n; b++) {
            idx[b] = start + b;
            batch_tokens += o->valid.ex[start + b].n_tgt;
        }
        rc = make_batch(o, &o->valid, idx, n, prompt, &T, &U, NULL, e);
        if (rc == 0)
            rc = t5_train_forward(o->tr, o->emb, o->lens, n, T, o->tgt, o->tlens, U, &loss, e);
        if (rc)
            return rc;
        sum += (double)loss * (double)batch_tokens; /* loss is a per-token mean */
        tokens += batch_tokens;
    }
    *valid_loss = (float)(sum / (double)tokens);
    return obj_decode_valid(o, prompt, NULL, NULL, metric, e);
}

void obj_bind(obj *o, struct tune_objective *out)
{
    memset(out, 0, sizeof *out);
    out->ctx = o;
    out->n_train = o->train.n;
    out->loss_and_grad = loss_and_grad;
    out->evaluate = o->valid.n ? evaluate : NULL;
}
