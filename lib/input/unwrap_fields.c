/* unwrap_fields.c - the kernel log inside a journal printed one field a
 * line: `journalctl -o export` and `journalctl -o verbose`.
 *
 * systemd's output_export() (src/shared/logs-show.c) writes each entry as
 * "__CURSOR=...", "__REALTIME_TIMESTAMP=%llu", "__MONOTONIC_TIMESTAMP=%llu",
 * "__SEQNUM=", "__SEQNUM_ID=", "_BOOT_ID=" lines, then every field as
 * "KEY=value\n" when the value is printable (tabs too, no newline), else as
 * "KEY\n", its length as a little-endian u64, the bytes and "\n"; a blank
 * line ends the entry. output_verbose() writes a head, "%s [%s]\n" (the
 * time, then the cursor "s=..;i=..;b=..;m=%llx;t=..;x=.."), then every
 * field as "    KEY=value\n" (a value's further lines indented past the
 * '='), or "    KEY=[%s blob data]\n" for bytes that are not text; the next
 * head ends the entry. A kernel entry (_TRANSPORT=kernel) becomes the line
 * dmesg would print, "[   41.611800] MESSAGE", at the printk time
 * (_SOURCE_MONOTONIC_TIMESTAMP), else the journal's (__MONOTONIC_TIMESTAMP,
 * or the cursor's m=, hex), as unwrap.c does for `-o json`.
 *
 * Fed one buffer at a time: a line is gathered up to FIELD_LINE_MAX bytes
 * (the rest of a longer one dropped), a binary value's length and bytes
 * are counted through, so memory stays bounded.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pinblame/core.h"
#include "unwrap.h"

enum { JF_TIME, JF_JOURNAL_TIME, JF_TRANSPORT, JF_MESSAGE, JF_N };

static const char *const jf_keys[JF_N] = {
	"_SOURCE_MONOTONIC_TIMESTAMP", "__MONOTONIC_TIMESTAMP", "_TRANSPORT", "MESSAGE",
};

void pb_jfields_init(struct pb_jfields *f, bool verbose)
{
	memset(f, 0, sizeof(*f));
	f->verbose = verbose;
	f->line = pb_malloc(PB_FIELD_LINE_MAX);
}

void pb_jfields_free(struct pb_jfields *f)
{
	free(f->line);
	pb_buf_free(&f->pending);
	pb_buf_free(&f->message);
}

/* The field of KEY[0..n) that an entry's line is kept for, or -1. */
static int field_of(const char *key, size_t n)
{
	for (int i = 0; i < JF_N; i++)
		if (strlen(jf_keys[i]) == n && !memcmp(key, jf_keys[i], n))
			return i;
	return -1;
}

static void keep(struct pb_jfields *f, int field, const char *v, size_t n)
{
	if (field == JF_MESSAGE) {
		pb_buf_reset(&f->message);
		pb_buf_add(&f->message, v, n);
		f->has_message = true;
		return;
	}
	if (n >= sizeof(f->value[0]))
		n = sizeof(f->value[0]) - 1;
	memcpy(f->value[field], v, n);
	f->value[field][n] = '\0';
}

/* The end of an entry: a kernel message becomes a printk line. */
static void entry_end(struct pb_jfields *f)
{
	const char *transport = f->value[JF_TRANSPORT];
	const char *us = f->value[JF_TIME][0] ? f->value[JF_TIME] : f->value[JF_JOURNAL_TIME];
	uint64_t v;

	if (f->has_message && (!transport[0] || !strcmp(transport, "kernel"))) {
		if (us[0] && pb_parse_u64(us, strlen(us), &v) == 0)
			pb_buf_addf(&f->pending, "[%5llu.%06llu] ",
				    (unsigned long long)(v / 1000000),
				    (unsigned long long)(v % 1000000));
		pb_buf_add(&f->pending, f->message.data, f->message.len);
		pb_buf_addc(&f->pending, '\n');
		f->emitted = true;
	}
	memset(f->value, 0, sizeof(f->value));
	f->has_message = false;
}

/* The cursor's "m=" (the journal's monotonic time, hex) of a verbose head
 * S[0..n), as a decimal count of microseconds. */
static void cursor_time(struct pb_jfields *f, const char *s, size_t n)
{
	const char *m = memmem(s, n, ";m=", 3);
	const char *end = s + n;
	uint64_t v;
	size_t k = 0;

	if (!m)
		return;
	m += 3;
	while (m + k < end && m[k] != ';' && m[k] != ']')
		k++;
	if (pb_parse_hex(m, k, &v) == 0)
		snprintf(f->value[JF_JOURNAL_TIME], sizeof(f->value[0]), "%llu",
			 (unsigned long long)v);
}

