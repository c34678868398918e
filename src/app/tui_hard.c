/* tui_hard.c - view 1, the hard prompt: a multi-line template editor, the
 * preset list, a run of the template over the sample set (each output with
 * its chrF, and the corpus chrF), and the tokens the model actually sees.
 *
 * The one idea: results belong to the template they were run with. The
 * view keeps its own copy of each decoded row (copied from the worker's
 * job as rows arrive) and the template text of that run, so editing marks
 * the results as stale instead of mixing outputs of two prompts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "promptlab/metrics.h"
#include "tui_impl.h"

enum focus { F_EDITOR, F_PRESETS, F_RESULTS, N_FOCUS };

struct tui_hard {
    struct ui_editor ed;
    enum focus focus;
    bool editing;
    bool tokens;
    struct ui_list results, presets;
    uint64_t tmpl_seen;       /* template_version the editor shows */
    struct tui_job *job;
    char *ran;                /* template of the results; NULL before a run */
    int n;                    /* rows of the results (the sample set when run) */
    char **out;
    float *score;
    unsigned char *state;
    int n_done;
    double corpus;            /* corpus chrF of the finished rows */
    double started;
    /* geometry of the last frame, for the mouse */
    int ed_y, ed_x, ed_h, ed_w, pr_y, pr_x, pr_h, pr_w, tb_y, tb_h;
    int *order;               /* [n_order] sample rows as shown (filter, sort) */
    int n_order, cap_order;
    enum ui_sort sort;        /* by this template's chrF */
};

static void export_results(struct tui *t);

static bool row_matches(const struct tui *t, int row, const char *q)
{
    const struct tui_hard *h = t->hard;
    const struct jsonl_record *r = &t->samples.rec[row];
    bool have = row < h->n && h->state[row] != TUI_CELL_PENDING;
    return tui_text_matches(r->source, q) || tui_text_matches(r->target, q) ||
           (have && tui_text_matches(h->out[row], q));
}

static bool keep_row(void *ctx, int row)
{
    struct tui *t = ctx;
    return !t->filter || !t->search[0] || row_matches(t, row, t->search);
}

static double row_score(void *ctx, int row)
{
    struct tui *t = ctx;
    const struct tui_hard *h = t->hard;
    return row < h->n && h->state[row] == TUI_CELL_DONE ? h->score[row] : NAN;
}

/* The rows as shown, refreshed before every use: scores arrive while the
 * table is on screen. */
static void hard_order(struct tui *t)
{
    struct tui_hard *h = t->hard;
    int n = t->samples.n;
    if (h->cap_order < n) {
        int *o = realloc(h->order, sizeof *o * (size_t)n);
        if (!o) {
            h->n_order = 0;
            return;
        }
        h->order = o, h->cap_order = n;
    }
    h->n_order = ui_rows_order(h->order, n, keep_row, row_score, h->sort, t);
}

/* The sample shown at position i, or -1. */
static int shown_row(const struct tui_hard *h, int i)
{
    return i >= 0 && i < h->n_order ? h->order[i] : -1;
}

static void clear_results(struct tui_hard *h)
{
    for (int i = 0; i < h->n; i++)
        free(h->out[i]);
    free(h->out), free(h->score), free(h->state), free(h->ran);
    h->out = NULL, h->score = NULL, h->state = NULL, h->ran = NULL;
    h->n = h->n_done = 0;
    h->corpus = NAN;
}

int tui_hard_init(struct tui *t)
{
    struct tui_hard *h = calloc(1, sizeof *h);
    if (!h)
        return PL_ENOMEM;
    ui_editor_init(&h->ed, 0);
    h->corpus = NAN;
    h->focus = F_EDITOR;
    t->hard = h;
    return 0;
}

void tui_hard_free(struct tui *t)
{
    struct tui_hard *h = t->hard;
    if (!h)
        return;
    tui_job_release(h->job);
    clear_results(h);
    ui_editor_free(&h->ed);
    free(h->order);
    free(h);
    t->hard = NULL;
}

