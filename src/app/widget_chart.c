/* widget_chart.c - line charts: axis ranges, nice ticks, and rasterising
 * series into a grid of character cells.
 *
 * The one idea: the plot area is a grid of sub-cell dots (2x4 Braille dots
 * per cell, or one marker per cell); data points map to dots through
 * ui_axis_frac, consecutive points are joined with Bresenham lines after
 * clipping, and the axes, tick labels, title and legend are written as text
 * around the plot. The result is plain data (struct ui_chart_grid) that
 * tests read and widget_draw.c paints; the SVG export reuses the same axes. */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "promptlab/widgets.h"

enum { N_STYLES = UI_N_SERIES };

/* Monochrome markers, one per style. */
static const char markers[N_STYLES] = {'*', '+', 'x', 'o', '#', '@', '%', '=',
                                       '&', '$', '^', 'v', 's', 'z', 'w', 'k'};

void ui_chart_params_default(struct ui_chart_params *p)
{
    memset(p, 0, sizeof *p);
    p->x_scale = UI_SCALE_LINEAR;
    p->y_scale = UI_SCALE_LINEAR;
    p->x_min = p->x_max = p->y_min = p->y_max = NAN;
    p->mode = UI_CHART_BRAILLE;
    p->legend = true;
}

double ui_axis_frac(const struct ui_axis *a, double v)
{
    if (!isfinite(v))
        return NAN;
    if (a->scale == UI_SCALE_LOG10) {
        if (v <= 0)
            return NAN;
        double lo = log10(a->min);
        return (log10(v) - lo) / (log10(a->max) - lo);
    }
    return (v - a->min) / (a->max - a->min);
}

static double x_at(const struct ui_series *s, size_t i)
{
    return s->x ? s->x[i] : (double)i;
}

static bool drawable(double y, enum ui_scale scale)
{
    return isfinite(y) && (scale != UI_SCALE_LOG10 || y > 0);
}

static int style_of(const struct ui_series *s)
{
    return s->style < 0 ? 0 : s->style % N_STYLES;
}

/* Labels must read the same in every locale (a Vietnamese or French locale
 * would print "0,5"), so swap the locale's decimal point back to '.'. */
static void format_label(char *buf, size_t cap, int precision, double v)
{
    snprintf(buf, cap, "%.*g", precision, v);
    const char *dp = localeconv()->decimal_point;
    size_t n = dp ? strlen(dp) : 0;
    if (n == 0 || (n == 1 && dp[0] == '.'))
        return;
    char *at = strstr(buf, dp);
    if (at) {
        *at = '.';
        memmove(at + 1, at + n, strlen(at + n) + 1);
    }
}

static int clamp_ticks(int max_ticks)
{
    return max_ticks < 2 ? 2 : max_ticks > UI_AXIS_MAX_TICKS ? UI_AXIS_MAX_TICKS : max_ticks;
}

/* Smallest step in {1, 2, 5} x 10^k giving at most max_ticks multiples of
 * it inside [min, max]; ticks at those multiples. */
static void ticks_linear(struct ui_axis *a, int max_ticks)
{
    static const double mant[3] = {1, 2, 5};
    double span = a->max - a->min;
    int k = (int)floor(log10(span / max_ticks));
    double step = 1;
    long i0 = 0, i1 = -1;
    for (int found = 0; !found; k++) {
        for (int j = 0; j < 3 && !found; j++) {
            step = mant[j] * pow(10, k);
            i0 = (long)ceil(a->min / step - 1e-9);
            i1 = (long)floor(a->max / step + 1e-9);
            found = i1 - i0 + 1 <= max_ticks;
        }
    }
    a->step = step;
    a->n_ticks = 0;
    /* significant digits that tell neighbouring ticks apart */
    double big = fmax(fabs(a->min), fabs(a->max));
    int prec = (int)floor(log10(big)) - (int)floor(log10(step) + 1e-9) + 1;
    /* %g switches to exponents at 10^prec: keep integers below a million whole */
    int whole = (int)floor(log10(big)) + 1;
    if (whole > 6)
        whole = 6;
    prec = prec < whole ? whole : prec;
    prec = prec < 1 ? 1 : prec > 15 ? 15 : prec;
    for (long i = i0; i <= i1; i++) {
        double v = (double)i * step;
        if (fabs(v) < step * 1e-9)
            v = 0; /* no "-0" and no 1e-17 */
        a->ticks[a->n_ticks] = v;
        format_label(a->labels[a->n_ticks], UI_AXIS_LABEL_CAP, prec, v);
        a->n_ticks++;
    }
}

