/* test_store_fields.c - an event's field read by name, in SQL
 * (pb_field) and in C (pb_fields_key_index, pb_fields_value_at), gives
 * what SQLite's own JSON functions read from the object pb_fields()
 * builds: the analysis reads fields of millions of events this way. */
#include "store_fixture.h"

#include <string.h>

static const char *const values[] = {
	"0xfffffc00040ece40", "", "say \"hi\"", "back\\slash", "two\nlines\tand a tab",
	"\x01 control", "caf\xc3\xa9 \xe2\x82\xac", "a=b c=d", "ends in a backslash\\",
	"\\\"", "\\\\\"\\",
};

/* One event per value of values[], its fields page=VALUE, pfn=N,
 * page=SECOND (a second field of the same name) and empty=. */
static void add_events(struct pb_store *s)
{
	struct pb_source_info info = { .path = "f", .format = "ftrace", .sha256 = "f" };
	struct pb_source_totals t = { .sha256 = "f" };
	int64_t id;

	assert_int_equal(pb_store_source_begin(s, &info, &id), 1);
	for (size_t i = 0; i < PB_ARRAY_SIZE(values); i++) {
		char pfn[24];
		struct pb_field fields[] = {
			{ "page", values[i] }, { "pfn", pfn }, { "page", "second" }, { "empty", "" },
		};
		struct pb_record r = {
			.line = i + 1, .ts_ns = (int64_t)i, .cpu = 0, .pid = 1, .tgid = -1,
			.comm = "sh", .system = "kprobes", .event = "p", .body = "x",
			.fields = fields, .nfields = PB_ARRAY_SIZE(fields),
		};

		snprintf(pfn, sizeof(pfn), "%zu", i * 1000);
		assert_int_equal(pb_store_add_record(s, &r), 0);
	}
	t.events = pb_store_source_events(s);
	assert_int_equal(pb_store_source_commit(s, &t), 1);
}

/* The text SQL gives for event LINE (NULL for SQL NULL), in BUF. */
static const char *query_text(struct pb_store *s, const char *sql, int64_t line, char *buf,
			      size_t len)
{
	sqlite3_stmt *st;
	const char *v;

	assert_int_equal(sqlite3_prepare_v2(pb_store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, line);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = (const char *)sqlite3_column_text(st, 0);
	if (v) {
		assert_true(strlen(v) < len);
		strcpy(buf, v);
	}
	sqlite3_finalize(st);
	return v ? buf : NULL;
}

static void test_field_in_sql_is_the_json_value(void **state)
{
	struct fixture *f = *state;
	static const char *const keys[] = { "page", "pfn", "empty", "missing" };

	add_events(f->s);
	for (size_t i = 0; i < PB_ARRAY_SIZE(values); i++) {
		char want[128], got[128], sql[256];

		assert_string_equal(query_text(f->s, "SELECT pb_field(keyset_id, vals, 'page') "
					       "FROM event WHERE line = ?", (int64_t)i + 1, got,
					       sizeof(got)), values[i]);
		for (size_t k = 0; k < PB_ARRAY_SIZE(keys); k++) {
			const char *w, *g;

			snprintf(sql, sizeof(sql), "SELECT json_extract(pb_fields(keyset_id, vals), "
				 "'$.%s') FROM event WHERE line = ?", keys[k]);
			w = query_text(f->s, sql, (int64_t)i + 1, want, sizeof(want));
			snprintf(sql, sizeof(sql), "SELECT pb_field(keyset_id, vals, '%s') "
				 "FROM event WHERE line = ?", keys[k]);
			g = query_text(f->s, sql, (int64_t)i + 1, got, sizeof(got));
			if (!w)
				assert_null(g);
			else
				assert_string_equal(g, w);
		}
	}
}

/* Escapes the store never writes (\u of a code point above 0x7f, a
 * surrogate pair, \/ \b \f \r) are undone as json_extract() does. */
static void test_field_undoes_every_json_escape(void **state)
{
	struct fixture *f = *state;
	static const char *const raw[] = {
		"[\"caf\\u00e9\"]", "[\"\\ud83d\\ude00!\"]", "[\"a\\/b\\bc\\fd\\re\"]",
		"[\"\\u20ac\\\\\\\"\"]",
	};
	char want[64], got[64];

	assert_int_equal(pb_store_exec(f->s, "INSERT INTO keyset(id, keys) VALUES (900, '[\"x\"]')"),
			 0);
	for (size_t i = 0; i < PB_ARRAY_SIZE(raw); i++) {
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_prepare_v2(pb_store_db(f->s),
						    "SELECT json_extract(?1, '$[0]'), "
						    "pb_field(900, ?1, 'x')", -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_text(st, 1, raw[i], -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		snprintf(want, sizeof(want), "%s", sqlite3_column_text(st, 0));
		snprintf(got, sizeof(got), "%s", sqlite3_column_text(st, 1));
		assert_string_equal(got, want);
		sqlite3_finalize(st);
	}
}

static void test_field_in_c_by_keyset(void **state)
{
	struct fixture *f = *state;
	const char *keys, *v;
	size_t n;

	add_events(f->s);
	keys = pb_store_keyset_keys(f->s, query_int(f->s, "SELECT keyset_id FROM event LIMIT 1"));
	assert_string_equal(keys, "[\"page\",\"pfn\",\"page\",\"empty\"]");
	assert_int_equal(pb_fields_key_index(keys, "page"), 0);	/* the first of two */
	assert_int_equal(pb_fields_key_index(keys, "pfn"), 1);
	assert_int_equal(pb_fields_key_index(keys, "empty"), 3);
	assert_int_equal(pb_fields_key_index(keys, "pf"), -1);
	assert_int_equal(pb_fields_key_index(keys, "missing"), -1);
	assert_int_equal(pb_fields_key_index(NULL, "page"), -1);
	assert_null(pb_store_keyset_keys(f->s, 0));
	assert_null(pb_store_keyset_keys(f->s, 12345));

	static const char vals[] = "[\"a\\\"b\",\"\",\"c\"]";
	v = pb_fields_value_at(vals, strlen(vals), 0, &n);
	assert_int_equal(n, 4);
	assert_memory_equal(v, "a\\\"b", 4);	/* as written, escapes kept */
	v = pb_fields_value_at(vals, strlen(vals), 1, &n);
	assert_non_null(v);
	assert_int_equal(n, 0);
	v = pb_fields_value_at(vals, strlen(vals), 2, &n);
	assert_int_equal(n, 1);
	assert_memory_equal(v, "c", 1);
	assert_null(pb_fields_value_at(vals, strlen(vals), 3, &n));
	assert_null(pb_fields_value_at(vals, strlen(vals), -1, &n));
	assert_null(pb_fields_value_at(NULL, 0, 0, &n));
	/* cut inside a value: no value there */
	assert_null(pb_fields_value_at(vals, 4, 0, &n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_field_in_sql_is_the_json_value, setup, teardown),
		cmocka_unit_test_setup_teardown(test_field_undoes_every_json_escape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_field_in_c_by_keyset, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
