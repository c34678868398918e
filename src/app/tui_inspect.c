/* tui_inspect.c - view 4, the inspector: what a soft prompt looks like to
 * the model. For every row: its nearest vocabulary tokens with cosine
 * bars, its norm against the vocabulary's typical norm, its drift from the
 * initial value, its cosine to where it started and the step its nearest
 * token first changed ("watch the words melt"); then a random vector as a
 * control and the hard prompt's own tokens for contrast; "snap to words"
 * scores the prompt made of each row's nearest token against the soft
 * prompt itself; the prompt's parameter count next to the model's.
 *
 * The one idea: nearest-token searches run on the decoding worker (a
 * search over the whole vocabulary is too slow for a key press on a large
 * model); the view asks for one when what it shows changed - at most twice
 * a second while a run trains - and draws the last answer meanwhile. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "promptlab/metrics.h"
#include "tui_impl.h"

enum { K = 3 };

struct tui_insp {
    struct ui_list list;
    bool melt;
    struct ui_chart_grid g;

    /* the request in flight (pend) and the last answer (the fields below) */
    struct tui_job *job;
    uint64_t job_key, key;
    uint64_t who, job_who;        /* prompt_id() of the answer shown and of the one in flight */
    struct answer {
        int n_soft, n_hard, n_rows;   /* rows: soft rows, 1 control, hard tokens */
        int n_hard_all;               /* the template's tokens before the cap of 64 */
        float *rows;                  /* [n_rows * d] the vectors searched */
        int *hard_ids;                /* [n_hard] */
        float *norm, *drift, *cos0;   /* [n_rows]; NAN when not meaningful */
        struct soft_neighbor *nb;     /* [n_rows * K] */
    } a, pend;
    double last_req;

    /* snap to words */
    struct tui_job *snap;
    uint64_t snap_key;            /* key of the rows it snapped */
    uint64_t snap_who;            /* prompt_id() of the prompt it snapped */
    char *snap_text;
    int snap_rows;
    double snap_chrf, soft_chrf;
    int snap_done;
    int tb_y, tb_h;
};

static uint64_t hash_str(const char *s, uint64_t h)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The run behind the current soft prompt, if it is one of this session's. */
static struct tui_run *current_run(const struct tui *t)
{
    const struct tui_soft *s = tui_soft_current(t);
    return s && s->run_id > 0 ? tui_run_by_id(t, s->run_id) : NULL;
}

/* Which prompt the view is about: the selected soft prompt of the loaded
 * model. A training run's rows change under one identity; picking another
 * prompt or model changes it, and the last answer then belongs to another
 * prompt: it is not drawn, snapped or exported as this one's. */
static uint64_t prompt_id(const struct tui *t)
{
    return (uint64_t)(t->soft_sel + 1) ^ (t->model_version << 32);
}

/* Whether the answer on hand is the current prompt's. */
static bool answer_current(const struct tui *t)
{
    return t->insp->a.n_rows > 0 && t->insp->who == prompt_id(t);
}

/* What the view shows now: the soft rows (live rows of a training run),
 * their initial values, and a key that changes with any of them. */
static const float *source_rows(const struct tui *t, const float **w0, int *n, bool *has_init,
                                uint64_t *key)
{
    const struct tui_soft *s = tui_soft_current(t);
    uint64_t k = hash_str(tui_template(t), 1469598103934665603ull) ^ (t->model_version << 48);
    *n = 0;
    *w0 = NULL;
    *has_init = false;
    if (!s) {
        *key = k;
        return NULL;
    }
    struct tui_run *r = current_run(t);
    if (r && tui_run_view(r)->cur) {
        const struct tui_run_view *v = tui_run_view(r);
        *n = v->n_rows;
        *w0 = v->w0;
        *has_init = true;
        *key = k ^ ((uint64_t)(t->soft_sel + 1) << 32) ^ v->rows_seq;
        return v->cur;
    }
    *n = s->p.n_tokens;
    *w0 = s->p.w0;
    *has_init = s->has_initial;
    *key = k ^ ((uint64_t)(t->soft_sel + 1) << 32) ^ (s->version << 8);
    return s->p.w;
}

static void clear_answer(struct answer *a)
{
    free(a->rows), free(a->hard_ids), free(a->norm), free(a->drift), free(a->cos0), free(a->nb);
    memset(a, 0, sizeof *a);
}

int tui_insp_init(struct tui *t)
{
    struct tui_insp *in = calloc(1, sizeof *in);
    if (!in)
        return PL_ENOMEM;
    ui_chart_grid_init(&in->g);
    in->snap_chrf = in->soft_chrf = NAN;
    t->insp = in;
    return 0;
}

