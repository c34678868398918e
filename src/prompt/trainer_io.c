/* trainer_io.c - what a training run writes and reads back: the best values
 * (a prompt in PEFT's layout, or a model directory in Hugging Face's), the
 * run record, and the checkpoint that makes a resumed run equal an
 * uninterrupted one.
 *
 * The one idea: a checkpoint is one safetensors file written atomically,
 * holding everything the next step depends on - current values, best
 * values, every optimiser buffer, the curve - with the settings and
 * counters in its metadata (floats written with 9 significant digits, so
 * they read back bit for bit). Nothing a resumed run needs lives anywhere
 * else, so a crash between two files can never mix two steps. */
#include "trainer_impl.h"

#include <cJSON.h>
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "promptlab/safetensors.h"

enum { HIST_COLS = 8, MAX_META = 48 };

/* ---- settings as metadata ------------------------------------------------- */

enum set_type { S_FLOAT, S_INT, S_U64, S_BOOL, S_OPT, S_SCHED, S_SELECT };

#define TP(f) offsetof(struct tune_params, f)
static const struct {
    const char *key;
    enum set_type type;
    size_t off;
} settings[] = {
    {"optimizer", S_OPT, TP(opt.kind)},
    {"lr", S_FLOAT, TP(opt.lr)},
    {"schedule", S_SCHED, TP(opt.schedule)},
    {"warmup_steps", S_INT, TP(opt.warmup_steps)},
    {"total_steps", S_INT, TP(opt.total_steps)},
    {"min_lr_ratio", S_FLOAT, TP(opt.min_lr_ratio)},
    {"adam_beta1", S_FLOAT, TP(opt.beta1)},
    {"adam_beta2", S_FLOAT, TP(opt.beta2)},
    {"adam_eps", S_FLOAT, TP(opt.eps)},
    {"weight_decay", S_FLOAT, TP(opt.weight_decay)},
    {"adafactor_decay_rate", S_FLOAT, TP(opt.decay_rate)},
    {"adafactor_eps1", S_FLOAT, TP(opt.eps1)},
    {"adafactor_eps2", S_FLOAT, TP(opt.eps2)},
    {"adafactor_clip_threshold", S_FLOAT, TP(opt.clip_threshold)},
    {"adafactor_beta1", S_FLOAT, TP(opt.af_beta1)},
    {"adafactor_scale_parameter", S_BOOL, TP(opt.scale_parameter)},
    {"adafactor_min_dim_to_factor", S_INT, TP(opt.min_dim_to_factor)},
    {"sgd_momentum", S_FLOAT, TP(opt.momentum)},
    {"steps", S_INT, TP(steps)},
    {"batch", S_INT, TP(batch)},
    {"eval_every", S_INT, TP(eval_every)},
    {"patience", S_INT, TP(patience)},
    {"select", S_SELECT, TP(select)},
    {"clip_norm", S_FLOAT, TP(clip_norm)},
    {"seed", S_U64, TP(seed)},
};
#undef TP
enum { N_SETTINGS = sizeof settings / sizeof *settings };

static void setting_format(const struct tune_params *tp, int i, char *buf, size_t cap)
{
    const char *base = (const char *)tp + settings[i].off;
    switch (settings[i].type) {
    case S_FLOAT: snprintf(buf, cap, "%.9g", (double)*(const float *)base); break;
    case S_INT: snprintf(buf, cap, "%d", *(const int *)base); break;
    case S_U64: snprintf(buf, cap, "%llu", (unsigned long long)*(const uint64_t *)base); break;
    case S_BOOL: snprintf(buf, cap, "%s", *(const bool *)base ? "true" : "false"); break;
    case S_OPT: snprintf(buf, cap, "%s", optim_kind_name(*(const enum optim_kind *)base)); break;
    case S_SCHED:
        snprintf(buf, cap, "%s", optim_schedule_name(*(const enum optim_schedule *)base));
        break;
    case S_SELECT:
        snprintf(buf, cap, "%s", *(const enum tune_select *)base == TUNE_SELECT_METRIC ? "metric" : "loss");
        break;
    }
}

