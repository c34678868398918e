/* widget_export.c - charts to SVG, tables to Markdown and CSV, for slides
 * and reports.
 *
 * The one idea: each export renders the whole document into a growing
 * string buffer and hands it to pl_write_file_atomic, so a file on disk is
 * either the old one or the complete new one. Numbers are written with
 * integer arithmetic (never printf's %f), so the output is the same in every
 * locale; the chart reuses ui_chart_axes, so slides and terminal agree on
 * ranges and ticks. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "promptlab/widgets.h"





/* A coordinate with one decimal, e.g. "123.4", "-0.5". */
static void sb_num(struct pl_str *b, double v)
{
    if (!isfinite(v))
        v = 0;
    v = fmax(-1e6, fmin(1e6, v)); /* far outliers: the clip path hides them anyway */
    long t = lround(v * 10);
    long a = labs(t);
    pl_str_printf(b, "%s%ld.%ld", t < 0 ? "-" : "", a / 10, a % 10);
}

/* Sanitised text with XML's five special characters escaped. */
static void sb_xml(struct pl_str *b, const char *s)
{
    char *t = ui_text_sanitise_dup(s ? s : "", s ? strlen(s) : 0, 0);
    if (!t) {
        b->oom = true;
        return;
    }
    for (const char *c = t; *c; c++) {
        switch (*c) {
        case '&': pl_str_puts(b, "&amp;"); break;
        case '<': pl_str_puts(b, "&lt;"); break;
        case '>': pl_str_puts(b, "&gt;"); break;
        case '"': pl_str_puts(b, "&quot;"); break;
        case '\'': pl_str_puts(b, "&apos;"); break;
        default: pl_str_put(b, c, 1);
        }
    }
    free(t);
}

static int finish(struct pl_str *b, const char *path, struct pl_err *e)
{
    int rc;
    if (b->oom)
        rc = pl_err_set(e, PL_ENOMEM, "%s: out of memory while exporting", path);
    else
        rc = pl_write_file_atomic(path, b->p ? b->p : "", b->n, e);
    free(b->p);
    return rc;
}

/* Okabe-Ito colours (safe for colour-blind readers) and dash patterns, so
 * series stay apart on a grey-scale printout too. */
static const char *const svg_colors[UI_N_SERIES] = {
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999",
    "#7B2D8E", "#8C564B", "#1B9E77", "#E7298A", "#66A61E", "#A6761D", "#1F3A93", "#B8860B"};
static const char *const svg_dashes[4] = {"", "8 4", "2 3", "10 4 2 4"};

/* Approximate advance of one column of text at font size 13. */
enum { CHAR_PX = 8 };

struct svg_plot {
    double left, top, w, h;
    const struct ui_axis *x, *y;
};

static double px_x(const struct svg_plot *sp, double v)
{
    return sp->left + ui_axis_frac(sp->x, v) * sp->w;
}

static double px_y(const struct svg_plot *sp, double v)
{
    return sp->top + (1 - ui_axis_frac(sp->y, v)) * sp->h;
}

/* Dots at every point and error bars (a vertical line with short caps). */
static void svg_marks(struct pl_str *b, const struct svg_plot *sp, const struct ui_series *s,
                      const double *err, bool markers)
{
    int st = s->style < 0 ? 0 : s->style % UI_N_SERIES;
    for (size_t i = 0; i < s->n; i++) {
        double xv = s->x ? s->x[i] : (double)i, yv = s->y[i];
        if (isnan(ui_axis_frac(sp->x, xv)) || isnan(ui_axis_frac(sp->y, yv)))
            continue;
        double px = px_x(sp, xv), py = px_y(sp, yv);
        double d = err ? err[i] : NAN;
        if (isfinite(d) && d > 0) {
            double lo = isnan(ui_axis_frac(sp->y, yv - d)) ? sp->top + sp->h : px_y(sp, yv - d);
            double hi = px_y(sp, yv + d);
            pl_str_printf(b, "<path stroke=\"%s\" stroke-width=\"1.5\" d=\"M", svg_colors[st]);
            sb_num(b, px);
            pl_str_puts(b, " ");
            sb_num(b, lo);
            pl_str_puts(b, " V");
            sb_num(b, hi);
            pl_str_puts(b, " M");
            sb_num(b, px - 4);
            pl_str_puts(b, " ");
            sb_num(b, hi);
            pl_str_puts(b, " h8 M");
            sb_num(b, px - 4);
            pl_str_puts(b, " ");
            sb_num(b, lo);
            pl_str_puts(b, " h8\"/>\n");
        }
        if (markers) {
            pl_str_printf(b, "<circle fill=\"%s\" stroke=\"white\" stroke-width=\"1\" r=\"4\" cx=\"",
                          svg_colors[st]);
            sb_num(b, px);
            pl_str_puts(b, "\" cy=\"");
            sb_num(b, py);
            pl_str_puts(b, "\"/>\n");
        }
    }
}

