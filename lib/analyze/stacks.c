/* stacks.c - stacks for flame graphs: the holders' stacks weighted by the
 * pages they held, or the failing allocations' stacks weighted by
 * failures. The folded text is root first, as FlameGraph wants it. */
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

struct weight {
	int64_t stack_id, pfn;
	const struct site *site;
};

static int cmp_weight(const void *a, const void *b)
{
	const struct weight *x = a, *y = b;

	if (x->stack_id != y->stack_id)
		return x->stack_id < y->stack_id ? -1 : 1;
	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

/* The folded text is that of the frames past the tracer's, the same
 * frames show and blame print. */
static json_t *stack_json(struct pb_store *s, const struct site *site, int64_t stack_id,
			  int64_t count)
{
	json_t *o = json_object();
	struct pb_buf folded = { 0 };

	json_object_set_new(o, "count", json_integer(count));
	json_object_set_new(o, "stack_id", json_integer(stack_id));
	json_object_set_new(o, "callsite", pb_json_text(site->callsite));
	json_object_set_new(o, "module", pb_json_text(site->module));
	json_object_set_new(o, "folded", site_folded(s, site, stack_id, &folded) == 0
				? pb_json_text(pb_buf_str(&folded)) : json_null());
	pb_buf_free(&folded);
	return o;
}

/* Distinct pages per stack of the blamed holders. */
static int holder_stacks(struct pb_store *s, const struct pb_analyze_opts *o,
			 struct site_cache *sites, json_t *arr)
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
			w[n++] = (struct weight){ l.v[i].stack_id, l.v[i].pfn, l.v[i].site };
	sort_n(w, n, sizeof(*w), cmp_weight);
	for (size_t i = 0, j; i < n; i = j) {
		int64_t pages = 0;

		for (j = i; j < n && w[j].stack_id == w[i].stack_id; j++)
			pages += j == i || w[j].pfn != w[j - 1].pfn;
		json_array_append_new(arr, stack_json(s, w[i].site, w[i].stack_id, pages));
	}
	free(w);
	cand_list_free(&l);
	return 0;
}

static int failure_stacks(struct pb_store *s, const struct pb_analyze_opts *o,
			  struct site_cache *sites, json_t *arr)
{
	struct pb_buf sql = { 0 };
	sqlite3_stmt *st;
	int rc = -1;

	pb_buf_adds(&sql, "SELECT f.stack_id, count(*) FROM failure f "
		    "WHERE f.stack_id IS NOT NULL");
	failure_filter_sql(&sql, o);
	pb_buf_adds(&sql, " GROUP BY f.stack_id");
	st = pb_store_prepare(s, pb_buf_str(&sql));
	pb_buf_free(&sql);
	while (st && (rc = pb_store_step(s, st)) > 0) {
		const struct site *site = site_of(sites, sqlite3_column_int64(st, 0), MODE_HOLD);

		if (!site) {
			rc = -1;
			break;
		}
		json_array_append_new(arr, stack_json(s, site, sqlite3_column_int64(st, 0),
						      sqlite3_column_int64(st, 1)));
	}
	sqlite3_finalize(st);
	return rc;
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
	json_t *arr = json_array(), *root = NULL;
	int rc = -1;

	if (noise_init(&noise, o) < 0) {
		json_decref(arr);
		return NULL;
	}
	sites = site_cache_new(s, &noise);
	if (sites)
		rc = which == PB_STACKS_FAILURES ? failure_stacks(s, o, sites, arr)
						 : holder_stacks(s, o, sites, arr);
	if (rc == 0)
		root = json_pack("{s:s,s:s,s:o}", "schema", "pinblame.stacks/1", "which",
				 which == PB_STACKS_FAILURES ? "failures" : "holders",
				 "stacks", sorted(arr));
	else
		json_decref(arr);
	site_cache_free(sites);
	noise_free(&noise);
	return root;
}

/* One blamed page under the folded text of its holder's stack. */
struct folded_page {
	const char *folded;
	int64_t pfn;
};

static int cmp_folded_page(const void *a, const void *b)
{
	const struct folded_page *x = a, *y = b;
	int c = strcmp(x->folded, y->folded);

	if (c)
		return c;
	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

/* Distinct pages per folded text, from W sorted by stack: the text of
 * each stack is made once. */
static json_t *folded_pages(struct pb_store *s, const struct weight *w, size_t n)
{
	struct folded_page *v = pb_malloc((n + 1) * sizeof(*v));
	struct pb_arena texts = { 0 };
	struct pb_buf b = { 0 };
	json_t *arr = json_array();
	size_t k;

	for (size_t i = 0; i < n; i++) {
		if (i == 0 || w[i].stack_id != w[i - 1].stack_id) {
			if (site_folded(s, w[i].site, w[i].stack_id, &b) < 0)
				goto fail;
		}
		v[i] = (struct folded_page){ i && w[i].stack_id == w[i - 1].stack_id ? v[i - 1].folded
					     : pb_arena_strdup(&texts, pb_buf_str(&b)), w[i].pfn };
	}
	sort_n(v, n, sizeof(*v), cmp_folded_page);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i, k = 0; j < n && !strcmp(v[j].folded, v[i].folded); j++)
			k += j == i || v[j].pfn != v[j - 1].pfn;
		json_array_append_new(arr, json_pack("{s:o,s:I}", "folded", pb_json_text(v[i].folded),
						     "pages", (json_int_t)k));
	}
	goto out;
fail:
	json_decref(arr);
	arr = NULL;
out:
	free(v);
	pb_buf_free(&b);
	pb_arena_free(&texts);
	return arr;
}

json_t *pb_analyze_holder_folded(struct pb_store *s, const struct pb_analyze_opts *o)
{
	struct pb_noise noise;
	struct site_cache *sites;
	struct cand_list l = { 0 };
	struct weight *w = NULL;
	json_t *arr = NULL;
	size_t n = 0;

	if (noise_init(&noise, o) < 0)
		return NULL;
	sites = site_cache_new(s, &noise);
	if (sites && load_cands(s, o, 0, &l) == 0 && rank_cands(&l, sites) == 0) {
		w = pb_malloc((l.n + 1) * sizeof(*w));
		for (size_t i = 0; i < l.n; i++)
			if (cand_blamed(&l.v[i]) && l.v[i].stack_id)
				w[n++] = (struct weight){ l.v[i].stack_id, l.v[i].pfn, l.v[i].site };
		sort_n(w, n, sizeof(*w), cmp_weight);
		arr = folded_pages(s, w, n);
	}
	free(w);
	cand_list_free(&l);
	site_cache_free(sites);
	noise_free(&noise);
	return arr;
}
