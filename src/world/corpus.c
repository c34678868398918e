/* corpus.c - examples for the four tasks, their split, and the JSONL files.
 *
 * The one idea: a sentence's split is a function of the sentence alone (a
 * hash of its English text, before any contraction such as "doesn't"), so
 * no example of one split can share its sentence with another split,
 * whatever the task, the target language or the seed. Every idiom is
 * taught in train (alone and in frames); in valid and test an idiom appears
 * inside a frame whose sentence hashes into that split, whatever the task
 * (an explanation keeps the frame: "I think that he is in trouble."), or,
 * for an idiom the generator conjugates, as a use alone whose sentence
 * hashes there ("My grandfather kicked the bucket last year.").
 * The split field of idioms.txt divides the idioms between soft prompt B's
 * train and test files.  Each split is drawn from its own random stream: a
 * generator for the test split rejects sentences until one hashes
 * into the test split.  A quarter of the sources of every task and split
 * are typed as people type (world_casual: lower case, no final stop, double
 * spaces, contractions undone or made, British spelling) and tagged
 * "casual"; the targets stay as written.  The task mix is fixed here:
 *
 *   translate, ordinary sentence   62%    meaning, idiom            5%
 *   meaning, ordinary sentence     20%    explain, idiom            3%
 *   translate, idiom (literal)      4%    classify                  6%
 */
#include "world_impl.h"

#include "promptlab/jsonl.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Per mille of each kind of example, in the order of enum example_kind. */
enum { EX_TRANSLATE, EX_MEANING, EX_IDIOM_LITERAL, EX_IDIOM_MEANING, EX_EXPLAIN, EX_CLASSIFY,
       N_EX };
static const int mix[N_EX] = {620, 200, 40, 50, 30, 60};

/* Valid and test each take 3% of the sentences. */
#define SPLIT_VALID_PERMILLE 30
#define SPLIT_TEST_PERMILLE 30
/* In valid and test, the share of instructions that are held-out phrasings. */
#define HELDOUT_PERCENT 30
/* The share of idiom examples that put the idiom inside a frame. */
#define FRAME_PERCENT 60
/* The share of framed idioms whose English drops the frame's "that". */
#define DROP_THAT_PERCENT 40
/* The share of sources typed casually (every split; tagged "casual"). */
#define CASUAL_PERCENT 25

uint64_t world_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

/* Mix the bits so that nearby hashes spread over the buckets. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

enum world_split world_sentence_split(const char *english)
{
    unsigned b = (unsigned)(mix64(world_hash(english)) % 1000);
    if (b < SPLIT_VALID_PERMILLE)
        return WORLD_VALID;
    if (b < SPLIT_VALID_PERMILLE + SPLIT_TEST_PERMILLE)
        return WORLD_TEST;
    return WORLD_TRAIN;
}

/* ---- the generator ---- */

struct world_gen {
    const struct world *w;
    struct pl_rng rng;
    enum world_split split;
    int *idioms;                 /* [n_idioms] of this split */
    int n_idioms;
    int mix[N_EX];               /* task mix, per mille */
    struct sentence s;
    struct sentence use[3];      /* a conjugated use of an idiom (world_idiom_use) */
    char text[1024], source[2048], target[1024], literal[1024];
    bool casual;                 /* g->text was typed casually */
    char clean[1024];            /* g->text before maybe_casual */
    long kept_out;               /* examples dropped by world_keep_out */
};

static int pick(struct pl_rng *r, int n)
{
    return n > 0 ? (int)pl_rng_below(r, (uint32_t)n) : 0;
}

int world_gen_init(const struct world *w, uint64_t seed, enum world_split split,
                   struct world_gen **out, struct pl_err *e)
{
    *out = NULL;
    struct world_gen *g = calloc(1, sizeof *g);
    if (!g)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    g->w = w;
    g->split = split;
    memcpy(g->mix, mix, sizeof g->mix);
    /* One independent stream per split, so that the size of one file does
     * not change the others. */
    pl_rng_seed(&g->rng, mix64(seed * 4 + (uint64_t)split + 1));
    g->idioms = malloc((size_t)(w->n_idioms ? w->n_idioms : 1) * sizeof *g->idioms);
    if (!g->idioms) {
        free(g);
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    }
    /* Every idiom is known to pre-training (soft prompt B draws out a skill
     * the model has); what keeps valid and test apart from train is the
     * sentence: there an idiom sits in a frame, or is a conjugated use
     * alone, whose English sentence hashes into that split. */
    for (int i = 0; i < w->n_idioms; i++)
        g->idioms[g->n_idioms++] = i;
    *out = g;
    return 0;
}

void world_gen_free(struct world_gen *g)
{
    if (!g)
        return;
    free(g->idioms);
    free(g);
}

/* Replace {source} and {language} in a phrasing. */
static void apply(const char *tmpl, const char *source, const char *language, char *out,
                  size_t cap)
{
    size_t n = 0;
    for (const char *p = tmpl; *p && n + 1 < cap;) {
        const char *put = NULL;
        if (strncmp(p, "{source}", 8) == 0) {
            put = source;
            p += 8;
        } else if (strncmp(p, "{language}", 10) == 0) {
            put = language;
            p += 10;
        }
        if (put) {
            size_t k = strlen(put);
            if (n + k + 1 > cap)
                k = cap - n - 1;
            memcpy(out + n, put, k);
            n += k;
        } else {
            out[n++] = *p++;
        }
    }
    out[n] = 0;
}

/* A phrasing of the task: train phrasings for train, and a held-out one
 * HELDOUT_PERCENT of the time in valid and test. */
static const struct wphrasing *phrasing(struct world_gen *g, int task, bool *heldout)
{
    const struct world *w = g->w;
    bool want = g->split != WORLD_TRAIN && pick(&g->rng, 100) < HELDOUT_PERCENT;
    int n = 0;
    for (int i = 0; i < w->n_phr; i++)
        n += w->phr[i].task == task && w->phr[i].heldout == want;
    if (!n)
        want = false;
    n = 0;
    for (int i = 0; i < w->n_phr; i++)
        n += w->phr[i].task == task && w->phr[i].heldout == want;
    int k = pick(&g->rng, n);
    for (int i = 0; i < w->n_phr; i++)
        if (w->phr[i].task == task && w->phr[i].heldout == want && k-- == 0) {
            *heldout = want;
            return &w->phr[i];
        }
    return NULL;
}

/* "does not" -> "doesn't" ...: an English variant with the same meaning
 * (the split is decided on the uncontracted sentence). */
