/* failures_int.h - what the files of the failure finder share.
 *
 * find_failures() (failures_find.c) loads the CMA allocations
 * (failures_cma.c), cuts the other contiguous allocations and failed
 * migrations into attempts (failures_attempts.c), joins the records that
 * name no task to the failure whose time window holds them or makes
 * failures of them (failures_loose*.c), and writes the failures in time
 * order (failures_write.c).
 */
#ifndef PINBLAME_FAILURES_INT_H
#define PINBLAME_FAILURES_INT_H

#include <stdint.h>
#include <stdlib.h>

#include "analyze_int.h"

/* Events of one task closer than this belong to the same attempt. */
#define ATTEMPT_GAP_NS (5 * NS_PER_SEC)
/* Kernel log lines are printed a little after the event they report. */
#define WINDOW_SLACK_NS NS_PER_SEC
/* A fallback that succeeds this soon after a failed cma_alloc recovers it. */
#define RECOVERY_NS (120 * NS_PER_SEC)

/* What failed (failure.kind). In the order of their names: records without
 * a task are grouped by kind in that order, as before kinds were enums. */
enum fail_kind {
	FAIL_ALLOC_CONTIG,	/* a contiguous allocation outside CMA */
	FAIL_BUSY_RANGE,	/* busy ranges of an allocation that went on */
	FAIL_CMA_ALLOC,		/* cma_alloc() failed */
	FAIL_MIGRATE,		/* failed migrations, by reason */
	FAIL_PAGE_PINNER,	/* a page_pinner failure record */
};

/* UNKNOWN: a kernel log's busy run that no line ends, neither a failure
 * ("alloc failed", a driver's) nor a retry of cma_alloc(), which prints
 * its failure: alloc_contig_pages() (gigantic pages, virtio-mem) prints
 * nothing after its "PFNs busy" lines, so the log cannot tell. */
enum fail_outcome { OUTCOME_FINAL, OUTCOME_RECOVERED, OUTCOME_UNKNOWN };

/* How a page or record came to a failure (failure_pfn.how). */
enum pfn_how {
	HOW_ISOLATION,		/* a failed isolation test (fin_pfn) */
	HOW_DUMP,		/* a kernel log dump_page() */
	HOW_MIGRATE_FAILED,	/* "migrating pfn ... failed" */
	HOW_PINNER_FAILURE,	/* page_pinner / ack failure record */
	HOW_KMSG,		/* a "PFNs busy" line of the kernel log */
	HOW_CMA_BUSY_RETRY,	/* the cma_alloc_busy_retry event */
	HOW_CMA_ALLOC_FAILED,	/* the "alloc failed" line of cma_alloc() */
	HOW_CALL_TRACE,		/* a dump_stack() through alloc_contig_range() */
	HOW_DRIVER_FAILED,	/* a driver's "failed to allocate" line */
};

const char *fail_kind_name(enum fail_kind k);
const char *fail_outcome_name(enum fail_outcome o);
const char *pfn_how_name(enum pfn_how h);
/* The how of a busy_range row by its kind column; -1 when unknown. */
int busy_kind_how(const char *kind, enum pfn_how *h);

struct fpfn {
	int64_t pfn, busy_range_id, ts_ns, event_id;
	enum pfn_how how;
};

/* A busy range [start, end) of a failure. */
struct frange {
	int64_t start, end;
};

struct fail {
	enum fail_kind kind;
	enum fail_outcome outcome;
	const char *area, *reason, *comm;
	/* ts_ns: when it failed; first_ts_ns..end_ts_ns: its time window */
	int64_t source_id, ts_ns, first_ts_ns, end_ts_ns, start_pfn, end_pfn, pages;
	int64_t cma_alloc_id, event_id, stack_id, errorno;
	int64_t failed_pages;
	int32_t pid;
	int nowarn;		/* -1 unknown */
	int failed_migrations;
	struct frange *ranges;	/* busy ranges, for counting distinct ones */
	size_t nranges, capranges;
	struct fpfn *pfns;
	size_t npfns, cappfns;
	int64_t id;
};

struct finder {
	struct pb_store *s;
	struct fail *v;
	size_t n, cap;
	struct pb_arena strings;
	struct boots boots;
	/* the ids of the sources whose clock counts ticks (TICKS_OF_SQL) */
	int64_t *tick_sources;
	size_t ntick_sources, captick_sources;
};

/* 1 when the clock of source SOURCE_ID counts ticks or events, not ns
 * (sources.clock 'counter'), where no span of seconds can be told: the
 * rules that take records a few seconds apart as one go by their order
 * there (TICKS_OF_SQL, attempt_ev.ticks). */
int source_ticks(const struct finder *f, int64_t source_id);

