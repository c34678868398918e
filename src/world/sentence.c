/* sentence.c - the kinds of ordinary sentences (templates.txt): pick words
 * that fit together and render the sentence in the four languages.
 *
 * The one idea: each kind draws its slots from lists prepared once when the
 * world is loaded (verbs that take an object, nouns that can be somewhere,
 * time phrases by tense ...) and from the constraints in the data (a verb's
 * subjects and objects, the places that hold a noun, the adjectives that
 * describe it), so every sentence is both grammatical and sensible.  Clauses
 * with a verb go through world_clause; the copula kinds (describe, location,
 * there is, questions with "be") are written here. */
#include "world_impl.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- lists ---- */

static int list_add(struct wlist *l, int v, struct pl_err *e)
{
    int *p = realloc(l->ix, (size_t)(l->n + 1) * sizeof *p);
    if (!p)
        return pl_err_set(e, PL_ENOMEM, "out of memory");
    p[l->n++] = v;
    l->ix = p;
    return 0;
}

static bool has_index(const struct wlist *l, int v)
{
    for (int i = 0; i < l->n; i++)
        if (l->ix[i] == v)
            return true;
    return false;
}

static bool has_tag(const struct wnoun *n, const char *tag)
{
    for (int k = 0; k < n->n_tags; k++)
        if (strcmp(n->tags[k], tag) == 0)
            return true;
    return false;
}

/* Whether noun n has one of the space-separated tags of list. */
static bool has_tag_of(const struct wnoun *n, const char *list)
{
    for (const char *p = list; *p;) {
        size_t k = strcspn(p, " ");
        for (int t = 0; t < n->n_tags; t++)
            if (strlen(n->tags[t]) == k && strncmp(n->tags[t], p, k) == 0)
                return true;
        p += k;
        p += strspn(p, " ");
    }
    return false;
}

/* Whether verb v names a state: it has no progressive ("understand"). */
static bool stative(const struct wverb *v)
{
    return !(v->tenses & (1u << T_PROG));
}

static bool is_person(const struct wnoun *n)
{
    return strcmp(n->cat, "people") == 0 || strcmp(n->cat, "family") == 0;
}

/* Whether verb v can take a language as its object ("speak French"). */
static bool takes_language(const struct world *w, const struct wverb *v)
{
    for (int i = 0; i < v->obj.n; i++)
        if (world_is_language(&w->nouns[v->obj.ix[i]]))
            return true;
    return false;
}

static bool countable(const struct wnoun *n)
{
    return !(n->flags & (NF_MASS | NF_SG | NF_POSSONLY));
}

/* Whether "the fish" may mean several: not when the English plural is the
 * singular ("His fish slept" would have two translations). */
static bool plural_ok(const struct wnoun *n)
{
    return countable(n) && strcmp(n->en[0], n->en[1]) != 0;
}

void world_cache_free(struct wcache *c)
{
    struct wlist *all[] = {&c->transitive, &c->intransitive, &c->prog, &c->imp, &c->clock,
                           &c->motion, &c->freq, &c->what, &c->where, &c->cities, &c->hours,
                           &c->vp, &c->request, &c->lets, &c->lang, &c->sites,
                           &c->counts, &c->t_past, &c->t_fut, &c->t_habit, &c->t_now,
                           &c->t_day, &c->t_month, &c->describable, &c->locatable,
                           &c->colored, &c->countable, &c->showable, &c->owners, &c->owned};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
        free(all[i]->ix);
        all[i]->ix = NULL;
        all[i]->n = 0;
    }
    for (int l = 0; l < N_LANG; l++) {
        for (int i = 0; i < c->n_proper[l]; i++)
            free(c->proper[l][i]);
        free(c->proper[l]);
        c->proper[l] = NULL;
        c->n_proper[l] = 0;
    }
}

/* Add the words of s after its first that start with a capital letter to
 * the proper nouns of language lang. */
static int add_proper(struct wcache *c, int lang, const char *s, struct pl_err *e)
{
    const char *p = s + strcspn(s, " ");
    while (*p) {
        p += strspn(p, " ,.!?;:\"¡¿«»");
        size_t k = strcspn(p, " ,.!?;:\"¡¿«»");
        if (!k)
            break;
        char word[64];
        if (k < sizeof word) {
            memcpy(word, p, k);
            word[k] = 0;
            bool upper = world_upper_first(word);
            bool known = false;
            for (int i = 0; i < c->n_proper[lang] && !known; i++)
                known = strcmp(c->proper[lang][i], word) == 0;
            if (upper && !known) {
                char **q = realloc(c->proper[lang], (size_t)(c->n_proper[lang] + 1) * sizeof *q);
                char *d = q ? strdup(word) : NULL;
                if (!d) {
                    if (q)
                        c->proper[lang] = q;
                    return pl_err_set(e, PL_ENOMEM, "out of memory");
                }
                q[c->n_proper[lang]++] = d;
                c->proper[lang] = q;
            }
        }
        p += k;
    }
    return 0;
}

int world_prepare(struct world *w, struct pl_err *e)
{
    struct wcache *c = &w->c;
    int rc = 0;
    c->like = -1;
    c->have = world_verb_index(w, "have");
    c->feel = world_verb_index(w, "feel");
    c->man = world_noun_index(w, "man");
    c->woman = world_noun_index(w, "woman");
    if (c->man < 0 || c->woman < 0)
        return pl_err_set(e, PL_EFORMAT, "nouns.txt: the nouns 'man' and 'woman' are required "
                          "(they stand for pronoun subjects)");
    for (int i = 0; i < w->n_verbs && !rc; i++) {
        const struct wverb *v = &w->verbs[i];
        for (const char *p = v->not_times; p && *p;) {
            size_t k = strcspn(p, " ");
            bool known = false;
            for (int t = 0; t < w->n_times && !known; t++)
                known = strlen(w->times[t].id) == k && strncmp(w->times[t].id, p, k) == 0;
            if (!known)
                return pl_err_set(e, PL_EFORMAT, "verbs.txt: verb '%s': not: '%.*s' is no "
                                  "time of times.txt", v->id, (int)k, p);
            p += k;
            p += strspn(p, " ");
        }
        if (v->uses & (VU_COPULA | VU_EXIST | VU_IDIOM | VU_MEANING))
            continue;
        /* after a modal, in a request, after "let's": what people do, not a
         * state, and not a Spanish reflexive ("quedarse": "tengo que
         * quedarme" changes with the person) */
        size_t k = strlen(v->es_inf);
        bool refl = k > 2 && strcmp(v->es_inf + k - 2, "se") == 0;
        bool doing = v->person_subj && !refl && !(v->uses & (VU_STATE | VU_LIKE));
        if (doing && !(v->uses & (VU_REQUEST | VU_NOMODAL)))
            rc = list_add(&c->vp, i, e);
        if (!rc && doing && (v->uses & (VU_ASK | VU_REQUEST)))
            rc = list_add(&c->request, i, e);
        if (!rc && doing && (v->uses & VU_LETS))
            rc = list_add(&c->lets, i, e);
        if (rc)
            break;
        if (v->uses & VU_REQUEST)
            continue;
        if (v->uses & VU_LIKE) {
            c->like = i;
            continue;
        }
        if (v->obj.n)
            rc = list_add(&c->transitive, i, e);
        if (!rc && takes_language(w, v))
            rc = list_add(&c->lang, i, e);
        if (!rc && (!v->obj.n || (v->uses & VU_INTR)) && !(v->uses & VU_MOTION))
            rc = list_add(&c->intransitive, i, e);
        if (!rc && (v->tenses & (1u << T_PROG)))
            rc = list_add(&c->prog, i, e);
        if (!rc && (v->uses & VU_IMP))
            rc = list_add(&c->imp, i, e);
        if (!rc && (v->uses & VU_CLOCK))
            rc = list_add(&c->clock, i, e);
        if (!rc && (v->uses & VU_MOTION))
            rc = list_add(&c->motion, i, e);
        /* "She often eats fish"; not of a state ("She often loves her mother") */
        if (!rc && (v->tenses & 1u) && v->person_subj && !(v->uses & (VU_MOTION | VU_STATE)))
            rc = list_add(&c->freq, i, e);
        /* "What does the cat eat?": a plain object that is not a person */
        if (!rc && v->obj.n && !v->es_obj && !v->fr_obj && !v->vi_obj && !v->en_obj &&
            !(v->uses & (VU_GENERIC | VU_MASSDEF | VU_MASSBARE | VU_NOWHAT)) &&
            !is_person(&w->nouns[v->obj.ix[0]]))
            rc = list_add(&c->what, i, e);
        if (!rc && !v->obj.n && v->place.n)
            rc = list_add(&c->where, i, e);
    }
    for (int i = 0; i < w->n_places && !rc; i++)
        for (int k = 0; k < w->places[i].n_tags && w->places[i].noun >= 0; k++)
            /* a site of the town; not the town itself (city, village) */
            if (strcmp(w->places[i].tags[k], "town") == 0 &&
                strcmp(w->places[i].id, "city") != 0 && strcmp(w->places[i].id, "village") != 0) {
                rc = list_add(&c->sites, i, e);
                break;
            }
    for (int i = 0; i < w->n_places && !rc; i++)
        for (int k = 0; k < w->places[i].n_tags; k++)
            if (strcmp(w->places[i].tags[k], "cityname") == 0) {
                rc = list_add(&c->cities, i, e);
                break;
            }
    for (int i = 0; i < w->n_nums && !rc; i++) {
        int v = w->nums[i].value;
        if (v >= 1 && v <= 11)
            rc = list_add(&c->hours, i, e);
        if (!rc && v >= 2)
            rc = list_add(&c->counts, i, e);
    }
    for (int i = 0; i < w->n_times && !rc; i++) {
        unsigned u = w->times[i].use;
        if (u & TU_PAST)
            rc = list_add(&c->t_past, i, e);
        if (!rc && (u & TU_FUT))
            rc = list_add(&c->t_fut, i, e);
        if (!rc && (u & TU_HABIT))
            rc = list_add(&c->t_habit, i, e);
        if (!rc && (u & TU_NOW))
            rc = list_add(&c->t_now, i, e);
        if (!rc && (u & TU_DAY))
            rc = list_add(&c->t_day, i, e);
        if (!rc && (u & TU_MONTH))
            rc = list_add(&c->t_month, i, e);
    }
    for (int i = 0; i < w->n_nouns && !rc; i++) {
        const struct wnoun *n = &w->nouns[i];
        bool subj = !(n->flags & NF_OBJONLY);
        if (subj && n->n_pred)
            rc = list_add(&c->describable, i, e);
        if (!rc && subj && n->n_at && strcmp(n->cat, "places") != 0)
            rc = list_add(&c->locatable, i, e);
        if (!rc && subj && n->n_color)
            rc = list_add(&c->colored, i, e);
        if (!rc && countable(n) && n->n_at)
            rc = list_add(&c->countable, i, e);
        if (!rc && !(n->flags & NF_MASS) && !(n->flags & NF_SG) &&
            strcmp(n->cat, "languages") != 0 && strcmp(n->cat, "leisure") != 0 &&
            strcmp(n->cat, "body") != 0 && strcmp(n->cat, "study") != 0)
            rc = list_add(&c->showable, i, e);
        if (!rc && is_person(n) && !(n->flags & NF_SG && !(n->flags & NF_POSSONLY)))
            rc = list_add(&c->owners, i, e);
        /* what someone can own: "the teacher's dog", not "the teacher's moon" */
        static const char *const ownable[] = {"animals", "objects", "clothes", "vehicles",
                                              "food"};
        bool own = false;
        for (size_t k = 0; k < sizeof ownable / sizeof *ownable; k++)
            own |= strcmp(n->cat, ownable[k]) == 0;
        if (!rc && subj && own && countable(n) && !(n->flags & NF_NOPOSS) &&
            (n->n_pred || n->n_at))
            rc = list_add(&c->owned, i, e);
        /* positions.txt: "The keys are on the table.", "The cat is under the
         * bed.", "The pen is in the bag."; a countable noun with a position's
         * `with` tag is said after it, and a thing (not a story or an email)
         * or a pet out of the water with one of its `put` tags is put there */
        bool holder = false;
        for (int p = 0; p < w->n_pos && !rc; p++)
            if (countable(n) && has_tag(n, w->pos[p].with)) {
                holder = true;
                rc = list_add(&w->pos[p].nouns, i, e);
            }
        bool thing = strcmp(n->cat, "objects") == 0 || strcmp(n->cat, "animals") == 0;
        if (subj && thing && !has_tag(n, "aquatic") && countable(n) && !holder)
            for (int p = 0; p < w->n_pos && !rc; p++)
                if (has_tag_of(n, w->pos[p].put))
                    rc = list_add(&w->pos[p].things, i, e);
    }
    for (int p = 0; p < w->n_pos && !rc; p++)
        if (!w->pos[p].nouns.n || !w->pos[p].things.n)
            return pl_err_set(e, PL_EFORMAT, "positions.txt: position '%s': no countable noun "
                              "of nouns.txt is tagged '%s', or none of '%s'", w->pos[p].id,
                              w->pos[p].with, w->pos[p].put);
    /* a verb that takes a language says how: bare (massbare: "parler
     * français") or with French "le" (langdef: "apprendre le français") */
    for (int i = 0; i < w->n_verbs && !rc; i++) {
        const struct wverb *v = &w->verbs[i];
        bool lang = takes_language(w, v), said = v->uses & (VU_MASSBARE | VU_LANGDEF);
        if (lang != said && !(v->uses & VU_LIKE))
            return pl_err_set(e, PL_EFORMAT, "verbs.txt: verb '%s': %s", v->id,
                              lang ? "it takes languages: give it the use massbare or langdef"
                                   : "langdef without a language among its objects");
    }
    /* names are proper nouns in every language ("Je pense que Lan ...") */
    for (int i = 0; i < w->n_names && !rc; i++)
        for (int l = 0; l < N_LANG && !rc; l++) {
            char probe[96];
            snprintf(probe, sizeof probe, "- %s", w->names[i].text);
            rc = add_proper(c, l, probe, e);
        }
    for (int i = 0; i < w->n_idioms && !rc; i++)
        for (int l = 0; l < N_LANG && !rc; l++) {
            rc = add_proper(c, l, w->idioms[i].idiomatic[l], e);
            if (!rc)
                rc = add_proper(c, l, w->idioms[i].literal[l], e);
        }
    if (rc)
        return rc;
    if (w->weight[K_LANGUAGE] > 0 && !c->lang.n)
        return pl_err_set(e, PL_EFORMAT, "templates.txt: the kind 'language' has a weight, but "
                          "no verb of verbs.txt takes a language");
    if (c->like < 0 || !c->transitive.n || !c->intransitive.n || !c->motion.n || !c->clock.n ||
        !c->imp.n || !c->cities.n || !c->hours.n || !c->counts.n || !c->t_past.n ||
        !c->t_fut.n || !c->t_habit.n || !c->t_now.n)
        return pl_err_set(e, PL_EFORMAT, "the data lacks what some sentence kind needs (a "
                          "'like' verb, a motion verb, a clock verb, an imperative, cities, "
                          "hours, or past/future/habit/now time phrases)");
    return 0;
}

/* ---- random helpers ---- */

static int pick(struct pl_rng *r, int n)
{
    return n > 0 ? (int)pl_rng_below(r, (uint32_t)n) : 0;
}

static bool chance(struct pl_rng *r, int pct)
{
    return (int)pl_rng_below(r, 100) < pct;
}

static int pick_list(struct pl_rng *r, const struct wlist *l)
{
    return l->n ? l->ix[pick(r, l->n)] : -1;
}

static int pick_set(struct pl_rng *r, const struct wset *s)
{
    return s->n ? s->ix[pick(r, s->n)] : -1;
}

/* A noun of the set that can be a subject (tries a few draws). */
static int pick_subject_noun(const struct world *w, struct pl_rng *r, const struct wset *s)
{
    for (int t = 0; t < 16; t++) {
        int n = pick_set(r, s);
        if (n >= 0 && !(w->nouns[n].flags & NF_OBJONLY))
            return n;
    }
    return -1;
}

int world_topic_merge(int a, int b)
{
    if (a == -2 || b == -2)
        return -2;
    if (a == -1)
        return b;
    if (b == -1 || a == b)
        return a;
    return -2;
}

static void topic_np(const struct world *w, const struct np *p, int *label)
{
    *label = world_topic_merge(*label, w->nouns[p->noun].label);
    if (p->det == D_OWNER)
        topic_np(w, p->owner, label);
}

static void topic_place(const struct world *w, int place, int *label)
{
    if (place >= 0)
        *label = world_topic_merge(*label, w->places[place].label);
}

/* Whether noun n can have a possessor ("my dog", not "my king"). */
static bool possessable(const struct wnoun *n)
{
    return !(n->flags & NF_NOPOSS);
}

/* A possessor for noun n: any pronoun, or a singular one for a spouse
 * ("my wife", never "our wife"). */
static int pick_poss(const struct world *w, struct pl_rng *r, int noun)
{
    if (!(w->nouns[noun].flags & NF_SGPOSS))
        return pick(r, w->n_prons);
    int n = 0;
    for (int i = 0; i < w->n_prons; i++)
        n += w->prons[i].person <= P_3SG;
    int k = pick(r, n);
    for (int i = 0; i < w->n_prons; i++)
        if (w->prons[i].person <= P_3SG && k-- == 0)
            return i;
    return 0;
}

static void np_clear(struct np *p, int noun)
{
    memset(p, 0, sizeof *p);
    p->noun = noun;
    p->adj = -1;
    p->poss = -1;
    p->num = -1;
    p->det = D_DEF;
}

/* A subject: the cat, my cats, the big dog, my mother. */
static void np_subject(const struct world *w, struct pl_rng *r, int noun, int adj_pct, struct np *p)
{
    const struct wnoun *n = &w->nouns[noun];
    np_clear(p, noun);
    if (n->flags & NF_POSSONLY) {
        p->det = D_POSS;
        p->poss = pick_poss(w, r, noun);
        return;
    }
    /* "my dog", "my friend"; but rarely "our postman", never "my king" */
    bool job = is_person(n) && !(n->flags & NF_VDIRECT);
    if (possessable(n) && chance(r, job ? 8 : 30)) {
        p->det = D_POSS;
        p->poss = pick_poss(w, r, noun);
    }
    p->pl = plural_ok(n) && chance(r, 35);
    if (n->n_adj && chance(r, adj_pct))
        p->adj = n->adj[pick(r, n->n_adj)];
}

/* An object of verb v: its determiner depends on the noun and the verb. */
static void np_object(const struct world *w, struct pl_rng *r, int verb, int noun, bool neg,
                      struct np *p)
{
    const struct wnoun *n = &w->nouns[noun];
    const struct wverb *v = &w->verbs[verb];
    np_clear(p, noun);
    if (n->flags & NF_MASS) {
        if (world_is_language(n))
            p->det = D_BARE; /* "speak French", "learn English" */
        else if (v->uses & VU_MASSDEF)
            p->det = D_KIND;
        else if (v->uses & VU_MASSBARE)
            p->det = D_BARE;
        else
            p->det = chance(r, 75) ? D_BARE : D_DEF;
    } else if (v->uses & VU_GENERIC) {
        p->det = D_GENERIC;
    } else if (n->flags & NF_POSSONLY) {
        p->det = D_POSS;
        p->poss = pick_poss(w, r, noun);
    } else if (is_person(n)) {
        p->det = !possessable(n) || chance(r, (n->flags & NF_VDIRECT) ? 40 : 85) ? D_DEF : D_POSS;
        p->poss = pick_poss(w, r, noun);
        p->pl = plural_ok(n) && chance(r, 25);
    } else if (strcmp(n->cat, "animals") == 0 || strcmp(n->cat, "places") == 0) {
        /* animals: indefinite only (no "personal a" question in Spanish);
         * places (clean the kitchen, visit the museum): the */
        if (strcmp(n->cat, "places") == 0) {
            p->det = !possessable(n) || chance(r, 70) ? D_DEF : D_POSS;
            p->poss = pick_poss(w, r, noun);
        } else {
            int d = pick(r, 10);
            p->det = d < 5 ? D_INDEF : d < 7 ? D_NUM : D_INDEF;
            p->pl = d >= 5 && countable(n);
            if (p->det == D_NUM && !countable(n))
                p->det = D_INDEF;
            if (p->det == D_NUM)
                p->num = pick_list(r, &w->c.counts);
            if (neg && countable(n)) {
                /* "does not catch mice": a definite animal would raise the
                 * Spanish personal "a" question */
                p->det = D_INDEF;
                p->pl = true;
            }
        }
    } else {
        int d = pick(r, 20);
        p->det = d < 7 ? D_DEF : d < 12 ? D_INDEF : d < 16 ? D_POSS : d < 18 ? D_NUM : D_INDEF;
        p->pl = d >= 16 && (p->det == D_NUM ? countable(n) : plural_ok(n));
        if (p->det == D_NUM && !countable(n))
            p->det = D_INDEF;
        if (p->det == D_NUM)
            p->num = pick_list(r, &w->c.counts);
        if (p->det == D_POSS && !possessable(n))
            p->det = D_DEF;
        if (p->det == D_POSS)
            p->poss = pick_poss(w, r, noun);
        if (n->flags & NF_SG) {
            p->det = D_DEF;
            p->pl = false;
        }
    }
    /* Under a negation: "He doesn't eat the apple", not "an apple". */
    if (neg && ((p->det == D_INDEF && !p->pl) || p->det == D_NUM))
        p->det = D_DEF;
    if (neg && p->det == D_NUM)
        p->pl = false;
    if (n->n_adj && !(n->flags & NF_POSSONLY) && p->det != D_GENERIC && chance(r, 25))
        p->adj = n->adj[pick(r, n->n_adj)];
}

