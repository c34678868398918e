#!/bin/sh
# test_probe.sh - the hand-written probe set (assets/probe/) stays usable and
# stays out of the world: every file is a data set `promptlab eval` reads,
# each language has enough rows of every style, every row carries exactly one
# style tag, every idiom form names an idiom of assets/world/idioms.txt, and
# no probe sentence is a source text of a generated corpus or of a shipped
# sample set (assets/samples/).
. tests/lib.sh
P=${PROBE_DIR:-assets/probe}
IDIOMS=${PROBE_IDIOMS:-assets/world/idioms.txt}
SIZE=${PROBE_CORPUS_SIZE:-20000}
T=$(printf '\t')

# rows FILE KIND: one line per row, "style<TAB>source<TAB>core", and on
# standard error one line for each way a row breaks the format. KIND is
# sentences (styles known/new/casual) or idioms (bare/inflected/embedded,
# each with a "literal" and an "idiom:CORE" tag).
cat >"$TMPD/rows.pl" <<'EOF'
use strict; use warnings; use JSON::PP;
binmode STDOUT, ':encoding(UTF-8)'; binmode STDERR, ':encoding(UTF-8)';
my ($file, $kind) = @ARGV;
my %styles = $kind eq 'idioms' ? (bare => 1, inflected => 1, embedded => 1)
                                : (known => 1, new => 1, casual => 1);
open my $f, '<', $file or die "$file: $!\n";
my $n = 0;
while (my $line = <$f>) {
    $n++;
    my $r = eval { JSON::PP->new->utf8->decode($line) };
    if (!$r) { print STDERR "$file:$n: not JSON\n"; next; }
    my @tags = @{ $r->{tags} || [] };
    my @st = grep { $styles{$_} } @tags;
    print STDERR "$file:$n: style tags [@st], want exactly one\n" if @st != 1;
    for my $k ('source', 'target', $kind eq 'idioms' ? 'literal' : ()) {
        my $v = $r->{$k};
        print STDERR "$file:$n: $k missing or empty\n" if !defined $v || $v eq '';
        print STDERR "$file:$n: $k has a tab or a newline\n" if defined $v && $v =~ /[\t\n]/;
    }
    for my $k ('target', 'literal') {
        my $v = $r->{$k};
        print STDERR "$file:$n: $k has stray spaces\n"
            if defined $v && $v =~ /^ | $|  /;
    }
    my @core = map { /^idiom:(.*)/ ? $1 : () } @tags;
    if ($kind eq 'idioms') {
        print STDERR "$file:$n: want one idiom:CORE tag of two words or more\n"
            if @core != 1 || $core[0] !~ /\S \S/;
        print STDERR "$file:$n: source lacks its core \"$core[0]\"\n"
            if @core == 1 && index(lc $r->{source}, lc $core[0]) < 0;
    }
    printf "%s\t%s\t%s\n", $st[0] // '-', $r->{source} // '', $core[0] // '';
}
EOF
rows() { perl "$TMPD/rows.pl" "$@"; }

for L in vi es fr; do
    for K in sentences idioms; do
        F=$P/${K}_$L.jsonl
        # The file is a data set promptlab reads.
        "$PROMPTLAB" eval --data "$F" --limit 1 --metric exact >"$TMPD/eval.out" 2>&1
        expect_status "eval --data $F" $? 0
        rows "$F" "$K" >"$TMPD/rows_${K}_$L" 2>"$TMPD/errors"
        expect_eq "$F: format" "$(head -n 3 "$TMPD/errors")" ""
    done
    # Enough rows, and of every style.
    n=$(wc -l <"$TMPD/rows_sentences_$L")
    if [ "$n" -ge 150 ]; then ok; else bad "sentences_$L: $n sentences, want 150 or more"; fi
    n=$(wc -l <"$TMPD/rows_idioms_$L")
    if [ "$n" -ge 40 ]; then ok; else bad "idioms_$L: $n idiom forms, want 40 or more"; fi
    for s in known new casual; do
        n=$(grep -c "^$s$T" "$TMPD/rows_sentences_$L")
        if [ "$n" -ge 40 ]; then ok; else bad "sentences_$L: $n $s rows, want 40 or more"; fi
    done
    for s in bare inflected embedded; do
        n=$(grep -c "^$s$T" "$TMPD/rows_idioms_$L")
        if [ "$n" -ge 12 ]; then ok; else bad "idioms_$L: $n $s rows, want 12 or more"; fi
    done
done
# The three languages translate the same English, row for row.
for K in sentences idioms; do
    expect_eq "$K: vi and es sources" "$(cmp -s "$TMPD/rows_${K}_vi" "$TMPD/rows_${K}_es" && echo same)" same
    expect_eq "$K: vi and fr sources" "$(cmp -s "$TMPD/rows_${K}_vi" "$TMPD/rows_${K}_fr" && echo same)" same
done

# Every idiom form belongs to an idiom the world teaches: its core phrase is
# part of an "idiom" line of idioms.txt (case aside).
grep '^idiom ' "$IDIOMS" | sed 's/^idiom *//' >"$TMPD/idioms.txt"
cut -f3 "$TMPD/rows_idioms_vi" | sort -u >"$TMPD/cores"
[ -s "$TMPD/cores" ] || bad "no idiom cores read"
while IFS= read -r core; do
    if grep -qiF -- "$core" "$TMPD/idioms.txt"; then ok; else bad "idiom core \"$core\" is not in $IDIOMS"; fi
done <"$TMPD/cores"

# Out of the world: no probe sentence is (part of) a source text of a
# generated corpus. Bare idiom phrases are left out: they are pieces of the
# world's idioms on purpose. A casual row is also checked as a careful
# typist would have written it: single spaces, a capital, a final . or ?.
"$PROMPTLAB" corpus --seed 1 --size "$SIZE" --out "$TMPD/c" >/dev/null 2>&1
expect_status "corpus --seed 1 --size $SIZE" $? 0
cat "$TMPD"/c/*.jsonl | sed -n 's/^{"source":"\(.*\)","target":".*/\1/p' | sed 's/\\"/"/g' >"$TMPD/sources"
n=$(wc -l <"$TMPD/sources")
if [ "$n" -ge "$SIZE" ]; then ok; else bad "read $n corpus sources, want $SIZE or more"; fi
cat "$TMPD/rows_sentences_vi" "$TMPD/rows_idioms_vi" | grep -v "^bare$T" | perl -ne '
    my ($style, $s) = split /\t/;
    print "$s\n";
    next unless $style eq "casual";
    $s =~ s/ +/ /g;
    $s = ucfirst $s;
    print $s =~ /[.?!]$/ ? "$s\n" : "$s.\n$s?\n";' | sort -u >"$TMPD/patterns"
seen=$(grep -oF -f "$TMPD/patterns" "$TMPD/sources" | sort -u | head -n 5)
expect_eq "probe sentences among the corpus sources" "$seen" ""
S=${PROBE_SAMPLES:-assets/samples}
cat "$S"/*.jsonl | sed -n 's/^{"source": *"\(.*\)", *"target":.*/\1/p' | sed 's/\\"/"/g' >"$TMPD/samples"
n=$(wc -l <"$TMPD/samples")
if [ "$n" -ge 300 ]; then ok; else bad "read $n sample sources from $S, want 300 or more"; fi
seen=$(grep -oF -f "$TMPD/patterns" "$TMPD/samples" | sort -u | head -n 5)
expect_eq "probe sentences among the sample sets" "$seen" ""

finish
