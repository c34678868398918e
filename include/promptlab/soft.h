/* soft.h - soft prompts: the N x d_model matrix, its initialisers, the
 * nearest-vocabulary-token view, and files in PEFT's prompt-tuning layout.
 *
 * Everything works on plain arrays: the caller passes the model's input
 * embedding table as a `soft_vocab` view ([n_rows, d] row-major, plus a
 * per-row "ordinary" mask that is false for special/control/unknown pieces,
 * sentinels <extra_id_N> and padding rows past the tokenizer's vocabulary).
 *
 * A saved prompt is a directory:
 *   adapter_config.json        PEFT's PromptTuningConfig (peft_type
 *                              PROMPT_TUNING, task_type SEQ_2_SEQ_LM,
 *                              num_virtual_tokens N, token_dim d,
 *                              num_transformer_submodules 2, ...)
 *   adapter_model.safetensors  F32 `prompt_embeddings` [2N, d],
 *                              __metadata__ {"format":"pt"}. Rows 0..N-1 are
 *                              the prompt (PEFT's encoder uses only these);
 *                              rows N..2N-1 are promptlab's INITIAL values
 *                              (PEFT never reads them), used for drift.
 *   promptlab.json             promptlab's record: model, data, init,
 *                              optimiser and hyper-parameters, seed, steps,
 *                              curve history, best/final metrics; it says
 *                              "initial_rows": "prompt_embeddings[N:2N]".
 * A prompt made by PEFT has no promptlab.json; its rows N..2N-1 are then not
 * taken as initial values (drift is measured from the loaded prompt).
 * Thread safety: no shared state; a soft_prompt belongs to one thread. */
#ifndef PROMPTLAB_SOFT_H
#define PROMPTLAB_SOFT_H

#include <stdbool.h>
#include <stdint.h>

#include "promptlab/core.h"
#include "promptlab/tune.h"

enum {
    SOFT_VOCAB_TOP = 5000,   /* the paper samples from the 5,000 most common tokens */
    SOFT_PATH_MAX = 1024,    /* capacity of the path fields of soft_record */
};

enum soft_init_kind {
    SOFT_INIT_RANDOM,    /* uniform in [-0.5, 0.5] */
    SOFT_INIT_VOCAB,     /* rows of sampled vocabulary embeddings */
    SOFT_INIT_TEXT,      /* embeddings of a text's tokens, cycled */
    SOFT_INIT_LABELS,    /* one row per class label, the rest sampled */
    SOFT_INIT_IMPORTED,  /* came from elsewhere (.npy, unknown origin) */
};

struct soft_prompt {
    int n_tokens;             /* N */
    int d;                    /* d_model */
    float *w;                 /* [N, d] current values; owned */
    float *w0;                /* [N, d] initial values (for drift); owned */
    enum soft_init_kind init;
    char *init_arg;           /* owned, NULL when none: the init text, label words, or source file */
    uint64_t seed;            /* seed of the random initialisers */
};

/* Allocate an N x d prompt, all zeros, init SOFT_INIT_RANDOM, no argument.
 * Free with soft_prompt_free. PL_EINVAL (N or d < 1), PL_ENOMEM. */
int soft_prompt_init(struct soft_prompt *p, int n_tokens, int d, struct pl_err *e);
/* Free the arrays and zero *p. NULL is fine. */
void soft_prompt_free(struct soft_prompt *p);
/* Deep copy of src into dst (dst uninitialised; free with soft_prompt_free). */
int soft_prompt_copy(struct soft_prompt *dst, const struct soft_prompt *src, struct pl_err *e);
/* Replace the init argument (copied; NULL clears). PL_ENOMEM. */
int soft_prompt_set_arg(struct soft_prompt *p, const char *arg, struct pl_err *e);

/* "random", "vocab", "text", "labels", "imported"; parse returns PL_EINVAL
 * for other names. */
const char *soft_init_name(enum soft_init_kind k);
int soft_init_parse(const char *s, enum soft_init_kind *out, struct pl_err *e);

/* The model's input embedding table, owned by the caller. */
struct soft_vocab {
    const float *emb;        /* [n_rows, d] */
    int n_rows;              /* rows of the table (32,128 for T5) */
    int d;
    const bool *ordinary;    /* [n_rows]; NULL = every row is ordinary */
};

/* ---- initialisers: fill p->w, copy it to p->w0, record kind/arg/seed ---- */

/* Uniform in [-0.5, 0.5) from pl_rng(seed). */
void soft_fill_random(struct soft_prompt *p, uint64_t seed);

/* Rows copied from embeddings of ids sampled from the `top` lowest-id
 * ordinary rows (top <= 0: SOFT_VOCAB_TOP; SentencePiece ids are ordered by
 * score, so these are the most common pieces), without replacement while
 * N <= top (then in fresh rounds of the same pool). PL_EINVAL when d differs
 * or no row is ordinary. */
int soft_fill_vocab(struct soft_prompt *p, const struct soft_vocab *v, int top, uint64_t seed,
                    struct pl_err *e);

