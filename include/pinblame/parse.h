/* parse.h - streaming parsers: one normalized record at a time.
 *
 * Every input format (ftrace text, trace-cmd report, trace.dat, perf script,
 * kernel log, page_pinner and page_owner dumps) becomes the same
 * struct pb_record. Lines that are not understood are counted by reason and
 * reported through the bad-line callback; they never stop the parser unless
 * the caller asks it to (--strict).
 */
#ifndef PINBLAME_PARSE_H
#define PINBLAME_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "pinblame/core.h"
#include "pinblame/input.h"

enum pb_format {
	PB_FMT_UNKNOWN = 0,
	PB_FMT_FTRACE,
	PB_FMT_TRACECMD_REPORT,
	PB_FMT_TRACE_DAT,
	PB_FMT_PERF_SCRIPT,
	PB_FMT_KMSG,
	PB_FMT_PAGE_PINNER,
	PB_FMT_PAGE_OWNER,
};

/* "ftrace", "trace-cmd-report", "trace.dat", "perf-script", "kmsg",
 * "page_pinner", "page_owner". */
const char *pb_format_name(enum pb_format f);
enum pb_format pb_format_from_name(const char *name);
/* Guesses the format from the first bytes of the decompressed content. */
enum pb_format pb_format_detect(const char *head, size_t len);
/* Whether the text's first line is one of page_owner_sort's group heads
 * ("12 times, 12 pages, ..."): records counted by stack, their pfns gone. */
int pb_page_owner_sort_output(const char *head, size_t len);

struct pb_field {
	const char *name;
	const char *value;
};

#define PB_FRAME_USER 1u	/* user-space frame */

struct pb_frame {
	const char *symbol;	/* "cma_alloc", or "0xffff..." when unresolved,
				 * "[unknown]" as perf prints it */
	uint64_t offset;	/* +0x3a0; 0 when absent */
	uint64_t size;		/* /0x6c0; 0 when absent */
	uint64_t addr;		/* 0 when absent */
	const char *module;	/* "nvidia" for "[nvidia]"/"([nvidia])", a dso
				 * path for user frames, NULL for vmlinux */
	unsigned flags;
};

/* Event names are "system:event". Records that are not trace events get
 * their own systems:
 *   ftrace:print            trace marker (field "buf")
 *   ftrace:lost_events      "CPU:N [LOST N EVENTS]" (fields "cpu", "lost")
 *   kmsg:dump_page          a dump_page() record: fields pfn, refcount,
 *                           mapcount, mapping, index, flags, reason, and
 *                           when present dentry, ino, aops, memcg, head,
 *                           order, pincount, compound_mapcount, anon (1),
 *                           cma (1), owner_pid, owner_tgid, owner_comm,
 *                           owner_ts, gfp_mask, migratetype; frames = the
 *                           page_owner allocation stack
 *   kmsg:call_trace         a dump_stack() "Call trace:" block (frames)
 *   kmsg:migrate_failed     "migrating pfn %lx failed ret:%d" (pfn, ret)
 *   kmsg:pfns_busy          "alloc_contig_range: [s, e) PFNs busy"
 *                           (start_pfn, end_pfn)
 *   kmsg:cma_alloc_failed   "cma: cma_alloc: NAME: alloc failed, req-size:
 *                           N pages, ret: E" (name, count, ret)
 *   page_pinner_dump:put / :free / :failure_detected
 *                           ACK debugfs records (pfn, block, count, mapcount,
 *                           mapping, flags, elapsed_us); frames = stack
 *   page_owner:allocated    /sys/kernel/debug/page_owner record (pfn, order,
 *                           gfp_mask, pid, tgid, comm, alloc_ts, migratetype,
 *                           block_type, flags); frames = allocation stack
 * Numbers keep the text of the source ("0x13e000"); consumers use
 * pb_record_u64() which understands both bases.
 */
struct pb_record {
	uint64_t line;		/* line of the record in its source, 1-based
				 * (record index for trace.dat) */
	int64_t ts_ns;		/* trace timestamp, -1 when unknown */
	int32_t cpu;		/* -1 when unknown */
	int32_t pid;		/* -1 when unknown */
	int32_t tgid;		/* -1 when unknown */
	const char *comm;	/* "" when unknown; "<...>" is kept */
	const char *system;	/* "cma" */
	const char *event;	/* "cma_alloc_finish" */
	const char *body;	/* raw body text after "event: " */
	size_t nfields;
	struct pb_field *fields;
	size_t nframes;		/* kernel stack, leaf first */
	struct pb_frame *frames;
	size_t nuframes;	/* user stack, leaf first */
	struct pb_frame *uframes;
	/* Nonzero when the parser handed over the very frames of an earlier
	 * record again: records with one key have the same frames (unique
	 * across the process), so their stack need not be hashed again. */
	uint64_t frames_key, uframes_key;
	const void *prep;	/* what the run-ahead hook made of the record;
				 * NULL when parsed on the calling thread */
};