/* A copy of TEXT that lives as long as the finder (NULL stays NULL). */
const char *finder_keep(struct finder *f, const char *text);
struct fail *fail_new(struct finder *f, enum fail_kind kind);
void fail_add_pfn(struct fail *x, int64_t pfn, int64_t range_id, int64_t ts,
		  int64_t event_id, enum pfn_how how);
void fail_add_range(struct fail *x, int64_t start, int64_t end);
/* Keeps each busy range of X once (sorted); how many. */
size_t fail_distinct_ranges(struct fail *x);
/* Widens the time window of X to hold TS (-1: unknown, ignored). */
void fail_widen(struct fail *x, int64_t ts);

/* qsort_r() that accepts an empty (NULL) array. */
static inline void sort_r_n(void *base, size_t n, size_t size,
			    int (*cmp)(const void *, const void *, void *), void *arg)
{
	if (n > 1)
		qsort_r(base, n, size, cmp, arg);
}

/* --- failures_cma.c: CMA allocations ----------------------------------- */

/* A CMA allocation: its task and time tell fallbacks apart; it becomes a
 * failure when it failed, or when busy ranges or failed migrations happened
 * inside it. */
struct cma_span {
	int64_t id, source_id, start_ts_ns, end_ts_ns;
	int64_t count, pfn, stack_id, event_id, errorno;
	int32_t pid;
	int ok;			/* 1, 0, -1 never finished */
	int whole;		/* traced only at its end: start_ts_ns is the end */
	const char *area, *comm;
	size_t fail;		/* index in finder, or SIZE_MAX */
};

struct cma_spans {
	struct cma_span *v;
	size_t n, cap;
	size_t *by_task;	/* indexes of v by source, pid, start time */
};

struct attempt_list;

/* The failure of allocation SP, made on first use. */
struct fail *cma_fail(struct finder *f, struct cma_span *sp);
int load_cma(struct finder *f, struct cma_spans *spans);
/* The allocation of id ID (0: none); NULL when there is none. */
struct cma_span *span_by_id(struct cma_spans *spans, int64_t id);
/* Orders the spans by task and time (by_task). */
void order_spans(struct cma_spans *spans);
/* Whether TS falls inside a CMA allocation of the task. */
int inside_cma(const struct cma_spans *spans, int64_t source_id, int32_t pid, int64_t ts);
/* Old kernels (up to 5.12, vendor 4.19) trace cma_alloc() only at its end
 * ("cma_alloc: pfn=%lx page=%p count=%u align=%u"): the failed isolation
 * tests and contig_range migrations of its task just before it are its
 * own. Moves them from A (sorted here) into the allocation's failure. */
void claim_whole_spans(struct finder *f, struct cma_spans *spans, struct attempt_list *a);
/* Marks failed allocations recovered by a fallback of the same task. */
void cma_outcomes(struct finder *f, const struct cma_spans *spans,
		  const struct attempt_list *a);
/* Sets nowarn of the CMA failures whose stack is hugetlb's. 0 or -1. */
int mark_nowarn(struct finder *f);

/* --- failures_attempts.c: attempts outside CMA ------------------------- */

/* Why an event outside CMA happened: the reason of a failed migration
 * (enum migrate_reason's names, as lib/store/typed.c writes them), or
 * REASON_CONTIG for an isolation test. In the order of their names, as
 * when the classes were strings and sorted so; REASON_OTHER now sorts
 * after them, which orders a task's attempts, not the failures (those are
 * written in time order). */
enum attempt_reason {
	REASON_COMPACTION,
	REASON_CONTIG,		/* an isolation test */
	REASON_CONTIG_RANGE,
	REASON_DAMON,
	REASON_DEMOTION,
	REASON_LONGTERM_PIN,
	REASON_MEMORY_FAILURE,
	REASON_MEMORY_HOTPLUG,
	REASON_MEMPOLICY_MBIND,
	REASON_NUMA_MISPLACED,
	REASON_SYSCALL_OR_CPUSET,
	REASON_UNKNOWN,		/* the migration printed none */
	REASON_OTHER,		/* a name the kernel's enum does not have (a
				 * vendor's, or a number): its text tells */
};

/* One event of an attempt outside CMA. Its class (attempt_class()) groups
 * them: REASON_CONTIG for isolation tests and contig_range/memory_hotplug
 * migrations, else the migrate reason (compaction, longterm_pin, ...). */