static int setting_parse(struct tune_params *tp, int i, const char *v, struct pl_err *e)
{
    char *base = (char *)tp + settings[i].off, *end = NULL;
    switch (settings[i].type) {
    case S_FLOAT: *(float *)base = strtof(v, &end); break;
    case S_INT: *(int *)base = (int)strtol(v, &end, 10); break;
    case S_U64: *(uint64_t *)base = strtoull(v, &end, 10); break;
    case S_BOOL: *(bool *)base = strcmp(v, "true") == 0; return 0;
    case S_OPT: return optim_kind_parse(v, (enum optim_kind *)base, e);
    case S_SCHED: return optim_schedule_parse(v, (enum optim_schedule *)base, e);
    case S_SELECT: *(enum tune_select *)base = strcmp(v, "metric") == 0 ? TUNE_SELECT_METRIC : TUNE_SELECT_LOSS; return 0;
    }
    return end && end != v && !*end ? 0 : pl_err_set(e, PL_EFORMAT, "bad value '%s' for %s", v, settings[i].key);
}

static int settings_read(const st_file *f, struct tune_params *tp, const char *path, struct pl_err *e)
{
    tune_params_default(tp);
    for (int i = 0; i < N_SETTINGS; i++) {
        const char *v = st_metadata(f, settings[i].key);
        if (!v)
            return pl_err_set(e, PL_EFORMAT, "%s: the checkpoint lacks the setting \"%s\"", path,
                              settings[i].key);
        int rc = setting_parse(tp, i, v, e);
        if (rc)
            return pl_err_wrap(e, PL_EFORMAT, "%s", path);
    }
    return 0;
}

/* ---- small files ------------------------------------------------------------ */

long long tr_dir_bytes(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    long long sum = 0;
    struct dirent *de;
    char path[4200];
    struct stat sb;
    while ((de = readdir(d)))
        if (pl_path_join(path, sizeof path, dir, de->d_name) == 0 && stat(path, &sb) == 0 &&
            S_ISREG(sb.st_mode))
            sum += (long long)sb.st_size;
    closedir(d);
    return sum;
}

/* Copy the tokenizer files of `from` into `to` (at least one must exist). */
static int copy_tokenizer(const char *from, const char *to, struct pl_err *e)
{
    static const char *const files[] = {"spiece.model", "tokenizer.json", "tokenizer_config.json",
                                        "special_tokens_map.json"};
    int copied = 0;
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char src[4200], dst[4200], *data = NULL;
        size_t n;
        struct stat sb;
        if (pl_path_join(src, sizeof src, from, files[i]) || stat(src, &sb) != 0)
            continue;
        int rc = pl_read_file(src, &data, &n, e);
        if (rc == 0)
            rc = pl_path_join(dst, sizeof dst, to, files[i])
                     ? pl_err_set(e, PL_ERANGE, "%s: path too long", to)
                     : pl_write_file_atomic(dst, data, n, e);
        free(data);
        if (rc)
            return rc;
        copied++;
    }
    return copied ? 0 : pl_err_set(e, PL_EIO, "%s: no spiece.model or tokenizer.json", from);
}

/* ---- the best values --------------------------------------------------------- */

static void add_num(cJSON *o, const char *k, double x)
{
    if (isfinite(x))
        cJSON_AddNumberToObject(o, k, x);
    else
        cJSON_AddNullToObject(o, k);
}