/* Field lookup by name; NULL when absent. */
const char *pb_record_field(const struct pb_record *r, const char *name);
/* Field as a number (decimal, 0x-hex, or bare hex when HEX is set).
 * Returns 0 on success, -1 when absent or not a number. */
int pb_record_u64(const struct pb_record *r, const char *name, uint64_t *out);
int pb_record_i64(const struct pb_record *r, const char *name, int64_t *out);

/* Splits an event body into key=value fields (doc/DESIGN.md, "Records":
 * split at the first '=', a value runs to the next " key=", unknown keys
 * kept). A leading kprobe location "(func+0x0/0x1d0)" becomes the field
 * "__probe". Strings are allocated in ARENA. Returns the number of fields. */
size_t pb_parse_body(const char *body, size_t len, struct pb_arena *arena,
		     struct pb_field **fields);

/* System of a well-known event name ("cma_alloc_finish" -> "cma"), or NULL
 * when the name is not in the built-in table. */
const char *pb_event_system(const char *event);

/* Parses one frame text as the formats print it:
 * "cma_alloc+0x3a0/0x6c0 [nvidia]", "cma_alloc (ffff80000839cbf0)",
 * "ffff80000839cbf0 cma_alloc+0x3a0 ([kernel.kallsyms])", "0xffffffffc0b71e1f".
 * Returns 0, or -1 when the text is not a frame. */
int pb_parse_frame(const char *s, size_t len, struct pb_arena *arena, struct pb_frame *f);

/* Reasons a line is not understood; counted per source and reported. */
enum pb_bad_reason {
	PB_BAD_SYNTAX,		/* does not look like a record of the format */
	PB_BAD_TOO_LONG,	/* longer than PB_LINE_MAX */
	PB_BAD_BINARY,		/* NUL or other control bytes */
	PB_BAD_ORPHAN_STACK,	/* stack frames with no event before them */
	PB_BAD_TIMESTAMP,	/* unparsable timestamp */
	PB_BAD_TRUNCATED,	/* record cut off at end of input */
	PB_BAD_RAW_OUTPUT,	/* ftrace printed with trace option raw or hex */
	PB_BAD_NO_CONTEXT,	/* ftrace printed with nocontext-info */
	PB_BAD_UNKNOWN_TYPE,	/* "UNKNOWN TYPE 5": an event the trace
				 * option fields cannot print (a marker) */
	PB_BAD_NO_ABSTIME,	/* an event under the function_graph tracer
				 * printed without funcgraph-abstime */
	PB_BAD_PINNER_SIDE,	/* page_pinner record whose stack may be a pin
				 * or a put: the file is not known */
	PB_BAD_RAW_STACK,	/* a stack trace-cmd report -R printed as the
				 * bytes of 8 addresses, without symbols */
	PB_BAD_NREASONS
};
const char *pb_bad_reason_name(enum pb_bad_reason r);
/* What to do about lines of reason R, for the reasons that have a remedy
 * (lines of at most 80 columns, '\n' between them); NULL for the others. */
const char *pb_bad_reason_hint(enum pb_bad_reason r);
/* The same, or a remedy of the tools of format F for lines of reason R. */
const char *pb_bad_line_hint(enum pb_format f, enum pb_bad_reason r);

struct pb_parser;

/* Callback for every line that is not understood. Return non-zero to stop
 * parsing (the parser then returns -1 from pb_parser_next()). */
typedef int (*pb_bad_line_fn)(void *ctx, uint64_t line, enum pb_bad_reason why,
			      const char *text, size_t len);

/* Creates a parser for FORMAT over IN (PB_FMT_UNKNOWN: detect from content;
 * if detection fails, returns NULL with err "unrecognised format"). */
struct pb_parser *pb_parser_new(struct pb_input *in, enum pb_format format,
				pb_bad_line_fn bad_line, void *ctx,
				char *err, size_t errlen);
enum pb_format pb_parser_format(const struct pb_parser *p);

