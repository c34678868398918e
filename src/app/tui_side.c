/* tui_side.c - view 3, side by side: every sample (and every sentence the
 * user types) under the hard prompt, the soft prompt and no prompt, next
 * to the reference (and the literal rendering of idioms), each output
 * marked by its chrF; words the model has never seen are marked too.
 *
 * The one idea: each of the three columns has a key that names the prompt
 * its outputs came from (the template text, the soft prompt's version, the
 * model). A cell is current when its key equals the column's key now;
 * the tick compares keys and asks the worker only for what is stale, so
 * switching prompts, editing the template or a training run improving its
 * prompt refreshes exactly the columns that changed, row by row. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "promptlab/metrics.h"
#include "tui_impl.h"

enum { COL_HARD, COL_SOFT, COL_NONE, N_COLS, MAX_JOBS = 8 };

static const char *const col_names[N_COLS] = {"Hard", "Soft", "None"};

struct row {
    const char *source, *ref, *literal; /* into t->samples, or owned for typed rows */
    char *own;                  /* typed sentence (owned) */
    char *marked;               /* source with the unseen marks */
    char *unseen;               /* "word -> p|i|e|c|e" notes, or NULL */
    char *out[N_COLS];
    char *shown[N_COLS];        /* out[] with its guessed words marked, or NULL */
    float score[N_COLS], lit[N_COLS];
    float conf[N_COLS];         /* the output's confidence, NAN when unknown */
    unsigned char state[N_COLS];
    uint64_t key[N_COLS];       /* key of the prompt out[] came from; 0 none */
};

struct job {
    struct tui_job *j;
    int n_var, col[N_COLS];
    uint64_t key[N_COLS];
    int *rows;                  /* [n_rows] view rows of the job's rows */
    int n_rows;
    double started;
};

struct tui_side {
    struct row *rows;
    int n, n_samples;
    struct ui_list list;
    struct job jobs[MAX_JOBS];
    int n_jobs;
    bool typing;
    struct ui_editor input;
    uint64_t built_samples, built_model;
    int tb_y, tb_h, in_y;
    char softname[96];
    int *order;                 /* [n_order] rows as shown (filter, sort) */
    int n_order, cap_order;
    enum ui_sort sort;          /* by the soft prompt's chrF, else the hard one's */
};

static void side_order(struct tui *t);

static uint64_t hash_str(const char *s, uint64_t h)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The keys of the three columns now. */
static void current_keys(const struct tui *t, uint64_t key[N_COLS])
{
    const struct tui_soft *s = tui_soft_current(t);
    uint64_t m = t->model_version * 0x9E3779B97F4A7C15ull;
    key[COL_HARD] = hash_str(tui_template(t), 14695981039346656037ull) ^ m;
    key[COL_SOFT] = s ? ((uint64_t)(t->soft_sel + 1) << 40) ^ t->soft_version ^ m : 0;
    key[COL_NONE] = m | 1;
}

static void row_clear(struct row *r)
{
    for (int c = 0; c < N_COLS; c++)
        free(r->out[c]), free(r->shown[c]);
    free(r->own), free(r->marked), free(r->unseen);
    memset(r, 0, sizeof *r);
}

static void drop_job(struct tui_side *s, int i)
{
    tui_job_release(s->jobs[i].j);
    free(s->jobs[i].rows);
    s->jobs[i] = s->jobs[--s->n_jobs];
}

static void mark_row(struct tui *t, struct row *r)
{
    size_t cap = strlen(r->source) * 2 + 64;
    char detail[600];
    r->marked = malloc(cap);
    if (r->marked && tui_mark_unseen(t, r->source, r->marked, cap, detail, sizeof detail) > 0)
        r->unseen = strdup(detail);
    for (int c = 0; c < N_COLS; c++)
        r->score[c] = r->lit[c] = r->conf[c] = NAN;
}

