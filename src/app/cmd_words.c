/* cmd_words.c - `promptlab words`: which words of a text a model never read
 * in training, and counting the words of training sources into the
 * words.tsv a model ships with.
 *
 *   int cmd_words(int argc, char **argv);   (declared in app_impl.h) */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_impl.h"
#include "promptlab/jsonl.h"
#include "promptlab/words.h"

static const char *const CMD = "words";

static void usage(FILE *out)
{
    fprintf(out,
            "usage: promptlab words [--model DIR] [--json] [TEXT... | -]\n"
            "       promptlab words --count --out FILE DATA.jsonl...\n"
            "\n"
            "Mark the words of each TEXT that the model never read in training (its\n"
            "words.tsv); a model without a word list is judged by its tokenizer (a word\n"
            "it has no pieces for). With '-' or no TEXT, each line of standard input is\n"
            "one text. A word the model never saw is one it can only guess at.\n"
            "\n"
            "  -m, --model DIR   model directory (default $PROMPTLAB_MODEL, else the\n"
            "                    embedded model)\n"
            "      --json        one JSON object per text: {\"text\", \"words\": [{\"word\",\n"
            "                    \"count\", \"unseen\"}], \"unseen\": [...]}\n"
            "      --count       count the words of the \"source\" fields of the JSONL\n"
            "                    files instead, and write them to --out as words.tsv\n"
            "  -o, --out FILE    where --count writes (atomically)\n"
            "  -h, --help        show this help\n"
            "\n"
            "example: promptlab words 'I lost my smartphone.'\n"
            "  I lost my smartphone\xe2\x80\xa0.\n");
}

static int count_files(char **files, int n, const char *out)
{
    struct words *w = NULL;
    struct pl_err e = {0};
    long sources = 0;
    int rc = words_init(&w, &e);
    for (int i = 0; i < n && rc == 0; i++) {
        struct jsonl_set set;
        rc = jsonl_read(files[i], &set, &e);
        for (int k = 0; rc == 0 && k < set.n; k++)
            rc = words_add_text(w, set.rec[k].source, &e);
        sources += rc == 0 ? set.n : 0;
        jsonl_free(&set);
    }
    if (rc == 0)
        rc = words_save(w, out, "the training sources", &e);
    if (rc == 0)
        printf("%s: %ld distinct words, %lld in all, from %ld sources\n", out, words_distinct(w),
               words_total(w), sources);
    words_free(w);
    return rc ? app_fail(CMD, &e) : 0;
}

/* Print s[0..n) as a JSON string. */
static void json_span(FILE *f, const char *s, size_t n)
{
    char *copy = strndup(s, n);
    app_json_string(f, copy ? copy : "");
    free(copy);
}

int app_unseen_words(const struct lab *L, const char *text, bool json, char **out)
{
    *out = NULL;
    size_t len = strlen(text), pos = 0, b, n, bytes = 0;
    int k = 0;
    FILE *m = open_memstream(out, &bytes);
    if (!m)
        return -1;
    while (words_next(text, len, &pos, &b, &n)) {
        if (!lab_word_unseen(L, text + b, n))
            continue;
        fputs(k++ ? ", " : "", m);
        if (json) {
            json_span(m, text + b, n);
        } else {
            fprintf(m, "'%.*s'", (int)n, text + b);
        }
    }
    if (fclose(m) != 0) {
        free(*out);
        *out = NULL;
        return -1;
    }
    return k;
}

static int show(const struct lab *L, const char *text, int json)
{
    const struct words *w = lab_words(L);
    size_t len = strlen(text), pos = 0, b, n, copied = 0;
    if (!json) {
        while (words_next(text, len, &pos, &b, &n)) {
            if (!lab_word_unseen(L, text + b, n))
                continue;
            fwrite(text + copied, 1, b + n - copied, stdout);
            fputs("\xe2\x80\xa0", stdout); /* the dagger the TUI shows */
            copied = b + n;
        }
        printf("%s\n", text + copied);
        return 0;
    }
    char *unseen = NULL;
    if (app_unseen_words(L, text, true, &unseen) < 0) {
        fprintf(stderr, "promptlab %s: out of memory\n", CMD);
        return 1;
    }
    printf("{\"text\": ");
    app_json_string(stdout, text);
    printf(", \"words\": [");
    for (int k = 0; words_next(text, len, &pos, &b, &n); k++) {
        printf("%s{\"word\": ", k ? ", " : "");
        json_span(stdout, text + b, n);
        if (w)
            printf(", \"count\": %lld", words_count(w, text + b, n));
        printf(", \"unseen\": %s}", lab_word_unseen(L, text + b, n) ? "true" : "false");
    }
    printf("], \"unseen\": [%s]}\n", unseen);
    free(unseen);
    return 0;
}

int cmd_words(int argc, char **argv)
{
    static const struct option opts[] = {
        {"model", required_argument, NULL, 'm'}, {"json", no_argument, NULL, 'j'},
        {"count", no_argument, NULL, 'c'},       {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
    };
    const char *model = NULL, *out = NULL;
    int json = 0, count = 0, c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":m:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 'o': out = optarg; break;
        case 'j': json = 1; break;
        case 'c': count = 1; break;
        case 'h': usage(stdout); return 0;
        default: return app_bad_option(CMD, c, argv, opts);
        }
    }
    if (count) {
        if (!out)
            return app_usage(CMD, "--count needs --out FILE");
        if (optind >= argc)
            return app_usage(CMD, "--count needs at least one JSONL file");
        return count_files(argv + optind, argc - optind, out);
    }
    if (out)
        return app_usage(CMD, "--out goes with --count");
    struct lab *L = NULL;
    if (app_open_lab(CMD, model, &L))
        return 1;
    int rc = 0;
    if (optind < argc && strcmp(argv[optind], "-") != 0) {
        for (int i = optind; i < argc && rc == 0; i++) {
            if (!pl_utf8_valid(argv[i], strlen(argv[i]))) {
                fprintf(stderr, "promptlab %s: text %d is not valid UTF-8\n", CMD, i - optind + 1);
                rc = 1;
            } else {
                rc = show(L, argv[i], json);
            }
        }
    } else {
        char **lines = NULL;
        int n = 0;
        rc = app_read_lines(CMD, stdin, &lines, &n);
        for (int i = 0; i < n && rc == 0; i++)
            rc = show(L, lines[i], json);
        app_free_lines(lines, n);
    }
    lab_close(L);
    return rc;
}
