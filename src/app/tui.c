/* tui.c - `promptlab tui` (and `promptlab` alone): the terminal UI's main
 * loop, the screen frame (tabs, status line, message line, footer), the
 * overlays (help, picker, one-line input, quit), keys, signals, and the
 * state every view shares (model, sample set, presets, soft prompts).
 *
 * The one idea: one thread owns the terminal. It waits for a key for at
 * most one tick, hands keys to the current view or overlay, copies what
 * the decoding worker and the training runs published, and redraws the
 * whole screen into curses' buffer when anything changed, with a single
 * doupdate per frame. Workers never block it: they publish under their own
 * mutexes and the loop only copies. Each key's time from read to screen is
 * recorded, so the 100 ms budget is measured, not assumed
 * (PROMPTLAB_TUI_DEBUG=1 shows it; PROMPTLAB_TUI_STATS=FILE writes it at exit). */
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "app_impl.h"
#include "promptlab/words.h"
#include "tui_impl.h"

/* ---- signals ------------------------------------------------------------ */

static volatile sig_atomic_t got_signal;
static struct termios saved_tio;
static bool have_tio;

static void on_signal(int sig)
{
    got_signal = sig;
}

/* A crash: put the terminal back (only async-signal-safe calls), then die
 * of the same signal so the exit status and core dump stay right. */
static void on_crash(int sig)
{
    static const char reset[] = "\033[?1000l\033[?1002l\033[?1006l\033[?2004l\033[0m"
                                "\033[?25h\033[?1049l\r\n";
    ssize_t w = write(STDOUT_FILENO, reset, sizeof reset - 1);
    (void)w;
    if (have_tio)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    /* Sanitizers print their own report on these; do not hide it. */
    struct sigaction cr;
    memset(&cr, 0, sizeof cr);
    cr.sa_handler = on_crash;
    sigemptyset(&cr.sa_mask);
    cr.sa_flags = SA_RESETHAND;
    sigaction(SIGSEGV, &cr, NULL);
    sigaction(SIGBUS, &cr, NULL);
    sigaction(SIGFPE, &cr, NULL);
    sigaction(SIGABRT, &cr, NULL);
    sigaction(SIGILL, &cr, NULL);
#else
    (void)on_crash;
#endif
}

/* ---- glyphs, colours, attributes ---------------------------------------- */

static const struct tui_glyphs glyphs_utf8 = {
    .hline = "─", .vline = "│", .ellipsis = "…", .bullet = "●", .arrow = "→",
    .unseen = "†", .pending = "…", .cross = "✗",
    .score = {"●", "◕", "◑", "○"},
    .eighths = {" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"},
};
static const struct tui_glyphs glyphs_ascii = {
    .hline = "-", .vline = "|", .ellipsis = "~", .bullet = "*", .arrow = "->",
    .unseen = "~", .pending = ".", .cross = "x",
    .score = {"#", "+", "-", "."},
    .eighths = {" ", " ", " ", " ", "#", "#", "#", "#", "#"},
};

enum {
    PAIR_SERIES = 1, /* 1..8 */
    PAIR_AXIS = 9, PAIR_HEADER, PAIR_SELECTED, PAIR_STATUS, PAIR_TAB, PAIR_GOOD, PAIR_MID,
    PAIR_BAD, PAIR_KEY, PAIR_MARK, PAIR_ERROR, PAIR_INFO, PAIR_DIM,
};

static void setup_colors(struct tui *t)
{
    const char *nc = getenv("NO_COLOR");
    t->color = has_colors() && !(nc && *nc);
    memset(&t->colors, 0, sizeof t->colors);
    if (!t->color)
        return;
    start_color();
    use_default_colors();
    static const short series[8] = {COLOR_CYAN, COLOR_YELLOW, COLOR_MAGENTA, COLOR_GREEN,
                                    COLOR_RED, COLOR_BLUE, COLOR_WHITE, COLOR_CYAN};
    for (int i = 0; i < 8; i++) {
        init_pair((short)(PAIR_SERIES + i), series[i], -1);
        t->colors.series[i] = (short)(PAIR_SERIES + i);
    }
    init_pair(PAIR_AXIS, COLOR_BLUE, -1);
    init_pair(PAIR_HEADER, COLOR_CYAN, -1);
    init_pair(PAIR_SELECTED, COLOR_BLACK, COLOR_CYAN);
    init_pair(PAIR_STATUS, COLOR_BLACK, COLOR_WHITE);
    init_pair(PAIR_TAB, COLOR_BLACK, COLOR_YELLOW);
    init_pair(PAIR_GOOD, COLOR_GREEN, -1);
    init_pair(PAIR_MID, COLOR_YELLOW, -1);
    init_pair(PAIR_BAD, COLOR_RED, -1);
    init_pair(PAIR_KEY, COLOR_YELLOW, -1);
    init_pair(PAIR_MARK, COLOR_MAGENTA, -1);
    init_pair(PAIR_ERROR, COLOR_WHITE, COLOR_RED);
    init_pair(PAIR_INFO, COLOR_CYAN, -1);
    init_pair(PAIR_DIM, COLOR_BLUE, -1);
    t->colors.enabled = true;
    t->colors.axis = PAIR_AXIS;
    t->colors.header = PAIR_HEADER;
    t->colors.selected = PAIR_SELECTED;
}

attr_t tui_attr(const struct tui *t, enum tui_role r)
{
    if (!t->color) {
        switch (r) {
        case TUI_R_DIM: return A_DIM;
        case TUI_R_BOLD:
        case TUI_R_TITLE:
        case TUI_R_KEY:
        case TUI_R_GOOD:
        case TUI_R_FOCUS: return A_BOLD;
        case TUI_R_TAB_ACTIVE: return A_REVERSE | A_BOLD;
        case TUI_R_STATUS: return A_NORMAL;
        case TUI_R_SELECTED:
        case TUI_R_ERROR: return A_REVERSE;
        case TUI_R_MARK: return A_UNDERLINE;
        case TUI_R_BAD: return A_DIM;
        default: return A_NORMAL;
        }
    }
    switch (r) {
    case TUI_R_DIM: return COLOR_PAIR(PAIR_DIM);
    case TUI_R_BOLD: return A_BOLD;
    case TUI_R_TITLE: return A_BOLD | COLOR_PAIR(PAIR_HEADER);
    case TUI_R_TAB: return A_NORMAL;
    case TUI_R_TAB_ACTIVE: return A_BOLD | COLOR_PAIR(PAIR_TAB);
    case TUI_R_STATUS: return COLOR_PAIR(PAIR_STATUS);
    case TUI_R_FOOTER: return A_NORMAL;
    case TUI_R_KEY: return A_BOLD | COLOR_PAIR(PAIR_KEY);
    case TUI_R_GOOD: return A_BOLD | COLOR_PAIR(PAIR_GOOD);
    case TUI_R_MID: return COLOR_PAIR(PAIR_MID);
    case TUI_R_BAD: return COLOR_PAIR(PAIR_BAD);
    case TUI_R_MARK: return A_UNDERLINE | COLOR_PAIR(PAIR_MARK);
    case TUI_R_ERROR: return A_BOLD | COLOR_PAIR(PAIR_ERROR);
    case TUI_R_SELECTED: return COLOR_PAIR(PAIR_SELECTED);
    case TUI_R_FOCUS: return A_BOLD | COLOR_PAIR(PAIR_KEY);
    case TUI_R_INFO: return COLOR_PAIR(PAIR_INFO);
    default: return A_NORMAL;
    }
}

/* Draw at most w columns of s (no padding): returns the columns used. */
int tui_text(struct tui *t, int y, int x, int w, const char *s, enum tui_role r)
{
    if (w <= 0 || y < 0 || y >= t->rows || x < 0 || x >= t->cols)
        return 0;
    if (x + w > t->cols)
        w = t->cols - x;
    if (!s)
        s = "";
    int tw = ui_text_width(s, strlen(s));
    attrset(tui_attr(t, r));
    int n = ui_draw_text(stdscr, y, x, tw < w ? tw : w, s, strlen(s), UI_ALIGN_LEFT, t->tflags);
    attrset(A_NORMAL);
    return n;
}

int tui_text_right(struct tui *t, int y, int x, int w, const char *s, enum tui_role r)
{
    if (w <= 0 || y < 0 || y >= t->rows || x >= t->cols)
        return 0;
    if (!s)
        s = "";
    int tw = ui_text_width(s, strlen(s));
    if (tw < w) {
        x += w - tw;
        w = tw;
    }
    return tui_text(t, y, x, w, s, r);
}

void tui_heading(struct tui *t, int y, int x, int w, const char *title, bool focused)
{
    char buf[512];
    size_t n = 0;
    buf[0] = 0;
    for (int i = 0; i < w && n + 8 < sizeof buf; i++) {
        size_t l = strlen(t->g->hline);
        memcpy(buf + n, t->g->hline, l);
        n += l;
    }
    buf[n] = 0;
    tui_text(t, y, x, w, buf, focused ? TUI_R_FOCUS : TUI_R_DIM);
    char tb[300];
    snprintf(tb, sizeof tb, " %s ", title);
    int tw = ui_text_width(tb, strlen(tb));
    tui_text(t, y, x + 1, tw < w - 2 ? tw : w - 2, tb, focused ? TUI_R_FOCUS : TUI_R_TITLE);
}

void tui_msg(struct tui *t, enum tui_role r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->msg, sizeof t->msg, fmt, ap);
    va_end(ap);
    t->msg_role = r;
    t->msg_time = pl_now();
}

void tui_bar(struct tui *t, int y, int x, int w, double frac, enum tui_role r)
{
    if (w <= 0)
        return;
    if (!(frac > 0))
        frac = 0;
    if (frac > 1)
        frac = 1;
    int eighths = (int)lround(frac * w * 8);
    char buf[256];
    size_t n = 0;
    for (int i = 0; i < w && n + 8 < sizeof buf; i++) {
        int e = eighths - i * 8;
        e = e < 0 ? 0 : e > 8 ? 8 : e;
        const char *g = t->g->eighths[e];
        size_t l = strlen(g);
        memcpy(buf + n, g, l);
        n += l;
    }
    buf[n] = 0;
    tui_text(t, y, x, w, buf, r);
}

