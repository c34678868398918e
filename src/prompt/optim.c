/* optim.c - Adafactor, Adam(W) and SGD over one flat parameter array, the
 * learning-rate schedules, and gradient-norm clipping.
 *
 * The one idea: every optimiser is "state + step(w, g, lr)"; the schedule
 * lives outside, in optim_lr_at, so the caller decides which learning rate
 * a step gets. Reductions (RMS, norms, row/column means) run in double so
 * results do not depend on the array length's rounding drift. */
#include "promptlab/optim.h"
#include "promptlab/blas.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct optim {
    struct optim_params p;
    int n_rows, n_cols;
    size_t n;
    long t;              /* steps taken */
    bool factored;       /* Adafactor: row/column second moments */
    float *m;            /* Adam first moment, SGD momentum buffer, Adafactor first moment [n] */
    float *v;            /* Adam / unfactored Adafactor second moment [n] */
    float *vr;           /* Adafactor row averages [n_rows] */
    float *vc;           /* Adafactor column averages [n_cols] */
    float *u;            /* Adafactor update scratch [n] */
};

void optim_params_default(struct optim_params *p, enum optim_kind kind)
{
    memset(p, 0, sizeof *p);
    p->kind = kind;
    p->lr = kind == OPTIM_ADAFACTOR ? 0.3f : kind == OPTIM_ADAM ? 1e-3f : 0.1f;
    p->schedule = OPTIM_CONSTANT;
    p->beta1 = 0.9f;
    p->beta2 = 0.999f;
    p->eps = 1e-8f;
    p->decay_rate = -0.8f;
    p->eps1 = 1e-30f;
    p->eps2 = 1e-3f;
    p->clip_threshold = 1.0f;
}

static const char *const kind_names[] = {"adafactor", "adam", "sgd"};
static const char *const schedule_names[] = {"constant", "warmup", "linear", "cosine"};

const char *optim_kind_name(enum optim_kind k)
{
    return (unsigned)k < 3 ? kind_names[k] : "?";
}

const char *optim_schedule_name(enum optim_schedule s)
{
    return (unsigned)s < 4 ? schedule_names[s] : "?";
}

int optim_kind_parse(const char *s, enum optim_kind *out, struct pl_err *e)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, kind_names[i]) == 0) {
            *out = (enum optim_kind)i;
            return 0;
        }
    if (strcmp(s, "adamw") == 0) {
        *out = OPTIM_ADAM;
        return 0;
    }
    return pl_err_set(e, PL_EINVAL, "unknown optimizer \"%s\" (adafactor, adam, sgd)", s);
}

int optim_schedule_parse(const char *s, enum optim_schedule *out, struct pl_err *e)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, schedule_names[i]) == 0) {
            *out = (enum optim_schedule)i;
            return 0;
        }
    return pl_err_set(e, PL_EINVAL, "unknown schedule \"%s\" (constant, warmup, linear, cosine)", s);
}

static bool in_unit(float x) { return x >= 0.0f && x < 1.0f; }

