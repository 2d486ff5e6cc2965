/* analyze_int.h - internals shared by the files of lib/analyze.
 *
 * The refresh (refresh.c) finds the failures and their busy pages
 * (failures_find.c), turns probe hits into page evidence (probes.c), and
 * collects every holder candidate of every busy page (holders.c). Which
 * candidate is blamed depends on the noise list, so ranking (rank.c) runs
 * again in memory whenever a command reads the candidates back.
 */
#ifndef PINBLAME_ANALYZE_INT_H
#define PINBLAME_ANALYZE_INT_H

#include <stdint.h>

#include "pinblame/analyze.h"
#include "pinblame/core.h"
#include "callsite.h"

#define NS_PER_SEC 1000000000LL

/* --- noise.c: frames that are not call sites ------------------------- */

enum frame_class {
	FRAME_HOLDER,	/* a call site */
	FRAME_SKIP,	/* machinery between the event and its caller */
	FRAME_COMMON,	/* a common path: whoever reaches it is not to blame */
};

struct pb_noise {
	char **skip, **common;	/* globs of --noise FILE */
	size_t nskip, ncommon, capskip, capcommon;
	int roles;		/* the built-in role table applies */
};

/* The role table plus --noise FILE, unless --no-default-noise. 0, or -1
 * after printing why the file could not be read. */
int noise_init(struct pb_noise *n, const struct pb_analyze_opts *o);
void noise_free(struct pb_noise *n);
/* FUNC is a frame_func() name; MODE says whether the stack is an
 * allocation stack, where the page cache and shmem are walked through. */
enum frame_class noise_classify(const struct pb_noise *n, const char *func, enum stack_mode mode);
/* Whether FUNC is a GUP internal, a splice internal (as a probed
 * function: the trace then has that kind of probe). */
int noise_is_gup(const char *func);
int noise_is_splice(const char *func);
/* Whether FUNC is the page cache's or shmem's by the built-in roles (and
 * not a common path of --noise FILE). */
int noise_is_cache(const struct pb_noise *n, const char *func);
/* Whether FUNC handles a page fault, by the built-in roles. */
int noise_is_fault(const struct pb_noise *n, const char *func);

/* --- sites.c: the call site of a stack -------------------------------- */

struct site {
	const char *callsite;	/* "(no stack)" when there is none */
	const char *module;	/* NULL for the kernel proper */
	int listed;		/* reached a FRAME_COMMON frame first */
	int has_stack;
	int cut_short;		/* ends in a trampoline: names no call site */
	int fault_alloc;	/* an allocation stack whose call site is a page
				 * fault handler: a user page, which its
				 * allocator holds no reference to */
	size_t first;		/* frames leafward of it are the tracer's */
};

struct site_cache;
struct site_cache *site_cache_new(struct pb_store *s, const struct pb_noise *n);
void site_cache_free(struct site_cache *c);
/* The call site of STACK_ID (0: none) read in MODE; NULL on an SQL
 * error. */
const struct site *site_of(struct site_cache *c, int64_t stack_id, enum stack_mode mode);
/* The functions the store's kprobes probe. */
const struct probe_set *site_probes(const struct site_cache *c);
/* Frames of STACK_ID past the tracer's, leaf first, as "func" or "func
 * [module]": those past SITE->first, or without a site those past the
 * tracepoint's frames. */
json_t *site_frames_json(struct pb_store *s, const struct site *site, int64_t stack_id);
json_t *stack_frames_json(struct pb_store *s, int64_t stack_id);
/* The same frames, root first and joined by ';' (FlameGraph's folded
 * format), into B. 0 or -1. */
int site_folded(struct pb_store *s, const struct site *site, int64_t stack_id,
		struct pb_buf *b);
/* site_folded() of site_of(C, STACK_ID, MODE_HOLD), without caching the
 * site: for a walk over every stack. */
int site_trimmed(struct site_cache *c, int64_t stack_id, struct pb_buf *b);

/* --- rank.c: candidates and their ranking ------------------------------ */

enum cand_kind {
	CAND_PIN,		/* page_ref get of GUP_PIN_COUNTING_BIAS */
	CAND_LAST_PIN,		/* the last pinner a dump names (page_pinner) */
	CAND_PROBE,		/* probe hit whose page= maps to the pfn */
	CAND_PAGE_REF_GET,
	CAND_DUMP_PROBE,	/* file-offset probe joined through a dump */
	CAND_PAGE_REF_PUT,
	CAND_PINNER_PUT,
	CAND_ACK_PUT,
	CAND_PAGE_OWNER,	/* the allocation stack of the page */
	CAND_NKINDS
};

