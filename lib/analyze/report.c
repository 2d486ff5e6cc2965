/* report.c - gathers the pinblame.report/1 object that every report
 * format renders: the summary straight from the store's tables, and the
 * failures, ranking and evidence of the analysis. Rows come out in a
 * fixed order and nothing depends on when the report is made, so the
 * same store always gives the same report. */
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

/* Trace markers past this many are left out of the report. */
#define MAX_MARKERS 64
/* Holders listed per failure, one per busy page; "pinblame show" has all. */
#define MAX_EVIDENCE 4
/* Failures no call site explains listed in full; "pinblame failures" has
 * all. 20,000 failures of one kernel log would otherwise fill the report. */
#define MAX_UNATTRIBUTED 10
/* Kernel log dumps listed per unattributed failure, one per busy page. */
#define MAX_DUMPS 4
/* errno ENOMEM, the same number on every Linux architecture: such a
 * failure ran out of memory, it has no busy page to name. */
#define ERRNO_ENOMEM 12

/* A query restricted to the --since/--until window: :since and :until
 * are the bounds in ns, -1 when open. */
#define IN_WINDOW(ts) "(:since < 0 OR " ts " >= :since) AND " \
		      "(:until < 0 OR " ts " <= :until)"

struct builder {
	struct pb_store *s;
	const struct pb_analyze_opts *o;
	json_t *report;
	char *failure_ids;	/* JSON array text of the failures in the window */
	int error;
};

/* Binds :since, :until and :ids (the JSON array of the failures in the
 * window) where the statement uses them. */
static sqlite3_stmt *prepare(struct builder *b, const char *sql)
{
	sqlite3_stmt *st = pb_store_prepare(b->s, sql);
	int i;

	if (!st) {
		b->error = 1;
		return NULL;
	}
	if ((i = sqlite3_bind_parameter_index(st, ":since")))
		sqlite3_bind_int64(st, i, b->o->since_ns);
	if ((i = sqlite3_bind_parameter_index(st, ":until")))
		sqlite3_bind_int64(st, i, b->o->until_ns);
	if ((i = sqlite3_bind_parameter_index(st, ":ids")))
		sqlite3_bind_text(st, i, b->failure_ids, -1, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(st, ":max_markers")))
		sqlite3_bind_int(st, i, MAX_MARKERS);
	if ((i = sqlite3_bind_parameter_index(st, ":max_dumps")))
		sqlite3_bind_int(st, i, MAX_DUMPS);
	return st;
}

/* The text of KEY in O, DFLT when it has none. */
static const char *text_of(const json_t *o, const char *key, const char *dflt)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : dflt;
}

/* An array of objects, one per row, keys named after the columns; a store
 * error is remembered by the store (pb_analyze_report() then fails). */
static json_t *rows_json(struct builder *b, const char *sql)
{
	sqlite3_stmt *st = prepare(b, sql);
	json_t *arr;

	if (!st)
		return json_array();
	arr = stmt_rows_json(b->s, st);
	pb_store_finalize(st);
	return arr;
}

static void add_rows(struct builder *b, const char *key, const char *sql)
{
	json_object_set_new(b->report, key, rows_json(b, sql));
}

static void add_window(struct builder *b)
{
	json_t *w = json_object();

	json_object_set_new(w, "since_ns", b->o->since_ns >= 0 ? json_integer(b->o->since_ns)
							     : json_null());
	json_object_set_new(w, "until_ns", b->o->until_ns >= 0 ? json_integer(b->o->until_ns)
							     : json_null());
	json_object_set_new(b->report, "window", w);
}

/* The trace's span, narrowed to the window when one is given: of the
 * sources on the kernel's clock when there are some, since the times of
 * a log on a clock of its own (dmesg -T's dates, a log's relative times)
 * are no trace times: with them a 61 ms incident spanned 55 years. */
static void add_span(struct builder *b)
{
	json_t *rows = rows_json(b,
		"SELECT CASE WHEN :since >= 0 THEN max(min(first_ts_ns), :since)\n"
		"  ELSE min(first_ts_ns) END AS first_ts_ns,\n"
		"  CASE WHEN :until >= 0 THEN min(max(last_ts_ns), :until)\n"
		"  ELSE max(last_ts_ns) END AS last_ts_ns FROM source\n"
		"WHERE clock IS NULL OR NOT EXISTS (SELECT 1 FROM source WHERE clock IS NULL)");

	json_object_set(b->report, "span", json_array_get(rows, 0));
	json_decref(rows);
}

