/* test_store_rows.c - event and migration rows are written several to a
 * statement (record.c, typed.c): every row arrives, with the ids SQLite
 * would have given one at a time, in order, whatever a rolled back source
 * left noted, and with text too long to note in between. */
#include "store_fixture.h"

#include <string.h>

/* Adds N events "test:e" (every third an mm_migrate_pages whose reason is
 * REASON_LEN bytes when LONG_EVERY divides its line) to a new source of S,
 * lines FIRST on; commits it when COMMIT, else rolls it back. */
static void add_source(struct pb_store *s, const char *sha, uint64_t first, size_t n,
		       size_t reason_len, uint64_t long_every, int commit)
{
	struct pb_source_info info = { .path = sha, .format = "ftrace", .sha256 = sha };
	struct pb_source_totals t = { .sha256 = sha };
	char *reason = malloc(reason_len + 1), succeeded[24];
	int64_t id;

	memset(reason, 'r', reason_len);
	reason[reason_len] = '\0';
	assert_int_equal(pb_store_source_begin(s, &info, &id), 1);
	for (uint64_t line = first; line < first + n; line++) {
		struct pb_field fields[] = {
			{ "nr_succeeded", succeeded }, { "nr_failed", "1" },
			{ "mode", "MIGRATE_SYNC" },
			{ "reason", long_every && line % long_every == 0 ? reason : "compaction" },
		};
		int migrate = line % 3 == 0;
		struct pb_record r = {
			.line = line, .ts_ns = (int64_t)line, .cpu = 0, .pid = 1, .tgid = -1,
			.comm = "sh", .system = migrate ? "migrate" : "test",
			.event = migrate ? "mm_migrate_pages" : "e", .body = "",
			.fields = migrate ? fields : NULL, .nfields = migrate ? 4 : 0,
		};

		snprintf(succeeded, sizeof(succeeded), "%llu", (unsigned long long)line);
		assert_int_equal(pb_store_add_record(s, &r), 0);
	}
	free(reason);
	if (commit) {
		t.events = pb_store_source_events(s);
		assert_int_equal(pb_store_source_commit(s, &t), 1);
	} else {
		pb_store_source_rollback(s);
	}
}

/* Events 1..N of the store: ids 1..N in line order, none twice. */
static void assert_events_in_order(struct pb_store *s, int64_t n)
{
	assert_int_equal(query_int(s, "SELECT count(*) FROM event"), n);
	assert_int_equal(query_int(s, "SELECT max(id) FROM event"), n);
	assert_int_equal(query_int(s, "SELECT count(*) FROM event WHERE id <> line"), 0);
}

/* Each migration row is its event's: same line as succeeded, in order. */
static void assert_migrations_of_their_events(struct pb_store *s, int64_t n)
{
	assert_int_equal(query_int(s, "SELECT count(*) FROM migration"), n);
	assert_int_equal(query_int(s, "SELECT count(*) FROM migration m JOIN event e "
				      "ON e.id = m.event_id WHERE e.line = m.succeeded "
				      "AND m.failed = 1 AND m.mode = 'MIGRATE_SYNC'"), n);
	assert_int_equal(query_int(s, "SELECT count(*) FROM migration a JOIN migration b "
				      "ON b.id = a.id + 1 WHERE b.event_id <= a.event_id"), 0);
}

static void test_rows_of_several_sources_keep_sqlite_ids_in_order(void **state)
{
	struct fixture *f = *state;

	add_source(f->s, "a", 1, 37, 0, 0, 1);	/* two statements of 16 and 5 rows */
	add_source(f->s, "b", 38, 3, 0, 0, 1);
	assert_events_in_order(f->s, 40);
	assert_migrations_of_their_events(f->s, 13);
}

static void test_rows_a_rollback_left_noted_are_never_written(void **state)
{
	struct fixture *f = *state;

	add_source(f->s, "a", 1, 20, 0, 0, 1);
	add_source(f->s, "x", 21, 20, 0, 0, 0);	/* 16 written, 4 noted, rolled back */
	add_source(f->s, "empty", 21, 0, 0, 0, 1);
	assert_events_in_order(f->s, 20);
	add_source(f->s, "b", 21, 5, 0, 0, 1);
	assert_events_in_order(f->s, 25);
	assert_migrations_of_their_events(f->s, 8);
}

static void test_migration_text_too_long_to_note_keeps_its_place(void **state)
{
	struct fixture *f = *state;

	/* 1,500 bytes fill the noted text in three rows; 5,000 never fit */
	add_source(f->s, "a", 1, 60, 1500, 2, 1);
	add_source(f->s, "b", 61, 60, 5000, 5, 1);
	assert_events_in_order(f->s, 120);
	assert_migrations_of_their_events(f->s, 40);
	assert_int_equal(query_int(f->s, "SELECT count(*) FROM migration WHERE "
				      "length(reason) = 1500"), 10);
	assert_int_equal(query_int(f->s, "SELECT count(*) FROM migration WHERE "
				      "length(reason) = 5000"), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rows_of_several_sources_keep_sqlite_ids_in_order,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_rows_a_rollback_left_noted_are_never_written,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_migration_text_too_long_to_note_keeps_its_place,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
