/* failures_loose_pinner.c - page_pinner's failure records join the
 * failure of their page, not of their time.
 *
 * page_pinner stamps its records with ktime_get_boottime() (mm/page_pinner.c
 * of the Android trees, doc/FORMATS.md section 3.1), which counts the time
 * a phone was suspended; the kernel log and the trace count the kernel's
 * local clock, which stops in suspend. So a "Failure detected at" record
 * of a phone that slept is minutes or hours after the cma_alloc() failure
 * it belongs to, and the passes that group records by time made it a
 * failure of its own beside that allocation, which kept its busy ranges
 * and no page (a phone's page_pinner buffer and its dmesg). A record the
 * time passes left joins instead the failure of another source whose busy
 * range holds its page and that failed no later than the record (boot time
 * is never behind the local clock): the latest such. A kernel that prints
 * no busy range (6.10+ dropped "PFNs busy") leaves only the allocation: a
 * record whose stack went through cma_alloc() then joins the latest
 * cma_alloc() failure of another source that names no range, at or before
 * it, when no failure's range holds its page.
 */
#include "failures_int.h"

/* Whether failure X reported the range that holds PFN. */
static int range_holds(const struct fail *x, int64_t pfn)
{
	for (size_t i = 0; i < x->nranges; i++)
		if (x->ranges[i].start <= pfn && pfn < x->ranges[i].end)
			return 1;
	return 0;
}

/* Whether failure X may be the one page_pinner record R was made in. */
static int pinner_record_fits(struct finder *f, const struct fail *x, const struct loose *r)
{
	if (x->source_id == r->source_id || x->kind == FAIL_PAGE_PINNER ||
	    !same_boot(boot_of(&f->boots, x->source_id), boot_of(&f->boots, r->source_id)) ||
	    !range_holds(x, r->pfn))
		return 0;
	return x->ts_ns < 0 || r->ts_ns < 0 || x->ts_ns <= r->ts_ns + ATTEMPT_GAP_NS;
}

/* Whether failure X, of a log that printed no range, may be the CMA
 * allocation record R (whose stack went through cma_alloc()) was made in. */
static int rangeless_cma_fits(struct finder *f, const struct fail *x, const struct loose *r)
{
	if (x->source_id == r->source_id || x->kind != FAIL_CMA_ALLOC || x->nranges ||
	    !same_boot(boot_of(&f->boots, x->source_id), boot_of(&f->boots, r->source_id)))
		return 0;
	return x->ts_ns < 0 || r->ts_ns < 0 || x->ts_ns <= r->ts_ns + ATTEMPT_GAP_NS;
}

/* The failure record R joins, or NULL; IN_CMA: R's stack went through
 * cma_alloc(). */
static struct fail *pinner_record_failure(struct finder *f, const struct loose *r, int in_cma)
{
	struct fail *best = NULL;

	for (size_t i = 0; i < f->n; i++) {
		struct fail *x = &f->v[i];

		if (pinner_record_fits(f, x, r) && (!best || x->ts_ns > best->ts_ns))
			best = x;
	}
	for (size_t i = 0; !best && in_cma && i < f->n; i++) {
		struct fail *x = &f->v[i];

		if (rangeless_cma_fits(f, x, r) && (!best || x->ts_ns > best->ts_ns))
			best = x;
	}
	return best;
}

int pinner_records_by_page(struct finder *f)
{
	struct pass p = { .s = f->s };
	int rc;

	/* the record's stack, whose frames say whether it went through CMA */
	if (pass_prepare(&p, &p.read, "SELECT " LOOSE_COLUMNS ", (SELECT s.folded "
			 "FROM stack s WHERE s.id = stack_id) FROM " LOOSE_TABLE
			 " WHERE how = :how AND pfn >= 0 ORDER BY seq") < 0 ||
	    pass_prepare(&p, &p.write, "DELETE FROM " LOOSE_TABLE " WHERE seq = :seq") < 0)
		return pass_end(&p, -1);
	pb_store_bind_int64(p.read, ":how", HOW_PINNER_FAILURE);
	while ((rc = pb_store_step(f->s, p.read)) > 0) {
		struct loose r;
		struct fail *x;
		int in_cma;

		loose_read(p.read, &r);
		in_cma = (contig_roles((const char *)sqlite3_column_text(p.read, LOOSE_NCOLUMNS)) &
			  1u << CONTIG_CMA) != 0;
		if (!(x = pinner_record_failure(f, &r, in_cma)))
			continue;
		/* busy when that allocation failed: the record's time is on
		 * another clock, so neither it nor the window takes it */
		fail_add_pfn(x, r.pfn, -1, x->ts_ns, r.event_id, r.how);
		if (loose_remove(f->s, p.write, r.seq) < 0) {
			rc = -1;
			break;
		}
	}
	return pass_end(&p, rc);
}
