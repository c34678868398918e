/* load.c - read the world's data files (assets/world/) into plain structs and
 * check them.
 *
 * The one idea: every file is read whole and parsed in place - fields are
 * cut out of the file's own buffer by writing NULs - so the structs point
 * into buffers the world keeps until world_free.  Two formats: "tables" (one
 * row per line, fields separated by '|') and "records" (one "key value" per
 * line, records separated by blank lines).  Lists inside a field are split on
 * commas (forms) or spaces (selectors).  Every problem is reported with the
 * file and line ("verbs.txt:212: verb 'eat': es.past has 4 forms, needs 5"). */
#include "world_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const world_lang_codes[N_LANG] = {"en", "es", "fr", "vi"};
const char *const world_lang_names[N_LANG] = {"English", "Spanish", "French", "Vietnamese"};
const char *const world_task_names[N_TASK] = {"translate", "meaning", "explain", "classify"};
const char *const world_kind_names[N_KIND] = {
    "describe", "location", "exist", "this_is", "action", "intransitive", "motion",
    "progressive", "frequency", "likes", "possessive", "imperative", "weather", "clock",
    "yes_no", "yes_no_be", "where", "what", "who", "what_color", "how_many", "state",
    "greeting", "modal", "request", "lets", "think", "time", "because", "when", "compare",
    "coord", "near", "favorite", "why", "language",
};

/* ---- small parsing helpers ---- */

struct cursor {
    char *p;
    int line;
};

/* The next line of the buffer, NUL-terminated in place; NULL at the end. */
static char *next_line(struct cursor *c)
{
    if (!c->p || !*c->p)
        return NULL;
    char *s = c->p, *nl = strchr(s, '\n');
    if (nl) {
        *nl = 0;
        c->p = nl + 1;
    } else {
        c->p = s + strlen(s);
    }
    c->line++;
    size_t n = strlen(s);
    if (n && s[n - 1] == '\r')
        s[n - 1] = 0;
    return s;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        *--e = 0;
    return s;
}

/* Split s on sep into at most max trimmed fields; returns the number of
 * fields found (which may exceed max). */
static int split(char *s, char sep, char **f, int max)
{
    int n = 0;
    for (;;) {
        char *q = strchr(s, sep);
        if (q)
            *q = 0;
        if (n < max)
            f[n] = trim(s);
        n++;
        if (!q)
            return n;
        s = q + 1;
    }
}

/* Split on runs of spaces. */
static int split_words(char *s, char **f, int max)
{
    int n = 0;
    for (char *t = s; *t;) {
        while (*t == ' ' || *t == '\t')
            *t++ = 0;
        if (!*t)
            break;
        if (n < max)
            f[n] = t;
        n++;
        while (*t && *t != ' ' && *t != '\t')
            t++;
    }
    return n;
}

static const char *opt(const char *s)
{
    return strcmp(s, "-") == 0 ? NULL : s;
}

static bool blank_or_comment(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return *s == 0 || *s == '#';
}

static int grow(void **p, int *cap, int n, size_t elem, struct pl_err *e)
{
    if (n < *cap)
        return 0;
    int nc = *cap ? *cap * 2 : 64;
    void *q = realloc(*p, (size_t)nc * elem);
    if (!q)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    memset((char *)q + (size_t)*cap * elem, 0, (size_t)(nc - *cap) * elem);
    *p = q;
    *cap = nc;
    return 0;
}

/* Error helper: "<path>:<line>: message". */
static int bad(struct pl_err *e, const struct wfile *f, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int bad(struct pl_err *e, const struct wfile *f, int line, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return pl_err_set(e, PL_EFORMAT, "%s:%d: %s", f->path, line, msg);
}

static int read_file(struct world *w, const char *dir, const char *name, struct wfile **out,
                     struct pl_err *e)
{
    char path[4096];
    if (pl_path_join(path, sizeof path, dir, name) != 0)
        return pl_err_set(e, PL_ERANGE, "%s/%s: path too long", dir, name);
    void *p = realloc(w->files, (size_t)(w->n_files + 1) * sizeof *w->files);
    if (!p)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    w->files = p;
    struct wfile *f = &w->files[w->n_files];
    memset(f, 0, sizeof *f);
    size_t len;
    int rc = pl_read_file(path, &f->text, &len, e);
    if (rc != 0)
        return rc;
    w->n_files++;
    f->path = strdup(path);
    if (!f->path)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    if (!pl_utf8_valid(f->text, len))
        return pl_err_set(e, PL_EFORMAT, "%s: not valid UTF-8", path);
    if (strlen(f->text) != len)
        return pl_err_set(e, PL_EFORMAT, "%s: contains a NUL byte", path);
    *out = f;
    return 0;
}

/* ---- lookups ---- */

/* Every entry struct starts with its id: find one in an array of n of them. */
static int find_id(const void *base, int n, size_t size, const char *id)
{
    for (int i = 0; i < n; i++) {
        const char *const *p = (const void *)((const char *)base + (size_t)i * size);
        if (*p && strcmp(*p, id) == 0)
            return i;
    }
    return -1;
}

int world_noun_index(const struct world *w, const char *id)
{
    return find_id(w->nouns, w->n_nouns, sizeof *w->nouns, id);
}
int world_verb_index(const struct world *w, const char *id)
{
    return find_id(w->verbs, w->n_verbs, sizeof *w->verbs, id);
}
int world_adj_index(const struct world *w, const char *id)
{
    return find_id(w->adjs, w->n_adjs, sizeof *w->adjs, id);
}
int world_place_index(const struct world *w, const char *id)
{
    return find_id(w->places, w->n_places, sizeof *w->places, id);
}
int world_time_index(const struct world *w, const char *id)
{
    return find_id(w->times, w->n_times, sizeof *w->times, id);
}
int world_pron_index(const struct world *w, const char *id)
{
    return find_id(w->prons, w->n_prons, sizeof *w->prons, id);
}
int world_num_index(const struct world *w, const char *id)
{
    return find_id(w->nums, w->n_nums, sizeof *w->nums, id);
}

/* ---- sets ---- */

static int set_alloc(struct wset *s, int universe, struct pl_err *e)
{
    s->has = calloc((size_t)(universe ? universe : 1), 1);
    s->ix = malloc((size_t)(universe ? universe : 1) * sizeof *s->ix);
    s->n = 0;
    if (!s->has || !s->ix)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    return 0;
}

static void set_finish(struct wset *s, int universe)
{
    s->n = 0;
    for (int i = 0; i < universe; i++)
        if (s->has[i])
            s->ix[s->n++] = i;
}

static void set_free(struct wset *s)
{
    free(s->has);
    free(s->ix);
}

static bool noun_matches(const struct wnoun *n, const char *word)
{
    if (strcmp(word, n->id) == 0 || strcmp(word, n->cat) == 0)
        return true;
    if (strcmp(word, "people") == 0 && strcmp(n->cat, "family") == 0)
        return true;
    for (int i = 0; i < n->n_tags; i++)
        if (strcmp(word, n->tags[i]) == 0)
            return true;
    return false;
}

static bool place_matches(const struct wplace *p, const char *word)
{
    if (strcmp(word, p->id) == 0)
        return true;
    for (int i = 0; i < p->n_tags; i++)
        if (strcmp(word, p->tags[i]) == 0)
            return true;
    return false;
}

/* Resolve a selector ("people animals !penguin") over the nouns.  Every word
 * must match at least one noun. */
static int noun_set(struct world *w, char *list, struct wset *s, const struct wfile *f, int line,
                    const char *what, struct pl_err *e)
{
    int rc = set_alloc(s, w->n_nouns, e);
    if (rc)
        return rc;
    char *words[64];
    int n = split_words(list, words, 64);
    if (n > 64)
        return bad(e, f, line, "%s: more than 64 words", what);
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < n; i++) {
            bool neg = words[i][0] == '!';
            if (neg != (pass == 1))
                continue;
            const char *word = words[i] + neg;
            int hits = 0, named = -1;
            for (int k = 0; k < w->n_nouns; k++)
                if (noun_matches(&w->nouns[k], word)) {
                    s->has[k] = !neg;
                    hits++;
                    if (strcmp(w->nouns[k].id, word) == 0)
                        named = k;
                }
            if (!hits)
                return bad(e, f, line, "%s: '%s' is no noun, category or tag of nouns.txt", what,
                           word);
            /* "sea" the place and "sea" the animals' tag: one word, two meanings */
            if (named >= 0 && hits > 1) {
                const struct wnoun *x = &w->nouns[named];
                bool own = strcmp(x->cat, word) == 0;
                for (int k = 0; k < x->n_tags; k++)
                    own |= strcmp(x->tags[k], word) == 0;
                if (!own)
                    return bad(e, f, line, "%s: '%s' is the noun '%s' and a tag of other nouns",
                               what, word, word);
            }
        }
    }
    set_finish(s, w->n_nouns);
    if (s->n == 0)
        return bad(e, f, line, "%s: selects no noun", what);
    return 0;
}

static int place_set(struct world *w, char *list, struct wset *s, const struct wfile *f,
                     int line, const char *what, struct pl_err *e)
{
    int rc = set_alloc(s, w->n_places, e);
    if (rc)
        return rc;
    char *words[64];
    int n = split_words(list, words, 64);
    if (n > 64)
        return bad(e, f, line, "%s: more than 64 words", what);
    for (int i = 0; i < n; i++) {
        int hits = 0, named = -1;
        for (int k = 0; k < w->n_places; k++)
            if (place_matches(&w->places[k], words[i])) {
                s->has[k] = 1;
                hits++;
                if (strcmp(w->places[k].id, words[i]) == 0)
                    named = k;
            }
        if (!hits)
            return bad(e, f, line, "%s: '%s' is no place or place tag of places.txt", what,
                       words[i]);
        if (named >= 0 && hits > 1) {
            const struct wplace *x = &w->places[named];
            bool own = false;
            for (int k = 0; k < x->n_tags; k++)
                own |= strcmp(x->tags[k], words[i]) == 0;
            if (!own)
                return bad(e, f, line, "%s: '%s' is the place '%s' and a tag of other places",
                           what, words[i], words[i]);
        }
    }
    set_finish(s, w->n_places);
    return 0;
}

