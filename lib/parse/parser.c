/* parser.c - the parser object shared by every format: format selection,
 * per-record arena, bad-line accounting, error text and header facts. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser_int.h"
#include "text.h"

static _Atomic uint64_t frames_keys;

uint64_t pb_frames_keys(unsigned n)
{
	return atomic_fetch_add(&frames_keys, n) + 1;
}

static const struct {
	enum pb_format format;
	const char *name;
	const struct pb_format_ops *ops;
} formats[] = {
	{ PB_FMT_FTRACE, "ftrace", &pb_ftrace_ops },
	{ PB_FMT_TRACECMD_REPORT, "trace-cmd-report", &pb_tracecmd_report_ops },
	{ PB_FMT_TRACE_DAT, "trace.dat", &pb_tracedat_ops },
	{ PB_FMT_PERF_SCRIPT, "perf-script", &pb_perf_script_ops },
	{ PB_FMT_KMSG, "kmsg", &pb_kmsg_ops },
	{ PB_FMT_PAGE_PINNER, "page_pinner", &pb_page_pinner_ops },
	{ PB_FMT_PAGE_OWNER, "page_owner", &pb_page_owner_ops },
};

const char *pb_format_name(enum pb_format f)
{
	for (size_t i = 0; i < PB_ARRAY_SIZE(formats); i++)
		if (formats[i].format == f)
			return formats[i].name;
	return "unknown";
}

enum pb_format pb_format_from_name(const char *name)
{
	for (size_t i = 0; i < PB_ARRAY_SIZE(formats); i++)
		if (!strcmp(formats[i].name, name))
			return formats[i].format;
	if (!strcmp(name, "trace-cmd") || !strcmp(name, "tracecmd-report"))
		return PB_FMT_TRACECMD_REPORT;
	if (!strcmp(name, "dat") || !strcmp(name, "tracedat"))
		return PB_FMT_TRACE_DAT;
	if (!strcmp(name, "perf") || !strcmp(name, "dmesg"))
		return !strcmp(name, "perf") ? PB_FMT_PERF_SCRIPT : PB_FMT_KMSG;
	return PB_FMT_UNKNOWN;
}

static const struct pb_format_ops *ops_for(enum pb_format f)
{
	for (size_t i = 0; i < PB_ARRAY_SIZE(formats); i++)
		if (formats[i].format == f)
			return formats[i].ops;
	return NULL;
}

const char *pb_bad_reason_name(enum pb_bad_reason r)
{
	static const char *const names[PB_BAD_NREASONS] = {
		[PB_BAD_SYNTAX] = "syntax",
		[PB_BAD_TOO_LONG] = "line too long",
		[PB_BAD_BINARY] = "binary data",
		[PB_BAD_ORPHAN_STACK] = "stack without event",
		[PB_BAD_TIMESTAMP] = "bad timestamp",
		[PB_BAD_TRUNCATED] = "truncated record",
		[PB_BAD_RAW_OUTPUT] = "raw or hex output",
		[PB_BAD_NO_CONTEXT] = "no task, cpu and time",
		[PB_BAD_UNKNOWN_TYPE] = "event printed as UNKNOWN TYPE",
		[PB_BAD_NO_ABSTIME] = "function_graph event without a time",
		[PB_BAD_PINNER_SIDE] = "page_pinner record: pin or put unknown",
		[PB_BAD_RAW_STACK] = "stack printed raw (trace-cmd report -R): no symbols",
	};

	return (unsigned)r < PB_BAD_NREASONS ? names[r] : "unknown";
}

const char *pb_bad_reason_hint(enum pb_bad_reason r)
{
	switch (r) {
	case PB_BAD_RAW_OUTPUT:
		return "the trace was read with the trace option raw or hex, which print no\n"
		       "event fields; read it again after 'echo noraw > trace_options' and\n"
		       "'echo nohex > trace_options'";
	case PB_BAD_NO_CONTEXT:
		return "the trace was read with the trace option nocontext-info, which leaves\n"
		       "out the task, cpu and time of each event; read it again after\n"
		       "'echo context-info > trace_options'";
	case PB_BAD_UNKNOWN_TYPE:
		return "the trace was read with the trace option fields, which prints trace\n"
		       "markers and other events without a format as 'UNKNOWN TYPE N', their\n"
		       "text left out; read it again after 'echo nofields > trace_options'";
	case PB_BAD_NO_ABSTIME:
		return "the trace was read under the function_graph tracer without the\n"
		       "trace option funcgraph-abstime, which leaves out each event's time;\n"
		       "read it again after 'echo funcgraph-abstime > trace_options'";
	case PB_BAD_PINNER_SIDE:
		return "page_pinner's longterm_pinner and alloc_contig_failed files print\n"
		       "their records alike in some kernels (a pin there, a put here); keep\n"
		       "the debugfs name in the file's name (longterm_pinner.txt,\n"
		       "alloc_contig_failed.txt, buffer.txt) and import it again";
	case PB_BAD_RAW_STACK:
		return "trace-cmd report -R prints a stack as the bytes of at most 8\n"
		       "addresses, without symbols, so no holder can be named from it;\n"
		       "import the trace.dat itself, or trace-cmd report without -R";
	default:
		return NULL;
	}
}

/* The hint for lines of reason R in a source of format F: some remedies
 * are those of one format's tools. */