void tui_hard_reset(struct tui *t)
{
    struct tui_hard *h = t->hard;
    if (!h)
        return;
    tui_job_release(h->job);
    h->job = NULL;
    clear_results(h);
    h->results = (struct ui_list){0, 0};
}

/* The editor shows the shared template: reload it when someone else set
 * it (a preset picked in view 3, the demo's setup). */
static void follow_template(struct tui *t)
{
    struct tui_hard *h = t->hard;
    if (h->tmpl_seen == t->template_version)
        return;
    const char *s = tui_template(t);
    size_t n;
    const char *cur = ui_editor_text(&h->ed, &n);
    if (n != strlen(s) || memcmp(cur, s, n) != 0)
        ui_editor_set_text(&h->ed, s, strlen(s));
    h->tmpl_seen = t->template_version;
}

/* After an edit: the editor's text becomes the shared template. */
static void publish_template(struct tui *t)
{
    struct tui_hard *h = t->hard;
    const char *text = ui_editor_text(&h->ed, NULL);
    if (strcmp(text, tui_template(t)) != 0)
        tui_template_set(t, text);
    h->tmpl_seen = t->template_version;
}

bool tui_hard_editing(const struct tui *t)
{
    return t->hard->editing;
}

void tui_hard_run(struct tui *t)
{
    struct tui_hard *h = t->hard;
    if (t->samples.n == 0) {
        tui_msg(t, TUI_R_ERROR, "the sample set is empty: pick one with m");
        return;
    }
    tui_job_release(h->job);
    h->job = NULL;
    clear_results(h);
    int n = t->samples.n;
    const char **src = malloc(sizeof *src * (size_t)n), **ref = malloc(sizeof *ref * (size_t)n);
    h->out = calloc((size_t)n, sizeof *h->out);
    h->score = malloc(sizeof *h->score * (size_t)n);
    h->state = calloc((size_t)n, 1);
    const char *tmpl = tui_template(t);
    h->ran = strdup(tmpl);
    if (!src || !ref || !h->out || !h->score || !h->state || !h->ran) {
        free(src), free(ref);
        clear_results(h);
        tui_msg(t, TUI_R_ERROR, "out of memory");
        return;
    }
    h->n = n;
    for (int i = 0; i < n; i++) {
        src[i] = t->samples.rec[i].source;
        ref[i] = t->samples.rec[i].target;
        h->score[i] = NAN;
    }
    struct tui_translate_spec sp = {.n_var = 1, .hard = {tmpl[0] ? tmpl : NULL},
                                    .texts = src, .refs = ref, .n_rows = n};
    h->job = tui_job_translate(t->worker, &sp);
    free(src), free(ref);
    h->started = pl_now();
    if (!h->job)
        tui_msg(t, TUI_R_ERROR, "could not start decoding (out of memory)");
    else
        tui_msg(t, TUI_R_INFO, "running the template over %d samples...", n);
}

