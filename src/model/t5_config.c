/* t5_config.c - config.json to struct t5_config and back, and the family a
 * model belongs to.
 *
 * The one idea: absent keys take Hugging Face's T5Config defaults, and the
 * activation is derived from feed_forward_proj exactly as T5Config does
 * ("gated-gelu" means gated gelu_new), then overridden by explicit
 * dense_act_fn / is_gated_act keys, which newer files carry. */
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "t5_impl.h"

void t5_config_default(struct t5_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->model_type, sizeof c->model_type, "t5");
    c->vocab_size = 32128;
    c->d_model = 512;
    c->d_kv = 64;
    c->d_ff = 2048;
    c->n_layers = 6;
    c->n_dec_layers = 6;
    c->n_heads = 8;
    c->n_buckets = 32;
    c->max_distance = 128;
    c->eps = 1e-6f;
    c->dropout_rate = 0.1f;
    c->initializer_factor = 1.0f;
    c->act = T5_ACT_RELU;
    c->gated = false;
    c->tie_word_embeddings = true;
    c->scale_decoder_outputs = true;
    c->decoder_start_token_id = 0;
    c->pad_token_id = 0;
    c->eos_token_id = 1;
}

const char *t5_act_name(enum t5_act a)
{
    switch (a) {
    case T5_ACT_RELU: return "relu";
    case T5_ACT_GELU_NEW: return "gelu_new";
    case T5_ACT_GELU: return "gelu";
    }
    return "?";
}

static int act_from_name(const char *s, enum t5_act *a)
{
    if (strcmp(s, "relu") == 0)
        *a = T5_ACT_RELU;
    else if (strcmp(s, "gelu_new") == 0 || strcmp(s, "gelu_pytorch_tanh") == 0 ||
             strcmp(s, "gelu_fast") == 0)
        *a = T5_ACT_GELU_NEW;
    else if (strcmp(s, "gelu") == 0)
        *a = T5_ACT_GELU;
    else
        return -1;
    return 0;
}

/* ---- reading ------------------------------------------------------------------ */

static const cJSON *key(const cJSON *root, const char *name)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(root, name);
    return it && !cJSON_IsNull(it) ? it : NULL;
}

/* Integer key (first of `names` present wins). Token ids may be lists
 * (eos_token_id: [1]); the first element is used. */
static int get_int(const cJSON *root, const char *const *names, int *out, const char *where,
                   struct pl_err *e)
{
    for (; *names; names++) {
        const cJSON *it = key(root, *names);
        if (!it)
            continue;
        if (cJSON_IsArray(it) && cJSON_GetArraySize(it) > 0)
            it = cJSON_GetArrayItem(it, 0);
        if (!cJSON_IsNumber(it) || it->valuedouble != floor(it->valuedouble))
            return pl_err_set(e, PL_EFORMAT, "%s: %s must be an integer", where, *names);
        if (fabs(it->valuedouble) > 2147483647.0)
            return pl_err_set(e, PL_ERANGE, "%s: %s %.17g is out of range", where, *names,
                              it->valuedouble);
        *out = (int)it->valuedouble;
        return 1;
    }
    return 0;
}

static int get_float(const cJSON *root, const char *name, float *out, const char *where,
                     struct pl_err *e)
{
    const cJSON *it = key(root, name);
    if (!it)
        return 0;
    if (!cJSON_IsNumber(it))
        return pl_err_set(e, PL_EFORMAT, "%s: %s must be a number", where, name);
    if (!(fabs(it->valuedouble) <= FLT_MAX))
        return pl_err_set(e, PL_ERANGE, "%s: %s %g is out of range", where, name, it->valuedouble);
    *out = (float)it->valuedouble;
    return 1;
}

static int get_bool(const cJSON *root, const char *name, bool *out, const char *where,
                    struct pl_err *e)
{
    const cJSON *it = key(root, name);
    if (!it)
        return 0;
    if (!cJSON_IsBool(it))
        return pl_err_set(e, PL_EFORMAT, "%s: %s must be true or false", where, name);
    *out = cJSON_IsTrue(it);
    return 1;
}

static int get_str(const cJSON *root, const char *name, const char **out, const char *where,
                   struct pl_err *e)
{
    const cJSON *it = key(root, name);
    if (!it)
        return 0;
    if (!cJSON_IsString(it))
        return pl_err_set(e, PL_EFORMAT, "%s: %s must be a string", where, name);
    *out = it->valuestring;
    return 1;
}