/* Embedding rows of ids[0..n_ids), cycled to N rows (truncated if longer).
 * `text` is recorded as the init argument (may be NULL). PL_EINVAL when
 * n_ids < 1, an id is outside the table, or d differs. */
int soft_fill_text(struct soft_prompt *p, const struct soft_vocab *v, const int *ids, int n_ids,
                   const char *text, struct pl_err *e);

/* Row i < n_labels = mean of the embeddings of labels[i][0..label_len[i]);
 * the remaining rows sampled as soft_fill_vocab(top, seed). `words` is
 * recorded as the init argument (e.g. "positive negative"; may be NULL).
 * PL_EINVAL when n_labels > N, a label is empty or an id is out of range. */
int soft_fill_labels(struct soft_prompt *p, const struct soft_vocab *v,
                     const int *const *labels, const int *label_len, int n_labels,
                     int top, uint64_t seed, const char *words, struct pl_err *e);

/* ---- inspection -------------------------------------------------------- */

/* Per row: L2 norm of w and L2 distance from w0 (either output may be NULL). */
void soft_row_stats(const struct soft_prompt *p, float *norm, float *drift);

struct soft_neighbor {
    int id;        /* vocabulary row, -1 when fewer than k ordinary rows exist */
    float score;   /* cosine similarity (NAN with id -1) */
};

/* For each of the n rows ([n, d], a soft prompt or a hard prompt's own token
 * embeddings) the k ordinary vocabulary rows of highest cosine similarity,
 * best first (ties: lower id first), into out[n*k]. Rows of the table with
 * zero norm are skipped; a zero query row scores 0 against everything.
 * Uses sgemm on blocks of the table, so memory stays O(n * block).
 * PL_EINVAL (d differs, k < 1), PL_ENOMEM. */
int soft_nearest(const float *rows, int n, int d, const struct soft_vocab *v, int k,
                 struct soft_neighbor *out, struct pl_err *e);

/* ---- files ------------------------------------------------------------- */

/* What is written beside the matrix. Strings are fixed buffers ("" =
 * unknown, written as null); numbers 0 = unknown. */
struct soft_record {
    /* the base model (adapter_config.json and promptlab.json) */
    char model[SOFT_PATH_MAX];      /* base_model_name_or_path */
    char tokenizer[SOFT_PATH_MAX];  /* tokenizer_name_or_path; "" = same as model */
    int d_model, n_heads, n_layers;
    /* the run (promptlab.json) */
    char train_data[SOFT_PATH_MAX];
    char valid_data[SOFT_PATH_MAX];
    char metric[32];                /* name of the validation metric ("chrf", "accuracy") */
    bool has_params;                /* params below are meaningful */
    struct tune_params params;
    struct tune_history hist;       /* owned: steps done, curve, best */
    int prompt_step;                /* step whose values rows 0..N-1 hold; -1 unknown */
    long long n_trained;            /* numbers trained (N*d); 0 = not recorded */
    long long n_model_params;       /* numbers in the base model; 0 = unknown */
    long long weights_bytes;        /* bytes of the saved values (2N*d*4) */
    /* filled by soft_load */
    bool has_record;                /* promptlab.json was present */
    bool has_initial;               /* rows N..2N-1 were promptlab's initial values */
};

/* Empty record: strings "", numbers 0, empty history, prompt_step -1. */
void soft_record_init(struct soft_record *r);
/* Free the history and re-initialise. NULL is fine. */
void soft_record_free(struct soft_record *r);

/* Save p (and rec, may be NULL) into directory `dir`, created (with its
 * parents) when missing. The three files are one set (pl_fileset_begin in
 * core.h): written completely in a staging directory, flushed to disk, and
 * committed together, so a save that fails or is killed at any point leaves
 * the previous save loadable, and soft_load never sees a mix of two saves.
 * Other files in `dir` are left alone. Errors name the file: PL_EIO,
 * PL_ERANGE (path too long), PL_ENOMEM. */
int soft_save(const char *dir, const struct soft_prompt *p, const struct soft_record *rec,
              struct pl_err *e);

/* Load the prompt saved in `dir` (by promptlab or by PEFT): N from
 * adapter_config.json, the first N rows of `prompt_embeddings` ([k, d],
 * k >= N; F32, F16 or BF16). d_model > 0 is the model's width: a different
 * token_dim is refused ("prompt in DIR has token_dim 256 but the model has
 * d_model 512"). promptlab.json is optional. p must be uninitialised (it is
 * allocated here; free with soft_prompt_free); rec (may be NULL) receives
 * the record (free with soft_record_free). Errors: PL_EIO (file missing),
 * PL_EFORMAT (malformed file, wrong peft_type, shape), PL_EINVAL (d_model
 * mismatch), PL_ENOMEM. */
int soft_load(const char *dir, int d_model, struct soft_prompt *p, struct soft_record *rec,
              struct pl_err *e);

/* Import a NumPy .npy [N, d] matrix (Google's released prompts) as a
 * prompt: init SOFT_INIT_IMPORTED with the path as argument, w0 = w.
 * d_model > 0 as in soft_load. p uninitialised on entry. */
int soft_import_npy(const char *path, int d_model, struct soft_prompt *p, struct pl_err *e);

#endif
