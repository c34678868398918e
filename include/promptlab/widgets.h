/* widgets.h - the TUI's building blocks: terminal-safe text and display
 * widths, a line/multi-line text editor, a line chart, a table with a
 * selectable row, and exports of charts and tables for slides.
 *
 * Every widget is a plain state machine or a pure layout function that works
 * without a terminal (tests drive them directly); the ui_*_draw functions are
 * thin ncurses painters over that state. Only the UI thread may call the draw
 * functions. The caller owns curses: it calls setlocale(LC_ALL, "") before
 * initscr, initialises the colour pairs named in struct ui_colors, and passes
 * UI_TEXT_ASCII when the locale's character set is not UTF-8.
 *
 * Module prefix: ui_. All text in and out is UTF-8. */
#ifndef PROMPTLAB_WIDGETS_H
#define PROMPTLAB_WIDGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "promptlab/core.h"

/* ncurses' WINDOW is `struct _win_st`; declared here so that including this
 * header does not pull in curses and its macros. */
struct _win_st;

/* ------------------------------------------------------------------------ */
/* Text: decoding, sanitising, widths, fitting                               */
/* ------------------------------------------------------------------------ */

enum ui_text_flags {
    /* The terminal cannot show UTF-8: every control, invalid byte and
     * non-ASCII character becomes '?' (two for a wide character, none for a
     * combining mark, so display widths stay the same) and the ellipsis is
     * '~'. */
    UI_TEXT_ASCII = 1u << 0,
    /* Keep line breaks: '\n', "\r\n" and a lone '\r' all become '\n'.
     * Without it a line break is shown as a control picture. Ignored by
     * ui_text_fit and ui_text_slice, which produce one line. */
    UI_TEXT_NEWLINES = 1u << 1,
};

enum ui_align { UI_ALIGN_LEFT, UI_ALIGN_RIGHT, UI_ALIGN_CENTER };

/* Tab stops every 8 columns, counted from the start of the string (or the
 * last kept line break). */
enum { UI_TAB_WIDTH = 8 };

/* Decode one code point from s[0..len). Returns the bytes consumed (1..4;
 * 0 only when len is 0). An invalid or truncated sequence yields U+FFFD in
 * *cp and consumes its maximal valid prefix (at least one byte), as the
 * Unicode standard recommends. Never reads past len. */
size_t ui_utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Encode cp (<= U+10FFFF, not a surrogate; anything else encodes U+FFFD)
 * into out; returns the byte count 1..4. Does not NUL-terminate. */
size_t ui_utf8_encode(uint32_t cp, char out[4]);

/* Terminal columns of one code point, like wcwidth(3) in a UTF-8 locale but
 * from a built-in Unicode 14 table, so independent of the process locale:
 * 0 for NUL, combining marks (Mn, Me), format characters (Cf, except the
 * soft hyphen and the prepended concatenation marks) and Hangul medial
 * vowels/final consonants; 2 for East Asian Wide/Fullwidth (CJK, Hangul
 * syllables, kana, most emoji); -1 for C0/C1 controls, DEL, U+2028/U+2029,
 * surrogates and values above U+10FFFF; 1 otherwise (unassigned included). */
int ui_cp_width(uint32_t cp);

/* Display width in columns of s[0..len) as ui_text_sanitise(flags 0) shows
 * it: controls and invalid sequences count 1 (their picture), tabs advance
 * to the next tab stop. */
int ui_text_width(const char *s, size_t len);

/* Make untrusted text (files, model output) safe to put on a terminal:
 * C0 controls become their Unicode control pictures (ESC -> U+241B, BEL ->
 * U+2407, CR -> U+240D, NUL -> U+2400, newline -> U+240A unless
 * UI_TEXT_NEWLINES), DEL -> U+2421, C1 controls (U+0080..U+009F),
 * U+2028/U+2029 and invalid UTF-8 -> U+FFFD, tabs -> spaces to the next tab
 * stop. The bytes after an ESC stay as visible text, so "\x1b[31m" shows as
 * "␛[31m" and can never act. With UI_TEXT_ASCII all of these, and every
 * other non-ASCII character, become '?' (see enum ui_text_flags).
 * Writes at most cap-1 bytes and a NUL into out (when cap > 0), stopping at
 * a character boundary; returns the length the whole result needs (like
 * snprintf), so a caller can size a second try. */
