/* test_world.c - the world: its data loads and is complete, the grammar agrees
 * in gender and number and orders words right in each language, and the
 * corpus is deterministic and keeps its splits apart. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "promptlab/jsonl.h"
#include "promptlab/world.h"
#include "test.h"
#include "world/world_impl.h"

static const char *const DIR_WORLD = "assets/world";

/* ---- helpers ---- */

static int N(const struct world *w, const char *id)
{
    int i = world_noun_index(w, id);
    CHECKF(i >= 0, "no noun '%s'", id);
    return i < 0 ? 0 : i;
}

static int A(const struct world *w, const char *id)
{
    int i = world_adj_index(w, id);
    CHECKF(i >= 0, "no adjective '%s'", id);
    return i;
}

static int V(const struct world *w, const char *id)
{
    int i = world_verb_index(w, id);
    CHECKF(i >= 0, "no verb '%s'", id);
    return i < 0 ? 0 : i;
}

static int P(const struct world *w, const char *id)
{
    int i = world_pron_index(w, id);
    CHECKF(i >= 0, "no pronoun '%s'", id);
    return i < 0 ? 0 : i;
}

static struct np np_make(int noun, int det, bool pl, int adj)
{
    struct np p = {.noun = noun, .det = det, .pl = pl, .poss = -1, .num = -1, .adj = adj};
    return p;
}

/* A noun phrase as it would appear at the start of a sentence: finished
 * (contractions, elisions) and capitalised. */
static const char *np_text(const struct world *w, const struct np *p, int lang, unsigned role)
{
    static char buf[512];
    if (world_np(w, p, lang, role, NULL, buf, sizeof buf) < 0)
        return "(too long)";
    world_finish(w, lang, buf, sizeof buf);
    return buf;
}

static const char *finish(const struct world *w, int lang, const char *s)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "%s", s);
    world_finish(w, lang, buf, sizeof buf);
    return buf;
}

static void clause_init(struct clause *c, int verb)
{
    memset(c, 0, sizeof *c);
    c->verb = verb;
    c->s.pron = -1;
    c->adv = c->loc = c->dest = c->clock = c->time = c->day = -1;
}

static void check_clause(const struct world *w, const struct clause *c, const char *en,
                         const char *es, const char *fr, const char *vi)
{
    struct sentence s;
    s.langs = (1u << N_LANG) - 1;
    world_clause(w, c, &s);
    CHECK_STR(s.text[L_EN], en);
    CHECK_STR(s.text[L_ES], es);
    CHECK_STR(s.text[L_FR], fr);
    CHECK_STR(s.text[L_VI], vi);
}

/* An English sentence as the split sees it, whatever way it was typed:
 * lower case, no final punctuation, single spaces, contractions undone,
 * American spelling. */
static void canon(char *s)
{
    static const char *const from[] = {
        "don't", "doesn't", "didn't", "won't", "isn't", "aren't", "wasn't", "weren't", "can't",
        "mustn't", "i'm", "you're", "we're", "they're", "it's", "he's", "she's", "that's",
        "there's", "what's", "i'll", "you'll", "we'll", "they'll", "cannot", "colours", "colour",
        "grey", "neighbours", "neighbour", "favourite", "travelled", "travelling", "theatre",
        "centre", "jewellery", "mum", "dont", "doesnt", "didnt", "wont", "isnt", "arent",
        "wasnt", "werent", "cant", "mustnt", "im", "youre", "theyre", "its", "hes", "shes",
        "thats", "theres", "whats", "youll", "theyll", "lets", "haven't", "hasn't", "havent",
        "hasnt", "shouldn't", "shouldnt"};
    static const char *const to[] = {
        "do not", "does not", "did not", "will not", "is not", "are not", "was not",
        "were not", "cannot", "must not", "i am", "you are", "we are", "they are", "it is",
        "he is", "she is", "that is", "there is", "what is", "i will", "you will", "we will",
        "they will", "can not", "colors", "color", "gray", "neighbors", "neighbor", "favorite",
        "traveled", "traveling", "theater", "center", "jewelry", "mom", "do not", "does not",
        "did not", "will not", "is not", "are not", "was not", "were not", "can not", "must not",
        "i am", "you are", "they are", "it is", "he is", "she is", "that is", "there is",
        "what is", "you will", "they will", "let's", "have not", "has not", "have not",
        "has not", "should not", "should not"};
    char *d = s;
    for (char *p = s; *p; p++) {
        if (*p == ' ' && (d == s || d[-1] == ' '))
            continue;
        *d++ = *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : *p;
    }
    while (d > s && strchr(".?! ", d[-1]))
        d--;
    *d = 0;
    for (size_t i = 0; i < sizeof from / sizeof *from; i++) {
        size_t k = strlen(from[i]);
        for (char *p = s; (p = strstr(p, from[i]));) {
            bool word = (p == s || p[-1] == ' ' || p[-1] == '"') &&
                        (!p[k] || strchr(" ,.?!\"", p[k]));
            if (!word) {
                p += k;
                continue;
            }
            char tmp[1024];
            snprintf(tmp, sizeof tmp, "%.*s%s%s", (int)(p - s), s, to[i], p + k);
            strcpy(s, tmp);
            p += strlen(to[i]);
        }
    }
}

/* ---- the data ---- */

static void test_load(const struct world *w)
{
    struct world_stats st;
    world_get_stats(w, &st);
    CHECKF(st.n_lemmas >= 600, "%d lemmas", st.n_lemmas);
    CHECKF(st.n_idioms >= 120, "%d idioms", st.n_idioms);
    CHECKF(st.n_templates >= 12, "%d sentence kinds", st.n_templates);
    CHECKF(st.n_sentences >= 1e6, "%.0f distinct sentences", st.n_sentences);
    CHECK(st.n_labels >= 4 && st.n_labels <= 6);
    /* about 40% of the idioms are held out */
    CHECKF(st.n_idioms_test * 10 >= st.n_idioms * 3 && st.n_idioms_test * 10 <= st.n_idioms * 5,
           "%d of %d idioms held out", st.n_idioms_test, st.n_idioms);

    /* every task: 8 phrasings or more, 2 held out, one of them with the
     * sentence first (a different structure, not only other words) */
    for (int t = 0; t < N_TASK; t++) {
        int all = 0, held = 0, first = 0;
        for (int i = 0; i < w->n_phr; i++) {
            const struct wphrasing *p = &w->phr[i];
            if (p->task != t)
                continue;
            all++;
            held += p->heldout;
            if (p->heldout && (strncmp(p->text, "{source}", 8) == 0 ||
                               strncmp(p->text, "\"{source}\"", 10) == 0))
                first++;
        }
        CHECKF(all >= 8 && held >= 2 && first >= 1, "task %s: %d phrasings, %d held out, %d "
               "sentence-first", world_task_names[t], all, held, first);
    }
    /* the phrasing the original T5 knows, so a hard prompt carries over */
    bool t5 = false;
    for (int i = 0; i < w->n_phr; i++)
        t5 |= !w->phr[i].heldout &&
              strcmp(w->phr[i].text, "translate English to {language}: {source}") == 0;
    CHECK(t5);

    /* every verb has every person in every tense, in Spanish and French (an
     * idiom's meaning is said in English only) */
    for (int i = 0; i < w->n_verbs; i++) {
        const struct wverb *v = &w->verbs[i];
        for (int t = 0; t < N_VTENSE && !(v->uses & VU_MEANING); t++)
            for (int p = 0; p < N_PERSON; p++) {
                CHECKF(v->es[t][p] && *v->es[t][p], "verb %s es %d/%d", v->id, t, p);
                bool compound = t == VT_PAST && !v->fr[t][p];
                CHECKF(compound ? v->fr_aux >= 0 && v->fr_pp : *v->fr[t][p] != 0,
                       "verb %s fr %d/%d", v->id, t, p);
            }
    }
    /* every noun has its forms; Vietnamese nouns carry their classifier */
    int with_cl = 0;
    for (int i = 0; i < w->n_nouns; i++) {
        const struct wnoun *n = &w->nouns[i];
        bool pl = !(n->flags & (NF_MASS | NF_SG | NF_POSSONLY));
        CHECKF(n->en[0] && n->es[0] && n->fr[0] && n->vi, "noun %s", n->id);
        CHECKF(!pl || (n->en[1] && n->es[1] && n->fr[1]), "noun %s plural", n->id);
        with_cl += n->vi_cl != NULL;
    }
    CHECKF(with_cl > w->n_nouns / 2, "%d nouns with a classifier", with_cl);
}

/* Whether phrase occurs in s as whole words (the first letter of s in
 * either case). */
static bool has_phrase(const char *s, const char *phrase)
{
    char low[1024];
    snprintf(low, sizeof low, "%s", s);
    world_case_first(low, false);
    size_t k = strlen(phrase);
    for (const char *p = low; (p = strstr(p, phrase)); p++)
        if ((p == low || p[-1] == ' ') && (!p[k] || strchr(" ,.?!", p[k])))
            return true;
    return false;
}

static const char *const world_files[] = {
    "nouns.txt", "places.txt", "adjectives.txt", "verbs.txt", "adverbs.txt", "numbers.txt",
    "times.txt", "pronouns.txt", "weather.txt", "frames.txt", "idioms.txt",
    "phrasings.txt", "templates.txt", "labels.txt", "phrases.txt", "names.txt",
    "modals.txt", "reasons.txt", "favorites.txt", "positions.txt",
};
#define N_WORLD_FILES (sizeof world_files / sizeof *world_files)

/* Copy the world into dir (made by the caller), with the first `from` of
 * file `name` replaced by `to` (name NULL: an exact copy). */
static void copy_world(const char *dir, const char *name, const char *from, const char *to)
{
    for (size_t i = 0; i < N_WORLD_FILES; i++) {
        char src[256], dst[256], *text;
        size_t len;
        snprintf(src, sizeof src, "%s/%s", DIR_WORLD, world_files[i]);
        snprintf(dst, sizeof dst, "%s/%s", dir, world_files[i]);
        CHECK(pl_read_file(src, &text, &len, NULL) == 0);
        char *p = name && strcmp(world_files[i], name) == 0 ? strstr(text, from) : NULL;
        CHECKF(!name || strcmp(world_files[i], name) != 0 || p, "no '%s' in %s", from, name);
        if (p) {
            size_t head = (size_t)(p - text), nf = strlen(from), nt = strlen(to);
            char *edited = malloc(len - nf + nt + 1);
            CHECK(edited != NULL);
            memcpy(edited, text, head);
            memcpy(edited + head, to, nt);
            memcpy(edited + head + nt, p + nf, len - head - nf + 1);
            free(text);
            text = edited;
            len = strlen(text);
        }
        CHECK(pl_write_file_atomic(dst, text, len, NULL) == 0);
        free(text);
    }
}

static void remove_world(const char *dir)
{
    for (size_t i = 0; i < N_WORLD_FILES; i++) {
        char p[300];
        snprintf(p, sizeof p, "%s/%s", dir, world_files[i]);
        unlink(p);
    }
    rmdir(dir);
}

/* Whether a copy of the world with one edit (copy_world) is refused with a
 * message that names a file and line and holds `want`. */
static void check_refused(const char *name, const char *from, const char *to, const char *want,
                          const char *want2)
{
    char dir[] = "/tmp/test_world_bad.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    copy_world(dir, name, from, to);
    struct world *w = NULL;
    struct pl_err e = {0};
    CHECK_INT(world_load(dir, &w, &e), PL_EFORMAT);
    CHECK(w == NULL);
    CHECKF(strstr(e.msg, ".txt:") && strstr(e.msg, want) && (!want2 || strstr(e.msg, want2)),
           "message: %s (want %s)", e.msg, want);
    world_free(w);
    remove_world(dir);
}

/* A data file with a mistake is refused with the file and line. */
static void test_bad_data(void)
{
    /* one Spanish past form of "eat" missing */
    check_refused("verbs.txt", "comí, comiste, ", "comiste, ", "verbs.txt:",
                  "verb 'eat': es.past");
    /* a plural-only noun is never singular-only, and has its plurals */
    check_refused("nouns.txt", "possonly plonly vdirect", "possonly plonly sg vdirect",
                  "nouns.txt:", "plonly with mass or sg");
    check_refused("nouns.txt", "| padres |", "| -      |", "nouns.txt:",
                  "noun 'parents': a plural form is missing");
    /* a verb that takes a language says how (massbare or langdef), langdef
     * needs a language, a position's tag needs a noun */
    check_refused("verbs.txt", "uses     massbare intr ask skill", "uses     intr ask skill",
                  "verbs.txt:", "verb 'speak': it takes languages");
    check_refused("verbs.txt", "object   lesson song languages", "object   lesson song",
                  "verbs.txt:", "verb 'learn': langdef without a language");
    check_refused("positions.txt", "| holder    |", "| holdr     |", "positions.txt:",
                  "no countable noun of nouns.txt is tagged 'holdr'");

    /* lists the generator draws from may not be empty (an empty adverbs.txt
     * or weather.txt loaded, and `promptlab corpus` then crashed: found by
     * fuzz_world, tests/data/fuzz-regress/world/) */
    char dir[] = "/tmp/test_world.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    copy_world(dir, NULL, NULL, NULL);
    char path[300], *text;
    size_t len;
    struct world *w = NULL;
    struct pl_err e = {0};
    static const char *const listed[2][2] = {{"adverbs.txt", "adverbs.txt:1: no adverbs"},
                                             {"weather.txt", "weather.txt:1: no weather"}};
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, listed[k][0]);
        CHECK(pl_read_file(path, &text, &len, NULL) == 0);
        CHECK(pl_write_file_atomic(path, "# nothing\n", 10, NULL) == 0);
        CHECK_INT(world_load(dir, &w, &e), PL_EFORMAT);
        CHECKF(strstr(e.msg, listed[k][1]), "message: %s", e.msg);
        CHECK(pl_write_file_atomic(path, text, len, NULL) == 0);
        free(text);
    }
    CHECKF(world_load(dir, &w, &e) == 0, "%s", e.msg);
    world_free(w);
    w = NULL;
    remove_world(dir);

    /* a missing folder */
    CHECK_INT(world_load("/nonexistent/world", &w, &e), PL_EIO);
}

/* A selector word that is both a noun and another noun's tag is refused
 * ("rain" the weather and the tag of raincoats and umbrellas): such a word
 * once put farm animals among the places to visit and the sea among the
 * animals that swim. */
static void test_bad_selector(void)
{
    check_refused("verbs.txt", "subject  people marine aquatic dog", "subject  people rain",
                  "verbs.txt:", "'rain' is the noun");
}

/* ---- grammar ---- */

static void test_agreement(const struct world *w)
{
    int house = N(w, "house"), car = N(w, "car"), white = A(w, "white"), red = A(w, "red");
    struct np p;

    /* Spanish: article, noun and adjective agree; the adjective follows */
    p = np_make(house, D_DEF, false, white);
    CHECK_STR(np_text(w, &p, L_ES, 0), "La casa blanca");
    p.pl = true;
    CHECK_STR(np_text(w, &p, L_ES, 0), "Las casas blancas");
    p = np_make(car, D_INDEF, false, red);
    CHECK_STR(np_text(w, &p, L_ES, 0), "Un coche rojo");
    p = np_make(car, D_DEF, true, red);
    CHECK_STR(np_text(w, &p, L_ES, 0), "Los coches rojos");
    /* feminine nouns with a stressed a- take el/un, the adjective stays feminine */
    p = np_make(N(w, "water"), D_DEF, false, A(w, "cold"));
    CHECK_STR(np_text(w, &p, L_ES, 0), "El agua fría");
    p = np_make(N(w, "eagle"), D_INDEF, false, -1);
    CHECK_STR(np_text(w, &p, L_ES, 0), "Un águila");
    p.det = D_DEF;
    p.pl = true;
    CHECK_STR(np_text(w, &p, L_ES, 0), "Las águilas");
    /* bueno goes before the noun and shortens before a masculine singular */
    p = np_make(N(w, "bread"), D_DEF, false, A(w, "good"));
    CHECK_STR(np_text(w, &p, L_ES, 0), "El buen pan");
    p = np_make(N(w, "soup"), D_DEF, false, A(w, "good"));
    CHECK_STR(np_text(w, &p, L_ES, 0), "La buena sopa");

    /* French: post- and pre-nominal adjectives, bel/vieil, de before plural adjectives */
    p = np_make(N(w, "car"), D_DEF, false, white);
    CHECK_STR(np_text(w, &p, L_FR, 0), "La voiture blanche");
    p.pl = true;
    CHECK_STR(np_text(w, &p, L_FR, 0), "Les voitures blanches");
    p = np_make(house, D_DEF, false, A(w, "big"));
    CHECK_STR(np_text(w, &p, L_FR, 0), "La grande maison");
    p = np_make(house, D_INDEF, true, A(w, "big"));
    CHECK_STR(np_text(w, &p, L_FR, 0), "De grandes maisons");
    p = np_make(N(w, "tree"), D_INDEF, false, A(w, "beautiful"));
    CHECK_STR(np_text(w, &p, L_FR, 0), "Un bel arbre");
    p = np_make(N(w, "computer"), D_INDEF, false, A(w, "old"));
    CHECK_STR(np_text(w, &p, L_FR, 0), "Un vieil ordinateur");
    p = np_make(N(w, "bird"), D_DEF, true, A(w, "beautiful"));
    CHECK_STR(np_text(w, &p, L_FR, 0), "Les beaux oiseaux");
    /* brand-new things are neuf, after the noun */
    p = np_make(N(w, "car"), D_INDEF, false, A(w, "new"));
    CHECK_STR(np_text(w, &p, L_FR, 0), "Une voiture neuve");
    /* elision, and none before an h aspiré */
    p = np_make(N(w, "tree"), D_DEF, false, -1);
    CHECK_STR(np_text(w, &p, L_FR, 0), "L'arbre");
    p = np_make(N(w, "hotel"), D_DEF, false, -1);
    CHECK_STR(np_text(w, &p, L_FR, 0), "L'hôtel");
    p = np_make(N(w, "owl"), D_DEF, false, -1);
    CHECK_STR(np_text(w, &p, L_FR, 0), "Le hibou");
    /* partitive articles: du, de la, de l', and de after a negation */
    p = np_make(N(w, "bread"), D_BARE, false, -1);
    CHECK_STR(np_text(w, &p, L_FR, R_PARTITIVE), "Du pain");
    CHECK_STR(np_text(w, &p, L_FR, R_PARTITIVE | R_NEGATED), "De pain");
    p = np_make(N(w, "meat"), D_BARE, false, -1);
    CHECK_STR(np_text(w, &p, L_FR, R_PARTITIVE), "De la viande");
    p = np_make(N(w, "water"), D_BARE, false, -1);
    CHECK_STR(np_text(w, &p, L_FR, R_PARTITIVE), "De l'eau");
    CHECK_STR(np_text(w, &p, L_FR, R_PARTITIVE | R_NEGATED), "D'eau");
    /* possessives: ma becomes mon before a vowel */
    p = np_make(N(w, "school"), D_POSS, false, -1);
    p.poss = P(w, "i");
    CHECK_STR(np_text(w, &p, L_FR, 0), "Mon école");
    p = np_make(N(w, "car"), D_POSS, true, -1);
    p.poss = P(w, "we");
    CHECK_STR(np_text(w, &p, L_ES, 0), "Nuestros coches");
    CHECK_STR(np_text(w, &p, L_FR, 0), "Nos voitures");
    p = np_make(house, D_POSS, false, -1);
    p.poss = P(w, "we");
    CHECK_STR(np_text(w, &p, L_ES, 0), "Nuestra casa");

    /* English a/an */
    p = np_make(N(w, "apple"), D_INDEF, false, -1);
    CHECK_STR(np_text(w, &p, L_EN, 0), "An apple");
    p = np_make(car, D_INDEF, false, A(w, "old"));
    CHECK_STR(np_text(w, &p, L_EN, 0), "An old car");
    p = np_make(N(w, "university"), D_INDEF, false, -1);
    CHECK_STR(np_text(w, &p, L_EN, 0), "A university");
}

static void test_vietnamese(const struct world *w)
{
    int cat = N(w, "cat");
    struct np p;
    /* classifier before the noun, adjective after it */
    p = np_make(cat, D_DEF, false, -1);
    CHECK_STR(np_text(w, &p, L_VI, 0), "Con mèo");
    p.adj = A(w, "black");
    CHECK_STR(np_text(w, &p, L_VI, 0), "Con mèo màu đen");
    p = np_make(cat, D_INDEF, false, A(w, "big"));
    CHECK_STR(np_text(w, &p, L_VI, 0), "Một con mèo lớn");
    p = np_make(cat, D_NUM, true, -1);
    p.num = world_num_index(w, "three");
    CHECK_STR(np_text(w, &p, L_VI, 0), "Ba con mèo");
    p = np_make(cat, D_DEF, true, -1);
    CHECK_STR(np_text(w, &p, L_VI, 0), "Những con mèo");
    p = np_make(cat, D_POSS, false, -1);
    p.poss = P(w, "i");
    CHECK_STR(np_text(w, &p, L_VI, 0), "Con mèo của tôi");
    /* kinship: "tôi" follows the bare noun; other possessors take "của"
     * ("dì họ", "bà cô", "ông bạn" would be other relatives, or "pal") */
    p = np_make(N(w, "mother"), D_POSS, false, -1);
    p.poss = P(w, "i");
    CHECK_STR(np_text(w, &p, L_VI, 0), "Mẹ tôi");
    p.poss = P(w, "we");
    CHECK_STR(np_text(w, &p, L_VI, 0), "Mẹ chúng tôi");
    p.poss = P(w, "she");
    CHECK_STR(np_text(w, &p, L_VI, 0), "Mẹ của cô ấy");
    p = np_make(N(w, "aunt"), D_POSS, false, -1);
    p.poss = P(w, "they");
    CHECK_STR(np_text(w, &p, L_VI, 0), "Dì của họ");
    p = np_make(N(w, "grandmother"), D_POSS, false, -1);
    p.poss = P(w, "she");
    CHECK_STR(np_text(w, &p, L_VI, 0), "Bà của cô ấy");
    p = np_make(N(w, "grandfather"), D_POSS, false, -1);
    p.poss = P(w, "you");
    CHECK_STR(np_text(w, &p, L_VI, 0), "Ông của bạn");
    p = np_make(N(w, "book"), D_DEF, false, -1);
    CHECK_STR(np_text(w, &p, L_VI, 0), "Quyển sách");
    p = np_make(N(w, "table"), D_INDEF, false, -1);
    CHECK_STR(np_text(w, &p, L_VI, 0), "Một cái bàn");
    p = np_make(N(w, "teacher"), D_DEF, false, -1);
    CHECK_STR(np_text(w, &p, L_VI, 0), "Giáo viên");
    /* the teacher's dog */
    struct np owner = np_make(N(w, "teacher"), D_DEF, false, -1);
    p = np_make(N(w, "dog"), D_OWNER, false, -1);
    p.owner = &owner;
    CHECK_STR(np_text(w, &p, L_VI, 0), "Con chó của giáo viên");
    CHECK_STR(np_text(w, &p, L_ES, 0), "El perro del profesor");
    CHECK_STR(np_text(w, &p, L_FR, 0), "Le chien du professeur");
    CHECK_STR(np_text(w, &p, L_EN, 0), "The teacher's dog");
    /* capital letters of Vietnamese */
    char s1[] = "đây là", s2[] = "ở nhà", s3[] = "ăn";
    CHECK(world_case_first(s1, true) && strcmp(s1, "Đây là") == 0);
    CHECK(world_case_first(s2, true) && strcmp(s2, "Ở nhà") == 0);
    CHECK(world_case_first(s3, true) && strcmp(s3, "Ăn") == 0);
}

