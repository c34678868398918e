/* cmd_corpus.c - `promptlab corpus`: generate the embedded model's training
 * corpus from the world data (assets/world/).
 *
 *   int cmd_corpus(int argc, char **argv);   (argv[0] is "corpus"; returns
 *   0 ok, 1 failure, 2 usage error)
 *
 * Writes train/valid/test.jsonl and the instruction-free sets for prompt
 * tuning into --out, deterministically from --seed; --samples DIR writes the
 * TUI's sample sets instead (assets/samples/); --stats only loads and checks
 * the data and prints what it holds. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app_impl.h"
#include "promptlab/world.h"

static const char *const CMD = "corpus";

static void usage(FILE *out)
{
    fprintf(out,
            "usage: promptlab corpus [--seed N] [--out DIR] [--size N] [--assets DIR]\n"
            "                        [--idiom-share PERCENT] [--stats] [--json]\n"
            "       promptlab corpus --samples DIR [--seed N] [--assets DIR] [--json]\n"
            "\n"
            "Generate the training corpus of the embedded model from the world data\n"
            "(lexicon, sentence kinds, idioms, instruction phrasings in assets/world/).\n"
            "The same data and seed always give the same files.\n"
            "\n"
            "  -s, --seed N      random seed (default 1)\n"
            "  -o, --out DIR     output directory, created if missing (default ./corpus)\n"
            "  -n, --size N      examples in train.jsonl (default 200000); valid.jsonl and\n"
            "                    test.jsonl get N/50 each (at least 100)\n"
            "      --idiom-share P  percent of train.jsonl given to the idiom tasks (default\n"
            "                    12; the other tasks keep their proportions)\n"
            "  -a, --assets DIR  the assets directory or its world/ folder\n"
            "                    (default: the installed or checked-out assets)\n"
            "      --samples DIR write the TUI's sample sets into DIR instead of a corpus\n"
            "                    (make samples: DIR = assets/samples; see below)\n"
            "      --stats       check the data and print its counts; write nothing\n"
            "      --json        print the summary as one JSON object\n"
            "  -h, --help        show this help\n"
            "\n"
            "Files: train.jsonl valid.jsonl test.jsonl (every example has an instruction;\n"
            "test sentences and test idioms never occur in train; a quarter of the\n"
            "sources typed casually, tagged \"casual\"), softA_train/test.jsonl\n"
            "(English -> Vietnamese, no instruction), softB_train/test.jsonl (idioms ->\n"
            "idiomatic Vietnamese, disjoint idioms), classify_train/valid.jsonl (sentence ->\n"
            "topic word).  One JSON object per line:\n"
            "  {\"source\", \"target\", \"task\", \"lang\", \"literal\"?, \"label\"?, \"tags\"}\n"
            "\n"
            "Sample sets (--samples): every row from the test split, never seen in\n"
            "pre-training, so a soft prompt can train on about 50 rows and validate on\n"
            "10.  sentences.jsonl (Vietnamese), sentences_es.jsonl, sentences_fr.jsonl:\n"
            "the same 60 English sentences; idioms.jsonl (Vietnamese), idioms_es.jsonl,\n"
            "idioms_fr.jsonl: the lesson's three demo idioms as written (tag \"demo\";\n"
            "taught in pre-training), then 60 idiom forms inside test-split frames\n"
            "(\"literal\": the word-for-word rendering; tag \"unseen\": an idiom of soft\n"
            "prompt B's test half); classify.jsonl: 60 sentences, 12 per topic.\n"
            "\n"
            "The probe set (ASSETS/probe/, or probe/ beside the world folder) is kept\n"
            "out of everything written: no example of any file, corpus or sample set,\n"
            "holds one of its sentences (compared in lower case, without final\n"
            "punctuation); a draw that does is dropped and counted.\n");
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* DIR itself when it holds nouns.txt, else DIR/world. */
static void world_dir(const char *assets, char *out, size_t cap)
{
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/nouns.txt", assets);
    if (is_file(probe))
        snprintf(out, cap, "%s", assets);
    else
        snprintf(out, cap, "%s/world", assets);
}

