/* holders.c - the holder candidates of each busy page.
 *
 * For a page found busy at time T, the evidence that names its holders:
 * on the get side, references taken before T (page_ref increments, probe
 * hits) and after the page was last freed, unless their task gave them
 * back before T (giving_back()); on the put side, references dropped
 * after T (page_ref decrements, page_pinner puts) up to the put that
 * frees it (whoever drops the extra reference later is the one that held
 * it, as the page_pinner RFC works); and the page's allocation stack
 * (page_owner) while it lives, allocated before T. Repeats of one stack
 * keep the one nearest to T. The gets left out because they were given
 * back are collected too (collect_given_back()), for show to say why the
 * reference a user sees in the trace was not blamed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

struct ev {
	int64_t id, ts_ns, count, delta, stack_id, boot;
	int64_t ended_ns;	/* a get: when a put gave its reference back; -1 */
	int64_t ended_by;	/* and that put's evidence id; 0 */
	int side, cand_kind, free;	/* classify() and is_free(), once per load */
	int32_t pid;
	char kind[16];
	const char *comm;
	enum confidence conf;
};

/* A page's evidence in time order (untimed first), and where its timed
 * part begins. */
struct evs {
	struct ev *v;
	size_t n, cap;
	size_t timed;
	size_t *frees;		/* indexes of the timed frees, in time order */
	size_t nfrees, capfrees;
	struct pb_arena strings;
};

/* Evidence looked at on each side of a failure's time: a page that fails
 * thousands of times (a long pin, an allocation retried every second)
 * must not make the analysis quadratic; the nearest evidence is the one
 * that names the holder. */
#define EVIDENCE_WINDOW 512

static int is_free(const struct ev *e)
{
	if (!strcmp(e->kind, "ack_free"))
		return 1;
	return e->count == 0 &&
	       (!strcmp(e->kind, "page_ref_put") || !strcmp(e->kind, "pinner_put"));
}

static void classify_ev(struct ev *x);
static void end_given_back_gets(struct evs *e);

static int load_evs(struct pb_store *s, sqlite3_stmt *st, int64_t pfn, struct evs *e)
{
	int rc;

	e->n = 0;
	pb_arena_reset(&e->strings);
	sqlite3_bind_int64(st, 1, pfn);
	while ((rc = pb_store_step(s, st)) > 0) {
		struct ev *x;
		const char *comm = column_text(st, 8);

		PB_GROW(e->v, e->n + 1, e->cap);
		x = &e->v[e->n++];
		x->id = sqlite3_column_int64(st, 0);
		x->ts_ns = column_i64_or(st, 1, -1);
		snprintf(x->kind, sizeof(x->kind), "%s", column_text(st, 2));
		x->count = column_i64_or(st, 3, -1);
		x->delta = column_i64_or(st, 4, 0);
		x->stack_id = column_i64_or(st, 5, 0);
		x->conf = confidence_parse(column_text(st, 6));
		x->pid = (int32_t)column_i64_or(st, 7, -1);
		x->comm = comm ? pb_arena_strdup(&e->strings, comm) : NULL;
		x->boot = sqlite3_column_int64(st, 9);
		x->free = is_free(x);
		x->ended_ns = -1;
		x->ended_by = 0;
		classify_ev(x);
	}
	sqlite3_reset(st);
	for (e->timed = 0; e->timed < e->n && e->v[e->timed].ts_ns < 0; e->timed++)
		;
	e->nfrees = 0;
	for (size_t i = e->timed; i < e->n; i++) {
		if (!e->v[i].free)
			continue;
		PB_GROW(e->frees, e->nfrees + 1, e->capfrees);
		e->frees[e->nfrees++] = i;
	}
	end_given_back_gets(e);
	return rc;
}

/* SIDE_DUMPED: what a dump says of the page's current holder, whenever it
 * was printed in the page's lifetime. SIDE_OWNER: a dump's page_owner
 * stack, timed when the log printed it; SIDE_ALLOCATED: a page_owner
 * record, timed when the page was allocated (its "ts %llu ns", the
 * kernel's local_clock() as the trace's default clock). */
enum side { SIDE_NONE, SIDE_GET, SIDE_PUT, SIDE_OWNER, SIDE_DUMPED, SIDE_ALLOCATED };

/* GUP_PIN_COUNTING_BIAS: pin_user_pages() adds 1024 to a small page. */
#define PIN_BIAS 1024

