/* perf_script.c - "perf script" text of tracepoint samples (doc/FORMATS.md section 1).
 *
 *   comm pid/tid [cpu] misc tod secs.frac: period sys:event: flags body
 *     then addr, weight               "%16" of 0 for a tracepoint
 *       data_src "  5080021 |OP N/A|LVL ...|BLK  N/A", cgroup " /user.slice"
 *     then " addr sym+off (dso)"      the sample's address, -F ip without -g
 *     then " ABI:2  AX:0x0 ..."       -F iregs, uregs
 *     then " ilen: 5 insn: e8 .."     -F insnlen, insn
 *     then phys_addr                  "%16" of 0 for a tracepoint
 *     then " N/A 4K", " \t IPC: .."  -F data_page_size, code_page_size; ipc
 *   <TAB>addr sym+off (dso)          callchain, leaf first, with -g
 *     srcline                        after each frame, with -F +srcline
 *    ABI:2  AX:0x0 .. ilen: 6        the columns after the ip, if any,
 *                                    end it (no blank line then)
 *   <blank line>                     ends a sample that has a callchain
 *
 * perf script -F chooses the columns before the event, in this order:
 * comm (not padded when callchains are on, may hold blanks), pid, tid or
 * pid/tid, [cpu], the misc letters, the time of day
 * "2026-11-25 14:54:01.678417", the time, the period. Each may be left out.
 * A head is anchored on the time ("secs.frac:" followed by the event), or,
 * without one, on the first "sys:event:" token; the other columns are read
 * backwards from the anchor and what is left is the comm. A bare event
 * name ("cycles:") is taken only after a time with a pid before it: ftrace
 * lines print bare names too.
 *
 * Side-band records (--show-task-events, --show-mmap-events,
 * --show-round-events, ...: "PERF_RECORD_FORK(1:1):(0:0)" after the same
 * columns) are skipped and counted in the meta "sideband_records".
 *
 * --reltime and --deltatime print times since the first sample or since
 * the previous one. A recorded clock is never exactly 0, so a first sample
 * at 0.000000 sets the parser meta "clock" to "relative", and to "delta"
 * once a time then goes backwards (--reltime's never do): the times are
 * kept as printed, and the store then compares them with no other source's.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldbase.h"
#include "text.h"

/* 64-bit kernels have their addresses in the upper half, user space below. */
#define KERNEL_HALF 0x8000000000000000ull
/* TASK_COMM_LEN - 1: the longest comm perf can print */
#define COMM_MAX 15

enum time_base {
	TIME_UNSEEN,		/* no sample with a time yet */
	TIME_ABSOLUTE,		/* or not known to be anything else */
	TIME_RELATIVE,		/* --reltime or --deltatime */
	TIME_DELTA,		/* --deltatime */
};

/* Callchains, kept by their bytes: a trace repeats a few call paths, and
 * parsing every frame line of every sample again was most of the parsing.
 * The same lines read from the same state (whether a kernel address was
 * seen, which makes a later address without a dso a user frame) give the
 * same frames, so a callchain seen before is taken with one compare.
 * Bounded: CHAIN_SETS sets of CHAIN_WAYS, the least recently used one
 * replaced; a callchain past CHAIN_RAW_MAX bytes is parsed each time. */
#define CHAIN_SETS 16
#define CHAIN_WAYS 4
#define CHAIN_RAW_MAX 16384

struct chain_memo {
	uint64_t sig;		/* chain_sig() of the bytes */
	uint64_t used;		/* perf_script.chain_clock when last used; 0: empty */
	uint64_t key;		/* frames_key; uframes_key is key + 1 */
	int addr64_in, addr64_out;
	uint32_t lines;		/* the blank line that ends it included */
	struct pb_buf raw;
	struct pb_arena arena;	/* the frames and their strings */
	struct pb_frame *frames, *uframes;
	size_t nframes, nuframes;
};

struct perf_script {
	struct pb_frame *frames;	/* callchain of the sample being read */
	size_t cap;
	struct chain_memo chains[CHAIN_SETS * CHAIN_WAYS];
	uint64_t chain_clock;
	struct pb_buf chain_raw;	/* the bytes of the callchain being parsed */
	bool chains_off;		/* PINBLAME_RUN_MEMO=0, for tests */
	uint64_t sideband;		/* side-band records skipped */
	int64_t last_ts;		/* of the previous sample */
	enum time_base time_base;
	int addr64;			/* a kernel-half address was seen */
};

static void *perf_open(struct pb_parser *p, char *err, size_t errlen)
{
	struct perf_script *ps = pb_calloc(1, sizeof(*ps));
	const char *memo = getenv("PINBLAME_RUN_MEMO");

	ps->chains_off = memo && *memo == '0';
	return ps;
}

static void perf_close(void *state)
{
	struct perf_script *ps = state;

	for (size_t i = 0; i < PB_ARRAY_SIZE(ps->chains); i++) {
		pb_buf_free(&ps->chains[i].raw);
		pb_arena_free(&ps->chains[i].arena);
	}
	pb_buf_free(&ps->chain_raw);
	free(ps->frames);
	free(ps);
}

/* "# os release : 6.1.0-50-arm64", "# arch : aarch64", "# nrcpus online : 2"
 * from perf script --header. */
static void header_line(struct pb_parser *p, const char *line, size_t len)
{
	static const struct {
		const char *prefix, *key;
	} facts[] = {
		{ "# os release : ", "kernel" },
		{ "# arch : ", "arch" },
		{ "# nrcpus online : ", "cpus" },
	};

	for (size_t i = 0; i < PB_ARRAY_SIZE(facts); i++) {
		size_t n = strlen(facts[i].prefix);

		if (len > n && !memcmp(line, facts[i].prefix, n)) {
			pb_text_set_meta(p, facts[i].key, line + n, len - n);
			return;
		}
	}
}

static int is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* A blank-separated token of a line: [s, e). */
struct tok {
	const char *s, *e;
};

/* The token before P (empty when only blanks are). */
static struct tok token_before(const char *line, const char *p)
{
	struct tok t;

	t.e = p;
	while (t.e > line && is_blank(t.e[-1]))
		t.e--;
	t.s = t.e;
	while (t.s > line && !is_blank(t.s[-1]))
		t.s--;
	return t;
}