void tui_insp_reset(struct tui *t)
{
    struct tui_insp *in = t->insp;
    if (!in)
        return;
    tui_job_release(in->job);
    tui_job_release(in->snap);
    in->job = in->snap = NULL;
    clear_answer(&in->a);
    clear_answer(&in->pend);
    free(in->snap_text);
    in->snap_text = NULL;
    in->key = in->job_key = in->snap_key = 0;
    in->snap_chrf = in->soft_chrf = NAN;
}

void tui_insp_free(struct tui *t)
{
    struct tui_insp *in = t->insp;
    if (!in)
        return;
    tui_insp_reset(t);
    ui_chart_grid_free(&in->g);
    free(in);
    t->insp = NULL;
}

static float cosine(const float *a, const float *b, int d)
{
    double ab = 0, aa = 0, bb = 0;
    for (int i = 0; i < d; i++) {
        ab += (double)a[i] * b[i];
        aa += (double)a[i] * a[i];
        bb += (double)b[i] * b[i];
    }
    return aa > 0 && bb > 0 ? (float)(ab / sqrt(aa * bb)) : NAN;
}

static float l2(const float *a, int d)
{
    double s = 0;
    for (int i = 0; i < d; i++)
        s += (double)a[i] * a[i];
    return (float)sqrt(s);
}

/* Gather the vectors (soft rows, a random control row with the
 * vocabulary's typical norm, the template's tokens) and ask the worker. */
static void request(struct tui *t, uint64_t key)
{
    struct tui_insp *in = t->insp;
    const float *w0;
    int n_soft;
    bool has_init;
    uint64_t k2;
    const float *soft = source_rows(t, &w0, &n_soft, &has_init, &k2);
    int d = t->d_model;
    const struct soft_vocab *v = lab_vocab(t->L);
    if (!v)
        return;
    const char *tmpl = tui_template(t);
    int *ids = NULL, n_ids = 0, n_all = 0;
    if (tmpl[0]) {
        /* the template's own tokens, without {source} and </s> */
        char *plain = lab_fill(tmpl, "");
        if (plain && pl_utf8_valid(plain, strlen(plain)))
            tok_encode(lab_tok(t->L), plain, strlen(plain), 0, &ids, &n_ids, NULL);
        free(plain);
        n_all = n_ids;
        if (n_ids > 64)
            n_ids = 64;
    }
    int n = n_soft + 1 + n_ids;
    float *rows = malloc(sizeof *rows * (size_t)n * (size_t)d);
    float *norm = malloc(sizeof *norm * (size_t)n), *drift = malloc(sizeof *drift * (size_t)n);
    float *cos0 = malloc(sizeof *cos0 * (size_t)n);
    if (!rows || !norm || !drift || !cos0) {
        free(rows), free(norm), free(drift), free(cos0), free(ids);
        return;
    }
    if (n_soft)
        memcpy(rows, soft, sizeof *rows * (size_t)n_soft * (size_t)d);
    /* the control: a random direction scaled to the typical norm */
    struct pl_rng rng;
    pl_rng_seed(&rng, 12345);
    float *ctl = rows + (size_t)n_soft * d;
    for (int j = 0; j < d; j++)
        ctl[j] = pl_rng_normal(&rng);
    float cn = l2(ctl, d), target = isfinite(t->vocab_norm) ? t->vocab_norm : 1.0f;
    for (int j = 0; j < d; j++)
        ctl[j] *= target / (cn > 0 ? cn : 1);
    for (int i = 0; i < n_ids; i++) {
        int id = ids[i] >= 0 && ids[i] < v->n_rows ? ids[i] : 0;
        memcpy(rows + (size_t)(n_soft + 1 + i) * d, v->emb + (size_t)id * d, sizeof *rows * (size_t)d);
    }
    for (int i = 0; i < n; i++) {
        const float *r = rows + (size_t)i * d;
        norm[i] = l2(r, d);
        drift[i] = cos0[i] = NAN;
        if (i < n_soft && has_init && w0) {
            const float *r0 = w0 + (size_t)i * d;
            double s = 0;
            for (int j = 0; j < d; j++)
                s += ((double)r[j] - r0[j]) * ((double)r[j] - r0[j]);
            drift[i] = (float)sqrt(s);
            cos0[i] = cosine(r, r0, d);
        }
    }
    tui_job_release(in->job);
    in->job = tui_job_nearest(t->worker, rows, n, d, K);
    in->job_key = key;
    in->job_who = prompt_id(t);
    in->last_req = pl_now();
    /* the answer replaces the shown one when it arrives */
    clear_answer(&in->pend);
    in->pend = (struct answer){.n_soft = n_soft, .n_hard = n_ids, .n_hard_all = n_all, .n_rows = n,
                               .rows = rows,
                               .hard_ids = ids, .norm = norm, .drift = drift, .cos0 = cos0};
}