/* Whether S[0..n) is a verbose entry's head: "<time> [s=...;i=...]" (an
 * ANSI colour around its parts when journalctl wrote to a terminal is not
 * looked at: the cursor is found by its text). */
bool pb_jfields_verbose_head(const char *s, size_t n)
{
	const char *c = memmem(s, n, " [s=", 4);

	while (n && (s[n - 1] == '\r' || s[n - 1] == ' '))
		n--;
	return n && s[0] != ' ' && c && memmem(c, (size_t)(s + n - c), ";i=", 3) &&
	       memmem(c, (size_t)(s + n - c), ";b=", 3) &&
	       (s[n - 1] == ']' || memmem(c, (size_t)(s + n - c), "]\x1b[", 3));
}

static void verbose_line(struct pb_jfields *f, const char *s, size_t n)
{
	const char *eq;
	int field;

	if (n >= 4 && !memcmp(s, "    ", 4) && s[4] != ' ') {
		if (!f->in_entry || !(eq = memchr(s + 4, '=', n - 4)))
			return;
		field = field_of(s + 4, (size_t)(eq - s - 4));
		/* "[12B blob data]": bytes that were no text, not the message */
		if (field >= 0 && !(field == JF_MESSAGE && n > 2 && eq[1] == '[' &&
				    s[n - 1] == ']' && memmem(eq, (size_t)(s + n - eq), " blob data]", 11)))
			keep(f, field, eq + 1, (size_t)(s + n - eq - 1));
		return;
	}
	if (!pb_jfields_verbose_head(s, n))
		return;		/* a value's further line, "-- Boot ... --", ... */
	if (f->in_entry)
		entry_end(f);
	f->in_entry = true;
	cursor_time(f, s, n);
}

static void export_line(struct pb_jfields *f, const char *s, size_t n)
{
	const char *eq = memchr(s, '=', n);
	int field;

	if (!n) {
		if (f->in_entry)
			entry_end(f);
		f->in_entry = false;
		return;
	}
	f->in_entry = true;
	if (!eq) {
		/* "KEY\n" then a binary value: its length next */
		f->binary_field = field_of(s, n);
		f->state = JF_STATE_LENGTH;
		f->length = 0;
		f->length_bytes = 0;
		return;
	}
	field = field_of(s, (size_t)(eq - s));
	if (field >= 0)
		keep(f, field, eq + 1, (size_t)(s + n - eq - 1));
}

static void end_line(struct pb_jfields *f)
{
	size_t n = f->line_len;

	if (n && f->line[n - 1] == '\r')
		n--;
	if (f->verbose)
		verbose_line(f, f->line, n);
	else
		export_line(f, f->line, n);
	f->line_len = 0;
}

/* One byte of a binary value's length, its bytes, or the newline after
 * them. */
static void binary_byte(struct pb_jfields *f, char c)
{
	if (f->state == JF_STATE_LENGTH) {
		f->length |= (uint64_t)(unsigned char)c << (8 * f->length_bytes);
		if (++f->length_bytes == 8) {
			f->state = f->length ? JF_STATE_DATA : JF_STATE_NEWLINE;
			if (f->binary_field == JF_MESSAGE) {
				pb_buf_reset(&f->message);
				f->has_message = true;
			}
		}
		return;
	}
	if (f->state == JF_STATE_DATA) {
		if (f->binary_field == JF_MESSAGE && f->message.len < PB_FIELD_LINE_MAX)
			pb_buf_addc(&f->message, c);
		if (--f->length == 0)
			f->state = JF_STATE_NEWLINE;
		return;
	}
	f->state = JF_STATE_LINE;	/* the newline after the bytes */
}

size_t pb_jfields_run(struct pb_jfields *f, const char *src, size_t *n, char *dst, size_t cap)
{
	char *out = dst, *end = dst + cap;
	size_t i = 0;

	if (!*n && !f->finished) {	/* the end: a last line, a last entry */
		f->finished = true;
		if (f->line_len)
			end_line(f);
		if (f->in_entry)
			entry_end(f);
		f->in_entry = false;
	}
	for (;;) {
		if (f->pending.len)
			out = pb_unwrap_drain(&f->pending, &f->pending_pos, out, end);
		if (i == *n || out == end || f->pending.len)
			break;
		if (f->state != JF_STATE_LINE) {
			binary_byte(f, src[i++]);
			continue;
		}
		const char *nl = memchr(src + i, '\n', *n - i);
		size_t take = (nl ? (size_t)(nl - src) : *n) - i;
		size_t room = PB_FIELD_LINE_MAX - f->line_len;

		memcpy(f->line + f->line_len, src + i, take < room ? take : room);
		f->line_len += take < room ? take : room;
		i += take;
		if (nl) {
			i++;
			end_line(f);
		}
	}
	*n = i;
	return (size_t)(out - dst);
}