int optim_params_check(const struct optim_params *p, struct pl_err *e)
{
    if ((unsigned)p->kind > OPTIM_SGD)
        return pl_err_set(e, PL_EINVAL, "optimizer: unknown kind %d", (int)p->kind);
    if ((unsigned)p->schedule > OPTIM_WARMUP_COSINE)
        return pl_err_set(e, PL_EINVAL, "optimizer: unknown schedule %d", (int)p->schedule);
    if (!(p->lr > 0.0f) || !isfinite(p->lr))
        return pl_err_set(e, PL_EINVAL, "optimizer: learning rate %g must be positive", (double)p->lr);
    if (p->warmup_steps < 0)
        return pl_err_set(e, PL_EINVAL, "optimizer: warmup_steps %d is negative", p->warmup_steps);
    if ((p->schedule == OPTIM_WARMUP_LINEAR || p->schedule == OPTIM_WARMUP_COSINE) &&
        p->total_steps <= p->warmup_steps)
        return pl_err_set(e, PL_EINVAL, "optimizer: decay schedule needs total_steps (%d) > warmup_steps (%d)",
                          p->total_steps, p->warmup_steps);
    if (!(p->min_lr_ratio >= 0.0f && p->min_lr_ratio <= 1.0f))
        return pl_err_set(e, PL_EINVAL, "optimizer: min_lr_ratio %g is not in [0, 1]", (double)p->min_lr_ratio);
    if (!(p->weight_decay >= 0.0f) || !isfinite(p->weight_decay))
        return pl_err_set(e, PL_EINVAL, "optimizer: weight_decay %g is negative", (double)p->weight_decay);
    switch (p->kind) {
    case OPTIM_ADAM:
        if (!in_unit(p->beta1) || !in_unit(p->beta2))
            return pl_err_set(e, PL_EINVAL, "adam: betas (%g, %g) must lie in [0, 1)",
                              (double)p->beta1, (double)p->beta2);
        if (!(p->eps > 0.0f))
            return pl_err_set(e, PL_EINVAL, "adam: eps %g must be positive", (double)p->eps);
        break;
    case OPTIM_ADAFACTOR:
        if (!(p->decay_rate < 0.0f))
            return pl_err_set(e, PL_EINVAL, "adafactor: decay_rate %g must be negative", (double)p->decay_rate);
        if (!(p->eps1 > 0.0f) || !(p->eps2 >= 0.0f))
            return pl_err_set(e, PL_EINVAL, "adafactor: eps (%g, %g) must be positive",
                              (double)p->eps1, (double)p->eps2);
        if (!(p->clip_threshold >= 0.0f))
            return pl_err_set(e, PL_EINVAL, "adafactor: clip_threshold %g is negative", (double)p->clip_threshold);
        if (!in_unit(p->af_beta1))
            return pl_err_set(e, PL_EINVAL, "adafactor: beta1 %g must lie in [0, 1)", (double)p->af_beta1);
        if (p->min_dim_to_factor < 0)
            return pl_err_set(e, PL_EINVAL, "adafactor: min_dim_to_factor %d is negative", p->min_dim_to_factor);
        break;
    case OPTIM_SGD:
        if (!in_unit(p->momentum))
            return pl_err_set(e, PL_EINVAL, "sgd: momentum %g must lie in [0, 1)", (double)p->momentum);
        break;
    }
    return 0;
}

float optim_lr_at(const struct optim_params *p, long t)
{
    double lr = p->lr;
    if (t < 1)
        t = 1;
    if (p->schedule == OPTIM_CONSTANT)
        return (float)lr;
    if (t <= p->warmup_steps)
        return (float)(lr * (double)t / (double)p->warmup_steps);
    if (p->schedule == OPTIM_WARMUP)
        return (float)lr;
    double span = (double)p->total_steps - p->warmup_steps;
    double x = span > 0 ? ((double)t - p->warmup_steps) / span : 1.0;
    if (x > 1.0)
        x = 1.0;
    double lo = p->min_lr_ratio;
    double f = p->schedule == OPTIM_WARMUP_LINEAR ? 1.0 - x : 0.5 * (1.0 + cos(M_PI * x));
    return (float)(lr * (lo + (1.0 - lo) * f));
}

static float *zalloc(size_t n)
{
    return calloc(n ? n : 1, sizeof(float));
}

int optim_init(optim **out, const struct optim_params *p, int n_rows, int n_cols, struct pl_err *e)
{
    *out = NULL;
    int rc = optim_params_check(p, e);
    if (rc)
        return rc;
    if (n_rows < 1 || n_cols < 1)
        return pl_err_set(e, PL_EINVAL, "optimizer: parameter shape [%d, %d] is empty", n_rows, n_cols);
    optim *o = calloc(1, sizeof *o);
    if (!o)
        return pl_err_set(e, PL_ENOMEM, "optimizer: out of memory");
    o->p = *p;
    o->n_rows = n_rows;
    o->n_cols = n_cols;
    o->n = (size_t)n_rows * (size_t)n_cols;
    bool ok = true;
    switch (p->kind) {
    case OPTIM_ADAM:
        o->m = zalloc(o->n);
        o->v = zalloc(o->n);
        ok = o->m && o->v;
        break;
    case OPTIM_ADAFACTOR: {
        int lo = n_rows < n_cols ? n_rows : n_cols;
        o->factored = lo >= 2 && lo >= p->min_dim_to_factor;
        if (o->factored) {
            o->vr = zalloc((size_t)n_rows);
            o->vc = zalloc((size_t)n_cols);
            ok = o->vr && o->vc;
        } else {
            o->v = zalloc(o->n);
            ok = o->v != NULL;
        }
        o->u = zalloc(o->n);
        ok = ok && o->u;
        if (p->af_beta1 > 0.0f) {
            o->m = zalloc(o->n);
            ok = ok && o->m;
        }
        break;
    }
    case OPTIM_SGD:
        if (p->momentum > 0.0f) {
            o->m = zalloc(o->n);
            ok = o->m != NULL;
        }
        break;
    }
    if (!ok) {
        optim_free(o);
        return pl_err_set(e, PL_ENOMEM, "optimizer: out of memory for [%d, %d] state", n_rows, n_cols);
    }
    *out = o;
    return 0;
}

