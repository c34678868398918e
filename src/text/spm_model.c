/* spm_model.c - read a SentencePiece model file (`spiece.model`).
 *
 * The file is a protobuf ModelProto, read here with a small wire-format
 * reader instead of a protobuf library: field 1 is a repeated SentencePiece
 * {1 piece, 2 score (float), 3 type}, field 2 the TrainerSpec (model type,
 * byte_fallback, special pieces), field 3 the NormalizerSpec (charsmap and
 * the three whitespace flags). Unknown fields are skipped, so files from
 * newer SentencePiece versions load too. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tok_impl.h"

struct pb {
    const unsigned char *p, *end;
    const unsigned char *base; /* start of the file, for offsets in messages */
};

static int pb_varint(struct pb *b, uint64_t *v)
{
    uint64_t x = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (b->p >= b->end)
            return -1;
        unsigned char c = *b->p++;
        x |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80)) {
            *v = x;
            return 0;
        }
    }
    return -1;
}

/* Next field key; 0 at the end of the message, 1 with a key, -1 malformed. */
static int pb_key(struct pb *b, uint32_t *field, int *wire)
{
    if (b->p >= b->end)
        return 0;
    uint64_t k;
    if (pb_varint(b, &k) != 0 || (k >> 3) == 0 || (k >> 3) > 0x1FFFFFFF)
        return -1;
    *field = (uint32_t)(k >> 3);
    *wire = (int)(k & 7);
    return 1;
}

static int pb_bytes(struct pb *b, const unsigned char **s, size_t *len)
{
    uint64_t n;
    if (pb_varint(b, &n) != 0 || n > (uint64_t)(b->end - b->p))
        return -1;
    *s = b->p;
    *len = (size_t)n;
    b->p += n;
    return 0;
}

static int pb_fixed32(struct pb *b, uint32_t *v)
{
    if (b->end - b->p < 4)
        return -1;
    *v = (uint32_t)b->p[0] | (uint32_t)b->p[1] << 8 | (uint32_t)b->p[2] << 16 | (uint32_t)b->p[3] << 24;
    b->p += 4;
    return 0;
}

static int pb_skip(struct pb *b, int wire)
{
    uint64_t v;
    const unsigned char *s;
    size_t n;
    switch (wire) {
    case 0: return pb_varint(b, &v);
    case 1:
        if (b->end - b->p < 8)
            return -1;
        b->p += 8;
        return 0;
    case 2: return pb_bytes(b, &s, &n);
    case 5:
        if (b->end - b->p < 4)
            return -1;
        b->p += 4;
        return 0;
    default: return -1; /* groups (3, 4) are not used by ModelProto; 6, 7 do not exist */
    }
}

/* What the loader keeps from the TrainerSpec and NormalizerSpec. */
struct spm_spec {
    int model_type;
    bool byte_fallback;
    bool ws_suffix;
    char eos_piece[64], pad_piece[64];
    const unsigned char *charsmap;
    size_t charsmap_len;
    bool add_dummy_prefix, remove_extra_ws, escape_ws;
};

static int bad(const tok *t, const struct pb *b, const char *what, struct pl_err *e)
{
    return pl_err_set(e, PL_EFORMAT, "%s: not a valid SentencePiece model: %s (at byte %ld)", t->path,
                      what, (long)(b->p - b->base));
}

static void copy_str(char *dst, size_t cap, const unsigned char *s, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, s, n);
    dst[n] = 0;
}

static int parse_piece(tok *t, struct pb *b, struct pl_err *e)
{
    const unsigned char *s = NULL;
    size_t len = 0;
    float score = 0;
    uint64_t type = TOK_KIND_NORMAL;
    uint32_t field;
    int wire, r;
    while ((r = pb_key(b, &field, &wire)) == 1) {
        if (field == 1 && wire == 2) {
            if (pb_bytes(b, &s, &len) != 0)
                return bad(t, b, "truncated piece", e);
        } else if (field == 2 && wire == 5) {
            uint32_t bits;
            if (pb_fixed32(b, &bits) != 0)
                return bad(t, b, "truncated score", e);
            memcpy(&score, &bits, sizeof score);
        } else if (field == 3 && wire == 0) {
            if (pb_varint(b, &type) != 0)
                return bad(t, b, "truncated piece type", e);
        } else if (pb_skip(b, wire) != 0) {
            return bad(t, b, "malformed field in a piece", e);
        }
    }
    if (r < 0)
        return bad(t, b, "malformed piece", e);
    if (!s || len == 0)
        return pl_err_set(e, PL_EFORMAT, "%s: piece %d is empty", t->path, t->n);
    if (type < TOK_KIND_NORMAL || type > TOK_KIND_BYTE)
        return pl_err_set(e, PL_EFORMAT, "%s: piece %d has unknown type %llu", t->path, t->n,
                          (unsigned long long)type);
    if (!isfinite(score))
        return pl_err_set(e, PL_EFORMAT, "%s: piece %d has score %g (not a finite number)", t->path, t->n,
                          score);
    int rc = tok_push_piece(t, (const char *)s, len, score, (enum tok_kind)type);
    return rc ? tok_push_error(t, rc, e) : 0;
}

