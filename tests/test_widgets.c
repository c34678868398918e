/* test_widgets.c - the TUI widgets without a terminal: sanitiser, widths,
 * fitting, the editor, chart ranges/ticks/rasterisation, table layout and
 * lists, the SVG/Markdown/CSV exports, and (when a terminfo entry exists)
 * the ncurses draw functions on an off-screen terminal. */
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include "test.h"

#include <dirent.h>
#include <locale.h>
#include <ncurses.h>
#include <stdlib.h>
#include <unistd.h>
#include <wchar.h>

#include "promptlab/core.h"
#include "promptlab/widgets.h"

static char tmpdir[64];

/* ---- helpers ------------------------------------------------------------ */

static char *san(const char *s, unsigned flags)
{
    static char buf[1024];
    ui_text_sanitise(buf, sizeof buf, s, strlen(s), flags);
    return buf;
}

static int width(const char *s)
{
    return ui_text_width(s, strlen(s));
}

static char *fit(const char *s, int w, enum ui_align a, unsigned flags)
{
    static char buf[512];
    int cols = ui_text_fit(buf, sizeof buf, s, strlen(s), w, a, flags);
    CHECKF(cols == (w > 0 ? w : 0), "fit(\"%s\", %d) wrote %d columns", s, w, cols);
    CHECKF(width(buf) == cols, "fit(\"%s\", %d) is %d wide, said %d", s, w, width(buf), cols);
    return buf;
}

/* No C0 control (except '\n' when allowed), no DEL, no C1, valid UTF-8. */
static bool terminal_safe(const char *s, bool newlines)
{
    size_t n = strlen(s);
    if (!pl_utf8_valid(s, n))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && !(newlines && c == '\n')) || c == 0x7F)
            return false;
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
            (unsigned char)s[i + 1] <= 0x9F)
            return false;
    }
    return true;
}

static char *read_back(const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    char *data = NULL;
    size_t len;
    if (pl_read_file(path, &data, &len, NULL) != 0)
        return NULL;
    return data;
}

static const char *tmp_path(const char *name)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* ---- UTF-8 and sanitising ----------------------------------------------- */

static void test_decode(void)
{
    uint32_t cp;
    CHECK(ui_utf8_decode("A", 1, &cp) == 1 && cp == 'A');
    CHECK(ui_utf8_decode("\xC3\xA0", 2, &cp) == 2 && cp == 0xE0);
    CHECK(ui_utf8_decode("\xE6\x97\xA5", 3, &cp) == 3 && cp == 0x65E5);
    CHECK(ui_utf8_decode("\xF0\x9F\x98\x80", 4, &cp) == 4 && cp == 0x1F600);
    /* invalid: overlong, surrogate, above U+10FFFF, lone continuation,
     * truncated sequences consume their valid prefix only */
    CHECK(ui_utf8_decode("\xC0\x80", 2, &cp) == 1 && cp == 0xFFFD);
    CHECK(ui_utf8_decode("\xED\xA0\x80", 3, &cp) == 1 && cp == 0xFFFD);
    CHECK(ui_utf8_decode("\xF4\x90\x80\x80", 4, &cp) == 1 && cp == 0xFFFD);
    CHECK(ui_utf8_decode("\x80", 1, &cp) == 1 && cp == 0xFFFD);
    CHECK(ui_utf8_decode("\xE6\x97x", 3, &cp) == 2 && cp == 0xFFFD);
    CHECK(ui_utf8_decode("\xE6\x97\xA5", 2, &cp) == 2 && cp == 0xFFFD);
    CHECK(ui_utf8_decode("", 0, &cp) == 0);
    char b[4];
    uint32_t samples[] = {0x41, 0x7FF, 0x800, 0xFFFF, 0x10000, 0x10FFFF};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        size_t n = ui_utf8_encode(samples[i], b);
        CHECK(ui_utf8_decode(b, n, &cp) == n && cp == samples[i]);
    }
    CHECK(ui_utf8_encode(0xD800, b) == 3 && memcmp(b, "\xEF\xBF\xBD", 3) == 0);
}

static void test_sanitise(void)
{
    /* ESC: the picture, the rest of the sequence as harmless text */
    CHECK_STR(san("a\x1b[31mred\x1b[0m", 0), "a\xE2\x90\x9B[31mred\xE2\x90\x9B[0m");
    CHECK_STR(san("ding\a", 0), "ding\xE2\x90\x87");       /* BEL -> U+2407 */
    CHECK_STR(san("x\ry", 0), "x\xE2\x90\x8Dy");           /* CR -> U+240D */
    CHECK_STR(san("x\ny", 0), "x\xE2\x90\x8Ay");           /* LF -> U+240A */
    CHECK_STR(san("a\x7f", 0), "a\xE2\x90\xA1");           /* DEL -> U+2421 */
    CHECK_STR(san("\xC2\x9B" "31m", 0), "\xEF\xBF\xBD" "31m"); /* C1 CSI -> U+FFFD */
    CHECK_STR(san("\xC2\x85", 0), "\xEF\xBF\xBD");         /* C1 NEL */
    CHECK_STR(san("bad\xff\xfe!", 0), "bad\xEF\xBF\xBD\xEF\xBF\xBD!");
    CHECK_STR(san("cut\xE6\x97", 0), "cut\xEF\xBF\xBD");   /* one U+FFFD for a truncated char */
    CHECK_STR(san("a\tb", 0), "a       b");                /* tab to column 8 */
    CHECK_STR(san("abcdefgh\tX", 0), "abcdefgh        X");
    CHECK_STR(san("ab\n\tc", UI_TEXT_NEWLINES), "ab\n        c"); /* tab stops restart per line */
    CHECK_STR(san("1\r\n2\r3\n4", UI_TEXT_NEWLINES), "1\n2\n3\n4");
    CHECK_STR(san("Xin chào thế giới", 0), "Xin chào thế giới");
    CHECK_STR(san("\xe2\x80\xa8", 0), "\xEF\xBF\xBD");     /* line separator */
    /* ASCII terminals: everything unsafe or non-ASCII becomes '?' */
    CHECK_STR(san("\x1b[1m\xff\xC2\x9B", UI_TEXT_ASCII), "?[1m??");
    CHECK_STR(san("cafe\xCC\x81 日", UI_TEXT_ASCII), "cafe ??"); /* widths kept */
    /* the result length is reported even when the buffer is too small */
    char small[5];
    size_t need = ui_text_sanitise(small, sizeof small, "ab\x1b" "cd", 5, 0);
    CHECK(need == 7);
    CHECK_STR(small, "ab"); /* the 3-byte picture did not fit: cut before it */
    char *dup = ui_text_sanitise_dup("\x1b", 1, 0);
    CHECK(dup && strcmp(dup, "\xE2\x90\x9B") == 0);
    free(dup);

    /* every single byte and random byte soup comes out terminal-safe */
    for (int c = 0; c < 256; c++) {
        char in[2] = {(char)c, 0};
        char out[16];
        ui_text_sanitise(out, sizeof out, in, 1, 0);
        CHECKF(terminal_safe(out, false), "byte 0x%02x", c);
    }
    struct pl_rng rng;
    pl_rng_seed(&rng, 7);
    int unsafe = 0;
    for (int t = 0; t < 2000; t++) {
        char in[24], out[24 * 8 + 1];
        size_t n = 1 + pl_rng_below(&rng, sizeof in);
        for (size_t i = 0; i < n; i++)
            in[i] = (char)pl_rng_below(&rng, 256);
        unsigned flags = t % 2 ? UI_TEXT_NEWLINES : 0;
        size_t need2 = ui_text_sanitise(out, sizeof out, in, n, flags);
        if (need2 >= sizeof out || !terminal_safe(out, flags & UI_TEXT_NEWLINES))
            unsafe++;
    }
    CHECK_INT(unsafe, 0);
}

/* ---- widths, fitting, slicing ------------------------------------------- */

