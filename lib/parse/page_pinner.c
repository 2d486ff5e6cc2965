/* page_pinner.c - Android Common Kernel page_pinner debugfs dumps
 * (/sys/kernel/debug/page_pinner/buffer, longterm_pinner,
 * alloc_contig_failed): blank-line separated records, newest first.
 * Records keep the file's order; only "Freed at" and "Failure detected
 * at" print a time (CLOCK_BOOTTIME), so only they get one. */
#include <string.h>

#include "dump.h"

static int pinner_header(struct dump_block *b, struct pb_record *rec, const char *s, size_t len)
{
	const char *pos, *end = s + len;
	struct dump_slice w;
	int64_t ts;
	size_t n;

	if ((n = dump_prefix(s, len, "At least, pinned for "))) {
		pos = s + n;
		if (dump_word(&pos, end, &w) || pb_parse_i64(w.s, w.len, &ts))
			return -1;
		rec->event = "put";
		dump_block_field(b, "elapsed_us", w.s, w.len);
	} else if ((n = dump_prefix(s, len, "Freed at ")) && dump_stamp(s + n, len - n, &ts)) {
		rec->event = "free";
		rec->ts_ns = ts;
	} else if ((n = dump_prefix(s, len, "Failure detected at ")) &&
		   dump_stamp(s + n, len - n, &ts)) {
		rec->event = "failure_detected";
		rec->ts_ns = ts;
	} else {
		return -1;
	}
	rec->system = "page_pinner_dump";
	return 0;
}

/* "PFN 0xa3a41 Block 1309 count 2 mapcount 1 mapping 0xffff000105e2c8d0
 * Flags 0x3fffc000008003c(uptodate|dirty|...)" */
static int pinner_pfn(struct dump_block *b, const char *s, size_t len)
{
	static const struct {
		const char *key, *name;
	} keys[] = {
		{ "PFN", "pfn" }, { "Block", "block" }, { "count", "count" },
		{ "mapcount", "mapcount" }, { "mapping", "mapping" }, { "Flags", "flags" },
	};
	struct dump_slice pairs[8][2];
	size_t n;

	if (!dump_prefix(s, len, "PFN "))
		return -1;
	n = dump_pairs(s, len, pairs, PB_ARRAY_SIZE(pairs));
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < PB_ARRAY_SIZE(keys); k++)
			if (strlen(keys[k].key) == pairs[i][0].len &&
			    !memcmp(keys[k].key, pairs[i][0].s, pairs[i][0].len))
				dump_block_field(b, keys[k].name, pairs[i][1].s, pairs[i][1].len);
	return 0;
}

/* Nothing follows the stack in these records. */
static int pinner_extra(struct dump_block *b, const char *s, size_t len)
{
	return -1;
}

static const struct dump_block_ops pinner_block = {
	.header = pinner_header,
	.pfn = pinner_pfn,
	.extra = pinner_extra,
};

static void *pinner_open(struct pb_parser *p, char *err, size_t errlen)
{
	return dump_block_new(p, &pinner_block);
}

const struct pb_format_ops pb_page_pinner_ops = {
	.format = PB_FMT_PAGE_PINNER,
	.open = pinner_open,
	.next = dump_block_next,
	.close = dump_block_free,
};
