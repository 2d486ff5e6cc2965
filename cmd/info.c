/* info.c - pinblame info: what the store holds. */
#include <string.h>

#include "cmd.h"
#include "pinblame/analyze.h"
#include "pinblame/render.h"
#include "pinblame/store.h"

static const struct pb_usage info_usage = {
	.synopsis = "info [--json]",
	.about = "Shows the imported sources (format, kernel, arch, page size, events,\n"
		 "lines not understood and why), the time span, counts per event, CMA\n"
		 "allocations started but never finished, and lost events.\n",
	.footer = "Exit: 0 ok, 2 usage, 3 no store (no traces imported), 4 store error.\n",
};

/* A source's time: seconds, or the date a log printed (clock realtime). */
static void print_ts(const json_t *src, const char *key)
{
	const json_t *v = json_object_get(src, key);
	long long ts = json_is_integer(v) ? json_integer_value(v) : -1;
	char buf[48];

	pb_format_time(buf, sizeof(buf), ts, pb_json_str(src, "clock", NULL));
	fputs(buf, stdout);
}

/* The traced kernel's page size and what said it; nothing when unknown
 * (the file-offset join then says the size it tried: blame's gaps). */
static void print_page_size(const json_t *src)
{
	const char *from = pb_json_str(src, "page_size_from", "");
	long long size = pb_json_int(src, "page_size", 0);

	if (size <= 0)
		return;
	printf(", page size %lld (%s)", size,
	       !strcmp(from, "header") ? "its header" :
	       !strcmp(from, "release") ? "the kernel release" :
	       !strcmp(from, "arch") ? "the arch" :
	       !strcmp(from, "boot") ? "another source of its boot" : from);
}

/* The page size the file-offset join took for a source whose own is
 * unknown, and how many busy pages it found with it. */
static void print_offset_guess(const json_t *src)
{
	long long size = pb_json_int(src, "file_page_size", 0);
	long long pages = pb_json_int(src, "file_busy_pages", 0);

	if (strcmp(pb_json_str(src, "file_page_size_from", ""), "guess"))
		return;
	if (size > 0)
		printf("  page size unknown; pos / %lld matched %lld busy page%s\n", size, pages,
		       pages == 1 ? "" : "s");
	else
		printf("  page size unknown; pos / 4096, 16384 or 65536 matched no busy page\n");
}

static void print_source(const json_t *src)
{
	struct pb_buf shown = { 0 };
	size_t i;
	json_t *r;

	/* a file name is one line: its newlines escaped too */
	printf("source %lld: %s\n", pb_json_int(src, "id", 0),
	       pb_term_str(&shown, pb_json_str(src, "path", "?")));
	pb_buf_free(&shown);
	printf("  format %s, kernel %s, arch %s", pb_json_str(src, "format", "?"),
	       pb_json_str(src, "kernel", "unknown"),
	       pb_json_str(src, "arch", "unknown"));
	/* times not on the kernel's clock are never compared with others' */
	if (pb_json_str(src, "clock", NULL))
		printf(", clock %s", pb_json_str(src, "clock", ""));
	print_page_size(src);
	putchar('\n');
	printf("  %lld events, %lld lines, %lld not understood, %lld lost, span ",
	       pb_json_int(src, "events", 0),
	       pb_json_int(src, "lines", 0),
	       pb_json_int(src, "bad_lines", 0),
	       pb_json_int(src, "lost_events", 0));
	print_ts(src, "first_ts_ns");
	fputs(" .. ", stdout);
	print_ts(src, "last_ts_ns");
	printf("%s\n", pb_time_unit(pb_json_str(src, "clock", NULL)));
	print_offset_guess(src);
	if (pb_json_int(src, "unpaired", 0))
		printf("  %lld CMA allocations started without a finish\n",
		       pb_json_int(src, "unpaired", 0));
	json_array_foreach(json_object_get(src, "bad_line_reasons"), i, r)
		printf("  not understood: %lld x %s (first at line %lld: %s)\n",
		       pb_json_int(r, "count", 0),
		       pb_json_str(r, "reason", "?"),
		       pb_json_int(r, "first_line", 0),
		       pb_json_str(r, "example", ""));
}

/* Names in a column as wide as the longest (at least 40), counts after. */
static void print_counts(const char *title, const json_t *counts)
{
	const char *k;
	json_t *v;
	int width = 40;

	if (!json_object_size(counts))
		return;
	json_object_foreach((json_t *)counts, k, v)
		if ((int)strlen(k) > width)
			width = (int)strlen(k);
	printf("\n%s:\n", title);
	json_object_foreach((json_t *)counts, k, v)
		printf("  %-*s %10lld\n", width, k, (long long)json_integer_value(v));
}

/* Probe hits whose page= pointer could not be mapped to a pfn, and why. */
static void print_unmapped(const json_t *probe_pages)
{
	long long hits = pb_json_int(probe_pages, "unmapped_hits", 0);

	if (hits <= 0)
		return;
	printf("\nprobe hits whose page= could not be mapped to a pfn: %lld\n  %s\n", hits,
	       json_is_true(json_object_get(probe_pages, "hashed"))
	       ? "the pointers are hashed (echo 0 > options/hash-ptr, or pinblame record)"
	       : "too few events printed both pfn= and page=");
}

static void print_info(const json_t *info)
{
	size_t i;
	json_t *src;

	if (!json_array_size(json_object_get(info, "sources")))
		puts("no traces imported: the store is empty (pinblame import FILE)");
	json_array_foreach(json_object_get(info, "sources"), i, src)
		print_source(src);
	print_counts("events", json_object_get(info, "events"));
	print_counts("CMA allocations", json_object_get(info, "cma_allocs"));
	print_counts("busy ranges", json_object_get(info, "busy_ranges"));
	print_counts("migrations with failed pages, by reason",
		     json_object_get(info, "migrations_failed"));
	print_counts("page evidence", json_object_get(info, "page_evidence"));
	print_unmapped(json_object_get(info, "probe_pages"));
}

int cmd_info(int argc, char **argv, const struct pb_globals *g)
{
	int json = 0, rc = PB_EXIT_OK;
	const struct pb_option options[] = {
		PB_OPT_BOOL(0, "json", &json,
			    "{\"schema\":\"pinblame.info/1\",\"sources\":[...],\"events\":{...},...}"),
		PB_OPT_END(),
	};
	int at = pb_parse_options(argc, argv, options, &info_usage, &rc);
	struct pb_store *store;
	json_t *info;

	if (at < 0)
		return rc;
	if (at != argc)
		return pb_unexpected_operand(argv[at]);
	/* the derived views (failures, attributions) are brought up to date */
	store = pb_analyze_open(g->db_path);
	if (!store)
		return PB_EXIT_STORE;
	info = pb_analyze_info(store);
	pb_store_close(store);
	if (!info)
		return PB_EXIT_STORE;
	if (json)
		pb_json_write(stdout, info);
	else
		print_info(info);
	json_decref(info);
	return PB_EXIT_OK;
}
