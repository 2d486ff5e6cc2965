/* kmsg_dump.c - the multi-line records of a kernel log: dump_page() with
 * the page_owner block after it, dump_stack() call traces, and the blocks
 * Android's page_pinner prints after a dump. */
#include <stdio.h>
#include <string.h>

#include "kmsg_int.h"
#include "text.h"

/* A dump_page() record spans a dozen lines; lines of other CPUs may land
 * in between, but this many unknown ones mean the dump was cut off. */
#define DUMP_UNKNOWN_MAX 16
/* dump_stack() prints "CPU: N PID: N Comm: X" a few lines before its call
 * trace ("Hardware name:", x86 registers); farther away it is not ours. */
#define TASK_LINE_REACH 32
/* The "migrating pfn" line comes right before its dump; lines of other
 * CPUs may land in between. */
#define MIGRATE_LINE_REACH 4

/* --- dump_page() ------------------------------------------------------- */

int kmsg_is_dump_head(const char *s, size_t len)
{
	const char *sp;

	if (!dump_prefix(s, len, "page:"))
		return 0;
	sp = memchr(s, ' ', len);
	if (!sp)
		return 0;
	sp++;
	len -= sp - s;
	return dump_prefix(sp, len, "refcount:") || dump_prefix(sp, len, "count:") ||
	       dump_prefix(sp, len, "is uninitialized and poisoned");
}

/* arm's dump_backtrace_entry() with CONFIG_BACKTRACE_VERBOSE, and every
 * arm kernel before that option: "[<%08lx>] (%ps) from [<%08lx>] (%pS)",
 * the loglevel and no blank before it. Until 6.1 no "Call trace:" came
 * before the first one, so such a line also begins a call trace. */
static int arm_verbose_frame(const char *s, size_t len)
{
	const char *close;

	return dump_prefix(s, len, "[<") && (close = kmsg_find(s, len, ">] (")) &&
	       kmsg_find(close, (size_t)(s + len - close), ") from [<") && s[len - 1] == ')';
}

int kmsg_is_call_trace(const char *s, size_t len)
{
	return dump_prefix(s, len, "Call trace:") || dump_prefix(s, len, "Call Trace:") ||
	       dump_prefix(s, len, "Backtrace:") || arm_verbose_frame(s, len);
}

/* The registers arm's frame-pointer unwinder prints between two frames,
 * dump_backtrace_stm()'s " r%d:%08x" groups ("r6:c06a1f30 r5:00000000"):
 * part of the trace, no frame. */
static int arm_saved_registers(const char *s, size_t len)
{
	size_t i = 1;

	if (len < 4 || s[0] != 'r')
		return 0;
	while (i < len && pb_is_digit(s[i]))
		i++;
	return i > 1 && i + 1 < len && s[i] == ':' && pb_is_lower_hex(s[i + 1]);
}

/* Lines that begin another record: a dump cut short ends at them. */
static int starts_record(const char *s, size_t len)
{
	return kmsg_is_dump_head(s, len) || kmsg_is_call_trace(s, len) ||
	       dump_prefix(s, len, "CPU: ") || dump_prefix(s, len, "migrating pfn ");
}

/* Field names of the key:value words of a dump's first and head: lines. */
static const char *dump_key(const char *key, size_t len, int head_line)
{
	static const struct {
		const char *key, *name;
	} keys[] = {
		{ "page", "page" }, { "refcount", "refcount" }, { "count", "refcount" },
		{ "mapping", "mapping" }, { "index", "index" }, { "pfn", "pfn" },
		{ "head", "head" }, { "order", "order" },
		{ "compound_mapcount", "compound_mapcount" },
		{ "compound_pincount", "pincount" }, { "pincount", "pincount" },
		{ "entire_mapcount", "entire_mapcount" },
		{ "nr_pages_mapped", "nr_pages_mapped" }, { "memcg", "memcg" },
	};

	/* a head: line's mapcount (6.11+) counts the whole folio */
	if (len == 8 && !memcmp(key, "mapcount", 8))
		return head_line ? "folio_mapcount" : "mapcount";
	for (size_t i = 0; i < PB_ARRAY_SIZE(keys); i++)
		if (strlen(keys[i].key) == len && !memcmp(keys[i].key, key, len))
			return keys[i].name;
	return NULL;
}

