/* probes.c - probe hits as page evidence (doc/DESIGN.md, "Failures and
 * attribution").
 *
 * Any event with a page= pointer and no pfn= (a kprobe on try_grab_folio,
 * say) may name a holder. The pointer becomes a pfn through the vmemmap
 * mapping learned from the trace itself: events that carry both pfn= and
 * page= (cma_alloc_finish, cma_alloc_busy_retry, dump_page, extfrag) give
 * the base and sizeof(struct page). Hashed pointers fit no line and teach
 * nothing. Each source uses the mapping of its own events when it has
 * some, else the one most events of all sources agree on (a trace without
 * CMA events and the kernel log of the same machine).
 *
 * The fit is learned at the analysis refresh and kept in the derived
 * table probe_map, which blame's and info's gaps read again.
 *
 * A probe with a file offset instead (pos=, on generic_file_splice_read)
 * names page cache pages: a kernel log dump of a busy page gives its
 * mapping and index, and index == pos / PAGE_SIZE joins the two. Which
 * probe file= belongs to which dump mapping= is learned by vote. PAGE_SIZE
 * is the source's, or its boot's (page_size_of(), boots.c); when no source
 * of the boot knows it, 4096 is tried first, and 16 KiB, then 64 KiB, only
 * for a source whose hits 4096 put at no busy page's index (probe_map
 * says which size was taken).
 *
 * Hits without a stack inherit the stack of the same probe and task (the
 * stacktrace trigger is often limited to the first hits): the last one
 * before them, else the first one after them.
 *
 * Probes fire for every page touched, so their hits are scanned once, with
 * the fields read straight from the stored array of values, and the test
 * whether a hit names a busy page runs inside SQL: only those hits and the
 * ones with a stack (to be inherited) reach the scan's loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

/* The page sizes tried, in order, for a source whose own is unknown:
 * 4 KiB is the common one; arm64 has 16 and 64 KiB flavours, powerpc
 * 64 KiB, loongarch 16 KiB. */
static const long guessed_page_sizes[] = { 4096, 16384, 65536 };
/* Points read per event name for learning the vmemmap. */
#define VMEMMAP_POINTS 4096

/* Event names by what their first event carries. */
struct probe_names {
	struct ids pairs, pages, files;
};

struct vmemmap {
	int known;
	uint64_t base, stride;
};

struct source_vmemmap {
	int64_t source_id;
	struct vmemmap vm;
};

struct vmemmaps {
	struct source_vmemmap *v;
	size_t n, cap;
	struct vmemmap all;	/* the fit of every source's points */
	struct boots boots;
	struct ids hashed_sources;	/* sources that printed a hashed page= */
	int stored;	/* read from probe_map */
};

static void probe_names_free(struct probe_names *pn)
{
	free(pn->pairs.v);
	free(pn->pages.v);
	free(pn->files.v);
}

static void vmemmaps_free(struct vmemmaps *vms)
{
	free(vms->v);
	boots_free(&vms->boots);
	free(vms->hashed_sources.v);
}

/* What the source table says of each source's kernel, by source id (its
 * page size: page_size_of()). */
struct source_fact {
	int long_bits;		/* 64, 32, 0 when its arch is unknown */
};

struct source_facts {
	struct source_fact *v;
	size_t n, cap;
};

static void fact_row(sqlite3_stmt *st, void *ctx)
{
	struct source_facts *f = ctx;
	size_t id = (size_t)sqlite3_column_int64(st, 0);

	if (id >= f->n) {
		PB_GROW(f->v, id + 1, f->cap);
		memset(f->v + f->n, 0, (id + 1 - f->n) * sizeof(*f->v));
		f->n = id + 1;
	}
	f->v[id].long_bits = pb_arch_long_bits(column_text(st, 1));
}

static int load_source_facts(struct pb_store *s, struct source_facts *f)
{
	return sql_rows_each(s, "SELECT id, arch FROM source ORDER BY id", fact_row, f);
}

static const struct source_fact *fact_of(const struct source_facts *f, int64_t source_id)
{
	static const struct source_fact unknown = { 0 };

	return source_id >= 0 && (size_t)source_id < f->n ? &f->v[source_id] : &unknown;
}

static void name_row(sqlite3_stmt *st, void *ctx)
{
	struct probe_names *pn = ctx;
	int64_t id = sqlite3_column_int64(st, 0);
	int page = sqlite3_column_type(st, 1) != SQLITE_NULL;
	int pfn = sqlite3_column_type(st, 2) != SQLITE_NULL;
	int pos = sqlite3_column_type(st, 3) != SQLITE_NULL;

	if (page && pfn)
		ids_push(&pn->pairs, id);
	else if (page)
		ids_push(&pn->pages, id);
	else if (pos && !pfn)
		ids_push(&pn->files, id);
}

/* Sorts event names by what their first event carries. A folio= pointer
 * is a page pointer too: a folio's address is its head page's, so a probe
 * on try_grab_folio() with the argument named after its type (folio=$arg1,
 * as a user writes it for 6.10+) names the page as page= does. */
static int find_names(struct pb_store *s, struct probe_names *pn)
{
	return sql_rows_each(s,
		"SELECT id, COALESCE(json_type(f, '$.page'), json_type(f, '$.folio')), "
		"json_type(f, '$.pfn'), json_type(f, '$.pos') "
		"FROM " NAMES_FIRST_FIELDS " WHERE f IS NOT NULL", name_row, pn);
}