bool tui_insp_tick(struct tui *t)
{
    struct tui_insp *in = t->insp;
    bool changed = false;
    if (in->job && tui_job_sync(in->job)) {
        const struct tui_job_view *v = tui_job_view(in->job);
        if (v->finished) {
            if (v->nb && (in->pend.nb = malloc(sizeof *in->pend.nb * (size_t)in->pend.n_rows * K))) {
                memcpy(in->pend.nb, v->nb, sizeof *in->pend.nb * (size_t)in->pend.n_rows * K);
                clear_answer(&in->a);
                in->a = in->pend;
                in->who = in->job_who;
                memset(&in->pend, 0, sizeof in->pend);
            } else if (!v->nb) {
                tui_msg(t, TUI_R_ERROR, "nearest tokens: %s", v->err);
            }
            in->key = in->job_key;
            tui_job_release(in->job);
            in->job = NULL;
            changed = true;
        }
    }
    if (in->snap && tui_job_sync(in->snap)) {
        const struct tui_job_view *v = tui_job_view(in->snap);
        int n = v->n_rows, done = 0;
        const char **hs = malloc(sizeof *hs * (size_t)n), **hn = malloc(sizeof *hn * (size_t)n);
        const char **ref = malloc(sizeof *ref * (size_t)n);
        for (int r = 0; hs && hn && ref && r < n; r++) {
            if (v->state[2 * r] != TUI_CELL_DONE || v->state[2 * r + 1] != TUI_CELL_DONE)
                continue;
            hs[done] = v->out[2 * r];
            hn[done] = v->out[2 * r + 1];
            ref[done] = r < t->samples.n ? t->samples.rec[r].target : "";
            done++;
        }
        in->soft_chrf = done ? metric_chrf_corpus(hs, ref, done) : NAN;
        in->snap_chrf = done ? metric_chrf_corpus(hn, ref, done) : NAN;
        in->snap_done = done;
        free(hs), free(hn), free(ref);
        if (v->finished) {
            if (in->snap_who == prompt_id(t))
                tui_msg(t, TUI_R_GOOD, "snap to words: chrF %.1f, the soft prompt itself %.1f (%d samples)",
                        in->snap_chrf, in->soft_chrf, done);
            tui_job_release(in->snap);
            in->snap = NULL;
        }
        changed = true;
    }
    if (t->view != TUI_VIEW_INSPECT)
        return changed;
    const float *w0;
    int n;
    bool hi;
    uint64_t key;
    source_rows(t, &w0, &n, &hi, &key);
    /* one search at a time, at most two a second */
    if (key != in->key && !in->job && pl_now() - in->last_req > 0.5) {
        request(t, key);
        changed = true;
    }
    return changed;
}

static void snap(struct tui *t)
{
    struct tui_insp *in = t->insp;
    const struct tui_soft *s = tui_soft_current(t);
    if (!s || in->a.n_soft == 0) {
        tui_msg(t, TUI_R_DIM, "no soft prompt to snap (s picks one; view 2 trains one)");
        return;
    }
    if (!in->a.nb || !answer_current(t)) {
        tui_msg(t, TUI_R_DIM, "nearest tokens are still being computed; try again in a moment");
        return;
    }
    if (t->samples.n == 0)
        return;
    int d = t->d_model, n = in->a.n_soft;
    const struct soft_vocab *v = lab_vocab(t->L);
    struct soft_prompt soft_now = {0}, snapped = {0};
    if (!v || soft_prompt_init(&snapped, n, d, NULL) || soft_prompt_init(&soft_now, n, d, NULL)) {
        soft_prompt_free(&snapped);
        return;
    }
    int *ids = malloc(sizeof *ids * (size_t)n);
    for (int i = 0; i < n; i++) {
        int id = in->a.nb[(size_t)i * K].id;
        if (ids)
            ids[i] = id >= 0 ? id : 0;
        /* a row replaced by its nearest token is exactly that token typed as text */
        memcpy(snapped.w + (size_t)i * d, v->emb + (size_t)(id >= 0 ? id : 0) * d, sizeof(float) * (size_t)d);
    }
    memcpy(soft_now.w, in->a.rows, sizeof(float) * (size_t)n * (size_t)d);
    free(in->snap_text);
    in->snap_text = NULL;
    if (ids) {
        char *text = NULL;
        if (tok_decode(lab_tok(t->L), ids, n, 0, &text, NULL) == 0)
            in->snap_text = text;
        free(ids);
    }
    const char **src = malloc(sizeof *src * (size_t)t->samples.n);
    const char **ref = malloc(sizeof *ref * (size_t)t->samples.n);
    if (src && ref) {
        for (int i = 0; i < t->samples.n; i++) {
            src[i] = t->samples.rec[i].source;
            ref[i] = t->samples.rec[i].target;
        }
        struct tui_translate_spec sp = {.n_var = 2, .soft = {&soft_now, &snapped}, .texts = src,
                                        .refs = ref, .n_rows = t->samples.n};
        tui_job_release(in->snap);
        in->snap = tui_job_translate(t->worker, &sp);
        in->snap_key = in->key;
        in->snap_who = in->who;
        in->snap_chrf = in->soft_chrf = NAN;
        in->snap_done = 0;
        in->snap_rows = t->samples.n;
        tui_msg(t, TUI_R_INFO, "snap to words: decoding %d samples with each row replaced by its nearest token...",
                t->samples.n);
    }
    free(src), free(ref);
    soft_prompt_free(&snapped);
    soft_prompt_free(&soft_now);
}

