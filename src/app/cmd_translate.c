/* cmd_translate.c - `promptlab translate` and `promptlab score`: the model
 * under a hard prompt, a soft prompt, both, or none, from the command line.
 * Inputs go through lab.h, the same path the TUI uses. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "app_impl.h"
#include "promptlab/widgets.h"

enum { TRANSLATE_RATIO_EXTRA = 8 }; /* tokens --max-ratio allows on top */

/* One output: the text line, or a JSON object (unseen: the words the
 * model never saw, already JSON); --scores adds the tokens. A blank input
 * has an empty output. */
static void print_output(const tok *t, const char *source, const struct lab_output *o, bool json,
                         bool scores, const char *unseen)
{
    const char *text = o->text ? o->text : "";
    double sum = 0;
    for (int i = 0; i < o->n; i++)
        sum += o->logp[i];
    if (json) {
        fputs("{\"source\": ", stdout);
        app_json_string(stdout, source);
        fputs(", \"output\": ", stdout);
        app_json_string(stdout, text);
        fputs(", \"tokens\": [", stdout);
        for (int i = 0; i < o->n; i++) {
            const char *piece = o->ids[i] < tok_size(t) ? tok_piece(t, o->ids[i]) : "";
            printf("%s{\"piece\": ", i ? ", " : "");
            app_json_string(stdout, piece ? piece : "");
            printf(", \"id\": %d, \"logprob\": %.6f}", o->ids[i], o->logp[i]);
        }
        printf("], \"logprob\": %.6f, \"unseen\": [%s]}\n", sum, unseen);
        return;
    }
    printf("%s\n", text);
    if (!scores)
        return;
    for (int i = 0; i < o->n; i++) {
        const char *piece = o->ids[i] < tok_size(t) ? tok_piece(t, o->ids[i]) : "";
        printf("  %-20s %6d %10.4f\n", piece ? piece : "", o->ids[i], o->logp[i]);
    }
    printf("  sum %.4f over %d tokens\n", sum, o->n);
}

static void translate_help(void)
{
    printf("usage: promptlab translate [--model DIR] [--hard TEMPLATE] [--soft DIR|FILE.npy]\n"
           "                           [--beam N] [--max-len N] [--max-ratio X]\n"
           "                           [--no-repeat-ngram N] [--scores] [--json] [TEXT... | -]\n"
           "\n"
           "Translate each TEXT, or each line of standard input when TEXT is '-' or\n"
           "absent, and print one output line per input.\n"
           "\n"
           "  --model DIR      model directory (default: $PROMPTLAB_MODEL or the embedded model)\n"
           "  --hard TEMPLATE  hard prompt; {source} marks where the input goes, e.g.\n"
           "                   'translate English to French: {source}'. Without {source}\n"
           "                   the template is put before the input.\n"
           "  --soft DIR       soft prompt saved by 'promptlab tune' or PEFT (or a .npy\n"
           "                   matrix); its rows come before the hard prompt's tokens\n"
           "  --beam N         beam search of width N (default 1: greedy)\n"
           "  --max-len N      at most N new tokens per output (default 64)\n"
           "  --max-ratio X    and at most X times the input's own tokens, plus %d\n"
           "                   (default 0: no such limit)\n"
           "  --no-repeat-ngram N\n"
           "                   no N tokens in a row occur twice in an output, as Hugging\n"
           "                   Face's no_repeat_ngram_size (default %d; 0: off)\n"
           "  --scores         after each output, one line per token: piece, id and its\n"
           "                   log-probability under the model\n"
           "  --json           one JSON object per line: {\"source\": ..., \"output\": ...,\n"
           "                   \"tokens\": [{\"piece\", \"id\", \"logprob\"}, ...], \"logprob\": sum}\n"
           "\n"
           "Inputs longer than %d tokens (soft prompt included) are truncated with a warning.\n",
           TRANSLATE_RATIO_EXTRA, LAB_NO_REPEAT_NGRAM, LAB_MAX_SOURCE);
}

/* True for a line of nothing but white space (ASCII, no-break, ideographic
 * and zero-width spaces, a byte-order mark): the model would make a
 * sentence out of nothing, so such lines are not translated. */
