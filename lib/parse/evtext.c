/* evtext.c - the engine behind ftrace text and trace-cmd report.
 *
 * Both print one line per event, "comm-pid [cpu] ts: event: body", and a
 * stack as a separate pseudo-event on the same task and CPU, followed by
 * "=> frame" lines. In the merged per-CPU output another CPU's events may
 * come between an event and its stack, so an event is held back until it
 * can no longer receive one: the next event on its CPU closes it. Events
 * wait in a small FIFO so that records still come out in file order; when
 * the FIFO is full the oldest one leaves without waiting (a stack arriving
 * later is then reported as an orphan, never attached to the wrong event);
 * so does it when the queue holds more than HELD_MAX bytes of text.
 *
 * The columns of a line (comm, pid, cpu, time, in every layout) are read
 * by evtext_columns.c; this file holds the queue and the stack memo.
 *
 * The held events keep their text in their own slot buffers (the parser
 * arena is reset at every pb_parser_next() call); the returned record
 * points into the slot it came from, which is not reused before the next
 * call.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evtext_int.h"
#include "fieldbase.h"
#include "parser_int.h"

#define QUEUE_LEN 64
#define HELD_MAX (4u << 20)	/* text bytes the queue may hold */
#define SLOT_KEEP (64u << 10)	/* larger slot buffers are freed on reuse */

enum slot_kind {
	SLOT_EVENT,
	SLOT_PRINT,
	SLOT_LOST,
};

struct stack_text {
	struct pb_buf text;	/* frame texts: see add_frame_text() */
	uint32_t n;
	int seen;		/* its header arrived */
};

struct slot {
	struct pb_buf text;	/* "comm\0event\0body\0" */
	uint64_t line;
	int64_t ts_ns;
	int64_t lost;
	int32_t cpu, pid, tgid;
	uint32_t event_off, body_off, body_len;
	const char *system;
	enum slot_kind kind;
	int open;		/* may still receive a stack */
	struct stack_text stack[2];	/* kernel, user */
};

/* The same few event names repeat on every line: remember their systems
 * instead of searching the table each time. */
#define SYSTEM_CACHE 32
#define SYSTEM_CACHE_NAME 48

struct system_cache {
	char name[SYSTEM_CACHE_NAME];
	size_t len;		/* 0: empty */
	const char *system;	/* NULL: not in the table */
};

/* Parsed stacks, kept by their text: a trace repeats a few call paths over
 * and over (a stack per event of a hot path), and parsing every frame
 * again was a fifth of the parsing. Bounded: MEMO_SETS sets of MEMO_WAYS
 * stacks, the least recently used one replaced, so that a few hot stacks
 * that fall in one set do not evict each other; a stack past MEMO_TEXT_MAX
 * bytes is parsed each time. Kernel and user stacks have memos of their
 * own, so that the user stack of a record cannot evict the kernel stack
 * it just got. */
#define MEMO_SETS 16
#define MEMO_WAYS 8
#define MEMO_TEXT_MAX 4096

struct stack_memo {
	uint64_t key;		/* a new one each time the entry is filled */
	uint64_t sig;		/* memo_sig() of the text */
	uint64_t used;		/* evtext.memo_clock when last used; 0: empty */
	char *text;		/* the frame texts as add_frame_text() wrote them */
	uint32_t len, n;
	struct pb_frame *frames;
	size_t nframes;
	struct pb_arena arena;	/* the texts parsed in place, the frames */
};

/* Runs of frame lines, kept by their bytes: the same bytes read from an
 * empty stack always give the same frame texts (a frame line's handling
 * depends only on its bytes and on how many frames came before), so a run
 * seen before is taken in one compare and one copy instead of a line at a
 * time; on a trace of repeated call paths that was most of the lines.
 * Bounded like the stack memo; a run past BLOCK_RAW_MAX bytes is read a
 * line at a time always. */
#define BLOCK_SETS 16
#define BLOCK_WAYS 8
#define BLOCK_RAW_MAX 8192

struct block_memo {
	uint64_t sig;		/* block_sig() of the bytes */
	uint64_t used;		/* evtext.block_clock when last used; 0: empty */
	uint32_t lines;
	struct pb_buf raw;	/* the lines, each with its '\n' */
	struct pb_buf frames;	/* what add_frame_text() wrote for them */
};

