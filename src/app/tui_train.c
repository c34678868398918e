/* tui_train.c - view 2, soft prompt training: the form (data set, length,
 * initialisation, optimiser, learning rate, steps, batch, seed, and the
 * method: prompt tuning or model tuning, the paper's baseline), the runs
 * of this session, and live charts: loss (train and validation) of every
 * visible run overlaid, the validation metric, and the health (gradient
 * norm, mean row norm, mean drift) of the selected run's prompt or weights.
 *
 * The one idea: the view only reads the runs' published copies
 * (tui_run_view); starting, pausing, stopping and saving are requests to
 * the run's thread, so no key here waits for a training step. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "app_impl.h"
#include "tui_impl.h"

enum field { FD_DATA, FD_LENGTH, FD_INIT, FD_INIT_ARG, FD_OPT, FD_LR, FD_STEPS, FD_BATCH, FD_SEED,
             FD_METHOD, N_FIELDS };

static const char *const field_names[N_FIELDS] = {"Data", "Length", "Init", "Init text",
                                                  "Optimizer", "LR", "Steps", "Batch", "Seed",
                                                  "Method"};

enum { MAX_OVERLAY = 4 }; /* runs on one chart (2 series each); 8 runs have 16 colours */

struct tui_train {
    struct tui_run_cfg cfg;
    char set_labels[256];     /* the data set's class labels, "a,b,c"; "" when it has none */
    int set_rows;             /* the data set's examples; -1 unreadable */
    int field;
    bool editing;
    struct ui_editor ed;
    int focus;                /* 0 form, 1 runs */
    struct ui_list runs;
    bool hidden[TUI_MAX_RUNS + 1]; /* by run index in t->runs */
    enum ui_scale scale;
    struct ui_chart_grid g_loss, g_metric, g_health;
    double last_draw;
    int form_y, form_x, runs_y, runs_h;
    int ed_y, ed_x;           /* where the field being edited was drawn */
};

static void read_set_labels(const char *path, char *out, size_t cap, int *rows);

/* The examples of the form's data set (-1 unreadable). */
static int form_rows(const struct tui *t)
{
    return t->train->cfg.data[0] ? t->train->set_rows : t->samples.n;
}

/* "; only N validation examples ..." when the held-out split of the form's
 * data set is too small to judge a run by, else "". */
static void few_valid_note(const struct tui *t, char *buf, size_t cap)
{
    int n_train, n_valid;
    tr_split_sizes(form_rows(t), &n_train, &n_valid);
    buf[0] = 0;
    if (form_rows(t) >= 0 && tr_valid_too_few(n_valid))
        snprintf(buf, cap, "; only %d validation example%s (under %d): its loss and chrF are "
                 "noise, use a larger set", n_valid, n_valid == 1 ? "" : "s", TR_FEW_VALID);
}

/* The trainer's learning rate for the form's method and optimiser. */
static float default_lr(const struct tui_run_cfg *c)
{
    struct tr_params p;
    tr_params_default(&p, c->method);
    tr_set_optimizer(&p, c->opt);
    return p.tune.opt.lr;
}

int tui_train_init(struct tui *t)
{
    struct tui_train *tr = calloc(1, sizeof *tr);
    if (!tr)
        return PL_ENOMEM;
    tui_copy(tr->cfg.data, sizeof tr->cfg.data, t->train_default);
    char labels[256];
    tr->set_rows = t->samples.n;
    if (tr->cfg.data[0])
        read_set_labels(tr->cfg.data, labels, sizeof labels, &tr->set_rows);
    tr->cfg.length = 20;
    tr->cfg.init = SOFT_INIT_VOCAB;
    tui_copy(tr->cfg.init_arg, sizeof tr->cfg.init_arg, "translate English to Vietnamese:");
    tr->cfg.method = TR_PROMPT;
    tr->cfg.opt = OPTIM_ADAFACTOR;
    tr->cfg.lr = default_lr(&tr->cfg);
    tr->cfg.steps = 200;
    tr->cfg.batch = 8;
    tr->cfg.seed = 1;
    ui_editor_init(&tr->ed, UI_EDITOR_SINGLE_LINE);
    ui_chart_grid_init(&tr->g_loss);
    ui_chart_grid_init(&tr->g_metric);
    ui_chart_grid_init(&tr->g_health);
    t->train = tr;
    return 0;
}

void tui_train_free(struct tui *t)
{
    struct tui_train *tr = t->train;
    if (!tr)
        return;
    ui_editor_free(&tr->ed);
    ui_chart_grid_free(&tr->g_loss);
    ui_chart_grid_free(&tr->g_metric);
    ui_chart_grid_free(&tr->g_health);
    free(tr);
    t->train = NULL;
}

/* The distinct "label" values of the set at path, in order of first
 * appearance, comma-separated into out ("" when none or unreadable); its
 * number of examples into *rows (-1 when unreadable). */
static void read_set_labels(const char *path, char *out, size_t cap, int *rows)
{
    out[0] = 0;
    *rows = -1;
    struct jsonl_set set = {0};
    if (jsonl_read(path, &set, NULL) != 0)
        return;
    *rows = set.n;
    size_t len = 0;
    for (int i = 0; i < set.n; i++) {
        const char *l = set.rec[i].label;
        if (!l || !l[0] || strchr(l, ','))
            continue;
        bool seen = false;
        for (int j = 0; j < i && !seen; j++)
            seen = set.rec[j].label && strcmp(set.rec[j].label, l) == 0;
        size_t n = strlen(l);
        if (seen || len + n + 2 > cap)
            continue;
        if (len)
            out[len++] = ',';
        memcpy(out + len, l, n + 1);
        len += n;
    }
    jsonl_free(&set);
}

