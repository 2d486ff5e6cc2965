/* kmsg_area.c - the CMA areas a kernel log declares at boot, as records
 * "cma_area" (fields base: the physical address, 0x and hex; size_mib;
 * name when the log says it; by: what declared it). A trace of a kernel
 * before 5.13 names no area in its single cma_alloc event, so the analysis
 * names a failure's area from these (lib/analyze/cma_areas.c).
 *
 * The format strings and the kernels that print them are in
 * doc/FORMATS.md, section 2.2 ("CMA areas at boot"). */
#include <stdio.h>
#include <string.h>

#include "kmsg_int.h"
#include "text.h"

static const char pool_head[] = "Reserved memory: created CMA memory pool at ";
static const char cma_head[] = "cma: Reserved ";

/* "%pa": 0x and the address in hex, into field "base"; -1 when W is not. */
static int base_field(struct kmsg *k, struct dump_slice w)
{
	uint64_t addr;

	if (w.len > 2 && w.s[w.len - 1] == ',')
		w.len--;
	if (!dump_prefix(w.s, w.len, "0x") || pb_parse_hex(w.s + 2, w.len - 2, &addr))
		return -1;
	kmsg_field(k, "base", w.s, w.len);
	return 0;
}

/* "%ld MiB" at *POS into field "size_mib"; -1 when not there or 0. */
static int size_field(struct kmsg *k, const char **pos, const char *end)
{
	struct dump_slice num, unit;
	int64_t mib;

	if (dump_word(pos, end, &num) || pb_parse_i64(num.s, num.len, &mib) || mib <= 0 ||
	    dump_word(pos, end, &unit) || !dump_slice_is(unit, "MiB"))
		return -1;
	kmsg_field(k, "size_mib", num.s, num.len);
	return 0;
}

/* The line after the one that declared an area, when it is a kernel line
 * that starts with HEAD: 1 with *L read, else 0 (the line is put back). */
static int next_line_is(struct kmsg *k, const char *head, struct kline *l)
{
	if (kmsg_next_line(k, l) != 1)
		return 0;
	if (l->kernel && dump_prefix(l->text, l->len, head))
		return 1;
	kmsg_unget_line(k);
	return 0;
}

/* of_reserved_mem.c prints "initialized node %s, compatible id %s" right
 * after the node's setup function (rmem_cma_setup() printed the pool), with
 * pr_fmt "OF: reserved mem: "; the node name is the area's name (it is
 * what rmem_cma_setup() gives cma_init_reserved_mem()). A node name may
 * hold commas ("linux,cma"), so it ends at ", compatible id ". */
static void pool_node_name(struct kmsg *k)
{
	static const char head[] = "OF: reserved mem: initialized node ";
	const char *name, *end;
	struct kline l;

	if (!next_line_is(k, head, &l))
		return;
	name = l.text + sizeof(head) - 1;
	end = kmsg_find(name, (size_t)(l.text + l.len - name), ", compatible id ");
	if (end && end > name)
		kmsg_field(k, "name", name, (size_t)(end - name));
}

/* rmem_cma_setup(): "Reserved memory: created CMA memory pool at %pa, size
 * %ld MiB" (no pr_fmt prefix). */
static int pool_area(struct kmsg *k, const struct kline *l, struct pb_record *rec)
{
	const char *pos = l->text + sizeof(pool_head) - 1, *end = l->text + l->len;
	struct dump_slice w, size;

	kmsg_start_record(k, l, rec, "cma_area");
	if (dump_word(&pos, end, &w) || base_field(k, w) || dump_word(&pos, end, &size) ||
	    !dump_slice_is(size, "size") || size_field(k, &pos, end))
		return kmsg_syntax(k, l);
	kmsg_field(k, "by", "pool", 4);
	pool_node_name(k);
	return kmsg_finish_record(k, rec);
}

/* hugetlb_cma_reserve() names each area "hugetlb%d" (the node) and, once
 * it is declared, prints "hugetlb_cma: reserved %lu MiB on node %d": that
 * line right after "cma: Reserved" says whose the area is. */
static int hugetlb_name(struct kmsg *k)
{
	static const char head[] = "hugetlb_cma: reserved ";
	const char *on, *end;
	struct kline l;
	char name[32];
	int64_t nid;

	if (!next_line_is(k, head, &l))
		return 0;
	end = l.text + dump_rtrim(l.text, l.len);
	on = kmsg_find(l.text, l.len, " on node ");
	if (!on || pb_parse_i64(on + 9, (size_t)(end - on - 9), &nid) || nid < 0)
		return 0;
	snprintf(name, sizeof(name), "hugetlb%lld", (long long)nid);
	kmsg_field(k, "name", name, strlen(name));
	return 1;
}

/* cma_declare_contiguous() (cma_declare_contiguous_nid() later), pr_fmt
 * "cma: ": "Reserved %ld MiB at %pa", some releases " on node %d" after
 * it. The line names no area. The multi-range form "Reserved %lu MiB in %d
 * range%s" has no address and is no record. */
static int declared_area(struct kmsg *k, const struct kline *l, struct pb_record *rec)
{
	const char *pos = l->text + sizeof(cma_head) - 1, *end = l->text + l->len;
	const char *at = kmsg_find(pos, (size_t)(end - pos), " MiB at ");
	struct dump_slice w;

	if (!at)
		return 0;
	kmsg_start_record(k, l, rec, "cma_area");
	if (size_field(k, &pos, end) || dump_word(&pos, end, &w) || !dump_slice_is(w, "at") ||
	    dump_word(&pos, end, &w) || base_field(k, w))
		return kmsg_syntax(k, l);
	if (!dump_word(&pos, end, &w) && dump_slice_is(w, "on") && !dump_word(&pos, end, &w) &&
	    dump_slice_is(w, "node") && !dump_word(&pos, end, &w))
		kmsg_field(k, "node", w.s, w.len);
	if (hugetlb_name(k))
		kmsg_field(k, "by", "hugetlb", 7);
	else
		kmsg_field(k, "by", "cma", 3);
	return kmsg_finish_record(k, rec);
}

int kmsg_is_pool_area(const char *s, size_t len)
{
	return dump_prefix(s, len, pool_head) != 0;
}

int kmsg_is_declared_area(const char *s, size_t len)
{
	size_t n = dump_prefix(s, len, cma_head);

	return n && kmsg_find(s + n, len - n, " MiB at ");
}

/* The record has no time: a source's first and last times are those of
 * its events, and they link a log with the trace of its boot and bound
 * its windows; the boot lines at 0 s would stretch the log's back to the
 * boot. The line number keeps its order. */
int kmsg_cma_area(struct kmsg *k, const struct kline *l, struct pb_record *rec)
{
	int rc = 0;

	if (dump_prefix(l->text, l->len, pool_head))
		rc = pool_area(k, l, rec);
	else if (dump_prefix(l->text, l->len, cma_head))
		rc = declared_area(k, l, rec);
	if (rc == 1)
		rec->ts_ns = -1;
	return rc;
}
