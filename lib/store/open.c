/* open.c - opening a store: the connection (read-only, a private copy,
 * or to write), its settings, and the schema check that creates, upgrades
 * or refuses it; and the new store built aside and put in place.
 *
 * An import writes through the WAL, so that readers and other imports go
 * on meanwhile, except into a store that does not exist yet: that one is
 * built in a file of its own without a WAL, its pages written once, and
 * put in place when its first file commits (pb_store_open_import(),
 * put_in_place(), aside.c; doc/DESIGN.md, "The store").
 *
 * Apart from store.c and source.c because none of it runs after a store
 * is open, but for put_in_place(), which opens the store again. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_int.h"

#define BUSY_TIMEOUT_MS 60000

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

/* Whether S is an SQLite database of something else: no schema version
 * of ours and tables of its own. pinblame would add its tables beside
 * them (and turn on WAL): refused before anything is written. */
static int foreign_database(struct pb_store *s)
{
	sqlite3_stmt *st;
	int64_t version = 0, objects = 0;

	st = pb_store_prepare(s, "PRAGMA user_version");
	if (!st || pb_store_first_int64(s, st, &version) < 0) {
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	if (version != 0)
		return 0;
	st = pb_store_prepare(s, "SELECT count(*) FROM sqlite_master");
	if (!st || pb_store_first_int64(s, st, &objects) < 0) {
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	if (!objects)
		return 0;
	pb_error("%s: not a pinblame store: an SQLite database with %lld tables, views or "
		 "indexes of its own (give -d a new file)", s->path, (long long)objects);
	return 1;
}

/* What every connection needs once it is open: the schema, the settings,
 * the functions and (to write) the statements. */
static int setup_connection(struct pb_store *s, enum pb_store_mode mode)
{
	sqlite3_busy_timeout(s->db, busy_timeout_ms());
	sqlite3_extended_result_codes(s->db, 1);
	if (s->writable && !s->aside && mode != PB_STORE_SCRATCH && foreign_database(s))
		return -1;
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

/* The rest of opening S, whose sqlite3_open_v2() returned RC: S set up, or
 * NULL after saying why. */
static struct pb_store *store_connected(struct pb_store *s, int rc, enum pb_store_mode mode)
{
	if (rc != SQLITE_OK)
		open_failed(s);
	else if (setup_connection(s, mode) == 0)
		return s;
	pb_store_close(s);
	return NULL;
}

/* What the first bytes of a file that is not an SQLite database look
 * like, for the error that says so: a store given a trace by mistake, or
 * a store still compressed. */
static const char *looks_like(const unsigned char *head, size_t n)
{
	static const struct {
		const char *magic;
		size_t len;
		const char *what;
	} kinds[] = {
		{ "\xfd" "7zXZ", 5, "xz-compressed data: decompress a store first, with xz -dk" },
		{ "\x1f\x8b", 2, "gzip-compressed data: decompress a store first, with gzip -dk" },
		{ "\x28\xb5\x2f\xfd", 4, "zstd-compressed data: decompress a store first, with zstd -d" },
		{ "\x17\x08\x44" "tracing", 10, "a trace-cmd trace.dat: import it with pinblame import FILE" },
	};
	size_t text = 0;

	for (size_t i = 0; i < PB_ARRAY_SIZE(kinds); i++)
		if (n >= kinds[i].len && !memcmp(head, kinds[i].magic, kinds[i].len))
			return kinds[i].what;
	while (text < n && (head[text] >= 0x20 || head[text] == '\n' || head[text] == '\t' ||
			    head[text] == '\r' || head[text] == 0x1b))
		text++;
	if (text == n)
		return "text, a trace or a log: import it with pinblame import FILE";
	return "no SQLite database: another program's file, or a store whose first page "
	       "was overwritten";
}

/* Checks, before SQLite opens PATH, what SQLite would say in words of its
 * own ("unable to open database file", "file is not a database", taken
 * for damage): a file we may not read, and one that is no SQLite file at
 * all. An empty file is a new store. 0, or -1 after saying why. */
static int check_store_file(const char *path)
{
	static const char magic[16] = "SQLite format 3";
	unsigned char head[512];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENOENT)
			return 0;	/* created, or said by the caller */
		pb_error("%s: cannot open the store: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n < 0) {
		pb_error("%s: cannot read the store: %s", path, strerror(errno));
		return -1;
	}
	if (n == 0 || ((size_t)n >= sizeof(magic) && !memcmp(head, magic, sizeof(magic))))
		return 0;
	pb_error("%s is not a pinblame store (it looks like %s)", path,
		 looks_like(head, (size_t)n));
	return -1;
}

/* A store to write must be writable, and so must its folder (SQLite's
 * WAL and journal files go there): said with the reason, not as SQLite's
 * "attempt to write a readonly database". 0 or -1. */
static int check_store_writable(const char *path)
{
	char *dir = pb_strdup(path), *slash = strrchr(dir, '/');
	const char *folder = slash ? dir : ".";
	int rc = 0;

	if (slash)
		slash[slash == dir] = '\0';
	if (access(path, W_OK) < 0 && errno != ENOENT) {
		pb_error("%s: cannot write the store: %s", path, strerror(errno));
		rc = -1;
	} else if (access(folder, W_OK) < 0) {
		pb_error("%s: cannot write the store's folder %s (its journal goes there): %s",
			 path, folder, strerror(errno));
		rc = -1;
	}
	free(dir);
	return rc;
}

/* Whether PATH (SB its stat) is an empty file that no import is writing
 * to: import makes it a store (an empty file is a new SQLite database),
 * but to a reader it holds what a missing store holds. An import into it
 * in WAL mode leaves it empty until a checkpoint, with the pages in its
 * "-wal" file, which a reader reads: so only without one. */
static int empty_store(const char *path, const struct stat *sb)
{
	struct pb_buf wal_path = { 0 };
	struct stat wal;
	int empty;

	if (sb->st_size != 0 || !S_ISREG(sb->st_mode))
		return 0;
	pb_buf_addf(&wal_path, "%s-wal", path);
	empty = stat(pb_buf_str(&wal_path), &wal) < 0 || wal.st_size == 0;
	pb_buf_free(&wal_path);
	return empty;
}

/* Whether a store to be read was not there: nothing was imported, which
 * is the input's fault (exit 3, as for a store without traces), not a
 * store that is in a bad way (4). */
static int store_missing;

int pb_store_was_missing(void)
{
	return store_missing;
}

struct pb_store *pb_store_open(const char *path, enum pb_store_mode mode)
{
	struct pb_store *s = store_new(path, mode);
	struct stat sb;

	/* SQLite says "disk I/O error" of a directory */
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		pb_error("%s: is a directory, not a store (give -d a file)", path);
		pb_store_close(s);
		return NULL;
	}
	if ((mode == PB_STORE_READ || mode == PB_STORE_SCRATCH) && stat(path, &sb) < 0) {
		store_missing = errno == ENOENT;
		pb_error("%s: %s (import a trace first: pinblame import FILE)", path,
			 store_missing ? "no store: no traces imported" : strerror(errno));
		pb_store_close(s);
		return NULL;
	}
	if ((mode == PB_STORE_READ || mode == PB_STORE_SCRATCH) && empty_store(path, &sb)) {
		store_missing = 1;
		pb_error("%s: an empty file, no traces imported (import a trace first: "
			 "pinblame import FILE)", path);
		pb_store_close(s);
		return NULL;
	}
	if (check_store_file(path) < 0 ||
	    ((mode == PB_STORE_WRITE || mode == PB_STORE_WRITE_LARGE) &&
	     check_store_writable(path) < 0)) {
		pb_store_close(s);
		return NULL;
	}
	return store_connected(s, open_connection(s, mode), mode);
}

struct pb_store *pb_store_open_import(const char *path, enum pb_store_mode mode)
{
	struct pb_store *s;

	if (access(path, F_OK) == 0 || errno != ENOENT)
		return pb_store_open(path, mode);
	store_aside_remove_stale(path);
	s = store_new(path, mode);
	s->aside = store_aside_create(path, &s->aside_fd);
	if (!s->aside) {
		pb_store_close(s);
		return NULL;
	}
	return store_connected(s, sqlite3_open_v2(s->aside, &s->db,
						  SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
						  NULL), mode);
}

int pb_store_in_place(const struct pb_store *s)
{
	return !s->aside;
}

/* Removes the file a new store was built in, if it is still there. After
 * the connections to it are closed: closing a descriptor of a file drops
 * the (POSIX) locks SQLite holds on it. */
void discard_aside(struct pb_store *s)
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
int put_in_place(struct pb_store *s)
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

int pb_store_writable(const char *path)
{
	struct stat sb;

	return stat(path, &sb) < 0 || store_writable(path);
}
