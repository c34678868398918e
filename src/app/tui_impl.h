/* tui_impl.h - what the TUI's files share: the application state, the two
 * kinds of worker thread (decoding jobs, training runs) and the per-view
 * entry points.
 *
 * Threads: only the UI thread calls curses and touches struct tui. The
 * decode worker (tui_worker.c) and each training run (tui_run.c) own their
 * own lab (lab_fork) and publish results under a mutex; the UI copies what
 * they published once per tick (tui_job_sync, tui_run_sync) and draws from
 * its copy. Key handlers change state and return TUI_* flags; draw
 * functions read state and draw; the main loop (tui.c) updates the screen
 * once per frame. */
#ifndef PROMPTLAB_TUI_IMPL_H
#define PROMPTLAB_TUI_IMPL_H

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <limits.h>
#include <ncurses.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "promptlab/jsonl.h"
#include "promptlab/lab.h"
#include "promptlab/optim.h"
#include "promptlab/soft.h"
#include "promptlab/trainer.h"
#include "promptlab/tune.h"
#include "promptlab/widgets.h"

enum {
    TUI_MIN_ROWS = 24,
    TUI_MIN_COLS = 80,
    TUI_MAX_VARIANTS = 3, /* prompts compared in one decoding job */
    TUI_MAX_RUNS = 16,
    TUI_MAX_SOFTS = 64,
    TUI_MAX_PRESETS = 64,
    TUI_TICK_MS = 40,     /* the main loop wakes at least this often */
    TUI_MAX_NEW_TOKENS = 48,
};

/* ------------------------------------------------------------------------ */
/* Decode worker (tui_worker.c)                                             */
/* ------------------------------------------------------------------------ */

struct tui_worker;
struct tui_job;

/* A translation job: n_rows texts, each under n_var prompts (a hard
 * template and/or a soft prompt; both NULL = no prompt). Cells are decoded
 * row by row (all variants of row 0, then row 1 ...), so a table fills in
 * from the top. refs (may be NULL, or hold NULLs) give the reference for a
 * per-cell chrF. Everything is copied at submission. */
struct tui_translate_spec {
    int n_var;
    const char *hard[TUI_MAX_VARIANTS];
    const struct soft_prompt *soft[TUI_MAX_VARIANTS];
    const char *const *texts;
    const char *const *refs;
    int n_rows;
    int max_new_tokens;
    int priority;             /* 0 normal; 1 overtakes normal jobs (a typed sentence) */
};

enum tui_cell_state { TUI_CELL_PENDING, TUI_CELL_DONE, TUI_CELL_FAILED };

/* The UI's copy of a job's results, refreshed by tui_job_sync. Strings
 * stay valid until tui_job_release. */
struct tui_job_view {
    int n_var, n_rows;
    const char **out;      /* [n_rows * n_var]: output text, or the error message when FAILED */
    float *score;          /* [n_rows * n_var]: chrF against the reference, NAN when none */
    float *conf;           /* [n_rows * n_var]: geometric mean token probability, NAN when none */
    const char **low;      /* [n_rows * n_var]: per word of out, '1' a guess (a token under
                            * LAB_LOW_CONFIDENCE), '0' not; NULL when unknown */
    unsigned char *state;  /* [n_rows * n_var]: enum tui_cell_state */
    int n_done;            /* cells DONE or FAILED */
    bool finished;         /* every cell done, or the job failed as a whole */
    const struct soft_neighbor *nb; /* nearest job: [n * k] once finished */
    char err[256];         /* a whole-job failure */
};

/* Start the worker thread with its own fork of L (which must outlive the
 * worker). 0 or a PL_E* code. */
int tui_worker_start(struct tui_worker **out, const struct lab *L, struct pl_err *e);
/* Cancel every job, join the thread, free. NULL is fine. */
void tui_worker_free(struct tui_worker *w);
/* Increases whenever any job published something; cheap (atomic). */
uint64_t tui_worker_seq(const struct tui_worker *w);
/* Submit jobs; NULL when out of memory. The caller holds one reference and
 * drops it with tui_job_release (which also cancels unfinished work). */
