#!/bin/sh
# report.sh - measure the embedded model and print its REPORT.md on stdout.
# Run by `make model` (PL = the promptlab binary, W = the work directory with
# the corpus, MODEL = the model directory). Every figure below is measured
# here by promptlab itself, with greedy decoding on the test split; the soft
# prompts are trained here too and saved to assets/prompts/.
set -eu
: "${PL:=./promptlab}" "${W:=build/world}" "${MODEL:=assets/models/promptlab-tiny}"
C=$W/corpus
E=$W/eval
P=assets/prompts
mkdir -p "$E"
export PROMPTLAB_MODEL=$MODEL
N=300

# Subsets of the test split (the corpus writes one compact object per line).
pick() { grep "\"task\":\"$1\",\"lang\":\"$2\"" "$C/test.jsonl" || true; }
seen() { grep -v heldout-phrasing || true; }
held() { grep heldout-phrasing || true; }
for L in vi es fr; do
    pick translate $L | grep -v '"idiom' | seen | head -n $N >"$E/lit_$L.jsonl"
    pick translate $L | grep -v '"idiom' | held | head -n $N >"$E/held_$L.jsonl"
    pick translate $L | grep -v '"idiom' | seen | grep -v '"casual"' | head -n $N >"$E/clean_$L.jsonl"
    pick translate $L | grep -v '"idiom' | seen | grep '"casual"' | head -n $N >"$E/casual_$L.jsonl"
    pick meaning $L | grep '"idiom-frame' | seen | head -n $N >"$E/idiom_meaning_$L.jsonl"
    pick meaning $L | grep '"idiom-frame' | held | head -n $N >"$E/idiom_meaning_held_$L.jsonl"
    pick translate $L | grep '"idiom-frame' | seen | head -n $N >"$E/idiom_literal_$L.jsonl"
done
# idioms said in subjects, tenses and times never trained on (idioms.txt vp
# and pred), the three languages together: a few dozen rows
grep '"task":"meaning"' "$C/test.jsonl" | grep '"idiom-use' | seen >"$E/idiom_use_meaning.jsonl" || true
grep '"task":"translate"' "$C/test.jsonl" | grep '"idiom-use' | seen >"$E/idiom_use_literal.jsonl" || true
pick explain en | grep '"idiom-use' | seen >"$E/idiom_use_explain.jsonl"
pick explain en | grep '"idiom-frame' | seen | head -n $N >"$E/explain.jsonl"
pick explain en | grep '"idiom-frame' | held | head -n $N >"$E/explain_held.jsonl"

# The corpus sources carry their instruction, so eval adds no prompt of its
# own there; say so in the table instead of "(no prompt)".
table() {
    "$PL" eval --data "$@" 2>/dev/null | sed 's/^(no prompt)            /(instruction in source)/'
}

echo "# promptlab-tiny: quality report"
echo
echo "Measured by \`make model\` (assets/models/report.sh) on $(date -u +%Y-%m-%d) with"
echo "promptlab $("$PL" --version | cut -d' ' -f2); greedy decoding; chrF as sacreBLEU"
echo "defines it (character 6-grams, beta 2), exact match after trimming spaces."
echo "Test examples never occur in the training split. Up to $N examples per row."
echo "In the corpus rows each source carries its own instruction (one of the"
echo "task's phrasings), so no prompt is added: \"(instruction in source)\"."
echo
echo "## Literal translation, instructions seen in pre-training"
echo
echo '```'
for L in vi es fr; do echo "[$L]"; table "$E/lit_$L.jsonl" --metric chrf,exact; done
echo '```'
echo
echo "## The same, typed carefully and typed casually"
echo
echo "The rows above split by how the source sentence was typed: as written,"
echo "or casually (lowercase, no final punctuation, doubled spaces, contractions"
echo "changed, British spellings; the reference stays correct)."
echo
echo '```'
for L in vi es fr; do
    echo "[$L] as written"; table "$E/clean_$L.jsonl" --metric chrf,exact
    echo "[$L] typed casually"; table "$E/casual_$L.jsonl" --metric chrf,exact
done
echo '```'
echo
echo "## Held-out instruction phrasings (never in pre-training)"
echo
echo '```'
for L in vi es fr; do echo "[$L]"; table "$E/held_$L.jsonl" --metric chrf,exact; done
echo '```'
echo
echo "## Idioms: the meaning instruction against a plain translate instruction"
echo
echo "Idioms inside sentences of the test split (\"I think that ...\"; the idiom"
echo "alone is a training sentence). Under \"translate the meaning\" the reference"
echo "is the idiomatic equivalent (exact match); under a plain translate"
echo "instruction the reference is the word-for-word rendering (chrF). Seen"
echo "phrasings only; the held-out phrasings of the meaning task follow."
echo
echo '```'
for L in vi es fr; do
    echo "[$L] meaning instruction vs idiomatic reference"
    table "$E/idiom_meaning_$L.jsonl" --metric chrf,exact
    echo "[$L] translate instruction vs literal reference"
    table "$E/idiom_literal_$L.jsonl" --metric chrf,exact --ref literal
