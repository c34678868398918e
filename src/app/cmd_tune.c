/* cmd_tune.c - `promptlab tune`: train a soft prompt on a JSONL data set
 * with the model frozen, draw progress on stderr, save in PEFT's layout.
 *
 * The best prompt so far is saved to --out at every validation that
 * improves, so Ctrl-C (which stops the loop cleanly) or a crash never loses
 * it; the final save adds the complete curve. */
#include <getopt.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "app_impl.h"
#include "promptlab/objective.h"

static void help(void)
{
    printf(
        "usage: promptlab tune --data FILE --out DIR [--valid FILE] [--model DIR]\n"
        "                      [--length N] [--init random|vocab|text:STR|labels:A,B,C]\n"
        "                      [--optimizer adafactor|adam|sgd] [--lr X] [--steps N]\n"
        "                      [--batch N] [--eval-every K] [--patience P] [--seed N]\n"
        "                      [--hard TEMPLATE] [--metric chrf|exact|accuracy]\n"
        "                      [--warmup N] [--clip X] [--max-seconds S] [--resume DIR]\n"
        "\n"
        "Prompt tuning (Lester et al. 2021): learn N prompt vectors prepended to the\n"
        "encoder's input while every model weight stays frozen.\n"
        "\n"
        "  --data FILE       training pairs, JSONL: {\"source\": ..., \"target\": ...}\n"
        "  --valid FILE      validation pairs (default: the last 10%% of --data, at most 64)\n"
        "  --out DIR         where the prompt goes (PEFT layout: adapter_config.json,\n"
        "                    adapter_model.safetensors; promptlab.json with the curve)\n"
        "  --length N        prompt rows (default 20)\n"
        "  --init KIND       random: uniform in [-0.5, 0.5]; vocab: embeddings of tokens\n"
        "                    sampled from the 5,000 most common (default); text:STR: the\n"
        "                    embeddings of STR's tokens, cycled; labels:A,B,C: one row\n"
        "                    per class label, the rest sampled\n"
        "  --optimizer NAME  adafactor (default, lr 0.3 as in the paper), adam (1e-3), sgd\n"
        "  --lr X            learning rate\n"
        "  --steps N         optimiser steps in all (default 300)\n"
        "  --batch N         examples per step (default 8)\n"
        "  --eval-every K    validate every K steps (default 50)\n"
        "  --patience P      stop after P validations without improvement (default off)\n"
        "  --seed N          initialisation and data order (default 1); same seed and\n"
        "                    data give the same prompt, bit for bit, on one machine\n"
        "  --hard TEMPLATE   also put a hard prompt after the soft rows ({source})\n"
        "  --metric NAME     validation metric on greedy outputs: chrf (default),\n"
        "                    exact, accuracy\n"
        "  --warmup N        linear warmup steps (default 0)\n"
        "  --clip X          gradient-norm clipping (default 1.0; 0 = off)\n"
        "  --max-seconds S   stop training after S seconds (validating and saving as at\n"
        "                    the end of a run)\n"
        "  --resume DIR      continue a saved prompt; its curve continues too\n"
        "\n"
        "Ctrl-C stops training and saves the best prompt so far.\n");
}

struct run {
    struct app_progress bar;
    const char *out;
    struct soft_prompt *best;     /* the prompt saved at improvements */
    struct soft_record *rec;
    const float *best_rows;       /* tune_run's best buffer */
    struct tune_history *hist;
    int saved_step, save_failed;
    double max_seconds;   /* 0 = no limit */
    atomic_int *stop;     /* set when the time limit is reached */
    int timed_out;
    char save_err[sizeof ((struct pl_err *)0)->msg];
};

static void on_progress(void *user, const struct tune_progress *p)
{
    struct run *r = user;
    char extra[160];
    if (p->flags & TUNE_HAS_VALID)
        snprintf(extra, sizeof extra, "loss %.3f  valid %.3f  %s %.1f", p->train_loss,
                 p->valid_loss, r->rec->metric, p->metric);
    else
        snprintf(extra, sizeof extra, "loss %.3f  best valid %.3f", p->train_loss,
                 p->best_valid_loss);
    app_progress_draw(&r->bar, p->step, p->total_steps, extra);
    /* Without a terminal, one line per validation, for logs and scripts. */
    if (!r->bar.tty && (p->flags & TUNE_HAS_VALID))
        fprintf(stderr, "step %d/%d  train %.4f  valid %.4f  %s %.2f  %.1f s\n", p->step,
                p->total_steps, p->train_loss, p->valid_loss, r->rec->metric, p->metric,
                p->elapsed);
    if (r->max_seconds > 0 && p->elapsed >= r->max_seconds && !r->timed_out) {
        r->timed_out = 1;
        atomic_store(r->stop, 1);
    }
    /* Checkpoint the best prompt as soon as it is found. */
    if ((p->flags & TUNE_IS_BEST) && r->best_rows) {
        size_t n = (size_t)r->best->n_tokens * (size_t)r->best->d;
        memcpy(r->best->w, r->best_rows, n * sizeof(float));
        tune_history_free(&r->rec->hist);
        struct pl_err e = {0};
        if (tune_history_copy(&r->rec->hist, r->hist, &e) == 0) {
            r->rec->prompt_step = p->step;
            if (soft_save(r->out, r->best, r->rec, &e) == 0) {
                r->saved_step = p->step;
            } else if (!r->save_failed) {
                r->save_failed = 1;
                memcpy(r->save_err, e.msg, sizeof r->save_err);
            }
        }
    }
}

