// SPDX-License-Identifier: GPL-2.0
/* pinblame.bpf.c - the kernel half of `pinblame record --bpf`: what
 * page_pinner keeps, on any kernel with BTF.
 *
 * For every page a GUP grab or a splice into a pipe takes a reference on,
 * the LRU hash map "pages" keeps the latest get (time, task, kernel and
 * user stack ids), and for a page an allocation failed on, the first put
 * after the failure, as page_pinner does; keyed by the page's (or folio's)
 * address: the
 * struct page address is what every kernel passes to those functions, and
 * turning it into a pfn needs the vmemmap, which user space learns (see
 * lib/capture/bpf.c). The map is bounded and LRU, so memory stays fixed
 * and the pages touched last are kept. The failure points go through a ring
 * buffer; user space then writes out the records of the failing pages only.
 *
 * The programs take the page from one argument; which functions they are
 * attached to is chosen in user space from kallsyms, since the names and
 * argument positions changed between kernel versions. Each hook exists
 * twice: as fentry (a BPF trampoline, cheaper: no breakpoint and no pt_regs;
 * one program per function, so a few numbered slots) and as kprobe (one
 * program for many functions). User space loads one kind, fentry where the
 * kernel takes it. The failure points are raw tracepoints: their TP_PROTO
 * arguments have not changed since the events exist, so no tracepoint
 * struct layout is needed.
 *
 * GPL: bpf_probe_read_kernel_str and the stack helpers are GPL-only.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "record.h"

/* Built for arm64 against an x86 vmlinux.h: the register layout that
 * bpf_tracing.h reads kprobe arguments from (arch/arm64 uapi ptrace.h). */
#if defined(__TARGET_ARCH_arm64) && defined(PB_BPF_FOREIGN_VMLINUX)
struct user_pt_regs {
	__u64 regs[31];
	__u64 sp;
	__u64 pc;
	__u64 pstate;
};
#endif

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);	/* user space sets --bpf-pages */
	__type(key, __u64);
	__type(value, struct pb_bpf_page);
} pages SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 16384);	/* user space sets it with --bpf-pages */
	__uint(key_size, sizeof(__u32));
	__uint(value_size, PB_BPF_STACK_DEPTH * sizeof(__u64));
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} failures SEC(".maps");

/* A stack taken to be looked at, not kept: too big for the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[PB_BPF_STACK_DEPTH]);
} scratch SEC(".maps");

/* The tasks inside the file system's splice read (generic_file_splice_read
 * up to 6.4), keyed by pid_tgid: a page cache read outside it is no
 * splice, and is let go with this lookup instead of the stack walk of
 * under_splice(). LRU: an entry whose return was missed (a kretprobe with
 * no free instance) is dropped in time, and only costs that task's reads
 * the stack walk meanwhile. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u32);
} splicing SEC(".maps");

/* [start, end) of the functions a page cache read must run under to be a
 * splice into a pipe (do_splice, splice_file_to_pipe), set by user space
 * before load; unused ones are 0. */
const volatile __u64 splice_ranges[PB_BPF_SPLICE_RANGES][2];

/* Read by user space through the skeleton's bss. */
__u64 vmemmap_base;		/* page address of pfn 0, once learned */
__u64 page_struct_size;		/* sizeof(struct page) on this kernel */

/* The pfn ranges [start, end) whose pages get records, written by user
 * space once it knows the vmemmap (watch_ranges 0: every page). Until
 * then the gets of task calib_tgid give it: user space splices a page
 * whose pfn it read from /proc/self/pagemap, and takes calib_page. */
__u64 watch[PB_BPF_WATCH_RANGES][2];
__u32 watch_ranges;
__u32 calib_tgid;
__u64 calib_page;
__u64 stack_errors;		/* stacks not taken (map full) */
__u64 pages_missed;		/* records the LRU map could not insert */
__u64 failures_lost;		/* ring buffer full */
__u32 splice_gate;		/* 1 once the splice read's entry and return
				 * are hooked: "splicing" then says who splices */

static __always_inline __s32 stack_id(void *ctx, __u64 flags)
{
	long id = bpf_get_stackid(ctx, &stacks, flags);

	if (id < 0) {
		__sync_fetch_and_add(&stack_errors, 1);
		return -1;
	}
	return (__s32)id;
}

static __always_inline struct pb_bpf_page *page_record(__u64 page)
{
	struct pb_bpf_page *rec = bpf_map_lookup_elem(&pages, &page);
	struct pb_bpf_page fresh = {};

	if (rec)
		return rec;
	fresh.get_kstack = fresh.get_ustack = fresh.put_kstack = fresh.put_count = -1;
	bpf_map_update_elem(&pages, &page, &fresh, BPF_NOEXIST);
	rec = bpf_map_lookup_elem(&pages, &page);
	if (!rec)
		__sync_fetch_and_add(&pages_missed, 1);
	return rec;
}

/* Whether PAGE is in the watched memory: checked before anything else,
 * so that a page outside costs a few comparisons and no stack walk. */
