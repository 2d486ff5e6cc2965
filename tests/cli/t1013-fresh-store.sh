#!/usr/bin/env bash
# A new store is built in a file of its own next to it (STORE.import-*.tmp)
# without a WAL, so its data is written once, and takes the store's name
# when its first file commits: until then there is no store, and an import
# that fails or is interrupted leaves none. A killed import's file is
# removed by the next import; a live one's is not. When another import
# made the store meanwhile, the file's sources are merged into it.
. "$(dirname "$0")/lib.sh"
sample=$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt
dmesg=$SAMPLES/dmesg-6.6-dump_page-folio.txt
d=$TMP/s
mkdir "$d"
store=$d/pinblame.db

# files: the names in $d, on one line
files() {
	(cd "$d" && ls -A | tr '\n' ' ')
}
# asides: how many aside files are in $d
asides() {
	(cd "$d" && ls -A) | grep -c '^pinblame\.db\.import-.*\.tmp$'
}
# wait_for TEST...: waits up to 10 s for the test to pass
wait_for() {
	local i
	for i in $(seq 100); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
aside_there() { [ "$(asides)" = 1 ]; }
# start_fifo_import: an import of the sample's first 100 lines from a
# fifo into $store, whose writer then waits: $pid, $writer
start_fifo_import() {
	rm -f "$TMP/fifo"
	mkfifo "$TMP/fifo"
	(head -n 100 "$sample"; exec sleep 30) >"$TMP/fifo" &
	writer=$!
	"$PINBLAME" -d "$store" import "$@" - <"$TMP/fifo" >"$TMP/fo" 2>"$TMP/fe" &
	pid=$!
}

# 1. A new store, its first file read from a pipe that stays open.
start_fifo_import
wait_for aside_there
ok $? "while the first file imports, its store is built aside ($(files))"
is "$(ls -A "$d" | grep -vc 'import-')" 0 "with no store, WAL or journal yet"
pb -d "$store" info
is "$rc" 3 "a reader meanwhile finds no store (no traces imported)"
like "$err" 'import a trace first' "and says to import one"
kill $writer
wait $pid
is "$?" 0 "the import exits 0 once the pipe closes"
is "$(files)" "pinblame.db " "then the folder holds the store alone"
is "$(od -An -tu1 -j18 -N2 "$store" | tr -s ' ')" " 1 1" "in rollback journal mode (header bytes 18, 19)"
is "$(sqlite3 "$store" 'SELECT count(*) FROM source')" 1 "with its source"
is "$(sqlite3 "$store" 'SELECT count(*) FROM event')" \
	"$(head -n 100 "$sample" | "$PINBLAME" import -n - | sed -n 's/.*, \([0-9]*\) events,.*/\1/p')" \
	"and every event of the lines sent (as a dry run counts them)"
is "$(stat -c %a "$store")" "$(printf '%o' $((0644 & ~$(umask))))" "its permissions are those SQLite gives a store"

# 2. SIGINT and SIGTERM during the first file: no store, no file left.
for sig in INT TERM; do
	rm -f "$store"
	start_fifo_import
	wait_for aside_there
	kill -$sig $pid
	wait $pid
	is "$?" $((128 + $(kill -l $sig))) "SIG$sig during a new store's first file exits 128+$sig"
	kill $writer 2>/dev/null
	is "$(files)" "" "SIG$sig: no store and no aside file are left"
done

# 3. kill -9: the aside file is left, and no store; the next import
# removes it (once it is not brand new: a live import's lock is taken
# right after it is made).
start_fifo_import
wait_for aside_there
kill -9 $pid
wait $pid 2>/dev/null
kill $writer 2>/dev/null
is "$(asides)/$(ls -A "$d" | grep -c '^pinblame.db$')" 1/0 "kill -9: the aside file is left, no store"
touch -d '-1 minute' "$d"/pinblame.db.import-*.tmp
pb -d "$store" import -q "$dmesg"
is "$rc" 0 "the next import into the store exits 0"
is "$(files)" "pinblame.db " "and removed the killed import's file"

# 4. Another import makes the store while the first one builds it aside:
# the live aside file stays, and its file is merged into that store.
rm -f "$store"
start_fifo_import
wait_for aside_there
touch -d '-1 minute' "$d"/pinblame.db.import-*.tmp
pb -d "$store" import -q "$dmesg"
is "$rc" 0 "a second import makes the store meanwhile"
is "$(asides)" 1 "and leaves the first import's file alone (its lock is held)"
kill $writer
wait $pid
is "$?" 0 "the first import then exits 0"
is "$(sqlite3 "$store" 'SELECT group_concat(format, ",") FROM (SELECT format FROM source ORDER BY format)')" \
	"ftrace,kmsg" "its file was merged into the store the other made"
is "$(sqlite3 "$store" "SELECT count(*) FROM event e JOIN source s ON s.id = e.source_id WHERE s.format = 'ftrace'")" \
	"$(sqlite3 "$store" "SELECT events FROM source WHERE format = 'ftrace'")" "with all its events"
is "$(files)" "pinblame.db " "and no aside file is left"

# 5. Two files into a new store: the first is put in place, the second
# goes into it as into any store; SIGINT during the second keeps the first.
rm -f "$store"
start_fifo_import "$dmesg"
ok "$(wait_for test -e "$store"; echo $?)" "the store exists once the first of two files committed"
is "$(sqlite3 "$store" 'SELECT format FROM source')" kmsg "and readers see that file"
kill -INT $pid
wait $pid
is "$?" 130 "SIGINT during the second file exits 130"
kill $writer 2>/dev/null
is "$(sqlite3 "$store" 'SELECT count(*) FROM source')" 1 "the first file stays stored"
is "$(files)" "pinblame.db " "and the folder holds the store alone"

# 6. A first file that fails, then one that imports: one source. All
# failing: nothing at all.
rm -f "$store"
printf 'not a trace\n' >"$TMP/bad.txt"
pb -d "$store" import "$TMP/bad.txt" "$dmesg"
is "$rc" 3 "a bad first file exits 3"
is "$(sqlite3 "$store" 'SELECT format FROM source')" kmsg "and the good second file is stored"
rm -f "$store"
pb -d "$store" import "$TMP/bad.txt"
is "$rc/$(files)" "3/" "a bad file alone leaves no store and no aside file"

# 7. A full disk (writes past 300 KiB fail) while building: nothing left.
run bash -c "trap '' XFSZ; ulimit -f 300; exec \"\$0\" -d \"\$1\" import \"\$2\"" \
	"$PINBLAME" "$store" "$REAL/arm64-ftrace-hugetlb-cma/trace.txt.xz"
is "$rc" 4 "a full disk while building a new store exits 4"
like "$err" "$store" "the error names the store"
is "$(grep -c 'import-' <<<"$err")" 0 "not the aside file"
is "$(files)" "" "and no store and no aside file are left"
done_testing