/* "page:fffffc0004380140 refcount:3 mapcount:0 ... pfn:0x14e005", and the
 * "head:fffffc0002e8e800 order:9 entire_mapcount:1 ..." line; up to 5.4
 * " compound_mapcount: %d" with a blank after the colon. Returns the
 * number of known words. */
static int dump_words(struct kmsg *k, const char *s, size_t len, int head_line)
{
	const char *pos = s, *end = s + len;
	struct dump_slice w, v;
	int known = 0;

	while (!dump_word(&pos, end, &w)) {
		const char *colon = memchr(w.s, ':', w.len);
		const char *name;
		size_t vlen;

		if (!colon)
			continue;
		vlen = w.len - (colon + 1 - w.s);
		name = dump_key(w.s, colon - w.s, head_line);
		if (!name)
			continue;
		known++;
		if (vlen) {
			kmsg_field(k, name, colon + 1, vlen);
		} else {
			const char *save = pos;

			if (!dump_word(&pos, end, &v) && !memchr(v.s, ':', v.len))
				kmsg_field(k, name, v.s, v.len);
			else
				pos = save;
		}
	}
	return known;
}

/* "head:" is both the compound head line and, with a blank after the
 * colon and no key:value words, a hex row of the head struct page. */
static void head_line(struct kmsg *k, const char *s, size_t len)
{
	const char *pos = s + 5, *end = s + len;
	struct dump_slice w;

	if (pos < end && *pos == ' ' && !dump_word(&pos, end, &w) && !memchr(w.s, ':', w.len))
		return;
	dump_words(k, s, len, 1);
}

/* "aops:0xffff800008d36200 ino:2 dentry name(?):"holdpages.dat"" and the
 * other dump_mapping() forms ("aops:shmem_aops ino:2 dentry name:"x""). */
static void mapping_line(struct kmsg *k, const char *s, size_t len)
{
	const char *pos = s, *end = s + len, *q, *last;
	struct dump_slice w;

	while (!dump_word(&pos, end, &w)) {
		size_t n;

		if ((n = dump_prefix(w.s, w.len, "aops:")) && w.len > n)
			kmsg_field(k, "aops", w.s + n, w.len - n);
		else if ((n = dump_prefix(w.s, w.len, "ino:")) && w.len > n)
			kmsg_field(k, "ino", w.s + n, w.len - n);
	}
	q = kmsg_find(s, len, "name(?):\"");
	if (!q)
		q = kmsg_find(s, len, "name:\"");
	if (!q)
		return;
	/* the quote is in the pattern just found */
	q = (const char *)memchr(q, '"', (size_t)(end - q)) + 1;
	last = end;
	while (last > q && last[-1] != '"')
		last--;
	if (last > q)
		kmsg_field(k, "dentry", q, last - 1 - q);
}

/* "[anon |ksm ]flags: 0xbfffc000008002e(referenced|...)[ CMA]" */
static int flags_line(struct kmsg *k, const char *s, size_t len)
{
	const char *pos, *end = s + len;
	struct dump_slice w;
	size_t n;

	if ((n = dump_prefix(s, len, "anon ")))
		kmsg_field(k, "anon", "1", 1);
	else if ((n = dump_prefix(s, len, "ksm ")) || (n = dump_prefix(s, len, "KSM ")))
		kmsg_field(k, "ksm", "1", 1);
	/* 3.x dump_page_flags(): "page flags: %#lx(" */
	if (!n && dump_prefix(s, len, "page flags:"))
		n = 5;
	if (!dump_prefix(s + n, len - n, "flags:"))
		return -1;
	pos = s + n + 6;
	if (dump_word(&pos, end, &w))
		return 0;
	kmsg_field(k, "flags", w.s, w.len);
	if (!dump_word(&pos, end, &w) && w.len == 3 && !memcmp(w.s, "CMA", 3))
		kmsg_field(k, "cma", "1", 1);
	return 0;
}

/* 5.4-5.7 print the mapping as "%ps name:\"%pd\"" or "%ps" of its a_ops:
 * "shmem_aops name:\"holdpages.dat\"". */