const char *pb_bad_line_hint(enum pb_format f, enum pb_bad_reason r)
{
	if (f == PB_FMT_FTRACE && r == PB_BAD_ORPHAN_STACK)
		return "a stack with no event before it: a full ring buffer refused the\n"
		       "event, and the reader had made room by the time its stack trigger\n"
		       "wrote the stack; with the option overwrite off, trace_pipe marks no\n"
		       "such loss (per_cpu/cpuN/stats counts them as 'dropped events').\n"
		       "Record with a larger buffer (pinblame record --buffer-kb, or\n"
		       "buffer_size_kb). Otherwise the text was cut between an event and\n"
		       "its stack";
	return pb_bad_reason_hint(r);
}

struct pb_parser *pb_parser_new(struct pb_input *in, enum pb_format format,
				pb_bad_line_fn bad_line, void *ctx,
				char *err, size_t errlen)
{
	struct pb_parser *p;

	if (format == PB_FMT_UNKNOWN) {
		const char *head, *summary;
		size_t n = pb_input_peek(in, &head, 64 * 1024);

		if (n == (size_t)-1) {
			snprintf(err, errlen, "%s", pb_input_strerror(in));
			return NULL;
		}
		if (n == 0) {
			snprintf(err, errlen, "empty input");
			return NULL;
		}
		if (pb_page_owner_sort_output(head, n)) {
			snprintf(err, errlen, "page_owner_sort's output (its first line counts "
				 "a group: 'N times'): records summed by stack, without the pfn "
				 "of each page, so no busy page can be matched to them; import "
				 "the page_owner dump it was made from (cat "
				 "/sys/kernel/debug/page_owner > page_owner_full.txt)");
			return NULL;
		}
		if (pb_page_owner_stacks_output(head, n)) {
			snprintf(err, errlen, "page_owner's show_stacks (a stack, then "
				 "'nr_base_pages: N'): pages counted by the stack that "
				 "allocated them, without the pfn of each page, so no busy "
				 "page can be matched to them; import the page_owner dump "
				 "(cat /sys/kernel/debug/page_owner > page_owner_full.txt)");
			return NULL;
		}
		if ((summary = pb_tracecmd_summary_refusal(head, n))) {
			snprintf(err, errlen, "%s", summary);
			return NULL;
		}
		format = pb_format_detect(head, n);
		if (format == PB_FMT_UNKNOWN) {
			snprintf(err, errlen, "unrecognised format "
				 "(not ftrace, trace-cmd, perf script, kernel log or a "
				 "page_pinner/page_owner dump; try --format)");
			return NULL;
		}
	}
	p = pb_calloc(1, sizeof(*p));
	p->in = in;
	p->ops = ops_for(format);
	p->bad_line = bad_line;
	p->ctx = ctx;
	p->arena.chunk_size = 256 * 1024;
	p->state = p->ops->open(p, err, errlen);
	if (!p->state) {
		pb_parser_free(p);
		return NULL;
	}
	return p;
}