static __always_inline int watched(__u64 page)
{
	__u32 n = watch_ranges;
	__u64 size = page_struct_size, pfn;

	if (!n || !size || page < vmemmap_base)
		return 1;
	pfn = (page - vmemmap_base) / size;
	for (int i = 0; i < PB_BPF_WATCH_RANGES; i++)
		if (i < n && pfn >= watch[i][0] && pfn < watch[i][1])
			return 1;
	return 0;
}

/* The calibration get of user space: the struct page of a known pfn. */
static __always_inline void calibrate(__u64 page, __u64 pid_tgid)
{
	if (calib_tgid && (__u32)(pid_tgid >> 32) == calib_tgid && !calib_page) {
		page_struct_size = bpf_core_type_size(struct page);
		calib_page = page;
	}
}

/* Whether REC's stacks stand for this get: the same task getting the same
 * page through the same function again soon (a buffer pinned over and
 * over, for DMA or in a vmsplice loop) keeps the stacks taken then: the two
 * stack walks are most of the cost of a get, and the path is all but
 * always the same. */
static __always_inline int stacks_stand(const struct pb_bpf_page *rec, __u64 pid_tgid, __u64 ip,
					__u64 now)
{
	return rec->pid == (__u32)pid_tgid && rec->get_ip == ip && rec->get_kstack >= 0 &&
	       now - rec->stack_ns < PB_BPF_STACK_REUSE_NS;
}

/* A get whose stacks stand: its time and count. */
static __always_inline void get_again(struct pb_bpf_page *rec, __u64 now)
{
	rec->get_ns = now;
	__sync_fetch_and_add(&rec->gets, 1);
}

/* Who gets, and the stacks taken for it: once for all the pages of a
 * GUP call (the helpers that give them cost a call each). */
struct getter {
	__u64 pid_tgid, ip, now;
	__s32 kstack, ustack;
	__u32 cpu;
	char comm[PB_BPF_COMM_LEN];
};

/* The rest of G, whose task and time are set. */
static __always_inline void getter_of(struct getter *g, __u64 ip)
{
	g->ip = ip;
	g->cpu = bpf_get_smp_processor_id();
	bpf_get_current_comm(g->comm, sizeof(g->comm));
}

/* A get by G, with its stacks. */
static __always_inline void get_fresh(struct pb_bpf_page *rec, const struct getter *g)
{
	rec->get_ns = rec->stack_ns = g->now;
	rec->get_ip = g->ip;
	rec->get_kstack = g->kstack;
	rec->get_ustack = g->ustack;
	rec->pid = (__u32)g->pid_tgid;
	rec->tgid = g->pid_tgid >> 32;
	rec->cpu = g->cpu;
	__builtin_memcpy(rec->comm, g->comm, sizeof(rec->comm));
	__sync_fetch_and_add(&rec->gets, 1);
}

/* The record of a get of PAGE: NULL for a page outside the watched memory
 * (or none, or one the map could not take). */
static __always_inline struct pb_bpf_page *got(__u64 page, __u64 pid_tgid)
{
	if (!page)
		return NULL;
	calibrate(page, pid_tgid);
	if (!watched(page))
		return NULL;
	return page_record(page);
}

/* CTX is a kprobe's pt_regs or an fentry's argument array: the stack
 * helpers take either. IP is the hooked function. */
static __always_inline void on_get(void *ctx, __u64 page, __u64 ip)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct pb_bpf_page *rec = got(page, pid_tgid);
	struct getter g;
	__u64 now;

	if (!rec)
		return;
	now = bpf_ktime_get_ns();
	if (stacks_stand(rec, pid_tgid, ip, now)) {
		get_again(rec, now);
		return;
	}
	g.pid_tgid = pid_tgid;
	g.now = now;
	getter_of(&g, ip);
	g.kstack = stack_id(ctx, 0);
	g.ustack = stack_id(ctx, BPF_F_USER_STACK);
	get_fresh(rec, &g);
}

/* --- one hook per GUP call ------------------------------------------------
 * The API of mm/gup.c (get_user_pages*, pin_user_pages*, memfd_pin_folios)
 * fills an array with the pages (or folios) it took and returns how many.
 * Hooked at its return, one hit stands for all of them, where the grab
 * under it is hit once a page; the stacks are walked at most once a call
 * (all its pages share the path), and only when a page's stand no more.
 * User space chooses the functions and which argument is the array, from
 * the kernel's BTF. */

/* One call's pages, walked by bpf_loop(). When its first page's stacks
 * no more stand, the call's stacks are taken first and one pass does every
 * page; else the first pass finds whether a page's stacks no more stand
 * (and does the others), and a second, with the call's stacks taken, does
 * those. Nothing in it changes from one page to the next but FRESH, once:
 * the verifier of 6.7+ walks a callback until its states repeat, and a
 * count there would never repeat (6.12 refused the program: "Argument
 * list too long", its complexity limit). */
