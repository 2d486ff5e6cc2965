/* rows.c - rows of a query into memory (sql_rows_each, sql_ids) or as
 * JSON objects keyed by their column names (info, show, report, export):
 * the one row loader of lib/analyze, so that every reader steps through
 * the store's statement layer and none drops an error. */
#include <stdlib.h>

#include "analyze_int.h"

int sql_rows_each(struct pb_store *s, const char *sql,
		  void (*row)(sqlite3_stmt *st, void *ctx), void *ctx)
{
	sqlite3_stmt *st = pb_store_prepare(s, sql);
	int rc;

	if (!st)
		return -1;
	while ((rc = pb_store_step(s, st)) > 0)
		row(st, ctx);
	pb_store_finalize(st);
	return rc ? -1 : 0;
}

void ids_push(struct ids *ids, int64_t id)
{
	PB_GROW(ids->v, ids->n + 1, ids->cap);
	ids->v[ids->n++] = id;
}

int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

void ids_distinct(struct ids *ids)
{
	size_t n = 0;

	sort_n(ids->v, ids->n, sizeof(*ids->v), cmp_id);
	for (size_t i = 0; i < ids->n; i++)
		if (i == 0 || ids->v[i] != ids->v[i - 1])
			ids->v[n++] = ids->v[i];
	ids->n = n;
}

int ids_has(const struct ids *sorted, int64_t id)
{
	return sorted->n && bsearch(&id, sorted->v, sorted->n, sizeof(*sorted->v), cmp_id);
}

static void id_row(sqlite3_stmt *st, void *out)
{
	ids_push(out, sqlite3_column_int64(st, 0));
}

int sql_ids(struct pb_store *s, const char *sql, struct ids *out)
{
	return sql_rows_each(s, sql, id_row, out);
}

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

const char *pb_json_str(const json_t *o, const char *key, const char *dflt)
{
	const json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : dflt;
}

long long pb_json_int(const json_t *o, const char *key, long long dflt)
{
	const json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : dflt;
}
