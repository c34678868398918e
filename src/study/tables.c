/* tables.c - an experiment's results as a summary table (mean and spread
 * over seeds) and as the data of its figures (the paper's Figures 1, 3
 * and 4), with both written as CSV.
 *
 * The one idea: every row and every point is a group of cells that differ
 * only in their seed; a group is found by comparing (model, method,
 * length, init), so tables and figures need nothing but the records, and
 * an experiment loaded from disk draws exactly what the run drew. */
#include "promptlab/study.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool same_group(const struct study_result *a, const struct study_result *b)
{
    return a->method == b->method && a->length == b->length && strcmp(a->model, b->model) == 0 &&
           strcmp(a->init, b->init) == 0;
}

/* Mean and sample standard deviation of x[0..n) (NAN spread for one value). */
static void mean_sd(const double *x, int n, double *mean, double *sd)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += x[i];
    *mean = n ? s / n : NAN;
    if (n < 2) {
        *sd = NAN;
        return;
    }
    double v = 0;
    for (int i = 0; i < n; i++)
        v += (x[i] - *mean) * (x[i] - *mean);
    *sd = sqrt(v / (n - 1));
}

/* Mean and spread of field f (-1: valid, else test f) over the group of r[first]. */
static void group_stat(const struct study_result *r, int n, int first, int f, double *mean,
                       double *sd, int *count)
{
    double *x = malloc(sizeof *x * (size_t)n);
    int k = 0;
    for (int i = first; x && i < n; i++)
        if (same_group(&r[i], &r[first]))
            x[k++] = f < 0 ? r[i].valid : f < r[i].n_tests ? r[i].test[f] : NAN;
    mean_sd(x, k, mean, sd);
    if (count)
        *count = k;
    free(x);
}

int study_summary(const struct study_result *r, int n, struct study_row **rows, int *n_rows,
                  struct pl_err *e)
{
    *rows = NULL;
    *n_rows = 0;
    struct study_row *w = calloc((size_t)(n ? n : 1), sizeof *w);
    if (!w)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    int k = 0;
    for (int i = 0; i < n; i++) {
        bool seen = false;
        for (int j = 0; j < k && !seen; j++)
            seen = same_group(&r[w[j].first], &r[i]);
        if (seen)
            continue;
        struct study_row *row = &w[k++];
        row->first = i;
        group_stat(r, n, i, -1, &row->valid, &row->valid_sd, &row->n);
        for (int t = 0; t < r[i].n_tests; t++)
            group_stat(r, n, i, t, &row->test[t], &row->test_sd[t], NULL);
        double secs = 0;
        for (int j = i; j < n; j++)
            if (same_group(&r[j], &r[i]))
                secs += r[j].seconds;
        row->seconds = secs / row->n;
    }
    *rows = w;
    *n_rows = k;
    return 0;
}

static void csv_num(struct pl_str *b, double x)
{
    if (isfinite(x))
        pl_str_printf(b, "%.4f", x);
}

static int csv_finish(struct pl_str *b, const char *path, struct pl_err *e)
{
    int rc = b->oom ? pl_err_set(e, PL_ENOMEM, "%s: out of memory", path)
                    : pl_write_file_atomic(path, b->p ? b->p : "", b->n, e);
    free(b->p);
    return rc;
}

int study_write_summary_csv(const char *path, const struct study_result *r,
                            const struct study_row *rows, int n_rows, struct pl_err *e)
{
    struct pl_str b = {0};
    pl_str_puts(&b, "model,model_params,method,length,init,seeds,trained_params,valid,valid_sd");
    int n_tests = n_rows ? r[rows[0].first].n_tests : 0;
    for (int t = 0; t < n_tests; t++) {
        pl_str_putc(&b, ',');
        pl_str_csv(&b, r[rows[0].first].test_names[t]);
        pl_str_putc(&b, ',');
        pl_str_csv(&b, r[rows[0].first].test_names[t]);
        pl_str_puts(&b, "_sd");
    }
    pl_str_puts(&b, ",seconds\n");
    for (int i = 0; i < n_rows; i++) {
        const struct study_row *w = &rows[i];
        const struct study_result *x = &r[w->first];
        pl_str_csv(&b, x->model);
        pl_str_printf(&b, ",%lld,%s,%d,", x->model_params, study_method_name(x->method), x->length);
        pl_str_csv(&b, x->init);
        pl_str_printf(&b, ",%d,%lld,", w->n, x->trained_params);
        csv_num(&b, w->valid);
        pl_str_putc(&b, ',');
        csv_num(&b, w->valid_sd);
        for (int t = 0; t < n_tests; t++) {
            pl_str_putc(&b, ',');
            csv_num(&b, w->test[t]);
            pl_str_putc(&b, ',');
            csv_num(&b, w->test_sd[t]);
        }
        pl_str_putc(&b, ',');
        csv_num(&b, w->seconds);
        pl_str_putc(&b, '\n');
    }
    return csv_finish(&b, path, e);
}

