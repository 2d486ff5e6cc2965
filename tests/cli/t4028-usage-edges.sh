#!/usr/bin/env bash
# The command line at its edges, as a new user (or a script) meets them:
# an empty store name (-d "$DB" with DB unset) is a usage error, not an
# import into SQLite's temporary store that reports success and keeps
# nothing; a value given to an option that takes none is named as such,
# not "unknown option --json; did you mean --json?"; query --csv --json
# asks to choose, as stacks --folded --json does; 'help' of a mistyped
# command gets the "did you mean" the command itself gets, and 'help
# help' is the help; blame --failure 0 names no failure (ids start at 1;
# it listed them all); --since takes decimal seconds only (0x50 was 80);
# a store failing under query's SQL is a store error (4), the user's SQL
# failing a usage error (2).
. "$(dirname "$0")/lib.sh"

SAMPLE=$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt
export PINBLAME_DB=$TMP/t.db
fixture "the sample imports" pb import -q "$SAMPLE"

# An empty store name.
cd "$TMP" || exit 1
pb -d '' import -q "$SAMPLE"
is "$rc" 2 "-d '': exit 2, not an import into a temporary store"
like "$err" "^pinblame: option -d needs the path of a store" "saying the path is missing"
like "$err" "see 'pinblame --help'" "and where to look"
pb --db= info
is "$rc" 2 "--db= (empty): exit 2 too"
pb merge '' "$TMP/t.db"
is "$rc" 2 "merge with an empty output name: exit 2, not a merge into a temporary store"
like "$err" "output store's name is empty" "saying so"
pb merge "$TMP/merged.db" "$TMP/t.db"
is "$rc" 0 "merge with a name still merges"
cd - >/dev/null || exit 1

# A value to an option that takes none.
pb blame --json=yes
is "$rc" 2 "blame --json=yes: exit 2"
is "$err" "pinblame: blame: option --json takes no value
see 'pinblame blame --help'" "named as an option that takes no value"
pb failures --help=all
is "$rc/$(grep -c 'takes no value' <<<"$err")" "2/1" "--help=all: the same"
pb failures --exit-cod=1
like "$err" "option --exit-cod takes no value" "an abbreviation is named as written"

# query: one output format.
pb query --csv --json "SELECT 1"
is "$rc" 2 "query --csv --json: exit 2"
like "$err" "--csv and --json: choose one" "asks to choose"
is "$out" "" "and prints nothing"

# help of a mistyped command; help of help.
pb help blam
is "$rc" 2 "help blam: exit 2"
like "$err" "did you mean 'blame'\\?" "with the command meant, as 'pinblame blam' has"
pb help help
is "$rc" 0 "help help: exit 0"
like "$out" "^usage: pinblame " "prints the help"

# blame --failure 0: failure ids start at 1 (failures --json).
is "$(pb failures --json; jq '[.failures[].id] | min' <<<"$out")" 1 "failure ids start at 1"
pb blame --failure 0
is "$rc" 2 "blame --failure 0: exit 2, as for any id that is not there"
like "$err" "no failure 0" "saying there is no failure 0"
is "$out" "" "and blames nothing (it blamed every failure)"
pb blame --failure 1
is "$rc" 0 "blame --failure 1 still blames failure 1"

# --since and --until: decimal seconds.
for arg in 0x10 1e3 +5 " 5" 5. .5; do
	pb failures --since "$arg"
	is "$rc" 2 "failures --since '$arg': exit 2"
done
like "$err" "wants seconds of trace time, not '.5'" "saying what it wants"
# the sample's failure is at the cma_alloc_finish with errorno (grep)
t=$(sed -n 's/.* \([0-9]*\.[0-9]*\): cma_alloc_finish: .*errorno=-[0-9]*$/\1/p' "$SAMPLE" | head -1)
pb failures --json --since "${t%.*}" --until "$t"
is "$rc/$(jq '.failures | length' <<<"$out")" "0/1" "--since ${t%.*} --until $t: the failure at $t"

# query: the user's SQL at fault is 2, the store failing under it 4.
pb query "SELECT json('x')"
is "$rc" 2 "query of SQL that fails as it runs: exit 2 (the user's SQL)"
PB_TEST_FAIL_STEP=xyzzy pb query "SELECT 'xyzzy' FROM events"
is "$rc" 4 "query whose reads fail (disk I/O): exit 4, a store error, not 2"
like "$err" "disk I/O error" "with SQLite's message"
done_testing
