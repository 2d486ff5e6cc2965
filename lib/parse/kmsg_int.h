/* kmsg_int.h - the kernel log parser's parts: the line prefixes and times
 * (kmsg_prefix.c, kmsg_time.c), the multi-line records (kmsg_dump.c) and
 * the one-line records with the parser itself (kmsg.c). */
#ifndef PINBLAME_PARSE_KMSG_INT_H
#define PINBLAME_PARSE_KMSG_INT_H

#include <stddef.h>
#include <stdint.h>

#include "dump.h"

#define NS_PER_SEC 1000000000LL

/* One line of the log with its prefixes taken apart. */
struct kline {
	const char *text;	/* the message, prefixes removed */
	size_t len;
	int64_t ts_ns;		/* on the file's clock, -1 when the line has none */
	uint64_t lineno;
	int kernel;		/* 0: journal line of another program */
	/* 1: a line of the carrier's own, between the kernel's lines (logcat
	 * -v long's head of an entry and the blank line after it) */
	int framing;
	/* the task a vendor prefix names (Samsung "[cpu: comm: pid]",
	 * MediaTek ".(cpu)[pid:comm]"); -1 and empty when none */
	int32_t cpu, pid;
	const char *comm;
	size_t comm_len;
};

/* The clocks a kernel log's times can be on. */
enum kclock { CLOCK_UNSET, CLOCK_BOOT, CLOCK_WALL, CLOCK_RELATIVE };

/* What a line's prefixes say of its time; -1 for what they do not say. */
struct stamps {
	int64_t boot;		/* printk time: ns since boot */
	int64_t wall;		/* a date: ns since the epoch */
	int64_t delta;		/* dmesg's time since the line before */
	enum kclock delta_of;	/* the clock that delta counts on */
};

/* The file's clock, and what times on it need from the lines before. */
struct ktime {
	enum kclock clock;
	uint64_t line;		/* the line timed last */
	int64_t before, at;	/* the time before that line's; its own */
	int year, month;	/* dates without a year: the year, the last month */
	int reltime;		/* a relative clock begun by reltime's deltas */
	/* a log of several boots on the printk clock: the last printk time
	 * and date read, what the boots after the first add to their times */
	int64_t last_boot, last_wall, boot_offset;
	int reboots;
	/* logcat -v long: the entry whose head was read last, up to the blank
	 * line that ends it: its time (a date, or since boot: -1 for the
	 * other) and tag */
	int entry_open;
	int64_t entry_wall, entry_boot;
	char entry_tag[48];
	size_t entry_tag_len;
};

/* Lines of other records held while a stack is read, and the lines looked
 * at and given again: with printk caller ids, the other callers' lines up
 * to the record's end; without, a few gaps of a few lines (kmsg.c bounds
 * them: CALLER_HELD_MAX, and a few more looked at). */
#define KQUEUE_MAX 144

/* A line kept by the parser, its text copied. */
struct kqueued {
	struct kline l;
	struct pb_buf text, comm;
};

/* The parser's state. */
struct kmsg {
	struct pb_parser *p;
	struct dump_rec rec;
	struct pb_buf head;	/* first line of the record being read */
	struct pb_buf plain;	/* the line without its colour escapes */
	struct pb_buf retag;	/* a logcat line's message rebuilt */
	struct pb_buf owner;	/* a page_owner allocation header, maybe wrapped */
	char migrate_pfn[24];	/* the pfn of the last "migrating pfn" line */
	uint64_t migrate_line;	/* its line; 0 when none */
	struct pb_buf task_comm;
	int32_t task_cpu, task_pid;
	uint64_t task_line;	/* 0: no "CPU: ... PID: ..." line pending */
	int have_banner;	/* kernel release known from "Linux version" */
	int is_log;		/* meta "kernel_log" set */
	struct ktime time;
	/* a console line that another record broke into, joined again with
	 * its rest, and that record, given out after it (pending_line: its
	 * line, 0 when none) */
	struct pb_buf joined, joined_comm, pending;
	uint64_t pending_line;
	/* the line given out last (kmsg_unget_line() gives it again: AGAIN
	 * when it comes next, before the queue's lines, its text where it
	 * was; else a copy in the queue) */
	struct kline last;
	int again;
	/* lines read and given again, in their order: the first NHELD are
	 * other records printed into a stack, held until the record being
	 * read is over (kmsg_stack_resumes()); the others come next */
	struct kqueued queue[KQUEUE_MAX];
	size_t nqueued, nheld;
	size_t held_bytes;	/* the text of the NHELD lines */
	/* the text of the lines taken from it last, in turn */
	struct pb_buf cur[2], cur_comm[2];
	int cur_at;
	int32_t rec_pid, rec_cpu;	/* the printk caller of the record read */
	/* the record's line read last, and the one before it, were its
	 * caller's: the log's caller ids are the kernel's, one a record */
	int caller_now, caller_kept;
};

