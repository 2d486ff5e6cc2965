/* store.c - opening, versioning and the per-file import transaction.
 *
 * An import writes through the WAL, so that readers and other imports go
 * on meanwhile, except into a store that does not exist yet: that one is
 * built in a file of its own without a WAL, its pages written once, and
 * put in place when its first file commits (pb_store_open_import(),
 * put_in_place(), aside.c; doc/DESIGN.md, "The store"). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store_int.h"

#define BUSY_TIMEOUT_MS 60000

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
			   "end_pfn, busy_pfn, kind, cma_alloc_id, event_id) "
			   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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

static int user_version(struct pb_store *s, int *version)
{
	sqlite3_stmt *st = pb_store_prepare(s, "PRAGMA user_version");

	if (!st)
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return store_sql_error(s, "reading the schema version");
	}
	*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/* Whether the store and its directory (the WAL files go there) may be
 * written by us. */
static int store_writable(const char *path)
{
	char *dir = pb_strdup(path), *slash = strrchr(dir, '/');
	int ok;

	if (slash)
		slash[slash == dir] = '\0';
	ok = access(path, W_OK) == 0 && access(slash ? dir : ".", W_OK) == 0;
	free(dir);
	return ok;
}

/* A store opened to be read is upgraded through a connection of its own
 * that may write. One that cannot be written (someone else's file, a
 * read-only mount) is read as it is: temporary views stand in for the
 * columns added since its version. */
static int upgrade_for_reader(struct pb_store *s, int version)
{
	struct pb_store *w;

	if (!store_writable(s->path)) {
		for (int v = version; v < PB_SCHEMA_VERSION; v++)
			if (pb_store_exec(s, pb_schema_reader_sql[v - 1]) < 0)
				return -1;
		return 0;
	}
	w = pb_store_open(s->path, PB_STORE_WRITE);
	if (!w) {
		pb_error("%s: cannot upgrade the store to schema version %d", s->path,
			 PB_SCHEMA_VERSION);
		return -1;
	}
	pb_store_close(w);
	return 0;
}

static int newer_schema(const struct pb_store *s, int version)
{
	if (version <= PB_SCHEMA_VERSION)
		return 0;
	pb_error("%s: store schema version %d is newer than this pinblame "
		 "understands (%d); upgrade pinblame", s->path, version, PB_SCHEMA_VERSION);
	return 1;
}

/* Creates the schema in an empty store, upgrades an older one step by
 * step in one transaction, refuses a newer one. */
static int check_schema(struct pb_store *s)
{
	int version;
	char sql[64];

	if (user_version(s, &version) < 0 || newer_schema(s, version))
		return -1;
	if (version == PB_SCHEMA_VERSION)
		return 0;
	if (!s->writable) {
		if (version == 0) {
			pb_error("%s: not a pinblame store (schema version 0)", s->path);
			return -1;
		}
		return upgrade_for_reader(s, version);
	}
	if (pb_store_exec(s, "BEGIN IMMEDIATE") < 0)
		return -1;
	/* Another process may have created or upgraded it while we waited for
	 * the lock, to this version or to a newer one. */
	if (user_version(s, &version) < 0 || newer_schema(s, version))
		goto fail;
	if (version == PB_SCHEMA_VERSION)
		return pb_store_exec(s, "COMMIT");
	if (version == 0 && pb_store_exec(s, pb_schema_sql) < 0)
		goto fail;
	/* a store just created is of the latest version already */
	for (int v = version; v > 0 && v < PB_SCHEMA_VERSION; v++)
		if (pb_store_exec(s, pb_schema_upgrade_sql[v - 1]) < 0)
			goto fail;
	/* 2 -> 3 made the index by name a table: its rows are written here */
	if (version > 0 && version < 3 && store_index_rebuild(s, 0) < 0)
		goto fail;
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", PB_SCHEMA_VERSION);
	if (pb_store_exec(s, sql) < 0)
		goto fail;
	return pb_store_exec(s, "COMMIT");
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int busy_timeout_ms(void)
{
	const char *env = getenv("PINBLAME_BUSY_TIMEOUT_MS");

	return env && *env ? atoi(env) : BUSY_TIMEOUT_MS;
}

/* Switching a new store to WAL needs it to itself; when another process is
 * creating the same store at this moment SQLite answers "locked" at once,
 * without its busy handler, so wait here as the busy timeout would. */
static int set_wal(struct pb_store *s)
{
	int waited_ms = 0, rc;

	while ((rc = sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL)) != SQLITE_OK) {
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			break;
		if (waited_ms >= busy_timeout_ms())
			break;
		sqlite3_sleep(10);
		waited_ms += 10;
	}
	return rc == SQLITE_OK ? 0 : store_sql_error(s, "setting WAL mode");
}

