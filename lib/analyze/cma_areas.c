/* cma_areas.c - the area of a CMA failure that its trace does not name.
 *
 * Before 5.13 the cma_alloc event prints no area ("pfn=%lx page=%p
 * count=%u align=%u"), nor does the kernel log's "alloc failed" line. The
 * same boot's log declares the areas (kmsg "cma_area" records,
 * lib/parse/kmsg_area.c): a failure with no area whose pfns lie in one of
 * them takes its name. The log names a device-tree pool (its node) and a
 * hugetlb_cma area ("hugetlb%d"); the global area of "cma=" is declared by
 * dma_contiguous_reserve_area() with the name "reserved" since the series
 * that gave CMA areas names (4.16), a line that does not say it: an area
 * of "cma: Reserved" with no other such line in its log is that one. Any
 * other is "cma@0x" and its base address. An area named by the trace is
 * kept.
 *
 * The same areas name an allocation that did not fail (no failure row to
 * hold its area) for the report's rows per area (report.c): the list is
 * loaded by either, with the page sizes of boots.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"
#include "failures_int.h"

struct cma_area {
	int64_t source_id;
	uint64_t base, bytes;	/* physical address, size */
	const char *name;	/* NULL: named by what declared it */
	int declared;		/* "cma: Reserved" (by cma) with no name */
	const char *release;	/* of its source's kernel, NULL if unknown */
};

static const char *keep(struct cma_areas *a, const char *text)
{
	return text ? pb_arena_strdup(&a->strings, text) : NULL;
}

static void area_row(sqlite3_stmt *st, void *ctx)
{
	struct cma_areas *a = ctx;
	uint64_t base, mib;
	const char *by = column_text(st, 4);
	struct cma_area *x;

	if (column_u64(st, 1, &base) || column_u64(st, 2, &mib) || !mib || mib > (1ULL << 40))
		return;
	PB_GROW(a->v, a->n + 1, a->cap);
	x = &a->v[a->n++];
	x->source_id = sqlite3_column_int64(st, 0);
	x->base = base;
	x->bytes = mib << 20;
	x->name = keep(a, column_text(st, 3));
	x->declared = !x->name && by && !strcmp(by, "cma");
	x->release = keep(a, column_text(st, 5));
}

/* The name of an area its log did not name: "reserved" for the global one
 * (the only "cma: Reserved" area of a log of a kernel that names it), else
 * "cma@0x" and its base. */
static void default_names(struct cma_areas *a)
{
	char buf[32];

	for (size_t i = 0; i < a->n; i++) {
		struct cma_area *x = &a->v[i];
		size_t alike = 0;

		if (x->name)
			continue;
		for (size_t j = 0; x->declared && j < a->n; j++)
			alike += a->v[j].declared && a->v[j].source_id == x->source_id;
		if (alike == 1 && pb_release_at_least(x->release, 4, 16) == 1) {
			x->name = "reserved";
			continue;
		}
		snprintf(buf, sizeof(buf), "cma@0x%llx", (unsigned long long)x->base);
		x->name = keep(a, buf);
	}
}

int cma_areas_load(struct pb_store *s, const struct boots *b, struct cma_areas *a)
{
	int rc;

	memset(a, 0, sizeof(*a));
	a->boots = b;
	rc = sql_rows_each(s,
		"SELECT e.source_id, pb_field(e.keyset_id, e.vals, 'base'), "
		"pb_field(e.keyset_id, e.vals, 'size_mib'), pb_field(e.keyset_id, e.vals, 'name'), "
		"pb_field(e.keyset_id, e.vals, 'by'), s.kernel "
		"FROM event e JOIN source s ON s.id = e.source_id WHERE e.id IN "
		PB_EVENT_IDS_OF("SELECT id FROM name WHERE text = 'kmsg:cma_area'") " ORDER BY e.id",
		area_row, a);
	default_names(a);
	return rc;
}

void cma_areas_free(struct cma_areas *a)
{
	free(a->v);
	pb_arena_free(&a->strings);
	memset(a, 0, sizeof(*a));
}

/* Whether area X is of the boot of source SOURCE_ID: the same log, or a
 * log imported with it (the same sources.boot; a source imported alone
 * goes with no other here, as another boot may place its areas
 * elsewhere). */
static int area_of_boot(const struct boots *b, const struct cma_area *x, int64_t source_id)
{
	int64_t boot = boot_of(b, source_id);

	return x->source_id == source_id || (boot > 0 && boot == boot_of(b, x->source_id));
}

/* The last area of the log (the records have no time: a log of several
 * boots declares them again, mostly the same) that holds the pfns. */
const char *cma_area_holding(const struct cma_areas *a, int64_t source_id, int64_t start_pfn,
			     int64_t end_pfn)
{
	unsigned shift = pfn_shift(page_size_of(a->boots, source_id));
	const struct cma_area *best = NULL;

	if (start_pfn < 0 || end_pfn <= start_pfn)
		return NULL;
	for (size_t i = 0; i < a->n; i++) {
		const struct cma_area *ar = &a->v[i];
		int64_t start = (int64_t)(ar->base >> shift);
		int64_t end = start + (int64_t)(ar->bytes >> shift);

		if (!area_of_boot(a->boots, ar, source_id) || start_pfn < start || end_pfn > end)
			continue;
		best = ar;
	}
	return best ? best->name : NULL;
}

int name_cma_areas(struct finder *f)
{
	struct cma_areas a;
	int rc = cma_areas_load(f->s, &f->boots, &a);

	for (size_t i = 0; rc == 0 && i < f->n && a.n; i++) {
		struct fail *x = &f->v[i];

		if (x->area || (x->kind != FAIL_CMA_ALLOC && !x->cma_alloc_id))
			continue;
		/* the list's names go with it: the failure keeps a copy */
		x->area = finder_keep(f, cma_area_holding(&a, x->source_id, x->start_pfn,
							  x->end_pfn));
	}
	cma_areas_free(&a);
	return rc;
}
