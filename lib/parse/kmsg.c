/* kmsg.c - kernel log parser (dmesg, dmesg -T/-x/-r, /dev/kmsg,
 * journalctl -k, serial console): dump_page() records with the page_owner
 * block after them, dump_stack() call traces, and the one-line migration
 * and CMA failure messages. A kernel log is mostly unrelated text, so every
 * other line is simply not an event; only records that start and then break
 * off are bad lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump.h"

/* A dump_page() record spans a dozen lines; lines of other CPUs may land
 * in between, but this many unknown ones mean the dump was cut off. */
#define DUMP_UNKNOWN_MAX 16
/* dump_stack() prints "CPU: N PID: N Comm: X" a few lines before its call
 * trace ("Hardware name:", x86 registers); farther away it is not ours. */
#define TASK_LINE_REACH 32

struct kline {
	const char *text;	/* the message, prefixes removed */
	size_t len;
	int64_t ts_ns;		/* printk stamp, -1 when the line has none */
	uint64_t lineno;
	int kernel;		/* 0: journal line of another program */
};

struct kmsg {
	struct pb_parser *p;
	struct dump_rec rec;
	struct pb_buf head;	/* first line of the record being read */
	struct pb_buf task_comm;
	int32_t task_cpu, task_pid;
	uint64_t task_line;	/* 0: no "CPU: ... PID: ..." line pending */
	int have_banner;	/* kernel release known from "Linux version" */
};

static const char *const months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

/* "<4>": the console log level (dmesg -r). */
static size_t level_prefix(const char *s, size_t n)
{
	size_t i = 1;

	if (n < 3 || s[0] != '<')
		return 0;
	while (i < n && i < 5 && is_digit(s[i]))
		i++;
	return i > 1 && i < n && s[i] == '>' ? i + 1 : 0;
}

/* /dev/kmsg: "6,339,5140900,-;" (level, sequence, microseconds since boot,
 * flags). */
static size_t devkmsg_prefix(const char *s, size_t n, int64_t *ts)
{
	size_t i, commas = 0, digits = 0;
	uint64_t us = 0;

	for (i = 0; i < n && i < 48 && s[i] != ';'; i++) {
		if (s[i] == ',') {
			commas++;
		} else if (commas < 3 && !is_digit(s[i])) {
			return 0;
		} else if (commas == 2) {
			us = us * 10 + (uint64_t)(s[i] - '0');
			digits++;
		}
	}
	if (i == n || s[i] != ';' || commas < 3 || !digits || digits > 15)
		return 0;
	*ts = (int64_t)(us * 1000);
	return i + 1;
}

/* dmesg -x: "kern  :warn  : ". */
static size_t facility_prefix(const char *s, size_t n)
{
	size_t i = 0;

	for (int part = 0; part < 2; part++) {
		size_t start = i;

		while (i < n && is_lower(s[i]))
			i++;
		if (i == start)
			return 0;
		while (i < n && s[i] == ' ')
			i++;
		if (i == n || s[i] != ':')
			return 0;
		i++;
	}
	return i < n && s[i] == ' ' ? i + 1 : 0;
}

/* "Nov 25 10:00:00 " (syslog, journalctl) or "2025-11-25T10:00:00+0100 "
 * (journalctl -o short-iso). */
static size_t date_prefix(const char *s, size_t n)
{
	const char *sp;

	if (n > 20 && is_digit(s[0]) && s[4] == '-' && s[7] == '-' && s[10] == 'T') {
		sp = memchr(s, ' ', n);
		return sp ? (size_t)(sp - s) + 1 : 0;
	}
	if (n < 16 || s[3] != ' ' || s[6] != ' ' || s[9] != ':' || s[12] != ':' || s[15] != ' ')
		return 0;
	for (size_t m = 0; m < PB_ARRAY_SIZE(months); m++)
		if (!memcmp(s, months[m], 3))
			return 16;
	return 0;
}

/* "host kernel: " after a journal date; *KERNEL is cleared for lines of
 * other programs ("host systemd[1]: "). */
