/* query.c - the user's own SQL (pinblame query), read-only whatever the
 * store's file permissions.
 *
 * A statement SQLite calls read-only can still attach (and so create)
 * another file, change the connection with a PRAGMA, or load code; the
 * authorizer refuses those before the statement runs. Errors in the
 * user's SQL are the user's (exit 2), so they are printed here but not
 * remembered as a store error.
 */
#include <string.h>
#include <strings.h>

#include "store_int.h"

/* PRAGMAs that only describe what they are given the name of. */
static int reading_pragma(const char *name)
{
	static const char *const reading[] = {
		"table_info", "table_xinfo", "index_list", "index_info", "index_xinfo",
		"foreign_key_list", "integrity_check", "quick_check",
	};

	for (size_t i = 0; i < PB_ARRAY_SIZE(reading); i++)
		if (!strcasecmp(name, reading[i]))
			return 1;
	return 0;
}

static int authorize_action(int action, const char *a, const char *b)
{
	switch (action) {
	case SQLITE_ATTACH:
	case SQLITE_DETACH:
		pb_error("refused: query reads this store only (no ATTACH)");
		return SQLITE_DENY;
	case SQLITE_PRAGMA:
		/* a PRAGMA with a value sets something, but for those that
		 * take the name of what they describe */
		if (b && !reading_pragma(a)) {
			pb_error("refused: query does not set PRAGMA %s", a);
			return SQLITE_DENY;
		}
		return SQLITE_OK;
	case SQLITE_FUNCTION:
		if (b && !strcasecmp(b, "load_extension")) {
			pb_error("refused: query loads no extension");
			return SQLITE_DENY;
		}
		return SQLITE_OK;
	}
	return SQLITE_OK;
}

static int authorize(void *refused, int action, const char *a, const char *b,
		     const char *db, const char *trigger)
{
	int rc = authorize_action(action, a, b);

	(void)db, (void)trigger;
	if (rc == SQLITE_DENY)
		*(int *)refused = 1;
	return rc;
}

sqlite3_stmt *pb_store_prepare_query(struct pb_store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;

	/* the authorizer stays for as long as the statement: SQLite may
	 * compile it again (after a schema change) */
	s->query_refused = 0;
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	sqlite3_set_authorizer(s->db, authorize, &s->query_refused);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, &tail) != SQLITE_OK) {
		if (!s->query_refused)	/* the authorizer said why */
			pb_error("%s", sqlite3_errmsg(s->db));
	} else if (!st) {
		pb_error("no SQL statement given");
	} else if (!sqlite3_stmt_readonly(st)) {
		pb_error("refused: the store is read-only for query");
	} else if (tail && tail[strspn(tail, " \t\r\n;")]) {
		pb_error("one statement at a time");
	} else {
		return st;
	}
	sqlite3_finalize(st);
	return NULL;
}
