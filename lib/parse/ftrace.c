/* ftrace.c - tracefs "trace" and "trace_pipe" text (doc/FORMATS.md section 1).
 *
 * The line layout itself is handled by the shared engine (evtext.c); this
 * file knows the ftrace header and how ftrace prints its pseudo-events:
 * "<stack trace>", "<user stack trace>", trace markers as
 * "tracing_mark_write: TEXT", and function tracer lines "func <-parent".
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

#define TRACER "# tracer: "
#define ENTRIES "# entries-in-buffer/entries-written: "
#define RECORD "# pinblame-record: "

/* Perfetto's traceconv (systrace and json outputs, src/traceconv/
 * trace_to_systrace.cc kFtraceHeader) writes a kernel header copied once
 * from a capture, this entries line included, whatever the trace holds.
 * Its event lines (to_ftrace.cc) print every field of an event with no
 * format of its own as " key=" and the value in decimal, pfns and
 * pointers too (doc/FORMATS.md section 1.1). */
#define PERFETTO_ENTRIES "30624/30624   #P:4"

/* "513104/513104   #P:2" (print_event_info()): entries kept in the buffer,
 * entries written (more when older ones were overwritten), and the number
 * of CPUs. The difference was lost before the trace was read, and no line
 * of it marks those: meta "overwritten". Perfetto's constant line states
 * none of these, and says the numbers of the events are decimal (meta
 * "numbers"). */
static void entries_line(struct pb_parser *p, const char *s, const char *end)
{
	const char *slash = memchr(s, '/', (size_t)(end - s));
	const char *ncpu;
	uint64_t kept, written;

	if ((size_t)(end - s) == sizeof(PERFETTO_ENTRIES) - 1 &&
	    !memcmp(s, PERFETTO_ENTRIES, sizeof(PERFETTO_ENTRIES) - 1)) {
		pb_parser_set_meta(p, "numbers", "decimal");
		return;
	}
	if (!slash)
		return;
	pb_text_set_meta(p, "entries", s, (size_t)(slash - s));
	ncpu = slash + 1;
	while (ncpu < end && *ncpu != ' ')
		ncpu++;
	pb_text_set_meta(p, "entries_written", slash + 1, (size_t)(ncpu - slash - 1));
	if (pb_parse_u64(s, (size_t)(slash - s), &kept) == 0 &&
	    pb_parse_u64(slash + 1, (size_t)(ncpu - slash - 1), &written) == 0 && written > kept) {
		char n[24];

		snprintf(n, sizeof(n), "%" PRIu64, written - kept);
		pb_parser_set_meta(p, "overwritten", n);
	}
	ncpu = pb_skip_blanks(ncpu, end);
	if (pb_has_prefix(ncpu, (size_t)(end - ncpu), "#P:"))
		pb_text_set_meta(p, "cpus", ncpu + 3, (size_t)(end - ncpu - 3));
}

/* "# pinblame-record: KEY=VALUE" lines that `pinblame record` writes:
 * kernel and arch (uname -r, -m) become the source's, and page_size
 * (sysconf(_SC_PAGESIZE), written since schema 6; older records lack it)
 * the traced kernel's page size. */
static void record_line(struct pb_parser *p, const char *s, const char *end)
{
	static const char *const keys[] = { "kernel", "arch", "page_size" };
	const char *eq = memchr(s, '=', (size_t)(end - s));

	if (!eq)
		return;
	for (size_t i = 0; i < PB_ARRAY_SIZE(keys); i++)
		if ((size_t)(eq - s) == strlen(keys[i]) && !memcmp(s, keys[i], strlen(keys[i])))
			pb_text_set_meta(p, keys[i], eq + 1, (size_t)(end - eq - 1));
}

/* Every '#' line is header or banner ("##### CPU 2 buffer started ####");
 * Android's atrace writes "TRACE:" before the ftrace text. */
static int ftrace_header(struct pb_parser *p, const char *line, size_t len)
{
	const char *end = line + len;

	if (len == 6 && !memcmp(line, "TRACE:", 6))
		return 1;
	if (!len || line[0] != '#')
		return 0;
	if (pb_has_prefix(line, len, TRACER))
		pb_text_set_meta(p, "tracer", line + sizeof(TRACER) - 1,
				 len - (sizeof(TRACER) - 1));
	else if (pb_has_prefix(line, len, ENTRIES))
		entries_line(p, line + sizeof(ENTRIES) - 1, end);
	else if (pb_has_prefix(line, len, RECORD))
		record_line(p, line + sizeof(RECORD) - 1, end);
	return 1;
}

