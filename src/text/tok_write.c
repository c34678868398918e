/* tok_write.c - write a loaded tokenizer as a Hugging Face tokenizer.json
 * in the layout T5's files use (Precompiled normalizer with the model's own
 * charsmap, WhitespaceSplit + Metaspace, "$A </s>" post-processing,
 * Unigram vocabulary with scores), so a model that ships spiece.model can
 * ship the equivalent tokenizer.json too. */
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "tok_impl.h"

/* The charsmap blob as stored in both files: uint32 LE trie size, the
 * double-array units (LE), then the replacement strings. */
static unsigned char *charsmap_blob(const struct tok_charsmap *m, size_t *len)
{
    size_t trie = m->n_units * 4;
    *len = m->n_units ? 4 + trie + m->n_strs : 0;
    unsigned char *b = malloc(*len ? *len : 1);
    if (!b || !*len)
        return b;
    for (int k = 0; k < 4; k++)
        b[k] = (unsigned char)(trie >> (8 * k));
    for (size_t i = 0; i < m->n_units; i++)
        for (int k = 0; k < 4; k++)
            b[4 + 4 * i + (size_t)k] = (unsigned char)(m->units[i] >> (8 * k));
    memcpy(b + 4 + trie, m->strs, m->n_strs);
    return b;
}

static char *base64(const unsigned char *s, size_t n)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc(4 * ((n + 2) / 3) + 1), *w = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0) |
                     (i + 2 < n ? s[i + 2] : 0);
        *w++ = abc[v >> 18];
        *w++ = abc[(v >> 12) & 63];
        *w++ = i + 1 < n ? abc[(v >> 6) & 63] : '=';
        *w++ = i + 2 < n ? abc[v & 63] : '=';
    }
    *w = 0;
    return out;
}

static cJSON *metaspace(const char *type)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", type);
    cJSON_AddStringToObject(o, "replacement", "\xe2\x96\x81");
    cJSON_AddStringToObject(o, "prepend_scheme", "always");
    cJSON_AddBoolToObject(o, "split", true);
    return o;
}

static cJSON *template_item(const char *kind, const char *id)
{
    cJSON *o = cJSON_CreateObject(), *in = cJSON_AddObjectToObject(o, kind);
    cJSON_AddStringToObject(in, "id", id);
    cJSON_AddNumberToObject(in, "type_id", 0);
    return o;
}

int tok_save_json(const tok *t, const char *path, struct pl_err *e)
{
    if (t->eos_id < 0)
        return pl_err_set(e, PL_EINVAL, "%s: the tokenizer has no </s> to append", path);
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "version", "1.0");
    cJSON_AddNullToObject(root, "truncation");
    cJSON_AddNullToObject(root, "padding");
    cJSON *added = cJSON_AddArrayToObject(root, "added_tokens");
    for (int i = 0; i < t->n; i++) {
        int k = t->kind[i];
        if (k != TOK_KIND_CONTROL && k != TOK_KIND_UNKNOWN && k != TOK_KIND_SENTINEL)
            continue;
        cJSON *a = cJSON_CreateObject();
        cJSON_AddNumberToObject(a, "id", i);
        cJSON_AddStringToObject(a, "content", t->pool + t->off[i]);
        cJSON_AddBoolToObject(a, "single_word", false);
        cJSON_AddBoolToObject(a, "lstrip", false);
        cJSON_AddBoolToObject(a, "rstrip", false);
        cJSON_AddBoolToObject(a, "normalized", false);
        cJSON_AddBoolToObject(a, "special", true);
        cJSON_AddItemToArray(added, a);
    }
    size_t blen;
    unsigned char *blob = charsmap_blob(&t->cmap, &blen);
    char *b64 = blob ? base64(blob, blen) : NULL;
    free(blob);
    if (!b64) {
        cJSON_Delete(root);
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    }
    cJSON *norm = cJSON_AddObjectToObject(root, "normalizer");
    cJSON_AddStringToObject(norm, "type", "Precompiled");
    cJSON_AddStringToObject(norm, "precompiled_charsmap", b64);
    free(b64);
    cJSON *pre = cJSON_AddObjectToObject(root, "pre_tokenizer");
    cJSON_AddStringToObject(pre, "type", "Sequence");
    cJSON *pres = cJSON_AddArrayToObject(pre, "pretokenizers");
    cJSON *ws = cJSON_CreateObject();
    cJSON_AddStringToObject(ws, "type", "WhitespaceSplit");
    cJSON_AddItemToArray(pres, ws);
    cJSON_AddItemToArray(pres, metaspace("Metaspace"));
    const char *eos = t->pool + t->off[t->eos_id];
    cJSON *post = cJSON_AddObjectToObject(root, "post_processor");
    cJSON_AddStringToObject(post, "type", "TemplateProcessing");
    cJSON *single = cJSON_AddArrayToObject(post, "single");
    cJSON_AddItemToArray(single, template_item("Sequence", "A"));
    cJSON_AddItemToArray(single, template_item("SpecialToken", eos));
    cJSON *pair = cJSON_AddArrayToObject(post, "pair");
    cJSON_AddItemToArray(pair, template_item("Sequence", "A"));
    cJSON_AddItemToArray(pair, template_item("SpecialToken", eos));
    cJSON_AddItemToArray(pair, template_item("Sequence", "B"));
    cJSON_AddItemToArray(pair, template_item("SpecialToken", eos));
    cJSON *sp = cJSON_AddObjectToObject(post, "special_tokens");
    cJSON *se = cJSON_AddObjectToObject(sp, eos);
    cJSON_AddStringToObject(se, "id", eos);
    cJSON_AddItemToObject(se, "ids", cJSON_CreateIntArray(&t->eos_id, 1));
    cJSON_AddItemToObject(se, "tokens", cJSON_CreateStringArray(&eos, 1));
    cJSON_AddItemToObject(root, "decoder", metaspace("Metaspace"));
    cJSON *model = cJSON_AddObjectToObject(root, "model");
    cJSON_AddStringToObject(model, "type", "Unigram");
    cJSON_AddNumberToObject(model, "unk_id", t->unk_id);
    cJSON *vocab = cJSON_AddArrayToObject(model, "vocab");
    for (int i = 0; i < t->n; i++) {
        cJSON *v = cJSON_CreateArray();
        cJSON_AddItemToArray(v, cJSON_CreateString(t->pool + t->off[i]));
        cJSON_AddItemToArray(v, cJSON_CreateNumber(t->score[i]));
        cJSON_AddItemToArray(vocab, v);
    }
    cJSON_AddBoolToObject(model, "byte_fallback", t->byte_fallback);
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!text)
        return pl_err_set(e, PL_ENOMEM, "out of memory writing %s", path);
    int rc = pl_write_file_atomic(path, text, strlen(text), e);
    cJSON_free(text);
    return rc;
}