static bool is_blank(const char *s)
{
    static const char *const spaces[] = {"\xc2\xa0", "\xe3\x80\x80", "\xe2\x80\x8b",
                                         "\xef\xbb\xbf"};
    while (*s) {
        if (strchr(" \t\r\n\v\f", *s)) {
            s++;
            continue;
        }
        size_t k = 0;
        for (size_t i = 0; !k && i < sizeof spaces / sizeof *spaces; i++)
            if (strncmp(s, spaces[i], strlen(spaces[i])) == 0)
                k = strlen(spaces[i]);
        if (!k)
            return false;
        s += k;
    }
    return true;
}

/* Inputs start .. start+m-1 (m <= 8): blank ones get an empty line and a
 * warning, the others are decoded together; all are printed in order.
 * 0 or the exit status. */
static int translate_chunk(struct lab *L, const char *hard, const struct soft_prompt *soft,
                           const struct t5_gen_params *gp, char **texts, int start, int m,
                           bool from_stdin, int json, int scores)
{
    int cut = 0, k = 0;
    struct lab_output out[8] = {{0}}, got[8];
    const char *todo[8];
    struct pl_err e = {0};
    for (int i = 0; i < m; i++) {
        if (!is_blank(texts[start + i]))
            todo[k++] = texts[start + i];
        else if (from_stdin)
            app_warn("translate", "line %d is blank; its output line is empty", start + i + 1);
        else
            app_warn("translate", "text %d is blank; its output line is empty", start + i + 1);
    }
    if (k > 0 && lab_translate_tokens(L, hard, soft, todo, k, gp, got, &cut, &e)) {
        if (from_stdin)
            pl_err_wrap(&e, e.code, "standard input, from line %d", start + 1);
        return app_fail("translate", &e);
    }
    for (int i = 0, j = 0; i < m; i++)
        if (!is_blank(texts[start + i]))
            out[i] = got[j++];
    if (cut)
        app_warn("translate", "%d input(s) longer than %d tokens were truncated", cut,
                 LAB_MAX_SOURCE);
    for (int i = 0; i < m; i++) {
        char *unseen = NULL;
        int n_unseen = app_unseen_words(L, texts[start + i], json, &unseen);
        print_output(lab_tok(L), texts[start + i], &out[i], json, scores,
                     n_unseen > 0 ? unseen : "");
        if (!json && n_unseen > 0)
            app_warn("translate", "input %d: the model never saw %s: the output is a guess",
                     start + i + 1, unseen);
        free(unseen);
        lab_output_free(&out[i]);
    }
    fflush(stdout);
    return 0;
}

int cmd_translate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'}, {"hard", required_argument, 0, 'H'},
        {"soft", required_argument, 0, 's'},  {"beam", required_argument, 0, 'b'},
        {"max-len", required_argument, 0, 'n'}, {"json", no_argument, 0, 'j'},
        {"max-ratio", required_argument, 0, 'r'}, {"no-repeat-ngram", required_argument, 0, 'g'},
        {"scores", no_argument, 0, 'S'},      {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *model = NULL, *hard = NULL, *soft_path = NULL;
    long beam = 1, max_len = 64, ngram = LAB_NO_REPEAT_NGRAM;
    double ratio = 0;
    int json = 0, scores = 0, c;
    optind = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 'H': hard = optarg; break;
        case 's': soft_path = optarg; break;
        case 'b':
            if (app_parse_int(optarg, 1, 64, &beam))
                return app_usage("translate", "--beam wants a width from 1 to 64, not '%s'", optarg);
            break;
        case 'n':
            if (app_parse_int(optarg, 1, 1024, &max_len))
                return app_usage("translate", "--max-len wants 1 to 1024, not '%s'", optarg);
            break;
        case 'r':
            if (app_parse_float(optarg, &ratio) || !(ratio >= 0) || ratio > 100)
                return app_usage("translate", "--max-ratio wants a number from 0 to 100, not '%s'",
                                 optarg);
            break;
        case 'g':
            if (app_parse_int(optarg, 0, 16, &ngram))
                return app_usage("translate", "--no-repeat-ngram wants 0 to 16, not '%s'", optarg);
            break;
        case 'S': scores = 1; break;
        case 'j': json = 1; break;
        case 'h': translate_help(); return 0;
        default: return app_bad_option("translate", c, argv, opts);
        }
    }
    char **texts = argv + optind;
    int n = argc - optind;
    char **lines = NULL;
    bool from_stdin = n == 0 || (n == 1 && strcmp(texts[0], "-") == 0);
    if (from_stdin) {
        if (app_read_lines("translate", stdin, &lines, &n))
            return 1;
        texts = lines;
    }
    struct lab *L = NULL;
    struct soft_prompt soft = {0};
    int status = app_open_lab("translate", model, &L);
    if (status == 0 && soft_path)
        status = app_load_soft("translate", L, soft_path, &soft);
    struct t5_gen_params gp;
    lab_gen_params_default(&gp);
    gp.n_beams = (int)beam;
    gp.max_new_tokens = (int)max_len;
    gp.no_repeat_ngram = (int)ngram;
    gp.max_len_ratio = (float)ratio;
    gp.max_len_extra = TRANSLATE_RATIO_EXTRA;
    app_catch_sigint();
    /* A chunk at a time, so output streams and Ctrl-C stops between chunks. */
    for (int start = 0; status == 0 && start < n && !app_interrupted; start += 8)
        status = translate_chunk(L, hard, soft_path ? &soft : NULL, &gp, texts, start,
                                 n - start < 8 ? n - start : 8, from_stdin, json, scores);
    if (status == 0 && app_interrupted) {
        fprintf(stderr, "promptlab translate: interrupted\n");
        status = 1;
    }
    soft_prompt_free(&soft);
    lab_close(L);
    app_free_lines(lines, from_stdin ? n : 0);
    return status;
}

