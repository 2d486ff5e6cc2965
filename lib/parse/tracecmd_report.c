/* tracecmd_report.c - "trace-cmd report" text (doc/FORMATS.md section 1).
 *
 * Same line layout as ftrace (shared engine, evtext.c) with trace-cmd's own
 * header lines and pseudo-events: stacks are "kernel_stack: <stack trace >"
 * and "user_stack: <user stack trace >" followed by "=> func (addr)" lines
 * (without trace-cmd's plugins, "-N" or none installed, the event's own
 * format: "kernel_stack: \t=> func" and "\t=> func" lines, 8 frames at most),
 * markers are "print: tracing_mark_write: TEXT", event names are padded,
 * and --ts-diff inserts "(+delta)" before the event. --debug adds
 * " [delta:0xoffset:size]" after each event and lines about the buffer's
 * pages: taken away (debug_line(), pb_evtext_debug_trim()).
 *
 * "trace-cmd report -R" prints each event's fields raw, "name=value"
 * without the event's print format (libtraceevent's print_event_info()
 * with raw set; doc/FORMATS.md section 1): numbers where the format
 * printed names (mm_migrate_pages mode=2 reason=6, read by their values
 * elsewhere), a marker as "print: ip=tracing_mark_write buf=TEXT", and a
 * stack as the bytes of its caller[8] array, "kernel_stack: size=17
 * caller=ARRAY[f0, cb, ...]": at most 8 addresses, no symbols. Nothing
 * can name a holder from those; such lines are not understood, of their
 * own reason, so that import says to read the trace.dat itself.
 */
#include <string.h>

#include "text.h"

#define MARKER "tracing_mark_write: "

/* The "%*s: " file name that trace-cmd report prints before "cpus=" and
 * each event line when it reads more than one file (print_handle_file()):
 * the text after it, or LINE. */
static const char *after_file_name(const char *line, size_t len)
{
	const char *end = line + len, *p = pb_skip_blanks(line, end);

	while (p < end && *p != ' ' && *p != '\t' && *p != '=')
		p++;
	if (p == line || p[-1] != ':' || p == end)
		return line;
	return pb_skip_blanks(p, end);
}

/* Lines of trace-cmd report --debug (trace-read.c trace_show_data()):
 * "CPU:%d [SUBBUFFER START]" before the first event of each page of the
 * buffer (also with --buffer-breaks, without the " [%lld:0x%llx]" of the
 * page's time and offset), and after an event the page's entries that are
 * no events, each on a line of its own: " PADDING: ", " TIME EXTEND: "
 * and " TIME STAMP: " (" TIME STAMP?: " in trace-cmd 2.x) with their
 * "delta:%lld length:%d" or "timestamp:%lld length:%d". */
static int debug_line(const char *line, size_t len)
{
	static const char *const entries[] = {
		" PADDING: ", " TIME EXTEND: ", " TIME STAMP: ", " TIME STAMP?: ",
	};
	const char *end = line + len, *p = line + 4;

	for (size_t i = 0; i < PB_ARRAY_SIZE(entries); i++)
		if (pb_has_prefix(line, len, entries[i]))
			return 1;
	if (!pb_has_prefix(line, len, "CPU:"))
		return 0;
	while (p < end && pb_is_digit(*p))
		p++;
	return p > line + 4 && pb_has_prefix(p, (size_t)(end - p), " [SUBBUFFER START]");
}

/* "cpus=2", "version = 6" (trace.dat file version, trace-cmd 2.x) and
 * "CPU 1 is empty" open the report. */
static int tracecmd_header(struct pb_parser *p, const char *line, size_t len)
{
	const char *cpus = after_file_name(line, len);

	if (debug_line(line, len) || debug_line(cpus, (size_t)(line + len - cpus)))
		return 1;

	if (cpus != line && pb_has_prefix(cpus, (size_t)(line + len - cpus), "cpus=")) {
		len -= (size_t)(cpus - line);
		line = cpus;
	}
	if (pb_has_prefix(line, len, "cpus=")) {
		pb_text_set_meta(p, "cpus", line + 5, len - 5);
		return 1;
	}
	if (pb_has_prefix(line, len, "version = ")) {
		pb_text_set_meta(p, "file_version", line + 10, len - 10);
		return 1;
	}
	return pb_has_prefix(line, len, "CPU ") && len > 9 &&
	       !memcmp(line + len - 9, " is empty", 9);
}

