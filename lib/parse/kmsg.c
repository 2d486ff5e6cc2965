/* kmsg.c - kernel log parser (dmesg, dmesg -T/-x/-r, /dev/kmsg,
 * journalctl -k, serial console): dump_page() records with the page_owner
 * block after them, dump_stack() call traces, and the one-line migration
 * and CMA failure messages. A kernel log is mostly unrelated text, so every
 * other line is simply not an event; only records that start and then break
 * off are bad lines.
 *
 * Line prefixes and times are read in kmsg_prefix.c and kmsg_time.c,
 * dump_page(), call traces and page_pinner blocks in kmsg_dump.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmsg_int.h"
#include "text.h"

/* dmesg --color=always colours prefixes and messages with SGR escapes;
 * *S becomes the line without them (a copy only when it has an ESC). */
static void strip_colour(struct kmsg *k, const char **s, size_t *n)
{
	const char *p = *s, *end = *s + *n, *esc = memchr(p, '\x1b', *n);

	if (!esc)
		return;
	pb_buf_reset(&k->plain);
	for (; esc; esc = memchr(p, '\x1b', (size_t)(end - p))) {
		size_t sgr = pb_sgr_len(esc, (size_t)(end - esc));

		pb_buf_add(&k->plain, p, (size_t)(esc - p) + !sgr);
		p = esc + (sgr ? sgr : 1);
	}
	pb_buf_add(&k->plain, p, (size_t)(end - p));
	*s = pb_buf_str(&k->plain);
	*n = k->plain.len;
}

/* The file is a kernel log, whether or not it has failure records: a
 * line had a kernel log's time or a banner (meta "kernel_log", so that an
 * import of a log without failures is not taken for text not understood). */
static void mark_kernel_log(struct kmsg *k)
{
	if (k->is_log)
		return;
	k->is_log = 1;
	pb_parser_set_meta(k->p, "kernel_log", "1");
}

/* Whether the line read after a broken one (S, N) is its rest: a line
 * with no prefix and no time of its own in a log whose lines print them. */
static int rest_of_line(struct kmsg *k, const char *s, size_t n)
{
	struct ktime probe = k->time;	/* the line is only looked at */
	struct pb_buf scratch = { 0 };
	struct kline l2;
	struct stamps st;
	int rest;

	kmsg_strip_prefix(&probe, &scratch, s, n, &l2, &st);
	rest = l2.text == s && l2.len && l2.kernel && !l2.framing && st.boot < 0 &&
	       st.wall < 0 && st.delta < 0;
	pb_buf_free(&scratch);
	return rest;
}

/* A serial console on which another record was printed into the middle of
 * a line: "[t1] alloc_contig_range: [8f200, 8f4[t2] usb 1-1: ...", and the
 * rest of the first, "00) PFNs busy", alone on the next line (print_time()
 * begins every record; the rest has none). L becomes the first record
 * joined again, at its own time, and the record printed into it is read
 * next. When the next line is no such rest, L is the first record's
 * beginning alone, and the next line is read after the one in it. Returns
 * 1, -1 to stop. */
static int rejoin(struct kmsg *k, struct kline *l, const struct stamps *st)
{
	const char *in, *s;
	size_t n, at;
	uint64_t lineno;
	int rc, rest;

	if (st->boot < 0 || !l->kernel || !(in = kmsg_inner_stamp(l->text, l->len)))
		return 1;
	at = (size_t)(in - l->text);
	/* the input's next line may take the place of this one's text */
	pb_buf_reset(&k->joined);
	pb_buf_add(&k->joined, l->text, l->len);
	pb_buf_reset(&k->joined_comm);
	if (l->comm)
		pb_buf_add(&k->joined_comm, l->comm, l->comm_len);
	l->comm = l->comm ? pb_buf_str(&k->joined_comm) : NULL;
	l->text = pb_buf_str(&k->joined);
	in = l->text + at;
	if ((rc = dump_getline(k->p, &s, &n, &lineno)) < 0)
		return -1;
	pb_buf_reset(&k->pending);
	pb_buf_add(&k->pending, in, (size_t)(l->text + l->len - in));
	k->pending_line = l->lineno;
	k->joined.len = at;
	rest = rc == 1 && rest_of_line(k, s, n);
	pb_buf_add(&k->joined, rest ? s : "", rest ? dump_rtrim(s, n) : 0);
	if (rc == 1 && !rest)
		pb_input_ungetline(pb_parser_input(k->p));
	l->text = pb_buf_str(&k->joined);
	l->len = k->joined.len;
	return 1;
}

/* The next raw line: the record a broken line held first, then the input's. */
static int raw_line(struct kmsg *k, const char **s, size_t *n, uint64_t *lineno)
{
	if (!k->pending_line)
		return dump_getline(k->p, s, n, lineno);
	*s = pb_buf_str(&k->pending);
	*n = k->pending.len;
	*lineno = k->pending_line;
	k->pending_line = 0;
	return 1;
}

/* Puts a copy of L at AT in the queue; -1 when it is full. */
static int queue_insert(struct kmsg *k, size_t at, const struct kline *l)
{
	struct kqueued spare;

	if (k->nqueued == KQUEUE_MAX)
		return -1;
	spare = k->queue[k->nqueued];
	memmove(k->queue + at + 1, k->queue + at, (k->nqueued - at) * sizeof(*k->queue));
	pb_buf_reset(&spare.text);
	pb_buf_add(&spare.text, l->text, l->len);
	pb_buf_reset(&spare.comm);
	if (l->comm)
		pb_buf_add(&spare.comm, l->comm, l->comm_len);
	spare.l = *l;
	k->queue[at] = spare;
	k->nqueued++;
	return 0;
}

/* Takes the queue's line AT into L, its text in k->cur. */
static void queue_take(struct kmsg *k, size_t at, struct kline *l)
{
	struct kqueued spare = k->queue[at];

	/* two buffers in turn: a reader may hold the line before while it
	 * reads this one, as it may hold the input's */
	struct pb_buf *text = &k->cur[k->cur_at], *comm = &k->cur_comm[k->cur_at];

	k->cur_at ^= 1;
	pb_buf_reset(text);
	pb_buf_add(text, pb_buf_str(&spare.text), spare.text.len);
	pb_buf_reset(comm);
	if (spare.l.comm)
		pb_buf_add(comm, pb_buf_str(&spare.comm), spare.comm.len);
	*l = spare.l;
	l->text = pb_buf_str(text);
	l->comm = l->comm ? pb_buf_str(comm) : NULL;
	memmove(k->queue + at, k->queue + at + 1, (k->nqueued - at - 1) * sizeof(*k->queue));
	k->queue[--k->nqueued] = spare;
}