bool tui_hard_tick(struct tui *t)
{
    uint64_t seen = t->hard->tmpl_seen;
    follow_template(t);
    bool moved = seen != t->hard->tmpl_seen;
    struct tui_hard *h = t->hard;
    if (!h->job || !tui_job_sync(h->job))
        return moved;
    const struct tui_job_view *v = tui_job_view(h->job);
    int done = 0, failed = 0;
    const char **hyp = malloc(sizeof *hyp * (size_t)h->n), **ref = malloc(sizeof *ref * (size_t)h->n);
    for (int i = 0; i < h->n && i < v->n_rows; i++) {
        if (v->state[i] != TUI_CELL_PENDING && !h->out[i]) {
            h->out[i] = strdup(v->out[i] ? v->out[i] : "");
            h->score[i] = v->score[i];
            h->state[i] = v->state[i];
        }
        if (h->state[i] == TUI_CELL_DONE && hyp && ref) {
            hyp[done] = h->out[i];
            ref[done] = t->samples.rec[i].target;
            done++;
        } else if (h->state[i] == TUI_CELL_FAILED) {
            failed++;
        }
    }
    h->corpus = hyp && ref && done ? metric_chrf_corpus(hyp, ref, done) : NAN;
    h->n_done = done + failed;
    free(hyp), free(ref);
    if (v->finished) {
        if (failed)
            tui_msg(t, TUI_R_ERROR, "%d of %d rows failed to decode (marked %s)", failed, h->n,
                    t->g->cross);
        else
            tui_msg(t, TUI_R_GOOD, "corpus chrF %.1f over %d samples (%.1f s)", h->corpus, h->n,
                    pl_now() - h->started);
        tui_job_release(h->job);
        h->job = NULL;
    }
    return true;
}

const char *tui_hard_footer(const struct tui *t)
{
    const struct tui_hard *h = t->hard;
    if (h->editing)
        return "Esc done\tCtrl-R run\tEnter new line\tCtrl-W/K/U delete\tAlt-B/F word\tF1-F4 views";
    if (h->focus == F_PRESETS && t->tmpl_undo)
        return "Enter load preset\tu your template\tr run\tt tokens\tTab focus\te edit";
    if (h->focus == F_PRESETS)
        return "Enter load preset\tr run\tt tokens\tTab focus\te edit";
    if (t->tmpl_undo)
        return "Enter/e edit\tr run\tu your template\tv full text\t/ search\tn/N next\tE export\tt tokens\tp presets\tf filter\to sort\tTab focus";
    return "Enter/e edit\tr run\tv full text\t/ search\tn/N next\tE export\tt tokens\tp presets\tf filter\to sort\tTab focus";
}

/* ---- keys -------------------------------------------------------------- */

/* Preset i into the template and the editor (the user's own template is
 * kept for u). */
static void load_preset(struct tui *t, int i)
{
    tui_preset_apply(t, i);
    follow_template(t);
}

static int editing_key(struct tui *t, const struct tui_key *k)
{
    struct tui_hard *h = t->hard;
    if (tui_key_is(k, 27) || tui_key_is(k, '\t')) {
        h->editing = false;
        h->focus = tui_key_is(k, '\t') ? F_PRESETS : F_EDITOR;
        return TUI_REDRAW;
    }
    if (tui_key_is(k, 18)) { /* Ctrl-R */
        h->editing = false;
        tui_hard_run(t);
        return TUI_REDRAW;
    }
    if (k->paste) {
        ui_editor_insert(&h->ed, k->paste, k->paste_len);
        return TUI_REDRAW;
    }
    if (k->fn && k->code == KEY_MOUSE)
        return TUI_UNHANDLED;
    if (k->ui == UI_KEY_NONE)
        return TUI_UNHANDLED;
    int rc = ui_editor_key(&h->ed, k->ui, k->ch);
    if (rc == PL_ENOMEM)
        tui_msg(t, TUI_R_ERROR, "out of memory");
    return TUI_REDRAW;
}

static int mouse_key(struct tui *t, const struct tui_key *k)
{
    struct tui_hard *h = t->hard;
    if (!(k->mbutton & (BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED)))
        return 0;
    int y = k->my, x = k->mx;
    if (y >= h->ed_y && y < h->ed_y + h->ed_h && x >= h->ed_x && x < h->ed_x + h->ed_w) {
        h->focus = F_EDITOR;
        h->editing = true;
        ui_editor_move_to(&h->ed, h->ed.top + (y - h->ed_y), h->ed.left + (x - h->ed_x));
    } else if (y > h->pr_y && y < h->pr_y + h->pr_h && x >= h->pr_x && x < h->pr_x + h->pr_w) {
        int row = h->presets.top + (y - h->pr_y - 1);
        h->focus = F_PRESETS;
        h->editing = false;
        if (row < t->n_presets) {
            h->presets.selected = row;
            if (k->mbutton & BUTTON1_DOUBLE_CLICKED)
                load_preset(t, row);
        }
    } else if (y > h->tb_y && y < h->tb_y + h->tb_h) {
        int pos = h->results.top + (y - h->tb_y - 1);
        h->focus = F_RESULTS;
        h->editing = false;
        if (pos < h->n_order)
            h->results.selected = pos;
    }
    return TUI_REDRAW;
}

