/* tui_theme.c - colour themes: which colour pair each attribute role and
 * each chart series gets, for the default (dark) theme, a light theme and
 * a high-contrast theme for projectors, in 256 colours where the terminal
 * has them and in the 8 basic colours otherwise; and the settings file
 * that remembers the choice.
 *
 * The one idea: views never name a colour. They ask tui_attr for a role
 * (TUI_R_GOOD, TUI_R_SELECTED ...) or pass t->colors to a widget; this file
 * alone decides what those look like. NO_COLOR (or a terminal without
 * colours) turns every colour off and roles become bold/reverse/underline.
 *
 * Settings: $XDG_CONFIG_HOME/promptlab/tui.conf (default
 * ~/.config/promptlab/tui.conf), lines "key = value", '#' comments; the
 * only key today is theme. It is written atomically; a file that cannot be
 * read or parsed gives a status-line message and the default theme. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "promptlab/core.h"
#include "tui_impl.h"

enum {
    PAIR_SERIES = 1, /* 1..16 */
    PAIR_AXIS = 17, PAIR_HEADER, PAIR_SELECTED, PAIR_STATUS, PAIR_TAB, PAIR_GOOD, PAIR_MID,
    PAIR_BAD, PAIR_KEY, PAIR_MARK, PAIR_ERROR, PAIR_INFO, PAIR_DIM, PAIR_BASE,
    N_ROLE_PAIRS = PAIR_BASE - PAIR_AXIS + 1,
};

static const char *const theme_names[TUI_N_THEMES] = {"dark", "light", "contrast"};

/* One theme in one colour depth: the background (-1: the terminal's own),
 * the series colours (a run's training line, then its validation line: the
 * same hue, lighter) and a foreground/background for each role pair. */
struct palette {
    short bg, fg;
    short series[UI_N_SERIES];
    short role[N_ROLE_PAIRS][2]; /* PAIR_AXIS.. PAIR_BASE: fg, bg (-2: the theme's bg) */
};

enum { BG = -2 };

static const struct palette pal256[TUI_N_THEMES] = {
    { /* dark: the terminal's background */
        -1, -1,
        {39, 117, 208, 222, 41, 120, 170, 219, 220, 229, 196, 210, 51, 159, 141, 183},
        {{244, BG}, {81, BG}, {16, 81}, {16, 252}, {16, 220}, {40, BG}, {214, BG}, {203, BG},
         {220, BG}, {213, BG}, {231, 160}, {81, BG}, {245, BG}, {-1, BG}},
    },
    { /* light: dark ink on white paper */
        231, 16,
        {25, 33, 166, 208, 28, 70, 127, 169, 136, 178, 160, 167, 30, 37, 91, 99},
        {{243, BG}, {25, BG}, {16, 153}, {231, 24}, {16, 220}, {28, BG}, {130, BG}, {160, BG},
         {18, BG}, {127, BG}, {231, 160}, {30, BG}, {242, BG}, {16, BG}},
    },
    { /* contrast: white and saturated colours on black, for projectors */
        16, 231,
        {51, 123, 226, 229, 201, 213, 46, 157, 196, 210, 208, 222, 39, 117, 147, 189},
        {{231, BG}, {51, BG}, {16, 226}, {16, 231}, {16, 51}, {46, BG}, {226, BG}, {196, BG},
         {226, BG}, {201, BG}, {231, 196}, {51, BG}, {250, BG}, {231, BG}},
    },
};

