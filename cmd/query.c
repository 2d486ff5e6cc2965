/* query.c - pinblame query: read-only SQL over the store's views. */
#include "cmd.h"
#include "pinblame/analyze.h"
#include "pinblame/render.h"
#include "pinblame/store.h"

static const struct pb_usage query_usage = {
	.synopsis = "query [--csv | --json] SQL",
	.about = "Runs one read-only SQL statement over the store and prints its rows.\n"
		 "Statements that would write are refused.\n"
		 "\n"
		 "Public views (stable; the tables behind them may change):\n"
		 "  sources(id, path, sha256, format, kernel, arch, events, bad_lines, imported_at,\n"
		 "          boot, clock, page_size, page_size_from)\n"
		 "  events(id, source_id, line, ts_ns, cpu, pid, tgid, comm, event, stack_id, body)\n"
		 "  event_fields(event_id, name, value)\n"
		 "  event_ids(event, source_id, id)   the index by name: select events by name\n"
		 "            with 'WHERE id IN (SELECT id FROM event_ids WHERE event = ...)'\n"
		 "  cma_allocs(id, source_id, area, pid, comm, start_ts_ns, end_ts_ns, pfn,\n"
		 "             count, align, ok, errorno, busy_retries, stack_id)\n"
		 "  busy_ranges(id, source_id, ts_ns, start_pfn, end_pfn, busy_pfn, kind, cma_alloc_id)\n"
		 "  migrations(id, source_id, ts_ns, reason, mode, succeeded, failed, stack_id)\n"
		 "  page_evidence(id, source_id, ts_ns, pfn, kind, count, mapcount, flags,\n"
		 "                mapping, mt, pid, comm, stack_id, confidence)\n"
		 "  failures(id, source_id, ts_ns, kind, area, start_pfn, end_pfn, pages, reason,\n"
		 "           outcome, nowarn, pid, comm, start_ts_ns, end_ts_ns, busy_ranges, busy_pfns)\n"
		 "  attributions(failure_id, pfn, callsite, stack_id, evidence_id, confidence,\n"
		 "               rank, module, kind, noise)\n"
		 "  stacks(id, folded, leaf, depth)    frames(stack_id, depth, symbol, offset, module)\n",
	.footer = "Exit: 0 ok, 2 usage or SQL error, 3 no store (no traces imported),\n"
		  "4 store error.\n",
};

/* The analysis is brought up to date first, on a connection of its own
 * that may write; the statement then runs on one opened read-only, with
 * query_only set and the authorizer of pb_store_prepare_query(), so that
 * nothing it does can write the store or another file. (A store we cannot
 * write was brought up to date in a private copy, which is the one to
 * read.) */
static struct pb_store *open_read_only(const char *db_path)
{
	struct pb_store *s = pb_analyze_open(db_path);

	if (!s)
		return NULL;
	if (pb_store_writable(db_path)) {
		pb_store_close(s);
		s = pb_store_open(db_path, PB_STORE_READ);
	} else if (pb_store_exec(s, "PRAGMA query_only = 1") < 0) {
		pb_store_close(s);
		return NULL;
	}
	return s;
}

/* The user's SQL at fault (a syntax error, a refused statement, a
 * function's error) is a usage error; the store failing under it (disk
 * I/O, damage, a lock held past the timeout) is a store error
 * (doc/DESIGN.md, "Commands and exit codes"). */
static int failure_code(int sqlite_rc)
{
	switch (sqlite_rc & 0xff) {
	case SQLITE_IOERR:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_FULL:
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_CANTOPEN:
	case SQLITE_NOMEM:
		return PB_EXIT_STORE;
	}
	return PB_EXIT_USAGE;
}

int cmd_query(int argc, char **argv, const struct pb_globals *g)
{
	enum pb_table_mode mode = PB_TABLE_TEXT;
	int csv = 0, json = 0, rc = PB_EXIT_OK;
	const struct pb_option options[] = {
		PB_OPT_BOOL(0, "csv", &csv, "comma-separated values with a header line"),
		PB_OPT_BOOL(0, "json", &json,
			    "{\"schema\":\"pinblame.query/1\",\"columns\":[...],\"rows\":[{...}]}"),
		PB_OPT_END(),
	};
	int at = pb_parse_options(argc, argv, options, &query_usage, &rc);
	struct pb_store *store;
	sqlite3_stmt *st;

	if (at < 0)
		return rc;
	if (at != argc - 1) {
		pb_error(at == argc ? "no SQL given" : "give the SQL as one argument");
		return pb_see_help();
	}
	if (csv && json) {
		pb_error("--csv and --json: choose one");
		return pb_see_help();
	}
	mode = json ? PB_TABLE_JSON : csv ? PB_TABLE_CSV : PB_TABLE_TEXT;
	store = open_read_only(g->db_path);
	if (!store)
		return PB_EXIT_STORE;
	st = pb_store_prepare_query(store, argv[optind]);
	if (!st || pb_table_write(stdout, store, st, mode, "pinblame.query/1") < 0)
		rc = failure_code(pb_store_failed(store));
	pb_store_finalize(st);
	pb_store_close(store);
	return rc;
}
