/* test_metrics.c - chrF, BLEU, 13a tokenisation, exact match and accuracy
 * against values worked out by hand from sacreBLEU's definitions (the
 * arithmetic is in the comments). */
#include "test.h"

#include <stdlib.h>

#include "promptlab/metrics.h"

/* chrF with P = avg precision, R = avg recall over the effective orders:
 * F = (1 + 4) P R / (4 P + R). */
static double chrf_from(double p, double r) { return 100.0 * (5.0 * p * r) / (4.0 * p + r); }

static void test_chrf(void)
{
    /* "the cat" vs "the cats": whitespace removed, "thecat" (6 chars) vs
     * "thecats" (7). Every hyp n-gram occurs in the ref, so precision is 1
     * for n = 1..6; recall per order: 6/7, 5/6, 4/5, 3/4, 2/3, 1/2.
     * R = (6/7+5/6+4/5+3/4+2/3+1/2)/6 = (1851/420)/6 = 1851/2520.
     * F = 5 R / (4 + R) = 9255/11931 = 0.775710334... */
    CHECK_NEAR(metric_chrf_sentence("the cat", "the cats"), 100.0 * 9255 / 11931, 1e-12);
    CHECK_NEAR(metric_chrf_sentence("the cat", "the cats"), 77.5710334, 1e-8);
    /* swapped: P = 1851/2520, R = 1: F = 5P / (4P + 1) = 9255/9924 */
    CHECK_NEAR(metric_chrf_sentence("the cats", "the cat"), 100.0 * 9255 / 9924, 1e-12);

    /* identical gives exactly 100, disjoint exactly 0 */
    CHECK(metric_chrf_sentence("it's raining cats and dogs", "it's raining cats and dogs") == 100.0);
    CHECK(metric_chrf_sentence("abc", "xyz") == 0.0);
    CHECK(metric_chrf_sentence("", "") == 0.0);
    CHECK(metric_chrf_sentence("abc", "") == 0.0);
    CHECK(metric_chrf_sentence(NULL, "abc") == 0.0);
    /* whitespace (space, tab, NBSP U+00A0, ideographic space U+3000) is removed */
    CHECK(metric_chrf_sentence("the cat", "thecat") == 100.0);
    CHECK(metric_chrf_sentence("the\tcat\xc2\xa0sat\xe3\x80\x80", " thecatsat") == 100.0);

    /* Vietnamese diacritics are characters, not bytes.
     * "mèo" vs "meo": chars m,è,o vs m,e,o.
     *   n=1: hyp 3, ref 3, match 2 (m, o)
     *   n=2: hyp 2, ref 2, match 0;  n=3: hyp 1, ref 1, match 0
     *   n>=4: the ref has none, so the order is not effective.
     * P = R = (2/3 + 0 + 0)/3 = 2/9 and F = P when P = R: 22.22... */
    CHECK_NEAR(metric_chrf_sentence("m\xc3\xa8o", "meo"), 100.0 * 2 / 9, 1e-12);
    /* "tiếng" vs "tieng" (ế is U+1EBF, 3 bytes): 5 chars each.
     *   n=1: match 4 of 5 (t,i,n,g);  n=2: ti,iế,ến,ng vs ti,ie,en,ng: 2 of 4
     *   n=3..5: 0 of 3, 0 of 2, 0 of 1;  n=6: none.
     * P = R = (4/5 + 2/4 + 0 + 0 + 0)/5 = 0.26 -> 26.0. Counting bytes would
     * give 7 vs 5 units and a different value. */
    CHECK_NEAR(metric_chrf_sentence("ti\xe1\xba\xbfng", "tieng"), 26.0, 1e-12);
    CHECK(metric_chrf_sentence("tr\xe1\xbb\x9di m\xc6\xb0" "a", "tr\xe1\xbb\x9di m\xc6\xb0" "a") == 100.0);

    /* Corpus chrF sums the counts, then computes F once.
     * ("the cat","the cats") + ("abc","xyz"):
     *   n:      1     2     3     4     5     6
     *   hyp:  6+3   5+2   4+1   3+0   2+0   1+0   ("xyz" has no 4-grams, so
     *   ref:  7+3   6+2   5+1   4+0   3+0   2+0    "abc"'s count is dropped)
     *   match:  6     5     4     3     2     1
     * P = (6/9 + 5/7 + 4/5 + 3/3 + 2/2 + 1/1)/6
     * R = (6/10 + 5/8 + 4/6 + 3/4 + 2/3 + 1/2)/6 */
    const char *h2[] = {"the cat", "abc"}, *r2[] = {"the cats", "xyz"};
    double p = (6.0 / 9 + 5.0 / 7 + 4.0 / 5 + 1 + 1 + 1) / 6;
    double r = (6.0 / 10 + 5.0 / 8 + 4.0 / 6 + 3.0 / 4 + 2.0 / 3 + 1.0 / 2) / 6;
    CHECK_NEAR(metric_chrf_corpus(h2, r2, 2), chrf_from(p, r), 1e-12);
    CHECK_NEAR(metric_chrf_corpus(h2, r2, 2), 67.0236112, 1e-8);
    /* ... which is not the mean of the sentence scores (38.8) */
    CHECK(fabs(metric_chrf_corpus(h2, r2, 2) -
               (metric_chrf_sentence(h2[0], r2[0]) + metric_chrf_sentence(h2[1], r2[1])) / 2) > 20);
    CHECK(metric_chrf_corpus(h2, r2, 0) == 0.0);
    /* one pair: corpus == sentence */
    CHECK(metric_chrf_corpus(h2, r2, 1) == metric_chrf_sentence(h2[0], r2[0]));

    /* the statistics API gives the same numbers */
    struct metric_chrf_stats s = {0};
    CHECK(metric_chrf_add(&s, "the cat", "the cats") == 0);
    CHECK(s.hyp[0] == 6 && s.ref[0] == 7 && s.match[0] == 6);
    CHECK(s.hyp[5] == 1 && s.ref[5] == 2 && s.match[5] == 1);
    CHECK(metric_chrf_add(&s, "abc", "xyz") == 0);
    CHECK(s.hyp[3] == 3 && s.ref[3] == 4 && s.match[3] == 3);
    CHECK(metric_chrf_score(&s) == metric_chrf_corpus(h2, r2, 2));

    /* clipping: "aaa" vs "a": unigram matches min(3,1) = 1; n=2,3 have no
     * ref n-grams. P = 1/3, R = 1 -> F = 5(1/3)/(4/3 + 1) = 5/7 */
    CHECK_NEAR(metric_chrf_sentence("aaa", "a"), 100.0 * 5 / 7, 1e-12);

    /* invalid UTF-8 does not crash and counts as characters */
    CHECK(metric_chrf_sentence("\xff\xfe", "\xff\xfe") == 100.0);
}

