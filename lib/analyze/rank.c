/* rank.c - holder candidates of a busy page, and which one is blamed.
 *
 * A page with count=3 has several holders (seed 002). All candidates are
 * kept; within a page they are ordered by role (a call site before a
 * common path), by whether a stack is known, by kind (the get that took
 * the reference before the put that dropped it), confidence, and nearness
 * in time. Rank 1 is blamed when it is a call site.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

static const char *const kind_names[CAND_NKINDS] = {
	[CAND_PIN] = "pin",
	[CAND_LAST_PIN] = "last_pin",
	[CAND_PROBE] = "probe",
	[CAND_PAGE_REF_GET] = "page_ref_get",
	[CAND_DUMP_PROBE] = "dump_probe",
	[CAND_PAGE_REF_PUT] = "page_ref_put",
	[CAND_PINNER_PUT] = "pinner_put",
	[CAND_ACK_PUT] = "ack_put",
	[CAND_PAGE_OWNER] = "page_owner",
};

/* Lower is stronger: a get names the holder itself, a put names whoever
 * released the reference, an allocation stack only who made the page. */
static const int kind_priority[CAND_NKINDS] = {
	[CAND_PIN] = 0,
	[CAND_LAST_PIN] = 0,
	[CAND_PROBE] = 0,
	[CAND_PAGE_REF_GET] = 1,
	[CAND_DUMP_PROBE] = 1,
	[CAND_PAGE_REF_PUT] = 2,
	[CAND_PINNER_PUT] = 2,
	[CAND_ACK_PUT] = 2,
	[CAND_PAGE_OWNER] = 3,
};

const char *cand_kind_name(enum cand_kind k)
{
	return kind_names[k];
}

int cand_kind_parse(const char *name, enum cand_kind *k)
{
	for (int i = 0; i < CAND_NKINDS; i++) {
		if (name && !strcmp(name, kind_names[i])) {
			*k = (enum cand_kind)i;
			return 0;
		}
	}
	return -1;
}

int cand_is_put(enum cand_kind k)
{
	return k == CAND_PAGE_REF_PUT || k == CAND_PINNER_PUT || k == CAND_ACK_PUT;
}

const char *confidence_name(enum confidence c)
{
	return c == CONF_HIGH ? "high" : c == CONF_MEDIUM ? "medium" : "low";
}

enum confidence confidence_parse(const char *name)
{
	if (name && !strcmp(name, "high"))
		return CONF_HIGH;
	if (name && !strcmp(name, "medium"))
		return CONF_MEDIUM;
	return CONF_LOW;
}

const char *noise_role_name(enum noise_role r)
{
	if (r == ROLE_FAULT_ALLOC)
		return "allocator";
	return r == ROLE_LISTED ? "listed" : r == ROLE_FREQUENT ? "frequent" : NULL;
}

struct cand *cand_add(struct cand_list *l)
{
	PB_GROW(l->v, l->n + 1, l->cap);
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

void cand_list_free(struct cand_list *l)
{
	free(l->v);
	pb_arena_free(&l->strings);
	memset(l, 0, sizeof(*l));
}

int cand_blamed(const struct cand *c)
{
	return c->rank == 1 && c->role == ROLE_HOLDER;
}

static int cmp_page(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->failure_id != y->failure_id)
		return x->failure_id < y->failure_id ? -1 : 1;
	if (x->pfn != y->pfn)
		return x->pfn < y->pfn ? -1 : 1;
	return x->evidence_id < y->evidence_id ? -1 : x->evidence_id > y->evidence_id;
}

static int64_t distance(const struct cand *c)
{
	int64_t d;

	if (c->ts_ns < 0 || c->busy_ts_ns < 0)
		return INT64_MAX;
	d = c->ts_ns - c->busy_ts_ns;
	return d < 0 ? -d : d;
}

static int cmp_rank(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int64_t dx, dy;

	if (x->role != y->role)
		return x->role < y->role ? -1 : 1;
	if (x->site->has_stack != y->site->has_stack)
		return x->site->has_stack ? -1 : 1;
	if (kind_priority[x->kind] != kind_priority[y->kind])
		return kind_priority[x->kind] < kind_priority[y->kind] ? -1 : 1;
	if (x->conf != y->conf)
		return x->conf < y->conf ? -1 : 1;
	dx = distance(x);
	dy = distance(y);
	if (dx != dy)
		return dx < dy ? -1 : 1;
	return x->evidence_id < y->evidence_id ? -1 : x->evidence_id > y->evidence_id;
}

static int same_site(const struct site *a, const struct site *b)
{
	if (a == b)
		return 1;
	if (strcmp(a->callsite, b->callsite))
		return 0;
	if (!a->module || !b->module)
		return a->module == b->module;
	return !strcmp(a->module, b->module);
}

/* One call site on one busy page, for counting how common it is. */
struct seen {
	const struct site *site;
	int64_t failure_id;
	int shared;		/* another call site holds the same page */
};

static int cmp_seen(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;
	int c = strcmp(x->site->callsite, y->site->callsite);

	if (c)
		return c;
	c = strcmp(x->site->module ? x->site->module : "", y->site->module ? y->site->module : "");
	if (c)
		return c;
	return x->failure_id < y->failure_id ? -1 : x->failure_id > y->failure_id;
}

