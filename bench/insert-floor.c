/* insert-floor.c - the cost of only writing pinblame's rows into SQLite.
 *
 *   insert-floor DB EVENTS FIELDS_LEN BODIES BODY_LEN STACKED TYPED [PACK]
 *
 * Creates the store's event table (same columns; like the store's, no SQL
 * index: the store writes its index by name as a few rows per block, which
 * TYPED counts) and its migration table in a new DB, with the settings of a
 * new store made for a large import (64 KiB pages, built aside: the
 * rollback journal in memory, no sync until the end, then one fsync; no
 * memory statistics), and inserts EVENTS event rows, 16 to a statement as
 * the store does (INSERT OR ROLLBACK: no statement journal), and TYPED
 * typed rows through prepared statements in one transaction: no parsing,
 * no interning, no lookups. FIELDS_LEN is the
 * length of each row's fields text, BODIES rows also get a raw body of
 * BODY_LEN bytes and STACKED rows a stack id, so the rows match the
 * averages measured in a real import. Prints the seconds
 * spent from BEGIN to the end of the fsync after COMMIT.
 *
 * With PACK > 1, the same events go PACK to a row instead (one row per
 * block: its first id and count, and the columns of its events as one blob
 * of varints followed by their texts, encoded here): what storing events
 * in blocks would cost at least, the way to fewer SQLite rows that the
 * import's budget against the Python baseline needs (bench/README.md). */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

static const char schema[] =
	"PRAGMA page_size = 65536;\n"
	"PRAGMA journal_mode = MEMORY;\n"
	"PRAGMA synchronous = OFF;\n"
	"PRAGMA cache_size = -32768;\n"
	"CREATE TABLE event(id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL,\n"
	"  line INTEGER NOT NULL, ts_ns INTEGER, cpu INTEGER, pid INTEGER,\n"
	"  tgid INTEGER, comm_id INTEGER, name_id INTEGER NOT NULL,\n"
	"  stack_id INTEGER, ustack_id INTEGER, fields TEXT, body TEXT);\n"
	"CREATE TABLE event_block(first_id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL,\n"
	"  n INTEGER NOT NULL, data BLOB NOT NULL);\n"
	"CREATE TABLE migration(id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL,\n"
	"  ts_ns INTEGER, pid INTEGER, comm TEXT, reason TEXT, mode TEXT,\n"
	"  succeeded INTEGER, failed INTEGER, stack_id INTEGER, event_id INTEGER,\n"
	"  cma_alloc_id INTEGER);\n";

struct floor_args {
	uint64_t events, fields_len, bodies, body_len, stacked, typed, pack;
};

static void die_sql(sqlite3 *db, const char *what)
{
	fprintf(stderr, "insert-floor: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Text of exactly LEN bytes that differs from row to row, like real
 * key=value fields do. */
static int fill_text(char *buf, size_t len, uint64_t row)
{
	int n = snprintf(buf, len + 1, "{\"pfn\":\"0x%" PRIx64 "\",\"nr_scanned\":\"%" PRIu64
			 "\",\"reason\":\"contig_range\",\"pad\":\"", 0x100000 + row * 0x200,
			 row % 513);

	if (n < 0)
		return 0;
	if ((size_t)n < len)
		memset(buf + n, 'x', len - (size_t)n);
	return (int)len;
}

/* Whether row I is one of the K rows out of N, spread evenly. */
static int spread(uint64_t i, uint64_t k, uint64_t n)
{
	return (i + 1) * k / n != i * k / n;
}

/* Event row I's numbers: its line and time grow by LINE_STEP and TS_STEP
 * a row; stack 0 for none. tgid is pid. */
#define LINE_STEP 13
#define TS_STEP 3917

struct floor_row {
	uint64_t line, ts;
	int cpu, pid, comm, name, stack;
};

static struct floor_row floor_row(uint64_t i, const struct floor_args *a)
{
	struct floor_row r = {
		.line = (i + 1) * LINE_STEP,
		.ts = 6000000000ull + i * TS_STEP,
		.cpu = (int)(i & 1),
		.pid = (int)(106 + (i >> 16) % 4096),
		.comm = (int)(1 + i % 5),
		.name = (int)(6 + i % 19),
		.stack = spread(i, a->stacked, a->events) ? (int)(1 + i % 22) : 0,
	};

	return r;
}

/* Rows per statement, as the store writes events (lib/store/record.c). */
#define ROWS 16
#define COLS 10

static sqlite3_stmt *prepare_events(sqlite3 *db, int rows)
{
	char sql[4096];
	size_t n = (size_t)snprintf(sql, sizeof(sql), "INSERT OR ROLLBACK INTO event(source_id, "
				    "line, ts_ns, cpu, pid, tgid, comm_id, name_id, stack_id, "
				    "ustack_id, fields, body) VALUES ");
	sqlite3_stmt *st;

	for (int r = 0; r < rows; r++)
		n += (size_t)snprintf(sql + n, sizeof(sql) - n, "%s(1, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)",
				      r ? ", " : "");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL))
		die_sql(db, "prepare event insert");
	return st;
}