static void print_stats(const struct world_stats *st, bool json)
{
    if (json) {
        printf("{\"lemmas\":%d,\"nouns\":%d,\"cities\":%d,\"adjectives\":%d,\"verbs\":%d,"
               "\"adverbs\":%d,\"numbers\":%d,\"times\":%d,\"pronouns\":%d,\"weather\":%d,"
               "\"templates\":%d,\"frames\":%d,\"idioms\":%d,\"idioms_test\":%d,"
               "\"phrasings\":%d,\"phrasings_heldout\":%d,\"labels\":%d,"
               "\"sentences_estimate\":%.0f}\n",
               st->n_lemmas, st->n_nouns, st->n_cities, st->n_adjectives, st->n_verbs,
               st->n_adverbs, st->n_numbers, st->n_times, st->n_pronouns, st->n_weather,
               st->n_templates, st->n_frames, st->n_idioms, st->n_idioms_test, st->n_phrasings,
               st->n_phrasings_heldout, st->n_labels, st->n_sentences);
        return;
    }
    printf("lemmas      %d (nouns %d, cities %d, adjectives %d, verbs %d, adverbs %d,\n"
           "            numbers %d, time words %d, pronouns %d, weather %d)\n",
           st->n_lemmas, st->n_nouns, st->n_cities, st->n_adjectives, st->n_verbs,
           st->n_adverbs, st->n_numbers, st->n_times, st->n_pronouns, st->n_weather);
    printf("sentences   %d kinds, about %.3g distinct English sentences\n", st->n_templates,
           st->n_sentences);
    printf("idioms      %d (%d held out for test), %d frames\n", st->n_idioms,
           st->n_idioms_test, st->n_frames);
    printf("phrasings   %d (%d held out)\n", st->n_phrasings, st->n_phrasings_heldout);
    printf("labels      %d\n", st->n_labels);
}

static void print_report(const char *out, const struct world_corpus_params *p,
                         const struct world_corpus_report *r, double dt, bool probe, bool json)
{
    if (json) {
        printf("{\"out\":");
        app_json_string(stdout, out);
        printf(",\"seed\":%llu,\"train\":%ld,\"valid\":%ld,\"test\":%ld,\"softA_train\":%ld,"
               "\"softA_test\":%ld,\"softB_train\":%ld,\"softB_test\":%ld,"
               "\"classify_train\":%ld,\"classify_valid\":%ld,\"probe\":%s,"
               "\"excluded\":%ld,\"seconds\":%.2f}\n",
               (unsigned long long)p->seed, r->n_train, r->n_valid, r->n_test, r->n_softa_train,
               r->n_softa_test, r->n_softb_train, r->n_softb_test, r->n_classify_train,
               r->n_classify_valid, probe ? "true" : "false", r->n_excluded, dt);
    } else {
        printf("%s: train %ld, valid %ld, test %ld; softA %ld/%ld, softB %ld/%ld, "
               "classify %ld/%ld (seed %llu, %.1f s; ",
               out, r->n_train, r->n_valid, r->n_test, r->n_softa_train, r->n_softa_test,
               r->n_softb_train, r->n_softb_test, r->n_classify_train, r->n_classify_valid,
               (unsigned long long)p->seed, dt);
        if (probe)
            printf("probe set kept out, %ld draws dropped)\n", r->n_excluded);
        else
            printf("no probe set found)\n");
    }
}

/* The probe set beside the world folder (WORLD/../probe) or in ASSETS/probe,
 * into `out`; false when there is none. */
