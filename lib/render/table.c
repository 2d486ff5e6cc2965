/* table.c - the output modes of every tabular command, done once. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pinblame/core.h"
#include "pinblame/analyze.h"
#include "pinblame/render.h"
#include "pinblame/store.h"

static int json_to_buf(const char *text, size_t n, void *buf)
{
	pb_buf_add(buf, text, n);
	return 0;
}

/* DEL and the C1 controls (U+0080..U+009F, a comm cut by the kernel in
 * the middle of a character gives one) are valid in a JSON string as they
 * are, and jansson writes them so; but output to a terminal shows them as
 * \xNN, which no JSON reader takes. Written as \u00NN instead, they are
 * valid and safe both. Outside strings JSON is ASCII without DEL, so every
 * such character found is inside a string. */
static void json_escape_controls(struct pb_buf *out, const char *text, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)text;
	size_t done = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned c;

		if (s[i] == 0x7f)
			c = 0x7f;
		else if (s[i] == 0xc2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] < 0xa0)
			c = s[i + 1];
		else
			continue;
		pb_buf_add(out, text + done, i - done);
		pb_buf_add(out, (char[]){ '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] }, 6);
		i += c != 0x7f;
		done = i + 1;
	}
	pb_buf_add(out, text + done, n - done);
}

/* VALUE as compact JSON, then SUFFIX, in one write: json_dumpf() writes
 * each token apart, a locked stdio call each, which was most of the time
 * of `export` (a write of a few bytes for every key, quote and comma). */
static int json_dump_to(FILE *out, json_t *value, size_t flags, const char *suffix)
{
	/* only the calling thread writes output */
	static struct pb_buf dumped, line;
	int rc;

	pb_buf_reset(&dumped);
	pb_buf_reset(&line);
	rc = json_dump_callback(value, json_to_buf, &dumped, flags);
	json_escape_controls(&line, dumped.data, dumped.len);
	pb_buf_add(&line, suffix, strlen(suffix));
	if (fwrite(line.data, 1, line.len, out) != line.len)
		return -1;
	return rc;
}

int pb_json_write(FILE *out, json_t *value)
{
	return json_dump_to(out, value, JSON_COMPACT | JSON_PRESERVE_ORDER, "\n");
}