struct evtext {
	const struct pb_evtext_dialect *dialect;
	struct stack_memo memo[2][MEMO_SETS * MEMO_WAYS];	/* kernel, user */
	uint64_t memo_clock;
	struct block_memo blocks[BLOCK_SETS * BLOCK_WAYS];
	uint64_t block_clock;
	bool blocks_off;	/* PINBLAME_RUN_MEMO=0: every run a line at a time */
	struct system_cache systems[SYSTEM_CACHE];
	struct slot slots[QUEUE_LEN];
	unsigned head, count;
	size_t held;		/* text bytes of the queued slots */
	struct stack_text *target;	/* receives the "=>" lines */
	int orphan;		/* inside a stack block already reported */
	int eof;
	int clock_noted;
	bool decimal;		/* the writer prints every number in decimal (ftrace.c) */
	int started;		/* read_line() decided how to read */
	struct evtext_lines *lines;	/* the reading thread, if any */
	const struct evtext_line *line_batch;	/* its lines being read */
	size_t nlines, line_pos;
	/* a run of frame lines of the reading thread read a line at a time */
	size_t run_off;		/* its bytes read */
	uint64_t run_line;	/* the number of its next line */
	struct stack_text *run_target;	/* its stack, if empty when it began */
};

void *pb_evtext_open(struct pb_parser *p, const struct pb_evtext_dialect *dialect)
{
	struct evtext *st = pb_calloc(1, sizeof(*st));
	const char *memo = getenv("PINBLAME_RUN_MEMO");	/* for tests */

	st->dialect = dialect;
	st->blocks_off = memo && *memo == '0';
	return st;
}

void pb_evtext_close(void *state)
{
	struct evtext *st = state;

	evtext_lines_stop(st->lines);
	for (unsigned i = 0; i < MEMO_SETS * MEMO_WAYS; i++) {
		pb_arena_free(&st->memo[0][i].arena);
		pb_arena_free(&st->memo[1][i].arena);
	}
	for (unsigned i = 0; i < BLOCK_SETS * BLOCK_WAYS; i++) {
		pb_buf_free(&st->blocks[i].raw);
		pb_buf_free(&st->blocks[i].frames);
	}
	for (unsigned i = 0; i < QUEUE_LEN; i++) {
		pb_buf_free(&st->slots[i].text);
		pb_buf_free(&st->slots[i].stack[0].text);
		pb_buf_free(&st->slots[i].stack[1].text);
	}
	free(st);
}

static struct slot *queue_at(struct evtext *st, unsigned i)
{
	return &st->slots[(st->head + i) % QUEUE_LEN];
}

/* The newest held event of CPU, if it is still open. */
static struct slot *open_event_of_cpu(struct evtext *st, int32_t cpu)
{
	for (unsigned i = st->count; i-- > 0;) {
		struct slot *s = queue_at(st, i);

		if (s->cpu == cpu)
			return s->open ? s : NULL;
	}
	return NULL;
}

/* Empties a slot buffer; one that a very long line grew is given back. */
static void reuse_buf(struct pb_buf *b)
{
	if (b->cap > SLOT_KEEP)
		pb_buf_free(b);
	else
		pb_buf_reset(b);
}

static struct slot *enqueue(struct evtext *st, enum slot_kind kind, uint64_t line, int32_t cpu)
{
	struct slot *prev = open_event_of_cpu(st, cpu);
	struct slot *s = queue_at(st, st->count++);

	/* a new entry of the CPU ends the previous one's stacks */
	if (prev)
		prev->open = 0;
	reuse_buf(&s->text);
	for (int k = 0; k < 2; k++) {
		reuse_buf(&s->stack[k].text);
		s->stack[k].n = 0;
		s->stack[k].seen = 0;
	}
	s->kind = kind;
	s->line = line;
	s->cpu = cpu;
	s->pid = s->tgid = -1;
	s->ts_ns = -1;
	s->open = kind != SLOT_LOST;
	return s;
}

/* Appends STR and its terminating NUL (pb_buf_add() always writes one
 * past the end; counting it keeps it). */
static void add_string(struct pb_buf *b, const char *str, size_t n)
{
	pb_buf_add(b, str, n);
	b->len++;
}

/* Appends "length text NUL" (the length a uint32_t) to a stack's frame
 * texts. The copy is inlined when the buffer has room: this runs for
 * every frame line. Under the function_graph tracer a stack is printed in
 * a comment that closes after its last frame (print_graph_comment()):
 * that " * /" (without the blank between) is no part of the frame. */