/* Words of a space-separated list, kept as an array of pointers. */
static int word_list(char *s, const char ***out, int *n, struct pl_err *e)
{
    char *tmp[64];
    int k = split_words(s, tmp, 64);
    if (k > 64)
        k = 64;
    *out = NULL;
    *n = 0;
    if (k == 0)
        return 0;
    const char **a = malloc((size_t)k * sizeof *a);
    if (!a)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    memcpy(a, tmp, (size_t)k * sizeof *a);
    *out = a;
    *n = k;
    return 0;
}

static int gender(const char *s)
{
    return strcmp(s, "m") == 0 ? G_M : strcmp(s, "f") == 0 ? G_F : -1;
}

/* ---- tables ---- */

static int load_nouns(struct world *w, const char *dir, struct pl_err *e)
{
    struct wfile *f;
    int rc = read_file(w, dir, "nouns.txt", &f, e);
    if (rc)
        return rc;
    struct cursor c = {f->text, 0};
    int cap = 0;
    char *line;
    while ((line = next_line(&c))) {
        if (blank_or_comment(line))
            continue;
        char *fl[16];
        int nf = split(line, '|', fl, 16);
        if (nf != 14)
            return bad(e, f, c.line, "%d fields, expected 14", nf);
        if ((rc = grow((void **)&w->nouns, &cap, w->n_nouns, sizeof *w->nouns, e)))
            return rc;
        struct wnoun *n = &w->nouns[w->n_nouns++];
        n->id = fl[0];
        n->cat = fl[1];
        if (!*n->id || !*n->cat)
            return bad(e, f, c.line, "empty id or category");
        if (find_id(w->nouns, w->n_nouns - 1, sizeof *w->nouns, n->id) >= 0)
            return bad(e, f, c.line, "noun '%s' defined twice", n->id);
        if ((rc = word_list(fl[2], &n->tags, &n->n_tags, e)))
            return rc;
        n->en[0] = fl[3];
        n->en[1] = opt(fl[4]);
        n->es_g = gender(fl[5]);
        n->es[0] = fl[6];
        n->es[1] = opt(fl[7]);
        n->fr_g = gender(fl[8]);
        n->fr[0] = fl[9];
        n->fr[1] = opt(fl[10]);
        n->vi_cl = opt(fl[11]);
        n->vi = fl[12];
        n->label = -1;
        n->place = -1;
        char *flags[16];
        int nfl = split_words(fl[13], flags, 16);
        for (int i = 0; i < nfl && i < 16; i++) {
            static const struct { const char *name; unsigned bit; } known[] = {
                {"mass", NF_MASS}, {"sg", NF_SG}, {"possonly", NF_POSSONLY},
                {"vdirect", NF_VDIRECT}, {"objonly", NF_OBJONLY}, {"tonic", NF_TONIC},
                {"hasp", NF_HASP}, {"a", NF_EN_A}, {"an", NF_EN_AN},
                {"noposs", NF_NOPOSS}, {"sgposs", NF_SGPOSS}, {"plonly", NF_PLONLY},
            };
            size_t k = 0;
            while (k < sizeof known / sizeof *known && strcmp(known[k].name, flags[i]) != 0)
                k++;
            if (k == sizeof known / sizeof *known)
                return bad(e, f, c.line, "noun '%s': unknown flag '%s'", n->id, flags[i]);
            n->flags |= known[k].bit;
        }
        if (n->es_g < 0 || n->fr_g < 0)
            return bad(e, f, c.line, "noun '%s': gender must be m or f", n->id);
        if (!*n->en[0] || !*n->es[0] || !*n->fr[0] || !*n->vi || strcmp(n->vi, "-") == 0)
            return bad(e, f, c.line, "noun '%s': a singular form is missing", n->id);
        bool no_pl = (n->flags & (NF_MASS | NF_SG | NF_POSSONLY)) && !(n->flags & NF_PLONLY);
        if ((n->flags & NF_PLONLY) && (n->flags & (NF_MASS | NF_SG)))
            return bad(e, f, c.line, "noun '%s': plonly with mass or sg", n->id);
        int have_pl = !!n->en[1] + !!n->es[1] + !!n->fr[1];
        if (no_pl && have_pl)
            return bad(e, f, c.line, "noun '%s' is mass or singular-only but has a plural", n->id);
        if (!no_pl && have_pl != 3)
            return bad(e, f, c.line, "noun '%s': a plural form is missing (en, es and fr)", n->id);
    }
    if (w->n_nouns == 0)
        return bad(e, f, c.line, "no nouns");
    return 0;
}

static int load_places(struct world *w, const char *dir, struct pl_err *e)
{
    struct wfile *f;
    int rc = read_file(w, dir, "places.txt", &f, e);
    if (rc)
        return rc;
    struct cursor c = {f->text, 0};
    int cap = 0;
    char *line;
    while ((line = next_line(&c))) {
        if (blank_or_comment(line))
            continue;
        char *fl[12];
        int nf = split(line, '|', fl, 12);
        if (nf != 11)
            return bad(e, f, c.line, "%d fields, expected 11", nf);
        if ((rc = grow((void **)&w->places, &cap, w->n_places, sizeof *w->places, e)))
            return rc;
        struct wplace *p = &w->places[w->n_places++];
        p->id = fl[0];
        if (!*p->id)
            return bad(e, f, c.line, "empty id");
        if (find_id(w->places, w->n_places - 1, sizeof *w->places, p->id) >= 0)
            return bad(e, f, c.line, "place '%s' defined twice", p->id);
        if ((rc = word_list(fl[1], &p->tags, &p->n_tags, e)))
            return rc;
        if (p->n_tags == 0)
            return bad(e, f, c.line, "place '%s' has no tags", p->id);
        char what[128];
        snprintf(what, sizeof what, "place '%s': holds", p->id);
        if ((rc = noun_set(w, fl[2], &p->holds, f, c.line, what, e)))
            return rc;
        int n_to = 0;
        for (int l = 0; l < N_LANG; l++) {
            p->at[l] = opt(fl[3 + 2 * l]);
            p->to[l] = opt(fl[4 + 2 * l]);
            if (!p->at[l] || !*p->at[l])
                return bad(e, f, c.line, "place '%s': the %s location phrase is missing", p->id,
                           world_lang_names[l]);
            n_to += !!p->to[l];
        }
        if (n_to != 0 && n_to != N_LANG)
            return bad(e, f, c.line, "place '%s': a destination phrase is missing", p->id);
        if (strncmp(p->at[L_VI], "ở ", strlen("ở ")) != 0)
            return bad(e, f, c.line, "place '%s': the Vietnamese location must start with \"ở\"",
                       p->id);
        p->noun = world_noun_index(w, p->id);
        p->label = -1;
        if (p->noun >= 0)
            w->nouns[p->noun].place = w->n_places - 1;
    }
    for (int i = 0; i < w->n_nouns; i++)
        if (strcmp(w->nouns[i].cat, "places") == 0 && w->nouns[i].place < 0)
            return pl_err_set(e, PL_EFORMAT, "%s: the place noun '%s' has no row", f->path,
                              w->nouns[i].id);
    return 0;
}

static int load_adjectives(struct world *w, const char *dir, struct pl_err *e)
{
    struct wfile *f;
    int rc = read_file(w, dir, "adjectives.txt", &f, e);
    if (rc)
        return rc;
    struct cursor c = {f->text, 0};
    int cap = 0;
    char *line;
    while ((line = next_line(&c))) {
        if (blank_or_comment(line))
            continue;
        char *fl[13];
        int nf = split(line, '|', fl, 13);
        if (nf != 12)
            return bad(e, f, c.line, "%d fields, expected 12", nf);
        if ((rc = grow((void **)&w->adjs, &cap, w->n_adjs, sizeof *w->adjs, e)))
            return rc;
        struct wadj *a = &w->adjs[w->n_adjs++];
        a->id = fl[0];
        if (find_id(w->adjs, w->n_adjs - 1, sizeof *w->adjs, a->id) >= 0)
            return bad(e, f, c.line, "adjective '%s' defined twice", a->id);
        static const char *const kinds[] = {"grad", "color", "plain", "attr", "pred", "idiom"};
        a->kind = -1;
        for (int k = 0; k < 6; k++)
            if (strcmp(fl[1], kinds[k]) == 0)
                a->kind = k;
        if (a->kind < 0)
            return bad(e, f, c.line, "adjective '%s': kind must be grad, color, plain, attr, "
                       "pred or idiom", a->id);
        char what[128];
        snprintf(what, sizeof what, "adjective '%s': for", a->id);
        if ((rc = noun_set(w, fl[2], &a->for_, f, c.line, what, e)))
            return rc;
        a->en = fl[3];
        int n = split(fl[4], ',', (char **)a->es, 5);
        if (n < 4 || n > 5)
            return bad(e, f, c.line, "adjective '%s': %d Spanish forms, needs 4 or 5", a->id, n);
        if (n == 4)
            a->es[4] = NULL;
        if (strcmp(fl[5], "pre") != 0 && strcmp(fl[5], "post") != 0)
            return bad(e, f, c.line, "adjective '%s': es pos must be pre or post", a->id);
        a->es_pre = strcmp(fl[5], "pre") == 0;
        if (strcmp(fl[6], "ser") != 0 && strcmp(fl[6], "estar") != 0 &&
            strcmp(fl[6], "tener") != 0)
            return bad(e, f, c.line, "adjective '%s': es cop must be ser, estar or tener", a->id);
        a->es_estar = strcmp(fl[6], "estar") == 0;
        a->es_tener = strcmp(fl[6], "tener") == 0;
        if (a->es_tener && (n != 5 || a->kind != AK_PRED))
            return bad(e, f, c.line, "adjective '%s': a tener state is of kind pred and has a "
                       "fifth Spanish form (\"mucha hambre\")", a->id);
        n = split(fl[7], ',', (char **)a->fr, 5);
        if (n < 4 || n > 5)
            return bad(e, f, c.line, "adjective '%s': %d French forms, needs 4 or 5", a->id, n);
        if (n == 4)
            a->fr[4] = NULL;
        if (strcmp(fl[8], "pre") != 0 && strcmp(fl[8], "post") != 0)
            return bad(e, f, c.line, "adjective '%s': fr pos must be pre or post", a->id);
        a->fr_pre = strcmp(fl[8], "pre") == 0;
        a->vi = fl[9];
        a->vi_pred = opt(fl[10]);
        if (opt(fl[11])) {
            char *more[3];
            if (split(fl[11], ',', more, 3) != 2 || !*more[0] || !*more[1])
                return bad(e, f, c.line, "adjective '%s': en more is the comparative and the "
                           "superlative", a->id);
            a->en_more = more[0];
            a->en_most = more[1];
        }
        for (int k = 0; k < 4; k++)
            if (!*a->es[k] || !*a->fr[k])
                return bad(e, f, c.line, "adjective '%s': an empty form", a->id);
        if (!*a->en || !*a->vi)
            return bad(e, f, c.line, "adjective '%s': an empty form", a->id);
        if (a->kind == AK_PLAIN && !a->vi_pred)
            return bad(e, f, c.line, "adjective '%s': plain adjectives need a vi pred form",
                       a->id);
        if (a->kind == AK_COLOR && strncmp(a->vi, "màu ", strlen("màu ")) != 0)
            return bad(e, f, c.line, "adjective '%s': Vietnamese colours start with \"màu\"",
                       a->id);
    }
    return 0;
}