void tui_train_set_data(struct tui *t, const char *path)
{
    struct tui_train *tr = t->train;
    tui_copy(tr->cfg.data, sizeof tr->cfg.data, path);
    read_set_labels(path, tr->set_labels, sizeof tr->set_labels, &tr->set_rows);
    char few[160];
    few_valid_note(t, few, sizeof few);
    enum tui_role role = few[0] ? TUI_R_ERROR : TUI_R_INFO;
    if (tr->set_labels[0]) {
        /* a classification set: its labels are what label init wants (an
         * Init text being used for text init stays) */
        if (tr->cfg.init != SOFT_INIT_TEXT)
            tui_copy(tr->cfg.init_arg, sizeof tr->cfg.init_arg, tr->set_labels);
        tui_msg(t, role, "training data: %s; labels %s (Init < labels > starts from them)%s",
                path, tr->set_labels, few);
    } else {
        tui_msg(t, role, "training data: %s%s", path, few);
    }
}

const char *tui_train_data(const struct tui *t)
{
    return t->train->cfg.data;
}

bool tui_train_editing(const struct tui *t)
{
    return t->train->editing;
}

/* The selected run in the runs list (newest first), or NULL. */
static struct tui_run *selected_run(const struct tui *t)
{
    int i = t->n_runs - 1 - t->train->runs.selected;
    return i >= 0 && i < t->n_runs ? t->runs[i] : NULL;
}

static struct tui_run *active_run(const struct tui *t)
{
    for (int i = 0; i < t->n_runs; i++)
        if (tui_run_active(t->runs[i]))
            return t->runs[i];
    return NULL;
}

static const char *state_name(const struct tui_run *r)
{
    const struct tui_run_view *v = tui_run_view(r);
    if (tui_run_active(r) && tui_run_paused(r))
        return "paused";
    switch (v->state) {
    case TUI_RUN_SETUP: return "setting up";
    case TUI_RUN_RUNNING: return tui_run_active(r) ? "training" : "finished";
    case TUI_RUN_PAUSED: return "paused";
    case TUI_RUN_DONE: return "done";
    case TUI_RUN_STOPPED: return "stopped";
    case TUI_RUN_FAILED: return "failed";
    }
    return "?";
}

void tui_train_status(const struct tui *t, char *buf, size_t cap)
{
    buf[0] = 0;
    struct tui_run *r = active_run(t);
    if (!r && t->n_runs > 0)
        r = t->runs[t->n_runs - 1];
    if (!r)
        return;
    const struct tui_run_view *v = tui_run_view(r);
    snprintf(buf, cap, "run %d %s %d/%d", tui_run_id(r), state_name(r), v->step, v->total);
}

bool tui_train_tick(struct tui *t)
{
    /* runs are synced by the main loop; redraw at most 10 times a second
     * while one trains, so the charts move without eating the CPU */
    struct tui_train *tr = t->train;
    if (t->view != TUI_VIEW_TRAIN || !active_run(t))
        return false;
    double now = pl_now();
    if (now - tr->last_draw < 0.1)
        return false;
    tr->last_draw = now;
    return true;
}

const char *tui_train_footer(const struct tui *t)
{
    const struct tui_train *tr = t->train;
    if (tr->editing)
        return "Enter keep\tEsc cancel\tF1-F4 views";
    if (tr->focus == 1)
        return "v show/hide\ts start\tp pause\tx stop\tw save\tE export SVG\tl log\tW save as\tTab form";
    return "s start\tEnter edit\tUp/Down field\tLeft/Right choose\tp pause\tx stop\tw save\tE export SVG\tl log\tTab runs";
}

/* ---- the form ---------------------------------------------------------- */


static void field_value(const struct tui *t, int f, char *buf, size_t cap)
{
    const struct tui_run_cfg *c = &t->train->cfg;
    switch (f) {
    case FD_DATA: snprintf(buf, cap, "%s", c->data[0] ? tui_basename(c->data) : "(built-in samples)"); break;
    case FD_LENGTH: snprintf(buf, cap, "%d", c->length); break;
    case FD_INIT: snprintf(buf, cap, "< %s >", soft_init_name(c->init)); break;
    case FD_INIT_ARG:
        snprintf(buf, cap, "%s",
                 c->init == SOFT_INIT_TEXT || c->init == SOFT_INIT_LABELS ? c->init_arg
                                                                          : "(text/labels only)");
        break;
    case FD_OPT: snprintf(buf, cap, "< %s >", optim_kind_name(c->opt)); break;
    case FD_LR: snprintf(buf, cap, "%g", c->lr); break;
    case FD_STEPS: snprintf(buf, cap, "%d", c->steps); break;
    case FD_BATCH: snprintf(buf, cap, "%d", c->batch); break;
    case FD_SEED: snprintf(buf, cap, "%llu", (unsigned long long)c->seed); break;
    case FD_METHOD: snprintf(buf, cap, "< %s >", tr_method_name(c->method)); break;
    default: buf[0] = 0;
    }
}