size_t ui_text_sanitise(char *out, size_t cap, const char *s, size_t len, unsigned flags);
/* The same into a new malloc'd NUL-terminated string (caller frees);
 * NULL when out of memory. */
char *ui_text_sanitise_dup(const char *s, size_t len, unsigned flags);

/* Sanitise s and fit it into exactly `width` columns on one line: text that
 * is too wide is cut at a character boundary and ends in an ellipsis
 * ("…", or "~" with UI_TEXT_ASCII); shorter text is padded with spaces
 * according to align; a wide character that would straddle the edge is
 * replaced by padding. Writes a NUL-terminated string into out and returns
 * the columns written (width, or less when cap was too small; 0 when
 * width <= 0). A cap of 4*width + 16 bytes always suffices unless the text
 * carries long runs of combining marks, which are then cut. */
int ui_text_fit(char *out, size_t cap, const char *s, size_t len, int width,
                enum ui_align align, unsigned flags);

/* The columns [left, left+width) of the sanitised single-line rendering of
 * s, padded with spaces to exactly `width` columns; a wide character cut by
 * either edge shows as spaces. Used for horizontally scrolled text. Same
 * output contract as ui_text_fit. */
int ui_text_slice(char *out, size_t cap, const char *s, size_t len, int left, int width,
                  unsigned flags);

/* Byte offset into s[0..len) of the character boundary with the largest
 * display column <= col (a boundary never separates a character from the
 * combining marks that follow it); *at_col (may be NULL) receives that
 * column. Columns as ui_text_width counts them. */
size_t ui_text_offset_at(const char *s, size_t len, int col, int *at_col);

/* ------------------------------------------------------------------------ */
/* Keys: the TUI maps curses key codes to these                               */
/* ------------------------------------------------------------------------ */

enum ui_key {
    UI_KEY_NONE = 0,
    UI_KEY_CHAR,             /* insert the code point passed alongside */
    UI_KEY_ENTER,            /* newline (multi-line editor only) */
    UI_KEY_LEFT,
    UI_KEY_RIGHT,
    UI_KEY_UP,
    UI_KEY_DOWN,
    UI_KEY_HOME,             /* start of line (Home, Ctrl-A) */
    UI_KEY_END,              /* end of line (End, Ctrl-E) */
    UI_KEY_PAGE_UP,
    UI_KEY_PAGE_DOWN,
    UI_KEY_DOC_START,        /* Ctrl-Home */
    UI_KEY_DOC_END,          /* Ctrl-End */
    UI_KEY_WORD_LEFT,        /* Ctrl-Left, Alt-b */
    UI_KEY_WORD_RIGHT,       /* Ctrl-Right, Alt-f */
    UI_KEY_BACKSPACE,
    UI_KEY_DELETE,
    UI_KEY_KILL_WORD_BACK,   /* Ctrl-W, Alt-Backspace */
    UI_KEY_KILL_WORD_FORWARD,/* Alt-d */
    UI_KEY_KILL_LINE_END,    /* Ctrl-K */
    UI_KEY_KILL_LINE_START,  /* Ctrl-U */
    UI_KEY_YANK,             /* Ctrl-Y: insert the last killed text */
};

/* Results of the key handlers (ui_editor_key, ui_list_key). 0 means the key
 * was handled and nothing changed (e.g. the cursor moved); negative values
 * are PL_E* errors. */
enum ui_key_result {
    UI_CHANGED = 1, /* editor: the text changed; list: the selection moved */
    UI_IGNORED = 2, /* the key means nothing here (Enter or Up in a one-line
                           field, Up on the first line...): the caller may use
                           it, e.g. to move the focus */
};

/* ------------------------------------------------------------------------ */
/* Editor: one-line fields and the multi-line hard prompt template           */
/* ------------------------------------------------------------------------ */

enum ui_editor_flags {
    UI_EDITOR_SINGLE_LINE = 1u << 0, /* Enter/Up/Down ignored; pasted newlines become spaces */
};

/* The text is one buffer; lines are separated by '\n'. It is always valid
 * UTF-8 without control characters other than '\n' and '\t'. The cursor is
 * a byte offset on a character boundary (never between a character and its
 * combining marks). Fields are read-only outside widget_editor.c. */