static int parse_ptr(const char *text, size_t n, uint64_t *out)
{
	return text && pb_parse_hex(text, n, out) == 0 && *out ? 0 : -1;
}

/* Whether TEXT is a %p the kernel printed hashed (pb_pointer_kind()):
 * with the trace option hash-ptr (set by default: TRACE_DEFAULT_FLAGS in
 * kernel/trace/trace.c; trace_event_format() turns %p into %px only when
 * it is off), and in printk. */
static int hashed_pointer(const char *text, size_t n, int long_bits)
{
	return pb_pointer_kind(text, n, long_bits) == PB_POINTER_HASHED;
}

static int parse_num(const char *text, size_t n, uint64_t *out)
{
	return text && pb_parse_u64(text, n, out) == 0 ? 0 : -1;
}

/* An event's fields as the store keeps them (its keyset's names, its
 * array of values), read by name without building the JSON object
 * pb_fields() makes: a scan reads a field or two of a million hits. The
 * values read here (pointers, numbers, file names) are taken as written
 * between their quotes. */
struct ev_fields {
	struct pb_store *s;
	int64_t keyset_id;
	const char *vals;
	size_t len;
	/* where the names asked for are in the keysets seen last: the hits
	 * of one probe share a keyset */
	struct { int64_t keyset_id; const char *key; int index; } memo[4];
	unsigned next;
};

static void ev_fields_row(struct ev_fields *f, sqlite3_stmt *st, int keyset_col, int vals_col)
{
	f->keyset_id = column_i64_or(st, keyset_col, 0);
	f->vals = (const char *)sqlite3_column_text(st, vals_col);
	f->len = (size_t)sqlite3_column_bytes(st, vals_col);
}

static int key_index(struct ev_fields *f, const char *key)
{
	unsigned slot;
	int index;

	for (slot = 0; slot < PB_ARRAY_SIZE(f->memo); slot++)
		if (f->memo[slot].key == key && f->memo[slot].keyset_id == f->keyset_id)
			return f->memo[slot].index;
	index = pb_fields_key_index(pb_store_keyset_keys(f->s, f->keyset_id), key);
	slot = f->next++ % PB_ARRAY_SIZE(f->memo);
	f->memo[slot].keyset_id = f->keyset_id;
	f->memo[slot].key = key;
	f->memo[slot].index = index;
	return index;
}

/* The value of field KEY (a string constant: the memo compares pointers)
 * and its length in *LEN, NULL when the event has none. */
static const char *field(struct ev_fields *f, const char *key, size_t *len)
{
	return pb_fields_value_at(f->vals, f->len, key_index(f, key), len);
}

/* The struct page pointer of a hit: page=, else folio= (see find_names()). */
static const char *page_pointer(struct ev_fields *f, size_t *len)
{
	const char *v = field(f, "page", len);

	return v ? v : field(f, "folio", len);
}

/* --- the vmemmap ------------------------------------------------------- */

struct point {
	int64_t source_id;
	uint64_t pfn, page;
};

static int cmp_point(const void *a, const void *b)
{
	const struct point *x = a, *y = b;

	if (x->source_id != y->source_id)
		return x->source_id < y->source_id ? -1 : 1;
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

/* Fits page = base + pfn * stride through the points P (sorted by pfn,
 * distinct): the stride most neighbours agree on, then the base most
 * points agree on, by at least two. */
static struct vmemmap fit(const struct point *p, size_t n)
{
	uint64_t *votes = pb_malloc((n + 1) * sizeof(*votes));
	struct vmemmap vm = { 0 };
	size_t nv = 0;

	/* sizeof(struct page) from neighbours: 64 on most configurations */
	for (size_t i = 1; i < n; i++) {
		uint64_t dpfn = p[i].pfn - p[i - 1].pfn, dpage = p[i].page - p[i - 1].page;

		if (dpfn && dpage % dpfn == 0 && dpage / dpfn >= 16 && dpage / dpfn <= 1024 &&
		    dpage / dpfn % 8 == 0)
			votes[nv++] = dpage / dpfn;
	}
	if (nv && mode(votes, nv, &vm.stride)) {
		for (size_t i = 0; i < n; i++)
			votes[i] = p[i].page - p[i].pfn * vm.stride;
		vm.known = mode(votes, n, &vm.base) >= 2;
	}
	free(votes);
	return vm;
}

/* Distinct pfns of P[0..n), in place; the number kept. */
static size_t distinct_points(struct point *p, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (!k || p[i].pfn != p[k - 1].pfn)
			p[k++] = p[i];
	return k;
}

static void fit_all(struct point *p, size_t n, struct vmemmaps *vms)
{
	struct point *all = pb_malloc((n + 1) * sizeof(*all));

	sort_n(p, n, sizeof(*p), cmp_point);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i; j < n && p[j].source_id == p[i].source_id; j++)
			;
		PB_GROW(vms->v, vms->n + 1, vms->cap);
		vms->v[vms->n].source_id = p[i].source_id;
		vms->v[vms->n++].vm = fit(&p[i], distinct_points(&p[i], j - i));
	}
	if (n)	/* P is NULL when no event has a page= pointer */
		memcpy(all, p, n * sizeof(*p));
	for (size_t i = 0; i < n; i++)
		all[i].source_id = 0;
	sort_n(all, n, sizeof(*all), cmp_point);
	vms->all = fit(all, distinct_points(all, n));
	free(all);
	/* The store-wide fit stands only where every source agrees with it. */
	for (size_t i = 0; i < vms->n; i++) {
		const struct vmemmap *vm = &vms->v[i].vm;

		if (vm->known && (vm->base != vms->all.base || vm->stride != vms->all.stride))
			vms->all.known = 0;
	}
}

