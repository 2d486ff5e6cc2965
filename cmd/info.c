/* info.c - pinblame info: what the store holds. */
#include <string.h>

#include "cmd.h"
#include "pinblame/analyze.h"
#include "pinblame/render.h"
#include "pinblame/store.h"

static const char info_usage[] =
	"usage: pinblame [-d DB] info [--json]\n"
	"\n"
	"Shows the imported sources (format, kernel, arch, events, lines not\n"
	"understood and why), the time span, counts per event, CMA allocations\n"
	"started but never finished, and lost events.\n"
	"\n"
	"options:\n"
	"  --json      {\"schema\":\"pinblame.info/1\",\"sources\":[...],\"events\":{...},...}\n"
	"  -h, --help  this help\n"
	"\n"
	"Exit: 0 ok, 2 usage, 4 store error.\n";

static json_t *sources_json(struct pb_store *s)
{
	sqlite3_stmt *st = pb_store_prepare(s,
		"SELECT id, path, sha256, format, kernel, arch, events, bad_lines, lines, "
		"first_ts_ns, last_ts_ns, lost_events, unpaired, imported_at, clock "
		"FROM source ORDER BY id");
	sqlite3_stmt *bad = pb_store_prepare(s,
		"SELECT reason, count, first_line, example FROM bad_line "
		"WHERE source_id = ? ORDER BY reason");
	json_t *arr = json_array();

	while (st && bad && sqlite3_step(st) == SQLITE_ROW) {
		json_t *o = json_object(), *reasons = json_array();

		for (int i = 0; i < sqlite3_column_count(st); i++)
			json_object_set_new(o, sqlite3_column_name(st, i), pb_json_column(st, i));
		sqlite3_bind_int64(bad, 1, sqlite3_column_int64(st, 0));
		while (sqlite3_step(bad) == SQLITE_ROW)
			json_array_append_new(reasons, json_pack("{s:s,s:I,s:I,s:s?}",
				"reason", (const char *)sqlite3_column_text(bad, 0),
				"count", (json_int_t)sqlite3_column_int64(bad, 1),
				"first_line", (json_int_t)sqlite3_column_int64(bad, 2),
				"example", (const char *)sqlite3_column_text(bad, 3)));
		sqlite3_reset(bad);
		json_object_set_new(o, "bad_line_reasons", reasons);
		json_array_append_new(arr, o);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(bad);
	return arr;
}

static json_t *counts_json(struct pb_store *s, const char *sql)
{
	sqlite3_stmt *st = pb_store_prepare(s, sql);
	json_t *o = json_object();

	while (st && sqlite3_step(st) == SQLITE_ROW)
		json_object_set_new(o, (const char *)sqlite3_column_text(st, 0),
				    json_integer(sqlite3_column_int64(st, 1)));
	sqlite3_finalize(st);
	return o;
}

static json_t *info_json(struct pb_store *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "schema", json_string("pinblame.info/1"));
	json_object_set_new(o, "sources", sources_json(s));
	json_object_set_new(o, "events", counts_json(s,
		"SELECT n.text, sum(x.n) FROM event_index x JOIN name n ON n.id = x.name_id "
		"GROUP BY n.text ORDER BY n.text"));
	json_object_set_new(o, "cma_allocs", counts_json(s,
		"SELECT 'started', count(start_ts_ns) FROM cma_alloc "
		"UNION ALL SELECT 'finished', count(end_ts_ns) FROM cma_alloc "
		"UNION ALL SELECT 'failed', count(*) FROM cma_alloc WHERE ok = 0 "
		"UNION ALL SELECT 'unfinished', count(*) FROM cma_alloc "
		"WHERE end_ts_ns IS NULL"));
	json_object_set_new(o, "busy_ranges", counts_json(s,
		"SELECT kind, count(*) FROM busy_range GROUP BY kind ORDER BY kind"));
	json_object_set_new(o, "migrations_failed", counts_json(s,
		"SELECT COALESCE(reason, '?'), count(*) FROM migration WHERE failed > 0 "
		"GROUP BY reason ORDER BY reason"));
	json_object_set_new(o, "page_evidence", counts_json(s,
		"SELECT kind, count(*) FROM evidence GROUP BY kind ORDER BY kind"));
	return o;
}