/* The function tracer prints "func <-parent" with no event name. */
static int function_line(const char *rest, size_t len, struct pb_evtext_event *ev)
{
	const char *end = rest + len, *blank = memchr(rest, ' ', len);

	if (!blank || blank == rest || !pb_has_prefix(blank, (size_t)(end - blank), " <-"))
		return -1;
	ev->name = "function";
	ev->name_len = 8;
	ev->body = rest;
	ev->body_len = len;
	return 0;
}

/* A trace marker under the sym-offset or sym-addr options prints where it
 * was written from: "tracing_mark_write+0x8a/0x170 <ffffffff81498b1a>: TEXT". */
static int marker_with_ip(const char *rest, size_t len, struct pb_evtext_event *ev)
{
	const char *end = rest + len, *p;

	if (!pb_has_prefix(rest, len, "tracing_mark_write") || len == 18)
		return -1;
	p = rest + 18;
	if (*p != '+' && *p != ' ')
		return -1;
	while (p < end && *p != ' ' && *p != ':')	/* "+0x8a/0x170" */
		p++;
	if (end - p > 2 && p[0] == ' ' && p[1] == '<') {
		p = pb_find_char(p, end, '>');
		if (!p)
			return -1;
		p++;
	}
	if (p == end || *p != ':')
		return -1;
	ev->body = pb_skip_blanks(p + 1, end);
	ev->body_len = (size_t)(end - ev->body);
	return 0;
}

static enum pb_evtext_kind ftrace_classify(const char *rest, size_t len,
					   struct pb_evtext_event *ev)
{
	if (pb_has_prefix(rest, len, "<stack trace>"))
		return PB_EVTEXT_KSTACK;
	if (pb_has_prefix(rest, len, "<user stack trace>"))
		return PB_EVTEXT_USTACK;
	if (pb_text_event_token(rest, len, &ev->name, &ev->name_len,
				&ev->body, &ev->body_len) < 0) {
		if (marker_with_ip(rest, len, ev) == 0)
			return PB_EVTEXT_PRINT;
		return function_line(rest, len, ev) == 0 ? PB_EVTEXT_EVENT : PB_EVTEXT_INVALID;
	}
	if (ev->name_len == 18 && !memcmp(ev->name, "tracing_mark_write", 18))
		return PB_EVTEXT_PRINT;
	return PB_EVTEXT_EVENT;
}

/* Lines of the output options that leave out what an event line needs:
 * raw "4043 1 13494886093248 type: 670" (pid, cpu, time), hex
 * "00000fd1 00000000 00000c468300d38f type: 5" and nocontext-info
 * "mm_migrate_pages: nr_succeeded=0 ...". */
static enum pb_bad_reason ftrace_why_not(const char *line, size_t len)
{
	const char *end = line + len, *p = line;
	struct pb_evtext_event ev;
	int numbers = 0;

	while (numbers < 3) {
		const char *start = p;

		while (p < end && pb_is_lower_hex(*p))
			p++;
		if (p == start || p == end || *p != ' ')
			break;
		p++;
		numbers++;
	}
	if (numbers == 3)
		return PB_BAD_RAW_OUTPUT;
	if (len && pb_is_key_char(line[0]) &&
	    pb_text_event_token(line, len, &ev.name, &ev.name_len, &ev.body, &ev.body_len) == 0)
		return PB_BAD_NO_CONTEXT;
	return PB_BAD_SYNTAX;
}

static const struct pb_evtext_dialect ftrace_dialect = {
	.header = ftrace_header,
	.classify = ftrace_classify,
	.why_not = ftrace_why_not,
};

static void *ftrace_open(struct pb_parser *p, char *err, size_t errlen)
{
	return pb_evtext_open(p, &ftrace_dialect);
}

const struct pb_format_ops pb_ftrace_ops = {
	.format = PB_FMT_FTRACE,
	.open = ftrace_open,
	.next = pb_evtext_next,
	.close = pb_evtext_close,
};
