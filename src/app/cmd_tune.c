/* cmd_tune.c - `promptlab tune`: prompt tuning (or, with --method model,
 * model tuning) on a JSONL data set; a thin driver of the trainer
 * (trainer.h), which owns the recipe, the saves and the checkpoint.
 *
 * This file parses options into tr_params, draws progress on stderr and
 * prints the summary. The best values are saved at every validation that
 * improves, so Ctrl-C (which stops the loop cleanly and exits 130) or a
 * crash never loses them. */
#include <getopt.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "app_impl.h"
#include "promptlab/trainer.h"

static void help(void)
{
    printf(
        "usage: promptlab tune --data FILE --out DIR [--method prompt|model] [--valid FILE]\n"
        "                      [--model DIR] [--length N] [--init random|vocab|text:STR|labels:A,B,C]\n"
        "                      [--optimizer adafactor|adam|sgd] [--lr X] [--steps N]\n"
        "                      [--batch N] [--eval-every K] [--patience P] [--seed N]\n"
        "                      [--hard TEMPLATE] [--metric chrf|exact|accuracy]\n"
        "                      [--warmup N] [--clip X] [--max-seconds S] [--resume DIR]\n"
        "\n"
        "Prompt tuning (Lester et al. 2021): learn N prompt vectors prepended to the\n"
        "encoder's input while every model weight stays frozen. With --method model,\n"
        "the paper's baseline: train every weight of a copy of the model on the same\n"
        "data, objective, validation and metric, and save a model directory.\n"
        "\n"
        "  --data FILE       training pairs, JSONL: {\"source\": ..., \"target\": ...}\n"
        "  --valid FILE      validation pairs (default: the last sixth of --data, 1 to 64\n"
        "                    examples; a set of fewer than 2 needs --valid)\n"
        "  --out DIR         where the result goes. prompt: PEFT layout\n"
        "                    (adapter_config.json, adapter_model.safetensors, promptlab.json\n"
        "                    with the curve); model: config.json, model.safetensors, the\n"
        "                    tokenizer files and promptlab-run.json. DIR/checkpoint holds\n"
        "                    the state --resume continues from\n"
        "  --method M        prompt (default) or model\n"
        "  --length N        prompt rows (default 20)\n"
        "  --init KIND       random: uniform in [-0.5, 0.5]; vocab: embeddings of tokens\n"
        "                    sampled from the 5,000 most common (default); text:STR: the\n"
        "                    embeddings of STR's tokens, cycled; labels:A,B,C: one row\n"
        "                    per class label (commas, or spaces when there is no comma;\n"
        "                    no empty labels), the rest sampled\n"
        "  --optimizer NAME  adafactor (default; lr 0.3 for prompts as in the paper, 1e-3\n"
        "                    for models), adam (1e-3; models 1e-4), sgd (0.1; models 1e-2)\n"
        "  --lr X            learning rate\n"
        "  --steps N         optimiser steps in all (default 300)\n"
        "  --batch N         examples per step (default 8)\n"
        "  --eval-every K    validate every K steps (default steps/20, at least 5)\n"
        "  --patience P      stop after P validations without improvement (default off)\n"
        "  --seed N          initialisation and data order (default 1); same seed and\n"
        "                    data give the same result, bit for bit, on one machine\n"
        "  --hard TEMPLATE   also put a hard prompt before the source ({source})\n"
        "  --metric NAME     validation metric on greedy outputs: chrf (default),\n"
        "                    exact, accuracy\n"
        "  --warmup N        linear warmup steps (default 0)\n"
        "  --clip X          gradient-norm clipping (default 1.0; 0 = off)\n"
        "  --max-seconds S   stop training after S seconds (validating and saving as at\n"
        "                    the end of a run)\n"
        "  --resume DIR      continue the run saved in DIR (with --out DIR to keep one\n"
        "                    directory): from DIR/checkpoint exactly as if never\n"
        "                    stopped, with DIR's settings unless given again; a prompt\n"
        "                    without a checkpoint continues with fresh optimiser moments\n"
        "\n"
        "Ctrl-C stops training, saves the best values so far and exits with 130.\n");
}