int kmsg_next_line(struct kmsg *k, struct kline *l)
{
	struct stamps st;
	const char *s;
	size_t n;
	int rc;

	if (k->again) {
		k->again = 0;
		*l = k->last;
		return 1;
	}
	if (k->nqueued > k->nheld) {
		queue_take(k, k->nheld, l);
		k->last = *l;
		return 1;
	}
	/* the carrier's framing lines are skipped: a record of several
	 * lines (a dump, a call trace) reads on across them */
	do {
		if ((rc = raw_line(k, &s, &n, &l->lineno)) != 1)
			return rc;
		strip_colour(k, &s, &n);
		kmsg_strip_prefix(&k->time, &k->retag, s, n, l, &st);
	} while (l->framing);
	l->ts_ns = l->kernel ? kmsg_line_time(&k->time, k->p, l->lineno, &st) : -1;
	if (l->ts_ns >= 0)
		mark_kernel_log(k);
	if ((rc = rejoin(k, l, &st)) != 1)
		return rc;
	k->last = *l;
	return 1;
}

void kmsg_unget_line(struct kmsg *k)
{
	/* read next, before the queue's lines: given again as it is, its
	 * text where it was, valid until the next line is read (every
	 * record's end gives a line again: no copy of it) */
	if (!k->nheld) {
		k->again = 1;
		return;
	}
	/* after the lines held, read once the record is over: the line's
	 * text is copied, as the input's, the colour stripper's and the
	 * rejoined line's buffers are all reused by the next line; the queue
	 * has room for it, as every line in it was read first */
	queue_insert(k, k->nheld, &k->last);
}

/* Lines of other records between two frames of a stack without caller
 * ids, looked at before the stack is taken to end; lines held for one
 * record in all. With caller ids nothing is guessed: a line is the
 * record's or another caller's, and the other callers' lines are held
 * until the record is over, as many as another CPU's whole record has (a
 * dump_page() with its page_owner stacks is 30-60 lines), in bounded
 * memory: CALLER_HELD_MAX lines and HELD_BYTES of text. */
#define STACK_GAP_MAX 4
#define STACK_HELD_MAX 8
#define CALLER_HELD_MAX 128
#define HELD_BYTES (64 * 1024)

/* Holds L, the line just read, to be read once the record is over, while
 * fewer than MAX lines are held; -1 when it is not held. */
static int hold(struct kmsg *k, const struct kline *l, size_t max)
{
	if (k->nheld >= max || k->held_bytes + l->len > HELD_BYTES ||
	    queue_insert(k, k->nheld, l))
		return -1;
	k->nheld++;
	k->held_bytes += l->len;
	return 0;
}

static int has_caller(const struct kline *l)
{
	return l->pid >= 0 || l->cpu >= 0;
}

/* Whether L was printed by the record's caller: the task, else the cpu
 * (a "C%u" caller is code running without a task). */
static int records_caller(const struct kmsg *k, const struct kline *l)
{
	return k->rec_pid >= 0 || l->pid >= 0 ? l->pid == k->rec_pid : l->cpu == k->rec_cpu;
}

int kmsg_interruption(const struct kline *l)
{
	struct kmsg_seen seen;

	if (!l->kernel)
		return 1;
	if (!l->len || dump_blanks(l->text, l->len) || kmsg_ends_stack(l->text, l->len))
		return 0;
	return l->ts_ns >= 0 ||
	       kmsg_message_role(kmsg_recognise(l->text, l->len, KMSG_OTHER, &seen)) ==
		       KMSG_ROLE_LINE;
}

/* Whether L goes on with the stack after the held lines. */
static int stack_goes_on(const struct kmsg *k, const struct kline *l, int by_caller,
			 size_t indent)
{
	size_t at;

	if (by_caller)
		return l->kernel && has_caller(l) && records_caller(k, l);
	return l->kernel && kmsg_stack_frame(l->text, l->len, &at) && at == indent;
}

/* Whether L is a line of another caller than the record's, in a record
 * whose lines were seen to carry its caller: its head, then the line
 * before L (a log whose caller ids are not the kernel's, one a line, is
 * read as one without them). */
static int other_caller(const struct kmsg *k, const struct kline *l)
{
	return k->caller_kept && l->kernel && has_caller(l) && !records_caller(k, l);
}

int kmsg_record_line(struct kmsg *k, struct kline *l)
{
	int rc;

	k->caller_kept = k->caller_now;
	while ((rc = kmsg_next_line(k, l)) == 1 && other_caller(k, l) &&
	       !hold(k, l, CALLER_HELD_MAX))
		;
	k->caller_now = rc == 1 && l->kernel && has_caller(l) && records_caller(k, l);
	return rc;
}

int kmsg_stack_resumes(struct kmsg *k, struct kline *l, size_t indent)
{
	int by_caller = k->caller_kept && l->kernel && has_caller(l);
	size_t held = 0, bytes = 0, gap_max = by_caller ? CALLER_HELD_MAX : STACK_GAP_MAX;
	size_t held_max = by_caller ? CALLER_HELD_MAX : STACK_HELD_MAX;
	int rc = 1;

	if (by_caller ? records_caller(k, l) : !kmsg_interruption(l)) {
		kmsg_unget_line(k);
		return 0;
	}
	while (held < gap_max && !hold(k, l, held_max)) {
		held++;
		bytes += l->len;
		if ((rc = kmsg_next_line(k, l)) != 1)
			break;
		if (stack_goes_on(k, l, by_caller, indent))
			return 1;
		if (!by_caller && !kmsg_interruption(l))
			break;
	}
	/* the stack ended: what was looked at is read next, in its order
	 * (L after the lines held before it) */
	if (rc == 1)
		kmsg_unget_line(k);
	k->nheld -= held;
	k->held_bytes -= bytes;
	return rc < 0 ? -1 : 0;
}