static inline __attribute__((always_inline))
void add_frame_text(struct pb_buf *b, const char *s, uint32_t n)
{
	if (n > 3 && s[n - 1] == '/' && s[n - 2] == '*' && s[n - 3] == ' ')
		n -= 3;
	size_t need = sizeof(n) + n + 1;

	if (b->cap - b->len > need) {
		memcpy(b->data + b->len, &n, sizeof(n));
		memcpy(b->data + b->len + sizeof(n), s, n);
		b->data[b->len + need - 1] = '\0';
		b->len += need;
		return;
	}
	pb_buf_add(b, &n, sizeof(n));
	add_string(b, s, n);
}

static int bad(struct pb_parser *p, uint64_t line, enum pb_bad_reason why,
	       const char *text, size_t len)
{
	return pb_parser_bad_line(p, line, why, text, len) ? -1 : 0;
}

/* The digits (hex: HEX) ending at E, not before S: where they begin. */
static const char *digits_before(const char *s, const char *e, int hex)
{
	while (e > s && (pb_is_digit(e[-1]) ||
			 (hex && (e[-1] | 0x20) >= 'a' && (e[-1] | 0x20) <= 'f')))
		e--;
	return e;
}

/* trace-cmd report --debug prints " [%d:0x%llx:%d]" (the record's time
 * delta, its offset in the page, its size) after each event, after the
 * last frame of a stack event (trace-read.c trace_show_data()). */
size_t pb_evtext_debug_trim(const char *s, size_t len)
{
	const char *e = s + len, *p = e - 1, *q;

	if (len < 9 || *p != ']')
		return len;
	q = digits_before(s, p, 0);		/* size */
	if (q == p || q - s < 4 || q[-1] != ':')
		return len;
	p = digits_before(s, q - 1, 1);		/* offset */
	if (p == q - 1 || p - s < 4 || p[-1] != 'x' || p[-2] != '0' || p[-3] != ':')
		return len;
	q = digits_before(s, p - 3, 0);		/* delta */
	if (q < p - 3 && q > s && q[-1] == '-')
		q--;
	if (q == p - 3 || q - s < 2 || q[-1] != '[' || q[-2] != ' ')
		return len;
	return (size_t)(q - 2 - s);
}

/* Inlined in both callers: the most frequent line of a trace with stacks
 * is a frame, and a call per line costs 5% of the parsing. */
static inline __attribute__((always_inline))
int frame_line(struct evtext *st, struct pb_parser *p, uint64_t line,
	       const char *frame, const char *text, size_t len)
{
	const char *end = text + len;

	frame = pb_skip_blanks(frame, end);
	end = frame + pb_evtext_debug_trim(frame, (size_t)(end - frame));
	if (st->target) {
		if (frame == end)
			return bad(p, line, PB_BAD_SYNTAX, text, len);
		if (st->target->n == PB_STACK_FRAMES_MAX || end - frame > PB_FRAME_TEXT_MAX)
			return bad(p, line, PB_BAD_TOO_LONG, text, len);
		st->held -= st->target->text.len;
		add_frame_text(&st->target->text, frame, (uint32_t)(end - frame));
		st->held += st->target->text.len;
		st->target->n++;
		return 0;
	}
	if (st->orphan)
		return 0;
	/* frames with no stack header, or whose header was an orphan: the
	 * block is reported once, at its first line */
	st->orphan = 1;
	return bad(p, line, PB_BAD_ORPHAN_STACK, text, len);
}

/* The signature of a run of LINES frame lines, LEN bytes at RAW. */
static uint64_t block_sig(const char *raw, size_t len, uint32_t lines)
{
	return pb_bytes_sig(raw, len, lines);
}

static struct block_memo *block_set(struct evtext *st, uint64_t sig)
{
	return &st->blocks[sig % BLOCK_SETS * BLOCK_WAYS];
}

/* Stack T, empty, takes the frames of the run RAW (LEN bytes, LINES
 * lines) from the memo in one go, if the memo has the run and the queue
 * can hold them (else a line at a time could let an event out in the
 * middle of the run). Returns whether it did. */
static bool block_take(struct evtext *st, struct stack_text *t, const char *raw, size_t len,
		       uint32_t lines)
{
	uint64_t sig;
	struct block_memo *set;

	if (len > BLOCK_RAW_MAX || st->blocks_off)
		return false;
	sig = block_sig(raw, len, lines);
	set = block_set(st, sig);
	for (unsigned i = 0; i < BLOCK_WAYS; i++) {
		struct block_memo *m = &set[i];

		if (!m->used || m->sig != sig || m->lines != lines || m->raw.len != len ||
		    memcmp(m->raw.data, raw, len))
			continue;
		if (st->held + m->frames.len > HELD_MAX)
			return false;
		pb_buf_add(&t->text, m->frames.data, m->frames.len);
		t->n = lines;
		st->held += m->frames.len;
		m->used = ++st->block_clock;
		return true;
	}
	return false;
}