/* Powers of ten (every few decades when there are many); inside a single
 * decade 1/2/5 x 10^k; failing that, linear ticks. */
static void ticks_log(struct ui_axis *a, int max_ticks)
{
    double lo = log10(a->min), hi = log10(a->max);
    int d0 = (int)ceil(lo - 1e-9), d1 = (int)floor(hi + 1e-9);
    a->n_ticks = 0;
    if (d1 - d0 + 1 >= 2) {
        int every = (d1 - d0 + 1 + max_ticks - 1) / max_ticks;
        a->step = every;
        for (int d = d0; d <= d1; d += every) {
            a->ticks[a->n_ticks] = pow(10, d);
            format_label(a->labels[a->n_ticks], UI_AXIS_LABEL_CAP, 6, pow(10, d));
            a->n_ticks++;
        }
        return;
    }
    static const double mant[3] = {1, 2, 5};
    double found[UI_AXIS_MAX_TICKS];
    int n = 0;
    for (int d = (int)floor(lo) - 1; d <= d1 + 1; d++)
        for (int j = 0; j < 3; j++) {
            double v = mant[j] * pow(10, d);
            if (v >= a->min * (1 - 1e-12) && v <= a->max * (1 + 1e-12) && n < UI_AXIS_MAX_TICKS)
                found[n++] = v;
        }
    if (n >= 2 && n <= max_ticks) {
        a->step = 0;
        for (int i = 0; i < n; i++) {
            a->ticks[i] = found[i];
            format_label(a->labels[i], UI_AXIS_LABEL_CAP, 6, found[i]);
        }
        a->n_ticks = n;
        return;
    }
    ticks_linear(a, max_ticks);
    a->step = 0;
}

static void make_ticks(struct ui_axis *a, int max_ticks)
{
    max_ticks = clamp_ticks(max_ticks);
    if (a->scale == UI_SCALE_LOG10)
        ticks_log(a, max_ticks);
    else
        ticks_linear(a, max_ticks);
}

static int check_fixed(const char *name, double lo, double hi, enum ui_scale scale,
                       struct pl_err *e)
{
    if ((!isnan(lo) && !isfinite(lo)) || (!isnan(hi) && !isfinite(hi)))
        return pl_err_set(e, PL_EINVAL, "chart: %s range must be finite", name);
    if (!isnan(lo) && !isnan(hi) && lo >= hi)
        return pl_err_set(e, PL_EINVAL, "chart: %s range [%g, %g] is empty", name, lo, hi);
    if (scale == UI_SCALE_LOG10 && ((!isnan(lo) && lo <= 0) || (!isnan(hi) && hi <= 0)))
        return pl_err_set(e, PL_EINVAL, "chart: %s range [%g, %g] must be positive on a log scale",
                          name, lo, hi);
    return 0;
}