static int aops_symbol_line(struct kmsg *k, const char *s, size_t len)
{
	const char *pos = s, *end = s + len, *q;
	struct dump_slice w;

	if (dump_word(&pos, end, &w) || w.len < 5 || memcmp(w.s + w.len - 5, "_aops", 5))
		return -1;
	kmsg_field(k, "aops", w.s, w.len);
	q = kmsg_find(pos, (size_t)(end - pos), "name:\"");
	if (q && end[-1] == '"' && end - 1 > q + 6)
		kmsg_field(k, "dentry", q + 6, (size_t)(end - 1 - (q + 6)));
	return 0;
}

/* One line between "page:" and "page dumped because:"; -1 when unknown.
 * An indented line is the rest of the line before it, wrapped by a
 * console or a mail client ("  index:0x7f20671f7 pfn:0x442b6a"). */
static int dump_body_line(struct kmsg *k, const char *s, size_t len)
{
	size_t n;

	if (dump_blanks(s, len))
		return dump_words(k, s, len, 0) ? 0 : -1;
	if (dump_prefix(s, len, "raw: ") || dump_prefix(s, len, "page_type:"))
		return 0;
	if (dump_prefix(s, len, "head:")) {
		head_line(k, s, len);
		return 0;
	}
	if ((n = dump_prefix(s, len, "memcg:")) ||
	    (n = dump_prefix(s, len, "pages's memcg:")) ||
	    (n = dump_prefix(s, len, "page->mem_cgroup:"))) {
		kmsg_field(k, "memcg", s + n, len - n);
		return 0;
	}
	if (dump_prefix(s, len, "aops:")) {
		mapping_line(k, s, len);
		return 0;
	}
	if ((n = dump_prefix(s, len, "compound_mapcount: "))) {
		kmsg_field(k, "compound_mapcount", s + n, len - n);
		return 0;
	}
	if (!aops_symbol_line(k, s, len))
		return 0;
	return flags_line(k, s, len);
}

enum owner_stack { OWNER_NONE, OWNER_ALLOC, OWNER_FREE };

/* Where the lines after "page dumped because:" are. */
struct dump_tail_state {
	enum owner_stack stack;
	size_t frames_at;	/* frames of the record when the stack began */
	int framed;		/* a frame of the stack was read */
	size_t indent;		/* the blanks before its frames */
};

static void put_field(void *k, const char *name, const char *v, size_t len)
{
	kmsg_field(k, name, v, len);
}

/* "page last allocated via order 0, migratetype Movable, gfp_mask ..." */
static void owner_alloc(struct kmsg *k, const char *s, size_t len)
{
	struct dump_alloc a;

	if (dump_parse_alloc(s, len, &a) == 0)
		dump_alloc_put(&a, ALLOC_NAMES_KMSG, put_field, k);
}

/* Lines of dump_page_owner() that carry nothing but are part of it. */
static int owner_note(const char *s, size_t len)
{
	static const char *const notes[] = {
		"page_owner info is not present (never set?)",
		"page_owner info is not active (free page?)",
		"page_owner allocation stack trace missing",
		"page_owner free stack trace missing",
		"There is not page extension available.",
	};

	for (size_t i = 0; i < PB_ARRAY_SIZE(notes); i++)
		if (dump_prefix(s, len, notes[i]))
			return 1;
	return 0;
}

/* The header of page_owner's allocation stack wrapped by a console or a
 * mail client: the line after it is its rest ("  Movable, gfp_mask
 * 0x140dca(...), pid 1, ..."), not a frame: " %pS" prints no ", ". */
static int is_wrapped_header(const char *s, size_t len)
{
	return kmsg_find(s, len, ", ") != NULL;
}

/* Takes the rest of a wrapped allocation header and reads it whole. */
static void owner_alloc_rest(struct kmsg *k, const char *s, size_t len)
{
	size_t b = dump_blanks(s, len);

	pb_buf_addc(&k->owner, ' ');
	pb_buf_add(&k->owner, s + b, len - b);
	owner_alloc(k, k->owner.data, k->owner.len);
}

/* The header of page_owner's allocation stack: the frames after it say
 * where the page was allocated, and the record says so ("stack_of"). */
