/* optim.h - optimisers over one flat float parameter array, learning-rate
 * schedules and global gradient-norm clipping.
 *
 * One `optim` holds the state for one parameter tensor seen as an
 * [n_rows, n_cols] row-major matrix (a soft prompt: [N, d_model]; a vector:
 * [1, n]). The shape matters only to Adafactor, which keeps factored second
 * moments (one running average per row and one per column) for matrices.
 * The learning rate is passed to every step, so one schedule can drive many
 * optimisers (pre-training keeps one per weight tensor).
 *
 * Adafactor follows Shazeer & Stern 2018 as Hugging Face implements it with
 * relative_step=False and warmup_init=False: beta2_t = 1 - t^decay_rate,
 * squared gradient + eps1 averaged, update = grad / sqrt(v_hat), divided by
 * max(1, RMS(update) / clip_threshold), times lr (times max(eps2, RMS(param))
 * when scale_parameter is on), optional first moment beta1, then applied.
 * Adam is PyTorch's Adam with bias correction; weight_decay > 0 makes it
 * AdamW (decoupled: w -= lr * wd * w before the Adam update). SGD has
 * optional (PyTorch-style, undampened) momentum.
 *
 * Thread safety: an optim is owned by one thread. */
#ifndef PROMPTLAB_OPTIM_H
#define PROMPTLAB_OPTIM_H

#include <stdbool.h>
#include <stddef.h>

#include "promptlab/core.h"

enum optim_kind { OPTIM_ADAFACTOR, OPTIM_ADAM, OPTIM_SGD };

enum optim_schedule {
    OPTIM_CONSTANT,       /* lr at every step */
    OPTIM_WARMUP,         /* linear warmup over warmup_steps, then constant */
    OPTIM_WARMUP_LINEAR,  /* linear warmup, then linear decay to min_lr_ratio*lr at total_steps */
    OPTIM_WARMUP_COSINE,  /* linear warmup, then cosine decay to min_lr_ratio*lr at total_steps */
};

struct optim_params {
    enum optim_kind kind;
    float lr;                 /* peak learning rate */

    enum optim_schedule schedule;
    int warmup_steps;         /* 0 = no warmup */
    int total_steps;          /* where the decay schedules reach their floor */
    float min_lr_ratio;       /* floor of the decay schedules, as a fraction of lr (default 0) */

    /* Adam / AdamW */
    float beta1;              /* 0.9 */
    float beta2;              /* 0.999 */
    float eps;                /* 1e-8 */
    float weight_decay;       /* decoupled (w -= lr*wd*w, as AdamW) for all three; 0 = off */

    /* Adafactor */
    float decay_rate;         /* -0.8: beta2_t = 1 - t^decay_rate */
    float eps1;               /* 1e-30, added to squared gradients */
    float eps2;               /* 1e-3, floor of the parameter scale (scale_parameter only) */
    float clip_threshold;     /* 1.0, on the RMS of the unscaled update; 0 = off */
    float af_beta1;           /* first moment; 0 = none (the default) */
    bool scale_parameter;     /* multiply lr by max(eps2, RMS(param)); off by default */
    int min_dim_to_factor;    /* factor only when both dims >= this and >= 2; 0 = any matrix
                               * (Hugging Face); T5X uses 128, which leaves short prompts
                               * unfactored */

    /* SGD */
    float momentum;           /* 0 = plain SGD */
};

/* Defaults for `kind`: Adafactor lr 0.3 (the paper), Adam lr 1e-3, SGD lr
 * 0.1; constant schedule; the constants listed above. */
void optim_params_default(struct optim_params *p, enum optim_kind kind);

/* "adafactor", "adam", "sgd" / "constant", "warmup", "linear", "cosine". */
const char *optim_kind_name(enum optim_kind k);
const char *optim_schedule_name(enum optim_schedule s);
/* Parse the names above (case-sensitive; "adamw" is accepted as Adam).
 * Return 0 or PL_EINVAL with a message listing the valid names. */
int optim_kind_parse(const char *s, enum optim_kind *out, struct pl_err *e);
int optim_schedule_parse(const char *s, enum optim_schedule *out, struct pl_err *e);

/* Check the values in p (lr > 0 and finite, betas in [0, 1), ...).
 * Returns 0 or PL_EINVAL naming the bad field. */
int optim_params_check(const struct optim_params *p, struct pl_err *e);

/* Learning rate for 1-based step t under p's schedule: warmup gives
 * lr * t / warmup_steps for t <= warmup_steps; the decays then run over
 * (t - warmup) / (total_steps - warmup) in (0, 1], held at the floor after
 * total_steps. */
float optim_lr_at(const struct optim_params *p, long t);

typedef struct optim optim;

/* Allocate the state for an [n_rows, n_cols] parameter. *out is freed with
 * optim_free. Errors: PL_EINVAL (bad params or shape), PL_ENOMEM. */
int optim_init(optim **out, const struct optim_params *p, int n_rows, int n_cols,
               struct pl_err *e);
void optim_free(optim *o); /* NULL is fine */

/* One update of w [n_rows*n_cols] from gradient g with learning rate lr
 * (normally optim_lr_at(params, optim_steps(o) + 1)). g is not modified. */
void optim_step(optim *o, float *w, const float *g, float lr);

/* Steps taken so far. */
long optim_steps(const optim *o);

/* The optimiser's state as named float buffers ("m", "v", "vr", "vc"; only
 * those this kind and shape keep), for checkpoints: a saved run restores
 * by copying the saved values into the same buffers and calling
 * optim_set_steps. Writes at most 4 entries; returns the count. The
 * pointers are valid until optim_free. */
struct optim_buffer {
    const char *name;
    float *data;
    size_t n;
};
int optim_buffers(optim *o, struct optim_buffer out[4]);
void optim_set_steps(optim *o, long t);

/* Forget all state (moments, step count), as if freshly initialised. */
void optim_reset(optim *o);

/* Global L2 norm of g[0..n) (accumulated in double). */
float optim_grad_norm(const float *g, size_t n);

/* Scale g so that its global L2 norm is at most max_norm (no-op when
 * max_norm <= 0 or the norm is not finite). Returns the norm before
 * clipping. */
float optim_clip_grad_norm(float *g, size_t n, float max_norm);

#endif
