/* t5_model.c - the model object: load a Hugging Face directory (weights as
 * views into the mapped safetensors file), build a random model with owned
 * weights, save, list parameters, gradient buffers, embedding lookup.
 *
 * The one idea: one table of tensor specs (Hugging Face name, shape, and the
 * slot in struct t5_weights it fills) drives loading, saving, random init,
 * parameter lists and gradient buffers, so they cannot disagree. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "t5_impl.h"

static void spec_set(struct t5_spec *s, float **slot, int64_t d0, int64_t d1, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void spec_set(struct t5_spec *s, float **slot, int64_t d0, int64_t d1, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->name, sizeof s->name, fmt, ap);
    va_end(ap);
    s->slot = slot;
    s->n_dims = d1 ? 2 : 1;
    s->shape[0] = d0;
    s->shape[1] = d1;
}

int t5_specs(const struct t5_config *c, struct t5_weights *w, bool with_lm_head,
             struct t5_spec *out)
{
    int n = 0;
    int64_t d = c->d_model, I = t5_inner(c), F = c->d_ff, V = c->vocab_size;
#define ADD(slot, d0, d1, ...)                                                                     \
    do {                                                                                           \
        if (out)                                                                                   \
            spec_set(&out[n], (slot), (d0), (d1), __VA_ARGS__);                                    \
        n++;                                                                                       \
    } while (0)
    ADD(&w->shared, V, d, "shared.weight");
    for (int s = 0; s < 2; s++) {
        bool dec = s == 1;
        const char *stack = dec ? "decoder" : "encoder";
        int L = dec ? c->n_dec_layers : c->n_layers;
        for (int l = 0; l < L; l++) {
            struct t5_block *b = dec ? &w->dec[l] : &w->enc[l];
            ADD(&b->q, I, d, "%s.block.%d.layer.0.SelfAttention.q.weight", stack, l);
            ADD(&b->k, I, d, "%s.block.%d.layer.0.SelfAttention.k.weight", stack, l);
            ADD(&b->v, I, d, "%s.block.%d.layer.0.SelfAttention.v.weight", stack, l);
            ADD(&b->o, d, I, "%s.block.%d.layer.0.SelfAttention.o.weight", stack, l);
            if (l == 0)
                ADD(dec ? &w->dec_rel_bias : &w->enc_rel_bias, c->n_buckets, c->n_heads,
                    "%s.block.0.layer.0.SelfAttention.relative_attention_bias.weight", stack);
            ADD(&b->ln_attn, d, 0, "%s.block.%d.layer.0.layer_norm.weight", stack, l);
            int ff = 1;
            if (dec) {
                ADD(&b->cq, I, d, "decoder.block.%d.layer.1.EncDecAttention.q.weight", l);
                ADD(&b->ck, I, d, "decoder.block.%d.layer.1.EncDecAttention.k.weight", l);
                ADD(&b->cv, I, d, "decoder.block.%d.layer.1.EncDecAttention.v.weight", l);
                ADD(&b->co, d, I, "decoder.block.%d.layer.1.EncDecAttention.o.weight", l);
                ADD(&b->ln_cross, d, 0, "decoder.block.%d.layer.1.layer_norm.weight", l);
                ff = 2;
            }
            if (c->gated) {
                ADD(&b->wi, F, d, "%s.block.%d.layer.%d.DenseReluDense.wi_0.weight", stack, l, ff);
                ADD(&b->wi1, F, d, "%s.block.%d.layer.%d.DenseReluDense.wi_1.weight", stack, l, ff);
            } else {
                ADD(&b->wi, F, d, "%s.block.%d.layer.%d.DenseReluDense.wi.weight", stack, l, ff);
            }
            ADD(&b->wo, d, F, "%s.block.%d.layer.%d.DenseReluDense.wo.weight", stack, l, ff);
            ADD(&b->ln_ff, d, 0, "%s.block.%d.layer.%d.layer_norm.weight", stack, l, ff);
        }
        ADD(dec ? &w->dec_final_ln : &w->enc_final_ln, d, 0, "%s.final_layer_norm.weight", stack);
    }
    if (with_lm_head)
        ADD(&w->lm_head, V, d, "lm_head.weight");
#undef ADD
    return n;
}

static size_t spec_elems(const struct t5_spec *s)
{
    return (size_t)s->shape[0] * (size_t)(s->n_dims == 2 ? s->shape[1] : 1);
}

static void shape_str(char *buf, size_t cap, int n_dims, const int64_t *shape)
{
    size_t at = 0;
    at += (size_t)snprintf(buf + at, cap - at, "[");
    for (int i = 0; i < n_dims && at < cap; i++)
        at += (size_t)snprintf(buf + at, cap - at, "%s%lld", i ? "," : "", (long long)shape[i]);
    if (at < cap)
        snprintf(buf + at, cap - at, "]");
}

static struct t5_model *model_alloc(const struct t5_config *c)
{
    struct t5_model *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->cfg = *c;
    m->blocks = calloc((size_t)(c->n_layers + c->n_dec_layers), sizeof *m->blocks);
    if (!m->blocks) {
        free(m);
        return NULL;
    }
    m->w.enc = m->blocks;
    m->w.dec = m->blocks + c->n_layers;
    return m;
}

void t5_free(t5_model *m)
{
    if (!m)
        return;
    st_close(m->st);
    free(m->owned);
    free(m->blocks);
    free(m);
}

const struct t5_config *t5_model_config(const t5_model *m) { return &m->cfg; }
const struct t5_weights *t5_model_weights(const t5_model *m) { return &m->w; }
bool t5_model_owns_weights(const t5_model *m) { return m->owned != NULL; }
bool t5_model_has_lm_head(const t5_model *m) { return m->has_lm_head; }

size_t t5_model_n_params(const t5_model *m)
{
    struct t5_weights w = m->w;
    int n = t5_specs(&m->cfg, &w, m->has_lm_head, NULL);
    struct t5_spec *sp = malloc(sizeof *sp * (size_t)n);
    if (!sp)
        return 0;
    t5_specs(&m->cfg, &w, m->has_lm_head, sp);
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += spec_elems(&sp[i]);
    free(sp);
    return total;
}

/* ---- loading ------------------------------------------------------------------- */

