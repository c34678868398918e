/* tok_check.h - what the tokenizer targets do with a tokenizer that loaded:
 * encode a fixed text with every flag combination, decode the ids again,
 * and check the promises of tokenizer.h (encoding never refuses text, every
 * id is in range, decoding an id outside the vocabulary is PL_ERANGE). */
#ifndef PROMPTLAB_FUZZ_TOK_CHECK_H
#define PROMPTLAB_FUZZ_TOK_CHECK_H

#include "promptlab/tokenizer.h"

static void tok_check_text(const tok *t, const char *text, size_t len, int flags)
{
    struct pl_err e = {0};
    int *ids = NULL, n = 0;
    if (tok_encode(t, text, len, flags & (TOK_ADD_EOS | TOK_NO_SPECIAL), &ids, &n, &e) != 0)
        abort(); /* encoding never refuses input */
    for (int i = 0; i < n; i++)
        if (ids[i] < 0 || ids[i] >= tok_size(t))
            abort();
    char *out = NULL;
    if (tok_decode(t, ids, n, flags & TOK_SKIP_SPECIAL, &out, &e) != 0)
        abort();
    free(out);
    free(ids);
    char *norm = NULL;
    size_t nl = 0;
    if (tok_normalize(t, text, len, flags & TOK_NO_SPECIAL, &norm, &nl, &e) != 0)
        abort();
    free(norm);
}

static void tok_check(const tok *t)
{
    static const char sample[] =
        "Hello world, it's raining cats and dogs.</s> <extra_id_0>  Ça va?\t123 "
        "\xe2\x96\x81x \xff\xfe <unk><pad> ti\xe1\xba\xbfng Vi\xe1\xbb\x87t  ";
    for (int flags = 0; flags < 8; flags++)
        tok_check_text(t, sample, sizeof sample - 1, flags);
    int n = tok_size(t);
    if (n < 1)
        abort();
    for (int id = 0; id < n && id < 400; id++) {
        if (!tok_piece(t, id))
            abort();
        (void)tok_kind(t, id);
        (void)tok_score(t, id);
    }
    int ids[2] = {0, n};
    char *out = NULL;
    struct pl_err e = {0};
    if (tok_decode(t, ids, 2, 0, &out, &e) != PL_ERANGE || out)
        abort();
    (void)tok_id(t, "</s>");
    (void)tok_sentinel_id(t, 0);
}

#endif
