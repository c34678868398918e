/* test_tui_data.c - the TUI's file helpers without a terminal: hard prompt
 * presets in every accepted layout (one JSON object per file, JSON lines,
 * an array, plain text), the sample set's language, the built-in samples,
 * directory listings for the picker, the XDG data directory, export paths,
 * UTF-8-safe copying, soft prompt loading and fitting footers to a width. */
#include "test.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/tui_impl.h"

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static int find(const struct tui_preset *p, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(p[i].name, name) == 0)
            return i;
    return -1;
}

static void test_presets(const char *dir)
{
    char pd[1024];
    snprintf(pd, sizeof pd, "%s/prompts", dir);
    mkdir(pd, 0755);
    write_file(pd, "literal-vi.json",
               "{\"name\": \"literal Vietnamese\", \"template\": \"translate English to Vietnamese: {source}\","
               " \"task\": \"translate\", \"lang\": \"vi\", \"note\": \"word for word\"}\n");
    write_file(pd, "more.jsonl",
               "{\"name\": \"a\", \"prompt\": \"A: {source}\"}\n\n"
               "not json\n"
               "{\"text\": \"B {source}\"}\n");
    write_file(pd, "list.json", "[{\"name\": \"c\", \"template\": \"C\"}, {\"name\": \"no text\"}]");
    write_file(pd, "plain.txt", "  Say it in French:\n{source}\n\n");
    write_file(pd, "empty.txt", "  \n");
    write_file(pd, "bad.json", "{\"name\": \"bad\", \"template\": \"\xff\xfe\"}");
    write_file(pd, "ignored.md", "# not a preset");
    char sub[1100];
    snprintf(sub, sizeof sub, "%s/soft", pd);
    mkdir(sub, 0755);
    write_file(sub, "adapter_config.json", "{}");

    struct tui_preset p[TUI_MAX_PRESETS];
    int n = 0;
    int added = tui_presets_load(pd, p, &n, TUI_MAX_PRESETS);
    CHECK_INT(added, n);
    CHECK_INT(n, 5);
    int i = find(p, n, "literal Vietnamese");
    CHECK(i >= 0);
    if (i >= 0) {
        CHECK_STR(p[i].text, "translate English to Vietnamese: {source}");
        CHECK_STR(p[i].task, "translate");
        CHECK_STR(p[i].lang, "vi");
        CHECK_STR(p[i].note, "word for word");
        CHECK_STR(p[i].origin, "literal-vi.json");
    }
    i = find(p, n, "a");
    CHECK(i >= 0 && strcmp(p[i].text, "A: {source}") == 0);
    i = find(p, n, "line 4"); /* unnamed JSON line: named by its line */
    CHECK(i >= 0 && strcmp(p[i].text, "B {source}") == 0);
    i = find(p, n, "c");
    CHECK(i >= 0 && strcmp(p[i].text, "C") == 0);
    i = find(p, n, "plain"); /* a text file: trimmed, named by the file */
    CHECK(i >= 0 && strcmp(p[i].text, "Say it in French:\n{source}") == 0);
    CHECK(find(p, n, "bad") < 0);
    tui_presets_free(p, n);

    /* the cap is respected */
    n = 0;
    CHECK_INT(tui_presets_load(pd, p, &n, 2), 2);
    CHECK_INT(n, 2);
    tui_presets_free(p, n);
    n = 0;
    CHECK_INT(tui_presets_load("/nonexistent/dir", p, &n, 4), 0);
}