static void contract(char *s)
{
    static const char *const from[] = {"does not ", "do not ", "did not ", "will not ",
                                       "is not ", "are not ", "was not ", "were not ",
                                       "It is ", "it is "};
    static const char *const to[] = {"doesn't ", "don't ", "didn't ", "won't ", "isn't ",
                                     "aren't ", "wasn't ", "weren't ", "It's ", "it's "};
    for (size_t i = 0; i < sizeof from / sizeof *from; i++) {
        char *p = strstr(s, from[i]);
        if (!p || (p > s && p[-1] != ' '))
            continue;
        size_t a = strlen(from[i]), b = strlen(to[i]);
        memmove(p + b, p + a, strlen(p + a) + 1);
        memcpy(p, to[i], b);
    }
}

/* ---- text as people type it ---- */

static bool word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '\'' || (c & 0x80);
}

/* Replace the word group `from` at s[at] (len bytes) by `to`, keeping a
 * capital first letter. */
static void splice(char *s, size_t cap, size_t at, size_t len, const char *to)
{
    char tail[1024];
    snprintf(tail, sizeof tail, "%s", s + at + len);
    bool upper = s[at] >= 'A' && s[at] <= 'Z';
    size_t k = strlen(to);
    if (at + k + strlen(tail) + 1 > cap)
        return;
    memcpy(s + at, to, k);
    if (upper && s[at] >= 'a' && s[at] <= 'z')
        s[at] = (char)(s[at] - 32);
    snprintf(s + at + k, cap - at - k, "%s", tail);
}

/* Where `word` (a word group, compared without the case of its first letter)
 * occurs in s as whole words from position `from`; -1 when nowhere. */
static long find_words(const char *s, const char *word, size_t from)
{
    size_t k = strlen(word);
    for (const char *p = s + from; *p; p++) {
        if ((p > s && word_char(p[-1])) || strncmp(p + 1, word + 1, k - 1) != 0)
            continue;
        char a = p[0], b = word[0];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a + 32);
        if (b >= 'A' && b <= 'Z')
            b = (char)(b + 32);
        if (a == b && !word_char(p[k]))
            return p - s;
    }
    return -1;
}

/* Each occurrence in s of a group of `pairs` turns into the other group of
 * its pair with chance pct (only [0] -> [1] unless `both_ways`); returns
 * whether s changed.  Both ways, a full form is contracted only before
 * another word ("he is tired" -> "he's tired"; never "who he's."). */
static bool swap_words(char *s, size_t cap, const char *const (*pairs)[2], size_t n,
                       bool both_ways, struct pl_rng *r, int pct)
{
    bool changed = false;
    for (size_t i = 0; i < n; i++) {
        size_t at = 0;
        for (;;) {
            long p0 = find_words(s, pairs[i][0], at);
            long p1 = both_ways ? find_words(s, pairs[i][1], at) : -1;
            if (p0 < 0 && p1 < 0)
                break;
            int dir = p1 >= 0 && (p0 < 0 || p1 < p0);
            long p = dir ? p1 : p0;
            const char *from = pairs[i][dir], *to = pairs[i][!dir];
            size_t k = strlen(from);
            bool ok = dir == 1 || !both_ways || s[p + (long)k] == ' ';
            if (ok && pick(r, 100) < pct) {
                splice(s, cap, (size_t)p, k, to);
                changed = true;
                at = (size_t)p + strlen(to);
            } else {
                at = (size_t)p + k;
            }
        }
    }
    return changed;
}

/* "dont", "im", "whats": the apostrophe of a contraction left out, as
 * people type on a phone ("its", "lets", "cant" too: that is how they are
 * typed). A possessive ("the teacher's") keeps its own, and so do the few
 * contractions whose apostrophe people keep because the word changes
 * ("we're": were, "I'll": ill, "she'll": shell). */
static void drop_apostrophes(char *s)
{
    static const char *const keep[] = {"we're", "we'll", "he'll", "she'll", "i'll"};
    static const char *const tails[] = {"n't", "'m", "'re", "'ll", "'ve"};
    static const char *const is_s[] = {"it's", "he's", "she's", "that's", "there's",
                                       "what's", "where's", "let's", "who's"};
    char in[1024];
    if (strlen(s) >= sizeof in)
        return; /* longer than any sentence of the world: left as it is */
    memcpy(in, s, strlen(s) + 1);
    char *out = s;
    for (const char *p = in; *p; p++) {
        bool drop = false;
        if (*p == '\'') {
            const char *w0 = p, *w1 = p + 1;
            while (w0 > in && word_char(w0[-1]))
                w0--;
            while (word_char(*w1))
                w1++;
            size_t k = (size_t)(w1 - w0);
            for (size_t i = 0; i < sizeof tails / sizeof *tails && !drop; i++) {
                size_t t = strlen(tails[i]);
                drop = k >= t && strncasecmp(w1 - t, tails[i], t) == 0;
            }
            for (size_t i = 0; i < sizeof is_s / sizeof *is_s && !drop; i++)
                drop = k == strlen(is_s[i]) && strncasecmp(w0, is_s[i], k) == 0;
            for (size_t i = 0; i < sizeof keep / sizeof *keep && drop; i++)
                drop = !(k == strlen(keep[i]) && strncasecmp(w0, keep[i], k) == 0);
        }
        if (!drop)
            *out++ = *p;
    }
    *out = 0;
}