enum confidence { CONF_HIGH, CONF_MEDIUM, CONF_LOW };

enum noise_role {
	ROLE_HOLDER,
	ROLE_FREQUENT,	/* on nearly every failed page */
	ROLE_LISTED,	/* a common path of the noise list */
	ROLE_FAULT_ALLOC,	/* only allocated the page (a page fault's) */
};

struct cand {
	int64_t failure_id, pfn;
	int64_t stack_id, evidence_id;
	int64_t ts_ns;		/* of the evidence; -1 unknown */
	int64_t busy_ts_ns;	/* when the page was found busy */
	int32_t pid;
	const char *comm;	/* may be NULL */
	enum cand_kind kind;
	enum confidence conf;
	/* filled by rank_cands() */
	const struct site *site;
	enum noise_role role;
	int rank;
};

struct cand_list {
	struct cand *v;
	size_t n, cap;
	struct pb_arena strings;
};

struct cand *cand_add(struct cand_list *l);
void cand_list_free(struct cand_list *l);

const char *cand_kind_name(enum cand_kind k);
int cand_kind_parse(const char *name, enum cand_kind *k);
int cand_is_put(enum cand_kind k);
const char *confidence_name(enum confidence c);
enum confidence confidence_parse(const char *name);
const char *noise_role_name(enum noise_role r);

/* Sorts L by (failure, pfn), finds each candidate's call site, demotes
 * the call sites seen on nearly every failed page and ranks the
 * candidates of each page (rank 1 is the holder to blame). 0 or -1. */
int rank_cands(struct cand_list *l, struct site_cache *sites);
/* Whether C is blamed for its page. */
int cand_blamed(const struct cand *c);

/* Candidates of the failures that pass the filters, read back from the
 * attribution table. FAILURE_ID > 0 keeps one failure. 0 or -1. */
int load_cands(struct pb_store *s, const struct pb_analyze_opts *o, int64_t failure_id,
	       struct cand_list *l);

/* --- gaps.c: why pages are left unattributed --------------------------- */

/* {"gup_probes":true,"splice_probes":false,"cut_stack_pages":N,
 *  "page_cache_pages":N,"enomem_failures":N} of the failures that pass O
 * (FAILURE_ID > 0: that one), L ranked with SITES; NULL on an SQL error. */
json_t *blame_gaps_json(struct pb_store *s, const struct pb_analyze_opts *o, int64_t failure_id,
			const struct cand_list *l, struct site_cache *sites);

/* --- dump_pins.c: the FOLL_PIN pins of a kernel log dump --------------- */

/* The columns a dump row needs for dump_add_pins(), of event alias E and
 * source alias S; the row also has "refcount" and "mapcount". */
#define DUMP_PINS_COLUMNS(e, s) \
	"(pb_field(" e ".keyset_id, " e ".vals, 'order') IS NOT NULL OR " \
	"pb_field(" e ".keyset_id, " e ".vals, 'head') IS NOT NULL OR " \
	"pb_field(" e ".keyset_id, " e ".vals, 'compound_mapcount') IS NOT NULL OR " \
	"pb_field(" e ".keyset_id, " e ".vals, 'entire_mapcount') IS NOT NULL OR " \
	"pb_field(" e ".keyset_id, " e ".vals, 'pincount') IS NOT NULL) AS pins_compound, " \
	"pb_field(" e ".keyset_id, " e ".vals, 'pincount') AS pins_pincount, " \
	"pb_field(" e ".keyset_id, " e ".vals, 'order') AS pins_order, " \
	"pb_field(" e ".keyset_id, " e ".vals, 'pfn') IS NOT NULL AS pins_dump_pfn, " \
	"pb_field(" e ".keyset_id, " e ".vals, 'mapping') AS pins_mapping, " \
	s ".kernel AS pins_kernel, " s ".arch AS pins_arch"
/* Replaces those columns of dump row D by "pins": N, or null when the
 * dump cannot say (pb_dump_pins()). */
void dump_add_pins(json_t *d);
void dumps_add_pins(json_t *dumps);

/* --- refresh parts ------------------------------------------------------ */

/* failures_find.c: fills failure and failure_pfn. */
int find_failures(struct pb_store *s);
/* probes.c: the vmemmap fit of each source into probe_map (before
 * probe_evidence(), which reads it). */
