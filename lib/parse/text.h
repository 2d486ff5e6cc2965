/* text.h - helpers shared by the text trace parsers (private to lib/parse).
 *
 * ftrace text and trace-cmd report share one engine (evtext.c): both print
 * "comm-pid [cpu] ts: event: body" lines with stack blocks after the event
 * they belong to. A dialect only says which lines are headers and how the
 * text after the timestamp splits into an event, a stack header or a marker.
 */
#ifndef PINBLAME_PARSE_TEXT_H
#define PINBLAME_PARSE_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "pinblame/parse.h"

static inline int pb_is_digit(int c)
{
	return (unsigned)c - '0' < 10;
}

/* The end of the decimal digits from P (P itself when there are none),
 * END at most. */
static inline const char *pb_skip_digits(const char *p, const char *end)
{
	while (p < end && pb_is_digit(*p))
		p++;
	return p;
}

/* [0-9a-f]: the hex digits the kernel prints ("%x", "%08x"). */
static inline int pb_is_lower_hex(int c)
{
	return pb_is_digit(c) || (unsigned)c - 'a' < 6;
}

/* The length of the SGR escape ("ESC[0;32m") at S, 0 when there is none:
 * dmesg --color=always colours its lines with them. */
static inline size_t pb_sgr_len(const char *s, size_t n)
{
	size_t i = 2;

	if (n < 3 || s[0] != '\x1b' || s[1] != '[')
		return 0;
	while (i < n && (pb_is_digit(s[i]) || s[i] == ';'))
		i++;
	return i < n && s[i] == 'm' ? i + 1 : 0;
}

/* [A-Za-z0-9_]: the characters of event names and body keys. */
extern const unsigned char pb_key_chars[256];

static inline int pb_is_key_char(int c)
{
	return pb_key_chars[(unsigned char)c];
}

#ifdef __SSE2__
/* A bit for each of the 16 bytes at S that is a key character: a letter
 * (either case: OR 0x20 folds 'A'-'Z' onto 'a'-'z' and nothing else onto
 * them), a digit or '_'; bytes over 0x7f are negative here, never in. */
static inline unsigned pb_key_bits16(const char *s)
{
	__m128i v = _mm_loadu_si128((const __m128i *)s);
	__m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
	__m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(folded, _mm_set1_epi8('a' - 1)),
				      _mm_cmplt_epi8(folded, _mm_set1_epi8('z' + 1)));
	__m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
				      _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
	__m128i under = _mm_cmpeq_epi8(v, _mm_set1_epi8('_'));

	return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(alpha, digit), under));
}
#endif

/* The end of the run of key characters at P: event names and body keys
 * run to 20 or 30 of them, sixteen a compare where SSE2 is. */
static inline const char *pb_key_end(const char *p, const char *end)
{
#ifdef __SSE2__
	while (end - p >= 16) {
		unsigned other = ~pb_key_bits16(p) & 0xffff;

		if (other)
			return p + __builtin_ctz(other);
		p += 16;
	}
#endif
	while (p < end && pb_is_key_char(*p))
		p++;
	return p;
}

/* The start of the run of key characters that ends at P, no further back
 * than FROM. */
static inline const char *pb_key_start(const char *from, const char *p)
{
#ifdef __SSE2__
	while (p - from >= 16) {
		unsigned other = ~pb_key_bits16(p - 16) & 0xffff;

		if (other)
			return p - 16 + (31 - __builtin_clz(other)) + 1;
		p -= 16;
	}
#endif
	while (p > from && pb_is_key_char(p[-1]))
		p--;
	return p;
}

#ifdef __SSE2__
/* A bit for each of the 16 bytes at S that is a blank (' ' or '\t'). */
static inline unsigned pb_blank_bits16(const char *s)
{
	__m128i v = _mm_loadu_si128((const __m128i *)s);

	return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
							_mm_cmpeq_epi8(v, _mm_set1_epi8('\t'))));
}
#endif

