/* tui_overlay.c - the overlays drawn over a view: help, the picker (model,
 * sample set, soft prompt), a one-line input, and the quit question.
 *
 * The one idea: an overlay takes every key while it is open (its key
 * handler returns TUI_* flags like a view's) and is drawn last, over the
 * frame; closing it is setting t->ov back to TUI_OV_NONE. */
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

/* A saved run's picker line: its folder, then what its promptlab.json
 * says (init, length, learning rate, best score), when it can be read. */
static void run_label(const char *dir, char *out, size_t cap)
{
    struct soft_prompt p;
    struct soft_record rec;
    soft_record_init(&rec);
    if (soft_load(dir, 0, &p, &rec, NULL) != 0) {
        snprintf(out, cap, "%-28.60s %.90s", tui_basename(dir), dir);
        soft_record_free(&rec);
        return;
    }
    char best[64] = "not validated";
    if (rec.hist.best_step >= 0 && isfinite(rec.hist.best_metric))
        snprintf(best, sizeof best, "%s %.1f @%d", rec.metric[0] ? rec.metric : "score",
                 rec.hist.best_metric, rec.hist.best_step);
    if (rec.has_params)
        snprintf(out, cap, "%-28.60s init %s  N%d  LR %g  %s", tui_basename(dir),
                 soft_init_name(p.init), p.n_tokens, rec.params.opt.lr, best);
    else
        snprintf(out, cap, "%-28.60s init %s  N%d  %s", tui_basename(dir), soft_init_name(p.init),
                 p.n_tokens, best);
    soft_prompt_free(&p);
    soft_record_free(&rec);
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

/* The picker's sections: models; sample sets (or training data); soft
 * prompts, shipped, saved by runs and in the current directory; experiments. */
static void pick_models(struct tui *t, int *cap, const char *data)
{
    char dir[PATH_MAX], **v = NULL;
    int n = 0;
    pick_add(t, cap, TUI_PICK_HEADING, TUI_PICK_HEADING, "Model directories", NULL);
    char *cur[1] = {t->model_dir};
    pick_add_list(t, cap, TUI_PICK_MODEL, cur, 1);
    snprintf(dir, sizeof dir, "%s/models", data);
    if (tui_list_paths(dir, NULL, true, "config.json", &v, &n) == 0)
        pick_add_list(t, cap, TUI_PICK_MODEL, v, n);
    tui_paths_free(v, n);
    pick_add(t, cap, TUI_PICK_TYPE, TUI_PICK_MODEL, "  type a model directory...", NULL);
}

static void pick_samples(struct tui *t, int *cap, const char *data, const char *cwd,
                         enum tui_pick_kind only)
{
    char dir[PATH_MAX], **v = NULL;
    int n = 0;
    pick_add(t, cap, TUI_PICK_HEADING, TUI_PICK_HEADING,
             only ? "Training data (JSONL)" : "Sample sets (JSONL)", NULL);
    snprintf(dir, sizeof dir, "%s/samples", data);
    if (tui_list_paths(dir, ".jsonl", false, NULL, &v, &n) == 0)
        pick_add_list(t, cap, TUI_PICK_SAMPLES, v, n);
    tui_paths_free(v, n);
    if (tui_list_paths(cwd, ".jsonl", false, NULL, &v, &n) == 0)
        pick_add_list(t, cap, TUI_PICK_SAMPLES, v, n);
    tui_paths_free(v, n);
    /* the set in use, wherever it lives, so that the mark has a row */
    char in_use[PATH_MAX];
    tui_copy(in_use, sizeof in_use, only ? tui_train_data(t) : t->samples_path);
    char *use[1] = {in_use};
    if (in_use[0])
        pick_add_list(t, cap, TUI_PICK_SAMPLES, use, 1);
    if (!only && !t->samples_path[0])
        pick_add(t, cap, TUI_PICK_SAMPLES, TUI_PICK_HEADING, "built-in samples", "");
    pick_add(t, cap, TUI_PICK_TYPE, TUI_PICK_SAMPLES, "  type a JSONL file path...", NULL);
}

static void pick_softs(struct tui *t, int *cap, const char *data, const char *cwd)
{
    char dir[PATH_MAX], **v = NULL;
    int n = 0;
    pick_add(t, cap, TUI_PICK_HEADING, TUI_PICK_HEADING, "Soft prompts (PEFT directories, .npy)", NULL);
    snprintf(dir, sizeof dir, "%s/prompts", data);
    if (tui_list_paths(dir, NULL, true, "adapter_config.json", &v, &n) == 0)
        pick_add_list(t, cap, TUI_PICK_SOFT, v, n);
    tui_paths_free(v, n);
    if (tui_list_paths(t->runs_root, NULL, true, "adapter_config.json", &v, &n) == 0) {
        /* newest runs first, at most 12 */
        for (int i = 0; i < n / 2; i++) {
            char *tmp = v[i];
            v[i] = v[n - 1 - i];
            v[n - 1 - i] = tmp;
        }
        for (int i = 0; i < n && i < 12; i++) {
            char label[160];
            run_label(v[i], label, sizeof label);
            pick_add(t, cap, TUI_PICK_SOFT, TUI_PICK_HEADING, label, v[i]);
        }
    }
    tui_paths_free(v, n);
    if (tui_list_paths(cwd, NULL, true, "adapter_config.json", &v, &n) == 0)
        pick_add_list(t, cap, TUI_PICK_SOFT, v, n);
    tui_paths_free(v, n);
    if (tui_list_paths(cwd, ".npy", false, NULL, &v, &n) == 0)
        pick_add_list(t, cap, TUI_PICK_SOFT, v, n);
    tui_paths_free(v, n);
    const struct tui_soft *soft = tui_soft_current(t);
    if (soft && soft->path[0]) {
        char in_use[PATH_MAX];
        tui_copy(in_use, sizeof in_use, soft->path);
        char *use[1] = {in_use};
        pick_add_list(t, cap, TUI_PICK_SOFT, use, 1);
    }
    pick_add(t, cap, TUI_PICK_TYPE, TUI_PICK_SOFT, "  type a soft prompt path...", NULL);
}

static void pick_experiments(struct tui *t, int *cap, const char *data)
{
    char dir[PATH_MAX], **v = NULL;
    int n = 0;
    pick_add(t, cap, TUI_PICK_HEADING, TUI_PICK_HEADING,
             "Experiments (promptlab experiment; the paper's reproductions)", NULL);
    snprintf(dir, sizeof dir, "%s/experiments", data);
    if (tui_list_paths(dir, NULL, true, "results.json", &v, &n) == 0)
        pick_add_list(t, cap, TUI_PICK_EXPERIMENT, v, n);
    tui_paths_free(v, n);
    if (tui_list_paths("build/experiments/runs", NULL, true, "results.json", &v, &n) == 0)
        pick_add_list(t, cap, TUI_PICK_EXPERIMENT, v, n);
    tui_paths_free(v, n);
}

void tui_open_picker(struct tui *t, enum tui_pick_kind only)
{
    free(t->pick);
    t->pick = NULL;
    t->n_pick = 0;
    t->pick_only = only;
    int cap = 0;
    const char *data = app_data_dir();
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        snprintf(cwd, sizeof cwd, ".");
    if (!only)
        pick_models(t, &cap, data);
    pick_samples(t, &cap, data, cwd, only);
    if (!only) {
        pick_softs(t, &cap, data, cwd);
        pick_experiments(t, &cap, data);
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
    t->input_back = t->ov == TUI_OV_INPUT ? TUI_OV_NONE : t->ov;
    t->ov = TUI_OV_INPUT;
}

static void pick_choose(struct tui *t)
{
    if (t->pick_list.selected < 0 || t->pick_list.selected >= t->n_pick)
        return;
    struct tui_picker_item *it = &t->pick[t->pick_list.selected];
    t->ov = TUI_OV_NONE;
    switch (it->kind) {
    case TUI_PICK_MODEL: tui_switch_model(t, it->path); break;
    case TUI_PICK_SAMPLES:
        if (t->pick_only == TUI_PICK_SAMPLES) {
            tui_train_set_data(t, it->path);
        } else {
            tui_switch_samples(t, it->path[0] ? it->path : NULL);
        }
        break;
    case TUI_PICK_SOFT: tui_add_soft_path(t, it->path); break;
    case TUI_PICK_EXPERIMENT: tui_exp_open(t, it->path); break;
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
    t->ov = t->input_back;
    if (!path[0])
        return;
    switch (t->input_for) {
    case TUI_IN_MODEL_PATH: tui_switch_model(t, path); break;
    case TUI_IN_SAMPLES_PATH: tui_switch_samples(t, path); break;
    case TUI_IN_SOFT_PATH: tui_add_soft_path(t, path); break;
    case TUI_IN_TRAIN_DATA_PATH: tui_train_set_data(t, path); break;
    case TUI_IN_SAVE_AS: tui_train_save_as(t, path); break;
    case TUI_IN_SEARCH:
        tui_copy(t->search, sizeof t->search, path);
        tui_search_next(t, 1);
        break;
    }
}

static const char *const help_marks[] = {
    "MARKS",
    "  chrF (0-100, character n-gram F-score against the reference):",
    "    \x01" "80 and up   \x02" "50-79   \x03" "20-49   \x04" "below 20   \x05" "not decoded yet",
    "  \x06 after a word: the model has probably never seen it - the tokenizer",
    "    had no piece for it (<unk>) or split it into single letters, so",
    "    outputs about it are guesses.",
    "  \x07 after an output word (view 3): a guess - the model gave one of its",
    "    tokens under 50% probability. \"sure N%\" (view 3, below the table):",
    "    the output's mean token probability (geometric mean).",
    "",
};

static const char *const help_global[] = {
    "promptlab: hard prompts (instructions you write) and soft prompts (vectors",
    "learned by prompt tuning) on one frozen T5 model.",
    "",
    "EVERYWHERE",
    "  1 2 3 4, F1-F4  switch view (or click a tab); for 1 s after Enter closes a",
    "                  field, digits are ignored (the rest of a number)",
    "  ?               this help (Up/Down scroll, any other key closes)",
    "  m               picker: model directory, sample set, soft prompt (your own",
    "                  JSONL files and prompt directories too)",
    "  T               colour theme: dark, light, high contrast (for projectors);",
    "                  remembered in ~/.config/promptlab/tui.conf",
    "  q, F10          quit (asks whether to save when a run is training)",
    "  Ctrl-C          quit at once; a training run saves its best prompt first",
    "  Tab             next pane (editor, lists, form)",
    "  Esc             leave a text field / close a window",
    "",
    "SAMPLE TABLES (views 1 and 3)",
    "  /               search the rows (any column, case ignored)",
    "  n, N            next / previous matching row (wraps)",
    "  f               keep only the rows containing the search (again: all)",
    "  o               order: own, by chrF best first, worst first (view 3: the",
    "                  soft prompt's chrF, or the hard prompt's when none)",
    "  / n N also search the inspector's tokens, the picker, this help and the",
    "                  full-text pane",
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
    "  v               the selected row in full: source, reference, output, chrF",
    "                  (a scrollable pane; / n N search it, Esc closes)",
    "  t               show the tokens the model sees for the selected sample",
    "  p / Tab         presets list; Enter loads the preset into the editor",
    "  u               after a preset replaced your own template: bring it back",
    "                  (u again swaps back to the preset)",
    "  Up/Down, PgUp/PgDn  move in the results",
    "  E               export the results table (Markdown and CSV)",
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
    "  l               linear / log scale",
    "  E               export the loss, metric and health charts as SVG; legends",
    "                  and caption name each run's init, length, optimiser, LR",
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
    "  i               type your own sentence; Enter translates it all three ways",
    "  h               next hard prompt preset      s  next soft prompt",
    "  u               your own template back after h replaced it",
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
    "  s               next soft prompt      w  snap to words: replace every row",
    "                  by its nearest token and score that as a hard prompt",
    "  c               melt chart: each row's cosine to its start over training",
    "  E               export every row's neighbours (Markdown and CSV) and the",
    "                  melt chart (SVG), captioned with the run's settings",
    "  Up/Down         scroll (every row: soft, control, the hard prompt's tokens)",
    "  /, n, N         search the tokens; next / previous matching row",
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

void tui_box(struct tui *t, int y, int x, int h, int w, const char *title)
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
    tui_box(t, y, x, h, w, "Help - keys and marks (Up/Down scroll, / search, Esc closes)");
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
        if (s[0] == ' ' && (strchr(s, '\x06') || strchr(s, '\x07'))) {
            char buf[160];
            const char *at = strchr(s, '\x06') ? strchr(s, '\x06') : strchr(s, '\x07');
            snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - s), s,
                     *at == '\x06' ? t->g->unseen : t->g->guess, at + 1);
            tui_text(t, y + 1 + r, x + 2, w - 4, buf, TUI_R_NORMAL);
            continue;
        }
        bool hit = t->help_list.top + r == t->help_hit;
        tui_text(t, y + 1 + r, x + 2, w - 4, s, hit ? TUI_R_SELECTED : head ? TUI_R_TITLE : TUI_R_NORMAL);
    }
}

