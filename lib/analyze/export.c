/* export.c - the store's rows for `export --jsonl` (schema
 * pinblame.export/2, documented in pinblame-export(1)): a header with the
 * counts, then one object per row of each type, streamed one at a time. */
#include <string.h>

#include "analyze_int.h"

#define STACK_HEX(col) "CASE WHEN " col " > 0 THEN (SELECT printf('%016llx', hash) " \
		       "FROM stack WHERE id = " col ") END"
#define SOURCE_HASH "(SELECT sha256 FROM source WHERE id = source_id)"

/* One query per row type; each column becomes a key of the same name. */
static const struct export_kind {
	const char *type;
	const char *sql;
} kinds[] = {
	{ "source",
	  "SELECT sha256 AS source, path, format, kernel, arch, events, bad_lines,\n"
	  "  lines, first_ts_ns, last_ts_ns, lost_events, imported_at, clock\n"
	  "FROM source ORDER BY id" },
	{ "stack",
	  "SELECT id AS stack_id, printf('%016llx', hash) AS stack, depth, user, leaf, folded\n"
	  "FROM stack ORDER BY id" },
	/* keys of the same name as pinblame.failures/1's have its types:
	 * nowarn a boolean, errno the kernel's error code or null; a count of
	 * the busy pfns, which that schema lists, is busy_pfn_count */
	{ "failure",
	  "SELECT " SOURCE_HASH " AS source, id, ts_ns, end_ts_ns, kind, area, reason,\n"
	  "  start_pfn, end_pfn, pages, pid, comm, outcome, nowarn,\n"
	  "  NULLIF(errorno, 0) AS errno, busy_ranges,\n"
	  "  (SELECT count(*) FROM failure_pfn p WHERE p.failure_id = failure.id)\n"
	  "    AS busy_pfn_count,\n"
	  "  (SELECT line FROM event WHERE id = event_id) AS line\n"
	  "FROM failure ORDER BY source_id, id" },
	{ "evidence",
	  "SELECT " SOURCE_HASH " AS source, id, ts_ns, pfn, kind, count, mapcount,\n"
	  "  flags, mapping, mt, pid, comm, " STACK_HEX("stack_id") " AS stack,\n"
	  "  confidence, (SELECT line FROM event WHERE id = event_id) AS line\n"
	  "FROM evidence ORDER BY source_id, id" },
	{ "attribution",
	  "SELECT (SELECT sha256 FROM source s JOIN failure f ON s.id = f.source_id\n"
	  "    WHERE f.id = failure_id) AS source,\n"
	  "  failure_id, pfn, callsite, module, " STACK_HEX("stack_id") " AS stack,\n"
	  "  evidence_id, confidence, rank, noise, kind, side, ts_ns, pid, comm\n"
	  "FROM attribution ORDER BY failure_id, rank, pfn, callsite" },
};

/* {"type":"export","schema":...,"generator":...,"counts":{"source":N,...}} */
static json_t *header_json(struct pb_store *s, const char *generator)
{
	json_t *h = json_pack("{s:s,s:s,s:s}", "type", "export",
			      "schema", "pinblame.export/2", "generator", generator);
	json_t *counts = json_object();

	for (size_t k = 0; k < PB_ARRAY_SIZE(kinds); k++) {
		char sql[64];
		sqlite3_stmt *st;
		int64_t n = 0;

		/* the type names the table it counts */
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", kinds[k].type);
		st = pb_store_prepare(s, sql);
		if (st)
			pb_store_first_int64(s, st, &n);
		pb_store_finalize(st);
		json_object_set_new(counts, kinds[k].type, json_integer(n));
	}
	json_object_set_new(h, "counts", counts);
	if (pb_store_failed(s)) {
		json_decref(h);
		return NULL;
	}
	return h;
}

/* A stack row also has "trimmed": its folded text past the tracer's
 * frames, as blame, show, stacks and the report print it; the store's id
 * is not exported. The site is not cached: export reads each stack once,
 * and a cache of every stack grew with the store (and slowed it). */
static int add_trimmed(struct site_cache *sites, json_t *row)
{
	int64_t id = json_integer_value(json_object_get(row, "stack_id"));
	struct pb_buf b = { 0 };
	int rc = site_trimmed(sites, id, &b);

	if (rc == 0)
		json_object_set_new(row, "trimmed", json_string(pb_buf_str(&b)));
	json_object_del(row, "stack_id");
	pb_buf_free(&b);
	return rc;
}

/* SQLite has no boolean: the 0 or 1 of a failure's nowarn becomes false
 * or true, as in pinblame.failures/1 (null stays null: not known). */
static void nowarn_boolean(json_t *row)
{
	json_t *v = json_object_get(row, "nowarn");

	if (json_is_integer(v))
		json_object_set_new(row, "nowarn", json_boolean(json_integer_value(v)));
}

static int emit_rows(struct pb_store *s, const struct export_kind *k, struct site_cache *sites,
		     pb_export_fn emit, void *ctx)
{
	sqlite3_stmt *st = pb_store_prepare(s, k->sql);
	int rc;

	if (!st)
		return -1;
	while ((rc = pb_store_step(s, st)) > 0) {
		json_t *row = stmt_row_into(json_pack("{s:s}", "type", k->type), st);

		rc = strcmp(k->type, "stack") ? 0 : add_trimmed(sites, row);
		if (!strcmp(k->type, "failure"))
			nowarn_boolean(row);
		if (rc == 0)
			rc = emit(row, ctx);
		json_decref(row);
		if (rc < 0)
			break;
	}
	pb_store_finalize(st);
	return rc;
}

int pb_analyze_export(struct pb_store *s, const char *generator, pb_export_fn emit, void *ctx)
{
	json_t *h = header_json(s, generator);
	struct pb_noise noise;
	struct site_cache *sites;
	int rc;

	if (!h)
		return -1;
	if (noise_init(&noise, NULL) < 0) {
		json_decref(h);
		return -1;
	}
	sites = site_cache_new(s, &noise);
	rc = sites ? emit(h, ctx) : -1;
	json_decref(h);
	for (size_t k = 0; rc == 0 && k < PB_ARRAY_SIZE(kinds); k++)
		rc = emit_rows(s, &kinds[k], sites, emit, ctx);
	site_cache_free(sites);
	noise_free(&noise);
	return rc;
}