struct tui_job *tui_job_translate(struct tui_worker *w, const struct tui_translate_spec *s);
/* k nearest ordinary vocabulary tokens of each of n rows [n, d] (copied). */
struct tui_job *tui_job_nearest(struct tui_worker *w, const float *rows, int n, int d, int k);
void tui_job_release(struct tui_job *j);
/* Copy newly published results into the job's view; true when it changed. */
bool tui_job_sync(struct tui_job *j);
const struct tui_job_view *tui_job_view(const struct tui_job *j);

/* ------------------------------------------------------------------------ */
/* Training runs (tui_run.c)                                                */
/* ------------------------------------------------------------------------ */

struct tui_run_cfg {
    enum tr_method method;    /* TR_PROMPT or TR_MODEL */
    char data[PATH_MAX];      /* JSONL training set; validation: the trainer's held-out rule */
    int length;               /* prompt rows */
    enum soft_init_kind init; /* random, vocab, text, labels */
    char init_arg[256];       /* text for SOFT_INIT_TEXT; label words for SOFT_INIT_LABELS */
    enum optim_kind opt;
    float lr;
    int steps, batch;
    uint64_t seed;
};

enum tui_run_state {
    TUI_RUN_SETUP,   /* reading data, tokenising, initialising */
    TUI_RUN_RUNNING,
    TUI_RUN_PAUSED,
    TUI_RUN_DONE,    /* all steps, or early stop */
    TUI_RUN_STOPPED, /* stopped by the user */
    TUI_RUN_FAILED,  /* setup or a step failed (msg says why) */
};

/* What a run published, as the UI last copied it (tui_run_sync). */
struct tui_run_view {
    uint64_t seq;
    enum tui_run_state state;
    int step, total;
    double elapsed;           /* training seconds, pauses excluded */
    int best_step;            /* -1: none yet */
    float best_valid, best_metric;
    char metric[16];          /* "chrf" */
    char msg[320];            /* the latest event ("saved step 40 to ...", an error) */
    char dir[PATH_MAX];       /* the run's checkpoint directory */
    int saved_step;           /* step of the prompt last written there, -1 none */
    int n_train, n_valid;
    long long n_trained, n_model; /* parameters trained / in the model */
    long long saved_bytes;    /* size of the run directory's files after the final save */
    struct tune_point *pts;   /* [n_pts] one per step (step 0: the initial validation) */
    int n_pts, cap_pts;
    int n_rows, d;            /* 0 for model tuning (no rows) */
    float *cur, *best, *w0;   /* [n_rows * d] current, best, initial rows (NULL before setup
                                 and for model tuning) */
    uint64_t rows_seq;        /* changes whenever cur or best changed */
    uint64_t best_seq;        /* changes whenever best changed */
    int *start_ids;           /* [n_rows] each row's nearest token at step 0 (for a text
                                 init: the text's own tokens) */
    int *first_change;        /* [n_rows] first step whose nearest token differed from
                                 start_ids; -1 not yet */
    float *melt_cos;          /* [n_melt * n_rows] cosine of each row to its initial value */
    int *melt_step;           /* [n_melt] */
    int n_melt, cap_melt;
};

struct tui_run;

/* Start training on a new thread: it forks L (which must outlive the run)
 * and drives a trainer (trainer.h) with cfg, which saves the best prompt
 * (or model) into runs_root/<stamp>-run<id>/ at every improvement and at
 * the end. Setup errors arrive as state TUI_RUN_FAILED with a message. */
int tui_run_start(struct tui_run **out, const struct lab *L, const struct tui_run_cfg *cfg,
                  const char *runs_root, int id, struct pl_err *e);
void tui_run_pause(struct tui_run *r, bool pause);
void tui_run_stop(struct tui_run *r);
/* Ask the training thread to write the best prompt with the curve so far
 * (done after the current step; the message reports it). */
