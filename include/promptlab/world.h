/* world.h - "the world": the readable data behind the embedded model's
 * training corpus (assets/world/: lexicon, places, verbs, idioms, instruction
 * phrasings) and the generator that turns it into JSONL data sets.
 *
 * A loaded world is read-only plain data: any number of threads may generate
 * from it at once, each with its own struct world_gen.  Generation is
 * deterministic: the same data and seed give the same examples on every
 * machine.  Nothing here prints; errors come back as PL_E* codes with a
 * message naming the file and line. */
#ifndef PROMPTLAB_WORLD_H
#define PROMPTLAB_WORLD_H

#include <stddef.h>
#include <stdint.h>

#include "promptlab/core.h"

struct world;

/* Load every data file of `dir` (normally assets/world) and check it: every
 * lemma has all its forms, every reference names something that exists.
 * Errors: PL_EIO (file missing), PL_EFORMAT ("verbs.txt:212: verb 'eat':
 * es.past has 4 forms, needs 5").  Caller frees with world_free. */
int world_load(const char *dir, struct world **out, struct pl_err *e);
/* NULL is fine. */
void world_free(struct world *w);

/* Keep the probe set out: from now on nothing generated from w (the
 * generator, corpora, sample sets) holds the source sentence of a row of
 * the *.jsonl files of dir (assets/probe/), compared in lower case with
 * single spaces and no final punctuation, as whole words anywhere in the
 * text (sources, and English targets).  Rows tagged "bare" (an idiom's bare
 * phrase, the world's own) are not kept out, and neither are the three demo
 * rows of the idiom sample sets (the lesson's idioms as written).  Replaces
 * what an earlier call kept out; dir NULL keeps nothing out.  Errors:
 * PL_EIO, PL_EFORMAT (a file of dir). */
int world_keep_out(struct world *w, const char *dir, struct pl_err *e);

struct world_stats {
    int n_lemmas;          /* all of the following except phrasings and idioms */
    int n_nouns, n_cities, n_adjectives, n_verbs, n_adverbs, n_numbers, n_times;
    int n_pronouns, n_weather;
    int n_templates;       /* kinds of ordinary sentences with a weight above 0 */
    int n_frames;
    int n_idioms, n_idioms_test;
    int n_phrasings, n_phrasings_heldout; /* per task, counting each template once */
    int n_labels;
    double n_sentences;    /* estimated number of distinct English sentences */
};
void world_get_stats(const struct world *w, struct world_stats *st);

enum world_split { WORLD_TRAIN, WORLD_VALID, WORLD_TEST };

/* One example.  The strings live in the generator and stay valid until the
 * next world_gen_next or world_gen_free. */
struct world_example {
    const char *source;  /* the model input (instruction applied) */
    const char *target;
    const char *literal; /* the literal rendering when the sentence holds an idiom, else NULL */
    const char *text;    /* the English sentence alone */
    const char *task;    /* "translate", "meaning", "explain" or "classify" */
    const char *lang;    /* language of the target: "vi", "es", "fr", or "en" */
    const char *kind;    /* sentence kind (templates.txt), or an idiom: "idiom" (as
                          * written), "idiom-frame" (in a frame), "idiom-phrase"
                          * (its bare phrase), "idiom-use" (conjugated, alone) */
    int heldout;         /* 1 when the instruction is a held-out phrasing */
    int casual;          /* 1 when the English was typed casually (lower case, no final
                          * stop, contractions, British spelling ...); the target is not */
};

struct world_gen;

/* A generator of examples for one split, with the corpus task mix (mostly
 * translation; idiom tasks about 12%; some explanation and classification).
 * Sentences are assigned to splits by a hash of their English text, idioms
 * by the split field of idioms.txt, so a sentence of one split never occurs
 * in another.  Train examples use the train phrasings only; valid and test
 * use a held-out phrasing 30% of the time.  A quarter of every split's
 * sources are typed casually (tag "casual"), the rest as written.  Caller
 * frees with world_gen_free. */
