# test_experiment.sh - `promptlab experiment` end to end on two small random
# models: a grid of hard prompts, prompt tuning (2 lengths x 2 inits x 2
# seeds) and model tuning (2 seeds) writes every file it promises with the
# right cells and parameter counts, prints a summary whose means and spreads
# follow from results.csv, draws its figures, resumes without retraining,
# reruns only a deleted cell, and refuses a changed setting.
. tests/lib.sh
MK=${TOOLS:-build/release/tests/tools}/mkmodel
A=$TMPD/mini   # d_model 32
B=$TMPD/base   # d_model 64
"$MK" "$A" "$TESTDATA/t5/tokenizer.json" relu 3 1 1 1 32 &&
    "$MK" "$B" "$TESTDATA/t5/tokenizer.json" relu 3 || { bad "mkmodel failed"; finish; exit 1; }
run() { "$@" >"$TMPD/out" 2>"$TMPD/err"; rc=$?; out=$(cat "$TMPD/out"); err=$(cat "$TMPD/err"); }

D=$TMPD/train.jsonl
: >"$D"
for w in house cat dog tree river green small happy bird moon sun water; do
    printf '{"source": "the %s", "target": "das %s"}\n' "$w" "$w" >>"$D"
done
printf '{"source": "the %s", "target": "das %s"}\n' cat cat dog dog sun sun >"$TMPD/in.jsonl"
printf '{"source": "a %s", "target": "ein %s"}\n' cat cat dog dog car car >"$TMPD/out.jsonl"

O=$TMPD/exp
grid() {
    run $PROMPTLAB experiment --out "$O" --model "$A" --model "$B" --methods hard,prompt,model \
        --lengths 2,4 --init vocab --init random --seeds 2 --train "$D" \
        --test in="$TMPD/in.jsonl" --test out="$TMPD/out.jsonl" --hard 'translate: {source}' \
        --steps 3 --batch 4 --max-len 6 "$@"
}

# The cells, in order: per model hard, prompt (length, init, seed), model.
run $PROMPTLAB experiment --list --model "$A" --model "$B" --methods hard,prompt,model \
    --lengths 2,4 --init vocab --init random --seeds 2 --train "$D" --test "$TMPD/in.jsonl" \
    --hard 'x {source}'
expect_status "--list" $rc 0
expect_eq "cells listed" "$(printf '%s\n' "$out" | wc -l)" 22
expect_eq "first cells" "$(printf '%s\n' "$out" | head -n 3 | tr '\n' ' ')" \
    "mini-hard mini-prompt-n2-vocab-s1 mini-prompt-n2-vocab-s2 "
expect_eq "last cell" "$(printf '%s\n' "$out" | tail -n 1)" "base-model-s2"

grid
expect_status "experiment" $rc 0
expect_contains "cells run" "$err" "22 cells run, 0 done before"
tbl=$out
for f in spec.json results.json results.csv summary.csv figures.csv; do
    [ -s "$O/$f" ] && ok || bad "no $f"
done

# results.csv: one row per cell, the header naming both test sets.
csv=$O/results.csv
expect_eq "csv header" "$(head -n 1 "$csv")" \
    "id,model,model_params,method,length,init,seed,steps,lr,optimizer,trained_params,saved_bytes,metric,valid,in,out,seconds,end"
expect_eq "csv rows" "$(tail -n +2 "$csv" | wc -l)" 22
col() { awk -F, -v id="$1" -v c="$2" '$1 == id { print $c }' "$csv"; }
expect_eq "hard cells" "$(awk -F, '$4 == "hard"' "$csv" | wc -l)" 2
expect_eq "prompt cells" "$(awk -F, '$4 == "prompt"' "$csv" | wc -l)" 16
expect_eq "model cells" "$(awk -F, '$4 == "model"' "$csv" | wc -l)" 4

