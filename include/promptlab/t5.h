/* t5.h - a T5 encoder-decoder computed exactly as Hugging Face's
 * T5ForConditionalGeneration computes it (see shared/reference/T5.md):
 * config, weights, encoder, decoder with KV cache, greedy and beam decoding,
 * teacher-forced scoring, and the training pass (loss, backward to the
 * encoder's input embeddings, optional weight gradients).
 *
 * Objects:
 *   t5_model  - config + weights; read-only after loading, so one model may
 *               be shared by threads that each own their state/trainer.
 *   t5_state  - per-run inference workspace (encoder output, cross-attention
 *               keys/values, self-attention KV cache), sized once.
 *   t5_train  - per-run training workspace (stored activations), sized once.
 *
 * Inputs to the encoder are EMBEDDINGS [B, T, d_model] with per-row valid
 * lengths, so a soft prompt can be prepended (t5_embed_batch does the usual
 * id lookup with an optional prefix). Rows are packed internally: padding
 * costs nothing and never influences valid positions. */
#ifndef PROMPTLAB_T5_H
#define PROMPTLAB_T5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "promptlab/core.h"

/* ---- configuration --------------------------------------------------------- */

enum t5_act {
    T5_ACT_RELU,
    T5_ACT_GELU_NEW, /* tanh approximation ("gelu_new", "gelu_pytorch_tanh") */
    T5_ACT_GELU,     /* exact erf GELU ("gelu") */
};

struct t5_config {
    char model_type[16];        /* "t5" or "mt5" */
    char name_or_path[256];     /* "_name_or_path"; t5_open fills in the directory when absent */
    int vocab_size;             /* rows of shared / lm_head (32128) */
    int d_model;                /* 512 */
    int d_kv;                   /* per-head width (64); n_heads*d_kv need not be d_model */
    int d_ff;                   /* 2048 */
    int n_layers;               /* encoder blocks: num_layers (6) */
    int n_dec_layers;           /* decoder blocks: num_decoder_layers (= num_layers) */
    int n_heads;                /* num_heads (8) */
    int n_buckets;              /* relative_attention_num_buckets (32) */
    int max_distance;           /* relative_attention_max_distance (128) */
    float eps;                  /* layer_norm_epsilon (1e-6) */
    float dropout_rate;         /* 0.1; kept for the writer, inference ignores it */
    float initializer_factor;   /* 1.0; scales t5_init_random */
    enum t5_act act;            /* from feed_forward_proj / dense_act_fn */
    bool gated;                 /* "gated-*" / is_gated_act */
    bool tie_word_embeddings;   /* true */
    bool scale_decoder_outputs; /* resolved: the key when present, else tie_word_embeddings */
    bool has_scale_key;         /* scale_decoder_outputs was in the file (the writer keeps it) */
    int decoder_start_token_id; /* 0 (falls back to pad_token_id) */
    int pad_token_id;           /* 0 */
    int eos_token_id;           /* 1 */
    bool promptlab_model;       /* "promptlab_model": true marks promptlab's own embedded model */
};

/* Hugging Face's T5Config defaults (t5-small shape, relu, tied). */
void t5_config_default(struct t5_config *c);
/* Parse config.json text. `where` names the file in messages. Absent keys
 * take HF defaults; aliases hidden_size / num_hidden_layers /
 * num_attention_heads are read; model_type must be "t5" or "mt5"; the
 * activation must be relu, gelu_new (gelu_pytorch_tanh) or gelu; all sizes
 * must be positive. */
int t5_config_parse(const char *json, size_t len, const char *where, struct t5_config *c,
                    struct pl_err *e);
int t5_config_load(const char *path, struct t5_config *c, struct pl_err *e);
/* Most parameters a config may describe (2^35, about 34 billion: three
 * times T5-XXL), checked by t5_config_validate. */
#define T5_MAX_PARAMS 34359738368LL
/* Check sizes and ids: every size positive (PL_EINVAL naming the key) and
 * below its limit (PL_ERANGE: vocab_size 2^24, d_model 2^16, d_ff 2^20,
 * num_heads * d_kv 2^16, 1024 layers per stack, 2^16 buckets, at most
 * T5_MAX_PARAMS parameters in all); layer_norm_epsilon and
 * initializer_factor positive, dropout_rate in [0, 1). */
int t5_config_validate(const struct t5_config *c, const char *where, struct pl_err *e);
/* config.json text as Hugging Face writes it (feed_forward_proj,
 * dense_act_fn, is_gated_act, ...). Caller frees *out with free(). */
int t5_config_to_json(const struct t5_config *c, char **out, struct pl_err *e);
/* Write config.json text atomically to `path`. */
int t5_config_save(const struct t5_config *c, const char *path, struct pl_err *e);
/* "relu", "gelu_new", "gelu". */
const char *t5_act_name(enum t5_act a);