static void test_finish(const struct world *w)
{
    CHECK_STR(finish(w, L_FR, "je ai un chat ."), "J'ai un chat.");
    CHECK_STR(finish(w, L_FR, "il va à le marché ."), "Il va au marché.");
    CHECK_STR(finish(w, L_FR, "il va à les toilettes ."), "Il va aux toilettes.");
    CHECK_STR(finish(w, L_FR, "il va à le hôpital ."), "Il va à l'hôpital.");
    CHECK_STR(finish(w, L_FR, "est-ce que il pleut ?"), "Est-ce qu'il pleut ?");
    CHECK_STR(finish(w, L_FR, "il ne y a pas de eau ."), "Il n'y a pas d'eau.");
    CHECK_STR(finish(w, L_ES, "a el gato le gusta el pescado ."), "Al gato le gusta el pescado.");
    CHECK_STR(finish(w, L_ES, "¿ dónde está el libro de el niño ?"), "¿Dónde está el libro del niño?");
    CHECK_STR(finish(w, L_EN, "a elephant and a umbrella ."), "An elephant and an umbrella.");
}

static void test_clauses(const struct world *w)
{
    struct clause c;
    int she = P(w, "she"), i = P(w, "i"), we = P(w, "we"), they = P(w, "they");

    /* past tense, indefinite object */
    clause_init(&c, V(w, "eat"));
    c.s.pron = she;
    c.tense = T_PAST;
    c.has_obj = true;
    c.obj = np_make(N(w, "apple"), D_INDEF, false, -1);
    check_clause(w, &c, "She ate an apple.", "Ella comió una manzana.",
                 "Elle a mangé une pomme.", "Cô ấy đã ăn một quả táo.");

    /* negation with a mass object */
    clause_init(&c, V(w, "eat"));
    c.s.np = np_make(N(w, "cat"), D_DEF, false, -1);
    c.tense = T_PRES;
    c.neg = true;
    c.has_obj = true;
    c.obj = np_make(N(w, "fish_food"), D_BARE, false, -1);
    check_clause(w, &c, "The cat does not eat fish.", "El gato no come pescado.",
                 "Le chat ne mange pas de poisson.", "Con mèo không ăn cá.");

    /* future with a time phrase (first in Vietnamese) and a partitive */
    clause_init(&c, V(w, "buy"));
    c.s.pron = we;
    c.tense = T_FUT;
    c.has_obj = true;
    c.obj = np_make(N(w, "bread"), D_BARE, false, -1);
    c.time = world_time_index(w, "tomorrow");
    check_clause(w, &c, "We will buy bread tomorrow.", "Compraremos pan mañana.",
                 "Nous achèterons du pain demain.", "Ngày mai chúng tôi sẽ mua bánh mì.");

    /* passé composé with être: the participle agrees */
    clause_init(&c, V(w, "go"));
    c.s.pron = she;
    c.tense = T_PAST;
    c.dest = world_place_index(w, "market");
    c.time = world_time_index(w, "yesterday");
    check_clause(w, &c, "She went to the market yesterday.", "Ella fue al mercado ayer.",
                 "Elle est allée au marché hier.", "Hôm qua cô ấy đã đi chợ.");
    c.s.pron = -1;
    c.s.np = np_make(N(w, "girl"), D_DEF, true, -1);
    c.dest = world_place_index(w, "park");
    c.time = -1;
    check_clause(w, &c, "The girls went to the park.", "Las niñas fueron al parque.",
                 "Les filles sont allées au parc.", "Những cô bé đã đi đến công viên.");

    /* a person as object: the Spanish personal "a"; elision of je */
    clause_init(&c, V(w, "help"));
    c.s.pron = i;
    c.tense = T_PRES;
    c.has_obj = true;
    c.obj = np_make(N(w, "mother"), D_POSS, false, -1);
    c.obj.poss = i;
    check_clause(w, &c, "I help my mother.", "Ayudo a mi madre.", "J'aide ma mère.",
                 "Tôi giúp mẹ tôi.");

    /* the present progressive */
    clause_init(&c, V(w, "sleep"));
    c.s.np = np_make(N(w, "baby"), D_DEF, false, -1);
    c.tense = T_PROG;
    check_clause(w, &c, "The baby is sleeping.", "El bebé está durmiendo.", "Le bébé dort.",
                 "Em bé đang ngủ.");

    /* a yes/no question */
    clause_init(&c, V(w, "eat"));
    c.s.np = np_make(N(w, "cat"), D_DEF, false, -1);
    c.tense = T_PRES;
    c.question = true;
    c.has_obj = true;
    c.obj = np_make(N(w, "fish_food"), D_BARE, false, -1);
    check_clause(w, &c, "Does the cat eat fish?", "¿El gato come pescado?",
                 "Est-ce que le chat mange du poisson ?", "Con mèo có ăn cá không?");

    /* "have" in a question: "có" once, never "có có" */
    clause_init(&c, V(w, "have"));
    c.s.pron = P(w, "you");
    c.tense = T_PRES;
    c.question = true;
    c.has_obj = true;
    c.obj = np_make(N(w, "truck"), D_INDEF, false, -1);
    check_clause(w, &c, "Do you have a truck?", "¿Tienes un camión?",
                 "Est-ce que tu as un camion ?", "Bạn có một chiếc xe tải không?");

    /* the future with "going to": ir a, aller; Vietnamese keeps sẽ */
    clause_init(&c, V(w, "visit"));
    c.s.pron = i;
    c.tense = T_FUT;
    c.going = true;
    c.has_obj = true;
    c.obj = np_make(N(w, "grandmother"), D_POSS, false, -1);
    c.obj.poss = i;
    c.time = world_time_index(w, "tomorrow");
    check_clause(w, &c, "I am going to visit my grandmother tomorrow.",
                 "Voy a visitar a mi abuela mañana.", "Je vais rendre visite à ma grand-mère demain.",
                 "Ngày mai tôi sẽ thăm bà tôi.");
    c.s.pron = she;
    c.neg = true;
    c.obj.poss = she;
    check_clause(w, &c, "She is not going to visit her grandmother tomorrow.",
                 "Ella no va a visitar a su abuela mañana.",
                 "Elle ne va pas rendre visite à sa grand-mère demain.",
                 "Ngày mai cô ấy sẽ không thăm bà của cô ấy.");
    c.neg = false;
    c.question = true;
    c.s.pron = P(w, "you");
    c.obj.poss = P(w, "you");
    check_clause(w, &c, "Are you going to visit your grandmother tomorrow?",
                 "¿Vas a visitar a tu abuela mañana?",
                 "Est-ce que tu vas rendre visite à ta grand-mère demain ?",
                 "Ngày mai bạn có định thăm bà của bạn không?");

    /* Vietnamese attributive forms that differ from the predicate ("một
     * chiếc ô tô đắt tiền" but "rất đắt") */
    clause_init(&c, V(w, "buy"));
    c.s.pron = she;
    c.tense = T_PAST;
    c.has_obj = true;
    c.obj = np_make(N(w, "car"), D_INDEF, false, A(w, "expensive"));
    check_clause(w, &c, "She bought an expensive car.", "Ella compró un coche caro.",
                 "Elle a acheté une voiture chère.", "Cô ấy đã mua một chiếc ô tô đắt tiền.");

    /* who it goes to, after the object: a, à (+ el, le contracted); cho,
     * or the verb's own Vietnamese ("đọc ... cho ... nghe") */
    clause_init(&c, V(w, "write"));
    c.s.pron = she;
    c.tense = T_PAST;
    c.has_obj = true;
    c.obj = np_make(N(w, "letter"), D_INDEF, false, -1);
    c.has_to = true;
    c.to = np_make(N(w, "friend"), D_POSS, false, -1);
    c.to.poss = she;
    check_clause(w, &c, "She wrote a letter to her friend.", "Ella escribió una carta a su amigo.",
                 "Elle a écrit une lettre à son ami.",
                 "Cô ấy đã viết một lá thư cho người bạn của cô ấy.");
    clause_init(&c, V(w, "read"));
    c.s.pron = i;
    c.tense = T_PRES;
    c.has_obj = true;
    c.obj = np_make(N(w, "story"), D_INDEF, false, -1);
    c.has_to = true;
    c.to = np_make(N(w, "teacher"), D_DEF, false, -1);
    check_clause(w, &c, "I read a story to the teacher.", "Leo un cuento al profesor.",
                 "Je lis une histoire au professeur.", "Tôi đọc một câu chuyện cho giáo viên nghe.");

    /* the present perfect: have + participle, haber + participio, the passé
     * composé; already / never / not yet / ever in each language's place */
    clause_init(&c, V(w, "eat"));
    c.s.pron = i;
    c.tense = T_PERF;
    c.perf = PF_ALREADY;
    c.has_obj = true;
    c.obj = np_make(N(w, "apple"), D_DEF, false, -1);
    check_clause(w, &c, "I have already eaten the apple.", "Ya he comido la manzana.",
                 "J'ai déjà mangé la pomme.", "Tôi đã ăn quả táo rồi.");
    c.perf = PF_NEVER;
    c.neg = true;
    c.s.pron = she;
    c.obj = np_make(N(w, "fish_food"), D_BARE, false, -1);
    check_clause(w, &c, "She has never eaten fish.", "Ella nunca ha comido pescado.",
                 "Elle n'a jamais mangé de poisson.", "Cô ấy chưa bao giờ ăn cá.");
    c.perf = PF_YET;
    c.s.pron = we;
    c.obj = np_make(N(w, "apple"), D_DEF, false, -1);
    check_clause(w, &c, "We have not eaten the apple yet.", "Todavía no hemos comido la manzana.",
                 "Nous n'avons pas encore mangé la pomme.", "Chúng tôi chưa ăn quả táo.");
    c.perf = PF_EVER;
    c.neg = false;
    c.question = true;
    c.s.pron = P(w, "you");
    c.obj = np_make(N(w, "fish_food"), D_BARE, false, -1);
    check_clause(w, &c, "Have you ever eaten fish?", "¿Has comido alguna vez pescado?",
                 "Est-ce que tu as déjà mangé du poisson ?", "Bạn đã bao giờ ăn cá chưa?");

    /* asked of the listener, "we" is the inclusive chúng ta; ever takes the
     * bare noun in Vietnamese */
    clause_init(&c, V(w, "drive"));
    c.s.pron = we;
    c.tense = T_PERF;
    c.perf = PF_EVER;
    c.question = true;
    c.has_obj = true;
    c.obj = np_make(N(w, "bus"), D_INDEF, false, -1);
    check_clause(w, &c, "Have we ever driven a bus?", "¿Hemos conducido alguna vez un autobús?",
                 "Est-ce que nous avons déjà conduit un bus ?",
                 "Chúng ta đã bao giờ lái xe buýt chưa?");

    /* how one goes, after the destination */
    clause_init(&c, V(w, "go"));
    c.s.pron = we;
    c.tense = T_PRES;
    c.dest = world_place_index(w, "school");
    for (int a = 0; a < w->n_advs; a++)
        if (strcmp(w->advs[a].id, "by_bus") == 0)
            c.adv = a;
    CHECK(c.adv >= 0 && w->advs[c.adv].kind == ADV_MEANS);
    check_clause(w, &c, "We go to school by bus.", "Vamos a la escuela en autobús.",
                 "Nous allons à l'école en bus.", "Chúng tôi đi đến trường bằng xe buýt.");

    /* where it happens, after the object, before the time; the place
     * holds the object for a verb of use atobj */
    clause_init(&c, V(w, "lose"));
    c.s.pron = i;
    c.tense = T_PAST;
    c.has_obj = true;
    c.obj = np_make(N(w, "umbrella"), D_POSS, false, -1);
    c.obj.poss = i;
    c.loc = world_place_index(w, "station");
    c.time = world_time_index(w, "yesterday");
    check_clause(w, &c, "I lost my umbrella at the station yesterday.",
                 "Perdí mi paraguas en la estación ayer.",
                 "J'ai perdu mon parapluie à la gare hier.",
                 "Hôm qua tôi đã làm mất cái ô của tôi ở nhà ga.");

    /* never: ne ... jamais de, không bao giờ */
    clause_init(&c, V(w, "drink"));
    c.s.np = np_make(N(w, "father"), D_POSS, false, -1);
    c.s.np.poss = i;
    c.tense = T_PRES;
    c.adv = -1;
    for (int k = 0; k < w->n_advs; k++)
        if (strcmp(w->advs[k].id, "never") == 0)
            c.adv = k;
    c.has_obj = true;
    c.obj = np_make(N(w, "coffee"), D_BARE, false, -1);
    check_clause(w, &c, "My father never drinks coffee.", "Mi padre nunca bebe café.",
                 "Mon père ne boit jamais de café.", "Bố tôi không bao giờ uống cà phê.");

    /* play football / play the guitar: two verbs in Spanish, two prepositions in French */
    clause_init(&c, V(w, "play_sport"));
    c.s.pron = they;
    c.tense = T_PRES;
    c.has_obj = true;
    c.obj = np_make(N(w, "football"), D_KIND, false, -1);
    check_clause(w, &c, "They play football.", "Ellos juegan al fútbol.",
                 "Ils jouent au football.", "Họ chơi bóng đá.");
    clause_init(&c, V(w, "play_music"));
    c.s.pron = P(w, "he");
    c.tense = T_PRES;
    c.has_obj = true;
    c.obj = np_make(N(w, "piano"), D_GENERIC, false, -1);
    check_clause(w, &c, "He plays the piano.", "Él toca el piano.", "Il joue du piano.",
                 "Anh ấy chơi đàn piano.");

    /* verb forms per tense and person, straight from the data */
    const struct wverb *go = &w->verbs[V(w, "go")], *have = &w->verbs[V(w, "have")];
    CHECK_STR(go->es[VT_PAST][P_3SG], "fue");
    CHECK_STR(go->es[VT_PRES][P_1SG], "voy");
    CHECK_STR(go->fr[VT_FUT][P_1SG], "irai");
    CHECK_STR(go->fr[VT_PRES][P_3PL], "vont");
    CHECK_STR(have->es[VT_PRES][P_1SG], "tengo");
    CHECK_STR(have->fr[VT_PRES][P_1PL], "avons");
    CHECK_STR(go->en[1], "goes");
    CHECK_STR(go->en[2], "went");
    /* the same clause through every person */
    static const char *const es_fut[N_PERSON] = {"Iré", "Irás", "Él irá", "Iremos", "Ellos irán"};
    static const char *const fr_past[N_PERSON] = {"Je suis allé", "Tu es allé", "Il est allé",
                                                 "Nous sommes allés", "Ils sont allés"};
    for (int k = 0; k < w->n_prons; k++) {
        const struct wpron *pr = &w->prons[k];
        if (pr->gender == G_F)
            continue;
        clause_init(&c, V(w, "go"));
        c.s.pron = k;
        c.dest = world_place_index(w, "park");
        struct sentence s;
        s.langs = (1u << N_LANG) - 1;
        c.tense = T_FUT;
        world_clause(w, &c, &s);
        CHECKF(strncmp(s.text[L_ES], es_fut[pr->person], strlen(es_fut[pr->person])) == 0,
               "%s", s.text[L_ES]);
        c.tense = T_PAST;
        world_clause(w, &c, &s);
        CHECKF(strncmp(s.text[L_FR], fr_past[pr->person], strlen(fr_past[pr->person])) == 0,
               "%s", s.text[L_FR]);
    }
}

/* Random sentences of every kind: rendered in all languages, with a capital
 * letter and final punctuation, and the same for the same generator state. */
static void test_kinds(const struct world *w)
{
    struct pl_rng r, r2;
    pl_rng_seed(&r, 42);
    int ok = 0;
    for (int k = 0; k < N_KIND; k++)
        for (int i = 0; i < 50; i++) {
            struct sentence s, s2;
            r2 = r;
            if (world_sentence(w, &r, k, 0, &s) != 0)
                continue;
            ok++;
            for (int l = 0; l < N_LANG; l++) {
                size_t n = strlen(s.text[l]);
                CHECKF(n > 2 && strchr(".?!", s.text[l][n - 1]), "%s: '%s'", world_kind_names[k],
                       s.text[l]);
                CHECKF(!strstr(s.text[l], "  ") && !strstr(s.text[l], " ."),
                       "spacing: '%s'", s.text[l]);
            }
            /* the English alone, then everything: the same sentence */
            world_sentence(w, &r2, k, 1u << L_EN, &s2);
            CHECK_STR(s2.text[L_EN], s.text[L_EN]);
        }
    CHECKF(ok > N_KIND * 45, "%d sentences built", ok);
}

/* Common sense of the composed sentences: nobody goes to a room by bus, a
 * verb of use atobj happens where its object is ("buy bread at the bakery",
 * never "at the bookshop"); the place comes before the time. */
static void test_composed(const struct world *w)
{
    static const char *const rooms[] = {"the kitchen by", "the bedroom by", "the bathroom by",
                                        "the living room by", "the garden by", "the garage by",
                                        "the house by"};
    static const char *const shops[][2] = {{"at the bookshop", "bread"},
                                           {"at the bakery", "book"},
                                           {"at the market", "shirt"},
                                           {"in the kitchen", "bicycle"}};
    struct pl_rng r;
    pl_rng_seed(&r, 7);
    int means = 0, placed = 0, bad = 0, recipients = 0, perfects = 0;
    for (int i = 0; i < 40000; i++) {
        struct sentence s;
        int k = i % 4 == 0 ? K_MOTION : i % 4 == 1 ? K_ACTION : i % 4 == 2 ? K_COORD : K_INTRANSITIVE;
        s.langs = 0;
        if (world_sentence(w, &r, k, 0, &s) != 0)
            continue;
        const char *en = s.text[L_EN];
        /* "going to" keeps a Spanish reflexive's pronoun with its person:
         * never "Voy a quedarse" */
        static const char *const refl[] = {"oy a quedarse", "as a quedarse", "amos a quedarse",
                                           "oy a levantarse", "amos a levantarse"};
        for (size_t j = 0; j < sizeof refl / sizeof *refl; j++)
            if (strstr(s.text[L_ES], refl[j]) && bad++ < 3)
                CHECKF(false, "'%s'", s.text[L_ES]);
        means += strstr(en, " by ") != NULL;
        placed += k == K_ACTION && (strstr(en, " at the ") || strstr(en, " in the "));
        /* letters are written to someone, books and songs are not */
        bool wrote = strstr(en, " write ") || strstr(en, " writes ") || strstr(en, " wrote ") ||
                     strstr(en, " writing ") || strstr(en, " written ");
        bool to_book = wrote && (strstr(en, "book to ") || strstr(en, "books to ") ||
                                 strstr(en, "song to ") || strstr(en, "songs to "));
        recipients += strstr(en, " letter to ") || strstr(en, " letters to ");
        bool trade = strstr(en, "buy") || strstr(en, "bought") || strstr(en, "sell") ||
                     strstr(en, "sold") || strstr(en, "wash");
        bool wrong = to_book;
        /* the perfect takes no past time: never "I have eaten yesterday" */
        const char *es = s.text[L_ES];
        bool haber = strstr(es, " he ") || strstr(es, " has ") || strstr(es, " ha ") ||
                     strstr(es, " hemos ") || strstr(es, " han ");
        perfects += haber && (strstr(en, " have ") || strstr(en, " has "));
        wrong |= haber && (strstr(es, "ayer") || strstr(es, "pasad"));
        /* ever and never ask about a kind of thing: "Have you ever eaten
         * rice?", never "... ever eaten the rice?" */
        const char *ev = strstr(en, " ever ") ? strstr(en, " ever ") + 6
                       : strstr(en, " never ") ? strstr(en, " never ") + 7 : NULL;
        if (ev && haber) {
            const char *next = strchr(ev, ' '); /* after the participle */
            if (strncmp(ev, "played ", 7) == 0 || strncmp(ev, "taken ", 6) == 0)
                next = NULL; /* a generic "the": "played the drum", "taken the boat" */
            static const char *const dets[] = {"the ", "my ", "your ", "his ", "her ", "our ",
                                               "their "};
            for (size_t j = 0; next && j < sizeof dets / sizeof *dets; j++)
                wrong |= strncmp(next + 1, dets[j], strlen(dets[j])) == 0;
        }
        /* a recipient said once, never after each of two objects */
        const char *t1 = strstr(en, " to the ");
        wrong |= t1 && strstr(t1 + 1, " to the ") && (strstr(en, " and ") || strstr(en, " or "));
        for (size_t j = 0; j < sizeof rooms / sizeof *rooms; j++)
            wrong |= strstr(en, rooms[j]) != NULL;
        for (size_t j = 0; j < sizeof shops / sizeof *shops; j++)
            wrong |= trade && strstr(en, shops[j][0]) && strstr(en, shops[j][1]);
        if (wrong && bad++ < 3)
            CHECKF(false, "'%s'", en);
    }
    CHECK_INT(bad, 0);
    CHECKF(means > 1000, "%d motion sentences say how", means);
    CHECKF(recipients > 10, "%d letters to someone", recipients);
    CHECKF(perfects > 100, "%d present perfects", perfects);
    /* beside the furniture: the article after the preposition, contracted
     * where the language does (del, du); Vietnamese without a classifier */
    static const char *const beside[][4] = {
        {"under the bed", "debajo de la cama", "sous le lit", "ở dưới giường"},
        {"next to the sofa", "al lado del sofá", "à côté du canapé", "ở bên cạnh ghế sofa"},
        {"on the table", "sobre la mesa", "sur la table", "ở trên bàn"},
        {"in front of the chair", "delante de la silla", "devant la chaise", "ở phía trước ghế"},
        /* and inside what holds things (positions.txt `with`: holder) */
        {"in the backpack", "en la mochila", "dans le sac à dos", "ở trong ba lô"},
    };
    int found[5] = {0}, wrong = 0, pets_inside = 0;
    for (int i = 0; i < 20000; i++) {
        struct sentence s;
        s.langs = 0;
        if (world_sentence(w, &r, K_LOCATION, 0, &s) != 0)
            continue;
        /* a pet is never put where positions.txt puts no pet ("in the bag") */
        bool pet = false, inside = false;
        for (int k = 0; k < w->n_nouns; k++)
            for (int t = 0; t < w->nouns[k].n_tags; t++)
                if (strcmp(w->nouns[k].tags[t], "pet") == 0)
                    pet |= has_phrase(s.text[L_EN], w->nouns[k].en[0]) ||
                           has_phrase(s.text[L_EN], w->nouns[k].en[1]);
        for (int p = 0; p < w->n_pos; p++)
            for (int k = 0; !strstr(w->pos[p].put, "pet") && k < w->pos[p].nouns.n; k++) {
                char at[96];
                snprintf(at, sizeof at, "%s the %s", w->pos[p].text[L_EN],
                         w->nouns[w->pos[p].nouns.ix[k]].en[0]);
                inside |= has_phrase(s.text[L_EN], at);
            }
        if (pet && inside && pets_inside++ < 3)
            CHECKF(false, "a pet inside: '%s'", s.text[L_EN]);
        for (int j = 0; j < 5; j++) {
            if (!strstr(s.text[L_EN], beside[j][0]))
                continue;
            found[j]++;
            bool ok = strstr(s.text[L_ES], beside[j][1]) && strstr(s.text[L_FR], beside[j][2]) &&
                      strstr(s.text[L_VI], beside[j][3]);
            if (!ok && wrong++ < 3)
                CHECKF(false, "'%s' / '%s' / '%s' / '%s'", s.text[L_EN], s.text[L_ES],
                       s.text[L_FR], s.text[L_VI]);
        }
    }
    CHECK_INT(wrong, 0);
    CHECK_INT(pets_inside, 0);
    CHECKF(found[0] > 5 && found[1] > 5 && found[2] > 5 && found[3] > 5 && found[4] > 5,
           "%d %d %d %d %d", found[0], found[1], found[2], found[3], found[4]);
    /* ages of relatives: young ones and siblings only, capitalised */
    static const char *const elders[] = {"mother", "father", "mom", "dad", "grand", "uncle",
                                         "aunt", "husband", "wife"};
    int ages = 0, bad_age = 0;
    for (int i = 0; i < 20000; i++) {
        struct sentence s;
        s.langs = 0;
        if (world_sentence(w, &r, K_GREETING, 0, &s) != 0)
            continue;
        char en[sizeof s.text[0]]; /* the greeting, without a sentence after it */
        snprintf(en, sizeof en, "%s", s.text[L_EN]);
        en[strcspn(en, ".!?") + (en[strcspn(en, ".!?")] != 0)] = 0;
        static const char *const poss[] = {"My ", "Your ", "His ", "Her ", "Our ", "Their "};
        bool kin = false;
        for (size_t j = 0; j < sizeof poss / sizeof *poss; j++)
            kin |= strncmp(en, poss[j], strlen(poss[j])) == 0;
        if (!strstr(en, "How old is") && !(kin && strstr(en, "years old")))
            continue;
        ages++;
        bool ok = world_upper_first(s.text[L_VI]) && world_upper_first(s.text[L_FR]);
        for (size_t j = 0; j < sizeof elders / sizeof *elders; j++)
            ok &= !strstr(en, elders[j]);
        if (strstr(en, "How old is"))
            ok &= strstr(s.text[L_ES], "¿Cuántos años tiene") && strstr(s.text[L_FR], "Quel âge a") &&
                  strstr(s.text[L_VI], "bao nhiêu tuổi?");
        if (!ok && bad_age++ < 3)
            CHECKF(false, "'%s' / '%s' / '%s' / '%s'", en, s.text[L_ES], s.text[L_FR],
                   s.text[L_VI]);
    }
    CHECK_INT(bad_age, 0);
    CHECKF(ages > 20, "%d ages of relatives", ages);
    /* two phrases joined as people say them */
    static const char *const joined[][4] = {
        {"Hello, how are you?", "Hola, ¿cómo estás?", "Bonjour, comment vas-tu ?",
         "Xin chào, bạn có khỏe không?"},
        {"Goodbye, see you tomorrow!", "¡Adiós, hasta mañana!", "Au revoir, à demain !",
         "Tạm biệt, hẹn gặp lại ngày mai!"},
        {"I'm sorry, I don't understand.", "Lo siento, no entiendo.",
         "Je suis désolé, je ne comprends pas.", "Tôi xin lỗi, tôi không hiểu."},
    };
    int seen_joined[3] = {0};
    for (int i = 0; i < 40000; i++) {
        struct sentence s;
        s.langs = 0;
        if (world_sentence(w, &r, K_GREETING, 0, &s) != 0)
            continue;
        for (int j = 0; j < 3; j++)
            if (strcmp(s.text[L_EN], joined[j][0]) == 0 && !seen_joined[j]++) {
                CHECK_STR(s.text[L_ES], joined[j][1]);
                CHECK_STR(s.text[L_FR], joined[j][2]);
                CHECK_STR(s.text[L_VI], joined[j][3]);
            }
    }
    CHECKF(seen_joined[0] && seen_joined[1] && seen_joined[2], "joined phrases: %d %d %d",
           seen_joined[0], seen_joined[1], seen_joined[2]);
    CHECKF(placed > 1000, "%d action sentences say where", placed);
}