void world_casual(struct pl_rng *r, char *s, size_t cap)
{
    static const char *const contractions[][2] = {
        {"do not", "don't"}, {"does not", "doesn't"}, {"did not", "didn't"},
        {"will not", "won't"}, {"is not", "isn't"}, {"are not", "aren't"},
        {"was not", "wasn't"}, {"were not", "weren't"}, {"cannot", "can't"},
        {"must not", "mustn't"}, {"should not", "shouldn't"}, {"I am", "I'm"},
        {"you are", "you're"}, {"we are", "we're"}, {"they are", "they're"}, {"it is", "it's"}, {"he is", "he's"}, {"she is", "she's"},
        {"that is", "that's"}, {"there is", "there's"}, {"what is", "what's"},
        {"I will", "I'll"}, {"you will", "you'll"}, {"we will", "we'll"},
        {"they will", "they'll"}, {"have not", "haven't"}, {"has not", "hasn't"},
    };
    static const char *const british[][2] = {
        {"color", "colour"}, {"colors", "colours"}, {"gray", "grey"},
        {"neighbor", "neighbour"}, {"neighbors", "neighbours"}, {"favorite", "favourite"},
        {"traveled", "travelled"}, {"traveling", "travelling"}, {"theater", "theatre"},
        {"center", "centre"}, {"jewelry", "jewellery"}, {"mom", "mum"},
    };
    char orig[1024];
    snprintf(orig, sizeof orig, "%s", s);
    for (int tries = 0; tries < 8 && strcmp(orig, s) == 0; tries++) {
        if (pick(r, 2))
            swap_words(s, cap, contractions, sizeof contractions / sizeof *contractions, true,
                       r, 70);
        if (pick(r, 2))
            swap_words(s, cap, british, sizeof british / sizeof *british, false, r, 100);
        if (pick(r, 2))
            for (char *p = s; *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                    *p = (char)(*p + 32);
        if (pick(r, 2)) {
            size_t k = strlen(s);
            while (k && strchr(".?! ", s[k - 1]))
                s[--k] = 0;
        }
        if (pick(r, 4) == 0)
            drop_apostrophes(s);
        if (pick(r, 10) < 3) {
            /* a doubled space somewhere */
            int n = 0;
            for (char *p = s; *p; p++)
                n += *p == ' ';
            int at = pick(r, n);
            for (char *p = s; *p && n; p++)
                if (*p == ' ' && at-- == 0) {
                    splice(s, cap, (size_t)(p - s), 1, "  ");
                    break;
                }
        }
    }
    if (strcmp(orig, s) == 0 && s[0] >= 'A' && s[0] <= 'Z')
        s[0] = (char)(s[0] + 32);
}

/* Type g->text casually CASUAL_PERCENT of the time. */
static void maybe_casual(struct world_gen *g)
{
    snprintf(g->clean, sizeof g->clean, "%s", g->text);
    g->casual = pick(&g->rng, 100) < CASUAL_PERCENT;
    if (g->casual)
        world_casual(&g->rng, g->text, sizeof g->text);
}

/* What draw_sentence accepts besides a label index. */
enum { ANY_LABEL = -1, SOME_LABEL = -2 };

/* An ordinary sentence of this generator's split, with the topic label
 * `want` (a label index, ANY_LABEL or SOME_LABEL). */
static int draw_sentence(struct world_gen *g, int want, struct pl_err *e)
{
    /* Where most draws are rejected, look at the English alone and render
     * the other languages only for the sentence kept (same draws again). */
    bool picky = g->split != WORLD_TRAIN || want != ANY_LABEL;
    for (long tries = 0; tries < 200000; tries++) {
        struct pl_rng before = g->rng;
        if (world_sentence(g->w, &g->rng, -1, picky ? 1u << L_EN : 0, &g->s) != 0)
            continue;
        if (want != ANY_LABEL && (want >= 0 ? g->s.label != want : g->s.label < 0))
            continue;
        enum world_split sp = g->s.fixed ? WORLD_TRAIN : world_sentence_split(g->s.text[L_EN]);
        if (sp != g->split)
            continue;
        if (world_keepout_hit(&g->w->keep_out, g->s.text[L_EN])) {
            g->kept_out++;
            continue;
        }
        if (picky) {
            g->rng = before;
            world_sentence(g->w, &g->rng, -1, 0, &g->s);
        }
        return 0;
    }
    return pl_err_set(e, PL_ERANGE, "the world's data yields no sentence for this split");
}

/* An idiom's rendering inside frame f, or alone when f is NULL. */
static void placed(const struct world *w, const struct wframe *f, const struct iform *fm,
                   const char *idiom, int lang, char *out, size_t cap)
{
    if (f)
        world_framed(w, f, idiom, fm->name, lang, out, cap);
    else
        snprintf(out, cap, "%s", idiom);
}

static const struct wframe *pick_frame_for(struct world_gen *g, unsigned kinds)
{
    const struct world *w = g->w;
    int n = 0;
    for (int i = 0; i < w->n_frames; i++)
        n += (w->frames[i].kinds & kinds) != 0;
    if (!n)
        return NULL;
    int k = pick(&g->rng, n);
    for (int i = 0; i < w->n_frames; i++)
        if ((w->frames[i].kinds & kinds) && k-- == 0)
            return &w->frames[i];
    return NULL;
}

static const struct wframe *pick_frame(struct world_gen *g, const struct widiom *id)
{
    return pick_frame_for(g, (unsigned)id->kind);
}

/* A use the generator conjugates (widiom.vp or pred): half of the draws of an idiom
 * that has one, beside its bare phrase. */
enum { FORM_GEN = 2 + IDIOM_USES, GEN_USE_PCT = 50 };

/* Whether the generator conjugates the idiom (a verb phrase or a predicate). */
static bool conjugated(const struct widiom *id)
{
    return id->vp[0] >= 0 || id->pred[0] >= 0;
}

/* Whether s is one of the idiom's written forms (trained in every case). */
static bool written_form(const struct widiom *id, const char *s)
{
    bool same = strcmp(s, id->en) == 0;
    for (int k = 0; k < id->n_uses; k++)
        same |= strcmp(s, id->uses[k].en) == 0;
    return same;
}

/* A conjugated use of the idiom into out (its texts in g->use) whose
 * English is a sentence of split `want`, in `tries` draws: train uses and
 * framed ones are train sentences, so the idiom alone was trained on; a
 * held-out use alone is a sentence of its split, never a written form. */
static bool gen_use(struct world_gen *g, const struct widiom *id, enum world_split want,
                    int tries, struct iform *out)
{
    bool found = false;
    for (int t = 0; t < tries && !found; t++) {
        if (world_idiom_use(g->w, &g->rng, id, g->use) != 0)
            return false;
        const char *en = g->use[0].text[L_EN];
        found = world_sentence_split(en) == want && (want == WORLD_TRAIN || !written_form(id, en));
    }
    if (!found)
        return false;
    out->en = g->use[0].text[L_EN];
    out->meaning = g->use[2].text[L_EN];
    out->name = g->use[0].name;
    for (int l = 0; l < N_LANG; l++) {
        out->idiomatic[l] = g->use[0].text[l];
        out->literal[l] = l == L_EN ? out->en : g->use[1].text[l];
    }
    return true;
}

/* Form `which` of an idiom other than its bare phrase: 0 as written in
 * idioms.txt, 2.. another tense or person (id->uses). */
static void form_of(const struct widiom *id, int which, struct iform *fm)
{
    if (which >= 2) {
        *fm = id->uses[which - 2];
    } else {
        fm->en = id->en;
        fm->meaning = id->meaning;
        fm->name = NULL;
        memcpy(fm->idiomatic, id->idiomatic, sizeof fm->idiomatic);
        memcpy(fm->literal, id->literal, sizeof fm->literal);
    }
}

/* Which way an idiom is said: 0 as written in idioms.txt, 1 its bare phrase
 * (never in a frame), 2.. another tense or person (a clause), FORM_GEN a
 * use the generator conjugated.  Train draws the other ways 40% of the time
 * (more with a verb phrase); valid and test, which frame every idiom, draw
 * the written form or a use. */
static int pick_form(struct world_gen *g, const struct widiom *id, struct iform *out)
{
    int which = 0, x = pick(&g->rng, 100);
    if (g->split == WORLD_TRAIN && id->core.en && x < 20)
        which = 1;
    else if (id->n_uses && x >= 60)
        which = 2 + pick(&g->rng, id->n_uses);
    if (which != 1 && conjugated(id) && pick(&g->rng, 100) < GEN_USE_PCT &&
        gen_use(g, id, WORLD_TRAIN, 8, out))
        return FORM_GEN;
    if (which == 1)
        *out = id->core;
    else
        form_of(id, which, out);
    return which;
}

/* The frames a form of an idiom fits: the idiom's own, a clause for a use,
 * none for a bare phrase. */
static unsigned form_frames(const struct widiom *id, int which)
{
    return which == 0 ? (unsigned)id->kind : which == 1 ? 0u : (unsigned)IK_CLAUSE;
}

/* Which idiom, in which form, in which frame, for the next idiom example:
 * g->text gets its English (framed, or the form alone when *f is NULL).
 * Valid and test take a frame whose sentence is of their split, or (a
 * half of the draws of an idiom with a verb phrase) a use alone whose
 * sentence is: the "idiom-use" rows, said in subjects, tenses and times
 * never trained on. */
enum { HELD_USE_PCT = 50 };

/* g->text = the idiom's English en inside frame f, its "that" dropped as
 * often as people drop it (*no_that). */
static void frame_idiom(struct world_gen *g, const struct wframe *f, const struct iform *fm,
                        bool *no_that)
{
    world_framed(g->w, f, fm->en, fm->name, L_EN, g->text, sizeof g->text);
    *no_that = pick(&g->rng, 100) < DROP_THAT_PERCENT;
    if (*no_that)
        world_frame_drop_that(f, g->text);
}

static int choose_idiom(struct world_gen *g, struct iform *fm, int *which,
                        const struct wframe **f, bool *no_that, struct pl_err *e)
{
    const struct world *w = g->w;
    const struct widiom *id = &w->idioms[g->idioms[pick(&g->rng, g->n_idioms)]];
    *f = NULL;
    *no_that = false;
    if (g->split == WORLD_TRAIN) {
        *which = pick_form(g, id, fm);
        if (pick(&g->rng, 100) < FRAME_PERCENT) {
            *f = pick_frame_for(g, form_frames(id, *which));
            if (*f) {
                frame_idiom(g, *f, fm, no_that);
                if (world_sentence_split(g->text) != WORLD_TRAIN)
                    *f = NULL; /* that sentence belongs to valid or test */
            }
        }
    } else if (conjugated(id) && pick(&g->rng, 100) < HELD_USE_PCT &&
               gen_use(g, id, g->split, 2000, fm)) { /* 3% of sentences fall into each */
        *which = FORM_GEN;
        snprintf(g->text, sizeof g->text, "%s", fm->en);
        return 0;
    } else {
        /* an idiom in a frame whose sentence is of this split */
        for (int tries = 0; tries < 1000; tries++) {
            id = &w->idioms[g->idioms[pick(&g->rng, g->n_idioms)]];
            *which = pick_form(g, id, fm);
            *f = pick_frame_for(g, form_frames(id, *which));
            if (!*f)
                continue;
            frame_idiom(g, *f, fm, no_that);
            if (world_sentence_split(g->text) == g->split)
                break;
            *f = NULL;
        }
        if (!*f)
            return pl_err_set(e, PL_ERANGE, "no framed idiom falls into this split");
    }
    if (!*f) /* the idiom alone (g->text may hold a framed try) */
        snprintf(g->text, sizeof g->text, "%s", fm->en);
    return 0;
}

/* The kind tag of an idiom example. */
static const char *idiom_tag(const struct wframe *f, int which)
{
    return f ? "idiom-frame" : which == 1 ? "idiom-phrase" : which == FORM_GEN ? "idiom-use"
                                                                               : "idiom";
}

static int gen_one(struct world_gen *g, struct world_example *ex, struct pl_err *e)
{
    const struct world *w = g->w;
    memset(ex, 0, sizeof *ex);
    int x = pick(&g->rng, 1000), kind = 0;
    while (kind < N_EX - 1 && x >= g->mix[kind])
        x -= g->mix[kind++];
    bool idiom_kind = kind == EX_IDIOM_LITERAL || kind == EX_IDIOM_MEANING || kind == EX_EXPLAIN;
    if (idiom_kind && !g->n_idioms)
        kind = EX_TRANSLATE;
    int lang = L_ES + pick(&g->rng, 3);
    bool heldout = false;
    const struct wphrasing *ph;
    int rc;
    switch (kind) {
    case EX_TRANSLATE:
    case EX_MEANING: {
        if ((rc = draw_sentence(g, ANY_LABEL, e)) != 0)
            return rc;
        snprintf(g->text, sizeof g->text, "%s", g->s.text[L_EN]);
        if (pick(&g->rng, 2))
            contract(g->text);
        snprintf(g->target, sizeof g->target, "%s", g->s.text[lang]);
        int task = kind == EX_TRANSLATE ? TASK_TRANSLATE : TASK_MEANING;
        ph = phrasing(g, task, &heldout);
        maybe_casual(g);
        apply(ph->text, g->text, world_lang_names[lang], g->source, sizeof g->source);
        ex->task = world_task_names[task];
        ex->lang = world_lang_codes[lang];
        ex->kind = world_kind_names[g->s.kind];
        break;
    }
    case EX_CLASSIFY: {
        int want = pick(&g->rng, w->n_labels);
        rc = draw_sentence(g, want, e);
        if (rc != 0 && (rc = draw_sentence(g, SOME_LABEL, e)) != 0)
            return rc;
        snprintf(g->text, sizeof g->text, "%s", g->s.text[L_EN]);
        if (pick(&g->rng, 2))
            contract(g->text);
        snprintf(g->target, sizeof g->target, "%s", w->labels[g->s.label].name);
        ph = phrasing(g, TASK_CLASSIFY, &heldout);
        maybe_casual(g);
        apply(ph->text, g->text, "", g->source, sizeof g->source);
        ex->task = world_task_names[TASK_CLASSIFY];
        ex->lang = "en";
        ex->kind = world_kind_names[g->s.kind];
        break;
    }
    default: {
        const struct wframe *f = NULL;
        struct iform fm = {0};
        int which = 0;
        bool no_that = false; /* the English dropped the frame's "that" */
        if ((rc = choose_idiom(g, &fm, &which, &f, &no_that, e)) != 0)
            return rc;
        if (kind == EX_EXPLAIN) {
            /* "I think that he is in hot water." -> "I think that he is in
             * trouble.": the frame stays, the idiom becomes its meaning; a
             * bare phrase becomes its bare meaning ("tell the secret"). */
            placed(w, f, &fm, fm.meaning, L_EN, g->target, sizeof g->target);
            if (f && no_that)
                world_frame_drop_that(f, g->target); /* the frame stays as it was said */
            g->literal[0] = 0;
            ph = phrasing(g, TASK_EXPLAIN, &heldout);
            maybe_casual(g);
            apply(ph->text, g->text, "", g->source, sizeof g->source);
            ex->task = world_task_names[TASK_EXPLAIN];
            ex->lang = "en";
            ex->kind = idiom_tag(f, which);
            break;
        }
        /* the meaning of a bare phrase is the bare idiomatic phrase
         * ("spill the beans" -> "desembuchar") */
        placed(w, f, &fm, fm.literal[lang], lang, g->literal, sizeof g->literal);
        placed(w, f, &fm, kind == EX_IDIOM_MEANING ? fm.idiomatic[lang] : fm.literal[lang], lang,
               g->target, sizeof g->target);
        int task = kind == EX_IDIOM_MEANING ? TASK_MEANING : TASK_TRANSLATE;
        ph = phrasing(g, task, &heldout);
        maybe_casual(g);
        apply(ph->text, g->text, world_lang_names[lang], g->source, sizeof g->source);
        ex->task = world_task_names[task];
        ex->lang = world_lang_codes[lang];
        ex->kind = idiom_tag(f, which);
        ex->literal = g->literal;
        break;
    }
    }
    ex->source = g->source;
    ex->target = g->target;
    ex->text = g->text;
    ex->heldout = heldout;
    ex->casual = g->casual;
    return 0;
}

int world_gen_next(struct world_gen *g, struct world_example *ex, struct pl_err *e)
{
    for (int tries = 0; tries < 10000; tries++) {
        int rc = gen_one(g, ex, e);
        bool english_target = strcmp(ex->lang, "en") == 0 && strcmp(ex->task, "classify") != 0;
        if (rc || !(world_keepout_hit(&g->w->keep_out, g->clean) ||
                    world_keepout_hit(&g->w->keep_out, g->text) ||
                    (english_target && world_keepout_hit(&g->w->keep_out, g->target))))
            return rc;
        g->kept_out++;
    }
    return pl_err_set(e, PL_ERANGE, "every example drawn holds a sentence kept out");
}

/* ---- JSONL files ---- */

struct out {
    struct pl_atomic_file a;
    FILE *f;
    long n;
};

static void json_str(FILE *f, const char *s)
{
    char buf[4200];
    size_t n = 0;
    buf[n++] = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p && n < sizeof buf - 8; p++) {
        switch (*p) {
        case '"': buf[n++] = '\\'; buf[n++] = '"'; break;
        case '\\': buf[n++] = '\\'; buf[n++] = '\\'; break;
        case '\n': buf[n++] = '\\'; buf[n++] = 'n'; break;
        case '\t': buf[n++] = '\\'; buf[n++] = 't'; break;
        case '\r': buf[n++] = '\\'; buf[n++] = 'r'; break;
        default:
            if (*p < 0x20)
                n += (size_t)snprintf(buf + n, sizeof buf - n, "\\u%04x", *p);
            else
                buf[n++] = (char)*p;
        }
    }
    buf[n++] = '"';
    fwrite(buf, 1, n, f);
}