/* The messages read here, in the order kmsg_recognise() tries them: a
 * line is the first that fits it. */
enum kmsg_message {
	KMSG_OTHER,		/* none of them */
	KMSG_DUMP_HEAD,		/* dump_page()'s first line */
	KMSG_CALL_TRACE,	/* "Call trace:" and the other heads of a stack dump */
	KMSG_MIGRATING_PFN,
	KMSG_ISOLATE_PFN,
	KMSG_LRU_REMOVAL,
	KMSG_PFNS_BUSY,
	KMSG_POOL_AREA,		/* the CMA areas declared at boot (kmsg_area.c) */
	KMSG_DECLARED_AREA,
	KMSG_CMA_ALLOC_FAILED,
	KMSG_CMA_BUSY_RETRY,
	KMSG_CMA_OTHER,		/* any other line of cma_alloc()'s prefixes: no record */
	KMSG_ISOLATION_FAILED,
	KMSG_LAST_PINNED,	/* page_pinner's block */
	KMSG_OFFLINE_FAILED,
	KMSG_SUPPRESSED,
	KMSG_TASK_LINE,		/* dump_stack()'s "CPU: %d PID: %d Comm: %s" */
	KMSG_BANNER,		/* "Linux version %s" */
	KMSG_DRIVER_FAILED,
	KMSG_MESSAGES
};

/* What a message is to a stack that it is printed into. */
enum kmsg_role {
	/* a record of one line: another CPU's may land between two frames */
	KMSG_ROLE_LINE,
	/* the head of a record of several lines: it ends a stack
	 * (kmsg_ends_stack()) */
	KMSG_ROLE_HEAD,
	/* no record (the task or the release of the log, or nothing) */
	KMSG_ROLE_NOTE,
};

/* Where kmsg_recognise() found a message's words. */
struct kmsg_seen {
	enum kmsg_message what;
	size_t skip;		/* the length of the prefix it is known by */
	const char *at;		/* its words in the line, when not at its start */
	size_t count_len;	/* "callbacks suppressed": the count's length */
};

/* --- kmsg.c: reading lines, building records ------------------------------ */

/* Which message S is (KMSG_OTHER: none), trying those from FROM on (the
 * dispatcher goes on after a line that did not parse as the one before);
 * looks at S only. */
enum kmsg_message kmsg_recognise(const char *s, size_t len, enum kmsg_message from,
				 struct kmsg_seen *seen);
enum kmsg_role kmsg_message_role(enum kmsg_message what);
const char *kmsg_message_name(enum kmsg_message what);
/* Whether L, in a log without caller ids, may be another record printed
 * between two frames of a stack: a whole message of its own (a record of
 * one line read here, or any line with its own time) at the start of its
 * line (printk indents no record's first line; an indented line is the
 * stack's: x86's "RIP:" and registers after its last frame), and no line
 * that ends a stack. A line of another program is one too. */
int kmsg_interruption(const struct kline *l);

/* The next line with its prefixes taken apart: 1, 0 at the end, -1 to stop. */
int kmsg_next_line(struct kmsg *k, struct kline *l);
/* The line just read is read again by the next kmsg_next_line(). */
void kmsg_unget_line(struct kmsg *k);
/* The next line of the record being read: with caller ids (the record's
 * head and the line before carried its caller), the lines of other
 * callers are held (kmsg_stack_resumes()) and given out once the record
 * is over; a few at most, then they are given as they come. */
int kmsg_record_line(struct kmsg *k, struct kline *l);
/* L is no line of the stack being read, whose frames are indented INDENT
 * (the record's first line names the printk caller, when lines carry
 * one). Returns 1 when the stack goes on after L: L and the lines up to
 * the next one of the stack are other records printed into it, held and
 * given out once the record is over, and L becomes that next line (a
 * frame at INDENT; with caller ids, the record's caller's next line, which
 * may end the stack in its turn). 0: the stack ends at L, which is given
 * again (with the lines looked at after it). -1 to stop. */
int kmsg_stack_resumes(struct kmsg *k, struct kline *l, size_t indent);
struct pb_arena *kmsg_arena(struct kmsg *k);
void kmsg_field(struct kmsg *k, const char *name, const char *v, size_t len);
/* A hex value printed without "0x" stored with it; -1 when V is not hex. */
int kmsg_hex_field(struct kmsg *k, const char *name, const char *v, size_t len);
void kmsg_start_record(struct kmsg *k, const struct kline *l, struct pb_record *rec,
		       const char *event);