int probe_map_refresh(struct pb_store *s);
/* probes.c: evidence rows of kind probe / dump_probe for busy pages. */
int probe_evidence(struct pb_store *s);
/* probes.c: why page-pointer probe hits named no page: UNMAPPED_HITS
 * hits in sources for which no vmemmap mapping was learned; HASHED when
 * such a source printed its pointers hashed (the trace option hash-ptr),
 * else too few of its events printed both pfn= and page=. */
struct probe_map_gaps {
	int64_t unmapped_hits;
	int hashed;
};
int probe_map_gaps(struct pb_store *s, struct probe_map_gaps *g);
/* holders.c: every candidate of every busy page into L. */
int collect_cands(struct pb_store *s, struct cand_list *l);

/* holders.c: a page_ref get (or pin) of a busy page that is no candidate
 * because its own task's put brought the count back before the page was
 * found busy (a refcount does not say whose reference a put drops; see
 * doc/DESIGN.md, "Attribution"). Show lists them: a user who finds the
 * get in the trace learns why it was not blamed. */
struct given_back {
	int64_t failure_id, pfn;
	int64_t get_id, put_id;		/* evidence ids */
	int64_t ts_ns, put_ts_ns;
	int64_t stack_id;		/* of the get; 0: none */
	int64_t delta, count;		/* page_ref's val= and count= (after it) */
	int32_t pid;
	const char *comm;		/* may be NULL */
	enum cand_kind kind;		/* CAND_PAGE_REF_GET or CAND_PIN */
};

struct given_back_list {
	struct given_back *v;
	size_t n, cap;
	struct pb_arena strings;
};

/* The given-back gets of the busy pages of FAILURE_ID into L, by pfn, then
 * in time order: within the evidence the candidates are read from. 0 or -1. */
int collect_given_back(struct pb_store *s, int64_t failure_id, struct given_back_list *l);
void given_back_list_free(struct given_back_list *l);

/* failures.c: failure FAILURE_ID as in `failures --json`, or NULL. */
json_t *failure_json(struct pb_store *s, const struct pb_analyze_opts *o, int64_t failure_id);

/* --- shared SQL helpers (refresh.c) ----------------------------------- */