/* The allocations of a CMA area, and the log's failures there. */
struct area_count {
	const char *area;
	int64_t tried, failed, busy_retries, log_failures;
};

struct area_counts {
	struct area_count *v;
	size_t n, cap;
	struct pb_arena names;
	const struct cma_areas *areas;
};

static int cmp_area(const void *a, const void *b)
{
	return strcmp(((const struct area_count *)a)->area, ((const struct area_count *)b)->area);
}

/* A row of allocations of one area, or of one place when the trace and
 * its failure name none (before 5.13): named then by the area of the
 * boot's log that holds its pfns (cma_areas.c), else "?". */
static void area_count_row(sqlite3_stmt *st, void *ctx)
{
	struct area_counts *c = ctx;
	const char *area = column_text(st, 0);
	int64_t pfn = column_i64_or(st, 2, -1), count = column_i64_or(st, 3, 0);
	struct area_count *x = NULL;

	if (!area && pfn > 0 && count > 0)
		area = cma_area_holding(c->areas, sqlite3_column_int64(st, 1), pfn, pfn + count);
	if (!area)
		area = "?";
	for (size_t i = 0; i < c->n && !x; i++)
		if (!strcmp(c->v[i].area, area))
			x = &c->v[i];
	if (!x) {
		PB_GROW(c->v, c->n + 1, c->cap);
		x = &c->v[c->n++];
		*x = (struct area_count){ pb_arena_strdup(&c->names, area), 0, 0, 0, 0 };
	}
	x->tried += sqlite3_column_int64(st, 4);
	x->failed += sqlite3_column_int64(st, 5);
	x->busy_retries += sqlite3_column_int64(st, 6);
	x->log_failures += sqlite3_column_int64(st, 7);
}

/* A kernel log prints the failed allocations only ("cma_alloc: %s: alloc
 * failed"): those that name their area count as tried and failed there,
 * and log_failures says how many of them there are. Before 5.13 the trace
 * names no area: an allocation takes its failure's (cma_areas.c), else the
 * one of its boot's log that holds its pfns, so the rows without one are
 * grouped by source and pfns; they are read one at a time and only the
 * counts per name are kept. */
static const char cma_area_counts_sql[] =
	"SELECT area, source_id, pfn, count, sum(tried), sum(failed), sum(busy_retries),\n"
	"  sum(logged) FROM (\n"
	"  SELECT COALESCE(c.area, (SELECT f.area FROM failure f\n"
	"    WHERE f.cma_alloc_id = c.id)) AS area, c.source_id, c.pfn, c.count, 1 AS tried,\n"
	"    ok = 0 AS failed, busy_retries, 0 AS logged FROM cma_alloc c\n"
	"  WHERE " IN_WINDOW("COALESCE(start_ts_ns, end_ts_ns)") "\n"
	"  UNION ALL SELECT area, source_id, NULL, NULL, 1, 1, 0, 1 FROM failure\n"
	"  WHERE kind = 'cma_alloc' AND cma_alloc_id IS NULL AND area IS NOT NULL\n"
	"    AND source_id IN (SELECT id FROM source WHERE format = 'kmsg')\n"
	"    AND " IN_WINDOW("ts_ns") ")\n"
	"GROUP BY area, CASE WHEN area IS NULL THEN source_id END,\n"
	"  CASE WHEN area IS NULL THEN pfn END, CASE WHEN area IS NULL THEN count END";

static json_t *area_counts_json(const struct area_counts *c)
{
	json_t *rows = json_array();

	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(rows, json_pack("{s:s,s:I,s:I,s:I,s:I}", "area", c->v[i].area,
			"tried", (json_int_t)c->v[i].tried, "failed", (json_int_t)c->v[i].failed,
			"busy_retries", (json_int_t)c->v[i].busy_retries,
			"log_failures", (json_int_t)c->v[i].log_failures));
	return rows;
}

