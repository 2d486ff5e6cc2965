/* page_pinner.c - Android's mm/page_pinner.c debugfs dumps
 * (/sys/kernel/debug/page_pinner/{pinner,longterm_pinner,
 * alloc_contig_failed,buffer}): blank-line separated records, newest
 * first, each a head line, a "PFN ..." line and a stack. doc/FORMATS.md
 * section 3 lists every generation and the tree it was read from.
 *
 * What a record's stack is depends on the file: longterm_pinner and
 * pinner print the stack that pinned the page (page_pinner->handle, saved
 * when the reference was taken); alloc_contig_failed and buffer print the
 * stack that put a reference after a migration failed, or freed the page,
 * or found it busy. Several generations print both files alike, so the
 * head line alone does not always say which; then the file's name, or a
 * record that only the failure files print, decides, and when nothing does
 * the record is kept as "pinned" (no pin or put side) and counted. */
#include <stdlib.h>
#include <string.h>

#include "dump.h"
#include "page_dump.h"

/* Provisional events set by the head line and settled by pinner_settle():
 * the side of an elapsed-time record depends on the file. */
static const char EV_ELAPSED[] = "elapsed";	/* "At least, pinned for N us" */
static const char EV_TS_COUNT[] = "ts_count";	/* "Page pinned ts N us count C" */

/* Which debugfs file the input is, from its name or its records. */
enum pinner_file {
	FILE_UNKNOWN,
	FILE_PINS,	/* longterm_pinner (or pinner): the stacks are pins */
	FILE_PUTS,	/* alloc_contig_failed or buffer: puts, frees, failures */
};

struct pinner {
	struct dump_block *blk;
	enum pinner_file file;
};

/* "Page pinned ts 1234567 us count 2" (the first generation, pinner and
 * longterm_pinner files), or "Page pinned ts 1234567 us" without the count
 * (a later print_page_pinner() that serves longterm_pinner and
 * alloc_contig_failed alike): the number is a time or an elapsed time, by
 * file. A missing count reads as count 0: nothing says the page is pinned
 * now, so the file decides, as for count 0. */
static int head_ts_count(struct dump_block *b, struct pb_record *rec, const char *s, size_t len)
{
	const char *pos = s, *end = s + len;
	struct dump_slice us, unit, word, count = { NULL, 0 };
	int64_t x;

	if (dump_word(&pos, end, &us) || pb_parse_i64(us.s, us.len, &x) ||
	    dump_word(&pos, end, &unit) || unit.len != 2 || memcmp(unit.s, "us", 2))
		return -1;
	if (pos != end &&
	    (dump_word(&pos, end, &word) || word.len != 5 || memcmp(word.s, "count", 5) ||
	     dump_word(&pos, end, &count) || pb_parse_i64(count.s, count.len, &x) || pos != end))
		return -1;
	dump_block_field(b, "pinned_us", us.s, us.len);
	if (count.s)
		dump_block_field(b, "pinner_count", count.s, count.len);
	rec->event = EV_TS_COUNT;
	return 0;
}

/* "N us" as the whole rest of a head line. */
static int elapsed_us(struct dump_block *b, const char *s, size_t len)
{
	const char *pos = s, *end = s + len;
	struct dump_slice us, unit;
	int64_t x;

	if (dump_word(&pos, end, &us) || pb_parse_i64(us.s, us.len, &x) ||
	    dump_word(&pos, end, &unit) || unit.len != 2 || memcmp(unit.s, "us", 2) ||
	    pos != end)
		return -1;
	dump_block_field(b, "elapsed_us", us.s, us.len);
	return 0;
}

/* "[ 4120.310300]" as the whole rest of a head line: a CLOCK_BOOTTIME stamp. */
static int stamp_only(const char *s, size_t len, int64_t *ns)
{
	size_t n = dump_stamp(s, len, ns);

	return n && n == len ? 0 : -1;
}

