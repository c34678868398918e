/* cmd_tokenize.c - `promptlab tokenize`: show how the model's tokenizer
 * cuts text into pieces and ids.
 *
 *   int cmd_tokenize(int argc, char **argv);   (declared in app_impl.h;
 *   argv[0] is "tokenize"; returns 0 ok, 1 failure, 2 usage error)
 *
 * Each TEXT argument, or each line of standard input (for `-` or no TEXT),
 * is one input and gives one line of output: pieces with their ids
 * (`▁The(37) ▁house(629) ...`), only the ids (--ids), or one JSON object
 * per line (--json). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cJSON.h>

#include "app_impl.h"
#include "promptlab/tokenizer.h"

static const char *const CMD = "tokenize";

static void usage(FILE *out)
{
    fprintf(out,
            "usage: promptlab tokenize [--model DIR | --tokenizer FILE] [--ids] [--no-eos]\n"
            "                          [--json] [TEXT... | -]\n"
            "\n"
            "Cut text into the model's tokenizer pieces and show them with their ids.\n"
            "Each TEXT is one input; with '-' or no TEXT, each line of standard input is.\n"
            "Special tokens written in the text (</s>, <pad>, <unk>, <extra_id_0>, ...)\n"
            "become their own ids; '</s>' is appended unless --no-eos.\n"
            "\n"
            "  -m, --model DIR        model directory (tokenizer.json, else spiece.model);\n"
            "                         default $PROMPTLAB_MODEL, else the embedded model\n"
            "  -t, --tokenizer FILE   a tokenizer.json or spiece.model file (a spiece.model\n"
            "                         given alone has no <extra_id_N> sentinels)\n"
            "      --ids              print only the ids, space-separated, one line per input\n"
            "      --no-eos           do not append </s>\n"
            "      --json             one JSON object per input: {\"text\", \"ids\", \"pieces\"}\n"
            "      --write-json FILE  write the tokenizer as a Hugging Face tokenizer.json\n"
            "                         (T5's layout) instead of tokenizing\n"
            "  -h, --help             show this help\n"
            "\n"
            "example: promptlab tokenize --model DIR 'The house is wonderful.'\n"
            "  \xE2\x96\x81The(37) \xE2\x96\x81house(629) \xE2\x96\x81is(19) \xE2\x96\x81wonderful(1627) .(5) </s>(1)\n");
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int load(const char *model, const char *file, tok **t, struct pl_err *e)
{
    if (file) {
        struct stat st;
        if (stat(file, &st) == 0 && S_ISDIR(st.st_mode))
            return tok_load_dir(file, t, e);
        return ends_with(file, ".json") ? tok_load_json(file, t, e) : tok_load_spm(file, 0, t, e);
    }
    if (model)
        return tok_load_dir(model, t, e);
    int rc = tok_load_dir(app_default_model(), t, e);
    if (rc != 0)
        pl_err_wrap(e, rc, "no usable default model (pass --model DIR or --tokenizer FILE, or set PROMPTLAB_MODEL)");
    return rc;
}

enum format { FMT_PIECES, FMT_IDS, FMT_JSON };

static int show(const tok *t, const char *text, size_t len, int flags, enum format fmt, struct pl_err *e)
{
    int *ids, n;
    int rc = tok_encode(t, text, len, flags, &ids, &n, e);
    if (rc != 0)
        return rc;
    if (fmt == FMT_JSON) {
        cJSON *o = cJSON_CreateObject(), *a = cJSON_CreateArray(), *p = cJSON_CreateArray();
        char *copy = strndup(text, len);
        cJSON_AddItemToObject(o, "text", cJSON_CreateString(copy ? copy : ""));
        free(copy);
        for (int i = 0; i < n; i++) {
            cJSON_AddItemToArray(a, cJSON_CreateNumber(ids[i]));
            cJSON_AddItemToArray(p, cJSON_CreateString(tok_piece(t, ids[i])));
        }
        cJSON_AddItemToObject(o, "ids", a);
        cJSON_AddItemToObject(o, "pieces", p);
        char *s = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        if (!s) {
            free(ids);
            return pl_err_set(e, PL_ENOMEM, "out of memory");
        }
        puts(s);
        free(s);
    } else {
        for (int i = 0; i < n; i++) {
            if (i)
                putchar(' ');
            if (fmt == FMT_IDS)
                printf("%d", ids[i]);
            else
                printf("%s(%d)", tok_piece(t, ids[i]), ids[i]);
        }
        putchar('\n');
    }
    free(ids);
    return 0;
}

int cmd_tokenize(int argc, char **argv)
{
    static const struct option opts[] = {
        {"model", required_argument, NULL, 'm'},
        {"tokenizer", required_argument, NULL, 't'},
        {"ids", no_argument, NULL, 'i'},
        {"no-eos", no_argument, NULL, 'E'},
        {"json", no_argument, NULL, 'j'},
        {"write-json", required_argument, NULL, 'W'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *model = NULL, *file = NULL, *write_json = NULL;
    enum format fmt = FMT_PIECES;
    int flags = TOK_ADD_EOS, c;
    optind = 0; /* glibc: a full reset, so the REPL can call us again */
    while ((c = getopt_long(argc, argv, ":m:t:h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 't': file = optarg; break;
        case 'i': fmt = FMT_IDS; break;
        case 'E': flags &= ~TOK_ADD_EOS; break;
        case 'j': fmt = FMT_JSON; break;
        case 'W': write_json = optarg; break;
        case 'h': usage(stdout); return 0;
        default: return app_bad_option(CMD, c, argv, opts);
        }
    }
    if (model && file)
        return app_usage(CMD, "give --model or --tokenizer, not both");

    struct pl_err e = {0};
    tok *t;
    if (load(model, file, &t, &e) != 0)
        return app_fail(CMD, &e);

    if (write_json) {
        int rc = tok_save_json(t, write_json, &e);
        tok_free(t);
        if (rc)
            return app_fail(CMD, &e);
        fprintf(stderr, "promptlab %s: wrote %s\n", CMD, write_json);
        return 0;
    }

    int status = 0;
    bool from_stdin = optind >= argc || (argc - optind == 1 && strcmp(argv[optind], "-") == 0);
    if (from_stdin) {
        char *line = NULL;
        size_t cap = 0;
        ssize_t got;
        while ((got = getline(&line, &cap, stdin)) >= 0) {
            size_t n = (size_t)got;
            if (n > 0 && line[n - 1] == '\n')
                n--;
            if (show(t, line, n, flags, fmt, &e) != 0) {
                status = app_fail(CMD, &e);
                break;
            }
        }
        free(line);
    } else {
        for (int i = optind; i < argc && status == 0; i++)
            if (show(t, argv[i], strlen(argv[i]), flags, fmt, &e) != 0)
                status = app_fail(CMD, &e);
    }
    tok_free(t);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "promptlab %s: cannot write the output\n", CMD);
        status = 1;
    }
    return status;
}