enum attempt_what {
	ATTEMPT_BUSY,
	ATTEMPT_MIGRATION,
	ATTEMPT_SUCCESS,
	ATTEMPT_CLAIMED,	/* taken by a CMA allocation: not an attempt's */
};
struct attempt_ev {
	enum attempt_what what;
	enum attempt_reason why;
	int64_t source_id, ts_ns, event_id, stack_id;
	int64_t range_id, start_pfn, end_pfn, busy_pfn, failed;
	int32_t pid;
	const char *comm, *reason;
	enum pfn_how how;	/* ATTEMPT_BUSY */
	/* ATTEMPT_BUSY: a run of REPEATS more isolation tests of the task,
	 * alike but for their time, the last at LAST_TS_NS; kept as one so
	 * that a test repeated millions of times costs one entry. */
	uint32_t repeats;
	int64_t last_ts_ns;
	/* Its source's clock counts events or ticks of a rate the trace does
	 * not give (sources.clock 'counter': trace_clock counter, x86-tsc,
	 * uptime), where a pause of ATTEMPT_GAP_NS cannot be told. */
	int ticks;
};

/* 1 when the clock of the source of id SOURCE_ID (an SQL expression)
 * counts ticks, else 0, as SQL (attempt_ev.ticks); a column of its own, so
 * that the query around it reads its rows as it did. */
#define TICKS_OF_SQL(source_id) \
	"(SELECT count(*) FROM source t WHERE t.id = " source_id " AND t.clock IS 'counter')"

struct attempt_list {
	struct attempt_ev *v;
	size_t n, cap;
};

/* Counts the step EV (a busy page, or a run of failed migrations) into X:
 * its range and page, or its migrations and their failed pages. */
void fail_count_step(struct fail *x, const struct attempt_ev *ev);

/* The class of EV's attempt: REASON_CONTIG, or the reason of a migration
 * outside it. */
enum attempt_reason attempt_class(const struct attempt_ev *ev);

struct loose_list;
/* Needs A to hold only the successes (load_successes) sorted: a run of
 * busy events never spans one. The busy ranges outside any allocation go
 * to LOOSE, after what load_loose() put there. */
int load_busy(struct finder *f, struct cma_spans *spans, struct attempt_list *a,
	      struct loose_list *loose);
int load_migrations(struct finder *f, struct cma_spans *spans, struct attempt_list *a);
int load_successes(struct finder *f, const struct cma_spans *spans, struct attempt_list *a);
/* Orders A by task, class and time. */
void sort_attempts(struct attempt_list *a);
/* Cuts A (sorted) into failures. */
void make_attempts(struct finder *f, struct attempt_list *a);
/* First attempt event of the task's class CLS (not REASON_OTHER) later
 * than TS (A sorted). */
size_t attempt_after(const struct attempt_list *a, int64_t source_id, int32_t pid,
		     enum attempt_reason cls, int64_t ts);

/* --- failures_loose*.c: records without a task ------------------------- */

/* A record that names a page or range but not always its task. Read from
 * the table below: AREA and COMM live until the statement steps on. */
struct loose {
	int64_t seq;		/* the order records were loaded in */
	int64_t source_id, ts_ns, event_id, pfn, range_id, start_pfn, end_pfn;
	int64_t ts_load;	/* ts_ns as loaded: < 0 when the record had no
				 * time and ts_ns is one in its log's order */
	int64_t group;		/* records grouped by time: the boot of linked
				 * sources, else minus the source's own id */
	int32_t pid;
	enum pfn_how how;
	const char *area;	/* cma_alloc_failed: the area */
	const char *comm;	/* call_trace: the task */
	int64_t stack_id;	/* call_trace */
	int has_caller;		/* call_trace: the stack names its caller */
	enum fail_kind caller;	/* call_trace: cma_alloc or alloc_contig */
	int64_t count;
	int has_ret;		/* cma_alloc_failed: ret is the error it printed */
	int64_t ret;
};

/* The records wait in a temporary table of the store (failures_loose_table.c),
 * not in memory: a kernel log can hold millions of "PFNs busy" lines outside
 * any allocation. Each pass of loose_failures() reads them in the order it
 * needs; a record a pass joins to a failure leaves the table. */
enum { LOOSE_BATCH = 32 };	/* busy ranges per insert (failures_loose_table.c) */

struct loose_pending {		/* a busy range not yet inserted */
	struct loose r;
	enum fail_kind kind;
	int32_t task;
};

struct loose_list {
	struct finder *f;
	sqlite3_stmt *add, *add_batch;	/* the inserts */
	struct loose_pending pending[LOOSE_BATCH];
	size_t npending;
	int failed;		/* an insert failed: loose_failures() says so */
	size_t untimed_drivers;	/* drivers' lines without a time */
	size_t drivers;		/* drivers' "failed to allocate" lines */
	size_t alloc_failed;	/* "alloc failed" lines */
	int reordered;		/* times changed since the runs were noted */
	int64_t n;		/* records added: the last seq */
	struct loose last;	/* the last added (its texts not kept) */
	/* where the runs of records already in the grouping's order start
	 * (seq), as long as there are few: merged, they need no sort */
	int64_t *runs;
	size_t nruns, capruns;
};

