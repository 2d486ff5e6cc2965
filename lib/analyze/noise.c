/* noise.c - frames that are not call sites, named by their role.
 *
 * The tracer's own frames are not here: they are cut by construction
 * (callsite.c). What is left is walked from the leaf to the first frame
 * that is code of its own. The roles:
 *  - helpers, walked through in every stack: page reference and pin/unpin
 *    helpers, GUP internals, splice internals that move pages into a
 *    pipe or duplicate a pipe buffer, and syscall or exception entry
 *    from user space;
 *  - the allocator, walked through in every stack;
 *  - the page cache and shmem: walked through in an allocation stack
 *    (page_owner names who asked for the page: drm_gem_get_pages, not
 *    shmem_alloc_folio); a reference taken there is a page cache lookup,
 *    a common path;
 *  - common paths, never blamed: paths that touch every page (LRU drain,
 *    migration and rmap, readahead, reclaim, unmap and exit). Seed 002:
 *    "usually the other two would be common path like lru draining or
 *    rmap for page migration".
 * Names are matched after frame_func(), so ".constprop.0" and 6.10+'s
 * "_noprof" need no pattern of their own. The patterns name roles, so a
 * helper renamed across versions (try_grab_page, try_grab_folio,
 * try_grab_folio_fast) still matches.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

enum role { ROLE_CODE, ROLE_HELPER, ROLE_ALLOCATOR, ROLE_CACHE, ROLE_COMMON_PATH };

/* Helpers, walked through in every stack. GUP: page references taken
 * for get_user_pages and pin_user_pages and their internals, every
 * generation of them. */
static const char *const gup_globs[] = {
	"__page_ref_*", "page_ref_*", "folio_ref_*", "folio_get", "folio_try_get*",
	"get_page", "get_page_unless_zero", "try_get_page", "try_get_folio",
	"try_get_compound_head", "grab_page", "try_grab_*",
	"get_user_pages*", "__get_user_pages*", "pin_user_pages*", "get_user_page_*",
	"internal_get_user_pages_fast", "lockless_pages_from_mm", "gup_*", "__gup_*",
	"follow_page*", "follow_*_mask", "faultin_page", "check_and_migrate_movable_*",
	"migrate_longterm_unpinnable_*", "collect_longterm_unpinnable_*",
	"iov_iter_get_pages*", "__iov_iter_get_pages*", "iov_iter_extract_*",
	/* the slow walk's grab of a huge mapping, which the walk hands to
	 * the code of that mapping: THP (follow_trans_huge_pmd up to 6.7,
	 * gup.c's follow_huge_pmd/follow_huge_pud 6.8+), hugetlb
	 * (follow_huge_pmd/pud/pgd/addr/pd and follow_hugetlb_page up to
	 * 6.4, hugetlb_follow_page_mask 6.5-6.9), DAX (follow_devmap_pmd/pud) */
	"follow_*huge*", "hugetlb_follow_*", "follow_devmap_*",
	/* the rest of mm/gup.c's API: a core dump's page (dump_user_range
	 * or, before 5.10, elf_core_dump asked), a memfd's folios (6.11+) */
	"get_dump_page", "memfd_pin_folios",
};

/* GUP-caller plumbing: code that takes a user buffer's pages for a caller
 * that decides what they are for, so the caller is the holder. The block
 * layer's bio built from an iov_iter (direct I/O, SG_IO), mm's access to
 * another process's memory (/proc/PID/mem, ptrace, /proc/PID/cmdline),
 * mm's frame vector (5.10 mm/frame_vector.c, since 5.15 videobuf2's),
 * net's fill of an skb from an iov_iter (MSG_ZEROCOPY, tun and vhost-net
 * zerocopy), and a subsystem's pin library, named so because several of
 * its own callers share it: "<subsys>_pin_pages" (io_uring's io_pin_pages
 * for registered buffers, rings and buffer rings; the VFIO API
 * vfio_pin_pages for mdev drivers) and the helpers under it
 * ("vfio_pin_pages_remote", "vfio_pin_page_external", "vaddr_get_pfn",
 * 5.12+ "vaddr_get_pfns"). A driver's one wrapper that says whose pages
 * it pins ("os_lock_user_pages", "edgetpu_pin_user_pages") is its own
 * code and names it. */
