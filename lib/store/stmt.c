/* stmt.c - the one way pinblame runs SQL: prepare, bind, step, finalize.
 *
 * In the spirit of Fossil's db_prepare() / db_step() / db_finalize(): every
 * failure is printed with the store's path and SQLite's message, and the
 * first one is remembered, by the store and for the process. A read loop
 * that stops at an error therefore cannot pass for one that ran out of
 * rows: the command sees pb_store_failed() (or, as a last resort, the
 * dispatcher sees pb_store_error_seen()) and exits 4.
 *
 * Tests reach the error paths SQLite gives no portable way to provoke with
 * PB_TEST_FAIL_STEP=TEXT: every step of a statement whose SQL contains TEXT
 * fails as a disk I/O error would (doc/HACKING.md, "Fault injection").
 */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* Any store error in this process; only ever set (the import's parsing
 * thread never runs SQL, so one thread writes it). */
static int error_seen;

static void remember(struct pb_store *s, int rc)
{
	if (!s->first_error)
		s->first_error = rc ? rc : SQLITE_ERROR;
	error_seen = 1;
}

int store_sql_error(struct pb_store *s, const char *what)
{
	remember(s, sqlite3_extended_errcode(s->db));
	pb_error("%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
	return -1;
}

int store_failure(struct pb_store *s, int rc)
{
	remember(s, rc);
	return -1;
}

int pb_store_failed(const struct pb_store *s)
{
	return s->first_error;
}

int pb_store_error_seen(void)
{
	return error_seen;
}

int pb_store_exec(struct pb_store *s, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		remember(s, rc);
		pb_error("%s: %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

sqlite3_stmt *pb_store_prepare(struct pb_store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		store_sql_error(s, "prepare");
		return NULL;
	}
	return st;
}

int pb_store_define_function(struct pb_store *s, const char *name, int nargs,
			     void (*fn)(sqlite3_context *, int, sqlite3_value **), void *ctx)
{
	if (sqlite3_create_function_v2(s->db, name, nargs, SQLITE_UTF8, ctx, fn, NULL, NULL,
				       NULL) != SQLITE_OK)
		return store_sql_error(s, name);
	return 0;
}

/* Whether the test asked this statement's steps to fail (see the top). */
static int injected_failure(sqlite3_stmt *st)
{
	static const char *fail_sql;
	static int looked;
	const char *sql;

	if (!looked) {
		fail_sql = getenv("PB_TEST_FAIL_STEP");
		looked = 1;
	}
	if (!fail_sql || !*fail_sql)
		return 0;
	sql = sqlite3_sql(st);
	return sql && strstr(sql, fail_sql);
}

int pb_store_step(struct pb_store *s, sqlite3_stmt *st)
{
	int rc;

	if (injected_failure(st)) {
		remember(s, SQLITE_IOERR);
		pb_error("%s: %s: disk I/O error (injected: PB_TEST_FAIL_STEP)", s->path,
			 sqlite3_sql(st));
		return -1;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	remember(s, rc);
	/* the connection has the message until the statement is reset */
	pb_error("%s: %s", s->path, sqlite3_errmsg(s->db));
	sqlite3_reset(st);
	return -1;
}

int pb_store_run(struct pb_store *s, sqlite3_stmt *st)
{
	int rc = pb_store_step(s, st);

	sqlite3_reset(st);
	if (rc > 0) {
		remember(s, SQLITE_MISUSE);
		pb_error("%s: a statement that writes returned a row: %s", s->path,
			 sqlite3_sql(st));
		return -1;
	}
	return rc;
}

int pb_store_first_int64(struct pb_store *s, sqlite3_stmt *st, int64_t *value)
{
	int rc = pb_store_step(s, st);

	if (rc > 0)
		*value = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc;
}

/* The index of parameter NAME, which the statement must have: a name the
 * SQL lacks is a mistake in the code, not in the input. */
static int param(sqlite3_stmt *st, const char *name)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (!i)
		pb_die("no parameter %s in: %s", name, sqlite3_sql(st));
	return i;
}

void pb_store_bind_int64(sqlite3_stmt *st, const char *name, int64_t value)
{
	sqlite3_bind_int64(st, param(st, name), value);
}

void pb_store_bind_text(sqlite3_stmt *st, const char *name, const char *text)
{
	int i = param(st, name);

	if (text)
		sqlite3_bind_text(st, i, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

void pb_store_bind_null(sqlite3_stmt *st, const char *name)
{
	sqlite3_bind_null(st, param(st, name));
}

void pb_store_finalize(sqlite3_stmt *st)
{
	/* its error, if any, was reported by the step that met it */
	sqlite3_finalize(st);
}
