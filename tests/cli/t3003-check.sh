#!/usr/bin/env bash
# check: the CI gate's exit codes for pass, breach, a new call site
# against a baseline, and usage errors, on the arm64 capture (10 failures;
# __do_sys_vmsplice explains 8 of them with a share of 67.7% of the
# attributed pages, do_splice 4 with 32.3%).
. "$(dirname "$0")/lib.sh"
arm=$REAL/arm64-ftrace-hugetlb-cma
fixture "the arm64 capture imports" "$PINBLAME" import "$arm/trace.txt.xz" "$arm/dmesg.txt"

pb check --max-failures 10
is "$rc" 0 "10 failures, at most 10 allowed: pass"
is "$out" "" "nothing printed on a pass"
pb check --max-failures 9
is "$rc" 1 "at most 9 allowed: breach"
is "$out" "max-failures: 10 failures, more than 9" "one line for the breach"
pb check
is "$rc" 1 "no rule: any failure is a breach"
is "$out" "max-failures: 10 failures, more than 0" "as --max-failures 0"

pb check --deny '*vmsplice*' --deny 'io_*'
is "$rc" 1 "a denied call site: breach"
is "$out" "deny: __do_sys_vmsplice explains 8 failures (denied by '*vmsplice*')" "names the call site and the rule"
pb check --deny 'io_*'
is "$rc" 0 "no call site matches the denied glob: pass"
pb check --max-share '__do_sys_vmsplice=50%' --max-share 'do_*=0.5' --max-failures 20
is "$rc" 1 "more than half the pages: breach"
is "$out" "max-share: __do_sys_vmsplice has a share of 67.7%, more than 50.0%" "only the call site over its limit"
pb check --max-share '*=0.7'
is "$rc" 0 "every call site under 70%: pass"

pb check --baseline "$PINBLAME_DB"
is "$rc" 0 "a store as the baseline: pass against itself"

pb check --json --deny '*vmsplice*'
is "$rc" 1 "--json keeps the exit code"
python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["schema"] == "pinblame.check/1" and r["pass"] is False
assert r["failures"] == 10 and r["callsites"] == 2
assert [(b["rule"], b["callsite"]) for b in r["breaches"]] == [("deny", "__do_sys_vmsplice")]
' <<<"$out"
ok $? "--json: schema, pass false, the breach"
pb check --json --max-failures 100
like "$out" '"pass":true' "--json on a pass"

for bad in "--max-failures -3" "--max-failures x" "--max-share vmsplice" "--max-share a=2" \
	"--tolerance lots" "--since x" "--frobnicate" "extra"; do
	pb check $bad
	is "$rc" 2 "check $bad: usage error"
done
echo '{"schema":"pinblame.failures/1"}' > "$TMP/wrong.json"
pb check --baseline "$TMP/wrong.json"
is "$rc" 3 "a baseline that is not a blame output: exit 3"
pb check --baseline "$TMP/missing.json"
is "$rc" 3 "a missing baseline: exit 3"
is "$err" "pinblame: check: --baseline $TMP/missing.json: unable to open $TMP/missing.json: No such file or directory" \
	"and says why, with no line number"
pb check --tolerance 0.01
is "$rc" 2 "--tolerance without --baseline: usage error"
like "$err" "--tolerance applies to --baseline" "and says so"
pb -d "$TMP/none.db" check
is "$rc" 3 "missing store: no traces imported, exit 3"
pb check --noise "$TMP/no-such-noise"
is "$rc" 3 "an unreadable --noise file: exit 3, as for blame"
like "$err" "no-such-noise: No such file or directory" "and says why"
pb check --help
is "$rc" 0 "--help exits 0"

