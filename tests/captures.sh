#!/bin/sh
# captures.sh BIN OUTDIR - retake the README's TUI captures from `BIN --demo`.
#
# Drives the terminal UI in a private tmux server (100x32), with HOME and the
# XDG directories in a temporary directory, and writes the pane text of each
# screen the README shows (tour and 15-minute lesson) to OUTDIR/NN-name.txt,
# plus OUTDIR/summary.txt with the figures the lesson quotes.
#
#   sh tests/captures.sh ./promptlab build/captures   (make captures does this)
#
# Two TUI sessions: "tour" (view 3 on opening, h, o, view 1 t r, a 200-step
# run with the form's defaults, view 4 on soft prompt A) and "lesson" (h, a
# typed sentence, two 300-step runs: text and random init, view 4 on the
# text run: melt chart, snap to words). Three trainings in all.
#
# Files (README place in brackets):
#   01-side-open             view 3 on opening, sample 1 [tour 1st; lesson 1]
#   02-side-idiomatic        after h [tour 2nd: its rows 1-7; lesson 2]
#   03-side-best-first       after o, soft prompt A's chrF best first [tour text]
#   04-hard-tokens-run       view 1 after t and r [tour 3rd; lesson 3]
#   05-soft-default-200      view 2, 200 steps with the form's defaults [tour 4th]
#   06-inspect-soft-a        view 4 on shipped soft prompt A [tour 5th]
#   07-side-typed            i "I lost my smartphone at the station." [lesson 4]
#   08-soft-text-run         Length 8, Init text, LR 1, Steps 300 [lesson 5]
#   09-soft-text-and-random  then Init random, same settings [lesson 5]
#   10-inspect-text-run-melt view 4 on the text run, c [lesson 6]
#   11-inspect-snapped       then w [lesson 6]
#   summary.txt              the figures, parsed from the above (step-0 loss
#                            and chrF from the runs' promptlab.json)
# tests/readme_blocks.sh README DIR cuts the README's tour captures out
# for a diff.
#
# Every step waits for a given text on the screen (capture-pane polled every
# 0.1 s); a step that times out stops the script with its name and the
# screen. TAKE_WAIT (default 90) bounds ordinary waits in seconds,
# TAKE_TRAIN_WAIT (default 900) each training run; TAKE_DEBUG=1 logs the
# inspector's header and table after each s.
set -u