static int learn_vmemmaps(struct pb_store *s, const struct probe_names *pn,
			  const struct source_facts *facts, struct vmemmaps *vms)
{
	/* The first points of each source: in a merged store the first rows
	 * of a name may all be one machine's. */
	sqlite3_stmt *st = pb_store_prepare(s,
		"SELECT e.keyset_id, e.vals FROM " PB_EVENTS_NAMED
		" WHERE x.name_id = ? AND x.source_id = ? LIMIT ?");
	struct ev_fields f = { .s = s };
	struct point *p = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (!st) {
		sqlite3_finalize(st);
		return -1;
	}
	for (size_t src = 1; src < vms->boots.n && rc == 0; src++) {
		for (size_t i = 0; i < pn->pairs.n && rc == 0; i++) {
			sqlite3_bind_int64(st, 1, pn->pairs.v[i]);
			sqlite3_bind_int64(st, 2, (int64_t)src);
			sqlite3_bind_int(st, 3, VMEMMAP_POINTS);
			while ((rc = pb_store_step(s, st)) > 0) {
				const char *pfn, *page;
				size_t npfn, npage;
				uint64_t vpfn, vpage;

				ev_fields_row(&f, st, 0, 1);
				pfn = field(&f, "pfn", &npfn);
				page = field(&f, "page", &npage);
				/* a hash is no address: it teaches nothing */
				if (hashed_pointer(page, npage,
						   fact_of(facts, (int64_t)src)->long_bits)) {
					ids_push(&vms->hashed_sources, (int64_t)src);
					continue;
				}
				if (parse_num(pfn, npfn, &vpfn) < 0 ||
				    parse_ptr(page, npage, &vpage) < 0)
					continue;
				PB_GROW(p, n + 1, cap);
				p[n++] = (struct point){ (int64_t)src, vpfn, vpage };
			}
			sqlite3_reset(st);
		}
	}
	sqlite3_finalize(st);
	fit_all(p, n, vms);
	free(p);
	return rc ? -1 : 0;
}

/* --- the fit kept in probe_map ----------------------------------------- */

static int store_fit(struct pb_store *s, sqlite3_stmt *ins, int64_t source_id,
		     const struct vmemmap *vm, int hashed)
{
	pb_store_bind_int64(ins, ":source_id", source_id);
	pb_store_bind_int64(ins, ":known", vm->known);
	/* base and stride as the 64 bits they are (a base above 2^63 reads
	 * back as a negative integer, cast again on load) */
	if (vm->known) {
		pb_store_bind_int64(ins, ":base", (int64_t)vm->base);
		pb_store_bind_int64(ins, ":stride", (int64_t)vm->stride);
	}
	pb_store_bind_int64(ins, ":hashed", hashed);
	if (pb_store_run(s, ins) < 0)
		return -1;
	sqlite3_clear_bindings(ins);
	return 0;
}

/* Writes the fits of VMS: a row per source with points or hashes, and
 * source 0, the store-wide fit, which also says the fit was stored. */
static int store_fits(struct pb_store *s, const struct vmemmaps *vms)
{
	sqlite3_stmt *ins = pb_store_prepare(s,
		"INSERT INTO probe_map(source_id, known, base, stride, hashed) "
		"VALUES (:source_id, :known, :base, :stride, :hashed) "
		"ON CONFLICT(source_id) DO UPDATE SET hashed = excluded.hashed");
	static const struct vmemmap none = { 0 };
	int rc = ins ? store_fit(s, ins, 0, &vms->all, 0) : -1;

	for (size_t i = 0; rc == 0 && i < vms->n; i++)
		rc = store_fit(s, ins, vms->v[i].source_id, &vms->v[i].vm,
			       ids_has(&vms->hashed_sources, vms->v[i].source_id));
	for (size_t i = 0; rc == 0 && i < vms->hashed_sources.n; i++)
		rc = store_fit(s, ins, vms->hashed_sources.v[i], &none, 1);
	sqlite3_finalize(ins);
	return rc;
}

int probe_map_refresh(struct pb_store *s)
{
	struct probe_names pn = { 0 };
	struct vmemmaps vms = { 0 };
	struct source_facts facts = { 0 };
	int rc = find_names(s, &pn);

	if (rc == 0)
		rc = load_boots(s, &vms.boots);
	if (rc == 0)
		rc = load_source_facts(s, &facts);
	if (rc == 0)
		rc = learn_vmemmaps(s, &pn, &facts, &vms);
	ids_distinct(&vms.hashed_sources);
	if (rc == 0)
		rc = store_fits(s, &vms);
	probe_names_free(&pn);
	vmemmaps_free(&vms);
	free(facts.v);
	return rc;
}

