/* noise.c - frames that are not call sites (DESIGN §4).
 *
 * Two kinds of noise. SKIP frames are the machinery between an event and
 * the code that caused it: tracing and probe handlers, exception and
 * syscall entry, GUP internals, page reference helpers, splice helpers.
 * They are walked through to reach the caller. COMMON frames are paths
 * that touch every page (LRU drain, migration and rmap, page cache, unmap
 * and exit): a stack that reaches one before any call site belongs to a
 * common path, which is never blamed (seed 002: "usually the other two
 * would be common path like lru draining or rmap for page migration").
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

static const char *const default_skip[] = {
	/* tracing, stack capture and probes */
	"trace_*", "__trace_*", "__traceiter_*", "perf_trace_*", "perf_*",
	"__perf_*", "tracing_*", "ftrace_*", "__ftrace_*", "*kprobe*",
	"*_breakpoint_handler", "brk_handler", "call_break_hook",
	"do_debug_exception", "el1_*", "el1h_*", "stack_trace_*",
	"arch_stack_walk", "arch_ftrace_*", "optimized_callback", "exc_int3",
	"asm_exc_int3", "0x*", "[unknown]",
	/* page_pinner and page reference helpers */
	"__page_pinner_*", "page_pinner_*", "__set_page_pinner",
	"__unset_page_pinner", "__page_ref_*", "page_ref_*", "folio_ref_*",
	"folio_get", "folio_try_get*", "folio_put", "folio_put_refs",
	"__folio_put*", "put_page*", "__put_page", "get_page", "get_page_unless_zero",
	"try_get_page",
	"try_grab_*", "grab_page", "gup_put_folio", "unpin_user_page*",
	"unpin_user_pages*", "put_user_page*",
	/* get_user_pages and its internals */
	"get_user_pages*", "__get_user_pages*", "internal_get_user_pages_fast",
	"lockless_pages_from_mm", "pin_user_pages*", "gup_*", "__gup_*",
	"follow_page*", "faultin_page", "check_and_migrate_movable_pages",
	"migrate_longterm_unpinnable_pages",
	"iov_iter_get_pages*", "__iov_iter_get_pages*", "iov_iter_extract_*",
	/* the page allocator, for allocation stacks (page_owner) */
	"post_alloc_hook", "prep_new_page", "get_page_from_freelist",
	"__alloc_pages*", "alloc_pages*", "__folio_alloc*", "folio_alloc*",
	"vma_alloc_folio", "alloc_pages_mpol",
	/* splice helpers that only move pages into a pipe */
	"iter_to_pipe", "vmsplice_to_pipe", "splice_file_to_pipe",
	"generic_file_splice_read", "filemap_splice_read", "copy_splice_read",
	"add_to_pipe", "splice_to_pipe",
	/* exception and syscall entry; __do_sys_X below the stubs is kept */
	"el0*", "invoke_syscall", "do_el0_svc*", "el0_svc_common",
	"__arm64_sys_*", "__x64_sys_*", "__ia32_sys_*", "__se_sys_*",
	"do_syscall_64", "do_syscall_x64", "x64_sys_call", "entry_SYSCALL*",
	"syscall_exit_*",
};

static const char *const default_common[] = {
	/* LRU drain and batched release */
	"lru_add_drain*", "__lru_add_drain*", "folio_batch_move_lru",
	"__pagevec_lru_add*", "pagevec_lru_move_fn", "release_pages",
	"__folio_batch_release", "__pagevec_release", "folios_put*",
	"folio_add_lru*", "lru_cache_add*",
	/* migration, isolation and rmap */
	"migrate_pages*", "migrate_folio*", "move_to_new_folio",
	"move_to_new_page", "folio_migrate_*", "migrate_page*", "unmap_and_move*",
	"__unmap_and_move*", "try_to_migrate*", "try_to_unmap*",
	"remove_migration_pte*", "rmap_walk*", "putback_*", "folio_putback_*",
	"isolate_*lru*", "folio_isolate_lru", "isolate_migratepages*",
	"isolate_movable_page",
	/* page cache and readahead */
	"filemap_*", "__filemap_*", "page_cache_ra_*", "read_pages",
	"pagecache_get_page", "find_get_page*", "find_lock_*",
	/* reclaim, unmap and exit */
	"shrink_*", "zap_*", "unmap_page_range", "unmap_vmas",
	"unmap_single_vma", "tlb_flush_mmu*", "tlb_finish_mmu",
	"free_pages_and_swap_cache", "exit_mmap", "free_unref_*",
};

