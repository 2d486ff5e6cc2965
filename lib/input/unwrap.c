/* unwrap.c - the trace text inside systrace HTML and JSON traces, and the
 * kernel log inside a journal exported as JSON (one field a line:
 * unwrap_fields.c).
 *
 * The unwrappers are state machines fed one buffer at a time: a match or
 * an escape cut by a buffer boundary is carried over in the state, never
 * by holding more of the file.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pinblame/core.h"
#include "unwrap.h"

/* systrace writes exactly these; catapult's trace2html too. */
static const char html_open[] = "<script class=\"trace-data\"";
static const char html_close[] = "</script>";
/* Before the trace-data blocks (systrace of 2012-2014), the page held the
 * trace as a JavaScript string: 'var linuxPerfData = "\' then each line
 * ending in '\n\' (an escaped newline, then a line continuation), and
 * '";' after the last. */
static const char js_open[] = "var linuxPerfData = \"";

enum html_state {
	HTML_SEEK,	/* before a trace-data block */
	HTML_TAG,	/* in its opening tag, up to '>' */
	HTML_START,	/* blanks before the block's text (dropped: the text
			 * opens with "# tracer:" or "TRACE:" anyway) */
	HTML_EMIT,	/* in a block of trace text */
	HTML_SKIP,	/* in a block of JSON, which is not the ftrace text */
	HTML_JS,	/* in the string of linuxPerfData */
	HTML_JS_ESCAPE,	/* after a backslash in it */
};

struct html {
	enum html_state state;
	size_t matched;		/* bytes of html_open or html_close matched */
	size_t js_matched;	/* bytes of js_open matched */
};

/* The fields a JSON unwrapper takes, at the level of its entries: the
 * string of systemTraceEvents goes straight out (the top object); the
 * fields of a journal entry (a top object) or of a dmesg --json entry (an
 * object of the array "dmesg") are gathered until the entry ends, then
 * make one printk line. */
enum json_field {
	FIELD_TRACE,		/* systemTraceEvents */
	FIELD_MESSAGE,		/* the journal's */
	FIELD_SOURCE_TIME,	/* _SOURCE_MONOTONIC_TIMESTAMP: printk time, us */
	FIELD_TIME,		/* __MONOTONIC_TIMESTAMP: when journald got it, us */
	FIELD_TRANSPORT,	/* _TRANSPORT: "kernel" for the kernel's */
	FIELD_DMESG_MSG,	/* dmesg's: the message */
	FIELD_DMESG_TIME,	/* the time as dmesg prints it, a bare number */
	FIELD_DMESG_CALLER,	/* the printk caller id, "T123" or "C1" */
	NFIELDS,
	FIELD_NONE = -1,
};

static const char *const field_names[NFIELDS] = {
	"systemTraceEvents", "MESSAGE", "_SOURCE_MONOTONIC_TIMESTAMP",
	"__MONOTONIC_TIMESTAMP", "_TRANSPORT", "msg", "time", "caller",
};

/* The fields each kind of JSON takes: [first, last]. */
static const enum json_field kind_fields[][2] = {
	[PB_WRAP_JSON] = { FIELD_TRACE, FIELD_TRACE },
	[PB_WRAP_JOURNAL] = { FIELD_MESSAGE, FIELD_TRANSPORT },
	[PB_WRAP_DMESG] = { FIELD_DMESG_MSG, FIELD_DMESG_CALLER },
};

/* Longest value kept of each gathered field; the rest is dropped. A
 * kernel message is at most 1 KiB. */
#define MESSAGE_MAX (64u << 10)
#define SHORT_MAX 32u
#define KEY_MAX 32u

static size_t field_max(enum json_field f)
{
	return f == FIELD_MESSAGE || f == FIELD_DMESG_MSG ? MESSAGE_MAX : SHORT_MAX;
}