static int load_adverbs(struct world *w, const char *dir, struct pl_err *e);
static int parse_tenses(const char *s, unsigned *out);

static int load_numbers(struct world *w, const char *dir, struct pl_err *e)
{
    struct wfile *f;
    int rc = read_file(w, dir, "numbers.txt", &f, e);
    if (rc)
        return rc;
    struct cursor c = {f->text, 0};
    int cap = 0;
    char *line;
    while ((line = next_line(&c))) {
        if (blank_or_comment(line))
            continue;
        char *fl[9];
        int nf = split(line, '|', fl, 9);
        if (nf != 8)
            return bad(e, f, c.line, "%d fields, expected 8", nf);
        if ((rc = grow((void **)&w->nums, &cap, w->n_nums, sizeof *w->nums, e)))
            return rc;
        struct wnum *n = &w->nums[w->n_nums++];
        n->id = fl[0];
        char *end;
        n->value = (int)strtol(fl[1], &end, 10);
        if (*end || n->value <= 0)
            return bad(e, f, c.line, "number '%s': bad value '%s'", n->id, fl[1]);
        n->en = fl[2];
        n->es = fl[3];
        n->es_f = fl[4];
        n->fr = fl[5];
        n->fr_f = fl[6];
        n->vi = fl[7];
    }
    return 0;
}

static int load_times(struct world *w, const char *dir, struct pl_err *e)
{
    struct wfile *f;
    int rc = read_file(w, dir, "times.txt", &f, e);
    if (rc)
        return rc;
    struct cursor c = {f->text, 0};
    int cap = 0;
    char *line;
    while ((line = next_line(&c))) {
        if (blank_or_comment(line))
            continue;
        char *fl[8];
        int nf = split(line, '|', fl, 8);
        if (nf != 7)
            return bad(e, f, c.line, "%d fields, expected 7", nf);
        if ((rc = grow((void **)&w->times, &cap, w->n_times, sizeof *w->times, e)))
            return rc;
        struct wtime *t = &w->times[w->n_times++];
        t->id = fl[0];
        char *uses[8];
        int nu = split_words(fl[1], uses, 8);
        for (int i = 0; i < nu && i < 8; i++) {
            static const char *const names[] = {"past", "future", "habit", "now", "day",
                                                "month", "today", "summer", "winter"};
            int k = 0;
            while (k < 9 && strcmp(names[k], uses[i]) != 0)
                k++;
            if (k == 9)
                return bad(e, f, c.line, "time '%s': unknown use '%s'", t->id, uses[i]);
            t->use |= 1u << k;
        }
        if (!(t->use & (TU_PAST | TU_FUT | TU_HABIT | TU_NOW | TU_DAY | TU_MONTH)))
            return bad(e, f, c.line, "time '%s': no use", t->id);
        for (int l = 0; l < N_LANG; l++) {
            t->text[l] = fl[2 + l];
            if (!*t->text[l])
                return bad(e, f, c.line, "time '%s': empty form", t->id);
        }
        if (strcmp(fl[6], "front") != 0 && strcmp(fl[6], "end") != 0)
            return bad(e, f, c.line, "time '%s': vi pos must be front or end", t->id);
        t->vi_front = strcmp(fl[6], "front") == 0;
    }
    return 0;
}

static int load_pronouns(struct world *w, const char *dir, struct pl_err *e)
{
    struct wfile *f;
    int rc = read_file(w, dir, "pronouns.txt", &f, e);
    if (rc)
        return rc;
    struct cursor c = {f->text, 0};
    int cap = 0;
    char *line;
    while ((line = next_line(&c))) {
        if (blank_or_comment(line))
            continue;
        char *fl[12];
        int nf = split(line, '|', fl, 12);
        if (nf != 11)
            return bad(e, f, c.line, "%d fields, expected 11", nf);
        if ((rc = grow((void **)&w->prons, &cap, w->n_prons, sizeof *w->prons, e)))
            return rc;
        struct wpron *p = &w->prons[w->n_prons++];
        p->id = fl[0];
        static const char *const persons[] = {"1sg", "2sg", "3sg", "1pl", "3pl"};
        p->person = -1;
        for (int k = 0; k < N_PERSON; k++)
            if (strcmp(fl[1], persons[k]) == 0)
                p->person = k;
        p->gender = gender(fl[2]);
        if (p->person < 0 || p->gender < 0)
            return bad(e, f, c.line, "pronoun '%s': bad person or gender", p->id);
        p->en = fl[3];
        p->en_poss = fl[4];
        p->es = opt(fl[5]);
        p->es_dat = fl[6];
        if (split(fl[7], ',', (char **)p->es_poss, 4) != 4)
            return bad(e, f, c.line, "pronoun '%s': es poss needs 4 forms", p->id);
        p->fr = fl[8];
        if (split(fl[9], ',', (char **)p->fr_poss, 3) != 3)
            return bad(e, f, c.line, "pronoun '%s': fr poss needs 3 forms", p->id);
        p->vi = fl[10];
    }
    if (w->n_prons == 0)
        return bad(e, f, c.line, "no pronouns");
    return 0;
}

static int load_frames(struct world *w, const char *dir, struct pl_err *e)
{
    struct wfile *f;
    int rc = read_file(w, dir, "frames.txt", &f, e);
    if (rc)
        return rc;
    struct cursor c = {f->text, 0};
    int cap = 0;
    char *line;
    while ((line = next_line(&c))) {
        if (blank_or_comment(line))
            continue;
        char *fl[8];
        int nf = split(line, '|', fl, 8);
        if (nf != 7)
            return bad(e, f, c.line, "%d fields, expected 7", nf);
        if ((rc = grow((void **)&w->frames, &cap, w->n_frames, sizeof *w->frames, e)))
            return rc;
        struct wframe *fr = &w->frames[w->n_frames++];
        fr->id = fl[0];
        char *k[4];
        int nk = split_words(fl[1], k, 4);
        for (int i = 0; i < nk && i < 4; i++) {
            if (strcmp(k[i], "clause") == 0)
                fr->kinds |= IK_CLAUSE;
            else if (strcmp(k[i], "proverb") == 0)
                fr->kinds |= IK_PROVERB;
            else if (strcmp(k[i], "sentence") == 0)
                fr->kinds |= IK_SENTENCE;
            else if (strcmp(k[i], "that") == 0)
                fr->kinds |= IK_KEEP_THAT;
            else
                return bad(e, f, c.line,
                           "frame '%s': 'for' takes clause, proverb, sentence and that", fr->id);
        }
        for (int l = 0; l < N_LANG; l++) {
            fr->text[l] = fl[2 + l];
            const char *p = strstr(fr->text[l], "{clause}");
            if (!p || strstr(p + 1, "{clause}"))
                return bad(e, f, c.line, "frame '%s': the %s text needs one {clause}", fr->id,
                           world_lang_names[l]);
        }
        fr->vi_neg = opt(fl[6]);
        if (fr->vi_neg && (!strstr(fr->vi_neg, "{clause}") ||
                           strstr(strstr(fr->vi_neg, "{clause}") + 1, "{clause}")))
            return bad(e, f, c.line, "frame '%s': vi neg needs one {clause}", fr->id);
    }
    return 0;
}

static int load_phrasings(struct world *w, const char *dir, struct pl_err *e)
{
    struct wfile *f;
    int rc = read_file(w, dir, "phrasings.txt", &f, e);
    if (rc)
        return rc;
    struct cursor c = {f->text, 0};
    int cap = 0, n_train[N_TASK] = {0};
    char *line;
    while ((line = next_line(&c))) {
        if (blank_or_comment(line))
            continue;
        char *fl[4];
        int nf = split(line, '|', fl, 4);
        if (nf != 3)
            return bad(e, f, c.line, "%d fields, expected 3", nf);
        if ((rc = grow((void **)&w->phr, &cap, w->n_phr, sizeof *w->phr, e)))
            return rc;
        struct wphrasing *p = &w->phr[w->n_phr++];
        p->task = -1;
        for (int t = 0; t < N_TASK; t++)
            if (strcmp(fl[0], world_task_names[t]) == 0)
                p->task = t;
        if (p->task < 0)
            return bad(e, f, c.line, "unknown task '%s'", fl[0]);
        if (strcmp(fl[1], "train") != 0 && strcmp(fl[1], "heldout") != 0)
            return bad(e, f, c.line, "split must be train or heldout");
        p->heldout = strcmp(fl[1], "heldout") == 0;
        p->text = fl[2];
        const char *s = strstr(p->text, "{source}");
        if (!s || strstr(s + 1, "{source}"))
            return bad(e, f, c.line, "a phrasing needs exactly one {source}");
        bool lang = strstr(p->text, "{language}") != NULL;
        bool wants = p->task == TASK_TRANSLATE || p->task == TASK_MEANING;
        if (lang != wants)
            return bad(e, f, c.line, "%s phrasings %s {language}", world_task_names[p->task],
                       wants ? "need" : "take no");
        for (const char *q = p->text; (q = strchr(q, '{')); q++)
            if (strncmp(q, "{source}", 8) != 0 && strncmp(q, "{language}", 10) != 0)
                return bad(e, f, c.line, "unknown placeholder in '%s'", p->text);
        if (!p->heldout)
            n_train[p->task]++;
    }
    for (int t = 0; t < N_TASK; t++)
        if (!n_train[t])
            return pl_err_set(e, PL_EFORMAT, "%s: no train phrasing for the task %s", f->path,
                              world_task_names[t]);
    return 0;
}

