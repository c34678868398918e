/* grammar.c - noun phrases and clauses in English, Spanish, French and
 * Vietnamese.
 *
 * The one idea: the builders only choose the words and their order, with
 * gender and number agreement, and write them uncontracted ("de le pain",
 * "a el gato", "je ai", "a apple").  A final pass per language
 * (world_finish) then applies the contractions and elisions - du, au, al,
 * del, l', j', qu', n', mon before a vowel, an - and the capital letter.
 * Elision before a French "h aspiré" is blocked by the nouns flagged hasp. */
#include "world_impl.h"

#include <stdio.h>
#include <string.h>

/* ---- string builder ---- */

void world_sb_init(struct wsb *b, char *buf, size_t cap)
{
    b->s = buf;
    b->n = 0;
    b->cap = cap;
    buf[0] = 0;
}

void world_sb_add(struct wsb *b, const char *w)
{
    if (!w || !*w || b->n >= b->cap)
        return;
    size_t k = strlen(w), sp = b->n ? 1 : 0;
    if (b->n + sp + k + 1 > b->cap) {
        b->n = b->cap; /* mark full: the caller sees a truncated sentence */
        return;
    }
    if (sp)
        b->s[b->n++] = ' ';
    memcpy(b->s + b->n, w, k + 1);
    b->n += k;
}

void world_sb_cat(struct wsb *b, const char *t)
{
    size_t k = strlen(t);
    if (b->n >= b->cap)
        return;
    if (b->n + k + 1 > b->cap) {
        b->n = b->cap;
        return;
    }
    memcpy(b->s + b->n, t, k + 1);
    b->n += k;
}

/* ---- letters ---- */

/* Decode one UTF-8 code point; returns its length (1 for a bad byte). */
static int utf8_get(const char *s, unsigned *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    if ((u[0] & 0xe0) == 0xc0 && (u[1] & 0xc0) == 0x80) {
        *cp = ((u[0] & 0x1fu) << 6) | (u[1] & 0x3fu);
        return 2;
    }
    if ((u[0] & 0xf0) == 0xe0 && (u[1] & 0xc0) == 0x80 && (u[2] & 0xc0) == 0x80) {
        *cp = ((u[0] & 0x0fu) << 12) | ((u[1] & 0x3fu) << 6) | (u[2] & 0x3fu);
        return 3;
    }
    *cp = u[0];
    return 1;
}

static int utf8_put(char *s, unsigned cp)
{
    unsigned char *u = (unsigned char *)s;
    if (cp < 0x80) {
        u[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        u[0] = (unsigned char)(0xc0 | (cp >> 6));
        u[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    u[0] = (unsigned char)(0xe0 | (cp >> 12));
    u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
    u[2] = (unsigned char)(0x80 | (cp & 0x3f));
    return 3;
}

/* Upper or lower case of a letter of English, Spanish, French or Vietnamese;
 * 0 when cp is no cased letter. */
static unsigned recase(unsigned cp, bool upper)
{
    unsigned lo = 0, up = 0;
    if (cp >= 'a' && cp <= 'z')
        lo = cp, up = cp - 32;
    else if (cp >= 'A' && cp <= 'Z')
        up = cp, lo = cp + 32;
    else if (cp >= 0xe0 && cp <= 0xfe && cp != 0xf7)
        lo = cp, up = cp - 0x20;
    else if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7)
        up = cp, lo = cp + 0x20;
    else if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14a && cp <= 0x177) ||
             (cp >= 0x1ea0 && cp <= 0x1ef9))
        up = cp & ~1u, lo = cp | 1u; /* pairs: even upper, odd lower (ă đ ĩ ũ œ, ạ ả ấ ...) */
    else if (cp == 0x1a0 || cp == 0x1a1)
        up = 0x1a0, lo = 0x1a1; /* ơ */
    else if (cp == 0x1af || cp == 0x1b0)
        up = 0x1af, lo = 0x1b0; /* ư */
    else
        return 0;
    return upper ? up : lo;
}

bool world_case_first(char *s, bool upper)
{
    unsigned cp;
    int k = utf8_get(s, &cp);
    unsigned to = recase(cp, upper);
    if (!to)
        return false;
    char tmp[4];
    int m = utf8_put(tmp, to);
    if (m != k) /* never happens for the letters above; keep the text intact */
        return false;
    memcpy(s, tmp, (size_t)m);
    return true;
}

bool world_upper_first(const char *s)
{
    unsigned cp;
    utf8_get(s, &cp);
    unsigned up = recase(cp, true);
    return up && up == cp;
}

static bool fr_vowel_start(const struct world *w, const char *word)
{
    unsigned cp;
    utf8_get(word, &cp);
    unsigned lo = recase(cp, false);
    if (lo)
        cp = lo;
    static const unsigned vowels[] = {'a', 'e', 'i', 'o', 'u', 'y', 'h', 0xe0, 0xe2, 0xe4, 0xe6,
                                      0xe9, 0xe8, 0xea, 0xeb, 0xee, 0xef, 0xf4, 0xf6, 0xf9,
                                      0xfb, 0xfc, 0x153};
    bool v = false;
    for (size_t i = 0; i < sizeof vowels / sizeof *vowels; i++)
        v |= cp == vowels[i];
    if (!v || (cp == 'h' && word[0] == 'H') || (cp == 'y' && word[0] == 'Y'))
        return false; /* "que Hoa", "de Hanoï", "que Yela": names do not elide */
    for (int i = 0; i < w->n_fr_hasp; i++)
        if (strcmp(word, w->fr_hasp[i]) == 0)
            return false;
    return true;
}

bool world_fr_elides(const struct world *w, const char *word)
{
    return fr_vowel_start(w, word);
}

static bool en_vowel_start(const struct world *w, const char *word)
{
    for (int i = 0; i < w->n_en_a; i++)
        if (strcmp(word, w->en_a[i]) == 0)
            return false;
    for (int i = 0; i < w->n_en_an; i++)
        if (strcmp(word, w->en_an[i]) == 0)
            return true;
    return strchr("aeiouAEIOU", word[0]) != NULL && word[0];
}

