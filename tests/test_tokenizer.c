/* test_tokenizer.c - the tokenizer against real T5 files and against the
 * SentencePiece tools.
 *
 * Expected ids come from tests/data/t5/README.md (produced by spm_encode
 * and the Rust tokenizers library). Small models written here as protobuf
 * (byte fallback, user-defined pieces, exact score ties) are checked against
 * `spm_encode` itself, and the normaliser against `spm_normalize`; both are
 * in the Debian package sentencepiece, which CI installs (missing tools make
 * those checks fail). Test data: $TESTDATA, else tests/data (tests
 * run from the repository root). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "promptlab/tokenizer.h"
#include "test.h"

static char g_tmpdir[256];

static const char *testdata(void)
{
    const char *d = getenv("TESTDATA");
    return d && *d ? d : "tests/data";
}

static void t5_path(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/t5/%s", testdata(), name);
}

/* ids as "1 2 3" */
static void ids_str(const int *ids, int n, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = 0;
    for (int i = 0; i < n && k + 12 < cap; i++)
        k += (size_t)snprintf(buf + k, cap - k, i ? " %d" : "%d", ids[i]);
}

static void check_encode(const tok *t, const char *text, int flags, const char *want, int line)
{
    int *ids = NULL, n = -1;
    struct pl_err e = {0};
    int rc = tok_encode(t, text, strlen(text), flags, &ids, &n, &e);
    char got[4096];
    ids_str(ids, n, got, sizeof got);
    CHECKF(rc == 0 && strcmp(got, want) == 0, "line %d: encode \"%s\" (flags %d): got [%s] want [%s] %s", line,
           text, flags, got, want, rc ? e.msg : "");
    free(ids);
}
#define ENC(t, text, flags, want) check_encode((t), (text), (flags), (want), __LINE__)

/* ---- the README's expected ids ---- */

struct example {
    const char *text;
    const char *ids; /* without the final 1 */
    bool json_only;
};

static const struct example examples[] = {
    {"translate English to German: The house is wonderful.", "13959 1566 12 2968 10 37 629 19 1627 5", false},
    {"summarize: studies have shown that owning a dog is good for you",
     "21603 10 2116 43 2008 24 293 53 3 9 1782 19 207 21 25", false},
    {"translate English to French: It's raining cats and dogs.", "13959 1566 12 2379 10 94 31 7 3412 53 10003 11 3887 5",
     false},
    {"  Hello   world  ", "8774 296", false},
    {"a\tb\nc", "3 9 3 115 3 75", false},
    {"\xEF\xBC\xA8\xEF\xBD\x85\xEF\xBD\x8C\xEF\xBD\x8C\xEF\xBD\x8F \xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3 \xE2\x91\xA0",
     "8774 14213 209", false},
    {"na\xC3\xAFve caf\xC3\xA9 \xC3\xAF\xC3\xAF\xC3\xAF", "3 29 9 2 162 11949 3 2", false},
    {"L'\xC3\xA9t\xC3\xA9 \xC3\xA0 Paris", "301 31 8436 3 85 1919", false},
    {"Xin ch\xC3\xA0o th\xE1\xBA\xBF gi\xE1\xBB\x9Bi", "3 4 77 3 524 85 32 3 189 2 3 122 23 2 23", false},
    {"The <extra_id_0> walks in <extra_id_1> park", "37 32099 10681 16 32098 2447", true},
    {"", "", true},
};

static void test_readme_examples(const tok *json, const tok *spm, const tok *spm100)
{
    for (size_t i = 0; i < sizeof examples / sizeof *examples; i++) {
        const struct example *x = &examples[i];
        char with_eos[1024];
        snprintf(with_eos, sizeof with_eos, "%s%s1", x->ids, x->ids[0] ? " " : "");
        ENC(json, x->text, TOK_ADD_EOS, with_eos);
        ENC(json, x->text, 0, x->ids);
        ENC(spm100, x->text, TOK_ADD_EOS, with_eos);
        if (!x->json_only) {
            ENC(spm, x->text, 0, x->ids);
            ENC(spm, x->text, TOK_ADD_EOS, with_eos);
        }
    }
}

/* ---- special tokens ---- */

static void test_specials(const tok *json, const tok *spm, const tok *spm100)
{
    /* A segment after a special token gets its own U+2581 (T5.md 6.3, as
     * the Rust tokenizers library does). */
    ENC(json, "<extra_id_0>.", TOK_ADD_EOS, "32099 3 5 1");
    ENC(json, "</s>", 0, "1");
    ENC(json, "<pad><pad>Hi</s>", 0, "0 0 2018 1");
    ENC(json, "x<unk>y", 0, "3 226 2 3 63");
    ENC(spm100, "<extra_id_0>.", TOK_ADD_EOS, "32099 3 5 1");
    ENC(spm100, "</s>", 0, "1");
    /* A near miss is ordinary text. */
    ENC(json, "<extra_id_100>", 0, "3 2 25666 834 23 26 834 2915 3155");
    /* Without special matching, spiece.model and tokenizer.json agree with spm_encode. */
    ENC(json, "The <extra_id_0> walks", TOK_NO_SPECIAL,
        "37 3 2 25666 834 23 26 834 632 3155 10681");
    ENC(spm, "The <extra_id_0> walks", 0, "37 3 2 25666 834 23 26 834 632 3155 10681");
    ENC(spm100, "The <extra_id_0> walks", TOK_NO_SPECIAL, "37 3 2 25666 834 23 26 834 632 3155 10681");
}