static int load_templates(struct world *w, const char *dir, struct pl_err *e)
{
    struct wfile *f;
    int rc = read_file(w, dir, "templates.txt", &f, e);
    if (rc)
        return rc;
    struct cursor c = {f->text, 0};
    bool seen[N_KIND] = {false};
    char *line;
    while ((line = next_line(&c))) {
        if (blank_or_comment(line))
            continue;
        char *fl[4];
        int nf = split(line, '|', fl, 4);
        if (nf != 3)
            return bad(e, f, c.line, "%d fields, expected 3", nf);
        int k = 0;
        while (k < N_KIND && strcmp(world_kind_names[k], fl[0]) != 0)
            k++;
        if (k == N_KIND)
            return bad(e, f, c.line, "unknown sentence kind '%s'", fl[0]);
        if (seen[k])
            return bad(e, f, c.line, "kind '%s' listed twice", fl[0]);
        char *end;
        long wt = strtol(fl[1], &end, 10);
        if (*end || wt < 0 || wt > 1000)
            return bad(e, f, c.line, "kind '%s': weight must be 0..1000", fl[0]);
        w->weight[k] = (int)wt;
        seen[k] = true;
    }
    for (int k = 0; k < N_KIND; k++)
        if (!seen[k])
            return pl_err_set(e, PL_EFORMAT, "%s: the kind '%s' is missing", f->path,
                              world_kind_names[k]);
    return 0;
}

static int load_labels(struct world *w, const char *dir, struct pl_err *e)
{
    struct wfile *f;
    int rc = read_file(w, dir, "labels.txt", &f, e);
    if (rc)
        return rc;
    struct cursor c = {f->text, 0};
    int cap = 0;
    char *line;
    while ((line = next_line(&c))) {
        if (blank_or_comment(line))
            continue;
        char *fl[3];
        int nf = split(line, '|', fl, 3);
        if (nf != 2)
            return bad(e, f, c.line, "%d fields, expected 2", nf);
        if ((rc = grow((void **)&w->labels, &cap, w->n_labels, sizeof *w->labels, e)))
            return rc;
        struct wlabel *lb = &w->labels[w->n_labels++];
        lb->name = fl[0];
        if ((rc = word_list(fl[1], &lb->words, &lb->n_words, e)))
            return rc;
        for (int i = 0; i < lb->n_words; i++) {
            bool hit = false;
            for (int k = 0; k < w->n_nouns && !hit; k++)
                hit = noun_matches(&w->nouns[k], lb->words[i]);
            for (int k = 0; k < w->n_places && !hit; k++)
                hit = place_matches(&w->places[k], lb->words[i]);
            if (!hit)
                return bad(e, f, c.line, "label '%s': '%s' matches no noun or place", lb->name,
                           lb->words[i]);
        }
    }
    if (w->n_labels < 2)
        return pl_err_set(e, PL_EFORMAT, "%s: needs at least two labels", f->path);
    return 0;
}

/* The placeholders of a phrase; -1 for an unknown one. */
static int holes(const char *s, unsigned *out)
{
    static const char *const names[] = {"{name}", "{name_m}", "{name_f}", "{day}", "{num}",
                                        "{kin}"};
    const size_t n_names = sizeof names / sizeof *names;
    *out = 0;
    for (const char *p = s; (p = strchr(p, '{')); p++) {
        size_t k = 0;
        while (k < n_names && strncmp(p, names[k], strlen(names[k])) != 0)
            k++;
        if (k == n_names)
            return -1;
        *out |= 1u << k;
    }
    return 0;
}

static int load_phrases(struct world *w, const char *dir, struct pl_err *e)
{
    struct wfile *f;
    int rc = read_file(w, dir, "phrases.txt", &f, e);
    if (rc)
        return rc;
    struct cursor c = {f->text, 0};
    int cap = 0;
    char *line;
    while ((line = next_line(&c))) {
        if (blank_or_comment(line))
            continue;
        char *fl[7];
        int nf = split(line, '|', fl, 7);
        if (nf != 5 && nf != 6)
            return bad(e, f, c.line, "%d fields, expected 5 or 6", nf);
        if ((rc = grow((void **)&w->phrases, &cap, w->n_phrases, sizeof *w->phrases, e)))
            return rc;
        struct wphrase *p = &w->phrases[w->n_phrases++];
        memset(p, 0, sizeof *p);
        p->id = fl[0];
        p->then = nf == 6 && strcmp(fl[5], "-") != 0 ? fl[5] : NULL;
        p->then_line = c.line;
        if (find_id(w->phrases, w->n_phrases - 1, sizeof *w->phrases, p->id) >= 0)
            return bad(e, f, c.line, "phrase '%s' defined twice", p->id);
        for (int l = 0; l < N_LANG; l++) {
            unsigned h;
            p->text[l] = fl[1 + l];
            if (!*p->text[l] || holes(p->text[l], &h) != 0)
                return bad(e, f, c.line, "phrase '%s': the %s text is empty or has an unknown "
                           "placeholder", p->id, world_lang_names[l]);
            if (l == 0)
                p->holes = h;
            else if (h != p->holes)
                return bad(e, f, c.line, "phrase '%s': the %s text has other placeholders "
                           "than the English", p->id, world_lang_names[l]);
        }
    }
    /* "then": the phrases that may follow, each without placeholders */
    for (int i = 0; i < w->n_phrases; i++) {
        struct wphrase *p = &w->phrases[i];
        if (!p->then)
            continue;
        char copy[512], *ids[PHRASE_NEXT + 1];
        if (strlen(p->then) >= sizeof copy)
            return bad(e, f, p->then_line, "phrase '%s': the then list is too long", p->id);
        memcpy(copy, p->then, strlen(p->then) + 1);
        int n = split_words(copy, ids, PHRASE_NEXT + 1);
        if (n > PHRASE_NEXT)
            return bad(e, f, p->then_line, "phrase '%s': more than %d phrases after it", p->id,
                       PHRASE_NEXT);
        for (int k = 0; k < n; k++) {
            if (strcmp(ids[k], "+") == 0) {
                p->more = true;
                continue;
            }
            int j = find_id(w->phrases, w->n_phrases, sizeof *w->phrases, ids[k]);
            if (j < 0 || w->phrases[j].holes)
                return bad(e, f, p->then_line, "phrase '%s': then '%s' is no phrase without "
                           "placeholders", p->id, ids[k]);
            p->next[p->n_next++] = j;
        }
    }
    return 0;
}

static int load_modals(struct world *w, const char *dir, struct pl_err *e)
{
    struct wfile *f;
    int rc = read_file(w, dir, "modals.txt", &f, e);
    if (rc)
        return rc;
    struct cursor c = {f->text, 0};
    int cap = 0;
    char *line;
    while ((line = next_line(&c))) {
        if (blank_or_comment(line))
            continue;
        char *fl[12];
        int nf = split(line, '|', fl, 12);
        if (nf != 11)
            return bad(e, f, c.line, "%d fields, expected 11", nf);
        if ((rc = grow((void **)&w->modals, &cap, w->n_modals, sizeof *w->modals, e)))
            return rc;
        struct wmodal *m = &w->modals[w->n_modals++];
        m->id = fl[0];
        m->use = strcmp(fl[1], "say") == 0 ? MU_SAY : strcmp(fl[1], "ask") == 0 ? MU_ASK
               : strcmp(fl[1], "both") == 0 ? MU_SAY | MU_ASK
               : strncmp(fl[1], "skill:", 6) == 0 ? MU_SKILL : 0;
        if (!m->use)
            return bad(e, f, c.line, "modal '%s': use is say, ask, both or skill:ID", m->id);
        m->skill = -1;
        m->en = fl[2];
        m->en3 = fl[3];
        m->en_not = opt(fl[4]);
        m->en_not3 = opt(fl[5]);
        if (!strcmp(fl[6], "subj") == !strcmp(fl[6], "dat"))
            return bad(e, f, c.line, "modal '%s': es how is subj or dat", m->id);
        m->es_dat = strcmp(fl[6], "dat") == 0;
        if (split(fl[7], ',', (char **)m->es, N_PERSON) != N_PERSON ||
            split(fl[8], ',', (char **)m->fr, N_PERSON) != N_PERSON)
            return bad(e, f, c.line, "modal '%s': es and fr need 5 forms", m->id);
        m->vi = fl[9];
        m->vi_not = opt(fl[10]);
        if (!m->en_not != !m->en_not3 || (!m->en_not && m->vi_not) || !*m->en || !*m->vi)
            return bad(e, f, c.line, "modal '%s': a form is missing (negated in every language "
                       "or in none)", m->id);
        if (m->use & MU_SKILL) {
            /* "skill:can": said instead of "can" (an earlier row) for a skill */
            int base = find_id(w->modals, w->n_modals - 1, sizeof *w->modals, fl[1] + 6);
            if (base < 0)
                return bad(e, f, c.line, "modal '%s': skill of '%s', which no earlier row is",
                           m->id, fl[1] + 6);
            w->modals[base].skill = w->n_modals - 1;
        }
    }
    return 0;
}

static int load_reasons(struct world *w, const char *dir, struct pl_err *e)
{
    struct wfile *f;
    int rc = read_file(w, dir, "reasons.txt", &f, e);
    if (rc)
        return rc;
    struct cursor c = {f->text, 0};
    int cap = 0;
    char *line;
    while ((line = next_line(&c))) {
        if (blank_or_comment(line))
            continue;
        char *fl[5];
        int nf = split(line, '|', fl, 5);
        if (nf != 4)
            return bad(e, f, c.line, "%d fields, expected 4", nf);
        if ((rc = grow((void **)&w->reasons, &cap, w->n_reasons, sizeof *w->reasons, e)))
            return rc;
        struct wreason *x = &w->reasons[w->n_reasons++];
        x->id = fl[0];
        x->adj = x->weather = -1;
        char *cause[3];
        if (split_words(fl[1], cause, 3) != 2)
            return bad(e, f, c.line, "reason '%s': the cause is 'state ADJ' or 'weather ID'",
                       x->id);
        if (strcmp(cause[0], "state") == 0) {
            x->adj = world_adj_index(w, cause[1]);
        } else if (strcmp(cause[0], "weather") == 0) {
            for (int k = 0; k < w->n_weather; k++)
                if (strcmp(w->weather[k].id, cause[1]) == 0)
                    x->weather = k;
        }
        if (x->adj < 0 && x->weather < 0)
            return bad(e, f, c.line, "reason '%s': no %s '%s'", x->id, cause[0], cause[1]);
        x->verb = world_verb_index(w, fl[2]);
        if (x->verb < 0)
            return bad(e, f, c.line, "reason '%s': no verb '%s'", x->id, fl[2]);
        /* an idiom's verbs and predicates are said only in its uses */
        if ((w->verbs[x->verb].uses & (VU_IDIOM | VU_MEANING)) ||
            (x->adj >= 0 && w->adjs[x->adj].kind == AK_IDIOM))
            return bad(e, f, c.line, "reason '%s': an idiom's verb or predicate", x->id);
        const struct wverb *v = &w->verbs[x->verb];
        char what[128];
        snprintf(what, sizeof what, "reason '%s': with", x->id);
        if (strcmp(fl[3], "-") == 0)
            rc = set_alloc(&x->with, 1, e);
        else if (v->obj.n)
            rc = noun_set(w, fl[3], &x->with, f, c.line, what, e);
        else
            rc = place_set(w, fl[3], &x->with, f, c.line, what, e);
        if (rc)
            return rc;
        for (int k = 0; k < x->with.n && v->obj.n; k++)
            if (!v->obj.has[x->with.ix[k]])
                return bad(e, f, c.line, "reason '%s': '%s' is no object of '%s'", x->id,
                           w->nouns[x->with.ix[k]].id, v->id);
        if (v->obj.n && !x->with.n)
            return bad(e, f, c.line, "reason '%s': the verb '%s' needs an object", x->id, v->id);
    }
    return 0;
}

