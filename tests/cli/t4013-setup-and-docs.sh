#!/usr/bin/env bash
# Set-up and docs: make demo installs only what the demo needs (no
# browser); the links of the README and the testdata READMEs point at
# files in this repository; man pinblame lists every command on a line of
# its own and breaks no sentence of the exit codes.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)

demo=$(make -s -n -C "$top" deps-demo 2>/dev/null)
like "$demo" 'libsqlite3-dev' "make deps-demo installs the build dependencies"
is "$(grep -c 'chromium\|clang\|cmocka' <<<"$demo")" 0 "and no browser, compiler of the sanitizers or test library"
like "$(make -s -n -C "$top" deps 2>/dev/null)" 'chromium' "make deps (for check) still has the test tools"
like "$(grep -E '^demo:' "$top/Makefile")" 'deps-demo' "make demo depends on deps-demo"

# Relative links [text](path) and the paths they name.
for readme in README.md testdata/real/README.md testdata/samples/README.md; do
	dir=$(dirname "$top/$readme")
	bad=""
	for link in $(grep -oE '\]\([^)#]+\)' "$top/$readme" | sed 's/^](//; s/)$//' | grep -v '^[a-z]*:'); do
		[ -e "$dir/$link" ] || bad="$bad $link"
	done
	is "$bad" "" "$readme: every link points at a file in the repository"
	is "$(grep -cE '\.\./(capture-rig|seeds|formats)/' "$top/$readme")" 0 "$readme: names no folder outside it"
done

# man pinblame: every command of --help is a term of its own.
scd=$top/man/pinblame.1.scd
for cmd in $("$PINBLAME" --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1}'); do
	is "$(grep -cx "\*$cmd\*" "$scd")" 1 "man pinblame: $cmd has an entry of its own"
done
if command -v scdoc >/dev/null && command -v man >/dev/null; then
	scdoc < "$scd" > "$TMP/pinblame.1"
	MANWIDTH=80 man -l "$TMP/pinblame.1" 2>/dev/null | col -bx > "$TMP/man.txt"
	sed -n '/^EXIT STATUS/,/^ENVIRONMENT/p' "$TMP/man.txt" | sed '/^ *Errors go to/,$d' > "$TMP/exit.txt"
	# a continuation line indented less than its paragraph: a broken sentence
	is "$(awk 'NF && $0 !~ /^EXIT|^ENV/ { match($0, /^ */); print RLENGTH }' "$TMP/exit.txt" | sort -nu | tr '\n' ' ')" \
		"7 11 " "the exit codes and their text keep their indents (no sentence broken)"
	like "$(cat "$TMP/exit.txt")" '^ +130, 143$' "SIGTERM's 143 is listed"
fi
done_testing
