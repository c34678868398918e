/* soft.c - the soft prompt matrix: initialisers, nearest vocabulary tokens,
 * PEFT-layout save/load, .npy import.
 *
 * The one idea: a prompt is two N x d arrays, the values and the values it
 * started from, and the file layout mirrors that - PEFT's seq2seq
 * `prompt_embeddings` has 2N rows of which PEFT reads only the first N, so
 * promptlab keeps the initial values in the second half, and a sidecar
 * promptlab.json (which PEFT ignores) records everything else. A save
 * stages every file under a temporary name and renames them only when all
 * are on disk. */
#include "promptlab/soft.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "promptlab/kernels.h"
#include "promptlab/npy.h"
#include "promptlab/safetensors.h"

/* ---- the prompt ---------------------------------------------------------- */

int soft_prompt_init(struct soft_prompt *p, int n_tokens, int d, struct pl_err *e)
{
    memset(p, 0, sizeof *p);
    if (n_tokens < 1 || d < 1)
        return pl_err_set(e, PL_EINVAL, "soft prompt: shape [%d, %d] is empty", n_tokens, d);
    size_t n = (size_t)n_tokens * (size_t)d;
    p->w = calloc(n, sizeof(float));
    p->w0 = calloc(n, sizeof(float));
    if (!p->w || !p->w0) {
        soft_prompt_free(p);
        return pl_err_set(e, PL_ENOMEM, "soft prompt: out of memory for [%d, %d]", n_tokens, d);
    }
    p->n_tokens = n_tokens;
    p->d = d;
    p->init = SOFT_INIT_RANDOM;
    return 0;
}

void soft_prompt_free(struct soft_prompt *p)
{
    if (!p)
        return;
    free(p->init_arg);
    free(p->w0);
    free(p->w);
    memset(p, 0, sizeof *p);
}

int soft_prompt_set_arg(struct soft_prompt *p, const char *arg, struct pl_err *e)
{
    char *s = NULL;
    if (arg && !(s = strdup(arg)))
        return pl_err_set(e, PL_ENOMEM, "soft prompt: out of memory");
    free(p->init_arg);
    p->init_arg = s;
    return 0;
}

int soft_prompt_copy(struct soft_prompt *dst, const struct soft_prompt *src, struct pl_err *e)
{
    int rc = soft_prompt_init(dst, src->n_tokens, src->d, e);
    if (rc)
        return rc;
    size_t n = (size_t)src->n_tokens * (size_t)src->d;
    memcpy(dst->w, src->w, n * sizeof(float));
    memcpy(dst->w0, src->w0, n * sizeof(float));
    dst->init = src->init;
    dst->seed = src->seed;
    rc = soft_prompt_set_arg(dst, src->init_arg, e);
    if (rc)
        soft_prompt_free(dst);
    return rc;
}

static const char *const init_names[] = {"random", "vocab", "text", "labels", "imported"};

const char *soft_init_name(enum soft_init_kind k)
{
    return (unsigned)k <= SOFT_INIT_IMPORTED ? init_names[k] : "?";
}

int soft_init_parse(const char *s, enum soft_init_kind *out, struct pl_err *e)
{
    for (int i = 0; i <= SOFT_INIT_IMPORTED; i++)
        if (strcmp(s, init_names[i]) == 0) {
            *out = (enum soft_init_kind)i;
            return 0;
        }
    return pl_err_set(e, PL_EINVAL, "unknown prompt initialisation \"%s\" (random, vocab, text, labels)", s);
}

/* ---- initialisers -------------------------------------------------------- */

static void mark_initial(struct soft_prompt *p, enum soft_init_kind kind, uint64_t seed)
{
    memcpy(p->w0, p->w, (size_t)p->n_tokens * (size_t)p->d * sizeof(float));
    p->init = kind;
    p->seed = seed;
}

void soft_fill_random(struct soft_prompt *p, uint64_t seed)
{
    struct pl_rng r;
    pl_rng_seed(&r, seed);
    size_t n = (size_t)p->n_tokens * (size_t)p->d;
    for (size_t i = 0; i < n; i++)
        p->w[i] = pl_rng_float(&r) - 0.5f;
    mark_initial(p, SOFT_INIT_RANDOM, seed);
    free(p->init_arg);
    p->init_arg = NULL;
}

static int check_vocab(const struct soft_prompt *p, const struct soft_vocab *v, struct pl_err *e)
{
    if (!v || !v->emb || v->n_rows < 1)
        return pl_err_set(e, PL_EINVAL, "soft prompt: no embedding table");
    if (v->d != p->d)
        return pl_err_set(e, PL_EINVAL, "soft prompt has d %d but the embedding table has d %d", p->d, v->d);
    return 0;
}

static int check_id(const struct soft_vocab *v, int id, struct pl_err *e)
{
    if (id < 0 || id >= v->n_rows)
        return pl_err_set(e, PL_EINVAL, "token id %d is outside the embedding table (%d rows)", id, v->n_rows);
    return 0;
}

/* Fill rows [from, N) with embeddings of ids drawn from the `top` lowest
 * ordinary ids, without replacement within each round of the pool. */
static int sample_rows(struct soft_prompt *p, const struct soft_vocab *v, int from, int top,
                       uint64_t seed, struct pl_err *e)
{
    if (from >= p->n_tokens)
        return 0;
    if (top <= 0)
        top = SOFT_VOCAB_TOP;
    int *pool = malloc((size_t)(top < v->n_rows ? top : v->n_rows) * sizeof(int));
    if (!pool)
        return pl_err_set(e, PL_ENOMEM, "soft prompt: out of memory");
    int n_pool = 0;
    for (int id = 0; id < v->n_rows && n_pool < top; id++)
        if (!v->ordinary || v->ordinary[id])
            pool[n_pool++] = id;
    if (n_pool == 0) {
        free(pool);
        return pl_err_set(e, PL_EINVAL, "soft prompt: the embedding table has no ordinary token to sample");
    }
    struct pl_rng r;
    pl_rng_seed(&r, seed);
    int left = 0; /* pool[0..left) not yet drawn in this round */
    for (int row = from; row < p->n_tokens; row++) {
        if (left == 0)
            left = n_pool;
        int j = (int)pl_rng_below(&r, (uint32_t)left);
        int id = pool[j];
        pool[j] = pool[left - 1];
        pool[left - 1] = id;
        left--;
        memcpy(p->w + (size_t)row * p->d, v->emb + (size_t)id * v->d, (size_t)p->d * sizeof(float));
    }
    free(pool);
    return 0;
}

