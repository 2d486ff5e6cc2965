/* export.c - pinblame export: the store's normalized rows as JSON Lines
 * (schema pinblame.export/2, documented in pinblame-export(1)), for a
 * distributed engine. Rows name their source by content hash and their
 * stack by its frame hash, so exports of many machines can be loaded
 * side by side without merging. */
#include <string.h>

#include "cmd.h"
#include "pinblame/analyze.h"
#include "pinblame/render.h"
#include "pinblame/store.h"

static const struct pb_usage export_usage = {
	.synopsis = "export --jsonl [-o FILE]",
	.about = "Writes one JSON object per line: a header {\"type\":\"export\",\n"
		 "\"schema\":\"pinblame.export/2\",\"counts\":{...}}, then rows of type source,\n"
		 "stack, failure, evidence and attribution. Failures, evidence and\n"
		 "attributions are keyed by (source, id) where source is the sha256 of the\n"
		 "imported file; stacks by their 16-hex-digit hash. See pinblame-export(1)\n"
		 "for every field.\n",
	.footer = "Exit: 0 ok, 2 usage, 3 cannot write FILE or no store (no traces imported),\n"
		  "4 store error.\n",
};

static int write_object(json_t *obj, void *out)
{
	pb_json_write(out, obj);
	return 0;
}

static int export_jsonl(FILE *out, struct pb_store *s)
{
	return pb_analyze_export(s, "pinblame " PB_VERSION, write_object, out);
}

int cmd_export(int argc, char **argv, const struct pb_globals *g)
{
	const char *path = NULL;
	int jsonl = 0, rc = PB_EXIT_OK;
	const struct pb_option options[] = {
		PB_OPT_BOOL(0, "jsonl", &jsonl, "JSON Lines (the only format, required)"),
		PB_OPT_STRING('o', "output", &path, "FILE", "write to FILE instead of standard output"),
		PB_OPT_END(),
	};
	int at = pb_parse_options(argc, argv, options, &export_usage, &rc);
	struct pb_store *store;
	FILE *out;

	if (at < 0)
		return rc;
	if (at != argc)
		return pb_unexpected_operand(argv[at]);
	if (!jsonl) {
		pb_error("say which format: --jsonl");
		return pb_see_help();
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
