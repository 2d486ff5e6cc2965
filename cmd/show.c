/* show.c - pinblame show: one failure's evidence chain, down to the source
 * files and lines of the events that prove it. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "pinblame/analyze.h"
#include "pinblame/render.h"

static const struct pb_usage show_usage = {
	.synopsis = "show [--json] [--pages] [--noise FILE] [--no-default-noise]\n"
		    "FAILURE-ID | FILE:LINE",
	.about = "Walks one failure (an id from 'pinblame failures', or the FILE:LINE of\n"
		 "its event, which another import does not renumber) down to its evidence:\n"
		 "the event that failed and its stack, the busy ranges and failed\n"
		 "migrations, then one block per blamed call site: the pages it held as\n"
		 "pfn ranges, an example stack and the first evidence line (file:line),\n"
		 "and the pages no call site is blamed for. --pages lists every busy page\n"
		 "instead, with its holder candidates in rank order (the blamed one\n"
		 "first, common paths marked) and the kernel log dumps of the page.\n",
	.footer = "Exit: 0 ok, 2 usage or no such failure, 3 unreadable noise file or\n"
		  "no traces imported, 4 store error.\n",
};

static const char *where(const json_t *o, char *buf, size_t len);

/* The clock of the failure shown (NULL: the kernel's): its evidence is
 * of the same boot, so of the same clock (analyze_int.h, same_boot()). */
static const char *shown_clock;

static const char *ts(const json_t *o, const char *key, char *buf, size_t len)
{
	pb_format_time(buf, len, pb_json_int(o, key, -1), shown_clock);
	return buf;
}

/* "range A-B (N pages)": the size of the range itself; the pages asked
 * for beside it when they differ (a cma_alloc() of 1024 pages tried
 * ranges of 2048), else nothing: the failure's own pages are the busy
 * and failed ones the next lines count. */
static void print_range(const json_t *f)
{
	long long range = pb_json_int(f, "range_pages", -1);
	long long asked = pb_json_int(f, "requested_pages", -1);

	if (pb_json_int(f, "start_pfn", -1) < 0)
		return;
	printf("  range 0x%llx-0x%llx (%lld page%s", pb_json_int(f, "start_pfn", 0),
	       pb_json_int(f, "end_pfn", 0), range, range == 1 ? "" : "s");
	if (asked >= 0 && asked != range)
		printf("; %lld page%s requested", asked, asked == 1 ? "" : "s");
	if (json_object_get(f, "offline"))
		printf("; the memory block offlined");
	printf(")\n");
}

/* Why offline_pages() gave up on the block, as the kernel log said. */
static void print_offline(const json_t *f)
{
	const json_t *off = json_object_get(f, "offline");
	char at[512];

	if (!off)
		return;
	printf("  memory offlining failed due to %s  %s\n",
	       pb_json_str(off, "reason", "(no reason printed: before 4.20)"),
	       where(off, at, sizeof(at)));
}