struct pb_arena *kmsg_arena(struct kmsg *k)
{
	return pb_parser_arena(k->p);
}

void kmsg_field(struct kmsg *k, const char *name, const char *v, size_t len)
{
	dump_field(&k->rec, kmsg_arena(k), name, v, len);
}

/* A hex pfn printed without "0x" ("migrating pfn 102496"): stored with the
 * prefix so that pb_record_u64() does not read it as decimal. */
int kmsg_hex_field(struct kmsg *k, const char *name, const char *v, size_t len)
{
	char buf[2 + 16];
	uint64_t x;

	if (!len || len > 16 || pb_parse_hex(v, len, &x))
		return -1;
	memcpy(buf, "0x", 2);
	memcpy(buf + 2, v, len);
	kmsg_field(k, name, buf, len + 2);
	return 0;
}

void kmsg_start_record(struct kmsg *k, const struct kline *l, struct pb_record *rec,
			 const char *event)
{
	dump_rec_reset(&k->rec);
	/* the task that a vendor prefix names (the printk caller) */
	rec->cpu = l->cpu;
	rec->pid = l->pid;
	rec->tgid = -1;
	k->rec_pid = l->pid;
	k->rec_cpu = l->cpu;
	k->caller_now = has_caller(l);
	rec->comm = l->comm ? pb_arena_strndup(kmsg_arena(k), l->comm, l->comm_len) : "";
	rec->line = l->lineno;
	rec->ts_ns = l->ts_ns;
	rec->system = "kmsg";
	rec->event = event;
	rec->body = pb_arena_strndup(kmsg_arena(k), l->text, l->len);
}

int kmsg_finish_record(struct kmsg *k, struct pb_record *rec)
{
	dump_rec_attach(&k->rec, rec);
	return 1;
}

/* Reports the record begun at LINE (saved in k->head) as cut off. */
int kmsg_truncated(struct kmsg *k, uint64_t line)
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
	mark_kernel_log(k);
	/* distribution kernels name the machine in the compiler triplet */
	arch = dump_arch_from_release(l->text, l->len);
	if (!pb_parser_meta(k->p, "arch") && arch)
		pb_parser_set_meta(k->p, "arch", arch);
}

const char *kmsg_find(const char *s, size_t len, const char *needle)
{
	return memmem(s, len, needle, strlen(needle));
}

/* "CPU: 1 PID: 106 Comm: sh Not tainted 6.1.0-50-arm64 #1  Debian ..."
 * (6.10+: "CPU: 1 UID: 0 PID: 106 Comm: ..."); the comm may hold spaces. */
static void task_line(struct kmsg *k, const struct kline *l)
{
	const char *s = l->text, *end = s + l->len, *pid, *comm, *taint, *hash;
	int64_t cpu = -1, npid;
	struct dump_slice w;
	const char *pos;

	/* before 3.9, x86's dump_stack() printed "Pid: %d, comm: %.20s %s %s"
	 * (no cpu); then dump_stack_print_info() "CPU: %d PID: %d Comm: %.20s" */
	if (dump_prefix(s, l->len, "Pid: ")) {
		pid = s + 5;
		comm = kmsg_find(s, l->len, ", comm: ");
		if (!comm)
			return;
		pos = pid;
		if (dump_word(&pos, comm, &w) || pb_parse_i64(w.s, w.len, &npid))
			return;
		comm += 8;
	} else {
		pid = kmsg_find(s, l->len, " PID: ");
		comm = kmsg_find(s, l->len, " Comm: ");
		if (!pid || !comm || comm < pid)
			return;
		pos = s + 5;
		if (dump_word(&pos, end, &w) || pb_parse_i64(w.s, w.len, &cpu))
			return;
		pos = pid + 6;
		if (dump_word(&pos, end, &w) || pb_parse_i64(w.s, w.len, &npid))
			return;
		comm += 7;
	}
	taint = kmsg_find(comm, end - comm, " Not tainted");
	if (!taint)
		taint = kmsg_find(comm, end - comm, " Tainted:");
	if (!taint)
		taint = end;
	k->task_cpu = (int32_t)cpu;
	k->task_pid = (int32_t)npid;
	pb_buf_reset(&k->task_comm);
	pb_buf_add(&k->task_comm, comm, taint - comm);
	pb_buf_addc(&k->task_comm, '\0');
	k->task_line = l->lineno;
	/* the release is the word before " #1" after the taint flags */
	hash = taint < end ? kmsg_find(taint, end - taint, " #") : NULL;
	if (hash && !k->have_banner && !pb_parser_meta(k->p, "kernel")) {
		const char *r = hash;

		while (r > taint && r[-1] != ' ')
			r--;
		if (r < hash)
			set_release(k, r, hash - r);
	}
}

/* --- one-line records -------------------------------------------------- */

int kmsg_syntax(struct kmsg *k, const struct kline *l)
{
	return pb_parser_bad_line(k->p, l->lineno, PB_BAD_SYNTAX, l->text, l->len) ? -1 : 0;
}

/* The pfn of a line that do_migrate_range() prints right before
 * dump_page() of that page: the dump may print no pfn of its own. */
static void remember_pfn(struct kmsg *k, const struct kline *l, struct dump_slice pfn)
{
	snprintf(k->migrate_pfn, sizeof(k->migrate_pfn), "0x%.*s", (int)pfn.len, pfn.s);
	k->migrate_line = l->lineno;
}

/* "migrating pfn 102496 failed ret:-16" (older: no ret, trailing blank) */
static int migrate_failed(struct kmsg *k, const struct kline *l, size_t skip,
			  struct pb_record *rec)
{
	const char *pos = l->text + skip, *end = l->text + l->len;
	struct dump_slice pfn, word;

	kmsg_start_record(k, l, rec, "migrate_failed");
	if (dump_word(&pos, end, &pfn) || kmsg_hex_field(k, "pfn", pfn.s, pfn.len) ||
	    dump_word(&pos, end, &word) || word.len != 6 || memcmp(word.s, "failed", 6))
		return kmsg_syntax(k, l);
	if (!dump_word(&pos, end, &word) && dump_prefix(word.s, word.len, "ret:"))
		kmsg_field(k, "ret", word.s + 4, word.len - 4);
	remember_pfn(k, l, pfn);
	return kmsg_finish_record(k, rec);
}

