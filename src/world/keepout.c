/* keepout.c - sentences the world must never write: the hand-written probe
 * set (assets/probe/) measures the model on text no generator made, so no
 * corpus, sample set or generator output may hold one of its sentences.
 *
 * The one idea: texts are compared normalised (ASCII lower case, single
 * spaces, no final punctuation: a probe row may be typed casually), and a
 * text holds a probe sentence when the sentence occurs anywhere in it ("I
 * think that my mother is cooking dinner" holds "my mother is cooking
 * dinner"), as whole words ("she is tired" does not hold "he is tired").
 * The generator asks this for every example it draws, so the
 * sentences are indexed by their first two bytes: a text of n bytes costs n
 * lookups and a comparison for the few sentences that start there, not a
 * scan per sentence. */
#include "world_impl.h"

#include "promptlab/jsonl.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void norm(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (; *s && n + 1 < cap; s++) {
        char c = *s;
        if (c == ' ' && (n == 0 || out[n - 1] == ' '))
            continue;
        out[n++] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
    }
    while (n && strchr(".?! ", out[n - 1]))
        n--;
    out[n] = 0;
}

/* Letters, digits, apostrophes and any byte of a multi-byte character
 * belong to a word. */
static bool word_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '\'' || (c & 0x80);
}

static unsigned key(const char *s)
{
    return (unsigned)(unsigned char)s[0] << 8 | (unsigned char)s[1];
}

void world_keepout_free(struct wkeepout *k)
{
    for (int i = 0; i < k->n; i++)
        free(k->v[i]);
    free(k->v);
    free(k->next);
    free(k->head);
    memset(k, 0, sizeof *k);
}

static bool has_tag(const struct jsonl_record *r, const char *tag)
{
    for (int i = 0; i < r->n_tags; i++)
        if (strcmp(r->tags[i], tag) == 0)
            return true;
    return false;
}

static int add(struct wkeepout *k, const char *text, struct pl_err *e)
{
    char buf[1024];
    norm(text, buf, sizeof buf);
    if (strlen(buf) < 2)
        return 0; /* "ok": too short to mean anything inside other text */
    if (k->n == k->cap) {
        int cap = k->cap ? 2 * k->cap : 256;
        char **v = realloc(k->v, (size_t)cap * sizeof *v);
        if (!v)
            return pl_err_set(e, PL_ENOMEM, "out of memory");
        k->v = v;
        int *next = realloc(k->next, (size_t)cap * sizeof *next);
        if (!next)
            return pl_err_set(e, PL_ENOMEM, "out of memory");
        k->next = next;
        k->cap = cap;
    }
    if (!(k->v[k->n] = strdup(buf)))
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    unsigned h = key(buf);
    k->next[k->n] = k->head[h];
    k->head[h] = k->n++;
    return 0;
}

static int read_file(struct wkeepout *k, const char *path, struct pl_err *e)
{
    struct jsonl_set s = {0};
    int rc = jsonl_read(path, &s, e);
    for (int i = 0; !rc && i < s.n; i++)
        if (!has_tag(&s.rec[i], "bare")) /* bare idiom phrases are the world's own */
            rc = add(k, s.rec[i].source, e);
    jsonl_free(&s);
    return rc;
}

int world_keepout_load(struct wkeepout *k, const char *dir, struct pl_err *e)
{
    memset(k, 0, sizeof *k);
    if (!(k->head = malloc(65536 * sizeof *k->head)))
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    for (int i = 0; i < 65536; i++)
        k->head[i] = -1;
    DIR *d = opendir(dir);
    if (!d) {
        world_keepout_free(k);
        return pl_err_set(e, PL_EIO, "%s: cannot open the probe set: %s", dir, strerror(errno));
    }
    int rc = 0;
    for (struct dirent *de; !rc && (de = readdir(d));) {
        size_t n = strlen(de->d_name);
        if (de->d_name[0] == '.' || n < 7 || strcmp(de->d_name + n - 6, ".jsonl") != 0)
            continue;
        char path[4096];
        if (pl_path_join(path, sizeof path, dir, de->d_name) != 0)
            rc = pl_err_set(e, PL_ERANGE, "%s/%s: path too long", dir, de->d_name);
        else
            rc = read_file(k, path, e);
    }
    closedir(d);
    if (rc)
        world_keepout_free(k);
    return rc;
}

bool world_keepout_hit(const struct wkeepout *k, const char *text)
{
    if (!k->n || !text)
        return false;
    char buf[1024];
    norm(text, buf, sizeof buf);
    for (const char *p = buf; p[0] && p[1]; p++) {
        if (p > buf && word_byte(p[-1]))
            continue; /* "he is tired" is not held by "she is tired" */
        for (int i = k->head[key(p)]; i >= 0; i = k->next[i]) {
            size_t n = strlen(k->v[i]);
            if (strncmp(p, k->v[i], n) == 0 && !word_byte(p[n]))
                return true;
        }
    }
    return false;
}

int world_keep_out(struct world *w, const char *dir, struct pl_err *e)
{
    if (!dir) {
        world_keepout_free(&w->keep_out);
        return 0;
    }
    struct wkeepout k;
    int rc = world_keepout_load(&k, dir, e);
    if (rc)
        return rc;
    world_keepout_free(&w->keep_out);
    w->keep_out = k;
    return 0;
}