/* Indented text (every line starts with two spaces: not a heading). */
static void put_indented(struct pl_str *sb, const char *text)
{
    pl_str_puts(sb, "  ");
    for (const char *c = text; *c; c++) {
        pl_str_putc(sb, *c);
        if (*c == '\n')
            pl_str_puts(sb, "  ");
    }
    pl_str_puts(sb, "\n\n");
}

/* v: the selected row in full (source with its unseen marks, reference,
 * literal rendering, output, chrF, the template) in the full-text pane. */
static void show_full(struct tui *t)
{
    struct tui_hard *h = t->hard;
    hard_order(t);
    int row = shown_row(h, h->results.selected);
    if (row < 0) {
        tui_msg(t, TUI_R_DIM, "no row selected");
        return;
    }
    const struct jsonl_record *r = &t->samples.rec[row];
    struct pl_str sb = {0};
    size_t cap = 3 * strlen(r->source) + 64;
    char *marked = malloc(cap);
    bool mk = marked && tui_mark_unseen(t, r->source, marked, cap, NULL, 0) > 0;
    pl_str_printf(&sb, "Source%s\n", mk ? " (marked words: the model has probably never seen them)" : "");
    put_indented(&sb, mk ? marked : r->source);
    free(marked);
    pl_str_puts(&sb, "Reference\n");
    put_indented(&sb, r->target);
    if (r->literal) {
        pl_str_puts(&sb, "Literal rendering (word for word)\n");
        put_indented(&sb, r->literal);
    }
    bool have = row < h->n && h->state[row] != TUI_CELL_PENDING;
    char sc[32];
    tui_score_cell(t, row < h->n ? h->score[row] : NAN, row < h->n ? h->state[row] : 0, sc, sizeof sc);
    pl_str_printf(&sb, "Output under the template   chrF %s\n", row < h->n ? sc : "-");
    put_indented(&sb, have ? h->out[row] : row < h->n ? "(being decoded)" : "(not run yet: r runs the template)");
    pl_str_puts(&sb, "Template\n");
    put_indented(&sb, h->ran ? h->ran : tui_template(t));
    if (sb.oom) {
        free(sb.p);
        tui_msg(t, TUI_R_ERROR, "out of memory");
        return;
    }
    char title[64];
    snprintf(title, sizeof title, "Row %d of %d in full (Esc closes)", row + 1, t->samples.n);
    tui_pager_open(t, title, sb.p);
}

