/* world_impl.h - what the files of the world layer share: the loaded data as
 * plain structs (load.c), the grammar that renders noun phrases and clauses
 * in English, Spanish, French and Vietnamese (grammar.c), the sentence kinds
 * (sentence.c) and the corpus writer (corpus.c).  Only src/world and its
 * test include it. */
#ifndef PROMPTLAB_WORLD_IMPL_H
#define PROMPTLAB_WORLD_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "promptlab/core.h"
#include "promptlab/world.h"

enum { L_EN, L_ES, L_FR, L_VI, N_LANG };
enum { P_1SG, P_2SG, P_3SG, P_1PL, P_3PL, N_PERSON };
enum { G_M, G_F };
/* The verb tenses of the data (es.pres / es.past / es.fut ...). */
enum { VT_PRES, VT_PAST, VT_FUT, N_VTENSE };
/* Clause tenses: the three above and the present progressive. */
enum { T_PRES, T_PAST, T_FUT, T_PROG,
       T_PERF };   /* the present perfect: "I have already eaten", "ya he comido" */
/* What a present perfect says besides the verb (struct clause.perf). */
enum { PF_PLAIN, PF_ALREADY, PF_NEVER, PF_YET /* not yet */, PF_EVER /* questions */ };

/* A set of nouns (or places, or verbs), resolved from a list of words when
 * the data is loaded: membership by index and a list to draw from. */
struct wset {
    unsigned char *has; /* [n_universe] */
    int *ix;            /* [n] member indices, ascending */
    int n;
};

enum noun_flag {
    NF_MASS = 1 << 0,     /* uncountable: no plural, no "a" */
    NF_SG = 1 << 1,       /* never plural */
    NF_POSSONLY = 1 << 2, /* only with a possessive ("my mother") */
    NF_VDIRECT = 1 << 3,  /* Vietnamese "mẹ tôi": possessor right after the bare noun */
    NF_OBJONLY = 1 << 4,  /* never a subject */
    NF_TONIC = 1 << 5,    /* Spanish el/un before it ("el agua") */
    NF_HASP = 1 << 6,     /* French: no elision before it ("le hibou") */
    NF_EN_A = 1 << 7,     /* English "a" although it starts with a vowel */
    NF_EN_AN = 1 << 8,    /* English "an" although it starts with a consonant */
    NF_NOPOSS = 1 << 9,   /* never with a possessor ("my king", "my lion") */
    NF_SGPOSS = 1 << 10,  /* only a singular possessor ("my wife", not "our wife") */
    NF_PLONLY = 1 << 11,  /* always plural ("my parents", "mis padres", "bố mẹ tôi") */
};

struct wnoun {
    const char *id, *cat;
    const char **tags;
    int n_tags;
    const char *en[2];   /* singular, plural (NULL when none) */
    const char *es[2], *fr[2];
    int es_g, fr_g;      /* G_M or G_F */
    const char *vi_cl;   /* classifier, NULL when none */
    const char *vi;
    unsigned flags;      /* enum noun_flag */
    int label;           /* index into labels, -1 when the noun has no topic */
    int place;           /* index into places when it is a place, else -1 */
    int *adj;            /* [n_adj] adjectives that describe it */
    int n_adj;
    int *pred;           /* [n_pred] of those, the ones that can be a predicate */
    int n_pred;
    int *color;          /* [n_color] of those, the colours */
    int n_color;
    int *at;             /* [n_at] places that hold it */
    int n_at;
};

/* grad: "very"; color; plain: no "very"; attr: only next to a noun; pred:
 * gradable, only a predicate ("hungry": "tiene hambre", never "el niño
 * hambre"). */
enum { AK_GRAD, AK_COLOR, AK_PLAIN, AK_ATTR, AK_PRED,
       AK_IDIOM /* an idiom's predicate ("under the weather"): only in its idiom's uses */ };

struct wadj {
    const char *id;
    int kind;
    struct wset for_;    /* over nouns */
    const char *en;
    const char *es[5];   /* m.sg f.sg m.pl f.pl, [4] shortened m.sg before the noun or NULL */
    const char *fr[5];   /* m.sg f.sg m.pl f.pl, [4] m.sg before a vowel or NULL */
    bool es_pre, fr_pre, es_estar;
    bool es_tener;       /* a state said with tener / avoir: "tengo hambre", "j'ai faim";
                          * es[4] is then the Spanish after "very": "mucha hambre" */
    const char *vi, *vi_pred;
    const char *en_more, *en_most; /* "taller", "tallest"; NULL: not compared */
};

