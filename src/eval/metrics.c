/* metrics.c - chrF, BLEU, exact match and accuracy, matching sacreBLEU 2.x
 * defaults (see metrics.h for the exact definitions).
 *
 * The one idea: both chrF and BLEU reduce to "clipped n-gram matches between
 * two sequences of integers". chrF's integers are the code points of the
 * text with whitespace removed; BLEU's are token ids after 13a tokenisation
 * (tokens interned by sorting). Matches of order n are counted by sorting the
 * n-gram start positions of each side and merging runs of equal n-grams,
 * which adds min(count in hyp, count in ref) per distinct n-gram, as
 * sacreBLEU's Counter intersection does. The final formulas follow
 * sacreBLEU's operation order so results agree to the last bit where libm
 * does. */
#include "promptlab/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- UTF-8 ---------------------------------------------------------------- */

/* Decode the character at s[i]; returns its byte length (>= 1). A malformed
 * byte is one character of its own, mapped to 0xDC00 + byte (like Python's
 * surrogateescape) so it cannot collide with a real character. */
static size_t utf8_next(const unsigned char *s, size_t len, size_t i, uint32_t *cp)
{
    unsigned c = s[i];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
    if (n && n <= len - i && pl_utf8_valid((const char *)s + i, n)) {
        uint32_t v = n == 2 ? c & 0x1f : n == 3 ? c & 0x0f : c & 0x07;
        for (size_t k = 1; k < n; k++)
            v = (v << 6) | (s[i + k] & 0x3f);
        *cp = v;
        return n;
    }
    *cp = 0xdc00 + c;
    return 1;
}

/* Python's str.isspace(), which str.split() uses. */
static bool py_space(uint32_t c)
{
    return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0 ||
           c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
           c == 0x202f || c == 0x205f || c == 0x3000;
}

/* ---- clipped n-gram matches ----------------------------------------------- */

struct gram {
    const uint32_t *p;
    size_t n;
};

static int cmp_gram(const void *a, const void *b)
{
    const struct gram *x = a, *y = b;
    for (size_t i = 0; i < x->n; i++)
        if (x->p[i] != y->p[i])
            return x->p[i] < y->p[i] ? -1 : 1;
    return 0;
}

/* Sort the n-grams of seq[0..len) into g (capacity >= len); returns the count. */
static size_t grams(struct gram *g, const uint32_t *seq, size_t len, size_t n)
{
    if (len < n)
        return 0;
    size_t m = len - n + 1;
    for (size_t i = 0; i < m; i++)
        g[i] = (struct gram){seq + i, n};
    qsort(g, m, sizeof *g, cmp_gram);
    return m;
}

/* Sum over distinct n-grams of min(count in h, count in r). gh/gr are
 * scratch of capacity lh/lr. */
static int64_t clipped_matches(const uint32_t *h, size_t lh, const uint32_t *r, size_t lr, size_t n,
                               struct gram *gh, struct gram *gr)
{
    size_t mh = grams(gh, h, lh, n), mr = grams(gr, r, lr, n);
    size_t i = 0, j = 0;
    int64_t match = 0;
    while (i < mh && j < mr) {
        int c = cmp_gram(&gh[i], &gr[j]);
        if (c < 0) {
            i++;
        } else if (c > 0) {
            j++;
        } else {
            size_t i0 = i, j0 = j;
            while (i < mh && cmp_gram(&gh[i], &gh[i0]) == 0)
                i++;
            while (j < mr && cmp_gram(&gr[j], &gr[j0]) == 0)
                j++;
            match += (int64_t)((i - i0) < (j - j0) ? (i - i0) : (j - j0));
        }
    }
    return match;
}

/* ---- chrF ----------------------------------------------------------------- */

/* Code points of s without whitespace (Python's ''.join(s.split())). */
static uint32_t *chars_no_space(const char *s, size_t *out_len)
{
    if (!s)
        s = "";
    size_t len = strlen(s), n = 0;
    uint32_t *cp = malloc((len + 1) * sizeof *cp);
    if (!cp)
        return NULL;
    for (size_t i = 0; i < len;) {
        uint32_t c;
        i += utf8_next((const unsigned char *)s, len, i, &c);
        if (!py_space(c))
            cp[n++] = c;
    }
    *out_len = n;
    return cp;
}

