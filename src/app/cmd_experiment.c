/* cmd_experiment.c - `promptlab experiment`: a grid of models x methods x
 * prompt lengths x initialisations x seeds, run one cell after another;
 * a thin driver of study_run (study.h), which owns the recipe, the files
 * and resuming.
 *
 * This file reads the spec (a JSON file, then the options over it), draws
 * one line per cell and a progress bar with an ETA on stderr, prints the
 * summary table (mean and spread over seeds) on stdout, and draws the
 * figures as SVG. The ETA counts work in training steps: a cell costs its
 * steps, its validations and its test decoding (a batch of 8 outputs
 * counted as one step), so cells of different kinds weigh about right. */
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "app_impl.h"
#include "study_chart.h"
#include "promptlab/jsonl.h"
#include "promptlab/study.h"
#include "promptlab/widgets.h"

static void help(void)
{
    printf(
        "usage: promptlab experiment --out DIR [--spec FILE] [--model DIR ...]\n"
        "                            [--methods hard,prompt,model] [--lengths N,N,...]\n"
        "                            [--init SPEC ...] [--seeds N|A,B,...]\n"
        "                            [--train FILE] [--valid FILE] [--test [NAME=]FILE ...]\n"
        "                            [--hard TEMPLATE] [--metric chrf|exact|accuracy]\n"
        "                            [--steps N] [--prompt-steps N] [--model-steps N]\n"
        "                            [--prompt-lr X] [--model-lr X] [--optimizer NAME]\n"
        "                            [--batch N] [--eval-every K] [--max-valid N]\n"
        "                            [--max-test N] [--max-len N]\n"
        "                            [--keep-models] [--list] [--json]\n"
        "       promptlab experiment --show DIR [--json]\n"
        "\n"
        "Run a grid of cells, one after another: every model x method, where the\n"
        "method is a hard prompt (the template, evaluated, nothing trained), prompt\n"
        "tuning (a prompt per length x init x seed; the model frozen) or model tuning\n"
        "(every weight; one per seed). Each cell is scored on every test set with the\n"
        "task metric. Run it again and it skips the finished cells (and continues an\n"
        "interrupted one from its checkpoint); a cell made with other settings is\n"
        "refused rather than mixed in.\n"
        "\n"
        "  --out DIR          the experiment: spec.json, cells/<id>/ (each prompt in PEFT\n"
        "                     layout, every cell's result.json), results.json, results.csv,\n"
        "                     summary.csv, figures.csv and the figures fig_*.svg\n"
        "  --spec FILE        a JSON spec with the keys models, methods, lengths, inits,\n"
        "                     seeds, train, valid, test, hard, metric, prompt and model\n"
        "                     ({\"steps\", \"lr\", \"optimizer\"}), batch, max_valid, max_test,\n"
        "                     eval_every, max_new_tokens, keep_models; the options below\n"
        "                     override it\n"
        "  --model DIR        a model (repeat for several; --models A,B,C also works;\n"
        "                     default: the embedded model)\n"
        "  --methods LIST     hard, prompt, model (default prompt)\n"
        "  --lengths LIST     prompt lengths (default 20)\n"
        "  --init SPEC        random, vocab, text:STR or labels:A,B,C (repeat for several;\n"
        "                     default vocab)\n"
        "  --seeds N|LIST     seeds 1..N, or the seeds listed (default 1)\n"
        "  --train FILE       training pairs, JSONL {\"source\", \"target\"}\n"
        "  --valid FILE       validation pairs (default: the tail of --train held out)\n"
        "  --test [NAME=]FILE a test set, scored for every cell (repeat: in-domain and\n"
        "                     out-of-domain sets for a domain-shift study)\n"
        "  --hard TEMPLATE    the template of hard-prompt cells ({source})\n"
        "  --metric NAME      chrf (default), exact or accuracy\n"
        "  --steps N          training steps of both methods (default 300)\n"
        "  --prompt-steps N, --model-steps N, --prompt-lr X, --model-lr X\n"
        "                     per method (lr default: Adafactor 0.3 for prompts, 1e-3\n"
        "                     for models, as in tune)\n"
        "  --optimizer NAME   adafactor (default), adam or sgd, for both methods\n"
        "  --batch N          examples per step (default 8)\n"
        "  --eval-every K     validate every K steps (default steps/20, at least 5)\n"
        "  --max-valid N      validation examples (default 64)\n"
        "  --max-test N       only the first N examples of each test set\n"
        "  --max-len N        new tokens per output (default 48)\n"
        "  --keep-models      keep each model-tuned model in cells/<id>/model (about\n"
        "                     4 bytes per parameter each); default: only its result\n"
        "  --list             print the cells and exit\n"
        "  --show DIR         print the summary of the experiment in DIR and draw its\n"
        "                     figures again from its results.json; train nothing\n"
        "  --json             print the summary as JSON instead of a table\n"
        "\n"
        "Ctrl-C stops after saving the running cell's checkpoint; the finished cells\n"
        "are written and the next run continues.\n");
}