/* Event row I's values into parameters BASE + 1 ... of ST. */
static void bind_event(sqlite3_stmt *st, int base, uint64_t i, const struct floor_args *a,
		       char *fields, char *body)
{
	struct floor_row r = floor_row(i, a);

	sqlite3_bind_int64(st, base + 1, (sqlite3_int64)r.line);
	sqlite3_bind_int64(st, base + 2, (sqlite3_int64)r.ts);
	sqlite3_bind_int(st, base + 3, r.cpu);
	sqlite3_bind_int(st, base + 4, r.pid);
	sqlite3_bind_int(st, base + 5, r.pid);
	sqlite3_bind_int(st, base + 6, r.comm);
	sqlite3_bind_int(st, base + 7, r.name);
	if (r.stack)
		sqlite3_bind_int(st, base + 8, r.stack);
	else
		sqlite3_bind_null(st, base + 8);
	/* each row of a statement has its own text, as the store's rows do */
	sqlite3_bind_text(st, base + 9, fields, fill_text(fields, a->fields_len, i),
			  SQLITE_STATIC);
	if (spread(i, a->bodies, a->events))
		sqlite3_bind_text(st, base + 10, body, fill_text(body, a->body_len, i),
				  SQLITE_STATIC);
	else
		sqlite3_bind_null(st, base + 10);
}

static void insert_events(sqlite3 *db, const struct floor_args *a)
{
	sqlite3_stmt *many = prepare_events(db, ROWS), *one = prepare_events(db, 1);
	char *fields = malloc(ROWS * (a->fields_len + 1)), *body = malloc(ROWS * (a->body_len + 1));
	uint64_t i = 0;

	if (!fields || !body) {
		fputs("insert-floor: out of memory\n", stderr);
		exit(1);
	}
	for (; i + ROWS <= a->events; i += ROWS) {
		for (int r = 0; r < ROWS; r++)
			bind_event(many, r * COLS, i + (uint64_t)r, a,
				   fields + (size_t)r * (a->fields_len + 1),
				   body + (size_t)r * (a->body_len + 1));
		if (sqlite3_step(many) != SQLITE_DONE)
			die_sql(db, "insert events");
		sqlite3_reset(many);
	}
	for (; i < a->events; i++) {
		bind_event(one, 0, i, a, fields, body);
		if (sqlite3_step(one) != SQLITE_DONE)
			die_sql(db, "insert event");
		sqlite3_reset(one);
	}
	sqlite3_finalize(many);
	sqlite3_finalize(one);
	free(fields);
	free(body);
}

/* V as a varint (7 bits a byte, low first) at P; the end. */
static unsigned char *put_varint(unsigned char *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*p++ = (unsigned char)v;
	return p;
}

/* Event row I's columns (as bind_event() gives them, the times and lines
 * as deltas from the row before) and texts at P; the end. TEXT is scratch
 * of the longer text's length + 1. */
static unsigned char *pack_event(unsigned char *p, uint64_t i, const struct floor_args *a,
				 char *text)
{
	struct floor_row r = floor_row(i, a);
	int len;

	p = put_varint(p, LINE_STEP);
	p = put_varint(p, TS_STEP);
	p = put_varint(p, (uint64_t)r.cpu);
	p = put_varint(p, (uint64_t)r.pid);
	p = put_varint(p, (uint64_t)r.pid);
	p = put_varint(p, (uint64_t)r.comm);
	p = put_varint(p, (uint64_t)r.name);
	p = put_varint(p, (uint64_t)r.stack);
	len = fill_text(text, a->fields_len, i);
	p = put_varint(p, (uint64_t)len);
	memcpy(p, text, (size_t)len);
	p += len;
	len = spread(i, a->bodies, a->events) ? fill_text(text, a->body_len, i) : 0;
	p = put_varint(p, (uint64_t)len);
	memcpy(p, text, (size_t)len);
	return p + len;
}

