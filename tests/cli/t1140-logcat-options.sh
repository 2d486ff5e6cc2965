#!/usr/bin/env bash
# The kernel's lines as logcat prints them with its other options (liblog's
# android_log_formatLogLine(), doc/FORMATS.md section 2.1): an Android
# bugreport's KERNEL LOG section (logcat -b kernel -v threadtime -v printable
# -v uid: a uid before the pid), the same lines with -v year, -v epoch and
# -v monotonic times, and as -v long entries (a head and a blank line around
# every kernel line, a dump across them). Each must blame as the bugreport
# does. The bugreport under testdata/posted/ is written from the formats,
# never copied from a post; expected figures come from the file with grep,
# awk and date.
. "$(dirname "$0")/lib.sh"

log=$PB_TESTDATA/posted/android-bugreport-kernel-log-uid.txt
# the kernel log section's lines, and the figures the kernel printed there
kernel() { sed -n '/^------ KERNEL LOG/,/^------ .*KERNEL LOG/p' "$log" | grep '^[0-9][0-9]-'; }
area=$(sed -n 's/.*cma_alloc: \([^:]*\): alloc failed.*/\1/p' "$log")
pages=$(grep -o 'req-size: [0-9]*' "$log" | awk '{ print $2 }')
busy=$(printf '%d' "$(grep -o 'pfn:0x[0-9a-f]*' "$log" | cut -d: -f2)")
start=$(printf '%d' "0x$(sed -n 's/.*\[\([0-9a-f]*\), .*PFNs busy.*/\1/p' "$log")")
# the call site: the frame after the pinning helper, and its module
site=$(kernel | awk '/pin_user_pages_fast/ { getline; sub(/.*:  /, ""); sub(/\+.*/, ""); print }')
module=$(kernel | awk '/pin_user_pages_fast/ { getline; print }' | sed 's/.*\[\(.*\)\]$/\1/')
nframes=$(kernel | awk '/page last allocated/ { on = 1; next } /page last free/ { on = 0 } on { n++ } END { print n }')
# the failure's time as logcat printed it: month, day and time (no year)
stamp=$(kernel | awk '/alloc failed/ { print "2000-" $1, $2 }' | xargs -I{} date -u -d {} '+%b %d %H:%M:%S.%6N')
want="[[\"cma_alloc\",\"$area\",-16,$pages,$start,[$busy]]]"
failures() { jq -c '[.failures[] | [.kind, .area, .errorno, .pages, .start_pfn, .busy_pfns]]'; }
callsites() { jq -c '[.callsites[] | [.callsite, .module, .pages, (.stack | length)]]'; }

# --- the bugreport: its KERNEL LOG section with -v uid --------------------

export PINBLAME_DB=$TMP/bugreport.db
setup "the bugreport imports" "$PINBLAME" import "$log"
like "$out" "android-bugreport-kernel-log-uid.txt: kmsg, 3 events, 0 bad lines" \
	"the busy line, the dump and the failure are records (none was: the uid hid every line)"
is "$(sql "SELECT kernel FROM sources")" "$(sed -n 's/^Kernel: Linux version \([^ ]*\) .*/\1/p' "$log")" \
	"the kernel release of dumpstate's head ('Kernel: ' and /proc/version)"
pb failures --json
is "$(printf '%s' "$out" | failures)" "$want" "one EBUSY failure of its area and size, the dumped page busy"
pb failures
like "$out" " $stamp +cma_alloc " "at the time of its logcat line, with no year"
pb blame --json
is "$(printf '%s' "$out" | callsites)" "[[\"$site\",\"$module\",1,$nframes]]" \
	"blamed on the driver's pinning call, with the page_owner stack of the dump"
pb show 1
like "$out" "$site \\[$module\\]: 1 page" "show names the call site under the failure"
pb report --format md
like "$out" "$site" "the report names it"

# --- the same lines with the other times of logcat ------------------------

# -v year: "%Y-%m-%d %H:%M:%S"; -v epoch: "%19lld"; -v monotonic: "%6lld"
# (seconds since boot: here the seconds of the day), then ".%03ld"
kernel | sed 's/^/2024-/' >"$TMP/year.txt"
kernel | while read -r day clock rest; do
	printf '%19d.%s  %s\n' "$(date -u -d "2024-$day ${clock%.*}" +%s)" "${clock#*.}" "$rest"
done >"$TMP/epoch.txt"
kernel | while read -r day clock rest; do
	IFS=:. read -r h m sec ms <<<"$clock"
	printf '%6d.%s  %s\n' $((10#$h * 3600 + 10#$m * 60 + 10#$sec)) "$ms" "$rest"
done >"$TMP/monotonic.txt"
for f in year epoch monotonic; do
	export PINBLAME_DB=$TMP/$f.db
	setup "the -v $f lines import" "$PINBLAME" import "$TMP/$f.txt"
	pb failures --json
	is "$(printf '%s' "$out" | failures)" "$want" "-v $f: the same failure"
	pb blame --json
	is "$(printf '%s' "$out" | callsites)" "[[\"$site\",\"$module\",1,$nframes]]" "-v $f: the same call site"
done
# the failure's time on each clock, from the line as printed
is "$(PINBLAME_DB=$TMP/year.db sql "SELECT clock FROM sources")" "realtime" "-v year: a date with its year"
is "$(PINBLAME_DB=$TMP/epoch.db sql "SELECT max(ts_ns) / 1000000 FROM events")" \
	"$(date -u -d "$(kernel | awk '/alloc failed/ { print "2024-" $1, $2 }')" +%s%3N)" \
	"-v epoch: the seconds since the epoch"
is "$(PINBLAME_DB=$TMP/monotonic.db sql "SELECT coalesce(clock, 'boot') || ' ' || (SELECT max(ts_ns) / 1000000 FROM events) FROM sources")" \
	"boot $(awk '/alloc failed/ { print $1 }' "$TMP/monotonic.txt" | tr -d .)" \
	"-v monotonic: seconds since boot, the printk clock"

# --- -v long: every kernel line an entry between a head and a blank line ---

kernel | awk '{
	n = split($0, w, " "); pri = w[6]; tag = ""
	rest = $0; for (i = 1; i <= 6; i++) sub(/^[^ ]+ +/, "", rest)
	if (rest ~ /^: /) { sub(/^: /, "", rest) } else { tag = rest; sub(/ .*/, "", tag); sub(/^[^ ]+ +: /, "", rest) }
	printf "[ %s %s  %s:%5d:%5d %s/%-8s ]\n%s\n\n", w[1], w[2], w[3], w[4], w[5], pri, tag, rest }' >"$TMP/long.txt"
export PINBLAME_DB=$TMP/long.db
setup "the -v long entries import" "$PINBLAME" import "$TMP/long.txt"
like "$out" "long.txt: kmsg, 3 events, 0 bad lines" "the same three records"
pb failures --json
is "$(printf '%s' "$out" | failures)" "$want" "-v long: the same failure"
pb blame --json
is "$(printf '%s' "$out" | callsites)" "[[\"$site\",\"$module\",1,$nframes]]" \
	"-v long: the dump's page_owner stack read across the entries (it ended at the first blank line)"
done_testing