static void test_widths(void)
{
    CHECK_INT(width("Xin chào thế giới"), 17);                  /* precomposed */
    CHECK_INT(width("Xin cha\xCC\x80o the\xCC\x82\xCC\x81 gio\xCC\x9B\xCC\x81i"), 17); /* combining */
    CHECK_INT(width("Tiếng Việt có dấu: ạ ặ ữ ỹ đ"), 28);
    CHECK_INT(width("日本語"), 6);
    CHECK_INT(width("한국어"), 6);
    CHECK_INT(width("中文abc"), 7);
    CHECK_INT(width("ＡＢ"), 4);                                /* fullwidth forms */
    CHECK_INT(width("\xF0\x9F\x98\x80"), 2);                    /* emoji */
    CHECK_INT(width("e\xCC\x81"), 1);
    CHECK_INT(width("a\xE2\x80\x8B" "b"), 2);                   /* zero-width space */
    CHECK_INT(width("\x1b[0m"), 4);                             /* ESC shown as one picture */
    CHECK_INT(width("a\tb"), 9);
    CHECK_INT(ui_cp_width(0x0301), 0);
    CHECK_INT(ui_cp_width(0x20DD), 0);  /* enclosing mark */
    CHECK_INT(ui_cp_width(0x00AD), 1);  /* soft hyphen shows */
    CHECK_INT(ui_cp_width(0x1160), 0);  /* Hangul medial vowel */
    CHECK_INT(ui_cp_width(0x4E00), 2);
    CHECK_INT(ui_cp_width(0x20000), 2); /* CJK extension B */
    CHECK_INT(ui_cp_width(0x1F680), 2);
    CHECK_INT(ui_cp_width(0x1B), -1);
    CHECK_INT(ui_cp_width(0x9B), -1);
    CHECK_INT(ui_cp_width(0x2028), -1);
    CHECK_INT(ui_cp_width(0x110000), -1);
    CHECK_INT(ui_cp_width(0), 0);

    /* Reference: glibc's wcwidth in C.UTF-8, over blocks whose widths have
     * been stable for many Unicode versions. */
    if (setlocale(LC_CTYPE, "C.UTF-8")) {
        static const uint32_t blocks[][2] = {
            {0x20, 0x7E}, {0xA0, 0x7FF}, {0x1E00, 0x1EFF}, {0x2000, 0x206F},
            {0x3040, 0x30FF}, {0x4E00, 0x9FFF}, {0xAC00, 0xD7A3}, {0xFF00, 0xFFEF},
            {0x1F600, 0x1F64F},
        };
        int bad = 0, checked = 0;
        for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++)
            for (uint32_t cp = blocks[b][0]; cp <= blocks[b][1]; cp++) {
                int ref = wcwidth((wchar_t)cp);
                if (ref < 0)
                    continue; /* unassigned here */
                checked++;
                if (ui_cp_width(cp) != ref && bad++ < 5)
                    fprintf(stderr, "U+%04X: wcwidth %d, ours %d\n", cp, ref, ui_cp_width(cp));
            }
        CHECK(checked > 30000);
        CHECK_INT(bad, 0);
        setlocale(LC_CTYPE, "C");
    } else {
        fprintf(stderr, "note: no C.UTF-8 locale, wcwidth cross-check skipped\n");
    }
}

static void test_fit(void)
{
    CHECK_STR(fit("hello world", 8, UI_ALIGN_LEFT, 0), "hello w\xE2\x80\xA6");
    CHECK_STR(fit("hello world", 8, UI_ALIGN_LEFT, UI_TEXT_ASCII), "hello w~");
    CHECK_STR(fit("hello", 5, UI_ALIGN_LEFT, 0), "hello");
    CHECK_STR(fit("abc", 5, UI_ALIGN_RIGHT, 0), "  abc");
    CHECK_STR(fit("abc", 6, UI_ALIGN_CENTER, 0), " abc  ");
    CHECK_STR(fit("abc", 5, UI_ALIGN_LEFT, 0), "abc  ");
    CHECK_STR(fit("日本語", 5, UI_ALIGN_LEFT, 0), "日本\xE2\x80\xA6");
    CHECK_STR(fit("日本語", 4, UI_ALIGN_LEFT, 0), "日\xE2\x80\xA6 "); /* no half characters */
    CHECK_STR(fit("日本語", 4, UI_ALIGN_RIGHT, 0), " 日\xE2\x80\xA6");
    CHECK_STR(fit("Xin chào thế giới", 10, UI_ALIGN_LEFT, 0), "Xin chào \xE2\x80\xA6");
    CHECK_STR(fit("the\xCC\x82\xCC\x81 gio\xCC\x9B\xCC\x81i", 4, UI_ALIGN_LEFT, 0),
              "the\xCC\x82\xCC\x81\xE2\x80\xA6"); /* marks stay with their letter */
    CHECK_STR(fit("a\x1b" "b", 3, UI_ALIGN_LEFT, 0), "a\xE2\x90\x9B" "b");
    CHECK_STR(fit("two\nlines", 9, UI_ALIGN_LEFT, UI_TEXT_NEWLINES), "two\xE2\x90\x8Alines");
    CHECK_STR(fit("x", 1, UI_ALIGN_LEFT, 0), "x");
    CHECK_STR(fit("xy", 1, UI_ALIGN_LEFT, 0), "\xE2\x80\xA6");
    CHECK_STR(fit("anything", 0, UI_ALIGN_LEFT, 0), "");

    char buf[64];
    CHECK_INT(ui_text_slice(buf, sizeof buf, "日本語abc", strlen("日本語abc"), 1, 4, 0), 4);
    CHECK_STR(buf, " 本 ");
    ui_text_slice(buf, sizeof buf, "abcdef", 6, 2, 6, 0);
    CHECK_STR(buf, "cdef  ");
    ui_text_slice(buf, sizeof buf, "e\xCC\x81xyz", 6, 0, 2, 0);
    CHECK_STR(buf, "e\xCC\x81x");

    int at;
    const char *s = "a日b";
    CHECK(ui_text_offset_at(s, strlen(s), 2, &at) == 1 && at == 1);
    CHECK(ui_text_offset_at(s, strlen(s), 3, &at) == 4 && at == 3);
    CHECK(ui_text_offset_at(s, strlen(s), 99, &at) == 5 && at == 4);
    CHECK(ui_text_offset_at("e\xCC\x81x", 4, 1, &at) == 3 && at == 1);
}

/* ---- editor ------------------------------------------------------------- */

static const char *text(const struct ui_editor *ed)
{
    return ui_editor_text(ed, NULL);
}

static void keys(struct ui_editor *ed, enum ui_key k, int times)
{
    for (int i = 0; i < times; i++)
        ui_editor_key(ed, k, 0);
}

static void type(struct ui_editor *ed, const char *s)
{
    size_t i = 0, n = strlen(s);
    while (i < n) {
        uint32_t cp;
        i += ui_utf8_decode(s + i, n - i, &cp);
        ui_editor_key(ed, UI_KEY_CHAR, cp);
    }
}

static void test_editor_basics(void)
{
    struct ui_editor ed;
    ui_editor_init(&ed, 0);
    CHECK_STR(text(&ed), "");
    CHECK_INT(ui_editor_n_lines(&ed), 1);
    type(&ed, "hello");
    CHECK_STR(text(&ed), "hello");
    CHECK_INT(ed.cur, 5);
    CHECK_INT(ui_editor_key(&ed, UI_KEY_BACKSPACE, 0), UI_CHANGED);
    CHECK_STR(text(&ed), "hell");

    /* backspace over multi-byte characters, precomposed and combining */
    ui_editor_set_text(&ed, "chào", strlen("chào"));
    keys(&ed, UI_KEY_BACKSPACE, 1);
    CHECK_STR(text(&ed), "chà");
    keys(&ed, UI_KEY_BACKSPACE, 1);
    CHECK_STR(text(&ed), "ch");
    ui_editor_set_text(&ed, "xa\xCC\x80", 4);
    keys(&ed, UI_KEY_BACKSPACE, 1);
    CHECK_STR(text(&ed), "x");

    /* left over a wide character, insert in the middle, delete forward */
    ui_editor_set_text(&ed, "日本", strlen("日本"));
    CHECK_INT(ui_editor_key(&ed, UI_KEY_LEFT, 0), 0);
    CHECK_INT(ed.cur, 3);
    type(&ed, "x");
    CHECK_STR(text(&ed), "日x本");
    int col;
    ui_editor_cursor(&ed, NULL, NULL, &col);
    CHECK_INT(col, 3);
    keys(&ed, UI_KEY_HOME, 1);
    CHECK_INT(ui_editor_key(&ed, UI_KEY_DELETE, 0), UI_CHANGED);
    CHECK_STR(text(&ed), "x本");
    keys(&ed, UI_KEY_END, 1);
    CHECK_INT(ui_editor_key(&ed, UI_KEY_DELETE, 0), 0); /* nothing after the end */

    /* controls are not typed; cleaned input */
    CHECK_INT(ui_editor_key(&ed, UI_KEY_CHAR, 0x1B), UI_IGNORED);
    CHECK_INT(ui_editor_key(&ed, UI_KEY_CHAR, 0x9B), UI_IGNORED);
    CHECK_INT(ui_editor_key(&ed, UI_KEY_CHAR, 0xD800), UI_IGNORED);
    CHECK_STR(text(&ed), "x本");
    CHECK(ui_editor_set_text(&ed, "a\x1b[1mb\xff", 7) == 0);
    CHECK_STR(text(&ed), "a[1mb\xEF\xBF\xBD");
    ui_editor_free(&ed);
    ui_editor_free(&ed);
    ui_editor_free(NULL);
}

