/* tui_experiment.c - the experiment page: a finished (or partial) run of
 * `promptlab experiment` shown in the TUI, its summary table above and
 * one of its figures below, as in results.json, summary and fig_*.svg.
 *
 * Opened from the picker (m: "Experiments") or with --experiment DIR; it
 * reads the experiment once when opened and trains nothing. Left/Right
 * pick the figure, Up/Down and < > scroll the table, E exports the figure
 * as SVG, Esc closes. */
#include <stdlib.h>
#include <string.h>

#include "promptlab/study.h"
#include "study_chart.h"
#include "tui_impl.h"

struct tui_exp {
    char dir[PATH_MAX];
    struct study_result *r;
    int n;
    struct study_row *rows;
    int n_rows;
    struct study_figure *figs;
    int n_figs;
    int fig;                  /* the figure shown */
    struct ui_list list;      /* table scroll: top line */
    int hoff;                 /* table scroll: first column shown */
    struct ui_chart_grid g;
};

void tui_exp_close(struct tui *t)
{
    struct tui_exp *x = t->exp;
    if (!x)
        return;
    free(x->r);
    free(x->rows);
    study_figures_free(x->figs, x->n_figs);
    ui_chart_grid_free(&x->g);
    free(x);
    t->exp = NULL;
    if (t->ov == TUI_OV_EXPERIMENT)
        t->ov = TUI_OV_NONE;
}

int tui_exp_open(struct tui *t, const char *dir)
{
    struct pl_err e = {0};
    struct tui_exp *x = calloc(1, sizeof *x);
    if (!x) {
        tui_msg(t, TUI_R_ERROR, "out of memory opening %s", dir);
        return -1;
    }
    tui_copy(x->dir, sizeof x->dir, dir);
    ui_chart_grid_init(&x->g);
    if (study_load(dir, &x->r, &x->n, &e) || study_summary(x->r, x->n, &x->rows, &x->n_rows, &e) ||
        study_figures(x->r, x->n, &x->figs, &x->n_figs, &e)) {
        tui_msg(t, TUI_R_ERROR, "cannot open the experiment: %s", e.msg);
        free(x->r);
        free(x->rows);
        ui_chart_grid_free(&x->g);
        free(x);
        return -1;
    }
    tui_exp_close(t);
    t->exp = x;
    t->ov = TUI_OV_EXPERIMENT;
    tui_msg(t, TUI_R_INFO, "experiment %s: %d cells, %d figure%s", tui_basename(dir), x->n,
            x->n_figs, x->n_figs == 1 ? "" : "s");
    return 0;
}

/* s from its n-th character on (the table is one column per character). */
static const char *skip_chars(const char *s, int n)
{
    for (; *s && n > 0; n--)
        for (s++; (*s & 0xC0) == 0x80; s++)
            ;
    return s;
}

static void draw_figure(struct tui *t, struct tui_exp *x, int y, int h, int w)
{
    if (x->n_figs == 0) {
        tui_text(t, y, 1, w, "no figure: the experiment has too few finished cells", TUI_R_DIM);
        return;
    }
    const struct study_figure *f = &x->figs[x->fig];
    struct study_chart c;
    struct pl_err e = {0};
    if (study_chart_init(&c, f, &e)) {
        tui_text(t, y, 1, w, e.msg, TUI_R_ERROR);
        return;
    }
    /* the terminal's chart style (glyphs, ASCII), the figure's axes */
    struct ui_chart_params p;
    tui_chart_params(t, &p, (int)c.n);
    c.p.mode = p.mode;
    c.p.ascii = p.ascii;
    c.p.markers = false;
    char title[200];
    snprintf(title, sizeof title, "%s (%d/%d)", f->title, x->fig + 1, x->n_figs);
    c.p.title = title;
    if (ui_chart_layout(&x->g, w, h - 1, c.s, c.n, &c.p, &e) == 0)
        ui_chart_draw(stdscr, y, 1, &x->g, t->color ? &t->colors : NULL);
    else
        tui_text(t, y, 1, w, e.msg, TUI_R_ERROR);
    tui_text(t, y + h - 1, 1, w, f->caption, TUI_R_DIM);
    study_chart_free(&c);
}

