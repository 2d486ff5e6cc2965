#!/usr/bin/env python3
# trim.py TRACE START_PFN END_PFN > trimmed: keeps every line of a `pinblame
# record --probe-gup` trace but the probe hits (kprobe events with a page=,
# and the <stack trace> block after each) whose page is neither in the pfns
# [START_PFN, END_PFN) (the CMA area, kept whole) nor the struct page of a
# pfn that failed isolation in the same trace (a test_pages_isolated fin_pfn
# below its end_pfn). The struct page of a pfn comes from the trace's own
# two pinblame_vmemmap lines (page = base + pfn * 64, checked on both).
import re, sys
path = sys.argv[1]
area = range(int(sys.argv[2], 16), int(sys.argv[3], 16))
probe = re.compile(r'^\s*\S.*\[\d+\] \S+\s+\d+\.\d+: (\w+): \((\w+)\+0x0/0x[0-9a-f]+\)(.*)$')
page = re.compile(r' page=0x([0-9a-f]+)')
stack = re.compile(r'^\s*\S.*\[\d+\] \S+\s+\d+\.\d+: <stack trace>$')
vmemmap = re.compile(r': pinblame_vmemmap: pfn=0x([0-9a-f]+) page=0x([0-9a-f]+)$')
isolated = re.compile(r': test_pages_isolated: start_pfn=0x[0-9a-f]+ end_pfn=0x([0-9a-f]+) fin_pfn=0x([0-9a-f]+) ')
bases, failing = set(), set()
with open(path) as f:
    for line in f:
        m = vmemmap.search(line)
        if m:
            bases.add(int(m.group(2), 16) - int(m.group(1), 16) * 64)
        m = isolated.search(line)
        if m and int(m.group(2), 16) < int(m.group(1), 16):
            failing.add(int(m.group(2), 16))
if len(bases) != 1:
    sys.exit(f"trim.py: the pinblame_vmemmap lines give {len(bases)} bases, not one")
base = bases.pop()
keep = {base + pfn * 64 for pfn in failing}
lo, hi = base + area.start * 64, base + area.stop * 64
# A hit's <stack trace> line follows it from the same task and CPU, but
# another CPU's lines may come between the two: the stack of a dropped hit is
# the next <stack trace> of its task and CPU, unless an event of theirs
# comes first.
context = re.compile(r'^\s*\S.*-(\d+)\s+\(.*\) \[(\d+)\] ')
pending = set()
drop = False
kept = dropped = 0
with open(path) as f:
    for line in f:
        if line.startswith(' =>'):
            if not drop:
                sys.stdout.write(line)
            continue
        c = context.match(line)
        key = c.groups() if c else None
        m = probe.match(line)
        if stack.match(line):
            drop = key in pending
            pending.discard(key)
        elif m:
            p = page.search(m.group(3))
            drop = bool(p) and int(p.group(1), 16) not in keep and \
                not lo <= int(p.group(1), 16) < hi
            dropped += drop
            kept += not drop
            pending.discard(key)
            if drop:
                pending.add(key)
        else:
            drop = False
            pending.discard(key)
        if not drop:
            sys.stdout.write(line)
print(f"vmemmap base 0x{base:x}, {len(failing)} failing pfns; probe hits kept {kept}, dropped {dropped}",
      file=sys.stderr)
