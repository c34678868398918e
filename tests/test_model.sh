#!/bin/sh
# test_model.sh - the shipped model and prompts do what the README's lesson
# shows, on the sample sets the TUI opens with: under the meaning
# instruction idioms become their idiomatic equivalent, under the plain
# translate instruction their word-for-word rendering, so the two columns
# disagree; ordinary sentences translate well; the shipped soft prompts A
# and B load and work. The floors sit well below the measured scores
# (assets/models/promptlab-tiny/REPORT.md): only a broken model, tokenizer,
# prompt file or decoder fails them.
. tests/lib.sh
unset PROMPTLAB_MODEL PROMPTLAB_DATA
S=assets/samples
P=assets/prompts

# metric DATA METRIC [eval args...]: the metric of the single row, as printed
metric() {
    data=$1 m=$2
    shift 2
    "$PROMPTLAB" eval --data "$data" --metric chrf,exact --json "$@" 2>"$TMPD/err" |
        sed -n "s/.*\"$m\": \([0-9.]*\).*/\1/p"
}
# at_least WHAT GOT FLOOR
at_least() {
    if [ -n "$2" ] && awk "BEGIN { exit !($2 >= $3) }"; then ok; else
        bad "$1: $2, want at least $3 ($(cat "$TMPD/err"))"
    fi
}
# at_most WHAT GOT CEILING
at_most() {
    if [ -n "$2" ] && awk "BEGIN { exit !($2 <= $3) }"; then ok; else
        bad "$1: $2, want at most $3 ($(cat "$TMPD/err"))"
    fi
}

info=$("$PROMPTLAB" info 2>&1)
expect_contains "info names the embedded model" "$info" "promptlab-tiny"

lit_vi=$(sed -n 's/.*"template": "\([^"]*\)".*/\1/p' "$P/01-literal-vietnamese.json")
mean_vi=$(sed -n 's/.*"template": "\([^"]*\)".*/\1/p' "$P/02-meaning-vietnamese.json")
lit_fr=$(sed -n 's/.*"template": "\([^"]*\)".*/\1/p' "$P/03-literal-french.json")
mean_fr=$(sed -n 's/.*"template": "\([^"]*\)".*/\1/p' "$P/04-meaning-french.json")
expect_eq "literal preset" "$lit_vi" "translate English to Vietnamese: {source}"

# Idioms: the meaning instruction gives the idiomatic equivalent ...
at_least "vi idioms, meaning prompt, exact vs idiomatic" \
    "$(metric $S/idioms.jsonl exact --hard "$mean_vi")" 80
at_least "fr idioms, meaning prompt, exact vs idiomatic" \
    "$(metric $S/idioms_fr.jsonl exact --hard "$mean_fr")" 80
# ... the translate instruction the word-for-word rendering, not the idiom.
at_least "vi idioms, translate prompt, chrF vs literal" \
    "$(metric $S/idioms.jsonl chrf --hard "$lit_vi" --ref literal)" 70
at_most "vi idioms, translate prompt, exact vs idiomatic" \
    "$(metric $S/idioms.jsonl exact --hard "$lit_vi")" 20
at_least "fr idioms, translate prompt, chrF vs literal" \
    "$(metric $S/idioms_fr.jsonl chrf --hard "$lit_fr" --ref literal)" 70

# Ordinary sentences: both instructions translate them.
at_least "vi sentences, translate prompt, chrF" \
    "$(metric $S/sentences.jsonl chrf --hard "$lit_vi")" 80
at_least "fr sentences, translate prompt, chrF" \
    "$(metric $S/sentences_fr.jsonl chrf --hard "$lit_fr")" 80

# The shipped soft prompts: A translates into Vietnamese with no words at
# all; B renders idioms idiomatically.
at_least "soft prompt A on sentences, chrF" \
    "$(metric $S/sentences.jsonl chrf --soft $P/soft-a-vietnamese)" 80
at_least "soft prompt B on idioms, exact vs idiomatic" \
    "$(metric $S/idioms.jsonl exact --soft $P/soft-b-idioms)" 80

# Classification: the topic preset names the label.
cls=$(sed -n 's/.*"template": "\([^"]*\)".*/\1/p' "$P/08-classify.json")
at_least "classification preset, exact" "$(metric $S/classify.jsonl exact --hard "$cls")" 80

# The shipped word list: what the world teaches is seen, what it lacks is not.
out=$("$PROMPTLAB" words "It's raining cats and dogs in Hanoi." "I lost my smartphone on TikTok.")
expect_eq "words of the training sources" "$out" "$(printf '%s\n' "It's raining cats and dogs in Hanoi." \
    "I lost my smartphone† on TikTok†.")"
n=$(grep -vc '^#' assets/models/promptlab-tiny/words.tsv)
at_least "distinct words in words.tsv" "$n" 1000

finish
