/* show.c - pinblame show: one failure's evidence chain, down to the source
 * files and lines of the events that prove it. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "pinblame/analyze.h"
#include "pinblame/render.h"

static const char show_usage[] =
	"usage: pinblame [-d DB] show [--json] [--noise FILE] [--no-default-noise]\n"
	"                FAILURE-ID\n"
	"\n"
	"Walks one failure (an id from 'pinblame failures') down to its evidence:\n"
	"the event that failed and its stack, the busy ranges and failed\n"
	"migrations, and for every busy page the holder candidates in rank order\n"
	"(the blamed one first, common paths marked) and the kernel log dumps of\n"
	"the page, each with the file and line it comes from.\n"
	"\n"
	"options:\n"
	"  --json            {\"schema\":\"pinblame.show/1\",\"failure\":{...},\"pages\":[...],...}\n"
	"  --noise FILE      more frames that are not call sites (see blame)\n"
	"  --no-default-noise  drop the built-in noise list\n"
	"  -h, --help        this help\n"
	"\n"
	"Exit: 0 ok, 2 usage or no such failure, 3 unreadable noise file,\n"
	"4 store error.\n";

static const char *ts(const json_t *o, const char *key, char *buf, size_t len)
{
	pb_format_ts(buf, len, pb_json_int(o, key, -1));
	return buf;
}

/* "file:line", or "" when unknown. */
static const char *where(const json_t *o, char *buf, size_t len)
{
	if (!pb_json_str(o, "source", NULL))
		return "";
	snprintf(buf, len, "%s:%lld", pb_json_str(o, "source", "?"), pb_json_int(o, "line", 0));
	return buf;
}

static void print_frames(const char *label, const json_t *frames)
{
	size_t i;
	json_t *f;

	if (!json_array_size(frames))
		return;
	printf("%s", label);
	json_array_foreach(frames, i, f)
		printf("%s%s", i ? " <- " : "", json_string_value(f));
	putchar('\n');
}

static void print_head(const json_t *res)
{
	const json_t *f = json_object_get(res, "failure");
	const json_t *mig = json_object_get(res, "migrations");
	const json_t *first = json_array_get(json_object_get(mig, "events"), 0);
	char t1[32], t2[32], at[512];

	printf("failure %lld: %s", pb_json_int(f, "id", 0), pb_json_str(f, "kind", "?"));
	if (pb_json_str(f, "area", NULL))
		printf(" on %s", pb_json_str(f, "area", ""));
	if (pb_json_str(f, "reason", NULL))
		printf(" (%s)", pb_json_str(f, "reason", ""));
	if (pb_json_int(f, "pid", -1) >= 0)
		printf(", %s[%lld]", pb_json_str(f, "comm", "?"), pb_json_int(f, "pid", -1));
	printf(", at %s (window %s-", ts(f, "ts_ns", t1, sizeof(t1)),
	       ts(f, "start_ts_ns", t2, sizeof(t2)));
	printf("%s), %s%s", ts(f, "end_ts_ns", t1, sizeof(t1)), pb_json_str(f, "outcome", "?"),
	       json_is_true(json_object_get(f, "nowarn")) ? ", nowarn" : "");
	/* the kernel's error code, when it gave one */
	if (json_is_integer(json_object_get(f, "errno")))
		printf(", %s (%lld)", pb_json_str(f, "errno_name", "error"),
		       pb_json_int(f, "errno", 0));
	printf("\n");
	printf("  event: %s\n", where(f, at, sizeof(at)));
	if (pb_json_int(f, "start_pfn", -1) >= 0)
		printf("  pfns 0x%llx-0x%llx, ", pb_json_int(f, "start_pfn", 0), pb_json_int(f, "end_pfn", 0));
	else
		printf("  ");
	printf("%lld pages; %lld busy ranges, %zu busy pages, %lld blamed\n",
	       pb_json_int(f, "pages", 0), pb_json_int(f, "busy_ranges", 0),
	       json_array_size(json_object_get(f, "busy_pfns")), pb_json_int(f, "attributed_pfns", 0));
	if (pb_json_int(mig, "failed", 0))
		printf("  failed migrations: %lld (%lld pages), first %s\n", pb_json_int(mig, "failed", 0),
		       pb_json_int(mig, "pages", 0), where(first, at, sizeof(at)));
	print_frames("  stack: ", json_object_get(res, "stack"));
}

static void print_callsites(const json_t *rows)
{
	size_t i;
	json_t *r;

	if (!json_array_size(rows))
		return;
	printf("\ncall sites:\n");
	json_array_foreach(rows, i, r) {
		printf("  %lld  %s", pb_json_int(r, "rank", 0), pb_json_str(r, "callsite", "?"));
		if (pb_json_str(r, "module", NULL))
			printf(" [%s]", pb_json_str(r, "module", ""));
		printf("  %lld page%s, %s\n", pb_json_int(r, "pages", 0),
		       pb_json_int(r, "pages", 0) == 1 ? "" : "s",
		       pb_json_str(r, "confidence", "?"));
	}
}

/* Stacks already printed, so that each is printed once. */
struct seen_stacks {
	long long ids[64];
	size_t n;
};

