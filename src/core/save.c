/* save.c - replacing files so that a crash, a kill or a full disk never
 * leaves a half-written one: the one mechanism every writer in promptlab
 * uses (models, soft prompts, checkpoints, data sets, exports, history).
 *
 * One file: write a temporary file beside the target (same directory, so
 * the same file system), fsync it, rename it over the target, fsync the
 * directory. rename(2) is atomic, so the target always holds the old
 * contents or the new ones.
 *
 * Several files that belong together (a soft prompt's three files, a
 * checkpoint's four) cannot be renamed at once, so a set is staged and
 * committed with one rename of a directory:
 *
 *   DIR/.promptlab-pending/   the new files are written here (each atomically)
 *   DIR/.promptlab-commit/    pending renamed to this: the commit point
 *   DIR/NAME                  each committed file is then moved into place
 *
 * Before the commit point DIR's own files are untouched (the old set). After
 * it the new set is "DIR/.promptlab-commit/NAME if present, else DIR/NAME"
 * at every instant of the moves, which is what pl_fileset_path() answers
 * and what pl_fileset_recover() completes. Files of DIR that are not in the
 * set are never touched, so a set can live in a directory the user shares
 * with other files. */
#include "promptlab/core.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char PENDING[] = ".promptlab-pending";
static const char COMMIT[] = ".promptlab-commit";

/* fsync a directory so a rename in it survives a power cut; best effort
 * (some file systems refuse fsync on directories). */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static void parent_of(const char *path, char *buf, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(buf, cap, ".");
    else if (slash == path)
        snprintf(buf, cap, "/");
    else
        snprintf(buf, cap, "%.*s", (int)(slash - path), path);
}

/* What an error message calls the file at `path`: its final name, also
 * for a file staged in DIR/.promptlab-pending for a set. */
static const char *shown(const char *path, char *buf, size_t cap)
{
    const char *p = strstr(path, "/.promptlab-pending/");
    if (!p)
        return path;
    snprintf(buf, cap, "%.*s%s", (int)(p - path), path, p + strlen("/.promptlab-pending"));
    return buf;
}

/* "; the previous file is kept" when there is one, so a user reading the
 * error knows nothing was lost. */
static const char *kept(const char *final_path)
{
    return access(final_path, F_OK) == 0 ? "; the previous file is kept" : "";
}

/* Fill *e with "FILE: what: why[; the previous file is kept]". */
static int fail(struct pl_err *e, const char *path, const char *what, int er)
{
    char buf[4096];
    const char *f = shown(path, buf, sizeof buf);
    return pl_err_set(e, PL_EIO, "%s: %s: %s%s", f, what, strerror(er), kept(f));
}

int pl_atomic_open(struct pl_atomic_file *a, const char *path, struct pl_err *e)
{
    memset(a, 0, sizeof *a);
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof a->path)
        return pl_err_set(e, PL_ERANGE, "'%s': bad file name", path);
    memcpy(a->path, path, n + 1);
    snprintf(a->tmp, sizeof a->tmp, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(a->tmp);
    if (fd < 0)
        return fail(e, path, "cannot create a file beside it", errno);
    fchmod(fd, 0644);
    a->f = fdopen(fd, "wb");
    if (!a->f) {
        int er = errno;
        close(fd);
        unlink(a->tmp);
        return pl_err_set(e, PL_ENOMEM, "%s: %s", path, strerror(er));
    }
    return 0;
}

void pl_atomic_abort(struct pl_atomic_file *a)
{
    if (!a->f)
        return;
    fclose(a->f);
    a->f = NULL;
    unlink(a->tmp);
}

int pl_atomic_commit(struct pl_atomic_file *a, struct pl_err *e)
{
    if (!a->f)
        return pl_err_set(e, PL_EINVAL, "%s: not open for writing", a->path);
    int bad = ferror(a->f) || fflush(a->f) != 0 || fsync(fileno(a->f)) != 0;
    int er = bad ? (errno ? errno : EIO) : 0;
    if (fclose(a->f) != 0 && !bad) {
        bad = 1;
        er = errno;
    }
    a->f = NULL;
    if (bad) {
        unlink(a->tmp);
        return fail(e, a->path, "cannot write", er);
    }
    if (rename(a->tmp, a->path) != 0) {
        er = errno;
        unlink(a->tmp);
        return fail(e, a->path, "cannot replace", er);
    }
    char dir[sizeof a->path];
    parent_of(a->path, dir, sizeof dir);
    sync_dir(dir);
    return 0;
}

int pl_write_file_atomic(const char *path, const void *data, size_t len, struct pl_err *e)
{
    struct pl_atomic_file a;
    int rc = pl_atomic_open(&a, path, e);
    if (rc)
        return rc;
    if (len > 0 && fwrite(data, 1, len, a.f) != len) {
        int er = errno ? errno : EIO;
        pl_atomic_abort(&a);
        return fail(e, path, "cannot write", er);
    }
    return pl_atomic_commit(&a, e);
}