struct ui_editor {
    char *buf;        /* NUL-terminated text, NULL while empty */
    size_t len, cap;
    size_t cur;       /* cursor: byte offset into buf */
    int goal_col;     /* display column kept across up/down; -1 when unset */
    int top, left;    /* first visible line and column (ui_editor_scroll) */
    int page;         /* lines moved by page up/down: the last view height */
    unsigned flags;   /* enum ui_editor_flags */
    char *kill;       /* last killed text, for UI_KEY_YANK */
    size_t kill_len;
};

/* Empty editor. Allocates nothing; pair with ui_editor_free. */
void ui_editor_init(struct ui_editor *ed, unsigned flags);
/* Release the buffers; ed may be NULL. The editor can be init'ed again. */
void ui_editor_free(struct ui_editor *ed);
/* Replace the text (cleaned as ui_editor_insert cleans a paste); the cursor
 * goes to the end, scrolling to the top. Returns 0 or PL_ENOMEM (editor
 * unchanged). */
int ui_editor_set_text(struct ui_editor *ed, const char *s, size_t len);
/* The text, NUL-terminated (never NULL, "" when empty); *len (may be NULL)
 * receives its length. Valid until the next change to the editor. */
const char *ui_editor_text(const struct ui_editor *ed, size_t *len);
/* Insert text at the cursor (a paste: may span lines) and put the cursor
 * after it. "\r\n" and lone '\r' become '\n' (a space in a single-line
 * editor), other controls are dropped, invalid UTF-8 becomes U+FFFD.
 * Returns 1 when the text changed, 0 when nothing was left to insert,
 * PL_ENOMEM (editor unchanged). */
int ui_editor_insert(struct ui_editor *ed, const char *s, size_t len);
/* Apply one key (ch is the code point for UI_KEY_CHAR, else ignored).
 * Returns UI_CHANGED when the text changed, 0 when only the cursor
 * moved or nothing happened, UI_IGNORED when the key has no meaning here
 * (see enum ui_key_result), or PL_ENOMEM. Motions and deletions step over a
 * character together with its combining marks; word motions treat letters,
 * digits and '_' (any script) as word characters and cross lines;
 * UI_KEY_KILL_WORD_BACK deletes back to the previous whitespace, as Ctrl-W
 * does in a shell; UI_KEY_KILL_LINE_END at the end of a line joins the next
 * line. Killed text is kept for UI_KEY_YANK. */
int ui_editor_key(struct ui_editor *ed, enum ui_key key, uint32_t ch);
/* Number of lines (>= 1). */
int ui_editor_n_lines(const struct ui_editor *ed);
/* Start of line `line` (0-based) inside the text and its length without the
 * '\n'; NULL when line is out of range. Valid until the next change. */
const char *ui_editor_line(const struct ui_editor *ed, int line, size_t *len);
/* Cursor position: line (0-based), byte offset within that line, display
 * column within that line. Each output may be NULL. */
void ui_editor_cursor(const struct ui_editor *ed, int *line, size_t *byte, int *col);
/* Move the cursor to (line, display column), clamped to the text, e.g. for
 * a mouse click. */
void ui_editor_move_to(struct ui_editor *ed, int line, int col);
/* Update ed->top/ed->left so that the cursor is inside a view of `height`
 * lines by `width` columns, scrolling as little as possible, and never
 * leaving empty lines below the text when it fits in fewer. Call before
 * drawing; height also sets the page size. */
void ui_editor_scroll(struct ui_editor *ed, int height, int width);

/* ------------------------------------------------------------------------ */
/* Line chart                                                                */
/* ------------------------------------------------------------------------ */

enum ui_scale { UI_SCALE_LINEAR, UI_SCALE_LOG10 };

enum ui_chart_mode {
    UI_CHART_BRAILLE, /* Braille dots, 2x4 per cell; series told apart by colour */
    UI_CHART_GLYPH,   /* one marker per cell, a different one per series
                         ('*', '+', 'x', 'o', ...): monochrome and ASCII terminals */
};

struct ui_series {
    const char *name;  /* legend text (NULL: "") */
    const double *x;   /* n values, or NULL for 0, 1, 2, ... */
    const double *y;   /* n values. NaN/Inf, and values <= 0 on a log scale,
                          are not drawn: the line breaks there */
    size_t n;
    int style;         /* colour and glyph index, >= 0 (taken modulo UI_N_SERIES) */
};