int soft_fill_vocab(struct soft_prompt *p, const struct soft_vocab *v, int top, uint64_t seed,
                    struct pl_err *e)
{
    int rc = check_vocab(p, v, e);
    if (!rc)
        rc = sample_rows(p, v, 0, top, seed, e);
    if (rc)
        return rc;
    mark_initial(p, SOFT_INIT_VOCAB, seed);
    free(p->init_arg);
    p->init_arg = NULL;
    return 0;
}

int soft_fill_text(struct soft_prompt *p, const struct soft_vocab *v, const int *ids, int n_ids,
                   const char *text, struct pl_err *e)
{
    int rc = check_vocab(p, v, e);
    if (rc)
        return rc;
    if (n_ids < 1)
        return pl_err_set(e, PL_EINVAL, "soft prompt: the initialisation text has no tokens");
    for (int i = 0; i < n_ids; i++)
        if ((rc = check_id(v, ids[i], e)))
            return rc;
    rc = soft_prompt_set_arg(p, text, e);
    if (rc)
        return rc;
    for (int row = 0; row < p->n_tokens; row++)
        memcpy(p->w + (size_t)row * p->d, v->emb + (size_t)ids[row % n_ids] * v->d,
               (size_t)p->d * sizeof(float));
    mark_initial(p, SOFT_INIT_TEXT, 0);
    return 0;
}

int soft_fill_labels(struct soft_prompt *p, const struct soft_vocab *v,
                     const int *const *labels, const int *label_len, int n_labels,
                     int top, uint64_t seed, const char *words, struct pl_err *e)
{
    int rc = check_vocab(p, v, e);
    if (rc)
        return rc;
    if (n_labels < 1)
        return pl_err_set(e, PL_EINVAL, "soft prompt: no class labels given");
    if (n_labels > p->n_tokens)
        return pl_err_set(e, PL_EINVAL, "soft prompt: %d class labels do not fit in a %d-token prompt",
                          n_labels, p->n_tokens);
    for (int l = 0; l < n_labels; l++) {
        if (label_len[l] < 1)
            return pl_err_set(e, PL_EINVAL, "soft prompt: class label %d has no tokens", l + 1);
        for (int i = 0; i < label_len[l]; i++)
            if ((rc = check_id(v, labels[l][i], e)))
                return rc;
    }
    rc = sample_rows(p, v, n_labels, top, seed, e);
    if (!rc)
        rc = soft_prompt_set_arg(p, words, e);
    if (rc)
        return rc;
    for (int l = 0; l < n_labels; l++) {
        float *row = p->w + (size_t)l * p->d;
        for (int j = 0; j < p->d; j++) {
            double s = 0;
            for (int i = 0; i < label_len[l]; i++)
                s += v->emb[(size_t)labels[l][i] * v->d + j];
            row[j] = (float)(s / label_len[l]);
        }
    }
    mark_initial(p, SOFT_INIT_LABELS, seed);
    return 0;
}

/* ---- inspection ---------------------------------------------------------- */

void soft_row_stats(const struct soft_prompt *p, float *norm, float *drift)
{
    for (int i = 0; i < p->n_tokens; i++) {
        const float *w = p->w + (size_t)i * p->d, *w0 = p->w0 + (size_t)i * p->d;
        double a = 0, b = 0;
        for (int j = 0; j < p->d; j++) {
            double x = w[j], y = (double)w[j] - w0[j];
            a += x * x;
            b += y * y;
        }
        if (norm)
            norm[i] = (float)sqrt(a);
        if (drift)
            drift[i] = (float)sqrt(b);
    }
}

/* a ranks below b: lower score, or the same score and a higher id. */
static bool worse(const struct soft_neighbor *a, const struct soft_neighbor *b)
{
    return a->score < b->score || (a->score == b->score && a->id > b->id);
}

/* h[0..n) is a heap with the worst candidate at the root. */
static void sift_down(struct soft_neighbor *h, int n, int i)
{
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && worse(&h[l], &h[m]))
            m = l;
        if (r < n && worse(&h[r], &h[m]))
            m = r;
        if (m == i)
            return;
        struct soft_neighbor t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

static void heap_offer(struct soft_neighbor *h, int *n, int k, int id, float score)
{
    struct soft_neighbor c = {id, score};
    if (*n < k) {
        int i = (*n)++;
        h[i] = c;
        while (i > 0) {
            int up = (i - 1) / 2;
            if (!worse(&h[i], &h[up]))
                break;
            struct soft_neighbor t = h[i];
            h[i] = h[up];
            h[up] = t;
            i = up;
        }
    } else if (worse(&h[0], &c)) {
        h[0] = c;
        sift_down(h, k, 0);
    }
}

int soft_nearest(const float *rows, int n, int d, const struct soft_vocab *v, int k,
                 struct soft_neighbor *out, struct pl_err *e)
{
    enum { BLOCK = 1024 };
    if (n < 1)
        return 0;
    if (k < 1)
        return pl_err_set(e, PL_EINVAL, "nearest tokens: k %d must be at least 1", k);
    if (!v || !v->emb || v->d != d)
        return pl_err_set(e, PL_EINVAL, "nearest tokens: rows have d %d but the embedding table has d %d",
                          d, v ? v->d : 0);
    float *q = malloc((size_t)n * d * sizeof(float));
    float *s = malloc((size_t)n * BLOCK * sizeof(float));
    float *vn = malloc(BLOCK * sizeof(float));
    int *fill = calloc((size_t)n, sizeof(int));
    if (!q || !s || !vn || !fill) {
        free(fill);
        free(vn);
        free(s);
        free(q);
        return pl_err_set(e, PL_ENOMEM, "nearest tokens: out of memory");
    }
    /* Unit query rows, so q . v / |v| is the cosine. */
    for (int i = 0; i < n; i++) {
        double a = 0;
        for (int j = 0; j < d; j++)
            a += (double)rows[(size_t)i * d + j] * rows[(size_t)i * d + j];
        float inv = a > 0 ? (float)(1.0 / sqrt(a)) : 0.0f;
        for (int j = 0; j < d; j++)
            q[(size_t)i * d + j] = rows[(size_t)i * d + j] * inv;
    }
    for (int b0 = 0; b0 < v->n_rows; b0 += BLOCK) {
        int nb = v->n_rows - b0 < BLOCK ? v->n_rows - b0 : BLOCK;
        const float *vb = v->emb + (size_t)b0 * d;
        for (int j = 0; j < nb; j++) {
            double a = 0;
            for (int c = 0; c < d; c++)
                a += (double)vb[(size_t)j * d + c] * vb[(size_t)j * d + c];
            vn[j] = (float)sqrt(a);
        }
        /* s[n, nb] = q[n, d] . vb[nb, d]^T */
        kern_gemm(false, true, n, nb, d, 1.0f, q, d, vb, d, 0.0f, s, nb);
        for (int i = 0; i < n; i++) {
            struct soft_neighbor *h = out + (size_t)i * k;
            for (int j = 0; j < nb; j++) {
                int id = b0 + j;
                if ((v->ordinary && !v->ordinary[id]) || !(vn[j] > 0))
                    continue;
                heap_offer(h, &fill[i], k, id, s[(size_t)i * nb + j] / vn[j]);
            }
        }
    }
    for (int i = 0; i < n; i++) {
        struct soft_neighbor *h = out + (size_t)i * k;
        /* Heap sort in place: repeatedly move the worst to the end. */
        for (int m = fill[i]; m > 1; m--) {
            struct soft_neighbor t = h[0];
            h[0] = h[m - 1];
            h[m - 1] = t;
            sift_down(h, m - 1, 0);
        }
        for (int j = fill[i]; j < k; j++) {
            h[j].id = -1;
            h[j].score = NAN;
        }
    }
    free(fill);
    free(vn);
    free(s);
    free(q);
    return 0;
}

