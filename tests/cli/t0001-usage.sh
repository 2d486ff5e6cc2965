#!/usr/bin/env bash
# The command frame: help, version, unknown commands and options.
. "$(dirname "$0")/lib.sh"

pb --version
is "$rc" 0 "--version exits 0"
like "$out" '^pinblame [0-9]+\.[0-9]+' "--version prints the version"

pb --help
is "$rc" 0 "--help exits 0"
like "$out" 'usage: pinblame \[-d DB\] COMMAND' "--help shows the synopsis"

pb
is "$rc" 2 "no command is a usage error"

pb frobnicate
is "$rc" 2 "an unknown command exits 2"
like "$err" "^pinblame: 'frobnicate' is not a pinblame command" "and says so"

# Every command in the table has --help on stdout with exit 0.
for cmd in $("$PINBLAME" --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1}'); do
	pb "$cmd" --help
	is "$rc" 0 "$cmd --help exits 0"
	like "$out" "usage: pinblame .*$cmd" "$cmd --help shows its usage"
	pb help "$cmd"
	is "$rc" 0 "help $cmd exits 0"
	pb "$cmd" --no-such-option
	is "$rc" 2 "$cmd with an unknown option exits 2"
	like "$err" "^see 'pinblame $cmd --help'\$" "$cmd: a short error, then where to read more"
	is "$(grep -c '^usage:' <<<"$err")" 0 "$cmd: not the whole usage"
done

pb blam
is "$rc" 2 "a mistyped command exits 2"
like "$err" "did you mean 'blame'\?" "and gets a did-you-mean"

pb -d
is "$rc" 2 "-d without a path exits 2"

pb -d "$TMP/none.db" info
is "$rc" 3 "info on a missing store exits 3 (no traces imported)"
like "$err" 'none.db: no store: no traces imported' "and names the store"

done_testing