static int parse_trainer(tok *t, struct pb *b, struct spm_spec *sp, struct pl_err *e)
{
    uint32_t field;
    int wire, r;
    while ((r = pb_key(b, &field, &wire)) == 1) {
        uint64_t v;
        const unsigned char *s;
        size_t n;
        if (wire == 0 && (field == 3 || field == 24 || field == 35)) {
            if (pb_varint(b, &v) != 0)
                return bad(t, b, "truncated trainer spec", e);
            if (field == 3)
                sp->model_type = (int)v;
            else if (field == 24)
                sp->ws_suffix = v != 0;
            else
                sp->byte_fallback = v != 0;
        } else if (wire == 2 && (field == 47 || field == 48)) {
            if (pb_bytes(b, &s, &n) != 0)
                return bad(t, b, "truncated trainer spec", e);
            if (field == 47)
                copy_str(sp->eos_piece, sizeof sp->eos_piece, s, n);
            else
                copy_str(sp->pad_piece, sizeof sp->pad_piece, s, n);
        } else if (pb_skip(b, wire) != 0) {
            return bad(t, b, "malformed trainer spec", e);
        }
    }
    return r < 0 ? bad(t, b, "malformed trainer spec", e) : 0;
}

static int parse_normalizer(tok *t, struct pb *b, struct spm_spec *sp, struct pl_err *e)
{
    uint32_t field;
    int wire, r;
    while ((r = pb_key(b, &field, &wire)) == 1) {
        uint64_t v;
        if (field == 2 && wire == 2) {
            if (pb_bytes(b, &sp->charsmap, &sp->charsmap_len) != 0)
                return bad(t, b, "truncated precompiled_charsmap", e);
        } else if (field >= 3 && field <= 5 && wire == 0) {
            if (pb_varint(b, &v) != 0)
                return bad(t, b, "truncated normalizer spec", e);
            if (field == 3)
                sp->add_dummy_prefix = v != 0;
            else if (field == 4)
                sp->remove_extra_ws = v != 0;
            else
                sp->escape_ws = v != 0;
        } else if (pb_skip(b, wire) != 0) {
            return bad(t, b, "malformed normalizer spec", e);
        }
    }
    return r < 0 ? bad(t, b, "malformed normalizer spec", e) : 0;
}

static int parse_model(tok *t, const unsigned char *data, size_t len, struct spm_spec *sp,
                       struct pl_err *e)
{
    struct pb b = {data, data + len, data};
    uint32_t field;
    int wire, r;
    while ((r = pb_key(&b, &field, &wire)) == 1) {
        if (field >= 1 && field <= 3 && wire == 2) {
            const unsigned char *s;
            size_t n;
            if (pb_bytes(&b, &s, &n) != 0)
                return bad(t, &b, "truncated message", e);
            struct pb sub = {s, s + n, data};
            int rc = field == 1 ? parse_piece(t, &sub, e)
                     : field == 2 ? parse_trainer(t, &sub, sp, e)
                                  : parse_normalizer(t, &sub, sp, e);
            if (rc != 0)
                return rc;
        } else if (pb_skip(&b, wire) != 0) {
            return bad(t, &b, "malformed or truncated field", e);
        }
    }
    return r < 0 ? bad(t, &b, "malformed field key", e) : 0;
}

static const char *model_type_name(int type)
{
    switch (type) {
    case 2: return "BPE";
    case 3: return "WORD";
    case 4: return "CHAR";
    default: return "unknown";
    }
}

