/* blame.c - pinblame blame: the call sites that held the pages of the
 * failures, ranked. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "pinblame/analyze.h"
#include "pinblame/render.h"

static const struct pb_usage blame_usage = {
	.synopsis = "blame [--json] [--top N] [--failure ID]\n"
		    "[--by callsite|stack|comm|module|source|kernel]\n"
		    "[--since S] [--until S] [--noise FILE] [--no-default-noise]",
	.about = "Ranks the call sites that held the busy pages of the failures, by the\n"
		 "failures they explain, then by the pages they held. For each busy page\n"
		 "the holder evidence (probe hits whose page= maps to the pfn, page_ref\n"
		 "and page_pinner events, kernel log dumps joined to file-offset probes)\n"
		 "is reduced to a call site: the first frame from the leaf that is not\n"
		 "noise. A page with several holders blames the one that is not a common\n"
		 "path. Pages without evidence are counted as unattributed, never guessed;\n"
		 "'hint:' lines on stderr then say what a capture would need to name them.\n",
	.footer = "Exit: 0 ok, 2 usage or no such failure, 3 unreadable noise file or no\n"
		  "traces imported, 4 store error.\n",
};

/* Whether FRAME ("func", "func.constprop.0", "func_noprof", "func [mod]")
 * is FUNC; a syscall's wrapper ("__x64_sys_X") is the call site
 * "__do_sys_X" that blame names after it. */
static int frame_is(const char *frame, const char *func)
{
	size_t n = strlen(func);
	const char *sys;

	if (!strncmp(frame, func, n) && (!frame[n] || frame[n] == ' ' || frame[n] == '.' ||
					 !strncmp(frame + n, "_noprof", 7)))
		return 1;
	if (strncmp(func, "__do_sys_", 9) || strncmp(frame, "__", 2) ||
	    !(sys = strstr(frame, "_sys_")))
		return 0;
	return frame_is(sys + 5, func + 9);
}

/* A few frames each side of the call site, leaf first. */
static void print_stack(const json_t *row)
{
	const json_t *stack = json_object_get(row, "stack");
	const char *callsite = pb_json_str(row, "callsite", "");
	size_t n = json_array_size(stack), at = n, from, to;

	for (size_t i = 0; i < n && at == n; i++)
		if (frame_is(json_string_value(json_array_get(stack, i)), callsite))
			at = i;
	if (at == n)
		return;
	from = at > 4 ? at - 4 : 0;
	to = at + 3 < n ? at + 3 : n - 1;
	printf("      %s", from ? "... <- " : "");
	for (size_t i = from; i <= to; i++)
		printf(i == at ? "[%s]%s" : "%s%s", json_string_value(json_array_get(stack, i)),
		       i < to ? " <- " : "");
	printf("%s\n", to < n - 1 ? " <- ..." : "");
}

static void print_evidence(const json_t *ev)
{
	const char *key;
	json_t *v;
	int first = 1;

	json_object_foreach((json_t *)ev, key, v) {
		printf("%s%s %lld", first ? "" : ", ", key, (long long)json_integer_value(v));
		first = 0;
	}
	putchar('\n');
}

/* Row R's name as the table shows it, in SHOWN: the call site with its
 * module, or the key of --by (a file name of --by source on one line),
 * escaped here rather than by the stream, so that its width is known. */
static const char *row_name(struct pb_buf *shown, const json_t *r, int by_callsite)
{
	struct pb_buf site = { 0 };
	const char *name = pb_json_str(r, "key", "?");

	if (by_callsite)
		name = pb_site_name(&site, pb_json_str(r, "callsite", "?"),
				    pb_json_str(r, "module", NULL));
	pb_term_str(shown, name);
	pb_buf_free(&site);
	return pb_buf_str(shown);
}

/* The name column: 32 wide, or as wide as the widest name, so that a
 * long module function or a file of --by source does not push its row's
 * numbers out from under their headers. */
static int name_width(const json_t *rows, int by_callsite)
{
	struct pb_buf shown = { 0 };
	const json_t *r;
	int width = 32;
	size_t i;

	json_array_foreach(rows, i, r) {
		int w = pb_text_width(row_name(&shown, r, by_callsite));

		if (w > width)
			width = w;
	}
	pb_buf_free(&shown);
	return width;
}