static void test_samples(const char *dir)
{
    struct jsonl_set s = {0};
    struct pl_err e = {0};
    CHECKF(tui_samples_builtin(&s, &e) == 0, "%s", e.msg);
    CHECK(s.n >= 4);
    int idioms = 0;
    for (int i = 0; i < s.n; i++)
        idioms += s.rec[i].literal != NULL;
    CHECK(idioms >= 1);
    jsonl_free(&s);

    char path[1024], lang[8];
    snprintf(path, sizeof path, "%s/s.jsonl", dir);
    write_file(dir, "s.jsonl", "\n{\"source\": \"a\", \"target\": \"b\", \"lang\": \"fr\"}\n");
    tui_samples_lang(path, lang, sizeof lang);
    CHECK_STR(lang, "fr");
    write_file(dir, "s2.jsonl", "{\"source\": \"a\", \"target\": \"b\"}\n");
    snprintf(path, sizeof path, "%s/s2.jsonl", dir);
    tui_samples_lang(path, lang, sizeof lang);
    CHECK_STR(lang, "");
    tui_samples_lang("/nonexistent.jsonl", lang, sizeof lang);
    CHECK_STR(lang, "");
}

static void test_paths(const char *dir)
{
    char **v = NULL;
    int n = 0;
    CHECK(tui_list_paths(dir, ".jsonl", false, NULL, &v, &n) == 0);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_STR(tui_basename(v[0]), "s.jsonl"); /* sorted */
        CHECK_STR(tui_basename(v[1]), "s2.jsonl");
    }
    tui_paths_free(v, n);
    char pd[1024];
    snprintf(pd, sizeof pd, "%s/prompts", dir);
    CHECK(tui_list_paths(pd, NULL, true, "adapter_config.json", &v, &n) == 0);
    CHECK_INT(n, 1);
    tui_paths_free(v, n);
    CHECK(tui_list_paths("/nonexistent", NULL, false, NULL, &v, &n) != 0);
    CHECK_INT(n, 0);

    CHECK_STR(tui_basename("/a/b/c.jsonl"), "c.jsonl");
    CHECK_STR(tui_basename("/a/b/dir/"), "dir/");
    CHECK_STR(tui_basename("plain"), "plain");
    CHECK_STR(tui_basename(""), "");

    /* XDG_DATA_HOME decides where runs and exports go; the directory is made */
    char xdg[1024], buf[2048];
    snprintf(xdg, sizeof xdg, "%s/xdg", dir);
    setenv("XDG_DATA_HOME", xdg, 1);
    CHECK(tui_data_home("runs", buf, sizeof buf, NULL) == 0);
    char want[2048];
    snprintf(want, sizeof want, "%s/promptlab/runs", xdg);
    CHECK_STR(buf, want);
    struct stat st;
    CHECK(stat(want, &st) == 0 && S_ISDIR(st.st_mode));
    setenv("XDG_DATA_HOME", "relative/ignored", 1); /* the spec wants an absolute path */
    setenv("HOME", dir, 1);
    CHECK(tui_data_home("runs", buf, sizeof buf, NULL) == 0);
    snprintf(want, sizeof want, "%s/.local/share/promptlab/runs", dir);
    CHECK_STR(buf, want);
    CHECK(tui_data_home("runs", buf, 8, NULL) == PL_ERANGE);

    char cwd[1024];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK(chdir(dir) == 0);
    setenv("XDG_DATA_HOME", xdg, 1);
    CHECK(tui_export_path("promptlab-chart", ".svg", buf, sizeof buf, NULL) == 0);
    /* never the current directory: XDG_DATA_HOME/promptlab/exports/prefix-STAMP.ext */
    snprintf(want, sizeof want, "%s/promptlab/exports/promptlab-chart-", xdg);
    CHECKF(strncmp(buf, want, strlen(want)) == 0, "%s", buf);
    CHECK(strlen(buf) > 4 && strcmp(buf + strlen(buf) - 4, ".svg") == 0);
    snprintf(want, sizeof want, "%s/promptlab/exports", xdg);
    CHECK(stat(want, &st) == 0 && S_ISDIR(st.st_mode));
    CHECK(chdir(cwd) == 0);

    write_file(dir, "bytes", "12345");
    snprintf(buf, sizeof buf, "%s/bytes", dir);
    CHECK_INT(tui_path_bytes(buf), 5);
    CHECK_INT(tui_path_bytes("/nonexistent"), -1);
}