static int pinner_header(struct dump_block *b, struct pb_record *rec, const char *s, size_t len)
{
	int64_t ts;
	size_t n;

	if ((n = dump_prefix(s, len, "At least, pinned for "))) {
		if (elapsed_us(b, s + n, len - n))
			return -1;
		rec->event = EV_ELAPSED;
	} else if ((n = dump_prefix(s, len, "Page pinned for "))) {
		/* only longterm_pinner prints this head: the stack is the pin */
		if (elapsed_us(b, s + n, len - n))
			return -1;
		rec->event = "pin";
	} else if ((n = dump_prefix(s, len, "Page pinned ts ["))) {
		/* only alloc_contig_failed prints this head */
		if (stamp_only(s + n - 1, len - n + 1, &ts))
			return -1;
		rec->event = "put";
		rec->ts_ns = ts;
	} else if ((n = dump_prefix(s, len, "Page pinned ts "))) {
		if (head_ts_count(b, rec, s + n, len - n))
			return -1;
	} else if ((n = dump_prefix(s, len, "Freed at ")) && !stamp_only(s + n, len - n, &ts)) {
		rec->event = "free";
		rec->ts_ns = ts;
	} else if ((n = dump_prefix(s, len, "Failure detected at ")) &&
		   !stamp_only(s + n, len - n, &ts)) {
		rec->event = "failure_detected";
		rec->ts_ns = ts;
	} else {
		return -1;
	}
	rec->system = "page_pinner_dump";
	return 0;
}

/* "PFN 0xa3a41 Block 1309 count 2 mapcount 1 mapping 0xffff000105e2c8d0
 * Flags 0x..(..)" (hex PFN, since the buffer generation and in Samsung's
 * longterm generation) or "PFN 651440 Block 1272 type Movable Flags
 * 0x..(..)" (decimal PFN and the pageblock's migratetype). */
static int pinner_pfn(struct dump_block *b, const char *s, size_t len)
{
	static const struct {
		const char *key, *name;
	} keys[] = {
		{ "PFN", "pfn" }, { "Block", "block" }, { "count", "count" },
		{ "mapcount", "mapcount" }, { "mapping", "mapping" }, { "type", "block_type" },
	};
	struct dump_slice pairs[8][2];
	size_t n;

	if (!dump_prefix(s, len, "PFN "))
		return -1;
	n = dump_pairs(s, len, pairs, PB_ARRAY_SIZE(pairs));
	for (size_t i = 0; i < n; i++) {
		struct dump_slice k = pairs[i][0], v = pairs[i][1];

		if (k.len == 5 && !memcmp(k.s, "Flags", 5)) {
			v = page_flags_single(v);
			dump_block_field(b, "flags", v.s, v.len);
			continue;
		}
		for (size_t j = 0; j < PB_ARRAY_SIZE(keys); j++)
			if (strlen(keys[j].key) == k.len && !memcmp(keys[j].key, k.s, k.len))
				dump_block_field(b, keys[j].name, v.s, v.len);
	}
	return 0;
}

/* Nothing follows the stack in these records. */
static int pinner_extra(struct dump_block *b, const char *s, size_t len)
{
	(void)b;
	(void)s;
	(void)len;
	return -1;
}

static const struct dump_block_ops pinner_block = {
	.header = pinner_header,
	.pfn = pinner_pfn,
	.extra = pinner_extra,
};

/* NAME within the last path component of PATH. */
static int name_has(const char *path, const char *name)
{
	const char *base = strrchr(path, '/');

	return strstr(base ? base + 1 : path, name) != NULL;
}

/* The file as its name tells ("longterm_pinner.txt", "acf-buffer.gz"). */
static enum pinner_file file_from_name(const char *path)
{
	int pins, puts;

	if (!path)
		return FILE_UNKNOWN;
	pins = name_has(path, "longterm_pinner") || name_has(path, "longterm-pinner");
	puts = name_has(path, "alloc_contig_failed") || name_has(path, "alloc-contig-failed") ||
	       name_has(path, "buffer");
	return pins == puts ? FILE_UNKNOWN : pins ? FILE_PINS : FILE_PUTS;
}

/* "Freed at [" and "Failure detected at [" start records of the failure
 * files only: one of them at the start of a line of HEAD proves the file
 * is one of those. */
static int head_has_failure_record(const char *head, size_t n)
{
	const char *line = head, *end = head + n;

	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t len = (size_t)((nl ? nl : end) - line);

		if (dump_prefix(line, len, "Freed at [") ||
		    dump_prefix(line, len, "Failure detected at ["))
			return 1;
		if (!nl)
			break;
		line = nl + 1;
	}
	return 0;
}