enum verb_use {
    VU_IMP = 1 << 0, VU_INTR = 1 << 1, VU_CLOCK = 1 << 2, VU_MOTION = 1 << 3,
    VU_STATE = 1 << 4, VU_LIKE = 1 << 5, VU_GENERIC = 1 << 6, VU_MASSDEF = 1 << 7,
    VU_MASSBARE = 1 << 8, VU_COPULA = 1 << 9, VU_EXIST = 1 << 10,
    VU_OWN = 1 << 11,        /* the object belongs to the subject: "She loves her mother" */
    VU_REQUEST = 1 << 12,    /* said only in requests, with "me": "Can you give me ...?" */
    VU_ASK = 1 << 13,        /* said in requests: "Can you open the window?" */
    VU_LETS = 1 << 14,       /* said after "let's" */
    VU_PLACED = 1 << 15,     /* always said with its place: "She stays at home" */
    VU_ATOBJ = 1 << 16,      /* with an object, only at a place that holds it: "buys bread
                              * at the bakery", never "at the bookshop" */
    VU_NOMODAL = 1 << 17,    /* never after a modal: "I would like to fail my exam" */
    VU_SKILL = 1 << 18,      /* a skill: "I can swim" is "Sé nadar" (modals.txt skill) */
    VU_IDIOM = 1 << 19,      /* an idiom's verb phrase ("spill the beans", "irse de la
                              * lengua"): only in the uses of its idiom (idioms.txt vp) */
    VU_MEANING = 1 << 20,    /* the plain English of an idiom's verb phrase ("tell the
                              * secret"): English forms only, said only as that meaning */
    VU_THIRD = 1 << 21,      /* said of others, never of I, you or we ("kick the bucket") */
    VU_NOWHAT = 1 << 22,     /* no "what" question: its meaning needs its object ("ask a
                              * question" is "hacer una pregunta": "¿Qué hace?") */
    VU_LANGDEF = 1 << 23,    /* French says a language after it with "le": "apprendre le
                              * français", where the others say it bare ("aprender francés") */
};

struct wverb {
    const char *id;
    struct wset subj, obj;   /* over nouns; obj.n == 0: no object */
    struct wset place;       /* over places; where it can happen without an object */
    struct wset to;          /* over nouns: who it goes to ("writes a letter to her
                              * friend"); to.n == 0: nobody */
    struct wset to_with;     /* over nouns: the objects that take a recipient; n == 0: all */
    const char *vi_to;       /* the Vietnamese of "to {x}": "cho {x}", "cho {x} nghe" */
    unsigned tenses;         /* bit T_PRES, T_PAST, T_FUT, T_PROG */
    unsigned uses;           /* enum verb_use */
    const char *en[4];       /* base, 3sg, past, -ing */
    const char *en_pp;       /* past participle ("eaten"; the past where it is the same) */
    const char *en_obj;
    const char *es_inf, *es_ger, *es_pp;
    const char *es[N_VTENSE][N_PERSON];
    const char *es_pret[N_PERSON]; /* ser, estar: preterite for a bounded past, else NULL */
    const char *es_imp[2];   /* affirmative, negative tú imperative */
    const char *es_obj;
    const char *fr_inf;
    const char *fr[N_VTENSE][N_PERSON]; /* fr[VT_PAST] is NULL when the past is compound */
    int fr_aux;              /* verb index of avoir/être for the passé composé, else -1 */
    bool fr_etre;            /* the auxiliary is être: the participle agrees */
    const char *fr_pp;
    const char *fr_imp, *fr_obj;
    const char *fr_neg[N_VTENSE]; /* only "there is": il n'y a pas ... */
    const char *vi, *vi_intr, *vi_obj;
    const char *vi_skill;    /* the skill without an object, when not vi_intr ("biết đọc") */
    const char *not_times;   /* ids of time phrases it is not said with, or NULL */
    const char *me[N_LANG];  /* the infinitive with "me" ("help me", "ayudarme", "m'aider",
                              * "giúp tôi"), or NULL */
    bool person_subj;        /* a person can be its subject (so can a pronoun) */
};