/* ---- the native speakers' review (issue 11) ---- */

static const struct widiom *idiom_of(const struct world *w, const char *en)
{
    for (int k = 0; k < w->n_idioms; k++)
        if (strcmp(w->idioms[k].en, en) == 0)
            return &w->idioms[k];
    CHECKF(false, "no idiom '%s'", en);
    return &w->idioms[0];
}

static const struct wframe *frame_of(const struct world *w, const char *id)
{
    for (int k = 0; k < w->n_frames; k++)
        if (strcmp(w->frames[k].id, id) == 0)
            return &w->frames[k];
    CHECKF(false, "no frame '%s'", id);
    return &w->frames[0];
}

static const char *framed_text(const struct world *w, const char *frame, const char *clause,
                               int lang)
{
    static char buf[1024];
    world_framed(w, frame_of(w, frame), clause, NULL, lang, buf, sizeof buf);
    return buf;
}

static void test_review(const struct world *w)
{
    struct clause c;
    int she = P(w, "she"), he = P(w, "he");

    /* vi: the negated past keeps đã */
    clause_init(&c, V(w, "wash"));
    c.s.pron = she;
    c.tense = T_PAST;
    c.neg = true;
    c.has_obj = true;
    c.obj = np_make(N(w, "plate"), D_DEF, true, -1);
    check_clause(w, &c, "She did not wash the plates.", "Ella no lavó los platos.",
                 "Elle n'a pas lavé les assiettes.", "Cô ấy đã không rửa những cái đĩa.");

    /* vi: northern words; the bull is bò đực (bò tót is the gaur) */
    CHECK_STR(w->nouns[N(w, "fork")].vi, "dĩa");
    CHECK_STR(w->nouns[N(w, "bull")].vi, "bò đực");
    CHECK_STR(w->places[world_place_index(w, "zoo")].at[L_VI], "ở vườn thú");
    CHECK_STR(w->places[world_place_index(w, "bakery")].at[L_VI], "ở hiệu bánh");
    /* vi: a drum is beaten ("đánh trống"), whatever verb plays it */
    clause_init(&c, V(w, "play_drum"));
    c.s.pron = he;
    c.tense = T_PRES;
    c.has_obj = true;
    c.obj = np_make(N(w, "drum"), D_GENERIC, false, -1);
    check_clause(w, &c, "He plays the drum.", "Él toca el tambor.", "Il joue du tambour.",
                 "Anh ấy đánh trống.");
    int drum = N(w, "drum");
    for (int i = 0; i < w->n_verbs; i++)
        if (w->verbs[i].obj.n && w->verbs[i].obj.has[drum] && !strcmp(w->verbs[i].en[0], "play"))
            CHECKF(strcmp(w->verbs[i].vi, "đánh") == 0, "verb %s plays the drum in Vietnamese "
                   "with '%s'", w->verbs[i].id, w->verbs[i].vi);
    /* vi: a "có ... không?" frame around a clause with "không" is rephrased */
    CHECK_STR(framed_text(w, "know", "Cái đó không hợp gu tôi.", L_VI),
              "Bạn có biết rằng cái đó không hợp gu tôi?");
    CHECK_STR(framed_text(w, "youthink", "Chúng tôi không cùng quan điểm.", L_VI),
              "Bạn có nghĩ rằng chúng tôi không cùng quan điểm?");
    CHECK_STR(framed_text(w, "know", "Trời mưa như trút nước.", L_VI),
              "Bạn có biết là trời mưa như trút nước không?");
    /* frames keep the capital of a proper noun, and only then */
    CHECK_STR(framed_text(w, "think", "Dios los cría y ellos se juntan.", L_ES),
              "Creo que Dios los cría y ellos se juntan.");
    CHECK_STR(framed_text(w, "think", "Llueve a cántaros.", L_ES), "Creo que llueve a cántaros.");
    CHECK_STR(framed_text(w, "think", "Rome wasn't built in a day.", L_EN),
              "I think that Rome wasn't built in a day.");

    /* es: sonrió; the past of "love" is quería (a state) */
    CHECK_STR(w->verbs[V(w, "smile")].es[VT_PAST][P_3SG], "sonrió");
    CHECK_STR(w->verbs[V(w, "love")].es[VT_PAST][P_3SG], "quería");
    /* es: the perfect for a past of today; the preterite for another day */
    clause_init(&c, V(w, "go"));
    c.s.pron = she;
    c.tense = T_PAST;
    c.dest = world_place_index(w, "market");
    c.time = world_time_index(w, "this_morning");
    check_clause(w, &c, "She went to the market this morning.",
                 "Ella ha ido al mercado esta mañana.", "Elle est allée au marché ce matin.",
                 "Sáng nay cô ấy đã đi chợ.");
    c.time = world_time_index(w, "today");
    c.neg = true;
    check_clause(w, &c, "She did not go to the market today.",
                 "Ella no ha ido al mercado hoy.", "Elle n'est pas allée au marché aujourd'hui.",
                 "Hôm nay cô ấy đã không đi chợ.");
    c.time = world_time_index(w, "yesterday");
    c.neg = false;
    check_clause(w, &c, "She went to the market yesterday.", "Ella fue al mercado ayer.",
                 "Elle est allée au marché hier.", "Hôm qua cô ấy đã đi chợ.");
    /* es: questions drop the subject pronoun */
    clause_init(&c, V(w, "eat"));
    c.s.pron = he;
    c.tense = T_PRES;
    c.question = true;
    c.has_obj = true;
    c.obj = np_make(N(w, "fish_food"), D_BARE, false, -1);
    check_clause(w, &c, "Does he eat fish?", "¿Come pescado?",
                 "Est-ce qu'il mange du poisson ?", "Anh ấy có ăn cá không?");

    /* fr: shopping is "faire les magasins" ("faire les courses" is buying food) */
    clause_init(&c, V(w, "shop"));
    c.s.pron = she;
    c.tense = T_PAST;
    c.time = world_time_index(w, "yesterday");
    check_clause(w, &c, "She went shopping yesterday.", "Ella fue de compras ayer.",
                 "Elle a fait les magasins hier.", "Hôm qua cô ấy đã đi mua sắm.");

    /* idioms */
    CHECK_STR(idiom_of(w, "Don't make a mountain out of a molehill.")->idiomatic[L_VI],
              "Đừng có chuyện bé xé ra to.");
    CHECK_STR(idiom_of(w, "Let's go Dutch.")->idiomatic[L_VI], "Mỗi người tự trả phần mình nhé.");
    CHECK_STR(idiom_of(w, "Break a leg!")->literal[L_VI], "Hãy bẻ gãy một cái chân!");
    CHECK_STR(idiom_of(w, "Break a leg!")->literal[L_FR], "Casse une jambe !");
    CHECK_STR(idiom_of(w, "Don't be a chicken!")->literal[L_VI], "Đừng làm một con gà!");
    CHECK_STR(idiom_of(w, "I'm all ears.")->literal[L_VI], "Tôi toàn là tai.");
    CHECK_STR(idiom_of(w, "He is like a bull in a china shop.")->literal[L_VI],
              "Anh ấy như một con bò đực trong cửa hàng đồ sứ.");
    CHECK_STR(idiom_of(w, "I'm all ears.")->idiomatic[L_FR], "Je suis tout oreilles.");
    CHECK_STR(idiom_of(w, "We don't see eye to eye.")->literal[L_ES], "No vemos ojo a ojo.");
    CHECK_STR(idiom_of(w, "We don't see eye to eye.")->literal[L_FR],
              "Nous ne voyons pas œil à œil.");
    CHECK_STR(idiom_of(w, "The ball is in your court.")->literal[L_FR],
              "La balle est sur ton court.");
    /* idioms as people say them: "spill the beans", "She spilled the beans." */
    const struct widiom *beans = idiom_of(w, "Come on, spill the beans!");
    CHECK(beans->core.en && strcmp(beans->core.en, "spill the beans") == 0);
    CHECK(beans->core.idiomatic[L_ES] && strcmp(beans->core.idiomatic[L_ES], "desembuchar") == 0);
    CHECK(beans->n_uses >= 1 && strcmp(beans->uses[0].en, "She spilled the beans.") == 0);
    CHECK(beans->n_uses >= 1 && strcmp(beans->uses[0].idiomatic[L_FR],
                                       "Elle a craché le morceau.") == 0);
    int cores = 0;
    for (int k = 0; k < w->n_idioms; k++)
        cores += w->idioms[k].core.en != NULL;
    CHECKF(cores >= 10, "%d idioms with their bare phrase", cores);
}

/* Draw sentences of one kind until the English is `en`; then the others
 * must be es, fr and vi.  Fails when the kind never says `en`. */
static void check_kind(const struct world *w, int kind, const char *en, const char *es,
                       const char *fr, const char *vi)
{
    struct pl_rng r;
    pl_rng_seed(&r, 99);
    for (int i = 0; i < 200000; i++) {
        struct sentence s;
        if (world_sentence(w, &r, kind, 0, &s) != 0 || strcmp(s.text[L_EN], en) != 0)
            continue;
        CHECK_STR(s.text[L_ES], es);
        CHECK_STR(s.text[L_FR], fr);
        CHECK_STR(s.text[L_VI], vi);
        return;
    }
    CHECKF(false, "%s never says \"%s\"", world_kind_names[kind], en);
}

static int M(const struct world *w, const char *id)
{
    for (int i = 0; i < w->n_modals; i++)
        if (strcmp(w->modals[i].id, id) == 0)
            return i;
    CHECKF(false, "no modal '%s'", id);
    return 0;
}

static int R(const struct world *w, const char *id)
{
    for (int i = 0; i < w->n_reasons; i++)
        if (strcmp(w->reasons[i].id, id) == 0)
            return i;
    CHECKF(false, "no reason '%s'", id);
    return 0;
}

static void check_sentence(const struct sentence *s, const char *en, const char *es,
                           const char *fr, const char *vi)
{
    CHECK_STR(s->text[L_EN], en);
    CHECK_STR(s->text[L_ES], es);
    CHECK_STR(s->text[L_FR], fr);
    CHECK_STR(s->text[L_VI], vi);
}