static int is_timestamp(const char *s, const char *e)
{
	const char *dot = memchr(s, '.', (size_t)(e - s));

	if (!dot || dot == s || dot + 1 == e)
		return 0;
	for (const char *p = s; p < e; p++)
		if (p != dot && !pb_is_digit(*p))
			return 0;
	return 1;
}

/* Whether T is PAT, 'd' standing for a digit, with perhaps a fraction
 * ".123" after it. */
static int has_shape(struct tok t, const char *pat)
{
	const char *s = t.s;

	for (; *pat; pat++, s++)
		if (s == t.e || (*pat == 'd' ? !pb_is_digit(*s) : *s != *pat))
			return 0;
	if (s < t.e && *s++ != '.')
		return 0;
	while (s < t.e && pb_is_digit(*s))
		s++;
	return s == t.e;
}

/* -F +misc: K(ernel) U(ser) H(ypervisor) G/g (guest), M(map data),
 * E(xec), S(witch out) p(reempt), at most six. */
static int is_misc(struct tok t)
{
	if (t.s == t.e || t.e - t.s > 6)
		return 0;
	for (const char *p = t.s; p < t.e; p++)
		if (!memchr("KUHGgMESp", *p, 9))
			return 0;
	return 1;
}

static int is_cpu(struct tok t, int32_t *cpu)
{
	uint64_t v;

	if (t.e - t.s < 3 || t.s[0] != '[' || t.e[-1] != ']' ||
	    pb_parse_u64(t.s + 1, (size_t)(t.e - t.s - 2), &v) < 0 || v > INT32_MAX)
		return 0;
	*cpu = (int32_t)v;
	return 1;
}

/* "pid", "tid" or "pid/tid": the record's pid is the thread, as in ftrace. */
static int is_pid(struct tok t, int32_t *pid, int32_t *tgid)
{
	const char *slash = memchr(t.s, '/', (size_t)(t.e - t.s));
	uint64_t a, b = 0;

	if (pb_parse_u64(t.s, (size_t)((slash ? slash : t.e) - t.s), &a) < 0 || a > INT32_MAX ||
	    (slash && (pb_parse_u64(slash + 1, (size_t)(t.e - slash - 1), &b) < 0 ||
		       b > INT32_MAX)))
		return 0;
	*pid = (int32_t)(slash ? b : a);
	*tgid = slash ? (int32_t)a : -1;
	return 1;
}

struct sample_head {
	const char *comm, *comm_end;
	const char *event, *event_end;	/* without the final ':' */
	const char *body;
	int32_t pid, tgid, cpu;
	int64_t ts_ns;
};

enum head {
	HEAD_NONE,
	HEAD_SAMPLE,
	HEAD_SIDEBAND,
	HEAD_DEFERRED,		/* a side-band record with user frames under it */
};

/* The columns before the anchor at P, read backwards, each optional; the
 * comm is what is left. */
static void columns_before(const char *line, const char *p, struct sample_head *h)
{
	struct tok t = token_before(line, p), date = token_before(line, t.s);

	if (has_shape(t, "dd:dd:dd") && has_shape(date, "dddd-dd-dd"))
		t = token_before(line, date.s);
	if (is_misc(t))
		t = token_before(line, t.s);
	if (is_cpu(t, &h->cpu))
		t = token_before(line, t.s);
	if (is_pid(t, &h->pid, &h->tgid))
		t = token_before(line, t.s);
	h->comm = pb_skip_blanks(line, t.e);
	h->comm_end = t.e;
}

static int is_sideband(struct tok t)
{
	return t.e - t.s > 12 && !memcmp(t.s, "PERF_RECORD_", 12);
}

/* perf 6.19+ with --no-merge-callchains prints the user callchain that
 * the kernel unwound later as a record of its own, "DEFERRED CALLCHAIN
 * [cookie: %llx]" after the sample columns, its frames under it
 * (builtin-script.c process_deferred_sample_event()). */
static int is_deferred(struct tok ev, const char *end)
{
	static const char word[] = "CALLCHAIN";
	const char *next = pb_skip_blanks(ev.e, end);

	return ev.e - ev.s == 8 && !memcmp(ev.s, "DEFERRED", 8) &&
	       (size_t)(end - next) >= sizeof(word) - 1 && !memcmp(next, word, sizeof(word) - 1);
}

static int all_key_chars(const char *s, const char *e)
{
	if (s == e)
		return 0;
	for (; s < e; s++)
		if (!pb_is_key_char(*s))
			return 0;
	return 1;
}

/* "sys:event:" with [A-Za-z0-9_] names on both sides of the inner ':'. */
static int is_sys_event(struct tok t)
{
	const char *sep;

	if (t.e - t.s < 4 || t.e[-1] != ':')
		return 0;
	sep = memchr(t.s, ':', (size_t)(t.e - 1 - t.s));
	return sep && all_key_chars(t.s, sep) && all_key_chars(sep + 1, t.e - 1);
}

/* The event after the time: "sys:event:" or a bare "event:". */
static int is_event(struct tok t)
{
	const char *sep;

	if (t.e - t.s < 2 || t.e[-1] != ':')
		return 0;
	sep = memchr(t.s, ':', (size_t)(t.e - 1 - t.s));
	return !sep || (sep != t.s && sep + 1 != t.e - 1);
}

static void set_event(struct sample_head *h, struct tok ev, const char *end)
{
	h->event = ev.s;
	h->event_end = ev.e - 1;
	h->body = pb_skip_blanks(ev.e, end);
}

/* Digits from P; NULL when none. */
static const char *skip_digits(const char *p, const char *e)
{
	const char *q = pb_skip_digits(p, e);

	return q > p ? q : NULL;
}

/* The last occurrence of the NUL-terminated WHAT in [S, E), or NULL. */
static const char *last_of(const char *s, const char *e, const char *what)
{
	size_t n = strlen(what);

	if ((size_t)(e - s) < n)
		return NULL;
	for (size_t i = (size_t)(e - s) - n + 1; i-- > 0;)
		if (!memcmp(s + i, what, n))
			return s + i;
	return NULL;
}