static size_t journal_host(const char *s, size_t n, int *kernel)
{
	const char *sp = memchr(s, ' ', n);
	size_t i, k;

	if (!sp)
		return 0;
	i = sp - s + 1;
	k = dump_prefix(s + i, n - i, "kernel: ");
	if (!k) {
		*kernel = 0;
		return 0;
	}
	return i + k;
}

/* dmesg -T: "[Tue Nov 25 10:00:00 2025]". */
static size_t wallclock_prefix(const char *s, size_t n)
{
	if (n < 26 || s[0] != '[' || s[25] != ']' || s[14] != ':' || s[17] != ':')
		return 0;
	return 26;
}

/* CONFIG_PRINTK_CALLER: "[  T123]" or "[ C1]". */
static size_t caller_prefix(const char *s, size_t n)
{
	size_t i = 1;

	if (n < 4 || s[0] != '[')
		return 0;
	while (i < n && s[i] == ' ')
		i++;
	if (i == n || (s[i] != 'T' && s[i] != 'C'))
		return 0;
	i++;
	if (i == n || !is_digit(s[i]))
		return 0;
	while (i < n && is_digit(s[i]))
		i++;
	return i < n && s[i] == ']' ? i + 1 : 0;
}

/* Android vendor kernels: "[2:   Binder:714_1:  744] " (cpu: comm: pid). */
static size_t android_prefix(const char *s, size_t n)
{
	const char *end;
	size_t i = 1, j;

	if (n < 8 || s[0] != '[' || !is_digit(s[1]))
		return 0;
	while (i < n && is_digit(s[i]))
		i++;
	if (i == n || s[i] != ':')
		return 0;
	end = memchr(s, ']', n < 48 ? n : 48);
	if (!end || (size_t)(end - s) + 1 >= n || end[1] != ' ')
		return 0;
	j = end - s;
	if (!is_digit(s[j - 1]))
		return 0;
	while (j > i && is_digit(s[j - 1]))
		j--;
	while (j > i && s[j - 1] == ' ')
		j--;
	return j > i + 1 && s[j - 1] == ':' ? (size_t)(end - s) + 2 : 0;
}

static void strip_prefix(const char *s, size_t n, struct kline *l)
{
	size_t i = 0, k;
	int dated;

	l->ts_ns = -1;
	l->kernel = 1;
	i += level_prefix(s, n);
	i += devkmsg_prefix(s + i, n - i, &l->ts_ns);
	i += facility_prefix(s + i, n - i);
	k = date_prefix(s + i, n - i);
	dated = k != 0;
	if (dated) {
		i += k;
		i += journal_host(s + i, n - i, &l->kernel);
	}
	k = dump_stamp(s + i, n - i, &l->ts_ns);
	if (!k)
		k = wallclock_prefix(s + i, n - i);
	if (k) {
		i += k;
		if (i < n && s[i] == ' ' && caller_prefix(s + i + 1, n - i - 1))
			i++;
		i += caller_prefix(s + i, n - i);
		if (i < n && s[i] == ' ')
			i++;
		if (!dated) {
			int kernel = 1;

			/* journalctl -o short-monotonic: "[  1.23] host kernel: " */
			i += journal_host(s + i, n - i, &kernel);
		}
	}
	i += android_prefix(s + i, n - i);
	l->text = s + i;
	l->len = dump_rtrim(s + i, n - i);
}

static int next_line(struct kmsg *k, struct kline *l)
{
	const char *s;
	size_t n;
	int rc = dump_getline(k->p, &s, &n, &l->lineno);

	if (rc == 1)
		strip_prefix(s, n, l);
	return rc;
}

static void unget_line(struct kmsg *k)
{
	pb_input_ungetline(pb_parser_input(k->p));
}

static struct pb_arena *arena(struct kmsg *k)
{
	return pb_parser_arena(k->p);
}

static void field(struct kmsg *k, const char *name, const char *v, size_t len)
{
	dump_field(&k->rec, arena(k), name, v, len);
}

/* A hex pfn printed without "0x" ("migrating pfn 102496"): stored with the
 * prefix so that pb_record_u64() does not read it as decimal. */