/* "cma_areas": per area, the allocations tried and failed. */
static void add_cma_areas(struct builder *b)
{
	struct boots boots = { 0 };
	struct cma_areas areas = { 0 };
	struct area_counts c = { .areas = &areas };
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (load_boots(b->s, &boots) == 0 && cma_areas_load(b->s, &boots, &areas) == 0 &&
	    (st = prepare(b, cma_area_counts_sql)))
		while ((rc = pb_store_step(b->s, st)) > 0)
			area_count_row(st, &c);
	if (rc < 0)
		b->error = 1;
	sort_n(c.v, c.n, sizeof(*c.v), cmp_area);
	json_object_set_new(b->report, "cma_areas", area_counts_json(&c));
	pb_store_finalize(st);
	free(c.v);
	pb_arena_free(&c.names);
	cma_areas_free(&areas);
	boots_free(&boots);
}

static void add_summary(struct builder *b)
{
	add_rows(b, "sources",
		 "SELECT id, path, format, kernel, arch, events, bad_lines, first_ts_ns,\n"
		 "  last_ts_ns FROM source ORDER BY id");
	add_rows(b, "kernels",
		 "SELECT DISTINCT kernel, arch FROM source WHERE kernel IS NOT NULL\n"
		 "  ORDER BY kernel, arch");
	add_span(b);
	add_cma_areas(b);
	add_rows(b, "busy_ranges",
		 "SELECT kind, count(*) AS count FROM busy_range\n"
		 "WHERE " IN_WINDOW("ts_ns") " GROUP BY kind ORDER BY kind");
	add_rows(b, "migration_failures",
		 "SELECT COALESCE(reason, '?') AS reason, count(*) AS migrations,\n"
		 "  sum(failed) AS pages FROM migration\n"
		 "WHERE failed > 0 AND " IN_WINDOW("ts_ns") "\n"
		 "GROUP BY reason ORDER BY reason");
	/* tracing_mark_write lines: the phases a workload announced. */
	add_rows(b, "markers",
		 "SELECT e.ts_ns, rtrim(e.body, ' \n') AS text, s.path AS source, e.line\n"
		 "FROM events e JOIN source s ON s.id = e.source_id\n"
		 "WHERE e.id IN (SELECT id FROM event_ids WHERE event = 'ftrace:print')\n"
		 "  AND " IN_WINDOW("e.ts_ns") "\n"
		 "ORDER BY e.ts_ns, e.source_id, e.line LIMIT :max_markers");
}

static void add_failures(struct builder *b)
{
	json_t *res = pb_analyze_failures(b->s, b->o, NULL, NULL), *f;
	json_t *list = json_object_get(res, "failures"), *ids = json_array();
	struct pb_outcome_counts n;
	size_t i;

	if (!res) {
		b->error = 1;
		json_decref(ids);
		return;
	}
	json_array_foreach(list, i, f)
		json_array_append_new(ids, json_integer(json_integer_value(json_object_get(f, "id"))));
	n = pb_count_outcomes(list);
	json_object_set_new(b->report, "failure_counts",
			    json_pack("{s:I,s:I,s:I,s:I}", "total", (json_int_t)json_array_size(list),
				      "final", (json_int_t)n.final, "recovered",
				      (json_int_t)n.recovered, "unknown", (json_int_t)n.unknown));
	json_object_set(b->report, "failures", list);
	b->failure_ids = json_dumps(ids, JSON_COMPACT);
	json_decref(ids);
	json_decref(res);
}

/* The blamed holders (rank 1, not noise) of the failures in the window. */
#define BLAMED "a.rank = 1 AND a.noise IS NULL AND a.failure_id IN " \
	       "(SELECT value FROM json_each(:ids))"