const char *tui_score_glyph(const struct tui *t, double chrf, enum tui_role *role)
{
    if (!isfinite(chrf)) {
        *role = TUI_R_DIM;
        return t->g->pending;
    }
    if (chrf >= 80) {
        *role = TUI_R_GOOD;
        return t->g->score[0];
    }
    if (chrf >= 50) {
        *role = TUI_R_MID;
        return t->g->score[1];
    }
    if (chrf >= 20) {
        *role = TUI_R_BAD;
        return t->g->score[2];
    }
    *role = TUI_R_BAD;
    return t->g->score[3];
}

void tui_chart_params(const struct tui *t, struct ui_chart_params *p, int n_series)
{
    ui_chart_params_default(p);
    p->ascii = (t->tflags & UI_TEXT_ASCII) != 0;
    if (!t->color && n_series > 1)
        p->mode = UI_CHART_GLYPH;
}

int tui_table_col_x(const struct ui_table *tb, int w, int col, int *width)
{
    int widths[UI_TABLE_MAX_COLS];
    ui_table_layout(tb, w, widths);
    int x = 0;
    for (int c = 0; c < col && c < tb->n_cols; c++)
        if (widths[c] > 0)
            x += widths[c] + UI_TABLE_GAP;
    if (width)
        *width = col < tb->n_cols ? widths[col] : 0;
    return x;
}

void tui_score_cell(const struct tui *t, double chrf, int state, char *buf, size_t cap)
{
    enum tui_role role;
    if (state == TUI_CELL_FAILED)
        snprintf(buf, cap, "%s err", t->g->cross);
    else if (state != TUI_CELL_DONE)
        snprintf(buf, cap, "%s", t->g->pending);
    else if (!isfinite(chrf))
        snprintf(buf, cap, "  -");
    else
        snprintf(buf, cap, "%s %3.0f", tui_score_glyph(t, chrf, &role), chrf);
}

void tui_score_paint(struct tui *t, int y, int x, double chrf, int state)
{
    enum tui_role role;
    if (state == TUI_CELL_FAILED) {
        tui_text(t, y, x, 1, t->g->cross, TUI_R_BAD);
        return;
    }
    if (state != TUI_CELL_DONE || !isfinite(chrf))
        return;
    const char *g = tui_score_glyph(t, chrf, &role);
    tui_text(t, y, x, 1, g, role);
}

bool tui_key_is(const struct tui_key *k, int ch)
{
    return !k->fn && !k->alt && k->code == ch;
}

/* ---- unseen words ----------------------------------------------------------- */

/* Append text[*from..upto) to out (cap bytes, length *o), newlines as
 * spaces, as far as it fits. */
static void copy_plain(char *out, size_t cap, size_t *o, const char *text, size_t *from, size_t upto)
{
    for (; *from < upto; (*from)++)
        if (*o + 2 < cap) {
            out[(*o)++] = text[*from] == '\n' ? ' ' : text[*from];
            out[*o] = 0;
        }
}

int tui_mark_unseen(struct tui *t, const char *text, char *out, size_t cap, char *detail,
                    size_t dcap)
{
    const tok *tk = lab_tok(t->L);
    const bool listed = lab_words(t->L) != NULL;
    const size_t len = strlen(text), ml = strlen(t->g->unseen);
    size_t pos = 0, b, n, o = 0, dn = 0, copied = 0;
    int marked = 0;
    if (cap)
        out[0] = 0;
    if (detail && dcap)
        detail[0] = 0;
    while (words_next(text, len, &pos, &b, &n)) {
        if (!lab_word_unseen(t->L, text + b, n))
            continue;
        copy_plain(out, cap, &o, text, &copied, b + n);
        if (o + ml + 1 < cap) {
            memcpy(out + o, t->g->unseen, ml);
            o += ml;
            out[o] = 0;
        }
        marked++;
        if (!detail || dn + n + 16 >= dcap)
            continue;
        dn += (size_t)snprintf(detail + dn, dcap - dn, "%s%.*s", dn ? "  " : "", (int)n, text + b);
        int *ids = NULL, n_ids = 0;
        if (!listed && tok_encode(tk, text + b, n, TOK_NO_SPECIAL, &ids, &n_ids, NULL) == 0) {
            /* without a word list, show why: the pieces the tokenizer makes */
            dn += (size_t)snprintf(detail + dn, dcap - dn, " %s ", t->g->arrow);
            for (int i = 0; i < n_ids && dn + 24 < dcap; i++) {
                const char *pc = tok_piece(tk, ids[i]);
                dn += (size_t)snprintf(detail + dn, dcap - dn, "%s%s", i ? "|" : "",
                                       ids[i] == tok_unk_id(tk) ? "<unk>" : pc ? pc : "?");
            }
        }
        free(ids);
    }
    copy_plain(out, cap, &o, text, &copied, len);
    return marked;
}

/* ---- soft prompts ------------------------------------------------------------ */

const struct tui_soft *tui_soft_current(const struct tui *t)
{
    if (t->soft_sel < 0 || t->soft_sel >= t->n_softs)
        return NULL;
    const struct tui_soft *s = &t->softs[t->soft_sel];
    return s->p.w && s->p.d == t->d_model ? s : NULL;
}

int tui_soft_add(struct tui *t, struct tui_soft *s)
{
    if (t->n_softs >= TUI_MAX_SOFTS) {
        soft_prompt_free(&s->p);
        return -1;
    }
    t->softs[t->n_softs] = *s;
    memset(s, 0, sizeof *s);
    return t->n_softs++;
}

void tui_soft_select(struct tui *t, int idx)
{
    if (idx < -1 || idx >= t->n_softs)
        return;
    t->soft_sel = idx;
    t->soft_version++;
}

struct tui_run *tui_run_by_id(const struct tui *t, int id)
{
    for (int i = 0; i < t->n_runs; i++)
        if (tui_run_id(t->runs[i]) == id)
            return t->runs[i];
    return NULL;
}

/* Follow each run's best prompt in its soft-prompt entry. */
static bool sync_run_softs(struct tui *t)
{
    bool changed = false;
    for (int i = 0; i < t->n_runs; i++) {
        struct tui_run *r = t->runs[i];
        const struct tui_run_view *v = tui_run_view(r);
        if (!v->best)
            continue;
        int idx = -1;
        for (int k = 0; k < t->n_softs; k++)
            if (t->softs[k].run_id == tui_run_id(r))
                idx = k;
        if (idx < 0) {
            struct tui_soft s;
            memset(&s, 0, sizeof s);
            if (soft_prompt_init(&s.p, v->n_rows, v->d, NULL))
                continue;
            memcpy(s.p.w0, v->w0, sizeof(float) * (size_t)v->n_rows * (size_t)v->d);
            s.p.init = tui_run_config(r)->init;
            s.run_id = tui_run_id(r);
            s.has_initial = true;
            s.file_bytes = -1;
            char init[80];
            tui_run_describe(tui_run_config(r), init, sizeof init);
            snprintf(s.name, sizeof s.name, "run %d (%.40s, %d rows)", s.run_id, init, v->n_rows);
            idx = tui_soft_add(t, &s);
            if (idx < 0)
                continue;
            tui_soft_select(t, idx); /* a new run is what the user wants to look at */
            t->softs[idx].version = 0;
        }
        struct tui_soft *s = &t->softs[idx];
        if (s->version != v->best_seq) {
            memcpy(s->p.w, v->best, sizeof(float) * (size_t)v->n_rows * (size_t)v->d);
            s->version = v->best_seq;
            if (v->saved_step >= 0) {
                tui_copy(s->path, sizeof s->path, v->dir);
                s->file_bytes = tui_path_bytes(v->dir);
            }
            if (idx == t->soft_sel)
                t->soft_version++;
            changed = true;
        }
    }
    return changed;
}

/* ---- model and samples ------------------------------------------------------- */

static float vocab_mean_norm(struct lab *L)
{
    const struct soft_vocab *v = lab_vocab(L);
    if (!v)
        return NAN;
    double sum = 0;
    long n = 0;
    for (int i = 0; i < v->n_rows; i++) {
        if (v->ordinary && !v->ordinary[i])
            continue;
        const float *r = v->emb + (size_t)i * (size_t)v->d;
        double s = 0;
        for (int j = 0; j < v->d; j++)
            s += (double)r[j] * r[j];
        sum += sqrt(s);
        n++;
    }
    return n ? (float)(sum / (double)n) : NAN;
}

static void model_adopt(struct tui *t, struct lab *L)
{
    t->L = L;
    const struct t5_config *c = t5_model_config(lab_model(L));
    tui_copy(t->model_dir, sizeof t->model_dir, lab_dir(L));
    const char *nm = c->name_or_path[0] ? c->name_or_path : lab_dir(L);
    tui_copy(t->model_name, sizeof t->model_name, tui_basename(nm));
    t->family = t5_family_name(t5_family_of(c));
    t->family_hint = t5_family_hint(t5_family_of(c));
    t->d_model = c->d_model;
    t->n_params = t5_model_n_params(lab_model(L));
    t->vocab_norm = vocab_mean_norm(L);
    t->model_version++;
}

static int samples_load(struct tui *t, const char *path, struct pl_err *e)
{
    struct jsonl_set s = {0};
    int rc = path ? jsonl_read(path, &s, e) : tui_samples_builtin(&s, e);
    if (rc == 0 && s.n == 0) {
        jsonl_free(&s);
        return pl_err_set(e, PL_EINVAL, "%s: no samples in the file", path);
    }
    if (rc)
        return rc;
    jsonl_free(&t->samples);
    t->samples = s;
    char real[PATH_MAX];
    tui_copy(t->samples_path, sizeof t->samples_path,
             path ? (realpath(path, real) ? real : path) : "");
    tui_copy(t->samples_name, sizeof t->samples_name, path ? tui_basename(path) : "built-in");
    t->samples_version++;
    return 0;
}

static void views_reset(struct tui *t)
{
    tui_hard_reset(t);
    tui_side_reset(t);
    tui_insp_reset(t);
}

