#!/usr/bin/env bash
# run.sh PINBLAME - the import benchmark (make bench): pinblame against its
# floors and baselines in one run, as ratios, with the budgets of
# doc/DESIGN.md ("Budgets").
#
# Inputs are generated from the real captures and cached in $BENCH_OUT:
#   BENCH_MB            size of the generated ftrace text in MiB (1024)
#   BENCH_PERF_MB       size of the generated perf script text (200)
#   BENCH_KMSG_MB       size of the generated kernel log (64)
#   BENCH_BLAME_EVENTS  events in the store that blame is timed on (10000000)
#   BENCH_BUSY_MB       size of the one-busy-line input in MiB (2048)
#   BENCH_STACKS        events of the distinct-stacks input (2000000)
#   BENCH_SOURCES       files of the many-small-sources input (1000)
#   BENCH_KMSG_BUSY     "PFNs busy" lines of the kernel-log input (2000000)
#   BENCH_MERGE_STORES  stores they are imported into and merged (100)
#   BENCH_OUT           work directory (bench/out)
# Prints the tables and writes them to $BENCH_OUT/results.md. Steps that a
# pinblame command cannot do yet are skipped with the reason.
# shellcheck disable=SC2016 # backquotes in single quotes are Markdown code
set -u

pb=$(realpath "${1:?usage: bench/run.sh PINBLAME}")
top=$(cd "$(dirname "$0")/.." && pwd)
bench=$top/bench
out=${BENCH_OUT:-$bench/out}
mb=${BENCH_MB:-1024}
perf_mb=${BENCH_PERF_MB:-200}
kmsg_mb=${BENCH_KMSG_MB:-64}
blame_events=${BENCH_BLAME_EVENTS:-10000000}
cc=${CC:-cc}
ftrace_xz=$top/testdata/real/arm64-ftrace-hugetlb-cma/trace.txt.xz
dmesg_seed=$top/testdata/real/arm64-ftrace-hugetlb-cma/dmesg.txt
tracedat_xz=$top/testdata/real/arm64-tracecmd-hugetlb-cma/trace.dat.xz
perf_seed=$top/testdata/samples/perf-script-5.15-page_pinner-rfc.txt

mkdir -p "$out" || exit 1
log=$out/bench.log
: > "$log"
log_mark=0
rows=$out/rows.md	# measurements
budgets=$out/budgets.md	# ratios against the targets
: > "$rows"
: > "$budgets"

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# every step would fail on it, each with a Python traceback in the log
[ -x "$pb" ] || die "no program at $pb (build it first: make)"

# Arithmetic on decimals: calc FORMAT EXPR.
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

bytes_of() { stat -c %s "$1"; }
mib() { calc %.1f "$1 / 1048576"; }

# measure STDOUT CMD...: runs CMD (stderr to the log) and sets SECS (wall
# clock), RSS_KB (peak resident set of the command and its children) and RC.
measure_py='
import os, resource, subprocess, sys, time
with open(sys.argv[1], "wb") as out, open(sys.argv[2], "ab") as err:
	# what the steps before wrote is on its way to the disk: not timed here
	os.sync()
	t = time.monotonic()
	rc = subprocess.call(sys.argv[3:], stdout=out, stderr=err)
	dt = time.monotonic() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("%.3f %d %d" % (dt, rss, rc))
'
measure() {
	local res
	log_mark=$(bytes_of "$log")
	# shellcheck disable=SC2094 # the log is only appended to
	res=$(python3 -c "$measure_py" "$1" "$log" "${@:2}" 2>>"$log") || die "cannot run python3"
	read -r SECS RSS_KB RC <<<"$res"
}

# measure_best STDOUT CMD...: the faster of two runs, for short steps.
measure_best() {
	local first
	measure "$@"
	[ "$RC" = 0 ] || return
	first=$SECS
	measure "$@"
	SECS=$(calc %.3f "$SECS < $first ? $SECS : $first")
}

# The events count from pinblame import's summary line.
events_of() { sed -n 's/.*, \([0-9][0-9]*\) events,.*/\1/p' "$1" | tail -1; }

