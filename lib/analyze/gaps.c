/* gaps.c - why the busy pages that no call site is blamed for are left,
 * as facts of the capture, so that the hints `blame` prints from them
 * are true of it: whether the trace has GUP and splice probes, which
 * pages only have stacks cut short at a kprobe trampoline, which pages a
 * kernel log dump shows pinned by pin_user_pages() (FOLL_PIN), which a
 * kernel log dump or the trace shows in the page cache or shmem, which
 * are of a boot whose page_pinner records hold no put of theirs, which
 * failures ended in -ENOMEM (memory ran out, no page was busy), and how
 * many probe hits named no page because their page= could not be mapped
 * (hashed pointers, or too few events that print both pfn and page).
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

/* The pages (or failures, with FAILURES) some call site is blamed for. */
static void blamed_ids(const struct cand_list *l, int failures, struct ids *out)
{
	out->cap = l->n + 1;
	out->v = pb_malloc(out->cap * sizeof(*out->v));
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
	out->cap = l->n + 1;
	out->v = pb_malloc(out->cap * sizeof(*out->v));
	out->n = 0;
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].site && l->v[i].site->cut_short && !ids_has(blamed, l->v[i].pfn))
			out->v[out->n++] = l->v[i].pfn;
	ids_distinct(out);
}

static void failure_where(struct pb_buf *sql, const struct pb_analyze_opts *o,
			  int64_t failure_id)
{
	failure_filter_sql(sql, o);
	if (failure_id > 0)
		pb_buf_addf(sql, " AND f.id = %lld", (long long)failure_id);
}

/* The busy pages of the failures in scope, sorted and distinct. */
static int busy_pages(struct pb_store *s, const struct pb_analyze_opts *o, int64_t failure_id,
		      struct ids *out)
{
	struct pb_buf sql = { 0 };
	int rc;

	pb_buf_adds(&sql, "SELECT DISTINCT p.pfn FROM failure_pfn p "
		    "JOIN failure f ON f.id = p.failure_id WHERE 1");
	failure_where(&sql, o, failure_id);
	pb_buf_adds(&sql, " ORDER BY p.pfn");
	rc = sql_ids(s, pb_buf_str(&sql), out);
	pb_buf_free(&sql);
	return rc;
}

/* The busy pages (sorted) and the page cache pages found among them. */
struct cache_pages {
	const struct ids *busy;
	struct ids *out;
};

/* A page a kernel log dump shows with a file mapping. */
static void dumped_cache_page(sqlite3_stmt *st, void *ctx)
{
	struct cache_pages *c = ctx;
	const char *mapping = column_text(st, 1);
	unsigned long long m = mapping ? strtoull(mapping, NULL, 16) : 0;

	if (m && !(m & MAPPING_FLAGS) && ids_has(c->busy, sqlite3_column_int64(st, 0)))
		ids_push(c->out, sqlite3_column_int64(st, 0));
}

/* Busy pages that a kernel log dump shows with a file mapping. */
static int dumped_cache_pages(struct pb_store *s, struct cache_pages *c)
{
	return sql_rows_each(s, "SELECT v.pfn, v.mapping FROM evidence v "
			     "WHERE v.kind = 'dump' AND v.mapping IS NOT NULL",
			     dumped_cache_page, c);
}

/* Busy pages that the trace saw added to the page cache
 * (filemap:mm_filemap_add_to_page_cache, "... pfn=0x%lx ofs=%lu ..."). */
static void traced_cache_page(sqlite3_stmt *st, void *ctx)
{
	struct cache_pages *c = ctx;
	const char *text = column_text(st, 0);
	int64_t pfn = text ? (int64_t)strtoull(text, NULL, 0) : -1;

	if (pfn > 0 && ids_has(c->busy, pfn))
		ids_push(c->out, pfn);
}

static int traced_cache_pages(struct pb_store *s, struct cache_pages *c)
{
	return sql_rows_each(s,
		"SELECT pb_field(e.keyset_id, e.vals, 'pfn') FROM "
		PB_EVENTS_NAMED " WHERE x.name_id IN "
		"(SELECT id FROM name WHERE text LIKE '%mm_filemap_add_to_page_cache')",
		traced_cache_page, c);
}

