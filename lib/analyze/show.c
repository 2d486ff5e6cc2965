/* show.c - one failure's evidence chain: the failure, its busy ranges and
 * failed migrations, and for each busy page the holder candidates and
 * kernel log dumps, each with the source file and line that prove it. */
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

/* Failed migrations listed; the rest are only counted. */
#define SHOW_MIGRATIONS 20
/* Kernel log dumps listed per page, nearest in time first. */
#define SHOW_DUMPS 3
/* Given-back gets listed per page, those nearest the failure; the rest
 * are only counted. */
#define SHOW_GIVEN_BACK 3

static json_t *busy_ranges(struct pb_store *s, int64_t id)
{
	return sql_rows_json(s,
		"SELECT b.kind AS kind, b.ts_ns AS ts_ns, b.start_pfn AS start_pfn, "
		"b.end_pfn AS end_pfn, b.busy_pfn AS busy_pfn, s.path AS source, e.line AS line "
		"FROM failure f JOIN busy_range b ON b.cma_alloc_id = f.cma_alloc_id "
		"  OR b.id IN (SELECT busy_range_id FROM failure_pfn WHERE failure_id = f.id) "
		"LEFT JOIN event e ON e.id = b.event_id LEFT JOIN source s ON s.id = b.source_id "
		"WHERE f.id = ?1 ORDER BY b.ts_ns, b.id", id);
}

/* The failed migrations of the failure: those of its CMA allocation, or
 * those of its task, kind and time window. */
static const char migrations_from[] =
	"FROM failure f JOIN migration m ON m.failed > 0 AND "
	"(m.cma_alloc_id = f.cma_alloc_id OR (m.cma_alloc_id IS NULL "
	"  AND m.source_id = f.source_id AND m.pid IS f.pid "
	"  AND m.ts_ns BETWEEN f.start_ts_ns AND f.end_ts_ns "
	"  AND (m.reason = f.reason OR (f.kind = 'alloc_contig' "
	"    AND m.reason IN ('contig_range', 'memory_hotplug')) "
	/* a kernel before 5.13 traces a CMA allocation only at its end (one
	 * cma_alloc event): the import attaches no migration to it, and the
	 * analysis claims its task's contig_range migrations back to its
	 * start (failures_cma.c), which its window now spans */
	"    OR (f.cma_alloc_id IS NOT NULL AND m.reason = 'contig_range')))) "
	"LEFT JOIN event e ON e.id = m.event_id LEFT JOIN source s ON s.id = m.source_id "
	"WHERE f.id = ?1";

static json_t *migrations(struct pb_store *s, int64_t id)
{
	struct pb_buf sql = { 0 };
	sqlite3_stmt *st;
	json_t *o = json_object();

	pb_buf_addf(&sql, "SELECT count(*), COALESCE(sum(m.failed), 0) %s", migrations_from);
	st = pb_store_prepare(s, pb_buf_str(&sql));
	if (st) {
		sqlite3_bind_int64(st, 1, id);
		if (pb_store_step(s, st) > 0) {
			json_object_set_new(o, "failed", json_integer(sqlite3_column_int64(st, 0)));
			json_object_set_new(o, "pages", json_integer(sqlite3_column_int64(st, 1)));
		}
		sqlite3_finalize(st);
	}
	pb_buf_reset(&sql);
	pb_buf_addf(&sql, "SELECT m.ts_ns AS ts_ns, m.reason AS reason, m.mode AS mode, "
		    "m.succeeded AS succeeded, m.failed AS failed, s.path AS source, "
		    "e.line AS line %s ORDER BY m.ts_ns, m.id LIMIT %d", migrations_from,
		    SHOW_MIGRATIONS);
	/* "listed": "events" is a count in the sources of every output */
	json_object_set_new(o, "listed", sql_rows_json(s, pb_buf_str(&sql), id));
	pb_buf_free(&sql);
	return o;
}

static json_t *dumps(struct pb_store *s, sqlite3_stmt *st, int64_t pfn, int64_t ts)
{
	json_t *rows;

	sqlite3_bind_int64(st, 1, pfn);
	sqlite3_bind_int64(st, 2, ts);
	rows = stmt_rows_json(s, st);
	dumps_add_pins(rows);
	return rows;
}