/* Options as given; -1 (or NULL) = not given, so a resumed run keeps its own. */
struct opts {
    const char *model, *data, *valid, *out, *init, *hard, *resume, *opt, *metric, *method;
    long length, steps, batch, every, patience, warmup, seed;
    double lr, clip, max_seconds;
};

struct cli_run {
    struct app_progress bar;
    const char *metric;
    double max_seconds;
    bool timed_out;
    char last_event[320];
};

static void on_progress(void *user, const struct tr_progress *p)
{
    struct cli_run *r = user;
    const struct tune_progress *tp = &p->tp;
    char extra[160];
    if (tp->flags & TUNE_HAS_VALID)
        snprintf(extra, sizeof extra, "loss %.3f  valid %.3f  %s %.1f", tp->pt.train_loss,
                 tp->pt.valid_loss, r->metric, tp->pt.metric);
    else
        snprintf(extra, sizeof extra, "loss %.3f  best valid %.3f", tp->pt.train_loss,
                 tp->best_valid_loss);
    app_progress_draw(&r->bar, tp->pt.step, tp->total_steps, extra);
    /* Without a terminal, one line per validation, for logs and scripts. */
    if (!r->bar.tty && (tp->flags & TUNE_HAS_VALID))
        fprintf(stderr, "step %d/%d  train %.4f  valid %.4f  %s %.2f  %.1f s\n", tp->pt.step,
                tp->total_steps, tp->pt.train_loss, tp->pt.valid_loss, r->metric, tp->pt.metric,
                tp->elapsed);
    if (p->event)
        snprintf(r->last_event, sizeof r->last_event, "%s", p->event);
    if (r->max_seconds > 0 && tp->elapsed >= r->max_seconds && !r->timed_out) {
        r->timed_out = true;
        atomic_store(&app_interrupted, -1); /* not a signal: the time limit */
    }
}

static int parse(int argc, char **argv, struct opts *o)
{
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'},   {"data", required_argument, 0, 'd'},
        {"valid", required_argument, 0, 'v'},   {"out", required_argument, 0, 'o'},
        {"length", required_argument, 0, 'n'},  {"init", required_argument, 0, 'i'},
        {"optimizer", required_argument, 0, 'O'}, {"lr", required_argument, 0, 'l'},
        {"steps", required_argument, 0, 's'},   {"batch", required_argument, 0, 'b'},
        {"eval-every", required_argument, 0, 'k'}, {"patience", required_argument, 0, 'p'},
        {"seed", required_argument, 0, 'S'},    {"hard", required_argument, 0, 'H'},
        {"metric", required_argument, 0, 'M'},  {"warmup", required_argument, 0, 'w'},
        {"clip", required_argument, 0, 'c'},    {"resume", required_argument, 0, 'r'},
        {"max-seconds", required_argument, 0, 'T'}, {"method", required_argument, 0, 'X'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    static const struct { int c; long lo, hi; const char *want; } ints[] = {
        {'n', 1, LAB_MAX_SOURCE - 2, "--length wants 1 to 510 (the encoder's limit)"},
        {'s', 1, 10000000, "--steps wants a positive number"},
        {'b', 1, 4096, "--batch wants 1 to 4096"},
        {'k', 1, 10000000, "--eval-every wants a positive number"},
        {'p', 0, 1000000, "--patience wants a number"},
        {'w', 0, 10000000, "--warmup wants a number"},
        {'S', 0, 0x7fffffffL, "--seed wants a non-negative number"},
    };
    long *int_dst[] = {&o->length, &o->steps, &o->batch, &o->every, &o->patience, &o->warmup,
                       &o->seed};
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        bool done = false;
        for (size_t i = 0; i < sizeof ints / sizeof *ints && !done; i++)
            if (ints[i].c == c) {
                if (app_parse_int(optarg, ints[i].lo, ints[i].hi, int_dst[i]))
                    return app_usage("tune", "%s, not '%s'", ints[i].want, optarg);
                done = true;
            }
        if (done)
            continue;
        switch (c) {
        case 'm': o->model = optarg; break;
        case 'd': o->data = optarg; break;
        case 'v': o->valid = optarg; break;
        case 'o': o->out = optarg; break;
        case 'i': o->init = optarg; break;
        case 'H': o->hard = optarg; break;
        case 'r': o->resume = optarg; break;
        case 'O': o->opt = optarg; break;
        case 'M': o->metric = optarg; break;
        case 'X': o->method = optarg; break;
        case 'l':
            if (app_parse_float(optarg, &o->lr) || !(o->lr > 0))
                return app_usage("tune", "--lr wants a positive number, not '%s'", optarg);
            break;
        case 'T':
            if (app_parse_float(optarg, &o->max_seconds) || !(o->max_seconds > 0))
                return app_usage("tune", "--max-seconds wants a positive number, not '%s'", optarg);
            break;
        case 'c':
            if (app_parse_float(optarg, &o->clip) || !(o->clip >= 0))
                return app_usage("tune", "--clip wants a number >= 0, not '%s'", optarg);
            break;
        case 'h': help(); return -1;
        default: return app_bad_option("tune", c, argv, opts);
        }
    }
    if (optind < argc)
        return app_usage("tune", "unexpected argument '%s'", argv[optind]);
    if (!o->data || !o->out)
        return app_usage("tune", "--data FILE and --out DIR are required");
    return 0;
}