static enum side classify(const struct ev *e, enum cand_kind *kind)
{
	static const struct {
		const char *name;
		enum cand_kind kind;
		enum side side;
	} map[] = {
		{ "page_ref_get", CAND_PAGE_REF_GET, SIDE_GET },
		{ "probe", CAND_PROBE, SIDE_GET },
		{ "dump_probe", CAND_DUMP_PROBE, SIDE_GET },
		{ "page_ref_put", CAND_PAGE_REF_PUT, SIDE_PUT },
		{ "pinner_put", CAND_PINNER_PUT, SIDE_PUT },
		{ "ack_put", CAND_ACK_PUT, SIDE_PUT },
		{ "page_owner", CAND_PAGE_OWNER, SIDE_ALLOCATED },
		{ "last_pin", CAND_LAST_PIN, SIDE_DUMPED },
		/* page_pinner's longterm_pinner/pinner records: the stack
		 * that pinned the page, mostly untimed */
		{ "ack_pin", CAND_LAST_PIN, SIDE_DUMPED },
	};

	/* a dump's own stack is the page_owner allocation stack */
	if (!strcmp(e->kind, "dump")) {
		*kind = CAND_PAGE_OWNER;
		return e->stack_id ? SIDE_OWNER : SIDE_NONE;
	}
	for (size_t i = 0; i < PB_ARRAY_SIZE(map); i++) {
		if (!strcmp(e->kind, map[i].name)) {
			*kind = map[i].kind;
			if (*kind == CAND_PAGE_REF_GET && e->delta >= PIN_BIAS)
				*kind = CAND_PIN;
			return map[i].side;
		}
	}
	return SIDE_NONE;
}

/* Caches the side and kind of X in it: the candidate loop sees each piece
 * of evidence once per failure of its page. */
static void classify_ev(struct ev *x)
{
	enum cand_kind kind = 0;

	x->side = classify(x, &kind);
	x->cand_kind = kind;
}

/* Whether X took a reference whose size and the count after it the trace
 * printed (page_ref's "count=%d ... val=%d": the count after the change,
 * and the change). */
static int counted_get(const struct ev *x)
{
	return x->side == SIDE_GET && x->count >= 0 && x->delta > 0 &&
	       (x->cand_kind == CAND_PAGE_REF_GET || x->cand_kind == CAND_PIN);
}

/* The put that gives back the reference of get G = E->v[I], or NULL. A
 * refcount does not say whose reference a put drops; the put of G's own
 * task that brings the count back to (or below) what it was before G,
 * with no get of the page between them, is taken as G's: a GUP user that
 * gives pages back in the task that took them (a direct I/O's or a
 * vmsplice's release after the request, a pin's unpin) puts so. Another
 * task's put is as likely an older reference (a mapping, the page cache)
 * going away, and a get between makes the count no longer G's own. */
static const struct ev *giving_back(const struct evs *e, size_t i)
{
	const struct ev *g = &e->v[i];
	int64_t before = g->count - g->delta;
	size_t end = e->n - i > EVIDENCE_WINDOW ? i + EVIDENCE_WINDOW : e->n;

	for (size_t j = i + 1; j < end; j++) {
		const struct ev *y = &e->v[j];

		if (!same_boot(y->boot, g->boot))
			continue;
		if (counted_get(y))
			return NULL;
		if (!strcmp(y->kind, "page_ref_put") && g->pid >= 0 && y->pid == g->pid &&
		    y->count >= 0 && y->count <= before)
			return y;
	}
	return NULL;
}

/* Marks when each counted get of E was given back (ended_ns). */
static void end_given_back_gets(struct evs *e)
{
	for (size_t i = e->timed; i < e->n; i++) {
		const struct ev *put;

		if (!counted_get(&e->v[i]))
			continue;
		put = giving_back(e, i);
		if (put) {
			e->v[i].ended_ns = put->ts_ns;
			e->v[i].ended_by = put->id;
		}
	}
}

/* Whether get E was taken before T in the page's lifetime (after its last
 * free before T). */
static int taken_in_lifetime(const struct ev *e, int64_t t, int64_t last_free)
{
	return e->ts_ns >= 0 && e->ts_ns <= t && e->ts_ns > last_free;
}

/* Whether get E's own task gave it back by T (giving_back()). */
static int given_back_by(const struct ev *e, int64_t t)
{
	return e->ended_ns >= 0 && e->ended_ns <= t;
}

/* Whether evidence E speaks about the page as it was at time T, given the
 * frees around T. */