/* The source, line and event name of evidence EVIDENCE_ID into O; 1 when
 * found, with ST on its row (SELECT path, line, name, stack_id), to be
 * reset by the caller. */
static int evidence_at(struct pb_store *s, sqlite3_stmt *st, int64_t evidence_id, json_t *o)
{
	sqlite3_bind_int64(st, 1, evidence_id);
	if (pb_store_step(s, st) <= 0)
		return 0;
	json_object_set_new(o, "source", text_or_null(st, 0));
	json_object_set_new(o, "line", int_or_null(st, 1));
	json_object_set_new(o, "event", text_or_null(st, 2));
	return 1;
}

/* The event behind the evidence; a probe hit without a stack of its own
 * has the stack of an earlier hit of the same probe and task. */
static void where(struct pb_store *s, sqlite3_stmt *st, const struct cand *c, json_t *o)
{
	if (evidence_at(s, st, c->evidence_id, o))
		json_object_set_new(o, "inherited_stack", json_boolean(
			c->stack_id && sqlite3_column_type(st, 3) == SQLITE_NULL));
	sqlite3_reset(st);
}

static json_t *cand_json(struct pb_store *s, sqlite3_stmt *at, const struct cand *c)
{
	json_t *o = json_object();

	json_object_set_new(o, "rank", json_integer(c->rank));
	json_object_set_new(o, "blamed", json_boolean(cand_blamed(c)));
	json_object_set_new(o, "callsite", pb_json_text(c->site->callsite));
	json_object_set_new(o, "module", c->site->module ? pb_json_text(c->site->module)
				: json_null());
	json_object_set_new(o, "kind", json_string(cand_kind_name(c->kind)));
	json_object_set_new(o, "confidence", json_string(confidence_name(c->conf)));
	json_object_set_new(o, "noise", noise_role_name(c->role)
				? json_string(noise_role_name(c->role)) : json_null());
	json_object_set_new(o, "ts_ns", c->ts_ns >= 0 ? json_integer(c->ts_ns) : json_null());
	json_object_set_new(o, "pid", c->pid >= 0 ? json_integer(c->pid) : json_null());
	json_object_set_new(o, "comm", pb_json_text(c->comm));
	json_object_set_new(o, "stack_id", c->stack_id ? json_integer(c->stack_id) : json_null());
	where(s, at, c, o);
	if (c->rank == 1 && c->stack_id)
		json_object_set_new(o, "stack", site_frames_json(s, c->site, c->stack_id));
	return o;
}

struct show_stmts {
	sqlite3_stmt *pages, *at, *dumps;
	struct site_cache *sites;
	const struct given_back_list *given_back;
	size_t next_given_back;		/* the first of the next pages' */
};

static json_t *ts_or_null(int64_t ts_ns)
{
	return ts_ns >= 0 ? json_integer(ts_ns) : json_null();
}

/* One given-back get: what it was, where the trace has it, its call site,
 * and the put that gave it back. */
static json_t *given_back_json(struct pb_store *s, struct show_stmts *q,
			       const struct given_back *g)
{
	const struct site *site = site_of(q->sites, g->stack_id, MODE_HOLD);
	json_t *o = json_object(), *put = json_object();

	json_object_set_new(o, "kind", json_string(cand_kind_name(g->kind)));
	json_object_set_new(o, "ts_ns", ts_or_null(g->ts_ns));
	json_object_set_new(o, "pid", g->pid >= 0 ? json_integer(g->pid) : json_null());
	json_object_set_new(o, "comm", pb_json_text(g->comm));
	json_object_set_new(o, "val", json_integer(g->delta));
	json_object_set_new(o, "refcount", json_integer(g->count));
	json_object_set_new(o, "callsite", site ? pb_json_text(site->callsite) : json_null());
	json_object_set_new(o, "module", site && site->module ? pb_json_text(site->module)
				: json_null());
	json_object_set_new(o, "stack_id", g->stack_id ? json_integer(g->stack_id) : json_null());
	evidence_at(s, q->at, g->get_id, o);
	sqlite3_reset(q->at);
	json_object_set_new(put, "ts_ns", ts_or_null(g->put_ts_ns));
	evidence_at(s, q->at, g->put_id, put);
	sqlite3_reset(q->at);
	json_object_set_new(o, "put", put);
	return o;
}