const char *tui_insp_footer(const struct tui *t)
{
    (void)t;
    return "Up/Down scroll\t/ search\tn/N next\ts soft prompt\tw snap to words\tc melt chart\tE export";
}

int tui_insp_key(struct tui *t, const struct tui_key *k)
{
    struct tui_insp *in = t->insp;
    if (k->fn && k->code == KEY_MOUSE) {
        if ((k->mbutton & (BUTTON1_PRESSED | BUTTON1_CLICKED)) && k->my > in->tb_y &&
            k->my < in->tb_y + in->tb_h) {
            int row = in->list.top + k->my - in->tb_y - 1;
            if (row < in->a.n_rows + 2)
                in->list.selected = row;
        }
        return TUI_REDRAW;
    }
    if (!k->fn && !k->alt) {
        switch (k->code) {
        case 's':
            for (int j = 1; j <= t->n_softs; j++) {
                int i = (t->soft_sel + j) % t->n_softs;
                if (i >= 0 && t->softs[i].p.w && t->softs[i].p.d == t->d_model) {
                    tui_soft_select(t, i);
                    tui_msg(t, TUI_R_INFO, "soft prompt: %s", t->softs[i].name);
                    return TUI_REDRAW;
                }
            }
            tui_msg(t, TUI_R_DIM, "no soft prompt for this model yet: train one in view 2, or m");
            return TUI_REDRAW;
        case 'w': snap(t); return TUI_REDRAW;
        case 'E': tui_insp_export(t); return TUI_REDRAW;
        case 'c':
            in->melt = !in->melt;
            tui_msg(t, TUI_R_INFO, in->melt ? "melt chart: each row's cosine to its start, per step"
                                            : "melt chart hidden");
            return TUI_REDRAW;
        default: break;
        }
    }
    int rc = ui_list_key(&in->list, k->ui, in->a.n_rows + 2, in->tb_h > 1 ? in->tb_h - 1 : 1);
    return rc == UI_IGNORED ? TUI_UNHANDLED : TUI_REDRAW;
}

/* Answer row of table line li (soft rows, a note, the control, a note,
 * hard tokens), or -1 for a note. */
static int line_row(const struct answer *an, int li)
{
    if (li < an->n_soft)
        return li;
    if (li == an->n_soft || li == an->n_soft + 2)
        return -1;
    return li == an->n_soft + 1 ? an->n_soft : li - 2;
}

static bool row_matches(const struct tui *t, int i, const char *q)
{
    const struct answer *an = &t->insp->a;
    const tok *tk = lab_tok(t->L);
    if (i > an->n_soft && tui_text_matches(tok_piece(tk, an->hard_ids[i - an->n_soft - 1]), q))
        return true;
    for (int j = 0; j < K && an->nb; j++) {
        const struct soft_neighbor *nb = &an->nb[(size_t)i * K + j];
        if (nb->id >= 0 && tui_text_matches(tok_piece(tk, nb->id), q))
            return true;
    }
    return false;
}

int tui_insp_find(struct tui *t, const char *q, int dir)
{
    struct tui_insp *in = t->insp;
    int n = in->a.n_rows + 2;
    for (int k = 1; k <= n && in->a.n_rows > 0; k++) {
        int li = ((in->list.selected + dir * k) % n + n) % n, i = line_row(&in->a, li);
        if (i >= 0 && row_matches(t, i, q)) {
            in->list.selected = li;
            return li;
        }
    }
    return -1;
}

/* Up to 8 rows of v from the selected one as series of cosine to their
 * start per step, into s[8] (names[8], *mem owned by the caller); returns
 * how many, 0 when there is nothing to chart. */
