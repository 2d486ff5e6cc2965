/* detect.c - which format a file is, from its first decompressed bytes
 * (doc/HACKING.md, adding an input format). Markers that only one format prints decide at once (the
 * trace.dat magic, the ftrace "# tracer:" header, trace-cmd's "cpus=" first
 * line, the page_pinner and page_owner record heads); otherwise every line
 * votes and the format with most votes wins.
 */
#include <string.h>

#include "evtext_int.h"
#include "kmsg_int.h"
#include "parser_int.h"

#define TRACE_DAT_MAGIC "\x17\x08\x44tracing"

enum vote {
	VOTE_FTRACE,
	VOTE_TRACECMD,
	VOTE_PERF,
	VOTE_KMSG,
	NVOTES,
	VOTE_NONE = NVOTES,
};

static const enum pb_format vote_format[NVOTES] = {
	[VOTE_FTRACE] = PB_FMT_FTRACE,
	[VOTE_TRACECMD] = PB_FMT_TRACECMD_REPORT,
	[VOTE_PERF] = PB_FMT_PERF_SCRIPT,
	[VOTE_KMSG] = PB_FMT_KMSG,
};

#define starts(s, n, lit) pb_has_prefix(s, n, lit)

/* Record heads of the debugfs dumps: nothing else prints them at the start
 * of a line (the kernel log prefixes its lines). */
static enum pb_format dump_marker(const char *line, size_t len)
{
	if (starts(line, len, "At least, pinned for ") ||
	    starts(line, len, "Failure detected at [") || starts(line, len, "Freed at [") ||
	    starts(line, len, "Page pinned for ") || starts(line, len, "Page pinned ts "))
		return PB_FMT_PAGE_PINNER;
	if (starts(line, len, "Page allocated via order "))
		return PB_FMT_PAGE_OWNER;
	return PB_FMT_UNKNOWN;
}

/* page_owner_sort's summary of a group of records: "%d times:" (up to
 * 5.16, tools/vm), "%d times, %d pages, " then what the group shares
 * (5.17+, tools/vm then tools/mm). */
static int owner_sort_head(const char *line, size_t len)
{
	const char *end = line + len, *p = line;

	while (p < end && pb_is_digit(*p))
		p++;
	if (p == line)
		return 0;
	return starts(p, (size_t)(end - p), " times:") ||
	       starts(p, (size_t)(end - p), " times, ");
}

/* The next line of the text before END from *AT, without its "\r\n" or
 * "\n", its length in *LEN; NULL at END. Every look at the head of an
 * input reads its lines with it. */
static const char *head_line(const char **at, const char *end, size_t *len)
{
	const char *line = *at, *nl;
	size_t n;

	if (line >= end)
		return NULL;
	nl = memchr(line, '\n', (size_t)(end - line));
	n = (size_t)((nl ? nl : end) - line);
	*at = nl ? nl + 1 : end;
	if (n && line[n - 1] == '\r')
		n--;
	*len = n;
	return line;
}

int pb_page_owner_sort_output(const char *head, size_t len)
{
	const char *at = head, *end = head + len, *line;
	size_t n;

	while ((line = head_line(&at, end, &n)))
		if (n)
			return owner_sort_head(line, n);
	return 0;
}

/* "handle: %d" or "nr_base_pages: %d", the counts under a stack of
 * page_owner's show_stacks files. */
static int stack_count_line(const char *line, size_t len)
{
	size_t n = starts(line, len, "handle: ") ? 8 : starts(line, len, "nr_base_pages: ") ? 15 : 0;

	if (!n || n == len)
		return 0;
	if (line[n] == '-' && n + 1 < len)
		n++;
	for (; n < len; n++)
		if (!pb_is_digit(line[n]))
			return 0;
	return 1;
}

/* page_owner's debugfs files of stacks (6.10+, mm/page_owner.c
 * stack_print()): each stack's " %pS" frames (none in show_handles), then
 * "handle: %d" (7.x) and "nr_base_pages: %d", then a blank line. The
 * first such block decides. */