/* Appends the distinct stacked call sites of the page V[0..n) to SEEN. */
static size_t page_sites(struct cand *v, size_t n, struct seen *seen)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		size_t j;

		if (v[i].role != ROLE_HOLDER || !v[i].site->has_stack)
			continue;
		for (j = 0; j < k && !same_site(seen[j].site, v[i].site); j++)
			;
		if (j == k)
			seen[k++] = (struct seen){ v[i].site, v[i].failure_id, 0 };
	}
	for (size_t j = 0; j < k; j++)
		seen[j].shared = k > 1;
	return k;
}

static size_t page_end(const struct cand_list *l, size_t i)
{
	size_t j = i + 1;

	while (j < l->n && l->v[j].failure_id == l->v[i].failure_id && l->v[j].pfn == l->v[i].pfn)
		j++;
	return j;
}

/* A call site on nearly every failed page, sharing those pages with other
 * call sites, across failures, is a common path nobody listed: demote it.
 * A single culprit that holds every page alone is not demoted. */
static void demote_frequent(struct cand_list *l)
{
	struct seen *seen = pb_malloc((l->n + 1) * sizeof(*seen));
	size_t nseen = 0, pages = 0, nfailures = 0;
	int64_t last_failure = 0;

	for (size_t i = 0, j; i < l->n; i = j) {
		size_t k;

		j = page_end(l, i);
		k = page_sites(&l->v[i], j - i, &seen[nseen]);
		if (k && l->v[i].failure_id != last_failure) {
			nfailures++;
			last_failure = l->v[i].failure_id;
		}
		pages += k > 0;
		nseen += k;
	}
	sort_n(seen, nseen, sizeof(*seen), cmp_seen);
	for (size_t i = 0, j; i < nseen; i = j) {
		size_t shared = 0, failures = 0;

		for (j = i; j < nseen && same_site(seen[j].site, seen[i].site); j++) {
			shared += (size_t)seen[j].shared;
			failures += j == i || seen[j].failure_id != seen[j - 1].failure_id;
		}
		if (j - i < 4 || (j - i) * 10 < pages * 9 || shared * 10 < (j - i) * 9 ||
		    failures < (nfailures < 2 ? nfailures : 2))
			continue;
		for (size_t c = 0; c < l->n; c++)
			if (l->v[c].role == ROLE_HOLDER && same_site(l->v[c].site, seen[i].site))
				l->v[c].role = ROLE_FREQUENT;
	}
	free(seen);
}

int rank_cands(struct cand_list *l, struct site_cache *sites)
{
	for (size_t i = 0; i < l->n; i++) {
		struct cand *c = &l->v[i];

		/* an allocation stack names who asked for the page */
		c->site = site_of(sites, c->stack_id,
				  c->kind == CAND_PAGE_OWNER ? MODE_ALLOC : MODE_HOLD);
		if (!c->site)
			return -1;
		c->role = c->site->listed ? ROLE_LISTED
			  : c->site->fault_alloc ? ROLE_FAULT_ALLOC : ROLE_HOLDER;
	}
	sort_n(l->v, l->n, sizeof(*l->v), cmp_page);
	demote_frequent(l);
	for (size_t i = 0, j; i < l->n; i = j) {
		j = page_end(l, i);
		sort_n(&l->v[i], j - i, sizeof(*l->v), cmp_rank);
		for (size_t k = i; k < j; k++)
			l->v[k].rank = (int)(k - i + 1);
	}
	return 0;
}

/* A row of the attribution query of load_cands(). */
static void cand_row(sqlite3_stmt *st, void *ctx)
{
	struct cand_list *l = ctx;
	struct cand *c = cand_add(l);
	const char *comm = column_text(st, 7);

	c->failure_id = sqlite3_column_int64(st, 0);
	c->pfn = sqlite3_column_int64(st, 1);
	c->stack_id = column_i64_or(st, 2, 0);
	c->evidence_id = column_i64_or(st, 3, 0);
	c->ts_ns = column_i64_or(st, 4, -1);
	c->busy_ts_ns = column_i64_or(st, 5, -1);
	c->pid = (int32_t)column_i64_or(st, 6, -1);
	c->comm = comm ? pb_arena_strdup(&l->strings, comm) : NULL;
	if (cand_kind_parse(column_text(st, 8), &c->kind) < 0)
		c->kind = CAND_PAGE_OWNER;
	c->conf = confidence_parse(column_text(st, 9));
}

int load_cands(struct pb_store *s, const struct pb_analyze_opts *o, int64_t failure_id,
	       struct cand_list *l)
{
	struct pb_buf sql = { 0 };
	int rc;

	pb_buf_adds(&sql,
		"SELECT a.failure_id, a.pfn, a.stack_id, a.evidence_id, a.ts_ns, p.ts_ns, "
		"a.pid, a.comm, a.kind, a.confidence FROM attribution a "
		"JOIN failure f ON f.id = a.failure_id "
		"LEFT JOIN failure_pfn p ON p.failure_id = a.failure_id AND p.pfn = a.pfn "
		"WHERE 1");
	failure_filter_sql(&sql, o);
	if (failure_id > 0)
		pb_buf_addf(&sql, " AND f.id = %lld", (long long)failure_id);
	rc = sql_rows_each(s, pb_buf_str(&sql), cand_row, l);
	pb_buf_free(&sql);
	return rc;
}
