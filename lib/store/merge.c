/* merge.c - combining stores from many machines into one (doc/DESIGN.md,
 * "The store", fleet). The other store is ATTACHed and its rows copied with their ids
 * remapped: sources are deduplicated by content hash, names, symbols and
 * stacks are interned by text or hash, and the rows of every other table
 * keep their relations by shifting their ids past the ones already here.
 *
 * One transaction per input store, so an interrupted merge leaves whole
 * stores merged, and running the same merge again completes it without
 * duplicating anything. Derived tables (failures, attributions, probe
 * evidence) are not copied: the merged store is marked dirty and the
 * analysis recomputes them over everything.
 */
#include <stdio.h>
#include <string.h>

#include "store_int.h"

/* Each table whose ids other rows refer to, shifted by the largest id
 * already in the store. */
struct id_offsets {
	int64_t source, event, alloc, busy, migration, evidence;
};

/* The value of SQL, which gives one row (an aggregate). 0 or -1. */
static int query_i64(struct pb_store *s, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = pb_store_prepare(s, sql);
	int rc;

	if (!st)
		return -1;
	rc = pb_store_first_int64(s, st, out);
	sqlite3_finalize(st);
	return rc > 0 ? 0 : -1;
}

static int read_offsets(struct pb_store *s, struct id_offsets *o)
{
	return query_i64(s, "SELECT COALESCE(max(id), 0) FROM main.source", &o->source) ||
	       query_i64(s, "SELECT COALESCE(max(id), 0) FROM main.event", &o->event) ||
	       query_i64(s, "SELECT COALESCE(max(id), 0) FROM main.cma_alloc", &o->alloc) ||
	       query_i64(s, "SELECT COALESCE(max(id), 0) FROM main.busy_range", &o->busy) ||
	       query_i64(s, "SELECT COALESCE(max(id), 0) FROM main.migration",
			 &o->migration) ||
	       query_i64(s, "SELECT COALESCE(max(id), 0) FROM main.evidence", &o->evidence)
		? -1 : 0;
}

/* Interned rows first: each temp map takes the other store's id to ours. */
static const char intern_sql[] =
	"CREATE TEMP TABLE keep(id INTEGER PRIMARY KEY);\n"
	"INSERT INTO keep SELECT id FROM src.source\n"
	"  WHERE sha256 NOT IN (SELECT sha256 FROM main.source)\n"
	"  AND sha256 NOT IN (SELECT raw_sha256 FROM main.source\n"
	"                     WHERE raw_sha256 IS NOT NULL);\n"
	"INSERT OR IGNORE INTO main.name(text) SELECT text FROM src.name;\n"
	"CREATE TEMP TABLE map_name(old INTEGER PRIMARY KEY, new INTEGER);\n"
	"INSERT INTO map_name SELECT o.id, n.id FROM src.name o\n"
	"  JOIN main.name n ON n.text = o.text;\n"
	"INSERT OR IGNORE INTO main.keyset(keys) SELECT keys FROM src.keyset;\n"
	"CREATE TEMP TABLE map_keyset(old INTEGER PRIMARY KEY, new INTEGER);\n"
	"INSERT INTO map_keyset SELECT o.id, n.id FROM src.keyset o\n"
	"  JOIN main.keyset n ON n.keys = o.keys;\n"
	"INSERT OR IGNORE INTO main.symbol(name, module)\n"
	"  SELECT name, module FROM src.symbol;\n"
	"CREATE TEMP TABLE map_symbol(old INTEGER PRIMARY KEY, new INTEGER);\n"
	"INSERT INTO map_symbol SELECT o.id, n.id FROM src.symbol o\n"
	"  JOIN main.symbol n ON n.name = o.name AND n.module = o.module;\n"
	"CREATE TEMP TABLE new_stack(hash INTEGER PRIMARY KEY);\n"
	"INSERT INTO new_stack SELECT hash FROM src.stack\n"
	"  WHERE hash NOT IN (SELECT hash FROM main.stack);\n"
	"INSERT INTO main.stack(hash, depth, user, folded, leaf)\n"
	"  SELECT hash, depth, user, folded, leaf FROM src.stack\n"
	"  WHERE hash IN (SELECT hash FROM new_stack);\n"
	"CREATE TEMP TABLE map_stack(old INTEGER PRIMARY KEY, new INTEGER);\n"
	"INSERT INTO map_stack SELECT o.id, n.id FROM src.stack o\n"
	"  JOIN main.stack n ON n.hash = o.hash;\n"
	"INSERT INTO main.frame(stack_id, depth, symbol_id, offset)\n"
	"  SELECT ms.new, f.depth, sy.new, f.offset FROM src.frame f\n"
	"  JOIN src.stack o ON o.id = f.stack_id\n"
	"  JOIN map_stack ms ON ms.old = f.stack_id\n"
	"  JOIN map_symbol sy ON sy.old = f.symbol_id\n"
	"  WHERE o.hash IN (SELECT hash FROM new_stack);\n";