static void switch_samples(struct tui *t, const char *path)
{
    struct pl_err e = {0};
    if (samples_load(t, path, &e)) {
        tui_msg(t, TUI_R_ERROR, "%s", e.msg);
        return;
    }
    views_reset(t);
    tui_msg(t, TUI_R_INFO, "sample set: %s (%d samples)", t->samples_name, t->samples.n);
}

static bool any_run_active(const struct tui *t)
{
    for (int i = 0; i < t->n_runs; i++)
        if (tui_run_active(t->runs[i]))
            return true;
    return false;
}

static void switch_model(struct tui *t, const char *dir)
{
    if (any_run_active(t)) {
        tui_msg(t, TUI_R_ERROR, "a training run is going: stop it (view 2, x) before switching model");
        return;
    }
    struct lab *L = NULL;
    struct pl_err e = {0};
    if (lab_open(dir, &L, &e)) {
        tui_msg(t, TUI_R_ERROR, "%s", e.msg);
        return;
    }
    /* jobs first (they hold the worker), then the worker, then the old lab */
    tui_hard_reset(t);
    tui_side_reset(t);
    tui_insp_reset(t);
    tui_worker_free(t->worker);
    t->worker = NULL;
    struct lab *old = t->L;
    for (int i = 0; i < t->n_runs; i++)
        tui_run_free(t->runs[i]); /* finished; their curves go with the old model */
    t->n_runs = 0;
    model_adopt(t, L);
    lab_close(old);
    if (tui_worker_start(&t->worker, t->L, &e))
        tui_msg(t, TUI_R_ERROR, "decoding thread: %s", e.msg);
    else
        tui_msg(t, TUI_R_INFO, "model: %s (%s, d_model %d)", t->model_name, t->family, t->d_model);
    if (t->soft_sel >= 0 && t->softs[t->soft_sel].p.d != t->d_model)
        tui_soft_select(t, -1);
    for (int i = 0; i < t->n_softs && t->soft_sel < 0; i++)
        if (t->softs[i].p.d == t->d_model)
            tui_soft_select(t, i);
    t->soft_version++;
}

static void add_soft_path(struct tui *t, const char *path)
{
    for (int i = 0; i < t->n_softs; i++)
        if (strcmp(t->softs[i].path, path) == 0) {
            tui_soft_select(t, i);
            tui_msg(t, TUI_R_INFO, "soft prompt: %s", t->softs[i].name);
            return;
        }
    struct tui_soft s;
    struct pl_err e = {0};
    if (tui_soft_load(path, t->d_model, &s, &e)) {
        tui_msg(t, TUI_R_ERROR, "%s", e.msg);
        return;
    }
    int idx = tui_soft_add(t, &s);
    if (idx < 0) {
        tui_msg(t, TUI_R_ERROR, "too many soft prompts loaded");
        return;
    }
    tui_soft_select(t, idx);
    tui_msg(t, TUI_R_INFO, "soft prompt: %s (%d rows)", t->softs[idx].name, t->softs[idx].p.n_tokens);
}

/* ---- overlays: picker, input, help, quit ---------------------------------------- */

