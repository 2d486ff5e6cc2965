/* lib/store: records stored from the parsing thread (pb_store_prep_record
 * through pb_parser_run_ahead, as `pinblame import` does) give the very
 * rows that records stored one at a time give; bad lines and source sizes
 * as import writes and reads them. */
#include "unit.h"

#include <stdio.h>
#include <unistd.h>

#include <sqlite3.h>

#include "pinblame/parse.h"
#include "pinblame/store.h"
#include "store_query.h"

struct fixture {
	char dir[64];
	char db[2][96];
	struct pb_store *s[2];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/pb-store.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	for (int i = 0; i < 2; i++) {
		snprintf(f->db[i], sizeof(f->db[i]), "%s/%d.db", f->dir, i);
		f->s[i] = pb_store_open(f->db[i], PB_STORE_WRITE);
		assert_non_null(f->s[i]);
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	for (int i = 0; i < 2; i++) {
		pb_store_close(f->s[i]);
		unit_remove_store(f->db[i]);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static int count_bad_line(void *ctx, uint64_t line, enum pb_bad_reason why, const char *text,
			  size_t len)
{
	(void)line, (void)why, (void)text, (void)len;
	++*(unsigned *)ctx;
	return 0;
}

/* Imports testdata file NAME into S, on a parsing thread when AHEAD. */
static unsigned import_file(struct pb_store *s, const char *name, int ahead)
{
	char path[512], err[256], sha[65];
	unsigned char digest[32];
	struct pb_input *in;
	struct pb_parser *p;
	struct pb_record *rec;
	struct pb_source_info info = { .path = name, .sha256 = sha };
	struct pb_source_totals t = { .sha256 = sha };
	unsigned bad = 0;
	int64_t id;

	snprintf(path, sizeof(path), "%s/%s", unit_testdata(), name);
	assert_int_equal(pb_file_sha256(path, digest, err, sizeof(err)), 0);
	pb_sha256_hex(digest, sha);
	in = pb_input_open(path, err, sizeof(err));
	assert_non_null(in);
	p = pb_parser_new(in, PB_FMT_UNKNOWN, count_bad_line, &bad, err, sizeof(err));
	assert_non_null(p);
	info.format = pb_format_name(pb_parser_format(p));
	assert_int_equal(pb_store_source_begin(s, &info, &id), 1);
	if (ahead)
		assert_int_equal(pb_parser_run_ahead(p, pb_store_prep_record, s), 0);
	while (pb_parser_next(p, &rec) == 1) {
		assert_int_equal(rec->prep != NULL, ahead);
		assert_int_equal(pb_store_add_record(s, rec), 0);
	}
	t.events = pb_store_source_events(s);
	assert_int_equal(pb_store_source_commit(s, &t), 1);
	pb_parser_free(p);
	pb_input_close(in);
	return bad;
}

/* Every row of the public views, in a fixed order, hashed; *ROWS counts
 * them. Stacks and symbols by text, so that the ids may differ. */
static uint64_t store_digest(struct pb_store *s, uint64_t *rows)
{
	static const char *const views[] = {
		("SELECT e.id, e.source_id, e.line, e.ts_ns, e.cpu, e.pid, e.tgid, e.comm, e.event, "
		 "e.body, st.folded FROM events e LEFT JOIN stacks st ON st.id = e.stack_id "
		 "ORDER BY e.id"),
		"SELECT event_id, name, value FROM event_fields ORDER BY event_id, name, value",
		("SELECT s.folded, f.depth, f.symbol, f.offset, f.module FROM frames f "
		 "JOIN stacks s ON s.id = f.stack_id ORDER BY s.folded, f.depth"),
		"SELECT * FROM cma_allocs ORDER BY id",
		"SELECT * FROM busy_ranges ORDER BY id",
		"SELECT * FROM migrations ORDER BY id",
		"SELECT * FROM page_evidence ORDER BY id",
		"SELECT path, format, events, bad_lines FROM sources ORDER BY id",
	};
	uint64_t h = 0;

	*rows = 0;
	for (size_t v = 0; v < PB_ARRAY_SIZE(views); v++) {
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_prepare_v2(pb_store_db(s), views[v], -1, &st, NULL),
				 SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(st); c++) {
				const unsigned char *t = sqlite3_column_text(st, c);

				h = h * 1099511628211ull ^
				    (t ? pb_hash64(t, (size_t)sqlite3_column_bytes(st, c)) : 7);
			}
			++*rows;
		}
		sqlite3_finalize(st);
	}
	return h;
}

static const char *const inputs[] = {
	"real/amd64-ftrace-gigantic-nocma/trace.txt.xz",
	"real/arm64-ftrace-hugetlb-cma/dmesg.txt",
	"samples/ftrace-6.6-page_ref-cma_errorno.txt",
	"samples/perf-script-5.15-page_pinner-rfc.txt",
	"samples/ack-page_pinner-buffer-6.6.txt",
	"samples/dmesg-5.10-android-page_pinner.txt",
};

static void test_ahead_same_rows(void **state)
{
	struct fixture *f = *state;
	uint64_t rows[2], digest[2];

	for (int ahead = 0; ahead < 2; ahead++) {
		for (size_t i = 0; i < PB_ARRAY_SIZE(inputs); i++)
			import_file(f->s[ahead], inputs[i], ahead);
		digest[ahead] = store_digest(f->s[ahead], &rows[ahead]);
	}
	/* the amd64 trace alone has 5,495 migrations (t1002) */
	assert_true(rows[0] > 5495);
	assert_int_equal(rows[0], rows[1]);
	assert_int_equal(digest[0], digest[1]);
}

/* A stack seen again in a later source is handed over with its frames
 * again (the parsing thread forgets at each source), and one seen twice
 * in a source once: the store keeps one copy either way. */
static void test_ahead_stacks_across_sources(void **state)
{
	struct fixture *f = *state;
	sqlite3_stmt *st;

	import_file(f->s[1], "samples/dmesg-5.10-android-page_pinner.txt", 1);
	import_file(f->s[1], "samples/dmesg-6.6-dump_page-folio.txt", 1);
	assert_int_equal(sqlite3_prepare_v2(pb_store_db(f->s[1]),
		"SELECT count(*), count(DISTINCT folded) FROM stacks", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), sqlite3_column_int(st, 1));
	sqlite3_finalize(st);
	/* the two page_pinner records share one stack of 12 frames */
	assert_int_equal(sqlite3_prepare_v2(pb_store_db(f->s[1]),
		"SELECT count(DISTINCT stack_id), max(s.depth) FROM page_evidence v "
		"JOIN stacks s ON s.id = v.stack_id WHERE v.kind = 'last_pin'", -1, &st, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	assert_int_equal(sqlite3_column_int(st, 1), 12);
	sqlite3_finalize(st);
}

/* TEXT imported into S as one ftrace source of kernel RELEASE (NULL:
 * unknown); its migrations as "reason/mode/succeeded/failed", by time. */
static char *migrations_of(struct pb_store *s, const char *text, const char *sha,
			   const char *release)
{
	struct pb_input *in = pb_input_open_memory(text, strlen(text), "raw.txt");
	struct pb_source_info info = { .path = "raw.txt", .format = "ftrace", .sha256 = sha };
	struct pb_source_totals t = { .sha256 = sha, .kernel = release };
	struct pb_parser *p;
	struct pb_record *rec;
	sqlite3_stmt *st;
	char err[256], *rows;
	unsigned bad = 0;
	int64_t id;

	p = pb_parser_new(in, PB_FMT_FTRACE, count_bad_line, &bad, err, sizeof(err));
	assert_non_null(p);
	assert_int_equal(pb_store_source_begin(s, &info, &id), 1);
	while (pb_parser_next(p, &rec) == 1)
		assert_int_equal(pb_store_add_record(s, rec), 0);
	assert_int_equal(pb_store_source_commit(s, &t), 1);
	pb_parser_free(p);
	pb_input_close(in);
	assert_int_equal(bad, 0);
	assert_int_equal(sqlite3_prepare_v2(pb_store_db(s),
		"SELECT group_concat(reason || '/' || mode || '/' || succeeded || '/' || failed, ' ') "
		"FROM (SELECT * FROM migrations WHERE source_id = ?1 ORDER BY ts_ns)", -1, &st, NULL),
		SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	rows = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rows;
}

/* mm_migrate_pages as raw output shows it (field names, enum numbers), as
 * kernels print numbers they have no name for, and with the name that
 * contig_range had before 4.18, from a kernel of unknown release: raw
 * numbers get the name every release gave them, a number the kernel
 * printed (reason=0x9) stays as it was printed (doc/FORMATS.md
 * section 1.3). */
static void test_migration_names(void **state)
{
	static const char text[] =
		"sh-292 [000] ..... 7.1: mm_migrate_pages: succeeded=30 failed=2 thp_succeeded=0 "
		"thp_failed=0 thp_split=0 mode=2 reason=6\n"
		"sh-292 [000] ..... 7.2: mm_migrate_pages: nr_succeeded=1 nr_failed=0 "
		"mode=MIGRATE_SYNC_LIGHT reason=0x9\n"
		"sh-292 [000] ..... 7.3: mm_migrate_pages: nr_succeeded=5 nr_failed=1 "
		"mode=0x3 reason=cma\n"
		"sh-292 [000] ..... 7.4: mm_migrate_pages: nr_succeeded=0 nr_failed=0 "
		"mode=7 reason=42\n"
		"sh-292 [000] ..... 7.5: mm_migrate_pages: succeeded=0x3 (3) failed=0x1 (1) "
		"mode=0x0 (0) reason=0x9 (9)\n";
	struct fixture *f = *state;
	char *rows = migrations_of(f->s[0], text, "cd", NULL);

	assert_string_equal(rows, "contig_range/MIGRATE_SYNC/30/2 0x9/MIGRATE_SYNC_LIGHT/1/0 "
			    "contig_range/MIGRATE_SYNC_NO_COPY/5/1 42/7/0/0 damon/MIGRATE_ASYNC/3/1");
	free(rows);
}

/* The same numbers from a 4.19 kernel, whose enum ended at
 * MR_CONTIG_RANGE (6) and had MIGRATE_SYNC_NO_COPY (3): 9 is no reason
 * there, so it stays a number (decimal, raw output's); a 6.12 source
 * after it names its own 9 and leaves the 4.19 rows as they were. */
static void test_migration_numbers_by_release(void **state)
{
	static const char text[] =
		"sh-292 [000] ..... 7.1: mm_migrate_pages: succeeded=0x3 (3) failed=0x1 (1) "
		"mode=0x3 (3) reason=0x9 (9)\n"
		"sh-292 [000] ..... 7.2: mm_migrate_pages: succeeded=0x3 (3) failed=0x1 (1) "
		"mode=0x2 (2) reason=0x6 (6)\n"
		"sh-292 [000] ..... 7.3: mm_migrate_pages: nr_succeeded=1 nr_failed=0 "
		"mode=MIGRATE_SYNC reason=0x9\n";
	static const char newer[] =
		"sh-292 [000] ..... 8.1: mm_migrate_pages: succeeded=7 failed=1 thp_succeeded=0 "
		"thp_failed=0 thp_split=0 mode=3 reason=9\n";
	struct fixture *f = *state;
	char *rows = migrations_of(f->s[0], text, "cd", "4.19.71");

	assert_string_equal(rows, "9/MIGRATE_SYNC_NO_COPY/3/1 contig_range/MIGRATE_SYNC/3/1 "
			    "0x9/MIGRATE_SYNC/1/0");
	free(rows);
	rows = migrations_of(f->s[0], newer, "ab", "6.12.107+deb13-arm64");
	assert_string_equal(rows, "damon/3/7/1");
	free(rows);
	assert_int_equal(query_int(f->s[0], "SELECT count(*) FROM migrations WHERE reason = '9' "
				   "AND source_id = 1"), 1);
}

/* Adds N events named in turn a, b, c (and every 1000th d) to a source of
 * S; commits it when COMMIT, else rolls it back. */
static void add_named_events(struct pb_store *s, const char *sha, size_t n, int commit)
{
	static const char *const names[] = { "a", "b", "c" };
	struct pb_source_info info = { .path = sha, .format = "ftrace", .sha256 = sha };
	struct pb_source_totals t = { .sha256 = sha };
	int64_t id;

	assert_int_equal(pb_store_source_begin(s, &info, &id), 1);
	for (size_t i = 0; i < n; i++) {
		struct pb_record r = {
			.line = i + 1, .ts_ns = (int64_t)i, .cpu = 0, .pid = 1, .tgid = -1,
			.comm = "sh", .system = "test",
			.event = i % 1000 == 999 ? "d" : names[i % 3], .body = "",
		};

		assert_int_equal(pb_store_add_record(s, &r), 0);
	}
	if (commit) {
		t.events = pb_store_source_events(s);
		assert_int_equal(pb_store_source_commit(s, &t), 1);
	} else {
		pb_store_source_rollback(s);
	}
}

/* The index by name is written a block of 65,536 events at a time and at
 * commit: every event once, under its own name, each row's ids ascending
 * from its first_id; a source rolled back leaves none. */
/* The index rows of store S hold every event once, ascending. */
static void assert_index_rows(struct pb_store *s, int64_t events)
{
	assert_int_equal(query_int(s, "SELECT sum(n) FROM event_index"), events);
	assert_int_equal(query_int(s, "SELECT count(*) FROM event_ids"), events);
	assert_int_equal(query_int(s, "SELECT count(DISTINCT id) FROM event_ids"), events);
	assert_int_equal(query_int(s,
		"SELECT count(*) FROM event_index x, json_each(x.ids) j "
		"WHERE (SELECT name_id FROM event WHERE id = j.value) = x.name_id "
		"AND (SELECT source_id FROM event WHERE id = j.value) = x.source_id"), events);
	assert_int_equal(query_int(s,
		"SELECT count(*) FROM (SELECT x.first_id, j.key, j.value, lag(j.value) "
		"OVER (PARTITION BY x.name_id, x.first_id ORDER BY j.key) AS prev "
		"FROM event_index x, json_each(x.ids) j) "
		"WHERE (key = 0 AND value != first_id) OR (key > 0 AND value <= prev)"), 0);
	assert_int_equal(query_int(s, "SELECT count(*) FROM event_index WHERE n != json_array_length(ids)"), 0);
}

static void test_event_index(void **state)
{
	struct fixture *f = *state;
	struct pb_store *s = f->s[0];
	struct pb_merge_stats stats;

	add_named_events(s, "rolled-back", 1000, 0);
	add_named_events(s, "s1", 140000, 1);
	add_named_events(s, "s2", 10, 1);
	assert_int_equal(query_int(s, "SELECT count(*) FROM event"), 140010);
	assert_index_rows(s, 140010);
	/* 3 blocks of source 1 (65536, 65536, 8928 events) with 4 names each,
	 * and one of source 2 with 3 */
	assert_int_equal(query_int(s, "SELECT count(*) FROM event_index"), 3 * 4 + 3);
	assert_int_equal(query_int(s, "SELECT count(*) FROM event_ids WHERE event = 'test:d'"), 140);
	/* merged behind a source of the other store: rows rebuilt, the same */
	add_named_events(f->s[1], "s3", 5, 1);
	assert_int_equal(pb_store_merge(f->s[1], f->db[0], &stats), 0);
	assert_index_rows(f->s[1], 140015);
	assert_int_equal(query_int(f->s[1], "SELECT count(*) FROM event_index"), 3 + 3 * 4 + 3);
}

/* Field names and values go into JSON arrays: quotes, backslashes and
 * control bytes come back out of event_fields as they went in. */
static void test_fields_escaped(void **state)
{
	struct pb_field fields[] = {
		{ .name = "msg", .value = "say \"hi\"\\n\tnow\nthen\x01\x1f" },
		{ .name = "k\"ey", .value = "" },
		{ .name = "plain", .value = "0x10" },
	};
	struct pb_record r = {
		.line = 1, .ts_ns = 5, .cpu = 0, .pid = 1, .tgid = -1, .comm = "sh",
		.event = "quoting", .body = "not the fields", .nfields = 3, .fields = fields,
	};
	struct fixture *f = *state;
	struct pb_source_info info = { .path = "q.txt", .format = "ftrace", .sha256 = "ef" };
	struct pb_source_totals t = { .sha256 = "ef" };
	sqlite3_stmt *st;
	int64_t id;

	assert_int_equal(pb_store_source_begin(f->s[0], &info, &id), 1);
	assert_int_equal(pb_store_add_record(f->s[0], &r), 0);
	assert_int_equal(pb_store_source_commit(f->s[0], &t), 1);
	assert_int_equal(sqlite3_prepare_v2(pb_store_db(f->s[0]),
		"SELECT name, value FROM event_fields", -1, &st, NULL), SQLITE_OK);
	for (size_t i = 0; i < PB_ARRAY_SIZE(fields); i++) {
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0), fields[i].name);
		assert_string_equal((const char *)sqlite3_column_text(st, 1), fields[i].value);
	}
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

static void test_bad_lines_and_sizes(void **state)
{
	struct fixture *f = *state;
	struct pb_source_info info = { .path = "x.txt", .format = "ftrace", .sha256 = "ab" };
	struct pb_source_totals t = { .bytes = 123456, .sha256 = "ab" };
	sqlite3_stmt *st;
	int64_t id;

	assert_int_equal(pb_store_has_source_bytes(f->s[0], 123456), 0);
	assert_int_equal(pb_store_source_begin(f->s[0], &info, &id), 1);
	assert_int_equal(pb_store_add_bad_lines(f->s[0], PB_BAD_SYNTAX, 7, 42, "what is this"), 0);
	assert_int_equal(pb_store_add_bad_lines(f->s[0], PB_BAD_TOO_LONG, 1, 50, "xxxx"), 0);
	assert_int_equal(pb_store_source_commit(f->s[0], &t), 1);
	assert_int_equal(pb_store_has_source_bytes(f->s[0], 123456), 1);
	assert_int_equal(pb_store_has_source_bytes(f->s[0], 123457), 0);
	assert_int_equal(sqlite3_prepare_v2(pb_store_db(f->s[0]),
		"SELECT group_concat(reason || ':' || count || ':' || first_line || ':' || example, "
		"'|') FROM (SELECT * FROM bad_line ORDER BY reason)", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0),
			    "line too long:1:50:xxxx|syntax:7:42:what is this");
	sqlite3_finalize(st);
}

/* A compressed file: its raw hash is known when it begins, its content's
 * at its end. Both find it; a file of the same content under another raw
 * hash (the same trace compressed otherwise) is refused at commit. */
static void test_source_is_found_by_content_and_by_raw_hash(void **state)
{
	struct fixture *f = *state;
	struct pb_source_info xz = { .path = "t.xz", .format = "ftrace", .raw_sha256 = "raw-xz" };
	struct pb_source_info gz = { .path = "t.gz", .format = "ftrace", .raw_sha256 = "raw-gz" };
	struct pb_source_totals xz_end = { .sha256 = "content", .raw_sha256 = "raw-xz" };
	struct pb_source_totals gz_end = { .sha256 = "content", .raw_sha256 = "raw-gz" };
	int64_t id, again;

	assert_int_equal(pb_store_source_begin(f->s[0], &xz, &id), 1);
	assert_int_equal(pb_store_source_commit(f->s[0], &xz_end), 1);
	assert_int_equal(pb_store_find_source(f->s[0], "content"), id);
	assert_int_equal(pb_store_find_source(f->s[0], "raw-xz"), id);
	assert_int_equal(pb_store_find_source(f->s[0], "raw-gz"), 0);
	/* the same file again: refused when it begins */
	assert_int_equal(pb_store_source_begin(f->s[0], &xz, &again), 0);
	assert_int_equal(again, id);
	/* the same content compressed otherwise: refused at its end */
	assert_int_equal(pb_store_source_begin(f->s[0], &gz, &again), 1);
	assert_int_equal(pb_store_source_commit(f->s[0], &gz_end), 0);
	assert_int_equal(query_int(f->s[0], "SELECT count(*) FROM source"), 1);
	assert_int_equal(pb_store_find_source(f->s[0], "raw-gz"), 0);
}

/* Two sources of as many events over the same times (to the microsecond)
 * are the same capture; a third of another span is not. */
static void test_same_capture_is_told_by_count_and_span(void **state)
{
	struct fixture *f = *state;
	sqlite3 *db = pb_store_db(f->s[0]);

	assert_int_equal(sqlite3_exec(db,
		"INSERT INTO source(id, path, sha256, format, events, first_ts_ns, last_ts_ns, "
		"  imported_at) VALUES "
		"(1, 'trace.dat', 'a', 'trace.dat', 3, 7032022816, 90926926672, 'now'),"
		"(2, 'report.txt', 'b', 'trace-cmd-report', 3, 7032023000, 90926927000, 'now'),"
		"(3, 'other.txt', 'c', 'ftrace', 3, 7032023000, 90926928000, 'now');"
		"INSERT INTO event(id, source_id, line, cpu, pid, name_id) VALUES "
		"(1, 1, 1, 0, 292, 1), (2, 2, 1, 0, 292, 1), (3, 3, 1, 0, 292, 1);"
		"INSERT INTO event_index(source_id, name_id, first_id, n, ids) VALUES "
		"(1, 1, 1, 1, '[1]'), (2, 2, 2, 1, '[2]'), (3, 3, 3, 1, '[3]');",
		NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(pb_store_same_capture(f->s[0], 2), 1);
	assert_int_equal(pb_store_same_capture(f->s[0], 1), 2);
	assert_int_equal(pb_store_same_capture(f->s[0], 3), 0);
}

/* The statement layer: rows, the end, and an error that a loop stopping
 * early cannot hide, since the store remembers the first. */
static void test_step_reports_rows_then_done(void **state)
{
	struct fixture *f = *state;
	sqlite3_stmt *st = pb_store_prepare(f->s[0], "SELECT 7 UNION ALL SELECT 8");
	int64_t v = 0;

	assert_non_null(st);
	assert_int_equal(pb_store_step(f->s[0], st), 1);
	assert_int_equal(sqlite3_column_int64(st, 0), 7);
	assert_int_equal(pb_store_step(f->s[0], st), 1);
	assert_int_equal(pb_store_step(f->s[0], st), 0);
	assert_int_equal(pb_store_first_int64(f->s[0], st, &v), 1);
	assert_int_equal(v, 7);
	pb_store_finalize(st);
	assert_int_equal(pb_store_failed(f->s[0]), 0);
}

static void test_step_error_is_remembered_first(void **state)
{
	struct fixture *f = *state;
	/* prepared fine, fails when the row is computed */
	sqlite3_stmt *st = pb_store_prepare(f->s[0], "SELECT json('not json')");

	assert_non_null(st);
	assert_int_equal(pb_store_failed(f->s[0]), 0);
	assert_int_equal(pb_store_step(f->s[0], st), -1);
	assert_int_equal(pb_store_failed(f->s[0]), SQLITE_ERROR);
	assert_true(pb_store_error_seen());
	pb_store_finalize(st);
	/* a later error of another kind does not replace the first */
	assert_null(pb_store_prepare(f->s[0], "SELECT * FROM no_such_table"));
	assert_int_equal(pb_store_failed(f->s[0]), SQLITE_ERROR);
	/* the other store has none of it */
	assert_int_equal(pb_store_failed(f->s[1]), 0);
}

static void test_named_parameters_bind_by_name(void **state)
{
	struct fixture *f = *state;
	sqlite3_stmt *st = pb_store_prepare(f->s[0],
		"SELECT :b || '-' || :a || '-' || COALESCE(:c, 'null')");

	assert_non_null(st);
	pb_store_bind_text(st, ":a", "first");
	pb_store_bind_int64(st, ":b", 42);
	pb_store_bind_text(st, ":c", NULL);
	assert_int_equal(pb_store_step(f->s[0], st), 1);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "42-first-null");
	pb_store_finalize(st);
}

/* Event ids are given out here and left to SQLite in the insert, which
 * gives the largest + 1 as well: a row that appears behind the import's
 * back (here, written in the same transaction) makes them differ, and the
 * import stops with a store error instead of storing wrong references. */
static const struct pb_source_info id_source = { .path = "x", .format = "ftrace", .sha256 = "x" };
static const struct pb_record id_record = { .line = 1, .ts_ns = 1, .cpu = 0, .pid = 1, .tgid = -1,
					    .comm = "sh", .system = "test", .event = "a",
					    .body = "" };

static void test_event_ids_out_of_step_are_an_error(void **state)
{
	struct fixture *f = *state;
	struct pb_store *s = f->s[0];
	int64_t id;
	int rc = 0;

	assert_int_equal(pb_store_source_begin(s, &id_source, &id), 1);
	/* the first event is given id 1 and noted; 16 go to SQLite at a time */
	assert_int_equal(pb_store_add_record(s, &id_record), 0);
	assert_int_equal(pb_store_exec(s, "INSERT INTO event(id, source_id, line, name_id) "
				      "VALUES (7, 1, 1, 1)"), 0);
	for (int i = 1; i < 16 && rc == 0; i++)
		rc = pb_store_add_record(s, &id_record);
	assert_int_equal(rc, -1);
	assert_int_equal(pb_store_failed(s), SQLITE_FULL);
	pb_store_source_rollback(s);
}

/* A store whose largest event id leaves no room is refused at the start
 * of a source, before an id could overflow. */
static void test_event_ids_exhausted_are_an_error(void **state)
{
	struct fixture *f = *state;
	struct pb_store *s = f->s[0];
	int64_t id;

	assert_int_equal(pb_store_exec(s, "INSERT INTO event(id, source_id, line, name_id) "
				      "VALUES (9223372036854775807, 1, 1, 1)"), 0);
	assert_int_equal(pb_store_source_begin(s, &id_source, &id), 1);
	assert_int_equal(pb_store_add_record(s, &id_record), -1);
	assert_int_equal(pb_store_failed(s), SQLITE_FULL);
	pb_store_source_rollback(s);
}

/* A stack's frames go a power of two of them to a statement: every depth
 * from 1 to 40 (one to five statements, each size used) stores each frame
 * once, at its depth, with its symbol and offset. */
static void test_stack_frames_of_every_depth(void **state)
{
	struct fixture *f = *state;
	struct pb_store *s = f->s[0];
	static char names[40][16];
	struct pb_frame frames[40] = { 0 };
	int64_t rows = 0;

	for (int i = 0; i < 40; i++) {
		snprintf(names[i], sizeof(names[i]), "fn%d", i);
		frames[i].symbol = names[i];
		frames[i].offset = i % 3 ? (uint64_t)i * 4 : 0;
		frames[i].module = i % 7 == 6 ? "mod" : NULL;
	}
	assert_int_equal(pb_store_exec(s, "BEGIN"), 0);
	for (size_t n = 1; n <= 40; n++) {
		frames[0].offset = n;	/* a stack of its own at every depth */
		assert_true(pb_store_stack(s, frames, n, 0) > 0);
		rows += (int64_t)n;
	}
	assert_int_equal(pb_store_exec(s, "COMMIT"), 0);
	assert_int_equal(query_int(s, "SELECT count(*) FROM frame"), rows);
	assert_int_equal(query_int(s, "SELECT count(*) FROM stack s WHERE depth != "
				      "(SELECT count(*) FROM frame WHERE stack_id = s.id)"), 0);
	/* each frame's symbol, module and offset as given for its depth */
	assert_int_equal(query_int(s, "SELECT count(*) FROM frame f JOIN symbol y "
		"ON y.id = f.symbol_id WHERE y.name != 'fn' || f.depth "
		"OR y.module != CASE WHEN f.depth % 7 = 6 THEN 'mod' ELSE '' END "
		"OR (f.depth > 0 AND f.offset IS NOT (CASE WHEN f.depth % 3 != 0 "
		"THEN f.depth * 4 END))"), 0);
	assert_int_equal(query_int(s, "SELECT count(*) FROM frame f JOIN stack s "
		"ON s.id = f.stack_id WHERE f.depth = 0 AND f.offset != s.depth"), 0);
	assert_int_equal(query_int(s, "SELECT count(*) FROM symbol"), 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ahead_same_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ahead_stacks_across_sources, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migration_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migration_numbers_by_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fields_escaped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_lines_and_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_source_is_found_by_content_and_by_raw_hash,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_capture_is_told_by_count_and_span, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_step_reports_rows_then_done, setup, teardown),
		cmocka_unit_test_setup_teardown(test_step_error_is_remembered_first, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_named_parameters_bind_by_name, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_event_ids_out_of_step_are_an_error, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_event_ids_exhausted_are_an_error, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stack_frames_of_every_depth, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
