/* kmsg_prefix.c - what kernel log lines carry before the message: syslog
 * levels, /dev/kmsg records, dmesg -x facilities, journal and syslog hosts,
 * dmesg's times, printk caller ids and the vendor kernels' task prefixes. */
#include <string.h>

#include "kmsg_int.h"
#include "text.h"

static int is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

/* --- other prefixes ------------------------------------------------------ */

/* "<4>": the console log level (dmesg -r). */
static size_t level_prefix(const char *s, size_t n)
{
	size_t i = 1;

	if (n < 3 || s[0] != '<')
		return 0;
	while (i < n && i < 5 && pb_is_digit(s[i]))
		i++;
	return i > 1 && i < n && s[i] == '>' ? i + 1 : 0;
}

/* /dev/kmsg: "6,339,5140900,-;" (level, sequence, microseconds since boot,
 * flags). */
static size_t devkmsg_prefix(const char *s, size_t n, int64_t *ts)
{
	size_t i, commas = 0, ndigits = 0;
	uint64_t us = 0;

	for (i = 0; i < n && i < 48 && s[i] != ';'; i++) {
		if (s[i] == ',') {
			commas++;
		} else if (commas < 3 && !pb_is_digit(s[i])) {
			return 0;
		} else if (commas == 2) {
			us = us * 10 + (uint64_t)(s[i] - '0');
			ndigits++;
		}
	}
	if (i == n || s[i] != ';' || commas < 3 || !ndigits || ndigits > 15)
		return 0;
	*ts = (int64_t)(us * 1000);
	return i + 1;
}

/* dmesg -x: "kern  :warn  : ". */
static size_t facility_prefix(const char *s, size_t n)
{
	size_t i = 0;

	for (int part = 0; part < 2; part++) {
		size_t start = i;

		while (i < n && is_lower(s[i]))
			i++;
		if (i == start)
			return 0;
		while (i < n && s[i] == ' ')
			i++;
		if (i == n || s[i] != ':')
			return 0;
		i++;
	}
	return i < n && s[i] == ' ' ? i + 1 : 0;
}

/* "host kernel: " after a journal date; *KERNEL is cleared for lines of
 * other programs ("host systemd[1]: "). */
static size_t journal_host(const char *s, size_t n, int *kernel)
{
	const char *sp = memchr(s, ' ', n);
	size_t i, k;

	if (!sp)
		return 0;
	i = sp - s + 1;
	k = dump_prefix(s + i, n - i, "kernel: ");
	if (!k) {
		*kernel = 0;
		return 0;
	}
	return i + k;
}

/* CONFIG_PRINTK_CALLER: "[  T123]" or "[ C1]". */
static size_t caller_prefix(const char *s, size_t n)
{
	size_t i = 1;

	if (n < 4 || s[0] != '[')
		return 0;
	while (i < n && s[i] == ' ')
		i++;
	if (i == n || (s[i] != 'T' && s[i] != 'C'))
		return 0;
	i++;
	if (i == n || !pb_is_digit(s[i]))
		return 0;
	while (i < n && pb_is_digit(s[i]))
		i++;
	return i < n && s[i] == ']' ? i + 1 : 0;
}

/* Android vendor kernels: "[2:   Binder:714_1:  744] " (cpu: comm: pid). */
static size_t android_prefix(const char *s, size_t n)
{
	const char *end;
	size_t i = 1, j;

	if (n < 8 || s[0] != '[' || !pb_is_digit(s[1]))
		return 0;
	while (i < n && pb_is_digit(s[i]))
		i++;
	if (i == n || s[i] != ':')
		return 0;
	end = memchr(s, ']', n < 48 ? n : 48);
	if (!end || (size_t)(end - s) + 1 >= n || end[1] != ' ')
		return 0;
	j = end - s;
	if (!pb_is_digit(s[j - 1]))
		return 0;
	while (j > i && pb_is_digit(s[j - 1]))
		j--;
	while (j > i && s[j - 1] == ' ')
		j--;
	return j > i + 1 && s[j - 1] == ':' ? (size_t)(end - s) + 2 : 0;
}

/* The bracketed time and what follows it: a caller id, and (journalctl -o
 * short-monotonic, short-delta: "[  1.23] host kernel: ") when no date
 * came first, the host. */
static size_t stamp_part(struct ktime *t, const char *s, size_t n, int dated,
			 struct stamps *st)
{
	size_t i = kmsg_bracket_stamp(t, s, n, st);

	if (!i)
		return 0;
	if (i < n && s[i] == ' ' && caller_prefix(s + i + 1, n - i - 1))
		i++;
	i += caller_prefix(s + i, n - i);
	if (i < n && s[i] == ' ')
		i++;
	if (!dated) {
		int kernel = 1;

		i += journal_host(s + i, n - i, &kernel);
	}
	return i;
}

void kmsg_strip_prefix(struct ktime *t, const char *s, size_t n, struct kline *l,
			 struct stamps *st)
{
	size_t i = 0, d;
	int journal = 0;

	*st = (struct stamps){ .boot = -1, .wall = -1, .delta = -1, .delta_of = CLOCK_UNSET };
	l->kernel = 1;
	i += level_prefix(s, n);
	i += devkmsg_prefix(s + i, n - i, &st->boot);
	i += facility_prefix(s + i, n - i);
	d = kmsg_date_prefix(t, s + i, n - i, &st->wall, &journal);
	i += d;
	if (journal)
		i += journal_host(s + i, n - i, &l->kernel);
	i += stamp_part(t, s + i, n - i, d != 0, st);
	i += android_prefix(s + i, n - i);
	l->text = s + i;
	l->len = dump_rtrim(s + i, n - i);
}
