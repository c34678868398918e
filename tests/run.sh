#!/bin/sh
# run.sh BUILD_DIR - run every test binary in BUILD_DIR/tests and every
# tests/test_*.sh script, add up their "N passed, N failed" lines, and print
# the total as the last line. Each test's line also says how many seconds it
# took (wall time: which tests to trim when CI runs long). Exits non-zero
# when anything failed.
B=${1:-build/release}
total_pass=0
total_fail=0
log=$(mktemp)
for t in "$B"/tests/test_* tests/test_*.sh; do
    [ -e "$t" ] || continue
    case "$t" in *.d) continue ;; esac
    name=$(basename "$t")
    t0=$(date +%s)
    case "$t" in
    *.sh) sh "$t" >"$log" 2>&1 ;;
    *) "$t" >"$log" 2>&1 ;;
    esac
    rc=$?
    secs=$(($(date +%s) - t0))
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
    f=$(echo "$line" | sed -n 's/.*passed, \([0-9]*\) failed.*/\1/p')
    [ -n "$p" ] || p=0
    [ -n "$f" ] || f=0
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1 # crashed or exited non-zero without reporting a failure
    fi
    if [ "$f" -ne 0 ]; then
        echo "== $name: exit $rc"
        tail -n 40 "$log"
    fi
    printf '%-28s %5s passed, %s failed  %4d s\n' "$name" "$p" "$f" "$secs"
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
done
rm -f "$log"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