/* The sentence kinds a class types (issue 11). */
static void test_new_kinds(const struct world *w)
{
    struct sentence s = {.langs = (1u << N_LANG) - 1};
    struct subj i = {.pron = P(w, "i")}, you = {.pron = P(w, "you")}, she = {.pron = P(w, "she")};
    /* states: tener / avoir, and "feel" with its object pronoun */
    world_describe(w, &you, A(w, "hungry"), T_PRES, -1, false, true, false, -1, &s);
    check_sentence(&s, "Are you hungry?", "¿Tienes hambre?", "Est-ce que tu as faim ?",
                   "Bạn có đói không?");
    world_describe(w, &i, A(w, "thirsty"), T_PRES, -1, false, false, false, -1, &s);
    check_sentence(&s, "I am very thirsty.", "Tengo mucha sed.", "J'ai très soif.",
                   "Tôi rất khát.");
    world_describe(w, &i, A(w, "cold_person"), T_PRES, -1, true, false, false, -1, &s);
    check_sentence(&s, "I am not cold.", "No tengo frío.", "Je n'ai pas froid.",
                   "Tôi không lạnh.");
    world_describe(w, &i, A(w, "tired"), T_PRES, -1, true, false, true, -1, &s);
    check_sentence(&s, "I do not feel tired.", "No me siento cansado.",
                   "Je ne me sens pas fatigué.", "Tôi không thấy mệt.");
    world_describe(w, &she, A(w, "sad"), T_PRES, world_time_index(w, "today"), false, false,
                   true, -1, &s);
    check_sentence(&s, "She feels very sad today.", "Se siente muy triste hoy.",
                   "Elle se sent très triste aujourd'hui.", "Hôm nay cô ấy thấy rất buồn.");
    world_describe(w, &you, A(w, "sick"), T_PRES, -1, false, true, true, -1, &s);
    check_sentence(&s, "Do you feel sick?", "¿Te sientes enfermo?",
                   "Est-ce que tu te sens malade ?", "Bạn có thấy ốm không?");
    /* greetings and courtesy, placeholders filled */
    check_kind(w, K_GREETING, "See you on Monday!", "¡Hasta el lunes!", "À lundi !",
               "Hẹn gặp lại vào thứ Hai!");
    check_kind(w, K_GREETING, "Her name is Lan.", "Se llama Lan.", "Elle s'appelle Lan.",
               "Cô ấy tên là Lan.");
    check_kind(w, K_GREETING, "I am seven years old.", "Tengo siete años.", "J'ai sept ans.",
               "Tôi bảy tuổi.");
    check_kind(w, K_GREETING, "Thank you very much!", "¡Muchas gracias!", "Merci beaucoup !",
               "Cảm ơn bạn rất nhiều!");

    /* modals: the infinitive after them; French "de" after a negation */
    struct clause c;
    clause_init(&c, V(w, "swim"));
    c.s = i;
    world_modal(w, M(w, "can"), &c, &s);
    /* a skill is known ("Sé nadar"), a chance is had ("Puedo nadar ahora") */
    check_sentence(&s, "I can swim.", "Sé nadar.", "Je sais nager.", "Tôi biết bơi.");
    c.neg = true;
    world_modal(w, M(w, "can"), &c, &s);
    check_sentence(&s, "I cannot swim.", "No sé nadar.", "Je ne sais pas nager.",
                   "Tôi không biết bơi.");
    c.neg = false;
    c.time = world_time_index(w, "now");
    world_modal(w, M(w, "can"), &c, &s);
    check_sentence(&s, "I can swim now.", "Puedo nadar ahora.", "Je peux nager maintenant.",
                   "Bây giờ tôi có thể bơi.");
    clause_init(&c, V(w, "eat"));
    c.s = i;
    world_modal(w, M(w, "can"), &c, &s);
    check_sentence(&s, "I can eat.", "Puedo comer.", "Je peux manger.", "Tôi có thể ăn.");
    clause_init(&c, V(w, "swim"));
    c.s = i;
    clause_init(&c, V(w, "go"));
    c.s.pron = P(w, "we");
    c.dest = world_place_index(w, "school");
    c.time = world_time_index(w, "tomorrow");
    world_modal(w, M(w, "have_to"), &c, &s);
    check_sentence(&s, "We have to go to school tomorrow.", "Tenemos que ir a la escuela mañana.",
                   "Nous devons aller à l'école demain.",
                   "Ngày mai chúng tôi phải đi đến trường.");
    clause_init(&c, V(w, "eat"));
    c.s = i;
    c.neg = true;
    c.has_obj = true;
    c.obj = np_make(N(w, "meat"), D_BARE, false, -1);
    world_modal(w, M(w, "want"), &c, &s);
    check_sentence(&s, "I do not want to eat meat.", "No quiero comer carne.",
                   "Je ne veux pas manger de viande.", "Tôi không muốn ăn thịt.");
    clause_init(&c, V(w, "drink"));
    c.s = you;
    c.neg = true;
    c.has_obj = true;
    c.obj = np_make(N(w, "coffee"), D_BARE, false, -1);
    world_modal(w, M(w, "must"), &c, &s);
    check_sentence(&s, "You must not drink coffee.", "No debes beber café.",
                   "Tu ne dois pas boire de café.", "Bạn không được uống cà phê.");
    clause_init(&c, V(w, "dance"));
    c.s.np = np_make(N(w, "sister"), D_POSS, false, -1);
    c.s.np.poss = P(w, "i");
    world_modal(w, M(w, "would_like"), &c, &s);
    check_sentence(&s, "My sister would like to dance.", "A mi hermana le gustaría bailar.",
                   "Ma sœur voudrait danser.", "Chị gái tôi muốn nhảy múa.");
    clause_init(&c, V(w, "buy"));
    c.s = she;
    c.neg = true;
    c.has_obj = true;
    c.obj = np_make(N(w, "bread"), D_BARE, false, -1);
    world_modal(w, M(w, "need"), &c, &s);
    check_sentence(&s, "She does not need to buy bread.", "Ella no necesita comprar pan.",
                   "Elle n'a pas besoin d'acheter de pain.", "Cô ấy không cần mua bánh mì.");
    clause_init(&c, V(w, "drink"));
    c.s = you;
    c.has_obj = true;
    c.obj = np_make(N(w, "water"), D_BARE, false, -1);
    world_modal(w, M(w, "should"), &c, &s);
    check_sentence(&s, "You should drink water.", "Deberías beber agua.", "Tu devrais boire de l'eau.",
                   "Bạn nên uống nước.");
    c.neg = true;
    world_modal(w, M(w, "should"), &c, &s);
    check_sentence(&s, "You should not drink water.", "No deberías beber agua.",
                   "Tu ne devrais pas boire d'eau.", "Bạn không nên uống nước.");

    /* requests: "me" glued to the Spanish infinitive, before the French one */
    clause_init(&c, V(w, "help"));
    c.s = you;
    world_request(w, M(w, "can"), false, false, true, &c, &s);
    check_sentence(&s, "Can you help me?", "¿Puedes ayudarme?", "Est-ce que tu peux m'aider ?",
                   "Bạn có thể giúp tôi không?");
    clause_init(&c, V(w, "give"));
    c.s = you;
    c.has_obj = true;
    c.obj = np_make(N(w, "salt"), D_DEF, false, -1);
    world_request(w, M(w, "could"), false, true, true, &c, &s);
    check_sentence(&s, "Could you please give me the salt?", "¿Podrías darme la sal, por favor?",
                   "Est-ce que tu pourrais me donner le sel, s'il te plaît ?",
                   "Bạn làm ơn đưa cho tôi muối được không?");
    clause_init(&c, V(w, "go"));
    c.s = i;
    c.dest = world_place_index(w, "park");
    world_request(w, M(w, "can"), true, false, false, &c, &s);
    check_sentence(&s, "Can I go to the park?", "¿Puedo ir al parque?",
                   "Est-ce que je peux aller au parc ?",
                   "Tôi có thể đi đến công viên được không?");

    /* let's */
    clause_init(&c, V(w, "go"));
    c.s.pron = P(w, "we");
    c.dest = world_place_index(w, "park");
    world_lets(w, &c, &s);
    check_sentence(&s, "Let's go to the park!", "¡Vamos al parque!", "Allons au parc !",
                   "Chúng ta cùng đi đến công viên nhé!");
    clause_init(&c, V(w, "eat"));
    c.s.pron = P(w, "we");
    c.has_obj = true;
    c.obj = np_make(N(w, "bread"), D_BARE, false, -1);
    world_lets(w, &c, &s);
    check_sentence(&s, "Let's eat bread!", "¡Vamos a comer pan!", "Mangeons du pain !",
                   "Chúng ta cùng ăn bánh mì nhé!");

    /* because and when: the pronoun of the person agrees with it (ellas,
     * elles); Spanish and Vietnamese leave it out; the past of a state is
     * the imperfect */
    clause_init(&c, V(w, "sleep"));
    c.s.np = np_make(N(w, "girl"), D_DEF, true, -1);
    c.tense = T_PROG;
    world_reason(w, R(w, "tired_sleep"), &c, RS_BECAUSE, false, &s);
    check_sentence(&s, "The girls are sleeping because they are tired.",
                   "Las niñas están durmiendo porque están cansadas.",
                   "Les filles dorment parce qu'elles sont fatiguées.",
                   "Những cô bé đang ngủ vì mệt.");
    clause_init(&c, V(w, "eat"));
    c.s = she;
    c.tense = T_PAST;
    c.has_obj = true;
    c.obj = np_make(N(w, "soup"), D_BARE, false, -1);
    world_reason(w, R(w, "hungry_eat"), &c, RS_BECAUSE, true, &s);
    check_sentence(&s, "She ate soup because she was very hungry.",
                   "Ella comió sopa porque tenía mucha hambre.",
                   "Elle a mangé de la soupe parce qu'elle avait très faim.",
                   "Cô ấy đã ăn súp vì rất đói.");
    clause_init(&c, V(w, "stay"));
    c.s.pron = P(w, "we");
    c.loc = world_place_index(w, "home");
    world_reason(w, R(w, "rain_home"), &c, RS_WHEN, false, &s);
    check_sentence(&s, "When it rains, we stay at home.", "Cuando llueve, nos quedamos en casa.",
                   "Quand il pleut, nous restons à la maison.", "Khi trời mưa, chúng tôi ở nhà.");
    clause_init(&c, V(w, "drink"));
    c.s = i;
    c.has_obj = true;
    c.obj = np_make(N(w, "water"), D_BARE, false, -1);
    world_reason(w, R(w, "thirsty_drink"), &c, RS_WHEN, false, &s);
    check_sentence(&s, "When I am thirsty, I drink water.", "Cuando tengo sed, bebo agua.",
                   "Quand j'ai soif, je bois de l'eau.", "Khi khát, tôi uống nước.");
    /* if: the effect in the future; S'il */
    c.tense = T_FUT;
    world_reason(w, R(w, "thirsty_drink"), &c, RS_IF, false, &s);
    check_sentence(&s, "If I am thirsty, I will drink water.", "Si tengo sed, beberé agua.",
                   "Si j'ai soif, je boirai de l'eau.", "Nếu khát, tôi sẽ uống nước.");
    clause_init(&c, V(w, "stay"));
    c.s.pron = P(w, "we");
    c.loc = world_place_index(w, "home");
    c.tense = T_FUT;
    world_reason(w, R(w, "rain_home"), &c, RS_IF, false, &s);
    check_sentence(&s, "If it rains, we will stay at home.", "Si llueve, nos quedaremos en casa.",
                   "S'il pleut, nous resterons à la maison.",
                   "Nếu trời mưa, chúng tôi sẽ ở nhà.");
    /* a reflexive verb keeps its pronoun in the perfect; "ở" is not said twice */
    clause_init(&c, V(w, "stay"));
    c.s = she;
    c.tense = T_PAST;
    c.loc = world_place_index(w, "home");
    c.time = world_time_index(w, "today");
    check_clause(w, &c, "She stayed at home today.", "Ella se ha quedado en casa hoy.",
                 "Elle est restée à la maison aujourd'hui.", "Hôm nay cô ấy đã ở nhà.");

    /* comparisons: agreement with the first person or thing */
    struct subj sis = {.pron = -1, .np = np_make(N(w, "sister"), D_POSS, false, -1)};
    sis.np.poss = P(w, "i");
    struct np bro = np_make(N(w, "brother"), D_POSS, false, -1);
    bro.poss = P(w, "i");
    world_compare(w, 0, &sis, &bro, A(w, "tall"), false, 0, -1, &s);
    check_sentence(&s, "My sister is taller than my brother.",
                   "Mi hermana es más alta que mi hermano.", "Ma sœur est plus grande que mon frère.",
                   "Chị gái tôi cao hơn anh trai tôi.");
    struct subj car = {.pron = -1, .np = np_make(N(w, "car"), D_POSS, false, -1)};
    car.np.poss = P(w, "we");
    struct np car2 = car.np;
    car2.poss = P(w, "they");
    world_compare(w, 0, &car, &car2, A(w, "expensive"), true, 0, -1, &s);
    check_sentence(&s, "Our car is not more expensive than their car.",
                   "Nuestro coche no es más caro que su coche.",
                   "Notre voiture n'est pas plus chère que leur voiture.",
                   "Chiếc ô tô của chúng tôi không đắt hơn chiếc ô tô của họ.");
    world_compare(w, 1, &she, NULL, A(w, "smart"), false, 1, -1, &s);
    check_sentence(&s, "She is the smartest in the class.", "Es la más inteligente de la clase.",
                   "Elle est la plus intelligente de la classe.",
                   "Cô ấy thông minh nhất trong lớp.");
    world_compare(w, 2, &sis, &bro, -1, false, 0, N(w, "bicycle"), &s);
    check_sentence(&s, "My sister and my brother have the same bicycle.",
                   "Mi hermana y mi hermano tienen la misma bicicleta.",
                   "Ma sœur et mon frère ont le même vélo.",
                   "Chị gái tôi và anh trai tôi có chiếc xe đạp giống nhau.");
    world_compare(w, 3, &sis, &bro, -1, false, 0, N(w, "bag"), &s);
    check_sentence(&s, "My sister and my brother have different bags.",
                   "Mi hermana y mi hermano tienen bolsas diferentes.",
                   "Ma sœur et mon frère ont des sacs différents.",
                   "Chị gái tôi và anh trai tôi có cái túi khác nhau.");
    /* cheap is not compared: no French "plus bon marché" */
    CHECK(w->adjs[A(w, "cheap")].en_more == NULL);

    /* coordination: and, but, or */
    clause_init(&c, V(w, "eat"));
    c.s.pron = P(w, "he");
    c.has_obj = true;
    c.obj = np_make(N(w, "bread"), D_BARE, false, -1);
    struct np other = np_make(N(w, "cheese"), D_BARE, false, -1);
    world_coord(w, 0, &c, &other, &s);
    check_sentence(&s, "He eats bread and cheese.", "Él come pan y queso.",
                   "Il mange du pain et du fromage.", "Anh ấy ăn bánh mì và phô mai.");
    clause_init(&c, V(w, "speak"));
    c.s = she;
    c.has_obj = true;
    c.obj = np_make(N(w, "spanish"), D_BARE, false, -1);
    other = np_make(N(w, "english"), D_BARE, false, -1);
    world_coord(w, 0, &c, &other, &s);
    check_sentence(&s, "She speaks Spanish and English.", "Ella habla español e inglés.",
                   "Elle parle espagnol et anglais.",
                   "Cô ấy nói tiếng Tây Ban Nha và tiếng Anh.");
    clause_init(&c, V(w, "play_sport"));
    c.s.np = np_make(N(w, "girl"), D_DEF, true, -1);
    c.has_obj = true;
    c.obj = np_make(N(w, "tennis"), D_KIND, false, -1);
    other = np_make(N(w, "golf"), D_KIND, false, -1);
    world_coord(w, 1, &c, &other, &s);
    check_sentence(&s, "The girls play tennis, but they do not play golf.",
                   "Las niñas juegan al tenis, pero no juegan al golf.",
                   "Les filles jouent au tennis, mais elles ne jouent pas au golf.",
                   "Những cô bé chơi quần vợt, nhưng không chơi gôn.");
    clause_init(&c, V(w, "play_sport"));
    c.s = she;
    c.has_obj = true;
    c.obj = np_make(N(w, "tennis"), D_KIND, false, -1);
    other = np_make(N(w, "football"), D_KIND, false, -1);
    world_coord(w, 2, &c, &other, &s);
    check_sentence(&s, "Does she play tennis or football?", "¿Juega al tenis o al fútbol?",
                   "Est-ce qu'elle joue au tennis ou au football ?",
                   "Cô ấy chơi quần vợt hay bóng đá?");
    CHECK_STR(finish(w, L_ES, "siete o ocho ."), "Siete u ocho.");
    CHECK_STR(finish(w, L_ES, "agua y hielo ."), "Agua y hielo.");
    CHECK_STR(finish(w, L_ES, "padres y hijos ."), "Padres e hijos.");

    /* the words a class needs (issue 11): live, ask, answer, get up, have
     * breakfast, do homework, hurt, near, far, favorite, in ten minutes */
    clause_init(&c, V(w, "live"));
    c.s = she;
    c.loc = world_place_index(w, "hanoi");
    check_clause(w, &c, "She lives in Hanoi.", "Ella vive en Hanói.", "Elle habite à Hanoï.",
                 "Cô ấy sống ở Hà Nội.");
    clause_init(&c, V(w, "answer"));
    c.s.np = np_make(N(w, "student"), D_DEF, false, -1);
    c.tense = T_PAST;
    c.has_obj = true;
    c.obj = np_make(N(w, "question"), D_DEF, false, A(w, "difficult"));
    check_clause(w, &c, "The student answered the difficult question.",
                 "El estudiante respondió a la pregunta difícil.",
                 "L'étudiant a répondu à la question difficile.",
                 "Sinh viên đã trả lời câu hỏi khó.");
    clause_init(&c, V(w, "ask"));
    c.s = i;
    c.has_obj = true;
    c.obj = np_make(N(w, "question"), D_INDEF, false, -1);
    check_clause(w, &c, "I ask a question.", "Hago una pregunta.", "Je pose une question.",
                 "Tôi đặt một câu hỏi.");
    /* a pronominal verb: the pronoun stays with its verb in the negation
     * and the passé composé */
    clause_init(&c, V(w, "get_up"));
    c.s = she;
    c.neg = true;
    c.clock = world_num_index(w, "seven");
    check_clause(w, &c, "She does not get up at seven o'clock.",
                 "Ella no se levanta a las siete.", "Elle ne se lève pas à sept heures.",
                 "Cô ấy không thức dậy lúc bảy giờ.");
    c.tense = T_PAST;
    check_clause(w, &c, "She did not get up at seven o'clock.",
                 "Ella no se levantó a las siete.", "Elle ne s'est pas levée à sept heures.",
                 "Cô ấy đã không thức dậy lúc bảy giờ.");
    c.neg = false;
    c.clock = -1;
    c.time = world_time_index(w, "this_morning");
    check_clause(w, &c, "She got up this morning.", "Ella se ha levantado esta mañana.",
                 "Elle s'est levée ce matin.", "Sáng nay cô ấy đã thức dậy.");
    clause_init(&c, V(w, "have_breakfast"));
    c.s.pron = P(w, "we");
    c.tense = T_FUT;
    c.time = world_time_index(w, "in_ten_minutes");
    check_clause(w, &c, "We will have breakfast in ten minutes.",
                 "Desayunaremos dentro de diez minutos.",
                 "Nous prendrons le petit-déjeuner dans dix minutes.",
                 "Mười phút nữa chúng tôi sẽ ăn sáng.");
    clause_init(&c, V(w, "do_homework"));
    c.s.np = np_make(N(w, "child"), D_DEF, true, -1);
    c.tense = T_PROG;
    check_clause(w, &c, "The children are doing homework.",
                 "Los niños están haciendo los deberes.", "Les enfants font les devoirs.",
                 "Những đứa trẻ đang làm bài tập về nhà.");
    world_ache(w, P(w, "i"), N(w, "head"), false, false, false, &s);
    check_sentence(&s, "My head hurts.", "Me duele la cabeza.", "J'ai mal à la tête.",
                   "Tôi bị đau đầu.");
    world_ache(w, P(w, "you"), N(w, "eye"), true, false, true, &s);
    check_sentence(&s, "Do your eyes hurt?", "¿Te duelen los ojos?",
                   "Est-ce que tu as mal aux yeux ?", "Bạn có bị đau mắt không?");
    /* near, favorites, what in the progressive ("chúng ta" for "we"), a lot
     * of, why (the yes/no question after it; Vietnamese asks the statement) */
    static const struct {
        int kind;
        const char *en, *es, *fr, *vi;
    } pins[] = {
        {K_NEAR, "The school is near the park.",
         "La escuela está cerca del parque.",
         "L'école est près du parc.", "Ngôi trường ở gần công viên."},
        {K_NEAR, "Is the bank far from here?",
         "¿El banco está lejos de aquí?",
         "Est-ce que la banque est loin d'ici ?", "Ngân hàng có ở xa đây không?"},
        {K_FAVORITE, "My favorite color is blue.",
         "Mi color favorito es el azul.",
         "Ma couleur préférée est le bleu.", "Màu yêu thích của tôi là màu xanh dương."},
        {K_FAVORITE, "What is your favorite animal?",
         "¿Cuál es tu animal favorito?",
         "Quel est ton animal préféré ?", "Con vật yêu thích của bạn là con gì?"},
        {K_WHAT, "What are you eating?",
         "¿Qué estás comiendo?",
         "Qu'est-ce que tu manges ?", "Bạn đang ăn gì?"},
        {K_WHAT, "What are we eating?",
         "¿Qué estamos comiendo?",
         "Qu'est-ce que nous mangeons ?", "Chúng ta đang ăn gì?"},
        {K_WHAT, "What is she reading now?",
         "¿Qué está leyendo ahora?",
         "Qu'est-ce qu'elle lit maintenant ?", "Bây giờ cô ấy đang đọc gì?"},
        {K_EXIST, "There are a lot of frogs in the river.",
         "Hay muchas ranas en el río.",
         "Il y a beaucoup de grenouilles dans la rivière.", "Có nhiều con ếch ở dưới sông."},
        {K_EXIST, "There is a lot of water in the kitchen.",
         "Hay mucha agua en la cocina.",
         "Il y a beaucoup d'eau dans la cuisine.", "Có nhiều nước ở trong bếp."},
        {K_WHY, "Why are you tired?",
         "¿Por qué estás cansado?",
         "Pourquoi est-ce que tu es fatigué ?", "Tại sao bạn mệt?"},
        {K_WHY, "Why is she afraid?",
         "¿Por qué tiene miedo?",
         "Pourquoi est-ce qu'elle a peur ?", "Tại sao cô ấy sợ?"},
        {K_WHY, "Why are you happy?",
         "¿Por qué estás contento?",
         "Pourquoi est-ce que tu es content ?", "Tại sao bạn vui?"},
        /* languages: bare in English, Spanish and after "parler"; French
         * says "le" after apprendre, étudier and comprendre (langdef) */
        {K_LANGUAGE, "She speaks French.", "Ella habla francés.", "Elle parle français.",
         "Cô ấy nói tiếng Pháp."},
        {K_LANGUAGE, "Do you speak Vietnamese?", "¿Hablas vietnamita?",
         "Est-ce que tu parles vietnamien ?", "Bạn có nói tiếng Việt không?"},
        {K_LANGUAGE, "I understand English.", "Entiendo inglés.", "Je comprends l'anglais.",
         "Tôi hiểu tiếng Anh."},
        {K_LANGUAGE, "We learn Spanish.", "Aprendemos español.", "Nous apprenons l'espagnol.",
         "Chúng tôi học tiếng Tây Ban Nha."},
        /* a language after "can" is a skill: saber, savoir, biết */
        {K_LANGUAGE, "I can speak French.", "Sé hablar francés.", "Je sais parler français.",
         "Tôi biết nói tiếng Pháp."},
    };
    for (size_t k = 0; k < sizeof pins / sizeof *pins; k++)
        check_kind(w, pins[k].kind, pins[k].en, pins[k].es, pins[k].fr, pins[k].vi);
    {
        struct clause st;
        clause_init(&st, V(w, "study"));
        st.s.pron = P(w, "she");
        st.neg = true;
        st.has_obj = true;
        st.obj = np_make(N(w, "french"), D_BARE, false, -1);
        check_clause(w, &st, "She does not study French.", "Ella no estudia francés.",
                     "Elle n'étudie pas le français.", "Cô ấy không học tiếng Pháp.");
    }
    /* meals people make: "cook dinner", "preparar la cena", "préparer le
     * dîner", "nấu bữa tối" */
    {
        struct clause m;
        clause_init(&m, V(w, "cook_dinner"));
        m.s.pron = P(w, "she");
        m.tense = T_PROG;
        check_clause(w, &m, "She is cooking dinner.", "Ella está preparando la cena.",
                     "Elle prépare le dîner.", "Cô ấy đang nấu bữa tối.");
        clause_init(&m, V(w, "make_breakfast"));
        m.s.pron = P(w, "they");
        m.neg = true;
        check_clause(w, &m, "They do not make breakfast.", "Ellos no preparan el desayuno.",
                     "Ils ne préparent pas le petit-déjeuner.", "Họ không làm bữa sáng.");
    }
    /* every language draw names a language; understanding one is a state,
     * said in the present and not wished for ("to understand"; a second
     * clause after "but" may say "he can understand Chinese") */
    {
        struct pl_rng r;
        pl_rng_seed(&r, 5);
        int bad = 0, understood = 0;
        for (int k = 0; k < 3000; k++) {
            struct sentence y;
            if (world_sentence(w, &r, K_LANGUAGE, 0, &y) != 0)
                continue;
            const char *en = y.text[L_EN];
            bool names = false;
            for (int j = 0; j < w->n_nouns; j++)
                names |= strcmp(w->nouns[j].cat, "languages") == 0 &&
                         strstr(en, w->nouns[j].en[0]) != NULL;
            understood += strstr(en, "understand") != NULL;
            bool state_ok = !strstr(en, "understood") && !strstr(en, "to understand") &&
                            !strstr(en, "will understand");
            if ((!names || !state_ok) && bad++ < 3)
                CHECKF(false, "language: '%s'", en);
        }
        CHECKF(understood > 100, "language: %d draws of understand in 3000", understood);
    }
    /* plural-only relatives: "my parents", "mis padres", "bố mẹ tôi" */
    {
        struct subj par = {.pron = -1};
        par.np = np_make(N(w, "parents"), D_POSS, false, -1);
        par.np.poss = P(w, "i");
        struct sentence ps = {.langs = (1u << N_LANG) - 1};
        world_describe(w, &par, A(w, "tired"), T_PRES, -1, false, false, false, 0, &ps);
        check_sentence(&ps, "My parents are tired.", "Mis padres están cansados.",
                       "Mes parents sont fatigués.", "Bố mẹ tôi mệt.");
        struct clause v;
        clause_init(&v, V(w, "visit"));
        v.s.pron = P(w, "she");
        v.has_obj = true;
        v.obj = np_make(N(w, "grandparents"), D_POSS, false, -1);
        v.obj.poss = P(w, "she");
        check_clause(w, &v, "She visits her grandparents.", "Ella visita a sus abuelos.",
                     "Elle rend visite à ses grands-parents.", "Cô ấy thăm ông bà của cô ấy.");
        struct np owner = np_make(N(w, "parents"), D_POSS, false, -1);
        owner.poss = P(w, "he");
        struct np pcar = np_make(N(w, "car"), D_OWNER, false, -1);
        pcar.owner = &owner;
        CHECK_STR(np_text(w, &pcar, L_EN, 0), "His parents' car");
    }
    /* a lot of, in a clause */
    struct clause lots;
    clause_init(&lots, V(w, "drink"));
    lots.s.pron = P(w, "she");
    lots.has_obj = true;
    lots.obj = np_make(N(w, "water"), D_LOTS, false, -1);
    check_clause(w, &lots, "She drinks a lot of water.", "Ella bebe mucha agua.",
                 "Elle boit beaucoup d'eau.", "Cô ấy uống nhiều nước.");
    lots.obj = np_make(N(w, "apple"), D_LOTS, true, A(w, "red"));
    lots.verb = V(w, "eat");
    check_clause(w, &lots, "She eats a lot of red apples.", "Ella come muchas manzanas rojas.",
                 "Elle mange beaucoup de pommes rouges.", "Cô ấy ăn nhiều quả táo màu đỏ.");
    /* why: Spanish puts a named subject after the verb */
    {
        struct clause q;
        clause_init(&q, V(w, "eat"));
        q.s.pron = P(w, "he");
        snprintf(q.s.name, sizeof q.s.name, "Nam");
        q.has_obj = true;
        q.obj = np_make(N(w, "bread"), D_BARE, false, -1);
        q.question = q.es_invert = true;
        check_clause(w, &q, "Does Nam eat bread?", "¿Come Nam pan?",
                     "Est-ce que Nam mange du pain ?", "Nam có ăn bánh mì không?");
    }

    {
        struct pl_rng r;
        pl_rng_seed(&r, 3);
        int bad = 0, clauses = 0;
        for (int k = 0; k < 3000; k++) {
            struct sentence y;
            if (world_sentence(w, &r, K_WHY, 0, &y) != 0)
                continue;
            const char *vi = y.text[L_VI];
            clauses += !strstr(y.text[L_EN], " are ") && !strstr(y.text[L_EN], " is ") &&
                       !strstr(y.text[L_EN], " am ");
            /* Spanish says the verb right after "por qué": "¿Por qué va Nam a la
             * cocina?", "¿Por qué está nerviosa su esposa?" */
            static const char *const dets[] = {"el ", "la ", "los ", "las ", "mi ", "mis ",
                                               "tu ", "tus ", "su ", "sus ", "nuestr", "un ",
                                               "una "};
            const char *after = y.text[L_ES] + strlen("¿Por qué ");
            bool late = !(y.name[0] && strncmp(after, y.name, strlen(y.name)) == 0);
            for (size_t d = 0; d < sizeof dets / sizeof *dets; d++)
                late &= strncmp(after, dets[d], strlen(dets[d])) != 0;
            for (int d = 0; d < w->n_names; d++)
                late &= !(strncmp(after, w->names[d].text, strlen(w->names[d].text)) == 0 &&
                          after[strlen(w->names[d].text)] == ' ');
            bool ok = late && strncmp(y.text[L_EN], "Why ", 4) == 0 &&
                      strncmp(y.text[L_ES], "¿Por qué ", strlen("¿Por qué ")) == 0 &&
                      strncmp(y.text[L_FR], "Pourquoi est-ce qu", 18) == 0 &&
                      strncmp(vi, "Tại sao ", strlen("Tại sao ")) == 0 &&
                      vi[strlen(vi) - 1] == '?' && !strstr(vi, "không?") && !strstr(vi, " chưa?");
            if (!ok && bad++ < 3)
                CHECKF(false, "why: '%s' / '%s' / '%s' / '%s'", y.text[L_EN], y.text[L_ES],
                       y.text[L_FR], vi);
        }
        CHECKF(clauses > 500, "why: %d questions with a verb in 3000", clauses);
    }

    /* telling the time and the date */
    check_kind(w, K_TIME, "It is half past one.", "Es la una y media.",
               "Il est une heure et demie.", "Bây giờ là một giờ rưỡi.");
    check_kind(w, K_TIME, "It is seven o'clock.", "Son las siete.", "Il est sept heures.",
               "Bây giờ là bảy giờ.");
    check_kind(w, K_TIME, "Today is Monday.", "Hoy es lunes.", "Aujourd'hui, c'est lundi.",
               "Hôm nay là thứ Hai.");
    check_kind(w, K_TIME, "My sister's birthday is in May.",
               "El cumpleaños de mi hermana es en mayo.", "L'anniversaire de ma sœur est en mai.",
               "Sinh nhật của chị gái tôi vào tháng Năm.");
    /* "I think that ...": ordinary statements in frames */
    CHECK_STR(framed_text(w, "iremember", "Ayer hizo frío.", L_ES), "Recuerdo que ayer hizo frío.");
    CHECK_STR(framed_text(w, "think", "Il est allé au marché.", L_FR),
              "Je pense qu'il est allé au marché.");
    CHECK_STR(framed_text(w, "think", "It is raining.", L_EN), "I think that it is raining.");
    CHECK_STR(framed_text(w, "think", "Está lloviendo.", L_ES), "Creo que está lloviendo.");
    CHECK_STR(framed_text(w, "think", "Il pleut.", L_FR), "Je pense qu'il pleut.");
    CHECK_STR(framed_text(w, "think", "Trời đang mưa.", L_VI), "Tôi nghĩ là trời đang mưa.");
}

/* Skills are said often and pair with skills ("I can swim, but I cannot
 * dance." came back garbled from the world v4 model, whose corpus held
 * almost no skill sentence). */