static void owner_alloc_head(struct kmsg *k, const char *s, size_t len,
			     struct dump_tail_state *st)
{
	pb_buf_reset(&k->owner);
	pb_buf_add(&k->owner, s, len);
	owner_alloc(k, s, len);
	kmsg_field(k, "stack_of", "page_owner_alloc", 16);
	st->stack = OWNER_ALLOC;
	st->frames_at = k->rec.nframes;
	st->framed = 0;
}

/* A frame line of the stack read (kept or not): where its frames are. */
static void tail_frame(const char *s, size_t len, struct dump_tail_state *st)
{
	st->framed = 1;
	st->indent = dump_blanks(s, len);
}

/* An indented line after "page dumped because:": 0 when it is part of
 * the dump, -1 when it ends it. */
static int dump_tail_indented(struct kmsg *k, const char *s, size_t len,
			      struct dump_tail_state *st)
{
	if (st->stack == OWNER_ALLOC) {
		if (k->rec.nframes == st->frames_at && is_wrapped_header(s, len)) {
			owner_alloc_rest(k, s, len);
			return 0;
		}
		if (dump_frame(&k->rec, kmsg_arena(k), s, len))
			return -1;
		tail_frame(s, len, st);
		return 0;
	}
	/* the free stack is not kept: its indented lines are skipped */
	if (st->stack != OWNER_FREE)
		return -1;
	tail_frame(s, len, st);
	return 0;
}

/* One line after "page dumped because:". Returns 0 when it belongs to the
 * dump, -1 when the dump is over. */
static int dump_tail_line(struct kmsg *k, const char *s, size_t len, struct dump_tail_state *st)
{
	size_t n;

	if (dump_blanks(s, len) ||
	    (st->stack != OWNER_NONE && (dump_decoded_frame(s, len) || dump_symbol_frame(s, len))))
		return dump_tail_indented(k, s, len, st);
	st->stack = OWNER_NONE;
	if ((n = dump_prefix(s, len, "page_owner tracks the page as "))) {
		kmsg_field(k, "owner_state", s + n, len - n);
	} else if ((n = dump_prefix(s, len, "page last allocated via ")) ||
		   (n = dump_prefix(s, len, "page allocated via "))) {
		owner_alloc_head(k, s + n, len - n, st);
	} else if (dump_prefix(s, len, "page last free ")) {
		st->stack = OWNER_FREE;
		st->framed = 0;
	} else if ((n = dump_prefix(s, len, "page has been migrated, last migrate reason: "))) {
		kmsg_field(k, "migrate_reason", s + n, len - n);
	} else if ((n = dump_prefix(s, len, "page->mem_cgroup:"))) {
		kmsg_field(k, "memcg", s + n, len - n);
	} else if (!owner_note(s, len)) {
		return -1;
	}
	return 0;
}

/* L after "page dumped because:": 1 when it belongs to the dump (or other
 * records were printed into a page_owner stack and it goes on after them,
 * read here), 0 when the dump ended at L (given again), -1 to stop. */
static int dump_tail_next(struct kmsg *k, struct kline *l, struct dump_tail_state *st)
{
	for (;;) {
		enum owner_stack in = st->stack;
		int rc;

		if (!dump_tail_line(k, l->text, l->len, st))
			return 1;
		if (in == OWNER_NONE || !st->framed) {
			kmsg_unget_line(k);
			return 0;
		}
		if ((rc = kmsg_stack_resumes(k, l, st->indent)) != 1)
			return rc;
		st->stack = in;
	}
}

static int dump_tail(struct kmsg *k)
{
	struct dump_tail_state st = { OWNER_NONE, 0, 0, 0 };
	struct kline l;
	int rc;

	while ((rc = kmsg_record_line(k, &l)) == 1) {
		if (l.kernel && (rc = dump_tail_next(k, &l, &st)) != 1)
			break;
	}
	return rc < 0 ? -1 : 0;
}

static int has_field(const struct dump_rec *d, const char *name)
{
	for (size_t i = 0; i < d->nfields; i++)
		if (!strcmp(d->fields[i].name, name))
			return 1;
	return 0;
}

/* Dumps before 5.9 print no pfn. do_migrate_range() prints "migrating pfn
 * %lx failed ret:%d" right before dump_page() of that page: a dump without
 * a pfn takes the pfn of that line when it came just before. */
