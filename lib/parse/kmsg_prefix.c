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

static int caller_id(const char *s, size_t n, size_t *i, struct kline *l);

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
 * flags), with ",caller=T%u" or ",caller=C%u" before the ';' under
 * CONFIG_PRINTK_CALLER (info_print_ext_header(); netconsole's extended
 * records too): the caller goes into L as the bracketed one does. */
static size_t devkmsg_prefix(const char *s, size_t n, int64_t *ts, struct kline *l)
{
	const char *caller;
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
	caller = kmsg_find(s, i, ",caller=");
	if (caller) {
		size_t at = (size_t)(caller - s) + 8;

		caller_id(s, i, &at, l);
	}
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

/* busybox syslogd's "facility.priority" word ("kern.warn"), printed by
 * parse_fac_prio_20() as "%s.%s" of the facility and priority names. */
static int fac_prio(const char *s, size_t n)
{
	const char *dot = memchr(s, '.', n);
	size_t i;

	if (!dot || dot == s || dot == s + n - 1)
		return 0;
	for (i = 0; i < n; i++)
		if (s + i != dot && !is_lower(s[i]))
			return 0;
	return 1;
}

/* Digits at S[*I], advancing *I; 0 when there are none. */
static int skip_digits(const char *s, size_t n, size_t *i)
{
	size_t start = *i;

	*i = (size_t)(pb_skip_digits(s + start, s + n) - s);
	return *i > start;
}

/* The kernel's identifier in a journal or syslog line, "kernel: ", or
 * "kernel[%d]: " where a forwarder that logs with its pid relayed the
 * kernel's lines (the printk time still in them). Returns its length. */
static size_t kernel_ident(const char *s, size_t n)
{
	size_t i;

	if (dump_prefix(s, n, "kernel: "))
		return 8;
	if (!dump_prefix(s, n, "kernel["))
		return 0;
	i = 7;
	if (!skip_digits(s, n, &i) || n - i < 3 || memcmp(s + i, "]: ", 3))
		return 0;
	return i + 3;
}

/* What comes between a journal or syslog date and the kernel's message:
 * "host kernel: " (journalctl, rsyslog), "kernel: " (journalctl
 * --no-hostname), "host kern.warn kernel: " (busybox syslogd: "%s %.64s
 * %s %s\n", date, host, facility.priority, message), "kern.warn kernel: "
 * (OpenWrt logread: "%s %s.%s%s %s\n" with " kernel:"). *KERNEL is cleared
 * for lines of other programs ("host systemd[1]: "). */
static size_t journal_host(const char *s, size_t n, int *kernel)
{
	size_t i = 0, k;
	const char *sp;

	for (int words = 0;; words++) {
		if ((k = kernel_ident(s + i, n - i)))
			return i + k;
		if (words == 2 || !(sp = memchr(s + i, ' ', n - i)) ||
		    (words == 1 && !fac_prio(s + i, (size_t)(sp - s) - i)))
			break;
		i = (size_t)(sp - s) + 1;
	}
	*kernel = 0;
	return 0;
}

/* A printk caller id from S[*I]: "T%u" (a task) or "C%u" (a cpu), and the
 * cpu after the task of vendor hooks, "T%u@C%u" or "T%uC%u"; *I moves
 * past it, L (when given) takes the task and cpu. 0 when there is none. */
static int caller_id(const char *s, size_t n, size_t *i, struct kline *l)
{
	size_t at;
	int64_t id, cpu = -1, pid = -1;
	char who;

	if (*i == n || (s[*i] != 'T' && s[*i] != 'C'))
		return 0;
	who = s[(*i)++];
	at = *i;
	if (!skip_digits(s, n, i) || pb_parse_i64(s + at, *i - at, &id))
		return 0;
	*(who == 'T' ? &pid : &cpu) = id;
	if (*i + 2 < n && s[*i] == '@' && s[*i + 1] == 'C')
		(*i)++;
	if (*i + 1 < n && s[*i] == 'C') {
		at = ++*i;
		if (!skip_digits(s, n, i) || pb_parse_i64(s + at, *i - at, &cpu))
			return 0;
	}
	if (l) {
		l->pid = (int32_t)pid;
		l->cpu = (int32_t)cpu;
	}
	return 1;
}

/* CONFIG_PRINTK_CALLER: print_caller()'s "[%6s]" of "T%u" (a task) or
 * "C%u" (a CPU): "[  T123]", "[ C1]"; Android's printk_cpuid vendor hook
 * prints "T%u@C%u" in it ("[T1234@C3]"), other vendor trees "T%uC%u".
 * The task id is the pid that printed the line: lines of two tasks are two
 * allocations. L (may be NULL: only the length) takes the pid and cpu. */
static size_t caller_prefix(const char *s, size_t n, struct kline *l)
{
	size_t i = 1;
	struct kline probe;	/* L is set only once the ']' is there */

	if (n < 4 || s[0] != '[')
		return 0;
	while (i < n && s[i] == ' ')
		i++;
	if (!caller_id(s, n, &i, &probe) || i == n || s[i] != ']')
		return 0;
	if (l) {
		l->pid = probe.pid;
		l->cpu = probe.cpu;
	}
	return i + 1;
}

static void set_task(struct kline *l, int64_t cpu, int64_t pid, const char *comm, size_t len)
{
	l->cpu = (int32_t)cpu;
	l->pid = (int32_t)pid;
	l->comm = comm;
	l->comm_len = len;
}

/* Samsung (Exynos) kernels' "[%d:%15s:%5d] ", cpu, comm and pid:
 * "[2:   Binder:714_1:  744] "; the comm may hold ':'. */
static size_t samsung_prefix(const char *s, size_t n, struct kline *l)
{
	const char *end;
	size_t i = 1, j, pid_at;
	int64_t cpu, pid;

	if (n < 8 || s[0] != '[' || !skip_digits(s, n, &i) || i == n || s[i] != ':')
		return 0;
	end = memchr(s, ']', n < 48 ? n : 48);
	if (!end || (size_t)(end - s) + 1 >= n || end[1] != ' ')
		return 0;
	j = end - s;
	while (j > i && pb_is_digit(s[j - 1]))
		j--;
	pid_at = j;
	while (j > i && s[j - 1] == ' ')
		j--;
	if (pid_at == (size_t)(end - s) || j <= i + 1 || s[j - 1] != ':' ||
	    pb_parse_i64(s + 1, i - 1, &cpu) || pb_parse_i64(s + pid_at, (size_t)(end - s) - pid_at, &pid))
		return 0;
	i += 1 + dump_blanks(s + i + 1, j - 1 - i - 1);
	set_task(l, cpu, pid, s + i, j - 1 - i);
	return (size_t)(end - s) + 2;
}

/* MediaTek kernels (CONFIG_PRINTK_PREFIX_ENHANCE) put "%c(%x)[%d:%s]" in
 * front of the message: a state character (' ', '.', '-'), the cpu in
 * hex, the pid and the comm: ".(3)[1234:kworker/3:1]"; "%c(%x)" alone
 * while the console is suspended. */
static size_t mediatek_prefix(const char *s, size_t n, struct kline *l)
{
	const char *close, *colon, *end;
	size_t i = 2;
	uint64_t cpu;
	int64_t pid;

	if (n < 5 || s[0] == '[' || s[1] != '(')
		return 0;
	close = memchr(s + 2, ')', n - 2 < 10 ? n - 2 : 10);
	if (!close || pb_parse_hex(s + 2, (size_t)(close - s) - 2, &cpu))
		return 0;
	i = (size_t)(close - s) + 1;
	if (i == n || s[i] != '[') {
		set_task(l, (int64_t)cpu, -1, NULL, 0);
		return i;
	}
	colon = memchr(s + i, ':', n - i < 16 ? n - i : 16);
	end = colon ? memchr(colon, ']', (size_t)(s + n - colon) < 24 ? (size_t)(s + n - colon) : 24)
		    : NULL;
	if (!end || pb_parse_i64(s + i + 1, (size_t)(colon - s) - i - 1, &pid))
		return 0;
	set_task(l, (int64_t)cpu, pid, colon + 1, (size_t)(end - colon) - 1);
	return (size_t)(end - s) + 1;
}

/* HiSilicon (Huawei Kirin) kernels store in front of the text, with
 * CONFIG_HISI_PRINTK_EXTENSION, "[pid:%d,cpu%d,%s]" (the comm, or "in irq"
 * where the pid is the interrupted task's, no task of the line), after the
 * RTC date "[%lu:%.2d:%.2d %.2d:%.2d:%.2d]" at most once a second
 * (hisi_log_store_add_time()). Returns the length of both. */
static size_t hisi_prefix(const char *s, size_t n, struct kline *l)
{
	const char *close, *comma;
	size_t i = 0, at;
	int64_t pid, cpu;

	if (n > 21 && s[0] == '[' && s[5] == ':' && s[11] == ' ' && s[20] == ']' &&
	    pb_is_digit(s[1]) && pb_is_digit(s[19]))
		i = 21;
	if (!dump_prefix(s + i, n - i, "[pid:") || !(close = memchr(s + i, ']', n - i)))
		return 0;
	at = i + 5;
	i = at;
	if (!skip_digits(s, (size_t)(close - s), &i) || pb_parse_i64(s + at, i - at, &pid) ||
	    !dump_prefix(s + i, (size_t)(close - s) - i, ",cpu"))
		return 0;
	at = i += 4;
	if (!skip_digits(s, (size_t)(close - s), &i) || pb_parse_i64(s + at, i - at, &cpu) ||
	    s[i] != ',')
		return 0;
	comma = s + i + 1;
	if ((size_t)(close - comma) == 6 && !memcmp(comma, "in irq", 6))
		set_task(l, cpu, -1, NULL, 0);
	else
		set_task(l, cpu, pid, comma, (size_t)(close - comma));
	return (size_t)(close - s) + 1;
}

/* The vendor task prefixes after the printk time. Samsung's
 * print_fixed_caller() prints "%c[%1d:%15s:%5d] " with 'I' in an interrupt,
 * else a blank: two blanks after the time. */
static size_t task_prefix(const char *s, size_t n, struct kline *l)
{
	size_t b = n > 1 && (s[0] == ' ' || s[0] == 'I') && s[1] == '[' ? 1 : 0, k;

	if ((k = samsung_prefix(s + b, n - b, l)))
		return b + k;
	if ((k = hisi_prefix(s, n, l)))
		return k;
	return mediatek_prefix(s, n, l);
}

/* A uid as logcat -v uid prints it: liblog's "%5s:" of a user name of at
 * most 5 characters ("root"), else "%5d:" of the number. */
static int logcat_uid(struct dump_slice w)
{
	if (!w.len || w.len > 10)
		return 0;
	for (size_t i = 0; i < w.len; i++)
		if (!pb_is_digit(w.s[i]) && !is_lower(w.s[i]) && w.s[i] != '_')
			return 0;
	return 1;
}

static int all_digits(struct dump_slice w)
{
	size_t i = 0;

	return skip_digits(w.s, w.len, &i) && i == w.len;
}

/* The words of logcat's "-v threadtime" head after its time: liblog's
 * "%s%5d %5d %c " (uid, pid, tid, priority letter), the uid printed only
 * with -v uid ("%5s:" or "%5d:" with its ':' made a blank, six blanks
 * when logd knew none). Their length, 0 when S does not start so. */
static size_t threadtime_ids(const char *s, size_t n)
{
	const char *pos = s, *end = s + (n < 40 ? n : 40);
	struct dump_slice w[3], x;

	for (int k = 0; k < 4; k++) {
		if (dump_word(&pos, end, &x))
			return 0;
		if (k >= 2 && x.len == 1 && memchr("VDIWEFS", x.s[0], 7)) {
			if (!all_digits(w[k - 1]) || !all_digits(w[k - 2]) ||
			    (k == 3 && !logcat_uid(w[0])))
				return 0;
			return pos < end && *pos == ' ' ? (size_t)(pos - s) + 1 : 0;
		}
		if (k == 3)
			return 0;
		w[k] = x;
	}
	return 0;
}

size_t kmsg_logcat_head(const char *s, size_t n)
{
	struct ktime probe;	/* the time is read again for the line */
	int64_t wall = -1, boot = -1;
	size_t d, ids;

	kmsg_time_init(&probe);
	if (!(d = kmsg_logcat_time(&probe, s, n, &wall, &boot)) || d == n || s[d] != ' ' ||
	    !(ids = threadtime_ids(s + d + 1, n - d - 1)))
		return 0;
	return d + 1 + ids;
}

/* The tag after logcat's head, "%-8s: ": a tag shorter than 8 is padded
 * with blanks ("cma     : cma_alloc: ..."), one that logd did not find is
 * all blanks. The message is the tag, ": " and the rest, as printk wrote
 * it, rebuilt in SCRATCH when there was padding. */
static void logcat_tag(struct pb_buf *scratch, const char **s, size_t *n)
{
	const char *colon = kmsg_find(*s, *n < 40 ? *n : 40, ": "), *tag_end;
	size_t lead;

	if (!colon || colon == *s || colon[-1] != ' ')
		return;
	lead = dump_blanks(*s, (size_t)(colon - *s));
	tag_end = *s + dump_rtrim(*s, (size_t)(colon - *s));
	if (!lead && memchr(*s, ' ', (size_t)(tag_end - *s)))
		return;
	pb_buf_reset(scratch);
	if (!lead) {
		pb_buf_add(scratch, *s, (size_t)(tag_end - *s));
		pb_buf_add(scratch, ": ", 2);
	}
	pb_buf_add(scratch, colon + 2, (size_t)(*s + *n - colon) - 2);
	*s = pb_buf_str(scratch);
	*n = scratch->len;
}

/* The uid that logcat -v uid prints before a pid, "%5s:" or "%5d:"
 * (" root:", " 1000:"), from S[*I] (blanks skipped) up to the colon;
 * *I moves past it. 1 when there was one. */
static int uid_colon(const char *s, size_t n, size_t *i)
{
	size_t at = *i + dump_blanks(s + *i, n - *i);
	const char *colon = memchr(s + at, ':', n - at);

	if (!colon || colon == s + at ||
	    !logcat_uid((struct dump_slice){ s + at, (size_t)(colon - s) - at }))
		return 0;
	*i = (size_t)(colon - s) + 1;
	return 1;
}

/* logcat's "-v brief" head "%c/%-8s(%s%5d): " ("E/cma     (    0): ",
 * with -v uid "E/cma     ( root:    0): "), also after the time of "-v
 * time" ("%s %c/%-8s(%s%5d): "). Returns the length of the head; *TAG and
 * *TAG_LEN take the tag, blanks cut. */
static size_t logcat_brief_head(const char *s, size_t n, const char **tag, size_t *tag_len)
{
	const char *open, *close;
	size_t i;

	if (n < 8 || !memchr("VDIWEFS", s[0], 7) || s[1] != '/' ||
	    !(open = memchr(s + 2, '(', n - 2 < 48 ? n - 2 : 48)) ||
	    !(close = memchr(open, ')', (size_t)(s + n - open))))
		return 0;
	i = (size_t)(open - s) + 1;
	uid_colon(s, (size_t)(close - s), &i);
	i += dump_blanks(s + i, (size_t)(close - s) - i);
	if (!skip_digits(s, (size_t)(close - s), &i) || s + i != close ||
	    (size_t)(close - s) + 3 > n || close[1] != ':' || close[2] != ' ')
		return 0;
	*tag = s + 2;
	*tag_len = dump_rtrim(s + 2, (size_t)(open - s) - 2);
	return (size_t)(close - s) + 3;
}

/* A logcat "-v time" or "-v brief" line: *S becomes the message as printk
 * wrote it, the tag, ": " and the rest, rebuilt in SCRATCH (logd took the
 * kernel's "cma: " off as the tag); the time goes into *ST. Returns 0
 * when S is no such line. */
static int logcat_brief(struct ktime *t, struct pb_buf *scratch, const char **s, size_t *n,
			struct stamps *st)
{
	struct ktime probe = *t;	/* the date read once the line is known */
	const char *tag;
	size_t d, h, tag_len;
	int64_t ignored;

	d = kmsg_logcat_time(&probe, *s, *n, &ignored, &ignored);
	if (d && (d == *n || (*s)[d] != ' '))
		return 0;
	d += d != 0;
	if (!(h = logcat_brief_head(*s + d, *n - d, &tag, &tag_len)))
		return 0;
	if (d)
		kmsg_logcat_time(t, *s, *n, &st->wall, &st->boot);
	pb_buf_reset(scratch);
	if (tag_len) {
		pb_buf_add(scratch, tag, tag_len);
		pb_buf_add(scratch, ": ", 2);
	}
	pb_buf_add(scratch, *s + d + h, *n - d - h);
	*s = pb_buf_str(scratch);
	*n = scratch->len;
	return 1;
}

/* logcat's "-v long" head of an entry, alone on its line: liblog's
 * FORMAT_LONG "[ %s %s%5d:%5d %c/%-8s ]" (time, the uid of -v uid as in
 * logcat_brief_head(), pid, tid, priority, tag);
 * the message follows on its own lines, and a blank line ends the entry.
 * Opens the entry in T (its date, the tag logd took off the kernel's
 * message) and returns 1 when S is one. */
static int logcat_long_head(struct ktime *t, const char *s, size_t n)
{
	struct ktime probe = *t;	/* the date read once the line is known */
	const char *tag;
	size_t d, i, at, tag_len;
	int64_t ignored;

	if (n < 32 || s[0] != '[' || s[1] != ' ' || s[n - 1] != ']' || s[n - 2] != ' ' ||
	    !(d = kmsg_logcat_time(&probe, s + 2, n - 2, &ignored, &ignored)))
		return 0;
	at = i = 2 + d;
	/* -v uid's "uid:" before "pid:tid"; without it the first colon is the
	 * pid's, and no "digits:" follows it */
	if (uid_colon(s, n, &i)) {
		size_t pid_at = i;

		i += dump_blanks(s + i, n - i);
		if (skip_digits(s, n, &i) && i < n && s[i] == ':')
			i = pid_at;
		else
			i = at;
	}
	i += dump_blanks(s + i, n - i);
	if (!skip_digits(s, n, &i) || i >= n || s[i] != ':')
		return 0;
	i++;
	i += dump_blanks(s + i, n - i);
	if (!skip_digits(s, n, &i) || i + 3 >= n || s[i] != ' ' ||
	    !memchr("VDIWEFS", s[i + 1], 7) || s[i + 2] != '/')
		return 0;
	tag = s + i + 3;
	tag_len = dump_rtrim(tag, (size_t)(s + n - 2 - tag));
	if (tag_len >= sizeof(t->entry_tag) || memchr(tag, ' ', tag_len))
		return 0;
	t->entry_wall = t->entry_boot = -1;
	kmsg_logcat_time(t, s + 2, n - 2, &t->entry_wall, &t->entry_boot);
	t->entry_open = 1;
	memcpy(t->entry_tag, tag, tag_len);
	t->entry_tag_len = tag_len;
	return 1;
}

/* A line of logcat -v long's open entry: the message, the tag put back in
 * front as printk wrote it ("cma: cma_alloc: ..."), rebuilt in SCRATCH,
 * with the entry's time. A blank line closes the entry (a line of the
 * framing, no kernel line). Returns 1 when
 * the line was one of the entry's. */
static int logcat_long_line(struct ktime *t, struct pb_buf *scratch, const char *s, size_t n,
			    struct kline *l, struct stamps *st)
{
	if (!t->entry_open)
		return 0;
	if (!dump_rtrim(s, n)) {
		t->entry_open = 0;	/* the blank line after the entry */
		l->framing = 1;
		l->kernel = 0;
		l->text = s + n;
		l->len = 0;
		return 1;
	}
	pb_buf_reset(scratch);
	if (t->entry_tag_len) {
		pb_buf_add(scratch, t->entry_tag, t->entry_tag_len);
		pb_buf_add(scratch, ": ", 2);
	}
	pb_buf_add(scratch, s, n);
	st->wall = t->entry_wall;
	st->boot = t->entry_boot;
	l->text = pb_buf_str(scratch);
	l->len = dump_rtrim(l->text, scratch->len);
	return 1;
}

/* The bracketed time and what follows it: a caller id, and (journalctl -o
 * short-monotonic, short-delta: "[  1.23] host kernel: ") when no date
 * came first, the host. */
static size_t stamp_part(struct ktime *t, const char *s, size_t n, int dated,
			 struct stamps *st, struct kline *l)
{
	size_t i = kmsg_bracket_stamp(t, s, n, st);

	if (!i)
		return 0;
	if (i < n && s[i] == ' ' && caller_prefix(s + i + 1, n - i - 1, NULL))
		i++;
	i += caller_prefix(s + i, n - i, l);
	if (i < n && s[i] == ' ')
		i++;
	if (!dated) {
		int kernel = 1;

		i += journal_host(s + i, n - i, &kernel);
	}
	return i;
}

/* Where the seconds of a printk time ("%lu.%06lu": digits, a '.', six
 * digits) that start at S[I] end, 0 when there are none. */
static size_t printk_seconds_end(const char *s, size_t n, size_t i)
{
	size_t at;

	if (!skip_digits(s, n, &i) || i == n || s[i] != '.')
		return 0;
	at = ++i;
	return skip_digits(s, n, &i) && i - at == 6 ? i : 0;
}

/* Whether S (N bytes, from its '[') holds a printk time, "[%5lu.%06lu]". */
static int printk_stamp_at(const char *s, size_t n)
{
	size_t i = 1;

	while (i < n && s[i] == ' ')
		i++;
	i = printk_seconds_end(s, n, i);
	return i && i < n && s[i] == ']';
}

const char *kmsg_inner_stamp(const char *s, size_t n)
{
	const char *p, *end = s + n;

	if (n < 2)
		return NULL;
	for (p = memchr(s + 1, '[', n - 1); p; p = memchr(p + 1, '[', (size_t)(end - p - 1))) {
		if (end - p < 2)
			break;
		if (printk_stamp_at(p, (size_t)(end - p)))
			return p;
	}
	return NULL;
}

/* A console shared with programs' output: a kernel line may begin in the
 * middle of a program's text ("video/[  421.495561] alloc_contig_range:
 * ..."), or its '[' may end the line above, leaving "421.504399] ..." at
 * the start of this one. For a line with no prefix at all: where the
 * kernel's line begins after its printk time, 0 when S has none. */
static size_t console_stamp(struct ktime *t, const char *s, size_t n, struct stamps *st,
			    struct kline *l)
{
	const char *p, *end = s + n;
	size_t i;

	if (n < 2)
		return 0;
	/* "%lu.%06lu] " without its '[' */
	i = printk_seconds_end(s, n, 0);
	if (i && n - i >= 2 && s[i] == ']' && s[i + 1] == ' ' &&
	    !pb_parse_seconds_ns(s, i, &st->boot))
		return i + 2;
	for (p = memchr(s + 1, '[', n - 1); p; p = memchr(p + 1, '[', (size_t)(end - p - 1))) {
		size_t h;

		if (end - p < 2)
			break;
		if (printk_stamp_at(p, (size_t)(end - p)) &&
		    (h = stamp_part(t, p, (size_t)(end - p), 0, st, l)))
			return (size_t)(p - s) + h;
	}
	return 0;
}

void kmsg_strip_prefix(struct ktime *t, struct pb_buf *scratch, const char *s, size_t n,
		       struct kline *l, struct stamps *st)
{
	size_t i = 0, d = 0, h, ln;
	const char *ls;
	int journal = 0;

	*st = (struct stamps){ .boot = -1, .wall = -1, .delta = -1, .delta_of = CLOCK_UNSET };
	l->kernel = 1;
	l->cpu = l->pid = -1;
	l->comm = NULL;
	l->comm_len = 0;
	l->framing = 0;
	if (logcat_long_head(t, s, n)) {
		l->framing = 1;	/* the head of the entry, no message */
		l->kernel = 0;
		l->text = s + n;
		l->len = 0;
		return;
	}
	if (logcat_long_line(t, scratch, s, n, l, st))
		return;
	/* most lines begin with their printk time, "[%5lu.%06lu]": none of
	 * the prefixes that may come before one is a '[' and such a time
	 * (grabserial's stamp holds two times, tio's a ':'; the others begin
	 * with no '['), so the time is read at once */
	if (!(n && s[0] == '[' && printk_stamp_at(s, n))) {
		i += kmsg_serial_stamp(s, n, &st->wall);
		i += level_prefix(s + i, n - i);
		i += devkmsg_prefix(s + i, n - i, &st->boot, l);
		i += facility_prefix(s + i, n - i);
		if ((h = kmsg_logcat_head(s + i, n - i))) {
			kmsg_logcat_time(t, s + i, n - i, &st->wall, &st->boot);
			s += i + h;
			n -= i + h;
			logcat_tag(scratch, &s, &n);
			i = level_prefix(s, n);
			d = 1;
		} else if ((ls = s + i, ln = n - i, logcat_brief(t, scratch, &ls, &ln, st))) {
			s = ls;
			n = ln;
			i = level_prefix(s, n);
			d = 1;
		} else {
			d = kmsg_date_prefix(t, s + i, n - i, &st->wall, &journal);
			i += d;
		}
		if (journal)
			i += journal_host(s + i, n - i, &l->kernel);
	}
	h = stamp_part(t, s + i, n - i, d != 0, st, l);
	/* printk.time=0 leaves the caller id alone: "[  T901] " */
	if (!h && (h = caller_prefix(s + i, n - i, l)) && h < n - i && s[i + h] == ' ')
		h++;
	i += h;
	if (!i)
		i = console_stamp(t, s, n, st, l);
	i += task_prefix(s + i, n - i, l);
	l->text = s + i;
	l->len = dump_rtrim(s + i, n - i);
}