static void svg_series(struct pl_str *b, const struct svg_plot *sp, const struct ui_series *s)
{
    int st = s->style < 0 ? 0 : s->style % UI_N_SERIES;
    size_t run = 0;
    for (size_t i = 0; i <= s->n; i++) {
        double xv = i < s->n ? (s->x ? s->x[i] : (double)i) : NAN;
        double fx = i < s->n ? ui_axis_frac(sp->x, xv) : NAN;
        double fy = i < s->n ? ui_axis_frac(sp->y, s->y[i]) : NAN;
        bool ok = !isnan(fx) && !isnan(fy);
        if (ok) {
            if (run == 0) {
                pl_str_printf(b, "<polyline stroke=\"%s\"", svg_colors[st]);
                if (svg_dashes[st % 4][0])
                    pl_str_printf(b, " stroke-dasharray=\"%s\"", svg_dashes[st % 4]);
                pl_str_puts(b, " points=\"");
            } else {
                pl_str_puts(b, " ");
            }
            sb_num(b, px_x(sp, xv));
            pl_str_puts(b, ",");
            sb_num(b, px_y(sp, s->y[i]));
            run++;
        } else if (run > 0) {
            pl_str_puts(b, "\"/>\n");
            if (run == 1) { /* a lone point: a polyline of one point draws nothing */
                size_t j = i - 1;
                double jx = s->x ? s->x[j] : (double)j;
                pl_str_printf(b, "<circle fill=\"%s\" stroke=\"none\" r=\"2.5\" cx=\"",
                              svg_colors[st]);
                sb_num(b, px_x(sp, jx));
                pl_str_puts(b, "\" cy=\"");
                sb_num(b, px_y(sp, s->y[j]));
                pl_str_puts(b, "\"/>\n");
            }
            run = 0;
        }
    }
}