static const char drop_sql[] =
	"DROP TABLE IF EXISTS temp.keep; DROP TABLE IF EXISTS temp.map_name;\n"
	"DROP TABLE IF EXISTS temp.map_symbol; DROP TABLE IF EXISTS temp.new_stack;\n"
	"DROP TABLE IF EXISTS temp.map_stack; DROP TABLE IF EXISTS temp.map_keyset;";

/* A stack id of the other store in ours (0 and NULL stay as they are). */
#define STACK(col) "(SELECT new FROM map_stack WHERE old = " col ")"

/* The rows of the kept sources, ids shifted by the offsets. %1$lld is the
 * source offset, then event, alloc, busy, migration, evidence; %7$s the
 * clock column, or NULL from a store of schema 1 (read as it is, when its
 * reader cannot upgrade it); %8$s and %9$s the busy ranges' stack_id and
 * comm_id, or NULL before schema 4; %10$s the raw file's hash, or sha256
 * before schema 5 (which was the raw file's); %11$s and %12$s the page
 * size and what said it, or NULL (unknown) before schema 6. */
static const char rows_sql[] =
	"INSERT INTO main.source(id, path, sha256, format, kernel, arch, events,\n"
	"  bad_lines, lines, bytes, seconds, first_ts_ns, last_ts_ns, lost_events,\n"
	"  unpaired, boot, imported_at, clock, raw_sha256, page_size, page_size_from)\n"
	"  SELECT id + %1$lld, path, sha256, format, kernel, arch, events, bad_lines,\n"
	"  lines, bytes, seconds, first_ts_ns, last_ts_ns, lost_events, unpaired,\n"
	"  boot + %1$lld, imported_at, %7$s, %10$s, %11$s, %12$s FROM src.source\n"
	"  WHERE id IN keep;\n"
	"INSERT INTO main.bad_line(source_id, reason, count, first_line, example)\n"
	"  SELECT source_id + %1$lld, reason, count, first_line, example\n"
	"  FROM src.bad_line WHERE source_id IN keep;\n"
	"INSERT INTO main.event(id, source_id, line, ts_ns, cpu, pid, tgid, comm_id,\n"
	"  name_id, stack_id, ustack_id, keyset_id, vals, body)\n"
	"  SELECT e.id + %2$lld, e.source_id + %1$lld, e.line, e.ts_ns, e.cpu, e.pid,\n"
	"  e.tgid, (SELECT new FROM map_name WHERE old = e.comm_id),\n"
	"  (SELECT new FROM map_name WHERE old = e.name_id),\n"
	"  COALESCE(" STACK("e.stack_id") ", e.stack_id),\n"
	"  COALESCE(" STACK("e.ustack_id") ", e.ustack_id),\n"
	"  (SELECT new FROM map_keyset WHERE old = e.keyset_id), e.vals, e.body\n"
	"  FROM src.event e WHERE e.source_id IN keep;\n"
	"INSERT INTO main.cma_alloc(id, source_id, area, pid, comm, start_ts_ns,\n"
	"  end_ts_ns, pfn, count, align, ok, errorno, busy_retries, stack_id,\n"
	"  start_event_id, end_event_id)\n"
	"  SELECT a.id + %3$lld, a.source_id + %1$lld, a.area, a.pid, a.comm,\n"
	"  a.start_ts_ns, a.end_ts_ns, a.pfn, a.count, a.align, a.ok, a.errorno,\n"
	"  a.busy_retries, COALESCE(" STACK("a.stack_id") ", a.stack_id),\n"
	"  a.start_event_id + %2$lld, a.end_event_id + %2$lld\n"
	"  FROM src.cma_alloc a WHERE a.source_id IN keep;\n"
	"INSERT INTO main.busy_range(id, source_id, ts_ns, pid, start_pfn, end_pfn,\n"
	"  busy_pfn, kind, cma_alloc_id, event_id, stack_id, comm_id)\n"
	"  SELECT b.id + %4$lld, b.source_id + %1$lld, b.ts_ns, b.pid, b.start_pfn,\n"
	"  b.end_pfn, b.busy_pfn, b.kind, b.cma_alloc_id + %3$lld, b.event_id + %2$lld,\n"
	"  COALESCE(" STACK("%8$s") ", %8$s),\n"
	"  COALESCE((SELECT new FROM map_name WHERE old = %9$s), %9$s)\n"
	"  FROM src.busy_range b WHERE b.source_id IN keep;\n"
	"INSERT INTO main.migration(id, source_id, ts_ns, pid, comm, reason, mode,\n"
	"  succeeded, failed, stack_id, event_id, cma_alloc_id)\n"
	"  SELECT m.id + %5$lld, m.source_id + %1$lld, m.ts_ns, m.pid, m.comm,\n"
	"  m.reason, m.mode, m.succeeded, m.failed,\n"
	"  COALESCE(" STACK("m.stack_id") ", m.stack_id), m.event_id + %2$lld,\n"
	"  m.cma_alloc_id + %3$lld FROM src.migration m WHERE m.source_id IN keep;\n"
	/* Probe evidence is derived by the analysis; it comes back on refresh. */
	"INSERT INTO main.evidence(id, source_id, ts_ns, pfn, kind, count, mapcount,\n"
	"  flags, mapping, mt, pid, comm, stack_id, confidence, event_id, delta)\n"
	"  SELECT v.id + %6$lld, v.source_id + %1$lld, v.ts_ns, v.pfn, v.kind,\n"
	"  v.count, v.mapcount, v.flags, v.mapping, v.mt, v.pid, v.comm,\n"
	"  COALESCE(" STACK("v.stack_id") ", v.stack_id), v.confidence,\n"
	"  v.event_id + %2$lld, v.delta\n"
	"  FROM src.evidence v WHERE v.source_id IN keep\n"
	"  AND v.kind NOT IN ('probe', 'dump_probe');\n";

