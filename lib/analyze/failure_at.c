/* failure_at.c - a failure named by where its event was read, FILE:LINE.
 *
 * Failure ids number the failures in time order at the last analysis, so
 * an import that adds an earlier failure renumbers the later ones; the
 * file and line of the event that failed stay. `show FILE:LINE` takes the
 * "event: FILE:LINE" that show, report and failures --json print. */
#include <string.h>

#include "analyze_int.h"

int pb_analyze_failure_at(struct pb_store *s, const char *file, int64_t line, int64_t *id)
{
	/* FILE is the path as imported or its last components, as printed; or
	 * a longer path that ends in the one imported (a relative path then) */
	sqlite3_stmt *st = pb_store_prepare(s,
		"SELECT f.id FROM failure f JOIN source s ON s.id = f.source_id "
		"JOIN event e ON e.id = f.event_id WHERE e.line = :line AND "
		"(s.path = :file OR (length(s.path) > length(:file) AND "
		"substr(s.path, -length(:file) - 1) = '/' || :file) OR "
		"(length(:file) > length(s.path) AND "
		"substr(:file, -length(s.path) - 1) = '/' || s.path)) ORDER BY f.id");
	int n = 0;

	if (!st)
		return -1;
	pb_store_bind_int64(st, ":line", line);
	pb_store_bind_text(st, ":file", file);
	while (pb_store_step(s, st) > 0)
		if (n++ == 0)
			*id = sqlite3_column_int64(st, 0);
	pb_store_finalize(st);
	return pb_store_failed(s) ? -1 : n;
}
