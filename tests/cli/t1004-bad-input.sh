#!/usr/bin/env bash
# Bad input: exit 3 with the file named, and the store exactly as before.
# Each bad file is imported into its own copy of a store that holds a
# good file, so a bad import that wrongly changed its store does not
# change what the next case compares with.
. "$(dirname "$0")/lib.sh"
BASE=$TMP/base.db

fixture "a good file first" "$PINBLAME" -d "$BASE" import "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"
snapshot() { "$PINBLAME" query --csv "SELECT (SELECT count(*) FROM sources), (SELECT count(*) FROM events), (SELECT count(*) FROM stacks), (SELECT count(*) FROM cma_allocs)"; }
before=$(PINBLAME_DB=$BASE snapshot)

# fresh NAME: $PINBLAME_DB becomes a copy of the store that holds the good file.
fresh() {
	export PINBLAME_DB=$TMP/$1.db
	copy_store "$BASE" "$PINBLAME_DB"
}

expect_input_error() { # FILE PATTERN NAME
	fresh "$(basename "$1")"
	pb import "$1"
	is "$rc" 3 "$3: exit 3"
	like "$err" "^pinblame: import: $2" "$3: says what is wrong"
	is "$(snapshot)" "$before" "$3: store unchanged"
}

head -c 100000 /dev/urandom > "$TMP/random.bin"
expect_input_error "$TMP/random.bin" ".*random.bin: " "random bytes"

xz -c "$REAL/arm64-ftrace-hugetlb-cma/dmesg.txt" | head -c 20000 > "$TMP/cut.xz"
expect_input_error "$TMP/cut.xz" ".*cut.xz:[0-9]+: truncated xz stream" "truncated .xz"

: > "$TMP/empty.txt"
expect_input_error "$TMP/empty.txt" ".*empty.txt: empty input" "empty file"

head -c 10485760 /dev/zero | tr '\0' 'a' > "$TMP/longline.txt"
expect_input_error "$TMP/longline.txt" ".*longline.txt" "a 10 MB line without newline"

mkdir "$TMP/adir"
expect_input_error "$TMP/adir" ".*adir: .*[Ii]s a directory" "a directory"

expect_input_error "$TMP/missing.txt" ".*missing.txt: No such file or directory" "a missing file"

printf 'hello\nworld\n' > "$TMP/prose.txt"
expect_input_error "$TMP/prose.txt" ".*prose.txt: " "text that is no trace"

# Several files: the good ones are imported, the exit code tells of the bad.
fresh several
pb import "$TMP/missing.txt" "$REAL/amd64-ftrace-gigantic-nocma/dmesg.txt"
is "$rc" 3 "a bad file among good ones still exits 3"
is "$(sql "SELECT count(*) FROM sources")" 2 "the good one was imported"
done_testing
