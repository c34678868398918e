/* experiment.c - experiment grids: the spec (options or a JSON file), the
 * cells it makes, running them one after another with the trainer, and
 * the records they leave (result.json per cell, results.json and
 * results.csv for the grid).
 *
 * The one idea: a cell is done when its directory holds result.json, and
 * that file carries the cell's settings as one canonical string. Running
 * the grid again compares strings and skips what matches, so an
 * interrupted or extended grid resumes without retraining anything, and a
 * changed setting is refused instead of silently mixing two experiments. */
#include "promptlab/study.h"

#include <cJSON.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "promptlab/jsonl.h"
#include "promptlab/metrics.h"

enum { PATH_CAP = 4200, DECODE_CHUNK = 8, SETTINGS_CAP = 8192 };

/* ---- methods and the spec ------------------------------------------------------- */

static const char *const method_names[STUDY_N_METHODS] = {"hard", "prompt", "model"};

const char *study_method_name(enum study_method m)
{
    return (unsigned)m < STUDY_N_METHODS ? method_names[m] : "?";
}

int study_method_parse(const char *s, enum study_method *out, struct pl_err *e)
{
    for (int i = 0; i < STUDY_N_METHODS; i++)
        if (strcmp(s, method_names[i]) == 0) {
            *out = (enum study_method)i;
            return 0;
        }
    return pl_err_set(e, PL_EINVAL, "unknown method '%s' (hard, prompt, model)", s);
}

void study_spec_default(struct study_spec *s)
{
    memset(s, 0, sizeof *s);
    s->methods[STUDY_PROMPT] = true;
    s->lengths[0] = 20;
    s->n_lengths = 1;
    s->inits[0] = "vocab";
    s->n_inits = 1;
    s->seeds[0] = 1;
    s->n_seeds = 1;
    s->metric = OBJ_METRIC_CHRF;
    s->prompt = s->model = (struct study_training){300, 0, OPTIM_ADAFACTOR};
    s->batch = 8;
    s->max_valid = 64;
    s->max_new_tokens = 48;
}

void study_spec_free(struct study_spec *s)
{
    if (s && s->owned) {
        cJSON_Delete(s->owned);
        s->owned = NULL;
    }
}

/* Spec-file reading: each helper names the file and key on a wrong type. */
struct reader {
    const char *path;
    struct pl_err *e;
};

static int bad(const struct reader *r, const char *key, const char *want)
{
    return pl_err_set(r->e, PL_EINVAL, "%s: \"%s\" must be %s", r->path, key, want);
}

static int read_str(const struct reader *r, const cJSON *v, const char **out)
{
    if (!cJSON_IsString(v) || !v->valuestring[0])
        return bad(r, v->string, "a non-empty string");
    *out = v->valuestring;
    return 0;
}

static int read_int(const struct reader *r, const cJSON *v, const char *key, int lo, int hi,
                    int *out)
{
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < lo ||
        v->valuedouble > hi) {
        char want[64];
        snprintf(want, sizeof want, "a whole number from %d to %d", lo, hi);
        return bad(r, key, want);
    }
    *out = (int)v->valuedouble;
    return 0;
}

/* A list of strings (or one string) into out[cap]. */
static int read_strs(const struct reader *r, const cJSON *v, const char **out, int cap, int *n)
{
    if (cJSON_IsString(v)) {
        *n = 0;
        return read_str(r, v, &out[(*n)++]);
    }
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) < 1 || cJSON_GetArraySize(v) > cap) {
        char want[64];
        snprintf(want, sizeof want, "a list of 1 to %d strings", cap);
        return bad(r, v->string, want);
    }
    *n = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, v)
    {
        if (!cJSON_IsString(x) || !x->valuestring[0])
            return bad(r, v->string, "a list of non-empty strings");
        out[(*n)++] = x->valuestring;
    }
    return 0;
}

static int read_ints(const struct reader *r, const cJSON *v, int lo, int hi, int *out, int cap,
                     int *n)
{
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) < 1 || cJSON_GetArraySize(v) > cap) {
        char want[64];
        snprintf(want, sizeof want, "a list of 1 to %d numbers", cap);
        return bad(r, v->string, want);
    }
    *n = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, v)
    {
        int rc = read_int(r, x, v->string, lo, hi, &out[*n]);
        if (rc)
            return rc;
        (*n)++;
    }
    return 0;
}

static int read_training(const struct reader *r, const cJSON *v, struct study_training *t)
{
    if (!cJSON_IsObject(v))
        return bad(r, v->string, "an object {\"steps\", \"lr\", \"optimizer\"}");
    const cJSON *x;
    cJSON_ArrayForEach(x, v)
    {
        int rc = 0;
        if (strcmp(x->string, "steps") == 0) {
            rc = read_int(r, x, "steps", 1, 10000000, &t->steps);
        } else if (strcmp(x->string, "lr") == 0) {
            if (!cJSON_IsNumber(x) || !(x->valuedouble > 0))
                return bad(r, "lr", "a positive number");
            t->lr = (float)x->valuedouble;
        } else if (strcmp(x->string, "optimizer") == 0) {
            if (!cJSON_IsString(x) || optim_kind_parse(x->valuestring, &t->opt, NULL))
                return bad(r, "optimizer", "adafactor, adam or sgd");
        } else {
            return pl_err_set(r->e, PL_EINVAL,
                              "%s: unknown key \"%s\" in \"%s\" (steps, lr, optimizer)", r->path,
                              x->string, v->string);
        }
        if (rc)
            return rc;
    }
    return 0;
}

static int read_tests(const struct reader *r, const cJSON *v, struct study_spec *s)
{
    s->n_tests = 0;
    if (cJSON_IsObject(v)) {
        const cJSON *x;
        cJSON_ArrayForEach(x, v)
        {
            if (s->n_tests == STUDY_MAX_TESTS)
                return bad(r, "test", "at most 8 test sets");
            if (!cJSON_IsString(x) || !x->valuestring[0])
                return bad(r, "test", "an object of {name: file} strings");
            s->tests[s->n_tests++] = (struct study_test){x->string, x->valuestring};
        }
        return s->n_tests ? 0 : bad(r, "test", "a non-empty object or list");
    }
    const char *files[STUDY_MAX_TESTS];
    int n = 0, rc = read_strs(r, v, files, STUDY_MAX_TESTS, &n);
    for (int i = 0; rc == 0 && i < n; i++)
        s->tests[s->n_tests++] = (struct study_test){NULL, files[i]};
    return rc;
}

