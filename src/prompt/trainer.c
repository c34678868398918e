/* trainer.c - one training run: the parameters built from the spec, the
 * data and its validation split, the objective, the tune loop, and the
 * saves it makes on the way (trainer_io.c writes them).
 *
 * The one idea: every method is "some float tensors + an objective that
 * fills their gradients". A prompt is one tensor read by the objective as
 * the encoder's first rows; model tuning and pre-training hand the loop
 * every weight of a model the trainer owns, and the objective asks
 * t5_train_backward for weight gradients. Everything else - batches,
 * clipping, optimisers, validation, best values, checkpoints - is shared,
 * which is what keeps the methods comparable. */
#include "trainer_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- parameters ------------------------------------------------------------ */

static void optimizer_default(struct tr_params *p, enum optim_kind k)
{
    optim_params_default(&p->tune.opt, k);
    if (p->method == TR_MODEL) /* whole-model rates (T5 fine-tuning: Adafactor 1e-3) */
        p->tune.opt.lr = k == OPTIM_ADAFACTOR ? 1e-3f : k == OPTIM_ADAM ? 1e-4f : 1e-2f;
}

void tr_params_default(struct tr_params *p, enum tr_method m)
{
    memset(p, 0, sizeof *p);
    p->method = m;
    p->metric = OBJ_METRIC_CHRF;
    p->max_valid = 64;
    p->max_new_tokens = 48;
    p->length = 20;
    p->init = SOFT_INIT_VOCAB;
    p->batch_tokens = 4096;
    tune_params_default(&p->tune);
    p->tune.steps = 300;
    p->tune.eval_every = 0;
    if (m == TR_PRETRAIN) {
        struct optim_params *o = &p->tune.opt;
        optim_params_default(o, OPTIM_ADAM);
        o->lr = 2e-3f;
        o->weight_decay = 0.01f;
        o->schedule = OPTIM_WARMUP_COSINE;
        o->warmup_steps = 500;
        o->total_steps = 10000;
        o->min_lr_ratio = 0.1f;
        p->tune.steps = 10000;
    } else {
        optimizer_default(p, OPTIM_ADAFACTOR);
    }
}

void tr_set_optimizer(struct tr_params *p, enum optim_kind k)
{
    optimizer_default(p, k);
}

static const char *const method_names[] = {"prompt", "model", "pretrain"};

const char *tr_method_name(enum tr_method m)
{
    return (unsigned)m < 3 ? method_names[m] : "?";
}

int tr_method_parse(const char *s, enum tr_method *out, struct pl_err *e)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, method_names[i]) == 0) {
            *out = (enum tr_method)i;
            return 0;
        }
    return pl_err_set(e, PL_EINVAL, "unknown method '%s' (prompt, model, pretrain)", s);
}

/* ---- initialisers ------------------------------------------------------------ */

int tr_init_parse(const char *spec, enum soft_init_kind *kind, const char **arg, struct pl_err *e)
{
    *arg = NULL;
    if (strcmp(spec, "random") == 0 || strcmp(spec, "vocab") == 0) {
        *kind = spec[0] == 'r' ? SOFT_INIT_RANDOM : SOFT_INIT_VOCAB;
        return 0;
    }
    if (strncmp(spec, "text:", 5) == 0 || strncmp(spec, "labels:", 7) == 0) {
        *kind = spec[0] == 't' ? SOFT_INIT_TEXT : SOFT_INIT_LABELS;
        *arg = strchr(spec, ':') + 1;
        return 0;
    }
    return pl_err_set(e, PL_EINVAL, "unknown init '%s' (random, vocab, text:STRING, labels:A,B,C)",
                      spec);
}

/* Split label words (the rule in trainer.h) into words[], at most cap. */
static int label_words(char *s, char **words, int cap, int *n, struct pl_err *e)
{
    bool commas = strchr(s, ',') != NULL;
    *n = 0;
    for (char *w = s; w;) {
        char *end = commas ? strchr(w, ',') : NULL;
        if (end)
            *end = '\0';
        if (!commas) {
            w += strspn(w, " \t\n");
            if (!*w)
                break;
            end = w + strcspn(w, " \t\n");
            if (*end)
                *end++ = '\0';
            else
                end = NULL;
        } else {
            w += strspn(w, " \t");
            for (char *z = w + strlen(w); z > w && (z[-1] == ' ' || z[-1] == '\t');)
                *--z = '\0';
            if (!*w)
                return pl_err_set(e, PL_EINVAL, "class label %d is empty", *n + 1);
        }
        if (*n == cap)
            return pl_err_set(e, PL_EINVAL, "more class labels than the %d prompt rows", cap);
        words[(*n)++] = w;
        w = end ? (commas ? end + 1 : end) : NULL;
    }
    if (*n == 0)
        return pl_err_set(e, PL_EINVAL, "class-label init needs label words (e.g. \"sport,food\")");
    return 0;
}