/* A name of gender g (-1: any). */
static int pick_name(const struct world *w, struct pl_rng *r, int g)
{
    for (int t = 0; t < 64; t++) {
        int i = pick(r, w->n_names);
        if (g < 0 || w->names[i].gender == g)
            return i;
    }
    return 0;
}

enum { MADE_NAME_PCT = 50 }; /* names (greetings, subjects) that are made up */

/* A first name as the subject ("Lan is cooking dinner."), in place of he
 * or she, which give the grammar its person and gender ("her car", "Lan
 * est fatiguée"); a made-up name ("Dravo") in MADE_NAME_PCT% of the draws,
 * so that the model learns to copy a name it never read.  Returns the noun
 * of a man or a woman that stands for the person (for what fits them), or
 * -1 when the world has no names. */
enum { NAME_SUBJ_PCT = 12 };
static int name_subject(const struct world *w, struct pl_rng *r, struct subj *s)
{
    if (!w->n_names)
        return -1;
    int g = chance(r, 50) ? G_F : G_M;
    if (!chance(r, MADE_NAME_PCT) || world_make_name(w, r, s->name, sizeof s->name) != 0) {
        const struct wname *n = &w->names[pick_name(w, r, g)];
        snprintf(s->name, sizeof s->name, "%s", n->text);
        g = n->gender;
    }
    s->pron = -1;
    for (int i = 0; i < w->n_prons && s->pron < 0; i++)
        if (w->prons[i].person == P_3SG && w->prons[i].gender == g)
            s->pron = i;
    if (s->pron < 0) {
        s->name[0] = 0;
        return -1;
    }
    s->stands_for = NULL;
    return g == G_F ? w->c.woman : w->c.man;
}

/* A subject for verb v: a pronoun or a first name (when people can do it)
 * or a noun phrase. */
static bool pick_subj(const struct world *w, struct pl_rng *r, int verb, struct subj *s)
{
    const struct wverb *v = &w->verbs[verb];
    s->name[0] = 0;
    if (v->person_subj && chance(r, 40)) {
        s->pron = pick(r, w->n_prons);
        return true;
    }
    if (v->person_subj && chance(r, NAME_SUBJ_PCT) && name_subject(w, r, s) >= 0)
        return true;
    s->pron = -1;
    int n = pick_subject_noun(w, r, &v->subj);
    if (n < 0)
        return false;
    np_subject(w, r, n, 20, &s->np);
    return true;
}

static void topic_subj(const struct world *w, const struct subj *s, int *label)
{
    if (s->pron < 0)
        topic_np(w, &s->np, label);
}

static void clause_clear(struct clause *c)
{
    memset(c, 0, sizeof *c);
    c->s.pron = -1;
    c->adv = c->loc = c->dest = c->clock = c->time = c->day = -1;
}

/* Whether verb v is said with time phrase t (verbs.txt "not"). */
static bool time_fits(const struct world *w, const struct wverb *v, int t)
{
    const char *id = w->times[t].id;
    size_t k = strlen(id);
    for (const char *p = v->not_times; p && (p = strstr(p, id)); p += k)
        if ((p == v->not_times || p[-1] == ' ') && (!p[k] || p[k] == ' '))
            return false;
    return true;
}

/* A tense the verb allows: present, past or future, with a matching time
 * phrase `time_pct` percent of the time (past and future always get one
 * when `need_time`). */
enum { GOING_PCT = 35 }; /* future statements said "going to" */
static void pick_tense(const struct world *w, struct pl_rng *r, const struct wverb *v,
                       int time_pct, bool need_time, struct clause *c)
{
    int order[3] = {T_PRES, T_PAST, T_FUT};
    int t = pick(r, 10);
    int want = t < 4 ? T_PRES : t < 7 ? T_PAST : T_FUT;
    c->tense = -1;
    for (int k = 0; k < 3 && c->tense < 0; k++) {
        int cand = order[(want + k) % 3];
        if (v->tenses & (1u << cand))
            c->tense = cand;
    }
    if (c->tense < 0)
        c->tense = T_PRES;
    bool with_time = chance(r, time_pct) || (need_time && c->tense != T_PRES);
    /* a state is no habit: "I have a dog", never "I have a dog every week" */
    if (!with_time || (c->tense == T_PRES && (v->uses & VU_STATE)))
        return;
    const struct wlist *l = c->tense == T_PAST ? &w->c.t_past
                          : c->tense == T_FUT  ? &w->c.t_fut
                                               : &w->c.t_habit;
    if (c->tense != T_PRES && chance(r, 15)) {
        c->time = pick_list(r, &w->c.t_day);
        if (c->time < 0)
            c->time = pick_list(r, l);
    } else if (c->tense == T_PRES && chance(r, 20)) {
        c->time = pick_list(r, &w->c.t_day); /* "on Mondays" */
        if (c->time < 0)
            c->time = pick_list(r, l);
    } else {
        c->time = pick_list(r, l);
    }
    if (c->time >= 0 && !time_fits(w, v, c->time))
        c->time = -1; /* no "She will have breakfast tonight" */
    /* "I am going to visit ...": not for pronominal verbs, whose pronoun
     * would have to follow the person ("voy a levantarme", "je vais me
     * lever") */
    size_t es_n = strlen(v->es_inf);
    bool pronominal = strncmp(v->fr_inf, "se ", 3) == 0 || strncmp(v->fr_inf, "s'", 2) == 0 ||
                      (es_n > 2 && strcmp(v->es_inf + es_n - 2, "se") == 0); /* quedarse */
    if (c->tense == T_FUT && !pronominal && !(v->uses & VU_STATE) && chance(r, GOING_PCT))
        c->going = true;
}

/* ---- rendering helpers for the kinds without a full verb ---- */

static void sb_np(const struct world *w, struct wsb *b, const struct np *p, int lang,
                  unsigned role, const char *prep)
{
    char buf[384];
    if (world_np(w, p, lang, role, prep, buf, sizeof buf) >= 0)
        world_sb_add(b, buf);
}

/* The subject; `es_drop`: Spanish leaves a pronoun out ("Está cansada"). */
static void sb_subj(const struct world *w, struct wsb *b, const struct subj *s, int lang,
                    bool es_drop)
{
    world_subj(w, s, lang, es_drop, b);
}

/* The time phrase t where it belongs: Vietnamese phrases that open the
 * sentence when `front`, every other one when not. */
static void sb_time(const struct world *w, struct wsb *b, int t, bool habit, int lang, bool front)
{
    if (t < 0)
        return;
    bool is_front = lang == L_VI && world_time_front(w, t, habit);
    if (is_front != front)
        return;
    char buf[96];
    world_time_phrase(w, t, habit, lang, buf, sizeof buf);
    world_sb_add(b, buf);
}

static void finish_all(const struct world *w, struct sentence *out)
{
    for (int l = 0; l < N_LANG; l++)
        if (out->langs & (1u << l))
            world_finish(w, l, out->text[l], sizeof out->text[l]);
}

static const char *const en_be[3][N_PERSON] = {
    {"am", "are", "is", "are", "are"},
    {"was", "were", "was", "were", "were"},
    {"will be", "will be", "will be", "will be", "will be"},
};

static int subj_gender_lang(const struct world *w, const struct subj *s, int lang)
{
    if (s->pron >= 0 && s->stands_for)
        return lang == L_ES ? w->nouns[s->stands_for->noun].es_g
                            : w->nouns[s->stands_for->noun].fr_g;
    if (s->pron >= 0)
        return w->prons[s->pron].gender;
    return lang == L_ES ? w->nouns[s->np.noun].es_g : w->nouns[s->np.noun].fr_g;
}

/* The copula in Spanish (ser/estar) or French (être) for tense t (T_PRES,
 * T_PAST, T_FUT) with time phrase `time` (or -1).  The Spanish past is the
 * perfect for a part of today ("hoy he estado"), the preterite for another
 * past time ("ayer estuve": a bounded past), the imperfect without one. */
static void copula(const struct world *w, int verb, int t, int person, int lang, int time,
                   struct wsb *b)
{
    const struct wverb *v = &w->verbs[verb];
    int vt = t == T_PAST ? VT_PAST : t == T_FUT ? VT_FUT : VT_PRES;
    if (lang == L_ES && t == T_PAST && time >= 0) {
        char buf[64];
        world_es_verb(w, verb, t, person, time, buf, sizeof buf);
        world_sb_add(b, world_time_today(w, time) || !v->es_pret[0] ? buf : v->es_pret[person]);
        return;
    }
    world_sb_add(b, lang == L_ES ? v->es[vt][person] : v->fr[vt][person]);
}

/* Spanish "tener" or French "avoir" (the verb "have") for a state. */
static const char *have_form(const struct world *w, int tense, int person, int lang)
{
    const struct wverb *v = &w->verbs[w->c.have];
    int vt = tense == T_PAST ? VT_PAST : tense == T_FUT ? VT_FUT : VT_PRES;
    return lang == L_ES ? v->es[vt][person] : v->fr[vt][person];
}

/* The French verb form `form` negated: "ne" before and "pas" after its first
 * word ("n'ai pas besoin de"), or around all of it when it opens with an
 * object pronoun ("ne me sens pas"). */
static void fr_negated(struct wsb *b, const char *form)
{
    char first[64];
    size_t k = strcspn(form, " ");
    bool clitic = (k == 2 && (form[0] == 'm' || form[0] == 't' || form[0] == 's') &&
                   form[1] == 'e') || strncmp(form, "nous ", 5) == 0 ||
                  strncmp(form, "vous ", 5) == 0 || form[1] == '\'';
    if (clitic)
        k = strlen(form);
    if (k >= sizeof first)
        k = sizeof first - 1;
    memcpy(first, form, k);
    first[k] = 0;
    world_sb_add(b, "ne");
    world_sb_add(b, first);
    world_sb_add(b, "pas");
    if (form[k])
        world_sb_add(b, form + k + 1);
}

/* "S is (not) (very) ADJ (time)." - also the question "Is S ADJ?"; with
 * `feel` (the present only): "S feels ADJ.", "Do you feel ADJ?".  very_how:
 * 0 none, VERY_REALLY "really" (muy, vraiment, thật sự), VERY_SO "so" (muy /
 * mucha hambre, tellement, "mệt quá"), any other value "very". */
void world_describe(const struct world *w, const struct subj *s, int adj, int tense, int time,
                    bool neg, bool question, bool feel, int very_how, struct sentence *out)
{
    const struct wadj *a = &w->adjs[adj];
    int p = world_subj_person(w, s);
    bool pl = p == P_1PL || p == P_3PL;
    bool very = very_how != 0 && (a->kind == AK_GRAD || a->kind == AK_PRED) && !neg && !question;
    bool really = very && very_how == VERY_REALLY, so = very && very_how == VERY_SO;
    const struct wverb *fv = feel ? &w->verbs[w->c.feel] : NULL;
    snprintf(out->name, sizeof out->name, "%s", s->name);
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        struct wsb b;
        world_sb_init(&b, out->text[l], sizeof out->text[l]);
        int g = subj_gender_lang(w, s, l);
        switch (l) {
        case L_EN:
            if (feel && question) {
                world_sb_add(&b, p == P_3SG ? "does" : "do");
                sb_subj(w, &b, s, l, true);
                world_sb_add(&b, fv->en[0]);
            } else if (feel) {
                sb_subj(w, &b, s, l, true);
                if (neg)
                    world_sb_add(&b, p == P_3SG ? "does not" : "do not");
                world_sb_add(&b, neg || p != P_3SG ? fv->en[0] : fv->en[1]);
            } else if (question) {
                world_sb_add(&b, en_be[0][p]);
                sb_subj(w, &b, s, l, true);
            } else {
                sb_subj(w, &b, s, l, true);
                if (tense == T_FUT)
                    world_sb_add(&b, neg ? "will not be" : "will be");
                else
                    world_sb_add(&b, en_be[tense == T_PAST][p]);
                if (neg && tense != T_FUT)
                    world_sb_add(&b, "not");
            }
            if (very)
                world_sb_add(&b, really ? "really" : so ? "so" : "very");
            world_sb_add(&b, a->en);
            break;
        case L_ES:
            if (question)
                world_sb_add(&b, "¿");
            sb_subj(w, &b, s, l, true);
            if (neg)
                world_sb_add(&b, "no");
            if (feel) {
                world_sb_add(&b, fv->es[VT_PRES][p]); /* "me siento" */
            } else if (a->es_tener) {
                /* "tengo (mucha) hambre" */
                world_sb_add(&b, have_form(w, tense, p, l));
                world_sb_add(&b, very ? a->es[4] : a->es[0]);
                break;
            } else {
                copula(w, a->es_estar ? w->v_estar : w->v_ser, tense, p, l, time, &b);
            }
            if (very) /* "so" too: "tan" in a statement waits for a "que ..." */
                world_sb_add(&b, "muy");
            world_sb_add(&b, a->es[g + 2 * pl]);
            break;
        case L_FR: {
            if (question)
                world_sb_add(&b, "est-ce que");
            sb_subj(w, &b, s, l, true);
            /* "je ne me sens pas", "je n'ai pas faim", "je ne suis pas" */
            char form[64];
            if (feel)
                snprintf(form, sizeof form, "%s", fv->fr[VT_PRES][p]);
            else if (a->es_tener)
                snprintf(form, sizeof form, "%s", have_form(w, tense, p, l));
            else
                snprintf(form, sizeof form, "%s",
                         w->verbs[w->v_ser].fr[tense == T_PAST ? VT_PAST : tense == T_FUT ? VT_FUT
                                                                                  : VT_PRES][p]);
            if (neg)
                fr_negated(&b, form);
            else
                world_sb_add(&b, form);
            if (very)
                world_sb_add(&b, really ? "vraiment" : so ? "tellement" : "très");
            world_sb_add(&b, a->fr[g + 2 * pl]);
            break;
        }
        default:
            sb_time(w, &b, time, false, l, true);
            sb_subj(w, &b, s, l, true);
            if (tense == T_FUT)
                world_sb_add(&b, "sẽ");
            if (question)
                world_sb_add(&b, a->kind == AK_COLOR ? "có phải" : "có");
            else if (neg)
                world_sb_add(&b, a->kind == AK_COLOR ? "không phải" : "không");
            if (feel)
                world_sb_add(&b, fv->vi); /* "tôi (không) thấy mệt" */
            if (very && !so)
                world_sb_add(&b, really ? "thật sự" : "rất");
            /* "rất vui", "không vui" (not "vui vẻ"), "bị hỏng" */
            world_sb_add(&b, a->vi_pred ? a->vi_pred : a->vi);
            if (so)
                world_sb_add(&b, "quá"); /* "Tôi mệt quá." */
            if (question)
                world_sb_add(&b, "không");
            break;
        }
        if (l != L_VI || !question)
            sb_time(w, &b, time, false, l, false);
        world_sb_add(&b, question ? "?" : ".");
    }
    finish_all(w, out);
}

static void render_describe(const struct world *w, const struct subj *s, int adj, int tense,
                            int time, bool neg, bool question, struct sentence *out)
{
    world_describe(w, s, adj, tense, time, neg, question, false, -1, out);
}

/* "S is (not) in the kitchen (time)." - also "Is S in the kitchen?". */
/* "The cat is in the kitchen.", "The keys are on the table.": subject s,
 * then the copula, then at[lang] (a location phrase). */
static void render_at(const struct world *w, const struct subj *s, const char *const *at,
                      int tense, int time, bool neg, bool question, struct sentence *out)
{
    int p = world_subj_person(w, s);
    bool thing = s->pron < 0 && !is_person(&w->nouns[s->np.noun]);
    snprintf(out->name, sizeof out->name, "%s", s->name);
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        struct wsb b;
        world_sb_init(&b, out->text[l], sizeof out->text[l]);
        switch (l) {
        case L_EN:
            if (question) {
                world_sb_add(&b, en_be[0][p]);
                sb_subj(w, &b, s, l, true);
            } else {
                sb_subj(w, &b, s, l, true);
                if (tense == T_FUT)
                    world_sb_add(&b, neg ? "will not be" : "will be");
                else
                    world_sb_add(&b, en_be[tense == T_PAST][p]);
                if (neg && tense != T_FUT)
                    world_sb_add(&b, "not");
            }
            break;
        case L_ES:
            if (question)
                world_sb_add(&b, "¿");
            sb_subj(w, &b, s, l, true);
            if (neg)
                world_sb_add(&b, "no");
            /* where a thing or an animal was is a state: "La llave estaba
             * sobre la mesa ayer" (a person's stay is bounded: "Ayer estuve
             * en casa") */
            copula(w, w->v_estar, tense, p, l, thing ? -1 : time, &b);
            break;
        case L_FR:
            if (question)
                world_sb_add(&b, "est-ce que");
            sb_subj(w, &b, s, l, true);
            if (neg)
                world_sb_add(&b, "ne");
            copula(w, w->v_estar, tense, p, l, time, &b);
            if (neg)
                world_sb_add(&b, "pas");
            break;
        default:
            sb_time(w, &b, time, false, l, true);
            sb_subj(w, &b, s, l, true);
            if (tense == T_FUT)
                world_sb_add(&b, "sẽ");
            if (question)
                world_sb_add(&b, "có");
            else if (neg)
                world_sb_add(&b, "không");
            break;
        }
        world_sb_add(&b, at[l]);
        sb_time(w, &b, time, false, l, false);
        if (question && l == L_VI)
            world_sb_add(&b, "không");
        world_sb_add(&b, question ? "?" : ".");
    }
    finish_all(w, out);
}

static void render_location(const struct world *w, const struct subj *s, int place, int tense,
                            int time, bool neg, bool question, struct sentence *out)
{
    render_at(w, s, w->places[place].at, tense, time, neg, question, out);
}

/* "on the table", "debajo de la cama", "à côté du lit", "ở trong túi":
 * position pos of positions.txt before the noun `furn` it is said with. */
static void position_phrases(const struct world *w, int pos, int furn,
                             char at[N_LANG][128])
{
    struct np np;
    np_clear(&np, furn);
    np.det = D_DEF;
    for (int l = 0; l < N_LANG; l++) {
        struct wsb b;
        world_sb_init(&b, at[l], sizeof at[l]);
        if (l == L_VI)
            world_sb_add(&b, "ở");
        world_sb_add(&b, w->pos[pos].text[l]);
        if (l == L_VI)
            world_sb_add(&b, w->nouns[furn].vi); /* no classifier: "ở trên bàn" */
        else
            sb_np(w, &b, &np, l, 0, NULL);
    }
}

/* ---- the kinds ---- */

/* Whether an adjective names a passing state (estar: tired, clean, hot;
 * tener: hungry) rather than a permanent trait (ser: tall, poor, red). */
static bool adj_state(const struct wadj *a)
{
    return a->es_estar || a->es_tener;
}

/* The states one says "I feel ..." of (not "I feel busy"; "hungry" is had:
 * "tengo hambre", never "me siento hambre"). */
static bool adj_felt(const struct wadj *a)
{
    static const char *const felt[] = {"tired", "happy", "sad", "sick", "nervous", "worried"};
    for (size_t i = 0; i < sizeof felt / sizeof *felt; i++)
        if (strcmp(a->id, felt[i]) == 0)
            return true;
    return false;
}


/* A pronoun subject (or a fifth of the time a first name) with a noun
 * standing for it (its adjectives, places). */
static int pronoun_subject(const struct world *w, struct pl_rng *r, struct subj *s)
{
    int proxy = chance(r, 20) ? name_subject(w, r, s) : -1;
    if (proxy >= 0)
        return proxy;
    s->name[0] = 0;
    s->pron = pick(r, w->n_prons);
    return w->prons[s->pron].gender == G_F ? w->c.woman : w->c.man;
}

static int k_describe(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    struct subj s = {.pron = -1};
    int proxy;
    if (chance(r, 30)) {
        proxy = pronoun_subject(w, r, &s);
    } else {
        proxy = pick_list(r, &w->c.describable);
        if (proxy < 0)
            return -1;
        np_subject(w, r, proxy, 8, &s.np);
        topic_np(w, &s.np, &out->label);
    }
    const struct wnoun *n = &w->nouns[proxy];
    if (!n->n_pred)
        return -1;
    int adj = n->pred[pick(r, n->n_pred)];
    if (s.pron < 0 && s.np.adj == adj)
        s.np.adj = -1;
    /* Only a state has a time ("She was tired yesterday"); a permanent
     * trait has none ("He is poor", never "He is very poor today"). */
    bool state = adj_state(&w->adjs[adj]);
    int tense = T_PRES, time = -1, t = pick(r, 100);
    if (state && t >= 75) {
        tense = t < 90 ? T_PAST : T_FUT;
        time = pick_list(r, tense == T_PAST ? &w->c.t_past : &w->c.t_fut);
    } else if (state && chance(r, 15)) {
        time = pick_list(r, &w->c.t_now);
    }
    render_describe(w, &s, adj, tense, time, chance(r, 30), false, out);
    return 0;
}