static int read_key(const struct reader *r, const cJSON *v, struct study_spec *s)
{
    const char *k = v->string;
    if (strcmp(k, "models") == 0)
        return read_strs(r, v, s->models, STUDY_MAX_MODELS, &s->n_models);
    if (strcmp(k, "methods") == 0) {
        const char *m[STUDY_N_METHODS * 2];
        int n = 0, rc = read_strs(r, v, m, STUDY_N_METHODS * 2, &n);
        memset(s->methods, 0, sizeof s->methods);
        for (int i = 0; rc == 0 && i < n; i++) {
            enum study_method x = STUDY_HARD;
            if (study_method_parse(m[i], &x, NULL))
                return bad(r, k, "a list of hard, prompt, model");
            s->methods[x] = true;
        }
        return rc;
    }
    if (strcmp(k, "lengths") == 0)
        return read_ints(r, v, 1, LAB_MAX_SOURCE - 2, s->lengths, STUDY_MAX_LENGTHS, &s->n_lengths);
    if (strcmp(k, "inits") == 0)
        return read_strs(r, v, s->inits, STUDY_MAX_INITS, &s->n_inits);
    if (strcmp(k, "seeds") == 0) {
        if (cJSON_IsNumber(v)) {
            int n;
            int rc = read_int(r, v, k, 1, STUDY_MAX_SEEDS, &n);
            for (int i = 0; rc == 0 && i < n; i++)
                s->seeds[i] = i + 1;
            if (rc == 0)
                s->n_seeds = n;
            return rc;
        }
        return read_ints(r, v, 0, 0x7fffffff, s->seeds, STUDY_MAX_SEEDS, &s->n_seeds);
    }
    if (strcmp(k, "train") == 0)
        return read_str(r, v, &s->train);
    if (strcmp(k, "valid") == 0)
        return cJSON_IsNull(v) ? (s->valid = NULL, 0) : read_str(r, v, &s->valid);
    if (strcmp(k, "hard") == 0)
        return read_str(r, v, &s->hard);
    if (strcmp(k, "test") == 0)
        return read_tests(r, v, s);
    if (strcmp(k, "metric") == 0) {
        if (!cJSON_IsString(v) || obj_metric_parse(v->valuestring, &s->metric, NULL))
            return bad(r, k, "chrf, exact or accuracy");
        return 0;
    }
    if (strcmp(k, "prompt") == 0)
        return read_training(r, v, &s->prompt);
    if (strcmp(k, "model") == 0)
        return read_training(r, v, &s->model);
    if (strcmp(k, "batch") == 0)
        return read_int(r, v, k, 1, 4096, &s->batch);
    if (strcmp(k, "eval_every") == 0)
        return read_int(r, v, k, 0, 10000000, &s->eval_every);
    if (strcmp(k, "max_valid") == 0)
        return read_int(r, v, k, 1, 1000000, &s->max_valid);
    if (strcmp(k, "max_test") == 0)
        return read_int(r, v, k, 0, 100000000, &s->max_test);
    if (strcmp(k, "max_new_tokens") == 0)
        return read_int(r, v, k, 1, 1024, &s->max_new_tokens);
    if (strcmp(k, "keep_models") == 0) {
        if (!cJSON_IsBool(v))
            return bad(r, k, "true or false");
        s->keep_models = cJSON_IsTrue(v);
        return 0;
    }
    if (strcmp(k, "comment") == 0 || strcmp(k, "format") == 0)
        return 0; /* notes for people; the format tag spec.json carries */
    return pl_err_set(r->e, PL_EINVAL,
                      "%s: unknown key \"%s\" (models, methods, lengths, inits, seeds, train, "
                      "valid, test, hard, metric, prompt, model, batch, eval_every, max_valid, "
                      "max_test, max_new_tokens, keep_models, comment)",
                      r->path, k);
}

int study_spec_load(const char *path, struct study_spec *s, struct pl_err *e)
{
    char *text = NULL;
    size_t len = 0;
    int rc = pl_read_file(path, &text, &len, e);
    if (rc)
        return rc;
    cJSON *root = cJSON_ParseWithLength(text, len);
    free(text);
    if (!root)
        return pl_err_set(e, PL_EFORMAT, "%s: not valid JSON", path);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return pl_err_set(e, PL_EFORMAT, "%s: a spec is one JSON object", path);
    }
    study_spec_free(s);
    s->owned = root;
    struct reader r = {path, e};
    const cJSON *v;
    cJSON_ArrayForEach(v, root)
    {
        if ((rc = read_key(&r, v, s)))
            return rc;
    }
    return 0;
}

/* The name a test set goes by: its own, else the file's base name without
 * ".jsonl". */
static void test_name(const struct study_test *t, char *buf, size_t cap)
{
    if (t->name) {
        snprintf(buf, cap, "%s", t->name);
        return;
    }
    const char *b = strrchr(t->path, '/');
    b = b ? b + 1 : t->path;
    size_t n = strlen(b);
    if (n > 6 && strcmp(b + n - 6, ".jsonl") == 0)
        n -= 6;
    snprintf(buf, cap, "%.*s", (int)n, b);
}

int study_spec_check(const struct study_spec *s, struct pl_err *e)
{
    if (s->n_models < 1 || s->n_models > STUDY_MAX_MODELS)
        return pl_err_set(e, PL_EINVAL, "an experiment needs 1 to %d models", STUDY_MAX_MODELS);
    if (!s->methods[STUDY_HARD] && !s->methods[STUDY_PROMPT] && !s->methods[STUDY_MODEL])
        return pl_err_set(e, PL_EINVAL, "an experiment needs a method (hard, prompt, model)");
    if (!s->train)
        return pl_err_set(e, PL_EINVAL, "an experiment needs training data (train)");
    if (s->n_tests < 1)
        return pl_err_set(e, PL_EINVAL, "an experiment needs a test set (test)");
    if (s->methods[STUDY_HARD] && (!s->hard || !s->hard[0]))
        return pl_err_set(e, PL_EINVAL, "hard-prompt cells need a template (hard)");
    bool trained = s->methods[STUDY_PROMPT] || s->methods[STUDY_MODEL];
    if (trained && (s->n_seeds < 1 || s->n_seeds > STUDY_MAX_SEEDS))
        return pl_err_set(e, PL_EINVAL, "trained cells need 1 to %d seeds", STUDY_MAX_SEEDS);
    if (s->methods[STUDY_PROMPT]) {
        if (s->n_lengths < 1 || s->n_inits < 1)
            return pl_err_set(e, PL_EINVAL, "prompt cells need a prompt length and an init");
        for (int i = 0; i < s->n_lengths; i++)
            if (s->lengths[i] < 1 || s->lengths[i] > LAB_MAX_SOURCE - 2)
                return pl_err_set(e, PL_ERANGE, "prompt length %d is outside 1..%d",
                                  s->lengths[i], LAB_MAX_SOURCE - 2);
        for (int i = 0; i < s->n_inits; i++) {
            enum soft_init_kind k;
            const char *arg;
            if (tr_init_parse(s->inits[i], &k, &arg, e))
                return PL_EINVAL;
        }
    }
    const struct study_training *tt[2] = {&s->prompt, &s->model};
    for (int i = 0; i < 2; i++)
        if (tt[i]->steps < 1 || tt[i]->lr < 0)
            return pl_err_set(e, PL_EINVAL, "%s tuning needs steps >= 1 and lr >= 0",
                              i ? "model" : "prompt");
    if (s->batch < 1 || s->eval_every < 0 || s->max_valid < 1 || s->max_test < 0 ||
        s->max_new_tokens < 1)
        return pl_err_set(e, PL_EINVAL, "batch, max_valid and max_new_tokens must be positive");
    for (int i = 0; i < s->n_tests; i++) {
        char a[64], b[64];
        test_name(&s->tests[i], a, sizeof a);
        if (!a[0] || strchr(a, ',') || strchr(a, '"') || strchr(a, '\n'))
            return pl_err_set(e, PL_EINVAL, "test set name '%s' is empty or holds , \" or a newline",
                              a);
        for (int j = 0; j < i; j++) {
            test_name(&s->tests[j], b, sizeof b);
            if (strcmp(a, b) == 0)
                return pl_err_set(e, PL_EINVAL,
                                  "two test sets are named '%s'; name them (NAME=FILE)", a);
        }
    }
    for (int i = 0; i < s->n_models; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(s->models[i], s->models[j]) == 0)
                return pl_err_set(e, PL_EINVAL, "model %s is listed twice", s->models[i]);
    return 0;
}