struct ui_chart_params {
    const char *title;            /* NULL: none */
    const char *x_label;          /* axis titles: used by the SVG export */
    const char *y_label;
    enum ui_scale x_scale;        /* log: x values <= 0 are not drawn */
    enum ui_scale y_scale;
    double x_min, x_max;          /* NAN: from the data */
    double y_min, y_max;          /* NAN: from the data, with a 5% margin */
    enum ui_chart_mode mode;
    bool legend;                  /* one legend row under the axis (the SVG export wraps it
                                     into more rows when it is wider than the image) */
    bool ascii;                   /* ASCII axes and markers (forces UI_CHART_GLYPH) */
    const char *caption;          /* SVG export: a note under the legend, wrapped; NULL: none */
    bool markers;                 /* SVG export: a dot at every point (for sparse data) */
    const double *const *y_err;   /* NULL, or per series NULL or n half-widths of an error
                                     bar at each point (NaN: none): drawn by the SVG
                                     export, counted in the y range */
    bool si_labels;               /* tick labels of 1000 and up as 1.5K, 2M, 3G */
    const char *const *x_names;   /* n_x_names > 0: x is a category 0..n-1: ticks at each
                                     index named so, range [-0.5, n-0.5] unless fixed */
    int n_x_names;
};

/* Defaults: no title, both axes linear, all ranges automatic, Braille,
 * legend on. */
void ui_chart_params_default(struct ui_chart_params *p);

enum { UI_AXIS_MAX_TICKS = 16, UI_AXIS_LABEL_CAP = 24 };

/* One axis: its range in data units and its ticks. Ticks are "nice": k*s
 * with step s in {1, 2, 5} x 10^j (linear), or powers of ten, possibly
 * every few decades (log; 1/2/5 x 10^j inside a single decade). */
struct ui_axis {
    double min, max;              /* min < max; both > 0 on a log scale */
    enum ui_scale scale;
    double step;                  /* linear: tick spacing; log: decades between ticks,
                                     or 0 when 1/2/5 ticks inside one decade are used */
    int n_ticks;
    double ticks[UI_AXIS_MAX_TICKS];       /* ascending, inside [min, max] */
    char labels[UI_AXIS_MAX_TICKS][UI_AXIS_LABEL_CAP]; /* ASCII: "0.5", "1e+06" */
};

/* Position of v along the axis as a fraction: 0 at min, 1 at max (outside
 * [0, 1] when v is out of range); NaN when v is not finite or, on a log
 * scale, <= 0. */
double ui_axis_frac(const struct ui_axis *a, double v);

/* Compute both axes for the series: automatic ranges (x: exactly the data,
 * y: data plus a 5% margin that does not cross zero when the data does not;
 * log: the margin in decades; a flat or empty range is widened), fixed ones
 * from p, and at most max_x_ticks / max_y_ticks ticks (>= 2) each. The y
 * range considers only points inside the x range. Points that cannot be
 * drawn are skipped; with none left, linear ranges are [0, 1] and log
 * ranges [1, 10]. Returns 0, or PL_EINVAL (message in e) for a fixed range
 * with min >= max, or one <= 0 on a log scale. Labels use '.' as the
 * decimal point whatever the locale; they are made with localeconv(), so
 * call this (and ui_chart_layout, ui_export_chart_svg) from one thread. */
int ui_chart_axes(struct ui_axis *x, struct ui_axis *y, const struct ui_series *s,
                  size_t n_series, const struct ui_chart_params *p, int max_x_ticks,
                  int max_y_ticks, struct pl_err *e);

enum ui_cell_kind {
    UI_CELL_EMPTY,
    UI_CELL_PLOT,   /* a Braille pattern or marker of a series */
    UI_CELL_AXIS,   /* axis line, corner, tick mark */
    UI_CELL_LABEL,  /* tick label */
    UI_CELL_TITLE,
    UI_CELL_LEGEND, /* legend marker (series set) or legend text (series set too) */
};

struct ui_cell {
    uint32_t cp;    /* code point to show; 0 = right half of a wide character */
    int16_t series; /* index into the series array, -1 for none */
    int16_t style;  /* that series' style (colour index), -1 for none */
    uint8_t kind;   /* enum ui_cell_kind */
};

/* A rasterised chart: w x h cells, row-major. The plot area (data region)
 * is plot_w x plot_h cells at (plot_x, plot_y); the y axis is the column
 * left of it, the x axis the row below it, tick labels to the left and
 * below, the title (if any) in row 0 and the legend (if any) in the last
 * row. In Braille mode a point (x, y) lights sub-dot
 *   px = round(ui_axis_frac(x) * (2*plot_w - 1)),
 *   py = round((1 - ui_axis_frac(y)) * (4*plot_h - 1))
 * i.e. cell (plot_x + px/2, plot_y + py/4); in glyph mode the same with one
 * dot per cell. Consecutive points are joined by straight lines. */