static void test_editor_words(void)
{
    struct ui_editor ed;
    ui_editor_init(&ed, 0);
    const char *s = "hello world  foo_bar, baz";
    ui_editor_set_text(&ed, s, strlen(s));
    keys(&ed, UI_KEY_WORD_LEFT, 1);
    CHECK_INT(ed.cur, strstr(s, "baz") - s);
    keys(&ed, UI_KEY_WORD_LEFT, 1);
    CHECK_INT(ed.cur, strstr(s, "foo_bar") - s);
    keys(&ed, UI_KEY_DOC_START, 1);
    keys(&ed, UI_KEY_WORD_RIGHT, 1);
    CHECK_INT(ed.cur, 5);
    keys(&ed, UI_KEY_WORD_RIGHT, 1);
    CHECK_INT(ed.cur, 11);
    keys(&ed, UI_KEY_WORD_RIGHT, 1);
    CHECK_INT(ed.cur, strstr(s, ",") - s);

    /* letters of any script are word characters; motions cross lines */
    const char *v = "Xin chào thế\ngiới";
    ui_editor_set_text(&ed, v, strlen(v));
    keys(&ed, UI_KEY_DOC_START, 1);
    keys(&ed, UI_KEY_WORD_RIGHT, 2);
    CHECK_INT(ed.cur, strstr(v, " thế") - v);
    keys(&ed, UI_KEY_WORD_RIGHT, 2);
    CHECK_INT(ed.cur, strlen(v));
    keys(&ed, UI_KEY_WORD_LEFT, 2);
    CHECK_INT(ed.cur, strstr(v, "thế") - v);

    /* Ctrl-W deletes back to whitespace, Alt-d forward to the word end */
    const char *t = "translate English to Vietnamese: {source}";
    ui_editor_set_text(&ed, t, strlen(t));
    CHECK_INT(ui_editor_key(&ed, UI_KEY_KILL_WORD_BACK, 0), UI_CHANGED);
    CHECK_STR(text(&ed), "translate English to Vietnamese: ");
    keys(&ed, UI_KEY_KILL_WORD_BACK, 1);
    CHECK_STR(text(&ed), "translate English to ");
    keys(&ed, UI_KEY_YANK, 1);
    CHECK_STR(text(&ed), "translate English to Vietnamese: ");
    keys(&ed, UI_KEY_DOC_START, 1);
    keys(&ed, UI_KEY_KILL_WORD_FORWARD, 1);
    CHECK_STR(text(&ed), " English to Vietnamese: ");
    ui_editor_free(&ed);
}

static void test_editor_lines(void)
{
    struct ui_editor ed;
    ui_editor_init(&ed, 0);
    /* paste of several lines at the cursor */
    ui_editor_set_text(&ed, "ab", 2);
    keys(&ed, UI_KEY_LEFT, 1);
    CHECK_INT(ui_editor_insert(&ed, "1\r\n2\n3", 6), 1);
    CHECK_STR(text(&ed), "a1\n2\n3b");
    int line;
    size_t byte;
    ui_editor_cursor(&ed, &line, &byte, NULL);
    CHECK(line == 2 && byte == 1);
    CHECK_INT(ui_editor_n_lines(&ed), 3);
    size_t len;
    const char *l1 = ui_editor_line(&ed, 1, &len);
    CHECK(l1 && len == 1 && l1[0] == '2');
    CHECK(ui_editor_line(&ed, 3, &len) == NULL);

    /* Ctrl-K kills to the end of the line, then joins the next line */
    ui_editor_set_text(&ed, "abc\ndef", 7);
    ui_editor_move_to(&ed, 0, 1);
    CHECK_INT(ui_editor_key(&ed, UI_KEY_KILL_LINE_END, 0), UI_CHANGED);
    CHECK_STR(text(&ed), "a\ndef");
    keys(&ed, UI_KEY_KILL_LINE_END, 1);
    CHECK_STR(text(&ed), "adef");
    keys(&ed, UI_KEY_END, 1);
    CHECK_INT(ui_editor_key(&ed, UI_KEY_KILL_LINE_END, 0), 0); /* end of text */
    keys(&ed, UI_KEY_KILL_LINE_START, 1);
    CHECK_STR(text(&ed), "");
    keys(&ed, UI_KEY_YANK, 1);
    CHECK_STR(text(&ed), "adef");

    /* up/down keep the column, even across a short line */
    const char *s = "the first line\nab\nthe third line";
    ui_editor_set_text(&ed, s, strlen(s));
    ui_editor_move_to(&ed, 0, 10);
    keys(&ed, UI_KEY_DOWN, 1);
    int col;
    ui_editor_cursor(&ed, &line, NULL, &col);
    CHECK(line == 1 && col == 2);
    keys(&ed, UI_KEY_DOWN, 1);
    ui_editor_cursor(&ed, &line, NULL, &col);
    CHECK(line == 2 && col == 10);
    CHECK_INT(ui_editor_key(&ed, UI_KEY_DOWN, 0), UI_IGNORED); /* last line */
    keys(&ed, UI_KEY_UP, 2);
    ui_editor_cursor(&ed, &line, NULL, &col);
    CHECK(line == 0 && col == 10);
    CHECK_INT(ui_editor_key(&ed, UI_KEY_UP, 0), UI_IGNORED); /* first line */
    keys(&ed, UI_KEY_DOWN, 1);
    keys(&ed, UI_KEY_LEFT, 1); /* any other motion sets a new goal column */
    keys(&ed, UI_KEY_DOWN, 1);
    ui_editor_cursor(&ed, &line, NULL, &col);
    CHECK(line == 2 && col == 1);

    /* columns are display columns: wide characters count 2 */
    const char *w = "日本語日本語\nabcdefghij";
    ui_editor_set_text(&ed, w, strlen(w));
    ui_editor_move_to(&ed, 1, 5);
    keys(&ed, UI_KEY_UP, 1);
    ui_editor_cursor(&ed, &line, &byte, &col);
    CHECK(line == 0 && col == 4 && byte == 6);
    keys(&ed, UI_KEY_DOWN, 1);
    ui_editor_cursor(&ed, &line, &byte, &col);
    CHECK(line == 1 && col == 5); /* the goal column survived the detour */

    /* Enter splits the line */
    ui_editor_set_text(&ed, "ab", 2);
    keys(&ed, UI_KEY_LEFT, 1);
    CHECK_INT(ui_editor_key(&ed, UI_KEY_ENTER, 0), UI_CHANGED);
    CHECK_STR(text(&ed), "a\nb");
    keys(&ed, UI_KEY_BACKSPACE, 1);
    CHECK_STR(text(&ed), "ab");
    ui_editor_free(&ed);

    /* one-line fields */
    ui_editor_init(&ed, UI_EDITOR_SINGLE_LINE);
    ui_editor_insert(&ed, "one\ntwo\r\nthree", 14);
    CHECK_STR(text(&ed), "one two three");
    CHECK_INT(ui_editor_key(&ed, UI_KEY_ENTER, 0), UI_IGNORED);
    CHECK_INT(ui_editor_key(&ed, UI_KEY_UP, 0), UI_IGNORED);
    CHECK_INT(ui_editor_key(&ed, UI_KEY_CHAR, '\n'), UI_IGNORED);
    CHECK_STR(text(&ed), "one two three");
    ui_editor_free(&ed);
}

static void test_editor_scroll(void)
{
    struct ui_editor ed;
    ui_editor_init(&ed, 0);
    char buf[256] = "";
    for (int i = 0; i < 20; i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "line %d%s", i, i < 19 ? "\n" : "");
    ui_editor_set_text(&ed, buf, strlen(buf));
    ui_editor_scroll(&ed, 5, 40);
    CHECK_INT(ed.top, 15); /* cursor at the end: last 5 lines */
    keys(&ed, UI_KEY_UP, 3);
    ui_editor_scroll(&ed, 5, 40);
    CHECK_INT(ed.top, 15); /* still visible: no scrolling */
    keys(&ed, UI_KEY_UP, 2);
    ui_editor_scroll(&ed, 5, 40);
    CHECK_INT(ed.top, 14);
    keys(&ed, UI_KEY_PAGE_UP, 1);
    int line;
    ui_editor_cursor(&ed, &line, NULL, NULL);
    CHECK_INT(line, 9);
    keys(&ed, UI_KEY_DOC_START, 1);
    ui_editor_scroll(&ed, 5, 40);
    CHECK_INT(ed.top, 0);
    /* deleting lines never leaves the view hanging below the text */
    ed.top = 12;
    ui_editor_set_text(&ed, "a\nb\nc", 5);
    ed.top = 2;
    ui_editor_scroll(&ed, 5, 40);
    CHECK_INT(ed.top, 0);

    /* horizontal */
    ui_editor_set_text(&ed, "0123456789abcdefghijklmnopqrstuvwxyz", 36);
    ui_editor_move_to(&ed, 0, 25);
    ui_editor_scroll(&ed, 1, 10);
    CHECK_INT(ed.left, 16);
    keys(&ed, UI_KEY_HOME, 1);
    ui_editor_scroll(&ed, 1, 10);
    CHECK_INT(ed.left, 0);
    keys(&ed, UI_KEY_END, 1);
    ui_editor_scroll(&ed, 1, 10);
    CHECK_INT(ed.left, 27); /* the cell after the last character stays visible */
    ui_editor_free(&ed);
}

/* Random keys and pastes: the buffer stays valid UTF-8 without stray
 * controls and the cursor stays on a character boundary. */