static int melt_series(const struct tui *t, const struct tui_run_view *v, struct ui_series *s,
                       char (*names)[48], double **mem, int *first)
{
    *mem = NULL;
    *first = t->insp->list.selected < v->n_rows ? t->insp->list.selected : 0;
    int ns = v->n_rows - *first < 8 ? v->n_rows - *first : 8;
    if (v->n_melt == 0 || ns <= 0 ||
        !(*mem = malloc(sizeof **mem * (size_t)v->n_melt * (size_t)(ns + 1))))
        return 0;
    double *xs = *mem;
    for (int m = 0; m < v->n_melt; m++)
        xs[m] = v->melt_step[m];
    const tok *tk = lab_tok(t->L);
    for (int k = 0; k < ns; k++) {
        double *ys = *mem + (size_t)v->n_melt * (size_t)(k + 1);
        int row = *first + k;
        for (int m = 0; m < v->n_melt; m++)
            ys[m] = v->melt_cos[(size_t)m * v->n_rows + row];
        const char *pc = v->start_ids[row] >= 0 ? tok_piece(tk, v->start_ids[row]) : NULL;
        snprintf(names[k], 48, "%d %.20s", row, pc ? pc : "");
        s[k] = (struct ui_series){.name = names[k], .x = xs, .y = ys, .n = (size_t)v->n_melt,
                                  .style = k};
    }
    return ns;
}

/* ---- export ------------------------------------------------------------- */

static const struct ui_column nb_cols[] = {
    {"row", 1, 0, 0, UI_ALIGN_LEFT},         {"kind", 1, 0, 0, UI_ALIGN_LEFT},
    {"nearest 1", 1, 0, 0, UI_ALIGN_LEFT},   {"cos 1", 1, 0, 0, UI_ALIGN_RIGHT},
    {"nearest 2", 1, 0, 0, UI_ALIGN_LEFT},   {"cos 2", 1, 0, 0, UI_ALIGN_RIGHT},
    {"nearest 3", 1, 0, 0, UI_ALIGN_LEFT},   {"cos 3", 1, 0, 0, UI_ALIGN_RIGHT},
    {"norm", 1, 0, 0, UI_ALIGN_RIGHT},       {"x vocabulary norm", 1, 0, 0, UI_ALIGN_RIGHT},
    {"drift", 1, 0, 0, UI_ALIGN_RIGHT},      {"cos to start", 1, 0, 0, UI_ALIGN_RIGHT},
    {"first changed at step", 1, 0, 0, UI_ALIGN_RIGHT},
};
enum { NB_COLS = sizeof nb_cols / sizeof nb_cols[0] };

static const char *num_or_blank(char *buf, size_t cap, double v, const char *fmt)
{
    if (!isfinite(v))
        return "";
    snprintf(buf, cap, fmt, v);
    return buf;
}

/* One exported row: row i of the answer (soft rows, the control, hard tokens). */
static const char *nb_cell(void *ctx, int i, int col, char *buf, size_t cap)
{
    const struct tui *t = ctx;
    const struct answer *an = &t->insp->a;
    const tok *tk = lab_tok(t->L);
    if (col == 0) {
        const char *pc = i > an->n_soft ? tok_piece(tk, an->hard_ids[i - an->n_soft - 1]) : NULL;
        snprintf(buf, cap, "%d", i);
        return i < an->n_soft ? buf : i == an->n_soft ? "rand" : pc ? pc : "?";
    }
    if (col == 1)
        return i < an->n_soft ? "soft prompt row" : i == an->n_soft ? "random control"
                                                                    : "hard prompt token";
    if (col < 8) {
        const struct soft_neighbor *nb = &an->nb[(size_t)i * K + (size_t)(col - 2) / 2];
        if (nb->id < 0)
            return "";
        if (col % 2 == 0)
            return tok_piece(tk, nb->id);
        return num_or_blank(buf, cap, nb->score, "%.3f");
    }
    double ratio = t->vocab_norm > 0 ? an->norm[i] / t->vocab_norm : NAN;
    switch (col) {
    case 8: return num_or_blank(buf, cap, an->norm[i], "%.3f");
    case 9: return num_or_blank(buf, cap, ratio, "%.2f");
    case 10: return num_or_blank(buf, cap, an->drift[i], "%.3f");
    case 11: return num_or_blank(buf, cap, an->cos0[i], "%.3f");
    default: break;
    }
    struct tui_run *r = current_run(t);
    const struct tui_run_view *v = r ? tui_run_view(r) : NULL;
    if (i >= an->n_soft || !v || !v->first_change || i >= v->n_rows)
        return "";
    if (v->first_change[i] < 0)
        return "no";
    snprintf(buf, cap, "%d", v->first_change[i]);
    return buf;
}

/* What the prompt is, for captions: the run's settings or the prompt's name. */
static void prompt_settings(const struct tui *t, char *buf, size_t cap)
{
    struct tui_run *r = current_run(t);
    const struct tui_soft *s = tui_soft_current(t);
    if (r) {
        snprintf(buf, cap, "Run ");
        tui_run_settings(r, buf + 4, cap - 4);
    } else {
        snprintf(buf, cap, "Soft prompt %s", s ? s->name : "none");
    }
}

