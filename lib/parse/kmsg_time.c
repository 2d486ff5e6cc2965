/* kmsg_time.c - the times of kernel log lines (dmesg, dmesg -T/-H/-d,
 * --time-format, journalctl -k -o short-*, syslog) and the file's clock.
 *
 * The printk time (ns since boot) is the clock that traces share, so it is
 * taken whenever a line prints it, also behind a date
 * (syslog's "Nov 25 10:00:44 host kernel: [  109.600000] ..."). Logs that
 * print only a date (dmesg -T and --time-format iso, journalctl -o short,
 * short-precise, short-iso, short-full, short-unix) keep it as ns since the
 * epoch: in UTC when the line gives the offset, else the local time as
 * printed, and the parser meta "clock" is "realtime": the store keeps it
 * (sources.clock) and the analysis then compares these times with no other
 * source's (boot linking, failure windows, holder lifetimes). Dates
 * without a year (syslog, journalctl -o short, dmesg -H's "[Nov25 14:55]") are taken in
 * YEARLESS_BASE, and in the next year after December turns into January;
 * their clock is "yearless", so that the year, which no line printed, is
 * not shown.
 * dmesg -H, -e and --time-format reltime print "[  +0.000022]", the time
 * since the line before, and instead the date to the minute when the minute
 * changes: those lines count on from that minute, so their times are off by
 * the seconds that the minute line leaves out (under a minute); an excerpt
 * that begins with deltas counts them from its first line ("relative").
 * --time-format delta ("[<    0.000022>]") says nothing more: its times
 * count from its first line, "clock" is "relative". The first line with a
 * time decides the clock of the file; lines without a time on that clock
 * get none (-1), so that one file never mixes two. dmesg --color's SGR
 * escapes are dropped before a line is read. */
#include <string.h>

#include "kmsg_int.h"
#include "text.h"

/* The year of dates printed without one (a leap year: Feb 29 is a date). */
#define YEARLESS_BASE 2000
/* Dates later than this are not read: ns since the epoch overflow in 2262. */
#define YEAR_MAX 2200

