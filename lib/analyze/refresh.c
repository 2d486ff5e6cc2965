/* refresh.c - recomputes the derived tables (failure, failure_pfn,
 * attribution, probe evidence, probe_map) in one transaction when an import has made
 * them stale, and the SQL helpers the readers share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze_int.h"

int64_t column_i64_or(sqlite3_stmt *st, int col, int64_t dflt)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? dflt : sqlite3_column_int64(st, col);
}

void sort_n(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

const char *column_text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

int column_u64(sqlite3_stmt *st, int col, uint64_t *v)
{
	const char *t = column_text(st, col);

	return t && pb_parse_u64(t, strlen(t), v) == 0 ? 0 : -1;
}

json_t *int_or_null(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? json_null()
		: json_integer(sqlite3_column_int64(st, col));
}

json_t *text_or_null(sqlite3_stmt *st, int col)
{
	const char *t = column_text(st, col);

	return pb_json_text(t);
}

void failure_filter_sql(struct pb_buf *b, const struct pb_analyze_opts *o)
{
	if (o && o->since_ns >= 0)
		pb_buf_addf(b, " AND f.ts_ns >= %lld", (long long)o->since_ns);
	if (o && o->until_ns >= 0)
		pb_buf_addf(b, " AND f.ts_ns <= %lld", (long long)o->until_ns);
}

static int write_cands(struct pb_store *s, const struct cand_list *l)
{
	sqlite3_stmt *st = pb_store_prepare(s,
		"INSERT INTO attribution(failure_id, pfn, callsite, module, stack_id, "
		"evidence_id, confidence, rank, kind, side, noise, ts_ns, pid, comm) "
		"VALUES (:failure_id, :pfn, :callsite, :module, :stack_id, :evidence_id, "
		":confidence, :rank, :kind, :side, :noise, :ts_ns, :pid, :comm)");

	if (!st)
		return -1;
	for (size_t i = 0; i < l->n; i++) {
		const struct cand *c = &l->v[i];

		pb_store_bind_int64(st, ":failure_id", c->failure_id);
		pb_store_bind_int64(st, ":pfn", c->pfn);
		pb_store_bind_text(st, ":callsite", c->site->callsite);
		pb_store_bind_text(st, ":module", c->site->module);
		if (c->stack_id)
			pb_store_bind_int64(st, ":stack_id", c->stack_id);
		pb_store_bind_int64(st, ":evidence_id", c->evidence_id);
		pb_store_bind_text(st, ":confidence", confidence_name(c->conf));
		pb_store_bind_int64(st, ":rank", c->rank);
		pb_store_bind_text(st, ":kind", cand_kind_name(c->kind));
		pb_store_bind_text(st, ":side", c->kind == CAND_PAGE_OWNER ? "owner"
						: cand_is_put(c->kind) ? "put" : "get");
		pb_store_bind_text(st, ":noise", noise_role_name(c->role));
		if (c->ts_ns >= 0)
			pb_store_bind_int64(st, ":ts_ns", c->ts_ns);
		if (c->pid >= 0)
			pb_store_bind_int64(st, ":pid", c->pid);
		pb_store_bind_text(st, ":comm", c->comm);
		if (pb_store_run(s, st) < 0) {
			sqlite3_finalize(st);
			return -1;
		}
		sqlite3_clear_bindings(st);
	}
	sqlite3_finalize(st);
	return 0;
}

/* Candidates ranked with the default noise list, as the views show them;
 * commands with their own --noise rank again in memory. */
static int attribute(struct pb_store *s)
{
	struct cand_list l = { 0 };
	struct pb_noise noise;
	struct site_cache *sites = NULL;
	int rc = -1;

	if (noise_init(&noise, NULL) < 0)
		return -1;
	sites = site_cache_new(s, &noise);
	if (sites && collect_cands(s, &l) == 0 && rank_cands(&l, sites) == 0)
		rc = write_cands(s, &l);
	site_cache_free(sites);
	cand_list_free(&l);
	noise_free(&noise);
	return rc;
}

/* The first analysis of a big store takes a while: a line on stderr, when
 * it is a terminal, says which step runs (as import shows its progress).
 * SQLite calls show_progress() every PROGRESS_OPS steps of its virtual
 * machine, and the analysis is SQL steps all along. */
#define PROGRESS_OPS 100000

struct progress {
	const char *step;
	double start, last;
	int shown;
};

static double seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* After half a second, at most four times a second. */
static int show_progress(void *ctx)
{
	struct progress *p = ctx;
	double t = seconds_now();

	if (t - p->start < 0.5 || t - p->last < 0.25)
		return 0;
	p->last = t;
	p->shown = 1;
	fprintf(stderr, "\rpinblame: analysis: %s, %.0f s\033[K", p->step, t - p->start);
	return 0;
}

static int refresh_steps(struct pb_store *s, struct progress *p)
{
	p->step = "finding the failures";
	if (find_failures(s) < 0)
		return -1;
	p->step = "reading the probes' hits";
	if (probe_map_refresh(s) < 0 || probe_evidence(s) < 0)
		return -1;
	p->step = "attributing the busy pages";
	if (attribute(s) < 0)
		return -1;
	p->step = "writing";
	return pb_store_mark_clean(s) < 0 || pb_store_exec(s, "COMMIT") < 0 ? -1 : 0;
}

/* The derived tables again, from a transaction begun; -1 on an error. */
static int refresh_all(struct pb_store *s)
{
	struct progress p = { .step = "", .start = seconds_now() };
	sqlite3 *db = pb_store_db(s);
	int rc;

	if (pb_stderr_is_tty())
		sqlite3_progress_handler(db, PROGRESS_OPS, show_progress, &p);
	rc = refresh_steps(s, &p);
	sqlite3_progress_handler(db, 0, NULL, NULL);
	if (p.shown)
		fputs("\r\033[K", stderr);
	return rc;
}

int pb_analyze_refresh(struct pb_store *s)
{
	int dirty;

	if (pb_store_exec(s, "BEGIN IMMEDIATE") < 0)
		return -1;
	/* Another process may have refreshed it while we waited. */
	dirty = pb_store_is_dirty(s);
	if (dirty <= 0)
		return pb_store_exec(s, dirty < 0 ? "ROLLBACK" : "COMMIT") < 0 ? -1 : dirty;
	if (pb_store_repair_index(s) < 0 ||
	    pb_store_exec(s, "DELETE FROM attribution; DELETE FROM failure_pfn; "
			  "DELETE FROM failure; DELETE FROM probe_map; "
			  "DELETE FROM evidence WHERE kind IN ('probe', 'dump_probe')") < 0 ||
	    refresh_all(s) < 0) {
		pb_error("%s: the analysis could not be refreshed", pb_store_path(s));
		pb_store_exec(s, "ROLLBACK");
		return -1;
	}
	return 0;
}

struct pb_store *pb_analyze_open(const char *path)
{
	struct pb_store *s = pb_store_open(path, PB_STORE_READ);
	int dirty;

	if (!s)
		return NULL;
	dirty = pb_store_is_dirty(s);
	if (dirty <= 0) {
		if (dirty == 0)
			return s;
		pb_store_close(s);
		return NULL;
	}
	pb_store_close(s);
	s = pb_store_open(path, pb_store_writable(path) ? PB_STORE_WRITE : PB_STORE_SCRATCH);
	if (s && pb_analyze_refresh(s) < 0) {
		pb_store_close(s);
		s = NULL;
	}
	return s;
}
