/* complete.c - 'pinblame complete WHAT' (also '__complete'), the words that the shell
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

#include "cmd.h"
#include "pinblame/analyze.h"
#include "pinblame/parse.h"
#include "pinblame/store.h"

static int print_id(int64_t id, void *ctx)
{
	(void)ctx;
	return printf("%lld\n", (long long)id) < 0 ? -1 : 0;
}

static int print_failure_ids(const char *db_path)
{
	struct pb_store *s = pb_store_open(db_path, PB_STORE_READ);
	int rc;

	if (!s)
		return PB_EXIT_STORE;
	rc = pb_analyze_failure_ids(s, print_id, NULL) == 0 ? PB_EXIT_OK : PB_EXIT_STORE;
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
	/* every command answers --help; the words themselves are in the man page */
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		puts("usage: pinblame [-d DB] complete failures|formats\n\n"
		     "The words the shell completion cannot read from --help: the failure\n"
		     "ids of the store, one a line, or the names import --format takes.\n"
		     "See pinblame-complete(1).");
		return PB_EXIT_OK;
	}
	pb_error("usage: pinblame complete failures|formats");
	return PB_EXIT_USAGE;
}