void tui_run_request_save(struct tui_run *r);
/* Copy what the run published since the last call; true when it changed. */
bool tui_run_sync(struct tui_run *r);
const struct tui_run_view *tui_run_view(const struct tui_run *r);
const struct tui_run_cfg *tui_run_config(const struct tui_run *r);
int tui_run_id(const struct tui_run *r);
/* True while the thread has not finished (setup, running, paused). */
bool tui_run_active(const struct tui_run *r);
/* True while the UI has it paused. */
bool tui_run_paused(const struct tui_run *r);
/* Write the run's best prompt (UI copy) and curve to dir. */
int tui_run_save_to(const struct tui_run *r, const char *dir, struct pl_err *e);
/* When stopped, do not write the final save (checkpoints made at
 * improvements stay). */
void tui_run_skip_final_save(struct tui_run *r);
/* Wait for the thread to end (after tui_run_stop) and copy its last state. */
void tui_run_join(struct tui_run *r);
/* Stop (if needed), join and free. NULL is fine. */
void tui_run_free(struct tui_run *r);
/* "random", "vocab", "text:...", "labels:..." - a short label of the init. */
void tui_run_describe(const struct tui_run_cfg *c, char *buf, size_t cap);
/* A run in a legend: "r2" or, with settings (exports for slides), its init,
 * length, optimiser and learning rate: "r2 text:translate... N8 adafactor lr 0.3". */
void tui_run_label(const struct tui_run *r, bool settings, char *buf, size_t cap);
/* A run in a caption: every setting, "r2: prompt tuning, data x.jsonl,
 * init vocab, 8 rows, adafactor lr 0.3, 60 steps, batch 4, seed 1". */
void tui_run_settings(const struct tui_run *r, char *buf, size_t cap);

/* ------------------------------------------------------------------------ */
/* Assets, files, paths (tui_data.c)                                        */
/* ------------------------------------------------------------------------ */

struct tui_preset {
    char name[96];
    char *text;   /* the template; owned */
    char origin[160];
    char note[240];  /* what to expect ("" when none) */
    char task[24];   /* "translate", "meaning", ... ("" when unknown) */
    char lang[8];    /* target language code ("" when unknown) */
};

/* A soft prompt the views can use: a training run of this session, a
 * shipped prompt, or a file the user picked. */
struct tui_soft {
    char name[96];
    char path[PATH_MAX];      /* directory or .npy; "" for a run not saved yet */
    int run_id;               /* > 0: follows that run's best prompt */
    struct soft_prompt p;     /* the rows (for runs: a copy of the best, refreshed) */
    bool has_initial;         /* p.w0 holds real initial values (drift is meaningful) */
    long long file_bytes;     /* on disk, -1 unknown */
    uint64_t version;         /* bumps when p changes */
};

/* Hard prompt presets from DIR (files *.txt: one template each, named by
 * the file; *.jsonl / *.json lines {"name", "template"|"prompt"|"text"}).
 * Appends up to cap - *n entries; returns how many were added. */
int tui_presets_load(const char *dir, struct tui_preset *out, int *n, int cap);
void tui_presets_free(struct tui_preset *p, int n);

/* The "lang" field of the first record of a JSONL file (e.g. "vi"), or ""
 * when the file has none. */
void tui_samples_lang(const char *path, char *buf, size_t cap);
/* The built-in fallback sample set (a few sentences and idioms, English to
 * Vietnamese) used when assets/samples/ has none. */
int tui_samples_builtin(struct jsonl_set *out, struct pl_err *e);

/* Sorted list of paths: files in dir ending with ext (e.g. ".jsonl"), or
 * with dirs=true the subdirectories holding `marker` (a file name). Caller
 * frees with tui_paths_free. */
int tui_list_paths(const char *dir, const char *ext, bool dirs, const char *marker, char ***out,
                   int *n);
void tui_paths_free(char **p, int n);

/* $XDG_DATA_HOME/promptlab/<sub> (default ~/.local/share/promptlab/<sub>),
 * created when missing. 0 or PL_EIO/PL_ERANGE. */
int tui_data_home(const char *sub, char *buf, size_t cap, struct pl_err *e);
/* Where exports go: tui_data_home("exports"), created when missing. Fills
 * buf with dir/prefix-YYYYmmdd-HHMMSS.ext, the stamp of time `at` (0: now). */
