#!/usr/bin/env bash
# A gate cannot pass on nothing: an import that stored no file leaves no
# store behind, and the commands that judge traces refuse an empty store
# (exit 3, "no traces imported") instead of passing it.
. "$(dirname "$0")/lib.sh"

pb import "$TMP/nosuch.txt"
is "$rc" 3 "import of a missing file exits 3"
ok "$([ ! -e "$PINBLAME_DB" ]; echo $?)" "and leaves no store behind"
pb check --max-failures 0
is "$rc" 4 "check without a store fails (exit 4)"

printf 'nothing a parser knows\n' > "$TMP/junk.txt"
pb import "$TMP/junk.txt"
is "$rc" 3 "import of a file with no event exits 3"
ok "$([ ! -e "$PINBLAME_DB" ]; echo $?)" "and leaves no store behind"

pb import --dry-run "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"
is "$rc" 0 "import --dry-run exits 0"
like "$out" 'dry run: nothing stored' "and says that nothing was stored"
ok "$([ ! -e "$PINBLAME_DB" ]; echo $?)" "and makes no store"

# A store that existed before a failed import stays, empty: an empty file
# made by hand, as a CI job might.
: > "$PINBLAME_DB"
pb import "$TMP/nosuch.txt"
is "$rc" 3 "import into an existing empty store of a missing file exits 3"
ok "$([ -e "$PINBLAME_DB" ]; echo $?)" "the store given by the user is kept"
for cmd in "check --max-failures 0" failures blame report; do
	pb $cmd
	is "$rc" 3 "$cmd on a store without traces exits 3"
	like "$err" 'no traces imported' "$cmd says no traces were imported"
	is "$out" "" "$cmd prints nothing on stdout"
done
pb info
is "$rc" 0 "info on an empty store exits 0"
like "$out" '^no traces imported' "info says the store is empty"

# With a trace, the same gate passes or fails on what it holds.
pb import "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"
is "$rc" 0 "import of a trace into it"
pb check --max-failures 0
is "$rc" 1 "check --max-failures 0 now sees its failure (exit 1)"
done_testing