/* ---- sets of files -------------------------------------------------------- */

/* Remove the regular files of `dir` and the directory itself. */
static int remove_flat_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : -1;
    struct dirent *de;
    char path[4352];
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (pl_path_join(path, sizeof path, dir, de->d_name) == 0)
            unlink(path);
    }
    closedir(d);
    return rmdir(dir);
}

/* The name of one file of `dir` that does not start with a dot, or "" when
 * there is none. */
static int first_file(const char *dir, char *name, size_t cap)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *de;
    name[0] = 0;
    while ((de = readdir(d)))
        if (de->d_name[0] != '.' && strlen(de->d_name) < cap) {
            memcpy(name, de->d_name, strlen(de->d_name) + 1);
            break;
        }
    closedir(d);
    return 0;
}

/* Move every file of DIR/.promptlab-commit into DIR, then remove it. One
 * file per directory scan: a directory changed while it is read may skip
 * entries, and a skipped file must never be mistaken for a leftover. */
static int roll_forward(const char *dir, const char *commit, struct pl_err *e)
{
    char name[256], from[4352], to[4352];
    for (;;) {
        if (first_file(commit, name, sizeof name) != 0)
            return pl_err_set(e, PL_EIO, "%s: cannot read: %s", commit, strerror(errno));
        if (!name[0])
            break;
        if (pl_path_join(from, sizeof from, commit, name) || pl_path_join(to, sizeof to, dir, name))
            return pl_err_set(e, PL_ERANGE, "%s: path too long", dir);
        if (rename(from, to) != 0)
            return pl_err_set(e, PL_EIO, "%s: cannot move into place: %s", to, strerror(errno));
    }
    sync_dir(dir);
    if (rmdir(commit) != 0)
        return pl_err_set(e, PL_EIO, "%s: cannot remove: %s", commit, strerror(errno));
    sync_dir(dir);
    return 0;
}

static int set_paths(const char *dir, char *pending, char *commit, size_t cap, struct pl_err *e)
{
    if (pl_path_join(pending, cap, dir, PENDING) || pl_path_join(commit, cap, dir, COMMIT))
        return pl_err_set(e, PL_ERANGE, "%s: path too long", dir);
    return 0;
}

int pl_fileset_recover(const char *dir, struct pl_err *e)
{
    char pending[4096], commit[4096];
    int rc = set_paths(dir, pending, commit, sizeof pending, e);
    if (rc)
        return rc;
    struct stat st;
    if (stat(commit, &st) == 0 && (rc = roll_forward(dir, commit, e)))
        return rc;
    if (remove_flat_dir(pending) != 0 && errno != ENOENT)
        return pl_err_set(e, PL_EIO, "%s: cannot remove an unfinished save: %s", pending,
                          strerror(errno));
    return 0;
}

int pl_fileset_begin(const char *dir, char *stage, size_t cap, struct pl_err *e)
{
    char pending[4096], commit[4096];
    int rc = set_paths(dir, pending, commit, sizeof pending, e);
    if (rc || (rc = pl_mkdirs(dir, e)) || (rc = pl_fileset_recover(dir, e)))
        return rc;
    if (strlen(pending) >= cap)
        return pl_err_set(e, PL_ERANGE, "%s: path too long", dir);
    if (mkdir(pending, 0755) != 0)
        return pl_err_set(e, PL_EIO, "%s: cannot create: %s", pending, strerror(errno));
    memcpy(stage, pending, strlen(pending) + 1);
    return 0;
}

void pl_fileset_abort(const char *dir)
{
    char pending[4096], commit[4096];
    if (set_paths(dir, pending, commit, sizeof pending, NULL) == 0)
        remove_flat_dir(pending);
}

int pl_fileset_commit(const char *dir, struct pl_err *e)
{
    char pending[4096], commit[4096];
    int rc = set_paths(dir, pending, commit, sizeof pending, e);
    if (rc)
        return rc;
    sync_dir(pending);
    if (rename(pending, commit) != 0) {
        rc = pl_err_set(e, PL_EIO, "%s: cannot commit: %s; the previous files are kept", dir,
                        strerror(errno));
        remove_flat_dir(pending);
        return rc;
    }
    sync_dir(dir);
    return roll_forward(dir, commit, e);
}

int pl_fileset_path(const char *dir, const char *name, char *buf, size_t cap)
{
    char commit[4096];
    if (pl_path_join(commit, sizeof commit, dir, COMMIT) || pl_path_join(buf, cap, commit, name))
        return PL_ERANGE;
    if (access(buf, F_OK) == 0)
        return 0;
    return pl_path_join(buf, cap, dir, name);
}
