# test_cli.sh - the engine commands end to end on a small random model:
# outputs have the right shape, and every kind of bad input gives a clear
# message and the right exit status (0 ok, 1 failure, 2 usage), never a crash.
. tests/lib.sh
MK=${TOOLS:-build/release/tests/tools}/mkmodel
TOKJ=$TESTDATA/t5/tokenizer.json
M=$TMPD/model
"$MK" "$M" "$TOKJ" gated 7 || { bad "mkmodel failed"; finish; exit 1; }
export PROMPTLAB_MODEL=$M

# run CMD...: sets $out (stdout), $err (stderr), $rc
run() { "$@" >"$TMPD/out" 2>"$TMPD/err"; rc=$?; out=$(cat "$TMPD/out"); err=$(cat "$TMPD/err"); }

run $PROMPTLAB --version
expect_status "--version" $rc 0
expect_contains "--version" "$out" "promptlab "
for c in translate score tokenize info bench words; do
    run $PROMPTLAB $c --help
    expect_status "$c --help" $rc 0
    expect_contains "$c --help" "$out" "usage: promptlab $c"
done
run $PROMPTLAB frobnicate
expect_status "unknown command" $rc 2
expect_contains "unknown command" "$err" "unknown command 'frobnicate'"

# translate: one line per input, from arguments and from stdin, deterministic
run $PROMPTLAB translate --hard 'translate English to German: {source}' "The house is wonderful." "Hello"
expect_status "translate two" $rc 0
expect_eq "translate two lines" "$(printf '%s\n' "$out" | wc -l)" 2
first=$out
run sh -c "printf 'The house is wonderful.\nHello\n' | $PROMPTLAB translate --hard 'translate English to German: {source}' -"
expect_eq "stdin gives the same" "$out" "$first"
run $PROMPTLAB translate --beam 1 --hard 'translate English to German: {source}' "The house is wonderful." "Hello"
expect_eq "beam 1 is greedy" "$out" "$first"
run $PROMPTLAB translate --beam 3 --max-len 5 "Hello"
expect_status "beam 3" $rc 0
run $PROMPTLAB translate --json "Hi \"there\""
expect_contains "translate --json" "$out" '{"source": "Hi \"there\"", "output": '

# tokens and their log-probabilities: --json lists them and their sum,
# --scores prints a line per token and the sum
run $PROMPTLAB translate --json "The house is wonderful."
expect_contains "translate --json tokens" "$out" '"tokens": [{"piece": "'
expect_contains "translate --json logprob" "$out" '"logprob": -'
run $PROMPTLAB translate --scores "The house is wonderful."
expect_eq "--scores: text line + a line per token + sum" "$(printf '%s\n' "$out" | wc -l)" \
    "$(( $($PROMPTLAB translate --json "The house is wonderful." | grep -o '"id": ' | wc -l) + 2 ))"
expect_contains "--scores sum" "$out" "  sum -"
# no-repeat n-grams: ids of an output (after the start token 0) hold no
# n-gram twice; n = 2 changes this random model's output, 0 turns it off
ids() { $PROMPTLAB translate --max-len 30 --json "$@" "The house is wonderful." |
    grep -o '"id": [0-9]*' | awk 'BEGIN { printf "0" } { printf " %s", $2 } END { print "" }'; }
repeats() { echo "$1" | awk -v n="$2" '{ for (i = 1; i + n - 1 <= NF; i++) { g = "";
    for (k = 0; k < n; k++) g = g " " $(i + k); if (seen[g]++) r++ } } END { print r + 0 }'; }
plain=$(ids --no-repeat-ngram 0)
two=$(ids --no-repeat-ngram 2)
expect_eq "default: no 3-gram twice" "$(repeats "$(ids)" 3)" 0
expect_eq "--no-repeat-ngram 2: no 2-gram twice" "$(repeats "$two" 2)" 0
expect_eq "the plain output repeats a 2-gram" "$([ "$(repeats "$plain" 2)" -gt 0 ] && echo yes)" yes
run $PROMPTLAB translate --no-repeat-ngram 17 Hello
expect_status "--no-repeat-ngram 17" $rc 2
# --max-ratio: at most ceil(X * input tokens) + 8 tokens (5 tokens here)
n_out=$($PROMPTLAB translate --max-len 30 --max-ratio 0.5 --json "The house is wonderful." |
    grep -o '"id": ' | wc -l)