/* {"count":N,"listed":[...]}: the gets of page PFN that their own task
 * gave back before the page was found busy (holders.c), so that none of
 * them is a candidate; the SHOW_GIVEN_BACK nearest the failure listed, in
 * time order. */
static json_t *gets_given_back(struct pb_store *s, struct show_stmts *q, int64_t pfn)
{
	const struct given_back_list *l = q->given_back;
	size_t first, end;
	json_t *listed = json_array();

	while (q->next_given_back < l->n && l->v[q->next_given_back].pfn < pfn)
		q->next_given_back++;
	first = end = q->next_given_back;
	while (end < l->n && l->v[end].pfn == pfn)
		end++;
	q->next_given_back = end;
	for (size_t i = end - first > SHOW_GIVEN_BACK ? end - SHOW_GIVEN_BACK : first; i < end; i++)
		json_array_append_new(listed, given_back_json(s, q, &l->v[i]));
	return json_pack("{s:I,s:o}", "count", (json_int_t)(end - first), "listed", listed);
}

static json_t *pages_json(struct pb_store *s, struct show_stmts *q, int64_t id,
			  const struct cand_list *l)
{
	json_t *arr = json_array();
	size_t c = 0;

	sqlite3_bind_int64(q->pages, 1, id);
	while (pb_store_step(s, q->pages) > 0) {
		int64_t pfn = sqlite3_column_int64(q->pages, 0);
		json_t *o = json_object(), *cands = json_array();

		json_object_set_new(o, "pfn", json_integer(pfn));
		json_object_set_new(o, "how", text_or_null(q->pages, 1));
		json_object_set_new(o, "ts_ns", int_or_null(q->pages, 2));
		json_object_set_new(o, "source", text_or_null(q->pages, 3));
		json_object_set_new(o, "line", int_or_null(q->pages, 4));
		/* candidates are sorted by pfn, as are the pages */
		while (c < l->n && l->v[c].pfn < pfn)
			c++;
		/* "blamed", as its candidates say it: "attributed" counts
		 * failures in pinblame.blame/1 */
		json_object_set_new(o, "blamed", json_boolean(c < l->n && l->v[c].pfn == pfn &&
								  cand_blamed(&l->v[c])));
		for (; c < l->n && l->v[c].pfn == pfn; c++)
			json_array_append_new(cands, cand_json(s, q->at, &l->v[c]));
		json_object_set_new(o, "candidates", cands);
		json_object_set_new(o, "dumps", dumps(s, q->dumps, pfn,
			column_i64_or(q->pages, 2, 0)));
		/* the pins of the dump nearest the failure: a pin_user_pages()
		 * holder even where no event names it */
		json_object_set(o, "pins", json_array_size(json_object_get(o, "dumps"))
			? json_object_get(json_array_get(json_object_get(o, "dumps"), 0), "pins")
			: json_null());
		json_object_set_new(o, "given_back", gets_given_back(s, q, pfn));
		json_array_append_new(arr, o);
	}
	sqlite3_reset(q->pages);
	return arr;
}

static int prepare(struct pb_store *s, struct show_stmts *q)
{
	q->pages = pb_store_prepare(s,
		"SELECT p.pfn, p.how, p.ts_ns, s.path, e.line FROM failure_pfn p "
		"LEFT JOIN event e ON e.id = p.event_id LEFT JOIN source s ON s.id = e.source_id "
		"WHERE p.failure_id = ? ORDER BY p.pfn");
	q->at = pb_store_prepare(s,
		"SELECT s.path, e.line, n.text, e.stack_id FROM evidence v "
		"JOIN event e ON e.id = v.event_id "
		"JOIN source s ON s.id = e.source_id JOIN name n ON n.id = e.name_id "
		"WHERE v.id = ?");
	q->dumps = pb_store_prepare(s,
		"SELECT v.ts_ns AS ts_ns, v.count AS refcount, v.mapcount AS mapcount, "
		"v.mapping AS mapping, "
		"pb_field(e.keyset_id, e.vals, 'index') AS \"index\", "
		"pb_field(e.keyset_id, e.vals, 'dentry') AS file, "
		"pb_field(e.keyset_id, e.vals, 'reason') AS reason, "
		"s.path AS source, e.line AS line, " DUMP_PINS_COLUMNS("e", "s") " FROM evidence v "
		"JOIN event e ON e.id = v.event_id JOIN source s ON s.id = v.source_id "
		"WHERE v.pfn = ?1 AND v.kind = 'dump' ORDER BY abs(v.ts_ns - ?2), v.id "
		"LIMIT ?3");
	if (q->dumps)
		sqlite3_bind_int(q->dumps, 3, SHOW_DUMPS);
	return q->pages && q->at && q->dumps ? 0 : -1;
}

