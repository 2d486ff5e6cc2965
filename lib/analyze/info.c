/* info.c - what the store holds, for `pinblame info`: the sources with
 * the reasons their lines were not understood, and counts of events, CMA
 * allocations, busy ranges, failed migrations and page evidence. */
#include "analyze_int.h"

/* The sources, each with its bad_line rows as "bad_line_reasons". */
static json_t *sources_json(struct pb_store *s)
{
	sqlite3_stmt *st = pb_store_prepare(s,
		"SELECT id, path, sha256, format, kernel, arch, events, bad_lines, lines, "
		"first_ts_ns, last_ts_ns, lost_events, unpaired, imported_at, clock, "
		"page_size, page_size_from, "
		"(SELECT file_page_size FROM probe_map m WHERE m.source_id = source.id) "
		"  AS file_page_size, "
		"(SELECT file_page_size_from FROM probe_map m WHERE m.source_id = source.id) "
		"  AS file_page_size_from, "
		/* the busy pages its file offsets were joined to */
		"CASE WHEN (SELECT file_page_size_from FROM probe_map m WHERE m.source_id = "
		"  source.id) IS NOT NULL THEN (SELECT count(DISTINCT v.pfn) FROM evidence v "
		"  WHERE v.kind = 'dump_probe' AND v.source_id = source.id) END AS file_busy_pages "
		"FROM source ORDER BY id");
	sqlite3_stmt *bad = pb_store_prepare(s,
		"SELECT reason, count, first_line, example FROM bad_line "
		"WHERE source_id = ? ORDER BY reason");
	json_t *arr = json_array();

	while (st && bad && pb_store_step(s, st) > 0) {
		json_t *o = stmt_row_json(st), *reasons;

		sqlite3_bind_int64(bad, 1, sqlite3_column_int64(st, 0));
		reasons = stmt_rows_json(s, bad);
		json_object_set_new(o, "bad_line_reasons", reasons);
		json_array_append_new(arr, o);
	}
	pb_store_finalize(st);
	pb_store_finalize(bad);
	return arr;
}

/* A source whose own page size is unknown takes, as the analysis does
 * (page_size_of()), the size another source of its linked boot knows:
 * page_size_from "boot". 0, or -1 on a store error. */
static int add_boot_page_sizes(struct pb_store *s, json_t *sources)
{
	struct boots b = { 0 };
	size_t i;
	json_t *src;

	if (load_boots(s, &b) < 0) {
		boots_free(&b);
		return -1;
	}
	json_array_foreach(sources, i, src) {
		int64_t size = page_size_of(&b, json_integer_value(json_object_get(src, "id")));

		if (json_integer_value(json_object_get(src, "page_size")) > 0 || size <= 0)
			continue;
		json_object_set_new(src, "page_size", json_integer(size));
		json_object_set_new(src, "page_size_from", json_string("boot"));
	}
	boots_free(&b);
	return 0;
}

/* {"unmapped_hits":N,"hashed":B}: probe hits whose page= became no pfn
 * (probe_map_gaps()), or NULL on a store error. */
static json_t *probe_pages_json(struct pb_store *s)
{
	struct probe_map_gaps g;

	if (probe_map_gaps(s, &g) < 0)
		return NULL;
	return json_pack("{s:I,s:b}", "unmapped_hits", (json_int_t)g.unmapped_hits, "hashed",
			 g.hashed);
}

json_t *pb_analyze_info(struct pb_store *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "schema", json_string("pinblame.info/1"));
	json_object_set_new(o, "sources", sources_json(s));
	add_boot_page_sizes(s, json_object_get(o, "sources"));
	json_object_set_new(o, "events", sql_counts_json(s,
		"SELECT n.text, sum(x.n) FROM event_index x JOIN name n ON n.id = x.name_id "
		"GROUP BY n.text ORDER BY n.text"));
	json_object_set_new(o, "cma_allocs", sql_counts_json(s,
		"SELECT 'started', count(start_ts_ns) FROM cma_alloc "
		"UNION ALL SELECT 'finished', count(end_ts_ns) FROM cma_alloc "
		"UNION ALL SELECT 'failed', count(*) FROM cma_alloc WHERE ok = 0 "
		"UNION ALL SELECT 'unfinished', count(*) FROM cma_alloc "
		"WHERE end_ts_ns IS NULL"));
	json_object_set_new(o, "busy_ranges", sql_counts_json(s,
		"SELECT kind, count(*) FROM busy_range GROUP BY kind ORDER BY kind"));
	json_object_set_new(o, "migrations_failed", sql_counts_json(s,
		"SELECT COALESCE(reason, '?'), count(*) FROM migration WHERE failed > 0 "
		"GROUP BY reason ORDER BY reason"));
	json_object_set_new(o, "page_evidence", sql_counts_json(s,
		"SELECT kind, count(*) FROM evidence GROUP BY kind ORDER BY kind"));
	json_object_set_new(o, "probe_pages", probe_pages_json(s));
	if (pb_store_failed(s)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static void add_area(sqlite3_stmt *st, void *areas)
{
	json_array_append_new(areas, text_or_null(st, 0));
}

json_t *pb_analyze_cma_areas(struct pb_store *s)
{
	json_t *areas = json_array();

	if (sql_rows_each(s, "SELECT DISTINCT area FROM cma_alloc WHERE area IS NOT NULL "
			  "ORDER BY area", add_area, areas) < 0) {
		json_decref(areas);
		return NULL;
	}
	return areas;
}
