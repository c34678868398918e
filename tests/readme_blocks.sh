#!/bin/sh
# readme_blocks.sh README OUTDIR - the tour's fenced captures of README.md
# (between "### A tour" and "## A 15-minute lesson") as OUTDIR/readme-N.txt,
# to diff against tests/captures.sh's:
#   1 = 01-side-open  2 = 02-side-idiomatic (rows 1-7 only)  3 = 04-hard-tokens-run
#   4 = 05-soft-default-200  5 = 06-inspect-soft-a
mkdir -p "$2" || exit 1
awk -v dir="$2" '
    /^### A tour/ { on = 1 }
    /^## A 15-minute lesson/ { on = 0 }
    on && /^```/ { if (inb) { close(f); inb = 0 } else { n++; f = dir "/readme-" n ".txt"; inb = 1; printf "" > f }; next }
    on && inb { print > f }' "$1"
