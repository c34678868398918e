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
#include "promptlab/study.h"
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
    printf("usage: promptlab tui [--model DIR] [--samples FILE] [--demo] [--experiment DIR]\n"
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
           "  --experiment DIR  open on the table and figures of an experiment (the output\n"
           "                  of promptlab experiment, or assets/experiments/NAME)\n"
           "\n"
           "Press ? inside for every key. Views: 1 hard prompt, 2 soft prompt training,\n"
           "3 side by side, 4 inspector. Training runs are saved under\n"
           "$XDG_DATA_HOME/promptlab/runs/ (default ~/.local/share/promptlab/runs/).\n"
           "T switches the colour theme (dark, light, high contrast), saved in\n"
           "$XDG_CONFIG_HOME/promptlab/tui.conf (default ~/.config/promptlab/tui.conf).\n"
           "NO_COLOR turns colours off. PROMPTLAB_TUI_DEBUG=1 shows key-to-screen times;\n"
           "PROMPTLAB_TUI_STATS=FILE writes them at exit.\n",
           app_data_dir());
}

static bool tick(struct tui *t)
{
    bool dirty = false;
    for (int i = 0; i < t->n_runs; i++)
        dirty |= tui_run_sync(t->runs[i]);
    dirty |= tui_softs_follow_runs(t);
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
        bool got = tui_read_key(&k, dirty ? 0 : TUI_TICK_MS);
        double frame0 = pl_now();
        if (got) {
            t_start = frame0;
            /* handle the keys already waiting (at most 64), then draw once */
            for (int i = 0; got; i++) {
                flags |= tui_handle_key(t, &k);
                free(k.paste);
                if ((flags & TUI_QUIT) || i == 63)
                    break;
                got = tui_read_key(&k, 0);
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
            tui_draw(t);
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
                      tui_median((double *)t->lat, t->n_lat) * 1e3, mx * 1e3);
    pl_str_printf(&s, "frame_max_ms %.3f\n", t->frame_max * 1e3);
    if (!s.oom)
        pl_write_file_atomic(path, s.p, s.n, NULL);
    free(s.p);
}

struct tui_args {
    const char *model, *samples, *experiment;
    bool demo;
};

/* 0 to go on, -1 after --help, else the exit status. */
static int parse_args(int argc, char **argv, struct tui_args *a)
{
    static const struct option opts[] = {{"model", required_argument, 0, 'm'},
                                         {"samples", required_argument, 0, 's'},
                                         {"demo", no_argument, 0, 'd'},
                                         {"experiment", required_argument, 0, 'x'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': a->model = optarg; break;
        case 's': a->samples = optarg; break;
        case 'd': a->demo = true; break;
        case 'x': a->experiment = optarg; break;
        case 'h': help_text(); return -1;
        default: return app_bad_option("tui", c, argv, opts);
        }
    }
    if (optind < argc)
        return app_usage("tui", "unexpected argument '%s'", argv[optind]);
    if (a->experiment) { /* say what is wrong before the screen is taken */
        struct study_result *r = NULL;
        int n = 0;
        struct pl_err e = {0};
        int rc = study_load(a->experiment, &r, &n, &e);
        free(r);
        if (rc)
            return app_fail("tui", &e);
    }
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
    return 0;
}

/* The sample set: --samples, or the default one, or the built-in set
 * (saying why in startup). 0 or 1 (--samples failed to load). */
static int setup_samples(struct tui *t, const struct tui_args *a, char *startup, size_t cap)
{
    struct pl_err e = {0};
    char path[PATH_MAX];
    if (a->samples) {
        if (tui_samples_load(t, a->samples, &e)) {
            fprintf(stderr, "promptlab tui: %s\n", e.msg);
            return 1;
        }
    } else {
        bool found = pick_default_samples(t, a->demo, path, sizeof path);
        if (!found || tui_samples_load(t, path, &e)) {
            tui_samples_load(t, NULL, NULL);
            snprintf(startup, cap, "%.300s; using %d built-in samples. ",
                     found ? e.msg
                           : a->demo ? "no idiom sample set in assets/samples/ yet"
                                     : "no sample sets in assets/samples/ yet",
                     t->samples.n);
        }
    }
    if (!t->train_default[0])
        tui_copy(t->train_default, sizeof t->train_default, t->samples_path);
    return 0;
}

/* Presets, shipped soft prompts and the first template (the demo's or the
 * literal preset), with what to tell the user appended to startup. */
static void setup_prompts(struct tui *t, char *startup, size_t cap)
{
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
    size_t n = strlen(startup);
    int lit = t->literal_preset >= 0 ? t->literal_preset : 0;
    if (t->demo) {
        tui_template_set(t, t->presets[lit].text);
        t->view = TUI_VIEW_SIDE;
        snprintf(startup + n, cap - n, "Demo: %s, hard prompt \"%.40s\"%s; %s", t->samples_name,
                 t->presets[lit].name, t->idiom_preset >= 0 ? " (h: the idiomatic one)" : "",
                 shipped ? "shipped soft prompts loaded (s cycles)"
                         : "no shipped soft prompts in assets/prompts/ yet: train one in view 2");
    } else if (t->n_presets > 0) {
        tui_template_set(t, t->presets[lit].text);
        if (builtin_presets)
            snprintf(startup + n, cap - n,
                     "No presets in assets/prompts/ yet: built-in examples loaded. ");
    }
    if (soft_notes[0] && !startup[0])
        snprintf(startup, cap, "a shipped soft prompt did not load: %s", soft_notes);
}

/* Curses, colours, keys, mouse and bracketed paste; a note on a locale
 * that is not UTF-8 goes before startup. 0 or 1. */
static int terminal_open(struct tui *t, char *startup, size_t cap)
{
    setlocale(LC_ALL, "");
    const char *cs = nl_langinfo(CODESET);
    bool utf8 = cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
    t->tflags = utf8 ? 0 : UI_TEXT_ASCII;
    if (!utf8) {
        char note[600];
        snprintf(note, sizeof note,
                 "Not a UTF-8 locale (%.20s): Vietnamese shows as '?'. Run with LC_ALL=C.UTF-8. %.400s",
                 setlocale(LC_CTYPE, NULL), startup);
        tui_copy(startup, cap, note);
    }
    t->g = tui_glyphs_for(utf8);
    have_tio = tcgetattr(STDIN_FILENO, &saved_tio) == 0;
    install_signals();
    set_escdelay(25);
    if (!initscr()) {
        fprintf(stderr, "promptlab tui: cannot initialise the terminal\n");
        return 1;
    }
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    tui_theme_init(t);
    tui_keys_init();
    t->mouse = mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED |
                             BUTTON4_PRESSED | BUTTON5_PRESSED,
                         NULL) != 0;
    mouseinterval(0);
    /* bracketed paste: pasted text arrives marked, so it is inserted, not run as keys */
    fputs("\033[?2004h", stdout);
    fflush(stdout);
    getmaxyx(stdscr, t->rows, t->cols);
    return 0;
}