int load_loose(struct finder *f, struct loose_list *l);
/* A busy range outside any allocation (from load_busy) into L: kept as a
 * record without a task only, not also as an attempt event. */
void loose_range(struct loose_list *l, const struct attempt_ev *ev);
/* Joins the records of L to the first NWINDOWS failures' windows, or
 * makes failures of them. 0 or -1. */
int loose_failures(struct finder *f, struct loose_list *l, size_t nwindows);
/* Drops the table of L. 0 or -1. */
int loose_end(struct loose_list *l);

/* failures_loose_table.c: the table. */
int loose_table(struct finder *f, struct loose_list *l);
/* Adds R, ordered for grouping by KIND, R->group and TASK. 0 or -1. A
 * record with only a busy range may wait in L for loose_flush(). */
int loose_insert(struct loose_list *l, const struct loose *r, enum fail_kind kind,
		 int32_t task);
/* Inserts the records waiting in L: before anything reads the table. */
int loose_flush(struct loose_list *l);
/* The columns loose_read() reads, in its order, for a SELECT from it. */
/* What a frame (its function, as folded stacks keep it) is to the
 * contiguous allocator, by the function's name in any generation
 * (failures_loose.c). */
enum contig_role { CONTIG_NONE, CONTIG_RANGE, CONTIG_PAGES, CONTIG_CMA };
enum contig_role contig_role(const char *frame, size_t len);
/* The roles of the frames of a folded stack ("a;b;c"): bit 1 << role for
 * each role but CONTIG_NONE. */
unsigned contig_roles(const char *folded);

#define LOOSE_COLUMNS \
	"seq, source_id, ts_ns, event_id, pfn, range_id, start_pfn, end_pfn, pid, how, " \
	"area, comm, stack_id, caller, count, ret, grp"
#define LOOSE_NCOLUMNS 17
#define LOOSE_TABLE "temp.pb_loose"
void loose_read(sqlite3_stmt *st, struct loose *r);
/* Removes the record SEQ with DEL (DELETE ... WHERE seq = :seq). 0 or -1. */
int loose_remove(struct pb_store *s, sqlite3_stmt *del, int64_t seq);

/* failures_loose.c: what the passes over the table share. */
enum fail_kind loose_kind(const struct loose *r);
/* The grouping's order (the table's kind, grp, task, then time, event,
 * source, seq): <0, 0 or >0. */
int cmp_group_order(const struct loose *x, const struct loose *y);
/* Runs already in the grouping's order are merged rather than sorted while
 * there are at most this many (a log's busy lines, each kind of line, in
 * the order of the log). */
#define MERGED_RUNS 16
/* Joins R to X: its time, and its page and range. */
void join_loose(struct fail *x, const struct loose *r);
/* Gives X the task of call trace TRACE when X names none. */
void take_task(struct finder *f, struct fail *x, const struct loose *trace);
/* A new failure of record R. */
struct fail *loose_fail(struct finder *f, const struct loose *r);

/* The statements of a pass, finalized together: READ the records in the
 * pass's order, NEAR those close to one, WRITE deletes (or updates) a row
 * read. */
struct pass {
	struct pb_store *s;
	sqlite3_stmt *read, *near, *write;
};

/* Prepares SQL into *ST of P. 0 or -1. */
int pass_prepare(struct pass *p, sqlite3_stmt **st, const char *sql);
/* Finalizes the statements of P; RC (a step's result) as 0 or -1. */
int pass_end(struct pass *p, int rc);

/* The passes of loose_failures(), in its order. 0 or -1 each. */
/* failures_loose_windows.c */
int join_windows(struct finder *f, size_t nwindows);
/* failures_loose_alloc.c */
int alloc_failed_failures(struct finder *f, const struct loose_list *l);
/* failures_loose_pinner.c: page_pinner failure records by their page */
int pinner_records_by_page(struct finder *f);
/* failures_loose_group.c */
int group_failures(struct finder *f, const struct loose_list *l);
/* failures_offline.c: the block a memory-hotplug failure was offlining */
int offline_blocks(struct finder *f);
/* cma_areas.c: a CMA failure with no area takes the one its boot's log
 * declared at its pfns */
int name_cma_areas(struct finder *f);
int drivers_gave_up(struct finder *f, size_t first_fail);

/* --- failures_write.c -------------------------------------------------- */

/* Numbers the failures in time order and writes them. 0 or -1. */
int write_all(struct finder *f);

#endif
