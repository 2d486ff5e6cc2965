#!/usr/bin/env bash
# A kprobe's, kretprobe's or uprobe's event prints "(LOCATION) name=value
# ..." (kernel/trace/trace_kprobe.c print_kprobe_event(): "(", the probed
# address as %pS with its offset, ")", then " %s=" and the value of each
# argument; a kretprobe "(%pS <- %pS)"; trace_uprobe.c "(0x%lx)"). The
# location is the field __probe (lib/parse/body.c), so such a body is not
# stored (schema 7): the events view writes it from the fields, byte for
# byte. A body the fields do not spell out (two blanks) is kept. Expected
# bodies are cut from the input with sed.
. "$(dirname "$0")/lib.sh"

cat >"$TMP/probes.txt" <<'TRACE'
# tracer: nop
#
#           TASK-PID     CPU#  ||||   TIMESTAMP  FUNCTION
#              | |         |   ||||      |         |
       holdpages-324     [001] d....    36.608185: try_grab_folio: (try_grab_folio+0x0/0x1d0) page=0xfffffc00040ece40 refs=1 flags=0x4
       holdpages-324     [001] d....    36.608190: splice_probe: (generic_file_splice_read+0x0/0x1a0) file=0xffff000012345678 pos=8192 len=4096
       holdpages-324     [001] d....    36.608200: open_ret: (do_sys_openat2+0x120/0x1d0 <- __arm64_sys_openat) ret=3
       holdpages-324     [001] d....    36.608210: malloc_probe: (0x55d0c0a01234) size=4096
       holdpages-324     [001] d....    36.608220: bare_probe: (vfs_read+0x0/0x1c0)
       holdpages-324     [001] d....    36.608230: spaced_probe: (vfs_write+0x0/0x1c0)  count=1
TRACE
n=$(grep -c ': (' "$TMP/probes.txt")

pb import -q "$TMP/probes.txt"
is "$rc" 0 "the probes import"
is "$(sqlite3 "$PINBLAME_DB" 'SELECT count(*) || " " || count(body) FROM event')" "$n 1" \
	"of $n probe events only the one its fields do not spell out keeps its body"
is "$(sqlite3 "$PINBLAME_DB" 'SELECT body FROM events ORDER BY id')" \
	"$(sed -n 's/^.*[0-9]: [a-z_]*: //p' "$TMP/probes.txt")" \
	"the events view gives every body as the trace printed it"
is "$(sqlite3 "$PINBLAME_DB" "SELECT value FROM event_fields WHERE name = '__probe' ORDER BY event_id" |
	paste -sd'|')" \
	"$(sed -n 's/^.*[0-9]: [a-z_]*: (\([^)]*\)).*/\1/p' "$TMP/probes.txt" | paste -sd'|')" \
	"each location is the field __probe"
is "$(sqlite3 "$PINBLAME_DB" "SELECT value FROM event_fields WHERE name = 'pos'")" \
	"$(sed -n 's/.* pos=\([0-9]*\) .*/\1/p' "$TMP/probes.txt")" "and the arguments are fields as before"

done_testing
