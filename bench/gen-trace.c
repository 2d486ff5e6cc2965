/* gen-trace.c - replay a real trace capture until the output reaches a size.
 *
 *   gen-trace [-f ftrace|perf|kmsg] SEED MB > big.txt
 *
 * SEED is a plain-text capture; it is read line by line, once per replay,
 * never held in memory. The first replay is copied as is. Every later one
 * shifts the timestamps past the previous replay (so time stays monotonic),
 * moves pids by a multiple of 8192, and for ftrace and perf moves every
 * pfn (keys ending in "pfn", "range=(A ~ B)") by a multiple of 1 GiB of
 * pages and every nonzero page= pointer by the same number of struct pages,
 * so the page-pointer to pfn mapping stays consistent. Stack frames are
 * copied unchanged: a long trace repeats the same call paths.
 *
 * Output stops at the first record boundary after MB MiB: before an event
 * line (ftrace, perf) or at the end of a replay (kmsg, whose records span
 * many lines). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum fmt { FMT_FTRACE, FMT_PERF, FMT_KMSG };

#define PAGES_PER_GIB	0x40000ull
#define STRUCT_PAGE	64ull	/* sizeof(struct page) on arm64 and x86_64 */

struct gen {
	FILE *out;
	enum fmt fmt;
	uint64_t pass;		/* replay number; 0 is the capture as is */
	uint64_t sec_shift;	/* seconds added to every timestamp */
	uint64_t min_sec, max_sec;	/* seconds seen in the first replay */
	uint64_t pfn_shift;
	uint64_t pid_shift;
	uint64_t written;
};

static void emit(struct gen *g, const char *s, size_t n)
{
	if (n && fwrite(s, 1, n, g->out) != n) {
		perror("gen-trace: write");
		exit(1);
	}
	g->written += n;
}

static void emit_str(struct gen *g, const char *s)
{
	emit(g, s, strlen(s));
}

static void emit_spaces(struct gen *g, size_t n)
{
	static const char spaces[] = "                                ";

	while (n) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		emit(g, spaces, k);
		n -= k;
	}
}

static const char *skip_digits(const char *s, const char *end)
{
	while (s < end && isdigit((unsigned char)*s))
		s++;
	return s;
}

static const char *skip_hex(const char *s, const char *end)
{
	while (s < end && isxdigit((unsigned char)*s))
		s++;
	return s;
}

/* Records the seconds of the first replay; later replays start one second
 * after its last timestamp. */
static uint64_t shift_seconds(struct gen *g, uint64_t sec)
{
	if (g->pass == 0) {
		if (sec < g->min_sec)
			g->min_sec = sec;
		if (sec > g->max_sec)
			g->max_sec = sec;
	}
	return sec + g->sec_shift;
}

/* Rewrites the integer seconds at [s, dot) preceded by GAP spaces: a longer
 * number eats into the padding so the columns stay aligned. */
static void emit_seconds(struct gen *g, size_t gap, const char *s, const char *dot)
{
	char num[24];
	size_t old = (size_t)(dot - s), len;

	len = (size_t)snprintf(num, sizeof(num), "%" PRIu64,
			       shift_seconds(g, strtoull(s, NULL, 10)));
	if (len > old)
		gap = gap > len - old ? gap - (len - old) : (gap ? 1 : 0);
	emit_spaces(g, gap);
	emit(g, num, len);
}

static void emit_hex(struct gen *g, uint64_t v, int prefix, size_t width)
{
	char num[24];

	snprintf(num, sizeof(num), "%s%0*" PRIx64, prefix ? "0x" : "", (int)width, v);
	emit_str(g, num);
}

/* Copies a hexadecimal value at S plus DELTA, keeping its style (0x prefix,
 * zero padding); returns the end of the value. Zero (NULL) stays zero. */
static const char *emit_shifted_hex(struct gen *g, const char *s, const char *end,
				    uint64_t delta)
{
	int prefix = end - s > 2 && s[0] == '0' && s[1] == 'x';
	const char *digits = s + (prefix ? 2 : 0);
	const char *e = skip_hex(digits, end);
	uint64_t v;

	if (e == digits || (e < end && !isspace((unsigned char)*e) && *e != ')')) {
		emit(g, s, (size_t)(e - s));
		return e;
	}
	v = strtoull(digits, NULL, 16);
	emit_hex(g, v ? v + delta : 0, prefix, prefix ? 0 : (size_t)(e - digits));
	return e;
}

static int key_is(const char *k, size_t len, const char *name)
{
	return len == strlen(name) && !memcmp(k, name, len);
}

static int key_ends_with(const char *k, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && !memcmp(k + len - n, suffix, n);
}