static int load_favorites(struct world *w, const char *dir, struct pl_err *e)
{
    struct wfile *f;
    int rc = read_file(w, dir, "favorites.txt", &f, e);
    if (rc)
        return rc;
    struct cursor c = {f->text, 0};
    int cap = 0;
    char *line;
    while ((line = next_line(&c))) {
        if (blank_or_comment(line))
            continue;
        char *fl[10];
        int nf = split(line, '|', fl, 10);
        if (nf != 9)
            return bad(e, f, c.line, "%d fields, expected 9", nf);
        if ((rc = grow((void **)&w->favorites, &cap, w->n_favorites, sizeof *w->favorites, e)))
            return rc;
        struct wfavorite *x = &w->favorites[w->n_favorites++];
        x->id = fl[0];
        if (strcmp(fl[1], "@color") == 0) {
            x->values = FV_COLOR;
            rc = set_alloc(&x->nouns, 1, e);
        } else if (strcmp(fl[1], "@day") == 0) {
            x->values = FV_DAY;
            rc = set_alloc(&x->nouns, 1, e);
        } else {
            char what[128];
            snprintf(what, sizeof what, "favorite '%s': values", x->id);
            x->values = FV_NOUNS;
            rc = noun_set(w, fl[1], &x->nouns, f, c.line, what, e);
        }
        if (rc)
            return rc;
        x->en = fl[2];
        x->es_g = gender(fl[3]);
        x->es = fl[4];
        x->fr_g = gender(fl[5]);
        x->fr = fl[6];
        x->vi = fl[7];
        x->vi_what = fl[8];
        if (x->es_g < 0 || x->fr_g < 0 || !*x->en || !*x->es || !*x->fr || !*x->vi)
            return bad(e, f, c.line, "favorite '%s': a form or a gender is missing", x->id);
    }
    return 0;
}

static int load_names(struct world *w, const char *dir, struct pl_err *e)
{
    struct wfile *f;
    int rc = read_file(w, dir, "names.txt", &f, e);
    if (rc)
        return rc;
    struct cursor c = {f->text, 0};
    int cap = 0;
    char *line;
    int n_gender[2] = {0, 0};
    while ((line = next_line(&c))) {
        if (blank_or_comment(line))
            continue;
        char *fl[4];
        int nf = split(line, '|', fl, 4);
        if (nf != 3)
            return bad(e, f, c.line, "%d fields, expected 3", nf);
        if ((rc = grow((void **)&w->names, &cap, w->n_names, sizeof *w->names, e)))
            return rc;
        struct wname *n = &w->names[w->n_names++];
        n->id = fl[0];
        n->gender = gender(fl[1]);
        n->text = fl[2];
        if (n->gender < 0 || !*n->text || !world_upper_first(n->text))
            return bad(e, f, c.line, "name '%s': gender m or f and a capitalised name", n->id);
        n_gender[n->gender]++;
    }
    if (!n_gender[G_M] || !n_gender[G_F])
        return pl_err_set(e, PL_EFORMAT, "%s: needs men's and women's names", f->path);
    return 0;
}

/* ---- records ---- */

struct kv {
    const char *key;
    char *val;
    int line;
};

/* The next record: up to max key/value pairs; returns the count, 0 at the
 * end of the file. */
static int next_record(struct cursor *c, struct kv *kv, int max, const struct wfile *f,
                       int *first_line, struct pl_err *e)
{
    int n = 0;
    char *line;
    while ((line = next_line(c))) {
        char *t = trim(line);
        if (*t == '#')
            continue;
        if (!*t) {
            if (n)
                return n;
            continue;
        }
        if (n == max)
            return bad(e, f, c->line, "too many lines in one record"), -1;
        char *sp = t;
        while (*sp && *sp != ' ' && *sp != '\t')
            sp++;
        if (*sp)
            *sp++ = 0;
        if (!n)
            *first_line = c->line;
        kv[n].key = t;
        kv[n].val = trim(sp);
        kv[n].line = c->line;
        for (int i = 0; i < n; i++)
            if (strcmp(kv[i].key, t) == 0)
                return bad(e, f, c->line, "'%s' given twice in one record", t), -1;
        n++;
    }
    return n;
}

static struct kv *get(struct kv *kv, int n, const char *key)
{
    for (int i = 0; i < n; i++)
        if (strcmp(kv[i].key, key) == 0)
            return &kv[i];
    return NULL;
}

static int parse_tenses(const char *s, unsigned *out)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", s);
    char *t[8];
    int n = split_words(buf, t, 8);
    *out = 0;
    for (int i = 0; i < n && i < 8; i++) {
        static const char *const names[] = {"pres", "past", "fut", "prog"};
        int k = 0;
        while (k < 4 && strcmp(names[k], t[i]) != 0)
            k++;
        if (k == 4)
            return -1;
        *out |= 1u << k;
    }
    return 0;
}

/* Five person forms (or one for an impersonal verb, repeated). */
static int forms5(struct kv *v, const char **out, bool impersonal, const struct wfile *f,
                  const char *verb, struct pl_err *e)
{
    char *fl[6];
    int n = split(v->val, ',', fl, 6);
    if (impersonal && n == 1) {
        for (int p = 0; p < N_PERSON; p++)
            out[p] = fl[0];
        return 0;
    }
    if (n != N_PERSON)
        return bad(e, f, v->line, "verb '%s': %s has %d forms, needs 5", verb, v->key, n);
    for (int p = 0; p < N_PERSON; p++) {
        if (!*fl[p])
            return bad(e, f, v->line, "verb '%s': %s has an empty form", verb, v->key);
        out[p] = fl[p];
    }
    return 0;
}

static int load_positions(struct world *w, const char *dir, struct pl_err *e)
{
    struct wfile *f;
    int rc = read_file(w, dir, "positions.txt", &f, e);
    if (rc)
        return rc;
    struct cursor c = {f->text, 0};
    int cap = 0;
    char *line;
    while ((line = next_line(&c))) {
        if (blank_or_comment(line))
            continue;
        char *fl[8];
        int nf = split(line, '|', fl, 8);
        if (nf != 7)
            return bad(e, f, c.line, "%d fields, expected 7", nf);
        if ((rc = grow((void **)&w->pos, &cap, w->n_pos, sizeof *w->pos, e)))
            return rc;
        struct wpos *p = &w->pos[w->n_pos++];
        memset(p, 0, sizeof *p);
        p->id = fl[0];
        p->with = fl[5];
        p->put = fl[6];
        if (!*p->with || !*p->put)
            return bad(e, f, c.line, "position '%s': the tag it is said with or the tags of "
                       "what is put there are missing", p->id);
        for (int l = 0; l < N_LANG; l++) { /* the columns are in enum order */
            p->text[l] = fl[1 + l];
            if (!*fl[1 + l])
                return bad(e, f, c.line, "position '%s': a form is missing", p->id);
        }
    }
    return 0;
}