/* The melt chart of the rows shown, as SVG; 1 written, 0 nothing to chart, -1 failed. */
static int export_melt(struct tui *t, const char *settings, char *path, size_t cap)
{
    struct tui_run *r = current_run(t);
    const struct tui_run_view *v = r ? tui_run_view(r) : NULL;
    struct ui_series s[8];
    char names[8][48], title[160], label[96], caption[1024];
    double *mem = NULL;
    int first, ns = v ? melt_series(t, v, s, names, &mem, &first) : 0;
    if (ns == 0) {
        free(mem);
        return 0;
    }
    tui_run_label(r, true, label, sizeof label);
    snprintf(title, sizeof title, "Watch the words melt: rows %d-%d of %s", first,
             first + ns - 1, label);
    snprintf(caption, sizeof caption,
             "Cosine of each prompt row to its initial value (1 = unchanged); the legend names "
             "the row and the token it started at. %s. Made with promptlab on %s.", settings,
             t->model_name);
    struct ui_chart_params p;
    ui_chart_params_default(&p);
    p.title = title;
    p.x_label = "step";
    p.y_label = "cosine to the start";
    p.y_max = 1.0;
    p.caption = caption;
    int rc = tui_export_chart(t, "promptlab-melt", s, ns, &p, path, cap);
    free(mem);
    return rc ? -1 : 1;
}

void tui_insp_export(struct tui *t)
{
    const struct answer *an = &t->insp->a;
    if (!answer_current(t) || !an->nb) {
        tui_msg(t, TUI_R_DIM, "nothing to export yet: the nearest tokens are being computed");
        return;
    }
    char settings[600], caption[1200];
    prompt_settings(t, settings, sizeof settings);
    snprintf(caption, sizeof caption,
             "The nearest vocabulary tokens (cosine) of every row of the soft prompt, a random "
             "control vector with the vocabulary's typical norm, and the hard prompt's own "
             "tokens. %s. Made with promptlab on %s.", settings, t->model_name);
    struct ui_table tb = {.cols = nb_cols, .n_cols = NB_COLS, .n_rows = an->n_rows,
                          .cell = nb_cell, .ctx = t, .caption = caption};
    char md[PATH_MAX], csv[PATH_MAX], melt[PATH_MAX];
    t->export_at = time(NULL); /* one stamp for every file */
    int m = tui_export_table_to(t, "promptlab-neighbours", &tb, md, csv, sizeof md);
    if (m == 0)
        m = export_melt(t, settings, melt, sizeof melt);
    t->export_at = 0;
    if (m < 0)
        return;
    tui_export_said(t, m ? "exported" : "neighbours exported",
                    (const char *const[]){md, csv, NULL, melt}, m ? 4 : 2);
}

/* ---- drawing ------------------------------------------------------------ */

static void fmt_count(char *buf, size_t cap, double v)
{
    if (v >= 1e9)
        snprintf(buf, cap, "%.2fG", v / 1e9);
    else if (v >= 1e6)
        snprintf(buf, cap, "%.2fM", v / 1e6);
    else if (v >= 1e4)
        snprintf(buf, cap, "%.1fk", v / 1e3);
    else
        snprintf(buf, cap, "%.0f", v);
}

/* v right-aligned in a cell of `width` columns that always starts with a
 * space, so neighbouring numbers never run together: two decimals, fewer
 * when the value is large, "-" when it is not a number. */
static void num_cell(char *buf, int width, double v, const char *prefix)
{
    char num[32];
    if (!isfinite(v)) {
        snprintf(buf, (size_t)width + 1, "%*s", width, "-");
        return;
    }
    for (int dec = 2; dec >= 0; dec--) {
        snprintf(num, sizeof num, "%s%.*f", prefix, dec, v);
        if ((int)strlen(num) <= width - 1)
            break;
    }
    if ((int)strlen(num) > width - 1)
        snprintf(num, sizeof num, "%s%.0e", prefix, v);
    snprintf(buf, (size_t)width + 1, "%*.*s", width, width - 1, num);
}

