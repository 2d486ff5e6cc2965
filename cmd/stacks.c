/* stacks.c - pinblame stacks: stacks for flame graphs. */
#include <string.h>

#include "cmd.h"
#include "pinblame/analyze.h"
#include "pinblame/render.h"

static const char stacks_usage[] =
	"usage: pinblame [-d DB] stacks [--folded | --json] [--holders | --failures]\n"
	"                [--since S] [--until S] [--noise FILE] [--no-default-noise]\n"
	"\n"
	"Prints the stacks of the blamed holders (--holders, the default), each\n"
	"weighted by the pages it held, or of the failing allocations and\n"
	"migrations (--failures), weighted by failures. --folded writes the\n"
	"FlameGraph folded format, root first ('a;b;c 12'), ready for\n"
	"flamegraph.pl or speedscope.\n"
	"\n"
	"options:\n"
	"  --folded          one 'frame;frame;... COUNT' line per stack\n"
	"  --json            {\"schema\":\"pinblame.stacks/1\",\"which\":\"holders\",\"stacks\":[...]}\n"
	"  --holders         the holders' stacks (default)\n"
	"  --failures        the failures' stacks\n"
	"  --since S, --until S  only failures in this window (trace seconds)\n"
	"  --noise FILE      more frames that are not call sites (see blame)\n"
	"  --no-default-noise  drop the built-in noise list\n"
	"  -h, --help        this help\n"
	"\n"
	"Exit: 0 ok, 2 usage, 3 unreadable noise file, 4 store error.\n";

enum stacks_format { STACKS_TEXT, STACKS_FOLDED, STACKS_JSON };

static void print_stacks(const json_t *stacks, enum stacks_format fmt)
{
	size_t i;
	json_t *st;

	if (fmt == STACKS_TEXT)
		printf("%7s  %-32s  %s\n", "COUNT", "CALL SITE", "STACK (root first)");
	json_array_foreach(stacks, i, st) {
		const char *folded = json_string_value(json_object_get(st, "folded"));
		long long count = json_integer_value(json_object_get(st, "count"));
		const char *module = json_string_value(json_object_get(st, "module"));
		char site[256];

		if (!folded)
			continue;
		if (fmt == STACKS_FOLDED) {
			printf("%s %lld\n", folded, count);
			continue;
		}
		snprintf(site, sizeof(site), module ? "%s [%s]" : "%s",
			 json_string_value(json_object_get(st, "callsite")), module);
		printf("%7lld  %-32s  %s\n", count, site, folded);
	}
}

int cmd_stacks(int argc, char **argv, const struct pb_globals *g)
{
	static const struct option longopts[] = {
		{ "folded", no_argument, NULL, 'F' },
		{ "json", no_argument, NULL, 'j' },
		{ "holders", no_argument, NULL, 'H' },
		{ "failures", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		PB_ANALYZE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct pb_analyze_opts o = { .since_ns = -1, .until_ns = -1 };
	enum pb_stacks_which which = PB_STACKS_HOLDERS;
	enum stacks_format fmt = STACKS_TEXT;
	int c, help = 0, rc;
	struct pb_store *s;
	json_t *res;

	while ((c = pb_getopt(argc, argv, "h", longopts, stacks_usage, &help)) != -1) {
		switch (c) {
		case 'F': fmt = STACKS_FOLDED; break;
		case 'j': fmt = STACKS_JSON; break;
		case 'H': which = PB_STACKS_HOLDERS; break;
		case 'f': which = PB_STACKS_FAILURES; break;
		case 'h': return pb_usage(stacks_usage, PB_EXIT_OK);
		case '?': return PB_EXIT_USAGE;
		default:
			if (pb_analyze_option(c, optarg, &o) < 0)
				return pb_usage(stacks_usage, PB_EXIT_USAGE);
		}
	}
	if (optind != argc)
		return pb_usage_operand(argv[optind], stacks_usage);
	s = pb_open_analysis(g->db_path, &o, &rc);
	if (!s)
		return rc;
	res = pb_analyze_stacks(s, &o, which);
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