/* "-F ...,period" prints the sample period between the time and the event. */
static const char *skip_period(const char *p, const char *end)
{
	const char *q = skip_digits(p, end);

	if (!q || q == end || !is_blank(*q))
		return p;
	return pb_skip_blanks(q, end);
}

/* The head anchored on the time token TS. */
static enum head after_time(const char *line, struct tok ts, const char *end,
			    struct sample_head *h)
{
	struct tok ev;

	if (pb_parse_seconds_ns(ts.s, (size_t)(ts.e - 1 - ts.s), &h->ts_ns) < 0)
		return HEAD_NONE;
	ev.s = skip_period(pb_skip_blanks(ts.e, end), end);
	ev.e = pb_token_end(ev.s, end);
	columns_before(line, ts.s, h);
	if (is_sideband(ev))
		return HEAD_SIDEBAND;
	if (is_deferred(ev, end))
		return HEAD_DEFERRED;
	if (!is_event(ev) ||
	    (!is_sys_event(ev) && (h->pid < 0 || h->comm == h->comm_end)))
		return HEAD_NONE;
	set_event(h, ev, end);
	return HEAD_SAMPLE;
}

/* The head anchored on the token T, a side-band record name or "sys:event:",
 * without a time: the comm is short, which tells it from a log line. */
static enum head before_anchor(const char *line, struct tok t, enum head kind,
			       const char *end, struct sample_head *h)
{
	columns_before(line, t.s, h);
	if (h->comm_end - h->comm > COMM_MAX)
		return HEAD_NONE;
	if (kind == HEAD_SAMPLE)
		set_event(h, t, end);
	return kind;
}

static enum head parse_head(const char *line, size_t len, struct sample_head *h)
{
	const char *end = line + len;
	struct tok t = { line, line };

	h->pid = h->tgid = h->cpu = -1;
	h->ts_ns = -1;
	while ((t.s = pb_skip_blanks(t.e, end)) < end) {
		t.e = pb_token_end(t.s, end);
		if (t.e[-1] == ':' && is_timestamp(t.s, t.e - 1))
			return after_time(line, t, end, h);
		if (is_sideband(t))
			return before_anchor(line, t, HEAD_SIDEBAND, end, h);
		if (is_sys_event(t))
			return before_anchor(line, t, HEAD_SAMPLE, end, h);
	}
	return HEAD_NONE;
}

/* Without a time only a known "system:event" pair tells a sample from a
 * kernel log line such as "acpi PNP0A03:00: _OSC: ...". */
static int known_event(const struct sample_head *h)
{
	const char *sep = memchr(h->event, ':', (size_t)(h->event_end - h->event));
	size_t n = (size_t)(h->event_end - sep - 1);
	const char *system;
	char name[64];

	if (n >= sizeof(name))
		return 0;
	memcpy(name, sep + 1, n);
	name[n] = '\0';
	system = pb_event_system(name);
	return system && strlen(system) == (size_t)(sep - h->event) &&
	       !memcmp(system, h->event, (size_t)(sep - h->event));
}

int pb_perf_sample_line(const char *line, size_t len)
{
	struct sample_head h;

	switch (parse_head(line, len, &h)) {
	case HEAD_SIDEBAND:
	case HEAD_DEFERRED:
		return 1;
	case HEAD_SAMPLE:
		return h.ts_ns >= 0 || known_event(&h);
	default:
		return 0;
	}
}

/* %PRIx64: hex digits without 0x */
static int all_hex(const char *s, const char *e)
{
	for (; s < e; s++)
		if (!pb_is_digit(*s) && !((*s | 0x20) >= 'a' && (*s | 0x20) <= 'f'))
			return 0;
	return 1;
}

/* Whether [s, e) is all decimal digits. */
static int all_decimal(const char *s, const char *e)
{
	for (; s < e; s++)
		if (!pb_is_digit(*s))
			return 0;
	return 1;
}

/* Whether the token T, after one blank, reads as an item of libtraceevent's
 * decimal array ("bitmap:0 3 18446744073709551615", FORMATS.md section 1)
 * rather than the sample's address: it has more digits than "%16" PRIx64
 * prints, or it is all decimal digits and no symbol or dso follows it
 * (only another number, or nothing). */
static int array_item_not_ip(struct tok t, const char *sym, const char *sym_end,
			     const char *rest, const char *end)
{
	if (t.e - t.s > 16)
		return 1;
	return t.s[-1] == ' ' && !is_blank(t.s[-2]) && all_decimal(t.s, t.e) &&
	       all_decimal(sym, sym_end) && rest == end;
}

/* The columns perf prints after the trace body when -F names ip (and
 * sym, symoff, dso) and the sample has no callchain: fputc(' ') then
 * "%16" PRIx64 of the sample's address, " sym" or " sym+0x.." and
 * " (dso)" on the body's line (builtin-script.c process_event(),
 * evsel_fprintf.c sample__fprintf_sym()). The address and the blanks
 * before it fill 17 columns at least, which a value of a body (a word of
 * a string, a number of libtraceevent's array "1 2 3") does not; after it
 * only a symbol without blanks and the dso in parentheses. Without -F
 * trace the address is the body's first token, after "%*s: " of the event
 * name: 18 columns from the event's ':'. The start of the address in the
 * body [S, E) of the event that ends at EV_END, or NULL. */
static const char *ip_columns(const char *ev_end, const char *s, const char *e)
{
	const char *prev_end = ev_end;
	long need = 18;		/* columns to the end of the address */
	struct tok t = { s, s };

	while ((t.s = pb_skip_blanks(t.e, e)) < e) {
		const char *rest, *sym, *sym_end;

		t.e = pb_token_end(t.s, e);
		if (t.e - prev_end < need || !all_hex(t.s, t.e)) {
			prev_end = t.e;
			need = 17;
			continue;
		}
		rest = pb_skip_blanks(t.e, e);
		sym = rest;
		sym_end = rest < e && *rest != '(' ? pb_token_end(rest, e) : rest;
		rest = pb_skip_blanks(sym_end, e);
		if ((rest == e || (*rest == '(' && e[-1] == ')' &&
				   !memchr(rest + 1, '(', (size_t)(e - rest - 1)))) &&
		    !array_item_not_ip(t, sym, sym_end, rest, e))
			return t.s;
		prev_end = t.e;
		need = 17;
	}
	return NULL;
}