static int bind_tensor(const char *path, const struct t5_spec *s,
                       const struct st_tensor *t, const struct t5_config *c, struct pl_err *e)
{
    char want[64], have[64];
    shape_str(want, sizeof want, s->n_dims, s->shape);
    shape_str(have, sizeof have, t->n_dims, t->shape);
    bool ok = t->n_dims == s->n_dims;
    for (int i = 0; ok && i < s->n_dims; i++)
        ok = t->shape[i] == s->shape[i];
    if (!ok) {
        bool vocab_rows = (strcmp(s->name, "shared.weight") == 0 ||
                           strcmp(s->name, "lm_head.weight") == 0) &&
                          t->n_dims == 2 && t->shape[1] == s->shape[1];
        if (vocab_rows)
            return pl_err_set(e, PL_EFORMAT,
                              "%s: tensor %s has shape %s, config wants %s (it has %lld rows but "
                              "config.json says vocab_size %d)",
                              path, t->name, have, want, (long long)t->shape[0], c->vocab_size);
        return pl_err_set(e, PL_EFORMAT, "%s: tensor %s has shape %s, config wants %s", path,
                          t->name, have, want);
    }
    if (!t->data)
        return pl_err_set(e, PL_EFORMAT, "%s: tensor %s has dtype %s; only F32, F16 and BF16 are "
                          "supported", path, t->name, t->dtype_name);
    *s->slot = (float *)t->data; /* read-only view: see struct t5_weights */
    return 0;
}

