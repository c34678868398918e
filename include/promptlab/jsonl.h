/* jsonl.h - JSON Lines data sets: one record per line,
 *   {"source": str, "target": str, "literal": str?, "tags": [str]?, "label": str?}
 * Blank lines are skipped; unknown keys are ignored; a null optional field
 * counts as absent. Every string must be valid UTF-8. A malformed line is an
 * error naming file:line and the problem ("data.jsonl:7: not valid JSON",
 * "data.jsonl:3: missing string field \"source\"").
 * Thread safety: no shared state; a jsonl_set is plain data. */
#ifndef PROMPTLAB_JSONL_H
#define PROMPTLAB_JSONL_H

#include <stddef.h>

#include "promptlab/core.h"

/* The longest line accepted, in bytes (without its line ending): a record
 * is a few sentences; a longer line is refused ("data.jsonl:7: line is
 * longer than the limit of 1048576 bytes") before it is read to its end. */
enum { JSONL_MAX_LINE = 1 << 20 };

struct jsonl_record {
    char *source;  /* never NULL after a read */
    char *target;  /* never NULL after a read */
    char *literal; /* NULL when absent */
    char *label;   /* NULL when absent */
    char **tags;   /* [n_tags]; NULL when n_tags == 0 */
    int n_tags;
    int line;      /* 1-based line number in the file it came from (0 when built in memory) */
};

struct jsonl_set {
    struct jsonl_record *rec; /* [n], owned; free with jsonl_free */
    int n;
};

/* Read the records of `path` into *out (zeroed first; on error *out is left
 * empty). An empty file gives n == 0. The file is read in blocks; only the
 * current line is held. Caller frees with jsonl_free. */
int jsonl_read(const char *path, struct jsonl_set *out, struct pl_err *e);

/* Same as jsonl_read but from text[0..len) in memory; `name` is used in
 * messages in place of a path. A leading UTF-8 byte-order mark is skipped;
 * lines may end in "\n" or "\r\n". */
int jsonl_parse(const char *name, const char *text, size_t len, struct jsonl_set *out,
                struct pl_err *e);

/* Free the records and zero the set. NULL is fine. */
void jsonl_free(struct jsonl_set *s);

/* Write n records to `path` atomically (temporary file, fsync, rename), one
 * compact JSON object per line, keys in the order source, target, literal,
 * tags, label; absent optional fields are omitted. source and target must
 * not be NULL and every string must be UTF-8 (else PL_EINVAL). */
int jsonl_write(const char *path, const struct jsonl_record *rec, int n, struct pl_err *e);

#endif
