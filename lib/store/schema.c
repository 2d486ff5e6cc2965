/* schema.c - the store's tables and public views (doc/DESIGN.md, "The store").
 *
 * Tables are internal and may change between schema versions; the views
 * at the end are the documented contract for `query` and scripts. */
#include "store_int.h"

/* The sources view, created by the schema and again by the upgrade that
 * added a column to it. */
#define SOURCES_VIEW \
	"CREATE VIEW sources AS SELECT id, path, sha256, format, kernel, arch,\n" \
	"  events, bad_lines, imported_at, boot, clock, page_size, page_size_from\n" \
	"  FROM source;\n"

/* The events view: an event's body is stored only when its fields do not
 * spell it out again ("k=v k=v", or a probe's "(location) k=v k=v",
 * whose location is the field __probe: version 7). */
#define EVENTS_VIEW \
	"CREATE VIEW events AS SELECT e.id, e.source_id, e.line, e.ts_ns, e.cpu,\n" \
	"  e.pid, e.tgid, c.text AS comm, n.text AS event, e.stack_id,\n" \
	"  COALESCE(e.body, (SELECT group_concat(kv, ' ') FROM\n" \
	"    (SELECT CASE WHEN k.value = '__probe' THEN '(' || v.value || ')'\n" \
	"      ELSE k.value || '=' || v.value END AS kv FROM keyset ks,\n" \
	"     json_each(ks.keys) k, json_each(e.vals) v WHERE ks.id = e.keyset_id\n" \
	"     AND v.key = k.key ORDER BY k.key))) AS body\n" \
	"  FROM event e JOIN name n ON n.id = e.name_id\n" \
	"  LEFT JOIN name c ON c.id = e.comm_id;\n"

/* Derived (refreshed with the failures): per source, the vmemmap fit that
 * turns a struct page pointer into a pfn (known 0 when its points fit no
 * line; source 0 is the fit of every source's points), whether the
 * source printed its pointers hashed, and the page size the file-offset
 * join took for its probes with how it chose it. */
#define PROBE_MAP_TABLE(kind) \
	"CREATE " kind "TABLE probe_map(source_id INTEGER PRIMARY KEY,\n" \
	"  known INTEGER NOT NULL DEFAULT 0, base INTEGER, stride INTEGER,\n" \
	"  hashed INTEGER NOT NULL DEFAULT 0, file_page_size INTEGER,\n" \
	"  file_page_size_from TEXT);\n"

/* The event table's index by name (event_index.c writes it while
 * importing): a row per name per block of events, the ids a JSON array. */
#define EVENT_INDEX_TABLE \
	"CREATE TABLE event_index(source_id INTEGER NOT NULL,\n" \
	"  name_id INTEGER NOT NULL, first_id INTEGER NOT NULL, n INTEGER NOT NULL,\n" \
	"  ids TEXT NOT NULL, PRIMARY KEY(name_id, first_id)) WITHOUT ROWID;\n"
/* Event ids by event name, through the index: for SQL that looks events up
 * by name in a large store. */
#define EVENT_IDS_VIEW(kind) \
	"CREATE " kind "VIEW event_ids AS SELECT n.text AS event, x.source_id,\n" \
	"  j.value AS id FROM event_index x JOIN name n ON n.id = x.name_id,\n" \
	"  json_each(x.ids) j;\n"