int t5_open(const char *dir, t5_model **out, struct pl_err *e)
{
    *out = NULL;
    char path[4096];
    if (pl_path_join(path, sizeof path, dir, "config.json"))
        return pl_err_set(e, PL_ERANGE, "%s: path too long", dir);
    struct t5_config c;
    int rc = t5_config_load(path, &c, e);
    if (rc)
        return rc;
    if (!c.name_or_path[0])
        snprintf(c.name_or_path, sizeof c.name_or_path, "%s", dir);
    if (pl_path_join(path, sizeof path, dir, "model.safetensors"))
        return pl_err_set(e, PL_ERANGE, "%s: path too long", dir);
    struct stat sb;
    if (stat(path, &sb) != 0) {
        char bin[4096];
        if (pl_path_join(bin, sizeof bin, dir, "pytorch_model.bin") == 0 && stat(bin, &sb) == 0)
            return pl_err_set(e, PL_EIO,
                              "%s: missing; only safetensors weights are supported (this "
                              "directory has pytorch_model.bin: convert it to model.safetensors)",
                              path);
        return pl_err_set(e, PL_EIO, "%s: %s", path, strerror(errno));
    }
    struct t5_model *m = model_alloc(&c);
    if (!m)
        return pl_err_set(e, PL_ENOMEM, "out of memory loading %s", dir);
    if ((rc = st_open(path, &m->st, e)) != 0) {
        t5_free(m);
        return rc;
    }
    /* tied models use shared.weight even when the file also has a head, as
     * Hugging Face's tie_weights() does */
    m->has_lm_head = !c.tie_word_embeddings && st_find(m->st, "lm_head.weight") != NULL;
    int n = t5_specs(&c, &m->w, m->has_lm_head, NULL);
    struct t5_spec *sp = malloc(sizeof *sp * (size_t)n);
    if (!sp) {
        t5_free(m);
        return pl_err_set(e, PL_ENOMEM, "out of memory loading %s", dir);
    }
    t5_specs(&c, &m->w, m->has_lm_head, sp);
    for (int i = 0; i < n && rc == 0; i++) {
        const struct st_tensor *t = st_find(m->st, sp[i].name);
        if (!t && strcmp(sp[i].name, "shared.weight") == 0) {
            t = st_find(m->st, "encoder.embed_tokens.weight");
            if (!t)
                t = st_find(m->st, "decoder.embed_tokens.weight");
        }
        if (!t) {
            char want[64];
            shape_str(want, sizeof want, sp[i].n_dims, sp[i].shape);
            rc = pl_err_set(e, PL_EFORMAT, "%s: tensor %s is missing (config wants %s)", path,
                            sp[i].name, want);
            break;
        }
        rc = bind_tensor(path, &sp[i], t, &c, e);
        /* one pass over the weights: NaN or Inf would only show up later
         * as garbage output */
        if (rc == 0)
            rc = st_check_finite(m->st, t, e);
    }
    free(sp);
    if (rc) {
        t5_free(m);
        return rc;
    }
    if (!m->has_lm_head)
        m->w.lm_head = m->w.shared;
    *out = m;
    return 0;
}

/* ---- random init ---------------------------------------------------------------- */

/* Standard deviation of each tensor as T5PreTrainedModel._init_weights. */
static float init_std(const struct t5_config *c, const char *name)
{
    float f = c->initializer_factor;
    double d = c->d_model, kv = c->d_kv, H = c->n_heads, ff = c->d_ff;
    size_t n = strlen(name);
#define ENDS(s) (n >= strlen(s) && strcmp(name + n - strlen(s), s) == 0)
    if (ENDS("layer_norm.weight"))
        return -1; /* ones */
    if (strcmp(name, "shared.weight") == 0 || strcmp(name, "lm_head.weight") == 0)
        return f;
    if (ENDS(".q.weight"))
        return f * (float)(1.0 / sqrt(d * kv));
    if (ENDS(".k.weight") || ENDS(".v.weight") || ENDS("relative_attention_bias.weight"))
        return f * (float)(1.0 / sqrt(d));
    if (ENDS("Attention.o.weight"))
        return f * (float)(1.0 / sqrt(H * kv));
    if (ENDS("wi.weight") || ENDS("wi_0.weight") || ENDS("wi_1.weight"))
        return f * (float)(1.0 / sqrt(d));
    if (ENDS("wo.weight"))
        return f * (float)(1.0 / sqrt(ff));
#undef ENDS
    return f;
}

