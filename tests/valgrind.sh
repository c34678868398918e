#!/bin/sh
# valgrind.sh - memcheck (--leak-check=full) on the CLI paths translate,
# score, tune, eval and experiment with a small random model: any memory
# error or any definitely or indirectly lost block fails. Run by `make
# valgrind`, which builds build/valgrind without -march=native (valgrind
# cannot decode AVX-512) and pins OpenBLAS to its Haswell kernels for the
# same reason.
# Not part of `make test`: it takes minutes, not seconds.
set -u
PROMPTLAB=${PROMPTLAB:-build/valgrind/promptlab}
TOOLS=${TOOLS:-build/valgrind/tests/tools}
TESTDATA=${TESTDATA:-tests/data}
if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind is not installed (apt-get install valgrind)"
    echo "0 passed, 1 failed"
    exit 1
fi
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT
export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-Haswell} OPENBLAS_NUM_THREADS=1
export PROMPTLAB_MODEL=$TMPD/model
"$TOOLS/mkmodel" "$PROMPTLAB_MODEL" "$TESTDATA/t5/tokenizer.json" gated 7 >/dev/null || exit 1
D=$TMPD/data.jsonl
for w in house cat dog tree river green small happy bird moon sun water; do
    printf '{"source": "the %s", "target": "das %s"}\n' "$w" "$w" >>"$D"
done
pass=0
fail=0
# vg NAME STATUS ARGS...: one promptlab command under memcheck; it must exit
# with STATUS (memcheck's own failure is status 99)
vg() {
    name=$1
    want=$2
    shift 2
    t0=$(date +%s)
    valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --num-callers=30 \
        --log-file="$TMPD/$name.vg" "$PROMPTLAB" "$@" >"$TMPD/$name.out" 2>"$TMPD/$name.err"
    rc=$?
    summary=$(grep -E "ERROR SUMMARY|definitely lost|indirectly lost" "$TMPD/$name.vg" | sed 's/^==[0-9]*== *//' | tr '\n' ';')
    if [ $rc -eq "$want" ]; then
        pass=$((pass + 1))
        echo "ok   $name ($(($(date +%s) - t0)) s): $summary"
    else
        fail=$((fail + 1))
        echo "FAIL $name (exit $rc):"
        cat "$TMPD/$name.err"
        sed -n '/HEAP SUMMARY/,$p;/Invalid\|uninitialised\|Conditional/,/^==[0-9]*== $/p' "$TMPD/$name.vg" | head -n 80
    fi
}
vg translate 0 translate --hard 'translate English to German: {source}' --max-len 8 "the house" "  "
vg translate-beam 0 translate --beam 3 --max-len 6 "the green tree"
vg tune 0 tune --data "$D" --out "$TMPD/p" --length 4 --steps 2 --batch 2 --eval-every 2 --seed 1
vg translate-soft 0 translate --soft "$TMPD/p" --max-len 6 "the cat"
vg score 0 score --soft "$TMPD/p" --source "the cat" --target "das cat"
vg eval 0 eval --data "$D" --limit 4 --hard 'translate: {source}' --soft "$TMPD/p" --max-len 6
vg experiment 0 experiment --out "$TMPD/x" --methods hard,prompt,model --lengths 2 --seeds 1 \
    --train "$D" --test "$D" --hard 'translate: {source}' --steps 2 --batch 2 --max-test 4 \
    --max-valid 2 --max-len 4
vg experiment-rerun 0 experiment --spec "$TMPD/x/spec.json" --out "$TMPD/x"
vg bad-option 2 translate --beam
vg missing-soft 1 translate --soft "$TMPD/nowhere" "the cat"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