# Why the last measured step failed: its last line on stderr.
reason() { tail -c +$((log_mark + 1)) "$log" | tail -1 | cut -c1-120; }

rm_store() { rm -f "$1" "$1-wal" "$1-shm"; }

store_size() {
	local n=0 f

	for f in "$1" "$1-wal"; do
		[ -f "$f" ] && n=$((n + $(bytes_of "$f")))
	done
	echo "$n"
}

# row WHAT INPUT_BYTES SECONDS EVENTS [NOTE]: one line of the measurements.
row() {
	local size=- mbs=- evs=- ev=${4:--}

	if [ "$2" != - ]; then
		size=$(mib "$2")
		mbs=$(calc %.0f "$2 / 1048576 / $3")
	fi
	if [ "$ev" != - ]; then
		evs=$(calc %.0f "$ev / $3")
	fi
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$1" \
		"$size" "$3" "$mbs" "$ev" "$evs" \
		"${5:-}" >> "$rows"
}

skip_row() { printf '| %s | | | | | | skipped: %s |\n' "$1" "$2" >> "$rows"; }

# budget WHAT MEASURED TARGET OK: one line of the budget table.
budget() {
	printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4" >> "$budgets"
}
verdict() { calc %s "($1) ? \"yes\" : \"**no**\""; }

# --- helpers and inputs -------------------------------------------------

# build NAME: compiles bench/NAME.c when it is newer than the binary.
build() {
	local src=$bench/$1.c bin=$out/$1

	[ -x "$bin" ] && [ "$bin" -nt "$src" ] && return
	say "building $1"
	# shellcheck disable=SC2046 # pkg-config output is a list of flags
	"$cc" -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -o "$bin" "$src" \
		$(pkg-config --cflags --libs sqlite3) || die "cannot build $1"
}

# generate FORMAT SEED MB FILE: the replayed trace, cached while the seed and
# the generator are unchanged.
generate() {
	local fmt=$1 seed=$2 size=$3 file=$4

	if [ -f "$file" ] && [ "$file" -nt "$out/gen-trace" ] && [ "$file" -nt "$seed" ]; then
		return
	fi
	say "generating $file ($size MiB of $fmt)"
	"$out/gen-trace" -f "$fmt" "$seed" "$size" > "$file.tmp" || die "cannot generate $file"
	mv "$file.tmp" "$file"
}

load_start=$(cut -d' ' -f1 /proc/loadavg)
command -v python3 >/dev/null || die "python3 is needed (baseline and timing)"
build gen-trace
build insert-floor
seed=$out/seed-ftrace.txt
if ! [ -f "$seed" ] || ! [ "$seed" -nt "$ftrace_xz" ]; then
	say "decompressing $ftrace_xz"
	xz -dc "$ftrace_xz" > "$seed.tmp" || die "cannot read $ftrace_xz"
	mv "$seed.tmp" "$seed"
fi
big=$out/ftrace-${mb}M.txt
generate ftrace "$seed" "$mb" "$big"
big_bytes=$(bytes_of "$big")

# --- I/O floors ---------------------------------------------------------

say "timing cat and xz -dc"
cat "$big" > /dev/null	# the file is read from the page cache in every step
measure_best /dev/null cat "$big"
cat_secs=$SECS
row '`cat` (I/O floor)' "$big_bytes" "$cat_secs" - 'page cache'
seed_bytes=$(bytes_of "$seed")
measure_best /dev/null xz -dc "$ftrace_xz"
xz_secs=$SECS
row '`xz -dc trace.txt.xz` (decompression floor)' "$seed_bytes" "$xz_secs" - \
	'MiB of decompressed text'
# import hashes every byte (re-importing a file is a no-op by its SHA-256)
measure_best /dev/null sha256sum "$big"
row '`sha256sum` (hash floor)' "$big_bytes" "$SECS" -

# --- ftrace text: parse only, import, floors and baseline ----------------

