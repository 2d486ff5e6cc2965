/* probes.c - probe hits as page evidence (DESIGN §4).
 *
 * Any event with a page= pointer and no pfn= (a kprobe on try_grab_folio,
 * say) may name a holder. The pointer becomes a pfn through the vmemmap
 * mapping learned from the trace itself: events that carry both pfn= and
 * page= (cma_alloc_finish, cma_alloc_busy_retry, dump_page, extfrag) give
 * the base and sizeof(struct page). Hashed pointers fit no line and teach
 * nothing.
 *
 * A probe with a file offset instead (pos=, on generic_file_splice_read)
 * names page cache pages: a kernel log dump of a busy page gives its
 * mapping and index, and index == pos / PAGE_SIZE joins the two. Which
 * probe file= belongs to which dump mapping= is learned by vote.
 *
 * Hits without a stack inherit the stack of the same probe and task (the
 * stacktrace trigger is often limited to the first hits).
 */
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

/* Page size for file offsets; the captures are all 4 KiB kernels. */
#define PROBE_PAGE_SIZE 4096
/* Points read per event name for learning the vmemmap. */
#define VMEMMAP_POINTS 4096

struct probe_names {
	int64_t *pairs, *pages, *files;
	size_t npairs, npages, nfiles;
};

struct vmemmap {
	int known;
	uint64_t base, stride;
};

struct busy_set {
	int64_t *pfn;
	size_t n;
};

/* Per task, the stack a probe's hits inherit. */
struct pid_stack {
	int32_t pid;
	int64_t stack_id;
};

struct inherit {
	struct pid_stack *v;
	size_t n, cap;
};

static void push_id(int64_t **v, size_t *n, int64_t id)
{
	*v = pb_realloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = id;
}

/* Sorts event names by what their first event carries. */
static int find_names(struct pb_store *s, struct probe_names *pn)
{
	sqlite3_stmt *st = pb_store_prepare(s,
		"SELECT id, json_type(f, '$.page'), json_type(f, '$.pfn'), json_type(f, '$.pos') "
		"FROM (SELECT n.id AS id, (SELECT e.fields FROM event e WHERE e.name_id = n.id "
		"  AND e.fields IS NOT NULL LIMIT 1) AS f FROM name n) WHERE f IS NOT NULL");
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		int page = sqlite3_column_type(st, 1) != SQLITE_NULL;
		int pfn = sqlite3_column_type(st, 2) != SQLITE_NULL;
		int pos = sqlite3_column_type(st, 3) != SQLITE_NULL;

		if (page && pfn)
			push_id(&pn->pairs, &pn->npairs, id);
		else if (page)
			push_id(&pn->pages, &pn->npages, id);
		else if (pos && !pfn)
			push_id(&pn->files, &pn->nfiles, id);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int parse_ptr(const char *text, uint64_t *out)
{
	return text && pb_parse_hex(text, strlen(text), out) == 0 && *out ? 0 : -1;
}

static int parse_num(const char *text, uint64_t *out)
{
	return text && pb_parse_u64(text, strlen(text), out) == 0 ? 0 : -1;
}

/* --- the vmemmap ------------------------------------------------------- */

struct point {
	uint64_t pfn, page;
};

static int cmp_point(const void *a, const void *b)
{
	const struct point *x = a, *y = b;

	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The most frequent value of V (sorted in place) and how often it is. */
static size_t mode(uint64_t *v, size_t n, uint64_t *value)
{
	size_t best = 0;

	sort_n(v, n, sizeof(*v), cmp_u64);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i; j < n && v[j] == v[i]; j++)
			;
		if (j - i > best) {
			best = j - i;
			*value = v[i];
		}
	}
	return best;
}

static void fit(struct point *p, size_t n, struct vmemmap *vm)
{
	uint64_t *votes = pb_malloc((n + 1) * sizeof(*votes));
	size_t nv = 0, k = 0;

	sort_n(p, n, sizeof(*p), cmp_point);
	for (size_t i = 0; i < n; i++)
		if (!k || p[i].pfn != p[k - 1].pfn)
			p[k++] = p[i];
	/* sizeof(struct page) from neighbours: 64 on most configurations */
	for (size_t i = 1; i < k; i++) {
		uint64_t dpfn = p[i].pfn - p[i - 1].pfn, dpage = p[i].page - p[i - 1].page;

		if (dpage % dpfn == 0 && dpage / dpfn >= 16 && dpage / dpfn <= 1024 &&
		    dpage / dpfn % 8 == 0)
			votes[nv++] = dpage / dpfn;
	}
	if (nv && mode(votes, nv, &vm->stride)) {
		for (size_t i = 0; i < k; i++)
			votes[i] = p[i].page - p[i].pfn * vm->stride;
		vm->known = mode(votes, k, &vm->base) >= 2;
	}
	free(votes);
}