void optim_free(optim *o)
{
    if (!o)
        return;
    free(o->u);
    free(o->vc);
    free(o->vr);
    free(o->v);
    free(o->m);
    free(o);
}

long optim_steps(const optim *o) { return o->t; }

void optim_reset(optim *o)
{
    o->t = 0;
    if (o->m)
        memset(o->m, 0, o->n * sizeof(float));
    if (o->v)
        memset(o->v, 0, o->n * sizeof(float));
    if (o->vr)
        memset(o->vr, 0, (size_t)o->n_rows * sizeof(float));
    if (o->vc)
        memset(o->vc, 0, (size_t)o->n_cols * sizeof(float));
}

static double rms(const float *x, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (double)x[i] * x[i];
    return sqrt(s / (double)n);
}

struct adam_job {
    optim *o;
    float *w;
    const float *g;
    double b1, b2, step, sc2;
    float decay;
};

/* Elements [lo, hi) of the update: each element on its own, so any split
 * gives the same bits. */
static void adam_part(void *arg, int part, int n_parts)
{
    const struct adam_job *j = arg;
    optim *o = j->o;
    const struct optim_params *p = &o->p;
    size_t lo = o->n * (size_t)part / (size_t)n_parts, hi = o->n * (size_t)(part + 1) / (size_t)n_parts;
    float *w = j->w, *m = o->m, *v = o->v;
    const float *g = j->g;
    double b1 = j->b1, b2 = j->b2, step = j->step, sc2 = j->sc2;
    for (size_t i = lo; i < hi; i++) {
        float gi = g[i];
        m[i] = (float)(b1 * m[i] + (1.0 - b1) * gi);
        v[i] = (float)(b2 * v[i] + (1.0 - b2) * (double)gi * gi);
        if (p->weight_decay > 0.0f)
            w[i] *= j->decay;
        double den = sqrt((double)v[i]) / sc2 + p->eps;
        w[i] -= (float)(step * m[i] / den);
    }
}

static void step_adam(optim *o, float *w, const float *g, float lr)
{
    const struct optim_params *p = &o->p;
    double b1 = p->beta1, b2 = p->beta2;
    double c1 = 1.0 - pow(b1, (double)o->t);
    double c2 = 1.0 - pow(b2, (double)o->t);
    /* PyTorch's arrangement: w -= (lr / c1) * m / (sqrt(v) / sqrt(c2) + eps). */
    struct adam_job j = {o, w, g, b1, b2, lr / c1, sqrt(c2), 1.0f - lr * p->weight_decay};
    size_t parts = o->n / 32768; /* large tensors on promptlab's thread policy */
    pl_parallel(30.0 * (double)o->n, parts < 1 ? 1 : parts > 8 ? 8 : (int)parts, adam_part, &j);
}

static void step_sgd(optim *o, float *w, const float *g, float lr)
{
    const struct optim_params *p = &o->p;
    float decay = 1.0f - lr * p->weight_decay;
    for (size_t i = 0; i < o->n; i++) {
        float d = g[i];
        if (o->m) {
            /* PyTorch: the first step seeds the buffer with the gradient. */
            o->m[i] = o->t == 1 ? d : p->momentum * o->m[i] + d;
            d = o->m[i];
        }
        if (p->weight_decay > 0.0f)
            w[i] *= decay;
        w[i] -= lr * d;
    }
}

