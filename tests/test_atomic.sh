# test_atomic.sh - no lost work. SIGKILL at random moments during saves and
# training never leaves a soft prompt, a checkpoint or a file unloadable, a
# mix of two saves, or older than the last save that finished; and a full
# disk gives a clear error and keeps the previous files.
#
# Writers killed (tests/tools/savekill saves in a loop; each save describes
# itself, so the check can tell a mix of two saves):
#   prompt   soft_save, the three PEFT files as one set
#   set      pl_fileset, as the pre-training checkpoint uses it
#   file     pl_write_file_atomic, as exports, history and JSON use it
#   tune     `promptlab tune` saving its best prompt at every validation
#   pretrain `promptlab pretrain --resume` writing its checkpoint
# ATOMIC_TRIALS scales the count (default 30 for each of the first three).
. tests/lib.sh
TOOLS=${TOOLS:-build/release/tests/tools}
SK=$TOOLS/savekill
MK=$TOOLS/mkmodel
N=${ATOMIC_TRIALS:-30}
FULL=$TMPD/full
trap 'umount "$FULL" 2>/dev/null; rm -rf "$TMPD"' EXIT

# a random number in [0, $1)
rnd() { echo $(($(od -An -N2 -tu2 /dev/urandom | tr -d ' \n') % $1)); }
msleep() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }
trials=0

# kill_trial KIND TARGET MAX_MS: run savekill KIND against TARGET from the
# save on disk ($last), kill it after 0..MAX_MS ms, check what is on disk.
kill_trial() {
    "$SK" "$1" "$2" "$last" >"$TMPD/sk.out" 2>"$TMPD/sk.err" &
    pid=$!
    msleep "$(rnd "$3")"
    kill -KILL $pid 2>/dev/null
    wait $pid 2>/dev/null
    trials=$((trials + 1))
    if [ -s "$TMPD/sk.err" ]; then
        bad "$1 trial $trials: the writer failed: $(cat "$TMPD/sk.err")"
        return
    fi
    done_k=$(tail -n 1 "$TMPD/sk.out")
    [ -n "$done_k" ] || done_k=$last
    if k=$("$SK" "check-$1" "$2" "$done_k" 2>"$TMPD/ck.err"); then
        ok
        last=$k
    else
        bad "$1 trial $trials (killed after save $done_k): $(cat "$TMPD/ck.err")"
        last=$done_k
    fi
}

for kind in prompt set file; do
    last=0
    start=$trials
    i=0
    while [ $i -lt "$N" ]; do
        kill_trial $kind "$TMPD/$kind" 40
        i=$((i + 1))
    done
    echo "$kind: $((trials - start)) kills, save $last on disk at the end"
done

# ---- promptlab tune, killed while it trains and saves ------------------------
"$MK" "$TMPD/model" "$TESTDATA/t5/tokenizer.json" relu 3 || { bad "mkmodel failed"; finish; exit 1; }
export PROMPTLAB_MODEL=$TMPD/model
D=$TMPD/data.jsonl
for w in house cat dog tree river green small happy bird moon sun water; do
    printf '{"source": "the %s", "target": "das %s"}\n' "$w" "$w" >>"$D"
done
P=$TMPD/tuned
TUNE="$PROMPTLAB tune --data $D --length 4 --batch 2 --eval-every 1 --lr 0.05"
$TUNE --out "$P" --steps 2 >/dev/null 2>"$TMPD/err" || bad "first tune run: $(cat "$TMPD/err")"
steps=$("$SK" check-tuned "$P")
i=0
while [ $i -lt $((N / 2)) ]; do
    $TUNE --out "$P" --resume "$P" --steps 100000 >/dev/null 2>"$TMPD/err" &
    pid=$!
    msleep $((100 + $(rnd 600)))
    kill -KILL $pid 2>/dev/null
    wait $pid 2>/dev/null
    trials=$((trials + 1))
    if s=$("$SK" check-tuned "$P" 2>"$TMPD/ck.err") && [ "$s" -ge "$steps" ] &&
        $PROMPTLAB neighbors --soft "$P" -k 1 >/dev/null 2>>"$TMPD/ck.err"; then
        ok
        steps=$s
    else
        bad "tune trial $trials: steps ${s:-?} after $steps: $(cat "$TMPD/ck.err")"
    fi
    i=$((i + 1))
done
echo "tune: $((N / 2)) kills, the saved prompt went from step 2 to step $steps"

# ---- promptlab pretrain, killed while it writes its checkpoint ---------------
cat >"$TMPD/tiny.json" <<'EOF'
{"model_type": "t5", "vocab_size": 32128, "d_model": 16, "num_heads": 2, "d_kv": 8, "d_ff": 32,
 "num_layers": 1, "num_decoder_layers": 1, "feed_forward_proj": "relu", "tie_word_embeddings": true}
