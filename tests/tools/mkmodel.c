/* mkmodel.c - test support: write a small random T5 model directory.
 *
 *   mkmodel OUT_DIR TOKENIZER_FILE [relu|gated] [SEED] [INIT_FACTOR]
 *           [LM_HEAD_SCALE] [REL_BIAS_SCALE] [D_MODEL]
 *
 * The model has T5's vocabulary size (32128 rows), d_model 64 (or D_MODEL,
 * a multiple of 4), 4 heads of d_model/4, d_ff 2 x d_model, 2+2 layers; the tokenizer file (tokenizer.json or
 * spiece.model) is copied beside it. Used by the shell tests.
 * INIT_FACTOR is T5's initializer_factor (scales every tensor). The last
 * two multiply single tensors after that initialisation:
 *   LM_HEAD_SCALE   lm_head (untied models only): sharper output
 *                   distributions, so greedy choices win by wider margins;
 *   REL_BIAS_SCALE  both relative_attention_bias tables: token order
 *                   matters more (at T5's init scale a random model is
 *                   nearly blind to order). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "promptlab/t5.h"

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: mkmodel OUT_DIR TOKENIZER_FILE [relu|gated] [SEED] [INIT_FACTOR] "
                        "[LM_HEAD_SCALE] [REL_BIAS_SCALE] [D_MODEL]\n");
        return 2;
    }
    struct t5_config c;
    t5_config_default(&c);
    c.vocab_size = 32128;
    c.d_model = 64;
    c.d_kv = 16;
    c.n_heads = 4;
    c.d_ff = 128;
    c.n_layers = c.n_dec_layers = 2;
    if (argc > 8) {
        int d = atoi(argv[8]);
        if (d < 4 || d % 4 || d > 1024) {
            fprintf(stderr, "mkmodel: D_MODEL must be a multiple of 4 from 4 to 1024\n");
            return 2;
        }
        c.d_model = d;
        c.d_kv = d / 4;
        c.d_ff = 2 * d;
    }
    snprintf(c.name_or_path, sizeof c.name_or_path, "random-test-model");
    if (argc > 3 && strcmp(argv[3], "gated") == 0) {
        c.gated = true;
        c.act = T5_ACT_GELU_NEW;
        c.tie_word_embeddings = c.scale_decoder_outputs = false;
    }
    unsigned long long seed = argc > 4 ? strtoull(argv[4], NULL, 10) : 1;
    if (argc > 5)
        c.initializer_factor = strtof(argv[5], NULL);
    t5_model *m = NULL;
    struct pl_err e = {0};
    float lm_scale = argc > 6 ? strtof(argv[6], NULL) : 1.0f;
    float rb_scale = argc > 7 ? strtof(argv[7], NULL) : 1.0f;
    if (lm_scale != 1.0f && c.tie_word_embeddings) {
        fprintf(stderr, "mkmodel: LM_HEAD_SCALE needs an untied (gated) model\n");
        return 2;
    }
    int rc = t5_init_random(&c, seed, &m, &e);
    if (rc == 0) {
        /* t5_init_random's weights are owned and writable. */
        const struct t5_weights *w = t5_model_weights(m);
        size_t n_lm = (size_t)c.vocab_size * (size_t)c.d_model;
        size_t n_rb = (size_t)c.n_buckets * (size_t)c.n_heads;
        for (size_t i = 0; lm_scale != 1.0f && i < n_lm; i++)
            w->lm_head[i] *= lm_scale;
        for (size_t i = 0; i < n_rb; i++) {
            w->enc_rel_bias[i] *= rb_scale;
            w->dec_rel_bias[i] *= rb_scale;
        }
    }
    if (rc || t5_save(m, argv[1], &e)) {
        fprintf(stderr, "mkmodel: %s\n", e.msg);
        t5_free(m);
        return 1;
    }
    t5_free(m);
    const char *src = argv[2], *base = strrchr(src, '/');
    base = base ? base + 1 : src;
    char *data = NULL, dst[4096];
    size_t n = 0;
    if (pl_read_file(src, &data, &n, &e) || pl_path_join(dst, sizeof dst, argv[1], base) ||
        pl_write_file_atomic(dst, data, n, &e)) {
        fprintf(stderr, "mkmodel: %s\n", e.msg);
        free(data);
        return 1;
    }
    free(data);
    return 0;
}