/* ---- figures ------------------------------------------------------------------ */

/* The distinct models (by parameters, ascending), lengths (ascending) and
 * inits (in the order of the records) of prompt cells. */
struct axes {
    int model[64], n_models;      /* index of a record of each model */
    int lengths[64], n_lengths;
    int init[STUDY_MAX_INITS], n_inits; /* index of a record with each init */
    int n_tests;
    bool method[STUDY_N_METHODS];
};

static void find_axes(const struct study_result *r, int n, struct axes *a)
{
    memset(a, 0, sizeof *a);
    a->n_tests = n ? r[0].n_tests : 0;
    for (int i = 0; i < n; i++) {
        a->method[r[i].method] = true;
        bool seen = false;
        for (int j = 0; j < a->n_models && !seen; j++)
            seen = strcmp(r[a->model[j]].model, r[i].model) == 0;
        if (!seen && a->n_models < 64)
            a->model[a->n_models++] = i;
        if (r[i].method != STUDY_PROMPT)
            continue;
        seen = false;
        for (int j = 0; j < a->n_lengths && !seen; j++)
            seen = a->lengths[j] == r[i].length;
        if (!seen && a->n_lengths < 64)
            a->lengths[a->n_lengths++] = r[i].length;
        seen = false;
        for (int j = 0; j < a->n_inits && !seen; j++)
            seen = strcmp(r[a->init[j]].init, r[i].init) == 0;
        if (!seen && a->n_inits < STUDY_MAX_INITS)
            a->init[a->n_inits++] = i;
    }
    for (int i = 1; i < a->n_models; i++) /* insertion sorts: a handful of values */
        for (int j = i; j > 0 && r[a->model[j]].model_params < r[a->model[j - 1]].model_params; j--) {
            int t = a->model[j];
            a->model[j] = a->model[j - 1];
            a->model[j - 1] = t;
        }
    for (int i = 1; i < a->n_lengths; i++)
        for (int j = i; j > 0 && a->lengths[j] < a->lengths[j - 1]; j--) {
            int t = a->lengths[j];
            a->lengths[j] = a->lengths[j - 1];
            a->lengths[j - 1] = t;
        }
}

/* The first record of the group (model of record m, method, length, init), or -1. */
static int find_group(const struct study_result *r, int n, int m, enum study_method method,
                      int length, const char *init)
{
    for (int i = 0; i < n; i++)
        if (r[i].method == method && r[i].length == length && strcmp(r[i].init, init) == 0 &&
            strcmp(r[i].model, r[m].model) == 0)
            return i;
    return -1;
}

static int add_point(struct study_series *s, double x, double y, double sd, int count,
                     struct pl_err *e)
{
    if (!isfinite(y))
        return 0;
    struct study_point *p = realloc(s->pts, sizeof *p * (size_t)(s->n + 1));
    if (!p)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    s->pts = p;
    int i = s->n++;
    while (i > 0 && p[i - 1].x > x) { /* keep x ascending */
        p[i] = p[i - 1];
        i--;
    }
    p[i] = (struct study_point){x, y, sd, count};
    return 0;
}