enum { POSITION_PCT = 25 }; /* location sentences beside furniture or inside a bag */

static int k_location(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    struct subj s = {.pron = -1};
    int proxy;
    if (w->n_pos && chance(r, POSITION_PCT)) {
        /* "The keys are on the table.", "The pen is in the bag." */
        int pi = pick(r, w->n_pos);
        const struct wpos *pos = &w->pos[pi];
        proxy = pick_list(r, &pos->things);
        np_subject(w, r, proxy, 20, &s.np);
        topic_np(w, &s.np, &out->label);
        char at[N_LANG][128];
        position_phrases(w, pi, pick_list(r, &pos->nouns), at);
        const char *const ats[N_LANG] = {at[0], at[1], at[2], at[3]};
        bool past = chance(r, 25);
        render_at(w, &s, ats, past ? T_PAST : T_PRES,
                  past ? pick_list(r, &w->c.t_past) : -1, chance(r, 20), false, out);
        return 0;
    }
    if (chance(r, 25)) {
        proxy = pronoun_subject(w, r, &s);
    } else {
        proxy = pick_list(r, &w->c.locatable);
        if (proxy < 0)
            return -1;
        np_subject(w, r, proxy, 20, &s.np);
        topic_np(w, &s.np, &out->label);
    }
    const struct wnoun *n = &w->nouns[proxy];
    if (!n->n_at)
        return -1;
    int place = n->at[pick(r, n->n_at)];
    topic_place(w, place, &out->label);
    int tense = T_PRES, time = -1, t = pick(r, 100);
    if (t >= 60) {
        tense = t < 80 ? T_PAST : T_FUT;
        time = pick_list(r, tense == T_PAST ? &w->c.t_past : &w->c.t_fut);
    } else if (t < 15) {
        time = pick_list(r, &w->c.t_now);
    }
    render_location(w, &s, place, tense, time, chance(r, 25), false, out);
    return 0;
}

enum { LOTS_PCT = 12 }; /* some of a kind said "a lot of" (k_exist, lots_object) */

static int k_exist(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    int place = pick(r, w->n_places);
    const struct wplace *pl = &w->places[place];
    int noun = pick_set(r, &pl->holds);
    const struct wnoun *n = &w->nouns[noun];
    if (n->flags & NF_POSSONLY)
        return -1;
    bool neg = chance(r, 25), mass = n->flags & NF_MASS, count = countable(n);
    struct np p;
    np_clear(&p, noun);
    if (mass) {
        p.det = D_BARE;
    } else if (neg) {
        if (!count)
            return -1;
        p.det = D_BARE;
        p.pl = true;
    } else {
        int d = pick(r, 10);
        p.det = d < 5 || !count ? D_INDEF : d < 8 ? D_NUM : D_BARE;
        p.pl = p.det != D_INDEF;
        if (p.det == D_NUM)
            p.num = pick_list(r, &w->c.counts);
    }
    if (!neg && (mass || count) && chance(r, LOTS_PCT)) {
        p.det = D_LOTS; /* "There are a lot of tourists in Hanoi." */
        p.pl = !mass;
    }
    if (n->n_adj && chance(r, 20))
        p.adj = n->adj[pick(r, n->n_adj)];
    int tense = T_PRES, time = -1, t = pick(r, 100), vt = VT_PRES;
    if (t >= 70) {
        tense = t < 85 ? T_PAST : T_FUT;
        vt = tense == T_PAST ? VT_PAST : VT_FUT;
        time = pick_list(r, tense == T_PAST ? &w->c.t_past : &w->c.t_fut);
    }
    const struct wverb *v = &w->verbs[w->v_there];
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        struct wsb b;
        world_sb_init(&b, out->text[l], sizeof out->text[l]);
        switch (l) {
        case L_EN: {
            static const char *const sg[] = {"there is", "there was", "there will be"};
            static const char *const plr[] = {"there are", "there were", "there will be"};
            world_sb_add(&b, p.pl ? plr[vt] : sg[vt]);
            if (neg)
                world_sb_add(&b, "no");
            sb_np(w, &b, &p, l, 0, NULL);
            break;
        }
        case L_ES:
            if (neg)
                world_sb_add(&b, "no");
            world_sb_add(&b, v->es[vt][P_3SG]);
            sb_np(w, &b, &p, l, 0, NULL);
            break;
        case L_FR:
            world_sb_add(&b, neg ? v->fr_neg[vt] : v->fr[vt][P_3SG]);
            sb_np(w, &b, &p, l, R_PARTITIVE | (neg ? R_NEGATED : 0), NULL);
            break;
        default:
            sb_time(w, &b, time, false, l, true);
            if (tense == T_FUT)
                world_sb_add(&b, "sẽ");
            if (neg)
                world_sb_add(&b, "không");
            world_sb_add(&b, v->vi);
            if (neg && count) {
                struct np q = p;
                q.det = D_DEF;
                q.pl = false;
                sb_np(w, &b, &q, l, 0, NULL);
                world_sb_add(&b, "nào");
            } else if (p.det == D_BARE && p.pl) {
                struct np q = p; /* "những con mèo" */
                q.det = D_DEF;
                sb_np(w, &b, &q, l, 0, NULL);
            } else {
                sb_np(w, &b, &p, l, 0, NULL);
            }
            break;
        }
        world_sb_add(&b, pl->at[l]);
        sb_time(w, &b, time, false, l, false);
        world_sb_add(&b, ".");
    }
    finish_all(w, out);
    topic_np(w, &p, &out->label);
    topic_place(w, place, &out->label);
    return 0;
}

static int k_this_is(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    int noun = pick_list(r, &w->c.showable);
    if (noun < 0)
        return -1;
    const struct wnoun *n = &w->nouns[noun];
    struct np p;
    np_clear(&p, noun);
    if (n->flags & NF_POSSONLY || (possessable(n) && chance(r, 35))) {
        p.det = D_POSS;
        p.poss = pick_poss(w, r, noun);
    } else {
        p.det = D_INDEF;
    }
    p.pl = plural_ok(n) && chance(r, 30);
    if (n->n_adj && !(n->flags & NF_POSSONLY) && chance(r, 45))
        p.adj = n->adj[pick(r, n->n_adj)];
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        struct wsb b;
        world_sb_init(&b, out->text[l], sizeof out->text[l]);
        switch (l) {
        case L_EN:
            world_sb_add(&b, world_np_pl(w, &p) ? "these are" : "this is");
            sb_np(w, &b, &p, l, 0, NULL);
            break;
        case L_ES: {
            bool f = n->es_g == G_F;
            world_sb_add(&b, world_np_pl(w, &p) ? (f ? "estas son" : "estos son")
                                                : (f ? "esta es" : "este es"));
            sb_np(w, &b, &p, l, 0, NULL);
            break;
        }
        case L_FR:
            world_sb_add(&b, world_np_pl(w, &p) ? "ce sont" : "c'est");
            sb_np(w, &b, &p, l, 0, NULL);
            break;
        default:
            world_sb_add(&b, "đây là");
            if (p.det == D_INDEF && p.pl) {
                /* "những quyển sách mới" */
                struct np q = p;
                q.det = D_DEF;
                q.pl = false;
                world_sb_add(&b, "những");
                sb_np(w, &b, &q, l, 0, NULL);
            } else {
                sb_np(w, &b, &p, l, 0, NULL);
            }
            break;
        }
        world_sb_add(&b, ".");
    }
    finish_all(w, out);
    topic_np(w, &p, &out->label);
    return 0;
}

/* Whether a noun names a group ("family"): no pronoun stands for it
 * ("My family is eating because she is hungry" is wrong in English). */
static bool is_group(const struct wnoun *n)
{
    return has_tag(n, "group");
}

/* The pronoun that stands for a subject: itself, or he, she or they. */
static int subject_pronoun(const struct world *w, const struct subj *s)
{
    if (s->pron >= 0)
        return s->pron;
    int person = world_subj_person(w, s), gender = world_subj_gender(w, s), any = -1;
    for (int i = 0; i < w->n_prons; i++)
        if (w->prons[i].person == person) {
            if (w->prons[i].gender == gender)
                return i;
            any = i;
        }
    return any >= 0 ? any : 0;
}

/* A place where verb v can happen.  People go wherever the verb says ("He
 * fishes in the river"); an animal only where it can be ("The dog sleeps in
 * the garden", never "in the hotel").  With an object (obj >= 0) a verb of
 * use atobj needs a place that holds it ("buys bread at the bakery"). */
static int place_for(const struct world *w, struct pl_rng *r, const struct wverb *v,
                     const struct subj *s, int obj)
{
    if (!v->place.n)
        return -1;
    bool person = s->pron >= 0 || is_person(&w->nouns[s->np.noun]);
    for (int t = 0; t < 12; t++) {
        int p = pick_set(r, &v->place);
        if (obj >= 0 && (v->uses & VU_ATOBJ) && !w->places[p].holds.has[obj])
            continue;
        if (person || w->places[p].holds.has[s->np.noun])
            return p;
    }
    return -1;
}

/* A verb clause with an object: statements (action, frequency,
 * progressive) and yes/no questions; PLACE_PCT of them say where, when the
 * verb has places, and of the others TO_PCT say who it goes to, when the
 * verb has recipients. */
enum { PLACE_PCT = 35, TO_PCT = 40 };
/* A verb of use `own` gives its object the subject's possessor: "She loves
 * her mother", "He failed his exam", never "She loves your husband". */
static int own_object(const struct world *w, const struct wverb *v, struct clause *c)
{
    if (!(v->uses & VU_OWN))
        return 0;
    if (c->s.pron < 0 && is_group(&w->nouns[c->s.np.noun]))
        return -1; /* no pronoun for a family */
    if (c->obj.det != D_POSS)
        return 0;
    c->obj.poss = subject_pronoun(w, &c->s);
    c->obj.refl = true;
    int person = w->prons[c->obj.poss].person;
    if ((w->nouns[c->obj.noun].flags & NF_SGPOSS) && person != P_1SG && person != P_2SG &&
        person != P_3SG)
        return -1; /* "They love their wife" */
    return 0;
}

/* Understanding a language is a state: said in the present at no time ("I
 * understand English", never "understood English yesterday"). */
static void language_state(const struct world *w, struct clause *c)
{
    if (c->has_obj && stative(&w->verbs[c->verb]) && world_is_language(&w->nouns[c->obj.noun])) {
        c->tense = T_PRES;
        c->time = c->day = c->clock = -1;
        c->going = false;
    }
}

static int transitive_clause(const struct world *w, struct pl_rng *r, int verb, struct clause *c)
{
    const struct wverb *v = &w->verbs[verb];
    c->verb = verb;
    if (!pick_subj(w, r, verb, &c->s))
        return -1;
    int obj = -1;
    for (int t = 0; t < 8 && obj < 0; t++) {
        obj = pick_set(r, &v->obj);
        if (c->s.pron < 0 && obj == c->s.np.noun)
            obj = -1;
    }
    if (obj < 0)
        return -1;
    c->has_obj = true;
    np_object(w, r, verb, obj, c->neg, &c->obj);
    if (own_object(w, v, c) != 0)
        return -1;
    /* where it happens: "I lost my umbrella at the station" */
    if (v->place.n && chance(r, PLACE_PCT))
        c->loc = place_for(w, r, v, &c->s, obj);
    /* or who it goes to: "She wrote a letter to her friend" */
    bool with = !v->to_with.n || v->to_with.has[obj]; /* letters, not books, are written to */
    if (c->loc < 0 && v->to.n && with && chance(r, TO_PCT)) {
        int to = pick_set(r, &v->to);
        if (to != c->obj.noun && (c->s.pron >= 0 || to != c->s.np.noun)) {
            np_clear(&c->to, to);
            c->to.det = D_DEF;
            /* "to her friend", "to my mother"; "to the teacher", never "to my
             * writer" */
            const struct wnoun *tn = &w->nouns[to];
            if ((tn->flags & NF_POSSONLY) || ((tn->flags & NF_VDIRECT) && chance(r, 70))) {
                c->to.det = D_POSS;
                c->to.poss = pick_poss(w, r, to);
            }
            c->has_to = true;
        }
    }
    language_state(w, c);
    return 0;
}

static void topic_clause(const struct world *w, const struct clause *c, int *label)
{
    topic_subj(w, &c->s, label);
    if (c->has_obj)
        topic_np(w, &c->obj, label);
    topic_place(w, c->loc, label);
    topic_place(w, c->dest, label);
}

/* Make clause c a present perfect, PERF_PCT of the time, when verb v has
 * a past and is no state: "I have already eaten", "Have you ever seen a
 * panda?" (no time phrase: never "I have eaten yesterday"). */
enum { PERF_PCT = 12 };
static void maybe_perfect(const struct wverb *v, struct pl_rng *r, struct clause *c)
{
    if (!(v->tenses & (1u << T_PAST)) || (v->uses & VU_STATE) || !chance(r, PERF_PCT))
        return;
    c->tense = T_PERF;
    c->time = c->day = c->clock = -1;
    c->going = false;
    if (c->question) {
        c->perf = chance(r, 50) ? PF_EVER : PF_PLAIN;
    } else {
        static const int kinds[] = {PF_PLAIN, PF_ALREADY, PF_ALREADY, PF_NEVER, PF_YET};
        c->perf = kinds[pick(r, 5)];
        c->neg = c->perf == PF_NEVER || c->perf == PF_YET; /* "ne ... pas de pain" */
    }
}

/* "Have you ever eaten the rice?" asks about one thing that happens once:
 * ever and never go with a kind of thing ("Have you ever eaten rice?", "I
 * have never built a house"). */
static void perfect_object(const struct world *w, struct clause *c)
{
    if (c->tense != T_PERF || !c->has_obj || (c->perf != PF_EVER && c->perf != PF_NEVER))
        return;
    if (c->obj.det == D_DEF || c->obj.det == D_POSS || c->obj.det == D_OWNER ||
        c->obj.det == D_NUM) {
        c->obj.det = (w->nouns[c->obj.noun].flags & NF_MASS) || c->obj.pl ? D_BARE : D_INDEF;
        c->obj.refl = false;
    }
}

/* "a lot of" for an object that is some of a kind, LOTS_PCT% of the time:
 * "She drinks a lot of water.", "We bought a lot of apples." (not under a
 * negation, nor after ever or never) */
static void lots_object(const struct world *w, struct pl_rng *r, struct clause *c)
{
    if (!c->has_obj || c->neg || c->tense == T_PERF)
        return;
    const struct wnoun *n = &w->nouns[c->obj.noun];
    bool mass = n->flags & NF_MASS;
    bool some = c->obj.det == D_NUM || (c->obj.det == D_BARE && (mass || c->obj.pl)) ||
                (c->obj.det == D_INDEF && c->obj.pl);
    bool language = world_is_language(n); /* not "speaks a lot of French" */
    if (some && !language && (mass || countable(n)) && chance(r, LOTS_PCT)) {
        c->obj.det = D_LOTS;
        c->obj.pl = !mass;
    }
}

static int k_action(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    struct clause c;
    clause_clear(&c);
    int verb = pick_list(r, &w->c.transitive);
    c.neg = chance(r, 25);
    pick_tense(w, r, &w->verbs[verb], 40, false, &c);
    maybe_perfect(&w->verbs[verb], r, &c);
    if (transitive_clause(w, r, verb, &c) != 0)
        return -1;
    perfect_object(w, &c);
    lots_object(w, r, &c);
    world_clause(w, &c, out);
    topic_clause(w, &c, &out->label);
    return 0;
}

static int k_frequency(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    struct clause c;
    clause_clear(&c);
    int verb = pick_list(r, &w->c.freq);
    const struct wverb *v = &w->verbs[verb];
    int adv = -1;
    for (int t = 0; t < 16 && adv < 0; t++) {
        adv = pick(r, w->n_advs);
        const struct wadv *a = &w->advs[adv];
        if (a->kind > ADV_NEVER || !a->verbs.has[verb] || !(a->tenses & 1u))
            adv = -1;
    }
    if (adv < 0)
        return -1;
    c.adv = adv;
    c.tense = T_PRES;
    if (v->obj.n && (!(v->uses & VU_INTR) || chance(r, 70))) {
        if (transitive_clause(w, r, verb, &c) != 0)
            return -1;
    } else {
        c.verb = verb;
        if (!pick_subj(w, r, verb, &c.s))
            return -1;
        if (v->uses & VU_PLACED)
            c.loc = place_for(w, r, v, &c.s, -1);
    }
    world_clause(w, &c, out);
    topic_clause(w, &c, &out->label);
    return 0;
}


static int k_intransitive(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    struct clause c;
    clause_clear(&c);
    int verb = pick_list(r, &w->c.intransitive);
    const struct wverb *v = &w->verbs[verb];
    c.verb = verb;
    if (!pick_subj(w, r, verb, &c.s))
        return -1;
    c.neg = chance(r, 20);
    pick_tense(w, r, v, 35, false, &c);
    int what = pick(r, 10);
    bool placed = v->uses & VU_PLACED;
    if (what < 4 && !placed) {
        for (int t = 0; t < 16 && c.adv < 0; t++) {
            int a = pick(r, w->n_advs);
            const struct wadv *ad = &w->advs[a];
            /* "not ... again" means "no longer" (no volver a, ne ... plus): not said */
            if ((ad->kind == ADV_MANNER || ad->kind == ADV_PLACE) && ad->verbs.has[verb] &&
                (ad->tenses & (1u << c.tense)) && !(c.neg && strcmp(ad->id, "again") == 0))
                c.adv = a;
        }
    } else if (what < 8 || placed) {
        c.loc = place_for(w, r, v, &c.s, -1);
    }
    world_clause(w, &c, out);
    topic_clause(w, &c, &out->label);
    return 0;
}

/* Where a verb of motion goes: any place that has a destination phrase;
 * MEANS_PCT of the time also how, when the place is beyond the house ("to
 * school by bus", "home by taxi", never "to the kitchen by bus").  -1 when
 * no place was found. */
enum { MEANS_PCT = 30 };
static int draw_dest(const struct world *w, struct pl_rng *r, struct clause *c)
{
    for (int t = 0; t < 16 && c->dest < 0; t++) {
        int p = pick(r, w->n_places);
        if (w->places[p].to[L_EN])
            c->dest = p;
    }
    if (c->dest < 0)
        return -1;
    const struct wplace *pl = &w->places[c->dest];
    bool indoors = false;
    for (int i = 0; i < pl->n_tags; i++)
        indoors |= strcmp(pl->tags[i], "household") == 0 || strcmp(pl->tags[i], "room") == 0;
    if ((indoors && strcmp(pl->id, "home") != 0) || !chance(r, MEANS_PCT))
        return 0;
    for (int t = 0; t < 16; t++) {
        int a = pick(r, w->n_advs);
        if (w->advs[a].kind == ADV_MEANS && w->advs[a].verbs.has[c->verb]) {
            c->adv = a;
            break;
        }
    }
    return 0;
}

static int k_motion(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    struct clause c;
    clause_clear(&c);
    int verb = pick_list(r, &w->c.motion);
    c.verb = verb;
    if (!pick_subj(w, r, verb, &c.s))
        return -1;
    if (draw_dest(w, r, &c) != 0)
        return -1;
    c.neg = chance(r, 20);
    pick_tense(w, r, &w->verbs[verb], 60, false, &c);
    world_clause(w, &c, out);
    topic_clause(w, &c, &out->label);
    return 0;
}

static int k_progressive(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    struct clause c;
    clause_clear(&c);
    int verb = pick_list(r, &w->c.prog);
    const struct wverb *v = &w->verbs[verb];
    c.tense = T_PROG;
    if (v->obj.n && (!(v->uses & VU_INTR) || chance(r, 60))) {
        if (transitive_clause(w, r, verb, &c) != 0)
            return -1;
    } else {
        c.verb = verb;
        if (!pick_subj(w, r, verb, &c.s))
            return -1;
        if (chance(r, 50) || (v->uses & VU_PLACED))
            c.loc = place_for(w, r, v, &c.s, -1);
    }
    if (chance(r, 35))
        c.time = pick_list(r, &w->c.t_now);
    world_clause(w, &c, out);
    topic_clause(w, &c, &out->label);
    return 0;
}

static void use_langs(struct sentence out[3])
{
    unsigned all = (1u << N_LANG) - 1;
    for (int k = 0; k < 3; k++) {
        out[k].langs = k == 0 ? all : k == 1 ? all & ~(1u << L_EN) : 1u << L_EN;
        out[k].kind = K_ACTION;
        out[k].label = -1;
        out[k].fixed = false;
    }
}

/* "My father was under the weather yesterday.": a state, with the time
 * phrases of k_describe's states. */
static int idiom_pred_use(const struct world *w, struct pl_rng *r, const int pred[3],
                          struct sentence out[3])
{
    struct subj s = {.pron = -1};
    if (chance(r, 45)) {
        pronoun_subject(w, r, &s);
    } else {
        int n = pick_subject_noun(w, r, &w->adjs[pred[0]].for_);
        if (n < 0)
            return -1;
        np_subject(w, r, n, 10, &s.np);
    }
    int tense = T_PRES, time = -1, t = pick(r, 100);
    if (t >= 55) {
        tense = t < 85 ? T_PAST : T_FUT;
        time = chance(r, 70) ? pick_list(r, tense == T_PAST ? &w->c.t_past : &w->c.t_fut) : -1;
        if (time >= 0 && strncmp(w->times[time].id, "in_", 3) == 0)
            time = -1; /* not "over the moon in ten minutes" */
    } else if (chance(r, 30)) {
        time = pick_list(r, &w->c.t_now);
    }
    use_langs(out);
    for (int k = 0; k < 3; k++) /* affirmative: "không không được khỏe" */
        world_describe(w, &s, pred[k], tense, time, false, false, false, 0, &out[k]);
    return 0;
}