/* Fill x->min/max and y->min/max (see ui_chart_axes). */
/* The x range: the drawable data, or the fixed bounds. */
static void x_range(struct ui_axis *x, const struct ui_series *s, size_t n_series,
                    const struct ui_chart_params *p)
{
    enum ui_scale xs = p->x_scale, ys = p->y_scale;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t k = 0; k < n_series; k++)
        for (size_t i = 0; i < s[k].n; i++) {
            double xv = x_at(&s[k], i);
            if (!drawable(xv, xs) || !drawable(s[k].y[i], ys))
                continue;
            lo = fmin(lo, xv);
            hi = fmax(hi, xv);
        }
    if (!isnan(p->x_min))
        lo = p->x_min;
    if (!isnan(p->x_max))
        hi = p->x_max;
    bool xlog = xs == UI_SCALE_LOG10;
    if (!isfinite(lo) && !isfinite(hi)) {
        lo = xlog ? 1 : 0;
        hi = xlog ? 10 : 1;
    } else if (!isfinite(lo) || !isfinite(hi) || lo >= hi) {
        /* no data, or a flat range, or data beyond a single fixed bound */
        if (isnan(p->x_max) && isfinite(lo))
            hi = xlog ? lo * 10 : lo + 1;
        else
            lo = xlog ? hi / 10 : hi - 1;
    }
    x->min = lo;
    x->max = hi;
    x->scale = xs;
}

/* The y range of the data inside the x range, with a margin. */
static void y_range(struct ui_axis *y, const struct ui_axis *x, const struct ui_series *s,
                    size_t n_series, const struct ui_chart_params *p)
{
    enum ui_scale xs = p->x_scale, ys = p->y_scale;
    double lo = x->min, hi = x->max;
    double ylo = INFINITY, yhi = -INFINITY;
    for (size_t k = 0; k < n_series; k++)
        for (size_t i = 0; i < s[k].n; i++) {
            double xv = x_at(&s[k], i), yv = s[k].y[i];
            if (!drawable(xv, xs) || xv < lo || xv > hi || !drawable(yv, ys))
                continue;
            ylo = fmin(ylo, yv);
            yhi = fmax(yhi, yv);
            double d = p->y_err && p->y_err[k] ? p->y_err[k][i] : NAN;
            if (isfinite(d) && d > 0) {
                if (drawable(yv - d, ys))
                    ylo = fmin(ylo, yv - d);
                yhi = fmax(yhi, yv + d);
            }
        }
    y->scale = ys;
    if (ys == UI_SCALE_LOG10) {
        if (!isfinite(ylo)) {
            ylo = 1;
            yhi = 10;
        } else {
            double a = log10(ylo), b = log10(yhi);
            double m = a == b ? 0.5 : 0.05 * (b - a);
            ylo = pow(10, a - m);
            yhi = pow(10, b + m);
        }
    } else {
        if (!isfinite(ylo)) {
            ylo = 0;
            yhi = 1;
        } else if (ylo == yhi) {
            double m = ylo == 0 ? 1 : fabs(ylo) * 0.1;
            ylo = ylo == 0 ? 0 : ylo - m;
            yhi += m;
        } else {
            double m = 0.05 * (yhi - ylo);
            /* a margin must not invent negative losses or accuracies */
            ylo = ylo >= 0 && ylo - m < 0 ? 0 : ylo - m;
            yhi = yhi <= 0 && yhi + m > 0 ? 0 : yhi + m;
        }
    }
    if (!isnan(p->y_min))
        ylo = p->y_min;
    if (!isnan(p->y_max))
        yhi = p->y_max;
    if (ylo >= yhi) { /* one bound fixed beyond the data */
        bool log = ys == UI_SCALE_LOG10;
        if (isnan(p->y_max))
            yhi = log ? ylo * 10 : ylo + 1;
        else
            ylo = log ? yhi / 10 : yhi - 1;
    }
    y->min = ylo;
    y->max = yhi;
}

static void ranges(struct ui_axis *x, struct ui_axis *y, const struct ui_series *s,
                   size_t n_series, const struct ui_chart_params *p)
{
    x_range(x, s, n_series, p);
    y_range(y, x, s, n_series, p);
}