/* Fill p from --init (random, vocab, text:STR, labels:A,B,C). */
static int init_prompt(struct lab *L, const char *init, uint64_t seed, struct soft_prompt *p,
                       struct pl_err *e)
{
    const struct soft_vocab *v = lab_vocab(L);
    if (!v)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    if (strcmp(init, "random") == 0) {
        soft_fill_random(p, seed);
        return 0;
    }
    if (strcmp(init, "vocab") == 0)
        return soft_fill_vocab(p, v, 0, seed, e);
    const tok *t = lab_tok(L);
    if (strncmp(init, "text:", 5) == 0) {
        const char *text = init + 5;
        int *ids, n, rc = tok_encode(t, text, strlen(text), 0, &ids, &n, e);
        if (rc == 0 && n == 0)
            rc = pl_err_set(e, PL_EINVAL, "--init text: needs some text");
        if (rc == 0)
            rc = soft_fill_text(p, v, ids, n, text, e);
        free(ids);
        return rc;
    }
    if (strncmp(init, "labels:", 7) == 0) {
        char *words = strdup(init + 7);
        int *ids[256], lens[256], n = 0, rc = 0;
        if (!words)
            return pl_err_set(e, PL_ENOMEM, "out of memory");
        for (char *save = NULL, *w = strtok_r(words, ",", &save); w && rc == 0;
             w = strtok_r(NULL, ",", &save)) {
            if (n == 256) {
                rc = pl_err_set(e, PL_ERANGE, "--init labels: at most 256 labels");
                break;
            }
            rc = tok_encode(t, w, strlen(w), 0, &ids[n], &lens[n], e);
            if (rc == 0 && lens[n] == 0) {
                free(ids[n]);
                rc = pl_err_set(e, PL_EINVAL, "--init labels: empty label");
            }
            if (rc == 0)
                n++;
        }
        if (rc == 0 && n == 0)
            rc = pl_err_set(e, PL_EINVAL, "--init labels: needs at least one label");
        if (rc == 0)
            rc = soft_fill_labels(p, v, (const int *const *)ids, lens, n, 0, seed, init + 7, e);
        for (int i = 0; i < n; i++)
            free(ids[i]);
        free(words);
        return rc;
    }
    return pl_err_set(e, PL_EINVAL,
                      "unknown --init '%s' (random, vocab, text:STRING, labels:A,B,C)", init);
}

/* Split off the last 10% (at most 64, at least 1) of train as validation. */
static int split_valid(struct jsonl_set *train, struct jsonl_set *valid, struct pl_err *e)
{
    int k = train->n / 10;
    if (k > 64)
        k = 64;
    if (k < 1 || train->n - k < 1)
        return pl_err_set(e, PL_EINVAL,
                          "%d examples are too few to hold some out for validation; "
                          "give --valid FILE",
                          train->n);
    valid->rec = train->rec + (train->n - k);
    valid->n = k;
    train->n -= k;
    return 0;
}