struct gup_call {
	struct getter g;	/* its stacks: once taken */
	__u64 pages;		/* the array, in the kernel */
	__u32 first, mask;	/* page I at slot (FIRST + I) & MASK ... */
	__u32 stride, pad;	/* ... of STRIDE bytes (an array: 0, ~0, 8) */
	__u32 fresh;		/* a page wants the call's stacks */
	__u32 with_stacks;	/* taken: a page whose stacks no more stand gets them */
	__u32 again;		/* a page whose stacks stand is counted (not twice) */
	__u32 read;		/* the array is in gup_array: no read per page */
};

/* A call's array, read at once (up to PB_BPF_GUP_SAME_MAX pages: a longer
 * call is read a page at a time), to be compared with the calls before and
 * walked. Per CPU: nothing else on this CPU runs a GUP call's program
 * between the read and the walk (no GUP call is made from an interrupt, and
 * a call made inside another returns, and is walked, first). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[PB_BPF_GUP_SAME_MAX]);
} gup_array SEC(".maps");

/* Page I of call C. */
static __always_inline __u64 gup_call_nth(const struct gup_call *c, __u32 i)
{
	__u64 page = 0, *a;
	__u32 zero = 0;

	if (!c->read) {
		bpf_probe_read_kernel(&page, sizeof(page),
				      (void *)(c->pages + (__u64)((c->first + i) & c->mask) *
							      c->stride));
		return page;
	}
	a = bpf_map_lookup_elem(&gup_array, &zero);
	return a ? a[i & (PB_BPF_GUP_SAME_MAX - 1)] : 0;
}

static long gup_call_page(__u32 i, void *data)
{
	struct gup_call *c = data;
	struct pb_bpf_page *rec = got(gup_call_nth(c, i), c->g.pid_tgid);

	if (!rec)
		return 0;
	if (stacks_stand(rec, c->g.pid_tgid, c->g.ip, c->g.now)) {
		if (c->again)
			get_again(rec, c->g.now);
		return 0;
	}
	if (c->with_stacks)
		get_fresh(rec, &c->g);
	else
		c->fresh = 1;
	return 0;
}

/* The GUP calls walked lately, per task, function and pages: a call that
 * takes the same pages through the same function again soon (a buffer
 * pinned over and over: DMA, a vmsplice or O_DIRECT loop) is let go
 * without the walk, whose map work per page is most of what a call costs
 * (make bench-bpf). So a page's get time may be up to
 * PB_BPF_STACK_REUSE_NS older than its latest get, and its count of gets
 * counts the calls walked: the same window as the stacks' reuse, which
 * such a call would have taken anyway. Keyed by the call, not the task
 * alone: a task that alternates two buffers (gupbench: a vmsplice and an
 * O_DIRECT read) repeats neither of them back to back. */
struct gup_seen_key {
	__u64 pid_tgid, call;	/* call: hash of function, count and pages */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct gup_seen_key);
	__type(value, __u64);	/* when it was walked */
} gup_seen SEC(".maps");

/* The N pages of call C (its layout set) into gup_array, and their hash;
 * 0 when they cannot be read at once (more than it holds, or the read of
 * an array failed). An array is read in one go, a ring (a pipe's buffers)
 * a slot at a time. */
static __always_inline __u64 gup_pages_hash(const struct gup_call *c, __s32 n)
{
	__u32 zero = 0;
	__u64 *a = bpf_map_lookup_elem(&gup_array, &zero), h = 0x9e3779b97f4a7c15ULL;
	int array = c->mask == ~0U;
	/* n * 8 for n in 1..MAX, in a form the verifier bounds: clang
	 * compares a copy of n, and the size passed was unbounded (6.12:
	 * "R2 min value is negative") */
	__u32 len = (((__u32)n - 1) & (PB_BPF_GUP_SAME_MAX - 1)) * 8 + 8;

	if (!a || n > PB_BPF_GUP_SAME_MAX ||
	    (array && bpf_probe_read_kernel(a, len, (void *)c->pages)))
		return 0;
	for (int i = 0; i < PB_BPF_GUP_SAME_MAX; i++) {
		if (i >= n)
			break;
		if (!array)
			a[i] = gup_call_nth(c, (__u32)i);
		h = (h ^ a[i]) * 0x100000001b3ULL;
	}
	return h | 1;
}

/* Whether the call of N pages whose hash is HASH was walked within the
 * window; if not, it is now. */
static __always_inline int gup_call_again(__u64 hash, __s32 n, __u64 ip, __u64 pid_tgid,
					  __u64 now)
{
	struct gup_seen_key key = { .pid_tgid = pid_tgid };
	__u64 *walked;

	key.call = (hash ^ ip ^ (__u64)(__u32)n) * 0x9e3779b97f4a7c15ULL;
	walked = bpf_map_lookup_elem(&gup_seen, &key);
	if (walked && now - *walked < PB_BPF_STACK_REUSE_NS)
		return 1;
	bpf_map_update_elem(&gup_seen, &key, &now, BPF_ANY);
	return 0;
}