/* The WHERE clause text that applies --since/--until to failure f. */
void failure_filter_sql(struct pb_buf *b, const struct pb_analyze_opts *o);
int64_t column_i64_or(sqlite3_stmt *st, int col, int64_t dflt);
/* qsort() that accepts an empty (NULL) array. */
void sort_n(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
const char *column_text(sqlite3_stmt *st, int col);
/* The column's text read as a number (hex with 0x, else decimal): 0, or
 * -1 when it is NULL or no number. */
int column_u64(sqlite3_stmt *st, int col, uint64_t *v);
/* Whether evidence of boot A may speak of a page of boot B: sources.boot
 * links a trace and the log imported with it; 0 is a source imported
 * alone, which may go with any; a negative one is a source whose times
 * are on a clock of its own (sources.clock: a log that prints dates, a
 * raw counter), which goes with itself only. */
static inline int same_boot(int64_t a, int64_t b)
{
	if (a < 0 || b < 0)
		return a == b;
	return !a || !b || a == b;
}

/* --- boots.c: the boot of each source, as same_boot() takes it, and the
 * page size of its kernel -------------------------------------------------- */

/* The boot of source table alias S, as SQL. */
#define BOOT_OF_SQL(s) \
	"CASE WHEN " s ".clock IS NULL THEN COALESCE(" s ".boot, 0) ELSE -" s ".id END"

struct source_boot {
	int64_t boot;
	int64_t page_size;	/* its own, else its linked boot's; 0 unknown */
};

struct boots {
	struct source_boot *v;	/* by source id */
	size_t n, cap;
};

/* Each source's boot and page size, loaded once per analysis (the
 * finder's, probes.c's). 0, or -1 on a store error. */
int load_boots(struct pb_store *s, struct boots *b);
void boots_free(struct boots *b);
int64_t boot_of(const struct boots *b, int64_t source_id);
/* The page size of SOURCE_ID's kernel: its own (sources.page_size), else
 * the one another source of its linked boot knows; 0 when unknown. */
int64_t page_size_of(const struct boots *b, int64_t source_id);
/* The shift that turns bytes into pfns under PAGE_SIZE (bytes >> shift):
 * log2 of a page size, 12 (4 KiB: x86's, s390's, most arm64 kernels')
 * for 0 or a size that is no page size. */
unsigned pfn_shift(int64_t page_size);

/* --- cma_areas.c: the CMA areas the boot logs declare ------------------- */

struct cma_area;
struct cma_areas {
	struct cma_area *v;
	size_t n, cap;
	struct pb_arena strings;	/* the names */
	const struct boots *boots;	/* each source's boot and page size */
};

/* The kmsg:cma_area records of every log, each named (doc/FORMATS.md,
 * "CMA areas at boot"). 0, or -1 on a store error. */
int cma_areas_load(struct pb_store *s, const struct boots *b, struct cma_areas *a);
void cma_areas_free(struct cma_areas *a);
/* The name of the area of SOURCE_ID's boot that holds the pfns [START_PFN,
 * END_PFN) under the source's page size; NULL when none does. The name
 * lives as long as A. */
const char *cma_area_holding(const struct cma_areas *a, int64_t source_id, int64_t start_pfn,
			     int64_t end_pfn);

/* A column as JSON: an integer, or a string, or null for SQL NULL. */
json_t *int_or_null(sqlite3_stmt *st, int col);
json_t *text_or_null(sqlite3_stmt *st, int col);

/* --- rows.c: query rows into memory, and as JSON ------------------------
 * A read that meets a store error stops with what it has; the store
 * remembers the error (pb_store_failed()) and the command exits 4, so the
 * loaders below never return NULL. */

/* The loop of every loader that reads a SELECT into memory: calls
 * ROW(ST, CTX) with each row of SQL. 0, or -1 on a store error. */
int sql_rows_each(struct pb_store *s, const char *sql,
		  void (*row)(sqlite3_stmt *st, void *ctx), void *ctx);

/* Each event name with the fields of its first event that has any, as a
 * table (id, text, f) of SQL: what a probe's events carry, and where it
 * probes (__probe), the first says for all. */
#define NAMES_FIRST_FIELDS \
	"(SELECT n.id AS id, n.text AS text, (SELECT pb_fields(e.keyset_id, e.vals) " \
	"  FROM " PB_EVENTS_NAMED \
	"  WHERE x.name_id = n.id AND e.vals IS NOT NULL LIMIT 1) AS f FROM name n)"

/* Ids or pfns, sorted where ids_has() searches them. */
struct ids {
	int64_t *v;
	size_t n, cap;
};

void ids_push(struct ids *ids, int64_t id);
/* Sorts IDS and drops the repeated ones. */
void ids_distinct(struct ids *ids);
int ids_has(const struct ids *sorted, int64_t id);
/* Orders int64_t values, for sorting ids. */
int cmp_id(const void *a, const void *b);
/* Appends the first column of each row of SQL to OUT. 0 or -1. */
int sql_ids(struct pb_store *s, const char *sql, struct ids *out);

/* The current row as an object keyed by the column names; into O (after
 * the keys it has), which it returns. */
json_t *stmt_row_json(sqlite3_stmt *st);
json_t *stmt_row_into(json_t *o, sqlite3_stmt *st);
/* Every row of ST (bound, not stepped yet) as stmt_row_json(); ST is reset. */
json_t *stmt_rows_json(struct pb_store *s, sqlite3_stmt *st);
/* Every row of SQL, with ?1 bound to ID when it has a parameter. */
json_t *sql_rows_json(struct pb_store *s, const char *sql, int64_t id);
/* {"first column": second column, ...} of SQL's (text, integer) rows. */
json_t *sql_counts_json(struct pb_store *s, const char *sql);

/* "memory offlining [mem %#010llx-%#010llx] failed" prints the block in
 * bytes, its last byte included; failures have pfns. The page sizes of the
 * kernels that offline memory (x86, s390: 4 KiB; arm64: 4, 16 or 64 KiB;
 * powerpc: 4 or 64 KiB), as shifts, and the block [*LO, *HI) in pfns under
 * the I-th of them. Shared by the analysis that places the block
 * (failures_offline.c) and show, which finds the line again (show.c). */
#define OFFLINE_PAGE_SIZES 3
static inline void offline_block_pfns(uint64_t start, uint64_t end, size_t i, int64_t *lo,
				      int64_t *hi)
{
	static const int shifts[OFFLINE_PAGE_SIZES] = { 12, 14, 16 };

	*lo = (int64_t)(start >> shifts[i]);
	*hi = (int64_t)((end + 1) >> shifts[i]);
}

#endif