/* One table line: label, neighbours with bars, norm, drift, cos to start, melt step. */
static void draw_line(struct tui *t, int y, int x, int w, int i, bool sel)
{
    const struct answer *in = &t->insp->a;
    const tok *tk = lab_tok(t->L);
    char label[40];
    enum tui_role lrole = TUI_R_BOLD;
    if (i < in->n_soft) {
        snprintf(label, sizeof label, "%3d", i);
    } else if (i == in->n_soft) {
        snprintf(label, sizeof label, "rand");
        lrole = TUI_R_MARK;
    } else {
        const char *pc = tok_piece(tk, in->hard_ids[i - in->n_soft - 1]);
        snprintf(label, sizeof label, "%s", pc ? pc : "?");
        lrole = TUI_R_INFO;
    }
    if (sel) {
        attrset(tui_attr(t, TUI_R_SELECTED));
        mvhline(y, x, ' ', w);
    }
    int lw = 9, tail = 33; /* norm, x typical, drift, cos0, melt@: 7+7+7+6+6 */
    tui_text(t, y, x, lw - 1, label, sel ? TUI_R_SELECTED : lrole);
    int nbw = w - lw - tail;
    int kshow = nbw >= 3 * 18 ? 3 : nbw >= 2 * 18 ? 2 : 1;
    int sw = nbw / kshow;
    for (int j = 0; j < kshow && in->nb; j++) {
        const struct soft_neighbor *nb = &in->nb[(size_t)i * K + j];
        int sx = x + lw + j * sw;
        if (nb->id < 0)
            continue;
        const char *pc = tok_piece(tk, nb->id);
        int bw = sw >= 22 ? 6 : 4, pw = sw - bw - 6;
        tui_text(t, y, sx, pw, pc ? pc : "?", j == 0 ? TUI_R_BOLD : TUI_R_NORMAL);
        tui_bar(t, y, sx + pw, bw, nb->score > 0 ? nb->score : 0,
                nb->score >= 0.5 ? TUI_R_GOOD : nb->score >= 0.25 ? TUI_R_MID : TUI_R_BAD);
        char cs[16];
        snprintf(cs, sizeof cs, "%5.2f", nb->score);
        tui_text(t, y, sx + pw + bw, 5, cs, TUI_R_NORMAL);
    }
    if (!in->nb)
        tui_text(t, y, x + lw, nbw, t->g->pending, TUI_R_DIM);
    int tx = x + w - tail;
    char buf[64];
    double ratio = isfinite(t->vocab_norm) && t->vocab_norm > 0 ? in->norm[i] / t->vocab_norm : NAN;
    num_cell(buf, 7, in->norm[i], "");
    tui_text(t, y, tx, 7, buf, TUI_R_NORMAL);
    num_cell(buf, 7, ratio, "x");
    tui_text(t, y, tx + 7, 7, buf, TUI_R_NORMAL);
    num_cell(buf, 7, in->drift[i], "");
    tui_text(t, y, tx + 14, 7, buf, TUI_R_NORMAL);
    num_cell(buf, 6, in->cos0[i], "");
    tui_text(t, y, tx + 21, 6, buf, TUI_R_NORMAL);
    struct tui_run *r = current_run(t);
    const struct tui_run_view *v = r ? tui_run_view(r) : NULL;
    if (i < in->n_soft && v && v->first_change && i < v->n_rows) {
        if (v->first_change[i] >= 0)
            snprintf(buf, sizeof buf, "%6d", v->first_change[i]);
        else
            snprintf(buf, sizeof buf, "    no");
    } else {
        snprintf(buf, sizeof buf, "     -");
    }
    tui_text(t, y, tx + 27, 6, buf, TUI_R_NORMAL);
}

static void draw_melt(struct tui *t, int y, int x, int h, int w)
{
    struct tui_insp *in = t->insp;
    struct tui_run *r = current_run(t);
    const struct tui_run_view *v = r ? tui_run_view(r) : NULL;
    struct ui_series s[8];
    char names[8][48];
    double *mem = NULL;
    int first, ns = v ? melt_series(t, v, s, names, &mem, &first) : 0;
    if (ns == 0) {
        tui_text(t, y, x, w, "The melt chart follows a prompt while it trains in this session:",
                 TUI_R_BOLD);
        tui_text(t, y + 1, x, w,
                 "pick a run with s (view 2 starts one, Init text is the classic: watch its words melt).",
                 TUI_R_DIM);
        free(mem);
        return;
    }
    struct ui_chart_params p;
    tui_chart_params(t, &p, ns);
    char title[120];
    snprintf(title, sizeof title, "Cosine of rows %d-%d to their start (1 = unchanged), per step",
             first, first + ns - 1);
    p.title = title;
    p.y_max = 1.0;
    struct pl_err e = {0};
    if (ui_chart_layout(&in->g, w, h, s, (size_t)ns, &p, &e) == 0)
        ui_chart_draw(stdscr, y, x, &in->g, t->color ? &t->colors : NULL);
    else
        tui_text(t, y, x, w, e.msg, TUI_R_DIM);
    free(mem);
}

/* The header: which prompt, its size against the model's, the snap line.
 * Returns the lines it used. */
