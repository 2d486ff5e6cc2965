#!/usr/bin/env bash
# query is read-only by construction: the analysis refresh runs first on
# a connection of its own, the statement on one opened read-only, and what
# a read-only statement could still do (ATTACH, setting a PRAGMA, VACUUM
# INTO, load_extension) is refused with a message.
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 1

fixture "the sample imports" "$PINBLAME" import -q "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"
# Right after the import: the refresh is due, the statement runs after it.
pb query "PRAGMA optimize"
is "$rc" 0 "PRAGMA optimize right after an import runs"
pb query --csv "SELECT count(*) FROM sqlite_master WHERE name LIKE 'sqlite_stat%'"
is "$(printf '%s\n' "$out" | sed -n 2p)" 0 "and writes no statistics table"
pb query --csv "SELECT count(*) FROM failures"
is "$(printf '%s\n' "$out" | sed -n 2p)" 1 "the analysis was refreshed before the statement"

sum=$(sha256sum "$PINBLAME_DB" | cut -d' ' -f1)
# refused SQL: the message, exit 2, no file made
refused() {
	pb query "$1"
	is "$rc" 2 "$1: exit 2"
	like "$err" "$2" "$1: says why"
}
refused "ATTACH 'made.db' AS m" 'refused: query reads this store only'
ok "$([ ! -e made.db ]; echo $?)" "ATTACH made no file"
refused "VACUUM INTO 'copy.db'" 'refused: the store is read-only for query'
ok "$([ ! -e copy.db ]; echo $?)" "VACUUM INTO made no file"
refused "SELECT load_extension('libx')" 'refused: query loads no extension'
is "$(grep -c . <<<"$err")" 1 "one message for it"
refused "PRAGMA journal_mode = WAL" 'refused: query does not set PRAGMA journal_mode'
refused "PRAGMA query_only = 0" 'refused: query does not set PRAGMA query_only'
refused "DELETE FROM source" 'refused: the store is read-only for query'
refused "SELECT 1; DELETE FROM source" 'one statement at a time'
pb query "PRAGMA table_info(sources)"
is "$rc" 0 "a PRAGMA that describes a view runs"
is "$(sha256sum "$PINBLAME_DB" | cut -d' ' -f1)" "$sum" "the store file is unchanged"
ok "$(ls "$TMP" | grep -qv '^pinblame.db$\|^out$\|^err$'; [ $? = 1 ]; echo $?)" "no other file in the folder"
done_testing