/* Owned weights start on a 64-byte boundary and every tensor is padded to
 * 16 floats, so rows of a multiple of 8 floats never split a cache line. */
static float *alloc_weights(size_t n)
{
    void *p = NULL;
    return posix_memalign(&p, 64, (n ? n : 1) * sizeof(float)) == 0 ? p : NULL;
}

int t5_init_random(const struct t5_config *c, uint64_t seed, t5_model **out, struct pl_err *e)
{
    *out = NULL;
    int rc = t5_config_validate(c, "config", e);
    if (rc)
        return rc;
    struct t5_model *m = model_alloc(c);
    if (!m)
        return pl_err_set(e, PL_ENOMEM, "out of memory creating a model");
    m->has_lm_head = !c->tie_word_embeddings;
    int n = t5_specs(c, &m->w, m->has_lm_head, NULL);
    struct t5_spec *sp = malloc(sizeof *sp * (size_t)n);
    size_t total = 0;
    if (sp) {
        t5_specs(c, &m->w, m->has_lm_head, sp);
        for (int i = 0; i < n; i++)
            total += (spec_elems(&sp[i]) + 15) & ~(size_t)15;
        m->owned = alloc_weights(total);
    }
    if (!sp || !m->owned) {
        free(sp);
        t5_free(m);
        return pl_err_set(e, PL_ENOMEM, "out of memory creating a model of %zu parameters", total);
    }
    struct pl_rng rng;
    pl_rng_seed(&rng, seed);
    float *p = m->owned;
    for (int i = 0; i < n; i++) {
        size_t k = spec_elems(&sp[i]);
        *sp[i].slot = p;
        float std = init_std(c, sp[i].name);
        for (size_t j = 0; j < k; j++)
            p[j] = std < 0 ? 1.0f : std * pl_rng_normal(&rng);
        p += (k + 15) & ~(size_t)15;
    }
    free(sp);
    if (!m->has_lm_head)
        m->w.lm_head = m->w.shared;
    *out = m;
    return 0;
}

int t5_copy(const t5_model *src, t5_model **out, struct pl_err *e)
{
    *out = NULL;
    struct t5_model *m = model_alloc(&src->cfg);
    if (!m)
        return pl_err_set(e, PL_ENOMEM, "out of memory copying a model");
    m->has_lm_head = src->has_lm_head;
    struct t5_weights sw = src->w;
    int n = t5_specs(&m->cfg, &m->w, m->has_lm_head, NULL);
    struct t5_spec *sp = malloc(sizeof *sp * (size_t)n), *ss = malloc(sizeof *ss * (size_t)n);
    size_t total = 0;
    if (sp && ss) {
        t5_specs(&m->cfg, &m->w, m->has_lm_head, sp);
        t5_specs(&m->cfg, &sw, m->has_lm_head, ss);
        for (int i = 0; i < n; i++)
            total += (spec_elems(&sp[i]) + 15) & ~(size_t)15;
        m->owned = alloc_weights(total);
    }
    if (!sp || !ss || !m->owned) {
        free(sp), free(ss);
        t5_free(m);
        return pl_err_set(e, PL_ENOMEM, "out of memory copying a model of %zu parameters", total);
    }
    float *p = m->owned;
    for (int i = 0; i < n; i++) {
        size_t k = spec_elems(&sp[i]);
        *sp[i].slot = p;
        memcpy(p, *ss[i].slot, k * sizeof(float));
        p += (k + 15) & ~(size_t)15;
    }
    free(sp), free(ss);
    if (!m->has_lm_head)
        m->w.lm_head = m->w.shared;
    *out = m;
    return 0;
}

