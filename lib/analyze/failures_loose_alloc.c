/* failures_loose_alloc.c - the pass over cma_alloc()'s "alloc failed"
 * lines of the kernel log: each takes the dumps, page_pinner failures,
 * busy lines and call traces of its log since the line before it, and
 * close before it, as one failure. Apart from failures_loose.c because it
 * reads the table in a log's order (an index on log and time, made only
 * when there are such lines) and takes what it joins out by seq ranges.
 */
#include <string.h>

#include "failures_int.h"

/* What an "alloc failed" line of the kernel log can take as its own: the
 * pages and ranges alloc_contig_range() reported busy while cma_alloc()
 * tried. "migrating pfn ... failed" is memory offlining's. */
static int alloc_failed_takes(const struct loose *alloc, const struct loose *r)
{
	return (r->how == HOW_DUMP || r->how == HOW_PINNER_FAILURE || r->how == HOW_KMSG ||
		r->how == HOW_CALL_TRACE) &&
	       r->ts_ns >= 0 && alloc->ts_ns - r->ts_ns <= ATTEMPT_GAP_NS &&
	       (r->pid < 0 || alloc->pid < 0 || r->pid == alloc->pid);
}

/* Where a record is in a log's order: by time, event, then load order. */
struct log_place {
	int64_t source_id, ts_ns, event_id, seq;
};

static struct log_place place_of(const struct loose *r)
{
	return (struct log_place){ r->source_id, r->ts_ns, r->event_id, r->seq };
}

