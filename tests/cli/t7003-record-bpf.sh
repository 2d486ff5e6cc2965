#!/usr/bin/env bash
# record --bpf: option errors, the refusals before anything is loaded (no
# BTF, kprobes forced where there are none, no GUP function, kallsyms
# without addresses), each exit 3 with the reason and the fallback; and on
# this machine the branch its kernel and build call for, checked here from
# the same facts.
. "$(dirname "$0")/lib.sh"

fallback="the fallback is 'pinblame record --probe-gup' (kprobe_events), or 'pinblame record' for the tracepoints alone"

pb record --help
like "$out" '^ +record --bpf \[--bpf-pages N\]' "--help shows the --bpf synopsis"
like "$out" '--bpf-pages N +pages --bpf keeps at most \(default 65536' "and --bpf-pages"

pb record --bpf --bpf-pages 63 -- true
is "$rc" 2 "--bpf-pages below 64 exits 2"
is "$err" "pinblame: record: --bpf-pages wants a number from 64 to 16777216, not '63'
see 'pinblame record --help'" "and says so, and where to look"
pb record --bpf --bpf-pages 1k -- true
is "$rc" 2 "--bpf-pages with a unit exits 2"

# --bpf-pfns: pfn ranges START-END, END not included, at most 8
pb record --help
like "$out" '--bpf-pfns RANGES +pfns whose pages --bpf watches: START-END\[,START-END\.\.\.\],' \
	"--help shows --bpf-pfns"
pb record --bpf --bpf-pfns 0x100000 -- true
is "$rc" 2 "--bpf-pfns without an END exits 2"
is "$err" "pinblame: record: --bpf-pfns wants START-END[,START-END...] (pfns, 0x for hex; END not included), 'cma' or 'all', not '0x100000'
see 'pinblame record --help'" "and says what it wants"
pb record --bpf --bpf-pfns 0x100000-0x140000,ff-100 -- true
is "$rc" 2 "--bpf-pfns with hex without 0x exits 2"
like "$err" "not '0x100000-0x140000,ff-100'" "and quotes the whole value"
pb record --bpf --bpf-pfns 0x100000-0x140000,0x200-0x200 -- true
is "$rc" 2 "--bpf-pfns with an empty range exits 2"
is "$err" "pinblame: record: --bpf-pfns: the range '0x200-0x200' is empty (END, not included, must be above START)
see 'pinblame record --help'" "and names the range"
pb record --bpf --bpf-pfns 1-2,3-4,5-6,7-8,9-10,11-12,13-14,15-16,17-18 -- true
is "$rc" 2 "nine --bpf-pfns ranges exit 2"
like "$err" "^pinblame: record: --bpf-pfns takes at most 8 ranges" "and give the limit"
pb record --bpf --bpf-pfns cmaa -- true
is "$rc" 2 "--bpf-pfns with a word other than cma or all exits 2"
for w in cma all; do
	pb record --bpf --bpf-pfns $w -- true
	printf '%s\n' "$err" | grep -q -- '--bpf-pfns'
	ok $((!$?)) "--bpf-pfns $w is taken (the run then stops at BPF itself, exit $rc)"
done

# A sysfs without BTF
mkdir -p "$TMP/sys-nobtf/bus/event_source/devices/kprobe"
PINBLAME_SYSFS=$TMP/sys-nobtf pb record --bpf -o "$TMP/t.trace" -- true
is "$rc" 3 "no BTF exits 3"
is "$err" "pinblame: record: --bpf: this kernel has no BTF (no /sys/kernel/btf/vmlinux: it needs CONFIG_DEBUG_INFO_BTF=y); $fallback" \
	"and says why, with the fallback"
ok "$([ ! -e "$TMP/t.trace" ]; echo $?)" "no trace file is left"

# BTF but neither a kprobe PMU nor kprobe_events, kprobes forced (without
# PINBLAME_BPF_ATTACH=kprobe fentry would be tried: the last branch below)
mkdir -p "$TMP/sys-nokp/kernel/btf" "$TMP/tracefs-nokp"
: > "$TMP/sys-nokp/kernel/btf/vmlinux"
PINBLAME_BPF_ATTACH=kprobe PINBLAME_SYSFS=$TMP/sys-nokp PINBLAME_TRACEFS=$TMP/tracefs-nokp \
	pb record --bpf -o "$TMP/t.trace" -- true
is "$rc" 3 "kprobes forced without kprobes exits 3"
is "$err" "pinblame: record: --bpf: kprobes are not available on this kernel (no kprobe PMU in /sys/bus/event_source/devices and no kprobe_events in tracefs: CONFIG_KPROBE_EVENTS is off); $fallback" \
	"and says why"