/* ---- saving --------------------------------------------------------------------- */

int t5_save(const t5_model *m, const char *dir, struct pl_err *e)
{
    return t5_save_as(m, dir, false, e);
}

int t5_save_as(const t5_model *m, const char *dir, bool f16, struct pl_err *e)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return pl_err_set(e, PL_EIO, "%s: cannot create directory: %s", dir, strerror(errno));
    struct t5_weights w = m->w;
    int n = t5_specs(&m->cfg, &w, m->has_lm_head, NULL);
    struct t5_spec *sp = malloc(sizeof *sp * (size_t)n);
    struct st_write_tensor *wt = calloc((size_t)n, sizeof *wt);
    if (!sp || !wt) {
        free(sp), free(wt);
        return pl_err_set(e, PL_ENOMEM, "out of memory saving %s", dir);
    }
    t5_specs(&m->cfg, &w, m->has_lm_head, sp);
    for (int i = 0; f16 && i < n; i++) {
        int rc = st_check_f16(dir, sp[i].name, *sp[i].slot, spec_elems(&sp[i]), e);
        if (rc) {
            free(sp), free(wt);
            return rc;
        }
    }
    for (int i = 0; i < n; i++) {
        wt[i].name = sp[i].name;
        wt[i].dtype = f16 ? ST_F16 : ST_F32;
        wt[i].n_dims = sp[i].n_dims;
        wt[i].shape[0] = sp[i].shape[0];
        wt[i].shape[1] = sp[i].shape[1];
        wt[i].data = *sp[i].slot;
    }
    char path[4096];
    int rc = 0;
    static const char *const mk[] = {"format"}, *const mv[] = {"pt"};
    if (pl_path_join(path, sizeof path, dir, "model.safetensors"))
        rc = pl_err_set(e, PL_ERANGE, "%s: path too long", dir);
    if (rc == 0)
        rc = st_write(path, wt, n, mk, mv, 1, e);
    free(sp), free(wt);
    if (rc)
        return rc;
    if (pl_path_join(path, sizeof path, dir, "config.json"))
        return pl_err_set(e, PL_ERANGE, "%s: path too long", dir);
    return t5_config_save(&m->cfg, path, e);
}

/* ---- parameters and gradients ----------------------------------------------------- */

int t5_param_list(const t5_model *m, const struct t5_weights *w, struct t5_param *out, int cap)
{
    struct t5_weights tmp = *w;
    int n = t5_specs(&m->cfg, &tmp, m->has_lm_head, NULL);
    if (!out || cap <= 0)
        return n;
    struct t5_spec *sp = malloc(sizeof *sp * (size_t)n);
    if (!sp)
        return -1;
    t5_specs(&m->cfg, &tmp, m->has_lm_head, sp);
    for (int i = 0; i < n && i < cap; i++) {
        struct t5_param *p = &out[i];
        snprintf(p->name, sizeof p->name, "%s", sp[i].name);
        p->data = *sp[i].slot;
        p->n = spec_elems(&sp[i]);
        p->n_dims = sp[i].n_dims;
        p->shape[0] = sp[i].shape[0];
        p->shape[1] = sp[i].n_dims == 2 ? sp[i].shape[1] : 0;
    }
    free(sp);
    return n;
}

