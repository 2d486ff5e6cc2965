/* evtext_int.h - shared by evtext.c (the queue and the stacks) and
 * evtext_lines.c (lines read and looked at on a thread of their own);
 * private to lib/parse. */
#ifndef PINBLAME_PARSE_EVTEXT_INT_H
#define PINBLAME_PARSE_EVTEXT_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "text.h"

/* What a line of ftrace or trace-cmd report text says by itself, whatever
 * came before it: worked out ahead for evtext.c's process_line(). */
struct evtext_look {
	bool frame;		/* "=>" after blanks: a stack frame line */
	int ctx_rc;		/* pb_text_context() */
	enum pb_bad_reason why;	/* its reason when ctx_rc < 0 */
	struct pb_text_context c;
	enum pb_evtext_kind kind;	/* the dialect's classify(), when ctx_rc == 0 */
	struct pb_evtext_event ev;
};

/* The first '\n' in [s, end), or NULL: a word at a time, as a call to
 * memchr() for each short frame line cost more than the search. */
static inline const char *evtext_find_newline(const char *s, const char *end)
{
#ifdef __SSE2__
	const __m128i nl = _mm_set1_epi8('\n');

	while (end - s >= 16) {
		unsigned hit = (unsigned)_mm_movemask_epi8(
			_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)s), nl));

		if (hit)
			return s + __builtin_ctz(hit);
		s += 16;
	}
#endif
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;

	while (end - s >= 8) {
		uint64_t w, hit;

		memcpy(&w, s, sizeof(w));
		w ^= ones * '\n';
		hit = (w - ones) & ~w & highs;	/* the zero bytes, from the lowest */
		if (hit) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			return s + (__builtin_ctzll(hit) >> 3);
#else
			break;	/* the byte loop finds it in these 8 */
#endif
		}
		s += 8;
	}
	while (s < end && *s != '\n')
		s++;
	return s < end ? s : NULL;
}

/* Whether [S, EOL) is a stack frame line: "=>" after blanks. A '\r'
 * before EOL changes nothing: it cannot be a blank or part of "=>". */
static inline bool evtext_is_frame(const char *s, const char *eol)
{
	s = pb_skip_blanks(s, eol);
	return eol - s >= 2 && s[0] == '=' && s[1] == '>';
}

/* A line of the function_graph tracer: an event printed as a C comment
 * (opened by slash-star, closed by star-slash) after the tracer's columns,
 * print_graph_comment(). 0 with C
 * filled (its time from funcgraph-abstime), 1 when it is such a line but
 * has no time (*WHY set), -1 when it is not one. */
int evtext_funcgraph(const char *line, size_t len, struct pb_text_context *c,
		     enum pb_bad_reason *why);
/* Whether LINE is one the function_graph tracer prints for itself (a
 * function's entry or exit, an irq marker, a task switch banner). */
int evtext_graph_line(const char *line, size_t len);
/* A line of the latency format under the verbose option; 0 or -1. */
int evtext_verbose_latency(const char *line, size_t len, struct pb_text_context *c);

/* Looks at LINE as process_line() would, up to what depends on the lines
 * before it. */
void evtext_look(const struct pb_evtext_dialect *d, const char *text, size_t len,
		 struct evtext_look *look);

/* A line of the reading thread: what pb_input_getline() returned. */
struct evtext_line {
	const char *text;
	size_t len;
	uint64_t lineno;
	enum pb_line_status status;	/* PB_LINE_OK or PB_LINE_TOO_LONG */
	bool has_nul;
	const struct evtext_look *look;	/* NULL: not looked at (not OK text) */
	/* 0: one line. Else a run of this many frame lines taken together
	 * (their stack's memo may know them all): TEXT then holds them with
	 * their ends, each '\n' kept (and a '\r' before it), LINENO is the
	 * first one's. */
	uint32_t frames;
};

struct evtext_lines;

/* Reads IN on a thread of its own from now on, keeping P's raw offset
 * (pb_parser_input_elsewhere()); NULL when no thread can be started (the
 * caller reads on). ALWAYS_LOOK: the thread looks at every line (else only
 * while it is ahead of the consumer). */
struct evtext_lines *evtext_lines_start(struct pb_input *in, const struct pb_evtext_dialect *d,
					struct pb_parser *p, bool always_look);
/* The lines of the next batch: how many (*LINES), 0 at the end of the
 * input, or (size_t)-1 with *LINENO and ERR set (a read error, or
 * interrupted). They stay valid until the next call. */
size_t evtext_lines_next(struct evtext_lines *l, const struct evtext_line **lines,
			 uint64_t *lineno, char *err, size_t errlen);
/* Stops the thread (if still reading) and frees everything. */
void evtext_lines_stop(struct evtext_lines *l);

#endif
