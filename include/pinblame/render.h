/* render.h - output: tables in text, CSV or JSON (written once, used by
 * every command), and the report renderers. Over analyze.h: the JSON
 * accessors, call-site names and hints that the analysis writes into its
 * own JSON are there, not here. */
#ifndef PINBLAME_RENDER_H
#define PINBLAME_RENDER_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>

#include "pinblame/analyze.h"

enum pb_table_mode {
	PB_TABLE_TEXT,	/* aligned columns with a header line */
	PB_TABLE_CSV,	/* RFC 4180, header line */
	PB_TABLE_JSON,	/* {"schema": ..., "columns": [...], "rows": [{...}]} */
};

struct pb_store;

/* Writes every row of ST (already bound, prepared on S) to OUT in MODE.
 * SCHEMA is the JSON schema name ("pinblame.query/1"). Returns the number
 * of rows, or -1 on an SQL error (printed, and remembered by S). */
long pb_table_write(FILE *out, struct pb_store *s, sqlite3_stmt *st, enum pb_table_mode mode,
		    const char *schema);

/* Writes a JSON value followed by a newline; 0 or -1. */
int pb_json_write(FILE *out, json_t *value);

/* "s" after a count of N things, "" when N is 1: "1 page", "2 pages". */
const char *pb_plural(long long n);

/* Formats ns as seconds with 6 decimals ("41.589960"). */
void pb_format_ts(char *buf, size_t len, long long ts_ns);
/* Formats ns since the epoch (a source on the realtime clock) as the date
 * a log printed: "2026-11-25 09:47:23.000000". */
void pb_format_date(char *buf, size_t len, long long ts_ns);

/* A time as its source's clock (sources.clock, NULL for the kernel's)
 * prints it: the date for "realtime" (a log with dates), else seconds;
 * and the unit to print after it, " s" or "" (a date). */
void pb_format_time(char *buf, size_t len, long long ts_ns, const char *clock);
const char *pb_time_unit(const char *clock);

/* TEXT, prose, to OUT wrapped at spaces to WIDTH columns: FIRST before the
 * first line, LATER before each next one (a hint's "hint: " on each, or
 * a label's width of spaces). */
void pb_put_wrapped(FILE *out, const char *first, const char *later, const char *text,
		    size_t width);

/* How a dump's count reads when its "pins" (PINS) is 1 or more, into B:
 * "refcount 1026 = 1 pin (FOLL_PIN, 1024 each) + 2" (an order-0 page), or
 * "2 pins (the folio's pincount)"; 0 with nothing added when PINS < 1. */
int pb_pins_reading(struct pb_buf *b, long long refcount, long long pins);

/* --- the failure report (lib/render/report*.c, html.c, svg.c) ------- */

struct pb_store;
struct pb_analyze_opts;

/* pb_analyze_report() (analyze.h) gathers the pinblame.report/1 object. */

/* Renderers of that object; each returns 0, or -1 on a write error.
 * Text fits WIDTH columns, cutting longer lines (a terminal); a negative
 * WIDTH lays it out for -WIDTH columns and cuts nothing (a file or a pipe
 * keeps every evidence location whole). ANSI bold only when COLOUR. */
int pb_report_text(FILE *out, const json_t *report, int width, int colour);
int pb_report_markdown(FILE *out, const json_t *report);
/* One self-contained page: inline CSS and SVG, nothing fetched. */
int pb_report_html(FILE *out, const json_t *report);

#endif
