# test_tui.sh - the terminal UI end to end, driven through tmux on a small
# random model: every view opens, a hard prompt is edited and run, training
# starts and its chart moves between two captures, the side-by-side view
# fills in, the inspector shows tokens, the pane is resized during
# training, exports are written, and quitting (q, Ctrl-C, SIGTERM) gives the
# right exit status, a saved prompt and a restored terminal.
#
# tests/tui_lib.sh has the model, the tmux server and the waits.
. tests/lib.sh
. tests/tui_lib.sh

# Samples: Vietnamese references, an idiom with its literal rendering, and
# a source full of terminal escapes that must never reach the terminal raw.
S=$TMPD/samples.jsonl
cat >"$S" <<'EOF'
{"source": "The cat is sleeping.", "target": "Con mèo đang ngủ."}
{"source": "I like green tea.", "target": "Tôi thích trà xanh."}
{"source": "Where is the market?", "target": "Chợ ở đâu?"}
{"source": "It's raining cats and dogs.", "target": "Trời mưa như trút nước.", "literal": "Trời đang mưa mèo và chó.", "tags": ["idiom"]}
{"source": "We will go to Hanoi tomorrow.", "target": "Ngày mai chúng tôi sẽ đi Hà Nội."}
{"source": "Evil \u001b[31mred\u001b[0m text\u0007", "target": "Đỏ."}
EOF

WORK=$TMPD/work
mkdir -p "$WORK"

# start NAME ARGS...: run the TUI in a detached 100x30 pane; when it exits the
# pane records its status, the terminal modes and a marker.
start() {
    name=$1
    shift
    rm -f "$TMPD/$name".*
    T new-session -d -s "$name" -x 100 -y 30 \
        "cd '$WORK' && env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color XDG_DATA_HOME='$TMPD/xdg' \
         PROMPTLAB_MODEL='$M' PROMPTLAB_TUI_STATS='$TMPD/$name.stats' \
         sh -c 'echo \$\$ > $TMPD/$name.pid; exec $BIN tui $*' 2>'$TMPD/$name.err'; \
         echo \$? > '$TMPD/$name.exit'; stty -a > '$TMPD/$name.stty' 2>&1; echo AFTER-EXIT; sleep 600"
}
# one key; after Esc wait past the TUI's 25 ms escape delay so the next key
# is not read as Alt+key
keys() { T send-keys -t "$1" "$2"; case "$2" in Escape) sleep 0.15 ;; *) sleep 0.05 ;; esac; }
text() { T send-keys -t "$1" -l "$2"; sleep 0.1; }
wait_exit() {
    end=$(($(date +%s) + WAIT))
    while [ ! -s "$TMPD/$1.exit" ] && [ "$(date +%s)" -le "$end" ]; do sleep 0.1; done
    cat "$TMPD/$1.exit" 2>/dev/null || echo none
}
step_of() { screen "$1" | sed -n 's/.* step \([0-9]*\)\/.*/\1/p' | head -n 1; }
# the loss chart: the rows of the upper right area
chart_of() { screen "$1" | sed -n '5,15p' | cut -c32-; }

# ---- session 1: every view -------------------------------------------------
start a --samples "'$S'"
check a "[1 Hard prompt]" "opens on the hard prompt view"
check a "random-test-model (T5 v1.1" "status line names the model and its family"
check a "Con mèo đang ngủ." "Vietnamese diacritics"
check a "␛[31mred␛[0m" "escapes from a file are shown as symbols"
case "$(T capture-pane -p -e -t a)" in *"$(printf '\033')[31mred"*) bad "raw escape reached the terminal" ;; *) ok ;; esac

# edit the template: e, Ctrl-U clears the line, type, Esc, run
keys a e
check a "editing: Esc done" "e starts editing"
keys a C-u
text a "translate English to French: {source}"
keys a Escape
check a "Template (Enter/e edit)" "Esc stops editing"
check a "translate English to French: {source}" "the typed template"
keys a r
check a "chrF " "run shows a score"
check a "over 6 samples" "run covers the sample set"
keys a t
check a "Tokens the model sees for sample 1" "token view"
check a "▁French" "the template's pieces"
check a "</s>" "end-of-sequence token shown"
case "$(screen a)" in *"please enlarge"*|*"Please enlarge"*) bad "too-small message at 100x30" ;; *) ok ;; esac

