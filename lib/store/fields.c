/* fields.c - pb_fields(keyset_id, vals): an event's fields as one JSON
 * object, rebuilt from its interned key list and its array of values, so
 * that SQL inside pinblame can say json_extract(pb_fields(...), '$.pfn').
 * (The public views do the same in plain SQL with json_each.) */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* The next JSON string in [*p, end): its text with the quotes in
 * [*start, *stop). Returns 0, or -1 when there is none. */
static int next_string(const char **p, const char *end, const char **start,
		       const char **stop)
{
	const char *s = *p;

	while (s < end && *s != '"')
		s++;
	if (s == end)
		return -1;
	*start = s++;
	while (s < end && *s != '"')
		s += *s == '\\' ? 2 : 1;
	if (s >= end)
		return -1;
	*stop = ++s;
	*p = s;
	return 0;
}

/* The keys of keyset ID, looked up once per process and kept. */
static const char *keys_of(sqlite3_context *ctx, struct pb_keyset_cache *c, int64_t id)
{
	sqlite3_stmt *st;
	const unsigned char *text;

	if (id <= 0)
		return NULL;
	if ((size_t)id >= c->n) {
		size_t old = c->n;

		/* indexed by id: every slot is one, NULL until looked up */
		PB_GROW(c->keys, (size_t)id + 1, c->n);
		memset(c->keys + old, 0, (c->n - old) * sizeof(*c->keys));
	}
	if (c->keys[id])
		return c->keys[id];
	if (sqlite3_prepare_v2(sqlite3_context_db_handle(ctx),
			       "SELECT keys FROM keyset WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW && (text = sqlite3_column_text(st, 0)))
		c->keys[id] = pb_strdup((const char *)text);
	sqlite3_finalize(st);
	return c->keys[id];
}

static void pb_fields_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct pb_keyset_cache *c = sqlite3_user_data(ctx);
	const char *keys = keys_of(ctx, c, sqlite3_value_int64(argv[0]));
	const char *vals = (const char *)sqlite3_value_text(argv[1]);
	const char *kp, *kend, *vp, *vend, *ks, *ke, *vs, *ve;
	struct pb_buf b = { 0 };

	if (!keys || !vals) {
		sqlite3_result_null(ctx);
		return;
	}
	kp = keys;
	kend = keys + strlen(keys);
	vp = vals;
	vend = vals + sqlite3_value_bytes(argv[1]);
	pb_buf_addc(&b, '{');
	while (next_string(&kp, kend, &ks, &ke) == 0 && next_string(&vp, vend, &vs, &ve) == 0) {
		if (b.len > 1)
			pb_buf_addc(&b, ',');
		pb_buf_add(&b, ks, (size_t)(ke - ks));
		pb_buf_addc(&b, ':');
		pb_buf_add(&b, vs, (size_t)(ve - vs));
	}
	pb_buf_addc(&b, '}');
	sqlite3_result_text(ctx, b.data, (int)b.len, free);
}

void store_keyset_cache_clear(struct pb_keyset_cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->keys[i]);
	free(c->keys);
	c->keys = NULL;
	c->n = 0;
}

int store_register_functions(struct pb_store *s)
{
	if (sqlite3_create_function_v2(s->db, "pb_fields", 2, SQLITE_UTF8, &s->keyset_cache,
				       pb_fields_fn, NULL, NULL, NULL) != SQLITE_OK)
		return store_sql_error(s, "registering pb_fields");
	return 0;
}