if [ $# -ne 2 ]; then
    echo "usage: sh tests/captures.sh BIN OUTDIR" >&2
    exit 2
fi
case "$1" in /*) BIN=$1 ;; *) BIN=$(pwd)/$1 ;; esac
OUT=$2
[ -x "$BIN" ] || { echo "captures.sh: $BIN is not an executable" >&2; exit 2; }
command -v tmux >/dev/null 2>&1 || { echo "captures.sh: tmux not installed" >&2; exit 2; }
mkdir -p "$OUT" || exit 2
OUT=$(cd "$OUT" && pwd)

export LC_ALL=C.UTF-8 LANG=C.UTF-8   # grep must see the marks as characters
WAIT=${TAKE_WAIT:-90}
TRAIN_WAIT=${TAKE_TRAIN_WAIT:-900}
COLS=100
ROWS=32
MSG_LINE=$((ROWS - 1))   # the status message line, above the key line

TMPD=$(mktemp -d "${TMPDIR:-/tmp}/take.XXXXXX") || exit 2
SOCK=$TMPD/tmux.sock
T() { tmux -S "$SOCK" -f /dev/null "$@"; }
cleanup() {
    T kill-server 2>/dev/null
    rm -rf "$TMPD"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

STEP=start
T0=$(date +%s)
step() {
    STEP=$1
    echo "[$(($(date +%s) - T0))s] $STEP" >&2
}
screen() { T capture-pane -p -t tui 2>/dev/null; }
die() {
    echo "captures.sh: FAILED at step '$STEP': $*" >&2
    echo "---- screen ----" >&2
    screen >&2
    echo "----------------" >&2
    exit 1
}
# the TUI exited (crash or quit): no point waiting for anything
alive() {
    case "$(screen)" in *TAKE-TUI-EXITED*) die "the TUI exited: $(screen | grep TAKE-TUI-EXITED)" ;; esac
}
# poll until cond (a shell command) succeeds, else fail the step
until_ok() {
    what=$1 secs=$2
    shift 2
    end=$(($(date +%s) + secs))
    while [ "$(date +%s)" -le "$end" ]; do
        "$@" && return 0
        alive
        sleep 0.1
    done
    die "after ${secs}s: $what"
}
has() { case "$(screen)" in *"$1"*) return 0 ;; esac; return 1; }
has_re() { screen | grep -Eq -- "$1"; }
lacks() { ! has "$1"; }
wait_for() { until_ok "the screen never showed [$1]" "${2:-$WAIT}" has "$1"; }
wait_re() { until_ok "no line matched /$1/" "${2:-$WAIT}" has_re "$1"; }
wait_gone() { until_ok "[$1] never went away" "${2:-$WAIT}" lacks "$1"; }
# the screen stayed the same for $1 seconds (decodes land row by row)
wait_stable() {
    end=$(($(date +%s) + WAIT + $1))
    last=$(screen) since=$(date +%s)
    while [ "$(date +%s)" -le "$end" ]; do
        sleep 0.2
        alive
        now=$(screen)
        if [ "$now" != "$last" ]; then
            last=$now since=$(date +%s)
        elif [ $(($(date +%s) - since)) -ge "$1" ]; then
            return 0
        fi
    done
    die "the screen never stayed still for $1 s"
}
# the status message fades 12 s after it was shown; the README's captures
# mostly show the line empty
msg_blank() { [ -z "$(screen | sed -n "${MSG_LINE}p" | tr -d ' ')" ]; }
wait_msg_clear() { until_ok "the status message never faded" 30 msg_blank; }
# one key; Esc waits past the TUI's escape delay so the next key is not Alt+key
key() {
    T send-keys -t tui "$1"
    case "$1" in Escape) sleep 0.15 ;; *) sleep 0.05 ;; esac
}
typ() { T send-keys -t tui -l "$1"; sleep 0.1; }
save() {
    screen >"$OUT/$1.txt" || die "capture-pane failed"
    echo "    wrote $OUT/$1.txt" >&2
}

# start NAME: a fresh TUI (own HOME and XDG dirs) on `BIN --demo`
start_tui() {
    T kill-session -t tui 2>/dev/null
    H=$TMPD/$1
    mkdir -p "$H/home" "$H/data" "$H/config" "$H/state" "$H/cache" "$H/work"
    if ! T new-session -d -s tui -x "$COLS" -y "$ROWS" \
        "cd '$H/work' && env -u PROMPTLAB_MODEL -u PROMPTLAB_TUI_DEBUG -u PROMPTLAB_TUI_STATS -u NO_COLOR \
         HOME='$H/home' XDG_DATA_HOME='$H/data' XDG_CONFIG_HOME='$H/config' XDG_STATE_HOME='$H/state' \
         XDG_CACHE_HOME='$H/cache' LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color \
         '$BIN' --demo 2>'$H/stderr'; echo TAKE-TUI-EXITED status \$?; sleep 3600"; then
        die "tmux could not start a session"
    fi
}

# ---- view 3 predicates --------------------------------------------------
# every table row on screen has its three chrF cells (no "…" pending)
side_settled() {
    rows=$(screen | sed -n "5,21p" | grep -Ec '^ ?[0-9]+ ')
    cells=$(screen | sed -n "5,21p" | grep -E '^ ?[0-9]+ ' | grep -o '[●◕◑○] *[0-9]\{1,3\}' | wc -l)
    [ "$rows" -gt 0 ] && [ "$cells" -eq $((3 * rows)) ]
}
# the panel below the table has a score for Hard, Soft and None
panel_scored() { [ "$(screen | grep -Ec '^(Hard|Soft|None) +[●◕◑○] +[0-9]+ ')" -eq 3 ]; }
# ... or, for a typed sentence (no reference), "-" in place of the score
panel_typed_done() { [ "$(screen | grep -Ec '^(Hard|Soft|None) +- ')" -eq 3 ]; }
# view 4: press s until the header names $1. The nearest-token table is
# computed in the background (the view says "computing nearest tokens..."
# until it lands): after each s wait for the header, then for a table that
# differs from the previous prompt's.
# (the soft rows without the melt@ column, which follows the current run at
# once, whatever table is shown)
insp_table() { screen | sed -n '/^row  *nearest tokens/,$p' | grep -E '^ +[0-9]+ ' | sed 's/ *[^ ]*$//'; }
insp_ready() { [ -n "$(insp_table)" ]; }
soft_until() {
    until_ok "the inspector never showed its table" "$WAIT" insp_ready
    i=0
    while [ $i -lt 10 ]; do
        case "$(screen | sed -n 3p)" in *"Soft prompt: $1"*) wait_stable 3; return 0 ;; esac
        before=$(screen | sed -n 3p) tbefore=$(insp_table)
        key s
        header_moved() { [ "$(screen | sed -n 3p)" != "$before" ]; }
        table_moved() { t_now=$(insp_table); [ -n "$t_now" ] && [ "$t_now" != "$tbefore" ]; }
        until_ok "s did not change the inspector's header" "$WAIT" header_moved
        until_ok "the nearest-token table never followed the header to [$(screen | sed -n 3p)]" "$WAIT" table_moved
        [ -n "${TAKE_DEBUG:-}" ] && { screen | sed -n 3p; insp_table | head -n 2; } >&2
        i=$((i + 1))
    done
    die "s never brought [Soft prompt: $1] to the inspector's header"
}
run_json() { ls "$H"/data/promptlab/runs/*-run"$1"/promptlab.json 2>/dev/null | head -n 1; }
# first value of a history array ("valid_loss" or "metric"): step 0
first_of() { sed -n "s/^ *\"$2\": \[\([^,]*\),.*/\1/p" "$1" | head -n 1; }

rm -f "$OUT"/[0-9][0-9]-*.txt "$OUT/summary.txt"

# =========================================================================
# Session 1: the tour
# =========================================================================
step "tour: open --demo on view 3"
start_tui tour
wait_for "[3 Side by side]"
wait_for "─ Sample 1 "
until_ok "the table never finished decoding" "$WAIT" side_settled
until_ok "the panel for sample 1 never got its three scores" "$WAIT" panel_scored
wait_msg_clear
save 01-side-open

step "tour: h (idiomatic hard preset)"
before=$(screen | grep -E '^Hard ')
key h
wait_for "hard prompt: idiomatic Vietnamese"
wait_for 'Hard: "translate the meaning into Vietnamese: {source}"'
hard_changed() { [ "$(screen | grep -E '^Hard ')" != "$before" ]; }
until_ok "sample 1's hard output never changed" "$WAIT" hard_changed
until_ok "the table never finished decoding under the idiomatic prompt" "$WAIT" side_settled
until_ok "the panel never got its three scores" "$WAIT" panel_scored
wait_stable 3
save 02-side-idiomatic

step "tour: walk the 63 rows until two walks agree"
# A cell decoded under the literal prompt stays on screen, unmarked at this
# width, until its idiomatic decode lands; walking every row (down, then up,
# ...) until two walks read the same panels proves all 63 are current.
walk() { # walk FILE DIR: the panel lines of rows 1..63 (or 63..1) into FILE
    : >"$1"
    if [ "$2" = down ]; then n=1 last=63 d=1 k=Down; else n=63 last=1 d=-1 k=Up; fi
    while :; do
        STEP="tour: walk $2, row $n"
        wait_for "─ Sample $n "
        until_ok "the panel for sample $n never got its three scores" "$WAIT" panel_scored
        screen | grep -E '^(Hard|Soft|None) ' | sed "s/^/$n /" >>"$1"
        [ $n -eq $last ] && break
        n=$((n + d))
        key $k
    done
    sort -n -s -k1,1 "$1" >"$1.s" && mv "$1.s" "$1"
}
walk "$TMPD/walk.1" down
dir=up i=1
while :; do
    i=$((i + 1))
    walk "$TMPD/walk.$i" $dir
    cmp -s "$TMPD/walk.$i" "$TMPD/walk.$((i - 1))" && break
    [ $i -ge 5 ] && { STEP="tour: walk"; die "five walks over the rows never read the same panels"; }
    if [ $dir = up ]; then dir=down; else dir=up; fi
done
W=$TMPD/walk.$i
walks=$i
soft100_rows=$(grep -E '^[0-9]+ Soft +● 100 ' "$W" | awk '{printf " %s", $1}')
soft100=$(grep -Ec '^[0-9]+ Soft +● 100 ' "$W")
soft_idiom=$(grep -Ec '^[0-9]+ Soft .*\[idiomatic:' "$W")
hard100=$(grep -Ec '^[0-9]+ Hard +● 100 ' "$W")
# back on row 1 (an odd walk ended on row 63), now that every row is
# current, take the h screen again: this one is sure to be up to date
[ $((walks % 2)) -eq 1 ] && walk "$TMPD/walk.back" up
STEP="tour: h screen, after the walks"
wait_for "─ Sample 1 "
save 02-side-idiomatic

step "tour: o (rows by the soft prompt's chrF, best first)"
key o
wait_for "rows by the soft prompt's chrF, best first"
until_ok "the sorted table never settled" "$WAIT" side_settled
until_ok "the panel never got its three scores" "$WAIT" panel_scored
save 03-side-best-first
key o
wait_for "worst first"
key o
wait_for "rows in their own order"

step "tour: view 1, t (tokens), r (run over the samples)"
key 1
wait_for "[1 Hard prompt]"
key t
wait_for "Tokens the model sees for sample 1"
key r
wait_re "chrF [0-9.]+ over 63 samples \("
wait_re "^─ chrF [0-9.]+ over 63 samples"
wait_msg_clear
save 04-hard-tokens-run

step "tour: view 2, a 200-step run with the form's defaults"
key 2
wait_for "[2 Soft prompt]"
wait_re "^Steps +200( |$)"
wait_re "^Length +20( |$)"
key s
wait_for "run 1 started"
wait_re "^run 1 ● done" "$TRAIN_WAIT"
wait_msg_clear
save 05-soft-default-200
J=$(run_json 1)
tour_run1_v0=$( [ -n "$J" ] && first_of "$J" valid_loss)
tour_run1_m0=$( [ -n "$J" ] && first_of "$J" metric)

step "tour: view 4, s until shipped soft prompt A"
key 4
wait_for "[4 Inspector]"
soft_until "shipped soft-a-vietnamese"
wait_for "rand "
save 06-inspect-soft-a

# =========================================================================
# Session 2: the lesson, steps 2 and 4-6
# =========================================================================
step "lesson: open --demo again (fresh HOME), h"
start_tui lesson
wait_for "[3 Side by side]"
until_ok "the table never finished decoding" "$WAIT" side_settled
key h
wait_for 'Hard: "translate the meaning into Vietnamese: {source}"'
until_ok "the table never finished decoding under the idiomatic prompt" "$WAIT" side_settled

step "lesson step 4: i, type a sentence, Enter"
key i
wait_for "Enter translate  Esc done"
typ "I lost my smartphone at the station."
key Enter
wait_for "─ Sample typed 1 "
until_ok "the typed sentence never got its three outputs" "$WAIT" panel_typed_done
save 07-side-typed
key Escape
wait_for "? help  q quit  Up/Down sample"

step "lesson step 5: view 2 form: Length 8, Init text, LR 1, Steps 300"
key 2
wait_for "[2 Soft prompt]"
wait_for "No run yet"
key Down; key Enter; typ 8; key Enter
wait_re "^Length +8( |$)"
key Down; key Right
wait_re "^Init +< text >"
wait_re "^Init text +translate English"
key Down; key Down; key Down; key Enter; typ 1; key Enter
wait_re "^LR +1( |$)"
key Down; key Enter; typ 300; key Enter
wait_re "^Steps +300( |$)"
wait_re "^Optimizer +< adafactor >"
wait_re "^Batch +8( |$)"

step "lesson step 5: run 1 (text init)"
key s
wait_for "run 1 started"
wait_re "^run 1 ● done" "$TRAIN_WAIT"
save 08-soft-text-run
J1=$(run_json 1)

step "lesson step 5: run 2 (Init random, same settings)"
key Up; key Up; key Up; key Up
key Left; key Left
wait_re "^Init +< random >"
wait_re "^Length +8( |$)"
wait_re "^LR +1( |$)"
wait_re "^Steps +300( |$)"
key s
wait_for "run 2 started"
wait_re "^run 2 ● done" "$TRAIN_WAIT"
wait_re "r1 done"
save 09-soft-text-and-random
J2=$(run_json 2)

step "lesson step 6: view 4, s until run 1, c (melt chart)"
key 4
wait_for "[4 Inspector]"
soft_until "run 1 (text"
key c
wait_for "Cosine of rows"
wait_re "melt@"
save 10-inspect-text-run-melt

step "lesson step 6: w (snap to words)"
key w
wait_re "snap to words: chrF [0-9.]+"
wait_for 'Snap to words: "'
save 11-inspect-snapped

T kill-session -t tui 2>/dev/null

# =========================================================================
# summary.txt: figures parsed from the captures (and the runs' JSON)
# =========================================================================
step "summary"
c() { cat "$OUT/$1.txt"; }
panel() { c "$1" | grep -E "^$2 " | head -n 1 | sed 's/  */ /g'; }
sure() { c "$1" | grep -E "^$2 " | head -n 1 | sed -n 's/.*sure \([0-9]*%\).*/\1/p'; }
# the status line of a run: "run N ● done  step ...  best valid ..."
runline() { c "$1" | grep -E "^run $2 ● " | head -n 1 | sed 's/  */ /g'; }
# inspector rows: "row first-cosine ... norm xvoc drift cos0 melt@"
insp_rows() {
    c "$1" | sed -n '/^row  *nearest tokens/,$p' | grep -E '^ +[0-9]+ ' | awk '{
        first = "";
        for (i = 2; i <= NF - 5; i++) if ($i ~ /^[01]\.[0-9][0-9]$/) { first = $i; break }
        print $1, first, $(NF-4), $(NF-3), $(NF-2), $(NF-1), $NF }'
}
{
    echo "# captures.sh summary: $(date '+%Y-%m-%d %H:%M'), $BIN"
    echo "# $("$BIN" --version 2>/dev/null | head -n 1)"
    echo "# wall time $(($(date +%s) - T0)) s at ${COLS}x${ROWS}; figures parsed from the captures in this directory"
    echo
    echo "== 01 view 3 on opening, sample 1 (lesson step 1) =="
    echo "hard (literal) row 1:  $(panel 01-side-open Hard)"
    echo "soft A row 1:          $(panel 01-side-open Soft)"
    echo "no prompt row 1:       $(panel 01-side-open None)"
    echo "sure %: hard $(sure 01-side-open Hard)  soft $(sure 01-side-open Soft)  none $(sure 01-side-open None)"
    echo
    echo "== 02 after h (lesson step 2) =="
    echo "hard (idiomatic) row 1: $(panel 02-side-idiomatic Hard)"
    echo "rows 1-17 on screen with hard ● 100: $(sed -n '5,21p' "$OUT/02-side-idiomatic.txt" | grep -E '^ ?[0-9]+ ' | sed -E 's/^.{28}//' | grep -c '^●100')"
    echo
    echo "== walk of all 63 rows under h (panel of each sample; $walks walks, the last two agreed) =="
    echo "soft prompt A chrF 100 (its output is the idiomatic reference): $soft100 of 63 rows:$soft100_rows"
    echo "soft prompt A tagged [idiomatic: ...] (chrF above its literal chrF; tag visible only when the line fits): $soft_idiom"
    echo "idiomatic hard prompt chrF 100: $hard100 of 63 rows"
    echo
    echo "== 03 o, best first by the soft prompt's chrF =="
    echo "rows on the first page, in order: $(sed -n '5,21p' "$OUT/03-side-best-first.txt" | grep -E '^ ?[0-9]+ ' | awk '{printf "%s ", $1}')"
    echo
    echo "== 04 view 1, t, r (lesson step 3) =="
    echo "template: $(sed -n 4p "$OUT/04-hard-tokens-run.txt" | awk '{$1=$1; print}' | sed 's/ literal Vietnamese$//')"
    echo "$(grep -E '^─ Tokens the model sees' "$OUT/04-hard-tokens-run.txt" | sed 's/ ─*$//; s/^─ //')"
    echo "chrF over 63: $(sed -n 's/^─ chrF \([0-9.]*\) over 63 samples.*/\1/p' "$OUT/04-hard-tokens-run.txt")"
    echo "row 15: $(grep -E '^15 ' "$OUT/04-hard-tokens-run.txt" | sed 's/  */ /g')"
    echo
    echo "== 05 a 200-step run, the form's defaults (tour) =="
    echo "$(runline 05-soft-default-200 1)"
    echo "Split: $(grep -E '^Split ' "$OUT/05-soft-default-200.txt" | sed 's/^Split  *//; s/   .*//')"
    echo "step 0 (run JSON): valid loss ${tour_run1_v0:-?}, chrF ${tour_run1_m0:-?}"
    echo
    echo "== 06 inspector, shipped soft prompt A (tour) =="
    insp_rows 06-inspect-soft-a >"$TMPD/a.rows"
    echo "rows: $(wc -l <"$TMPD/a.rows" | tr -d ' '); still nearest to their start (first cosine = cos0): $(awk '$2 == $6' "$TMPD/a.rows" | wc -l | tr -d ' ')"
    echo "rows that left their start: $(awk '$2 != $6 {printf "%s ", $1}' "$TMPD/a.rows")"
    echo "cos0 from $(awk 'NR == 1 || $6 < m {m = $6} END {print m}' "$TMPD/a.rows") to $(awk 'NR == 1 || $6 > m {m = $6} END {print m}' "$TMPD/a.rows")"
    echo "x voc from $(sed 's/x//' "$TMPD/a.rows" | awk 'NR == 1 || $4 < m {m = $4} END {print m}') to $(sed 's/x//' "$TMPD/a.rows" | awk 'NR == 1 || $4 > m {m = $4} END {print m}')"
    echo "random control: $(grep -E '^rand ' "$OUT/06-inspect-soft-a.txt" | sed 's/  */ /g')"
    echo
    echo "== 07 typed sentence (lesson step 4) =="
    echo "$(grep -E '† unseen' "$OUT/07-side-typed.txt" | sed 's/^ *//')"
    echo "hard (idiomatic): $(panel 07-side-typed Hard)"
    echo "soft A:           $(panel 07-side-typed Soft)"
    echo "no prompt:        $(panel 07-side-typed None)"
    echo
    echo "== 08/09 lesson step 5: Length 8, LR 1, Steps 300 =="
    echo "run 1 (text):   $(runline 08-soft-text-run 1)"
    echo "run 2 (random): $(runline 09-soft-text-and-random 2)"
    echo "step 0 (run JSON): run 1 text   valid loss ${J1:+$(first_of "$J1" valid_loss)}, chrF ${J1:+$(first_of "$J1" metric)}"
    echo "step 0 (run JSON): run 2 random valid loss ${J2:+$(first_of "$J2" valid_loss)}, chrF ${J2:+$(first_of "$J2" metric)}"
    echo
    echo "== 10 inspector, run 1 (text), melt chart (lesson step 6) =="
    insp_rows 10-inspect-text-run-melt >"$TMPD/t.rows"
    echo "chart legend (start words): $(grep -E '^ +⣿ 0 ' "$OUT/10-inspect-text-run-melt.txt" | sed 's/⣿//g; s/  */ /g; s/^ //')"
    echo "melt@ per row: $(awk '{printf "%s:%s ", $1, $7}' "$TMPD/t.rows")"
    echo "rows that left their word: $(awk '$7 ~ /^[0-9]+$/' "$TMPD/t.rows" | wc -l | tr -d ' ') of $(wc -l <"$TMPD/t.rows" | tr -d ' '); melt@ steps, sorted: $(awk '$7 ~ /^[0-9]+$/ {print $7}' "$TMPD/t.rows" | sort -n | tr '\n' ' ')"
    echo "nearest token of each row now: $(sed -n '/^row  *nearest tokens/,$p' "$OUT/10-inspect-text-run-melt.txt" | grep -E '^ +[0-9]+ ' | sed 's/[█▉▊▋▌▍▎▏]//g' | awk '{printf "%s:%s ", $1, $2}')"
    echo
    echo "== 11 w, snap to words =="
    echo "$(grep -E '^Snap to words: ' "$OUT/11-inspect-snapped.txt" | sed 's/  */ /g')"
    echo "$(grep -E 'snap to words: chrF' "$OUT/11-inspect-snapped.txt" | sed 's/^ *//')"
} >"$OUT/summary.txt"
echo "captures.sh: done in $(($(date +%s) - T0)) s; captures and summary.txt in $OUT" >&2