/* feed_forward_proj as T5Config reads it: "<act>" or "gated-<act>". */
static int parse_ffp(const char *ffp, struct t5_config *c, const char *where, struct pl_err *e)
{
    const char *dash = strchr(ffp, '-');
    const char *act = ffp;
    bool gated = false;
    if (dash) {
        if (strncmp(ffp, "gated-", 6) != 0 || strchr(dash + 1, '-'))
            return pl_err_set(e, PL_EFORMAT,
                              "%s: feed_forward_proj \"%s\" is not of the form \"<act>\" or "
                              "\"gated-<act>\" (e.g. \"relu\", \"gated-gelu\")",
                              where, ffp);
        gated = true;
        act = dash + 1;
    }
    if (strcmp(ffp, "gated-gelu") == 0)
        act = "gelu_new";
    if (act_from_name(act, &c->act))
        return pl_err_set(e, PL_EFORMAT,
                          "%s: activation \"%s\" (feed_forward_proj \"%s\") is not supported "
                          "(supported: relu, gelu_new, gelu, gated-relu, gated-gelu)",
                          where, act, ffp);
    c->gated = gated;
    return 0;
}

int t5_config_validate(const struct t5_config *c, const char *where, struct pl_err *e)
{
    struct {
        const char *name;
        int v;
    } dims[] = {{"vocab_size", c->vocab_size},   {"d_model", c->d_model},
                {"d_kv", c->d_kv},               {"d_ff", c->d_ff},
                {"num_layers", c->n_layers},     {"num_decoder_layers", c->n_dec_layers},
                {"num_heads", c->n_heads},       {"relative_attention_num_buckets", c->n_buckets},
                {"relative_attention_max_distance", c->max_distance}};
    for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++)
        if (dims[i].v <= 0)
            return pl_err_set(e, PL_EINVAL, "%s: %s must be positive, not %d", where, dims[i].name,
                              dims[i].v);
    if (c->n_buckets < 4)
        return pl_err_set(e, PL_EINVAL, "%s: relative_attention_num_buckets must be at least 4, not %d",
                          where, c->n_buckets);
    if (c->max_distance <= c->n_buckets / 2)
        return pl_err_set(e, PL_EINVAL,
                          "%s: relative_attention_max_distance (%d) must exceed half the number "
                          "of buckets (%d)",
                          where, c->max_distance, c->n_buckets / 2);
    /* Upper limits far above any T5 (T5-XXL: d_model 4096, d_ff 10240, 64
     * heads of 128, 24 layers), so that no size computed from them
     * overflows and no absurd allocation is tried. */
    struct {
        const char *name;
        long long v, max;
    } lim[] = {{"vocab_size", c->vocab_size, 1 << 24},
               {"d_model", c->d_model, 1 << 16},
               {"d_ff", c->d_ff, 1 << 20},
               {"num_heads * d_kv", (long long)c->n_heads * c->d_kv, 1 << 16},
               {"num_layers", c->n_layers, 1024},
               {"num_decoder_layers", c->n_dec_layers, 1024},
               {"relative_attention_num_buckets", c->n_buckets, 1 << 16}};
    for (size_t i = 0; i < sizeof lim / sizeof lim[0]; i++)
        if (lim[i].v > lim[i].max)
            return pl_err_set(e, PL_ERANGE, "%s: %s is %lld, more than the limit of %lld", where,
                              lim[i].name, lim[i].v, lim[i].max);
    /* the tensors of t5_specs: embeddings (and an untied head), attention,
     * feed-forward, layer norms, the two relative position tables */
    long long d = c->d_model, I = (long long)c->n_heads * c->d_kv, F = c->d_ff;
    long long per_enc = 4 * I * d + (c->gated ? 3 : 2) * F * d + 2 * d;
    long long n_params = (c->tie_word_embeddings ? 1 : 2) * (long long)c->vocab_size * d +
                         c->n_layers * per_enc + c->n_dec_layers * (per_enc + 4 * I * d + d) +
                         2 * d + 2LL * c->n_buckets * c->n_heads;
    if (n_params > T5_MAX_PARAMS)
        return pl_err_set(e, PL_ERANGE,
                          "%s: the model would have %lld parameters, more than the limit of %lld",
                          where, n_params, (long long)T5_MAX_PARAMS);
    if (!(c->eps > 0) || !isfinite(c->eps))
        return pl_err_set(e, PL_EINVAL, "%s: layer_norm_epsilon must be positive", where);
    if (!(c->initializer_factor > 0) || !isfinite(c->initializer_factor))
        return pl_err_set(e, PL_EINVAL, "%s: initializer_factor must be positive", where);
    if (!(c->dropout_rate >= 0 && c->dropout_rate < 1))
        return pl_err_set(e, PL_EINVAL, "%s: dropout_rate must be in [0, 1)", where);
    struct {
        const char *name;
        int v;
    } ids[] = {{"decoder_start_token_id", c->decoder_start_token_id},
               {"pad_token_id", c->pad_token_id},
               {"eos_token_id", c->eos_token_id}};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        if (ids[i].v < 0 || ids[i].v >= c->vocab_size)
            return pl_err_set(e, PL_EINVAL, "%s: %s %d is outside the vocabulary (vocab_size %d)",
                              where, ids[i].name, ids[i].v, c->vocab_size);
    return 0;
}

