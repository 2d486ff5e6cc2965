/* failures.c - the failures as JSON objects (doc/DESIGN.md, "JSON"), for `failures`
 * and as the head of `show`. */
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

static const char failure_sql[] =
	"SELECT f.id, f.kind, f.area, f.reason, f.ts_ns, f.start_ts_ns, f.end_ts_ns, f.pid, f.comm, "
	"f.outcome, f.nowarn, f.errorno, f.start_pfn, f.end_pfn, f.pages, f.busy_ranges, "
	"f.failed_migrations, s.path, e.line, s.clock FROM failure f "
	"LEFT JOIN source s ON s.id = f.source_id LEFT JOIN event e ON e.id = f.event_id "
	"WHERE 1";

static json_t *busy_pfns(struct pb_store *s, sqlite3_stmt *pfns, int64_t id)
{
	json_t *a = json_array();

	sqlite3_bind_int64(pfns, 1, id);
	while (pb_store_step(s, pfns) > 0)
		json_array_append_new(a, json_integer(sqlite3_column_int64(pfns, 0)));
	sqlite3_reset(pfns);
	return a;
}

/* Names of the error codes that cma_alloc(), alloc_contig_range() and
 * migration return (include/uapi/asm-generic/errno-base.h, errno.h: the
 * numbers of every architecture but alpha, mips, parisc and sparc past 34). */
static const struct {
	int code;
	const char *name;
} errno_names[] = {
	{ 1, "EPERM" }, { 2, "ENOENT" }, { 4, "EINTR" }, { 5, "EIO" }, { 11, "EAGAIN" },
	{ 12, "ENOMEM" }, { 14, "EFAULT" }, { 16, "EBUSY" }, { 17, "EEXIST" },
	{ 19, "ENODEV" }, { 22, "EINVAL" }, { 28, "ENOSPC" }, { 38, "ENOSYS" },
	{ 110, "ETIMEDOUT" }, { 125, "ECANCELED" }, { 133, "EHWPOISON" },
};

/* The kernel's error code of the failure (column COL) as "errno" and its
 * name as "errno_name": null when the kernel reported none (NULL) or
 * success (0), and the name null for a code not in the table. Present in
 * every object, so that a key has one type whatever the trace. */
static void set_errno(json_t *o, sqlite3_stmt *st, int col)
{
	int64_t code = sqlite3_column_int64(st, col);
	const char *name = NULL;

	if (sqlite3_column_type(st, col) == SQLITE_NULL || code == 0) {
		json_object_set_new(o, "errno", json_null());
		json_object_set_new(o, "errno_name", json_null());
		return;
	}
	for (size_t i = 0; i < PB_ARRAY_SIZE(errno_names); i++)
		if (-code == errno_names[i].code)
			name = errno_names[i].name;
	json_object_set_new(o, "errno", json_integer(code));
	json_object_set_new(o, "errno_name", name ? json_string(name) : json_null());
}

/* One row of failure_sql as the documented object. */
static json_t *failure_object(struct pb_store *s, sqlite3_stmt *st, sqlite3_stmt *pfns,
			      size_t attributed)
{
	json_t *o = json_object();
	int64_t id = sqlite3_column_int64(st, 0);

	json_object_set_new(o, "id", json_integer(id));
	json_object_set_new(o, "kind", text_or_null(st, 1));
	json_object_set_new(o, "area", text_or_null(st, 2));
	json_object_set_new(o, "reason", text_or_null(st, 3));
	json_object_set_new(o, "ts_ns", int_or_null(st, 4));
	json_object_set_new(o, "start_ts_ns", int_or_null(st, 5));
	json_object_set_new(o, "end_ts_ns", int_or_null(st, 6));
	json_object_set_new(o, "pid", int_or_null(st, 7));
	json_object_set_new(o, "comm", text_or_null(st, 8));
	json_object_set_new(o, "outcome", text_or_null(st, 9));
	json_object_set_new(o, "nowarn", sqlite3_column_type(st, 10) == SQLITE_NULL ? json_null()
				: json_boolean(sqlite3_column_int(st, 10)));
	/* errorno: the trace event's name of errno, kept in schema
	 * pinblame.failures/1 for the scripts that read it (doc/DESIGN.md) */
	json_object_set_new(o, "errorno", int_or_null(st, 11));
	set_errno(o, st, 11);
	json_object_set_new(o, "start_pfn", int_or_null(st, 12));
	json_object_set_new(o, "end_pfn", int_or_null(st, 13));
	json_object_set_new(o, "pages", int_or_null(st, 14));
	json_object_set_new(o, "busy_pfns", busy_pfns(s, pfns, id));
	json_object_set_new(o, "busy_ranges", int_or_null(st, 15));
	json_object_set_new(o, "failed_migrations", int_or_null(st, 16));
	json_object_set_new(o, "attributed_pfns", json_integer((json_int_t)attributed));
	json_object_set_new(o, "source", text_or_null(st, 17));
	json_object_set_new(o, "line", int_or_null(st, 18));
	/* only off the kernel's clock: the objects of traces read as before */
	if (sqlite3_column_type(st, 19) != SQLITE_NULL)
		json_object_set_new(o, "clock", text_or_null(st, 19));
	return o;
}