static void test_editor_fuzz(void)
{
    static const char *pastes[] = {"日本", "a\xCC\x81", "\r\n", "x\x1by", "\xff\xfe", "tab\there",
                                   "Việt", "\xF0\x9F\x98\x80", "  ", "word_one two"};
    struct pl_rng rng;
    pl_rng_seed(&rng, 11);
    for (int mode = 0; mode < 2; mode++) {
        struct ui_editor ed;
        ui_editor_init(&ed, mode ? UI_EDITOR_SINGLE_LINE : 0);
        int bad = 0;
        for (int step = 0; step < 4000; step++) {
            uint32_t r = pl_rng_below(&rng, 100);
            if (r < 10)
                ui_editor_insert(&ed, pastes[r], strlen(pastes[r]));
            else if (r < 30)
                ui_editor_key(&ed, UI_KEY_CHAR, "ab \xe1"[r % 4] & 0xFF);
            else
                ui_editor_key(&ed, (enum ui_key)(1 + pl_rng_below(&rng, UI_KEY_YANK)), 0x1EA1);
            if (step % 97 == 0)
                ui_editor_scroll(&ed, 4, 12);
            size_t len;
            const char *t = ui_editor_text(&ed, &len);
            bool ok = pl_utf8_valid(t, len) && strlen(t) == len && ed.cur <= len &&
                      (ed.cur == len || ((unsigned char)t[ed.cur] & 0xC0) != 0x80);
            for (size_t i = 0; i < len && ok; i++) {
                unsigned char c = (unsigned char)t[i];
                ok = !((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) &&
                     !(mode && c == '\n');
            }
            if (!ok && bad++ < 3)
                fprintf(stderr, "fuzz step %d: bad state \"%s\" cur %zu\n", step, t, ed.cur);
            if (len > 3000)
                ui_editor_set_text(&ed, "", 0);
        }
        CHECK_INT(bad, 0);
        ui_editor_free(&ed);
    }
}

/* ---- chart -------------------------------------------------------------- */

static bool nice_mantissa(double step)
{
    double m = step / pow(10, floor(log10(step) + 1e-9));
    return fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 || fabs(m - 5) < 1e-9;
}

static void row_str(const struct ui_chart_grid *g, int row, char *out, size_t cap)
{
    size_t o = 0;
    for (int c = 0; c < g->w && o + 5 < cap; c++) {
        const struct ui_cell *cell = ui_chart_cell(g, row, c);
        if (cell->cp)
            o += ui_utf8_encode(cell->cp, out + o);
    }
    out[o] = '\0';
}

static void test_chart_ticks(void)
{
    struct ui_chart_params p;
    ui_chart_params_default(&p);
    struct pl_rng rng;
    pl_rng_seed(&rng, 3);
    int not_nice = 0, outside = 0, too_many = 0, too_few = 0;
    for (int t = 0; t < 500; t++) {
        double lo = (pl_rng_float(&rng) - 0.5) * pow(10, (int)pl_rng_below(&rng, 9) - 4);
        double span = pl_rng_float(&rng) * pow(10, (int)pl_rng_below(&rng, 9) - 4) + 1e-6;
        double y[2] = {lo, lo + span};
        struct ui_series s = {"s", NULL, y, 2, 0};
        int max_ticks = 2 + (int)pl_rng_below(&rng, 9);
        struct ui_axis xa, ya;
        CHECK(ui_chart_axes(&xa, &ya, &s, 1, &p, max_ticks, max_ticks, NULL) == 0);
        if (!nice_mantissa(ya.step))
            not_nice++;
        if (ya.n_ticks > max_ticks)
            too_many++;
        if (ya.n_ticks < 2)
            too_few++;
        for (int i = 0; i < ya.n_ticks; i++) {
            double k = ya.ticks[i] / ya.step;
            if (fabs(k - round(k)) > 1e-6)
                not_nice++;
            if (ya.ticks[i] < ya.min - 1e-9 * span || ya.ticks[i] > ya.max + 1e-9 * span)
                outside++;
            if (i && ya.ticks[i] <= ya.ticks[i - 1])
                outside++;
        }
        /* the 5% margin: the data is inside, not touching, unless the
         * margin would have crossed zero */
        if (!((ya.min < y[0] || (ya.min == 0 && y[0] >= 0)) &&
              (ya.max > y[1] || (ya.max == 0 && y[1] <= 0))))
            outside++;
    }
    CHECK_INT(not_nice, 0);
    CHECK_INT(outside, 0);
    CHECK_INT(too_many, 0);
    CHECK(too_few < 25); /* tight ranges may hold a single nice value */

    /* a familiar case: 0..10 in at most 6 ticks is 0, 2, ..., 10 */
    p.y_min = 0;
    p.y_max = 10;
    struct ui_series s0 = {"s", NULL, (double[]){1, 2}, 2, 0};
    struct ui_axis xa, ya;
    ui_chart_axes(&xa, &ya, &s0, 1, &p, 6, 6, NULL);
    CHECK(ya.n_ticks == 6 && ya.step == 2 && ya.ticks[5] == 10);
    CHECK_STR(ya.labels[1], "2");
    p.y_min = 0;
    p.y_max = 1;
    ui_chart_axes(&xa, &ya, &s0, 1, &p, 6, 6, NULL);
    CHECK(ya.n_ticks == 6 && fabs(ya.step - 0.2) < 1e-12);
    CHECK_STR(ya.labels[3], "0.6");
    CHECK_STR(ya.labels[0], "0");
    /* x from the data exactly: 0..4 for five points */
    CHECK(xa.min == 0 && xa.max == 1);
    ui_chart_params_default(&p);
    struct ui_series s5 = {"s", NULL, (double[]){5, 4, 3, 2, 1}, 5, 0};
    ui_chart_axes(&xa, &ya, &s5, 1, &p, 5, 5, NULL);
    CHECK(xa.min == 0 && xa.max == 4);
    CHECK_NEAR(ya.min, 0.8, 1e-12);
    CHECK_NEAR(ya.max, 5.2, 1e-12);
    /* the margin does not invent negative values */
    struct ui_series acc = {"acc", NULL, (double[]){0, 0.5, 1}, 3, 0};
    ui_chart_axes(&xa, &ya, &acc, 1, &p, 5, 5, NULL);
    CHECK(ya.min == 0 && ya.max > 1);
    struct ui_series flat = {"f", NULL, (double[]){3, 3}, 2, 0};
    ui_chart_axes(&xa, &ya, &flat, 1, &p, 5, 5, NULL);
    CHECK(ya.min < 3 && ya.max > 3);
    /* large and small numbers keep short labels */
    p.y_min = 0;
    p.y_max = 3e6;
    ui_chart_axes(&xa, &ya, &s0, 1, &p, 4, 4, NULL);
    CHECK_STR(ya.labels[1], "1e+06");
    /* bad fixed ranges */
    p.y_min = 5;
    p.y_max = 5;
    struct pl_err e = {0};
    CHECK(ui_chart_axes(&xa, &ya, &s0, 1, &p, 4, 4, &e) == PL_EINVAL && strstr(e.msg, "y range"));
    p.y_min = 0;
    p.y_max = 10;
    p.y_scale = UI_SCALE_LOG10;
    CHECK(ui_chart_axes(&xa, &ya, &s0, 1, &p, 4, 4, NULL) == PL_EINVAL);
}

static void test_chart_log(void)
{
    struct ui_chart_params p;
    ui_chart_params_default(&p);
    p.y_scale = UI_SCALE_LOG10;
    struct ui_series s = {"loss", NULL, (double[]){1000, 100, 10, 1}, 4, 0};
    struct ui_axis xa, ya;
    CHECK(ui_chart_axes(&xa, &ya, &s, 1, &p, 4, 6, NULL) == 0);
    CHECK(ya.min < 1 && ya.min > 0.5 && ya.max > 1000 && ya.max < 2000);
    CHECK_INT(ya.n_ticks, 4);
    CHECK(ya.ticks[0] == 1 && ya.ticks[1] == 10 && ya.ticks[3] == 1000);
    CHECK_STR(ya.labels[3], "1000");
    /* decades are equally spaced */
    double f1 = ui_axis_frac(&ya, 1), f10 = ui_axis_frac(&ya, 10), f100 = ui_axis_frac(&ya, 100);
    CHECK_NEAR(f10 - f1, f100 - f10, 1e-12);
    CHECK(isnan(ui_axis_frac(&ya, 0)) && isnan(ui_axis_frac(&ya, -3)));
    /* many decades: every other one */
    struct ui_series wide = {"w", NULL, (double[]){1e-6, 1e6}, 2, 0};
    ui_chart_axes(&xa, &ya, &wide, 1, &p, 4, 5, NULL);
    CHECK(ya.n_ticks <= 5 && ya.n_ticks >= 3);
    for (int i = 1; i < ya.n_ticks; i++)
        CHECK_NEAR(ya.ticks[i] / ya.ticks[i - 1], pow(10, ya.step), 1e-9);
    /* inside one decade: 1/2/5 ticks */
    struct ui_series narrow = {"n", NULL, (double[]){1.5, 6}, 2, 0};
    ui_chart_axes(&xa, &ya, &narrow, 1, &p, 4, 5, NULL);
    CHECK(ya.n_ticks == 2 && ya.ticks[0] == 2 && ya.ticks[1] == 5);

    /* non-positive values are skipped, not fatal */
    struct ui_series mixed = {"m", NULL, (double[]){-1, 0, 10, 100}, 4, 0};
    ui_chart_axes(&xa, &ya, &mixed, 1, &p, 4, 5, NULL);
    CHECK(ya.min > 1 && ya.min < 10 && ya.max > 100);
    CHECK(xa.min == 2 && xa.max == 3); /* x range from drawable points */
    struct ui_series none = {"z", NULL, (double[]){-1, 0}, 2, 0};
    ui_chart_axes(&xa, &ya, &none, 1, &p, 4, 5, NULL);
    CHECK(ya.min == 1 && ya.max == 10);

    struct ui_chart_grid g;
    ui_chart_grid_init(&g);
    CHECK(ui_chart_layout(&g, 30, 10, &mixed, 1, &p, NULL) == 0);
    CHECK_INT(g.n_hidden, 2);
    /* 10 and 100 light the bottom-left and top-right dots */
    const struct ui_cell *bl = ui_chart_cell(&g, g.plot_y + g.plot_h - 1, g.plot_x);
    const struct ui_cell *tr = ui_chart_cell(&g, g.plot_y, g.plot_x + g.plot_w - 1);
    CHECK(bl->kind == UI_CELL_PLOT && tr->kind == UI_CELL_PLOT);
    ui_chart_grid_free(&g);
}

/* A log-scale x axis (score against parameter count, as the paper's
 * Figure 1): decades equally spaced, x <= 0 skipped. The terminal chart
 * and the SVG both place points through ui_axis_frac. */
static void test_chart_log_x(void)
{
    struct ui_chart_params p;
    ui_chart_params_default(&p);
    CHECK(p.x_scale == UI_SCALE_LINEAR);
    p.x_scale = UI_SCALE_LOG10;
    double xs[] = {0, 5e5, 5e6, 5e7}, ys[] = {1, 40, 60, 80};
    struct ui_series s = {"prompt", xs, ys, 4, 0};
    struct ui_axis xa, ya;
    CHECK(ui_chart_axes(&xa, &ya, &s, 1, &p, 6, 4, NULL) == 0);
    CHECK(xa.scale == UI_SCALE_LOG10 && xa.min == 5e5 && xa.max == 5e7);
    CHECK_NEAR(ui_axis_frac(&xa, 5e6), 0.5, 1e-12);
    CHECK(isnan(ui_axis_frac(&xa, 0)));
    CHECK(ya.min > 1 && ya.min < 40); /* the point at x = 0 is not drawn, so not ranged */
    CHECK(xa.n_ticks >= 2 && xa.ticks[0] == 1e6 && xa.ticks[1] == 1e7);
    /* one point: a decade around it */
    struct ui_series one = {"o", (double[]){300}, (double[]){5}, 1, 0};
    CHECK(ui_chart_axes(&xa, &ya, &one, 1, &p, 6, 4, NULL) == 0);
    CHECK(xa.min == 300 && xa.max == 3000);
    /* fixed bounds must be positive */
    p.x_min = 0;
    struct pl_err e = {0};
    CHECK(ui_chart_axes(&xa, &ya, &s, 1, &p, 6, 4, &e) == PL_EINVAL && strstr(e.msg, "x range"));
}

/* The terminal layout keeps what ui_chart_axes decided for x: one tick per
 * category name, and SI labels ("1M") on a log axis. */
static void test_chart_layout_x_labels(void)
{
    struct ui_chart_params p;
    ui_chart_params_default(&p);
    const char *names[] = {"random", "vocab", "labels"};
    p.x_names = names;
    p.n_x_names = 3;
    double ys[] = {40, 60, 70};
    struct ui_series s = {"tiny", NULL, ys, 3, 0};
    struct ui_chart_grid g;
    ui_chart_grid_init(&g);
    CHECK(ui_chart_layout(&g, 60, 14, &s, 1, &p, NULL) == 0);
    CHECK(g.x.n_ticks == 3);
    for (int i = 0; i < g.x.n_ticks && i < 3; i++)
        CHECK_STR(g.x.labels[i], names[i]);
    ui_chart_params_default(&p);
    p.x_scale = UI_SCALE_LOG10;
    p.si_labels = true;
    double xs[] = {5e5, 1.5e6, 5e6};
    struct ui_series m = {"prompt", xs, ys, 3, 0};
    CHECK(ui_chart_layout(&g, 60, 14, &m, 1, &p, NULL) == 0);
    bool si = false;
    for (int i = 0; i < g.x.n_ticks; i++)
        si |= strcmp(g.x.labels[i], "1M") == 0;
    CHECK(si);
    ui_chart_grid_free(&g);
}

static void test_chart_raster(void)
{
    struct ui_chart_params p;
    ui_chart_params_default(&p);
    p.legend = false;
    p.x_min = 0;
    p.x_max = 10;
    p.y_min = 0;
    p.y_max = 10;
    /* three isolated points: gaps (NaN) keep them apart */
    double xs[] = {0, 1, 10, 1, 5};
    double ys[] = {0, NAN, 10, NAN, 5};
    struct ui_series s = {"pts", xs, ys, 5, 2};
    struct ui_chart_grid g;
    ui_chart_grid_init(&g);
    CHECK(ui_chart_layout(&g, 20, 10, &s, 1, &p, NULL) == 0);
    /* 8 plot rows, y ticks 0/5/10 (labels 2 wide), plot from column 3 */
    CHECK(g.plot_y == 0 && g.plot_h == 8 && g.plot_x == 3 && g.plot_w == 17);
    CHECK_INT(g.n_hidden, 2);
    /* Braille: 34 x 32 dots. (0,0) -> dot (0,31): cell (7,3), bit 0x40.
     * (10,10) -> dot (33,0): cell (0,19), bit 0x08.
     * (5,5) -> dot (round(16.5)=17, round(15.5)=16): cell (4,11), bit 0x08. */
    int lit = 0;
    for (int r = 0; r < g.plot_h; r++)
        for (int c = 0; c < g.plot_w; c++)
            lit += ui_chart_cell(&g, g.plot_y + r, g.plot_x + c)->kind == UI_CELL_PLOT;
    CHECK_INT(lit, 3);
    const struct ui_cell *a = ui_chart_cell(&g, 7, 3), *b = ui_chart_cell(&g, 0, 19),
                         *c = ui_chart_cell(&g, 4, 11);
    CHECK(a->kind == UI_CELL_PLOT && a->cp == 0x2840 && a->series == 0 && a->style == 2);
    CHECK(b->kind == UI_CELL_PLOT && b->cp == 0x2808);
    CHECK(c->kind == UI_CELL_PLOT && c->cp == 0x2808);
    /* axes: labels at the tick rows, axis line, corner */
    char row[256];
    row_str(&g, 0, row, sizeof row);
    CHECK(strncmp(row, "10\xE2\x94\xA4", 5) == 0); /* "10┤" */
    row_str(&g, 4, row, sizeof row);
    CHECK(strncmp(row, " 5\xE2\x94\xA4", 5) == 0);
    row_str(&g, 7, row, sizeof row);
    CHECK(strncmp(row, " 0\xE2\x94\xA4", 5) == 0);
    CHECK(ui_chart_cell(&g, 8, 2)->cp == 0x2514 && ui_chart_cell(&g, 8, 3)->cp == 0x252C);
    CHECK(ui_chart_cell(&g, 8, 10)->cp == 0x2500 && ui_chart_cell(&g, 8, 10)->kind == UI_CELL_AXIS);
    row_str(&g, 9, row, sizeof row);
    CHECK_STR(row, "   0              10"); /* x labels under their ticks */

    /* a horizontal line at y = 5 lights the top dots of row 4 in every column */
    double hx[] = {0, 10}, hy[] = {5, 5};
    struct ui_series h = {"flat", hx, hy, 2, 0};
    CHECK(ui_chart_layout(&g, 20, 10, &h, 1, &p, NULL) == 0);
    int full = 0;
    for (int col = 0; col < g.plot_w; col++)
        full += ui_chart_cell(&g, 4, g.plot_x + col)->cp == 0x2809;
    CHECK_INT(full, g.plot_w);
    /* a diagonal is continuous: every plot column has a dot */
    double dx[] = {0, 10}, dy[] = {0, 10};
    struct ui_series d = {"diag", dx, dy, 2, 0};
    CHECK(ui_chart_layout(&g, 20, 10, &d, 1, &p, NULL) == 0);
    int cols_lit = 0;
    for (int col = 0; col < g.plot_w; col++) {
        bool any = false;
        for (int r = 0; r < g.plot_h; r++)
            any |= ui_chart_cell(&g, r, g.plot_x + col)->kind == UI_CELL_PLOT;
        cols_lit += any;
    }
    CHECK_INT(cols_lit, g.plot_w);
    /* a line leaving the range is clipped at the border, not wrapped */
    double ox[] = {0, 20}, oy[] = {0, 20};
    struct ui_series o = {"out", ox, oy, 2, 0};
    CHECK(ui_chart_layout(&g, 20, 10, &o, 1, &p, NULL) == 0);
    CHECK(ui_chart_cell(&g, 7, 3)->kind == UI_CELL_PLOT);
    CHECK(ui_chart_cell(&g, 0, 19)->kind == UI_CELL_PLOT);

    /* glyph mode, two series: distinct markers, one cell per point */
    p.mode = UI_CHART_GLYPH;
    p.legend = true;
    double y2[] = {10, 10};
    struct ui_series two[2] = {{"train", hx, hy, 2, 0}, {"valid", hx, y2, 2, 1}};
    CHECK(ui_chart_layout(&g, 20, 11, two, 2, &p, NULL) == 0);
    CHECK(g.plot_h == 8 && g.plot_x == 3);
    /* y = 5 -> row round(0.5 * 7) = 4; y = 10 -> row 0 */
    CHECK(ui_chart_cell(&g, 4, 3)->cp == '*' && ui_chart_cell(&g, 4, 19)->cp == '*');
    CHECK(ui_chart_cell(&g, 0, 3)->cp == '+' && ui_chart_cell(&g, 0, 19)->series == 1);
    row_str(&g, 10, row, sizeof row);
    CHECK(strstr(row, "* train") && strstr(row, "+ valid"));
    const struct ui_cell *lm = ui_chart_cell(&g, 10, 3);
    CHECK(lm->kind == UI_CELL_LEGEND && lm->series == 0);

    /* ASCII axes, title, and a legend in Braille mode */
    p.mode = UI_CHART_BRAILLE;
    p.ascii = true;
    p.title = "Loss <\x1b>";
    CHECK(ui_chart_layout(&g, 30, 12, two, 2, &p, NULL) == 0);
    row_str(&g, 0, row, sizeof row);
    CHECK(strstr(row, "Loss <?>") != NULL);
    CHECK(ui_chart_cell(&g, g.plot_y + g.plot_h, g.plot_x - 1)->cp == '+');
    for (int r = 0; r < g.h; r++)
        for (int col = 0; col < g.w; col++)
            if (ui_chart_cell(&g, r, col)->cp >= 0x80)
                CHECKF(0, "non-ASCII cell at %d,%d", r, col);

    /* too small, and NULL params */
    struct pl_err e = {0};
    CHECK(ui_chart_layout(&g, 7, 10, two, 2, &p, &e) == PL_ERANGE && strstr(e.msg, "7x10"));
    CHECK(ui_chart_layout(&g, 8, 3, two, 2, NULL, NULL) == 0 && g.plot_h == 1);
    CHECK(ui_chart_layout(&g, 40, 12, NULL, 0, NULL, NULL) == 0);
    CHECK(ui_chart_cell(&g, 12, 0) == NULL && ui_chart_cell(&g, 0, -1) == NULL);
    ui_chart_grid_free(&g);
    ui_chart_grid_free(NULL);
}

/* ---- tables and lists --------------------------------------------------- */

static const struct ui_column cols4[] = {
    {"#", 3, 5, 0, UI_ALIGN_RIGHT},
    {"source", 6, 0, 2, UI_ALIGN_LEFT},
    {"output", 6, 0, 1, UI_ALIGN_LEFT},
    {"chrF", 5, 6, 0, UI_ALIGN_RIGHT},
};
static const char *const cells4[] = {
    "1", "it's raining cats and dogs", "trời mưa như trút nước", "71.2",
    "2", "the cat sleeps",             "con mèo ngủ",            "88.0",
    "3", "日本語のテキスト",              "a|b \"q\"",               "5.5",
};

static void test_table_layout(void)
{
    struct ui_table t = {cols4, 4, 3, NULL, NULL, cells4, NULL};
    int w[4];
    /* plenty of room: content widths, then the rest by weight 2:1 */
    int used = ui_table_layout(&t, 100, w);
    CHECK_INT(used, 100);
    CHECK_INT(w[0] + w[1] + w[2] + w[3] + 3 * UI_TABLE_GAP, 100);
    CHECK(w[0] == 3 && w[3] == 5);
    CHECK(w[1] >= 26 && w[2] >= 22);
    int extra1 = w[1] - 26, extra2 = w[2] - 22;
    CHECK(abs(extra1 - 2 * extra2) <= 2);
    /* tight: everything at least its minimum, the content squeezed evenly */
    used = ui_table_layout(&t, 40, w);
    CHECK_INT(used, 40);
    CHECK_INT(w[0] + w[1] + w[2] + w[3] + 3, 40);
    CHECK(w[0] >= 3 && w[1] >= 6 && w[2] >= 6 && w[3] >= 5 && w[3] <= 6);
    /* too narrow for all: columns drop from the right */
    used = ui_table_layout(&t, 18, w);
    CHECK(w[3] == 0 && w[0] == 3 && w[1] >= 6 && w[2] >= 6);
    CHECK_INT(used, 18);
    CHECK_INT(w[0] + w[1] + w[2] + 2, 18);
    used = ui_table_layout(&t, 2, w);
    CHECK(w[0] == 2 && w[1] == 0 && used == 2);
    /* no weights: columns stop at their content */
    static const struct ui_column fixed[] = {{"a", 1, 0, 0, UI_ALIGN_LEFT}, {"bb", 1, 0, 0, UI_ALIGN_LEFT}};
    static const char *const fc[] = {"xyz", "q"};
    struct ui_table ft = {fixed, 2, 1, NULL, NULL, fc, NULL};
    used = ui_table_layout(&ft, 50, w);
    CHECK(w[0] == 3 && w[1] == 2 && used == 6);

    /* truncation of a cell into its column */
    ui_table_layout(&t, 40, w);
    char buf[256];
    const char *cell = ui_table_cell(&t, 0, 1, NULL, 0);
    CHECK_INT(ui_text_fit(buf, sizeof buf, cell, strlen(cell), w[1], UI_ALIGN_LEFT, 0), w[1]);
    CHECK(strstr(buf, "\xE2\x80\xA6") != NULL && ui_text_width(buf, strlen(buf)) == w[1]);
    cell = ui_table_cell(&t, 2, 1, NULL, 0);
    ui_text_fit(buf, sizeof buf, cell, strlen(cell), 7, UI_ALIGN_LEFT, 0);
    CHECK_STR(buf, "日本語\xE2\x80\xA6"); /* 6 + ellipsis */
    CHECK_STR(ui_table_cell(&t, 5, 0, NULL, 0), "");
}

static const char *num_cell(void *ctx, int row, int col, char *buf, size_t cap)
{
    (void)ctx;
    if (col == 1)
        return NULL;
    snprintf(buf, cap, "%d", row * 10 + col);
    return buf;
}

static void test_list(void)
{
    struct ui_list l = {0, 0};
    CHECK_INT(ui_list_key(&l, UI_KEY_UP, 50, 10), 0);
    CHECK_INT(ui_list_key(&l, UI_KEY_DOWN, 50, 10), UI_CHANGED);
    CHECK(l.selected == 1 && l.top == 0);
    CHECK_INT(ui_list_key(&l, UI_KEY_PAGE_DOWN, 50, 10), UI_CHANGED);
    CHECK(l.selected == 11 && l.top == 2);
    CHECK_INT(ui_list_key(&l, UI_KEY_END, 50, 10), UI_CHANGED);
    CHECK(l.selected == 49 && l.top == 40);
    CHECK_INT(ui_list_key(&l, UI_KEY_DOWN, 50, 10), 0);
    CHECK_INT(ui_list_key(&l, UI_KEY_CHAR, 50, 10), UI_IGNORED);
    CHECK_INT(ui_list_key(&l, UI_KEY_HOME, 50, 10), UI_CHANGED);
    CHECK(l.selected == 0 && l.top == 0);
    /* the list shrinks under the selection */
    l.selected = 30;
    l.top = 25;
    ui_list_scroll(&l, 12, 10);
    CHECK(l.selected == 11 && l.top == 2);
    ui_list_scroll(&l, 0, 10);
    CHECK(l.selected == 0 && l.top == 0);

    static const struct ui_column c2[] = {{"n", 1, 0, 0, UI_ALIGN_RIGHT}, {"empty", 1, 0, 0, UI_ALIGN_LEFT}};
    struct ui_table t = {c2, 2, 3, num_cell, NULL, NULL, NULL};
    char buf[32];
    CHECK_STR(ui_table_cell(&t, 2, 0, buf, sizeof buf), "20");
    CHECK_STR(ui_table_cell(&t, 2, 1, buf, sizeof buf), "");
}

/* ---- exports ------------------------------------------------------------ */

/* Tags balance and every '&' starts an entity: enough to call a file
 * written by a generator well-formed. */
static bool xml_well_formed(const char *s)
{
    const char *stack[64];
    size_t lens[64];
    int depth = 0, roots = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '&') {
            static const char *ents[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
            bool ok = false;
            for (int i = 0; i < 5; i++)
                ok |= strncmp(p, ents[i], strlen(ents[i])) == 0;
            if (!ok)
                return false;
        } else if (*p == '>' && depth == 0 && roots > 0) {
            return false;
        }
        if (*p != '<')
            continue;
        const char *end = strchr(p, '>');
        if (!end)
            return false;
        for (const char *q = p + 1; q < end; q++)
            if (*q == '<')
                return false;
        if (p[1] == '?' || p[1] == '!') {
            p = end;
            continue;
        }
        if (p[1] == '/') {
            size_t n = (size_t)(end - p - 2);
            if (depth == 0 || lens[depth - 1] != n || strncmp(stack[depth - 1], p + 2, n))
                return false;
            depth--;
        } else if (end[-1] != '/') {
            if (depth == 0)
                roots++;
            if (depth == 64)
                return false;
            size_t n = strcspn(p + 1, " \t\n/>");
            stack[depth] = p + 1;
            lens[depth++] = n;
        }
        p = end;
    }
    return depth == 0 && roots == 1;
}