/* ---- records ------------------------------------------------------------- */

void soft_record_init(struct soft_record *r)
{
    memset(r, 0, sizeof *r);
    tune_params_default(&r->params);
    tune_history_init(&r->hist);
    r->prompt_step = -1;
}

void soft_record_free(struct soft_record *r)
{
    if (!r)
        return;
    tune_history_free(&r->hist);
    soft_record_init(r);
}

/* ---- JSON helpers -------------------------------------------------------- */

/* The shortest decimal that reads back as the same float, as a double, so
 * 0.3f is written "0.3" rather than "0.30000001192092896". Non-finite
 * values become null. */
static cJSON *jnum(double x, bool is_float)
{
    if (!isfinite(x))
        return cJSON_CreateNull();
    if (!is_float)
        return cJSON_CreateNumber(x);
    float f = (float)x;
    char buf[32];
    for (int prec = 6; prec <= 9; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, (double)f);
        if (strtof(buf, NULL) == f)
            break;
    }
    return cJSON_CreateNumber(strtod(buf, NULL));
}

static void add_f(cJSON *o, const char *k, float x) { cJSON_AddItemToObject(o, k, jnum(x, true)); }
static void add_i(cJSON *o, const char *k, double x) { cJSON_AddItemToObject(o, k, jnum(x, false)); }

/* A positive count, or null when unknown (0). */
static void add_count(cJSON *o, const char *k, int x)
{
    if (x > 0)
        cJSON_AddNumberToObject(o, k, x);
    else
        cJSON_AddNullToObject(o, k);
}

static void add_str(cJSON *o, const char *k, const char *s)
{
    if (s && *s)
        cJSON_AddStringToObject(o, k, s);
    else
        cJSON_AddNullToObject(o, k);
}

/* Seeds above 2^53 do not survive a JSON number: write them as strings. */
static void add_u64(cJSON *o, const char *k, uint64_t v)
{
    if (v <= (1ull << 53)) {
        cJSON_AddNumberToObject(o, k, (double)v);
    } else {
        char buf[24];
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
        cJSON_AddStringToObject(o, k, buf);
    }
}

/* cJSON indents with tabs; PEFT's files use two spaces and ": ". Tabs only
 * occur as layout (tabs inside strings are escaped), so rewrite them. */
static char *print_json(const cJSON *root, size_t *len)
{
    char *raw = cJSON_Print(root);
    if (!raw)
        return NULL;
    size_t n = 0;
    for (const char *c = raw; *c; c++)
        n += *c == '\t' ? 2 : 1;
    char *out = malloc(n + 2);
    if (out) {
        char *o = out;
        for (const char *c = raw; *c; c++) {
            if (*c != '\t')
                *o++ = *c;
            else if (c > raw && c[-1] == ':')
                *o++ = ' ';
            else {
                *o++ = ' ';
                *o++ = ' ';
            }
        }
        *o++ = '\n';
        *o = '\0';
        *len = (size_t)(o - out);
    }
    cJSON_free(raw);
    return out;
}

static const cJSON *jget(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* Readers: absent or null keep the default; a wrong type is an error. */
static int get_f(const cJSON *o, const char *k, float *out, const char *file, struct pl_err *e)
{
    const cJSON *it = jget(o, k);
    if (!it || cJSON_IsNull(it))
        return 0;
    if (!cJSON_IsNumber(it))
        return pl_err_set(e, PL_EFORMAT, "%s: \"%s\" is not a number", file, k);
    *out = (float)it->valuedouble;
    return 0;
}

static int get_i(const cJSON *o, const char *k, int *out, const char *file, struct pl_err *e)
{
    const cJSON *it = jget(o, k);
    if (!it || cJSON_IsNull(it))
        return 0;
    if (!cJSON_IsNumber(it) || it->valuedouble != floor(it->valuedouble) ||
        fabs(it->valuedouble) > 2147483647.0)
        return pl_err_set(e, PL_EFORMAT, "%s: \"%s\" is not an integer", file, k);
    *out = (int)it->valuedouble;
    return 0;
}

static int get_u64(const cJSON *o, const char *k, uint64_t *out, const char *file, struct pl_err *e)
{
    const cJSON *it = jget(o, k);
    if (!it || cJSON_IsNull(it))
        return 0;
    if (cJSON_IsNumber(it) && it->valuedouble >= 0 && it->valuedouble == floor(it->valuedouble) &&
        it->valuedouble <= 18446744073709549568.0) {
        *out = (uint64_t)it->valuedouble;
        return 0;
    }
    if (cJSON_IsString(it)) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(it->valuestring, &end, 10);
        if (errno == 0 && end != it->valuestring && *end == '\0' && it->valuestring[0] != '-') {
            *out = v;
            return 0;
        }
    }
    return pl_err_set(e, PL_EFORMAT, "%s: \"%s\" is not an unsigned integer", file, k);
}