static void pick_add(struct tui *t, int *cap, enum tui_pick_kind kind,
                     enum tui_pick_kind for_kind, const char *label,
                     const char *path)
{
    if (t->n_pick == *cap) {
        int nc = *cap ? 2 * *cap : 32;
        struct tui_picker_item *np = realloc(t->pick, sizeof *np * (size_t)nc);
        if (!np)
            return;
        t->pick = np;
        *cap = nc;
    }
    struct tui_picker_item *it = &t->pick[t->n_pick++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->for_kind = for_kind;
    tui_copy(it->label, sizeof it->label, label);
    tui_copy(it->path, sizeof it->path, path ? path : "");
}

static void pick_add_list(struct tui *t, int *cap, enum tui_pick_kind kind, char **paths, int n)
{
    for (int i = 0; i < n; i++) {
        bool dup = false;
        for (int k = 0; k < t->n_pick; k++)
            if (t->pick[k].kind == kind && strcmp(t->pick[k].path, paths[i]) == 0)
                dup = true;
        if (!dup) {
            char label[160];
            snprintf(label, sizeof label, "%-28.60s %.90s", tui_basename(paths[i]), paths[i]);
            pick_add(t, cap, kind, TUI_PICK_HEADING, label, paths[i]);
        }
    }
}

void tui_open_picker(struct tui *t, enum tui_pick_kind only)
{
    free(t->pick);
    t->pick = NULL;
    t->n_pick = 0;
    t->pick_only = only;
    int cap = 0;
    char dir[PATH_MAX];
    char **v = NULL;
    int n = 0;
    const char *data = app_data_dir();
    if (!only) {
        pick_add(t, &cap, TUI_PICK_HEADING, TUI_PICK_HEADING, "Model directories", NULL);
        char *cur[1] = {t->model_dir};
        pick_add_list(t, &cap, TUI_PICK_MODEL, cur, 1);
        snprintf(dir, sizeof dir, "%s/models", data);
        if (tui_list_paths(dir, NULL, true, "config.json", &v, &n) == 0)
            pick_add_list(t, &cap, TUI_PICK_MODEL, v, n);
        tui_paths_free(v, n);
        pick_add(t, &cap, TUI_PICK_TYPE, TUI_PICK_MODEL, "  type a model directory...", NULL);
    }
    pick_add(t, &cap, TUI_PICK_HEADING, TUI_PICK_HEADING, only ? "Training data (JSONL)" : "Sample sets (JSONL)", NULL);
    snprintf(dir, sizeof dir, "%s/samples", data);
    if (tui_list_paths(dir, ".jsonl", false, NULL, &v, &n) == 0)
        pick_add_list(t, &cap, TUI_PICK_SAMPLES, v, n);
    tui_paths_free(v, n);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        snprintf(cwd, sizeof cwd, ".");
    if (tui_list_paths(cwd, ".jsonl", false, NULL, &v, &n) == 0)
        pick_add_list(t, &cap, TUI_PICK_SAMPLES, v, n);
    tui_paths_free(v, n);
    if (!only && !t->samples_path[0])
        pick_add(t, &cap, TUI_PICK_SAMPLES, TUI_PICK_HEADING, "built-in samples", "");
    pick_add(t, &cap, TUI_PICK_TYPE, TUI_PICK_SAMPLES, "  type a JSONL file path...", NULL);
    if (!only) {
        pick_add(t, &cap, TUI_PICK_HEADING, TUI_PICK_HEADING, "Soft prompts (PEFT directories, .npy)", NULL);
        snprintf(dir, sizeof dir, "%s/prompts", data);
        if (tui_list_paths(dir, NULL, true, "adapter_config.json", &v, &n) == 0)
            pick_add_list(t, &cap, TUI_PICK_SOFT, v, n);
        tui_paths_free(v, n);
        if (tui_list_paths(t->runs_root, NULL, true, "adapter_config.json", &v, &n) == 0) {
            /* newest runs first, at most 12 */
            for (int i = 0; i < n / 2; i++) {
                char *tmp = v[i];
                v[i] = v[n - 1 - i];
                v[n - 1 - i] = tmp;
            }
            pick_add_list(t, &cap, TUI_PICK_SOFT, v, n < 12 ? n : 12);
        }
        tui_paths_free(v, n);
        if (tui_list_paths(cwd, NULL, true, "adapter_config.json", &v, &n) == 0)
            pick_add_list(t, &cap, TUI_PICK_SOFT, v, n);
        tui_paths_free(v, n);
        if (tui_list_paths(cwd, ".npy", false, NULL, &v, &n) == 0)
            pick_add_list(t, &cap, TUI_PICK_SOFT, v, n);
        tui_paths_free(v, n);
        pick_add(t, &cap, TUI_PICK_TYPE, TUI_PICK_SOFT, "  type a soft prompt path...", NULL);
    }
    t->pick_list = (struct ui_list){0, 0};
    /* start on the first selectable entry */
    while (t->pick_list.selected < t->n_pick && t->pick[t->pick_list.selected].kind == TUI_PICK_HEADING)
        t->pick_list.selected++;
    t->ov = TUI_OV_PICKER;
}

void tui_open_input(struct tui *t, enum tui_input_for what, const char *label, const char *init)
{
    ui_editor_free(&t->input);
    ui_editor_init(&t->input, UI_EDITOR_SINGLE_LINE);
    if (init)
        ui_editor_set_text(&t->input, init, strlen(init));
    t->input_for = what;
    tui_copy(t->input_label, sizeof t->input_label, label);
    t->ov = TUI_OV_INPUT;
}

static void pick_choose(struct tui *t)
{
    if (t->pick_list.selected < 0 || t->pick_list.selected >= t->n_pick)
        return;
    struct tui_picker_item *it = &t->pick[t->pick_list.selected];
    t->ov = TUI_OV_NONE;
    switch (it->kind) {
    case TUI_PICK_MODEL: switch_model(t, it->path); break;
    case TUI_PICK_SAMPLES:
        if (t->pick_only == TUI_PICK_SAMPLES) {
            tui_train_set_data(t, it->path);
        } else {
            switch_samples(t, it->path[0] ? it->path : NULL);
        }
        break;
    case TUI_PICK_SOFT: add_soft_path(t, it->path); break;
    case TUI_PICK_TYPE:
        if (it->for_kind == TUI_PICK_MODEL)
            tui_open_input(t, TUI_IN_MODEL_PATH, "Model directory", "");
        else if (it->for_kind == TUI_PICK_SAMPLES)
            tui_open_input(t, t->pick_only == TUI_PICK_SAMPLES ? TUI_IN_TRAIN_DATA_PATH : TUI_IN_SAMPLES_PATH,
                           "JSONL file", "");
        else
            tui_open_input(t, TUI_IN_SOFT_PATH, "Soft prompt directory or .npy", "");
        break;
    default: t->ov = TUI_OV_PICKER; break;
    }
}

static void input_apply(struct tui *t)
{
    const char *s = ui_editor_text(&t->input, NULL);
    char path[PATH_MAX];
    /* ~/ means the home directory, as in a shell */
    const char *home = getenv("HOME");
    if (s[0] == '~' && s[1] == '/' && home)
        snprintf(path, sizeof path, "%s/%s", home, s + 2);
    else
        tui_copy(path, sizeof path, s);
    t->ov = TUI_OV_NONE;
    if (!path[0])
        return;
    switch (t->input_for) {
    case TUI_IN_MODEL_PATH: switch_model(t, path); break;
    case TUI_IN_SAMPLES_PATH: switch_samples(t, path); break;
    case TUI_IN_SOFT_PATH: add_soft_path(t, path); break;
    case TUI_IN_TRAIN_DATA_PATH: tui_train_set_data(t, path); break;
    case TUI_IN_SAVE_AS: tui_train_save_as(t, path); break;
    }
}

static const char *const help_marks[] = {
    "MARKS",
    "  chrF (0-100, character n-gram F-score against the reference):",
    "    \x01" "80 and up   \x02" "50-79   \x03" "20-49   \x04" "below 20   \x05" "not decoded yet",
    "  \x06 after a word: the model has probably never seen it - the tokenizer",
    "    had no piece for it (<unk>) or split it into single letters, so",
    "    outputs about it are guesses.",
    "",
};

static const char *const help_global[] = {
    "promptlab: hard prompts (instructions you write) and soft prompts (vectors",
    "learned by prompt tuning) on one frozen T5 model.",
    "",
    "EVERYWHERE",
    "  1 2 3 4, F1-F4  switch view (or click a tab)",
    "  ?               this help (Up/Down scroll, any other key closes)",
    "  m               picker: model directory, sample set, soft prompt (your own",
    "                  JSONL files and prompt directories too)",
    "  q, F10          quit (asks whether to save when a run is training)",
    "  Ctrl-C          quit at once; a training run saves its best prompt first",
    "  Tab             next pane (editor, lists, form)",
    "  Esc             leave a text field / close a window",
    "",
};

static const char *const help_hard[] = {
    "1 HARD PROMPT",
    "  Enter, e        edit the template ({source} is replaced by each sample;",
    "                  without it the sample follows the template)",
    "  while editing   arrows, Home/End, Ctrl-A/E, Alt-B/F (word), Ctrl-W/K/U",
    "                  (delete word/to end/to start), Ctrl-Y (paste back), Enter",
    "                  (new line), paste; Esc or Tab stops editing, Ctrl-R runs",
    "  r               run the template over the sample set (per-row chrF, total)",
    "  t               show the tokens the model sees for the selected sample",
    "  p / Tab         presets list; Enter loads the preset into the editor",
    "  Up/Down, PgUp/PgDn  move in the results",
    "",
};

static const char *const help_train[] = {
    "2 SOFT PROMPT TRAINING",
    "  Up/Down         choose a field; Left/Right change a choice",
    "  Enter           edit a field: type the new value, Enter keeps it, Esc cancels;",
    "                  on Data it opens a picker of JSONL files",
    "  s               start a run with the form's settings",
    "  p, Space        pause / resume      x  stop      w  save (best prompt + curve)",
    "  W               save as... (a directory you name)",
    "  Tab             runs list; v shows/hides a run on the chart (compare runs)",
    "  l               linear / log scale      E  export the chart as SVG",
    "  Charts: loss (train, valid), metric (chrF on validation), and prompt health:",
    "  gradient norm, mean row norm, mean drift from the initial rows.",
    "  Every improvement is saved in the run's directory, so nothing is lost.",
    "",
};

static const char *const help_side[] = {
    "3 SIDE BY SIDE",
    "  Each sample under the hard prompt (view 1's template), the soft prompt,",
    "  and no prompt at all; outputs fill in as they are decoded.",
    "  Up/Down         select a sample (details below the table)",
    "  i, /            type your own sentence; Enter translates it all three ways",
    "  h               next hard prompt preset      s  next soft prompt",
    "  r               decode again      E  export the table (Markdown and CSV)",
    "",
};

static const char *const help_insp[] = {
    "4 INSPECTOR",
    "  Every soft prompt row: its nearest vocabulary tokens (cosine bars), its",
    "  norm against the vocabulary's typical norm, how far it moved from its",
    "  initial value, cosine to its start and the step where its nearest token",
    "  first changed (\"the words melt\"). Then a random vector (control: random",
    "  vectors have no meaningful neighbours) and the hard prompt's own tokens.",
    "  s               next soft prompt      n  snap to words: replace every row",
    "                  by its nearest token and score that as a hard prompt",
    "  c               melt chart: each row's cosine to its start over training",
    "  Up/Down         scroll",
    "",
};

static int help_lines(const struct tui *t, const char **out, int cap)
{
    int n = 0;
    const char *const *views[] = {help_hard, help_train, help_side, help_insp};
    size_t sizes[] = {sizeof help_hard / sizeof *help_hard, sizeof help_train / sizeof *help_train,
                      sizeof help_side / sizeof *help_side, sizeof help_insp / sizeof *help_insp};
    /* the current view first */
    for (size_t i = 0; i < sizes[t->view] && n < cap; i++)
        out[n++] = views[t->view][i];
    for (size_t i = 0; i < sizeof help_marks / sizeof *help_marks && n < cap; i++)
        out[n++] = help_marks[i];
    for (size_t i = 0; i < sizeof help_global / sizeof *help_global && n < cap; i++)
        out[n++] = help_global[i];
    for (int v = 0; v < TUI_N_VIEWS; v++)
        for (size_t i = 0; v != (int)t->view && i < sizes[v] && n < cap; i++)
            out[n++] = views[v][i];
    return n;
}

static void draw_box(struct tui *t, int y, int x, int h, int w, const char *title)
{
    attrset(A_NORMAL);
    for (int r = 0; r < h; r++)
        mvhline(y + r, x, ' ', w);
    if (t->tflags & UI_TEXT_ASCII) {
        for (int c = 0; c < w; c++) {
            mvaddch(y, x + c, '-');
            mvaddch(y + h - 1, x + c, '-');
        }
        for (int r = 0; r < h; r++) {
            mvaddch(y + r, x, '|');
            mvaddch(y + r, x + w - 1, '|');
        }
    } else {
        mvhline_set(y, x + 1, WACS_HLINE, w - 2);
        mvhline_set(y + h - 1, x + 1, WACS_HLINE, w - 2);
        mvvline_set(y + 1, x, WACS_VLINE, h - 2);
        mvvline_set(y + 1, x + w - 1, WACS_VLINE, h - 2);
        mvadd_wch(y, x, WACS_ULCORNER);
        mvadd_wch(y, x + w - 1, WACS_URCORNER);
        mvadd_wch(y + h - 1, x, WACS_LLCORNER);
        mvadd_wch(y + h - 1, x + w - 1, WACS_LRCORNER);
    }
    if (title) {
        char tb[160];
        snprintf(tb, sizeof tb, " %s ", title);
        tui_text(t, y, x + 2, ui_text_width(tb, strlen(tb)), tb, TUI_R_TITLE);
    }
}

static void draw_help(struct tui *t)
{
    const char *lines[160];
    int n = help_lines(t, lines, 160);
    int w = t->cols - 4 < 84 ? t->cols - 4 : 84, h = t->rows - 4;
    int y = 2, x = (t->cols - w) / 2;
    draw_box(t, y, x, h, w, "Help - keys and marks (Up/Down scroll, Esc closes)");
    ui_list_scroll(&t->help_list, n, h - 2);
    /* the list's selection is the top line: scroll by moving it */
    if (t->help_list.top > n - (h - 2))
        t->help_list.top = n - (h - 2) > 0 ? n - (h - 2) : 0;
    for (int r = 0; r < h - 2 && t->help_list.top + r < n; r++) {
        const char *s = lines[t->help_list.top + r];
        bool head = s[0] && s[0] != ' ';
        if (strchr(s, '\x01')) {
            /* the chrF legend: glyphs in their colours */
            int cx = x + 2;
            static const double vals[] = {90, 60, 30, 5, NAN};
            static const char *const txt[] = {" 80 and up  ", " 50-79  ", " 20-49  ",
                                              " below 20  ", " not decoded yet"};
            cx += tui_text(t, y + 1 + r, cx, 4, "    ", TUI_R_NORMAL);
            for (int i = 0; i < 5; i++) {
                enum tui_role role;
                const char *gl = tui_score_glyph(t, vals[i], &role);
                cx += tui_text(t, y + 1 + r, cx, 1, gl, role);
                cx += tui_text(t, y + 1 + r, cx, (int)strlen(txt[i]), txt[i], TUI_R_NORMAL);
            }
            continue;
        }
        if (s[0] == ' ' && strchr(s, '\x06')) {
            char buf[160];
            const char *at = strchr(s, '\x06');
            snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - s), s, t->g->unseen, at + 1);
            tui_text(t, y + 1 + r, x + 2, w - 4, buf, TUI_R_NORMAL);
            continue;
        }
        tui_text(t, y + 1 + r, x + 2, w - 4, s, head ? TUI_R_TITLE : TUI_R_NORMAL);
    }
}

static int help_key(struct tui *t, const struct tui_key *k)
{
    const char *lines[160];
    int n = help_lines(t, lines, 160), h = t->rows - 6;
    int max_top = n - h > 0 ? n - h : 0;
    if (k->ui == UI_KEY_DOWN || k->ui == UI_KEY_PAGE_DOWN) {
        t->help_list.top += k->ui == UI_KEY_DOWN ? 1 : h;
        if (t->help_list.top > max_top)
            t->help_list.top = max_top;
    } else if (k->ui == UI_KEY_UP || k->ui == UI_KEY_PAGE_UP) {
        t->help_list.top -= k->ui == UI_KEY_UP ? 1 : h;
        if (t->help_list.top < 0)
            t->help_list.top = 0;
    } else if (!(k->fn && k->code == KEY_MOUSE)) {
        t->ov = TUI_OV_NONE;
    }
    t->help_list.selected = t->help_list.top;
    return TUI_REDRAW;
}