/* 8 colours: series cycle over the colours the axis and background leave. */
static const struct palette pal8[TUI_N_THEMES] = {
    {
        -1, -1,
        {COLOR_CYAN, COLOR_YELLOW, COLOR_MAGENTA, COLOR_GREEN, COLOR_RED, COLOR_WHITE, COLOR_CYAN,
         COLOR_YELLOW, COLOR_MAGENTA, COLOR_GREEN, COLOR_RED, COLOR_WHITE, COLOR_CYAN,
         COLOR_YELLOW, COLOR_MAGENTA, COLOR_GREEN},
        {{COLOR_BLUE, BG}, {COLOR_CYAN, BG}, {COLOR_BLACK, COLOR_CYAN}, {COLOR_BLACK, COLOR_WHITE},
         {COLOR_BLACK, COLOR_YELLOW}, {COLOR_GREEN, BG}, {COLOR_YELLOW, BG}, {COLOR_RED, BG},
         {COLOR_YELLOW, BG}, {COLOR_MAGENTA, BG}, {COLOR_WHITE, COLOR_RED}, {COLOR_CYAN, BG},
         {COLOR_BLUE, BG}, {-1, BG}},
    },
    {
        COLOR_WHITE, COLOR_BLACK,
        {COLOR_BLUE, COLOR_RED, COLOR_GREEN, COLOR_MAGENTA, COLOR_CYAN, COLOR_BLUE, COLOR_RED,
         COLOR_GREEN, COLOR_MAGENTA, COLOR_CYAN, COLOR_BLUE, COLOR_RED, COLOR_GREEN,
         COLOR_MAGENTA, COLOR_CYAN, COLOR_BLUE},
        {{COLOR_BLACK, BG}, {COLOR_BLUE, BG}, {COLOR_WHITE, COLOR_BLUE}, {COLOR_WHITE, COLOR_BLACK},
         {COLOR_BLACK, COLOR_YELLOW}, {COLOR_GREEN, BG}, {COLOR_MAGENTA, BG}, {COLOR_RED, BG},
         {COLOR_BLUE, BG}, {COLOR_MAGENTA, BG}, {COLOR_WHITE, COLOR_RED}, {COLOR_BLUE, BG},
         {COLOR_BLACK, BG}, {COLOR_BLACK, BG}},
    },
    {
        COLOR_BLACK, COLOR_WHITE,
        {COLOR_CYAN, COLOR_YELLOW, COLOR_MAGENTA, COLOR_GREEN, COLOR_RED, COLOR_BLUE, COLOR_CYAN,
         COLOR_YELLOW, COLOR_MAGENTA, COLOR_GREEN, COLOR_RED, COLOR_BLUE, COLOR_CYAN,
         COLOR_YELLOW, COLOR_MAGENTA, COLOR_GREEN},
        {{COLOR_WHITE, BG}, {COLOR_CYAN, BG}, {COLOR_BLACK, COLOR_YELLOW},
         {COLOR_BLACK, COLOR_WHITE}, {COLOR_BLACK, COLOR_CYAN}, {COLOR_GREEN, BG},
         {COLOR_YELLOW, BG}, {COLOR_RED, BG}, {COLOR_YELLOW, BG}, {COLOR_MAGENTA, BG},
         {COLOR_WHITE, COLOR_RED}, {COLOR_CYAN, BG}, {COLOR_WHITE, BG}, {COLOR_WHITE, BG}},
    },
};

const char *tui_theme_name(int theme)
{
    return theme >= 0 && theme < TUI_N_THEMES ? theme_names[theme] : "?";
}

/* Set up the pairs of t->theme (colour terminals only). */
static void theme_apply(struct tui *t)
{
    bool deep = COLORS >= 256 && COLOR_PAIRS > PAIR_BASE;
    const struct palette *p = deep ? &pal256[t->theme] : &pal8[t->theme];
    t->colors256 = deep;
    for (int i = 0; i < UI_N_SERIES; i++) {
        init_pair((short)(PAIR_SERIES + i), p->series[i], p->bg);
        t->colors.series[i] = (short)(PAIR_SERIES + i);
    }
    for (int i = 0; i < N_ROLE_PAIRS; i++) {
        short fg = p->role[i][0], bg = p->role[i][1] == BG ? p->bg : p->role[i][1];
        init_pair((short)(PAIR_AXIS + i), i == PAIR_BASE - PAIR_AXIS ? p->fg : fg, bg);
    }
    t->colors.enabled = true;
    t->colors.axis = PAIR_AXIS;
    t->colors.header = PAIR_HEADER;
    t->colors.selected = PAIR_SELECTED;
    /* the contrast theme draws every character bold */
    bkgdset(' ' | COLOR_PAIR(PAIR_BASE) | (t->theme == TUI_THEME_CONTRAST ? A_BOLD : 0));
    clearok(stdscr, TRUE);
}

/* $XDG_CONFIG_HOME/promptlab/tui.conf (or ~/.config/...) into buf. */
static int settings_path(char *buf, size_t cap, char *dir, size_t dcap)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    int n;
    if (xdg && xdg[0] == '/')
        n = snprintf(dir, dcap, "%s/promptlab", xdg);
    else
        n = snprintf(dir, dcap, "%s/.config/promptlab", home && *home ? home : ".");
    if (n < 0 || (size_t)n >= dcap)
        return -1;
    n = snprintf(buf, cap, "%s/tui.conf", dir);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = 0;
    return s;
}

/* Read the theme from the settings file; the first problem goes to the
 * status line (with how many more there were). */