static int in_lifetime(const struct ev *e, enum side side, int64_t t, int64_t last_free,
		       int64_t next_free)
{
	int64_t ts = e->ts_ns;

	switch (side) {
	case SIDE_GET:
		/* a reference given back before T held nothing at T */
		return taken_in_lifetime(e, t, last_free) && !given_back_by(e, t);
	case SIDE_PUT:
		/* ACK records carry no time; they come after the failure */
		return ts < 0 || (ts > t && (next_free < 0 || ts <= next_free));
	case SIDE_ALLOCATED:
		/* a page allocated after T is not the page that was busy at T */
		return ts < 0 || (ts <= t && ts > last_free);
	case SIDE_OWNER:
	case SIDE_DUMPED:
		return ts < 0 || (ts <= t ? ts > last_free : next_free < 0 || ts < next_free);
	default:
		return 0;
	}
}

/* The candidate of the same kind and stack already taken for this page. */
static struct cand *same_stack(struct cand_list *l, size_t first, enum cand_kind kind,
			       int64_t stack_id)
{
	for (size_t i = first; i < l->n; i++)
		if (l->v[i].kind == kind && l->v[i].stack_id == stack_id)
			return &l->v[i];
	return NULL;
}

/* A busy page of a failure: found busy at T on boot BOOT (evidence of
 * another linked boot speaks of another machine's page; boot 0, a source
 * imported alone, may go with any), between the frees of the page nearest
 * before and after T (-1 when none). */
struct busy_page {
	int64_t failure_id, pfn, t, boot;
	int64_t last_free, next_free;
};

/* First timed evidence later than T. */
static size_t after(const struct evs *e, int64_t t)
{
	size_t lo = e->timed, hi = e->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e->v[mid].ts_ns <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The frees nearest before and after the evidence at SPLIT, of P's boot. */
static void frees_around(const struct evs *e, size_t split, struct busy_page *p)
{
	size_t lo = 0, hi = e->nfrees;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e->frees[mid] < split)
			lo = mid + 1;
		else
			hi = mid;
	}
	p->last_free = p->next_free = -1;
	for (size_t i = lo; i-- > 0;) {
		if (same_boot(e->v[e->frees[i]].boot, p->boot)) {
			p->last_free = e->v[e->frees[i]].ts_ns;
			break;
		}
	}
	for (size_t i = lo; i < e->nfrees; i++) {
		if (same_boot(e->v[e->frees[i]].boot, p->boot)) {
			p->next_free = e->v[e->frees[i]].ts_ns;
			break;
		}
	}
}

/* The timed evidence looked at for page P: [*LO, *HI), EVIDENCE_WINDOW on
 * each side of *SPLIT, the first later than P->t; fills P's frees. */
static void window(const struct evs *e, struct busy_page *p, size_t *lo, size_t *split,
		   size_t *hi)
{
	*split = after(e, p->t);
	*lo = *split - e->timed > EVIDENCE_WINDOW ? *split - EVIDENCE_WINDOW : e->timed;
	*hi = e->n - *split > EVIDENCE_WINDOW ? *split + EVIDENCE_WINDOW : e->n;
	frees_around(e, *split, p);
}

static void take_cand(const struct ev *x, const struct busy_page *p, size_t first,
		      struct cand_list *l)
{
	enum cand_kind kind = (enum cand_kind)x->cand_kind;
	enum side side = (enum side)x->side;
	struct cand *c;

	if (!same_boot(x->boot, p->boot) || !in_lifetime(x, side, p->t, p->last_free, p->next_free))
		return;
	c = same_stack(l, first, kind, x->stack_id);
	/* evidence is in time order: a later get is nearer to T */
	if (c && side != SIDE_GET)
		return;
	if (!c)
		c = cand_add(l);
	c->failure_id = p->failure_id;
	c->pfn = p->pfn;
	c->stack_id = x->stack_id;
	c->evidence_id = x->id;
	c->ts_ns = x->ts_ns;
	c->busy_ts_ns = p->t;
	c->pid = x->pid;
	c->comm = x->comm ? pb_arena_strdup(&l->strings, x->comm) : NULL;
	c->kind = kind;
	c->conf = side == SIDE_OWNER || side == SIDE_ALLOCATED ? CONF_LOW : x->conf;
}

