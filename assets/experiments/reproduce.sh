#!/bin/sh
# reproduce.sh - rerun one of the paper's experiments and refresh its
# results in assets/experiments/NAME/ (results.json, results.csv,
# summary.csv, figures.csv, fig_*.svg, and for "ensemble" ensemble.json).
#
#   sh assets/experiments/reproduce.sh NAME      (NAME: a folder here with spec.json)
#
# The data come from data.sh (build/experiments/, written once), the models
# from assets/models/ (`make ladder` adds the smaller rungs). The run itself
# goes to build/experiments/runs/NAME: stop it with Ctrl-C and start the
# same command again, and it continues where it stopped.
set -eu
: "${PL:=./promptlab}"
DATA=build/experiments # where data.sh writes and the specs read
here=$(dirname "$0")
name=${1:-}
if [ -z "$name" ] || [ ! -f "$here/$name/spec.json" ]; then
    echo "usage: sh $0 NAME, where NAME is one of:" >&2
    for d in "$here"/*/spec.json; do basename "$(dirname "$d")"; done >&2
    exit 2
fi
for m in $(sed -n 's/.*"\(assets\/models\/[^"]*\)".*/\1/p' "$here/$name/spec.json"); do
    [ -f "$m/model.safetensors" ] || { echo "$0: $m is missing: run \`make ladder\` first" >&2; exit 1; }
done
[ -s "$DATA/vi_travel_test.jsonl" ] || PL=$PL OUT=$DATA sh "$here/data.sh"
run=$DATA/runs/$name
start=$(date +%s)
"$PL" experiment --spec "$here/$name/spec.json" --out "$run"
if [ "$name" = ensemble ]; then
    # every seed's prompt is one member; the table adds the ensemble
    set --
    for c in "$run"/cells/*-prompt-*; do set -- "$@" --soft "$c"; done
    "$PL" eval --model assets/models/promptlab-base --data "$DATA/vi_test_statements.jsonl" \
        --limit 200 --metric chrf,exact --ensemble --json "$@" >"$here/$name/ensemble.json"
    cat "$here/$name/ensemble.json"
fi
for f in results.json results.csv summary.csv figures.csv; do cp "$run/$f" "$here/$name/"; done
rm -f "$here/$name"/fig_*.svg
cp "$run"/fig_*.svg "$here/$name/"
echo "$name: $(( $(date +%s) - start )) s; results in $here/$name/"
