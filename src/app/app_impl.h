/* app_impl.h - what the app layer's files share: the subcommands, and the
 * few helpers every command uses (error printing, the default model, the
 * asset directory, Ctrl-C, progress bars). Only the app layer includes it. */
#ifndef PROMPTLAB_APP_IMPL_H
#define PROMPTLAB_APP_IMPL_H

#include <getopt.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>

#include "promptlab/core.h"
#include "promptlab/lab.h"
#include "promptlab/soft.h"

/* Every subcommand: argv[0] is the subcommand name; returns the process exit
 * status: 0 success, 1 failure, 2 usage error. */
int cmd_tokenize(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_translate(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_tune(int argc, char **argv);
int cmd_neighbors(int argc, char **argv);
int cmd_shell(int argc, char **argv);
int cmd_tui(int argc, char **argv);
int cmd_pretrain(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_corpus(int argc, char **argv);
int cmd_words(int argc, char **argv);
int cmd_experiment(int argc, char **argv);

struct app_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};
/* Every subcommand, ending with a NULL name. */
extern const struct app_command app_commands[];
/* NULL when there is no such command. */
const struct app_command *app_find_command(const char *name);
/* Print the list of commands ("  name  summary" lines). */
void app_list_commands(FILE *out);

/* "promptlab CMD: message" on stderr, then "Try 'promptlab CMD --help'."; returns 2. */
int app_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A getopt_long error, reported once in app_usage's words ("unknown option
 * '--frob'", "option '--beam' needs a value", "... is ambiguous (--model,
 * --max-len)"); returns 2. For a loop whose optstring starts with ':' (so
 * a missing value returns ':'), with opterr 0 (main sets it), called with
 * the '?' or ':' that getopt_long returned and the loop's option table. */
int app_bad_option(const char *cmd, int c, char *const *argv, const struct option *opts);
/* "promptlab CMD: <e->msg>" on stderr; returns 1. */
int app_fail(const char *cmd, const struct pl_err *e);
/* "promptlab CMD: warning: message" on stderr. */
void app_warn(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));


/* Directory holding assets/ contents: the source tree's assets/ when the
 * binary runs from a checkout, else PREFIX/share/promptlab. Never NULL. */
const char *app_data_dir(void);
/* The model directory to use when --model is absent: $PROMPTLAB_MODEL, else
 * the embedded default model under app_data_dir(). Never NULL. */
const char *app_default_model(void);

/* Ctrl-C and SIGTERM: app_catch_sigint installs a handler that only sets
 * this flag to the signal's number (a lock-free atomic, safe in a
 * handler); long loops poll it, the trainer takes it as its stop flag, and
 * a command stopped by a signal exits with 128 + its number (130 for
 * Ctrl-C), as the TUI does. */
extern atomic_int app_interrupted;
void app_catch_sigint(void);

/* Progress bar on stderr when it is a terminal: "label [####   ] 42% 1.2k/s ETA 0:13 extra". */
struct app_progress {
    const char *label;
    double start;
    double last_draw;
    int tty;
};
void app_progress_init(struct app_progress *p, const char *label);
void app_progress_draw(struct app_progress *p, long done, long total, const char *extra);
void app_progress_end(struct app_progress *p);
/* "m:ss" or "h:mm:ss"; "--:--" for a negative or non-finite s. */
void app_format_duration(char *buf, size_t cap, double s);

/* Open the model directory `dir` (NULL: app_default_model()), printing
 * "promptlab CMD: ..." on failure, with a hint when the default model is
 * missing. Returns 0 or 1 (the exit status). */
int app_open_lab(const char *cmd, const char *dir, struct lab **out);
/* Load a soft prompt for lab L from a PEFT directory or a .npy file into
 * the uninitialised *p; prints and returns 1 on failure, else 0. */
int app_load_soft(const char *cmd, const struct lab *L, const char *path, struct soft_prompt *p);
/* Read all of standard input as lines (without newlines); *lines is a
 * malloc'd array of malloc'd strings. Returns 0, or 1 after printing. */
int app_read_lines(const char *cmd, FILE *f, char ***lines, int *n);
void app_free_lines(char **lines, int n);
/* Print s as a JSON string literal (quotes included). */
void app_json_string(FILE *f, const char *s);

/* The words of text the model never saw (lab_word_unseen), joined by ", "
 * into *out (malloc'd; caller frees): quoted 'like this', or as JSON
 * strings when json. Returns how many, or -1 when out of memory. */
int app_unseen_words(const struct lab *L, const char *text, bool json, char **out);

/* Parse a non-negative int / a float option value; on error returns -1. */
int app_parse_int(const char *s, long lo, long hi, long *out);
int app_parse_float(const char *s, double *out);

#endif