/* ---- the final pass ---- */

/* Whether a Spanish word starts with the sound of "i" (for y -> e: "e
 * inglés", "e hijos", not "y hielo") or "o" (for o -> u: "u ocho"). */
static bool es_sound(const char *word, char conj)
{
    char low[8];
    snprintf(low, sizeof low, "%s", word);
    world_case_first(low, false);
    const char *p = low;
    if (p[0] == 'h')
        p++;
    if (conj == 'y') {
        bool i = p[0] == 'i' || strncmp(p, "í", strlen("í")) == 0;
        /* "hie-", "hia-": a consonant sound ("y hielo") */
        return i && !(p != low && (p[1] == 'e' || p[1] == 'a'));
    }
    return p[0] == 'o' || strncmp(p, "ó", strlen("ó")) == 0;
}

static bool is(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

static bool fr_elidable(const char *t)
{
    static const char *const elide[] = {"je", "me", "te", "se", "le", "la", "ne", "de", "que",
                                        "ce"};
    for (size_t k = 0; k < sizeof elide / sizeof *elide; k++)
        if (is(t, elide[k]))
            return true;
    return false;
}

void world_finish(const struct world *w, int lang, char *s, size_t cap)
{
    char copy[1024];
    size_t len = strlen(s);
    if (len >= sizeof copy)
        return;
    memcpy(copy, s, len + 1);
    char *tok[160];
    int n = 0;
    for (char *t = copy; *t && n < 160;) {
        while (*t == ' ')
            *t++ = 0;
        if (!*t)
            break;
        tok[n++] = t;
        while (*t && *t != ' ')
            t++;
    }
    /* One pass with a look at the next words: contractions (au, du, al,
     * del), elisions glued to the next word (l'arbre, qu'il), mon before a
     * vowel, an, and punctuation glued to the word before it. */
    struct wsb b;
    char out[1024];
    world_sb_init(&b, out, sizeof out);
    bool glue = false;
    for (int i = 0; i < n; i++) {
        const char *t = tok[i], *next = i + 1 < n ? tok[i + 1] : "";
        char word[64];
        const char *put = t;
        if (lang == L_FR && (is(t, "à") || is(t, "de")) && (is(next, "le") || is(next, "les")) &&
            !(is(next, "le") && i + 2 < n && fr_vowel_start(w, tok[i + 2]))) {
            put = is(t, "à") ? (is(next, "le") ? "au" : "aux") : (is(next, "le") ? "du" : "des");
            i++;
        } else if (lang == L_ES && (is(t, "a") || is(t, "de")) && is(next, "el")) {
            put = is(t, "a") ? "al" : "del";
            i++;
        } else if (lang == L_EN && is(t, "a") && *next && en_vowel_start(w, next)) {
            put = "an";
        } else if (lang == L_ES && (is(t, "y") || is(t, "o")) && *next && es_sound(next, t[0])) {
            put = t[0] == 'y' ? "e" : "u"; /* "español e inglés", "siete u ocho" */
        } else if (lang == L_VI && is(t, "ở") && is(next, "ở")) {
            continue; /* "ở" + "ở nhà": "Tôi ở nhà" */
        } else if (lang == L_FR && *next && fr_vowel_start(w, next) &&
                   (is(t, "ma") || is(t, "ta") || is(t, "sa"))) {
            put = t[0] == 'm' ? "mon" : t[0] == 't' ? "ton" : "son";
        }
        bool punct = put[0] == '?' || put[0] == '!' || put[0] == '.' || put[0] == ',';
        if (glue || (punct && !(lang == L_FR && (put[0] == '?' || put[0] == '!'))))
            world_sb_cat(&b, put);
        else
            world_sb_add(&b, put);
        glue = false;
        if (is(put, "¿") || is(put, "¡")) {
            glue = true;
        } else if (lang == L_FR && put == t && *next && fr_elidable(t) && fr_vowel_start(w, next)) {
            /* "le" + "arbre" -> "l'" glued to "arbre" */
            size_t k = strlen(t);
            if (k < sizeof word) {
                memcpy(word, t, k - 1);
                word[k - 1] = '\'';
                word[k] = 0;
                b.n -= k;
                b.s[b.n] = 0;
                world_sb_cat(&b, word);
                glue = true;
            }
        }
    }
    if (b.n >= b.cap || b.n + 1 > cap)
        return;
    memcpy(s, out, b.n + 1);
    /* The capital letter, after an opening ¿ or ¡. */
    char *p = s;
    while (strncmp(p, "¿", strlen("¿")) == 0 || strncmp(p, "¡", strlen("¡")) == 0)
        p += strlen("¿");
    world_case_first(p, true);
}

/* ---- subjects ---- */

void world_subj_vi_asked(const struct world *w, const struct subj *s, struct wsb *b)
{
    if (s->pron >= 0 && !s->name[0] && w->prons[s->pron].person == P_1PL)
        world_sb_add(b, "chúng ta");
    else
        world_subj(w, s, L_VI, false, b);
}

bool world_np_pl(const struct world *w, const struct np *p)
{
    return p->pl || (w->nouns[p->noun].flags & NF_PLONLY);
}

int world_subj_person(const struct world *w, const struct subj *s)
{
    if (s->pron >= 0)
        return w->prons[s->pron].person;
    return world_np_pl(w, &s->np) ? P_3PL : P_3SG;
}

static int subj_gender(const struct world *w, const struct subj *s, int lang)
{
    if (s->pron >= 0 && s->stands_for) {
        const struct wnoun *n = &w->nouns[s->stands_for->noun];
        return lang == L_ES ? n->es_g : n->fr_g;
    }
    if (s->pron >= 0)
        return w->prons[s->pron].gender;
    const struct wnoun *n = &w->nouns[s->np.noun];
    return lang == L_ES ? n->es_g : n->fr_g;
}

int world_subj_gender(const struct world *w, const struct subj *s)
{
    return subj_gender(w, s, L_FR);
}

static bool subj_plural(const struct world *w, const struct subj *s)
{
    int p = world_subj_person(w, s);
    return p == P_1PL || p == P_3PL;
}

/* ---- noun phrases ---- */

static void np_build(const struct world *w, const struct np *p, int lang, unsigned role,
                     const char *prep, struct wsb *b);

static void np_en(const struct world *w, const struct np *p, struct wsb *b)
{
    const struct wnoun *n = &w->nouns[p->noun];
    bool pl = world_np_pl(w, p);
    switch (p->det) {
    case D_DEF:
    case D_GENERIC:
        world_sb_add(b, "the");
        break;
    case D_INDEF:
        if (!pl)
            world_sb_add(b, "a");
        break;
    case D_POSS:
        world_sb_add(b, w->prons[p->poss].en_poss);
        break;
    case D_NUM:
        world_sb_add(b, w->nums[p->num].en);
        break;
    case D_OWNER: {
        np_en(w, p->owner, b);
        const char *o = w->nouns[p->owner->noun].en[1];
        bool s_pl = world_np_pl(w, p->owner) && o && o[strlen(o) - 1] == 's';
        world_sb_cat(b, s_pl ? "'" : "'s"); /* "my parents' car" */
        break;
    }
    case D_LOTS:
        world_sb_add(b, "a lot of");
        break;
    default: /* D_BARE, D_KIND */
        break;
    }
    if (p->adj >= 0)
        world_sb_add(b, w->adjs[p->adj].en);
    world_sb_add(b, n->en[pl]);
}

static void np_es(const struct world *w, const struct np *p, unsigned role, struct wsb *b)
{
    (void)role;
    const struct wnoun *n = &w->nouns[p->noun];
    const struct wadj *a = p->adj >= 0 ? &w->adjs[p->adj] : NULL;
    int g = n->es_g, pl = world_np_pl(w, p), ix = g + 2 * pl;
    bool pre = a && a->es_pre;
    /* Feminine nouns with a stressed a- take el/un right before them. */
    bool tonic = (n->flags & NF_TONIC) && !pl && !pre;
    switch (p->det) {
    case D_DEF:
    case D_GENERIC:
    case D_KIND:
    case D_OWNER:
        world_sb_add(b, pl ? (g == G_F ? "las" : "los") : (g == G_F && !tonic ? "la" : "el"));
        break;
    case D_INDEF:
        if (!pl)
            world_sb_add(b, g == G_F && !tonic ? "una" : "un");
        break;
    case D_POSS:
        world_sb_add(b, w->prons[p->poss].es_poss[ix]);
        break;
    case D_NUM:
        world_sb_add(b, w->nums[p->num].es);
        break;
    case D_LOTS: {
        static const char *const much[] = {"mucho", "mucha", "muchos", "muchas"};
        world_sb_add(b, much[ix]); /* "mucha agua": no el/un rule after it */
        break;
    }
    default: /* D_BARE */
        break;
    }
    if (pre)
        world_sb_add(b, !pl && g == G_M && a->es[4] ? a->es[4] : a->es[ix]);
    world_sb_add(b, n->es[pl]);
    if (a && !pre)
        world_sb_add(b, a->es[ix]);
    if (p->det == D_OWNER)
        np_build(w, p->owner, L_ES, 0, "de", b);
}

static void np_fr(const struct world *w, const struct np *p, unsigned role, struct wsb *b)
{
    const struct wnoun *n = &w->nouns[p->noun];
    const struct wadj *a = p->adj >= 0 ? &w->adjs[p->adj] : NULL;
    int g = n->fr_g, pl = world_np_pl(w, p), ix = g + 2 * pl;
    bool pre = a && a->fr_pre, neg = role & R_NEGATED;
    const char *def = pl ? "les" : g == G_F ? "la" : "le";
    switch (p->det) {
    case D_DEF:
    case D_GENERIC:
    case D_KIND:
    case D_OWNER:
        world_sb_add(b, def);
        break;
    case D_INDEF:
        /* un/une/des; "de" after a negation and before a plural adjective */
        world_sb_add(b, neg || (pl && pre) ? "de" : pl ? "des" : g == G_F ? "une" : "un");
        break;
    case D_BARE:
        if ((n->flags & NF_MASS) && (role & R_FRDEF)) {
            world_sb_add(b, def); /* "apprendre le français" */
        } else if (n->flags & NF_MASS) {
            if (role & R_PARTITIVE)
                world_sb_add(b, neg ? "de" : g == G_F ? "de la" : "de le");
        } else {
            world_sb_add(b, neg || pre ? "de" : "des");
        }
        break;
    case D_POSS:
        world_sb_add(b, w->prons[p->poss].fr_poss[pl ? 2 : g]);
        break;
    case D_NUM:
        world_sb_add(b, w->nums[p->num].fr);
        break;
    case D_LOTS:
        world_sb_add(b, "beaucoup de");
        break;
    default:
        break;
    }
    if (pre) {
        bool vowel = !pl && g == G_M && a->fr[4] && fr_vowel_start(w, n->fr[0]);
        world_sb_add(b, vowel ? a->fr[4] : a->fr[ix]);
    }
    world_sb_add(b, n->fr[pl]);
    if (a && !pre)
        world_sb_add(b, a->fr[ix]);
    if (p->det == D_OWNER)
        np_build(w, p->owner, L_FR, 0, "de", b);
}

static void np_vi(const struct world *w, const struct np *p, struct wsb *b)
{
    const struct wnoun *n = &w->nouns[p->noun];
    const struct wadj *a = p->adj >= 0 ? &w->adjs[p->adj] : NULL;
    const char *cl = n->vi_cl;
    switch (p->det) {
    case D_DEF:
    case D_OWNER:
        if (p->pl)
            world_sb_add(b, "những");
        world_sb_add(b, cl);
        break;
    case D_INDEF:
        if (!p->pl) {
            world_sb_add(b, "một");
            world_sb_add(b, cl);
        }
        break;
    case D_POSS:
        if (p->refl && w->prons[p->poss].person != P_1SG && w->prons[p->poss].person != P_1PL) {
            /* the subject's own: "Cô ấy yêu mẹ mình", "con chó của mình" */
            bool direct = (n->flags & NF_VDIRECT) && !a && !p->pl;
            if (!direct && p->pl)
                world_sb_add(b, "những");
            if (!direct)
                world_sb_add(b, cl);
            world_sb_add(b, n->vi);
            if (a)
                world_sb_add(b, a->vi);
            world_sb_add(b, direct ? "mình" : "của mình");
            return;
        }
        if ((n->flags & NF_VDIRECT) && !a && !p->pl &&
            (w->prons[p->poss].person == P_1SG || w->prons[p->poss].person == P_1PL)) {
            /* kinship: "mẹ tôi", "bạn tôi"; with other possessors the bare
             * form names another relative ("dì họ", "bà cô", "ông bạn"), so
             * they take "của" below ("dì của họ") */
            world_sb_add(b, n->vi);
            world_sb_add(b, w->prons[p->poss].vi);
            return;
        }
        if (p->pl)
            world_sb_add(b, "những");
        world_sb_add(b, cl);
        break;
    case D_NUM:
        world_sb_add(b, w->nums[p->num].vi);
        world_sb_add(b, cl);
        break;
    case D_LOTS:
        world_sb_add(b, "nhiều");
        if (!(n->flags & NF_MASS))
            world_sb_add(b, cl); /* "nhiều con mèo", "nhiều nước" */
        break;
    default: /* D_BARE, D_KIND, D_GENERIC: the bare noun */
        break;
    }
    world_sb_add(b, n->vi);
    if (a)
        world_sb_add(b, a->vi);
    if (p->det == D_POSS) {
        world_sb_add(b, "của");
        world_sb_add(b, w->prons[p->poss].vi);
    } else if (p->det == D_OWNER) {
        np_build(w, p->owner, L_VI, 0, "của", b);
    }
}

static void np_build(const struct world *w, const struct np *p, int lang, unsigned role,
                     const char *prep, struct wsb *b)
{
    world_sb_add(b, prep);
    switch (lang) {
    case L_EN: np_en(w, p, b); break;
    case L_ES: np_es(w, p, role, b); break;
    case L_FR: np_fr(w, p, role, b); break;
    default: np_vi(w, p, b); break;
    }
}

int world_np(const struct world *w, const struct np *p, int lang, unsigned role,
             const char *prep, char *out, size_t cap)
{
    struct wsb b;
    world_sb_init(&b, out, cap);
    np_build(w, p, lang, role, prep, &b);
    if (b.n >= cap)
        return -1;
    return (int)b.n;
}

void world_subj(const struct world *w, const struct subj *s, int lang, bool es_drop,
                struct wsb *b)
{
    if (s->name[0]) {
        world_sb_add(b, s->name); /* never left out, whatever es_drop says */
        return;
    }
    if (s->pron >= 0) {
        const struct wpron *p = &w->prons[s->pron];
        if (lang == L_ES && es_drop)
            return;
        /* "they" for women: ellas, elles */
        bool fem = s->stands_for && p->person == P_3PL && subj_gender(w, s, lang) == G_F;
        if (fem && (lang == L_ES || lang == L_FR))
            world_sb_add(b, lang == L_ES ? "ellas" : "elles");
        else
            world_sb_add(b, lang == L_EN ? p->en : lang == L_ES ? p->es : lang == L_FR ? p->fr
                                                                        : p->vi);
        return;
    }
    np_build(w, &s->np, lang, 0, NULL, b);
}

/* ---- time phrases ---- */

void world_time_phrase(const struct world *w, int t, bool habit, int lang, char *buf, size_t cap)
{
    const struct wtime *tm = &w->times[t];
    const char *x = tm->text[lang];
    if (tm->use & TU_DAY) {
        if (lang == L_EN)
            snprintf(buf, cap, habit ? "on %ss" : "on %s", x);
        else if (lang == L_ES) {
            size_t k = strlen(x);
            bool s_end = k && x[k - 1] == 's'; /* lunes, martes ... stay; sábado -> sábados */
            snprintf(buf, cap, habit ? (s_end ? "los %s" : "los %ss") : "el %s", x);
        } else if (lang == L_FR)
            snprintf(buf, cap, habit ? "le %s" : "%s", x);
        else
            snprintf(buf, cap, habit ? "vào mỗi %s" : "%s", x);
    } else if (tm->use & TU_MONTH) {
        static const char *const fmt[N_LANG] = {"in %s", "en %s", "en %s", "vào %s"};
        snprintf(buf, cap, fmt[lang], x);
    } else {
        snprintf(buf, cap, "%s", x);
    }
}

bool world_time_front(const struct world *w, int t, bool habit)
{
    const struct wtime *tm = &w->times[t];
    if (tm->use & TU_DAY)
        return !habit;
    return tm->vi_front;
}

/* ---- clauses ---- */

bool world_time_today(const struct world *w, int t)
{
    return t >= 0 && (w->times[t].use & TU_TODAY);
}

/* The length of the object pronoun that opens a Spanish verb form, with its
 * space ("se " of "se queda", "nos " of "nos quedamos"), or 0. */
static int es_clitic(const char *form)
{
    static const char *const clitics[] = {"me ", "te ", "se ", "nos ", "os "};
    for (size_t i = 0; i < sizeof clitics / sizeof *clitics; i++)
        if (strncmp(form, clitics[i], strlen(clitics[i])) == 0)
            return (int)strlen(clitics[i]);
    return 0;
}

void world_es_verb(const struct world *w, int verb, int tense, int person, int time, char *out,
                   size_t cap)
{
    static const char *const haber[N_PERSON] = {"he", "has", "ha", "hemos", "han"};
    const struct wverb *v = &w->verbs[verb];
    if ((tense == T_PAST && world_time_today(w, time) && !(v->uses & VU_STATE)) ||
        tense == T_PERF) {
        /* Spain: what happened today is said in the perfect ("hoy ha ido");
         * a reflexive keeps its pronoun in front ("se ha quedado") */
        const char *pres = v->es[VT_PRES][person];
        snprintf(out, cap, "%.*s%s %s", es_clitic(pres), pres, haber[person], v->es_pp);
    } else
        snprintf(out, cap, "%s",
                 v->es[tense == T_PAST ? VT_PAST : tense == T_FUT ? VT_FUT : VT_PRES][person]);
}

static const char *const en_be_pres[N_PERSON] = {"am", "are", "is", "are", "are"};

static bool obj_is_person(const struct world *w, const struct clause *c)
{
    const char *cat = w->nouns[c->obj.noun].cat;
    return strcmp(cat, "people") == 0 || strcmp(cat, "family") == 0;
}

/* How the object is said (partitive, negated) in Spanish and French. */
static unsigned obj_role(const struct world *w, const struct clause *c)
{
    const struct wverb *v = &w->verbs[c->verb];
    unsigned role = 0;
    bool never = c->adv >= 0 && w->advs[c->adv].kind == ADV_NEVER;
    if ((c->neg || never) && !c->question)
        role |= R_NEGATED;
    if (!(v->uses & (VU_MASSDEF | VU_MASSBARE)))
        role |= R_PARTITIVE;
    if ((v->uses & VU_LANGDEF) && c->has_obj && world_is_language(&w->nouns[c->obj.noun]))
        role |= R_FRDEF;
    return role;
}

void world_clock(const struct world *w, int h, int part, int lang, char *buf, size_t cap)
{
    static const char *const en[N_CLOCK_PART] = {"%s o'clock", "half past %s",
                                                 "a quarter past %s", "a quarter to %s"};
    static const char *const tail[N_CLOCK_PART][N_LANG] = {
        {"", "", "", ""},
        {"", " y media", " et demie", " rưỡi"},
        {"", " y cuarto", " et quart", " mười lăm"},
        {"", " menos cuarto", " moins le quart", " kém mười lăm"}};
    const struct wnum *n = &w->nums[h];
    bool one = n->value == 1;
    switch (lang) {
    case L_EN: snprintf(buf, cap, en[part], n->en); break;
    case L_ES: snprintf(buf, cap, "%s %s%s", one ? "la" : "las", n->es_f, tail[part][lang]); break;
    case L_FR:
        snprintf(buf, cap, "%s %s%s", n->fr_f, one ? "heure" : "heures", tail[part][lang]);
        break;
    default: snprintf(buf, cap, "%s giờ%s", n->vi, tail[part][lang]); break;
    }
}

/* What follows the verb and its object: adverb, place, clock, day, time. */
static void tail(const struct world *w, const struct clause *c, int lang, struct wsb *b)
{
    bool habit = c->tense == T_PRES;
    int kind = c->adv >= 0 ? w->advs[c->adv].kind : -1;
    if (kind == ADV_MANNER || kind == ADV_PLACE)
        world_sb_add(b, w->advs[c->adv].text[lang]);
    if (c->loc >= 0)
        world_sb_add(b, w->places[c->loc].at[lang]);
    if (c->dest >= 0)
        world_sb_add(b, w->places[c->dest].to[lang]);
    if (kind == ADV_MEANS) /* "to school by bus", "a la escuela en autobús" */
        world_sb_add(b, w->advs[c->adv].text[lang]);
    if (c->clock >= 0) {
        static const char *const at[N_LANG] = {"at", "a", "à", "lúc"};
        char buf[96];
        world_clock(w, c->clock, c->clock_part, lang, buf, sizeof buf);
        world_sb_add(b, at[lang]);
        world_sb_add(b, buf);
    }
    int ts[2] = {c->day, c->time};
    for (int i = 0; i < 2; i++) {
        if (ts[i] < 0 || (lang == L_VI && world_time_front(w, ts[i], habit)))
            continue;
        char buf[96];
        world_time_phrase(w, ts[i], habit, lang, buf, sizeof buf);
        world_sb_add(b, buf);
    }
}

static void vi_front(const struct world *w, const struct clause *c, struct wsb *b)
{
    bool habit = c->tense == T_PRES;
    int ts[2] = {c->time, c->day};
    for (int i = 0; i < 2; i++)
        if (ts[i] >= 0 && world_time_front(w, ts[i], habit)) {
            char buf[96];
            world_time_phrase(w, ts[i], habit, L_VI, buf, sizeof buf);
            world_sb_add(b, buf);
        }
}

static void object(const struct world *w, const struct clause *c, int lang, struct wsb *b)
{
    if (!c->has_obj)
        return;
    /* "Bạn đã bao giờ lái xe buýt chưa?": ever and never take the bare noun
     * in Vietnamese, not "một chiếc" */
    struct np bare;
    if (lang == L_VI && c->tense == T_PERF && (c->perf == PF_EVER || c->perf == PF_NEVER) &&
        c->obj.det == D_INDEF) {
        bare = c->obj;
        bare.det = D_BARE;
        struct clause cb = *c;
        cb.obj = bare;
        object(w, &cb, lang, b);
        return;
    }
    const struct wverb *v = &w->verbs[c->verb];
    const char *prep = NULL;
    switch (lang) {
    case L_EN: prep = v->en_obj; break;
    case L_ES: prep = v->es_obj ? v->es_obj : obj_is_person(w, c) ? "a" : NULL; break;
    case L_FR: prep = v->fr_obj; break;
    default: prep = v->vi_obj; break;
    }
    np_build(w, &c->obj, lang, obj_role(w, c), prep, b);
    if (!c->has_to)
        return;
    /* the recipient: "to her friend", "a su amiga", "à son amie", "cho bạn
     * của cô ấy" (a, à + el, le contract when the sentence is finished) */
    if (lang != L_VI) {
        np_build(w, &c->to, lang, 0, lang == L_EN ? "to" : lang == L_ES ? "a" : "à", b);
        return;
    }
    char who[256], out[320];
    struct wsb t;
    world_sb_init(&t, who, sizeof who);
    np_build(w, &c->to, L_VI, 0, NULL, &t);
    const char *x = strstr(v->vi_to, "{x}");
    snprintf(out, sizeof out, "%.*s%s%s", (int)(x - v->vi_to), v->vi_to, who, x + 3);
    world_sb_add(b, out);
}

static void clause_en(const struct world *w, const struct clause *c, struct wsb *b)
{
    const struct wverb *v = &w->verbs[c->verb];
    int p = world_subj_person(w, &c->s);
    bool third = p == P_3SG;
    const struct wadv *adv = c->adv >= 0 ? &w->advs[c->adv] : NULL;
    if (c->question && c->tense == T_PERF) {
        /* "Have you ever eaten sushi?" */
        world_sb_add(b, third ? "has" : "have");
        world_subj(w, &c->s, L_EN, false, b);
        if (c->perf == PF_EVER)
            world_sb_add(b, "ever");
        world_sb_add(b, v->en_pp);
    } else if (c->question) {
        static const char *const aux[] = {NULL, "did", "will"};
        bool be = c->tense == T_PROG || (c->tense == T_FUT && c->going);
        if (be)
            world_sb_add(b, en_be_pres[p]);
        else
            world_sb_add(b, c->tense == T_PRES ? (third ? "does" : "do") : aux[c->tense]);
        world_subj(w, &c->s, L_EN, false, b);
        if (c->tense == T_FUT && c->going)
            world_sb_add(b, "going to");
        world_sb_add(b, c->tense == T_PROG ? v->en[3] : v->en[0]);
    } else {
        world_subj(w, &c->s, L_EN, false, b);
        switch (c->tense) {
        case T_PRES:
            if (c->neg) {
                world_sb_add(b, third ? "does not" : "do not");
                world_sb_add(b, v->en[0]);
            } else {
                if (adv && adv->kind <= ADV_NEVER)
                    world_sb_add(b, adv->text[L_EN]);
                world_sb_add(b, third ? v->en[1] : v->en[0]);
            }
            break;
        case T_PAST:
            if (c->neg)
                world_sb_add(b, "did not");
            world_sb_add(b, c->neg ? v->en[0] : v->en[2]);
            break;
        case T_FUT:
            if (c->going) {
                world_sb_add(b, en_be_pres[p]);
                world_sb_add(b, c->neg ? "not going to" : "going to");
            } else {
                world_sb_add(b, c->neg ? "will not" : "will");
            }
            world_sb_add(b, v->en[0]);
            break;
        case T_PERF: {
            /* "I have already eaten", "I have never eaten", "I have not eaten
             * ... yet" */
            static const char *const mid[] = {NULL, "already", "never", "not", NULL};
            world_sb_add(b, third ? "has" : "have");
            if (mid[c->perf])
                world_sb_add(b, mid[c->perf]);
            world_sb_add(b, v->en_pp);
            break;
        }
        default:
            world_sb_add(b, en_be_pres[p]);
            if (c->neg)
                world_sb_add(b, "not");
            world_sb_add(b, v->en[3]);
            break;
        }
    }
    object(w, c, L_EN, b);
    tail(w, c, L_EN, b);
    if (c->tense == T_PERF && c->perf == PF_YET)
        world_sb_add(b, "yet");
    world_sb_add(b, c->question ? "?" : ".");
}

static void clause_es(const struct world *w, const struct clause *c, struct wsb *b)
{
    const struct wverb *v = &w->verbs[c->verb];
    int p = world_subj_person(w, &c->s);
    const struct wadv *adv = c->adv >= 0 ? &w->advs[c->adv] : NULL;
    bool invert = c->question && c->es_invert;
    if (c->question)
        world_sb_add(b, "¿");
    if (!invert)
        world_subj(w, &c->s, L_ES, c->question, b); /* "¿Come pescado?" */
    if (c->tense == T_PERF) {
        /* "Ya he comido", "Nunca he comido", "Todavía no he comido" */
        static const char *const pre[] = {NULL, "ya", "nunca", "todavía no", NULL};
        if (pre[c->perf])
            world_sb_add(b, pre[c->perf]);
    } else if (adv && adv->kind <= ADV_NEVER && !c->question) {
        world_sb_add(b, adv->text[L_ES]);
    } else if (c->neg) {
        world_sb_add(b, "no");
    }
    if (c->tense == T_PROG) {
        /* a reflexive whose gerund is written without its pronoun takes it
         * before estar: "me estoy andando por las ramas" ("quedándose"
         * carries it) */
        size_t g = strcspn(v->es_ger, " ");
        bool carried = g > 2 && strncmp(v->es_ger + g - 2, "se", 2) == 0;
        int k = carried ? 0 : es_clitic(v->es[VT_PRES][p]);
        if (k) {
            char pron[8];
            snprintf(pron, sizeof pron, "%.*s", k - 1, v->es[VT_PRES][p]);
            world_sb_add(b, pron);
        }
        world_sb_add(b, w->verbs[w->v_estar].es[VT_PRES][p]);
        world_sb_add(b, v->es_ger);
    } else if (c->tense == T_FUT && c->going) {
        /* "voy a visitar" */
        world_sb_add(b, w->verbs[w->v_go].es[VT_PRES][p]);
        world_sb_add(b, "a");
        world_sb_add(b, v->es_inf);
    } else {
        char group[160];
        world_es_verb(w, c->verb, c->tense, p, c->time, group, sizeof group);
        world_sb_add(b, group);
        if (c->tense == T_PERF && c->perf == PF_EVER)
            world_sb_add(b, "alguna vez"); /* "¿Has comido alguna vez sushi?" */
    }
    if (invert)
        world_subj(w, &c->s, L_ES, true, b);
    object(w, c, L_ES, b);
    tail(w, c, L_ES, b);
    world_sb_add(b, c->question ? "?" : ".");
}

/* The length of the object pronoun that opens a French verb form, with its
 * space ("me " of "me lève", "nous " of "nous levons"), or 0. */
static size_t fr_clitic(const char *form)
{
    static const char *const clitics[] = {"me ", "te ", "se ", "nous ", "vous "};
    for (size_t i = 0; i < sizeof clitics / sizeof *clitics; i++)
        if (strncmp(form, clitics[i], strlen(clitics[i])) == 0)
            return strlen(clitics[i]);
    return 0;
}

void world_fr_verb(const struct world *w, int verb, int tense, const struct subj *s, char *out,
                   size_t cap)
{
    const struct wverb *v = &w->verbs[verb];
    int p = world_subj_person(w, s);
    if (tense == T_PAST && !v->fr[VT_PAST][p]) {
        /* passé composé; after être the participle agrees with the subject;
         * a pronominal verb keeps its pronoun ("je me suis levé") */
        bool f = v->fr_etre && subj_gender(w, s, L_FR) == G_F;
        bool pl = v->fr_etre && subj_plural(w, s);
        char clitic[8] = "";
        size_t k = fr_clitic(v->fr[VT_PRES][p]);
        if (k && k < sizeof clitic)
            snprintf(clitic, sizeof clitic, "%.*s ", (int)k - 1, v->fr[VT_PRES][p]);
        snprintf(out, cap, "%s%s %s%s%s", clitic, w->verbs[v->fr_aux].fr[VT_PRES][p], v->fr_pp,
                 f ? "e" : "", pl ? "s" : "");
        return;
    }
    int vt = tense == T_PAST ? VT_PAST : tense == T_FUT ? VT_FUT : VT_PRES;
    snprintf(out, cap, "%s", v->fr[vt][p]);
}

static void clause_fr(const struct world *w, const struct clause *c, struct wsb *b)
{
    const struct wadv *adv = c->adv >= 0 ? &w->advs[c->adv] : NULL;
    if (c->question)
        world_sb_add(b, "est-ce que");
    world_subj(w, &c->s, L_FR, false, b);
    char group[160];
    if (c->tense == T_FUT && c->going) /* "vais visiter": ne ... pas go around "vais" */
        snprintf(group, sizeof group, "%s %s",
                 w->verbs[w->v_go].fr[VT_PRES][world_subj_person(w, &c->s)],
                 w->verbs[c->verb].fr_inf);
    else /* the present perfect is the passé composé */
        world_fr_verb(w, c->verb, c->tense == T_PERF ? T_PAST : c->tense, &c->s, group,
                      sizeof group);
    /* Split the first word of the verb group off: "ne" goes before it and
     * "pas" (or an adverb) after it ("ne rend pas visite", "n'a pas mangé");
     * an object pronoun stays with its verb ("ne se lève pas", "ne s'est pas
     * levé"). */
    char *rest = strchr(group + fr_clitic(group), ' ');
    if (rest)
        *rest++ = 0;
    bool never = adv && adv->kind == ADV_NEVER && !c->question;
    /* the perfect's word after the auxiliary: "J'ai déjà mangé", "Je n'ai
     * jamais mangé", "Je n'ai pas encore mangé", "Est-ce que tu as déjà
     * mangé ... ?" */
    static const char *const perf[] = {NULL, "déjà", "jamais", "pas encore", "déjà"};
    const char *after = c->tense == T_PERF ? perf[c->perf] : NULL;
    bool perf_neg = c->tense == T_PERF && (c->perf == PF_NEVER || c->perf == PF_YET);
    if (((c->neg || never) && !c->question) || perf_neg)
        world_sb_add(b, "ne");
    world_sb_add(b, group);
    if (c->tense == T_PERF) {
        if (after)
            world_sb_add(b, after);
    } else if (never) {
        world_sb_add(b, adv->text[L_FR]);
    } else if (c->neg && !c->question) {
        world_sb_add(b, "pas");
    } else if (adv && adv->kind == ADV_FREQ && !c->question) {
        world_sb_add(b, adv->text[L_FR]);
    }
    world_sb_add(b, rest);
    object(w, c, L_FR, b);
    tail(w, c, L_FR, b);
    world_sb_add(b, c->question ? "?" : ".");
}

static void clause_vi(const struct world *w, const struct clause *c, struct wsb *b)
{
    const struct wverb *v = &w->verbs[c->verb];
    const struct wadv *adv = c->adv >= 0 ? &w->advs[c->adv] : NULL;
    vi_front(w, c, b);
    if (c->question || c->asked)
        world_subj_vi_asked(w, &c->s, b);
    else
        world_subj(w, &c->s, L_VI, false, b);
    const char *verb = !c->has_obj && v->vi_intr ? v->vi_intr : v->vi;
    if (c->tense == T_PERF) {
        /* "Tôi đã ăn ... rồi", "Tôi chưa bao giờ ăn", "Tôi chưa ăn", "Bạn đã
         * (bao giờ) ăn ... chưa?" */
        static const char *const pre[] = {"đã", "đã", "chưa bao giờ", "chưa", "đã bao giờ"};
        world_sb_add(b, pre[c->perf]);
    } else if (c->question) {
        /* "Chúng tôi có quyển từ điển không?": the verb "có" is its own
         * question marker, never "có có" */
        if (strcmp(verb, "có") != 0 || c->tense == T_PROG)
            world_sb_add(b, "có");
        if (c->tense == T_PROG)
            world_sb_add(b, "đang");
        else if (c->tense == T_FUT && c->going)
            world_sb_add(b, "định"); /* "Bạn có định thăm bà không?": an intention */
    } else {
        switch (c->tense) {
        case T_PRES:
            if (adv && adv->kind <= ADV_NEVER)
                world_sb_add(b, adv->text[L_VI]);
            else if (c->neg)
                world_sb_add(b, "không");
            break;
        case T_PAST:
            /* "đã không rửa": the negated past keeps its marker */
            if (!(v->uses & VU_STATE))
                world_sb_add(b, "đã");
            if (c->neg)
                world_sb_add(b, "không");
            break;
        case T_FUT:
            world_sb_add(b, c->neg ? "sẽ không" : "sẽ");
            break;
        default:
            world_sb_add(b, "đang");
            break;
        }
    }
    world_sb_add(b, verb);
    object(w, c, L_VI, b);
    tail(w, c, L_VI, b);
    if (c->tense == T_PERF && c->question)
        world_sb_add(b, "chưa");
    else if (c->tense == T_PERF && c->perf == PF_ALREADY)
        world_sb_add(b, "rồi");
    else if (c->question)
        world_sb_add(b, "không");
    world_sb_add(b, c->question ? "?" : ".");
}

void world_object(const struct world *w, const struct clause *c, int lang, struct wsb *b)
{
    object(w, c, lang, b);
}

void world_vp(const struct world *w, const struct clause *c, int lang, const char *verb,
              bool me, struct wsb *b)
{
    const struct wverb *v = &w->verbs[c->verb];
    if (me)
        world_sb_add(b, v->me[lang]);
    else if (verb)
        world_sb_add(b, verb);
    else
        world_sb_add(b, lang == L_EN ? v->en[0] : lang == L_ES ? v->es_inf : lang == L_FR
                        ? v->fr_inf : !c->has_obj && v->vi_intr ? v->vi_intr : v->vi);
    object(w, c, lang, b);
    tail(w, c, lang, b);
}

void world_clause(const struct world *w, const struct clause *c, struct sentence *out)
{
    bool en_only = w->verbs[c->verb].uses & VU_MEANING; /* an idiom's meaning */
    snprintf(out->name, sizeof out->name, "%s", c->s.name);
    for (int l = 0; l < N_LANG; l++) {
        if (!(out->langs & (1u << l)))
            continue;
        if (en_only && l != L_EN) {
            out->text[l][0] = 0;
            continue;
        }
        struct wsb b;
        world_sb_init(&b, out->text[l], sizeof out->text[l]);
        switch (l) {
        case L_EN: clause_en(w, c, &b); break;
        case L_ES: clause_es(w, c, &b); break;
        case L_FR: clause_fr(w, c, &b); break;
        default: clause_vi(w, c, &b); break;
        }
        world_finish(w, l, out->text[l], sizeof out->text[l]);
    }
}

/* ---- frames ---- */

/* Whether `word` occurs in s as a whole word (spaces and punctuation around). */
static bool has_word(const char *s, const char *word)
{
    size_t k = strlen(word);
    for (const char *p = s; (p = strstr(p, word)); p += k) {
        bool start = p == s || strchr(" ,.!?\"", p[-1]);
        bool end = !p[k] || strchr(" ,.!?\"", p[k]);
        if (start && end)
            return true;
    }
    return false;
}

/* Whether s opens with a word the world writes with a capital letter inside
 * sentences of language lang ("Dios", "Rome"). */
static bool opens_with_proper(const struct world *w, int lang, const char *s)
{
    size_t k = strcspn(s, " ,.!?");
    for (int i = 0; i < w->c.n_proper[lang]; i++)
        if (strlen(w->c.proper[lang][i]) == k && strncmp(s, w->c.proper[lang][i], k) == 0)
            return true;
    return false;
}

void world_framed(const struct world *w, const struct wframe *f, const char *text,
                  const char *name, int lang, char *out, size_t cap)
{
    char clause[512];
    snprintf(clause, sizeof clause, "%s", text);
    size_t k = strlen(clause);
    if (k && clause[k - 1] == '.')
        clause[--k] = 0;
    size_t nk = name ? strlen(name) : 0;
    bool keep = (lang == L_EN && clause[0] == 'I' && (clause[1] == ' ' || clause[1] == '\'')) ||
                opens_with_proper(w, lang, clause) ||
                (nk && strncmp(clause, name, nk) == 0 && strchr(" ,", clause[nk]));
    if (!keep)
        world_case_first(clause, false);
    /* "Bạn có biết là ... không?" around a clause with "không" of its own
     * reads badly: such frames have another Vietnamese form */
    const char *tmpl = lang == L_VI && f->vi_neg && has_word(clause, "không") ? f->vi_neg
                                                                              : f->text[lang];
    const char *at = strstr(tmpl, "{clause}");
    char head[256];
    size_t h = (size_t)(at - tmpl);
    if (h >= sizeof head)
        h = sizeof head - 1;
    memcpy(head, tmpl, h);
    head[h] = 0;
    /* "Je pense que" + "il pleut" -> "Je pense qu'il pleut" */
    if (lang == L_FR && h >= 4 && strcmp(head + h - 4, "que ") == 0 &&
        world_fr_elides(w, clause)) {
        head[h - 2] = '\'';
        head[h - 1] = 0;
    }
    snprintf(out, cap, "%s%s%s", head, clause, at + strlen("{clause}"));
}

void world_frame_drop_that(const struct wframe *f, char *en)
{
    const char *tmpl = f->text[L_EN];
    size_t h = (size_t)(strstr(tmpl, "{clause}") - tmpl), n = strlen(en);
    if ((f->kinds & IK_KEEP_THAT) || h < 5 || h > n || memcmp(tmpl + h - 5, "that ", 5) != 0 ||
        memcmp(en, tmpl, h) != 0)
        return;
    memmove(en + h - 5, en + h, n - h + 1);
}