/* promptlab-run.json: what a model directory made by a run records. */
static int run_record_write(trainer *t, const char *dir, int step, struct pl_err *e)
{
    const struct tune_history *h = tune_hist(t->ts);
    cJSON *o = cJSON_CreateObject(), *x;
    if (!o)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    cJSON_AddStringToObject(o, "format", "promptlab-run");
    cJSON_AddNumberToObject(o, "version", 1);
    cJSON_AddStringToObject(o, "method", tr_method_name(t->p.method));
    cJSON_AddStringToObject(o, "base", t->p.method == TR_PRETRAIN ? t->p.config : t->base_dir);
    if ((x = cJSON_AddObjectToObject(o, "data"))) {
        cJSON_AddStringToObject(x, "train", t->p.train);
        cJSON_AddStringToObject(x, "valid", t->p.valid ? t->p.valid : t->p.train);
        cJSON_AddStringToObject(x, "metric", t->info.metric);
        if (t->p.hard)
            cJSON_AddStringToObject(x, "hard", t->p.hard);
    }
    if ((x = cJSON_AddObjectToObject(o, "parameters"))) {
        cJSON_AddNumberToObject(x, "trained", (double)t->info.n_trained);
        cJSON_AddNumberToObject(x, "model", (double)t->info.n_model);
        cJSON_AddNumberToObject(x, "weights_bytes", (double)t->info.n_trained * sizeof(float));
    }
    if ((x = cJSON_AddObjectToObject(o, "training")))
        for (int i = 0; i < N_SETTINGS; i++) {
            char v[64];
            setting_format(&t->p.tune, i, v, sizeof v);
            cJSON_AddStringToObject(x, settings[i].key, v);
        }
    cJSON_AddNumberToObject(o, "step", step);
    cJSON_AddNumberToObject(o, "steps_done", h->steps_done);
    add_num(o, "elapsed_s", h->elapsed);
    if ((x = cJSON_AddObjectToObject(o, "best"))) {
        add_num(x, "step", h->best_step >= 0 ? h->best_step : NAN);
        add_num(x, "valid_loss", h->best_valid_loss);
        add_num(x, "metric", h->best_metric);
    }
    char *text = cJSON_Print(o), path[4200];
    cJSON_Delete(o);
    if (!text)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    int rc = pl_path_join(path, sizeof path, dir, "promptlab-run.json")
                 ? pl_err_set(e, PL_ERANGE, "%s: path too long", dir)
                 : pl_write_file_atomic(path, text, strlen(text), e);
    free(text);
    return rc;
}

/* The model directory's files, written into dir (the staging folder):
 * config.json, model.safetensors of the best (or the last) values, the
 * tokenizer files (at the first save; later saves leave them), the record. */
static int write_model(trainer *t, const char *dir, int step, struct pl_err *e)
{
    char path[4200];
    struct st_write_tensor *w = calloc((size_t)t->np, sizeof *w);
    if (!w)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    int rc = 0;
    for (int i = 0; i < t->np && rc == 0; i++) {
        const struct t5_param *p = &t->wp[i];
        const float *best = tune_best(t->ts, i);
        w[i] = (struct st_write_tensor){.name = p->name, .n_dims = p->n_dims,
                                        .dtype = t->p.save_f16 ? ST_F16 : ST_F32,
                                        .data = best ? best : p->data};
        w[i].shape[0] = p->shape[0];
        w[i].shape[1] = p->shape[1];
        if (t->p.save_f16)
            rc = st_check_f16(t->p.out, p->name, w[i].data, p->n, e);
    }
    static const char *const mk[] = {"format"}, *const mv[] = {"pt"};
    if (pl_path_join(path, sizeof path, dir, "model.safetensors"))
        rc = pl_err_set(e, PL_ERANGE, "%s: path too long", dir);
    if (rc == 0)
        rc = st_write(path, w, t->np, mk, mv, 1, e);
    free(w);
    if (rc == 0 && pl_path_join(path, sizeof path, dir, "config.json"))
        rc = pl_err_set(e, PL_ERANGE, "%s: path too long", dir);
    if (rc == 0)
        rc = t5_config_save(t5_model_config(t->model), path, e);
    if (rc == 0 && t->saved_step < 0)
        rc = copy_tokenizer(t->base_dir, dir, e);
    return rc ? rc : run_record_write(t, dir, step, e);
}

/* The files go in together (pl_fileset), so a save interrupted at any
 * point leaves the previous model whole. */
static int save_model(trainer *t, int step, struct pl_err *e)
{
    char stage[4200];
    int rc = pl_fileset_begin(t->p.out, stage, sizeof stage, e);
    if (rc)
        return rc;
    rc = write_model(t, stage, step, e);
    if (rc == 0)
        rc = pl_fileset_commit(t->p.out, e);
    if (rc)
        pl_fileset_abort(t->p.out);
    return rc;
}

int tr_save_best(trainer *t, int step, struct pl_err *e)
{
    if (t->p.method != TR_PROMPT)
        return save_model(t, step, e);
    tune_history_free(&t->rec.hist);
    int rc = tune_history_copy(&t->rec.hist, tune_hist(t->ts), e);
    if (rc)
        return rc;
    t->rec.prompt_step = step;
    return soft_save(t->p.out, &t->best, &t->rec, e);
}