/* Which family a model belongs to, so a user knows what a hard prompt can
 * expect. Rules, first match wins: promptlab_model -> PROMPTLAB; name
 * contains "flan" (any case) -> FLAN; model_type "mt5" -> MT5; ReLU FFN with
 * tied embeddings -> ORIGINAL; gated GELU, untied -> V1_1; else UNKNOWN. */
enum t5_family {
    T5_FAMILY_UNKNOWN,
    T5_FAMILY_ORIGINAL,  /* t5-small/base/large: multitask-trained with task prefixes */
    T5_FAMILY_V1_1,      /* T5 v1.1 / LM-adapted: span corruption (or LM) only */
    T5_FAMILY_FLAN,      /* Flan-T5: instruction-tuned */
    T5_FAMILY_MT5,       /* mT5: multilingual span corruption only */
    T5_FAMILY_PROMPTLAB, /* promptlab's embedded model */
};
enum t5_family t5_family_of(const struct t5_config *c);
/* Short name ("Flan-T5") and one line on what hard prompts can expect.
 * Static strings, never NULL. */
const char *t5_family_name(enum t5_family f);
const char *t5_family_hint(enum t5_family f);

/* ---- weights ---------------------------------------------------------------- */

/* One block. I = n_heads * d_kv. Linear weights use nn.Linear's [out, in]
 * layout (y = x W^T). Encoder blocks leave the cross-attention fields NULL;
 * ReLU models leave wi1 NULL. */
struct t5_block {
    float *ln_attn;         /* [d_model]       layer.0.layer_norm */
    float *q, *k, *v;       /* [I, d_model]    layer.0.SelfAttention */
    float *o;               /* [d_model, I] */
    float *ln_cross;        /* [d_model]       decoder layer.1.layer_norm */
    float *cq, *ck, *cv;    /* [I, d_model]    decoder layer.1.EncDecAttention */
    float *co;              /* [d_model, I] */
    float *ln_ff;           /* [d_model]       last layer's layer_norm */
    float *wi;              /* [d_ff, d_model] wi (ReLU) or wi_0 (gated, through the activation) */
    float *wi1;             /* [d_ff, d_model] wi_1 (gated only, the linear partner) */
    float *wo;              /* [d_model, d_ff] */
};

/* All weights, llama2.c style. For models from t5_open the arrays are
 * read-only views into the mapped file (never write through them); models
 * from t5_init_random own theirs. The same struct serves as a gradient
 * buffer (t5_grads_init), mirroring the model's layout. */
struct t5_weights {
    float *shared;        /* [vocab, d_model] token embeddings */
    float *lm_head;       /* [vocab, d_model] output projection; == shared when the model has none */
    float *enc_rel_bias;  /* [n_buckets, n_heads] encoder.block.0 relative_attention_bias */
    float *dec_rel_bias;  /* [n_buckets, n_heads] decoder.block.0 relative_attention_bias */
    float *enc_final_ln;  /* [d_model] */
    float *dec_final_ln;  /* [d_model] */
    struct t5_block *enc; /* [n_layers] */
    struct t5_block *dec; /* [n_dec_layers] */
};

typedef struct t5_model t5_model;

/* Load a Hugging Face model directory: config.json + model.safetensors
 * (F32 mapped in place; F16/BF16 converted once). Every tensor the config
 * needs must be present with the right shape ("<dir>/model.safetensors:
 * tensor encoder.block.3.layer.1.DenseReluDense.wo.weight has shape
 * [512,1024], config wants [512,2048]"); shared.weight or an
 * encoder/decoder.embed_tokens alias; an untied model uses lm_head.weight
 * when present, else shared (a tied one always uses shared, as HF ties
 * them). Every value of those tensors must be finite ("... tensor
 * shared.weight holds NaN at element 1234 (index [6,82])"): one pass over
 * the weights at load. Unknown and legacy tensors are ignored. Free with
 * t5_free. */
int t5_open(const char *dir, t5_model **out, struct pl_err *e);
/* A fresh model with owned weights, initialised as Hugging Face's
 * T5PreTrainedModel._init_weights does (normal with per-matrix scales, norms
 * at 1), deterministic in `seed`. Untied configs get their own lm_head. */
int t5_init_random(const struct t5_config *c, uint64_t seed, t5_model **out, struct pl_err *e);
/* A private copy of m with owned, writable weights (model tuning trains
 * one while the original stays frozen and shared). Free with t5_free. */
int t5_copy(const t5_model *m, t5_model **out, struct pl_err *e);
/* Write `dir`/config.json and `dir`/model.safetensors (F32), each
 * atomically; creates `dir` if missing. lm_head is written when the model
 * has its own. */
