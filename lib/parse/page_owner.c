/* page_owner.c - /sys/kernel/debug/page_owner records: who allocated each
 * page still in use, with the allocation stack. The allocation time is a
 * local_clock() stamp like ftrace's, so it becomes the record's time. */
#include <string.h>

#include "dump.h"
#include "page_dump.h"

static void put_field(void *b, const char *name, const char *v, size_t len)
{
	dump_block_field(b, name, v, len);
}

/* "Page allocated via order 0, mask 0x140dca(GFP_HIGHUSER_MOVABLE|...),
 * pid 1873, tgid 1873 (holdpages), ts 4101002113450 ns[, free_ts N ns]":
 * the mask as "0x%x" alone up to 4.5, pid, tgid and comm, ts and free_ts
 * added and dropped over the versions (doc/FORMATS.md section 3), so every
 * piece after the order is optional. */
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
	dump_alloc_put(&a, ALLOC_NAMES_DEBUGFS, put_field, b);
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

/* The flag letters of the first layout ("K" locked, "U" uptodate, ...),
 * one column each, blank when the flag is clear: the letters without the
 * blanks. */
static void flag_letters(struct dump_block *b, const char *s, size_t len)
{
	char letters[32];
	size_t n = 0;

	for (size_t i = 0; i < len && n < sizeof(letters); i++)
		if (s[i] != ' ')
			letters[n++] = s[i];
	dump_block_field(b, "flag_letters", letters, n);
}

/* "PFN 651440 Block 1272 type 2 Fallback Flags K  UDLA      M" (3.19 to
 * 4.5): the pageblock's migratetype as a number (whose names changed
 * order over those versions, so it is kept as the number), "Fallback"
 * (or eight blanks) when the page's own migratetype differs, and one
 * column per flag. Returns -1 when S is not of that layout. */
static int owner_pfn_first(struct dump_block *b, const char *s, size_t len)
{
	const char *pos = s, *end = s + len, *flags;
	struct dump_slice w[6];
	uint64_t x;

	for (size_t i = 0; i < PB_ARRAY_SIZE(w); i++)
		if (dump_word(&pos, end, &w[i]))
			return -1;
	if (!dump_slice_is(w[2], "Block") || !dump_slice_is(w[4], "type") ||
	    pb_parse_u64(w[5].s, w[5].len, &x) ||
	    !(flags = memmem(pos, (size_t)(end - pos), " Flags", 6)) ||
	    (flags + 6 < end && flags[6] != ' '))
		return -1;
	dump_block_field(b, "pfn", w[1].s, w[1].len);
	dump_block_field(b, "block", w[3].s, w[3].len);
	dump_block_field(b, "block_type_id", w[5].s, w[5].len);
	if (memmem(pos, (size_t)(flags - pos), "Fallback", 8))
		dump_block_field(b, "fallback", "1", 1);
	flag_letters(b, flags + 6, (size_t)(end - flags - 6));
	return 0;
}

/* "PFN 651440 type Movable Block 1272 type CMA Flags 0x..(..)": the PFN
 * in decimal up to 6.8, "0x%lx" from 6.9; the first "type" is the page's
 * migratetype, the second its pageblock's. "Flags %#lx(%pGp)" up to 5.16,
 * "%pGp" (which prints the value too) from 5.17. */
static int owner_pfn(struct dump_block *b, const char *s, size_t len)
{
	struct dump_slice pairs[8][2];
	const char *type_name = "migratetype";
	size_t n;

	if (!dump_prefix(s, len, "PFN "))
		return -1;
	if (!owner_pfn_first(b, s, len))
		return 0;
	n = dump_pairs(s, len, pairs, PB_ARRAY_SIZE(pairs));
	for (size_t i = 0; i < n; i++) {
		struct dump_slice k = pairs[i][0], v = pairs[i][1];

		if (dump_slice_is(k, "PFN")) {
			dump_block_field(b, "pfn", v.s, v.len);
		} else if (dump_slice_is(k, "Block")) {
			dump_block_field(b, "block", v.s, v.len);
			type_name = "block_type";
		} else if (dump_slice_is(k, "type")) {
			dump_block_field(b, type_name, v.s, v.len);
		} else if (dump_slice_is(k, "Flags")) {
			v = page_flags_single(v);
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

struct dump_slice page_flags_single(struct dump_slice v)
{
	const char *open = memchr(v.s, '(', v.len);
	size_t outer;

	if (!open || v.len < 2 || v.s[v.len - 1] != ')')
		return v;
	outer = (size_t)(open - v.s);
	/* the inner text is "0x3f(...)" and ends one ')' before the outer */
	if (v.len < 2 * outer + 3 || memcmp(open + 1, v.s, outer) || open[1 + outer] != '(' ||
	    v.s[v.len - 2] != ')')
		return v;
	return (struct dump_slice){ open + 1, v.len - outer - 2 };
}