/* "file:line", or "" when unknown. */
static const char *where(const json_t *o, char *buf, size_t len)
{
	struct pb_buf shown = { 0 };

	if (!pb_json_str(o, "source", NULL))
		return "";
	/* a file name is one line: its newlines escaped too */
	snprintf(buf, len, "%s:%lld", pb_term_str(&shown, pb_json_str(o, "source", "?")),
		 pb_json_int(o, "line", 0));
	pb_buf_free(&shown);
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
	const json_t *first = json_array_get(json_object_get(mig, "listed"), 0);
	long long ranges = pb_json_int(f, "busy_ranges", 0);
	size_t busy = json_array_size(json_object_get(f, "busy_pfns"));
	char t1[48], t2[48], at[512];

	shown_clock = pb_json_str(f, "clock", NULL);
	printf("failure %lld: %s", pb_json_int(f, "id", 0), pb_json_str(f, "kind", "?"));
	if (pb_json_str(f, "area", NULL))
		printf(" on %s", pb_json_str(f, "area", ""));
	if (pb_json_str(f, "reason", NULL))
		printf(" (%s)", pb_json_str(f, "reason", ""));
	if (pb_json_int(f, "pid", -1) >= 0)
		printf(", %s[%lld]", pb_json_str(f, "comm", "?"), pb_json_int(f, "pid", -1));
	/* a date has dashes of its own */
	printf(", at %s (window %s%s", ts(f, "ts_ns", t1, sizeof(t1)),
	       ts(f, "start_ts_ns", t2, sizeof(t2)), shown_clock ? " .. " : "-");
	printf("%s), %s%s", ts(f, "end_ts_ns", t1, sizeof(t1)), pb_json_str(f, "outcome", "?"),
	       json_is_true(json_object_get(f, "nowarn")) ? ", nowarn" : "");
	/* the kernel's error code, when it gave one */
	if (json_is_integer(json_object_get(f, "errno")))
		printf(", %s (%lld)", pb_json_str(f, "errno_name", "error"),
		       pb_json_int(f, "errno", 0));
	printf("\n");
	printf("  event: %s\n", where(f, at, sizeof(at)));
	if (shown_clock && !strcmp(shown_clock, "counter"))
		printf("  times: ticks of the trace's clock (counter, x86-tsc, uptime), not seconds:\n"
		       "  its attempts are cut by the order of the task's events, never by a pause\n");
	print_range(f);
	print_offline(f);
	printf("  %lld busy range%s; %zu busy page%s, %lld of them blamed\n", ranges,
	       pb_plural(ranges), busy, pb_plural((long long)busy),
	       pb_json_int(f, "attributed_pfns", 0));
	if (pb_json_int(mig, "failed", 0))
		printf("  failed migrations: %lld (%lld page%s), first %s\n", pb_json_int(mig, "failed", 0),
		       pb_json_int(mig, "pages", 0), pb_plural(pb_json_int(mig, "pages", 0)),
		       where(first, at, sizeof(at)));
	print_frames("  stack: ", json_object_get(res, "stack"));
}

/* "callsite [module]" of call site or candidate O, appended to B. */
static const char *site_name(struct pb_buf *b, const json_t *o)
{
	return pb_site_name(b, pb_json_str(o, "callsite", "?"), pb_json_str(o, "module", NULL));
}

static void print_callsites(const json_t *rows)
{
	struct pb_buf name = { 0 };
	size_t i;
	json_t *r;

	if (!json_array_size(rows))
		return;
	printf("\ncall sites:\n");
	json_array_foreach(rows, i, r) {
		pb_buf_reset(&name);
		printf("  %lld  %s  %lld page%s, %s\n", pb_json_int(r, "rank", 0),
		       site_name(&name, r), pb_json_int(r, "pages", 0),
		       pb_json_int(r, "pages", 0) == 1 ? "" : "s",
		       pb_json_str(r, "confidence", "?"));
	}
	pb_buf_free(&name);
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
	struct pb_buf name = { 0 };
	char t[48], task[64] = "", at[512];
	const char *noise = pb_json_str(c, "noise", NULL);

	if (pb_json_int(c, "pid", -1) >= 0)
		snprintf(task, sizeof(task), " by %s[%lld]", pb_json_str(c, "comm", "?"),
			 pb_json_int(c, "pid", -1));
	printf("    #%lld %-8s %s", pb_json_int(c, "rank", 0),
	       json_is_true(json_object_get(c, "blamed")) ? "blamed" : noise ? noise : "",
	       site_name(&name, c));
	pb_buf_free(&name);
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

/* The FOLL_PIN pins a dump's count shows, on a line of their own after
 * INDENT, then TAIL, then the dump's file:line unless AT is NULL. */
static void print_pins(const json_t *d, const char *indent, const char *tail, const char *at)
{
	struct pb_buf b = { 0 };

	if (pb_pins_reading(&b, pb_json_int(d, "refcount", 0), pb_json_int(d, "pins", 0)))
		printf("%s%s%s%s%s\n", indent, pb_buf_str(&b), tail, at ? "  " : "", at ? at : "");
	pb_buf_free(&b);
}

/* Whether the dump D read as no FOLL_PIN pin ("pins": 0; null when the
 * dump cannot tell). */
static int dump_shows_no_pin(const json_t *d)
{
	const json_t *pins = json_object_get(d, "pins");

	return json_is_integer(pins) && json_integer_value(pins) == 0;
}

static void print_dump(const json_t *d)
{
	char t[48], at[512];

	printf("    dump at %s: refcount %lld mapcount %lld", ts(d, "ts_ns", t, sizeof(t)),
	       pb_json_int(d, "refcount", -1), pb_json_int(d, "mapcount", -1));
	if (pb_json_str(d, "file", NULL))
		printf(" file %s", pb_json_str(d, "file", ""));
	if (pb_json_str(d, "index", NULL))
		printf(" index %s", pb_json_str(d, "index", ""));
	printf("  %s\n", where(d, at, sizeof(at)));
	print_pins(d, "      ", ": a pin_user_pages() caller holds the page (a driver's DMA, "
		   "vfio, RDMA, io_uring registered buffers)", NULL);
	if (dump_shows_no_pin(d))
		printf("      no FOLL_PIN pin in its count: plain references hold it "
		       "(get_user_pages(), get_page()), not pin_user_pages()\n");
}

/* A get of the page that is no candidate: its own task's put brought the
 * count back before the page was found busy. */
static void print_given_back_get(const json_t *g)
{
	const json_t *put = json_object_get(g, "put");
	struct pb_buf name = { 0 };
	char t[48], at[512];

	printf("    not blamed: %s val=%lld count=%lld at %s by %s[%lld] from %s  %s\n",
	       pb_json_str(g, "kind", "?"), pb_json_int(g, "val", 0), pb_json_int(g, "refcount", 0),
	       ts(g, "ts_ns", t, sizeof(t)), pb_json_str(g, "comm", "?"), pb_json_int(g, "pid", -1),
	       site_name(&name, g), where(g, at, sizeof(at)));
	printf("      given back at %s by a put in the same task (%s)\n",
	       ts(put, "ts_ns", t, sizeof(t)), where(put, at, sizeof(at)));
	pb_buf_free(&name);
}

/* The gets of a page given back before the failure, which a reader finds
 * in the trace and would take for holders: the nearest listed. */
static void print_given_back(const json_t *page)
{
	const json_t *gb = json_object_get(page, "given_back");
	const json_t *listed = json_object_get(gb, "listed"), *g;
	long long more = pb_json_int(gb, "count", 0) - (long long)json_array_size(listed);
	size_t i;

	if (more > 0)
		printf("    not blamed: %lld earlier get%s given back by %s own task\n", more,
		       pb_plural(more), more == 1 ? "its" : "their");
	json_array_foreach(listed, i, g)
		print_given_back_get(g);
}

static void print_pages(const json_t *pages)
{
	struct seen_stacks seen = { .n = 0 };
	size_t i, j;
	json_t *p, *x;
	char t[48], at[512];

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
		print_given_back(p);
	}
}

