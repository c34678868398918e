/* tui_term.c - can this terminal show the TUI at all? Asked of terminfo
 * before curses starts, so a terminal that cannot move the cursor (TERM=dumb,
 * an unknown TERM, a hardcopy terminal) gets a sentence naming what is
 * missing instead of a blank screen. Kept apart from the other TUI files
 * because <term.h> defines macros with everyday names (lines, columns). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tui_impl.h"

#include <term.h>

bool tui_term_usable(char *why, size_t cap)
{
    const char *term = getenv("TERM");
    if (!term || !*term) {
        snprintf(why, cap, "TERM is not set, so the terminal's abilities are unknown");
        return false;
    }
    int err = 0;
    if (setupterm((char *)term, STDOUT_FILENO, &err) != OK) {
        if (err == 0)
            snprintf(why, cap, "the terminal type '%s' is unknown here (no terminfo entry) or "
                               "generic", term);
        else
            snprintf(why, cap, "no terminfo database was found to describe TERM=%s", term);
        return false;
    }
    const char *cup = tigetstr((char *)"cup");
    bool hardcopy = tigetflag((char *)"hc") > 0;
    del_curterm(cur_term);
    if (hardcopy) {
        snprintf(why, cap, "the terminal '%s' is a hardcopy terminal", term);
        return false;
    }
    if (!cup || cup == (char *)-1) {
        snprintf(why, cap, "the terminal '%s' has no cursor addressing (terminfo 'cup')", term);
        return false;
    }
    return true;
}