static int load_verbs(struct world *w, const char *dir, struct pl_err *e)
{
    struct wfile *f;
    int rc = read_file(w, dir, "verbs.txt", &f, e);
    if (rc)
        return rc;
    struct cursor c = {f->text, 0};
    int cap = 0, n, first = 0;
    struct kv kv[32];
    static const char *const keys[] = {
        "verb",    "subject", "object", "place",   "to",      "to.with", "vi.to",  "tenses",
        "uses",    "en",      "en.obj", "en.pp",   "es",      "es.pres", "es.past", "es.fut",
        "es.pp",   "es.pret", "es.imp", "es.obj",  "fr",      "fr.pres", "fr.past", "fr.fut",
        "fr.imp",  "fr.obj",  "fr.neg", "vi",      "vi.intr", "vi.obj",  "me",      "not",
        "vi.skill",
    };
    static const char *const need[] = {"en", "es", "es.pres", "es.past", "es.fut", "es.pp",
                                       "fr", "fr.pres", "fr.past", "fr.fut", "vi"};
    while ((n = next_record(&c, kv, 32, f, &first, e)) > 0) {
        if (strcmp(kv[0].key, "verb") != 0)
            return bad(e, f, first, "a verb record starts with 'verb'");
        if ((rc = grow((void **)&w->verbs, &cap, w->n_verbs, sizeof *w->verbs, e)))
            return rc;
        struct wverb *v = &w->verbs[w->n_verbs++];
        v->id = kv[0].val;
        v->fr_aux = -1;
        if (find_id(w->verbs, w->n_verbs - 1, sizeof *w->verbs, v->id) >= 0)
            return bad(e, f, first, "verb '%s' defined twice", v->id);
        for (int i = 0; i < n; i++) {
            size_t k = 0;
            while (k < sizeof keys / sizeof *keys && strcmp(keys[k], kv[i].key) != 0)
                k++;
            if (k == sizeof keys / sizeof *keys)
                return bad(e, f, kv[i].line, "verb '%s': unknown key '%s'", v->id, kv[i].key);
        }
        struct kv *x;
        if ((x = get(kv, n, "uses"))) {
            char *u[24];
            int nu = split_words(x->val, u, 24);
            for (int i = 0; i < nu && i < 24; i++) {
                static const char *const names[] = {"imp", "intr", "clock", "motion", "state",
                                                    "like", "generic", "massdef", "massbare",
                                                    "copula", "exist", "own", "request",
                                                    "ask", "lets", "placed", "atobj",
                                                    "nomodal", "skill", "idiom", "meaning",
                                                    "third", "nowhat", "langdef"};
                const int n_names = (int)(sizeof names / sizeof *names);
                int k = 0;
                while (k < n_names && strcmp(names[k], u[i]) != 0)
                    k++;
                if (k == n_names)
                    return bad(e, f, x->line, "verb '%s': unknown use '%s'", v->id, u[i]);
                v->uses |= 1u << k;
            }
        }
        /* an idiom's literal or meaning verb takes its subject and tenses
         * from the idiomatic one; a meaning is said in English only */
        bool meaning = v->uses & VU_MEANING;
        if ((v->uses & VU_IDIOM) && meaning)
            return bad(e, f, first, "verb '%s': uses idiom or meaning, not both", v->id);
        if ((v->uses & VU_THIRD) && !(v->uses & VU_IDIOM))
            return bad(e, f, first, "verb '%s': third is for an idiom's verb", v->id);
        for (size_t k = 0; k < (meaning ? 1 : sizeof need / sizeof *need); k++)
            if (!get(kv, n, need[k]) || !*get(kv, n, need[k])->val)
                return bad(e, f, first, "verb '%s': '%s' is missing", v->id, need[k]);
        if (meaning && n > 3 + (get(kv, n, "en.pp") != NULL))
            return bad(e, f, first, "verb '%s': a meaning has only verb, uses, en and en.pp",
                       v->id);
        bool special = v->uses & (VU_COPULA | VU_EXIST | VU_IDIOM | VU_MEANING);
        if ((x = get(kv, n, "tenses"))) {
            if (parse_tenses(x->val, &v->tenses) != 0 || !v->tenses)
                return bad(e, f, x->line, "verb '%s': tenses are pres, past, fut, prog", v->id);
        } else if (!special) {
            return bad(e, f, first, "verb '%s': 'tenses' is missing", v->id);
        }
        char what[128];
        if ((x = get(kv, n, "subject"))) {
            snprintf(what, sizeof what, "verb '%s': subject", v->id);
            if ((rc = noun_set(w, x->val, &v->subj, f, x->line, what, e)))
                return rc;
        } else if (!special) {
            return bad(e, f, first, "verb '%s': 'subject' is missing", v->id);
        }
        if ((x = get(kv, n, "object"))) {
            snprintf(what, sizeof what, "verb '%s': object", v->id);
            if ((rc = noun_set(w, x->val, &v->obj, f, x->line, what, e)))
                return rc;
        }
        if ((x = get(kv, n, "place"))) {
            snprintf(what, sizeof what, "verb '%s': place", v->id);
            if ((rc = place_set(w, x->val, &v->place, f, x->line, what, e)))
                return rc;
        }
        if ((x = get(kv, n, "to"))) {
            snprintf(what, sizeof what, "verb '%s': to", v->id);
            if ((rc = noun_set(w, x->val, &v->to, f, x->line, what, e)))
                return rc;
            v->vi_to = "cho {x}";
        }
        if ((x = get(kv, n, "to.with"))) {
            snprintf(what, sizeof what, "verb '%s': to.with", v->id);
            if (!v->to.n)
                return bad(e, f, x->line, "verb '%s': to.with needs a 'to' line", v->id);
            if ((rc = noun_set(w, x->val, &v->to_with, f, x->line, what, e)))
                return rc;
        }
        if ((x = get(kv, n, "vi.to"))) {
            if (!v->to.n || !strstr(x->val, "{x}"))
                return bad(e, f, x->line, "verb '%s': vi.to needs a 'to' line and {x}",
                           v->id);
            v->vi_to = x->val;
        }
        x = get(kv, n, "en");
        if (split(x->val, ',', (char **)v->en, 4) != 4)
            return bad(e, f, x->line, "verb '%s': en needs base, 3sg, past and -ing forms",
                       v->id);
        if ((x = get(kv, n, "en.obj")))
            v->en_obj = x->val;
        v->en_pp = v->en[2];
        if ((x = get(kv, n, "en.pp")))
            v->en_pp = x->val;
        if (meaning)
            continue;
        x = get(kv, n, "es");
        const char *es2[2];
        if (split(x->val, ',', (char **)es2, 2) != 2)
            return bad(e, f, x->line, "verb '%s': es needs the infinitive and the gerund", v->id);
        v->es_inf = es2[0];
        v->es_ger = es2[1];
        v->es_pp = get(kv, n, "es.pp")->val;
        if ((x = get(kv, n, "es.pret")) && (rc = forms5(x, v->es_pret, false, f, v->id, e)))
            return rc;
        static const char *const tk[N_VTENSE] = {"pres", "past", "fut"};
        bool imp = v->uses & VU_EXIST;
        for (int t = 0; t < N_VTENSE; t++) {
            char key[16];
            snprintf(key, sizeof key, "es.%s", tk[t]);
            if ((rc = forms5(get(kv, n, key), v->es[t], imp, f, v->id, e)))
                return rc;
            if (t == VT_PAST)
                continue;
            snprintf(key, sizeof key, "fr.%s", tk[t]);
            if ((rc = forms5(get(kv, n, key), v->fr[t], imp, f, v->id, e)))
                return rc;
        }
        x = get(kv, n, "fr.past");
        if (strncmp(x->val, "avoir ", 6) == 0 || strncmp(x->val, "être ", strlen("être ")) == 0) {
            v->fr_etre = x->val[0] != 'a';
            char *sp = strchr(x->val, ' ');
            *sp = 0;
            v->fr_pp = trim(sp + 1);
            /* The auxiliary is resolved once every verb is known. */
            v->fr_aux = v->fr_etre ? -2 : -3;
        } else if ((rc = forms5(x, v->fr[VT_PAST], imp, f, v->id, e))) {
            return rc;
        }
        if ((x = get(kv, n, "es.imp"))) {
            if (split(x->val, ',', (char **)v->es_imp, 2) != 2)
                return bad(e, f, x->line, "verb '%s': es.imp needs two forms", v->id);
        } else if (v->uses & VU_IMP) {
            return bad(e, f, first, "verb '%s': an imperative verb needs es.imp", v->id);
        }
        if ((x = get(kv, n, "es.obj")))
            v->es_obj = x->val;
        v->fr_inf = get(kv, n, "fr")->val;
        if ((x = get(kv, n, "fr.imp")))
            v->fr_imp = x->val;
        else if (v->uses & VU_IMP)
            return bad(e, f, first, "verb '%s': an imperative verb needs fr.imp", v->id);
        if ((x = get(kv, n, "fr.obj")))
            v->fr_obj = x->val;
        if ((x = get(kv, n, "fr.neg"))) {
            if (split(x->val, ',', (char **)v->fr_neg, 3) != 3)
                return bad(e, f, x->line, "verb '%s': fr.neg needs three forms", v->id);
        } else if (v->uses & VU_EXIST) {
            return bad(e, f, first, "verb '%s': 'there is' needs fr.neg", v->id);
        }
        v->vi = get(kv, n, "vi")->val;
        if ((x = get(kv, n, "vi.intr")))
            v->vi_intr = x->val;
        if ((x = get(kv, n, "vi.obj")))
            v->vi_obj = x->val;
        if ((x = get(kv, n, "vi.skill")))
            v->vi_skill = x->val;
        if ((x = get(kv, n, "not")))
            v->not_times = x->val; /* checked once times.txt is read (world_prepare) */
        if ((x = get(kv, n, "me")) && split(x->val, ',', (char **)v->me, N_LANG) != N_LANG)
            return bad(e, f, x->line, "verb '%s': me needs the en, es, fr and vi forms", v->id);
        if ((v->uses & VU_REQUEST) && !v->me[0])
            return bad(e, f, first, "verb '%s': a request verb needs its me forms", v->id);
    }
    if (n < 0)
        return e ? e->code : PL_EFORMAT;
    for (int i = 0; i < w->n_verbs; i++) {
        struct wverb *v = &w->verbs[i];
        if (v->fr_aux == -1)
            continue;
        const char *inf = v->fr_aux == -2 ? "être" : "avoir";
        v->fr_aux = -1;
        for (int k = 0; k < w->n_verbs && v->fr_aux < 0; k++)
            if (w->verbs[k].fr_inf && strcmp(w->verbs[k].fr_inf, inf) == 0 &&
                !(w->verbs[k].uses & VU_EXIST))
                v->fr_aux = k;
        if (v->fr_aux < 0)
            return pl_err_set(e, PL_EFORMAT, "%s: verb '%s': no verb with the French "
                              "infinitive '%s' for its passé composé", f->path, v->id, inf);
    }
    w->v_ser = world_verb_index(w, "ser");
    w->v_estar = world_verb_index(w, "estar");
    w->v_there = world_verb_index(w, "there_is");
    w->v_go = world_verb_index(w, "go");
    if (w->v_ser < 0 || w->v_estar < 0 || w->v_there < 0 || w->v_go < 0)
        return pl_err_set(e, PL_EFORMAT,
                          "%s: the verbs ser, estar, there_is and go are required", f->path);
    for (int i = 0; i < w->n_verbs; i++) /* the grammar reads every form of these */
        if ((w->verbs[i].uses & (VU_MEANING | VU_IDIOM)) &&
            (i == w->v_ser || i == w->v_estar || i == w->v_there || i == w->v_go ||
             !strcmp(w->verbs[i].id, "have") || !strcmp(w->verbs[i].id, "feel")))
            return pl_err_set(e, PL_EFORMAT, "%s: verb '%s' is the grammar's own, not an "
                              "idiom's", f->path, w->verbs[i].id);
    return 0;
}