static int get_b(const cJSON *o, const char *k, bool *out, const char *file, struct pl_err *e)
{
    const cJSON *it = jget(o, k);
    if (!it || cJSON_IsNull(it))
        return 0;
    if (!cJSON_IsBool(it))
        return pl_err_set(e, PL_EFORMAT, "%s: \"%s\" is not true or false", file, k);
    *out = cJSON_IsTrue(it);
    return 0;
}

/* Copy a string value into buf[cap]; absent or null gives "". */
static int get_s(const cJSON *o, const char *k, char *buf, size_t cap, const char *file, struct pl_err *e)
{
    const cJSON *it = jget(o, k);
    buf[0] = '\0';
    if (!it || cJSON_IsNull(it))
        return 0;
    if (!cJSON_IsString(it))
        return pl_err_set(e, PL_EFORMAT, "%s: \"%s\" is not a string", file, k);
    if (strlen(it->valuestring) >= cap)
        return pl_err_set(e, PL_ERANGE, "%s: \"%s\" is longer than %zu bytes", file, k, cap - 1);
    memcpy(buf, it->valuestring, strlen(it->valuestring) + 1);
    return 0;
}

/* ---- adapter_config.json ------------------------------------------------- */

static const char *peft_init_name(const struct soft_prompt *p, const char *tokenizer)
{
    switch (p->init) {
    case SOFT_INIT_VOCAB:
        return "SAMPLE_VOCAB";
    case SOFT_INIT_TEXT:
    case SOFT_INIT_LABELS:
        /* PEFT refuses TEXT without a tokenizer path or a text. */
        return (p->init_arg && *p->init_arg && *tokenizer) ? "TEXT" : "RANDOM";
    default:
        return "RANDOM";
    }
}

static cJSON *adapter_config_json(const struct soft_prompt *p, const struct soft_record *rec)
{
    const char *tok = rec->tokenizer[0] ? rec->tokenizer : rec->model;
    const char *init = peft_init_name(p, tok);
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    /* Keys in sorted order, as PEFT writes them (json.dumps sort_keys). */
    cJSON_AddNullToObject(o, "auto_mapping");
    add_str(o, "base_model_name_or_path", rec->model);
    cJSON_AddTrueToObject(o, "inference_mode");
    cJSON_AddNullToObject(o, "modules_to_save");
    add_count(o, "num_attention_heads", rec->n_heads);
    add_count(o, "num_layers", rec->n_layers);
    cJSON_AddNumberToObject(o, "num_transformer_submodules", 2);
    cJSON_AddNumberToObject(o, "num_virtual_tokens", p->n_tokens);
    cJSON_AddStringToObject(o, "peft_type", "PROMPT_TUNING");
    cJSON_AddNullToObject(o, "peft_version");
    cJSON_AddStringToObject(o, "prompt_tuning_init", init);
    add_str(o, "prompt_tuning_init_text", strcmp(init, "TEXT") == 0 ? p->init_arg : NULL);
    cJSON_AddNullToObject(o, "revision");
    cJSON_AddStringToObject(o, "task_type", "SEQ_2_SEQ_LM");
    cJSON_AddNumberToObject(o, "token_dim", p->d);
    cJSON_AddNullToObject(o, "tokenizer_kwargs");
    add_str(o, "tokenizer_name_or_path", tok);
    return o;
}

/* ---- promptlab.json ------------------------------------------------------ */

static const char *select_name(enum tune_select s)
{
    return s == TUNE_SELECT_METRIC ? "metric" : "loss";
}

static cJSON *params_json(const struct tune_params *tp)
{
    const struct optim_params *op = &tp->opt;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "optimizer", optim_kind_name(op->kind));
    add_f(o, "lr", op->lr);
    cJSON_AddStringToObject(o, "schedule", optim_schedule_name(op->schedule));
    add_i(o, "warmup_steps", op->warmup_steps);
    add_i(o, "total_steps", op->total_steps);
    add_f(o, "min_lr_ratio", op->min_lr_ratio);
    add_f(o, "weight_decay", op->weight_decay);
    add_f(o, "adam_beta1", op->beta1);
    add_f(o, "adam_beta2", op->beta2);
    add_f(o, "adam_eps", op->eps);
    add_f(o, "adafactor_decay_rate", op->decay_rate);
    add_f(o, "adafactor_eps1", op->eps1);
    add_f(o, "adafactor_eps2", op->eps2);
    add_f(o, "adafactor_clip_threshold", op->clip_threshold);
    add_f(o, "adafactor_beta1", op->af_beta1);
    cJSON_AddBoolToObject(o, "adafactor_scale_parameter", op->scale_parameter);
    add_i(o, "adafactor_min_dim_to_factor", op->min_dim_to_factor);
    add_f(o, "sgd_momentum", op->momentum);
    add_i(o, "steps", tp->steps);
    add_i(o, "batch", tp->batch);
    add_i(o, "eval_every", tp->eval_every);
    add_i(o, "patience", tp->patience);
    cJSON_AddStringToObject(o, "select", select_name(tp->select));
    add_f(o, "clip_norm", tp->clip_norm);
    add_u64(o, "seed", tp->seed);
    return o;
}

static cJSON *history_json(const struct tune_history *h)
{
    static const char *const names[] = {"step", "train_loss", "valid_loss", "metric",
                                        "grad_norm", "row_norm", "drift", "lr"};
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    for (int c = 0; c < 8; c++) {
        cJSON *a = cJSON_AddArrayToObject(o, names[c]);
        if (!a) {
            cJSON_Delete(o);
            return NULL;
        }
        for (int i = 0; i < h->n; i++) {
            const struct tune_point *pt = &h->pts[i];
            const float f[8] = {0, pt->train_loss, pt->valid_loss, pt->metric,
                                pt->grad_norm, pt->row_norm, pt->drift, pt->lr};
            cJSON_AddItemToArray(a, c == 0 ? jnum(pt->step, false) : jnum(f[c], true));
        }
    }
    return o;
}

