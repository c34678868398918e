# test_tune_cli.sh - `promptlab tune`, `neighbors`, `eval` and `shell` end to
# end on a small random model: a prompt trains, saves in PEFT's layout,
# resumes with its curve, loads into translate; and every kind of bad
# training input gives a clear message and exit status.
. tests/lib.sh
MK=${TOOLS:-build/release/tests/tools}/mkmodel
M=$TMPD/model
"$MK" "$M" "$TESTDATA/t5/tokenizer.json" relu 3 || { bad "mkmodel failed"; finish; exit 1; }
export PROMPTLAB_MODEL=$M
run() { "$@" >"$TMPD/out" 2>"$TMPD/err"; rc=$?; out=$(cat "$TMPD/out"); err=$(cat "$TMPD/err"); }

D=$TMPD/data.jsonl
: >"$D"
for w in house cat dog tree river green small happy bird moon sun water; do
    printf '{"source": "the %s", "target": "das %s"}\n' "$w" "$w" >>"$D"
done

# A short run: saves PEFT files and the record, prints a summary.
run $PROMPTLAB tune --data "$D" --out "$TMPD/p" --length 4 --steps 6 --batch 4 --eval-every 3 --seed 2
expect_status "tune" $rc 0
expect_contains "tune summary" "$out" "saved $TMPD/p"
# 12 examples: the held-out tail (a sixth) is 2, too few to judge a run by;
# one line says so
expect_contains "few validation examples warned" "$err" \
    "warning: only 2 validation examples (held out from --data, under 5): its loss and chrf are noise; give --valid FILE with 5 or more, or more data"
expect_eq "the warning is one line" "$(grep -c 'validation example' "$TMPD/err")" 1
# --valid with 12 examples: no warning; with 3: the warning names --valid
run $PROMPTLAB tune --data "$D" --valid "$D" --out "$TMPD/v" --length 4 --steps 1 --batch 4
expect_status "tune with --valid" $rc 0
case "$err" in *"warning: only"*) bad "warned with 12 validation examples: $err" ;; *) ok ;; esac
head -n 3 "$D" >"$TMPD/three.jsonl"
run $PROMPTLAB tune --data "$D" --valid "$TMPD/three.jsonl" --out "$TMPD/v3" --length 4 --steps 1 --batch 4
expect_contains "a small --valid warned" "$err" "warning: only 3 validation examples (in --valid, under 5)"
for f in adapter_config.json adapter_model.safetensors promptlab.json; do
    [ -s "$TMPD/p/$f" ] && ok || bad "tune wrote no $f"
done
cfg=$(cat "$TMPD/p/adapter_config.json")
expect_contains "peft type" "$cfg" '"peft_type": "PROMPT_TUNING"'
expect_contains "task type" "$cfg" '"task_type": "SEQ_2_SEQ_LM"'
expect_contains "virtual tokens" "$cfg" '"num_virtual_tokens": 4'
expect_contains "submodules" "$cfg" '"num_transformer_submodules": 2'

# Same seed, same prompt bit for bit.
run $PROMPTLAB tune --data "$D" --out "$TMPD/p2" --length 4 --steps 6 --batch 4 --eval-every 3 --seed 2
cmp -s "$TMPD/p/adapter_model.safetensors" "$TMPD/p2/adapter_model.safetensors" && ok || bad "same seed gave a different prompt"

# Resume continues the curve.
cp -r "$TMPD/p" "$TMPD/r"
run $PROMPTLAB tune --data "$D" --out "$TMPD/r" --resume "$TMPD/r" --steps 9 --batch 4 --eval-every 3
expect_status "resume" $rc 0
expect_contains "resume summary" "$out" "steps 9"
run $PROMPTLAB tune --data "$D" --out "$TMPD/r" --resume "$TMPD/r" --steps 9
expect_status "resume with nothing to do" $rc 2

# The prompt loads into translate, score and neighbors.
run $PROMPTLAB translate --soft "$TMPD/p" "the cat"
expect_status "translate --soft" $rc 0
run $PROMPTLAB translate --soft "$TMPD/p" --hard 'translate: {source}' "the cat"
expect_status "translate --soft --hard" $rc 0
run $PROMPTLAB score --soft "$TMPD/p" --source "the cat" --target "das cat"
expect_status "score --soft" $rc 0
run $PROMPTLAB neighbors --soft "$TMPD/p" -k 3
expect_status "neighbors" $rc 0
expect_eq "neighbors rows" "$(printf '%s\n' "$out" | wc -l)" 4
expect_contains "neighbors drift" "$out" "drift"
run $PROMPTLAB neighbors --hard "translate English to German:" -k 2 --json
expect_contains "hard neighbors are themselves" "$out" '"cosine": 1.0000'

