/* record.h - the records that the BPF program of `record --bpf` keeps and
 * hands to user space. Included by the BPF program (with vmlinux.h, so
 * only the __u types) and by lib/capture/bpf.c (with linux/types.h).
 */
#ifndef PINBLAME_BPF_RECORD_H
#define PINBLAME_BPF_RECORD_H

#define PB_BPF_COMM_LEN 16
#define PB_BPF_NAME_LEN 32
/* Frames kept per stack: what ftrace's stacktrace trigger keeps too. */
#define PB_BPF_STACK_DEPTH 64

/* How long the stacks of a page's get stand for the gets of the same page
 * by the same task through the same function (bpf_ktime_get_ns units). */
#define PB_BPF_STACK_REUSE_NS 10000000ULL

/* One hook per GUP call (pinblame.bpf.c): the functions hooked with
 * fexit at most, the pages of one call read at most, and how long a
 * kprobe entry waits for its return. */
#define PB_BPF_GUP_CALL_SLOTS 12
#define PB_BPF_GUP_CALL_PAGES_MAX (1U << 23)
#define PB_BPF_GUP_CALL_STALE_NS 1000000000ULL
/* The longest call whose pages are compared with the task's calls
 * before (a power of two: it bounds the read). */
#define PB_BPF_GUP_SAME_MAX 64

/* Functions whose calls make a page cache read a splice (do_splice,
 * splice_file_to_pipe). */
#define PB_BPF_SPLICE_RANGES 2

/* pfn ranges [start, end) whose pages get records (--bpf-pfns, or the CMA
 * areas and ZONE_MOVABLE); none set: every page. */
#define PB_BPF_WATCH_RANGES 8

/* One page's latest reference taken, and the first put after a failure on
 * it, keyed by the struct page (or folio) address in the LRU hash map
 * "pages". A stack id is -1 when the stack map was full or the stack could
 * not be taken. The put side is page_pinner's failure tracking: only a
 * page an allocation failed on has its puts kept (fail_ns set by the
 * failure point), and only the first one after the failure, with its
 * stack: whoever drops a reference the failure met held it. */
struct pb_bpf_page {
	__u64 get_ns;		/* bpf_ktime_get_ns() of the latest get; 0: none */
	__u64 get_ip;		/* the probed function (its address) */
	__u64 stack_ns;		/* when the get stacks were taken */
	__u64 fail_ns;		/* the failure the next put answers; 0: none */
	__u64 put_ns;		/* the first put after fail_ns; 0: none seen */
	__u64 put_ip;		/* its function */
	__u32 gets;		/* the gets seen (a repeated GUP call let go
				 * unwalked is not counted: pinblame.bpf.c) */
	__s32 get_kstack, get_ustack, put_kstack;
	__s32 put_count;	/* the page's _refcount at that put, -1: unread */
	__u32 pid, tgid, cpu;
	__u32 put_pid, put_tgid, put_cpu;
	char comm[PB_BPF_COMM_LEN];
	char put_comm[PB_BPF_COMM_LEN];
};

enum pb_bpf_failure_kind {
	PB_BPF_CMA_BUSY_RETRY = 1,	/* a = pfn, b = page, c = count, d = align */
	PB_BPF_ISOLATION_FAIL,		/* a = start_pfn, b = end_pfn, c = fin_pfn */
	PB_BPF_MIGRATE_FAIL,		/* a = nr_succeeded, b = nr_failed, c = reason */
	PB_BPF_CMA_ALLOC_FAIL,		/* the single cma_alloc of 5.12 and before:
					 * a = pfn, c = count, d = align (page NULL) */
};

/* mm_migrate_pages's reason, as the BPF program maps this kernel's enum
 * migrate_reason (whose values changed between versions). */
enum pb_bpf_migrate_reason {
	PB_BPF_MR_UNKNOWN,
	PB_BPF_MR_CONTIG_RANGE,
	PB_BPF_MR_MEMORY_HOTPLUG,
	PB_BPF_MR_COMPACTION,
	PB_BPF_MR_LONGTERM_PIN,
};

/* What an isolation failure says of its fin_pfn's record. */
enum pb_bpf_page_state {
	PB_BPF_PAGE_UNREAD,	/* not looked up: the vmemmap was not known
				 * yet, or the page is not watched */
	PB_BPF_PAGE_NO_GET,	/* no get seen before the failure */
	PB_BPF_PAGE_KEPT,	/* page: the record as it was at the failure */
};

/* A failure point, through the ring buffer "failures". */
struct pb_bpf_failure {
	__u64 ns;
	__u64 a, b, c, d;
	__u32 kind;
	__u32 pid, tgid, cpu;
	__s32 kstack;
	__u32 page_state;	/* enum pb_bpf_page_state, of c (fin_pfn) */
	char comm[PB_BPF_COMM_LEN];
	char name[PB_BPF_NAME_LEN];	/* the CMA area */
	/* The get of the failing page as the kernel had it when the
	 * allocation failed on it: read later, from the map, it may be a
	 * newer one (a buffer pinned again for its next I/O after the
	 * failure), which holds nothing at the failure. */
	struct pb_bpf_page page;
};

#endif