/* A group's point for test t (-2: trained parameters) into series s at x. */
static int group_point(const struct study_result *r, int n, int g, int t, double x,
                       struct study_series *s, struct pl_err *e)
{
    if (g < 0)
        return 0;
    if (t == -2)
        return add_point(s, x, (double)r[g].trained_params, NAN, 1, e);
    double mean, sd;
    int count;
    group_stat(r, n, g, t, &mean, &sd, &count);
    return add_point(s, x, mean, sd, count, e);
}

static struct study_series *new_series(struct study_figure *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static struct study_series *new_series(struct study_figure *f, const char *fmt, ...)
{
    if (f->n_series == STUDY_MAX_SERIES)
        return NULL;
    struct study_series *s = &f->series[f->n_series++];
    memset(s, 0, sizeof *s);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->name, sizeof s->name, fmt, ap);
    va_end(ap);
    return s;
}

/* "1.2M", "530K", "960" */
static void fmt_count(char *buf, size_t cap, double v)
{
    if (v >= 1e9)
        snprintf(buf, cap, "%.3gB", v / 1e9);
    else if (v >= 1e6)
        snprintf(buf, cap, "%.3gM", v / 1e6);
    else if (v >= 1e3)
        snprintf(buf, cap, "%.3gK", v / 1e3);
    else
        snprintf(buf, cap, "%.0f", v);
}

/* "vocab", "class labels", "text \"translate\"" for legends and categories. */
static void init_label(const char *init, char *buf, size_t cap)
{
    if (strncmp(init, "labels:", 7) == 0)
        snprintf(buf, cap, "class labels");
    else if (strncmp(init, "text:", 5) == 0)
        snprintf(buf, cap, "text \"%.20s%s\"", init + 5, strlen(init + 5) > 20 ? "..." : "");
    else
        snprintf(buf, cap, "%s", init);
}

/* The first record of a method, or -1. */
static int first_of(const struct study_result *r, int n, enum study_method m)
{
    for (int i = 0; i < n; i++)
        if (r[i].method == m)
            return i;
    return -1;
}

/* The settings a caption states: the test set (t >= 0) and the methods
 * drawn (a bit per method). */
static void caption(char *buf, size_t cap, const struct study_result *r, int n, int t,
                    unsigned methods, const char *extra)
{
    int seeds = 0, hp = first_of(r, n, STUDY_HARD), pp = first_of(r, n, STUDY_PROMPT),
        mp = first_of(r, n, STUDY_MODEL);
    hp = methods & 1u << STUDY_HARD ? hp : -1;
    pp = methods & 1u << STUDY_PROMPT ? pp : -1;
    mp = methods & 1u << STUDY_MODEL ? mp : -1;
    for (int i = 0; i < n && (pp >= 0 || mp >= 0); i++)
        if (same_group(&r[i], &r[pp >= 0 ? pp : mp]))
            seeds++;
    struct pl_str b = {0};
    if (t >= 0)
        pl_str_printf(&b, "Test set %s (%d examples), %s", r[0].test_names[t], r[0].test_n[t],
                      r[0].metric);
    if (t >= 0 && (pp >= 0 || mp >= 0))
        pl_str_printf(&b, "; mean over %d seed%s (bars: one standard deviation)", seeds,
                      seeds == 1 ? "" : "s");
    if (hp >= 0 && t >= 0)
        pl_str_printf(&b, "; hard prompt \"%.60s\"", r[hp].hard);
    if (pp >= 0)
        pl_str_printf(&b, "%sprompt tuning %d steps, %s lr %g", b.n ? "; " : "", r[pp].steps,
                      r[pp].optimizer, r[pp].lr);
    if (mp >= 0)
        pl_str_printf(&b, "%smodel tuning %d steps, %s lr %g", b.n ? "; " : "", r[mp].steps,
                      r[mp].optimizer, r[mp].lr);
    if (extra)
        pl_str_printf(&b, "%s%s", b.n ? ". " : "", extra);
    pl_str_puts(&b, ".");
    snprintf(buf, cap, "%s", b.oom || !b.p ? "" : b.p);
    free(b.p);
}

