/* fields.c - pb_fields(keyset_id, vals): an event's fields as one JSON
 * object, rebuilt from its interned key list and its array of values, so
 * that SQL inside pinblame can say json_extract(pb_fields(...), '$.pfn').
 * (The public views do the same in plain SQL with json_each.) */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* The next JSON string in [*p, end): its text with the quotes in
 * [*start, *stop). Returns 0, or -1 when there is none. (memchr: a pass
 * over a million events reads a value or two of each.) */
static int next_string(const char **p, const char *end, const char **start,
		       const char **stop)
{
	const char *open = memchr(*p, '"', (size_t)(end - *p)), *q;

	if (!open)
		return -1;
	for (q = open + 1;; q++) {
		size_t backslashes = 0;

		q = memchr(q, '"', (size_t)(end - q));
		if (!q)
			return -1;
		/* a quote after an odd number of backslashes is escaped */
		while (q - backslashes > open + 1 && q[-1 - (ptrdiff_t)backslashes] == '\\')
			backslashes++;
		if (backslashes % 2 == 0)
			break;
	}
	*start = open;
	*stop = q + 1;
	*p = q + 1;
	return 0;
}

/* The keys of keyset ID, looked up once per process and kept; NULL when
 * there is no such keyset, or with *FAILED set when SQLite failed. */
static const char *keys_of(sqlite3 *db, struct pb_keyset_cache *c, int64_t id, int *failed)
{
	sqlite3_stmt *st;
	const unsigned char *text;
	int rc;

	*failed = 0;
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
	if (sqlite3_prepare_v2(db, "SELECT keys FROM keyset WHERE id = ?", -1, &st, NULL) != SQLITE_OK) {
		*failed = 1;
		return NULL;
	}
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && (text = sqlite3_column_text(st, 0)))
		c->keys[id] = pb_strdup((const char *)text);
	else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		*failed = 1;
	sqlite3_finalize(st);
	return c->keys[id];
}

const char *pb_store_keyset_keys(struct pb_store *s, int64_t keyset_id)
{
	int failed;
	const char *keys = keys_of(s->db, &s->keyset_cache, keyset_id, &failed);

	if (failed)
		store_sql_error(s, "reading a keyset");
	return keys;
}

int pb_fields_key_index(const char *keys, const char *key)
{
	size_t klen = strlen(key);
	const char *p, *end, *ks, *ke;

	if (!keys)
		return -1;
	p = keys;
	end = keys + strlen(keys);
	for (int i = 0; next_string(&p, end, &ks, &ke) == 0; i++)
		if ((size_t)(ke - ks) == klen + 2 && !memcmp(ks + 1, key, klen))
			return i;
	return -1;
}

const char *pb_fields_value_at(const char *vals, size_t len, int index, size_t *n)
{
	const char *p = vals, *end, *vs = NULL, *ve = NULL;

	if (!vals || index < 0)
		return NULL;
	end = vals + len;
	for (int i = 0; i <= index; i++)
		if (next_string(&p, end, &vs, &ve) < 0)
			return NULL;
	*n = (size_t)(ve - vs) - 2;
	return vs + 1;
}

static void pb_fields_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct pb_keyset_cache *c = sqlite3_user_data(ctx);
	int failed;
	const char *keys = keys_of(sqlite3_context_db_handle(ctx), c, sqlite3_value_int64(argv[0]),
				   &failed);
	const char *vals = (const char *)sqlite3_value_text(argv[1]);
	const char *kp, *kend, *vp, *vend, *ks, *ke, *vs, *ve;
	struct pb_buf b = { 0 };

	if (failed) {
		sqlite3_result_error(ctx, "pb_fields: the keyset could not be read", -1);
		return;
	}
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

/* Four hex digits at P, or -1. */
static long hex4(const char *p, const char *end)
{
	long v = 0;

	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int c = p[i], d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
				c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static void put_utf8(struct pb_buf *b, unsigned long cp)
{
	if (cp < 0x80) {
		pb_buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		pb_buf_addc(b, (char)(0xc0 | cp >> 6));
		pb_buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		pb_buf_addc(b, (char)(0xe0 | cp >> 12));
		pb_buf_addc(b, (char)(0x80 | (cp >> 6 & 0x3f)));
		pb_buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		pb_buf_addc(b, (char)(0xf0 | cp >> 18));
		pb_buf_addc(b, (char)(0x80 | (cp >> 12 & 0x3f)));
		pb_buf_addc(b, (char)(0x80 | (cp >> 6 & 0x3f)));
		pb_buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	}
}

/* The text of the JSON string body [p, end) with its escapes undone, as
 * json_extract() gives it. */
static void unescape(struct pb_buf *b, const char *p, const char *end)
{
	while (p < end) {
		long cp, lo;

		if (*p != '\\' || end - p < 2) {
			pb_buf_addc(b, *p++);
			continue;
		}
		p++;
		switch (*p) {
		case 'b': pb_buf_addc(b, '\b'); p++; break;
		case 'f': pb_buf_addc(b, '\f'); p++; break;
		case 'n': pb_buf_addc(b, '\n'); p++; break;
		case 'r': pb_buf_addc(b, '\r'); p++; break;
		case 't': pb_buf_addc(b, '\t'); p++; break;
		case 'u':
			cp = hex4(p + 1, end);
			if (cp < 0) {
				pb_buf_addc(b, *p++);
				break;
			}
			p += 5;
			/* a surrogate pair is one code point */
			if (cp >= 0xd800 && cp < 0xdc00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u' &&
			    (lo = hex4(p + 2, end)) >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			}
			put_utf8(b, (unsigned long)cp);
			break;
		default:	/* \" \\ \/ */
			pb_buf_addc(b, *p++);
		}
	}
}

/* pb_field(keyset_id, vals, KEY): the value of field KEY of an event, as
 * json_extract(pb_fields(keyset_id, vals), '$.KEY') gives it, without
 * building the object: the analysis reads a field of millions of events. */
static void pb_field_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct pb_keyset_cache *c = sqlite3_user_data(ctx);
	const char *vals = (const char *)sqlite3_value_text(argv[1]);
	const char *key = (const char *)sqlite3_value_text(argv[2]);
	const char *keys, *v;
	struct pb_buf b = { 0 };
	size_t n;
	int failed;

	(void)argc;
	if (!vals || !key) {
		sqlite3_result_null(ctx);
		return;
	}
	keys = keys_of(sqlite3_context_db_handle(ctx), c, sqlite3_value_int64(argv[0]), &failed);
	if (failed) {
		sqlite3_result_error(ctx, "pb_field: the keyset could not be read", -1);
		return;
	}
	v = pb_fields_value_at(vals, (size_t)sqlite3_value_bytes(argv[1]),
			       pb_fields_key_index(keys, key), &n);
	if (!v) {
		sqlite3_result_null(ctx);
	} else if (!memchr(v, '\\', n)) {
		sqlite3_result_text(ctx, v, (int)n, SQLITE_TRANSIENT);
	} else {
		unescape(&b, v, v + n);
		sqlite3_result_text(ctx, b.data ? b.data : "", (int)b.len, b.data ? free : SQLITE_STATIC);
	}
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
	if (sqlite3_create_function_v2(s->db, "pb_field", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
				       &s->keyset_cache, pb_field_fn, NULL, NULL, NULL) != SQLITE_OK)
		return store_sql_error(s, "registering pb_field");
	return 0;
}