static void fit_row(sqlite3_stmt *st, void *ctx)
{
	struct vmemmaps *vms = ctx;
	int64_t source_id = sqlite3_column_int64(st, 0);
	struct vmemmap vm = { sqlite3_column_int(st, 1),
			      (uint64_t)sqlite3_column_int64(st, 2),
			      (uint64_t)sqlite3_column_int64(st, 3) };

	if (vm.known && !vm.stride)
		vm.known = 0;	/* a hand-edited row: page_to_pfn() divides by it */
	if (sqlite3_column_int(st, 4))
		ids_push(&vms->hashed_sources, source_id);
	if (!source_id) {
		vms->all = vm;
		vms->stored = 1;
		return;
	}
	PB_GROW(vms->v, vms->n + 1, vms->cap);
	vms->v[vms->n].source_id = source_id;
	vms->v[vms->n++].vm = vm;
}

/* The fits probe_map_refresh() stored (VMS->stored 0 when the table has
 * none: a store upgraded, or read as it is, before its next refresh). */
static int load_fits(struct pb_store *s, struct vmemmaps *vms)
{
	int rc = load_boots(s, &vms->boots);

	if (rc == 0)
		rc = sql_rows_each(s, "SELECT source_id, known, base, stride, hashed "
				   "FROM probe_map ORDER BY source_id", fit_row, vms);
	ids_distinct(&vms->hashed_sources);
	return rc;
}

/* The mapping of the source's own points, else of its boot's, else the
 * store-wide one when the source is not linked to a boot. A source on a
 * clock of its own is not linked: the mapping has nothing to do with
 * times. */
static const struct vmemmap *vmemmap_of(const struct vmemmaps *vms, int64_t source_id)
{
	int64_t boot = boot_of(&vms->boots, source_id);

	if (boot < 0)
		boot = 0;
	for (size_t i = 0; i < vms->n; i++)
		if (vms->v[i].source_id == source_id && vms->v[i].vm.known)
			return &vms->v[i].vm;
	for (size_t i = 0; boot && i < vms->n; i++)
		if (boot_of(&vms->boots, vms->v[i].source_id) == boot && vms->v[i].vm.known)
			return &vms->v[i].vm;
	return !boot && vms->all.known ? &vms->all : NULL;
}

static int page_to_pfn(const struct vmemmap *vm, uint64_t page, int64_t *pfn)
{
	uint64_t off = page - vm->base;

	if (off % vm->stride || off / vm->stride > (1ULL << 40))
		return -1;
	*pfn = (int64_t)(off / vm->stride);
	return 0;
}

/* --- scanning a probe's hits ---------------------------------------------- */

struct hit {
	int64_t event_id, source_id, ts_ns, stack_id, comm_id, pfn;
	int32_t pid;
	int own_stack;
	uint64_t index;		/* file-offset hits: pos / page size */
	const char *file;	/* file-offset hits: file= */
	const char *mapping;	/* joined through a dump: its mapping= */
};

struct hits {
	struct hit *v;
	size_t n, cap;
	struct pb_arena strings;
};

/* A task's stacks on one probe: the last seen, and the first (for the
 * hits before it). */
struct task_stack {
	int32_t pid;
	int64_t last, first;
};

struct task_stacks {
	struct task_stack *v;
	size_t n, cap;
	size_t last;	/* the task found last: hits come in runs of one task */
};

static struct task_stack *task(struct task_stacks *t, int32_t pid)
{
	if (t->last < t->n && t->v[t->last].pid == pid)
		return &t->v[t->last];
	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i].pid == pid) {
			t->last = i;
			return &t->v[i];
		}
	}
	PB_GROW(t->v, t->n + 1, t->cap);
	t->v[t->n] = (struct task_stack){ pid, 0, 0 };
	t->last = t->n;
	return &t->v[t->n++];
}

/* Decides whether to keep a hit of SOURCE_ID, filling what it names into
 * H. */
typedef int (*keep_fn)(const void *ctx, int64_t source_id, struct ev_fields *fields,
		       struct hit *h, struct pb_arena *strings);

static struct hit *add_hit(struct hits *hs)
{
	PB_GROW(hs->v, hs->n + 1, hs->cap);
	memset(&hs->v[hs->n], 0, sizeof(hs->v[0]));
	return &hs->v[hs->n++];
}

/* The keep test run inside SQL, on every hit of a probe: a hit that it
 * does not keep and that has no stack of its own never reaches the scan's
 * loop (of a million hits, a few are kept and a few thousand have a
 * stack; each row read through the API costs a dozen calls). */
struct keep_sql {
	keep_fn keep;
	const void *ctx;
	struct ev_fields fields;
};

static void keep_sql_fn(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	struct keep_sql *k = sqlite3_user_data(c);
	struct hit h = { 0 };

	(void)argc;
	k->fields.keyset_id = sqlite3_value_int64(argv[1]);
	k->fields.vals = (const char *)sqlite3_value_text(argv[2]);
	k->fields.len = (size_t)sqlite3_value_bytes(argv[2]);
	sqlite3_result_int(c, k->keep(k->ctx, sqlite3_value_int64(argv[0]), &k->fields, &h, NULL));
}

/* One pass over the hits of probe NAME_ID, in id order; the kept ones are
 * appended to HS with their own or inherited stack. (The index rows of a
 * name, by first_id, hold its ids ascending, and json_each() gives them in
 * array order: ordering by first_id, the rows' key, costs no sort, where
 * ORDER BY e.id sorted a million hits. Ordering by j.key too would.) */