/* The figure features of `promptlab experiment`: categories on x, K/M tick
 * labels, dots, error bars, a legend that wraps and a wrapped caption. */
static void test_export_svg_figure(void)
{
    double x[] = {0, 1, 2}, a[] = {10, 20, 30}, b[] = {1.5e6, 2.5e6, 1e6}, ea[] = {2, NAN, 5};
    double eb[] = {NAN, 1e6, NAN};
    const double *errs[2] = {ea, eb};
    const char *names[] = {"random", "vocab", "class labels"};
    struct ui_series s[2] = {{"a series with a long name that fills much of a row", x, a, 3, 0},
                             {"another long legend entry that cannot fit beside it", x, b, 3, 1}};
    struct ui_chart_params p;
    ui_chart_params_default(&p);
    p.x_names = names;
    p.n_x_names = 3;
    p.markers = true;
    p.si_labels = true;
    p.y_err = errs;
    p.caption = "Test set in (600 examples), accuracy; mean over 3 seeds; prompt tuning 300 "
                "steps, adafactor lr 0.3; model tuning 300 steps, adafactor lr 0.001.";
    struct ui_axis xa, ya;
    CHECK(ui_chart_axes(&xa, &ya, s, 2, &p, 8, 5, NULL) == 0);
    CHECK_INT(xa.n_ticks, 3);
    CHECK_STR(xa.labels[2], "class labels");
    CHECK(xa.min == -0.5 && xa.max == 2.5);
    CHECK(ya.max >= 3.5e6); /* the error bars inside the range */
    bool mega = false;
    for (int i = 0; i < ya.n_ticks; i++)
        mega |= strcmp(ya.labels[i], "1M") == 0 || strcmp(ya.labels[i], "2M") == 0;
    CHECK(mega);
    struct pl_err e = {0};
    CHECK(ui_export_chart_svg(tmp_path("fig.svg"), s, 2, &p, 480, 400, &e) == 0);
    char *svg = read_back("fig.svg");
    CHECK(svg != NULL);
    if (!svg)
        return;
    CHECK(xml_well_formed(svg));
    CHECK(strstr(svg, ">class labels</text>") != NULL);
    CHECK_INT(count(svg, "<circle "), 6);   /* a dot per point */
    CHECK_INT(count(svg, " h8\"/>"), 3);   /* error bars where ea and eb are finite */
    /* the two legend entries do not fit one 480-pixel row: two rows */
    const char *l1 = strstr(svg, ">a series with"), *l2 = strstr(svg, ">another long");
    CHECK(l1 && l2);
    /* the caption wraps into lines of grey text under the legend */
    const char *cap = strstr(svg, "<g font-size=\"12\" fill=\"#555555\">");
    CHECK(cap != NULL);
    CHECK(cap && count(cap, "<text ") >= 2);
    CHECK(cap && strstr(cap, "Test set in (600 examples)") != NULL);
    /* legend rows: the second entry's line sits 22 pixels below the first's */
    double y1 = 0, y2 = 0;
    const char *ln1 = strstr(svg, "<g font-size=\"13\">");
    if (ln1 && (ln1 = strstr(ln1, "y1=\"")))
        y1 = atof(ln1 + 4);
    const char *ln2 = ln1 ? strstr(ln1 + 4, "y1=\"") : NULL;
    if (ln2)
        y2 = atof(ln2 + 4);
    CHECKF(fabs(y2 - y1 - 22) < 0.01, "legend rows at %g and %g", y1, y2);
    free(svg);
    /* a caption too long for the image leaves no room for a plot */
    CHECK(ui_export_chart_svg(tmp_path("fig.svg"), s, 2, &p, 480, 130, &e) == PL_ERANGE);
}