static int hard_key(struct tui *t, const struct tui_key *k)
{
    struct tui_hard *h = t->hard;
    if (k->fn && k->code == KEY_MOUSE)
        return mouse_key(t, k);
    if (h->editing)
        return editing_key(t, k);
    if (k->paste) { /* pasting starts editing */
        h->focus = F_EDITOR;
        h->editing = true;
        ui_editor_insert(&h->ed, k->paste, k->paste_len);
        return TUI_REDRAW;
    }
    if (tui_key_is(k, 'e') || (h->focus == F_EDITOR && k->ui == UI_KEY_ENTER)) {
        h->focus = F_EDITOR;
        h->editing = true;
        return TUI_REDRAW;
    }
    if (tui_key_is(k, 'r') || tui_key_is(k, 18)) {
        tui_hard_run(t);
        return TUI_REDRAW;
    }
    if (tui_key_is(k, 't')) {
        h->tokens = !h->tokens;
        tui_msg(t, TUI_R_INFO, h->tokens ? "tokens of the selected sample, as the model sees them"
                                         : "tokens hidden");
        return TUI_REDRAW;
    }
    if (tui_key_is(k, 'p')) {
        h->focus = F_PRESETS;
        return TUI_REDRAW;
    }
    if (tui_key_is(k, '\t') || (k->fn && k->code == KEY_BTAB)) {
        h->focus = (enum focus)((h->focus + (tui_key_is(k, '\t') ? 1 : N_FOCUS - 1)) % N_FOCUS);
        return TUI_REDRAW;
    }
    if (tui_key_is(k, 27)) {
        h->focus = F_RESULTS;
        return TUI_REDRAW;
    }
    if (tui_key_is(k, 'o')) {
        h->sort = (h->sort + 1) % 3;
        h->results = (struct ui_list){0, 0};
        h->focus = F_RESULTS;
        if (h->sort == UI_SORT_NONE)
            tui_msg(t, TUI_R_INFO, "rows in their own order");
        else
            tui_msg(t, TUI_R_INFO, "rows by chrF, %s", h->sort == UI_SORT_DESC ? "best first" : "worst first");
        return TUI_REDRAW;
    }
    if (tui_key_is(k, 'E')) {
        export_results(t);
        return TUI_REDRAW;
    }
    if (tui_key_is(k, 'v')) {
        show_full(t);
        return TUI_REDRAW;
    }
    if (h->focus == F_PRESETS) {
        if (k->ui == UI_KEY_ENTER) {
            load_preset(t, h->presets.selected);
            return TUI_REDRAW;
        }
        int rc = ui_list_key(&h->presets, k->ui, t->n_presets, h->pr_h > 1 ? h->pr_h - 1 : 1);
        return rc == UI_IGNORED ? TUI_UNHANDLED : TUI_REDRAW;
    }
    if (h->focus == F_EDITOR && (k->ui == UI_KEY_DOWN || k->ui == UI_KEY_UP)) {
        h->focus = F_RESULTS;
        return TUI_REDRAW;
    }
    hard_order(t);
    int rc = ui_list_key(&h->results, k->ui, h->n_order, h->tb_h > 1 ? h->tb_h - 1 : 1);
    if (rc != UI_IGNORED) {
        h->focus = F_RESULTS;
        return TUI_REDRAW;
    }
    return TUI_UNHANDLED;
}

/* ---- drawing ----------------------------------------------------------- */

struct cell_ctx {
    struct tui *t;
    struct tui_hard *h;
};

static const char *cell(void *ctx, int pos, int col, char *buf, size_t cap)
{
    struct cell_ctx *c = ctx;
    int row = c->h->order[pos];
    const struct jsonl_record *r = &c->t->samples.rec[row];
    bool have = row < c->h->n;
    switch (col) {
    case 0: snprintf(buf, cap, "%d", row + 1); return buf;
    case 1: return r->source;
    case 2: return r->target;
    case 3:
        if (!have)
            return "";
        if (c->h->state[row] == TUI_CELL_PENDING)
            return c->t->g->pending;
        return c->h->out[row];
    case 4:
        if (!have)
            return "";
        tui_score_cell(c->t, c->h->score[row], c->h->state[row], buf, cap);
        return buf;
    }
    return "";
}

int tui_hard_find(struct tui *t, const char *q, int dir)
{
    struct tui_hard *h = t->hard;
    hard_order(t);
    int n = h->n_order;
    for (int i = 1; i <= n; i++) {
        int pos = ((h->results.selected + dir * i) % n + n) % n;
        int row = h->order[pos];
        if (row_matches(t, row, q)) {
            h->results.selected = pos;
            h->focus = F_RESULTS;
            return row;
        }
    }
    return -1;
}