static int seen_before(struct seen_stacks *seen, long long id)
{
	for (size_t i = 0; i < seen->n; i++)
		if (seen->ids[i] == id)
			return 1;
	if (seen->n < PB_ARRAY_SIZE(seen->ids))
		seen->ids[seen->n++] = id;
	return 0;
}

static void print_cand(const json_t *c, struct seen_stacks *seen)
{
	long long stack_id = pb_json_int(c, "stack_id", 0);
	char t[32], task[64] = "", at[512];
	const char *noise = pb_json_str(c, "noise", NULL);

	if (pb_json_int(c, "pid", -1) >= 0)
		snprintf(task, sizeof(task), " by %s[%lld]", pb_json_str(c, "comm", "?"),
			 pb_json_int(c, "pid", -1));
	printf("    #%lld %-8s %s", pb_json_int(c, "rank", 0),
	       json_is_true(json_object_get(c, "blamed")) ? "blamed" : noise ? noise : "",
	       pb_json_str(c, "callsite", "?"));
	if (pb_json_str(c, "module", NULL))
		printf(" [%s]", pb_json_str(c, "module", ""));
	printf(" (%s, %s) at %s%s  %s %s\n", pb_json_str(c, "kind", "?"),
	       pb_json_str(c, "confidence", "?"),
	       ts(c, "ts_ns", t, sizeof(t)), task, where(c, at, sizeof(at)),
	       pb_json_str(c, "event", ""));
	if (!json_array_size(json_object_get(c, "stack")))
		return;
	printf("       stack %lld%s", stack_id,
	       json_is_true(json_object_get(c, "inherited_stack"))
	       ? " (inherited from an earlier hit of this probe and task)" : "");
	if (seen_before(seen, stack_id))
		printf(", as above\n");
	else
		print_frames(": ", json_object_get(c, "stack"));
}

static void print_dump(const json_t *d)
{
	char t[32], at[512];

	printf("    dump at %s: refcount %lld mapcount %lld", ts(d, "ts_ns", t, sizeof(t)),
	       pb_json_int(d, "refcount", -1), pb_json_int(d, "mapcount", -1));
	if (pb_json_str(d, "file", NULL))
		printf(" file %s", pb_json_str(d, "file", ""));
	if (pb_json_str(d, "index", NULL))
		printf(" index %s", pb_json_str(d, "index", ""));
	printf("  %s\n", where(d, at, sizeof(at)));
}

static void print_pages(const json_t *pages)
{
	struct seen_stacks seen = { .n = 0 };
	size_t i, j;
	json_t *p, *x;
	char t[32], at[512];

	if (!json_array_size(pages))
		return;
	printf("\nbusy pages:\n");
	json_array_foreach(pages, i, p) {
		const json_t *cands = json_object_get(p, "candidates");

		printf("  pfn 0x%llx: %s at %s  %s\n", pb_json_int(p, "pfn", 0), pb_json_str(p, "how", "?"),
		       ts(p, "ts_ns", t, sizeof(t)), where(p, at, sizeof(at)));
		json_array_foreach(cands, j, x)
			print_cand(x, &seen);
		json_array_foreach(json_object_get(p, "dumps"), j, x)
			print_dump(x);
		if (!json_array_size(cands))
			printf("    no holder evidence\n");
	}
}

int cmd_show(int argc, char **argv, const struct pb_globals *g)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		PB_ANALYZE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct pb_analyze_opts o = { .since_ns = -1, .until_ns = -1 };
	int c, help = 0, json = 0, rc;
	struct pb_store *s;
	long long id;
	char *end;
	json_t *res;

	while ((c = pb_getopt(argc, argv, "h", longopts, show_usage, &help)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'h': return pb_usage(show_usage, PB_EXIT_OK);
		case '?': return PB_EXIT_USAGE;
		default:
			if (pb_analyze_option(c, optarg, &o) < 0)
				return pb_usage(show_usage, PB_EXIT_USAGE);
		}
	}
	if (optind != argc - 1) {
		pb_error(optind == argc ? "no failure id given" : "give one failure id");
		return pb_usage(show_usage, PB_EXIT_USAGE);
	}
	id = strtoll(argv[optind], &end, 10);
	if (!*argv[optind] || *end || id <= 0) {
		pb_error("'%s' is not a failure id", argv[optind]);
		return pb_usage(show_usage, PB_EXIT_USAGE);
	}
	s = pb_open_analysis(g->db_path, &o, &rc);
	if (!s)
		return rc;
	res = pb_analyze_show(s, &o, id);
	rc = pb_store_failed(s) ? PB_EXIT_STORE : PB_EXIT_OK;
	pb_store_close(s);
	if (rc)
		return rc;
	if (!res) {
		pb_error("no failure %lld (see 'pinblame failures')", id);
		return PB_EXIT_USAGE;
	}
	if (json) {
		pb_json_write(stdout, res);
	} else {
		print_head(res);
		print_callsites(json_object_get(res, "callsites"));
		print_pages(json_object_get(res, "pages"));
	}
	json_decref(res);
	return PB_EXIT_OK;
}