/* A cause and what a person does for it (reasons.txt). */
struct wreason {
    const char *id;
    int adj;                 /* the person's state (adjective index), or -1 */
    int weather;             /* the weather (index), or -1 */
    int verb;
    struct wset with;        /* over nouns (objects) or places, by the verb; n == 0: none */
};

/* A kind of thing one has a favorite of (favorites.txt). */
enum { FV_NOUNS, FV_COLOR, FV_DAY };

struct wfavorite {
    const char *id;
    int values;              /* FV_* */
    struct wset nouns;       /* over nouns, for FV_NOUNS */
    const char *en, *es, *fr, *vi, *vi_what;
    int es_g, fr_g;
};

/* A verb that takes another verb (modals.txt). */
/* MU_SKILL: never drawn; said instead of "can" for a skill ("I can swim":
 * "Sé nadar", "Je sais nager", "Tôi biết bơi") */
enum { MU_SAY = 1, MU_ASK = 2, MU_SKILL = 4 };

struct wmodal {
    const char *id;
    unsigned use;            /* MU_* */
    int skill;               /* the modal said for a skill instead of this one, or -1 */
    const char *en, *en3, *en_not, *en_not3; /* en_not NULL: never negated */
    bool es_dat;             /* "me gustaría" */
    const char *es[N_PERSON], *fr[N_PERSON];
    const char *vi, *vi_not;
};

struct wplace {
    const char *id;
    const char **tags;
    int n_tags;
    struct wset holds;       /* over nouns */
    const char *at[N_LANG], *to[N_LANG]; /* to[] NULL when nobody goes there */
    int noun;                /* noun index, or -1 for cities and "home" */
    int label;
};

enum {
    TU_PAST = 1, TU_FUT = 2, TU_HABIT = 4, TU_NOW = 8, TU_DAY = 16, TU_MONTH = 32,
    TU_TODAY = 64,   /* a part of today: the Spanish perfect in the past ("hoy ha llovido") */
    TU_SUMMER = 128, /* in summer (the weather's "not" lines) */
    TU_WINTER = 256,
};

struct wtime {
    const char *id;
    unsigned use;
    const char *text[N_LANG];
    bool vi_front;
};

enum { ADV_FREQ, ADV_NEVER, ADV_MANNER, ADV_PLACE, ADV_MEANS };

struct wadv {
    const char *id;
    int kind;
    struct wset verbs;       /* over verbs */
    unsigned tenses;
    const char *text[N_LANG];
};

struct wnum {
    const char *id;
    int value;
    const char *en, *es, *es_f, *fr, *fr_f, *vi;
};

struct wpron {
    const char *id;
    int person, gender;
    const char *en, *en_poss;
    const char *es;          /* NULL: dropped ("Como pescado") */
    const char *es_dat;
    const char *es_poss[4];
    const char *fr, *fr_poss[3];
    const char *vi;
};

enum { WF_NOW, WF_HABIT, WF_PAST, WF_FUT };

struct wweather {
    const char *id;
    const char *text[N_LANG][4]; /* [lang][WF_*] */
    const char *es_perf;         /* the Spanish perfect, for the past of today */
    struct wset not_places;      /* over places: where it does not happen */
    unsigned not_times;          /* TU_SUMMER, TU_WINTER: when it does not happen */
};

enum { IK_CLAUSE = 1, IK_PROVERB = 2, IK_STANDALONE = 4, IK_SENTENCE = 8,
       IK_KEEP_THAT = 16 /* a frame whose English keeps its "that" ("Remember that ...") */ };

struct wframe {
    const char *id;
    unsigned kinds;          /* IK_* it fits */
    const char *text[N_LANG];
    const char *vi_neg;      /* Vietnamese for a clause that holds "không", or NULL */
};

/* One way an idiom is said, with its meaning and renderings. */
struct iform {
    const char *en, *meaning;
    const char *idiomatic[N_LANG]; /* [L_EN] unused */
    const char *literal[N_LANG];
    const char *name;              /* its subject's first name, or NULL */
};

enum { IDIOM_USES = 2 };

