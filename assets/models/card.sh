#!/bin/sh
# card.sh NAME DIR - print the model card (README.md) of a model of the
# ladder that `make ladder` pre-trained into DIR. Every figure is read from
# DIR: the shape and parameter count from `promptlab info`, the training
# from promptlab-run.json and train_log.jsonl. PL is the promptlab binary.
set -eu
: "${PL:=./promptlab}"
NAME=$1
DIR=$2
info=$("$PL" info --model "$DIR")
field() { printf '%s\n' "$info" | sed -n "s/^$1  *//p"; }
shape=$(field shape)
params=$(field parameters)
weights=$(field weights)
bytes=$(printf '%s\n' "$info" | sed -n 's/^file  *model.safetensors  *\([0-9]*\) bytes/\1/p')
size=$(awk -v b="${bytes:-0}" 'BEGIN { printf "%.1f", b / 1e6 }')
log=$DIR/train_log.jsonl
steps=$(tail -n 1 "$log" | sed -n 's/.*"step": \([0-9]*\).*/\1/p')
# a run resumed after an interruption logs from 0 s again: add the parts
elapsed=$(sed -n 's/.*"elapsed": \([0-9.]*\).*/\1/p' "$log" |
    awk 'NR > 1 && $1 < p { t += p } { p = $1 } END { printf "%.1f", t + p }')
# the mean loss of the last ten logged points, less noisy than one batch
loss=$(tail -n 10 "$log" | sed -n 's/.*"loss": \([0-9.]*\).*/\1/p' |
    awk '{ s += $1; n++ } END { if (n) printf "%.3f", s / n }')
tps=$(tail -n 10 "$log" | sed -n 's/.*"tokens_per_s": \([0-9]*\).*/\1/p' |
    awk '{ s += $1; n++ } END { if (n) printf "%.0f", s / n }')
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
minutes=$(awk -v s="$elapsed" 'BEGIN { printf "%.0f", s / 60 }')

cat <<EOF
# $NAME

A rung of promptlab's model ladder: the corpora and tokenizer of
promptlab-tiny (the embedded model) at a given width with the ladder's
10,000-step schedule, so that experiments can compare hard prompts, prompt
tuning and model tuning as the model grows (Lester et al. 2021, Figure 1). Made by \`make ladder\` on $(date -u +%Y-%m-%d) with
promptlab $("$PL" --version | cut -d' ' -f2).

## Shape

- **Architecture:** T5 v1.1 style, as promptlab-tiny: gated-GELU
  feed-forward, RMS norm, tied embeddings, relative position buckets (32,
  max distance 128); $shape.
- **Parameters:** $params; the file stores them as $weights
  ($size MB).
- **Vocabulary:** promptlab-tiny's SentencePiece Unigram vocabulary of 5,000
  pieces (the same \`spiece.model\` and \`tokenizer.json\`), so prompts,
  data sets and words move between the rungs unchanged.

## Training

The corpora of \`make model\` (see promptlab-tiny's README) on the
ladder's schedule: 1,000,000 pairs from \`assets/world/\` (seed 1, steps
1-4,800), then 750,000 with idiom tasks at 40% (seed 2, to step 8,000),
then the same corpus again at the schedule's final learning rate (to step
10,000);
AdamW, peak lr 2e-3, weight decay 0.01, 400 warmup steps, cosine decay to
10%, batches of about 4,096 tokens, clipping at 1.0.

- **Steps:** $steps, in $minutes min of training ($elapsed s) on
  ${cpu:-this machine}, about $tps tokens/s over the last logged steps.
- **Final training loss:** $loss (mean of the last ten logged points;
  \`train_log.jsonl\` has the curve).

## Scores

The ladder's scores are measured by the experiment specs in
\`assets/experiments/\` (README there), which compare this model with the
other rungs under the same prompts and training budgets.
EOF
