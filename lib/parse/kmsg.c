/* kmsg.c - kernel log parser (dmesg, dmesg -T/-x/-r, /dev/kmsg,
 * journalctl -k, serial console): dump_page() records with the page_owner
 * block after them, dump_stack() call traces, and the one-line migration
 * and CMA failure messages. A kernel log is mostly unrelated text, so every
 * other line is simply not an event; only records that start and then break
 * off are bad lines.
 *
 * Record times. The printk time (ns since boot) is the clock that traces
 * share, so it is taken whenever a line prints it, also behind a date
 * (syslog's "Nov 25 10:00:44 host kernel: [  109.600000] ..."). Logs that
 * print only a date (dmesg -T and --time-format iso, journalctl -o short,
 * short-precise, short-iso, short-full, short-unix) keep it as ns since the
 * epoch: in UTC when the line gives the offset, else the local time as
 * printed, and the parser meta "clock" is "realtime": the store keeps it
 * (sources.clock) and the analysis then compares these times with no other
 * source's (boot linking, failure windows, holder lifetimes). Dates
 * without a year (syslog,
 * journalctl -o short, dmesg -H's "[Nov25 14:55]") are taken in
 * YEARLESS_BASE, and in the next year after December turns into January.
 * dmesg -H, -e and --time-format reltime print "[  +0.000022]", the time
 * since the line before, and instead the date to the minute when the minute
 * changes: those lines count on from that minute, so their times are off by
 * the seconds that the minute line leaves out (under a minute).
 * --time-format delta ("[<    0.000022>]") says nothing more: its times
 * count from its first line, "clock" is "relative". The first line with a
 * time decides the clock of the file; lines without a time on that clock
 * get none (-1), so that one file never mixes two. dmesg --color's SGR
 * escapes are dropped before a line is read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump.h"
#include "text.h"

/* A dump_page() record spans a dozen lines; lines of other CPUs may land
 * in between, but this many unknown ones mean the dump was cut off. */
#define DUMP_UNKNOWN_MAX 16
/* dump_stack() prints "CPU: N PID: N Comm: X" a few lines before its call
 * trace ("Hardware name:", x86 registers); farther away it is not ours. */
#define TASK_LINE_REACH 32
/* The year of dates printed without one (a leap year: Feb 29 is a date). */
#define YEARLESS_BASE 2000
/* Dates later than this are not read: ns since the epoch overflow in 2262. */
#define YEAR_MAX 2200
#define NS_PER_SEC 1000000000LL

struct kline {
	const char *text;	/* the message, prefixes removed */
	size_t len;
	int64_t ts_ns;		/* on the file's clock, -1 when the line has none */
	uint64_t lineno;
	int kernel;		/* 0: journal line of another program */
};

/* The clocks a kernel log's times can be on. */
enum kclock { CLOCK_UNSET, CLOCK_BOOT, CLOCK_WALL, CLOCK_RELATIVE };

/* What a line's prefixes say of its time; -1 for what they do not say. */
struct stamps {
	int64_t boot;		/* printk time: ns since boot */
	int64_t wall;		/* a date: ns since the epoch */
	int64_t delta;		/* dmesg's time since the line before */
	enum kclock delta_of;	/* the clock that delta counts on */
};

/* The file's clock, and what times on it need from the lines before. */
struct ktime {
	enum kclock clock;
	uint64_t line;		/* the line timed last */
	int64_t before, at;	/* the time before that line's; its own */
	int year, month;	/* dates without a year: the year, the last month */
};

struct kmsg {
	struct pb_parser *p;
	struct dump_rec rec;
	struct pb_buf head;	/* first line of the record being read */
	struct pb_buf plain;	/* the line without its colour escapes */
	struct pb_buf task_comm;
	int32_t task_cpu, task_pid;
	uint64_t task_line;	/* 0: no "CPU: ... PID: ..." line pending */
	int have_banner;	/* kernel release known from "Linux version" */
	struct ktime time;
};