struct widiom {
    const char *en, *meaning;
    int kind;                /* IK_* */
    bool test;
    const char *idiomatic[N_LANG]; /* [L_EN] unused */
    const char *literal[N_LANG];
    struct iform core;       /* the bare phrase ("spill the beans"); core.en NULL: none */
    struct iform uses[IDIOM_USES]; /* other tenses and persons ("She spilled the beans.") */
    int n_uses;
    /* The idiom as a verb phrase (idioms.txt vp), or -1: verbs of the
     * idiomatic, the literal and the meaning renderings, which the
     * generator conjugates for any subject, tense and time of the first
     * ("My grandfather kicked the bucket last year.") */
    int vp[3];
    /* The idiom as a predicate (idioms.txt pred), or -1: adjectives (kind
     * idiom) of the idiomatic, the literal and the meaning renderings, said
     * of anyone its first adjective is for ("My father was under the
     * weather yesterday.") */
    int pred[3];
};

/* A greeting or courtesy phrase (phrases.txt), with its placeholders. */
enum { PH_NAME = 1, PH_NAME_M = 2, PH_NAME_F = 4, PH_DAY = 8, PH_NUM = 16, PH_KIN = 32 };

enum { PHRASE_NEXT = 8 };
struct wphrase {
    const char *id;
    const char *text[N_LANG];
    unsigned holes;          /* PH_* the texts hold */
    const char *then;        /* ids of the phrases that may follow it, or NULL */
    int next[PHRASE_NEXT];   /* their indices ("Hello, how are you?") */
    int n_next;
    bool more;               /* "+" in then: a sentence may follow ("Hello! I am hungry.") */
    int then_line;           /* phrases.txt line, for errors */
};

struct wname {
    const char *id, *text;
    int gender;
};

struct wlist {
    int *ix;
    int n;
};

/* Whether noun n is a language ("French"): said bare, and a state to understand. */
static inline bool world_is_language(const struct wnoun *n)
{
    return strcmp(n->cat, "languages") == 0;
}

/* positions.txt: "on", "sobre", "sur", "trên" */
struct wpos {
    const char *id, *text[N_LANG];
    const char *with;     /* the tag of the nouns it is said with: furniture, holder */
    const char *put;      /* the tags of the things put there, space-separated */
    struct wlist nouns;   /* the nouns tagged `with` (world_prepare) */
    struct wlist things;  /* the things put there (world_prepare) */
};

enum { TASK_TRANSLATE, TASK_MEANING, TASK_EXPLAIN, TASK_CLASSIFY, N_TASK };

struct wphrasing {
    int task;
    bool heldout;
    const char *text;        /* with {source} and, for translate/meaning, {language} */
};

/* Sentence kinds, in the order of templates.txt. */
enum {
    K_DESCRIBE, K_LOCATION, K_EXIST, K_THIS_IS, K_ACTION, K_INTRANSITIVE, K_MOTION,
    K_PROGRESSIVE, K_FREQUENCY, K_LIKES, K_POSSESSIVE, K_IMPERATIVE, K_WEATHER, K_CLOCK,
    K_YES_NO, K_YES_NO_BE, K_WHERE, K_WHAT, K_WHO, K_WHAT_COLOR, K_HOW_MANY, K_STATE,
    K_GREETING, K_MODAL, K_REQUEST, K_LETS, K_THINK, K_TIME, K_BECAUSE, K_WHEN, K_COMPARE,
    K_COORD, K_NEAR, K_FAVORITE, K_WHY, K_LANGUAGE, N_KIND
};
extern const char *const world_kind_names[N_KIND];
extern const char *const world_lang_codes[N_LANG];
extern const char *const world_lang_names[N_LANG];
extern const char *const world_task_names[N_TASK];

struct wlabel {
    const char *name;
    const char **words;
    int n_words;
};

/* Copy of one data file; the parsed strings point into it. */
struct wfile {
    char *path;
    char *text;
};

/* Lists the sentence kinds draw from, made once when the world is loaded. */
struct wcache {
    struct wlist transitive, intransitive, prog, imp, clock, motion, freq, what, where;
    struct wlist cities, hours, counts;
    struct wlist vp, request, lets; /* verbs after a modal, in requests, after "let's" */
    struct wlist lang;              /* verbs that take a language: speak, learn, understand */
    struct wlist sites;             /* places of the town that are nouns (near, far) */
    struct wlist t_past, t_fut, t_habit, t_now, t_day, t_month;
    struct wlist describable, locatable, colored, countable, showable, owners, owned;
    int like, man, woman, have, feel;
    /* Words written with a capital letter inside the idioms, per language
     * (proper nouns: "Dios", "Rome"); each allocated. */
    char **proper[N_LANG];
    int n_proper[N_LANG];
};