expect_eq "--max-ratio 0.5 caps at 3 + 8" "$n_out" 11
run $PROMPTLAB translate --max-ratio -1 Hello
expect_status "--max-ratio -1" $rc 2

# blank input lines are not translated: an empty output line and a warning
run sh -c "printf 'The house is wonderful.\n \t \n\nHello\n' | $PROMPTLAB translate --hard 'translate English to German: {source}' -"
expect_status "blank lines" $rc 0
expect_eq "blank lines give empty lines" "$out" "$(printf '%s\n' "$first" | sed -n 1p; echo; echo; printf '%s\n' "$first" | sed -n 2p)"
expect_contains "blank line warning" "$err" "warning: line 2 is blank; its output line is empty"
expect_contains "empty line warning" "$err" "warning: line 3 is blank"
run $PROMPTLAB translate --json "  "
expect_eq "a blank argument" "$out" '{"source": "  ", "output": "", "tokens": [], "logprob": 0.000000, "unseen": []}'
expect_contains "a blank argument warns" "$err" "text 1 is blank"

# words: without a list the tokenizer judges (pieces of one character); with a
# words.tsv beside the model, the list does, and translate reports it
run $PROMPTLAB words "the house xqzvk"
expect_eq "words without a list" "$out" "the house xqzvk†"
W=$TMPD/wmodel
cp -R "$M" "$W"
printf '{"source": "The house is big.", "target": "x"}\n{"source": "The cat’s house.", "target": "y"}\n' >"$TMPD/w.jsonl"
run $PROMPTLAB words --count --out "$W/words.tsv" "$TMPD/w.jsonl"
expect_status "words --count" $rc 0
expect_contains "words --count summary" "$out" "5 distinct words, 7 in all, from 2 sources"
expect_eq "words.tsv" "$(cat "$W/words.tsv")" "$(printf "# words of the training sources: 5 distinct, 7 in all; word<TAB>count\nhouse\t2\nthe\t2\nbig\t1\ncat's\t1\nis\t1\n")"
run $PROMPTLAB words --model "$W" "The HOUSE is small, cat's too"
expect_eq "words with a list" "$out" "The HOUSE is small†, cat's too†"
run $PROMPTLAB words --model "$W" --json "big dog"
expect_eq "words --json" "$out" '{"text": "big dog", "words": [{"word": "big", "count": 1, "unseen": false}, {"word": "dog", "count": 0, "unseen": true}], "unseen": ["dog"]}'
run $PROMPTLAB translate --model "$W" --json "big dog"
expect_contains "translate --json lists unseen words" "$out" '"unseen": ["dog"]}'
run $PROMPTLAB translate --model "$W" "big dog" "the house"
expect_status "translate with unseen words" $rc 0
expect_eq "translate warns once, for input 1" "$err" "promptlab translate: warning: input 1: the model never saw 'dog': the output is a guess"
printf 'house\t2\nhouse\t1\n' >"$W/words.tsv"
run $PROMPTLAB translate --model "$W" "big dog"
expect_status "a broken words.tsv" $rc 1
expect_contains "a broken words.tsv is named" "$err" "words.tsv:2: 'house' is listed twice"
run $PROMPTLAB words --count "$TMPD/w.jsonl"
expect_status "words --count without --out" $rc 2
run $PROMPTLAB words --count --out "$TMPD/x.tsv" "$TMPD/missing.jsonl"
expect_status "words --count of a missing file" $rc 1
expect_contains "missing file named" "$err" "missing.jsonl"

# score: one line per target token plus the sum; json parses as one object
run $PROMPTLAB score --source Hello --target Hallo
expect_status "score" $rc 0
expect_contains "score eos line" "$out" "</s>"
expect_contains "score sum" "$out" "sum "
# columns line up by display width: "▁Việt" is 5 columns but 9 bytes
run $PROMPTLAB score --source Hello --target "Tôi thích trà xanh ở Việt Nam"
expect_status "score, accents" $rc 0
rows=$(printf '%s\n' "$out" | grep -v '^sum ')
printf '%s\n' "$rows" | LC_ALL=C grep -q "$(printf '\303')" && ok || bad "no accented piece to align: $rows"
widths=$(printf '%s\n' "$rows" | perl -CSD -ne 'chomp; print length($_), "\n"' | sort -u)
expect_eq "score columns by display width" "$widths" 38
run $PROMPTLAB score --source Hello --target Hallo --json
expect_contains "score json" "$out" '"perplexity": '

