/* metrics.h - translation and classification metrics on plain UTF-8 strings,
 * all on the 0-100 scale.
 *
 * chrF and BLEU follow sacreBLEU 2.x with its default settings, one reference
 * per hypothesis:
 * - chrF (sacrebleu.CHRF()): character n-grams of order 1..6, no word
 *   n-grams, beta 2, whitespace removed before counting (Python's
 *   str.split() whitespace), characters are Unicode code points (so
 *   Vietnamese "ế" is one character). sacreBLEU's default
 *   eps_smoothing=False is used: precision and recall are averaged over the
 *   orders where both hypothesis and reference have n-grams ("effective
 *   order"), then combined into F-beta. A hypothesis n-gram is not counted
 *   when the reference has no n-gram of that order. Corpus chrF sums the
 *   per-order counts over all sentences and computes F once; sentence chrF
 *   is the same on one sentence (sacreBLEU's sentence_score).
 * - BLEU (sacrebleu.BLEU()): "13a" tokenisation (mteval-v13a), n-grams 1..4,
 *   'exp' smoothing. Corpus BLEU sums the statistics over all sentences and
 *   applies the brevity penalty once, without effective order (as
 *   corpus_bleu); sentence BLEU uses effective order (as sentence_bleu).
 * Empty input scores 0 (sacreBLEU does the same for empty-vs-empty).
 * Invalid UTF-8 bytes count as one character each. The functions returning
 * a score for strings return NaN in the (theoretical) case that scratch
 * memory cannot be allocated.
 *
 * Thread safety: no shared state; every function may run on any thread. */
#ifndef PROMPTLAB_METRICS_H
#define PROMPTLAB_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "promptlab/core.h"

#define METRIC_CHRF_ORDER 6
#define METRIC_BLEU_ORDER 4

/* Sufficient statistics of chrF: per character n-gram order (index 0 is
 * unigrams), hypothesis n-grams, reference n-grams and matches. Zero it to
 * start; add sentences; the score depends only on the sums. */
struct metric_chrf_stats {
    int64_t hyp[METRIC_CHRF_ORDER];
    int64_t ref[METRIC_CHRF_ORDER];
    int64_t match[METRIC_CHRF_ORDER];
};

/* Sufficient statistics of BLEU: token lengths and per order (index 0 is
 * unigrams) matched and total hypothesis n-grams. Zero it to start. */
struct metric_bleu_stats {
    int64_t hyp_len, ref_len;
    int64_t correct[METRIC_BLEU_ORDER];
    int64_t total[METRIC_BLEU_ORDER];
};

/* Add one hypothesis/reference pair to s. NULL strings count as "". Returns 0,
 * or PL_ENOMEM when scratch memory could not be had (s is then unchanged). */
int metric_chrf_add(struct metric_chrf_stats *s, const char *hyp, const char *ref);
/* chrF (0-100) from summed statistics. */
double metric_chrf_score(const struct metric_chrf_stats *s);

/* Sentence chrF of one pair (0-100). */
double metric_chrf_sentence(const char *hyp, const char *ref);
/* Corpus chrF over n pairs (0-100); 0 when n <= 0. */
double metric_chrf_corpus(const char *const *hyp, const char *const *ref, int n);

int metric_bleu_add(struct metric_bleu_stats *s, const char *hyp, const char *ref);
/* BLEU (0-100) from summed statistics; effective_order true is sentence
 * BLEU's setting, false the corpus setting. */
double metric_bleu_score(const struct metric_bleu_stats *s, bool effective_order);

/* Sentence BLEU of one pair (0-100), as sacrebleu.sentence_bleu. */
double metric_bleu_sentence(const char *hyp, const char *ref);
/* Corpus BLEU over n pairs (0-100), as sacrebleu.corpus_bleu; 0 when n <= 0. */
double metric_bleu_corpus(const char *const *hyp, const char *const *ref, int n);

/* The mteval-v13a tokenisation BLEU uses, as a malloc'd string of tokens
 * joined by single spaces (caller frees); NULL when out of memory. */
char *metric_tokenize_13a(const char *s);

/* True when hyp and ref are byte-identical after trimming surrounding
 * whitespace. */
bool metric_exact_match(const char *hyp, const char *ref);
/* Percentage (0-100) of the n pairs that match exactly (as above); 0 when n <= 0. */
double metric_exact(const char *const *hyp, const char *const *ref, int n);
/* Classification accuracy: percentage (0-100) of the n predictions equal to
 * the gold label after trimming surrounding whitespace and ignoring ASCII
 * letter case ("Positive " counts for "positive"); 0 when n <= 0. */
double metric_accuracy(const char *const *pred, const char *const *gold, int n);

#endif