int metric_chrf_add(struct metric_chrf_stats *s, const char *hyp, const char *ref)
{
    size_t lh = 0, lr = 0;
    uint32_t *h = chars_no_space(hyp, &lh), *r = chars_no_space(ref, &lr);
    struct gram *gh = malloc((lh + 1) * sizeof *gh), *gr = malloc((lr + 1) * sizeof *gr);
    int rc = (h && r && gh && gr) ? 0 : PL_ENOMEM;
    for (size_t n = 1; rc == 0 && n <= METRIC_CHRF_ORDER; n++) {
        int64_t nh = lh >= n ? (int64_t)(lh - n + 1) : 0;
        int64_t nr = lr >= n ? (int64_t)(lr - n + 1) : 0;
        /* sacreBLEU does not count hypothesis n-grams when the reference has
         * none of this order */
        s->hyp[n - 1] += nr > 0 ? nh : 0;
        s->ref[n - 1] += nr;
        s->match[n - 1] += clipped_matches(h, lh, r, lr, n, gh, gr);
    }
    free(gh);
    free(gr);
    free(h);
    free(r);
    return rc;
}

double metric_chrf_score(const struct metric_chrf_stats *s)
{
    const double beta = 2.0, factor = beta * beta;
    double avg_prec = 0.0, avg_rec = 0.0;
    int effective = 0;
    for (int i = 0; i < METRIC_CHRF_ORDER; i++) {
        if (s->hyp[i] > 0 && s->ref[i] > 0) {
            avg_prec += (double)s->match[i] / (double)s->hyp[i];
            avg_rec += (double)s->match[i] / (double)s->ref[i];
            effective++;
        }
    }
    if (effective == 0)
        return 0.0;
    avg_prec /= effective;
    avg_rec /= effective;
    if (avg_prec + avg_rec == 0.0)
        return 0.0;
    double score = (1.0 + factor) * avg_prec * avg_rec;
    score /= factor * avg_prec + avg_rec;
    return 100.0 * score;
}

double metric_chrf_sentence(const char *hyp, const char *ref)
{
    struct metric_chrf_stats s = {0};
    if (metric_chrf_add(&s, hyp, ref) != 0)
        return NAN;
    return metric_chrf_score(&s);
}

double metric_chrf_corpus(const char *const *hyp, const char *const *ref, int n)
{
    struct metric_chrf_stats s = {0};
    for (int i = 0; i < n; i++)
        if (metric_chrf_add(&s, hyp[i], ref[i]) != 0)
            return NAN;
    return metric_chrf_score(&s);
}

/* ---- 13a tokenisation ------------------------------------------------------ */




/* Python's s.replace(from, to): every non-overlapping occurrence, left to right. */
static char *replace_all(char *s, const char *from, const char *to)
{
    if (!s || !strstr(s, from))
        return s;
    struct pl_str b = {0};
    size_t fl = strlen(from), tl = strlen(to);
    const char *p = s, *q;
    while ((q = strstr(p, from))) {
        pl_str_put(&b, p, (size_t)(q - p));
        pl_str_put(&b, to, tl);
        p = q + fl;
    }
    pl_str_put(&b, p, strlen(p));
    free(s);
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p ? b.p : calloc(1, 1);
}

/* The first regex of sacreBLEU's 13a: these ASCII symbols become tokens. */
static bool sym_13a(unsigned char c)
{
    return (c >= 0x7b && c <= 0x7e) || (c >= 0x5b && c <= 0x60) || (c >= 0x20 && c <= 0x26) ||
           (c >= 0x28 && c <= 0x2b) || (c >= 0x3a && c <= 0x40) || c == '/';
}

static bool digit(char c) { return c >= '0' && c <= '9'; }

/* Apply the three regex passes of 13a after the symbol pass; each emulates
 * Python's re.sub scanning left to right over non-overlapping matches. The
 * passes work on bytes: every class involved is ASCII, and a multi-byte
 * character can neither be '.', ',', '-' nor a digit, so bytes give the same
 * result as code points. */
static char *regex_passes(const char *s)
{
    struct pl_str a = {0}, b = {0}, c = {0};
    size_t n = strlen(s);
    /* ([^0-9])([\.,]) -> '\1 \2 ' */
    for (size_t i = 0; i < n;) {
        if (i + 1 < n && !digit(s[i]) && (s[i + 1] == '.' || s[i + 1] == ',')) {
            char t[4] = {s[i], ' ', s[i + 1], ' '};
            pl_str_put(&a, t, 4);
            i += 2;
        } else {
            pl_str_putc(&a, s[i++]);
        }
    }
    /* ([\.,])([^0-9]) -> ' \1 \2' */
    for (size_t i = 0; i < a.n;) {
        if (i + 1 < a.n && (a.p[i] == '.' || a.p[i] == ',') && !digit(a.p[i + 1])) {
            char t[4] = {' ', a.p[i], ' ', a.p[i + 1]};
            pl_str_put(&b, t, 4);
            i += 2;
        } else {
            pl_str_putc(&b, a.p[i++]);
        }
    }
    /* ([0-9])(-) -> '\1 \2 ' */
    for (size_t i = 0; i < b.n;) {
        if (i + 1 < b.n && digit(b.p[i]) && b.p[i + 1] == '-') {
            char t[4] = {b.p[i], ' ', '-', ' '};
            pl_str_put(&c, t, 4);
            i += 2;
        } else {
            pl_str_putc(&c, b.p[i++]);
        }
    }
    bool oom = a.oom || b.oom || c.oom;
    free(a.p);
    free(b.p);
    if (oom) {
        free(c.p);
        return NULL;
    }
    return c.p ? c.p : calloc(1, 1);
}

