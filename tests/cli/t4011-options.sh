#!/usr/bin/env bash
# Errors that help: "did you mean" for mistyped commands and long options;
# one number parser for every option (--top 0 is "all" everywhere, a
# negative value is refused); after a bad value a short error and "see
# 'pinblame CMD --help'", not the whole usage; --since/--until outside the
# traces print their span; an unknown --area or --reason lists the known
# ones; --dry-run says nothing was stored.
. "$(dirname "$0")/lib.sh"
fixture "the sample imports" "$PINBLAME" import -q "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"

pb blam
is "$rc" 2 "a mistyped command exits 2"
is "$err" "pinblame: 'blam' is not a pinblame command; did you mean 'blame'?" "and names the command meant"
pb raport
like "$err" "did you mean 'report'\?" "one letter off"
pb frobnicate
is "$err" "pinblame: 'frobnicate' is not a pinblame command; see 'pinblame --help'" "no guess for a word that is not close"

pb report --tpo 3
is "$rc" 2 "a mistyped long option exits 2"
is "$err" "pinblame: report: unknown option --tpo; did you mean --top?
see 'pinblame report --help'" "says which option was meant, then where to read more"
pb failures --jsno
like "$err" 'did you mean --json\?' "failures too"
pb stacks --foldd
like "$err" "did you mean --folded\\?" "and stacks, which parses its own"

# --top 0 means all, for blame and report alike.
all=$("$PINBLAME" blame --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["callsites"]))')
pb blame --top 0 --json
is "$rc" 0 "blame --top 0 exits 0"
is "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["callsites"]))' <<<"$out")" "$all" "blame --top 0 lists all $all call sites"
pb report --top 0 --format json
is "$rc" 0 "report --top 0 exits 0"
is "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["blame"]["callsites"]))' <<<"$out")" "$all" "report --top 0 lists all of them too"
for args in "blame --top -1" "report --top -4294967295" "report --top 1x" "blame --failure -1" \
	"check --max-failures -1" "report --top 99999999999999999999"; do
	pb $args
	is "$rc" 2 "$args exits 2"
	like "$err" "wants a whole number from 0 to" "$args: the one number parser's message"
	is "$(grep -c . <<<"$err")" 2 "$args: a short error, not the usage"
done
pb report --top
is "$err" "pinblame: report: option --top needs a value
see 'pinblame report --help'" "a missing value"

# The window against the traces' span (4110.550201 .. 4122.004501 s).
pb failures --since 5000
is "$rc" 2 "--since after the traces exits 2"
like "$err" "--since is outside the traces, which span 4110.550201 .. 4122.004501 s" "and prints their span"
pb check --until 100
is "$rc" 2 "check --until before the traces exits 2, it does not pass"
like "$err" "which span 4110.550201 .. 4122.004501 s" "and prints the span"
pb blame --since 4120 --until 4110
is "$rc" 2 "--since after --until exits 2"
pb failures --since 4120
is "$rc" 0 "a window inside the span is fine"

# Names the store does not have.
pb failures --area reserve
is "$rc" 2 "an unknown --area exits 2"
like "$err" "--area reserve: no failure has it; the store has: reserved" "and lists the known areas"
pb failures --reason nosuch --exit-code
is "$rc" 2 "an unknown --reason exits 2, not 0"
like "$err" "the store has: .*cma_alloc" "and lists the known kinds and reasons"
# kernels before 4.18 print MR_CMA as "cma", 4.18+ contig_range: one reason either way
# (migrate.h 4.19: "nr_succeeded=%lu nr_failed=%lu mode=%s reason=%s").
cat > "$TMP/migrate-4.19.txt" <<'EOF2'
# tracer: nop
#
            bash-412   [001] ....   812.500001: mm_migrate_pages: nr_succeeded=510 nr_failed=2 mode=MIGRATE_SYNC reason=cma
EOF2
"$PINBLAME" -d "$TMP/m419.db" import -q "$TMP/migrate-4.19.txt"
pb -d "$TMP/m419.db" failures --reason cma --json
is "$rc" 0 "--reason cma is a known reason"
is "$(printf '%s' "$out" | jq -r '[.failures[] | .reason] | join(",")')" contig_range \
	"--reason cma lists the failure of reason contig_range"
pb -d "$TMP/m419.db" failures --reason contig_range --json
is "$(printf '%s' "$out" | jq '.failures | length')" 1 "and --reason contig_range the same one"
pb failures --area reserved --exit-code
is "$rc" 1 "a known area with a failure: --exit-code exits 1"

pb import --dry-run "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"
like "$out" 'dry run: nothing stored' "import --dry-run says nothing was stored"

# A noise file that leaves no call site says so.
printf '*\n' > "$TMP/all.noise"
pb blame --noise "$TMP/all.noise" --no-default-noise
like "$err" "warning: .*all.noise leaves no call site" "a noise file that leaves no call site says so"
is "$(grep -c '^hint:' "$TMP/err")" 0 "and no hint then claims the pages have no holder evidence"

# --help is generated from the option table: every option it parses.
pb report --help
for opt in --format --output --top --since --until --noise --no-default-noise --help; do
	like "$out" "^  (-[a-z], )?$opt( |$)" "report --help lists $opt"
done
done_testing