# info
run $PROMPTLAB info
expect_status "info" $rc 0
expect_contains "info family" "$out" "family      T5 v1.1"
expect_contains "info params" "$out" "parameters  "
run $PROMPTLAB info --json
expect_contains "info json" "$out" '"d_model": 64'

# usage errors exit 2
run $PROMPTLAB translate --beam 0 Hello
expect_status "--beam 0" $rc 2
expect_contains "--beam 0 message" "$err" "--beam wants"
run $PROMPTLAB translate --frob
expect_status "unknown option" $rc 2
# each bad option is reported once, in promptlab's words
expect_eq "unknown option, one message" "$err" "$(printf "promptlab translate: unknown option '--frob'\nTry 'promptlab translate --help'.")"
run $PROMPTLAB translate --beam
expect_status "--beam without a value" $rc 2
expect_eq "--beam without a value, one message" "$err" "$(printf "promptlab translate: option '--beam' needs a value\nTry 'promptlab translate --help'.")"
run $PROMPTLAB score --sou
expect_contains "an abbreviation is named in full" "$err" "option '--source' needs a value"
run $PROMPTLAB translate --m x
expect_contains "an ambiguous abbreviation" "$err" "option '--m' is ambiguous (--model, --max-len, --max-ratio)"
run $PROMPTLAB translate --json=yes x
expect_contains "a value for a flag" "$err" "option '--json' takes no value"
run $PROMPTLAB neighbors -k
expect_eq "a short option without a value" "$(printf '%s\n' "$err" | head -n 1)" "promptlab neighbors: option '-k' needs a value"
for c in tune eval info tokenize bench corpus pretrain words tui; do
    run $PROMPTLAB $c --frob
    expect_eq "$c: unknown option once" "$(printf '%s\n' "$err" | grep -c frob)" 1
done
run $PROMPTLAB score --source Hello
expect_status "score without target" $rc 2
expect_contains "score without target" "$err" "--target"

# bad input: each a clear message, exit 1
run $PROMPTLAB info --model "$TMPD/nowhere"
expect_status "missing dir" $rc 1
expect_contains "missing dir message" "$err" "$TMPD/nowhere"

B=$TMPD/broken
reset() { rm -rf "$B"; cp -r "$M" "$B"; }

reset; rm "$B/config.json"
run $PROMPTLAB info --model "$B"
expect_status "no config" $rc 1
expect_contains "no config message" "$err" "config.json"

reset; rm "$B/model.safetensors"
run $PROMPTLAB info --model "$B"
expect_status "no weights" $rc 1
expect_contains "no weights message" "$err" "model.safetensors"

reset; rm "$B/tokenizer.json"
run $PROMPTLAB translate --model "$B" Hello
expect_status "no tokenizer" $rc 1
expect_contains "no tokenizer message" "$err" "spiece.model"

reset; head -c 100000 "$M/model.safetensors" >"$B/model.safetensors"
run $PROMPTLAB info --model "$B"
expect_status "truncated weights" $rc 1
expect_contains "truncated weights message" "$err" "model.safetensors"

reset; printf '{"d_model": 64,' >"$B/config.json"
run $PROMPTLAB info --model "$B"
expect_status "bad json" $rc 1
expect_contains "bad json message" "$err" "config.json"

reset; perl -pi -e 's/"F32"/"Q32"/' "$B/model.safetensors"
run $PROMPTLAB info --model "$B"
expect_status "unknown dtype" $rc 1
expect_contains "unknown dtype message" "$err" "Q32"

reset; perl -pi -e 's/"d_ff":\s*128/"d_ff": 256/' "$B/config.json"
run $PROMPTLAB info --model "$B"
expect_status "wrong shape" $rc 1
expect_contains "wrong shape message" "$err" "config wants"