static int hex_field(struct kmsg *k, const char *name, const char *v, size_t len)
{
	char buf[2 + 16];
	uint64_t x;

	if (!len || len > 16 || pb_parse_hex(v, len, &x))
		return -1;
	memcpy(buf, "0x", 2);
	memcpy(buf + 2, v, len);
	field(k, name, buf, len + 2);
	return 0;
}

static void start_record(struct kmsg *k, const struct kline *l, struct pb_record *rec,
			 const char *event)
{
	dump_rec_reset(&k->rec);
	rec->cpu = rec->pid = rec->tgid = -1;
	rec->comm = "";
	rec->line = l->lineno;
	rec->ts_ns = l->ts_ns;
	rec->system = "kmsg";
	rec->event = event;
	rec->body = pb_arena_strndup(arena(k), l->text, l->len);
}

static int finish_record(struct kmsg *k, struct pb_record *rec)
{
	dump_rec_attach(&k->rec, rec);
	return 1;
}

/* Reports the record begun at LINE (saved in k->head) as cut off. */
static int truncated(struct kmsg *k, uint64_t line)
{
	return pb_parser_bad_line(k->p, line, PB_BAD_TRUNCATED, k->head.data, k->head.len) ? -1 : 0;
}

static void set_release(struct kmsg *k, const char *s, size_t len)
{
	char *release = pb_strndup(s, len);
	const char *arch = dump_arch_from_release(s, len);

	pb_parser_set_meta(k->p, "kernel", release);
	if (arch)
		pb_parser_set_meta(k->p, "arch", arch);
	free(release);
}

/* "Linux version 6.1.0-50-arm64 (debian-kernel@...) (gcc-12 ...) #1 SMP" */
static void banner(struct kmsg *k, const struct kline *l, size_t skip)
{
	const char *pos = l->text + skip, *end = l->text + l->len;
	struct dump_slice w;
	const char *arch;

	if (dump_word(&pos, end, &w))
		return;
	set_release(k, w.s, w.len);
	k->have_banner = 1;
	/* distribution kernels name the machine in the compiler triplet */
	arch = dump_arch_from_release(l->text, l->len);
	if (!pb_parser_meta(k->p, "arch") && arch)
		pb_parser_set_meta(k->p, "arch", arch);
}

static const char *find(const char *s, size_t len, const char *needle)
{
	return memmem(s, len, needle, strlen(needle));
}

/* "CPU: 1 PID: 106 Comm: sh Not tainted 6.1.0-50-arm64 #1  Debian ..."
 * (6.10+: "CPU: 1 UID: 0 PID: 106 Comm: ..."); the comm may hold spaces. */
static void task_line(struct kmsg *k, const struct kline *l)
{
	const char *s = l->text, *end = s + l->len, *pid, *comm, *taint, *hash;
	int64_t cpu, npid;
	struct dump_slice w;
	const char *pos;

	pid = find(s, l->len, " PID: ");
	comm = find(s, l->len, " Comm: ");
	if (!pid || !comm || comm < pid)
		return;
	pos = s + 5;
	if (dump_word(&pos, end, &w) || pb_parse_i64(w.s, w.len, &cpu))
		return;
	pos = pid + 6;
	if (dump_word(&pos, end, &w) || pb_parse_i64(w.s, w.len, &npid))
		return;
	comm += 7;
	taint = find(comm, end - comm, " Not tainted");
	if (!taint)
		taint = find(comm, end - comm, " Tainted:");
	if (!taint)
		taint = end;
	k->task_cpu = (int32_t)cpu;
	k->task_pid = (int32_t)npid;
	pb_buf_reset(&k->task_comm);
	pb_buf_add(&k->task_comm, comm, taint - comm);
	pb_buf_addc(&k->task_comm, '\0');
	k->task_line = l->lineno;
	/* the release is the word before " #1" after the taint flags */
	hash = taint < end ? find(taint, end - taint, " #") : NULL;
	if (hash && !k->have_banner && !pb_parser_meta(k->p, "kernel")) {
		const char *r = hash;

		while (r > taint && r[-1] != ' ')
			r--;
		if (r < hash)
			set_release(k, r, hash - r);
	}
}

/* --- dump_page() ------------------------------------------------------- */

static int is_dump_head(const char *s, size_t len)
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

