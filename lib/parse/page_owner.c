/* page_owner.c - /sys/kernel/debug/page_owner records: who allocated each
 * page still in use, with the allocation stack. The allocation time is a
 * local_clock() stamp like ftrace's, so it becomes the record's time. */
#include <string.h>

#include "dump.h"

static void alloc_field(struct dump_block *b, const char *name, struct dump_slice v)
{
	if (v.len)
		dump_block_field(b, name, v.s, v.len);
}

/* "Page allocated via order 0, mask 0x140dca(GFP_HIGHUSER_MOVABLE|...),
 * pid 1873, tgid 1873 (holdpages), ts 4101002113450 ns[, free_ts N ns]" */
static int owner_header(struct dump_block *b, struct pb_record *rec, const char *s, size_t len)
{
	struct pb_arena *arena = pb_parser_arena(b->p);
	struct dump_alloc a;
	int64_t x;
	size_t n;

	n = dump_prefix(s, len, "Page allocated via ");
	if (!n || dump_parse_alloc(s + n, len - n, &a))
		return -1;
	rec->system = "page_owner";
	rec->event = "allocated";
	alloc_field(b, "order", a.order);
	alloc_field(b, "gfp_mask", a.gfp_mask);
	alloc_field(b, "pid", a.pid);
	alloc_field(b, "tgid", a.tgid);
	alloc_field(b, "comm", a.comm);
	alloc_field(b, "alloc_ts", a.ts);
	alloc_field(b, "free_ts", a.free_ts);
	if (!pb_parse_i64(a.pid.s, a.pid.len, &x))
		rec->pid = (int32_t)x;
	if (!pb_parse_i64(a.tgid.s, a.tgid.len, &x))
		rec->tgid = (int32_t)x;
	if (a.comm.len)
		rec->comm = pb_arena_strndup(arena, a.comm.s, a.comm.len);
	if (!pb_parse_i64(a.ts.s, a.ts.len, &x))
		rec->ts_ns = x;
	return 0;
}

static int key_is(struct dump_slice k, const char *key)
{
	return k.len == strlen(key) && !memcmp(k.s, key, k.len);
}

/* "PFN 0xa3a41 type Movable Block 1309 type CMA Flags 0x..(..)" (PFN in
 * decimal up to 5.12); the first "type" is the page's migratetype, the
 * second its pageblock's. */
static int owner_pfn(struct dump_block *b, const char *s, size_t len)
{
	struct dump_slice pairs[8][2];
	const char *type_name = "migratetype";
	size_t n;

	if (!dump_prefix(s, len, "PFN "))
		return -1;
	n = dump_pairs(s, len, pairs, PB_ARRAY_SIZE(pairs));
	for (size_t i = 0; i < n; i++) {
		struct dump_slice k = pairs[i][0], v = pairs[i][1];

		if (key_is(k, "PFN")) {
			dump_block_field(b, "pfn", v.s, v.len);
		} else if (key_is(k, "Block")) {
			dump_block_field(b, "block", v.s, v.len);
			type_name = "block_type";
		} else if (key_is(k, "type")) {
			dump_block_field(b, type_name, v.s, v.len);
		} else if (key_is(k, "Flags")) {
			dump_block_field(b, "flags", v.s, v.len);
		}
	}
	return 0;
}

/* Lines after the stack: migration, slab and memcg notes. */
static int owner_extra(struct dump_block *b, const char *s, size_t len)
{
	const char *memcg;
	size_t n;

	if ((n = dump_prefix(s, len, "Page has been migrated, last migrate reason: "))) {
		dump_block_field(b, "migrate_reason", s + n, len - n);
		return 0;
	}
	if (dump_prefix(s, len, "Slab cache page")) {
		dump_block_field(b, "slab", "1", 1);
		return 0;
	}
	/* "Charged [(via objcg) ]to [offline ]memcg NAME" */
	if (dump_prefix(s, len, "Charged ") && (memcg = memmem(s, len, "memcg ", 6))) {
		memcg += 6;
		dump_block_field(b, "memcg", memcg, s + len - memcg);
		return 0;
	}
	return -1;
}

static const struct dump_block_ops owner_block = {
	.header = owner_header,
	.pfn = owner_pfn,
	.extra = owner_extra,
};

static void *owner_open(struct pb_parser *p, char *err, size_t errlen)
{
	return dump_block_new(p, &owner_block);
}

const struct pb_format_ops pb_page_owner_ops = {
	.format = PB_FMT_PAGE_OWNER,
	.open = owner_open,
	.next = dump_block_next,
	.close = dump_block_free,
};
