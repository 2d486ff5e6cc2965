/* boots.c - which sources are one machine's boot, and the page size of
 * each source's kernel.
 *
 * Sources imported together whose times overlap share sources.boot (a
 * trace and its kernel log) and so share what is learned from either; two
 * linked sources of different boots never do. A source imported alone
 * (boot 0) may go with any other, unless its times are on a clock of its
 * own (sources.clock): then its boot is minus its id, and nothing else's
 * times are compared with its.
 *
 * The page size is the one place the analysis turns bytes (a physical
 * address, a file offset) into pages: sources.page_size, which the import
 * took from the capture's header, the release's flavour or the arch
 * (lib/store/source.c), else the size another source of its boot knows:
 * a kernel log without its banner beside the trace of `pinblame record`.
 * A source imported alone takes no other's: another machine's may differ.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

/* A size the store could hold that is no page size (a hand-edited or
 * merged store): a power of two from 4 KiB to 1 MiB, as lib/store/source.c
 * takes a header's. */
static int64_t valid_page_size(int64_t size)
{
	return size >= 4096 && size <= (1 << 20) && !(size & (size - 1)) ? size : 0;
}

static void boot_row(sqlite3_stmt *st, void *ctx)
{
	struct boots *b = ctx;
	size_t id = (size_t)sqlite3_column_int64(st, 0);

	if (id >= b->n) {
		/* indexed by id, N the ids loaded: one row more each time, as
		 * the ids ascend, so room is made ahead */
		PB_GROW(b->v, id + 1, b->cap);
		memset(b->v + b->n, 0, (id + 1 - b->n) * sizeof(*b->v));
		b->n = id + 1;
	}
	b->v[id].boot = sqlite3_column_int64(st, 1);
	b->v[id].page_size = valid_page_size(column_i64_or(st, 2, 0));
}

/* A source of a linked boot whose own page size is unknown takes the one
 * the boot's first source that knows one has (sources of one boot are of
 * one kernel: pb_store_link_boot() links none whose kernels differ). A
 * store holds few sources: a loop over them all per source is enough. */
static void share_boot_page_sizes(struct boots *b)
{
	for (size_t i = 0; i < b->n; i++)
		for (size_t j = 0; !b->v[i].page_size && b->v[i].boot > 0 && j < b->n; j++)
			if (b->v[j].boot == b->v[i].boot)
				b->v[i].page_size = b->v[j].page_size;
}

int load_boots(struct pb_store *s, struct boots *b)
{
	int rc = sql_rows_each(s, "SELECT s.id, " BOOT_OF_SQL("s") ", s.page_size "
			       "FROM source s ORDER BY s.id", boot_row, b);

	share_boot_page_sizes(b);
	return rc;
}

void boots_free(struct boots *b)
{
	free(b->v);
	memset(b, 0, sizeof(*b));
}

int64_t boot_of(const struct boots *b, int64_t source_id)
{
	return source_id >= 0 && (size_t)source_id < b->n ? b->v[source_id].boot : 0;
}

int64_t page_size_of(const struct boots *b, int64_t source_id)
{
	return source_id >= 0 && (size_t)source_id < b->n ? b->v[source_id].page_size : 0;
}

unsigned pfn_shift(int64_t page_size)
{
	unsigned shift = 12;

	if (valid_page_size(page_size))
		for (shift = 0; (INT64_C(1) << shift) < page_size; shift++)
			;
	return shift;
}
