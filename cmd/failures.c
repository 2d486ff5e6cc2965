/* failures.c - pinblame failures: the failed contiguous allocations, busy
 * ranges and migration failures, one per line. */
#include <string.h>

#include "cmd.h"
#include "pinblame/analyze.h"
#include "pinblame/render.h"

static const struct pb_usage failures_usage = {
	.synopsis = "failures [--json] [--reason R] [--area NAME] [--outcome O]\n"
		    "[--since S] [--until S] [--exit-code]\n"
		    "[--noise FILE] [--no-default-noise]",
	.about = "Lists the failures in the store, in time order: failed CMA allocations\n"
		 "(cma_alloc), contiguous allocations outside CMA (alloc_contig: hugetlb's\n"
		 "alloc_contig_pages fallback), failed migrations by reason (migrate:\n"
		 "compaction, longterm_pin, memory_hotplug, ...), busy ranges outside any\n"
		 "allocation (busy_range) and page_pinner failures (page_pinner). Each has\n"
		 "an outcome: final, recovered when the task got its memory another way\n"
		 "soon after, or unknown when a kernel log's busy lines are all there is;\n"
		 "'nowarn' marks callers that asked not to be warned.\n",
	.footer = "Columns: BUSY is the number of busy pages found, BLAMED how many of\n"
		  "them a call site is blamed for (see 'pinblame blame').\n"
		  "\n"
		  "Exit: 0 ok, 1 failures listed with --exit-code, 2 usage (an --area or\n"
		  "--reason the store does not have), 3 unreadable noise file or no traces\n"
		  "imported, 4 store error.\n",
};

/* "comm[pid]", or "-" when the task is not known; escaped here rather
 * than by the stream, so that the column's width is known. */
static const char *task_text(const json_t *f, struct pb_buf *shown)
{
	struct pb_buf task = { 0 };

	if (pb_json_int(f, "pid", -1) >= 0)
		pb_buf_addf(&task, "%s[%lld]", pb_json_str(f, "comm", "?"),
			    pb_json_int(f, "pid", -1));
	else
		pb_buf_adds(&task, "-");
	pb_term_str(shown, pb_buf_str(&task));
	pb_buf_free(&task);
	return pb_buf_str(shown);
}

/* The area, else the reason, escaped as task_text() does. */
static const char *area_text(const json_t *f, struct pb_buf *shown)
{
	const char *what = pb_json_str(f, "area", NULL);

	return pb_term_str(shown, what ? what : pb_json_str(f, "reason", "-"));
}

/* TEXT, then spaces to WIDTH columns. */
static void print_padded(const char *text, int width)
{
	int w = pb_text_width(text);

	printf("%s%*s", text, w < width ? width - w : 0, "");
}

/* Columns as wide as their longest value: a comm of 15 characters and a
 * pid, the date of a log that prints dates; SOURCE (the file as imported)
 * only when the failures listed come from more than one, so that those of
 * unrelated captures in one store are told apart. */