/* A source's time: seconds, or the date a log printed (clock realtime). */
static void print_ts(const json_t *src, const char *key)
{
	const json_t *v = json_object_get(src, key);
	long long ts = json_is_integer(v) ? json_integer_value(v) : -1;
	const char *clock = pb_json_str(src, "clock", "");
	char buf[48];

	if (!strcmp(clock, "realtime"))
		pb_format_date(buf, sizeof(buf), ts);
	else
		pb_format_ts(buf, sizeof(buf), ts);
	fputs(buf, stdout);
}

static void print_source(const json_t *src)
{
	size_t i;
	json_t *r;

	printf("source %lld: %s\n", pb_json_int(src, "id", 0),
	       pb_json_str(src, "path", "?"));
	printf("  format %s, kernel %s, arch %s", pb_json_str(src, "format", "?"),
	       pb_json_str(src, "kernel", "unknown"),
	       pb_json_str(src, "arch", "unknown"));
	/* times not on the kernel's clock are never compared with others' */
	if (pb_json_str(src, "clock", NULL))
		printf(", clock %s", pb_json_str(src, "clock", ""));
	putchar('\n');
	printf("  %lld events, %lld lines, %lld not understood, %lld lost, span ",
	       pb_json_int(src, "events", 0),
	       pb_json_int(src, "lines", 0),
	       pb_json_int(src, "bad_lines", 0),
	       pb_json_int(src, "lost_events", 0));
	print_ts(src, "first_ts_ns");
	fputs(" .. ", stdout);
	print_ts(src, "last_ts_ns");
	fputs(strcmp(pb_json_str(src, "clock", ""), "realtime") ? " s\n" : "\n", stdout);
	if (pb_json_int(src, "unpaired", 0))
		printf("  %lld CMA allocations started without a finish\n",
		       pb_json_int(src, "unpaired", 0));
	json_array_foreach(json_object_get(src, "bad_line_reasons"), i, r)
		printf("  not understood: %lld x %s (first at line %lld: %s)\n",
		       pb_json_int(r, "count", 0),
		       pb_json_str(r, "reason", "?"),
		       pb_json_int(r, "first_line", 0),
		       pb_json_str(r, "example", ""));
}

/* Names in a column as wide as the longest (at least 40), counts after. */
static void print_counts(const char *title, const json_t *counts)
{
	const char *k;
	json_t *v;
	int width = 40;

	if (!json_object_size(counts))
		return;
	json_object_foreach((json_t *)counts, k, v)
		if ((int)strlen(k) > width)
			width = (int)strlen(k);
	printf("\n%s:\n", title);
	json_object_foreach((json_t *)counts, k, v)
		printf("  %-*s %10lld\n", width, k, (long long)json_integer_value(v));
}

static void print_info(const json_t *info)
{
	size_t i;
	json_t *src;

	json_array_foreach(json_object_get(info, "sources"), i, src)
		print_source(src);
	print_counts("events", json_object_get(info, "events"));
	print_counts("CMA allocations", json_object_get(info, "cma_allocs"));
	print_counts("busy ranges", json_object_get(info, "busy_ranges"));
	print_counts("migrations with failed pages, by reason",
		     json_object_get(info, "migrations_failed"));
	print_counts("page evidence", json_object_get(info, "page_evidence"));
}

int cmd_info(int argc, char **argv, const struct pb_globals *g)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pb_store *store;
	json_t *info;
	int c, help = 0, json = 0;

	while ((c = pb_getopt(argc, argv, "h", longopts, info_usage, &help)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'h': return pb_usage(info_usage, PB_EXIT_OK);
		default: return PB_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return pb_usage_operand(argv[optind], info_usage);
	/* the derived views (failures, attributions) are brought up to date */
	store = pb_analyze_open(g->db_path);
	if (!store)
		return PB_EXIT_STORE;
	info = info_json(store);
	if (json)
		pb_json_write(stdout, info);
	else
		print_info(info);
	json_decref(info);
	pb_store_close(store);
	return PB_EXIT_OK;
}