struct json {
	enum pb_wrapper kind;
	bool journal;		/* a journal or dmesg: gather, else stream */
	int entry_depth;	/* the depth inside an entry's object */
	int depth;		/* {} and [] open around us */
	bool in_string, escaped;
	bool want_key;		/* at depth 1, the next string is a key */
	bool key_string;	/* in a key at depth 1 */
	char key[KEY_MAX];	/* its text, when short enough to be ours */
	size_t key_len;
	enum json_field target;	/* the key just read, before its value */
	enum json_field emitting;	/* the string value being decoded */
	bool in_bytes;		/* in a MESSAGE given as an array of bytes */
	int byte, byte_digits;	/* the number being read there */
	char esc[6];		/* an escape not yet complete: "\u00e9" */
	size_t esc_len;
	uint32_t high;		/* a high surrogate waiting for its low half */
	struct field_value {
		char *data;	/* room for field_max() + PB_UNWRAP_SLACK */
		size_t len;
	} value[NFIELDS];	/* journal: this object's fields */
	struct pb_buf pending;	/* journal: lines not yet given out */
	size_t pending_pos;
};

/* UTF-16 text: a code unit's first byte, or a high surrogate, may wait
 * for the next buffer. */
struct utf16 {
	bool big_endian;
	bool started;		/* past the first character (a BOM there is dropped) */
	bool have_byte;
	unsigned char byte;
	uint32_t high;		/* a high surrogate waiting for its low one */
};

struct pb_unwrap {
	enum pb_wrapper kind;
	uint64_t emitted;
	union {
		struct html html;
		struct json json;
		struct utf16 utf16;
		struct pb_jfields fields;
	};
};

/* Blanks, and the record separator before each entry of json-seq. */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\x1e';
}

static const char *skip_space(const char *p, const char *end)
{
	if (end - p >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))	/* UTF-8 BOM */
		p += 3;
	while (p < end && is_space(*p))
		p++;
	return p;
}

/* Bytes of UTF-16 text without a BOM looked at: every other one is 0
 * in text that is ASCII but for a few characters. */
#define UTF16_LOOK 1024u

/* Whether the bytes of P[0..n) at LANE (0 or 1) of each pair are all 0
 * and those of the other lane not all. */
static bool zero_lane(const unsigned char *p, size_t n, size_t lane)
{
	bool other = false;

	for (size_t i = 0; i + 1 < n; i += 2) {
		if (p[i + lane])
			return false;
		other |= p[i + 1 - lane] != 0;
	}
	return other;
}

/* PB_WRAP_UTF16LE or BE for UTF-16 text, else PB_WRAP_NONE. */
static enum pb_wrapper utf16_kind(const unsigned char *p, size_t n)
{
	if (n >= 2 && p[0] == 0xff && p[1] == 0xfe)
		return PB_WRAP_UTF16LE;
	if (n >= 2 && p[0] == 0xfe && p[1] == 0xff)
		return PB_WRAP_UTF16BE;
	if (n > UTF16_LOOK)
		n = UTF16_LOOK;
	if (zero_lane(p, n, 1))
		return PB_WRAP_UTF16LE;
	if (zero_lane(p, n, 0))
		return PB_WRAP_UTF16BE;
	return PB_WRAP_NONE;
}

/* journalctl -o export (an entry opens with its cursor, "__CURSOR=") or
 * -o verbose (a head "<time> [s=...;i=...]" after any "-- ... --" lines)
 * at S[0..n). */
static enum pb_wrapper journal_fields(const char *s, size_t n)
{
	const char *end = s + n, *nl;

	if (n >= 9 && !memcmp(s, "__CURSOR=", 9))
		return PB_WRAP_JOURNAL_EXPORT;
	while ((nl = memchr(s, '\n', (size_t)(end - s))) && end - s >= 3 && !memcmp(s, "-- ", 3))
		s = nl + 1;
	nl = memchr(s, '\n', (size_t)(end - s));
	return nl && pb_jfields_verbose_head(s, (size_t)(nl - s)) ? PB_WRAP_JOURNAL_VERBOSE
								 : PB_WRAP_NONE;
}

enum pb_wrapper pb_detect_wrapper(const char *p, size_t n)
{
	const char *end = p + n, *s = skip_space(p, end);
	size_t left = (size_t)(end - s);
	enum pb_wrapper utf16 = utf16_kind((const unsigned char *)p, n);

	if (utf16 != PB_WRAP_NONE)
		return utf16;