static int init_labels(struct lab *L, const char *arg, uint64_t seed, struct soft_prompt *p,
                       struct pl_err *e)
{
    int cap = p->n_tokens, n = 0, rc;
    char *s = strdup(arg);
    char **words = calloc((size_t)cap, sizeof *words);
    int **ids = calloc((size_t)cap, sizeof *ids), *lens = calloc((size_t)cap, sizeof *lens);
    if (!s || !words || !ids || !lens)
        rc = pl_err_set(e, PL_ENOMEM, "out of memory");
    else
        rc = label_words(s, words, cap, &n, e);
    for (int i = 0; rc == 0 && i < n; i++) {
        rc = tok_encode(lab_tok(L), words[i], strlen(words[i]), 0, &ids[i], &lens[i], e);
        if (rc == 0 && lens[i] == 0)
            rc = pl_err_set(e, PL_EINVAL, "class label '%s' has no tokens", words[i]);
    }
    if (rc == 0)
        rc = soft_fill_labels(p, lab_vocab(L), (const int *const *)ids, lens, n, 0, seed, arg, e);
    for (int i = 0; ids && i < n; i++)
        free(ids[i]);
    free(s), free(words), free(ids), free(lens);
    return rc;
}

int tr_prompt_init(struct lab *L, enum soft_init_kind kind, const char *arg, uint64_t seed,
                   struct soft_prompt *p, struct pl_err *e)
{
    const struct soft_vocab *v = lab_vocab(L);
    if (!v)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    switch (kind) {
    case SOFT_INIT_RANDOM:
        soft_fill_random(p, seed);
        return 0;
    case SOFT_INIT_VOCAB:
        return soft_fill_vocab(p, v, 0, seed, e);
    case SOFT_INIT_TEXT: {
        if (!arg || !*arg)
            return pl_err_set(e, PL_EINVAL, "text init needs some text");
        if (!pl_utf8_valid(arg, strlen(arg)))
            return pl_err_set(e, PL_EINVAL, "the init text is not valid UTF-8");
        int *ids = NULL, n = 0;
        int rc = tok_encode(lab_tok(L), arg, strlen(arg), 0, &ids, &n, e);
        if (rc == 0 && n == 0)
            rc = pl_err_set(e, PL_EINVAL, "the init text has no tokens");
        if (rc == 0)
            rc = soft_fill_text(p, v, ids, n, arg, e);
        free(ids);
        return rc;
    }
    case SOFT_INIT_LABELS:
        if (!arg || !*arg)
            return pl_err_set(e, PL_EINVAL, "class-label init needs label words (e.g. \"sport,food\")");
        if (!pl_utf8_valid(arg, strlen(arg)))
            return pl_err_set(e, PL_EINVAL, "the label words are not valid UTF-8");
        return init_labels(L, arg, seed, p, e);
    case SOFT_INIT_IMPORTED:
        break;
    }
    return pl_err_set(e, PL_EINVAL, "an imported prompt cannot be an initialiser");
}

/* ---- data -------------------------------------------------------------------- */

void tr_split_sizes(int n, int *n_train, int *n_valid)
{
    if (n < 2) {
        *n_train = *n_valid = 0;
        return;
    }
    int k = n / TR_VALID_SHARE; /* 60 examples: 50 to train on, 10 to validate */
    k = k < 1 ? 1 : k > TR_MAX_VALID_SPLIT ? TR_MAX_VALID_SPLIT : k;
    *n_valid = k;
    *n_train = n - k;
}

bool tr_valid_too_few(int n)
{
    return n < TR_FEW_VALID;
}

int tr_split(struct jsonl_set *train, struct jsonl_set *valid, const char *name, struct pl_err *e)
{
    if (train->n < 2)
        return pl_err_set(e, PL_EINVAL,
                          "%s: %d example%s too few to hold some out for validation; give a "
                          "validation file",
                          name, train->n, train->n == 1 ? " is" : "s are");
    int k, rest;
    tr_split_sizes(train->n, &rest, &k);
    valid->rec = train->rec + (train->n - k);
    valid->n = k;
    train->n -= k;
    return 0;
}