/* The pages a hint already explains, each hint's after the one before:
 * sorted, for ids_has(). */
struct explained {
	const struct ids *blamed, *cut, *pinned, *cache;
};

static int explained_has(const struct explained *x, int64_t pfn)
{
	return (x->blamed && ids_has(x->blamed, pfn)) || (x->cut && ids_has(x->cut, pfn)) ||
	       (x->pinned && ids_has(x->pinned, pfn)) || (x->cache && ids_has(x->cache, pfn));
}

struct pinned_scan {
	const struct explained *x;
	struct ids *out;
	int64_t failure_id, pfn;	/* of the row before */
};

/* A busy page whose dump nearest its failure shows a FOLL_PIN pin. */
static void pinned_row(sqlite3_stmt *st, void *ctx)
{
	struct pinned_scan *c = ctx;
	int64_t pfn = sqlite3_column_int64(st, 0), failure_id = sqlite3_column_int64(st, 1);
	json_t *d;

	if (pfn == c->pfn && failure_id == c->failure_id)
		return;
	c->pfn = pfn;
	c->failure_id = failure_id;
	d = stmt_row_json(st);
	dump_add_pins(d);
	if (pb_json_int(d, "pins", 0) > 0 && !explained_has(c->x, pfn))
		ids_push(c->out, pfn);
	json_decref(d);
}

/* Busy pages neither blamed nor cut short whose kernel log dump (the one
 * nearest the failure, as show lists it first) shows a pin of
 * pin_user_pages() in its counts: their holder is such a caller. */
static int pinned_pages(struct pb_store *s, const struct pb_analyze_opts *o, int64_t failure_id,
			const struct explained *x, struct ids *out)
{
	struct pinned_scan c = { x, out, -1, -1 };
	struct pb_buf sql = { 0 };
	int rc;

	/* every dump of each busy page, the nearest first: the row callback
	 * reads the first of each */
	pb_buf_adds(&sql, "SELECT p.pfn, p.failure_id, v.count AS refcount, "
		    "v.mapcount AS mapcount, " DUMP_PINS_COLUMNS("e", "s") " "
		    "FROM failure_pfn p JOIN failure f ON f.id = p.failure_id "
		    "JOIN evidence v ON v.pfn = p.pfn AND v.kind = 'dump' "
		    "LEFT JOIN event e ON e.id = v.event_id LEFT JOIN source s ON s.id = v.source_id "
		    "WHERE 1");
	failure_where(&sql, o, failure_id);
	pb_buf_adds(&sql, " ORDER BY p.failure_id, p.pfn, abs(v.ts_ns - COALESCE(p.ts_ns, 0)), v.id");
	rc = sql_rows_each(s, pb_buf_str(&sql), pinned_row, &c);
	pb_buf_free(&sql);
	ids_distinct(out);
	return rc;
}

/* Busy pages neither blamed nor cut short that are page cache or shmem
 * pages, as a dump or the trace says. */
static int64_t page_cache_pages(struct pb_store *s, const struct pb_analyze_opts *o,
				int64_t failure_id, const struct explained *x, struct ids *cache)
{
	struct ids busy = { 0 };
	struct cache_pages c = { &busy, cache };
	int64_t n = -1;

	if (busy_pages(s, o, failure_id, &busy) == 0 && dumped_cache_pages(s, &c) == 0 &&
	    traced_cache_pages(s, &c) == 0) {
		size_t kept = 0;

		ids_distinct(cache);
		for (size_t i = 0; i < cache->n; i++)
			if (!explained_has(x, cache->v[i]))
				cache->v[kept++] = cache->v[i];
		cache->n = kept;
		n = (int64_t)kept;
	}
	free(busy.v);
	return n;
}

/* Page_pinner's failure-side records (mm/page_pinner.c: PP_PUT, PP_FREE,
 * PP_FAIL_DETECTED in its `buffer` ring, or the alloc_contig_failed file
 * before it): the put that gave back a failed page's reference is kept
 * there, so a page without one was still held when the file was read, or
 * its put was overwritten. The boots (as BOOT_OF_SQL) of the sources
 * that have such records, into OUT. */