/* Options that replace the spec's values when given. */
struct opts {
    const char *spec, *out;
    const char *models[STUDY_MAX_MODELS];
    int n_models;
    const char *inits[STUDY_MAX_INITS];
    int n_inits;
    struct study_test tests[STUDY_MAX_TESTS];
    int n_tests;
    char *test_names[STUDY_MAX_TESTS];
    const char *methods, *lengths, *seeds, *train, *valid, *hard, *metric, *opt;
    long steps, prompt_steps, model_steps, batch, every, max_valid, max_test, max_len;
    double prompt_lr, model_lr;
    bool keep_models, list, json;
    const char *show;
};

/* Split a comma list of numbers into out[cap]. */
static int parse_ints(const char *s, long lo, long hi, int *out, int cap, int *n)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", s);
    *n = 0;
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        long v;
        if (*n == cap || app_parse_int(t, lo, hi, &v))
            return -1;
        out[(*n)++] = (int)v;
    }
    return *n ? 0 : -1;
}

static int add_model(struct opts *o, const char *dir)
{
    if (o->n_models == STUDY_MAX_MODELS)
        return app_usage("experiment", "at most %d models", STUDY_MAX_MODELS);
    o->models[o->n_models++] = dir;
    return 0;
}

static const struct option long_opts[] = {
    {"spec", required_argument, 0, 'S'},        {"out", required_argument, 0, 'o'},
    {"model", required_argument, 0, 'm'},       {"models", required_argument, 0, 'M'},
    {"methods", required_argument, 0, 'X'},     {"lengths", required_argument, 0, 'L'},
    {"init", required_argument, 0, 'i'},        {"seeds", required_argument, 0, 's'},
    {"train", required_argument, 0, 'd'},       {"valid", required_argument, 0, 'v'},
    {"test", required_argument, 0, 't'},        {"hard", required_argument, 0, 'H'},
    {"metric", required_argument, 0, 'c'},      {"steps", required_argument, 0, 'n'},
    {"prompt-steps", required_argument, 0, 'p'}, {"model-steps", required_argument, 0, 'q'},
    {"prompt-lr", required_argument, 0, 'P'},   {"model-lr", required_argument, 0, 'Q'},
    {"optimizer", required_argument, 0, 'O'},   {"batch", required_argument, 0, 'b'},
    {"max-valid", required_argument, 0, 'V'},   {"max-test", required_argument, 0, 'T'},
    {"max-len", required_argument, 0, 'x'},     {"keep-models", no_argument, 0, 'K'},
    {"eval-every", required_argument, 0, 'k'},  {"list", no_argument, 0, 'l'},
    {"json", no_argument, 0, 'j'},              {"show", required_argument, 0, 'W'},
    {"help", no_argument, 0, 'h'},              {0, 0, 0, 0}};

/* The whole-number options: 1 when c was one (*status set), else 0. */
static int int_option(int c, const char *arg, struct opts *o, int *status)
{
    static const struct { int c; long lo, hi; const char *want; } ints[] = {
        {'n', 1, 10000000, "--steps wants a positive number"},
        {'p', 1, 10000000, "--prompt-steps wants a positive number"},
        {'q', 1, 10000000, "--model-steps wants a positive number"},
        {'b', 1, 4096, "--batch wants 1 to 4096"},
        {'V', 1, 1000000, "--max-valid wants a positive number"},
        {'T', 1, 100000000, "--max-test wants a positive number"},
        {'x', 1, 1024, "--max-len wants 1 to 1024"},
        {'k', 1, 10000000, "--eval-every wants a positive number"},
    };
    long *dst[] = {&o->steps, &o->prompt_steps, &o->model_steps, &o->batch, &o->max_valid,
                   &o->max_test, &o->max_len, &o->every};
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++)
        if (ints[i].c == c) {
            *status = app_parse_int(arg, ints[i].lo, ints[i].hi, dst[i])
                          ? app_usage("experiment", "%s, not '%s'", ints[i].want, arg)
                          : 0;
            return 1;
        }
    return 0;
}

