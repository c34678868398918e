#!/bin/sh
# run.sh TARGET... - run each libFuzzer target on the inputs that once
# crashed it (tests/data/fuzz-regress/NAME/, when present), then fuzz it
# for $SECONDS_EACH seconds (default 20), one target after the other, from
# its committed seeds (tests/fuzz/corpus/NAME) and its own growing corpus
# ($FB/corpus/NAME).
# Prints one line per target and fails when any target found a crash, a
# leak, undefined behaviour, an allocation above $MALLOC_MB MiB or an input
# slower than 10 s; the input that did it is left in $FB/artifacts/NAME/.
FB=${FB:-build/fuzz}
SECONDS_EACH=${SECONDS_EACH:-20}
MALLOC_MB=${MALLOC_MB:-1024}
failed=0
mkdir -p "$FB/logs"
for bin in "$@"; do
    name=$(basename "$bin")
    seeds=tests/fuzz/corpus/${name#fuzz_}
    mkdir -p "$FB/corpus/$name" "$FB/artifacts/$name"
    log=$FB/logs/$name.log
    dict=
    [ -f "tests/fuzz/${name#fuzz_}.dict" ] && dict=-dict=tests/fuzz/${name#fuzz_}.dict
    regress=tests/data/fuzz-regress/${name#fuzz_}
    if [ -d "$regress" ] && ! "$bin" "$regress"/* >"$log" 2>&1; then
        failed=$((failed + 1))
        echo "== $name: a regression input of $regress fails again, see $log"
        continue
    fi
    "$bin" -max_total_time="$SECONDS_EACH" -timeout=10 -malloc_limit_mb="$MALLOC_MB" \
        -rss_limit_mb=2560 -print_final_stats=1 $dict \
        -artifact_prefix="$FB/artifacts/$name/" "$FB/corpus/$name" "$seeds" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)
    if [ "$rc" -ne 0 ]; then
        failed=$((failed + 1))
        echo "== $name: FAILED (exit $rc), see $log and $FB/artifacts/$name/"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -n 5
    fi
    printf '%-22s %s runs, %s\n' "$name" "${runs:-?}" "${cov:-no coverage line}"
done
[ "$failed" -eq 0 ] && echo "fuzz: no crash in $# targets" || echo "fuzz: $failed of $# targets failed"
[ "$failed" -eq 0 ]
