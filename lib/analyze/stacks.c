/* stacks.c - stacks for flame graphs: the holders' stacks weighted by the
 * pages they held, or the failing allocations' stacks weighted by
 * failures. The folded text is root first, as FlameGraph wants it. */
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

struct weight {
	int64_t stack_id, pfn;
};

static int cmp_weight(const void *a, const void *b)
{
	const struct weight *x = a, *y = b;

	if (x->stack_id != y->stack_id)
		return x->stack_id < y->stack_id ? -1 : 1;
	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

static json_t *stack_json(sqlite3_stmt *folded, const struct site *site, int64_t stack_id,
			  int64_t count)
{
	json_t *o = json_object();

	sqlite3_bind_int64(folded, 1, stack_id);
	json_object_set_new(o, "count", json_integer(count));
	json_object_set_new(o, "stack_id", json_integer(stack_id));
	json_object_set_new(o, "callsite", json_string(site->callsite));
	json_object_set_new(o, "module", site->module ? json_string(site->module) : json_null());
	json_object_set_new(o, "folded", sqlite3_step(folded) == SQLITE_ROW
				? json_string(column_text(folded, 0)) : json_null());
	sqlite3_reset(folded);
	return o;
}

/* Distinct pages per stack of the blamed holders. */
static int holder_stacks(struct pb_store *s, const struct pb_analyze_opts *o,
			 struct site_cache *sites, sqlite3_stmt *folded, json_t *arr)
{
	struct cand_list l = { 0 };
	struct weight *w;
	size_t n = 0;

	if (load_cands(s, o, 0, &l) < 0 || rank_cands(&l, sites) < 0) {
		cand_list_free(&l);
		return -1;
	}
	w = pb_malloc((l.n + 1) * sizeof(*w));
	for (size_t i = 0; i < l.n; i++)
		if (cand_blamed(&l.v[i]) && l.v[i].stack_id)
			w[n++] = (struct weight){ l.v[i].stack_id, l.v[i].pfn };
	sort_n(w, n, sizeof(*w), cmp_weight);
	for (size_t i = 0, j; i < n; i = j) {
		int64_t pages = 0;

		for (j = i; j < n && w[j].stack_id == w[i].stack_id; j++)
			pages += j == i || w[j].pfn != w[j - 1].pfn;
		json_array_append_new(arr, stack_json(folded, site_of(sites, w[i].stack_id),
						      w[i].stack_id, pages));
	}
	free(w);
	cand_list_free(&l);
	return 0;
}

static int failure_stacks(struct pb_store *s, const struct pb_analyze_opts *o,
			  struct site_cache *sites, sqlite3_stmt *folded, json_t *arr)
{
	struct pb_buf sql = { 0 };
	sqlite3_stmt *st;
	int rc = SQLITE_ERROR;

	pb_buf_adds(&sql, "SELECT f.stack_id, count(*) FROM failure f "
		    "WHERE f.stack_id IS NOT NULL");
	failure_filter_sql(&sql, o);
	pb_buf_adds(&sql, " GROUP BY f.stack_id");
	st = pb_store_prepare(s, pb_buf_str(&sql));
	pb_buf_free(&sql);
	while (st && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const struct site *site = site_of(sites, sqlite3_column_int64(st, 0));

		if (!site) {
			rc = SQLITE_ERROR;
			break;
		}
		json_array_append_new(arr, stack_json(folded, site, sqlite3_column_int64(st, 0),
						      sqlite3_column_int64(st, 1)));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int cmp_count(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t cx = json_integer_value(json_object_get(x, "count"));
	json_int_t cy = json_integer_value(json_object_get(y, "count"));

	if (cx != cy)
		return cx > cy ? -1 : 1;
	cx = json_integer_value(json_object_get(x, "stack_id"));
	cy = json_integer_value(json_object_get(y, "stack_id"));
	return cx < cy ? -1 : cx > cy;
}

/* The entries of ARR, largest count first. */
static json_t *sorted(json_t *arr)
{
	size_t n = json_array_size(arr);
	json_t **v = pb_malloc((n + 1) * sizeof(*v)), *out = json_array();

	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(arr, i);
	sort_n(v, n, sizeof(*v), cmp_count);
	for (size_t i = 0; i < n; i++)
		json_array_append(out, v[i]);
	free(v);
	json_decref(arr);
	return out;
}

json_t *pb_analyze_stacks(struct pb_store *s, const struct pb_analyze_opts *o,
			  enum pb_stacks_which which)
{
	struct pb_noise noise;
	struct site_cache *sites;
	sqlite3_stmt *folded;
	json_t *arr = json_array(), *root = NULL;
	int rc = -1;

	if (noise_init(&noise, o) < 0) {
		json_decref(arr);
		return NULL;
	}
	sites = site_cache_new(s, &noise);
	folded = pb_store_prepare(s, "SELECT folded FROM stack WHERE id = ?");
	if (sites && folded)
		rc = which == PB_STACKS_FAILURES ? failure_stacks(s, o, sites, folded, arr)
						 : holder_stacks(s, o, sites, folded, arr);
	if (rc == 0)
		root = json_pack("{s:s,s:s,s:o}", "schema", "pinblame.stacks/1", "which",
				 which == PB_STACKS_FAILURES ? "failures" : "holders",
				 "stacks", sorted(arr));
	else
		json_decref(arr);
	sqlite3_finalize(folded);
	site_cache_free(sites);
	noise_free(&noise);
	return root;
}
