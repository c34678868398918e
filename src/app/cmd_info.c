/* cmd_info.c - `promptlab info`: what a model is (family, shape, size,
 * dtype, files), so a user knows what a hard prompt can expect of it. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app_impl.h"
#include "promptlab/blas.h"
#include "promptlab/safetensors.h"

static void help(void)
{
    printf("usage: promptlab info [--model DIR] [--json]\n"
           "\n"
           "Describe a model: its family (original T5, T5 v1.1, Flan-T5, promptlab's\n"
           "embedded model) and what hard prompts can expect of it, dimensions,\n"
           "parameter count, vocabulary, weight dtype, file sizes, and the OpenBLAS\n"
           "kernel in use.\n");
}

static long file_size(const char *dir, const char *name)
{
    char path[4096];
    struct stat st;
    if (pl_path_join(path, sizeof path, dir, name) || stat(path, &st) != 0)
        return -1;
    return (long)st.st_size;
}

/* "F32", "F16", "BF16" or "mixed (F32, F16)" from the weights file. */
static void weights_dtype(const char *dir, char *buf, size_t cap)
{
    char path[4096];
    st_file *f = NULL;
    snprintf(buf, cap, "unknown");
    if (pl_path_join(path, sizeof path, dir, "model.safetensors") || st_open(path, &f, NULL))
        return;
    bool seen[ST_OTHER + 1] = {0};
    for (int i = 0; i < st_count(f); i++)
        seen[st_at(f, i)->dtype] = true;
    static const char *const names[] = {"F32", "F16", "BF16", "other"};
    buf[0] = 0;
    for (int k = 0; k <= ST_OTHER; k++)
        if (seen[k])
            snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", buf[0] ? "+" : "", names[k]);
    st_close(f);
}

int cmd_info(int argc, char **argv)
{
    static const struct option opts[] = {{"model", required_argument, 0, 'm'},
                                         {"json", no_argument, 0, 'j'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *model = NULL;
    int json = 0, c;
    optind = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 'j': json = 1; break;
        case 'h': help(); return 0;
        default: return app_bad_option("info", c, argv, opts);
        }
    }
    if (optind < argc)
        return app_usage("info", "unexpected argument '%s'", argv[optind]);
    struct lab *L = NULL;
    if (app_open_lab("info", model, &L))
        return 1;
    const t5_model *m = lab_model(L);
    const struct t5_config *cfg = t5_model_config(m);
    enum t5_family fam = t5_family_of(cfg);
    const char *dir = lab_dir(L);
    char dtype[64];
    weights_dtype(dir, dtype, sizeof dtype);
    size_t n_params = t5_model_n_params(m);
    const char *ffn = cfg->gated ? "gated-" : "";
    static const char *const files[] = {"config.json", "model.safetensors", "tokenizer.json",
                                        "spiece.model"};
    if (json) {
        printf("{\"dir\": ");
        app_json_string(stdout, dir);
        printf(", \"name\": ");
        app_json_string(stdout, cfg->name_or_path);
        printf(", \"family\": \"%s\", \"d_model\": %d, \"d_kv\": %d, \"n_heads\": %d, "
               "\"d_ff\": %d, \"encoder_layers\": %d, \"decoder_layers\": %d, "
               "\"feed_forward\": \"%s%s\", \"tied_embeddings\": %s, \"vocab_rows\": %d, "
               "\"tokenizer_ids\": %d, \"parameters\": %zu, \"dtype\": \"%s\", "
               "\"blas_core\": \"%s\", \"files\": {",
               t5_family_name(fam), cfg->d_model, cfg->d_kv, cfg->n_heads, cfg->d_ff,
               cfg->n_layers, cfg->n_dec_layers, ffn, t5_act_name(cfg->act),
               cfg->tie_word_embeddings ? "true" : "false", cfg->vocab_size,
               tok_size(lab_tok(L)), n_params, dtype, pl_blas_core());
        int first = 1;
        for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
            long sz = file_size(dir, files[i]);
            if (sz >= 0) {
                printf("%s\"%s\": %ld", first ? "" : ", ", files[i], sz);
                first = 0;
            }
        }
        printf("}}\n");
    } else {
        printf("model       %s\n", dir);
        if (cfg->name_or_path[0] && strcmp(cfg->name_or_path, dir) != 0)
            printf("name        %s\n", cfg->name_or_path);
        printf("family      %s: %s\n", t5_family_name(fam), t5_family_hint(fam));
        printf("shape       d_model %d, %d heads x d_kv %d, d_ff %d (%s%s), %d+%d layers\n",
               cfg->d_model, cfg->n_heads, cfg->d_kv, cfg->d_ff, ffn, t5_act_name(cfg->act),
               cfg->n_layers, cfg->n_dec_layers);
        printf("embeddings  %d rows, %s; tokenizer %d ids (%s)\n", cfg->vocab_size,
               cfg->tie_word_embeddings ? "tied to the output" : "separate lm_head",
               tok_size(lab_tok(L)), tok_path(lab_tok(L)));
        printf("parameters  %zu (%.1f MB as F32)\n", n_params, (double)n_params * 4 / 1e6);
        printf("weights     %s\n", dtype);
        for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
            long sz = file_size(dir, files[i]);
            if (sz >= 0)
                printf("file        %-18s %10ld bytes\n", files[i], sz);
        }
        printf("blas        OpenBLAS %s kernel, %d threads\n", pl_blas_core(), pl_blas_threads());
    }
    lab_close(L);
    return 0;
}