int t5_config_parse(const char *json, size_t len, const char *where, struct t5_config *c,
                    struct pl_err *e)
{
    t5_config_default(c);
    cJSON *root = cJSON_ParseWithLength(json, len);
    if (!root)
        return pl_err_set(e, PL_EFORMAT, "%s: not valid JSON", where);
    int rc = 0;
    if (!cJSON_IsObject(root)) {
        rc = pl_err_set(e, PL_EFORMAT, "%s: expected a JSON object", where);
        goto out;
    }
    const char *s = NULL;
    if ((rc = get_str(root, "model_type", &s, where, e)) < 0)
        goto out;
    if (s) {
        if (strcmp(s, "t5") != 0 && strcmp(s, "mt5") != 0) {
            rc = pl_err_set(e, PL_EFORMAT,
                            "%s: model_type \"%s\" is not supported (supported: t5, mt5)", where, s);
            goto out;
        }
        snprintf(c->model_type, sizeof c->model_type, "%s", s);
    }
    s = NULL;
    if ((rc = get_str(root, "_name_or_path", &s, where, e)) < 0)
        goto out;
    if (s)
        snprintf(c->name_or_path, sizeof c->name_or_path, "%s", s);

    static const char *const n_vocab[] = {"vocab_size", NULL};
    static const char *const n_dmodel[] = {"d_model", "hidden_size", NULL};
    static const char *const n_dkv[] = {"d_kv", NULL};
    static const char *const n_dff[] = {"d_ff", NULL};
    static const char *const n_layers[] = {"num_layers", "num_hidden_layers", NULL};
    static const char *const n_dec[] = {"num_decoder_layers", NULL};
    static const char *const n_heads[] = {"num_heads", "num_attention_heads", NULL};
    static const char *const n_buckets[] = {"relative_attention_num_buckets", NULL};
    static const char *const n_maxd[] = {"relative_attention_max_distance", NULL};
    static const char *const n_start[] = {"decoder_start_token_id", NULL};
    static const char *const n_pad[] = {"pad_token_id", NULL};
    static const char *const n_eos[] = {"eos_token_id", NULL};
    struct {
        const char *const *names;
        int *dst;
    } ints[] = {{n_vocab, &c->vocab_size}, {n_dmodel, &c->d_model}, {n_dkv, &c->d_kv},
                {n_dff, &c->d_ff},         {n_layers, &c->n_layers}, {n_heads, &c->n_heads},
                {n_buckets, &c->n_buckets}, {n_maxd, &c->max_distance},
                {n_pad, &c->pad_token_id},  {n_eos, &c->eos_token_id}};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        if ((rc = get_int(root, ints[i].names, ints[i].dst, where, e)) < 0)
            goto out;
    c->n_dec_layers = c->n_layers;
    if ((rc = get_int(root, n_dec, &c->n_dec_layers, where, e)) < 0)
        goto out;
    c->decoder_start_token_id = c->pad_token_id;
    if ((rc = get_int(root, n_start, &c->decoder_start_token_id, where, e)) < 0)
        goto out;
    if ((rc = get_float(root, "layer_norm_epsilon", &c->eps, where, e)) < 0 ||
        (rc = get_float(root, "dropout_rate", &c->dropout_rate, where, e)) < 0 ||
        (rc = get_float(root, "initializer_factor", &c->initializer_factor, where, e)) < 0)
        goto out;