static int draw_header(struct tui *t, int y, int x, int w)
{
    struct tui_insp *in = t->insp;
    const struct tui_soft *s = tui_soft_current(t);
    char line[600], a[32], b[32];
    if (!s) {
        tui_heading(t, y, x, w, "Soft prompt: none", false);
        tui_text(t, y + 1, x, w,
                 "No soft prompt for this model yet: train one in view 2, or press m to load a saved one.",
                 TUI_R_BOLD);
        tui_text(t, y + 2, x, w, "The hard prompt's tokens and a random control row are shown below.",
                 TUI_R_DIM);
        return 3;
    }
    snprintf(line, sizeof line, "Soft prompt: %s", s->name);
    tui_heading(t, y, x, w, line, false);
    double np = (double)s->p.n_tokens * s->p.d;
    fmt_count(a, sizeof a, np);
    fmt_count(b, sizeof b, (double)t->n_params);
    char fsz[48];
    if (s->file_bytes >= 0)
        snprintf(fsz, sizeof fsz, "%.1f KB on disk", (double)s->file_bytes / 1024.0);
    else
        snprintf(fsz, sizeof fsz, "not saved yet");
    snprintf(line, sizeof line,
             "%d rows x %d = %s parameters; the frozen model has %s (%.3f%%); %s; vocabulary norm ~%.2f",
             s->p.n_tokens, s->p.d, a, b, 100.0 * np / (double)(t->n_params ? t->n_params : 1),
             fsz, t->vocab_norm);
    tui_text(t, y + 1, x, w, line, TUI_R_NORMAL);
    bool mine = in->snap_who == prompt_id(t); /* the snap line is this prompt's */
    if ((in->snap || isfinite(in->snap_chrf)) && mine)
        snprintf(line, sizeof line, "Snap to words: \"%.80s\"  chrF %.1f  vs the soft prompt %.1f  (%d/%d samples)",
                 in->snap_text ? in->snap_text : "", in->snap_chrf, in->soft_chrf, in->snap_done,
                 in->snap_rows);
    else
        snprintf(line, sizeof line,
                 "w: snap to words - replace each row by its nearest token and score it as a hard prompt");
    tui_text(t, y + 2, x, w, line, isfinite(in->snap_chrf) && mine ? TUI_R_GOOD : TUI_R_DIM);
    return 3;
}

/* Table line li: soft rows, a note, the control, a note, hard tokens. */
static void draw_table_line(struct tui *t, int ly, int x, int w, int li, bool sel)
{
    const struct answer *an = &t->insp->a;
    if (li < an->n_soft) {
        draw_line(t, ly, x, w, li, sel);
    } else if (li == an->n_soft) {
        tui_text(t, ly, x, w,
                 "control: a random vector with the vocabulary's typical norm - no meaningful neighbours",
                 TUI_R_DIM);
    } else if (li == an->n_soft + 1) {
        draw_line(t, ly, x, w, an->n_soft, sel);
    } else if (li == an->n_soft + 2) {
        char note[160];
        snprintf(note, sizeof note, "the hard prompt's own tokens: each is its own nearest (cosine 1)%s",
                 an->n_hard < an->n_hard_all ? "; the first 64 shown" : "");
        tui_text(t, ly, x, w, an->n_hard ? note : "the hard prompt is empty", TUI_R_DIM);
    } else {
        draw_line(t, ly, x, w, li - 2, sel);
    }
}

void tui_insp_draw(struct tui *t, int y, int x, int h, int w)
{
    struct tui_insp *in = t->insp;
    int used = draw_header(t, y, x, w);
    y += used;
    h -= used;
    if (in->melt) {
        int mh = h / 2 > 6 ? h / 2 : 6;
        draw_melt(t, y, x, mh, w);
        y += mh;
        h -= mh;
    }
    int tail = 33, lw = 9;
    char head[300];
    snprintf(head, sizeof head, "%-*s%-*s%7s%7s%7s%6s%6s", lw, "row", w - lw - tail,
             "nearest tokens (cosine)", "norm", "x voc", "drift", "cos0", "melt@");
    tui_text(t, y, x, w, head, TUI_R_TITLE);
    in->tb_y = y, in->tb_h = h;
    const struct answer *an = &in->a;
    int lines = an->n_rows + 2; /* two separators: before the control and the hard tokens */
    ui_list_scroll(&in->list, lines, h - 1);
    if (!answer_current(t)) {
        tui_text(t, y + 1, x, w, in->job || an->n_rows ? "computing nearest tokens..." : "nothing to show",
                 TUI_R_DIM);
        return;
    }
    for (int r = 0; r < h - 1 && in->list.top + r < lines; r++)
        draw_table_line(t, y + 1 + r, x, w, in->list.top + r, in->list.top + r == in->list.selected);
}
