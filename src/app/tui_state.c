/* tui_state.c - the state every view shares: the model (and what the
 * status line says about it), the sample set, the current hard-prompt
 * template, the soft prompts (shipped, loaded, and each training run's
 * best), and the unseen-word marks.
 *
 * The one idea: views read this state and never each other. A change here
 * bumps a version number (model_version, samples_version, template_version,
 * soft_version), and each view notices the version it last drew from has
 * moved. */
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
bool tui_softs_follow_runs(struct tui *t)
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

void tui_model_adopt(struct tui *t, struct lab *L)
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

int tui_samples_load(struct tui *t, const char *path, struct pl_err *e)
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

void tui_switch_samples(struct tui *t, const char *path)
{
    struct pl_err e = {0};
    if (tui_samples_load(t, path, &e)) {
        tui_msg(t, TUI_R_ERROR, "%s", e.msg);
        return;
    }
    views_reset(t);
    tui_msg(t, TUI_R_INFO, "sample set: %s (%d samples)", t->samples_name, t->samples.n);
}

bool tui_any_run_active(const struct tui *t)
{
    for (int i = 0; i < t->n_runs; i++)
        if (tui_run_active(t->runs[i]))
            return true;
    return false;
}

void tui_switch_model(struct tui *t, const char *dir)
{
    if (tui_any_run_active(t)) {
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
    tui_model_adopt(t, L);
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

void tui_add_soft_path(struct tui *t, const char *path)
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


/* ---- the current template ------------------------------------------------------ */

const char *tui_template(const struct tui *t)
{
    return t->tmpl ? t->tmpl : "";
}

void tui_template_set(struct tui *t, const char *s)
{
    if (t->tmpl && strcmp(t->tmpl, s) == 0)
        return;
    char *c = strdup(s);
    if (!c)
        return; /* out of memory: the old template stays */
    free(t->tmpl);
    t->tmpl = c;
    t->template_version++;
}

static bool is_preset(const struct tui *t, const char *s)
{
    for (int i = 0; i < t->n_presets; i++)
        if (strcmp(t->presets[i].text, s) == 0)
            return true;
    return false;
}

void tui_preset_apply(struct tui *t, int i)
{
    if (i < 0 || i >= t->n_presets)
        return;
    const char *cur = tui_template(t);
    if (cur[0] && !is_preset(t, cur)) {
        /* the user's own template: keep it (the last one replaced) */
        char *keep = strdup(cur);
        if (!keep) {
            tui_msg(t, TUI_R_ERROR, "out of memory: the template stays");
            return;
        }
        free(t->tmpl_undo);
        t->tmpl_undo = keep;
    }
    tui_template_set(t, t->presets[i].text);
    if (t->tmpl_undo && strcmp(t->tmpl_undo, t->presets[i].text) != 0)
        tui_msg(t, TUI_R_INFO, "preset \"%s\" loaded; u brings back your template, r runs it",
                t->presets[i].name);
    else
        tui_msg(t, TUI_R_INFO, "preset \"%s\" loaded (%s): r runs it", t->presets[i].name,
                t->presets[i].origin);
}

void tui_template_undo(struct tui *t)
{
    if (!t->tmpl_undo) {
        tui_msg(t, TUI_R_DIM, "nothing to bring back: u undoes a preset that replaced your template");
        return;
    }
    char *back = t->tmpl_undo;
    t->tmpl_undo = t->tmpl ? strdup(t->tmpl) : NULL;
    tui_template_set(t, back);
    free(back);
    tui_msg(t, TUI_R_INFO, "template before the preset is back%s",
            t->tmpl_undo ? " (u again swaps them)" : "");
}