/* do_migrate_range() when it could not take a page off the LRU for the
 * migration, right before dump_page(page, "isolation failed"): "failed to
 * isolate pfn %lx" (4.18 on; pr_alert under CONFIG_DEBUG_VM, later pr_warn,
 * ratelimited from 5.x), before it "removing pfn %lx from LRU failed" with
 * dump_page(page, "failed to remove from LRU"). Memory offlining's failed
 * migration of that page, as "migrating pfn" is (a migrate_failed record,
 * its step "isolate"); the dump of 4.x prints no pfn, so this line is the
 * only place the page's pfn appears. TAIL: what the line has after the
 * pfn. */
static int isolate_failed(struct kmsg *k, const struct kline *l, size_t skip, const char *tail,
			  struct pb_record *rec)
{
	const char *pos = l->text + skip, *end = l->text + l->len;
	size_t tail_len = strlen(tail);
	struct dump_slice pfn;

	kmsg_start_record(k, l, rec, "migrate_failed");
	if (dump_word(&pos, end, &pfn) || kmsg_hex_field(k, "pfn", pfn.s, pfn.len) ||
	    dump_rtrim(pos, (size_t)(end - pos)) != tail_len || memcmp(pos, tail, tail_len))
		return kmsg_syntax(k, l);
	kmsg_field(k, "step", "isolate", 7);
	remember_pfn(k, l, pfn);
	return kmsg_finish_record(k, rec);
}

/* "START, END)" into start_pfn and end_pfn: hex without "0x" (%lx). */
static int pfn_pair(struct kmsg *k, const char *s, size_t len)
{
	const char *comma = memchr(s, ',', len), *close = memchr(s, ')', len);

	return !comma || !close || close < comma || comma[1] != ' ' ||
	       kmsg_hex_field(k, "start_pfn", s, comma - s) ||
	       kmsg_hex_field(k, "end_pfn", comma + 2, close - comma - 2) ? -1 : 0;
}

/* "alloc_contig_range: [1b8000, 1c0000) PFNs busy" (3.19+: "%s: [%lx, %lx)
 * PFNs busy", __func__) */
static int pfns_busy(struct kmsg *k, const struct kline *l, size_t skip, struct pb_record *rec)
{
	const char *s = l->text + skip;
	size_t len = l->len - skip;

	kmsg_start_record(k, l, rec, "pfns_busy");
	return pfn_pair(k, s, len) ? kmsg_syntax(k, l) : kmsg_finish_record(k, rec);
}

/* 3.5-3.18: "alloc_contig_range test_pages_isolated(%lx, %lx) failed", the
 * same busy range as the later "PFNs busy" (and "__alloc_contig_migrate_range:
 * test_pages_isolated(...)" of the patches that added it). */
static int isolation_failed(struct kmsg *k, const struct kline *l, struct pb_record *rec)
{
	const char *s = kmsg_find(l->text, l->len, "test_pages_isolated(");
	const char *end = l->text + l->len;

	if (!s || !kmsg_find(s, (size_t)(end - s), ") failed"))
		return 0;
	s += 20;
	kmsg_start_record(k, l, rec, "pfns_busy");
	return pfn_pair(k, s, (size_t)(end - s)) ? kmsg_syntax(k, l) : kmsg_finish_record(k, rec);
}

/* The word after PREFIX in S..END into field NAME; -1 when none. */
static int word_after(struct kmsg *k, const char *s, const char *end, const char *prefix,
		      const char *name)
{
	const char *at = kmsg_find(s, (size_t)(end - s), prefix);
	struct dump_slice w;

	if (!at)
		return -1;
	at += strlen(prefix);
	if (dump_word(&at, end, &w))
		return -1;
	kmsg_field(k, name, w.s, w.len);
	return 0;
}

/* The "%d" after PREFIX in S..END into field NAME: the sign and digits
 * only, as a vendor tail may follow the number (", try to use default
 * cma"). -1 when none. */
static int int_after(struct kmsg *k, const char *s, const char *end, const char *prefix,
		     const char *name)
{
	const char *at = kmsg_find(s, (size_t)(end - s), prefix), *p;

	if (!at)
		return -1;
	at += strlen(prefix);
	p = at + (at < end && *at == '-');
	while (p < end && pb_is_digit(*p))
		p++;
	if (p == at || (p == at + 1 && *at == '-'))
		return -1;
	kmsg_field(k, name, at, (size_t)(p - at));
	return 0;
}

/* The figures "=> %lu free of %lu total pages" (4.12+) or Samsung's
 * "=>%lu pages, total: %lu pages" from ARROW + 2 into the failure's
 * fields. */
static void free_of_total(struct kmsg *k, const char *arrow, const char *end)
{
	arrow += 2;
	if (!word_after(k, arrow, end, "", "free_pages")) {
		if (word_after(k, arrow, end, "free of ", "total_pages"))
			word_after(k, arrow, end, "total: ", "total_pages");
	}
}

/* The lines cma_debug_show_areas() prints between its head and its "=>"
 * when an area has ranges: one "range %d: " line a range, at most
 * CMA_MAX_RANGES (8, mm/cma.h), and the empty pr_info("\n") after them. */
#define AREA_LINES_MAX 12

/* One of those lines (without its "cma: "), or the "=>" line that ends
 * them: 1 a range or the empty line, 2 the "=>" line (*ARROW at it), 0
 * neither. */
static int area_line(const struct kline *l, const char **arrow)
{
	size_t n = dump_prefix(l->text, l->len, "cma:");
	size_t len = dump_rtrim(l->text + n, l->len - n);
	const char *s = l->text + n + dump_blanks(l->text + n, len);

	len -= (size_t)(s - l->text - n);
	if (dump_prefix(s, len, "=>")) {
		*arrow = s;
		return 2;
	}
	return n && (!len || dump_prefix(s, len, "range ")) ? 1 : 0;
}

/* cma_debug_show_areas() after a failure (printed without
 * CONFIG_CMA_DEBUG from 5.x on): "cma: number of available pages:
 * 2@93+8@108=> 10 free of 1024 total pages" (4.12+, pr_cont() pieces of
 * one line), "number of available pages: 4+7=>11 pages, total: 2048
 * pages" (vendor kernels before it). Since areas have several ranges
 * (after 6.12) each range is a line "cma: range %d: " with its runs, an
 * empty "cma: " line follows them, and the pr_cont() of "=> %lu free of
 * %lu total pages" after that newline is a line of its own, without
 * pr_fmt's "cma: ". Its figures go into the failure's record. */