/* Remembers that the run RAW (LEN bytes, LINES lines), read a line at a
 * time from an empty stack, gave stack T: the least recently used entry
 * of its set is replaced. */
static void block_keep(struct evtext *st, const char *raw, size_t len, uint32_t lines,
		       const struct stack_text *t)
{
	uint64_t sig;
	struct block_memo *set, *m;

	if (len > BLOCK_RAW_MAX || t->n != lines)
		return;
	sig = block_sig(raw, len, lines);
	set = m = block_set(st, sig);
	for (unsigned i = 1; i < BLOCK_WAYS; i++)
		if (set[i].used < m->used)
			m = &set[i];
	m->sig = sig;
	m->lines = lines;
	pb_buf_reset(&m->raw);
	pb_buf_add(&m->raw, raw, len);
	pb_buf_reset(&m->frames);
	pb_buf_add(&m->frames, t->text.data, t->text.len);
	m->used = ++st->block_clock;
}

/* The frame lines of the stack being read (st->target) that are in the
 * input's buffer already, taken in one go: they are most lines of a trace
 * with stacks, and reading them one call at a time cost more than the
 * rest of their handling. Leaves to process_line() whatever is not simply
 * a frame of this stack: another line, an empty or too long frame, a line
 * not in the buffer whole, and every line once the queue holds more than
 * HELD_MAX (pb_evtext_next() lets an event out first). Returns the lines
 * taken. */
/* The run of frame lines whole in [DATA, END): its bytes, its lines in
 * *LINES; 0 when it is longer than the block memo keeps. */
static size_t frame_run_extent(const char *data, const char *end, uint32_t *lines)
{
	const char *s = data, *nl;

	*lines = 0;
	while ((nl = evtext_find_newline(s, end)) && nl - s <= PB_LINE_MAX && evtext_is_frame(s, nl)) {
		s = nl + 1;
		if (s - data > BLOCK_RAW_MAX) {
			*lines = 0;
			return 0;
		}
		++*lines;
	}
	return (size_t)(s - data);
}

static uint64_t frame_lines(struct evtext *st, struct pb_input *in)
{
	struct stack_text *t = st->target;
	const char *data, *s, *end;
	size_t before = t->text.len, run = 0;
	uint32_t run_lines = 0;
	uint64_t lines = 0;

	size_t n = pb_input_buffered(in, &data);

	end = data + n;
	if (!t->n) {
		run = frame_run_extent(data, end, &run_lines);
		if (run_lines && block_take(st, t, data, run, run_lines)) {
			pb_input_take_lines(in, run, run_lines);
			return run_lines;
		}
	}
	for (s = data; st->held + (t->text.len - before) <= HELD_MAX; lines++) {
		const char *nl = evtext_find_newline(s, end), *eol, *frame;

		if (!nl || nl - s > PB_LINE_MAX)
			break;
		eol = nl > s && nl[-1] == '\r' ? nl - 1 : nl;	/* as pb_input_getline() */
		frame = pb_skip_blanks(s, eol);
		if (eol - frame < 2 || frame[0] != '=' || frame[1] != '>')
			break;
		frame = pb_skip_blanks(frame + 2, eol);
		eol = frame + pb_evtext_debug_trim(frame, (size_t)(eol - frame));
		if (frame == eol || t->n == PB_STACK_FRAMES_MAX || eol - frame > PB_FRAME_TEXT_MAX)
			break;
		add_frame_text(&t->text, frame, (uint32_t)(eol - frame));
		t->n++;
		s = nl + 1;
	}
	st->held += t->text.len - before;
	if (run_lines && (size_t)(s - data) == run && lines == run_lines)
		block_keep(st, data, run, run_lines, t);
	pb_input_take_lines(in, (size_t)(s - data), lines);
	return lines;
}

static int stack_header(struct evtext *st, struct pb_parser *p, uint64_t line,
			const struct pb_text_context *c, int user, const char *text, size_t len)
{
	struct slot *s = open_event_of_cpu(st, c->cpu);

	if (s && s->pid == c->pid && !s->stack[user].seen) {
		s->stack[user].seen = 1;
		st->target = &s->stack[user];
		return 0;
	}
	st->orphan = 1;
	return bad(p, line, PB_BAD_ORPHAN_STACK, text, len);
}