static void add_glob(char ***v, size_t *n, const char *glob)
{
	*v = pb_realloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = pb_strdup(glob);
}

static void add_defaults(struct pb_noise *n)
{
	for (size_t i = 0; i < PB_ARRAY_SIZE(default_skip); i++)
		add_glob(&n->skip, &n->nskip, default_skip[i]);
	for (size_t i = 0; i < PB_ARRAY_SIZE(default_common); i++)
		add_glob(&n->common, &n->ncommon, default_common[i]);
}

/* One line of a noise file: "GLOB" or "skip GLOB" to walk through the
 * frame, "common GLOB" for a common path; '#' starts a comment. */
static int add_line(struct pb_noise *n, char *line, const char *path, unsigned lineno)
{
	char *word, *glob, *end;

	line[strcspn(line, "#\r\n")] = '\0';
	word = line + strspn(line, " \t");
	if (!*word)
		return 0;
	end = word + strcspn(word, " \t");
	glob = end + strspn(end, " \t");
	if (!*glob) {
		add_glob(&n->skip, &n->nskip, word);
		return 0;
	}
	*end = '\0';
	glob[strcspn(glob, " \t")] = '\0';
	if (!strcmp(word, "skip")) {
		add_glob(&n->skip, &n->nskip, glob);
	} else if (!strcmp(word, "common")) {
		add_glob(&n->common, &n->ncommon, glob);
	} else {
		pb_error("%s:%u: expected 'GLOB', 'skip GLOB' or 'common GLOB'", path, lineno);
		return -1;
	}
	return 0;
}

static int load_file(struct pb_noise *n, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	unsigned lineno = 0;
	int rc = 0;

	if (!f) {
		pb_error("%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			pb_error("%s:%u: line too long", path, lineno);
			rc = -1;
			break;
		}
		rc = add_line(n, line, path, lineno);
	}
	if (rc == 0 && ferror(f)) {
		pb_error("%s: %s", path, strerror(errno));
		rc = -1;
	}
	fclose(f);
	return rc;
}

int noise_init(struct pb_noise *n, const struct pb_analyze_opts *o)
{
	memset(n, 0, sizeof(*n));
	if (!o || !o->no_default_noise)
		add_defaults(n);
	if (o && o->noise_file && load_file(n, o->noise_file) < 0) {
		noise_free(n);
		return -1;
	}
	return 0;
}

void noise_free(struct pb_noise *n)
{
	for (size_t i = 0; i < n->nskip; i++)
		free(n->skip[i]);
	for (size_t i = 0; i < n->ncommon; i++)
		free(n->common[i]);
	free(n->skip);
	free(n->common);
	memset(n, 0, sizeof(*n));
}

static int matches(char *const *globs, size_t n, const char *func)
{
	for (size_t i = 0; i < n; i++)
		if (fnmatch(globs[i], func, 0) == 0)
			return 1;
	return 0;
}

enum frame_class noise_classify(const struct pb_noise *n, const char *func)
{
	/* Skip first: a user's "skip" entry overrides a default common path. */
	if (matches(n->skip, n->nskip, func))
		return FRAME_SKIP;
	if (matches(n->common, n->ncommon, func))
		return FRAME_COMMON;
	return FRAME_HOLDER;
}

const char *frame_func(const char *symbol, char *buf, size_t len)
{
	size_t n = strlen(symbol);
	const char *dot = symbol[0] == '.' ? NULL : strchr(symbol, '.');

	/* "el0_svc_common.constprop.0", "io_sqe_buffers_register.cold" */
	if (dot)
		n = (size_t)(dot - symbol);
	if (n >= len)
		n = len - 1;
	memcpy(buf, symbol, n);
	buf[n] = '\0';
	return buf;
}

int pb_analyze_check_opts(const struct pb_analyze_opts *o)
{
	struct pb_noise n;

	if (noise_init(&n, o) < 0)
		return -1;
	noise_free(&n);
	return 0;
}