static cJSON *record_json(const struct soft_prompt *p, const struct soft_record *rec)
{
    const struct tune_history *h = &rec->hist;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "format", "promptlab-soft-prompt");
    cJSON_AddNumberToObject(o, "version", 1);
    cJSON_AddStringToObject(o, "promptlab_version", PL_VERSION);

    cJSON *m = cJSON_AddObjectToObject(o, "model");
    if (m) {
        add_str(m, "name_or_path", rec->model);
        add_str(m, "tokenizer", rec->tokenizer);
        add_count(m, "d_model", rec->d_model > 0 ? rec->d_model : p->d);
        add_count(m, "num_heads", rec->n_heads);
        add_count(m, "num_layers", rec->n_layers);
    }

    cJSON *pr = cJSON_AddObjectToObject(o, "prompt");
    if (pr) {
        cJSON_AddNumberToObject(pr, "num_virtual_tokens", p->n_tokens);
        cJSON_AddNumberToObject(pr, "token_dim", p->d);
        cJSON_AddStringToObject(pr, "init", soft_init_name(p->init));
        add_str(pr, "init_arg", p->init_arg);
        add_u64(pr, "init_seed", p->seed);
        cJSON_AddStringToObject(pr, "initial_rows", "prompt_embeddings[N:2N]");
        if (rec->prompt_step >= 0)
            cJSON_AddNumberToObject(pr, "step", rec->prompt_step);
        else
            cJSON_AddNullToObject(pr, "step");
    }

    if (rec->n_trained > 0) {
        cJSON *pa = cJSON_AddObjectToObject(o, "parameters");
        if (pa) {
            cJSON_AddNumberToObject(pa, "trained", (double)rec->n_trained);
            if (rec->n_model_params > 0)
                cJSON_AddNumberToObject(pa, "model", (double)rec->n_model_params);
            else
                cJSON_AddNullToObject(pa, "model");
            cJSON_AddNumberToObject(pa, "weights_bytes", (double)rec->weights_bytes);
        }
    }

    cJSON *da = cJSON_AddObjectToObject(o, "data");
    if (da) {
        add_str(da, "train", rec->train_data);
        add_str(da, "valid", rec->valid_data);
        add_str(da, "metric", rec->metric);
    }

    if (rec->has_params)
        cJSON_AddItemToObject(o, "training", params_json(&rec->params));
    else
        cJSON_AddNullToObject(o, "training");

    cJSON_AddNumberToObject(o, "steps_done", h->steps_done);
    add_i(o, "elapsed_s", h->elapsed);

    cJSON *b = cJSON_AddObjectToObject(o, "best");
    if (b) {
        if (h->best_step >= 0)
            cJSON_AddNumberToObject(b, "step", h->best_step);
        else
            cJSON_AddNullToObject(b, "step");
        add_f(b, "valid_loss", h->best_valid_loss);
        add_f(b, "metric", h->best_metric);
    }
    /* Final: the last point, with the last validation that was made. */
    cJSON *f = cJSON_AddObjectToObject(o, "final");
    if (f) {
        const struct tune_point *last = h->n ? &h->pts[h->n - 1] : NULL, *lv = NULL;
        for (int i = h->n - 1; i >= 0 && !lv; i--)
            if (!isnan(h->pts[i].valid_loss))
                lv = &h->pts[i];
        add_f(f, "train_loss", last ? last->train_loss : NAN);
        if (lv)
            cJSON_AddNumberToObject(f, "valid_step", lv->step);
        else
            cJSON_AddNullToObject(f, "valid_step");
        add_f(f, "valid_loss", lv ? lv->valid_loss : NAN);
        add_f(f, "metric", lv ? lv->metric : NAN);
    }
    cJSON_AddItemToObject(o, "history", history_json(h));
    return o;
}

static int parse_params(const cJSON *o, struct tune_params *tp, const char *file, struct pl_err *e)
{
    struct optim_params *op = &tp->opt;
    char name[32];
    int rc = get_s(o, "optimizer", name, sizeof name, file, e);
    if (rc)
        return rc;
    enum optim_kind kind = OPTIM_ADAFACTOR;
    if (name[0] && optim_kind_parse(name, &kind, e))
        return pl_err_wrap(e, PL_EFORMAT, "%s", file);
    tune_params_default(tp);
    optim_params_default(op, kind);
    if ((rc = get_s(o, "schedule", name, sizeof name, file, e)))
        return rc;
    if (name[0] && optim_schedule_parse(name, &op->schedule, e))
        return pl_err_wrap(e, PL_EFORMAT, "%s", file);
    if ((rc = get_s(o, "select", name, sizeof name, file, e)))
        return rc;
    if (name[0]) {
        if (strcmp(name, "metric") == 0)
            tp->select = TUNE_SELECT_METRIC;
        else if (strcmp(name, "loss") == 0)
            tp->select = TUNE_SELECT_LOSS;
        else
            return pl_err_set(e, PL_EFORMAT, "%s: unknown select \"%s\"", file, name);
    }
    if ((rc = get_f(o, "lr", &op->lr, file, e)) || (rc = get_i(o, "warmup_steps", &op->warmup_steps, file, e)) ||
        (rc = get_i(o, "total_steps", &op->total_steps, file, e)) ||
        (rc = get_f(o, "min_lr_ratio", &op->min_lr_ratio, file, e)) ||
        (rc = get_f(o, "weight_decay", &op->weight_decay, file, e)) ||
        (rc = get_f(o, "adam_beta1", &op->beta1, file, e)) || (rc = get_f(o, "adam_beta2", &op->beta2, file, e)) ||
        (rc = get_f(o, "adam_eps", &op->eps, file, e)) ||
        (rc = get_f(o, "adafactor_decay_rate", &op->decay_rate, file, e)) ||
        (rc = get_f(o, "adafactor_eps1", &op->eps1, file, e)) ||
        (rc = get_f(o, "adafactor_eps2", &op->eps2, file, e)) ||
        (rc = get_f(o, "adafactor_clip_threshold", &op->clip_threshold, file, e)) ||
        (rc = get_f(o, "adafactor_beta1", &op->af_beta1, file, e)) ||
        (rc = get_b(o, "adafactor_scale_parameter", &op->scale_parameter, file, e)) ||
        (rc = get_i(o, "adafactor_min_dim_to_factor", &op->min_dim_to_factor, file, e)) ||
        (rc = get_f(o, "sgd_momentum", &op->momentum, file, e)) || (rc = get_i(o, "steps", &tp->steps, file, e)) ||
        (rc = get_i(o, "batch", &tp->batch, file, e)) || (rc = get_i(o, "eval_every", &tp->eval_every, file, e)) ||
        (rc = get_i(o, "patience", &tp->patience, file, e)) ||
        (rc = get_f(o, "clip_norm", &tp->clip_norm, file, e)) || (rc = get_u64(o, "seed", &tp->seed, file, e)))
        return rc;
    return 0;
}