/* SQLite's memory statistics take a global mutex on every allocation;
 * nothing reads them. Must be set before SQLite initialises. */
/* The first damage SQLite found in a store of this process (its error
 * log sees every one, also those a caller took for "no row"), and the path
 * of the store last opened, which it was found in. */
static struct {
	int found;
	char message[256];
	char path[512];
} damage;

static void log_damage(void *unused, int rc, const char *message)
{
	if (damage.found || ((rc & 0xff) != SQLITE_CORRUPT && (rc & 0xff) != SQLITE_NOTADB))
		return;
	damage.found = 1;
	pb_errors_muted = 1;
	snprintf(damage.message, sizeof(damage.message), "%s", sqlite3_errstr(rc));
	(void)message;	/* SQLite's detail names a source line of its own */
}

const char *pb_store_damage(void)
{
	static char text[900];

	if (!damage.found)
		return NULL;
	snprintf(text, sizeof(text), "%s: the store is damaged (%s): restore it from a copy, "
		 "or import the traces into a new store", damage.path, damage.message);
	return text;
}

static void configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_config(SQLITE_CONFIG_LOG, log_damage, NULL);
}

/* Whether the store file says WAL (its header's read and write versions,
 * bytes 18 and 19, are 2). */
static int file_in_wal_mode(const char *path)
{
	unsigned char header[20];
	FILE *f = fopen(path, "rb");
	int wal;

	if (!f)
		return 0;
	wal = fread(header, 1, sizeof(header), f) == sizeof(header) &&
	      header[18] == 2 && header[19] == 2;
	fclose(f);
	return wal;
}

/* A reader opens the store read-only. A store at rest is in rollback
 * journal mode and needs nothing more; one left in WAL mode (an import
 * running or killed) needs its -shm file, which a reader who cannot write
 * the folder cannot make: without a -wal file everything is in the store
 * itself, and the store is opened as immutable. */
static int open_reader(struct pb_store *s, int flags)
{
	struct pb_buf uri = { 0 };
	struct pb_buf wal = { 0 };
	int rc, immutable;

	pb_buf_addf(&wal, "%s-wal", s->path);
	immutable = file_in_wal_mode(s->path) && !store_writable(s->path) &&
		    access(pb_buf_str(&wal), F_OK) < 0;
	pb_buf_free(&wal);
	if (!immutable)
		return sqlite3_open_v2(s->path, &s->db, flags, NULL);
	pb_buf_adds(&uri, "file:");
	for (const char *p = s->path; *p; p++) {
		if (*p == '?' || *p == '#' || *p == '%')
			pb_buf_addf(&uri, "%%%02x", (unsigned char)*p);
		else
			pb_buf_addc(&uri, *p);
	}
	pb_buf_adds(&uri, "?immutable=1");
	rc = sqlite3_open_v2(pb_buf_str(&uri), &s->db, flags | SQLITE_OPEN_URI, NULL);
	pb_buf_free(&uri);
	return rc;
}

/* A private copy of the store in a temporary file of SQLite's (deleted at
 * close), for a store that is due an analysis refresh and that we cannot
 * write: the refresh is done there, for this run only. */
