/* widget_table.c - row selection and scrolling for lists, and the column
 * layout of tables.
 *
 * The one idea: a table's width is handed out in three rounds - every
 * column's minimum, then evenly towards what each column's content needs,
 * then the rest by weight - each round capped per column, so narrow columns
 * (numbers) stay whole and wide ones (sentences) take the slack and get
 * truncated with an ellipsis when drawn. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "promptlab/widgets.h"

/* Rows measured for content widths: enough for any table a person reads. */
enum { MEASURE_ROWS = 1000, CELL_BUF = 256 };

struct keyed {
    double key;
    int row;
};

static int by_key_desc(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    bool xn = isnan(x->key), yn = isnan(y->key);
    if (xn != yn)
        return xn ? 1 : -1;
    if (!xn && x->key != y->key)
        return x->key > y->key ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

static int by_key_asc(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    bool xn = isnan(x->key), yn = isnan(y->key);
    if (xn != yn)
        return xn ? 1 : -1;
    if (!xn && x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

int ui_rows_order(int *order, int n, bool (*keep)(void *ctx, int row),
                  double (*key)(void *ctx, int row), enum ui_sort sort, void *ctx)
{
    int m = 0;
    for (int r = 0; r < n; r++)
        if (!keep || keep(ctx, r))
            order[m++] = r;
    if (sort == UI_SORT_NONE || !key || m < 2)
        return m;
    struct keyed *k = malloc(sizeof *k * (size_t)m);
    if (!k)
        return m;
    for (int i = 0; i < m; i++)
        k[i] = (struct keyed){key(ctx, order[i]), order[i]};
    qsort(k, (size_t)m, sizeof *k, sort == UI_SORT_DESC ? by_key_desc : by_key_asc);
    for (int i = 0; i < m; i++)
        order[i] = k[i].row;
    free(k);
    return m;
}

void ui_list_scroll(struct ui_list *l, int n_rows, int height)
{
    if (height < 1)
        height = 1;
    if (l->selected >= n_rows)
        l->selected = n_rows - 1;
    if (l->selected < 0)
        l->selected = 0;
    if (l->top > n_rows - height)
        l->top = n_rows - height;
    if (l->top < 0)
        l->top = 0;
    if (l->selected < l->top)
        l->top = l->selected;
    else if (l->selected >= l->top + height)
        l->top = l->selected - height + 1;
}

int ui_list_key(struct ui_list *l, enum ui_key key, int n_rows, int height)
{
    int page = height > 1 ? height : 1;
    int to;
    ui_list_scroll(l, n_rows, height);
    switch (key) {
    case UI_KEY_UP:
        to = l->selected - 1;
        break;
    case UI_KEY_DOWN:
        to = l->selected + 1;
        break;
    case UI_KEY_PAGE_UP:
        to = l->selected - page;
        break;
    case UI_KEY_PAGE_DOWN:
        to = l->selected + page;
        break;
    case UI_KEY_HOME:
    case UI_KEY_DOC_START:
        to = 0;
        break;
    case UI_KEY_END:
    case UI_KEY_DOC_END:
        to = n_rows - 1;
        break;
    default:
        return UI_IGNORED;
    }
    if (to >= n_rows)
        to = n_rows - 1;
    if (to < 0)
        to = 0;
    if (to == l->selected)
        return 0;
    l->selected = to;
    ui_list_scroll(l, n_rows, height);
    return UI_CHANGED;
}

const char *ui_table_cell(const struct ui_table *t, int row, int col, char *buf, size_t cap)
{
    const char *s = NULL;
    if (row >= 0 && row < t->n_rows && col >= 0 && col < t->n_cols) {
        if (t->cell) {
            if (buf && cap)
                buf[0] = '\0';
            s = t->cell(t->ctx, row, col, buf, cap);
        } else if (t->cells) {
            s = t->cells[(size_t)row * (size_t)t->n_cols + (size_t)col];
        }
    }
    return s ? s : "";
}

/* Give up to `extra` columns to the columns with weight[i] > 0, in
 * proportion to weight, none beyond cap[i]. Returns what is left. */
static int distribute(int extra, int n, int *w, const int *cap, const int *weight)
{
    while (extra > 0) {
        long total = 0;
        for (int i = 0; i < n; i++)
            if (weight[i] > 0 && w[i] < cap[i])
                total += weight[i];
        if (total == 0)
            break;
        int snapshot = extra, given = 0;
        for (int i = 0; i < n; i++) {
            if (weight[i] <= 0 || w[i] >= cap[i])
                continue;
            long g = (long)snapshot * weight[i] / total;
            if (g > cap[i] - w[i])
                g = cap[i] - w[i];
            w[i] += (int)g;
            extra -= (int)g;
            given += (int)g;
        }
        if (given == 0) { /* rounding left a remainder smaller than the shares */
            for (int i = 0; i < n && extra > 0; i++)
                if (weight[i] > 0 && w[i] < cap[i]) {
                    w[i]++;
                    extra--;
                }
        }
    }
    return extra;
}

int ui_table_layout(const struct ui_table *t, int avail, int *widths)
{
    int n = t->n_cols > UI_TABLE_MAX_COLS ? UI_TABLE_MAX_COLS : t->n_cols;
    for (int i = n; i < t->n_cols; i++)
        widths[i] = 0;
    if (n <= 0)
        return 0;
    if (avail < 0)
        avail = 0;
    int minw[UI_TABLE_MAX_COLS], maxw[UI_TABLE_MAX_COLS], want[UI_TABLE_MAX_COLS];
    int ones[UI_TABLE_MAX_COLS], weight[UI_TABLE_MAX_COLS];
    char buf[CELL_BUF];
    for (int i = 0; i < n; i++) {
        const struct ui_column *c = &t->cols[i];
        minw[i] = c->min_w < 1 ? 1 : c->min_w;
        maxw[i] = c->max_w > 0 ? c->max_w : INT_MAX;
        if (maxw[i] < minw[i])
            maxw[i] = minw[i];
        const char *title = c->title ? c->title : "";
        want[i] = ui_text_width(title, strlen(title));
        ones[i] = 1;
        widths[i] = 0;
    }
    int rows = t->n_rows < MEASURE_ROWS ? t->n_rows : MEASURE_ROWS;
    for (int r = 0; r < rows; r++)
        for (int i = 0; i < n; i++) {
            const char *s = ui_table_cell(t, r, i, buf, sizeof buf);
            int cw = ui_text_width(s, strlen(s));
            if (cw > want[i])
                want[i] = cw;
        }
    for (int i = 0; i < n; i++)
        want[i] = want[i] < minw[i] ? minw[i] : want[i] > maxw[i] ? maxw[i] : want[i];

    /* how many columns fit at their minimum */
    int k = n, used = 0;
    for (;;) {
        used = UI_TABLE_GAP * (k - 1);
        for (int i = 0; i < k; i++)
            used += minw[i];
        if (used <= avail || k == 1)
            break;
        k--;
    }
    if (used > avail) { /* one column wider than everything: it gets it all */
        widths[0] = avail;
        return avail;
    }
    for (int i = 0; i < k; i++)
        widths[i] = minw[i];
    int extra = avail - used;
    extra = distribute(extra, k, widths, want, ones);
    for (int i = 0; i < n; i++)
        weight[i] = t->cols[i].weight;
    extra = distribute(extra, k, widths, maxw, weight);
    return avail - extra;
}