/* Rebuild the rows from the sample set, keeping typed sentences. */
static void rebuild(struct tui *t)
{
    struct tui_side *s = t->side;
    while (s->n_jobs)
        drop_job(s, s->n_jobs - 1);
    int typed = s->n - s->n_samples;
    struct row *nr = calloc((size_t)(t->samples.n + typed) + 1, sizeof *nr);
    if (!nr)
        return;
    for (int i = 0; i < t->samples.n; i++) {
        const struct jsonl_record *rec = &t->samples.rec[i];
        nr[i].source = rec->source;
        nr[i].ref = rec->target;
        nr[i].literal = rec->literal;
        mark_row(t, &nr[i]);
    }
    for (int k = 0; k < typed; k++) {
        struct row *old = &s->rows[s->n_samples + k], *r = &nr[t->samples.n + k];
        r->own = old->own;
        old->own = NULL;
        r->source = r->own;
        mark_row(t, r);
    }
    for (int i = 0; i < s->n; i++)
        row_clear(&s->rows[i]);
    free(s->rows);
    s->rows = nr;
    s->n_samples = t->samples.n;
    s->n = t->samples.n + typed;
    s->built_samples = t->samples_version;
    s->built_model = t->model_version;
}

int tui_side_init(struct tui *t)
{
    struct tui_side *s = calloc(1, sizeof *s);
    if (!s)
        return PL_ENOMEM;
    ui_editor_init(&s->input, UI_EDITOR_SINGLE_LINE);
    t->side = s;
    return 0;
}

void tui_side_free(struct tui *t)
{
    struct tui_side *s = t->side;
    if (!s)
        return;
    while (s->n_jobs)
        drop_job(s, s->n_jobs - 1);
    for (int i = 0; i < s->n; i++)
        row_clear(&s->rows[i]);
    free(s->rows);
    free(s->order);
    ui_editor_free(&s->input);
    free(s);
    t->side = NULL;
}

void tui_side_reset(struct tui *t)
{
    struct tui_side *s = t->side;
    if (!s)
        return;
    while (s->n_jobs)
        drop_job(s, s->n_jobs - 1);
    s->built_samples = s->built_model = 0; /* rebuilt at the next tick */
}

bool tui_side_editing(const struct tui *t)
{
    return t->side->typing;
}

/* Submit a job for rows [from, to) in the given columns. */
static void submit(struct tui *t, const int *rows, int n_rows, const bool want[N_COLS],
                   const uint64_t key[N_COLS], int priority)
{
    struct tui_side *s = t->side;
    if (s->n_jobs >= MAX_JOBS || n_rows == 0)
        return;
    struct job jb;
    memset(&jb, 0, sizeof jb);
    struct tui_translate_spec sp;
    memset(&sp, 0, sizeof sp);
    const struct tui_soft *soft = tui_soft_current(t);
    const char *tmpl = tui_template(t);
    for (int c = 0; c < N_COLS; c++) {
        if (!want[c] || (c == COL_SOFT && !soft))
            continue;
        int v = sp.n_var++;
        sp.hard[v] = c == COL_HARD && tmpl[0] ? tmpl : NULL;
        sp.soft[v] = c == COL_SOFT ? &soft->p : NULL;
        jb.col[v] = c;
        jb.key[v] = key[c];
    }
    if (sp.n_var == 0)
        return;
    jb.n_var = sp.n_var;
    const char **texts = malloc(sizeof *texts * (size_t)n_rows);
    jb.rows = malloc(sizeof *jb.rows * (size_t)n_rows);
    if (!texts || !jb.rows) {
        free(texts), free(jb.rows);
        return;
    }
    for (int i = 0; i < n_rows; i++) {
        texts[i] = s->rows[rows[i]].source;
        jb.rows[i] = rows[i];
    }
    jb.n_rows = n_rows;
    sp.texts = texts;
    sp.n_rows = n_rows;
    sp.priority = priority;
    jb.j = tui_job_translate(t->worker, &sp);
    free(texts);
    if (!jb.j) {
        free(jb.rows);
        return;
    }
    jb.started = pl_now();
    s->jobs[s->n_jobs++] = jb;
}