EOF
PT="$PROMPTLAB pretrain --data $D --config $TMPD/tiny.json --tokenizer $TESTDATA/t5 --out $TMPD/pt --batch-tokens 64 --warmup 0"
# pt_step: resume with nothing to do; prints the checkpoint's step
pt_step() {
    $PT --resume --steps 1 2>&1 >/dev/null | sed -n 's/.*resuming at step \([0-9]*\).*/\1/p'
}
$PT --steps 3 >/dev/null 2>"$TMPD/err" || bad "first pretrain run: $(cat "$TMPD/err")"
ck=3
i=0
moved=0
while [ $i -lt $((N / 2)) ]; do
    $PT --resume --steps $((ck + 3)) >/dev/null 2>&1 &
    pid=$!
    # a run takes about 250 ms here; its checkpoint is written at the end
    msleep $((100 + $(rnd 200)))
    kill -KILL $pid 2>/dev/null
    wait $pid 2>/dev/null
    trials=$((trials + 1))
    s=$(pt_step)
    # the checkpoint is the previous one (step ck) or the new one (ck + 3)
    if [ "$s" = "$ck" ] || [ "$s" = $((ck + 3)) ]; then ok; else bad "pretrain trial $trials: checkpoint step '$s', want $ck or $((ck + 3))"; fi
    [ "$s" = $((ck + 3)) ] && moved=$((moved + 1))
    [ -n "$s" ] && ck=$s
    i=$((i + 1))
done
echo "pretrain: $((N / 2)) kills, $moved after a new checkpoint was committed; checkpoint at step $ck"
echo "$trials SIGKILL trials in all"
[ "$trials" -ge 100 ] || [ "$N" -lt 30 ] || bad "only $trials trials"

# ---- a full disk ---------------------------------------------------------------
# A small tmpfs that is then filled up. Mounting needs root with
# CAP_SYS_ADMIN; without it a file size limit (ulimit -f: writes fail with
# EFBIG instead of ENOSPC, through the same code) stands in, and the test
# says so. Failing to mount counts as a failure only where it should work.
mkdir -p "$FULL"
full_msg="No space left on device"
if [ -z "${ATOMIC_NO_MOUNT:-}" ] && mount -t tmpfs -o size=1m tmpfs "$FULL" 2>"$TMPD/merr"; then
    echo "full disk: a 1 MiB tmpfs"
    fill() { dd if=/dev/zero of="$FULL/filler" bs=1k 2>/dev/null; }
    limit=""
else
    capeff=$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status)
    if [ -z "${ATOMIC_NO_MOUNT:-}" ] && [ "$(id -u)" -eq 0 ] && [ $((0x${capeff:-0} >> 21 & 1)) -eq 1 ]; then
        bad "root with CAP_SYS_ADMIN cannot mount a tmpfs: $(cat "$TMPD/merr")"
    fi
    echo "SKIPPED the tmpfs full-disk check (mount not permitted here: $(cat "$TMPD/merr" 2>/dev/null))"
    echo "full disk: simulated with a file size limit (ulimit -f) instead"
    fill() { :; }
    limit="ulimit -f 1;"
    full_msg="File too large"
fi
# in_full CMD...: run a command against the full disk; sets $rc and $err
in_full() {
    sh -c "trap '' XFSZ; $limit exec \"\$@\"" sh "$@" >"$TMPD/out" 2>"$TMPD/err"
    rc=$?
    err=$(cat "$TMPD/err")
}
FP=$FULL/prompt
$TUNE --out "$FP" --steps 2 >/dev/null 2>"$TMPD/err" || bad "tune into the small disk: $(cat "$TMPD/err")"
cp -r "$FP" "$TMPD/prompt.before"
$PROMPTLAB corpus --seed 1 --size 200 --out "$FULL/corpus" >/dev/null 2>"$TMPD/err" || bad "corpus into the small disk: $(cat "$TMPD/err")"
cp -r "$FULL/corpus" "$TMPD/corpus.before"
fill
in_full $TUNE --out "$FP" --resume "$FP" --steps 4
expect_status "tune on a full disk" $rc 1
expect_contains "tune on a full disk says why" "$err" "$full_msg"
expect_contains "tune on a full disk names the file" "$err" "$FP/adapter_model.safetensors"
expect_contains "tune on a full disk keeps the old prompt" "$err" "the previous file is kept"
for f in adapter_config.json adapter_model.safetensors promptlab.json; do
    cmp -s "$FP/$f" "$TMPD/prompt.before/$f" && ok || bad "full disk changed $f"
done
expect_eq "nothing left behind" "$(ls -A "$FP" | tr '\n' ' ')" \
    "adapter_config.json adapter_model.safetensors checkpoint promptlab.json "
expect_eq "nothing left behind in the checkpoint" "$(ls -A "$FP/checkpoint" | tr '\n' ' ')" \
    "trainer.safetensors "
$PROMPTLAB neighbors --soft "$FP" -k 1 >/dev/null 2>"$TMPD/err" && ok || bad "old prompt unloadable: $(cat "$TMPD/err")"
# single files (pl_write_file_atomic and its stream, as exports and the
# history use them): the corpus writer over the files of a first run
in_full $PROMPTLAB corpus --seed 2 --size 200 --out "$FULL/corpus"
expect_status "corpus on a full disk" $rc 1
expect_contains "corpus on a full disk says why" "$err" "$full_msg"
expect_contains "corpus on a full disk keeps the old file" "$err" "the previous file is kept"
diff -r "$FULL/corpus" "$TMPD/corpus.before" >/dev/null && ok || bad "full disk changed the corpus files: $(ls -A "$FULL/corpus")"
finish
