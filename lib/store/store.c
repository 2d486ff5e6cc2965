/* store.c - the statements an import writes with, prepared once per
 * connection; the store at rest and closed; and what a command asks of
 * the store whole: its span, its sources, whether its analysis is fresh,
 * which sources are one boot. Opening is in open.c, the import of a file
 * in source.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

#define STORE_FRAME_INTO "INSERT OR ROLLBACK INTO frame(stack_id, depth, symbol_id, " \
	"offset) VALUES "
#define FRAME_ROW2 "(?, ?, ?, ?), (?, ?, ?, ?)"
#define FRAME_ROW8 FRAME_ROW2 ", " FRAME_ROW2 ", " FRAME_ROW2 ", " FRAME_ROW2

static const char *const stmt_sql[ST_COUNT] = {
	[ST_NAME_INSERT] = "INSERT INTO name(text) VALUES (?)",
	[ST_NAME_FIND] = "SELECT id FROM name WHERE text = ?",
	[ST_KEYSET_FIND] = "SELECT id FROM keyset WHERE keys = ?",
	[ST_SYMBOL_FIND] = "SELECT id FROM symbol WHERE name = ? AND module = ?",
	[ST_STACK_FIND] = "SELECT id FROM stack WHERE hash = ?",
	[ST_KEYSET_INSERT] = "INSERT INTO keyset(keys) VALUES (?)",
	[ST_SYMBOL_INSERT] = "INSERT INTO symbol(name, module) VALUES (?, ?)",
	[ST_STACK_INSERT] = "INSERT INTO stack(hash, depth, user, folded, leaf) "
			    "VALUES (?, ?, ?, ?, ?)",
	[ST_FRAME_INSERT] = "INSERT INTO frame(stack_id, depth, symbol_id, offset) "
			    "VALUES (?, ?, ?, ?)",
	/* OR ROLLBACK as for the event rows: a new stack's frames cannot
	 * conflict, and no statement journal is kept for them */
	[ST_FRAME_INSERT_2] = STORE_FRAME_INTO FRAME_ROW2,
	[ST_FRAME_INSERT_4] = STORE_FRAME_INTO FRAME_ROW2 ", " FRAME_ROW2,
	[ST_FRAME_INSERT_8] = STORE_FRAME_INTO FRAME_ROW8,
	[ST_FRAME_INSERT_16] = STORE_FRAME_INTO FRAME_ROW8 ", " FRAME_ROW8,
	[ST_EVENT_INSERT] = STORE_EVENT_INSERT_SQL,
	[ST_EVENT_INSERT_ROWS] = STORE_EVENT_ROWS_SQL,
	[ST_ALLOC_START] = "INSERT INTO cma_alloc(source_id, area, pid, comm, "
			   "start_ts_ns, count, align, stack_id, start_event_id) "
			   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_ALLOC_FINISH] = "UPDATE cma_alloc SET end_ts_ns = ?, pfn = ?, ok = ?, "
			    "errorno = ?, end_event_id = ?, "
			    "count = COALESCE(count, ?), align = COALESCE(align, ?), "
			    "stack_id = COALESCE(stack_id, ?) WHERE id = ?",
	[ST_ALLOC_INSERT_WHOLE] = "INSERT INTO cma_alloc(source_id, area, pid, comm, "
				  "end_ts_ns, pfn, count, align, ok, errorno, stack_id, "
				  "end_event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_ALLOC_RETRIES] = "UPDATE cma_alloc SET busy_retries = ? WHERE id = ?",
	[ST_BUSY_INSERT] = "INSERT INTO busy_range(source_id, ts_ns, pid, start_pfn, "
			   "end_pfn, busy_pfn, kind, cma_alloc_id, event_id, stack_id, "
			   "comm_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_INDEX_INSERT] = STORE_INDEX_INSERT_SQL,
	[ST_MIGRATION_INSERT] = STORE_MIGRATION_INSERT_SQL,
	[ST_MIGRATION_INSERT_ROWS] = STORE_MIGRATION_ROWS_SQL,
	[ST_EVIDENCE_INSERT] = "INSERT INTO evidence(source_id, ts_ns, pfn, kind, count, "
			       "mapcount, flags, mapping, mt, pid, comm, stack_id, "
			       "confidence, event_id, delta) "
			       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
};

const char *pb_store_default_path(void)
{
	const char *env = getenv("PINBLAME_DB");

	return env && *env ? env : "pinblame.db";
}

int store_prepare_all(struct pb_store *s)
{
	for (int i = 0; i < ST_COUNT; i++) {
		s->st[i] = pb_store_prepare(s, stmt_sql[i]);
		if (!s->st[i])
			return -1;
	}
	return 0;
}

void store_finalize_all(struct pb_store *s)
{
	for (int i = 0; i < ST_COUNT; i++) {
		sqlite3_finalize(s->st[i]);
		s->st[i] = NULL;
	}
}

/* A store at rest is left in rollback journal mode: then a reader needs
 * no -wal and -shm files, so one who cannot write the folder can read it,
 * and a reader leaves no file behind that the owner could not write. The
 * switch checkpoints the WAL; it needs the store to itself, so while
 * another process has it open it fails at once and the last one to close
 * it switches. */