/* The pages a call site held (or no call site: KEY NULL), in pfn order. */
struct page_group {
	const char *key;		/* "callsite [module]" */
	const json_t *first;		/* its first blamed candidate: evidence */
	const json_t *stack;		/* an example stack */
	long long *pfns;
	size_t n, cap;
	const json_t **pinned;		/* its pages whose dump shows a pin */
	size_t npinned, cappinned;
};

struct page_groups {
	struct page_group *v;
	size_t n, cap;
	struct page_group none;		/* pages no call site is blamed for */
	struct pb_buf keys;
};

static const json_t *blamed_cand(const json_t *page)
{
	const json_t *c;
	size_t i;

	json_array_foreach(json_object_get(page, "candidates"), i, c)
		if (json_is_true(json_object_get(c, "blamed")))
			return c;
	return NULL;
}

static struct page_group *group_of(struct page_groups *gs, const char *key)
{
	for (size_t i = 0; i < gs->n; i++)
		if (!strcmp(gs->v[i].key, key))
			return &gs->v[i];
	PB_GROW(gs->v, gs->n + 1, gs->cap);
	gs->v[gs->n] = (struct page_group){ .key = pb_strdup(key) };
	return &gs->v[gs->n++];
}

static void group_pages(struct page_groups *gs, const json_t *pages)
{
	const json_t *p;
	size_t i;

	json_array_foreach(pages, i, p) {
		const json_t *c = blamed_cand(p);
		struct page_group *grp = &gs->none;

		if (c) {
			pb_buf_reset(&gs->keys);
			grp = group_of(gs, site_name(&gs->keys, c));
			if (!grp->first)
				grp->first = c;
			if (!grp->stack && json_array_size(json_object_get(c, "stack")))
				grp->stack = json_object_get(c, "stack");
		}
		PB_GROW(grp->pfns, grp->n + 1, grp->cap);
		grp->pfns[grp->n++] = pb_json_int(p, "pfn", 0);
		if (c && pb_json_int(p, "pins", 0) > 0) {
			PB_GROW(grp->pinned, grp->npinned + 1, grp->cappinned);
			grp->pinned[grp->npinned++] = p;
		}
	}
}