/* ---- cells ----------------------------------------------------------------------- */

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static bool tag_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-';
}

/* The base name of a model directory cut to 32 of [A-Za-z0-9._-]. */
static void raw_tag(const char *dir, char *buf, size_t cap)
{
    char tmp[PATH_CAP];
    const char *b = pl_path_base(dir, tmp, sizeof tmp);
    size_t k = 0;
    for (; *b && k + 1 < cap && k < 32; b++)
        buf[k++] = tag_char(*b) ? *b : '_';
    buf[k] = '\0';
    if (!k || strcmp(buf, ".") == 0 || strcmp(buf, "..") == 0)
        snprintf(buf, cap, "model");
}

/* Model i's tag: its raw tag, with "-2", "-3", ... when models before it
 * have the same one. */
static void model_tag(const struct study_spec *s, int i, char *buf, size_t cap)
{
    raw_tag(s->models[i], buf, cap);
    int same = 0;
    for (int j = 0; j < i; j++) {
        char other[48];
        raw_tag(s->models[j], other, sizeof other);
        same += strcmp(other, buf) == 0;
    }
    if (same)
        snprintf(buf + strlen(buf), cap - strlen(buf), "-%d", same + 1);
}

/* "random", "vocab", "text-1a2b3c4d", "labels-1a2b3c4d". */
static void init_tag(const char *init, char *buf, size_t cap)
{
    const char *colon = strchr(init, ':');
    if (!colon)
        snprintf(buf, cap, "%s", init);
    else
        snprintf(buf, cap, "%.*s-%08x", (int)(colon - init), init, fnv1a(colon + 1));
}

int study_cells(const struct study_spec *s, struct study_cell **cells, int *n, struct pl_err *e)
{
    *cells = NULL;
    *n = 0;
    int rc = study_spec_check(s, e);
    if (rc)
        return rc;
    long cap = 0;
    for (int m = 0; m < s->n_models; m++)
        cap += (s->methods[STUDY_HARD] ? 1 : 0) +
               (s->methods[STUDY_PROMPT] ? (long)s->n_lengths * s->n_inits * s->n_seeds : 0) +
               (s->methods[STUDY_MODEL] ? s->n_seeds : 0);
    struct study_cell *c = calloc((size_t)cap, sizeof *c);
    if (!c)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    int k = 0;
    for (int m = 0; m < s->n_models; m++) {
        char mt[48];
        model_tag(s, m, mt, sizeof mt);
        if (s->methods[STUDY_HARD]) {
            c[k] = (struct study_cell){.model = m, .method = STUDY_HARD, .init = -1};
            snprintf(c[k++].id, STUDY_ID_CAP, "%s-hard", mt);
        }
        for (int l = 0; s->methods[STUDY_PROMPT] && l < s->n_lengths; l++)
            for (int i = 0; i < s->n_inits; i++) {
                char it[48];
                init_tag(s->inits[i], it, sizeof it);
                for (int j = 0; j < s->n_seeds; j++) {
                    c[k] = (struct study_cell){.model = m, .method = STUDY_PROMPT,
                                               .length = s->lengths[l], .init = i,
                                               .seed = s->seeds[j]};
                    snprintf(c[k++].id, STUDY_ID_CAP, "%s-prompt-n%d-%s-s%d", mt, s->lengths[l],
                             it, s->seeds[j]);
                }
            }
        for (int j = 0; s->methods[STUDY_MODEL] && j < s->n_seeds; j++) {
            c[k] = (struct study_cell){.model = m, .method = STUDY_MODEL, .init = -1,
                                       .seed = s->seeds[j]};
            snprintf(c[k++].id, STUDY_ID_CAP, "%s-model-s%d", mt, s->seeds[j]);
        }
    }
    /* Equal lengths, inits or seeds listed twice would make one id twice. */
    for (int i = 1; i < k; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(c[i].id, c[j].id) == 0) {
                pl_err_set(e, PL_EINVAL, "cell %s appears twice (a length, init or seed is "
                                         "listed twice)", c[i].id);
                free(c);
                return PL_EINVAL;
            }
    *cells = c;
    *n = k;
    return 0;
}

/* ---- records ------------------------------------------------------------------- */

/* Numbers rounded for records people read: scores to 4 decimals, seconds
 * to 2, learning rates to 6 significant digits (a float's noise dropped). */
static double round_to(double x, double scale)
{
    return isfinite(x) ? round(x * scale) / scale : x;
}

static double lr_value(float lr)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%.6g", (double)lr);
    return strtod(buf, NULL);
}

static void add_num(cJSON *o, const char *k, double x)
{
    if (isfinite(x))
        cJSON_AddNumberToObject(o, k, x);
    else
        cJSON_AddNullToObject(o, k);
}

