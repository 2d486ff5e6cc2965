/* perf_script.c - "perf script" text of tracepoint samples (FORMATS §7.5).
 *
 *   comm pid[/tid] [cpu] secs.usecs: sys:event: body
 *   <TAB>addr sym+off (dso)          callchain, leaf first, with -g
 *   <blank line>                     ends a sample that has a callchain
 *
 * The comm is not padded when callchains are on and may hold blanks, so the
 * line is anchored on the timestamp: the first "digits.digits:" token
 * followed by an event token; pid and cpu are read backwards from it.
 */
#include <stdlib.h>
#include <string.h>

#include "text.h"

struct perf_script {
	struct pb_frame *frames;	/* callchain of the sample being read */
	size_t cap;
	int orphan;			/* inside a reported orphan callchain */
};

static void *perf_open(struct pb_parser *p, char *err, size_t errlen)
{
	return pb_calloc(1, sizeof(struct perf_script));
}

static void perf_close(void *state)
{
	struct perf_script *ps = state;

	free(ps->frames);
	free(ps);
}

/* "# os release : 6.1.0-50-arm64", "# arch : aarch64", "# nrcpus online : 2"
 * from perf script --header. */
static void header_line(struct pb_parser *p, const char *line, size_t len)
{
	static const struct {
		const char *prefix, *key;
	} facts[] = {
		{ "# os release : ", "kernel" },
		{ "# arch : ", "arch" },
		{ "# nrcpus online : ", "cpus" },
	};

	for (size_t i = 0; i < PB_ARRAY_SIZE(facts); i++) {
		size_t n = strlen(facts[i].prefix);

		if (len > n && !memcmp(line, facts[i].prefix, n)) {
			pb_text_set_meta(p, facts[i].key, line + n, len - n);
			return;
		}
	}
}

static int is_timestamp(const char *s, const char *e)
{
	const char *dot = memchr(s, '.', (size_t)(e - s));

	if (!dot || dot == s || dot + 1 == e)
		return 0;
	for (const char *p = s; p < e; p++)
		if (p != dot && !pb_is_digit(*p))
			return 0;
	return 1;
}

/* "sys:event:" (or a bare "event:") followed by a blank or the end; the
 * names on both sides of the inner ':' are not empty. */
static const char *event_token_end(const char *p, const char *end)
{
	const char *q = p, *sep;

	while (q < end && *q != ' ' && *q != '\t')
		q++;
	if (q - p < 2 || q[-1] != ':')
		return NULL;
	sep = memchr(p, ':', (size_t)(q - 1 - p));
	if (sep && (sep == p || sep + 1 == q - 1))
		return NULL;
	return q;
}

struct sample_head {
	const char *comm, *comm_end;
	const char *event, *event_end;	/* without the final ':' */
	const char *body;
	int32_t pid, tgid, cpu;
	int64_t ts_ns;
};