static void test_export_svg(void)
{
    double y1[] = {4.0, 2.5, 1.2, NAN, 0.8, 0.6};
    double y2[] = {4.2, 3.0, 2.0, 1.7, 1.5, 1.4};
    struct ui_series s[2] = {{"train \"loss\" & <more>", NULL, y1, 6, 0},
                             {"valid\x1b[31m", NULL, y2, 6, 1}};
    struct ui_chart_params p;
    ui_chart_params_default(&p);
    p.title = "Soft prompt <len=20> & Adafactor's lr";
    p.x_label = "step";
    p.y_label = "loss";
    struct pl_err e = {0};
    CHECK(ui_export_chart_svg(tmp_path("chart.svg"), s, 2, &p, 0, 0, &e) == 0);
    char *svg = read_back("chart.svg");
    CHECK(svg != NULL);
    if (!svg)
        return;
    CHECK(strncmp(svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 44) == 0);
    CHECK(strstr(svg, "width=\"800\" height=\"450\"") != NULL);
    CHECK(xml_well_formed(svg));
    CHECK(pl_utf8_valid(svg, strlen(svg)));
    CHECK(strchr(svg, 0x1b) == NULL);
    CHECK(strstr(svg, ">Soft prompt &lt;len=20&gt; &amp; Adafactor&apos;s lr</text>") != NULL);
    CHECK(strstr(svg, ">train &quot;loss&quot; &amp; &lt;more&gt;</text>") != NULL);
    CHECK(strstr(svg, ">valid\xE2\x90\x9B[31m</text>") != NULL);
    CHECK(strstr(svg, ">step</text>") && strstr(svg, ">loss</text>"));
    /* the gap splits the first series: 3 polylines, two colours */
    CHECK_INT(count(svg, "<polyline "), 3);
    CHECK_INT(count(svg, "<polyline stroke=\"#0072B2\""), 2);
    CHECK_INT(count(svg, "<polyline stroke=\"#D55E00\""), 1);
    /* the same ticks as the terminal chart: 0..5 in steps of 1 on x */
    struct ui_axis xa, ya;
    ui_chart_axes(&xa, &ya, s, 2, &p, 2, 5, NULL);
    char label[64];
    for (int i = 0; i < ya.n_ticks; i++) {
        snprintf(label, sizeof label, ">%s</text>", ya.labels[i]);
        CHECKF(strstr(svg, label) != NULL, "y tick %s missing", ya.labels[i]);
    }
    CHECK(strstr(svg, ">5</text>") != NULL);
    /* first point of the first series: x = left edge of the plot */
    CHECK(strstr(svg, "clip-path=\"url(#plot-area)\"") != NULL);
    free(svg);

    CHECK(ui_export_chart_svg(tmp_path("x.svg"), s, 2, &p, 10, 10, &e) == PL_EINVAL);
    CHECK(strstr(e.msg, "x.svg") != NULL);
    CHECK(ui_export_chart_svg("/nonexistent-dir/c.svg", s, 2, &p, 0, 0, &e) == PL_EIO);
}