int pb_page_owner_stacks_output(const char *head, size_t len)
{
	const char *at = head, *end = head + len, *line;
	size_t n;
	int counts = 0;

	while ((line = head_line(&at, end, &n))) {
		if (!n)
			return counts;
		if (stack_count_line(line, n))
			counts++;
		else if (counts || line[0] != ' ' || n < 2 || line[1] == ' ')
			return 0;
	}
	return 0;
}

/* The lines of HEAD one by one, blank ones and trace-cmd report's own
 * header ("version = %d" of 2.x, "cpus=%d") passed over: the next line
 * from *AT, its length in *LEN, or NULL. */
static const char *next_content_line(const char **at, const char *end, size_t *len)
{
	const char *line;

	while ((line = head_line(at, end, len)))
		if (*len && !starts(line, *len, "version = ") && !starts(line, *len, "cpus="))
			return line;
	return NULL;
}

/* trace-cmd stat (tracecmd/trace-stat.c report_events()): "Events:" then
 * " All enabled", " All disabled", " Individual systems:" or
 * " Individual events:" of events/enable. */
static int stat_events_line(const char *line, size_t n)
{
	return (n == 12 && !memcmp(line, " All enabled", 12)) ||
	       (n == 13 && !memcmp(line, " All disabled", 13)) ||
	       starts(line, n, " Individual systems:") || starts(line, n, " Individual events:");
}

/* "system:event", each a C name: a line of trace-cmd report -E
 * (trace-read.c: "%s:" of the system, then "%s\n" of the name). */
static int event_name_line(const char *line, size_t n)
{
	const char *colon = memchr(line, ':', n), *end = line + n;

	if (!colon || colon == line || colon + 1 == end)
		return 0;
	for (const char *p = line; p < end; p++)
		if (p != colon && !pb_is_key_char(*p))
			return 0;
	return 1;
}

/* Whether the first lines of HEAD, at least three and at most 16 of
 * them, are all event names of report -E. */
static int event_list(const char *head, const char *end)
{
	const char *at = head, *line;
	size_t n;
	int lines = 0;

	while (lines < 16 && (line = next_content_line(&at, end, &n))) {
		if (!event_name_line(line, n))
			return 0;
		lines++;
	}
	return lines >= 3;
}

/* The refusals of the summaries whose first line names them. */
static const char *summary_by_first_line(const char *first, size_t n1)
{
	/* trace-read.c read_data_info(), OUTPUT_STAT_ONLY */
	if (n1 == 25 && !memcmp(first, "Kernel buffer statistics:", 25))
		return "trace-cmd report --stat's output ('Kernel buffer statistics:'): the "
		       "ring buffer's counters at the end of the recording, no events; "
		       "import the trace.dat, or trace-cmd report without --stat";
	/* trace-read.c, show_cpus: "List of CPUs in %s with data:\n", then
	 * "  %d" a CPU, with "\tFirst event:" or "\tLast event:" */
	if (starts(first, n1, "List of CPUs in ") && n1 > 27 &&
	    !memcmp(first + n1 - 11, " with data:", 11))
		return "trace-cmd report --cpus's output (also of --first-event and "
		       "--last-event: 'List of CPUs in FILE with data:'): the CPUs of "
		       "the file, no events; import the trace.dat, or trace-cmd report "
		       "without those options";
	/* trace-read.c trace_report(), show_endian and show_page_size: one
	 * line, before any "cpus=" */
	if (starts(first, n1, "file is ") && n1 > 23 && !memcmp(first + n1 - 7, " endian", 7))
		return "trace-cmd report -e's output ('file is ... endian and host is "
		       "... endian'): no events; import the trace.dat, or trace-cmd "
		       "report without -e";
	if (starts(first, n1, "file page size is ") && memmem(first, n1, ", and host page size is ", 24))
		return "trace-cmd report -p's output ('file page size is N, and host "
		       "page size is N'): no events; import the trace.dat, or "
		       "trace-cmd report without -p";
	/* trace-dump.c dump_file(): "\n Tracing meta data in file %s:\n" */
	if (starts(first, n1, " Tracing meta data in file "))
		return "trace-cmd dump's output (' Tracing meta data in file FILE:'): "
		       "the sections of the file, no events; import the trace.dat "
		       "itself, or its trace-cmd report";
	return NULL;
}