static int load_adverbs(struct world *w, const char *dir, struct pl_err *e)
{
    struct wfile *f;
    int rc = read_file(w, dir, "adverbs.txt", &f, e);
    if (rc)
        return rc;
    struct cursor c = {f->text, 0};
    int cap = 0;
    char *line;
    while ((line = next_line(&c))) {
        if (blank_or_comment(line))
            continue;
        char *fl[9];
        int nf = split(line, '|', fl, 9);
        if (nf != 8)
            return bad(e, f, c.line, "%d fields, expected 8", nf);
        if ((rc = grow((void **)&w->advs, &cap, w->n_advs, sizeof *w->advs, e)))
            return rc;
        struct wadv *a = &w->advs[w->n_advs++];
        a->id = fl[0];
        static const char *const kinds[] = {"freq", "never", "manner", "place", "means"};
        a->kind = -1;
        for (int k = 0; k < 5; k++)
            if (strcmp(kinds[k], fl[1]) == 0)
                a->kind = k;
        if (a->kind < 0)
            return bad(e, f, c.line,
                       "adverb '%s': kind must be freq, never, manner, place or means", a->id);
        if ((rc = set_alloc(&a->verbs, w->n_verbs, e)))
            return rc;
        if (strcmp(fl[2], "all") == 0) {
            memset(a->verbs.has, 1, (size_t)w->n_verbs);
        } else {
            char *vs[32];
            int nv = split_words(fl[2], vs, 32);
            for (int i = 0; i < nv && i < 32; i++) {
                int k = world_verb_index(w, vs[i]);
                if (k < 0)
                    return bad(e, f, c.line, "adverb '%s': no verb '%s'", a->id, vs[i]);
                a->verbs.has[k] = 1;
            }
        }
        set_finish(&a->verbs, w->n_verbs);
        if (parse_tenses(fl[3], &a->tenses) != 0 || !a->tenses)
            return bad(e, f, c.line, "adverb '%s': tenses are pres, past, fut", a->id);
        for (int l = 0; l < N_LANG; l++)
            a->text[l] = fl[4 + l];
    }
    /* the generator draws from the list (an empty one crashed it: fuzz_world) */
    if (w->n_advs == 0)
        return bad(e, f, c.line, "no adverbs");
    return 0;
}

static int load_weather(struct world *w, const char *dir, struct pl_err *e)
{
    struct wfile *f;
    int rc = read_file(w, dir, "weather.txt", &f, e);
    if (rc)
        return rc;
    struct cursor c = {f->text, 0};
    int cap = 0, n, first = 0;
    struct kv kv[8];
    while ((n = next_record(&c, kv, 8, f, &first, e)) > 0) {
        int known = 1 + N_LANG;
        if (strcmp(kv[0].key, "weather") != 0)
            return bad(e, f, first, "a weather record starts with 'weather'");
        if ((rc = grow((void **)&w->weather, &cap, w->n_weather, sizeof *w->weather, e)))
            return rc;
        struct wweather *wt = &w->weather[w->n_weather++];
        wt->id = kv[0].val;
        for (int l = 0; l < N_LANG; l++) {
            struct kv *x = get(kv, n, world_lang_codes[l]);
            if (!x)
                return bad(e, f, first, "weather '%s': the %s line is missing", wt->id,
                           world_lang_names[l]);
            /* Spanish adds a fifth form: the perfect ("ha llovido") */
            char *forms[5];
            int want = l == L_ES ? 5 : 4;
            if (split(x->val, ',', forms, 5) != want)
                return bad(e, f, x->line, "weather '%s': %s needs %d forms", wt->id, x->key,
                           want);
            for (int k = 0; k < 4; k++)
                wt->text[l][k] = forms[k];
            if (l == L_ES)
                wt->es_perf = forms[4];
        }
        if ((rc = set_alloc(&wt->not_places, w->n_places, e)))
            return rc;
        struct kv *x = get(kv, n, "not");
        if (x) {
            /* place ids or tags, and the seasons summer and winter */
            char *words[32];
            int nw = split_words(x->val, words, 32);
            for (int i = 0; i < nw && i < 32; i++) {
                if (strcmp(words[i], "summer") == 0 || strcmp(words[i], "winter") == 0) {
                    wt->not_times |= words[i][0] == 's' ? TU_SUMMER : TU_WINTER;
                    continue;
                }
                int hits = 0;
                for (int k = 0; k < w->n_places; k++)
                    if (place_matches(&w->places[k], words[i])) {
                        wt->not_places.has[k] = 1;
                        hits++;
                    }
                if (!hits)
                    return bad(e, f, x->line, "weather '%s': '%s' is no place, place tag or "
                               "season", wt->id, words[i]);
            }
            known++;
        }
        set_finish(&wt->not_places, w->n_places);
        if (n != known)
            return bad(e, f, first, "weather '%s': unknown lines", wt->id);
    }
    if (n < 0)
        return e ? e->code : PL_EFORMAT;
    /* the generator draws from the list (an empty one crashed it: fuzz_world) */
    return w->n_weather ? 0 : bad(e, f, c.line, "no weather");
}

static bool ends_with_stop(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && s[n - 1] == '.';
}

/* An idiom's "vp" or "pred" line (key): three ids, the idiomatic, the
 * literal and the meaning rendering, each a verb (vp: uses idiom, idiom,
 * meaning) or an adjective (pred: kind idiom) into out; all -1 without the
 * line.  The first verb has the subject and the tenses; the first
 * adjective says whom it is said of. */
static int idiom_three(const struct world *w, const struct widiom *id, struct kv *x,
                       const char *key, int out[3], const struct wfile *f, struct pl_err *e)
{
    bool vp = strcmp(key, "vp") == 0;
    out[0] = out[1] = out[2] = -1;
    if (!x)
        return 0;
    char *ids[4];
    if (split_words(x->val, ids, 4) != 3)
        return bad(e, f, x->line, "idiom '%s': %s names three %s: the idiomatic, the literal "
                   "and the meaning", id->en, key, vp ? "verbs" : "adjectives");
    for (int j = 0; j < 3; j++) {
        int k = vp ? world_verb_index(w, ids[j]) : world_adj_index(w, ids[j]);
        bool ok = k >= 0 && (vp ? (w->verbs[k].uses & (j == 2 ? VU_MEANING : VU_IDIOM)) != 0
                                : w->adjs[k].kind == AK_IDIOM);
        if (!ok)
            return bad(e, f, x->line, "idiom '%s': %s: '%s' is no %s", id->en, key, ids[j],
                       !vp ? "adjective of kind idiom" : j == 2 ? "verb with uses meaning"
                                                               : "verb with uses idiom");
        out[j] = k;
    }
    const struct wverb *v = vp ? &w->verbs[out[0]] : NULL;
    if (v && (!v->subj.n || !v->tenses || v->obj.n))
        return bad(e, f, x->line, "idiom '%s': vp: '%s' needs a subject and tenses, and no "
                   "object (the phrase holds it)", id->en, v->id);
    return 0;
}

static int load_idioms(struct world *w, const char *dir, struct pl_err *e)
{
    struct wfile *f;
    int rc = read_file(w, dir, "idioms.txt", &f, e);
    if (rc)
        return rc;
    struct cursor c = {f->text, 0};
    int cap = 0, n, first = 0;
    struct kv kv[48];
    static const char *const keys[] = {"idiom", "meaning", "kind", "split", "vi", "vi.lit",
                                       "es", "es.lit", "fr", "fr.lit"};
    while ((n = next_record(&c, kv, 48, f, &first, e)) > 0) {
        if (strcmp(kv[0].key, "idiom") != 0)
            return bad(e, f, first, "an idiom record starts with 'idiom'");
        for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
            if (!get(kv, n, keys[k]) || !*get(kv, n, keys[k])->val)
                return bad(e, f, first, "idiom '%s': '%s' is missing", kv[0].val, keys[k]);
        int known = (int)(sizeof keys / sizeof *keys);
        if ((rc = grow((void **)&w->idioms, &cap, w->n_idioms, sizeof *w->idioms, e)))
            return rc;
        struct widiom *id = &w->idioms[w->n_idioms++];
        id->en = kv[0].val;
        for (int i = 0; i < w->n_idioms - 1; i++)
            if (strcmp(w->idioms[i].en, id->en) == 0)
                return bad(e, f, first, "idiom '%s' given twice", id->en);
        id->meaning = get(kv, n, "meaning")->val;
        const char *k = get(kv, n, "kind")->val;
        id->kind = strcmp(k, "clause") == 0    ? IK_CLAUSE
                 : strcmp(k, "proverb") == 0   ? IK_PROVERB
                 : strcmp(k, "standalone") == 0 ? IK_STANDALONE
                                                : 0;
        if (!id->kind)
            return bad(e, f, first, "idiom '%s': kind is clause, proverb or standalone", id->en);
        const char *sp = get(kv, n, "split")->val;
        if (strcmp(sp, "train") != 0 && strcmp(sp, "test") != 0)
            return bad(e, f, first, "idiom '%s': split is train or test", id->en);
        id->test = strcmp(sp, "test") == 0;
        for (int l = L_ES; l < N_LANG; l++) {
            char key[8];
            snprintf(key, sizeof key, "%s", world_lang_codes[l]);
            id->idiomatic[l] = get(kv, n, key)->val;
            snprintf(key, sizeof key, "%s.lit", world_lang_codes[l]);
            id->literal[l] = get(kv, n, key)->val;
        }
        id->idiomatic[L_EN] = id->literal[L_EN] = id->en;
        /* the bare phrase ("core") and other tenses and persons ("use1" ...),
         * each with its meaning and renderings: "use1.vi", "use1.vi.lit" ... */
        static const char *const parts[] = {"", ".meaning", ".vi", ".vi.lit", ".es", ".es.lit",
                                            ".fr", ".fr.lit"};
        for (int u = 0; u <= IDIOM_USES; u++) {
            char base[16], key[32];
            snprintf(base, sizeof base, u ? "use%d" : "core", u);
            struct iform *fm = u ? &id->uses[u - 1] : &id->core;
            const char **slot[8] = {&fm->en, &fm->meaning, &fm->idiomatic[L_VI],
                                    &fm->literal[L_VI], &fm->idiomatic[L_ES], &fm->literal[L_ES],
                                    &fm->idiomatic[L_FR], &fm->literal[L_FR]};
            int have = 0;
            for (int j = 0; j < 8; j++) {
                snprintf(key, sizeof key, "%s%s", base, parts[j]);
                struct kv *x = get(kv, n, key);
                if (x && *x->val) {
                    *slot[j] = x->val;
                    have++;
                }
            }
            if (have && have != 8)
                return bad(e, f, first, "idiom '%s': %s needs its meaning and its four "
                           "renderings (%s.vi, %s.vi.lit ...)", id->en, base, base, base);
            known += have;
            if (!have)
                continue;
            fm->idiomatic[L_EN] = fm->literal[L_EN] = fm->en;
            for (int l = 0; l < N_LANG; l++) {
                const char *t[2] = {fm->idiomatic[l], fm->literal[l]};
                for (int j = 0; j < 2; j++)
                    if (ends_with_stop(t[j]) == !u || (!u && world_upper_first(t[j])))
                        return bad(e, f, first, "idiom '%s': %s \"%s\" must be %s", id->en,
                                   base, t[j], u ? "a statement ending in '.'"
                                                 : "a bare phrase (no capital, no '.')");
            }
            if (u) {
                if (u != id->n_uses + 1)
                    return bad(e, f, first, "idiom '%s': use%d without use%d", id->en, u,
                               id->n_uses + 1);
                id->n_uses++;
            }
        }
        if ((rc = idiom_three(w, id, get(kv, n, "vp"), "vp", id->vp, f, e)) ||
            (rc = idiom_three(w, id, get(kv, n, "pred"), "pred", id->pred, f, e)))
            return rc;
        known += (id->vp[0] >= 0) + (id->pred[0] >= 0);
        if (id->vp[0] >= 0 && id->pred[0] >= 0)
            return bad(e, f, first, "idiom '%s': a vp or a pred, not both", id->en);
        if (n != known)
            return bad(e, f, first, "idiom '%s': unknown lines", id->en);
        if (id->kind != IK_STANDALONE) {
            /* It will sit inside "I think that ...": a plain statement. */
            for (int l = 0; l < N_LANG; l++) {
                const char *t[2] = {id->idiomatic[l], id->literal[l]};
                for (int j = 0; j < 2; j++)
                    if (!ends_with_stop(t[j]) || strncmp(t[j], "¿", strlen("¿")) == 0 ||
                        strncmp(t[j], "¡", strlen("¡")) == 0)
                        return bad(e, f, first, "idiom '%s': a %s idiom must be a statement "
                                   "ending in '.' in every language (\"%s\")", id->en, k, t[j]);
            }
        }
    }
    return n < 0 ? (e ? e->code : PL_EFORMAT) : 0;
}

