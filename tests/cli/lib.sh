# lib.sh - TAP helpers for the CLI tests (tests/cli/tNNNN-topic.sh).
# Sourced by each test; `make cli` runs them all with prove and sets
# PINBLAME (the binary) and PB_TESTDATA (testdata/).
set -u
: "${PINBLAME:?set PINBLAME to the pinblame binary}"
: "${PB_TESTDATA:?set PB_TESTDATA to testdata/}"
REAL=$PB_TESTDATA/real
SAMPLES=$PB_TESTDATA/samples
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pinblame-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export PINBLAME_DB=$TMP/pinblame.db
_n=0
_failed=0

# run CMD...: runs it, keeping stdout in $out, stderr in $err, status in $rc.
run() {
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	out=$(cat "$TMP/out")
	err=$(cat "$TMP/err")
}

# pb ARGS...: run pinblame.
pb() {
	run "$PINBLAME" "$@"
}

_report() {
	_n=$((_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $_n - $2"
	else
		echo "not ok $_n - $2"
		_failed=1
	fi
}

# ok STATUS NAME: passes when STATUS is 0.
ok() {
	_report "$1" "$2"
}

# is GOT EXPECTED NAME
is() {
	if [ "$1" = "$2" ]; then
		_report 0 "$3"
	else
		_report 1 "$3"
		printf '#   got:      %s\n#   expected: %s\n' "$1" "$2" | head -20
	fi
}

# like TEXT PATTERN NAME: passes when TEXT matches the extended regex.
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		_report 0 "$3"
	else
		_report 1 "$3"
		printf '#   got: %s\n#   not matching: %s\n' "$1" "$2" | head -20
	fi
}

# sql QUERY: the single value of a query over $PINBLAME_DB.
sql() {
	"$PINBLAME" query --csv "$1" | sed -n 2p
}

done_testing() {
	echo "1..$_n"
	exit $_failed
}