# help and picker overlays
keys a '?'
check a "Help - keys and marks" "help overlay"
check a "never seen it" "help explains the unseen mark"
keys a Escape
keys a m
check a "Pick a model, sample set or soft prompt" "picker"
check a "samples.jsonl" "picker lists the user's JSONL in the current directory"
keys a Escape

# mouse: a click on a tab switches the view (X10 mouse reports, as the
# terminal sends them: ESC [ M, button+32, column+33, row+33)
T send-keys -t a -l "$(printf '\033[M O!\033[M#O!')"
check a "[3 Side by side]" "a click on tab 3"
T send-keys -t a -l "$(printf '\033[M /!\033[M#/!')"
check a "[1 Hard prompt]" "a click on tab 1"

# view 2: a short run (length 8, batch 4, 60 steps)
keys a 2
check a "[2 Soft prompt]" "view 2 opens"
check a "No run yet" "no run yet"
# six samples: the held-out rule validates on one, and the form says so
check a "Split      1 valid: too few" "the form warns of a small validation split"
# Enter edits a field; digits 1-4 still switch views when not editing
keys a Down; keys a Enter; text a 8; keys a Enter                 # Length 8
for i in 1 2 3 4 5; do keys a Down; done                          # Steps
keys a Enter; text a 60; keys a Enter
keys a Down; keys a Enter; text a 4; keys a Enter                 # Batch 4
check a "Steps      60" "steps field edited"
keys a s
check a "run 1 started: vocab; only 1 validation example (under 5)" "training starts, with a warning"
check a "training  step" "live status"
wait_for a "Validation metric" >/dev/null
end=$(($(date +%s) + WAIT)); s1=
while [ "$(date +%s)" -le "$end" ]; do s1=$(step_of a); [ -n "$s1" ] && [ "$s1" -ge 5 ] && break; sleep 0.1; done
c1=$(chart_of a)
end=$(($(date +%s) + WAIT)); s2=$s1
while [ "$(date +%s)" -le "$end" ]; do
    s2=$(step_of a)
    [ -n "$s2" ] && [ "$s2" -ge $((s1 + 5)) ] && break
    case "$(screen a)" in *"run 1 ● done"*|*"finished"*) break ;; esac
    sleep 0.1
done
c2=$(chart_of a)
if [ -n "$s1" ] && [ -n "$s2" ] && [ "$s2" -gt "$s1" ]; then ok; else bad "step did not advance ($s1 -> $s2)"; fi
if [ "$c1" != "$c2" ]; then ok; else bad "the chart did not change between two captures"; fi
printf '%s' "$c2" | LC_ALL=C grep -q "$(printf '\342[\240-\243]')" && ok || bad "no Braille plot in the chart area"