/* ---- after loading ---- */

static int add_int(int **a, int *n, int v, struct pl_err *e)
{
    int *p = realloc(*a, (size_t)(*n + 1) * sizeof *p);
    if (!p)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    p[(*n)++] = v;
    *a = p;
    return 0;
}

static int add_str(const char ***a, int *n, const char *s, struct pl_err *e)
{
    const char **p = realloc(*a, (size_t)(*n + 1) * sizeof *p);
    if (!p)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    p[(*n)++] = s;
    *a = p;
    return 0;
}

static int derive(struct world *w, struct pl_err *e)
{
    int rc;
    for (int i = 0; i < w->n_nouns; i++) {
        struct wnoun *n = &w->nouns[i];
        for (int l = 0; l < w->n_labels && n->label < 0; l++)
            for (int k = 0; k < w->labels[l].n_words; k++)
                if (noun_matches(n, w->labels[l].words[k]))
                    n->label = l;
        for (int a = 0; a < w->n_adjs; a++) {
            if (!w->adjs[a].for_.has[i] || w->adjs[a].kind == AK_IDIOM)
                continue; /* an idiom's predicate is said only in its idiom's uses */
            if (w->adjs[a].kind != AK_PRED && (rc = add_int(&n->adj, &n->n_adj, a, e)))
                return rc;
            if (w->adjs[a].kind != AK_ATTR && (rc = add_int(&n->pred, &n->n_pred, a, e)))
                return rc;
            if (w->adjs[a].kind == AK_COLOR && (rc = add_int(&n->color, &n->n_color, a, e)))
                return rc;
        }
        for (int p = 0; p < w->n_places; p++)
            if (w->places[p].holds.has[i] && (rc = add_int(&n->at, &n->n_at, p, e)))
                return rc;
        if (n->flags & NF_HASP) {
            for (int k = 0; k < 2; k++)
                if (n->fr[k] && (rc = add_str(&w->fr_hasp, &w->n_fr_hasp, n->fr[k], e)))
                    return rc;
        }
        if (n->flags & NF_EN_A && (rc = add_str(&w->en_a, &w->n_en_a, n->en[0], e)))
            return rc;
        if (n->flags & NF_EN_AN && (rc = add_str(&w->en_an, &w->n_en_an, n->en[0], e)))
            return rc;
    }
    for (int i = 0; i < w->n_verbs; i++) {
        struct wverb *v = &w->verbs[i];
        for (int k = 0; k < v->subj.n && !v->person_subj; k++) {
            const char *cat = w->nouns[v->subj.ix[k]].cat;
            v->person_subj = strcmp(cat, "people") == 0 || strcmp(cat, "family") == 0;
        }
    }
    for (int p = 0; p < w->n_places; p++) {
        struct wplace *pl = &w->places[p];
        if (pl->noun >= 0) {
            pl->label = w->nouns[pl->noun].label;
            continue;
        }
        for (int l = 0; l < w->n_labels && pl->label < 0; l++)
            for (int k = 0; k < w->labels[l].n_words; k++)
                if (place_matches(pl, w->labels[l].words[k]))
                    pl->label = l;
    }
    return 0;
}

int world_load(const char *dir, struct world **out, struct pl_err *e)
{
    *out = NULL;
    struct world *w = calloc(1, sizeof *w);
    if (!w)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    int rc;
    if ((rc = load_nouns(w, dir, e)) || (rc = load_places(w, dir, e)) ||
        (rc = load_adjectives(w, dir, e)) || (rc = load_verbs(w, dir, e)) ||
        (rc = load_adverbs(w, dir, e)) || (rc = load_numbers(w, dir, e)) ||
        (rc = load_times(w, dir, e)) || (rc = load_pronouns(w, dir, e)) ||
        (rc = load_weather(w, dir, e)) || (rc = load_frames(w, dir, e)) ||
        (rc = load_idioms(w, dir, e)) || (rc = load_phrasings(w, dir, e)) ||
        (rc = load_templates(w, dir, e)) || (rc = load_labels(w, dir, e)) ||
        (rc = load_phrases(w, dir, e)) || (rc = load_names(w, dir, e)) ||
        (rc = load_positions(w, dir, e)) ||
        (rc = load_modals(w, dir, e)) || (rc = load_reasons(w, dir, e)) ||
        (rc = load_favorites(w, dir, e)) ||
        (rc = derive(w, e)) || (rc = world_prepare(w, e))) {
        world_free(w);
        return rc;
    }
    *out = w;
    return 0;
}

void world_free(struct world *w)
{
    if (!w)
        return;
    for (int i = 0; i < w->n_nouns; i++) {
        free(w->nouns[i].tags);
        free(w->nouns[i].adj);
        free(w->nouns[i].pred);
        free(w->nouns[i].color);
        free(w->nouns[i].at);
    }
    for (int i = 0; i < w->n_places; i++) {
        free(w->places[i].tags);
        set_free(&w->places[i].holds);
    }
    for (int i = 0; i < w->n_adjs; i++)
        set_free(&w->adjs[i].for_);
    for (int i = 0; i < w->n_verbs; i++) {
        set_free(&w->verbs[i].subj);
        set_free(&w->verbs[i].obj);
        set_free(&w->verbs[i].place);
        set_free(&w->verbs[i].to);
        set_free(&w->verbs[i].to_with);
    }
    for (int i = 0; i < w->n_advs; i++)
        set_free(&w->advs[i].verbs);
    for (int i = 0; i < w->n_weather; i++)
        set_free(&w->weather[i].not_places);
    for (int i = 0; i < w->n_labels; i++)
        free(w->labels[i].words);
    world_cache_free(&w->c);
    for (int i = 0; i < w->n_pos; i++) {
        free(w->pos[i].nouns.ix);
        free(w->pos[i].things.ix);
    }
    for (int i = 0; i < w->n_files; i++) {
        free(w->files[i].path);
        free(w->files[i].text);
    }
    free(w->files);
    free(w->nouns);
    free(w->places);
    free(w->adjs);
    free(w->verbs);
    free(w->advs);
    free(w->nums);
    free(w->times);
    free(w->prons);
    free(w->weather);
    free(w->frames);
    free(w->idioms);
    free(w->phr);
    free(w->labels);
    free(w->phrases);
    free(w->modals);
    for (int i = 0; i < w->n_reasons; i++)
        set_free(&w->reasons[i].with);
    free(w->reasons);
    for (int i = 0; i < w->n_favorites; i++)
        set_free(&w->favorites[i].nouns);
    free(w->favorites);
    free(w->names);
    free(w->pos);
    free(w->fr_hasp);
    free(w->en_a);
    free(w->en_an);
    world_keepout_free(&w->keep_out);
    free(w);
}

void world_get_stats(const struct world *w, struct world_stats *st)
{
    memset(st, 0, sizeof *st);
    st->n_nouns = w->n_nouns;
    int own_places = 0; /* places that are no noun: the cities and "home" */
    for (int i = 0; i < w->n_places; i++) {
        own_places += w->places[i].noun < 0;
        for (int k = 0; k < w->places[i].n_tags; k++)
            st->n_cities += strcmp(w->places[i].tags[k], "cityname") == 0;
    }
    /* an idiom's verbs and predicates are no words of the lexicon */
    for (int i = 0; i < w->n_adjs; i++)
        st->n_adjectives += w->adjs[i].kind != AK_IDIOM;
    for (int i = 0; i < w->n_verbs; i++)
        st->n_verbs += !(w->verbs[i].uses & (VU_IDIOM | VU_MEANING));
    st->n_adverbs = w->n_advs;
    st->n_numbers = w->n_nums;
    st->n_times = w->n_times;
    st->n_pronouns = w->n_prons;
    st->n_weather = w->n_weather;
    st->n_lemmas = st->n_nouns + own_places + st->n_adjectives + st->n_verbs + st->n_adverbs +
                   st->n_numbers + st->n_times + st->n_pronouns + st->n_weather;
    for (int k = 0; k < N_KIND; k++)
        if (w->weight[k] > 0) {
            st->n_templates++;
            st->n_sentences += world_kind_estimate(w, k);
        }
    st->n_frames = w->n_frames;
    st->n_idioms = w->n_idioms;
    for (int i = 0; i < w->n_idioms; i++)
        st->n_idioms_test += w->idioms[i].test;
    st->n_phrasings = w->n_phr;
    for (int i = 0; i < w->n_phr; i++)
        st->n_phrasings_heldout += w->phr[i].heldout;
    st->n_labels = w->n_labels;
}
