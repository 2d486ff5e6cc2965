#!/usr/bin/env bash
# The amd64 capture (no CMA): counts of its README.
. "$(dirname "$0")/lib.sh"
cap=$REAL/amd64-ftrace-gigantic-nocma

fixture "import exits 0" "$PINBLAME" import "$cap/trace.txt.xz"
count() { sql "SELECT count(*) FROM events WHERE event = '$1'"; }
is "$(count migrate:mm_migrate_pages)" 5495 "mm_migrate_pages 5,495"
is "$(count page_isolation:test_pages_isolated)" 2 "test_pages_isolated 2"
is "$(count kprobes:try_grab_folio)" 30576 "try_grab_folio hits 30,576"
is "$(count kprobes:generic_file_splice_read)" 9472 "generic_file_splice_read hits 9,472"
is "$(count compaction:mm_compaction_isolate_migratepages)" 7362 "isolate_migratepages 7,362"
is "$(count cma:cma_alloc_start)" 0 "no CMA events on this kernel"
is "$(sql "SELECT count(*) FROM busy_ranges")" 0 "both isolation tests succeeded: no busy range"
by_reason() { sql "SELECT count(*) || '/' || sum(failed) FROM migrations WHERE reason = '$1' AND failed > 0"; }
is "$(by_reason contig_range)" 3/3 "contig_range: 3 migrations with failed pages, 3 pages"
is "$(by_reason compaction)" 15/98 "compaction: 15 with failed pages, 98 pages"
is "$(by_reason memory_hotplug)" 36/30010 "memory_hotplug: 36, 30,010 pages"
is "$(by_reason longterm_pin)" 1/64 "longterm_pin: 1, nr_failed=64"
# The empty-%s quirk of Debian amd64 must not break field parsing.
is "$(sql "SELECT count(*) FROM migrations WHERE mode IS NULL OR reason IS NULL")" 0 "every migration has mode and reason"
done_testing