/* The columns are padded with long runs of blanks (a comm right-aligned
 * in 16, a pid in 7, a timestamp in 12): sixteen bytes a compare where
 * SSE2 is, as every event line crosses a few such runs. */
static inline const char *pb_skip_blanks(const char *s, const char *end)
{
#ifdef __SSE2__
	while (end - s >= 16) {
		unsigned other = ~pb_blank_bits16(s) & 0xffff;

		if (other)
			return s + __builtin_ctz(other);
		s += 16;
	}
#else
	while (end - s >= 8 && !memcmp(s, "        ", 8))
		s += 8;
#endif
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/* The end of the blank-separated token at P. */
static inline const char *pb_token_end(const char *p, const char *end)
{
#ifdef __SSE2__
	while (end - p >= 16) {
		unsigned blank = pb_blank_bits16(p);

		if (blank)
			return p + __builtin_ctz(blank);
		p += 16;
	}
#endif
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	return p;
}

/* memchr() for the short spans of a line, where the call costs more than
 * the scan (sixteen bytes a compare where SSE2 is). */
static inline char *pb_find_char(const char *s, const char *end, char c)
{
#ifdef __SSE2__
	while (end - s >= 16) {
		unsigned hit = (unsigned)_mm_movemask_epi8(
			_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)s), _mm_set1_epi8(c)));

		if (hit)
			return (char *)s + __builtin_ctz(hit);
		s += 16;
	}
#endif
	while (s < end && *s != c)
		s++;
	return s < end ? (char *)s : NULL;
}

/* Whether S starts with the literal PREFIX (sizeof-1 trick for literals). */
#define pb_has_prefix(s, n, prefix) \
	((n) >= sizeof(prefix) - 1 && !memcmp((s), (prefix), sizeof(prefix) - 1))

/* Longest stack frame line taken (a kernel symbol has at most 512 bytes,
 * a user path 4096) and deepest stack kept (ftrace saves at most 512
 * entries): beyond, lines are reported as too long, which keeps the memory
 * held for one record bounded. */
#define PB_FRAME_TEXT_MAX 8192
#define PB_STACK_FRAMES_MAX 1024

/* A signature of the LEN bytes RAW for a memo of them (compared byte for
 * byte on a match): four of their words, spread over them (the stacks of
 * one tracepoint share their first frames, and often their last ones),
 * with LEN and SALT (what else the memo's result depends on). */
static inline uint64_t pb_bytes_sig(const char *raw, size_t len, uint64_t salt)
{
	uint64_t w[4] = { 0 }, h = (uint64_t)len << 32 ^ salt;
	size_t at = len < 8 ? 0 : len - 8, n = len < 8 ? len : 8;

	memcpy(&w[0], raw + at / 4, n);
	memcpy(&w[1], raw + at / 2, n);
	memcpy(&w[2], raw + at / 4 * 3, n);
	memcpy(&w[3], raw + at, n);
	h ^= w[0] * 0x9e3779b97f4a7c15ull ^ w[1] * 0xc2b2ae3d27d4eb4full ^
	     w[2] * 0x165667b19e3779f9ull ^ w[3] * 0x27d4eb2f165667c5ull;
	return h ^ (h >> 31);
}

/* N fresh keys for pb_record.frames_key / uframes_key, the first
 * returned: unique in the process, whichever parser or thread asks. */
uint64_t pb_frames_keys(unsigned n);

/* NUL or another control byte (TAB excepted): the line is not text. */
int pb_text_is_binary(const char *s, size_t n);

/* The context columns of an ftrace or trace-cmd event line:
 * "comm-pid (tgid) [cpu] flags timestamp: " with the tgid and flags columns
 * optional and the cpu also in the latency form "0d..1." of trace-cmd
 * report -l and of the kernel's latency-format option, whose timestamps
 * are microseconds ("13503243538us+:"). */
struct pb_text_context {
	const char *comm;
	size_t comm_len;
	int32_t pid, tgid, cpu;
	int64_t ts_ns;
	int counter_clock;	/* timestamp without a fraction: raw clock count */
	const char *rest;	/* after "timestamp: " and its blanks */
	size_t rest_len;
};