/* keepout.c: the sentences of a probe set, normalised, indexed by their
 * first two bytes (head[] and next[] chain indices into v). */
struct wkeepout {
    char **v;
    int n, cap;
    int *next;
    int *head;           /* [65536], or NULL when nothing is kept out */
};
int world_keepout_load(struct wkeepout *k, const char *dir, struct pl_err *e);
void world_keepout_free(struct wkeepout *k);
/* Whether text holds one of k's sentences (compared normalised). */
bool world_keepout_hit(const struct wkeepout *k, const char *text);

struct world {
    struct wfile *files;
    int n_files;
    struct wnoun *nouns;     int n_nouns;
    struct wplace *places;   int n_places;
    struct wadj *adjs;       int n_adjs;
    struct wverb *verbs;     int n_verbs;
    struct wadv *advs;       int n_advs;
    struct wnum *nums;       int n_nums;
    struct wtime *times;     int n_times;
    struct wpron *prons;     int n_prons;
    struct wweather *weather; int n_weather;
    struct wframe *frames;   int n_frames;
    struct widiom *idioms;   int n_idioms;
    struct wphrasing *phr;   int n_phr;
    struct wlabel *labels;   int n_labels;
    struct wphrase *phrases; int n_phrases;
    struct wmodal *modals;   int n_modals;
    struct wreason *reasons; int n_reasons;
    struct wfavorite *favorites; int n_favorites;
    struct wname *names;     int n_names;
    struct wpos *pos;        int n_pos;
    int weight[N_KIND];
    /* French words before which there is no elision (h aspiré, "yaourt"). */
    const char **fr_hasp;    int n_fr_hasp;
    /* English nouns that break the a/an rule. */
    const char **en_a;       int n_en_a;
    const char **en_an;      int n_en_an;
    /* Indices the grammar needs. */
    int v_ser, v_estar, v_there, v_go;
    struct wcache c;
    struct wkeepout keep_out; /* world_keep_out */
};

/* load.c: lookups by id; -1 when absent. */
int world_noun_index(const struct world *w, const char *id);
int world_verb_index(const struct world *w, const char *id);
int world_adj_index(const struct world *w, const char *id);
int world_place_index(const struct world *w, const char *id);
int world_time_index(const struct world *w, const char *id);
int world_pron_index(const struct world *w, const char *id);
int world_num_index(const struct world *w, const char *id);

/* ---- grammar.c ---- */

/* Determiners of a noun phrase. */
enum {
    D_DEF,     /* the cat */
    D_INDEF,   /* a cat (singular), cats (plural: bare in English and Spanish, "des" in French) */
    D_BARE,    /* mass nouns and generic plurals: bread, cats */
    D_POSS,    /* my cat */
    D_NUM,     /* three cats */
    D_GENERIC, /* "plays the guitar", "toca la guitarra", "chơi đàn ghi-ta" */
    D_KIND,    /* a kind in general: "I like cats", "me gustan los gatos", "j'aime les chats" */
    D_OWNER,   /* the teacher's cat: see struct np.owner */
    D_LOTS,    /* a lot of cats, a lot of water: muchos gatos, beaucoup de chats, nhiều con mèo */
};

struct np {
    int noun;
    int det;
    bool pl;
    int poss;            /* pronoun index for D_POSS */
    bool refl;           /* D_POSS: the possessor is the subject ("Cô ấy yêu mẹ mình") */
    int num;             /* number index for D_NUM */
    int adj;             /* adjective index or -1 */
    const struct np *owner; /* for D_OWNER: a singular D_DEF or D_POSS phrase */
};

/* How an object noun phrase is said. */
enum {
    R_PLAIN = 0,
    R_PARTITIVE = 1,   /* mass object of an affirmative verb: French du/de la */
    R_NEGATED = 2,     /* object of a negated verb: French "de" for du/des/un */
    R_FRDEF = 4,       /* a bare mass object French says with le/la ("le français") */
};