static void test_skills(const struct world *w)
{
    static const char *const know[] = {"Sé ", "sé ", "sabes ", "sabe ", "sabemos ", "saben ",
                                       "Sabes ", "Sabemos ", "Saben "};
    struct clause c;
    clause_init(&c, V(w, "read"));
    c.s.pron = P(w, "they");
    struct sentence rd = {.langs = (1u << N_LANG) - 1};
    world_modal(w, M(w, "can"), &c, &rd);
    /* the skill of reading takes no object in Vietnamese (verbs.txt vi.skill) */
    check_sentence(&rd, "They can read.", "Ellos saben leer.", "Ils savent lire.", "Họ biết đọc.");
    c.neg = true;
    world_modal(w, M(w, "must"), &c, &rd);
    CHECK_STR(rd.text[L_VI], "Họ không được đọc sách.");
    struct pl_rng r;
    pl_rng_seed(&r, 5);
    int drawn = 0, skills = 0, pairs = 0, mixed = 0;
    for (int i = 0; i < 20000; i++) {
        struct sentence s;
        if (world_sentence(w, &r, K_MODAL, 0, &s) != 0)
            continue;
        drawn++;
        const char *es = s.text[L_ES], *but = strstr(es, ", pero ");
        bool first = false, second = false;
        for (size_t k = 0; k < sizeof know / sizeof *know; k++) {
            const char *at = strstr(es, know[k]);
            first |= at && (!but || at < but);
            second |= but && strstr(but, know[k]);
        }
        skills += first;
        pairs += first && second;
        /* after a skill, "but" brings another skill */
        if (first && but && !second && mixed++ < 3)
            CHECKF(false, "a skill paired with another modal: '%s' / '%s'", s.text[L_EN], es);
    }
    CHECKF(skills > drawn / 50, "%d skills in %d modal sentences", skills, drawn);
    CHECKF(pairs > 0, "no skill paired with a skill in %d modal sentences", drawn);
}

/* Whether word occurs in s with no letter on either side. */
static bool has_name(const char *s, const char *word)
{
    size_t k = strlen(word);
    for (const char *p = s; (p = strstr(p, word)); p += k) {
        bool before = p == s || !isalpha((unsigned char)p[-1]);
        if (before && !isalpha((unsigned char)p[k]))
            return true;
    }
    return false;
}

/* First names as subjects (issue 11: "My name is Marco." came back as
 * "Me llamo Fochas."): a name from names.txt or a made-up one, said in
 * place of he or she and copied into every language. */
static void test_name_subjects(const struct world *w)
{
    struct subj dravo = {.pron = P(w, "she")};
    snprintf(dravo.name, sizeof dravo.name, "Dravo");
    struct sentence s = {.langs = (1u << N_LANG) - 1};
    world_describe(w, &dravo, A(w, "tired"), T_PRES, -1, false, false, false, 0, &s);
    check_sentence(&s, "Dravo is tired.", "Dravo está cansada.", "Dravo est fatiguée.",
                   "Dravo mệt.");
    CHECK_STR(s.name, "Dravo");
    struct clause sw;
    clause_init(&sw, V(w, "swim"));
    sw.s = dravo;
    s.name[0] = 0;
    world_modal(w, M(w, "can"), &sw, &s);
    check_sentence(&s, "Dravo can swim.", "Dravo sabe nadar.", "Dravo sait nager.",
                   "Dravo biết bơi.");
    CHECK_STR(s.name, "Dravo"); /* so that "I think that Dravo can swim." keeps it */
    world_describe(w, &dravo, A(w, "tired"), T_PRES, -1, false, true, false, 0, &s);
    check_sentence(&s, "Is Dravo tired?", "¿Dravo está cansada?",
                   "Est-ce que Dravo est fatiguée ?", "Dravo có mệt không?");
    struct clause c;
    clause_init(&c, V(w, "play_sport"));
    c.s = dravo;
    c.has_obj = true;
    c.obj = np_make(N(w, "tennis"), D_KIND, false, -1);
    struct np other = np_make(N(w, "golf"), D_KIND, false, -1);
    world_coord(w, 1, &c, &other, &s);
    /* the name once, then the pronoun */
    check_sentence(&s, "Dravo plays tennis, but she does not play golf.",
                   "Dravo juega al tenis, pero no juega al golf.",
                   "Dravo joue au tennis, mais elle ne joue pas au golf.",
                   "Dravo chơi quần vợt, nhưng không chơi gôn.");
    /* a frame keeps the capital of the name it is told, even a made-up one */
    char out[256];
    const struct wframe *think = frame_of(w, "think");
    world_framed(w, think, "Dravo est fatiguée.", "Dravo", L_FR, out, sizeof out);
    CHECK_STR(out, "Je pense que Dravo est fatiguée.");
    world_framed(w, think, "Dravo est fatiguée.", NULL, L_FR, out, sizeof out);
    CHECK_STR(out, "Je pense que dravo est fatiguée.");
    /* French does not elide before a name in H or Y, but does before a vowel */
    world_framed(w, think, "Hoa est fatiguée.", "Hoa", L_FR, out, sizeof out);
    CHECK_STR(out, "Je pense que Hoa est fatiguée.");
    world_framed(w, think, "Anna est fatiguée.", "Anna", L_FR, out, sizeof out);
    CHECK_STR(out, "Je pense qu'Anna est fatiguée.");

    /* drawn: names in the kinds that take a person, copied into every
     * language, said once per sentence, "A Lan le gusta" in Spanish */
    static const int kinds[] = {K_ACTION, K_INTRANSITIVE, K_MOTION, K_PROGRESSIVE, K_FREQUENCY,
                                K_DESCRIBE, K_STATE, K_MODAL, K_WHERE, K_WHAT, K_YES_NO,
                                K_LIKES, K_COORD, K_THINK, K_COMPARE, K_LOCATION, K_WHY};
    struct pl_rng r;
    pl_rng_seed(&r, 11);
    int named = 0, made = 0, listed = 0, bad = 0, drawn = 0;
    for (int i = 0; i < 30000; i++) {
        int kind = kinds[i % (int)(sizeof kinds / sizeof *kinds)];
        if (world_sentence(w, &r, kind, 0, &s) != 0)
            continue;
        drawn++;
        /* a statement opens with its subject: when English, Spanish and
         * French open with the same word, that is a name, and the sentence
         * says so (a frame keeps a made-up name's capital by it) */
        char w0[3][64];
        for (int l = 0; l < 3; l++)
            sscanf(s.text[l], "%63[^ ,.?!]", w0[l]);
        if (kind != K_THINK && strcmp(w0[0], w0[1]) == 0 && strcmp(w0[0], w0[2]) == 0 &&
            strcmp(s.name, w0[0]) != 0 && bad++ < 5)
            CHECKF(false, "'%s' opens with a name, but its name is '%s'", s.text[L_EN], s.name);
        const char *name = s.name;
        for (int k = 0; k < w->n_names && !*name; k++)
            if (has_name(s.text[L_EN], w->names[k].text))
                name = w->names[k].text;
        if (!*name)
            continue;
        named++;
        made += !world_name_taken(w, name);
        listed += world_name_taken(w, name);
        bool ok = true;
        for (int l = 0; l < N_LANG; l++) {
            /* copied, and said once: then "she" */
            const char *at = strstr(s.text[l], name);
            ok &= has_name(s.text[l], name) && at && !has_name(at + strlen(name), name);
        }
        if (kind == K_LIKES && strncmp(s.text[L_EN], name, strlen(name)) == 0) {
            char a[64], no[64];
            snprintf(a, sizeof a, "A %s le ", name);
            snprintf(no, sizeof no, "A %s no le ", name);
            ok &= strncmp(s.text[L_ES], a, strlen(a)) == 0 ||
                  strncmp(s.text[L_ES], no, strlen(no)) == 0;
        }
        if (!ok && bad++ < 5)
            CHECKF(false, "name %s: '%s' / '%s' / '%s' / '%s'", name, s.text[L_EN],
                   s.text[L_ES], s.text[L_FR], s.text[L_VI]);
    }
    CHECKF(named > drawn / 40, "%d of %d sentences have a named subject", named, drawn);
    CHECKF(made > named / 4 && listed > named / 4, "names: %d made up, %d listed", made, listed);
}

/* What the model shipped then (world v2) got wrong on sentences typed by hand: a name it
 * must copy, the "that" English leaves out, a second clause after "but",
 * a polite "Do you know where ...?". */
static void test_typed_shapes(const struct world *w)
{
    struct pl_rng r;
    pl_rng_seed(&r, 5);
    int made = 0, known = 0, bad = 0;
    char first[64] = "";
    bool differ = false;
    for (int i = 0; i < 20000; i++) {
        struct sentence s;
        if (world_sentence(w, &r, K_GREETING, 0, &s) != 0)
            continue;
        char name[64];
        if (sscanf(s.text[L_EN], "My name is %63[^.].", name) != 1)
            continue;
        bool listed = false;
        for (int k = 0; k < w->n_names; k++)
            listed |= strcmp(w->names[k].text, name) == 0;
        known += listed;
        made += !listed;
        if (!listed && !first[0])
            snprintf(first, sizeof first, "%s", name);
        differ |= !listed && strcmp(first, name) != 0;
        char es[96], fr[96], vi[96];
        snprintf(es, sizeof es, "Me llamo %s.", name);
        snprintf(fr, sizeof fr, "Je m'appelle %s.", name);
        snprintf(vi, sizeof vi, "Tôi tên là %s.", name);
        /* (a sentence may follow: "My name is Dravo. I am hungry.") */
        bool ok = strncmp(s.text[L_ES], es, strlen(es)) == 0 &&
                  strncmp(s.text[L_FR], fr, strlen(fr)) == 0 &&
                  strncmp(s.text[L_VI], vi, strlen(vi)) == 0 && isupper((unsigned char)name[0]);
        if (!ok && bad++ < 3)
            CHECKF(false, "'%s' / '%s' / '%s' / '%s'", s.text[L_EN], s.text[L_ES],
                   s.text[L_FR], s.text[L_VI]);
    }
    CHECK_INT(bad, 0);
    CHECKF(made > 20 && known > 20 && differ, "names: %d made up, %d from names.txt", made, known);
    /* a made-up name is no word of the world ("My name is Water.") */
    CHECK(world_name_taken(w, "Water") && world_name_taken(w, "lan") &&
          world_name_taken(w, "Swims") && world_name_taken(w, "Tall") &&
          !world_name_taken(w, "Dravo"));
    int taken = 0, fails = 0;
    for (int i = 0; i < 30000; i++) {
        char nm[32];
        if (world_make_name(w, &r, nm, sizeof nm) != 0)
            fails++;
        else
            taken += world_name_taken(w, nm);
    }
    CHECK_INT(taken, 0);
    CHECKF(fails < 10, "%d of 30000 made-up names failed", fails);
    /* "that" dropped in English only, and only where the frame has one */
    char en[256];
    snprintf(en, sizeof en, "%s", framed_text(w, "think", "He is right.", L_EN));
    world_frame_drop_that(frame_of(w, "think"), en);
    CHECK_STR(en, "I think he is right.");
    snprintf(en, sizeof en, "%s", framed_text(w, "maybe", "He is right.", L_EN));
    world_frame_drop_that(frame_of(w, "maybe"), en);
    CHECK_STR(en, "Maybe he is right.");
    snprintf(en, sizeof en, "%s", framed_text(w, "youthink", "It is cold.", L_EN));
    world_frame_drop_that(frame_of(w, "youthink"), en);
    CHECK_STR(en, "Do you think it is cold?");
    check_kind(w, K_THINK, "I think it is raining.", "Creo que está lloviendo.",
               "Je pense qu'il pleut.", "Tôi nghĩ là trời đang mưa.");
    check_kind(w, K_WHERE, "Do you know where the cat is?", "¿Sabes dónde está el gato?",
               "Tu sais où est le chat ?", "Bạn có biết con mèo ở đâu không?");
    check_kind(w, K_WHERE, "Where is the cat?", "¿Dónde está el gato?", "Où est le chat ?",
               "Con mèo ở đâu?");
    /* a greeting and a sentence, both translated ("Hello! I am hungry.") */
    int two = 0, bad_two = 0;
    for (int i = 0; i < 20000; i++) {
        struct sentence s;
        if (world_sentence(w, &r, K_GREETING, 0, &s) != 0)
            continue;
        int breaks[N_LANG] = {0};
        for (int l = 0; l < N_LANG; l++)
            for (const char *p = s.text[l]; *p; p++)
                breaks[l] += strchr(".!?", p[0]) && p[1] == ' ' && p[2] &&
                             (isupper((unsigned char)p[2]) || (unsigned char)p[2] >= 0xc2);
        if (!breaks[L_EN])
            continue;
        two++;
        bool ok = breaks[L_ES] && breaks[L_FR] && breaks[L_VI];
        /* only after an opening (phrases.txt "+"), never "What is your name?
         * What time is it?"; and in the split of the sentence itself, or
         * the sentence of a test row would reach train inside a greeting */
        ok &= strncmp(s.text[L_EN], "What is your name? ", 19) != 0 &&
              strncmp(s.text[L_EN], "How old are you? ", 17) != 0;
        const char *bang = strstr(s.text[L_EN], "! ");
        if (bang && !s.fixed)
            ok &= world_sentence_split(s.text[L_EN]) == world_sentence_split(bang + 2);
        if (!ok && bad_two++ < 3)
            CHECKF(false, "'%s' / '%s' / '%s' / '%s'", s.text[L_EN], s.text[L_ES], s.text[L_FR],
                   s.text[L_VI]);
    }
    CHECK_INT(bad_two, 0);
    CHECKF(two > 1000, "%d greetings with a sentence after them", two);
    /* the clock: a quarter to, after "It is" and after "at" */
    check_kind(w, K_TIME, "It is a quarter to nine.", "Son las nueve menos cuarto.",
               "Il est neuf heures moins le quart.", "Bây giờ là chín giờ kém mười lăm.");
    int clocks = 0, bad_clock = 0;
    for (int i = 0; i < 4000; i++) {
        struct sentence s;
        if (world_sentence(w, &r, K_CLOCK, 0, &s) != 0 || !strstr(s.text[L_EN], "a quarter to "))
            continue;
        clocks++;
        bool ok = strstr(s.text[L_ES], " menos cuarto") && strstr(s.text[L_FR], " moins le quart") &&
                  strstr(s.text[L_VI], " kém mười lăm") && strstr(s.text[L_VI], "lúc ");
        if (!ok && bad_clock++ < 3)
            CHECKF(false, "'%s' / '%s' / '%s' / '%s'", s.text[L_EN], s.text[L_ES], s.text[L_FR],
                   s.text[L_VI]);
    }
    CHECK_INT(bad_clock, 0);
    CHECKF(clocks > 50, "%d clock sentences at a quarter to", clocks);
    /* two clauses kept ("I can swim, but I can't dance." lost its second) */
    int pairs = 0, bad_pair = 0, i_can = 0;
    for (int i = 0; i < 20000; i++) {
        struct sentence s;
        if (world_sentence(w, &r, K_MODAL, 0, &s) != 0 || !strstr(s.text[L_EN], ", but "))
            continue;
        pairs++;
        bool ok = strstr(s.text[L_ES], ", pero ") && strstr(s.text[L_FR], ", mais ") &&
                  strstr(s.text[L_VI], ", nhưng ");
        if (strncmp(s.text[L_EN], "I can ", 6) == 0 && strstr(s.text[L_EN], "but I cannot ")) {
            i_can++;
            /* "can" is poder / pouvoir / có thể, or for a skill saber /
             * savoir / biết ("Sé nadar, pero no puedo ir de compras.") */
            const char *es = s.text[L_ES], *fr = s.text[L_FR], *vi = s.text[L_VI];
            ok &= (strncmp(es, "Puedo ", 6) == 0 || strncmp(es, "Sé ", 4) == 0) &&
                  (strstr(es, "pero no puedo ") || strstr(es, "pero no sé ")) &&
                  (strncmp(fr, "Je peux ", 8) == 0 || strncmp(fr, "Je sais ", 8) == 0) &&
                  (strstr(fr, "mais je ne peux pas ") || strstr(fr, "mais je ne sais pas ")) &&
                  (strstr(vi, "ôi có thể ") || strstr(vi, "ôi biết ")) && /* "Bây giờ tôi" */
                  (strstr(vi, "nhưng không thể ") || strstr(vi, "nhưng không biết ")) &&
                  !strstr(vi, "nhưng tôi");
        }
        if (!ok && bad_pair++ < 3)
            CHECKF(false, "'%s' / '%s' / '%s' / '%s'", s.text[L_EN], s.text[L_ES], s.text[L_FR],
                   s.text[L_VI]);
    }
    CHECK_INT(bad_pair, 0);
    int fail_modal = 0;
    for (int i = 0; i < 20000; i++) {
        struct sentence s;
        if (world_sentence(w, &r, K_MODAL, 1u << L_EN, &s) == 0 && strstr(s.text[L_EN], " fail"))
            fail_modal++; /* "I would like to fail my exam" (verbs.txt nomodal) */
    }
    CHECK_INT(fail_modal, 0);
    CHECKF(pairs > 500 && i_can > 0, "%d modal pairs, %d \"I can ..., but I cannot ...\"", pairs,
           i_can);
}

/* Whether s ends with `tail` (and a final . or ?). */
static bool ends_with_phrase(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k + 2 && s[n - k - 2] == ' ' && strncmp(s + n - k - 1, tail, k) == 0;
}

/* Whether s holds any of the words (or phrases) of a NULL-ended list. */
static bool has_any(const char *s, const char *const *words)
{
    if (strncmp(s, "¿", strlen("¿")) == 0) /* "¿Apagaste ...?": the word after it */
        s += strlen("¿");
    for (; *words; words++)
        if (has_phrase(s, *words))
            return true;
    return false;
}

/* The everyday verbs added for the next model, in drawn sentences: where
 * the English has a form of the verb, each language has a right form of it
 * and never a wrong one (a false friend, the wrong auxiliary, a made-up
 * form). */
static void test_common_verbs(const struct world *w)
{
    struct pl_rng r;
    pl_rng_seed(&r, 23);
    struct vcheck {
        const char *const *en; /* the English forms that select a sentence */
        int lang;
        const char *const *good; /* one of these must appear */
        const char *bad;         /* this must not (a substring) */
        const char *also;        /* and the English holds this too */
        int seen, wrong;
    };
    static const char *const en_come[] = {"comes", "came", "has come", "have come", NULL};
    static const char *const es_come[] = {"viene", "vienen", "vino", "vinieron", "vine", "viniste", "vinimos",
                     "ha venido", "han venido", "he venido", "has venido", "hemos venido", NULL};
    static const char *const fr_come[] = {"vient", "viennent", "venu", "venue", "venus", "venues", NULL};
    static const char *const en_fell[] = {"fell", NULL};
    static const char *const fr_fell[] = {"tombé", "tombée", "tombés", "tombées", NULL};
    static const char *const en_off[] = {"turned off", "turns off", "turn off", NULL};
    static const char *const en_on[] = {"turned on", "turns on", "turn on", "turning on", NULL};
    static const char *const es_off[] = {"apagué", "apagaste", "apagó", "apagamos", "apagaron", "apagado", "apaga",
                    "apagas", "apagan", "apago", "apagar", "no apagues", "apagaré", "apagarás", "apagará",
                    "apagaremos", "apagarán", NULL};
    static const char *const vi_off[] = {"tắt", NULL};
    static const char *const en_chose[] = {"chose", NULL};
    static const char *const es_chose[] = {"elegí", "elegiste", "eligió", "elegimos", "eligieron", "elegido", NULL};
    static const char *const en_pass[] = {"passed", "passes", NULL};
    static const char *const fr_pass[] = {"réussi", "réussit", "réussissent", NULL};
    static const char *const es_pass[] = {"aprobó", "aprobaron", "aprobé", "aprobaste", "aprobamos", "aprobado",
                     "aprueba", "aprueban", "apruebo", "apruebas", NULL};
    static const char *const en_tell[] = {"tell", "tells", "told", "telling", NULL};
    static const char *const vi_tell[] = {"nghe", NULL};
    static const char *const en_taught[] = {"taught", "teaches", NULL};
    static const char *const vi_taught[] = {"dạy học", NULL};
    /* the native speakers' review of these verbs */
    static const char *const en_teach[] = {"teach", "teaches", "taught", "teaching", NULL};
    static const char *const es_teach[] = {"clases", NULL};
    static const char *const en_finished[] = {"finished", NULL};
    static const char *const fr_finished[] = {"s'est terminé", "s'est terminée", "se sont terminés",
                                              "se sont terminées", NULL};
    static const char *const en_move[] = {"move", "moves", "moved", "moving", NULL};
    static const char *const vi_move[] = {"chuyển", NULL};
    static const char *const en_exam[] = {"exam", "exams", NULL};
    static const char *const vi_exam[] = {"kỳ thi", NULL};
    static const char *const en_won[] = {"won", "wins", "win", NULL};
    static const char *const es_match[] = {"partido", "partidos", NULL};
    static const char *const en_careful[] = {"careful", NULL};
    static const char *const es_careful[] = {"cuidadoso", "cuidadosa", "cuidadosos", "cuidadosas",
                                             NULL};
    static const char *const en_starts[] = {"starts", "started", "begins", "began", NULL};
    static const char *const fr_cours[] = {"cours", NULL};
    static const char *const vi_class[] = {"buổi học", NULL};
    struct vcheck ck[] = {
        {en_starts, L_FR, fr_cours, "leçon", "lesson", 0, 0},
        {en_starts, L_VI, vi_class, "bài học", "lesson", 0, 0},
        {en_teach, L_ES, es_teach, "enseñ", NULL, 0, 0},
        {en_finished, L_FR, fr_finished, "a fini", NULL, 0, 0},
        {en_move, L_VI, vi_move, "di chuyển", NULL, 0, 0},
        {en_exam, L_VI, vi_exam, "bài kiểm tra", NULL, 0, 0},
        {en_won, L_ES, es_match, "ganó el juego", "match", 0, 0},
        {en_careful, L_ES, es_careful, "prudente", NULL, 0, 0},
        {en_come, L_ES, es_come, "venió", NULL, 0, 0},
        {en_come, L_FR, fr_come, "a venu", NULL, 0, 0},
        {en_fell, L_FR, fr_fell, "a tombé", NULL, 0, 0},
        {en_off, L_ES, es_off, "apagé", NULL, 0, 0},
        {en_off, L_VI, vi_off, "bật", NULL, 0, 0},
        {en_chose, L_ES, es_chose, "elegió", NULL, 0, 0},
        {en_pass, L_FR, fr_pass, "passé l'examen", NULL, 0, 0},
        {en_pass, L_ES, es_pass, "pasó el examen", NULL, 0, 0},
        {en_tell, L_VI, vi_tell, "kể cho bạn câu", "story to", 0, 0},
        {en_taught, L_VI, vi_taught, "dạy dạy", NULL, 0, 0},
    };
    const int n_ck = (int)(sizeof ck / sizeof *ck);
    int fr_unelided = 0, fr_worry = 0;
    for (int i = 0; i < 60000; i++) {
        struct sentence s;
        if (world_sentence(w, &r, -1, 0, &s) != 0)
            continue;
        for (int k = 0; k < n_ck; k++) {
            if (!has_any(s.text[L_EN], ck[k].en) || (ck[k].also && !has_phrase(s.text[L_EN], ck[k].also)))
                continue;
            if (ck[k].en == en_off && has_any(s.text[L_EN], en_on))
                continue; /* "should turn on ..., but not turn off ...": "bật" is right */
            if (ck[k].en == en_careful && strstr(s.text[L_EN], "Be careful"))
                continue; /* the phrase: "¡Ten cuidado!" */
            ck[k].seen++;
            const char *t = s.text[ck[k].lang];
            if (!has_any(t, ck[k].good) || strstr(t, ck[k].bad)) {
                ck[k].wrong++;
                if (ck[k].wrong <= 3)
                    fprintf(stderr, "common verb: %s / %s\n", s.text[L_EN], t);
            }
        }
        /* "s'inquiéter": the pronoun elides ("il s'inquiète", "elle s'est
         * inquiétée") */
        const char *fr = s.text[L_FR];
        if (strstr(fr, "inquièt") || strstr(fr, "inquiét")) {
            fr_worry++;
            if (strstr(fr, " me inqui") || strstr(fr, " te inqui") || strstr(fr, " se inqui") ||
                strstr(fr, "a inquiété") || strstr(fr, "ai inquiété")) {
                fr_unelided++;
                fprintf(stderr, "s'inquiéter: %s\n", fr);
            }
        }
    }
    for (int k = 0; k < n_ck; k++) {
        CHECKF(ck[k].seen >= 5, "common verb check %d (%s): only %d sentences", k, ck[k].en[0],
               ck[k].seen);
        CHECKF(ck[k].wrong == 0, "common verb check %d (%s, lang %d): %d of %d wrong", k,
               ck[k].en[0], ck[k].lang, ck[k].wrong, ck[k].seen);
    }
    CHECKF(fr_worry >= 5 && fr_unelided == 0, "s'inquiéter: %d of %d without elision",
           fr_unelided, fr_worry);
}