/* Reads "[cpu]" and "pid[/tid]" backwards from the timestamp at P. */
static int columns_before(const char *line, const char *p, struct sample_head *h)
{
	const char *e, *s, *slash;
	uint64_t v;

	h->cpu = -1;
	e = p;
	while (e > line && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (e > line && e[-1] == ']') {
		s = e - 1;
		while (s > line && pb_is_digit(s[-1]))
			s--;
		if (s == e - 1 || s == line || s[-1] != '[' ||
		    pb_parse_u64(s, (size_t)(e - 1 - s), &v) < 0 || v > INT32_MAX)
			return -1;
		h->cpu = (int32_t)v;
		e = s - 1;
		while (e > line && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
	}
	s = e;
	while (s > line && (pb_is_digit(s[-1]) || s[-1] == '/'))
		s--;
	if (s == e || s == line || (s[-1] != ' ' && s[-1] != '\t'))
		return -1;
	slash = memchr(s, '/', (size_t)(e - s));
	if (pb_parse_u64(s, (size_t)((slash ? slash : e) - s), &v) < 0 || v > INT32_MAX)
		return -1;
	h->pid = (int32_t)v;
	h->tgid = -1;
	if (slash) {
		/* "pid/tid": the record's pid is the thread, as in ftrace */
		h->tgid = h->pid;
		if (pb_parse_u64(slash + 1, (size_t)(e - slash - 1), &v) < 0 || v > INT32_MAX)
			return -1;
		h->pid = (int32_t)v;
	}
	h->comm = pb_skip_blanks(line, s);
	h->comm_end = s;
	while (h->comm_end > h->comm && (h->comm_end[-1] == ' ' || h->comm_end[-1] == '\t'))
		h->comm_end--;
	return h->comm_end > h->comm ? 0 : -1;
}

/* "-F ...,period" prints the sample period between the time and the event. */
static const char *skip_period(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && pb_is_digit(*q))
		q++;
	if (q == p || q == end || (*q != ' ' && *q != '\t'))
		return p;
	return pb_skip_blanks(q, end);
}

static int sample_head(const char *line, size_t len, struct sample_head *h)
{
	const char *end = line + len, *colon = line;

	while ((colon = memchr(colon, ':', (size_t)(end - colon)))) {
		const char *ts = colon;

		while (ts > line && ts[-1] != ' ' && ts[-1] != '\t')
			ts--;
		if (ts > line && is_timestamp(ts, colon) &&
		    pb_parse_seconds_ns(ts, (size_t)(colon - ts), &h->ts_ns) == 0 &&
		    columns_before(line, ts, h) == 0) {
			h->event = skip_period(pb_skip_blanks(colon + 1, end), end);
			h->event_end = event_token_end(h->event, end);
			if (!h->event_end)
				return -1;
			h->body = pb_skip_blanks(h->event_end, end);
			h->event_end--;
			return 0;
		}
		colon++;
	}
	return -1;
}

int pb_perf_sample_line(const char *line, size_t len)
{
	struct sample_head h;

	return sample_head(line, len, &h) == 0;
}

static void fill_head(struct pb_record *rec, const struct sample_head *h,
		      const char *end, struct pb_arena *arena)
{
	const char *sep = memchr(h->event, ':', (size_t)(h->event_end - h->event));
	char *event;

	rec->ts_ns = h->ts_ns;
	rec->cpu = h->cpu;
	rec->pid = h->pid;
	rec->tgid = h->tgid;
	rec->comm = pb_arena_strndup(arena, h->comm, (size_t)(h->comm_end - h->comm));
	if (sep) {
		rec->system = pb_arena_strndup(arena, h->event, (size_t)(sep - h->event));
		rec->event = pb_arena_strndup(arena, sep + 1, (size_t)(h->event_end - sep - 1));
	} else {
		event = pb_arena_strndup(arena, h->event, (size_t)(h->event_end - h->event));
		rec->event = event;
		rec->system = pb_event_system(event);
		if (!rec->system)
			rec->system = "perf";
	}
	rec->body = pb_arena_strndup(arena, h->body, (size_t)(end - h->body));
	rec->nfields = pb_parse_body(h->body, (size_t)(end - h->body), arena, &rec->fields);
}

static int bad(struct pb_parser *p, enum pb_bad_reason why, const char *text, size_t len)
{
	struct pb_input *in = pb_parser_input(p);

	return pb_parser_bad_line(p, pb_input_lineno(in), why, text, len) ? -1 : 0;
}

/* Callchain lines: one TAB, or blanks when a mail client ate the TAB. */
static int is_frame_line(const char *line, size_t len)
{
	const char *s = pb_skip_blanks(line, line + len);

	return s > line && s < line + len;
}

static int add_frame(struct perf_script *ps, size_t *n, const char *line, size_t len,
		     struct pb_arena *arena)
{
	if (*n == ps->cap) {
		ps->cap = ps->cap ? 2 * ps->cap : 64;
		ps->frames = pb_realloc(ps->frames, ps->cap * sizeof(*ps->frames));
	}
	if (pb_parse_frame(line, len, arena, &ps->frames[*n]) < 0)
		return -1;
	(*n)++;
	return 0;
}

/* Kernel frames to rec->frames, user frames to rec->uframes, both leaf
 * first; perf repeats the sample ip as the first callchain entry. */
static void split_frames(struct perf_script *ps, size_t n, struct pb_record *rec,
			 struct pb_arena *arena)
{
	struct pb_frame *f = ps->frames;

	if (n >= 2 && f[0].addr == f[1].addr && !strcmp(f[0].symbol, f[1].symbol)) {
		f++;
		n--;
	}
	rec->frames = pb_arena_alloc(arena, n * sizeof(*f));
	rec->uframes = pb_arena_alloc(arena, n * sizeof(*f));
	for (size_t i = 0; i < n; i++) {
		if (f[i].flags & PB_FRAME_USER)
			rec->uframes[rec->nuframes++] = f[i];
		else
			rec->frames[rec->nframes++] = f[i];
	}
}

/* Lines after the sample head, up to the blank line or the next sample. */
static int read_callchain(struct perf_script *ps, struct pb_parser *p, struct pb_record *rec)
{
	struct pb_input *in = pb_parser_input(p);
	struct pb_arena *arena = pb_parser_arena(p);
	struct sample_head h;
	const char *line;
	size_t len, n = 0;
	int rc = 0;

	for (;;) {
		enum pb_line_status st = pb_input_getline(in, &line, &len);

		if (st == PB_LINE_EOF || (st == PB_LINE_OK && len == 0))
			break;
		if (st == PB_LINE_ERROR) {
			pb_parser_set_error(p, pb_input_lineno(in), "%s", pb_input_strerror(in));
			rc = -1;
			break;
		}
		if (st == PB_LINE_TOO_LONG) {
			rc = bad(p, PB_BAD_TOO_LONG, line, len);
		} else if (!is_frame_line(line, len) ||
			   (line[0] != '\t' && sample_head(line, len, &h) == 0)) {
			pb_input_ungetline(in);
			break;
		} else if (pb_text_is_binary(line, len)) {
			rc = bad(p, PB_BAD_BINARY, line, len);
		} else if (n == PB_STACK_FRAMES_MAX || len > PB_FRAME_TEXT_MAX) {
			rc = bad(p, PB_BAD_TOO_LONG, line, len);
		} else if (add_frame(ps, &n, line, len, arena) < 0) {
			rc = bad(p, PB_BAD_SYNTAX, line, len);
		}
		if (rc < 0)
			break;
	}
	split_frames(ps, n, rec, arena);
	return rc;
}

static int perf_next(void *state, struct pb_parser *p, struct pb_record *rec)
{
	struct perf_script *ps = state;
	struct pb_input *in = pb_parser_input(p);
	struct sample_head h;
	const char *line;
	size_t len;

	for (;;) {
		enum pb_line_status st = pb_input_getline(in, &line, &len);
		enum pb_bad_reason why;

		if (st == PB_LINE_EOF)
			return 0;
		if (st == PB_LINE_ERROR) {
			pb_parser_set_error(p, pb_input_lineno(in), "%s", pb_input_strerror(in));
			return -1;
		}
		if (st == PB_LINE_TOO_LONG) {
			ps->orphan = 0;
			if (bad(p, PB_BAD_TOO_LONG, line, len) < 0)
				return -1;
			continue;
		}
		if (len == 0) {
			ps->orphan = 0;
			continue;
		}
		if (line[0] == '#') {
			header_line(p, line, len);
			continue;
		}
		if (!pb_input_line_has_nul(in) && sample_head(line, len, &h) == 0) {
			ps->orphan = 0;
			rec->line = pb_input_lineno(in);
			fill_head(rec, &h, line + len, pb_parser_arena(p));
			return read_callchain(ps, p, rec) < 0 ? -1 : 1;
		}
		if (is_frame_line(line, len)) {
			if (ps->orphan)
				continue;
			ps->orphan = 1;
			why = PB_BAD_ORPHAN_STACK;
		} else {
			why = pb_text_is_binary(line, len) ? PB_BAD_BINARY : PB_BAD_SYNTAX;
		}
		if (bad(p, why, line, len) < 0)
			return -1;
	}
}

const struct pb_format_ops pb_perf_script_ops = {
	.format = PB_FMT_PERF_SCRIPT,
	.open = perf_open,
	.next = perf_next,
	.close = perf_close,
};