/* Grid lines, tick labels and the two axes. */
static void svg_frame(struct pl_str *sb, const struct svg_plot *sp)
{
    const struct ui_axis x = *sp->x, y = *sp->y;
    double left = sp->left, top = sp->top, plot_w = sp->w, plot_h = sp->h;
    /* grid lines and tick labels */
    pl_str_puts(sb, "<g stroke=\"#dddddd\" stroke-width=\"1\">\n");
    for (int i = 0; i < y.n_ticks; i++) {
        double ty = px_y(sp, y.ticks[i]);
        pl_str_puts(sb, "<line x1=\"");
        sb_num(sb, left);
        pl_str_puts(sb, "\" x2=\"");
        sb_num(sb, left + plot_w);
        pl_str_puts(sb, "\" y1=\"");
        sb_num(sb, ty);
        pl_str_puts(sb, "\" y2=\"");
        sb_num(sb, ty);
        pl_str_puts(sb, "\"/>\n");
    }
    for (int i = 0; i < x.n_ticks; i++) {
        double tx = px_x(sp, x.ticks[i]);
        pl_str_puts(sb, "<line x1=\"");
        sb_num(sb, tx);
        pl_str_puts(sb, "\" x2=\"");
        sb_num(sb, tx);
        pl_str_puts(sb, "\" y1=\"");
        sb_num(sb, top);
        pl_str_puts(sb, "\" y2=\"");
        sb_num(sb, top + plot_h);
        pl_str_puts(sb, "\"/>\n");
    }
    pl_str_puts(sb, "</g>\n<g fill=\"#333333\">\n");
    for (int i = 0; i < y.n_ticks; i++) {
        pl_str_puts(sb, "<text text-anchor=\"end\" x=\"");
        sb_num(sb, left - 6);
        pl_str_puts(sb, "\" y=\"");
        sb_num(sb, px_y(sp, y.ticks[i]) + 4.5);
        pl_str_puts(sb, "\">");
        sb_xml(sb, y.labels[i]);
        pl_str_puts(sb, "</text>\n");
    }
    for (int i = 0; i < x.n_ticks; i++) {
        pl_str_puts(sb, "<text text-anchor=\"middle\" x=\"");
        sb_num(sb, px_x(sp, x.ticks[i]));
        pl_str_puts(sb, "\" y=\"");
        sb_num(sb, top + plot_h + 18);
        pl_str_puts(sb, "\">");
        sb_xml(sb, x.labels[i]);
        pl_str_puts(sb, "</text>\n");
    }
    pl_str_puts(sb, "</g>\n");

    /* axes */
    pl_str_puts(sb, "<path fill=\"none\" stroke=\"#333333\" stroke-width=\"1\" d=\"M");
    sb_num(sb, left);
    pl_str_puts(sb, " ");
    sb_num(sb, top);
    pl_str_puts(sb, " V");
    sb_num(sb, top + plot_h);
    pl_str_puts(sb, " H");
    sb_num(sb, left + plot_w);
    pl_str_puts(sb, "\"/>\n");

}

/* The title and the axis labels; returns the y below the x axis's label. */
static double svg_labels(struct pl_str *sb, const struct svg_plot *sp,
                         const struct ui_chart_params *p, int width)
{
    bool title = p->title && p->title[0];
    double left = sp->left, top = sp->top, plot_w = sp->w, plot_h = sp->h;
    if (title) {
        pl_str_puts(sb, "<text text-anchor=\"middle\" font-size=\"18\" font-weight=\"bold\" x=\"");
        sb_num(sb, width / 2.0);
        pl_str_puts(sb, "\" y=\"30\">");
        sb_xml(sb, p->title);
        pl_str_puts(sb, "</text>\n");
    }
    double below = top + plot_h + 30;
    if (p->x_label && p->x_label[0]) {
        pl_str_puts(sb, "<text text-anchor=\"middle\" font-size=\"14\" x=\"");
        sb_num(sb, left + plot_w / 2);
        pl_str_puts(sb, "\" y=\"");
        sb_num(sb, below + 14);
        pl_str_puts(sb, "\">");
        sb_xml(sb, p->x_label);
        pl_str_puts(sb, "</text>\n");
        below += 26;
    }
    if (p->y_label && p->y_label[0]) {
        double cx = 18, cy = top + plot_h / 2;
        pl_str_puts(sb, "<text text-anchor=\"middle\" font-size=\"14\" x=\"");
        sb_num(sb, cx);
        pl_str_puts(sb, "\" y=\"");
        sb_num(sb, cy);
        pl_str_puts(sb, "\" transform=\"rotate(-90 ");
        sb_num(sb, cx);
        pl_str_puts(sb, " ");
        sb_num(sb, cy);
        pl_str_puts(sb, ")\">");
        sb_xml(sb, p->y_label);
        pl_str_puts(sb, "</text>\n");
    }

    return below;
}

/* Where legend entry n-1 goes when entries flow from x0 and wrap at x1:
 * its x into *x and row into *row (either may be NULL); returns the rows
 * the first n entries take. An entry wider than a row gets a row alone. */
static int legend_layout(const struct ui_series *s, size_t n, double x0, double x1, double *x,
                         int *row)
{
    double lx = x0;
    int r = 0;
    for (size_t k = 0; k < n; k++) {
        const char *name = s[k].name ? s[k].name : "";
        double w = 30 + CHAR_PX * ui_text_width(name, strlen(name));
        if (lx > x0 && lx + w > x1) {
            r++;
            lx = x0;
        }
        if (k + 1 == n) {
            if (x)
                *x = lx;
            if (row)
                *row = r;
        }
        lx += w + 24;
    }
    return r + 1;
}

