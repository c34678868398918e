#!/bin/sh
# mkseeds.sh - rebuild the seed corpus tests/fuzz/corpus/<target>/ from the
# repository's own files (assets/, tests/data/), small SentencePiece models
# trained here with spm_train, and files written by promptlab's writers
# (tests/fuzz/mkseeds.c). Run from the repository root after `make`:
#   sh tests/fuzz/mkseeds.sh
# Multi-file inputs join their files with the separator of fuzz.h
# ("\n==file==\n"); the first byte of some inputs is a selector (see the
# comment at the top of each fuzz_*.c).
set -e
C=tests/fuzz/corpus
W=build/fuzz/seedwork
SEP='
==file==
'
byte() { printf "$(printf '\\%03o' "$1")"; }

rm -rf "$C" "$W"
for t in safetensors t5_config tokenizer_json spiece tokenize jsonl template peft npy world words; do
    mkdir -p "$C/$t"
done
mkdir -p "$W"
cc -O1 -Iinclude -Isrc -Itests/fuzz -D_GNU_SOURCE tests/fuzz/mkseeds.c build/release/libpromptlab.a \
    $(pkg-config --libs ncursesw openblas libcjson libedit) -lm -pthread -o "$W/mkseeds"
"$W/mkseeds" "$C"
rm -rf "$C/model" "$C/prompt"

# safetensors, t5_config, npy, jsonl: real files
cp assets/prompts/soft-a-vietnamese/adapter_model.safetensors "$C/safetensors/soft-a.safetensors"
cp tests/data/t5/config.json "$C/t5_config/t5-small.json"
cp assets/models/promptlab-tiny/config.json "$C/t5_config/promptlab-tiny.json"
cp assets/models/promptlab-tiny.config.json "$C/t5_config/promptlab-tiny-pretrain.json"
cp tests/data/npy/*.npy "$C/npy/"
cp assets/samples/*.jsonl "$C/jsonl/"
printf '\357\273\277{"source":"a","target":"b","literal":null,"tags":["x","y"],"label":"pos"}\r\n\r\n  \n{"source":"\\u00e9\\"q\\\\","target":"","tags":[],"extra":{"k":[1,2]}}' \
    >"$C/jsonl/edge.jsonl"

# peft: a promptlab save (3 parts) and a shipped prompt without its record (2 parts)
{ cat assets/prompts/soft-b-idioms/adapter_config.json; printf '%s' "$SEP"
  cat assets/prompts/soft-b-idioms/adapter_model.safetensors; } >"$C/peft/soft-b-peft-only"

# template: byte 0 = kind (0 .txt, 1 .json, 2 .jsonl) | soft rows/9 << 2
i=0
for f in assets/prompts/*.json; do
    { byte $((1 + 4 * (i % 3))); cat "$f"; printf '%s' "$SEP"; echo "It's raining cats and dogs."; } \
        >"$C/template/$(basename "$f" .json)"
    i=$((i + 1))
done
{ byte 0; printf 'summarize {source} then {source} again'; printf '%s' "$SEP"; printf 'The house is small.'; } \
    >"$C/template/text-two-slots"
{ byte 2; printf '{"name":"a","template":"translate to French: {source}"}\n{"title":"b","prompt":"{source}","lang":"fr"}\nnot json\n'
  printf '%s' "$SEP"; printf 'Break a leg.'; } >"$C/template/lines"
{ byte 1; printf '{"presets":[{"id":"x","hard":"Explain: {source}","note":"n","task":"explain"},{"text":"  "}]}'
  printf '%s' "$SEP"; printf 'Ça va?'; } >"$C/template/presets-doc"

# tokenizers: small SentencePiece models trained on the sample sources
grep -ho '"source": *"[^"]*"' assets/samples/*.jsonl | sed 's/"source": *"//; s/"$//' >"$W/text.txt"
printf '41\t61\n42\t62\n3000\t20\nFF21\t41\n2126\t3A9\n' >"$W/rules.tsv"
spm_train --input="$W/text.txt" --model_prefix="$W/rules" --vocab_size=120 --model_type=unigram \
    --normalization_rule_tsv="$W/rules.tsv" --pad_id=0 --eos_id=1 --unk_id=2 --bos_id=-1 >"$W/log" 2>&1
spm_train --input="$W/text.txt" --model_prefix="$W/bytes" --vocab_size=340 --model_type=unigram \
    --byte_fallback=true --user_defined_symbols='<sep>,cats' --normalization_rule_name=identity \
    --add_dummy_prefix=false --remove_extra_whitespaces=false --hard_vocab_limit=false \
    --pad_id=0 --eos_id=1 --unk_id=2 --bos_id=-1 >>"$W/log" 2>&1
cp "$W/rules.model" "$C/spiece/rules.model"
cp "$W/bytes.model" "$C/spiece/bytes.model"
cp assets/models/promptlab-tiny/spiece.model "$C/spiece/promptlab-tiny.model"
cp assets/models/promptlab-tiny/tokenizer.json "$C/tokenizer_json/promptlab-tiny.json"
./promptlab tokenize --tokenizer "$W/rules.model" --write-json "$C/tokenizer_json/rules.json" >/dev/null
./promptlab tokenize --tokenizer "$W/bytes.model" --write-json "$C/tokenizer_json/bytes.json" >/dev/null
sed -e 's/"normalizer":{"type":"Precompiled",\("precompiled_charsmap":"[^"]*"\)}/"normalizer":{"type":"Sequence","normalizers":[{"type":"Precompiled",\1},{"type":"Replace","pattern":{"Regex":" {2,}"},"content":" "},{"type":"Replace","pattern":{"String":"``"},"content":"\\""},{"type":"Strip","strip_left":true,"strip_right":true}]}/' \
    -e 's/"pre_tokenizer":{"type":"Sequence","pretokenizers":\[{"type":"WhitespaceSplit"},\({[^}]*}\)\]}/"pre_tokenizer":\1/' \
    -e 's/"prepend_scheme":"always"/"prepend_scheme":"first"/g' \
    "$C/tokenizer_json/rules.json" >"$C/tokenizer_json/rules-sequence.json"

# tokenize: byte 0 = tokenizer (bits 0-1) | flags << 2; every 8th test sentence
i=0
while IFS= read -r line; do
    [ $((i % 8)) -eq 0 ] && { byte $((i / 8 % 32)); printf '%s' "$line"; } >"$C/tokenize/s$i"
    i=$((i + 1))
done <tests/data/tok_sentences.txt

# words: the embedded model's list, and a small one with comments, CRLF, a quote
cp assets/models/promptlab-tiny/words.tsv "$C/words/promptlab-tiny.tsv"
printf '# comment\r\nit\xe2\x80\x99s\t3\r\ncaf\xc3\xa9\t2\nthe\t10\n' >"$C/words/small.tsv"

# world: byte 0 = the file (the order of fuzz_world.c)
i=0
for f in nouns places adjectives verbs adverbs numbers times pronouns weather frames idioms phrasings \
    templates labels phrases names modals reasons favorites positions; do
    { byte "$i"; cat "assets/world/$f.txt"; } >"$C/world/$f"
    i=$((i + 1))
done
rm -rf "$W"
du -sh "$C"
