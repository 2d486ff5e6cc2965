/* source.c - the import of one file as one transaction: its source row
 * begun (or the same file found stored already), its bad lines and
 * totals, and its commit or rollback. Apart from the store's opening and
 * closing (open.c, store.c) because it is the per-file cycle that
 * record.c and typed.c write inside. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store_int.h"

int64_t pb_store_find_source(struct pb_store *s, const char *sha256)
{
	sqlite3_stmt *st = pb_store_prepare(s, "SELECT id FROM source WHERE sha256 = ?1 "
					    "UNION ALL SELECT id FROM source WHERE raw_sha256 = ?1 "
					    "LIMIT 1");
	int64_t id = 0;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	if (pb_store_first_int64(s, st, &id) < 0)
		id = -1;
	sqlite3_finalize(st);
	return id;
}

void pb_store_source_path(struct pb_store *s, int64_t id, char *buf, size_t len)
{
	sqlite3_stmt *st = pb_store_prepare(s, "SELECT path FROM source WHERE id = ?");

	buf[0] = '\0';
	if (!st)
		return;
	sqlite3_bind_int64(st, 1, id);
	if (pb_store_step(s, st) > 0)
		snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* The CPU and task of source SRC's first event (its smallest id, found
 * through the index by name: the event table has no index by source). */
#define FIRST_TASK(src) \
	"(SELECT cpu || ' ' || pid FROM event WHERE id =\n" \
	"   (SELECT min(first_id) FROM event_index WHERE source_id = " src ".id))"

int64_t pb_store_same_capture(struct pb_store *s, int64_t id)
{
	sqlite3_stmt *st = pb_store_prepare(s,
		"SELECT o.id FROM source n JOIN source o ON o.id != n.id\n"
		"  AND o.events = n.events AND o.clock IS n.clock\n"
		"  AND abs(o.first_ts_ns - n.first_ts_ns) < 1000\n"
		"  AND abs(o.last_ts_ns - n.last_ts_ns) < 1000\n"
		"  AND " FIRST_TASK("o") " IS " FIRST_TASK("n") "\n"
		"  WHERE n.id = ? AND n.events > 0 ORDER BY o.id LIMIT 1");
	int64_t other = 0;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (pb_store_first_int64(s, st, &other) < 0)
		other = -1;
	sqlite3_finalize(st);
	return other;
}

static void reset_source_state(struct pb_store *s)
{
	store_index_reset(&s->index);
	s->in_source = 0;
	s->events = s->lost_events = s->unpaired = 0;
	s->first_ts = s->last_ts = -1;
	s->nopen = 0;
	memset(&s->migrate_numbers, 0, sizeof(s->migrate_numbers));
}

int pb_store_source_begin(struct pb_store *s, const struct pb_source_info *info,
			  int64_t *source_id)
{
	sqlite3_stmt *st;
	char placeholder[80];
	int64_t existing;

	if (pb_store_exec(s, "BEGIN IMMEDIATE") < 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		const char *hash = i ? info->raw_sha256 : info->sha256;

		existing = hash ? pb_store_find_source(s, hash) : 0;
		if (existing) {
			pb_store_exec(s, "ROLLBACK");
			*source_id = existing;
			return existing < 0 ? -1 : 0;
		}
	}
	/* Ids interned by other processes since we last looked. */
	store_forget_interned(s);
	if (store_load_interned(s) < 0)
		goto fail;
	st = pb_store_prepare(s, "INSERT INTO source(path, sha256, format, imported_at, "
			      "raw_sha256) VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', "
			      "'now'), ?)");
	if (!st)
		goto fail;
	/* A unique placeholder until the hash is known (stdin). */
	snprintf(placeholder, sizeof(placeholder), "pending-%ld-%ld", (long)getpid(),
		 (long)time(NULL));
	sqlite3_bind_text(st, 1, info->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, info->sha256 ? info->sha256 : placeholder, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, info->format, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, info->raw_sha256, -1, SQLITE_STATIC);
	if (pb_store_run(s, st) < 0) {
		sqlite3_finalize(st);
		goto fail;
	}
	sqlite3_finalize(st);
	reset_source_state(s);
	pb_idmap_clear(&s->sent_stacks);
	s->in_source = 1;
	s->source_id = *source_id = sqlite3_last_insert_rowid(s->db);
	return 1;
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

uint64_t pb_store_source_events(const struct pb_store *s)
{
	return s->events;
}

int pb_store_add_bad_lines(struct pb_store *s, enum pb_bad_reason why, uint64_t count,
			   uint64_t first_line, const char *example)
{
	sqlite3_stmt *st = pb_store_prepare(s,
		"INSERT INTO bad_line(source_id, reason, count, first_line, example) "
		"VALUES (?, ?, ?, ?, ?)");
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, s->source_id);
	sqlite3_bind_text(st, 2, pb_bad_reason_name(why), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (int64_t)count);
	sqlite3_bind_int64(st, 4, (int64_t)first_line);
	sqlite3_bind_text(st, 5, example, -1, SQLITE_STATIC);
	rc = pb_store_run(s, st);
	sqlite3_finalize(st);
	return rc;
}

