#!/usr/bin/env bash
# The ftrace text of a 6.18 kernel under trace_options that change its
# layout, and trace-cmd report without its plugins; counts checked with grep.
. "$(dirname "$0")/lib.sh"

dir=$REAL/x86_64-6.18-trace-options

# failed mm_migrate_pages: count and pages
failed_migrations() {
	sql "SELECT count(*) || ' ' || sum(failed) FROM migrations WHERE failed > 0"
}

export PINBLAME_DB=$TMP/lat.db
pb import "$dir/latency-format.txt"
like "$out" "ftrace, 28 events, 0 bad lines" "latency-format: every line understood"
is "$(sql "SELECT count(*) FROM events")" "$(grep -vc '^#' "$dir/latency-format.txt")" \
	"latency-format: one event per line, as grep counts them"
is "$(sql "SELECT ts_ns || ' ' || cpu || ' ' || pid || ' ' || comm FROM events WHERE id = 1")" \
	"13503243538000 1 4068 gen.sh" "latency-format: microseconds, cpu glued to the flags"
is "$(failed_migrations)" "3 34" "latency-format: 3 failed migrations, 34 pages"

export PINBLAME_DB=$TMP/fields.db
pb import "$dir/fields.txt"
like "$out" "ftrace, 24 events, 1 bad lines" "fields: every event understood"
like "$err" "fields.txt:13: event printed as UNKNOWN TYPE: .*UNKNOWN TYPE 5" \
	"fields: the marker the kernel cannot print this way is counted, not stored"
like "$err" "hint: .*'echo nofields > trace_options'" "fields: and import says which option to turn off"
is "$(failed_migrations)" "3 34" "fields: raw numbers and enum values give the same 3 failed migrations"
is "$(sql "SELECT reason || ' ' || mode FROM migrations LIMIT 1")" "compaction MIGRATE_SYNC" \
	"fields: reason 0x0 and mode 0x2 by their names"
is "$(sql "SELECT value FROM event_fields WHERE event_id = 1 AND name = 'free_pfn'")" "0xe00" \
	"fields: '0xe00 (3584)' stored as 0xe00"

export PINBLAME_DB=$TMP/sym.db
pb import "$dir/sym-offset-sym-addr.txt"
like "$out" "ftrace, 28 events, 0 bad lines" "sym-offset, sym-addr, stacktrace: every line understood"
is "$(sql "SELECT count(*) FROM events WHERE stack_id IS NOT NULL")" \
	"$(grep -c '<stack trace>' "$dir/sym-offset-sym-addr.txt")" "every stack block attached"
is "$(sql "SELECT value FROM event_fields f JOIN events e ON e.id = f.event_id WHERE e.event = 'ftrace:print'")" \
	"pb marker stack" "the marker's text, after the address it was written from"
is "$(failed_migrations)" "3 34" "sym-offset: the same 3 failed migrations"

# file:first line after the header:reason:the option that undoes it; each
# into a store of its own
for f in raw:13:"raw or hex output":noraw hex:13:"raw or hex output":nohex \
	nocontext-info:3:"no task, cpu and time":context-info; do
	IFS=: read -r name line reason option <<<"$f"
	export PINBLAME_DB=$TMP/bad-$name.db
	pb import "$dir/$name.txt"
	is "$rc" 3 "$name: nothing to import, exit 3"
	like "$err" "$name.txt:$line: $reason" "$name: the lines are named for what they are"
	like "$err" "hint: .*'echo $option > trace_options'" "$name: the hint says which option to set"
done
ok "$(ls "$TMP"/bad-*.db >/dev/null 2>&1; [ $? != 0 ]; echo $?)" "nothing stored (and no store left)"

export PINBLAME_DB=$TMP/noplugins.db
report=$REAL/arm64-tracecmd-hugetlb-cma/trace-cmd-report-N.txt.xz
xz -dc "$report" >"$TMP/report-N.txt"
pb import "$report"
like "$out" "trace-cmd-report, 270 events, 0 bad lines" "trace-cmd report -N: every line understood"
is "$(sql "SELECT count(*) FROM events WHERE stack_id IS NOT NULL")" \
	"$(grep -c 'kernel_stack:' "$TMP/report-N.txt")" "report -N: every stack attached to its event"
is "$(sql "SELECT sum(s.depth) FROM events e JOIN stacks s ON s.id = e.stack_id")" \
	"$(grep -c $'\t=> ' "$TMP/report-N.txt")" "report -N: every frame line kept"
done_testing