/* The legend from x0, wrapped into rows at x1; returns the y below it. */
static double svg_legend(struct pl_str *sb, const struct ui_series *s, size_t n_series,
                         double x0, double x1, double below)
{
    pl_str_puts(sb, "<g font-size=\"13\">\n");
    for (size_t k = 0; k < n_series; k++) {
        int st = s[k].style < 0 ? 0 : s[k].style % UI_N_SERIES;
        const char *name = s[k].name ? s[k].name : "";
        double lx;
        int row;
        legend_layout(s, k + 1, x0, x1, &lx, &row);
        double ly = below + 12 + 22 * row;
        pl_str_printf(sb, "<line stroke=\"%s\" stroke-width=\"2\"", svg_colors[st]);
        if (svg_dashes[st % 4][0])
            pl_str_printf(sb, " stroke-dasharray=\"%s\"", svg_dashes[st % 4]);
        pl_str_puts(sb, " x1=\"");
        sb_num(sb, lx);
        pl_str_puts(sb, "\" x2=\"");
        sb_num(sb, lx + 24);
        pl_str_puts(sb, "\" y1=\"");
        sb_num(sb, ly);
        pl_str_puts(sb, "\" y2=\"");
        sb_num(sb, ly);
        pl_str_puts(sb, "\"/>\n<text x=\"");
        sb_num(sb, lx + 30);
        pl_str_puts(sb, "\" y=\"");
        sb_num(sb, ly + 4.5);
        pl_str_puts(sb, "\">");
        sb_xml(sb, name);
        pl_str_puts(sb, "</text>\n");
    }
    pl_str_puts(sb, "</g>\n");
    return below + 8 + 22 * legend_layout(s, n_series, x0, x1, NULL, NULL);
}

/* Approximate advance of one character of the caption (font size 12). */
enum { CAPTION_PX = 7 };

/* Text broken at spaces into lines of at most `cols` characters, each line
 * NUL-terminated one after the other in *b; returns the number of lines. */
static int wrap_lines(struct pl_str *b, const char *text, int cols)
{
    int lines = 0;
    if (cols < 10)
        cols = 10;
    while (*text) {
        while (*text == ' ')
            text++;
        if (!*text)
            break;
        size_t n = strlen(text), cut = n;
        if (ui_text_width(text, n) > cols) {
            cut = 0;
            for (size_t i = 1; i < n; i++)
                if (text[i] == ' ' && ui_text_width(text, i) <= cols)
                    cut = i;
            if (cut == 0) /* one long word: cut it at the column limit */
                for (cut = 1; cut < n && ui_text_width(text, cut + 1) <= cols;)
                    cut++;
        }
        pl_str_put(b, text, cut);
        pl_str_putc(b, '\0');
        text += cut;
        lines++;
    }
    return b->oom ? 0 : lines;
}

/* The caption's lines (as wrap_lines left them) from y `below`. */
static void svg_caption(struct pl_str *sb, const char *lines, int n, double below)
{
    pl_str_puts(sb, "<g font-size=\"12\" fill=\"#555555\">\n");
    for (int i = 0; i < n; i++) {
        pl_str_puts(sb, "<text x=\"16\" y=\"");
        sb_num(sb, below + 14 + 16 * i);
        pl_str_puts(sb, "\">");
        sb_xml(sb, lines);
        pl_str_puts(sb, "</text>\n");
        lines += strlen(lines) + 1;
    }
    pl_str_puts(sb, "</g>\n");
}

/* The XML declaration, the <svg> element, the title, the background and
 * the plot area's clip path. */