static int read_set(const char *path, struct jsonl_set *s, struct pl_err *e)
{
    int rc = jsonl_read(path, s, e);
    if (rc == 0 && s->n == 0)
        rc = pl_err_set(e, PL_EINVAL, "%s: no examples (the data set is empty)", path);
    return rc;
}

/* The objective over p's data; the sets are freed once tokenised. */
static int objective_init(trainer *t, struct pl_err *e)
{
    const struct tr_params *p = &t->p;
    struct jsonl_set data = {0}, vdata = {0}, train, valid = {0};
    int rc = read_set(p->train, &data, e);
    train = data;
    if (rc == 0 && p->valid)
        rc = read_set(p->valid, &vdata, e);
    if (rc == 0 && !p->valid && p->method != TR_PRETRAIN) {
        rc = tr_split(&train, &valid, p->train, e);
        t->info.held_out = true;
    }
    struct obj_params op;
    obj_params_default(&op);
    op.hard = p->hard;
    op.n_soft = p->method == TR_PROMPT ? t->prompt.n_tokens : 0;
    op.max_batch = p->tune.batch;
    op.metric = p->metric;
    op.max_valid = p->max_valid;
    op.max_new_tokens = p->max_new_tokens;
    if (p->method == TR_PRETRAIN) {
        op.skip_src = TR_PT_MAX_SRC;
        op.skip_tgt = TR_PT_MAX_TGT;
        op.batch_tokens = p->batch_tokens;
    }
    const struct jsonl_set *vs = p->valid ? &vdata : valid.n ? &valid : NULL;
    if (rc == 0)
        rc = obj_init(t->L, &train, p->train, vs, p->valid ? p->valid : p->train, &op, &t->o, e);
    if (rc == 0) {
        t->info.n_train = obj_n_train(t->o);
        t->info.n_skipped = obj_n_skipped(t->o);
        t->info.n_valid = vs ? (p->max_valid > 0 && vs->n > p->max_valid ? p->max_valid : vs->n) : 0;
    }
    jsonl_free(&data);
    jsonl_free(&vdata);
    return rc;
}

/* ---- parameters to train ----------------------------------------------------- */

/* TR_PROMPT: the rows from the checkpoint, the saved prompt, or the init. */
static int prompt_build(trainer *t, struct pl_err *e)
{
    const struct tr_params *p = &t->p;
    int d = t5_model_config(lab_model(t->L))->d_model, rc = 1;
    if (p->resume) {
        rc = tr_checkpoint_prompt(p->resume, d, &t->prompt, e);
        if (rc < 0)
            return rc;
        if (rc == 1) { /* a saved prompt without a checkpoint */
            soft_record_free(&t->rec);
            rc = soft_load(p->resume, d, &t->prompt, &t->rec, e);
            if (rc)
                return rc;
            t->info.fresh_moments = true;
        }
    } else {
        rc = soft_prompt_init(&t->prompt, p->length, d, e);
        if (rc == 0)
            rc = tr_prompt_init(t->L, p->init, p->init_arg, p->tune.seed, &t->prompt, e);
        if (rc)
            return rc;
    }
    size_t n = (size_t)t->prompt.n_tokens * (size_t)d;
    t->prompt_grad = calloc(n, sizeof(float));
    t->tt = calloc(1, sizeof *t->tt);
    if (!t->prompt_grad || !t->tt)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    t->tt[0] = (struct tune_tensor){"prompt", t->prompt.w, t->prompt_grad, t->prompt.w0,
                                    t->prompt.n_tokens, d};
    t->n_t = 1;
    t->info.n_rows = t->prompt.n_tokens;
    t->info.d = d;
    t->info.w0 = t->prompt.w0;
    t->info.n_trained = (long long)n;
    return 0;
}

/* Model methods: every weight of t->model, with its gradient; drift is
 * measured from `frozen` (NULL: not measured). */