static cJSON *result_json(const struct study_result *r, const char *settings)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "id", r->id);
    cJSON_AddStringToObject(o, "model", r->model);
    cJSON_AddNumberToObject(o, "model_params", (double)r->model_params);
    cJSON_AddStringToObject(o, "method", study_method_name(r->method));
    if (r->method == STUDY_HARD)
        cJSON_AddStringToObject(o, "hard", r->hard);
    cJSON_AddNumberToObject(o, "length", r->length);
    cJSON_AddStringToObject(o, "init", r->init);
    cJSON_AddNumberToObject(o, "seed", r->seed);
    cJSON_AddNumberToObject(o, "steps", r->steps);
    add_num(o, "lr", r->lr);
    cJSON_AddStringToObject(o, "optimizer", r->optimizer);
    cJSON_AddNumberToObject(o, "trained_params", (double)r->trained_params);
    cJSON_AddNumberToObject(o, "saved_bytes", (double)r->saved_bytes);
    cJSON_AddStringToObject(o, "metric", r->metric);
    add_num(o, "valid", r->valid);
    cJSON_AddNumberToObject(o, "best_step", r->best_step);
    cJSON *tests = cJSON_AddArrayToObject(o, "tests");
    for (int i = 0; tests && i < r->n_tests; i++) {
        cJSON *t = cJSON_CreateObject();
        if (!t || !cJSON_AddItemToArray(tests, t))
            break;
        cJSON_AddStringToObject(t, "name", r->test_names[i]);
        cJSON_AddNumberToObject(t, "n", r->test_n[i]);
        add_num(t, "score", r->test[i]);
    }
    add_num(o, "seconds", r->seconds);
    cJSON_AddStringToObject(o, "end", r->end);
    if (settings)
        cJSON_AddStringToObject(o, "settings", settings);
    return o;
}

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double jnum(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* A record from its JSON (result.json, or a cell of results.json). */
static int result_parse(const cJSON *o, const char *name, struct study_result *r, struct pl_err *e)
{
    memset(r, 0, sizeof *r);
    const char *id = jstr(o, "id"), *model = jstr(o, "model"), *method = jstr(o, "method");
    const cJSON *tests = cJSON_GetObjectItemCaseSensitive(o, "tests");
    if (!id || !model || !method || study_method_parse(method, &r->method, NULL) ||
        !cJSON_IsArray(tests) || cJSON_GetArraySize(tests) > STUDY_MAX_TESTS)
        return pl_err_set(e, PL_EFORMAT, "%s: not a promptlab cell record (id, model, method, tests)",
                          name);
    snprintf(r->id, sizeof r->id, "%s", id);
    snprintf(r->model, sizeof r->model, "%s", model);
    snprintf(r->hard, sizeof r->hard, "%s", jstr(o, "hard") ? jstr(o, "hard") : "");
    snprintf(r->init, sizeof r->init, "%s", jstr(o, "init") ? jstr(o, "init") : "");
    snprintf(r->optimizer, sizeof r->optimizer, "%s", jstr(o, "optimizer") ? jstr(o, "optimizer") : "");
    snprintf(r->metric, sizeof r->metric, "%s", jstr(o, "metric") ? jstr(o, "metric") : "");
    snprintf(r->end, sizeof r->end, "%s", jstr(o, "end") ? jstr(o, "end") : "");
    double mp = jnum(o, "model_params"), tp = jnum(o, "trained_params"), sb = jnum(o, "saved_bytes");
    r->model_params = isfinite(mp) ? (long long)mp : 0;
    r->trained_params = isfinite(tp) ? (long long)tp : 0;
    r->saved_bytes = isfinite(sb) ? (long long)sb : 0;
    double len = jnum(o, "length"), seed = jnum(o, "seed"), steps = jnum(o, "steps"),
           best = jnum(o, "best_step");
    r->length = isfinite(len) ? (int)len : 0;
    r->seed = isfinite(seed) ? (int)seed : 0;
    r->steps = isfinite(steps) ? (int)steps : 0;
    r->best_step = isfinite(best) ? (int)best : -1;
    r->lr = jnum(o, "lr");
    r->valid = jnum(o, "valid");
    r->seconds = jnum(o, "seconds");
    const cJSON *t;
    cJSON_ArrayForEach(t, tests)
    {
        const char *tn = jstr(t, "name");
        double n = jnum(t, "n");
        snprintf(r->test_names[r->n_tests], sizeof r->test_names[0], "%s", tn ? tn : "?");
        r->test_n[r->n_tests] = isfinite(n) ? (int)n : 0;
        r->test[r->n_tests++] = jnum(t, "score");
    }
    return 0;
}

/* Read a JSON file into a tree (caller deletes); PL_EIO when it cannot be read. */
static int json_read(const char *path, cJSON **out, struct pl_err *e)
{
    char *text = NULL;
    size_t len = 0;
    int rc = pl_read_file(path, &text, &len, e);
    if (rc)
        return rc;
    *out = cJSON_ParseWithLength(text, len);
    free(text);
    return *out ? 0 : pl_err_set(e, PL_EFORMAT, "%s: not valid JSON", path);
}

static int json_write(const char *path, cJSON *o, struct pl_err *e)
{
    char *text = o ? cJSON_Print(o) : NULL;
    if (!text)
        return pl_err_set(e, PL_ENOMEM, "%s: out of memory", path);
    size_t n = strlen(text);
    char *t2 = realloc(text, n + 2);
    if (!t2) {
        free(text);
        return pl_err_set(e, PL_ENOMEM, "%s: out of memory", path);
    }
    t2[n] = '\n';
    int rc = pl_write_file_atomic(path, t2, n + 1, e);
    free(t2);
    return rc;
}

/* A number for CSV: "" when not finite; %.4f (scores, seconds) or an integer. */
static void csv_num(struct pl_str *b, double x, bool integer)
{
    if (!isfinite(x))
        return;
    if (integer)
        pl_str_printf(b, "%.0f", x);
    else
        pl_str_printf(b, "%.4f", x);
}

static int csv_finish(struct pl_str *b, const char *path, struct pl_err *e)
{
    int rc = b->oom ? pl_err_set(e, PL_ENOMEM, "%s: out of memory", path)
                    : pl_write_file_atomic(path, b->p ? b->p : "", b->n, e);
    free(b->p);
    return rc;
}

static int write_results(const char *out_dir, const struct study_result *r, int n,
                         const struct study_spec *s, struct pl_err *e)
{
    char path[PATH_CAP];
    cJSON *root = cJSON_CreateObject();
    cJSON *cells = root ? cJSON_AddArrayToObject(root, "cells") : NULL;
    cJSON_AddStringToObject(root, "format", "promptlab-experiment");
    cJSON_AddNumberToObject(root, "version", 1);
    for (int i = 0; cells && i < n; i++) {
        cJSON *c = result_json(&r[i], NULL);
        if (!c || !cJSON_AddItemToArray(cells, c)) {
            cJSON_Delete(c);
            cells = NULL;
        }
    }
    int rc = pl_path_join(path, sizeof path, out_dir, "results.json");
    if (rc == 0)
        rc = cells ? json_write(path, root, e) : pl_err_set(e, PL_ENOMEM, "out of memory");
    cJSON_Delete(root);
    if (rc)
        return rc;

    struct pl_str b = {0};
    pl_str_puts(&b, "id,model,model_params,method,length,init,seed,steps,lr,optimizer,"
                    "trained_params,saved_bytes,metric,valid");
    for (int t = 0; t < s->n_tests; t++) {
        char tn[64];
        test_name(&s->tests[t], tn, sizeof tn);
        pl_str_putc(&b, ',');
        pl_str_csv(&b, tn);
    }
    pl_str_puts(&b, ",seconds,end\n");
    for (int i = 0; i < n; i++) {
        const struct study_result *x = &r[i];
        pl_str_csv(&b, x->id);
        pl_str_putc(&b, ',');
        pl_str_csv(&b, x->model);
        pl_str_printf(&b, ",%lld,%s,%d,", x->model_params, study_method_name(x->method), x->length);
        pl_str_csv(&b, x->init);
        pl_str_printf(&b, ",%d,%d,", x->seed, x->steps);
        if (x->lr > 0)
            pl_str_printf(&b, "%g", x->lr);
        pl_str_printf(&b, ",%s,%lld,%lld,%s,", x->optimizer, x->trained_params, x->saved_bytes,
                      x->metric);
        csv_num(&b, x->valid, false);
        for (int t = 0; t < x->n_tests; t++) {
            pl_str_putc(&b, ',');
            csv_num(&b, x->test[t], false);
        }
        pl_str_putc(&b, ',');
        csv_num(&b, x->seconds, false);
        pl_str_printf(&b, ",%s\n", x->end);
    }
    if ((rc = pl_path_join(path, sizeof path, out_dir, "results.csv"))) {
        free(b.p);
        return pl_err_set(e, PL_ERANGE, "%s: path too long", out_dir);
    }
    return csv_finish(&b, path, e);
}

int study_load(const char *out_dir, struct study_result **results, int *n, struct pl_err *e)
{
    *results = NULL;
    *n = 0;
    char path[PATH_CAP];
    if (pl_path_join(path, sizeof path, out_dir, "results.json"))
        return pl_err_set(e, PL_ERANGE, "%s: path too long", out_dir);
    cJSON *root = NULL;
    int rc = json_read(path, &root, e);
    if (rc)
        return rc;
    const cJSON *cells = cJSON_GetObjectItemCaseSensitive(root, "cells");
    if (!cJSON_IsArray(cells))
        rc = pl_err_set(e, PL_EFORMAT, "%s: no \"cells\" list", path);
    int k = rc ? 0 : cJSON_GetArraySize(cells);
    struct study_result *r = k ? calloc((size_t)k, sizeof *r) : NULL;
    if (rc == 0 && k && !r)
        rc = pl_err_set(e, PL_ENOMEM, "out of memory");
    int i = 0;
    const cJSON *c;
    if (rc == 0)
        cJSON_ArrayForEach(c, cells)
        {
            if ((rc = result_parse(c, path, &r[i], e)))
                break;
            i++;
        }
    cJSON_Delete(root);
    if (rc) {
        free(r);
        return rc;
    }
    *results = r;
    *n = k;
    return 0;
}

/* ---- running the grid ------------------------------------------------------------ */

/* One test (or validation) set in memory: sources and references. */
struct set {
    struct jsonl_set data;
    const char **src, **ref;
    int n;
    char name[64];
};

struct run {
    const struct study_spec *s;
    const char *out;
    const struct study_control *ctl;
    const struct study_cell *cells;
    int n_cells, index;
    struct set tests[STUDY_MAX_TESTS];
    struct set valid;           /* hard cells: the validation set (read on first use) */
    bool have_valid;
    struct lab *L;              /* the model of the running cell */
    int L_model;                /* its index, -1 none */
    long eval_done, eval_total; /* the running cell's scoring progress */
    double elapsed0;            /* training seconds of a resumed cell's earlier sessions */
    bool seen_train;            /* a training event of this cell arrived */
};

static bool stopped(const struct run *R)
{
    return R->ctl && R->ctl->stop && atomic_load(R->ctl->stop);
}

static void emit(const struct run *R, struct study_event *ev)
{
    ev->index = R->index;
    ev->n_cells = R->n_cells;
    ev->cell = &R->cells[R->index];
    if (R->ctl && R->ctl->event)
        R->ctl->event(R->ctl->user, ev);
}

static void set_free(struct set *t)
{
    free(t->src);
    free(t->ref);
    jsonl_free(&t->data);
    memset(t, 0, sizeof *t);
}

/* The first `limit` (0: all) records of data as sources and references. */
static int set_view(struct set *t, const struct jsonl_record *rec, int n, int limit, struct pl_err *e)
{
    t->n = limit > 0 && n > limit ? limit : n;
    t->src = malloc(sizeof *t->src * (size_t)(t->n ? t->n : 1));
    t->ref = malloc(sizeof *t->ref * (size_t)(t->n ? t->n : 1));
    if (!t->src || !t->ref)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    for (int i = 0; i < t->n; i++) {
        t->src[i] = rec[i].source;
        t->ref[i] = rec[i].target;
    }
    return 0;
}

static int tests_read(struct run *R, struct pl_err *e)
{
    const struct study_spec *s = R->s;
    for (int i = 0; i < s->n_tests; i++) {
        struct set *t = &R->tests[i];
        test_name(&s->tests[i], t->name, sizeof t->name);
        int rc = jsonl_read(s->tests[i].path, &t->data, e);
        if (rc == 0 && t->data.n == 0)
            rc = pl_err_set(e, PL_EINVAL, "%s: no examples (the test set is empty)", s->tests[i].path);
        if (rc == 0)
            rc = set_view(t, t->data.rec, t->data.n, s->max_test, e);
        if (rc)
            return rc;
    }
    return 0;
}

/* Hard cells' validation set: the same examples the trainer validates on
 * (the valid file, or the held-out tail of train; at most max_valid). */
static int valid_read(struct run *R, struct pl_err *e)
{
    if (R->have_valid)
        return 0;
    const struct study_spec *s = R->s;
    struct set *v = &R->valid;
    const char *path = s->valid ? s->valid : s->train;
    int rc = jsonl_read(path, &v->data, e);
    if (rc == 0 && v->data.n == 0)
        rc = pl_err_set(e, PL_EINVAL, "%s: no examples (the data set is empty)", path);
    struct jsonl_set train = v->data, held = v->data;
    if (rc == 0 && !s->valid)
        rc = tr_split(&train, &held, path, e);
    if (rc == 0)
        rc = set_view(v, held.rec, held.n, s->max_valid, e);
    R->have_valid = rc == 0;
    return rc;
}

static double metric_of(enum obj_metric m, const char *const *hyp, const char *const *ref, int n)
{
    switch (m) {
    case OBJ_METRIC_EXACT: return metric_exact(hyp, ref, n);
    case OBJ_METRIC_ACCURACY: return metric_accuracy(hyp, ref, n);
    case OBJ_METRIC_CHRF: break;
    }
    return metric_chrf_corpus(hyp, ref, n);
}

/* Decode set t under (hard, soft) on L greedily and score it. */
static int score_set(struct run *R, struct lab *L, const char *hard, const struct soft_prompt *soft,
                     const struct set *t, double *score, struct pl_err *e)
{
    char **out = calloc((size_t)(t->n ? t->n : 1), sizeof *out);
    if (!out)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    struct t5_gen_params gp;
    lab_gen_params_default(&gp);
    gp.max_new_tokens = R->s->max_new_tokens;
    int rc = 0;
    for (int i = 0; rc == 0 && i < t->n; i += DECODE_CHUNK) {
        int m = t->n - i < DECODE_CHUNK ? t->n - i : DECODE_CHUNK;
        if (stopped(R))
            rc = pl_err_set(e, PL_ESTOPPED, "stopped");
        else
            rc = lab_translate(L, hard, soft, t->src + i, m, &gp, out + i, NULL, e);
        R->eval_done += m;
        struct study_event ev = {.kind = STUDY_EV_EVAL, .done = R->eval_done, .total = R->eval_total};
        emit(R, &ev);
    }
    if (rc == 0)
        *score = round_to(metric_of(R->s->metric, (const char *const *)out, t->ref, t->n), 1e4);
    for (int i = 0; i < t->n; i++)
        free(out[i]);
    free(out);
    return rc;
}

/* Score every test set into r. */
static int score_tests(struct run *R, struct lab *L, const char *hard,
                       const struct soft_prompt *soft, struct study_result *r, struct pl_err *e)
{
    r->n_tests = R->s->n_tests;
    for (int i = 0; i < r->n_tests; i++) {
        snprintf(r->test_names[i], sizeof r->test_names[i], "%s", R->tests[i].name);
        r->test_n[i] = R->tests[i].n;
        int rc = score_set(R, L, hard, soft, &R->tests[i], &r->test[i], e);
        if (rc)
            return rc;
    }
    return 0;
}

static long tests_total(const struct run *R)
{
    long n = 0;
    for (int i = 0; i < R->s->n_tests; i++)
        n += R->tests[i].n;
    return n;
}

/* The cell's model, opened once for all its cells (cells come model by model). */
static int open_model(struct run *R, int m, struct pl_err *e)
{
    if (R->L_model == m)
        return 0;
    lab_close(R->L);
    R->L = NULL;
    R->L_model = -1;
    int rc = lab_open(R->s->models[m], &R->L, e);
    if (rc == 0)
        R->L_model = m;
    return rc;
}

static int rm_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb, (void)type, (void)ftw;
    return remove(path);
}

