/* cmd_neighbors.c - `promptlab neighbors`: what a prompt looks like to the
 * model. For each soft prompt row (or each token of a hard prompt), the k
 * vocabulary pieces whose input embeddings have the highest cosine
 * similarity, with the row's norm and how far it moved from its start. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "app_impl.h"

static void help(void)
{
    printf("usage: promptlab neighbors (--soft DIR|FILE.npy | --hard TEXT) [--model DIR]\n"
           "                           [-k N] [--json]\n"
           "\n"
           "For every soft prompt row: its norm, its distance from its initial value, and\n"
           "the k vocabulary pieces nearest to it by cosine similarity (special pieces,\n"
           "sentinels and padding rows skipped). With --hard, the same for the tokens of a\n"
           "written prompt, for contrast: each token is its own nearest piece.\n"
           "\n"
           "  -k N    neighbours per row (default 5)\n"
           "  --json  one JSON object: {\"rows\": [{\"norm\", \"drift\", \"neighbors\": [...]}]}\n");
}

/* One line (or JSON object) per row: its token for a hard prompt, norm,
 * drift and the k nearest pieces with their cosine. */
static void print_rows(const tok *t, const struct soft_prompt *p, const struct soft_neighbor *nb,
                       int k, const float *norm, const float *drift, const int *ids, int json)
{
    if (json)
        printf("{\"rows\": [");
    for (int r = 0; r < p->n_tokens; r++) {
        const struct soft_neighbor *row = nb + (size_t)r * (size_t)k;
        if (json) {
            printf("%s{\"row\": %d", r ? ", " : "", r);
            if (ids) {
                printf(", \"token\": ");
                app_json_string(stdout, tok_piece(t, ids[r]));
            }
            printf(", \"norm\": %.4f, \"drift\": %.4f, \"neighbors\": [", norm[r], drift[r]);
            for (int j = 0; j < k && row[j].id >= 0; j++) {
                printf("%s{\"id\": %d, \"piece\": ", j ? ", " : "", row[j].id);
                app_json_string(stdout, tok_piece(t, row[j].id));
                printf(", \"cosine\": %.4f}", row[j].score);
            }
            printf("]}");
        } else {
            printf("%3d ", r);
            if (ids)
                printf("%-12s ", tok_piece(t, ids[r]));
            printf("norm %6.3f  drift %6.3f  ", norm[r], drift[r]);
            for (int j = 0; j < k && row[j].id >= 0; j++)
                printf(" %s (%.2f)", tok_piece(t, row[j].id), row[j].score);
            printf("\n");
        }
    }
    if (json)
        printf("]}\n");
}

int cmd_neighbors(int argc, char **argv)
{
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'}, {"soft", required_argument, 0, 's'},
        {"hard", required_argument, 0, 'H'},  {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
    const char *model = NULL, *soft_path = NULL, *hard = NULL;
    long k = 5;
    int json = 0, c;
    optind = 0;
    while ((c = getopt_long(argc, argv, ":hk:", opts, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 's': soft_path = optarg; break;
        case 'H': hard = optarg; break;
        case 'j': json = 1; break;
        case 'k':
            if (app_parse_int(optarg, 1, 100, &k))
                return app_usage("neighbors", "-k wants 1 to 100, not '%s'", optarg);
            break;
        case 'h': help(); return 0;
        default: return app_bad_option("neighbors", c, argv, opts);
        }
    }
    if (optind < argc)
        return app_usage("neighbors", "unexpected argument '%s'", argv[optind]);
    if (!soft_path == !hard)
        return app_usage("neighbors", "give one of --soft DIR or --hard TEXT");
    struct lab *L = NULL;
    int status = app_open_lab("neighbors", model, &L);
    if (status)
        return status;
    const struct t5_config *cfg = t5_model_config(lab_model(L));
    const tok *t = lab_tok(L);
    const struct soft_vocab *v = lab_vocab(L);
    struct soft_prompt p = {0};
    struct pl_err e = {0};
    int *ids = NULL, n_ids = 0;
    if (soft_path) {
        status = app_load_soft("neighbors", L, soft_path, &p);
    } else if (!pl_utf8_valid(hard, strlen(hard))) {
        status = app_usage("neighbors", "--hard text is not valid UTF-8");
    } else if (tok_encode(t, hard, strlen(hard), 0, &ids, &n_ids, &e) ||
               soft_prompt_init(&p, n_ids > 0 ? n_ids : 1, cfg->d_model, &e)) {
        status = app_fail("neighbors", &e);
    } else if (n_ids == 0) {
        status = app_usage("neighbors", "--hard text has no tokens");
    } else {
        for (int i = 0; i < n_ids; i++)
            memcpy(p.w + (size_t)i * (size_t)cfg->d_model,
                   v->emb + (size_t)ids[i] * (size_t)cfg->d_model, sizeof(float) * (size_t)cfg->d_model);
        memcpy(p.w0, p.w, sizeof(float) * (size_t)n_ids * (size_t)cfg->d_model);
    }
    struct soft_neighbor *nb = NULL;
    float *norm = NULL, *drift = NULL;
    if (status == 0) {
        nb = malloc(sizeof *nb * (size_t)p.n_tokens * (size_t)k);
        norm = malloc(sizeof *norm * (size_t)p.n_tokens);
        drift = malloc(sizeof *drift * (size_t)p.n_tokens);
        if (!nb || !norm || !drift)
            status = app_fail("neighbors", &(struct pl_err){PL_ENOMEM, "out of memory"});
    }
    if (status == 0 && soft_nearest(p.w, p.n_tokens, p.d, v, (int)k, nb, &e))
        status = app_fail("neighbors", &e);
    if (status == 0) {
        soft_row_stats(&p, norm, drift);
        print_rows(t, &p, nb, (int)k, norm, drift, ids, json);
    }
    free(nb), free(norm), free(drift), free(ids);
    soft_prompt_free(&p);
    lab_close(L);
    return status;
}
