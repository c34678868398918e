/* mkseeds.c - write the seeds of tests/fuzz/corpus/ that come from
 * promptlab's own writers (run by mkseeds.sh, which does the rest):
 *
 *   mkseeds OUT_DIR
 *
 * OUT_DIR/safetensors/  a tiny T5 (t5_init_random + t5_save: vocabulary
 *                       32, d_model 8), and a file of F16, BF16, F32, I64
 *                       and empty tensors with metadata;
 * OUT_DIR/t5_config/    the tiny model's config.json (gated GELU, untied);
 * OUT_DIR/peft/         a 4 x 8 soft prompt saved by soft_save, its three
 *                       files joined by the fuzz separator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "promptlab/safetensors.h"
#include "promptlab/soft.h"
#include "promptlab/t5.h"
#include "fuzz.h"

static void die(const struct pl_err *e)
{
    fprintf(stderr, "mkseeds: %s\n", e->msg);
    exit(1);
}

static void copy(const char *from, const char *to)
{
    char *text = NULL;
    size_t len = 0;
    struct pl_err e = {0};
    if (pl_read_file(from, &text, &len, &e) || pl_write_file_atomic(to, text, len, &e))
        die(&e);
    free(text);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: mkseeds OUT_DIR\n");
        return 2;
    }
    const char *out = argv[1];
    char a[1024], b[1024];
    struct pl_err e = {0};

    /* a tiny model: config.json and model.safetensors */
    struct t5_config c;
    t5_config_default(&c);
    c.vocab_size = 32;
    c.d_model = 8;
    c.d_kv = 4;
    c.n_heads = 2;
    c.d_ff = 16;
    c.n_layers = c.n_dec_layers = 1;
    c.n_buckets = 8;
    c.max_distance = 16;
    c.gated = true;
    c.act = T5_ACT_GELU_NEW;
    c.tie_word_embeddings = c.scale_decoder_outputs = false;
    snprintf(c.name_or_path, sizeof c.name_or_path, "fuzz-seed");
    t5_model *m = NULL;
    snprintf(a, sizeof a, "%s/model", out);
    if (t5_init_random(&c, 7, &m, &e) || t5_save(m, a, &e))
        die(&e);
    t5_free(m);
    snprintf(a, sizeof a, "%s/model/model.safetensors", out);
    snprintf(b, sizeof b, "%s/safetensors/tiny-t5.safetensors", out);
    copy(a, b);
    snprintf(a, sizeof a, "%s/model/config.json", out);
    snprintf(b, sizeof b, "%s/t5_config/tiny-gated.json", out);
    copy(a, b);

    /* every dtype the reader knows about, metadata, an empty tensor */
    float v[12];
    for (int i = 0; i < 12; i++)
        v[i] = (float)i * 0.75f - 4.0f;
    struct st_write_tensor t[4] = {
        {"a.f32", ST_F32, 2, {3, 2}, v},
        {"b.f16", ST_F16, 1, {5}, v},
        {"c.bf16", ST_BF16, 3, {1, 2, 2}, v},
        {"d.empty", ST_F32, 2, {0, 4}, NULL},
    };
    const char *mk[] = {"format", "note"}, *mv[] = {"pt", "seed"};
    snprintf(b, sizeof b, "%s/safetensors/dtypes.safetensors", out);
    if (st_write(b, t, 4, mk, mv, 2, &e))
        die(&e);

    /* a soft prompt directory, joined into one input */
    struct soft_prompt p;
    if (soft_prompt_init(&p, 4, 8, &e))
        die(&e);
    soft_fill_random(&p, 3);
    struct soft_record rec;
    soft_record_init(&rec);
    snprintf(rec.model, sizeof rec.model, "fuzz-seed");
    snprintf(a, sizeof a, "%s/prompt", out);
    if (soft_save(a, &p, &rec, &e))
        die(&e);
    soft_prompt_free(&p);
    snprintf(b, sizeof b, "%s/peft/small", out);
    FILE *f = fopen(b, "wb");
    static const char *const parts[3] = {"adapter_config.json", "adapter_model.safetensors",
                                         "promptlab.json"};
    for (int i = 0; i < 3 && f; i++) {
        char *text = NULL;
        size_t len = 0;
        snprintf(a, sizeof a, "%s/prompt/%s", out, parts[i]);
        if (pl_read_file(a, &text, &len, &e))
            die(&e);
        if (i)
            fputs(fuzz_sep, f);
        fwrite(text, 1, len, f);
        free(text);
    }
    if (!f || fclose(f) != 0) {
        perror(b);
        return 1;
    }
    return 0;
}
