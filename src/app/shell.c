/* shell.c - `promptlab shell`: a line-oriented REPL (libedit) in which each
 * line is a subcommand with its arguments, quoted as in a shell:
 *
 *   promptlab> translate --hard 'translate English to French: {source}' "It's raining"
 *
 * plus `model DIR` (the model for the following lines), `help` and `quit`.
 * History lives in $XDG_STATE_HOME/promptlab/history; Tab completes command
 * names and option names. When standard input is not a terminal the lines
 * are read plainly (for scripts), with no prompt. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <editline/readline.h>

#include "app_impl.h"

enum { SHELL_MAX_ARGS = 256 };

/* Split `line` in place into argv words: whitespace separates; '...' keeps
 * everything literal; "..." and bare words take backslash escapes.
 * Returns the count, or -1 with *why set on an unterminated quote or too
 * many words. */
static int split_words(char *line, char **argv, int cap, const char **why)
{
    int n = 0;
    char *r = line, *w = line;
    for (;;) {
        while (*r == ' ' || *r == '\t')
            r++;
        if (!*r)
            break;
        if (n == cap) {
            *why = "too many words";
            return -1;
        }
        argv[n++] = w;
        char quote = 0;
        for (; *r; r++) {
            if (quote == '\'') {
                if (*r == '\'')
                    quote = 0;
                else
                    *w++ = *r;
            } else if (*r == '\\' && r[1] && (quote == 0 || strchr("\"\\$`", r[1]))) {
                *w++ = *++r;
            } else if (quote == '"') {
                if (*r == '"')
                    quote = 0;
                else
                    *w++ = *r;
            } else if (*r == '\'' || *r == '"') {
                quote = *r;
            } else if (*r == ' ' || *r == '\t') {
                break;
            } else {
                *w++ = *r;
            }
        }
        if (quote) {
            *why = "unterminated quote";
            return -1;
        }
        if (*r)
            r++;
        *w++ = 0;
    }
    return n;
}

static const char *const option_words[] = {
    "--model", "--hard", "--soft", "--beam", "--max-len", "--json", "--source", "--target",
    "--tokenizer", "--ids", "--no-eos", "--data", "--valid", "--out", "--length", "--init",
    "--optimizer", "--lr", "--steps", "--batch", "--eval-every", "--patience", "--seed",
    "--metric", "--warmup", "--clip", "--resume", "--shape", "--runs", "--help", NULL};

/* The word at `i` of: command names, then the shell's own words. */
static const char *command_word(int i)
{
    static const char *const own[] = {"model", "help", "quit", NULL};
    int n = 0;
    while (app_commands[n].name)
        n++;
    return i < n ? app_commands[i].name : own[i - n];
}

static char *complete_word(const char *text, int state)
{
    static int i;
    static size_t len;
    if (state == 0) {
        i = 0;
        len = strlen(text);
    }
    const char *w;
    if (text[0] == '-') {
        while ((w = option_words[i++]))
            if (strncmp(w, text, len) == 0)
                return strdup(w);
        return NULL;
    }
    while ((w = command_word(i++)))
        if (strncmp(w, text, len) == 0)
            return strdup(w);
    return NULL;
}

static char **complete(const char *text, int start, int end)
{
    (void)start;
    (void)end;
    return rl_completion_matches(text, complete_word);
}

static void history_path(char *buf, size_t cap)
{
    const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    char dir[4096];
    buf[0] = 0;
    if (state && *state)
        snprintf(dir, sizeof dir, "%s/promptlab", state);
    else if (home && *home)
        snprintf(dir, sizeof dir, "%s/.local/state/promptlab", home);
    else
        return;
    if (pl_mkdirs(dir, NULL))
        return; /* no history file, but the shell works */
    if (pl_path_join(buf, cap, dir, "history"))
        buf[0] = 0;
}

/* libedit writes the history by file name and ignores write errors, so it
 * writes into a memory file first; the bytes then replace the history file
 * atomically (pl_write_file_atomic), and a full disk keeps the old file and
 * says so. Failing costs this session's lines, nothing more. */