/* Tick labels of 1000 and up with a suffix: 1.5K, 2M, 3G. */
static void si_labels(struct ui_axis *a)
{
    for (int i = 0; i < a->n_ticks; i++) {
        double v = a->ticks[i], m = fabs(v);
        const char *suf = m >= 1e9 ? "G" : m >= 1e6 ? "M" : m >= 1e3 ? "K" : NULL;
        if (!suf)
            continue;
        double scaled = v / (m >= 1e9 ? 1e9 : m >= 1e6 ? 1e6 : 1e3);
        char buf[UI_AXIS_LABEL_CAP];
        format_label(buf, sizeof buf, 3, scaled);
        snprintf(a->labels[i], UI_AXIS_LABEL_CAP, "%.20s%s", buf, suf);
    }
}

/* Categories: one tick per index inside the range, labelled with its name. */
static void category_ticks(struct ui_axis *x, const struct ui_chart_params *p)
{
    if (isnan(p->x_min) && isnan(p->x_max)) {
        x->min = -0.5;
        x->max = p->n_x_names - 0.5;
    }
    x->step = 1;
    x->n_ticks = 0;
    for (int i = 0; i < p->n_x_names && x->n_ticks < UI_AXIS_MAX_TICKS; i++)
        if (i >= x->min && i <= x->max) {
            x->ticks[x->n_ticks] = i;
            snprintf(x->labels[x->n_ticks++], UI_AXIS_LABEL_CAP, "%s",
                     p->x_names[i] ? p->x_names[i] : "");
        }
}

int ui_chart_axes(struct ui_axis *x, struct ui_axis *y, const struct ui_series *s,
                  size_t n_series, const struct ui_chart_params *p, int max_x_ticks,
                  int max_y_ticks, struct pl_err *e)
{
    int rc = check_fixed("x", p->x_min, p->x_max, p->x_scale, e);
    if (rc == 0)
        rc = check_fixed("y", p->y_min, p->y_max, p->y_scale, e);
    if (rc < 0)
        return rc;
    memset(x, 0, sizeof *x);
    memset(y, 0, sizeof *y);
    ranges(x, y, s, n_series, p);
    make_ticks(x, max_x_ticks);
    make_ticks(y, max_y_ticks);
    if (p->n_x_names > 0 && p->x_names && p->x_scale == UI_SCALE_LINEAR)
        category_ticks(x, p);
    else if (p->si_labels)
        si_labels(x);
    if (p->si_labels)
        si_labels(y);
    return 0;
}

void ui_chart_grid_init(struct ui_chart_grid *g)
{
    memset(g, 0, sizeof *g);
}

void ui_chart_grid_free(struct ui_chart_grid *g)
{
    if (!g)
        return;
    free(g->cells);
    memset(g, 0, sizeof *g);
}

const struct ui_cell *ui_chart_cell(const struct ui_chart_grid *g, int row, int col)
{
    if (!g->cells || row < 0 || col < 0 || row >= g->h || col >= g->w)
        return NULL;
    return &g->cells[(size_t)row * (size_t)g->w + (size_t)col];
}

static struct ui_cell *cell(struct ui_chart_grid *g, int row, int col)
{
    return (struct ui_cell *)ui_chart_cell(g, row, col);
}

static void set_cell(struct ui_chart_grid *g, int row, int col, uint32_t cp,
                     enum ui_cell_kind kind, int series, int style)
{
    struct ui_cell *c = cell(g, row, col);
    if (!c)
        return;
    c->cp = cp;
    c->kind = (uint8_t)kind;
    c->series = (int16_t)series;
    c->style = (int16_t)style;
}

/* Write text into row from col, at most maxw columns (cut with an
 * ellipsis); returns the columns used. */
static int put_text(struct ui_chart_grid *g, int row, int col, int maxw, const char *s,
                    enum ui_cell_kind kind, int series, int style, unsigned flags)
{
    if (maxw <= 0 || !s)
        return 0;
    size_t len = strlen(s);
    int tw = ui_text_width(s, len);
    int width = tw < maxw ? tw : maxw;
    size_t cap = 4 * (size_t)width + 16;
    char *buf = malloc(cap);
    if (!buf)
        return 0;
    ui_text_fit(buf, cap, s, len, width, UI_ALIGN_LEFT, flags);
    int c = col;
    size_t i = 0, n = strlen(buf);
    while (i < n && c < col + width) {
        uint32_t cp;
        i += ui_utf8_decode(buf + i, n - i, &cp);
        int cw = ui_cp_width(cp);
        if (cw <= 0)
            continue; /* the grid holds one code point per cell */
        if (c + cw > col + width)
            break;
        set_cell(g, row, c, cp, kind, series, style);
        if (cw == 2)
            set_cell(g, row, c + 1, 0, kind, series, style);
        c += cw;
    }
    free(buf);
    return c - col;
}