/* ---- the checkpoint ----------------------------------------------------------- */

struct ckpt {
    struct st_write_tensor *ts;
    char (*names)[160];
    int n, cap;
    const char *keys[MAX_META], *vals[MAX_META];
    char valbuf[MAX_META][96];
    int n_meta;
};

static void ck_tensor(struct ckpt *c, const char *prefix, const char *name, const char *suffix,
                      const float *data, int64_t d0, int64_t d1)
{
    if (c->n == c->cap)
        return;
    snprintf(c->names[c->n], sizeof c->names[c->n], "%s%s%s", prefix, name, suffix);
    c->ts[c->n] = (struct st_write_tensor){.name = c->names[c->n], .dtype = ST_F32,
                                           .n_dims = d1 ? 2 : 1, .shape = {d0, d1}, .data = data};
    c->n++;
}

static void ck_meta(struct ckpt *c, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void ck_meta(struct ckpt *c, const char *key, const char *fmt, ...)
{
    if (c->n_meta == MAX_META)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->valbuf[c->n_meta], sizeof c->valbuf[c->n_meta], fmt, ap);
    va_end(ap);
    c->keys[c->n_meta] = key;
    c->vals[c->n_meta] = c->valbuf[c->n_meta];
    c->n_meta++;
}

static void ck_meta_all(trainer *t, struct ckpt *c)
{
    const struct tune_history *h = tune_hist(t->ts);
    ck_meta(c, "format", "%s", "promptlab-checkpoint");
    ck_meta(c, "method", "%s", tr_method_name(t->p.method));
    ck_meta(c, "step", "%d", h->steps_done);
    ck_meta(c, "elapsed", "%.17g", h->elapsed);
    ck_meta(c, "best_step", "%d", h->best_step);
    ck_meta(c, "best_valid_loss", "%.9g", (double)h->best_valid_loss);
    ck_meta(c, "best_metric", "%.9g", (double)h->best_metric);
    if (t->p.method == TR_PROMPT) {
        ck_meta(c, "init", "%s", soft_init_name(t->prompt.init));
        ck_meta(c, "init_seed", "%llu", (unsigned long long)t->prompt.seed);
        if (t->prompt.init_arg)
            ck_meta(c, "init_arg", "%.95s", t->prompt.init_arg);
    }
    for (int i = 0; i < N_SETTINGS; i++) {
        char v[64];
        setting_format(&t->p.tune, i, v, sizeof v);
        ck_meta(c, settings[i].key, "%s", v);
    }
}

int tr_checkpoint_write(trainer *t, struct pl_err *e)
{
    char dir[4200], path[4300];
    if (pl_path_join(dir, sizeof dir, t->p.out, "checkpoint"))
        return pl_err_set(e, PL_ERANGE, "%s: path too long", t->p.out);
    const struct tune_history *h = tune_hist(t->ts);
    struct ckpt c = {.cap = 7 * t->n_t + 2};
    c.ts = calloc((size_t)c.cap, sizeof *c.ts);
    c.names = calloc((size_t)c.cap, sizeof *c.names);
    float *hist = malloc(sizeof *hist * (size_t)(h->n ? h->n : 1) * HIST_COLS);
    int rc = !c.ts || !c.names || !hist ? pl_err_set(e, PL_ENOMEM, "out of memory") : 0;
    for (int i = 0; rc == 0 && i < h->n; i++) {
        const struct tune_point *p = &h->pts[i];
        float row[HIST_COLS] = {(float)p->step, p->train_loss, p->valid_loss, p->metric,
                                p->grad_norm, p->row_norm, p->drift, p->lr};
        memcpy(hist + (size_t)i * HIST_COLS, row, sizeof row);
    }
    for (int i = 0; rc == 0 && i < t->n_t; i++) {
        const struct tune_tensor *x = &t->tt[i];
        ck_tensor(&c, "value.", x->name, "", x->w, x->rows, x->cols);
        if (tune_best(t->ts, i))
            ck_tensor(&c, "best.", x->name, "", tune_best(t->ts, i), x->rows, x->cols);
        if (t->p.method == TR_PROMPT)
            ck_tensor(&c, "initial.", x->name, "", t->prompt.w0, x->rows, x->cols);
        struct optim_buffer b[4];
        int k = optim_buffers(tune_optim(t->ts, i), b);
        for (int j = 0; j < k; j++) {
            char suffix[8];
            snprintf(suffix, sizeof suffix, ".%s", b[j].name);
            ck_tensor(&c, "optim.", x->name, suffix, b[j].data, (int64_t)b[j].n, 0);
        }
    }
    if (rc == 0 && h->n > 0)
        ck_tensor(&c, "", "history", "", hist, h->n, HIST_COLS);
    if (rc == 0) {
        ck_meta_all(t, &c);
        rc = pl_mkdirs(dir, e);
    }
    if (rc == 0) {
        snprintf(path, sizeof path, "%s/trainer.safetensors", dir);
        rc = st_write(path, c.ts, c.n, c.keys, c.vals, c.n_meta, e);
    }
    free(c.ts), free(c.names), free(hist);
    return rc;
}

