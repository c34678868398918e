/* cli.c - helpers shared by the subcommands: messages in one format, where
 * the assets live, the default model, Ctrl-C, and the stderr progress bar. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app_impl.h"

atomic_int app_interrupted;

int app_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "promptlab %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'promptlab %s --help'.\n", cmd);
    return 2;
}

int app_bad_option(const char *cmd, int c, char *const *argv, const struct option *opts)
{
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    if (strncmp(arg, "--", 2) != 0) /* a short option: getopt keeps it in optopt */
        return c == ':' ? app_usage(cmd, "option '-%c' needs a value", optopt)
                        : app_usage(cmd, "unknown option '-%c'", optopt ? optopt : '?');
    const char *name = arg + 2, *eq = strchr(name, '=');
    int len = eq ? (int)(eq - name) : (int)strlen(name);
    int hits = 0, exact = -1;
    char list[256] = "";
    for (int i = 0; opts[i].name; i++) {
        if (strncmp(opts[i].name, name, (size_t)len) != 0)
            continue;
        if ((int)strlen(opts[i].name) == len)
            exact = i;
        size_t k = strlen(list);
        snprintf(list + k, sizeof list - k, "%s--%s", hits ? ", " : "", opts[i].name);
        hits++;
    }
    if (exact >= 0 || hits == 1) {
        const char *full = strncmp(list, "--", 2) == 0 ? list + 2 : name;
        if (exact >= 0)
            full = opts[exact].name;
        if (c == ':')
            return app_usage(cmd, "option '--%s' needs a value", full);
        /* --flag=VALUE for an option without a value */
        return app_usage(cmd, "option '--%s' takes no value", full);
    }
    if (c == ':')
        return app_usage(cmd, "option '--%.*s' needs a value", len, name);
    if (hits > 1)
        return app_usage(cmd, "option '--%.*s' is ambiguous (%s)", len, name, list);
    return app_usage(cmd, "unknown option '--%.*s'", len, name);
}

int app_fail(const char *cmd, const struct pl_err *e)
{
    fprintf(stderr, "promptlab %s: %s\n", cmd, e && e->msg[0] ? e->msg : "failed");
    return 1;
}

void app_warn(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "promptlab %s: warning: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *app_data_dir(void)
{
    static char dir[PATH_MAX];
    if (dir[0])
        return dir;
    const char *env = getenv("PROMPTLAB_DATA");
    if (env && is_dir(env)) {
        snprintf(dir, sizeof dir, "%s", env);
        return dir;
    }
    /* From a checkout the binary is ./promptlab or build/<kind>/promptlab. */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = 0;
        /* a checkout (./promptlab, build/asan/promptlab), or an installed
         * tree wherever it was moved (PREFIX/bin -> PREFIX/share/promptlab) */
        const char *ups[] = {"/assets", "/../../assets", "/../share/promptlab"};
        for (size_t i = 0; i < sizeof ups / sizeof *ups; i++) {
            char cand[PATH_MAX + 32];
            snprintf(cand, sizeof cand, "%s%s", exe, ups[i]);
            char real[PATH_MAX];
            if (is_dir(cand) && realpath(cand, real)) {
                snprintf(dir, sizeof dir, "%s", real);
                return dir;
            }
        }
    }
    snprintf(dir, sizeof dir, "%s", PL_DATADIR);
    return dir;
}

const char *app_default_model(void)
{
    static char path[PATH_MAX];
    const char *env = getenv("PROMPTLAB_MODEL");
    if (env && *env)
        return env;
    if (!path[0])
        snprintf(path, sizeof path, "%s/models/promptlab-tiny", app_data_dir());
    return path;
}

static void on_sigint(int sig)
{
    atomic_store(&app_interrupted, sig);
}

void app_catch_sigint(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

void app_progress_init(struct app_progress *p, const char *label)
{
    p->label = label;
    p->start = pl_now();
    p->last_draw = 0;
    p->tty = isatty(STDERR_FILENO);
}

void app_format_duration(char *buf, size_t cap, double s)
{
    if (!isfinite(s) || s < 0)
        snprintf(buf, cap, "--:--");
    else if (s >= 3600)
        snprintf(buf, cap, "%d:%02d:%02d", (int)(s / 3600), (int)fmod(s / 60, 60), (int)fmod(s, 60));
    else
        snprintf(buf, cap, "%d:%02d", (int)(s / 60), (int)fmod(s, 60));
}

void app_progress_draw(struct app_progress *p, long done, long total, const char *extra)
{
    if (!p->tty)
        return;
    double now = pl_now();
    if (done < total && now - p->last_draw < 0.1)
        return;
    p->last_draw = now;
    double el = now - p->start, frac = total > 0 ? (double)done / (double)total : 0;
    if (frac > 1)
        frac = 1;
    char bar[31], eta[16], ela[16];
    int fill = (int)(frac * 30);
    for (int i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : ' ';
    bar[30] = 0;
    app_format_duration(ela, sizeof ela, el);
    app_format_duration(eta, sizeof eta, done > 0 ? el * (double)(total - done) / (double)done : NAN);
    fprintf(stderr, "\r\033[K%s [%s] %3d%% %ld/%ld %s ETA %s %s", p->label, bar, (int)(frac * 100),
            done, total, ela, eta, extra ? extra : "");
    fflush(stderr);
}

void app_progress_end(struct app_progress *p)
{
    if (p->tty)
        fprintf(stderr, "\n");
}

int app_parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int app_parse_float(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int app_open_lab(const char *cmd, const char *dir, struct lab **out)
{
    struct pl_err e = {0};
    const char *d = dir ? dir : app_default_model();
    if (lab_open(d, out, &e) == 0)
        return 0;
    fprintf(stderr, "promptlab %s: %s\n", cmd, e.msg);
    if (!dir && !getenv("PROMPTLAB_MODEL") && !is_dir(d))
        fprintf(stderr,
                "promptlab %s: no model at %s; pass --model DIR, set PROMPTLAB_MODEL, or build "
                "the embedded model with 'make model'\n",
                cmd, d);
    return 1;
}

int app_load_soft(const char *cmd, const struct lab *L, const char *path, struct soft_prompt *p)
{
    struct pl_err e = {0};
    int d = t5_model_config(lab_model(L))->d_model;
    size_t n = strlen(path);
    int rc = (n > 4 && strcmp(path + n - 4, ".npy") == 0) ? soft_import_npy(path, d, p, &e)
                                                         : soft_load(path, d, p, NULL, &e);
    return rc ? app_fail(cmd, &e) : 0;
}

int app_read_lines(const char *cmd, FILE *f, char ***lines, int *n)
{
    char **v = NULL, *line = NULL;
    size_t cap = 0;
    int count = 0, vcap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = 0;
        if (count == vcap) {
            vcap = vcap ? 2 * vcap : 64;
            char **nv = realloc(v, (size_t)vcap * sizeof *nv);
            if (!nv)
                goto oom;
            v = nv;
        }
        if (!(v[count] = strdup(line)))
            goto oom;
        count++;
    }
    free(line);
    *lines = v;
    *n = count;
    return 0;
oom:
    free(line);
    app_free_lines(v, count);
    fprintf(stderr, "promptlab %s: out of memory reading standard input\n", cmd);
    return 1;
}

void app_free_lines(char **lines, int n)
{
    for (int i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

void app_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}