# Initialisers.
for init in random vocab "text:translate English to German" "labels:yes,no"; do
    run $PROMPTLAB tune --data "$D" --out "$TMPD/i" --length 4 --steps 2 --batch 4 --init "$init"
    expect_status "init $init" $rc 0
done
run $PROMPTLAB tune --data "$D" --out "$TMPD/i" --init bogus --steps 1
expect_status "bad init" $rc 2
expect_contains "bad init message" "$err" "unknown init 'bogus'"
run $PROMPTLAB tune --data "$D" --out "$TMPD/i" --init "labels:yes,,no" --steps 1
expect_status "empty label" $rc 1
expect_contains "empty label message" "$err" "class label 2 is empty"
printf '{"source": "a", "target": "b"}\n' >"$TMPD/one.jsonl"
run $PROMPTLAB tune --data "$TMPD/one.jsonl" --out "$TMPD/i" --steps 1
expect_status "one example" $rc 1
expect_contains "one example message" "$err" "too few to hold some out for validation"

# Exact resume: 6 steps, stop, 6 more from the checkpoint = 12 at once.
run $PROMPTLAB tune --data "$D" --out "$TMPD/u12" --length 4 --steps 12 --batch 4 --eval-every 3 --optimizer adam --lr 0.01
run $PROMPTLAB tune --data "$D" --out "$TMPD/u6" --length 4 --steps 6 --batch 4 --eval-every 3 --optimizer adam --lr 0.01
[ -s "$TMPD/u6/checkpoint/trainer.safetensors" ] && ok || bad "tune wrote no checkpoint"
run $PROMPTLAB tune --data "$D" --out "$TMPD/u6" --resume "$TMPD/u6" --steps 12
expect_status "exact resume" $rc 0
cmp -s "$TMPD/u12/adapter_model.safetensors" "$TMPD/u6/adapter_model.safetensors" && ok || bad "resumed run differs from the uninterrupted one"

# Model tuning: every weight of a copy, saved as a model directory that the
# other commands open; the summary counts what was trained.
run $PROMPTLAB tune --data "$D" --out "$TMPD/mt" --method model --steps 4 --batch 4 --eval-every 2
expect_status "tune --method model" $rc 0
expect_contains "model tuning counts" "$out" "trained 2221056 of 2221056 parameters (100%)"
for f in config.json model.safetensors tokenizer.json promptlab-run.json; do
    [ -s "$TMPD/mt/$f" ] && ok || bad "model tuning wrote no $f"
done
expect_contains "run record" "$(cat "$TMPD/mt/promptlab-run.json")" '"method":	"model"'
run $PROMPTLAB translate --model "$TMPD/mt" "the cat"
expect_status "translate with the tuned model" $rc 0
run $PROMPTLAB tune --data "$D" --out "$TMPD/i" --method bogus
expect_status "bad method" $rc 2
run $PROMPTLAB tune --data "$D" --out "$TMPD/i" --length 4 --steps 2 --batch 4
expect_contains "prompt tuning counts" "$out" "trained 256 of 2221056 parameters"

# Ctrl-C: the best prompt so far is saved and the exit status is 130.
$PROMPTLAB tune --data "$D" --out "$TMPD/int" --length 4 --steps 1000000 --batch 4 --eval-every 1 \
    >"$TMPD/out" 2>"$TMPD/err" &