/* Read one column of the history; absent columns stay NAN. */
static int parse_column(const cJSON *h, const char *k, int n, struct tune_history *hist, int col,
                        const char *file, struct pl_err *e)
{
    const cJSON *a = jget(h, k);
    if (!a || cJSON_IsNull(a))
        return col == 0 ? pl_err_set(e, PL_EFORMAT, "%s: history has no \"step\" array", file) : 0;
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != n)
        return pl_err_set(e, PL_EFORMAT, "%s: history \"%s\" is not an array of %d values", file, k, n);
    int i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, a) {
        struct tune_point *pt = &hist->pts[i];
        double x;
        if (cJSON_IsNull(it))
            x = NAN;
        else if (cJSON_IsNumber(it))
            x = it->valuedouble;
        else
            return pl_err_set(e, PL_EFORMAT, "%s: history \"%s\"[%d] is not a number", file, k, i);
        switch (col) {
        case 0:
            if (!(x >= 0 && x == floor(x) && x <= 2147483647.0))
                return pl_err_set(e, PL_EFORMAT, "%s: history step[%d] is not a step number", file, i);
            if (i > 0 && (int)x <= hist->pts[i - 1].step)
                return pl_err_set(e, PL_EFORMAT, "%s: history steps are not increasing at index %d", file, i);
            pt->step = (int)x;
            break;
        case 1: pt->train_loss = (float)x; break;
        case 2: pt->valid_loss = (float)x; break;
        case 3: pt->metric = (float)x; break;
        case 4: pt->grad_norm = (float)x; break;
        case 5: pt->row_norm = (float)x; break;
        case 6: pt->drift = (float)x; break;
        default: pt->lr = (float)x; break;
        }
        i++;
    }
    return 0;
}

static int parse_history(const cJSON *h, struct tune_history *hist, const char *file, struct pl_err *e)
{
    static const char *const names[] = {"step", "train_loss", "valid_loss", "metric",
                                        "grad_norm", "row_norm", "drift", "lr"};
    if (!h || cJSON_IsNull(h))
        return 0;
    if (!cJSON_IsObject(h))
        return pl_err_set(e, PL_EFORMAT, "%s: \"history\" is not an object", file);
    const cJSON *steps = jget(h, "step");
    int n = cJSON_IsArray(steps) ? cJSON_GetArraySize(steps) : 0;
    if (n == 0)
        return 0;
    hist->pts = malloc((size_t)n * sizeof *hist->pts);
    if (!hist->pts)
        return pl_err_set(e, PL_ENOMEM, "%s: out of memory for %d history points", file, n);
    hist->n = hist->cap = n;
    for (int i = 0; i < n; i++) {
        struct tune_point nan_pt = {0, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
        hist->pts[i] = nan_pt;
    }
    for (int c = 0; c < 8; c++) {
        int rc = parse_column(h, names[c], n, hist, c, file, e);
        if (rc)
            return rc;
    }
    return 0;
}

static int parse_record(const cJSON *o, struct soft_prompt *p, struct soft_record *rec,
                        const char *file, struct pl_err *e)
{
    int rc;
    if (!cJSON_IsObject(o))
        return pl_err_set(e, PL_EFORMAT, "%s: not a JSON object", file);
    const cJSON *fmt = jget(o, "format");
    if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, "promptlab-soft-prompt") != 0)
        return pl_err_set(e, PL_EFORMAT, "%s: \"format\" is not \"promptlab-soft-prompt\"", file);

    const cJSON *m = jget(o, "model");
    if (cJSON_IsObject(m)) {
        char name[SOFT_PATH_MAX];
        if ((rc = get_s(m, "name_or_path", name, sizeof name, file, e)))
            return rc;
        if (name[0])
            memcpy(rec->model, name, sizeof name);
        if ((rc = get_s(m, "tokenizer", name, sizeof name, file, e)))
            return rc;
        if (name[0])
            memcpy(rec->tokenizer, name, sizeof name);
        if ((rc = get_i(m, "d_model", &rec->d_model, file, e)) ||
            (rc = get_i(m, "num_heads", &rec->n_heads, file, e)) ||
            (rc = get_i(m, "num_layers", &rec->n_layers, file, e)))
            return rc;
    }

    const cJSON *pr = jget(o, "prompt");
    if (cJSON_IsObject(pr)) {
        int n = p->n_tokens, d = p->d;
        if ((rc = get_i(pr, "num_virtual_tokens", &n, file, e)) || (rc = get_i(pr, "token_dim", &d, file, e)))
            return rc;
        if (n != p->n_tokens || d != p->d)
            return pl_err_set(e, PL_EFORMAT, "%s: prompt is [%d, %d] but adapter_config.json says [%d, %d]",
                              file, n, d, p->n_tokens, p->d);
        char name[32];
        if ((rc = get_s(pr, "init", name, sizeof name, file, e)))
            return rc;
        if (name[0] && soft_init_parse(name, &p->init, e))
            return pl_err_wrap(e, PL_EFORMAT, "%s", file);
        const cJSON *arg = jget(pr, "init_arg");
        if (cJSON_IsString(arg)) {
            if ((rc = soft_prompt_set_arg(p, arg->valuestring, e)))
                return rc;
        } else if (arg && !cJSON_IsNull(arg)) {
            return pl_err_set(e, PL_EFORMAT, "%s: \"init_arg\" is not a string", file);
        } else {
            soft_prompt_set_arg(p, NULL, NULL);
        }
        if ((rc = get_u64(pr, "init_seed", &p->seed, file, e)) ||
            (rc = get_i(pr, "step", &rec->prompt_step, file, e)))
            return rc;
        const cJSON *ir = jget(pr, "initial_rows");
        rec->has_initial = cJSON_IsString(ir) && strcmp(ir->valuestring, "prompt_embeddings[N:2N]") == 0;
    }

    const cJSON *da = jget(o, "data");
    if (cJSON_IsObject(da)) {
        if ((rc = get_s(da, "train", rec->train_data, sizeof rec->train_data, file, e)) ||
            (rc = get_s(da, "valid", rec->valid_data, sizeof rec->valid_data, file, e)) ||
            (rc = get_s(da, "metric", rec->metric, sizeof rec->metric, file, e)))
            return rc;
    }

    const cJSON *tr = jget(o, "training");
    if (cJSON_IsObject(tr)) {
        if ((rc = parse_params(tr, &rec->params, file, e)))
            return rc;
        rec->has_params = true;
    }

    struct tune_history *h = &rec->hist;
    if ((rc = parse_history(jget(o, "history"), h, file, e)))
        return rc;
    double el = 0;
    const cJSON *it = jget(o, "elapsed_s");
    if (cJSON_IsNumber(it) && it->valuedouble >= 0)
        el = it->valuedouble;
    h->elapsed = el;
    h->steps_done = h->n ? h->pts[h->n - 1].step : 0;
    int sd = h->steps_done;
    if ((rc = get_i(o, "steps_done", &sd, file, e)))
        return rc;
    if (sd != h->steps_done)
        return pl_err_set(e, PL_EFORMAT, "%s: steps_done is %d but the history ends at step %d",
                          file, sd, h->steps_done);
    const cJSON *b = jget(o, "best");
    if (cJSON_IsObject(b)) {
        if ((rc = get_i(b, "step", &h->best_step, file, e)) ||
            (rc = get_f(b, "valid_loss", &h->best_valid_loss, file, e)) ||
            (rc = get_f(b, "metric", &h->best_metric, file, e)))
            return rc;
    }
    rec->has_record = true;
    return 0;
}

