# lib.sh - helpers for shell tests (sourced). Each script counts checks and
# ends with `finish`, which prints "N passed, N failed".
# PROMPTLAB is the binary under test; TMPD a scratch directory removed on exit.
set -u
PROMPTLAB=${PROMPTLAB:-./promptlab}
TESTDATA=${TESTDATA:-tests/data}
pass=0
fail=0
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
# expect_eq WHAT GOT WANT
expect_eq() { if [ "$2" = "$3" ]; then ok; else bad "$1: got [$2] want [$3]"; fi; }
# expect_contains WHAT HAYSTACK NEEDLE
expect_contains() { case "$2" in *"$3"*) ok ;; *) bad "$1: [$2] lacks [$3]" ;; esac; }
# expect_status WHAT GOT WANT
expect_status() { if [ "$2" -eq "$3" ]; then ok; else bad "$1: exit $2, want $3"; fi; }
finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; }