static void rest_in_rollback_mode(struct pb_store *s)
{
	if (!s->writable || s->scratch_copy || !s->db)
		return;
	sqlite3_busy_timeout(s->db, 0);
	sqlite3_exec(s->db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
}

int pb_store_span(struct pb_store *s, int64_t *first, int64_t *last)
{
	sqlite3_stmt *st = pb_store_prepare(s,
		"SELECT min(first_ts_ns), max(last_ts_ns) FROM source "
		"WHERE clock IS NULL AND first_ts_ns IS NOT NULL");
	int known = -1;

	if (!st)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		known = sqlite3_column_type(st, 0) != SQLITE_NULL;
		*first = sqlite3_column_int64(st, 0);
		*last = sqlite3_column_int64(st, 1);
	} else {
		store_sql_error(s, "the span of the sources");
	}
	sqlite3_finalize(st);
	return known;
}

int64_t pb_store_count_sources(struct pb_store *s)
{
	sqlite3_stmt *st = pb_store_prepare(s, "SELECT count(*) FROM source");
	int64_t n = -1;

	if (!st)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		store_sql_error(s, "counting sources");
	sqlite3_finalize(st);
	return n;
}

void pb_store_close(struct pb_store *s)
{
	if (!s)
		return;
	if (s->in_source)
		pb_store_source_rollback(s);
	store_finalize_all(s);
	if (!s->aside)
		rest_in_rollback_mode(s);
	if (s->db)
		sqlite3_close(s->db);
	discard_aside(s);
	store_forget_interned(s);
	pb_buf_free(&s->vals_json);
	pb_buf_free(&s->keys_json);
	pb_idmap_clear(&s->handlers);
	pb_idmap_clear(&s->sent_stacks);
	pb_arena_free(&s->prep_arena);
	pb_buf_free(&s->scratch);
	free(s->open_allocs);
	free(s->path);
	free(s);
}

sqlite3 *pb_store_db(struct pb_store *s)
{
	return s->db;
}

const char *pb_store_path(const struct pb_store *s)
{
	return s->path;
}

static int set_meta(struct pb_store *s, const char *key, const char *value)
{
	sqlite3_stmt *st = pb_store_prepare(s, "INSERT OR REPLACE INTO meta VALUES (?, ?)");
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = pb_store_run(s, st);
	sqlite3_finalize(st);
	return rc;
}

int pb_store_mark_dirty(struct pb_store *s)
{
	return set_meta(s, "analysis", "stale");
}

int pb_store_mark_clean(struct pb_store *s)
{
	return set_meta(s, "analysis", "fresh");
}

int pb_store_is_dirty(struct pb_store *s)
{
	sqlite3_stmt *st = pb_store_prepare(s, "SELECT value FROM meta WHERE key = 'analysis'");
	int dirty = 0;

	if (!st)
		return -1;
	switch (pb_store_step(s, st)) {
	case 1:
		dirty = !strcmp((const char *)sqlite3_column_text(st, 0), "stale");
		break;
	case -1:
		dirty = -1;
		break;
	}
	sqlite3_finalize(st);
	return dirty;
}

/* Whether sources A and B may be one boot: overlapping trace time on the
 * kernel's clock and no conflicting kernel. */
static const char same_boot_sql[] =
	"SELECT count(*) FROM source a, source b WHERE a.id = ?1 AND b.id = ?2 "
	"AND a.clock IS NULL AND b.clock IS NULL "
	"AND a.first_ts_ns <= b.last_ts_ns AND b.first_ts_ns <= a.last_ts_ns "
	"AND (a.kernel IS NULL OR b.kernel IS NULL OR a.kernel = b.kernel)";

static int link_pair(struct pb_store *s, sqlite3_stmt *same, sqlite3_stmt *link,
		     int64_t a, int64_t b)
{
	int64_t match = 0;

	sqlite3_bind_int64(same, 1, a);
	sqlite3_bind_int64(same, 2, b);
	if (pb_store_first_int64(s, same, &match) < 0)
		return -1;
	if (!match)
		return 0;
	sqlite3_bind_int64(link, 1, a);
	sqlite3_bind_int64(link, 2, b);
	return pb_store_run(s, link);
}

int pb_store_link_boot(struct pb_store *s, const int64_t *ids, size_t n)
{
	sqlite3_stmt *same, *link;
	int rc = 0;

	if (n < 2)
		return 0;
	same = pb_store_prepare(s, same_boot_sql);
	/* B joins A's boot and takes the kernel and arch it lacks. */
	link = pb_store_prepare(s,
		"UPDATE source SET boot = (SELECT COALESCE(boot, id) FROM source WHERE id = ?1), "
		"kernel = COALESCE(kernel, (SELECT kernel FROM source WHERE id = ?1)), "
		"arch = COALESCE(arch, (SELECT arch FROM source WHERE id = ?1)) WHERE id = ?2");
	if (!same || !link || pb_store_exec(s, "BEGIN IMMEDIATE") < 0) {
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < n && rc == 0; i++)
		for (size_t j = 0; j < n && rc == 0; j++)
			if (ids[i] < ids[j])
				rc = link_pair(s, same, link, ids[i], ids[j]);
	/* The first of a boot also takes what a later one knew. */
	for (size_t i = 0; i < n && rc == 0; i++)
		for (size_t j = 0; j < n && rc == 0; j++)
			if (ids[i] > ids[j])
				rc = link_pair(s, same, link, ids[i], ids[j]);
	rc = pb_store_exec(s, rc == 0 ? "COMMIT" : "ROLLBACK") < 0 ? -1 : rc;
out:
	sqlite3_finalize(same);
	sqlite3_finalize(link);
	return rc;
}
