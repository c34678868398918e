/* test_save.c - atomic file replacement (src/core/save.c): one file through
 * pl_write_file_atomic and the stream API, and sets of files through
 * pl_fileset_*, including the states an interrupted save leaves behind
 * (built by hand here; tests/test_atomic.sh makes them with SIGKILL). A file
 * size limit (RLIMIT_FSIZE) stands in for a full disk. */
#include "test.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "promptlab/core.h"

static char root[256];

static void path(char *buf, size_t cap, const char *a, const char *b)
{
    if (pl_path_join(buf, cap, a, b))
        buf[0] = 0;
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static void put(const char *p, const char *text)
{
    FILE *f = fopen(p, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* The file's text ("" when unreadable), in a static buffer. */
static const char *text_of(const char *p)
{
    static char buf[256];
    char *data = NULL;
    size_t n = 0;
    buf[0] = 0;
    if (pl_read_file(p, &data, &n, NULL) == 0)
        snprintf(buf, sizeof buf, "%s", data);
    free(data);
    return buf;
}

/* Entries of dir other than "." and "..". */
static int n_entries(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p) {
        if (fscanf(p, "%d", &n) != 1)
            n = -1;
        pclose(p);
    }
    return n;
}

/* Read NAME of the set in dir as a reader does. */
static const char *read_set(const char *dir, const char *name)
{
    char p[4096];
    if (pl_fileset_path(dir, name, p, sizeof p))
        return "";
    return text_of(p);
}

static void limit_file_size(rlim_t bytes, struct rlimit *old)
{
    struct rlimit lim;
    getrlimit(RLIMIT_FSIZE, old);
    lim = *old;
    lim.rlim_cur = bytes;
    CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
}

static void test_one_file(void)
{
    char f[512], dir[512];
    struct pl_err e = {0};
    path(dir, sizeof dir, root, "one");
    mkdir(dir, 0755);
    path(f, sizeof f, dir, "export.svg");
    CHECK(pl_write_file_atomic(f, "first\n", 6, &e) == 0);
    CHECK_STR(text_of(f), "first\n");
    CHECK(pl_write_file_atomic(f, "second\n", 7, &e) == 0);
    CHECK_STR(text_of(f), "second\n");
    CHECK_INT(n_entries(dir), 1); /* no temporary file left */

    /* A full disk (here: a file size limit) keeps the old file and says so. */
    char big[4096];
    memset(big, 'x', sizeof big);
    struct rlimit old;
    limit_file_size(1000, &old);
    int rc = pl_write_file_atomic(f, big, sizeof big, &e);
    setrlimit(RLIMIT_FSIZE, &old);
    CHECK(rc == PL_EIO);
    CHECKF(strstr(e.msg, "export.svg: cannot write: File too large; the previous file is kept"),
           "%s", e.msg);
    CHECK_STR(text_of(f), "second\n");
    CHECK_INT(n_entries(dir), 1);

    /* No previous file: no promise about one. */
    path(f, sizeof f, dir, "new.csv");
    limit_file_size(1000, &old);
    rc = pl_write_file_atomic(f, big, sizeof big, &e);
    setrlimit(RLIMIT_FSIZE, &old);
    CHECK(rc == PL_EIO && !strstr(e.msg, "previous"));
    CHECK(!exists(f));
    CHECK_INT(n_entries(dir), 1);

    /* The stream: abort leaves the old file; commit replaces it. */
    path(f, sizeof f, dir, "export.svg");
    struct pl_atomic_file a;
    CHECK(pl_atomic_open(&a, f, &e) == 0);
    fputs("half", a.f);
    pl_atomic_abort(&a);
    CHECK_STR(text_of(f), "second\n");
    CHECK(pl_atomic_open(&a, f, &e) == 0);
    fputs("third\n", a.f);
    CHECK_STR(text_of(f), "second\n"); /* nothing visible before the commit */
    CHECK(pl_atomic_commit(&a, &e) == 0);
    CHECK_STR(text_of(f), "third\n");
    CHECK_INT(n_entries(dir), 1);

    /* A directory that does not exist: a clear error. */
    path(f, sizeof f, dir, "no/such/file");
    CHECK(pl_write_file_atomic(f, "x", 1, &e) == PL_EIO && strstr(e.msg, "no/such/file"));
}

/* Save a, b (texts va, vb) as one set in dir. */
static int save_set(const char *dir, const char *va, const char *vb, struct pl_err *e)
{
    char stage[4096], p[4200];
    int rc = pl_fileset_begin(dir, stage, sizeof stage, e);
    if (rc)
        return rc;
    path(p, sizeof p, stage, "a");
    if ((rc = pl_write_file_atomic(p, va, strlen(va), e)) == 0) {
        path(p, sizeof p, stage, "b");
        rc = pl_write_file_atomic(p, vb, strlen(vb), e);
    }
    if (rc == 0)
        rc = pl_fileset_commit(dir, e);
    if (rc)
        pl_fileset_abort(dir);
    return rc;
}

static void test_set(void)
{
    char dir[512], p[4200], q[4200];
    struct pl_err e = {0};
    path(dir, sizeof dir, root, "set/nested");
    CHECK(save_set(dir, "a1", "b1", &e) == 0); /* creates the directory */
    CHECK_STR(read_set(dir, "a"), "a1");
    CHECK_STR(read_set(dir, "b"), "b1");
    path(p, sizeof p, dir, "user-notes.txt");
    put(p, "mine");
    CHECK(save_set(dir, "a2", "b2", &e) == 0);
    CHECK_STR(read_set(dir, "a"), "a2");
    CHECK_STR(read_set(dir, "b"), "b2");
    CHECK_STR(text_of(p), "mine"); /* files outside the set stay */
    CHECK_INT(n_entries(dir), 3);

    /* Killed while staging: the pending files are not the set. */
    char stage[4096];
    CHECK(pl_fileset_begin(dir, stage, sizeof stage, &e) == 0);
    path(p, sizeof p, stage, "a");
    put(p, "a3");
    CHECK_STR(read_set(dir, "a"), "a2");
    CHECK_STR(read_set(dir, "b"), "b2");
    /* ... and the next save starts clean. */
    CHECK(save_set(dir, "a4", "b4", &e) == 0);
    CHECK_STR(read_set(dir, "a"), "a4");
    CHECK_STR(read_set(dir, "b"), "b4");
    CHECK_INT(n_entries(dir), 3);

    /* Killed after the commit point, with "a" moved into place and "b" not
     * yet: readers see the new set whole; recovery finishes the moves. */
    path(p, sizeof p, dir, ".promptlab-commit");
    CHECK(mkdir(p, 0755) == 0);
    path(q, sizeof q, p, "b");
    put(q, "b5");
    path(q, sizeof q, dir, "a");
    put(q, "a5");
    CHECK_STR(read_set(dir, "a"), "a5");
    CHECK_STR(read_set(dir, "b"), "b5");
    CHECK(pl_fileset_recover(dir, &e) == 0);
    CHECK(!exists(p));
    path(q, sizeof q, dir, "b");
    CHECK_STR(text_of(q), "b5");
    CHECK_INT(n_entries(dir), 3);

    /* Killed right after the commit rename: nothing moved yet. The next
     * save finishes that one before it starts. */
    path(p, sizeof p, dir, ".promptlab-commit");
    CHECK(mkdir(p, 0755) == 0);
    path(q, sizeof q, p, "a");
    put(q, "a6");
    path(q, sizeof q, p, "b");
    put(q, "b6");
    CHECK_STR(read_set(dir, "a"), "a6");
    CHECK_STR(read_set(dir, "b"), "b6");
    CHECK(pl_fileset_begin(dir, stage, sizeof stage, &e) == 0);
    CHECK(!exists(p));
    path(q, sizeof q, dir, "a");
    CHECK_STR(text_of(q), "a6");
    pl_fileset_abort(dir);
    CHECK(!exists(stage));

    /* A full disk while staging: the error names the final file, the
     * previous set stays, nothing is left behind. */
    char big[4096];
    memset(big, 'y', sizeof big - 1);
    big[sizeof big - 1] = 0;
    struct rlimit old;
    limit_file_size(1000, &old);
    int rc = save_set(dir, "a7", big, &e);
    setrlimit(RLIMIT_FSIZE, &old);
    CHECK(rc == PL_EIO);
    CHECKF(strstr(e.msg, "set/nested/b: cannot write: File too large; the previous file is kept"),
           "%s", e.msg);
    CHECK_STR(read_set(dir, "a"), "a6");
    CHECK_STR(read_set(dir, "b"), "b6");
    CHECK_INT(n_entries(dir), 3);

    /* A set in a directory that is a file: an error, not a crash. */
    path(p, sizeof p, dir, "user-notes.txt");
    CHECK(pl_fileset_begin(p, stage, sizeof stage, &e) == PL_EIO);
}

int main(void)
{
    signal(SIGXFSZ, SIG_IGN); /* a write past the limit fails with EFBIG */
    snprintf(root, sizeof root, "/tmp/pl_test_save.%ld", (long)getpid());
    mkdir(root, 0755);
    test_one_file();
    test_set();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", root);
    TEST_END();
}
