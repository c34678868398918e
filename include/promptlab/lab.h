/* lab.h - a model ready for prompting: the frozen T5, its tokenizer, and
 * the one place where a hard prompt (a template) and a soft prompt (rows
 * prepended to the encoder's input) are put together with an input text.
 *
 * Every front end (CLI commands, REPL, TUI workers, evaluation) goes through
 * these functions, so they all build model inputs the same way:
 *   encoder input = [soft prompt rows] + embed(tokens of fill(hard, text)) + </s>
 * fill(hard, text) replaces each "{source}" in the template by the text; a
 * template without "{source}" is put before the text with one space; no
 * template means the text alone.
 * Thread safety: a lab owns one inference state; use one lab per thread, or
 * lab_fork to share the frozen model and tokenizer. */
#ifndef PROMPTLAB_LAB_H
#define PROMPTLAB_LAB_H

#include "promptlab/core.h"
#include "promptlab/soft.h"
#include "promptlab/t5.h"
#include "promptlab/tokenizer.h"

struct words;

enum { LAB_MAX_SOURCE = 512 }; /* encoder positions (soft rows + tokens); longer input is truncated */

struct lab;

/* Open a model directory: config.json, model.safetensors, tokenizer.json or
 * spiece.model. Errors name the file. Free with lab_close. */
int lab_open(const char *dir, struct lab **out, struct pl_err *e);
/* A second lab sharing `parent`'s model and tokenizer (read-only) with its
 * own state, for another thread. Close it before the parent. */
int lab_fork(const struct lab *parent, struct lab **out, struct pl_err *e);
/* A lab over a model and tokenizer the caller built (a random model for
 * pre-training, a private copy for model tuning); `dir` names it. With
 * owns, lab_close frees m and t (also when this call fails); else they
 * must outlive the lab. */
int lab_make(t5_model *m, tok *t, const char *dir, bool owns, struct lab **out, struct pl_err *e);
void lab_close(struct lab *L); /* NULL is fine */

const t5_model *lab_model(const struct lab *L);
const tok *lab_tok(const struct lab *L);
/* The words of the model's training sources (its words.tsv; see words.h),
 * or NULL when the model ships none. Valid until lab_close. */
const struct words *lab_words(const struct lab *L);
/* True when the model never read `word` (n bytes, one word as words_next
 * finds them): not in its word list; for a model without a list, a word
 * its tokenizer has no pieces for (an unknown piece, or three or more
 * single characters). Words without letters are never unseen. */
bool lab_word_unseen(const struct lab *L, const char *word, size_t n);
/* The directory it was opened from. */
const char *lab_dir(const struct lab *L);

/* fill(hard, text) as above; caller frees. NULL only when out of memory. */
char *lab_fill(const char *hard, const char *text);

/* Token ids of fill(hard, text) + </s>, truncated (keeping </s>) so that
 * n_soft + ids fit LAB_MAX_SOURCE; *truncated (may be NULL) is set when
 * that happened.
 * Refuses text that is not valid UTF-8 (PL_EINVAL). Caller frees *ids. */
int lab_source_ids(const struct lab *L, const char *hard, int n_soft, const char *text,
                   int **ids, int *n_ids, bool *truncated, struct pl_err *e);

/* Decoding as promptlab starts it everywhere (translate, eval, the shell,
 * the TUI, validation while training, experiments): the model layer's
 * defaults (t5_gen_params_default, Hugging Face's) plus the rule that no
 * LAB_NO_REPEAT_NGRAM tokens in a row repeat in an output, which stops a
 * small model from looping on a phrase ("--no-repeat-ngram 0" turns it
 * off where a front end offers it). */
enum { LAB_NO_REPEAT_NGRAM = 3 };
void lab_gen_params_default(struct t5_gen_params *gp);

/* Translate n texts: out[i] receives a malloc'd output string (caller frees
 * each). soft may be NULL; its width must equal the model's d_model.
 * *n_truncated (may be NULL) counts the inputs that were cut. Works in
 * batches of up to 8 inputs. gp->max_len_ratio > 0 caps each output at
 * ceil(ratio * tokens of its own text) + gp->max_len_extra tokens (within
 * max_new_tokens); gp->max_new_each is set here, a caller's is ignored. */
int lab_translate(struct lab *L, const char *hard, const struct soft_prompt *soft,
                  const char *const *texts, int n, const struct t5_gen_params *gp, char **out,
                  int *n_truncated, struct pl_err *e);

/* One output with its tokens. */
struct lab_output {
    char *text;  /* the text lab_translate gives */
    int n;       /* generated tokens, </s> not included */
    int *ids;    /* [n] token ids (tok_piece names them) */
    float *logp; /* [n] each token's log-probability under the model */
};
/* lab_translate, keeping each output's tokens and their log-probabilities.
 * out[n] is filled (free each with lab_output_free); on error every out[i]
 * is empty. */
int lab_translate_tokens(struct lab *L, const char *hard, const struct soft_prompt *soft,
                         const char *const *texts, int n, const struct t5_gen_params *gp,
                         struct lab_output *out, int *n_truncated, struct pl_err *e);
void lab_output_free(struct lab_output *o); /* NULL and empty are fine */

/* How sure the model was of an output.  A word is marked as a guess when one
 * of its tokens had a probability under LAB_LOW_CONFIDENCE: below even odds
 * the model thought some other token at least as likely as the one it
 * wrote, so the word is as much a guess as a translation.  (Per word, the
 * lowest of its tokens: a word is as shaky as its weakest piece.) */
#define LAB_LOW_CONFIDENCE 0.5f
/* The output's overall confidence: the geometric mean of its tokens'
 * probabilities, exp(mean log-probability), in (0, 1]; NAN without tokens. */
float lab_output_confidence(const struct lab_output *o);
/* For each word of o->text (split at spaces), the lowest probability of its
 * tokens into prob[0..cap); returns the number of words, or -1 when the
 * tokens cannot be lined up with the words (then nothing is marked). */
int lab_output_word_probs(const struct lab *L, const struct lab_output *o, float *prob, int cap);

/* Teacher-forced log-probabilities of `target` (+ </s>) given the prompted
 * source: *tgt_ids and *logp (caller frees both) get *n entries. */
int lab_score(struct lab *L, const char *hard, const struct soft_prompt *soft, const char *source,
              const char *target, int **tgt_ids, float **logp, int *n, struct pl_err *e);

/* The model's input embedding table as a soft_vocab view with the
 * "ordinary" mask (special, sentinel, unused and padding rows excluded);
 * valid until lab_close. */
const struct soft_vocab *lab_vocab(struct lab *L);

#endif
