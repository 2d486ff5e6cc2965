#!/usr/bin/env bash
# A kernel the qemu captures do not cover: this machine's own 6.18, through
# pinblame record and through perf script; counts checked with grep.
. "$(dirname "$0")/lib.sh"

dir=$REAL/x86_64-6.18-host-compaction
xz -dc "$dir/trace.txt.xz" >"$TMP/trace.txt"
xz -dc "$dir/perf-script.txt.xz" >"$TMP/perf.txt"

setup "the 6.18 ftrace capture imports" "$PINBLAME" import "$TMP/trace.txt"
like "$out" "ftrace, 4800 events, 0 bad lines" "4,800 events, every line understood"
is "$(sql "SELECT kernel || ' ' || arch FROM sources")" "6.18.44-fc-v657 x86_64" \
	"kernel and arch from the record header"
is "$(sql "SELECT count(*) FROM events WHERE event = 'migrate:mm_migrate_pages'")" \
	"$(grep -c 'mm_migrate_pages:' "$TMP/trace.txt")" "mm_migrate_pages as grep counts them"
is "$(sql "SELECT count(*) || ' ' || sum(failed) FROM migrations WHERE failed > 0")" "3 41" \
	"three failed compaction migrations, 41 pages (nr_split= of 6.7+ is no trouble)"
is "$(sql "SELECT count(*) FROM events WHERE stack_id IS NOT NULL")" \
	"$(grep -c '<stack trace>' "$TMP/trace.txt")" "every stack block attached"

export PINBLAME_DB=$TMP/perf.db
setup "perf script of the 6.18 kernel imports" "$PINBLAME" import "$TMP/perf.txt"
like "$out" "perf-script, 1312 events, 0 bad lines" "1,312 samples, every line understood"
is "$(sql "SELECT count(*) FROM migrations")" \
	"$(grep -c 'migrate:mm_migrate_pages:' "$TMP/perf.txt")" "mm_migrate_pages as grep counts them"
is "$(sql "SELECT group_concat(failed, ' ') FROM (SELECT failed FROM migrations WHERE failed > 0 ORDER BY ts_ns)")" \
	"7 17 9 1" "the four failed migrations, in time order"
pb failures --json
is "$(printf '%s' "$out" | jq -c '[.failures[] | [.kind, .reason, .comm]]')" \
	'[["migrate","compaction","sh"]]' "one compaction failure, by the sh that asked for it"
pb blame
like "$(hints)" "No failure names a busy page" \
	"blame says why nothing is attributed: failed migrations name no page"
pb blame --json
is "$err" "" "no hints with --json"

# perf script --show-task-events: side-band records between the samples
export PINBLAME_DB=$TMP/task.db
sample=$SAMPLES/perf-script-6.18-task-events.txt
pb import "$sample"
like "$out" "perf-script, $(grep -cE ':[[:space:]]+(migrate|compaction):' "$sample") events, 0 bad lines, .* \($(grep -c PERF_RECORD "$sample") side-band records skipped\)" \
	"--show-task-events: every sample, the side-band records skipped and counted"
done_testing
