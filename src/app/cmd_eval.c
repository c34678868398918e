/* cmd_eval.c - `promptlab eval`: score prompts on a JSONL data set.
 *
 * Every --hard template and every --soft prompt is one row of the table
 * (with no prompt at all when none is given); each row decodes every
 * source greedily and compares with the reference (the "target" field, or
 * "literal" with --ref literal) by corpus chrF, corpus BLEU and exact
 * match. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "app_impl.h"
#include "promptlab/jsonl.h"
#include "promptlab/metrics.h"
#include "promptlab/study.h"

enum { EVAL_MAX_PROMPTS = 32 };

struct prompt_spec {
    const char *hard;
    const char *soft; /* path */
};

static void help(void)
{
    printf("usage: promptlab eval --data FILE [--model DIR] [--hard TEMPLATE ...]\n"
           "                      [--soft DIR ...] [--metric chrf,bleu,exact]\n"
           "                      [--ref target|literal] [--limit N] [--max-len N]\n"
           "                      [--no-repeat-ngram N] [--json] [--ensemble]\n"
           "\n"
           "Decode every source of FILE (JSONL) greedily under each prompt and score the\n"
           "outputs against the references: corpus chrF (sacreBLEU's chrF: character\n"
           "n-grams up to 6, beta 2), corpus BLEU (13a tokens) and exact match. Each\n"
           "--hard and each --soft is one row of the table; no prompt at all when none\n"
           "is given. --both pairs the last --hard with every --soft instead (the soft\n"
           "rows come first, then the hard prompt's tokens).\n"
           "\n"
           "  --ensemble      every prompt is a member of one ensemble: each input gets\n"
           "                  the output most members agree on (the majority vote for\n"
           "                  labels), a tie going to the output the model scores\n"
           "                  highest; the table adds the ensemble, the members' mean\n"
           "                  and the best member\n"
           "  --ref literal   compare with the \"literal\" field (idioms) instead\n"
           "  --limit N       only the first N examples\n"
           "  --max-len N     new tokens per output (default 64)\n"
           "  --no-repeat-ngram N\n"
           "                  no N tokens in a row occur twice in an output (default %d,\n"
           "                  as translate and the TUI; 0: off)\n"
           "  --json          one JSON object with a row per prompt\n",
           LAB_NO_REPEAT_NGRAM);
}

struct eval_out {
    bool chrf, bleu, exact, json;
    int rows; /* printed so far */
};

/* One row of the table: the metrics of hyp against refs. *score gets chrF,
 * else exact match, else BLEU (the first metric asked for). */
static void print_row(struct eval_out *o, const char *label, const char *hard, const char *soft,
                      const char *const *hyp, const char *const *refs, int n, double *score)
{
    double chrf = metric_chrf_corpus(hyp, refs, n), bleu = metric_bleu_corpus(hyp, refs, n),
           exact = metric_exact(hyp, refs, n);
    if (score)
        *score = o->chrf ? chrf : o->exact ? exact : bleu;
    if (o->json) {
        printf("%s{\"label\": ", o->rows ? ", " : "");
        app_json_string(stdout, label);
        printf(", \"hard\": ");
        if (hard)
            app_json_string(stdout, hard);
        else
            printf("null");
        printf(", \"soft\": ");
        if (soft)
            app_json_string(stdout, soft);
        else
            printf("null");
        printf(", \"chrf\": %.2f, \"bleu\": %.2f, \"exact\": %.2f}", chrf, bleu, exact);
    } else {
        printf("%-52.52s", label);
        if (o->chrf)
            printf(" %7.2f", chrf);
        if (o->bleu)
            printf(" %7.2f", bleu);
        if (o->exact)
            printf(" %7.2f", exact);
        printf("\n");
    }
    o->rows++;
    fflush(stdout);
}

/* A summary row that is not an output set (mean, best): the figure in the
 * first metric's column. */
static void print_figure(struct eval_out *o, const char *label, double v)
{
    if (o->json) {
        printf(", {\"label\": ");
        app_json_string(stdout, label);
        printf(", \"%s\": %.2f}", o->chrf ? "chrf" : o->exact ? "exact" : "bleu", v);
    } else {
        printf("%-52.52s %7.2f\n", label, v);
    }
    o->rows++;
}

