/* trainer_impl.h - what trainer.c (the recipe and the run) and
 * trainer_io.c (saves, checkpoints, resuming) share: the trainer itself.
 * Only src/prompt includes it. */
#ifndef PROMPTLAB_TRAINER_IMPL_H
#define PROMPTLAB_TRAINER_IMPL_H

#include "promptlab/trainer.h"

struct trainer {
    struct tr_params p;        /* strings point into the owned copies below */
    char *strs[8];             /* owned copies of p's strings */
    struct tr_info info;
    const char *base_dir;      /* the frozen model's directory (record, tokenizer files) */
    struct lab *L;             /* a fork (prompt) or a lab over the trained model */
    t5_model *model;           /* TR_MODEL: the private copy (owned); TR_PRETRAIN: owned by L */
    struct t5_weights *grads;  /* weight gradients (model methods) */
    struct t5_param *wp, *gp;  /* [np] weights and their gradients, by name */
    int np;
    struct soft_prompt prompt; /* TR_PROMPT: current rows, initial rows, init */
    float *prompt_grad;
    struct soft_prompt best;   /* TR_PROMPT: a view of the best rows (w from the tune state) */
    struct tune_tensor *tt;    /* [n_t] */
    int n_t;
    obj *o;
    struct tune_objective to;
    tune_state *ts;
    struct soft_record rec;    /* TR_PROMPT: the record saved beside the prompt */
    /* while running */
    const struct tr_control *ctl;
    int saved_step;
    double last_ckpt;          /* training seconds at the last checkpoint */
    int64_t last_tokens;       /* tokens of the step being reported */
    char event[320];
    char save_error[768];
    bool ran;
};

/* Save the best values (or the last, without validation) with the record
 * of the curve so far into p.out, as the step `step`. */
int tr_save_best(trainer *t, int step, struct pl_err *e);
/* Write p.out/checkpoint/trainer.safetensors: the current and best values,
 * the optimisers' buffers, the curve and the settings (atomically). */
int tr_checkpoint_write(trainer *t, struct pl_err *e);
/* Restore all of that from dir/checkpoint into a trainer whose tensors,
 * optimisers and tune state are built (TR_PROMPT: with the checkpoint's
 * prompt shape, see tr_checkpoint_prompt). */
int tr_checkpoint_read(trainer *t, const char *dir, struct pl_err *e);
/* TR_PROMPT: the prompt of dir's checkpoint (rows, initial rows, init)
 * into the uninitialised *p; 1 when dir has no checkpoint. */
int tr_checkpoint_prompt(const char *dir, int d, struct soft_prompt *p, struct pl_err *e);
/* Bytes of the regular files directly in dir (-1 when unreadable). */
long long tr_dir_bytes(const char *dir);

#endif
