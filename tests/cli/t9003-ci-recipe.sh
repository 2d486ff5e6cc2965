#!/bin/bash
# t9003-ci-recipe.sh - the CI recipe of doc/ci.md, as written: its shell
# blocks marked ci-step (import, report, gate) and ci-baseline are
# extracted and run, each as a CI step (bash -e, stop at the first that
# fails), on the arm64 capture; the baseline of a good run is the capture
# itself (the gate passes) or the amd64 capture, where only do_splice held
# pages (the gate fails on __do_sys_vmsplice as new). The YAML is not run:
# each command of the steps must appear in it as written.
. "$(dirname "$0")/lib.sh"
DOC=$(cd "$(dirname "$0")/../.." && pwd)/doc/ci.md
arm=$REAL/arm64-ftrace-hugetlb-cma
amd=$REAL/amd64-ftrace-gigantic-nocma
unset PINBLAME_DB
mkdir -p "$TMP/bin"
ln -s "$PINBLAME" "$TMP/bin/pinblame"
export PATH=$TMP/bin:$PATH

# blocks TAG: the fenced ```sh TAG blocks of doc/ci.md, separated by a
# line '---'
blocks() {
	awk -v tag="$1" '$0 == "```sh " tag { on = 1; next }
		on && /^```/ { on = 0; print "---"; next } on' "$DOC"
}
steps=$(blocks ci-step)
is "$(grep -c '^---$' <<<"$steps")" 3 "doc/ci.md has three ci-step blocks: import, report, gate"
is "$(blocks ci-baseline | grep -c '^---$')" 1 "and one ci-baseline block"

# run_steps DIR: runs each ci-step block in DIR as a CI step would; the
# status of the first that fails (0 when none), its stdout in DIR/gate.out
run_steps() {
	local block= line status=0
	while IFS= read -r line; do
		if [ "$line" = --- ]; then
			(cd "$1" && bash -e -c "$block") > "$1/gate.out" 2> "$1/gate.err" || return $?
			block=
		else
			block="$block$line"$'\n'
		fi
	done <<<"$steps"
	return $status
}

# the baseline of a good run, by the ci-baseline block: good/ is the amd64
# capture (do_splice only) or the arm64 capture itself
make_baseline() {
	mkdir -p "$1/good"
	ln -s "$2/trace.txt.xz" "$2/dmesg.txt" "$1/good/"
	(cd "$1" && bash -e -c "$(blocks ci-baseline | grep -v '^---$')") > /dev/null 2>&1
}

# the capture as record leaves it: the trace, the kernel log, and the
# trace.txt.d/ folder of formats beside the trace, which import must not get
cap=$TMP/capture
mkdir -p "$cap/trace.txt.d/formats"
ln -s "$arm/trace.txt.xz" "$arm/dmesg.txt" "$cap/"
export TRACE_DIR=$cap OUT=out MAX_FAILURES=20
w=$TMP/same
mkdir -p "$w"
make_baseline "$w" "$arm"
ok $? "ci-baseline: made baseline.json from the good run"
BASELINE=baseline.json run_steps "$w"
is "$?" 0 "gate against a baseline of the same capture: every step passes"
is "$(cat "$w/gate.out")" "" "a passing gate prints nothing"
grep -q '__do_sys_vmsplice' "$w/out/pinblame-report.html" 2> /dev/null
ok $? "the HTML report is in OUT and names the first call site"
is "$(python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); print(b["schema"], b["failures"])' "$w/out/blame.json")" \
	"pinblame.blame/1 10" "blame.json in OUT, fit to be the next baseline"

w=$TMP/new
mkdir -p "$w"
make_baseline "$w" "$amd"
BASELINE=baseline.json run_steps "$w"
is "$?" 1 "gate against the amd64 baseline: the gate step exits 1"
is "$(cat "$w/gate.out")" \
	"new: __do_sys_vmsplice explains 8 failures (share 67.7%) and is not in the baseline" \
	"it names the new pinner"
grep -qxF "$(cat "$w/gate.out")" "$DOC"
ok $? "doc/ci.md shows that line as the failing gate's output"
[ -s "$w/out/pinblame-report.html" ]
ok $? "the report is kept when the gate fails"

w=$TMP/count
mkdir -p "$w"
make_baseline "$w" "$arm"
BASELINE=baseline.json MAX_FAILURES=9 run_steps "$w"
is "$?" 1 "MAX_FAILURES=9 on 10 failures: the gate fails"
is "$(cat "$w/gate.out")" "max-failures: 10 failures, more than 9" "and says why"

# the YAML runs the same commands: GitHub's run: lines and GitLab's
# script: items hold each command line of the steps, as written
yaml() {
	awk -v n="$1" '/^```yaml/ { k++; on = (k == n); next } on && /^```/ { on = 0 } on' "$DOC"
}
missing_gh= missing_gl=
while IFS= read -r line; do
	[ "$line" = --- ] || [ -z "$line" ] && continue
	yaml 1 | grep -qxF "          $line" || missing_gh="$missing_gh [$line]"
	yaml 2 | grep -qxF "    - $line" || missing_gl="$missing_gl [$line]"
done <<<"$steps"
is "$missing_gh" "" "GitHub Actions: every command of the steps, as written"
is "$missing_gl" "" "GitLab CI: every command of the steps, as written"
python3 - "$DOC" <<'EOF' 2> "$TMP/yaml.err"
import re, sys
try:
    import yaml
except ImportError:
    sys.exit(0)
blocks = re.findall(r"^```yaml\n(.*?)^```", open(sys.argv[1]).read(), re.M | re.S)
assert len(blocks) == 2
for b in blocks:
    yaml.safe_load(b)
EOF
ok $? "both YAML blocks parse (when python3-yaml is there) $(head -c 200 "$TMP/yaml.err")"

done_testing