/* trace-cmd's VERSION_STRING and VERSION_GIT (trace-record.c add_version():
 * "%s %s"): "3.1.6 ", "2.9.1 a1b2c3d", or the reader's " version was not
 * recorded in this file" (trace-input.c tracecmd_print_version()). */
static int version_line(const char *line, size_t n)
{
	const char *p = line, *end = line + n, *sp;
	int dots = 0;

	if (n == 38 && !memcmp(line, " version was not recorded in this file", 38))
		return 1;
	for (; p < end && (pb_is_digit(*p) || *p == '.'); p++)
		dots += *p == '.';
	if (p == line || !pb_is_digit(*line) || !dots || (p < end && *p != ' '))
		return 0;
	sp = p < end ? memchr(p + 1, ' ', (size_t)(end - p - 1)) : NULL;
	return !sp || sp == end - 1;
}

/* The machine's uname (trace-record.c add_uname(): "%s %s %s %s" of
 * sysname, nodename, release, machine), or " uname was not recorded in
 * this file" (tracecmd_print_uname()). */
static int uname_line(const char *line, size_t n)
{
	const char *p = line, *end = line + n;
	int words = 0;

	if (n == 36 && !memcmp(line, " uname was not recorded in this file", 36))
		return 1;
	if (!starts(line, n, "Linux "))
		return 0;
	while (p < end) {
		const char *sp = memchr(p, ' ', (size_t)(end - p));

		if (sp == p)
			return 0;
		words++;
		p = sp ? sp + 1 : end;
	}
	return words == 4;
}

/* trace-cmd report --uname and --version (trace-read.c read_data_info(),
 * OUTPUT_UNAME_ONLY falls through to OUTPUT_VERSION_ONLY): "cpus=%d",
 * then the uname (up to 2.x alone), then the version; all of the file. */
static const char *uname_or_version(const char *head, const char *end)
{
	const char *at = head, *l1, *l2;
	size_t n1, n2, n3;

	if (!starts(head, (size_t)(end - head), "cpus=") ||
	    !(l1 = next_content_line(&at, end, &n1)))
		return NULL;
	l2 = next_content_line(&at, end, &n2);
	if (next_content_line(&at, end, &n3))
		return NULL;
	if (uname_line(l1, n1) && (!l2 || version_line(l2, n2)))
		return "trace-cmd report --uname's output ('cpus=N', then the "
		       "recording machine's 'Linux HOST RELEASE ARCH' and trace-cmd's "
		       "version): the kernel the trace was recorded on, no events; "
		       "import the trace.dat, or trace-cmd report without --uname";
	if (!l2 && version_line(l1, n1))
		return "trace-cmd report --version's output ('cpus=N', then the "
		       "version of trace-cmd that recorded it): no events; import the "
		       "trace.dat, or trace-cmd report without --version";
	return NULL;
}

const char *pb_tracecmd_summary_refusal(const char *head, size_t len)
{
	const char *at = head, *end = head + len, *first, *second, *line, *why;
	size_t n1, n2, n;

	if (!(first = next_content_line(&at, end, &n1)))
		return NULL;
	if ((why = summary_by_first_line(first, n1)))
		return why;
	if ((why = uname_or_version(head, end)))
		return why;
	if (event_list(head, end))
		return "trace-cmd report -E's output ('system:event' a line): the "
		       "events whose formats the file holds, no events; import the "
		       "trace.dat, or trace-cmd report without -E";
	second = next_content_line(&at, end, &n2);
	/* trace-profile.c output_task() "\ntask: %s-%d\n" (output_group()
	 * "\ngroup: %s\n", a global task its name), then output_event()
	 * "  Event: %s (%lld)" */
	if (second && first[0] != ' ' && starts(second, n2, "  Event: ") && second[n2 - 1] == ')')
		return "trace-cmd report --profile's output ('task: COMM-PID', then "
		       "'  Event: NAME (COUNT)'): events counted by task and stack, "
		       "without their times or fields, so no failure or busy page can "
		       "be read from it; import the trace.dat, or trace-cmd report "
		       "without --profile";
	/* trace-stat.c stat_instance(): "Tracer: %s", "Instance: %s" or
	 * report_events()'s "Events:" first */
	if (!starts(first, n1, "Tracer: ") && !starts(first, n1, "Instance: ") &&
	    !(n1 == 7 && !memcmp(first, "Events:", 7)))
		return NULL;
	for (at = head; (line = next_content_line(&at, end, &n));)
		if (n == 7 && !memcmp(line, "Events:", 7) && (line = next_content_line(&at, end, &n)))
			return stat_events_line(line, n) ?
				"trace-cmd stat's output ('Events:' and what is enabled): "
				"the tracing settings of the machine it ran on, no events; "
				"import the trace.dat of trace-cmd record (or pinblame "
				"record), or its trace-cmd report" : NULL;
	return NULL;
}