/* The walk of call C's N pages (its array's layout set, the rest 0),
 * made by IP: let go when the same call was walked lately, else each
 * page's get. */
static __always_inline void gup_call_walk(void *ctx, struct gup_call *c, __s32 n, __u64 ip)
{
	__u64 hash = gup_pages_hash(c, n);
	struct pb_bpf_page *first;

	c->g.pid_tgid = bpf_get_current_pid_tgid();
	c->g.now = bpf_ktime_get_ns();
	if (hash && gup_call_again(hash, n, ip, c->g.pid_tgid, c->g.now))
		return;
	getter_of(&c->g, ip);
	c->read = hash != 0;
	c->again = 1;
	first = got(gup_call_nth(c, 0), c->g.pid_tgid);
	if (first && !stacks_stand(first, c->g.pid_tgid, ip, c->g.now)) {
		c->g.kstack = stack_id(ctx, 0);
		c->g.ustack = stack_id(ctx, BPF_F_USER_STACK);
		c->with_stacks = 1;
		bpf_loop((__u32)n, gup_call_page, c, 0);
		return;
	}
	bpf_loop((__u32)n, gup_call_page, c, 0);
	if (!c->fresh)
		return;
	c->g.kstack = stack_id(ctx, 0);
	c->g.ustack = stack_id(ctx, BPF_F_USER_STACK);
	c->with_stacks = 1;
	c->again = 0;
	bpf_loop((__u32)n, gup_call_page, c, 0);
}

/* The return of a GUP call that took N pages into the array PAGES. N is
 * the return register as an int: the API returns int on some versions and
 * long on others, whose upper half an int's leaves undefined, and no call
 * takes 2^31 pages. */
static __always_inline void gup_call_return(void *ctx, __u64 pages, __s32 n, __u64 ip)
{
	struct gup_call c = {};

	if (!pages || n <= 0)
		return;
	if ((__u32)n > PB_BPF_GUP_CALL_PAGES_MAX)
		n = PB_BPF_GUP_CALL_PAGES_MAX;
	c.pages = pages;
	c.mask = ~0U;
	c.stride = 8;
	gup_call_walk(ctx, &c, n, ip);
}

/* A put of a page an allocation failed on, the first since the failure:
 * its stack, task and the references left. The put hooks are attached
 * after the first failure of the run (user space), so before it they cost
 * nothing; after it, a put of any other page is let go after the lookup. */
static __always_inline void on_put(void *ctx, __u64 page, __u64 ip)
{
	struct pb_bpf_page *rec = page && watched(page) ? bpf_map_lookup_elem(&pages, &page)
							 : NULL;
	__u64 pid_tgid;
	int count = -1;

	if (!rec || !rec->fail_ns || rec->put_ns >= rec->fail_ns)
		return;
	pid_tgid = bpf_get_current_pid_tgid();
	rec->put_ns = bpf_ktime_get_ns();
	rec->put_ip = ip;
	rec->put_kstack = stack_id(ctx, 0);
	rec->put_pid = (__u32)pid_tgid;
	rec->put_tgid = pid_tgid >> 32;
	rec->put_cpu = bpf_get_smp_processor_id();
	bpf_get_current_comm(rec->put_comm, sizeof(rec->put_comm));
	/* a folio's head is its first page: the same _refcount */
	if (!bpf_core_read(&count, sizeof(count), &((struct page *)page)->_refcount.counter))
		rec->put_count = count;
}

/* A failure F on the page at PFN (test_pages_isolated's fin_pfn): its
 * record as it is now goes with F (page_state), and its next put is kept,
 * with a record made for it when no get was seen (a pin taken before the
 * run, or by a path not hooked, is named by its put). Again after a put
 * was kept: the page may have been taken anew. */
static __always_inline void mark_failed(__u64 pfn, struct pb_bpf_failure *f)
{
	__u64 size = page_struct_size, page;
	struct pb_bpf_page *rec;

	if (!size || !vmemmap_base)
		return;
	page = vmemmap_base + pfn * size;
	if (!watched(page))
		return;
	rec = page_record(page);
	f->page_state = PB_BPF_PAGE_NO_GET;
	if (!rec)
		return;
	if (rec->gets) {
		__builtin_memcpy(&f->page, rec, sizeof(f->page));
		f->page_state = PB_BPF_PAGE_KEPT;
	}
	if (!rec->fail_ns || rec->put_ns >= rec->fail_ns)
		rec->fail_ns = bpf_ktime_get_ns();
}

/* Whether the current stack runs through one of splice_ranges. */
static __always_inline int under_splice(void *ctx)
{
	__u32 zero = 0;
	__u64 *ips = bpf_map_lookup_elem(&scratch, &zero);
	long n;

	if (!ips)
		return 0;
	n = bpf_get_stack(ctx, ips, PB_BPF_STACK_DEPTH * sizeof(__u64), 0);
	if (n <= 0)
		return 0;
	n /= sizeof(__u64);
	for (int i = 0; i < PB_BPF_STACK_DEPTH && i < n; i++)
		for (int j = 0; j < PB_BPF_SPLICE_RANGES; j++)
			if (ips[i] >= splice_ranges[j][0] && ips[i] < splice_ranges[j][1])
				return 1;
	return 0;
}