static void label_of(char *buf, size_t cap, const struct prompt_spec *p)
{
    snprintf(buf, cap, "%s%s%s%s", p->soft ? "soft " : "", p->soft ? p->soft : "",
             p->soft && p->hard ? " + " : "", p->hard ? p->hard : (p->soft ? "" : "(no prompt)"));
}

static int bar_step(long done, long total, void *user)
{
    app_progress_draw(user, done, total, NULL);
    return atomic_load(&app_interrupted) != 0;
}

/* --ensemble: every prompt is a member; the table shows each member, the
 * ensemble, the members' mean and the best member. */
static int eval_ensemble(struct lab *L, const struct prompt_spec *ps, int n_ps, const char **src,
                         const char **refs, int n, const struct t5_gen_params *gp,
                         struct eval_out *o)
{
    struct soft_prompt soft[EVAL_MAX_PROMPTS] = {{0}};
    struct study_member mem[EVAL_MAX_PROMPTS];
    char **member_out[EVAL_MAX_PROMPTS] = {0};
    char **ens = calloc((size_t)n, sizeof *ens);
    int status = ens ? 0 : app_fail("eval", &(struct pl_err){PL_ENOMEM, "out of memory"});
    for (int p = 0; p < n_ps && status == 0; p++) {
        if (ps[p].soft)
            status = app_load_soft("eval", L, ps[p].soft, &soft[p]);
        mem[p] = (struct study_member){ps[p].hard, ps[p].soft ? &soft[p] : NULL};
    }
    struct pl_err e = {0};
    int ties = 0;
    if (status == 0) {
        struct app_progress bar;
        app_progress_init(&bar, "ensemble");
        int rc = study_ensemble(L, mem, n_ps, src, n, gp, member_out, ens, &ties, bar_step, &bar, &e);
        app_progress_end(&bar);
        if (rc == PL_ESTOPPED)
            fprintf(stderr, "promptlab eval: interrupted\n");
        status = rc == PL_ESTOPPED ? 1 : rc ? app_fail("eval", &e) : 0;
    }
    if (status == 0) {
        double sum = 0, best = -1;
        int best_p = 0;
        char label[512];
        for (int p = 0; p < n_ps; p++) {
            double sc;
            label_of(label, sizeof label, &ps[p]);
            print_row(o, label, ps[p].hard, ps[p].soft, (const char *const *)member_out[p], refs, n, &sc);
            sum += sc;
            if (sc > best) {
                best = sc;
                best_p = p;
            }
        }
        snprintf(label, sizeof label, "ensemble of %d (majority vote; %d tie%s)", n_ps, ties,
                 ties == 1 ? "" : "s");
        print_row(o, label, NULL, NULL, (const char *const *)ens, refs, n, NULL);
        print_figure(o, "mean of the members", sum / n_ps);
        snprintf(label, sizeof label, "best member (%d)", best_p + 1);
        print_figure(o, label, best);
        for (int p = 0; p < n_ps; p++) {
            for (int i = 0; i < n; i++)
                free(member_out[p][i]);
            free(member_out[p]);
        }
        for (int i = 0; i < n; i++)
            free(ens[i]);
    }
    free(ens);
    for (int p = 0; p < n_ps; p++)
        soft_prompt_free(&soft[p]);
    return status;
}

/* --both: pair the last hard template with every soft prompt. Returns the
 * new count. */
static int pair_with_last_hard(struct prompt_spec *ps, int n_ps)
{
    const char *h = NULL;
    for (int i = 0; i < n_ps; i++)
        if (ps[i].hard)
            h = ps[i].hard;
    int k = 0;
    for (int i = 0; i < n_ps; i++)
        if (ps[i].soft)
            ps[k++] = (struct prompt_spec){h, ps[i].soft};
    return k;
}