static const char *const months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static const char *const weekdays[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

static int is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

/* --- dates ------------------------------------------------------------- */

/* A date as printed (mon 0-11; year 0 when it is not printed). */
struct kdate {
	int year, mon, mday, hour, min, sec;
	int64_t frac_ns;
	int64_t utc_offset;	/* seconds east of UTC */
};

/* The N digits at S as a number, -1 when one is not a digit. */
static int digits(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (!pb_is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Index in NAMES of the three letters at S, -1 when none. */
static int name3(const char *s, const char *const *names, int count)
{
	for (int i = 0; i < count; i++)
		if (!memcmp(s, names[i], 3))
			return i;
	return -1;
}

static int month(const char *s)
{
	return name3(s, months, (int)PB_ARRAY_SIZE(months));
}

static int weekday(const char *s)
{
	return name3(s, weekdays, (int)PB_ARRAY_SIZE(weekdays));
}

/* "25" or " 5" (dmesg -T and syslog pad the day with a blank). */
static int mday(const char *s)
{
	return s[0] == ' ' ? digits(s + 1, 1) : digits(s, 2);
}

/* "10:00:44", or "10:00" without SECONDS. Returns the length, 0 if none. */
static size_t clock_time(const char *s, size_t n, int seconds, struct kdate *d)
{
	size_t len = seconds ? 8 : 5;

	if (n < len || s[2] != ':' || (seconds && s[5] != ':'))
		return 0;
	d->hour = digits(s, 2);
	d->min = digits(s + 3, 2);
	d->sec = seconds ? digits(s + 6, 2) : 0;
	if (d->hour < 0 || d->hour > 23 || d->min < 0 || d->min > 59 || d->sec < 0 || d->sec > 60)
		return 0;
	return len;
}

/* ".600000" or ",558144" after the seconds. Returns the length, 0 if none. */
static size_t fraction(const char *s, size_t n, int64_t *ns)
{
	int64_t scale = NS_PER_SEC / 10;
	size_t i = 1;

	if (n < 2 || (s[0] != '.' && s[0] != ',') || !pb_is_digit(s[1]))
		return 0;
	for (*ns = 0; i < n && pb_is_digit(s[i]); i++, scale /= 10)
		*ns += (s[i] - '0') * scale;
	return i;
}

/* "2025-11-25". Returns the length, 0 if none. */
static size_t ymd(const char *s, size_t n, struct kdate *d)
{
	if (n < 10 || s[4] != '-' || s[7] != '-')
		return 0;
	d->year = digits(s, 4);
	d->mon = digits(s + 5, 2) - 1;
	d->mday = digits(s + 8, 2);
	return d->year > 0 && d->mon >= 0 && d->mon < 12 && d->mday > 0 ? 10 : 0;
}

/* "+01:00", "+0100" or "Z". Returns the length, 0 if none. */
static size_t utc_offset(const char *s, size_t n, int64_t *off)
{
	size_t m = 3;
	int hours, minutes;

	if (n && s[0] == 'Z')
		return 1;
	if (n < 5 || (s[0] != '+' && s[0] != '-'))
		return 0;
	m += s[3] == ':';
	hours = digits(s + 1, 2);
	minutes = n < m + 2 ? -1 : digits(s + m, 2);
	if (hours < 0 || minutes < 0)
		return 0;
	*off = (s[0] == '-' ? -1 : 1) * (int64_t)(hours * 3600 + minutes * 60);
	return m + 2;
}

/* Days from 1970-01-01 to Y-M-D (M 1-12, Y from 1970), of the proleptic
 * Gregorian calendar (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* D in ns since the epoch, -1 before 1970 or after YEAR_MAX. */
static int64_t date_ns(const struct kdate *d)
{
	int64_t s;

	if (d->year < 1970 || d->year > YEAR_MAX)
		return -1;
	s = days_from_civil(d->year, d->mon + 1, d->mday) * 86400 + d->hour * 3600 +
	    d->min * 60 + d->sec - d->utc_offset;
	return s < 0 ? -1 : s * NS_PER_SEC + d->frac_ns;
}

/* D, printed without a year, on the year-less scale: a month far before
 * the last one (December, then January) begins the next year; a month
 * back is only a line out of order. Reading a line again changes nothing. */
static int64_t yearless_ns(struct ktime *t, struct kdate *d)
{
	if (t->month >= 0 && d->mon + 6 < t->month && t->year <= YEAR_MAX)
		t->year++;
	t->month = d->mon;
	d->year = t->year;
	return date_ns(d);
}

/* "2025-11-25T10:00:44+0100" (journalctl -o short-iso), with ".600000"
 * (-o short-iso-precise, rsyslog) or ",558144" (*COMMA: dmesg
 * --time-format iso). Returns the length with the blank after it. */
static size_t iso_date(const char *s, size_t n, struct kdate *d, int *comma)
{
	size_t i, k;

	*d = (struct kdate){ 0 };
	i = ymd(s, n, d);
	if (!i || i == n || s[i++] != 'T' || !(k = clock_time(s + i, n - i, 1, d)))
		return 0;
	i += k;
	*comma = i < n && s[i] == ',';
	i += fraction(s + i, n - i, &d->frac_ns);
	i += utc_offset(s + i, n - i, &d->utc_offset);
	return i < n && s[i] == ' ' ? i + 1 : 0;
}

/* The zone after journalctl -o short-full's time: "UTC", "+03", or a name
 * such as "CET" that says no offset here (the time stays as printed). */
static void zone(const char *s, size_t n, int64_t *off)
{
	if (utc_offset(s, n, off) != n)
		*off = 0;
}

/* "Wed 2026-11-25 14:48:31 UTC" (journalctl -o short-full). */
static size_t full_date(const char *s, size_t n, struct kdate *d)
{
	size_t i = 4, k;
	const char *sp;

	*d = (struct kdate){ 0 };
	if (n < 25 || s[3] != ' ' || weekday(s) < 0 || !(k = ymd(s + 4, n - 4, d)) ||
	    s[4 + k] != ' ')
		return 0;
	i += k + 1;
	if (!(k = clock_time(s + i, n - i, 1, d)))
		return 0;
	i += k;
	i += fraction(s + i, n - i, &d->frac_ns);
	if (i == n || s[i++] != ' ' || !(sp = memchr(s + i, ' ', n - i)))
		return 0;
	zone(s + i, (size_t)(sp - s) - i, &d->utc_offset);
	return (size_t)(sp - s) + 1;
}

/* "Nov 25 10:00:44 " (syslog, journalctl -o short), with ".600000" after
 * the seconds from journalctl -o short-precise. */
static size_t syslog_date(const char *s, size_t n, struct kdate *d)
{
	size_t i = 7, k;

	*d = (struct kdate){ 0 };
	if (n < 16 || s[3] != ' ' || s[6] != ' ' || (d->mon = month(s)) < 0 ||
	    (d->mday = mday(s + 4)) < 1 || !(k = clock_time(s + 7, n - 7, 1, d)))
		return 0;
	i += k;
	i += fraction(s + i, n - i, &d->frac_ns);
	return i < n && s[i] == ' ' ? i + 1 : 0;
}

/* "1795631884.558144 " (journalctl -o short-unix): seconds since the epoch. */
static size_t unix_date(const char *s, size_t n, int64_t *ns)
{
	const char *sp = memchr(s, ' ', n < 24 ? n : 24);
	const char *dot = sp ? memchr(s, '.', (size_t)(sp - s)) : NULL;

	if (!dot || dot - s < 9 || sp - dot != 7 || pb_parse_seconds_ns(s, (size_t)(sp - s), ns))
		return 0;
	return (size_t)(sp - s) + 1;
}

/* A date at the start of a line: the journal's and syslog's, which a host
 * and a program name follow (*JOURNAL), or dmesg --time-format iso's. */
static size_t date_prefix(struct kmsg *k, const char *s, size_t n, int64_t *wall, int *journal)
{
	struct kdate d;
	int comma = 0;
	size_t len;

	if ((len = iso_date(s, n, &d, &comma)) || (len = full_date(s, n, &d)))
		*wall = date_ns(&d);
	else if ((len = syslog_date(s, n, &d)))
		*wall = yearless_ns(&k->time, &d);
	else
		len = unix_date(s, n, wall);
	*journal = len && !comma;
	return len;
}

/* --- dmesg's bracketed times --------------------------------------------- */

/* "  0.000022" (blanks first) in ns. Returns 0, -1 when it is not one. */
static int seconds(const char *s, size_t n, int64_t *ns)
{
	size_t b = dump_blanks(s, n);

	return b < n && memchr(s + b, '.', n - b) ? pb_parse_seconds_ns(s + b, n - b, ns) : -1;
}

/* "Wed Nov 25 14:47:23 2026" (dmesg -T). */
static int ctime_date(const char *s, size_t n, struct kdate *d)
{
	if (n != 24 || weekday(s) < 0 || s[3] != ' ' || (d->mon = month(s + 4)) < 0 ||
	    s[7] != ' ' || (d->mday = mday(s + 8)) < 1 || s[10] != ' ' ||
	    !clock_time(s + 11, n - 11, 1, d) || s[19] != ' ')
		return -1;
	d->year = digits(s + 20, 4);
	return d->year > 0 ? 0 : -1;
}

/* "Nov25 14:55" (dmesg --time-format reltime when the minute changes). */
static int short_ctime(const char *s, size_t n, struct kdate *d)
{
	return n == 11 && (d->mon = month(s)) >= 0 && (d->mday = digits(s + 3, 2)) > 0 &&
	       s[5] == ' ' && clock_time(s + 6, 5, 0, d) ? 0 : -1;
}

/* The time in the brackets (N > 0: blanks after '[' skipped, the delta
 * cut off). */
static int bracket_time(struct kmsg *k, const char *s, size_t n, struct stamps *st)
{
	struct kdate d = { 0 };

	if (s[0] == '+') {
		st->delta_of = CLOCK_WALL;
		return seconds(s + 1, n - 1, &st->delta);
	}
	if (pb_is_digit(s[0]))
		return seconds(s, n, &st->boot);
	if (!ctime_date(s, n, &d))
		st->wall = date_ns(&d);
	else if (!short_ctime(s, n, &d))
		st->wall = yearless_ns(&k->time, &d);
	/* dmesg -T in a locale's day and month names: a time not read */
	else if (n != 24 || s[13] != ':' || s[16] != ':')
		return -1;
	return 0;
}

/* dmesg's time: "[  109.600000]", with -d "[  109.600000 <    0.000022>]"
 * (also journalctl -o short-delta), --time-format delta "[<    0.000022>]",
 * -T "[Wed Nov 25 14:47:23 2026]" (with -d too), and -H, -e and
 * --time-format reltime: "[Nov25 14:55]" when the minute changes, else
 * "[  +0.000022]". Returns the length, 0 when S starts with none. */
static size_t bracket_stamp(struct kmsg *k, const char *s, size_t n, struct stamps *st)
{
	const char *close = n ? memchr(s, ']', n < 48 ? n : 48) : NULL, *lt;
	struct stamps got = *st;	/* *ST stays as it was when S has none */
	size_t len, b;

	if (!close || s[0] != '[')
		return 0;
	len = (size_t)(close - s) - 1;
	lt = memchr(s + 1, '<', len);
	if (lt) {
		if (close[-1] != '>' || seconds(lt + 1, (size_t)(close - lt) - 2, &got.delta))
			return 0;
		got.delta_of = CLOCK_RELATIVE;
		len = dump_rtrim(s + 1, (size_t)(lt - s) - 1);
	}
	/* before the delta a time, or nothing ("[<    0.000022>]") */
	b = dump_blanks(s + 1, len);
	if (b < len ? bracket_time(k, s + 1 + b, len - b, &got) : !lt)
		return 0;
	*st = got;
	return (size_t)(close - s) + 1;
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
static size_t stamp_part(struct kmsg *k, const char *s, size_t n, int dated,
			 struct stamps *st)
{
	size_t i = bracket_stamp(k, s, n, st);

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

static void strip_prefix(struct kmsg *k, const char *s, size_t n, struct kline *l,
			 struct stamps *st)
{
	size_t i = 0, d;
	int journal = 0;

	*st = (struct stamps){ .boot = -1, .wall = -1, .delta = -1, .delta_of = CLOCK_UNSET };
	l->kernel = 1;
	i += level_prefix(s, n);
	i += devkmsg_prefix(s + i, n - i, &st->boot);
	i += facility_prefix(s + i, n - i);
	d = date_prefix(k, s + i, n - i, &st->wall, &journal);
	i += d;
	if (journal)
		i += journal_host(s + i, n - i, &l->kernel);
	i += stamp_part(k, s + i, n - i, d != 0, st);
	i += android_prefix(s + i, n - i);
	l->text = s + i;
	l->len = dump_rtrim(s + i, n - i);
}

/* --- the file's clock ---------------------------------------------------- */

/* The first line with a time sets the clock: the printk time before a date
 * before a delta; a reltime delta alone says nothing (its minute line
 * comes first). */
static void set_clock(struct kmsg *k, const struct stamps *st)
{
	struct ktime *t = &k->time;

	if (st->boot >= 0) {
		t->clock = CLOCK_BOOT;
	} else if (st->wall >= 0) {
		t->clock = CLOCK_WALL;
		pb_parser_set_meta(k->p, "clock", "realtime");
	} else if (st->delta >= 0 && st->delta_of == CLOCK_RELATIVE) {
		t->clock = CLOCK_RELATIVE;
		t->at = 0;
		pb_parser_set_meta(k->p, "clock", "relative");
	}
}

/* The time of line LINENO on the file's clock, -1 when it has none there.
 * A line read again after unget_line() gets the same time: a delta adds to
 * the time of the line timed before it, not to its own. */
static int64_t line_time(struct kmsg *k, uint64_t lineno, const struct stamps *st)
{
	struct ktime *t = &k->time;
	int64_t ts = -1;

	if (t->clock == CLOCK_UNSET)
		set_clock(k, st);
	if (lineno != t->line) {
		t->line = lineno;
		t->before = t->at;
	}
	if (t->clock == CLOCK_BOOT)
		ts = st->boot;
	else if (t->clock == CLOCK_WALL && st->wall >= 0)
		ts = st->wall;
	else if (st->delta >= 0 && st->delta_of == t->clock && t->before >= 0 &&
		 st->delta <= INT64_MAX - t->before)
		ts = t->before + st->delta;
	if (ts >= 0)
		t->at = ts;
	return ts;
}

/* dmesg --color=always colours prefixes and messages with SGR escapes;
 * *S becomes the line without them (a copy only when it has an ESC). */
static void strip_colour(struct kmsg *k, const char **s, size_t *n)
{
	const char *p = *s, *end = *s + *n, *esc = memchr(p, '\x1b', *n);

	if (!esc)
		return;
	pb_buf_reset(&k->plain);
	for (; esc; esc = memchr(p, '\x1b', (size_t)(end - p))) {
		size_t sgr = pb_sgr_len(esc, (size_t)(end - esc));

		pb_buf_add(&k->plain, p, (size_t)(esc - p) + !sgr);
		p = esc + (sgr ? sgr : 1);
	}
	pb_buf_add(&k->plain, p, (size_t)(end - p));
	*s = pb_buf_str(&k->plain);
	*n = k->plain.len;
}

static int next_line(struct kmsg *k, struct kline *l)
{
	struct stamps st;
	const char *s;
	size_t n;
	int rc = dump_getline(k->p, &s, &n, &l->lineno);

	if (rc != 1)
		return rc;
	strip_colour(k, &s, &n);
	strip_prefix(k, s, n, l, &st);
	l->ts_ns = l->kernel ? line_time(k, l->lineno, &st) : -1;
	return rc;
}

static void unget_line(struct kmsg *k)
{
	pb_input_ungetline(pb_parser_input(k->p));
}

static struct pb_arena *arena(struct kmsg *k)
{
	return pb_parser_arena(k->p);
}

static void field(struct kmsg *k, const char *name, const char *v, size_t len)
{
	dump_field(&k->rec, arena(k), name, v, len);
}

/* A hex pfn printed without "0x" ("migrating pfn 102496"): stored with the
 * prefix so that pb_record_u64() does not read it as decimal. */
static int hex_field(struct kmsg *k, const char *name, const char *v, size_t len)
{
	char buf[2 + 16];
	uint64_t x;

	if (!len || len > 16 || pb_parse_hex(v, len, &x))
		return -1;
	memcpy(buf, "0x", 2);
	memcpy(buf + 2, v, len);
	field(k, name, buf, len + 2);
	return 0;
}

static void start_record(struct kmsg *k, const struct kline *l, struct pb_record *rec,
			 const char *event)
{
	dump_rec_reset(&k->rec);
	rec->cpu = rec->pid = rec->tgid = -1;
	rec->comm = "";
	rec->line = l->lineno;
	rec->ts_ns = l->ts_ns;
	rec->system = "kmsg";
	rec->event = event;
	rec->body = pb_arena_strndup(arena(k), l->text, l->len);
}

static int finish_record(struct kmsg *k, struct pb_record *rec)
{
	dump_rec_attach(&k->rec, rec);
	return 1;
}

/* Reports the record begun at LINE (saved in k->head) as cut off. */
static int truncated(struct kmsg *k, uint64_t line)
{
	return pb_parser_bad_line(k->p, line, PB_BAD_TRUNCATED, k->head.data, k->head.len) ? -1 : 0;
}

static void set_release(struct kmsg *k, const char *s, size_t len)
{
	char *release = pb_strndup(s, len);
	const char *arch = dump_arch_from_release(s, len);

	pb_parser_set_meta(k->p, "kernel", release);
	if (arch)
		pb_parser_set_meta(k->p, "arch", arch);
	free(release);
}

/* "Linux version 6.1.0-50-arm64 (debian-kernel@...) (gcc-12 ...) #1 SMP" */
static void banner(struct kmsg *k, const struct kline *l, size_t skip)
{
	const char *pos = l->text + skip, *end = l->text + l->len;
	struct dump_slice w;
	const char *arch;

	if (dump_word(&pos, end, &w))
		return;
	set_release(k, w.s, w.len);
	k->have_banner = 1;
	/* distribution kernels name the machine in the compiler triplet */
	arch = dump_arch_from_release(l->text, l->len);
	if (!pb_parser_meta(k->p, "arch") && arch)
		pb_parser_set_meta(k->p, "arch", arch);
}

static const char *find(const char *s, size_t len, const char *needle)
{
	return memmem(s, len, needle, strlen(needle));
}

/* "CPU: 1 PID: 106 Comm: sh Not tainted 6.1.0-50-arm64 #1  Debian ..."
 * (6.10+: "CPU: 1 UID: 0 PID: 106 Comm: ..."); the comm may hold spaces. */
static void task_line(struct kmsg *k, const struct kline *l)
{
	const char *s = l->text, *end = s + l->len, *pid, *comm, *taint, *hash;
	int64_t cpu, npid;
	struct dump_slice w;
	const char *pos;

	pid = find(s, l->len, " PID: ");
	comm = find(s, l->len, " Comm: ");
	if (!pid || !comm || comm < pid)
		return;
	pos = s + 5;
	if (dump_word(&pos, end, &w) || pb_parse_i64(w.s, w.len, &cpu))
		return;
	pos = pid + 6;
	if (dump_word(&pos, end, &w) || pb_parse_i64(w.s, w.len, &npid))
		return;
	comm += 7;
	taint = find(comm, end - comm, " Not tainted");
	if (!taint)
		taint = find(comm, end - comm, " Tainted:");
	if (!taint)
		taint = end;
	k->task_cpu = (int32_t)cpu;
	k->task_pid = (int32_t)npid;
	pb_buf_reset(&k->task_comm);
	pb_buf_add(&k->task_comm, comm, taint - comm);
	pb_buf_addc(&k->task_comm, '\0');
	k->task_line = l->lineno;
	/* the release is the word before " #1" after the taint flags */
	hash = taint < end ? find(taint, end - taint, " #") : NULL;
	if (hash && !k->have_banner && !pb_parser_meta(k->p, "kernel")) {
		const char *r = hash;

		while (r > taint && r[-1] != ' ')
			r--;
		if (r < hash)
			set_release(k, r, hash - r);
	}
}

/* --- dump_page() ------------------------------------------------------- */

static int is_dump_head(const char *s, size_t len)
{
	const char *sp;

	if (!dump_prefix(s, len, "page:"))
		return 0;
	sp = memchr(s, ' ', len);
	if (!sp)
		return 0;
	sp++;
	len -= sp - s;
	return dump_prefix(sp, len, "refcount:") || dump_prefix(sp, len, "count:") ||
	       dump_prefix(sp, len, "is uninitialized and poisoned");
}

static int is_call_trace(const char *s, size_t len)
{
	return dump_prefix(s, len, "Call trace:") || dump_prefix(s, len, "Call Trace:");
}

/* Lines that begin another record: a dump cut short ends at them. */
static int starts_record(const char *s, size_t len)
{
	return is_dump_head(s, len) || is_call_trace(s, len) ||
	       dump_prefix(s, len, "CPU: ") || dump_prefix(s, len, "migrating pfn ");
}

/* Field names of the key:value words of a dump's first and head: lines. */
static const char *dump_key(const char *key, size_t len, int head_line)
{
	static const struct {
		const char *key, *name;
	} keys[] = {
		{ "page", "page" }, { "refcount", "refcount" }, { "count", "refcount" },
		{ "mapping", "mapping" }, { "index", "index" }, { "pfn", "pfn" },
		{ "head", "head" }, { "order", "order" },
		{ "compound_mapcount", "compound_mapcount" },
		{ "compound_pincount", "pincount" }, { "pincount", "pincount" },
		{ "entire_mapcount", "entire_mapcount" },
		{ "nr_pages_mapped", "nr_pages_mapped" }, { "memcg", "memcg" },
	};

	/* a head: line's mapcount (6.11+) counts the whole folio */
	if (len == 8 && !memcmp(key, "mapcount", 8))
		return head_line ? "folio_mapcount" : "mapcount";
	for (size_t i = 0; i < PB_ARRAY_SIZE(keys); i++)
		if (strlen(keys[i].key) == len && !memcmp(keys[i].key, key, len))
			return keys[i].name;
	return NULL;
}

/* "page:fffffc0004380140 refcount:3 mapcount:0 ... pfn:0x14e005", and the
 * "head:fffffc0002e8e800 order:9 entire_mapcount:1 ..." line. */
static void dump_words(struct kmsg *k, const char *s, size_t len, int head_line)
{
	const char *pos = s, *end = s + len;
	struct dump_slice w;

	while (!dump_word(&pos, end, &w)) {
		const char *colon = memchr(w.s, ':', w.len);
		const char *name;
		size_t vlen;

		if (!colon)
			continue;
		vlen = w.len - (colon + 1 - w.s);
		name = dump_key(w.s, colon - w.s, head_line);
		if (name && vlen)
			field(k, name, colon + 1, vlen);
	}
}

/* "head:" is both the compound head line and, with a blank after the
 * colon and no key:value words, a hex row of the head struct page. */
static void head_line(struct kmsg *k, const char *s, size_t len)
{
	const char *pos = s + 5, *end = s + len;
	struct dump_slice w;

	if (pos < end && *pos == ' ' && !dump_word(&pos, end, &w) && !memchr(w.s, ':', w.len))
		return;
	dump_words(k, s, len, 1);
}

/* "aops:0xffff800008d36200 ino:2 dentry name(?):"holdpages.dat"" and the
 * other dump_mapping() forms ("aops:shmem_aops ino:2 dentry name:"x""). */
static void mapping_line(struct kmsg *k, const char *s, size_t len)
{
	const char *pos = s, *end = s + len, *q, *last;
	struct dump_slice w;

	while (!dump_word(&pos, end, &w)) {
		size_t n;

		if ((n = dump_prefix(w.s, w.len, "aops:")) && w.len > n)
			field(k, "aops", w.s + n, w.len - n);
		else if ((n = dump_prefix(w.s, w.len, "ino:")) && w.len > n)
			field(k, "ino", w.s + n, w.len - n);
	}
	q = find(s, len, "name(?):\"");
	if (!q)
		q = find(s, len, "name:\"");
	if (!q)
		return;
	/* the quote is in the pattern just found */
	q = (const char *)memchr(q, '"', (size_t)(end - q)) + 1;
	last = end;
	while (last > q && last[-1] != '"')
		last--;
	if (last > q)
		field(k, "dentry", q, last - 1 - q);
}

/* "[anon |ksm ]flags: 0xbfffc000008002e(referenced|...)[ CMA]" */
static int flags_line(struct kmsg *k, const char *s, size_t len)
{
	const char *pos, *end = s + len;
	struct dump_slice w;
	size_t n;

	if ((n = dump_prefix(s, len, "anon ")))
		field(k, "anon", "1", 1);
	else if ((n = dump_prefix(s, len, "ksm ")) || (n = dump_prefix(s, len, "KSM ")))
		field(k, "ksm", "1", 1);
	if (!dump_prefix(s + n, len - n, "flags:"))
		return -1;
	pos = s + n + 6;
	if (dump_word(&pos, end, &w))
		return 0;
	field(k, "flags", w.s, w.len);
	if (!dump_word(&pos, end, &w) && w.len == 3 && !memcmp(w.s, "CMA", 3))
		field(k, "cma", "1", 1);
	return 0;
}

/* One line between "page:" and "page dumped because:"; -1 when unknown. */
static int dump_body_line(struct kmsg *k, const char *s, size_t len)
{
	size_t n;

	if (dump_prefix(s, len, "raw: ") || dump_prefix(s, len, "page_type:"))
		return 0;
	if (dump_prefix(s, len, "head:")) {
		head_line(k, s, len);
		return 0;
	}
	if ((n = dump_prefix(s, len, "memcg:")) ||
	    (n = dump_prefix(s, len, "pages's memcg:")) ||
	    (n = dump_prefix(s, len, "page->mem_cgroup:"))) {
		field(k, "memcg", s + n, len - n);
		return 0;
	}
	if (dump_prefix(s, len, "aops:")) {
		mapping_line(k, s, len);
		return 0;
	}
	if ((n = dump_prefix(s, len, "compound_mapcount: "))) {
		field(k, "compound_mapcount", s + n, len - n);
		return 0;
	}
	return flags_line(k, s, len);
}

enum owner_stack { OWNER_NONE, OWNER_ALLOC, OWNER_FREE };

/* "page last allocated via order 0, migratetype Movable, gfp_mask ..." */
static void owner_alloc(struct kmsg *k, const char *s, size_t len)
{
	struct dump_alloc a;

	if (dump_parse_alloc(s, len, &a))
		return;
	field(k, "owner_order", a.order.s, a.order.len);
	if (a.migratetype.len)
		field(k, "migratetype", a.migratetype.s, a.migratetype.len);
	if (a.gfp_mask.len)
		field(k, "gfp_mask", a.gfp_mask.s, a.gfp_mask.len);
	if (a.pid.len)
		field(k, "owner_pid", a.pid.s, a.pid.len);
	if (a.tgid.len)
		field(k, "owner_tgid", a.tgid.s, a.tgid.len);
	if (a.comm.len)
		field(k, "owner_comm", a.comm.s, a.comm.len);
	if (a.ts.len)
		field(k, "owner_ts", a.ts.s, a.ts.len);
	if (a.free_ts.len)
		field(k, "owner_free_ts", a.free_ts.s, a.free_ts.len);
}

/* Lines of dump_page_owner() that carry nothing but are part of it. */
static int owner_note(const char *s, size_t len)
{
	static const char *const notes[] = {
		"page_owner info is not present (never set?)",
		"page_owner info is not active (free page?)",
		"page_owner allocation stack trace missing",
		"page_owner free stack trace missing",
		"There is not page extension available.",
	};

	for (size_t i = 0; i < PB_ARRAY_SIZE(notes); i++)
		if (dump_prefix(s, len, notes[i]))
			return 1;
	return 0;
}

/* One line after "page dumped because:". Returns 0 when it belongs to the
 * dump, -1 when the dump is over. */
static int dump_tail_line(struct kmsg *k, const char *s, size_t len, enum owner_stack *stack)
{
	size_t n = dump_blanks(s, len);

	if (n) {
		if (*stack == OWNER_ALLOC)
			return dump_frame(&k->rec, arena(k), s, len);
		/* the free stack is not kept: its indented lines are skipped */
		return *stack == OWNER_FREE ? 0 : -1;
	}
	*stack = OWNER_NONE;
	if ((n = dump_prefix(s, len, "page_owner tracks the page as "))) {
		field(k, "owner_state", s + n, len - n);
	} else if ((n = dump_prefix(s, len, "page last allocated via ")) ||
		   (n = dump_prefix(s, len, "page allocated via "))) {
		owner_alloc(k, s + n, len - n);
		*stack = OWNER_ALLOC;
	} else if (dump_prefix(s, len, "page last free ")) {
		*stack = OWNER_FREE;
	} else if ((n = dump_prefix(s, len, "page has been migrated, last migrate reason: "))) {
		field(k, "migrate_reason", s + n, len - n);
	} else if ((n = dump_prefix(s, len, "page->mem_cgroup:"))) {
		field(k, "memcg", s + n, len - n);
	} else if (!owner_note(s, len)) {
		return -1;
	}
	return 0;
}

static int dump_tail(struct kmsg *k)
{
	enum owner_stack stack = OWNER_NONE;
	struct kline l;
	int rc;

	while ((rc = next_line(k, &l)) == 1) {
		if (!l.kernel)
			continue;
		if (dump_tail_line(k, l.text, l.len, &stack)) {
			unget_line(k);
			break;
		}
	}
	return rc < 0 ? -1 : 0;
}

static int dump_page(struct kmsg *k, const struct kline *first, struct pb_record *rec)
{
	uint64_t head_lineno = first->lineno;
	int unknown = 0, rc;
	struct kline l;
	size_t n;

	start_record(k, first, rec, "dump_page");
	pb_buf_reset(&k->head);
	pb_buf_add(&k->head, first->text, first->len);
	dump_words(k, first->text, first->len, 0);
	for (;;) {
		rc = next_line(k, &l);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return truncated(k, head_lineno);
		if (!l.kernel)
			continue;
		if ((n = dump_prefix(l.text, l.len, "page dumped because: ")))
			break;
		if (starts_record(l.text, l.len)) {
			unget_line(k);
			return truncated(k, head_lineno);
		}
		if (dump_body_line(k, l.text, l.len) && ++unknown > DUMP_UNKNOWN_MAX)
			return truncated(k, head_lineno);
	}
	field(k, "reason", l.text + n, l.len - n);
	if (dump_tail(k))
		return -1;
	return finish_record(k, rec);
}

/* --- dump_stack() ------------------------------------------------------ */

/* One line of a call trace: 0 when it belongs to it, -1 when it ends it. */
static int trace_line(struct kmsg *k, const char *s, size_t len)
{
	size_t n = dump_blanks(s, len);

	if (!n)
		return -1;
	s += n;
	len -= n;
	/* "<TASK>", "</IRQ>": x86 stack section markers */
	if (len > 2 && s[0] == '<' && s[len - 1] == '>')
		return 0;
	/* "? func+0x1d0/0x230": a stale word the x86 unwinder is unsure of */
	if (dump_prefix(s, len, "? "))
		return 0;
	return dump_frame(&k->rec, arena(k), s, len);
}

static int call_trace(struct kmsg *k, const struct kline *first, struct pb_record *rec)
{
	uint64_t head_lineno = first->lineno;
	struct kline l;
	int rc;

	start_record(k, first, rec, "call_trace");
	pb_buf_reset(&k->head);
	pb_buf_add(&k->head, first->text, first->len);
	if (k->task_line && first->lineno - k->task_line <= TASK_LINE_REACH) {
		rec->cpu = k->task_cpu;
		rec->pid = k->task_pid;
		rec->comm = pb_arena_strdup(arena(k), pb_buf_str(&k->task_comm));
	}
	k->task_line = 0;
	while ((rc = next_line(k, &l)) == 1) {
		if (!l.kernel)
			continue;
		if (trace_line(k, l.text, l.len)) {
			unget_line(k);
			break;
		}
	}
	if (rc < 0)
		return -1;
	if (!k->rec.nframes)
		return truncated(k, head_lineno);
	return finish_record(k, rec);
}

/* --- one-line records -------------------------------------------------- */

static int syntax(struct kmsg *k, const struct kline *l)
{
	return pb_parser_bad_line(k->p, l->lineno, PB_BAD_SYNTAX, l->text, l->len) ? -1 : 0;
}

/* "migrating pfn 102496 failed ret:-16" (older: no ret, trailing blank) */
static int migrate_failed(struct kmsg *k, const struct kline *l, size_t skip,
			  struct pb_record *rec)
{
	const char *pos = l->text + skip, *end = l->text + l->len;
	struct dump_slice pfn, word;

	start_record(k, l, rec, "migrate_failed");
	if (dump_word(&pos, end, &pfn) || hex_field(k, "pfn", pfn.s, pfn.len) ||
	    dump_word(&pos, end, &word) || word.len != 6 || memcmp(word.s, "failed", 6))
		return syntax(k, l);
	if (!dump_word(&pos, end, &word) && dump_prefix(word.s, word.len, "ret:"))
		field(k, "ret", word.s + 4, word.len - 4);
	return finish_record(k, rec);
}

/* "alloc_contig_range: [1b8000, 1c0000) PFNs busy" */
static int pfns_busy(struct kmsg *k, const struct kline *l, size_t skip, struct pb_record *rec)
{
	const char *s = l->text + skip, *comma, *close;
	size_t len = l->len - skip;

	if (!find(s, len, ") PFNs busy"))
		return 0;
	start_record(k, l, rec, "pfns_busy");
	comma = memchr(s, ',', len);
	close = memchr(s, ')', len);
	if (!comma || !close || close < comma || comma[1] != ' ' ||
	    hex_field(k, "start_pfn", s, comma - s) ||
	    hex_field(k, "end_pfn", comma + 2, close - comma - 2))
		return syntax(k, l);
	return finish_record(k, rec);
}

/* "cma: cma_alloc: reserved: alloc failed, req-size: 2048 pages, ret: -16"
 * (before 5.13 without the area name). */
static int cma_alloc_failed(struct kmsg *k, const struct kline *l, struct pb_record *rec)
{
	const char *s = l->text, *end = s + l->len, *fail, *func_end, *pos;
	struct dump_slice w;

	fail = find(s, l->len, "alloc failed, req-size: ");
	if (!fail)
		return 0;
	start_record(k, l, rec, "cma_alloc_failed");
	func_end = find(s + 5, fail - s - 5, ": ");
	if (func_end && func_end + 2 < fail) {
		const char *name = func_end + 2, *name_end = fail;

		if (name_end - name >= 2 && name_end[-2] == ':' && name_end[-1] == ' ')
			name_end -= 2;
		field(k, "name", name, name_end - name);
	}
	pos = fail + 24;
	if (dump_word(&pos, end, &w))
		return syntax(k, l);
	field(k, "count", w.s, w.len);
	fail = find(pos, end - pos, "ret: ");
	if (fail) {
		pos = fail + 5;
		if (!dump_word(&pos, end, &w))
			field(k, "ret", w.s, w.len);
	}
	return finish_record(k, rec);
}

/* --- page_pinner ------------------------------------------------------- */

/* "98.123456]" (the kernel prints no '[') as microseconds. */
static int pinned_stamp(const struct dump_slice *w, char *us, size_t size)
{
	const char *dot = memchr(w->s, '.', w->len);
	uint64_t sec, frac;

	if (!dot || w->s[w->len - 1] != ']' || w->s + w->len - 1 - dot != 7 ||
	    pb_parse_u64(w->s, (size_t)(dot - w->s), &sec) ||
	    pb_parse_u64(dot + 1, 6, &frac))
		return -1;
	snprintf(us, size, "%llu", (unsigned long long)(sec * 1000000 + frac));
	return 0;
}

/* "PFN 583073 Block 1138 type Movable Flags 0x...(...)": the pfn is decimal. */
static int pinned_page_line(struct kmsg *k, const char *s, size_t len)
{
	static const char *const keys[] = { "PFN", "Block", "type", "Flags" };
	static const char *const names[] = { "pfn", "block", "migratetype", "flags" };
	const char *pos = s, *end = s + len;
	struct dump_slice key, val;
	uint64_t pfn;

	for (size_t i = 0; i < PB_ARRAY_SIZE(keys); i++) {
		if (dump_word(&pos, end, &key) || !dump_prefix(key.s, key.len, keys[i]) ||
		    key.len != strlen(keys[i]) || dump_word(&pos, end, &val))
			return -1;
		if (i == 0 && pb_parse_u64(val.s, val.len, &pfn))
			return -1;
		field(k, names[i], val.s, val.len);
	}
	return 0;
}

/* What __dump_page_pinner() of Android's page_pinner prints after a
 * dump_page() (vendor kernels 5.10-5.15):
 *   page last pinned %5lu.%06lu] count %d        (earlier: "ts %lld count %d", in us)
 *   PFN %lu Block %lu type %s Flags %#lx(%pGp)
 *    <the stack that last pinned the page, one frame per line>
 * ("page_pinner allocation stack trace missing" instead of the stack). */
static int last_pinned(struct kmsg *k, const struct kline *first, size_t skip,
		       struct pb_record *rec)
{
	const char *pos = first->text + skip, *end = first->text + first->len;
	struct dump_slice w, count;
	struct kline l;
	char us[32];
	int rc;

	start_record(k, first, rec, "page_pinner_last_pinned");
	pb_buf_reset(&k->head);
	pb_buf_add(&k->head, first->text, first->len);
	if (dump_word(&pos, end, &w))
		return syntax(k, first);
	if (w.len == 2 && !memcmp(w.s, "ts", 2)) {
		if (dump_word(&pos, end, &w) || w.len >= sizeof(us))
			return syntax(k, first);
		snprintf(us, sizeof(us), "%.*s", (int)w.len, w.s);
	} else if (pinned_stamp(&w, us, sizeof(us))) {
		return syntax(k, first);
	}
	if (dump_word(&pos, end, &w) || !dump_prefix(w.s, w.len, "count") ||
	    dump_word(&pos, end, &count))
		return syntax(k, first);
	field(k, "pinned_us", us, strlen(us));
	field(k, "count", count.s, count.len);
	while ((rc = next_line(k, &l)) == 1 && !l.kernel)
		;
	if (rc < 0)
		return -1;
	if (rc == 0 || pinned_page_line(k, l.text, l.len)) {
		if (rc)
			unget_line(k);
		return truncated(k, first->lineno);
	}
	while ((rc = next_line(k, &l)) == 1) {
		if (!l.kernel ||
		    dump_prefix(l.text, l.len, "page_pinner allocation stack trace missing"))
			continue;
		if (!dump_blanks(l.text, l.len) || dump_frame(&k->rec, arena(k), l.text, l.len)) {
			unget_line(k);
			break;
		}
	}
	return rc < 0 ? -1 : finish_record(k, rec);
}

/* Returns 1 with a record, 0 when the line is not one, -1 to stop. */
static int dispatch(struct kmsg *k, const struct kline *l, struct pb_record *rec)
{
	const char *s = l->text;
	size_t len = l->len, n;

	if (is_dump_head(s, len))
		return dump_page(k, l, rec);
	if (is_call_trace(s, len))
		return call_trace(k, l, rec);
	if ((n = dump_prefix(s, len, "migrating pfn ")))
		return migrate_failed(k, l, n, rec);
	if ((n = dump_prefix(s, len, "alloc_contig_range: [")))
		return pfns_busy(k, l, n, rec);
	if (dump_prefix(s, len, "cma: "))
		return cma_alloc_failed(k, l, rec);
	if ((n = dump_prefix(s, len, "page last pinned ")))
		return last_pinned(k, l, n, rec);
	if (dump_prefix(s, len, "CPU: "))
		task_line(k, l);
	else if ((n = dump_prefix(s, len, "Linux version ")))
		banner(k, l, n);
	return 0;
}

static void *kmsg_open(struct pb_parser *p, char *err, size_t errlen)
{
	struct kmsg *k = pb_calloc(1, sizeof(*k));

	k->p = p;
	k->time.before = k->time.at = -1;
	k->time.year = YEARLESS_BASE;
	k->time.month = -1;
	return k;
}

static int kmsg_next(void *state, struct pb_parser *p, struct pb_record *rec)
{
	struct kmsg *k = state;
	struct kline l;
	int rc;

	for (;;) {
		rc = next_line(k, &l);
		if (rc <= 0)
			return rc;
		if (!l.kernel)
			continue;
		rc = dispatch(k, &l, rec);
		if (rc)
			return rc;
	}
}

static void kmsg_close(void *state)
{
	struct kmsg *k = state;

	dump_rec_free(&k->rec);
	pb_buf_free(&k->head);
	pb_buf_free(&k->plain);
	pb_buf_free(&k->task_comm);
	free(k);
}

const struct pb_format_ops pb_kmsg_ops = {
	.format = PB_FMT_KMSG,
	.open = kmsg_open,
	.next = kmsg_next,
	.close = kmsg_close,
};