static void check_tok(const char *in, const char *want)
{
    char *t = metric_tokenize_13a(in);
    CHECKF(t && strcmp(t, want) == 0, "13a(\"%s\") = \"%s\", want \"%s\"", in, t ? t : "(null)", want);
    free(t);
}

static void test_13a(void)
{
    /* symbols ! " # $ % & ( ) * + : ; < = > ? @ [ \ ] ^ _ ` { | } ~ / are split */
    check_tok("Hello, world!", "Hello , world !");
    /* '.' and ',' split unless between digits; '$' is a symbol */
    check_tok("It costs $3.50, or 3,000 yen.", "It costs $ 3.50 , or 3,000 yen .");
    /* entities are unescaped first, then split */
    check_tok("&quot;hi&quot; &amp; bye", "\" hi \" & bye");
    /* '-' splits only after a digit; apostrophes stay */
    check_tok("well-known 1990-2000", "well-known 1990 - 2000");
    check_tok("it's (maybe) a/b", "it's ( maybe ) a / b");
    check_tok("<skipped>foo", "foo");
    check_tok("co-\noperate", "cooperate");
    check_tok("a..b", "a . . b");
    check_tok("  \t ", "");
    check_tok("tr\xe1\xbb\x9di m\xc6\xb0" "a.", "tr\xe1\xbb\x9di m\xc6\xb0" "a .");
}