static bool job_current(const struct job *jb, const uint64_t key[N_COLS])
{
    for (int v = 0; v < jb->n_var; v++)
        if (jb->key[v] != key[jb->col[v]])
            return false;
    return true;
}

/* text with `mark` after each word whose flag in low ('1' per word) is set;
 * NULL when there is nothing to mark or low does not fit the text. */
static char *mark_guesses(const char *text, const char *low, const char *mark)
{
    if (!text || !low || !strchr(low, '1'))
        return NULL;
    size_t n = strlen(text), m = strlen(mark);
    char *o = malloc(n + strlen(low) * m + 1);
    if (!o)
        return NULL;
    size_t k = 0, w = 0;
    for (const char *p = text; *p;) {
        if (*p == ' ') {
            o[k++] = *p++;
            continue;
        }
        if (!low[w]) { /* more words than flags */
            free(o);
            return NULL;
        }
        while (*p && *p != ' ')
            o[k++] = *p++;
        if (low[w++] == '1') {
            memcpy(o + k, mark, m);
            k += m;
        }
    }
    o[k] = 0;
    return o;
}

static bool sync_jobs(struct tui *t)
{
    struct tui_side *s = t->side;
    bool changed = false;
    for (int i = 0; i < s->n_jobs; i++) {
        struct job *jb = &s->jobs[i];
        if (!tui_job_sync(jb->j))
            continue;
        changed = true;
        const struct tui_job_view *v = tui_job_view(jb->j);
        for (int r = 0; r < jb->n_rows; r++) {
            struct row *row = &s->rows[jb->rows[r]];
            for (int k = 0; k < jb->n_var; k++) {
                int cell = r * jb->n_var + k, c = jb->col[k];
                if (v->state[cell] == TUI_CELL_PENDING || row->key[c] == jb->key[k])
                    continue;
                free(row->out[c]);
                free(row->shown[c]);
                row->out[c] = strdup(v->out[cell] ? v->out[cell] : "");
                row->state[c] = v->state[cell];
                bool done = v->state[cell] == TUI_CELL_DONE;
                row->conf[c] = done ? v->conf[cell] : NAN;
                row->shown[c] = done ? mark_guesses(row->out[c], v->low[cell], t->g->guess) : NULL;
                row->key[c] = jb->key[k];
                bool ok = v->state[cell] == TUI_CELL_DONE && row->out[c];
                row->score[c] = ok && row->ref ? (float)metric_chrf_sentence(row->out[c], row->ref)
                                               : NAN;
                row->lit[c] = ok && row->literal
                                  ? (float)metric_chrf_sentence(row->out[c], row->literal)
                                  : NAN;
            }
        }
        if (v->finished) {
            drop_job(s, i);
            i--;
        }
    }
    return changed;
}

bool tui_side_tick(struct tui *t)
{
    struct tui_side *s = t->side;
    bool changed = false;
    if (s->built_samples != t->samples_version || s->built_model != t->model_version) {
        rebuild(t);
        changed = true;
    }
    changed |= sync_jobs(t);
    if (t->view != TUI_VIEW_SIDE)
        return changed; /* decode only what is being looked at */
    uint64_t key[N_COLS];
    current_keys(t, key);
    /* stale jobs: cancel, except a soft-prompt refresh younger than 3 s
     * (a training run improves its prompt often: let rows finish) */
    for (int i = 0; i < s->n_jobs; i++) {
        struct job *jb = &s->jobs[i];
        if (job_current(jb, key))
            continue;
        bool only_soft = true;
        for (int v = 0; v < jb->n_var; v++)
            if (jb->col[v] != COL_SOFT && jb->key[v] != key[jb->col[v]])
                only_soft = false;
        if (only_soft && pl_now() - jb->started < 3.0 && key[COL_SOFT] != 0)
            continue;
        drop_job(s, i);
        i--;
        changed = true;
    }
    /* columns with stale rows and no job bringing them up to date */
    bool want[N_COLS] = {false, false, false}, any = false;
    for (int c = 0; c < N_COLS; c++) {
        bool covered = false;
        for (int i = 0; i < s->n_jobs; i++)
            for (int v = 0; v < s->jobs[i].n_var; v++)
                if (s->jobs[i].col[v] == c)
                    covered = true; /* current, or a young soft refresh */
        if (covered || (c == COL_SOFT && key[c] == 0))
            continue;
        for (int r = 0; r < s->n && !want[c]; r++)
            if (s->rows[r].key[c] != key[c])
                want[c] = any = true;
    }
    if (any) {
        int *rows = malloc(sizeof *rows * (size_t)(s->n + 1)), n = 0;
        for (int r = 0; rows && r < s->n; r++)
            for (int c = 0; c < N_COLS; c++)
                if (want[c] && s->rows[r].key[c] != key[c]) {
                    rows[n++] = r;
                    break;
                }
        submit(t, rows, n, want, key, 0);
        free(rows);
        changed = true;
    }
    return changed;
}