static int weights_build(trainer *t, const t5_model *frozen, struct pl_err *e)
{
    int rc = t5_grads_init(t->model, &t->grads, e);
    if (rc)
        return rc;
    t->np = t5_param_list(t->model, t5_model_weights(t->model), NULL, 0);
    t->wp = calloc((size_t)t->np, sizeof *t->wp);
    t->gp = calloc((size_t)t->np, sizeof *t->gp);
    t->tt = calloc((size_t)t->np, sizeof *t->tt);
    struct t5_param *fp = frozen ? calloc((size_t)t->np, sizeof *fp) : NULL;
    if (!t->wp || !t->gp || !t->tt || (frozen && !fp)) {
        free(fp);
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    }
    t5_param_list(t->model, t5_model_weights(t->model), t->wp, t->np);
    t5_param_list(t->model, t->grads, t->gp, t->np);
    if (fp)
        t5_param_list(frozen, t5_model_weights(frozen), fp, t->np);
    for (int i = 0; i < t->np; i++) {
        const struct t5_param *w = &t->wp[i];
        int rows = w->n_dims == 2 ? (int)w->shape[0] : 1;
        t->tt[i] = (struct tune_tensor){w->name, w->data, t->gp[i].data, fp ? fp[i].data : NULL,
                                        rows, (int)(w->n / (size_t)rows)};
        t->info.n_trained += (long long)w->n;
    }
    free(fp);
    t->n_t = t->np;
    return 0;
}

static int model_setup(trainer *t, const struct lab *L, struct pl_err *e)
{
    const struct tr_params *p = &t->p;
    int rc;
    if (p->method == TR_PRETRAIN) {
        struct t5_config cfg;
        tok *tk = NULL;
        rc = t5_config_load(p->config, &cfg, e);
        if (rc == 0)
            rc = tok_load_dir(p->tokenizer, &tk, e);
        if (rc == 0 && tok_size(tk) > cfg.vocab_size)
            rc = pl_err_set(e, PL_EINVAL, "%s: vocab_size %d is smaller than the tokenizer's %d ids",
                            p->config, cfg.vocab_size, tok_size(tk));
        if (rc == 0)
            rc = t5_init_random(&cfg, p->tune.seed, &t->model, e);
        if (rc == 0)
            rc = lab_make(t->model, tk, p->config, true, &t->L, e);
        else
            tok_free(tk);
        t->base_dir = p->tokenizer;
        return rc == 0 ? weights_build(t, NULL, e) : rc;
    }
    t->base_dir = lab_dir(L);
    if (p->method == TR_PROMPT)
        return lab_fork(L, &t->L, e);
    rc = t5_copy(lab_model(L), &t->model, e);
    if (rc == 0)
        rc = lab_make(t->model, (tok *)lab_tok(L), lab_dir(L), false, &t->L, e);
    return rc == 0 ? weights_build(t, lab_model(L), e) : rc;
}

/* ---- set-up ------------------------------------------------------------------ */

static int params_check(const struct tr_params *p, const struct lab *L, struct pl_err *e)
{
    if ((unsigned)p->method > TR_PRETRAIN)
        return pl_err_set(e, PL_EINVAL, "unknown training method %d", (int)p->method);
    if (!p->train)
        return pl_err_set(e, PL_EINVAL, "no training data");
    if (p->method == TR_PRETRAIN ? !p->config || !p->tokenizer : !L)
        return pl_err_set(e, PL_EINVAL, p->method == TR_PRETRAIN
                                            ? "pre-training needs a config and a tokenizer"
                                            : "training needs a model");
    if (p->method == TR_PROMPT && !p->resume && (p->length < 1 || p->length > LAB_MAX_SOURCE - 2))
        return pl_err_set(e, PL_ERANGE, "prompt length %d is outside 1..%d (the encoder's limit)",
                          p->length, LAB_MAX_SOURCE - 2);
    if (p->method == TR_PRETRAIN && p->batch_tokens < 64)
        return pl_err_set(e, PL_EINVAL, "batch_tokens %d is below 64", p->batch_tokens);
    if (p->resume && !p->out)
        return pl_err_set(e, PL_EINVAL, "resuming needs an output directory");
    return tune_params_check(&p->tune, e);
}

static char *keep(trainer *t, int slot, const char *s)
{
    return s ? (t->strs[slot] = strdup(s)) : NULL;
}

static int params_copy(trainer *t, const struct tr_params *p, struct pl_err *e)
{
    t->p = *p;
    const char *src[8] = {p->train, p->valid, p->hard, p->init_arg, p->config, p->tokenizer, p->out,
                          p->resume};
    const char **dst[8] = {&t->p.train, &t->p.valid, &t->p.hard, &t->p.init_arg, &t->p.config,
                           &t->p.tokenizer, &t->p.out, &t->p.resume};
    for (int i = 0; i < 8; i++)
        if (src[i] && !(*dst[i] = keep(t, i, src[i])))
            return pl_err_set(e, PL_ENOMEM, "out of memory");
    if (t->p.tune.eval_every == 0)
        t->p.tune.eval_every = t->p.tune.steps / 20 < 5 ? 5 : t->p.tune.steps / 20;
    return 0;
}

