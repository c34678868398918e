/* cmd_pretrain.c - `promptlab pretrain`: train every weight of a fresh T5
 * on a JSONL corpus (how the embedded model is made); a thin driver of the
 * trainer (trainer.h, method TR_PRETRAIN), which owns the batches, the
 * loop, the checkpoint and resuming.
 *
 * This file parses options, writes the JSONL training log and the
 * progress bar, and says where the result is. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "app_impl.h"
#include "promptlab/trainer.h"

static void help(void)
{
    printf(
        "usage: promptlab pretrain --data FILE --config FILE --tokenizer DIR --out DIR\n"
        "                          [--steps N] [--batch-tokens N] [--lr X] [--warmup N]\n"
        "                          [--seed N] [--checkpoint-minutes M] [--log FILE] [--resume]\n"
        "                          [--f16]\n"
        "\n"
        "Train every weight of a fresh T5 (config.json given by --config; vocab_size\n"
        "must cover the tokenizer) on JSONL pairs {\"source\", \"target\"}: the same\n"
        "backward pass as prompt tuning with weight gradients on, AdamW (weight decay\n"
        "0.01) with linear warmup and cosine decay to 10%%, gradient clipping at 1.0.\n"
        "Pairs over %d source or %d target tokens are skipped.\n"
        "\n"
        "  --steps N              optimiser steps in all (default 10000)\n"
        "  --batch-tokens N       source+target tokens per batch, padding included\n"
        "                         (default 4096)\n"
        "  --lr X                 peak learning rate (default 2e-3)\n"
        "  --warmup N             warmup steps (default 500)\n"
        "  --schedule-steps N     where the cosine decay ends (default --steps); a run\n"
        "                         in stages stops early with --steps and sets this\n"
        "  --checkpoint-minutes M weights, optimiser moments and the curve to\n"
        "                         OUT/checkpoint every M minutes (default 5) and on Ctrl-C\n"
        "  --resume               continue from OUT/checkpoint (exactly: the result equals\n"
        "                         an uninterrupted run's)\n"
        "  --log FILE             JSONL log: step, loss, lr, tokens/s, elapsed\n"
        "                         (default OUT/train_log.jsonl)\n"
        "  --f16                  write OUT/model.safetensors as F16: half the size (the\n"
        "                         loader widens it at open); the checkpoint stays F32\n"
        "\n"
        "The finished model (config.json, model.safetensors, the tokenizer files,\n"
        "promptlab-run.json) is written to OUT.\n",
        TR_PT_MAX_SRC, TR_PT_MAX_TGT);
}

/* The log: one line about every 10 seconds, averaged since the last. */
struct log {
    FILE *f;
    struct app_progress bar;
    double t_last;
    int64_t tokens;
    double loss_sum;
    int loss_n;
};

static void on_progress(void *user, const struct tr_progress *p)
{
    struct log *lg = user;
    const struct tune_progress *tp = &p->tp;
    if (!(tp->flags & TUNE_HAS_TRAIN))
        return;
    lg->tokens += tp->n_tokens;
    lg->loss_sum += tp->pt.train_loss;
    lg->loss_n++;
    double now = pl_now();
    if (now - lg->t_last < 10 && tp->pt.step != tp->total_steps)
        return;
    double tps = (double)lg->tokens / (now - lg->t_last), loss = lg->loss_sum / lg->loss_n;
    fprintf(lg->f,
            "{\"step\": %d, \"loss\": %.5f, \"lr\": %.6g, \"tokens_per_s\": %.0f, "
            "\"elapsed\": %.1f}\n",
            tp->pt.step, loss, (double)tp->pt.lr, tps, tp->elapsed);
    fflush(lg->f);
    char extra[96];
    snprintf(extra, sizeof extra, "loss %.3f  %.0f tok/s", loss, tps);
    app_progress_draw(&lg->bar, tp->pt.step, tp->total_steps, extra);
    if (p->event)
        fprintf(stderr, "promptlab pretrain: %s\n", p->event);
    lg->t_last = now;
    lg->tokens = 0;
    lg->loss_sum = 0;
    lg->loss_n = 0;
}

struct opts {
    const char *log;
    long steps, batch_tokens, warmup, seed, ck_min, sched;
    double lr;
    int resume;
};