static int count_kept(struct pb_store *s, struct pb_merge_stats *st)
{
	int64_t kept, all, events;

	if (query_i64(s, "SELECT count(*) FROM temp.keep", &kept) ||
	    query_i64(s, "SELECT count(*) FROM src.source", &all) ||
	    query_i64(s, "SELECT COALESCE(sum(events), 0) FROM src.source "
		      "WHERE id IN temp.keep", &events))
		return -1;
	st->sources = (uint64_t)kept;
	st->duplicates = (uint64_t)(all - kept);
	st->events = (uint64_t)events;
	return 0;
}

static int copy_rows(struct pb_store *s, struct pb_merge_stats *st)
{
	struct id_offsets o;
	struct pb_buf sql = { 0 };
	int64_t version;
	int rc;

	if (pb_store_exec(s, intern_sql) < 0 || count_kept(s, st) < 0)
		return -1;
	if (!st->sources)
		return 0;
	if (read_offsets(s, &o) < 0 || query_i64(s, "PRAGMA src.user_version", &version))
		return -1;
	pb_buf_addf(&sql, rows_sql, (long long)o.source, (long long)o.event,
		    (long long)o.alloc, (long long)o.busy, (long long)o.migration,
		    (long long)o.evidence, version >= 2 ? "clock" : "NULL",
		    version >= 4 ? "b.stack_id" : "NULL", version >= 4 ? "b.comm_id" : "NULL",
		    version >= 5 ? "raw_sha256" : "sha256", version >= 6 ? "page_size" : "NULL",
		    version >= 6 ? "page_size_from" : "NULL");
	rc = pb_store_exec(s, pb_buf_str(&sql));
	pb_buf_free(&sql);
	/* the merged events are the ones past the offset */
	if (rc < 0 || store_index_rebuild(s, o.event) < 0)
		return -1;
	return pb_store_mark_dirty(s);
}

/* Checks that PATH is a store of our schema version before attaching it:
 * opening it prints the same errors as any other command would. */
static int check_input(const char *path)
{
	struct pb_store *in = pb_store_open(path, PB_STORE_READ);

	if (!in)
		return -1;
	pb_store_close(in);
	return 0;
}

static int attach(struct pb_store *s, const char *path)
{
	sqlite3_stmt *st = pb_store_prepare(s, "ATTACH DATABASE ? AS src");
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	rc = pb_store_run(s, st);
	sqlite3_finalize(st);
	return rc;
}

int pb_store_merge(struct pb_store *s, const char *path, struct pb_merge_stats *st)
{
	int rc = -1;

	memset(st, 0, sizeof(*st));
	if (check_input(path) < 0)
		return -1;
	if (attach(s, path) < 0)
		return -1;
	if (pb_store_exec(s, "BEGIN IMMEDIATE") < 0)
		goto detach;
	if (copy_rows(s, st) < 0 || pb_store_exec(s, drop_sql) < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		goto detach;
	}
	rc = pb_store_exec(s, "COMMIT");
detach:
	sqlite3_exec(s->db, "DETACH DATABASE src", NULL, NULL, NULL);
	/* The interning maps no longer know every row: reload on next use. */
	store_forget_interned(s);
	return rc;
}