/* The other columns process_event() prints after the trace body (perf
 * 5.x to 6.x builtin-script.c; doc/FORMATS.md section 1.1): addr, weight
 * (and ins_lat, retire_lat) before the ip columns, "%16" PRIx64 or PRIu64
 * with no blank before them; after the ip columns the registers of -F
 * iregs and uregs, " ABI:%llu " then "%5s:0x%llx " each
 * (perf_sample__fprintf_regs()), " ilen: %d" and " insn:" with its bytes
 * "%02x" joined by blanks (perf_sample__fprintf_insn()), and phys_addr,
 * "%16" PRIx64. A tracepoint's sample has no address of its own (the
 * kernel's perf_tp_event() gives it 0), so its addr, weight and phys_addr
 * print as 15 blanks and "0", which no body prints; the registers and the
 * instruction columns have names no body value has. Each cutter returns
 * the end of [s, e) without its column, or E. */
static const char *cut_zero16(const char *s, const char *e)
{
	const char *b = e - 1;

	if (e - s < 17 || *b != '0')
		return e;
	while (b > s && b[-1] == ' ')
		b--;
	return e - 1 - b >= 15 ? b : e;
}

static const char *skip_hex(const char *p, const char *e)
{
	while (p < e && (pb_is_digit(*p) || (*p >= 'a' && *p <= 'f')))
		p++;
	return p;
}

/* " ABI:%llu " then blanks, a name, ":0x", hex digits, a blank, each. */
static const char *cut_regs(const char *s, const char *e)
{
	static const char abi[] = " ABI:";
	const char *a = last_of(s, e, abi), *p, *q;

	if (!a || !(q = skip_digits(a + sizeof(abi) - 1, e)) || q == e || *q++ != ' ')
		return e;
	while (q < e) {
		const char *name;

		while (q < e && *q == ' ')
			q++;
		for (name = q; q < e && pb_is_key_char(*q); q++)
			;
		if (q == name || e - q < 4 || memcmp(q, ":0x", 3))
			return e;
		p = skip_hex(q + 3, e);
		if (p == q + 3 || (p < e && *p != ' '))
			return e;
		q = p + (p < e);
	}
	return a;
}

/* " ilen: %d", or " insn:" then " %02x" bytes (one "%02x" after ": " in
 * 6.x, the others after a blank each). */
static const char *cut_insn(const char *s, const char *e)
{
	static const char ilen[] = " ilen: ", insn[] = " insn:";
	const char *p = e;

	while (p > s && pb_is_digit(p[-1]))
		p--;
	if (p < e && p - s >= 7 && !memcmp(p - 7, ilen, 7))
		return p - 7;
	for (p = e; p - s >= 6 && p[-1] != ':'; p -= 3)
		if (p - s < 9 || p[-3] != ' ' || skip_hex(p - 2, p) != p)
			return e;
	return p - s >= 6 && !memcmp(p - 6, insn, 6) ? p - 6 : e;
}

/* The columns process_event() prints with " %s" or after "%16" (perf 5.x
 * to 6.x builtin-script.c; doc/FORMATS.md section 1.1): data_src, cgroup,
 * data_page_size, code_page_size and ipc. They have no name, so each is
 * cut only after the end of another column or of a body's value of one
 * word: a value of one word ("%d", "%lx", a symbol) has no blank, and a
 * word after one is a column. */
static const char *cut_data_src(const char *s, const char *e);
static const char *cut_cgroup(const char *s, const char *e);

/* Whether [S, E) ends a column or a body's "key=word": the dso of the ip
 * columns, the blank the registers and the data_src padding end with,
 * "%16" of 0, the registers, the instruction, data_src. */
static int column_end(const char *s, const char *e)
{
	struct tok t = token_before(s, e);

	if (t.s == t.e)
		return 0;
	if (e[-1] == ' ' || e[-1] == ')' || memchr(t.s, '=', (size_t)(t.e - t.s)))
		return 1;
	return cut_zero16(s, e) != e || cut_regs(s, e) != e || cut_insn(s, e) != e ||
	       cut_data_src(s, e) != e;
}

/* get_page_size_name(): "N/A" for a size of 0, else unit_number__scnprintf()'s
 * "%" PRIu64 "%c" with a unit of "BKMG". */
static int is_page_size(struct tok t)
{
	const char *p = skip_digits(t.s, t.e);

	if (t.e - t.s == 3 && !memcmp(t.s, "N/A", 3))
		return 1;
	return p && p + 1 == t.e && *p && strchr("BKMG", *p);
}

/* The last word of [S, E) when one blank is before it (" %s"), else an
 * empty token. */
static struct tok last_word(const char *s, const char *e)
{
	struct tok t = token_before(s, e);

	if (t.e != e || t.s == s || t.s[-1] != ' ')
		t.s = t.e = e;
	return t;
}

/* -F data_page_size and code_page_size, " %s" each after phys_addr. A
 * tracepoint's data page is "N/A" (its sample has no address, and
 * get_page_size_name() prints a size of 0 so), its code page that of the
 * kernel's text ("4K", "2M"). NTH is 1 for the last such word, 2 for the one
 * before it. */
static const char *cut_page_size_nth(const char *s, const char *e, int nth)
{
	struct tok t = last_word(s, e);
	const char *c;

	if (t.s == e || !is_page_size(t))
		return e;
	c = t.s - 1;
	if (column_end(s, c) || cut_cgroup(s, c) != c ||
	    (nth == 1 && cut_page_size_nth(s, c, 2) != c))
		return c;
	return e;
}

static const char *cut_page_size(const char *s, const char *e)
{
	return cut_page_size_nth(s, e, 1);
}

/* -F cgroup: " %s" of the cgroup's path ("/", "/user.slice/...") or
 * "unknown", after weight (and data_src, whose "%-*s" pads it with
 * blanks) and before the ip columns. */
static const char *cut_cgroup(const char *s, const char *e)
{
	struct tok t = last_word(s, e);
	const char *c;

	if (t.s == e || (*t.s != '/' && (t.e - t.s != 7 || memcmp(t.s, "unknown", 7))))
		return e;
	c = t.s - 1;
	while (c > s && c[-1] == ' ')
		c--;
	return column_end(s, t.s - 1) ? c : e;
}