static int parse(int argc, char **argv, struct tr_params *p, struct opts *o)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'},   {"config", required_argument, 0, 'c'},
        {"tokenizer", required_argument, 0, 't'}, {"out", required_argument, 0, 'o'},
        {"steps", required_argument, 0, 's'},  {"batch-tokens", required_argument, 0, 'b'},
        {"lr", required_argument, 0, 'l'},     {"warmup", required_argument, 0, 'w'},
        {"seed", required_argument, 0, 'S'},   {"checkpoint-minutes", required_argument, 0, 'k'},
        {"log", required_argument, 0, 'L'},    {"resume", no_argument, 0, 'r'},
        {"f16", no_argument, 0, 'F'},
        {"schedule-steps", required_argument, 0, 'D'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
    static const struct { int c; long lo, hi; const char *want; } ints[] = {
        {'s', 1, 100000000, "--steps wants a positive number"},
        {'b', 64, 1 << 22, "--batch-tokens wants 64 or more"},
        {'w', 0, 100000000, "--warmup wants a number"},
        {'S', 0, 0x7fffffffL, "--seed wants a number"},
        {'D', 1, 100000000, "--schedule-steps wants a positive number"},
        {'k', 1, 100000, "--checkpoint-minutes wants a number"},
    };
    long *dst[] = {&o->steps, &o->batch_tokens, &o->warmup, &o->seed, &o->sched, &o->ck_min};
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        size_t i = 0;
        while (i < sizeof ints / sizeof *ints && ints[i].c != c)
            i++;
        if (i < sizeof ints / sizeof *ints) {
            if (app_parse_int(optarg, ints[i].lo, ints[i].hi, dst[i]))
                return app_usage("pretrain", "%s, not '%s'", ints[i].want, optarg);
            continue;
        }
        switch (c) {
        case 'd': p->train = optarg; break;
        case 'c': p->config = optarg; break;
        case 't': p->tokenizer = optarg; break;
        case 'o': p->out = optarg; break;
        case 'L': o->log = optarg; break;
        case 'r': o->resume = 1; break;
        case 'F': p->save_f16 = true; break;
        case 'l':
            if (app_parse_float(optarg, &o->lr) || !(o->lr > 0))
                return app_usage("pretrain", "--lr wants a positive number, not '%s'", optarg);
            break;
        case 'h': help(); return -1;
        default: return app_bad_option("pretrain", c, argv, opts);
        }
    }
    if (optind < argc)
        return app_usage("pretrain", "unexpected argument '%s'", argv[optind]);
    if (!p->train || !p->config || !p->tokenizer || !p->out)
        return app_usage("pretrain", "--data, --config, --tokenizer and --out are required");
    return 0;
}

static void apply(struct tr_params *p, const struct opts *o)
{
    p->tune.steps = (int)o->steps;
    p->tune.seed = (uint64_t)o->seed;
    p->tune.opt.lr = (float)o->lr;
    p->tune.opt.warmup_steps = (int)o->warmup;
    p->tune.opt.total_steps = (int)(o->sched > 0 ? o->sched : o->steps);
    p->batch_tokens = (int)o->batch_tokens;
    p->checkpoint_s = 60.0 * (double)o->ck_min;
    p->resume = o->resume ? p->out : NULL;
}

static int run(trainer *t, const struct tr_params *p, const struct opts *o, FILE *logf)
{
    const struct tr_info *in = tr_get_info(t);
    if (in->n_skipped)
        app_warn("pretrain", "%d examples longer than %d/%d tokens skipped", in->n_skipped,
                 TR_PT_MAX_SRC, TR_PT_MAX_TGT);
    if (p->resume)
        fprintf(stderr, "promptlab pretrain: resuming at step %d\n", in->start_step);
    fprintf(stderr, "promptlab pretrain: %d examples, %lld parameters, steps %d..%ld, ~%d tokens "
                    "per batch\n",
            in->n_train, in->n_model, in->start_step, o->steps, p->batch_tokens);
    struct log lg = {.f = logf, .t_last = pl_now()};
    struct tr_control ctl = {.stop = &app_interrupted, .progress = on_progress, .user = &lg};
    app_catch_sigint();
    app_progress_init(&lg.bar, "pretrain");
    struct tr_result res;
    struct pl_err e = {0};
    int rc = tr_run(t, &ctl, &res, &e);
    app_progress_end(&lg.bar);
    if (res.save_error[0])
        app_warn("pretrain", "saving failed: %s", res.save_error);
    if (rc && rc != PL_ESTOPPED)
        app_fail("pretrain", &e);
    if (rc && res.checkpointed)
        fprintf(stderr, "promptlab pretrain: stopped at step %d; checkpoint in %s/checkpoint "
                        "(continue with --resume)\n",
                res.tune.steps_done, p->out);
    if (rc == PL_ESTOPPED) {
        int sig = atomic_load(&app_interrupted);
        return sig > 0 ? 128 + sig : 130;
    }
    if (rc || res.save_error[0])
        return 1;
    printf("trained %d steps in %.0f s; model in %s\n", res.tune.steps_done,
           res.elapsed, p->out);
    return 0;
}

int cmd_pretrain(int argc, char **argv)
{
    struct tr_params p;
    tr_params_default(&p, TR_PRETRAIN);
    struct opts o = {.steps = 10000, .batch_tokens = 4096, .warmup = 500, .seed = 1, .ck_min = 5,
                     .lr = 2e-3};
    int status = parse(argc, argv, &p, &o);
    if (status)
        return status < 0 ? 0 : status;
    apply(&p, &o);
    struct pl_err e = {0};
    if (pl_mkdirs(p.out, &e))
        return app_fail("pretrain", &e);
    fprintf(stderr, "promptlab pretrain: reading %s\n", p.train);
    trainer *t = NULL;
    if (tr_init(&t, NULL, &p, &e))
        return app_fail("pretrain", &e);
    char def[4096];
    const char *log_path = o.log;
    if (!log_path && pl_path_join(def, sizeof def, p.out, "train_log.jsonl") == 0)
        log_path = def;
    FILE *logf = log_path ? fopen(log_path, o.resume ? "a" : "w") : NULL;
    if (!logf) {
        fprintf(stderr, "promptlab pretrain: %s: cannot open the log: %s\n",
                log_path ? log_path : p.out, strerror(errno));
        tr_free(t);
        return 1;
    }
    status = run(t, &p, &o, logf);
    fclose(logf);
    tr_free(t);
    return status;
}
