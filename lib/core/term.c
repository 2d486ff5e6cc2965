/* term.c - text that is safe to print: control characters and bytes that
 * are not UTF-8 made visible, for terminals and for JSON.
 *
 * Names in the output come from the trace: a task sets its own comm, and
 * symbols, areas and file names are whatever the capture held. Printed raw,
 * an ESC in them would drive the reader's terminal (move the cursor, rewrite
 * earlier lines, set the title), so every human-readable output goes
 * through pb_term_stream(), which writes such bytes as \xNN.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <jansson.h>

#include "pinblame/core.h"

size_t pb_utf8_len(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len;
	unsigned min, cp;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2, min = 0x80, cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3, min = 0x800, cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4, min = 0x10000, cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, UTF-16 surrogates and values past U+10FFFF */
	if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* Whether the N bytes at S could still become one character with more
 * bytes: a stream keeps them until the next write. */
static int utf8_incomplete(const unsigned char *s, size_t n)
{
	size_t want = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;

	if (s[0] < 0xc2 || s[0] > 0xf4 || n >= want)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return 1;
}

static int is_c1(const unsigned char *s, size_t len)
{
	return len == 2 && s[0] == 0xc2 && s[1] < 0xa0;
}

/* Bytes from S that are printed as they are: up to the first control
 * character, C1 character or byte that is not UTF-8. */
static size_t safe_span(const char *str, size_t n, int keep_lines)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, len;

	while (i < n) {
		if (s[i] >= 0x20 && s[i] < 0x7f) {
			i++;
			continue;
		}
		if (keep_lines && (s[i] == '\n' || s[i] == '\t')) {
			i++;
			continue;
		}
		len = pb_utf8_len(str + i, n - i);
		if (s[i] < 0x80 || len == 0 || is_c1(s + i, len))
			return i;
		i += len;
	}
	return n;
}

void pb_term_escape(struct pb_buf *out, const char *s, size_t n, int keep_lines)
{
	static const char hex[] = "0123456789abcdef";

	while (n) {
		size_t span = safe_span(s, n, keep_lines), len;

		pb_buf_add(out, s, span);
		s += span;
		n -= span;
		if (!n)
			break;
		/* a C1 character is two bytes, both shown */
		len = pb_utf8_len(s, n);
		len = len == 2 ? 2 : 1;
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)s[i];
			char esc[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

			pb_buf_add(out, esc, 4);
		}
		s += len;
		n -= len;
	}
}

const char *pb_term_str(struct pb_buf *scratch, const char *s)
{
	if (!s)
		return "";
	pb_buf_reset(scratch);
	pb_term_escape(scratch, s, strlen(s), 0);
	return pb_buf_str(scratch);
}

/* --- the stream ---------------------------------------------------- */

struct term_cookie {
	FILE *raw;
	int close_raw;
	int passthrough;	/* pb_term_raw(): the output's own escapes */
	char held[4];		/* the start of a character cut by a write */
	size_t nheld;
	struct pb_buf scratch;
};

static struct {
	FILE *f;
	struct term_cookie *c;
} streams[8];

static struct term_cookie *cookie_of(FILE *f)
{
	for (size_t i = 0; i < PB_ARRAY_SIZE(streams); i++)
		if (streams[i].f == f)
			return streams[i].c;
	return NULL;
}

static int write_raw(struct term_cookie *c, const char *p, size_t n)
{
	if (n && fwrite(p, 1, n, c->raw) != n)
		return -1;
	return fflush(c->raw) == 0 ? 0 : -1;
}

static ssize_t term_write(void *cookie, const char *p, size_t n)
{
	struct term_cookie *c = cookie;
	size_t tail = 0;

	if (c->passthrough)
		return write_raw(c, p, n) < 0 ? -1 : (ssize_t)n;
	pb_buf_reset(&c->scratch);
	pb_buf_add(&c->scratch, c->held, c->nheld);
	pb_buf_add(&c->scratch, p, n);
	/* keep a character that the next write completes */
	for (size_t k = 1; k <= 3 && k <= c->scratch.len; k++) {
		const char *start = c->scratch.data + c->scratch.len - k;

		if ((unsigned char)*start >= 0xc0) {
			if (utf8_incomplete((const unsigned char *)start, k))
				tail = k;
			break;
		}
	}
	{
		struct pb_buf out = { 0 };
		int rc;

		pb_term_escape(&out, c->scratch.data, c->scratch.len - tail, 1);
		memcpy(c->held, c->scratch.data + c->scratch.len - tail, tail);
		c->nheld = tail;
		rc = write_raw(c, out.data, out.len);
		pb_buf_free(&out);
		if (rc < 0)
			return -1;
	}
	return (ssize_t)n;
}

