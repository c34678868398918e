/* tok_impl.h - what the tokenizer's files share: the tok struct, the byte
 * trie over pieces, the precompiled charsmap, growable buffers, and the
 * normalisers. Only src/text/ includes it. */
#ifndef PROMPTLAB_TOK_IMPL_H
#define PROMPTLAB_TOK_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "promptlab/tokenizer.h"

/* A byte trie as one open-addressing hash table of edges: the edge
 * (parent node, byte) -> child node. One probe per input byte; nodes are
 * numbered from 0 (the root). value[node] is the id whose piece ends there,
 * -1 for none (the first id inserted wins on duplicates). */
struct tok_trie {
    uint32_t *keys;  /* [cap] ((parent << 8) | byte) + 1; 0 marks an empty slot */
    int32_t *child;  /* [cap] */
    int32_t *value;  /* [cap_nodes] */
    uint32_t mask;   /* cap - 1 (cap is a power of two) */
    int shift;       /* 32 - log2(cap): the hash takes the top bits */
    int n_nodes;
    int cap_nodes;
};

int tok_trie_init(struct tok_trie *tr, size_t max_bytes);
/* 0, or -1 when the trie is full (callers size it from the total bytes). */
int tok_trie_insert(struct tok_trie *tr, const char *s, size_t len, int id);
void tok_trie_free(struct tok_trie *tr);

static inline int tok_trie_step(const struct tok_trie *tr, int node, unsigned char c)
{
    uint32_t key = (((uint32_t)node << 8) | c) + 1;
    uint32_t h = (key * 0x9E3779B1u) >> tr->shift;
    for (;;) {
        uint32_t k = tr->keys[h];
        if (k == key)
            return tr->child[h];
        if (k == 0)
            return -1;
        h = (h + 1) & tr->mask;
    }
}

/* SentencePiece's precompiled charsmap: a Darts-clone double array of
 * uint32 units, then NUL-terminated replacement strings addressed by byte
 * offset. */
struct tok_charsmap {
    uint32_t *units;  /* [n_units] */
    size_t n_units;
    char *strs;       /* [n_strs + 1], NUL at the end in case the last string lacks one */
    size_t n_strs;
};

/* Parse the blob (uint32 LE trie size, trie, strings). Empty blob: no map. */
int tok_charsmap_init(struct tok_charsmap *m, const unsigned char *blob, size_t len);
void tok_charsmap_free(struct tok_charsmap *m);
/* Length of the longest rule that is a prefix of s[0..n), 0 for none; *rep
 * receives its NUL-terminated replacement. */
size_t tok_charsmap_match(const struct tok_charsmap *m, const unsigned char *s, size_t n,
                          const char **rep);

/* Length of the valid UTF-8 character at s (1..4), or 0 when s starts a
 * malformed sequence (SentencePiece's rules: no overlongs, no surrogates,
 * nothing above U+10FFFF). */
size_t tok_utf8_valid_len(const unsigned char *s, size_t n);

struct tok_buf {
    char *p;
    size_t n, cap;
};
int tok_buf_reserve(struct tok_buf *b, size_t extra);
int tok_buf_add(struct tok_buf *b, const void *s, size_t len);

/* Normaliser steps of a tokenizer.json "normalizer". */
enum tok_norm_op_type { TOK_OP_PRECOMPILED, TOK_OP_REPLACE, TOK_OP_REPLACE_RUN, TOK_OP_STRIP };
struct tok_norm_op {
    enum tok_norm_op_type type;
    char *pattern;     /* REPLACE: literal text; REPLACE_RUN: the repeated character (UTF-8) */
    int min_run;       /* REPLACE_RUN: runs of at least this many */
    char *content;     /* REPLACE*: replacement */
    bool left, right;  /* STRIP */
};

enum tok_prepend { TOK_PREPEND_ALWAYS, TOK_PREPEND_FIRST, TOK_PREPEND_NEVER };
enum tok_source { TOK_SRC_SPM, TOK_SRC_JSON };

struct tok {
    char *path;
    enum tok_source src;

    int n;                  /* ids */
    int cap;
    char *pool;             /* every piece, NUL-terminated */
    size_t pool_n, pool_cap;
    uint32_t *off;          /* [n] offset of the piece in pool */
    uint32_t *len;          /* [n] its length in bytes */
    float *score;           /* [n] */
    unsigned char *kind;    /* [n] enum tok_kind */

    struct tok_trie pieces; /* every piece -> id */
    struct tok_trie added;  /* tokens matched in raw text -> id */
    int *added_ids;         /* [n_added] those ids (set by the loader, or by tok_finish for spm) */
    int n_added;
    int *reserved;          /* [n_reserved] ids of pieces outside the lattice (special, byte) */
    int n_reserved;
    unsigned char added_first[32]; /* bit set of the first bytes of added tokens */
    bool has_user_defined;

    int unk_id, eos_id, pad_id;
    float min_score, max_score; /* over NORMAL pieces, as spm computes them */
    float unk_score;            /* min_score - 10 */
    bool byte_fallback;
    int byte_id[256];           /* id of <0xHH>, unk_id when absent */

    struct tok_charsmap cmap;

    /* spiece.model NormalizerSpec */
    bool add_dummy_prefix, remove_extra_ws, escape_ws, ws_suffix;

    /* tokenizer.json pipeline */
    struct tok_norm_op *ops;
    int n_ops;
    bool ws_split;              /* WhitespaceSplit pre-tokenizer */
    bool metaspace;             /* Metaspace pre-tokenizer */
    char ms_rep[8];             /* its replacement (UTF-8, NUL-terminated) */
    enum tok_prepend ms_prepend;
    bool ms_split;
    int prefix_ids[8], n_prefix; /* TemplateProcessing "single" around $A */
    int suffix_ids[8], n_suffix;

    /* decoder */
    char dec_rep[8];
    bool dec_strip_first;   /* drop the U+2581 that starts the text */
};

/* Loader helpers (tokenizer.c). */
enum {
    TOK_MAX_PIECES = 1 << 24, /* ids (T5 has 32,100; a model config allows 2^24 rows) */
};
int tok_new(const char *path, enum tok_source src, tok **out, struct pl_err *e);
/* 0; -1 out of memory; -2 more than TOK_MAX_PIECES pieces or 4 GiB of
 * piece text. */
int tok_push_piece(tok *t, const char *s, size_t len, float score, enum tok_kind kind);
/* The message for a failed tok_push_piece (returns the error code). */
int tok_push_error(const tok *t, int rc, struct pl_err *e);
/* Build the tries and derived fields once the pieces and settings are in;
 * checks the vocabulary (non-empty, an unknown id). */
int tok_finish(tok *t, struct pl_err *e);

/* Normalisers (normalize.c). `out` is appended to. */
/* SentencePiece's Normalizer::Normalize with the model's spec. */
int tok_norm_spm(const tok *t, const char *s, size_t n, struct tok_buf *out);
/* Charsmap pass only (tokenizer.json's Precompiled normalizer); with
 * use_map false (or no charsmap) only the U+FFFD replacement of malformed
 * bytes. */
int tok_norm_charsmap(const tok *t, bool use_map, const char *s, size_t n, struct tok_buf *out);
/* One tokenizer.json Replace/Strip step. */
int tok_norm_apply_op(const struct tok_norm_op *op, const char *s, size_t n, struct tok_buf *out);
/* Unicode White_Space (Rust's char::is_whitespace) for the character at s,
 * returning its length in bytes, or 0 when it is not whitespace. */
size_t tok_utf8_space_len(const unsigned char *s, size_t n);

#endif
