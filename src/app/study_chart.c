/* study_chart.c - a study figure (score against size, length, init ...)
 * as the chart widget's series and parameters: one recipe for the SVG files
 * `promptlab experiment` writes and for the TUI's experiment page. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "study_chart.h"

int study_chart_init(struct study_chart *c, const struct study_figure *f, struct pl_err *e)
{
    *c = (struct study_chart){0};
    size_t total = 0;
    for (int j = 0; j < f->n_series; j++)
        total += (size_t)f->series[j].n;
    c->buf = malloc(sizeof *c->buf * 3 * (total + 1));
    if (!c->buf)
        return pl_err_set(e, PL_ENOMEM, "out of memory drawing %s", f->file);
    double *xs = c->buf, *ys = xs + total + 1, *sd = ys + total + 1;
    size_t k = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (int j = 0; j < f->n_series; j++) {
        c->s[j] = (struct ui_series){f->series[j].name, xs + k, ys + k, (size_t)f->series[j].n,
                                     f->series[j].style};
        c->err[j] = sd + k;
        for (int p = 0; p < f->series[j].n; p++, k++) {
            xs[k] = f->series[j].pts[p].x;
            ys[k] = f->series[j].pts[p].y;
            sd[k] = f->series[j].pts[p].sd;
            lo = fmin(lo, xs[k]);
            hi = fmax(hi, xs[k]);
        }
    }
    c->n = (size_t)f->n_series;
    for (int i = 0; i < f->n_categories; i++)
        c->names[i] = f->categories[i];
    struct ui_chart_params *p = &c->p;
    ui_chart_params_default(p);
    p->title = f->title;
    p->caption = f->caption;
    p->x_label = f->x_label;
    p->y_label = f->y_label;
    p->x_scale = f->x_log ? UI_SCALE_LOG10 : UI_SCALE_LINEAR;
    p->y_scale = f->y_log ? UI_SCALE_LOG10 : UI_SCALE_LINEAR;
    p->x_names = f->n_categories ? c->names : NULL;
    p->n_x_names = f->n_categories;
    p->markers = true;
    p->y_err = c->err;
    p->si_labels = true;
    if (f->x_log && lo > 0 && isfinite(hi)) { /* room for the dots at both ends */
        p->x_min = lo / 1.25;
        p->x_max = hi * 1.25;
    }
    return 0;
}

void study_chart_free(struct study_chart *c)
{
    free(c->buf);
    c->buf = NULL;
}

/* 1234567 -> "1.23M", 3840 -> "3.84K". */
static void count_str(char *buf, size_t cap, long long v)
{
    if (v >= 1000000)
        snprintf(buf, cap, "%.3gM", (double)v / 1e6);
    else if (v >= 1000)
        snprintf(buf, cap, "%.3gK", (double)v / 1e3);
    else
        snprintf(buf, cap, "%lld", v);
}

/* "mean ± sd", "mean" with one seed, "-" for none. */
static void cell_str(char *buf, size_t cap, double mean, double sd)
{
    if (!isfinite(mean))
        snprintf(buf, cap, "-");
    else if (isfinite(sd))
        snprintf(buf, cap, "%.2f ± %.2f", mean, sd);
    else
        snprintf(buf, cap, "%.2f", mean);
}

/* Append to buf at *at, never past cap. */
static void put(char *buf, size_t cap, size_t *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t cap, size_t *at, const char *fmt, ...)
{
    if (*at >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *at, cap - *at, fmt, ap);
    va_end(ap);
    if (n > 0)
        *at = *at + (size_t)n < cap ? *at + (size_t)n : cap - 1;
}

void study_table_header(const struct study_result *r, const struct study_row *rows, int n_rows,
                        char *buf, size_t cap)
{
    size_t at = 0;
    int n_tests = n_rows ? r[rows[0].first].n_tests : 0;
    put(buf, cap, &at, "%-20s %7s %-6s %4s %-14s %5s %9s  %-15s", "model", "params", "method",
        "len", "init", "seeds", "trained", "valid");
    for (int t = 0; t < n_tests; t++)
        put(buf, cap, &at, "  %-15.15s", r[rows[0].first].test_names[t]);
    put(buf, cap, &at, "  %8s", "s/cell");
}

void study_table_line(const struct study_result *r, const struct study_row *w, char *buf,
                      size_t cap)
{
    const struct study_result *x = &r[w->first];
    char mb[512], pc[32], tc[32], v[48], len[16];
    size_t at = 0;
    count_str(pc, sizeof pc, x->model_params);
    count_str(tc, sizeof tc, x->trained_params);
    cell_str(v, sizeof v, w->valid, w->valid_sd);
    snprintf(len, sizeof len, "%d", x->length);
    put(buf, cap, &at, "%-20.20s %7s %-6s %4s %-14.14s %5d %9s  %-15s",
        pl_path_base(x->model, mb, sizeof mb), pc, study_method_name(x->method),
        x->method == STUDY_PROMPT ? len : "-", x->method == STUDY_PROMPT ? x->init : "-", w->n,
        tc, v);
    for (int t = 0; t < x->n_tests; t++) {
        cell_str(v, sizeof v, w->test[t], w->test_sd[t]);
        put(buf, cap, &at, "  %-15s", v);
    }
    put(buf, cap, &at, "  %8.1f", w->seconds);
}