/* ---- keys ----------------------------------------------------------------- */

static void add_typed(struct tui *t)
{
    struct tui_side *s = t->side;
    size_t len;
    const char *text = ui_editor_text(&s->input, &len);
    if (len == 0) {
        tui_msg(t, TUI_R_DIM, "type a sentence first");
        return;
    }
    struct row *nr = realloc(s->rows, sizeof *nr * (size_t)(s->n + 1));
    if (!nr)
        return;
    s->rows = nr;
    struct row *r = &s->rows[s->n];
    memset(r, 0, sizeof *r);
    if (!(r->own = strdup(text)))
        return;
    r->source = r->own;
    mark_row(t, r);
    int idx = s->n++;
    side_order(t);
    for (int i = 0; i < s->n_order; i++)
        if (s->order[i] == idx)
            s->list.selected = i;
    uint64_t key[N_COLS];
    current_keys(t, key);
    bool want[N_COLS] = {true, true, true};
    submit(t, &idx, 1, want, key, 1);
    ui_editor_set_text(&s->input, "", 0);
    tui_msg(t, TUI_R_INFO, "decoding your sentence three ways%s",
            r->unseen ? "; some words are unseen by the model (marked)" : "");
}

static void next_preset(struct tui *t)
{
    if (t->n_presets == 0) {
        tui_msg(t, TUI_R_DIM, "no presets");
        return;
    }
    const char *cur = tui_template(t);
    int at = -1;
    for (int i = 0; i < t->n_presets; i++)
        if (strcmp(t->presets[i].text, cur) == 0)
            at = i;
    int nx = (at + 1) % t->n_presets;
    /* the demo flips between its literal and idiomatic prompts */
    if (t->demo && t->literal_preset >= 0 && t->idiom_preset >= 0)
        nx = at == t->literal_preset ? t->idiom_preset : t->literal_preset;
    bool own = cur[0] && at < 0;
    tui_preset_apply(t, nx); /* keeps the user's own template for u */
    if (!own)
        tui_msg(t, TUI_R_INFO, "hard prompt: %s: %s", t->presets[nx].name, t->presets[nx].text);
}

static void next_soft(struct tui *t)
{
    for (int k = 1; k <= t->n_softs; k++) {
        int i = (t->soft_sel + k) % t->n_softs;
        if (i >= 0 && t->softs[i].p.w && t->softs[i].p.d == t->d_model) {
            tui_soft_select(t, i);
            tui_msg(t, TUI_R_INFO, "soft prompt: %s (%d rows)", t->softs[i].name,
                    t->softs[i].p.n_tokens);
            return;
        }
    }
    tui_msg(t, TUI_R_DIM, "no soft prompt for this model yet: train one in view 2, or m to load one");
}

static bool row_matches(const struct row *r, const char *q)
{
    bool hit = tui_text_matches(r->source, q) || tui_text_matches(r->ref, q);
    for (int c = 0; c < N_COLS && !hit; c++)
        hit = r->out[c] && tui_text_matches(r->out[c], q);
    return hit;
}

static bool keep_row(void *ctx, int row)
{
    struct tui *t = ctx;
    return !t->filter || !t->search[0] || row_matches(&t->side->rows[row], t->search);
}