int cmd_tune(int argc, char **argv)
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
        {"max-seconds", required_argument, 0, 'T'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    const char *model = NULL, *data = NULL, *valid_path = NULL, *out = NULL, *init = "vocab",
               *hard = NULL, *resume = NULL, *opt_name = "adafactor", *metric = "chrf";
    long length = 20, steps = 300, batch = 8, every = 50, patience = 0, warmup = 0, seed = 1;
    double lr = -1, clip = 1.0, max_seconds = 0;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 'd': data = optarg; break;
        case 'v': valid_path = optarg; break;
        case 'o': out = optarg; break;
        case 'i': init = optarg; break;
        case 'H': hard = optarg; break;
        case 'r': resume = optarg; break;
        case 'O': opt_name = optarg; break;
        case 'M': metric = optarg; break;
        case 'n':
            if (app_parse_int(optarg, 1, LAB_MAX_SOURCE - 2, &length))
                return app_usage("tune", "--length wants 1 to %d (the encoder's limit), not '%s'",
                                 LAB_MAX_SOURCE - 2, optarg);
            break;
        case 's':
            if (app_parse_int(optarg, 1, 10000000, &steps))
                return app_usage("tune", "--steps wants a positive number, not '%s'", optarg);
            break;
        case 'b':
            if (app_parse_int(optarg, 1, 4096, &batch))
                return app_usage("tune", "--batch wants 1 to 4096, not '%s'", optarg);
            break;
        case 'k':
            if (app_parse_int(optarg, 0, 10000000, &every))
                return app_usage("tune", "--eval-every wants a number, not '%s'", optarg);
            break;
        case 'p':
            if (app_parse_int(optarg, 0, 1000000, &patience))
                return app_usage("tune", "--patience wants a number, not '%s'", optarg);
            break;
        case 'w':
            if (app_parse_int(optarg, 0, 10000000, &warmup))
                return app_usage("tune", "--warmup wants a number, not '%s'", optarg);
            break;
        case 'S':
            if (app_parse_int(optarg, 0, 0x7fffffffL, &seed))
                return app_usage("tune", "--seed wants a non-negative number, not '%s'", optarg);
            break;
        case 'l':
            if (app_parse_float(optarg, &lr) || lr <= 0)
                return app_usage("tune", "--lr wants a positive number, not '%s'", optarg);
            break;
        case 'T':
            if (app_parse_float(optarg, &max_seconds) || max_seconds <= 0)
                return app_usage("tune", "--max-seconds wants a positive number, not '%s'", optarg);
            break;
        case 'c':
            if (app_parse_float(optarg, &clip) || clip < 0)
                return app_usage("tune", "--clip wants a number >= 0, not '%s'", optarg);
            break;
        case 'h': help(); return 0;
        default: return app_bad_option("tune", c, argv, opts);
        }
    }
    if (optind < argc)
        return app_usage("tune", "unexpected argument '%s'", argv[optind]);
    if (!data || !out)
        return app_usage("tune", "--data FILE and --out DIR are required");

    struct pl_err e = {0};
    struct tune_params tp;
    tune_params_default(&tp);
    enum optim_kind kind;
    enum obj_metric om;
    if (optim_kind_parse(opt_name, &kind, &e) || obj_metric_parse(metric, &om, &e))
        return app_usage("tune", "%s", e.msg);
    optim_params_default(&tp.opt, kind);
    if (lr > 0)
        tp.opt.lr = (float)lr;
    if (warmup > 0) {
        tp.opt.schedule = OPTIM_WARMUP;
        tp.opt.warmup_steps = (int)warmup;
    }
    tp.steps = (int)steps;
    tp.batch = (int)batch;
    tp.eval_every = (int)every;
    tp.patience = (int)patience;
    tp.clip_norm = (float)clip;
    tp.seed = (uint64_t)seed;
    tp.select = TUNE_SELECT_LOSS;

    struct jsonl_set train = {0}, valid = {0}, held = {0}, *vset = NULL;
    struct lab *L = NULL;
    obj *o = NULL;
    struct soft_prompt prompt = {0}, best = {0};
    struct soft_record rec;
    soft_record_init(&rec);
    float *best_rows = NULL;
    int status = 0, rc = 0;

    if (jsonl_read(data, &train, &e) == 0 && train.n == 0)
        pl_err_set(&e, PL_EINVAL, "%s: no examples (the data set is empty)", data);
    if (e.code)
        status = app_fail("tune", &e);
    struct jsonl_set train_view = train;
    if (status == 0) {
        if (valid_path) {
            if (jsonl_read(valid_path, &valid, &e) == 0 && valid.n == 0)
                pl_err_set(&e, PL_EINVAL, "%s: no examples (the data set is empty)", valid_path);
            if (e.code)
                status = app_fail("tune", &e);
            vset = &valid;
        } else {
            if (split_valid(&train_view, &held, &e))
                status = app_fail("tune", &e);
            vset = &held;
        }
    }
    if (status == 0)
        status = app_open_lab("tune", model, &L);
    const struct t5_config *cfg = status == 0 ? t5_model_config(lab_model(L)) : NULL;
    if (status == 0 && resume) {
        if (soft_load(resume, cfg->d_model, &prompt, &rec, &e))
            status = app_fail("tune", &e);
        else
            length = prompt.n_tokens;
    } else if (status == 0) {
        if (soft_prompt_init(&prompt, (int)length, cfg->d_model, &e) ||
            init_prompt(L, init, (uint64_t)seed, &prompt, &e))
            status = app_fail("tune", &e);
    }
    if (status == 0) {
        struct obj_params op;
        obj_params_default(&op);
        op.hard = hard;
        op.n_soft = (int)length;
        op.max_batch = (int)batch;
        op.metric = om;
        if (obj_init(L, &train_view, data, vset, valid_path ? valid_path : data, &op, &o, &e))
            status = app_fail("tune", &e);
    }
    if (status == 0 && (soft_prompt_copy(&best, &prompt, &e) ||
                        !(best_rows = malloc((size_t)length * (size_t)cfg->d_model * sizeof(float)))))
        status = app_fail("tune", &e);
    if (status == 0) {
        snprintf(rec.model, sizeof rec.model, "%s", lab_dir(L));
        rec.d_model = cfg->d_model;
        rec.n_heads = cfg->n_heads;
        rec.n_layers = cfg->n_layers;
        snprintf(rec.train_data, sizeof rec.train_data, "%s", data);
        snprintf(rec.valid_data, sizeof rec.valid_data, "%s", valid_path ? valid_path : data);
        snprintf(rec.metric, sizeof rec.metric, "%s", obj_metric_name(om));
        rec.has_params = true;
        rec.params = tp;
        memcpy(best_rows, prompt.w, (size_t)length * (size_t)cfg->d_model * sizeof(float));
        if (rec.hist.steps_done >= tp.steps) {
            fprintf(stderr, "promptlab tune: %s has done %d steps already; ask for more with --steps\n",
                    resume, rec.hist.steps_done);
            status = 2;
        }
    }
    struct tune_result res = {0};
    struct run run = {0};
    struct tune_history hist;
    tune_history_init(&hist);
    if (status == 0 && tune_history_copy(&hist, &rec.hist, &e))
        status = app_fail("tune", &e);
    if (status == 0) {
        struct tune_objective to;
        obj_bind(o, &to);
        run.out = out;
        run.best = &best;
        run.rec = &rec;
        run.best_rows = best_rows;
        run.hist = &hist;
        run.saved_step = -1;
        run.max_seconds = max_seconds;
        run.stop = &app_interrupted;
        struct tune_control ctl = {.stop = &app_interrupted, .progress = on_progress, .user = &run};
        app_catch_sigint();
        app_progress_init(&run.bar, "tune");
        fprintf(stderr, "promptlab tune: %d train / %d valid examples, prompt %ld x %d, %s lr %g\n",
                to.n_train, vset->n, length, cfg->d_model, optim_kind_name(tp.opt.kind),
                tp.opt.lr);
        rc = tune_run(&tp, &to, prompt.w, prompt.w0, (int)length, cfg->d_model, best_rows, &hist,
                      &ctl, &res, &e);
        app_progress_end(&run.bar);
        struct pl_err se = {0};
        int saved = -1;
        if (res.steps_done > 0 || hist.n > 0) {
            /* The final record: the best prompt with the complete curve. */
            memcpy(best.w, best_rows, (size_t)length * (size_t)cfg->d_model * sizeof(float));
            tune_history_free(&rec.hist);
            if (tune_history_copy(&rec.hist, &hist, &se) == 0) {
                rec.prompt_step = res.best_step >= 0 ? res.best_step : res.steps_done;
                if (soft_save(out, &best, &rec, &se) == 0)
                    saved = rec.prompt_step;
            }
        }
        if (saved < 0 && se.code)
            status = app_fail("tune", &se);
        else if (rc == PL_ESTOPPED && run.timed_out)
            fprintf(stderr, "promptlab tune: time limit of %g s reached at step %d\n", max_seconds,
                    res.steps_done);
        else if (rc == PL_ESTOPPED)
            fprintf(stderr, "promptlab tune: stopped at step %d; the best prompt (step %d) is saved in %s\n",
                    res.steps_done, saved, out);
        else if (rc) {
            status = app_fail("tune", &e);
            if (saved >= 0)
                fprintf(stderr, "promptlab tune: the best prompt (step %d) is saved in %s\n", saved, out);
        }
        if (run.save_failed)
            app_warn("tune", "a checkpoint failed: %s", run.save_err);
        if (status == 0 && rc == PL_ESTOPPED && !run.timed_out)
            status = 1;
        if (status == 0) {
            printf("steps %d  best step %d  valid loss %.4f  %s %.2f  final train loss %.4f  %s\n",
                   res.steps_done, res.best_step, res.best_valid_loss, rec.metric, res.best_metric,
                   res.final_train_loss, res.end == TUNE_END_EARLY ? "(early stop)" : "");
            printf("saved %s\n", out);
        }
    }
    tune_history_free(&hist);
    soft_prompt_free(&prompt);
    soft_prompt_free(&best);
    soft_record_free(&rec);
    free(best_rows);
    obj_free(o);
    lab_close(L);
    jsonl_free(&train);
    jsonl_free(&valid);
    return status;
}