/* rm -r dir; a missing dir is fine. */
static int remove_tree(const char *dir, struct pl_err *e)
{
    struct stat sb;
    if (lstat(dir, &sb) != 0)
        return 0;
    if (nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        return pl_err_set(e, PL_EIO, "%s: could not remove it", dir);
    return 0;
}

static bool exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* The trainer's settings for a trained cell. */
static void cell_params(const struct run *R, const struct study_cell *c, struct tr_params *p)
{
    const struct study_spec *s = R->s;
    bool prompt = c->method == STUDY_PROMPT;
    const struct study_training *t = prompt ? &s->prompt : &s->model;
    tr_params_default(p, prompt ? TR_PROMPT : TR_MODEL);
    tr_set_optimizer(p, t->opt);
    if (t->lr > 0)
        p->tune.opt.lr = t->lr;
    p->tune.steps = t->steps;
    p->tune.batch = s->batch;
    p->tune.eval_every = s->eval_every;
    p->tune.seed = (uint64_t)c->seed;
    p->train = s->train;
    p->valid = s->valid;
    p->metric = s->metric;
    p->max_valid = s->max_valid;
    p->max_new_tokens = s->max_new_tokens;
    p->checkpoint_s = 300;
    if (prompt) {
        p->length = c->length;
        tr_init_parse(s->inits[c->init], &p->init, &p->init_arg, NULL); /* checked by the spec */
    }
}

/* Everything a cell's result depends on, one "key=value" a line: two runs
 * with equal strings compute the same cell. */
static void cell_settings(const struct run *R, const struct study_cell *c, char *buf, size_t cap)
{
    const struct study_spec *s = R->s;
    struct pl_str b = {0};
    pl_str_printf(&b, "model=%s\nmethod=%s\ntrain=%s\nvalid=%s\nmetric=%s\nmax_valid=%d\n"
                      "max_new_tokens=%d\nmax_test=%d\n",
                  s->models[c->model], study_method_name(c->method), s->train,
                  s->valid ? s->valid : "(held out)", obj_metric_name(s->metric), s->max_valid,
                  s->max_new_tokens, s->max_test);
    for (int i = 0; i < s->n_tests; i++)
        pl_str_printf(&b, "test=%s:%s\n", R->tests[i].name, s->tests[i].path);
    if (c->method == STUDY_HARD) {
        pl_str_printf(&b, "hard=%s\n", s->hard);
    } else {
        struct tr_params p;
        cell_params(R, c, &p);
        pl_str_printf(&b, "seed=%d\nsteps=%d\nlr=%.9g\noptimizer=%s\nbatch=%d\neval_every=%d\n",
                      c->seed, p.tune.steps, (double)p.tune.opt.lr,
                      optim_kind_name(p.tune.opt.kind), p.tune.batch, p.tune.eval_every);
        if (c->method == STUDY_PROMPT)
            pl_str_printf(&b, "length=%d\ninit=%s\n", c->length, s->inits[c->init]);
    }
    snprintf(buf, cap, "%s", b.oom || !b.p ? "" : b.p);
    free(b.p);
}

/* The first line where two settings strings differ, as "key=old" / "key=new". */
static void first_difference(const char *a, const char *b, char *da, char *db, size_t cap)
{
    while (*a || *b) {
        size_t na = strcspn(a, "\n"), nb = strcspn(b, "\n");
        if (na != nb || memcmp(a, b, na) != 0) {
            snprintf(da, cap, "%.*s", (int)na, a);
            snprintf(db, cap, "%.*s", (int)nb, b);
            return;
        }
        a += na + (a[na] != '\0');
        b += nb + (b[nb] != '\0');
    }
    snprintf(da, cap, "?");
    snprintf(db, cap, "?");
}

/* 1 when the cell's result.json exists with these settings (into *r),
 * 0 when it has none, PL_EINVAL when it was made otherwise. */
static int finished(const char *dir, const char *settings, struct study_result *r, struct pl_err *e)
{
    char path[PATH_CAP];
    if (pl_path_join(path, sizeof path, dir, "result.json"))
        return pl_err_set(e, PL_ERANGE, "%s: path too long", dir);
    if (!exists(path))
        return 0;
    cJSON *o = NULL;
    int rc = json_read(path, &o, e);
    if (rc)
        return rc;
    const char *was = jstr(o, "settings");
    if (!was || strcmp(was, settings) != 0) {
        char da[512], db[512];
        first_difference(was ? was : "", settings, da, db, sizeof da);
        pl_err_set(e, PL_EINVAL,
                   "%s was made with other settings (%s; now %s): use another output "
                   "directory, or delete %s to run that cell again",
                   path, da, db, dir);
        cJSON_Delete(o);
        return PL_EINVAL;
    }
    rc = result_parse(o, path, r, e);
    cJSON_Delete(o);
    return rc ? rc : 1;
}

/* tr_control's progress: the trainer's snapshot as an event. */
static void on_train(void *user, const struct tr_progress *p)
{
    struct run *R = user;
    if (!R->seen_train) {
        R->seen_train = true;
        R->elapsed0 = p->tp.elapsed;
    }
    struct study_event ev = {.kind = STUDY_EV_TRAIN, .train = p};
    emit(R, &ev);
}

/* Hard cell: the template on validation and test sets. */
static int run_hard(struct run *R, struct study_result *r, struct pl_err *e)
{
    int rc = valid_read(R, e);
    R->eval_total = R->valid.n + tests_total(R);
    if (rc == 0)
        rc = score_set(R, R->L, R->s->hard, NULL, &R->valid, &r->valid, e);
    if (rc == 0)
        rc = score_tests(R, R->L, R->s->hard, NULL, r, e);
    snprintf(r->hard, sizeof r->hard, "%s", R->s->hard);
    r->best_step = -1;
    snprintf(r->end, sizeof r->end, "done");
    return rc;
}

/* Prompt or model cell: train into `train_dir` (resuming its checkpoint
 * when the cell's settings are those it was started with), then score the
 * kept values. */
static int run_trained(struct run *R, const struct study_cell *c, const char *cell_dir,
                       const char *settings, struct study_result *r, struct pl_err *e)
{
    const struct study_spec *s = R->s;
    bool prompt = c->method == STUDY_PROMPT;
    char train_dir[PATH_CAP], path[PATH_CAP], ckpt[PATH_CAP];
    if ((prompt ? snprintf(train_dir, sizeof train_dir, "%s", cell_dir) >= (int)sizeof train_dir
                : pl_path_join(train_dir, sizeof train_dir, cell_dir, "model") != 0) ||
        pl_path_join(path, sizeof path, cell_dir, "cell.json") ||
        pl_path_join(ckpt, sizeof ckpt, train_dir, "checkpoint/trainer.safetensors"))
        return pl_err_set(e, PL_ERANGE, "%s: path too long", cell_dir);
    /* Resume only what these very settings started. */
    bool resume = false;
    cJSON *was = NULL;
    if (exists(ckpt) && json_read(path, &was, NULL) == 0) {
        const char *ws = jstr(was, "settings");
        resume = ws && strcmp(ws, settings) == 0;
    }
    cJSON_Delete(was);
    cJSON *cj = cJSON_CreateObject();
    if (cj)
        cJSON_AddStringToObject(cj, "settings", settings);
    int rc = resume ? 0 : json_write(path, cj, e);
    cJSON_Delete(cj);
    if (rc)
        return rc;

    struct tr_params p;
    cell_params(R, c, &p);
    p.out = train_dir;
    p.resume = resume ? train_dir : NULL;
    struct study_event ev = {.kind = STUDY_EV_START, .resumed = resume};
    emit(R, &ev);
    trainer *t = NULL;
    rc = tr_init(&t, R->L, &p, e);
    struct tr_control ctl = {.stop = R->ctl ? R->ctl->stop : NULL, .progress = on_train, .user = R};
    struct tr_result res;
    if (rc == 0) {
        rc = tr_run(t, &ctl, &res, e);
        if (rc == 0 || rc == PL_ENUMERIC) {
            snprintf(r->end, sizeof r->end, "%s",
                     rc ? "numeric" : res.tune.end == TUNE_END_EARLY ? "early" : "done");
            rc = res.saved_step >= 0 ? 0
                                     : pl_err_set(e, PL_EIO, "%s: nothing saved: %s", train_dir,
                                                  res.save_error);
        }
    }
    if (rc == 0) {
        const struct tr_info *in = tr_get_info(t);
        r->trained_params = in->n_trained;
        r->steps = res.tune.steps_done;
        r->lr = lr_value(in->tune.opt.lr);
        snprintf(r->optimizer, sizeof r->optimizer, "%s", optim_kind_name(in->tune.opt.kind));
        r->valid = round_to(res.tune.best_metric, 1e4);
        r->best_step = res.saved_step;
        /* the prompt's files only (cell.json sits beside them) */
        struct stat sb;
        r->saved_bytes =
            res.saved_bytes - (prompt && stat(path, &sb) == 0 ? (long long)sb.st_size : 0);
        R->eval_total = tests_total(R);
        if (prompt) {
            snprintf(r->init, sizeof r->init, "%s", s->inits[c->init]);
            r->length = c->length;
            rc = score_tests(R, R->L, NULL, tr_best_prompt(t), r, e);
        }
    }
    tr_free(t);
    if (rc == 0 && !prompt) { /* the kept (best) weights, as saved */
        struct lab *M = NULL;
        rc = lab_open(train_dir, &M, e);
        if (rc == 0)
            rc = score_tests(R, M, NULL, NULL, r, e);
        lab_close(M);
    }
    /* The checkpoint served resuming; a finished cell keeps its result. */
    char ck_dir[PATH_CAP];
    if (rc == 0 && pl_path_join(ck_dir, sizeof ck_dir, train_dir, "checkpoint") == 0)
        rc = remove_tree(ck_dir, e);
    if (rc == 0 && !prompt && !s->keep_models) {
        rc = remove_tree(train_dir, e);
        r->saved_bytes = 0;
    }
    return rc;
}

static int run_cell(struct run *R, const struct study_cell *c, struct study_result *r,
                    struct pl_err *e)
{
    const struct study_spec *s = R->s;
    char dir[PATH_CAP], path[PATH_CAP], settings[SETTINGS_CAP];
    if (snprintf(dir, sizeof dir, "%s/cells/%s", R->out, c->id) >= (int)sizeof dir ||
        pl_path_join(path, sizeof path, dir, "result.json"))
        return pl_err_set(e, PL_ERANGE, "%s: path too long", R->out);
    cell_settings(R, c, settings, sizeof settings);
    int rc = finished(dir, settings, r, e);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        struct study_event ev = {.kind = STUDY_EV_SKIP, .result = r};
        emit(R, &ev);
        return 0;
    }
    if ((rc = pl_mkdirs(dir, e)) || (rc = open_model(R, c->model, e)))
        return rc;
    memset(r, 0, sizeof *r);
    snprintf(r->id, sizeof r->id, "%s", c->id);
    snprintf(r->model, sizeof r->model, "%s", s->models[c->model]);
    snprintf(r->metric, sizeof r->metric, "%s", obj_metric_name(s->metric));
    r->model_params = (long long)t5_model_n_params(lab_model(R->L));
    r->method = c->method;
    r->seed = c->seed;
    r->best_step = -1;
    R->eval_done = R->eval_total = 0;
    R->elapsed0 = 0;
    R->seen_train = false;
    double t0 = pl_now();
    if (c->method == STUDY_HARD) {
        struct study_event ev = {.kind = STUDY_EV_START};
        emit(R, &ev);
        rc = run_hard(R, r, e);
    } else {
        rc = run_trained(R, c, dir, settings, r, e);
    }
    if (rc)
        return rc;
    r->seconds = round_to(pl_now() - t0 + R->elapsed0, 1e2);
    cJSON *o = result_json(r, settings);
    rc = o ? json_write(path, o, e) : pl_err_set(e, PL_ENOMEM, "out of memory");
    cJSON_Delete(o);
    if (rc == 0) {
        struct study_event ev = {.kind = STUDY_EV_DONE, .result = r};
        emit(R, &ev);
    }
    return rc;
}