int world_idiom_use(const struct world *w, struct pl_rng *r, const struct widiom *id,
                    struct sentence out[3])
{
    if (id->pred[0] >= 0)
        return idiom_pred_use(w, r, id->pred, out);
    if (id->vp[0] < 0)
        return -1;
    const int *vp = id->vp;
    struct clause c;
    clause_clear(&c);
    const struct wverb *v = &w->verbs[vp[0]];
    c.verb = vp[0];
    /* "I kicked the bucket" is said of others (uses third) */
    bool ok = false;
    for (int tries = 0; tries < 16 && !ok; tries++) {
        if (!pick_subj(w, r, vp[0], &c.s))
            return -1;
        int person = c.s.pron >= 0 ? w->prons[c.s.pron].person : P_3SG;
        ok = !(v->uses & VU_THIRD) || person == P_3SG || person == P_3PL;
    }
    if (!ok)
        return -1;
    c.neg = chance(r, 15);
    if ((v->tenses & (1u << T_PROG)) && chance(r, 20)) {
        c.tense = T_PROG;
        c.neg = false; /* Vietnamese says "đang" whatever the polarity */
        if (chance(r, 35))
            c.time = pick_list(r, &w->c.t_now);
        if (c.time >= 0 && !time_fits(w, v, c.time))
            c.time = -1;
    } else {
        pick_tense(w, r, v, 50, false, &c);
        c.going = false; /* "va a irse de la lengua": the pronoun would move */
    }
    /* the same clause with each verb: idiomatic, literal, and the meaning
     * in English */
    use_langs(out);
    for (int k = 0; k < 3; k++) {
        c.verb = vp[k];
        world_clause(w, &c, &out[k]);
    }
    return 0;
}

/* Subject s as the Spanish dative of gustar: "me", "a él le", "a Lan le",
 * "a mi hermano le", "a mis padres les". */
static void es_dative(const struct world *w, const struct subj *s, char *out, size_t cap)
{
    if (s->name[0]) {
        snprintf(out, cap, "a %s le", s->name);
    } else if (s->pron >= 0) {
        snprintf(out, cap, "%s", w->prons[s->pron].es_dat);
    } else {
        char np[160];
        if (world_np(w, &s->np, L_ES, 0, "a", np, sizeof np) < 0)
            np[0] = 0;
        snprintf(out, cap, "%s %s", np, world_np_pl(w, &s->np) ? "les" : "le");
    }
}

static int k_likes(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    int verb = w->c.like;
    const struct wverb *v = &w->verbs[verb];
    struct subj s = {.pron = -1};
    if (chance(r, 50)) {
        s.pron = pick(r, w->n_prons);
    } else if (chance(r, 15) && name_subject(w, r, &s) >= 0) {
        snprintf(out->name, sizeof out->name, "%s", s.name);
    } else {
        s.pron = -1;
        int n = pick_subject_noun(w, r, &v->subj);
        if (n < 0)
            return -1;
        np_subject(w, r, n, 10, &s.np);
    }
    int noun = pick_set(r, &v->obj);
    const struct wnoun *n = &w->nouns[noun];
    struct np o;
    np_clear(&o, noun);
    o.det = D_KIND;
    o.pl = countable(n);
    if (n->flags & NF_SG && !(n->flags & NF_MASS))
        o.det = D_DEF; /* "the sun" */
    bool neg = chance(r, 25);
    int p = world_subj_person(w, &s);
    bool third = p == P_3SG;
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        struct wsb b;
        world_sb_init(&b, out->text[l], sizeof out->text[l]);
        switch (l) {
        case L_EN:
            sb_subj(w, &b, &s, l, false);
            if (neg) {
                world_sb_add(&b, third ? "does not" : "do not");
                world_sb_add(&b, v->en[0]);
            } else {
                world_sb_add(&b, third ? v->en[1] : v->en[0]);
            }
            break;
        case L_ES: {
            /* "A mi hermano le gustan los gatos", "No me gusta el café" */
            char dat[200];
            es_dative(w, &s, dat, sizeof dat);
            char *last = strrchr(dat, ' ');
            if (last) {
                *last = 0;
                world_sb_add(&b, dat);
                if (neg)
                    world_sb_add(&b, "no");
                world_sb_add(&b, last + 1);
            } else {
                if (neg)
                    world_sb_add(&b, "no");
                world_sb_add(&b, dat);
            }
            world_sb_add(&b, v->es[VT_PRES][o.pl ? P_3PL : P_3SG]);
            break;
        }
        case L_FR:
            sb_subj(w, &b, &s, l, false);
            if (neg)
                world_sb_add(&b, "ne");
            world_sb_add(&b, v->fr[VT_PRES][p]);
            if (neg)
                world_sb_add(&b, "pas");
            break;
        default:
            sb_subj(w, &b, &s, l, false);
            if (neg)
                world_sb_add(&b, "không");
            world_sb_add(&b, v->vi);
            break;
        }
        sb_np(w, &b, &o, l, 0, NULL);
        world_sb_add(&b, ".");
    }
    finish_all(w, out);
    topic_subj(w, &s, &out->label);
    topic_np(w, &o, &out->label);
    return 0;
}

static int k_possessive(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    struct np owner, thing;
    int on = pick_list(r, &w->c.owners), tn = pick_list(r, &w->c.owned);
    if (on < 0 || tn < 0)
        return -1;
    np_clear(&owner, on);
    if (w->nouns[on].flags & NF_POSSONLY || ((w->nouns[on].flags & NF_VDIRECT) && chance(r, 60))) {
        owner.det = D_POSS;
        owner.poss = pick_poss(w, r, on);
    }
    const struct wnoun *n = &w->nouns[tn];
    np_clear(&thing, tn);
    thing.det = D_OWNER;
    thing.owner = &owner;
    thing.pl = plural_ok(n) && chance(r, 20);
    struct subj s = {.pron = -1, .np = thing};
    int tense = T_PRES, time = -1;
    if (chance(r, 20)) {
        tense = T_PAST;
        time = pick_list(r, &w->c.t_past);
    }
    if (n->n_pred && (!n->n_at || chance(r, 50))) {
        int adj = n->pred[pick(r, n->n_pred)];
        if (!adj_state(&w->adjs[adj]))
            tense = T_PRES, time = -1;
        render_describe(w, &s, adj, tense, time, chance(r, 20), false, out);
    } else {
        int place = n->at[pick(r, n->n_at)];
        render_location(w, &s, place, tense, time, chance(r, 20), false, out);
        topic_place(w, place, &out->label);
    }
    topic_np(w, &thing, &out->label);
    return 0;
}

static int k_imperative(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    int verb = pick_list(r, &w->c.imp);
    const struct wverb *v = &w->verbs[verb];
    struct np o;
    bool has_obj = v->obj.n > 0;
    int you = world_pron_index(w, "you");
    if (has_obj) {
        int noun = pick_set(r, &v->obj);
        const struct wnoun *n = &w->nouns[noun];
        np_clear(&o, noun);
        if (v->uses & VU_GENERIC) {
            o.det = D_GENERIC;
        } else if ((n->flags & NF_POSSONLY) || (you >= 0 && possessable(n) && chance(r, 25) &&
                                                !(n->flags & NF_MASS))) {
            o.det = D_POSS;
            o.poss = you >= 0 ? you : 0;
        } else if (strcmp(n->cat, "animals") == 0) {
            o.det = D_INDEF;
        }
        if (n->n_adj && o.det != D_POSS && chance(r, 15))
            o.adj = n->adj[pick(r, n->n_adj)];
        topic_np(w, &o, &out->label);
    }
    int form = pick(r, 4); /* 0, 1: plain; 2: please; 3: don't */
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        struct wsb b;
        world_sb_init(&b, out->text[l], sizeof out->text[l]);
        const char *prep = NULL;
        unsigned role = 0;
        switch (l) {
        case L_EN:
            if (form == 2)
                world_sb_add(&b, "please");
            if (form == 3)
                world_sb_add(&b, "don't");
            world_sb_add(&b, v->en[0]);
            prep = v->en_obj;
            break;
        case L_ES:
            if (form == 2)
                world_sb_add(&b, "por favor,");
            world_sb_add(&b, v->es_imp[form == 3]);
            prep = v->es_obj ? v->es_obj
                 : has_obj && (is_person(&w->nouns[o.noun])) ? "a" : NULL;
            break;
        case L_FR: {
            const char *sp = strchr(v->fr_imp, ' ');
            if (form == 3) {
                /* "ne" before the verb, "pas" after it: "ne rends pas visite" */
                char first[64];
                size_t k = sp ? (size_t)(sp - v->fr_imp) : strlen(v->fr_imp);
                if (k >= sizeof first)
                    k = sizeof first - 1;
                memcpy(first, v->fr_imp, k);
                first[k] = 0;
                world_sb_add(&b, "ne");
                world_sb_add(&b, first);
                world_sb_add(&b, "pas");
                if (sp)
                    world_sb_add(&b, sp + 1);
            } else {
                world_sb_add(&b, v->fr_imp);
            }
            prep = v->fr_obj;
            role = form == 3 ? R_NEGATED : 0;
            break;
        }
        default:
            world_sb_add(&b, form == 2 ? "làm ơn" : form == 3 ? "đừng" : "hãy");
            world_sb_add(&b, has_obj || !v->vi_intr ? v->vi : v->vi_intr);
            prep = v->vi_obj;
            break;
        }
        if (has_obj)
            sb_np(w, &b, &o, l, role, prep);
        if (l == L_FR && form == 2)
            world_sb_add(&b, ", s'il te plaît");
        world_sb_add(&b, ".");
    }
    finish_all(w, out);
    return 0;
}

static int k_weather(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    const struct wweather *wt = &w->weather[pick(r, w->n_weather)];
    int form = pick(r, 4), time = -1;
    bool day_habit = false;
    switch (form) {
    case WF_NOW:
        if (chance(r, 50))
            time = pick_list(r, &w->c.t_now);
        break;
    case WF_HABIT:
        if (chance(r, 25)) {
            time = pick_list(r, &w->c.t_day);
            day_habit = time >= 0;
        } else if (chance(r, 30)) {
            time = pick_list(r, &w->c.t_month);
        }
        if (time < 0)
            time = pick_list(r, &w->c.t_habit);
        break;
    case WF_PAST:
        time = pick_list(r, chance(r, 85) ? &w->c.t_past : &w->c.t_day);
        break;
    default:
        time = pick_list(r, chance(r, 85) ? &w->c.t_fut : &w->c.t_day);
        break;
    }
    int city = chance(r, 50) ? pick_list(r, &w->c.cities) : -1;
    /* no snow in Ho Chi Minh City, none in summer (weather.txt "not") */
    if ((city >= 0 && wt->not_places.has[city]) ||
        (time >= 0 && (w->times[time].use & wt->not_times)))
        return -1;
    bool perfect = form == WF_PAST && world_time_today(w, time);
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        struct wsb b;
        world_sb_init(&b, out->text[l], sizeof out->text[l]);
        if (l == L_VI)
            sb_time(w, &b, time, day_habit, l, true);
        if (l == L_VI && city >= 0)
            world_sb_add(&b, w->places[city].at[l]);
        world_sb_add(&b, l == L_ES && perfect ? wt->es_perf : wt->text[l][form]);
        if (l != L_VI && city >= 0)
            world_sb_add(&b, w->places[city].at[l]);
        sb_time(w, &b, time, day_habit, l, false);
        world_sb_add(&b, ".");
    }
    finish_all(w, out);
    for (int i = 0; i < w->n_labels; i++)
        if (strcmp(w->labels[i].name, "weather") == 0)
            out->label = world_topic_merge(out->label, i);
    topic_place(w, city, &out->label);
    return 0;
}

static int k_clock(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    struct clause c;
    clause_clear(&c);
    int verb = pick_list(r, &w->c.clock);
    c.verb = verb;
    if (!pick_subj(w, r, verb, &c.s))
        return -1;
    pick_tense(w, r, &w->verbs[verb], 0, false, &c);
    c.clock = pick_list(r, &w->c.hours);
    if (c.clock >= 0 && w->nums[c.clock].value != 12 && chance(r, 40))
        /* "at half past seven", "at a quarter to nine" (twelve: "midi et quart") */
        c.clock_part = 1 + pick(r, N_CLOCK_PART - 1);
    if (chance(r, 35))
        c.day = pick_list(r, &w->c.t_day);
    c.neg = chance(r, 15);
    world_clause(w, &c, out);
    topic_clause(w, &c, &out->label);
    return 0;
}

/* The clause of a yes/no question: "Does your brother speak French?", "Did
 * you go to the market yesterday?", "Have you ever eaten fish?" */
static int question_clause(const struct world *w, struct pl_rng *r, struct clause *out)
{
    struct clause c;
    clause_clear(&c);
    c.question = true;
    int what = pick(r, 10);
    if (what < 6) {
        int verb = pick_list(r, &w->c.transitive);
        pick_tense(w, r, &w->verbs[verb], 20, true, &c);
        if (chance(r, 15) && (w->verbs[verb].tenses & (1u << T_PROG)))
            c.tense = T_PROG, c.time = -1;
        else
            maybe_perfect(&w->verbs[verb], r, &c);
        if (transitive_clause(w, r, verb, &c) != 0)
            return -1;
        perfect_object(w, &c);
    } else if (what < 8) {
        int verb = pick_list(r, &w->c.motion);
        c.verb = verb;
        if (!pick_subj(w, r, verb, &c.s))
            return -1;
        if (draw_dest(w, r, &c) != 0)
            return -1;
        pick_tense(w, r, &w->verbs[verb], 40, true, &c);
    } else {
        int verb = pick_list(r, &w->c.intransitive);
        c.verb = verb;
        if (!pick_subj(w, r, verb, &c.s))
            return -1;
        pick_tense(w, r, &w->verbs[verb], 20, true, &c);
        if (chance(r, 50) || (w->verbs[verb].uses & VU_PLACED))
            c.loc = place_for(w, r, &w->verbs[verb], &c.s, -1);
    }
    *out = c;
    return 0;
}

static int k_yes_no(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    struct clause c;
    if (question_clause(w, r, &c) != 0)
        return -1;
    world_clause(w, &c, out);
    topic_clause(w, &c, &out->label);
    return 0;
}

/* A person and a passing state of theirs ("I am hungry", "My sister is
 * tired"): x (0-9) picks I or you (0-3), another pronoun or a name (4-6) or
 * a noun phrase (7-9).  Returns the adjective, or -1. */
static int draw_state(const struct world *w, struct pl_rng *r, int x, struct subj *s,
                      int *label)
{
    int proxy = -1;
    if (x < 4) {
        s->pron = world_pron_index(w, x < 2 ? "i" : "you");
        if (s->pron < 0)
            s->pron = 0;
        proxy = w->c.man;
    } else if (x < 7) {
        proxy = pronoun_subject(w, r, s);
    } else {
        for (int t = 0; t < 16 && proxy < 0; t++) {
            int n = pick_list(r, &w->c.describable);
            if (n >= 0 && is_person(&w->nouns[n]))
                proxy = n;
        }
        if (proxy < 0)
            return -1;
        np_subject(w, r, proxy, 5, &s->np);
        topic_np(w, &s->np, label);
    }
    const struct wnoun *n = &w->nouns[proxy];
    int adj = -1;
    for (int t = 0; t < 16 && adj < 0; t++) {
        int a = n->pred[pick(r, n->n_pred)];
        if (adj_state(&w->adjs[a]) && w->adjs[a].kind != AK_PLAIN)
            adj = a;
    }
    if (adj >= 0 && s->pron < 0 && s->np.adj == adj)
        s->np.adj = -1;
    return adj;
}

/* A Spanish question about a state, its subject moved last: "¿Su esposa
 * está nerviosa?" -> "¿Está nerviosa su esposa?" (a pronoun is not said). */
static void es_subject_last(const struct world *w, const struct subj *s, struct sentence *q)
{
    char subj[128], head[136];
    struct wsb b;
    world_sb_init(&b, subj, sizeof subj);
    world_subj(w, s, L_ES, true, &b);
    if (!subj[0])
        return;
    snprintf(head, sizeof head, "¿%s ", subj);
    world_case_first(head + strlen("¿"), true);
    char *t = q->text[L_ES];
    size_t k = strlen(head), n = strlen(t);
    if (strncmp(t, head, k) != 0 || n < k + 1 || t[n - 1] != '?')
        return;
    char moved[sizeof q->text[0]];
    snprintf(moved, sizeof moved, "¿%.*s %s?", (int)(n - k - 1), t + k, subj);
    world_case_first(moved + strlen("¿"), true);
    snprintf(t, sizeof q->text[0], "%s", moved);
}

/* "Why are you tired?", "Why did she go to the park?": the yes/no question
 * after "why" ("¿Por qué estás cansado?", "Pourquoi est-ce qu'elle est
 * allée au parc ?"); Vietnamese asks the statement ("Tại sao bạn mệt?"). */
static int k_why(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    static const struct wframe why = {"", 0, {"Why {clause}", "¿Por qué {clause}",
                                              "Pourquoi {clause}", "Tại sao {clause}?"},
                                      NULL};
    struct sentence q = {.langs = out->langs & ~(1u << L_VI)}, st = {.langs = 1u << L_VI};
    if (chance(r, 40)) {
        struct subj s = {.pron = -1};
        int adj = draw_state(w, r, 2 + pick(r, 8), &s, &out->label);
        if (adj < 0 || (s.pron >= 0 && w->prons[s.pron].person == P_1PL))
            return -1; /* not "Tại sao chúng tôi mệt?": the state form has no asked "we" */
        world_describe(w, &s, adj, T_PRES, -1, false, true, false, 0, &q);
        world_describe(w, &s, adj, T_PRES, -1, false, false, false, 0, &st);
        es_subject_last(w, &s, &q);
    } else {
        struct clause c;
        if (question_clause(w, r, &c) != 0 || c.tense == T_PERF)
            return -1; /* not "Why have you ever eaten fish?" */
        c.es_invert = true;
        world_clause(w, &c, &q);
        c.question = false;
        c.asked = true; /* "Tại sao chúng ta ...?" */
        world_clause(w, &c, &st);
        topic_clause(w, &c, &out->label);
    }
    snprintf(out->name, sizeof out->name, "%s", q.name);
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        const char *t = l == L_VI ? st.text[l] : q.text[l];
        if (l == L_ES && strncmp(t, "¿", strlen("¿")) == 0)
            t += strlen("¿");
        world_framed(w, &why, t, q.name, l, out->text[l], sizeof out->text[l]);
        world_finish(w, l, out->text[l], sizeof out->text[l]);
    }
    return 0;
}

static int k_yes_no_be(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    struct subj s = {.pron = -1};
    if (!w->c.locatable.n || !w->c.describable.n)
        return -1;
    if (chance(r, 50)) {
        int noun = pick_list(r, &w->c.locatable);
        np_subject(w, r, noun, 15, &s.np);
        const struct wnoun *n = &w->nouns[noun];
        int place = n->at[pick(r, n->n_at)];
        render_location(w, &s, place, T_PRES, -1, false, true, out);
        topic_place(w, place, &out->label);
    } else {
        int noun = pick_list(r, &w->c.describable);
        np_subject(w, r, noun, 10, &s.np);
        const struct wnoun *n = &w->nouns[noun];
        int adj = n->pred[pick(r, n->n_pred)];
        if (s.np.adj == adj)
            s.np.adj = -1;
        render_describe(w, &s, adj, T_PRES, -1, false, true, out);
    }
    topic_np(w, &s.np, &out->label);
    return 0;
}