static int sort_col(const struct tui *t)
{
    return tui_soft_current(t) ? COL_SOFT : COL_HARD;
}

static double row_score(void *ctx, int row)
{
    struct tui *t = ctx;
    const struct row *r = &t->side->rows[row];
    int c = sort_col(t);
    return r->key[c] && r->state[c] == TUI_CELL_DONE ? r->score[c] : NAN;
}

/* The rows as shown, refreshed before every use: scores arrive while the
 * table is on screen. */
static void side_order(struct tui *t)
{
    struct tui_side *s = t->side;
    if (s->cap_order < s->n) {
        int *o = realloc(s->order, sizeof *o * (size_t)s->n);
        if (!o) {
            s->n_order = 0;
            return;
        }
        s->order = o, s->cap_order = s->n;
    }
    s->n_order = ui_rows_order(s->order, s->n, keep_row, row_score, s->sort, t);
}

/* The row shown at position i, or -1. */
static int shown_row(const struct tui_side *s, int i)
{
    return i >= 0 && i < s->n_order ? s->order[i] : -1;
}

int tui_side_find(struct tui *t, const char *q, int dir)
{
    struct tui_side *s = t->side;
    side_order(t);
    for (int i = 1; i <= s->n_order; i++) {
        int pos = ((s->list.selected + dir * i) % s->n_order + s->n_order) % s->n_order;
        int row = s->order[pos];
        if (row_matches(&s->rows[row], q)) {
            s->list.selected = pos;
            s->typing = false;
            return row;
        }
    }
    return -1;
}

void tui_side_sort(struct tui *t)
{
    struct tui_side *s = t->side;
    s->sort = (s->sort + 1) % 3;
    s->list = (struct ui_list){0, 0};
    const char *who = sort_col(t) == COL_SOFT ? "the soft prompt's" : "the hard prompt's";
    if (s->sort == UI_SORT_NONE)
        tui_msg(t, TUI_R_INFO, "rows in their own order");
    else
        tui_msg(t, TUI_R_INFO, "rows by %s chrF, %s", who,
                s->sort == UI_SORT_DESC ? "best first" : "worst first");
}

