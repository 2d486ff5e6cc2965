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
_broken=
_broken_fixture=

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

# hints: the 'hint:' lines of $err joined into one line of prose: the
# hints' words, wherever the width wrapped them.
hints() {
	printf '%s\n' "$err" | sed -n 's/^hint: //p' | tr '\n' ' '
}

_report() {
	_n=$((_n + 1))
	if [ -n "$_broken" ]; then
		# what the case needs was never made: no comparison against it
		echo "not ok $_n - $2"
		echo "#   not checked: setup '$_broken' failed"
		_failed=1
	elif [ "$1" = 0 ]; then
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
		[ -n "$_broken" ] ||
			printf '#   got:      %s\n#   expected: %s\n' "$1" "$2" | head -20
	fi
}

# like TEXT PATTERN NAME: passes when TEXT matches the extended regex.
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		_report 0 "$3"
	else
		_report 1 "$3"
		[ -n "$_broken" ] ||
			printf '#   got: %s\n#   not matching: %s\n' "$1" "$2" | head -20
	fi
}

# fixture NAME CMD...: a setup step the rest of the script reads; run once
# (built once per script, so a 150 MiB capture is imported once) and
# reported as the case "setup: NAME". CMD runs as run() runs it ($out,
# $err, $rc); a function may do several steps, its status is the step's.
# When it fails, every later case fails at once with "setup 'NAME'
# failed" instead of comparing against what was never made.
fixture() {
	_setup_step "$@" && return 0
	_broken_fixture=$_broken
	return 1
}

# setup NAME CMD...: as fixture, for the cases up to the next setup or
# fixture: a group of cases that sets up its own store (copy_store) or
# files. When it fails those cases fail at once, and the next group runs
# as usual.
setup() {
	_setup_step "$@"
}

_setup_step() {
	local name=$1
	shift
	_broken=$_broken_fixture
	run "$@"
	if [ -n "$_broken" ]; then
		_report 1 "setup: $name"
		return 1
	fi
	if [ "$rc" = 0 ]; then
		_report 0 "setup: $name"
		return 0
	fi
	_report 1 "setup: $name"
	printf '#   exit %s: %s\n' "$rc" "$err" | head -20
	_broken=$name
	return 1
}

# copy_store SRC DST: DST becomes a copy of the store SRC (with its -wal,
# -shm and -journal files, if any), for a case that changes a store the
# other cases read.
copy_store() {
	local ext
	[ -s "$1" ] || { echo "copy_store: no store $1" >&2; return 1; }
	rm -f "$2" "$2-wal" "$2-shm" "$2-journal"
	cp "$1" "$2" || return 1
	for ext in -wal -shm -journal; do
		if [ -e "$1$ext" ]; then
			cp "$1$ext" "$2$ext" || return 1
		fi
	done
}

# sql QUERY: the single value of a query over $PINBLAME_DB.
sql() {
	if [ -n "$_broken" ]; then
		return # no store to read: the case fails as not checked
	fi
	"$PINBLAME" query --csv "$1" | sed -n 2p
}

done_testing() {
	echo "1..$_n"
	exit $_failed
}