static void cycle_choice(struct tui *t, int dir)
{
    struct tui_run_cfg *c = &t->train->cfg;
    if (t->train->field == FD_INIT) {
        static const enum soft_init_kind kinds[] = {SOFT_INIT_RANDOM, SOFT_INIT_VOCAB,
                                                    SOFT_INIT_TEXT, SOFT_INIT_LABELS};
        int i = 0;
        while (i < 4 && kinds[i] != c->init)
            i++;
        c->init = kinds[(i + 4 + dir) % 4];
        if (c->init == SOFT_INIT_LABELS && t->train->set_labels[0])
            tui_copy(c->init_arg, sizeof c->init_arg, t->train->set_labels);
        else if (c->init == SOFT_INIT_LABELS && strchr(c->init_arg, ':'))
            tui_copy(c->init_arg, sizeof c->init_arg, "positive,negative");
        else if (c->init == SOFT_INIT_TEXT && !strchr(c->init_arg, ' ') && strchr(c->init_arg, ','))
            tui_copy(c->init_arg, sizeof c->init_arg, "translate English to Vietnamese:");
        static const char *const what[] = {
            "random: uniform in [-0.5, 0.5], far from every word",
            "vocab: copies of common tokens' embeddings (the paper's choice)",
            "text: the embeddings of the Init text's tokens - watch the words melt in view 4",
            "labels: one row per class label word (Init text, comma-separated), the rest sampled"};
        tui_msg(t, TUI_R_INFO, "%s", what[(i + 4 + dir) % 4]);
    } else if (t->train->field == FD_OPT) {
        c->opt = (enum optim_kind)((c->opt + 3 + dir) % 3);
        c->lr = default_lr(c);
        tui_msg(t, TUI_R_INFO, "%s, learning rate %g (its usual value)", optim_kind_name(c->opt),
                c->lr);
    } else if (t->train->field == FD_METHOD) {
        c->method = c->method == TR_PROMPT ? TR_MODEL : TR_PROMPT;
        c->lr = default_lr(c);
        tui_msg(t, TUI_R_INFO, "%s",
                c->method == TR_MODEL
                    ? "model tuning: every weight of a copy of the model (the paper's baseline)"
                    : "prompt tuning: only the prompt rows learn; the model stays frozen");
    }
}

static void start_edit(struct tui *t)
{
    struct tui_train *tr = t->train;
    if (tr->field == FD_DATA) {
        tui_open_picker(t, TUI_PICK_SAMPLES);
        return;
    }
    if (tr->field == FD_INIT || tr->field == FD_OPT || tr->field == FD_METHOD) {
        cycle_choice(t, 1);
        return;
    }
    /* numbers start empty (Enter on nothing keeps the old value); the init
     * text starts from what is there, to be edited */
    if (tr->field == FD_INIT_ARG)
        ui_editor_set_text(&tr->ed, tr->cfg.init_arg, strlen(tr->cfg.init_arg));
    else
        ui_editor_set_text(&tr->ed, "", 0);
    tr->editing = true;
}

static void commit_edit(struct tui *t)
{
    struct tui_train *tr = t->train;
    struct tui_run_cfg *c = &tr->cfg;
    const char *s = ui_editor_text(&tr->ed, NULL);
    if (!s[0] && tr->field != FD_INIT_ARG) {
        tr->editing = false;
        tui_msg(t, TUI_R_DIM, "%s unchanged", field_names[tr->field]);
        return;
    }
    long v = 0;
    double d = 0;
    bool ok = true;
    switch (tr->field) {
    case FD_LENGTH:
        ok = app_parse_int(s, 1, LAB_MAX_SOURCE - 2, &v) == 0;
        if (ok)
            c->length = (int)v;
        break;
    case FD_STEPS:
        ok = app_parse_int(s, 1, 1000000, &v) == 0;
        if (ok)
            c->steps = (int)v;
        break;
    case FD_BATCH:
        ok = app_parse_int(s, 1, 256, &v) == 0;
        if (ok)
            c->batch = (int)v;
        break;
    case FD_SEED:
        ok = app_parse_int(s, 0, 0x7fffffffL, &v) == 0;
        if (ok)
            c->seed = (uint64_t)v;
        break;
    case FD_LR:
        ok = app_parse_float(s, &d) == 0 && d > 0 && d < 100;
        if (ok)
            c->lr = (float)d;
        break;
    case FD_INIT_ARG: tui_copy(c->init_arg, sizeof c->init_arg, s); break;
    default: break;
    }
    tr->editing = false;
    if (!ok) {
        static const char *const range[N_FIELDS] = {
            "", "1 to 510 rows", "", "", "", "a positive number (e.g. 0.3)", "1 to 1000000",
            "1 to 256", "0 to 2147483647", ""};
        tui_msg(t, TUI_R_ERROR, "%s wants %s, not '%s'", field_names[tr->field], range[tr->field], s);
    } else {
        tui_msg(t, TUI_R_INFO, "%s set", field_names[tr->field]);
    }
}

/* ---- actions ------------------------------------------------------------ */

