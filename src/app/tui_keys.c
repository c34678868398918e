/* tui_keys.c - keys: decoding what the terminal sends (curses codes,
 * Alt/Esc prefixes, bracketed paste, mouse) into struct tui_key, and the
 * dispatch of one key to the open overlay, the global keys or the view.
 *
 * The one idea: decoding is separate from meaning. read_key turns bytes
 * into one tui_key (with its editor/list meaning filled in); handle_key
 * decides what it does and returns TUI_* flags, never drawing. */
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "app_impl.h"
#include "promptlab/words.h"
#include "tui_impl.h"

/* ---- keys -------------------------------------------------------------------- */

static int key_ctrl_left, key_ctrl_right, key_ctrl_home, key_ctrl_end;

static int defined_key(const char *name)
{
    char *s = tigetstr((char *)name);
    if (!s || s == (char *)-1)
        return 0;
    int k = key_defined(s);
    return k > 0 ? k : 0;
}

void tui_keys_init(void)
{
    key_ctrl_left = defined_key("kLFT5");
    key_ctrl_right = defined_key("kRIT5");
    key_ctrl_home = defined_key("kHOM5");
    key_ctrl_end = defined_key("kEND5");
}

static void map_key(struct tui_key *k)
{
    k->ui = UI_KEY_NONE;
    if (k->fn) {
        int c = k->code;
        if (c == KEY_LEFT) k->ui = UI_KEY_LEFT;
        else if (c == KEY_RIGHT) k->ui = UI_KEY_RIGHT;
        else if (c == KEY_UP) k->ui = UI_KEY_UP;
        else if (c == KEY_DOWN) k->ui = UI_KEY_DOWN;
        else if (c == KEY_HOME) k->ui = UI_KEY_HOME;
        else if (c == KEY_END) k->ui = UI_KEY_END;
        else if (c == KEY_PPAGE) k->ui = UI_KEY_PAGE_UP;
        else if (c == KEY_NPAGE) k->ui = UI_KEY_PAGE_DOWN;
        else if (c == KEY_BACKSPACE) k->ui = k->alt ? UI_KEY_KILL_WORD_BACK : UI_KEY_BACKSPACE;
        else if (c == KEY_DC) k->ui = UI_KEY_DELETE;
        else if (c == KEY_ENTER) k->ui = UI_KEY_ENTER;
        else if (c && c == key_ctrl_left) k->ui = UI_KEY_WORD_LEFT;
        else if (c && c == key_ctrl_right) k->ui = UI_KEY_WORD_RIGHT;
        else if (c && c == key_ctrl_home) k->ui = UI_KEY_DOC_START;
        else if (c && c == key_ctrl_end) k->ui = UI_KEY_DOC_END;
        return;
    }
    int c = k->code;
    if (k->alt) {
        if (c == 'b') k->ui = UI_KEY_WORD_LEFT;
        else if (c == 'f') k->ui = UI_KEY_WORD_RIGHT;
        else if (c == 'd') k->ui = UI_KEY_KILL_WORD_FORWARD;
        else if (c == 127 || c == 8) k->ui = UI_KEY_KILL_WORD_BACK;
        return;
    }
    switch (c) {
    case '\r':
    case '\n': k->ui = UI_KEY_ENTER; break;
    case 127:
    case 8: k->ui = UI_KEY_BACKSPACE; break;
    case 1: k->ui = UI_KEY_HOME; break;
    case 5: k->ui = UI_KEY_END; break;
    case 2: k->ui = UI_KEY_LEFT; break;
    case 6: k->ui = UI_KEY_RIGHT; break;
    case 4: k->ui = UI_KEY_DELETE; break;
    case 11: k->ui = UI_KEY_KILL_LINE_END; break;
    case 21: k->ui = UI_KEY_KILL_LINE_START; break;
    case 23: k->ui = UI_KEY_KILL_WORD_BACK; break;
    case 25: k->ui = UI_KEY_YANK; break;
    default:
        if (c >= 32 && c != 127 && !(c >= 0x80 && c < 0xA0)) {
            k->ui = UI_KEY_CHAR;
            k->ch = (uint32_t)c;
        }
    }
}

/* After ESC '[': a bracketed paste ("200~ ... ESC[201~") or another
 * sequence that curses did not know (ignored). */