static int lost_events(struct evtext *st, uint64_t line, int32_t cpu, int64_t lost,
		       const char *text, size_t len)
{
	struct slot *s = enqueue(st, SLOT_LOST, line, cpu);

	s->lost = lost;
	s->system = "ftrace";
	add_string(&s->text, "", 0);
	s->event_off = (uint32_t)s->text.len;
	add_string(&s->text, "lost_events", 11);
	s->body_off = (uint32_t)s->text.len;
	s->body_len = (uint32_t)len;
	add_string(&s->text, text, len);
	st->held += s->text.len;
	return 0;
}

/* Events missing from the table are "syscalls" for "sys_x(args)" and
 * "sys_x -> ret", "kprobes" when the body opens with a probe location
 * "(func+0x0/0x1d0)", else "ftrace". NAME is NUL-terminated. */
static const char *event_system(struct evtext *st, const char *name, size_t len,
				const char *body, size_t body_len)
{
	const char *system;

	if (len < SYSTEM_CACHE_NAME) {
		struct system_cache *c = &st->systems[(len * 7 + (unsigned char)name[0] +
						       (unsigned char)name[len - 1]) % SYSTEM_CACHE];

		if (c->len != len || memcmp(c->name, name, len)) {
			memcpy(c->name, name, len);
			c->len = len;
			c->system = pb_event_system(name);
		}
		system = c->system;
	} else {
		system = pb_event_system(name);
	}
	if (system)
		return system;
	if (len > 4 && !memcmp(name, "sys_", 4) && body_len &&
	    (body[0] == '(' || body[0] == '-'))
		return "syscalls";
	return body_len && body[0] == '(' ? "kprobes" : "ftrace";
}

static void event_line(struct evtext *st, uint64_t line, const struct pb_text_context *c,
		       enum pb_evtext_kind kind, const struct pb_evtext_event *ev)
{
	struct slot *s = enqueue(st, kind == PB_EVTEXT_PRINT ? SLOT_PRINT : SLOT_EVENT,
				 line, c->cpu);

	s->pid = c->pid;
	s->tgid = c->tgid;
	s->ts_ns = c->ts_ns;
	add_string(&s->text, c->comm, c->comm_len);
	s->event_off = (uint32_t)s->text.len;
	if (kind == PB_EVTEXT_PRINT)
		add_string(&s->text, "print", 5);
	else
		add_string(&s->text, ev->name, ev->name_len);
	s->body_off = (uint32_t)s->text.len;
	s->body_len = (uint32_t)ev->body_len;
	add_string(&s->text, ev->body, ev->body_len);
	st->held += s->text.len;
	if (kind == PB_EVTEXT_PRINT)
		s->system = "ftrace";
	else
		s->system = event_system(st, s->text.data + s->event_off, ev->name_len,
					 ev->body, ev->body_len);
}

/* "UNKNOWN TYPE 5": what the kernel prints under the trace option fields
 * for an entry of a type with no event format (a marker). */
static int unknown_type(const char *s, size_t n)
{
	const char *end = s + n, *digits;

	if (!pb_has_prefix(s, n, "UNKNOWN TYPE "))
		return 0;
	digits = s + 13;
	while (digits < end && pb_is_digit(*digits))
		digits++;
	return digits > s + 13 && digits == end;
}

/* The layouts tried when a line's columns are not the usual ones: a
 * fragment pasted without its columns, an event under the function_graph
 * tracer, the verbose latency format. 0 with C filled; 1 for a line of
 * the function_graph tracer that is no event (a function's entry or exit,
 * a task switch banner); -1 with *WHY (PB_BAD_NO_ABSTIME: an event under
 * function_graph printed without funcgraph-abstime). */
static int other_layout(const char *text, size_t len, struct pb_text_context *c,
			enum pb_bad_reason *why)
{
	int rc;

	if (pb_text_fragment(text, len, c) == 0 || evtext_verbose_latency(text, len, c) == 0)
		return 0;
	rc = evtext_funcgraph(text, len, c, why);
	if (rc == 0)
		return 0;
	if (rc > 0)
		return -1;
	return evtext_graph_line(text, len) ? 1 : -1;
}

/* LOOK: what the line says by itself, worked out ahead (evtext_lines.c),
 * or NULL to work it out here. */