/* Each call site of the ranking gets the ids of the failures it explains. */
static void add_blame(struct builder *b, int top)
{
	json_t *blame = pb_analyze_blame(b->s, b->o, PB_BY_CALLSITE, top, 0), *c;
	sqlite3_stmt *st;
	size_t i;

	if (!blame) {
		b->error = 1;
		return;
	}
	st = prepare(b, "SELECT DISTINCT a.failure_id FROM attribution a\n"
			"WHERE " BLAMED " AND a.callsite = :callsite AND a.module IS :module\n"
			"ORDER BY a.failure_id");
	json_array_foreach(json_object_get(blame, "callsites"), i, c) {
		json_t *ids = json_array();

		if (!st)
			break;
		pb_store_bind_text(st, ":callsite", text_of(c, "callsite", ""));
		pb_store_bind_text(st, ":module", text_of(c, "module", NULL));
		while (pb_store_step(b->s, st) > 0)
			json_array_append_new(ids, json_integer(sqlite3_column_int64(st, 0)));
		sqlite3_reset(st);
		json_object_set_new(c, "failure_ids", ids);
	}
	sqlite3_finalize(st);
	json_object_set_new(b->report, "blame", blame);
}

/* Evidence of one failure: how many busy pages have a blamed holder, and
 * the first holders, each with the event line that shows it. */
