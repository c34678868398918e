/* t5_variants.h - the small random model shapes the model tests share: a
 * row of a variants table and the config it stands for. */
#ifndef PROMPTLAB_TEST_T5_VARIANTS_H
#define PROMPTLAB_TEST_T5_VARIANTS_H

#include <stdbool.h>

#include "promptlab/safetensors.h"
#include "promptlab/t5.h"

struct variant {
    const char *name;
    int d, dk, H, F, Le, Ld, V;
    enum t5_act act;
    bool gated, tie, scale;
    int lm_head_absent;  /* untied config saved without lm_head */
    enum st_dtype dtype; /* dtype of the saved file */
};

static void variant_config(const struct variant *v, struct t5_config *c)
{
    t5_config_default(c);
    c->d_model = v->d;
    c->d_kv = v->dk;
    c->n_heads = v->H;
    c->d_ff = v->F;
    c->n_layers = v->Le;
    c->n_dec_layers = v->Ld;
    c->vocab_size = v->V;
    c->act = v->act;
    c->gated = v->gated;
    c->tie_word_embeddings = v->tie;
    c->scale_decoder_outputs = v->scale;
    c->n_buckets = 8; /* small tables so short sequences reach the log buckets */
    c->max_distance = 12;
}

#endif