/* The pieces of fill(template, sample) + </s>, wrapped into a box. */
static void draw_tokens(struct tui *t, int y, int x, int h, int w)
{
    struct tui_hard *hd = t->hard;
    int row = shown_row(hd, hd->results.selected);
    if (row < 0) {
        tui_text(t, y, x, w, "no sample selected", TUI_R_DIM);
        return;
    }
    const char *tmpl = tui_template(t);
    int *ids = NULL, n = 0, *tids = NULL, tn = 0;
    bool cut = false, cut2 = false;
    struct pl_err e = {0};
    if (lab_source_ids(t->L, tmpl[0] ? tmpl : NULL, 0, t->samples.rec[row].source, &ids, &n, &cut,
                       &e)) {
        tui_text(t, y, x, w, e.msg, TUI_R_ERROR);
        return;
    }
    /* the template alone: how many of the pieces the prompt costs */
    if (tmpl[0] && lab_source_ids(t->L, tmpl, 0, "", &tids, &tn, &cut2, NULL) == 0)
        tn = tn > 0 ? tn - 1 : 0;
    char head[200];
    snprintf(head, sizeof head, "Tokens the model sees for sample %d: %d (about %d from the template)%s",
             row + 1, n, tn, cut ? ", cut to fit" : "");
    tui_heading(t, y, x, w, head, false);
    const tok *tk = lab_tok(t->L);
    int unk = tok_unk_id(tk), eos = tok_eos_id(tk);
    int cx = x, cy = y + 1;
    for (int i = 0; i < n && cy < y + h; i++) {
        const char *pc = ids[i] == unk ? "<unk>" : tok_piece(tk, ids[i]);
        if (!pc)
            pc = "?";
        int pw = ui_text_width(pc, strlen(pc));
        if (cx + pw + 1 > x + w && cx > x) {
            cy++;
            cx = x;
            if (cy >= y + h)
                break;
        }
        enum tui_role role = ids[i] == unk ? TUI_R_MARK : ids[i] == eos ? TUI_R_DIM
                             : (i % 2) ? TUI_R_INFO
                                       : TUI_R_NORMAL;
        cx += tui_text(t, cy, cx, pw < x + w - cx ? pw : x + w - cx, pc, role);
        cx += tui_text(t, cy, cx, 1, " ", TUI_R_NORMAL);
    }
    free(ids);
    free(tids);
}

static void draw_editor(struct tui *t, int y, int x, int eh, int lw, const char *tmpl)
{
    struct tui_hard *hd = t->hard;
    char title[200];
    snprintf(title, sizeof title, "Template%s", hd->editing ? " (editing: Esc done, Ctrl-R run)"
                                                             : " (Enter/e edit)");
    tui_heading(t, y, x, lw, title, hd->focus == F_EDITOR);
    hd->ed_y = y + 1, hd->ed_x = x + 1, hd->ed_h = eh, hd->ed_w = lw - 2;
    if (hd->editing) {
        ui_editor_scroll(&hd->ed, eh, lw - 2); /* follow the cursor, sideways too */
    } else {
        hd->ed.top = 0; /* at rest a long template shows its start */
        hd->ed.left = 0;
    }
    attrset(hd->editing ? tui_attr(t, TUI_R_BOLD) : A_NORMAL);
    ui_editor_draw(stdscr, y + 1, x + 1, eh, lw - 2, &hd->ed, false, t->tflags);
    attrset(A_NORMAL);
    char info[400];
    const char *note = NULL;
    for (int i = 0; i < t->n_presets && !note; i++)
        if (t->presets[i].note[0] && strcmp(t->presets[i].text, tmpl) == 0)
            note = t->presets[i].note;
    if (note)
        snprintf(info, sizeof info, "%s", note);
    else
        snprintf(info, sizeof info, "%s. %s: %s",
             !tmpl[0] ? "Empty template: the model gets the sample alone"
             : strstr(tmpl, "{source}") ? "{source} is replaced by each sample"
                                        : "No {source}: the sample follows the template",
             t->family, t->family_hint);
    tui_text(t, y + 1 + eh, x + 1, lw - 2, info, TUI_R_DIM);
}

