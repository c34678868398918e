# test_shell.sh - `promptlab shell` as a script runner (standard input not a
# terminal: comments, blank lines, the first failing line stops the script
# with FILE:LINE or "line N" and exit 1, `model DIR` checked at once) and as
# a REPL through tmux (file-name completion into a folder, the history file).
. tests/lib.sh
MK=${TOOLS:-build/release/tests/tools}/mkmodel
M=$TMPD/model
"$MK" "$M" "$TESTDATA/t5/tokenizer.json" relu 3 || { bad "mkmodel failed"; finish; exit 1; }
export PROMPTLAB_MODEL=$M
BIN=$(cd "$(dirname "$PROMPTLAB")" && pwd)/$(basename "$PROMPTLAB")
run() { "$@" >"$TMPD/out" 2>"$TMPD/err"; rc=$?; out=$(cat "$TMPD/out"); err=$(cat "$TMPD/err"); }

# ---- scripts -----------------------------------------------------------------
mkdir -p "$TMPD/work/not-a-model"
cd "$TMPD/work" || exit 1
cat >ok.pl <<'EOF'
# a script: comments and blank lines are skipped

tokenize --ids "the cat"   # a comment after a command
tokenize --ids 'a # is kept in quotes'
EOF
run sh -c "$BIN shell <ok.pl"
expect_status "a good script" $rc 0
want=$("$BIN" tokenize --ids "the cat"; "$BIN" tokenize --ids 'a # is kept in quotes')
expect_eq "a good script's output" "$out" "$want"
expect_eq "a good script is quiet on stderr" "$err" ""

cat >bad.pl <<'EOF'
tokenize --ids "the cat"
# the next line fails
tokenize --frob
tokenize --ids "never run"
EOF
run sh -c "$BIN shell <bad.pl"
expect_status "a failing script" $rc 1
expect_eq "lines before the failure ran" "$out" "8 1712 1"
expect_contains "the command's own message" "$err" "unknown option '--frob'"
expect_contains "FILE:LINE" "$err" "bad.pl:3: tokenize failed (exit status 2); stopping"

printf 'tokenize --ids x\nfrobnicate now\ntokenize --ids y\n' >unknown.pl
run sh -c "$BIN shell <unknown.pl"
expect_status "an unknown command" $rc 1
expect_eq "unknown command message" "$err" "unknown.pl:2: unknown command 'frobnicate' (try 'help')"
expect_eq "unknown command stops" "$(printf '%s\n' "$out" | wc -l)" 1

# a file outside the working directory keeps its absolute name
cp unknown.pl "$TMPD/elsewhere.pl"
run sh -c "$BIN shell <'$TMPD/elsewhere.pl'"
expect_contains "absolute FILE" "$err" "$TMPD/elsewhere.pl:2: unknown command"

# a pipe has no file name: "line N"
run sh -c "printf 'tokenize --ids x\n\ntokenize \"open\n' | $BIN shell"
expect_status "a pipe" $rc 1
expect_eq "a pipe says line N" "$err" "line 3: unterminated quote"

# model DIR: checked at once; a directory that is not a model is refused
printf 'model not-a-model\ntokenize --ids x\n' >model.pl
run sh -c "$BIN shell <model.pl"
expect_status "model: not a model" $rc 1
expect_contains "model: not a model" "$err" "model.pl:1: model: not a model directory:"
expect_contains "model: names the file it missed" "$err" "not-a-model/config.json"
expect_contains "model: says what stays" "$err" "(the model stays $M)"
expect_eq "model: nothing after it ran" "$out" ""
printf 'model %s\nmodel\nquit\ntokenize --frob\n' "$M" >good-model.pl
run sh -c "$BIN shell <good-model.pl"
expect_status "model: a model, then quit" $rc 0
expect_eq "model: a model is taken" "$out" "$(printf 'model: %s\nmodel: %s' "$M" "$M")"

# ---- the REPL through tmux -------------------------------------------------------
if ! command -v tmux >/dev/null 2>&1; then
    bad "tmux not installed (make deps installs it)"
    finish
    exit 1
fi
SOCK=$TMPD/tmux.sock
T() { tmux -S "$SOCK" -f /dev/null "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$TMPD"' EXIT
mkdir -p "$TMPD/work/models/tiny-one" "$TMPD/work/models2"
touch "$TMPD/work/notes.txt"
T new-session -d -s s -x 100 -y 20 \
    "cd '$TMPD/work' && env TERM=screen-256color XDG_STATE_HOME='$TMPD/state' $BIN shell; echo EXIT=\$?; sleep 600"
wait_for() {
    end=$(($(date +%s) + 30))
    while [ "$(date +%s)" -le "$end" ]; do
        case "$(T capture-pane -p -t s)" in *"$1"*) return 0 ;; esac
        sleep 0.1
    done
    return 1
}
check() { if wait_for "$1"; then ok; else bad "$2: the screen never showed [$1]"; T capture-pane -p -t s >&2; fi; }
check "promptlab>" "the shell starts"
# a folder: '/' and no space, so the next Tab goes into it
T send-keys -t s -l "info --model models/ti"
T send-keys -t s Tab
sleep 0.3
T send-keys -t s -l "X"
check "promptlab> info --model models/tiny-one/X" "Tab completes a folder with '/'"
T send-keys -t s C-u
# a file: a space after it
T send-keys -t s -l "info --model note"
T send-keys -t s Tab
sleep 0.3
T send-keys -t s -l "X"
check "promptlab> info --model notes.txt X" "Tab completes a file with a space"
T send-keys -t s C-u
T send-keys -t s -l "tokenize --ids 'history line'"
T send-keys -t s Enter
check "$("$BIN" tokenize --ids 'history line')" "a command runs"
T send-keys -t s C-d
check "EXIT=0" "Ctrl-D leaves"
grep -q "history.040line" "$TMPD/state/promptlab/history" 2>/dev/null && ok || bad "the history file lacks the line: $(cat "$TMPD/state/promptlab/history" 2>&1)"
ls -A "$TMPD/state/promptlab" | grep -q tmp && bad "a temporary history file stayed" || ok

finish