/* ---- reading it back ------------------------------------------------------------ */

static int ck_open(const char *dir, st_file **f, char *path, size_t cap, struct pl_err *e)
{
    snprintf(path, cap, "%s/checkpoint/trainer.safetensors", dir);
    struct stat sb;
    if (stat(path, &sb) != 0)
        return 1;
    int rc = st_open(path, f, e);
    if (rc == 0) {
        const char *fmt = st_metadata(*f, "format");
        if (!fmt || strcmp(fmt, "promptlab-checkpoint") != 0) {
            st_close(*f);
            *f = NULL;
            rc = pl_err_set(e, PL_EFORMAT, "%s: not a promptlab checkpoint", path);
        }
    }
    return rc;
}

static int ck_copy(const st_file *f, const char *name, float *dst, size_t n, const char *path,
                   struct pl_err *e)
{
    const struct st_tensor *x = st_find(f, name);
    if (!x || !x->data || x->n_elems != n)
        return pl_err_set(e, PL_EFORMAT, "%s: tensor %s is missing or does not have %zu values "
                          "(was the run made with other settings?)", path, name, n);
    memcpy(dst, x->data, n * sizeof(float));
    return 0;
}

static int ck_history(trainer *t, const st_file *f, const char *path, struct pl_err *e)
{
    struct tune_history *h = tune_hist(t->ts);
    tune_history_free(h);
    const struct st_tensor *x = st_find(f, "history");
    if (!x || !x->data || x->n_dims != 2 || x->shape[1] != HIST_COLS)
        return pl_err_set(e, PL_EFORMAT, "%s: no history [n, %d]", path, HIST_COLS);
    for (int64_t i = 0; i < x->shape[0]; i++) {
        const float *r = x->data + i * HIST_COLS;
        struct tune_point p = {(int)r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]};
        int rc = tune_history_push(h, &p, e);
        if (rc)
            return rc;
    }
    const char *st = st_metadata(f, "step"), *el = st_metadata(f, "elapsed"),
               *bs = st_metadata(f, "best_step"), *bv = st_metadata(f, "best_valid_loss"),
               *bm = st_metadata(f, "best_metric");
    if (!st || !el || !bs || !bv || !bm)
        return pl_err_set(e, PL_EFORMAT, "%s: the step counters are missing", path);
    h->steps_done = atoi(st);
    h->elapsed = strtod(el, NULL);
    h->best_step = atoi(bs);
    h->best_valid_loss = strtof(bv, NULL);
    h->best_metric = strtof(bm, NULL);
    if (h->n == 0 || h->pts[h->n - 1].step != h->steps_done)
        return pl_err_set(e, PL_EFORMAT, "%s: the history does not end at step %d", path,
                          h->steps_done);
    return 0;
}

