/* words.h - the words a model read in training, so that a word it never saw
 * can be marked, whatever its tokenizer makes of it.
 *
 * A word is a run of letters and digits (any non-ASCII letter counts) with
 * apostrophes (' or U+2019) allowed between them: "it's", "don't", "café".
 * Words are compared folded: ASCII letters lowercased, U+2019 read as '.
 * Everything else (spaces, punctuation, hyphens) separates words.
 *
 * A shipped model carries its list as `words.tsv` beside its weights: one
 * line per word, "word<TAB>count", counts from its training sources; lines
 * starting with '#' are comments. A table is plain data once built: any
 * number of threads may look words up at once. */
#ifndef PROMPTLAB_WORDS_H
#define PROMPTLAB_WORDS_H

#include <stdbool.h>
#include <stddef.h>

#include "promptlab/core.h"

/* The longest word kept, in bytes; longer runs are still found by
 * words_next but are never in a table (so they count as unseen). */
#define WORDS_MAX_LEN 64

struct words;

/* Find the next word of text[0..len) at or after *pos: true with
 * [*start, *start + *n) the word and *pos past it; false at the end.
 * Invalid UTF-8 bytes separate words. */
bool words_next(const char *text, size_t len, size_t *pos, size_t *start, size_t *n);

/* An empty table. Caller frees with words_free. */
int words_init(struct words **out, struct pl_err *e);
void words_free(struct words *w);

/* Count every word of text (NUL-terminated). */
int words_add_text(struct words *w, const char *text, struct pl_err *e);

/* How often the word was counted (0: never seen). */
long long words_count(const struct words *w, const char *word, size_t n);

/* Distinct words; total words counted. */
long words_distinct(const struct words *w);
long long words_total(const struct words *w);

/* Write the table as words.tsv (most frequent first, ties by bytes),
 * atomically, with a comment line naming `what` (may be NULL). */
int words_save(const struct words *w, const char *path, const char *what, struct pl_err *e);

/* Read a words.tsv. Errors name the file and line (PL_EFORMAT: a line
 * without a tab, a count that is not a positive integer, a word that is
 * not one word as words_next reads it, a repeated word); PL_ERANGE for a
 * file over 64 MB. Caller frees with words_free. */
int words_load(const char *path, struct words **out, struct pl_err *e);

#endif