static const char *const months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static const char *const weekdays[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

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

static int ctime_date(const char *s, size_t n, struct kdate *d);

/* "Mon Sep  6 00:40:01 2021 " (OpenWrt logread: ctime() without its
 * newline, then the facility.priority). Returns the length with the blank. */
static size_t logread_date(const char *s, size_t n, struct kdate *d)
{
	*d = (struct kdate){ 0 };
	return n > 25 && s[24] == ' ' && !ctime_date(s, 24, d) ? 25 : 0;
}

/* logcat's date: "%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S" (-v year). */
static size_t logcat_date(const char *s, size_t n, struct kdate *d)
{
	size_t k = 0;

	*d = (struct kdate){ 0 };
	if (n > 10 && s[4] == '-' && s[10] == ' ' && ymd(s, n, d))
		k = 11;
	else if (n < 6 || s[2] != '-' || s[5] != ' ' || (d->mon = digits(s, 2) - 1) < 0 ||
		 d->mon > 11 || (d->mday = digits(s + 3, 2)) < 1)
		return 0;
	else
		k = 6;
	return (n - k > 8 && clock_time(s + k, n - k, 1, d)) ? k + 8 : 0;
}

/* logcat's "%19lld" (-v epoch: seconds since the epoch) or "%6lld" (-v
 * monotonic: since boot), right-aligned: the width of blanks and digits
 * together, 0 when S starts with neither. */
static size_t logcat_seconds(const char *s, size_t n, int *epoch)
{
	size_t i = dump_blanks(s, n), at = i;

	while (i < n && pb_is_digit(s[i]))
		i++;
	*epoch = i == 19;
	return i > at && i >= 6 && i < n && s[i] == '.' ? i : 0;
}

/* " +0100" (-v zone: strftime's " %z") after a date, into D. */
static size_t logcat_zone(const char *s, size_t n, struct kdate *d)
{
	size_t k;

	if (n < 7 || s[0] != ' ' || (s[1] != '+' && s[1] != '-'))
		return 0;
	k = utc_offset(s + 1, n - 1, &d->utc_offset);
	return k == 5 && s[6] == ' ' ? 6 : 0;
}

size_t kmsg_logcat_time(struct ktime *t, const char *s, size_t n, int64_t *wall, int64_t *boot)
{
	struct kdate d = { 0 };
	size_t k, f, lead;
	int epoch = 0;
	int64_t secs_ns;

	if ((k = logcat_date(s, n, &d))) {
		f = fraction(s + k, n - k, &d.frac_ns);
	} else if ((k = logcat_seconds(s, n, &epoch))) {
		f = fraction(s + k, n - k, &d.frac_ns);
	} else {
		return 0;
	}
	/* ".%03ld", ".%06ld" (-v usec) or ".%09ld" (-v nsec) */
	if (f != 4 && f != 7 && f != 10)
		return 0;
	if (!d.mday) {
		lead = dump_blanks(s, k);
		if (pb_parse_seconds_ns(s + lead, k + f - lead, &secs_ns))
			return 0;
		*(epoch ? wall : boot) = secs_ns;
		return k + f;
	}
	k += f;
	k += logcat_zone(s + k, n - k, &d);
	*wall = d.year ? date_ns(&d) : yearless_ns(t, &d);
	return k;
}

/* grabserial's "[%4.6f %2.6f] " (seconds since its start, since the line
 * before): two times of the capture, neither the kernel's. Returns the
 * length with the blank after it, 0 when S does not start with it. */
static size_t grabserial_stamp(const char *s, size_t n)
{
	const char *sp = n > 1 ? memchr(s, ' ', n < 48 ? n : 48) : NULL, *close;
	int64_t ns;

	if (!sp || s[0] != '[' || !(close = memchr(sp, ']', (size_t)(s + n - sp))) ||
	    (size_t)(close - s) + 1 >= n || close[1] != ' ' ||
	    !memchr(s, '.', (size_t)(sp - s)) || !memchr(sp, '.', (size_t)(close - sp)) ||
	    pb_parse_seconds_ns(s + 1, (size_t)(sp - s) - 1, &ns) ||
	    pb_parse_seconds_ns(sp + 1, (size_t)(close - sp) - 1, &ns))
		return 0;
	return (size_t)(close - s) + 2;
}

/* The stamp a serial terminal program writes before each line it logs:
 * grabserial's (above), tio's "[%s] " of "%H:%M:%S" or
 * "%Y-%m-%dT%H:%M:%S", then ".%03ld" (its 24hour, 24hour-start,
 * 24hour-delta and iso8601 timestamps). Only the
 * ISO one is a date (*WALL, local time as printed); a time of day alone
 * says nothing of the day, and the printk time after it, when there is
 * one, is the line's time. Returns the length with the blank after it. */
size_t kmsg_serial_stamp(const char *s, size_t n, int64_t *wall)
{
	struct kdate d = { 0 };
	size_t i = 1, k;
	int dated;

	if ((k = grabserial_stamp(s, n)))
		return k;
	if (n < 16 || s[0] != '[')
		return 0;
	dated = (k = ymd(s + 1, n - 1, &d)) && s[1 + k] == 'T';
	if (dated)
		i += k + 1;
	if (!(k = clock_time(s + i, n - i, 1, &d)))
		return 0;
	i += k;
	if ((k = fraction(s + i, n - i, &d.frac_ns)) != 4 || s[i] != '.')
		return 0;
	i += k;
	if (i + 1 >= n || s[i] != ']' || s[i + 1] != ' ')
		return 0;
	if (dated)
		*wall = date_ns(&d);
	return i + 2;
}

/* A date at the start of a line: the journal's and syslog's, which a host
 * and a program name follow (*JOURNAL), or dmesg --time-format iso's. */
size_t kmsg_date_prefix(struct ktime *t, const char *s, size_t n, int64_t *wall, int *journal)
{
	struct kdate d;
	int comma = 0;
	size_t len;

	if ((len = iso_date(s, n, &d, &comma)) || (len = full_date(s, n, &d)) ||
	    (len = logread_date(s, n, &d)))
		*wall = date_ns(&d);
	else if ((len = syslog_date(s, n, &d)))
		*wall = yearless_ns(t, &d);
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
static int bracket_time(struct ktime *t, const char *s, size_t n, struct stamps *st)
{
	struct kdate d = { 0 };

	if (s[0] == '+') {
		st->delta_of = CLOCK_WALL;
		return seconds(s + 1, n - 1, &st->delta);
	}
	/* HiSilicon kernels' print_time(): "[%5lu.%06lus]", an 's' after it */
	if (pb_is_digit(s[0]))
		return seconds(s, n - (n > 1 && s[n - 1] == 's' && pb_is_digit(s[n - 2])), &st->boot);
	if (!ctime_date(s, n, &d))
		st->wall = date_ns(&d);
	else if (!short_ctime(s, n, &d))
		st->wall = yearless_ns(t, &d);
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
size_t kmsg_bracket_stamp(struct ktime *t, const char *s, size_t n, struct stamps *st)
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
	if (b < len ? bracket_time(t, s + 1 + b, len - b, &got) : !lt)
		return 0;
	*st = got;
	return (size_t)(close - s) + 1;
}
/* --- the file's clock ---------------------------------------------------- */

/* The first line with a time sets the clock: the printk time before a date
 * before a delta. A file that begins with reltime deltas (a dmesg -H
 * excerpt cut after its minute line) counts them from its first line, as
 * --time-format delta does. */
static void set_clock(struct ktime *t, struct pb_parser *p, const struct stamps *st)
{
	if (st->boot >= 0) {
		t->clock = CLOCK_BOOT;
	} else if (st->wall >= 0) {
		t->clock = CLOCK_WALL;
		/* a date without a year (t->month set) is on the year-less
		 * scale: its year is none the log printed, not to be shown */
		pb_parser_set_meta(p, "clock", t->month >= 0 ? "yearless" : "realtime");
	} else if (st->delta >= 0) {
		t->clock = CLOCK_RELATIVE;
		t->reltime = st->delta_of == CLOCK_WALL;
		t->at = 0;
		pb_parser_set_meta(p, "clock", "relative");
	}
}

/* Whether the delta of ST adds up on the file's clock: a delta counts on
 * the clock of its kind, reltime's also on a relative clock it began
 * (where its minute lines have no time: the delta they stand for is not
 * printed, so the times after one are early by up to a minute). */
static int delta_counts(const struct ktime *t, const struct stamps *st)
{
	return st->delta >= 0 && t->before >= 0 && st->delta <= INT64_MAX - t->before &&
	       (st->delta_of == t->clock || (t->reltime && st->delta_of == CLOCK_WALL));
}

/* How far a printk time may fall behind the line above it within one boot:
 * the CPUs' clocks put a line microseconds before the one another CPU
 * printed just before it; a new boot starts its count again from 0. */
#define REBOOT_BACK_NS NS_PER_SEC

/* A printk time on the boot clock. A log of several boots (a syslog file
 * kept over reboots, dmesg outputs pasted one after the other) counts its
 * printk times from 0 again at each boot. The new boot began after the
 * last line of the one before, so its first line came at least its printk
 * time after that line, or the time between the two lines' dates when the
 * lines have dates and that is more: the later boot's times go on from
 * there, and no two boots share times. The file's clock is then no boot
 * clock ("relative": its times are not to be compared with one boot's
 * trace). */
static int64_t boot_time(struct ktime *t, struct pb_parser *p, int new_line,
			 const struct stamps *st)
{
	int64_t since = st->boot;	/* from the last line of the boot before */

	if (st->boot < 0)
		return -1;
	if (!new_line)
		return st->boot <= INT64_MAX - t->boot_offset ? st->boot + t->boot_offset : -1;
	if (st->wall >= 0 && t->last_wall >= 0 && st->wall - t->last_wall > since)
		since = st->wall - t->last_wall;
	if (t->last_boot >= 0 && st->boot < t->last_boot - REBOOT_BACK_NS &&
	    since <= INT64_MAX - t->last_boot &&
	    t->last_boot + since - st->boot <= INT64_MAX - t->boot_offset) {
		t->boot_offset += t->last_boot + since - st->boot;
		if (!t->reboots++)
			pb_parser_set_meta(p, "clock", "relative");
	}
	t->last_boot = st->boot;
	if (st->wall >= 0)
		t->last_wall = st->wall;
	return st->boot <= INT64_MAX - t->boot_offset ? st->boot + t->boot_offset : -1;
}

/* The time of line LINENO on the file's clock, -1 when it has none there.
 * A line read again after unget_line() gets the same time: a delta adds to
 * the time of the line timed before it, not to its own. */
int64_t kmsg_line_time(struct ktime *t, struct pb_parser *p, uint64_t lineno,
		       const struct stamps *st)
{
	int64_t ts = -1;
	int new_line = lineno != t->line;

	if (t->clock == CLOCK_UNSET)
		set_clock(t, p, st);
	if (new_line) {
		t->line = lineno;
		t->before = t->at;
	}
	if (t->clock == CLOCK_BOOT)
		ts = boot_time(t, p, new_line, st);
	else if (t->clock == CLOCK_WALL && st->wall >= 0)
		ts = st->wall;
	else if (delta_counts(t, st))
		ts = t->before + st->delta;
	if (ts >= 0)
		t->at = ts;
	return ts;
}

void kmsg_time_init(struct ktime *t)
{
	*t = (struct ktime){ .clock = CLOCK_UNSET, .before = -1, .at = -1,
			     .year = YEARLESS_BASE, .month = -1, .last_boot = -1,
			     .last_wall = -1, .entry_wall = -1,
			     .entry_boot = -1 };
}