/* Text as people type it: always changed, always the same sentence. */
static void test_casual(const struct world *w)
{
    struct pl_rng r, rc;
    pl_rng_seed(&r, 5);
    pl_rng_seed(&rc, 6);
    int same = 0, other = 0, lower = 0, nostop = 0, spaces = 0, british = 0, contr = 0;
    for (int i = 0; i < 3000; i++) {
        struct sentence s;
        if (world_sentence(w, &r, -1, 1u << L_EN, &s) != 0)
            continue;
        char typed[1024], a[1024], b[1024];
        snprintf(typed, sizeof typed, "%s", s.text[L_EN]);
        world_casual(&rc, typed, sizeof typed);
        same += strcmp(typed, s.text[L_EN]) == 0;
        snprintf(a, sizeof a, "%s", typed);
        snprintf(b, sizeof b, "%s", s.text[L_EN]);
        canon(a);
        canon(b);
        if (strcmp(a, b) != 0) {
            other++;
            fprintf(stderr, "casual: '%s' from '%s'\n", typed, s.text[L_EN]);
        }
        lower += !world_upper_first(typed) && world_upper_first(s.text[L_EN]);
        nostop += !strchr(".?!", typed[strlen(typed) - 1]);
        spaces += strstr(typed, "  ") != NULL;
        british += strstr(typed, "colour") || strstr(typed, "grey") || strstr(typed, "neighbour");
        contr += strstr(typed, "'") != NULL && !strstr(s.text[L_EN], "'");
    }
    CHECK_INT(same, 0);
    CHECK_INT(other, 0);
    CHECKF(lower > 300 && nostop > 300 && spaces > 100 && british > 5 && contr > 100,
           "lower %d, no stop %d, double spaces %d, British %d, contracted %d", lower, nostop,
           spaces, british, contr);
    /* both ways: made and undone */
    char s1[128] = "It's cold and I don't like it.", s2[128];
    int undone = 0;
    for (int i = 0; i < 200; i++) {
        snprintf(s2, sizeof s2, "%s", s1);
        world_casual(&rc, s2, sizeof s2);
        undone += strstr(s2, "do not") != NULL || strstr(s2, "t is") != NULL;
    }
    CHECKF(undone > 20, "%d contractions undone", undone);
    /* the apostrophe left out of a contraction, never out of a possessive
     * or where it would make another word */
    char s3[128] = "I'm sure it's the teacher's pen, but we're late and I don't know.", s4[128];
    int dropped = 0;
    for (int i = 0; i < 400; i++) {
        snprintf(s4, sizeof s4, "%s", s3);
        world_casual(&rc, s4, sizeof s4);
        dropped += strstr(s4, "dont") != NULL || strstr(s4, "Im ") != NULL ||
                   strstr(s4, "im ") != NULL;
        CHECKF(strstr(s4, "teacher's") && !strstr(s4, "were late"), "'%s'", s4);
    }
    CHECKF(dropped > 40, "%d of 400 without apostrophes", dropped);
}

/* Many random sentences of every kind: nothing the review or common sense
 * ruled out appears, and what it asked for does. */
/* Common words of everyday and classroom English (vocab3): a known form in
 * each language, and the wrong form never drawn. */
static int ADV(const struct world *w, const char *id)
{
    for (int a = 0; a < w->n_advs; a++)
        if (strcmp(w->advs[a].id, id) == 0)
            return a;
    CHECKF(false, "no adverb '%s'", id);
    return -1;
}

static void test_common_words(const struct world *w)
{
    struct sentence s = {.langs = (1u << N_LANG) - 1};
    struct subj i = {.pron = P(w, "i")}, she = {.pron = P(w, "she")};
    world_describe(w, &i, A(w, "tired"), T_PRES, -1, false, false, false, VERY_SO, &s);
    check_sentence(&s, "I am so tired.", "Estoy muy cansado.", "Je suis tellement fatigué.",
                   "Tôi mệt quá.");
    world_describe(w, &she, A(w, "hungry"), T_PRES, -1, false, false, false, VERY_SO, &s);
    check_sentence(&s, "She is so hungry.", "Tiene mucha hambre.", "Elle a tellement faim.",
                   "Cô ấy đói quá.");
    world_describe(w, &i, A(w, "afraid"), T_PRES, -1, false, false, false, VERY_REALLY, &s);
    check_sentence(&s, "I am really afraid.", "Tengo mucho miedo.", "J'ai vraiment peur.",
                   "Tôi thật sự sợ.");

    struct clause c;
    clause_init(&c, V(w, "sing"));
    c.s.pron = she.pron;
    c.tense = T_PRES;
    c.adv = ADV(w, "well");
    check_clause(w, &c, "She sings well.", "Ella canta bien.", "Elle chante bien.",
                 "Cô ấy hát hay.");
    clause_init(&c, V(w, "go"));
    c.s.pron = P(w, "we");
    c.tense = T_FUT;
    c.dest = world_place_index(w, "party");
    c.time = world_time_index(w, "tomorrow");
    check_clause(w, &c, "We will go to the party tomorrow.", "Iremos a la fiesta mañana.",
                 "Nous irons à la fête demain.", "Ngày mai chúng tôi sẽ đi dự tiệc.");

    check_kind(w, K_FAVORITE, "My favorite subject is history.",
               "Mi asignatura favorita es la historia.", "Ma matière préférée est l'histoire.",
               "Môn học yêu thích của tôi là lịch sử.");

    /* drawn: "again" never negated ("not ... again" is "no longer"), "the
     * present" a cadeau and never a "presente", "a high mountain" une haute
     * montagne */
    struct pl_rng r;
    pl_rng_seed(&r, 5);
    int again = 0, again_neg = 0, present = 0, present_bad = 0, high = 0, high_bad = 0;
    for (int k = 0; k < 60000; k++) {
        if (world_sentence(w, &r, -1, 0, &s) != 0)
            continue;
        const char *en = s.text[L_EN], *es = s.text[L_ES], *fr = s.text[L_FR];
        if (strstr(en, " again")) {
            again++;
            again_neg += strstr(en, " not ") || strstr(es, "No ") || strstr(es, " no ");
        }
        if (strstr(en, " present")) {
            present++;
            present_bad += !strstr(es, "regalo") || !strstr(fr, "cadeau") ||
                           !strstr(s.text[L_VI], "quà");
        }
        if (strstr(en, "high")) {
            high++;
            high_bad += !strstr(fr, "haut");
        }
    }
    CHECKF(again > 0 && again_neg == 0, "%d sentences say again, %d of them negated", again,
           again_neg);
    CHECKF(present > 0 && present_bad == 0, "%d sentences say present, %d of them wrongly",
           present, present_bad);
    CHECKF(high > 0 && high_bad == 0, "%d sentences say high, %d of them without haut", high,
           high_bad);
}

static void test_pool(const struct world *w)
{
    struct pl_rng r;
    pl_rng_seed(&r, 11);
    /* English words of permanent traits (ser adjectives that no estar one shares) */
    const char *traits[128];
    int n_traits = 0;
    for (int a = 0; a < w->n_adjs && n_traits < 128; a++) {
        bool state = false;
        for (int b = 0; b < w->n_adjs; b++)
            state |= (w->adjs[b].es_estar || w->adjs[b].es_tener) &&
                     strcmp(w->adjs[b].en, w->adjs[a].en) == 0;
        if (!state && w->adjs[a].kind != AK_ATTR)
            traits[n_traits++] = w->adjs[a].en;
    }
    /* "poor today", ...: each trait before each time phrase, made once */
    static char tails[8192][256];
    int n_tails = 0;
    for (int t = 0; t < w->n_times; t++) {
        char phrase[160];
        world_time_phrase(w, t, false, L_EN, phrase, sizeof phrase);
        for (int a = 0; a < n_traits && n_tails < 8192; a++)
            snprintf(tails[n_tails++], sizeof tails[0], "%s %s", traits[a], phrase);
    }
    CHECK(n_tails < 8192);
    /* "dì họ", ...: a Vietnamese relative bare before a pronoun but tôi/chúng tôi */
    static char bare[1024][128];
    int n_bare = 0;
    for (int n = 0; n < w->n_nouns; n++)
        for (int k = 0; k < w->n_prons && (w->nouns[n].flags & NF_VDIRECT) && n_bare < 1024; k++)
            if (w->prons[k].person != P_1SG && w->prons[k].person != P_1PL)
                snprintf(bare[n_bare++], sizeof bare[0], "%s %s", w->nouns[n].vi,
                         w->prons[k].vi);
    CHECK(n_bare > 10 && n_bare < 1024);
    static const char *const poss[] = {"my", "your", "his", "her", "our", "their"};
    int snow = 0, snow_bad = 0, trait_time = 0, spouse = 0, owned_people = 0, vi_kin = 0,
        vi_happy = 0, vi_not_happy = 0, es_q_pron = 0, es_today_pret = 0, es_today_perf = 0,
        es_ayer_estaba = 0, es_ayer_estuve = 0, es_thing_estaba = 0, es_loc_pron = 0,
        fr_courses = 0,
        family_pron = 0;
    for (int i = 0; i < 40000; i++) {
        struct sentence s;
        /* every eighth a location, so that the rare "estaba ... ayer" of a
         * thing shows up however the other kinds draw */
        if (world_sentence(w, &r, i % 8 ? -1 : K_LOCATION, 0, &s) != 0)
            continue;
        const char *en = s.text[L_EN], *es = s.text[L_ES], *fr = s.text[L_FR], *vi = s.text[L_VI];
        /* no snow in Hanoi or Ho Chi Minh City, none in summer */
        if (strstr(en, "snow")) {
            snow++;
            bool bad = strstr(en, "Hanoi") || strstr(en, "Ho Chi Minh") ||
                       strstr(en, "summer") || strstr(en, "June") || strstr(en, "July") ||
                       strstr(en, "August");
            if (bad)
                fprintf(stderr, "snow: %s\n", en);
            snow_bad += bad;
        }
        /* no time phrase on a permanent trait ("very poor today") */
        for (int t = 0; t < n_tails && (s.kind == K_DESCRIBE || s.kind == K_POSSESSIVE); t++)
            if (ends_with_phrase(en, tails[t])) {
                trait_time++;
                fprintf(stderr, "trait with a time: %s\n", en);
            }
        /* no plural possessor with a spouse, no people as possessions */
        if (has_phrase(en, "our wife") || has_phrase(en, "their wife") ||
            has_phrase(en, "our husband") || has_phrase(en, "their husband")) {
            spouse++;
            fprintf(stderr, "spouse: %s\n", en);
        }
        char low[768];
        snprintf(low, sizeof low, "%s", en);
        world_case_first(low, false);
        char *tok[64];
        int nt = 0;
        for (char *t = strtok(low, " .,?!"); t && nt < 64; t = strtok(NULL, " .,?!"))
            tok[nt++] = t;
        for (int k = 0; k + 1 < nt; k++) {
            bool p = false;
            for (size_t j = 0; j < sizeof poss / sizeof *poss; j++)
                p |= strcmp(tok[k], poss[j]) == 0;
            if (!p)
                continue;
            /* "my king", "my old king", not "my aunt's king" */
            int d = 1;
            for (int a = 0; a < w->n_adjs && k + 2 < nt; a++)
                if (strcmp(tok[k + 1], w->adjs[a].en) == 0)
                    d = 2;
            if (k + d >= nt)
                continue;
            for (int n = 0; n < w->n_nouns; n++) {
                const struct wnoun *nn = &w->nouns[n];
                for (int f = 0; f < 2 && (nn->flags & NF_NOPOSS); f++)
                    if (nn->en[f] && strcmp(tok[k + d], nn->en[f]) == 0 &&
                        !(k + d + 1 < nt && strcmp(tok[k + d + 1], "cream") == 0)) {
                        owned_people++;
                        fprintf(stderr, "owned: %s\n", en);
                    }
            }
        }
        /* vi: a relative of anyone but "tôi" takes "của" */
        for (int k = 0; k < n_bare; k++)
            if (has_phrase(vi, bare[k])) {
                vi_kin++;
                fprintf(stderr, "vi kin: %s\n", vi);
            }
        if (strstr(vi, "không vui vẻ")) {
            vi_happy++;
            fprintf(stderr, "vi: %s\n", vi);
        }
        vi_not_happy += strstr(vi, "không vui.") != NULL;
        /* es: no subject pronoun in a question, nor with a copula */
        es_q_pron += strncmp(es, "¿Él ", strlen("¿Él ")) == 0 ||
                     strncmp(es, "¿Ella ", strlen("¿Ella ")) == 0 ||
                     strncmp(es, "¿Ellos ", strlen("¿Ellos ")) == 0;
        es_loc_pron += (s.kind == K_LOCATION || s.kind == K_DESCRIBE) &&
                       (strncmp(es, "Él está", strlen("Él está")) == 0 ||
                        strncmp(es, "Ella está", strlen("Ella está")) == 0 ||
                        strncmp(es, "Ellos están", strlen("Ellos están")) == 0);
        /* es: the past of today is the perfect; a copula on another day the preterite */
        if ((strstr(es, " hoy") || strstr(es, "esta mañana")) && strstr(en, " was ") == NULL &&
            (s.kind == K_ACTION || s.kind == K_MOTION || s.kind == K_WEATHER ||
             s.kind == K_INTRANSITIVE)) {
            bool past = strstr(en, "did ") || strstr(en, "ed ") || strstr(en, "ed.") ||
                        strstr(en, " went") || strstr(en, " ate") || strstr(en, " bought");
            if (past && !strstr(en, " was ") && !strstr(en, " is ")) {
                es_today_perf += strstr(es, " ha ") || strstr(es, " he ") ||
                                 strstr(es, " has ") || strstr(es, " hemos ") ||
                                 strstr(es, " han ") || strncmp(es, "He ", 3) == 0 ||
                                 strncmp(es, "Has ", 4) == 0 || strncmp(es, "Hemos ", 6) == 0 ||
                                 strncmp(es, "Ha ", 3) == 0 || strncmp(es, "Han ", 4) == 0;
                es_today_pret += strstr(es, " hizo ") || strstr(es, " fue ") ||
                                 strstr(es, " llovió") || strstr(es, " comió ");
            }
        }
        /* a person's day is bounded ("Ayer estuve en casa"); where a thing
         * was is a state ("La llave estaba sobre la mesa ayer"): the rule is
         * checked on pronoun subjects, which are people */
        static const char *const was[] = {"i was", "I was", "you were", "he was", "she was",
                                          "we were", "they were"};
        bool person_was = false;
        for (size_t k = 0; k < sizeof was / sizeof *was; k++)
            person_was |= has_phrase(en, was[k]);
        if (strstr(es, "ayer") && person_was) {
            es_ayer_estaba += strstr(es, "estaba") != NULL;
            es_ayer_estuve += strstr(es, "estuv") != NULL;
        }
        if (s.kind == K_LOCATION && strstr(es, "ayer") &&
            (strstr(en, "on the table") || strstr(en, "on the bed") || strstr(en, "on the sofa") ||
             strstr(en, "on the chair") || strstr(en, "under the ") ||
             strstr(en, "next to the ") || strstr(en, "behind the ") ||
             strstr(en, "in front of the ")))
            es_thing_estaba += strstr(es, "estaba") && !strstr(es, "estuv");
        fr_courses += strstr(fr, "les courses") != NULL;
        /* no pronoun stands for a family ("My family eats because she is hungry") */
        const char *fam = strstr(en, "family ");
        if (fam && fam - en < 8 && (strstr(en, "because she") || strstr(en, "because he") ||
                                    strstr(en, "but she") || strstr(en, "but he") ||
                                    strstr(en, "family loves her") ||
                                    strstr(en, "family loves his"))) {
            family_pron++;
            fprintf(stderr, "family: %s\n", en);
        }
    }
    CHECKF(snow > 50, "%d sentences with snow", snow);
    CHECK_INT(snow_bad, 0);
    CHECK_INT(trait_time, 0);
    CHECK_INT(spouse, 0);
    CHECK_INT(owned_people, 0);
    CHECK_INT(vi_kin, 0);
    CHECK_INT(vi_happy, 0);
    CHECKF(vi_not_happy > 0, "no \"không vui\"");
    CHECK_INT(es_q_pron, 0);
    CHECK_INT(es_loc_pron, 0);
    CHECKF(es_today_perf > 10, "%d perfects with hoy / esta mañana", es_today_perf);
    CHECK_INT(es_today_pret, 0);
    CHECK_INT(es_ayer_estaba, 0);
    CHECKF(es_ayer_estuve > 2, "%d preterites of estar with ayer", es_ayer_estuve);
    CHECKF(es_thing_estaba > 0, "%d things that estaban somewhere yesterday", es_thing_estaba);
    CHECK_INT(fr_courses, 0);
    CHECK_INT(family_pron, 0);

    /* "visit" takes only places and people */
    for (int i = 0; i < w->n_verbs; i++) {
        const struct wverb *v = &w->verbs[i];
        if (strcmp(v->en[0], "visit") != 0)
            continue;
        for (int k = 0; k < v->obj.n; k++) {
            const char *cat = w->nouns[v->obj.ix[k]].cat;
            CHECKF(!strcmp(cat, "people") || !strcmp(cat, "family") || !strcmp(cat, "places"),
                   "verb %s visits %s", v->id, w->nouns[v->obj.ix[k]].id);
        }
    }
    /* rivers, lakes and seas hold only what lives there */
    for (int p = 0; p < w->n_places; p++) {
        const struct wplace *pl = &w->places[p];
        bool nature = false, water = false;
        for (int k = 0; k < pl->n_tags; k++) {
            nature |= strcmp(pl->tags[k], "nature") == 0;
            water |= strcmp(pl->tags[k], "water") == 0;
        }
        if (!nature || !water)
            continue;
        for (int k = 0; k < pl->holds.n; k++)
            CHECKF(strcmp(w->nouns[pl->holds.ix[k]].cat, "animals") == 0, "%s holds %s",
                   pl->id, w->nouns[pl->holds.ix[k]].id);
    }
}

/* ---- idioms as verb phrases (idioms.txt vp) ---- */

/* Whether s holds one of the four English forms of verb v. */
static bool has_verb_form(const struct wverb *v, const char *s)
{
    for (int k = 0; k < 4; k++)
        if (has_phrase(s, v->en[k]))
            return true;
    return false;
}

/* An idiom said as a verb phrase is conjugated like any verb: the same
 * clause with its idiomatic, literal and meaning verbs. */