/* perf_sample__fprintf_ipc(): " \t IPC: %u.%02u (%" PRIu64 "/%" PRIu64 ") ",
 * only for a sample with cycle and instruction counts (branch stacks,
 * Intel PT): a tracepoint's has none, so it prints nothing there; cut in
 * case a synthesized sample shares the file. */
static const char *cut_ipc(const char *s, const char *e)
{
	static const char ipc[] = " \t IPC: ";
	const char *at, *a, *p;

	if (!memchr(s, '\t', (size_t)(e - s)) || !(at = last_of(s, e, ipc)))
		return e;
	a = at + sizeof(ipc) - 1;
	p = skip_digits(a, e);
	if (!p || e - p < 5 || *p != '.' || !pb_is_digit(p[1]) || !pb_is_digit(p[2]) ||
	    p[3] != ' ' || p[4] != '(')
		return e;
	p = skip_digits(p + 5, e);
	if (!p || p == e || *p != '/' || !(p = skip_digits(p + 1, e)))
		return e;
	return e - p == 2 && p[0] == ')' && p[1] == ' ' ? at : e;
}

/* Where the decode of data_src ends: "|LCK " and one word ("N/A", "Yes",
 * "No"), then from 5.12 "|BLK " and " N/A" or " Data", " Addr". */
static const char *data_src_decode_end(const char *lck, const char *e)
{
	const char *p = lck + 5;

	while (p < e && *p != ' ' && *p != '|')
		p++;
	if (p == lck + 5)
		return NULL;
	if (e - p < 5 || memcmp(p, "|BLK ", 5))
		return p;
	p += 5;
	while (p < e && *p == ' ') {
		const char *w = p + 1;
		const char *we = pb_token_end(w, e);

		if (!((we - w == 3 && !memcmp(w, "N/A", 3)) ||
		      (we - w == 4 && (!memcmp(w, "Data", 4) || !memcmp(w, "Addr", 4)))))
			break;
		p = we;
	}
	return p;
}

/* -F data_src, data_src__fprintf(): "%16" PRIx64 " %s" padded to the
 * widest so far ("%-*s"), the %s perf_script__meminfo_scnprintf()'s
 * "|OP ...|LVL ...|SNP ...|TLB ...|LCK ...|BLK ..." (6.x), "...|SNP
 * ...|TLB ...|LCK ..." with the level first before (4.x, 5.x). A
 * tracepoint's is the kernel's PERF_MEM_NA, 5080021. */
static const char *cut_data_src(const char *s, const char *e)
{
	const char *snp, *tlb, *lck, *end;
	struct tok t;

	if (!memchr(s, '|', (size_t)(e - s)))
		return e;
	snp = last_of(s, e, "|SNP ");
	if (!snp || !(tlb = last_of(snp, e, "|TLB ")) || !(lck = last_of(tlb, e, "|LCK ")) ||
	    !(end = data_src_decode_end(lck, e)) || pb_skip_blanks(end, e) != e)
		return e;
	/* back over the op and level words (none all hex) to the value */
	for (t = token_before(s, snp); t.s < t.e; t = token_before(s, t.s))
		if (all_hex(t.s, t.e))
			return t.e - t.s <= 16 && *t.e == ' ' && t.e - s >= 16 &&
			       pb_skip_blanks(t.e - 16, t.s) == t.s ? t.e - 16 : e;
	return e;
}

/* [s, e) without the columns after the ip columns, the last first. */
static const char *cut_tail_columns(const char *s, const char *e)
{
	for (;;) {
		const char *c;

		if ((c = cut_zero16(s, e)) != e || (c = cut_regs(s, e)) != e ||
		    (c = cut_insn(s, e)) != e || (c = cut_data_src(s, e)) != e ||
		    (c = cut_ipc(s, e)) != e || (c = cut_page_size(s, e)) != e ||
		    (c = cut_cgroup(s, e)) != e)
			e = c;
		else
			return e;
	}
}

/* Whether [S, E) is " %s" of one or two page sizes alone: data_page_size
 * and code_page_size on the line after a callchain's last frame. */
static int page_sizes_line(const char *s, const char *e)
{
	struct tok t = last_word(s, e);

	if (t.s == e || !is_page_size(t))
		return 0;
	if (t.s - 1 == s)
		return 1;
	t = last_word(s, t.s - 1);
	return t.s < t.e && is_page_size(t) && t.s - 1 == s;
}

/* Whether LINE holds only such columns: with a callchain they come on a
 * line of their own after its last frame (the ip columns printed the
 * frames, each ending its line), " ABI:2    AX:0x.. ilen: 6   ..   0",
 * and no blank line follows them; " N/A 4K" of the page sizes alone
 * too (page_sizes_line()). A frame starts with a TAB, or with
 * more blanks than phys_addr's 15 alone when a mail client ate the TAB
 * ("\t               0" is the frame of address 0). */
static int tail_columns_line(const char *line, size_t len)
{
	static const char zero16[] = "               0";
	const char *c;

	if (len == 16)
		return !memcmp(line, zero16, 16);
	if (!len || line[0] == '\t')
		return 0;
	if (page_sizes_line(line, line + len))
		return 1;
	if (!memmem(line, len, " ABI:", 5) && !memmem(line, len, " ilen: ", 7) &&
	    !memmem(line, len, " insn:", 6) && !memmem(line, len, zero16, 16) &&
	    !memmem(line, len, " IPC: ", 6))
		return 0;
	c = cut_tail_columns(line, line + len);
	return c < line + len && pb_skip_blanks(line, c) == c;
}

/* The record of head H; returns where the sample's ip columns begin in
 * the line (ip_columns()), or NULL, and in *IP_END where they end. */
