/* tokenizer.h - the SentencePiece-Unigram tokenizer of T5-style models.
 *
 * Loads either a Hugging Face `tokenizer.json` (Unigram model) or a
 * SentencePiece `spiece.model` and turns text into ids and back, giving the
 * same ids as SentencePiece (`spm_encode`) and, for tokenizer.json, as the
 * Hugging Face fast tokenizer on that file.
 *
 * Encoding, in order:
 *   1. Added/special tokens (`</s>`, `<pad>`, `<unk>`, `<extra_id_N>`, and
 *      every entry of tokenizer.json's `added_tokens`) are matched in the raw
 *      text, leftmost and then longest first, and become their ids directly;
 *      the text between them is encoded piece by piece below (so a segment
 *      after a special token starts with its own U+2581, as transformers
 *      does). TOK_NO_SPECIAL turns the matching of special tokens off.
 *   2. Normalisation with the model's precompiled charsmap exactly as
 *      SentencePiece does (longest rule at each position; a malformed UTF-8
 *      byte becomes U+FFFD and consumes one byte - encoding never refuses
 *      input), then the whitespace rules: for spiece.model the NormalizerSpec
 *      flags (remove_extra_whitespaces, add_dummy_prefix, escape_whitespaces
 *      -> U+2581); for tokenizer.json its Replace/Strip normalizers and its
 *      WhitespaceSplit / Metaspace pre-tokenizer.
 *   3. Viterbi over the piece lattice with SentencePiece's float arithmetic
 *      and tie-breaking (also across the words of a tokenizer.json
 *      pre-tokenizer, whose running total is carried from word to word);
 *      a character no piece covers costs min_score - 10 as `<unk>`, and a
 *      run of unknown characters becomes one `<unk>` id (or `<0xHH>` byte
 *      pieces when the model has byte_fallback).
 *   4. With TOK_ADD_EOS: `</s>` appended (spiece.model: the eos piece;
 *      tokenizer.json: what its TemplateProcessing post-processor adds).
 *
 * Known differences from the Hugging Face fast tokenizer (none occurs with
 * T5's files on ordinary text): its Precompiled normalizer walks grapheme
 * clusters instead of taking SentencePiece's longest match; added tokens are
 * always matched in the raw text and their lstrip/rstrip/single_word flags
 * are ignored; Viterbi sums are float32 like SentencePiece's, not f64 per
 * word, so near-equal segmentations are resolved as spm_encode does.
 * Supported tokenizer.json parts: normalizer Precompiled / Replace (literal,
 * or one character with + or {n,}) / Strip, or a Sequence of them;
 * pre_tokenizer WhitespaceSplit and/or Metaspace; post_processor
 * TemplateProcessing; anything else is refused at load.
 *
 * Thread safety: a loaded tok is read-only; any number of threads may
 * encode and decode with it at once. */
#ifndef PROMPTLAB_TOKENIZER_H
#define PROMPTLAB_TOKENIZER_H

#include <stddef.h>

#include "promptlab/core.h"

typedef struct tok tok;

/* What an id is. Special ids (unknown, control, sentinel) never come out of
 * the Viterbi search; they appear only through raw-text matching or
 * TOK_ADD_EOS. */
enum tok_kind {
    TOK_KIND_NORMAL = 1,       /* an ordinary piece */
    TOK_KIND_UNKNOWN = 2,      /* <unk> */
    TOK_KIND_CONTROL = 3,      /* <pad>, </s>, <s>, other special added tokens */
    TOK_KIND_USER_DEFINED = 4, /* always kept whole (spm user_defined_symbols, non-special added tokens) */
    TOK_KIND_UNUSED = 5,       /* present but never produced */
    TOK_KIND_BYTE = 6,         /* <0x00>..<0xFF> byte-fallback pieces */
    TOK_KIND_SENTINEL = 7,     /* <extra_id_N> */
};

/* Flags for tok_encode / tok_decode (bitwise or). */
enum {
    TOK_ADD_EOS = 1,      /* encode: append </s> (the model's post-processing) */
    TOK_NO_SPECIAL = 2,   /* encode: do not match special tokens in the raw text */
    TOK_SKIP_SPECIAL = 4, /* decode: drop unknown, control and sentinel ids */
};

/* Load the tokenizer of a model directory: `tokenizer.json` when present,
 * else `spiece.model` (then with tokenizer_config.json's "extra_ids" when
 * that file says so, else none). On success *out is owned by the caller
 * (tok_free). Errors name the file and what is wrong. */
