#!/bin/sh
# bench_tui.sh [PROMPTLAB] - how fast the TUI answers keys while a soft
# prompt trains: drives `promptlab tui` on the embedded model in a detached
# 100x30 tmux pane, starts a run, presses view keys at a human pace, and
# prints the key-to-screen latency the TUI measured itself
# (PROMPTLAB_TUI_STATS). A benchmark, not a test: nothing here passes or
# fails on time. Needs tmux.
set -u
BIN=${1:-./promptlab}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
D=$(mktemp -d)
SOCK=$D/tmux.sock
T() { tmux -S "$SOCK" -f /dev/null "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$D"' EXIT
command -v tmux >/dev/null 2>&1 || { echo "bench_tui: tmux is missing" >&2; exit 1; }

T new-session -d -s b -x 100 -y 30 \
    "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color XDG_DATA_HOME='$D/xdg' \
     PROMPTLAB_TUI_STATS='$D/stats' '$BIN' tui 2>'$D/err'; echo \$? >'$D/exit'; sleep 600"
wait_for() {
    i=0
    while [ $i -lt 300 ]; do
        case "$(T capture-pane -p -t b)" in *"$1"*) return 0 ;; esac
        sleep 0.1
        i=$((i + 1))
    done
    echo "bench_tui: the screen never showed [$1]" >&2
    T capture-pane -p -t b >&2
    exit 1
}
wait_for "[1 Hard prompt]"
T send-keys -t b 2
wait_for "[2 Soft prompt]"
T send-keys -t b s
wait_for "step "
n=0
for round in 1 2 3 4 5 6 7 8 9 10; do
    for v in 1 3 4 2; do
        T send-keys -t b "$v"
        sleep 0.1
        n=$((n + 1))
    done
done
T send-keys -t b x
sleep 0.5
T send-keys -t b q
i=0
while [ ! -s "$D/exit" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$D/stats" ] || { echo "bench_tui: no stats written; stderr:" >&2; cat "$D/err" >&2; exit 1; }
echo "promptlab tui, embedded model, $n view keys while a soft prompt trains (100x30, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
cat "$D/stats"
