#!/usr/bin/env bash
# Opening a store says what is wrong in the user's words, with the path:
# a file that is no store says what it looks like (and is not touched),
# a missing store is "no traces imported" (exit 3, as a store without
# traces), a store we may not read or write gets the system's reason
# (exit 4), and -d given after the command gets a hint (exit 2).
. "$(dirname "$0")/lib.sh"
f=$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt
cp "$f" "$TMP/trace.txt"
before=$(sha256sum <"$TMP/trace.txt")

# 1. a trace given as the store, for a reader and for an import
pb -d "$TMP/trace.txt" failures
is "$rc" 4 "a trace as the store: exit 4"
is "$err" "pinblame: failures: $TMP/trace.txt is not a pinblame store (it looks like text, a trace or a log: import it with pinblame import FILE)" \
	"says what it looks like, not that a store is damaged"
pb -d "$TMP/trace.txt" import "$SAMPLES/dmesg-6.6-dump_page-folio.txt"
is "$rc" 4 "importing into it: exit 4"
like "$err" "trace.txt is not a pinblame store" "with the same words"
is "$(sha256sum <"$TMP/trace.txt")" "$before" "and the trace is not touched"

# 2. a store still compressed, a trace.dat
fixture "a store imports" "$PINBLAME" -d "$TMP/s.db" import -q "$f"
xz -k "$TMP/s.db"
gzip -k "$TMP/s.db"
pb -d "$TMP/s.db.xz" info
is "$rc/$err" "4/pinblame: info: $TMP/s.db.xz is not a pinblame store (it looks like xz-compressed data: decompress a store first, with xz -dk)" \
	"an xz store"
pb -d "$TMP/s.db.gz" blame
like "$rc/$err" "^4/.*s.db.gz is not a pinblame store \(it looks like gzip-compressed data" "a gzip store"
xz -dc "$REAL/arm64-tracecmd-hugetlb-cma/trace.dat.xz" | head -c 4096 >"$TMP/trace.dat"
pb -d "$TMP/trace.dat" report
like "$rc/$err" "^4/.*trace.dat is not a pinblame store \(it looks like a trace-cmd trace.dat" "a trace.dat"

# 3. no store: nothing imported, exit 3 for every reader, and none made
for c in info failures blame report check stacks "show 1" "export --jsonl" "query --csv 1"; do
	# shellcheck disable=SC2086
	pb -d "$TMP/none.db" $c
	is "$rc/$err" "3/pinblame: ${c%% *}: $TMP/none.db: no store: no traces imported (import a trace first: pinblame import FILE)" \
		"${c%% *} without a store: exit 3, no traces imported"
done
ok "$([ ! -e "$TMP/none.db" ]; echo $?)" "and no store is left behind"

# 4. a store we may not read, or not write (as another user than root)
if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null &&
	runuser -u nobody -- "$PINBLAME" --version >/dev/null 2>&1; then
	d=$(mktemp -d /tmp/pinblame-perm.XXXXXX)
	chmod 755 "$d"
	cp "$TMP/s.db" "$d/s.db"
	chmod 600 "$d/s.db"
	run runuser -u nobody -- "$PINBLAME" -d "$d/s.db" failures
	is "$rc/$err" "4/pinblame: failures: $d/s.db: cannot open the store: Permission denied" \
		"a store we may not read: the system's reason"
	chmod 644 "$d/s.db"
	sum=$(sha256sum <"$d/s.db")
	run runuser -u nobody -- "$PINBLAME" -d "$d/s.db" import "$SAMPLES/dmesg-6.6-dump_page-folio.txt"
	is "$rc/$err" "4/pinblame: import: $d/s.db: cannot write the store: Permission denied" \
		"importing into a store we may not write: said so"
	is "$(sha256sum <"$d/s.db")" "$sum" "and the store is as it was"
	chmod 666 "$d/s.db"
	run runuser -u nobody -- "$PINBLAME" -d "$d/s.db" import "$SAMPLES/dmesg-6.6-dump_page-folio.txt"
	is "$rc/$err" "4/pinblame: import: $d/s.db: cannot write the store's folder $d (its journal goes there): Permission denied" \
		"a store in a folder we may not write: said so"
	run runuser -u nobody -- "$PINBLAME" -d "$d/s.db" failures
	is "$rc" 0 "it is still read"
	rm -rf "$d"
else
	for i in 1 2 3 4 5; do
		echo "ok $((_n + i)) # skip cannot run pinblame as another user here"
	done
	_n=$((_n + 5))
fi

# 5. pinblame's -d after the command
pb import -d "$TMP/x.db" "$f"
is "$rc" 2 "import -d DB: a usage error"
is "$err" "pinblame: import: unknown option -d
hint: -d (--db) is an option of pinblame, not of import: give it before the command: pinblame -d DB import ...
see 'pinblame import --help'" "with a hint that -d goes before the command"
pb failures --db="$TMP/x.db"
is "$rc" 2 "failures --db=DB: a usage error"
like "$err" "^hint: -d \(--db\) is an option of pinblame, not of failures: give it before" "with the hint too"
pb failures --bogus
is "$(grep -c hint <<<"$err")" 0 "another unknown option gets no such hint"
done_testing