/* Per failure, the pages some call site is blamed for, with the noise
 * list of O. */
struct blamed_counts {
	int64_t *failure;	/* failure id of each blamed page, sorted */
	size_t n;
};

static int count_blamed(struct pb_store *s, const struct pb_analyze_opts *o, int64_t failure_id,
			struct blamed_counts *bc)
{
	struct cand_list l = { 0 };
	struct pb_noise noise;
	struct site_cache *sites;
	int rc = -1;

	if (noise_init(&noise, o) < 0)
		return -1;
	sites = site_cache_new(s, &noise);
	if (sites && load_cands(s, o, failure_id, &l) == 0 && rank_cands(&l, sites) == 0) {
		bc->failure = pb_malloc((l.n + 1) * sizeof(*bc->failure));
		for (size_t i = 0; i < l.n; i++)
			if (cand_blamed(&l.v[i]))
				bc->failure[bc->n++] = l.v[i].failure_id;
		sort_n(bc->failure, bc->n, sizeof(*bc->failure), cmp_id);
		rc = 0;
	}
	site_cache_free(sites);
	cand_list_free(&l);
	noise_free(&noise);
	return rc;
}

static size_t blamed_of(const struct blamed_counts *bc, int64_t id)
{
	size_t lo = 0, hi = bc->n, n = 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (bc->failure[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo + n < bc->n && bc->failure[lo + n] == id)
		n++;
	return n;
}

/* The failures that pass O, REASON (a reason or a kind) and AREA, or
 * only FAILURE_ID when > 0, appended to ARR. */
static int list_failures(struct pb_store *s, const struct pb_analyze_opts *o, const char *reason,
			 const char *area, int64_t failure_id, json_t *arr)
{
	struct blamed_counts bc = { 0 };
	struct pb_buf sql = { 0 };
	sqlite3_stmt *st = NULL, *pfns;
	int rc = -1;

	pfns = pb_store_prepare(s, "SELECT pfn FROM failure_pfn WHERE failure_id = ? ORDER BY pfn");
	pb_buf_adds(&sql, failure_sql);
	failure_filter_sql(&sql, o);
	if (reason)
		pb_buf_adds(&sql, " AND (f.reason = ?1 OR f.kind = ?1)");
	if (area)
		pb_buf_adds(&sql, " AND f.area = ?2");
	if (failure_id > 0)
		pb_buf_addf(&sql, " AND f.id = %lld", (long long)failure_id);
	pb_buf_adds(&sql, " ORDER BY f.id");
	if (pfns && count_blamed(s, o, failure_id, &bc) == 0)
		st = pb_store_prepare(s, pb_buf_str(&sql));
	if (st) {
		sqlite3_bind_text(st, 1, reason, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, area, -1, SQLITE_STATIC);
		while ((rc = pb_store_step(s, st)) > 0)
			json_array_append_new(arr, failure_object(s, st, pfns,
				blamed_of(&bc, sqlite3_column_int64(st, 0))));
	}
	sqlite3_finalize(st);
	sqlite3_finalize(pfns);
	pb_buf_free(&sql);
	free(bc.failure);
	/* a failing read of the pfns stops them short: not the failure */
	return rc || pb_store_failed(s) ? -1 : 0;
}

json_t *pb_analyze_failures(struct pb_store *s, const struct pb_analyze_opts *o,
			    const char *reason, const char *area)
{
	json_t *arr = json_array();

	if (list_failures(s, o, reason, area, 0, arr) < 0) {
		json_decref(arr);
		return NULL;
	}
	return json_pack("{s:s,s:o}", "schema", "pinblame.failures/1", "failures", arr);
}

struct pb_outcome_counts pb_count_outcomes(const json_t *failures)
{
	struct pb_outcome_counts c = { 0, 0, 0 };
	const json_t *f;
	size_t i;

	json_array_foreach(failures, i, f) {
		const char *outcome = json_string_value(json_object_get(f, "outcome"));

		if (!outcome)
			continue;
		c.final += !strcmp(outcome, "final");
		c.recovered += !strcmp(outcome, "recovered");
		c.unknown += !strcmp(outcome, "unknown");
	}
	return c;
}

json_t *failure_json(struct pb_store *s, const struct pb_analyze_opts *o, int64_t failure_id)
{
	json_t *arr = json_array(), *one = NULL;

	if (list_failures(s, o, NULL, NULL, failure_id, arr) == 0 && json_array_size(arr))
		one = json_incref(json_array_get(arr, 0));
	json_decref(arr);
	return one;
}

int pb_analyze_failure_ids(struct pb_store *s, pb_failure_id_fn each, void *ctx)
{
	sqlite3_stmt *st = pb_store_prepare(s, "SELECT id FROM failures ORDER BY id");
	int rc = 0;

	if (!st)
		return -1;
	while (rc == 0 && pb_store_step(s, st) > 0)
		rc = each(sqlite3_column_int64(st, 0), ctx);
	pb_store_finalize(st);
	return pb_store_failed(s) ? -1 : rc;
}