/* The options that repeat or hold lists: 1 when c was one (*status set). */
static int list_option(int c, char *arg, struct opts *o, int *status)
{
    *status = 0;
    switch (c) {
    case 'm': *status = add_model(o, arg); return 1;
    case 'M':
        for (char *save = NULL, *t = strtok_r(arg, ",", &save); t && !*status;
             t = strtok_r(NULL, ",", &save))
            *status = add_model(o, t);
        return 1;
    case 'i':
        if (o->n_inits == STUDY_MAX_INITS)
            *status = app_usage("experiment", "at most %d inits", STUDY_MAX_INITS);
        else
            o->inits[o->n_inits++] = arg;
        return 1;
    case 't': {
        if (o->n_tests == STUDY_MAX_TESTS) {
            *status = app_usage("experiment", "at most %d test sets", STUDY_MAX_TESTS);
            return 1;
        }
        const char *eq = strchr(arg, '=');
        struct study_test *t = &o->tests[o->n_tests];
        *t = (struct study_test){NULL, arg};
        if (eq && eq > arg) {
            o->test_names[o->n_tests] = strndup(arg, (size_t)(eq - arg));
            *t = (struct study_test){o->test_names[o->n_tests], eq + 1};
        }
        o->n_tests++;
        return 1;
    }
    }
    return 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
    int c, status;
    optind = 0;
    while ((c = getopt_long(argc, argv, ":h", long_opts, NULL)) != -1) {
        if (int_option(c, optarg, o, &status) || list_option(c, optarg, o, &status)) {
            if (status)
                return status;
            continue;
        }
        switch (c) {
        case 'S': o->spec = optarg; break;
        case 'o': o->out = optarg; break;
        case 'X': o->methods = optarg; break;
        case 'L': o->lengths = optarg; break;
        case 's': o->seeds = optarg; break;
        case 'd': o->train = optarg; break;
        case 'v': o->valid = optarg; break;
        case 'H': o->hard = optarg; break;
        case 'c': o->metric = optarg; break;
        case 'O': o->opt = optarg; break;
        case 'P':
        case 'Q': {
            double *dst = c == 'P' ? &o->prompt_lr : &o->model_lr;
            if (app_parse_float(optarg, dst) || !(*dst > 0))
                return app_usage("experiment", "--%s-lr wants a positive number, not '%s'",
                                 c == 'P' ? "prompt" : "model", optarg);
            break;
        }
        case 'K': o->keep_models = true; break;
        case 'l': o->list = true; break;
        case 'j': o->json = true; break;
        case 'W': o->show = optarg; break;
        case 'h': help(); return -1;
        default: return app_bad_option("experiment", c, argv, long_opts);
        }
    }
    if (optind < argc)
        return app_usage("experiment", "unexpected argument '%s'", argv[optind]);
    if (o->show && (o->out || o->list || o->spec))
        return app_usage("experiment", "--show DIR takes only --json");
    if (!o->out && !o->list && !o->show)
        return app_usage("experiment", "--out DIR is required");
    return 0;
}

/* The options that replace one value of the spec. Returns 0 or an exit status. */
static int scalar_options(const struct opts *o, struct study_spec *s)
{
    struct pl_err e = {0};
    if (o->train)
        s->train = o->train;
    if (o->valid)
        s->valid = o->valid;
    if (o->hard)
        s->hard = o->hard;
    if (o->metric && obj_metric_parse(o->metric, &s->metric, &e))
        return app_usage("experiment", "%s", e.msg);
    if (o->opt) {
        enum optim_kind k;
        if (optim_kind_parse(o->opt, &k, &e))
            return app_usage("experiment", "%s", e.msg);
        s->prompt.opt = s->model.opt = k;
    }
    if (o->steps > 0)
        s->prompt.steps = s->model.steps = (int)o->steps;
    if (o->prompt_steps > 0)
        s->prompt.steps = (int)o->prompt_steps;
    if (o->model_steps > 0)
        s->model.steps = (int)o->model_steps;
    if (o->prompt_lr > 0)
        s->prompt.lr = (float)o->prompt_lr;
    if (o->model_lr > 0)
        s->model.lr = (float)o->model_lr;
    if (o->batch > 0)
        s->batch = (int)o->batch;
    if (o->every > 0)
        s->eval_every = (int)o->every;
    if (o->max_valid > 0)
        s->max_valid = (int)o->max_valid;
    if (o->max_test > 0)
        s->max_test = (int)o->max_test;
    if (o->max_len > 0)
        s->max_new_tokens = (int)o->max_len;
    if (o->keep_models)
        s->keep_models = true;
    return 0;
}