say "pinblame import --dry-run of $(mib "$big_bytes") MiB"
measure "$out/dry.out" "$pb" import --dry-run "$big"
if [ "$RC" = 0 ]; then
	dry_secs=$SECS
	row '`pinblame import --dry-run` (parse only)' "$big_bytes" "$dry_secs" \
		"$(events_of "$out/dry.out")"
	budget 'parse only' "$(calc %.2f "$big_bytes / 1e9 / $dry_secs") GB/s" '≥ 1.5 GB/s' \
		"$(verdict "$big_bytes / 1e9 / $dry_secs >= 1.5")"
else
	skip_row '`pinblame import --dry-run`' "$(reason)"
fi

# The same through a mapping of the file (PINBLAME_MMAP=1), side by side:
# whether read()'s copies or the mapping's page faults cost more depends
# on the machine (input_map.c).
if [ -n "${dry_secs:-}" ]; then
	say "pinblame import --dry-run through a mapping"
	measure "$out/dry-map.out" env PINBLAME_MMAP=1 "$pb" import --dry-run "$big"
	if [ "$RC" = 0 ]; then
		row '`PINBLAME_MMAP=1 pinblame import --dry-run` (mapped)' "$big_bytes" "$SECS" \
			"$(events_of "$out/dry-map.out")" \
			"$(calc %.2f "$SECS / $dry_secs") of the time with read()"
	else
		skip_row '`PINBLAME_MMAP=1 pinblame import --dry-run`' "$(reason)"
	fi
fi

say "pinblame import of $(mib "$big_bytes") MiB"
store=$out/ftrace.db
# the faster of two imports into a new store, as for the Python baseline
rm_store "$store"
measure "$out/import.out" "$pb" -d "$store" import "$big"
[ "$RC" = 0 ] || die "pinblame import failed: $(reason)"
imp_secs=$SECS
imp_rss=$RSS_KB
rm_store "$store"
measure "$out/import.out" "$pb" -d "$store" import "$big"
[ "$RC" = 0 ] || die "pinblame import failed: $(reason)"
imp_secs=$(calc %.3f "$SECS < $imp_secs ? $SECS : $imp_secs")
imp_rss=$((RSS_KB > imp_rss ? RSS_KB : imp_rss))
imp_events=$(events_of "$out/import.out")
store_bytes=$(store_size "$store")
row '`pinblame import`' "$big_bytes" "$imp_secs" "$imp_events" \
	"peak RSS $((imp_rss / 1024)) MiB, store $(mib "$store_bytes") MiB"
budget 'import MiB/s / `cat` MiB/s' "$(calc %.3f "$cat_secs / $imp_secs")" 'for scale' -
budget 'import MiB/s / `xz -dc` MiB/s' \
	"$(calc %.2f "$xz_secs / $seed_bytes * $big_bytes / $imp_secs")" 'for scale' -
budget 'peak RSS of import' "$((imp_rss / 1024)) MiB on $(mib "$big_bytes") MiB" '< 64 MiB' \
	"$(verdict "$imp_rss < 65536")"
budget 'store size / text size' "$(calc %.3f "$store_bytes / $big_bytes")" '≤ 0.3' \
	"$(verdict "$store_bytes / $big_bytes <= 0.3")"

# The same text from a pipe: hashed as it is read, on the parsing thread.
say "pinblame import - of $(mib "$big_bytes") MiB from a pipe"
pipe_store=$out/pipe.db
rm_store "$pipe_store"
measure "$out/pipe.out" sh -c 'cat "$1" | "$2" -d "$3" import -' sh "$big" "$pb" "$pipe_store"
if [ "$RC" = 0 ]; then
	row '`cat \| pinblame import -` (pipe)' "$big_bytes" "$SECS" "$(events_of "$out/pipe.out")" \
		"peak RSS $((RSS_KB / 1024)) MiB, hashed as read"
else
	skip_row '`pinblame import -`' "$(reason)"
fi
rm_store "$pipe_store"