static void settings_load(struct tui *t)
{
    char path[PATH_MAX], dir[PATH_MAX], problem[400] = "";
    if (settings_path(path, sizeof path, dir, sizeof dir))
        return;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno != ENOENT)
            tui_msg(t, TUI_R_ERROR, "settings %s unreadable (%s): default theme", path,
                    strerror(errno));
        return;
    }
    char line[256];
    int ln = 0, n_bad = 0;
    while (fgets(line, sizeof line, f)) {
        ln++;
        char *s = trim(line), *eq = strchr(s, '=');
        if (!*s || *s == '#')
            continue;
        int th = -1;
        if (eq) {
            *eq = 0;
            char *key = trim(s), *val = trim(eq + 1);
            if (strcmp(key, "theme") != 0)
                continue; /* keys of later versions */
            for (int i = 0; i < TUI_N_THEMES; i++)
                if (strcmp(val, theme_names[i]) == 0)
                    th = i;
            if (th < 0 && !n_bad++)
                snprintf(problem, sizeof problem, "%.300s:%d: unknown theme \"%.40s\" (dark, light, "
                         "contrast)", path, ln, val);
        } else if (!n_bad++) {
            snprintf(problem, sizeof problem, "%.300s:%d: not \"key = value\"", path, ln);
        }
        if (th >= 0)
            t->theme = th;
    }
    if (ferror(f))
        tui_msg(t, TUI_R_ERROR, "settings %s unreadable: default theme", path);
    else if (n_bad)
        tui_msg(t, TUI_R_ERROR, "%s%s", problem, n_bad > 1 ? " (and more lines); ignored" : "; ignored");
    fclose(f);
}

static int settings_save(const struct tui *t, char *path, size_t cap, struct pl_err *e)
{
    char dir[PATH_MAX];
    if (settings_path(path, cap, dir, sizeof dir))
        return pl_err_set(e, PL_ERANGE, "settings path too long");
    if (pl_mkdirs(dir, e))
        return e->code;
    struct pl_atomic_file a;
    if (pl_atomic_open(&a, path, e))
        return e->code;
    fprintf(a.f, "# promptlab TUI settings (T in the TUI switches the theme)\n"
                 "theme = %s\n", theme_names[t->theme]);
    return pl_atomic_commit(&a, e);
}

void tui_theme_init(struct tui *t)
{
    const char *nc = getenv("NO_COLOR");
    t->theme = TUI_THEME_DARK;
    settings_load(t);
    t->color = has_colors() && !(nc && *nc);
    memset(&t->colors, 0, sizeof t->colors);
    if (!t->color)
        return;
    start_color();
    use_default_colors();
    theme_apply(t);
}

void tui_theme_next(struct tui *t)
{
    t->theme = (t->theme + 1) % TUI_N_THEMES;
    if (t->color)
        theme_apply(t);
    char path[PATH_MAX];
    struct pl_err e = {0};
    if (settings_save(t, path, sizeof path, &e)) {
        tui_msg(t, TUI_R_ERROR, "theme %s (not saved: %s)", theme_names[t->theme], e.msg);
        return;
    }
    char shown[PATH_MAX];
    tui_short_path(path, 40, shown, sizeof shown);
    if (t->color)
        tui_msg(t, TUI_R_INFO, "theme %s, saved in %s (T: next theme)", theme_names[t->theme],
                shown);
    else
        tui_msg(t, TUI_R_INFO, "theme %s saved in %s; colours stay off (NO_COLOR or the "
                "terminal)", theme_names[t->theme], shown);
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
    case TUI_R_BOLD: return A_BOLD | COLOR_PAIR(PAIR_BASE);
    case TUI_R_TITLE: return A_BOLD | COLOR_PAIR(PAIR_HEADER);
    case TUI_R_TAB: return COLOR_PAIR(PAIR_BASE);
    case TUI_R_TAB_ACTIVE: return A_BOLD | COLOR_PAIR(PAIR_TAB);
    case TUI_R_STATUS: return COLOR_PAIR(PAIR_STATUS);
    case TUI_R_KEY: return A_BOLD | COLOR_PAIR(PAIR_KEY);
    case TUI_R_GOOD: return A_BOLD | COLOR_PAIR(PAIR_GOOD);
    case TUI_R_MID: return COLOR_PAIR(PAIR_MID);
    case TUI_R_BAD: return COLOR_PAIR(PAIR_BAD);
    case TUI_R_MARK: return A_UNDERLINE | COLOR_PAIR(PAIR_MARK);
    case TUI_R_ERROR: return A_BOLD | COLOR_PAIR(PAIR_ERROR);
    case TUI_R_SELECTED: return COLOR_PAIR(PAIR_SELECTED);
    case TUI_R_FOCUS: return A_BOLD | COLOR_PAIR(PAIR_KEY);
    case TUI_R_INFO: return COLOR_PAIR(PAIR_INFO);
    default: return COLOR_PAIR(PAIR_BASE);
    }
}

attr_t tui_series_attr(const struct tui *t, int style)
{
    if (!t->color)
        return A_BOLD;
    return (attr_t)COLOR_PAIR(t->colors.series[(style < 0 ? 0 : style) % UI_N_SERIES]) | A_BOLD;
}