struct widths {
	int ts, area, task, pfns, sources;
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

/* When F failed, as its source's clock prints it. */
static void failure_time(const json_t *f, char *buf, size_t len)
{
	pb_format_time(buf, len, pb_json_int(f, "ts_ns", -1), pb_json_str(f, "clock", NULL));
}

/* "0x100000-0x140000", or "-" when the failure has no range. */
static void pfns_text(const json_t *f, char *buf, size_t len)
{
	long long start = pb_json_int(f, "start_pfn", -1), end = pb_json_int(f, "end_pfn", -1);

	if (start >= 0)
		snprintf(buf, len, "0x%llx-0x%llx", start, end);
	else
		snprintf(buf, len, "-");
}

static void print_failure(const json_t *f, const struct widths *w)
{
	char ts[48], pfns[48], flags[48];
	struct pb_buf shown = { 0 };

	failure_time(f, ts, sizeof(ts));
	pfns_text(f, pfns, sizeof(pfns));
	outcome_flags(f, flags, sizeof(flags));
	printf("%4lld  %*s  %-12s  ", pb_json_int(f, "id", 0), w->ts, ts,
	       pb_json_str(f, "kind", "?"));
	print_padded(area_text(f, &shown), w->area);
	fputs("  ", stdout);
	print_padded(task_text(f, &shown), w->task);
	printf("  %-9s %-6s  %6lld  %4zu  %6lld  %-*s", pb_json_str(f, "outcome", "?"), flags,
	       pb_json_int(f, "busy_ranges", 0), json_array_size(json_object_get(f, "busy_pfns")),
	       pb_json_int(f, "attributed_pfns", 0), w->sources ? w->pfns : 0, pfns);
	/* a file name is one line: its newlines escaped too */
	if (w->sources)
		printf("  %s", pb_term_str(&shown, pb_json_str(f, "source", "-")));
	pb_buf_free(&shown);
	putchar('\n');
}

/* Whether the failures of LIST come from more than one source file. */
static int several_sources(const json_t *list)
{
	const char *first = pb_json_str(json_array_get(list, 0), "source", "");
	const json_t *f;
	size_t i;

	json_array_foreach(list, i, f)
		if (strcmp(pb_json_str(f, "source", ""), first))
			return 1;
	return 0;
}

static void print_failures(const json_t *list)
{
	size_t i;
	struct pb_outcome_counts n;
	struct widths w = { 12, 14, 16, 4, several_sources(list) };
	struct pb_buf shown = { 0 };
	char text[48];
	json_t *f;

	if (!json_array_size(list)) {
		printf("no failures\n");
		return;
	}
	json_array_foreach(list, i, f) {
		if (pb_text_width(task_text(f, &shown)) > w.task)
			w.task = pb_text_width(pb_buf_str(&shown));
		if (pb_text_width(area_text(f, &shown)) > w.area)
			w.area = pb_text_width(pb_buf_str(&shown));
		failure_time(f, text, sizeof(text));
		if ((int)strlen(text) > w.ts)
			w.ts = (int)strlen(text);
		pfns_text(f, text, sizeof(text));
		if ((int)strlen(text) > w.pfns)
			w.pfns = (int)strlen(text);
	}
	pb_buf_free(&shown);
	printf("%4s  %*s  %-12s  %-*s  %-*s  %-16s  %6s  %4s  %6s  %-*s%s\n", "ID", w.ts, "TIME",
	       "KIND", w.area, "AREA/REASON", w.task, "TASK", "OUTCOME", "RANGES", "BUSY", "BLAMED",
	       w.sources ? w.pfns : 0, "PFNS", w.sources ? "  SOURCE" : "");
	json_array_foreach(list, i, f)
		print_failure(f, &w);
	n = pb_count_outcomes(list);
	printf("%zu failure%s: %lld final, %lld recovered", json_array_size(list),
	       json_array_size(list) == 1 ? "" : "s", n.final, n.recovered);
	/* only when a kernel log left some untold: the line reads as before */
	if (n.unknown)
		printf(", %lld of unknown outcome", n.unknown);
	putchar('\n');
}

/* Adds V to the list KNOWN (" a, b,") unless there; whether V is NAME. */
static int note_name(struct pb_buf *known, const char *v, const char *name)
{
	struct pb_buf needle = { 0 };

	if (!v)
		return 0;
	pb_buf_addf(&needle, " %s,", v);
	if (!strstr(pb_buf_str(known), pb_buf_str(&needle)))
		pb_buf_add(known, needle.data, needle.len);
	pb_buf_free(&needle);
	return !strcmp(v, name);
}

/* Whether NAME is the KEY (or KEY2) of a failure in LIST; when not, says
 * which names there are (KNOWN, " a, b,", holds those known otherwise): a
 * typo must not pass for "no failure". */
static int known_name(const json_t *list, const char *key, const char *key2,
		      const char *name, const char *opt, struct pb_buf *known)
{
	const json_t *f;
	size_t i;
	int found = 0;

	json_array_foreach(list, i, f) {
		found |= note_name(known, pb_json_str(f, key, NULL), name);
		if (key2)
			found |= note_name(known, pb_json_str(f, key2, NULL), name);
	}
	if (!found) {
		if (known->len)
			known->data[--known->len] = '\0';
		pb_error("--%s %s: no failure has it; the store has:%s", opt, name,
			 known->len ? pb_buf_str(known) : " none");
	}
	return found;
}

/* Whether NAME is a kind of failure or a reason of the kernel's enum
 * migrate_reason: a gate on one that did not fail this time passes
 * (`failures --reason longterm_pin --exit-code` exits 0 on a good run). */
static int known_reason(const char *name)
{
	static const char *const names[] = {
		"cma_alloc", "alloc_contig", "busy_range", "migrate", "page_pinner",
		"compaction", "memory_failure", "memory_hotplug", "syscall_or_cpuset",
		"mempolicy_mbind", "numa_misplaced", "contig_range", "longterm_pin",
		"demotion", "damon",
	};

	for (size_t i = 0; i < PB_ARRAY_SIZE(names); i++)
		if (!strcmp(names[i], name))
			return 1;
	return 0;
}

/* Notes in KNOWN the areas the store allocated from, failed or not; whether
 * NAME is one of them, or -1 on a store error (printed). */
static int note_cma_areas(struct pb_store *s, struct pb_buf *known, const char *name)
{
	json_t *areas = pb_analyze_cma_areas(s);
	const json_t *area;
	size_t i;
	int found = 0;

	if (!areas)
		return -1;
	json_array_foreach(areas, i, area)
		found |= note_name(known, json_string_value(area), name);
	json_decref(areas);
	return found;
}

/* --area and --reason name what the store has: an area it allocated from
 * or a kind or reason pinblame knows, which merely had no failure; else a
 * name among all failures, whatever the window. */
static int check_names(struct pb_store *s, const struct pb_analyze_opts *o,
		       const char *reason, const char *area)
{
	struct pb_analyze_opts any = { o->noise_file, o->no_default_noise, -1, -1 };
	struct pb_buf areas = { 0 }, reasons = { 0 };
	int area_known = area ? note_cma_areas(s, &areas, area) : 1;
	int rc = PB_EXIT_OK;
	json_t *all;
	const json_t *list;

	if (area_known < 0)
		rc = PB_EXIT_STORE;
	else if (!area_known || (reason && !known_reason(reason))) {
		all = pb_analyze_failures(s, &any, NULL, NULL);
		list = json_object_get(all, "failures");
		if (!all)
			rc = PB_EXIT_STORE;
		else if (!area_known && !known_name(list, "area", NULL, area, "area", &areas))
			rc = PB_EXIT_USAGE;
		/* a reason is a migration's reason, or a kind of failure */
		else if (reason && !known_reason(reason) &&
			 !known_name(list, "kind", "reason", reason, "reason", &reasons))
			rc = PB_EXIT_USAGE;
		json_decref(all);
	}
	pb_buf_free(&areas);
	pb_buf_free(&reasons);
	return rc;
}

/* Leaves in LIST the failures of OUTCOME (final, recovered, unknown). */
static void keep_outcome(json_t *list, const char *outcome)
{
	for (size_t i = json_array_size(list); i-- > 0;)
		if (strcmp(pb_json_str(json_array_get(list, i), "outcome", ""), outcome))
			json_array_remove(list, i);
}

int cmd_failures(int argc, char **argv, const struct pb_globals *g)
{
	struct pb_analyze_opts o = { .since_ns = -1, .until_ns = -1 };
	const char *reason = NULL, *area = NULL, *outcome = NULL;
	int json = 0, exit_code = 0, rc = PB_EXIT_OK;
	const struct pb_option options[] = {
		PB_OPT_BOOL(0, "json", &json, "{\"schema\":\"pinblame.failures/1\",\"failures\":[...]}"),
		PB_OPT_STRING(0, "reason", &reason, "R", "only failures of this kind or migrate reason"),
		PB_OPT_STRING(0, "area", &area, "NAME", "only failures on this CMA area"),
		PB_OPT_STRING(0, "outcome", &outcome, "O",
			      "only failures of this outcome: final, recovered or unknown"),
		PB_OPT_BOOL(0, "exit-code", &exit_code, "exit 1 when a failure is listed"),
		PB_OPTS_ANALYSIS(&o),
		PB_OPT_END(),
	};
	int at = pb_parse_options(argc, argv, options, &failures_usage, &rc);
	struct pb_store *s;
	json_t *res, *list;

	if (at < 0)
		return rc;
	if (at != argc)
		return pb_unexpected_operand(argv[at]);
	/* kernels before 4.18 print MR_CMA, which 4.18 renamed contig_range:
	 * the store keeps the one name, the user may know the other */
	if (reason && !strcmp(reason, "cma"))
		reason = "contig_range";
	if (outcome && strcmp(outcome, "final") && strcmp(outcome, "recovered") &&
	    strcmp(outcome, "unknown")) {
		pb_error("--outcome is final, recovered or unknown, not '%s'", outcome);
		return pb_see_help();
	}
	s = pb_open_analysis(g->db_path, &o, &rc);
	if (!s)
		return rc;
	res = pb_analyze_failures(s, &o, reason, area);
	list = json_object_get(res, "failures");
	if (res && !json_array_size(list) && (reason || area))
		rc = check_names(s, &o, reason, area);
	pb_store_close(s);
	if (!res)
		return PB_EXIT_STORE;
	if (rc != PB_EXIT_OK) {
		json_decref(res);
		return rc;
	}
	if (outcome)
		keep_outcome(list, outcome);
	if (json)
		pb_json_write(stdout, res);
	else
		print_failures(list);
	if (exit_code && json_array_size(list))
		rc = PB_EXIT_BREACH;
	json_decref(res);
	return rc;
}