static int cmp_place(const struct log_place *x, const struct log_place *y)
{
	if (x->source_id != y->source_id)
		return x->source_id < y->source_id ? -1 : 1;
	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	if (x->event_id != y->event_id)
		return x->event_id < y->event_id ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The records taken out of the table, by seq from LO to HI (none when HI
 * < LO): a log loads the lines of one allocation one after the other, so
 * one statement removes them, not one each. */
struct taken {
	int64_t lo, hi;
};

static int taken_flush(struct pb_store *s, sqlite3_stmt *del, struct taken *t)
{
	int rc = 0;

	if (t->hi >= t->lo) {
		pb_store_bind_int64(del, ":from", t->lo);
		pb_store_bind_int64(del, ":to", t->hi);
		rc = pb_store_run(s, del);
	}
	t->lo = 1;
	t->hi = 0;
	return rc;
}

/* Takes record SEQ out; every seq from T->lo to T->hi was taken, so a seq
 * that follows on extends them (deleting rows already read is safe while
 * a statement reads on). */
static int take(struct pb_store *s, sqlite3_stmt *del, struct taken *t, int64_t seq)
{
	int rc = 0;

	if (t->hi < t->lo || seq != t->hi + 1) {
		rc = taken_flush(s, del, t);
		t->lo = seq;
	}
	t->hi = seq;
	return rc;
}

/* The record of a log right after a given event: the call trace that may
 * be the requester's (requester_after()). */
static const char next_event_sql[] =
	"SELECT e.ts_ns, e.pid, c.text, e.stack_id, n.text, s.folded FROM event e "
	"JOIN name n ON n.id = e.name_id LEFT JOIN name c ON c.id = e.comm_id "
	"LEFT JOIN stack s ON s.id = e.stack_id "
	"WHERE e.source_id = :source_id AND e.id > :event_id ORDER BY e.id LIMIT 1";

/* The DMA allocator's functions that ask cma_alloc() for a buffer and, when
 * it fails, the page allocator (kernel/dma/direct.c: alloc_pages_node()
 * after dma_alloc_contiguous() in __dma_direct_alloc_pages()). */
static int dma_allocator(const char *frame, size_t len)
{
	static const char *const names[] = {
		"dma_alloc_attrs", "dma_direct_alloc", "dma_direct_alloc_pages",
		"__dma_direct_alloc_pages", "dma_alloc_contiguous", "dma_alloc_from_contiguous",
	};
	size_t n = 0;

	while (n < len && frame[n] != ' ' && frame[n] != '+')
		n++;
	for (size_t i = 0; i < PB_ARRAY_SIZE(names); i++)
		if (strlen(names[i]) == n && !memcmp(frame, names[i], n))
			return 1;
	return 0;
}

/* Whether FOLDED (frames from the root, ';' between them) goes through the
 * DMA allocator. */
static int through_dma_allocator(const char *folded)
{
	while (folded && *folded) {
		const char *semi = strchr(folded, ';');
		size_t len = semi ? (size_t)(semi - folded) : strlen(folded);

		if (dma_allocator(folded, len))
			return 1;
		folded = semi ? semi + 1 : NULL;
	}
	return 0;
}

/* The task that asked for the buffer of "alloc failed" line R, from the
 * call trace that is the next record of its log: a buffer larger than the
 * page allocator's largest order, which the DMA allocator asks it for
 * after cma_alloc() failed, makes __alloc_pages_nodemask() warn
 * (WARN_ON_ONCE: the first such failure of a boot), in the same task,
 * through the DMA allocator: its task and stack are the requester's. 0, or
 * -1 on a store error. */
static int requester_after(struct finder *f, sqlite3_stmt *next, const struct loose *r,
			   struct fail *x)
{
	int rc;

	pb_store_bind_int64(next, ":source_id", r->source_id);
	pb_store_bind_int64(next, ":event_id", r->event_id);
	rc = pb_store_step(f->s, next);
	if (rc > 0 && sqlite3_column_type(next, 1) != SQLITE_NULL &&
	    !strcmp(column_text(next, 4) ? column_text(next, 4) : "", "kmsg:call_trace") &&
	    through_dma_allocator(column_text(next, 5))) {
		int64_t ts = column_i64_or(next, 0, -1);
		struct loose trace = { .pid = (int32_t)sqlite3_column_int64(next, 1),
				       .comm = column_text(next, 2),
				       .stack_id = column_i64_or(next, 3, 0) };

		if (r->ts_ns < 0 || (ts >= r->ts_ns && ts - r->ts_ns <= ATTEMPT_GAP_NS))
			take_task(f, x, &trace);
	}
	sqlite3_reset(next);
	return rc < 0 ? -1 : 0;
}

/* The failure of "alloc failed" line R, with the records of its log since
 * the line before it (SINCE; source_id -1: none) that it takes, and the
 * task that asked for it when the next record names it (NEXT). */
static int alloc_failed_failure(struct finder *f, struct pass *p, sqlite3_stmt *next,
				const struct loose *r, const struct log_place *since)
{
	struct fail *x = loose_fail(f, r);
	struct log_place at = place_of(r);
	struct taken taken = { 1, 0 };
	int64_t from = r->ts_ns - ATTEMPT_GAP_NS;
	int rc;

	x->ts_ns = r->ts_ns;	/* when it failed; the window opens earlier */
	if (r->has_ret)
		x->errorno = r->ret;
	if (since->source_id == r->source_id && since->ts_ns > from)
		from = since->ts_ns;
	pb_store_bind_int64(p->near, ":source_id", r->source_id);
	pb_store_bind_int64(p->near, ":from", from);
	pb_store_bind_int64(p->near, ":to", r->ts_ns);
	while ((rc = pb_store_step(f->s, p->near)) > 0) {
		struct loose c;
		struct log_place cp;

		loose_read(p->near, &c);
		cp = place_of(&c);
		if (cmp_place(&cp, since) <= 0 || cmp_place(&cp, &at) >= 0 ||
		    !alloc_failed_takes(r, &c))
			continue;
		if (c.how == HOW_CALL_TRACE)
			take_task(f, x, &c);
		else
			join_loose(x, &c);
		if (take(f->s, p->write, &taken, c.seq) < 0) {
			rc = -1;
			break;
		}
	}
	sqlite3_reset(p->near);
	if (rc || (x->pid < 0 && requester_after(f, next, r, x) < 0))
		return -1;
	join_loose(x, r);
	if (take(f->s, p->write, &taken, r->seq) < 0)
		return -1;
	return taken_flush(f->s, p->write, &taken);
}

/* pass_end() of P and the statement EXTRA beside it. */
static int pass_end_with(struct pass *p, sqlite3_stmt *extra, int rc)
{
	pb_store_finalize(extra);
	return pass_end(p, rc);
}

/* cma_alloc() says "alloc failed" once, after every range it tried failed:
 * the dumps, page_pinner failures and "PFNs busy" lines of the same log
 * since its previous such line, and close before it, are that failure's.
 * Takes them and the "alloc failed" lines out of the table. */
int alloc_failed_failures(struct finder *f, const struct loose_list *l)
{
	struct pass p = { .s = f->s };
	struct log_place since = { .source_id = -1 };
	sqlite3_stmt *next;
	int rc;

	if (!l->alloc_failed)
		return 0;
	next = pb_store_prepare(f->s, next_event_sql);
	if (!next)
		return -1;
	/* NOT INDEXED: the few lines sorted, not every record looked up */
	if (pb_store_exec(f->s, "CREATE INDEX " LOOSE_TABLE "_log ON pb_loose "
			  "(source_id, ts_ns, event_id)") < 0 ||
	    pass_prepare(&p, &p.read, "SELECT " LOOSE_COLUMNS " FROM " LOOSE_TABLE
			 " NOT INDEXED WHERE how = :how ORDER BY source_id, ts_ns, event_id, seq") < 0 ||
	    pass_prepare(&p, &p.near, "SELECT " LOOSE_COLUMNS " FROM " LOOSE_TABLE
			 " WHERE source_id = :source_id AND ts_ns BETWEEN :from AND :to "
			 "ORDER BY ts_ns, event_id, seq") < 0 ||
	    pass_prepare(&p, &p.write, "DELETE FROM " LOOSE_TABLE
			 " WHERE seq BETWEEN :from AND :to") < 0)
		return pass_end_with(&p, next, -1);
	pb_store_bind_int64(p.read, ":how", HOW_CMA_ALLOC_FAILED);
	while ((rc = pb_store_step(f->s, p.read)) > 0) {
		struct loose r;

		loose_read(p.read, &r);
		if (r.ts_ns < 0)
			continue;
		if (alloc_failed_failure(f, &p, next, &r, &since) < 0) {
			rc = -1;
			break;
		}
		since = place_of(&r);
	}
	return pass_end_with(&p, next, rc);
}