/* A page cache read (folio_mark_accessed(folio), mark_page_accessed(page))
 * counts only under a splice: where no function takes the spliced page
 * (6.1: copy_page_to_iter_pipe inlined, copy_page_to_iter notrace), the
 * read that fills the pipe marks the page it copies. */
static __always_inline void on_read(void *ctx, __u64 page, __u64 ip)
{
	__u64 id = bpf_get_current_pid_tgid();

	/* every page cache read of the machine comes here: one lookup lets
	 * go those of the tasks not in a splice read, the stack walk of
	 * under_splice is for a watched page of one that is */
	if (splice_gate && !bpf_map_lookup_elem(&splicing, &id))
		return;
	if (page && watched(page) && under_splice(ctx))
		on_get(ctx, page, ip);
}

static __always_inline void splice_enter(void)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 one = 1;

	bpf_map_update_elem(&splicing, &id, &one, BPF_ANY);
}

static __always_inline void splice_leave(void)
{
	__u64 id = bpf_get_current_pid_tgid();

	bpf_map_delete_elem(&splicing, &id);
}

/* kprobes. try_grab_folio_fast(page, ...), try_grab_folio(page or folio,
 * ...), try_grab_compound_head(page, ...), try_grab_page(page, ...),
 * copy_page_to_iter_pipe(page, ...) */
SEC("kprobe")
int BPF_KPROBE(get_arg1, void *page)
{
	on_get(ctx, (__u64)page, PT_REGS_IP(ctx));
	return 0;
}

/* splice_folio_into_pipe(pipe, folio, ...) */
SEC("kprobe")
int BPF_KPROBE(get_arg2, void *pipe, void *folio)
{
	on_get(ctx, (__u64)folio, PT_REGS_IP(ctx));
	return 0;
}

/* gup_put_folio(folio, ...), unpin_user_page(page), unpin_folio(folio),
 * put_compound_head(page, ...) */
SEC("kprobe")
int BPF_KPROBE(put_arg1, void *page)
{
	on_put(ctx, (__u64)page, PT_REGS_IP(ctx));
	return 0;
}

/* folio_mark_accessed(folio), mark_page_accessed(page) */
SEC("kprobe")
int BPF_KPROBE(read_arg1, void *page)
{
	on_read(ctx, (__u64)page, PT_REGS_IP(ctx));
	return 0;
}

/* generic_file_splice_read(), at its entry and its return: the gate of
 * on_read() */
SEC("kprobe")
int BPF_KPROBE(splice_read_enter)
{
	splice_enter();
	return 0;
}

SEC("kretprobe")
int BPF_KRETPROBE(splice_read_leave)
{
	splice_leave();
	return 0;
}

/* An fentry argument as a plain number: the verifier types the argument
 * as the kernel pointer the function takes (struct page *), and refuses on
 * such a pointer the division of watched() (6.12 refused every fentry
 * program). bpf_get_func_arg() gives it as a number and costs no call: the
 * verifier inlines it as a load from the trampoline's frame, where the copy
 * through bpf_probe_read_kernel() that stood here cost a helper call (with
 * its fault handling) on every get and put. It exists since 5.17; an older
 * kernel refuses the fentry programs and record takes kprobes. */
static __always_inline __u64 arg_number(void *ctx, __u32 n)
{
	__u64 v = 0;

	bpf_get_func_arg(ctx, n, &v);
	return v;
}

/* fentry: the same, one program per function (user space sets the target
 * of the slots it uses and loads only those). */
