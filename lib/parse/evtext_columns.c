/* evtext_columns.c - the columns of an ftrace / trace-cmd report event
 * line: "comm-pid (tgid) [cpu] flags timestamp: event: body", in every
 * layout the trace options give it (see evtext.c for the engine that
 * queues the events and attaches their stacks), and its special lines
 * (lost events, fragments pasted without their context columns).
 */
#include <stdio.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "evtext_int.h"

/* Sixteen bytes at a time where SSE2 is: perf script asks it of every
 * callchain line, and the byte loop was a fifth of that parser's time. */
int pb_text_is_binary(const char *s, size_t n)
{
	size_t i = 0;

#ifdef __SSE2__
	const __m128i high3 = _mm_set1_epi8((char)0xe0), zero = _mm_setzero_si128();
	const __m128i tab = _mm_set1_epi8('\t'), del = _mm_set1_epi8(0x7f);

	for (; n - i >= 16; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(s + i));
		/* below 0x20 (its top three bits clear) but a tab, or DEL */
		__m128i ctl = _mm_andnot_si128(_mm_cmpeq_epi8(v, tab),
					       _mm_cmpeq_epi8(_mm_and_si128(v, high3), zero));

		if (_mm_movemask_epi8(_mm_or_si128(ctl, _mm_cmpeq_epi8(v, del))))
			return 1;
	}
#endif
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 1;
	}
	return 0;
}