int tr_checkpoint_read(trainer *t, const char *dir, struct pl_err *e)
{
    char path[4300];
    st_file *f = NULL;
    int rc = ck_open(dir, &f, path, sizeof path, e);
    if (rc == 1)
        return pl_err_set(e, PL_EIO, "%s: no checkpoint to resume from", path);
    if (rc)
        return rc;
    const char *m = st_metadata(f, "method"), *opt = st_metadata(f, "optimizer");
    const char *want = optim_kind_name(t->p.tune.opt.kind);
    if (!m || strcmp(m, tr_method_name(t->p.method)) != 0)
        rc = pl_err_set(e, PL_EINVAL, "%s: a checkpoint of method %s, not %s", path, m ? m : "?",
                        tr_method_name(t->p.method));
    else if (!opt || strcmp(opt, want) != 0)
        rc = pl_err_set(e, PL_EINVAL, "%s: the run used the %s optimiser, not %s", path,
                        opt ? opt : "?", want);
    for (int i = 0; rc == 0 && i < t->n_t; i++) {
        const struct tune_tensor *x = &t->tt[i];
        size_t n = (size_t)x->rows * (size_t)x->cols;
        char name[200];
        snprintf(name, sizeof name, "value.%s", x->name);
        rc = ck_copy(f, name, x->w, n, path, e);
        snprintf(name, sizeof name, "best.%s", x->name);
        if (rc == 0 && tune_best(t->ts, i))
            rc = ck_copy(f, name, tune_best(t->ts, i), n, path, e);
        struct optim_buffer b[4];
        int k = optim_buffers(tune_optim(t->ts, i), b);
        for (int j = 0; rc == 0 && j < k; j++) {
            snprintf(name, sizeof name, "optim.%s.%s", x->name, b[j].name);
            rc = ck_copy(f, name, b[j].data, b[j].n, path, e);
        }
    }
    if (rc == 0)
        rc = ck_history(t, f, path, e);
    for (int i = 0; rc == 0 && i < t->n_t; i++)
        optim_set_steps(tune_optim(t->ts, i), tune_hist(t->ts)->steps_done);
    st_close(f);
    return rc;
}

int tr_checkpoint_prompt(const char *dir, int d, struct soft_prompt *p, struct pl_err *e)
{
    char path[4300];
    st_file *f = NULL;
    int rc = ck_open(dir, &f, path, sizeof path, e);
    if (rc)
        return rc;
    const struct st_tensor *x = st_find(f, "value.prompt");
    const char *init = st_metadata(f, "init"), *seed = st_metadata(f, "init_seed");
    if (!x || x->n_dims != 2 || !init || !seed)
        rc = pl_err_set(e, PL_EFORMAT, "%s: not a prompt-tuning checkpoint", path);
    else if (x->shape[1] != d)
        rc = pl_err_set(e, PL_EINVAL, "%s: the prompt has width %lld but the model has d_model %d",
                        path, (long long)x->shape[1], d);
    if (rc == 0)
        rc = soft_prompt_init(p, (int)x->shape[0], d, e);
    size_t n = rc == 0 ? (size_t)p->n_tokens * (size_t)d : 0;
    if (rc == 0 && (rc = ck_copy(f, "value.prompt", p->w, n, path, e)) == 0)
        rc = ck_copy(f, "initial.prompt", p->w0, n, path, e);
    if (rc == 0 && (rc = soft_init_parse(init, &p->init, e)) == 0)
        rc = soft_prompt_set_arg(p, st_metadata(f, "init_arg"), e);
    if (rc == 0)
        p->seed = strtoull(seed, NULL, 10);
    if (rc && p->w)
        soft_prompt_free(p);
    st_close(f);
    return rc;
}

int tr_saved_params(const char *dir, struct tr_params *p, struct pl_err *e)
{
    char path[4300];
    st_file *f = NULL;
    int rc = ck_open(dir, &f, path, sizeof path, e);
    if (rc == 0) {
        const char *m = st_metadata(f, "method");
        rc = m ? tr_method_parse(m, &p->method, e) : pl_err_set(e, PL_EFORMAT, "%s: no method", path);
        if (rc == 0)
            rc = settings_read(f, &p->tune, path, e);
        const struct st_tensor *x = st_find(f, "value.prompt");
        if (rc == 0 && x && x->n_dims == 2)
            p->length = (int)x->shape[0];
        st_close(f);
        return rc;
    }
    if (rc < 0)
        return rc;
    struct soft_prompt sp;
    struct soft_record rec;
    rc = soft_load(dir, 0, &sp, &rec, e);
    if (rc)
        return rc;
    p->method = TR_PROMPT;
    p->length = sp.n_tokens;
    if (rec.has_params)
        p->tune = rec.params;
    soft_prompt_free(&sp);
    soft_record_free(&rec);
    return 0;
}