/* OUT/spec.json: the spec as run, in the spec file's own keys, so
 * `--spec OUT/spec.json` runs it again. */
static int write_spec(const struct run *R, struct pl_err *e)
{
    const struct study_spec *s = R->s;
    cJSON *o = cJSON_CreateObject(), *a;
    cJSON_AddStringToObject(o, "format", "promptlab-experiment-spec");
    a = cJSON_AddArrayToObject(o, "models");
    for (int i = 0; a && i < s->n_models; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(s->models[i]));
    a = cJSON_AddArrayToObject(o, "methods");
    for (int i = 0; a && i < STUDY_N_METHODS; i++)
        if (s->methods[i])
            cJSON_AddItemToArray(a, cJSON_CreateString(method_names[i]));
    if (s->methods[STUDY_PROMPT]) {
        cJSON_AddItemToObject(o, "lengths", cJSON_CreateIntArray(s->lengths, s->n_lengths));
        a = cJSON_AddArrayToObject(o, "inits");
        for (int i = 0; a && i < s->n_inits; i++)
            cJSON_AddItemToArray(a, cJSON_CreateString(s->inits[i]));
    }
    if (s->methods[STUDY_PROMPT] || s->methods[STUDY_MODEL])
        cJSON_AddItemToObject(o, "seeds", cJSON_CreateIntArray(s->seeds, s->n_seeds));
    cJSON_AddStringToObject(o, "train", s->train);
    if (s->valid)
        cJSON_AddStringToObject(o, "valid", s->valid);
    cJSON *t = cJSON_AddObjectToObject(o, "test");
    for (int i = 0; t && i < s->n_tests; i++)
        cJSON_AddStringToObject(t, R->tests[i].name, s->tests[i].path);
    if (s->hard)
        cJSON_AddStringToObject(o, "hard", s->hard);
    cJSON_AddStringToObject(o, "metric", obj_metric_name(s->metric));
    const struct study_training *tt[2] = {&s->prompt, &s->model};
    for (int i = 0; i < 2; i++) {
        cJSON *x = cJSON_AddObjectToObject(o, i ? "model" : "prompt");
        cJSON_AddNumberToObject(x, "steps", tt[i]->steps);
        if (tt[i]->lr > 0)
            cJSON_AddNumberToObject(x, "lr", lr_value(tt[i]->lr));
        cJSON_AddStringToObject(x, "optimizer", optim_kind_name(tt[i]->opt));
    }
    cJSON_AddNumberToObject(o, "batch", s->batch);
    cJSON_AddNumberToObject(o, "eval_every", s->eval_every);
    cJSON_AddNumberToObject(o, "max_valid", s->max_valid);
    cJSON_AddNumberToObject(o, "max_test", s->max_test);
    cJSON_AddNumberToObject(o, "max_new_tokens", s->max_new_tokens);
    cJSON_AddBoolToObject(o, "keep_models", s->keep_models);
    char path[PATH_CAP];
    int rc = pl_path_join(path, sizeof path, R->out, "spec.json")
                 ? pl_err_set(e, PL_ERANGE, "%s: path too long", R->out)
                 : json_write(path, o, e);
    cJSON_Delete(o);
    return rc;
}