static void draw_picker(struct tui *t)
{
    int w = t->cols - 6 < 100 ? t->cols - 6 : 100, h = t->rows - 4;
    int y = 2, x = (t->cols - w) / 2;
    draw_box(t, y, x, h, w, t->pick_only == TUI_PICK_SAMPLES ? "Pick the training data" : "Pick a model, sample set or soft prompt");
    int body = h - 3;
    ui_list_scroll(&t->pick_list, t->n_pick, body);
    for (int r = 0; r < body && t->pick_list.top + r < t->n_pick; r++) {
        int i = t->pick_list.top + r;
        const struct tui_picker_item *it = &t->pick[i];
        enum tui_role role = it->kind == TUI_PICK_HEADING ? TUI_R_TITLE
                             : i == t->pick_list.selected ? TUI_R_SELECTED
                                                          : TUI_R_NORMAL;
        char buf[200];
        bool current = (it->kind == TUI_PICK_MODEL && strcmp(it->path, t->model_dir) == 0) ||
                       (it->kind == TUI_PICK_SAMPLES && t->pick_only == 0 && strcmp(it->path, t->samples_path) == 0);
        snprintf(buf, sizeof buf, "%s%s", it->kind == TUI_PICK_HEADING ? "" : current ? "* " : "  ", it->label);
        if (role == TUI_R_SELECTED) {
            attrset(tui_attr(t, role));
            mvhline(y + 1 + r, x + 1, ' ', w - 2);
        }
        tui_text(t, y + 1 + r, x + 2, w - 4, buf, role);
    }
    tui_text(t, y + h - 2, x + 2, w - 4, "Enter choose   Up/Down move   Esc close   (* = in use)",
             TUI_R_DIM);
}

static int picker_key(struct tui *t, const struct tui_key *k)
{
    if (tui_key_is(k, 27) || tui_key_is(k, 'q')) {
        t->ov = TUI_OV_NONE;
        return TUI_REDRAW;
    }
    if (k->ui == UI_KEY_ENTER) {
        pick_choose(t);
        return TUI_REDRAW;
    }
    if (k->fn && k->code == KEY_MOUSE) {
        int y = 2, body = t->rows - 4 - 3;
        int row = k->my - y - 1;
        if (row >= 0 && row < body && t->pick_list.top + row < t->n_pick) {
            t->pick_list.selected = t->pick_list.top + row;
            if (t->pick[t->pick_list.selected].kind != 0 && (k->mbutton & BUTTON1_DOUBLE_CLICKED))
                pick_choose(t);
        }
        return TUI_REDRAW;
    }
    int before = t->pick_list.selected;
    ui_list_key(&t->pick_list, k->ui, t->n_pick, t->rows - 7);
    /* skip headings in the direction of travel */
    int dir = t->pick_list.selected >= before ? 1 : -1;
    while (t->pick_list.selected >= 0 && t->pick_list.selected < t->n_pick &&
           t->pick[t->pick_list.selected].kind == TUI_PICK_HEADING)
        t->pick_list.selected += dir;
    if (t->pick_list.selected < 0 || t->pick_list.selected >= t->n_pick)
        t->pick_list.selected = before;
    return TUI_REDRAW;
}

static void draw_input(struct tui *t)
{
    int w = t->cols - 8 < 90 ? t->cols - 8 : 90, h = 5;
    int y = (t->rows - h) / 2, x = (t->cols - w) / 2;
    draw_box(t, y, x, h, w, t->input_label);
    ui_editor_scroll(&t->input, 1, w - 4);
    tui_text(t, y + 3, x + 2, w - 4, "Enter accept   Esc cancel", TUI_R_DIM);
    attrset(tui_attr(t, TUI_R_SELECTED));
    mvhline(y + 2, x + 2, ' ', w - 4);
    /* drawn last: a focused editor leaves the cursor where the terminal shows it */
    ui_editor_draw(stdscr, y + 2, x + 2, 1, w - 4, &t->input, true, t->tflags);
    attrset(A_NORMAL);
}

static int input_key(struct tui *t, const struct tui_key *k)
{
    if (tui_key_is(k, 27)) {
        t->ov = TUI_OV_NONE;
        tui_msg(t, TUI_R_DIM, "cancelled");
        return TUI_REDRAW;
    }
    if (k->paste) {
        ui_editor_insert(&t->input, k->paste, k->paste_len);
        return TUI_REDRAW;
    }
    if (k->ui == UI_KEY_ENTER) {
        input_apply(t);
        return TUI_REDRAW;
    }
    if (k->ui != UI_KEY_NONE)
        ui_editor_key(&t->input, k->ui, k->ch);
    return TUI_REDRAW;
}

static void quit_summary_line(const struct tui *t, char *buf, size_t cap)
{
    buf[0] = 0;
    for (int i = 0; i < t->n_runs; i++) {
        if (!tui_run_active(t->runs[i]))
            continue;
        const struct tui_run_view *v = tui_run_view(t->runs[i]);
        snprintf(buf, cap, "Run %d is training (step %d of %d).", tui_run_id(t->runs[i]), v->step,
                 v->total);
        return;
    }
}

static void draw_quit(struct tui *t)
{
    int w = 70, h = 8;
    int y = (t->rows - h) / 2, x = (t->cols - w) / 2;
    draw_box(t, y, x, h, w, "Quit promptlab?");
    char line[160];
    quit_summary_line(t, line, sizeof line);
    tui_text(t, y + 1, x + 2, w - 4, line, TUI_R_BOLD);
    tui_text(t, y + 3, x + 2, w - 4, "y  stop it, save the best prompt with its curve, and quit",
             TUI_R_NORMAL);
    tui_text(t, y + 4, x + 2, w - 4, "n  quit without the final save (the last checkpoint stays)",
             TUI_R_NORMAL);
    tui_text(t, y + 5, x + 2, w - 4, "Esc  keep training", TUI_R_NORMAL);
}

/* ---- the frame: tabs, status, message, footer ------------------------------- */

static const char *const view_names[TUI_N_VIEWS] = {"Hard prompt", "Soft prompt", "Side by side",
                                                   "Inspector"};
static void draw_tabs(struct tui *t)
{
    attrset(tui_attr(t, TUI_R_STATUS));
    mvhline(0, 0, ' ', t->cols);
    int x = tui_text(t, 0, 0, 11, " promptlab ", TUI_R_STATUS);
    for (int v = 0; v < TUI_N_VIEWS; v++) {
        char buf[40];
        /* brackets mark the current tab even without colour or attributes */
        snprintf(buf, sizeof buf, v == (int)t->view ? "[%d %s]" : " %d %s ", v + 1, view_names[v]);
        t->tab_x[v] = x;
        x += tui_text(t, 0, x, (int)strlen(buf), buf,
                      v == (int)t->view ? TUI_R_TAB_ACTIVE : TUI_R_STATUS);
        x += tui_text(t, 0, x, 1, " ", TUI_R_STATUS);
    }
    t->tab_x[TUI_N_VIEWS] = x;
    const char *right = t->demo ? "class demo  ? help" : "? help";
    if (x + (int)strlen(right) + 1 <= t->cols)
        tui_text_right(t, 0, x, t->cols - x - 1, right, TUI_R_STATUS);
    else if (t->demo && x + 11 <= t->cols)
        tui_text_right(t, 0, x, t->cols - x - 1, "class demo", TUI_R_STATUS);
}

static void draw_status(struct tui *t)
{
    char left[512], right[400], train[200];
    const struct tui_soft *s = tui_soft_current(t);
    snprintf(left, sizeof left, " model %s (%s) %s samples %s (%d) %s soft %s", t->model_name,
             t->family, t->g->vline, t->samples_name, t->samples.n, t->g->vline,
             s ? s->name : "none");
    tui_train_status(t, train, sizeof train);
    if (t->last_export[0])
        snprintf(right, sizeof right, "%s%sexported %.120s ", train, train[0] ? " | " : "",
                 tui_basename(t->last_export));
    else
        snprintf(right, sizeof right, "%s ", train);
    int rw = ui_text_width(right, strlen(right));
    if (rw > t->cols / 2)
        rw = t->cols / 2;
    tui_text(t, 1, 0, t->cols - rw - 1, left, TUI_R_BOLD);
    tui_text_right(t, 1, t->cols - rw, rw, right, TUI_R_INFO);
}

static void draw_footer(struct tui *t, const char *keys)
{
    /* "k desc\tk desc..." : keys bright, descriptions plain */
    int y = t->rows - 1, x = 0;
    attrset(tui_attr(t, TUI_R_FOOTER));
    mvhline(y, 0, ' ', t->cols);
    char item[128];
    const char *p = keys;
    while (*p && x < t->cols - 1) {
        const char *end = strchr(p, '\t');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len >= sizeof item)
            len = sizeof item - 1;
        memcpy(item, p, len);
        item[len] = 0;
        char *sp = strchr(item, ' ');
        if (sp)
            *sp = 0;
        int need = ui_text_width(item, strlen(item)) + (sp ? ui_text_width(sp + 1, strlen(sp + 1)) + 1 : 0);
        if (x + need > t->cols - 1)
            break;
        x += tui_text(t, y, x, t->cols - x, item, TUI_R_KEY);
        if (sp) {
            x += tui_text(t, y, x, 1, " ", TUI_R_FOOTER);
            x += tui_text(t, y, x, t->cols - x, sp + 1, TUI_R_FOOTER);
        }
        x += tui_text(t, y, x, 2, "  ", TUI_R_FOOTER);
        p = end ? end + 1 : p + strlen(p);
    }
}

static double median(double *v, int n)
{
    if (n == 0)
        return NAN;
    double *c = malloc(sizeof *c * (size_t)n);
    if (!c)
        return NAN;
    memcpy(c, v, sizeof *c * (size_t)n);
    for (int i = 1; i < n; i++) /* insertion sort: n is at most a few thousand */
        for (int j = i; j > 0 && c[j - 1] > c[j]; j--) {
            double tmp = c[j];
            c[j] = c[j - 1];
            c[j - 1] = tmp;
        }
    double m = n % 2 ? c[n / 2] : 0.5 * (c[n / 2 - 1] + c[n / 2]);
    free(c);
    return m;
}