static void available_pages(struct kmsg *k)
{
	const char *arrow = NULL;
	struct kline l;
	size_t n;

	if (kmsg_next_line(k, &l) != 1)
		return;
	n = dump_prefix(l.text, l.len, "cma: ");
	if (!dump_prefix(l.text + n, l.len - n, "number of available pages:")) {
		kmsg_unget_line(k);
		return;
	}
	arrow = kmsg_find(l.text, l.len, "=>");
	for (int i = 0; !arrow && i < AREA_LINES_MAX; i++) {
		if (kmsg_next_line(k, &l) != 1)
			return;
		if (!l.kernel || !area_line(&l, &arrow)) {
			kmsg_unget_line(k);
			return;
		}
	}
	if (arrow)
		free_of_total(k, arrow, l.text + l.len);
}

/* "cma: cma_alloc: alloc failed, req-size: %zu pages, ret: %d" (4.11-5.12),
 * "cma: cma_alloc: %s: alloc failed, req-size: %lu pages, ret: %d" (5.13+,
 * with the area's name; __cma_alloc in 6.12+); vendor trees append words
 * after the error (", try to use default cma") */
static int cma_alloc_failed(struct kmsg *k, const struct kline *l, const char *fail,
			    struct pb_record *rec)
{
	const char *s = l->text, *end = s + l->len, *func_end, *pos;
	struct dump_slice w;

	kmsg_start_record(k, l, rec, "cma_alloc_failed");
	func_end = kmsg_find(s + 5, fail - s - 5, ": ");
	if (func_end && func_end + 2 < fail) {
		const char *name = func_end + 2, *name_end = fail;

		if (name_end - name >= 2 && name_end[-2] == ':' && name_end[-1] == ' ')
			name_end -= 2;
		kmsg_field(k, "name", name, name_end - name);
	}
	pos = fail + 24;
	if (dump_word(&pos, end, &w))
		return kmsg_syntax(k, l);
	kmsg_field(k, "count", w.s, w.len);
	int_after(k, pos, end, "ret: ", "ret");
	available_pages(k);
	return kmsg_finish_record(k, rec);
}

/* The vendor tail ",%d, %d, %s" (pid, tgid, comm) after "retrying". */
static void retry_task(struct kmsg *k, const char *s, const char *end, struct pb_record *rec)
{
	const char *comma = memchr(s, ',', (size_t)(end - s));
	int64_t pid, tgid;
	const char *p;

	if (!comma || !(p = memchr(comma + 1, ',', (size_t)(end - comma - 1))) ||
	    pb_parse_i64(comma + 1, (size_t)(p - comma - 1), &pid) || p + 2 > end)
		return;
	comma = p;
	if (!(p = memchr(comma + 1, ',', (size_t)(end - comma - 1))) ||
	    pb_parse_i64(comma + 2, (size_t)(p - comma - 2), &tgid) || p + 2 > end)
		return;
	rec->pid = (int32_t)pid;
	rec->tgid = (int32_t)tgid;
	rec->comm = pb_arena_strndup(kmsg_arena(k), p + 2, (size_t)(end - p - 2));
}

/* The rest of a busy retry line from POS: the vendor task after
 * "retrying", then the record. */
static int finish_busy_retry(struct kmsg *k, const char *pos, const char *end,
			     struct pb_record *rec)
{
	const char *at = kmsg_find(pos, (size_t)(end - pos), "retrying");

	if (at)
		retry_task(k, at + 8, end, rec);
	return kmsg_finish_record(k, rec);
}

/* "cma: cma_alloc(): memory range at %p is busy, retrying" (pr_debug of
 * 3.17-6.x cma_alloc(), dma_alloc_from_contiguous() before it); vendor
 * kernels append ",%d, %d, %s" (pid, tgid, comm). %p is hashed from 4.15
 * on, so the page pointer is kept only when it is printed whole. Later
 * kernels print the range's first pfn before the page, "memory range at
 * pfn 0x%lx %p is busy" (6.12's __cma_alloc(), 7.x's cma_range_alloc()). */
static int cma_busy_retry(struct kmsg *k, const struct kline *l, const char *at,
			  struct pb_record *rec)
{
	const char *pos = at + 16, *end = l->text + l->len;
	int long_bits = pb_arch_long_bits(pb_parser_meta(k->p, "arch"));
	struct dump_slice w;
	uint64_t page, pfn;

	kmsg_start_record(k, l, rec, "cma_busy_retry");
	if (dump_word(&pos, end, &w))
		return kmsg_syntax(k, l);
	if (dump_slice_is(w, "pfn")) {
		if (dump_word(&pos, end, &w) || !dump_prefix(w.s, w.len, "0x") ||
		    pb_parse_hex(w.s + 2, w.len - 2, &pfn))
			return kmsg_syntax(k, l);
		kmsg_field(k, "pfn", w.s, w.len);
		if (dump_word(&pos, end, &w))
			return kmsg_syntax(k, l);
		/* a pfn beside a page teaches the analysis the vmemmap: only
		 * a pointer printed whole (no_hash_pointers), never the
		 * 32-bit hash that %p prints (pb_pointer_kind()); a 32-bit
		 * kernel's 8 digits may be either, and a hash fits no line */
		enum pb_pointer kind = pb_pointer_kind(w.s, w.len, long_bits);

		if (kind == PB_POINTER_ADDRESS || (kind == PB_POINTER_EITHER && long_bits == 32))
			kmsg_field(k, "page", w.s, w.len);
		return finish_busy_retry(k, pos, end, rec);
	}
	if (!pb_parse_hex(w.s, w.len, &page))
		kmsg_field(k, "page", w.s, w.len);
	return finish_busy_retry(k, pos, end, rec);
}

/* offline_pages() when a memory block did not go offline, most often
 * because a page in it could not be migrated: "memory offlining %lx to %lx
 * failed" (pfns, 3.x), "memory offlining [mem %#010llx-%#010llx] failed"
 * (the physical range, its last byte; KERN_INFO, later pr_debug), with
 * " due to %s" (the reason) from 4.20. A record of the range, so that the
 * log says which block failed. */