static void test_idiom_vp(const struct world *w)
{
    struct clause c;
    clause_init(&c, V(w, "kick_bucket"));
    c.s.np = np_make(N(w, "grandfather"), D_POSS, false, -1);
    c.s.np.poss = P(w, "i");
    c.tense = T_PAST;
    c.time = world_time_index(w, "last_year");
    check_clause(w, &c, "My grandfather kicked the bucket last year.",
                 "Mi abuelo estiró la pata el año pasado.",
                 "Mon grand-père a cassé sa pipe l'année dernière.",
                 "Năm ngoái ông tôi đã ngỏm củ tỏi.");
    /* French forms that change with the person, also in the passé composé */
    clause_init(&c, V(w, "kick_bucket"));
    c.s.pron = P(w, "i");
    c.tense = T_PAST;
    c.neg = true;
    check_clause(w, &c, "I did not kick the bucket.", "No estiré la pata.",
                 "Je n'ai pas cassé ma pipe.", "Tôi đã không ngỏm củ tỏi.");
    /* a Spanish reflexive in the perfect of today; French être agrees */
    clause_init(&c, V(w, "let_cat_out"));
    c.s.pron = P(w, "i");
    c.tense = T_PAST;
    c.time = world_time_index(w, "this_morning");
    check_clause(w, &c, "I let the cat out of the bag this morning.",
                 "Me he ido de la lengua esta mañana.", "J'ai vendu la mèche ce matin.",
                 "Sáng nay tôi đã lỡ miệng để lộ bí mật.");
    clause_init(&c, V(w, "cold_feet"));
    c.s.pron = P(w, "she");
    c.tense = T_PAST;
    c.neg = true;
    check_clause(w, &c, "She did not get cold feet.", "Ella no se echó atrás.",
                 "Elle ne s'est pas dégonflée.", "Cô ấy đã không chùn bước.");
    /* a reflexive's pronoun before estar when its gerund does not carry it */
    clause_init(&c, V(w, "beat_bush"));
    c.s.pron = P(w, "i");
    c.tense = T_PROG;
    check_clause(w, &c, "I am beating around the bush.", "Me estoy andando por las ramas.",
                 "Je tourne autour du pot.", "Tôi đang vòng vo tam quốc.");
    clause_init(&c, V(w, "stay"));
    c.s.pron = P(w, "i");
    c.tense = T_PROG;
    c.loc = world_place_index(w, "home");
    struct sentence st;
    st.langs = 1u << L_ES;
    world_clause(w, &c, &st);
    CHECKF(strncmp(st.text[L_ES], "Estoy quedándo", strlen("Estoy quedándo")) == 0, "%s",
           st.text[L_ES]);
    clause_init(&c, V(w, "hit_sack_lit"));
    c.s.pron = P(w, "we");
    c.tense = T_FUT;
    check_clause(w, &c, "We will hit the sack.", "Golpearemos el saco.",
                 "Nous frapperons le sac.", "Chúng tôi sẽ đánh cái bao.");
    /* a meaning is English only: nothing else is written */
    clause_init(&c, V(w, "kick_bucket_meaning"));
    c.s.pron = P(w, "he");
    c.tense = T_PAST;
    struct sentence m;
    m.langs = (1u << N_LANG) - 1;
    world_clause(w, &c, &m);
    CHECK_STR(m.text[L_EN], "He died.");
    CHECK_STR(m.text[L_ES], "");

    /* an idiom as a predicate is a state like any other */
    struct subj dad = {.pron = -1};
    dad.np = np_make(N(w, "father"), D_POSS, false, -1);
    dad.np.poss = P(w, "i");
    struct sentence d;
    d.langs = (1u << N_LANG) - 1;
    world_describe(w, &dad, A(w, "under_weather"), T_PAST, world_time_index(w, "last_night"),
                   false, false, false, 0, &d);
    CHECK_STR(d.text[L_EN], "My father was under the weather last night.");
    CHECK_STR(d.text[L_ES], "Mi padre estuvo pachucho anoche.");
    CHECK_STR(d.text[L_FR], "Mon père était patraque hier soir.");
    CHECK_STR(d.text[L_VI], "Tối qua bố tôi không được khỏe.");

    /* world_idiom_use: one subject, tense and time, three verbs or adjectives */
    struct pl_rng r;
    pl_rng_seed(&r, 5);
    int n_vp = 0, n_pred = 0, tenses = 0;
    for (int i = 0; i < w->n_idioms; i++) {
        const struct widiom *id = &w->idioms[i];
        if (id->pred[0] >= 0) {
            n_pred++;
            for (int k = 0; k < 50; k++) {
                struct sentence u[3];
                CHECK(world_idiom_use(w, &r, id, u) == 0);
                CHECKF(strstr(u[0].text[L_EN], w->adjs[id->pred[0]].en) &&
                           strstr(u[2].text[L_EN], w->adjs[id->pred[2]].en),
                       "%s -> %s", u[0].text[L_EN], u[2].text[L_EN]);
                for (int l = L_ES; l < N_LANG; l++)
                    CHECKF(*u[0].text[l] && strcmp(u[0].text[l], u[1].text[l]), "%s: '%s'",
                           u[0].text[L_EN], u[0].text[l]);
            }
        }
        if (id->vp[0] < 0)
            continue;
        n_vp++;
        for (int k = 0; k < 100; k++) {
            struct sentence u[3];
            CHECK(world_idiom_use(w, &r, id, u) == 0);
            const char *en = u[0].text[L_EN], *mean = u[2].text[L_EN];
            CHECKF(has_verb_form(&w->verbs[id->vp[0]], en), "%s: %s", id->en, en);
            CHECKF(has_verb_form(&w->verbs[id->vp[2]], mean) ||
                       strstr(mean, w->verbs[id->vp[2]].en[0]),
                   "%s: %s -> %s", id->en, en, mean);
            size_t subj = strcspn(en, " ");
            CHECKF(strncmp(en, mean, subj) == 0, "%s -> %s", en, mean);
            for (int l = L_ES; l < N_LANG; l++)
                CHECKF(*u[0].text[l] && *u[1].text[l] && strcmp(u[0].text[l], u[1].text[l]),
                       "%s: '%s' / '%s'", en, u[0].text[l], u[1].text[l]);
            tenses |= strstr(en, " will ") ? 1 : strstr(en, " did not ") ? 2 : 4;
            /* "kick the bucket" is said of others */
            if (w->verbs[id->vp[0]].uses & VU_THIRD)
                CHECKF(strncmp(en, "I ", 2) && strncmp(en, "You ", 4) && strncmp(en, "We ", 3),
                       "%s", en);
        }
    }
    CHECKF(n_vp >= 10, "%d idioms with a verb phrase", n_vp);
    CHECKF(n_pred >= 4, "%d idioms with a predicate", n_pred);
    CHECK_INT(tenses, 7);

    /* ordinary sentences never use an idiom's verbs */
    int leaks = 0;
    for (int i = 0; i < 20000; i++) {
        struct sentence s;
        if (world_sentence(w, &r, -1, 1u << L_EN, &s) != 0)
            continue;
        for (int k = 0; k < w->n_idioms; k++) {
            const struct widiom *id = &w->idioms[k];
            bool in = id->pred[0] >= 0 && strstr(s.text[L_EN], w->adjs[id->pred[0]].en);
            for (int j = 0; j < 3 && id->vp[0] >= 0; j++)
                in |= has_verb_form(&w->verbs[id->vp[j]], s.text[L_EN]);
            if (in && leaks++ < 3)
                fprintf(stderr, "idiom verb or predicate in: %s\n", s.text[L_EN]);
        }
    }
    CHECK_INT(leaks, 0);

    /* the corpus says them: every such idiom in other subjects than the
     * written ones, and the explanation is the meaning of the same clause */
    struct world_gen *g = NULL;
    struct pl_err e = {0};
    CHECK(world_gen_init(w, 3, WORLD_TRAIN, &g, &e) == 0);
    int gen_seen[256] = {0}, explained = 0, unseen_split = 0, uses = 0;
    for (int i = 0; g && i < 30000; i++) {
        struct world_example ex;
        if (world_gen_next(g, &ex, &e) != 0) {
            CHECKF(false, "%s", e.msg);
            break;
        }
        /* every use alone in train is a train sentence (verb phrase or predicate) */
        bool alone = strcmp(ex.kind, "idiom-use") == 0;
        uses += alone;
        if (alone && !ex.casual && world_sentence_split(ex.text) != WORLD_TRAIN &&
            unseen_split++ < 3)
            fprintf(stderr, "not a train sentence: %s\n", ex.text);
        if (!strstr(ex.kind, "idiom"))
            continue;
        for (int k = 0; k < w->n_idioms && k < 256; k++) {
            const struct widiom *id = &w->idioms[k];
            if (id->vp[0] < 0 || !has_verb_form(&w->verbs[id->vp[0]], ex.text))
                continue;
            bool written = strstr(ex.text, id->en) != NULL;
            for (int u = 0; u < id->n_uses; u++)
                written |= strstr(ex.text, id->uses[u].en) != NULL;
            char bare[256];
            snprintf(bare, sizeof bare, "%s", id->en);
            bare[strlen(bare) - 1] = 0; /* framed: no full stop */
            written |= strstr(ex.text, bare + 1) != NULL;
            if (written || (id->core.en && strcmp(ex.text, id->core.en) == 0))
                continue;
            gen_seen[k]++;
            if (strcmp(ex.task, "explain") == 0)
                explained += has_verb_form(&w->verbs[id->vp[2]], ex.target) &&
                             !has_verb_form(&w->verbs[id->vp[0]], ex.target);
        }
    }
    world_gen_free(g);
    for (int k = 0; k < w->n_idioms && k < 256; k++)
        if (w->idioms[k].vp[0] >= 0)
            CHECKF(gen_seen[k] >= 3, "%s: %d generated uses", w->idioms[k].en, gen_seen[k]);
    CHECKF(explained > 5, "%d explanations of generated uses", explained);
    CHECK_INT(unseen_split, 0); /* a bare use of valid or test is never trained on */
    CHECKF(uses > 20, "%d uses alone in train", uses);

    /* test holds uses alone too, each a test sentence (REPORT's idiom-use rows) */
    CHECK(world_gen_init(w, 4, WORLD_TEST, &g, &e) == 0);
    int test_uses = 0, wrong_split = 0;
    for (int i = 0; g && i < 6000; i++) {
        struct world_example ex;
        if (world_gen_next(g, &ex, &e) != 0) {
            CHECKF(false, "%s", e.msg);
            break;
        }
        if (strcmp(ex.kind, "idiom-use") != 0)
            continue;
        test_uses++;
        wrong_split += !ex.casual && world_sentence_split(ex.text) != WORLD_TEST;
        for (int k = 0; k < w->n_idioms; k++) /* never a written form: those are trained */
            wrong_split += strcmp(ex.text, w->idioms[k].en) == 0;
    }
    world_gen_free(g);
    CHECKF(test_uses > 10, "%d uses alone in test", test_uses);
    CHECK_INT(wrong_split, 0);

    /* the lines are checked */
    check_refused("idioms.txt", "vp           kick_bucket kick_bucket_lit kick_bucket_meaning",
                  "vp           kick_bucket kick_bucket_lit", "vp names three verbs", NULL);
    check_refused("idioms.txt", "vp           kick_bucket kick_bucket_lit kick_bucket_meaning",
                  "vp           kick_bucket eat kick_bucket_meaning",
                  "'eat' is no verb with uses idiom", NULL);
    check_refused("idioms.txt", "pred         hot_water hot_water_lit hot_water_meaning",
                  "pred         hot_water tired hot_water_meaning",
                  "'tired' is no adjective of kind idiom", NULL);
    check_refused("verbs.txt", "uses     meaning\nen       die,",
                  "uses     meaning\nvi       chết\nen       die,", "a meaning has only", NULL);
    check_refused("verbs.txt", "verb     kick_bucket\nsubject  people\n",
                  "verb     kick_bucket\n", "idioms.txt:",
                  "'kick_bucket' needs a subject and tenses");
    check_refused("verbs.txt", "uses     idiom third\n", "uses     idiom meaning\n",
                  "verbs.txt:", "not both");
    check_refused("verbs.txt", "uses     idiom third\n", "uses     state third\n",
                  "verbs.txt:", "third is for an idiom's verb");
    check_refused("reasons.txt", "| eat        |", "| kick_bucket |", "reasons.txt:",
                  "an idiom's verb or predicate");
}

/* ---- the corpus ---- */

static uint64_t file_hash(const char *dir, const char *name)
{
    char path[512], *text;
    size_t len;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (pl_read_file(path, &text, &len, NULL) != 0)
        return 0;
    uint64_t h = world_hash(text) ^ len;
    free(text);
    return h;
}

static const char *const outputs[] = {
    "train.jsonl", "valid.jsonl", "test.jsonl", "softA_train.jsonl", "softA_test.jsonl",
    "softB_train.jsonl", "softB_test.jsonl", "classify_train.jsonl", "classify_valid.jsonl",
};
#define N_OUTPUTS (sizeof outputs / sizeof *outputs)

static void remove_corpus(const char *dir)
{
    for (size_t i = 0; i < N_OUTPUTS; i++) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, outputs[i]);
        unlink(p);
    }
    rmdir(dir);
}

/* The English sentence inside a model input, found by matching the input
 * against every phrasing; *heldout tells whether that phrasing is held out. */
static bool english_of_task(const struct world *w, const char *source, char *out, size_t cap,
                            bool *heldout, int *task, int *language);

static bool english_of(const struct world *w, const char *source, char *out, size_t cap,
                       bool *heldout)
{
    int task, lang;
    return english_of_task(w, source, out, cap, heldout, &task, &lang);
}

/* english_of, and the task and target language (L_EN when none) of the
 * phrasing. */
static bool english_of_task(const struct world *w, const char *source, char *out, size_t cap,
                            bool *heldout, int *task, int *language)
{
    for (int i = 0; i < w->n_phr; i++) {
        const struct wphrasing *p = &w->phr[i];
        for (int l = L_ES; l < N_LANG; l++) {
            char tmpl[512];
            /* expand {language} */
            const char *lang = world_lang_names[l], *t = p->text;
            size_t n = 0;
            while (*t && n + 32 < sizeof tmpl) {
                if (strncmp(t, "{language}", 10) == 0) {
                    n += (size_t)snprintf(tmpl + n, sizeof tmpl - n, "%s", lang);
                    t += 10;
                } else {
                    tmpl[n++] = *t++;
                }
            }
            tmpl[n] = 0;
            char *at = strstr(tmpl, "{source}");
            size_t pre = (size_t)(at - tmpl), post = strlen(at + 8), len = strlen(source);
            if (len > pre + post && strncmp(source, tmpl, pre) == 0 &&
                strcmp(source + len - post, at + 8) == 0) {
                size_t k = len - pre - post;
                if (k >= cap)
                    k = cap - 1;
                memcpy(out, source + pre, k);
                out[k] = 0;
                *heldout = p->heldout;
                *task = p->task;
                *language = strstr(p->text, "{language}") ? l : L_EN;
                return true;
            }
            if (!strstr(p->text, "{language}"))
                break;
        }
    }
    return false;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_tag(const struct jsonl_record *r, const char *tag)
{
    for (int i = 0; i < r->n_tags; i++)
        if (strcmp(r->tags[i], tag) == 0)
            return true;
    return false;
}
/* An explanation: an idiom example without a literal rendering. */
static bool is_explain(const struct jsonl_record *r)
{
    return (has_tag(r, "idiom") || has_tag(r, "idiom-frame")) && r->literal == NULL;
}

static void test_corpus(const struct world *w)
{
    char d1[] = "/tmp/test_world_a.XXXXXX", d2[] = "/tmp/test_world_b.XXXXXX",
         d3[] = "/tmp/test_world_c.XXXXXX";
    CHECK(mkdtemp(d1) && mkdtemp(d2) && mkdtemp(d3));
    struct world_corpus_params p;
    world_corpus_params_default(&p);
    p.seed = 7;
    p.n_train = 10000;
    p.n_valid = 400;
    p.n_test = 400;
    struct world_corpus_report r1, r2, r3;
    struct pl_err e = {0};
    CHECKF(world_corpus_write(w, &p, d1, &r1, &e) == 0, "%s", e.msg);
    CHECKF(world_corpus_write(w, &p, d2, &r2, &e) == 0, "%s", e.msg);
    p.seed = 8;
    CHECKF(world_corpus_write(w, &p, d3, &r3, &e) == 0, "%s", e.msg);
    CHECK_INT(r1.n_train, 10000);
    CHECK_INT(r1.n_valid, 400);
    CHECK_INT(r1.n_test, 400);
    CHECK_INT(r1.n_softa_train, 100);
    CHECK_INT(r1.n_softa_test, 100);
    CHECK_INT(r1.n_classify_train, 100 * w->n_labels);

    /* same seed, same files; another seed, other files */
    for (size_t i = 0; i < N_OUTPUTS; i++) {
        uint64_t a = file_hash(d1, outputs[i]), b = file_hash(d2, outputs[i]);
        CHECKF(a != 0 && a == b, "%s differs between two runs with one seed", outputs[i]);
    }
    CHECK(file_hash(d1, "train.jsonl") != file_hash(d3, "train.jsonl"));
    CHECK(file_hash(d1, "test.jsonl") != file_hash(d3, "test.jsonl"));

    /* every line is read back by the JSONL reader */
    struct jsonl_set train = {0}, valid = {0}, test = {0};
    char path[512];
    snprintf(path, sizeof path, "%s/train.jsonl", d1);
    CHECKF(jsonl_read(path, &train, &e) == 0, "%s", e.msg);
    snprintf(path, sizeof path, "%s/valid.jsonl", d1);
    CHECKF(jsonl_read(path, &valid, &e) == 0, "%s", e.msg);
    snprintf(path, sizeof path, "%s/test.jsonl", d1);
    CHECKF(jsonl_read(path, &test, &e) == 0, "%s", e.msg);
    CHECK_INT(train.n, 10000);

    /* the English of every train example; no held-out phrasing in train */
    char **seen = calloc((size_t)train.n, sizeof *seen);
    int n_seen = 0, unmatched = 0, held_in_train = 0, idioms = 0, classify = 0;
    for (int i = 0; i < train.n; i++) {
        char en[1024];
        bool held;
        if (!english_of(w, train.rec[i].source, en, sizeof en, &held)) {
            unmatched++;
            continue;
        }
        held_in_train += held;
        canon(en);
        seen[n_seen++] = strdup(en);
        for (int t = 0; t < train.rec[i].n_tags; t++)
            idioms += strncmp(train.rec[i].tags[t], "idiom", 5) == 0;
        classify += train.rec[i].label != NULL;
    }
    CHECK_INT(unmatched, 0);
    CHECK_INT(held_in_train, 0);
    /* idioms as people say them: the bare phrase, whose meaning is the bare
     * idiomatic phrase, and the idiom in other tenses and persons */
    int phrases = 0, phrase_bad = 0, uses = 0;
    for (int i = 0; i < train.n; i++) {
        char en[1024];
        bool held;
        int task, lang;
        if (!english_of_task(w, train.rec[i].source, en, sizeof en, &held, &task, &lang))
            continue;
        canon(en);
        for (int k = 0; k < w->n_idioms; k++) {
            const struct widiom *id = &w->idioms[k];
            char core[256];
            for (int u = 0; u < id->n_uses; u++) {
                snprintf(core, sizeof core, "%s", id->uses[u].en);
                canon(core);
                uses += strstr(en, core) != NULL;
            }
            if (!id->core.en || !has_tag(&train.rec[i], "idiom-phrase"))
                continue;
            snprintf(core, sizeof core, "%s", id->core.en);
            canon(core);
            if (strcmp(en, core) != 0)
                continue;
            phrases++;
            const char *want = task == TASK_EXPLAIN ? id->core.meaning
                             : task == TASK_MEANING ? id->core.idiomatic[lang]
                                                    : id->core.literal[lang];
            if (strcmp(train.rec[i].target, want) != 0) {
                phrase_bad++;
                fprintf(stderr, "bare idiom '%s': '%s', want '%s'\n", en, train.rec[i].target,
                        want);
            }
        }
    }
    CHECKF(phrases > 20, "%d bare idioms", phrases);
    CHECK_INT(phrase_bad, 0);
    CHECKF(uses > 20, "%d idioms in other tenses and persons", uses);
    /* a quarter of the sources typed casually, never a target */
    int casual = 0, casual_held = 0, bad_target = 0;
    struct jsonl_set *all[3] = {&train, &valid, &test};
    for (int s = 0; s < 3; s++)
        for (int i = 0; i < all[s]->n; i++) {
            const struct jsonl_record *rec = &all[s]->rec[i];
            if (!has_tag(rec, "casual"))
                continue;
            if (s == 0)
                casual++;
            else
                casual_held++;
            const char *t = rec->target;
            size_t k = strlen(t);
            /* (a bare idiom's target is a bare phrase: checked against the data above) */
            bool label = rec->label != NULL || has_tag(rec, "idiom-phrase");
            if (!label && (!k || !strchr(".?!", t[k - 1]) ||
                           !(world_upper_first(t) || !strncmp(t, "¿", 2) || !strncmp(t, "¡", 2)))) {
                bad_target++;
                fprintf(stderr, "casual target: %s\n", t);
            }
        }
    CHECKF(casual > train.n / 5 && casual < train.n * 3 / 10, "%d casual sources in train", casual);
    CHECKF(casual_held > (valid.n + test.n) / 8 && casual_held < (valid.n + test.n) * 4 / 10,
           "%d casual sources in valid and test", casual_held);
    CHECK_INT(bad_target, 0);
    /* the task mix: idiom tasks about 12%, classification about 6% */
    CHECKF(idioms > train.n / 10 && idioms < train.n * 14 / 100, "%d idiom examples", idioms);
    CHECKF(classify > train.n * 4 / 100 && classify < train.n * 8 / 100, "%d classify", classify);
    qsort(seen, (size_t)n_seen, sizeof *seen, cmp_str);

    /* no valid or test sentence occurs in train, whatever the task (an
     * explanation's sentence too: outside train an idiom sits in a frame
     * whose sentence is of that split); held-out phrasings do occur there */
    struct jsonl_set *sets[2] = {&valid, &test};
    int leaks = 0, held_elsewhere = 0, explains = 0;
    for (int s = 0; s < 2; s++)
        for (int i = 0; i < sets[s]->n; i++) {
            char en[1024], *key = en;
            bool held;
            if (!english_of(w, sets[s]->rec[i].source, en, sizeof en, &held)) {
                unmatched++;
                continue;
            }
            held_elsewhere += held;
            explains += is_explain(&sets[s]->rec[i]);
            canon(en);
            if (bsearch(&key, seen, (size_t)n_seen, sizeof *seen, cmp_str)) {
                leaks++;
                fprintf(stderr, "in train and %s: %s\n", s ? "test" : "valid", en);
            }
        }
    CHECK_INT(unmatched, 0);
    CHECK_INT(leaks, 0);
    CHECKF(explains > 10, "%d explanations in valid and test", explains);

    /* an explanation keeps the frame as it was said: "I think he is in hot
     * water." -> "I think he is in trouble.", with no "that" put back */
    int dropped = 0, put_back = 0;
    for (int i = 0; i < train.n; i++) {
        const struct jsonl_record *rc = &train.rec[i];
        char en[1024];
        bool held;
        if (!is_explain(rc) || !has_tag(rc, "idiom-frame") ||
            !english_of(w, rc->source, en, sizeof en, &held))
            continue;
        for (int k = 0; k < w->n_frames; k++) {
            char head[256], bare[256];
            const char *t = w->frames[k].text[L_EN], *at = strstr(t, "that {clause}");
            if (!at || (w->frames[k].kinds & IK_KEEP_THAT))
                continue;
            snprintf(head, sizeof head, "%.*s", (int)(at - t) + 5, t); /* "I think that " */
            snprintf(bare, sizeof bare, "%.*s", (int)(at - t), t);     /* "I think " */
            if (strncmp(en, bare, strlen(bare)) != 0 || strncmp(en, head, strlen(head)) == 0)
                continue;
            dropped++;
            if (strncmp(rc->target, head, strlen(head)) == 0 && put_back++ < 3)
                fprintf(stderr, "that put back: %s -> %s\n", en, rc->target);
        }
    }
    CHECK_INT(put_back, 0);
    CHECKF(dropped > 20, "%d explanations of frames said without \"that\"", dropped);
    CHECKF(held_elsewhere > 100, "%d held-out phrasings in valid and test", held_elsewhere);

    /* every idiom is known to pre-training: each occurs in train in one of
     * its forms (as written, its bare phrase, another tense or person:
     * "He got cold feet.", "get cold feet", "She got cold feet."), any of
     * which may be the one 10,000 examples happen to hold; an idiom is in
     * about one train example in 1,300, so the other seed's train file
     * (seed 8) is read too: one in 10,000 examples may miss one of 92 */
    struct jsonl_set train3 = {0};
    snprintf(path, sizeof path, "%s/train.jsonl", d3);
    CHECKF(jsonl_read(path, &train3, &e) == 0, "%s", e.msg);
    char **more = realloc(seen, (size_t)(train.n + train3.n) * sizeof *seen);
    CHECK(more != NULL);
    if (more)
        seen = more;
    for (int i = 0; more && i < train3.n; i++) {
        char en[1024];
        bool held;
        if (english_of(w, train3.rec[i].source, en, sizeof en, &held)) {
            canon(en);
            seen[n_seen++] = strdup(en);
        }
    }
    jsonl_free(&train3);
    int idioms_missing = 0;
    for (int k = 0; k < w->n_idioms; k++) {
        const struct widiom *id = &w->idioms[k];
        const char *forms[2 + IDIOM_USES] = {id->en, id->core.en};
        for (int u = 0; u < id->n_uses; u++)
            forms[2 + u] = id->uses[u].en;
        int found = 0;
        for (int f = 0; f < 2 + id->n_uses && !found; f++) {
            if (!forms[f])
                continue;
            char en[512];
            snprintf(en, sizeof en, "%s", forms[f]);
            canon(en); /* seen[] holds canonical English */
            for (int i = 0; i < n_seen && !found; i++)
                found = strstr(seen[i], en) != NULL;
        }
        if (!found) {
            idioms_missing++;
            fprintf(stderr, "idiom never in train: %s\n", id->en);
        }
    }
    CHECK_INT(idioms_missing, 0);

    /* soft prompt B: the idioms of its train and test files are disjoint, and
     * those of the test file are the test idioms */
    struct jsonl_set sb_train = {0}, sb_test = {0}, sa = {0}, cl = {0};
    snprintf(path, sizeof path, "%s/softB_train.jsonl", d1);
    CHECK(jsonl_read(path, &sb_train, NULL) == 0);
    snprintf(path, sizeof path, "%s/softB_test.jsonl", d1);
    CHECK(jsonl_read(path, &sb_test, NULL) == 0);
    int overlap = 0, wrong_side = 0, alone = 0;
    for (int i = 0; i < sb_test.n; i++) {
        for (int j = 0; j < sb_train.n; j++)
            overlap += strcmp(sb_test.rec[i].source, sb_train.rec[j].source) == 0;
        for (int k = 0; k < w->n_idioms; k++)
            if (strcmp(w->idioms[k].en, sb_test.rec[i].source) == 0) {
                alone++;
                wrong_side += !w->idioms[k].test;
            }
        CHECK(sb_test.rec[i].literal != NULL);
    }
    CHECK_INT(overlap, 0);
    CHECK_INT(wrong_side, 0);
    int n_test_idioms = 0;
    for (int k = 0; k < w->n_idioms; k++)
        n_test_idioms += w->idioms[k].test;
    CHECK_INT(alone, n_test_idioms);

    /* soft prompt A: sources without any instruction */
    snprintf(path, sizeof path, "%s/softA_train.jsonl", d1);
    CHECK(jsonl_read(path, &sa, NULL) == 0);
    int instructed = 0;
    for (int i = 0; i < sa.n; i++) {
        char en[1024];
        bool held;
        instructed += english_of(w, sa.rec[i].source, en, sizeof en, &held);
    }
    CHECK_INT(sa.n, 100);
    CHECK_INT(instructed, 0);

    /* classification: label words, the same number of each */
    snprintf(path, sizeof path, "%s/classify_train.jsonl", d1);
    CHECK(jsonl_read(path, &cl, NULL) == 0);
    for (int lb = 0; lb < w->n_labels; lb++) {
        int n = 0;
        for (int i = 0; i < cl.n; i++)
            n += strcmp(cl.rec[i].target, w->labels[lb].name) == 0;
        CHECKF(n == 100, "label %s: %d examples", w->labels[lb].name, n);
    }

    for (int i = 0; i < n_seen; i++)
        free(seen[i]);
    free(seen);
    jsonl_free(&train);
    jsonl_free(&valid);
    jsonl_free(&test);
    jsonl_free(&sb_train);
    jsonl_free(&sb_test);
    jsonl_free(&sa);
    jsonl_free(&cl);
    remove_corpus(d1);
    remove_corpus(d2);
    remove_corpus(d3);
}

/* ---- the shipped samples and prompt presets ---- */


/* The row of a sample idiom file: a demo row is one of the first idioms of
 * idioms.txt as written; any other row is an idiom form (as written or a
 * use) inside a frame, and its target and literal are that form's
 * renderings in the same frame.  Returns the idiom, or NULL. */
static const struct widiom *sample_idiom(const struct world *w, const struct jsonl_record *r,
                                         int l, bool demo)
{
    char buf[1024];
    for (int i = 0; i < w->n_idioms; i++) {
        const struct widiom *id = &w->idioms[i];
        if (demo) {
            if (strcmp(id->en, r->source) == 0 && strcmp(id->idiomatic[l], r->target) == 0 &&
                r->literal && strcmp(id->literal[l], r->literal) == 0)
                return id;
            continue;
        }
        for (int which = 0; which <= id->n_uses; which++) {
            const char *en = which ? id->uses[which - 1].en : id->en;
            const char *idiomatic = which ? id->uses[which - 1].idiomatic[l] : id->idiomatic[l];
            const char *literal = which ? id->uses[which - 1].literal[l] : id->literal[l];
            for (int f = 0; f < w->n_frames; f++) {
                world_framed(w, &w->frames[f], en, NULL, L_EN, buf, sizeof buf);
                if (strcmp(buf, r->source) != 0)
                    continue;
                world_framed(w, &w->frames[f], idiomatic, NULL, l, buf, sizeof buf);
                if (strcmp(buf, r->target) != 0)
                    continue;
                world_framed(w, &w->frames[f], literal, NULL, l, buf, sizeof buf);
                if (r->literal && strcmp(buf, r->literal) == 0)
                    return id;
            }
        }
    }
    return NULL;
}

/* Every row of the files of `names` has the English source of the row of
 * the first file. */
static void same_sources(const struct jsonl_set *sets, int n, const char *const *names)
{
    for (int k = 1; k < n; k++) {
        CHECKF(sets[k].n == sets[0].n, "%s: %d rows, %s: %d", names[k], sets[k].n, names[0],
               sets[0].n);
        for (int i = 0; i < sets[k].n && i < sets[0].n; i++)
            CHECKF(strcmp(sets[k].rec[i].source, sets[0].rec[i].source) == 0,
                   "%s row %d: '%s', %s: '%s'", names[k], i + 1, sets[k].rec[i].source, names[0],
                   sets[0].rec[i].source);
    }
}

static bool same_file(const char *a, const char *b)
{
    char *ta = NULL, *tb = NULL;
    size_t na = 0, nb = 0;
    bool same = pl_read_file(a, &ta, &na, NULL) == 0 && pl_read_file(b, &tb, &nb, NULL) == 0 &&
                na == nb && memcmp(ta, tb, na) == 0;
    free(ta);
    free(tb);
    return same;
}

static const char *const sample_files[] = {
    "sentences.jsonl", "sentences_es.jsonl", "sentences_fr.jsonl", "idioms.jsonl",
    "idioms_es.jsonl", "idioms_fr.jsonl",   "classify.jsonl",
};
enum { N_SAMPLE_FILES = 7 };

static void rm_samples(const char *dir)
{
    char p[512];
    for (int i = 0; i < N_SAMPLE_FILES; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, sample_files[i]);
        unlink(p);
    }
}

