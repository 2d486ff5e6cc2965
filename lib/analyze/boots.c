/* boots.c - which sources are one machine's boot.
 *
 * Sources imported together whose times overlap share sources.boot (a
 * trace and its kernel log) and so share what is learned from either; two
 * linked sources of different boots never do. A source imported alone
 * (boot 0) may go with any other, unless its times are on a clock of its
 * own (sources.clock): then its boot is minus its id, and nothing else's
 * times are compared with its.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

static void boot_row(sqlite3_stmt *st, void *ctx)
{
	struct boots *b = ctx;
	size_t id = (size_t)sqlite3_column_int64(st, 0);

	if (id >= b->n) {
		/* indexed by id, N the ids loaded: one row more each time, as
		 * the ids ascend, so room is made ahead */
		PB_GROW(b->of, id + 1, b->cap);
		memset(b->of + b->n, 0, (id + 1 - b->n) * sizeof(*b->of));
		b->n = id + 1;
	}
	b->of[id] = sqlite3_column_int64(st, 1);
}

int load_boots(struct pb_store *s, struct boots *b)
{
	return sql_rows_each(s, "SELECT s.id, " BOOT_OF_SQL("s") " FROM source s ORDER BY s.id",
			     boot_row, b);
}

int64_t boot_of(const struct boots *b, int64_t source_id)
{
	return source_id >= 0 && (size_t)source_id < b->n ? b->of[source_id] : 0;
}