	if (journal_fields(s, left) != PB_WRAP_NONE)
		return journal_fields(s, left);
	if (left >= 14 && !strncasecmp(s, "<!DOCTYPE html", 14))
		return PB_WRAP_HTML;
	if (left >= 5 && !strncasecmp(s, "<html", 5))
		return PB_WRAP_HTML;
	if (!left || *s != '{')
		return PB_WRAP_NONE;
	/* journalctl -o json (or json-pretty, json-seq): each entry opens with
	 * the journal's cursor */
	if (memmem(s, left < 256 ? left : 256, "\"__CURSOR\"", 10))
		return PB_WRAP_JOURNAL;
	/* util-linux's dmesg --json: {"dmesg": [ */
	s = skip_space(s + 1, end);
	if (end - s >= 7 && !memcmp(s, "\"dmesg\"", 7))
		return PB_WRAP_DMESG;
	return PB_WRAP_JSON;
}

int pb_wrapper_undecided(const char *p, size_t n)
{
	const char *end = p + n, *s = skip_space(p, end);
	size_t left = (size_t)(end - s);

	/* a UTF-8 BOM cut short, or what may be UTF-16 without a BOM */
	if (n < 3 && !memcmp(p, "\xef\xbb\xbf", n))
		return 1;
	if (n < 2 || (n < UTF16_LOOK && (unsigned char)p[0] != 0xff &&
		      (unsigned char)p[0] != 0xfe &&
		      utf16_kind((const unsigned char *)p, n) != PB_WRAP_NONE))
		return 1;

	if (!left)
		return n < 256;
	/* a journal printed one field a line is told by its first line(s) */
	if (!memchr(s, '\n', left) && left < 512)
		return 1;
	if (*s == '<')
		return left < 14 && (!strncasecmp(s, "<!DOCTYPE html", left) ||
				     !strncasecmp(s, "<html", left < 5 ? left : 5));
	return *s == '{' && left < 32;
}

struct pb_unwrap *pb_unwrap_new(enum pb_wrapper w)
{
	struct pb_unwrap *u = pb_calloc(1, sizeof(*u));

	u->kind = w;
	if (w == PB_WRAP_JSON || w == PB_WRAP_JOURNAL || w == PB_WRAP_DMESG) {
		u->json.kind = w;
		u->json.journal = w != PB_WRAP_JSON;
		/* a dmesg entry is an object in the array of the top object */
		u->json.entry_depth = w == PB_WRAP_DMESG ? 3 : 1;
		u->json.target = u->json.emitting = FIELD_NONE;
		for (int f = kind_fields[w][0]; u->json.journal && f <= kind_fields[w][1]; f++)
			u->json.value[f].data = pb_malloc(field_max((enum json_field)f) +
							  PB_UNWRAP_SLACK);
	}
	if (w == PB_WRAP_UTF16LE || w == PB_WRAP_UTF16BE)
		u->utf16.big_endian = w == PB_WRAP_UTF16BE;
	if (w == PB_WRAP_JOURNAL_EXPORT || w == PB_WRAP_JOURNAL_VERBOSE)
		pb_jfields_init(&u->fields, w == PB_WRAP_JOURNAL_VERBOSE);
	return u;
}

void pb_unwrap_free(struct pb_unwrap *u)
{
	if (!u)
		return;
	if (u->kind == PB_WRAP_JOURNAL || u->kind == PB_WRAP_DMESG) {
		for (int f = 0; f < NFIELDS; f++)
			free(u->json.value[f].data);
		pb_buf_free(&u->json.pending);
	}
	if (u->kind == PB_WRAP_JOURNAL_EXPORT || u->kind == PB_WRAP_JOURNAL_VERBOSE)
		pb_jfields_free(&u->fields);
	free(u);
}

/* One byte of a trace-data block: held back while it may begin
 * "</script>", written to *OUT (unless OUT is NULL: a block skipped) once
 * it cannot. Returns 1 at the end of the block. */
static int html_block_byte(struct html *h, char c, char **out)
{
	if (c == html_close[h->matched]) {
		if (++h->matched < sizeof(html_close) - 1)
			return 0;
		h->matched = 0;
		return 1;
	}
	if (h->matched && out) {
		memcpy(*out, html_close, h->matched);
		*out += h->matched;
	}
	/* '<' does not recur in html_close: it is the only restart */
	h->matched = c == '<';
	if (!h->matched && out)
		*(*out)++ = c;
	return 0;
}