int kmsg_finish_record(struct kmsg *k, struct pb_record *rec);
/* Reports the record begun at LINE (saved in k->head) as cut off: 0, or
 * -1 when the import stops there. */
int kmsg_truncated(struct kmsg *k, uint64_t line);
/* Reports L as a line that began a record and did not parse. */
int kmsg_syntax(struct kmsg *k, const struct kline *l);
const char *kmsg_find(const char *s, size_t len, const char *needle);

/* --- kmsg_dump.c: records of several lines -------------------------------- */

int kmsg_is_dump_head(const char *s, size_t len);
int kmsg_is_call_trace(const char *s, size_t len);
/* A frame line of a stack, in any syntax the stack readers take, at
 * whatever indentation (*INDENT: its blanks). */
int kmsg_stack_frame(const char *s, size_t len, size_t *indent);
/* Lines that legitimately end a stack and may be followed by the frames
 * of another: record heads, page_owner's and page_pinner's lines, any
 * line ending in ':' (the head of what follows). */
int kmsg_ends_stack(const char *s, size_t len);
/* Each reads the record that FIRST begins: 1 with REC filled, 0 when it
 * was cut off (reported), -1 to stop. */
int kmsg_dump_page(struct kmsg *k, const struct kline *first, struct pb_record *rec);
int kmsg_call_trace(struct kmsg *k, const struct kline *first, struct pb_record *rec);
/* "page last pinned ..." (SKIP: the length of that prefix). */
int kmsg_last_pinned(struct kmsg *k, const struct kline *first, size_t skip,
		     struct pb_record *rec);

/* --- kmsg_area.c: the CMA areas declared at boot ------------------------ */

/* A "cma_area" record when L declares one: 1 with REC filled, 0 when L is
 * not such a line, -1 to stop. May read the line after L. */
int kmsg_cma_area(struct kmsg *k, const struct kline *l, struct pb_record *rec);
/* Whether S is rmem_cma_setup()'s line, cma_declare_contiguous()'s. */
int kmsg_is_pool_area(const char *s, size_t len);
int kmsg_is_declared_area(const char *s, size_t len);

/* --- kmsg_time.c ---------------------------------------------------------- */

void kmsg_time_init(struct ktime *t);
/* A date at the start of a line: the journal's and syslog's, which a host
 * and a program name follow (*JOURNAL), or dmesg --time-format iso's.
 * Returns its length, 0 when S starts with none. */
size_t kmsg_date_prefix(struct ktime *t, const char *s, size_t n, int64_t *wall, int *journal);
/* A serial terminal program's stamp before a line ("[10:00:44.123] ",
 * tio); an ISO date in it goes into *WALL. Returns its length, 0 when S
 * starts with none. */
size_t kmsg_serial_stamp(const char *s, size_t n, int64_t *wall);
/* logcat's time as liblog's android_log_formatLogLine() prints it:
 * "01-01 09:03:01.490" (a date without a year), "2025-01-01 09:03:01.490"
 * (-v year), with 6 or 9 digits after the seconds (-v usec, -v nsec) and
 * " +0100" after them (-v zone), into *WALL; "%19lld.%03ld" seconds since
 * the epoch (-v epoch) into *WALL, "%6lld.%03ld" since boot (-v monotonic)
 * into *BOOT. Returns its length, 0 when S starts with none. */
size_t kmsg_logcat_time(struct ktime *t, const char *s, size_t n, int64_t *wall, int64_t *boot);
/* dmesg's bracketed time ("[  109.600000]" and util-linux's variants) into
 * *ST. Returns the length, 0 when S starts with none (*ST unchanged). */
size_t kmsg_bracket_stamp(struct ktime *t, const char *s, size_t n, struct stamps *st);
/* The time of line LINENO on the file's clock, -1 when it has none there;
 * the first line with a time sets the clock (meta "clock" of P). */
int64_t kmsg_line_time(struct ktime *t, struct pb_parser *p, uint64_t lineno,
		       const struct stamps *st);

/* --- kmsg_prefix.c -------------------------------------------------------- */
/* The '[' of a printk time "[%5lu.%06lu]" in S after its first byte,
 * NULL when there is none. */
const char *kmsg_inner_stamp(const char *s, size_t n);
/* The length of logcat's "-v threadtime" head, its time (as
 * kmsg_logcat_time() reads it) and "%s%5d %5d %c " (-v uid's uid, pid,
 * tid, priority), 0 when S starts with none. */
size_t kmsg_logcat_head(const char *s, size_t n);

/* Takes the prefixes off S into L (text, kernel, task) and ST; the text
 * may be rebuilt in SCRATCH (logcat's padded tags). */
void kmsg_strip_prefix(struct ktime *t, struct pb_buf *scratch, const char *s, size_t n,
		       struct kline *l, struct stamps *st);

#endif