static int process_line(struct evtext *st, struct pb_parser *p, uint64_t line,
			const char *text, size_t len, bool has_nul,
			const struct evtext_look *look)
{
	const char *end = text + len, *s = pb_skip_blanks(text, end);
	struct pb_text_context c;
	struct pb_evtext_event ev;
	enum pb_evtext_kind kind;
	enum pb_bad_reason why;
	int64_t lost;
	int32_t cpu;
	int rc;

	if (has_nul)
		return bad(p, line, PB_BAD_BINARY, text, len);
	if (end - s >= 2 && s[0] == '=' && s[1] == '>')
		return frame_line(st, p, line, s + 2, text, len);
	st->target = NULL;
	st->orphan = 0;
	if (s == end)		/* blank, or blanks only (systrace HTML) */
		return 0;
	if (st->dialect->header(p, text, len)) {
		st->decimal = pb_parser_meta(p, "numbers") != NULL;
		return 0;
	}
	if (pb_text_lost_events(text, len, &cpu, &lost) == 0)
		return lost_events(st, line, cpu, lost, text, len);
	if (look) {
		rc = look->ctx_rc;
		c = look->c;
		why = look->why;
	} else {
		rc = pb_text_context(text, len, &c, &why);
	}
	if (rc < 0 && why == PB_BAD_SYNTAX)
		rc = other_layout(text, len, &c, &why);
	if (rc < 0) {
		if (why == PB_BAD_SYNTAX && st->dialect->why_not)
			why = st->dialect->why_not(text, len);
		return bad(p, line, why, text, len);
	}
	if (rc > 0)		/* the function_graph tracer's own lines */
		return 0;
	if (c.counter_clock && !st->clock_noted) {
		pb_parser_set_meta(p, "clock", "counter");
		st->clock_noted = 1;
	}
	/* the look classified the line only when its columns were read
	 * there: a line read by other_layout() here is classified here */
	if (look && look->ctx_rc == 0) {
		kind = look->kind;
		ev = look->ev;
	} else {
		ev.body = NULL;
		ev.body_len = 0;
		ev.why = PB_BAD_SYNTAX;
		kind = st->dialect->classify(c.rest, c.rest_len, &ev);
	}
	switch (kind) {
	case PB_EVTEXT_KSTACK:
	case PB_EVTEXT_USTACK:
		if (stack_header(st, p, line, &c, kind == PB_EVTEXT_USTACK, text, len) < 0)
			return -1;
		/* a header that holds the first frame: "kernel_stack: => func" */
		if (ev.body_len >= 2 && ev.body[0] == '=' && ev.body[1] == '>')
			return frame_line(st, p, line, ev.body + 2, text, len);
		return 0;
	case PB_EVTEXT_EVENT:
	case PB_EVTEXT_PRINT:
		event_line(st, line, &c, kind, &ev);
		return 0;
	case PB_EVTEXT_INVALID:
		if (ev.why != PB_BAD_SYNTAX)
			return bad(p, line, ev.why, text, len);
		break;
	}
	if (unknown_type(c.rest, c.rest_len))
		return bad(p, line, PB_BAD_UNKNOWN_TYPE, text, len);
	return bad(p, line, pb_text_is_binary(text, len) ? PB_BAD_BINARY : PB_BAD_SYNTAX,
		   text, len);
}

/* Parses the frame texts T (LEN bytes, N frames) in place into frames
 * from ARENA; returns how many parsed. */
static size_t parse_frames(char *t, uint32_t n, unsigned flags, struct pb_arena *arena,
			   struct pb_frame **out)
{
	struct pb_frame *f = pb_arena_alloc(arena, n * sizeof(*f));
	size_t got = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t len;

		memcpy(&len, t, sizeof(len));
		t += sizeof(len);
		/* frame_line() stored only non-empty texts, which always parse */
		if (pb_frame_parse_inplace(t, len, arena, &f[got]) == 0)
			f[got++].flags |= flags;
		t += len + 1;
	}
	*out = f;
	return got;
}

/* A signature of frame texts T: their length and three of their words (at
 * the leaf frame, the middle and the end). */
static uint64_t memo_sig(const char *t, uint32_t len, uint32_t n)
{
	size_t w = len < 8 ? len : 8;
	uint64_t a = 0, b = 0, c = 0, h;

	memcpy(&a, t + len - w, w);
	memcpy(&b, t + (len - w) / 2, w);
	memcpy(&c, t + (len - w < 4 ? len - w : 4), w);
	h = (a * 0x9e3779b97f4a7c15ull) ^ (b * 0xc2b2ae3d27d4eb4full) ^
	    (c * 0x165667b19e3779f9ull) ^ ((uint64_t)len << 32 | n);
	return h ^ (h >> 29);
}

/* The memo entry of stack ST, parsed now unless it was there: the
 * least recently used entry of its set is replaced. */