#define FENTRY_GET1(n) \
	SEC("fentry") int BPF_PROG(fe_get_arg1_##n, void *page) \
	{ on_get(ctx, arg_number(ctx, 0), bpf_get_func_ip(ctx)); return 0; }
#define FENTRY_PUT1(n) \
	SEC("fentry") int BPF_PROG(fe_put_arg1_##n, void *page) \
	{ on_put(ctx, arg_number(ctx, 0), bpf_get_func_ip(ctx)); return 0; }

FENTRY_GET1(0)
FENTRY_GET1(1)
FENTRY_GET1(2)
FENTRY_GET1(3)
FENTRY_GET1(4)
FENTRY_PUT1(0)
FENTRY_PUT1(1)
FENTRY_PUT1(2)
FENTRY_PUT1(3)

SEC("fentry")
int BPF_PROG(fe_get_arg2_0, void *pipe, void *folio)
{
	on_get(ctx, arg_number(ctx, 1), bpf_get_func_ip(ctx));
	return 0;
}

SEC("fentry")
int BPF_PROG(fe_read_arg1_0, void *page)
{
	on_read(ctx, arg_number(ctx, 0), bpf_get_func_ip(ctx));
	return 0;
}

SEC("fentry")
int BPF_PROG(fe_splice_read_enter)
{
	splice_enter();
	return 0;
}

SEC("fexit")
int BPF_PROG(fe_splice_read_leave)
{
	splice_leave();
	return 0;
}

/* The GUP calls' hooks. kprobes: the entry keeps the array of the task's
 * call, the return (a kretprobe, which sees no argument) reads it. A GUP
 * call may make another (get_user_pages_fast() falls back to
 * get_user_pages_unlocked() up to 6.5) into the same array: the entry of
 * the inner one only counts, and the outermost return reads the whole
 * array. An entry whose return was missed (a kretprobe out of instances)
 * is taken for stale after PB_BPF_GUP_CALL_STALE_NS. */
struct gup_entry {
	__u64 pages, ip, ns;
	__u32 depth;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct gup_entry);
} gup_entries SEC(".maps");

/* A task's entry stays in the map between its calls, depth 0 when it is
 * in none: written in place, not inserted at each call and deleted at its
 * return (two map operations fewer a call under kprobes; what make
 * bench-bpf shows of it on arm64 6.1 is within the spread of its runs).
 * Only the task itself writes its entry. */
static __always_inline void gup_call_enter(__u64 pages, __u64 ip)
{
	__u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();
	struct gup_entry *e = bpf_map_lookup_elem(&gup_entries, &id);
	struct gup_entry call = { .pages = pages, .ip = ip, .ns = now, .depth = 1 };

	if (e && e->depth && now - e->ns < PB_BPF_GUP_CALL_STALE_NS)
		e->depth++;
	else if (e)
		*e = call;
	else
		bpf_map_update_elem(&gup_entries, &id, &call, BPF_ANY);
}

/* pages is argument 2, 3 or 4 (from 0): get_user_pages_unlocked(start,
 * nr_pages, pages, gup_flags), get_user_pages_fast(start, nr_pages,
 * gup_flags, pages), get_user_pages_remote(mm, start, nr_pages, gup_flags,
 * pages, ...) (5.9+; before, tsk came first, and no kernel before 5.17 has
 * the bpf_loop() these need). */
SEC("kprobe")
int BPF_KPROBE(gup_call_arg2, long a0, long a1, void *pages)
{
	gup_call_enter((__u64)pages, PT_REGS_IP(ctx));
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(gup_call_arg3, long a0, long a1, long a2, void *pages)
{
	gup_call_enter((__u64)pages, PT_REGS_IP(ctx));
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(gup_call_arg4, long a0, long a1, long a2, long a3, void *pages)
{
	gup_call_enter((__u64)pages, PT_REGS_IP(ctx));
	return 0;
}

/* The stack from here starts at the caller: the kernel points the
 * registers a kretprobe handler gets at the return address it restored. */
SEC("kretprobe")
int BPF_KRETPROBE(gup_call_leave, __u64 ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct gup_entry *e = bpf_map_lookup_elem(&gup_entries, &id);
	__u64 pages, ip;

	/* depth 0: a return whose entry was not seen (attached mid-call) */
	if (!e || !e->depth || --e->depth)
		return 0;
	pages = e->pages;
	ip = e->ip;
	gup_call_return(ctx, pages, (__s32)ret, ip);
	return 0;
}

/* fexit: one program per function, which has its arguments and return
 * value; the argument that is the array, per slot, set by user space. An
 * inner call is read at its own return too: the outer one then reads its
 * pages again, with its own function, so they keep the outer call's. */
const volatile __u32 gup_call_pages_arg[PB_BPF_GUP_CALL_SLOTS];

static __always_inline __s32 ret_number(void *ctx)
{
	__u64 v = 0;

	bpf_get_func_ret(ctx, &v);
	return (__s32)v;
}

#define FEXIT_GUP_CALL(n) \
	SEC("fexit") int BPF_PROG(fe_gup_call_##n) \
	{ gup_call_return(ctx, arg_number(ctx, gup_call_pages_arg[n]), ret_number(ctx), \
			  bpf_get_func_ip(ctx)); return 0; }

FEXIT_GUP_CALL(0)
FEXIT_GUP_CALL(1)
FEXIT_GUP_CALL(2)
FEXIT_GUP_CALL(3)
FEXIT_GUP_CALL(4)
FEXIT_GUP_CALL(5)
FEXIT_GUP_CALL(6)
FEXIT_GUP_CALL(7)
FEXIT_GUP_CALL(8)
FEXIT_GUP_CALL(9)
FEXIT_GUP_CALL(10)
FEXIT_GUP_CALL(11)

/* --- one hook per splice read (up to 6.4) ---------------------------------
 * generic_file_splice_read(in, ppos, pipe, len, flags) fills the pipe with
 * page cache pages, a reference each, and no function under it takes the
 * page as an argument (6.1: copy_page_to_iter_pipe inlined). Where the
 * GUP calls are hooked (bpf_loop(), 5.17+), its entry keeps the pipe's head
 * and its return walks the buffers added since, as a GUP call's array:
 * one hit a splice, where the page cache read's mark_page_accessed(),
 * hooked otherwise, is hit on every page read by anyone (make bench-bpf's
 * loop with a page cache read a round: 1.31 of its untraced time on 6.1).
 * The pipe's fields by name (CO-RE): head and ring_size since 5.5. The
 * splice holds the pipe's lock from before the entry to after the return:
 * no one else moves the head between them. */
struct pipe_buffer___pb {
	void *page;
} __attribute__((preserve_access_index));

struct pipe_inode_info___pb {
	unsigned int head;
	unsigned int ring_size;
	struct pipe_buffer___pb *bufs;
} __attribute__((preserve_access_index));

struct splice_call {
	__u64 pipe, ip;
	__u32 head, pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct splice_call);
} splice_calls SEC(".maps");

static __always_inline void splice_call_enter(__u64 pipe, __u64 ip)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct splice_call e = { .pipe = pipe, .ip = ip };

	if (!pipe)
		return;
	e.head = BPF_CORE_READ((struct pipe_inode_info___pb *)pipe, head);
	bpf_map_update_elem(&splice_calls, &id, &e, BPF_ANY);
}

/* The return of the splice read entered by this task, which put RET bytes
 * into the pipe: the buffers from the head at its entry to the head now. */
static __always_inline void splice_call_leave(void *ctx, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct splice_call *e = bpf_map_lookup_elem(&splice_calls, &id);
	struct pipe_inode_info___pb *pipe;
	struct gup_call c = {};
	__u32 head, ring;
	__u64 ip;

	if (!e)
		return;
	pipe = (struct pipe_inode_info___pb *)e->pipe;
	c.first = e->head;
	ip = e->ip;
	bpf_map_delete_elem(&splice_calls, &id);
	if (ret <= 0)
		return;
	head = BPF_CORE_READ(pipe, head);
	ring = BPF_CORE_READ(pipe, ring_size);
	/* a ring is a power of two; no splice adds more than it holds */
	if (!ring || (ring & (ring - 1)) || head - c.first == 0 || head - c.first > ring)
		return;
	c.pages = (__u64)BPF_CORE_READ(pipe, bufs) +
		  bpf_core_field_offset(struct pipe_buffer___pb, page);
	c.mask = ring - 1;
	c.stride = bpf_core_type_size(struct pipe_buffer___pb);
	gup_call_walk(ctx, &c, (__s32)(head - c.first), ip);
}

/* generic_file_splice_read's entry and return, as kprobes ... */
SEC("kprobe")
int BPF_KPROBE(splice_call_in, void *in, void *ppos, void *pipe)
{
	splice_call_enter((__u64)pipe, PT_REGS_IP(ctx));
	return 0;
}

SEC("kretprobe")
int BPF_KRETPROBE(splice_call_out, long ret)
{
	splice_call_leave(ctx, ret);
	return 0;
}

/* ... and as fentry and fexit */
SEC("fentry")
int BPF_PROG(fe_splice_call_in)
{
	splice_call_enter(arg_number(ctx, 2), bpf_get_func_ip(ctx));
	return 0;
}

SEC("fexit")
int BPF_PROG(fe_splice_call_out)
{
	__u64 ret = 0;

	bpf_get_func_ret(ctx, &ret);
	splice_call_leave(ctx, (long)ret);
	return 0;
}

/* The failure F into the ring buffer, without its page record unless it
 * carries one (PB_BPF_PAGE_KEPT): a burst of failures while user space is
 * busy (attaching the put hooks takes seconds under TCG; the e2e's runs
 * send a thousand) fits in the buffer more than twice over so. */
static __always_inline void send_failure(void *ctx, struct pb_bpf_failure *f)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 size = f->page_state == PB_BPF_PAGE_KEPT ? sizeof(*f)
						      : __builtin_offsetof(struct pb_bpf_failure, page);

	f->ns = bpf_ktime_get_ns();
	f->pid = (__u32)pid_tgid;
	f->tgid = pid_tgid >> 32;
	f->cpu = bpf_get_smp_processor_id();
	f->kstack = stack_id(ctx, 0);
	bpf_get_current_comm(f->comm, sizeof(f->comm));
	if (bpf_ringbuf_output(&failures, f, size, 0))
		__sync_fetch_and_add(&failures_lost, 1);
}

/* cma_alloc_busy_retry(const char *name, unsigned long pfn,
 *                      const struct page *page, unsigned long count,
 *                      unsigned int align), 5.18+. The one failure point
 * with both a pfn and its struct page: it gives the vmemmap. */
SEC("raw_tracepoint")
int cma_busy_retry(struct bpf_raw_tracepoint_args *ctx)
{
	struct pb_bpf_failure f = {};
	__u64 size = bpf_core_type_size(struct page);

	f.kind = PB_BPF_CMA_BUSY_RETRY;
	f.a = ctx->args[1];
	f.b = ctx->args[2];
	f.c = ctx->args[3];
	f.d = ctx->args[4];
	bpf_probe_read_kernel_str(f.name, sizeof(f.name), (void *)ctx->args[0]);
	if (f.b && size) {
		page_struct_size = size;
		vmemmap_base = f.b - f.a * size;
	}
	send_failure(ctx, &f);
	return 0;
}

/* cma_alloc(unsigned long pfn, const struct page *page, unsigned int count,
 *           unsigned int align), up to 5.12: the single event at the end of
 * cma_alloc(), page NULL when it failed (later kernels have
 * cma_alloc_busy_retry and cma_alloc_finish instead). Only a failure is
 * sent. */
SEC("raw_tracepoint")
int cma_alloc_end(struct bpf_raw_tracepoint_args *ctx)
{
	struct pb_bpf_failure f = {};

	if (ctx->args[1])
		return 0;
	f.kind = PB_BPF_CMA_ALLOC_FAIL;
	f.a = ctx->args[0];
	f.c = (__u32)ctx->args[2];
	f.d = (__u32)ctx->args[3];
	send_failure(ctx, &f);
	return 0;
}

/* test_pages_isolated(unsigned long start_pfn, unsigned long end_pfn,
 *                     unsigned long fin_pfn): failed when fin_pfn < end_pfn */
SEC("raw_tracepoint")
int pages_isolated(struct bpf_raw_tracepoint_args *ctx)
{
	struct pb_bpf_failure f = {};

	if (ctx->args[2] >= ctx->args[1])
		return 0;
	f.kind = PB_BPF_ISOLATION_FAIL;
	f.a = ctx->args[0];
	f.b = ctx->args[1];
	f.c = ctx->args[2];
	mark_failed(f.c, &f);
	send_failure(ctx, &f);
	return 0;
}

/* The reason argument of mm_migrate_pages: TP_PROTO(succeeded, failed,
 * [thp_succeeded, thp_failed, thp_split, [large_folio_split,]] mode,
 * reason). Which form this kernel has, its event struct says. */
/* A raw tracepoint's argument N, loaded at a constant offset: the verifier
 * takes no ctx pointer that was added to, which clang makes of args[i] in
 * branches (one load at a chosen offset); an asm load it cannot merge. */
#define RAW_ARG(ctx, n) ({ \
	__u64 __v; \
	asm volatile("%0 = *(u64 *)(%1 + " #n " * 8)" : "=r"(__v) : "r"(ctx)); \
	__v; \
})