static void print_header(const struct eval_out *o, const char *data, int n, const char *ref)
{
    if (o->json) {
        printf("{\"data\": ");
        app_json_string(stdout, data);
        printf(", \"n\": %d, \"ref\": \"%s\", \"rows\": [", n, ref);
        return;
    }
    printf("%-52s", "prompt");
    if (o->chrf)
        printf(" %7s", "chrF");
    if (o->bleu)
        printf(" %7s", "BLEU");
    if (o->exact)
        printf(" %7s", "exact%");
    printf("\n");
}

/* Decode every source under one prompt, in chunks of 8 (Ctrl-C stops
 * between them), and print its row. 0 or the exit status. */
static int eval_prompt(struct lab *L, const struct prompt_spec *ps, const char **src,
                       const char **refs, char **out, int n, const struct t5_gen_params *gp,
                       struct eval_out *o)
{
    struct soft_prompt soft = {0};
    struct pl_err e = {0};
    int status = ps->soft ? app_load_soft("eval", L, ps->soft, &soft) : 0;
    if (status)
        return status;
    struct app_progress bar;
    app_progress_init(&bar, "eval");
    for (int start = 0; start < n && status == 0; start += 8) {
        int m = n - start < 8 ? n - start : 8;
        if (atomic_load(&app_interrupted)) {
            fprintf(stderr, "promptlab eval: interrupted\n");
            status = 1;
        } else if (lab_translate(L, ps->hard, ps->soft ? &soft : NULL, src + start, m, gp,
                                 out + start, NULL, &e)) {
            status = app_fail("eval", &e);
        }
        app_progress_draw(&bar, start + m, n, NULL);
    }
    app_progress_end(&bar);
    soft_prompt_free(&soft);
    if (status == 0) {
        char label[512];
        label_of(label, sizeof label, ps);
        print_row(o, label, ps->hard, ps->soft, (const char *const *)out, refs, n, NULL);
    }
    for (int i = 0; i < n; i++) {
        free(out[i]);
        out[i] = NULL;
    }
    return status;
}

/* Sources and references (targets, or literal renderings) of the first n
 * records. 0 or the exit status (a record without "literal"). */
static int pick_refs(const struct jsonl_set *set, int n, const char *ref, const char *data,
                     const char **src, const char **refs)
{
    for (int i = 0; i < n; i++) {
        src[i] = set->rec[i].source;
        refs[i] = strcmp(ref, "literal") == 0 ? set->rec[i].literal : set->rec[i].target;
        if (!refs[i]) {
            struct pl_err e = {0};
            pl_err_set(&e, PL_EFORMAT, "%s:%d: no \"literal\" field", data, set->rec[i].line);
            return app_fail("eval", &e);
        }
    }
    return 0;
}

struct eval_opts {
    const char *model, *data, *metrics, *ref;
    struct prompt_spec ps[EVAL_MAX_PROMPTS];
    int n_ps, json, both, ensemble;
    long limit, max_len, ngram;
};

/* 0 to go on, -1 after --help, else the exit status. */
static int eval_parse(int argc, char **argv, struct eval_opts *o)
{
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'}, {"data", required_argument, 0, 'd'},
        {"hard", required_argument, 0, 'H'},  {"soft", required_argument, 0, 's'},
        {"metric", required_argument, 0, 'M'}, {"ref", required_argument, 0, 'r'},
        {"limit", required_argument, 0, 'n'}, {"max-len", required_argument, 0, 'x'},
        {"both", no_argument, 0, 'b'},        {"json", no_argument, 0, 'j'},
        {"ensemble", no_argument, 0, 'E'},    {"no-repeat-ngram", required_argument, 0, 'g'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': o->model = optarg; break;
        case 'd': o->data = optarg; break;
        case 'M': o->metrics = optarg; break;
        case 'r': o->ref = optarg; break;
        case 'b': o->both = 1; break;
        case 'j': o->json = 1; break;
        case 'E': o->ensemble = 1; break;
        case 'H':
        case 's':
            if (o->n_ps == EVAL_MAX_PROMPTS)
                return app_usage("eval", "at most %d prompts", EVAL_MAX_PROMPTS);
            o->ps[o->n_ps++] = c == 'H' ? (struct prompt_spec){optarg, NULL}
                                        : (struct prompt_spec){NULL, optarg};
            break;
        case 'n':
            if (app_parse_int(optarg, 1, 100000000, &o->limit))
                return app_usage("eval", "--limit wants a positive number, not '%s'", optarg);
            break;
        case 'x':
            if (app_parse_int(optarg, 1, 1024, &o->max_len))
                return app_usage("eval", "--max-len wants 1 to 1024, not '%s'", optarg);
            break;
        case 'g':
            if (app_parse_int(optarg, 0, 16, &o->ngram))
                return app_usage("eval", "--no-repeat-ngram wants 0 to 16, not '%s'", optarg);
            break;
        case 'h': help(); return -1;
        default: return app_bad_option("eval", c, argv, opts);
        }
    }
    if (optind < argc)
        return app_usage("eval", "unexpected argument '%s'", argv[optind]);
    if (!o->data)
        return app_usage("eval", "--data FILE is required");
    if (strcmp(o->ref, "target") != 0 && strcmp(o->ref, "literal") != 0)
        return app_usage("eval", "--ref is target or literal, not '%s'", o->ref);
    return 0;
}

