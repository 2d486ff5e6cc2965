/* analyze.h - from failed allocations to the call sites that held their
 * pages (DESIGN §4): failures, busy pfns, holder evidence, call sites,
 * ranking. Results are plain JSON objects in the documented schemas, so
 * every renderer (text, Markdown, HTML, JSON) starts from the same data.
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

/* Recomputes the derived tables (failure, failure_pfn, attribution, probe
 * evidence) when the store is marked dirty. S must be writable. 0 or -1. */
int pb_analyze_refresh(struct pb_store *s);

/* {"schema":"pinblame.failures/1","failures":[...]} (DESIGN §7).
 * REASON and AREA filter when not NULL. */
json_t *pb_analyze_failures(struct pb_store *s, const struct pb_analyze_opts *o,
			    const char *reason, const char *area);

/* {"schema":"pinblame.blame/1","failures":N,"attributed":N,"callsites":[...],
 *  "unattributed":N}; FAILURE_ID > 0 restricts to one failure, TOP > 0
 * keeps the first TOP rows. */
json_t *pb_analyze_blame(struct pb_store *s, const struct pb_analyze_opts *o,
			 enum pb_blame_by by, int top, int64_t failure_id);

/* {"schema":"pinblame.show/1", ...}: one failure's evidence chain down to
 * source files and lines; NULL when there is no such failure. */
json_t *pb_analyze_show(struct pb_store *s, const struct pb_analyze_opts *o,
			int64_t failure_id);

#endif