/* tr_params from the options: defaults (or the resumed run's settings),
 * then whatever was given. Returns 0 or an exit status. */
static int settings(const struct opts *o, struct tr_params *p)
{
    struct pl_err e = {0};
    enum tr_method m = TR_PROMPT;
    if (o->method && (tr_method_parse(o->method, &m, &e) || m == TR_PRETRAIN))
        return app_usage("tune", "--method wants prompt or model, not '%s'", o->method);
    tr_params_default(p, m);
    if (o->resume && tr_saved_params(o->resume, p, &e))
        return app_fail("tune", &e);
    if (o->method && p->method != m)
        return app_usage("tune", "%s holds a %s-tuning run, not %s", o->resume,
                         tr_method_name(p->method), o->method);
    enum optim_kind kind;
    if (o->opt) {
        if (optim_kind_parse(o->opt, &kind, &e))
            return app_usage("tune", "%s", e.msg);
        tr_set_optimizer(p, kind);
    }
    if (o->metric && obj_metric_parse(o->metric, &p->metric, &e))
        return app_usage("tune", "%s", e.msg);
    if (o->init && tr_init_parse(o->init, &p->init, &p->init_arg, &e))
        return app_usage("tune", "%s", e.msg);
    if (o->lr > 0)
        p->tune.opt.lr = (float)o->lr;
    if (o->warmup >= 0) {
        p->tune.opt.schedule = o->warmup > 0 ? OPTIM_WARMUP : OPTIM_CONSTANT;
        p->tune.opt.warmup_steps = (int)o->warmup;
    }
    long *src[] = {(long *)&o->steps, (long *)&o->batch, (long *)&o->every, (long *)&o->patience};
    int *dst[] = {&p->tune.steps, &p->tune.batch, &p->tune.eval_every, &p->tune.patience};
    for (int i = 0; i < 4; i++)
        if (*src[i] >= 0)
            *dst[i] = (int)*src[i];
    if (o->length > 0)
        p->length = (int)o->length;
    if (o->seed >= 0)
        p->tune.seed = (uint64_t)o->seed;
    if (o->clip >= 0)
        p->tune.clip_norm = (float)o->clip;
    p->train = o->data;
    p->valid = o->valid;
    p->hard = o->hard;
    p->out = o->out;
    p->resume = o->resume;
    return 0;
}

static void summary(const trainer *t, const struct tr_result *res, double seconds)
{
    const struct tr_info *in = tr_get_info(t);
    const struct tune_result *r = &res->tune;
    printf("steps %d  best step %d  valid loss %.4f  %s %.2f  final train loss %.4f  %s\n",
           r->steps_done, r->best_step, r->best_valid_loss, in->metric, r->best_metric,
           r->final_train_loss, r->end == TUNE_END_EARLY ? "(early stop)" : "");
    printf("trained %lld of %lld parameters (%.3g%%) in %.1f s; saved %lld bytes\n", in->n_trained,
           in->n_model, 100.0 * (double)in->n_trained / (double)in->n_model, seconds,
           res->saved_bytes);
}