/* Layout: the struct, the block array, then the floats (64-byte aligned). */
int t5_grads_init(const t5_model *m, struct t5_weights **out, struct pl_err *e)
{
    *out = NULL;
    const struct t5_config *c = &m->cfg;
    size_t nb = (size_t)(c->n_layers + c->n_dec_layers);
    struct t5_weights probe = {0};
    struct t5_block *pb = calloc(nb, sizeof *pb);
    if (!pb)
        return pl_err_set(e, PL_ENOMEM, "out of memory for gradients");
    probe.enc = pb;
    probe.dec = pb + c->n_layers;
    int n = t5_specs(c, &probe, m->has_lm_head, NULL);
    struct t5_spec *sp = malloc(sizeof *sp * (size_t)n);
    if (!sp) {
        free(pb);
        return pl_err_set(e, PL_ENOMEM, "out of memory for gradients");
    }
    t5_specs(c, &probe, m->has_lm_head, sp);
    size_t floats = 0;
    for (int i = 0; i < n; i++)
        floats += (spec_elems(&sp[i]) + 15) & ~(size_t)15;
    size_t head = (sizeof(struct t5_weights) + nb * sizeof(struct t5_block) + 63) & ~(size_t)63;
    free(sp);
    free(pb);
    unsigned char *mem = NULL;
    if (posix_memalign((void **)&mem, 64, head + floats * sizeof(float)) != 0)
        return pl_err_set(e, PL_ENOMEM, "out of memory for gradients (%zu floats)", floats);
    memset(mem, 0, head + floats * sizeof(float));
    struct t5_weights *g = (struct t5_weights *)mem;
    g->enc = (struct t5_block *)(mem + sizeof(struct t5_weights));
    g->dec = g->enc + c->n_layers;
    sp = malloc(sizeof *sp * (size_t)n);
    if (!sp) {
        free(mem);
        return pl_err_set(e, PL_ENOMEM, "out of memory for gradients");
    }
    t5_specs(c, g, m->has_lm_head, sp);
    float *p = (float *)(mem + head);
    for (int i = 0; i < n; i++) {
        *sp[i].slot = p;
        p += (spec_elems(&sp[i]) + 15) & ~(size_t)15;
    }
    free(sp);
    if (!m->has_lm_head)
        g->lm_head = g->shared;
    *out = g;
    return 0;
}

/* t5_grads_init lays the tensors out in spec order in one block, from
 * shared.weight to the last spec (lm_head, or the decoder's final norm). */
void t5_grads_zero(const t5_model *m, struct t5_weights *g)
{
    const struct t5_config *c = &m->cfg;
    float *end = m->has_lm_head ? g->lm_head + (size_t)c->vocab_size * c->d_model
                                : g->dec_final_ln + c->d_model;
    memset(g->shared, 0, (size_t)(end - g->shared) * sizeof(float));
}

void t5_grads_free(struct t5_weights *g) { free(g); }

/* ---- inputs ------------------------------------------------------------------------ */

int t5_embed_batch(const t5_model *m, const float *prefix, int n_prefix, const int *ids,
                   const int *lens, int B, int T_ids, float *out, struct pl_err *e)
{
    int d = m->cfg.d_model, T = n_prefix + T_ids;
    if (B < 0 || T_ids < 0 || n_prefix < 0 || (n_prefix > 0 && !prefix))
        return pl_err_set(e, PL_EINVAL, "t5_embed_batch: bad arguments");
    for (int b = 0; b < B; b++) {
        if (lens[b] < 0 || lens[b] > T_ids)
            return pl_err_set(e, PL_EINVAL, "input %d: length %d outside 0..%d", b, lens[b], T_ids);
        float *row = out + (size_t)b * T * d;
        if (n_prefix)
            memcpy(row, prefix, sizeof(float) * (size_t)n_prefix * d);
        for (int i = 0; i < lens[b]; i++) {
            int id = ids[(size_t)b * T_ids + i];
            if (id < 0 || id >= m->cfg.vocab_size)
                return pl_err_set(e, PL_EINVAL, "input %d: token id %d outside the vocabulary (%d)",
                                  b, id, m->cfg.vocab_size);
            memcpy(row + (size_t)(n_prefix + i) * d, m->w.shared + (size_t)id * d,
                   sizeof(float) * (size_t)d);
        }
        memset(row + (size_t)(n_prefix + lens[b]) * d, 0,
               sizeof(float) * (size_t)(T_ids - lens[b]) * d);
    }
    return 0;
}