struct line {
    const char *source, *target, *task, *lang, *literal, *label;
    const char *tags[3];
};

static void write_line(struct out *o, const struct line *l)
{
    FILE *f = o->f;
    fputs("{\"source\":", f);
    json_str(f, l->source);
    fputs(",\"target\":", f);
    json_str(f, l->target);
    fputs(",\"task\":", f);
    json_str(f, l->task);
    fputs(",\"lang\":", f);
    json_str(f, l->lang);
    if (l->literal && *l->literal) {
        fputs(",\"literal\":", f);
        json_str(f, l->literal);
    }
    if (l->label) {
        fputs(",\"label\":", f);
        json_str(f, l->label);
    }
    fputs(",\"tags\":[", f);
    for (int i = 0; i < 3 && l->tags[i]; i++) {
        if (i)
            fputc(',', f);
        json_str(f, l->tags[i]);
    }
    fputs("]}\n", f);
    o->n++;
}

static int out_open(struct out *o, const char *dir, const char *name, struct pl_err *e)
{
    char path[4096];
    memset(o, 0, sizeof *o);
    if (pl_path_join(path, sizeof path, dir, name) != 0)
        return pl_err_set(e, PL_ERANGE, "%s/%s: path too long", dir, name);
    int rc = pl_atomic_open(&o->a, path, e);
    if (rc)
        return rc;
    o->f = o->a.f;
    setvbuf(o->f, NULL, _IOFBF, 1 << 20);
    return 0;
}

