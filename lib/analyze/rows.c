/* rows.c - rows of a query as JSON objects keyed by their column names:
 * the one row loader of lib/analyze (info, show, report, export), so that
 * every reader steps through the store's statement layer and none drops
 * an error. */
#include "analyze_int.h"

json_t *pb_json_column(sqlite3_stmt *st, int col)
{
	switch (sqlite3_column_type(st, col)) {
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(st, col));
	case SQLITE_FLOAT:
		return json_real(sqlite3_column_double(st, col));
	case SQLITE_NULL:
		return json_null();
	default:
		return pb_json_textn((const char *)sqlite3_column_text(st, col),
				    (size_t)sqlite3_column_bytes(st, col));
	}
}

json_t *stmt_row_into(json_t *o, sqlite3_stmt *st)
{
	for (int i = 0; i < sqlite3_column_count(st); i++)
		json_object_set_new(o, sqlite3_column_name(st, i), pb_json_column(st, i));
	return o;
}

json_t *stmt_row_json(sqlite3_stmt *st)
{
	return stmt_row_into(json_object(), st);
}

json_t *stmt_rows_json(struct pb_store *s, sqlite3_stmt *st)
{
	json_t *arr = json_array();

	while (pb_store_step(s, st) > 0)
		json_array_append_new(arr, stmt_row_json(st));
	sqlite3_reset(st);
	return arr;
}

json_t *sql_rows_json(struct pb_store *s, const char *sql, int64_t id)
{
	sqlite3_stmt *st = pb_store_prepare(s, sql);
	json_t *arr;

	if (!st)
		return json_array();
	if (sqlite3_bind_parameter_count(st))
		sqlite3_bind_int64(st, 1, id);
	arr = stmt_rows_json(s, st);
	pb_store_finalize(st);
	return arr;
}

json_t *sql_counts_json(struct pb_store *s, const char *sql)
{
	sqlite3_stmt *st = pb_store_prepare(s, sql);
	json_t *o = json_object();

	if (!st)
		return o;
	while (pb_store_step(s, st) > 0) {
		/* a key that is not UTF-8 is kept as pb_json_text() keeps it */
		json_t *key = pb_json_text((const char *)sqlite3_column_text(st, 0));

		json_object_set_new(o, json_is_string(key) ? json_string_value(key) : "",
				    json_integer(sqlite3_column_int64(st, 1)));
		json_decref(key);
	}
	pb_store_finalize(st);
	return o;
}
