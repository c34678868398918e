# tui_lib.sh - what the tmux-driven TUI tests share; sourced after lib.sh.
# It gives a small random model ($M), the seconds a wait may take ($WAIT:
# TUI_WAIT, else 30, or 120 for a sanitizer build), the binary's absolute
# path ($BIN), a private tmux server (T ...) killed on exit, and
#   screen NAME               the pane's text
#   wait_for NAME TEXT [S]    poll until the pane shows TEXT; 0 or 1
#   check NAME TEXT WHAT [S]  a test that the pane comes to show TEXT
# Waits poll capture-pane with a timeout instead of sleeping.
if ! command -v tmux >/dev/null 2>&1; then
    bad "tmux not installed (make deps installs it)"
    finish
    exit 1
fi
MK=${TOOLS:-build/release/tests/tools}/mkmodel
M=$TMPD/model
"$MK" "$M" "$TESTDATA/t5/tokenizer.json" gated 7 >/dev/null || { bad "mkmodel failed"; finish; exit 1; }
case "$PROMPTLAB" in */asan/*) WAIT=${TUI_WAIT:-120} ;; *) WAIT=${TUI_WAIT:-30} ;; esac
BIN=$(cd "$(dirname "$PROMPTLAB")" && pwd)/$(basename "$PROMPTLAB")

SOCK=$TMPD/tmux.sock
T() { tmux -S "$SOCK" -f /dev/null "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$TMPD"' EXIT

screen() { T capture-pane -p -t "$1"; }
wait_for() {
    end=$(($(date +%s) + ${3:-$WAIT}))
    while [ "$(date +%s)" -le "$end" ]; do
        case "$(screen "$1")" in *"$2"*) return 0 ;; esac
        sleep 0.1
    done
    return 1
}
check() {
    if wait_for "$1" "$2" "${4:-$WAIT}"; then ok; else
        bad "$3: the screen never showed [$2]"
        screen "$1" >&2
    fi
}