static void svg_head(struct pl_str *b, const struct svg_plot *sp, const char *title, int width,
                     int height)
{
    pl_str_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    pl_str_printf(b,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
                  "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" "
                  "font-size=\"13\">\n",
                  width, height, width, height);
    if (title && title[0]) {
        pl_str_puts(b, "<title>");
        sb_xml(b, title);
        pl_str_puts(b, "</title>\n");
    }
    pl_str_puts(b, "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    pl_str_puts(b, "<defs><clipPath id=\"plot-area\"><rect x=\"");
    sb_num(b, sp->left);
    pl_str_puts(b, "\" y=\"");
    sb_num(b, sp->top);
    pl_str_puts(b, "\" width=\"");
    sb_num(b, sp->w);
    pl_str_puts(b, "\" height=\"");
    sb_num(b, sp->h);
    pl_str_puts(b, "\"/></clipPath></defs>\n");
}

int ui_export_chart_svg(const char *path, const struct ui_series *s, size_t n_series,
                        const struct ui_chart_params *p, int width, int height,
                        struct pl_err *e)
{
    struct ui_chart_params def;
    if (!p) {
        ui_chart_params_default(&def);
        p = &def;
    }
    if (width == 0 && height == 0) {
        width = 800;
        height = 450;
    }
    if (width < 160 || height < 120 || width > 20000 || height > 20000)
        return pl_err_set(e, PL_EINVAL, "%s: SVG size %dx%d is out of range (160x120 .. 20000x20000)",
                          path, width, height);
    bool title = p->title && p->title[0];
    bool legend = p->legend && n_series > 0;
    double top = title ? 48 : 20, right = 28;
    int legend_rows = legend ? legend_layout(s, n_series, 16, width - right, NULL, NULL) : 0;
    struct pl_str cap = {0};
    int cap_lines = p->caption && p->caption[0]
                        ? wrap_lines(&cap, p->caption, (width - 32) / CAPTION_PX) : 0;
    double bottom = 30 + (p->x_label && p->x_label[0] ? 26 : 0) +
                    (legend ? 8 + 22 * legend_rows : 0) + (cap_lines ? 10 + 16 * cap_lines : 0);
    double plot_h = height - top - bottom;
    struct ui_axis x, y;
    int rc = plot_h < 40 ? pl_err_set(e, PL_ERANGE, "the legend and caption leave no room for the plot")
                         : ui_chart_axes(&x, &y, s, n_series, p, 2, (int)(plot_h / 50), e);
    if (rc < 0) {
        free(cap.p);
        return pl_err_wrap(e, rc, "%s", path);
    }
    int ylw = 1;
    for (int i = 0; i < y.n_ticks; i++)
        ylw = (int)strlen(y.labels[i]) > ylw ? (int)strlen(y.labels[i]) : ylw;
    double left = 16 + CHAR_PX * ylw + (p->y_label && p->y_label[0] ? 26 : 0);
    double plot_w = width - left - right;
    ui_chart_axes(&x, &y, s, n_series, p, (int)(plot_w / 90), (int)(plot_h / 50), NULL);
    struct svg_plot sp = {left, top, plot_w, plot_h, &x, &y};

    struct pl_str b = {0};
    svg_head(&b, &sp, p->title, width, height);
    svg_frame(&b, &sp);
    double below = svg_labels(&b, &sp, p, width);
    pl_str_puts(&b, "<g clip-path=\"url(#plot-area)\" fill=\"none\" stroke-width=\"2\" "
                    "stroke-linejoin=\"round\" stroke-linecap=\"round\">\n");
    for (size_t k = 0; k < n_series; k++) {
        svg_series(&b, &sp, &s[k]);
        const double *err = p->y_err ? p->y_err[k] : NULL;
        if (p->markers || err)
            svg_marks(&b, &sp, &s[k], err, p->markers);
    }
    pl_str_puts(&b, "</g>\n");
    if (legend)
        below = svg_legend(&b, s, n_series, 16, width - right, below);
    if (cap_lines)
        svg_caption(&b, cap.p, cap_lines, below);
    free(cap.p);
    pl_str_puts(&b, "</svg>\n");
    return finish(&b, path, e);
}