struct ui_chart_grid {
    int w, h;
    struct ui_cell *cells;   /* [h * w]; owned */
    size_t cap;              /* cells allocated */
    int plot_x, plot_y, plot_w, plot_h;
    struct ui_axis x, y;
    size_t n_hidden;         /* points that could not be drawn (NaN, <= 0 on log) */
};

void ui_chart_grid_init(struct ui_chart_grid *g);
/* g may be NULL. */
void ui_chart_grid_free(struct ui_chart_grid *g);
/* Lay out and rasterise the chart into g (reusing its memory from one frame
 * to the next). Returns 0; PL_ERANGE when w x h is too small for axes and a
 * plot (at least 8 x 3 cells; the title and legend are dropped first when
 * space is short); PL_EINVAL for bad fixed ranges; PL_ENOMEM. Messages in e.
 * Pure: no terminal needed. Text in the grid keeps one code point per cell:
 * combining marks in titles and names are dropped (NFC text is unaffected). */
int ui_chart_layout(struct ui_chart_grid *g, int w, int h, const struct ui_series *s,
                    size_t n_series, const struct ui_chart_params *p, struct pl_err *e);
/* The cell at (row, col), or NULL outside the grid. */
const struct ui_cell *ui_chart_cell(const struct ui_chart_grid *g, int row, int col);

/* ------------------------------------------------------------------------ */
/* Lists and tables                                                          */
/* ------------------------------------------------------------------------ */

/* Selection and scroll state of any list of rows. Start from {0, 0}. */
struct ui_list {
    int selected; /* 0..n_rows-1 (0 when empty) */
    int top;      /* first visible row */
};

/* Clamp the selection to [0, n_rows) and scroll as little as possible so
 * that it is visible in `height` rows, never leaving empty rows at the
 * bottom when the list is long enough to fill them. Call before drawing. */
void ui_list_scroll(struct ui_list *l, int n_rows, int height);
/* Up/Down, Page Up/Down (height rows), Home/End and Doc Start/End move the
 * selection (then scroll as ui_list_scroll). Returns UI_CHANGED when the
 * selection moved, 0 when it could not, UI_IGNORED for other keys. */
int ui_list_key(struct ui_list *l, enum ui_key key, int n_rows, int height);

/* How a table's rows are ordered for showing. */
enum ui_sort { UI_SORT_NONE, UI_SORT_DESC, UI_SORT_ASC };

/* The rows of a table as shown: fill order[0..] with the rows 0..n-1 that
 * keep(ctx, row) accepts (every row when keep is NULL), in their own order
 * (UI_SORT_NONE, or when key is NULL) or by key(ctx, row), descending or
 * ascending; equal keys keep their own order and NAN keys go last. order
 * has room for n. Returns how many rows it holds (left unsorted when
 * memory ran out). */
int ui_rows_order(int *order, int n, bool (*keep)(void *ctx, int row),
                  double (*key)(void *ctx, int row), enum ui_sort sort, void *ctx);

struct ui_column {
    const char *title;
    int min_w;          /* at least this many columns (values < 1 mean 1) */
    int max_w;          /* at most (0: no limit) */
    int weight;         /* share of the spare width once every column fits its
                           content; 0: never wider than its content */
    enum ui_align align;
};

/* Cell text comes from cell(ctx, row, col, buf, cap) when cell is set (it
 * may format into buf and return it; NULL means ""), otherwise from
 * cells[row * n_cols + col] (NULL entries mean ""). */
struct ui_table {
    const struct ui_column *cols;
    int n_cols;
    int n_rows;
    const char *(*cell)(void *ctx, int row, int col, char *buf, size_t cap);
    void *ctx;
    const char *const *cells;
    const char *caption;  /* Markdown export: a paragraph under the table (what it
                             shows, the settings behind it); NULL: none */
};

/* Columns are separated by UI_TABLE_GAP spaces; columns past
 * UI_TABLE_MAX_COLS are never shown. */
enum { UI_TABLE_GAP = 1, UI_TABLE_MAX_COLS = 64 };

