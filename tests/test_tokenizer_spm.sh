# test_tokenizer_spm.sh - promptlab's tokenizer against the real SentencePiece
# encoder: every line of tests/data/tok_sentences.txt is encoded by
# `spm_encode --output_format=id` with T5's spiece.model and by
# `promptlab tokenize --ids --no-eos`, once with spiece.model and once with
# tokenizer.json, and the ids must agree line by line. spm_encode comes from
# the Debian package sentencepiece; without it this test fails.
. tests/lib.sh

T5=$TESTDATA/t5
SENTENCES=tests/data/tok_sentences.txt

if ! command -v spm_encode >/dev/null 2>&1; then
    bad "spm_encode not found: install the Debian package sentencepiece"
    finish
    exit 1
fi
for f in "$T5/spiece.model" "$T5/tokenizer.json" "$SENTENCES"; do
    if [ ! -f "$f" ]; then
        bad "missing $f (set TESTDATA to the folder holding t5/)"
        finish
        exit 1
    fi
done

n_lines=$(wc -l <"$SENTENCES")
if [ "$n_lines" -ge 200 ]; then ok; else bad "$SENTENCES has $n_lines lines, want at least 200"; fi

spm_encode --model="$T5/spiece.model" --output_format=id <"$SENTENCES" >"$TMPD/spm.txt"
expect_status "spm_encode runs" $? 0

# compare NAME FILE: one check per line of promptlab's ids against spm_encode's.
compare() {
    expect_eq "$1: number of lines" "$(wc -l <"$2")" "$(wc -l <"$TMPD/spm.txt")"
    paste -d '|' "$TMPD/spm.txt" "$2" |
        awk -F '|' 'NR == FNR { text[NR] = $0; next }
                    { if ($1 == $2) print "ok"
                      else printf "line %d [%s]: spm_encode [%s], promptlab [%s]\n", FNR, text[FNR], $1, $2 }' \
            "$SENTENCES" - >"$TMPD/result.txt"
    while IFS= read -r line; do
        case "$line" in
        ok) ok ;;
        *) bad "$1: $line" ;;
        esac
    done <"$TMPD/result.txt"
}

for model in "$T5/spiece.model" "$T5/tokenizer.json"; do
    "$PROMPTLAB" tokenize --tokenizer "$model" --ids --no-eos - <"$SENTENCES" >"$TMPD/ours.txt" 2>"$TMPD/err.txt"
    rc=$?
    expect_status "promptlab tokenize --tokenizer $model" "$rc" 0
    [ "$rc" -eq 0 ] || cat "$TMPD/err.txt" >&2
    compare "$(basename "$model")" "$TMPD/ours.txt"
done

# The default output shows pieces with ids, and </s> unless --no-eos.
out=$("$PROMPTLAB" tokenize --tokenizer "$T5/tokenizer.json" "The house is wonderful.")
expect_eq "pieces view" "$out" "▁The(37) ▁house(629) ▁is(19) ▁wonderful(1627) .(5) </s>(1)"
out=$("$PROMPTLAB" tokenize --tokenizer "$T5/tokenizer.json" --json "Hi")
expect_eq "json view" "$out" '{"text":"Hi","ids":[2018,1],"pieces":["▁Hi","</s>"]}'
out=$(printf 'a\nb\n' | "$PROMPTLAB" tokenize --model "$T5" --ids)
expect_eq "stdin, two lines, model dir" "$out" "$(printf '3 9 1\n3 115 1')"
out=$(PROMPTLAB_MODEL="$T5" "$PROMPTLAB" tokenize --ids "<extra_id_0>.")
expect_eq "PROMPTLAB_MODEL and sentinels" "$out" "32099 3 5 1"

"$PROMPTLAB" tokenize --help >"$TMPD/help.txt"
expect_status "--help" $? 0
expect_contains "--help text" "$(cat "$TMPD/help.txt")" "--tokenizer FILE"
"$PROMPTLAB" tokenize --bogus >/dev/null 2>&1
expect_status "unknown option" $? 2
"$PROMPTLAB" tokenize --model "$T5" --tokenizer "$T5/spiece.model" x >/dev/null 2>&1
expect_status "--model with --tokenizer" $? 2
err=$("$PROMPTLAB" tokenize --tokenizer "$TMPD/none.model" x 2>&1)
expect_status "missing tokenizer file" $? 1
expect_contains "missing file message" "$err" "promptlab tokenize: $TMPD/none.model"
err=$(PROMPTLAB_MODEL="$TMPD/nowhere" "$PROMPTLAB" tokenize x 2>&1)
expect_status "missing default model" $? 1
expect_contains "missing default model message" "$err" "--model DIR or --tokenizer FILE"

finish