static void draw_message(struct tui *t)
{
    int y = t->rows - 2;
    attrset(A_NORMAL);
    mvhline(y, 0, ' ', t->cols);
    int w = t->cols;
    if (t->debug) {
        double mx = 0;
        for (int i = 0; i < t->n_lat; i++)
            mx = t->lat[i] > mx ? t->lat[i] : mx;
        char dbg[128];
        snprintf(dbg, sizeof dbg, "key->screen last %.1f med %.1f max %.1f ms, frame max %.1f ms (%d keys)",
                 t->last_lat * 1e3, median(t->lat, t->n_lat) * 1e3, mx * 1e3, t->frame_max * 1e3,
                 t->n_lat);
        int dw = (int)strlen(dbg);
        tui_text_right(t, y, t->cols - dw - 1, dw, dbg, TUI_R_DIM);
        w = t->cols - dw - 2;
    }
    if (t->msg[0])
        tui_text(t, y, 1, w - 1, t->msg, t->msg_role);
}

static const char *view_footer(const struct tui *t)
{
    switch (t->view) {
    case TUI_VIEW_HARD: return tui_hard_footer(t);
    case TUI_VIEW_TRAIN: return tui_train_footer(t);
    case TUI_VIEW_SIDE: return tui_side_footer(t);
    case TUI_VIEW_INSPECT: return tui_insp_footer(t);
    default: return "";
    }
}

static bool view_editing(const struct tui *t)
{
    switch (t->view) {
    case TUI_VIEW_HARD: return tui_hard_editing(t);
    case TUI_VIEW_TRAIN: return tui_train_editing(t);
    case TUI_VIEW_SIDE: return tui_side_editing(t);
    default: return false;
    }
}

static void draw(struct tui *t)
{
    erase();
    curs_set(0);
    getmaxyx(stdscr, t->rows, t->cols);
    if (t->rows < TUI_MIN_ROWS || t->cols < TUI_MIN_COLS) {
        char a[96], b[96];
        snprintf(a, sizeof a, "promptlab needs a terminal of at least %dx%d;", TUI_MIN_COLS,
                 TUI_MIN_ROWS);
        snprintf(b, sizeof b, "this one is %dx%d. Please enlarge the window.", t->cols, t->rows);
        int y = t->rows / 2 - 1;
        for (int i = 0; i < 3; i++) {
            const char *s = i == 0 ? a : i == 1 ? b : "(q quits)";
            int w = (int)strlen(s) < t->cols ? (int)strlen(s) : t->cols;
            tui_text(t, y + i, (t->cols - w) / 2 > 0 ? (t->cols - w) / 2 : 0, w, s,
                     i == 2 ? TUI_R_DIM : TUI_R_BOLD);
        }
        return;
    }
    draw_tabs(t);
    draw_status(t);
    int y = 2, h = t->rows - 4;
    switch (t->view) {
    case TUI_VIEW_HARD: tui_hard_draw(t, y, 0, h, t->cols); break;
    case TUI_VIEW_TRAIN: tui_train_draw(t, y, 0, h, t->cols); break;
    case TUI_VIEW_SIDE: tui_side_draw(t, y, 0, h, t->cols); break;
    case TUI_VIEW_INSPECT: tui_insp_draw(t, y, 0, h, t->cols); break;
    default: break;
    }
    int cy, cx;
    getyx(stdscr, cy, cx); /* a focused editor left the cursor there */
    bool show_cursor = view_editing(t) && t->ov == TUI_OV_NONE;
    draw_message(t);
    char footer[600];
    const char *vf = view_footer(t);
    if (view_editing(t))
        snprintf(footer, sizeof footer, "%s", vf);
    else
        snprintf(footer, sizeof footer, "? help\tq quit\t%s\t1-4 views\tm model/data", vf);
    draw_footer(t, footer);
    switch (t->ov) {
    case TUI_OV_HELP: draw_help(t); break;
    case TUI_OV_PICKER: draw_picker(t); break;
    case TUI_OV_QUIT: draw_quit(t); break;
    case TUI_OV_INPUT:
        draw_input(t);
        getyx(stdscr, cy, cx);
        show_cursor = true;
        break;
    default: break;
    }
    if (show_cursor) {
        move(cy, cx);
        curs_set(1);
    }
}

/* ---- keys -------------------------------------------------------------------- */

static int key_ctrl_left, key_ctrl_right, key_ctrl_home, key_ctrl_end;

static int defined_key(const char *name)
{
    char *s = tigetstr((char *)name);
    if (!s || s == (char *)-1)
        return 0;
    int k = key_defined(s);
    return k > 0 ? k : 0;
}

static void map_key(struct tui_key *k)
{
    k->ui = UI_KEY_NONE;
    if (k->fn) {
        int c = k->code;
        if (c == KEY_LEFT) k->ui = UI_KEY_LEFT;
        else if (c == KEY_RIGHT) k->ui = UI_KEY_RIGHT;
        else if (c == KEY_UP) k->ui = UI_KEY_UP;
        else if (c == KEY_DOWN) k->ui = UI_KEY_DOWN;
        else if (c == KEY_HOME) k->ui = UI_KEY_HOME;
        else if (c == KEY_END) k->ui = UI_KEY_END;
        else if (c == KEY_PPAGE) k->ui = UI_KEY_PAGE_UP;
        else if (c == KEY_NPAGE) k->ui = UI_KEY_PAGE_DOWN;
        else if (c == KEY_BACKSPACE) k->ui = k->alt ? UI_KEY_KILL_WORD_BACK : UI_KEY_BACKSPACE;
        else if (c == KEY_DC) k->ui = UI_KEY_DELETE;
        else if (c == KEY_ENTER) k->ui = UI_KEY_ENTER;
        else if (c && c == key_ctrl_left) k->ui = UI_KEY_WORD_LEFT;
        else if (c && c == key_ctrl_right) k->ui = UI_KEY_WORD_RIGHT;
        else if (c && c == key_ctrl_home) k->ui = UI_KEY_DOC_START;
        else if (c && c == key_ctrl_end) k->ui = UI_KEY_DOC_END;
        return;
    }
    int c = k->code;
    if (k->alt) {
        if (c == 'b') k->ui = UI_KEY_WORD_LEFT;
        else if (c == 'f') k->ui = UI_KEY_WORD_RIGHT;
        else if (c == 'd') k->ui = UI_KEY_KILL_WORD_FORWARD;
        else if (c == 127 || c == 8) k->ui = UI_KEY_KILL_WORD_BACK;
        return;
    }
    switch (c) {
    case '\r':
    case '\n': k->ui = UI_KEY_ENTER; break;
    case 127:
    case 8: k->ui = UI_KEY_BACKSPACE; break;
    case 1: k->ui = UI_KEY_HOME; break;
    case 5: k->ui = UI_KEY_END; break;
    case 2: k->ui = UI_KEY_LEFT; break;
    case 6: k->ui = UI_KEY_RIGHT; break;
    case 4: k->ui = UI_KEY_DELETE; break;
    case 11: k->ui = UI_KEY_KILL_LINE_END; break;
    case 21: k->ui = UI_KEY_KILL_LINE_START; break;
    case 23: k->ui = UI_KEY_KILL_WORD_BACK; break;
    case 25: k->ui = UI_KEY_YANK; break;
    default:
        if (c >= 32 && c != 127 && !(c >= 0x80 && c < 0xA0)) {
            k->ui = UI_KEY_CHAR;
            k->ch = (uint32_t)c;
        }
    }
}

/* After ESC '[': a bracketed paste ("200~ ... ESC[201~") or another
 * sequence that curses did not know (ignored). */
static bool read_paste(struct tui_key *k)
{
    char intro[8];
    int n = 0;
    wint_t ch;
    wtimeout(stdscr, 30);
    while (n < 4) {
        int r = wget_wch(stdscr, &ch);
        if (r != OK)
            return false;
        intro[n++] = (char)ch;
        if (ch == '~' || !(ch >= '0' && ch <= '9'))
            break;
    }
    if (n != 4 || memcmp(intro, "200~", 4) != 0)
        return false;
    size_t cap = 256, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return false;
    wtimeout(stdscr, 200);
    for (;;) {
        int r = wget_wch(stdscr, &ch);
        if (r == ERR)
            break; /* the end marker never came: keep what we have */
        if (r == KEY_CODE_YES)
            continue;
        char enc[4];
        size_t el = ui_utf8_encode((uint32_t)ch, enc);
        if (len + el + 1 > cap) {
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb)
                break;
            buf = nb;
        }
        memcpy(buf + len, enc, el);
        len += el;
        if (len >= 6 && memcmp(buf + len - 6, "\033[201~", 6) == 0) {
            len -= 6;
            break;
        }
    }
    buf[len] = 0;
    k->paste = buf;
    k->paste_len = len;
    return true;
}

static bool read_key(struct tui_key *k, int timeout_ms)
{
    memset(k, 0, sizeof *k);
    wint_t ch;
    wtimeout(stdscr, timeout_ms);
    int r = wget_wch(stdscr, &ch);
    if (r == ERR)
        return false;
    if (r == KEY_CODE_YES) {
        k->fn = true;
        k->code = (int)ch;
        if (ch == KEY_MOUSE) {
            MEVENT ev;
            if (getmouse(&ev) == OK) {
                k->my = ev.y;
                k->mx = ev.x;
                k->mbutton = ev.bstate;
            }
        }
        map_key(k);
        return true;
    }
    if (ch == 27) {
        wint_t c2;
        wtimeout(stdscr, 25);
        int r2 = wget_wch(stdscr, &c2);
        if (r2 == ERR) {
            k->code = 27;
            return true;
        }
        if (r2 == OK && c2 == '[') {
            if (read_paste(k))
                return true;
            k->code = 0; /* an unknown escape sequence: nothing */
            return true;
        }
        k->alt = true;
        k->fn = r2 == KEY_CODE_YES;
        k->code = (int)c2;
        map_key(k);
        return true;
    }
    k->code = (int)ch;
    map_key(k);
    return true;
}

/* ---- key dispatch ------------------------------------------------------------ */

static int view_key(struct tui *t, const struct tui_key *k)
{
    switch (t->view) {
    case TUI_VIEW_HARD: return tui_hard_key(t, k);
    case TUI_VIEW_TRAIN: return tui_train_key(t, k);
    case TUI_VIEW_SIDE: return tui_side_key(t, k);
    case TUI_VIEW_INSPECT: return tui_insp_key(t, k);
    default: return TUI_UNHANDLED;
    }
}

static void set_view(struct tui *t, int v)
{
    if (v < 0 || v >= TUI_N_VIEWS)
        return;
    t->view = (enum tui_view)v;
}