pid=$!
i=0
while [ ! -s "$TMPD/int/adapter_model.safetensors" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill -INT $pid
wait $pid
rc=$?
expect_status "tune after Ctrl-C" $rc 130
expect_contains "Ctrl-C message" "$(cat "$TMPD/err")" "the best prompt (step"
run $PROMPTLAB translate --soft "$TMPD/int" "the cat"
expect_status "the prompt saved at Ctrl-C loads" $rc 0

# eval: one row per prompt.
run $PROMPTLAB eval --data "$D" --hard 'translate English to German: {source}' --soft "$TMPD/p"
expect_status "eval" $rc 0
expect_eq "eval rows" "$(printf '%s\n' "$out" | wc -l)" 3
run $PROMPTLAB eval --data "$D" --json --limit 3
expect_contains "eval json" "$out" '"chrf": '

# eval --ensemble: members, the ensemble, their mean and the best member; a
# prompt given twice outvotes a third, so the ensemble scores as it does
H='translate English to German: {source}'
run $PROMPTLAB eval --data "$D" --limit 6 --metric chrf --hard "$H" --soft "$TMPD/p" --hard "$H" --ensemble
expect_status "eval --ensemble" $rc 0
expect_eq "ensemble rows" "$(printf '%s\n' "$out" | wc -l)" 7
expect_contains "ensemble row" "$out" "ensemble of 3 (majority vote; 0 ties)"
a=$(printf '%s\n' "$out" | sed -n 2p | awk '{print $NF}')
ens=$(printf '%s\n' "$out" | sed -n 5p | awk '{print $NF}')
expect_eq "two agreeing members decide" "$ens" "$a"
expect_contains "mean row" "$out" "mean of the members"
expect_contains "best row" "$out" "best member ("
run $PROMPTLAB eval --data "$D" --limit 4 --hard "$H" --soft "$TMPD/p" --ensemble --json
expect_status "eval --ensemble --json" $rc 0
expect_eq "ensemble json rows" "$(printf '%s' "$out" | grep -o '"label": ' | wc -l)" 5
expect_contains "ensemble json" "$out" '}, {"label": "ensemble of 2 (majority vote; '
expect_contains "ensemble json ends" "$out" '{"label": "best member ('
run $PROMPTLAB eval --data "$D" --hard "$H" --ensemble
expect_status "ensemble of one" $rc 2
expect_contains "ensemble of one message" "$err" "--ensemble needs at least two prompts"

# Bad input.
printf '{"source": "a", "target": "b"}\n{"source": "c", "target": \n' >"$TMPD/bad.jsonl"
run $PROMPTLAB tune --data "$TMPD/bad.jsonl" --out "$TMPD/x" --steps 1
expect_status "malformed line" $rc 1
expect_contains "malformed line message" "$err" "bad.jsonl:2"
: >"$TMPD/empty.jsonl"
run $PROMPTLAB tune --data "$TMPD/empty.jsonl" --out "$TMPD/x" --steps 1
expect_status "empty data" $rc 1
expect_contains "empty data message" "$err" "no examples"
long=$(yes 'word' | head -n 300 | tr '\n' ' ')
printf '{"source": "a", "target": "%s"}\n' "$long" >"$TMPD/long.jsonl"
run $PROMPTLAB tune --data "$TMPD/long.jsonl" --valid "$D" --out "$TMPD/x" --steps 1
expect_status "long target" $rc 1
expect_contains "long target message" "$err" "long.jsonl:1: target has"
run $PROMPTLAB tune --data "$D" --out "$TMPD/x" --length 0
expect_status "length 0" $rc 2
run $PROMPTLAB tune --data "$D" --out "$TMPD/x" --length 600
expect_status "length over the limit" $rc 2
expect_contains "length over the limit message" "$err" "encoder's limit"
# A model whose embedding row for "zebra" is NaN is refused at load, before
# training (README: "What promptlab checks when it loads a file").
G=$TMPD/gated
"$MK" "$G" "$TESTDATA/t5/tokenizer.json" gated 3 || bad "mkmodel gated failed"
zebra=$($PROMPTLAB tokenize --model "$G" --ids --no-eos "zebra")
perl -e 'open F, "+<", $ARGV[0] or die; binmode F; read F, $b, 8; $n = unpack("Q<", $b);
    read F, $h, $n; $h =~ /"shared\.weight"\s*:\s*\{[^}]*"data_offsets"\s*:\s*\[\s*(\d+)/ or die;
    seek F, 8 + $n + $1 + $ARGV[1] * 64 * 4, 0; print F pack("L<", 0x7fc00000) x 64; close F' \
    "$G/model.safetensors" "$zebra" || bad "could not poison the model"
cp "$D" "$TMPD/zebra.jsonl"
printf '{"source": "the zebra", "target": "das zebra"}\n' >>"$TMPD/zebra.jsonl"
run $PROMPTLAB tune --model "$G" --data "$TMPD/zebra.jsonl" --valid "$D" --out "$TMPD/nan" --length 4 --steps 20 --batch 4
expect_status "NaN model" $rc 1
expect_contains "NaN model message" "$err" "model.safetensors: tensor shared.weight holds NaN at element"
# A run that goes non-finite (Adam at lr 1e38 moves each value by about 1e38
# a step: past the float range within a few steps) stops with the last good
# prompt saved.
run $PROMPTLAB tune --data "$D" --valid "$D" --out "$TMPD/nan" --length 4 --steps 20 --batch 4 \
    --optimizer adam --lr 1e38
expect_status "overflow" $rc 1
expect_contains "overflow message" "$err" "the values overflowed at step "
expect_contains "overflow keeps the prompt" "$err" "is saved in $TMPD/nan"
[ -s "$TMPD/nan/adapter_model.safetensors" ] && ok || bad "overflowing run kept no prompt"
run $PROMPTLAB tune --data "$D"
expect_status "missing --out" $rc 2

# The REPL runs the same commands from a pipe.
run sh -c "printf 'help\ntokenize --ids \"the cat\"\nmodel %s\nbogus\nquit\n' '$M' | $PROMPTLAB shell"
expect_contains "shell help" "$out" "translate"
expect_contains "shell tokenize" "$out" "8 1712 1"
expect_contains "shell unknown" "$err" "unknown command 'bogus'"
finish