/* Candidates of busy page P into the cand_list CTX. */
static void page_cands(const struct evs *e, struct busy_page *p, void *ctx)
{
	struct cand_list *l = ctx;
	size_t lo, split, hi, first = l->n;

	window(e, p, &lo, &split, &hi);
	for (size_t i = 0; i < e->timed; i++)
		take_cand(&e->v[i], p, first, l);
	for (size_t i = lo; i < hi; i++)
		take_cand(&e->v[i], p, first, l);
}

/* The gets of busy page P that in_lifetime() left out because their task
 * gave them back before P->t, into the given_back_list CTX. */
static void page_given_back(const struct evs *e, struct busy_page *p, void *ctx)
{
	struct given_back_list *l = ctx;
	size_t lo, split, hi;

	window(e, p, &lo, &split, &hi);
	for (size_t i = lo; i < split; i++) {
		const struct ev *x = &e->v[i];
		struct given_back *g;

		if (x->side != SIDE_GET || !same_boot(x->boot, p->boot) ||
		    !taken_in_lifetime(x, p->t, p->last_free) || !given_back_by(x, p->t))
			continue;
		PB_GROW(l->v, l->n + 1, l->cap);
		g = &l->v[l->n++];
		*g = (struct given_back){ .failure_id = p->failure_id, .pfn = p->pfn,
					  .get_id = x->id, .put_id = x->ended_by,
					  .ts_ns = x->ts_ns, .put_ts_ns = x->ended_ns,
					  .stack_id = x->stack_id, .delta = x->delta,
					  .count = x->count, .pid = x->pid,
					  .kind = (enum cand_kind)x->cand_kind };
		g->comm = x->comm ? pb_arena_strdup(&l->strings, x->comm) : NULL;
	}
}

typedef void (*busy_page_fn)(const struct evs *e, struct busy_page *p, void *ctx);

/* Calls EACH with every busy page of FAILURE_ID (0: of every failure) and
 * the page's evidence, in pfn order, loading each page's evidence once.
 * 0 or -1. */
static int each_busy_page(struct pb_store *s, int64_t failure_id, busy_page_fn each, void *ctx)
{
	static const char pages_sql[] =
		"SELECT p.failure_id, p.pfn, COALESCE(p.ts_ns, f.ts_ns, -1), "
		BOOT_OF_SQL("fs") " FROM failure_pfn p "
		"JOIN failure f ON f.id = p.failure_id JOIN source fs ON fs.id = f.source_id ";
	struct pb_buf sql = { 0 };
	sqlite3_stmt *pages, *evidence;
	struct evs e = { 0 };
	int64_t loaded = -1;
	int rc = -1;

	pb_buf_addf(&sql, "%s%s ORDER BY p.pfn, p.failure_id", pages_sql,
		    failure_id > 0 ? "WHERE p.failure_id = ?1" : "");
	pages = pb_store_prepare(s, pb_buf_str(&sql));
	evidence = pb_store_prepare(s,
		"SELECT v.id, v.ts_ns, v.kind, v.count, v.delta, v.stack_id, v.confidence, v.pid, "
		"v.comm, " BOOT_OF_SQL("s") " FROM evidence v JOIN source s ON s.id = v.source_id "
		"WHERE v.pfn = ? ORDER BY v.ts_ns, v.id");
	pb_buf_free(&sql);
	if (!pages || !evidence)
		goto out;
	if (failure_id > 0)
		sqlite3_bind_int64(pages, 1, failure_id);
	while ((rc = pb_store_step(s, pages)) > 0) {
		struct busy_page p = { .failure_id = sqlite3_column_int64(pages, 0),
				       .pfn = sqlite3_column_int64(pages, 1),
				       .t = sqlite3_column_int64(pages, 2),
				       .boot = sqlite3_column_int64(pages, 3) };

		if (p.pfn != loaded) {
			if (load_evs(s, evidence, p.pfn, &e) < 0) {
				rc = -1;
				break;
			}
			loaded = p.pfn;
		}
		each(&e, &p, ctx);
	}
out:
	sqlite3_finalize(pages);
	sqlite3_finalize(evidence);
	free(e.v);
	free(e.frees);
	pb_arena_free(&e.strings);
	return rc;
}

int collect_cands(struct pb_store *s, struct cand_list *l)
{
	return each_busy_page(s, 0, page_cands, l);
}

int collect_given_back(struct pb_store *s, int64_t failure_id, struct given_back_list *l)
{
	return each_busy_page(s, failure_id, page_given_back, l);
}

void given_back_list_free(struct given_back_list *l)
{
	free(l->v);
	pb_arena_free(&l->strings);
	*l = (struct given_back_list){ 0 };
}