static const char *const plumbing_globs[] = {
	"bio_iov_iter_get_pages*", "__bio_iov_iter_get_pages*", "bio_map_user_iov",
	"blk_rq_map_user*", "__blk_rq_map_user*",
	/* and the bio's release of those pages when the I/O completes
	 * (5.10 bio_release_pages, 5.15+ __bio_release_pages, 6.4+
	 * bio_release_page; a read's bio_check_pages_dirty; SG_IO's
	 * blk_rq_unmap_user): the put is the end_io's, or the issuer's that
	 * waited for it. A read's pages dirtied later by the workqueue are
	 * put by bio_dirty_fn, which names itself as a work function does. */
	"bio_release_page*", "__bio_release_pages", "bio_check_pages_dirty",
	"blk_rq_unmap_user", "bio_unmap_user",
	"access_remote_vm", "__access_remote_vm", "access_process_vm",
	"get_vaddr_frames",
	"*zerocopy*_from_iter", "skb_zerocopy_iter_*",
	/* and the fill of an skb with the pages of a pipe spliced to a
	 * socket (the pages vmsplice(2) put there, sendfile's page cache):
	 * 6.5+ MSG_SPLICE_PAGES's skb_splice_from_iter(), whose
	 * skb_append_pagefrags() takes the reference (net/core/skbuff.c),
	 * before it sendpage's tcp_build_frag() (5.11+, global up to 5.17
	 * for MPTCP, later inlined into do_tcp_sendpages()). The protocol's
	 * send holds them until they are acked: tcp_sendmsg from 6.5,
	 * do_tcp_sendpages before. */
	"skb_splice_from_iter", "skb_append_pagefrags", "tcp_build_frag",
	"*_pin_pages", "*_pin_pages_*", "*_pin_page_*", "*_pin_folios", "*_get_pfn", "*_get_pfns",
	/* iommufd's pin library (drivers/iommu/iommufd/, 6.2+): the
	 * pfn_reader that pfn_reader_user_pin() fills (pages.c) and the io
	 * page table that reads through it, every function iopt_*
	 * (io_pagetable.c, pages.c), for an area's domains
	 * (IOMMU_IOAS_MAP, VFIO_IOMMU_MAP_DMA of its compatibility), a new
	 * domain, or an access (a driver's vfio_pin_pages() through
	 * iommufd_access_pin_pages()): what asked is the ioctl's handler
	 * or the driver, as through type1 */
	"pfn_reader_*", "iopt_*",
};

/* References dropped: put and unpin helpers, page_pinner's own. */
static const char *const put_globs[] = {
	"folio_put", "folio_put_refs", "__folio_put", "__folio_put_large", "put_page*",
	"__put_page", "put_compound_head", "gup_put_folio", "unpin_user_page*", "unpin_folio*",
	"unpin_user_folio*",
	"put_user_page*", "__page_pin*", "page_pin*", "*_page_pinner",
};

/* Splice internals that move pages into a pipe; the syscall's do_splice
 * or __do_sys_vmsplice above them holds the pipe. */
static const char *const splice_globs[] = {
	"*splice_read", "*_to_pipe", "*_into_pipe", "add_to_pipe", "do_splice_to",
	/* up to 6.4 a file is read into the pipe through its iov_iter, and
	 * copy_page_to_iter_pipe() takes the page reference */
	"copy_page_to_iter*", "copy_folio_to_iter*",
	/* a pipe buffer's own reference, taken when tee(2) or a splice
	 * between pipes duplicates it (link_pipe, which the compiler may
	 * inline into do_tee, and splice_pipe_to_pipe) */
	"*pipe_buf_get", "link_pipe",
};

/* Syscall and exception entry from user space: the syscall itself
 * (__do_sys_X, named so from its wrappers) is kept. */
static const char *const entry_globs[] = {
	"el0*", "invoke_syscall", "do_el0_svc*", "el0_svc_common", "do_syscall_64",
	"do_syscall_x64", "x64_sys_call", "entry_SYSCALL*", "syscall_exit_*",
};

/* Page fault handling: who faulted decides whose page it is (a user
 * access, or get_user_pages faulting the page in for its caller). */
static const char *const fault_globs[] = {
	"handle_mm_fault", "__handle_mm_fault", "handle_pte_fault", "do_anonymous_page",
	"do_fault", "__do_fault", "do_read_fault", "do_cow_fault", "do_shared_fault",
	"do_wp_page", "wp_page_copy", "do_swap_page", "do_huge_pmd_anonymous_page",
	"create_huge_pmd", "do_pte_missing",
};

/* A tracer's return trampoline, standing in a stack where the return
 * address it replaced was: the frame it hides is lost, the one rootward
 * of it names. A kretprobe's or rethook's (arm64 unwinds through them
 * from 5.16, x86 from 5.15: Debian's 5.10 arm64 under record --bpf, whose
 * kretprobe on generic_file_splice_read gates the page cache read, wrote
 * "generic_file_splice_read, kretprobe_trampoline, do_splice", and
 * kretprobe_trampoline was named the holder of 19 pages), the function
 * graph tracer's (return_to_handler), and the BPF trampoline that called
 * an fentry- or fexit-hooked function (bpf_trampoline_ID in kallsyms,
 * which record --bpf reads again once its programs are loaded). */
static const char *const tracer_return_globs[] = {
	"*kretprobe_trampoline", "*rethook_trampoline", "return_to_handler",
	"bpf_trampoline_*",
};

static const char *const allocator_globs[] = {
	"post_alloc_hook", "prep_new_page", "get_page_from_freelist", "rmqueue*",
	"__rmqueue*", "alloc_pages*", "__alloc_pages*", "alloc_frozen_pages*",
	"__alloc_frozen_pages*", "__folio_alloc*", "folio_alloc*", "vma_alloc_folio*",
	"alloc_page_interleave", "alloc_pages_vma", "__get_free_pages", "get_zeroed_page",
};