/* Subject of a clause: a pronoun, a first name, or a noun phrase. */
enum { NAME_CAP = 24 };
struct subj {
    int pron;            /* pronoun index, or -1 */
    struct np np;        /* when pron < 0 */
    const struct np *stands_for; /* a pronoun for this noun phrase: its gender in Spanish
                                  * and French ("las niñas ... ellas están cansadas") */
    char name[NAME_CAP]; /* a first name said in place of pronoun pron (he or she, which
                          * gives the grammar its person and gender), or "" */
};

/* A clause with a verb: "My brother did not buy a phone yesterday." */
struct clause {
    struct subj s;
    int verb;
    int tense;           /* T_* */
    bool neg;
    bool question;       /* yes/no question */
    bool has_obj;
    struct np obj;
    int adv;             /* adverb index or -1 (frequency, manner or place) */
    int loc;             /* place index for a location ("in the park") or -1 */
    int dest;            /* place index for a destination ("to the park") or -1 */
    int clock;           /* number index of the hour or -1 */
    int clock_part;      /* CP_*: o'clock, half past, a quarter past or to */
    int time;            /* time index or -1 */
    int day;             /* time index of a day (with clock) or -1 */
    bool has_to;         /* a recipient after the object: "to her friend" */
    struct np to;
    bool going;          /* T_FUT said "going to": "I am going to visit", "voy a
                          * visitar", "je vais visiter" (Vietnamese: sẽ) */
    int perf;            /* PF_*: with T_PERF, "already", "never", "not ... yet", "ever" */
    bool es_invert;      /* a Spanish question says its subject after the verb: "¿Por qué
                          * va Nam a la cocina?" */
    bool asked;          /* a statement inside a question to the listener ("Tại sao
                          * chúng ta ..."): Vietnamese "we" is the inclusive "chúng ta" */
};

struct sentence {
    char name[NAME_CAP]; /* the first name of its subject, or "": a frame keeps its capital
                          * letter (a made-up name is in no list of proper nouns) */
    char text[N_LANG][768];
    unsigned langs;      /* bit per language: the texts rendered (others are left as they were) */
    int kind;
    int label;           /* topic label index, -1 none, -2 several */
    bool fixed;          /* a fixed phrase ("Thank you!"): always a training sentence */
};

/* A sentence under construction: words joined by single spaces.  When a
 * word does not fit, n becomes cap and the text stays as it was. */
struct wsb {
    char *s;
    size_t n, cap;
};
void world_sb_init(struct wsb *b, char *buf, size_t cap);
/* Append a word (NULL or "" adds nothing), with a space before it. */
void world_sb_add(struct wsb *b, const char *word);
/* Append text glued to what is there. */
void world_sb_cat(struct wsb *b, const char *text);

/* A noun phrase in one language, not capitalised.  `prep` (may be NULL) is
 * the preposition in front of it ("a", "de", "à", "cho").  Returns the length
 * written, or -1 when out (size cap) is too small. */
int world_np(const struct world *w, const struct np *p, int lang, unsigned role,
             const char *prep, char *out, size_t cap);
/* Render a clause in the languages of out->langs, finished (contractions,
 * elision, capital letter, final punctuation). */
void world_clause(const struct world *w, const struct clause *c, struct sentence *out);
/* The object of clause c as the verb takes it ("al fútbol", "du pain"). */
void world_object(const struct world *w, const struct clause *c, int lang, struct wsb *b);
/* The verb phrase of clause c with its verb in the infinitive ("eat an
 * apple", "comer una manzana", "manger une pomme", "ăn một quả táo"), or as
 * `verb` when not NULL, or with "me" ("help me", "ayudarme", "m'aider",
 * "giúp tôi"; the object, if any, follows); then its place, destination,
 * adverb and time phrases (not the Vietnamese ones that open a sentence).
 * The object is negated ("de") when c->neg. */
void world_vp(const struct world *w, const struct clause *c, int lang, const char *verb,
              bool me, struct wsb *b);
/* Contractions and elisions (au, del, l', j', an), then the capital letter. */
void world_finish(const struct world *w, int lang, char *s, size_t cap);
/* Change the case of the first letter of s in place (UTF-8, the letters of
 * the four languages).  Returns false when s does not start with a letter. */
bool world_case_first(char *s, bool upper);
/* Whether s starts with a capital letter. */
bool world_upper_first(const char *s);

/* The French verb group of a clause without negation: "mange", "a mangé",
 * "est allée" (the participle agrees after être), "rend visite". */