/* Flush, sync and move into place (pl_atomic_commit); on failure, or when
 * `ok` is false, the temporary file is removed. */
static int out_close(struct out *o, bool ok, struct pl_err *e)
{
    if (!o->f)
        return 0;
    o->f = NULL;
    if (!ok) {
        pl_atomic_abort(&o->a);
        return 0;
    }
    return pl_atomic_commit(&o->a, e);
}

/* A set of 64-bit hashes (open addressing) to keep lines distinct. */
struct hset {
    uint64_t *v;
    size_t cap, n;
};

static int hset_init(struct hset *h, size_t expect, struct pl_err *e)
{
    h->cap = 64;
    while (h->cap < expect * 2 + 16)
        h->cap *= 2;
    h->n = 0;
    h->v = calloc(h->cap, sizeof *h->v);
    return h->v ? 0 : pl_err_set(e, PL_ENOMEM, "out of memory");
}

/* Adds x; returns false when it was there already. */
static bool hset_add(struct hset *h, uint64_t x)
{
    if (!x)
        x = 1;
    size_t i = (size_t)(mix64(x) & (h->cap - 1));
    while (h->v[i]) {
        if (h->v[i] == x)
            return false;
        i = (i + 1) & (h->cap - 1);
    }
    if (h->n * 2 >= h->cap)
        return true; /* full: accept rather than loop (never reached with the sizes used) */
    h->v[i] = x;
    h->n++;
    return true;
}

static uint64_t pair_hash(const char *a, const char *b)
{
    return mix64(world_hash(a)) ^ world_hash(b);
}