static int pinner_put_boots(struct pb_store *s, struct ids *out)
{
	return sql_ids(s, "SELECT DISTINCT " BOOT_OF_SQL("s") " FROM source s "
		       "WHERE s.format = 'page_pinner' AND EXISTS (SELECT 1 FROM evidence v "
		       "WHERE v.source_id = s.id AND v.kind IN ('ack_put', 'ack_free', 'ack_failure'))",
		       out);
}

struct pinner_scan {
	const struct explained *x;
	const struct ids *boots;
	struct ids *out;
};

static void pinner_row(sqlite3_stmt *st, void *ctx)
{
	struct pinner_scan *c = ctx;
	int64_t pfn = sqlite3_column_int64(st, 0), boot = sqlite3_column_int64(st, 1);

	if (explained_has(c->x, pfn))
		return;
	for (size_t i = 0; i < c->boots->n; i++)
		if (same_boot(c->boots->v[i], boot)) {
			ids_push(c->out, pfn);
			return;
		}
}

/* Busy pages no hint before explains, of failures of a boot whose
 * page_pinner records have puts: their put is not among them. */
static int64_t pinner_unput_pages(struct pb_store *s, const struct pb_analyze_opts *o,
				  int64_t failure_id, const struct explained *x)
{
	struct ids boots = { 0 }, out = { 0 };
	struct pinner_scan c = { x, &boots, &out };
	struct pb_buf sql = { 0 };
	int64_t n = -1;

	if (pinner_put_boots(s, &boots) == 0) {
		pb_buf_adds(&sql, "SELECT p.pfn, " BOOT_OF_SQL("fs") " FROM failure_pfn p "
			    "JOIN failure f ON f.id = p.failure_id "
			    "JOIN source fs ON fs.id = f.source_id WHERE 1");
		failure_where(&sql, o, failure_id);
		if (!boots.n || sql_rows_each(s, pb_buf_str(&sql), pinner_row, &c) == 0) {
			ids_distinct(&out);
			n = (int64_t)out.n;
		}
	}
	pb_buf_free(&sql);
	free(boots.v);
	free(out.v);
	return n;
}

/* Failures without a blamed holder that ended in -ENOMEM. */
static int64_t enomem_failures(struct pb_store *s, const struct pb_analyze_opts *o,
			       int64_t failure_id, const struct ids *blamed)
{
	struct pb_buf sql = { 0 };
	struct ids enomem = { 0 };
	int64_t n = 0;
	int rc;

	pb_buf_addf(&sql, "SELECT f.id FROM failure f WHERE f.errorno = %d", -ERRNO_ENOMEM);
	failure_where(&sql, o, failure_id);
	rc = sql_ids(s, pb_buf_str(&sql), &enomem);
	pb_buf_free(&sql);
	for (size_t i = 0; i < enomem.n; i++)
		n += !ids_has(blamed, enomem.v[i]);
	free(enomem.v);
	return rc ? -1 : n;
}

/* Messages of the kernel log that its rate limit left out ("%s: %d
 * callbacks suppressed" after a line of a function read here): the
 * failures and busy pages a log shows are then fewer than there were.
 * Counted over the whole window, not per failure: a suppressed message
 * names no allocation. Found by name through the event index. */
static int64_t suppressed_messages(struct pb_store *s, const struct pb_analyze_opts *o)
{
	struct pb_buf sql = { 0 };
	struct ids counts = { 0 };
	int64_t n = 0;
	int rc;

	pb_buf_adds(&sql, "SELECT CAST(f.value AS INTEGER) FROM event_ids i "
		    "JOIN event e ON e.id = i.id JOIN event_fields f ON f.event_id = i.id "
		    "WHERE i.event = 'kmsg:suppressed' AND f.name = 'count'");
	if (o->since_ns >= 0)
		pb_buf_addf(&sql, " AND e.ts_ns >= %lld", (long long)o->since_ns);
	if (o->until_ns >= 0)
		pb_buf_addf(&sql, " AND e.ts_ns <= %lld", (long long)o->until_ns);
	rc = sql_ids(s, pb_buf_str(&sql), &counts);
	pb_buf_free(&sql);
	/* a log may print any count: the sum stops at the largest */
	for (size_t i = 0; i < counts.n; i++)
		if (counts.v[i] > 0)
			n = counts.v[i] > INT64_MAX - n ? INT64_MAX : n + counts.v[i];
	free(counts.v);
	return rc ? -1 : n;
}