void pb_format_ts(char *buf, size_t len, long long ts_ns)
{
	if (ts_ns < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%lld.%06lld", ts_ns / 1000000000, ts_ns % 1000000000 / 1000);
}

void pb_format_date(char *buf, size_t len, long long ts_ns)
{
	time_t secs = (time_t)(ts_ns / 1000000000);
	struct tm tm;
	char day[32];

	if (ts_ns < 0 || !gmtime_r(&secs, &tm) ||
	    !strftime(day, sizeof(day), "%Y-%m-%d %H:%M:%S", &tm)) {
		pb_format_ts(buf, len, ts_ns);
		return;
	}
	snprintf(buf, len, "%s.%06lld", day, ts_ns % 1000000000 / 1000);
}

/* A date the log printed without a year ("Jun  9 20:38:39" of syslog and
 * journalctl -o short): as it printed it, the year the parser counted in
 * left out. */
static void format_yearless(char *buf, size_t len, long long ts_ns)
{
	time_t secs = (time_t)(ts_ns / 1000000000);
	struct tm tm;
	char day[32];

	if (ts_ns < 0 || !gmtime_r(&secs, &tm) ||
	    !strftime(day, sizeof(day), "%b %d %H:%M:%S", &tm)) {
		pb_format_ts(buf, len, ts_ns);
		return;
	}
	snprintf(buf, len, "%s.%06lld", day, ts_ns % 1000000000 / 1000);
}

static int dated_clock(const char *clock)
{
	return clock && (!strcmp(clock, "realtime") || !strcmp(clock, "yearless"));
}

const char *pb_plural(long long n)
{
	return n == 1 ? "" : "s";
}

void pb_format_time(char *buf, size_t len, long long ts_ns, const char *clock)
{
	/* a realtime source's ns count from the epoch: as seconds they read
	 * as 55 years of uptime, and match nothing the log printed */
	if (clock && !strcmp(clock, "realtime"))
		pb_format_date(buf, len, ts_ns);
	else if (clock && !strcmp(clock, "yearless"))
		format_yearless(buf, len, ts_ns);
	else if (clock && !strcmp(clock, "counter") && ts_ns >= 0)
		/* trace_clock x86-tsc or counter: a count, not nanoseconds */
		snprintf(buf, len, "%lld", ts_ns);
	else
		pb_format_ts(buf, len, ts_ns);
}

const char *pb_time_unit(const char *clock)
{
	if (clock && !strcmp(clock, "counter"))
		return " ticks";
	return dated_clock(clock) ? "" : " s";
}

/* TEXT is escaped first (a file name from the command line, a name from
 * the trace), so that a word is measured as it is shown. */
void pb_put_wrapped(FILE *out, const char *first, const char *later, const char *text,
		    size_t width)
{
	struct pb_buf shown = { 0 };
	size_t col = strlen(first), start = col;

	fputs(first, out);
	for (text = pb_term_str(&shown, text); *text;) {
		size_t word = strcspn(text, " "), cols = pb_text_columns(text, word);

		if (col > start && col + 1 + cols > width) {
			fprintf(out, "\n%s", later);
			col = start = strlen(later);
		} else if (col > start) {
			fputc(' ', out);
			col++;
		}
		fprintf(out, "%.*s", (int)word, text);
		col += cols;
		text += word;
		text += strspn(text, " ");
	}
	pb_buf_free(&shown);
	fputc('\n', out);
}

static void csv_cell(FILE *out, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static const char *cell_text(sqlite3_stmt *st, int i)
{
	const char *t = (const char *)sqlite3_column_text(st, i);

	return t ? t : "";
}

/* Text mode aligns the columns by the widest cell, so it holds rows
 * before it prints them; the commands that use it print few rows, but a
 * query can return millions. So it holds at most TEXT_HOLD_ROWS rows or
 * TEXT_HOLD_BYTES of cells, takes the widths from those, and prints every
 * later row as it comes with the same widths (a wider cell pushes the
 * rest of its line right): memory stays bounded whatever the answer. An
 * answer that fits is printed only once whole, so that an error while it
 * is read prints no table at all. */
#define TEXT_HOLD_ROWS 1000
#define TEXT_HOLD_BYTES (1u << 20)
struct text_rows {
	char **cells;
	size_t n, cap, bytes;
	size_t *width;		/* once measured: the columns of each column */
};

/* Cells are kept escaped (pb_term_escape), so that a column is as wide
 * as its cells are shown: ESC is the 4 columns of "\x1b", a UTF-8
 * character one. */
static void text_add(struct text_rows *t, const char *s)
{
	struct pb_buf shown = { 0 };

	PB_GROW(t->cells, t->n + 1, t->cap);
	t->cells[t->n] = pb_strdup(pb_term_str(&shown, s));
	t->bytes += strlen(t->cells[t->n++]);
	pb_buf_free(&shown);
}

static void text_free_held(struct text_rows *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->cells[i]);
	t->n = t->bytes = 0;
}

static void text_free(struct text_rows *t)
{
	text_free_held(t);
	free(t->cells);
	free(t->width);
	*t = (struct text_rows){ 0 };
}

/* Whether the rows held are as many as text mode holds. */
static int text_full(const struct text_rows *t, int ncol)
{
	return t->n / (size_t)ncol >= TEXT_HOLD_ROWS || t->bytes >= TEXT_HOLD_BYTES;
}

/* The widths, from the rows held, the first time. */
static void text_measure(struct text_rows *t, int ncol)
{
	if (t->width)
		return;
	t->width = pb_calloc((size_t)ncol, sizeof(*t->width));
	for (size_t i = 0; i < t->n; i++) {
		size_t w = (size_t)pb_text_width(t->cells[i]);

		if (w > t->width[i % (size_t)ncol])
			t->width[i % (size_t)ncol] = w;
	}
}

/* Prints the rows held (whole rows: N is a multiple of NCOL) and lets
 * them go. */
static void text_print_held(FILE *out, struct text_rows *t, int ncol)
{
	text_measure(t, ncol);
	for (size_t i = 0; i < t->n; i++) {
		int col = (int)(i % (size_t)ncol);
		size_t w = (size_t)pb_text_width(t->cells[i]);

		if (col == ncol - 1)
			fprintf(out, "%s\n", t->cells[i]);
		else
			fprintf(out, "%s%*s  ", t->cells[i],
				(int)(t->width[col] > w ? t->width[col] - w : 0), "");
	}
	text_free_held(t);
}

long pb_table_write(FILE *out, struct pb_store *s, sqlite3_stmt *st, enum pb_table_mode mode,
		    const char *schema)
{
	int ncol = sqlite3_column_count(st), rc;
	long rows = 0;
	struct text_rows text = { 0 };
	json_t *columns = json_array();

	for (int i = 0; i < ncol; i++) {
		const char *name = sqlite3_column_name(st, i);

		json_array_append_new(columns, pb_json_text(name));
		if (mode == PB_TABLE_TEXT)
			text_add(&text, name);
		else if (mode == PB_TABLE_CSV) {
			csv_cell(out, name);
			fputc(i == ncol - 1 ? '\n' : ',', out);
		}
	}
	if (mode == PB_TABLE_JSON) {
		fprintf(out, "{\"schema\":\"%s\",\"columns\":", schema);
		json_dump_to(out, columns, JSON_COMPACT, "");
		fputs(",\"rows\":[", out);
	}
	while ((rc = pb_store_step(s, st)) > 0) {
		json_t *obj = mode == PB_TABLE_JSON ? json_object() : NULL;

		for (int i = 0; i < ncol; i++) {
			if (mode == PB_TABLE_TEXT) {
				text_add(&text, sqlite3_column_type(st, i) == SQLITE_NULL
						? "NULL" : cell_text(st, i));
			} else if (mode == PB_TABLE_CSV) {
				csv_cell(out, cell_text(st, i));
				fputc(i == ncol - 1 ? '\n' : ',', out);
			} else {
				json_object_set_new(obj, sqlite3_column_name(st, i),
						    pb_json_column(st, i));
			}
		}
		/* past what text mode holds, each row as it comes */
		if (mode == PB_TABLE_TEXT && ncol && (text.width || text_full(&text, ncol)))
			text_print_held(out, &text, ncol);
		if (obj) {
			if (rows)
				fputc(',', out);
			json_dump_to(out, obj, JSON_COMPACT | JSON_PRESERVE_ORDER, "");
			json_decref(obj);
		}
		rows++;
	}
	json_decref(columns);
	/* after an error the answer is not whole: the JSON is left open, so
	 * that no parser takes it for all the rows, and the table unprinted */
	if (mode == PB_TABLE_JSON && rc >= 0)
		fputs("]}\n", out);
	if (mode == PB_TABLE_TEXT && rc >= 0 && ncol)
		text_print_held(out, &text, ncol);
	text_free(&text);
	if (rc < 0) {
		if (mode == PB_TABLE_JSON)
			fputc('\n', out);
		return -1;
	}
	return rows;
}