static bool find_probe(const char *assets, const char *world, char *out, size_t cap)
{
    struct stat st;
    snprintf(out, cap, "%s/../probe", world);
    if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
        return true;
    snprintf(out, cap, "%s/probe", assets);
    return stat(out, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The world of ASSETS, keeping out the probe set when `keep` and there is
 * one (*has_probe says whether). 0, or 1 after an error message. */
static int load(const char *assets, bool keep, struct world **w, bool *has_probe)
{
    char dir[4200], probe[4300];
    world_dir(assets, dir, sizeof dir);
    struct pl_err e = {0};
    *has_probe = false;
    if (world_load(dir, w, &e) != 0)
        return app_fail(CMD, &e);
    *has_probe = keep && find_probe(assets, dir, probe, sizeof probe);
    if (*has_probe && world_keep_out(*w, probe, &e) != 0) {
        world_free(*w);
        return app_fail(CMD, &e);
    }
    return 0;
}

/* The sample sets into `out`. Frees w. */
static int write_samples(struct world *w, uint64_t seed, bool probe, const char *out, bool json)
{
    struct world_samples_params sp;
    world_samples_params_default(&sp);
    sp.seed = seed;
    struct pl_err e = {0};
    struct world_samples_report r;
    int rc = world_samples_write(w, &sp, out, &r, &e);
    world_free(w);
    if (rc != 0)
        return app_fail(CMD, &e);
    if (json) {
        printf("{\"out\":");
        app_json_string(stdout, out);
        printf(",\"seed\":%llu,\"sentences\":%d,\"idioms\":%d,\"demo\":%d,\"classify\":%d,"
               "\"probe\":%s,\"excluded\":%d}\n",
               (unsigned long long)seed, r.n_sentences, r.n_idioms, r.n_demo, r.n_classify,
               probe ? "true" : "false", r.n_excluded);
    } else {
        printf("%s: sentences %d (vi, es, fr), idioms %d (%d demo rows + %d framed), "
               "classify %d (seed %llu; %s, %d candidates dropped)\n",
               out, r.n_sentences, r.n_idioms, r.n_demo, r.n_idioms - r.n_demo, r.n_classify,
               (unsigned long long)seed, probe ? "probe set kept out" : "no probe set found",
               r.n_excluded);
    }
    return 0;
}

int cmd_corpus(int argc, char **argv)
{
    static const struct option opts[] = {
        {"seed", required_argument, NULL, 's'},
        {"out", required_argument, NULL, 'o'},
        {"size", required_argument, NULL, 'n'},
        {"idiom-share", required_argument, NULL, 'I'},
        {"assets", required_argument, NULL, 'a'},
        {"stats", no_argument, NULL, 'S'},
        {"samples", required_argument, NULL, 'P'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct world_corpus_params p;
    world_corpus_params_default(&p);
    const char *out = "corpus", *assets = NULL, *samples = NULL;
    bool stats = false, json = false;
    long v;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, ":s:o:n:a:h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (app_parse_int(optarg, 0, 0x7fffffffL, &v) != 0)
                return app_usage(CMD, "--seed wants a whole number, got '%s'", optarg);
            p.seed = (uint64_t)v;
            break;
        case 'o': out = optarg; break;
        case 'n':
            if (app_parse_int(optarg, 1, 100000000L, &v) != 0)
                return app_usage(CMD, "--size wants a number from 1 to 100000000, got '%s'",
                                 optarg);
            p.n_train = v;
            p.n_valid = p.n_test = v / 50 < 100 ? 100 : v / 50;
            break;
        case 'I':
            if (app_parse_int(optarg, 0, 100, &v) != 0)
                return app_usage(CMD, "--idiom-share wants a percentage from 0 to 100, got '%s'",
                                 optarg);
            p.idiom_permille = (int)v * 10;
            break;
        case 'a': assets = optarg; break;
        case 'S': stats = true; break;
        case 'P': samples = optarg; break;
        case 'j': json = true; break;
        case 'h': usage(stdout); return 0;
        default: return app_bad_option(CMD, c, argv, opts);
        }
    }
    if (optind < argc)
        return app_usage(CMD, "unexpected argument '%s'", argv[optind]);

    struct world *w;
    bool has_probe;
    if (load(assets ? assets : app_data_dir(), !stats, &w, &has_probe) != 0)
        return 1;
    if (stats) {
        struct world_stats st;
        world_get_stats(w, &st);
        print_stats(&st, json);
        world_free(w);
        return 0;
    }
    if (samples)
        return write_samples(w, p.seed, has_probe, samples, json);
    struct pl_err e = {0};
    double t0 = pl_now();
    struct world_corpus_report r;
    int rc = world_corpus_write(w, &p, out, &r, &e);
    world_free(w);
    if (rc != 0)
        return app_fail(CMD, &e);
    print_report(out, &p, &r, pl_now() - t0, has_probe, json);
    if (r.n_valid < p.n_valid || r.n_test < p.n_test)
        app_warn(CMD, "the data yields fewer distinct valid/test examples than asked for");
    return 0;
}