int world_gen_init(const struct world *w, uint64_t seed, enum world_split split,
                   struct world_gen **out, struct pl_err *e);
/* The next example; never one whose English holds a sentence kept out
 * (world_keep_out): such a draw is dropped and counted, and another made. */
int world_gen_next(struct world_gen *g, struct world_example *ex, struct pl_err *e);
void world_gen_free(struct world_gen *g);

struct world_corpus_params {
    uint64_t seed;
    long n_train;        /* examples in train.jsonl */
    long n_valid;        /* examples in valid.jsonl (distinct) */
    long n_test;         /* examples in test.jsonl (distinct) */
    int idiom_permille;  /* share of idiom tasks in train.jsonl, per mille (default 120);
                          * valid and test keep the default mix */
};
/* seed 1, 200000 train, 4000 valid, 4000 test, idioms 120 per mille. */
void world_corpus_params_default(struct world_corpus_params *p);

struct world_corpus_report {
    long n_train, n_valid, n_test;
    long n_softa_train, n_softa_test, n_softb_train, n_softb_test;
    long n_classify_train, n_classify_valid;
    long n_excluded;     /* examples drawn and dropped: they held a sentence kept out */
};

/* Write into out_dir (created if missing): train.jsonl, valid.jsonl,
 * test.jsonl (the pre-training corpus, every example with an instruction),
 * and the instruction-free sets for prompt tuning: softA_train/test.jsonl
 * (English -> Vietnamese sentences), softB_train/test.jsonl (idioms ->
 * idiomatic Vietnamese; the train and test idioms of idioms.txt), and
 * classify_train/valid.jsonl (sentence -> topic word).  One JSON object per
 * line: {"source", "target", "task", "lang", "literal"?, "label"?, "tags"}.
 * Each file is written under a temporary name and renamed when complete.
 * rep may be NULL. */
int world_corpus_write(const struct world *w, const struct world_corpus_params *p,
                       const char *out_dir, struct world_corpus_report *rep, struct pl_err *e);

/* ---- the TUI's sample sets (assets/samples/) ---- */

struct world_samples_params {
    uint64_t seed;
    int n;                 /* held-out rows per set (default 60) */
};
/* seed 1, 60 rows. */
void world_samples_params_default(struct world_samples_params *p);

struct world_samples_report {
    int n_sentences;  /* rows of each sentences file */
    int n_idioms;     /* rows of each idioms file, demo rows included */
    int n_demo;       /* the demo rows that open the idioms files */
    int n_classify;
    int n_excluded;   /* candidates dropped because they hold a probe sentence */
};

/* Write the sample sets into out_dir (created if missing), every row drawn
 * from the test split (world_sentence_split) so that no row was seen in
 * pre-training:
 *   sentences.jsonl (Vietnamese), sentences_es.jsonl, sentences_fr.jsonl:
 *     the same p->n English sentences, tags ["sentence", kind];
 *   idioms.jsonl (Vietnamese), idioms_es.jsonl, idioms_fr.jsonl: first the
 *     first three idioms of idioms.txt as written (the lesson's demo: they
 *     are taught in pre-training; tags ["idiom", "demo"]), then p->n idiom
 *     forms inside frames whose English sentence falls in the test split, a
 *     different idiom on each row while idioms last, target the idiomatic and
 *     "literal" the literal rendering in the frame; tags ["idiom", "frame"],
 *     plus "unseen" when idioms.txt puts the idiom in soft prompt B's test
 *     half;
 *   classify.jsonl: p->n sentences, the same number for every label (round
 *     robin), target and "label" the topic word.
 * No row holds a sentence world_keep_out keeps out.  Deterministic from
 * the data, p->seed and what is kept out.  Errors: PL_EIO, PL_ERANGE (the
 * world yields too few rows). */
int world_samples_write(const struct world *w, const struct world_samples_params *p,
                        const char *out_dir, struct world_samples_report *rep,
                        struct pl_err *e);

#endif