int study_run(const struct study_spec *s, const char *out_dir, const struct study_control *ctl,
              struct study_result **results, int *n_results, struct pl_err *e)
{
    if (results)
        *results = NULL;
    if (n_results)
        *n_results = 0;
    struct run R = {.s = s, .out = out_dir, .ctl = ctl, .L_model = -1};
    struct study_cell *cells = NULL;
    int n = 0;
    int rc = study_cells(s, &cells, &n, e);
    struct study_result *res = rc ? NULL : calloc((size_t)n, sizeof *res);
    if (rc == 0 && !res)
        rc = pl_err_set(e, PL_ENOMEM, "out of memory");
    if (rc == 0)
        rc = tests_read(&R, e);
    R.cells = cells;
    R.n_cells = n;
    /* Refuse a changed setting before anything is written or trained. */
    for (int i = 0; rc == 0 && i < n; i++) {
        char dir[4200], settings[SETTINGS_CAP];
        struct study_result scratch;
        if (snprintf(dir, sizeof dir, "%s/cells/%s", out_dir, cells[i].id) >= (int)sizeof dir)
            rc = pl_err_set(e, PL_ERANGE, "%s: path too long", out_dir);
        cell_settings(&R, &cells[i], settings, sizeof settings);
        if (rc == 0 && (rc = finished(dir, settings, &scratch, e)) > 0)
            rc = 0;
    }
    if (rc == 0 && (rc = pl_mkdirs(out_dir, e)) == 0)
        rc = write_spec(&R, e);
    int done = 0;
    for (int i = 0; rc == 0 && i < n; i++) {
        if (stopped(&R)) {
            rc = pl_err_set(e, PL_ESTOPPED, "stopped before cell %s", cells[i].id);
            break;
        }
        R.index = i;
        rc = run_cell(&R, &cells[i], &res[done], e);
        if (rc == 0) {
            done++;
            rc = write_results(out_dir, res, done, s, e);
        } else if (rc != PL_ESTOPPED) {
            pl_err_wrap(e, rc, "cell %s", cells[i].id);
        }
    }
    lab_close(R.L);
    for (int i = 0; i < s->n_tests && i < STUDY_MAX_TESTS; i++)
        set_free(&R.tests[i]);
    set_free(&R.valid);
    free(cells);
    if (results)
        *results = res;
    else
        free(res);
    if (n_results)
        *n_results = done;
    return rc;
}