int tui_export_path_at(const char *prefix, const char *ext, time_t at, char *buf, size_t cap,
                       struct pl_err *e);
int tui_export_path(const char *prefix, const char *ext, char *buf, size_t cap,
                    struct pl_err *e);
/* Copy src into dst[cap], truncated at a UTF-8 boundary, NUL-terminated. */
void tui_copy(char *dst, size_t cap, const char *src);
/* The last path component (for labels). */
const char *tui_basename(const char *path);
/* path for a status line: $HOME as "~", and when it is still wider than
 * cols columns, its end after an ellipsis (the file name is what matters). */
void tui_short_path(const char *path, int cols, char *buf, size_t cap);
/* Total bytes of regular files in a directory (or of a file); -1 on error. */
long long tui_path_bytes(const char *path);
/* Load a soft prompt from a PEFT directory or .npy file for a model of width d. */
int tui_soft_load(const char *path, int d, struct tui_soft *s, struct pl_err *e);

/* ------------------------------------------------------------------------ */
/* The application state (UI thread only)                                   */
/* ------------------------------------------------------------------------ */

enum tui_view { TUI_VIEW_HARD, TUI_VIEW_TRAIN, TUI_VIEW_SIDE, TUI_VIEW_INSPECT, TUI_N_VIEWS };

enum tui_theme { TUI_THEME_DARK, TUI_THEME_LIGHT, TUI_THEME_CONTRAST, TUI_N_THEMES };

/* Returned by key handlers (bitwise or). */
enum { TUI_REDRAW = 1, TUI_QUIT = 2, TUI_UNHANDLED = 4 };

/* Attribute roles; tui_attr maps them to colour pairs or, without colour,
 * to bold/reverse/underline. */
enum tui_role {
    TUI_R_NORMAL, TUI_R_DIM, TUI_R_BOLD, TUI_R_TITLE, TUI_R_TAB, TUI_R_TAB_ACTIVE, TUI_R_STATUS,
    TUI_R_FOOTER, TUI_R_KEY, TUI_R_GOOD, TUI_R_MID, TUI_R_BAD, TUI_R_MARK, TUI_R_ERROR,
    TUI_R_SELECTED, TUI_R_FOCUS, TUI_R_INFO,
};

/* One decoded key press. */
struct tui_key {
    bool fn;            /* a curses KEY_* code in code */
    int code;           /* KEY_* when fn, else a code point (controls included) */
    bool alt;           /* came after ESC */
    enum ui_key ui;     /* the editor/list meaning, UI_KEY_NONE when none */
    uint32_t ch;        /* code point for UI_KEY_CHAR */
    char *paste;        /* bracketed paste text (owned by the loop), else NULL */
    size_t paste_len;
    int my, mx;         /* mouse position for KEY_MOUSE */
    mmask_t mbutton;
};

/* Glyphs for UTF-8 terminals and their ASCII replacements. */
struct tui_glyphs {
    const char *hline, *vline, *ellipsis, *bullet, *arrow, *unseen, *pending, *cross;
    const char *guess;    /* after a word the model was unsure of (view 3) */
    const char *score[4]; /* >= 80, >= 50, >= 20, below */
    const char *eighths[9]; /* bar fragments, 0/8 .. 8/8 */
};

struct tui_hard;    /* per-view state, defined in the view's file */
struct tui_train;
struct tui_side;
struct tui_insp;
struct tui_exp;

enum tui_overlay { TUI_OV_NONE, TUI_OV_HELP, TUI_OV_PICKER, TUI_OV_INPUT, TUI_OV_QUIT,
                   TUI_OV_PAGER, TUI_OV_EXPERIMENT };

/* What an input overlay's text is for. */
enum tui_input_for {
    TUI_IN_MODEL_PATH, TUI_IN_SAMPLES_PATH, TUI_IN_SOFT_PATH, TUI_IN_TRAIN_DATA_PATH,
    TUI_IN_SAVE_AS, TUI_IN_SEARCH,
};