int tui_help_find(struct tui *t, const char *q, int dir)
{
    const char *lines[160];
    int n = help_lines(t, lines, 160), h = t->rows - 6;
    int from = t->help_hit >= 0 ? t->help_hit : t->help_list.top - (dir > 0 ? 1 : 0);
    for (int k = 1; k <= n; k++) {
        int i = ((from + dir * k) % n + n) % n;
        if (tui_text_matches(lines[i], q)) {
            t->help_hit = i;
            if (i < t->help_list.top || i >= t->help_list.top + h)
                t->help_list.top = i - h / 2 > 0 ? i - h / 2 : 0;
            t->help_list.selected = t->help_list.top;
            return i;
        }
    }
    return -1;
}

static int help_key(struct tui *t, const struct tui_key *k)
{
    const char *lines[160];
    int n = help_lines(t, lines, 160), h = t->rows - 6;
    int max_top = n - h > 0 ? n - h : 0;
    if (tui_key_is(k, '/')) {
        tui_open_input(t, TUI_IN_SEARCH, "Search the help for", t->search);
        return TUI_REDRAW;
    }
    if ((tui_key_is(k, 'n') || tui_key_is(k, 'N')) && t->search[0]) {
        tui_search_next(t, tui_key_is(k, 'n') ? 1 : -1);
        return TUI_REDRAW;
    }
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

/* Whether two paths name the same file (the picker lists absolute paths,
 * the command line may have given relative ones). */
static bool same_path(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return true;
    if (!a[0] || !b[0])
        return false;
    char ra[PATH_MAX], rb[PATH_MAX];
    return realpath(a, ra) && realpath(b, rb) && strcmp(ra, rb) == 0;
}

/* Whether a picker entry is what the TUI (or the training form) uses now. */
static bool pick_in_use(const struct tui *t, const struct tui_picker_item *it)
{
    const struct tui_soft *soft = tui_soft_current(t);
    switch (it->kind) {
    case TUI_PICK_MODEL: return same_path(it->path, t->model_dir);
    case TUI_PICK_SAMPLES:
        return same_path(it->path, t->pick_only == TUI_PICK_SAMPLES ? tui_train_data(t) : t->samples_path);
    case TUI_PICK_SOFT: return soft && soft->path[0] && same_path(it->path, soft->path);
    default: return false;
    }
}

static void draw_picker(struct tui *t)
{
    int w = t->cols - 6 < 100 ? t->cols - 6 : 100, h = t->rows - 4;
    int y = 2, x = (t->cols - w) / 2;
    tui_box(t, y, x, h, w, t->pick_only == TUI_PICK_SAMPLES ? "Pick the training data" : "Pick a model, sample set or soft prompt");
    int body = h - 3;
    ui_list_scroll(&t->pick_list, t->n_pick, body);
    for (int r = 0; r < body && t->pick_list.top + r < t->n_pick; r++) {
        int i = t->pick_list.top + r;
        const struct tui_picker_item *it = &t->pick[i];
        enum tui_role role = it->kind == TUI_PICK_HEADING ? TUI_R_TITLE
                             : i == t->pick_list.selected ? TUI_R_SELECTED
                                                          : TUI_R_NORMAL;
        char buf[200];
        bool current = pick_in_use(t, it);
        snprintf(buf, sizeof buf, "%s%s", it->kind == TUI_PICK_HEADING ? "" : current ? "* " : "  ", it->label);
        if (role == TUI_R_SELECTED) {
            attrset(tui_attr(t, role));
            mvhline(y + 1 + r, x + 1, ' ', w - 2);
        }
        tui_text(t, y + 1 + r, x + 2, w - 4, buf, role);
    }
    tui_text(t, y + h - 2, x + 2, w - 4,
             "Enter choose   Up/Down move   / search   n/N next   Esc close   (* = in use)", TUI_R_DIM);
}

int tui_picker_find(struct tui *t, const char *q, int dir)
{
    int n = t->n_pick;
    for (int k = 1; k <= n; k++) {
        int i = ((t->pick_list.selected + dir * k) % n + n) % n;
        const struct tui_picker_item *it = &t->pick[i];
        if (it->kind != TUI_PICK_HEADING &&
            (tui_text_matches(it->label, q) || tui_text_matches(it->path, q))) {
            t->pick_list.selected = i;
            return i;
        }
    }
    return -1;
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
    if (tui_key_is(k, '/')) {
        tui_open_input(t, TUI_IN_SEARCH, "Search the list for", t->search);
        return TUI_REDRAW;
    }
    if ((tui_key_is(k, 'n') || tui_key_is(k, 'N')) && t->search[0]) {
        tui_search_next(t, tui_key_is(k, 'n') ? 1 : -1);
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
    tui_box(t, y, x, h, w, t->input_label);
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
        t->ov = t->input_back;
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
    tui_box(t, y, x, h, w, "Quit promptlab?");
    char line[160];
    quit_summary_line(t, line, sizeof line);
    tui_text(t, y + 1, x + 2, w - 4, line, TUI_R_BOLD);
    tui_text(t, y + 3, x + 2, w - 4, "y  stop it, save the best prompt with its curve, and quit",
             TUI_R_NORMAL);
    tui_text(t, y + 4, x + 2, w - 4, "n  quit without the final save (the last checkpoint stays)",
             TUI_R_NORMAL);
    tui_text(t, y + 5, x + 2, w - 4, "Esc  keep training", TUI_R_NORMAL);
}


void tui_overlay_draw(struct tui *t)
{
    switch (t->ov) {
    case TUI_OV_HELP: draw_help(t); break;
    case TUI_OV_PICKER: draw_picker(t); break;
    case TUI_OV_QUIT: draw_quit(t); break;
    case TUI_OV_INPUT:
        if (t->input_back == TUI_OV_HELP) /* the search input over what it searches */
            draw_help(t);
        else if (t->input_back == TUI_OV_PICKER)
            draw_picker(t);
        else if (t->input_back == TUI_OV_PAGER)
            tui_pager_draw(t);
        draw_input(t);
        break;
    case TUI_OV_PAGER: tui_pager_draw(t); break;
    case TUI_OV_EXPERIMENT: tui_exp_draw(t); break;
    default: break;
    }
}

int tui_overlay_key(struct tui *t, const struct tui_key *k)
{
    switch (t->ov) {
    case TUI_OV_HELP: return help_key(t, k);
    case TUI_OV_PICKER: return picker_key(t, k);
    case TUI_OV_INPUT: return input_key(t, k);
    case TUI_OV_EXPERIMENT: return tui_exp_key(t, k);
    case TUI_OV_PAGER: return tui_pager_key(t, k);
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
    default: return 0;
    }
}