static int offline_failed(struct kmsg *k, const struct kline *l, size_t skip,
			  struct pb_record *rec)
{
	const char *s = l->text + skip, *end = l->text + l->len, *dash, *close, *to;
	size_t len = l->len - skip;

	kmsg_start_record(k, l, rec, "offline_failed");
	if (dump_prefix(s, len, "[mem ")) {
		dash = memchr(s, '-', len);
		close = memchr(s, ']', len);
		if (!dash || !close || close < dash)
			return kmsg_syntax(k, l);
		kmsg_field(k, "start_addr", s + 5, (size_t)(dash - s) - 5);
		kmsg_field(k, "end_addr", dash + 1, (size_t)(close - dash) - 1);
		if ((s = kmsg_find(close, (size_t)(end - close), " due to ")))
			kmsg_field(k, "reason", s + 8, (size_t)(end - s) - 8);
		return kmsg_finish_record(k, rec);
	}
	to = kmsg_find(s, len, " to ");
	if (!to || kmsg_hex_field(k, "start_pfn", s, (size_t)(to - s)) ||
	    kmsg_hex_field(k, "end_pfn", to + 4,
			   (size_t)(kmsg_find(to, (size_t)(end - to), " failed") - to) - 4))
		return kmsg_syntax(k, l);
	return kmsg_finish_record(k, rec);
}

/* A driver that gave up on its buffer says so in its own words ("ion:
 * failed to allocate ...", "cma_heap: Failed to allocate ..."): kept as a
 * record of its task, which ends a run of busy lines as a failure. */
static int driver_failed(struct kmsg *k, const struct kline *l, struct pb_record *rec)
{
	kmsg_start_record(k, l, rec, "driver_failed");
	return kmsg_finish_record(k, rec);
}

/* The length of the C identifier at the start of S when ": " follows it,
 * else 0 (the "%s: " of __func__). */
static size_t func_colon(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && (s[n] == '_' || (s[n] >= 'a' && s[n] <= 'z') ||
			   (s[n] >= 'A' && s[n] <= 'Z') || (n && s[n] >= '0' && s[n] <= '9')))
		n++;
	return n && len - n >= 2 && s[n] == ':' && s[n + 1] == ' ' ? n : 0;
}

/* "FUNC: [" at the start of S, FUNC a C identifier: the length up to the
 * '[' included, else 0. "PFNs busy" is printed with "%s: ", __func__, and
 * the function has had several names (alloc_contig_range, a vendor's
 * __alloc_contig_range, 6.10's alloc_contig_range_noprof). */
static size_t func_bracket(const char *s, size_t len)
{
	size_t n = func_colon(s, len);

	return n && len - n >= 3 && !memcmp(s + n, ": [", 3) ? n + 3 : 0;
}

/* Whether FUNC (LEN bytes) prints the messages read here: the "PFNs busy"
 * line (alloc_contig_range() and its vendor and _noprof names), cma_alloc()'s
 * failure (__cma_alloc from 6.12) and do_migrate_range()'s "migrating pfn". */
static int prints_our_messages(const char *func, size_t len)
{
	return kmsg_find(func, len, "alloc_contig_range") || kmsg_find(func, len, "cma_alloc") ||
	       (len == 16 && !memcmp(func, "do_migrate_range", 16));
}

/* "alloc_contig_range: 7 callbacks suppressed": ___ratelimit() says how
 * many messages of that function the kernel did not print ("%s: %d
 * callbacks suppressed", the function of the ratelimited printk). Kept as
 * a record so that a log's failures can be known to be a lower bound.
 * Returns the length of the count at S + FUNC_LEN + 2, 0 when S is not one. */
static size_t suppressed_count(const char *s, size_t len, size_t func_len)
{
	size_t at = func_len + 2, n = at;

	while (n < len && pb_is_digit(s[n]))
		n++;
	return n > at && len - n == 21 && !memcmp(s + n, " callbacks suppressed", 21) ? n - at : 0;
}

static int suppressed(struct kmsg *k, const struct kline *l, size_t func_len, size_t count_len,
		      struct pb_record *rec)
{
	kmsg_start_record(k, l, rec, "suppressed");
	kmsg_field(k, "function", l->text, func_len);
	kmsg_field(k, "count", l->text + func_len + 2, count_len);
	return kmsg_finish_record(k, rec);
}

/* --- which message a line is ---------------------------------------------- */

/* cma_alloc()'s messages: pr_fmt "cma: ", and the DMA contiguous
 * allocator's before mm/cma.c ("dma_alloc_from_contiguous(): memory range
 * at %p is busy, retrying"). */
static int cma_prefix(const char *s, size_t len)
{
	return dump_prefix(s, len, "cma: ") || dump_prefix(s, len, "dma_alloc_from_contiguous(");
}

/* The tests of kmsg_recognise(): whether S is the message, SEEN taking
 * where its words are. */
static int is_dump_head(const char *s, size_t len, struct kmsg_seen *seen)
{
	return kmsg_is_dump_head(s, len);
}

static int is_call_trace(const char *s, size_t len, struct kmsg_seen *seen)
{
	return kmsg_is_call_trace(s, len);
}

static int is_migrating_pfn(const char *s, size_t len, struct kmsg_seen *seen)
{
	return (seen->skip = dump_prefix(s, len, "migrating pfn ")) != 0;
}

static int is_isolate_pfn(const char *s, size_t len, struct kmsg_seen *seen)
{
	return (seen->skip = dump_prefix(s, len, "failed to isolate pfn ")) != 0;
}

static int is_lru_removal(const char *s, size_t len, struct kmsg_seen *seen)
{
	return (seen->skip = dump_prefix(s, len, "removing pfn ")) &&
	       kmsg_find(s, len, " from LRU failed");
}

static int is_pfns_busy(const char *s, size_t len, struct kmsg_seen *seen)
{
	return (seen->skip = func_bracket(s, len)) && kmsg_find(s, len, ") PFNs busy");
}

static int is_pool_area(const char *s, size_t len, struct kmsg_seen *seen)
{
	return kmsg_is_pool_area(s, len);
}