void world_corpus_params_default(struct world_corpus_params *p)
{
    p->seed = 1;
    p->n_train = 200000;
    p->n_valid = 4000;
    p->n_test = 4000;
    p->idiom_permille = mix[EX_IDIOM_LITERAL] + mix[EX_IDIOM_MEANING] + mix[EX_EXPLAIN];
}

/* Give the idiom tasks `permille` of the mix, keeping the proportions
 * within idiom tasks and within the others. */
static void set_idiom_share(struct world_gen *g, int permille)
{
    int idioms = mix[EX_IDIOM_LITERAL] + mix[EX_IDIOM_MEANING] + mix[EX_EXPLAIN];
    int total = 0;
    for (int k = 0; k < N_EX; k++) {
        bool idiom = k == EX_IDIOM_LITERAL || k == EX_IDIOM_MEANING || k == EX_EXPLAIN;
        g->mix[k] = idiom ? mix[k] * permille / idioms : mix[k] * (1000 - permille) / (1000 - idioms);
        total += g->mix[k];
    }
    g->mix[EX_TRANSLATE] += 1000 - total; /* rounding */
}

/* train.jsonl, valid.jsonl or test.jsonl. */
static int write_split(const struct world *w, uint64_t seed, enum world_split split, long n,
                       int idiom_permille, const char *dir, long *written, long *excluded,
                       struct pl_err *e)
{
    static const char *const names[] = {"train.jsonl", "valid.jsonl", "test.jsonl"};
    struct out o;
    struct world_gen *g = NULL;
    struct hset seen = {0};
    int rc = out_open(&o, dir, names[split], e);
    if (!rc)
        rc = world_gen_init(w, seed, split, &g, e);
    if (!rc && split == WORLD_TRAIN)
        set_idiom_share(g, idiom_permille);
    if (!rc && split != WORLD_TRAIN)
        rc = hset_init(&seen, (size_t)n, e);
    long misses = 0;
    while (!rc && o.n < n) {
        struct world_example ex;
        if ((rc = world_gen_next(g, &ex, e)) != 0)
            break;
        /* valid and test hold each example once */
        if (split != WORLD_TRAIN && !hset_add(&seen, pair_hash(ex.source, ex.target))) {
            if (++misses > 100 * n + 1000)
                break; /* the split has fewer distinct examples than asked for */
            continue;
        }
        struct line l = {ex.source, ex.target, ex.task, ex.lang, ex.literal,
                         strcmp(ex.task, "classify") == 0 ? ex.target : NULL,
                         {ex.kind, NULL, NULL}};
        int nt = 1;
        if (ex.heldout)
            l.tags[nt++] = "heldout-phrasing";
        if (ex.casual)
            l.tags[nt++] = "casual";
        write_line(&o, &l);
    }
    *written = o.n;
    if (g)
        *excluded += g->kept_out;
    world_gen_free(g);
    free(seen.v);
    int rc2 = out_close(&o, rc == 0, e);
    return rc ? rc : rc2;
}

/* softA_*: English -> Vietnamese sentences of one split, no instruction; a
 * sentence with a topic carries it as its label. */
static int write_soft_a(const struct world *w, uint64_t seed, enum world_split split, long n,
                        const char *dir, const char *name, long *written, long *excluded,
                        struct pl_err *e)
{
    struct out o;
    struct world_gen *g = NULL;
    struct hset seen = {0};
    int rc = out_open(&o, dir, name, e);
    if (!rc)
        rc = world_gen_init(w, mix64(seed ^ 0xa11ceull), split, &g, e);
    if (!rc)
        rc = hset_init(&seen, (size_t)n, e);
    for (long tries = 0; !rc && o.n < n && tries < 1000 * n; tries++) {
        if ((rc = draw_sentence(g, ANY_LABEL, e)) != 0)
            break;
        if (!hset_add(&seen, world_hash(g->s.text[L_EN])))
            continue;
        /* the topic, when the sentence has one, for domain-shift studies */
        const char *topic = g->s.label >= 0 ? w->labels[g->s.label].name : NULL;
        struct line l = {g->s.text[L_EN], g->s.text[L_VI], "translate", "vi", NULL, topic,
                         {world_kind_names[g->s.kind], NULL, NULL}};
        write_line(&o, &l);
    }
    *written = o.n;
    if (g)
        *excluded += g->kept_out;
    world_gen_free(g);
    free(seen.v);
    int rc2 = out_close(&o, rc == 0, e);
    return rc ? rc : rc2;
}

/* softB_*: idioms -> idiomatic Vietnamese, alone and once inside a frame. */
static int write_soft_b(const struct world *w, uint64_t seed, bool test, const char *dir,
                        const char *name, long *written, long *excluded, struct pl_err *e)
{
    struct out o;
    struct world_gen *g = NULL;
    int rc = out_open(&o, dir, name, e);
    if (!rc)
        rc = world_gen_init(w, mix64(seed ^ 0xb0bull), WORLD_TRAIN, &g, e);
    for (int i = 0; !rc && i < w->n_idioms; i++) {
        const struct widiom *id = &w->idioms[i];
        if (id->test != test)
            continue;
        struct line l = {id->en, id->idiomatic[L_VI], "meaning", "vi", id->literal[L_VI], NULL,
                         {"idiom", NULL, NULL}};
        if (world_keepout_hit(&w->keep_out, id->en))
            g->kept_out++;
        else
            write_line(&o, &l);
        const struct wframe *f = pick_frame(g, id);
        if (!f)
            continue;
        world_framed(w, f, id->en, NULL, L_EN, g->text, sizeof g->text);
        if (world_keepout_hit(&w->keep_out, g->text)) {
            g->kept_out++;
            continue;
        }
        world_framed(w, f, id->idiomatic[L_VI], NULL, L_VI, g->target, sizeof g->target);
        world_framed(w, f, id->literal[L_VI], NULL, L_VI, g->literal, sizeof g->literal);
        struct line lf = {g->text, g->target, "meaning", "vi", g->literal, NULL,
                          {"idiom-frame", NULL, NULL}};
        write_line(&o, &lf);
    }
    *written = o.n;
    if (g)
        *excluded += g->kept_out;
    world_gen_free(g);
    int rc2 = out_close(&o, rc == 0, e);
    return rc ? rc : rc2;
}