/* Digits with one dot ("0.000022") from P; returns where they end, NULL
 * when there are none of them or no dot. */
static const char *seconds_end(const char *p, const char *end)
{
	int digits = 0, dot = 0;

	for (; p < end && (*p == '.' || pb_is_digit(*p)); p++) {
		if (*p == '.' && dot++)
			return NULL;
		digits += *p != '.';
	}
	return dot && digits > 1 ? p : NULL;
}

/* "[    0.000000] ", "<4>[ 41.6] " (dmesg -r), and util-linux's deltas:
 * "[ 41.6 <    0.000022>] " (dmesg -d), "[<    0.000022>] " (--time-format
 * delta), "[  +0.000022] " (-H, -e, --time-format reltime). */
static int printk_time(const char *line, size_t len)
{
	const char *end = line + len, *p = line;

	if (len > 3 && line[0] == '<' && pb_is_digit(line[1])) {
		/* "<6>", or with the facility "<14>" (syslog's priority) */
		const char *gt = memchr(line, '>', len < 5 ? len : 5);

		if (gt)
			p = gt + 1;
	}
	if (p == end || *p++ != '[')
		return 0;
	p = pb_skip_blanks(p, end);
	if (p < end && *p == '+')
		p++;
	if (p < end && *p != '<' && !(p = seconds_end(p, end)))
		return 0;
	/* HiSilicon kernels' print_time(): "[%5lu.%06lus]" */
	if (p < end && *p == 's')
		p++;
	if (p < end && *p == ' ')
		p = pb_skip_blanks(p, end);
	if (p < end && *p == '<') {
		p = seconds_end(pb_skip_blanks(p + 1, end), end);
		if (!p || p == end || *p++ != '>')
			return 0;
	}
	return p < end && *p == ']';
}

/* /dev/kmsg records: "6,339,5140900,-;message" */
static int devkmsg_record(const char *line, size_t len)
{
	const char *end = line + (len < 48 ? len : 48), *p = line;

	for (int field = 0; field < 3; field++) {
		const char *digits = p;

		while (p < end && pb_is_digit(*p))
			p++;
		if (p == digits || p == end || *p++ != ',')
			return 0;
	}
	return pb_find_char(p, end, ';') != NULL;
}

static int is_upper(int c)
{
	return (unsigned)c - 'A' < 26;
}

/* "[Nov25 14:55]": dmesg --time-format reltime (-H, -e) when the minute
 * changes; "2025-11-25T10:00:44,558144+00:00": dmesg --time-format iso
 * (a comma before the microseconds, unlike journalctl's and syslog's). */
static int dmesg_date(const char *line, size_t len)
{
	return (len > 13 && line[0] == '[' && is_upper(line[1]) && pb_is_digit(line[4]) &&
		line[6] == ' ' && line[9] == ':' && line[12] == ']') ||
	       (len > 26 && pb_is_digit(line[0]) && line[4] == '-' && line[7] == '-' &&
		line[10] == 'T' && line[13] == ':' && line[19] == ',');
}

/* "[2:   Binder:714_1:  744] ": Samsung's "[%d:%15s:%5d] " task prefix,
 * printed with or without a time before it. */
static int samsung_task(const char *line, size_t len)
{
	const char *close = memchr(line, ']', len < 32 ? len : 32);
	size_t i = 1;

	if (!close || line[0] != '[' || close + 1 == line + len || close[1] != ' ')
		return 0;
	while (line + i < close && pb_is_digit(line[i]))
		i++;
	return i > 1 && line[i] == ':' && pb_is_digit(close[-1]) && memchr(line + i + 1, ':', (size_t)(close - line) - i - 1);
}