static void record_init(trainer *t)
{
    struct soft_record *r = &t->rec;
    const struct t5_config *c = t5_model_config(lab_model(t->L));
    snprintf(r->model, sizeof r->model, "%s", t->base_dir);
    r->d_model = c->d_model;
    r->n_heads = c->n_heads;
    r->n_layers = c->n_layers;
    snprintf(r->train_data, sizeof r->train_data, "%s", t->p.train);
    snprintf(r->valid_data, sizeof r->valid_data, "%s", t->p.valid ? t->p.valid : t->p.train);
    snprintf(r->metric, sizeof r->metric, "%s", obj_metric_name(t->p.metric));
    r->has_params = true;
    r->params = t->p.tune;
    r->n_trained = t->info.n_trained;
    r->n_model_params = t->info.n_model;
    r->weights_bytes = 2 * t->info.n_trained * (long long)sizeof(float); /* PEFT's 2N rows */
}

static int loop_init(trainer *t, struct pl_err *e)
{
    unsigned flags = t->p.method == TR_PRETRAIN ? 0 : TUNE_KEEP_BEST;
    int rc = tune_init(&t->ts, &t->p.tune, t->tt, t->n_t, flags, e);
    if (rc)
        return rc;
    struct obj_target tg = {t->p.method == TR_PROMPT ? t->prompt.w : NULL, t->prompt_grad, t->grads};
    obj_bind(t->o, &tg, t->p.tune.seed, &t->to);
    if (t->p.method == TR_PROMPT) {
        t->best = t->prompt; /* a view: the rows come from the tune state */
        t->best.w = tune_best(t->ts, 0);
    }
    if (!t->p.resume)
        return 0;
    if (t->info.fresh_moments) { /* continue a saved prompt: its curve and best */
        memcpy(tune_best(t->ts, 0), t->prompt.w, t->info.n_trained * sizeof(float));
        struct tune_history *h = tune_hist(t->ts);
        tune_history_free(h);
        rc = tune_history_copy(h, &t->rec.hist, e);
    } else {
        rc = tr_checkpoint_read(t, t->p.resume, e);
    }
    t->info.start_step = tune_hist(t->ts)->steps_done;
    return rc;
}

