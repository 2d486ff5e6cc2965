/* test_store_prep.c - what the store keeps of a record's fields does not
 * depend on what it remembered from the records of the same name before
 * (store_prep() reuses an event name's keyset while the field names are
 * the same), nor on whether the fields needed escaping in JSON. */
#include "store_fixture.h"

#include <string.h>

/* A record of kprobes:p, line LINE, with the N fields F and BODY. */
static void add(struct pb_store *s, uint64_t line, struct pb_field *f, size_t n,
		const char *body)
{
	struct pb_record r = {
		.line = line, .ts_ns = (int64_t)line, .cpu = 0, .pid = 1, .tgid = -1,
		.comm = "sh", .system = "kprobes", .event = "p", .body = body,
		.fields = f, .nfields = n,
	};

	assert_int_equal(pb_store_add_record(s, &r), 0);
}

static void begin(struct pb_store *s)
{
	struct pb_source_info info = { .path = "f", .format = "ftrace", .sha256 = "f" };
	int64_t id;

	assert_int_equal(pb_store_source_begin(s, &info, &id), 1);
}

static void commit(struct pb_store *s)
{
	struct pb_source_totals t = { .sha256 = "f" };

	t.events = pb_store_source_events(s);
	assert_int_equal(pb_store_source_commit(s, &t), 1);
}

/* Column SQL (one '?' for the line) of event LINE as text, "NULL" for
 * SQL NULL, in BUF. */
static const char *column(struct pb_store *s, const char *sql, uint64_t line, char *buf,
			  size_t len)
{
	sqlite3_stmt *st;
	const char *v;

	assert_int_equal(sqlite3_prepare_v2(pb_store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, (int64_t)line);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = (const char *)sqlite3_column_text(st, 0);
	snprintf(buf, len, "%s", v ? v : "NULL");
	sqlite3_finalize(st);
	return buf;
}

#define KEYS_SQL "SELECT k.keys FROM event e JOIN keyset k ON k.id = e.keyset_id WHERE e.line = ?"
#define VALS_SQL "SELECT vals FROM event WHERE line = ?"
#define BODY_SQL "SELECT body FROM event WHERE line = ?"

/* Names whose keyset is as long as the one before, but not the same. */
static void test_keyset_of_same_length_is_not_reused(void **state)
{
	struct fixture *f = *state;
	struct pb_field ab_c[] = { { "ab", "1" }, { "c", "2" } };
	struct pb_field a_bc[] = { { "a", "1" }, { "bc", "2" } };
	struct pb_field ab_d[] = { { "ab", "1" }, { "d", "2" } };
	/* as long as ab_c too, each name found where ab_c has its own */
	struct pb_field unnamed[] = { { "", "1" }, { "", "2" }, { "", "3" } };
	char buf[128];

	begin(f->s);
	add(f->s, 1, ab_c, 2, "");
	add(f->s, 2, a_bc, 2, "");
	add(f->s, 3, ab_c, 2, "");
	add(f->s, 4, ab_d, 2, "");
	add(f->s, 5, ab_d, 1, "");
	add(f->s, 6, ab_c, 2, "");
	add(f->s, 7, unnamed, 3, "");
	commit(f->s);
	assert_string_equal(column(f->s, KEYS_SQL, 1, buf, sizeof(buf)), "[\"ab\",\"c\"]");
	assert_string_equal(column(f->s, KEYS_SQL, 2, buf, sizeof(buf)), "[\"a\",\"bc\"]");
	assert_string_equal(column(f->s, KEYS_SQL, 3, buf, sizeof(buf)), "[\"ab\",\"c\"]");
	assert_string_equal(column(f->s, KEYS_SQL, 4, buf, sizeof(buf)), "[\"ab\",\"d\"]");
	assert_string_equal(column(f->s, KEYS_SQL, 5, buf, sizeof(buf)), "[\"ab\"]");
	assert_string_equal(column(f->s, KEYS_SQL, 7, buf, sizeof(buf)), "[\"\",\"\",\"\"]");
	assert_int_equal(query_int(f->s, "SELECT count(*) FROM keyset"), 5);
}

/* Values that need escaping between ones that do not, under one name. */
static void test_values_escaped_whatever_came_before(void **state)
{
	struct fixture *f = *state;
	struct pb_field plain[] = { { "k", "v" }, { "n", "1" } };
	struct pb_field quoted[] = { { "k", "say \"hi\"" }, { "n", "a\\b\tc" } };
	struct pb_field odd_key[] = { { "k\"", "v" }, { "n", "1" } };
	char buf[128];

	begin(f->s);
	add(f->s, 1, plain, 2, "k=v n=1");
	add(f->s, 2, quoted, 2, "k=say \"hi\" n=a\\b\tc");
	add(f->s, 3, odd_key, 2, "");
	add(f->s, 4, plain, 2, "k=v n=1");
	commit(f->s);
	assert_string_equal(column(f->s, VALS_SQL, 1, buf, sizeof(buf)), "[\"v\",\"1\"]");
	assert_string_equal(column(f->s, VALS_SQL, 2, buf, sizeof(buf)),
			    "[\"say \\\"hi\\\"\",\"a\\\\b\\tc\"]");
	assert_string_equal(column(f->s, KEYS_SQL, 3, buf, sizeof(buf)), "[\"k\\\"\",\"n\"]");
	assert_string_equal(column(f->s, KEYS_SQL, 4, buf, sizeof(buf)), "[\"k\",\"n\"]");
	/* the body that is its fields is not stored twice, escaped or not */
	assert_string_equal(column(f->s, BODY_SQL, 1, buf, sizeof(buf)), "NULL");
	assert_string_equal(column(f->s, BODY_SQL, 2, buf, sizeof(buf)), "NULL");
}

/* The body is dropped only when "k=v k=v" of the fields is all of it. */
static void test_body_kept_unless_it_is_the_fields(void **state)
{
	struct fixture *f = *state;
	struct pb_field two[] = { { "a", "1" }, { "b", "2" } };
	static const char *const bodies[] = {
		"a=1 b=2", "a=1 b=22", "a=1  b=2", "a=1", "a=1 b=", "a=1 b=2 ", "a=1,b=2",
		"", "a=1 c=2",
	};
	char buf[128];

	begin(f->s);
	for (size_t i = 0; i < PB_ARRAY_SIZE(bodies); i++)
		add(f->s, i + 1, two, 2, bodies[i]);
	commit(f->s);
	assert_string_equal(column(f->s, BODY_SQL, 1, buf, sizeof(buf)), "NULL");
	for (size_t i = 1; i < PB_ARRAY_SIZE(bodies); i++)
		assert_string_equal(column(f->s, BODY_SQL, i + 1, buf, sizeof(buf)),
				    *bodies[i] ? bodies[i] : "NULL");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_keyset_of_same_length_is_not_reused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_values_escaped_whatever_came_before, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_body_kept_unless_it_is_the_fields, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