/* Version 7. pb_schema_upgrade_sql takes older stores there, step by step. */
const char pb_schema_sql[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;\n"
	/* One row per imported file; sha256 (of the content, decompressed)
	 * makes re-import a no-op, raw_sha256 (of the file as it is on disk)
	 * lets the same file be refused before it is parsed (no index: a
	 * store holds few sources). clock:
	 * NULL when ts_ns is the kernel's trace or printk clock (ns since boot,
	 * or the local clock), else "counter" (raw counts of a clock not in
	 * ns), "realtime" (ns since the epoch, from a log that prints dates),
	 * "relative" (ns since the file's first line) or "delta" (perf script
	 * --deltatime: ns since the sample before): times on different clocks
	 * are never compared. page_size: the traced kernel's PAGE_SIZE, NULL
	 * when unknown; page_size_from: what said it (header: the capture's
	 * own header, release: the kernel release's flavour, arch: an
	 * architecture with one page size). */
	"CREATE TABLE source(\n"
	"  id INTEGER PRIMARY KEY, path TEXT NOT NULL, sha256 TEXT NOT NULL UNIQUE,\n"
	"  format TEXT NOT NULL, kernel TEXT, arch TEXT,\n"
	"  events INTEGER NOT NULL DEFAULT 0, bad_lines INTEGER NOT NULL DEFAULT 0,\n"
	"  lines INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0,\n"
	"  seconds REAL, first_ts_ns INTEGER, last_ts_ns INTEGER,\n"
	"  lost_events INTEGER NOT NULL DEFAULT 0, unpaired INTEGER NOT NULL DEFAULT 0,\n"
	"  boot INTEGER, imported_at TEXT NOT NULL, clock TEXT, raw_sha256 TEXT,\n"
	"  page_size INTEGER, page_size_from TEXT);\n"
	/* Lines not understood, by reason, with the first one as an example. */
	"CREATE TABLE bad_line(source_id INTEGER NOT NULL, reason TEXT NOT NULL,\n"
	"  count INTEGER NOT NULL, first_line INTEGER NOT NULL, example TEXT,\n"
	"  PRIMARY KEY(source_id, reason)) WITHOUT ROWID;\n"
	/* Interned comms and event names. */
	"CREATE TABLE name(id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);\n"
	/* An event's fields: keyset_id names the interned list of its field
	 * names (most events of one kind share it), vals is the JSON array of
	 * the values in that order; body is the raw text, kept only when the
	 * fields do not spell it out again. */
	"CREATE TABLE keyset(id INTEGER PRIMARY KEY, keys TEXT NOT NULL UNIQUE);\n"
	"CREATE TABLE event(id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL,\n"
	"  line INTEGER NOT NULL, ts_ns INTEGER, cpu INTEGER, pid INTEGER,\n"
	"  tgid INTEGER, comm_id INTEGER, name_id INTEGER NOT NULL,\n"
	"  stack_id INTEGER, ustack_id INTEGER, keyset_id INTEGER, vals TEXT,\n"
	"  body TEXT);\n"
	EVENT_INDEX_TABLE
	"CREATE TABLE symbol(id INTEGER PRIMARY KEY, name TEXT NOT NULL,\n"
	"  module TEXT NOT NULL DEFAULT '', UNIQUE(name, module));\n"
	/* Stacks are interned by a 64-bit hash of their frames. */
	"CREATE TABLE stack(id INTEGER PRIMARY KEY, hash INTEGER NOT NULL UNIQUE,\n"
	"  depth INTEGER NOT NULL, user INTEGER NOT NULL, folded TEXT NOT NULL,\n"
	"  leaf TEXT);\n"
	"CREATE TABLE frame(stack_id INTEGER NOT NULL, depth INTEGER NOT NULL,\n"
	"  symbol_id INTEGER NOT NULL, offset INTEGER,\n"
	"  PRIMARY KEY(stack_id, depth)) WITHOUT ROWID;\n"
	/* Typed tables, filled while importing. */
	"CREATE TABLE cma_alloc(id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL,\n"
	"  area TEXT, pid INTEGER, comm TEXT, start_ts_ns INTEGER, end_ts_ns INTEGER,\n"
	"  pfn INTEGER, count INTEGER, align INTEGER, ok INTEGER, errorno INTEGER,\n"
	"  busy_retries INTEGER NOT NULL DEFAULT 0, stack_id INTEGER,\n"
	"  start_event_id INTEGER, end_event_id INTEGER);\n"
	/* kind: cma_busy_retry, isolation (test_pages_isolated ret=fail),
	 * kmsg (alloc_contig_range PFNs busy). stack_id, comm_id: its event's
	 * (0 when it has none; NULL in rows from before version 4: read them
	 * from the event). */
	"CREATE TABLE busy_range(id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL,\n"
	"  ts_ns INTEGER, pid INTEGER, start_pfn INTEGER, end_pfn INTEGER,\n"
	"  busy_pfn INTEGER, kind TEXT NOT NULL, cma_alloc_id INTEGER,\n"
	"  event_id INTEGER, stack_id INTEGER, comm_id INTEGER);\n"
	"CREATE TABLE migration(id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL,\n"
	"  ts_ns INTEGER, pid INTEGER, comm TEXT, reason TEXT, mode TEXT,\n"
	"  succeeded INTEGER, failed INTEGER, stack_id INTEGER, event_id INTEGER,\n"
	"  cma_alloc_id INTEGER);\n"
	/* Evidence that ties a pfn to a holder. kind: page_ref_get, page_ref_put,
	 * page_ref (other page_ref_*), pinner_failure, pinner_put, dump,
	 * ack_put, ack_failure, ack_free, page_owner, last_pin (a dump's
	 * page_pinner stack), probe (from analysis). */
	"CREATE TABLE evidence(id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL,\n"
	"  ts_ns INTEGER, pfn INTEGER NOT NULL, kind TEXT NOT NULL, count INTEGER,\n"
	"  mapcount INTEGER, flags TEXT, mapping TEXT, mt INTEGER, pid INTEGER,\n"
	"  comm TEXT, stack_id INTEGER, confidence TEXT, event_id INTEGER,\n"
	"  delta INTEGER);\n"
	"CREATE INDEX evidence_by_pfn ON evidence(pfn);\n"
	/* --- derived by lib/analyze (refreshed when the store is dirty) --- */
	/* kind: cma_alloc, alloc_contig, migrate, busy_range, page_pinner;
	 * pages: the request size of an allocation, else the failed pages;
	 * ts_ns: when it failed; start_ts_ns..end_ts_ns: its time window. */
	"CREATE TABLE failure(id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL,\n"
	"  ts_ns INTEGER, kind TEXT NOT NULL, area TEXT, reason TEXT,\n"
	"  start_pfn INTEGER, end_pfn INTEGER, pages INTEGER, pid INTEGER,\n"
	"  comm TEXT, outcome TEXT, nowarn INTEGER,\n"
	"  cma_alloc_id INTEGER, event_id INTEGER, end_ts_ns INTEGER,\n"
	"  stack_id INTEGER, busy_ranges INTEGER NOT NULL DEFAULT 0,\n"
	"  failed_migrations INTEGER NOT NULL DEFAULT 0, errorno INTEGER,\n"
	"  start_ts_ns INTEGER);\n"
	/* A busy page of a failure; how: isolation (fin_pfn), dump, migrate_failed,
	 * pinner_failure. event_id: the first event that named it. */
	"CREATE TABLE failure_pfn(failure_id INTEGER NOT NULL, pfn INTEGER NOT NULL,\n"
	"  busy_range_id INTEGER, ts_ns INTEGER, event_id INTEGER, how TEXT,\n"
	"  PRIMARY KEY(failure_id, pfn)) WITHOUT ROWID;\n"
	/* Every holder candidate of a busy page. rank 1 is the one blamed;
	 * noise: NULL for a holder, 'listed' (a common path of the noise list),
	 * 'frequent' (on nearly every failed page); side: get or put. */
	"CREATE TABLE attribution(failure_id INTEGER NOT NULL, pfn INTEGER NOT NULL,\n"
	"  callsite TEXT NOT NULL, module TEXT, stack_id INTEGER,\n"
	"  evidence_id INTEGER, confidence TEXT NOT NULL, rank INTEGER,\n"
	"  kind TEXT, side TEXT, noise TEXT, ts_ns INTEGER, pid INTEGER, comm TEXT);\n"
	"CREATE INDEX attribution_by_failure ON attribution(failure_id);\n"
	PROBE_MAP_TABLE("")
	/* The analysis reads the few failed migrations among millions. */
	"CREATE INDEX migration_failed ON migration(failed) WHERE failed > 0;\n"
	/* --- public views (the stable contract) --- */
	SOURCES_VIEW
	EVENTS_VIEW
	"CREATE VIEW event_fields AS SELECT e.id AS event_id, k.value AS name,\n"
	"  v.value AS value FROM event e JOIN keyset ks ON ks.id = e.keyset_id,\n"
	"  json_each(ks.keys) k, json_each(e.vals) v WHERE v.key = k.key;\n"
	EVENT_IDS_VIEW("")
	"CREATE VIEW cma_allocs AS SELECT id, source_id, area, pid, comm,\n"
	"  start_ts_ns, end_ts_ns, pfn, count, align, ok, errorno, busy_retries,\n"
	"  stack_id FROM cma_alloc;\n"
	"CREATE VIEW busy_ranges AS SELECT id, source_id, ts_ns, start_pfn, end_pfn,\n"
	"  busy_pfn, kind, cma_alloc_id FROM busy_range;\n"
	"CREATE VIEW migrations AS SELECT id, source_id, ts_ns, reason, mode,\n"
	"  succeeded, failed, stack_id FROM migration;\n"
	"CREATE VIEW page_evidence AS SELECT id, source_id, ts_ns, pfn, kind,\n"
	"  count, mapcount, flags, mapping, mt, pid, comm, stack_id, confidence\n"
	"  FROM evidence;\n"
	"CREATE VIEW failures AS SELECT id, source_id, ts_ns, kind, area,\n"
	"  start_pfn, end_pfn, pages, reason, outcome, nowarn, pid, comm,\n"
	"  start_ts_ns, end_ts_ns, busy_ranges,\n"
	"  (SELECT count(*) FROM failure_pfn p WHERE p.failure_id = failure.id)\n"
	"  AS busy_pfns FROM failure;\n"
	"CREATE VIEW attributions AS SELECT failure_id, pfn, callsite, stack_id,\n"
	"  evidence_id, confidence, rank, module, kind, noise FROM attribution;\n"
	"CREATE VIEW stacks AS SELECT id, folded, leaf, depth FROM stack;\n"
	"CREATE VIEW frames AS SELECT f.stack_id, f.depth, s.name AS symbol,\n"
	"  f.offset, NULLIF(s.module, '') AS module\n"
	"  FROM frame f JOIN symbol s ON s.id = f.symbol_id;\n";

/* [v]: for a reader of a store of version v + 1 that it cannot upgrade
 * (not writable), temporary views that look like version v + 2. */
const char *const pb_schema_reader_sql[PB_SCHEMA_VERSION - 1] = {
	/* 1 -> 2: every source on the kernel's clock (and, as 5 -> 6 cannot
	 * make these views again, its page size unknown) */
	"CREATE TEMP VIEW source AS SELECT *, NULL AS clock, NULL AS page_size,\n"
	"  NULL AS page_size_from FROM main.source;\n"
	"CREATE TEMP VIEW sources AS SELECT *, NULL AS clock, NULL AS page_size,\n"
	"  NULL AS page_size_from FROM main.sources;\n",
	/* 2 -> 3: the index by name, a row per event (found by the store's
	 * own SQL index by name, in id order) */
	"CREATE TEMP VIEW event_index AS SELECT source_id, name_id, id AS first_id,\n"
	"  1 AS n, json_array(id) AS ids FROM main.event;\n"
	EVENT_IDS_VIEW("TEMP "),
	/* 3 -> 4: busy ranges whose stack and task name are their event's */
	("CREATE TEMP VIEW busy_range AS SELECT *, NULL AS stack_id, NULL AS comm_id\n"
	 "  FROM main.busy_range;\n"),
	/* 4 -> 5: only an import (a writer) reads the raw file's hash */
	"",
	/* 5 -> 6: every page size unknown; no stored vmemmap fit (the
	 * analysis learns it again when the table has no row) */
	"CREATE TEMP VIEW IF NOT EXISTS source AS SELECT *, NULL AS page_size,\n"
	"  NULL AS page_size_from FROM main.source;\n"
	"CREATE TEMP VIEW IF NOT EXISTS sources AS SELECT *, NULL AS page_size,\n"
	"  NULL AS page_size_from FROM main.sources;\n"
	PROBE_MAP_TABLE("TEMP "),
	/* 6 -> 7: a store of version 6 keeps every probe's body, which its
	 * own events view reads */
	"",
};

/* [v] takes a store of version v + 1 to v + 2. */
const char *const pb_schema_upgrade_sql[PB_SCHEMA_VERSION - 1] = {
	/* 1 -> 2: the clock of a source's times */
	"ALTER TABLE source ADD COLUMN clock TEXT;\n"
	"DROP VIEW sources;\n"
	SOURCES_VIEW,
	/* 2 -> 3: the index by name, a row per name per block of events
	 * (written by store_index_rebuild()) */
	EVENT_INDEX_TABLE
	"DROP INDEX event_by_name;\n"
	EVENT_IDS_VIEW(""),
	/* 3 -> 4: a busy range's stack and task name (NULL in the rows
	 * already there: the analysis reads those from their events) */
	("ALTER TABLE busy_range ADD COLUMN stack_id INTEGER;\n"
	 "ALTER TABLE busy_range ADD COLUMN comm_id INTEGER;\n"),
	/* 4 -> 5: the raw file's hash beside the content's. Before, sha256
	 * was the raw file's: a compressed source keeps that one in both (its
	 * content's is not known), so the same file is still found, but not
	 * the same content compressed otherwise. */
	("ALTER TABLE source ADD COLUMN raw_sha256 TEXT;\n"
	 "UPDATE source SET raw_sha256 = sha256;\n"),
	/* 5 -> 6: the traced kernel's page size, unknown in the sources
	 * already there (their headers are not read again), and the stored
	 * vmemmap fit, empty until the next refresh (the analysis learns it
	 * again while the table has no row) */
	("ALTER TABLE source ADD COLUMN page_size INTEGER;\n"
	 "ALTER TABLE source ADD COLUMN page_size_from TEXT;\n"
	 "DROP VIEW sources;\n"
	 SOURCES_VIEW
	 PROBE_MAP_TABLE("")),
	/* 6 -> 7: a probe's body is no longer stored when its location and
	 * fields spell it out; the view writes it from them (the rows already
	 * there keep theirs) */
	("DROP VIEW events;\n"
	 EVENTS_VIEW),
};