enum { KNOW_WHERE_PCT = 30 };
static int k_where(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    struct subj s = {.pron = -1};
    if (!w->c.locatable.n)
        return -1;
    if (chance(r, 50) || !w->c.where.n) {
        /* "Where is the cat?", and asked politely, "Do you know where the
         * cat is?", "¿Sabes dónde está el gato?", "Tu sais où est le chat ?",
         * "Bạn có biết con mèo ở đâu không?" */
        int noun = pick_list(r, &w->c.locatable);
        np_subject(w, r, noun, 15, &s.np);
        int p = world_subj_person(w, &s);
        bool know = chance(r, KNOW_WHERE_PCT);
        for (int l = 0; l < N_LANG; l++) {
            if (!(out->langs & (1u << l)))
                continue;
            struct wsb b;
            world_sb_init(&b, out->text[l], sizeof out->text[l]);
            switch (l) {
            case L_EN:
                world_sb_add(&b, know ? "do you know where" : "where");
                if (!know)
                    world_sb_add(&b, en_be[0][p]);
                sb_subj(w, &b, &s, l, true);
                if (know)
                    world_sb_add(&b, en_be[0][p]);
                break;
            case L_ES:
                world_sb_add(&b, "¿");
                world_sb_add(&b, know ? "sabes dónde" : "dónde");
                copula(w, w->v_estar, T_PRES, p, l, -1, &b);
                sb_subj(w, &b, &s, l, true);
                break;
            case L_FR:
                world_sb_add(&b, know ? "tu sais où" : "où");
                copula(w, w->v_estar, T_PRES, p, l, -1, &b);
                sb_subj(w, &b, &s, l, true);
                break;
            default:
                if (know)
                    world_sb_add(&b, "bạn có biết");
                sb_subj(w, &b, &s, l, true);
                world_sb_add(&b, know ? "ở đâu không" : "ở đâu");
                break;
            }
            world_sb_add(&b, "?");
        }
        finish_all(w, out);
        topic_np(w, &s.np, &out->label);
        return 0;
    }
    /* "Where does your father work?" */
    int verb = pick_list(r, &w->c.where);
    const struct wverb *v = &w->verbs[verb];
    if (!pick_subj(w, r, verb, &s))
        return -1;
    int tense = T_PRES, time = -1;
    if ((v->tenses & (1u << T_PAST)) && chance(r, 30)) {
        tense = T_PAST;
        time = pick_list(r, &w->c.t_past);
    }
    int p = world_subj_person(w, &s);
    snprintf(out->name, sizeof out->name, "%s", s.name);
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        struct wsb b;
        world_sb_init(&b, out->text[l], sizeof out->text[l]);
        switch (l) {
        case L_EN:
            world_sb_add(&b, "where");
            world_sb_add(&b, tense == T_PAST ? "did" : p == P_3SG ? "does" : "do");
            sb_subj(w, &b, &s, l, true);
            world_sb_add(&b, v->en[0]);
            break;
        case L_ES: {
            char group[160];
            world_es_verb(w, verb, tense, p, time, group, sizeof group);
            world_sb_add(&b, "¿");
            world_sb_add(&b, "dónde");
            world_sb_add(&b, group);
            sb_subj(w, &b, &s, l, true);
            break;
        }
        case L_FR: {
            char group[160];
            world_fr_verb(w, verb, tense, &s, group, sizeof group);
            world_sb_add(&b, "où est-ce que");
            sb_subj(w, &b, &s, l, true);
            world_sb_add(&b, group);
            break;
        }
        default:
            sb_time(w, &b, time, false, l, true);
            world_subj_vi_asked(w, &s, &b);
            if (tense == T_PAST && !(v->uses & VU_STATE))
                world_sb_add(&b, "đã");
            world_sb_add(&b, v->vi_intr ? v->vi_intr : v->vi);
            world_sb_add(&b, "ở đâu");
            break;
        }
        sb_time(w, &b, time, false, l, false);
        world_sb_add(&b, "?");
    }
    finish_all(w, out);
    topic_subj(w, &s, &out->label);
    return 0;
}

static int k_what(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    if (!w->c.what.n)
        return -1;
    int verb = pick_list(r, &w->c.what);
    const struct wverb *v = &w->verbs[verb];
    struct clause c;
    clause_clear(&c);
    c.verb = verb;
    if (!pick_subj(w, r, verb, &c.s))
        return -1;
    pick_tense(w, r, v, 15, true, &c);
    /* "What are you eating (now)?", "¿Qué estás comiendo?", "Bạn đang ăn gì?" */
    bool prog = (v->tenses & (1u << T_PROG)) && chance(r, 25);
    if (prog) {
        c.tense = T_PROG;
        c.time = chance(r, 30) ? pick_list(r, &w->c.t_now) : -1;
        if (c.time >= 0 && !time_fits(w, v, c.time))
            c.time = -1;
    }
    int p = world_subj_person(w, &c.s);
    snprintf(out->name, sizeof out->name, "%s", c.s.name);
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        struct wsb b;
        world_sb_init(&b, out->text[l], sizeof out->text[l]);
        switch (l) {
        case L_EN:
            world_sb_add(&b, "what");
            world_sb_add(&b, prog ? en_be[0][p] : c.tense == T_PAST ? "did"
                           : c.tense == T_FUT ? "will" : p == P_3SG ? "does" : "do");
            sb_subj(w, &b, &c.s, l, true);
            world_sb_add(&b, prog ? v->en[3] : v->en[0]);
            break;
        case L_ES: {
            char group[160];
            if (prog)
                snprintf(group, sizeof group, "%s %s", w->verbs[w->v_estar].es[VT_PRES][p],
                         v->es_ger);
            else
                world_es_verb(w, verb, c.tense, p, c.time, group, sizeof group);
            world_sb_add(&b, "¿");
            world_sb_add(&b, "qué");
            world_sb_add(&b, group);
            sb_subj(w, &b, &c.s, l, true);
            break;
        }
        case L_FR: {
            char group[160];
            world_fr_verb(w, verb, prog ? T_PRES : c.tense, &c.s, group, sizeof group);
            world_sb_add(&b, "qu'est-ce que");
            sb_subj(w, &b, &c.s, l, true);
            world_sb_add(&b, group);
            break;
        }
        default:
            sb_time(w, &b, c.time, c.tense == T_PRES, l, true);
            world_subj_vi_asked(w, &c.s, &b);
            if (c.tense == T_PAST && !(v->uses & VU_STATE))
                world_sb_add(&b, "đã");
            if (c.tense == T_FUT)
                world_sb_add(&b, "sẽ");
            if (prog)
                world_sb_add(&b, "đang");
            world_sb_add(&b, v->vi);
            world_sb_add(&b, "gì");
            break;
        }
        sb_time(w, &b, c.time, c.tense == T_PRES, l, false);
        world_sb_add(&b, "?");
    }
    finish_all(w, out);
    topic_subj(w, &c.s, &out->label);
    return 0;
}

static int k_who(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    const struct wnoun *man = &w->nouns[w->c.man];
    if (!man->n_at)
        return -1;
    int place = man->at[pick(r, man->n_at)];
    const struct wplace *pl = &w->places[place];
    bool past = chance(r, 30);
    int time = past ? pick_list(r, &w->c.t_past) : -1;
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        struct wsb b;
        world_sb_init(&b, out->text[l], sizeof out->text[l]);
        switch (l) {
        case L_EN:
            world_sb_add(&b, past ? "who was" : "who is");
            break;
        case L_ES:
            world_sb_add(&b, "¿");
            world_sb_add(&b, "quién");
            copula(w, w->v_estar, past ? T_PAST : T_PRES, P_3SG, l, time, &b);
            break;
        case L_FR:
            world_sb_add(&b, "qui");
            copula(w, w->v_estar, past ? T_PAST : T_PRES, P_3SG, l, time, &b);
            break;
        default:
            sb_time(w, &b, time, false, l, true);
            world_sb_add(&b, "ai");
            break;
        }
        world_sb_add(&b, pl->at[l]);
        sb_time(w, &b, time, false, l, false);
        world_sb_add(&b, "?");
    }
    finish_all(w, out);
    topic_place(w, place, &out->label);
    return 0;
}

static int k_what_color(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    int noun = pick_list(r, &w->c.colored);
    if (noun < 0)
        return -1;
    struct subj s = {.pron = -1};
    np_subject(w, r, noun, 0, &s.np);
    int p = world_subj_person(w, &s);
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        struct wsb b;
        world_sb_init(&b, out->text[l], sizeof out->text[l]);
        switch (l) {
        case L_EN:
            world_sb_add(&b, "what color");
            world_sb_add(&b, en_be[0][p]);
            sb_subj(w, &b, &s, l, true);
            break;
        case L_ES:
            world_sb_add(&b, "¿");
            world_sb_add(&b, "de qué color");
            copula(w, w->v_ser, T_PRES, p, l, -1, &b);
            sb_subj(w, &b, &s, l, true);
            break;
        case L_FR:
            world_sb_add(&b, "de quelle couleur");
            copula(w, w->v_ser, T_PRES, p, l, -1, &b);
            sb_subj(w, &b, &s, l, true);
            break;
        default:
            sb_subj(w, &b, &s, l, true);
            world_sb_add(&b, "màu gì");
            break;
        }
        world_sb_add(&b, "?");
    }
    finish_all(w, out);
    topic_np(w, &s.np, &out->label);
    return 0;
}

static int k_how_many(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    int noun = pick_list(r, &w->c.countable);
    if (noun < 0)
        return -1;
    const struct wnoun *n = &w->nouns[noun];
    int place = n->at[pick(r, n->n_at)];
    const struct wplace *pl = &w->places[place];
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        struct wsb b;
        world_sb_init(&b, out->text[l], sizeof out->text[l]);
        switch (l) {
        case L_EN:
            world_sb_add(&b, "how many");
            world_sb_add(&b, n->en[1]);
            world_sb_add(&b, "are there");
            break;
        case L_ES:
            world_sb_add(&b, "¿");
            world_sb_add(&b, n->es_g == G_F ? "cuántas" : "cuántos");
            world_sb_add(&b, n->es[1]);
            world_sb_add(&b, "hay");
            break;
        case L_FR:
            world_sb_add(&b, "combien de");
            world_sb_add(&b, n->fr[1]);
            world_sb_add(&b, "y a-t-il");
            break;
        default:
            world_sb_add(&b, "có bao nhiêu");
            world_sb_add(&b, n->vi_cl);
            world_sb_add(&b, n->vi);
            break;
        }
        world_sb_add(&b, pl->at[l]);
        world_sb_add(&b, "?");
    }
    finish_all(w, out);
    out->label = world_topic_merge(out->label, n->label);
    topic_place(w, place, &out->label);
    return 0;
}

void world_ache(const struct world *w, int pron, int noun, bool pl, bool neg, bool question,
                struct sentence *out)
{
    const struct wpron *pr = &w->prons[pron];
    const struct wnoun *n = &w->nouns[noun];
    struct subj s = {.pron = pron};
    struct np part;
    np_clear(&part, noun);
    part.pl = pl;
    struct np mine = part;
    mine.det = D_POSS;
    mine.poss = pron;
    static const char *const dat[N_PERSON] = {"me", "te", "le", "nos", "les"};
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        struct wsb b;
        world_sb_init(&b, out->text[l], sizeof out->text[l]);
        switch (l) {
        case L_EN:
            if (question)
                world_sb_add(&b, pl ? "do" : "does");
            sb_np(w, &b, &mine, l, 0, NULL);
            if (neg)
                world_sb_add(&b, pl ? "do not" : "does not");
            world_sb_add(&b, question || neg || pl ? "hurt" : "hurts");
            break;
        case L_ES:
            /* "Me duele la cabeza", "¿Te duelen los ojos?" */
            if (question)
                world_sb_add(&b, "¿");
            if (neg)
                world_sb_add(&b, "no");
            world_sb_add(&b, dat[pr->person]);
            world_sb_add(&b, pl ? "duelen" : "duele");
            sb_np(w, &b, &part, l, 0, NULL);
            break;
        case L_FR:
            /* "J'ai mal à la tête", "Il n'a pas mal aux yeux" */
            if (question)
                world_sb_add(&b, "est-ce que");
            sb_subj(w, &b, &s, l, false);
            if (neg)
                fr_negated(&b, w->verbs[w->c.have].fr[VT_PRES][pr->person]);
            else
                world_sb_add(&b, w->verbs[w->c.have].fr[VT_PRES][pr->person]);
            world_sb_add(&b, "mal");
            sb_np(w, &b, &part, l, 0, "à");
            break;
        default:
            /* "Tôi bị đau đầu", "Bạn có bị đau mắt không?" */
            sb_subj(w, &b, &s, l, false);
            if (question)
                world_sb_add(&b, "có");
            else if (neg)
                world_sb_add(&b, "không");
            world_sb_add(&b, "bị đau");
            world_sb_add(&b, n->vi);
            if (question)
                world_sb_add(&b, "không");
            break;
        }
        world_sb_add(&b, question ? "?" : ".");
    }
    finish_all(w, out);
}

/* "I am hungry.", "Are you tired?", "My sister does not feel sick today." */
static int k_state(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    struct subj s = {.pron = -1};
    int x = pick(r, 10);
    if (chance(r, 20)) {
        /* "My head hurts." */
        int part = -1;
        for (int t = 0; t < 64 && part < 0; t++) {
            int k = pick(r, w->n_nouns);
            if (strcmp(w->nouns[k].cat, "body") == 0)
                part = k;
        }
        if (part < 0)
            return -1;
        bool pair = has_tag(&w->nouns[part], "pair");
        int form = pick(r, 10);
        bool question = form >= 5 && form < 7; /* "Does your head hurt?" */
        int pron = question ? world_pron_index(w, "you")
                 : x < 5    ? world_pron_index(w, "i") : pick(r, w->n_prons);
        world_ache(w, pron < 0 ? 0 : pron, part, pair, form >= 7, question, out);
        return 0;
    }
    int adj = draw_state(w, r, x, &s, &out->label);
    if (adj < 0)
        return -1;
    int form = pick(r, 10);
    bool question = form < 3, neg = form >= 3 && form < 5;
    bool feel = w->c.feel >= 0 && adj_felt(&w->adjs[adj]) && chance(r, 35);
    int time = chance(r, 30) ? pick_list(r, &w->c.t_now) : -1;
    /* half the statements intensified: "very" twice as often as "really" or "so" */
    int how = chance(r, 50) ? 0 : (int[]){1, 1, VERY_REALLY, VERY_SO}[pick(r, 4)];
    world_describe(w, &s, adj, T_PRES, time, neg, question, feel, how, out);
    return 0;
}

bool world_name_taken(const struct world *w, const char *s)
{
    for (int i = 0; i < w->n_names; i++)
        if (strcasecmp(w->names[i].text, s) == 0)
            return true;
    for (int i = 0; i < w->n_nouns; i++)
        for (int k = 0; k < 2; k++)
            if (w->nouns[i].en[k] && strcasecmp(w->nouns[i].en[k], s) == 0)
                return true;
    for (int i = 0; i < w->n_adjs; i++)
        if (strcasecmp(w->adjs[i].en, s) == 0)
            return true;
    for (int i = 0; i < w->n_verbs; i++)
        for (int k = 0; k < 4; k++)
            if (w->verbs[i].en[k] && strcasecmp(w->verbs[i].en[k], s) == 0)
                return true;
    return false;
}

int world_make_name(const struct world *w, struct pl_rng *r, char *out, size_t cap)
{
    static const char *const onset[] = {"", "b", "d", "f", "g", "h", "j", "k", "l", "m", "n",
                                        "p", "r", "s", "t", "v", "z", "br", "ch", "dr", "fr",
                                        "gr", "kr", "sh", "st", "th", "tr", "y", "w", "c"};
    static const char *const vowel[] = {"a", "e", "i", "o", "u", "a", "e", "o", "ai", "ia",
                                        "ie", "ou", "ea"};
    static const char *const coda[] = {"", "", "", "", "n", "l", "r", "s", "m", "k", "t",
                                       "x", "nd", "rt"};
    for (int tries = 0; tries < 8; tries++) {
        int n = 2 + pick(r, 2);
        size_t k = 0;
        out[0] = 0;
        for (int i = 0; i < n && k + 8 < cap; i++) {
            const char *o = onset[pick(r, (int)(sizeof onset / sizeof *onset))];
            if (i > 0 && !*o)
                o = "l"; /* no vowel clash inside the name */
            k += (size_t)snprintf(out + k, cap - k, "%s%s%s", o,
                                  vowel[pick(r, (int)(sizeof vowel / sizeof *vowel))],
                                  i == n - 1 ? coda[pick(r, (int)(sizeof coda / sizeof *coda))]
                                             : "");
        }
        out[0] = (char)toupper((unsigned char)out[0]);
        if (!world_name_taken(w, out))
            return 0;
    }
    return -1;
}

/* Phrase ph with its placeholders filled, in every language of out. */
static void fill_phrase(const struct world *w, const struct wphrase *ph, const char *name, int day,
                        int num, const struct np *kin, struct sentence *out)
{
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        size_t n = 0, cap = sizeof out->text[l];
        char *d = out->text[l], kin_text[160];
        for (const char *p = ph->text[l]; *p && n + 1 < cap;) {
            const char *put = NULL;
            if (*p == '{') {
                size_t k = strcspn(p, "}") + 1;
                if (strncmp(p, "{day}", k) == 0)
                    put = w->times[day].text[l];
                else if (strncmp(p, "{num}", k) == 0)
                    put = l == L_EN ? w->nums[num].en : l == L_ES ? w->nums[num].es
                        : l == L_FR ? w->nums[num].fr : w->nums[num].vi;
                else if (strncmp(p, "{kin}", k) == 0)
                    put = world_np(w, kin, l, 0, NULL, kin_text, sizeof kin_text) >= 0
                              ? kin_text : "";
                else
                    put = name ? name : "";
                p += k;
            }
            if (put) {
                size_t k = strlen(put);
                if (n + k + 1 >= cap)
                    break;
                memcpy(d + n, put, k);
                n += k;
            } else {
                d[n++] = *p++;
            }
        }
        d[n] = 0;
        if (strncmp(ph->text[l], "{kin}", 5) == 0)
            world_case_first(d, true); /* "My brother is twelve years old." */
    }
}

/* "Hello!" + "How are you?" -> "Hello, how are you?"; "¡Adiós!" + "¡Hasta
 * mañana!" -> "¡Adiós, hasta mañana!"; "Hola" + "¿cómo estás?"; "I'm sorry,
 * I don't understand." (English keeps its capital I). */
static void join_phrases(int lang, char *a, size_t cap, const char *b)
{
    static const char inv_excl[] = "\xc2\xa1", inv_q[] = "\xc2\xbf"; /* ¡ ¿ */
    bool excl = strncmp(a, inv_excl, 2) == 0;
    char first[300], second[300]; /* a phrase is a few words: both fit in a sentence */
    snprintf(first, sizeof first, "%s", excl ? a + 2 : a);
    size_t k = strlen(first);
    while (k && strchr("!.? ", first[k - 1]))
        first[--k] = 0;
    bool b_excl = strncmp(b, inv_excl, 2) == 0;
    snprintf(second, sizeof second, "%s", b_excl && excl ? b + 2 : b);
    size_t lead = strncmp(second, inv_q, 2) == 0 || strncmp(second, inv_excl, 2) == 0 ? 2 : 0;
    bool keep_i = lang == L_EN && second[0] == 'I' && (second[1] == ' ' || second[1] == '\'');
    if (!keep_i)
        world_case_first(second + lead, false);
    snprintf(a, cap, "%s%s, %s", excl && (b_excl || lang != L_ES) ? inv_excl : "", first, second);
}

enum { THEN_PCT = 30 }; /* greetings followed by another phrase */

/* A greeting followed by a sentence, as people type a message: "Hello! I am
 * hungry.", "¡Hola! Tengo hambre.", "Chào bạn! Tôi đói."  The model must
 * translate both, not stop at the first.  Only after the phrases that
 * allow it (phrases.txt "+"). */
enum { MORE_PCT = 20 };
static void say_more(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    static const int kinds[] = {K_STATE, K_DESCRIBE, K_MODAL, K_LIKES, K_LETS, K_WEATHER,
                                K_FAVORITE, K_TIME, K_REQUEST, K_ACTION, K_YES_NO};
    struct sentence more, joined;
    int kind = kinds[pick(r, (int)(sizeof kinds / sizeof *kinds))];
    if (world_sentence(w, r, kind, out->langs, &more) != 0)
        return;
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        int n = snprintf(joined.text[l], sizeof joined.text[l], "%s %s", out->text[l],
                         more.text[l]);
        if (n < 0 || (size_t)n >= sizeof joined.text[l])
            return; /* too long: the greeting alone, in every language */
    }
    /* the sentence of another split would reach it through the greeting */
    if ((out->langs & 1u) && !more.fixed &&
        world_sentence_split(joined.text[L_EN]) != world_sentence_split(more.text[L_EN]))
        return;
    for (int l = 0; l < N_LANG; l++)
        if (out->langs & (1u << l))
            memcpy(out->text[l], joined.text[l], sizeof out->text[l]);
    out->fixed = out->fixed && more.fixed; /* "Hello! I am hungry." may be a test sentence */
    out->label = world_topic_merge(out->label, more.label);
}