/* The spec: defaults, the spec file, then the options. Returns 0 or an exit status. */
static int build_spec(struct opts *o, struct study_spec *s)
{
    struct pl_err e = {0};
    int status;
    study_spec_default(s);
    if (o->spec && study_spec_load(o->spec, s, &e))
        return app_fail("experiment", &e);
    if (o->n_models) {
        memcpy(s->models, o->models, sizeof o->models);
        s->n_models = o->n_models;
    }
    if (s->n_models == 0) {
        s->models[0] = app_default_model();
        s->n_models = 1;
    }
    if (o->n_inits) {
        memcpy(s->inits, o->inits, sizeof o->inits);
        s->n_inits = o->n_inits;
    }
    if (o->n_tests) {
        memcpy(s->tests, o->tests, sizeof o->tests);
        s->n_tests = o->n_tests;
    }
    if (o->methods) {
        memset(s->methods, 0, sizeof s->methods);
        char buf[256];
        snprintf(buf, sizeof buf, "%s", o->methods);
        for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            enum study_method m;
            if (study_method_parse(t, &m, &e))
                return app_usage("experiment", "%s", e.msg);
            s->methods[m] = true;
        }
    }
    if (o->lengths &&
        parse_ints(o->lengths, 1, LAB_MAX_SOURCE - 2, s->lengths, STUDY_MAX_LENGTHS, &s->n_lengths))
        return app_usage("experiment", "--lengths wants numbers from 1 to %d separated by commas, "
                                       "not '%s'", LAB_MAX_SOURCE - 2, o->lengths);
    if (o->seeds) {
        long n;
        if (!strchr(o->seeds, ',') && app_parse_int(o->seeds, 1, STUDY_MAX_SEEDS, &n) == 0) {
            for (int i = 0; i < n; i++)
                s->seeds[i] = i + 1;
            s->n_seeds = (int)n;
        } else if (parse_ints(o->seeds, 0, 0x7fffffffL, s->seeds, STUDY_MAX_SEEDS, &s->n_seeds)) {
            return app_usage("experiment", "--seeds wants a count (1 to %d) or seeds separated by "
                                           "commas, not '%s'", STUDY_MAX_SEEDS, o->seeds);
        }
    }
    if ((status = scalar_options(o, s)))
        return status;
    if (study_spec_check(s, &e))
        return app_usage("experiment", "%s", e.msg);
    return 0;
}

/* ---- progress ------------------------------------------------------------------ */

struct progress {
    struct app_progress bar;
    const struct study_spec *s;
    long total, done;       /* work units of the cells to run (skipped ones leave) */
    long cell_units;        /* the running cell's, while it runs */
    long n_test;            /* test examples scored per cell */
    int n_run, n_skipped;
};

/* Work units of a cell (see the file comment). */
static long cell_units(const struct progress *P, const struct study_cell *c)
{
    const struct study_spec *s = P->s;
    long decode = (P->n_test + s->max_valid + 7) / 8;
    if (c->method == STUDY_HARD)
        return decode;
    int steps = c->method == STUDY_PROMPT ? s->prompt.steps : s->model.steps;
    int every = s->eval_every > 0 ? s->eval_every : steps / 20 < 5 ? 5 : steps / 20;
    return steps + (long)(steps / every + 1) * ((s->max_valid + 7) / 8) + (P->n_test + 7) / 8;
}

static void result_line(const struct study_result *r, char *buf, size_t cap)
{
    size_t k = (size_t)snprintf(buf, cap, "valid %.2f", r->valid);
    for (int t = 0; t < r->n_tests && k < cap; t++)
        k += (size_t)snprintf(buf + k, cap - k, ", %s %.2f", r->test_names[t], r->test[t]);
}

/* A line above the bar: the bar is cleared first and drawn again next tick. */
static void say(struct progress *P, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct progress *P, const char *fmt, ...)
{
    if (P->bar.tty)
        fprintf(stderr, "\r\033[K");
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    P->bar.last_draw = 0;
}