void world_fr_verb(const struct world *w, int verb, int tense, const struct subj *s, char *out,
                   size_t cap);

/* True when a French elidable word (le, que, de ...) loses its vowel before
 * `word` ("l'arbre", "qu'il"): a vowel or a mute h, not an h aspiré. */
bool world_fr_elides(const struct world *w, const char *word);

/* A time phrase in one language: rows of times.txt as they are, days and
 * months made into phrases ("on Monday", "el lunes", "lundi", "thứ Hai";
 * with `habit`: "on Mondays", "los lunes", "le lundi", "vào mỗi thứ Hai").
 * world_time_front: whether the Vietnamese phrase opens the sentence. */
void world_time_phrase(const struct world *w, int t, bool habit, int lang, char *buf, size_t cap);

/* The clock: hour h (a number index, 1 to 12) and a part of it, said as
 * after "It is" or "at": "half past seven", "las siete y media", "sept
 * heures et demie", "bảy giờ rưỡi"; "a quarter to nine", "las nueve menos
 * cuarto", "neuf heures moins le quart", "chín giờ kém mười lăm". */
enum { CP_OCLOCK, CP_HALF, CP_QUARTER_PAST, CP_QUARTER_TO, N_CLOCK_PART };
void world_clock(const struct world *w, int h, int part, int lang, char *buf, size_t cap);
bool world_time_front(const struct world *w, int t, bool habit);

/* A subject in one language; Spanish drops it when `es_drop` (questions,
 * copula sentences, second clauses: "¿Come pescado?", "Está cansada"). */
void world_subj(const struct world *w, const struct subj *s, int lang, bool es_drop,
                struct wsb *b);

/* Whether time phrase t (or -1) names a part of today ("this morning"). */
bool world_time_today(const struct world *w, int t);
/* The Spanish form of a verb for person p in tense T_PRES, T_PAST or T_FUT;
 * in the past with a time phrase of today the perfect ("ha ido"), except for
 * states. */
void world_es_verb(const struct world *w, int verb, int tense, int person, int time, char *out,
                   size_t cap);

/* Person, gender and number of a subject. */
int world_subj_person(const struct world *w, const struct subj *s);
/* The subject of a Vietnamese question put to the listener: "we" is the
 * inclusive "chúng ta" ("Chúng ta đang ăn gì?"). */
void world_subj_vi_asked(const struct world *w, const struct subj *s, struct wsb *b);
/* Whether noun phrase p is plural: its pl, or a plural-only noun. */
bool world_np_pl(const struct world *w, const struct np *p);
int world_subj_gender(const struct world *w, const struct subj *s);

/* A clause inside frame f: "I think that it's raining cats and dogs."  The
 * clause loses its full stop and its capital letter, unless it opens with a
 * proper noun ("Dios", "Rome": words the idioms write with a capital inside
 * a sentence) or with `name` (its subject's name, or NULL); a Vietnamese
 * clause holding "không" takes the frame's vi_neg form. */
void world_framed(const struct world *w, const struct wframe *f, const char *clause,
                  const char *name, int lang, char *out, size_t cap);

/* English leaves "that" out as often as not ("I think he is right"): drop
 * the "that" of frame f from en, the English sentence world_framed made with
 * it.  Does nothing for a frame without "that" before its clause. */
void world_frame_drop_that(const struct wframe *f, char *en);

/* ---- sentence.c ---- */

/* Whether s is a name of names.txt or an English noun, adjective or verb
 * form of the world ("Water", "Lemon": a made-up name must not be a word
 * the model translates), case aside. */
bool world_name_taken(const struct world *w, const char *s);

/* A first name nobody in the world has, built from syllables ("Dravo",
 * "Kelisun"): the model must learn to copy a name it has never read into
 * its translation ("My name is Marco." -> "Me llamo Marco."), not swap in
 * one it knows.  Returns -1 when eight draws made only taken names. */
int world_make_name(const struct world *w, struct pl_rng *r, char *out, size_t cap);

/* Fill w->c; called once by world_load after every file is read. */
int world_prepare(struct world *w, struct pl_err *e);
void world_cache_free(struct wcache *c);
/* Draw a random ordinary sentence of kind `kind` (K_*; -1: by the weights of
 * templates.txt), rendered in the languages of the bit mask `langs` (0: all).
 * The random draws do not depend on `langs`: drawing again from the same
 * generator state gives the same sentence, so a caller can look at the
 * English alone (cheap) and render the rest only for the sentences it keeps.
 * out->label is the sentence's topic.  Returns 0, or -1 when the kind cannot
 * be built from the data. */