static int k_greeting(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    if (!w->n_phrases || !w->n_names)
        return -1;
    const struct wphrase *ph = &w->phrases[pick(r, w->n_phrases)];
    int day = -1, num = -1;
    char made[32];
    const char *name = NULL;
    if ((ph->holes & (PH_NAME | PH_NAME_M | PH_NAME_F)) && chance(r, MADE_NAME_PCT) &&
        world_make_name(w, r, made, sizeof made) == 0) {
        name = made;
    } else if (ph->holes & (PH_NAME | PH_NAME_M | PH_NAME_F)) {
        name = w->names[pick_name(w, r, ph->holes & PH_NAME_M   ? G_M
                                        : ph->holes & PH_NAME_F ? G_F
                                                                : -1)].text;
    }
    if (ph->holes & PH_DAY)
        day = pick_list(r, &w->c.t_day);
    if (ph->holes & PH_NUM) {
        for (int t = 0; t < 32 && num < 0; t++) {
            int k = pick_list(r, &w->c.counts);
            if (k >= 0 && w->nums[k].value <= 20)
                num = k;
        }
    }
    /* {kin}: a young relative or a sibling with a possessor, "my brother",
     * "tu hermana" (the ages are two to twenty: no "my mother is eight") */
    struct np kin;
    np_clear(&kin, -1);
    for (int t = 0; t < 256 && (ph->holes & PH_KIN) && kin.noun < 0; t++) {
        const struct wnoun *n = &w->nouns[pick(r, w->n_nouns)];
        bool young = strcmp(n->id, "brother") == 0 || strcmp(n->id, "sister") == 0 ||
                     strcmp(n->id, "cousin") == 0 || has_tag(n, "young");
        if (strcmp(n->cat, "family") == 0 && young)
            kin.noun = (int)(n - w->nouns);
    }
    if (((ph->holes & PH_DAY) && day < 0) || ((ph->holes & PH_NUM) && num < 0) ||
        ((ph->holes & PH_KIN) && kin.noun < 0))
        return -1;
    if (ph->holes & PH_KIN) {
        kin.det = D_POSS;
        kin.poss = pick_poss(w, r, kin.noun);
        topic_np(w, &kin, &out->label);
    }
    /* too few to spare any for valid and test: the model must know them */
    out->fixed = ph->holes == 0;
    fill_phrase(w, ph, name, day, num, &kin, out);
    if (ph->n_next && chance(r, THEN_PCT)) {
        struct sentence then;
        then.langs = out->langs;
        fill_phrase(w, &w->phrases[ph->next[pick(r, ph->n_next)]], NULL, -1, -1, NULL, &then);
        for (int l = 0; l < N_LANG; l++)
            if (out->langs & (1u << l))
                join_phrases(l, out->text[l], sizeof out->text[l], then.text[l]);
    }
    if (ph->more && chance(r, MORE_PCT))
        say_more(w, r, out);
    return 0;
}

/* The verb phrase of a clause for verb `verb`, drawn: its object, or a
 * place, a destination or an adverb when it has none.  `me`: "help me"
 * (the person object becomes "me"), "give me the salt". */
static int draw_vp(const struct world *w, struct pl_rng *r, int verb, bool me, struct clause *c)
{
    const struct wverb *v = &w->verbs[verb];
    c->verb = verb;
    bool person_obj = v->obj.n && is_person(&w->nouns[v->obj.ix[0]]);
    if (me && person_obj)
        return 0;
    if (v->obj.n && (!(v->uses & VU_INTR) || chance(r, 60))) {
        int obj = -1;
        for (int t = 0; t < 8 && obj < 0; t++) {
            obj = pick_set(r, &v->obj);
            if (w->nouns[obj].flags & NF_OBJONLY && !(w->nouns[obj].flags & NF_MASS))
                obj = -1;
        }
        if (obj < 0)
            return -1;
        if (stative(v) && world_is_language(&w->nouns[obj]))
            return -1; /* a state: not "She wants to understand German" */
        c->has_obj = true;
        np_object(w, r, verb, obj, c->neg, &c->obj);
        if (own_object(w, v, c) != 0)
            return -1; /* "You should pass your exam", never "her exam" */
        if (me && c->obj.det != D_GENERIC && c->obj.det != D_KIND) {
            /* "give me the salt", "show me a photo" */
            c->obj.det = (w->nouns[obj].flags & NF_MASS) || chance(r, 60) ? D_DEF : D_INDEF;
            c->obj.pl = false;
        }
        return 0;
    }
    if (v->uses & VU_MOTION)
        return draw_dest(w, r, c);
    if (chance(r, 50) || (v->uses & VU_PLACED))
        c->loc = place_for(w, r, v, &c->s, -1);
    return 0;
}

/* s without its final punctuation (and the space before a French one). */
static void chop_stop(char *s)
{
    size_t n = strlen(s);
    while (n && strchr(".?! ", s[n - 1]))
        s[--n] = 0;
}

/* Sentence `text`, whose subject is s (a pronoun), added to b as the
 * second clause after a conjunction: its stop dropped, its subject too in
 * Spanish and Vietnamese ("pero no come carne", "nhưng không ăn thịt"). */
static void second_clause(const struct world *w, const struct subj *s, int l, const char *text,
                          struct wsb *b)
{
    char b2[sizeof ((struct sentence *)0)->text[0]];
    snprintf(b2, sizeof b2, "%s", text);
    chop_stop(b2);
    char *rest = b2;
    if (l == L_VI || l == L_ES) {
        char head[200];
        struct wsb h;
        world_sb_init(&h, head, sizeof head);
        world_subj(w, s, l, false, &h);
        world_case_first(head, true);
        size_t k = strlen(head);
        if (k && strncmp(b2, head, k) == 0 && b2[k] == ' ')
            rest = b2 + k + 1;
    }
    if (rest == b2 && !(l == L_EN && w->prons[s->pron].en[0] == 'I' && w->prons[s->pron].en[1] == 0))
        world_case_first(rest, false);
    world_sb_add(b, rest);
}

/* A verb for the verb phrase after a modal; a skill verb when `skill`
 * (tries a few draws; -1 when none came). */
static int pick_vp(const struct world *w, struct pl_rng *r, bool skill)
{
    for (int t = 0; t < (skill ? 32 : 1); t++) {
        int verb = pick_list(r, &w->c.vp);
        if (verb >= 0 && (!skill || (w->verbs[verb].uses & VU_SKILL)))
            return verb;
    }
    return -1;
}

/* Whether clause c says a skill: a skill verb with no time, place or
 * destination, and no object, a generic one or a language ("I can swim",
 * "She can play the guitar", "He can speak French"; not "I can swim in the
 * sea today"). */
static bool skill_clause(const struct world *w, const struct clause *c)
{
    return (w->verbs[c->verb].uses & VU_SKILL) && c->time < 0 && c->loc < 0 && c->dest < 0 &&
           c->adv < 0 &&
           (!c->has_obj || c->obj.det == D_GENERIC || world_is_language(&w->nouns[c->obj.noun]));
}

/* Clause c with modal m, and after "but" the same modal with another verb
 * and the other polarity: "I can swim, but I cannot dance.", "Mi hermano
 * quiere comer pan, pero no quiere beber leche.", "Tôi có thể bơi, nhưng
 * không thể nhảy." */
enum { PAIR_PCT = 25 };
static int modal_pair(const struct world *w, struct pl_rng *r, int m, const struct clause *c,
                      struct sentence *out)
{
    static const char *const but[N_LANG] = {"but", "pero", "mais", "nhưng"};
    if (c->s.pron < 0 && is_group(&w->nouns[c->s.np.noun]))
        return -1; /* no pronoun for a family */
    struct clause c2;
    clause_clear(&c2);
    c2.s = c->s;
    c2.s.name[0] = 0; /* "Lan can swim, but she cannot dance." */
    if (c->s.pron < 0) {
        c2.s.pron = subject_pronoun(w, &c->s);
        c2.s.stands_for = &c->s.np;
    }
    c2.neg = !c->neg;
    /* a skill against a skill: "I can swim, but I cannot dance.", "Sé
     * nadar, pero no sé bailar." */
    bool skill = w->modals[m].skill >= 0 && skill_clause(w, c);
    int verb = pick_vp(w, r, skill);
    if (verb < 0 || verb == c->verb || !w->verbs[verb].person_subj ||
        (c->s.pron < 0 && !w->verbs[verb].subj.has[c->s.np.noun]) ||
        draw_vp(w, r, verb, false, &c2) != 0)
        return -1; /* not "Their son wants to ..., but he does not want to grow the corn" */
    if (skill) {
        c2.loc = c2.dest = c2.adv = -1;
        if (!skill_clause(w, &c2))
            return -1; /* "but she cannot play the guitar", not "... his guitar" */
    }
    struct sentence a, b2;
    a.langs = b2.langs = out->langs;
    world_modal(w, m, c, &a);
    world_modal(w, m, &c2, &b2);
    snprintf(out->name, sizeof out->name, "%s", a.name);
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        chop_stop(a.text[l]);
        struct wsb b;
        world_sb_init(&b, out->text[l], sizeof out->text[l]);
        world_sb_add(&b, a.text[l]);
        world_sb_cat(&b, ",");
        world_sb_add(&b, but[l]);
        second_clause(w, &c2.s, l, b2.text[l], &b);
        world_sb_add(&b, ".");
        world_finish(w, l, out->text[l], sizeof out->text[l]);
    }
    topic_clause(w, c, &out->label);
    topic_clause(w, &c2, &out->label);
    return 0;
}

/* "I can swim.", "She wants to eat an apple.", "Mi hermano tiene que ir al
 * mercado.", "Tôi không được ăn kẹo." */
enum { SKILL_PCT = 40 };
/* A modal that sentences say ("can", "want to"; not one kept for frames),
 * or -1. */
static int pick_modal(const struct world *w, struct pl_rng *r)
{
    for (int t = 0; t < 16; t++) {
        int m = pick(r, w->n_modals);
        if (w->modals[m].use & MU_SAY)
            return m;
    }
    return -1;
}

/* Modal m before verb, alone as a skill when `skill`, with a language as
 * its object when `language` ("I want to learn Spanish"); -1 when the draw
 * does not fit. */
static int modal_sentence(const struct world *w, struct pl_rng *r, int m, int verb, bool skill,
                          bool language, struct sentence *out)
{
    const struct wmodal *md = &w->modals[m];
    struct clause c;
    clause_clear(&c);
    c.neg = md->en_not && chance(r, 30);
    if (!pick_subj(w, r, verb, &c.s) || (c.s.pron < 0 && !is_person(&w->nouns[c.s.np.noun])))
        return -1;
    if (draw_vp(w, r, verb, false, &c) != 0)
        return -1;
    if (language && (!c.has_obj || !world_is_language(&w->nouns[c.obj.noun])))
        return -1;
    if (skill) {
        c.loc = c.dest = c.adv = -1;
    } else if (chance(r, 25))
        c.time = pick_list(r, chance(r, 50) ? &w->c.t_now : &w->c.t_fut);
    if (c.time >= 0 && !time_fits(w, &w->verbs[verb], c.time))
        c.time = -1;
    if (md->en_not && chance(r, PAIR_PCT) && modal_pair(w, r, m, &c, out) == 0)
        return 0;
    world_modal(w, m, &c, out);
    topic_clause(w, &c, &out->label);
    return 0;
}

static int k_modal(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    int m = pick_modal(w, r);
    if (m < 0)
        return -1;
    /* a skill ("I can swim", "Sé nadar") is one of the first things a
     * class says: SKILL_PCT% of such a modal's draws, alone */
    bool skill = w->modals[m].skill >= 0 && chance(r, SKILL_PCT);
    int verb = pick_vp(w, r, skill);
    if (verb < 0)
        return -1;
    return modal_sentence(w, r, m, verb, skill, false, out);
}

/* A language as what people speak, learn, study or understand: "She speaks
 * French.", "Do you speak Vietnamese?", "I want to learn Spanish.", "Sé
 * hablar francés."  A class talks about languages all the time, and the
 * language a sentence names is seldom the one it is put into: the world v5
 * model put "I speak Spanish." asked in French into neither.  Statements
 * (x 0-4), yes/no questions (5-7) and a modal before the verb (8-9). */
static int k_language(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    int x = pick(r, 10);
    for (int t = 0; t < 16; t++) {
        int verb = pick_list(r, &w->c.lang);
        if (verb < 0)
            return -1;
        const struct wverb *v = &w->verbs[verb];
        if (x >= 8) {
            int m = pick_modal(w, r);
            if (m < 0 || !has_index(&w->c.vp, verb) || stative(v))
                continue; /* not "She wants to understand German" */
            bool skill = w->modals[m].skill >= 0 && (v->uses & VU_SKILL) && chance(r, SKILL_PCT);
            if (modal_sentence(w, r, m, verb, skill, true, out) == 0)
                return 0;
            continue;
        }
        struct clause c;
        clause_clear(&c);
        c.question = x >= 5;
        c.neg = !c.question && chance(r, 20);
        pick_tense(w, r, v, c.question ? 20 : 40, c.question, &c);
        if (transitive_clause(w, r, verb, &c) != 0 || !world_is_language(&w->nouns[c.obj.noun]))
            continue;
        world_clause(w, &c, out);
        topic_clause(w, &c, &out->label);
        return 0;
    }
    return -1;
}

void world_modal(const struct world *w, int m, const struct clause *cl, struct sentence *out)
{
    const struct wmodal *md = &w->modals[m];
    struct clause c = *cl;
    int p = world_subj_person(w, &c.s);
    /* "I can swim": "Sé nadar", "Je sais nager", "Tôi biết bơi" (English
     * stays "can") */
    const struct wmodal *said = md->skill >= 0 && skill_clause(w, &c) ? &w->modals[md->skill] : md;
    snprintf(out->name, sizeof out->name, "%s", c.s.name);
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        struct wsb b;
        world_sb_init(&b, out->text[l], sizeof out->text[l]);
        switch (l) {
        case L_EN:
            sb_subj(w, &b, &c.s, l, false);
            world_sb_add(&b, c.neg ? (p == P_3SG ? md->en_not3 : md->en_not)
                                   : (p == P_3SG ? md->en3 : md->en));
            break;
        case L_ES:
            if (md->es_dat) {
                /* "me gustaría", "a mi hermano le gustaría", "a Lan le gustaría" */
                char dat[200];
                es_dative(w, &c.s, dat, sizeof dat);
                world_sb_add(&b, dat);
            } else {
                sb_subj(w, &b, &c.s, l, false);
                if (c.neg)
                    world_sb_add(&b, "no");
            }
            world_sb_add(&b, said->es[p]);
            break;
        case L_FR:
            sb_subj(w, &b, &c.s, l, false);
            if (c.neg)
                fr_negated(&b, said->fr[p]);
            else
                world_sb_add(&b, said->fr[p]);
            break;
        default:
            sb_time(w, &b, c.time, false, l, true);
            sb_subj(w, &b, &c.s, l, false);
            world_sb_add(&b, c.neg ? said->vi_not : said->vi);
            break;
        }
        /* with the time phrase; "Tôi biết đọc", not "biết đọc sách" */
        const struct wverb *v = &w->verbs[c.verb];
        bool bare_skill = l == L_VI && said != md && !c.has_obj && v->vi_skill;
        world_vp(w, &c, l, bare_skill ? v->vi_skill : NULL, false, &b);
        world_sb_add(&b, ".");
    }
    finish_all(w, out);
}

/* "Can you help me?", "Could you open the window, please?", "Can I use
 * your phone?" */
static int k_request(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    int can = -1, could = -1;
    for (int i = 0; i < w->n_modals; i++) {
        if (strcmp(w->modals[i].id, "can") == 0)
            can = i;
        if (strcmp(w->modals[i].id, "could") == 0)
            could = i;
    }
    int verb = pick_list(r, &w->c.request);
    if (can < 0 || could < 0 || verb < 0)
        return -1;
    const struct wverb *v = &w->verbs[verb];
    int form = pick(r, 10); /* 0-3 can you, 4-6 could you, 7-8 please, 9 can I */
    bool me = v->me[0] && form < 9 && ((v->uses & VU_REQUEST) || chance(r, 60));
    bool please = form == 7 || form == 8, may_i = form == 9;
    struct clause c;
    clause_clear(&c);
    c.s.pron = world_pron_index(w, may_i ? "i" : "you");
    if (c.s.pron < 0 || draw_vp(w, r, verb, me, &c) != 0)
        return -1;
    if (c.has_obj && c.obj.det == D_POSS) {
        c.obj.poss = world_pron_index(w, may_i ? "you" : "i"); /* "use your phone", "help my son" */
        c.obj.refl = false;
    }
    if (c.has_obj && c.obj.det == D_NUM)
        c.obj.det = D_DEF, c.obj.pl = false; /* no "Could you fix seven dolls?" */
    world_request(w, form >= 4 && form < 9 ? could : can, may_i, please, me, &c, out);
    topic_clause(w, &c, &out->label);
    return 0;
}

void world_request(const struct world *w, int m, bool may_i, bool please, bool me,
                   const struct clause *c, struct sentence *out)
{
    const struct wmodal *md = &w->modals[m];
    bool could = strcmp(md->id, "could") == 0;
    int p = may_i ? P_1SG : P_2SG;
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        struct wsb b;
        world_sb_init(&b, out->text[l], sizeof out->text[l]);
        switch (l) {
        case L_EN:
            world_sb_add(&b, md->en);
            world_sb_add(&b, may_i ? "I" : "you");
            if (please)
                world_sb_add(&b, "please");
            world_vp(w, c, l, NULL, me, &b);
            break;
        case L_ES:
            world_sb_add(&b, "¿");
            world_sb_add(&b, md->es[p]);
            world_vp(w, c, l, NULL, me, &b);
            if (please)
                world_sb_cat(&b, ", por favor");
            break;
        case L_FR:
            world_sb_add(&b, "est-ce que");
            world_sb_add(&b, may_i ? "je" : "tu");
            world_sb_add(&b, md->fr[p]);
            world_vp(w, c, l, NULL, me, &b);
            if (please)
                world_sb_cat(&b, ", s'il te plaît");
            break;
        default:
            /* "Bạn có thể giúp tôi không?", "Bạn làm ơn mở cửa sổ được không?",
             * "Tôi có thể đi đến công viên được không?" */
            world_sb_add(&b, may_i ? "tôi" : "bạn");
            world_sb_add(&b, please ? "làm ơn" : md->vi);
            world_vp(w, c, l, NULL, me, &b);
            world_sb_add(&b, could || please || may_i ? "được không" : "không");
            break;
        }
        world_sb_add(&b, "?");
    }
    finish_all(w, out);
}

/* "Let's go to the park!", "¡Vamos a comer pizza!", "Mangeons de la pizza !",
 * "Chúng ta cùng ăn pizza nhé!" */
static int k_lets(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    int verb = pick_list(r, &w->c.lets);
    if (verb < 0)
        return -1;
    struct clause c;
    clause_clear(&c);
    c.s.pron = world_pron_index(w, "we");
    if (c.s.pron < 0 || draw_vp(w, r, verb, false, &c) != 0)
        return -1;
    if (c.has_obj && (c.obj.det == D_POSS || c.obj.det == D_NUM))
        c.obj.det = D_DEF, c.obj.pl = false; /* Vietnamese "our" would be "của chúng ta" */
    world_lets(w, &c, out);
    topic_clause(w, &c, &out->label);
    return 0;
}

void world_lets(const struct world *w, const struct clause *cl, struct sentence *out)
{
    const struct wverb *v = &w->verbs[cl->verb];
    struct clause c = *cl;
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        struct wsb b;
        world_sb_init(&b, out->text[l], sizeof out->text[l]);
        switch (l) {
        case L_EN:
            world_sb_add(&b, "let's");
            world_vp(w, &c, l, NULL, false, &b);
            break;
        case L_ES:
            world_sb_add(&b, "¡");
            if (v->uses & VU_MOTION) {
                world_vp(w, &c, l, "vamos", false, &b); /* "¡Vamos al parque!" */
            } else {
                world_sb_add(&b, "vamos a");
                world_vp(w, &c, l, NULL, false, &b);
            }
            break;
        case L_FR:
            world_vp(w, &c, l, v->fr[VT_PRES][P_1PL], false, &b); /* "Allons au parc !" */
            break;
        default:
            world_sb_add(&b, "chúng ta cùng");
            world_vp(w, &c, l, NULL, false, &b);
            world_sb_add(&b, "nhé");
            break;
        }
        world_sb_add(&b, "!");
    }
    finish_all(w, out);
}

/* The kinds of statements the "think" kind frames. */
static const int framed_kinds[] = {K_DESCRIBE, K_LOCATION, K_EXIST, K_ACTION, K_INTRANSITIVE,
                                   K_MOTION, K_PROGRESSIVE, K_WEATHER, K_STATE, K_MODAL};

/* "I think that she is tired.", "Creo que hoy ha llovido.", "Tôi nhớ là
 * hôm qua trời lạnh." */
static int k_think(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    int n = 0;
    for (int i = 0; i < w->n_frames; i++)
        n += (w->frames[i].kinds & IK_SENTENCE) != 0;
    if (!n)
        return -1;
    int k = pick(r, n);
    const struct wframe *f = NULL;
    for (int i = 0; i < w->n_frames && !f; i++)
        if ((w->frames[i].kinds & IK_SENTENCE) && k-- == 0)
            f = &w->frames[i];
    struct sentence in;
    int kind = framed_kinds[pick(r, sizeof framed_kinds / sizeof *framed_kinds)];
    if (world_sentence(w, r, kind, out->langs, &in) != 0)
        return -1;
    size_t len = strlen(in.text[L_EN]);
    if (!(out->langs & 1u) || !len || in.text[L_EN][len - 1] != '.')
        return -1; /* a statement, not a question */
    for (int l = 0; l < N_LANG; l++)
        if (out->langs & (1u << l))
            world_framed(w, f, in.text[l], in.name, l, out->text[l], sizeof out->text[l]);
    if (chance(r, 40))
        world_frame_drop_that(f, out->text[L_EN]); /* "I think he is tired." */
    out->label = in.label;
    return 0;
}

/* Telling the time and the date: "What time is it?", "It is seven
 * o'clock.", "It is half past one.", "Today is Monday.", "My sister's
 * birthday is in May.", "When is your birthday?" */