/* ---- metadata ---- */

static void test_metadata(const tok *json, const tok *spm, const tok *spm100)
{
    CHECK_INT(tok_size(json), 32100);
    CHECK_INT(tok_size(spm), 32000);
    CHECK_INT(tok_size(spm100), 32100);
    const tok *all[3] = {json, spm, spm100};
    for (int i = 0; i < 3; i++) {
        const tok *t = all[i];
        CHECK_INT(tok_eos_id(t), 1);
        CHECK_INT(tok_pad_id(t), 0);
        CHECK_INT(tok_unk_id(t), 2);
        CHECK_INT(tok_kind(t, 0), TOK_KIND_CONTROL);
        CHECK_INT(tok_kind(t, 1), TOK_KIND_CONTROL);
        CHECK_INT(tok_kind(t, 2), TOK_KIND_UNKNOWN);
        CHECK_INT(tok_kind(t, 3), TOK_KIND_NORMAL);
        CHECK_INT(tok_kind(t, 31999), TOK_KIND_NORMAL);
        CHECK_STR(tok_piece(t, 0), "<pad>");
        CHECK_STR(tok_piece(t, 1), "</s>");
        CHECK_STR(tok_piece(t, 3), "\xE2\x96\x81");
        CHECK_STR(tok_piece(t, 37), "\xE2\x96\x81The");
        CHECK_NEAR(tok_score(t, 3), -2.012292861938477, 1e-6);
        CHECK_INT(tok_id(t, "\xE2\x96\x81The"), 37);
        CHECK_INT(tok_id(t, "</s>"), 1);
        CHECK_INT(tok_id(t, "<unk>"), 2);
        CHECK_INT(tok_id(t, "no-such-piece-here"), -1);
        CHECK_INT(tok_id(t, ""), -1);
        CHECK(tok_piece(t, -1) == NULL);
        CHECK(tok_piece(t, tok_size(t)) == NULL);
        CHECK_INT(tok_kind(t, tok_size(t)), 0);
        CHECK(tok_is_special(t, 1) && tok_is_special(t, 2) && !tok_is_special(t, 37));
    }
    for (int i = 0; i < 3; i += 2) {
        const tok *t = all[i];
        CHECK_INT(tok_sentinel_id(t, 0), 32099);
        CHECK_INT(tok_sentinel_id(t, 99), 32000);
        CHECK_INT(tok_sentinel_id(t, 100), -1);
        CHECK_STR(tok_piece(t, 32099), "<extra_id_0>");
        CHECK_INT(tok_kind(t, 32000), TOK_KIND_SENTINEL);
        CHECK(tok_is_special(t, 32050));
        CHECK_NEAR(tok_score(t, 32099), 0.0, 0);
    }
    CHECK_INT(tok_sentinel_id(spm, 0), -1);
    /* Every id has the same piece and score through both loaders. */
    int same = 1;
    for (int i = 0; i < 32100; i++)
        if (strcmp(tok_piece(json, i), tok_piece(spm100, i)) != 0 || tok_score(json, i) != tok_score(spm100, i) ||
            tok_kind(json, i) != tok_kind(spm100, i))
            same = 0;
    CHECK(same);
}

/* ---- decoding ---- */

static void check_decode(const tok *t, const int *ids, int n, int flags, const char *want, int line)
{
    char *text = NULL;
    struct pl_err e = {0};
    int rc = tok_decode(t, ids, n, flags, &text, &e);
    CHECKF(rc == 0 && text && strcmp(text, want) == 0, "line %d: decode got \"%s\" want \"%s\" %s", line,
           text ? text : "(null)", want, rc ? e.msg : "");
    free(text);
}
#define DEC(t, flags, want, ...)                                                                     \
    do {                                                                                             \
        const int ids_[] = {__VA_ARGS__};                                                            \
        check_decode((t), ids_, (int)(sizeof ids_ / sizeof ids_[0]), (flags), (want), __LINE__);    \
    } while (0)