static void on_event(void *user, const struct study_event *ev)
{
    struct progress *P = user;
    long units = cell_units(P, ev->cell);
    char line[512], extra[STUDY_ID_CAP + 96];
    long now = P->done;
    switch (ev->kind) {
    case STUDY_EV_SKIP:
        P->total -= units;
        P->n_skipped++;
        result_line(ev->result, line, sizeof line);
        say(P, "[%d/%d] %s: done before (%s)", ev->index + 1, ev->n_cells, ev->cell->id, line);
        return;
    case STUDY_EV_START:
        say(P, "[%d/%d] %s%s", ev->index + 1, ev->n_cells, ev->cell->id,
            ev->resumed ? ": continuing from its checkpoint" : "");
        snprintf(extra, sizeof extra, "%s", ev->cell->id);
        break;
    case STUDY_EV_TRAIN: {
        const struct tune_progress *tp = &ev->train->tp;
        long decode = (P->n_test + 7) / 8;
        now += (long)((double)(units - decode) * tp->pt.step / (tp->total_steps ? tp->total_steps : 1));
        snprintf(extra, sizeof extra, "%s step %d/%d  best valid %.2f", ev->cell->id, tp->pt.step,
                 tp->total_steps, tp->best_metric);
        break;
    }
    case STUDY_EV_EVAL:
        now += units - (P->n_test + 7) / 8 + ev->done / 8;
        if (ev->cell->method == STUDY_HARD)
            now = P->done + ev->done / 8;
        snprintf(extra, sizeof extra, "%s scoring %ld/%ld", ev->cell->id, ev->done, ev->total);
        break;
    case STUDY_EV_DONE:
        P->done += units;
        P->n_run++;
        result_line(ev->result, line, sizeof line);
        say(P, "[%d/%d] %s: %s (%.1f s)", ev->index + 1, ev->n_cells, ev->cell->id, line,
            ev->result->seconds);
        return;
    }
    if (now > P->done + units)
        now = P->done + units;
    app_progress_draw(&P->bar, now, P->total, extra);
}

/* ---- output ---------------------------------------------------------------------- */

static void print_table(const struct study_result *r, const struct study_row *rows, int n_rows)
{
    char line[1024];
    study_table_header(r, rows, n_rows, line, sizeof line);
    printf("%s\n", line);
    for (int i = 0; i < n_rows; i++) {
        study_table_line(r, &rows[i], line, sizeof line);
        printf("%s\n", line);
    }
    printf("mean ± sample standard deviation over seeds; %s\n", n_rows ? r[rows[0].first].metric : "");
}

static void json_num(double x)
{
    if (isfinite(x))
        printf("%.4f", x);
    else
        printf("null");
}

static void print_json(const char *out, const struct study_result *r, const struct study_row *rows,
                       int n_rows)
{
    printf("{\"out\": ");
    app_json_string(stdout, out);
    printf(", \"rows\": [");
    for (int i = 0; i < n_rows; i++) {
        const struct study_row *w = &rows[i];
        const struct study_result *x = &r[w->first];
        printf("%s{\"model\": ", i ? ", " : "");
        app_json_string(stdout, x->model);
        printf(", \"model_params\": %lld, \"method\": \"%s\", \"length\": %d, \"init\": ",
               x->model_params, study_method_name(x->method), x->length);
        app_json_string(stdout, x->init);
        printf(", \"seeds\": %d, \"trained_params\": %lld, \"valid\": ", w->n, x->trained_params);
        json_num(w->valid);
        printf(", \"valid_sd\": ");
        json_num(w->valid_sd);
        printf(", \"tests\": [");
        for (int t = 0; t < x->n_tests; t++) {
            printf("%s{\"name\": ", t ? ", " : "");
            app_json_string(stdout, x->test_names[t]);
            printf(", \"mean\": ");
            json_num(w->test[t]);
            printf(", \"sd\": ");
            json_num(w->test_sd[t]);
            printf("}");
        }
        printf("], \"seconds\": %.2f}", w->seconds);
    }
    printf("]}\n");
}

/* The figures as SVG and their data as CSV. Returns 0 or 1 (printed). */
static int write_figures(const char *out, const struct study_result *r, int n)
{
    struct pl_err e = {0};
    struct study_figure *figs = NULL;
    int n_figs = 0, status = 0;
    char path[4200];
    if (study_figures(r, n, &figs, &n_figs, &e))
        return app_fail("experiment", &e);
    for (int i = 0; i < n_figs && status == 0; i++) {
        const struct study_figure *f = &figs[i];
        struct study_chart c;
        if (study_chart_init(&c, f, &e)) {
            status = app_fail("experiment", &e);
            break;
        }
        snprintf(path, sizeof path, "%s/%s.svg", out, f->file);
        if (ui_export_chart_svg(path, c.s, c.n, &c.p, 960, 600, &e))
            status = app_fail("experiment", &e);
        study_chart_free(&c);
    }
    snprintf(path, sizeof path, "%s/figures.csv", out);
    if (status == 0 && study_write_figures_csv(path, figs, n_figs, &e))
        status = app_fail("experiment", &e);
    if (status == 0 && n_figs > 0) {
        fprintf(stderr, "promptlab experiment: %d figure%s", n_figs, n_figs == 1 ? "" : "s");
        for (int i = 0; i < n_figs; i++)
            fprintf(stderr, "%s%s.svg", i ? ", " : ": ", figs[i].file);
        fprintf(stderr, "\n");
    }
    study_figures_free(figs, n_figs);
    return status;
}