/* The outcome: messages and the exit status. */
static int finish(const struct opts *o, const trainer *t, int rc, const struct pl_err *e,
                  const struct tr_result *res, const struct cli_run *run)
{
    int sig = atomic_load(&app_interrupted);
    const char *what = tr_get_info(t)->method == TR_PROMPT ? "prompt" : "model";
    if (res->save_error[0])
        app_warn("tune", "saving failed: %s", res->save_error);
    if (rc == PL_ESTOPPED && run->timed_out)
        fprintf(stderr, "promptlab tune: time limit of %g s reached at step %d\n", o->max_seconds,
                res->tune.steps_done);
    else if (rc == PL_ESTOPPED)
        fprintf(stderr, "promptlab tune: stopped at step %d; the best %s (step %d) is saved in %s\n",
                res->tune.steps_done, what, res->saved_step, o->out);
    else if (rc) {
        app_fail("tune", e);
        if (res->saved_step >= 0)
            fprintf(stderr, "promptlab tune: the best %s (step %d) is saved in %s\n", what,
                    res->saved_step, o->out);
        return 1;
    }
    if (res->saved_step < 0)
        return 1;
    if (rc == PL_ESTOPPED && !run->timed_out)
        return sig > 0 ? 128 + sig : 130;
    return 0;
}

int cmd_tune(int argc, char **argv)
{
    struct opts o = {.length = -1, .steps = -1, .batch = -1, .every = -1, .patience = -1,
                     .warmup = -1, .seed = -1, .lr = -1, .clip = -1};
    int status = parse(argc, argv, &o);
    if (status)
        return status < 0 ? 0 : status;
    struct tr_params p;
    if ((status = settings(&o, &p)))
        return status;
    struct lab *L = NULL;
    if ((status = app_open_lab("tune", o.model, &L)))
        return status;
    struct pl_err e = {0};
    trainer *t = NULL;
    if (tr_init(&t, L, &p, &e)) {
        lab_close(L);
        return app_fail("tune", &e);
    }
    const struct tr_info *in = tr_get_info(t);
    if (in->start_step >= in->tune.steps) {
        fprintf(stderr, "promptlab tune: %s has done %d steps already; ask for more with --steps\n",
                o.resume, in->start_step);
        tr_free(t);
        lab_close(L);
        return 2;
    }
    struct cli_run run = {.metric = in->metric, .max_seconds = o.max_seconds};
    struct tr_control ctl = {.stop = &app_interrupted, .progress = on_progress, .user = &run};
    app_catch_sigint();
    app_progress_init(&run.bar, "tune");
    fprintf(stderr, "promptlab tune: %s tuning, %d train / %d valid examples, %lld of %lld "
                    "parameters trained, %s lr %g%s\n",
            tr_method_name(in->method), in->n_train, in->n_valid, in->n_trained, in->n_model,
            optim_kind_name(in->tune.opt.kind), in->tune.opt.lr,
            in->fresh_moments ? " (no checkpoint: fresh optimiser moments)" : "");
    if (tr_valid_too_few(in->n_valid)) /* the TUI's form warns the same way */
        fprintf(stderr, "promptlab tune: warning: only %d validation example%s (%s, under %d): "
                        "its loss and %s are noise; give --valid FILE with %d or more, or more data\n",
                in->n_valid, in->n_valid == 1 ? "" : "s",
                o.valid ? "in --valid" : "held out from --data", TR_FEW_VALID, in->metric,
                TR_FEW_VALID);
    struct tr_result res;
    double t0 = pl_now();
    int rc = tr_run(t, &ctl, &res, &e);
    app_progress_end(&run.bar);
    status = finish(&o, t, rc, &e, &res, &run);
    if (status == 0) {
        summary(t, &res, pl_now() - t0);
        printf("saved %s\n", o.out);
    }
    tr_free(t);
    lab_close(L);
    return status;
}
