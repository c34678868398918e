/* savekill.c - test support for tests/test_atomic.sh: save forever, so a
 * SIGKILL lands in the middle of a save, then check what is on disk.
 *
 *   savekill prompt DIR          soft_save save number k = 1, 2, ... into DIR
 *   savekill set DIR             three files as one pl_fileset (a checkpoint's way)
 *   savekill file PATH           pl_write_file_atomic (exports, history, JSON)
 *   savekill check-prompt DIR LAST
 *   savekill check-set DIR LAST
 *   savekill check-file PATH LAST
 *   savekill check-tuned DIR     a prompt from `promptlab tune`: loads, and
 *                                its steps_done is printed
 *
 * Each writer prints "k" on stdout (unbuffered) after save k returned. Every
 * save is self-describing, so a mix of two saves is caught: save k of a
 * prompt has N = 1 + k % 4 rows (adapter_config.json), values k and initial
 * values -k (the tensor file), init argument "save k" (promptlab.json); a
 * set's files all hold "k"; a file holds k, its length, then k % 7 * 40000
 * filler bytes, so some saves are long. A check passes when the saved k is
 * LAST (the last save that returned) or LAST + 1 (one that had renamed into
 * place when the kill came), or when LAST is 0 and nothing was saved yet,
 * and fails on anything older, newer, partial or
 * unloadable; it prints the k found. Exit 0 pass, 1 fail with the reason on
 * stderr, 2 usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "promptlab/core.h"
#include "promptlab/soft.h"

static const char *const set_names[] = {"config.json", "model.safetensors", "state.json"};

static int save_prompt(const char *dir, long k, struct pl_err *e)
{
    struct soft_prompt p;
    int n = 1 + (int)(k % 4), d = 16;
    int rc = soft_prompt_init(&p, n, d, e);
    if (rc)
        return rc;
    for (int i = 0; i < n * d; i++) {
        p.w[i] = (float)k;
        p.w0[i] = -(float)k;
    }
    char arg[64];
    snprintf(arg, sizeof arg, "save %ld", k);
    p.init = SOFT_INIT_TEXT;
    rc = soft_prompt_set_arg(&p, arg, e);
    if (rc == 0)
        rc = soft_save(dir, &p, NULL, e);
    soft_prompt_free(&p);
    return rc;
}

static int check_prompt(const char *dir, long last)
{
    struct soft_prompt p;
    struct pl_err e = {0};
    if (soft_load(dir, 16, &p, NULL, &e)) {
        fprintf(stderr, "not loadable: %s\n", e.msg);
        return 1;
    }
    long k = (long)p.w[0];
    char want[64];
    snprintf(want, sizeof want, "save %ld", k);
    int bad = 0;
    if (p.n_tokens != 1 + (int)(k % 4))
        bad = fprintf(stderr, "save %ld has %d rows, not %d: files of two saves\n", k, p.n_tokens,
                      1 + (int)(k % 4));
    for (int i = 0; !bad && i < p.n_tokens * p.d; i++)
        if (p.w[i] != (float)k || p.w0[i] != -(float)k)
            bad = fprintf(stderr, "save %ld: row values differ\n", k);
    if (!bad && (!p.init_arg || strcmp(p.init_arg, want) != 0))
        bad = fprintf(stderr, "tensor file of save %ld, promptlab.json of '%s'\n", k,
                      p.init_arg ? p.init_arg : "(none)");
    if (!bad && (k < last || k > last + 1))
        bad = fprintf(stderr, "save %ld on disk, but save %ld had finished\n", k, last);
    soft_prompt_free(&p);
    if (!bad)
        printf("%ld\n", k);
    return bad ? 1 : 0;
}

static int check_tuned(const char *dir)
{
    struct soft_prompt p;
    struct soft_record rec;
    struct pl_err e = {0};
    if (soft_load(dir, 0, &p, &rec, &e)) {
        fprintf(stderr, "not loadable: %s\n", e.msg);
        return 1;
    }
    int bad = !rec.has_record && fprintf(stderr, "%s: no promptlab.json\n", dir);
    if (!bad)
        printf("%d\n", rec.hist.steps_done);
    soft_record_free(&rec);
    soft_prompt_free(&p);
    return bad ? 1 : 0;
}

static int save_set(const char *dir, long k, struct pl_err *e)
{
    char stage[4096], path[4200], text[32];
    int n = snprintf(text, sizeof text, "%ld\n", k);
    int rc = pl_fileset_begin(dir, stage, sizeof stage, e);
    for (int i = 0; rc == 0 && i < 3; i++) {
        if (pl_path_join(path, sizeof path, stage, set_names[i]))
            rc = pl_err_set(e, PL_ERANGE, "path too long");
        else
            rc = pl_write_file_atomic(path, text, (size_t)n, e);
    }
    if (rc == 0)
        rc = pl_fileset_commit(dir, e);
    if (rc)
        pl_fileset_abort(dir);
    return rc;
}

static int check_set(const char *dir, long last)
{
    long k[3];
    for (int i = 0; i < 3; i++) {
        char path[4200], *text = NULL;
        struct pl_err e = {0};
        if (pl_fileset_path(dir, set_names[i], path, sizeof path) ||
            pl_read_file(path, &text, NULL, &e)) {
            fprintf(stderr, "%s: not readable: %s\n", set_names[i], e.msg);
            return 1;
        }
        k[i] = strtol(text, NULL, 10);
        free(text);
    }
    if (k[0] != k[1] || k[1] != k[2]) {
        fprintf(stderr, "files of saves %ld, %ld, %ld\n", k[0], k[1], k[2]);
        return 1;
    }
    if (k[0] < last || k[0] > last + 1) {
        fprintf(stderr, "save %ld on disk, but save %ld had finished\n", k[0], last);
        return 1;
    }
    printf("%ld\n", k[0]);
    return 0;
}

static int save_file(const char *path, long k, struct pl_err *e)
{
    size_t fill = (size_t)(k % 7) * 40000;
    char *buf = malloc(fill + 64);
    if (!buf)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    int n = snprintf(buf, 64, "%ld %zu\n", k, fill);
    memset(buf + n, 'x', fill);
    int rc = pl_write_file_atomic(path, buf, (size_t)n + fill, e);
    free(buf);
    return rc;
}

static int check_file(const char *path, long last)
{
    char *text = NULL;
    size_t len = 0;
    struct pl_err e = {0};
    if (pl_read_file(path, &text, &len, &e)) {
        fprintf(stderr, "not readable: %s\n", e.msg);
        return 1;
    }
    long k = -1;
    size_t fill = 0;
    int used = 0, bad = 0;
    if (sscanf(text, "%ld %zu\n%n", &k, &fill, &used) != 2 || used == 0 ||
        len != (size_t)used + fill || fill != (size_t)(k % 7) * 40000)
        bad = fprintf(stderr, "a partial file: %zu bytes, header '%.20s'\n", len, text);
    else if (k < last || k > last + 1)
        bad = fprintf(stderr, "save %ld on disk, but save %ld had finished\n", k, last);
    free(text);
    if (!bad)
        printf("%ld\n", k);
    return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        goto usage;
    const char *mode = argv[1], *target = argv[2];
    if (strcmp(mode, "check-tuned") == 0)
        return check_tuned(target);
    if (strncmp(mode, "check-", 6) == 0) {
        if (argc != 4)
            goto usage;
        long last = strtol(argv[3], NULL, 10);
        char probe[4200];
        /* Killed before the first save finished: nothing there is right. */
        if (last == 0 && access(target, F_OK) != 0) {
            printf("0\n");
            return 0;
        }
        if (last == 0 && strcmp(mode, "check-file") != 0 &&
            pl_fileset_path(target, set_names[0], probe, sizeof probe) == 0 &&
            access(probe, F_OK) != 0 &&
            pl_fileset_path(target, "adapter_config.json", probe, sizeof probe) == 0 &&
            access(probe, F_OK) != 0) {
            printf("0\n");
            return 0;
        }
        if (strcmp(mode, "check-prompt") == 0)
            return check_prompt(target, last);
        if (strcmp(mode, "check-set") == 0)
            return check_set(target, last);
        if (strcmp(mode, "check-file") == 0)
            return check_file(target, last);
        goto usage;
    }
    int (*save)(const char *, long, struct pl_err *) =
        strcmp(mode, "prompt") == 0 ? save_prompt
        : strcmp(mode, "set") == 0  ? save_set
        : strcmp(mode, "file") == 0 ? save_file
                                    : NULL;
    if (!save)
        goto usage;
    /* Continue numbering from what is on disk: argv[3] is the last k. */
    long k = argc > 3 ? strtol(argv[3], NULL, 10) : 0;
    setvbuf(stdout, NULL, _IONBF, 0);
    for (;;) {
        struct pl_err e = {0};
        if (save(target, ++k, &e)) {
            fprintf(stderr, "savekill: save %ld: %s\n", k, e.msg);
            return 1;
        }
        printf("%ld\n", k);
    }
usage:
    fprintf(stderr, "usage: savekill prompt|set|file TARGET [LAST] | savekill "
                    "check-prompt|check-set|check-file TARGET LAST | savekill check-tuned DIR\n");
    return 2;
}