static void pfn_from_migrate_line(struct kmsg *k, uint64_t head_lineno)
{
	if (has_field(&k->rec, "pfn") || !k->migrate_line || head_lineno <= k->migrate_line ||
	    head_lineno - k->migrate_line > MIGRATE_LINE_REACH)
		return;
	kmsg_field(k, "pfn", k->migrate_pfn, strlen(k->migrate_pfn));
	kmsg_field(k, "pfn_from", "migrate_failed", 14);
}

/* Up to 4.4 do_migrate_range() dumped with no reason (dump_page(page,
 * NULL)): a dump of that layout ("count:", not 4.16's "refcount:") is
 * whole once its flags line came, and ends where its lines do. */
static int whole_without_reason(struct kmsg *k)
{
	/* the head line's own copy: the line read may have been the colour
	 * stripper's buffer, which the lines after it reuse */
	return kmsg_find(pb_buf_str(&k->head), k->head.len, " count:") &&
	       has_field(&k->rec, "flags");
}

/* The dump's end: the page_owner block after the reason, the pfn. */
static int dump_end(struct kmsg *k, uint64_t head_lineno, struct pb_record *rec)
{
	if (dump_tail(k))
		return -1;
	pfn_from_migrate_line(k, head_lineno);
	return kmsg_finish_record(k, rec);
}

int kmsg_dump_page(struct kmsg *k, const struct kline *first, struct pb_record *rec)
{
	uint64_t head_lineno = first->lineno;
	int unknown = 0, rc;
	struct kline l;
	size_t n;

	kmsg_start_record(k, first, rec, "dump_page");
	pb_buf_reset(&k->head);
	pb_buf_add(&k->head, first->text, first->len);
	dump_words(k, first->text, first->len, 0);
	for (;;) {
		rc = kmsg_next_line(k, &l);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return whole_without_reason(k) ? kmsg_finish_record(k, rec)
							      : kmsg_truncated(k, head_lineno);
		if (!l.kernel)
			continue;
		if ((n = dump_prefix(l.text, l.len, "page dumped because: ")))
			break;
		if (starts_record(l.text, l.len)) {
			kmsg_unget_line(k);
			return whole_without_reason(k) ? dump_end(k, head_lineno, rec)
							      : kmsg_truncated(k, head_lineno);
		}
		if (!dump_body_line(k, l.text, l.len))
			continue;
		if (whole_without_reason(k)) {
			kmsg_unget_line(k);
			return dump_end(k, head_lineno, rec);
		}
		if (++unknown > DUMP_UNKNOWN_MAX)
			return kmsg_truncated(k, head_lineno);
	}
	kmsg_field(k, "reason", l.text + n, l.len - n);
	return dump_end(k, head_lineno, rec);
}

/* --- dump_stack() ------------------------------------------------------ */

/* One side of an arm backtrace line, "[<c010e4b0>] (show_stack+0x10/0x14)"
 * or "show_stack+0x10/0x14", as a frame: the parentheses of the verbose
 * form are taken off ("[<addr>] sym+off/size" is a frame as x86 printed it). */
static int arm_side(struct kmsg *k, const char *s, size_t len)
{
	const char *open = kmsg_find(s, len, "] (");
	char buf[640];

	if (!dump_prefix(s, len, "[<"))
		return dump_frame(&k->rec, kmsg_arena(k), s, len);
	if (!open || s[len - 1] != ')' || len > sizeof(buf))
		return -1;
	/* "[<addr>] " then what the parentheses hold */
	memcpy(buf, s, (size_t)(open - s) + 2);
	memcpy(buf + (open - s) + 2, open + 3, len - (size_t)(open - s) - 4);
	return dump_frame(&k->rec, kmsg_arena(k), buf, len - 2);
}

/* arm's "WHERE from CALLER" (dump_backtrace_entry(): " %ps from %pS", or
 * the verbose "[<%08lx>] (%ps) from [<%08lx>] (%pS)"): the function, and
 * the caller it returns into with the offset. A line's caller is the next
 * line's function, so the first line gives both frames and each later one
 * its caller. Returns 1 when S is no such line. */
static int arm_frames(struct kmsg *k, const char *s, size_t len)
{
	const char *from = kmsg_find(s, len, " from ");

	if (!from)
		return 1;
	if (!k->rec.nframes && arm_side(k, s, (size_t)(from - s)))
		return -1;
	return arm_side(k, from + 6, (size_t)(s + len - from - 6)) ? -1 : 0;
}