int tr_init(trainer **out, const struct lab *L, const struct tr_params *p, struct pl_err *e)
{
    *out = NULL;
    int rc = params_check(p, L, e);
    if (rc)
        return rc;
    trainer *t = calloc(1, sizeof *t);
    if (!t)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    soft_record_init(&t->rec);
    t->saved_step = -1;
    rc = params_copy(t, p, e);
    if (rc == 0)
        rc = model_setup(t, L, e);
    if (rc == 0 && p->method == TR_PROMPT)
        rc = prompt_build(t, e);
    if (rc == 0)
        rc = objective_init(t, e);
    if (rc == 0) {
        t->info.method = p->method;
        t->info.n_model = (long long)t5_model_n_params(lab_model(t->L));
        t->info.metric = obj_metric_name(p->metric);
        if (p->method == TR_PROMPT)
            record_init(t);
        rc = loop_init(t, e);
    }
    t->info.tune = t->p.tune;
    if (rc) {
        tr_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

void tr_free(trainer *t)
{
    if (!t)
        return;
    tune_free(t->ts);
    obj_free(t->o);
    soft_record_free(&t->rec);
    soft_prompt_free(&t->prompt);
    free(t->prompt_grad);
    free(t->tt), free(t->wp), free(t->gp);
    t5_grads_free(t->grads);
    lab_close(t->L);
    if (t->p.method == TR_MODEL)
        t5_free(t->model);
    for (int i = 0; i < 8; i++)
        free(t->strs[i]);
    free(t);
}

const struct tr_info *tr_get_info(const trainer *t) { return &t->info; }
const t5_model *tr_model(const trainer *t) { return t->p.method == TR_PROMPT ? NULL : t->model; }
const struct soft_prompt *tr_best_prompt(trainer *t)
{
    return t->p.method == TR_PROMPT ? &t->best : NULL;
}

/* ---- the run ------------------------------------------------------------------ */

static bool take(atomic_int *f)
{
    return f && atomic_exchange(f, 0) != 0;
}

/* The first failure is kept for the result (later ones are often its
 * consequence); every failure is an event. */
static void failed(trainer *t, const char *what, const struct pl_err *e)
{
    if (!t->save_error[0])
        snprintf(t->save_error, sizeof t->save_error, "%s", e->msg);
    snprintf(t->event, sizeof t->event, "%s failed: %.280s", what, e->msg);
}

/* After every step: saves at improvements, on request and when a checkpoint
 * is due; then the caller's callback with the snapshot. A checkpoint goes
 * with every save of the best values, so after a crash the checkpoint is
 * never older than the saved values: a resumed run replays exactly the
 * steps that follow it and saves in the same order again. */
static void on_step(void *user, const struct tune_progress *tp)
{
    trainer *t = user;
    const struct tr_control *ctl = t->ctl;
    struct pl_err e = {0};
    t->event[0] = '\0';
    bool asked = ctl && take(ctl->save);
    if (t->p.out && ((tp->flags & TUNE_IS_BEST) || asked)) {
        int step = tp->best_step >= 0 ? tp->best_step : tp->pt.step;
        if (tr_save_best(t, step, &e) == 0) {
            t->saved_step = step;
            if (asked)
                snprintf(t->event, sizeof t->event, "saved the best %s (step %d) in %.240s",
                         t->p.method == TR_PROMPT ? "prompt" : "model", step, t->p.out);
        } else {
            failed(t, "saving", &e);
        }
    }
    bool due = t->p.checkpoint_s > 0 && tp->elapsed - t->last_ckpt >= t->p.checkpoint_s;
    bool improved = (tp->flags & TUNE_IS_BEST) && tp->pt.step > 0;
    if (t->p.out && (asked || due || improved) && tp->pt.step > 0) {
        t->last_ckpt = tp->elapsed;
        if (tr_checkpoint_write(t, &e))
            failed(t, "checkpoint", &e);
    }
    if (!ctl || !ctl->progress)
        return;
    struct tr_progress pr = {.tp = *tp, .saved_step = t->saved_step,
                             .event = t->event[0] ? t->event : NULL};
    if (t->p.method == TR_PROMPT) {
        pr.rows = t->prompt.w;
        pr.best_rows = t->best.w;
    }
    ctl->progress(ctl->user, &pr);
}

int tr_run(trainer *t, const struct tr_control *ctl, struct tr_result *res, struct pl_err *e)
{
    struct tr_result r0 = {.saved_step = -1};
    if (!res)
        res = &r0;
    *res = r0;
    if (t->ran)
        return pl_err_set(e, PL_EINVAL, "this trainer has run already");
    t->ran = true;
    t->ctl = ctl;
    t->last_ckpt = tune_hist(t->ts)->elapsed;
    struct tune_control tc = {ctl ? ctl->stop : NULL, ctl ? ctl->pause : NULL, on_step, t};
    int rc = tune_run(t->ts, &t->to, &tc, &res->tune, e);
    const struct tune_history *h = tune_hist(t->ts);
    bool consistent = rc != PL_EINVAL && rc != PL_ENOMEM && h->n > 0;
    bool discard = ctl && ctl->discard && atomic_load(ctl->discard);
    if (consistent && t->p.out && !discard) {
        struct pl_err se = {0};
        int step = h->best_step >= 0 ? h->best_step : h->steps_done;
        if (tr_save_best(t, step, &se) == 0)
            t->saved_step = step;
        else if (!t->save_error[0])
            snprintf(t->save_error, sizeof t->save_error, "%s", se.msg);
        /* After a NaN or an overflow the optimisers may hold the failed
         * step's moments: the last checkpoint (the last improvement's)
         * stays the one to resume from. */
        bool ckpt = h->steps_done > 0 && rc != PL_ENUMERIC;
        if (ckpt && tr_checkpoint_write(t, &se) == 0)
            res->checkpointed = true;
        else if (ckpt && !t->save_error[0])
            snprintf(t->save_error, sizeof t->save_error, "%s", se.msg);
    }
    res->saved_step = t->saved_step;
    res->elapsed = h->elapsed;
    res->saved_bytes = t->p.out && t->saved_step >= 0 ? tr_dir_bytes(t->p.out) : 0;
    memcpy(res->save_error, t->save_error, sizeof res->save_error);
    return rc;
}