static int learn_vmemmap(struct pb_store *s, const struct probe_names *pn, struct vmemmap *vm)
{
	sqlite3_stmt *st = pb_store_prepare(s,
		"SELECT json_extract(fields, '$.pfn'), json_extract(fields, '$.page') FROM event "
		"WHERE name_id = ? LIMIT ?");
	struct point *p = NULL;
	size_t n = 0, cap = 0;
	int rc = SQLITE_DONE;

	if (!st)
		return -1;
	for (size_t i = 0; i < pn->npairs && rc == SQLITE_DONE; i++) {
		sqlite3_bind_int64(st, 1, pn->pairs[i]);
		sqlite3_bind_int(st, 2, VMEMMAP_POINTS);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			uint64_t pfn, page;

			if (parse_num(column_text(st, 0), &pfn) < 0 ||
			    parse_ptr(column_text(st, 1), &page) < 0)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				p = pb_realloc(p, cap * sizeof(*p));
			}
			p[n++] = (struct point){ pfn, page };
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (n >= 2)
		fit(p, n, vm);
	free(p);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int page_to_pfn(const struct vmemmap *vm, uint64_t page, int64_t *pfn)
{
	uint64_t off = page - vm->base;

	if (off % vm->stride || off / vm->stride > (1ULL << 40))
		return -1;
	*pfn = (int64_t)(off / vm->stride);
	return 0;
}

/* --- busy pages and inherited stacks ---------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int load_busy(struct pb_store *s, struct busy_set *b)
{
	sqlite3_stmt *st = pb_store_prepare(s, "SELECT DISTINCT pfn FROM failure_pfn ORDER BY pfn");
	size_t cap = 0;
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (b->n == cap) {
			cap = cap ? cap * 2 : 256;
			b->pfn = pb_realloc(b->pfn, cap * sizeof(*b->pfn));
		}
		b->pfn[b->n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int is_busy(const struct busy_set *b, int64_t pfn)
{
	return b->n && bsearch(&pfn, b->pfn, b->n, sizeof(*b->pfn), cmp_i64) != NULL;
}

static struct pid_stack *inherit_slot(struct inherit *in, int32_t pid)
{
	for (size_t i = 0; i < in->n; i++)
		if (in->v[i].pid == pid)
			return &in->v[i];
	if (in->n == in->cap) {
		in->cap = in->cap ? in->cap * 2 : 16;
		in->v = pb_realloc(in->v, in->cap * sizeof(*in->v));
	}
	in->v[in->n] = (struct pid_stack){ pid, 0 };
	return &in->v[in->n++];
}

/* Seeds each task with the first stack its probe hits have, for the hits
 * that come before it. */
static int first_stacks(struct pb_store *s, int64_t name_id, struct inherit *in)
{
	sqlite3_stmt *st = pb_store_prepare(s,
		"SELECT pid, stack_id, min(id) FROM event WHERE name_id = ? "
		"AND stack_id IS NOT NULL GROUP BY pid");
	int rc;

	if (!st)
		return -1;
	in->n = 0;
	sqlite3_bind_int64(st, 1, name_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		inherit_slot(in, (int32_t)column_i64_or(st, 0, -1))->stack_id =
			sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The stack of a hit, its own or inherited, and the confidence it gives. */
static int64_t hit_stack(struct inherit *in, int32_t pid, int64_t own, const char **conf)
{
	struct pid_stack *slot = inherit_slot(in, pid);

	if (own) {
		slot->stack_id = own;
		*conf = "high";
		return own;
	}
	*conf = slot->stack_id ? "medium" : "low";
	return slot->stack_id;
}

/* --- writing evidence --------------------------------------------------- */

struct hit {
	int64_t event_id, source_id, ts_ns, stack_id, pfn;
	int32_t pid;
	const char *comm, *conf, *mapping;
};

static int insert_hit(sqlite3_stmt *ins, const struct hit *h, const char *kind)
{
	sqlite3_bind_int64(ins, 1, h->source_id);
	if (h->ts_ns >= 0)
		sqlite3_bind_int64(ins, 2, h->ts_ns);
	sqlite3_bind_int64(ins, 3, h->pfn);
	sqlite3_bind_text(ins, 4, kind, -1, SQLITE_STATIC);
	if (h->pid >= 0)
		sqlite3_bind_int(ins, 5, h->pid);
	sqlite3_bind_text(ins, 6, h->comm, -1, SQLITE_STATIC);
	if (h->stack_id)
		sqlite3_bind_int64(ins, 7, h->stack_id);
	sqlite3_bind_text(ins, 8, h->conf, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 9, h->event_id);
	sqlite3_bind_text(ins, 10, h->mapping, -1, SQLITE_STATIC);
	if (sqlite3_step(ins) != SQLITE_DONE)
		return -1;
	sqlite3_reset(ins);
	sqlite3_clear_bindings(ins);
	return 0;
}

static int page_probe(struct pb_store *s, int64_t name_id, const struct vmemmap *vm,
		      const struct busy_set *busy, struct inherit *in, sqlite3_stmt *ins)
{
	sqlite3_stmt *st = pb_store_prepare(s,
		"SELECT e.id, e.source_id, e.ts_ns, e.pid, c.text, e.stack_id, "
		"json_extract(e.fields, '$.page') FROM event e "
		"LEFT JOIN name c ON c.id = e.comm_id WHERE e.name_id = ? ORDER BY e.id");
	int rc;

	if (!st)
		return -1;
	if (first_stacks(s, name_id, in) < 0) {
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_bind_int64(st, 1, name_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct hit h = { .event_id = sqlite3_column_int64(st, 0) };
		uint64_t page;

		h.pid = (int32_t)column_i64_or(st, 3, -1);
		h.stack_id = hit_stack(in, h.pid, column_i64_or(st, 5, 0), &h.conf);
		if (parse_ptr(column_text(st, 6), &page) < 0 || page_to_pfn(vm, page, &h.pfn) < 0 ||
		    !is_busy(busy, h.pfn))
			continue;
		h.source_id = sqlite3_column_int64(st, 1);
		h.ts_ns = column_i64_or(st, 2, -1);
		h.comm = column_text(st, 4);
		if (insert_hit(ins, &h, "probe") < 0) {
			rc = SQLITE_ERROR;
			break;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* --- file-offset probes joined through dumps ---------------------------- */

struct fhit {
	struct hit h;
	uint64_t index;
	const char *file;
};

struct fhits {
	struct fhit *v;
	size_t n, cap;
	struct pb_arena strings;
};

static const char *keep(struct pb_arena *a, const char *text)
{
	return text ? pb_arena_strdup(a, text) : NULL;
}

static int load_file_hits(struct pb_store *s, int64_t name_id, struct inherit *in,
			  struct fhits *fh)
{
	sqlite3_stmt *st = pb_store_prepare(s,
		"SELECT e.id, e.source_id, e.ts_ns, e.pid, c.text, e.stack_id, "
		"json_extract(e.fields, '$.pos'), json_extract(e.fields, '$.file') FROM event e "
		"LEFT JOIN name c ON c.id = e.comm_id WHERE e.name_id = ? ORDER BY e.id");
	int rc;

	if (!st)
		return -1;
	if (first_stacks(s, name_id, in) < 0) {
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_bind_int64(st, 1, name_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct fhit *f;
		uint64_t pos;

		if (parse_num(column_text(st, 6), &pos) < 0)
			continue;
		if (fh->n == fh->cap) {
			fh->cap = fh->cap ? fh->cap * 2 : 1024;
			fh->v = pb_realloc(fh->v, fh->cap * sizeof(*fh->v));
		}
		f = &fh->v[fh->n++];
		memset(f, 0, sizeof(*f));
		f->h.event_id = sqlite3_column_int64(st, 0);
		f->h.source_id = sqlite3_column_int64(st, 1);
		f->h.ts_ns = column_i64_or(st, 2, -1);
		f->h.pid = (int32_t)column_i64_or(st, 3, -1);
		f->h.comm = keep(&fh->strings, column_text(st, 4));
		f->h.stack_id = hit_stack(in, f->h.pid, column_i64_or(st, 5, 0), &f->h.conf);
		/* joined through a dump: no stronger than the dump (medium) */
		if (!strcmp(f->h.conf, "high"))
			f->h.conf = "medium";
		f->index = pos / PROBE_PAGE_SIZE;
		f->file = keep(&fh->strings, column_text(st, 7));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int cmp_fhit(const void *a, const void *b)
{
	const struct fhit *x = a, *y = b;

	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return x->h.event_id < y->h.event_id ? -1 : x->h.event_id > y->h.event_id;
}

/* The hits at page INDEX: [*first, return). */
static size_t hits_at(const struct fhits *fh, uint64_t index, size_t *first)
{
	size_t lo = 0, hi = fh->n, end;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (fh->v[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < fh->n && fh->v[end].index == index; end++)
		;
	*first = lo;
	return end;
}

struct dump {
	int64_t pfn;
	uint64_t index;
	const char *mapping;
};

struct vote {
	const char *mapping, *file;
	size_t count;
};

struct votes {
	struct vote *v;
	size_t n;
};

static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static void vote(struct votes *vs, const char *mapping, const char *file)
{
	for (size_t i = 0; i < vs->n; i++) {
		if (same_str(vs->v[i].mapping, mapping) && same_str(vs->v[i].file, file)) {
			vs->v[i].count++;
			return;
		}
	}
	vs->v = pb_realloc(vs->v, (vs->n + 1) * sizeof(*vs->v));
	vs->v[vs->n++] = (struct vote){ mapping, file, 1 };
}

/* The file= a dump's mapping= stands for: the clear winner of the votes.
 * *ok is 0 when no file won. */
static const char *file_of(const struct votes *vs, const char *mapping, int *ok)
{
	const struct vote *best = NULL;
	size_t second = 0;

	for (size_t i = 0; i < vs->n; i++) {
		if (!same_str(vs->v[i].mapping, mapping))
			continue;
		if (!best || vs->v[i].count > best->count) {
			second = best ? best->count : 0;
			best = &vs->v[i];
		} else if (vs->v[i].count > second) {
			second = vs->v[i].count;
		}
	}
	*ok = best && best->count > second;
	return best ? best->file : NULL;
}

/* Each distinct file at a dump's index gets one vote for its mapping. */
static void count_votes(const struct fhits *fh, const struct dump *d, size_t nd,
			struct votes *vs)
{
	for (size_t i = 0; i < nd; i++) {
		size_t first, end = hits_at(fh, d[i].index, &first);

		for (size_t j = first; j < end; j++) {
			size_t k;

			for (k = first; k < j && !same_str(fh->v[k].file, fh->v[j].file); k++)
				;
			if (k == j)
				vote(vs, d[i].mapping, fh->v[j].file);
		}
	}
}

static int load_dumps(struct pb_store *s, const struct busy_set *busy, struct pb_arena *a,
		      struct dump **out, size_t *n)
{
	sqlite3_stmt *st = pb_store_prepare(s,
		"SELECT DISTINCT v.pfn, json_extract(e.fields, '$.mapping'), "
		"json_extract(e.fields, '$.index') FROM evidence v JOIN event e ON e.id = v.event_id "
		"WHERE v.kind = 'dump' AND json_extract(e.fields, '$.index') IS NOT NULL");
	size_t cap = 0;
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t pfn = sqlite3_column_int64(st, 0);
		uint64_t index;

		if (!is_busy(busy, pfn) || parse_num(column_text(st, 2), &index) < 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*out = pb_realloc(*out, cap * sizeof(**out));
		}
		(*out)[(*n)++] = (struct dump){ pfn, index, keep(a, column_text(st, 1)) };
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int join_dumps(struct pb_store *s, struct fhits *fh, const struct busy_set *busy,
		      sqlite3_stmt *ins)
{
	struct dump *d = NULL;
	struct votes vs = { 0 };
	size_t nd = 0;
	int rc = 0;

	sort_n(fh->v, fh->n, sizeof(*fh->v), cmp_fhit);
	if (load_dumps(s, busy, &fh->strings, &d, &nd) < 0)
		rc = -1;
	count_votes(fh, d, nd, &vs);
	for (size_t i = 0; rc == 0 && i < nd; i++) {
		size_t first, end = hits_at(fh, d[i].index, &first);
		int ok;
		const char *file = file_of(&vs, d[i].mapping, &ok);

		for (size_t j = first; ok && rc == 0 && j < end; j++) {
			struct hit h = fh->v[j].h;

			if (!same_str(fh->v[j].file, file))
				continue;
			h.pfn = d[i].pfn;
			h.mapping = d[i].mapping;
			rc = insert_hit(ins, &h, "dump_probe");
		}
	}
	free(vs.v);
	free(d);
	return rc;
}

int probe_evidence(struct pb_store *s)
{
	struct probe_names pn = { 0 };
	struct vmemmap vm = { 0 };
	struct busy_set busy = { 0 };
	struct inherit in = { 0 };
	struct fhits fh = { 0 };
	sqlite3_stmt *ins = NULL;
	int rc = -1;

	if (find_names(s, &pn) < 0 || load_busy(s, &busy) < 0)
		goto out;
	ins = pb_store_prepare(s,
		"INSERT INTO evidence(source_id, ts_ns, pfn, kind, pid, comm, stack_id, "
		"confidence, event_id, mapping) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!ins || learn_vmemmap(s, &pn, &vm) < 0)
		goto out;
	for (size_t i = 0; vm.known && i < pn.npages; i++)
		if (page_probe(s, pn.pages[i], &vm, &busy, &in, ins) < 0)
			goto out;
	for (size_t i = 0; i < pn.nfiles; i++)
		if (load_file_hits(s, pn.files[i], &in, &fh) < 0)
			goto out;
	rc = fh.n ? join_dumps(s, &fh, &busy, ins) : 0;
out:
	if (rc < 0)
		pb_error("%s: probe evidence: %s", pb_store_path(s), sqlite3_errmsg(pb_store_db(s)));
	sqlite3_finalize(ins);
	free(pn.pairs);
	free(pn.pages);
	free(pn.files);
	free(busy.pfn);
	free(in.v);
	free(fh.v);
	pb_arena_free(&fh.strings);
	return rc;
}