int cmd_eval(int argc, char **argv)
{
    struct eval_opts opt = {.metrics = "chrf,bleu,exact", .ref = "target", .max_len = 64,
                            .ngram = LAB_NO_REPEAT_NGRAM};
    int rc = eval_parse(argc, argv, &opt);
    if (rc)
        return rc < 0 ? 0 : rc;
    const char *model = opt.model, *data = opt.data, *metrics = opt.metrics, *ref = opt.ref;
    struct prompt_spec *ps = opt.ps;
    int n_ps = opt.n_ps, json = opt.json, both = opt.both, ensemble = opt.ensemble;
    long limit = opt.limit, max_len = opt.max_len, ngram = opt.ngram;
    bool want_chrf = strstr(metrics, "chrf"), want_bleu = strstr(metrics, "bleu"),
         want_exact = strstr(metrics, "exact");
    if (!want_chrf && !want_bleu && !want_exact)
        return app_usage("eval", "--metric lists chrf, bleu and/or exact, not '%s'", metrics);
    if (both)
        n_ps = pair_with_last_hard(ps, n_ps);
    if (ensemble && n_ps < 2)
        return app_usage("eval", "--ensemble needs at least two prompts (--soft or --hard)");
    if (n_ps == 0)
        ps[n_ps++] = (struct prompt_spec){NULL, NULL};

    struct pl_err e = {0};
    struct jsonl_set set = {0};
    if (jsonl_read(data, &set, &e))
        return app_fail("eval", &e);
    int n = limit > 0 && limit < set.n ? (int)limit : set.n;
    if (n == 0) {
        jsonl_free(&set);
        pl_err_set(&e, PL_EINVAL, "%s: no examples", data);
        return app_fail("eval", &e);
    }
    const char **src = malloc(sizeof *src * (size_t)n), **refs = malloc(sizeof *refs * (size_t)n);
    char **out = calloc((size_t)n, sizeof *out);
    int status = src && refs && out ? pick_refs(&set, n, ref, data, src, refs)
                                    : app_fail("eval", &(struct pl_err){PL_ENOMEM, "out of memory"});
    struct lab *L = NULL;
    if (status == 0)
        status = app_open_lab("eval", model, &L);
    struct t5_gen_params gp;
    lab_gen_params_default(&gp);
    gp.max_new_tokens = (int)max_len;
    gp.no_repeat_ngram = (int)ngram;
    struct eval_out o = {want_chrf, want_bleu, want_exact, json, 0};
    if (status == 0)
        print_header(&o, data, n, ref);
    app_catch_sigint();
    if (status == 0 && ensemble)
        status = eval_ensemble(L, ps, n_ps, src, refs, n, &gp, &o);
    for (int p = 0; status == 0 && !ensemble && p < n_ps; p++)
        status = eval_prompt(L, &ps[p], src, refs, out, n, &gp, &o);
    if (status == 0 && json)
        printf("]}\n");
    lab_close(L);
    free(src);
    free(refs);
    free(out);
    jsonl_free(&set);
    return status;
}
