/* unwrap.h - private to lib/input: trace text that Android tools wrap in
 * another file format, taken out of it as the file is read.
 *
 * systrace (and catapult's trace2html) writes an HTML page whose
 * <script class="trace-data" type="application/text"> block holds the atrace
 * (ftrace) text; the JSON trace format of Chrome, systrace --json and
 * Perfetto's `traceconv json` holds it as the string "systemTraceEvents".
 * `journalctl -o json` holds a kernel log as one object per message: its
 * MESSAGE and _SOURCE_MONOTONIC_TIMESTAMP become a dmesg line. `dmesg
 * --json` holds it as {"dmesg":[{"pri":..,"time":..,"caller":..,"msg":..}]}:
 * each entry becomes the line dmesg would have printed; `journalctl -o
 * export` and `-o verbose` print an entry one field a line, and its
 * MESSAGE becomes a dmesg line too (unwrap_fields.c). Text in UTF-16
 * (a BOM, or every other byte 0) becomes UTF-8, line for line.
 * All are unwrapped byte by byte, so memory stays bounded.
 */
#ifndef PINBLAME_INPUT_UNWRAP_H
#define PINBLAME_INPUT_UNWRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pinblame/core.h"

enum pb_wrapper {
	PB_WRAP_NONE,
	PB_WRAP_HTML,		/* systrace HTML */
	PB_WRAP_JSON,		/* JSON object with "systemTraceEvents" */
	PB_WRAP_JOURNAL,	/* journalctl -o json, -o json-pretty */
	PB_WRAP_DMESG,		/* dmesg --json (util-linux 2.37+) */
	PB_WRAP_JOURNAL_EXPORT,	/* journalctl -o export */
	PB_WRAP_JOURNAL_VERBOSE,	/* journalctl -o verbose */
	PB_WRAP_UTF16LE,	/* text in UTF-16 (what PowerShell's '>' writes), */
	PB_WRAP_UTF16BE,	/* re-encoded as UTF-8 */
};

/* The wrapper of a stream that starts with P[0..n) (after any
 * decompression); PB_WRAP_NONE for everything else. */
enum pb_wrapper pb_detect_wrapper(const char *p, size_t n);
/* Whether P[0..n) is too short to tell: blanks only, the start of an HTML
 * tag, or of a JSON object before its first key. */
int pb_wrapper_undecided(const char *p, size_t n);

/* The most one input byte can release: an escape or a held-back partial
 * "</script>" that it completes. pb_unwrap_run() reads on only while its
 * output has this much room left. */
#define PB_UNWRAP_SLACK 16

struct pb_unwrap;

struct pb_unwrap *pb_unwrap_new(enum pb_wrapper w);
void pb_unwrap_free(struct pb_unwrap *u);

/* Reads from SRC[0..n) and writes the trace text in it to DST (CAP bytes,
 * at least PB_UNWRAP_SLACK). Returns the bytes written; *USED gets the
 * bytes read, fewer than n when DST filled up. */
size_t pb_unwrap_run(struct pb_unwrap *u, const char *src, size_t n, size_t *used,
		     char *dst, size_t cap);

/* Copies what is left of PENDING from *POS to OUT, as much as fits
 * before END (lines an unwrapper made that the output had no room for):
 * the new end of OUT. PENDING empties once all of it is given out. */
char *pb_unwrap_drain(struct pb_buf *pending, size_t *pos, char *out, const char *end);

/* At the end of the stream: NULL when trace text was found, else why the
 * file holds none. */
const char *pb_unwrap_end(const struct pb_unwrap *u);

/* --- unwrap_fields.c: a journal printed one field a line ------------ */

/* The longest line (or binary MESSAGE) kept; the rest is dropped. A
 * kernel message is at most 1 KiB. */
#define PB_FIELD_LINE_MAX (64u << 10)

struct pb_jfields {
	bool verbose;		/* -o verbose, else -o export */
	bool in_entry, finished, emitted;
	enum { JF_STATE_LINE, JF_STATE_LENGTH, JF_STATE_DATA, JF_STATE_NEWLINE } state;
	char *line;		/* the line being gathered, PB_FIELD_LINE_MAX */
	size_t line_len;
	int binary_field;	/* export: the field of a binary value, or -1 */
	uint64_t length;	/* its length, then the bytes left of it */
	unsigned length_bytes;
	char value[3][32];	/* printk time, journal time, transport */
	struct pb_buf message;
	bool has_message;
	struct pb_buf pending;	/* lines not yet given out */
	size_t pending_pos;
};

void pb_jfields_init(struct pb_jfields *f, bool verbose);
void pb_jfields_free(struct pb_jfields *f);
/* As pb_unwrap_run(); *N 0 at the end of the stream. */
size_t pb_jfields_run(struct pb_jfields *f, const char *src, size_t *n, char *dst, size_t cap);
/* Whether S[0..n) is the head of a -o verbose entry. */
bool pb_jfields_verbose_head(const char *s, size_t n);

#endif