static json_t *failure_stack(struct pb_store *s, int64_t id)
{
	sqlite3_stmt *st = pb_store_prepare(s, "SELECT stack_id FROM failure WHERE id = ?");
	int64_t stack_id = 0;

	if (!st)
		return json_array();
	sqlite3_bind_int64(st, 1, id);
	pb_store_first_int64(s, st, &stack_id);
	sqlite3_finalize(st);
	return stack_id ? stack_frames_json(s, stack_id) : json_array();
}

/* The pages the allocation asked for: the count of its cma_alloc() (trace
 * events), or of the kernel log's "alloc failed, req-size: %zu pages" line
 * the failure was read from; NULL when neither says (the failure's pages
 * column then counts failed pages). */
static json_t *requested_pages(struct pb_store *s, int64_t id)
{
	sqlite3_stmt *st = pb_store_prepare(s,
		"SELECT COALESCE((SELECT c.count FROM cma_alloc c WHERE c.id = f.cma_alloc_id), "
		"  CASE WHEN e.name_id IN (SELECT id FROM name WHERE text = 'kmsg:cma_alloc_failed') "
		"  THEN pb_field(e.keyset_id, e.vals, 'count') END) "
		"FROM failure f LEFT JOIN event e ON e.id = f.event_id WHERE f.id = ?");
	json_t *v = json_null();

	if (!st)
		return v;
	sqlite3_bind_int64(st, 1, id);
	if (pb_store_step(s, st) > 0 && column_i64_or(st, 0, -1) > 0) {
		json_decref(v);
		v = json_integer(sqlite3_column_int64(st, 0));
	}
	sqlite3_finalize(st);
	return v;
}

struct offline_match {
	int64_t start_pfn, end_pfn, ts_ns;
	struct boots boots;	/* each source's page size */
	json_t *found;		/* {reason, source, line} of the line, or NULL */
};

/* Whether the line's block (bytes, its last byte included; or pfns of 3.x)
 * is the failure's range under one of the page sizes, as failures_offline.c
 * placed it: a size its pages fit, or its boot's (a lone line). */
static int offline_block_is(sqlite3_stmt *st, const struct offline_match *m)
{
	uint64_t lo, hi;
	int64_t start_pfn, end_pfn;
	unsigned shift;

	if (column_u64(st, 0, &lo) == 0 && column_u64(st, 1, &hi) == 0) {
		for (size_t i = 0; i < OFFLINE_PAGE_SIZES; i++) {
			offline_block_pfns(lo, hi, i, &start_pfn, &end_pfn);
			if (start_pfn == m->start_pfn && end_pfn == m->end_pfn)
				return 1;
		}
		shift = pfn_shift(page_size_of(&m->boots, column_i64_or(st, 8, -1)));
		return (int64_t)(lo >> shift) == m->start_pfn &&
		       (int64_t)((hi + 1) >> shift) == m->end_pfn;
	}
	return column_u64(st, 2, &lo) == 0 && column_u64(st, 3, &hi) == 0 &&
	       (int64_t)lo == m->start_pfn && (int64_t)hi == m->end_pfn;
}

static void offline_row(sqlite3_stmt *st, void *ctx)
{
	struct offline_match *m = ctx;
	int64_t ts = column_i64_or(st, 5, -1);

	/* the first line of the block at or after the failure ended it */
	if (m->found || (ts >= 0 && m->ts_ns >= 0 && ts < m->ts_ns) || !offline_block_is(st, m))
		return;
	m->found = json_pack("{s:o,s:o,s:o}", "reason", text_or_null(st, 4),
			     "source", text_or_null(st, 6), "line", int_or_null(st, 7));
}