done
echo '```'
echo
echo "The same for idioms said in a new subject, tense or time, alone (\"My"
echo "grandfather kicked the bucket last year.\"; idioms.txt vp and pred: a"
echo "sentence never in training, though the idiom is), the three languages"
echo "together:"
echo
echo '```'
echo "[vi es fr] meaning instruction vs idiomatic reference"
table "$E/idiom_use_meaning.jsonl" --metric chrf,exact
echo "[vi es fr] translate instruction vs literal reference"
table "$E/idiom_use_literal.jsonl" --metric chrf,exact --ref literal
echo '```'
echo
echo "The demo's own sample sets (assets/samples/idioms*.jsonl, what a class"
echo "sees first in the TUI) under the built-in idiomatic and literal presets;"
echo "their first 3 rows are the demo idioms as written (training sentences),"
echo "the other 60 framed test sentences:"
echo
echo '```'
for L in vi es fr; do
    case $L in vi) S=idioms; LN=Vietnamese ;; es) S=idioms_es; LN=Spanish ;; fr) S=idioms_fr; LN=French ;; esac
    echo "[$L] \"translate the meaning into $LN\" vs idiomatic reference"
    table "assets/samples/$S.jsonl" --hard "translate the meaning into $LN: {source}" --metric chrf,exact
    echo "[$L] \"translate English to $LN\" vs literal reference"
    table "assets/samples/$S.jsonl" --hard "translate English to $LN: {source}" --metric chrf,exact --ref literal
done
echo '```'
echo
echo "With meaning phrasings never seen in pre-training:"
echo
echo '```'
for L in vi es fr; do
    echo "[$L] held-out meaning phrasings vs idiomatic reference"
    table "$E/idiom_meaning_held_$L.jsonl" --metric chrf,exact
done
echo '```'
echo
echo "## Idiom explanations"
echo
echo "Idioms inside test sentences explained in plain English; the sentence"
echo "around the idiom stays (\"I think that he is in hot water.\" -> \"I think"
echo "that he is in trouble.\"), so chrF also counts those shared words."
echo
echo '```'
echo "[seen phrasings]"
table "$E/explain.jsonl" --metric chrf,exact
echo "[held-out phrasings]"
table "$E/explain_held.jsonl" --metric chrf,exact
echo "[idioms said in a new subject, tense or time, alone; seen phrasings]"
table "$E/idiom_use_explain.jsonl" --metric chrf,exact
echo '```'

# Soft prompt A: 100 English->Vietnamese pairs without any instruction.
echo
echo "## Soft prompt A: English to Vietnamese from 100 pairs, 60 seconds"
echo
echo "Length 20, vocabulary initialisation, Adafactor lr 0.3, at most 60 s of"
echo "training on this machine; the sources carry no instruction."
echo
"$PL" tune --data "$C/softA_train.jsonl" --out "$P/soft-a-vietnamese" --length 20 --init vocab \
    --steps 3000 --eval-every 20 --max-seconds 60 --seed 1 >"$E/softA.out" 2>"$E/softA.log"
rm -rf "$P/soft-a-vietnamese/checkpoint" # the trainer's state: not shipped
echo '```'
grep '^step\|time limit' "$E/softA.log" | tail -n 4
table "$C/softA_test.jsonl" --soft "$P/soft-a-vietnamese" \
    --hard 'translate English to Vietnamese: {source}' --metric chrf,exact
echo '```'
echo
echo "Nearest vocabulary pieces of its first rows:"
echo
echo '```'
"$PL" neighbors --soft "$P/soft-a-vietnamese" -k 4 | head -n 10
echo '```'

# Soft prompt B: idiomatic translations of 60% of the idioms.
echo
echo "## Soft prompt B: idioms to natural Vietnamese, generalising to held-out idioms"
echo
"$PL" tune --data "$C/softB_train.jsonl" --out "$P/soft-b-idioms" --length 20 --init vocab \
    --steps 400 --eval-every 50 --seed 1 >"$E/softB.out" 2>"$E/softB.log"
rm -rf "$P/soft-b-idioms/checkpoint"
echo "Trained on $(wc -l <"$C/softB_train.jsonl") idiom pairs; tested on the"
echo "$(wc -l <"$C/softB_test.jsonl") pairs of the other idioms (exact match with the idiomatic reference):"
echo
echo '```'
table "$C/softB_test.jsonl" --soft "$P/soft-b-idioms" --hard 'translate English to Vietnamese: {source}' \
    --hard 'translate the meaning into Vietnamese: {source}' --metric chrf,exact
echo '```'
echo
echo '```'
"$PL" neighbors --soft "$P/soft-b-idioms" -k 4 | head -n 10
echo '```'

# Classification: three initialisations.
echo
echo "## Classification: class-label vs vocabulary vs random initialisation"
echo
labels=$(cut -d'"' -f8 "$C/classify_train.jsonl" | sort -u | paste -sd, -)
echo "Topic labels: $labels. Length 10, Adafactor lr 0.3, 300 steps, validation"
echo "accuracy every 25 steps:"
echo
echo '```'
for init in "labels:$labels" vocab random; do
    name=$(echo "$init" | cut -d: -f1)
    "$PL" tune --data "$C/classify_train.jsonl" --valid "$C/classify_valid.jsonl" \
        --out "$E/classify-$name" --length 10 --init "$init" --metric accuracy --steps 300 \
        --eval-every 25 --seed 1 >"$E/classify-$name.out" 2>"$E/classify-$name.log"
    echo "[$name] step:accuracy $(grep '^step' "$E/classify-$name.log" |
        awk '{split($2, s, "/"); printf "%s:%s ", s[1], $8}')"
done
echo '```'