static bool read_paste(struct tui_key *k)
{
    char intro[8];
    int n = 0;
    wint_t ch;
    wtimeout(stdscr, 30);
    while (n < 4) {
        int r = wget_wch(stdscr, &ch);
        if (r != OK)
            return false;
        intro[n++] = (char)ch;
        if (ch == '~' || !(ch >= '0' && ch <= '9'))
            break;
    }
    if (n != 4 || memcmp(intro, "200~", 4) != 0)
        return false;
    size_t cap = 256, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return false;
    wtimeout(stdscr, 200);
    for (;;) {
        int r = wget_wch(stdscr, &ch);
        if (r == ERR)
            break; /* the end marker never came: keep what we have */
        if (r == KEY_CODE_YES)
            continue;
        char enc[4];
        size_t el = ui_utf8_encode((uint32_t)ch, enc);
        if (len + el + 1 > cap) {
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb)
                break;
            buf = nb;
        }
        memcpy(buf + len, enc, el);
        len += el;
        if (len >= 6 && memcmp(buf + len - 6, "\033[201~", 6) == 0) {
            len -= 6;
            break;
        }
    }
    buf[len] = 0;
    k->paste = buf;
    k->paste_len = len;
    return true;
}

bool tui_read_key(struct tui_key *k, int timeout_ms)
{
    memset(k, 0, sizeof *k);
    wint_t ch;
    wtimeout(stdscr, timeout_ms);
    int r = wget_wch(stdscr, &ch);
    if (r == ERR)
        return false;
    if (r == KEY_CODE_YES) {
        k->fn = true;
        k->code = (int)ch;
        if (ch == KEY_MOUSE) {
            MEVENT ev;
            if (getmouse(&ev) == OK) {
                k->my = ev.y;
                k->mx = ev.x;
                k->mbutton = ev.bstate;
            }
        }
        map_key(k);
        return true;
    }
    if (ch == 27) {
        wint_t c2;
        wtimeout(stdscr, 25);
        int r2 = wget_wch(stdscr, &c2);
        if (r2 == ERR) {
            k->code = 27;
            return true;
        }
        if (r2 == OK && c2 == '[') {
            if (read_paste(k))
                return true;
            k->code = 0; /* an unknown escape sequence: nothing */
            return true;
        }
        /* Only the editors' word keys have an Alt meaning. Anything else
         * typed quickly after Esc (a digit to switch views) is Esc and then
         * that key, not Alt+key: push it back for the next read. */
        bool word_key = r2 == KEY_CODE_YES ? c2 == KEY_BACKSPACE
                                           : c2 == 'b' || c2 == 'f' || c2 == 'd' || c2 == 127 || c2 == 8;
        if (!word_key) {
            if (r2 == KEY_CODE_YES)
                ungetch((int)c2);
            else
                unget_wch(c2);
            k->code = 27;
            return true;
        }
        k->alt = true;
        k->fn = r2 == KEY_CODE_YES;
        k->code = (int)c2;
        map_key(k);
        return true;
    }
    k->code = (int)ch;
    map_key(k);
    return true;
}

/* ---- key dispatch ------------------------------------------------------------ */

static int view_key(struct tui *t, const struct tui_key *k)
{
    switch (t->view) {
    case TUI_VIEW_HARD: return tui_hard_key(t, k);
    case TUI_VIEW_TRAIN: return tui_train_key(t, k);
    case TUI_VIEW_SIDE: return tui_side_key(t, k);
    case TUI_VIEW_INSPECT: return tui_insp_key(t, k);
    default: return TUI_UNHANDLED;
    }
}

static void set_view(struct tui *t, int v)
{
    if (v < 0 || v >= TUI_N_VIEWS)
        return;
    t->view = (enum tui_view)v;
}

bool tui_text_matches(const char *text, const char *needle)
{
    if (!text || !needle || !needle[0])
        return false;
    return strcasestr(text, needle) != NULL;
}

/* '/', 'n' and 'N' in the views with a table; 'f' in those with samples. */
static int search_key(struct tui *t, const struct tui_key *k)
{
    if (k->fn || k->alt || t->view == TUI_VIEW_TRAIN)
        return -1;
    if (k->code == '/') {
        tui_open_input(t, TUI_IN_SEARCH, "Search the rows for", t->search);
        return TUI_REDRAW;
    }
    if (k->code == 'f' && t->view != TUI_VIEW_INSPECT) {
        t->filter = !t->filter;
        if (t->filter && !t->search[0])
            tui_msg(t, TUI_R_DIM, "filter on: / to say what the rows must contain");
        else
            tui_msg(t, TUI_R_INFO, t->filter ? "only rows containing \"%s\" (f shows all)"
                                             : "all rows (f keeps only rows containing \"%s\")",
                    t->search);
        return TUI_REDRAW;
    }
    if ((k->code == 'n' || k->code == 'N') && t->search[0]) {
        tui_search_next(t, k->code == 'n' ? 1 : -1);
        return TUI_REDRAW;
    }
    return -1;
}