# Baselines: the blame object of an earlier run, edited as if vmsplice had
# not been there (a new pinner) or had held less (it grew).
baselines() {
	"$PINBLAME" report --format json | python3 -c '
import json, sys, copy
b = json.load(sys.stdin)["blame"]
json.dump(b, open(sys.argv[1] + "/same.json", "w"))
new = copy.deepcopy(b)
new["callsites"] = [c for c in b["callsites"] if c["callsite"] != "__do_sys_vmsplice"]
json.dump(new, open(sys.argv[1] + "/without.json", "w"))
for c in b["callsites"]:
    if c["callsite"] == "__do_sys_vmsplice":
        c["share"] = 0.6
json.dump(b, open(sys.argv[1] + "/less.json", "w"))
' "$TMP"
}
setup "baselines from the report's blame object" baselines
pb check --baseline "$TMP/same.json"
is "$rc" 0 "same call sites as the baseline: pass"
pb check --baseline "$TMP/without.json"
is "$rc" 1 "a call site missing from the baseline: breach"
is "$out" "new: __do_sys_vmsplice explains 8 failures (share 67.7%) and is not in the baseline" "reported as new"
pb check --baseline "$TMP/less.json"
is "$rc" 1 "share grew from 60% to 67.7%: breach"
is "$out" "grew: __do_sys_vmsplice has a share of 67.7%, 60.0% in the baseline (tolerance 5.0 points)" "reported as grown"
pb check --baseline "$TMP/less.json" --tolerance 0.1
is "$rc" 0 "within a 10-point tolerance: pass"

# A store of another machine as the baseline.
amd=$TMP/amd64.db
setup "the amd64 capture imports" "$PINBLAME" -d "$amd" import "$REAL/amd64-ftrace-gigantic-nocma/trace.txt.xz" \
	"$REAL/amd64-ftrace-gigantic-nocma/dmesg.txt"
pb check --baseline "$amd"
is "$rc" 1 "against the amd64 store, where only do_splice holds pages"
like "$out" "^new: __do_sys_vmsplice" "vmsplice is new there"

# --max-final counts only the failures the task did not recover from: on
# the arm64 capture 2 of the 10 (failures' OUTCOME column, counted by awk).
final=$("$PINBLAME" failures | awk '$1 ~ /^[0-9]+$/ && / final /' | wc -l)
is "$final" 2 "failures lists 2 final failures"
pb check --max-final 2
is "$rc" 0 "2 final failures, at most 2 allowed: pass, whatever the 8 recovered"
pb check --max-final 1
is "$rc" 1 "at most 1 final failure allowed: breach"
is "$out" "max-final: 2 final failures, more than 1" "one line, final counted apart"
pb failures --outcome final
is "$(printf '%s\n' "$out" | awk '$1 ~ /^[0-9]+$/ && $2 ~ /^[0-9.]+$/' | wc -l)" 2 "failures --outcome final lists those 2"
is "$(printf '%s\n' "$out" | tail -1)" "2 failures: 2 final, 0 recovered" "and counts them"
pb failures --outcome recovered --json
is "$(printf '%s' "$out" | grep -o '"outcome":"[a-z]*"' | sort | uniq -c | tr -s ' ')" ' 8 "outcome":"recovered"' \
	"--outcome recovered --json: the 8 recovered, no other"
pb failures --outcome ok
is "$rc" 2 "another outcome is a usage error"

# A module's function, named as blame prints it ("fn [module]"): matched
# by that whole name (whose brackets a glob would read as a set), by a
# glob on it, or by the function alone; the sample's nvidia pin explains
# its one failure, the breach line names it as blame does.
mod=$TMP/module.db
setup "a trace with a module's pinner imports" "$PINBLAME" -d "$mod" import -q "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"
is "$("$PINBLAME" -d "$mod" blame | grep -c '^ *[0-9]  os_lock_user_pages \[nvidia\]')" 1 "blame names it 'os_lock_user_pages [nvidia]'"
# '*[nvidia]', written after blame's output, is also read with its
# brackets as text: as a set alone it matches no name ending in ']'.
for glob in 'os_lock_user_pages [nvidia]' '*nvidia*' 'os_lock_user_pages' '*\[nvidia\]' \
	'*[nvidia]'; do
	pb -d "$mod" check --deny "$glob"
	is "$rc" 1 "--deny '$glob' matches it"
	is "$out" "deny: os_lock_user_pages [nvidia] explains 1 failure (denied by '$glob')" \
		"the breach names it as blame does, one failure in the singular"
done
pb -d "$mod" check --deny '*[nvidia_uvm]'
is "$rc" 0 "another module's name with its brackets as text does not match"
pb -d "$mod" check --deny '*\[nvidia_uvm\]' --max-share 'os_lock_user_pages [nvidia]=0.6'
is "$rc" 0 "another module's name does not match; a share under its limit passes"
pb -d "$mod" check --max-share 'os_lock_user_pages [nvidia]=0.4'
is "$out" "max-share: os_lock_user_pages [nvidia] has a share of 50.0%, more than 40.0%" \
	"--max-share takes the printed name too"
done_testing