/* Copies a key=value body, moving pfns and page pointers. */
static void emit_body(struct gen *g, const char *s, const char *end)
{
	while (s < end) {
		const char *k = s, *eq;
		size_t klen;

		while (s < end && (isalnum((unsigned char)*s) || *s == '_'))
			s++;
		klen = (size_t)(s - k);
		if (!klen || s >= end || *s != '=') {
			/* not a key: copy up to the next token */
			while (s < end && *s != ' ')
				s++;
			while (s < end && *s == ' ')
				s++;
			emit(g, k, (size_t)(s - k));
			continue;
		}
		eq = ++s;
		emit(g, k, (size_t)(eq - k));
		if (key_ends_with(k, klen, "pfn")) {
			s = emit_shifted_hex(g, s, end, g->pfn_shift);
		} else if (key_is(k, klen, "page")) {
			s = emit_shifted_hex(g, s, end, g->pfn_shift * STRUCT_PAGE);
		} else if (key_is(k, klen, "range") && s < end && *s == '(') {
			emit(g, s++, 1);
			s = emit_shifted_hex(g, s, end, g->pfn_shift);
			if (end - s > 3 && !memcmp(s, " ~ ", 3)) {
				emit(g, s, 3);
				s = emit_shifted_hex(g, s + 3, end, g->pfn_shift);
			}
		}
		k = s;
		while (s < end && *s != ' ')
			s++;
		while (s < end && *s == ' ')
			s++;
		emit(g, k, (size_t)(s - k));
	}
}

/* The "[001]" cpu column: the anchor of ftrace and perf event lines. */
static const char *find_cpu(const char *s, const char *end)
{
	for (; (s = memchr(s, '[', (size_t)(end - s))); s++) {
		const char *d = skip_digits(s + 1, end);

		if (d > s + 1 && d < end && *d == ']')
			return s;
	}
	return NULL;
}

/* Copies "comm-PID (TGID) " (ftrace) or "comm PID " (perf), the text in
 * front of the cpu column, with the pid and tgid moved. */
static void emit_task(struct gen *g, const char *line, const char *cpu)
{
	const char *p = cpu, *tgid_open = NULL, *tgid_close = NULL, *pid;
	char num[24];
	size_t len, region;

	while (p > line && p[-1] == ' ')
		p--;
	if (p > line && p[-1] == ')') {
		tgid_close = p - 1;
		tgid_open = memrchr(line, '(', (size_t)(tgid_close - line));
		if (!tgid_open)
			tgid_close = NULL;
		else
			for (p = tgid_open; p > line && p[-1] == ' '; p--)
				;
	}
	for (pid = p; pid > line && isdigit((unsigned char)pid[-1]); pid--)
		;
	if (pid == p || pid == line || strtoull(pid, NULL, 10) == 0) {
		emit(g, line, (size_t)(cpu - line));
		return;
	}
	emit(g, line, (size_t)(pid - line));
	len = (size_t)snprintf(num, sizeof(num), "%" PRIu64,
			       (uint64_t)strtoull(pid, NULL, 10) + g->pid_shift);
	emit(g, num, len);
	p = tgid_open ? tgid_open : cpu;
	region = (size_t)(p - pid);
	emit_spaces(g, region > len + 1 ? region - len : 1);
	if (!tgid_open)
		return;
	/* "(    106)": the tgid right-aligned in the same width */
	for (p = tgid_open + 1; p < tgid_close && *p == ' '; p++)
		;
	if (skip_digits(p, tgid_close) != tgid_close || p == tgid_close) {
		emit(g, tgid_open, (size_t)(cpu - tgid_open));
		return;
	}
	len = (size_t)snprintf(num, sizeof(num), "%" PRIu64,
			       (uint64_t)strtoull(p, NULL, 10) + g->pid_shift);
	region = (size_t)(tgid_close - tgid_open - 1);
	emit_str(g, "(");
	emit_spaces(g, region > len ? region - len : 0);
	emit(g, num, len);
	emit(g, tgid_close, (size_t)(cpu - tgid_close));
}

/* Finds the "SSS.UUUUUU:" timestamp token after the cpu column. */
static const char *find_timestamp(const char *s, const char *end)
{
	while (s < end) {
		const char *tok, *d;

		while (s < end && *s == ' ')
			s++;
		tok = s;
		d = skip_digits(tok, end);
		if (d > tok && d < end && *d == '.') {
			const char *f = skip_digits(d + 1, end);

			if (f > d + 1 && f < end && *f == ':')
				return tok;
		}
		while (s < end && *s != ' ')
			s++;
	}
	return NULL;
}