static int is_name(const struct pb_evtext_event *ev, const char *name)
{
	size_t n = strlen(name);

	return ev->name_len == n && !memcmp(ev->name, name, n);
}

#define RAW_ARRAY "caller=ARRAY["
#define RAW_MARKER_IP "ip="
#define RAW_MARKER_BUF " buf="

/* A stack printed by -R: "size=N caller=ARRAY[" (kernel_stack) or
 * "tgid=N caller=ARRAY[" (user_stack), the caller field's bytes. */
static int raw_stack_body(const char *body, size_t len)
{
	const char *end = body + len, *sp = memchr(body, ' ', len);

	if (!sp || !memchr(body, '=', (size_t)(sp - body)))
		return 0;
	sp = pb_skip_blanks(sp, end);
	return pb_has_prefix(sp, (size_t)(end - sp), RAW_ARRAY);
}

/* -R's marker: "ip=tracing_mark_write buf=TEXT" (ip a symbol, or an
 * address when not resolved): the body becomes TEXT. */
static int raw_marker(struct pb_evtext_event *ev)
{
	const char *buf;

	if (!pb_has_prefix(ev->body, ev->body_len, RAW_MARKER_IP))
		return 0;
	buf = memmem(ev->body, ev->body_len, RAW_MARKER_BUF, strlen(RAW_MARKER_BUF));
	if (!buf)
		return 0;
	buf += strlen(RAW_MARKER_BUF);
	ev->body_len -= (size_t)(buf - ev->body);
	ev->body = buf;
	return 1;
}

static enum pb_evtext_kind tracecmd_classify(const char *rest, size_t len,
					     struct pb_evtext_event *ev)
{
	const char *end;

	len = pb_evtext_debug_trim(rest, len);
	end = rest + len;
	if (pb_has_prefix(rest, len, "(+")) {
		const char *close = memchr(rest, ')', len);

		if (!close)
			return PB_EVTEXT_INVALID;
		rest = pb_skip_blanks(close + 1, end);
		len = (size_t)(end - rest);
	}
	if (pb_text_event_token(rest, len, &ev->name, &ev->name_len,
				&ev->body, &ev->body_len) < 0)
		return PB_EVTEXT_INVALID;
	/* a stack of -R: bytes, no symbols */
	if ((is_name(ev, "kernel_stack") || is_name(ev, "user_stack")) &&
	    raw_stack_body(ev->body, ev->body_len)) {
		ev->why = PB_BAD_RAW_STACK;
		return PB_EVTEXT_INVALID;
	}
	if (is_name(ev, "kernel_stack") && (pb_has_prefix(ev->body, ev->body_len, "<stack trace") ||
					     pb_has_prefix(ev->body, ev->body_len, "=>")))
		return PB_EVTEXT_KSTACK;
	if (is_name(ev, "user_stack") &&
	    (pb_has_prefix(ev->body, ev->body_len, "<user stack trace") ||
	     pb_has_prefix(ev->body, ev->body_len, "=>")))
		return PB_EVTEXT_USTACK;
	if (is_name(ev, "print") && pb_has_prefix(ev->body, ev->body_len, MARKER)) {
		ev->body += sizeof(MARKER) - 1;
		ev->body_len -= sizeof(MARKER) - 1;
		return PB_EVTEXT_PRINT;
	}
	if (is_name(ev, "print") && raw_marker(ev))
		return PB_EVTEXT_PRINT;
	return PB_EVTEXT_EVENT;
}

static const struct pb_evtext_dialect tracecmd_dialect = {
	.header = tracecmd_header,
	.classify = tracecmd_classify,
};

static void *tracecmd_open(struct pb_parser *p, char *err, size_t errlen)
{
	return pb_evtext_open(p, &tracecmd_dialect);
}

const struct pb_format_ops pb_tracecmd_report_ops = {
	.format = PB_FMT_TRACECMD_REPORT,
	.open = tracecmd_open,
	.next = pb_evtext_next,
	.close = pb_evtext_close,
};
