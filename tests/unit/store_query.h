/* store_query.h - the single integer an SQL query gives over a store, for
 * the unit tests that check a store's rows by SQL. */
#ifndef PINBLAME_STORE_QUERY_H
#define PINBLAME_STORE_QUERY_H

#include "unit.h"

#include <stdint.h>

#include <sqlite3.h>

#include "pinblame/store.h"

/* The single integer SQL gives over store S (the test fails otherwise). */
static inline int64_t query_int(struct pb_store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(pb_store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

#endif
