/* lib/analyze/rows.c: the one loop that reads a SELECT into memory, and
 * the id lists loaded through it. */
#include "store_fixture.h"

#include "../../lib/analyze/analyze_int.h"

static void test_sql_ids_reads_the_first_column_of_every_row(void **state)
{
	struct fixture *f = *state;
	struct ids ids = { 0 };

	assert_int_equal(sql_ids(f->s, "SELECT value, 'x' FROM json_each('[30,10,20]')", &ids), 0);
	assert_int_equal(ids.n, 3);
	assert_int_equal(ids.v[0], 30);
	assert_int_equal(ids.v[1], 10);
	assert_int_equal(ids.v[2], 20);
	sort_n(ids.v, ids.n, sizeof(*ids.v), cmp_id);
	assert_int_equal(ids_has(&ids, 20), 1);
	assert_int_equal(ids_has(&ids, 25), 0);
	assert_int_equal(pb_store_failed(f->s), 0);
	free(ids.v);
}

/* 300 rows: the list grows past its first capacities and keeps them all. */
static void test_sql_ids_grows_with_the_rows(void **state)
{
	struct fixture *f = *state;
	struct ids ids = { 0 };

	assert_int_equal(sql_ids(f->s,
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) "
		"SELECT i * 7 FROM n", &ids), 0);
	assert_int_equal(ids.n, 300);
	assert_true(ids.cap >= 300);
	assert_int_equal(ids.v[0], 7);
	assert_int_equal(ids.v[299], 2100);
	free(ids.v);
}

static void count_row(sqlite3_stmt *st, void *ctx)
{
	(void)st;
	(*(int *)ctx)++;
}

/* abs() of the smallest integer overflows when the third row is stepped:
 * the rows before it are read, the load fails and the store remembers
 * the error (the command then exits 4). */
static void test_sql_rows_each_stops_at_a_store_error(void **state)
{
	struct fixture *f = *state;
	int rows = 0;

	assert_int_equal(sql_rows_each(f->s,
		"SELECT CASE WHEN value = 3 THEN abs(-9223372036854775807 - 1) ELSE value END "
		"FROM json_each('[1,2,3,4]')", count_row, &rows), -1);
	assert_int_equal(rows, 2);
	assert_int_not_equal(pb_store_failed(f->s), 0);
}

static void test_sql_rows_each_refuses_a_statement_that_does_not_prepare(void **state)
{
	struct fixture *f = *state;
	int rows = 0;

	assert_int_equal(sql_rows_each(f->s, "SELECT x FROM no_such_table", count_row, &rows),
			 -1);
	assert_int_equal(rows, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sql_ids_reads_the_first_column_of_every_row,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sql_ids_grows_with_the_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sql_rows_each_stops_at_a_store_error, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sql_rows_each_refuses_a_statement_that_does_not_prepare,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