static void start_run(struct tui *t)
{
    struct tui_train *tr = t->train;
    struct tui_run *a = active_run(t);
    if (a) {
        tui_msg(t, TUI_R_ERROR, "run %d is still training: x stops it (one run at a time)",
                tui_run_id(a));
        return;
    }
    if (t->n_runs >= TUI_MAX_RUNS) {
        tui_msg(t, TUI_R_ERROR, "%d runs in this session already; restart to train more",
                TUI_MAX_RUNS);
        return;
    }
    struct tui_run_cfg cfg = tr->cfg;
    struct pl_err e = {0};
    if (!cfg.data[0]) {
        /* the built-in samples: write them where the run can read them */
        if (pl_path_join(cfg.data, sizeof cfg.data, t->runs_root, "builtin-samples.jsonl") ||
            jsonl_write(cfg.data, t->samples.rec, t->samples.n, &e)) {
            tui_msg(t, TUI_R_ERROR, "cannot write the built-in samples: %s", e.msg);
            return;
        }
    }
    struct tui_run *r = NULL;
    if (tui_run_start(&r, t->L, &cfg, t->runs_root, ++t->next_run_id, &e)) {
        tui_msg(t, TUI_R_ERROR, "%s", e.msg);
        return;
    }
    t->runs[t->n_runs] = r;
    tr->hidden[t->n_runs] = false;
    t->n_runs++;
    tr->runs.selected = 0; /* newest first */
    char init[120];
    tui_run_describe(&cfg, init, sizeof init);
    char few[160];
    few_valid_note(t, few, sizeof few);
    enum tui_role role = few[0] ? TUI_R_ERROR : TUI_R_GOOD;
    if (few[0]) /* the warning first, where the status line has room for it */
        tui_msg(t, role, "run %d started: %s%s", tui_run_id(r),
                cfg.method == TR_MODEL ? "model tuning" : init, few);
    else if (cfg.method == TR_MODEL)
        tui_msg(t, role, "run %d started: model tuning, %s lr %g, %d steps", tui_run_id(r),
                optim_kind_name(cfg.opt), cfg.lr, cfg.steps);
    else
        tui_msg(t, role, "run %d started: %s, %d rows, %s lr %g, %d steps", tui_run_id(r),
                init, cfg.length, optim_kind_name(cfg.opt), cfg.lr, cfg.steps);
}

static void pause_run(struct tui *t)
{
    struct tui_run *r = active_run(t);
    if (!r) {
        tui_msg(t, TUI_R_DIM, "no run is training (s starts one)");
        return;
    }
    bool p = !tui_run_paused(r);
    tui_run_pause(r, p);
    tui_msg(t, TUI_R_INFO, "run %d %s", tui_run_id(r), p ? "paused (p resumes)" : "resumed");
}

static void stop_run(struct tui *t)
{
    struct tui_run *r = active_run(t);
    if (!r) {
        tui_msg(t, TUI_R_DIM, "no run is training");
        return;
    }
    tui_run_stop(r);
    tui_msg(t, TUI_R_INFO, "stopping run %d after this step; its best prompt is saved", tui_run_id(r));
}

static void save_run(struct tui *t)
{
    struct tui_run *r = selected_run(t);
    if (!r) {
        tui_msg(t, TUI_R_DIM, "no run yet (s starts one)");
        return;
    }
    const struct tui_run_view *v = tui_run_view(r);
    if (tui_run_active(r)) {
        tui_run_request_save(r);
        tui_msg(t, TUI_R_INFO, "run %d: saving after this step into %s", tui_run_id(r), v->dir);
        return;
    }
    struct pl_err e = {0};
    if (tui_run_save_to(r, v->dir, &e))
        tui_msg(t, TUI_R_ERROR, "%s", e.msg);
    else
        tui_msg(t, TUI_R_GOOD, "run %d: best prompt saved in %s", tui_run_id(r), v->dir);
}

void tui_train_save_as(struct tui *t, const char *dir)
{
    struct tui_run *r = selected_run(t);
    struct pl_err e = {0};
    if (!r)
        tui_msg(t, TUI_R_ERROR, "no run selected");
    else if (tui_run_save_to(r, dir, &e))
        tui_msg(t, TUI_R_ERROR, "%s", e.msg);
    else
        tui_msg(t, TUI_R_GOOD, "saved the best prompt of run %d in %s", tui_run_id(r), dir);
}

/* ---- charts --------------------------------------------------------------- */

struct series_buf {
    struct ui_series s[2 * MAX_OVERLAY + 1];
    double *mem[2 * MAX_OVERLAY + 1];
    char names[2 * MAX_OVERLAY + 1][128];
    int n;
    bool settings;  /* legends name each run's settings (exports), not only "r1" */
};

static void series_free(struct series_buf *b)
{
    for (int i = 0; i < b->n; i++)
        free(b->mem[i]);
    b->n = 0;
}

/* Add the points of field `which` (0 train loss, 1 valid loss, 2 metric,
 * 3 grad norm, 4 row norm, 5 drift) of a run as one series. */