/* Python's ' '.join(s.split()). */
static char *collapse_space(const char *s)
{
    size_t len = strlen(s);
    struct pl_str o = {0};
    bool pending = false;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_next((const unsigned char *)s, len, i, &cp);
        if (py_space(cp)) {
            pending = o.n > 0;
        } else {
            if (pending)
                pl_str_putc(&o, ' ');
            pending = false;
            pl_str_put(&o, s + i, k);
        }
        i += k;
    }
    if (o.oom) {
        free(o.p);
        return NULL;
    }
    return o.p ? o.p : calloc(1, 1);
}

char *metric_tokenize_13a(const char *in)
{
    if (!in)
        in = "";
    /* BLEU's preprocessing rstrip()s before tokenising */
    size_t len = strlen(in), end = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += utf8_next((const unsigned char *)in, len, i, &cp);
        if (!py_space(cp))
            end = i;
    }
    char *s = malloc(end + 1);
    if (!s)
        return NULL;
    memcpy(s, in, end);
    s[end] = 0;

    s = replace_all(s, "<skipped>", "");
    s = replace_all(s, "-\n", "");
    s = replace_all(s, "\n", " ");
    if (s && strchr(s, '&')) {
        s = replace_all(s, "&quot;", "\"");
        s = replace_all(s, "&amp;", "&");
        s = replace_all(s, "&lt;", "<");
        s = replace_all(s, "&gt;", ">");
    }
    if (!s)
        return NULL;

    /* f' {line} ' then the symbol pass */
    struct pl_str t = {0};
    pl_str_putc(&t, ' ');
    for (const char *p = s; *p; p++) {
        if (sym_13a((unsigned char)*p)) {
            char w[3] = {' ', *p, ' '};
            pl_str_put(&t, w, 3);
        } else {
            pl_str_putc(&t, *p);
        }
    }
    pl_str_putc(&t, ' ');
    free(s);
    if (t.oom) {
        free(t.p);
        return NULL;
    }
    char *r = regex_passes(t.p);
    free(t.p);
    if (!r)
        return NULL;
    char *out = collapse_space(r);
    free(r);
    return out;
}

/* ---- BLEU ----------------------------------------------------------------- */

struct tok {
    const char *p;
    size_t n;
    uint32_t *id; /* where to store the interned id */
};

static int cmp_tok(const void *a, const void *b)
{
    const struct tok *x = a, *y = b;
    size_t m = x->n < y->n ? x->n : y->n;
    int c = memcmp(x->p, y->p, m);
    if (c)
        return c;
    return x->n < y->n ? -1 : x->n > y->n;
}

/* Count tokens of a single-space-joined string and record them into t. */
static size_t split_tokens(const char *s, struct tok *t, uint32_t *ids)
{
    size_t k = 0;
    for (const char *p = s; *p;) {
        const char *q = strchr(p, ' ');
        size_t n = q ? (size_t)(q - p) : strlen(p);
        if (t) {
            t[k].p = p;
            t[k].n = n;
            t[k].id = &ids[k];
        }
        k++;
        p += n;
        if (*p == ' ')
            p++;
    }
    return k;
}