/* Matches C against html_open and js_open at once, outside any block. */
static void html_seek_byte(struct html *h, char c)
{
	if (c == html_open[h->matched]) {
		if (++h->matched == sizeof(html_open) - 1) {
			h->matched = h->js_matched = 0;
			h->state = HTML_TAG;
			return;
		}
	} else {
		h->matched = c == '<';
	}
	if (c == js_open[h->js_matched]) {
		if (++h->js_matched == sizeof(js_open) - 1) {
			h->matched = h->js_matched = 0;
			h->state = HTML_JS;
		}
	} else {
		/* 'v' does not recur in js_open: it is the only restart */
		h->js_matched = c == 'v';
	}
}

/* One byte of the linuxPerfData string, its escapes undone: "\n" is a
 * newline, a backslash before a line end continues the line, "\t" is a
 * tab, any other escaped character stands for itself. */
static void html_js_byte(struct html *h, char c, char **out)
{
	if (h->state == HTML_JS_ESCAPE) {
		h->state = HTML_JS;
		if (c == 'n')
			*(*out)++ = '\n';
		else if (c == 't')
			*(*out)++ = '\t';
		else if (c != '\n' && c != '\r')
			*(*out)++ = c;
		return;
	}
	if (c == '\\')
		h->state = HTML_JS_ESCAPE;
	else if (c == '"')
		h->state = HTML_SEEK;
	else
		*(*out)++ = c;
}

static size_t html_run(struct html *h, const char *src, size_t *n, char *dst, size_t cap)
{
	char *out = dst;
	size_t i;

	for (i = 0; i < *n && cap - (size_t)(out - dst) >= PB_UNWRAP_SLACK; i++) {
		char c = src[i];

		switch (h->state) {
		case HTML_SEEK:
			html_seek_byte(h, c);
			break;
		case HTML_JS:
		case HTML_JS_ESCAPE:
			html_js_byte(h, c, &out);
			break;
		case HTML_TAG:
			if (c == '>')
				h->state = HTML_START;
			break;
		case HTML_START:
			if (is_space(c))
				break;
			h->state = c == '{' || c == '[' ? HTML_SKIP : HTML_EMIT;
			/* fall through */
		case HTML_EMIT:
		case HTML_SKIP:
			if (html_block_byte(h, c, h->state == HTML_EMIT ? &out : NULL))
				h->state = HTML_SEEK;
			break;
		}
	}
	*n = i;
	return (size_t)(out - dst);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static char *put_utf8(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		*out++ = (char)cp;
	} else if (cp < 0x800) {
		*out++ = (char)(0xc0 | cp >> 6);
		*out++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*out++ = (char)(0xe0 | cp >> 12);
		*out++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*out++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*out++ = (char)(0xf0 | cp >> 18);
		*out++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*out++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*out++ = (char)(0x80 | (cp & 0x3f));
	}
	return out;
}

/* A high surrogate that no low one followed stands for U+FFFD. */
static char *flush_high(struct json *j, char *out)
{
	if (!j->high)
		return out;
	j->high = 0;
	return put_utf8(out, 0xfffd);
}

static char *json_code_unit(struct json *j, uint32_t u, char *out)
{
	if (u >= 0xdc00 && u <= 0xdfff && j->high) {
		u = 0x10000 + ((j->high - 0xd800) << 10) + (u - 0xdc00);
		j->high = 0;
		return put_utf8(out, u);
	}
	out = flush_high(j, out);
	if (u >= 0xd800 && u <= 0xdbff) {
		j->high = u;
		return out;
	}
	return put_utf8(out, u >= 0xdc00 && u <= 0xdfff ? 0xfffd : u);
}

