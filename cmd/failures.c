/* failures.c - pinblame failures: the failed contiguous allocations, busy
 * ranges and migration failures, one per line. */
#include <string.h>

#include "cmd.h"
#include "pinblame/analyze.h"
#include "pinblame/render.h"

static const char failures_usage[] =
	"usage: pinblame [-d DB] failures [--json] [--reason R] [--area NAME]\n"
	"                [--since S] [--until S] [--exit-code]\n"
	"                [--noise FILE] [--no-default-noise]\n"
	"\n"
	"Lists the failures in the store, in time order: failed CMA allocations\n"
	"(cma_alloc), contiguous allocations outside CMA (alloc_contig: hugetlb's\n"
	"alloc_contig_pages fallback), failed migrations by reason (migrate:\n"
	"compaction, longterm_pin, memory_hotplug, ...), busy ranges outside any\n"
	"allocation (busy_range) and page_pinner failures (page_pinner). Each has\n"
	"an outcome: final, or recovered when the task got its memory another way\n"
	"soon after; 'nowarn' marks callers that asked not to be warned.\n"
	"\n"
	"options:\n"
	"  --json            {\"schema\":\"pinblame.failures/1\",\"failures\":[...]}\n"
	"  --reason R        only failures of this kind or migrate reason\n"
	"  --area NAME       only failures on this CMA area\n"
	"  --since S, --until S  only failures in this window (trace seconds)\n"
	"  --exit-code       exit 1 when a failure is listed\n"
	"  --noise FILE      more frames that are not call sites (see blame)\n"
	"  --no-default-noise  drop the built-in noise list\n"
	"  -h, --help        this help\n"
	"\n"
	"Columns: BUSY is the number of busy pages found, BLAMED how many of\n"
	"them a call site is blamed for (see 'pinblame blame').\n"
	"\n"
	"Exit: 0 ok, 1 failures listed with --exit-code, 2 usage, 3 unreadable\n"
	"noise file, 4 store error.\n";

/* "comm[pid]", or "-" when the task is not known. */
static void task_text(const json_t *f, char *buf, size_t len)
{
	if (pb_json_int(f, "pid", -1) >= 0)
		snprintf(buf, len, "%s[%lld]", pb_json_str(f, "comm", "?"), pb_json_int(f, "pid", -1));
	else
		snprintf(buf, len, "-");
}

/* Columns as wide as their longest value: a comm of 15 characters and a
 * pid, a time in seconds since the epoch (a log with dates). */
struct widths {
	int ts, task;
};

/* After the outcome: "nowarn", and the kernel's error code when it gave
 * one ("EBUSY", or "-N" for a code without a name). */
static void outcome_flags(const json_t *f, char *buf, size_t len)
{
	const char *nowarn = json_is_true(json_object_get(f, "nowarn")) ? "nowarn" : "";
	const char *name = pb_json_str(f, "errno_name", NULL);

	if (!json_is_integer(json_object_get(f, "errno")))
		snprintf(buf, len, "%s", nowarn);
	else if (name)
		snprintf(buf, len, "%s%s%s", nowarn, *nowarn ? " " : "", name);
	else
		snprintf(buf, len, "%s%s%lld", nowarn, *nowarn ? " " : "",
			 pb_json_int(f, "errno", 0));
}

static void print_failure(const json_t *f, const struct widths *w)
{
	char ts[32], task[48], pfns[48] = "-", flags[48];
	const char *what = pb_json_str(f, "area", NULL);
	long long start = pb_json_int(f, "start_pfn", -1), end = pb_json_int(f, "end_pfn", -1);

	pb_format_ts(ts, sizeof(ts), pb_json_int(f, "ts_ns", -1));
	task_text(f, task, sizeof(task));
	if (start >= 0)
		snprintf(pfns, sizeof(pfns), "0x%llx-0x%llx", start, end);
	if (!what)
		what = pb_json_str(f, "reason", "-");
	outcome_flags(f, flags, sizeof(flags));
	printf("%4lld  %*s  %-12s  %-14s  %-*s  %-9s %-6s  %6lld  %4zu  %6lld  %s\n",
	       pb_json_int(f, "id", 0), w->ts, ts, pb_json_str(f, "kind", "?"), what, w->task, task,
	       pb_json_str(f, "outcome", "?"), flags, pb_json_int(f, "busy_ranges", 0), json_array_size(json_object_get(f, "busy_pfns")),
	       pb_json_int(f, "attributed_pfns", 0), pfns);
}

static void print_failures(const json_t *list)
{
	size_t i, final = 0;
	struct widths w = { 12, 16 };
	char text[48];
	json_t *f;

	if (!json_array_size(list)) {
		printf("no failures\n");
		return;
	}
	json_array_foreach(list, i, f) {
		task_text(f, text, sizeof(text));
		if ((int)strlen(text) > w.task)
			w.task = (int)strlen(text);
		pb_format_ts(text, sizeof(text), pb_json_int(f, "ts_ns", -1));
		if ((int)strlen(text) > w.ts)
			w.ts = (int)strlen(text);
	}
	printf("%4s  %*s  %-12s  %-14s  %-*s  %-16s  %6s  %4s  %6s  %s\n", "ID", w.ts, "TIME",
	       "KIND", "AREA/REASON", w.task, "TASK", "OUTCOME", "RANGES", "BUSY", "BLAMED",
	       "PFNS");
	json_array_foreach(list, i, f) {
		print_failure(f, &w);
		final += !strcmp(pb_json_str(f, "outcome", ""), "final");
	}
	printf("%zu failure%s: %zu final, %zu recovered\n", json_array_size(list),
	       json_array_size(list) == 1 ? "" : "s", final, json_array_size(list) - final);
}

int cmd_failures(int argc, char **argv, const struct pb_globals *g)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "reason", required_argument, NULL, 'r' },
		{ "area", required_argument, NULL, 'a' },
		{ "exit-code", no_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		PB_ANALYZE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct pb_analyze_opts o = { .since_ns = -1, .until_ns = -1 };
	const char *reason = NULL, *area = NULL;
	int c, help = 0, json = 0, exit_code = 0, rc = PB_EXIT_OK;
	struct pb_store *s;
	json_t *res, *list;

	while ((c = pb_getopt(argc, argv, "h", longopts, failures_usage, &help)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'r': reason = optarg; break;
		case 'a': area = optarg; break;
		case 'x': exit_code = 1; break;
		case 'h': return pb_usage(failures_usage, PB_EXIT_OK);
		case '?': return PB_EXIT_USAGE;
		default:
			if (pb_analyze_option(c, optarg, &o) < 0)
				return pb_usage(failures_usage, PB_EXIT_USAGE);
		}
	}
	if (optind != argc)
		return pb_usage_operand(argv[optind], failures_usage);
	s = pb_open_analysis(g->db_path, &o, &rc);
	if (!s)
		return rc;
	res = pb_analyze_failures(s, &o, reason, area);
	pb_store_close(s);
	if (!res)
		return PB_EXIT_STORE;
	list = json_object_get(res, "failures");
	if (json)
		pb_json_write(stdout, res);
	else
		print_failures(list);
	if (exit_code && json_array_size(list))
		rc = PB_EXIT_BREACH;
	json_decref(res);
	return rc;
}