/* Digits within a second of Enter closing a field editor are the rest of a
 * number typed too far, not a view switch: true when k is one (said on the
 * status line). Any other key ends that second. */
static bool digit_held(struct tui *t, const struct tui_key *k)
{
    if (k->fn || k->alt || k->code < '0' || k->code > '9') {
        t->edit_left = 0;
        return false;
    }
    if (t->edit_left > 0 && pl_now() - t->edit_left < 1.0) {
        tui_msg(t, TUI_R_INFO, "'%c' ignored: digits switch views 1 s after Enter closes a field", k->code);
        return true;
    }
    return false;
}

/* A click on a tab, the wheel (as arrow keys), or a click for the view. */
static int mouse_key(struct tui *t, const struct tui_key *k)
{
    if (k->my == 0 && (k->mbutton & (BUTTON1_PRESSED | BUTTON1_CLICKED))) {
        for (int v = 0; v < TUI_N_VIEWS; v++)
            if (k->mx >= t->tab_x[v] && k->mx < t->tab_x[v + 1])
                set_view(t, v);
        return TUI_REDRAW;
    }
    if (k->mbutton & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
        /* the wheel scrolls like the arrow keys */
        struct tui_key w = *k;
        w.fn = true;
        w.code = (k->mbutton & BUTTON4_PRESSED) ? KEY_UP : KEY_DOWN;
        map_key(&w);
        int f = 0;
        for (int i = 0; i < 3; i++)
            f |= view_key(t, &w);
        return f | TUI_REDRAW;
    }
    return view_key(t, k) | TUI_REDRAW;
}

static int request_quit(struct tui *t)
{
    if (tui_any_run_active(t)) {
        t->ov = TUI_OV_QUIT;
        return TUI_REDRAW;
    }
    return TUI_QUIT;
}

int tui_handle_key(struct tui *t, struct tui_key *k)
{
    if (!k->fn && !k->alt && k->code == 3) /* Ctrl-C */
        return TUI_QUIT;
    if (k->fn && k->code == KEY_RESIZE)
        return TUI_REDRAW;
    if (t->rows < TUI_MIN_ROWS || t->cols < TUI_MIN_COLS)
        return tui_key_is(k, 'q') ? TUI_QUIT : 0;
    if (t->ov != TUI_OV_NONE)
        return tui_overlay_key(t, k);
    if (k->fn && k->code >= KEY_F(1) && k->code <= KEY_F(4)) {
        set_view(t, k->code - KEY_F(1));
        return TUI_REDRAW;
    }
    if (k->fn && k->code == KEY_F(10))
        return request_quit(t);
    if (k->fn && k->code == KEY_MOUSE)
        return mouse_key(t, k);
    if (tui_view_editing(t)) {
        int f = view_key(t, k);
        /* Enter (or Tab) closing a field may come before the whole number
         * was typed; Esc is a deliberate way out and arms nothing. */
        if (!tui_view_editing(t) && !tui_key_is(k, 27))
            t->edit_left = pl_now();
        return (f & ~TUI_UNHANDLED) | TUI_REDRAW;
    }
    if (digit_held(t, k))
        return TUI_REDRAW;
    int sf = search_key(t, k);
    if (sf >= 0)
        return sf;
    if (!k->fn && !k->alt) {
        switch (k->code) {
        case '1':
        case '2':
        case '3':
        case '4':
            set_view(t, k->code - '1');
            return TUI_REDRAW;
        case '?':
            t->help_list = (struct ui_list){0, 0};
            t->help_hit = -1;
            t->ov = TUI_OV_HELP;
            return TUI_REDRAW;
        case 'm':
            tui_open_picker(t, TUI_PICK_HEADING);
            return TUI_REDRAW;
        case 'T':
            tui_theme_next(t);
            return TUI_REDRAW;
        case 'q':
            return request_quit(t);
        default: break;
        }
    }
    int f = view_key(t, k);
    if (f & TUI_UNHANDLED) {
        if (k->ui == UI_KEY_CHAR || (k->fn && k->code != KEY_RESIZE))
            tui_msg(t, TUI_R_DIM, "that key does nothing here (? shows the keys)");
        f = TUI_REDRAW;
    }
    return f;
}