# The rows the import wrote, to give the insert floor the same work.
shape=$(sqlite3 -separator ' ' "$store" \
	"SELECT count(*), CAST(avg(length(vals)) AS INT), count(body),
		CAST(coalesce(avg(length(body)), 0) AS INT), count(stack_id) FROM event" 2>>"$log")
other=0
for t in $(sqlite3 "$store" "SELECT name FROM sqlite_schema WHERE type = 'table'
		AND name NOT IN ('event', 'meta') AND name NOT LIKE 'sqlite_%'" 2>>"$log"); do
	other=$((other + $(sqlite3 "$store" "SELECT count(*) FROM \"$t\"")))
done
if [ -n "$shape" ]; then
	read -r n_events fields_len n_bodies body_len n_stacked <<<"$shape"
	say "insert floor: $n_events event rows and $other other rows"
	floor_db=$out/floor.db
	rm_store "$floor_db"
	measure "$out/floor.out" "$out/insert-floor" "$floor_db" "$n_events" "$fields_len" \
		"$n_bodies" "$body_len" "$n_stacked" "$other"
	rm_store "$floor_db"
	floor_secs=$(cat "$out/floor.out")
	row 'insert floor (C, SQLite inserts only)' - "$floor_secs" "$n_events" \
		"$((n_events + other)) rows, $(calc %.0f "($n_events + $other) / $floor_secs") rows/s"
	# The same events 256 to a row, packed: what fewer rows would leave
	# (the budget against the Python baseline below; bench/README.md).
	measure "$out/floor.out" "$out/insert-floor" "$floor_db" "$n_events" "$fields_len" \
		"$n_bodies" "$body_len" "$n_stacked" "$other" 256
	rm_store "$floor_db"
	packed_secs=$(cat "$out/floor.out")
	row 'insert floor, events packed 256 to a row' - "$packed_secs" "$n_events" \
		"$((n_events / 256 + 1 + other)) rows"
	budget 'import time / insert floor time' "$(calc %.2f "$imp_secs / $floor_secs")" '≤ 1.5' \
		"$(verdict "$imp_secs / $floor_secs <= 1.5")"
else
	skip_row 'insert floor' 'the store has no event table to take the row shape from'
fi

say "Python baseline"
py_db=$out/baseline.db
rm_store "$py_db"
measure "$out/baseline.out" python3 "$bench/baseline-import.py" "$big" "$py_db"
py_first=$SECS
rm_store "$py_db"
[ "$RC" = 0 ] && measure "$out/baseline.out" python3 "$bench/baseline-import.py" "$big" "$py_db"
rm_store "$py_db"
if [ "$RC" = 0 ]; then
	py_secs=$(calc %.3f "$SECS < $py_first ? $SECS : $py_first")
	row 'Python regex baseline (no stacks)' "$big_bytes" "$py_secs" "$(cat "$out/baseline.out")"
	# 8x in seconds beside the floors: whether storing row by row can
	# reach it at all
	floors=
	[ -n "${floor_secs:-}" ] && [ -n "${packed_secs:-}" ] &&
		floors=" (8x is $(calc %.2f "$py_secs / 8") s; inserts alone $floor_secs s, packed $packed_secs s)"
	budget 'import vs Python baseline' "$(calc %.2f "$py_secs / $imp_secs")x$floors" '≥ 8x' \
		"$(verdict "$py_secs / $imp_secs >= 8")"
else
	skip_row 'Python regex baseline' "exit $RC"
fi

# --- trace.dat, perf script, kernel log ---------------------------------

say "trace.dat"
tracedat=$out/trace.dat
if ! [ -f "$tracedat" ] || ! [ "$tracedat" -nt "$tracedat_xz" ]; then
	xz -dc "$tracedat_xz" > "$tracedat.tmp" || die "cannot read $tracedat_xz"
	mv "$tracedat.tmp" "$tracedat"
fi
if command -v trace-cmd >/dev/null; then
	measure_best /dev/null trace-cmd report -i "$tracedat"
	report_secs=$SECS
	row '`trace-cmd report trace.dat`' "$(bytes_of "$tracedat")" "$report_secs" - \
		'v7, zstd sections'
else
	skip_row '`trace-cmd report trace.dat`' 'no trace-cmd (make deps installs it)'
	budget 'trace.dat import vs `trace-cmd report`' 'not measured: no trace-cmd' '> 1x' -
fi
td_db=$out/tracedat.db
rm_store "$td_db"
measure "$out/tracedat.out" "$pb" -d "$td_db" import "$tracedat"
if [ "$RC" = 0 ]; then
	rm_store "$td_db"
	measure_best "$out/tracedat.out" sh -c 'rm -f "$1" "$1-wal" "$1-shm"; exec "$2" -d "$1" import "$3"' \
		sh "$td_db" "$pb" "$tracedat"
	row '`pinblame import trace.dat`' "$(bytes_of "$tracedat")" "$SECS" \
		"$(events_of "$out/tracedat.out")"
	[ -n "${report_secs:-}" ] && budget 'trace.dat import vs `trace-cmd report`' \
		"$(calc %.2f "$report_secs / $SECS")x as fast" '> 1x' \
		"$(verdict "$report_secs / $SECS > 1")"
else
	skip_row '`pinblame import trace.dat`' "$(reason)"
fi
rm_store "$td_db"

# import_text NAME FORMAT SEED MB: a generated text of another format.
import_text() {
	local name=$1 file=$out/$2-${4}M.txt db=$out/$2.db

	generate "$2" "$3" "$4" "$file"
	say "pinblame import of $name"
	rm_store "$db"
	measure "$out/$2.out" "$pb" -d "$db" import "$file"
	if [ "$RC" = 0 ]; then
		row "\`pinblame import\` $name" "$(bytes_of "$file")" "$SECS" \
			"$(events_of "$out/$2.out")" "peak RSS $((RSS_KB / 1024)) MiB"
	else
		skip_row "\`pinblame import\` $name" "$(reason)"
	fi
	rm_store "$db"
}
import_text 'perf script' perf "$perf_seed" "$perf_mb"
import_text 'kernel log' kmsg "$dmesg_seed" "$kmsg_mb"

# --- blame on a large store ----------------------------------------------

# large_import DB FILE: imports FILE into a new DB twice, with an import
# of the 1 GiB text between the two, and sets large_secs (the faster of
# the two), large_rss (the larger) and near_secs (the fastest import of
# the 1 GiB text, this one or the two above). The two sizes take turns
# because the speed of this shared machine drifts over the minutes
# between the 1 GiB imports above and this one; DB is left imported.
large_import() {
	local db=$1 file=$2 near_store=$out/near.db turn

	large_secs= large_rss=0 near_secs=$imp_secs
	for turn in 1 2; do
		rm_store "$db"
		# from the page cache, as the 1 GiB: on this project's VMs the
		# cache gives back files not read lately, and reading 4.4 GiB
		# from the disk is not the import's cost (sys 9 s against 2.5)
		cat "$file" > /dev/null
		measure "$out/blame-import.out" "$pb" -d "$db" import "$file"
		if [ "$RC" != 0 ]; then
			skip_row '`pinblame blame`' "import of the large store failed: $(reason)"
			return 1
		fi
		large_secs=$(calc %.3f "${large_secs:-$SECS} < $SECS ? ${large_secs:-$SECS} : $SECS")
		large_rss=$((RSS_KB > large_rss ? RSS_KB : large_rss))
		[ "$turn" = 2 ] && break
		rm_store "$db"
		rm_store "$near_store"
		cat "$big" > /dev/null
		measure /dev/null "$pb" -d "$near_store" import "$big"
		rm_store "$near_store"
		[ "$RC" = 0 ] && near_secs=$(calc %.3f "$SECS < $near_secs ? $SECS : $near_secs")
	done
	return 0
}

blame_store() {
	local db=$out/blame.db per_mib need n first

	per_mib=$(calc %.6f "$imp_events / ($big_bytes / 1048576)")
	need=$(calc %d "$blame_events / $per_mib + 1")
	if [ "$imp_events" -ge "$blame_events" ]; then
		db=$store
	else
		# a file, so that its import compares with the 1 GiB one
		generate ftrace "$seed" "$need" "$out/ftrace-${need}M.txt"
		say "blame store: importing $need MiB for $blame_events events" \
			"($imp_events in $(mib "$big_bytes") MiB)"
		large_import "$db" "$out/ftrace-${need}M.txt" || return
		row '`pinblame import` (large store)' $((need << 20)) "$large_secs" \
			"$(events_of "$out/blame-import.out")" "peak RSS $((large_rss / 1024)) MiB"
		budget "import MiB/s on $need MiB / on $(mib "$big_bytes") MiB (linear cost)" \
			"$(calc %.2f "($need * 1048576 / $large_secs) / ($big_bytes / $near_secs)")" \
			'≥ 0.9' \
			"$(verdict "($need * 1048576 / $large_secs) / ($big_bytes / $near_secs) >= 0.9")"
		budget "peak RSS of import on $need MiB" "$((large_rss / 1024)) MiB" '< 64 MiB' \
			"$(verdict "$large_rss < 65536")"
	fi
	n=$(sqlite3 "$db" "SELECT count(*) FROM event" 2>>"$log")
	measure "$out/blame.out" "$pb" -d "$db" blame
	if [ "$RC" != 0 ]; then
		skip_row '`pinblame blame`' "$(reason)"
		return
	fi
	first=$SECS
	row "\`pinblame blame\`, first run ($n events)" - "$first" - 'includes the analysis'
	measure "$out/blame.out" "$pb" -d "$db" blame
	row "\`pinblame blame\`, again ($n events)" - "$SECS" -
	budget "blame on $n events (first run)" "$first s" '< 1 s' "$(verdict "$first < 1")"
	[ "$db" = "$store" ] || rm_store "$db"
}
if "$pb" help blame >/dev/null 2>&1; then
	blame_store
else
	skip_row '`pinblame blame`' 'this pinblame has no blame command yet'
fi
rm_store "$store"

# --- inputs shaped to break bounds (bench/gen-shapes.c) ------------------

# shape_budgets WHAT IMPORT_SECS IMPORT_RSS_KB DB: the first analysis of DB
# (blame on the fresh store) against the import that made it.
shape_budgets() {
	local what=$1 imp=$2 imp_rss=$3 db=$4

	budget "peak RSS of import, $what" "$((imp_rss / 1024)) MiB" '< 64 MiB' \
		"$(verdict "$imp_rss < 65536")"
	measure "$out/shape-blame.out" "$pb" -d "$db" blame
	if [ "$RC" != 0 ]; then
		skip_row "\`pinblame blame\`, $what" "$(reason)"
		return
	fi
	row "\`pinblame blame\`, first run, $what" - "$SECS" - \
		"peak RSS $((RSS_KB / 1024)) MiB"
	budget "peak RSS of the first analysis, $what" "$((RSS_KB / 1024)) MiB" '< 256 MiB' \
		"$(verdict "$RSS_KB < 262144")"
	budget "first analysis / import time, $what" "$(calc %.2f "$SECS / $imp")" '≤ 2' \
		"$(verdict "$SECS / $imp <= 2")"
}

# shape_import WHAT DB FILE...: imports FILEs into a new DB, a row and the
# budgets of import and first analysis.
shape_import() {
	local what=$1 db=$2 bytes=0 f

	shift 2
	for f in "$@"; do
		bytes=$((bytes + $(bytes_of "$f")))
	done
	say "pinblame import, $what"
	rm_store "$db"
	measure "$out/shape.out" "$pb" -d "$db" import "$@"
	if [ "$RC" != 0 ]; then
		skip_row "\`pinblame import\`, $what" "$(reason)"
		return
	fi
	row "\`pinblame import\`, $what" "$bytes" "$SECS" "$(sqlite3 "$db" 'SELECT count(*) FROM event')" \
		"peak RSS $((RSS_KB / 1024)) MiB"
	shape_budgets "$what" "$SECS" "$RSS_KB" "$db"
	[ -n "${shape_keep:-}" ] || rm_store "$db"
}

# shape_file NAME ARGS...: the generated input, cached while the generator
# is unchanged.
shape_file() {
	local file=$out/shape-$1.txt

	shift
	if ! [ -f "$file" ] || ! [ "$file" -nt "$out/gen-shapes" ]; then
		say "generating $file"
		"$out/gen-shapes" "$@" > "$file.tmp" || die "cannot generate $file"
		mv "$file.tmp" "$file"
	fi
	echo "$file"
}

busy_mb=${BENCH_BUSY_MB:-2048}
distinct_stacks=${BENCH_STACKS:-2000000}
small_sources=${BENCH_SOURCES:-1000}
build gen-shapes
shape_import "one busy line repeated ($busy_mb MiB)" "$out/shape.db" \
	"$(shape_file "busy-$busy_mb" busy "$busy_mb")"
shape_keep=1 shape_import "$distinct_stacks distinct stacks" "$out/shape.db" \
	"$(shape_file "stacks-$distinct_stacks" stacks "$distinct_stacks")"

# export_rows DB: the lines `export --jsonl` writes for DB (the header, then
# a row per source, stack, failure, evidence and attribution).
export_rows() {
	sqlite3 "$1" "SELECT 1 + (SELECT count(*) FROM source) + (SELECT count(*) FROM stack)
		+ (SELECT count(*) FROM failure) + (SELECT count(*) FROM evidence)
		+ (SELECT count(*) FROM attribution)" 2>>"$log"
}

# export_time DB: times one `export --jsonl` of DB (analyzed by the
# first blame already) into SECS; RC as measure's.
export_time() {
	measure /dev/null "$pb" -d "$1" export --jsonl -o /dev/null
}

# Export at a constant rate: the distinct-stacks store above against one of
# a tenth of its stacks, the same shape, in this run. The ratio of their
# lines per second is 1 when the time per row does not grow with the store.
# The two stores take turns, twice, and the faster run of each counts: the
# speed of this shared machine drifts over the minutes one export of the
# large store takes (its user time went from 55 to 36 s in five runs of
# the same code), and timed one after the other the ratio of the same code
# went from 0.81 to 1.04.
export_constant() {
	local big=$distinct_stacks small=$((distinct_stacks / 10)) db=$out/shape.db
	local small_db=$out/export-small.db big_lines small_lines big_secs= small_secs= i
	local big_rss=0 small_rss=0

	[ -f "$db" ] || { skip_row '`pinblame export --jsonl`' 'no distinct-stacks store'; return; }
	rm_store "$small_db"
	if ! "$pb" -d "$small_db" import \
		"$(shape_file "stacks-$small" stacks "$small")" >/dev/null 2>>"$log" ||
		! "$pb" -d "$small_db" blame >/dev/null 2>>"$log"; then
		skip_row '`pinblame export --jsonl`' "cannot make a store of $small stacks"
		rm_store "$db"
		return
	fi
	big_lines=$(export_rows "$db")
	small_lines=$(export_rows "$small_db")
	if [ -z "$big_lines" ] || [ -z "$small_lines" ]; then
		skip_row '`pinblame export --jsonl`' 'cannot count the rows of its stores'
		rm_store "$db"; rm_store "$small_db"
		return
	fi
	say "pinblame export, $big and $small distinct stacks, taking turns"
	for i in 1 2; do
		export_time "$db"
		[ "$RC" = 0 ] || break
		big_secs=$(calc %.3f "${big_secs:-$SECS} < $SECS ? ${big_secs:-$SECS} : $SECS")
		big_rss=$RSS_KB
		export_time "$small_db"
		[ "$RC" = 0 ] || break
		small_secs=$(calc %.3f "${small_secs:-$SECS} < $SECS ? ${small_secs:-$SECS} : $SECS")
		small_rss=$RSS_KB
	done
	rm_store "$db"
	rm_store "$small_db"
	[ "$RC" = 0 ] || { skip_row '`pinblame export --jsonl`' "$(reason)"; return; }
	row "\`pinblame export --jsonl\`, $big distinct stacks" - "$big_secs" "$big_lines" \
		"lines as events; peak RSS $((big_rss / 1024)) MiB"
	row "\`pinblame export --jsonl\`, $small distinct stacks" - "$small_secs" "$small_lines" \
		"lines as events; peak RSS $((small_rss / 1024)) MiB"
	budget "export lines/s, $big / $small distinct stacks" \
		"$(calc %.2f "($big_lines / $big_secs) / ($small_lines / $small_secs)")" \
		'≥ 0.9 (constant rate)' \
		"$(verdict "($big_lines / $big_secs) / ($small_lines / $small_secs) >= 0.9")"
}
export_constant
kmsg_busy_lines=${BENCH_KMSG_BUSY:-2000000}
shape_import "$kmsg_busy_lines 'PFNs busy' lines of a kernel log" "$out/shape.db" \
	"$(shape_file "kmsg-$kmsg_busy_lines" kmsg "$kmsg_busy_lines")"
sources_dir=$out/shape-sources-$small_sources
if ! [ -d "$sources_dir" ] || ! [ "$sources_dir" -nt "$out/gen-shapes" ]; then
	rm -rf "$sources_dir"
	mkdir -p "$sources_dir" || die "cannot make $sources_dir"
	"$out/gen-shapes" sources "$small_sources" "$sources_dir" || die "cannot generate $sources_dir"
fi
shape_import "$small_sources small sources" "$out/shape.db" "$sources_dir"/*.txt

# merge_halves N: the small sources imported into N stores of equal size,
# merged into one in two halves; when merge is linear in what it copies,
# the second half (into a store that already holds the first) costs what
# the first did.
merge_halves() {
	local n=$1 per dir=$out/merge-stores i first
	local -a all files ins

	all=("$sources_dir"/*.txt)
	per=$((${#all[@]} / n))
	[ "$per" -ge 1 ] || { skip_row '`pinblame merge`' "fewer sources than stores"; return; }
	rm -rf "$dir"
	mkdir -p "$dir" || die "cannot make $dir"
	say "merge: importing $n stores of $per sources"
	for ((i = 0; i < n; i++)); do
		files=("${all[@]:i * per:per}")
		"$pb" -d "$dir/in-$i.db" import "${files[@]}" >/dev/null 2>>"$log" ||
			{ skip_row '`pinblame merge`' "import of store $i failed"; return; }
		ins+=("$dir/in-$i.db")
	done
	rm_store "$dir/out.db"
	measure /dev/null "$pb" merge "$dir/out.db" "${ins[@]:0:n / 2}"
	[ "$RC" = 0 ] || { skip_row '`pinblame merge`' "$(reason)"; return; }
	first=$SECS
	row "\`pinblame merge\` of $((n / 2)) stores into a new one" - "$first" - \
		"peak RSS $((RSS_KB / 1024)) MiB"
	measure /dev/null "$pb" merge "$dir/out.db" "${ins[@]:n / 2}"
	[ "$RC" = 0 ] || { skip_row '`pinblame merge`' "$(reason)"; return; }
	row "\`pinblame merge\` of $((n - n / 2)) more stores into it" - "$SECS" - \
		"peak RSS $((RSS_KB / 1024)) MiB"
	budget "merge of $n stores: second half / first half time" "$(calc %.2f "$SECS / $first")" \
		'≈ 1 (linear)' "$(verdict "$SECS / $first <= 1.5")"
	rm -rf "$dir"
}
merge_halves "${BENCH_MERGE_STORES:-100}"

# --- report --------------------------------------------------------------

cpu=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)
[ -n "$cpu" ] || cpu=$(uname -m)
{
	echo "Machine: $(nproc) cores ($cpu), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM," \
		"Linux $(uname -r), load average $load_start at the start;"
	echo "SQLite $(sqlite3 --version | cut -d' ' -f1), $(python3 --version)," \
		"pinblame $(git -C "$top" describe --always --dirty 2>/dev/null || echo '?')."
	echo "Input: \`$(basename "$big")\`, $(mib "$big_bytes") MiB replayed from" \
		"\`$(basename "$(dirname "$ftrace_xz")")/trace.txt.xz\` ($(mib "$seed_bytes") MiB); page cache warm."
	echo
	echo '| step | MiB | seconds | MiB/s | events | events/s | note |'
	echo '| --- | ---: | ---: | ---: | ---: | ---: | --- |'
	cat "$rows"
	echo
	echo '| budget | measured | target | met |'
	echo '| --- | --- | --- | --- |'
	cat "$budgets"
} > "$out/results.md"
rm -f "$rows" "$budgets"
cat "$out/results.md"