reset; perl -pi -e 's/"vocab_size":\s*32128/"vocab_size": 32000/' "$B/config.json"
run $PROMPTLAB info --model "$B"
expect_status "vocab mismatch" $rc 1
expect_contains "vocab mismatch message" "$err" "vocab"

reset; perl -pi -e 's/"model_type":\s*"t5"/"model_type": "bart"/' "$B/config.json"
run $PROMPTLAB info --model "$B"
expect_status "other model type" $rc 1
expect_contains "other model type message" "$err" "bart"

run sh -c "printf 'ok\n\377\376 broken\n' | $PROMPTLAB translate -"
expect_status "non-UTF-8 input" $rc 1
expect_contains "non-UTF-8 message" "$err" "not valid UTF-8"

long=$(yes 'word' | head -n 700 | tr '\n' ' ')
run $PROMPTLAB translate --max-len 2 "$long"
expect_status "long input" $rc 0
expect_contains "long input warning" "$err" "truncated"

run $PROMPTLAB translate --soft "$TMPD/no-such-prompt" Hello
expect_status "missing soft prompt" $rc 1
expect_contains "missing soft prompt message" "$err" "no-such-prompt"

# hostile files (README: "What promptlab checks when it loads a file")
# patch FILE OFFSET BYTES: overwrite bytes in place (printf escapes)
patch() { printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }
size() { wc -c <"$1" | tr -d ' '; }

# a NaN in the last weight of the file (shared.weight [32128,64] comes last)
reset; patch "$B/model.safetensors" $(($(size "$B/model.safetensors") - 4)) '\000\000\300\177'
run $PROMPTLAB translate --model "$B" Hello
expect_status "NaN weight" $rc 1
expect_contains "NaN weight message" "$err" \
    "$B/model.safetensors: tensor shared.weight holds NaN at element 2056191 (index [32127,63])"
reset; patch "$B/model.safetensors" 0 '\000\000\000\000\000\001\000\000'
run $PROMPTLAB translate --model "$B" Hello
expect_status "terabyte header" $rc 1
expect_contains "terabyte header message" "$err" "header length 1099511627776 exceeds the limit"
for kv in '"d_model": 0' '"num_heads": -8' '"vocab_size": 1099511627776' '"d_ff": 0'; do
    reset; perl -pi -e "s/\"${kv%%\"*}\"[^,}]*//; s/^\\{/{$kv,/" "$B/config.json"
    run $PROMPTLAB translate --model "$B" Hello
    expect_status "config $kv" $rc 1
    expect_contains "config $kv message" "$err" "config.json: ${kv%%\"*}"
done
expect_contains "zero d_ff message" "$err" "d_ff must be positive, not 0"

# a soft prompt of the embedded model with a NaN in its last (initial) row
E=assets/models/promptlab-tiny
S=$TMPD/soft-nan
cp -r assets/prompts/soft-a-vietnamese "$S"
patch "$S/adapter_model.safetensors" $(($(size "$S/adapter_model.safetensors") - 4)) '\000\000\200\377'
run $PROMPTLAB translate --model "$E" --soft "$S" Hello
expect_status "NaN soft prompt" $rc 1
expect_contains "NaN soft prompt message" "$err" \
    "adapter_model.safetensors: tensor prompt_embeddings holds -Inf at element 3839 (index [39,95])"

