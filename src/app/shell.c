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
#include <limits.h>
#include <stdarg.h>
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
        if (!*r || *r == '#') /* '#' at the start of a word: a comment */
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

/* A completed file name that is a directory gets a '/' and no space after
 * it, so Tab can go on into the folder (libedit's readline layer would put
 * rl_completion_append_character after any single match). */
static char **complete_file(const char *text)
{
    char **m = rl_completion_matches(text, rl_filename_completion_function);
    if (!m || !m[1] || m[2])
        return m; /* none, or several: libedit lists them */
    char path[PATH_MAX];
    const char *home = getenv("HOME");
    if (m[1][0] == '~' && m[1][1] == '/' && home)
        snprintf(path, sizeof path, "%s%s", home, m[1] + 1);
    else
        snprintf(path, sizeof path, "%s", m[1]);
    struct stat st;
    size_t n = strlen(m[1]);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode) && n > 0 && m[1][n - 1] != '/') {
        for (int i = 0; i < 2; i++) {
            char *grown = realloc(m[i], strlen(m[i]) + 2);
            if (!grown)
                return m;
            strcat(grown, "/");
            m[i] = grown;
        }
        rl_completion_append_character = '\0';
    }
    return m;
}

/* The first word is a command; a word starting with '-' an option; any
 * other word a file name. */
static char **complete(const char *text, int start, int end)
{
    (void)end;
    rl_completion_append_character = ' ';
    rl_attempted_completion_over = 1;
    if (strspn(rl_line_buffer, " \t") >= (size_t)start || text[0] == '-')
        return rl_completion_matches(text, complete_word);
    return complete_file(text);
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

/* "FILE:LINE: message" for a script read from a file we can name, "line
 * N: message" for other standard input, "promptlab shell: message" at the
 * terminal (where == NULL). */
static void line_error(const char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line_error(const char *where, const char *fmt, ...)
{
    va_list ap;
    fputs(where ? where : "promptlab shell: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* `model DIR`: opened once here, so a directory that is not a model is
 * refused on this line rather than by every command after it. */
static int set_model(const char *dir, const char *where)
{
    struct lab *L = NULL;
    struct pl_err e = {0};
    if (lab_open(dir, &L, &e) != 0) {
        line_error(where, "model: not a model directory: %s (the model stays %s)", e.msg,
                   app_default_model());
        return 1;
    }
    lab_close(L);
    setenv("PROMPTLAB_MODEL", dir, 1);
    printf("model: %s\n", dir);
    return 0;
}

/* Run one line; *status receives its exit status. Returns 1 to leave the
 * shell. `where` prefixes the shell's own messages (see line_error). */
static int run_line(char *line, const char *where, int *status)
{
    char *argv[SHELL_MAX_ARGS + 1];
    const char *why = NULL;
    int argc = split_words(line, argv, SHELL_MAX_ARGS, &why);
    *status = 0;
    if (argc < 0) {
        line_error(where, "%s", why);
        *status = 2;
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
        if (argc == 1)
            printf("model: %s\n", app_default_model());
        else if (argc == 2)
            *status = set_model(argv[1], where);
        else {
            line_error(where, "model takes one directory");
            *status = 2;
        }
        return 0;
    }
    const struct app_command *cmd = app_find_command(argv[0]);
    if (!cmd || cmd->run == cmd_shell) {
        line_error(where, "unknown command '%s' (try 'help')", argv[0]);
        *status = 2;
        return 0;
    }
    atomic_store(&app_interrupted, 0);
    *status = cmd->run(argc, argv);
    fflush(stdout);
    if (*status && where)
        line_error(where, "%s failed (exit status %d); stopping", argv[0], *status);
    return 0;
}

/* The name of the file standard input reads, when it is a regular file
 * that still has that name (Linux: /proc/self/fd/0, checked against the
 * open file's device and inode), relative to the working directory when it
 * lies below it; "" for a pipe, a terminal, a device or a deleted file. */
static void stdin_name(char *buf, size_t cap)
{
    struct stat in, named;
    char link[PATH_MAX], cwd[PATH_MAX];
    buf[0] = 0;
    if (fstat(STDIN_FILENO, &in) != 0 || !S_ISREG(in.st_mode))
        return;
    ssize_t n = readlink("/proc/self/fd/0", link, sizeof link - 1);
    if (n <= 0)
        return;
    link[n] = 0;
    if (link[0] != '/' || stat(link, &named) != 0 || named.st_dev != in.st_dev ||
        named.st_ino != in.st_ino)
        return;
    const char *show = link;
    size_t k = getcwd(cwd, sizeof cwd) ? strlen(cwd) : 0;
    if (k > 1 && strncmp(link, cwd, k) == 0 && link[k] == '/')
        show = link + k + 1;
    snprintf(buf, cap, "%s", show);
}

/* Standard input that is not a terminal: a script. Lines run in order;
 * the first that fails stops the script with exit status 1 after a
 * "FILE:LINE:" (or "line N:") message. */
static int run_script(void)
{
    char name[PATH_MAX], where[PATH_MAX + 32];
    stdin_name(name, sizeof name);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int status = 0, lineno = 0, quit = 0;
    while (!quit && !status && (len = getline(&line, &cap, stdin)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = 0;
        if (name[0])
            snprintf(where, sizeof where, "%s:%d: ", name, lineno);
        else
            snprintf(where, sizeof where, "line %d: ", lineno);
        quit = run_line(line, where, &status);
    }
    free(line);
    return status ? 1 : 0;
}

int cmd_shell(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: promptlab shell [< SCRIPT]\n\n");
        shell_help();
        printf("\nA '#' at the start of a word begins a comment. With standard input not\n"
               "a terminal, the lines are a script: the first line that fails stops it\n"
               "with exit status 1 and a 'FILE:LINE: ...' message ('line N: ...' when\n"
               "the input is a pipe).\n");
        return 0;
    }
    if (argc > 1)
        return app_usage("shell", "unexpected argument '%s'", argv[1]);
    if (!isatty(STDIN_FILENO))
        return run_script();
    char hist[4096];
    history_path(hist, sizeof hist);
    rl_readline_name = "promptlab";
    rl_attempted_completion_function = complete;
    using_history();
    if (hist[0])
        read_history(hist);
    printf("promptlab %s shell on %s. 'help' lists commands, Ctrl-D leaves.\n", PL_VERSION,
           app_default_model());
    int status = 0;
    for (;;) {
        char *line = readline("promptlab> ");
        if (!line) {
            putchar('\n');
            break;
        }
        if (line[strspn(line, " \t")])
            add_history(line);
        int quit = run_line(line, NULL, &status);
        free(line);
        if (quit)
            break;
    }
    if (hist[0])
        save_history(hist);
    return 0;
}