static void test_export_tables(void)
{
    static const struct ui_column cols[] = {
        {"text", 1, 0, 1, UI_ALIGN_LEFT},
        {"score", 1, 0, 0, UI_ALIGN_RIGHT},
        {"note|x", 1, 0, 0, UI_ALIGN_CENTER},
    };
    static const char *const cells[] = {
        "plain", "1.5", "x*y_z",
        "a|b", "with,comma", "say \"hi\"",
        "line1\nline2", " padded ", "esc\x1b[1m",
        "bad\xff", NULL, "back\\slash",
    };
    struct ui_table t = {cols, 3, 4, NULL, NULL, cells, NULL};
    struct pl_err e = {0};
    CHECK(ui_export_table_markdown(tmp_path("t.md"), &t, &e) == 0);
    char *md = read_back("t.md");
    CHECK(md != NULL);
    if (md) {
        const char *want =
            "| text | score | note\\|x |\n"
            "| --- | ---: | :---: |\n"
            "| plain | 1.5 | x\\*y\\_z |\n"
            "| a\\|b | with,comma | say \"hi\" |\n"
            "| line1<br>line2 | padded | esc\xE2\x90\x9B\\[1m |\n"
            "| bad\xEF\xBF\xBD |  | back\\\\slash |\n";
        CHECK_STR(md, want);
        free(md);
    }
    /* a caption: a paragraph under the table, escaped; not in the CSV */
    struct ui_table tc = t;
    tc.caption = "Run r1: vocab_init *8* rows";
    CHECK(ui_export_table_markdown(tmp_path("tc.md"), &tc, &e) == 0);
    md = read_back("tc.md");
    CHECK(md != NULL && strstr(md, "\\slash |\n\nRun r1: vocab\\_init \\*8\\* rows\n") != NULL);
    free(md);

    CHECK(ui_export_table_csv(tmp_path("t.csv"), &t, &e) == 0);
    char *csv = read_back("t.csv");
    CHECK(csv != NULL);
    if (csv) {
        const char *want = "text,score,note|x\r\n"
                           "plain,1.5,x*y_z\r\n"
                           "a|b,\"with,comma\",\"say \"\"hi\"\"\"\r\n"
                           "\"line1\nline2\",\" padded \",esc\x1b[1m\r\n"
                           "bad\xEF\xBF\xBD,,back\\slash\r\n";
        CHECK_STR(csv, want);
        /* and it parses back (RFC 4180) into the same fields */
        const char *p = csv;
        int field = 0, bad = 0;
        char f[64];
        while (*p) {
            size_t n = 0;
            if (*p == '"') {
                for (p++; *p; p++) {
                    if (*p == '"' && p[1] == '"') {
                        f[n++] = '"';
                        p++;
                    } else if (*p == '"') {
                        p++;
                        break;
                    } else {
                        f[n++] = *p;
                    }
                }
            } else {
                while (*p && *p != ',' && *p != '\r')
                    f[n++] = *p++;
            }
            f[n] = '\0';
            int row = field / 3 - 1, col = field % 3;
            const char *orig = row < 0 ? cols[col].title : cells[row * 3 + col];
            if (!orig)
                orig = "";
            if (strcmp(orig, f) != 0 && !(row == 3 && col == 0))
                bad++;
            field++;
            if (*p == ',')
                p++;
            else if (*p == '\r' && p[1] == '\n')
                p += 2;
        }
        CHECK_INT(field, 15);
        CHECK_INT(bad, 0);
        free(csv);
    }

    /* atomic replace: a second export overwrites, nothing else is left */
    const char *one[] = {"only"};
    struct ui_table t1 = {cols, 1, 1, NULL, NULL, one, NULL};
    CHECK(ui_export_table_csv(tmp_path("t.csv"), &t1, NULL) == 0);
    csv = read_back("t.csv");
    CHECK(csv && strcmp(csv, "text\r\nonly\r\n") == 0);
    free(csv);
    struct ui_table none = {cols, 0, 0, NULL, NULL, NULL, NULL};
    CHECK(ui_export_table_markdown(tmp_path("n.md"), &none, &e) == PL_EINVAL);
}

