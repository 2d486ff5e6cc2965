/* analyze.h - from failed allocations to the call sites that held their
 * pages (doc/DESIGN.md, "Failures and attribution"): failures, busy pfns,
 * holder evidence, call sites, ranking. Results are plain JSON objects in
 * the documented schemas, so every renderer (text, Markdown, HTML, JSON)
 * starts from the same data.
 */
#ifndef PINBLAME_ANALYZE_H
#define PINBLAME_ANALYZE_H

#include <jansson.h>
#include <stdint.h>

#include "pinblame/store.h"

/* Options shared by every analysing command. */
struct pb_analyze_opts {
	const char *noise_file;		/* --noise FILE: more noise globs, one per line */
	int no_default_noise;		/* --no-default-noise */
	int64_t since_ns, until_ns;	/* --since/--until (trace time); -1 = open */
};

enum pb_blame_by {
	PB_BY_CALLSITE,
	PB_BY_STACK,
	PB_BY_COMM,
	PB_BY_MODULE,
	PB_BY_SOURCE,
	PB_BY_KERNEL,
};

/* "callsite", "stack", ... and back; parse returns 0 or -1. */
const char *pb_blame_by_name(enum pb_blame_by by);
int pb_blame_by_parse(const char *name, enum pb_blame_by *by);

/* Checks that O can be used (the --noise file reads and parses); -1 after
 * printing why (the caller exits PB_EXIT_INPUT). */
int pb_analyze_check_opts(const struct pb_analyze_opts *o);

/* Recomputes the derived tables (failure, failure_pfn, attribution, probe
 * evidence) when the store is marked dirty. S must be writable. 0 or -1. */
int pb_analyze_refresh(struct pb_store *s);

/* Opens the store at PATH for reading the analysis, refreshing it first
 * when an import made it stale. NULL after printing why (the caller exits
 * PB_EXIT_STORE). */
struct pb_store *pb_analyze_open(const char *path);

/* {"schema":"pinblame.failures/1","failures":[{"id":1,"kind":"cma_alloc",
 *  "area":"hugetlb0","reason":null,"ts_ns":N,"start_ts_ns":N,"end_ts_ns":N,"pid":N,
 *  "comm":"sh","outcome":"recovered","nowarn":true,"errorno":null,
 *  "start_pfn":N,"end_pfn":N,"pages":N,"busy_pfns":[N],"busy_ranges":32,
 *  "failed_migrations":N,"attributed_pfns":N,"source":"trace.txt.xz",
 *  "line":N}]} (doc/DESIGN.md, "JSON"). REASON (a migrate reason or a kind) and AREA
 * filter when not NULL. NULL on error. */
json_t *pb_analyze_failures(struct pb_store *s, const struct pb_analyze_opts *o,
			    const char *reason, const char *area);

/* How many failures of the list FAILURES (pb_analyze_failures()'s
 * "failures") have each outcome. */
struct pb_outcome_counts {
	long long final, recovered, unknown;
};
struct pb_outcome_counts pb_count_outcomes(const json_t *failures);

/* Calls EACH with the id of every failure the last analysis wrote, in
 * order, without analysing again (for shell completion, which must answer
 * at once). 0, EACH's first non-zero result, or -1 on a store error. */
typedef int (*pb_failure_id_fn)(int64_t id, void *ctx);
int pb_analyze_failure_ids(struct pb_store *s, pb_failure_id_fn each, void *ctx);

/* {"schema":"pinblame.blame/1","by":"callsite","failures":N,"attributed":N,
 *  "callsites":[{"rank":1,"callsite":"...","module":null,"failures":N,
 *  "pages":N,"share":0.68,"confidence":"high","evidence":{"probe":N},
 *  "stack":[...]}],"unattributed":N,"pages":N,"attributed_pages":N,
 *  "gaps":{"gup_probes":true,"splice_probes":false,"cut_stack_pages":N,
 *  "page_cache_pages":N,"enomem_failures":N,"tick_clock_failures":N (when
 *  some failures are of a trace on a clock of ticks),"pinned_pages":N
 *  (when some pages left show a FOLL_PIN pin in their dump),
 *  "pinner_unput_pages":N (when some pages left are of a boot whose
 *  page_pinner records hold no put of theirs)}}
 * (rows grouped by anything but the call site also have "key").
 * FAILURE_ID > 0 restricts to one failure, TOP > 0 keeps the first TOP
 * rows. NULL on error. */
json_t *pb_analyze_blame(struct pb_store *s, const struct pb_analyze_opts *o,
			 enum pb_blame_by by, int top, int64_t failure_id);

/* The failure whose event was read at LINE of FILE (the path as imported,
 * its last components: "trace.txt" for "/tmp/run/trace.txt", or a longer
 * path ending in a relative one imported): *ID, the
 * smallest when several. Returns how many failures are there (0: none),
 * or -1 on a store error. */
