#!/usr/bin/env bash
# A busy range keeps its event's stack and task name (schema 4), so that
# the analysis does not read a store page per busy range for them; a row
# from before schema 4 has them NULL and the analysis reads them from its
# event. Checked on the arm64 capture (732 busy ranges, each with a stack
# and a task) against the event table by SQL, through an upgrade, a merge
# and a change of the column that the failures must show.
. "$(dirname "$0")/lib.sh"

CAP=$REAL/arm64-ftrace-hugetlb-cma
STORE=$TMP/arm64.db
fixture "the arm64 capture imports" "$PINBLAME" -d "$STORE" import -q "$CAP/trace.txt.xz" "$CAP/dmesg.txt"

# rows whose stack or task name is not their event's (none, 0 for none)
differ="SELECT count(*) FROM busy_range b JOIN event e ON e.id = b.event_id
	WHERE b.stack_id IS NOT COALESCE(e.stack_id, 0) OR b.comm_id IS NOT COALESCE(e.comm_id, 0)"
is "$(sqlite3 "$STORE" "SELECT count(*), count(stack_id), count(comm_id) FROM busy_range")" \
	"732|732|732" "every busy range has a stack id and a task name id"
is "$(sqlite3 "$STORE" "$differ")" 0 "each its event's"
is "$(sqlite3 "$STORE" "SELECT count(*) FROM busy_range WHERE stack_id > 0 AND comm_id > 0")" 732 \
	"none of them 0: every event of these has a stack and a task"

pb -d "$STORE" failures --json
new=$out
# A store whose rows came before schema 4: the columns NULL.
as_before() {
	copy_store "$STORE" "$TMP/before.db" &&
		sqlite3 "$TMP/before.db" "UPDATE busy_range SET stack_id = NULL, comm_id = NULL;
			UPDATE meta SET value = 'stale' WHERE key = 'analysis'"
}
setup "a copy whose busy ranges are as before schema 4" as_before
pb -d "$TMP/before.db" failures --json
is "$out" "$new" "its failures are the same, the stacks and tasks read from the events"

# The column is what the analysis reads: another task name there shows.
# Failed isolation tests of one task, written from test_pages_isolated's
# TP_printk ("start_pfn=0x%lx end_pfn=0x%lx fin_pfn=0x%lx ret=%s",
# include/trace/events/page_isolation.h): the failure is theirs alone.
{
	printf '# tracer: nop\n#\n'
	for t in 1.000000 1.500000; do
		printf '              sh-106     (    106) [000] .....  %11s: test_pages_isolated: start_pfn=0x100000 end_pfn=0x102000 fin_pfn=0x101234 ret=fail\n' "$t"
	done
} >"$TMP/iso.txt"
renamed() {
	"$PINBLAME" -d "$TMP/iso.db" import -q "$TMP/iso.txt" &&
		sqlite3 "$TMP/iso.db" "INSERT INTO name(text) VALUES ('renamed-task');
			UPDATE busy_range SET comm_id = (SELECT id FROM name WHERE text = 'renamed-task');
			UPDATE meta SET value = 'stale' WHERE key = 'analysis'"
}
setup "two failed isolation tests, their busy ranges naming another task" renamed
is "$("$PINBLAME" -d "$TMP/iso.db" query --csv "SELECT group_concat(comm || ':' || pid) FROM failures" |
	sed -n 2p)" "renamed-task:106" "the failure takes its task name from the busy range"

# Merge maps the ids into the other store's (one with names and stacks of
# its own first); NULL rows stay NULL.
setup "a store of another capture" "$PINBLAME" -d "$TMP/merged.db" import -q \
	"$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"
setup "the capture merges into it" "$PINBLAME" merge "$TMP/merged.db" "$STORE"
is "$(sqlite3 "$TMP/merged.db" "SELECT count(*) FROM busy_range b JOIN source s ON s.id = b.source_id
	WHERE s.path LIKE '%trace.txt.xz' AND b.comm_id <> (SELECT id FROM name WHERE text = (SELECT text FROM name
	WHERE id = b.comm_id))")" 0 "(names resolve)"
is "$(sqlite3 "$TMP/merged.db" "$differ")" 0 "merged rows keep their event's stack and task"
setup "the before-schema-4 copy merges into an empty store" "$PINBLAME" merge "$TMP/merged-old.db" "$TMP/before.db"
is "$(sqlite3 "$TMP/merged-old.db" "SELECT count(*), count(stack_id), count(comm_id) FROM busy_range")" \
	"732|0|0" "rows without them stay without them"
pb -d "$TMP/merged-old.db" failures --json
is "$out" "$new" "and give the same failures"

done_testing
