# test_tui_class.sh - the TUI on a projector, through tmux on a small random
# model: a row's full text at 80x24 (v in view 1), the inspector scrolled
# to the last token of a long template, / search in the help screen, the
# footers fitted to 80 and 100 columns, the colour theme switched with T
# and remembered across a restart (the settings file under
# XDG_CONFIG_HOME), a bad settings file reported without a crash, and
# NO_COLOR (no colour at all, whatever the saved theme), and a preset that
# replaces an edited template in view 1 or 3 (u brings the template back),
# and the inspector on the embedded model's shipped soft prompts (--demo)
# never drawing one prompt's neighbours under another's name.
#
# tests/tui_lib.sh has the model, the tmux server and the waits.
. tests/lib.sh
. tests/tui_lib.sh

# A source and a reference far wider than their table columns, each ending
# in a word that appears nowhere else.
S=$TMPD/samples.jsonl
cat >"$S" <<'EOF'
{"source": "The old teacher walked slowly across the wide and sunny schoolyard while the children were singing a long song about the sea ZEBRAEND", "target": "Thầy giáo già chậm rãi đi qua sân trường rộng và đầy nắng trong khi bọn trẻ hát một bài hát dài về biển QUAGGAEND"}
{"source": "I like green tea.", "target": "Tôi thích trà xanh."}
{"source": "Where is the market?", "target": "Chợ ở đâu?"}
EOF

CFG=$TMPD/config

# start NAME COLS ROWS [ENV...]: the TUI in a detached pane of that size
start() {
    name=$1 cols=$2 rows=$3
    shift 3
    rm -f "$TMPD/$name".*
    T new-session -d -s "$name" -x "$cols" -y "$rows" \
        "cd '$TMPD' && env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color XDG_DATA_HOME='$TMPD/xdg' \
         XDG_CONFIG_HOME='$CFG' PROMPTLAB_MODEL='$M' $* $BIN tui --samples '$S' 2>'$TMPD/$name.err'; \
         echo \$? > '$TMPD/$name.exit'; echo AFTER-EXIT; sleep 600"
}
colours() { T capture-pane -p -e -t "$1"; }
lacks() { case "$(screen "$1")" in *"$2"*) bad "$3: the screen shows [$2]"; screen "$1" >&2 ;; *) ok ;; esac; }
keys() { T send-keys -t "$1" "$2"; case "$2" in Escape) sleep 0.15 ;; *) sleep 0.05 ;; esac; }
text() { T send-keys -t "$1" -l "$2"; sleep 0.1; }
quit() {
    keys "$1" q
    end=$(($(date +%s) + WAIT))
    while [ ! -s "$TMPD/$1.exit" ] && [ "$(date +%s)" -le "$end" ]; do sleep 0.1; done
    expect_eq "$1 exits cleanly" "$(cat "$TMPD/$1.exit" 2>/dev/null)" 0
}
# colour escapes (SGR 30-38, 40-48, 38;5;N, 48;5;N) in a capture with attributes
# (39 and 49, the default colours, are no colour)
has_colour() { colours "$1" | grep -qE "$(printf '\033')\\[([0-9]*;)*(3[0-8]|4[0-8])(;[0-9]+)*m"; }

# ---- 80x24: the selected row in full ----
start a 80 24
check a "[1 Hard prompt]" "view 1 at 80x24"
keys a r
check a "corpus chrF" "the template runs"
lacks a "ZEBRAEND" "the table cuts the long source"
keys a v
check a "Row 1 of 3 in full" "v opens the full text"
check a "ZEBRAEND" "the whole source is readable"
check a "QUAGGAEND" "the whole reference is readable"
check a "Output under the template" "the output is shown"
keys a PageDown
check a "│ Template" "the pane ends with the template"
keys a Escape
lacks a "in full" "Esc closes the pane"

# the footer at 80 columns: the most important keys, nothing cut in half
foot=$(screen a | tail -n 1)
expect_contains "80-column footer keeps help" "$foot" "? help"
expect_contains "80-column footer keeps run" "$foot" "r run"
expect_contains "80-column footer keeps the full text key" "$foot" "v full text"
case "$foot" in *"…") bad "the footer is cut: [$foot]" ;; *) ok ;; esac

# ---- the inspector scrolls to the last token of a long template ----
keys a e
keys a C-e
text a " and keep every name exactly as it is written in the source sentence, write numbers as digits and keep the punctuation and the capital letters of the elephant"
keys a Escape
check a "{source} and kee" "the editor shows the template's start after editing"
keys a 4
check a "the hard prompt's own tokens" "the inspector lists the template's tokens"
lacks a "▁elephant" "the last token starts below the screen"
keys a End
check a "▁elephant" "End scrolls the inspector to the last token"
keys a Home
keys a /
keys a C-u
text a elephant
keys a Enter
check a "\"elephant\" in line" "/ finds a token in the inspector"
check a "▁elephant" "the search scrolls to the token"

# ---- search in the help screen (the inspector's part is last from view 1) ----
keys a 1
keys a ?
check a "Help - keys and marks" "help opens"
lacks a "melt chart: each row" "the inspector's help starts below the screen"
keys a /
keys a C-u
text a "melt chart"
keys a Enter
check a "\"melt chart\" in line" "/ searches the help"
check a "melt chart: each row" "the search scrolls the help to the match"
keys a Escape
quit a