/* Returns 0, or -1 with *why = PB_BAD_SYNTAX / PB_BAD_TIMESTAMP. */
int pb_text_context(const char *line, size_t len, struct pb_text_context *ctx,
		    enum pb_bad_reason *why);

/* An event line pasted without its task and CPU columns (a trace
 * fragment): "  279.814717: event: body", or a stack header after the
 * time. Fills CTX with an unknown task and CPU (-1, comm ""); 0 or -1. */
int pb_text_fragment(const char *line, size_t len, struct pb_text_context *ctx);

/* Splits "name: body" where name is [A-Za-z0-9_]+ and ':' is followed by
 * a blank or the end; the body starts after the blanks. Returns 0 or -1. */
int pb_text_event_token(const char *s, size_t n, const char **name, size_t *name_len,
			const char **body, size_t *body_len);

/* pb_parse_frame() on a writable text: the frame's strings point into S,
 * cut with NULs (S[LEN] must be writable too); ARENA only for the rare
 * symbol that has to be made up ("0x7f1a2b3c4d5e" for an address alone). */
int pb_frame_parse_inplace(char *s, size_t len, struct pb_arena *arena, struct pb_frame *f);

/* What the text after the timestamp of a line is. */
enum pb_evtext_kind {
	PB_EVTEXT_EVENT,	/* name/body set */
	PB_EVTEXT_PRINT,	/* trace marker: body = the text written */
	PB_EVTEXT_KSTACK,	/* kernel stack header: frames follow (the
				 * first in body when it starts with "=>") */
	PB_EVTEXT_USTACK,	/* user stack header: the same */
	PB_EVTEXT_INVALID,
};

struct pb_evtext_event {
	const char *name;
	size_t name_len;
	const char *body;
	size_t body_len;
	/* PB_EVTEXT_INVALID: why, when the dialect knows better than
	 * PB_BAD_SYNTAX (set to it before classify is asked) */
	enum pb_bad_reason why;
};

struct pb_evtext_dialect {
	/* Header and banner lines: records the facts they state with
	 * pb_parser_set_meta() and returns 1; 0 when LINE is something else. */
	int (*header)(struct pb_parser *p, const char *line, size_t len);
	enum pb_evtext_kind (*classify)(const char *rest, size_t len,
					struct pb_evtext_event *ev);
	/* Optional: a more telling reason than PB_BAD_SYNTAX for a line whose
	 * context columns do not parse. */
	enum pb_bad_reason (*why_not)(const char *line, size_t len);
};

void *pb_evtext_open(struct pb_parser *p, const struct pb_evtext_dialect *dialect);
int pb_evtext_next(void *state, struct pb_parser *p, struct pb_record *rec);
void pb_evtext_close(void *state);
/* The length of the LEN bytes at S without the " [%d:0x%llx:%d]" that
 * trace-cmd report --debug prints after each event (evtext.c). */
size_t pb_evtext_debug_trim(const char *s, size_t len);

/* pb_parser_set_meta() with a value that is not NUL-terminated
 * (truncated to 63 bytes). */
void pb_text_set_meta(struct pb_parser *p, const char *key, const char *s, size_t n);

/* "CPU:2 [LOST 12 EVENTS]" (ftrace) or trace-cmd's "CPU:2 [12 EVENTS DROPPED]"
 * / "CPU:2 [EVENTS DROPPED]". *lost is -1 when the count is not printed.
 * Returns 0, or -1 when the line is not a lost-events line. */
int pb_text_lost_events(const char *line, size_t len, int32_t *cpu, int64_t *lost);

/* Whether LINE is a perf script sample head, "comm pid [cpu] ts: sys:event:"
 * or a layout of -F with columns left out or added, or a side-band record
 * (PERF_RECORD_*). */
int pb_perf_sample_line(const char *line, size_t len);

#endif