static void score_help(void)
{
    printf("usage: promptlab score --source S --target T [--model DIR] [--hard TEMPLATE]\n"
           "                       [--soft DIR|FILE.npy] [--json]\n"
           "\n"
           "Teacher-forced log-probability of target T (followed by </s>) given source S\n"
           "under the prompt: one line per target token (piece, id, log-probability),\n"
           "then the sum, the mean and the perplexity.\n");
}

int cmd_score(int argc, char **argv)
{
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'}, {"hard", required_argument, 0, 'H'},
        {"soft", required_argument, 0, 's'},  {"source", required_argument, 0, 'S'},
        {"target", required_argument, 0, 'T'}, {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
    const char *model = NULL, *hard = NULL, *soft_path = NULL, *src = NULL, *tgt = NULL;
    int json = 0, c;
    optind = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 'H': hard = optarg; break;
        case 's': soft_path = optarg; break;
        case 'S': src = optarg; break;
        case 'T': tgt = optarg; break;
        case 'j': json = 1; break;
        case 'h': score_help(); return 0;
        default: return app_bad_option("score", c, argv, opts);
        }
    }
    if (optind < argc)
        return app_usage("score", "unexpected argument '%s'", argv[optind]);
    if (!src || !tgt)
        return app_usage("score", "both --source and --target are required");
    struct lab *L = NULL;
    struct soft_prompt soft = {0};
    int status = app_open_lab("score", model, &L);
    if (status == 0 && soft_path)
        status = app_load_soft("score", L, soft_path, &soft);
    int *ids = NULL, n = 0;
    float *logp = NULL;
    struct pl_err e = {0};
    if (status == 0 && lab_score(L, hard, soft_path ? &soft : NULL, src, tgt, &ids, &logp, &n, &e))
        status = app_fail("score", &e);
    if (status == 0) {
        double sum = 0;
        for (int i = 0; i < n; i++)
            sum += logp[i];
        const tok *t = lab_tok(L);
        if (json) {
            fputs("{\"tokens\": [", stdout);
            for (int i = 0; i < n; i++) {
                printf("%s{\"id\": %d, \"piece\": ", i ? ", " : "", ids[i]);
                app_json_string(stdout, tok_piece(t, ids[i]));
                printf(", \"logprob\": %.6f}", logp[i]);
            }
            printf("], \"sum\": %.6f, \"mean\": %.6f, \"perplexity\": %.4f}\n", sum, sum / n,
                   exp(-sum / n));
        } else {
            /* Pad by display columns, not bytes: "▁Việt" is 5 columns, 9 bytes. */
            for (int i = 0; i < n; i++) {
                const char *piece = tok_piece(t, ids[i]);
                int w = ui_text_width(piece, strlen(piece));
                printf("%s%*s %6d %10.4f\n", piece, w < 20 ? 20 - w : 0, "", ids[i], logp[i]);
            }
            printf("sum %.4f  mean %.4f  perplexity %.3f  (%d tokens)\n", sum, sum / n,
                   exp(-sum / n), n);
        }
    }
    free(ids);
    free(logp);
    soft_prompt_free(&soft);
    lab_close(L);
    return status;
}