int pb_store_has_source_bytes(struct pb_store *s, uint64_t bytes)
{
	sqlite3_stmt *st = pb_store_prepare(s, "SELECT 1 FROM source WHERE bytes = ?");
	int found;

	if (!st)
		return 1;	/* as if: the caller then hashes first */
	sqlite3_bind_int64(st, 1, (int64_t)bytes);
	/* an error counts as found: the caller then hashes first */
	found = pb_store_step(s, st) != 0;
	sqlite3_finalize(st);
	return found;
}

/* The source's lost events: the counts its lines printed and those its
 * header implies, which may be any size; the sum stops at the largest. */
static int64_t lost_total(uint64_t marked, uint64_t overwritten)
{
	uint64_t sum = marked + overwritten;

	return sum < marked || sum > INT64_MAX ? INT64_MAX : (int64_t)sum;
}

/* The traced kernel's page size and what said it, strongest first: the
 * capture's own header (pinblame record's sysconf(_SC_PAGESIZE), a
 * trace.dat's when it can only be the kernel's), the flavour at the end
 * of the kernel release ("-arm64-16k", "+64k"), an architecture that has
 * one page size. 0 when none does: arm64, powerpc and riscv have several. */
static long page_size_of(const struct pb_source_totals *t, const char **from)
{
	uint64_t header;
	long size;

	if (t->page_size && pb_parse_u64(t->page_size, strlen(t->page_size), &header) == 0 &&
	    header >= 4096 && header <= (1u << 20) && !(header & (header - 1))) {
		*from = "header";
		return (long)header;
	}
	if ((size = pb_release_page_size(t->kernel)) > 0) {
		*from = "release";
		return size;
	}
	if ((size = pb_arch_page_size(t->arch)) > 0) {
		*from = "arch";
		return size;
	}
	*from = NULL;
	return 0;
}

static int write_totals(struct pb_store *s, const struct pb_source_totals *t)
{
	sqlite3_stmt *st = pb_store_prepare(s,
		"UPDATE source SET events = ?, bad_lines = ?, lines = ?, bytes = ?, "
		"seconds = ?, kernel = ?, arch = ?, first_ts_ns = ?, last_ts_ns = ?, "
		"lost_events = ?, unpaired = ?, sha256 = COALESCE(?, sha256), clock = ?, "
		"raw_sha256 = COALESCE(?, raw_sha256), page_size = ?16, "
		"page_size_from = ?17 WHERE id = ?15");
	const char *size_from;
	long page_size = page_size_of(t, &size_from);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)s->events);
	sqlite3_bind_int64(st, 2, (int64_t)t->bad_lines);
	sqlite3_bind_int64(st, 3, (int64_t)t->lines);
	sqlite3_bind_int64(st, 4, (int64_t)t->bytes);
	sqlite3_bind_double(st, 5, t->seconds);
	sqlite3_bind_text(st, 6, t->kernel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, t->arch, -1, SQLITE_STATIC);
	if (s->first_ts >= 0) {
		sqlite3_bind_int64(st, 8, s->first_ts);
		sqlite3_bind_int64(st, 9, s->last_ts);
	}
	sqlite3_bind_int64(st, 10, lost_total(s->lost_events, t->overwritten));
	sqlite3_bind_int64(st, 11, (int64_t)s->unpaired);
	sqlite3_bind_text(st, 12, t->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, t->clock, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 14, t->raw_sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 15, s->source_id);
	if (page_size > 0)
		sqlite3_bind_int64(st, 16, page_size);
	sqlite3_bind_text(st, 17, size_from, -1, SQLITE_STATIC);
	rc = pb_store_run(s, st);
	sqlite3_finalize(st);
	return rc;
}

/* A source other than the one being imported with this content or raw
 * hash: the content hash of a compressed file is known only at its end. */
static int64_t find_other_source(struct pb_store *s, const char *sha256)
{
	sqlite3_stmt *st = pb_store_prepare(s, "SELECT id FROM source WHERE id != ?2 AND "
					    "(sha256 = ?1 OR raw_sha256 = ?1) LIMIT 1");
	int64_t id = 0;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, s->source_id);
	if (pb_store_first_int64(s, st, &id) < 0)
		id = -1;
	sqlite3_finalize(st);
	return id;
}

uint64_t pb_store_source_lost(const struct pb_store *s, const struct pb_source_totals *t)
{
	return (uint64_t)lost_total(s->lost_events, t->overwritten);
}

int pb_store_source_commit(struct pb_store *s, const struct pb_source_totals *t)
{
	for (int i = 0; i < 2; i++) {
		const char *hash = i ? t->raw_sha256 : t->sha256;
		int64_t other = hash ? find_other_source(s, hash) : 0;

		if (other) {
			pb_store_source_rollback(s);
			return other < 0 ? -1 : 0;
		}
	}
	store_typed_finish(s);
	if (store_events_flush(s) < 0 || store_migrations_name(s, t->kernel) < 0 ||
	    store_index_flush(s) < 0 || write_totals(s, t) < 0 ||
	    pb_store_mark_dirty(s) < 0 ||
	    pb_store_exec(s, "COMMIT") < 0) {
		pb_store_source_rollback(s);
		return -1;
	}
	reset_source_state(s);
	return s->aside ? put_in_place(s) : 1;
}

void pb_store_source_rollback(struct pb_store *s)
{
	for (int i = 0; i < ST_COUNT; i++)
		if (s->st[i])
			sqlite3_reset(s->st[i]);
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	/* The maps may hold ids that the rollback took away. */
	store_forget_interned(s);
	reset_source_state(s);
}