static void test_decode(const tok *json, const tok *spm100)
{
    const tok *all[2] = {json, spm100};
    for (int i = 0; i < 2; i++) {
        const tok *t = all[i];
        DEC(t, TOK_SKIP_SPECIAL, "translate English to German: The house is wonderful.", 13959, 1566, 12, 2968, 10,
            37, 629, 19, 1627, 5, 1);
        DEC(t, 0, "translate English.</s>", 13959, 1566, 5, 1);
        DEC(t, 0, "<pad> Hello world</s>", 0, 8774, 296, 1);
        DEC(t, TOK_SKIP_SPECIAL, "Hello world", 0, 8774, 296, 1);
        DEC(t, 0, "The<extra_id_0> walks", 37, 32099, 10681);
        DEC(t, TOK_SKIP_SPECIAL, "The walks", 37, 32099, 10681);
        DEC(t, 0, "na<unk>ve", 3, 29, 9, 2, 162);
        DEC(t, TOK_SKIP_SPECIAL, "nave", 3, 29, 9, 2, 162);
        DEC(t, 0, "Hello", 3, 8774); /* leading U+2581 pieces drop until text appears */
        DEC(t, 0, "");
        int bad[2] = {5, 32100};
        char *text = NULL;
        struct pl_err e = {0};
        CHECK_INT(tok_decode(t, bad, 2, 0, &text, &e), PL_ERANGE);
        CHECK(text == NULL && strstr(e.msg, "32100") != NULL);
    }
}

/* ---- loading: directory choice and errors ---- */

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    CHECKF(f != NULL, "cannot write %s", path);
    if (f) {
        fwrite(data, 1, len, f);
        fclose(f);
    }
}

static void expect_load_error(int rc, const struct pl_err *e, int want_rc, const char *path, const char *needle,
                              int line)
{
    CHECKF(rc == want_rc, "line %d: rc %d want %d (%s)", line, rc, want_rc, e->msg);
    CHECKF(strstr(e->msg, path) != NULL, "line %d: message \"%s\" does not name %s", line, e->msg, path);
    CHECKF(strstr(e->msg, needle) != NULL, "line %d: message \"%s\" lacks \"%s\"", line, e->msg, needle);
}

static void test_load_dir(void)
{
    char dir[512], path[600], src[512];
    struct pl_err e = {0};
    tok *t = NULL;

    snprintf(dir, sizeof dir, "%s/t5", testdata());
    CHECK_INT(tok_load_dir(dir, &t, &e), 0);
    CHECKF(t && strstr(tok_path(t), "tokenizer.json") != NULL, "picked %s", t ? tok_path(t) : "nothing");
    tok_free(t);

    /* Only spiece.model: the spm loader, with extra_ids from tokenizer_config.json. */
    snprintf(dir, sizeof dir, "%s/spmonly", g_tmpdir);
    CHECK(mkdir(dir, 0700) == 0);
    t5_path(src, sizeof src, "spiece.model");
    char *abs = realpath(src, NULL);
    snprintf(path, sizeof path, "%s/spiece.model", dir);
    CHECK(abs && symlink(abs, path) == 0);
    free(abs);
    t = NULL;
    CHECK_INT(tok_load_dir(dir, &t, &e), 0);
    CHECK(t && tok_size(t) == 32000);
    tok_free(t);
    snprintf(path, sizeof path, "%s/tokenizer_config.json", dir);
    write_file(path, "{\"extra_ids\": 100}", 18);
    t = NULL;
    CHECK_INT(tok_load_dir(dir, &t, &e), 0);
    CHECK(t && tok_size(t) == 32100 && tok_sentinel_id(t, 0) == 32099);
    tok_free(t);

    snprintf(dir, sizeof dir, "%s/empty", g_tmpdir);
    CHECK(mkdir(dir, 0700) == 0);
    t = (tok *)1;
    expect_load_error(tok_load_dir(dir, &t, &e), &e, PL_EIO, dir, "no tokenizer.json or spiece.model", __LINE__);
    CHECK(t == NULL);
    snprintf(dir, sizeof dir, "%s/missing", g_tmpdir);
    expect_load_error(tok_load_dir(dir, &t, &e), &e, PL_EIO, dir, "cannot open", __LINE__);
}