/* An ftrace or perf event line: task, cpu, flags, timestamp, event, body. */
static void emit_event(struct gen *g, const char *line, const char *end)
{
	const char *cpu = find_cpu(line, end), *ts, *gap, *dot, *body;

	ts = cpu ? find_timestamp(strchr(cpu, ']') + 1, end) : NULL;
	if (!ts) {
		emit(g, line, (size_t)(end - line));
		return;
	}
	emit_task(g, line, cpu);
	for (gap = ts; gap > cpu && gap[-1] == ' '; gap--)
		;
	emit(g, cpu, (size_t)(gap - cpu));
	dot = memchr(ts, '.', (size_t)(end - ts));
	emit_seconds(g, (size_t)(ts - gap), ts, dot);
	/* the event name ends at the first ": " after the timestamp */
	body = memmem(dot, (size_t)(end - dot), ": ", 2);
	body = body ? memmem(body + 2, (size_t)(end - body - 2), ": ", 2) : NULL;
	if (!body) {
		emit(g, dot, (size_t)(end - dot));
		return;
	}
	body += 2;
	emit(g, dot, (size_t)(body - dot));
	emit_body(g, body, end);
}

/* A kernel log line: "[   41.612865] text". */
static void emit_kmsg(struct gen *g, const char *line, const char *end)
{
	const char *ts = line + 1, *dot;

	while (ts < end && *ts == ' ')
		ts++;
	dot = skip_digits(ts, end);
	if (*line != '[' || dot == ts || dot >= end || *dot != '.') {
		emit(g, line, (size_t)(end - line));
		return;
	}
	emit_str(g, "[");
	emit_seconds(g, (size_t)(ts - line - 1), ts, dot);
	emit(g, dot, (size_t)(end - dot));
}

static int is_event_line(enum fmt fmt, const char *line)
{
	if (fmt == FMT_FTRACE)
		return line[0] != '#' && strncmp(line, " =>", 3) && line[0] != '\n';
	if (fmt == FMT_PERF)
		return line[0] != '\t' && line[0] != ' ' && line[0] != '\n';
	return 0;
}

/* One replay of the seed; returns 1 when the target size was reached. The
 * first replay has no shifts, so it copies the capture byte for byte. */
static int replay(struct gen *g, FILE *seed, uint64_t target)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int event, done = 0;

	while ((n = getline(&line, &cap, seed)) > 0) {
		event = is_event_line(g->fmt, line);
		if (event && g->written >= target) {
			done = 1;
			break;
		}
		if (g->fmt == FMT_FTRACE && line[0] == '#') {
			if (g->pass == 0)	/* the header belongs at the top only */
				emit(g, line, (size_t)n);
		} else if (event) {
			emit_event(g, line, line + n);
		} else if (g->fmt == FMT_KMSG) {
			emit_kmsg(g, line, line + n);
		} else {
			emit(g, line, (size_t)n);
		}
	}
	free(line);
	if (ferror(seed)) {
		perror("gen-trace: read");
		exit(1);
	}
	return done || g->written >= target;
}

static void usage(void)
{
	fputs("usage: gen-trace [-f ftrace|perf|kmsg] SEED MB > out.txt\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	struct gen g = { .out = stdout, .fmt = FMT_FTRACE, .min_sec = UINT64_MAX };
	uint64_t target;
	FILE *seed;
	int c;

	while ((c = getopt(argc, argv, "f:")) != -1) {
		if (c != 'f')
			usage();
		if (!strcmp(optarg, "ftrace"))
			g.fmt = FMT_FTRACE;
		else if (!strcmp(optarg, "perf"))
			g.fmt = FMT_PERF;
		else if (!strcmp(optarg, "kmsg"))
			g.fmt = FMT_KMSG;
		else
			usage();
	}
	if (argc - optind != 2)
		usage();
	target = strtoull(argv[optind + 1], NULL, 10) << 20;
	seed = fopen(argv[optind], "r");
	if (!seed) {
		fprintf(stderr, "gen-trace: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	setvbuf(seed, NULL, _IOFBF, 1 << 20);
	setvbuf(stdout, NULL, _IOFBF, 1 << 20);
	while (!replay(&g, seed, target)) {
		if (g.written == 0 || g.min_sec > g.max_sec) {
			fprintf(stderr, "gen-trace: %s: no timestamped lines\n", argv[optind]);
			return 1;
		}
		g.pass++;
		g.sec_shift = g.pass * (g.max_sec - g.min_sec + 1);
		g.pid_shift = (g.pass % 512) * 8192;
		g.pfn_shift = (g.pass % 8) * PAGES_PER_GIB;
		rewind(seed);
	}
	fclose(seed);
	if (fflush(stdout) || ferror(stdout)) {
		perror("gen-trace: write");
		return 1;
	}
	return 0;
}