/* Everything the rasteriser needs about the plot area. */
struct raster {
    struct ui_chart_grid *g;
    bool glyph;
    int xsub, ysub; /* dots per cell */
    int sx, sy;     /* dots across and down */
};

static void dot(const struct raster *r, int px, int py, int series, int style)
{
    if (px < 0 || py < 0 || px >= r->sx || py >= r->sy)
        return;
    struct ui_chart_grid *g = r->g;
    struct ui_cell *c = cell(g, g->plot_y + py / r->ysub, g->plot_x + px / r->xsub);
    if (r->glyph) {
        c->cp = (uint32_t)markers[style];
    } else {
        int dx = px % 2, dy = py % 4;
        uint32_t bit = dy < 3 ? 1u << (dy + 3 * dx) : dx ? 0x80u : 0x40u;
        if (c->kind != UI_CELL_PLOT)
            c->cp = 0x2800;
        c->cp |= bit;
    }
    c->kind = UI_CELL_PLOT;
    c->series = (int16_t)series; /* the last series drawn owns the colour */
    c->style = (int16_t)style;
}

/* Liang-Barsky: clip the segment to [0, xmax] x [0, ymax]; false when it
 * misses the box entirely. */
static bool clip(double *x0, double *y0, double *x1, double *y1, double xmax, double ymax)
{
    double t0 = 0, t1 = 1, dx = *x1 - *x0, dy = *y1 - *y0;
    double pk[4] = {-dx, dx, -dy, dy};
    double qk[4] = {*x0, xmax - *x0, *y0, ymax - *y0};
    for (int k = 0; k < 4; k++) {
        if (pk[k] == 0) {
            if (qk[k] < 0)
                return false;
            continue;
        }
        double t = qk[k] / pk[k];
        if (pk[k] < 0) {
            if (t > t1)
                return false;
            if (t > t0)
                t0 = t;
        } else {
            if (t < t0)
                return false;
            if (t < t1)
                t1 = t;
        }
    }
    double ax = *x0 + t0 * dx, ay = *y0 + t0 * dy;
    *x1 = *x0 + t1 * dx;
    *y1 = *y0 + t1 * dy;
    *x0 = ax;
    *y0 = ay;
    return true;
}

static void segment(const struct raster *r, double fx0, double fy0, double fx1, double fy1,
                    int series, int style)
{
    if (!clip(&fx0, &fy0, &fx1, &fy1, r->sx - 1, r->sy - 1))
        return;
    int x0 = (int)lround(fx0), y0 = (int)lround(fy0);
    int x1 = (int)lround(fx1), y1 = (int)lround(fy1);
    int dx = abs(x1 - x0), dy = -abs(y1 - y0);
    int stx = x0 < x1 ? 1 : -1, sty = y0 < y1 ? 1 : -1;
    int err = dx + dy;
    for (;;) {
        dot(r, x0, y0, series, style);
        if (x0 == x1 && y0 == y1)
            break;
        int e2 = 2 * err;
        if (e2 >= dy) {
            err += dy;
            x0 += stx;
        }
        if (e2 <= dx) {
            err += dx;
            y0 += sty;
        }
    }
}