static int is_call_trace(const char *s, size_t len)
{
	return dump_prefix(s, len, "Call trace:") || dump_prefix(s, len, "Call Trace:");
}

/* Lines that begin another record: a dump cut short ends at them. */
static int starts_record(const char *s, size_t len)
{
	return is_dump_head(s, len) || is_call_trace(s, len) ||
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
 * "head:fffffc0002e8e800 order:9 entire_mapcount:1 ..." line. */
static void dump_words(struct kmsg *k, const char *s, size_t len, int head_line)
{
	const char *pos = s, *end = s + len;
	struct dump_slice w;

	while (!dump_word(&pos, end, &w)) {
		const char *colon = memchr(w.s, ':', w.len);
		const char *name;
		size_t vlen;

		if (!colon)
			continue;
		vlen = w.len - (colon + 1 - w.s);
		name = dump_key(w.s, colon - w.s, head_line);
		if (name && vlen)
			field(k, name, colon + 1, vlen);
	}
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
			field(k, "aops", w.s + n, w.len - n);
		else if ((n = dump_prefix(w.s, w.len, "ino:")) && w.len > n)
			field(k, "ino", w.s + n, w.len - n);
	}
	q = find(s, len, "name(?):\"");
	if (!q)
		q = find(s, len, "name:\"");
	if (!q)
		return;
	q = memchr(q, '"', end - q) + 1;
	last = end;
	while (last > q && last[-1] != '"')
		last--;
	if (last > q)
		field(k, "dentry", q, last - 1 - q);
}

/* "[anon |ksm ]flags: 0xbfffc000008002e(referenced|...)[ CMA]" */
static int flags_line(struct kmsg *k, const char *s, size_t len)
{
	const char *pos, *end = s + len;
	struct dump_slice w;
	size_t n;

	if ((n = dump_prefix(s, len, "anon ")))
		field(k, "anon", "1", 1);
	else if ((n = dump_prefix(s, len, "ksm ")) || (n = dump_prefix(s, len, "KSM ")))
		field(k, "ksm", "1", 1);
	if (!dump_prefix(s + n, len - n, "flags:"))
		return -1;
	pos = s + n + 6;
	if (dump_word(&pos, end, &w))
		return 0;
	field(k, "flags", w.s, w.len);
	if (!dump_word(&pos, end, &w) && w.len == 3 && !memcmp(w.s, "CMA", 3))
		field(k, "cma", "1", 1);
	return 0;
}

/* One line between "page:" and "page dumped because:"; -1 when unknown. */
static int dump_body_line(struct kmsg *k, const char *s, size_t len)
{
	size_t n;

	if (dump_prefix(s, len, "raw: ") || dump_prefix(s, len, "page_type:"))
		return 0;
	if (dump_prefix(s, len, "head:")) {
		head_line(k, s, len);
		return 0;
	}
	if ((n = dump_prefix(s, len, "memcg:")) ||
	    (n = dump_prefix(s, len, "pages's memcg:")) ||
	    (n = dump_prefix(s, len, "page->mem_cgroup:"))) {
		field(k, "memcg", s + n, len - n);
		return 0;
	}
	if (dump_prefix(s, len, "aops:")) {
		mapping_line(k, s, len);
		return 0;
	}
	if ((n = dump_prefix(s, len, "compound_mapcount: "))) {
		field(k, "compound_mapcount", s + n, len - n);
		return 0;
	}
	return flags_line(k, s, len);
}

enum owner_stack { OWNER_NONE, OWNER_ALLOC, OWNER_FREE };

