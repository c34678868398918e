#!/bin/sh
# probe.sh - measure the embedded model on the hand-written probe set
# (assets/probe/: text typed as people type it, never in training) and print
# a Markdown section for its REPORT.md on stdout. Run by `make model` after
# report.sh; it also runs alone:
#
#   PL=./promptlab MODEL=assets/models/promptlab-tiny sh assets/models/probe.sh
#
# Every row of the table is measured here: `promptlab eval` gives chrF and
# exact match of each style's rows; `promptlab translate` decodes the same
# rows again (same greedy decoding, same length limit, so the same outputs)
# so that looping outputs can be counted, and keeps every output in
# $W/probe/ for reading.
set -eu
: "${PL:=./promptlab}" "${W:=build/world}" "${MODEL:=assets/models/promptlab-tiny}"
: "${PROBE:=assets/probe}"
E=$W/probe
MAXLEN=64
mkdir -p "$E"
export PROMPTLAB_MODEL="$MODEL"
LIT='translate English to {language}: {source}'
MEAN='translate the meaning into {language}: {source}'

# pick FILE STYLE: the rows of FILE tagged STYLE.
pick() {
    perl -MJSON::PP -ne 'BEGIN { $style = shift @ARGV }
        print if grep { $_ eq $style } @{ JSON::PP->new->utf8->decode($_)->{tags} };' "$2" "$1"
}

# loops OUT: count the looping outputs of a `translate --json` file. An output
# loops when some three words in a row occur three times or more in it, or
# when it re-tokenizes to MAXLEN pieces or more (it ran into the length limit
# instead of ending); LOOPS.txt beside OUT lists them.
loops() {
    perl -MJSON::PP -ne 'BEGIN { binmode STDOUT, ":encoding(UTF-8)" }
        print JSON::PP->new->utf8->decode($_)->{output}, "\n"' "$1" |
        "$PL" tokenize --ids --no-eos - 2>/dev/null | awk '{ print NF }' >"$1.len"
    perl -MJSON::PP -e '
        my ($out, $len, $max) = @ARGV;
        open my $o, "<", $out or die; open my $l, "<", $len or die;
        binmode STDERR, ":encoding(UTF-8)";
        my $n = 0;
        while (my $line = <$o>) {
            my $r = JSON::PP->new->utf8->decode($line);
            my $pieces = <$l> // 0; chomp $pieces;
            my @w = split " ", $r->{output};
            my %seen; my $rep = 0;
            for my $i (0 .. $#w - 2) { $rep = 1 if ++$seen{"@w[$i..$i+2]"} >= 3; }
            next unless $rep || $pieces >= $max;
            $n++;
            print STDERR "$r->{source}\t$r->{output}\n";
        }
        print "$n\n";' "$1" "$1.len" "$MAXLEN" 2>"$1.loops.txt"
}

# row LANG NAME FILE TEMPLATE REF STYLE: one table row for the rows of FILE
# tagged STYLE under TEMPLATE, scored against the target (or the literal).
row() {
    sub=$E/$(basename "$3" .jsonl)_$6.jsonl
    pick "$3" "$6" >"$sub"
    t=$(echo "$4" | sed "s/{language}/$2/")
    n=$(wc -l <"$sub")
    "$PL" eval --data "$sub" --hard "$t" --ref "$5" --max-len $MAXLEN --json >"$sub.$5.eval" 2>/dev/null
    scores=$(sed 's/.*"chrf": \([0-9.]*\).*"exact": \([0-9.]*\).*/\1 | \2/' "$sub.$5.eval")
    out=$sub.$5.out
    perl -MJSON::PP -ne 'BEGIN { binmode STDOUT, ":encoding(UTF-8)" }
        print JSON::PP->new->utf8->decode($_)->{source}, "\n"' "$sub" |
        "$PL" translate --hard "$t" --max-len $MAXLEN --json - 2>/dev/null >"$out"
    echo "| $1 | $6 | $n | $scores | $(loops "$out") |"
}

echo "## Probe set: text typed as people type it"
echo
echo "Measured by assets/models/probe.sh on $(date -u +%Y-%m-%d) with promptlab $("$PL" --version | cut -d' ' -f2)"
echo "on the hand-written probe set of assets/probe/ (its README says how it"
echo "was written; it never enters training): greedy decoding, at most $MAXLEN new"
echo "tokens, chrF as sacreBLEU defines it, exact match after trimming spaces."
echo "Sentences are of kinds the world has (known), of structures it lacks"
echo "(new), and typed casually (lowercase, no final punctuation, doubled"
echo "spaces, contractions, British spellings); idiom forms are bare phrases,"
echo "inflected, or embedded in longer sentences. A looping output repeats some"
echo "three words in a row three times or more, or re-tokenizes to $MAXLEN pieces"
echo "or more (it hit the length limit)."
for part in sentences meaning literal; do
    echo
    case $part in
    sentences) echo "Sentences under \`${LIT}\`, against a careful translation:" ;;
    meaning) echo "Idiom forms under \`${MEAN}\`, against the idiomatic rendering:" ;;
    literal) echo "Idiom forms under \`${LIT}\`, against the word-for-word rendering:" ;;
    esac
    echo
    echo "| language | style | rows | chrF | exact % | looping |"
    echo "|---|---|--:|--:|--:|--:|"
    for L in vi es fr; do
        case $L in vi) name=Vietnamese ;; es) name=Spanish ;; fr) name=French ;; esac
        case $part in
        sentences) for s in known new casual; do
                row $L "$name" "$PROBE/sentences_$L.jsonl" "$LIT" target $s; done ;;
        meaning) for s in bare inflected embedded; do
                row $L "$name" "$PROBE/idioms_$L.jsonl" "$MEAN" target $s; done ;;
        literal) for s in bare inflected embedded; do
                row $L "$name" "$PROBE/idioms_$L.jsonl" "$LIT" literal $s; done ;;
        esac
    done
done