# Parameter counts by hand: tied embeddings V*d; per encoder layer 4d^2 + 2d
# (norms) + 2*d*d_ff; per decoder layer 8d^2 + 3d + 2*d*d_ff; final norms
# 2d; relative position biases 32 buckets x 4 heads x 2. d_ff = 2d.
params() { d=$1; f=$((2 * d)); echo $((32128 * d + 2 * (4 * d * d + 2 * d + 2 * d * f) + 2 * (8 * d * d + 3 * d + 2 * d * f) + 2 * d + 256)); }
PA=$(params 32)
PB=$(params 64)
expect_eq "model params (mini)" "$(col mini-hard 3)" "$PA"
expect_eq "model params (base)" "$(col base-hard 3)" "$PB"
expect_eq "prompt trains length x d (mini, 2)" "$(col mini-prompt-n2-vocab-s1 11)" $((2 * 32))
expect_eq "prompt trains length x d (base, 4)" "$(col base-prompt-n4-random-s2 11)" $((4 * 64))
expect_eq "model tuning trains every weight (mini)" "$(col mini-model-s1 11)" "$PA"
expect_eq "model tuning trains every weight (base)" "$(col base-model-s2 11)" "$PB"
expect_eq "hard trains nothing" "$(col base-hard 11)" 0
expect_eq "steps" "$(col base-prompt-n2-vocab-s1 8)" 3
expect_eq "prompt lr" "$(col base-prompt-n2-vocab-s1 9)" 0.3
expect_eq "model lr" "$(col base-model-s1 9)" 0.001
for id in mini-hard base-prompt-n4-vocab-s2 base-model-s1; do
    v=$(col $id 15)
    case "$v" in [0-9]*.[0-9][0-9][0-9][0-9]) ok ;; *) bad "$id: test score '$v'" ;; esac
done

# Cell directories: each prompt in PEFT layout, model tuning keeps only its record.
C=$O/cells
for f in adapter_config.json adapter_model.safetensors promptlab.json result.json; do
    [ -s "$C/base-prompt-n4-vocab-s1/$f" ] && ok || bad "prompt cell lacks $f"
done
expect_contains "peft length" "$(cat "$C/base-prompt-n4-vocab-s1/adapter_config.json")" '"num_virtual_tokens": 4'
[ ! -e "$C/base-prompt-n4-vocab-s1/checkpoint" ] && ok || bad "a finished cell kept its checkpoint"
[ -s "$C/base-model-s1/result.json" ] && ok || bad "model cell lacks result.json"
[ ! -e "$C/base-model-s1/model" ] && ok || bad "model weights kept without --keep-models"
expect_eq "saved bytes = the PEFT files" "$(col base-prompt-n4-vocab-s1 12)" \
    "$(cat "$C/base-prompt-n4-vocab-s1/adapter_config.json" "$C/base-prompt-n4-vocab-s1/adapter_model.safetensors" "$C/base-prompt-n4-vocab-s1/promptlab.json" | wc -c)"
# A saved prompt is the one the cell scored: eval gives the same test score.
run $PROMPTLAB eval --model "$B" --data "$TMPD/in.jsonl" --soft "$C/base-prompt-n4-vocab-s1" --metric chrf --max-len 6 --json
expect_contains "eval agrees" "$out" "\"chrf\": $(printf '%.2f' "$(col base-prompt-n4-vocab-s1 15)")"
expect_eq "results.json cells" "$(grep -c '"id":' "$O/results.json")" 22

# The summary: mean and sample standard deviation over the two seeds, by hand.
# (a group whose seeds differ, or the spread would not be tested)
want=$(awk -F, '$4 == "prompt" && $5 == 2 && $6 == "vocab" && $2 ~ /base$/ { x[n++] = $15 }
    END { m = (x[0] + x[1]) / 2; s = sqrt(((x[0] - m)^2 + (x[1] - m)^2) / 1); printf "%.2f ± %.2f", m, s }' "$csv")
case "$want" in *"± 0.00") bad "the seeds agree, pick another group: $want" ;; *) ok ;; esac
row=$(printf '%s\n' "$tbl" | grep '^base .* prompt *2 vocab ')
expect_contains "summary mean ± sd (in, base, 2, vocab)" "$row" "$want"
expect_contains "summary seeds" "$row" " 2 "
expect_eq "summary rows" "$(printf '%s\n' "$tbl" | grep -c -E '^(mini|base) ')" 12
hrow=$(printf '%s\n' "$tbl" | grep '^base .* hard ')
expect_contains "hard row" "$hrow" " $(printf '%.2f' "$(col base-hard 15)")  "
case "$hrow" in *±*) bad "one hard cell has a spread: $hrow" ;; *) ok ;; esac
expect_eq "summary.csv rows" "$(tail -n +2 "$O/summary.csv" | wc -l)" 12