static int cmp_pfn(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* "0x100-0x103, 0x200" from the group's pfns: consecutive ones as one. */
static void print_ranges(struct page_group *grp)
{
	qsort(grp->pfns, grp->n, sizeof(*grp->pfns), cmp_pfn);
	for (size_t i = 0, j; i < grp->n; i = j) {
		for (j = i + 1; j < grp->n && grp->pfns[j] <= grp->pfns[j - 1] + 1; j++)
			;
		printf("%s0x%llx", i ? ", " : "", grp->pfns[i]);
		if (grp->pfns[j - 1] != grp->pfns[i])
			printf("-0x%llx", grp->pfns[j - 1]);
	}
	putchar('\n');
}

/* Pages listed with the FOLL_PIN pins their dump shows, per call site or
 * among the pages none is blamed for; the rest: pinblame show --pages. */
#define SHOWN_PINNED 10

/* The pins the first dump of PAGE shows, on a line after INDENT: "pfn
 * 0x...: refcount 1026 = 1 pin ..." with TAIL and the dump's file:line. */
static void print_page_pins(const json_t *page, const char *indent, const char *tail)
{
	const json_t *d = json_array_get(json_object_get(page, "dumps"), 0);
	char at[512], pfn[96];

	snprintf(pfn, sizeof(pfn), "%spfn 0x%llx: ", indent, pb_json_int(page, "pfn", 0));
	print_pins(d, pfn, tail, where(d, at, sizeof(at)));
}

/* A blamed call site's pages whose dump shows a pin: the count says a
 * pin_user_pages() pin holds them, whatever the evidence that named the
 * site (a page_owner allocation, a get), which a reader weighs with it. */
static void print_group_pins(const struct page_group *grp)
{
	for (size_t i = 0; i < grp->npinned; i++) {
		if (i == SHOWN_PINNED) {
			printf("  (more pinned pages: pinblame show --pages)\n");
			break;
		}
		print_page_pins(grp->pinned[i], "  ", " in its dump");
	}
}

static void print_group(struct page_group *grp)
{
	char t[48], at[512];

	printf("\n%s: %zu page%s\n  pfns ", grp->key, grp->n, grp->n == 1 ? "" : "s");
	print_ranges(grp);
	print_frames("  stack: ", grp->stack);
	printf("  first evidence: %s %s (%s, %s) at %s\n", where(grp->first, at, sizeof(at)),
	       pb_json_str(grp->first, "event", ""), pb_json_str(grp->first, "kind", "?"),
	       pb_json_str(grp->first, "confidence", "?"), ts(grp->first, "ts_ns", t, sizeof(t)));
	print_group_pins(grp);
}

/* How many gets of the pages were given back before the failure: a reader
 * who finds one in the trace learns it was seen, and where to look. */
static void print_given_back_count(const json_t *pages)
{
	long long gets = 0, on = 0;
	const json_t *p;
	size_t i;

	json_array_foreach(pages, i, p) {
		long long n = pb_json_int(json_object_get(p, "given_back"), "count", 0);

		gets += n;
		on += n > 0;
	}
	if (gets)
		printf("\nnot blamed: %lld get%s on %lld page%s given back by %s own task "
		       "before the failure\n", gets, pb_plural(gets), on, pb_plural(on),
		       gets == 1 ? "its" : "their");
}

/* Pages no call site is blamed for whose dump shows a FOLL_PIN pin: the
 * holder is a pin_user_pages() caller (the first SHOWN_PINNED listed).
 * Those whose dump shows none are counted: their holders took plain
 * references, so no pin_user_pages() caller is to be looked for. */
static void print_unblamed_pins(const json_t *pages)
{
	const json_t *p;
	size_t i, shown = 0, unpinned = 0;

	json_array_foreach(pages, i, p) {
		if (blamed_cand(p))
			continue;
		unpinned += dump_shows_no_pin(json_array_get(json_object_get(p, "dumps"), 0));
		if (pb_json_int(p, "pins", 0) < 1)
			continue;
		if (shown < SHOWN_PINNED)
			print_page_pins(p, "  ", ": held by a pin_user_pages() caller");
		else if (shown == SHOWN_PINNED)
			printf("  (more pinned pages: pinblame show --pages)\n");
		shown++;
	}
	if (unpinned)
		printf("  %zu page%s whose dump shows no FOLL_PIN pin: held by plain references "
		       "(get_user_pages(), get_page()), not pin_user_pages()\n",
		       unpinned, pb_plural((long long)unpinned));
}

/* The default view: one block per blamed call site, then the rest. */
static void print_by_callsite(const json_t *pages)
{
	struct page_groups gs = { 0 };

	group_pages(&gs, pages);
	for (size_t i = 0; i < gs.n; i++) {
		print_group(&gs.v[i]);
		free((char *)gs.v[i].key);
		free(gs.v[i].pfns);
		free(gs.v[i].pinned);
	}
	if (gs.none.n) {
		printf("\nno call site blamed: %zu page%s\n  pfns ", gs.none.n,
		       gs.none.n == 1 ? "" : "s");
		print_ranges(&gs.none);
		print_unblamed_pins(pages);
	}
	print_given_back_count(pages);
	if (gs.n || gs.none.n)
		printf("\n(every page with its candidates: pinblame show --pages ID)\n");
	free(gs.none.pfns);
	free(gs.v);
	pb_buf_free(&gs.keys);
}

/* *ID of the failure whose event was read at REF, "FILE:LINE" (COLON at
 * its last ':', LINE its number): an exit code. */
static int failure_at(struct pb_store *s, const char *ref, const char *colon, uint64_t line,
		      long long *id)
{
	char *file = pb_strndup(ref, (size_t)(colon - ref));
	int64_t found = 0;
	int n = line <= INT64_MAX ? pb_analyze_failure_at(s, file, (int64_t)line, &found) : 0;

	if (n == 0)
		pb_error("no failure's event is at %s (see 'pinblame failures --json', "
			 "source and line)", ref);
	else if (n > 1)
		pb_warn("%d failures' events are at %s: showing the first, %lld", n, ref,
			(long long)found);
	free(file);
	*id = found;
	return n < 0 ? PB_EXIT_STORE : n == 0 ? PB_EXIT_USAGE : PB_EXIT_OK;
}

int cmd_show(int argc, char **argv, const struct pb_globals *g)
{
	struct pb_analyze_opts o = { .since_ns = -1, .until_ns = -1 };
	int json = 0, pages = 0, rc = PB_EXIT_OK;
	const struct pb_option options[] = {
		PB_OPT_BOOL(0, "json", &json,
			    "{\"schema\":\"pinblame.show/2\",\"failure\":{...},\"pages\":[...],...}"),
		PB_OPT_BOOL(0, "pages", &pages,
			    "every busy page with its holder candidates and dumps"),
		PB_OPT_STRING(0, "noise", &o.noise_file, "FILE",
			      "more frames that are not call sites (see blame)"),
		PB_OPT_BOOL(0, "no-default-noise", &o.no_default_noise,
			    "only the frames of --noise, not the built-in list"),
		PB_OPT_END(),
	};
	int at = pb_parse_options(argc, argv, options, &show_usage, &rc);
	struct pb_store *s;
	long long id;
	uint64_t n;
	json_t *res;
	const char *at_line;

	if (at < 0)
		return rc;
	if (at != argc - 1) {
		pb_error(at == argc ? "no failure id given" : "give one failure id");
		return pb_see_help();
	}
	at_line = strrchr(argv[at], ':');
	if (at_line ? pb_parse_u64(at_line + 1, strlen(at_line + 1), &n) < 0 || at_line == argv[at] :
		      pb_parse_u64(argv[at], strlen(argv[at]), &n) < 0 || n == 0 || n > LLONG_MAX) {
		pb_error("'%s' is not a failure id nor FILE:LINE", argv[at]);
		return pb_see_help();
	}
	id = (long long)n;
	s = pb_open_analysis(g->db_path, &o, &rc);
	if (!s)
		return rc;
	if (at_line && (rc = failure_at(s, argv[at], at_line, n, &id)) != PB_EXIT_OK) {
		pb_store_close(s);
		return rc;
	}
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
		if (pages)
			print_pages(json_object_get(res, "pages"));
		else
			print_by_callsite(json_object_get(res, "pages"));
	}
	json_decref(res);
	return PB_EXIT_OK;
}