static int find_piece(const tok *t, const char *piece, int kind)
{
    size_t n = strlen(piece);
    for (int i = 0; i < t->n; i++)
        if (t->kind[i] == kind && t->len[i] == n && memcmp(t->pool + t->off[i], piece, n) == 0)
            return i;
    return -1;
}

static int load_spm(tok *t, int extra_ids, struct pl_err *e)
{
    char *data;
    size_t len;
    int rc = pl_read_file(t->path, &data, &len, e);
    if (rc != 0)
        return rc;
    struct spm_spec sp = {
        .model_type = 1,
        .eos_piece = "</s>",
        .pad_piece = "<pad>",
        .add_dummy_prefix = true,
        .remove_extra_ws = true,
        .escape_ws = true,
    };
    rc = parse_model(t, (const unsigned char *)data, len, &sp, e);
    if (rc == 0 && sp.model_type != 1)
        rc = pl_err_set(e, PL_EFORMAT, "%s: model type %s (%d) is not supported, only Unigram", t->path,
                        model_type_name(sp.model_type), sp.model_type);
    if (rc == 0 && t->n == 0)
        rc = pl_err_set(e, PL_EFORMAT, "%s: no pieces (empty or not a SentencePiece model)", t->path);
    if (rc == 0 && tok_charsmap_init(&t->cmap, sp.charsmap, sp.charsmap_len) != 0)
        rc = pl_err_set(e, PL_EFORMAT, "%s: precompiled_charsmap is malformed (%zu bytes)", t->path,
                        sp.charsmap_len);
    free(data);
    if (rc != 0)
        return rc;

    for (int i = 0; i < t->n; i++) {
        if (t->kind[i] != TOK_KIND_UNKNOWN)
            continue;
        if (t->unk_id >= 0)
            return pl_err_set(e, PL_EFORMAT, "%s: pieces %d and %d are both <unk>", t->path, t->unk_id, i);
        t->unk_id = i;
    }
    if (t->unk_id < 0)
        return pl_err_set(e, PL_EFORMAT, "%s: no piece has type UNKNOWN (<unk>)", t->path);
    int n_bytes = 0;
    for (int i = 0; i < t->n; i++)
        n_bytes += t->kind[i] == TOK_KIND_BYTE;
    if (n_bytes > 0 && !sp.byte_fallback)
        return pl_err_set(e, PL_EFORMAT, "%s: byte pieces present although byte_fallback is false", t->path);
    t->byte_fallback = sp.byte_fallback;
    t->ws_suffix = sp.ws_suffix;
    t->add_dummy_prefix = sp.add_dummy_prefix;
    t->remove_extra_ws = sp.remove_extra_ws;
    t->escape_ws = sp.escape_ws;
    t->dec_strip_first = sp.add_dummy_prefix || sp.remove_extra_ws;
    t->eos_id = find_piece(t, sp.eos_piece, TOK_KIND_CONTROL);
    t->pad_id = find_piece(t, sp.pad_piece, TOK_KIND_CONTROL);

    for (int i = 0; i < extra_ids; i++) {
        char name[32];
        int n = snprintf(name, sizeof name, "<extra_id_%d>", extra_ids - 1 - i);
        int r = tok_push_piece(t, name, (size_t)n, 0.0f, TOK_KIND_SENTINEL);
        if (r != 0)
            return tok_push_error(t, r, e);
    }
    rc = tok_finish(t, e);
    if (rc == 0 && t->byte_fallback) {
        for (int b = 0; b < 256; b++)
            if (t->byte_id[b] == t->unk_id)
                return pl_err_set(e, PL_EFORMAT, "%s: byte_fallback is on but piece <0x%02X> is missing",
                                  t->path, b);
    }
    return rc;
}

int tok_load_spm(const char *path, int extra_ids, tok **out, struct pl_err *e)
{
    *out = NULL;
    if (extra_ids < 0 || extra_ids > 100000)
        return pl_err_set(e, PL_EINVAL, "%s: extra_ids %d is out of range [0, 100000]", path, extra_ids);
    tok *t;
    int rc = tok_new(path, TOK_SRC_SPM, &t, e);
    if (rc != 0)
        return rc;
    rc = load_spm(t, extra_ids, e);
    if (rc != 0) {
        tok_free(t);
        return rc;
    }
    *out = t;
    return 0;
}