/* Events the traces lost (ring buffer full, or overwritten before they
 * were read), as their sources counted them: holder evidence may have
 * been among them. */
static int64_t lost_events(struct pb_store *s)
{
	struct ids n = { 0 };
	int64_t lost;

	/* total(), not sum(): sum() fails on an integer overflow, and a
	 * trace may print any count; the cast stops at the largest integer */
	if (sql_ids(s, "SELECT CAST(min(total(lost_events), 9223372036854775807.0) AS INTEGER) FROM source", &n))
		return -1;
	lost = n.n ? n.v[0] : 0;
	free(n.v);
	return lost;
}

/* Whether the traces have page_ref events (CONFIG_DEBUG_PAGE_REF): then
 * every reference taken while they ran is seen, and a busy page left
 * without a get was taken before the trace began. 1, 0, or -1. */
static int page_ref_events(struct pb_store *s)
{
	struct ids n = { 0 };
	int any;

	if (sql_ids(s, "SELECT EXISTS(SELECT 1 FROM evidence WHERE kind IN "
		    "('page_ref_get', 'page_ref_put', 'page_ref'))", &n))
		return -1;
	any = n.n && n.v[0];
	free(n.v);
	return any;
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
	struct ids pages, failures, cut, pinned = { 0 }, cache_ids = { 0 };
	struct explained x = { 0 };
	int64_t cache, enomem, suppressed, lost, pinner = -1;
	int page_refs = page_ref_events(s), rc_pinned;
	struct probe_map_gaps unmapped;
	json_t *o_json = NULL;

	blamed_ids(l, 0, &pages);
	blamed_ids(l, 1, &failures);
	cut_stack_pages(l, &pages, &cut);
	/* each page to the first hint that explains it, a pin before the
	 * page cache: splice takes no FOLL_PIN pin */
	x.blamed = &pages;
	x.cut = &cut;
	rc_pinned = pinned_pages(s, o, failure_id, &x, &pinned);
	x.pinned = &pinned;
	cache = page_cache_pages(s, o, failure_id, &x, &cache_ids);
	x.cache = &cache_ids;
	if (rc_pinned == 0 && cache >= 0)
		pinner = pinner_unput_pages(s, o, failure_id, &x);
	enomem = enomem_failures(s, o, failure_id, &failures);
	suppressed = failure_id > 0 ? 0 : suppressed_messages(s, o);
	lost = lost_events(s);
	if (cache >= 0 && pinner >= 0 && enomem >= 0 && suppressed >= 0 && lost >= 0 &&
	    page_refs >= 0 && probe_map_gaps(s, &unmapped) == 0)
		o_json = json_pack("{s:b,s:b,s:I,s:I,s:I,s:I,s:I,s:I,s:b,s:b}",
				   "gup_probes", probes_any(probes, noise_is_gup),
				   "splice_probes", probes_any(probes, noise_is_splice),
				   "cut_stack_pages", (json_int_t)cut.n,
				   "page_cache_pages", (json_int_t)cache,
				   "enomem_failures", (json_int_t)enomem,
				   "suppressed_messages", (json_int_t)suppressed,
				   "lost_events", (json_int_t)lost,
				   "unmapped_probe_hits", (json_int_t)unmapped.unmapped_hits,
				   "hashed_pointers", unmapped.hashed,
				   "page_ref_events", page_refs);
	/* only when some, as the scripts of version 1 know the keys above */
	if (o_json && pinned.n)
		json_object_set_new(o_json, "pinned_pages", json_integer((json_int_t)pinned.n));
	if (o_json && pinner > 0)
		json_object_set_new(o_json, "pinner_unput_pages", json_integer(pinner));
	free(pinned.v);
	free(cache_ids.v);
	free(pages.v);
	free(failures.v);
	free(cut.v);
	return o_json;
}