/* ---- drawing on an off-screen terminal ---------------------------------- */

static wchar_t char_at(WINDOW *w, int y, int x, attr_t *attr)
{
    cchar_t cc;
    wchar_t wc[CCHARW_MAX + 1] = {0};
    attr_t a = 0;
    short pair = 0;
    if (mvwin_wch(w, y, x, &cc) == ERR)
        return 0;
    getcchar(&cc, wc, &a, &pair, NULL);
    if (attr)
        *attr = a;
    return wc[0];
}

static void test_draw(void)
{
    if (!setlocale(LC_ALL, "C.UTF-8")) {
        fprintf(stderr, "note: no C.UTF-8 locale, draw tests skipped\n");
        return;
    }
    FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
    SCREEN *scr = out && in ? newterm("xterm", out, in) : NULL;
    if (!scr) {
        fprintf(stderr, "note: no terminfo entry for xterm, draw tests skipped\n");
        if (out)
            fclose(out);
        if (in)
            fclose(in);
        setlocale(LC_ALL, "C");
        return;
    }
    WINDOW *w = newwin(20, 60, 0, 0);
    CHECK(w != NULL);

    CHECK_INT(ui_draw_text(w, 0, 0, 10, "日本語abcdefgh", strlen("日本語abcdefgh"),
                           UI_ALIGN_LEFT, 0), 10);
    CHECK(char_at(w, 0, 0, NULL) == L'日' && char_at(w, 0, 2, NULL) == L'本');
    CHECK(char_at(w, 0, 9, NULL) == 0x2026);
    ui_draw_text(w, 1, 0, 6, "a\x1b[2J", 5, UI_ALIGN_LEFT, 0);
    CHECK(char_at(w, 1, 1, NULL) == 0x241B && char_at(w, 1, 2, NULL) == L'[');

    struct ui_editor ed;
    ui_editor_init(&ed, 0);
    ui_editor_set_text(&ed, "first\nsecond line", 17);
    ui_editor_scroll(&ed, 3, 8);
    ui_editor_draw(w, 2, 0, 3, 8, &ed, true, 0);
    int cy, cx;
    getyx(w, cy, cx); /* before char_at, which moves the cursor */
    CHECK(char_at(w, 2, 0, NULL) == L't' && char_at(w, 3, 0, NULL) == L'n'); /* scrolled by 4 */
    CHECKF(cy == 3 && cx == 7, "cursor at %d,%d", cy, cx); /* col 11, view scrolled by 4 */
    CHECK_INT(ed.left, 4);
    ui_editor_free(&ed);

    struct ui_table t = {cols4, 4, 3, NULL, NULL, cells4, NULL};
    struct ui_list l = {1, 0};
    ui_list_scroll(&l, t.n_rows, 3);
    ui_table_draw(w, 6, 0, 4, 50, &t, &l, true, NULL, 0);
    attr_t at = 0;
    CHECK(char_at(w, 6, 2, &at) == L'#' && (at & A_BOLD));
    CHECK(char_at(w, 8, 2, &at) == L'2' && (at & A_REVERSE));
    CHECK(char_at(w, 8, 3, &at) == L' ' && (at & A_REVERSE)); /* gaps too */
    CHECK(char_at(w, 8, 49, &at) == L'0' && (at & A_REVERSE));
    CHECK(char_at(w, 7, 2, &at) == L'1' && !(at & A_REVERSE));

    struct ui_chart_params p;
    ui_chart_params_default(&p);
    p.legend = false;
    p.x_min = 0;
    p.x_max = 10;
    p.y_min = 0;
    p.y_max = 10;
    double xs[] = {0}, ys[] = {0};
    struct ui_series s = {"one", xs, ys, 1, 0};
    struct ui_chart_grid g;
    ui_chart_grid_init(&g);
    CHECK(ui_chart_layout(&g, 20, 10, &s, 1, &p, NULL) == 0);
    ui_chart_draw(w, 10, 0, &g, NULL);
    CHECK(char_at(w, 17, 3, NULL) == 0x2840);
    CHECK(char_at(w, 18, 2, NULL) == 0x2514);
    ui_chart_grid_free(&g);

    delwin(w);
    endwin();
    delscreen(scr);
    fclose(out);
    fclose(in);
    setlocale(LC_ALL, "C");
}

static const double order_keys[] = {0.5, NAN, 0.9, 0.5, 0.1, 0.9};

static double order_key(void *ctx, int row)
{
    (void)ctx;
    return order_keys[row];
}

static bool order_keep(void *ctx, int row)
{
    (void)ctx;
    return row != 4;
}

/* Rows as shown: filtered, sorted both ways, ties in their own order, NAN last. */
static void test_rows_order(void)
{
    int o[6];
    CHECK_INT(ui_rows_order(o, 6, NULL, order_key, UI_SORT_NONE, NULL), 6);
    CHECK(o[0] == 0 && o[1] == 1 && o[5] == 5);
    CHECK_INT(ui_rows_order(o, 6, NULL, order_key, UI_SORT_DESC, NULL), 6);
    CHECK(o[0] == 2 && o[1] == 5 && o[2] == 0 && o[3] == 3 && o[4] == 4 && o[5] == 1);
    CHECK_INT(ui_rows_order(o, 6, NULL, order_key, UI_SORT_ASC, NULL), 6);
    CHECK(o[0] == 4 && o[1] == 0 && o[2] == 3 && o[3] == 2 && o[4] == 5 && o[5] == 1);
    CHECK_INT(ui_rows_order(o, 6, order_keep, order_key, UI_SORT_DESC, NULL), 5);
    CHECK(o[0] == 2 && o[1] == 5 && o[2] == 0 && o[3] == 3 && o[4] == 1);
    CHECK_INT(ui_rows_order(o, 0, NULL, order_key, UI_SORT_DESC, NULL), 0);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_widgets.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_decode();
    test_sanitise();
    test_widths();
    test_fit();
    test_editor_basics();
    test_editor_words();
    test_editor_lines();
    test_editor_scroll();
    test_editor_fuzz();
    test_chart_ticks();
    test_chart_log();
    test_chart_log_x();
    test_chart_layout_x_labels();
    test_chart_raster();
    test_table_layout();
    test_list();
    test_rows_order();
    test_export_svg();
    test_export_svg_figure();
    test_export_tables();
    test_draw();

    /* exports leave no temporary files behind */
    DIR *d = opendir(tmpdir);
    int files = 0;
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        files++;
        char path[400];
        snprintf(path, sizeof path, "%s/%s", tmpdir, de->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    CHECK_INT(files, 5); /* chart.svg, fig.svg, t.md, tc.md, t.csv */
    rmdir(tmpdir);
    TEST_END();
}