static void add_series(struct series_buf *b, const struct tui_run_view *v, int which,
                       const char *name, int style)
{
    if (b->n >= 2 * MAX_OVERLAY + 1 || v->n_pts == 0)
        return;
    double *mem = malloc(sizeof *mem * 2 * (size_t)v->n_pts);
    if (!mem)
        return;
    double *x = mem, *y = mem + v->n_pts;
    size_t n = 0;
    for (int i = 0; i < v->n_pts; i++) {
        const struct tune_point *p = &v->pts[i];
        float val = which == 0 ? p->train_loss : which == 1 ? p->valid_loss
                  : which == 2 ? p->metric : which == 3 ? p->grad_norm
                  : which == 4 ? p->row_norm : p->drift;
        if (!isfinite(val))
            continue; /* validation happens every few steps: join those points */
        x[n] = p->step;
        y[n] = val;
        n++;
    }
    int k = b->n++;
    b->mem[k] = mem;
    tui_copy(b->names[k], sizeof b->names[k], name);
    b->s[k] = (struct ui_series){.name = b->names[k], .x = x, .y = y, .n = n, .style = style};
}

/* Series `which` (0 train + 1 valid losses, 2 metric) of the visible runs. */
static void run_series(const struct tui *t, struct series_buf *b, int which)
{
    int shown = 0;
    b->n = 0;
    for (int i = t->n_runs - 1; i >= 0 && shown < MAX_OVERLAY; i--) {
        if (t->train->hidden[i])
            continue;
        const struct tui_run_view *v = tui_run_view(t->runs[i]);
        char lb[96], nm[128];
        int id = tui_run_id(t->runs[i]);
        tui_run_label(t->runs[i], b->settings, lb, sizeof lb);
        if (which == 2) {
            snprintf(nm, sizeof nm, "%s %s", lb, v->metric);
            add_series(b, v, 2, nm, 2 * (id - 1) % UI_N_SERIES);
        } else {
            snprintf(nm, sizeof nm, "%s train", lb);
            add_series(b, v, 0, nm, 2 * (id - 1) % UI_N_SERIES);
            snprintf(nm, sizeof nm, "%s valid", lb);
            add_series(b, v, 1, nm, (2 * (id - 1) + 1) % UI_N_SERIES);
        }
        shown++;
    }
}

/* The run the health chart follows: the one training, else the selected one. */
static struct tui_run *health_run(const struct tui *t)
{
    struct tui_run *r = active_run(t);
    return r ? r : selected_run(t);
}

/* The health of run r: gradient norm, mean row norm, mean drift. */
static void health_series(struct series_buf *b, const struct tui_run *r)
{
    static const char *const what[3] = {"grad norm", "row norm", "drift"};
    char lb[96], nm[128];
    b->n = 0;
    tui_run_label(r, true, lb, sizeof lb);
    for (int k = 0; k < 3; k++) {
        if (b->settings)
            snprintf(nm, sizeof nm, "%s: %s", lb, what[k]);
        else
            snprintf(nm, sizeof nm, "%s", k == 0 ? "grad" : what[k]);
        add_series(b, tui_run_view(r), 3 + k, nm, 4 + k);
    }
}

static void loss_series(const struct tui *t, struct series_buf *b)
{
    run_series(t, b, 0);
}

static void draw_chart(struct tui *t, struct ui_chart_grid *g, int y, int x, int h, int w,
                       const struct ui_series *s, int n, const char *title, enum ui_scale scale)
{
    struct ui_chart_params p;
    tui_chart_params(t, &p, n);
    p.title = title;
    p.y_scale = scale;
    struct pl_err e = {0};
    if (n == 0 || ui_chart_layout(g, w, h, s, (size_t)n, &p, &e)) {
        tui_text(t, y, x, w, title, TUI_R_TITLE);
        tui_text(t, y + 1, x, w, n == 0 ? "no data yet" : e.msg, TUI_R_DIM);
        return;
    }
    ui_chart_draw(stdscr, y, x, g, t->color ? &t->colors : NULL);
}

/* The caption of exported charts: every visible run's full settings. */
static void runs_caption(const struct tui *t, const char *what, char *buf, size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "%s Runs:", what);
    for (int i = t->n_runs - 1, shown = 0; i >= 0 && shown < MAX_OVERLAY && n < cap; i--) {
        if (t->train->hidden[i])
            continue;
        n += (size_t)snprintf(buf + n, cap - n, "%s ", shown ? ";" : "");
        if (n < cap)
            tui_run_settings(t->runs[i], buf + n, cap - n);
        n += strlen(buf + n);
        shown++;
    }
    if (n < cap)
        snprintf(buf + n, cap - n, ". Made with promptlab on %s.", t->model_name);
}

/* The health chart of run r as SVG; 0 or -1 (message said). */
static int export_health(struct tui *t, const struct tui_run *r, char *path, size_t cap)
{
    struct series_buf b = {.settings = true};
    health_series(&b, r);
    bool model = tui_run_config(r)->method == TR_MODEL;
    char settings[512], caption[1024], title[120];
    tui_run_settings(r, settings, sizeof settings);
    snprintf(caption, sizeof caption,
             "grad norm: the norm of the gradient at each step, before clipping; row norm: the "
             "mean L2 norm of the %s rows; drift: their mean L2 distance from their initial "
             "values. Run %s. Made with promptlab on %s.", model ? "weights'" : "prompt's",
             settings, t->model_name);
    snprintf(title, sizeof title, "Soft prompt training: %s health per step (r%d)",
             model ? "weights" : "prompt", tui_run_id(r));
    struct ui_chart_params p;
    ui_chart_params_default(&p);
    p.title = title;
    p.x_label = "step";
    p.y_label = "norm (L2)";
    p.y_scale = t->train->scale;
    p.caption = caption;
    int rc = tui_export_chart(t, "promptlab-health", b.s, b.n, &p, path, cap);
    series_free(&b);
    return rc;
}

