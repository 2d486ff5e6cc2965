#!/usr/bin/env python3
# trim.py START_PAGE END_PAGE < trace.txt > trimmed: keeps every line but the
# probe hits (pinblame:* kprobe events, with the <stack trace> block after
# each) whose page= lies outside [START_PAGE, END_PAGE).
import re, sys
lo, hi = int(sys.argv[1], 16), int(sys.argv[2], 16)
probe = re.compile(r'^\s*\S.*\[\d+\] \S+\s+\d+\.\d+: (\w+): \((\w+)\+0x0/0x[0-9a-f]+\)(.*)$')
page = re.compile(r' page=0x([0-9a-f]+)')
stack = re.compile(r'^\s*\S.*\[\d+\] \S+\s+\d+\.\d+: <stack trace>$')
drop = False
kept = dropped = 0
for line in sys.stdin:
    m = probe.match(line)
    if m:
        p = page.search(m.group(3))
        drop = bool(p) and not (lo <= int(p.group(1), 16) < hi)
        dropped += drop
        kept += not drop
    elif not (line.startswith(' =>') or stack.match(line)):
        drop = False
    if not drop:
        sys.stdout.write(line)
print(f"probe hits kept {kept}, dropped {dropped}", file=sys.stderr)