static int k_time(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    int form = pick(r, 12), h = -1, day = -1, month = -1;
    int part = form == 4 && chance(r, 50) ? CP_QUARTER_TO : form - 2; /* form 2-4: the clock */
    for (int t = 0; t < 32 && h < 0; t++) {
        int k = pick(r, w->n_nums);
        if (w->nums[k].value >= 1 && w->nums[k].value <= 12)
            h = k;
    }
    if (h >= 0 && w->nums[h].value == 12)
        part = CP_OCLOCK; /* twelve: "midi et quart", not "douze heures et quart" */
    day = pick_list(r, &w->c.t_day);
    month = pick_list(r, &w->c.t_month);
    if (h < 0 || day < 0 || month < 0)
        return -1;
    /* whose birthday: a pronoun of one person, or a relative */
    struct np who;
    np_clear(&who, w->c.man);
    who.det = D_POSS;
    who.poss = pick_poss(w, r, w->c.man);
    bool relative = chance(r, 40);
    if (relative) {
        for (int t = 0; t < 16; t++) {
            int n = pick_list(r, &w->c.owners);
            if (n >= 0 && (w->nouns[n].flags & NF_POSSONLY) && !(w->nouns[n].flags & NF_PLONLY)) {
                who.noun = n; /* one person's birthday: not "my parents'" */
                who.poss = pick_poss(w, r, n);
                break;
            }
        }
        relative = who.noun != w->c.man;
    }
    if (w->prons[who.poss].person >= P_1PL)
        who.poss = world_pron_index(w, "i"); /* no "our birthday" */
    const struct wnum *n = &w->nums[h];
    bool one = n->value == 1;
    out->fixed = form == 0 || form == 1;
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        char *o = out->text[l];
        size_t cap = sizeof out->text[l];
        const char *d = w->times[day].text[l];
        char owner[256] = "", mon[96];
        world_time_phrase(w, month, false, l, mon, sizeof mon);
        if (form >= 8) {
            if (!relative && l == L_EN)
                snprintf(owner, sizeof owner, "%s", w->prons[who.poss].en_poss);
            else if (!relative && l == L_ES)
                snprintf(owner, sizeof owner, "%s", w->prons[who.poss].es_poss[0]);
            else if (!relative && l == L_FR)
                snprintf(owner, sizeof owner, "%s", w->prons[who.poss].fr_poss[0]);
            else if (!relative)
                snprintf(owner, sizeof owner, "%s", w->prons[who.poss].vi);
            else
                world_np(w, &who, l, 0, NULL, owner, sizeof owner);
        }
        switch (form) {
        case 0: /* fixed */
        case 1: {
            static const char *const what[2][N_LANG] = {
                {"What time is it?", "¿Qué hora es?", "Quelle heure est-il ?", "Mấy giờ rồi?"},
                {"What day is it today?", "¿Qué día es hoy?", "Quel jour sommes-nous aujourd'hui ?",
                 "Hôm nay là thứ mấy?"}};
            snprintf(o, cap, "%s", what[form][l]);
            break;
        }
        case 2:
        case 3:
        case 4: {
            /* "It is half past seven.", "Son las nueve menos cuarto." */
            static const char *const fmt[N_LANG] = {"It is %s.", "%s %s.", "Il est %s.",
                                                    "Bây giờ là %s."};
            char clock[96];
            world_clock(w, h, part, l, clock, sizeof clock);
            if (l == L_ES)
                snprintf(o, cap, fmt[l], one ? "Es" : "Son", clock);
            else
                snprintf(o, cap, fmt[l], clock);
            break;
        }
        case 5:
        case 6:
        case 7: {
            /* today is, tomorrow is, yesterday was */
            static const char *const fmt[3][N_LANG] = {
                {"Today is %s.", "Hoy es %s.", "Aujourd'hui, c'est %s.", "Hôm nay là %s."},
                {"Tomorrow is %s.", "Mañana es %s.", "Demain, c'est %s.", "Ngày mai là %s."},
                {"Yesterday was %s.", "Ayer fue %s.", "Hier, c'était %s.", "Hôm qua là %s."}};
            snprintf(o, cap, fmt[form - 5][l], d);
            break;
        }
        case 8:
        case 9:
        case 10: {
            /* "My birthday is in May.", "El cumpleaños de mi hermana es en mayo." */
            if (l == L_EN)
                snprintf(o, cap, relative ? "%s's birthday is %s." : "%s birthday is %s.", owner,
                         mon);
            else if (l == L_ES && relative)
                snprintf(o, cap, "el cumpleaños de %s es %s.", owner, mon);
            else if (l == L_ES)
                snprintf(o, cap, "%s cumpleaños es %s.", owner, mon);
            else if (l == L_FR && relative)
                snprintf(o, cap, "l'anniversaire de %s est %s.", owner, mon);
            else if (l == L_FR)
                snprintf(o, cap, "%s anniversaire est %s.", owner, mon);
            else
                snprintf(o, cap, "sinh nhật của %s %s.", owner, mon);
            break;
        }
        default:
            /* "When is your birthday?" */
            if (l == L_EN)
                snprintf(o, cap, relative ? "when is %s's birthday?" : "when is %s birthday?",
                         owner);
            else if (l == L_ES)
                snprintf(o, cap, relative ? "¿cuándo es el cumpleaños de %s?"
                                          : "¿cuándo es %s cumpleaños?", owner);
            else if (l == L_FR)
                snprintf(o, cap, relative ? "quand est l'anniversaire de %s ?"
                                          : "quand est %s anniversaire ?", owner);
            else
                snprintf(o, cap, "sinh nhật của %s là khi nào?", owner);
            break;
        }
        world_finish(w, l, o, cap);
    }
    if (relative)
        topic_np(w, &who, &out->label);
    return 0;
}

/* Text without its final full stop, its first letter in lower case unless
 * it is "I" or a proper noun (as a frame takes a clause). */
static void sub_clause(const struct world *w, const char *s, const char *name, int lang,
                       char *out, size_t cap)
{
    static const struct wframe bare = {"", 0, {"{clause}", "{clause}", "{clause}", "{clause}"},
                                       NULL};
    world_framed(w, &bare, s, name, lang, out, cap);
}

/* A reason drawn for "because" (when = false) or "when": the person, the
 * effect clause and the tense of the cause; -1 when it cannot be built. */
static int draw_reason(const struct world *w, struct pl_rng *r, int mode, struct clause *c,
                       const struct wreason **out_reason)
{
    if (!w->n_reasons)
        return -1;
    const struct wreason *x = &w->reasons[pick(r, w->n_reasons)];
    const struct wverb *v = &w->verbs[x->verb];
    clause_clear(c);
    c->verb = x->verb;
    if (chance(r, 55)) {
        c->s.pron = pick(r, w->n_prons);
    } else {
        int n = -1;
        for (int t = 0; t < 16 && n < 0; t++) {
            n = pick_subject_noun(w, r, &v->subj);
            if (n >= 0 && (!is_person(&w->nouns[n]) || is_group(&w->nouns[n])))
                n = -1;
        }
        if (n < 0)
            return -1;
        np_subject(w, r, n, 0, &c->s.np);
    }
    if (x->adj >= 0) {
        /* the state must fit the person: "hungry" of a person, not "busy" of a child */
        int proxy = c->s.pron >= 0 ? (w->prons[c->s.pron].gender == G_F ? w->c.woman : w->c.man)
                                   : c->s.np.noun;
        if (!w->adjs[x->adj].for_.has[proxy])
            return -1;
    }
    if (v->obj.n) {
        c->has_obj = true;
        np_object(w, r, x->verb, x->with.ix[pick(r, x->with.n)], false, &c->obj);
        if (c->obj.det == D_NUM || c->obj.det == D_POSS)
            c->obj.det = D_INDEF;
        /* "He is wearing a sweater", "They are wearing sweaters" */
        c->obj.pl = world_subj_person(w, &c->s) >= P_1PL && plural_ok(&w->nouns[c->obj.noun]);
    } else if (x->with.n && (v->uses & VU_MOTION)) {
        c->dest = x->with.ix[pick(r, x->with.n)];
    } else if (x->with.n) {
        c->loc = x->with.ix[pick(r, x->with.n)];
    }
    /* when: a habit; if: the future; because: now (in the progressive
     * where Spanish and the verb allow it), or in the past for a state
     * ("She slept because she was tired") */
    size_t k = strlen(v->es_inf);
    bool refl = k > 2 && strcmp(v->es_inf + k - 2, "se") == 0;
    c->tense = T_PRES;
    if (mode == RS_IF)
        c->tense = T_FUT; /* "If it rains, we will stay at home." */
    else if (mode == RS_BECAUSE && x->adj >= 0 && chance(r, 40) &&
             (v->tenses & (1u << T_PAST)))
        c->tense = T_PAST;
    else if (mode == RS_BECAUSE && !refl && (v->tenses & (1u << T_PROG)))
        c->tense = T_PROG;
    if (!(v->tenses & (1u << c->tense)) && c->tense == T_FUT)
        return -1;
    *out_reason = x;
    return 0;
}

/* "I am eating bread because I am hungry.", "Cô ấy đã ngủ vì mệt.";
 * "When it rains, we stay at home.", "Khi đói, tôi ăn bánh mì."; "If it
 * rains, we will stay at home." */
static int k_reason(const struct world *w, struct pl_rng *r, int mode, struct sentence *out)
{
    struct clause c;
    const struct wreason *x = NULL;
    if (draw_reason(w, r, mode, &c, &x) != 0)
        return -1;
    world_reason(w, (int)(x - w->reasons), &c, mode, chance(r, 30), out);
    topic_clause(w, &c, &out->label);
    return 0;
}

void world_reason(const struct world *w, int reason, const struct clause *cl, int mode,
                  bool very, struct sentence *out)
{
    bool when = mode != RS_BECAUSE; /* the cause is a habit: "When/If it rains" */
    const struct wreason *x = &w->reasons[reason];
    struct clause c = *cl;
    struct sentence effect, cause;
    effect.langs = cause.langs = out->langs;
    cause.name[0] = 0; /* world_describe sets it, the weather leaves it */
    world_clause(w, &c, &effect);
    struct subj who = {.pron = subject_pronoun(w, &c.s),
                       .stands_for = c.s.pron < 0 ? &c.s.np : NULL};
    if (x->adj >= 0)
        world_describe(w, &who, x->adj, c.tense == T_PAST ? T_PAST : T_PRES, -1, false, false,
                       false, very, &cause);
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        char e[360], k[360];
        if (x->adj >= 0) {
            snprintf(k, sizeof k, "%s", cause.text[l]);
            if (l == L_VI) {
                /* Vietnamese leaves the person out: "vì mệt", "Khi đói" */
                const char *pv = w->prons[who.pron].vi;
                char lead[64];
                snprintf(lead, sizeof lead, "%s ", pv);
                world_case_first(lead, true);
                if (strncmp(k, lead, strlen(lead)) == 0)
                    memmove(k, k + strlen(lead), strlen(k + strlen(lead)) + 1);
            }
        } else {
            const struct wweather *wt = &w->weather[x->weather];
            snprintf(k, sizeof k, "%s.", wt->text[l][when ? WF_HABIT : WF_NOW]);
        }
        char kc[360], ec[360];
        sub_clause(w, k, cause.name, l, kc, sizeof kc);
        snprintf(e, sizeof e, "%s", effect.text[l]);
        if (when) {
            static const char *const conj[2][N_LANG] = {{"When", "Cuando", "Quand", "Khi"},
                                                        {"If", "Si", "Si", "Nếu"}};
            sub_clause(w, e, effect.name, l, ec, sizeof ec);
            const char *cj = conj[mode == RS_IF][l];
            if (l == L_FR && mode == RS_IF &&
                (strncmp(kc, "il ", 3) == 0 || strncmp(kc, "ils ", 4) == 0))
                cj = "S'"; /* "S'il pleut" */
            snprintf(out->text[l], sizeof out->text[l], "%s%s%s, %s.", cj,
                     cj[strlen(cj) - 1] == '\'' ? "" : " ", kc, ec);
        } else {
            static const char *const conj[N_LANG] = {"because", "porque", "parce que", "vì"};
            size_t n = strlen(e);
            if (n && e[n - 1] == '.')
                e[n - 1] = 0;
            snprintf(out->text[l], sizeof out->text[l], "%s %s %s.", e, conj[l], kc);
        }
        world_finish(w, l, out->text[l], sizeof out->text[l]);
    }
}

enum { IF_PCT = 40 }; /* the "when" kind's share of "if" sentences */

static int k_because(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    return k_reason(w, r, RS_BECAUSE, out);
}

static int k_when(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    return k_reason(w, r, chance(r, IF_PCT) ? RS_IF : RS_WHEN, out);
}

void world_compare(const struct world *w, int form, const struct subj *a, const struct np *bnp,
                   int adj, bool neg, int group, int noun, struct sentence *out)
{
    const struct wadj *ad = adj >= 0 ? &w->adjs[adj] : NULL;
    const struct wnoun *n = noun >= 0 ? &w->nouns[noun] : NULL;
    int p = world_subj_person(w, a);
    bool pl = p == P_1PL || p == P_3PL;
    static const char *const groups[2][N_LANG] = {
        {"in the family", "de la familia", "de la famille", "trong gia đình"},
        {"in the class", "de la clase", "de la classe", "trong lớp"}};
    snprintf(out->name, sizeof out->name, "%s", a->name);
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        struct wsb b;
        world_sb_init(&b, out->text[l], sizeof out->text[l]);
        int g = subj_gender_lang(w, a, l), ix = g + 2 * pl;
        if (form >= 2) {
            /* "My brother and my sister have the same car." */
            struct subj two = {.pron = -1, .np = *bnp};
            sb_subj(w, &b, a, l, false);
            world_sb_add(&b, l == L_EN ? "and" : l == L_ES ? "y" : l == L_FR ? "et" : "và");
            sb_subj(w, &b, &two, l, false);
            bool f_es = n->es_g == G_F, f_fr = n->fr_g == G_F;
            switch (l) {
            case L_EN:
                world_sb_add(&b, "have");
                world_sb_add(&b, form == 2 ? "the same" : "different");
                world_sb_add(&b, n->en[form == 3]);
                break;
            case L_ES:
                world_sb_add(&b, "tienen");
                if (form == 2) {
                    world_sb_add(&b, f_es ? "la misma" : "el mismo");
                    world_sb_add(&b, n->es[0]);
                } else {
                    world_sb_add(&b, n->es[1]);
                    world_sb_add(&b, "diferentes");
                }
                break;
            case L_FR:
                world_sb_add(&b, "ont");
                if (form == 2) {
                    world_sb_add(&b, f_fr ? "la même" : "le même");
                    world_sb_add(&b, n->fr[0]);
                } else {
                    world_sb_add(&b, "des");
                    world_sb_add(&b, n->fr[1]);
                    world_sb_add(&b, f_fr ? "différentes" : "différents");
                }
                break;
            default:
                world_sb_add(&b, "có");
                world_sb_add(&b, n->vi_cl);
                world_sb_add(&b, n->vi);
                world_sb_add(&b, form == 2 ? "giống nhau" : "khác nhau");
                break;
            }
            world_sb_add(&b, ".");
            continue;
        }
        const char *vi_adj = ad->vi_pred ? ad->vi_pred : ad->vi;
        switch (l) {
        case L_EN:
            sb_subj(w, &b, a, l, false);
            world_sb_add(&b, en_be[0][p]);
            if (neg)
                world_sb_add(&b, "not");
            if (form == 1)
                world_sb_add(&b, "the");
            world_sb_add(&b, form == 1 ? ad->en_most : ad->en_more);
            break;
        case L_ES:
            sb_subj(w, &b, a, l, true);
            if (neg)
                world_sb_add(&b, "no");
            copula(w, ad->es_estar ? w->v_estar : w->v_ser, T_PRES, p, l, -1, &b);
            if (form == 1) /* "es la más alta de la familia" */
                world_sb_add(&b, pl ? (g == G_F ? "las" : "los") : (g == G_F ? "la" : "el"));
            world_sb_add(&b, "más");
            world_sb_add(&b, ad->es[ix]);
            break;
        case L_FR:
            sb_subj(w, &b, a, l, false);
            if (neg)
                fr_negated(&b, w->verbs[w->v_ser].fr[VT_PRES][p]);
            else
                world_sb_add(&b, w->verbs[w->v_ser].fr[VT_PRES][p]);
            if (form == 1)
                world_sb_add(&b, pl ? "les" : g == G_F ? "la" : "le");
            world_sb_add(&b, "plus");
            world_sb_add(&b, ad->fr[ix]);
            break;
        default:
            sb_subj(w, &b, a, l, false);
            if (neg)
                world_sb_add(&b, "không");
            world_sb_add(&b, vi_adj);
            world_sb_add(&b, form == 1 ? "nhất" : "hơn");
            break;
        }
        if (form == 1) {
            world_sb_add(&b, groups[group][l]);
        } else if (l != L_VI) {
            world_sb_add(&b, l == L_EN ? "than" : "que");
            sb_np(w, &b, bnp, l, 0, NULL);
        } else {
            sb_np(w, &b, bnp, l, 0, NULL);
        }
        world_sb_add(&b, ".");
    }
    finish_all(w, out);
}

/* A person (a pronoun of one person, or a noun phrase of people) who can be
 * compared; its noun in *proxy. */
static bool compare_person(const struct world *w, struct pl_rng *r, bool pron_ok,
                           struct subj *s, int *proxy)
{
    s->pron = -1;
    s->stands_for = NULL;
    if (pron_ok && chance(r, 40)) {
        *proxy = pronoun_subject(w, r, s);
        return true;
    }
    for (int t = 0; t < 16; t++) {
        int n = pick_list(r, &w->c.describable);
        if (n >= 0 && is_person(&w->nouns[n])) {
            np_subject(w, r, n, 0, &s->np);
            s->np.pl = false;
            *proxy = n;
            return true;
        }
    }
    return false;
}

/* "My brother is taller than my sister.", "This car is not faster than
 * your car.", "She is the smartest in the class.", "We have the same bag." */
static int k_compare(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    int form = pick(r, 10);
    form = form < 6 ? 0 : form < 8 ? 1 : form < 9 ? 2 : 3;
    struct subj a = {.pron = -1};
    struct np bnp;
    int proxy = -1, adj = -1, group = 0, noun = -1;
    if (form >= 2) {
        /* two people and a thing they own */
        struct subj two = {.pron = -1};
        int p2;
        if (!compare_person(w, r, false, &a, &proxy) || !compare_person(w, r, false, &two, &p2))
            return -1;
        bnp = two.np;
        noun = pick_list(r, &w->c.owned);
        if (noun < 0 || p2 == proxy || !strcmp(w->nouns[noun].cat, "animals") ||
            !strcmp(w->nouns[noun].cat, "food"))
            return -1;
        world_compare(w, form, &a, &bnp, -1, false, 0, noun, out);
        topic_np(w, &a.np, &out->label);
        return 0;
    }
    if (form == 1) {
        if (!compare_person(w, r, true, &a, &proxy))
            return -1;
        const char *cat = a.pron >= 0 ? "family" : w->nouns[proxy].cat;
        bool young = a.pron < 0 && has_tag(&w->nouns[proxy], "young");
        if (w->prons[a.pron >= 0 ? a.pron : 0].person >= P_1PL && a.pron >= 0)
            return -1;
        if (strcmp(cat, "family") == 0)
            group = 0;
        else if (young || proxy == world_noun_index(w, "student"))
            group = 1;
        else
            return -1; /* "the kindest in the family" of a stranger */
    } else if (chance(r, 50)) {
        if (!compare_person(w, r, true, &a, &proxy))
            return -1;
        struct subj two = {.pron = -1};
        int p2;
        if (!compare_person(w, r, false, &two, &p2))
            return -1;
        bnp = two.np;
        if (a.pron < 0 && p2 == proxy && bnp.det == a.np.det && bnp.poss == a.np.poss)
            return -1;
    } else {
        /* the same thing, two owners: "My car is faster than your car." */
        proxy = pick_list(r, &w->c.owned);
        if (proxy < 0)
            return -1;
        np_clear(&a.np, proxy);
        a.np.det = D_POSS;
        a.np.poss = pick_poss(w, r, proxy);
        bnp = a.np;
        bnp.poss = pick_poss(w, r, proxy);
        if (bnp.poss == a.np.poss)
            return -1;
    }
    const struct wnoun *n = &w->nouns[proxy];
    for (int t = 0; t < 16 && adj < 0; t++) {
        int k = n->n_pred ? n->pred[pick(r, n->n_pred)] : -1;
        if (k >= 0 && w->adjs[k].en_more && w->adjs[k].kind == AK_GRAD &&
            (form == 0 ? w->adjs[k].for_.has[bnp.noun] : !w->adjs[k].es_estar))
            adj = k;
    }
    if (adj < 0)
        return -1;
    world_compare(w, form, &a, &bnp, adj, form == 0 && chance(r, 20), group, -1, out);
    if (a.pron < 0)
        topic_np(w, &a.np, &out->label);
    return 0;
}