static void insert_packed(sqlite3 *db, const struct floor_args *a)
{
	size_t longest = a->fields_len > a->body_len ? a->fields_len : a->body_len;
	unsigned char *block = malloc(a->pack * (11 * 10 + 2 * longest));
	char *text = malloc(longest + 1);
	sqlite3_stmt *st;

	if (!block || !text) {
		fputs("insert-floor: out of memory\n", stderr);
		exit(1);
	}
	if (sqlite3_prepare_v2(db, "INSERT OR ROLLBACK INTO event_block(first_id, source_id, n, "
			       "data) VALUES (?, 1, ?, ?)", -1, &st, NULL))
		die_sql(db, "prepare block insert");
	for (uint64_t first = 0; first < a->events; first += a->pack) {
		uint64_t n = a->events - first < a->pack ? a->events - first : a->pack;
		unsigned char *end = block;

		for (uint64_t i = first; i < first + n; i++)
			end = pack_event(end, i, a, text);
		sqlite3_bind_int64(st, 1, (sqlite3_int64)first + 1);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)n);
		sqlite3_bind_blob(st, 3, block, (int)(end - block), SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			die_sql(db, "insert block");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	free(block);
	free(text);
}

static void insert_typed(sqlite3 *db, const struct floor_args *a)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, "INSERT INTO migration(source_id, ts_ns, pid, comm, "
			       "reason, mode, succeeded, failed, stack_id, event_id, "
			       "cma_alloc_id) VALUES (1, ?, ?, 'sh', 'contig_range', "
			       "'MIGRATE_SYNC', ?, ?, ?, ?, NULL)", -1, &st, NULL))
		die_sql(db, "prepare typed insert");
	for (uint64_t i = 0; i < a->typed; i++) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)(6000000000ull + i * 11003));
		sqlite3_bind_int(st, 2, (int)(106 + (i >> 16) % 4096));
		sqlite3_bind_int(st, 3, (int)(i % 3));
		sqlite3_bind_int(st, 4, (int)(i % 7 == 0));
		sqlite3_bind_int(st, 5, (int)(1 + i % 22));
		sqlite3_bind_int64(st, 6, (sqlite3_int64)(i * 4 + 2));
		if (sqlite3_step(st) != SQLITE_DONE)
			die_sql(db, "insert typed row");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
}

/* The one sync of a store built aside, before it is put in place. */
static void sync_file(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fsync(fd) < 0) {
		perror(path);
		exit(1);
	}
	close(fd);
}

int main(int argc, char **argv)
{
	struct floor_args a;
	sqlite3 *db;
	double t0;

	if (argc != 8 && argc != 9) {
		fputs("usage: insert-floor DB EVENTS FIELDS_LEN BODIES BODY_LEN STACKED TYPED [PACK]\n",
		      stderr);
		return 2;
	}
	a.events = strtoull(argv[2], NULL, 10);
	a.fields_len = strtoull(argv[3], NULL, 10);
	a.bodies = strtoull(argv[4], NULL, 10);
	a.body_len = strtoull(argv[5], NULL, 10);
	a.stacked = strtoull(argv[6], NULL, 10);
	a.typed = strtoull(argv[7], NULL, 10);
	a.pack = argc == 9 ? strtoull(argv[8], NULL, 10) : 1;
	/* as pinblame does: no global mutex on every SQLite allocation */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (sqlite3_open(argv[1], &db))
		die_sql(db, argv[1]);
	if (sqlite3_exec(db, schema, NULL, NULL, NULL))
		die_sql(db, "schema");
	t0 = now_seconds();
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL))
		die_sql(db, "begin");
	if (a.pack > 1)
		insert_packed(db, &a);
	else
		insert_events(db, &a);
	insert_typed(db, &a);
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL))
		die_sql(db, "commit");
	sync_file(argv[1]);
	printf("%.3f\n", now_seconds() - t0);
	if (sqlite3_close(db))
		die_sql(db, "close");
	return 0;
}