int pb_analyze_failure_at(struct pb_store *s, const char *file, int64_t line, int64_t *id);

/* {"schema":"pinblame.show/2","failure":{...},"stack":[...],"busy_ranges":[...],
 *  "migrations":{...},"pages":[{"pfn":N,"candidates":[...],"dumps":[...]}],
 *  "callsites":[...]}: one failure's evidence chain down to source files
 * and lines; NULL when there is no such failure or on a store error (then
 * pb_store_failed(S) is not 0). */
json_t *pb_analyze_show(struct pb_store *s, const struct pb_analyze_opts *o,
			int64_t failure_id);

/* {"schema":"pinblame.info/1","sources":[{"id":1,"path":"...",...,
 *  "bad_line_reasons":[{"reason":"syntax","count":N,"first_line":N,
 *  "example":"..."}]}],"events":{"name":N},"cma_allocs":{...},
 *  "busy_ranges":{...},"migrations_failed":{...},"page_evidence":{...}}:
 * what the store holds; NULL on a store error. */
json_t *pb_analyze_info(struct pb_store *s);
/* The CMA areas the store has allocations of, failed or not, as a sorted
 * JSON array of names (what `failures --area` may name); NULL on a store
 * error (printed). */
json_t *pb_analyze_cma_areas(struct pb_store *s);

/* Column COL of ST's current row as JSON by its SQL type: integer, real,
 * text (made safe for a terminal) or null. */
json_t *pb_json_column(sqlite3_stmt *st, int col);

/* Failures listed, with their evidence, under each call site of a report. */
#define PB_REPORT_EXAMPLES 5

/* The whole report as one {"schema":"pinblame.report/1",...} object: the
 * summary read from the store (sources, kernels, span, CMA areas, busy
 * ranges, migration failures, trace markers), the failures and blame of
 * the analysis with each call site's failure ids, the evidence of the
 * failures shown as examples (PB_REPORT_EXAMPLES per call site), and the
 * holders' stacks. TOP > 0 keeps that many call sites. NULL on a store
 * error (printed). */
json_t *pb_analyze_report(struct pb_store *s, const struct pb_analyze_opts *o, int top);

/* Called with each object of an export in turn; 0, or -1 to stop. */
typedef int (*pb_export_fn)(json_t *obj, void *ctx);
/* The rows of the store for `export --jsonl` (pinblame.export/1): first
 * {"type":"export","schema":...,"generator":GENERATOR,"counts":{...}},
 * then one object per source, stack, failure, evidence and attribution
 * row, each with its "type", streamed to EMIT. 0, or -1 on a store error
 * or when EMIT stopped. */
int pb_analyze_export(struct pb_store *s, const char *generator, pb_export_fn emit, void *ctx);

enum pb_stacks_which {
	PB_STACKS_HOLDERS,	/* blamed holders, weighted by pages */
	PB_STACKS_FAILURES,	/* failing operations, weighted by failures */
};

/* {"schema":"pinblame.stacks/1","which":"holders","stacks":[{"count":N,
 *  "stack_id":N,"callsite":"...","module":null,"folded":"root;...;leaf"}]},
 * largest count first; NULL on error. */
json_t *pb_analyze_stacks(struct pb_store *s, const struct pb_analyze_opts *o,
			  enum pb_stacks_which which);

/* [{"folded":"root;...;leaf","pages":N}]: the blamed holders' stacks,
 * past the tracer's frames as pb_analyze_stacks() folds them, with the
 * distinct pages under each text, sorted by text; NULL on error. */
json_t *pb_analyze_holder_folded(struct pb_store *s, const struct pb_analyze_opts *o);

/* --- JSON the analysis writes and the commands read ---------------------- */

/* Member KEY of object O as a string / integer, DFLT when absent or of
 * another type. */
const char *pb_json_str(const json_t *o, const char *key, const char *dflt);
long long pb_json_int(const json_t *o, const char *key, long long dflt);

struct pb_buf;
/* Appends the name of a call site to B, "CALLSITE" or "CALLSITE [MODULE]"
 * (MODULE NULL or empty: the kernel proper), and returns B's whole text.
 * Not escaped: names come from traces, and are printed through
 * pb_term_stream() or made JSON by pb_json_text(). */
const char *pb_site_name(struct pb_buf *b, const char *callsite, const char *module);

/* What a capture would need to name the holders of the busy pages that
 * pinblame.blame/1 object BLAME leaves unattributed, from its "gaps", and
 * of the UNNAMED failures left unattributed that name no busy page (not
 * counting those that ran out of memory): a JSON array of hints, one
 * paragraph each (empty when none applies). */
json_t *pb_blame_hints(const json_t *blame, long long unnamed);

#endif