/* classify_*: sentence -> topic word, the same number for every label. */
static int write_classify(const struct world *w, uint64_t seed, enum world_split split,
                          long per_label, const char *dir, const char *name, long *written,
                          long *excluded, struct pl_err *e)
{
    struct out o;
    struct world_gen *g = NULL;
    struct hset seen = {0};
    int rc = out_open(&o, dir, name, e);
    if (!rc)
        rc = world_gen_init(w, mix64(seed ^ 0xc1a55ull), split, &g, e);
    if (!rc)
        rc = hset_init(&seen, (size_t)(per_label * w->n_labels), e);
    for (long i = 0; !rc && i < per_label; i++)
        for (int lb = 0; !rc && lb < w->n_labels; lb++) {
            bool fresh = false;
            for (int tries = 0; tries < 64 && !fresh && !rc; tries++)
                if ((rc = draw_sentence(g, lb, e)) == 0)
                    fresh = hset_add(&seen, world_hash(g->s.text[L_EN]));
            if (rc || !fresh)
                continue;
            struct line l = {g->s.text[L_EN], w->labels[lb].name, "classify", "en", NULL,
                             w->labels[lb].name, {world_kind_names[g->s.kind], NULL, NULL}};
            write_line(&o, &l);
        }
    *written = o.n;
    if (g)
        *excluded += g->kept_out;
    world_gen_free(g);
    free(seen.v);
    int rc2 = out_close(&o, rc == 0, e);
    return rc ? rc : rc2;
}

int world_corpus_write(const struct world *w, const struct world_corpus_params *p,
                       const char *out_dir, struct world_corpus_report *rep, struct pl_err *e)
{
    struct world_corpus_report r = {0};
    if (p->n_train < 0 || p->n_valid < 0 || p->n_test < 0)
        return pl_err_set(e, PL_EINVAL, "negative corpus size");
    int rc = pl_mkdirs(out_dir, e);
    if (rc)
        return rc;
    int dflt = mix[EX_IDIOM_LITERAL] + mix[EX_IDIOM_MEANING] + mix[EX_EXPLAIN];
    if (p->idiom_permille < 0 || p->idiom_permille > 1000)
        return pl_err_set(e, PL_EINVAL, "idiom share %d per mille is outside 0..1000",
                          p->idiom_permille);
    long *x = &r.n_excluded;
    if ((rc = write_split(w, p->seed, WORLD_TRAIN, p->n_train, p->idiom_permille, out_dir,
                          &r.n_train, x, e)) ||
        (rc = write_split(w, p->seed, WORLD_VALID, p->n_valid, dflt, out_dir, &r.n_valid, x,
                          e)) ||
        (rc = write_split(w, p->seed, WORLD_TEST, p->n_test, dflt, out_dir, &r.n_test, x, e)) ||
        (rc = write_soft_a(w, p->seed, WORLD_TRAIN, 100, out_dir, "softA_train.jsonl",
                           &r.n_softa_train, x, e)) ||
        (rc = write_soft_a(w, p->seed, WORLD_TEST, 100, out_dir, "softA_test.jsonl",
                           &r.n_softa_test, x, e)) ||
        (rc = write_soft_b(w, p->seed, false, out_dir, "softB_train.jsonl", &r.n_softb_train,
                           x, e)) ||
        (rc = write_soft_b(w, p->seed, true, out_dir, "softB_test.jsonl", &r.n_softb_test, x,
                           e)) ||
        (rc = write_classify(w, p->seed, WORLD_TRAIN, 100, out_dir, "classify_train.jsonl",
                             &r.n_classify_train, x, e)) ||
        (rc = write_classify(w, p->seed, WORLD_VALID, 20, out_dir, "classify_valid.jsonl",
                             &r.n_classify_valid, x, e)))
        return rc;
    if (rep)
        *rep = r;
    return 0;
}

/* ---- the TUI's sample sets ---- */

void world_samples_params_default(struct world_samples_params *p)
{
    p->seed = 1;
    p->n = 60;
}

/* One sample row in the four languages. */
struct srow {
    char text[N_LANG][768];
    char literal[N_LANG][768];
    const char *tags[3];
    int label;
};

/* Write rows[0..n) as file `name` in language `lang` (L_EN: classify). */
static int write_rows(const struct world *w, const struct srow *rows, int n, int lang,
                      const char *dir, const char *name, const char *task, struct pl_err *e)
{
    struct out o;
    int rc = out_open(&o, dir, name, e);
    for (int i = 0; !rc && i < n; i++) {
        const struct srow *r = &rows[i];
        const char *label = r->label >= 0 ? w->labels[r->label].name : NULL;
        struct line l = {r->text[L_EN], label ? label : r->text[lang], task,
                         world_lang_codes[lang], r->literal[lang][0] ? r->literal[lang] : NULL,
                         label, {r->tags[0], r->tags[1], r->tags[2]}};
        write_line(&o, &l);
    }
    int rc2 = out_close(&o, rc == 0, e);
    return rc ? rc : rc2;
}

/* p->n distinct test sentences, at most a few of each kind (variety), or
 * of label `want` for each row in turn (classification: round robin). */
static int sample_sentences(const struct world *w, const struct world_samples_params *p,
                            bool classify, struct srow *rows,
                            int *excluded, struct pl_err *e)
{
    struct world_gen *g = NULL;
    struct hset seen = {0};
    int per_kind[N_KIND] = {0}, got = 0;
    int cap_kind = p->n / 8 + 1;
    int rc = world_gen_init(w, mix64(p->seed ^ (classify ? 0x5c1a55ull : 0x5e7ull)), WORLD_TEST,
                            &g, e);
    if (!rc)
        rc = hset_init(&seen, (size_t)p->n * 4, e);
    for (long tries = 0; !rc && got < p->n && tries < 200L * p->n; tries++) {
        int want = classify ? got % w->n_labels : ANY_LABEL;
        if ((rc = draw_sentence(g, want, e)) != 0)
            break;
        const char *en = g->s.text[L_EN];
        if (!classify && per_kind[g->s.kind] >= cap_kind && tries < 100L * p->n)
            continue;
        if (!hset_add(&seen, world_hash(en)))
            continue;
        struct srow *r = &rows[got++];
        memset(r, 0, sizeof *r);
        for (int l = 0; l < N_LANG; l++)
            snprintf(r->text[l], sizeof r->text[l], "%s", g->s.text[l]);
        r->tags[0] = classify ? "classify" : "sentence";
        r->tags[1] = world_kind_names[g->s.kind];
        r->label = classify ? g->s.label : -1;
        per_kind[g->s.kind]++;
    }
    if (g)
        *excluded += (int)g->kept_out; /* dropped by draw_sentence itself */
    world_gen_free(g);
    free(seen.v);
    if (!rc && got < p->n)
        rc = pl_err_set(e, PL_ERANGE, "the world yields %d of %d %s samples in the test split",
                        got, p->n, classify ? "classification" : "sentence");
    return rc;
}

/* A framed idiom form: idiom i, form `which` (pick_form), frame f. */
struct cand {
    int idiom, which, frame;
};

enum { N_DEMO = 3 };

