#!/usr/bin/env bash
# An empty file given as the store (touch, or a script's "> $DB") holds
# what a missing store holds: every reader says that no traces were
# imported, exit 3, as for a missing store; it said "not a pinblame store
# (schema version 0)", exit 4, a store in a bad way. import makes it a
# store, as before.
. "$(dirname "$0")/lib.sh"

db=$TMP/empty.db
: > "$db"
for cmd in info failures blame report check stacks query; do
	if [ "$cmd" = query ]; then pb -d "$db" query "SELECT 1"; else pb -d "$db" "$cmd"; fi
	is "$rc" 3 "$cmd on an empty file: exit 3, as on a missing store"
	like "$err" "empty.db: an empty file, no traces imported .import a trace first" \
		"$cmd says why and what to do"
done
pb -d "$TMP/missing.db" info
is "$rc" 3 "a missing store: exit 3 too"

sample=$(ls "$SAMPLES"/*.txt | head -1)
pb -d "$db" import -q "$sample"
is "$rc" 0 "import makes the empty file a store"
pb -d "$db" query "SELECT count(*) FROM sources"
is "$(sed -n 2p <<<"$out")" 1 "holding the source imported"
[ -s "$db" ]
ok $? "and the file is no longer empty"

done_testing