static const char *fill_head(struct pb_record *rec, const struct sample_head *h,
			     const char *end, struct pb_arena *arena, const char **ip_end)
{
	const char *sep = memchr(h->event, ':', (size_t)(h->event_end - h->event));
	const char *ip;
	char *event;

	end = cut_tail_columns(h->body, end);
	ip = ip_columns(h->event_end + 1, h->body, end);
	*ip_end = end;
	rec->ts_ns = h->ts_ns;
	rec->cpu = h->cpu;
	rec->pid = h->pid;
	rec->tgid = h->tgid;
	if (h->comm_end > h->comm)
		rec->comm = pb_arena_strndup(arena, h->comm, (size_t)(h->comm_end - h->comm));
	if (sep) {
		rec->system = pb_arena_strndup(arena, h->event, (size_t)(sep - h->event));
		rec->event = pb_arena_strndup(arena, sep + 1, (size_t)(h->event_end - sep - 1));
	} else {
		event = pb_arena_strndup(arena, h->event, (size_t)(h->event_end - h->event));
		rec->event = event;
		rec->system = pb_event_system(event);
		if (!rec->system)
			rec->system = "perf";
	}
	if (ip)
		end = token_before(h->body, ip).e;
	end = cut_tail_columns(h->body, end);
	rec->body = pb_arena_strndup(arena, h->body, (size_t)(end - h->body));
	rec->nfields = pb_parse_body(h->body, (size_t)(end - h->body), arena, &rec->fields);
	pb_event_fields_hex(rec->event, rec->fields, rec->nfields, arena);
	return ip;
}

static void note_time(struct perf_script *ps, struct pb_parser *p, int64_t ts)
{
	if (ts < 0)
		return;
	if (ps->time_base == TIME_UNSEEN) {
		ps->time_base = ts == 0 ? TIME_RELATIVE : TIME_ABSOLUTE;
		if (ts == 0)
			pb_parser_set_meta(p, "clock", "relative");
	} else if (ps->time_base == TIME_RELATIVE && ts < ps->last_ts) {
		ps->time_base = TIME_DELTA;
		pb_parser_set_meta(p, "clock", "delta");
	}
	ps->last_ts = ts;
}

static int bad(struct pb_parser *p, enum pb_bad_reason why, const char *text, size_t len)
{
	struct pb_input *in = pb_parser_input(p);

	return pb_parser_bad_line(p, pb_input_lineno(in), why, text, len) ? -1 : 0;
}

/* Callchain lines: one TAB, or blanks when a mail client ate the TAB; no
 * blank at all when a web page collapsed the white space of the paste,
 * and then the address column first and the dso in parentheses last
 * ("ffffffff8123abcd func+0x12 ([kernel.kallsyms])") say it is one. A
 * sample's head is tried first where the line has no TAB. */
static int is_frame_line(const char *line, size_t len)
{
	const char *s = pb_skip_blanks(line, line + len), *e;
	uint64_t ip;

	if (s > line)
		return s < line + len;
	while (len && is_blank(line[len - 1]))
		len--;
	e = pb_token_end(line, line + len);
	return e > line && e < line + len && line[len - 1] == ')' &&
	       pb_parse_hex(line, (size_t)(e - line), &ip) == 0;
}

/* The address column perf prints first in a frame line, bare hex. */
static int frame_ip(const char *line, size_t len, uint64_t *ip, struct tok *t)
{
	t->s = pb_skip_blanks(line, line + len);
	t->e = pb_token_end(t->s, line + len);
	return pb_parse_hex(t->s, (size_t)(t->e - t->s), ip) == 0;
}

/* What pb_parse_frame() cannot know about perf's frames: the first column
 * is the address even when short and alone ("f8350", "0"; taken for a
 * symbol otherwise), and without a dso column a user-space address is a
 * user frame (on 64-bit, known from a kernel address seen before). */
static void perf_frame(struct perf_script *ps, struct pb_frame *f, uint64_t ip,
		       struct tok ip_text, int has_dso, struct pb_arena *arena)
{
	size_t n = (size_t)(ip_text.e - ip_text.s);

	if (strlen(f->symbol) == n && !memcmp(f->symbol, ip_text.s, n)) {
		char *sym = pb_arena_alloc(arena, 19);

		snprintf(sym, 19, "0x%" PRIx64, ip);
		f->symbol = sym;
		f->addr = ip;
	}
	if (ip >= KERNEL_HALF)
		ps->addr64 = 1;
	else if (ps->addr64 && !has_dso)
		f->flags |= PB_FRAME_USER;
}

/* Adds the frame of LINE, whose address column frame_ip() read (HAS_IP,
 * IP, IP_TEXT); returns 1 when it has an address column, 0 when not, -1
 * when it is not a frame. */
static int add_frame(struct perf_script *ps, size_t *n, const char *line, size_t len,
		     int has_ip, uint64_t ip, struct tok ip_text, struct pb_arena *arena)
{
	static const char inlined[] = " (inlined)";
	const size_t ni = sizeof(inlined) - 1;

	PB_GROW(ps->frames, *n + 1, ps->cap);
	while (len && is_blank(line[len - 1]))
		len--;
	/* perf prints " (inlined)" in place of the dso of an inlined function */
	if (len > ni && !memcmp(line + len - ni, inlined, ni))
		len -= ni;
	if (pb_parse_frame(line, len, arena, &ps->frames[*n]) < 0)
		return -1;
	/* perf 6.19+ prints "(cookie)" in place of the symbol where the
	 * user callchain was deferred (evsel_fprintf.c): no frame */
	if (!strcmp(ps->frames[*n].symbol, "(cookie)"))
		return has_ip;
	if (has_ip)
		perf_frame(ps, &ps->frames[*n], ip, ip_text, line[len - 1] == ')', arena);
	(*n)++;
	return has_ip;
}

/* Kernel frames to rec->frames, user frames to rec->uframes, both leaf
 * first; perf repeats the sample ip as the first callchain entry. */
static void split_frames(struct perf_script *ps, size_t n, struct pb_record *rec,
			 struct pb_arena *arena)
{
	struct pb_frame *f = ps->frames;

	if (n >= 2 && f[0].addr == f[1].addr && !strcmp(f[0].symbol, f[1].symbol)) {
		f++;
		n--;
	}
	rec->frames = pb_arena_alloc(arena, n * sizeof(*f));
	rec->uframes = pb_arena_alloc(arena, n * sizeof(*f));
	for (size_t i = 0; i < n; i++) {
		if (f[i].flags & PB_FRAME_USER)
			rec->uframes[rec->nuframes++] = f[i];
		else
			rec->frames[rec->nframes++] = f[i];
	}
}

/* How read_chain_lines() ended: the lines it read (the blank one
 * included), whether a blank line ended them, whether one was bad. */