int tok_load_dir(const char *dir, tok **out, struct pl_err *e);

/* Load a Hugging Face tokenizer.json whose model is Unigram. Errors: file
 * missing (PL_EIO), bad JSON or unsupported pipeline parts or non-Unigram
 * model or empty vocabulary (PL_EFORMAT). */
int tok_load_json(const char *path, tok **out, struct pl_err *e);

/* Load a SentencePiece model (protobuf ModelProto, Unigram). `extra_ids`
 * appends that many sentinel ids after the pieces, as transformers'
 * T5Tokenizer does: id n_pieces + i is `<extra_id_{extra_ids-1-i}>`, so for
 * T5 (extra_ids 100) `<extra_id_0>` is 32099. 0 adds none. Errors: missing
 * file (PL_EIO); truncated or garbage protobuf, model type other than
 * Unigram, no pieces, no <unk> piece (PL_EFORMAT); extra_ids < 0 (PL_EINVAL). */
int tok_load_spm(const char *path, int extra_ids, tok **out, struct pl_err *e);

void tok_free(tok *t); /* NULL is fine */

/* Write t as a Hugging Face tokenizer.json in the layout of T5's files
 * (Precompiled normalizer with t's charsmap, WhitespaceSplit + Metaspace,
 * "$A </s>" post-processing, the Unigram vocabulary with scores; control,
 * unknown and sentinel pieces as special added tokens), atomically. Loading
 * it back with tok_load_json gives the same ids as t on ordinary text.
 * Errors: no </s> piece (PL_EINVAL), PL_EIO, PL_ENOMEM. */
int tok_save_json(const tok *t, const char *path, struct pl_err *e);

/* Encode `len` bytes of `text` (need not be NUL-terminated; invalid UTF-8 is
 * replaced by U+FFFD per malformed byte, like SentencePiece). On success
 * *ids is a malloc'd array of *n_ids ids (caller frees with free(); it may
 * be NULL when *n_ids is 0). Errors: PL_ENOMEM. */
int tok_encode(const tok *t, const char *text, size_t len, int flags, int **ids, int *n_ids,
               struct pl_err *e);

/* Decode ids to UTF-8 text: U+2581 becomes a space, the leading space of the
 * first piece that produces text is dropped, byte pieces are reassembled
 * (malformed sequences become U+FFFD). Special ids are written as their
 * piece ("</s>", "<extra_id_0>") unless TOK_SKIP_SPECIAL drops them.
 * On success *text is a malloc'd NUL-terminated string (caller frees).
 * Errors: an id outside [0, tok_size) (PL_ERANGE), PL_ENOMEM. */
int tok_decode(const tok *t, const int *ids, int n, int flags, char **text, struct pl_err *e);

/* The text the Viterbi search sees for `text` (the normalised segments
 * between special tokens, concatenated; U+2581 for spaces); for tests and
 * the curious. *out is malloc'd and NUL-terminated (caller frees); *out_len
 * (may be NULL) gets its length. */
int tok_normalize(const tok *t, const char *text, size_t len, int flags, char **out,
                  size_t *out_len, struct pl_err *e);

/* Number of ids (T5: 32100 from tokenizer.json, 32000 + extra_ids from
 * spiece.model). */
int tok_size(const tok *t);
/* The piece of an id (NUL-terminated, valid until tok_free), or NULL when
 * id is out of range. */
const char *tok_piece(const tok *t, int id);
/* Its score (log probability; 0 for special ids); 0 when out of range. */
float tok_score(const tok *t, int id);
/* Its kind; 0 when out of range. */
enum tok_kind tok_kind(const tok *t, int id);
/* True for unknown, control and sentinel ids (what TOK_SKIP_SPECIAL drops). */
int tok_is_special(const tok *t, int id);
/* Id of an exact piece string, or -1 when absent. */
int tok_id(const tok *t, const char *piece);
/* Id of `<extra_id_N>`, or -1 when the vocabulary has none. */
int tok_sentinel_id(const tok *t, int n);
/* Special ids, -1 when the model has none. */
int tok_eos_id(const tok *t);
int tok_pad_id(const tok *t);
int tok_unk_id(const tok *t);
/* The file it was loaded from (valid until tok_free). */
const char *tok_path(const tok *t);

#endif
