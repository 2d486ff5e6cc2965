/* event_index.c - the event table's index by name, written a block at a
 * time.
 *
 * A B-tree index on the event name cost a quarter of an import: each of
 * the millions of entries went into the middle of the index (after the
 * entries of its name), a descent from the root each. Here the ids of a
 * block of events are grouped by name in memory and written as one row per
 * name, a JSON array of ids (table event_index): a few rows per block
 * instead of an index entry per event. The analysis looks events up by
 * name through it; SQL gets them with json_each() (view event_ids).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* Grouping is a counting sort by name over the block's distinct names,
 * found through a small open-addressed table. */
static size_t name_slot(struct store_index *x, int64_t name_id)
{
	size_t i = (size_t)((uint64_t)name_id * 0x9e3779b97f4a7c15ull >> 47) % STORE_INDEX_SLOTS;

	while (x->slot_name[i] && x->slot_name[i] != name_id)
		i = (i + 1) % STORE_INDEX_SLOTS;
	return i;
}

void store_index_reset(struct store_index *x)
{
	for (size_t i = 0; i < x->nnames; i++)
		x->slot_name[x->name_slot_of[i]] = 0;
	x->n = x->nnames = 0;
}

static char *put_u64(char *o, uint64_t v)
{
	char digits[20];
	size_t n = 0;

	do
		digits[n++] = (char)('0' + v % 10);
	while (v /= 10);
	while (n)
		*o++ = digits[--n];
	return o;
}

/* One row: the ids of IDS[0..N) (ascending), of name NAME_ID. */
static int write_row(struct pb_store *s, int64_t name_id, const int64_t *ids, size_t n)
{
	sqlite3_stmt *st = s->st[ST_INDEX_INSERT];
	char *o;

	pb_buf_reset(&s->scratch);
	o = pb_buf_reserve(&s->scratch, 2 + 21 * n);
	*o++ = '[';
	for (size_t i = 0; i < n; i++) {
		if (i)
			*o++ = ',';
		o = put_u64(o, (uint64_t)ids[i]);
	}
	*o++ = ']';
	pb_buf_commit(&s->scratch, o);
	sqlite3_bind_int64(st, 1, s->index.source_id);
	sqlite3_bind_int64(st, 2, name_id);
	sqlite3_bind_int64(st, 3, ids[0]);
	sqlite3_bind_int64(st, 4, (int64_t)n);
	sqlite3_bind_text(st, 5, s->scratch.data, (int)s->scratch.len, SQLITE_STATIC);
	return pb_store_run(s, st);
}

int store_index_flush(struct pb_store *s)
{
	struct store_index *x = &s->index;
	size_t start = 0;
	int rc = 0;

	/* count per name, then the ids of each name together, in id order */
	for (size_t i = 0; i < x->nnames; i++) {
		x->name_start[i] = start;
		start += x->name_count[i];
		x->name_count[i] = 0;
	}
	for (size_t i = 0; i < x->n; i++) {
		uint32_t k = x->name_of[i];

		x->grouped[x->name_start[k] + x->name_count[k]++] = x->id[i];
	}
	for (size_t k = 0; k < x->nnames && !rc; k++)
		rc = write_row(s, x->slot_name[x->name_slot_of[k]], x->grouped + x->name_start[k],
			       x->name_count[k]);
	store_index_reset(x);
	return rc;
}

int store_index_add(struct pb_store *s, int64_t source_id, int64_t name_id, int64_t event_id)
{
	struct store_index *x = &s->index;
	size_t slot;
	uint32_t k;

	/* a row holds the events of one source */
	if (x->n && source_id != x->source_id && store_index_flush(s) < 0)
		return -1;
	x->source_id = source_id;
	slot = name_slot(x, name_id);
	if (!x->slot_name[slot]) {
		x->slot_name[slot] = name_id;
		x->slot_index[slot] = (uint32_t)x->nnames;
		x->name_slot_of[x->nnames] = (uint32_t)slot;
		x->name_count[x->nnames++] = 0;
	}
	k = x->slot_index[slot];
	x->name_of[x->n] = k;
	x->id[x->n++] = event_id;
	x->name_count[k]++;
	return x->n == STORE_INDEX_BLOCK ? store_index_flush(s) : 0;
}

/* Writes the index rows of the events that ST (bound, one parameter
 * left to bind to ARG) selects as (source_id, name_id, id) in id order. */
static int rows_from(struct pb_store *s, sqlite3_stmt *st, int64_t arg)
{
	bool own_insert = !s->st[ST_INDEX_INSERT];
	int rc;

	if (!st)
		return -1;
	/* called by the upgrade before the statements are prepared */
	if (own_insert && !(s->st[ST_INDEX_INSERT] = pb_store_prepare(s, STORE_INDEX_INSERT_SQL))) {
		sqlite3_finalize(st);
		return -1;
	}
	store_index_reset(&s->index);
	sqlite3_bind_int64(st, 1, arg);
	while ((rc = pb_store_step(s, st)) > 0)
		if (store_index_add(s, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
				    sqlite3_column_int64(st, 2)) < 0) {
			rc = -1;
			break;
		}
	if (rc == 0)
		rc = store_index_flush(s);
	sqlite3_finalize(st);
	store_index_reset(&s->index);
	if (own_insert) {
		sqlite3_finalize(s->st[ST_INDEX_INSERT]);
		s->st[ST_INDEX_INSERT] = NULL;
	}
	return rc;
}

int store_index_rebuild(struct pb_store *s, int64_t after_event)
{
	return rows_from(s, pb_store_prepare(s,
		"SELECT source_id, name_id, id FROM main.event WHERE id > ? ORDER BY id"), after_event);
}

/* Sources whose index rows do not count their events. */
static const char unindexed_sql[] =
	"SELECT id FROM source s WHERE events !=\n"
	"  (SELECT COALESCE(sum(n), 0) FROM event_index x WHERE x.source_id = s.id)";

int pb_store_repair_index(struct pb_store *s)
{
	sqlite3_stmt *st = pb_store_prepare(s, unindexed_sql);
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (!st)
		return -1;
	while ((rc = pb_store_step(s, st)) > 0) {
		PB_GROW(ids, n + 1, cap);
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	for (size_t i = 0; i < n && !rc; i++) {
		sqlite3_stmt *del = pb_store_prepare(s, "DELETE FROM event_index WHERE source_id = ?");

		if (!del) {
			rc = -1;
			break;
		}
		sqlite3_bind_int64(del, 1, ids[i]);
		rc = pb_store_run(s, del);
		sqlite3_finalize(del);
		if (!rc)
			rc = rows_from(s, pb_store_prepare(s,
				"SELECT source_id, name_id, id FROM main.event WHERE source_id = ? "
				"ORDER BY id"), ids[i]);
	}
	free(ids);
	return rc;
}