static struct stack_memo *memo_get(struct evtext *ev, struct stack_memo *memo,
				   const struct stack_text *st, unsigned flags)
{
	uint32_t len = (uint32_t)st->text.len;
	uint64_t sig = memo_sig(st->text.data, len, st->n);
	struct stack_memo *set = &memo[sig % MEMO_SETS * MEMO_WAYS], *m = set;

	for (unsigned i = 0; i < MEMO_WAYS; i++) {
		if (set[i].used && set[i].sig == sig && set[i].len == len && set[i].n == st->n &&
		    !memcmp(set[i].text, st->text.data, len)) {
			set[i].used = ++ev->memo_clock;
			return &set[i];
		}
		if (set[i].used < m->used)
			m = &set[i];
	}
	pb_arena_reset(&m->arena);
	m->arena.chunk_size = 8192;
	m->text = pb_arena_strndup(&m->arena, st->text.data, len);
	m->sig = sig;
	m->len = len;
	m->n = st->n;
	m->nframes = parse_frames(pb_arena_strndup(&m->arena, st->text.data, len), st->n,
				  flags, &m->arena, &m->frames);
	m->key = pb_frames_keys(1);
	m->used = ++ev->memo_clock;
	return m;
}

/* The frames of stack ST: parsed once per distinct stack text while it
 * stays in the memo (the records share them: consumers only read them). */
static size_t build_frames(struct evtext *ev, struct stack_text *st, unsigned flags,
			   struct pb_arena *arena, struct pb_frame **out, uint64_t *key)
{
	struct stack_memo *m;

	*out = NULL;
	*key = 0;
	if (!st->n)
		return 0;
	if (st->text.len > MEMO_TEXT_MAX)
		return parse_frames(st->text.data, st->n, flags, arena, out);
	m = memo_get(ev, ev->memo[flags == PB_FRAME_USER], st, flags);
	*key = m->key;
	*out = m->frames;
	return m->nframes;
}

static char *arena_number(struct pb_arena *arena, int64_t v)
{
	char *s = pb_arena_alloc(arena, 24);

	snprintf(s, 24, "%" PRId64, v);
	return s;
}

static int emit(struct evtext *st, struct pb_parser *p, struct pb_record *rec)
{
	struct slot *s = queue_at(st, 0);
	struct pb_arena *arena = pb_parser_arena(p);
	struct pb_field *f;

	st->head = (st->head + 1) % QUEUE_LEN;
	st->count--;
	st->held -= s->text.len + s->stack[0].text.len + s->stack[1].text.len;
	if (st->target == &s->stack[0] || st->target == &s->stack[1])
		st->target = NULL;
	rec->line = s->line;
	rec->ts_ns = s->ts_ns;
	rec->cpu = s->cpu;
	rec->pid = s->pid;
	rec->tgid = s->tgid;
	rec->comm = s->text.data;
	rec->system = s->system;
	rec->event = s->text.data + s->event_off;
	rec->body = s->text.data + s->body_off;
	switch (s->kind) {
	case SLOT_EVENT:
		rec->nfields = pb_parse_body(rec->body, s->body_len, arena, &rec->fields);
		if (!st->decimal)
			pb_event_fields_hex(rec->event, rec->fields, rec->nfields, arena);
		break;
	case SLOT_PRINT:
		f = pb_arena_alloc(arena, sizeof(*f));
		f->name = "buf";
		f->value = rec->body;
		rec->fields = f;
		rec->nfields = 1;
		break;
	case SLOT_LOST:
		f = pb_arena_alloc(arena, 2 * sizeof(*f));
		f[0].name = "cpu";
		f[0].value = arena_number(arena, s->cpu);
		f[1].name = "lost";
		f[1].value = arena_number(arena, s->lost);
		rec->fields = f;
		rec->nfields = s->lost >= 0 ? 2 : 1;
		break;
	}
	rec->nframes = build_frames(st, &s->stack[0], 0, arena, &rec->frames, &rec->frames_key);
	rec->nuframes = build_frames(st, &s->stack[1], PB_FRAME_USER, arena, &rec->uframes,
				     &rec->uframes_key);
	return 1;
}

/* Run L of frame lines of the reading thread: taken whole when it begins
 * an empty stack and the block memo has it, else a line a call as any
 * other lines (the queue may let an event out between two). */