/* The escape in esc[] once it is complete. */
static char *json_escape(struct json *j, char *out)
{
	static const char simple[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
	uint32_t u = 0;

	if (j->esc[1] != 'u') {
		const char *s = memchr(simple, j->esc[1], sizeof(simple) - 1);

		j->esc_len = 0;
		out = flush_high(j, out);
		/* an escape JSON does not have: kept as written */
		if (!s || (s - simple) % 2) {
			*out++ = '\\';
			*out++ = j->esc[1];
			return out;
		}
		*out++ = s[1];
		return out;
	}
	if (j->esc_len < 6)
		return out;
	j->esc_len = 0;
	for (int i = 2; i < 6; i++) {
		int v = hex_value(j->esc[i]);

		if (v < 0)
			return put_utf8(flush_high(j, out), 0xfffd);
		u = u << 4 | (uint32_t)v;
	}
	return json_code_unit(j, u, out);
}

/* Decodes the string value being taken from src[*i] into out, up to END;
 * returns where the output ends. Stops after its closing quote. */
static char *json_emit(struct json *j, const char *src, size_t n, size_t *i, char *out,
		       const char *end)
{
	while (*i < n && end - out >= PB_UNWRAP_SLACK) {
		char c = src[(*i)++];

		if (j->esc_len) {
			j->esc[j->esc_len++] = c;
			out = json_escape(j, out);
		} else if (c == '\\') {
			j->esc[0] = c;
			j->esc_len = 1;
		} else if (c == '"') {
			j->emitting = FIELD_NONE;
			return flush_high(j, out);
		} else {
			/* the plain run from c on, copied at once */
			const char *run = src + *i - 1;
			size_t len = 1;

			while (*i < n && src[*i] != '\\' && src[*i] != '"' &&
			       len < (size_t)(end - out) - PB_UNWRAP_SLACK) {
				(*i)++;
				len++;
			}
			out = flush_high(j, out);
			memcpy(out, run, len);
			out += len;
		}
	}
	return out;
}

/* A gathered field's value from src[*i]: what does not fit is dropped, the
 * string then read on as one that is skipped. */
static void json_gather(struct json *j, const char *src, size_t n, size_t *i)
{
	struct field_value *v = &j->value[j->emitting];
	size_t max = field_max(j->emitting);
	char *out = json_emit(j, src, n, i, v->data + v->len, v->data + max + PB_UNWRAP_SLACK);

	v->len = (size_t)(out - v->data);
	if (j->emitting != FIELD_NONE && v->len > max) {
		j->emitting = FIELD_NONE;
		j->in_string = true;
		/* inside an escape: its backslash is read, the rest is plain */
		j->escaped = j->esc_len == 1;
		j->esc_len = 0;
	}
}

static enum json_field field_of(const struct json *j)
{
	for (int f = kind_fields[j->kind][0]; f <= kind_fields[j->kind][1]; f++)
		if (j->key_len == strlen(field_names[f]) &&
		    !memcmp(j->key, field_names[f], j->key_len))
			return (enum json_field)f;
	return FIELD_NONE;
}

/* "41611800" microseconds as printk prints it, "[   41.611800] ". */
static void printk_time(struct pb_buf *out, const struct field_value *us)
{
	uint64_t v;

	if (!us->len || pb_parse_u64(us->data, us->len, &v) < 0)
		return;
	pb_buf_addf(out, "[%5llu.%06llu] ", (unsigned long long)(v / 1000000),
		    (unsigned long long)(v % 1000000));
}

/* The end of a journal entry: a kernel message becomes a printk line. */
static void journal_entry(struct json *j)
{
	const struct field_value *transport = &j->value[FIELD_TRANSPORT];
	bool kernel = !transport->len ||
		      (transport->len == 6 && !memcmp(transport->data, "kernel", 6));

	if (kernel && j->value[FIELD_MESSAGE].len) {
		printk_time(&j->pending, j->value[FIELD_SOURCE_TIME].len ?
					 &j->value[FIELD_SOURCE_TIME] : &j->value[FIELD_TIME]);
		pb_buf_add(&j->pending, j->value[FIELD_MESSAGE].data, j->value[FIELD_MESSAGE].len);
		pb_buf_addc(&j->pending, '\n');
	}
	for (int f = 0; f < NFIELDS; f++)
		j->value[f].len = 0;
}

/* The end of a dmesg --json entry: the line dmesg prints, "[time] " (the
 * printk time as a number of seconds), the caller id "[T123] " when the
 * kernel keeps them, the message. */
static void dmesg_entry(struct json *j)
{
	const struct field_value *time = &j->value[FIELD_DMESG_TIME];
	const struct field_value *caller = &j->value[FIELD_DMESG_CALLER];

	if (j->value[FIELD_DMESG_MSG].len) {
		if (time->len) {
			pb_buf_addc(&j->pending, '[');
			pb_buf_add(&j->pending, time->data, time->len);
			pb_buf_add(&j->pending, "] ", 2);
		}
		if (caller->len) {
			pb_buf_addc(&j->pending, '[');
			pb_buf_add(&j->pending, caller->data, caller->len);
			pb_buf_add(&j->pending, "] ", 2);
		}
		pb_buf_add(&j->pending, j->value[FIELD_DMESG_MSG].data,
			   j->value[FIELD_DMESG_MSG].len);
		pb_buf_addc(&j->pending, '\n');
	}
	for (int f = 0; f < NFIELDS; f++)
		j->value[f].len = 0;
}

/* A character of a number that is a field's value (dmesg's "time"). */
static bool number_byte(struct json *j, char c)
{
	struct field_value *v;

	if (j->target != FIELD_DMESG_TIME || !((c >= '0' && c <= '9') || c == '.'))
		return false;
	v = &j->value[FIELD_DMESG_TIME];
	if (v->len < SHORT_MAX)
		v->data[v->len++] = c;
	return true;
}

/* journalctl writes a MESSAGE with bytes that are not UTF-8 text as an
 * array of numbers, "MESSAGE":[112,97,103,101,...]: one byte of it. */
static void message_byte(struct json *j, char c)
{
	struct field_value *v = &j->value[FIELD_MESSAGE];

	if (c >= '0' && c <= '9') {
		j->byte = j->byte * 10 + (c - '0');
		j->byte_digits += j->byte_digits < 4;
		if (j->byte > 999)
			j->byte = 999;
		return;
	}
	if (c == '-') {		/* not a byte: read on as one too large */
		j->byte = 999;
		return;
	}
	if (c != ',' && c != ']')
		return;
	if (j->byte_digits && j->byte < 256 && v->len < MESSAGE_MAX)
		v->data[v->len++] = (char)j->byte;
	j->byte = j->byte_digits = 0;
	if (c == ']') {
		j->in_bytes = false;
		j->depth--;
	}
}

/* The closing quote of a string read through. */
static void json_string_end(struct json *j)
{
	j->in_string = false;
	if (j->key_string) {
		j->key_string = false;
		j->want_key = false;
		j->target = field_of(j);
	}
}

/* One byte of the JSON around the strings taken. */
static void json_skip_byte(struct json *j, char c)
{
	if (j->in_bytes) {
		message_byte(j, c);
		return;
	}
	if (j->in_string) {
		if (j->escaped) {
			j->escaped = false;
		} else if (c == '\\') {
			j->escaped = true;
		} else if (c == '"') {
			json_string_end(j);
			return;
		}
		/* a key longer than KEY_MAX is none of ours: its length says so */
		if (j->key_string && j->key_len <= KEY_MAX) {
			if (j->key_len < KEY_MAX)
				j->key[j->key_len] = c;
			j->key_len++;
		}
		return;
	}
	switch (c) {
	case '"':
		if (j->depth == j->entry_depth && j->target != FIELD_NONE) {
			j->emitting = j->target;
			j->target = FIELD_NONE;
			break;
		}
		j->in_string = true;
		if (j->depth == j->entry_depth && j->want_key) {
			j->key_string = true;
			j->key_len = 0;
		}
		break;
	case '{':
	case '[':
		if (++j->depth == j->entry_depth)
			j->want_key = c == '{';
		j->in_bytes = c == '[' && j->depth == j->entry_depth + 1 &&
			      j->target == FIELD_MESSAGE;
		j->target = FIELD_NONE;
		break;
	case '}':
	case ']':
		if (--j->depth == j->entry_depth - 1 && j->journal) {
			if (j->kind == PB_WRAP_DMESG)
				dmesg_entry(j);
			else
				journal_entry(j);
		}
		j->target = FIELD_NONE;
		break;
	case ',':
		if (j->depth == j->entry_depth)
			j->want_key = true;
		j->target = FIELD_NONE;
		break;
	default:
		/* a number, true, false or null: not a string, but for a
		 * number taken as it is written */
		if (c != ':' && !is_space(c) && !number_byte(j, c))
			j->target = FIELD_NONE;
		break;
	}
}

char *pb_unwrap_drain(struct pb_buf *pending, size_t *pos, char *out, const char *end)
{
	size_t n = pending->len - *pos;

	if (n > (size_t)(end - out))
		n = (size_t)(end - out);
	memcpy(out, pending->data + *pos, n);
	*pos += n;
	if (*pos == pending->len)
		pending->len = *pos = 0;
	return out + n;
}

static size_t json_run(struct json *j, const char *src, size_t *n, char *dst, size_t cap)
{
	char *out = dst, *end = dst + cap;
	size_t i = 0;

	for (;;) {
		if (j->pending.len)
			out = pb_unwrap_drain(&j->pending, &j->pending_pos, out, end);
		if (i == *n || end - out < PB_UNWRAP_SLACK || j->pending.len)
			break;
		if (j->emitting == FIELD_TRACE)
			out = json_emit(j, src, *n, &i, out, end);
		else if (j->emitting != FIELD_NONE)
			json_gather(j, src, *n, &i);
		else
			json_skip_byte(j, src[i++]);
	}
	*n = i;
	return (size_t)(out - dst);
}

/* One UTF-16 code unit as UTF-8: a BOM at the start is dropped, a
 * surrogate without its other half is U+FFFD. At most 7 bytes. */
static char *utf16_unit(struct utf16 *u, uint32_t unit, char *out)
{
	bool low = unit >= 0xdc00 && unit <= 0xdfff;

	if (low && u->high) {
		unit = 0x10000 + ((u->high - 0xd800) << 10) + (unit - 0xdc00);
		u->high = 0;
		return put_utf8(out, unit);
	}
	if (u->high)
		out = put_utf8(out, 0xfffd);
	u->high = 0;
	if (unit >= 0xd800 && unit <= 0xdbff) {
		u->high = unit;
		return out;
	}
	if (unit == 0xfeff && !u->started) {
		u->started = true;
		return out;
	}
	u->started = true;
	return put_utf8(out, low ? 0xfffd : unit);
}

/* SRC[0..*n) of UTF-16 as UTF-8 into DST; *n becomes the bytes read. At
 * the end (N 0) a half character left over is U+FFFD. */
static size_t utf16_run(struct utf16 *u, const unsigned char *src, size_t *n, char *dst,
			size_t cap)
{
	char *out = dst, *end = dst + cap;
	size_t i = 0;

	if (!*n && (u->have_byte || u->high) && cap >= PB_UNWRAP_SLACK) {
		u->have_byte = false;
		u->high = 0;
		return (size_t)(put_utf8(out, 0xfffd) - dst);
	}
	while (i < *n && end - out >= PB_UNWRAP_SLACK) {
		if (!u->have_byte) {
			u->byte = src[i++];
			u->have_byte = true;
			continue;
		}
		u->have_byte = false;
		out = utf16_unit(u, u->big_endian ? (uint32_t)u->byte << 8 | src[i]
						  : (uint32_t)src[i] << 8 | u->byte, out);
		i++;
	}
	*n = i;
	return (size_t)(out - dst);
}

size_t pb_unwrap_run(struct pb_unwrap *u, const char *src, size_t n, size_t *used,
		     char *dst, size_t cap)
{
	size_t out = 0;

	*used = n;
	switch (u->kind) {
	case PB_WRAP_HTML:
		out = html_run(&u->html, src, used, dst, cap);
		break;
	case PB_WRAP_JSON:
	case PB_WRAP_JOURNAL:
	case PB_WRAP_DMESG:
		out = json_run(&u->json, src, used, dst, cap);
		break;
	case PB_WRAP_UTF16LE:
	case PB_WRAP_UTF16BE:
		out = utf16_run(&u->utf16, (const unsigned char *)src, used, dst, cap);
		break;
	case PB_WRAP_JOURNAL_EXPORT:
	case PB_WRAP_JOURNAL_VERBOSE:
		out = pb_jfields_run(&u->fields, src, used, dst, cap);
		break;
	case PB_WRAP_NONE:
		out = *used = n < cap ? n : cap;
		memcpy(dst, src, out);
		break;
	}
	u->emitted += out;
	return out;
}

const char *pb_unwrap_end(const struct pb_unwrap *u)
{
	if (u->emitted)
		return NULL;
	switch (u->kind) {
	case PB_WRAP_HTML:
		return "an HTML page without a systrace trace-data block";
	case PB_WRAP_JSON:
		return "a JSON trace without \"systemTraceEvents\" text";
	case PB_WRAP_JOURNAL:
		return "a journal export (journalctl -o json) without kernel messages";
	case PB_WRAP_DMESG:
		return "a dmesg --json output without messages";
	case PB_WRAP_JOURNAL_EXPORT:
		return "a journal export (journalctl -o export) without kernel messages";
	case PB_WRAP_JOURNAL_VERBOSE:
		return "a journal (journalctl -o verbose) without kernel messages";
	case PB_WRAP_UTF16LE:
	case PB_WRAP_UTF16BE:
	case PB_WRAP_NONE:
		break;
	}
	return NULL;
}