/* ---- save ---------------------------------------------------------------- */

/* The three files are one save: they are staged and committed together
 * (pl_fileset_begin/commit), so a save interrupted at any point leaves the
 * previous prompt loadable, and soft_load reads the set through
 * pl_fileset_path. */
int soft_save(const char *dir, const struct soft_prompt *p, const struct soft_record *rec, struct pl_err *e)
{
    static const char *const names[] = {"adapter_model.safetensors", "adapter_config.json",
                                        "promptlab.json"};
    if (!p || !p->w || p->n_tokens < 1 || p->d < 1)
        return pl_err_set(e, PL_EINVAL, "%s: nothing to save (empty prompt)", dir);
    struct soft_record empty;
    if (!rec) {
        soft_record_init(&empty);
        rec = &empty;
    }
    char stage[4096], path[3][4200];
    int rc = pl_fileset_begin(dir, stage, sizeof stage, e);
    if (rc)
        return rc;
    for (int i = 0; i < 3; i++)
        if (pl_path_join(path[i], sizeof path[i], stage, names[i])) {
            pl_fileset_abort(dir);
            return pl_err_set(e, PL_ERANGE, "%s: path too long", dir);
        }

    size_t n = (size_t)p->n_tokens * (size_t)p->d;
    float *rows = malloc(2 * n * sizeof(float));
    cJSON *cfg = adapter_config_json(p, rec);
    cJSON *pl = record_json(p, rec);
    char *cfg_text = NULL, *pl_text = NULL;
    size_t cfg_len = 0, pl_len = 0;
    if (cfg)
        cfg_text = print_json(cfg, &cfg_len);
    if (pl)
        pl_text = print_json(pl, &pl_len);
    cJSON_Delete(cfg);
    cJSON_Delete(pl);
    if (!rows || !cfg_text || !pl_text) {
        rc = pl_err_set(e, PL_ENOMEM, "%s: out of memory while saving", dir);
        goto out;
    }
    memcpy(rows, p->w, n * sizeof(float));
    memcpy(rows + n, p->w0, n * sizeof(float));
    struct st_write_tensor t = {"prompt_embeddings", ST_F32, 2, {2 * (int64_t)p->n_tokens, p->d}, rows};
    const char *mk[] = {"format"}, *mv[] = {"pt"};
    if ((rc = st_write(path[0], &t, 1, mk, mv, 1, e)) ||
        (rc = pl_write_file_atomic(path[1], cfg_text, cfg_len, e)) ||
        (rc = pl_write_file_atomic(path[2], pl_text, pl_len, e)))
        goto out;
    rc = pl_fileset_commit(dir, e);
out:
    if (rc)
        pl_fileset_abort(dir);
    free(pl_text);
    free(cfg_text);
    free(rows);
    return rc;
}

/* ---- load ---------------------------------------------------------------- */

static int read_json(const char *path, cJSON **out, struct pl_err *e)
{
    char *text = NULL;
    size_t len = 0;
    int rc = pl_read_file(path, &text, &len, e);
    if (rc)
        return rc;
    const char *end = NULL;
    *out = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!*out) {
        long at = end ? (long)(end - text) : -1;
        free(text);
        return pl_err_set(e, PL_EFORMAT, "%s: not valid JSON (near byte %ld)", path, at);
    }
    free(text);
    return 0;
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static enum soft_init_kind from_peft_init(const char *s)
{
    if (strcmp(s, "TEXT") == 0)
        return SOFT_INIT_TEXT;
    if (strcmp(s, "SAMPLE_VOCAB") == 0)
        return SOFT_INIT_VOCAB;
    if (strcmp(s, "RANDOM") == 0)
        return SOFT_INIT_RANDOM;
    return SOFT_INIT_IMPORTED;
}

/* adapter_config.json: N, d and the model fields. */
static int parse_adapter_config(const cJSON *o, const char *path, int *n_tokens, int *d,
                                struct soft_record *rec, char *init, size_t init_cap,
                                char **init_text, struct pl_err *e)
{
    int rc;
    if (!cJSON_IsObject(o))
        return pl_err_set(e, PL_EFORMAT, "%s: not a JSON object", path);
    const cJSON *pt = jget(o, "peft_type");
    if (!cJSON_IsString(pt))
        return pl_err_set(e, PL_EFORMAT, "%s: no \"peft_type\"", path);
    if (strcmp(pt->valuestring, "PROMPT_TUNING") != 0)
        return pl_err_set(e, PL_EFORMAT, "%s: peft_type is %s; only PROMPT_TUNING prompts can be loaded",
                          path, pt->valuestring);
    *n_tokens = 0;
    *d = 0;
    if ((rc = get_i(o, "num_virtual_tokens", n_tokens, path, e)) || (rc = get_i(o, "token_dim", d, path, e)))
        return rc;
    if (*n_tokens < 1)
        return pl_err_set(e, PL_EFORMAT, "%s: num_virtual_tokens is missing or not positive", path);
    if (*d < 1)
        return pl_err_set(e, PL_EFORMAT, "%s: token_dim is missing or not positive", path);
    if ((rc = get_s(o, "base_model_name_or_path", rec->model, sizeof rec->model, path, e)) ||
        (rc = get_s(o, "tokenizer_name_or_path", rec->tokenizer, sizeof rec->tokenizer, path, e)) ||
        (rc = get_i(o, "num_attention_heads", &rec->n_heads, path, e)) ||
        (rc = get_i(o, "num_layers", &rec->n_layers, path, e)) ||
        (rc = get_s(o, "prompt_tuning_init", init, init_cap, path, e)))
        return rc;
    rec->d_model = *d;
    const cJSON *it = jget(o, "prompt_tuning_init_text");
    *init_text = cJSON_IsString(it) ? it->valuestring : NULL;
    return 0;
}