# resize while it trains: smaller than 80x24, then 80x24, then back
T resize-window -t a -x 70 -y 20
check a "Please enlarge the window" "below 80x24 asks for a larger window"
T resize-window -t a -x 80 -y 24
check a "[2 Soft prompt]" "80x24 redraws the view"
case "$(screen a)" in *"enlarge"*) bad "enlarge message stayed after growing" ;; *) ok ;; esac
T resize-window -t a -x 100 -y 30
check a "Prompt health (r1)" "100x30 redraws the charts"
check a "run 1 ● done" "the run finishes" $((WAIT * 2))
ls "$TMPD"/xdg/promptlab/runs/*-run1/adapter_config.json >/dev/null 2>&1 && ok || bad "no checkpoint in the runs directory"
# the picker shows a saved run's settings and score, read from its promptlab.json
keys a m
check a "init vocab  N8  LR 0.3  chrf " "the picker describes the saved run"
keys a Escape
keys a E
# the status line names every file: loss, metric and the selected run's health
check a "charts exported: " "chart export"
check a "promptlab-{loss,metric,health}-" "the status line names the three charts"
EXP=$TMPD/xdg/promptlab/exports
ls "$EXP"/promptlab-loss-*.svg "$EXP"/promptlab-metric-*.svg "$EXP"/promptlab-health-*.svg >/dev/null 2>&1 && ok || bad "no SVG files in $EXP"
# caption_of FILE: an SVG's caption, its wrapped lines joined again
caption_of() { sed -n 's/^<text x="16" y="[0-9.]*">\(.*\)<\/text>$/\1/p' "$@" 2>/dev/null | tr '\n' ' '; }
svg=$(cat "$EXP"/promptlab-health-*.svg 2>/dev/null)
expect_contains "health legend names the settings" "$svg" ">r1 vocab N8 adafactor lr 0.3: grad norm<"
expect_contains "health caption names the run" "$(caption_of "$EXP"/promptlab-health-*.svg)" \
    "Run r1: prompt tuning, data samples.jsonl, init vocab, 8 rows, adafactor lr 0.3, 60 steps"
# the legend names the run's settings, the caption all of them
svg=$(cat "$EXP"/promptlab-loss-*.svg 2>/dev/null)
expect_contains "loss legend names the settings" "$svg" ">r1 vocab N8 adafactor lr 0.3 train<"
expect_contains "loss caption names the data" "$svg" "Runs: r1: prompt tuning, data samples.jsonl"
expect_contains "loss caption names the settings" "$svg" "init vocab, 8 rows, adafactor lr 0.3, 60 steps, batch 4"
expect_contains "metric legend names the settings" "$(cat "$EXP"/promptlab-metric-*.svg 2>/dev/null)" ">r1 vocab N8 adafactor lr 0.3 chrf<"
[ -z "$(ls "$WORK")" ] && ok || bad "exports landed in the current directory: $(ls "$WORK")"

# view 3: outputs fill in for all three prompts; a typed sentence
keys a 3
check a "[3 Side by side]" "view 3 opens"
check a "Soft: run 1" "the trained prompt is the soft prompt"
# every sample row (screen lines 5-10) carries three score glyphs
scored_rows() {
    screen a | sed -n '5,10p' | while IFS= read -r line; do
        printf '%s\n' "$line" | grep -F -o -e '●' -e '◕' -e '◑' -e '○' | wc -l
    done | grep -c '^ *3$'
}
end=$(($(date +%s) + WAIT)); filled=0
while [ "$(date +%s)" -le "$end" ]; do
    [ "$(scored_rows)" -ge 6 ] && filled=1 && break
    sleep 0.2
done
[ "$filled" = 1 ] && ok || { bad "side-by-side rows did not fill in"; screen a >&2; }
keys a i
text a "Phở bò is tasty"
keys a Enter
check a "* Phở† bò†" "typed sentence added with unseen words marked"
check a "unseen by the model: Phở" "unseen words explained"
keys a Escape
keys a E
check a "table exported:" "table export"
ls "$EXP"/promptlab-side-*.md "$EXP"/promptlab-side-*.csv >/dev/null 2>&1 && ok || bad "no Markdown/CSV files"
grep -q "Con mèo đang ngủ" "$EXP"/promptlab-side-*.md && ok || bad "Markdown lacks the reference"

# view 4: nearest tokens of the trained prompt, the control, the template's tokens
keys a 4
check a "[4 Inspector]" "view 4 opens"
check a "nearest tokens (cosine)" "inspector table"
check a "rand " "random control row"
check a "parameters; the frozen model has" "parameter counts"
screen a | sed -n '7,12p' | grep -q '▁' && ok || bad "no vocabulary pieces in the inspector"
keys a w
check a "Snap to words: \"" "snap to words runs"
# its last message comes when it finishes (it would replace E's below)
check a "snap to words: chrF" "snap to words finishes"
keys a c
check a "Cosine of rows" "melt chart"
# E: every row's neighbours as Markdown and CSV, the melt chart as SVG
keys a E
check a "exported: " "the inspector exports"
check a "promptlab-neighbours-" "the status line names the neighbour tables"
check a ".{md,csv}, promptlab-melt-" "the status line names the melt chart"
md=$(cat "$EXP"/promptlab-neighbours-*.md 2>/dev/null)
expect_contains "neighbour table header" "$md" "| row | kind | nearest 1 | cos 1 |"
expect_contains "neighbour table has the control" "$md" "| rand | random control |"
expect_contains "neighbour caption names the run" "$md" "Run r1: prompt tuning, data samples.jsonl, init vocab, 8 rows"
[ "$(grep -c ',soft prompt row,' "$EXP"/promptlab-neighbours-*.csv 2>/dev/null)" = 8 ] && ok || bad "the CSV lacks the 8 prompt rows"
svg=$(cat "$EXP"/promptlab-melt-*.svg 2>/dev/null)
expect_contains "melt title names the settings" "$svg" "of r1 vocab N8 adafactor lr 0.3<"
expect_contains "melt caption names the run" "$(caption_of "$EXP"/promptlab-melt-*.svg)" \
    "Run r1: prompt tuning, data samples.jsonl, init vocab, 8 rows, adafactor lr 0.3, 60 steps"

# view 2 again: model tuning, the paper's baseline, from the same form
keys a 2
keys a Down; keys a Down; keys a Enter                            # Batch -> Seed -> Method: model
check a "Method     < model >" "method field switches to model"
keys a s
check a "run 2 started: model tuning" "model tuning starts"
check a "run 2 ● done" "the model-tuning run finishes" $((WAIT * 2))
check a "Weights health (r2)" "health chart of the weights"
ls "$TMPD"/xdg/promptlab/runs/*-run2/model.safetensors >/dev/null 2>&1 && ok || bad "no model in the run's directory"

# quit: no run is going, so q leaves at once
keys a q
st=$(wait_exit a)
expect_eq "exit status after q" "$st" 0
check a "AFTER-EXIT" "the shell got the terminal back"
expect_eq "alternate screen left" "$(T display -p -t a '#{alternate_on}')" 0
grep -q ' icanon' "$TMPD/a.stty" && grep -q ' echo ' "$TMPD/a.stty" && ok || bad "terminal modes not restored: $(cat "$TMPD/a.stty")"
grep -q '^keys ' "$TMPD/a.stats" && ok || bad "no latency stats"
med=$(sed -n 's/^key_latency_median_ms //p' "$TMPD/a.stats")
mx=$(sed -n 's/^key_latency_max_ms //p' "$TMPD/a.stats")
# the figures are numbers; how large they are is measured by tests/bench_tui.sh
case "$med" in ''|*[!0-9.]*) bad "key latency median is not a number: [$med]" ;; *) ok ;; esac
case "$mx" in ''|*[!0-9.]*) bad "key latency max is not a number: [$mx]" ;; *) ok ;; esac

# ---- session 2: keys answered while training; Ctrl-C saves ---------------------
start b --samples "'$S'"
check b "[1 Hard prompt]" "second session"
keys b 2
for i in 1 2 3 4 5 6; do keys b Down; done
keys b Enter; text b 5000; keys b Enter      # Steps 5000: still going at Ctrl-C
keys b s
check b "training  step" "second run trains"
for v in 1 2 1 2; do keys b "$v"; done
check b "[2 Soft prompt]" "views switch while training"
keys b 2
keys b C-c
st=$(wait_exit b)
expect_eq "exit status after Ctrl-C" "$st" 130
grep -q "best prompt (step [0-9]*) saved in" "$TMPD/b.err" && ok || bad "Ctrl-C did not report the saved prompt: $(cat "$TMPD/b.err")"
ls "$TMPD"/xdg/promptlab/runs/*-run1/adapter_model.safetensors >/dev/null 2>&1 && ok || bad "no saved prompt"
expect_eq "alternate screen left after Ctrl-C" "$(T display -p -t b '#{alternate_on}')" 0

# ---- session 3: q while training asks; SIGTERM saves and restores -------------
start c --samples "'$S'" --demo
check c "[3 Side by side]" "--demo opens the side-by-side view"
check c "Demo:" "--demo says what it loaded"
keys c 2
for i in 1 2 3 4 5 6; do keys c Down; done
keys c Enter; text c 5000; keys c Enter
keys c s
check c "training  step" "third run trains"
keys c q
check c "Quit promptlab?" "quitting during training asks"
keys c Escape
check c "training  step" "Esc keeps training"
kill -TERM "$(cat "$TMPD/c.pid")"
st=$(wait_exit c)
expect_eq "exit status after SIGTERM" "$st" 143
grep -q ' icanon' "$TMPD/c.stty" && ok || bad "terminal not restored after SIGTERM"
grep -q "saved in" "$TMPD/c.err" && ok || bad "SIGTERM lost the prompt: $(cat "$TMPD/c.err")"

# ---- session 4: the classroom (keys, search, sort, themes) -------------------
start d --samples "'$S'"
check d "[1 Hard prompt]" "fourth session"
# Esc and a digit in one burst: Esc leaves the editor, the digit switches views
keys d e
check d "editing: Esc done" "e edits the template"
T send-keys -t d Escape 3
check d "[3 Side by side]" "Esc then a digit at once is Esc, then the view key"
# a number typed on after Enter closed the field does not switch views
keys d 2
keys d Down; keys d Enter; text d 8; keys d Enter; text d 300
check d "ignored: digits switch views 1 s after Enter closes a field" "digits after Enter are held back"
case "$(screen d)" in *"[2 Soft prompt]"*) ok ;; *) bad "a number typed after Enter switched the view"; screen d >&2 ;; esac
sleep 1.1
keys d 1
check d "[1 Hard prompt]" "a digit a second later switches views"
# / searches the sample rows (any column, case ignored); n and N go on, wrapping
keys d /
check d "Search the rows for" "/ asks what to search"
text d the; keys d Enter
check d '"the" in row 3 (n next, N previous)' "/ finds the first row after the selection"
keys d n
check d '"the" in row 1 (n next, N previous)' "n wraps to the next match"
keys d N
check d '"the" in row 3 (n next, N previous)' "N goes back"
keys d 3
keys d /; keys d C-u; text d hanoi; keys d Enter
check d '"hanoi" in row 5' "/ in the side-by-side view"
# f keeps only the matching rows
keys d f
check d 'only rows containing "hanoi"' "f filters"
rows_shown() { screen d | sed -n '5,10p'; }
case "$(rows_shown)" in *"Hanoi"*) ok ;; *) bad "the filter lost the matching row" ;; esac
case "$(rows_shown)" in *"The cat"*) bad "the filter kept a row without the text"; screen d >&2 ;; *) ok ;; esac
keys d f
check d 'all rows (f keeps only' "f again shows all"
keys d /; keys d C-u; text d zzz; keys d Enter
check d 'no row contains "zzz"' "a search without a match says so"
# o sorts by the chrF of the hard prompt (no soft prompt yet): best first, then worst first
hard_scores() {
    screen d | sed -n '5,10p' | while IFS= read -r line; do
        printf '%s\n' "$line" | sed 's/[●◕◑○]/@/g' | grep -o '@ *[0-9][0-9]*' | head -n 1 | tr -dc '0-9'; echo
    done
}
end=$(($(date +%s) + WAIT))
while [ "$(date +%s)" -le "$end" ] && [ "$(hard_scores | grep -c '[0-9]')" -lt 6 ]; do sleep 0.2; done
keys d o
check d "rows by the hard prompt's chrF, best first" "o sorts best first"
s1=$(hard_scores | tr '\n' ' ')
[ "$(hard_scores | sort -rn | tr '\n' ' ')" = "$s1" ] && ok || bad "rows not best first: $s1"
keys d o
check d "worst first" "o again sorts worst first"
s2=$(hard_scores | tr '\n' ' ')
[ "$(hard_scores | sort -n | tr '\n' ' ')" = "$s2" ] && ok || bad "rows not worst first: $s2"
[ "$s1" != "$s2" ] && ok || bad "best first and worst first look the same: $s1"
keys d o
check d "rows in their own order" "o a third time restores the order"
# view 1: o sorts the results by chrF, f filters them too
keys d 1
keys d r
check d "over 6 samples" "view 1 runs"
v1_scores() { screen d | sed 's/[●◕◑○]/@/g' | grep -o '@ *[0-9][0-9]*' | tr -dc '0-9\n'; }
end=$(($(date +%s) + WAIT))
while [ "$(date +%s)" -le "$end" ] && [ "$(v1_scores | grep -c .)" -lt 6 ]; do sleep 0.2; done
keys d o
check d "rows by chrF, best first" "o in view 1"
v=$(v1_scores | tr '\n' ' ')
[ "$(v1_scores | sort -rn | tr '\n' ' ')" = "$v" ] && [ "$(v1_scores | grep -c .)" -ge 5 ] && ok || bad "view 1 not best first: $v"
keys d o
check d "rows by chrF, worst first" "o again in view 1"
v=$(v1_scores | tr '\n' ' ')
[ "$(v1_scores | sort -n | tr '\n' ' ')" = "$v" ] && ok || bad "view 1 not worst first: $v"
keys d E
check d "table exported: " "E exports view 1's table"
ls "$TMPD"/xdg/promptlab/exports/promptlab-hard-*.md "$TMPD"/xdg/promptlab/exports/promptlab-hard-*.csv >/dev/null 2>&1 && ok || bad "no view 1 Markdown/CSV export"
grep -q "Where is the market" "$TMPD"/xdg/promptlab/exports/promptlab-hard-*.csv && ok || bad "view 1 CSV lacks a sample"
keys d /; keys d C-u; text d market; keys d Enter; keys d f
check d 'only rows containing "market"' "f in view 1"
case "$(screen d)" in *"Where is the market"*) ok ;; *) bad "view 1 filter lost the row" ;; esac
case "$(screen d)" in *"I like green tea"*) bad "view 1 filter kept another row" ;; *) ok ;; esac
keys d f
# a classification data set chosen in the form fills Init text with its labels
C=$TMPD/classes.jsonl
cat >"$C" <<'EOF'
{"source": "We like zebras.", "target": "animals", "label": "animals"}
{"source": "Rice with fish.", "target": "food", "label": "food"}
{"source": "The owls sleep.", "target": "animals", "label": "animals"}
{"source": "It rains today.", "target": "weather", "label": "weather"}
EOF
keys d 2
keys d Up; keys d Enter
check d "Training data (JSONL)" "Enter on Data opens the data picker"
keys d End; keys d Enter; keys d C-u; text d "$C"; keys d Enter
check d "labels animals,food,weather" "the set's labels are named"
keys d Down; keys d Down; keys d Right; keys d Right
check d "Init       < labels >" "init switched to labels"
check d "Init text  animals,food,wea" "Init text holds the set's labels"
# the picker marks what is in use: the model, the sample set; for the form, its data
keys d m
check d "Pick a model, sample set or soft prompt" "picker in session d"
check d "* samples.jsonl" "the picker marks the sample set in use"
check d "* model " "the picker marks the model in use"
keys d Escape
keys d Up; keys d Up; keys d Enter
check d "Pick the training data" "the data picker again"
check d "* classes.jsonl" "the data picker marks the form's data set"
keys d Escape
keys d q
expect_eq "session d quits" "$(wait_exit d)" 0

# ---- terminals that cannot show it, a locale that is not UTF-8 ---------------
# plain NAME ENV...: the TUI in a pane with these variables; records its
# exit status and stderr
plain() {
    name=$1
    shift
    rm -f "$TMPD/$name".*
    T new-session -d -s "$name" -x 100 -y 30 \
        "cd '$WORK' && env XDG_DATA_HOME='$TMPD/xdg' PROMPTLAB_MODEL='$M' PROMPTLAB_TUI_STATS='$TMPD/$name.stats' $* \
         sh -c 'echo \$\$ > $TMPD/$name.pid; exec $BIN tui --samples $S' 2>'$TMPD/$name.err'; \
         echo \$? > '$TMPD/$name.exit'; echo AFTER-EXIT; sleep 600"
}
plain dumb TERM=dumb LANG=C.UTF-8
expect_eq "TERM=dumb exits 1" "$(wait_exit dumb)" 1
expect_contains "TERM=dumb names what is missing" "$(cat "$TMPD/dumb.err")" \
    "the terminal 'dumb' has no cursor addressing (terminfo 'cup')"
expect_eq "TERM=dumb: one line" "$(wc -l <"$TMPD/dumb.err")" 1
plain unknown TERM=no-such-terminal LANG=C.UTF-8
expect_eq "unknown TERM exits 1" "$(wait_exit unknown)" 1
expect_contains "unknown TERM says so" "$(cat "$TMPD/unknown.err")" "the terminal type 'no-such-terminal' is unknown here"
plain noterm TERM= LANG=C.UTF-8
expect_eq "empty TERM exits 1" "$(wait_exit noterm)" 1
expect_contains "empty TERM says so" "$(cat "$TMPD/noterm.err")" "TERM is not set"

# LANG=C: the status line says how to see Vietnamese; then SIGTERM before
# any key, so the stats have no latency to report and say so
plain clocale TERM=screen-256color LANG=C LC_ALL=C
check clocale "Not a UTF-8 locale (C): Vietnamese shows as '?'. Run with LC_ALL=C.UTF-8." "LANG=C explains the '?'"
kill -TERM "$(cat "$TMPD/clocale.pid")"
expect_eq "LANG=C session ends on SIGTERM" "$(wait_exit clocale)" 143
expect_eq "stats with no keys" "$(cat "$TMPD/clocale.stats" | grep -v '^frame_max_ms ')" "keys 0"
grep -qi nan "$TMPD/clocale.stats" && bad "stats say nan: $(cat "$TMPD/clocale.stats")" || ok

# ---- session 5: an experiment's table and figures -----------------------------
$PROMPTLAB experiment --model "$M" --methods prompt --lengths 1,2 --steps 2 --eval-every 1 \
    --train "$S" --test "$S" --max-len 4 --out "$TMPD/exp" >/dev/null 2>&1
expect_status "a small experiment for the TUI" $? 0
start exp --experiment "$TMPD/exp"
check exp "Experiment $TMPD/exp: 2 cells" "--experiment opens the experiment page"
check exp "Score by prompt length" "the page draws the length figure"
check exp "(1/" "the figure counter"
keys exp Right
check exp "(2/" "Right shows the next figure"
keys exp E
check exp "exported $TMPD/xdg/promptlab/exports/promptlab-fig_" "E exports the figure under XDG"
keys exp Escape
check exp "? help" "Esc closes the page"
keys exp m
keys exp End # the list is longer than the screen: experiments come last
check exp "Experiments (promptlab experiment" "the picker lists experiments"
keys exp Escape
keys exp q
expect_eq "experiment session quits" "$(wait_exit exp)" 0
$PROMPTLAB tui --experiment "$TMPD/no-such-dir" </dev/null >"$TMPD/out" 2>"$TMPD/err"
expect_status "tui --experiment with no experiment there" $? 1
expect_contains "tui --experiment names the missing file" "$(cat "$TMPD/err")" "$TMPD/no-such-dir"

# no sanitizer (make san) or UBSan report in any session, each one ended (a
# leak report is written at exit)
for s in a b c d exp; do
    if [ ! -f "$TMPD/$s.err" ]; then
        bad "session $s left no stderr file"
    elif grep -q -e "Sanitizer" -e "runtime error" "$TMPD/$s.err"; then
        bad "sanitizer report in session $s"
        cat "$TMPD/$s.err" >&2
    else
        ok
    fi
done

# ---- not a terminal ---------------------------------------------------------
$PROMPTLAB tui --model "$M" </dev/null >"$TMPD/out" 2>"$TMPD/err"
expect_status "tui without a terminal" $? 1
expect_contains "tui without a terminal" "$(cat "$TMPD/err")" "needs a terminal"
$PROMPTLAB tui --help >"$TMPD/out" 2>&1
expect_status "tui --help" $? 0
expect_contains "tui --help" "$(cat "$TMPD/out")" "usage: promptlab tui"
$PROMPTLAB tui --frob >/dev/null 2>&1
expect_status "tui bad option" $? 2

finish