static int scan_probe(struct pb_store *s, int64_t name_id, keep_fn keep, const void *ctx,
		      struct hits *hs)
{
	struct keep_sql k = { keep, ctx, { .s = s } };
	sqlite3_stmt *st = pb_store_define_function(s, "pb_probe_keep", 3, keep_sql_fn, &k) < 0
		? NULL : pb_store_prepare(s,
		"SELECT e.id, e.source_id, e.ts_ns, e.pid, e.comm_id, e.stack_id, "
		"e.keyset_id, e.vals FROM " PB_EVENTS_NAMED
		" WHERE x.name_id = ? AND (e.stack_id IS NOT NULL OR "
		"pb_probe_keep(e.source_id, e.keyset_id, e.vals)) ORDER BY x.first_id");
	struct ev_fields fields = { .s = s };
	struct task_stacks tasks = { 0 };
	size_t first = hs->n;
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, name_id);
	while ((rc = pb_store_step(s, st)) > 0) {
		struct task_stack *t = task(&tasks, (int32_t)column_i64_or(st, 3, -1));
		int64_t own = column_i64_or(st, 5, 0);
		struct hit *h;

		if (own) {
			t->last = own;
			if (!t->first)
				t->first = own;
		}
		h = add_hit(hs);
		/* again, for what it fills in: the rows with a stack come
		 * whether kept or not */
		ev_fields_row(&fields, st, 6, 7);
		if (!keep(ctx, sqlite3_column_int64(st, 1), &fields, h, &hs->strings)) {
			hs->n--;
			continue;
		}
		h->event_id = sqlite3_column_int64(st, 0);
		h->source_id = sqlite3_column_int64(st, 1);
		h->ts_ns = column_i64_or(st, 2, -1);
		h->pid = t->pid;
		h->comm_id = column_i64_or(st, 4, 0);
		h->stack_id = own ? own : t->last;
		h->own_stack = own != 0;
	}
	for (size_t i = first; i < hs->n; i++)
		if (!hs->v[i].stack_id)
			hs->v[i].stack_id = task(&tasks, hs->v[i].pid)->first;
	free(tasks.v);
	sqlite3_finalize(st);
	if (pb_store_define_function(s, "pb_probe_keep", 3, NULL, NULL) < 0)
		rc = -1;
	return rc ? -1 : 0;
}

struct page_ctx {
	const struct vmemmaps *vms;
	const struct ids *busy;
};

/* Page-pointer hits whose page is busy. */
static int keep_page(const void *ctx, int64_t source_id, struct ev_fields *fields, struct hit *h,
		     struct pb_arena *a)
{
	const struct page_ctx *c = ctx;
	const struct vmemmap *vm = vmemmap_of(c->vms, source_id);
	size_t n;
	const char *v = page_pointer(fields, &n);
	uint64_t page;

	return vm && parse_ptr(v, n, &page) == 0 && page_to_pfn(vm, page, &h->pfn) == 0 &&
	       ids_has(c->busy, h->pfn);
}

/* A pass over the file-offset hits: the page size each source's offsets
 * are divided by in it (0: not in this pass). */
struct file_ctx {
	const struct ids *indexes;
	const long *size_of;	/* by source id */
	size_t n;
};

/* File-offset hits at a page index some busy page's dump has. */
static int keep_file(const void *ctx, int64_t source_id, struct ev_fields *fields, struct hit *h,
		     struct pb_arena *a)
{
	const struct file_ctx *c = ctx;
	long size = source_id >= 0 && (size_t)source_id < c->n ? c->size_of[source_id] : 0;
	size_t n, nfile;
	const char *pos = field(fields, "pos", &n), *file;
	uint64_t off;

	if (!size || parse_num(pos, n, &off) < 0 ||
	    !ids_has(c->indexes, (int64_t)(off / (uint64_t)size)))
		return 0;
	h->index = off / (uint64_t)size;
	file = field(fields, "file", &nfile);
	/* (no arena: only the decision is asked for) */
	h->file = file && a ? pb_arena_strndup(a, file, nfile) : NULL;
	return 1;
}

/* --- writing evidence --------------------------------------------------- */

static const char *hit_confidence(const struct hit *h, int joined)
{
	/* joined through a dump: no stronger than the dump (medium) */
	if (h->own_stack && !joined)
		return "high";
	return h->stack_id ? "medium" : "low";
}

static int insert_hit(struct pb_store *s, sqlite3_stmt *ins, const struct hit *h,
		      const char *kind)
{
	pb_store_bind_int64(ins, ":source_id", h->source_id);
	if (h->ts_ns >= 0)
		pb_store_bind_int64(ins, ":ts_ns", h->ts_ns);
	pb_store_bind_int64(ins, ":pfn", h->pfn);
	pb_store_bind_text(ins, ":kind", kind);
	if (h->pid >= 0)
		pb_store_bind_int64(ins, ":pid", h->pid);
	pb_store_bind_int64(ins, ":comm_id", h->comm_id);
	if (h->stack_id)
		pb_store_bind_int64(ins, ":stack_id", h->stack_id);
	pb_store_bind_text(ins, ":confidence", hit_confidence(h, h->mapping != NULL));
	pb_store_bind_int64(ins, ":event_id", h->event_id);
	pb_store_bind_text(ins, ":mapping", h->mapping);
	if (pb_store_run(s, ins) < 0)
		return -1;
	sqlite3_clear_bindings(ins);
	return 0;
}