int t5_save(const t5_model *m, const char *dir, struct pl_err *e);
/* The same with every tensor stored as F16 when f16 (half the file; the
 * loader widens it to F32 at open). Refused, naming the tensor, when a
 * value lies beyond F16's range. */
int t5_save_as(const t5_model *m, const char *dir, bool f16, struct pl_err *e);
void t5_free(t5_model *m); /* NULL is fine */

/* Valid until t5_free. */
const struct t5_config *t5_model_config(const t5_model *m);
const struct t5_weights *t5_model_weights(const t5_model *m);
/* True for models whose weights may be written (t5_init_random). */
bool t5_model_owns_weights(const t5_model *m);
/* True when lm_head is a separate tensor (not shared.weight). */
bool t5_model_has_lm_head(const t5_model *m);
/* Number of float parameters (shared counted once). */
size_t t5_model_n_params(const t5_model *m);

/* One parameter tensor, Hugging Face name and shape. */
struct t5_param {
    char name[96];
    float *data;
    size_t n;
    int n_dims;
    int64_t shape[2];
};
/* List the parameter tensors of `w` (the model's weights, or a gradient
 * buffer from t5_grads_init for the same model), in a fixed order. Writes
 * at most `cap` entries to out (out may be NULL with cap 0) and returns the
 * total count (-1 when out of memory). lm_head is listed only when the
 * model has its own. */
int t5_param_list(const t5_model *m, const struct t5_weights *w, struct t5_param *out, int cap);

/* Gradient buffer mirroring the model's weights (lm_head aliases shared
 * exactly when the model's does), zero-filled. Free with t5_grads_free. */
int t5_grads_init(const t5_model *m, struct t5_weights **out, struct pl_err *e);
void t5_grads_zero(const t5_model *m, struct t5_weights *g);
void t5_grads_free(struct t5_weights *g);

/* ---- inputs ------------------------------------------------------------------ */

/* Build encoder input embeddings: out [B, n_prefix + T_ids, d_model], row b
 * = the n_prefix rows of `prefix` (may be NULL when n_prefix is 0), then
 * shared[ids[b*T_ids + i]] for i < lens[b], then zero rows. The valid length
 * of row b is n_prefix + lens[b]. Ids outside the vocabulary are refused. */
int t5_embed_batch(const t5_model *m, const float *prefix, int n_prefix, const int *ids,
                   const int *lens, int B, int T_ids, float *out, struct pl_err *e);

/* Bucket of a relative position (key - query), T5.md section 4. */
int t5_relative_bucket(int relative, bool bidirectional, int n_buckets, int max_distance);

/* ---- inference ---------------------------------------------------------------- */

typedef struct t5_state t5_state;

/* Workspace for up to max_batch inputs of up to max_src positions (prompt
 * included), decoding or scoring up to max_tgt target positions, with up to
 * max_beams beams per input. Owns its memory; free with t5_state_free. One
 * state per thread; the model may be shared. */
int t5_state_init(const t5_model *m, int max_batch, int max_src, int max_tgt, int max_beams,
                  t5_state **out, struct pl_err *e);
void t5_state_free(t5_state *s);

/* Run the encoder on emb [B, T, d_model] with valid lengths lens[B]
 * (1 <= lens[b] <= T <= max_src) and compute every decoder layer's
 * cross-attention keys and values. */
int t5_encode(t5_state *s, const float *emb, const int *lens, int B, int T, struct pl_err *e);
/* Encoder output rows of input b ([*len, d_model], after the final norm);
 * valid until the next t5_encode. */
const float *t5_encoder_output(const t5_state *s, int b, int *len);

/* Start decoding after t5_encode with n_beams rows per input: rows
 * r = b*n_beams + j all read input b. Resets the KV cache. */
int t5_decode_begin(t5_state *s, int n_beams, struct pl_err *e);
/* Feed one token per row (the first step feeds decoder_start_token_id) and
 * get logits [rows, vocab] (valid until the next call). No allocation. */
int t5_decode_step(t5_state *s, const int *tokens, const float **logits, struct pl_err *e);
/* Reorder the KV cache: new row r continues old row src_rows[r] (beam
 * search). Copies each row's cache. */
int t5_decode_reorder(t5_state *s, const int *src_rows, struct pl_err *e);
/* Shrink the batch: new row i continues old row keep[i] (n distinct rows,
 * 1 <= n <= current rows, any order); the others are dropped, so later
 * steps take n tokens and return n rows of logits. Copies no cache. */
int t5_decode_keep(t5_state *s, const int *keep, int n, struct pl_err *e);
/* Rows the next t5_decode_step takes. */
int t5_decode_rows(const t5_state *s);

