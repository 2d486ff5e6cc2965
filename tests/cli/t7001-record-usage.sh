#!/usr/bin/env bash
# record: help, usage errors, and the errors before anything is traced:
# not root, no tracefs, events this kernel does not have.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake-tracefs.sh"

pb record --help
is "$rc" 0 "record --help exits 0"
like "$out" '^usage: pinblame \[-d DB\] record \[-o FILE\] \[--duration S\] \[--events LIST\] \[--probe-gup\]' \
	"and shows the synopsis"
like "$out" 'PINBLAME_TRACEFS=DIR' "and the tracefs override"

pb record --duration soon
is "$rc" 2 "--duration that is not a number exits 2"
like "$err" "^pinblame: record: --duration wants a number of seconds > 0, not 'soon'" "and says so"
pb record --duration 0
is "$rc" 2 "--duration 0 exits 2"
pb record --buffer-kb -5
is "$rc" 2 "a negative --buffer-kb exits 2"
pb record --buffer-kb 12k
is "$rc" 2 "--buffer-kb with a unit exits 2"
pb record --events cma
is "$rc" 2 "an event without a system exits 2"
like "$err" "bad event 'cma': expected SYSTEM:EVENT or SYSTEM:\*" "and shows the form"
pb record --events 'cma:*/stack'
is "$rc" 2 "an unknown suffix exits 2"
pb record -o '' -- true
is "$rc" 2 "an empty -o exits 2"

PINBLAME_TRACEFS=$TMP/none pb record -- true
is "$rc" 3 "no tracefs exits 3"
is "$err" "pinblame: record: no tracefs at $TMP/none: No such file or directory" "and names it"

mkdir "$TMP/plain"
PINBLAME_TRACEFS=$TMP/plain pb record -- true
is "$rc" 3 "a directory that is not a tracefs exits 3"
is "$err" "pinblame: record: $TMP/plain is not a tracefs (it has no tracing_on)" "and says so"

make_fake_tracefs "$TMP/tracefs"
chmod 755 "$TMP"
# not root: run as nobody where we are root; the fake tree is root's
if [ "$(id -u)" = 0 ]; then
	as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
else
	as_user=""
fi
PINBLAME_TRACEFS=$TMP/tracefs run $as_user "$PINBLAME" record -o "$TMP/t.trace" -- true
is "$rc" 3 "not root exits 3"
is "$err" "pinblame: record: cannot write $TMP/tracefs/tracing_on: Permission denied: recording needs root" \
	"and says that recording needs root"
# /sys/kernel/tracing is mode 700: a user cannot even enter it
if [ -n "$as_user" ]; then
	chmod 700 "$TMP/tracefs"
	PINBLAME_TRACEFS=$TMP/tracefs run $as_user "$PINBLAME" record -o "$TMP/t.trace" -- true
	is "$rc" 3 "not root, a tracefs it cannot enter: exits 3"
	is "$err" "pinblame: record: cannot open $TMP/tracefs: Permission denied: recording needs root (sudo pinblame record ...)" \
		"and says that recording needs root, not that there is no tracefs"
	chmod 755 "$TMP/tracefs"
fi
is "$(cat "$TMP/tracefs/tracing_on")" 1 "tracing_on untouched"
ok "$([ ! -e "$TMP/t.trace" ]; echo $?)" "no trace file written"

# --events: every pattern must exist; the missing ones are named with the
# config that adds them, and nothing is changed (in a fresh fake tracefs,
# not the one the case before may have changed)
setup "a fresh fake tracefs" make_fake_tracefs "$TMP/tracefs"
PINBLAME_TRACEFS=$TMP/tracefs pb record --events 'cma:*,page_ref:*,page_pinner:page_pinner_put,migrate:mm_migrate_pages_start' \
	-o "$TMP/t.trace" -- true
is "$rc" 3 "a missing event exits 3"
is "$err" "pinblame: record: page_ref:* is not on this kernel (needs CONFIG_DEBUG_PAGE_REF=y)
pinblame: record: page_pinner:page_pinner_put is not on this kernel (needs CONFIG_PAGE_PINNER=y of the page_pinner patches, which are not in mainline, and page_pinner=on on the kernel command line; Android kernels have page_pinner in debugfs instead: import /sys/kernel/debug/page_pinner/buffer)
pinblame: record: migrate:mm_migrate_pages_start is not on this kernel" \
	"each missing event is named, with its config when its system is missing"
is "$(cat "$TMP/tracefs/events/cma/cma_alloc_start/enable")" 0 "no event enabled"
ok "$([ ! -e "$TMP/t.trace" ]; echo $?)" "no trace file written"

# --probe-gup on a kernel without kprobe events
no_kprobes() { make_fake_tracefs "$TMP/tracefs" && rm "$TMP/tracefs/kprobe_events"; }
setup "a fake tracefs without kprobe_events" no_kprobes
PINBLAME_TRACEFS=$TMP/tracefs pb record --probe-gup -o "$TMP/t.trace" -- true
is "$rc" 3 "--probe-gup without kprobe events exits 3"
like "$err" "--probe-gup needs a kernel with CONFIG_KPROBE_EVENTS=y" "and names the config"

done_testing