# .npy prompts [1, 64]: one with a NaN, one whose shape overflows
npy() { # npy FILE SHAPE: header (v1.0, 128 bytes in all), then 64 zero floats
    h="{'descr': '<f4', 'fortran_order': False, 'shape': $2, }"
    { printf '\223NUMPY\001\000\166\000%s' "$h"; printf '%*s\n' $((117 - ${#h})) ''
      head -c 256 /dev/zero; } >"$1"
}
npy "$TMPD/nan.npy" '(1, 64)'
patch "$TMPD/nan.npy" $((128 + 4 * 5)) '\000\000\300\177'
run $PROMPTLAB translate --soft "$TMPD/nan.npy" Hello
expect_status "NaN npy" $rc 1
expect_contains "NaN npy message" "$err" "$TMPD/nan.npy: holds NaN at element 5 (index [0,5])"
npy "$TMPD/huge.npy" '(4294967296, 4294967296)'
run $PROMPTLAB translate --soft "$TMPD/huge.npy" Hello
expect_status "overflowing npy" $rc 1
expect_contains "overflowing npy message" "$err" "shape (4294967296, 4294967296) is too large"

# world data whose adverb list is empty (the corpus generator used to crash)
mkdir -p "$TMPD/assets" && cp -r assets/world "$TMPD/assets/world"
echo '# no adverbs' >"$TMPD/assets/world/adverbs.txt"
run $PROMPTLAB corpus --assets "$TMPD/assets" --size 100 --out "$TMPD/corpus"
expect_status "empty adverbs" $rc 1
expect_contains "empty adverbs message" "$err" "$TMPD/assets/world/adverbs.txt:1: no adverbs"

# corpus keeps the probe set beside the world out, and says whether it found
# one: a sentence the world writes, made a probe row, is written no more
mkdir -p "$TMPD/pw" && cp -r assets/world "$TMPD/pw/world"
run $PROMPTLAB corpus --assets "$TMPD/pw" --size 2000 --json --out "$TMPD/pc1"
expect_status "corpus, no probe" $rc 0
expect_contains "corpus, no probe json" "$out" '"probe":false'
first=$(grep -m1 '"source":"translate English to [A-Za-z]*: [A-Z][^"]*\.","target"' \
    "$TMPD/pc1/train.jsonl" | sed 's/.*"source":"[^:]*: \([^"]*\)","target".*/\1/')
expect_eq "corpus, a sentence to keep out" "${first:+found}" found
mkdir -p "$TMPD/pw/probe"
printf '{"source":"%s","target":"x","tags":["known"]}\n' "$first" >"$TMPD/pw/probe/p.jsonl"
run $PROMPTLAB corpus --assets "$TMPD/pw" --size 2000 --json --out "$TMPD/pc2"
expect_contains "corpus, probe json" "$out" '"probe":true'
expect_eq "corpus, probe row written no more" \
    "$(grep -cF "$first" "$TMPD/pc2/train.jsonl")" 0
expect_contains "corpus, probe row was there" "$(cat "$TMPD/pc1/train.jsonl")" "$first"

# a data set with a 100 MB line (a sparse file)
{ echo '{"source": "Hello", "target": "Hallo"}'; printf '{"source": "'; } >"$TMPD/long.jsonl"
truncate -s 100M "$TMPD/long.jsonl"
run $PROMPTLAB eval --data "$TMPD/long.jsonl"
expect_status "100 MB line" $rc 1
expect_contains "100 MB line message" "$err" "long.jsonl:2: line is longer than the limit of 1048576 bytes"

# pretrain --f16: the model file holds F16, half the size of an F32 run's, and
# the model opens and translates
cat >"$TMPD/pt.json" <<'EOF'
{"model_type": "t5", "vocab_size": 32128, "d_model": 16, "num_heads": 2, "d_kv": 8, "d_ff": 32,
 "num_layers": 1, "num_decoder_layers": 1, "feed_forward_proj": "relu", "tie_word_embeddings": true}
EOF
for w in house tree dog; do printf '{"source": "the %s", "target": "das %s"}\n' "$w" "$w"; done >"$TMPD/pt.jsonl"
for dt in f32 f16; do
    flag=
    [ $dt = f16 ] && flag=--f16
    run $PROMPTLAB pretrain --data "$TMPD/pt.jsonl" --config "$TMPD/pt.json" --tokenizer "$TESTDATA/t5" \
        --out "$TMPD/pt_$dt" --steps 2 --batch-tokens 64 --warmup 0 $flag
    expect_status "pretrain $dt" $rc 0
done
run $PROMPTLAB info --model "$TMPD/pt_f16" --json
expect_contains "pretrain --f16 writes F16" "$out" '"dtype": "F16"'
s32=$(wc -c <"$TMPD/pt_f32/model.safetensors") s16=$(wc -c <"$TMPD/pt_f16/model.safetensors")
if [ $((s16 * 10)) -lt $((s32 * 6)) ]; then ok; else bad "F16 file $s16 bytes, F32 $s32"; fi
run $PROMPTLAB translate --model "$TMPD/pt_f16" "the house"
expect_status "an F16 model translates" $rc 0

finish