static struct study_figure *new_figure(struct study_figure *figs, int *n, const char *file,
                                       int t, const struct study_result *r)
{
    struct study_figure *f = &figs[(*n)++];
    memset(f, 0, sizeof *f);
    if (t > 0)
        snprintf(f->file, sizeof f->file, "%s.%s", file, r[0].test_names[t]);
    else
        snprintf(f->file, sizeof f->file, "%s", file);
    if (t >= 0) {
        snprintf(f->test, sizeof f->test, "%s", r[0].test_names[t]);
        snprintf(f->y_label, sizeof f->y_label, "%s on %s", r[0].metric, r[0].test_names[t]);
    }
    return f;
}

static int fig_scale(const struct study_result *r, int n, const struct axes *a, int t,
                     struct study_figure *f, struct pl_err *e)
{
    snprintf(f->title, sizeof f->title, "Score against model size (cf. Lester et al. 2021, Fig. 1)");
    snprintf(f->x_label, sizeof f->x_label, "model parameters");
    f->x_log = true;
    int rc = 0;
    int pl = a->n_lengths ? a->lengths[a->n_lengths - 1] : 0;
    const char *pi = a->n_inits ? r[a->init[0]].init : "";
    for (int m = 0; m < STUDY_N_METHODS && rc == 0; m++) {
        int k = first_of(r, n, (enum study_method)m);
        if (k < 0)
            continue;
        char il[80];
        init_label(pi, il, sizeof il);
        struct study_series *s =
            m == STUDY_HARD     ? new_series(f, "hard prompt")
            : m == STUDY_PROMPT ? new_series(f, "prompt tuning (%d tokens, %s init, %d steps)", pl, il,
                                             r[k].steps)
                                : new_series(f, "model tuning (%d steps)", r[k].steps);
        if (s)
            s->style = m;
        for (int j = 0; s && rc == 0 && j < a->n_models; j++) {
            int g = find_group(r, n, a->model[j], (enum study_method)m, m == STUDY_PROMPT ? pl : 0,
                               m == STUDY_PROMPT ? pi : "");
            rc = group_point(r, n, g, t, (double)r[a->model[j]].model_params, s, e);
        }
    }
    caption(f->caption, sizeof f->caption, r, n, t, 7u, NULL);
    return rc;
}

/* A series per model; models keep their colour across figures. */
static struct study_series *model_series(struct study_figure *f, const struct study_result *r, int m)
{
    char b[512], pc[32];
    fmt_count(pc, sizeof pc, (double)r[m].model_params);
    struct study_series *s =
        new_series(f, "%.100s (%s parameters)", pl_path_base(r[m].model, b, sizeof b), pc);
    if (s)
        s->style = f->n_series - 1;
    return s;
}

static int fig_length(const struct study_result *r, int n, const struct axes *a, int t,
                      struct study_figure *f, struct pl_err *e)
{
    const char *pi = r[a->init[0]].init;
    char il[80], extra[160];
    init_label(pi, il, sizeof il);
    snprintf(f->title, sizeof f->title, "Score by prompt length (cf. Lester et al. 2021, Fig. 3a)");
    snprintf(f->x_label, sizeof f->x_label, "prompt length (tokens)");
    f->n_categories = a->n_lengths < STUDY_MAX_CATEGORIES ? a->n_lengths : STUDY_MAX_CATEGORIES;
    for (int l = 0; l < f->n_categories; l++)
        snprintf(f->categories[l], sizeof f->categories[l], "%d", a->lengths[l]);
    int rc = 0;
    for (int j = 0; j < a->n_models && rc == 0; j++) {
        struct study_series *s = model_series(f, r, a->model[j]);
        for (int l = 0; s && rc == 0 && l < f->n_categories; l++)
            rc = group_point(r, n, find_group(r, n, a->model[j], STUDY_PROMPT, a->lengths[l], pi),
                             t, l, s, e);
    }
    snprintf(extra, sizeof extra, "Prompt tuning, %s init", il);
    caption(f->caption, sizeof f->caption, r, n, t, 1u << STUDY_PROMPT, extra);
    return rc;
}