/* Next record: 1 with *rec filled (valid until the next call), 0 at the end,
 * -1 on an input error or when bad_line asked to stop; the message is in
 * pb_parser_strerror() and pb_parser_error_line() its line. */
int pb_parser_next(struct pb_parser *p, struct pb_record **rec);
const char *pb_parser_strerror(const struct pb_parser *p);
uint64_t pb_parser_error_line(const struct pb_parser *p);

/* Facts learned from headers while parsing (NULL when unknown):
 * "kernel" (uname -r style), "arch", "cpus", "clock". */
const char *pb_parser_meta(const struct pb_parser *p, const char *key);

void pb_parser_free(struct pb_parser *p);

/* Parts of a record for pb_record_copy(); the rest of the record (numbers,
 * comm, system, event, nfields, nframes, nuframes) is always copied. */
#define PB_COPY_BODY 1u
#define PB_COPY_FIELDS 2u
#define PB_COPY_FRAMES 4u	/* frames stays NULL without it */
#define PB_COPY_UFRAMES 8u
#define PB_COPY_ALL 15u

/* DST becomes SRC with its strings in A, and only the PARTS asked for.
 * Returns the bytes copied. */
size_t pb_record_copy(struct pb_arena *a, struct pb_record *dst, const struct pb_record *src,
		      unsigned parts);

/* Work done on each record on the parsing thread (see below), so that the
 * thread that consumes the records has less to do: it makes DST, the copy
 * of SRC that the consumer gets, in ARENA (with pb_record_copy() of the
 * parts the consumer reads), may set DST->prep, and returns the bytes it
 * used. Must not touch state that the consumer uses. */
typedef size_t (*pb_record_prep_fn)(struct pb_arena *arena, struct pb_record *dst,
				    const struct pb_record *src, void *ctx);

/* Moves the parsing of P to a thread of its own that runs ahead of
 * pb_parser_next() by a few bounded batches of records, each copied by PREP
 * (whole when PREP is NULL). Call it before the first pb_parser_next().
 * From then on, until pb_parser_next() returns 0 or -1, the bad-line
 * callback runs on the parsing thread, and the caller must not use
 * pb_parser_meta() or the input (pb_parser_raw_offset() tells the
 * progress). Returns 0, or -1 when no thread could be started (parsing then
 * goes on on the calling thread). */
int pb_parser_run_ahead(struct pb_parser *p, pb_record_prep_fn prep, void *ctx);

/* Raw input bytes consumed up to the record pb_parser_next() returned
 * last (for progress). */
uint64_t pb_parser_raw_offset(const struct pb_parser *p);

/* --- Interface implemented by each format (lib/parse/FORMAT.c) --------- */
struct pb_format_ops {
	enum pb_format format;
	/* Allocates the format's private state; returns NULL with err on
	 * failure (e.g. trace.dat that libtracecmd cannot open). */
	void *(*open)(struct pb_parser *p, char *err, size_t errlen);
	/* Produces the next record into REC using pb_parser_arena(p) for
	 * strings; same return convention as pb_parser_next. */
	int (*next)(void *state, struct pb_parser *p, struct pb_record *rec);
	void (*close)(void *state);
};

/* For format implementations. */
struct pb_input *pb_parser_input(struct pb_parser *p);
struct pb_arena *pb_parser_arena(struct pb_parser *p);
/* Reports a bad line; returns non-zero when parsing must stop. */
int pb_parser_bad_line(struct pb_parser *p, uint64_t line, enum pb_bad_reason why,
		       const char *text, size_t len);
/* Sets the error message for a -1 return. */
void pb_parser_set_error(struct pb_parser *p, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void pb_parser_set_meta(struct pb_parser *p, const char *key, const char *value);
/* For a format that reads the input on a thread of its own from now on:
 * the slot that thread keeps its raw offset in (with __atomic_store_n),
 * for pb_parser_raw_offset() to read from any thread. */
uint64_t *pb_parser_input_elsewhere(struct pb_parser *p);

extern const struct pb_format_ops pb_ftrace_ops;
extern const struct pb_format_ops pb_tracecmd_report_ops;
extern const struct pb_format_ops pb_tracedat_ops;
extern const struct pb_format_ops pb_perf_script_ops;
extern const struct pb_format_ops pb_kmsg_ops;
extern const struct pb_format_ops pb_page_pinner_ops;
extern const struct pb_format_ops pb_page_owner_ops;

#endif