    s = NULL;
    if ((rc = get_str(root, "feed_forward_proj", &s, where, e)) < 0)
        goto out;
    if (s && (rc = parse_ffp(s, c, where, e)) < 0)
        goto out;
    s = NULL;
    if ((rc = get_str(root, "dense_act_fn", &s, where, e)) < 0)
        goto out;
    if (s && act_from_name(s, &c->act)) {
        rc = pl_err_set(e, PL_EFORMAT,
                        "%s: dense_act_fn \"%s\" is not supported (supported: relu, gelu_new, gelu)",
                        where, s);
        goto out;
    }
    if ((rc = get_bool(root, "is_gated_act", &c->gated, where, e)) < 0 ||
        (rc = get_bool(root, "tie_word_embeddings", &c->tie_word_embeddings, where, e)) < 0)
        goto out;
    c->scale_decoder_outputs = c->tie_word_embeddings;
    if ((rc = get_bool(root, "scale_decoder_outputs", &c->scale_decoder_outputs, where, e)) < 0)
        goto out;
    c->has_scale_key = rc == 1;
    if ((rc = get_bool(root, "promptlab_model", &c->promptlab_model, where, e)) < 0)
        goto out;
    rc = t5_config_validate(c, where, e);
out:
    cJSON_Delete(root);
    return rc < 0 ? rc : 0;
}

int t5_config_load(const char *path, struct t5_config *c, struct pl_err *e)
{
    char *text = NULL;
    size_t len = 0;
    int rc = pl_read_file(path, &text, &len, e);
    if (rc)
        return rc;
    rc = t5_config_parse(text, len, path, c, e);
    free(text);
    return rc;
}

/* ---- writing ------------------------------------------------------------------ */

/* A float as its shortest round-tripping decimal, so 0.1f is written 0.1. */
static double clean(float f)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%.9g", (double)f);
    for (int prec = 6; prec <= 9; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, (double)f);
        if ((float)strtod(buf, NULL) == f)
            break;
    }
    return strtod(buf, NULL);
}

int t5_config_to_json(const struct t5_config *c, char **out, struct pl_err *e)
{
    *out = NULL;
    cJSON *r = cJSON_CreateObject();
    if (!r)
        return pl_err_set(e, PL_ENOMEM, "out of memory writing config.json");
    char ffp[32];
    const char *act = t5_act_name(c->act);
    if (c->gated)
        snprintf(ffp, sizeof ffp, "gated-%s", c->act == T5_ACT_GELU_NEW ? "gelu" : act);
    else
        snprintf(ffp, sizeof ffp, "%s", act);
    bool ok = true;
    if (c->name_or_path[0])
        ok &= cJSON_AddStringToObject(r, "_name_or_path", c->name_or_path) != NULL;
    cJSON *arch = cJSON_AddArrayToObject(r, "architectures");
    ok &= arch && cJSON_AddItemToArray(arch, cJSON_CreateString("T5ForConditionalGeneration"));
    ok &= cJSON_AddNumberToObject(r, "d_ff", c->d_ff) != NULL;
    ok &= cJSON_AddNumberToObject(r, "d_kv", c->d_kv) != NULL;
    ok &= cJSON_AddNumberToObject(r, "d_model", c->d_model) != NULL;
    ok &= cJSON_AddNumberToObject(r, "decoder_start_token_id", c->decoder_start_token_id) != NULL;
    ok &= cJSON_AddStringToObject(r, "dense_act_fn", act) != NULL;
    ok &= cJSON_AddNumberToObject(r, "dropout_rate", clean(c->dropout_rate)) != NULL;
    ok &= cJSON_AddNumberToObject(r, "eos_token_id", c->eos_token_id) != NULL;
    ok &= cJSON_AddStringToObject(r, "feed_forward_proj", ffp) != NULL;
    ok &= cJSON_AddNumberToObject(r, "initializer_factor", clean(c->initializer_factor)) != NULL;
    ok &= cJSON_AddBoolToObject(r, "is_encoder_decoder", 1) != NULL;
    ok &= cJSON_AddBoolToObject(r, "is_gated_act", c->gated) != NULL;
    ok &= cJSON_AddNumberToObject(r, "layer_norm_epsilon", clean(c->eps)) != NULL;
    ok &= cJSON_AddStringToObject(r, "model_type", c->model_type[0] ? c->model_type : "t5") != NULL;
    ok &= cJSON_AddNumberToObject(r, "num_decoder_layers", c->n_dec_layers) != NULL;
    ok &= cJSON_AddNumberToObject(r, "num_heads", c->n_heads) != NULL;
    ok &= cJSON_AddNumberToObject(r, "num_layers", c->n_layers) != NULL;
    ok &= cJSON_AddNumberToObject(r, "pad_token_id", c->pad_token_id) != NULL;
    if (c->promptlab_model)
        ok &= cJSON_AddBoolToObject(r, "promptlab_model", 1) != NULL;
    ok &= cJSON_AddNumberToObject(r, "relative_attention_max_distance", c->max_distance) != NULL;
    ok &= cJSON_AddNumberToObject(r, "relative_attention_num_buckets", c->n_buckets) != NULL;
    if (c->has_scale_key || c->scale_decoder_outputs != c->tie_word_embeddings)
        ok &= cJSON_AddBoolToObject(r, "scale_decoder_outputs", c->scale_decoder_outputs) != NULL;
    ok &= cJSON_AddBoolToObject(r, "tie_word_embeddings", c->tie_word_embeddings) != NULL;
    ok &= cJSON_AddBoolToObject(r, "use_cache", 1) != NULL;
    ok &= cJSON_AddNumberToObject(r, "vocab_size", c->vocab_size) != NULL;
    char *text = ok ? cJSON_Print(r) : NULL;
    cJSON_Delete(r);
    if (!text)
        return pl_err_set(e, PL_ENOMEM, "out of memory writing config.json");
    size_t n = strlen(text);
    char *buf = malloc(n + 2);
    if (!buf) {
        cJSON_free(text);
        return pl_err_set(e, PL_ENOMEM, "out of memory writing config.json");
    }
    memcpy(buf, text, n);
    buf[n] = '\n';
    buf[n + 1] = 0;
    cJSON_free(text);
    *out = buf;
    return 0;
}