enum tui_pick_kind {
    TUI_PICK_HEADING, /* a section title (not selectable); as a filter: everything */
    TUI_PICK_MODEL,
    TUI_PICK_SAMPLES,
    TUI_PICK_SOFT,
    TUI_PICK_TYPE,    /* "type a path...": opens the input for for_kind */
    TUI_PICK_EXPERIMENT, /* a `promptlab experiment` output directory */
};

struct tui_picker_item {
    enum tui_pick_kind kind;
    enum tui_pick_kind for_kind; /* for TUI_PICK_TYPE: which kind of path */
    char label[160];
    char path[PATH_MAX];
};

struct tui {
    /* terminal */
    int rows, cols;
    unsigned tflags;              /* UI_TEXT_ASCII when the locale is not UTF-8 */
    bool color;
    struct ui_colors colors;
    int theme;                    /* enum tui_theme */
    bool colors256;               /* the palette uses 256 colours */
    const struct tui_glyphs *g;
    bool mouse;

    /* model */
    struct lab *L;
    char model_dir[PATH_MAX];
    char model_name[128];
    const char *family;
    const char *family_hint;
    int d_model;
    size_t n_params;
    float vocab_norm;             /* mean L2 norm of ordinary embedding rows */
    uint64_t model_version;

    /* samples */
    char samples_path[PATH_MAX];  /* "" for the built-in set */
    char samples_name[128];
    struct jsonl_set samples;
    uint64_t samples_version;
    char train_default[PATH_MAX]; /* the data set the training form starts with */

    /* prompts */
    char *tmpl;                   /* the current hard-prompt template (tui_template) */
    uint64_t template_version;
    char *tmpl_undo;              /* the user's template a preset replaced (u), or NULL */
    struct tui_preset presets[TUI_MAX_PRESETS];
    int n_presets;
    int literal_preset, idiom_preset; /* demo: indices or -1 */
    struct tui_soft softs[TUI_MAX_SOFTS];
    int n_softs, soft_sel;        /* soft_sel -1: none */
    uint64_t soft_version;        /* changes when the selected prompt or its rows change */

    /* workers */
    struct tui_worker *worker;
    struct tui_run *runs[TUI_MAX_RUNS];
    int n_runs;
    int next_run_id;
    char runs_root[PATH_MAX];

    /* views */
    enum tui_view view;
    struct tui_hard *hard;
    struct tui_train *train;
    struct tui_side *side;
    struct tui_insp *insp;
    struct tui_exp *exp;          /* the experiment page (TUI_OV_EXPERIMENT), or NULL */
    bool demo;
    int tab_x[TUI_N_VIEWS + 1];   /* tab columns of the last frame, for the mouse */
    bool skip_final_save;         /* the user quit with "n" during training */
    double edit_left;             /* pl_now() when a field editor last closed, 0 never */

    /* overlays */
    enum tui_overlay ov;
    struct ui_list help_list;
    int help_hit;                 /* help line of the last search match, -1 none */
    struct tui_picker_item *pick;
    int n_pick;
    struct ui_list pick_list;
    enum tui_pick_kind pick_only; /* TUI_PICK_HEADING: everything; TUI_PICK_SAMPLES: training data */
    struct ui_editor input;
    enum tui_input_for input_for;
    char input_label[96];
    enum tui_overlay input_back;  /* the overlay the input returns to when it closes */
    char *pager;                  /* the full-text pane's text (owned), NULL when closed */
    char pager_title[160];
    int pager_top, pager_hit;     /* first wrapped line shown; line of the last match, -1 */

    char last_export[PATH_MAX];   /* named on the status line */
    time_t export_at;             /* one key's exports share this stamp (0: now) */
    char search[128];             /* the last / search ("" none), for n and N */
    bool filter;                  /* f: tables keep only the rows matching search */

    /* the message line */
    char msg[512];
    enum tui_role msg_role;
    double msg_time;

    /* latency measurement (PROMPTLAB_TUI_DEBUG / PROMPTLAB_TUI_STATS) */
    bool debug;
    double *lat;                  /* key-to-screen times, seconds */
    int n_lat, cap_lat;
    double frame_max;             /* longest frame (key handling + sync + draw) */
    double last_lat;
};