int soft_load(const char *dir, int d_model, struct soft_prompt *p, struct soft_record *rec_out,
              struct pl_err *e)
{
    memset(p, 0, sizeof *p);
    struct soft_record rec;
    soft_record_init(&rec);
    char cfg_path[4096], st_path[4096], pl_path[4096];
    if (pl_fileset_path(dir, "adapter_config.json", cfg_path, sizeof cfg_path) ||
        pl_fileset_path(dir, "adapter_model.safetensors", st_path, sizeof st_path) ||
        pl_fileset_path(dir, "promptlab.json", pl_path, sizeof pl_path))
        return pl_err_set(e, PL_ERANGE, "%s: path too long", dir);

    cJSON *cfg = NULL, *pl = NULL;
    st_file *sf = NULL;
    int rc;
    if (!file_exists(cfg_path)) {
        rc = pl_err_set(e, PL_EIO, "%s: no adapter_config.json (not a saved soft prompt)", dir);
        goto out;
    }
    if ((rc = read_json(cfg_path, &cfg, e)))
        goto out;
    int n_tokens, d;
    char init[32] = "";
    char *init_text = NULL;
    if ((rc = parse_adapter_config(cfg, cfg_path, &n_tokens, &d, &rec, init, sizeof init, &init_text, e)))
        goto out;
    if (d_model > 0 && d != d_model) {
        rc = pl_err_set(e, PL_EINVAL, "prompt in %s has token_dim %d but the model has d_model %d",
                        dir, d, d_model);
        goto out;
    }
    if (!file_exists(st_path)) {
        rc = pl_err_set(e, PL_EIO, "%s: no adapter_model.safetensors%s", dir,
                        file_exists(pl_path) ? "" : " (PEFT's older adapter_model.bin is not supported)");
        goto out;
    }
    if ((rc = st_open(st_path, &sf, e)))
        goto out;
    const struct st_tensor *t = st_find(sf, "prompt_embeddings");
    if (!t) {
        rc = pl_err_set(e, PL_EFORMAT, "%s: no tensor \"prompt_embeddings\"", st_path);
        goto out;
    }
    if (t->n_dims != 2 || !t->data) {
        rc = pl_err_set(e, PL_EFORMAT, "%s: prompt_embeddings must be a 2-D float tensor (it is %d-D %s)",
                        st_path, t->n_dims, t->dtype_name);
        goto out;
    }
    if (t->shape[1] != d) {
        rc = pl_err_set(e, PL_EFORMAT, "%s: prompt_embeddings has shape [%lld, %lld] but adapter_config.json "
                        "says token_dim %d", st_path, (long long)t->shape[0], (long long)t->shape[1], d);
        goto out;
    }
    if (t->shape[0] < n_tokens) {
        rc = pl_err_set(e, PL_EFORMAT, "%s: prompt_embeddings has %lld rows but adapter_config.json says "
                        "num_virtual_tokens %d", st_path, (long long)t->shape[0], n_tokens);
        goto out;
    }
    if ((rc = st_check_finite(sf, t, e)))
        goto out;
    if ((rc = soft_prompt_init(p, n_tokens, d, e)))
        goto out;
    size_t n = (size_t)n_tokens * (size_t)d;
    memcpy(p->w, t->data, n * sizeof(float));
    p->init = from_peft_init(init);
    if (p->init == SOFT_INIT_TEXT && (rc = soft_prompt_set_arg(p, init_text, e)))
        goto out;

    if (file_exists(pl_path)) {
        if ((rc = read_json(pl_path, &pl, e)) || (rc = parse_record(pl, p, &rec, pl_path, e)))
            goto out;
    }
    if (rec.has_initial && t->shape[0] >= 2 * (int64_t)n_tokens) {
        memcpy(p->w0, t->data + n, n * sizeof(float));
    } else {
        rec.has_initial = false;
        memcpy(p->w0, p->w, n * sizeof(float));
    }
out:
    if (rc) {
        soft_prompt_free(p);
        soft_record_free(&rec);
    } else if (rec_out) {
        *rec_out = rec;
    } else {
        soft_record_free(&rec);
    }
    st_close(sf);
    cJSON_Delete(pl);
    cJSON_Delete(cfg);
    return rc;
}

/* ---- .npy import --------------------------------------------------------- */

int soft_import_npy(const char *path, int d_model, struct soft_prompt *p, struct pl_err *e)
{
    memset(p, 0, sizeof *p);
    float *data = NULL;
    int64_t rows = 0, cols = 0;
    int rc = npy_read(path, &data, &rows, &cols, e);
    if (rc)
        return rc;
    if (rows < 1 || cols < 1 || rows > 1000000 || cols > 1000000) {
        free(data);
        return pl_err_set(e, PL_EFORMAT, "%s: a prompt must be an [N, d] matrix; this one is [%lld, %lld]",
                          path, (long long)rows, (long long)cols);
    }
    if (d_model > 0 && cols != d_model) {
        free(data);
        return pl_err_set(e, PL_EINVAL, "prompt in %s has token_dim %lld but the model has d_model %d",
                          path, (long long)cols, d_model);
    }
    size_t n = (size_t)rows * (size_t)cols;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(data[i])) {
            float x = data[i];
            free(data);
            return pl_err_set(e, PL_EFORMAT, "%s: holds %s at element %zu (index [%zu,%zu])", path,
                              isnan(x) ? "NaN" : x > 0 ? "+Inf" : "-Inf", i, i / (size_t)cols,
                              i % (size_t)cols);
        }
    rc = soft_prompt_init(p, (int)rows, (int)cols, e);
    if (!rc)
        rc = soft_prompt_set_arg(p, path, e);
    if (rc) {
        free(data);
        soft_prompt_free(p);
        return rc;
    }
    memcpy(p->w, data, n * sizeof(float));
    memcpy(p->w0, data, n * sizeof(float));
    p->init = SOFT_INIT_IMPORTED;
    free(data);
    return 0;
}