static json_t *evidence_of(struct builder *b, sqlite3_stmt *st, long long id)
{
	json_t *items = json_array();
	long long pages = 0;

	pb_store_bind_int64(st, ":failure", id);
	while (pb_store_step(b->s, st) > 0) {
		json_t *o;

		if (pages++ >= MAX_EVIDENCE)
			continue;
		/* a holder's object has the columns it knows */
		o = json_object();
		for (int i = 0; i < sqlite3_column_count(st); i++)
			if (sqlite3_column_type(st, i) != SQLITE_NULL)
				json_object_set_new(o, sqlite3_column_name(st, i),
						    pb_json_column(st, i));
		json_array_append_new(items, o);
	}
	sqlite3_reset(st);
	return json_pack("{s:I,s:o}", "pages", (json_int_t)pages, "holders", items);
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* Evidence for the failures the renderers list under each call site, in
 * failure id order. */
static void add_evidence(struct builder *b)
{
	sqlite3_stmt *st = prepare(b,
		"SELECT a.pfn, COALESCE(a.kind, v.kind) AS kind, a.confidence,\n"
		"  a.callsite, s.path AS source, e.line, v.count\n"
		"FROM attribution a LEFT JOIN evidence v ON v.id = a.evidence_id\n"
		"LEFT JOIN event e ON e.id = v.event_id\n"
		"LEFT JOIN source s ON s.id = e.source_id\n"
		"WHERE " BLAMED " AND a.failure_id = :failure\n"
		"ORDER BY a.pfn, a.callsite");
	const json_t *sites = json_object_get(json_object_get(b->report, "blame"), "callsites");
	json_t *ev = json_object(), *c, *id;
	long long *shown = pb_calloc(json_array_size(sites) * PB_REPORT_EXAMPLES + 1,
				     sizeof(*shown));
	size_t i, k, n = 0;

	json_array_foreach(sites, i, c)
		json_array_foreach(json_object_get(c, "failure_ids"), k, id) {
			if (k == PB_REPORT_EXAMPLES)
				break;
			shown[n++] = (long long)json_integer_value(id);
		}
	qsort(shown, n, sizeof(*shown), cmp_ll);
	for (i = 0; st && i < n; i++) {
		char key[32];

		snprintf(key, sizeof(key), "%lld", shown[i]);
		if (!json_object_get(ev, key))
			json_object_set_new(ev, key, evidence_of(b, st, shown[i]));
	}
	sqlite3_finalize(st);
	free(shown);
	json_object_set_new(b->report, "evidence", ev);
}

/* The dumps of an unattributed failure's busy pages: for each of its
 * first MAX_DUMPS pages, the kernel log dump nearest in time, as `show`
 * lists them first. PAGES lists the pages, DUMP finds one page's dump. */
struct dump_stmts {
	sqlite3_stmt *pages, *dump;
};

static json_t *dumps_of(struct builder *b, struct dump_stmts *q, long long id)
{
	json_t *rows = json_array();

	pb_store_bind_int64(q->pages, ":failure", id);
	while (pb_store_step(b->s, q->pages) > 0) {
		pb_store_bind_int64(q->dump, ":pfn", sqlite3_column_int64(q->pages, 0));
		pb_store_bind_int64(q->dump, ":ts", sqlite3_column_int64(q->pages, 1));
		if (pb_store_step(b->s, q->dump) > 0) {
			json_t *d = stmt_row_json(q->dump);

			dump_add_pins(d);
			json_array_append_new(rows, d);
		}
		sqlite3_reset(q->dump);
	}
	sqlite3_reset(q->pages);
	return rows;
}

static int prepare_dumps(struct builder *b, struct dump_stmts *q)
{
	q->pages = prepare(b, "SELECT pfn, COALESCE(ts_ns, 0) FROM failure_pfn\n"
			      "WHERE failure_id = :failure ORDER BY pfn LIMIT :max_dumps");
	q->dump = prepare(b,
		"SELECT v.pfn, v.ts_ns, v.count AS refcount, v.mapcount, v.mapping, v.flags,\n"
		"  s.path AS source, e.line, " DUMP_PINS_COLUMNS("e", "s") " FROM evidence v\n"
		"LEFT JOIN event e ON e.id = v.event_id LEFT JOIN source s ON s.id = v.source_id\n"
		"WHERE v.pfn = :pfn AND v.kind = 'dump' ORDER BY abs(v.ts_ns - :ts), v.id LIMIT 1");
	return q->pages && q->dump ? 0 : -1;
}

/* Whether failure F is listed in PASS: the final ones in the first pass,
 * the others (recovered, unknown) in the second, as reports lead with
 * final ones. */
static int in_pass(const json_t *f, int pass)
{
	int final = !strcmp(text_of(f, "outcome", ""), "final");

	return pass == 0 ? final : !final;
}

/* The failures no call site explains, with what is known of them: the
 * first MAX_UNATTRIBUTED (final ones first, then by id), the rest counted.
 * A report for a bug must show them, not only say nothing was blamed. */
static void add_unattributed(struct builder *b)
{
	struct dump_stmts q = { 0 };
	const json_t *f, *list = json_object_get(b->report, "failures");
	json_t *shown = json_array();
	long long count = 0, unnamed = 0;
	int ready = prepare_dumps(b, &q) == 0;
	size_t i;

	for (int pass = 0; pass < 2; pass++)
		json_array_foreach(list, i, f) {
			long long id = json_integer_value(json_object_get(f, "id"));

			if (pb_json_int(f, "attributed_pfns", 0) > 0 || !in_pass(f, pass))
				continue;
			unnamed += !json_array_size(json_object_get(f, "busy_pfns")) &&
				   pb_json_int(f, "errno", 0) != -ERRNO_ENOMEM;
			if (count++ < MAX_UNATTRIBUTED && ready)
				json_array_append_new(shown, json_pack("{s:I,s:o}", "id", (json_int_t)id,
						      "dumps", dumps_of(b, &q, id)));
		}
	sqlite3_finalize(q.pages);
	sqlite3_finalize(q.dump);
	json_object_set_new(b->report, "unattributed_failures",
			    json_pack("{s:I,s:o}", "count", (json_int_t)count, "failures", shown));
	json_object_set_new(b->report, "hints",
			    pb_blame_hints(json_object_get(b->report, "blame"), unnamed));
}

static void add_holder_stacks(struct builder *b)
{
	/* the same stacks as `stacks --folded`: past the tracer's frames */
	json_t *rows = pb_analyze_holder_folded(b->s, b->o);

	if (!rows)
		b->error = 1;
	else
		json_object_set_new(b->report, "holder_stacks", rows);
}

json_t *pb_analyze_report(struct pb_store *s, const struct pb_analyze_opts *o, int top)
{
	struct builder b = { .s = s, .o = o, .report = json_object() };

	json_object_set_new(b.report, "schema", json_string("pinblame.report/1"));
	json_object_set_new(b.report, "generator", json_string("pinblame " PB_VERSION));
	add_window(&b);
	add_summary(&b);
	add_failures(&b);
	if (!b.error)
		add_blame(&b, top);
	if (!b.error) {
		add_evidence(&b);
		add_unattributed(&b);
		add_holder_stacks(&b);
	}
	free(b.failure_ids);
	if (b.error || pb_store_failed(s)) {
		json_decref(b.report);
		return NULL;
	}
	return b.report;
}