int t5_config_save(const struct t5_config *c, const char *path, struct pl_err *e)
{
    char *text;
    int rc = t5_config_to_json(c, &text, e);
    if (rc)
        return rc;
    rc = pl_write_file_atomic(path, text, strlen(text), e);
    free(text);
    return rc;
}

/* ---- family ------------------------------------------------------------------ */

static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] && tolower((unsigned char)hay[i]) == needle[i])
            i++;
        if (i == n)
            return true;
    }
    return false;
}

enum t5_family t5_family_of(const struct t5_config *c)
{
    if (c->promptlab_model)
        return T5_FAMILY_PROMPTLAB;
    if (contains_ci(c->name_or_path, "flan"))
        return T5_FAMILY_FLAN;
    if (strcmp(c->model_type, "mt5") == 0)
        return T5_FAMILY_MT5;
    if (!c->gated && c->act == T5_ACT_RELU && c->tie_word_embeddings)
        return T5_FAMILY_ORIGINAL;
    if (c->gated && c->act == T5_ACT_GELU_NEW && !c->tie_word_embeddings)
        return T5_FAMILY_V1_1;
    return T5_FAMILY_UNKNOWN;
}

const char *t5_family_name(enum t5_family f)
{
    switch (f) {
    case T5_FAMILY_ORIGINAL: return "T5 (original)";
    case T5_FAMILY_V1_1: return "T5 v1.1 / LM-adapted";
    case T5_FAMILY_FLAN: return "Flan-T5";
    case T5_FAMILY_MT5: return "mT5";
    case T5_FAMILY_PROMPTLAB: return "promptlab";
    case T5_FAMILY_UNKNOWN: break;
    }
    return "T5-style (unknown)";
}

const char *t5_family_hint(enum t5_family f)
{
    switch (f) {
    case T5_FAMILY_ORIGINAL:
        return "multitask-trained: knows task prefixes such as \"translate English to German:\" "
               "and \"summarize:\", not free-form instructions";
    case T5_FAMILY_V1_1:
        return "pre-trained only (span corruption or LM): knows no tasks, so hard prompts do "
               "little; soft prompts are the way in";
    case T5_FAMILY_FLAN:
        return "instruction-tuned: follows plain instructions such as \"Translate to German: ...\"";
    case T5_FAMILY_MT5:
        return "multilingual, pre-trained only: knows no tasks, so hard prompts do little "
               "without tuning";
    case T5_FAMILY_PROMPTLAB:
        return "promptlab's embedded model: knows the instruction phrasings of its training "
               "world (translate, translate the meaning, explain an idiom, classify)";
    case T5_FAMILY_UNKNOWN: break;
    }
    return "unknown training: try a few hard prompts and compare them with a soft prompt";
}