static int fig_init(const struct study_result *r, int n, const struct axes *a, int t,
                    struct study_figure *f, struct pl_err *e)
{
    int pl = a->lengths[a->n_lengths - 1];
    char extra[160];
    snprintf(f->title, sizeof f->title, "Score by initialisation (cf. Lester et al. 2021, Fig. 3b)");
    snprintf(f->x_label, sizeof f->x_label, "prompt initialisation");
    f->n_categories = a->n_inits;
    for (int i = 0; i < a->n_inits; i++)
        init_label(r[a->init[i]].init, f->categories[i], sizeof f->categories[i]);
    int rc = 0;
    for (int j = 0; j < a->n_models && rc == 0; j++) {
        struct study_series *s = model_series(f, r, a->model[j]);
        for (int i = 0; s && rc == 0 && i < a->n_inits; i++)
            rc = group_point(r, n, find_group(r, n, a->model[j], STUDY_PROMPT, pl, r[a->init[i]].init),
                             t, i, s, e);
    }
    snprintf(extra, sizeof extra, "Prompt tuning, %d tokens", pl);
    caption(f->caption, sizeof f->caption, r, n, t, 1u << STUDY_PROMPT, extra);
    return rc;
}

/* Score on each test set, a line per method (per model and method with
 * several models): the domain-shift comparison of the paper's Table 1 (two
 * test sets or more). Prompt tuning as in fig_scale: the longest length,
 * the first init. */
static int fig_tests(const struct study_result *r, int n, const struct axes *a,
                     struct study_figure *f, struct pl_err *e)
{
    snprintf(f->title, sizeof f->title, "Score on each test set (cf. Lester et al. 2021, Table 1)");
    snprintf(f->x_label, sizeof f->x_label, "test set");
    snprintf(f->y_label, sizeof f->y_label, "%s", r[0].metric);
    f->n_categories = a->n_tests < STUDY_MAX_CATEGORIES ? a->n_tests : STUDY_MAX_CATEGORIES;
    for (int t = 0; t < f->n_categories; t++)
        snprintf(f->categories[t], sizeof f->categories[t], "%s", r[0].test_names[t]);
    int pl = a->n_lengths ? a->lengths[a->n_lengths - 1] : 0;
    const char *pi = a->n_inits ? r[a->init[0]].init : "";
    int rc = 0;
    for (int j = 0; j < a->n_models && rc == 0; j++)
        for (int m = 0; m < STUDY_N_METHODS && rc == 0; m++) {
            bool prompt = m == STUDY_PROMPT;
            int g = find_group(r, n, a->model[j], (enum study_method)m, prompt ? pl : 0,
                               prompt ? pi : "");
            if (g < 0)
                continue;
            char b[512], what[64];
            if (prompt)
                snprintf(what, sizeof what, "prompt tuning (%d tokens)", pl);
            else
                snprintf(what, sizeof what, "%s", m == STUDY_HARD ? "hard prompt" : "model tuning");
            struct study_series *s =
                a->n_models > 1
                    ? new_series(f, "%.100s: %s", pl_path_base(r[a->model[j]].model, b, sizeof b), what)
                    : new_series(f, "%s", what);
            if (s)
                s->style = a->n_models > 1 ? f->n_series - 1 : m;
            for (int t = 0; s && rc == 0 && t < f->n_categories; t++)
                rc = group_point(r, n, g, t, t, s, e);
        }
    caption(f->caption, sizeof f->caption, r, n, -1, 7u,
            "Every method trained on the same training set; each test set scored as it is");
    return rc;
}