void world_coord(const struct world *w, int form, const struct clause *cl, const struct np *other,
                 struct sentence *out)
{
    static const char *const conj[3][N_LANG] = {
        {"and", "y", "et", "và"}, {"but", "pero", "mais", "nhưng"}, {"or", "o", "ou", "hay"}};
    struct clause c = *cl, c2 = *cl;
    c.question = form == 2;
    c2.obj = *other;
    c2.neg = form == 1;
    c2.s.name[0] = 0; /* "Lan took the bus, but she did not take the boat." */
    if (c.s.pron < 0) {
        /* "The neighbor took the bus, but he did not take the boat." */
        c2.s.pron = subject_pronoun(w, &c.s);
        c2.s.stands_for = &c.s.np;
    }
    struct sentence first, second;
    first.langs = second.langs = out->langs;
    world_clause(w, &c, &first);
    snprintf(out->name, sizeof out->name, "%s", first.name);
    if (form == 1) {
        /* the second clause: Spanish and Vietnamese leave the subject out */
        world_clause(w, &c2, &second);
    }
    struct clause vi_c = c;
    vi_c.question = false; /* "Anh ấy chơi quần vợt hay bóng đá?" */
    struct sentence vi_first = {.langs = 1u << L_VI};
    if (form == 2 && (out->langs & (1u << L_VI)))
        world_clause(w, &vi_c, &vi_first);
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        char a[sizeof out->text[0] + 32];
        snprintf(a, sizeof a, "%s", form == 2 && l == L_VI ? vi_first.text[l] : first.text[l]);
        chop_stop(a);
        struct wsb b;
        world_sb_init(&b, out->text[l], sizeof out->text[l]);
        world_sb_add(&b, a);
        if (form == 1) {
            world_sb_cat(&b, ",");
            world_sb_add(&b, conj[1][l]);
            second_clause(w, &c2.s, l, second.text[l], &b);
        } else {
            world_sb_add(&b, conj[form][l]);
            world_object(w, &c2, l, &b);
        }
        world_sb_add(&b, form == 2 ? "?" : ".");
        world_finish(w, l, out->text[l], sizeof out->text[l]);
    }
}

/* "He eats bread and cheese.", "I drink tea, but I do not drink coffee.",
 * "Do you play tennis or football?" */
static int k_coord(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    int verb = pick_list(r, &w->c.transitive);
    if (verb < 0)
        return -1;
    const struct wverb *v = &w->verbs[verb];
    if (v->obj.n < 2 || (v->uses & VU_OWN))
        return -1;
    int form = pick(r, 3);
    struct clause c;
    clause_clear(&c);
    c.tense = form == 2 || chance(r, 60) ? T_PRES : T_PAST;
    if (!(v->tenses & (1u << c.tense)))
        c.tense = T_PRES;
    if (transitive_clause(w, r, verb, &c) != 0)
        return -1;
    c.loc = -1; /* the place would split the pair: "bread in the kitchen and cheese" */
    c.has_to = false; /* and so would a recipient */
    if (form == 1 && c.s.pron < 0 && is_group(&w->nouns[c.s.np.noun]))
        return -1; /* "but he does not": no pronoun for a family */
    int o2 = -1;
    const struct wnoun *n1 = &w->nouns[c.obj.noun];
    for (int t = 0; t < 16 && o2 < 0; t++) {
        /* two of a kind: "bread and cheese", not "the taxi and the lychee" */
        o2 = pick_set(r, &v->obj);
        const struct wnoun *n2 = &w->nouns[o2];
        bool kin = strcmp(n1->cat, n2->cat) == 0 && !n1->n_tags == !n2->n_tags;
        for (int a = 0; a < n1->n_tags && kin; a++) {
            kin = false;
            for (int b = 0; b < n2->n_tags && !kin; b++)
                kin = strcmp(n1->tags[a], n2->tags[b]) == 0;
            if (kin)
                break;
        }
        if (o2 == c.obj.noun || !kin || (n2->flags & NF_MASS) != (n1->flags & NF_MASS))
            o2 = -1;
    }
    if (o2 < 0)
        return -1;
    struct np other;
    np_object(w, r, verb, o2, form == 1, &other);
    /* two of a kind: "bread and cheese", "a pen and a pencil", "tennis or football" */
    other.det = c.obj.det;
    other.pl = c.obj.pl && plural_ok(&w->nouns[o2]);
    other.num = c.obj.num;
    other.poss = c.obj.poss;
    other.adj = -1;
    c.obj.adj = -1;
    if (other.det == D_NUM || (c.obj.det == D_INDEF && c.obj.pl != other.pl))
        return -1;
    const struct wnoun *n2 = &w->nouns[o2];
    if (other.det == D_POSS && (!possessable(n2) || ((n2->flags & NF_SGPOSS) &&
                                                     w->prons[other.poss].person > P_3SG)))
        return -1; /* no "her customer", no "our wife" */
    if (form == 1 && (c.obj.det == D_INDEF || other.det == D_INDEF))
        return -1; /* "He eats an apple, but he does not eat a pear" */
    world_coord(w, form, &c, &other, out);
    topic_clause(w, &c, &out->label);
    topic_np(w, &other, &out->label);
    return 0;
}

/* "The school is near the park.", "Is the bank far from here?" */
static int k_near(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    int a = pick_list(r, &w->c.sites), b = pick_list(r, &w->c.sites);
    if (a < 0 || b < 0 || a == b)
        return -1;
    bool far = chance(r, 50), here = chance(r, 25), question = chance(r, 25);
    bool neg = !question && chance(r, 15);
    struct subj s = {.pron = -1};
    np_clear(&s.np, w->places[a].noun);
    if (possessable(&w->nouns[s.np.noun]) && chance(r, 20)) {
        s.np.det = D_POSS;
        s.np.poss = pick_poss(w, r, s.np.noun);
    }
    struct np other;
    np_clear(&other, w->places[b].noun);
    static const char *const rel[2][N_LANG] = {{"near", "cerca de", "près de", "gần"},
                                               {"far from", "lejos de", "loin de", "xa"}};
    static const char *const hereword[N_LANG] = {"here", "aquí", "ici", "đây"};
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        struct wsb bb;
        world_sb_init(&bb, out->text[l], sizeof out->text[l]);
        switch (l) {
        case L_EN:
            if (question)
                world_sb_add(&bb, "is");
            sb_subj(w, &bb, &s, l, false);
            if (!question)
                world_sb_add(&bb, neg ? "is not" : "is");
            break;
        case L_ES:
            if (question)
                world_sb_add(&bb, "¿");
            sb_subj(w, &bb, &s, l, false);
            if (neg)
                world_sb_add(&bb, "no");
            world_sb_add(&bb, "está");
            break;
        case L_FR:
            if (question)
                world_sb_add(&bb, "est-ce que");
            sb_subj(w, &bb, &s, l, false);
            world_sb_add(&bb, neg ? "ne est pas" : "est");
            break;
        default:
            sb_subj(w, &bb, &s, l, false);
            if (question)
                world_sb_add(&bb, "có");
            else if (neg)
                world_sb_add(&bb, "không");
            world_sb_add(&bb, "ở");
            break;
        }
        world_sb_add(&bb, rel[far][l]);
        if (here)
            world_sb_add(&bb, hereword[l]);
        else
            sb_np(w, &bb, &other, l, 0, NULL);
        if (question && l == L_VI)
            world_sb_add(&bb, "không");
        world_sb_add(&bb, question ? "?" : ".");
    }
    finish_all(w, out);
    topic_np(w, &s.np, &out->label);
    if (!here)
        topic_np(w, &other, &out->label);
    return 0;
}

/* "My favorite color is blue.", "What is your favorite sport?" */
static int k_favorite(const struct world *w, struct pl_rng *r, struct sentence *out)
{
    if (!w->n_favorites)
        return -1;
    const struct wfavorite *fv = &w->favorites[pick(r, w->n_favorites)];
    bool question = chance(r, 30);
    int pron = question ? world_pron_index(w, "you") : pick(r, w->n_prons);
    if (pron < 0 || w->prons[pron].person > P_3SG)
        return -1; /* one person's favorite */
    const struct wpron *pr = &w->prons[pron];
    int value = -1, noun = -1;
    if (fv->values == FV_NOUNS) {
        noun = pick_set(r, &fv->nouns);
        if (noun < 0)
            return -1;
    } else if (fv->values == FV_COLOR) {
        for (int t = 0; t < 32 && value < 0; t++) {
            int a = pick(r, w->n_adjs);
            if (w->adjs[a].kind == AK_COLOR)
                value = a;
        }
    } else {
        value = pick_list(r, &w->c.t_day);
    }
    if (noun < 0 && value < 0)
        return -1;
    out->fixed = question; /* "What is your favorite color?" */
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        char val[160] = "";
        if (noun >= 0) {
            const struct wnoun *n = &w->nouns[noun];
            struct np p;
            np_clear(&p, noun);
            bool mass = n->flags & NF_MASS;
            /* "the cat", "el gato", "le chat", "con mèo"; "tea", "el té", "le thé", "trà" */
            p.det = l == L_EN ? (mass ? D_BARE : D_DEF) : l == L_VI ? (mass || !strcmp(fv->id, "fruit") ? D_BARE : D_DEF) : D_KIND;
            world_np(w, &p, l, 0, NULL, val, sizeof val);
        } else if (fv->values == FV_COLOR) {
            const struct wadj *a = &w->adjs[value];
            snprintf(val, sizeof val, "%s%s", l == L_ES ? "el " : l == L_FR ? "le " : "",
                     l == L_EN ? a->en : l == L_ES ? a->es[0] : l == L_FR ? a->fr[0] : a->vi);
        } else {
            snprintf(val, sizeof val, "%s%s", l == L_ES ? "el " : l == L_FR ? "le " : "",
                     w->times[value].text[l]);
        }
        char *o = out->text[l];
        size_t cap = sizeof out->text[l];
        bool fes = fv->es_g == G_F, ffr = fv->fr_g == G_F;
        switch (l) {
        case L_EN:
            if (question)
                snprintf(o, cap, "What is your favorite %s?", fv->en);
            else
                snprintf(o, cap, "%s favorite %s is %s.", pr->en_poss, fv->en, val);
            break;
        case L_ES:
            if (question)
                snprintf(o, cap, "¿Cuál es %s %s %s?", pr->es_poss[fes], fv->es,
                         fes ? "favorita" : "favorito");
            else
                snprintf(o, cap, "%s %s %s es %s.", pr->es_poss[fes], fv->es,
                         fes ? "favorita" : "favorito", val);
            break;
        case L_FR:
            if (question)
                snprintf(o, cap, "%s est %s %s %s ?", ffr ? "Quelle" : "Quel", pr->fr_poss[ffr],
                         fv->fr, ffr ? "préférée" : "préféré");
            else
                snprintf(o, cap, "%s %s %s est %s.", pr->fr_poss[ffr], fv->fr,
                         ffr ? "préférée" : "préféré", val);
            break;
        default:
            if (question)
                snprintf(o, cap, "%s yêu thích của %s là %s?", fv->vi, pr->vi, fv->vi_what);
            else
                snprintf(o, cap, "%s yêu thích của %s là %s.", fv->vi, pr->vi, val);
            break;
        }
        world_finish(w, l, o, cap);
    }
    if (noun >= 0)
        out->label = world_topic_merge(out->label, w->nouns[noun].label);
    return 0;
}

typedef int (*kind_fn)(const struct world *, struct pl_rng *, struct sentence *);

static const kind_fn kinds[N_KIND] = {
    k_describe, k_location, k_exist, k_this_is, k_action, k_intransitive, k_motion,
    k_progressive, k_frequency, k_likes, k_possessive, k_imperative, k_weather, k_clock,
    k_yes_no, k_yes_no_be, k_where, k_what, k_who, k_what_color, k_how_many, k_state,
    k_greeting, k_modal, k_request, k_lets, k_think, k_time, k_because, k_when, k_compare,
    k_coord, k_near, k_favorite, k_why, k_language,
};

int world_sentence(const struct world *w, struct pl_rng *r, int kind, unsigned langs,
                   struct sentence *out)
{
    out->langs = langs ? langs : (1u << N_LANG) - 1;
    for (int tries = 0; tries < 64; tries++) {
        int k = kind;
        if (k < 0) {
            int total = 0;
            for (int i = 0; i < N_KIND; i++)
                total += w->weight[i];
            if (total <= 0)
                return -1;
            int x = pick(r, total);
            for (k = 0; k < N_KIND && x >= w->weight[k]; k++)
                x -= w->weight[k];
        }
        out->kind = k;
        out->label = -1;
        out->fixed = false;
        out->name[0] = 0;
        if (kinds[k](w, r, out) == 0)
            return 0;
    }
    return -1;
}

/* ---- estimates ---- */

/* Ways to say a subject noun phrase for noun n. */
static double subj_variants(const struct world *w, int noun)
{
    const struct wnoun *n = &w->nouns[noun];
    if (n->flags & NF_POSSONLY)
        return w->n_prons;
    return (1.0 + w->n_prons) * (countable(n) ? 2 : 1) * (1 + n->n_adj);
}

static double obj_variants(const struct world *w, int noun)
{
    const struct wnoun *n = &w->nouns[noun];
    if (n->flags & NF_MASS)
        return 2;
    if (n->flags & NF_POSSONLY)
        return w->n_prons;
    return (3.0 + w->n_prons + w->c.counts.n) * (1 + n->n_adj);
}

static double set_sum(const struct world *w, const struct wset *s, bool subj)
{
    double t = 0;
    for (int i = 0; i < s->n; i++)
        t += subj ? subj_variants(w, s->ix[i]) : obj_variants(w, s->ix[i]);
    return t;
}

double world_kind_estimate(const struct world *w, int kind)
{
    const struct wcache *c = &w->c;
    double times = 1.0 + c->t_past.n + c->t_fut.n + c->t_habit.n + 2.0 * c->t_day.n;
    double t = 0;
    switch (kind) {
    case K_DESCRIBE:
    case K_YES_NO_BE:
        for (int i = 0; i < c->describable.n; i++) {
            int n = c->describable.ix[i];
            t += subj_variants(w, n) * w->nouns[n].n_pred;
        }
        return kind == K_DESCRIBE ? t * 2 * (1 + c->t_past.n + c->t_fut.n) : t;
    case K_LOCATION:
        for (int i = 0; i < c->locatable.n; i++) {
            int n = c->locatable.ix[i];
            t += subj_variants(w, n) * w->nouns[n].n_at;
        }
        return t * 2 * (1 + c->t_past.n + c->t_fut.n + c->t_now.n);
    case K_EXIST:
        for (int p = 0; p < w->n_places; p++)
            for (int i = 0; i < w->places[p].holds.n; i++)
                t += (2.0 + c->counts.n) * (1 + w->nouns[w->places[p].holds.ix[i]].n_adj);
        return t * 2 * (1 + c->t_past.n + c->t_fut.n);
    case K_THIS_IS:
        for (int i = 0; i < c->showable.n; i++)
            t += obj_variants(w, c->showable.ix[i]);
        return t * 2;
    case K_ACTION:
    case K_FREQUENCY:
    case K_PROGRESSIVE:
    case K_YES_NO:
        for (int i = 0; i < c->transitive.n; i++) {
            const struct wverb *v = &w->verbs[c->transitive.ix[i]];
            double s = set_sum(w, &v->subj, true) + (v->person_subj ? w->n_prons : 0);
            t += s * set_sum(w, &v->obj, false);
        }
        if (kind == K_ACTION)
            return t * 2 * times;
        if (kind == K_FREQUENCY)
            return t * (w->n_advs / 3.0);
        if (kind == K_PROGRESSIVE)
            return t * (1 + c->t_now.n) / 2;
        return t * times / 2;
    case K_INTRANSITIVE:
    case K_CLOCK:
        for (int i = 0; i < c->intransitive.n; i++) {
            const struct wverb *v = &w->verbs[c->intransitive.ix[i]];
            t += (set_sum(w, &v->subj, true) + w->n_prons) * (1 + v->place.n + 3);
        }
        return kind == K_CLOCK ? t / 10 * c->hours.n * (1 + c->t_day.n) : t * 2 * times;
    case K_MOTION:
        return (set_sum(w, &w->verbs[c->motion.ix[0]].subj, true) + w->n_prons) * w->n_places *
               2 * times;
    case K_LIKES:
        return (set_sum(w, &w->verbs[c->like].subj, true) + w->n_prons) *
               w->verbs[c->like].obj.n * 2;
    case K_POSSESSIVE:
        for (int i = 0; i < c->owned.n; i++) {
            const struct wnoun *n = &w->nouns[c->owned.ix[i]];
            t += n->n_pred + n->n_at;
        }
        return t * c->owners.n * (1 + w->n_prons) * 2 * (1 + c->t_past.n);
    case K_IMPERATIVE:
        for (int i = 0; i < c->imp.n; i++)
            t += set_sum(w, &w->verbs[c->imp.ix[i]].obj, false) / 4 + 1;
        return t * 3;
    case K_WEATHER:
        return (double)w->n_weather * (1 + c->cities.n) * (times + c->t_month.n);
    case K_WHERE:
        for (int i = 0; i < c->locatable.n; i++)
            t += subj_variants(w, c->locatable.ix[i]);
        return t;
    case K_WHAT:
        for (int i = 0; i < c->what.n; i++)
            t += set_sum(w, &w->verbs[c->what.ix[i]].subj, true) + w->n_prons;
        return t * (1 + c->t_past.n + c->t_fut.n);
    case K_WHO:
        return (double)w->nouns[c->man].n_at * (1 + c->t_past.n);
    case K_WHAT_COLOR:
        for (int i = 0; i < c->colored.n; i++)
            t += subj_variants(w, c->colored.ix[i]);
        return t;
    case K_STATE:
        for (int i = 0; i < c->describable.n; i++) {
            const struct wnoun *n = &w->nouns[c->describable.ix[i]];
            if (is_person(n))
                t += subj_variants(w, c->describable.ix[i]) * n->n_pred;
        }
        return t * 3 * 2 * (1 + c->t_now.n);
    case K_GREETING:
        for (int i = 0; i < w->n_phrases; i++) {
            unsigned h = w->phrases[i].holes;
            t += (h & (PH_NAME | PH_NAME_M | PH_NAME_F) ? w->n_names / 2.0 : 1) *
                 (h & PH_DAY ? c->t_day.n : 1) * (h & PH_NUM ? 10 : 1);
        }
        return t;
    case K_MODAL:
    case K_REQUEST:
    case K_LETS: {
        const struct wlist *l = kind == K_MODAL ? &c->vp : kind == K_REQUEST ? &c->request
                                                                            : &c->lets;
        for (int i = 0; i < l->n; i++) {
            const struct wverb *v = &w->verbs[l->ix[i]];
            t += v->obj.n ? set_sum(w, &v->obj, false) : 1.0 + v->place.n + w->n_places;
        }
        if (kind == K_MODAL)
            return t * (w->n_prons + c->owners.n) * w->n_modals * 1.5 *
                   (1 + (c->t_now.n + c->t_fut.n) / 3.0);
        return kind == K_REQUEST ? t * 5 : t;
    }
    case K_THINK: {
        int n = 0;
        for (int i = 0; i < w->n_frames; i++)
            n += (w->frames[i].kinds & IK_SENTENCE) != 0;
        for (size_t i = 0; i < sizeof framed_kinds / sizeof *framed_kinds; i++)
            t += world_kind_estimate(w, framed_kinds[i]);
        return t * n;
    }
    case K_TIME:
        return 2 + 3 * 12 + 3 * c->t_day.n + (c->t_month.n + 1) * (3.0 + c->owners.n * 3);
    case K_BECAUSE:
    case K_WHEN:
        for (int i = 0; i < w->n_reasons; i++) {
            const struct wreason *x = &w->reasons[i];
            double objs = 0;
            for (int k = 0; k < x->with.n && w->verbs[x->verb].obj.n; k++)
                objs += obj_variants(w, x->with.ix[k]) / 4;
            t += (objs ? objs : 1 + x->with.n) * (w->n_prons + c->owners.n * 2.0);
        }
        return kind == K_BECAUSE ? t * 2 : t;
    case K_COMPARE:
        for (int i = 0; i < c->owned.n; i++) {
            const struct wnoun *n = &w->nouns[c->owned.ix[i]];
            t += (double)n->n_pred * w->n_prons * w->n_prons;
        }
        for (int i = 0; i < c->describable.n; i++) {
            const struct wnoun *n = &w->nouns[c->describable.ix[i]];
            if (is_person(n))
                t += subj_variants(w, c->describable.ix[i]) * n->n_pred * c->owners.n;
        }
        return t * 2;
    case K_COORD:
        for (int i = 0; i < c->transitive.n; i++) {
            const struct wverb *v = &w->verbs[c->transitive.ix[i]];
            double s = set_sum(w, &v->subj, true) / 4 + (v->person_subj ? w->n_prons : 0);
            t += s * v->obj.n * v->obj.n * 6;
        }
        return t;
    case K_NEAR:
        return (double)c->sites.n * (c->sites.n + 1) * 2 * 3 * 2;
    case K_FAVORITE:
        for (int i = 0; i < w->n_favorites; i++)
            t += w->favorites[i].nouns.n ? w->favorites[i].nouns.n : 10;
        return t * 4;
    case K_WHY:
        return world_kind_estimate(w, K_YES_NO) + world_kind_estimate(w, K_STATE);
    case K_LANGUAGE: {
        int langs = 0;
        for (int i = 0; i < w->n_nouns; i++)
            langs += world_is_language(&w->nouns[i]);
        for (int i = 0; i < c->lang.n; i++) {
            const struct wverb *v = &w->verbs[c->lang.ix[i]];
            t += set_sum(w, &v->subj, true) + (v->person_subj ? w->n_prons : 0);
        }
        return t * langs * times * 2;
    }
    case K_HOW_MANY:
        for (int i = 0; i < c->countable.n; i++)
            t += w->nouns[c->countable.ix[i]].n_at;
        return t;
    default:
        return 0;
    }
}