/* Decimal digits [s, e) as an int32_t (pids and cpus: a hot path). */
static int parse_i32(const char *s, const char *e, int32_t *out)
{
	int64_t v = 0;

	if (s == e || e - s > 10)
		return -1;
	for (; s < e; s++) {
		if (!pb_is_digit(*s))
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (v > INT32_MAX)
		return -1;
	*out = (int32_t)v;
	return 0;
}

/* "(    106)" or "(-------)": the tgid column of record-tgid. */
static const char *tgid_column(const char *p, const char *end, int32_t *tgid)
{
	const char *close = pb_find_char(p, end, ')');
	const char *s;

	*tgid = -1;
	if (!close)
		return NULL;
	s = pb_skip_blanks(p + 1, close);
	if (s < close && *s == '-') {
		while (s < close && *s == '-')
			s++;
		return s == close ? close + 1 : NULL;
	}
	if (parse_i32(s, close, tgid) < 0)
		return NULL;
	return close + 1;
}

/* "[003]", or the latency form "0d..1." (cpu digits glued to the flags). */
static const char *cpu_column(const char *p, const char *end, int32_t *cpu)
{
	const char *q;

	if (*p == '[') {
		q = pb_skip_digits(p + 1, end);
		if (q == p + 1 || q == end || *q != ']' || parse_i32(p + 1, q, cpu) < 0)
			return NULL;
		return q + 1;
	}
	q = pb_skip_digits(p, end);
	if (q == p || parse_i32(p, q, cpu) < 0)
		return NULL;
	return pb_token_end(q, end);
}

/* [S, E) as "seconds.fraction" of at most 9 digits each, the form
 * ftrace prints ("%5lu.%06lu", or "%09lu" for a nanosecond clock), read in
 * one pass: pb_parse_seconds_ns() gives the same for it, but looks for the
 * dot, then parses either side (a fifth of the work of an event line's
 * columns). 0, or -1 for any other form (pb_parse_seconds_ns() decides). */
static int seconds_dot_fraction(const char *s, const char *e, int64_t *ns)
{
	static const uint32_t scale[10] = {
		0, 100000000, 10000000, 1000000, 100000, 10000, 1000, 100, 10, 1,
	};
	const char *p = s, *dot;
	uint64_t sec = 0, frac = 0;

	while (p < e && pb_is_digit(*p))
		sec = sec * 10 + (uint64_t)(*p++ - '0');
	if (p == s || p - s > 9 || p == e || *p != '.')
		return -1;
	dot = p++;
	while (p < e && pb_is_digit(*p))
		frac = frac * 10 + (uint64_t)(*p++ - '0');
	if (p != e || p - dot < 2 || p - dot > 10)
		return -1;
	*ns = (int64_t)(sec * 1000000000ull + frac * scale[p - dot - 1]);
	return 0;
}

static int parse_timestamp(const char *s, const char *e, struct pb_text_context *c)
{
	uint64_t count;

	if (seconds_dot_fraction(s, e, &c->ts_ns) == 0) {
		c->counter_clock = 0;
		return 0;
	}
	if (pb_find_char(s, e, '.')) {
		c->counter_clock = 0;
		return pb_parse_seconds_ns(s, (size_t)(e - s), &c->ts_ns);
	}
	/* trace_clock=counter / x86-tsc print a raw count, kept as is */
	if (pb_parse_u64(s, (size_t)(e - s), &count) < 0 || count > INT64_MAX ||
	    !pb_is_digit(*s))
		return -1;
	c->counter_clock = 1;
	c->ts_ns = (int64_t)count;
	return 0;
}

/* The timestamp of the kernel's latency format (trace option
 * latency-format), after the cpu and flags "1...1.": microseconds since
 * the buffer started with a delay mark, "13503243538us+: " ('+' over
 * 10 us up to '$' over 1 s, else a blank), or "1234: " when the clock does
 * not count nanoseconds. Returns the text after the ':', or NULL. */
static const char *latency_timestamp(const char *p, const char *end,
				     struct pb_text_context *c)
{
	const char *q = pb_skip_digits(p, end);
	uint64_t v;

	if (q == p || pb_parse_u64(p, (size_t)(q - p), &v) < 0 || v > INT64_MAX / 1000)
		return NULL;
	if (end - q >= 4 && q[0] == 'u' && q[1] == 's' && q[2] &&
	    strchr("$@*#!+ ", q[2]) && q[3] == ':') {
		c->counter_clock = 0;
		c->ts_ns = (int64_t)v * 1000;
		return q + 4;
	}
	if (q < end && *q == ':') {
		c->counter_clock = 1;
		c->ts_ns = (int64_t)v;
		return q + 1;
	}
	return NULL;
}

/* The columns after "comm-": 1 when they fit, 0 when not (try the next
 * '-'), -1 when everything fits but the timestamp is not a number. */
static int columns(const char *p, const char *end, struct pb_text_context *c)
{
	const char *q = pb_skip_digits(p, end), *ts;
	int latency;

	if (q == p || q == end || (*q != ' ' && *q != '\t') || parse_i32(p, q, &c->pid) < 0)
		return 0;
	p = pb_skip_blanks(q, end);
	c->tgid = -1;
	if (p < end && *p == '(') {
		p = tgid_column(p, end, &c->tgid);
		if (!p)
			return 0;
		p = pb_skip_blanks(p, end);
	}
	latency = p < end && *p != '[';
	if (p == end || !(p = cpu_column(p, end, &c->cpu)))
		return 0;
	/* trace-cmd report prints a clock that does not count nanoseconds
	 * (x86-tsc, counter) with "%12d:" right after "[%03d]": a count of
	 * 12 digits or more meets the ']' with no blank. */
	if (p == end || (*p != ' ' && *p != '\t' && (latency || !pb_is_digit(*p))))
		return 0;
	p = pb_skip_blanks(p, end);
	if (latency && (q = latency_timestamp(p, end, c))) {
		c->rest = pb_skip_blanks(q, end);
		c->rest_len = (size_t)(end - c->rest);
		return 1;
	}
	q = pb_token_end(p, end);
	if (q == p)
		return 0;
	if (q[-1] != ':') {
		/* irq flags "d..1." (absent with irq-info=0) */
		if (q - p > 8)
			return 0;
		p = pb_skip_blanks(q, end);
		q = pb_token_end(p, end);
		if (q == p || q[-1] != ':')
			return 0;
	}
	ts = p;
	if (parse_timestamp(ts, q - 1, c) < 0)
		return -1;
	c->rest = pb_skip_blanks(q, end);
	c->rest_len = (size_t)(end - c->rest);
	return 1;
}

/* The comm in [COMM, DASH) without the "%*s: " that trace-cmd report
 * prints before each line of a file or buffer instance when it reads more
 * than one (print_handle_file()). A task's comm is at most 15 bytes
 * (TASK_COMM_LEN - 1), printed "%16s": a longer field that holds ": " has
 * that name in front, cut at its last ": ". */
static const char *after_input_name(const char *comm, const char *dash)
{
	const char *p = dash, *name_end = NULL;

	if (dash - comm <= 16)
		return comm;
	while (p - comm >= 2 && !name_end) {
		p--;
		if (p[-1] == ':' && (*p == ' ' || *p == '\t'))
			name_end = p;
	}
	return name_end ? pb_skip_blanks(name_end, dash) : comm;
}

int pb_text_context(const char *line, size_t len, struct pb_text_context *ctx,
		    enum pb_bad_reason *why)
{
	const char *end = line + len;
	const char *comm = pb_skip_blanks(line, end);
	const char *dash = comm;

	/* The comm may hold blanks and dashes ("POSIX timer 0-123"): the pid
	 * is the first "-digits" that the other columns follow. */
	while (dash < end && (dash = pb_find_char(dash, end, '-'))) {
		int rc = dash > comm ? columns(dash + 1, end, ctx) : 0;

		if (rc > 0) {
			comm = after_input_name(comm, dash);
			ctx->comm = comm;
			ctx->comm_len = (size_t)(dash - comm);
			return 0;
		}
		if (rc < 0) {
			*why = PB_BAD_TIMESTAMP;
			return -1;
		}
		dash++;
	}
	*why = pb_text_is_binary(line, len) ? PB_BAD_BINARY : PB_BAD_SYNTAX;
	return -1;
}

int pb_text_fragment(const char *line, size_t len, struct pb_text_context *ctx)
{
	const char *end = line + len, *ts = pb_skip_blanks(line, end), *q = pb_token_end(ts, end);
	const char *name, *body;
	size_t name_len, body_len;

	/* a seconds.fraction timestamp: a bare count could be anything */
	if (q - ts < 3 || q[-1] != ':' || !pb_is_digit(*ts) || !pb_find_char(ts, q - 1, '.') ||
	    pb_parse_seconds_ns(ts, (size_t)(q - 1 - ts), &ctx->ts_ns) < 0)
		return -1;
	ctx->rest = pb_skip_blanks(q, end);
	ctx->rest_len = (size_t)(end - ctx->rest);
	if (!pb_has_prefix(ctx->rest, ctx->rest_len, "<stack trace>") &&
	    !pb_has_prefix(ctx->rest, ctx->rest_len, "<user stack trace>") &&
	    pb_text_event_token(ctx->rest, ctx->rest_len, &name, &name_len, &body, &body_len) < 0)
		return -1;
	ctx->comm = "";
	ctx->comm_len = 0;
	ctx->pid = ctx->tgid = ctx->cpu = -1;
	ctx->counter_clock = 0;
	return 0;
}

int pb_text_event_token(const char *s, size_t n, const char **name, size_t *name_len,
			const char **body, size_t *body_len)
{
	const char *end = s + n, *p = pb_key_end(s, end);

	/* syscalls events print "sys_openat(dfd: ..)" and "sys_openat -> 0x3" */
	if (p - s > 4 && !memcmp(s, "sys_", 4) && p < end &&
	    (*p == '(' || (end - p > 4 && !memcmp(p, " -> ", 4)))) {
		*name = s;
		*name_len = (size_t)(p - s);
		*body = pb_skip_blanks(p, end);
		*body_len = (size_t)(end - *body);
		return 0;
	}
	if (p == s || p == end || *p != ':')
		return -1;
	if (p + 1 < end && p[1] != ' ' && p[1] != '\t')
		return -1;
	*name = s;
	*name_len = (size_t)(p - s);
	*body = pb_skip_blanks(p + 1, end);
	*body_len = (size_t)(end - *body);
	return 0;
}

int pb_text_lost_events(const char *line, size_t len, int32_t *cpu, int64_t *lost)
{
	const char *end = line + len, *p, *q;
	uint64_t v;

	if (!pb_has_prefix(line, len, "CPU:"))
		return -1;
	p = line + 4;
	q = pb_skip_digits(p, end);
	if (q == p || parse_i32(p, q, cpu) < 0 || !pb_has_prefix(q, (size_t)(end - q), " ["))
		return -1;
	p = q + 2;
	/* "[LOST EVENTS]": the trace file's reader (5.7+) saw the writer
	 * overwrite what it had not read yet, a count it cannot know */
	if ((size_t)(end - p) == 12 && !memcmp(p, "LOST EVENTS]", 12)) {
		*lost = -1;
		return 0;
	}
	if (pb_has_prefix(p, (size_t)(end - p), "LOST ")) {
		p += 5;
		q = pb_skip_digits(p, end);
		if (q == p || pb_parse_u64(p, (size_t)(q - p), &v) < 0 ||
		    (size_t)(end - q) != 8 || memcmp(q, " EVENTS]", 8))
			return -1;
		*lost = (int64_t)(v > INT64_MAX ? INT64_MAX : v);
		return 0;
	}
	*lost = -1;
	q = pb_skip_digits(p, end);
	if (q > p) {
		if (pb_parse_u64(p, (size_t)(q - p), &v) < 0 || *q != ' ')
			return -1;
		*lost = (int64_t)(v > INT64_MAX ? INT64_MAX : v);
		p = q + 1;
	}
	if ((size_t)(end - p) != 15 || memcmp(p, "EVENTS DROPPED]", 15))
		return -1;
	return 0;
}

void pb_text_set_meta(struct pb_parser *p, const char *key, const char *s, size_t n)
{
	char value[64];

	snprintf(value, sizeof(value), "%.*s", (int)n, s);
	pb_parser_set_meta(p, key, value);
}

/* Whether C is one of the characters of SET (never the NUL that ends it). */
static int in_set(char c, const char *set)
{
	return c && strchr(set, c);
}

/* The tokens of a line, blank separated, read one at a time. */
struct tokens {
	const char *p, *end;
};

static int next_token(struct tokens *t, const char **s, const char **e)
{
	*s = pb_skip_blanks(t->p, t->end);
	*e = pb_token_end(*s, t->end);
	t->p = *e;
	return *e > *s;
}

static int all_hex(const char *s, const char *e)
{
	if (s == e)
		return 0;
	for (; s < e; s++)
		if (!pb_is_digit(*s) && !pb_is_lower_hex(*s))
			return 0;
	return 1;
}

/* The irq flags column of trace_print_lat_fmt(): irqs-off, need-resched,
 * hard/soft irq, then preempt depth and (from 5.x) migrate-disable depth
 * in hex or '.' (4 or 5 characters, more on preempt-lazy kernels). The
 * lazy preemption of 6.13+ adds need-resched letters for
 * TRACE_FLAG_NEED_RESCHED_LAZY: 'l' alone, 'L' with PREEMPT_RESCHED, 'b'
 * with NEED_RESCHED, 'B' with both. */
static int is_lat_flags(const char *s, const char *e)
{
	if (e - s < 4 || e - s > 8)
		return 0;
	for (; s < e; s++)
		if (!in_set(*s, ".dDbXNnpLlBZzHhs0123456789abcdef"))
			return 0;
	return 1;
}

/* "comm-pid" of the function_graph tracer's funcgraph-proc column
 * (print_graph_proc(): the comm cut to 7 bytes). */
static int graph_proc(const char *s, const char *e, struct pb_text_context *c)
{
	const char *dash = e;

	while (dash > s && dash[-1] != '-')
		dash--;
	if (dash - 1 <= s || parse_i32(dash, e, &c->pid) < 0)
		return 0;
	c->comm = s;
	c->comm_len = (size_t)(dash - 1 - s);
	return 1;
}

/* One token of the columns print_graph_prologue() prints before an event:
 * funcgraph-abstime "%5lu.%06lu |  ", funcgraph-reltime "%9llu us |  ",
 * funcgraph-cpu " %*d) ", funcgraph-proc "comm-pid | ", the latency flags,
 * and the '|' of the duration column. 1 when it is one of them. */
static int graph_column(const char *s, const char *e, struct pb_text_context *c,
			int *has_time)
{
	const char *q = pb_skip_digits(s, e);

	if (e - s == 1 && *s == '|')
		return 1;
	if (q > s && q + 1 == e && *q == ')')
		return parse_i32(s, q, &c->cpu) == 0;
	if (q > s && q == e)	/* the count of a relative time, "us" follows */
		return 1;
	if (e - s == 2 && s[0] == 'u' && s[1] == 's')
		return 1;
	if (q > s && *q == '.' && pb_skip_digits(q + 1, e) == e) {
		*has_time = pb_parse_seconds_ns(s, (size_t)(e - s), &c->ts_ns) == 0;
		return *has_time;
	}
	return is_lat_flags(s, e) || graph_proc(s, e, c);
}

int evtext_funcgraph(const char *line, size_t len, struct pb_text_context *c,
		     enum pb_bad_reason *why)
{
	const char *end = line + len, *open = line, *s, *e;
	struct tokens t;
	int has_time = 0;

	while ((open = memchr(open, '/', (size_t)(end - open))) &&
	       !(end - open >= 3 && open[1] == '*' && open[2] == ' '))
		open++;
	if (!open)
		return -1;
	c->comm = "";
	c->comm_len = 0;
	c->pid = c->tgid = c->cpu = -1;
	c->counter_clock = 0;
	t.p = line;
	t.end = open;
	while (next_token(&t, &s, &e))
		if (!graph_column(s, e, c, &has_time))
			return -1;
	if (c->cpu < 0 && !has_time)
		return -1;
	if (!has_time) {
		*why = PB_BAD_NO_ABSTIME;
		return 1;
	}
	c->rest = pb_skip_blanks(open + 3, end);
	c->rest_len = (size_t)(end - c->rest);
	/* the comment closes on its line, or after the last frame of a stack */
	if (c->rest_len >= 3 && !memcmp(end - 3, " */", 3))
		c->rest_len -= 3;
	return 0;
}

/* The columns of the latency format with the verbose option
 * (trace_print_lat_context()): "%16s %7d %3d %d %08x %08lx " (comm, pid,
 * cpu, flags, preempt count, index; pid "%5d" before 5.x), then
 * "[%08llx] %ld.%03ldms (+%ld.%03ldms): " with the time in microseconds in
 * hex, or "[%016llx] %lld (+%lld): " with a clock that does not count
 * nanoseconds (the raw count in hex). */
int evtext_verbose_latency(const char *line, size_t len, struct pb_text_context *c)
{
	const char *end = line + len, *open, *close, *colon, *col[5], *col_end[5];
	uint64_t v;

	open = line;
	while ((open = memchr(open, '[', (size_t)(end - open)))) {
		close = pb_find_char(open, end, ']');
		if (close && close + 1 < end && close[1] == ' ' && all_hex(open + 1, close))
			break;
		open++;
	}
	if (!open || pb_parse_hex(open + 1, (size_t)(close - open - 1), &v) < 0 || v > INT64_MAX)
		return -1;
	colon = close;
	while ((colon = memchr(colon, ')', (size_t)(end - colon))) && (end - colon < 2 || colon[1] != ':'))
		colon++;
	if (!colon)
		return -1;
	/* the five number columns before it, read backwards */
	const char *p = open;
	for (int i = 4; i >= 0; i--) {
		while (p > line && p[-1] == ' ')
			p--;
		col_end[i] = p;
		while (p > line && p[-1] != ' ')
			p--;
		col[i] = p;
		if (col[i] == col_end[i] || !all_hex(col[i], col_end[i]))
			return -1;
	}
	if (parse_i32(col[0], col_end[0], &c->pid) < 0 || parse_i32(col[1], col_end[1], &c->cpu) < 0)
		return -1;
	c->comm = pb_skip_blanks(line, p);
	c->comm_len = (size_t)(p - c->comm);
	while (c->comm_len && c->comm[c->comm_len - 1] == ' ')
		c->comm_len--;
	c->tgid = -1;
	c->counter_clock = !pb_find_char(close, colon, '.');
	if (!c->counter_clock && v > INT64_MAX / 1000)
		return -1;
	c->ts_ns = c->counter_clock ? (int64_t)v : (int64_t)v * 1000;
	c->rest = pb_skip_blanks(colon + 2, end);
	c->rest_len = (size_t)(end - c->rest);
	return 0;
}

/* Whether the text before the last " /" + "*" of [S, LAST) ends a
 * function's line: "{", ";" or "}" (a comment after it: the function's
 * name after "}" with funcgraph-tail, "ret=" with funcgraph-retval, "<-"
 * and the caller with funcgraph-retaddr). */
static int function_then_comment(const char *s, const char *last)
{
	const char *c = NULL;

	for (const char *p = s; (p = memmem(p, (size_t)(last - p), " /*", 3)); p++)
		c = p;
	return c && c > s && last[-2] == '*' && last[-1] == '/' && in_set(c[-1], "{;}");
}

static int dashes_only(const char *s, const char *e)
{
	for (; s < e; s++)
		if (*s != '-')
			return 0;
	return 1;
}

/* Whether the number before P is a time of the function_graph tracer:
 * funcgraph-abstime's, followed by '|', or a duration, followed by "us". */
static int time_column(const char *p, const char *end)
{
	const char *next = pb_skip_blanks(p, end), *e = pb_token_end(next, end);

	return (e - next == 1 && *next == '|') || (e - next == 2 && !memcmp(next, "us", 2));
}

/* A line the function_graph tracer prints for itself
 * (trace_functions_graph.c): a function's entry "foo() {", a leaf
 * "foo();", an exit "}", each with an optional comment after it, the irq
 * markers "==========>" and "<==========", a task switch
 * " 1)  sh-412  =>  bash-413" between two dashed lines; after the
 * columns of graph_column(), the first a cpu "1)", a time, an overhead
 * mark of the duration ("+ 12.345 us") or the '|' of the duration. */
int evtext_graph_line(const char *line, size_t len)
{
	const char *end = line + len, *s = pb_skip_blanks(line, end), *e = pb_token_end(s, end);
	const char *last = end;

	while (last > s && (last[-1] == ' ' || last[-1] == '\t' || last[-1] == '\r'))
		last--;
	if (last - s >= 10 && dashes_only(s, last))
		return 1;
	if (e == s || !((e[-1] == ')' && pb_skip_digits(s, e) == e - 1 && e - 1 > s) ||
			(pb_is_digit(*s) && pb_find_char(s, e, '.') && time_column(e, last)) ||
			(e - s == 1 && in_set(*s, "|+!#*@$"))))
		return 0;
	if (in_set(last[-1], "{;}") || function_then_comment(s, last))
		return 1;
	return memmem(s, (size_t)(last - s), " => ", 4) || memmem(s, (size_t)(last - s), "==========>", 11) ||
	       memmem(s, (size_t)(last - s), "<==========", 11);
}