/* Text of one cell, never NULL (buf is scratch space for the callback). */
const char *ui_table_cell(const struct ui_table *t, int row, int col, char *buf, size_t cap);

/* Distribute `avail` columns over the table's columns into widths[n_cols]:
 * every visible column gets its min_w; then columns grow towards their
 * content width (the widest of the title and the first 1000 rows, capped by
 * max_w), sharing the space evenly; what is left goes to columns with a
 * weight, in proportion, up to their max_w. Columns that do not fit even at
 * min_w are hidden from the right (width 0); a lone column that does not fit
 * gets all of avail. Returns the width used, sum(widths) + UI_TABLE_GAP per
 * gap between visible columns: equal to avail unless every column that may
 * grow has reached its limit. */
int ui_table_layout(const struct ui_table *t, int avail, int *widths);

/* ------------------------------------------------------------------------ */
/* Exports for slides (atomic writes)                                        */
/* ------------------------------------------------------------------------ */

/* The chart as a standalone SVG 1.1 file of width x height pixels (0: 800 x
 * 450): title, axes with the same nice ticks as the terminal chart, grid
 * lines, axis titles, one polyline per unbroken run of each series clipped
 * to the plot area, and a legend. Text is sanitised and XML-escaped.
 * Returns 0 or PL_EIO / PL_ENOMEM / PL_EINVAL with a message naming path. */
int ui_export_chart_svg(const char *path, const struct ui_series *s, size_t n_series,
                        const struct ui_chart_params *p, int width, int height,
                        struct pl_err *e);
/* The table as a GitHub-flavoured Markdown table: a header row, an
 * alignment row (---, ---:, :---:), one row per table row. Cell text is
 * sanitised; '|' and the characters Markdown would format (\ ` * _ [ ] < ~)
 * are backslash-escaped and line breaks become <br>; the caption, if any,
 * follows as a paragraph, escaped the same way. */
int ui_export_table_markdown(const char *path, const struct ui_table *t, struct pl_err *e);
/* The table as CSV (RFC 4180): a header row of titles, CRLF line ends,
 * fields holding a comma, a double quote, CR or LF (or leading/trailing
 * spaces) quoted with inner quotes doubled. Text is kept as it is except
 * that invalid UTF-8 becomes U+FFFD. */
int ui_export_table_csv(const char *path, const struct ui_table *t, struct pl_err *e);

/* ------------------------------------------------------------------------ */
/* Drawing (ncurses; UI thread only)                                         */
/* ------------------------------------------------------------------------ */

/* Colour pairs the caller has set up with init_pair. With enabled false
 * (NO_COLOR set, or a terminal without colours) the draw functions use
 * attributes only: bold headers and titles, a reverse-video selection. */
enum { UI_N_SERIES = 16 }; /* chart styles with their own colour and marker */
struct ui_colors {
    bool enabled;
    short series[UI_N_SERIES]; /* pair for chart series style % UI_N_SERIES */
    short axis;       /* axes and tick labels */
    short header;     /* table header row */
    short selected;   /* table selected row */
};

/* Fit s into `width` columns (ui_text_fit) and draw it at (y, x) in the
 * window's current attributes. Returns the columns drawn. */
int ui_draw_text(struct _win_st *win, int y, int x, int width, const char *s, size_t len,
                 enum ui_align align, unsigned flags);
/* Draw the editor's visible part (ed->top, ed->left; call ui_editor_scroll
 * with the same h and w first) into the h x w box at (y, x); when focused,
 * leave the window's cursor at the editor's cursor. */
void ui_editor_draw(struct _win_st *win, int y, int x, int h, int w,
                    const struct ui_editor *ed, bool focused, unsigned flags);
/* Put a laid-out chart at (y, x). colors may be NULL (monochrome); pick
 * UI_CHART_GLYPH in ui_chart_params when there is no colour and several
 * series, so that they stay distinguishable. */
void ui_chart_draw(struct _win_st *win, int y, int x, const struct ui_chart_grid *g,
                   const struct ui_colors *colors);
/* Draw the table into the h x w box at (y, x): header row, then rows from
 * l->top (call ui_list_scroll(l, t->n_rows, h - 1) first), the selected row
 * highlighted across the full width (bold only when not focused). colors
 * may be NULL. */
void ui_table_draw(struct _win_st *win, int y, int x, int h, int w, const struct ui_table *t,
                   const struct ui_list *l, bool focused, const struct ui_colors *colors,
                   unsigned flags);

#endif