# Figures: each SVG has the series it names, the CSV their points.
for f in fig_scale fig_length fig_init fig_params fig_tests fig_scale.out fig_length.out fig_init.out; do
    s=$O/$f.svg
    [ -s "$s" ] || { bad "no $f.svg"; continue; }
    head -c 100 "$s" | grep -q '^<?xml version="1.0" encoding="UTF-8"?>' && ok || bad "$f.svg: no XML header"
    grep -q '^<svg xmlns="http://www.w3.org/2000/svg"' "$s" && ok || bad "$f.svg: no <svg>"
    [ "$(tail -n 1 "$s")" = "</svg>" ] && ok || bad "$f.svg: not closed"
    # every series here has two points (two models, lengths or inits): a line each
    expect_eq "$f.svg polylines" "$(grep -c '<polyline ' "$s")" "$(($(grep -c "^$f," "$O/figures.csv") / 2))"
done
sc=$(cat "$O/fig_scale.svg")
for name in "hard prompt" "prompt tuning (4 tokens, vocab init, 3 steps)" "model tuning (3 steps)" "Test set in (3 examples), chrf"; do
    expect_contains "fig_scale names" "$sc" "$name"
done
expect_contains "fig_init categories" "$(cat "$O/fig_init.svg")" ">random</text>"
expect_contains "fig_params log axis" "$(cat "$O/fig_params.svg")" ">1M</text>"
# fig_scale's model-tuning points are the model cells' means.
mt=$(awk -F, '$4 == "model" && $2 ~ /base$/ { s += $15; n++ } END { printf "%.4f", s / n }' "$csv")
expect_eq "fig_scale point" "$(awk -F, '$1 == "fig_scale" && $3 ~ /^model/ && $4 == '"$PB"' { printf "%.4f", $6 }' "$O/figures.csv")" "$mt"

# fig_tests (Table 1): a category per test set, a line per model and method;
# base's model-tuning point on "out" is the mean of its cells there.
ft=$(cat "$O/fig_tests.svg")
expect_contains "fig_tests categories" "$ft" ">in</text>"
expect_contains "fig_tests categories" "$ft" ">out</text>"
expect_contains "fig_tests series" "$ft" "base: model tuning"
mo=$(awk -F, '$4 == "model" && $2 ~ /base$/ { s += $16; n++ } END { printf "%.4f", s / n }' "$csv")
expect_eq "fig_tests point" "$(awk -F, '$1 == "fig_tests" && $3 == "base: model tuning" && $4 == 1 { printf "%.4f", $6 }' "$O/figures.csv")" "$mo"

# --show: the same summary from results.json, the figures drawn again, nothing run.
rm "$O/fig_scale.svg"
run $PROMPTLAB experiment --show "$O"
expect_status "--show" $rc 0
expect_eq "--show table" "$out" "$tbl"
[ -s "$O/fig_scale.svg" ] && ok || bad "--show drew no fig_scale.svg"
run $PROMPTLAB experiment --show "$TMPD/nowhere"
expect_status "--show nothing" $rc 1

# Resume: nothing retrained (the prompt files are the same inodes), the same table.
ino=$(stat -c %i "$C/base-prompt-n4-vocab-s1/adapter_model.safetensors")
cp "$csv" "$TMPD/results1.csv"
grid
expect_status "rerun" $rc 0
expect_contains "rerun skips all" "$err" "0 cells run, 22 done before"
expect_eq "table again" "$out" "$tbl"
expect_eq "nothing rewritten" "$(stat -c %i "$C/base-prompt-n4-vocab-s1/adapter_model.safetensors")" "$ino"
cmp -s "$csv" "$TMPD/results1.csv" && ok || bad "results.csv changed on a rerun"

