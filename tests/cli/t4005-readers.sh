#!/usr/bin/env bash
# Readers need no write access: a store in a folder the reader cannot
# write, or owned by someone else, is read by every reading command; a
# reader leaves no file behind; a refresh due on a store the reader
# cannot write is done for that run only, and said so. Runs the readers
# as other users (setpriv), so needs root.
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
	echo "1..0 # SKIP needs root and setpriv to read as another user"
	exit 0
fi
chmod 755 "$TMP"
sample=$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt
cp "$sample" "$TMP/one.txt"
cp "$SAMPLES/dmesg-6.6-dump_page-folio.txt" "$TMP/two.txt"
chmod 644 "$TMP"/*.txt

# as USER CMD...: CMD run as USER (nobody, daemon), like run().
as() {
	local who=$1
	shift
	run setpriv --reuid="$(id -u "$who")" --regid="$(id -g "$who")" --clear-groups "$@"
}
# files DIR: the names in DIR, on one line
files() {
	(cd "$1" && ls -A | tr '\n' ' ')
}

# 1. A folder only its owner (root) may write; the store analysed.
ro=$TMP/ro
mkdir "$ro"
analysed() { "$PINBLAME" -d "$ro/pinblame.db" import -q "$TMP/one.txt" && "$PINBLAME" -d "$ro/pinblame.db" failures; }
fixture "the sample imports and is analysed" analysed
chmod 755 "$ro"
chmod 644 "$ro/pinblame.db"
before=$(files "$ro")
is "$before" "pinblame.db " "a store at rest is one file (rollback journal mode, no -wal)"
for cmd in info failures blame "show 1" stacks report "check --max-failures 5" \
	"export --jsonl"; do
	as nobody "$PINBLAME" -d "$ro/pinblame.db" $cmd
	is "$rc" 0 "nobody: $cmd reads a store in a folder it cannot write"
done
as nobody "$PINBLAME" -d "$ro/pinblame.db" query "SELECT count(*) FROM sources"
is "$rc" 0 "nobody: query reads it"
is "$(files "$ro")" "$before" "and leaves no file in it"

# 2. The refresh is due (a file imported since) and nobody cannot write.
setup "a kernel log imported since" "$PINBLAME" -d "$ro/pinblame.db" import -q "$TMP/two.txt"
sum=$(sha256sum "$ro/pinblame.db")
as nobody "$PINBLAME" -d "$ro/pinblame.db" failures
is "$rc" 0 "nobody: failures on a store due a refresh"
like "$err" 'warning: .*for this run only' "says the refresh is for this run only"
like "$out" '^ +1 ' "and lists the failure"
is "$(sha256sum "$ro/pinblame.db")" "$sum" "the store is unchanged"
is "$(files "$ro")" "$before" "and no file was left"
as nobody "$PINBLAME" -d "$ro/pinblame.db" failures --json
n=$(grep -o '"id":' <<<"$out" | wc -l)
as nobody "$PINBLAME" -d "$ro/pinblame.db" query --csv "SELECT count(*) FROM failures"
is "$(printf '%s\n' "$out" | sed -n 2p)" "$n" "query reads the refreshed analysis too ($n failures)"

# 3. A shared folder (sticky, everyone writes): the owner is nobody, the
# reader daemon; the owner can still write after the read.
sh=$TMP/shared
mkdir "$sh"
chmod 1777 "$sh"
as nobody "$PINBLAME" -d "$sh/pinblame.db" import -q "$TMP/one.txt"
is "$rc" 0 "nobody imports into the shared folder"
as daemon "$PINBLAME" -d "$sh/pinblame.db" blame
is "$rc" 0 "daemon reads nobody's store (refresh due: for this run only)"
like "$err" 'for this run only' "and says so"
is "$(files "$sh")" "pinblame.db " "daemon left no -wal or -shm file"
as nobody "$PINBLAME" -d "$sh/pinblame.db" import -q "$TMP/two.txt"
is "$rc" 0 "nobody can still import after daemon's read"
as nobody "$PINBLAME" -d "$sh/pinblame.db" blame
is "$rc" 0 "nobody's refresh is kept"
is "$(grep -c 'for this run only' <<<"$err")" 0 "without the warning"
as daemon "$PINBLAME" -d "$sh/pinblame.db" info
is "$rc" 0 "daemon reads it again"
is "$(files "$sh")" "pinblame.db " "still one file"
done_testing