int world_sentence(const struct world *w, struct pl_rng *r, int kind, unsigned langs,
                   struct sentence *out);
/* One use of an idiom's verb phrase (struct widiom.vp) or predicate
 * (widiom.pred) for a subject, tense and time drawn as for any verb or
 * state: out[0] the idiomatic rendering in every language ("My grandfather
 * kicked the bucket last year.", "Mi abuelo estiró la pata el año
 * pasado."), out[1] the literal one (not English), out[2] the meaning in
 * English ("My grandfather died last year.").  Returns 0, or -1 when the
 * idiom has neither or no subject fits. */
int world_idiom_use(const struct world *w, struct pl_rng *r, const struct widiom *id,
                    struct sentence out[3]);
/* The renderings of some kinds, for the languages of out->langs: "S can
 * VP." with modal m of modals.txt (the verb phrase and subject in c); a
 * request "Can you VP?" (m: can or could; may_i: "Can I ...?"; me: "help
 * me"); "Let's VP!"; "S is (very) ADJ", "S feels ADJ" (feel), "Are you
 * ADJ?" (question), where `very` is 0 (never), 1 (when gradable and
 * affirmative) or -1 (the kind's default: 1). */
void world_modal(const struct world *w, int m, const struct clause *c, struct sentence *out);
void world_request(const struct world *w, int m, bool may_i, bool please, bool me,
                   const struct clause *c, struct sentence *out);
void world_lets(const struct world *w, const struct clause *c, struct sentence *out);
/* Comparisons: "A is (not) ADJer than B." (form 0), "A is the ADJest in the
 * family / class" (form 1, b unused; `group` 0 family, 1 class), "A and B
 * have the same N." (form 2), "A and B have different Ns." (form 3; adj
 * unused, n the noun). */
void world_compare(const struct world *w, int form, const struct subj *a, const struct np *b,
                   int adj, bool neg, int group, int noun, struct sentence *out);
/* How world_reason joins a cause and its effect. */
enum { RS_BECAUSE, RS_WHEN, RS_IF };
/* "EFFECT because CAUSE." (RS_BECAUSE), "When CAUSE, EFFECT." (RS_WHEN: a
 * habit) or "If CAUSE, EFFECT." (RS_IF: the effect in the future, "If it
 * rains, we will stay at home.") for reason `reason` of reasons.txt: c is
 * the effect (its subject is the person of a state cause); `very`:
 * "because she is very tired". */
void world_reason(const struct world *w, int reason, const struct clause *c, int mode,
                  bool very, struct sentence *out);
/* Coordination of clause c's object with `other` (an object of the same
 * verb): "He eats bread and cheese." (form 0), "He eats fish, but he does
 * not eat meat." (form 1), "Does he play tennis or football?" (form 2). */
void world_coord(const struct world *w, int form, const struct clause *c, const struct np *other,
                 struct sentence *out);
enum { VERY_REALLY = 2, VERY_SO = 3 }; /* world_describe's very: "really", "so" */
void world_describe(const struct world *w, const struct subj *s, int adj, int tense, int time,
                    bool neg, bool question, bool feel, int very, struct sentence *out);
/* "My head hurts." for pronoun `pron` and a noun of the body (pl: "My eyes
 * hurt"). */
void world_ache(const struct world *w, int pron, int noun, bool pl, bool neg, bool question,
                struct sentence *out);
/* Estimated number of distinct English sentences of one kind. */
double world_kind_estimate(const struct world *w, int kind);
/* The topic of a set of nouns and places (see labels.txt). */
int world_topic_merge(int a, int b);

/* ---- corpus.c ---- */

/* The split of an ordinary English sentence. */
enum world_split world_sentence_split(const char *english);

/* Retype an English sentence s (in place, cap bytes) as people type it:
 * some of lower case, no final punctuation, a doubled space, contractions
 * made or undone ("it's" / "it is"), British spelling ("colour").  Always
 * changes something. */
void world_casual(struct pl_rng *r, char *s, size_t cap);

/* FNV-1a 64 of a string. */
uint64_t world_hash(const char *s);

#endif
