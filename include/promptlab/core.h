/* core.h - errors, workspace arenas, seeded RNG, clocks and small helpers
 * shared by every layer of promptlab.
 *
 * Error convention: functions return 0 on success or a negative PL_E* code,
 * and take an optional `struct pl_err *` (may be NULL) that receives a
 * message saying what failed and where. Error state is per call. */
#ifndef PROMPTLAB_CORE_H
#define PROMPTLAB_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>

#define PL_VERSION "0.1.0"

enum pl_code {
    PL_OK = 0,
    PL_EIO = -1,      /* file missing, unreadable, short read, write failed */
    PL_EFORMAT = -2,  /* file contents malformed */
    PL_ENOMEM = -3,   /* allocation failed or workspace too small */
    PL_EINVAL = -4,   /* bad argument or value */
    PL_ERANGE = -5,   /* value outside the supported range */
    PL_ESTOPPED = -6, /* stopped on request (Ctrl-C, stop flag) */
    PL_ENUMERIC = -7, /* NaN or Inf appeared */
};

struct pl_err {
    int code;
    char msg[768];
};

/* Fill *e (when not NULL) with code and a printf-style message; returns code
 * so callers can write `return pl_err_set(e, PL_EIO, "...")`. */
int pl_err_set(struct pl_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prepend "prefix: " to an existing message (keeps the code); returns e->code
 * or `code` when e is NULL. */
int pl_err_wrap(struct pl_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Short English name of a code ("I/O error", ...). Never NULL. */
const char *pl_code_name(int code);

/* Workspace arena: one block sized once; allocations are 64-byte aligned and
 * released all at once by pl_arena_reset (or back to a mark). */
struct pl_arena {
    unsigned char *base;
    size_t cap;
    size_t used;
    size_t peak;
};
int pl_arena_init(struct pl_arena *a, size_t cap, struct pl_err *e);
void pl_arena_free(struct pl_arena *a);
/* Returns NULL when the arena is full (callers size it up front). */
void *pl_arena_alloc(struct pl_arena *a, size_t bytes);
/* Like pl_arena_alloc but zero-filled. */
void *pl_arena_calloc(struct pl_arena *a, size_t bytes);
static inline size_t pl_arena_mark(const struct pl_arena *a) { return a->used; }
static inline void pl_arena_restore(struct pl_arena *a, size_t mark) { a->used = mark; }
static inline void pl_arena_reset(struct pl_arena *a) { a->used = 0; }

/* Seeded RNG (splitmix64 seeding a xoshiro256**). Same seed, same stream,
 * on every machine. Not thread-safe: one per thread or run. */
struct pl_rng {
    uint64_t s[4];
};
void pl_rng_seed(struct pl_rng *r, uint64_t seed);
uint64_t pl_rng_u64(struct pl_rng *r);
/* Uniform in [0, 1). */
float pl_rng_float(struct pl_rng *r);
/* Uniform integer in [0, n); n > 0. */
uint32_t pl_rng_below(struct pl_rng *r, uint32_t n);
/* Standard normal (Box-Muller). */
float pl_rng_normal(struct pl_rng *r);

/* Monotonic clock in seconds. */
double pl_now(void);

/* Read a whole file into a malloc'd, NUL-terminated buffer (caller frees).
 * *len receives the byte count (without the NUL). */
int pl_read_file(const char *path, char **data, size_t *len, struct pl_err *e);

/* Replacing files safely (src/core/save.c): after a crash, a kill or a
 * full disk a file holds its old contents or its new ones, never a mix.
 *
 * Write `len` bytes to `path` atomically: temporary file in the same
 * directory, fsync, rename, fsync of the directory. An existing file is
 * replaced only when the whole write succeeded; the error then says the
 * previous file is kept. */
int pl_write_file_atomic(const char *path, const void *data, size_t len, struct pl_err *e);

/* The same as a stream, for writers that produce a file piece by piece:
 * pl_atomic_open creates "PATH.tmp.XXXXXX" and opens `f` on it; write to
 * a->f (errors may surface only at commit); pl_atomic_commit flushes,
 * fsyncs and renames over PATH (on failure the temporary file is removed
 * and PATH is untouched); pl_atomic_abort discards. Exactly one of commit
 * and abort follows a successful open. a->tmp may also be handed to a
 * library that writes by file name, as long as it writes the same file. */
struct pl_atomic_file {
    FILE *f;
    char path[4096];
    char tmp[4096 + 16];
};
int pl_atomic_open(struct pl_atomic_file *a, const char *path, struct pl_err *e);
int pl_atomic_commit(struct pl_atomic_file *a, struct pl_err *e);
void pl_atomic_abort(struct pl_atomic_file *a);

/* Several files of one directory replaced together (a soft prompt, a
 * checkpoint). pl_fileset_begin creates DIR (if missing) and a staging
 * directory, DIR/.promptlab-pending, whose path it writes to `stage`;
 * the caller writes the set's files there under their final names, then
 * pl_fileset_commit makes them DIR's files in one atomic step (a directory
 * rename) and moves them into place, or pl_fileset_abort drops them. Files
 * of DIR outside the set are left alone. A save interrupted before the
 * commit leaves DIR's previous files as they were; one interrupted after it
 * is finished by the next pl_fileset_begin or pl_fileset_recover.
 * Readers never need to write: pl_fileset_path gives the path to read NAME
 * from (DIR/.promptlab-commit/NAME while a committed save is being moved
 * into place, else DIR/NAME). One writer per DIR at a time; not
 * thread-safe for the same DIR. */
int pl_fileset_begin(const char *dir, char *stage, size_t cap, struct pl_err *e);
int pl_fileset_commit(const char *dir, struct pl_err *e);
void pl_fileset_abort(const char *dir);
int pl_fileset_recover(const char *dir, struct pl_err *e);
/* Returns PL_ERANGE when the path does not fit in buf, else 0. */
int pl_fileset_path(const char *dir, const char *name, char *buf, size_t cap);

/* A growable NUL-terminated string. A failed allocation sets `oom` and
 * later writes do nothing, so a builder checks once, at the end. */
struct pl_str {
    char *p; /* NULL until the first write */
    size_t n, cap;
    bool oom;
};
void pl_str_put(struct pl_str *s, const void *data, size_t n);
void pl_str_puts(struct pl_str *s, const char *text);
void pl_str_putc(struct pl_str *s, char c);
/* One CSV field (RFC 4180): as it is, or quoted with inner quotes doubled
 * when it holds a comma, a quote or a line break. */
void pl_str_csv(struct pl_str *s, const char *field);
/* printf into the string; mind that %f follows the C locale's LC_NUMERIC */
void pl_str_printf(struct pl_str *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The last component of a path, trailing slashes ignored ("a/b/" -> "b"),
 * copied into buf (cut to cap); returns buf. */
const char *pl_path_base(const char *path, char *buf, size_t cap);

/* Create a directory and any missing parents ("mkdir -p"); an existing
 * directory is fine, an existing file of that name is an error. */
int pl_mkdirs(const char *dir, struct pl_err *e);

/* Join dir and name into buf ("dir/name"); returns PL_ERANGE if it does not fit. */
int pl_path_join(char *buf, size_t cap, const char *dir, const char *name);

/* True when s is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
bool pl_utf8_valid(const char *s, size_t len);

#endif