static void draw_presets(struct tui *t, int y, int x, int eh, int pw, const char *tmpl)
{
    struct tui_hard *hd = t->hard;
    hd->pr_y = y, hd->pr_x = x, hd->pr_h = eh + 2, hd->pr_w = pw;
    tui_heading(t, y, x, pw, "Presets (p)", hd->focus == F_PRESETS);
    if (hd->focus != F_PRESETS) /* show the preset in use */
        for (int i = 0; i < t->n_presets; i++)
            if (strcmp(t->presets[i].text, tmpl) == 0)
                hd->presets.selected = i;
    ui_list_scroll(&hd->presets, t->n_presets, eh + 1);
    for (int r = 0; r < eh + 1 && hd->presets.top + r < t->n_presets; r++) {
        int i = hd->presets.top + r;
        bool sel = i == hd->presets.selected;
        enum tui_role role = sel && hd->focus == F_PRESETS ? TUI_R_SELECTED
                             : sel                          ? TUI_R_BOLD
                                                            : TUI_R_NORMAL;
        bool cur = strcmp(t->presets[i].text, tmpl) == 0;
        char buf[140];
        snprintf(buf, sizeof buf, "%s%s", cur ? t->g->bullet : " ", t->presets[i].name);
        if (role == TUI_R_SELECTED) {
            attrset(tui_attr(t, role));
            mvhline(y + 1 + r, x, ' ', pw);
        }
        tui_text(t, y + 1 + r, x, pw, buf, role);
    }
    if (t->n_presets == 0)
        tui_text(t, y + 1, x, pw, "none", TUI_R_DIM);
}

static void draw_results(struct tui *t, int ry, int x, int rh, int w, bool stale)
{
    struct tui_hard *hd = t->hard;
    char rtitle[300];
    if (!hd->ran)
        snprintf(rtitle, sizeof rtitle, "Samples: %s (%d) - r runs the template", t->samples_name,
                 t->samples.n);
    else if (hd->n_done < hd->n)
        snprintf(rtitle, sizeof rtitle, "Running: %d/%d decoded, chrF so far %.1f", hd->n_done,
                 hd->n, hd->corpus);
    else
        snprintf(rtitle, sizeof rtitle, "chrF %.1f over %d samples%s", hd->corpus, hd->n,
                 stale ? " - template edited since: r to rerun" : "");
    tui_heading(t, ry, x, w, rtitle, hd->focus == F_RESULTS);
    /* the output gets the most room: cap the other text columns */
    const struct ui_column cols[] = {
        {"#", 2, 4, 0, UI_ALIGN_RIGHT},     {"Source", 10, w / 4, 2, UI_ALIGN_LEFT},
        {"Reference", 10, w / 4, 2, UI_ALIGN_LEFT}, {"Output", 12, 0, 3, UI_ALIGN_LEFT},
        {"chrF", 5, 6, 0, UI_ALIGN_RIGHT},
    };
    struct cell_ctx ctx = {t, hd};
    hard_order(t);
    struct ui_table tb = {.cols = cols, .n_cols = 5, .n_rows = hd->n_order, .cell = cell, .ctx = &ctx};
    int th = rh - 1;
    hd->tb_y = ry + 1, hd->tb_h = th;
    if (th < 2)
        return;
    ui_list_scroll(&hd->results, hd->n_order, th - 1);
    attrset(stale ? tui_attr(t, TUI_R_DIM) : A_NORMAL);
    ui_table_draw(stdscr, ry + 1, x, th, w, &tb, &hd->results, hd->focus == F_RESULTS,
                  t->color ? &t->colors : NULL, t->tflags);
    attrset(A_NORMAL);
    int sw, sx = tui_table_col_x(&tb, w, 4, &sw);
    for (int r = 0; r < th - 1 && sw > 0; r++) {
        int row = shown_row(hd, hd->results.top + r);
        if (row < 0)
            break;
        if (row >= hd->n)
            continue;
        char buf[32];
        tui_score_cell(t, hd->score[row], hd->state[row], buf, sizeof buf);
        int bw = ui_text_width(buf, strlen(buf));
        tui_score_paint(t, ry + 2 + r, x + sx + sw - bw, hd->score[row], hd->state[row]);
    }
}