/* ---- shared helpers (tui.c) ---- */

/* Draw s fitted into w columns at (y, x) with role r (sanitised). Returns columns drawn. */
int tui_text(struct tui *t, int y, int x, int w, const char *s, enum tui_role r);
/* Like tui_text but right-aligned. */
int tui_text_right(struct tui *t, int y, int x, int w, const char *s, enum tui_role r);
/* A section heading "── title ─────" across w columns; focused draws it bold. */
void tui_heading(struct tui *t, int y, int x, int w, const char *title, bool focused);
/* The message line. */
/* Export a table as Markdown and CSV (PREFIX-STAMP.md and .csv under
 * tui_export_path) and say where in the status line. */
void tui_export_table(struct tui *t, const char *prefix, const struct ui_table *tb);
/* The same without the status line: the two paths into md[cap] and
 * csv[cap]; 0, or -1 with the error said on the status line. */
int tui_export_table_to(struct tui *t, const char *prefix, const struct ui_table *tb, char *md,
                        char *csv, size_t cap);
/* A chart as SVG at PREFIX-STAMP.svg under tui_export_path, path[cap]; 0, or
 * -1 with the error said on the status line. */
int tui_export_chart(struct tui *t, const char *prefix, const struct ui_series *s, int n,
                     const struct ui_chart_params *p, char *path, size_t cap);
/* The status line names what an export wrote: "WHAT: DIR/NAMES", for
 * files in one directory; the names of a group (NULL entries separate
 * groups) folded shell-style where they share a start and an end
 * ("promptlab-{loss,metric}-STAMP.svg"), groups joined by ", ", the path
 * shortened from the left when the line is too wide. */