/* The shipped sample sets (assets/samples/): at least 60 rows each, every
 * English source of the test split (but the idiom sets' demo rows), the
 * three languages on the same English rows, idioms rendered as idioms.txt
 * and frames.txt say, classification balanced; and the files are exactly
 * what world_samples_write writes from this world, which keeps the probe
 * set (assets/probe/) out. */
static void test_samples(struct world *w)
{
    struct pl_err e = {0};
    static const int langs[3] = {L_VI, L_ES, L_FR};
    static const char *const sent_names[3] = {"assets/samples/sentences.jsonl",
                                              "assets/samples/sentences_es.jsonl",
                                              "assets/samples/sentences_fr.jsonl"};
    static const char *const idiom_names[3] = {"assets/samples/idioms.jsonl",
                                               "assets/samples/idioms_es.jsonl",
                                               "assets/samples/idioms_fr.jsonl"};
    struct jsonl_set sent[3] = {{0}}, idi[3] = {{0}};
    for (int f = 0; f < 3; f++) {
        CHECKF(jsonl_read(sent_names[f], &sent[f], &e) == 0, "%s", e.msg);
        CHECKF(sent[f].n >= 60, "%s: %d rows, want 60 or more", sent_names[f], sent[f].n);
        for (int i = 0; i < sent[f].n; i++) {
            const struct jsonl_record *r = &sent[f].rec[i];
            CHECK(has_tag(r, "sentence") && !r->literal);
            CHECKF(world_sentence_split(r->source) == WORLD_TEST, "%s row %d: '%s' is no test "
                   "sentence", sent_names[f], i + 1, r->source);
        }
        CHECKF(jsonl_read(idiom_names[f], &idi[f], &e) == 0, "%s", e.msg);
        CHECKF(idi[f].n >= 60, "%s: %d rows, want 60 or more", idiom_names[f], idi[f].n);
        int l = langs[f], n_demo = 0, n_unseen = 0, n_framed = 0;
        for (int i = 0; i < idi[f].n; i++) {
            const struct jsonl_record *r = &idi[f].rec[i];
            bool demo = has_tag(r, "demo");
            /* the demo rows open the file */
            CHECKF(demo == (i < 3), "%s row %d: demo %d", idiom_names[f], i + 1, demo);
            n_demo += demo;
            const struct widiom *id = sample_idiom(w, r, l, demo);
            CHECKF(id != NULL, "%s row %d: '%s' -> '%s' (literal '%s') is no %s of idioms.txt",
                   idiom_names[f], i + 1, r->source, r->target, r->literal ? r->literal : "-",
                   demo ? "idiom as written" : "framed idiom form");
            if (!demo) {
                n_framed++;
                CHECKF(world_sentence_split(r->source) == WORLD_TEST,
                       "%s row %d: '%s' is no test sentence", idiom_names[f], i + 1, r->source);
            }
            CHECK(has_tag(r, "idiom"));
            CHECK(!id || has_tag(r, "unseen") == id->test);
            n_unseen += has_tag(r, "unseen");
        }
        CHECKF(n_framed >= 60, "%s: %d framed rows", idiom_names[f], n_framed);
        CHECK(n_unseen > 0 && n_unseen < idi[f].n);
        CHECK_INT(n_demo, 3);
    }
    /* the lesson's demo rows */
    if (idi[0].n >= 3) {
        CHECK(strstr(idi[0].rec[0].source, "raining cats and dogs") != NULL);
        CHECK(strstr(idi[0].rec[1].source, "piece of cake") != NULL);
        CHECK(strstr(idi[0].rec[2].source, "Break a leg") != NULL);
    }
    same_sources(sent, 3, sent_names);
    same_sources(idi, 3, idiom_names);
    for (int f = 0; f < 3; f++) {
        jsonl_free(&sent[f]);
        jsonl_free(&idi[f]);
    }

    struct jsonl_set c = {0};
    CHECKF(jsonl_read("assets/samples/classify.jsonl", &c, &e) == 0, "%s", e.msg);
    CHECKF(c.n >= 60, "classify.jsonl: %d rows", c.n);
    int per_label[16] = {0};
    for (int i = 0; i < c.n; i++) {
        int lb = -1;
        for (int k = 0; k < w->n_labels && k < 16; k++)
            if (strcmp(c.rec[i].target, w->labels[k].name) == 0)
                lb = k;
        CHECKF(lb >= 0, "classify.jsonl: '%s' is no label", c.rec[i].target);
        CHECK(c.rec[i].label && strcmp(c.rec[i].label, c.rec[i].target) == 0);
        CHECKF(world_sentence_split(c.rec[i].source) == WORLD_TEST,
               "classify.jsonl row %d: '%s' is no test sentence", i + 1, c.rec[i].source);
        if (lb >= 0)
            per_label[lb]++;
    }
    for (int k = 0; k < w->n_labels && k < 16; k++)
        CHECKF(per_label[k] == c.n / w->n_labels, "classify.jsonl: %d rows of '%s' in %d",
               per_label[k], w->labels[k].name, c.n);
    jsonl_free(&c);

    /* exactly what the generator writes from this world (make samples) */
    char dir[] = "/tmp/test_world_samples.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    struct world_samples_params sp;
    world_samples_params_default(&sp);
    CHECKF(world_keep_out(w, "assets/probe", &e) == 0, "%s", e.msg);
    struct world_samples_report rep = {0};
    CHECKF(world_samples_write(w, &sp, dir, &rep, &e) == 0, "%s", e.msg);
    CHECK(rep.n_sentences == 60 && rep.n_idioms == 63 && rep.n_demo == 3 &&
          rep.n_classify == 60);
    for (int i = 0; i < N_SAMPLE_FILES; i++) {
        char a[256], b[256];
        snprintf(a, sizeof a, "assets/samples/%s", sample_files[i]);
        snprintf(b, sizeof b, "%s/%s", dir, sample_files[i]);
        CHECKF(same_file(a, b), "%s differs from what the world writes (run make samples)", a);
    }

    /* a probe sentence never becomes a sample: make the first sample
     * sentence and the first framed idiom a probe sentence */
    struct jsonl_set s0 = {0}, i0 = {0};
    char probe[300], ppath[400], sfile[400];
    snprintf(probe, sizeof probe, "%s/probe", dir);
    CHECK(mkdir(probe, 0700) == 0);
    snprintf(ppath, sizeof ppath, "%s/p.jsonl", probe);
    snprintf(sfile, sizeof sfile, "%s/sentences.jsonl", dir);
    CHECK(jsonl_read(sfile, &s0, &e) == 0 && s0.n > 0);
    snprintf(sfile, sizeof sfile, "%s/idioms.jsonl", dir);
    CHECK(jsonl_read(sfile, &i0, &e) == 0 && i0.n > 3);
    if (s0.n > 0 && i0.n > 3) {
        struct jsonl_record pr[2] = {{0}, {0}};
        char casual[1024];
        pr[0].source = s0.rec[0].source;
        pr[0].target = s0.rec[0].target;
        /* typed casually: the same sentence */
        snprintf(casual, sizeof casual, "%s", i0.rec[3].source);
        for (char *q = casual; *q; q++)
            if (*q >= 'A' && *q <= 'Z')
                *q = (char)(*q + 32);
        casual[strlen(casual) - 1] = 0;
        pr[1].source = casual;
        pr[1].target = i0.rec[3].target;
        CHECKF(jsonl_write(ppath, pr, 2, &e) == 0, "%s", e.msg);
        CHECKF(world_keep_out(w, probe, &e) == 0, "%s", e.msg);
        CHECKF(world_samples_write(w, &sp, dir, &rep, &e) == 0, "%s", e.msg);
        CHECKF(rep.n_excluded >= 2, "%d excluded", rep.n_excluded);
        struct jsonl_set s1 = {0}, i1 = {0};
        snprintf(sfile, sizeof sfile, "%s/sentences.jsonl", dir);
        CHECK(jsonl_read(sfile, &s1, &e) == 0 && s1.n == 60);
        snprintf(sfile, sizeof sfile, "%s/idioms.jsonl", dir);
        CHECK(jsonl_read(sfile, &i1, &e) == 0 && i1.n == 63);
        for (int i = 0; i < s1.n; i++)
            CHECK(strcmp(s1.rec[i].source, s0.rec[0].source) != 0);
        for (int i = 0; i < i1.n; i++)
            CHECK(strcasecmp(i1.rec[i].source, i0.rec[3].source) != 0);
        jsonl_free(&s1);
        jsonl_free(&i1);
    }
    jsonl_free(&s0);
    jsonl_free(&i0);
    /* an unreadable probe set is an error, not a silent pass */
    CHECK(world_keep_out(w, "/nonexistent/probe", &e) == PL_EIO);
    CHECK(strstr(e.msg, "/nonexistent/probe") != NULL);
    unlink(ppath);
    rmdir(probe);
    rm_samples(dir);
    rmdir(dir);
    CHECK(world_keep_out(w, NULL, &e) == 0); /* the next tests keep none */
}

/* Every preset parses; the translation presets for the world's languages are
 * phrasings the embedded model is trained with. */
static void test_presets(const struct world *w)
{
    static const char *const files[] = {
        "01-literal-vietnamese", "02-meaning-vietnamese", "03-literal-french",
        "04-meaning-french", "05-literal-spanish", "06-meaning-spanish", "07-explain",
        "08-classify", "09-t5-german",
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[256], *text;
        size_t len;
        snprintf(path, sizeof path, "assets/prompts/%s.json", files[i]);
        CHECKF(pl_read_file(path, &text, &len, NULL) == 0, "%s", path);
        cJSON *o = cJSON_Parse(text);
        free(text);
        CHECKF(o != NULL, "%s: not JSON", path);
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "template");
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, "name");
        const cJSON *task = cJSON_GetObjectItemCaseSensitive(o, "task");
        const cJSON *lang = cJSON_GetObjectItemCaseSensitive(o, "lang");
        CHECK(cJSON_IsString(t) && cJSON_IsString(n) && cJSON_IsString(task) &&
              cJSON_IsString(lang));
        if (cJSON_IsString(t) && cJSON_IsString(task) && cJSON_IsString(lang)) {
            CHECK(strstr(t->valuestring, "{source}") != NULL);
            int l = -1, tk = -1;
            for (int k = L_ES; k < N_LANG; k++)
                if (strcmp(lang->valuestring, world_lang_codes[k]) == 0)
                    l = k;
            for (int k = 0; k < N_TASK; k++)
                if (strcmp(task->valuestring, world_task_names[k]) == 0)
                    tk = k;
            bool trained = false;
            for (int k = 0; k < w->n_phr && tk >= 0; k++) {
                if (w->phr[k].task != tk || w->phr[k].heldout)
                    continue;
                char want[512];
                const char *at = strstr(w->phr[k].text, "{language}");
                if (at)
                    snprintf(want, sizeof want, "%.*s%s%s", (int)(at - w->phr[k].text),
                             w->phr[k].text, l >= 0 ? world_lang_names[l] : "?", at + 10);
                else
                    snprintf(want, sizeof want, "%s", w->phr[k].text);
                trained |= strcmp(want, t->valuestring) == 0;
            }
            /* t5-german is for a downloaded T5: the world has no German */
            CHECKF(trained == (strstr(files[i], "t5-german") == NULL), "%s: trained %d", path,
                   trained);
        }
        cJSON_Delete(o);
    }
}

/* The naive reference for world_keep_out: lower case, single spaces, no
 * final punctuation, then strstr. */
static void ko_norm(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (; *s && n + 1 < cap; s++) {
        if (*s == ' ' && (n == 0 || out[n - 1] == ' '))
            continue;
        out[n++] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
    }
    while (n && strchr(".?! ", out[n - 1]))
        n--;
    out[n] = 0;
}

static bool ko_word(char c)
{
    return isalnum((unsigned char)c) || c == '\'' || (c & 0x80);
}

/* Normalise every source of set in place, once; a "bare" row becomes "". */
static void ko_prepare(struct jsonl_set *set)
{
    for (int i = 0; i < set->n; i++) {
        bool bare = false;
        for (int k = 0; k < set->rec[i].n_tags; k++)
            bare |= strcmp(set->rec[i].tags[k], "bare") == 0;
        char q[1024];
        ko_norm(set->rec[i].source, q, sizeof q);
        strcpy(set->rec[i].source, bare ? "" : q); /* never longer than before */
    }
}

/* Whether text holds a source of probe (ko_prepare'd) as whole words. */
static bool ko_naive(const struct jsonl_set *probe, const char *text)
{
    char t[2048];
    ko_norm(text, t, sizeof t);
    for (int i = 0; i < probe->n; i++) {
        const char *q = probe->rec[i].source;
        size_t n = strlen(q);
        if (n < 2)
            continue;
        for (const char *p = t; (p = strstr(p, q)); p++)
            if ((p == t || !ko_word(p[-1])) && !ko_word(p[n]))
                return true;
    }
    return false;
}

/* Nothing the generator writes holds a probe sentence: the real probe set
 * against a naive check, and sentences the generator itself made, kept out
 * once they are a probe set. */
static void test_keep_out(struct world *w)
{
    struct pl_err e = {0};
    struct jsonl_set all = {0};
    static const char *const files[] = {"sentences_vi", "sentences_es", "sentences_fr",
                                        "idioms_vi", "idioms_es", "idioms_fr"};
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        char path[256];
        struct jsonl_set one = {0};
        snprintf(path, sizeof path, "assets/probe/%s.jsonl", files[f]);
        CHECKF(jsonl_read(path, &one, &e) == 0, "%s", e.msg);
        for (int i = 0; i < one.n && all.n < 4096; i++) {
            if (!all.rec)
                all.rec = calloc(4096, sizeof *all.rec);
            all.rec[all.n] = one.rec[i];
            memset(&one.rec[i], 0, sizeof one.rec[i]); /* moved */
            all.n++;
        }
        jsonl_free(&one);
    }
    CHECK(all.n > 500);
    ko_prepare(&all);
    CHECKF(world_keep_out(w, "assets/probe", &e) == 0, "%s", e.msg);
    /* the index agrees with the naive check on the probe's own rows */
    for (int i = 0; i < all.n; i++) {
        char typed[1024];
        snprintf(typed, sizeof typed, "I think that %s", all.rec[i].source);
        CHECKF(world_keepout_hit(&w->keep_out, typed) == ko_naive(&all, typed), "%s", typed);
    }
    CHECK(!world_keepout_hit(&w->keep_out, "The cat is in the kitchen."));
    CHECK(!world_keepout_hit(&w->keep_out, "Hit the sack.")); /* bare phrases stay */
    /* whole words: "she is tired" does not hold "he is tired" */
    CHECK(world_keepout_hit(&w->keep_out, "Why are you late?"));
    CHECK(!world_keepout_hit(&w->keep_out, "Why are you later?"));

    /* 8000 train examples and 2000 of each held-out split: none holds a probe sentence */
    for (int split = WORLD_TRAIN; split <= WORLD_TEST; split++) {
        struct world_gen *g = NULL;
        CHECK(world_gen_init(w, 11, (enum world_split)split, &g, &e) == 0);
        int bad = 0;
        for (int i = 0; g && i < (split == WORLD_TRAIN ? 8000 : 2000); i++) {
            struct world_example ex;
            CHECKF(world_gen_next(g, &ex, &e) == 0, "%s", e.msg);
            if ((ko_naive(&all, ex.source) || ko_naive(&all, ex.text)) && bad++ < 3)
                CHECKF(false, "split %d: '%s' holds a probe sentence", split, ex.source);
        }
        CHECK_INT(bad, 0);
        world_gen_free(g);
    }

    /* the generator's own first sentences, made a probe set, never come again */
    char dir[] = "/tmp/test_world_ko.XXXXXX", path[300];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/p.jsonl", dir);
    struct world_gen *g = NULL;
    struct world_example ex;
    struct jsonl_record rec[3] = {{0}};
    char text[3][1024], x[] = "x";
    CHECK(world_gen_init(w, 12, WORLD_TRAIN, &g, &e) == 0);
    for (int i = 0; g && i < 3; i++) {
        do
            CHECK(world_gen_next(g, &ex, &e) == 0);
        while (strcmp(ex.task, "translate") != 0 || ex.casual);
        snprintf(text[i], sizeof text[i], "%s", ex.text);
        rec[i].source = text[i];
        rec[i].target = x;
    }
    world_gen_free(g);
    CHECKF(jsonl_write(path, rec, 3, &e) == 0, "%s", e.msg);
    CHECKF(world_keep_out(w, dir, &e) == 0, "%s", e.msg);
    struct world_corpus_params p;
    world_corpus_params_default(&p);
    p.seed = 12;
    p.n_train = 3000;
    p.n_valid = p.n_test = 10;
    struct world_corpus_report r = {0};
    CHECKF(world_corpus_write(w, &p, dir, &r, &e) == 0, "%s", e.msg);
    CHECKF(r.n_excluded >= 3, "%ld draws dropped", r.n_excluded);
    struct jsonl_set train = {0};
    snprintf(path, sizeof path, "%s/train.jsonl", dir);
    CHECKF(jsonl_read(path, &train, &e) == 0, "%s", e.msg);
    CHECK_INT(train.n, 3000);
    struct jsonl_set kept = {.rec = rec, .n = 3};
    ko_prepare(&kept);
    for (int i = 0; i < train.n; i++)
        CHECKF(!ko_naive(&kept, train.rec[i].source), "%s", train.rec[i].source);
    jsonl_free(&train);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    jsonl_free(&all);
    CHECK(world_keep_out(w, NULL, &e) == 0 && w->keep_out.n == 0); /* the next tests keep none */
}

int main(void)
{
    struct world *w = NULL;
    struct pl_err e = {0};
    int rc = world_load(DIR_WORLD, &w, &e);
    CHECKF(rc == 0, "%s", e.msg);
    if (rc != 0)
        TEST_END();
    test_load(w);
    test_bad_data();
    test_bad_selector();
    test_agreement(w);
    test_vietnamese(w);
    test_finish(w);
    test_clauses(w);
    test_kinds(w);
    test_composed(w);
    test_review(w);
    test_pool(w);
    test_common_verbs(w);
    test_casual(w);
    test_new_kinds(w);
    test_name_subjects(w);
    test_skills(w);
    test_typed_shapes(w);
    test_common_words(w);
    test_idiom_vp(w);
    test_keep_out(w);
    test_samples(w);
    test_presets(w);
    test_corpus(w);
    world_free(w);
    TEST_END();
}
