#!/bin/bash
# t9002-completion.sh - the bash completion (contrib/completion/pinblame.bash),
# driven as bash drives it: COMP_WORDS/COMP_CWORD set, _pinblame called,
# COMPREPLY checked. Its option lists are checked against the program
# itself: every option the help mentions is completed or is one the command
# rejects as unknown, and every option completed is one the command accepts.
. "$(dirname "$0")/lib.sh"
COMPLETION=$(cd "$(dirname "$0")/../.." && pwd)/contrib/completion/pinblame.bash
. "$COMPLETION"
ok $? "the completion script loads"
unset PINBLAME_DB
cd "$TMP" || exit 1
# record must never trace this machine here, whatever an option does
export PINBLAME_TRACEFS=$TMP/no-tracefs

# complete WORD...: COMPREPLY for the command line WORD... (the last word
# is the one completed), sorted, one line.
complete_line() {
	COMP_WORDS=("$PINBLAME" "$@")
	COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
	COMPREPLY=()
	_pinblame
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

commands=$("$PINBLAME" --help | awk '/^commands:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }' | sort | tr '\n' ' ')
is "$(complete_line '')" "$(echo $commands help | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')" \
	"the commands of 'pinblame --help', and help"
is "$(complete_line bl)" "blame" "a command from its first letters"
is "$(complete_line help sh)" "show" "help COMMAND"
is "$(complete_line --v)" "--version" "global options"

# unknown CMD OPT: the command rejects OPT as an option it does not have
unknown() {
	"$PINBLAME" -d "$TMP/none.db" "$1" "$2" --help > /dev/null 2> "$TMP/opt.err"
	grep -Eq "unknown (or incomplete )?option|unrecognized option" "$TMP/opt.err"
}

for cmd in $commands; do
	completed=" $(complete_line "$cmd" -) "
	# every -x and --word anywhere in the help, found without the
	# completion's own parsing
	missing=
	for opt in $("$PINBLAME" "$cmd" --help | grep -oE -- '(^|[^A-Za-z0-9-])--?[A-Za-z][A-Za-z0-9-]*' |
			grep -oE -- '--?[A-Za-z][A-Za-z0-9-]*$' | sort -u); do
		[[ $completed == *" $opt "* ]] && continue
		unknown "$cmd" "$opt" || missing="$missing $opt"
	done
	is "$missing" "" "$cmd: every option its --help mentions is completed"
	bogus=
	for opt in $completed; do
		unknown "$cmd" "$opt" && bogus="$bogus $opt"
	done
	is "$bogus" "" "$cmd: every option completed is one $cmd accepts"
	like "$completed" " --help " "$cmd: --help is completed"
done

is "$(complete_line import --format '')" \
	"$(printf '%s\n' ftrace trace-cmd-report trace.dat perf-script kmsg page_pinner page_owner | sort | tr '\n' ' ' | sed 's/ $//')" \
	"import --format: the formats import knows"
is "$(complete_line import -f perf)" "perf-script" "import -f: the same, by the short option"
rejected=
for f in $(complete_line import --format ''); do
	"$PINBLAME" -d "$TMP/f.db" import --format "$f" /dev/null > /dev/null 2> "$TMP/f.err"
	grep -q "unknown format" "$TMP/f.err" && rejected="$rejected $f"
done
is "$rejected" "" "import accepts every format completed"
is "$(complete_line report --format '')" "html json md text" "report --format: its four formats"
is "$(complete_line blame --by '')" "callsite comm kernel module source stack" "blame --by: its keys"
is "$(complete_line report --top '')" "" "a numeric value: nothing offered"

mkdir -p "$TMP/traces"
: > "$TMP/traces/trace-a.txt"
: > "$TMP/traces/trace-b.txt.xz"
is "$(complete_line import "$TMP/traces/trace-")" "$TMP/traces/trace-a.txt $TMP/traces/trace-b.txt.xz" \
	"import: file names"
is "$(complete_line import --strict "$TMP/traces/trace-b")" "$TMP/traces/trace-b.txt.xz" \
	"import: file names after an option"
is "$(complete_line check --baseline "$TMP/traces/trace-a")" "$TMP/traces/trace-a.txt" \
	"check --baseline FILE: file names"
is "$(complete_line -d "$TMP/traces/trace-a")" "$TMP/traces/trace-a.txt" "-d: file names"
is "$(complete_line record -o out.txt -- ech)" "echo" "record -- COMMAND: command names"

# failure ids from the store: the same ids as the failures view
db=$TMP/ids.db
fixture "the capture imports and is analysed" \
	sh -c '"$1" -d "$2" import -q "$3" && "$1" -d "$2" failures' sh "$PINBLAME" "$db" \
	"$REAL/arm64-ftrace-hugetlb-cma/trace.txt.xz"
ids=$("$PINBLAME" -d "$db" query --csv "SELECT id FROM failures" | tail -n +2 | sort | tr '\n' ' ' | sed 's/ $//')
is "$ids" "1 10 2 3 4 5 6 7 8 9" "the capture has failures 1..10"
is "$(complete_line -d "$db" show '')" "$ids" "show: the failure ids of -d's store"
is "$(complete_line --db "$db" blame --failure '')" "$ids" "blame --failure: the ids of --db's store"
is "$(complete_line "--db=$db" show 1)" "1 10" "--db=PATH, and ids from their first digits"
is "$(PINBLAME_DB=$db complete_line show 1)" "1 10" "the store of \$PINBLAME_DB"
is "$(complete_line -d "$TMP/none.db" show '')" "" "no store: no ids, no error"

pb -d "$db" __complete failures
is "$rc:$(echo "$out" | tr '\n' ' ')" "0:1 2 3 4 5 6 7 8 9 10 " "__complete failures: one id a line, exit 0"
pb -d "$db" complete failures
is "$rc:$(echo "$out" | tr '\n' ' ')" "0:1 2 3 4 5 6 7 8 9 10 " "complete failures: the same, by its documented name"
pb __complete nothing
is "$rc" 2 "__complete with an unknown word: usage error"
is "$err" "pinblame: complete: usage: pinblame complete failures|formats" "and says the usage"
pb --help
unlike_help=$(printf '%s\n' "$out" | grep -cw -e __complete -e complete)
is "$unlike_help" 0 "complete is not in the help"

# zsh: pinblame.zsh asks the bash completion, in a bash subprocess; its
# words for a few lines must be bash's (file names go to zsh's _files)
zsh_words() {
	zsh -fc 'zmodload zsh/parameter; source <(sed "\$d" "$1"); shift; _pinblame_candidates "$@"' \
		zsh "${COMPLETION%.bash}.zsh" "$@" | sort | tr '\n' ' ' | sed 's/ $//'
}
if command -v zsh > /dev/null; then
	export PINBLAME_BASH_COMPLETION=$COMPLETION
	is "$(zsh_words 2 "$PINBLAME" blame --b)" "$(complete_line blame --b)" "zsh: options, as bash"
	is "$(zsh_words 1 "$PINBLAME" re)" "$(complete_line re)" "zsh: commands, as bash"
	is "$(zsh_words 4 "$PINBLAME" -d "$db" show '')" "$ids" "zsh: failure ids"
	is "$(zsh_words 2 "$PINBLAME" import "$TMP/tr")" "FILES" "zsh: file names left to _files"
else
	for name in options commands "failure ids" "file names"; do
		_report 0 "zsh: $name # SKIP no zsh"
	done
fi

# the ids come from one read-only query: a store imported into since the
# last analysis is not analysed again (nor written) by a completion. The
# import goes into a copy of the store, which the cases above read.
later=$TMP/later.db
setup "a copy of the store, and the capture's kernel log imported into it" \
	sh -c 'cp "$1" "$2" && "$3" -d "$2" import -q "$4"' sh "$db" "$later" "$PINBLAME" \
	"$REAL/arm64-ftrace-hugetlb-cma/dmesg.txt"
before=$(cat "$later" "$later-wal" 2> /dev/null | sha256sum)
is "$(complete_line -d "$later" show '')" "$ids" "after an import: the ids of the last analysis"
is "$(cat "$later" "$later-wal" 2> /dev/null | sha256sum)" "$before" "the completion left the store as it was"

done_testing