/* The summary table, summary.csv and the figures of what is finished. */
static int report(const struct opts *o, const struct study_result *r, int n)
{
    if (n == 0)
        return 0;
    struct pl_err e = {0};
    struct study_row *rows = NULL;
    int n_rows = 0;
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.csv", o->out);
    if (study_summary(r, n, &rows, &n_rows, &e) ||
        study_write_summary_csv(path, r, rows, n_rows, &e)) {
        free(rows);
        return app_fail("experiment", &e);
    }
    if (o->json)
        print_json(o->out, r, rows, n_rows);
    else
        print_table(r, rows, n_rows);
    fflush(stdout);
    free(rows);
    return write_figures(o->out, r, n);
}

static long tests_size(const struct study_spec *s)
{
    long n = 0;
    for (int i = 0; i < s->n_tests; i++) {
        struct jsonl_set set = {0};
        if (jsonl_read(s->tests[i].path, &set, NULL) == 0)
            n += s->max_test > 0 && set.n > s->max_test ? s->max_test : set.n;
        jsonl_free(&set);
    }
    return n;
}

int cmd_experiment(int argc, char **argv)
{
    struct opts o = {.steps = -1, .prompt_steps = -1, .model_steps = -1, .batch = -1, .every = -1,
                     .max_valid = -1, .max_test = -1, .max_len = -1};
    struct study_spec s;
    int status = parse(argc, argv, &o);
    if (status == 0 && o.show) {
        struct pl_err e = {0};
        struct study_result *res = NULL;
        int n = 0;
        o.out = o.show;
        status = study_load(o.show, &res, &n, &e) ? app_fail("experiment", &e) : report(&o, res, n);
        free(res);
        for (int i = 0; i < o.n_tests; i++)
            free(o.test_names[i]);
        return status;
    }
    if (status == 0)
        status = build_spec(&o, &s);
    else
        study_spec_default(&s);
    struct study_cell *cells = NULL;
    int n_cells = 0;
    struct pl_err e = {0};
    if (status == 0 && study_cells(&s, &cells, &n_cells, &e))
        status = app_usage("experiment", "%s", e.msg);
    if (status == 0 && o.list) {
        for (int i = 0; i < n_cells; i++)
            printf("%s\n", cells[i].id);
    } else if (status == 0) {
        struct progress P = {.s = &s, .n_test = tests_size(&s)};
        for (int i = 0; i < n_cells; i++)
            P.total += cell_units(&P, &cells[i]);
        app_progress_init(&P.bar, "experiment");
        app_catch_sigint();
        struct study_control ctl = {.stop = &app_interrupted, .event = on_event, .user = &P};
        struct study_result *res = NULL;
        int n_res = 0;
        fprintf(stderr, "promptlab experiment: %d cells into %s\n", n_cells, o.out);
        int rc = study_run(&s, o.out, &ctl, &res, &n_res, &e);
        app_progress_end(&P.bar);
        fprintf(stderr, "promptlab experiment: %d cell%s run, %d done before\n", P.n_run,
                P.n_run == 1 ? "" : "s", P.n_skipped);
        if (rc == PL_ESTOPPED) {
            int sig = atomic_load(&app_interrupted);
            fprintf(stderr, "promptlab experiment: stopped; %d of %d cells are finished, run the "
                            "same command to continue\n", n_res, n_cells);
            report(&o, res, n_res);
            status = sig > 0 ? 128 + sig : 130;
        } else if (rc) {
            app_fail("experiment", &e);
            report(&o, res, n_res);
            status = 1;
        } else {
            status = report(&o, res, n_res);
        }
        free(res);
    }
    if (status < 0)
        status = 0; /* --help */
    free(cells);
    study_spec_free(&s);
    for (int i = 0; i < o.n_tests; i++)
        free(o.test_names[i]);
    return status;
}