/* "page last allocated via order 0, migratetype Movable, gfp_mask ..." */
static void owner_alloc(struct kmsg *k, const char *s, size_t len)
{
	struct dump_alloc a;

	if (dump_parse_alloc(s, len, &a))
		return;
	field(k, "owner_order", a.order.s, a.order.len);
	if (a.migratetype.len)
		field(k, "migratetype", a.migratetype.s, a.migratetype.len);
	if (a.gfp_mask.len)
		field(k, "gfp_mask", a.gfp_mask.s, a.gfp_mask.len);
	if (a.pid.len)
		field(k, "owner_pid", a.pid.s, a.pid.len);
	if (a.tgid.len)
		field(k, "owner_tgid", a.tgid.s, a.tgid.len);
	if (a.comm.len)
		field(k, "owner_comm", a.comm.s, a.comm.len);
	if (a.ts.len)
		field(k, "owner_ts", a.ts.s, a.ts.len);
	if (a.free_ts.len)
		field(k, "owner_free_ts", a.free_ts.s, a.free_ts.len);
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

/* One line after "page dumped because:". Returns 0 when it belongs to the
 * dump, -1 when the dump is over. */
static int dump_tail_line(struct kmsg *k, const char *s, size_t len, enum owner_stack *stack)
{
	size_t n = dump_blanks(s, len);

	if (n) {
		if (*stack == OWNER_ALLOC)
			return dump_frame(&k->rec, arena(k), s, len);
		/* the free stack is not kept: its indented lines are skipped */
		return *stack == OWNER_FREE ? 0 : -1;
	}
	*stack = OWNER_NONE;
	if ((n = dump_prefix(s, len, "page_owner tracks the page as "))) {
		field(k, "owner_state", s + n, len - n);
	} else if ((n = dump_prefix(s, len, "page last allocated via ")) ||
		   (n = dump_prefix(s, len, "page allocated via "))) {
		owner_alloc(k, s + n, len - n);
		*stack = OWNER_ALLOC;
	} else if (dump_prefix(s, len, "page last free ")) {
		*stack = OWNER_FREE;
	} else if ((n = dump_prefix(s, len, "page has been migrated, last migrate reason: "))) {
		field(k, "migrate_reason", s + n, len - n);
	} else if ((n = dump_prefix(s, len, "page->mem_cgroup:"))) {
		field(k, "memcg", s + n, len - n);
	} else if (!owner_note(s, len)) {
		return -1;
	}
	return 0;
}

static int dump_tail(struct kmsg *k)
{
	enum owner_stack stack = OWNER_NONE;
	struct kline l;
	int rc;

	while ((rc = next_line(k, &l)) == 1) {
		if (!l.kernel)
			continue;
		if (dump_tail_line(k, l.text, l.len, &stack)) {
			unget_line(k);
			break;
		}
	}
	return rc < 0 ? -1 : 0;
}

static int dump_page(struct kmsg *k, const struct kline *first, struct pb_record *rec)
{
	uint64_t head_lineno = first->lineno;
	int unknown = 0, rc;
	struct kline l;
	size_t n;

	start_record(k, first, rec, "dump_page");
	pb_buf_reset(&k->head);
	pb_buf_add(&k->head, first->text, first->len);
	dump_words(k, first->text, first->len, 0);
	for (;;) {
		rc = next_line(k, &l);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return truncated(k, head_lineno);
		if (!l.kernel)
			continue;
		if ((n = dump_prefix(l.text, l.len, "page dumped because: ")))
			break;
		if (starts_record(l.text, l.len)) {
			unget_line(k);
			return truncated(k, head_lineno);
		}
		if (dump_body_line(k, l.text, l.len) && ++unknown > DUMP_UNKNOWN_MAX)
			return truncated(k, head_lineno);
	}
	field(k, "reason", l.text + n, l.len - n);
	if (dump_tail(k))
		return -1;
	return finish_record(k, rec);
}

/* --- dump_stack() ------------------------------------------------------ */

/* One line of a call trace: 0 when it belongs to it, -1 when it ends it. */
static int trace_line(struct kmsg *k, const char *s, size_t len)
{
	size_t n = dump_blanks(s, len);

	if (!n)
		return -1;
	s += n;
	len -= n;
	/* "<TASK>", "</IRQ>": x86 stack section markers */
	if (len > 2 && s[0] == '<' && s[len - 1] == '>')
		return 0;
	/* "? func+0x1d0/0x230": a stale word the x86 unwinder is unsure of */
	if (dump_prefix(s, len, "? "))
		return 0;
	return dump_frame(&k->rec, arena(k), s, len);
}

static int call_trace(struct kmsg *k, const struct kline *first, struct pb_record *rec)
{
	uint64_t head_lineno = first->lineno;
	struct kline l;
	int rc;

	start_record(k, first, rec, "call_trace");
	pb_buf_reset(&k->head);
	pb_buf_add(&k->head, first->text, first->len);
	if (k->task_line && first->lineno - k->task_line <= TASK_LINE_REACH) {
		rec->cpu = k->task_cpu;
		rec->pid = k->task_pid;
		rec->comm = pb_arena_strdup(arena(k), pb_buf_str(&k->task_comm));
	}
	k->task_line = 0;
	while ((rc = next_line(k, &l)) == 1) {
		if (!l.kernel)
			continue;
		if (trace_line(k, l.text, l.len)) {
			unget_line(k);
			break;
		}
	}
	if (rc < 0)
		return -1;
	if (!k->rec.nframes)
		return truncated(k, head_lineno);
	return finish_record(k, rec);
}

/* --- one-line records -------------------------------------------------- */

static int syntax(struct kmsg *k, const struct kline *l)
{
	return pb_parser_bad_line(k->p, l->lineno, PB_BAD_SYNTAX, l->text, l->len) ? -1 : 0;
}

/* "migrating pfn 102496 failed ret:-16" (older: no ret, trailing blank) */
static int migrate_failed(struct kmsg *k, const struct kline *l, size_t skip,
			  struct pb_record *rec)
{
	const char *pos = l->text + skip, *end = l->text + l->len;
	struct dump_slice pfn, word;

	start_record(k, l, rec, "migrate_failed");
	if (dump_word(&pos, end, &pfn) || hex_field(k, "pfn", pfn.s, pfn.len) ||
	    dump_word(&pos, end, &word) || word.len != 6 || memcmp(word.s, "failed", 6))
		return syntax(k, l);
	if (!dump_word(&pos, end, &word) && dump_prefix(word.s, word.len, "ret:"))
		field(k, "ret", word.s + 4, word.len - 4);
	return finish_record(k, rec);
}

/* "alloc_contig_range: [1b8000, 1c0000) PFNs busy" */
static int pfns_busy(struct kmsg *k, const struct kline *l, size_t skip, struct pb_record *rec)
{
	const char *s = l->text + skip, *comma, *close;
	size_t len = l->len - skip;

	if (!find(s, len, ") PFNs busy"))
		return 0;
	start_record(k, l, rec, "pfns_busy");
	comma = memchr(s, ',', len);
	close = memchr(s, ')', len);
	if (!comma || !close || close < comma || comma[1] != ' ' ||
	    hex_field(k, "start_pfn", s, comma - s) ||
	    hex_field(k, "end_pfn", comma + 2, close - comma - 2))
		return syntax(k, l);
	return finish_record(k, rec);
}

/* "cma: cma_alloc: reserved: alloc failed, req-size: 2048 pages, ret: -16"
 * (before 5.13 without the area name). */
static int cma_alloc_failed(struct kmsg *k, const struct kline *l, struct pb_record *rec)
{
	const char *s = l->text, *end = s + l->len, *fail, *func_end, *pos;
	struct dump_slice w;

	fail = find(s, l->len, "alloc failed, req-size: ");
	if (!fail)
		return 0;
	start_record(k, l, rec, "cma_alloc_failed");
	func_end = find(s + 5, fail - s - 5, ": ");
	if (func_end && func_end + 2 < fail) {
		const char *name = func_end + 2, *name_end = fail;

		if (name_end - name >= 2 && name_end[-2] == ':' && name_end[-1] == ' ')
			name_end -= 2;
		field(k, "name", name, name_end - name);
	}
	pos = fail + 24;
	if (dump_word(&pos, end, &w))
		return syntax(k, l);
	field(k, "count", w.s, w.len);
	fail = find(pos, end - pos, "ret: ");
	if (fail) {
		pos = fail + 5;
		if (!dump_word(&pos, end, &w))
			field(k, "ret", w.s, w.len);
	}
	return finish_record(k, rec);
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
		field(k, names[i], val.s, val.len);
	}
	return 0;
}