/* Why the memory block of a memory-hotplug failure did not go offline:
 * the reason offline_pages() printed (" due to %s", 4.20+), from the line
 * that gave the failure its range (failures_offline.c). NULL if none. */
static json_t *offline_json(struct pb_store *s, const json_t *failure)
{
	struct offline_match m = { .start_pfn = pb_json_int(failure, "start_pfn", -1),
				   .end_pfn = pb_json_int(failure, "end_pfn", -1),
				   .ts_ns = pb_json_int(failure, "ts_ns", -1) };

	if (strcmp(pb_json_str(failure, "reason", ""), "memory_hotplug") || m.start_pfn < 0)
		return NULL;
	if (load_boots(s, &m.boots) == 0)
		sql_rows_each(s,
			"SELECT pb_field(e.keyset_id, e.vals, 'start_addr'), "
			"pb_field(e.keyset_id, e.vals, 'end_addr'), "
			"pb_field(e.keyset_id, e.vals, 'start_pfn'), "
			"pb_field(e.keyset_id, e.vals, 'end_pfn'), "
			"pb_field(e.keyset_id, e.vals, 'reason'), "
			"e.ts_ns, s.path, e.line, e.source_id FROM event e "
			"JOIN source s ON s.id = e.source_id WHERE e.id IN "
			PB_EVENT_IDS_OF("SELECT id FROM name WHERE text = 'kmsg:offline_failed'")
			" ORDER BY e.ts_ns, e.id", offline_row, &m);
	boots_free(&m.boots);
	return m.found;
}

/* What the show object adds to the failure of `failures --json`: the size
 * its range has, the pages asked for, why offlining failed. */
static void add_failure_facts(struct pb_store *s, json_t *failure, int64_t id)
{
	long long lo = pb_json_int(failure, "start_pfn", -1), hi = pb_json_int(failure, "end_pfn", -1);
	json_t *offline = offline_json(s, failure);

	json_object_set_new(failure, "range_pages", lo >= 0 && hi >= lo ? json_integer(hi - lo)
								  : json_null());
	json_object_set_new(failure, "requested_pages", requested_pages(s, id));
	if (offline)
		json_object_set_new(failure, "offline", offline);
}

json_t *pb_analyze_show(struct pb_store *s, const struct pb_analyze_opts *o, int64_t failure_id)
{
	struct show_stmts q = { 0 };
	struct cand_list l = { 0 };
	struct given_back_list given = { 0 };
	struct pb_noise noise;
	struct site_cache *sites = NULL;
	struct pb_analyze_opts all = o ? *o : (struct pb_analyze_opts){ 0 };
	json_t *failure, *root = NULL, *blame;

	/* --since/--until do not hide the failure asked for by id */
	all.since_ns = all.until_ns = -1;
	failure = failure_json(s, &all, failure_id);
	if (!failure || noise_init(&noise, &all) < 0) {
		json_decref(failure);
		return NULL;
	}
	add_failure_facts(s, failure, failure_id);
	sites = site_cache_new(s, &noise);
	q.sites = sites;
	q.given_back = &given;
	blame = pb_analyze_blame(s, &all, PB_BY_CALLSITE, 0, failure_id);
	if (sites && blame && prepare(s, &q) == 0 && load_cands(s, &all, failure_id, &l) == 0 &&
	    rank_cands(&l, sites) == 0 && collect_given_back(s, failure_id, &given) == 0) {
		root = json_pack("{s:s,s:O,s:o,s:o,s:o,s:o,s:O}",
				 "schema", "pinblame.show/2", "failure", failure,
				 "stack", failure_stack(s, failure_id),
				 "busy_ranges", busy_ranges(s, failure_id),
				 "migrations", migrations(s, failure_id),
				 "pages", pages_json(s, &q, failure_id, &l),
				 "callsites", json_object_get(blame, "callsites"));
	}
	sqlite3_finalize(q.pages);
	sqlite3_finalize(q.at);
	sqlite3_finalize(q.dumps);
	json_decref(failure);
	json_decref(blame);
	site_cache_free(sites);
	cand_list_free(&l);
	given_back_list_free(&given);
	noise_free(&noise);
	/* what was read up to an error is not the failure's evidence */
	if (pb_store_failed(s)) {
		json_decref(root);
		root = NULL;
	}
	return root;
}