/* One chart of the visible runs as SVG; 0 or -1 (message said). */
static int export_one(struct tui *t, int which, char *path, size_t cap)
{
    struct series_buf b = {.settings = true};
    run_series(t, &b, which);
    struct ui_chart_params p;
    ui_chart_params_default(&p);
    char caption[2048];
    if (which == 2) {
        p.title = "Soft prompt training: validation metric per step";
        p.y_label = "chrF on the validation set (0-100)";
        runs_caption(t, "chrF of greedy outputs against the references of the held-out set.",
                     caption, sizeof caption);
    } else {
        p.title = "Soft prompt training: loss per step";
        p.y_label = "loss (cross-entropy per target token)";
        p.y_scale = t->train->scale;
        runs_caption(t, "train: the loss of each step's batch; valid: the held-out set's.",
                     caption, sizeof caption);
    }
    p.x_label = "step";
    p.caption = caption;
    int rc = tui_export_chart(t, which == 2 ? "promptlab-metric" : "promptlab-loss", b.s, b.n, &p,
                              path, cap);
    series_free(&b);
    return rc;
}

/* E: the loss and metric charts of the visible runs and the health chart
 * of the run it follows, as SVG for slides. */
void tui_train_export(struct tui *t)
{
    struct series_buf b = {0};
    loss_series(t, &b);
    int n = b.n;
    series_free(&b);
    struct tui_run *hr = health_run(t);
    if (n == 0 && !(hr && tui_run_view(hr)->n_pts > 0)) {
        tui_msg(t, TUI_R_DIM, "nothing to export yet: start a run (s)");
        return;
    }
    char path[3][PATH_MAX];
    const char *done[3];
    int k = 0, rc = 0;
    t->export_at = time(NULL); /* one stamp for the three files */
    if (n > 0) {
        rc = export_one(t, 0, path[k], sizeof path[k]);
        done[k] = path[k], k++;
        if (!rc)
            rc = export_one(t, 2, path[k], sizeof path[k]);
        done[k] = path[k], k++;
    }
    if (!rc && hr && tui_run_view(hr)->n_pts > 0) {
        rc = export_health(t, hr, path[k], sizeof path[k]);
        done[k] = path[k], k++;
    }
    t->export_at = 0;
    if (!rc)
        tui_export_said(t, k > 1 ? "charts exported" : "chart exported", done, k);
}

/* ---- keys --------------------------------------------------------------- */

static int edit_key(struct tui *t, const struct tui_key *k)
{
    struct tui_train *tr = t->train;
    if (tui_key_is(k, 27)) {
        tr->editing = false;
        tui_msg(t, TUI_R_DIM, "unchanged");
    } else if (k->ui == UI_KEY_ENTER || tui_key_is(k, '\t')) {
        commit_edit(t);
    } else if (k->paste) {
        ui_editor_insert(&tr->ed, k->paste, k->paste_len);
    } else if (k->ui != UI_KEY_NONE) {
        ui_editor_key(&tr->ed, k->ui, k->ch);
    }
    return TUI_REDRAW;
}