static int page_hits(struct pb_store *s, const struct probe_names *pn, const struct vmemmaps *vms,
		     const struct ids *busy, sqlite3_stmt *ins)
{
	struct page_ctx ctx = { vms, busy };
	struct hits hs = { 0 };
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < pn->pages.n; i++)
		rc = scan_probe(s, pn->pages.v[i], keep_page, &ctx, &hs);
	for (size_t i = 0; rc == 0 && i < hs.n; i++)
		rc = insert_hit(s, ins, &hs.v[i], "probe");
	free(hs.v);
	pb_arena_free(&hs.strings);
	return rc;
}

/* --- file-offset probes joined through dumps ---------------------------- */

/* A kernel-log dump joins probe hits of its own boot only: a trace and
 * the log imported with it (sources.boot), never another machine's. */
struct dump {
	int64_t pfn, boot;
	uint64_t index;
	const char *mapping;
};

struct dumps {
	struct dump *v;
	size_t n, cap;
	struct ids indexes;
	const struct boots *boots;
};

struct dump_load {
	const struct ids *busy;
	struct pb_arena *strings;
	struct dumps *d;
};

static void dump_row(sqlite3_stmt *st, void *ctx)
{
	struct dump_load *l = ctx;
	struct dumps *d = l->d;
	int64_t pfn = sqlite3_column_int64(st, 0);
	const char *index = column_text(st, 2), *mapping = column_text(st, 1);
	uint64_t v;

	if (!ids_has(l->busy, pfn) || parse_num(index, strlen(index), &v) < 0)
		return;
	PB_GROW(d->v, d->n + 1, d->cap);
	d->v[d->n++] = (struct dump){ pfn, boot_of(d->boots, sqlite3_column_int64(st, 3)), v,
				      mapping ? pb_arena_strdup(l->strings, mapping) : NULL };
	ids_push(&d->indexes, (int64_t)v);
}

/* The distinct (pfn, mapping, index) of the dumps of busy pages. */
static int load_dumps(struct pb_store *s, const struct ids *busy, struct pb_arena *a,
		      struct dumps *d)
{
	struct dump_load l = { busy, a, d };
	int rc = sql_rows_each(s,
		"SELECT DISTINCT v.pfn, pb_field(e.keyset_id, e.vals, 'mapping'), "
		"pb_field(e.keyset_id, e.vals, 'index'), v.source_id "
		"FROM evidence v JOIN event e ON e.id = v.event_id WHERE v.kind = 'dump' "
		"AND pb_field(e.keyset_id, e.vals, 'index') IS NOT NULL", dump_row, &l);

	sort_n(d->indexes.v, d->indexes.n, sizeof(int64_t), cmp_id);
	return rc;
}

static int cmp_index(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return x->event_id < y->event_id ? -1 : x->event_id > y->event_id;
}