static void test_load_errors(void)
{
    struct pl_err e = {0};
    tok *t = NULL;
    char path[600], src[512];

    snprintf(path, sizeof path, "%s/nope.model", g_tmpdir);
    expect_load_error(tok_load_spm(path, 0, &t, &e), &e, PL_EIO, path, "cannot open", __LINE__);
    snprintf(path, sizeof path, "%s/nope.json", g_tmpdir);
    expect_load_error(tok_load_json(path, &t, &e), &e, PL_EIO, path, "cannot open", __LINE__);

    /* Truncated spiece.model: the first 100000 bytes. */
    t5_path(src, sizeof src, "spiece.model");
    FILE *f = fopen(src, "rb");
    CHECK(f != NULL);
    static unsigned char head[100000];
    size_t got = f ? fread(head, 1, sizeof head, f) : 0;
    if (f)
        fclose(f);
    CHECK_INT(got, sizeof head);
    snprintf(path, sizeof path, "%s/truncated.model", g_tmpdir);
    write_file(path, head, got);
    expect_load_error(tok_load_spm(path, 0, &t, &e), &e, PL_EFORMAT, path, "truncated", __LINE__);

    snprintf(path, sizeof path, "%s/garbage.model", g_tmpdir);
    write_file(path, "this is not a protobuf\n", 23);
    expect_load_error(tok_load_spm(path, 0, &t, &e), &e, PL_EFORMAT, path, "not a valid SentencePiece model", __LINE__);
    snprintf(path, sizeof path, "%s/empty.model", g_tmpdir);
    write_file(path, "", 0);
    expect_load_error(tok_load_spm(path, 0, &t, &e), &e, PL_EFORMAT, path, "no pieces", __LINE__);
    /* A tokenizer.json handed to the spm loader. */
    t5_path(src, sizeof src, "tokenizer.json");
    expect_load_error(tok_load_spm(src, 0, &t, &e), &e, PL_EFORMAT, src, "SentencePiece", __LINE__);
    expect_load_error(tok_load_spm(src, -1, &t, &e), &e, PL_EINVAL, src, "extra_ids", __LINE__);

    snprintf(path, sizeof path, "%s/bad.json", g_tmpdir);
    write_file(path, "{\"model\": {\"type\": \"Unigram\",", 29);
    expect_load_error(tok_load_json(path, &t, &e), &e, PL_EFORMAT, path, "not valid JSON", __LINE__);
    const char *bpe = "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []}}";
    write_file(path, bpe, strlen(bpe));
    expect_load_error(tok_load_json(path, &t, &e), &e, PL_EFORMAT, path, "only Unigram", __LINE__);
    const char *empty = "{\"model\": {\"type\": \"Unigram\", \"unk_id\": 0, \"vocab\": []}}";
    write_file(path, empty, strlen(empty));
    expect_load_error(tok_load_json(path, &t, &e), &e, PL_EFORMAT, path, "empty", __LINE__);
    const char *nounk = "{\"model\": {\"type\": \"Unigram\", \"unk_id\": null, \"vocab\": [[\"a\", -1.0]]}}";
    write_file(path, nounk, strlen(nounk));
    expect_load_error(tok_load_json(path, &t, &e), &e, PL_EFORMAT, path, "unk_id", __LINE__);
    const char *nfkc = "{\"normalizer\": {\"type\": \"NFKC\"}, \"model\": {\"type\": \"Unigram\", \"unk_id\": 0, "
                       "\"vocab\": [[\"<unk>\", 0], [\"a\", -1.0]]}}";
    write_file(path, nfkc, strlen(nfkc));
    expect_load_error(tok_load_json(path, &t, &e), &e, PL_EFORMAT, path, "NFKC", __LINE__);
    write_file(path, "[1, 2, 3]", 9);
    expect_load_error(tok_load_json(path, &t, &e), &e, PL_EFORMAT, path, "model", __LINE__);

    /* Numbers no int holds (found by fuzz_tokenizer_json: converting them
     * to int was undefined behaviour) and scores no float holds. */
    const char *huge_unk = "{\"model\": {\"type\": \"Unigram\", \"unk_id\": 2.11111e+86, "
                           "\"vocab\": [[\"<unk>\", 0], [\"a\", -1.0]]}}";
    write_file(path, huge_unk, strlen(huge_unk));
    expect_load_error(tok_load_json(path, &t, &e), &e, PL_EFORMAT, path,
                      "\"unk_id\" 2.11111e+86 is not an id of the vocabulary (0 to 1)", __LINE__);
    const char *frac_unk = "{\"model\": {\"type\": \"Unigram\", \"unk_id\": 0.5, "
                           "\"vocab\": [[\"<unk>\", 0], [\"a\", -1.0]]}}";
    write_file(path, frac_unk, strlen(frac_unk));
    expect_load_error(tok_load_json(path, &t, &e), &e, PL_EFORMAT, path, "\"unk_id\" 0.5 is not an id", __LINE__);
    const char *huge_added = "{\"added_tokens\": [{\"id\": -1e300, \"content\": \"<x>\"}], "
                             "\"model\": {\"type\": \"Unigram\", \"unk_id\": 0, "
                             "\"vocab\": [[\"<unk>\", 0], [\"a\", -1.0]]}}";
    write_file(path, huge_added, strlen(huge_added));
    expect_load_error(tok_load_json(path, &t, &e), &e, PL_EFORMAT, path,
                      "added token \"<x>\" has id -1e+300, vocabulary has 2", __LINE__);
    const char *huge_score = "{\"model\": {\"type\": \"Unigram\", \"unk_id\": 0, "
                             "\"vocab\": [[\"<unk>\", 0], [\"a\", -1e39]]}}";
    write_file(path, huge_score, strlen(huge_score));
    expect_load_error(tok_load_json(path, &t, &e), &e, PL_EFORMAT, path,
                      "vocab entry 1 has score -1e+39, outside the range of a float", __LINE__);
    CHECK(t == NULL);
}

/* ---- tokenizer.json pipeline variants (T5.md 6.3) ---- */