static int request_quit(struct tui *t)
{
    if (any_run_active(t)) {
        t->ov = TUI_OV_QUIT;
        return TUI_REDRAW;
    }
    return TUI_QUIT;
}

static int handle_key(struct tui *t, struct tui_key *k)
{
    if (!k->fn && !k->alt && k->code == 3) /* Ctrl-C */
        return TUI_QUIT;
    if (k->fn && k->code == KEY_RESIZE)
        return TUI_REDRAW;
    if (t->rows < TUI_MIN_ROWS || t->cols < TUI_MIN_COLS)
        return tui_key_is(k, 'q') ? TUI_QUIT : 0;
    switch (t->ov) {
    case TUI_OV_HELP: return help_key(t, k);
    case TUI_OV_PICKER: return picker_key(t, k);
    case TUI_OV_INPUT: return input_key(t, k);
    case TUI_OV_QUIT:
        if (tui_key_is(k, 'y') || tui_key_is(k, 'Y'))
            return TUI_QUIT;
        if (tui_key_is(k, 'n') || tui_key_is(k, 'N')) {
            t->skip_final_save = true;
            return TUI_QUIT;
        }
        if (tui_key_is(k, 27) || tui_key_is(k, 'q')) {
            t->ov = TUI_OV_NONE;
            return TUI_REDRAW;
        }
        return 0;
    default: break;
    }
    if (k->fn && k->code >= KEY_F(1) && k->code <= KEY_F(4)) {
        set_view(t, k->code - KEY_F(1));
        return TUI_REDRAW;
    }
    if (k->fn && k->code == KEY_F(10))
        return request_quit(t);
    if (k->fn && k->code == KEY_MOUSE) {
        if (k->my == 0 && (k->mbutton & (BUTTON1_PRESSED | BUTTON1_CLICKED))) {
            for (int v = 0; v < TUI_N_VIEWS; v++)
                if (k->mx >= t->tab_x[v] && k->mx < t->tab_x[v + 1])
                    set_view(t, v);
            return TUI_REDRAW;
        }
        if (k->mbutton & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
            /* the wheel scrolls like the arrow keys */
            struct tui_key w = *k;
            w.fn = true;
            w.code = (k->mbutton & BUTTON4_PRESSED) ? KEY_UP : KEY_DOWN;
            map_key(&w);
            int f = 0;
            for (int i = 0; i < 3; i++)
                f |= view_key(t, &w);
            return f | TUI_REDRAW;
        }
        return view_key(t, k) | TUI_REDRAW;
    }
    if (view_editing(t)) {
        int f = view_key(t, k);
        return (f & ~TUI_UNHANDLED) | TUI_REDRAW;
    }
    if (!k->fn && !k->alt) {
        switch (k->code) {
        case '1':
        case '2':
        case '3':
        case '4':
            set_view(t, k->code - '1');
            return TUI_REDRAW;
        case '?':
            t->help_list = (struct ui_list){0, 0};
            t->ov = TUI_OV_HELP;
            return TUI_REDRAW;
        case 'm':
            tui_open_picker(t, TUI_PICK_HEADING);
            return TUI_REDRAW;
        case 'q':
            return request_quit(t);
        default: break;
        }
    }
    int f = view_key(t, k);
    if (f & TUI_UNHANDLED) {
        if (k->ui == UI_KEY_CHAR || (k->fn && k->code != KEY_RESIZE))
            tui_msg(t, TUI_R_DIM, "that key does nothing here (? shows the keys)");
        f = TUI_REDRAW;
    }
    return f;
}

/* ---- setup and teardown --------------------------------------------------------- */

static void add_builtin_presets(struct tui *t)
{
    static const char *const builtin[][4] = {
        {"literal (built-in)", "translate English to Vietnamese: {source}", "translate", "vi"},
        {"idiomatic (built-in)", "translate the meaning into Vietnamese: {source}", "meaning", "vi"},
        {"French (built-in)", "translate English to French: {source}", "translate", "fr"},
        {"German (built-in)", "translate English to German: {source}", "translate", "de"},
    };
    for (size_t i = 0; i < sizeof builtin / sizeof *builtin && t->n_presets < TUI_MAX_PRESETS; i++) {
        struct tui_preset *p = &t->presets[t->n_presets];
        memset(p, 0, sizeof *p);
        p->text = strdup(builtin[i][1]);
        if (!p->text)
            return;
        tui_copy(p->name, sizeof p->name, builtin[i][0]);
        tui_copy(p->origin, sizeof p->origin, "built in");
        tui_copy(p->task, sizeof p->task, builtin[i][2]);
        tui_copy(p->lang, sizeof p->lang, builtin[i][3]);
        t->n_presets++;
    }
}

static bool contains_ci(const char *hay, const char *needle)
{
    return hay && strcasestr(hay, needle) != NULL;
}

/* The literal and the idiomatic translation presets for the sample set's
 * language (any language when none matches). */
static void find_demo_presets(struct tui *t)
{
    char lang[8];
    tui_samples_lang(t->samples_path, lang, sizeof lang);
    if (!lang[0])
        snprintf(lang, sizeof lang, "vi"); /* the embedded model's main language */
    t->literal_preset = t->idiom_preset = -1;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < t->n_presets; i++) {
            const struct tui_preset *p = &t->presets[i];
            if (pass == 0 && lang[0] && strcmp(p->lang, lang) != 0)
                continue;
            bool idiom = strcmp(p->task, "meaning") == 0 || contains_ci(p->name, "idiom") ||
                         contains_ci(p->name, "meaning") || contains_ci(p->text, "meaning");
            bool literal = !idiom && (strcmp(p->task, "translate") == 0 ||
                                      contains_ci(p->name, "literal") ||
                                      contains_ci(p->text, "translate"));
            if (idiom && t->idiom_preset < 0)
                t->idiom_preset = i;
            if (literal && t->literal_preset < 0)
                t->literal_preset = i;
        }
    }
}

/* Shipped soft prompts: every PEFT directory under assets/prompts/. */
static int load_shipped_softs(struct tui *t, char *notes, size_t cap)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/prompts", app_data_dir());
    char **v = NULL;
    int n = 0, loaded = 0;
    notes[0] = 0;
    if (tui_list_paths(dir, NULL, true, "adapter_config.json", &v, &n) == 0) {
        for (int i = 0; i < n; i++) {
            struct tui_soft s;
            struct pl_err e = {0};
            if (tui_soft_load(v[i], t->d_model, &s, &e)) {
                snprintf(notes, cap, "%.200s", e.msg);
                continue;
            }
            char name[96];
            snprintf(name, sizeof name, "shipped %.80s", tui_basename(v[i]));
            tui_copy(s.name, sizeof s.name, name);
            if (tui_soft_add(t, &s) >= 0)
                loaded++;
        }
    }
    tui_paths_free(v, n);
    return loaded;
}

static int pick_default_samples(struct tui *t, bool demo, char *path, size_t cap)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/samples", app_data_dir());
    char **v = NULL;
    int n = 0, found = 0;
    path[0] = 0;
    if (tui_list_paths(dir, ".jsonl", false, NULL, &v, &n) == 0 && n > 0) {
        int pick = 0;
        for (int i = 0; i < n; i++) {
            const char *b = tui_basename(v[i]);
            if (demo ? contains_ci(b, "idiom") : contains_ci(b, "sentence") || contains_ci(b, "everyday")) {
                pick = i;
                break;
            }
        }
        if (!demo || contains_ci(tui_basename(v[pick]), "idiom")) {
            tui_copy(path, cap, v[pick]);
            found = 1;
        }
        /* training starts from a set whose name says train, else the same set */
        for (int i = 0; i < n; i++)
            if (contains_ci(tui_basename(v[i]), "train")) {
                tui_copy(t->train_default, sizeof t->train_default, v[i]);
                break;
            }
    }
    tui_paths_free(v, n);
    return found;
}

static void help_text(void)
{
    printf("usage: promptlab tui [--model DIR] [--samples FILE] [--demo]\n"
           "\n"
           "The terminal UI (what `promptlab` alone opens): write hard prompts, train soft\n"
           "prompts and watch them learn, compare outputs side by side, and look inside a\n"
           "learned prompt.\n"
           "\n"
           "  --model DIR     model directory (default: $PROMPTLAB_MODEL, else the embedded model)\n"
           "  --samples FILE  sample set, JSONL {\"source\", \"target\", \"literal\"?, \"tags\"?}\n"
           "                  (default: from %s/samples/)\n"
           "  --demo          the class demo: the idiom samples, a literal and an idiomatic\n"
           "                  hard prompt, and the shipped soft prompts\n"
           "\n"
           "Press ? inside for every key. Views: 1 hard prompt, 2 soft prompt training,\n"
           "3 side by side, 4 inspector. Training runs are saved under\n"
           "$XDG_DATA_HOME/promptlab/runs/ (default ~/.local/share/promptlab/runs/).\n"
           "NO_COLOR turns colours off. PROMPTLAB_TUI_DEBUG=1 shows key-to-screen times;\n"
           "PROMPTLAB_TUI_STATS=FILE writes them at exit.\n",
           app_data_dir());
}

static bool tick(struct tui *t)
{
    bool dirty = false;
    for (int i = 0; i < t->n_runs; i++)
        dirty |= tui_run_sync(t->runs[i]);
    dirty |= sync_run_softs(t);
    dirty |= tui_hard_tick(t);
    dirty |= tui_train_tick(t);
    dirty |= tui_side_tick(t);
    dirty |= tui_insp_tick(t);
    /* messages fade after a while so the line shows the current state */
    if (t->msg[0] && pl_now() - t->msg_time > 12) {
        t->msg[0] = 0;
        dirty = true;
    }
    return dirty;
}

static void record_latency(struct tui *t, double dt)
{
    t->last_lat = dt;
    if (t->n_lat == t->cap_lat) {
        int cap = t->cap_lat ? 2 * t->cap_lat : 256;
        if (cap > 100000)
            return;
        double *nl = realloc(t->lat, sizeof *nl * (size_t)cap);
        if (!nl)
            return;
        t->lat = nl;
        t->cap_lat = cap;
    }
    t->lat[t->n_lat++] = dt;
}