# ---- footers: 100 columns keep the important keys; view 4 names m once ----
start b 100 30
check b "[1 Hard prompt]" "view 1 at 100x30"
foot=$(screen b | tail -n 1)
expect_contains "100-column footer keeps search" "$foot" "/ search"
case "$foot" in *"…") bad "the footer is cut: [$foot]" ;; *) ok ;; esac
T resize-window -t b -x 160 -y 30
keys b 4
check b "[4 Inspector]" "view 4"
foot=$(screen b | tail -n 1)
expect_contains "a wide footer has every key" "$foot" "T theme"
expect_eq "view 4's footer names m once" "$(echo "$foot" | grep -o ' m ' | wc -l | tr -d ' ')" 1
T resize-window -t b -x 100 -y 30

# ---- the theme: T switches, the choice is saved and comes back ----
has_colour b && ok || bad "no colours in the default theme"
keys b T
check b "theme light, saved in" "T switches to the light theme"
expect_eq "the settings file names the theme" "$(sed -n 's/^theme = //p' "$CFG/promptlab/tui.conf")" light
colours b | grep -q '48;5;231' && ok || bad "the light theme has no white background"
quit b
start c 100 30
check c "[1 Hard prompt]" "restart"
colours c | grep -q '48;5;231' && ok || bad "the light theme did not come back after a restart"
keys c T
check c "theme contrast" "T again: high contrast"
keys c T
check c "theme dark" "T again: back to dark"
expect_eq "the settings file follows" "$(sed -n 's/^theme = //p' "$CFG/promptlab/tui.conf")" dark
keys c T
quit c

# ---- NO_COLOR: no colour at all, even with the light theme saved ----
start d 100 30 NO_COLOR=1
check d "[1 Hard prompt]" "NO_COLOR starts"
if has_colour d; then bad "colours under NO_COLOR"; colours d | head -3 | cat -v >&2; else ok; fi
keys d T
check d "colours stay off" "T under NO_COLOR says colours stay off"
if has_colour d; then bad "colours under NO_COLOR after T"; else ok; fi
quit d

# ---- a bad settings file: a message, the default theme, no crash ----
printf 'theme = purple\nnonsense\n' >"$CFG/promptlab/tui.conf"
start e 100 30
check e "unknown theme \"purple\"" "a bad theme is reported"
quit e
rm -f "$CFG/promptlab/tui.conf"
mkdir -p "$CFG/promptlab/tui.conf"
start f 100 30
check f "unreadable" "an unreadable settings file is reported"
keys f T
check f "not saved" "saving over a directory fails with a message"
quit f

# ---- a preset never silently replaces an edited template: u brings it back ----
start g 100 30
check g "[1 Hard prompt]" "view 1 for the presets"
keys g e
keys g C-u
text g "MY OWN PROMPT {source}"
keys g Escape
check g " MY OWN PROMPT {source}" "the edited template"
keys g p
keys g Enter
check g "loaded; u brings back your template" "a preset over an edited template says u brings it back"
lacks g " MY OWN PROMPT {source}" "the preset replaced the template"
check g "u your template" "the footer offers u"
keys g u
check g "template before the preset is back" "u says the template is back"
check g " MY OWN PROMPT {source}" "u brings the edited template back"
keys g u
lacks g " MY OWN PROMPT {source}" "u again swaps the preset back"
keys g u
# view 3's h (next preset) keeps the user's template the same way
keys g 3
keys g h
check g "loaded; u brings back your template" "h in view 3 says u brings it back"
keys g u
keys g 1
check g " MY OWN PROMPT {source}" "u in view 3 brings the template back"
quit g

# ---- the inspector never shows one prompt's neighbours under another's name ----
# The shipped soft prompts A and B on the embedded model (--demo). s, then s
# again before the next search may start (at most two a second): B's answer
# arrives while A is selected again. It must not be drawn under A's name
# (nor snapped or exported as A's); the view says it is computing until
# A's own answer is in.
T new-session -d -s h -x 100 -y 32 \
    "cd '$TMPD' && env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color XDG_DATA_HOME='$TMPD/xdg' \
     XDG_CONFIG_HOME='$CFG' $BIN tui --demo 2>'$TMPD/h.err'; echo \$? > '$TMPD/h.exit'; sleep 600"
check h "[3 Side by side]" "the demo on the embedded model"
keys h 4
check h "Soft prompt: shipped soft-a" "the inspector opens on soft prompt A"
check h "rand " "A's neighbours are shown"
sleep 1
keys h s
sleep 0.15
keys h s
seen=0 end=$(($(date +%s) + 3))
while [ "$(date +%s)" -le "$end" ]; do
    case "$(screen h)" in *"computing nearest tokens"*) seen=1; break ;; esac
    sleep 0.02
done
[ "$seen" = 1 ] && ok || { bad "B's neighbours were drawn under A's name"; screen h >&2; }
check h "rand " "A's own neighbours come back"
case "$(screen h)" in *"Soft prompt: shipped soft-a"*) ok ;; *) bad "the header left soft prompt A"; screen h >&2 ;; esac
keys h q

finish