/* The test tokenizer.json with its pre_tokenizer and normalizer replaced. */
static tok *json_variant(const char *pre_tokenizer, const char *normalizer)
{
    char src[512], path[600];
    t5_path(src, sizeof src, "tokenizer.json");
    char *text;
    size_t len;
    if (pl_read_file(src, &text, &len, NULL) != 0)
        return NULL;
    cJSON *root = cJSON_ParseWithLength(text, len);
    free(text);
    if (!root)
        return NULL;
    const cJSON *nz = cJSON_GetObjectItemCaseSensitive(root, "normalizer");
    const char *b64 = cJSON_GetObjectItemCaseSensitive(nz, "precompiled_charsmap")->valuestring;
    char *nz_text = malloc(strlen(b64) + strlen(normalizer) + 64);
    sprintf(nz_text, normalizer, b64);
    cJSON_ReplaceItemInObject(root, "normalizer", cJSON_Parse(nz_text));
    free(nz_text);
    cJSON_ReplaceItemInObject(root, "pre_tokenizer", cJSON_Parse(pre_tokenizer));
    char *out = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    snprintf(path, sizeof path, "%s/variant.json", g_tmpdir);
    write_file(path, out, strlen(out));
    free(out);
    tok *t = NULL;
    struct pl_err e = {0};
    CHECKF(tok_load_json(path, &t, &e) == 0, "%s", e.msg);
    return t;
}

static void test_json_variants(void)
{
    const char *precompiled = "{\"type\":\"Precompiled\",\"precompiled_charsmap\":\"%s\"}";
    /* Bare Metaspace (older exports): a trailing space becomes its own piece. */
    tok *t = json_variant("{\"type\":\"Metaspace\",\"replacement\":\"\xE2\x96\x81\",\"add_prefix_space\":true}",
                          precompiled);
    if (t) {
        ENC(t, "Hello world ", TOK_ADD_EOS, "8774 296 3 1");
        ENC(t, "Hello world", TOK_ADD_EOS, "8774 296 1");
        ENC(t, "Hello  world", 0, "8774 3 296");
        ENC(t, "The <extra_id_0> walks", 0, "37 3 32099 10681");
    }
    tok_free(t);
    /* Older exports: Sequence[Precompiled, Replace(" {2,}" -> " ")] collapses runs. */
    t = json_variant("{\"type\":\"Metaspace\",\"replacement\":\"\xE2\x96\x81\",\"add_prefix_space\":true}",
                     "{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"Precompiled\",\"precompiled_charsmap\":"
                     "\"%s\"},{\"type\":\"Replace\",\"pattern\":{\"Regex\":\" {2,}\"},\"content\":\" \"}]}");
    if (t) {
        ENC(t, "Hello     world", 0, "8774 296");
        ENC(t, "Hello \t world", 0, "8774 296"); /* TAB becomes a space first */
    }
    tok_free(t);
    /* Newest converter: Strip(right) + Replace(" {2,}" -> U+2581), prepend_scheme "first". */
    t = json_variant("{\"type\":\"Metaspace\",\"replacement\":\"\xE2\x96\x81\",\"prepend_scheme\":\"first\","
                     "\"split\":true}",
                     "{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"Precompiled\",\"precompiled_charsmap\":"
                     "\"%s\"},{\"type\":\"Strip\",\"strip_left\":false,\"strip_right\":true},"
                     "{\"type\":\"Replace\",\"pattern\":{\"Regex\":\" {2,}\"},\"content\":\"\xE2\x96\x81\"}]}");
    if (t) {
        ENC(t, "Hello world   ", TOK_ADD_EOS, "8774 296 1");
        /* "first": only the segment at offset 0 gets the prefix. */
        ENC(t, "<extra_id_0>.", 0, "32099 5");
        ENC(t, "Hi <extra_id_0>.", 0, "2018 32099 5"); /* Strip(right) ate the space */
    }
    tok_free(t);
}

/* ---- against the SentencePiece tools ---- */

/* Run `cmd` and return its stdout split into lines (malloc'd, NULL on failure). */
static char **run_lines(const char *cmd, int *n_lines)
{
    *n_lines = 0;
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    char **lines = NULL;
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    while ((got = getline(&line, &cap, p)) >= 0) {
        if (got > 0 && line[got - 1] == '\n')
            line[--got] = 0;
        char **nl = realloc(lines, (size_t)(*n_lines + 1) * sizeof *nl);
        if (!nl)
            break;
        lines = nl;
        lines[(*n_lines)++] = strdup(line);
    }
    free(line);
    int status = pclose(p);
    if (status != 0) {
        for (int i = 0; i < *n_lines; i++)
            free(lines[i]);
        free(lines);
        *n_lines = 0;
        return NULL;
    }
    return lines;
}