static int open_scratch(struct pb_store *s, int flags)
{
	sqlite3 *from = NULL;
	sqlite3_backup *b;
	int rc;

	rc = open_reader(s, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
	from = s->db;
	s->db = NULL;
	if (rc != SQLITE_OK) {
		sqlite3_close(from);
		return rc;
	}
	rc = sqlite3_open_v2("", &s->db, flags, NULL);
	if (rc == SQLITE_OK) {
		b = sqlite3_backup_init(s->db, "main", from, "main");
		if (b) {
			sqlite3_busy_timeout(from, busy_timeout_ms());
			sqlite3_backup_step(b, -1);
		}
		rc = sqlite3_backup_finish(b);
		if (rc != SQLITE_OK)
			pb_error("%s: cannot copy the store: %s", s->path,
				 sqlite3_errstr(rc));
	}
	sqlite3_close(from);
	if (rc == SQLITE_OK)
		pb_warn("%s: cannot write the store: its analysis is brought up to "
			"date for this run only (slower; run a command as its owner "
			"to keep it)", s->path);
	return rc;
}

static int open_connection(struct pb_store *s, enum pb_store_mode mode)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;

	/* One connection per thread: SQLite's own mutexes are not needed. */
	if (mode == PB_STORE_READ)
		return open_reader(s, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
	if (mode == PB_STORE_SCRATCH)
		return open_scratch(s, flags);
	return sqlite3_open_v2(s->path, &s->db, flags, NULL);
}

/* Page size of a new store (an existing one keeps its own). 64 KiB,
 * SQLite's largest, when made for a large import: it writes a quarter of
 * the WAL frames and B-tree splits of 16 KiB pages and is 8% (1 GiB) to
 * 17% (4.4 GiB) faster, blame on 10 M events reads no slower; but each of
 * the schema's 26 tables and indexes takes a page, so small stores keep
 * 16 KiB (0.4 MiB empty, not 1.7 MiB).
 * A store in place is written in WAL mode, so that readers and other
 * imports go on; synchronous NORMAL is safe with it. A new store built
 * aside (aside.c) has no reader: its pages are written once, straight
 * into it, with the rollback journal in memory (the pages a transaction
 * changes that existed before it: the empty schema's, for its first
 * file) and no sync until store_aside_place() syncs it whole; a crash
 * before then leaves a file that is never put in place. */
static int configure_writer(struct pb_store *s, enum pb_store_mode mode)
{
	if (mode == PB_STORE_SCRATCH)
		return 0;
	if (pb_store_exec(s, mode == PB_STORE_WRITE_LARGE ? "PRAGMA page_size = 65536"
							  : "PRAGMA page_size = 16384") < 0)
		return -1;
	if (s->aside)
		return pb_store_exec(s, "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF");
	if (set_wal(s) < 0)
		return -1;
	return pb_store_exec(s, "PRAGMA synchronous = NORMAL");
}

static struct pb_store *store_new(const char *path, enum pb_store_mode mode)
{
	static pthread_once_t configured = PTHREAD_ONCE_INIT;
	struct pb_store *s = pb_calloc(1, sizeof(*s));

	pthread_once(&configured, configure_sqlite);
	s->path = pb_strdup(path);
	s->aside_fd = -1;
	s->mode = mode;
	if (!damage.found)
		snprintf(damage.path, sizeof(damage.path), "%s", path);
	s->writable = mode != PB_STORE_READ;
	s->scratch_copy = mode == PB_STORE_SCRATCH;
	return s;
}

/* What every connection needs once it is open: the schema, the settings,
 * the functions and (to write) the statements. */
static int setup_connection(struct pb_store *s, enum pb_store_mode mode)
{
	sqlite3_busy_timeout(s->db, busy_timeout_ms());
	sqlite3_extended_result_codes(s->db, 1);
	if (s->writable && configure_writer(s, mode) < 0)
		return -1;
	/* 32 MiB of page cache: index pages stay in memory during an import,
	 * and memory stays bounded whatever the input size. */
	if (pb_store_exec(s, "PRAGMA cache_size = -32768") < 0)
		return -1;
	if (check_schema(s) < 0 || store_register_functions(s) < 0)
		return -1;
	/* after check_schema(): a reader of an old store writes temporary views */
	if (!s->writable && pb_store_exec(s, "PRAGMA query_only = 1") < 0)
		return -1;
	if (s->writable && store_prepare_all(s) < 0)
		return -1;
	return 0;
}

static int open_failed(struct pb_store *s)
{
	pb_error("%s: cannot open store: %s", s->path,
		 s->db ? sqlite3_errmsg(s->db) : "out of memory");
	return -1;
}

struct pb_store *pb_store_open(const char *path, enum pb_store_mode mode)
{
	struct pb_store *s = store_new(path, mode);
	struct stat sb;

	if ((mode == PB_STORE_READ || mode == PB_STORE_SCRATCH) && stat(path, &sb) < 0) {
		pb_error("%s: %s (import a trace first: pinblame import FILE)", path,
			 strerror(errno));
		goto fail;
	}
	if (open_connection(s, mode) != SQLITE_OK) {
		open_failed(s);
		goto fail;
	}
	if (setup_connection(s, mode) < 0)
		goto fail;
	return s;
fail:
	pb_store_close(s);
	return NULL;
}

struct pb_store *pb_store_open_import(const char *path, enum pb_store_mode mode)
{
	struct pb_store *s;

	if (access(path, F_OK) == 0 || errno != ENOENT)
		return pb_store_open(path, mode);
	store_aside_remove_stale(path);
	s = store_new(path, mode);
	s->aside = store_aside_create(path, &s->aside_fd);
	if (!s->aside)
		goto fail;
	if (sqlite3_open_v2(s->aside, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		open_failed(s);
		goto fail;
	}
	if (setup_connection(s, mode) < 0)
		goto fail;
	return s;
fail:
	pb_store_close(s);
	return NULL;
}

int pb_store_in_place(const struct pb_store *s)
{
	return !s->aside;
}

/* Removes the file a new store was built in, if it is still there. After
 * the connections to it are closed: closing a descriptor of a file drops
 * the (POSIX) locks SQLite holds on it. */
static void discard_aside(struct pb_store *s)
{
	if (!s->aside)
		return;
	unlink(s->aside);
	close(s->aside_fd);
	free(s->aside);
	s->aside = NULL;
	s->aside_fd = -1;
}

/* The new store's first file is committed: the file it was built in takes
 * the store's name. When another import made the store meanwhile (or the
 * file system has no hard links) its sources are merged into that store
 * instead. Later files go into the store in place, as into any other.
 * Returns 1, 0 when the other import had stored the same file, or -1. */
static int put_in_place(struct pb_store *s)
{
	struct pb_merge_stats merged = { 0 };
	int placed, rc;

	store_finalize_all(s);
	rc = sqlite3_close(s->db);
	s->db = NULL;
	if (rc != SQLITE_OK) {
		pb_error("%s: cannot close the new store: %s", s->path, sqlite3_errstr(rc));
		return -1;
	}
	placed = store_aside_place(s->aside, s->aside_fd, s->path);
	if (placed < 0)
		return -1;
	if (open_connection(s, s->mode) != SQLITE_OK)
		rc = open_failed(s);
	else
		rc = setup_connection(s, s->mode);
	if (rc == 0 && placed == 1)
		rc = pb_store_merge(s, s->aside, &merged);
	discard_aside(s);
	/* ids interned in the file merged may differ here */
	store_forget_interned(s);
	if (rc < 0)
		return -1;
	return placed == 0 || merged.sources > 0;
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

int pb_store_writable(const char *path)
{
	struct stat sb;

	return stat(path, &sb) < 0 || store_writable(path);
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

int64_t pb_store_find_source(struct pb_store *s, const char *sha256)
{
	sqlite3_stmt *st = pb_store_prepare(s, "SELECT id FROM source WHERE sha256 = ?");
	int64_t id = 0;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	if (pb_store_first_int64(s, st, &id) < 0)
		id = -1;
	sqlite3_finalize(st);
	return id;
}

static void reset_source_state(struct pb_store *s)
{
	store_index_reset(&s->index);
	s->in_source = 0;
	s->events = s->lost_events = s->unpaired = 0;
	s->first_ts = s->last_ts = -1;
	s->nopen = 0;
}

int pb_store_source_begin(struct pb_store *s, const struct pb_source_info *info,
			  int64_t *source_id)
{
	sqlite3_stmt *st;
	char placeholder[80];
	int64_t existing;

	if (pb_store_exec(s, "BEGIN IMMEDIATE") < 0)
		return -1;
	if (info->sha256) {
		existing = pb_store_find_source(s, info->sha256);
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
	st = pb_store_prepare(s, "INSERT INTO source(path, sha256, format, imported_at) "
			      "VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))");
	if (!st)
		goto fail;
	/* A unique placeholder until the hash is known (stdin). */
	snprintf(placeholder, sizeof(placeholder), "pending-%ld-%ld", (long)getpid(),
		 (long)time(NULL));
	sqlite3_bind_text(st, 1, info->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, info->sha256 ? info->sha256 : placeholder, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, info->format, -1, SQLITE_STATIC);
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

static int write_totals(struct pb_store *s, const struct pb_source_totals *t)
{
	sqlite3_stmt *st = pb_store_prepare(s,
		"UPDATE source SET events = ?, bad_lines = ?, lines = ?, bytes = ?, "
		"seconds = ?, kernel = ?, arch = ?, first_ts_ns = ?, last_ts_ns = ?, "
		"lost_events = ?, unpaired = ?, sha256 = COALESCE(?, sha256), clock = ? "
		"WHERE id = ?");
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
	sqlite3_bind_int64(st, 10, (int64_t)s->lost_events);
	sqlite3_bind_int64(st, 11, (int64_t)s->unpaired);
	sqlite3_bind_text(st, 12, t->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, t->clock, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 14, s->source_id);
	rc = pb_store_run(s, st);
	sqlite3_finalize(st);
	return rc;
}

int pb_store_source_commit(struct pb_store *s, const struct pb_source_totals *t)
{
	if (t->sha256) {
		int64_t other = pb_store_find_source(s, t->sha256);

		if (other && other != s->source_id) {
			pb_store_source_rollback(s);
			return other < 0 ? -1 : 0;
		}
	}
	store_typed_finish(s);
	if (store_events_flush(s) < 0 || store_index_flush(s) < 0 || write_totals(s, t) < 0 ||
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