struct chain_read {
	uint32_t lines;
	bool blank_end, bad;
};

static int chain_bad(struct pb_parser *p, struct chain_read *how, enum pb_bad_reason why,
		     const char *text, size_t len)
{
	how->bad = true;
	return bad(p, why, text, len);
}

/* Lines after the sample head, up to the blank line or the next head. */
static int read_chain_lines(struct perf_script *ps, struct pb_parser *p, struct pb_record *rec,
			    struct chain_read *how, size_t n)
{
	struct pb_input *in = pb_parser_input(p);
	struct pb_arena *arena = pb_parser_arena(p);
	struct sample_head h;
	const char *line;
	size_t len;
	int rc = 0, after_ip_frame = n > 0, added, has_ip = 0;
	struct tok ip_text;
	uint64_t ip = 0;

	for (;; how->lines++) {
		enum pb_line_status st = pb_input_getline(in, &line, &len);

		if (st == PB_LINE_EOF)
			break;
		if (st == PB_LINE_OK && len == 0) {
			how->lines++;
			how->blank_end = true;
			break;
		}
		if (st == PB_LINE_ERROR) {
			pb_parser_set_error(p, pb_input_lineno(in), "%s", pb_input_strerror(in));
			rc = -1;
			break;
		}
		if (st == PB_LINE_TOO_LONG) {
			rc = chain_bad(p, how, PB_BAD_TOO_LONG, line, len);
		} else if (tail_columns_line(line, len)) {
			how->lines++;
			break;
		} else if (!is_frame_line(line, len) ||
			   (line[0] != '\t' && parse_head(line, len, &h) != HEAD_NONE)) {
			pb_input_ungetline(in);
			break;
		} else if (pb_text_is_binary(line, len)) {
			rc = chain_bad(p, how, PB_BAD_BINARY, line, len);
		} else if (!(has_ip = frame_ip(line, len, &ip, &ip_text)) && after_ip_frame) {
			/* a srcline ("  write.c:26", "  [kernel.kallsyms][ffff...]"):
			 * no address column, after a frame that had one */
			after_ip_frame = 0;
			continue;
		} else if (n == PB_STACK_FRAMES_MAX || len > PB_FRAME_TEXT_MAX) {
			rc = chain_bad(p, how, PB_BAD_TOO_LONG, line, len);
		} else if ((added = add_frame(ps, &n, line, len, has_ip, ip, ip_text, arena)) < 0) {
			rc = chain_bad(p, how, PB_BAD_SYNTAX, line, len);
		} else {
			after_ip_frame = added;
		}
		if (rc < 0)
			break;
	}
	split_frames(ps, n, rec, arena);
	return rc;
}

/* The callchain at DATA (AVAIL bytes buffered): its bytes up to and with
 * the blank line that ends it, its lines in *LINES; 0 when that line is
 * not in the buffer, a line that starts with no blank (a sample of perf
 * script without -g, or another head) comes first, or the callchain is
 * longer than the memo keeps. */
static size_t chain_extent(const char *data, size_t avail, uint32_t *lines)
{
	const char *s = data, *end = data + (avail < CHAIN_RAW_MAX ? avail : CHAIN_RAW_MAX);
	const char *nl;

	*lines = 0;
	while ((nl = memchr(s, '\n', (size_t)(end - s)))) {
		++*lines;
		if (nl == s || (nl == s + 1 && *s == '\r'))	/* blank, as getline sees it */
			return (size_t)(nl + 1 - data);
		if (!is_blank(*s))
			break;
		s = nl + 1;
	}
	*lines = 0;
	return 0;
}

/* The signature of a callchain of LINES lines, LEN bytes at RAW, read
 * from state ADDR64. */
static uint64_t chain_sig(const char *raw, size_t len, uint32_t lines, int addr64)
{
	return pb_bytes_sig(raw, len, (uint64_t)lines << 1 | (unsigned)addr64);
}

static void take_chain(struct perf_script *ps, struct pb_record *rec, struct chain_memo *m)
{
	rec->frames = m->frames;
	rec->nframes = m->nframes;
	rec->frames_key = m->nframes ? m->key : 0;
	rec->uframes = m->uframes;
	rec->nuframes = m->nuframes;
	rec->uframes_key = m->nuframes ? m->key + 1 : 0;
	ps->addr64 = m->addr64_out;
	m->used = ++ps->chain_clock;
}

/* The memo entry of callchain RAW read from the current state, or NULL. */
static struct chain_memo *chain_find(struct perf_script *ps, const char *raw, size_t len,
				     uint32_t lines)
{
	uint64_t sig = chain_sig(raw, len, lines, ps->addr64);
	struct chain_memo *set = &ps->chains[sig % CHAIN_SETS * CHAIN_WAYS];

	for (unsigned i = 0; i < CHAIN_WAYS; i++)
		if (set[i].used && set[i].sig == sig && set[i].lines == lines &&
		    set[i].addr64_in == ps->addr64 && set[i].raw.len == len &&
		    !memcmp(set[i].raw.data, raw, len))
			return &set[i];
	return NULL;
}

static struct pb_frame *copy_frames(struct pb_arena *a, const struct pb_frame *f, size_t n)
{
	struct pb_frame *c = pb_arena_alloc(a, n * sizeof(*c) + 1);

	for (size_t i = 0; i < n; i++) {
		c[i] = f[i];
		c[i].symbol = pb_arena_strndup(a, f[i].symbol, strlen(f[i].symbol));
		if (f[i].module)
			c[i].module = pb_arena_strndup(a, f[i].module, strlen(f[i].module));
	}
	return c;
}

/* Keeps callchain ps->chain_raw (LINES lines), read from state ADDR64_IN
 * into REC, in the least recently used entry of its set; REC then has the
 * kept frames and their keys. The entry takes ps->chain_raw's buffer (and
 * gives it its own) rather than a copy of the bytes. */
static void keep_chain(struct perf_script *ps, uint32_t lines, int addr64_in,
		       struct pb_record *rec)
{
	uint64_t sig = chain_sig(ps->chain_raw.data, ps->chain_raw.len, lines, addr64_in);
	struct chain_memo *set = &ps->chains[sig % CHAIN_SETS * CHAIN_WAYS], *m = set;
	struct pb_buf old;

