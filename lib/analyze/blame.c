/* blame.c - call sites ranked by the failures they explain, then by the
 * pages they held (doc/DESIGN.md, "Failures and attribution" and "JSON").
 * Candidates are ranked again here with
 * the command's noise list; the stored ranks are those of the default
 * list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

enum ev_cat { EV_PROBE, EV_DUMP, EV_PAGE_REF, EV_PAGE_PINNER, EV_PAGE_OWNER, EV_NCATS };

static const char *const ev_cat_names[EV_NCATS] = {
	"probe", "dump", "page_ref", "page_pinner", "page_owner",
};

static unsigned ev_cats(enum cand_kind k)
{
	switch (k) {
	case CAND_PROBE:
		return 1u << EV_PROBE;
	case CAND_DUMP_PROBE:
		return 1u << EV_PROBE | 1u << EV_DUMP;
	case CAND_PIN:
	case CAND_PAGE_REF_GET:
	case CAND_PAGE_REF_PUT:
		return 1u << EV_PAGE_REF;
	case CAND_PINNER_PUT:
	case CAND_ACK_PUT:
		return 1u << EV_PAGE_PINNER;
	case CAND_LAST_PIN:
		return 1u << EV_PAGE_PINNER | 1u << EV_DUMP;
	default:
		return 1u << EV_PAGE_OWNER;
	}
}

/* A blamed candidate and the key of the row it counts in. */
struct blamed {
	const char *key;
	const struct cand *c;
};

struct row {
	const char *key;
	const struct cand *example;	/* has the row's most common stack */
	size_t failures, pages;
	enum confidence conf;
	size_t evidence[EV_NCATS];
};

/* Failure id -> source path and kernel, for --by source|kernel. */
struct failure_source {
	int64_t id;
	const char *path, *kernel;
};

struct sources {
	struct failure_source *v;
	size_t n, cap;
	struct pb_arena strings;
};

static void source_row(sqlite3_stmt *st, void *ctx)
{
	struct sources *src = ctx;

	PB_GROW(src->v, src->n + 1, src->cap);
	src->v[src->n++] = (struct failure_source){
		sqlite3_column_int64(st, 0),
		pb_arena_strdup(&src->strings, column_text(st, 1)),
		pb_arena_strdup(&src->strings, column_text(st, 2)),
	};
}

static int load_sources(struct pb_store *s, struct sources *src)
{
	return sql_rows_each(s,
		"SELECT f.id, s.path, COALESCE(s.kernel, 'unknown') FROM failure f "
		"JOIN source s ON s.id = f.source_id ORDER BY f.id", source_row, src);
}

static const char *source_key(const struct sources *src, int64_t id, int kernel)
{
	size_t lo = 0, hi = src->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (src->v[mid].id == id)
			return kernel ? src->v[mid].kernel : src->v[mid].path;
		if (src->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return "?";
}

/* The row key of a call site: its name as every output prints it, in A. */
static const char *site_key(const struct site *site, struct pb_arena *a)
{
	struct pb_buf name = { 0 };
	const char *key = pb_arena_strdup(a, pb_site_name(&name, site->callsite, site->module));

	pb_buf_free(&name);
	return key;
}

static const char *row_key(enum pb_blame_by by, const struct cand *c, const struct sources *src,
			   struct pb_arena *a)
{
	char buf[512];

	switch (by) {
	case PB_BY_STACK:
		if (!c->stack_id)
			return c->site->callsite;
		snprintf(buf, sizeof(buf), "%s (stack %lld)", c->site->callsite,
			 (long long)c->stack_id);
		return pb_arena_strdup(a, buf);
	case PB_BY_COMM:
		return c->comm ? c->comm : "?";
	case PB_BY_MODULE:
		return c->site->module ? c->site->module : "[kernel]";
	case PB_BY_SOURCE:
		return source_key(src, c->failure_id, 0);
	case PB_BY_KERNEL:
		return source_key(src, c->failure_id, 1);
	default:
		return site_key(c->site, a);
	}
}

static int cmp_blamed(const void *a, const void *b)
{
	const struct blamed *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	if (x->c->failure_id != y->c->failure_id)
		return x->c->failure_id < y->c->failure_id ? -1 : 1;
	return x->c->pfn < y->c->pfn ? -1 : x->c->pfn > y->c->pfn;
}

/* Sorts V and returns how many distinct values it holds. */
static size_t distinct(int64_t *v, size_t n)
{
	size_t d = 0;

	sort_n(v, n, sizeof(*v), cmp_id);
	for (size_t i = 0; i < n; i++)
		d += i == 0 || v[i] != v[i - 1];
	return d;
}

/* The most frequent stack of the run, as one of its candidates. */
static const struct cand *example(const struct blamed *v, size_t n, int64_t *scratch)
{
	int64_t best = 0;
	size_t count = 0;

	for (size_t i = 0; i < n; i++)
		scratch[i] = v[i].c->stack_id;
	sort_n(scratch, n, sizeof(*scratch), cmp_id);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i; j < n && scratch[j] == scratch[i]; j++)
			;
		if (j - i > count) {
			count = j - i;
			best = scratch[i];
		}
	}
	for (size_t i = 0; i < n; i++)
		if (v[i].c->stack_id == best)
			return v[i].c;
	return v[0].c;
}