/* x86's stack section markers ("<TASK>", "</IRQ>"), their blank lost
 * with the rest of a collapsed paste's. */
static int stack_marker(const char *s, size_t len)
{
	size_t i = s[0] == '<' ? 1 + (len > 1 && s[1] == '/') : 0;

	if (!i || len < i + 3 || len > 8 || s[len - 1] != '>')
		return 0;
	for (; i < len - 1; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return 0;
	return 1;
}

/* Frames printed without a blank before them: arm's verbose ones,
 * powerpc's "[%016lx] [%016lx] %pS" (stack pointer, return address; see
 * dump_ppc_frame_addr()) and s390's "([<%016lx>] %pSR)" of a frame its
 * unwinder is unsure of. */
static int unindented_frame(const char *s, size_t len)
{
	uint64_t ip;

	return arm_verbose_frame(s, len) || dump_ppc_frame_addr(s, len, &ip) ||
	       dump_prefix(s, len, "([<") || dump_decoded_frame(s, len) ||
	       dump_symbol_frame(s, len) || stack_marker(s, len);
}

/* 3.x-4.9 x86: print_trace_stack() writes "%s <%s> " (IRQ, EOI, NMI)
 * with no newline, so the first frame of the section follows it on its
 * line ("<IRQ>  [<ffffffff81080e63>] ? warn_alloc_failed+0x10a/0x11d"):
 * the line without the marker. */
static const char *x86_section_start(const char *s, size_t *len)
{
	const char *close = *len > 3 && s[0] == '<' ? memchr(s, '>', *len < 8 ? *len : 8) : NULL;
	size_t n;

	if (!close || (size_t)(close - s) + 1 == *len)
		return s;
	n = (size_t)(close - s) + 1;
	n += dump_blanks(s + n, *len - n);
	if (!dump_prefix(s + n, *len - n, "[<"))
		return s;
	*len -= n;
	return s + n;
}

/* A frame of old x86 and arm64, "[<%p>] %pS" (its "? " too), with its
 * blank collapsed away. */
static int addressed_frame(const char *s, size_t len)
{
	const char *close = dump_prefix(s, len, "[<") ? memchr(s, ']', len) : NULL;

	return close && (size_t)(s + len - close) > 2 && close[1] == ' ' &&
	       dump_symbol_frame(close + 2, (size_t)(s + len - close) - 2);
}

/* Such lines, after a section marker or not, with their blank collapsed
 * away. */
static int x86_marked_frame(const char *s, size_t len)
{
	const char *rest = x86_section_start(s, &len);

	return addressed_frame(rest, len);
}

/* printk_stack_address() of 3.x-4.9 x86, "%s [<%p>] %s%pB": the "? " of
 * a frame the unwinder is unsure of comes after the address. */
static int x86_stale_addressed(const char *s, size_t len)
{
	const char *close = dump_prefix(s, len, "[<") ? memchr(s, ']', len) : NULL;

	return close && (size_t)(s + len - close) > 3 && close[1] == ' ' && close[2] == '?' &&
	       close[3] == ' ';
}

int kmsg_stack_frame(const char *s, size_t len, size_t *indent)
{
	size_t n = dump_blanks(s, len);

	*indent = n;
	/* a section marker ("<IRQ>") alone is no frame to go on with */
	return n < len && !stack_marker(s + n, len - n) &&
	       (unindented_frame(s + n, len - n) || x86_marked_frame(s + n, len - n));
}

int kmsg_ends_stack(const char *s, size_t len)
{
	static const char *const heads[] = {
		"page ", "page_owner", "page_pinner", "PFN ", "---[ ", "Modules linked in",
		"Hardware name:", "WARNING:", "BUG:", "Oops", "Internal error", "Kernel panic",
		"Unable to handle", "Allocated by task", "Freed by task",
	};

	len = dump_rtrim(s, len);
	if (!len || s[len - 1] == ':' || starts_record(s, len))
		return 1;
	for (size_t i = 0; i < PB_ARRAY_SIZE(heads); i++)
		if (dump_prefix(s, len, heads[i]))
			return 1;
	return 0;
}

/* One line of a call trace: 0 when it belongs to it, -1 when it ends it. */
static int trace_line(struct kmsg *k, const char *s, size_t len)
{
	size_t n = dump_blanks(s, len);
	int rc;

	/* powerpc's "--- interrupt: %lx at %pS" (3.x: "--- Exception: %lx
	 * at %pS" and "    LR = %pS" under it) between the frames of an
	 * exception and the ones below it; the registers 5.x+ print after
	 * it (NIP:, GPR00:, ...) end the trace, the syscall's entry being its
	 * last frame */
	if (!n && (dump_prefix(s, len, "--- interrupt: ") || dump_prefix(s, len, "--- Exception: ")))
		return 0;
	if (n && dump_prefix(s + n, len - n, "LR = "))
		return 0;
	if (!n && !unindented_frame(s, len) && !x86_marked_frame(s, len))
		return -1;
	s += n;
	len -= n;
	s = x86_section_start(s, &len);
	if (arm_saved_registers(s, len))
		return 0;
	if ((rc = arm_frames(k, s, len)) <= 0)
		return rc;
	/* "<TASK>", "</IRQ>": x86 stack section markers */
	if (len > 2 && s[0] == '<' && s[len - 1] == '>')
		return 0;
	/* "? func+0x1d0/0x230": a stale word the x86 unwinder is unsure of,
	 * also after the address of 3.x-4.9 ("[<%p>] %s%pB": "? " there) */
	if (dump_prefix(s, len, "? ") || x86_stale_addressed(s, len))
		return 0;
	return dump_frame(&k->rec, kmsg_arena(k), s, len);
}

/* L of a call trace whose frames are indented *INDENT: 1 when it belongs
 * to it (or other records were printed into the trace and it goes on
 * after them, read here), 0 when the trace ended at L (given again), -1
 * to stop. */
static int trace_next(struct kmsg *k, struct kline *l, size_t *indent)
{
	int rc;

	while (trace_line(k, l->text, l->len)) {
		if (!k->rec.nframes) {
			kmsg_unget_line(k);
			return 0;
		}
		if ((rc = kmsg_stack_resumes(k, l, *indent)) != 1)
			return rc;
	}
	/* where the frames are: the line is one (no syntax to check again) */
	*indent = dump_blanks(l->text, l->len);
	return 1;
}

int kmsg_call_trace(struct kmsg *k, const struct kline *first, struct pb_record *rec)
{
	uint64_t head_lineno = first->lineno;
	size_t indent = 0;
	struct kline l;
	int rc;

	kmsg_start_record(k, first, rec, "call_trace");
	pb_buf_reset(&k->head);
	pb_buf_add(&k->head, first->text, first->len);
	if (k->task_line && first->lineno - k->task_line <= TASK_LINE_REACH) {
		rec->cpu = k->task_cpu;
		rec->pid = k->task_pid;
		rec->comm = pb_arena_strdup(kmsg_arena(k), pb_buf_str(&k->task_comm));
	}
	k->task_line = 0;
	/* an arm trace without a "Call trace:" line begins with its first frame */
	if (arm_verbose_frame(first->text, first->len) && trace_line(k, first->text, first->len))
		return kmsg_truncated(k, head_lineno);
	while ((rc = kmsg_record_line(k, &l)) == 1) {
		if (l.kernel && (rc = trace_next(k, &l, &indent)) != 1)
			break;
	}
	if (rc < 0)
		return -1;
	if (!k->rec.nframes)
		return kmsg_truncated(k, head_lineno);
	return kmsg_finish_record(k, rec);
}

/* --- page_pinner ------------------------------------------------------- */

/* "98.123456]" (the kernel prints no '[') as microseconds. */
static int pinned_stamp(const struct dump_slice *w, char *us, size_t size)
{
	const char *dot = memchr(w->s, '.', w->len);
	uint64_t sec, frac;

	if (!dot || w->s[w->len - 1] != ']' || w->s + w->len - 1 - dot != 7 ||
	    pb_parse_u64(w->s, (size_t)(dot - w->s), &sec) ||
	    pb_parse_u64(dot + 1, 6, &frac))
		return -1;
	snprintf(us, size, "%llu", (unsigned long long)(sec * 1000000 + frac));
	return 0;
}

/* "PFN 583073 Block 1138 type Movable Flags 0x...(...)": the pfn is decimal. */
static int pinned_page_line(struct kmsg *k, const char *s, size_t len)
{
	static const char *const keys[] = { "PFN", "Block", "type", "Flags" };
	static const char *const names[] = { "pfn", "block", "migratetype", "flags" };
	const char *pos = s, *end = s + len;
	struct dump_slice key, val;
	uint64_t pfn;

	for (size_t i = 0; i < PB_ARRAY_SIZE(keys); i++) {
		if (dump_word(&pos, end, &key) || !dump_prefix(key.s, key.len, keys[i]) ||
		    key.len != strlen(keys[i]) || dump_word(&pos, end, &val))
			return -1;
		if (i == 0 && pb_parse_u64(val.s, val.len, &pfn))
			return -1;
		kmsg_field(k, names[i], val.s, val.len);
	}
	return 0;
}

/* A line of page_pinner's stack: a frame. */
static int pinned_frame(struct kmsg *k, const char *s, size_t len)
{
	return (dump_blanks(s, len) || dump_decoded_frame(s, len) || dump_symbol_frame(s, len)) &&
	       !dump_frame(&k->rec, kmsg_arena(k), s, len);
}

/* L of page_pinner's stack whose frames are indented *INDENT: 1 when a
 * frame of it (after other records printed into it, maybe), 0 when the
 * stack ended at L (given again), -1 to stop. */
static int pinned_next(struct kmsg *k, struct kline *l, size_t *indent)
{
	int rc;

	while (!pinned_frame(k, l->text, l->len)) {
		if (!k->rec.nframes) {
			kmsg_unget_line(k);
			return 0;
		}
		if ((rc = kmsg_stack_resumes(k, l, *indent)) != 1)
			return rc;
	}
	*indent = dump_blanks(l->text, l->len);
	return 1;
}

/* What __dump_page_pinner() of Android's page_pinner prints after a
 * dump_page() (vendor kernels 5.10-5.15):
 *   page last pinned %5lu.%06lu] count %d        (earlier: "ts %lld count %d", in us)
 *   PFN %lu Block %lu type %s Flags %#lx(%pGp)
 *    <the stack that last pinned the page, one frame per line>
 * ("page_pinner allocation stack trace missing" instead of the stack). */
int kmsg_last_pinned(struct kmsg *k, const struct kline *first, size_t skip,
		       struct pb_record *rec)
{
	const char *pos = first->text + skip, *end = first->text + first->len;
	struct dump_slice w, count;
	size_t indent = 0;
	struct kline l;
	char us[32];
	int rc;

	kmsg_start_record(k, first, rec, "page_pinner_last_pinned");
	pb_buf_reset(&k->head);
	pb_buf_add(&k->head, first->text, first->len);
	if (dump_word(&pos, end, &w))
		return kmsg_syntax(k, first);
	if (w.len == 2 && !memcmp(w.s, "ts", 2)) {
		if (dump_word(&pos, end, &w) || w.len >= sizeof(us))
			return kmsg_syntax(k, first);
		snprintf(us, sizeof(us), "%.*s", (int)w.len, w.s);
	} else if (pinned_stamp(&w, us, sizeof(us))) {
		return kmsg_syntax(k, first);
	}
	if (dump_word(&pos, end, &w) || !dump_prefix(w.s, w.len, "count") ||
	    dump_word(&pos, end, &count))
		return kmsg_syntax(k, first);
	kmsg_field(k, "pinned_us", us, strlen(us));
	kmsg_field(k, "count", count.s, count.len);
	while ((rc = kmsg_next_line(k, &l)) == 1 && !l.kernel)
		;
	if (rc < 0)
		return -1;
	if (rc == 0 || pinned_page_line(k, l.text, l.len)) {
		if (rc)
			kmsg_unget_line(k);
		return kmsg_truncated(k, first->lineno);
	}
	while ((rc = kmsg_record_line(k, &l)) == 1) {
		if (!l.kernel ||
		    dump_prefix(l.text, l.len, "page_pinner allocation stack trace missing"))
			continue;
		if ((rc = pinned_next(k, &l, &indent)) != 1)
			break;
	}
	return rc < 0 ? -1 : kmsg_finish_record(k, rec);
}
