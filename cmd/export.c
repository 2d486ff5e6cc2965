/* export.c - pinblame export: the store's normalized rows as JSON Lines
 * (schema pinblame.export/1, documented in pinblame-export(1)), for a
 * distributed engine. Rows name their source by content hash and their
 * stack by its frame hash, so exports of many machines can be loaded
 * side by side without merging. */
#include <string.h>

#include "cmd.h"
#include "pinblame/analyze.h"
#include "pinblame/render.h"
#include "pinblame/store.h"

static const char export_usage[] =
	"usage: pinblame [-d DB] export --jsonl [-o FILE]\n"
	"\n"
	"Writes one JSON object per line: a header {\"type\":\"export\",\n"
	"\"schema\":\"pinblame.export/1\",\"counts\":{...}}, then rows of type source,\n"
	"stack, failure, evidence and attribution. Failures, evidence and\n"
	"attributions are keyed by (source, id) where source is the sha256 of the\n"
	"imported file; stacks by their 16-hex-digit hash. See pinblame-export(1)\n"
	"for every field.\n"
	"\n"
	"options:\n"
	"  --jsonl        JSON Lines (the only format, required)\n"
	"  -o, --output FILE  write to FILE instead of standard output\n"
	"  -h, --help     this help\n"
	"\n"
	"Exit: 0 ok, 2 usage, 3 cannot write FILE, 4 store error.\n";

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
	  "SELECT printf('%016llx', hash) AS stack, depth, user, leaf, folded\n"
	  "FROM stack ORDER BY id" },
	{ "failure",
	  "SELECT " SOURCE_HASH " AS source, id, ts_ns, end_ts_ns, kind, area, reason,\n"
	  "  start_pfn, end_pfn, pages, pid, comm, outcome, nowarn, busy_ranges,\n"
	  "  (SELECT count(*) FROM failure_pfn p WHERE p.failure_id = failure.id)\n"
	  "    AS busy_pfns,\n"
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

static json_t *row_json(sqlite3_stmt *st, const char *type)
{
	json_t *o = json_object();

	json_object_set_new(o, "type", json_string(type));
	for (int i = 0; i < sqlite3_column_count(st); i++) {
		const char *name = sqlite3_column_name(st, i);
		json_t *v;

		switch (sqlite3_column_type(st, i)) {
		case SQLITE_INTEGER:
			v = json_integer(sqlite3_column_int64(st, i));
			break;
		case SQLITE_FLOAT:
			v = json_real(sqlite3_column_double(st, i));
			break;
		case SQLITE_NULL:
			v = json_null();
			break;
		default:
			v = pb_json_textn((const char *)sqlite3_column_text(st, i),
					 (size_t)sqlite3_column_bytes(st, i));
		}
		json_object_set_new(o, name, v);
	}
	return o;
}

static long long table_count(struct pb_store *s, const char *type)
{
	char sql[64];
	sqlite3_stmt *st;
	long long n = -1;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", type);
	st = pb_store_prepare(s, sql);
	if (st && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int write_header(FILE *out, struct pb_store *s)
{
	json_t *h = json_pack("{s:s,s:s,s:s}", "type", "export",
			      "schema", "pinblame.export/1", "generator", "pinblame " PB_VERSION);
	json_t *counts = json_object();

	for (size_t k = 0; k < PB_ARRAY_SIZE(kinds); k++) {
		long long n = table_count(s, kinds[k].type);

		if (n < 0) {
			json_decref(counts);
			json_decref(h);
			return -1;
		}
		json_object_set_new(counts, kinds[k].type, json_integer(n));
	}
	json_object_set_new(h, "counts", counts);
	pb_json_write(out, h);
	json_decref(h);
	return 0;
}

static int write_rows(FILE *out, struct pb_store *s, const struct export_kind *k)
{
	sqlite3_stmt *st = pb_store_prepare(s, k->sql);
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *row = row_json(st, k->type);

		pb_json_write(out, row);
		json_decref(row);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		pb_error("%s: %s", pb_store_path(s), sqlite3_errmsg(pb_store_db(s)));
		return -1;
	}
	return 0;
}

static int export_jsonl(FILE *out, struct pb_store *s)
{
	if (write_header(out, s) < 0)
		return -1;
	for (size_t k = 0; k < PB_ARRAY_SIZE(kinds); k++)
		if (write_rows(out, s, &kinds[k]) < 0)
			return -1;
	return 0;
}

int cmd_export(int argc, char **argv, const struct pb_globals *g)
{
	static const struct option longopts[] = {
		{ "jsonl", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	struct pb_store *store;
	FILE *out;
	int c, help = 0, jsonl = 0, rc;

	while ((c = pb_getopt(argc, argv, "ho:", longopts, export_usage, &help)) != -1) {
		switch (c) {
		case 'j': jsonl = 1; break;
		case 'o': path = optarg; break;
		case 'h': return pb_usage(export_usage, PB_EXIT_OK);
		default: return PB_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return pb_usage_operand(argv[optind], export_usage);
	if (!jsonl) {
		pb_error("say which format: --jsonl");
		return pb_usage(export_usage, PB_EXIT_USAGE);
	}
	store = pb_analyze_open(g->db_path);
	if (!store)
		return PB_EXIT_STORE;
	out = pb_open_output(path);
	if (!out) {
		pb_store_close(store);
		return PB_EXIT_INPUT;
	}
	rc = export_jsonl(out, store) < 0 ? PB_EXIT_STORE : PB_EXIT_OK;
	rc = pb_close_output(out, path, rc);
	pb_store_close(store);
	return rc;
}