/* The row of the run V[0..n) of one key. */
static void fill_row(struct row *r, const struct blamed *v, size_t n, int64_t *scratch)
{
	size_t conf[3] = { 0 };

	memset(r, 0, sizeof(*r));
	r->key = v[0].key;
	for (size_t i = 0; i < n; i++) {
		scratch[i] = v[i].c->failure_id;
		conf[v[i].c->conf]++;
	}
	r->failures = distinct(scratch, n);
	for (size_t i = 0; i < n; i++)
		scratch[i] = v[i].c->pfn;
	r->pages = distinct(scratch, n);
	/* the confidence of most of its pages, the higher one on a tie */
	r->conf = CONF_HIGH;
	for (int c = CONF_MEDIUM; c <= CONF_LOW; c++)
		if (conf[c] > conf[r->conf])
			r->conf = (enum confidence)c;
	for (int cat = 0; cat < EV_NCATS; cat++) {
		size_t k = 0;

		for (size_t i = 0; i < n; i++)
			if (ev_cats(v[i].c->kind) & 1u << cat)
				scratch[k++] = v[i].c->pfn;
		r->evidence[cat] = distinct(scratch, k);
	}
	r->example = example(v, n, scratch);
}

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->failures != y->failures)
		return x->failures > y->failures ? -1 : 1;
	if (x->pages != y->pages)
		return x->pages > y->pages ? -1 : 1;
	return strcmp(x->key, y->key);
}

static const char *const by_names[] = {
	[PB_BY_CALLSITE] = "callsite", [PB_BY_STACK] = "stack", [PB_BY_COMM] = "comm",
	[PB_BY_MODULE] = "module", [PB_BY_SOURCE] = "source", [PB_BY_KERNEL] = "kernel",
};

const char *pb_blame_by_name(enum pb_blame_by by)
{
	return by_names[by];
}

int pb_blame_by_parse(const char *name, enum pb_blame_by *by)
{
	for (size_t i = 0; i < PB_ARRAY_SIZE(by_names); i++) {
		if (!strcmp(name, by_names[i])) {
			*by = (enum pb_blame_by)i;
			return 0;
		}
	}
	return -1;
}

static json_t *row_json(struct pb_store *s, const struct row *r, size_t rank, size_t pages,
			enum pb_blame_by by)
{
	const struct site *site = r->example->site;
	json_t *o = json_object(), *ev = json_object();

	json_object_set_new(o, "rank", json_integer((json_int_t)rank));
	if (by != PB_BY_CALLSITE)
		json_object_set_new(o, "key", pb_json_text(r->key));
	json_object_set_new(o, "callsite", pb_json_text(site->callsite));
	json_object_set_new(o, "module", pb_json_text(site->module));
	json_object_set_new(o, "failures", json_integer((json_int_t)r->failures));
	json_object_set_new(o, "pages", json_integer((json_int_t)r->pages));
	json_object_set_new(o, "share", json_real(pages ? (double)r->pages / (double)pages : 0));
	json_object_set_new(o, "confidence", json_string(confidence_name(r->conf)));
	for (int cat = 0; cat < EV_NCATS; cat++)
		if (r->evidence[cat])
			json_object_set_new(ev, ev_cat_names[cat],
					    json_integer((json_int_t)r->evidence[cat]));
	json_object_set_new(o, "evidence", ev);
	json_object_set_new(o, "stack", r->example->stack_id
				? site_frames_json(s, site, r->example->stack_id) : json_array());
	return o;
}

static int64_t count_sql(struct pb_store *s, const char *what, const struct pb_analyze_opts *o,
			 int64_t failure_id)
{
	struct pb_buf sql = { 0 };
	sqlite3_stmt *st;
	int64_t n = -1;

	pb_buf_addf(&sql, "SELECT %s WHERE 1", what);
	failure_filter_sql(&sql, o);
	if (failure_id > 0)
		pb_buf_addf(&sql, " AND f.id = %lld", (long long)failure_id);
	st = pb_store_prepare(s, pb_buf_str(&sql));
	if (st)
		pb_store_first_int64(s, st, &n);
	sqlite3_finalize(st);
	pb_buf_free(&sql);
	return n;
}

struct blame_state {
	struct cand_list cands;
	struct pb_noise noise;
	struct site_cache *sites;
	struct sources src;
	struct blamed *blamed;
	size_t nblamed;
	struct row *rows;
	size_t nrows;
	int64_t *scratch;
	struct pb_arena keys;
};

static void state_free(struct blame_state *b)
{
	cand_list_free(&b->cands);
	site_cache_free(b->sites);
	noise_free(&b->noise);
	free(b->src.v);
	pb_arena_free(&b->src.strings);
	free(b->blamed);
	free(b->rows);
	free(b->scratch);
	pb_arena_free(&b->keys);
}