# Delete one cell's result: that cell alone runs again, to the same scores.
rm "$C/mini-prompt-n2-random-s2/result.json"
grid
expect_contains "one cell reruns" "$err" "1 cell run, 21 done before"
expect_contains "which cell" "$err" "mini-prompt-n2-random-s2: valid"
expect_eq "rerun cell, same scores" "$(awk -F, '$1 == "mini-prompt-n2-random-s2" { print $14 "," $15 "," $16 }' "$csv")" \
    "$(awk -F, '$1 == "mini-prompt-n2-random-s2" { print $14 "," $15 "," $16 }' "$TMPD/results1.csv")"

# The spec as run, given back as a file: the same cells, all done.
run $PROMPTLAB experiment --spec "$O/spec.json" --out "$O"
expect_status "spec.json rerun" $rc 0
expect_contains "spec.json: all done" "$err" "0 cells run, 22 done before"

# A changed setting is refused, naming it; a new cell joins the grid.
cp "$O/spec.json" "$TMPD/spec1.json"
cp "$csv" "$TMPD/results1.csv"
grid --prompt-steps 4
expect_status "changed steps" $rc 1
expect_contains "changed steps message" "$err" "steps=3; now steps=4"
cmp -s "$O/spec.json" "$TMPD/spec1.json" && ok || bad "a refused run rewrote spec.json"
cmp -s "$csv" "$TMPD/results1.csv" && ok || bad "a refused run rewrote results.csv"
grid --seeds 3 --methods hard,model
expect_status "a third seed" $rc 0
expect_contains "only new cells" "$err" "2 cells run, 6 done before"

# --keep-models keeps the model-tuned weights, loadable, counted in saved_bytes.
K=$TMPD/keep
run $PROMPTLAB experiment --out "$K" --model "$A" --methods model --seeds 1 --train "$D" \
    --test "$TMPD/in.jsonl" --steps 2 --batch 4 --max-len 6 --keep-models
expect_status "--keep-models" $rc 0
[ -s "$K/cells/mini-model-s1/model/model.safetensors" ] && ok || bad "--keep-models kept no weights"
[ ! -e "$K/cells/mini-model-s1/model/checkpoint" ] && ok || bad "--keep-models kept the checkpoint"
expect_eq "kept bytes" "$(awk -F, '$1 == "mini-model-s1" { print $12 }' "$K/results.csv")" \
    "$(cat "$K"/cells/mini-model-s1/model/* | wc -c)"
run $PROMPTLAB eval --model "$K/cells/mini-model-s1/model" --data "$TMPD/in.jsonl" --metric chrf --max-len 6 --json
expect_contains "kept model scores as recorded" "$out" \
    "\"chrf\": $(printf '%.2f' "$(awk -F, '$1 == "mini-model-s1" { print $15 }' "$K/results.csv")")"

# Usage errors.
run $PROMPTLAB experiment --train "$D" --test "$TMPD/in.jsonl"
expect_status "no --out" $rc 2
run $PROMPTLAB experiment --out "$TMPD/x" --model "$A" --methods hard --train "$D" --test "$TMPD/in.jsonl"
expect_status "hard without template" $rc 2
expect_contains "hard without template message" "$err" "need a template"
printf '{"models": ["%s"], "lengths": "4"}\n' "$A" >"$TMPD/bad.json"
run $PROMPTLAB experiment --spec "$TMPD/bad.json" --out "$TMPD/x"
expect_status "bad spec" $rc 1
expect_contains "bad spec message" "$err" "\"lengths\" must be a list of 1 to 16 numbers"
run $PROMPTLAB experiment --out "$TMPD/x" --model "$A" --train "$D" --test "$TMPD/in.jsonl" --init bogus
expect_status "bad init" $rc 2

finish