static int is_declared_area(const char *s, size_t len, struct kmsg_seen *seen)
{
	return kmsg_is_declared_area(s, len);
}

static int is_cma_alloc_failed(const char *s, size_t len, struct kmsg_seen *seen)
{
	return cma_prefix(s, len) && (seen->at = kmsg_find(s, len, "alloc failed, req-size: "));
}

static int is_cma_busy_retry(const char *s, size_t len, struct kmsg_seen *seen)
{
	const char *at;

	if (!cma_prefix(s, len) || !(at = kmsg_find(s, len, "(): memory range at ")) ||
	    !kmsg_find(at, (size_t)(s + len - at), " is busy"))
		return 0;
	seen->at = at + 4;	/* "memory range at " */
	return 1;
}

static int is_cma_other(const char *s, size_t len, struct kmsg_seen *seen)
{
	return cma_prefix(s, len);
}

static int is_isolation_failed(const char *s, size_t len, struct kmsg_seen *seen)
{
	return dump_prefix(s, len, "alloc_contig_range test_pages_isolated(") ||
	       dump_prefix(s, len, "__alloc_contig_migrate_range: test_pages_isolated(");
}

static int is_last_pinned(const char *s, size_t len, struct kmsg_seen *seen)
{
	return (seen->skip = dump_prefix(s, len, "page last pinned ")) != 0;
}

static int is_offline_failed(const char *s, size_t len, struct kmsg_seen *seen)
{
	return (seen->skip = dump_prefix(s, len, "memory offlining ")) &&
	       kmsg_find(s + seen->skip, len - seen->skip, " failed");
}

static int is_suppressed(const char *s, size_t len, struct kmsg_seen *seen)
{
	return (seen->skip = func_colon(s, len)) && prints_our_messages(s, seen->skip) &&
	       (seen->count_len = suppressed_count(s, len, seen->skip));
}

static int is_task_line(const char *s, size_t len, struct kmsg_seen *seen)
{
	return dump_prefix(s, len, "CPU: ") || dump_prefix(s, len, "Pid: ");
}

/* the boot banner, and an Android bugreport's head: dumpstate prints
 * "Kernel: " and then /proc/version, whose linux_proc_banner is the boot
 * banner's text */
static int is_banner(const char *s, size_t len, struct kmsg_seen *seen)
{
	return (seen->skip = dump_prefix(s, len, "Linux version ")) ||
	       (seen->skip = dump_prefix(s, len, "Kernel: Linux version "));
}

static int is_driver_failed(const char *s, size_t len, struct kmsg_seen *seen)
{
	return kmsg_find(s, len, "failed to allocate") || kmsg_find(s, len, "Failed to allocate");
}

/* The readers of the messages: 1 with a record, 0 when there is none
 * (the line did not parse: reported), -1 to stop. */
static int read_dump_page(struct kmsg *k, const struct kline *l, const struct kmsg_seen *seen,
			  struct pb_record *rec)
{
	return kmsg_dump_page(k, l, rec);
}

static int read_call_trace(struct kmsg *k, const struct kline *l, const struct kmsg_seen *seen,
			   struct pb_record *rec)
{
	return kmsg_call_trace(k, l, rec);
}

static int read_migrating_pfn(struct kmsg *k, const struct kline *l,
			      const struct kmsg_seen *seen, struct pb_record *rec)
{
	return migrate_failed(k, l, seen->skip, rec);
}

static int read_isolate_pfn(struct kmsg *k, const struct kline *l, const struct kmsg_seen *seen,
			    struct pb_record *rec)
{
	return isolate_failed(k, l, seen->skip, "", rec);
}

static int read_lru_removal(struct kmsg *k, const struct kline *l, const struct kmsg_seen *seen,
			    struct pb_record *rec)
{
	return isolate_failed(k, l, seen->skip, " from LRU failed", rec);
}

static int read_pfns_busy(struct kmsg *k, const struct kline *l, const struct kmsg_seen *seen,
			  struct pb_record *rec)
{
	return pfns_busy(k, l, seen->skip, rec);
}

static int read_cma_area(struct kmsg *k, const struct kline *l, const struct kmsg_seen *seen,
			 struct pb_record *rec)
{
	return kmsg_cma_area(k, l, rec);
}

static int read_cma_alloc_failed(struct kmsg *k, const struct kline *l,
				 const struct kmsg_seen *seen, struct pb_record *rec)
{
	return cma_alloc_failed(k, l, seen->at, rec);
}

static int read_cma_busy_retry(struct kmsg *k, const struct kline *l,
			       const struct kmsg_seen *seen, struct pb_record *rec)
{
	return cma_busy_retry(k, l, seen->at, rec);
}

static int read_nothing(struct kmsg *k, const struct kline *l, const struct kmsg_seen *seen,
			struct pb_record *rec)
{
	return 0;
}

static int read_isolation_failed(struct kmsg *k, const struct kline *l,
				 const struct kmsg_seen *seen, struct pb_record *rec)
{
	return isolation_failed(k, l, rec);
}

static int read_last_pinned(struct kmsg *k, const struct kline *l, const struct kmsg_seen *seen,
			    struct pb_record *rec)
{
	return kmsg_last_pinned(k, l, seen->skip, rec);
}

static int read_offline_failed(struct kmsg *k, const struct kline *l,
			       const struct kmsg_seen *seen, struct pb_record *rec)
{
	return offline_failed(k, l, seen->skip, rec);
}

static int read_suppressed(struct kmsg *k, const struct kline *l, const struct kmsg_seen *seen,
			   struct pb_record *rec)
{
	return suppressed(k, l, seen->skip, seen->count_len, rec);
}

static int read_task_line(struct kmsg *k, const struct kline *l, const struct kmsg_seen *seen,
			  struct pb_record *rec)
{
	task_line(k, l);
	return 0;
}

static int read_banner(struct kmsg *k, const struct kline *l, const struct kmsg_seen *seen,
		       struct pb_record *rec)
{
	banner(k, l, seen->skip);
	return 0;
}

static int read_driver_failed(struct kmsg *k, const struct kline *l,
			      const struct kmsg_seen *seen, struct pb_record *rec)
{
	return driver_failed(k, l, rec);
}