static void make_rows(struct blame_state *b, enum pb_blame_by by)
{
	b->blamed = pb_malloc((b->cands.n + 1) * sizeof(*b->blamed));
	b->scratch = pb_malloc((b->cands.n + 1) * sizeof(*b->scratch));
	for (size_t i = 0; i < b->cands.n; i++) {
		const struct cand *c = &b->cands.v[i];

		if (cand_blamed(c))
			b->blamed[b->nblamed++] = (struct blamed){
				row_key(by, c, &b->src, &b->keys), c };
	}
	sort_n(b->blamed, b->nblamed, sizeof(*b->blamed), cmp_blamed);
	b->rows = pb_malloc((b->nblamed + 1) * sizeof(*b->rows));
	for (size_t i = 0, j; i < b->nblamed; i = j) {
		for (j = i; j < b->nblamed && !strcmp(b->blamed[j].key, b->blamed[i].key); j++)
			;
		fill_row(&b->rows[b->nrows++], &b->blamed[i], j - i, b->scratch);
	}
	sort_n(b->rows, b->nrows, sizeof(*b->rows), cmp_row);
}

/* Failures and distinct pages that some call site is blamed for. */
static void blamed_totals(struct blame_state *b, size_t *failures, size_t *pages)
{
	for (size_t i = 0; i < b->nblamed; i++)
		b->scratch[i] = b->blamed[i].c->failure_id;
	*failures = distinct(b->scratch, b->nblamed);
	for (size_t i = 0; i < b->nblamed; i++)
		b->scratch[i] = b->blamed[i].c->pfn;
	*pages = distinct(b->scratch, b->nblamed);
}

static json_t *blame_json(struct pb_store *s, struct blame_state *b, const struct pb_analyze_opts *o,
			  enum pb_blame_by by, int top, int64_t failure_id)
{
	int64_t failures = count_sql(s, "count(*) FROM failure f", o, failure_id);
	int64_t pages = count_sql(s, "count(DISTINCT p.pfn) FROM failure_pfn p "
				  "JOIN failure f ON f.id = p.failure_id", o, failure_id);
	size_t bfail, bpages;
	json_t *root, *rows = json_array();

	if (failures < 0 || pages < 0) {
		json_decref(rows);
		return NULL;
	}
	blamed_totals(b, &bfail, &bpages);
	for (size_t i = 0; i < b->nrows && (top <= 0 || i < (size_t)top); i++)
		json_array_append_new(rows, row_json(s, &b->rows[i], i + 1, bpages, by));
	root = json_pack("{s:s,s:s,s:I,s:I,s:o,s:I,s:I,s:I}",
			 "schema", "pinblame.blame/1", "by", by_names[by],
			 "failures", (json_int_t)failures, "attributed", (json_int_t)bfail,
			 "callsites", rows, "unattributed", (json_int_t)(failures - (int64_t)bfail),
			 "pages", (json_int_t)pages, "attributed_pages", (json_int_t)bpages);
	return root;
}

/* The failures read from a trace on a clock of ticks, not ns
 * (sources.clock 'counter'), into GAPS as "tick_clock_failures" when there
 * are any (as failures --json has "clock" only off the kernel's clock):
 * no pause cuts their attempts (failures_attempts.c), which the hints
 * say. 0, or -1 on a store error. */
static int add_tick_clock_failures(struct pb_store *s, const struct pb_analyze_opts *o,
				   int64_t failure_id, json_t *gaps)
{
	int64_t n = count_sql(s, "count(*) FROM failure f JOIN source fs ON fs.id = f.source_id "
			      "AND fs.clock IS 'counter'", o, failure_id);

	if (n > 0)
		json_object_set_new(gaps, "tick_clock_failures", json_integer(n));
	return n < 0 ? -1 : 0;
}

json_t *pb_analyze_blame(struct pb_store *s, const struct pb_analyze_opts *o,
			 enum pb_blame_by by, int top, int64_t failure_id)
{
	struct blame_state b = { 0 };
	json_t *root = NULL, *gaps;

	if (noise_init(&b.noise, o) < 0)
		return NULL;
	b.sites = site_cache_new(s, &b.noise);
	if (b.sites && load_sources(s, &b.src) == 0 &&
	    load_cands(s, o, failure_id, &b.cands) == 0 && rank_cands(&b.cands, b.sites) == 0) {
		make_rows(&b, by);
		root = blame_json(s, &b, o, by, top, failure_id);
		/* what the hints say of the pages left: facts of this capture */
		gaps = root ? blame_gaps_json(s, o, failure_id, &b.cands, b.sites) : NULL;
		if (gaps && add_tick_clock_failures(s, o, failure_id, gaps) < 0) {
			json_decref(gaps);
			gaps = NULL;
		}
		if (gaps) {
			json_object_set_new(root, "gaps", gaps);
		} else {
			json_decref(root);
			root = NULL;
		}
	}
	state_free(&b);
	return root;
}