static __always_inline int migrate_reason_arg(struct bpf_raw_tracepoint_args *ctx)
{
	struct trace_event_raw_mm_migrate_pages *e = NULL;

	/* only the taken branch is verified: the load of an argument past
	 * this kernel's last would make the attach fail */
	if (bpf_core_field_exists(e->large_folio_split))
		return (int)RAW_ARG(ctx, 7);
	if (bpf_core_field_exists(e->thp_split))
		return (int)RAW_ARG(ctx, 6);
	return (int)RAW_ARG(ctx, 3);
}

/* This kernel's enum migrate_reason value, as one of ours: the values moved
 * as reasons were added (MR_CONTIG_RANGE was MR_CMA before 5.1). */
static __always_inline __u64 reason_code(int reason)
{
	if (bpf_core_enum_value_exists(enum migrate_reason, MR_CONTIG_RANGE) &&
	    reason == bpf_core_enum_value(enum migrate_reason, MR_CONTIG_RANGE))
		return PB_BPF_MR_CONTIG_RANGE;
	if (bpf_core_enum_value_exists(enum migrate_reason, MR_MEMORY_HOTPLUG) &&
	    reason == bpf_core_enum_value(enum migrate_reason, MR_MEMORY_HOTPLUG))
		return PB_BPF_MR_MEMORY_HOTPLUG;
	if (bpf_core_enum_value_exists(enum migrate_reason, MR_COMPACTION) &&
	    reason == bpf_core_enum_value(enum migrate_reason, MR_COMPACTION))
		return PB_BPF_MR_COMPACTION;
	if (bpf_core_enum_value_exists(enum migrate_reason, MR_LONGTERM_PIN) &&
	    reason == bpf_core_enum_value(enum migrate_reason, MR_LONGTERM_PIN))
		return PB_BPF_MR_LONGTERM_PIN;
	return PB_BPF_MR_UNKNOWN;
}

/* mm_migrate_pages(unsigned long succeeded, unsigned long failed, ...) */
SEC("raw_tracepoint")
int migrate_pages(struct bpf_raw_tracepoint_args *ctx)
{
	struct pb_bpf_failure f = {};

	if (!ctx->args[1])
		return 0;
	f.kind = PB_BPF_MIGRATE_FAIL;
	f.a = ctx->args[0];
	f.b = ctx->args[1];
	f.c = reason_code(migrate_reason_arg(ctx));
	send_failure(ctx, &f);
	return 0;
}