static const char *const cache_globs[] = {
	"filemap_*", "__filemap_*", "page_cache_*", "__page_cache_*", "pagecache_get_page",
	"find_get_page*", "find_lock_*", "find_or_create_page", "grab_cache_page*",
	"read_cache_*", "do_read_cache_*", "read_pages", "generic_perform_write",
	"generic_file_read_iter", "generic_file_buffered_read*", "shmem_*", "__shmem_*",
	/* a lookup's speculative reference, under every generation's name:
	 * find_get_entry (up to 5.12), mapping_get_entry (5.13-6.1),
	 * filemap_get_entry (6.2+); a mapping fault's fault-around
	 * (filemap_map_pages): next_uptodate_page 5.12-6.0 (with
	 * first_map_page, next_map_page), next_uptodate_folio 6.1+ */
	"find_get_entr*", "mapping_get_entry", "next_uptodate_*", "first_map_page",
	"next_map_page",
	/* a read marks the page it copies accessed (record probes it where
	 * no function takes a spliced page with the page as argument) */
	"mark_page_accessed", "folio_mark_accessed",
};

static const char *const common_globs[] = {
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
	/* readahead, every generation of its names: 5.10+ page_cache_ra_*,
	 * do_page_cache_ra, page_cache_sync_ra; before 5.10 the pages were
	 * allocated in __do_page_cache_readahead under ondemand_readahead */
	"page_cache_ra_*", "*page_cache_ra", "page_cache_*_ra", "*page_cache_*readahead",
	"ondemand_readahead",
	/* reclaim, unmap and exit */
	"shrink_*", "zap_*", "unmap_page_range", "unmap_vmas",
	"unmap_single_vma", "tlb_flush_mmu*", "tlb_finish_mmu",
	"free_pages_and_swap_cache", "exit_mmap", "free_unref_*",
};

static int in_globs(const char *const *globs, size_t n, const char *func)
{
	for (size_t i = 0; i < n; i++)
		if (fnmatch(globs[i], func, 0) == 0)
			return 1;
	return 0;
}

#define IN(globs, func) in_globs(globs, PB_ARRAY_SIZE(globs), func)

/* Helpers first: "filemap_splice_read" is a splice internal, not a page
 * cache lookup; common paths before the page cache: "page_cache_ra_*"
 * is readahead. */
static enum role role_of(const char *func)
{
	if (IN(gup_globs, func) || IN(plumbing_globs, func) || IN(put_globs, func) ||
	    IN(splice_globs, func) || IN(entry_globs, func) || IN(tracer_return_globs, func))
		return ROLE_HELPER;
	if (IN(allocator_globs, func))
		return ROLE_ALLOCATOR;
	if (IN(common_globs, func))
		return ROLE_COMMON_PATH;
	if (IN(cache_globs, func))
		return ROLE_CACHE;
	return ROLE_CODE;
}

static void add_glob(char ***v, size_t *n, size_t *cap, const char *glob)
{
	PB_GROW(*v, *n + 1, *cap);
	(*v)[(*n)++] = pb_strdup(glob);
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
		add_glob(&n->skip, &n->nskip, &n->capskip, word);
		return 0;
	}
	*end = '\0';
	glob[strcspn(glob, " \t")] = '\0';
	if (!strcmp(word, "skip")) {
		add_glob(&n->skip, &n->nskip, &n->capskip, glob);
	} else if (!strcmp(word, "common")) {
		add_glob(&n->common, &n->ncommon, &n->capcommon, glob);
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
	n->roles = !o || !o->no_default_noise;
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

enum frame_class noise_classify(const struct pb_noise *n, const char *func, enum stack_mode mode)
{
	/* The user's file first: a "skip" entry overrides a default common
	 * path, a "common" entry a default helper. */
	if (matches(n->skip, n->nskip, func))
		return FRAME_SKIP;
	if (matches(n->common, n->ncommon, func))
		return FRAME_COMMON;
	if (!n->roles || frame_is_address(func))
		return frame_is_address(func) ? FRAME_SKIP : FRAME_HOLDER;
	switch (role_of(func)) {
	case ROLE_HELPER:
	case ROLE_ALLOCATOR:
		return FRAME_SKIP;
	case ROLE_CACHE:
		return mode == MODE_ALLOC ? FRAME_SKIP : FRAME_COMMON;
	case ROLE_COMMON_PATH:
		return FRAME_COMMON;
	default:
		return FRAME_HOLDER;
	}
}

int noise_is_gup(const char *func)
{
	return IN(gup_globs, func);
}

int noise_is_splice(const char *func)
{
	return IN(splice_globs, func);
}

int noise_is_fault(const struct pb_noise *n, const char *func)
{
	return n->roles && IN(fault_globs, func);
}

int noise_is_cache(const struct pb_noise *n, const char *func)
{
	return n->roles && IN(cache_globs, func) && !matches(n->common, n->ncommon, func);
}

int pb_analyze_check_opts(const struct pb_analyze_opts *o)
{
	struct pb_noise n;

	if (noise_init(&n, o) < 0)
		return -1;
	noise_free(&n);
	return 0;
}