/* The messages read here, each with its test, what it is to a stack it is
 * printed into, and its reader, in the order they are told apart: the
 * dispatcher and the rule for a stack's interruptions both know them from
 * here. GO_ON: when the reader makes no record of a line that did not
 * parse, the line may still be one of the messages after it. */
static const struct message {
	const char *name;
	enum kmsg_role role;
	int (*test)(const char *s, size_t len, struct kmsg_seen *seen);
	int (*read)(struct kmsg *k, const struct kline *l, const struct kmsg_seen *seen,
		    struct pb_record *rec);
	int go_on;
} messages[KMSG_MESSAGES] = {
	[KMSG_DUMP_HEAD] = { "dump_page", KMSG_ROLE_HEAD, is_dump_head, read_dump_page, 0 },
	[KMSG_CALL_TRACE] = { "call trace", KMSG_ROLE_HEAD, is_call_trace, read_call_trace, 0 },
	[KMSG_MIGRATING_PFN] = { "migrating pfn", KMSG_ROLE_LINE, is_migrating_pfn,
				 read_migrating_pfn, 0 },
	[KMSG_ISOLATE_PFN] = { "failed to isolate pfn", KMSG_ROLE_LINE, is_isolate_pfn,
			       read_isolate_pfn, 0 },
	[KMSG_LRU_REMOVAL] = { "removing pfn from LRU failed", KMSG_ROLE_LINE, is_lru_removal,
			       read_lru_removal, 0 },
	[KMSG_PFNS_BUSY] = { "PFNs busy", KMSG_ROLE_LINE, is_pfns_busy, read_pfns_busy, 0 },
	[KMSG_POOL_AREA] = { "CMA memory pool", KMSG_ROLE_LINE, is_pool_area, read_cma_area, 1 },
	[KMSG_DECLARED_AREA] = { "cma: Reserved", KMSG_ROLE_LINE, is_declared_area,
				 read_cma_area, 1 },
	[KMSG_CMA_ALLOC_FAILED] = { "cma_alloc failed", KMSG_ROLE_LINE, is_cma_alloc_failed,
				    read_cma_alloc_failed, 0 },
	[KMSG_CMA_BUSY_RETRY] = { "memory range is busy", KMSG_ROLE_LINE, is_cma_busy_retry,
				  read_cma_busy_retry, 0 },
	[KMSG_CMA_OTHER] = { "other cma: line", KMSG_ROLE_NOTE, is_cma_other, read_nothing, 0 },
	[KMSG_ISOLATION_FAILED] = { "test_pages_isolated failed", KMSG_ROLE_LINE,
				    is_isolation_failed, read_isolation_failed, 0 },
	[KMSG_LAST_PINNED] = { "page last pinned", KMSG_ROLE_HEAD, is_last_pinned,
			       read_last_pinned, 0 },
	[KMSG_OFFLINE_FAILED] = { "memory offlining failed", KMSG_ROLE_LINE, is_offline_failed,
				  read_offline_failed, 1 },
	[KMSG_SUPPRESSED] = { "callbacks suppressed", KMSG_ROLE_LINE, is_suppressed,
			      read_suppressed, 0 },
	[KMSG_TASK_LINE] = { "CPU: PID: Comm:", KMSG_ROLE_NOTE, is_task_line, read_task_line, 0 },
	[KMSG_BANNER] = { "Linux version", KMSG_ROLE_NOTE, is_banner, read_banner, 0 },
	[KMSG_DRIVER_FAILED] = { "failed to allocate", KMSG_ROLE_LINE, is_driver_failed,
				 read_driver_failed, 0 },
};

enum kmsg_message kmsg_recognise(const char *s, size_t len, enum kmsg_message from,
				 struct kmsg_seen *seen)
{
	for (int what = from > KMSG_OTHER ? (int)from : KMSG_OTHER + 1; what < KMSG_MESSAGES;
	     what++) {
		if (messages[what].test(s, len, seen))
			return seen->what = (enum kmsg_message)what;
	}
	return seen->what = KMSG_OTHER;
}

enum kmsg_role kmsg_message_role(enum kmsg_message what)
{
	return what > KMSG_OTHER && what < KMSG_MESSAGES ? messages[what].role : KMSG_ROLE_NOTE;
}

const char *kmsg_message_name(enum kmsg_message what)
{
	return what > KMSG_OTHER && what < KMSG_MESSAGES ? messages[what].name : "other";
}

/* Returns 1 with a record, 0 when the line is not one, -1 to stop. */
static int dispatch(struct kmsg *k, const struct kline *l, struct pb_record *rec)
{
	struct kmsg_seen seen = { 0 };
	int rc;

	while (kmsg_recognise(l->text, l->len, seen.what + 1, &seen) != KMSG_OTHER) {
		const struct message *m = &messages[seen.what];

		if ((rc = m->read(k, l, &seen, rec)) || !m->go_on)
			return rc;
	}
	return 0;
}

static void *kmsg_open(struct pb_parser *p, char *err, size_t errlen)
{
	struct kmsg *k = pb_calloc(1, sizeof(*k));

	k->p = p;
	kmsg_time_init(&k->time);
	return k;
}

static int kmsg_next(void *state, struct pb_parser *p, struct pb_record *rec)
{
	struct kmsg *k = state;
	struct kline l;
	int rc;

	for (;;) {
		/* the lines held by the record read last are read now */
		k->nheld = 0;
		k->held_bytes = 0;
		rc = kmsg_next_line(k, &l);
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
	pb_buf_free(&k->plain);
	pb_buf_free(&k->retag);
	pb_buf_free(&k->joined);
	pb_buf_free(&k->joined_comm);
	pb_buf_free(&k->pending);
	for (size_t i = 0; i < 2; i++) {
		pb_buf_free(&k->cur[i]);
		pb_buf_free(&k->cur_comm[i]);
	}
	for (size_t i = 0; i < KQUEUE_MAX; i++) {
		pb_buf_free(&k->queue[i].text);
		pb_buf_free(&k->queue[i].comm);
	}
	pb_buf_free(&k->owner);
	pb_buf_free(&k->task_comm);
	free(k);
}

const struct pb_format_ops pb_kmsg_ops = {
	.format = PB_FMT_KMSG,
	.open = kmsg_open,
	.next = kmsg_next,
	.close = kmsg_close,
};
