/* report_int.h - helpers shared by the report renderers (text, Markdown,
 * HTML) and the SVG charts. Every renderer reads the same
 * pinblame.report/1 object, so these only look values up and format them
 * the same way everywhere. */
#ifndef PINBLAME_REPORT_INT_H
#define PINBLAME_REPORT_INT_H

#include <jansson.h>
#include <stdio.h>

#include "pinblame/analyze.h"
#include "pinblame/core.h"

/* Failures listed under each call site, with their evidence: as many as
 * the report object has. */
#define REPORT_EXAMPLES PB_REPORT_EXAMPLES

/* Lookups that tolerate missing keys and wrong types. */
double rj_real(const json_t *o, const char *key, double dflt);

/* The text of string V, "?" when V is no string (a hand-made object). */
const char *rj_text(const json_t *v);

/* "93.0%" from a share in [0, 1]. */
void rj_share(char *buf, size_t len, double share);

/* One line about a failure: "#12 cma_alloc hugetlb0 at 41.589960 s, final".
 * Used verbatim by text and Markdown and (escaped) by HTML. */
void rj_failure_title(struct pb_buf *b, const json_t *failure);
/* Its pages: "pfn 0x13e000-0x140000, busy 0x13e100 0x13e2a0 (+3)". */
void rj_failure_pages(struct pb_buf *b, const json_t *failure);
/* What is known of a failure no call site explains: its pages as above
 * (or that none is named, with its busy ranges) and where it was read:
 * "pfn 0x8c400-0x8cc00, no busy page named (2 busy ranges); dmesg.txt:3". */
void rj_failure_facts(struct pb_buf *b, const json_t *failure);
/* A kernel log dump of a busy page: "pfn 0x1a2b3: dump refcount 3
 * mapcount 1 mapping ffff888103a4c001 flags 0x24(uptodate) at dmesg.txt:3". */
void rj_dump_line(struct pb_buf *b, const json_t *dump);
/* Into B (emptied first), and returned: the note under the CMA areas
 * when LOGGED of their failures come from a kernel log alone. */
const char *rj_log_failures_note(struct pb_buf *b, long long logged);
/* "Failures no call site explains (first 10 of 20000; all: pinblame
 * failures)"; 0 (nothing added) when every failure is explained. */
int rj_unattributed_heading(struct pb_buf *b, const json_t *report);
/* One blamed holder of a failure: "pfn 0x13e100: __do_sys_vmsplice, probe
 * at trace.txt.xz:700 (high)". */
void rj_evidence_line(struct pb_buf *b, const json_t *item);
/* "12 more pages held: pinblame show 3" when report.evidence[ID] lists
 * fewer holders than it has pages; 0 when it lists them all. */
int rj_evidence_more(struct pb_buf *b, const json_t *report, long long id);
/* Whether FRAME (of an example stack) is the call site C itself. */
int rj_is_callsite_frame(const json_t *c, const char *frame);

/* The failure object with this id in report.failures, NULL if none. */
const json_t *rj_failure_by_id(const json_t *report, long long id);
/* The holders listed for failure ID (report.evidence[ID].holders), an
 * empty list when none. */
const json_t *rj_evidence_of(const json_t *report, long long id);

/* Sources as "trace.txt.xz (ftrace, 332192 events), dmesg.txt (kmsg, ...)". */
void rj_sources_line(struct pb_buf *b, const json_t *report);
/* "6.1.0-50-arm64 (aarch64)" or "unknown". */
void rj_kernels_line(struct pb_buf *b, const json_t *report);
/* "6.649922 .. 134.859850 s (128.2 s)". */
void rj_span_line(struct pb_buf *b, const json_t *report);
/* "from 40.000000 s until 60.000000 s"; 0 when no window was asked for. */
int rj_window_line(struct pb_buf *b, const json_t *report);
/* "1852 (4 final, 1848 recovered), 1800 attributed, 52 unattributed". */
void rj_failures_line(struct pb_buf *b, const json_t *report);

/* Escapes for HTML/XML text and attribute values. */
void rj_xml(struct pb_buf *b, const char *s);

/* --- SVG charts (svg.c), each a complete <svg> element --------------- */

/* Failures over time, stacked per area (or kind when there is none),
 * with the trace markers as labelled vertical lines. */
void svg_timeline(struct pb_buf *b, const json_t *report);
/* The top call sites as horizontal bars of their share. */
void svg_callsite_bars(struct pb_buf *b, const json_t *report);
/* A flame graph of report.holder_stacks (root at the bottom). */
void svg_flamegraph(struct pb_buf *b, const json_t *report);

#endif
