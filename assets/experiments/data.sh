#!/bin/sh
# data.sh - write the data sets of the experiment specs in this folder to
# $OUT (default build/experiments), from `promptlab corpus` run with seeds
# 101-120 (never the seeds 1 and 2 of the models' pre-training corpora).
# Training sentences come from the world's training split, validation and
# test sentences from splits the models never saw in pre-training.
#
# The domain shift (the paper's Table 1): train on statements ("My
# grandfather will eat at seven o'clock."), test on statements and on
# questions ("Where is the turtle?"), a kind of sentence the training set
# lacks. Files:
#   topic_train.jsonl            sentence -> topic word, statements (classify_train)
#   topic_valid.jsonl            100 statements (classify_valid)
#   topic_test_statements.jsonl  600 statements (classify_valid, not in valid)
#   topic_test_questions.jsonl   every question (classify_valid)
#   vi_train.jsonl               English -> Vietnamese, no instruction, statements (softA_train)
#   vi_valid.jsonl               100 statements (softA_test)
#   vi_test_statements.jsonl     600 statements (softA_test, not in valid)
#   vi_test_questions.jsonl      every question (softA_test)
#   vi_food_train.jsonl          English -> Vietnamese, sentences about food (softA_train)
#   vi_food_valid.jsonl          60 held-out sentences about food (softA_test)
#   vi_food_test.jsonl           the other held-out sentences about food (softA_test)
#   vi_travel_test.jsonl         held-out sentences about travel (softA_test): the
#                                topic shift of assets/experiments/domain
#   idioms_train.jsonl           idioms -> idiomatic Vietnamese (softB_train)
#   idioms_test.jsonl            idioms never in idioms_train (softB_test)
# Same promptlab, same world: the same files.
set -eu
: "${PL:=./promptlab}" "${OUT:=build/experiments}"
C=$OUT/corpus
mkdir -p "$C"
for s in $(seq 101 120); do
    [ -s "$C/$s/classify_valid.jsonl" ] || "$PL" corpus --seed "$s" --size 100 --out "$C/$s" >/dev/null
done
# The sentence kinds that are questions (assets/world/templates.txt; "why"
# since world v5).
Q='"tags":\["(yes_no|yes_no_be|where|what|how_many|who|what_color|why)"\]'
uniq_src() { awk '{ s = $0; sub(/","target".*/, "", s) } !seen[s]++'; }
questions() { grep -E "$Q" || true; }
statements() { grep -vE "$Q" || true; }
cat "$C"/*/classify_train.jsonl | uniq_src | statements >"$OUT/topic_train.jsonl"
cat "$C"/*/classify_valid.jsonl | uniq_src >"$OUT/topic_heldout.jsonl"
statements <"$OUT/topic_heldout.jsonl" | head -n 100 >"$OUT/topic_valid.jsonl"
statements <"$OUT/topic_heldout.jsonl" | tail -n +101 | head -n 600 >"$OUT/topic_test_statements.jsonl"
questions <"$OUT/topic_heldout.jsonl" >"$OUT/topic_test_questions.jsonl"
cat "$C"/*/softA_train.jsonl | uniq_src | statements >"$OUT/vi_train.jsonl"
cat "$C"/*/softA_test.jsonl | uniq_src >"$OUT/vi_heldout.jsonl"
statements <"$OUT/vi_heldout.jsonl" | head -n 100 >"$OUT/vi_valid.jsonl"
statements <"$OUT/vi_heldout.jsonl" | tail -n +101 | head -n 600 >"$OUT/vi_test_statements.jsonl"
questions <"$OUT/vi_heldout.jsonl" >"$OUT/vi_test_questions.jsonl"
topic() { grep -F "\"label\":\"$1\"" || true; }
cat "$C"/*/softA_train.jsonl | uniq_src | topic food >"$OUT/vi_food_train.jsonl"
cat "$C"/*/softA_test.jsonl | uniq_src | topic food | head -n 60 >"$OUT/vi_food_valid.jsonl"
cat "$C"/*/softA_test.jsonl | uniq_src | topic food | tail -n +61 >"$OUT/vi_food_test.jsonl"
cat "$C"/*/softA_test.jsonl | uniq_src | topic travel >"$OUT/vi_travel_test.jsonl"
cp "$C/101/softB_train.jsonl" "$OUT/idioms_train.jsonl"
cp "$C/101/softB_test.jsonl" "$OUT/idioms_test.jsonl"
rm -f "$OUT/topic_heldout.jsonl" "$OUT/vi_heldout.jsonl"
for f in topic_train topic_valid topic_test_statements topic_test_questions vi_train vi_valid \
    vi_test_statements vi_test_questions vi_food_train vi_food_valid vi_food_test \
    vi_travel_test idioms_train idioms_test; do
    printf '%-28s %5d examples\n' "$f.jsonl" "$(wc -l <"$OUT/$f.jsonl")"
done