static void plot_series(const struct raster *r, const struct ui_series *s, int series)
{
    struct ui_chart_grid *g = r->g;
    int style = style_of(s);
    bool have_prev = false;
    double pfx = 0, pfy = 0;
    for (size_t i = 0; i < s->n; i++) {
        double fx = ui_axis_frac(&g->x, x_at(s, i));
        double fy = ui_axis_frac(&g->y, s->y[i]);
        if (isnan(fx) || isnan(fy)) {
            g->n_hidden++;
            have_prev = false;
            continue;
        }
        fx = fx * (r->sx - 1);
        fy = (1 - fy) * (r->sy - 1);
        if (have_prev)
            segment(r, pfx, pfy, fx, fy, series, style);
        else
            segment(r, fx, fy, fx, fy, series, style);
        pfx = fx;
        pfy = fy;
        have_prev = true;
    }
}

/* Column of the x tick / row of the y tick, through the same mapping as the
 * data. */
static int tick_col(const struct raster *r, double v)
{
    double f = ui_axis_frac(&r->g->x, v);
    return r->g->plot_x + (int)lround(f * (r->sx - 1)) / r->xsub;
}

static int tick_row(const struct raster *r, double v)
{
    double f = ui_axis_frac(&r->g->y, v);
    return r->g->plot_y + (int)lround((1 - f) * (r->sy - 1)) / r->ysub;
}

/* Place (or, when !write, just test) the x tick labels; returns how many
 * labels had to be skipped because they would touch their neighbour. */
static int x_labels(const struct raster *r, int row, bool write, unsigned flags)
{
    struct ui_chart_grid *g = r->g;
    int skipped = 0, last_end = -2;
    for (int i = 0; i < g->x.n_ticks; i++) {
        const char *lab = g->x.labels[i];
        int len = (int)strlen(lab);
        int start = tick_col(r, g->x.ticks[i]) - len / 2;
        if (start + len > g->w)
            start = g->w - len;
        if (start < 0)
            start = 0;
        if (start <= last_end) {
            skipped++;
            continue;
        }
        if (write)
            put_text(g, row, start, len, lab, UI_CELL_LABEL, -1, -1, flags);
        last_end = start + len;
    }
    return skipped;
}

/* The axes, their ticks and the y labels (ylw columns wide). */
static void draw_axes(struct raster *r, int ylw, bool ascii, unsigned flags)
{
    struct ui_chart_grid *g = r->g;
    uint32_t vline = ascii ? '|' : 0x2502, hline = ascii ? '-' : 0x2500, corner = ascii ? '+' : 0x2514;
    uint32_t ytick = ascii ? '+' : 0x2524, xtick = ascii ? '+' : 0x252C;
    int axis_row = g->plot_y + g->plot_h, ax = g->plot_x - 1;
    for (int row = g->plot_y; row < axis_row; row++)
        set_cell(g, row, ax, vline, UI_CELL_AXIS, -1, -1);
    set_cell(g, axis_row, ax, corner, UI_CELL_AXIS, -1, -1);
    for (int col = g->plot_x; col < g->w; col++)
        set_cell(g, axis_row, col, hline, UI_CELL_AXIS, -1, -1);
    int last_row = -1;
    for (int i = 0; i < g->y.n_ticks; i++) {
        int row = tick_row(r, g->y.ticks[i]);
        set_cell(g, row, ax, ytick, UI_CELL_AXIS, -1, -1);
        if (row == last_row)
            continue; /* two ticks on one row: label only the first */
        const char *lab = g->y.labels[i];
        int lw = (int)strlen(lab);
        lw = lw < ylw ? lw : ylw;
        put_text(g, row, ylw - lw, ylw, lab, UI_CELL_LABEL, -1, -1, flags);
        last_row = row;
    }
    for (int i = 0; i < g->x.n_ticks; i++)
        set_cell(g, axis_row, tick_col(r, g->x.ticks[i]), xtick, UI_CELL_AXIS, -1, -1);
    x_labels(r, axis_row + 1, true, flags);
}