static void print_blame(const json_t *res)
{
	const json_t *rows = json_object_get(res, "callsites"), *r;
	int by_callsite = !strcmp(pb_json_str(res, "by", ""), "callsite"), width;
	struct pb_buf shown = { 0 };
	const char *name;
	size_t i;

	printf("%lld failure%s: %lld with a blamed holder, %lld unattributed; "
	       "%lld of %lld busy pages attributed\n", pb_json_int(res, "failures", 0),
	       pb_json_int(res, "failures", 0) == 1 ? "" : "s", pb_json_int(res, "attributed", 0),
	       pb_json_int(res, "unattributed", 0), pb_json_int(res, "attributed_pages", 0),
	       pb_json_int(res, "pages", 0));
	if (!json_array_size(rows))
		return;
	width = name_width(rows, by_callsite);
	printf("\n%4s  %-*s  %8s  %5s  %6s  %-10s  %s\n", "RANK", width,
	       by_callsite ? "CALL SITE" : "KEY", "FAILURES", "PAGES", "SHARE", "CONFIDENCE",
	       "EVIDENCE");
	json_array_foreach(rows, i, r) {
		name = row_name(&shown, r, by_callsite);
		printf("%4lld  %s%*s  %8lld  %5lld  %5.1f%%  %-10s  ", pb_json_int(r, "rank", 0),
		       name, width - pb_text_width(name), "", pb_json_int(r, "failures", 0),
		       pb_json_int(r, "pages", 0),
		       100 * json_real_value(json_object_get(r, "share")),
		       pb_json_str(r, "confidence", "?"));
		print_evidence(json_object_get(r, "evidence"));
		print_stack(r);
	}
	pb_buf_free(&shown);
}

/* What to capture next time, on stderr as git's hints are: why pages
 * went unattributed, from the facts of this capture ("gaps"); the
 * report's hints, in the same words. */
static void print_hints(const json_t *res)
{
	json_t *hints = pb_blame_hints(res, 0);
	const json_t *h;
	size_t i;

	json_array_foreach(hints, i, h)
		pb_put_wrapped(stderr, "hint: ", "hint: ", json_string_value(h), 76);
	json_decref(hints);
}

static int take_by(const struct pb_option *opt, const char *arg)
{
	if (pb_blame_by_parse(arg, opt->value) < 0) {
		pb_error("--by wants callsite, stack, comm, module, source or kernel, not '%s'",
			 arg);
		return -1;
	}
	return 0;
}

int cmd_blame(int argc, char **argv, const struct pb_globals *g)
{
	struct pb_analyze_opts o = { .since_ns = -1, .until_ns = -1 };
	enum pb_blame_by by = PB_BY_CALLSITE;
	/* -1: every failure; ids start at 1, so --failure 0 names none */
	long long top = 0, failure = -1;
	int json = 0, rc = PB_EXIT_OK, noise_ate_all;
	const struct pb_option options[] = {
		PB_OPT_BOOL(0, "json", &json,
			    "{\"schema\":\"pinblame.blame/1\",\"failures\":N,\"attributed\":N,\n"
			    "\"callsites\":[...],\"unattributed\":N,...}"),
		PB_OPT_COUNT(0, "top", &top, "N", "only the first N rows (0: all)"),
		PB_OPT_COUNT(0, "failure", &failure, "ID", "only the pages of failure ID"),
		PB_OPT_CALLBACK(0, "by", &by, "KEY",
				"group by call site (default), stack, comm (the\n"
				"holder task), module, source (file) or kernel", take_by),
		PB_OPTS_ANALYSIS(&o),
		PB_OPT_END(),
	};
	int at = pb_parse_options(argc, argv, options, &blame_usage, &rc);
	struct pb_store *s;
	json_t *res;

	if (at < 0)
		return rc;
	if (at != argc)
		return pb_unexpected_operand(argv[at]);
	s = pb_open_analysis(g->db_path, &o, &rc);
	if (!s)
		return rc;
	res = pb_analyze_blame(s, &o, by, top > 1000000 ? 1000000 : (int)top,
			       failure < 0 ? 0 : failure);
	pb_store_close(s);
	if (!res)
		return PB_EXIT_STORE;
	noise_ate_all = pb_noise_note(&o, res);
	if (failure >= 0 && (!failure || !pb_json_int(res, "failures", 0))) {
		pb_error("no failure %lld (see 'pinblame failures')", failure);
		json_decref(res);
		return PB_EXIT_USAGE;
	}
	if (json) {
		pb_json_write(stdout, res);
	} else {
		print_blame(res);
		/* the evidence is there: the noise file removed every holder */
		if (!noise_ate_all)
			print_hints(res);
	}
	json_decref(res);
	return PB_EXIT_OK;
}
