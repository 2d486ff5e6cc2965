/* render.h - output: tables in text, CSV or JSON (written once, used by
 * every command), and the report renderers. */
#ifndef PINBLAME_RENDER_H
#define PINBLAME_RENDER_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>

enum pb_table_mode {
	PB_TABLE_TEXT,	/* aligned columns with a header line */
	PB_TABLE_CSV,	/* RFC 4180, header line */
	PB_TABLE_JSON,	/* {"schema": ..., "columns": [...], "rows": [{...}]} */
};

/* Writes every row of ST (already bound) to OUT in MODE. SCHEMA is the
 * JSON schema name ("pinblame.query/1"). Returns the number of rows, or -1
 * on an SQL error (message printed). */
long pb_table_write(FILE *out, sqlite3_stmt *st, enum pb_table_mode mode,
		    const char *schema);

/* Writes a JSON value followed by a newline; 0 or -1. */
int pb_json_write(FILE *out, json_t *value);

/* Formats ns as seconds with 6 decimals ("41.589960"). */
void pb_format_ts(char *buf, size_t len, long long ts_ns);

#endif