void tui_exp_draw(struct tui *t)
{
    struct tui_exp *x = t->exp;
    if (!x)
        return;
    int w = t->cols - 2, top = 1, bottom = t->rows - 3;
    for (int r = top; r < t->rows; r++)
        mvhline(r, 0, ' ', t->cols);
    char head[PATH_MAX + 128], line[1024];
    snprintf(head, sizeof head, "Experiment %.*s: %d cells, mean ± spread over seeds (%.15s)",
             PATH_MAX - 1, x->dir, x->n, x->n_rows ? x->r[x->rows[0].first].metric : "-");
    tui_heading(t, top, 0, t->cols, head, true);
    /* the table takes up to a third of the page, the figure the rest */
    int avail = bottom - top - 1;
    int table_h = x->n_rows + 1 < avail / 3 ? x->n_rows + 1 : avail / 3;
    if (table_h < 2)
        table_h = 2;
    study_table_header(x->r, x->rows, x->n_rows, line, sizeof line);
    int len = (int)strlen(line);
    if (x->hoff > len - w)
        x->hoff = len - w > 0 ? len - w : 0;
    tui_text(t, top + 1, 1, w, skip_chars(line, x->hoff), TUI_R_TITLE);
    int shown = table_h - 1;
    if (x->list.top > x->n_rows - shown)
        x->list.top = x->n_rows - shown > 0 ? x->n_rows - shown : 0;
    for (int i = 0; i < shown && x->list.top + i < x->n_rows; i++) {
        study_table_line(x->r, &x->rows[x->list.top + i], line, sizeof line);
        tui_text(t, top + 2 + i, 1, w, skip_chars(line, x->hoff), TUI_R_NORMAL);
    }
    int fy = top + 1 + table_h + 1;
    draw_figure(t, x, fy, bottom - fy + 1, w);
    tui_text(t, t->rows - 2, 1, w, t->msg, t->msg_role);
    tui_text(t, t->rows - 1, 0, t->cols,
             "Left/Right figure  Up/Down rows  < > scroll table  E export SVG  Esc close",
             TUI_R_FOOTER);
}

int tui_exp_key(struct tui *t, const struct tui_key *k)
{
    struct tui_exp *x = t->exp;
    if (!x || tui_key_is(k, 27) || tui_key_is(k, 'q')) {
        tui_exp_close(t);
        return TUI_REDRAW;
    }
    if (k->ui == UI_KEY_RIGHT || tui_key_is(k, ']')) {
        if (x->n_figs)
            x->fig = (x->fig + 1) % x->n_figs;
    } else if (k->ui == UI_KEY_LEFT || tui_key_is(k, '[')) {
        if (x->n_figs)
            x->fig = (x->fig + x->n_figs - 1) % x->n_figs;
    } else if (tui_key_is(k, '>')) {
        x->hoff += 16;
    } else if (tui_key_is(k, '<')) {
        x->hoff = x->hoff > 16 ? x->hoff - 16 : 0;
    } else if (k->ui == UI_KEY_DOWN) {
        x->list.top++;
    } else if (k->ui == UI_KEY_UP) {
        if (x->list.top > 0)
            x->list.top--;
    } else if (tui_key_is(k, 'E') && x->n_figs) {
        const struct study_figure *f = &x->figs[x->fig];
        struct study_chart c;
        struct pl_err e = {0};
        char path[PATH_MAX], prefix[96];
        snprintf(prefix, sizeof prefix, "promptlab-%s", f->file);
        if (study_chart_init(&c, f, &e) == 0) {
            if (tui_export_path(prefix, ".svg", path, sizeof path, &e) == 0 &&
                ui_export_chart_svg(path, c.s, c.n, &c.p, 960, 600, &e) == 0)
                tui_msg(t, TUI_R_INFO, "exported %s", path);
            study_chart_free(&c);
        }
        if (e.code)
            tui_msg(t, TUI_R_ERROR, "export failed: %s", e.msg);
    } else {
        return 0;
    }
    return TUI_REDRAW;
}
