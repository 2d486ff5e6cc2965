/* complete.c - 'pinblame __complete WHAT', the words that the shell
 * completion (contrib/completion/) cannot read from a command's --help:
 *
 *   failures  the failure ids in the store (-d, $PINBLAME_DB), one a line
 *   formats   the import formats, one a line
 *
 * Failure ids come from one read-only query of the failures the last
 * analysis wrote: a completion must answer at once, so a store imported
 * since then is not analysed again here (its new failures show after the
 * next failures, blame or show). Not listed in --help: it is for scripts.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "cmd.h"
#include "pinblame/parse.h"
#include "pinblame/store.h"

static int print_failure_ids(const char *db_path)
{
	struct pb_store *s = pb_store_open(db_path, PB_STORE_READ);
	sqlite3_stmt *st;
	int rc = PB_EXIT_STORE;

	if (!s)
		return rc;
	st = pb_store_prepare(s, "SELECT id FROM failures ORDER BY id");
	if (st) {
		while (pb_store_step(s, st) > 0)
			printf("%lld\n", (long long)sqlite3_column_int64(st, 0));
		if (!pb_store_failed(s))
			rc = PB_EXIT_OK;
		pb_store_finalize(st);
	}
	pb_store_close(s);
	return rc;
}

static int print_formats(void)
{
	const char *name;

	/* the formats are numbered from 1; pb_format_name() says "unknown"
	 * past the last */
	for (int f = PB_FMT_UNKNOWN + 1; strcmp(name = pb_format_name((enum pb_format)f),
						 "unknown"); f++)
		puts(name);
	return PB_EXIT_OK;
}

int cmd_complete(int argc, char **argv, const struct pb_globals *g)
{
	if (argc == 2 && !strcmp(argv[1], "failures"))
		return print_failure_ids(g->db_path);
	if (argc == 2 && !strcmp(argv[1], "formats"))
		return print_formats();
	pb_error("usage: pinblame __complete failures|formats");
	return PB_EXIT_USAGE;
}