void tui_hard_draw(struct tui *t, int y, int x, int h, int w)
{
    struct tui_hard *hd = t->hard;
    int pw = w >= 110 ? 36 : 28;  /* presets column */
    int lw = w - pw - 1;
    int eh = h >= 30 ? 6 : 3;     /* editor lines */
    const char *tmpl = tui_template(t);
    bool stale = hd->ran && strcmp(hd->ran, tmpl) != 0;
    draw_editor(t, y, x, eh, lw, tmpl);
    draw_presets(t, y, x + lw + 1, eh, pw, tmpl);
    int ry = y + eh + 2;
    int rh = y + h - ry;
    if (hd->tokens && rh > 8) {
        int th = rh >= 16 ? 5 : 4;
        draw_tokens(t, ry, x, th, w);
        ry += th;
        rh -= th;
    }
    draw_results(t, ry, x, rh, w, stale);
    if (hd->editing) {
        /* leave the terminal's cursor at the editor's (the frame reads it back) */
        int line, col;
        ui_editor_cursor(&hd->ed, &line, NULL, &col);
        move(y + 1 + line - hd->ed.top, x + 1 + col - hd->ed.left);
    }
}

/* One exported row: every sample in its own order, the output and chrF
 * of the last run ("" for rows not decoded). */
static const char *export_cell(void *ctx, int row, int col, char *buf, size_t cap)
{
    struct tui *t = ctx;
    const struct tui_hard *h = t->hard;
    const struct jsonl_record *r = &t->samples.rec[row];
    bool done = row < h->n && h->state[row] == TUI_CELL_DONE;
    switch (col) {
    case 0: snprintf(buf, cap, "%d", row + 1); return buf;
    case 1: return r->source;
    case 2: return r->target;
    case 3: return done ? h->out[row] : "";
    case 4:
        if (!done || !isfinite(h->score[row]))
            return "";
        snprintf(buf, cap, "%.1f", h->score[row]);
        return buf;
    }
    return "";
}

/* E: the results table as Markdown and CSV in the exports folder. */
static void export_results(struct tui *t)
{
    const struct tui_hard *h = t->hard;
    if (!h->ran) {
        tui_msg(t, TUI_R_DIM, "nothing to export yet: r runs the template");
        return;
    }
    char title[300];
    snprintf(title, sizeof title, "output of: %.250s", h->ran);
    const struct ui_column cols[] = {
        {"#", 1, 0, 0, UI_ALIGN_RIGHT},        {"source", 1, 0, 1, UI_ALIGN_LEFT},
        {"reference", 1, 0, 1, UI_ALIGN_LEFT}, {title, 1, 0, 1, UI_ALIGN_LEFT},
        {"chrF", 1, 0, 0, UI_ALIGN_RIGHT},
    };
    struct ui_table tb = {.cols = cols, .n_cols = 5, .n_rows = t->samples.n, .cell = export_cell, .ctx = t};
    tui_export_table(t, "promptlab-hard", &tb);
}

int tui_hard_key(struct tui *t, const struct tui_key *k)
{
    follow_template(t);
    if (!t->hard->editing && tui_key_is(k, 'u')) { /* the template before a preset */
        tui_template_undo(t);
        follow_template(t);
        return TUI_REDRAW;
    }
    int rc = hard_key(t, k);
    publish_template(t);
    return rc;
}