static int mouse_key(struct tui *t, const struct tui_key *k)
{
    struct tui_train *tr = t->train;
    if (!(k->mbutton & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
        return 0;
    int f = k->my - tr->form_y - 1;
    if (k->mx < tr->form_x + 30 && f >= 0 && f < N_FIELDS) {
        tr->focus = 0;
        tr->field = f;
    }
    int r = k->my - tr->runs_y - 1;
    if (k->mx < tr->form_x + 30 && r >= 0 && r < tr->runs_h && tr->runs.top + r < t->n_runs) {
        tr->focus = 1;
        tr->runs.selected = tr->runs.top + r;
    }
    return TUI_REDRAW;
}

static void save_as_key(struct tui *t)
{
    struct tui_run *r = selected_run(t);
    if (!r) {
        tui_msg(t, TUI_R_DIM, "no run yet");
        return;
    }
    char init[PATH_MAX];
    snprintf(init, sizeof init, "./prompt-run%d", tui_run_id(r));
    tui_open_input(t, TUI_IN_SAVE_AS, "Save the best prompt into directory", init);
}

static void toggle_shown(struct tui *t)
{
    struct tui_train *tr = t->train;
    int i = t->n_runs - 1 - tr->runs.selected;
    if (i < 0 || i >= t->n_runs) {
        tui_msg(t, TUI_R_DIM, "no run yet");
        return;
    }
    tr->hidden[i] = !tr->hidden[i];
    tui_msg(t, TUI_R_INFO, "run %d %s the chart", tui_run_id(t->runs[i]),
            tr->hidden[i] ? "hidden from" : "shown on");
}

/* The letter keys of the view; -1 when c is not one of them. */
static int letter_key(struct tui *t, int c)
{
    struct tui_train *tr = t->train;
    switch (c) {
    case 's': start_run(t); break;
    case 'p':
    case ' ': pause_run(t); break;
    case 'x': stop_run(t); break;
    case 'w': save_run(t); break;
    case 'W': save_as_key(t); break;
    case 'l':
        tr->scale = tr->scale == UI_SCALE_LINEAR ? UI_SCALE_LOG10 : UI_SCALE_LINEAR;
        tui_msg(t, TUI_R_INFO, "%s scale", tr->scale == UI_SCALE_LOG10 ? "log" : "linear");
        break;
    case 'E': tui_train_export(t); break;
    case 'v': toggle_shown(t); break;
    case '\t': tr->focus = !tr->focus; break;
    case 27: tr->focus = 0; break;
    default: return -1;
    }
    return TUI_REDRAW;
}

int tui_train_key(struct tui *t, const struct tui_key *k)
{
    struct tui_train *tr = t->train;
    if (tr->editing)
        return edit_key(t, k);
    if (k->fn && k->code == KEY_MOUSE)
        return mouse_key(t, k);
    int rc = !k->fn && !k->alt ? letter_key(t, k->code) : -1;
    if (rc >= 0)
        return rc;
    if (k->fn && k->code == KEY_BTAB) {
        tr->focus = !tr->focus;
        return TUI_REDRAW;
    }
    if (tr->focus == 1) {
        rc = ui_list_key(&tr->runs, k->ui, t->n_runs, tr->runs_h > 0 ? tr->runs_h : 1);
        return rc == UI_IGNORED ? TUI_UNHANDLED : TUI_REDRAW;
    }
    switch (k->ui) {
    case UI_KEY_UP: tr->field = (tr->field + N_FIELDS - 1) % N_FIELDS; return TUI_REDRAW;
    case UI_KEY_DOWN: tr->field = (tr->field + 1) % N_FIELDS; return TUI_REDRAW;
    case UI_KEY_LEFT:
    case UI_KEY_RIGHT:
        if (tr->field == FD_INIT || tr->field == FD_OPT || tr->field == FD_METHOD)
            cycle_choice(t, k->ui == UI_KEY_LEFT ? -1 : 1);
        return TUI_REDRAW;
    case UI_KEY_ENTER: start_edit(t); return TUI_REDRAW;
    default: break;
    }
    return TUI_UNHANDLED;
}

/* ---- drawing ------------------------------------------------------------- */

static void draw_run_status(struct tui *t, int y, int x, int w)
{
    struct tui_run *r = active_run(t);
    if (!r)
        r = selected_run(t);
    if (!r) {
        tui_text(t, y, x, w, "No run yet. Fill in the form and press s to start training.",
                 TUI_R_BOLD);
        tui_text(t, y + 1, x, w,
                 "The model stays frozen; only the prompt rows learn, by gradient descent.",
                 TUI_R_DIM);
        return;
    }
    const struct tui_run_view *v = tui_run_view(r);
    double sps = v->elapsed > 0 ? v->step / v->elapsed : NAN;
    char eta[16], el[16], line[400], best[120];
    app_format_duration(eta, sizeof eta, isfinite(sps) && sps > 0 ? (v->total - v->step) / sps : NAN);
    app_format_duration(el, sizeof el, v->elapsed);
    if (v->best_step >= 0)
        snprintf(best, sizeof best, "best valid %.3f @%d (%s %.1f)", v->best_valid, v->best_step,
                 v->metric, v->best_metric);
    else
        snprintf(best, sizeof best, "best: not validated yet");
    snprintf(line, sizeof line, "run %d %s %s  step %d/%d  %.1f steps/s  %s  ETA %s  %s",
             tui_run_id(r), t->g->bullet, state_name(r), v->step, v->total, isfinite(sps) ? sps : 0.0,
             el, tui_run_active(r) ? eta : "-", best);
    enum tui_role role = v->state == TUI_RUN_FAILED ? TUI_R_ERROR
                         : tui_run_active(r)        ? TUI_R_GOOD
                                                    : TUI_R_BOLD;
    tui_text(t, y, x, w, line, role);
    tui_text(t, y + 1, x, w, v->msg, v->state == TUI_RUN_FAILED ? TUI_R_ERROR : TUI_R_DIM);
}

static void draw_form(struct tui *t, int y, int x, int w)
{
    struct tui_train *tr = t->train;
    tr->form_y = y, tr->form_x = x;
    tui_heading(t, y, x, w, "New run", tr->focus == 0);
    for (int f = 0; f < N_FIELDS; f++) {
        int fy = y + 1 + f;
        bool sel = f == tr->field && tr->focus == 0;
        char label[32], val[300];
        snprintf(label, sizeof label, "%-10s", field_names[f]);
        field_value(t, f, val, sizeof val);
        bool model = tr->cfg.method == TR_MODEL;
        bool greyed = (f == FD_INIT_ARG && tr->cfg.init != SOFT_INIT_TEXT &&
                       tr->cfg.init != SOFT_INIT_LABELS) ||
                      (model && (f == FD_LENGTH || f == FD_INIT || f == FD_INIT_ARG));
        tui_text(t, fy, x, 11, label, sel ? TUI_R_FOCUS : TUI_R_NORMAL);
        if (sel && tr->editing) {
            ui_editor_scroll(&tr->ed, 1, w - 12);
            attrset(tui_attr(t, TUI_R_SELECTED));
            mvhline(fy, x + 11, ' ', w - 12);
            ui_editor_draw(stdscr, fy, x + 11, 1, w - 12, &tr->ed, false, t->tflags);
            tr->ed_y = fy, tr->ed_x = x + 11;
            attrset(A_NORMAL);
            size_t el;
            ui_editor_text(&tr->ed, &el);
            if (el == 0) {
                char hint[320];
                snprintf(hint, sizeof hint, " (now %s)", val);
                tui_text(t, fy, x + 12, w - 13, hint, TUI_R_DIM);
            }
        } else {
            tui_text(t, fy, x + 11, w - 12, val,
                     sel ? TUI_R_SELECTED : greyed ? TUI_R_DIM : TUI_R_BOLD);
        }
    }
    /* the trainer's held-out split of the data set, red when validation
     * is too small to judge a run by (the status line says why) */
    int n = form_rows(t), n_train, n_valid;
    if (n < 0)
        return;
    tr_split_sizes(n, &n_train, &n_valid);
    char val[64];
    bool few = tr_valid_too_few(n_valid);
    if (few)
        snprintf(val, sizeof val, "%d valid: too few", n_valid);
    else
        snprintf(val, sizeof val, "%d train, %d valid", n_train, n_valid);
    tui_text(t, y + 1 + N_FIELDS, x, 11, "Split", TUI_R_NORMAL);
    tui_text(t, y + 1 + N_FIELDS, x + 11, w - 12, val, few ? TUI_R_ERROR : TUI_R_DIM);
}

static void draw_runs(struct tui *t, int y, int x, int h, int w)
{
    struct tui_train *tr = t->train;
    tui_heading(t, y, x, w, "Runs (v: show on chart)", tr->focus == 1);
    tr->runs_y = y, tr->runs_h = h - 1;
    if (t->n_runs == 0) {
        tui_text(t, y + 1, x, w, "none yet", TUI_R_DIM);
        return;
    }
    ui_list_scroll(&tr->runs, t->n_runs, h - 1);
    for (int r = 0; r < h - 1 && tr->runs.top + r < t->n_runs; r++) {
        int li = tr->runs.top + r, i = t->n_runs - 1 - li;
        struct tui_run *run = t->runs[i];
        char init[64], buf[200];
        tui_run_describe(tui_run_config(run), init, sizeof init);
        int id = tui_run_id(run);
        if (tui_run_config(run)->method == TR_MODEL)
            snprintf(buf, sizeof buf, " r%d %-8.8s model", id, state_name(run));
        else
            snprintf(buf, sizeof buf, " r%d %-8.8s %-10.10s N%d", id, state_name(run), init,
                     tui_run_config(run)->length);
        bool sel = li == tr->runs.selected;
        enum tui_role role = sel && tr->focus == 1 ? TUI_R_SELECTED : sel ? TUI_R_BOLD : TUI_R_NORMAL;
        if (role == TUI_R_SELECTED) {
            attrset(tui_attr(t, role));
            mvhline(y + 1 + r, x, ' ', w);
        }
        /* a marker in the run's chart colour, hollow when hidden */
        attrset(tr->hidden[i] ? A_NORMAL
                : tui_series_attr(t, 2 * (id - 1)));
        ui_draw_text(stdscr, y + 1 + r, x, 1, tr->hidden[i] ? "o" : t->g->bullet,
                     strlen(tr->hidden[i] ? "o" : t->g->bullet), UI_ALIGN_LEFT, t->tflags);
        attrset(A_NORMAL);
        tui_text(t, y + 1 + r, x + 1, w - 1, buf, role);
    }
}

void tui_train_draw(struct tui *t, int y, int x, int h, int w)
{
    struct tui_train *tr = t->train;
    draw_run_status(t, y, x, w);
    int fw = 30, cy = y + 2, ch = h - 2;
    draw_form(t, cy, x, fw);
    int ry = cy + 1 + N_FIELDS + 1;
    draw_runs(t, ry, x, y + h - ry, fw);

    int gx = x + fw + 1, gw = w - fw - 1;
    int lh = ch * 55 / 100;
    struct series_buf b = {0};
    loss_series(t, &b);
    char title[120];
    snprintf(title, sizeof title, "Loss (%s scale, l toggles)",
             tr->scale == UI_SCALE_LOG10 ? "log" : "linear");
    draw_chart(t, &tr->g_loss, cy, gx, lh, gw, b.s, b.n, title, tr->scale);
    series_free(&b);

    /* bottom: metric (visible runs) and prompt health (selected run) */
    int by = cy + lh, bh = ch - lh, mw = gw / 2;
    run_series(t, &b, 2);
    draw_chart(t, &tr->g_metric, by, gx, bh, mw - 1, b.s, b.n, "Validation metric (chrF)",
               UI_SCALE_LINEAR);
    series_free(&b);
    struct tui_run *sr = health_run(t);
    if (sr)
        health_series(&b, sr);
    char ht[80];
    if (sr)
        snprintf(ht, sizeof ht, "%s health (r%d)",
                 tui_run_config(sr)->method == TR_MODEL ? "Weights" : "Prompt", tui_run_id(sr));
    else
        snprintf(ht, sizeof ht, "Prompt health");
    draw_chart(t, &tr->g_health, by, gx + mw, bh, gw - mw, b.s, b.n, ht, tr->scale);
    series_free(&b);
    if (tr->editing) { /* the terminal's cursor goes to the field being edited */
        int col;
        ui_editor_cursor(&tr->ed, NULL, NULL, &col);
        move(tr->ed_y, tr->ed_x + col - tr->ed.left);
    }
}
