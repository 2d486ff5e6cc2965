/* events.c - trace systems of the event names that matter here.
 *
 * ftrace text and trace-cmd report print bare event names ("cma_alloc_finish");
 * the store and the analysis key events by "system:event", so the system is
 * looked up in this table. Names missing from it stay in "ftrace" (or
 * "kprobes" for probe bodies, decided by the parser).
 */
#include <stdlib.h>
#include <string.h>

#include "pinblame/parse.h"

struct event_system {
	const char *event;
	const char *system;
};

/* Sorted by event name (strcmp order) for bsearch(). */
static const struct event_system known_events[] = {
	{ "bprint", "ftrace" },
	{ "bputs", "ftrace" },
	{ "cma_alloc", "cma" },
	{ "cma_alloc_at_finish", "cma" },
	{ "cma_alloc_at_start", "cma" },
	{ "cma_alloc_busy_retry", "cma" },
	{ "cma_alloc_finish", "cma" },
	{ "cma_alloc_info", "cma" },
	{ "cma_alloc_start", "cma" },
	{ "cma_release", "cma" },
	{ "function", "ftrace" },
	{ "kernel_stack", "ftrace" },
	{ "kfree", "kmem" },
	{ "kmalloc", "kmem" },
	{ "kmem_cache_alloc", "kmem" },
	{ "kmem_cache_free", "kmem" },
	{ "mm_alloc_contig_migrate_range_info", "kmem" },
	{ "mm_compaction_begin", "compaction" },
	{ "mm_compaction_defer_compaction", "compaction" },
	{ "mm_compaction_defer_reset", "compaction" },
	{ "mm_compaction_deferred", "compaction" },
	{ "mm_compaction_end", "compaction" },
	{ "mm_compaction_fast_isolate_freepages", "compaction" },
	{ "mm_compaction_finished", "compaction" },
	{ "mm_compaction_isolate_freepages", "compaction" },
	{ "mm_compaction_isolate_migratepages", "compaction" },
	{ "mm_compaction_kcompactd_sleep", "compaction" },
	{ "mm_compaction_kcompactd_wake", "compaction" },
	{ "mm_compaction_migratepages", "compaction" },
	{ "mm_compaction_suitable", "compaction" },
	{ "mm_compaction_try_to_compact_pages", "compaction" },
	{ "mm_compaction_wakeup_kcompactd", "compaction" },
	{ "mm_migrate_pages", "migrate" },
	{ "mm_migrate_pages_start", "migrate" },
	{ "mm_page_alloc", "kmem" },
	{ "mm_page_alloc_extfrag", "kmem" },
	{ "mm_page_alloc_zone_locked", "kmem" },
	{ "mm_page_free", "kmem" },
	{ "mm_page_free_batched", "kmem" },
	{ "mm_page_pcpu_drain", "kmem" },
	{ "page_pin_owner_put", "page_pin_owner" },
	{ "page_pinner_failure", "page_pinner" },
	{ "page_pinner_put", "page_pinner" },
	{ "page_ref_freeze", "page_ref" },
	{ "page_ref_mod", "page_ref" },
	{ "page_ref_mod_and_return", "page_ref" },
	{ "page_ref_mod_and_test", "page_ref" },
	{ "page_ref_mod_unless", "page_ref" },
	{ "page_ref_set", "page_ref" },
	{ "page_ref_unfreeze", "page_ref" },
	{ "print", "ftrace" },
	{ "remove_migration_pte", "migrate" },
	{ "report_page_pinners", "page_pin_owner" },
	{ "rss_stat", "kmem" },
	{ "set_migration_pte", "migrate" },
	{ "test_pages_isolated", "page_isolation" },
	{ "user_stack", "ftrace" },
};

static int compare_event(const void *key, const void *elem)
{
	return strcmp(key, ((const struct event_system *)elem)->event);
}

const char *pb_event_system(const char *event)
{
	const struct event_system *e;

	e = bsearch(event, known_events, PB_ARRAY_SIZE(known_events),
		    sizeof(known_events[0]), compare_event);
	return e ? e->system : NULL;
}
