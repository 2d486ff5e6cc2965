#!/usr/bin/env bash
# A gate cannot pass on nothing: an import that stored no file leaves no
# store behind, and the commands that judge traces refuse an empty store
# (exit 3, "no traces imported") instead of passing it.
. "$(dirname "$0")/lib.sh"

pb import "$TMP/nosuch.txt"
is "$rc" 3 "import of a missing file exits 3"
ok "$([ ! -e "$PINBLAME_DB" ]; echo $?)" "and leaves no store behind"
pb check --max-failures 0
is "$rc" 3 "check without a store fails (exit 3: no traces imported)"

printf 'nothing a parser knows\n' > "$TMP/junk.txt"
pb import "$TMP/junk.txt"
is "$rc" 3 "import of a file with no event exits 3"
ok "$([ ! -e "$PINBLAME_DB" ]; echo $?)" "and leaves no store behind"

pb import --dry-run "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"
is "$rc" 0 "import --dry-run exits 0"
like "$out" 'dry run: nothing stored' "and says that nothing was stored"
ok "$([ ! -e "$PINBLAME_DB" ]; echo $?)" "and makes no store"

# A store that existed before a failed import stays, empty: an empty file
# made by hand, as a CI job might. Each command below reads its own copy
# of that store, so one that wrongly wrote to it does not change the
# next's.
EMPTY=$TMP/empty.db
: > "$EMPTY"
pb -d "$EMPTY" import "$TMP/nosuch.txt"
is "$rc" 3 "import into an existing empty store of a missing file exits 3"
ok "$([ -e "$EMPTY" ]; echo $?)" "the store given by the user is kept"
# empty NAME: $PINBLAME_DB becomes a copy of that store, $TMP/NAME.db.
empty() {
	export PINBLAME_DB=$TMP/$1.db
	cp "$EMPTY" "$PINBLAME_DB"
}
for cmd in "check --max-failures 0" failures blame report; do
	empty "${cmd%% *}"
	pb $cmd
	is "$rc" 3 "$cmd on a store without traces exits 3"
	like "$err" 'no traces imported' "$cmd says no traces were imported"
	is "$out" "" "$cmd prints nothing on stdout"
done
empty info
pb info
is "$rc" 0 "info on an empty store exits 0"
like "$out" '^no traces imported' "info says the store is empty"

# With a trace, the same gate passes or fails on what it holds.
empty trace
pb import "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"
is "$rc" 0 "import of a trace into it"
pb check --max-failures 0
is "$rc" 1 "check --max-failures 0 now sees its failure (exit 1)"
done_testing