/* The longest look ahead (pb_input_peek()'s cap): about 2,000 records of
 * the kernel's 4,096-record ring. */
#define PINNER_PEEK (2u << 20)

static void *pinner_open(struct pb_parser *p, char *err, size_t errlen)
{
	struct pinner *pp = pb_calloc(1, sizeof(*pp));
	struct pb_input *in = pb_parser_input(p);
	const char *head;
	size_t n;

	(void)err;
	(void)errlen;
	pp->blk = dump_block_new(p, &pinner_block);
	pp->file = file_from_name(pb_input_path(in));
	if (pp->file == FILE_UNKNOWN) {
		n = pb_input_peek(in, &head, PINNER_PEEK);
		if (n != (size_t)-1 && head_has_failure_record(head, n))
			pp->file = FILE_PUTS;
	}
	return pp;
}

/* Microseconds of field NAME as nanoseconds; -1 when absent or absurd. */
static int64_t field_us_to_ns(const struct dump_block *b, const char *name)
{
	for (size_t i = 0; i < b->rec.nfields; i++) {
		const struct pb_field *f = &b->rec.fields[i];
		int64_t us;

		if (!strcmp(f->name, name) && !pb_parse_i64(f->value, strlen(f->value), &us))
			return us >= 0 && us < INT64_MAX / 1000 ? us * 1000 : -1;
	}
	return -1;
}

/* Renames field FROM to TO (both outlive the record). */
static void rename_field(struct dump_block *b, const char *from, const char *to)
{
	for (size_t i = 0; i < b->rec.nfields; i++)
		if (!strcmp(b->rec.fields[i].name, from))
			b->rec.fields[i].name = to;
}

/* "Page pinned ts N us count C": a pinner-file record (C > 0, the pins
 * that hold the page now, N the time of the last one) or a record of
 * longterm_pinner (N: how long the pin was held) or of the generation's
 * alloc_contig_failed (N: when a reference was put), both with C = 0. */
static void settle_ts_count(struct pinner *pp, struct pb_record *rec)
{
	const char *count = pb_record_field(rec, "pinner_count");

	if (count && strcmp(count, "0")) {
		rec->event = "pin";
		rec->ts_ns = field_us_to_ns(pp->blk, "pinned_us");
	} else if (pp->file == FILE_PINS) {
		rec->event = "pin";
		rename_field(pp->blk, "pinned_us", "elapsed_us");
	} else if (pp->file == FILE_PUTS) {
		rec->event = "put";
		rec->ts_ns = field_us_to_ns(pp->blk, "pinned_us");
	} else {
		rec->event = "pinned";
	}
}

/* Gives REC its final event; 1, or -1 when the caller asked to stop at
 * a record counted as undecided. */
static int pinner_settle(struct pinner *pp, struct pb_parser *p, struct pb_record *rec)
{
	if (!strcmp(rec->event, "free") || !strcmp(rec->event, "failure_detected"))
		pp->file = FILE_PUTS;
	if (rec->event == EV_TS_COUNT)
		settle_ts_count(pp, rec);
	else if (rec->event == EV_ELAPSED)
		rec->event = pp->file == FILE_PINS ? "pin" : pp->file == FILE_PUTS ? "put" : "pinned";
	if (strcmp(rec->event, "pinned"))
		return 1;
	return pb_parser_bad_line(p, rec->line, PB_BAD_PINNER_SIDE, rec->body,
				  strlen(rec->body)) ? -1 : 1;
}

static int pinner_next(void *state, struct pb_parser *p, struct pb_record *rec)
{
	struct pinner *pp = state;
	int rc = dump_block_next(pp->blk, p, rec);

	return rc == 1 ? pinner_settle(pp, p, rec) : rc;
}

static void pinner_close(void *state)
{
	struct pinner *pp = state;

	dump_block_free(pp->blk);
	free(pp);
}

const struct pb_format_ops pb_page_pinner_ops = {
	.format = PB_FMT_PAGE_PINNER,
	.open = pinner_open,
	.next = pinner_next,
	.close = pinner_close,
};