static int main_loop(struct tui *t)
{
    bool dirty = true;
    int status = 0;
    for (;;) {
        struct tui_key k;
        double t_start = 0;
        int flags = 0;
        bool got = read_key(&k, dirty ? 0 : TUI_TICK_MS);
        double frame0 = pl_now();
        if (got) {
            t_start = frame0;
            /* handle the keys already waiting (at most 64), then draw once */
            for (int i = 0; got; i++) {
                flags |= handle_key(t, &k);
                free(k.paste);
                if ((flags & TUI_QUIT) || i == 63)
                    break;
                got = read_key(&k, 0);
            }
            dirty = true;
        }
        if (got_signal) {
            status = 128 + (int)got_signal;
            break;
        }
        if (flags & TUI_QUIT) {
            if (tui_key_is(&k, 3))
                status = 130;
            break;
        }
        dirty |= tick(t);
        if (dirty) {
            draw(t);
            refresh();
            dirty = false;
        }
        double now = pl_now();
        if (t_start > 0)
            record_latency(t, now - t_start);
        if (now - frame0 > t->frame_max)
            t->frame_max = now - frame0;
    }
    return status;
}

static void write_stats(const struct tui *t)
{
    const char *path = getenv("PROMPTLAB_TUI_STATS");
    if (!path || !*path)
        return;
    double mx = 0;
    for (int i = 0; i < t->n_lat; i++)
        mx = t->lat[i] > mx ? t->lat[i] : mx;
    struct pl_str s = {0};
    pl_str_printf(&s, "keys %d\n", t->n_lat);
    /* no keys, no latency: a median of nothing is not a number to write */
    if (t->n_lat > 0)
        pl_str_printf(&s, "key_latency_median_ms %.3f\nkey_latency_max_ms %.3f\n",
                      median((double *)t->lat, t->n_lat) * 1e3, mx * 1e3);
    pl_str_printf(&s, "frame_max_ms %.3f\n", t->frame_max * 1e3);
    if (!s.oom)
        pl_write_file_atomic(path, s.p, s.n, NULL);
    free(s.p);
}

int cmd_tui(int argc, char **argv)
{
    static const struct option opts[] = {{"model", required_argument, 0, 'm'},
                                         {"samples", required_argument, 0, 's'},
                                         {"demo", no_argument, 0, 'd'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *model = NULL, *samples = NULL;
    bool demo = false;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 's': samples = optarg; break;
        case 'd': demo = true; break;
        case 'h': help_text(); return 0;
        default: return app_bad_option("tui", c, argv, opts);
        }
    }
    if (optind < argc)
        return app_usage("tui", "unexpected argument '%s'", argv[optind]);
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "promptlab tui: needs a terminal (for scripts, use the other commands: "
                        "promptlab --help)\n");
        return 1;
    }
    char why[256];
    if (!tui_term_usable(why, sizeof why)) {
        fprintf(stderr, "promptlab tui: %s; run it in a terminal such as xterm-256color, or use "
                        "the other commands (promptlab --help)\n", why);
        return 1;
    }

    struct tui *t = calloc(1, sizeof *t);
    if (!t)
        return 1;
    t->soft_sel = -1;
    t->demo = demo;
    struct lab *L = NULL;
    int status = app_open_lab("tui", model, &L);
    if (status) {
        free(t);
        return status;
    }
    model_adopt(t, L);

    struct pl_err e = {0};
    char startup[600] = "";
    char path[PATH_MAX];
    if (samples) {
        if (samples_load(t, samples, &e)) {
            fprintf(stderr, "promptlab tui: %s\n", e.msg);
            lab_close(t->L);
            free(t);
            return 1;
        }
    } else {
        bool found = pick_default_samples(t, demo, path, sizeof path);
        if (!found || samples_load(t, path, &e)) {
            samples_load(t, NULL, NULL);
            snprintf(startup, sizeof startup, "%.300s; using %d built-in samples. ",
                     found ? e.msg
                           : demo ? "no idiom sample set in assets/samples/ yet"
                                  : "no sample sets in assets/samples/ yet",
                     t->samples.n);
        }
    }
    if (!t->train_default[0])
        tui_copy(t->train_default, sizeof t->train_default, t->samples_path);

    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/prompts", app_data_dir());
    tui_presets_load(dir, t->presets, &t->n_presets, TUI_MAX_PRESETS);
    bool builtin_presets = t->n_presets == 0;
    if (builtin_presets)
        add_builtin_presets(t);
    find_demo_presets(t);
    char soft_notes[256];
    int shipped = load_shipped_softs(t, soft_notes, sizeof soft_notes);
    if (shipped > 0)
        tui_soft_select(t, 0);
    if (tui_data_home("runs", t->runs_root, sizeof t->runs_root, &e)) {
        fprintf(stderr, "promptlab tui: %s\n", e.msg);
        tui_copy(t->runs_root, sizeof t->runs_root, "promptlab-runs");
    }
    if (tui_worker_start(&t->worker, t->L, &e)) {
        fprintf(stderr, "promptlab tui: %s\n", e.msg);
        lab_close(t->L);
        free(t);
        return 1;
    }
    t->debug = getenv("PROMPTLAB_TUI_DEBUG") && *getenv("PROMPTLAB_TUI_DEBUG");
    if (tui_hard_init(t) || tui_train_init(t) || tui_side_init(t) || tui_insp_init(t)) {
        fprintf(stderr, "promptlab tui: out of memory\n");
        status = 1;
        goto teardown;
    }
    if (demo) {
        int lit = t->literal_preset >= 0 ? t->literal_preset : 0;
        tui_hard_set_template(t, t->presets[lit].text);
        t->view = TUI_VIEW_SIDE;
        size_t n = strlen(startup);
        snprintf(startup + n, sizeof startup - n, "Demo: %s, hard prompt \"%.40s\"%s; %s",
                 t->samples_name, t->presets[lit].name,
                 t->idiom_preset >= 0 ? " (h: the idiomatic one)" : "",
                 shipped ? "shipped soft prompts loaded (s cycles)"
                         : "no shipped soft prompts in assets/prompts/ yet: train one in view 2");
    } else if (t->n_presets > 0) {
        tui_hard_set_template(t, t->presets[t->literal_preset >= 0 ? t->literal_preset : 0].text);
        size_t n = strlen(startup);
        if (builtin_presets)
            snprintf(startup + n, sizeof startup - n,
                     "No presets in assets/prompts/ yet: built-in examples loaded. ");
    }
    if (soft_notes[0] && !startup[0])
        snprintf(startup, sizeof startup, "a shipped soft prompt did not load: %s", soft_notes);

    /* the terminal */
    setlocale(LC_ALL, "");
    const char *cs = nl_langinfo(CODESET);
    bool utf8 = cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
    t->tflags = utf8 ? 0 : UI_TEXT_ASCII;
    if (!utf8) {
        char note[sizeof startup];
        snprintf(note, sizeof note,
                 "Not a UTF-8 locale (%.20s): Vietnamese shows as '?'. Run with LC_ALL=C.UTF-8. %.400s",
                 setlocale(LC_CTYPE, NULL), startup);
        tui_copy(startup, sizeof startup, note);
    }
    t->g = utf8 ? &glyphs_utf8 : &glyphs_ascii;
    have_tio = tcgetattr(STDIN_FILENO, &saved_tio) == 0;
    install_signals();
    set_escdelay(25);
    if (!initscr()) {
        fprintf(stderr, "promptlab tui: cannot initialise the terminal\n");
        status = 1;
        goto teardown;
    }
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    setup_colors(t);
    key_ctrl_left = defined_key("kLFT5");
    key_ctrl_right = defined_key("kRIT5");
    key_ctrl_home = defined_key("kHOM5");
    key_ctrl_end = defined_key("kEND5");
    t->mouse = mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED |
                             BUTTON4_PRESSED | BUTTON5_PRESSED,
                         NULL) != 0;
    mouseinterval(0);
    /* bracketed paste: pasted text arrives marked, so it is inserted, not run as keys */
    fputs("\033[?2004h", stdout);
    fflush(stdout);
    getmaxyx(stdscr, t->rows, t->cols);
    if (startup[0])
        tui_msg(t, TUI_R_INFO, "%s", startup);
    else
        tui_msg(t, TUI_R_INFO, "Welcome: %s (%s), %d samples. Press ? for the keys.", t->model_name,
                t->family, t->samples.n);
    if (demo)
        tui_side_reset(t);

    status = main_loop(t);

    /* leave: stop the runs (each saves its best prompt unless told not to) */
    erase();
    tui_text(t, t->rows / 2, 2, t->cols - 4,
             any_run_active(t) ? "stopping training and saving the best prompt..." : "bye", TUI_R_BOLD);
    refresh();
    fputs("\033[?2004l", stdout);
    mousemask(0, NULL);
    endwin();

teardown:;
    char summary[4][400];
    int n_summary = 0;
    for (int i = 0; i < t->n_runs; i++) {
        struct tui_run *r = t->runs[i];
        bool active = tui_run_active(r);
        if (active && t->skip_final_save)
            tui_run_skip_final_save(r);
        tui_run_stop(r);
    }
    tui_hard_free(t);
    tui_side_free(t);
    tui_insp_free(t);
    tui_train_free(t);
    tui_worker_free(t->worker);
    for (int i = 0; i < t->n_runs; i++) {
        struct tui_run *r = t->runs[i];
        tui_run_join(r);
        const struct tui_run_view *v = tui_run_view(r);
        if (n_summary < 4 && v->saved_step >= 0)
            snprintf(summary[n_summary++], sizeof summary[0],
                     "promptlab: run %d: best prompt (step %d) saved in %.300s", tui_run_id(r),
                     v->saved_step, v->dir);
        tui_run_free(r);
    }
    for (int i = 0; i < n_summary; i++)
        fprintf(stderr, "%s\n", summary[i]);
    write_stats(t);
    for (int i = 0; i < t->n_softs; i++)
        soft_prompt_free(&t->softs[i].p);
    tui_presets_free(t->presets, t->n_presets);
    ui_editor_free(&t->input);
    free(t->pick);
    free(t->lat);
    jsonl_free(&t->samples);
    lab_close(t->L);
    free(t);
    return status;
}
