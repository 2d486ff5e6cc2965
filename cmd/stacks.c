/* stacks.c - pinblame stacks: stacks for flame graphs. */
#include <string.h>

#include "cmd.h"
#include "pinblame/analyze.h"
#include "pinblame/render.h"

static const struct pb_usage stacks_usage = {
	.synopsis = "stacks [--folded | --json] [--holders | --failures]\n"
		    "[--since S] [--until S] [--noise FILE] [--no-default-noise]",
	.about = "Prints the stacks of the blamed holders (--holders, the default), each\n"
		 "weighted by the pages it held, or of the failing allocations and\n"
		 "migrations (--failures), weighted by failures. --folded writes the\n"
		 "FlameGraph folded format, root first ('a;b;c 12'), ready for\n"
		 "flamegraph.pl or speedscope.\n",
	.footer = "Exit: 0 ok, 2 usage, 3 unreadable noise file or no traces imported,\n"
		  "4 store error.\n",
};

enum stacks_format { STACKS_TEXT, STACKS_FOLDED, STACKS_JSON };

/* Stack ST's call site as the table shows it, in SHOWN: with its module,
 * escaped here rather than by the stream, so that its width is known. */
static const char *site_shown(struct pb_buf *shown, const json_t *st)
{
	struct pb_buf site = { 0 };

	pb_term_str(shown, pb_site_name(&site, pb_json_str(st, "callsite", "?"),
					pb_json_str(st, "module", NULL)));
	pb_buf_free(&site);
	return pb_buf_str(shown);
}

/* The call site column: 32 wide, or as wide as the widest name, so that
 * the stacks start in one column. */
static int site_width(const json_t *stacks)
{
	struct pb_buf shown = { 0 };
	const json_t *st;
	int width = 32;
	size_t i;

	json_array_foreach(stacks, i, st)
		if (pb_text_width(site_shown(&shown, st)) > width)
			width = pb_text_width(pb_buf_str(&shown));
	pb_buf_free(&shown);
	return width;
}

static void print_stacks(const json_t *stacks, enum stacks_format fmt)
{
	struct pb_buf shown = { 0 };
	int width = fmt == STACKS_TEXT ? site_width(stacks) : 0;
	size_t i;
	json_t *st;

	if (fmt == STACKS_TEXT)
		printf("%7s  %-*s  %s\n", "COUNT", width, "CALL SITE", "STACK (root first)");
	json_array_foreach(stacks, i, st) {
		const char *folded = json_string_value(json_object_get(st, "folded"));
		long long count = json_integer_value(json_object_get(st, "count"));
		const char *name;

		if (!folded)
			continue;
		if (fmt == STACKS_FOLDED) {
			printf("%s %lld\n", folded, count);
			continue;
		}
		name = site_shown(&shown, st);
		printf("%7lld  %s%*s  %s\n", count, name, width - pb_text_width(name), "", folded);
	}
	pb_buf_free(&shown);
}

/* Two options that choose the same thing: one of them, or a usage error. */
static int one_of(int a, const char *name_a, int b, const char *name_b)
{
	if (a && b) {
		pb_error("%s and %s: choose one", name_a, name_b);
		return pb_see_help();
	}
	return PB_EXIT_OK;
}

int cmd_stacks(int argc, char **argv, const struct pb_globals *g)
{
	struct pb_analyze_opts o = { .since_ns = -1, .until_ns = -1 };
	int folded = 0, json = 0, holders = 0, failures = 0, rc = PB_EXIT_OK;
	const struct pb_option options[] = {
		PB_OPT_BOOL(0, "folded", &folded, "one 'frame;frame;... COUNT' line per stack"),
		PB_OPT_BOOL(0, "json", &json, "{\"schema\":\"pinblame.stacks/1\",\"which\":\"holders\",\"stacks\":[...]}"),
		PB_OPT_BOOL(0, "holders", &holders, "the holders' stacks (default)"),
		PB_OPT_BOOL(0, "failures", &failures, "the failures' stacks"),
		PB_OPTS_ANALYSIS(&o),
		PB_OPT_END(),
	};
	int at = pb_parse_options(argc, argv, options, &stacks_usage, &rc);
	enum stacks_format fmt;
	struct pb_store *s;
	json_t *res;

	if (at < 0)
		return rc;
	if (at != argc)
		return pb_unexpected_operand(argv[at]);
	rc = one_of(folded, "--folded", json, "--json");
	if (rc == PB_EXIT_OK)
		rc = one_of(holders, "--holders", failures, "--failures");
	if (rc != PB_EXIT_OK)
		return rc;
	fmt = json ? STACKS_JSON : folded ? STACKS_FOLDED : STACKS_TEXT;
	s = pb_open_analysis(g->db_path, &o, &rc);
	if (!s)
		return rc;
	res = pb_analyze_stacks(s, &o, failures ? PB_STACKS_FAILURES : PB_STACKS_HOLDERS);
	pb_store_close(s);
	if (!res)
		return PB_EXIT_STORE;
	if (fmt == STACKS_JSON)
		pb_json_write(stdout, res);
	else
		print_stacks(json_object_get(res, "stacks"), fmt);
	json_decref(res);
	return PB_EXIT_OK;
}