/* What __dump_page_pinner() of Android's page_pinner prints after a
 * dump_page() (vendor kernels 5.10-5.15):
 *   page last pinned %5lu.%06lu] count %d        (earlier: "ts %lld count %d", in us)
 *   PFN %lu Block %lu type %s Flags %#lx(%pGp)
 *    <the stack that last pinned the page, one frame per line>
 * ("page_pinner allocation stack trace missing" instead of the stack). */
static int last_pinned(struct kmsg *k, const struct kline *first, size_t skip,
		       struct pb_record *rec)
{
	const char *pos = first->text + skip, *end = first->text + first->len;
	struct dump_slice w, count;
	struct kline l;
	char us[32];
	int rc;

	start_record(k, first, rec, "page_pinner_last_pinned");
	pb_buf_reset(&k->head);
	pb_buf_add(&k->head, first->text, first->len);
	if (dump_word(&pos, end, &w))
		return syntax(k, first);
	if (w.len == 2 && !memcmp(w.s, "ts", 2)) {
		if (dump_word(&pos, end, &w) || w.len >= sizeof(us))
			return syntax(k, first);
		snprintf(us, sizeof(us), "%.*s", (int)w.len, w.s);
	} else if (pinned_stamp(&w, us, sizeof(us))) {
		return syntax(k, first);
	}
	if (dump_word(&pos, end, &w) || !dump_prefix(w.s, w.len, "count") ||
	    dump_word(&pos, end, &count))
		return syntax(k, first);
	field(k, "pinned_us", us, strlen(us));
	field(k, "count", count.s, count.len);
	while ((rc = next_line(k, &l)) == 1 && !l.kernel)
		;
	if (rc < 0)
		return -1;
	if (rc == 0 || pinned_page_line(k, l.text, l.len)) {
		if (rc)
			unget_line(k);
		return truncated(k, first->lineno);
	}
	while ((rc = next_line(k, &l)) == 1) {
		if (!l.kernel ||
		    dump_prefix(l.text, l.len, "page_pinner allocation stack trace missing"))
			continue;
		if (!dump_blanks(l.text, l.len) || dump_frame(&k->rec, arena(k), l.text, l.len)) {
			unget_line(k);
			break;
		}
	}
	return rc < 0 ? -1 : finish_record(k, rec);
}