/* Markdown: sanitised, line breaks as <br>, formatting characters escaped,
 * surrounding spaces trimmed (they would be trimmed by the renderer). */
static void md_cell(struct pl_str *b, const char *s)
{
    char *t = ui_text_sanitise_dup(s, strlen(s), UI_TEXT_NEWLINES);
    if (!t) {
        b->oom = true;
        return;
    }
    char *a = t, *z = t + strlen(t);
    while (*a == ' ' || *a == '\n')
        a++;
    while (z > a && (z[-1] == ' ' || z[-1] == '\n'))
        z--;
    for (const char *c = a; c < z; c++) {
        if (*c == '\n')
            pl_str_puts(b, "<br>");
        else if (strchr("\\|`*_[]<~", *c))
            pl_str_put(b, (const char[]){'\\', *c}, 2);
        else
            pl_str_put(b, c, 1);
    }
    free(t);
}

int ui_export_table_markdown(const char *path, const struct ui_table *t, struct pl_err *e)
{
    if (t->n_cols <= 0)
        return pl_err_set(e, PL_EINVAL, "%s: a table without columns cannot be exported", path);
    struct pl_str b = {0};
    char buf[512];
    pl_str_puts(&b, "|");
    for (int c = 0; c < t->n_cols; c++) {
        pl_str_puts(&b, " ");
        md_cell(&b, t->cols[c].title ? t->cols[c].title : "");
        pl_str_puts(&b, " |");
    }
    pl_str_puts(&b, "\n|");
    for (int c = 0; c < t->n_cols; c++) {
        enum ui_align a = t->cols[c].align;
        pl_str_puts(&b, a == UI_ALIGN_RIGHT    ? " ---: |"
                        : a == UI_ALIGN_CENTER ? " :---: |"
                                               : " --- |");
    }
    pl_str_puts(&b, "\n");
    for (int r = 0; r < t->n_rows; r++) {
        pl_str_puts(&b, "|");
        for (int c = 0; c < t->n_cols; c++) {
            pl_str_puts(&b, " ");
            md_cell(&b, ui_table_cell(t, r, c, buf, sizeof buf));
            pl_str_puts(&b, " |");
        }
        pl_str_puts(&b, "\n");
    }
    if (t->caption && t->caption[0]) {
        pl_str_puts(&b, "\n");
        md_cell(&b, t->caption);
        pl_str_puts(&b, "\n");
    }
    return finish(&b, path, e);
}

/* CSV field: quoted when RFC 4180 needs it (or spaces at either end would
 * be lost by a spreadsheet); invalid UTF-8 becomes U+FFFD. */
static void csv_field(struct pl_str *b, const char *s)
{
    size_t n = strlen(s);
    bool quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (quote)
        pl_str_puts(b, "\"");
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = ui_utf8_decode(s + i, n - i, &cp);
        if (cp == 0xFFFD && !(k == 3 && memcmp(s + i, "\xEF\xBF\xBD", 3) == 0))
            pl_str_puts(b, "\xEF\xBF\xBD");
        else if (cp == '"')
            pl_str_puts(b, "\"\"");
        else
            pl_str_put(b, s + i, k);
        i += k;
    }
    if (quote)
        pl_str_puts(b, "\"");
}

int ui_export_table_csv(const char *path, const struct ui_table *t, struct pl_err *e)
{
    if (t->n_cols <= 0)
        return pl_err_set(e, PL_EINVAL, "%s: a table without columns cannot be exported", path);
    struct pl_str b = {0};
    char buf[512];
    for (int c = 0; c < t->n_cols; c++) {
        if (c)
            pl_str_puts(&b, ",");
        csv_field(&b, t->cols[c].title ? t->cols[c].title : "");
    }
    pl_str_puts(&b, "\r\n");
    for (int r = 0; r < t->n_rows; r++) {
        for (int c = 0; c < t->n_cols; c++) {
            if (c)
                pl_str_puts(&b, ",");
            csv_field(&b, ui_table_cell(t, r, c, buf, sizeof buf));
        }
        pl_str_puts(&b, "\r\n");
    }
    return finish(&b, path, e);
}