static void test_bleu(void)
{
    /* identical: all precisions 100 -> 100 */
    CHECK_NEAR(metric_bleu_sentence("the cat sat on the mat .", "the cat sat on the mat ."), 100.0,
               1e-12);
    CHECK_NEAR(metric_bleu_corpus((const char *const[]){"the cat sat on the mat."},
                                  (const char *const[]){"the cat sat on the mat."}, 1),
               100.0, 1e-12);
    CHECK(metric_bleu_sentence("abc def", "xyz uvw") == 0.0);
    CHECK(metric_bleu_sentence("", "the cat") == 0.0);

    /* "the cat sat on the mat" vs "the cat sat on a mat" (6 tokens each, BP 1):
     *   1-grams: the(2 vs 1 -> 1), cat, sat, on, mat -> 5/6
     *   2-grams: the cat, cat sat, sat on match; on the, the mat do not -> 3/5
     *   3-grams: the cat sat, cat sat on -> 2/4
     *   4-grams: the cat sat on -> 1/3
     * BLEU = 100 (5/6 * 3/5 * 2/4 * 1/3)^(1/4) = 100 (1/12)^(1/4) */
    CHECK_NEAR(metric_bleu_sentence("the cat sat on the mat", "the cat sat on a mat"),
               100.0 * pow(1.0 / 12, 0.25), 1e-12);

    /* exp smoothing with effective order: "the cat" vs "the dog"
     *   1-grams 1/2 -> 50; 2-grams 0/1 -> 100/(2*1) = 50; no 3-grams -> stop
     *   sentence: exp((ln 50 + ln 50)/2) = 50 */
    CHECK_NEAR(metric_bleu_sentence("the cat", "the dog"), 50.0, 1e-12);
    /* corpus BLEU keeps all 4 orders: orders 3, 4 have no n-grams, their
     * precision stays 0 and the score collapses to 0 */
    const char *h1[] = {"the cat"}, *r1[] = {"the dog"};
    CHECK(metric_bleu_corpus(h1, r1, 1) == 0.0);

    /* brevity penalty: 2 hyp tokens vs 6 ref tokens, precisions 2/2, 1/1
     *   BP = exp(1 - 6/2) = e^-2; sentence BLEU = 100 e^-2 */
    CHECK_NEAR(metric_bleu_sentence("the cat", "the cat sat on the mat"), 100.0 * exp(-2.0), 1e-12);

    /* corpus: statistics summed before the formula.
     *   pair 1: "the cat sat on the mat ." vs same: 7 tokens, matches 7/7 6/6 5/5 4/4
     *   pair 2: "a dog" vs "a big dog": 2 vs 3 tokens, 1-grams 2/2, 2-grams 0/1
     *   sums: hyp 9, ref 10; 9/9, 6/7, 5/5, 4/4
     *   BLEU = exp(1 - 10/9) * 100 * (6/7)^(1/4) */
    const char *h[] = {"the cat sat on the mat .", "a dog"};
    const char *r[] = {"the cat sat on the mat .", "a big dog"};
    CHECK_NEAR(metric_bleu_corpus(h, r, 2), exp(1.0 - 10.0 / 9) * 100.0 * pow(6.0 / 7, 0.25), 1e-12);
    struct metric_bleu_stats s = {0};
    CHECK(metric_bleu_add(&s, h[0], r[0]) == 0 && metric_bleu_add(&s, h[1], r[1]) == 0);
    CHECK(s.hyp_len == 9 && s.ref_len == 10);
    CHECK(s.correct[0] == 9 && s.total[0] == 9 && s.correct[1] == 6 && s.total[1] == 7);
    CHECK(s.correct[3] == 4 && s.total[3] == 4);
    CHECK(metric_bleu_score(&s, false) == metric_bleu_corpus(h, r, 2));
    CHECK(metric_bleu_corpus(h, r, 0) == 0.0);

    /* tokenisation matters: "mat." vs "mat ." are the same tokens */
    CHECK_NEAR(metric_bleu_sentence("the cat sat on the mat.", "the cat sat on the mat ."), 100.0,
               1e-12);
}

static void test_exact(void)
{
    CHECK(metric_exact_match("  con m\xc3\xa8o\n", "con m\xc3\xa8o"));
    CHECK(metric_exact_match("", "  "));
    CHECK(!metric_exact_match("con meo", "con m\xc3\xa8o"));
    CHECK(!metric_exact_match("Cat", "cat"));
    CHECK(!metric_exact_match("a  b", "a b")); /* inner whitespace counts */
    const char *h[] = {" a ", "b", "c", NULL}, *r[] = {"a", "c", "c", ""};
    CHECK_NEAR(metric_exact(h, r, 4), 75.0, 1e-12);
    CHECK(metric_exact(h, r, 0) == 0.0);
    const char *p[] = {"Positive ", "negative", "positive."}, *g[] = {"positive", "positive", "positive"};
    CHECK_NEAR(metric_accuracy(p, g, 3), 100.0 / 3, 1e-12);
}

int main(void)
{
    test_chrf();
    test_13a();
    test_bleu();
    test_exact();
    TEST_END();
}