int tui_side_key(struct tui *t, const struct tui_key *k)
{
    struct tui_side *s = t->side;
    if (k->fn && k->code == KEY_MOUSE) {
        if (!(k->mbutton & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
            return 0;
        if (k->my == s->in_y) {
            s->typing = true;
        } else if (k->my > s->tb_y && k->my < s->tb_y + s->tb_h) {
            int pos = s->list.top + k->my - s->tb_y - 1;
            if (pos < s->n_order)
                s->list.selected = pos;
            s->typing = false;
        }
        return TUI_REDRAW;
    }
    if (s->typing) {
        if (tui_key_is(k, 27) || tui_key_is(k, '\t')) {
            s->typing = false;
        } else if (k->ui == UI_KEY_ENTER) {
            add_typed(t);
        } else if (k->paste) {
            ui_editor_insert(&s->input, k->paste, k->paste_len);
        } else if (k->ui == UI_KEY_UP || k->ui == UI_KEY_DOWN) {
            s->typing = false;
            ui_list_key(&s->list, k->ui, s->n_order, s->tb_h > 1 ? s->tb_h - 1 : 1);
        } else if (k->ui != UI_KEY_NONE) {
            ui_editor_key(&s->input, k->ui, k->ch);
        }
        return TUI_REDRAW;
    }
    if (k->paste) {
        s->typing = true;
        ui_editor_insert(&s->input, k->paste, k->paste_len);
        return TUI_REDRAW;
    }
    if (!k->fn && !k->alt) {
        switch (k->code) {
        case 'i':
        case '\t': s->typing = true; return TUI_REDRAW;
        case 'h': next_preset(t); return TUI_REDRAW;
        case 'u': tui_template_undo(t); return TUI_REDRAW;
        case 's': next_soft(t); return TUI_REDRAW;
        case 'o': tui_side_sort(t); return TUI_REDRAW;
        case 'r':
            for (int r = 0; r < s->n; r++)
                for (int c = 0; c < N_COLS; c++)
                    s->rows[r].key[c] = 0;
            while (s->n_jobs)
                drop_job(s, s->n_jobs - 1);
            tui_msg(t, TUI_R_INFO, "decoding again");
            return TUI_REDRAW;
        case 'E': tui_side_export(t); return TUI_REDRAW;
        default: break;
        }
    }
    int rc = ui_list_key(&s->list, k->ui, s->n_order, s->tb_h > 1 ? s->tb_h - 1 : 1);
    return rc == UI_IGNORED ? TUI_UNHANDLED : TUI_REDRAW;
}

const char *tui_side_footer(const struct tui *t)
{
    if (t->side->typing)
        return "Enter translate\tEsc done\tUp/Down rows\tF1-F4 views";
    return "Up/Down sample\ti type\t/ search\tn/N next\tr redo\th preset\ts soft\tE export\tf filter\to sort";
}

/* ---- table, export, drawing -------------------------------------------------- */

struct ctx {
    struct tui *t;
};

/* Whether column c of row r still shows the previous prompt's output (its
 * key is not the column's current one) until this prompt's is decoded. */
static bool stale(const struct row *r, int c, uint64_t key)
{
    return r->key[c] && r->key[c] != key;
}

static const char *out_text(const struct tui *t, const struct row *r, int c, uint64_t key)
{
    if (c == COL_SOFT && key == 0)
        return "(no soft prompt)";
    if (!r->key[c])
        return t->g->pending;
    return r->shown[c] ? r->shown[c] : r->out[c] ? r->out[c] : "";
}

static const char *screen_cell(void *vctx, int pos, int col, char *buf, size_t cap)
{
    struct ctx *x = vctx;
    int row = x->t->side->order[pos];
    const struct row *r = &x->t->side->rows[row];
    uint64_t key[N_COLS];
    current_keys(x->t, key);
    if (col == 0) {
        if (row >= x->t->side->n_samples)
            snprintf(buf, cap, "*");
        else
            snprintf(buf, cap, "%d", row + 1);
        return buf;
    }
    if (col == 1)
        return r->marked ? r->marked : r->source;
    int c = col - 2;
    const char *o = out_text(x->t, r, c, key[c]);
    if (stale(r, c, key[c])) {
        /* said first, where a narrow column cannot cut it off, and unscored */
        snprintf(buf, cap, "(old) %s", o);
    } else if (r->key[c] && r->state[c] == TUI_CELL_DONE && isfinite(r->score[c])) {
        enum tui_role role;
        snprintf(buf, cap, "%s%3.0f %s", tui_score_glyph(x->t, r->score[c], &role), r->score[c], o);
    } else if (r->key[c] && r->state[c] == TUI_CELL_FAILED) {
        snprintf(buf, cap, "%s %s", x->t->g->cross, o);
    } else {
        snprintf(buf, cap, "%s", o);
    }
    return buf;
}

static const char *export_cell(void *vctx, int row, int col, char *buf, size_t cap)
{
    struct ctx *x = vctx;
    const struct row *r = &x->t->side->rows[row];
    switch (col) {
    case 0: snprintf(buf, cap, "%d", row + 1); return buf;
    case 1: return r->source;
    case 2: return r->ref ? r->ref : "";
    case 3: return r->literal ? r->literal : "";
    default: break;
    }
    int c = (col - 4) / 2;
    if ((col - 4) % 2 == 0)
        return r->key[c] && r->out[c] ? r->out[c] : "";
    if (!r->key[c] || !isfinite(r->score[c]))
        return "";
    snprintf(buf, cap, "%.1f", r->score[c]);
    return buf;
}

void tui_side_export(struct tui *t)
{
    struct tui_side *s = t->side;
    if (s->n == 0) {
        tui_msg(t, TUI_R_DIM, "nothing to export");
        return;
    }
    const struct tui_soft *soft = tui_soft_current(t);
    char hard_title[300], soft_title[160];
    snprintf(hard_title, sizeof hard_title, "hard prompt: %.250s", tui_template(t));
    snprintf(soft_title, sizeof soft_title, "soft prompt: %.120s", soft ? soft->name : "none");
    struct ui_column cols[] = {
        {"#", 1, 0, 0, UI_ALIGN_RIGHT},      {"source", 1, 0, 1, UI_ALIGN_LEFT},
        {"reference", 1, 0, 1, UI_ALIGN_LEFT}, {"literal", 1, 0, 1, UI_ALIGN_LEFT},
        {hard_title, 1, 0, 1, UI_ALIGN_LEFT}, {"chrF (hard)", 1, 0, 0, UI_ALIGN_RIGHT},
        {soft_title, 1, 0, 1, UI_ALIGN_LEFT}, {"chrF (soft)", 1, 0, 0, UI_ALIGN_RIGHT},
        {"no prompt", 1, 0, 1, UI_ALIGN_LEFT}, {"chrF (none)", 1, 0, 0, UI_ALIGN_RIGHT},
    };
    struct ctx x = {t};
    struct ui_table tb = {.cols = cols, .n_cols = 10, .n_rows = s->n, .cell = export_cell, .ctx = &x};
    tui_export_table(t, "promptlab-side", &tb);
}

static void draw_detail(struct tui *t, int y, int x, int h, int w)
{
    struct tui_side *s = t->side;
    int sel = shown_row(s, s->list.selected);
    if (sel < 0 || h < 2)
        return;
    const struct row *r = &s->rows[sel];
    uint64_t key[N_COLS];
    current_keys(t, key);
    char head[240];
    /* the legend of the confidence marks (LAB_LOW_CONFIDENCE) */
    snprintf(head, sizeof head, "Sample %s%d   %s a guess: a token under %.0f%% likely   "
             "sure: mean token probability",
             sel >= s->n_samples ? "typed " : "", sel >= s->n_samples ? sel - s->n_samples + 1 : sel + 1,
             t->g->guess, 100.0 * LAB_LOW_CONFIDENCE);
    tui_heading(t, y, x, w, head, false);
    int ly = y + 1;
    char buf[1200];
    tui_text(t, ly, x, 10, "Source", TUI_R_BOLD);
    tui_text(t, ly++, x + 10, w - 10, r->marked ? r->marked : r->source, TUI_R_NORMAL);
    if (r->unseen && ly < y + h) {
        snprintf(buf, sizeof buf, "%s unseen by the model: %s", t->g->unseen, r->unseen);
        tui_text(t, ly++, x + 10, w - 10, buf, TUI_R_MARK);
    }
    if (ly < y + h) {
        tui_text(t, ly, x, 10, "Reference", TUI_R_BOLD);
        if (r->literal)
            snprintf(buf, sizeof buf, "%s   (literal: %s)", r->ref ? r->ref : "", r->literal);
        else
            snprintf(buf, sizeof buf, "%s", r->ref ? r->ref : "(none: a typed sentence)");
        tui_text(t, ly++, x + 10, w - 10, buf, TUI_R_INFO);
    }
    for (int c = 0; c < N_COLS && ly < y + h; c++, ly++) {
        char label[40];
        snprintf(label, sizeof label, "%s", col_names[c]);
        tui_text(t, ly, x, 5, label, TUI_R_BOLD);
        const char *o = out_text(t, r, c, key[c]);
        if (stale(r, c, key[c])) {
            tui_text(t, ly, x + 5, 5, "  -", TUI_R_NORMAL);
            snprintf(buf, sizeof buf, "(old: the previous prompt's output) %s", o);
            tui_text(t, ly, x + 11, w - 11, buf, TUI_R_DIM);
            continue;
        }
        char sc[32];
        tui_score_cell(t, r->score[c], r->key[c] ? r->state[c] : TUI_CELL_PENDING, sc, sizeof sc);
        if ((!r->ref && r->key[c] && r->state[c] == TUI_CELL_DONE) || (c == COL_SOFT && !key[c]))
            snprintf(sc, sizeof sc, "  -");
        tui_text(t, ly, x + 5, 5, sc, TUI_R_NORMAL);
        tui_score_paint(t, ly, x + 5, r->score[c], r->key[c] ? r->state[c] : TUI_CELL_PENDING);
        char sure[32] = "";
        if (r->key[c] && isfinite(r->conf[c]))
            snprintf(sure, sizeof sure, "   sure %.0f%%", 100.0 * r->conf[c]);
        if (r->literal && r->key[c] && isfinite(r->lit[c]) && isfinite(r->score[c]))
            snprintf(buf, sizeof buf, "%s%s   [%s: chrF %.0f vs the literal rendering %.0f]", o,
                     sure, r->lit[c] > r->score[c] ? "literal" : "idiomatic", r->score[c],
                     r->lit[c]);
        else
            snprintf(buf, sizeof buf, "%s%s", o, sure);
        tui_text(t, ly, x + 11, w - 11, buf, TUI_R_NORMAL);
    }
}

void tui_side_draw(struct tui *t, int y, int x, int h, int w)
{
    struct tui_side *s = t->side;
    const struct tui_soft *soft = tui_soft_current(t);
    char title[400];
    snprintf(title, sizeof title, "Hard: \"%.60s\"  Soft: %.50s  None: the sample alone",
             tui_template(t), soft ? soft->name : "(none yet: train one in view 2)");
    tui_heading(t, y, x, w, title, false);

    int dh = h >= 26 ? 8 : 6, ih = 1;
    int th = h - 1 - dh - ih;
    static const struct ui_column cols[] = {
        {"#", 1, 3, 0, UI_ALIGN_RIGHT},      {"Source", 10, 0, 3, UI_ALIGN_LEFT},
        {"Hard prompt", 10, 0, 3, UI_ALIGN_LEFT}, {"Soft prompt", 10, 0, 3, UI_ALIGN_LEFT},
        {"No prompt", 10, 0, 3, UI_ALIGN_LEFT},
    };
    struct ctx cx = {t};
    side_order(t);
    struct ui_table tb = {.cols = cols, .n_cols = 5, .n_rows = s->n_order, .cell = screen_cell, .ctx = &cx};
    s->tb_y = y + 1, s->tb_h = th;
    ui_list_scroll(&s->list, s->n_order, th - 1);
    ui_table_draw(stdscr, y + 1, x, th, w, &tb, &s->list, !s->typing, t->color ? &t->colors : NULL,
                  t->tflags);
    /* colour the score glyphs of the current prompts' outputs */
    uint64_t key[N_COLS];
    current_keys(t, key);
    for (int c = 0; c < N_COLS; c++) {
        int cw, ox = tui_table_col_x(&tb, w, 2 + c, &cw);
        for (int r = 0; r < th - 1 && cw > 0; r++) {
            int row = shown_row(s, s->list.top + r);
            if (row < 0)
                break;
            const struct row *rw = &s->rows[row];
            if (rw->key[c] && !stale(rw, c, key[c]) && rw->state[c] == TUI_CELL_DONE &&
                isfinite(rw->score[c]))
                tui_score_paint(t, y + 2 + r, x + ox, rw->score[c], TUI_CELL_DONE);
        }
    }
    draw_detail(t, y + 1 + th, x, dh, w);
    int iy = y + h - 1;
    s->in_y = iy;
    const char *label = "Try a sentence: ";
    int lw = (int)strlen(label);
    tui_text(t, iy, x, lw, label, s->typing ? TUI_R_FOCUS : TUI_R_BOLD);
    ui_editor_scroll(&s->input, 1, w - lw - 1);
    if (s->typing) {
        attrset(tui_attr(t, TUI_R_SELECTED));
        mvhline(iy, x + lw, ' ', w - lw);
    }
    size_t il;
    ui_editor_text(&s->input, &il);
    if (!s->typing && il == 0)
        tui_text(t, iy, x + lw, w - lw, "(i to type; Enter shows all three outputs)", TUI_R_DIM);
    else
        ui_editor_draw(stdscr, iy, x + lw, 1, w - lw - 1, &s->input, s->typing, t->tflags);
    attrset(A_NORMAL);
}