static int frame_run(struct evtext *st, struct pb_parser *p, const struct evtext_line *l)
{
	const char *s = l->text + st->run_off, *nl;
	size_t len;
	int rc;

	if (!st->run_off) {
		st->run_target = st->target && !st->target->n ? st->target : NULL;
		if (st->run_target && block_take(st, st->run_target, l->text, l->len, l->frames)) {
			st->line_pos++;
			return 0;
		}
		st->run_line = l->lineno;
	}
	/* every line of a run ends in '\n' (evtext_lines.c) */
	nl = evtext_find_newline(s, l->text + l->len);
	len = (size_t)(nl - s);
	if (len && s[len - 1] == '\r')	/* as pb_input_getline() */
		len--;
	st->run_off = (size_t)(nl + 1 - l->text);
	rc = process_line(st, p, st->run_line++, s, len, false, NULL);
	if (st->run_off == l->len) {
		st->run_off = 0;
		st->line_pos++;
		if (rc == 0 && st->run_target && st->target == st->run_target)
			block_keep(st, l->text, l->len, l->frames, st->target);
	}
	return rc;
}

/* A line of the reading thread (read_line() for its lines). */
static int read_line_ahead(struct evtext *st, struct pb_parser *p)
{
	const struct evtext_line *l;
	uint64_t lineno;
	char err[256];

	if (st->line_pos == st->nlines) {
		size_t n = evtext_lines_next(st->lines, &st->line_batch, &lineno, err,
					     sizeof(err));

		if (n == (size_t)-1) {
			pb_parser_set_error(p, lineno, "%s", err);
			return -1;
		}
		st->nlines = n;
		st->line_pos = 0;
		if (!n) {
			st->eof = 1;
			return 0;
		}
	}
	l = &st->line_batch[st->line_pos];
	if (l->frames)
		return frame_run(st, p, l);
	st->line_pos++;
	if (l->status == PB_LINE_OK)
		return process_line(st, p, l->lineno, l->text, l->len, l->has_nul, l->look);
	st->target = NULL;
	st->orphan = 0;
	return bad(p, l->lineno, PB_BAD_TOO_LONG, l->text, l->len);
}

/* Inputs this large are read on a thread of their own when the parser
 * runs on the caller's (import --dry-run): the line work splits over two
 * cores. Under pb_parser_run_ahead() the caller's thread has work of its
 * own (SQLite), small inputs are not worth a thread, and on one core it
 * would only add the hand-over. */
#define LINES_THREAD_MIN (64u << 20)

static void maybe_read_ahead(struct evtext *st, struct pb_parser *p)
{
	struct pb_input *in = pb_parser_input(p);
	/* for tests: "0" off, "1" on, "2" on and every line looked at there */
	const char *force = getenv("PINBLAME_LINE_THREAD");

	st->started = 1;
	if (force ? *force != '1' && *force != '2' :
		    (p->ahead || sysconf(_SC_NPROCESSORS_ONLN) < 2 ||
		     pb_input_raw_size(in) < LINES_THREAD_MIN))
		return;
	st->lines = evtext_lines_start(in, st->dialect, p, force && *force == '2');
	if (!st->lines)
		p->input_elsewhere = 0;	/* read here after all */
}

static int read_line(struct evtext *st, struct pb_parser *p)
{
	struct pb_input *in = pb_parser_input(p);
	const char *text;
	size_t len;

	if (!st->started)
		maybe_read_ahead(st, p);
	if (st->lines)
		return read_line_ahead(st, p);
	switch (pb_input_getline(in, &text, &len)) {
	case PB_LINE_OK:
		return process_line(st, p, pb_input_lineno(in), text, len,
				    pb_input_line_has_nul(in), NULL);
	case PB_LINE_EOF:
		st->eof = 1;
		return 0;
	case PB_LINE_TOO_LONG:
		st->target = NULL;
		st->orphan = 0;
		return bad(p, pb_input_lineno(in), PB_BAD_TOO_LONG, text, len);
	case PB_LINE_ERROR:
		break;
	}
	pb_parser_set_error(p, pb_input_lineno(in), "%s", pb_input_strerror(in));
	return -1;
}

int pb_evtext_next(void *state, struct pb_parser *p, struct pb_record *rec)
{
	struct evtext *st = state;

	for (;;) {
		if (st->count && (!queue_at(st, 0)->open || st->eof ||
				  st->count == QUEUE_LEN || st->held > HELD_MAX))
			return emit(st, p, rec);
		if (st->eof)
			return 0;
		if (st->target && !st->lines && st->started &&
		    frame_lines(st, pb_parser_input(p)))
			continue;
		if (read_line(st, p) < 0)
			return -1;
	}
}