	for (unsigned i = 1; i < CHAIN_WAYS; i++)
		if (set[i].used < m->used)
			m = &set[i];
	pb_arena_reset(&m->arena);
	m->arena.chunk_size = 8192;
	old = m->raw;
	m->raw = ps->chain_raw;
	ps->chain_raw = old;
	m->sig = sig;
	m->lines = lines;
	m->addr64_in = addr64_in;
	m->addr64_out = ps->addr64;
	m->frames = copy_frames(&m->arena, rec->frames, rec->nframes);
	m->nframes = rec->nframes;
	m->uframes = copy_frames(&m->arena, rec->uframes, rec->nuframes);
	m->nuframes = rec->nuframes;
	m->key = pb_frames_keys(2);
	take_chain(ps, rec, m);
}

/* The callchain of the sample REC: from the memo when its bytes, read
 * from this state, were read before, else line by line (and kept, when
 * every line of it was understood and a blank line ended it). */
static int read_callchain(struct perf_script *ps, struct pb_parser *p, struct pb_record *rec)
{
	struct pb_input *in = pb_parser_input(p);
	struct chain_read how = { 0, false, false };
	const char *data;
	size_t avail = pb_input_buffered(in, &data), len = 0;
	uint32_t lines = 0;
	int addr64_in = ps->addr64, rc;

	if (!ps->chains_off && (len = chain_extent(data, avail, &lines))) {
		struct chain_memo *m = chain_find(ps, data, len, lines);

		if (m) {
			take_chain(ps, rec, m);
			pb_input_take_lines(in, len, lines);
			return 0;
		}
		/* the input's buffer moves on while the lines are read */
		pb_buf_reset(&ps->chain_raw);
		pb_buf_add(&ps->chain_raw, data, len);
	}
	rc = read_chain_lines(ps, p, rec, &how, 0);
	if (len && rc == 0 && how.blank_end && !how.bad && how.lines == lines)
		keep_chain(ps, lines, addr64_in, rec);
	return rc;
}

/* The sample's own address on its head line (ip_columns(): IP, LEN
 * bytes), its one frame, and the srcline under it with -F +srcline
 * ("\n  mm/cma.c:123", as after a callchain's frame). 1, or -1 on a
 * read error. */
static int read_ip_frame(struct perf_script *ps, struct pb_parser *p, struct pb_record *rec,
			 const char *ip, size_t len)
{
	struct chain_read how = { 0, false, false };
	struct tok ip_text;
	uint64_t addr;
	size_t n = 0;

	if (len <= PB_FRAME_TEXT_MAX && frame_ip(ip, len, &addr, &ip_text) &&
	    add_frame(ps, &n, ip, len, 1, addr, ip_text, pb_parser_arena(p)) < 0)
		n = 0;
	return read_chain_lines(ps, p, rec, &how, n) < 0 ? -1 : 1;
}

static void set_sideband_meta(struct perf_script *ps, struct pb_parser *p)
{
	char n[24];

	if (!ps->sideband)
		return;
	snprintf(n, sizeof(n), "%" PRIu64, ps->sideband);
	pb_parser_set_meta(p, "sideband_records", n);
}

/* The frame lines after a deferred callchain's head: user frames of a
 * sample printed before it, which the call sites do not read. 0 at the
 * first other line (left to be read), -1 on a read error. */
static int skip_frame_lines(struct pb_input *in)
{
	const char *line;
	size_t len;

	for (;;) {
		enum pb_line_status st = pb_input_getline(in, &line, &len);

		if (st == PB_LINE_EOF)
			return 0;
		if (st == PB_LINE_ERROR)
			return -1;
		if (st != PB_LINE_OK || !len || !is_frame_line(line, len)) {
			pb_input_ungetline(in);
			return 0;
		}
	}
}

static int perf_next(void *state, struct pb_parser *p, struct pb_record *rec)
{
	struct perf_script *ps = state;
	struct pb_input *in = pb_parser_input(p);
	struct sample_head h;
	const char *line;
	size_t len;

	for (;;) {
		enum pb_line_status st = pb_input_getline(in, &line, &len);
		enum pb_bad_reason why;
		enum head kind;

		if (st == PB_LINE_EOF) {
			set_sideband_meta(ps, p);
			return 0;
		}
		if (st == PB_LINE_ERROR) {
			pb_parser_set_error(p, pb_input_lineno(in), "%s", pb_input_strerror(in));
			return -1;
		}
		if (st == PB_LINE_TOO_LONG) {
			if (bad(p, PB_BAD_TOO_LONG, line, len) < 0)
				return -1;
			continue;
		}
		if (len == 0)
			continue;
		if (line[0] == '#') {
			header_line(p, line, len);
			continue;
		}
		kind = pb_input_line_has_nul(in) ? HEAD_NONE : parse_head(line, len, &h);
		if (kind == HEAD_SAMPLE) {
			const char *ip, *ip_end;

			rec->line = pb_input_lineno(in);
			ip = fill_head(rec, &h, line + len, pb_parser_arena(p), &ip_end);
			note_time(ps, p, h.ts_ns);
			if (ip)
				return read_ip_frame(ps, p, rec, ip, (size_t)(ip_end - ip));
			return read_callchain(ps, p, rec) < 0 ? -1 : 1;
		}
		if (kind == HEAD_SIDEBAND) {
			ps->sideband++;
			continue;
		}
		if (kind == HEAD_DEFERRED) {
			ps->sideband++;
			if (skip_frame_lines(in) < 0) {
				pb_parser_set_error(p, pb_input_lineno(in), "%s",
						    pb_input_strerror(in));
				return -1;
			}
			continue;
		}
		/* each line of a callchain whose head was not understood */
		if (is_frame_line(line, len))
			why = PB_BAD_ORPHAN_STACK;
		else
			why = pb_text_is_binary(line, len) ? PB_BAD_BINARY : PB_BAD_SYNTAX;
		if (bad(p, why, line, len) < 0)
			return -1;
	}
}

const struct pb_format_ops pb_perf_script_ops = {
	.format = PB_FMT_PERF_SCRIPT,
	.open = perf_open,
	.next = perf_next,
	.close = perf_close,
};