struct t5_gen_params {
    int max_new_tokens;   /* 64 */
    int n_beams;          /* 1 = greedy */
    float length_penalty; /* 1.0: beam score = sum logprobs / len^length_penalty */
    int no_repeat_ngram;  /* 0 = off; n: Hugging Face's no_repeat_ngram_size (below) */
    float max_len_ratio;  /* 0 = off; lab_translate caps each output at */
    int max_len_extra;    /*   ceil(ratio * tokens of its input text) + extra */
    const int *max_new_each; /* NULL, or [B]: a tighter cap per input (lab fills it) */
};
/* All zero except the values in the comments above. */
void t5_gen_params_default(struct t5_gen_params *p);

/* Encode and decode B inputs. ids [B, max_new_tokens] receives the
 * generated tokens without the start token and without EOS; n_ids[B] their
 * counts; scores (optional, [B]) the sum of log-probabilities (greedy,
 * EOS included when produced) or the winning beam's length-normalised
 * score; token_logp (optional, [B, max_new_tokens]) each generated token's
 * log-probability under the model (the log-softmax of its logits, before
 * any ban). Input b stops at EOS or after min(max_new_tokens,
 * max_new_each[b]) tokens. Greedy rows leave the batch as they finish.
 * Beam search follows Hugging Face's BeamSearchScorer as current
 * transformers runs it: 2*n_beams candidates per step, an EOS candidate
 * ranked n_beams or lower is dropped, hypotheses scored sum_logprobs /
 * len^length_penalty with len = generated tokens (EOS included when
 * finished), early_stopping=False's heuristic (an input is done when its
 * worst kept hypothesis is at least the best candidate score over the
 * current length); an input at its own cap ends as all do at
 * max_new_tokens. With these lengths n_beams = 1 gives exactly the greedy
 * result (tested). no_repeat_ngram = n bans, at each step, every token that
 * would repeat an n-gram of the decoder's input ([start] + tokens so far;
 * per beam): log-probability -inf, as NoRepeatNGramLogitsProcessor does. */
int t5_generate(t5_state *s, const float *emb, const int *lens, int B, int T,
                const struct t5_gen_params *p, int *ids, int *n_ids, float *scores,
                float *token_logp, struct pl_err *e);

/* Teacher-forced scoring: for each input b, decoder input = [start] +
 * tgt[b][0 .. tgt_lens[b]-2]; logp [B, U] receives log p(tgt[b][i]) for
 * i < tgt_lens[b] (0 beyond). tgt is [B, U]; 1 <= tgt_lens[b] <= U <= max_tgt.
 * The caller appends EOS to targets when it wants it scored. */
int t5_score(t5_state *s, const float *emb, const int *lens, int B, int T, const int *tgt,
             const int *tgt_lens, int U, float *logp, struct pl_err *e);

/* ---- training ------------------------------------------------------------------ */

typedef struct t5_train t5_train;

/* Workspace storing the activations of one forward pass for up to
 * max_batch pairs of up to max_src source and max_tgt target positions.
 * The model's weights are read at each forward, so pre-training may update
 * them between steps. Free with t5_train_free. */
int t5_train_init(const t5_model *m, int max_batch, int max_src, int max_tgt, t5_train **out,
                  struct pl_err *e);
void t5_train_free(t5_train *t);

/* Forward pass and loss: mean cross-entropy over all target tokens of the
 * batch (padding ignored), decoder input = [start] + target shifted right.
 * emb [B, T, d_model] with lens as for t5_encode; tgt [B, U] with
 * tgt_lens. *loss receives the mean. Keeps what t5_train_backward needs. */
int t5_train_forward(t5_train *t, const float *emb, const int *lens, int B, int T,
                     const int *tgt, const int *tgt_lens, int U, float *loss, struct pl_err *e);
/* Backward of the last forward. d_emb (optional) [B, T, d_model] receives
 * d loss / d emb (zero at padding). grads (optional, from t5_grads_init)
 * accumulates d loss / d weights; when NULL no work is spent on weights.
 * Never writes the model. */
int t5_train_backward(t5_train *t, float *d_emb, struct t5_weights *grads, struct pl_err *e);

/* Backward of t5_embed_batch for pre-training: adds the d_emb rows of the
 * id positions (after n_prefix rows; d_emb is [B, n_prefix + T_ids,
 * d_model]) into grads->shared[id]. Returns PL_EINVAL on an id outside
 * the vocabulary (earlier rows stay added). */
int t5_embed_backward(const t5_model *m, const int *ids, const int *lens, int B, int T_ids,
                      int n_prefix, const float *d_emb, struct t5_weights *grads);

/* Floating-point operations of one training step (forward + backward) for
 * B pairs of T source and U target positions; weight_grads adds the weight
 * gradient products. Counts matrix products and attention only. */
double t5_train_flops(const struct t5_config *c, int B, int T, int U, bool weight_grads);

#endif
