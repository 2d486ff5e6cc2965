/* holders.c - the holder candidates of each busy page.
 *
 * For a page found busy at time T, the evidence that names its holders:
 * on the get side, references taken before T (page_ref increments, probe
 * hits) and after the page was last freed; on the put side, references
 * dropped after T (page_ref decrements, page_pinner puts) up to the put
 * that frees it (whoever drops the extra reference later is the one that
 * held it, as the page_pinner RFC works); and the page's allocation stack
 * (page_owner) while it lives. Repeats of one stack keep the one nearest
 * to T.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

struct ev {
	int64_t id, ts_ns, count, delta, stack_id, boot;
	int32_t pid;
	char kind[16];
	const char *comm;
	enum confidence conf;
};

struct evs {
	struct ev *v;
	size_t n, cap;
	struct pb_arena strings;
};

static int is_free(const struct ev *e)
{
	if (!strcmp(e->kind, "ack_free"))
		return 1;
	return e->count == 0 &&
	       (!strcmp(e->kind, "page_ref_put") || !strcmp(e->kind, "pinner_put"));
}

static int load_evs(sqlite3_stmt *st, int64_t pfn, struct evs *e)
{
	int rc;

	e->n = 0;
	pb_arena_reset(&e->strings);
	sqlite3_bind_int64(st, 1, pfn);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ev *x;
		const char *comm = column_text(st, 8);

		if (e->n == e->cap) {
			e->cap = e->cap ? e->cap * 2 : 64;
			e->v = pb_realloc(e->v, e->cap * sizeof(*e->v));
		}
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
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

enum side { SIDE_NONE, SIDE_GET, SIDE_PUT, SIDE_OWNER };

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
		{ "page_owner", CAND_PAGE_OWNER, SIDE_OWNER },
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

/* Whether evidence E speaks about the page as it was at time T, given the
 * frees around T. */
static int in_lifetime(const struct ev *e, enum side side, int64_t t, int64_t last_free,
		       int64_t next_free)
{
	int64_t ts = e->ts_ns;

	switch (side) {
	case SIDE_GET:
		return ts >= 0 && ts <= t && ts > last_free;
	case SIDE_PUT:
		/* ACK records carry no time; they come after the failure */
		return ts < 0 || (ts > t && (next_free < 0 || ts <= next_free));
	case SIDE_OWNER:
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

/* Candidates of page PFN of FAILURE_ID, busy at T on boot BOOT: evidence
 * of another linked boot speaks of another machine's page (boot 0: a
 * source imported alone, which may go with any). */
static void page_cands(const struct evs *e, int64_t failure_id, int64_t pfn, int64_t t,
		       int64_t boot, struct cand_list *l)
{
	int64_t last_free = -1, next_free = -1;
	size_t first = l->n;

	for (size_t i = 0; i < e->n; i++) {
		if (!is_free(&e->v[i]) || e->v[i].ts_ns < 0 || !same_boot(e->v[i].boot, boot))
			continue;
		if (e->v[i].ts_ns < t)
			last_free = e->v[i].ts_ns;
		else if (next_free < 0)
			next_free = e->v[i].ts_ns;
	}
	for (size_t i = 0; i < e->n; i++) {
		const struct ev *x = &e->v[i];
		enum cand_kind kind;
		enum side side = classify(x, &kind);
		struct cand *c;

		if (!same_boot(x->boot, boot) || !in_lifetime(x, side, t, last_free, next_free))
			continue;
		c = same_stack(l, first, kind, x->stack_id);
		/* evidence is in time order: a later get is nearer to T */
		if (c && side != SIDE_GET)
			continue;
		if (!c)
			c = cand_add(l);
		c->failure_id = failure_id;
		c->pfn = pfn;
		c->stack_id = x->stack_id;
		c->evidence_id = x->id;
		c->ts_ns = x->ts_ns;
		c->busy_ts_ns = t;
		c->pid = x->pid;
		c->comm = x->comm ? pb_arena_strdup(&l->strings, x->comm) : NULL;
		c->kind = kind;
		c->conf = side == SIDE_OWNER ? CONF_LOW : x->conf;
	}
}

int collect_cands(struct pb_store *s, struct cand_list *l)
{
	sqlite3_stmt *pages = pb_store_prepare(s,
		"SELECT p.failure_id, p.pfn, COALESCE(p.ts_ns, f.ts_ns, -1), "
		"COALESCE(fs.boot, 0) FROM failure_pfn p "
		"JOIN failure f ON f.id = p.failure_id JOIN source fs ON fs.id = f.source_id "
		"ORDER BY p.pfn, p.failure_id");
	sqlite3_stmt *evidence = pb_store_prepare(s,
		"SELECT v.id, v.ts_ns, v.kind, v.count, v.delta, v.stack_id, v.confidence, v.pid, "
		"v.comm, COALESCE(s.boot, 0) FROM evidence v JOIN source s ON s.id = v.source_id "
		"WHERE v.pfn = ? ORDER BY v.ts_ns, v.id");
	struct evs e = { 0 };
	int64_t loaded = -1;
	int rc = SQLITE_ERROR;

	if (!pages || !evidence)
		goto out;
	while ((rc = sqlite3_step(pages)) == SQLITE_ROW) {
		int64_t pfn = sqlite3_column_int64(pages, 1);

		if (pfn != loaded) {
			if (load_evs(evidence, pfn, &e) < 0) {
				rc = SQLITE_ERROR;
				break;
			}
			loaded = pfn;
		}
		page_cands(&e, sqlite3_column_int64(pages, 0), pfn,
			   sqlite3_column_int64(pages, 2), sqlite3_column_int64(pages, 3), l);
	}
out:
	sqlite3_finalize(pages);
	sqlite3_finalize(evidence);
	free(e.v);
	pb_arena_free(&e.strings);
	return rc == SQLITE_DONE ? 0 : -1;
}