static void draw_legend(struct raster *r, const struct ui_series *s, size_t n_series, unsigned flags)
{
    struct ui_chart_grid *g = r->g;
    int col = g->plot_x, row = g->h - 1, w = g->w;
    for (size_t k = 0; k < n_series && col < w - 2; k++) {
        int st = style_of(&s[k]);
        set_cell(g, row, col, r->glyph ? (uint32_t)markers[st] : 0x28FF, UI_CELL_LEGEND, (int)k, st);
        col += 2;
        col += put_text(g, row, col, w - col, s[k].name ? s[k].name : "", UI_CELL_LEGEND, (int)k,
                        st, flags);
        col += 3;
    }
}

/* Size the grid to w x h and blank it. */
static int grid_reset(struct ui_chart_grid *g, int w, int h, struct pl_err *e)
{
    if (w < 8 || h < 3)
        return pl_err_set(e, PL_ERANGE, "chart: %dx%d cells is too small (needs 8x3)", w, h);
    size_t need = (size_t)w * (size_t)h;
    if (need > g->cap) {
        struct ui_cell *c = realloc(g->cells, need * sizeof *c);
        if (!c)
            return pl_err_set(e, PL_ENOMEM, "chart: out of memory for %dx%d cells", w, h);
        g->cells = c;
        g->cap = need;
    }
    g->w = w;
    g->h = h;
    g->n_hidden = 0;
    for (size_t i = 0; i < need; i++)
        g->cells[i] = (struct ui_cell){' ', -1, -1, UI_CELL_EMPTY};
    return 0;
}

int ui_chart_layout(struct ui_chart_grid *g, int w, int h, const struct ui_series *s,
                    size_t n_series, const struct ui_chart_params *p, struct pl_err *e)
{
    struct ui_chart_params def;
    if (!p) {
        ui_chart_params_default(&def);
        p = &def;
    }
    int rc = grid_reset(g, w, h, e);
    if (rc)
        return rc;
    unsigned flags = p->ascii ? UI_TEXT_ASCII : 0;
    struct raster r = {.g = g, .glyph = p->ascii || p->mode == UI_CHART_GLYPH};
    r.xsub = r.glyph ? 1 : 2;
    r.ysub = r.glyph ? 1 : 4;
    /* keep at least 3 plot rows before spending rows on a legend or title */
    int legend_rows = p->legend && n_series > 0 && h >= 6;
    int title_rows = p->title && p->title[0] && h - legend_rows >= 6;
    g->plot_y = title_rows;
    g->plot_h = h - title_rows - legend_rows - 2;

    rc = ui_chart_axes(&g->x, &g->y, s, n_series, p, 2, (g->plot_h + 2) / 3, e);
    if (rc < 0)
        return rc;
    int ylw = 1;
    for (int i = 0; i < g->y.n_ticks; i++) {
        int lw = (int)strlen(g->y.labels[i]);
        ylw = lw > ylw ? lw : ylw;
    }
    if (ylw > w / 3)
        ylw = w / 3;
    g->plot_x = ylw + 1;
    g->plot_w = w - g->plot_x;
    r.sx = g->plot_w * r.xsub;
    r.sy = g->plot_h * r.ysub;

    /* as many x ticks as fit with a space between labels (categories keep
     * one tick per name, as ui_chart_axes made them) */
    bool categories = p->n_x_names > 0 && p->x_names && p->x_scale == UI_SCALE_LINEAR;
    for (int mx = clamp_ticks(g->plot_w / 6); !categories; mx--) {
        make_ticks(&g->x, mx);
        if (p->si_labels)
            si_labels(&g->x);
        if (mx <= 2 || x_labels(&r, 0, false, flags) == 0)
            break;
    }
    draw_axes(&r, ylw, p->ascii, flags);
    for (size_t k = 0; k < n_series; k++)
        plot_series(&r, &s[k], (int)k);
    if (legend_rows)
        draw_legend(&r, s, n_series, flags);
    if (title_rows) {
        int tw = ui_text_width(p->title, strlen(p->title));
        int start = tw >= w ? 0 : (w - tw) / 2;
        put_text(g, 0, start, w, p->title, UI_CELL_TITLE, -1, -1, flags);
    }
    return 0;
}