enum pb_format pb_parser_format(const struct pb_parser *p)
{
	return p->ops->format;
}

int pb_parser_next(struct pb_parser *p, struct pb_record **rec)
{
	return p->ahead ? parser_ahead_next(p, rec) : parser_next_here(p, rec);
}

int parser_next_here(struct pb_parser *p, struct pb_record **rec)
{
	int rc;

	pb_arena_reset(&p->arena);
	memset(&p->rec, 0, sizeof(p->rec));
	p->rec.ts_ns = -1;
	p->rec.cpu = p->rec.pid = p->rec.tgid = -1;
	p->rec.comm = "";
	p->rec.body = "";
	rc = p->ops->next(p->state, p, &p->rec);
	if (rc == 1)
		*rec = &p->rec;
	return rc;
}

const char *pb_parser_strerror(const struct pb_parser *p)
{
	return p->error[0] ? p->error : "unknown error";
}

uint64_t pb_parser_error_line(const struct pb_parser *p)
{
	return p->error_line;
}

const char *pb_parser_meta(const struct pb_parser *p, const char *key)
{
	for (int i = 0; i < p->nmeta; i++)
		if (!strcmp(p->meta_key[i], key))
			return p->meta_value[i];
	return NULL;
}

void pb_parser_set_meta(struct pb_parser *p, const char *key, const char *value)
{
	for (int i = 0; i < p->nmeta; i++) {
		if (!strcmp(p->meta_key[i], key)) {
			free(p->meta_value[i]);
			p->meta_value[i] = pb_strdup(value);
			return;
		}
	}
	if (p->nmeta == META_MAX)
		return;
	p->meta_key[p->nmeta] = pb_strdup(key);
	p->meta_value[p->nmeta++] = pb_strdup(value);
}

void pb_parser_free(struct pb_parser *p)
{
	if (!p)
		return;
	parser_ahead_stop(p);
	if (p->state)
		p->ops->close(p->state);
	for (int i = 0; i < p->nmeta; i++) {
		free(p->meta_key[i]);
		free(p->meta_value[i]);
	}
	pb_arena_free(&p->arena);
	free(p);
}

struct pb_input *pb_parser_input(struct pb_parser *p)
{
	return p->in;
}

struct pb_arena *pb_parser_arena(struct pb_parser *p)
{
	return &p->arena;
}

int pb_parser_bad_line(struct pb_parser *p, uint64_t line, enum pb_bad_reason why,
		       const char *text, size_t len)
{
	if (!p->bad_line)
		return 0;
	if (p->bad_line(p->ctx, line, why, text, len)) {
		pb_parser_set_error(p, line, "%s", pb_bad_reason_name(why));
		return 1;
	}
	return 0;
}

void pb_parser_set_error(struct pb_parser *p, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->error, sizeof(p->error), fmt, ap);
	va_end(ap);
	p->error_line = line;
}

/* The typed rows read a few fields of millions of events by name: the
 * first byte tells most other names apart without a call to strcmp(). */
const char *pb_record_field(const struct pb_record *r, const char *name)
{
	for (size_t i = 0; i < r->nfields; i++) {
		const char *f = r->fields[i].name;

		if (f[0] == name[0] && (!name[0] || !strcmp(f + 1, name + 1)))
			return r->fields[i].value;
	}
	return NULL;
}

int pb_record_u64(const struct pb_record *r, const char *name, uint64_t *out)
{
	const char *v = pb_record_field(r, name);

	return v ? pb_parse_u64(v, strlen(v), out) : -1;
}

int pb_record_i64(const struct pb_record *r, const char *name, int64_t *out)
{
	const char *v = pb_record_field(r, name);

	return v ? pb_parse_i64(v, strlen(v), out) : -1;
}