static int fig_params(const struct study_result *r, int n, const struct axes *a,
                      struct study_figure *f, struct pl_err *e)
{
    snprintf(f->title, sizeof f->title,
             "Trained parameters per method (cf. Lester et al. 2021, Fig. 4)");
    snprintf(f->x_label, sizeof f->x_label, "model parameters");
    snprintf(f->y_label, sizeof f->y_label, "trained parameters");
    f->x_log = f->y_log = true;
    int rc = 0;
    if (a->method[STUDY_MODEL]) {
        struct study_series *s = new_series(f, "model tuning (every weight)");
        if (s)
            s->style = STUDY_MODEL;
        for (int j = 0; s && rc == 0 && j < a->n_models; j++)
            rc = group_point(r, n, find_group(r, n, a->model[j], STUDY_MODEL, 0, ""), -2,
                             (double)r[a->model[j]].model_params, s, e);
    }
    for (int l = a->n_lengths - 1; l >= 0 && rc == 0; l--) {
        struct study_series *s = new_series(f, "prompt tuning, %d tokens", a->lengths[l]);
        if (s) /* the longest in prompt tuning's colour, the others after the methods' */
            s->style = l == a->n_lengths - 1 ? STUDY_PROMPT : STUDY_N_METHODS + (a->n_lengths - 2 - l);
        for (int j = 0; s && rc == 0 && j < a->n_models; j++) {
            int g = -1;
            for (int i = 0; i < n && g < 0; i++)
                if (r[i].method == STUDY_PROMPT && r[i].length == a->lengths[l] &&
                    strcmp(r[i].model, r[a->model[j]].model) == 0)
                    g = i;
            rc = group_point(r, n, g, -2, (double)r[a->model[j]].model_params, s, e);
        }
    }
    caption(f->caption, sizeof f->caption, r, n, -1, 6u,
            a->method[STUDY_HARD] ? "A hard prompt trains nothing; prompt tuning trains length "
                                    "x d_model numbers, model tuning every weight"
                                  : "Prompt tuning trains length x d_model numbers, model "
                                    "tuning every weight");
    return rc;
}

void study_figures_free(struct study_figure *figs, int n)
{
    for (int i = 0; figs && i < n; i++)
        for (int j = 0; j < figs[i].n_series; j++)
            free(figs[i].series[j].pts);
    free(figs);
}

int study_figures(const struct study_result *r, int n, struct study_figure **figs, int *n_figs,
                  struct pl_err *e)
{
    *figs = NULL;
    *n_figs = 0;
    struct axes a;
    find_axes(r, n, &a);
    int cap = 3 * a.n_tests + 2;
    struct study_figure *f = calloc((size_t)cap, sizeof *f);
    if (!f)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    int k = 0, rc = 0;
    for (int t = 0; t < a.n_tests && rc == 0; t++) {
        if (a.n_models >= 2)
            rc = fig_scale(r, n, &a, t, new_figure(f, &k, "fig_scale", t, r), e);
        if (rc == 0 && a.n_lengths >= 2)
            rc = fig_length(r, n, &a, t, new_figure(f, &k, "fig_length", t, r), e);
        if (rc == 0 && a.n_inits >= 2)
            rc = fig_init(r, n, &a, t, new_figure(f, &k, "fig_init", t, r), e);
    }
    if (rc == 0 && a.n_tests >= 2)
        rc = fig_tests(r, n, &a, new_figure(f, &k, "fig_tests", -1, r), e);
    if (rc == 0 && (a.method[STUDY_PROMPT] || a.method[STUDY_MODEL]))
        rc = fig_params(r, n, &a, new_figure(f, &k, "fig_params", -1, r), e);
    if (rc) {
        study_figures_free(f, k);
        return rc;
    }
    *figs = f;
    *n_figs = k;
    return 0;
}

int study_write_figures_csv(const char *path, const struct study_figure *figs, int n,
                            struct pl_err *e)
{
    struct pl_str b = {0};
    pl_str_puts(&b, "figure,test,series,x,x_name,y,sd,n\n");
    for (int i = 0; i < n; i++) {
        const struct study_figure *f = &figs[i];
        for (int j = 0; j < f->n_series; j++)
            for (int k = 0; k < f->series[j].n; k++) {
                const struct study_point *p = &f->series[j].pts[k];
                pl_str_csv(&b, f->file);
                pl_str_putc(&b, ',');
                pl_str_csv(&b, f->test);
                pl_str_putc(&b, ',');
                pl_str_csv(&b, f->series[j].name);
                pl_str_printf(&b, ",%.10g,", p->x);
                int c = (int)p->x;
                if (f->n_categories && c >= 0 && c < f->n_categories)
                    pl_str_csv(&b, f->categories[c]);
                pl_str_printf(&b, ",%.10g,", p->y);
                if (isfinite(p->sd))
                    pl_str_printf(&b, "%.4f", p->sd);
                pl_str_printf(&b, ",%d\n", p->n);
            }
    }
    return csv_finish(&b, path, e);
}