static void step_adafactor(optim *o, float *w, const float *g, float lr)
{
    const struct optim_params *p = &o->p;
    const int R = o->n_rows, C = o->n_cols;
    const size_t n = o->n;
    double beta2t = 1.0 - pow((double)o->t, (double)p->decay_rate);
    double eps1 = p->eps1;
    float *u = o->u;

    if (p->scale_parameter) {
        double s = rms(w, n);
        lr = (float)(lr * (s > p->eps2 ? s : p->eps2));
    }

    if (o->factored) {
        /* Running averages of the row means and column means of g^2 + eps1. */
        double row_mean_sum = 0.0;
        for (int i = 0; i < R; i++) {
            double s = 0.0;
            const float *gr = g + (size_t)i * C;
            for (int j = 0; j < C; j++)
                s += (double)gr[j] * gr[j] + eps1;
            o->vr[i] = (float)(beta2t * o->vr[i] + (1.0 - beta2t) * (s / C));
            row_mean_sum += o->vr[i];
        }
        for (int j = 0; j < C; j++) {
            double s = 0.0;
            for (int i = 0; i < R; i++) {
                double gij = g[(size_t)i * C + j];
                s += gij * gij + eps1;
            }
            o->vc[j] = (float)(beta2t * o->vc[j] + (1.0 - beta2t) * (s / R));
        }
        /* v_hat[i][j] = vr[i] * vc[j] / mean(vr): update = g * rsqrt(v_hat). */
        double row_mean = row_mean_sum / R;
        for (int i = 0; i < R; i++) {
            double rf = 1.0 / sqrt(o->vr[i] / row_mean);
            for (int j = 0; j < C; j++) {
                size_t k = (size_t)i * C + j;
                u[k] = (float)(rf / sqrt((double)o->vc[j]) * g[k]);
            }
        }
    } else {
        for (size_t k = 0; k < n; k++) {
            double gk = g[k];
            o->v[k] = (float)(beta2t * o->v[k] + (1.0 - beta2t) * (gk * gk + eps1));
            u[k] = (float)(gk / sqrt((double)o->v[k]));
        }
    }

    double scale = lr;
    if (p->clip_threshold > 0.0f) {
        double r = rms(u, n) / p->clip_threshold;
        if (r > 1.0)
            scale /= r;
    }
    float decay = 1.0f - lr * p->weight_decay;
    for (size_t k = 0; k < n; k++) {
        float d = (float)(u[k] * scale);
        if (o->m) {
            o->m[k] = p->af_beta1 * o->m[k] + (1.0f - p->af_beta1) * d;
            d = o->m[k];
        }
        if (p->weight_decay > 0.0f)
            w[k] *= decay;
        w[k] -= d;
    }
}

void optim_step(optim *o, float *w, const float *g, float lr)
{
    o->t++;
    switch (o->p.kind) {
    case OPTIM_ADAFACTOR: step_adafactor(o, w, g, lr); break;
    case OPTIM_ADAM: step_adam(o, w, g, lr); break;
    case OPTIM_SGD: step_sgd(o, w, g, lr); break;
    }
}

float optim_grad_norm(const float *g, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (double)g[i] * g[i];
    return (float)sqrt(s);
}

float optim_clip_grad_norm(float *g, size_t n, float max_norm)
{
    float norm = optim_grad_norm(g, n);
    if (max_norm > 0.0f && isfinite(norm) && norm > max_norm) {
        /* PyTorch's clip_grad_norm_ uses max_norm / (norm + 1e-6). */
        float c = (float)((double)max_norm / ((double)norm + 1e-6));
        for (size_t i = 0; i < n; i++)
            g[i] *= c;
    }
    return norm;
}

int optim_buffers(optim *o, struct optim_buffer out[4])
{
    int k = 0;
    if (o->m)
        out[k++] = (struct optim_buffer){"m", o->m, o->n};
    if (o->v)
        out[k++] = (struct optim_buffer){"v", o->v, o->n};
    if (o->vr)
        out[k++] = (struct optim_buffer){"vr", o->vr, (size_t)o->n_rows};
    if (o->vc)
        out[k++] = (struct optim_buffer){"vc", o->vc, (size_t)o->n_cols};
    return k;
}

void optim_set_steps(optim *o, long t) { o->t = t; }