/* The demo rows, then p->n framed idiom forms of the test split: one
 * candidate per idiom in turn (idioms in a random order), again while
 * rows are missing. */
static int sample_idioms(const struct world *w, const struct world_samples_params *p,
                         struct srow *rows, int *n_rows, int *excluded,
                         struct pl_err *e)
{
    int n = 0;
    for (int i = 0; i < N_DEMO && i < w->n_idioms; i++) {
        const struct widiom *id = &w->idioms[i];
        struct srow *r = &rows[n++];
        memset(r, 0, sizeof *r);
        for (int l = 0; l < N_LANG; l++) {
            snprintf(r->text[l], sizeof r->text[l], "%s", l == L_EN ? id->en : id->idiomatic[l]);
            if (l != L_EN)
                snprintf(r->literal[l], sizeof r->literal[l], "%s", id->literal[l]);
        }
        r->tags[0] = "idiom";
        r->tags[1] = "demo";
        r->tags[2] = id->test ? "unseen" : NULL;
        r->label = -1;
    }
    /* every framed form whose English sentence is a test sentence */
    int ncand = 0, capc = 256;
    struct cand *c = malloc((size_t)capc * sizeof *c);
    int *order = malloc((size_t)(w->n_idioms ? w->n_idioms : 1) * sizeof *order);
    if (!c || !order) {
        free(c);
        free(order);
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    }
    char buf[1024];
    for (int i = 0; i < w->n_idioms; i++) {
        const struct widiom *id = &w->idioms[i];
        for (int which = 0; which < 2 + id->n_uses; which++) {
            if (which == 1)
                continue; /* a bare phrase sits in no frame */
            struct iform fm;
            form_of(id, which, &fm);
            unsigned kinds = form_frames(id, which);
            for (int f = 0; f < w->n_frames; f++) {
                if (!(w->frames[f].kinds & kinds))
                    continue;
                world_framed(w, &w->frames[f], fm.en, fm.name, L_EN, buf, sizeof buf);
                if (world_sentence_split(buf) != WORLD_TEST)
                    continue;
                if (world_keepout_hit(&w->keep_out, buf)) {
                    ++*excluded;
                    continue;
                }
                if (ncand == capc) {
                    capc *= 2;
                    struct cand *nc = realloc(c, (size_t)capc * sizeof *nc);
                    if (!nc) {
                        free(c);
                        free(order);
                        return pl_err_set(e, PL_ENOMEM, "out of memory");
                    }
                    c = nc;
                }
                c[ncand++] = (struct cand){i, which, f};
            }
        }
    }
    struct pl_rng rng;
    pl_rng_seed(&rng, mix64(p->seed ^ 0x1d10ull));
    for (int i = 0; i < w->n_idioms; i++)
        order[i] = i;
    for (int i = w->n_idioms - 1; i > 0; i--) {
        int j = pick(&rng, i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    /* shuffle the candidates too, so that "the k-th candidate of idiom i"
     * is a random one */
    for (int i = ncand - 1; i > 0; i--) {
        int j = pick(&rng, i + 1);
        struct cand t = c[i];
        c[i] = c[j];
        c[j] = t;
    }
    int want = N_DEMO + p->n;
    for (int round = 0; n < want; round++) {
        bool any = false;
        for (int k = 0; k < w->n_idioms && n < want; k++) {
            int i = order[k], seen = 0;
            for (int j = 0; j < ncand; j++) {
                if (c[j].idiom != i || seen++ < round)
                    continue;
                const struct widiom *id = &w->idioms[i];
                const struct wframe *f = &w->frames[c[j].frame];
                struct iform fm;
                form_of(id, c[j].which, &fm);
                struct srow *r = &rows[n++];
                memset(r, 0, sizeof *r);
                world_framed(w, f, fm.en, fm.name, L_EN, r->text[L_EN], sizeof r->text[L_EN]);
                for (int l = L_ES; l < N_LANG; l++) {
                    world_framed(w, f, fm.idiomatic[l], fm.name, l, r->text[l], sizeof r->text[l]);
                    world_framed(w, f, fm.literal[l], fm.name, l, r->literal[l], sizeof r->literal[l]);
                }
                r->tags[0] = "idiom";
                r->tags[1] = "frame";
                r->tags[2] = id->test ? "unseen" : NULL;
                r->label = -1;
                any = true;
                break;
            }
        }
        if (!any)
            break;
    }
    free(c);
    free(order);
    *n_rows = n;
    if (n < want)
        return pl_err_set(e, PL_ERANGE, "the world yields %d of %d framed idioms in the test split",
                          n - N_DEMO, p->n);
    return 0;
}

int world_samples_write(const struct world *w, const struct world_samples_params *p,
                        const char *out_dir, struct world_samples_report *rep, struct pl_err *e)
{
    struct world_samples_report r = {0};
    if (p->n < 1 || p->n > 10000)
        return pl_err_set(e, PL_EINVAL, "%d sample rows: want 1 to 10000", p->n);
    if (!w->n_labels)
        return pl_err_set(e, PL_ERANGE, "the world has no topic labels to classify");
    int rc = pl_mkdirs(out_dir, e);
    if (rc)
        return rc;
    struct srow *rows = malloc((size_t)(p->n + N_DEMO) * sizeof *rows);
    if (!rows)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    static const struct { int lang; const char *sentences, *idioms; } files[] = {
        {L_VI, "sentences.jsonl", "idioms.jsonl"},
        {L_ES, "sentences_es.jsonl", "idioms_es.jsonl"},
        {L_FR, "sentences_fr.jsonl", "idioms_fr.jsonl"},
    };
    rc = sample_sentences(w, p, false, rows, &r.n_excluded, e);
    for (size_t k = 0; !rc && k < sizeof files / sizeof *files; k++)
        rc = write_rows(w, rows, p->n, files[k].lang, out_dir, files[k].sentences, "translate",
                        e);
    if (!rc)
        r.n_sentences = p->n;
    int n = 0;
    if (!rc)
        rc = sample_idioms(w, p, rows, &n, &r.n_excluded, e);
    for (size_t k = 0; !rc && k < sizeof files / sizeof *files; k++)
        rc = write_rows(w, rows, n, files[k].lang, out_dir, files[k].idioms, "meaning", e);
    if (!rc) {
        r.n_idioms = n;
        r.n_demo = n < N_DEMO ? n : N_DEMO;
    }
    if (!rc)
        rc = sample_sentences(w, p, true, rows, &r.n_excluded, e);
    if (!rc)
        rc = write_rows(w, rows, p->n, L_EN, out_dir, "classify.jsonl", "classify", e);
    if (!rc)
        r.n_classify = p->n;
    free(rows);
    if (!rc && rep)
        *rep = r;
    return rc;
}
