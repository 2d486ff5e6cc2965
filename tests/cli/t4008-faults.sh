#!/usr/bin/env bash
# Faults get one clear message: a damaged store gives one message and
# exit 4 for every command (and an import into it fails); a full disk
# gives one message; SIGTERM exits 143; merge handles SIGINT and SIGTERM
# as import does.
. "$(dirname "$0")/lib.sh"
sample=$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt
big=$REAL/arm64-ftrace-hugetlb-cma/trace.txt.xz
fixture "the sample imports and is analysed" \
	sh -c '"$1" -d "$2" import -q "$3" && "$1" -d "$2" failures' sh "$PINBLAME" "$TMP/good.db" "$sample"

# damaged STORE: every command exits 4 with one message naming it.
damaged() {
	local cmd
	for cmd in info failures blame "show 1" stacks report check "export --jsonl" \
		"import $SAMPLES/dmesg-6.6-dump_page-folio.txt"; do
		pb -d "$1" $cmd
		is "$rc" 4 "$2: $cmd exits 4"
		is "$(grep -c . <<<"$err")" 1 "$2: $cmd says it once"
		like "$err" "^pinblame: [a-z]+: .*$(basename "$1"): the store is damaged" "$2: $cmd names the store"
	done
	pb -d "$1" query "SELECT count(*) FROM events"
	is "$rc" 4 "$2: query exits 4"
}
head -c 100000 "$TMP/good.db" > "$TMP/cut.db"
damaged "$TMP/cut.db" "a store cut short"
cp "$TMP/good.db" "$TMP/zeroed.db"
dd if=/dev/zero of="$TMP/zeroed.db" bs=1 seek=200000 count=50000 conv=notrunc 2>/dev/null
pb -d "$TMP/zeroed.db" failures
is "$rc" 4 "pages zeroed in the middle: failures exits 4"
like "$err" 'zeroed.db: the store is damaged \(database disk image is malformed\)' "and says the store is damaged"
head -c 100000 /dev/urandom > "$TMP/noise.db"
pb -d "$TMP/noise.db" blame
is "$rc" 4 "a file that is no store: blame exits 4"
like "$err" 'noise.db is not a pinblame store \(it looks like no SQLite database' "and says so"

# A disk that fills (writes past 300 KiB fail): one message, no store left.
export PINBLAME_DB=$TMP/full.db
run bash -c "trap '' XFSZ; ulimit -f 300; exec \"\$0\" import \"\$1\"" "$PINBLAME" "$big"
is "$rc" 4 "a full disk during import exits 4"
is "$(grep -c . <<<"$err")" 1 "with one message"
unlike=$(grep -c 'rollback' <<<"$err")
is "$unlike" 0 "and no second one about the rollback"
ok "$([ ! -e "$PINBLAME_DB" ]; echo $?)" "the store it was making is gone"

# SIGTERM: exit 143, the file rolled back; into a store of its own.
export PINBLAME_DB=$TMP/term.db
setup "a store that holds the sample" copy_store "$TMP/good.db" "$PINBLAME_DB"
"$PINBLAME" import "$big" > "$TMP/o" 2> "$TMP/e" &
pid=$!
sleep 0.4
kill -TERM $pid
wait $pid
is "$?" 143 "import stopped by SIGTERM exits 143"
like "$(cat "$TMP/e")" 'interrupted; nothing of this file was stored' "and says so"
is "$(sql "SELECT count(*) FROM sources")" 1 "the store is as before"

# merge: SIGINT and SIGTERM roll back the store being merged.
setup "the arm64 capture imports" "$PINBLAME" -d "$TMP/big.db" import -q "$big"
for sig in INT TERM; do
	rm -f "$TMP/out.db"
	"$PINBLAME" merge "$TMP/out.db" "$TMP/good.db" "$TMP/big.db" > "$TMP/o" 2> "$TMP/e" &
	pid=$!
	sleep 0.3
	kill -$sig $pid
	wait $pid
	rc=$?
	if [ "$rc" = 0 ]; then
		ok 0 "merge finished before SIG$sig (# the machine was fast)"
		continue
	fi
	is "$rc" $((128 + $(kill -l $sig))) "merge stopped by SIG$sig exits 128+$sig"
	like "$(cat "$TMP/e")" 'interrupted' "merge says it was interrupted"
	is "$(grep -c . "$TMP/e")" 1 "with one message"
	n=$("$PINBLAME" -d "$TMP/out.db" query --csv "SELECT count(*) FROM sources" 2>/dev/null | sed -n 2p)
	# what the store holds is what the message said: the signal came
	# while big.db was merged (rolled back, good.db's source at most), or,
	# on a slow machine, once both were (as the message then says)
	if grep -q 'the stores named before were merged' "$TMP/e"; then
		is "${n:-0}" 2 "SIG$sig after the last store: both were merged, as said"
	else
		ok "$([ "${n:-0}" -le 1 ]; echo $?)" \
			"SIG$sig: the store being merged was rolled back (${n:-0} sources)"
	fi
done
done_testing