/* The hits at page INDEX (HS sorted by index): [*first, return). */
static size_t hits_at(const struct hits *hs, uint64_t index, size_t *first)
{
	size_t lo = 0, hi = hs->n, end;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (hs->v[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < hs->n && hs->v[end].index == index; end++)
		;
	*first = lo;
	return end;
}

struct vote {
	int64_t boot;
	const char *mapping, *file;
	size_t count;
};

struct votes {
	struct vote *v;
	size_t n, cap;
};

static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static void vote(struct votes *vs, int64_t boot, const char *mapping, const char *file)
{
	for (size_t i = 0; i < vs->n; i++) {
		if (vs->v[i].boot == boot && same_str(vs->v[i].mapping, mapping) &&
		    same_str(vs->v[i].file, file)) {
			vs->v[i].count++;
			return;
		}
	}
	PB_GROW(vs->v, vs->n + 1, vs->cap);
	vs->v[vs->n++] = (struct vote){ boot, mapping, file, 1 };
}

/* Each distinct file at a dump's index, in the dump's boot, gets one vote
 * for its mapping. */
static void count_votes(const struct hits *hs, const struct dumps *d, struct votes *vs)
{
	for (size_t i = 0; i < d->n; i++) {
		size_t first, end = hits_at(hs, d->v[i].index, &first);

		for (size_t j = first; j < end; j++) {
			size_t k;

			if (!same_boot(boot_of(d->boots, hs->v[j].source_id), d->v[i].boot))
				continue;
			for (k = first; k < j && (!same_boot(boot_of(d->boots, hs->v[k].source_id),
								d->v[i].boot) ||
						  !same_str(hs->v[k].file, hs->v[j].file)); k++)
				;
			if (k == j)
				vote(vs, d->v[i].boot, d->v[i].mapping, hs->v[j].file);
		}
	}
}

/* The file= a dump's mapping= stands for: the clear winner of the votes.
 * *ok is 0 when no file won. */
static const char *file_of(const struct votes *vs, int64_t boot, const char *mapping, int *ok)
{
	const struct vote *best = NULL;
	size_t second = 0;

	for (size_t i = 0; i < vs->n; i++) {
		if (vs->v[i].boot != boot || !same_str(vs->v[i].mapping, mapping))
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

static int join_dumps(struct pb_store *s, const struct hits *hs, const struct dumps *d,
		      sqlite3_stmt *ins)
{
	struct votes vs = { 0 };
	int rc = 0;

	count_votes(hs, d, &vs);
	for (size_t i = 0; rc == 0 && i < d->n; i++) {
		size_t first, end = hits_at(hs, d->v[i].index, &first);
		int ok;
		const char *file = file_of(&vs, d->v[i].boot, d->v[i].mapping, &ok);

		for (size_t j = first; ok && rc == 0 && j < end; j++) {
			struct hit h = hs->v[j];

			if (!same_boot(boot_of(d->boots, h.source_id), d->v[i].boot) ||
			    !same_str(h.file, file))
				continue;
			h.pfn = d->v[i].pfn;
			h.mapping = d->v[i].mapping;
			rc = insert_hit(s, ins, &h, "dump_probe");
		}
	}
	free(vs.v);
	return rc;
}

/* The page size the file-offset join takes per source: its own (or its
 * boot's: page_size_of()), else the sizes of guessed_page_sizes[] in turn
 * while none has put a hit of it at a busy page's index. */
struct offset_sizes {
	long *pass;	/* this pass's, by source id; 0: not in it */
	long *taken;	/* the size whose hits were kept; 0: none yet */
	int *guessed;	/* 1 when the source's size is unknown */
	int *has_hits;	/* 1 when the source has file-offset hits */
	size_t n;
};

static void offset_sizes_init(struct offset_sizes *o, const struct boots *b)
{
	o->n = b->n;
	o->pass = pb_calloc(o->n + 1, sizeof(*o->pass));
	o->taken = pb_calloc(o->n + 1, sizeof(*o->taken));
	o->guessed = pb_calloc(o->n + 1, sizeof(*o->guessed));
	o->has_hits = pb_calloc(o->n + 1, sizeof(*o->has_hits));
	for (size_t i = 0; i < o->n; i++) {
		o->guessed[i] = !page_size_of(b, (int64_t)i);
		o->pass[i] = o->guessed[i] ? guessed_page_sizes[0] : (long)page_size_of(b, (int64_t)i);
	}
}

static void offset_sizes_free(struct offset_sizes *o)
{
	free(o->pass);
	free(o->taken);
	free(o->guessed);
	free(o->has_hits);
}

/* After pass PASS kept the hits HS[first..]: the sizes of the next pass,
 * for the sources still guessing with hits of their own; 0 when none. */
static int next_pass(struct offset_sizes *o, const struct hits *hs, size_t first, size_t pass)
{
	int more = 0;

	for (size_t i = first; i < hs->n; i++) {
		size_t src = (size_t)hs->v[i].source_id;

		if (src < o->n && !o->taken[src])
			o->taken[src] = o->pass[src];
	}
	for (size_t i = 0; i < o->n; i++) {
		o->pass[i] = o->guessed[i] && o->has_hits[i] && !o->taken[i] &&
			pass + 1 < PB_ARRAY_SIZE(guessed_page_sizes)
			? guessed_page_sizes[pass + 1] : 0;
		more |= o->pass[i] != 0;
	}
	return more;
}

static void has_hits_row(sqlite3_stmt *st, void *ctx)
{
	struct offset_sizes *o = ctx;
	size_t src = (size_t)sqlite3_column_int64(st, 0);

	if (src < o->n)
		o->has_hits[src] = 1;
}

/* Which sources have hits of the file-offset probes PN->files. */
static int find_hit_sources(struct pb_store *s, const struct probe_names *pn,
			    struct offset_sizes *o)
{
	struct pb_buf sql = { 0 };
	int rc;

	pb_buf_adds(&sql, "SELECT DISTINCT source_id FROM event_index WHERE name_id IN (");
	for (size_t i = 0; i < pn->files.n; i++)
		pb_buf_addf(&sql, "%s%lld", i ? ", " : "", (long long)pn->files.v[i]);
	pb_buf_adds(&sql, ")");
	rc = sql_rows_each(s, sql.data, has_hits_row, o);
	pb_buf_free(&sql);
	return rc;
}

/* Keeps in probe_map the page size the join took for each source with
 * file-offset hits, and whether it was the source's own or a guess
 * (NULL: no size put a hit at a busy page's index). */
static int store_offset_sizes(struct pb_store *s, const struct offset_sizes *o,
			      const struct boots *b)
{
	sqlite3_stmt *up = pb_store_prepare(s,
		"INSERT INTO probe_map(source_id, file_page_size, file_page_size_from) "
		"VALUES (?1, ?2, ?3) ON CONFLICT(source_id) DO UPDATE SET "
		"file_page_size = ?2, file_page_size_from = ?3");
	int rc = up ? 0 : -1;

	for (size_t i = 1; rc == 0 && i < o->n; i++) {
		long size = o->guessed[i] ? o->taken[i] : (long)page_size_of(b, (int64_t)i);

		if (!o->has_hits[i])
			continue;
		sqlite3_bind_int64(up, 1, (int64_t)i);
		if (size)
			sqlite3_bind_int64(up, 2, size);
		sqlite3_bind_text(up, 3, o->guessed[i] ? "guess" : "source", -1, SQLITE_STATIC);
		rc = pb_store_run(s, up);
		sqlite3_clear_bindings(up);
	}
	sqlite3_finalize(up);
	return rc;
}

/* The hits of the file-offset probes at the index of a busy page's dump,
 * pass by pass (offset_sizes). */
static int scan_file_hits(struct pb_store *s, const struct probe_names *pn,
			  const struct dumps *d, struct hits *hs)
{
	struct offset_sizes o;
	struct file_ctx ctx = { &d->indexes, NULL, 0 };
	int rc, more = 1;

	offset_sizes_init(&o, d->boots);
	ctx.size_of = o.pass;
	ctx.n = o.n;
	rc = find_hit_sources(s, pn, &o);
	for (size_t pass = 0; rc == 0 && more; pass++) {
		size_t first = hs->n;

		for (size_t i = 0; rc == 0 && i < pn->files.n; i++)
			rc = scan_probe(s, pn->files.v[i], keep_file, &ctx, hs);
		more = next_pass(&o, hs, first, pass);
	}
	if (rc == 0)
		rc = store_offset_sizes(s, &o, d->boots);
	offset_sizes_free(&o);
	return rc;
}

static int file_hits(struct pb_store *s, const struct probe_names *pn, const struct boots *b,
		     const struct ids *busy, sqlite3_stmt *ins)
{
	struct dumps d = { .boots = b };
	struct hits hs = { 0 };
	int rc = pn->files.n ? load_dumps(s, busy, &hs.strings, &d) : 0;

	if (rc == 0 && d.n)
		rc = scan_file_hits(s, pn, &d, &hs);
	if (rc == 0) {
		sort_n(hs.v, hs.n, sizeof(*hs.v), cmp_index);
		rc = join_dumps(s, &hs, &d, ins);
	}
	free(d.v);
	free(d.indexes.v);
	free(hs.v);
	pb_arena_free(&hs.strings);
	return rc;
}

int probe_evidence(struct pb_store *s)
{
	struct probe_names pn = { 0 };
	struct vmemmaps vms = { 0 };
	struct ids busy = { 0 };
	sqlite3_stmt *ins = NULL;
	int rc = -1;

	if (find_names(s, &pn) < 0 ||
	    sql_ids(s, "SELECT DISTINCT pfn FROM failure_pfn ORDER BY pfn", &busy) < 0)
		goto out;
	rc = 0;
	if (!busy.n)
		goto out;
	ins = pb_store_prepare(s,
		"INSERT INTO evidence(source_id, ts_ns, pfn, kind, pid, comm, stack_id, "
		"confidence, event_id, mapping) VALUES (:source_id, :ts_ns, :pfn, :kind, "
		":pid, (SELECT text FROM name WHERE id = :comm_id), :stack_id, :confidence, "
		":event_id, :mapping)");
	if (!ins || load_fits(s, &vms) < 0 || page_hits(s, &pn, &vms, &busy, ins) < 0 ||
	    file_hits(s, &pn, &vms.boots, &busy, ins) < 0)
		rc = -1;
out:
	if (rc < 0)
		pb_error("%s: probe evidence: %s", pb_store_path(s), sqlite3_errmsg(pb_store_db(s)));
	sqlite3_finalize(ins);
	probe_names_free(&pn);
	free(busy.v);
	vmemmaps_free(&vms);
	return rc;
}

/* --- why page pointers were left unmapped -------------------------------- */

struct unmapped_ctx {
	const struct vmemmaps *vms;
	struct probe_map_gaps *g;
};

/* A probe's hits in one source (name, source, hits): counted when that
 * source has no mapping, with whether the source printed hashes. */
static void unmapped_row(sqlite3_stmt *st, void *ctx)
{
	struct unmapped_ctx *c = ctx;
	int64_t source_id = sqlite3_column_int64(st, 0);

	if (vmemmap_of(c->vms, source_id))
		return;
	c->g->unmapped_hits += sqlite3_column_int64(st, 1);
	c->g->hashed |= ids_has(&c->vms->hashed_sources, source_id);
}

/* The fits the last refresh stored, else (a store not refreshed since
 * its upgrade, or read as it is) learned again. */
static int fits_for_gaps(struct pb_store *s, const struct probe_names *pn, struct vmemmaps *vms)
{
	struct source_facts facts = { 0 };
	int rc = load_fits(s, vms);

	if (rc == 0 && !vms->stored) {
		rc = load_source_facts(s, &facts);
		if (rc == 0)
			rc = learn_vmemmaps(s, pn, &facts, vms);
		ids_distinct(&vms->hashed_sources);
	}
	free(facts.v);
	return rc;
}

int probe_map_gaps(struct pb_store *s, struct probe_map_gaps *g)
{
	struct probe_names pn = { 0 };
	struct vmemmaps vms = { 0 };
	struct unmapped_ctx ctx = { &vms, g };
	int rc = find_names(s, &pn);

	memset(g, 0, sizeof(*g));
	if (rc == 0 && pn.pages.n)
		rc = fits_for_gaps(s, &pn, &vms);
	for (size_t i = 0; rc == 0 && i < pn.pages.n; i++) {
		char sql[160];

		snprintf(sql, sizeof(sql), "SELECT source_id, sum(n) FROM event_index "
			 "WHERE name_id = %lld GROUP BY source_id", (long long)pn.pages.v[i]);
		rc = sql_rows_each(s, sql, unmapped_row, &ctx);
	}
	probe_names_free(&pn);
	vmemmaps_free(&vms);
	return rc;
}