/* logcat -v threadtime: "01-01 09:03:01.490     0     0 I " (logcat -b
 * kernel, the kernel's lines as logd relays them), with the times and the
 * uid of its other options (the parser's rule: kmsg_logcat_head()). */
static int logcat_line(const char *line, size_t len)
{
	return kmsg_logcat_head(line, len) != 0;
}

/* logcat -v long: "[ 01-01 09:03:01.490     0:    0 I/cma      ]", the
 * head of an entry whose message is on the lines after it. */
static int logcat_long_head(const char *line, size_t len)
{
	return len > 32 && line[0] == '[' && line[1] == ' ' && pb_is_digit(line[2]) &&
	       line[4] == '-' && line[7] == ' ' && line[10] == ':' && line[16] == '.' &&
	       line[len - 1] == ']' && line[len - 2] == ' ' && memchr(line, '/', len);
}

/* offline_pages()'s "memory offlining [mem %#010llx-%#010llx] failed"
 * (" due to %s" from 4.20) or 3.x's "memory offlining %lx to %lx failed":
 * the words and the bracket are the kernel's, no other format's line
 * starts so. */
static int offlining_failed(const char *line, size_t len)
{
	return starts(line, len, "memory offlining ") && memmem(line, len, " failed", 7) &&
	       (starts(line + 17, len - 17, "[mem 0x") || memmem(line, len, " to ", 4));
}

/* Messages that the kernel prints about failed contiguous allocations,
 * in console logs that carry no prefix at all (a line pasted alone). */
static int failure_message(const char *line, size_t len)
{
	return starts(line, len, "migrating pfn ") || starts(line, len, "alloc_contig_range: [") ||
	       starts(line, len, "alloc_contig_range test_pages_isolated(") ||
	       starts(line, len, "cma: cma_alloc") || starts(line, len, "cma: __cma_alloc") ||
	       (starts(line, len, "page:") && memmem(line, len, " count:", 7)) ||
	       starts(line, len, "failed to isolate pfn ") || offlining_failed(line, len);
}

/* Kernel log lines with other prefixes than the printk time, or none:
 * journalctl and syslog ("... host kernel: "), dmesg -x ("kern  :warn  : "),
 * dmesg -T ("[Tue Nov 25 10:00:00 2025] "), /dev/kmsg, dmesg's dates, and
 * the records a console log shows without printk times. */
static int kmsg_text(const char *line, size_t len)
{
	return (starts(line, len, "page:") && memmem(line, len, " refcount:", 10)) ||
	       starts(line, len, "page dumped because:") || starts(line, len, "Call trace:") ||
	       memmem(line, len < 64 ? len : 64, " kernel: ", 9) ||
	       starts(line, len, "kern  :") || devkmsg_record(line, len) ||
	       (len > 9 && line[0] == '[' && is_upper(line[1]) && line[4] == ' ' &&
		is_upper(line[5]) && line[8] == ' ') ||
	       dmesg_date(line, len) || samsung_task(line, len) || logcat_line(line, len) ||
	       logcat_long_head(line, len) || failure_message(line, len);
}

/* dmesg --color=always: the SGR escapes ("ESC[32m") before the prefix. */
static size_t colour_escapes(const char *line, size_t len)
{
	size_t i = 0, n;

	while ((n = pb_sgr_len(line + i, len - i)))
		i += n;
	return i;
}

static int kmsg_line(const char *line, size_t len)
{
	size_t esc = colour_escapes(line, len);

	return printk_time(line + esc, len - esc) || kmsg_text(line + esc, len - esc);
}

static enum vote event_line_vote(const char *line, size_t len)
{
	struct pb_text_context c;
	enum pb_bad_reason why;
	const char *name, *body;
	size_t name_len, body_len;

