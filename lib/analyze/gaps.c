/* gaps.c - why the busy pages that no call site is blamed for are left,
 * as facts of the capture, so that the hints `blame` prints from them
 * are true of it: whether the trace has GUP and splice probes, which
 * pages only have stacks cut short at a kprobe trampoline, which pages a
 * kernel log dump shows in the page cache or shmem, and which failures
 * ended in -ENOMEM (no memory to migrate to, not a busy page).
 */
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

/* errno ENOMEM, the same number on every Linux architecture */
#define ERRNO_ENOMEM 12
/* The low bits of page->mapping that say anon (1) or movable/KSM (2, 3);
 * a page cache or shmem page has them clear (PAGE_MAPPING_ANON,
 * PAGE_MAPPING_MOVABLE in include/linux/page-flags.h). */
#define MAPPING_FLAGS 3u

struct ids {
	int64_t *v;
	size_t n;
};

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int has_id(const struct ids *s, int64_t id)
{
	return s->n && bsearch(&id, s->v, s->n, sizeof(*s->v), cmp_id) != NULL;
}

/* The pages (or failures, with FAILURES) some call site is blamed for. */
static void blamed_ids(const struct cand_list *l, int failures, struct ids *out)
{
	out->v = pb_malloc((l->n + 1) * sizeof(*out->v));
	out->n = 0;
	for (size_t i = 0; i < l->n; i++)
		if (cand_blamed(&l->v[i]))
			out->v[out->n++] = failures ? l->v[i].failure_id : l->v[i].pfn;
	sort_n(out->v, out->n, sizeof(*out->v), cmp_id);
}

/* Pages not blamed whose candidates include a stack cut short, sorted
 * and distinct, into OUT. */
static void cut_stack_pages(const struct cand_list *l, const struct ids *blamed,
			    struct ids *out)
{
	size_t n = 0;

	out->v = pb_malloc((l->n + 1) * sizeof(*out->v));
	out->n = 0;
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].site && l->v[i].site->cut_short && !has_id(blamed, l->v[i].pfn))
			out->v[out->n++] = l->v[i].pfn;
	sort_n(out->v, out->n, sizeof(*out->v), cmp_id);
	for (size_t i = 0; i < out->n; i++)
		if (i == 0 || out->v[i] != out->v[i - 1])
			out->v[n++] = out->v[i];
	out->n = n;
}

static void failure_where(struct pb_buf *sql, const struct pb_analyze_opts *o,
			  int64_t failure_id)
{
	failure_filter_sql(sql, o);
	if (failure_id > 0)
		pb_buf_addf(sql, " AND f.id = %lld", (long long)failure_id);
}

/* Busy pages neither blamed nor cut short that a dump shows with a file
 * mapping. */
static int64_t page_cache_pages(struct pb_store *s, const struct pb_analyze_opts *o,
				int64_t failure_id, const struct ids *blamed, const struct ids *cut)
{
	struct pb_buf sql = { 0 };
	sqlite3_stmt *st;
	int64_t n = 0, last = -1;
	int rc = SQLITE_ERROR;

	pb_buf_adds(&sql, "SELECT DISTINCT v.pfn, v.mapping FROM evidence v "
		    "WHERE v.kind = 'dump' AND v.mapping IS NOT NULL AND v.pfn IN "
		    "(SELECT p.pfn FROM failure_pfn p JOIN failure f ON f.id = p.failure_id "
		    "WHERE 1");
	failure_where(&sql, o, failure_id);
	pb_buf_adds(&sql, ") ORDER BY v.pfn");
	st = pb_store_prepare(s, pb_buf_str(&sql));
	pb_buf_free(&sql);
	while (st && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t pfn = sqlite3_column_int64(st, 0);
		const char *mapping = column_text(st, 1);
		unsigned long long m = mapping ? strtoull(mapping, NULL, 16) : 0;

		if (!m || (m & MAPPING_FLAGS) || pfn == last || has_id(blamed, pfn) ||
		    has_id(cut, pfn))
			continue;
		last = pfn;
		n++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? n : -1;
}

/* Failures without a blamed holder that ended in -ENOMEM. */
static int64_t enomem_failures(struct pb_store *s, const struct pb_analyze_opts *o,
			       int64_t failure_id, const struct ids *blamed)
{
	struct pb_buf sql = { 0 };
	sqlite3_stmt *st;
	int64_t n = 0;
	int rc = SQLITE_ERROR;

	pb_buf_addf(&sql, "SELECT f.id FROM failure f WHERE f.errorno = %d", -ERRNO_ENOMEM);
	failure_where(&sql, o, failure_id);
	st = pb_store_prepare(s, pb_buf_str(&sql));
	pb_buf_free(&sql);
	while (st && (rc = sqlite3_step(st)) == SQLITE_ROW)
		n += !has_id(blamed, sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? n : -1;
}

/* Whether the store has a probe on a function that IS says. */
static int probes_any(const struct probe_set *p, int (*is)(const char *))
{
	for (size_t i = 0; i < p->n; i++)
		if (is(p->v[i]))
			return 1;
	return 0;
}

json_t *blame_gaps_json(struct pb_store *s, const struct pb_analyze_opts *o, int64_t failure_id,
			const struct cand_list *l, struct site_cache *sites)
{
	const struct probe_set *probes = site_probes(sites);
	struct ids pages, failures, cut;
	int64_t cache, enomem;
	json_t *o_json = NULL;

	blamed_ids(l, 0, &pages);
	blamed_ids(l, 1, &failures);
	cut_stack_pages(l, &pages, &cut);
	cache = page_cache_pages(s, o, failure_id, &pages, &cut);
	enomem = enomem_failures(s, o, failure_id, &failures);
	if (cache >= 0 && enomem >= 0)
		o_json = json_pack("{s:b,s:b,s:I,s:I,s:I}",
				   "gup_probes", probes_any(probes, noise_is_gup),
				   "splice_probes", probes_any(probes, noise_is_splice),
				   "cut_stack_pages", (json_int_t)cut.n,
				   "page_cache_pages", (json_int_t)cache,
				   "enomem_failures", (json_int_t)enomem);
	free(pages.v);
	free(failures.v);
	free(cut.v);
	return o_json;
}