int metric_bleu_add(struct metric_bleu_stats *s, const char *hyp, const char *ref)
{
    char *th = metric_tokenize_13a(hyp), *tr = metric_tokenize_13a(ref);
    int rc = PL_ENOMEM;
    struct tok *toks = NULL;
    uint32_t *ids = NULL;
    struct gram *gh = NULL, *gr = NULL;
    if (!th || !tr)
        goto out;
    size_t lh = split_tokens(th, NULL, NULL), lr = split_tokens(tr, NULL, NULL);
    toks = malloc((lh + lr + 1) * sizeof *toks);
    ids = malloc((lh + lr + 1) * sizeof *ids);
    gh = malloc((lh + 1) * sizeof *gh);
    gr = malloc((lr + 1) * sizeof *gr);
    if (!toks || !ids || !gh || !gr)
        goto out;
    split_tokens(th, toks, ids);
    split_tokens(tr, toks + lh, ids + lh);
    /* intern: equal tokens get equal ids */
    qsort(toks, lh + lr, sizeof *toks, cmp_tok);
    uint32_t next = 0;
    for (size_t i = 0; i < lh + lr; i++) {
        if (i > 0 && cmp_tok(&toks[i - 1], &toks[i]) != 0)
            next++;
        *toks[i].id = next;
    }
    s->hyp_len += (int64_t)lh;
    s->ref_len += (int64_t)lr;
    for (size_t n = 1; n <= METRIC_BLEU_ORDER; n++) {
        s->total[n - 1] += lh >= n ? (int64_t)(lh - n + 1) : 0;
        s->correct[n - 1] += clipped_matches(ids, lh, ids + lh, lr, n, gh, gr);
    }
    rc = 0;
out:
    free(gh);
    free(gr);
    free(ids);
    free(toks);
    free(th);
    free(tr);
    return rc;
}

/* sacreBLEU's my_log: log floored for zero. */
static double floor_log(double x) { return x == 0.0 ? -9999999999.0 : log(x); }

double metric_bleu_score(const struct metric_bleu_stats *s, bool effective_order)
{
    double bp = 1.0;
    if (s->hyp_len < s->ref_len)
        bp = s->hyp_len > 0 ? exp(1.0 - (double)s->ref_len / (double)s->hyp_len) : 0.0;
    bool any = false;
    for (int i = 0; i < METRIC_BLEU_ORDER; i++)
        any |= s->correct[i] != 0;
    if (!any)
        return 0.0;
    double prec[METRIC_BLEU_ORDER] = {0};
    double smooth = 1.0;
    int eff = METRIC_BLEU_ORDER;
    for (int n = 1; n <= METRIC_BLEU_ORDER; n++) {
        int64_t c = s->correct[n - 1], t = s->total[n - 1];
        if (t == 0)
            break;
        if (effective_order)
            eff = n;
        if (c == 0) {
            smooth *= 2.0; /* 'exp' smoothing: 1/2^k for the k-th empty order */
            prec[n - 1] = 100.0 / (smooth * (double)t);
        } else {
            prec[n - 1] = 100.0 * (double)c / (double)t;
        }
    }
    double sum = 0.0;
    for (int i = 0; i < eff; i++)
        sum += floor_log(prec[i]);
    return bp * exp(sum / eff);
}

double metric_bleu_sentence(const char *hyp, const char *ref)
{
    struct metric_bleu_stats s = {0};
    if (metric_bleu_add(&s, hyp, ref) != 0)
        return NAN;
    return metric_bleu_score(&s, true);
}

double metric_bleu_corpus(const char *const *hyp, const char *const *ref, int n)
{
    struct metric_bleu_stats s = {0};
    for (int i = 0; i < n; i++)
        if (metric_bleu_add(&s, hyp[i], ref[i]) != 0)
            return NAN;
    return metric_bleu_score(&s, false);
}

/* ---- exact match and accuracy ---------------------------------------------- */

/* The span of s without surrounding whitespace. */
static void trim(const char *s, const char **b, size_t *n)
{
    if (!s)
        s = "";
    size_t len = strlen(s), first = len, end = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_next((const unsigned char *)s, len, i, &cp);
        if (!py_space(cp)) {
            if (first == len)
                first = i;
            end = i + k;
        }
        i += k;
    }
    *b = s + (first < len ? first : len);
    *n = first < len ? end - first : 0;
}

bool metric_exact_match(const char *hyp, const char *ref)
{
    const char *a, *b;
    size_t na, nb;
    trim(hyp, &a, &na);
    trim(ref, &b, &nb);
    return na == nb && memcmp(a, b, na) == 0;
}

static bool same_label(const char *pred, const char *gold)
{
    const char *a, *b;
    size_t na, nb;
    trim(pred, &a, &na);
    trim(gold, &b, &nb);
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

double metric_exact(const char *const *hyp, const char *const *ref, int n)
{
    if (n <= 0)
        return 0.0;
    int hits = 0;
    for (int i = 0; i < n; i++)
        hits += metric_exact_match(hyp[i], ref[i]);
    return 100.0 * hits / n;
}

double metric_accuracy(const char *const *pred, const char *const *gold, int n)
{
    if (n <= 0)
        return 0.0;
    int hits = 0;
    for (int i = 0; i < n; i++)
        hits += same_label(pred[i], gold[i]);
    return 100.0 * hits / n;
}