static void free_lines(char **lines, int n)
{
    for (int i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

/* Inputs one per line, compared with spm_encode --output_format=id on `model`. */
static void compare_with_spm_encode(const tok *t, const char *model, const char *input_path, int line)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "spm_encode --model='%s' --output_format=id < '%s' 2>/dev/null", model, input_path);
    int n_ref;
    char **ref = run_lines(cmd, &n_ref);
    CHECKF(ref != NULL && n_ref > 0, "line %d: spm_encode failed or is missing (apt-get install sentencepiece): %s",
           line, cmd);
    if (!ref)
        return;
    char *data;
    size_t len;
    if (pl_read_file(input_path, &data, &len, NULL) != 0) {
        free_lines(ref, n_ref);
        return;
    }
    int i = 0, mismatches = 0;
    for (char *s = data; s < data + len && i < n_ref; i++) {
        char *nl = memchr(s, '\n', (size_t)(data + len - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(data + len - s);
        int *ids = NULL, n_ids = 0;
        char got[8192];
        tok_encode(t, s, n, TOK_NO_SPECIAL, &ids, &n_ids, NULL);
        ids_str(ids, n_ids, got, sizeof got);
        free(ids);
        if (strcmp(got, ref[i]) != 0 && mismatches++ < 5)
            fprintf(stderr, "input line %d \"%.*s\": got [%s] spm_encode [%s]\n", i + 1, (int)n, s, got, ref[i]);
        s += n + 1;
    }
    CHECKF(mismatches == 0 && i == n_ref, "line %d: %d of %d inputs differ from spm_encode (%s)", line, mismatches,
           n_ref, model);
    free(data);
    free_lines(ref, n_ref);
}

static void test_normalizer_vs_spm(const tok *json, const tok *spm)
{
    char model[512], cmd[2048];
    t5_path(model, sizeof model, "spiece.model");
    const char *input = "tests/data/tok_sentences.txt";
    snprintf(cmd, sizeof cmd, "spm_normalize --model='%s' --use_internal_normalization < '%s' 2>/dev/null", model,
             input);
    int n_ref;
    char **ref = run_lines(cmd, &n_ref);
    CHECKF(ref != NULL && n_ref >= 200, "spm_normalize failed or is missing (apt-get install sentencepiece)");
    if (!ref)
        return;
    char *data;
    size_t len;
    CHECK_INT(pl_read_file(input, &data, &len, NULL), 0);
    int i = 0, bad_spm = 0, bad_json = 0, roundtrips = 0, bad_roundtrip = 0;
    for (char *s = data; data && s < data + len && i < n_ref; i++) {
        char *nl = memchr(s, '\n', (size_t)(data + len - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(data + len - s);
        char *a = NULL, *b = NULL;
        tok_normalize(spm, s, n, TOK_NO_SPECIAL, &a, NULL, NULL);
        tok_normalize(json, s, n, TOK_NO_SPECIAL, &b, NULL, NULL);
        if (!a || strcmp(a, ref[i]) != 0)
            bad_spm++, fprintf(stderr, "normalize line %d: got \"%s\" spm \"%s\"\n", i + 1, a ? a : "", ref[i]);
        if (!b || strcmp(b, ref[i]) != 0)
            bad_json++, fprintf(stderr, "normalize (json) line %d: got \"%s\" spm \"%s\"\n", i + 1, b ? b : "", ref[i]);
        /* Decoding the ids gives the normalised text back (U+2581 as spaces,
         * the first one dropped) whenever no character was unknown. */
        int *ids = NULL, n_ids = 0;
        tok_encode(spm, s, n, 0, &ids, &n_ids, NULL);
        bool has_unk = false;
        for (int k = 0; k < n_ids; k++)
            has_unk |= ids[k] == tok_unk_id(spm);
        if (!has_unk && a) {
            char *text = NULL, want[8192];
            size_t w = 0;
            const char *q = a;
            if (strncmp(q, "\xE2\x96\x81", 3) == 0)
                q += 3;
            for (; *q && w + 1 < sizeof want; q++) {
                if (strncmp(q, "\xE2\x96\x81", 3) == 0) {
                    want[w++] = ' ';
                    q += 2;
                } else {
                    want[w++] = *q;
                }
            }
            want[w] = 0;
            tok_decode(spm, ids, n_ids, 0, &text, NULL);
            roundtrips++;
            if (!text || strcmp(text, want) != 0)
                bad_roundtrip++, fprintf(stderr, "roundtrip line %d: \"%s\" want \"%s\"\n", i + 1, text, want);
            free(text);
        }
        free(ids);
        free(a);
        free(b);
        s += n + 1;
    }
    CHECK_INT(i, n_ref);
    CHECK_INT(bad_spm, 0);
    CHECK_INT(bad_json, 0);
    CHECK(roundtrips > 150);
    CHECK_INT(bad_roundtrip, 0);
    free(data);
    free_lines(ref, n_ref);
}

/* Malformed UTF-8: each bad byte is U+FFFD (the charsmap keeps it, T5 has
 * no piece for it, so it becomes <unk>), compared with spm_encode. */
static void test_invalid_utf8(const tok *json, const tok *spm)
{
    char model[512], path[600];
    t5_path(model, sizeof model, "spiece.model");
    snprintf(path, sizeof path, "%s/bad_utf8.txt", g_tmpdir);
    const char bad[] = "x\xffy\xc3\nabc\xe2\x82 def\n\xc0\xaf overlong\n\xed\xa0\x80 surrogate\n\xf4\x90\x80\x80 big\n"
                       "caf\xc3\xa9\xff\xfe\n";
    write_file(path, bad, sizeof bad - 1);
    compare_with_spm_encode(spm, model, path, __LINE__);
    compare_with_spm_encode(json, model, path, __LINE__);
    char *norm = NULL;
    tok_normalize(spm, "x\xffy", 3, 0, &norm, NULL, NULL);
    CHECK(norm && strcmp(norm, "\xE2\x96\x81x\xEF\xBF\xBDy") == 0);
    free(norm);
}

static void test_sentences_vs_spm(const tok *json, const tok *spm)
{
    char model[512];
    t5_path(model, sizeof model, "spiece.model");
    compare_with_spm_encode(spm, model, "tests/data/tok_sentences.txt", __LINE__);
    compare_with_spm_encode(json, model, "tests/data/tok_sentences.txt", __LINE__);
}

/* ---- small hand-made models, checked against spm_encode ---- */

struct pbw {
    unsigned char *p;
    size_t n, cap;
};

static void pbw_raw(struct pbw *w, const void *s, size_t n)
{
    if (w->n + n > w->cap) {
        w->cap = (w->n + n) * 2 + 64;
        w->p = realloc(w->p, w->cap);
    }
    memcpy(w->p + w->n, s, n);
    w->n += n;
}

static void pbw_varint(struct pbw *w, uint64_t v)
{
    unsigned char b[10];
    int k = 0;
    do {
        b[k] = (unsigned char)(v & 0x7F);
        v >>= 7;
        if (v)
            b[k] |= 0x80;
        k++;
    } while (v);
    pbw_raw(w, b, (size_t)k);
}

static void pbw_bytes(struct pbw *w, int field, const void *s, size_t n)
{
    pbw_varint(w, (uint64_t)field << 3 | 2);
    pbw_varint(w, n);
    pbw_raw(w, s, n);
}

static void pbw_int(struct pbw *w, int field, int64_t v)
{
    pbw_varint(w, (uint64_t)field << 3);
    pbw_varint(w, (uint64_t)v);
}

static void pbw_piece(struct pbw *w, const char *piece, float score, int type)
{
    struct pbw sp = {0};
    pbw_bytes(&sp, 1, piece, strlen(piece));
    uint32_t bits;
    memcpy(&bits, &score, 4);
    unsigned char b[5] = {2 << 3 | 5, (unsigned char)bits, (unsigned char)(bits >> 8), (unsigned char)(bits >> 16),
                          (unsigned char)(bits >> 24)};
    pbw_raw(&sp, b, 5);
    if (type != 1)
        pbw_int(&sp, 3, type);
    pbw_bytes(w, 1, sp.p, sp.n);
    free(sp.p);
}

/* A model with byte fallback, user-defined pieces and exact score ties. */
static void write_small_model(const char *path, int model_type, bool with_unk)
{
    struct pbw w = {0};
    if (with_unk)
        pbw_piece(&w, "<unk>", 0, 2);
    pbw_piece(&w, "<s>", 0, 3);
    pbw_piece(&w, "</s>", 0, 3);
    for (int b = 0; b < 256; b++) {
        char name[8];
        snprintf(name, sizeof name, "<0x%02X>", b);
        pbw_piece(&w, name, 0, 6);
    }
    static const struct {
        const char *piece;
        float score;
        int type;
    } normal[] = {
        {"\xE2\x96\x81", -2.0f, 1}, {"a", -3.0f, 1}, {"b", -3.0f, 1}, {"ab", -6.0f, 1}, /* tie: ab = a + b */
        {"\xE2\x96\x81" "ab", -5.5f, 1}, {"c", -4.0f, 1}, {"\xE2\x96\x81" "c", -4.5f, 1}, {"bc", -6.5f, 1},
        {"abc", -7.0f, 1}, {"\xC3\xA9", -5.0f, 1}, {"[MASK]", 0.0f, 4}, {"d", -8.25f, 5}, {"e", -3.5f, 1},
        {"ee", -7.0f, 1}, {"eee", -10.5f, 1}, /* three-way tie */
        {"x", -9.0f, 1}, {"xy", -9.5f, 1}, {"y", -2.0f, 1},
    };
    for (size_t i = 0; i < sizeof normal / sizeof *normal; i++)
        pbw_piece(&w, normal[i].piece, normal[i].score, normal[i].type);
    struct pbw tr = {0};
    pbw_int(&tr, 3, model_type);
    pbw_int(&tr, 4, (int64_t)(w.n ? 280 : 0));
    pbw_int(&tr, 35, 1);
    pbw_int(&tr, 40, 0);
    pbw_int(&tr, 41, 1);
    pbw_int(&tr, 42, 2);
    pbw_int(&tr, 43, -1); /* ten-byte varint */
    pbw_bytes(&w, 2, tr.p, tr.n);
    struct pbw nz = {0};
    pbw_bytes(&nz, 1, "identity", 8);
    pbw_int(&nz, 3, 1);
    pbw_int(&nz, 4, 1);
    pbw_int(&nz, 5, 1);
    pbw_bytes(&w, 3, nz.p, nz.n);
    write_file(path, w.p, w.n);
    free(w.p);
    free(tr.p);
    free(nz.p);
}

static void test_small_models(void)
{
    char model[600], input[600];
    struct pl_err e = {0};
    snprintf(model, sizeof model, "%s/small.model", g_tmpdir);
    write_small_model(model, 1, true);
    tok *t = NULL;
    CHECKF(tok_load_spm(model, 0, &t, &e) == 0, "%s", e.msg);
    if (!t)
        return;
    CHECK_INT(tok_unk_id(t), 0);
    CHECK_INT(tok_eos_id(t), 2);
    CHECK_INT(tok_pad_id(t), -1);
    CHECK_INT(tok_kind(t, 3), TOK_KIND_BYTE);
    CHECK_INT(tok_kind(t, tok_id(t, "[MASK]")), TOK_KIND_USER_DEFINED);
    CHECK_INT(tok_kind(t, tok_id(t, "d")), TOK_KIND_UNUSED);
    snprintf(input, sizeof input, "%s/small.txt", g_tmpdir);
    const char *text = "ab\nab ab\nabc abc\nb c\ncab\n\xC3\xA9\xC3\xA9\n\xC3\xB1\n\xE4\xB8\xAD\xE6\x96\x87 ab\n"
                       "a[MASK]b\n[MASK][MASK]\n[MAS\nd\ndd ab\neee\neeeeee\nxy\nxyy\n  a  b  \n\n"
                       "z\xF0\x9F\x98\x80z\n\xff\n";
    write_file(input, text, strlen(text));
    compare_with_spm_encode(t, model, input, __LINE__);
    /* Byte fallback: each byte of an unknown character is its <0xHH> piece,
     * and decoding puts the bytes back together. */
    ENC(t, "\xC3\xB1", 0, "259 198 180"); /* U+2581, then <0xC3> <0xB1> */
    int *ids = NULL, n = 0;
    char *back = NULL;
    tok_encode(t, "ab \xE4\xB8\xAD\xC3\xB1", 8, 0, &ids, &n, NULL);
    tok_decode(t, ids, n, 0, &back, NULL);
    CHECKF(back && strcmp(back, "ab \xE4\xB8\xAD\xC3\xB1") == 0, "got \"%s\"", back ? back : "");
    free(back);
    free(ids);
    /* A broken byte run decodes to U+FFFD per bad byte. */
    int broken[3] = {3 + 0xE4, 3 + 0xB8, tok_id(t, "a")};
    back = NULL;
    tok_decode(t, broken, 3, 0, &back, NULL);
    CHECKF(back && strcmp(back, "\xEF\xBF\xBD\xEF\xBF\xBD" "a") == 0, "got \"%s\"", back ? back : "");
    free(back);
    tok_free(t);

    /* Model-level errors. */
    write_small_model(model, 2, true);
    t = NULL;
    expect_load_error(tok_load_spm(model, 0, &t, &e), &e, PL_EFORMAT, model, "BPE", __LINE__);
    write_small_model(model, 1, false);
    expect_load_error(tok_load_spm(model, 0, &t, &e), &e, PL_EFORMAT, model, "UNKNOWN", __LINE__);
    /* A score that is NaN or infinite (protobuf floats can be). A NaN one
     * used to load, and tok_save_json then wrote a tokenizer.json with a
     * null score that tok_load_json refused (found by fuzz_spiece;
     * tests/data/fuzz-regress/spiece/nan-score.model). */
    const float bad_score[2] = {-INFINITY, NAN};
    const char *const bad_name[2] = {"piece 2 has score -inf", "piece 2 has score nan"};
    for (int k = 0; k < 2; k++) {
        struct pbw w = {0};
        pbw_piece(&w, "<unk>", 0, 2);
        pbw_piece(&w, "a", -1.0f, 1);
        pbw_piece(&w, "b", bad_score[k], 1);
        write_file(model, w.p, w.n);
        free(w.p);
        expect_load_error(tok_load_spm(model, 0, &t, &e), &e, PL_EFORMAT, model, bad_name[k], __LINE__);
    }
    CHECK(t == NULL);
}

int main(void)
{
    snprintf(g_tmpdir, sizeof g_tmpdir, "%s/promptlab-tok-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(g_tmpdir)) {
        fprintf(stderr, "cannot create a temporary directory\n");
        return 1;
    }
    char jpath[512], spath[512];
    t5_path(jpath, sizeof jpath, "tokenizer.json");
    t5_path(spath, sizeof spath, "spiece.model");
    tok *json = NULL, *spm = NULL, *spm100 = NULL;
    struct pl_err e = {0};
    int rc = tok_load_json(jpath, &json, &e);
    CHECKF(rc == 0, "%s (set TESTDATA to the folder holding t5/)", e.msg);
    rc = tok_load_spm(spath, 0, &spm, &e);
    CHECKF(rc == 0, "%s", e.msg);
    rc = tok_load_spm(spath, 100, &spm100, &e);
    CHECKF(rc == 0, "%s", e.msg);
    if (json && spm && spm100) {
        test_readme_examples(json, spm, spm100);
        test_specials(json, spm, spm100);
        test_metadata(json, spm, spm100);
        test_decode(json, spm100);
        test_normalizer_vs_spm(json, spm);
        test_invalid_utf8(json, spm);
        test_sentences_vs_spm(json, spm);
        test_load_dir();
        test_load_errors();
        test_json_variants();
    }
    test_small_models();
    tok_free(spm100);
    tok_free(spm);
    tok_free(json);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", g_tmpdir);
    TEST_END();
}