static void test_short_path(void)
{
    char b[256];
    setenv("HOME", "/home/ana", 1);
    tui_short_path("/home/ana/.local/share/promptlab/exports/x.svg", 80, b, sizeof b);
    CHECK_STR(b, "~/.local/share/promptlab/exports/x.svg");
    tui_short_path("/home/anabel/x.svg", 80, b, sizeof b);
    CHECK_STR(b, "/home/anabel/x.svg"); /* only a whole $HOME component */
    tui_short_path("/home/ana/.local/share/promptlab/exports/x.svg", 20, b, sizeof b);
    CHECK_STR(b, "…ptlab/exports/x.svg"); /* 20 columns: the ellipsis and the last 19 */
    tui_short_path("/tmp/x.svg", 20, b, sizeof b);
    CHECK_STR(b, "/tmp/x.svg");
}

static void test_copy(void)
{
    char b[6];
    tui_copy(b, sizeof b, "abc");
    CHECK_STR(b, "abc");
    tui_copy(b, sizeof b, "abcdefgh");
    CHECK_STR(b, "abcde");
    /* "aaaế": the 3-byte ế does not fit in 2 bytes and is not cut in half */
    tui_copy(b, sizeof b, "aaa\xe1\xba\xbf");
    CHECK_STR(b, "aaa");
    tui_copy(b, sizeof b, NULL);
    CHECK_STR(b, "");
}

static void test_soft_load(const char *dir)
{
    struct soft_prompt p;
    struct pl_err e = {0};
    CHECK(soft_prompt_init(&p, 3, 8, &e) == 0);
    soft_fill_random(&p, 7);
    char sd[1024];
    snprintf(sd, sizeof sd, "%s/prompt", dir);
    CHECKF(soft_save(sd, &p, NULL, &e) == 0, "%s", e.msg);
    struct tui_soft s;
    CHECKF(tui_soft_load(sd, 8, &s, &e) == 0, "%s", e.msg);
    CHECK_INT(s.p.n_tokens, 3);
    CHECK(s.has_initial); /* saved by promptlab: rows N..2N-1 are the initial values */
    CHECK(memcmp(s.p.w0, p.w0, sizeof(float) * 24) == 0);
    CHECK(s.file_bytes > 0);
    CHECK_STR(s.name, "prompt");
    CHECK(memcmp(s.p.w, p.w, sizeof(float) * 24) == 0);
    soft_prompt_free(&s.p);
    CHECK(tui_soft_load(sd, 16, &s, &e) != 0); /* another model width */
    CHECK(strstr(e.msg, "16") != NULL);
    soft_prompt_free(&p);
}

/* Footers keep the longest prefix of whole items that fits: the most
 * important keys come first and the rest is dropped from the end. */
static void test_footer_fit(void)
{
    const char *k = "? help\tq quit\tr run\tv full text";
    /* "? help  q quit  r run  v full text" is 34 columns */
    CHECK_INT(tui_footer_fit(k, 34), strlen(k));
    CHECK_INT(tui_footer_fit(k, 33), strlen("? help\tq quit\tr run"));
    CHECK_INT(tui_footer_fit(k, 21), strlen("? help\tq quit\tr run"));
    CHECK_INT(tui_footer_fit(k, 20), strlen("? help\tq quit"));
    CHECK_INT(tui_footer_fit(k, 5), 0);
    CHECK_INT(tui_footer_fit("", 80), 0);
    /* a short item after one that does not fit is dropped too */
    CHECK_INT(tui_footer_fit("? help\tEnter/e edit a long one\tq quit", 20), strlen("? help"));
}

int main(void)
{
    test_footer_fit();
    char dir[] = "/tmp/pl_tui_data_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    test_presets(dir);
    test_samples(dir);
    test_paths(dir);
    test_copy();
    test_short_path();
    test_soft_load(dir);
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    TEST_END();
}