static void save_history(const char *path)
{
    struct pl_err e = {0};
    char mem[64];
    char *buf = NULL;
    struct stat st;
    int fd = memfd_create("promptlab-history", 0);
    snprintf(mem, sizeof mem, "/proc/self/fd/%d", fd);
    stifle_history(1000);
    if (fd < 0 || write_history(mem) != 0 || fstat(fd, &st) != 0 ||
        !(buf = malloc((size_t)st.st_size + 1)) ||
        pread(fd, buf, (size_t)st.st_size, 0) != (ssize_t)st.st_size)
        pl_err_set(&e, PL_EIO, "%s: cannot write: %s", path, strerror(errno));
    else
        pl_write_file_atomic(path, buf, (size_t)st.st_size, &e);
    if (e.msg[0])
        fprintf(stderr, "promptlab shell: history not saved: %s\n", e.msg);
    free(buf);
    if (fd >= 0)
        close(fd);
}

static void shell_help(void)
{
    printf("Each line is a promptlab command with its arguments, quoted as in a shell:\n");
    app_list_commands(stdout);
    printf("  %-10s %s\n  %-10s %s\n  %-10s %s\n", "model DIR", "use this model from now on",
           "help", "this list ('COMMAND --help' for one command)", "quit", "leave (or Ctrl-D)");
}

/* Run one line; returns 1 to leave the shell. */
static int run_line(char *line, int *last_status)
{
    char *argv[SHELL_MAX_ARGS + 1];
    const char *why = NULL;
    int argc = split_words(line, argv, SHELL_MAX_ARGS, &why);
    if (argc < 0) {
        fprintf(stderr, "promptlab shell: %s\n", why);
        *last_status = 2;
        return 0;
    }
    if (argc == 0)
        return 0;
    argv[argc] = NULL;
    if (strcmp(argv[0], "quit") == 0 || strcmp(argv[0], "exit") == 0)
        return 1;
    if (strcmp(argv[0], "help") == 0 || strcmp(argv[0], "?") == 0) {
        shell_help();
        return 0;
    }
    if (strcmp(argv[0], "model") == 0) {
        if (argc != 2) {
            printf("model: %s\n", app_default_model());
        } else {
            setenv("PROMPTLAB_MODEL", argv[1], 1);
            printf("model: %s\n", argv[1]);
        }
        return 0;
    }
    const struct app_command *cmd = app_find_command(argv[0]);
    if (!cmd || cmd->run == cmd_shell) {
        fprintf(stderr, "promptlab shell: unknown command '%s' (try 'help')\n", argv[0]);
        *last_status = 2;
        return 0;
    }
    atomic_store(&app_interrupted, 0);
    *last_status = cmd->run(argc, argv);
    fflush(stdout);
    return 0;
}

int cmd_shell(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: promptlab shell\n\n");
        shell_help();
        return 0;
    }
    if (argc > 1)
        return app_usage("shell", "unexpected argument '%s'", argv[1]);
    int status = 0;
    if (!isatty(STDIN_FILENO)) {
        char **lines;
        int n;
        if (app_read_lines("shell", stdin, &lines, &n))
            return 1;
        for (int i = 0; i < n && !run_line(lines[i], &status); i++)
            ;
        app_free_lines(lines, n);
        return status;
    }
    char hist[4096];
    history_path(hist, sizeof hist);
    rl_readline_name = "promptlab";
    rl_attempted_completion_function = complete;
    using_history();
    if (hist[0])
        read_history(hist);
    printf("promptlab %s shell on %s. 'help' lists commands, Ctrl-D leaves.\n", PL_VERSION,
           app_default_model());
    for (;;) {
        char *line = readline("promptlab> ");
        if (!line) {
            putchar('\n');
            break;
        }
        if (line[strspn(line, " \t")])
            add_history(line);
        int quit = run_line(line, &status);
        free(line);
        if (quit)
            break;
    }
    if (hist[0])
        save_history(hist);
    return 0;
}