PINBLAME_BPF_ATTACH=trampoline PINBLAME_SYSFS=$TMP/sys-nokp pb record --bpf -o "$TMP/t.trace" -- true
is "$rc" 3 "an unknown PINBLAME_BPF_ATTACH exits 3"
is "$err" "pinblame: record: --bpf: PINBLAME_BPF_ATTACH is auto, fentry or kprobe, not 'trampoline'" \
	"and names the values it takes"
PINBLAME_BPF_GUP=each PINBLAME_SYSFS=$TMP/sys-nokp pb record --bpf -o "$TMP/t.trace" -- true
is "$rc" 3 "an unknown PINBLAME_BPF_GUP exits 3"
is "$err" "pinblame: record: --bpf: PINBLAME_BPF_GUP is auto, call or page, not 'each'" \
	"and names the values it takes"
PINBLAME_BPF_PUTS=never PINBLAME_SYSFS=$TMP/sys-nokp pb record --bpf -o "$TMP/t.trace" -- true
is "$rc" 3 "an unknown PINBLAME_BPF_PUTS exits 3"
is "$err" "pinblame: record: --bpf: PINBLAME_BPF_PUTS is failure or always, not 'never'" \
	"and names the values it takes"

# kprobes, but kallsyms without any GUP grab (a .constprop copy is not one)
mkdir -p "$TMP/sys/kernel/btf" "$TMP/sys/bus/event_source/devices/kprobe" "$TMP/proc"
: > "$TMP/sys/kernel/btf/vmlinux"
printf 'ffffffff81000000 T _stext\nffffffff81100000 t try_grab_folio.constprop.0\nffffffff81200000 T gup_put_folio\n' \
	> "$TMP/proc/kallsyms"
PINBLAME_SYSFS=$TMP/sys PINBLAME_PROC=$TMP/proc pb record --bpf -o "$TMP/t.trace" -- true
is "$rc" 3 "no GUP function exits 3"
is "$err" "pinblame: record: --bpf: this kernel has none of try_grab_folio_fast, try_grab_folio, try_grab_compound_head, try_grab_page in kallsyms; $fallback" \
	"and names the functions looked for"

# kallsyms as a user without CAP_SYSLOG reads it
printf '0000000000000000 T try_grab_folio\n' > "$TMP/proc/kallsyms"
PINBLAME_SYSFS=$TMP/sys PINBLAME_PROC=$TMP/proc pb record --bpf -o "$TMP/t.trace" -- true
is "$rc" 3 "kallsyms without addresses exits 3"
is "$err" "pinblame: record: --bpf: kallsyms shows no addresses: recording needs root; $fallback" \
	"and says that it needs root"

# This machine, as it is: the first condition that fails decides. The
# kprobes are needed only when fentry is refused (this build machine's 6.18
# refuses both).
pb record --bpf -o "$TMP/host.trace" -- true
if [ ! -r /sys/kernel/btf/vmlinux ]; then
	is "$rc" 3 "here: no BTF, exits 3"
	like "$err" "has no BTF" "and says so"
elif [ "$(id -u)" != 0 ]; then
	is "$rc" 3 "here: not root, exits 3"
	like "$err" "needs root" "and says so"
elif ! grep -Eq ' (try_grab_folio_fast|try_grab_folio|try_grab_compound_head|try_grab_page)$' /proc/kallsyms; then
	is "$rc" 3 "here: no GUP function, exits 3"
	like "$err" "this kernel has none of" "and says so"
elif [ "$rc" = 0 ]; then
	# a kernel that can run it: the trace says how it was attached
	is "$(sed -n 's/^# pinblame-record: source=//p' "$TMP/host.trace")" bpf "here: the trace says it is from BPF"
	like "$(sed -n 's/^# pinblame-record: bpf_attach=//p' "$TMP/host.trace")" '^(fentry|kprobe)$' \
		"and whether fentry or kprobes ran"
	like "$err" 'BPF saw 0 failure events, wrote 0 page records' "and 'true' made no failure"
else
	# this build has no BPF, or the kernel refused the programs
	is "$rc" 3 "here: BPF refused or left out of the build, exits 3"
	like "$err" "record --probe-gup" "and names the fallback"
	if [ ! -e /sys/bus/event_source/devices/kprobe ] && [ ! -e /sys/kernel/tracing/kprobe_events ] &&
		! [[ "$err" == *"built without BPF"* ]]; then
		like "$err" "refused the fentry programs: .*, and kprobes are not available on this kernel" \
			"fentry refused and no kprobes: says both"
	fi
fi

done_testing
