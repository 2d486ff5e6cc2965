#!/usr/bin/env python3
"""baseline-import.py - the straightforward importer pinblame is measured against.

    baseline-import.py TRACE DB

Reads ftrace text line by line, matches every event line with one regular
expression, skips the header and the stack blocks ("<stack trace>" and
" => frame" lines), and inserts one row per
event (timestamp, cpu, pid, tgid, comm, event, raw body) into SQLite with
executemany in a single transaction. Prints the number of events stored.
This is the script anyone would write first; pinblame must beat it by 4x
while also storing the fields and the stacks it skips.
"""
import re
import sqlite3
import sys

EVENT = re.compile(
    r'^\s*(.*?)-(\d+)\s+(?:\(\s*([\d-]+)\)\s+)?\[(\d+)\]\s+(?:\S+\s+)?'
    r'(\d+)\.(\d+):\s+([\w:]+):\s?(.*)$')
BATCH = 50000


def rows(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            if line.startswith(('#', ' =>')) or 'stack trace>' in line:
                continue
            m = EVENT.match(line)
            if not m:
                continue
            comm, pid, tgid, cpu, sec, frac, event, body = m.groups()
            ts_ns = int(sec) * 1000000000 + int(frac.ljust(9, '0')[:9])
            tgid = int(tgid) if tgid and tgid[0] != '-' else None
            yield ts_ns, int(cpu), int(pid), tgid, comm, event, body


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: baseline-import.py TRACE DB')
    db = sqlite3.connect(sys.argv[2], isolation_level=None)
    db.execute('PRAGMA journal_mode = WAL')
    db.execute('PRAGMA synchronous = NORMAL')
    db.execute('CREATE TABLE IF NOT EXISTS event(id INTEGER PRIMARY KEY,'
               ' ts_ns INTEGER, cpu INTEGER, pid INTEGER, tgid INTEGER,'
               ' comm TEXT, event TEXT, body TEXT)')
    db.execute('BEGIN')
    insert = 'INSERT INTO event(ts_ns, cpu, pid, tgid, comm, event, body)' \
             ' VALUES (?, ?, ?, ?, ?, ?, ?)'
    batch, total = [], 0
    for row in rows(sys.argv[1]):
        batch.append(row)
        if len(batch) == BATCH:
            db.executemany(insert, batch)
            total += len(batch)
            batch = []
    db.executemany(insert, batch)
    total += len(batch)
    db.execute('COMMIT')
    db.close()
    print(total)


if __name__ == '__main__':
    main()