void tui_export_said(struct tui *t, const char *what, const char *const *paths, int n);
void tui_msg(struct tui *t, enum tui_role r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Fill n cells with a bar of frac (0..1) made of eighths. */
void tui_bar(struct tui *t, int y, int x, int w, double frac, enum tui_role r);
/* Score glyph and role for a chrF value (NAN: pending). */
const char *tui_score_glyph(const struct tui *t, double chrf, enum tui_role *role);
/* Chart params for this terminal (ASCII, glyph mode without colour). */
void tui_chart_params(const struct tui *t, struct ui_chart_params *p, int n_series);
/* Open the picker: only TUI_PICK_HEADING lists everything, TUI_PICK_SAMPLES
 * lists data sets for the training form. */
void tui_open_picker(struct tui *t, enum tui_pick_kind only);
void tui_open_input(struct tui *t, enum tui_input_for what, const char *label, const char *init);
/* Move to the next (dir 1) or previous (dir -1) row or line, wrapping,
 * that contains t->search (case-insensitive), in what is in front: the
 * help, the picker or the full-text pane, else the current view's table.
 * Says on the status line what it found (tui_pager.c). */
void tui_search_next(struct tui *t, int dir);
/* Whether text contains needle, ASCII case ignored; "" matches nothing. */
bool tui_text_matches(const char *text, const char *needle);
/* The per-view searches behind tui_search_next: the next matching row
 * from the selection in direction dir, selected; -1 when none (or the
 * view has no table). */
int tui_hard_find(struct tui *t, const char *q, int dir);
int tui_side_find(struct tui *t, const char *q, int dir);
int tui_insp_find(struct tui *t, const char *q, int dir);
int tui_help_find(struct tui *t, const char *q, int dir);
int tui_picker_find(struct tui *t, const char *q, int dir);
/* The training form's data set path ("" for the built-in samples). */
const char *tui_train_data(const struct tui *t);
/* o: the side-by-side rows in their own order, by chrF best first, worst first (cycles). */
void tui_side_sort(struct tui *t);
/* The currently selected soft prompt, or NULL. */
const struct tui_soft *tui_soft_current(const struct tui *t);
/* Add a soft prompt (takes ownership of s->p); returns its index or -1. */
int tui_soft_add(struct tui *t, struct tui_soft *s);
void tui_soft_select(struct tui *t, int idx);
/* The run with id, or NULL. */
struct tui_run *tui_run_by_id(const struct tui *t, int id);
/* x offset (from the table's left edge) and width of column col when the
 * table is laid out in w columns; width 0 when hidden. */
int tui_table_col_x(const struct ui_table *tb, int w, int col, int *width);
/* Format a score cell: "<glyph> 45" (pending: the pending glyph). */
void tui_score_cell(const struct tui *t, double chrf, int state, char *buf, size_t cap);
/* Redraw the glyph of a score cell in its colour at (y, x). */
void tui_score_paint(struct tui *t, int y, int x, double chrf, int state);
/* Key helpers. */
bool tui_key_is(const struct tui_key *k, int ch);
/* Words of text the model never saw (lab_word_unseen: its word list, or
 * its tokenizer's pieces when it has none). Writes a copy of text with
 * each such word followed by the unseen mark into out (cap bytes), newlines
 * as spaces; returns the number of words marked. detail (may be NULL)
 * receives the words, with "word → p|i|e|c|e" pieces when the model has no
 * word list. */
int tui_mark_unseen(struct tui *t, const char *text, char *out, size_t cap, char *detail,
                    size_t dcap);

/* ---- the experiment page (tui_experiment.c) ---- */

/* Read the experiment in dir (results.json) and show it; on failure the
 * status line says why and it returns -1. */
int tui_exp_open(struct tui *t, const char *dir);
void tui_exp_close(struct tui *t);
void tui_exp_draw(struct tui *t);
int tui_exp_key(struct tui *t, const struct tui_key *k);

/* ---- colour themes (tui_theme.c) ---- */

/* After initscr: read the saved theme ($XDG_CONFIG_HOME/promptlab/tui.conf;
 * a bad file gives a status-line message), decide on colour (none under
 * NO_COLOR or without terminal colours) and set up the colour pairs. */
void tui_theme_init(struct tui *t);
/* T: the next theme, applied at once and saved (message on the status line). */
void tui_theme_next(struct tui *t);
const char *tui_theme_name(int theme);
/* The attributes of a role in the current theme. */
attr_t tui_attr(const struct tui *t, enum tui_role r);
/* The attributes of chart series style (a run's colour), bold. */
attr_t tui_series_attr(const struct tui *t, int style);

/* ---- drawing (tui_draw.c) ---- */

/* Glyphs for a UTF-8 terminal or their ASCII replacements. */
const struct tui_glyphs *tui_glyphs_for(bool utf8);
/* One whole frame: tabs, status, the view, message, footer, overlay. */
void tui_draw(struct tui *t);
/* True while the current view sends text keys to an editor. */
bool tui_view_editing(const struct tui *t);
/* Footers: keys is "key desc\tkey desc..." with the most important first;
 * the byte length of the longest prefix of whole items that fits in width
 * columns (two columns between items). */
size_t tui_footer_fit(const char *keys, int width);
/* Median of v[0..n) (reorders v); NAN when n is 0. */
double tui_median(double *v, int n);

/* ---- shared state (tui_state.c): views read it, never each other ---- */

void tui_model_adopt(struct tui *t, struct lab *L);
void tui_switch_model(struct tui *t, const char *dir);
int tui_samples_load(struct tui *t, const char *path, struct pl_err *e);
void tui_switch_samples(struct tui *t, const char *path);
void tui_add_soft_path(struct tui *t, const char *path);
/* Follow each prompt-tuning run's best rows in its soft-prompt entry;
 * true when something changed. */
bool tui_softs_follow_runs(struct tui *t);
bool tui_any_run_active(const struct tui *t);
/* The current hard-prompt template (never NULL) and its setter, which
 * bumps template_version; the hard prompt view edits it, the side-by-side
 * view and the inspector read it. */
const char *tui_template(const struct tui *t);
void tui_template_set(struct tui *t, const char *s);
/* Preset i becomes the template. A template of the user's own (the text
 * of no preset) that it replaces is kept for tui_template_undo, so a
 * preset never loses an edit; the status line says so ("u brings back
 * your template"). */
void tui_preset_apply(struct tui *t, int i);
/* u: swap the template and the one kept by tui_preset_apply (u again
 * swaps back); says what happened. */
void tui_template_undo(struct tui *t);

/* ---- overlays (tui_overlay.c) ---- */

/* A framed box with a title (cleared inside). */
void tui_box(struct tui *t, int y, int x, int h, int w, const char *title);

void tui_overlay_draw(struct tui *t);
/* The open overlay's answer to a key (TUI_* flags). */
int tui_overlay_key(struct tui *t, const struct tui_key *k);

/* ---- the full-text pane (tui_pager.c) ---- */

/* Show text (owned by the pane from now on; '\n' breaks lines, lines
 * without a leading space are headings) in a scrollable overlay. */
void tui_pager_open(struct tui *t, const char *title, char *text);
void tui_pager_close(struct tui *t);
void tui_pager_draw(struct tui *t);
int tui_pager_key(struct tui *t, const struct tui_key *k);
int tui_pager_find(struct tui *t, const char *q, int dir);

/* ---- keys (tui_keys.c) ---- */

/* Look up the terminal's codes for Ctrl+arrows (after initscr). */
void tui_keys_init(void);
/* Wait up to timeout_ms for one key (-1: forever); false when none came. */
bool tui_read_key(struct tui_key *k, int timeout_ms);
/* What one key does: to the overlay, the global keys, or the view. */
int tui_handle_key(struct tui *t, struct tui_key *k);

/* ---- views: state, keys, drawing ---- */

int tui_hard_init(struct tui *t);
void tui_hard_free(struct tui *t);
int tui_hard_key(struct tui *t, const struct tui_key *k);
void tui_hard_draw(struct tui *t, int y, int x, int h, int w);
bool tui_hard_tick(struct tui *t);        /* sync results; true when it should redraw */
const char *tui_hard_footer(const struct tui *t);
bool tui_hard_editing(const struct tui *t); /* text keys go to the editor */
void tui_hard_reset(struct tui *t);       /* samples or model changed */
void tui_hard_run(struct tui *t);

int tui_train_init(struct tui *t);
void tui_train_free(struct tui *t);
int tui_train_key(struct tui *t, const struct tui_key *k);
void tui_train_draw(struct tui *t, int y, int x, int h, int w);
bool tui_train_tick(struct tui *t);
const char *tui_train_footer(const struct tui *t);
bool tui_train_editing(const struct tui *t);
void tui_train_set_data(struct tui *t, const char *path);
/* Save the selected run's best prompt into dir (the "save as" input). */
void tui_train_save_as(struct tui *t, const char *dir);
/* Export the loss chart of the visible runs as SVG. */
void tui_train_export(struct tui *t);
/* Short status of the training, for the status line ("" when no run). */
void tui_train_status(const struct tui *t, char *buf, size_t cap);

int tui_side_init(struct tui *t);
void tui_side_free(struct tui *t);
int tui_side_key(struct tui *t, const struct tui_key *k);
void tui_side_draw(struct tui *t, int y, int x, int h, int w);
bool tui_side_tick(struct tui *t);
const char *tui_side_footer(const struct tui *t);
bool tui_side_editing(const struct tui *t);
void tui_side_reset(struct tui *t);
void tui_side_export(struct tui *t);

int tui_insp_init(struct tui *t);
void tui_insp_free(struct tui *t);
int tui_insp_key(struct tui *t, const struct tui_key *k);
void tui_insp_draw(struct tui *t, int y, int x, int h, int w);
bool tui_insp_tick(struct tui *t);
const char *tui_insp_footer(const struct tui *t);
void tui_insp_reset(struct tui *t);
/* E: the nearest tokens of every row as Markdown and CSV, and the melt
 * chart as SVG when the prompt is a run of this session. */
void tui_insp_export(struct tui *t);

/* tui_term.c: false, with the reason in why, when the terminal TERM names
 * cannot show the TUI (unknown, generic, hardcopy, no cursor addressing).
 * Call before initscr. */
bool tui_term_usable(char *why, size_t cap);

#endif