static int term_close(void *cookie)
{
	struct term_cookie *c = cookie;
	struct pb_buf out = { 0 };
	int rc;

	pb_term_escape(&out, c->held, c->nheld, 1);
	rc = write_raw(c, out.data, out.len);
	pb_buf_free(&out);
	if (c->close_raw && fclose(c->raw) != 0)
		rc = -1;
	for (size_t i = 0; i < PB_ARRAY_SIZE(streams); i++)
		if (streams[i].c == c)
			streams[i].f = NULL, streams[i].c = NULL;
	pb_buf_free(&c->scratch);
	free(c);
	return rc;
}

FILE *pb_term_stream(FILE *raw, int close_raw)
{
	cookie_io_functions_t io = { .write = term_write, .close = term_close };
	struct term_cookie *c = pb_calloc(1, sizeof(*c));
	FILE *f;
	size_t i;

	for (i = 0; i < PB_ARRAY_SIZE(streams) && streams[i].f; i++)
		;
	if (i == PB_ARRAY_SIZE(streams))
		pb_die("too many terminal streams");
	c->raw = raw;
	c->close_raw = close_raw;
	f = fopencookie(c, "w", io);
	if (!f)
		pb_die("cannot make an output stream: %s", strerror(errno));
	streams[i].f = f;
	streams[i].c = c;
	return f;
}

void pb_term_raw(FILE *f, const char *s)
{
	struct term_cookie *c = cookie_of(f);

	if (!c) {
		fputs(s, f);
		return;
	}
	fflush(f);
	c->passthrough = 1;
	fputs(s, f);
	fflush(f);
	c->passthrough = 0;
}

/* Whether stdout may be styled: a terminal that takes escape sequences.
 * As git decides it, a TERM that is unset or "dumb" (Emacs' shell, some
 * CI logs) takes none; NO_COLOR set to anything (no-color.org) asks for
 * none either. */
int pb_stdout_styled(void)
{
	const char *term = getenv("TERM"), *no_color = getenv("NO_COLOR");

	if (!pb_stdout_is_tty() || (no_color && *no_color))
		return 0;
	return term && *term && strcmp(term, "dumb") != 0;
}

/* --- JSON ---------------------------------------------------------- */

json_t *pb_json_textn(const char *s, size_t n)
{
	struct pb_buf b = { 0 };
	json_t *v;
	size_t i = 0, len;

	if (!s)
		return json_null();
	/* Valid text, the usual case, is taken as it is. */
	while (i < n && (len = pb_utf8_len(s + i, n - i)))
		i += len;
	if (i == n)
		return json_stringn(s, n);
	/* A byte that is not UTF-8 is kept as the character of the same
	 * number (0xff -> U+00FF, "\u00ff" in JSON): seen, never dropped. */
	for (i = 0; i < n; i += len) {
		len = pb_utf8_len(s + i, n - i);
		if (len) {
			pb_buf_add(&b, s + i, len);
		} else {
			unsigned char c = (unsigned char)s[i];

			pb_buf_addc(&b, (char)(0xc0 | c >> 6));
			pb_buf_addc(&b, (char)(0x80 | (c & 0x3f)));
			len = 1;
		}
	}
	v = json_stringn(pb_buf_str(&b), b.len);
	pb_buf_free(&b);
	return v;
}

json_t *pb_json_text(const char *s)
{
	return s ? pb_json_textn(s, strlen(s)) : json_null();
}

size_t pb_text_columns(const char *s, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	return w;
}

int pb_text_width(const char *s)
{
	return (int)pb_text_columns(s, strlen(s));
}