static void terminal_close(struct tui *t)
{
    /* leave: stop the runs (each saves its best values unless told not to) */
    erase();
    tui_text(t, t->rows / 2, 2, t->cols - 4,
             tui_any_run_active(t) ? "stopping training and saving the best values..." : "bye",
             TUI_R_BOLD);
    refresh();
    fputs("\033[?2004l", stdout);
    mousemask(0, NULL);
    endwin();
}

/* Stop and join the runs (saying where each saved), free everything. */
static void teardown(struct tui *t)
{
    char summary[4][400];
    int n_summary = 0;
    for (int i = 0; i < t->n_runs; i++) {
        struct tui_run *r = t->runs[i];
        if (tui_run_active(r) && t->skip_final_save)
            tui_run_skip_final_save(r);
        tui_run_stop(r);
    }
    tui_hard_free(t);
    tui_side_free(t);
    tui_insp_free(t);
    tui_exp_close(t);
    tui_train_free(t);
    tui_worker_free(t->worker);
    for (int i = 0; i < t->n_runs; i++) {
        struct tui_run *r = t->runs[i];
        tui_run_join(r);
        const struct tui_run_view *v = tui_run_view(r);
        if (n_summary < 4 && v->saved_step >= 0)
            snprintf(summary[n_summary++], sizeof summary[0],
                     "promptlab: run %d: best %s (step %d) saved in %.300s", tui_run_id(r),
                     tui_run_config(r)->method == TR_MODEL ? "model" : "prompt", v->saved_step,
                     v->dir);
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
    free(t->pager);
    free(t->lat);
    jsonl_free(&t->samples);
    free(t->tmpl);
    free(t->tmpl_undo);
    lab_close(t->L);
    free(t);
}

/* Everything before the terminal: model, samples, prompts, threads,
 * views. 0 or the exit status (t is then freed, except on a view's
 * failure, which teardown cleans). */
static int setup(struct tui *t, const struct tui_args *a, char *startup, size_t cap)
{
    struct lab *L = NULL;
    struct pl_err e = {0};
    int status = app_open_lab("tui", a->model, &L);
    if (status)
        return status;
    tui_model_adopt(t, L);
    if (setup_samples(t, a, startup, cap)) {
        lab_close(t->L);
        return 1;
    }
    setup_prompts(t, startup, cap);
    if (tui_data_home("runs", t->runs_root, sizeof t->runs_root, &e)) {
        fprintf(stderr, "promptlab tui: %s\n", e.msg);
        tui_copy(t->runs_root, sizeof t->runs_root, "promptlab-runs");
    }
    if (tui_worker_start(&t->worker, t->L, &e)) {
        fprintf(stderr, "promptlab tui: %s\n", e.msg);
        lab_close(t->L);
        return 1;
    }
    t->debug = getenv("PROMPTLAB_TUI_DEBUG") && *getenv("PROMPTLAB_TUI_DEBUG");
    return 0;
}

int cmd_tui(int argc, char **argv)
{
    struct tui_args a = {0};
    int status = parse_args(argc, argv, &a);
    if (status)
        return status < 0 ? 0 : status;
    struct tui *t = calloc(1, sizeof *t);
    if (!t)
        return 1;
    t->soft_sel = -1;
    t->demo = a.demo;
    char startup[600] = "";
    if ((status = setup(t, &a, startup, sizeof startup))) {
        free(t);
        return status;
    }
    if (tui_hard_init(t) || tui_train_init(t) || tui_side_init(t) || tui_insp_init(t)) {
        fprintf(stderr, "promptlab tui: out of memory\n");
        teardown(t);
        return 1;
    }
    if (terminal_open(t, startup, sizeof startup)) {
        teardown(t);
        return 1;
    }
    char first[sizeof t->msg];
    tui_copy(first, sizeof first, t->msg);
    if (first[0]) /* the settings file was bad: say so first */
        tui_msg(t, TUI_R_ERROR, "%.300s%s%.200s", first, startup[0] ? "; " : "", startup);
    else if (startup[0])
        tui_msg(t, TUI_R_INFO, "%s", startup);
    else
        tui_msg(t, TUI_R_INFO, "Welcome: %s (%s), %d samples. Press ? for the keys.", t->model_name,
                t->family, t->samples.n);
    if (a.demo)
        tui_side_reset(t);
    if (a.experiment)
        tui_exp_open(t, a.experiment);
    status = main_loop(t);
    terminal_close(t);
    teardown(t);
    return status;
}