	if (pb_text_context(line, len, &c, &why) < 0) {
		/* trace_pipe prints no "# tracer:" header: the function_graph
		 * tracer's lines, its events as comments, the verbose latency
		 * format are ftrace's too */
		if (evtext_funcgraph(line, len, &c, &why) >= 0 || evtext_graph_line(line, len) ||
		    evtext_verbose_latency(line, len, &c) == 0)
			return VOTE_FTRACE;
		return VOTE_NONE;
	}
	if (c.tgid >= 0 || starts(c.rest, c.rest_len, "<stack trace>") ||
	    starts(c.rest, c.rest_len, "<user stack trace>"))
		return VOTE_FTRACE;
	if (pb_text_event_token(c.rest, c.rest_len, &name, &name_len, &body, &body_len) < 0)
		return VOTE_NONE;
	/* trace-cmd pads the event name column; ftrace prints one blank */
	if (body - (name + name_len) > 2 || (name_len == 12 && !memcmp(name, "kernel_stack", 12)))
		return VOTE_TRACECMD;
	return VOTE_FTRACE;
}

/* A line the kernel log parser reads, though it starts with none of the
 * prefixes above: the parser's own prefix reading (kmsg_strip_prefix())
 * takes off what a serial terminal (tio, grabserial), logcat -v brief or a
 * paste (quoted "> ", indented, a program's text before the kernel's
 * line) put in front, and what is left is a kernel message known here or
 * follows a printk time. Asked only of a line no other format claims. */
static int kmsg_wrapped(const char *line, size_t len)
{
	struct pb_buf scratch = { 0 };
	struct ktime t;
	struct kline l;
	struct stamps st;
	int kernel;

	kmsg_time_init(&t);
	kmsg_strip_prefix(&t, &scratch, line, len, &l, &st);
	kernel = l.text != line && l.len && l.kernel &&
		 (st.boot >= 0 || kmsg_text(l.text, l.len));
	pb_buf_free(&scratch);
	return kernel;
}

static enum vote line_vote(const char *line, size_t len)
{
	enum vote v;

	if (starts(line, len, " => "))
		return VOTE_FTRACE;
	if (starts(line, len, "=> "))
		return VOTE_TRACECMD;
	if (kmsg_line(line, len))
		return VOTE_KMSG;
	if (pb_perf_sample_line(line, len))
		return VOTE_PERF;
	if (pb_text_fragment(line, len, &(struct pb_text_context){ 0 }) == 0)
		return VOTE_FTRACE;	/* "\t279.814717: event: body", pasted */
	if (line[0] == '\t')
		return VOTE_PERF;
	v = event_line_vote(line, len);
	if (v == VOTE_NONE && kmsg_wrapped(line, len))
		return VOTE_KMSG;
	return v;
}

/* "trace.dat: cpus=2": trace-cmd report of more than one file prints
 * each file's name, right-justified, before its "cpus=" line
 * (print_handle_file()). */
static int named_cpus_line(const char *line, size_t len)
{
	const char *end = line + len, *p = line;

	while (p < end && *p == ' ')
		p++;
	if (p == end || *p == ':')
		return 0;
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	return p > line && p[-1] == ':' && starts(p, (size_t)(end - p), " cpus=");
}

enum pb_format pb_format_detect(const char *head, size_t len)
{
	const char *at = head, *end = head + len, *line;
	size_t n;
	unsigned votes[NVOTES] = { 0 };
	enum pb_format best = PB_FMT_UNKNOWN;
	unsigned best_votes = 0;
	int first = 1;

	if (len >= sizeof(TRACE_DAT_MAGIC) - 1 &&
	    !memcmp(head, TRACE_DAT_MAGIC, sizeof(TRACE_DAT_MAGIC) - 1))
		return PB_FMT_TRACE_DAT;
	while ((line = head_line(&at, end, &n))) {
		enum pb_format marker;
		enum vote v;

		if (n && memchr(line, '\0', n))
			return PB_FMT_UNKNOWN;
		if (starts(line, n, "# tracer: ") || starts(line, n, "# entries-in-buffer/"))
			return PB_FMT_FTRACE;
		if (first && n && (starts(line, n, "cpus=") || starts(line, n, "version = ") ||
				   named_cpus_line(line, n)))
			return PB_FMT_TRACECMD_REPORT;
		marker = dump_marker(line, n);
		if (marker != PB_FMT_UNKNOWN)
			return marker;
		if (n) {
			first = 0;
			v = line_vote(line, n);
			if (v != VOTE_NONE)
				votes[v]++;
		}
	}
	for (int v = 0; v < NVOTES; v++) {
		if (votes[v] > best_votes) {
			best_votes = votes[v];
			best = vote_format[v];
		}
	}
	return best;
}