/* Returns 1 with a record, 0 when the line is not one, -1 to stop. */
static int dispatch(struct kmsg *k, const struct kline *l, struct pb_record *rec)
{
	const char *s = l->text;
	size_t len = l->len, n;

	if (is_dump_head(s, len))
		return dump_page(k, l, rec);
	if (is_call_trace(s, len))
		return call_trace(k, l, rec);
	if ((n = dump_prefix(s, len, "migrating pfn ")))
		return migrate_failed(k, l, n, rec);
	if ((n = dump_prefix(s, len, "alloc_contig_range: [")))
		return pfns_busy(k, l, n, rec);
	if (dump_prefix(s, len, "cma: "))
		return cma_alloc_failed(k, l, rec);
	if ((n = dump_prefix(s, len, "page last pinned ")))
		return last_pinned(k, l, n, rec);
	if (dump_prefix(s, len, "CPU: "))
		task_line(k, l);
	else if ((n = dump_prefix(s, len, "Linux version ")))
		banner(k, l, n);
	return 0;
}

static void *kmsg_open(struct pb_parser *p, char *err, size_t errlen)
{
	struct kmsg *k = pb_calloc(1, sizeof(*k));

	k->p = p;
	return k;
}

static int kmsg_next(void *state, struct pb_parser *p, struct pb_record *rec)
{
	struct kmsg *k = state;
	struct kline l;
	int rc;

	for (;;) {
		rc = next_line(k, &l);
		if (rc <= 0)
			return rc;
		if (!l.kernel)
			continue;
		rc = dispatch(k, &l, rec);
		if (rc)
			return rc;
	}
}

static void kmsg_close(void *state)
{
	struct kmsg *k = state;

	dump_rec_free(&k->rec);
	pb_buf_free(&k->head);
	pb_buf_free(&k->task_comm);
	free(k);
}

const struct pb_format_ops pb_kmsg_ops = {
	.format = PB_FMT_KMSG,
	.open = kmsg_open,
	.next = kmsg_next,
	.close = kmsg_close,
};
