/* bpf.c - `pinblame record --bpf`: page_pinner's evidence on any kernel
 * with BTF, from the BPF program of lib/capture/bpf/pinblame.bpf.c.
 *
 * The program keeps, per page, the stack of its latest GUP grab or splice
 * into a pipe, in a bounded LRU map, and reports the failure points
 * (test_pages_isolated ret=fail, cma_alloc_busy_retry, mm_migrate_pages
 * with failures) through a ring buffer. This side chooses the functions to
 * hook from kallsyms, and writes ftrace-compatible text that `pinblame
 * import` reads like a `record --probe-gup` capture: each failure event as
 * the kernel prints it, and, for each failing pfn, the latest get of that
 * page as a kprobe hit ("FUNC: (FUNC+0x0/0xSIZE) page=0x...") with its
 * <stack trace>. Only the pages an allocation failed on are written.
 *
 * The map is keyed by struct page address, which is what the hooked
 * functions receive; a failing pfn becomes that address through the
 * vmemmap, which record learns at the start from two gets of its own pages
 * (their pfns from /proc/self/pagemap), else the program from
 * cma_alloc_busy_retry (the one failure point that carries both). Failing
 * pfns seen before that wait in a bounded list. The importer fits the same
 * vmemmap through the pfn and page of the start's gets (pinblame_vmemmap
 * lines) and of the cma_alloc_busy_retry lines written, as for any probe
 * capture.
 *
 * This file is the run: start, the ring buffer's failures and the pages
 * they name turned into text, stop. Its pieces are apart: kallsyms in
 * bpf_ksyms.c, the text in bpf_text.c, the hooks and the loading and
 * attaching in bpf_attach.c (what they share: bpf_int.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#include "bpf_int.h"
#include "pinblame/capture.h"

#ifndef PB_HAVE_BPF

struct pb_bpf_run {
	int unused;
};

struct pb_bpf_run *pb_bpf_start(const struct pb_bpf_opts *o)
{
	struct pb_ksyms ks;
	struct pb_bpf_hook hooks[PB_BPF_MAX_HOOKS];
	size_t n;
	int kprobes;
	enum attach_kind kind;
	int ok = preflight(o, &ks, hooks, &n, &kprobes, &kind) == 0;

	pb_ksyms_free(&ks);
	if (ok)
		refuse("this pinblame was built without BPF (its build had no clang, bpftool, "
	       "libbpf-dev or BTF)");
	return NULL;
}

int pb_bpf_poll(struct pb_bpf_run *r, int timeout_ms)
{
	return -1;
}

int pb_bpf_stop(struct pb_bpf_run *r)
{
	return -1;
}

void pb_bpf_close(struct pb_bpf_run *r)
{
	free(r);
}

uint64_t pb_bpf_bytes(const struct pb_bpf_run *r)
{
	return 0;
}

#else /* PB_HAVE_BPF */

static int write_out(struct pb_bpf_run *r, struct pb_buf *b)
{
	size_t done = 0;

	while (done < b->len) {
		ssize_t n = write(r->out, b->data + done, b->len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (!r->failed)
				pb_error("cannot write the trace: %s", strerror(errno));
			r->failed = 1;
			break;
		}
		done += (size_t)n;
	}
	r->bytes += done;
	pb_buf_reset(b);
	return r->failed ? -1 : 0;
}

static struct pb_bpf_frames read_stack(struct pb_bpf_run *r, int32_t id, uint64_t *ip)
{
	struct pb_bpf_frames fr = { ip, 0 };
	uint32_t key = (uint32_t)id;

	if (id >= 0 && !bpf_map__lookup_elem(r->skel->maps.stacks, &key, sizeof(key), ip,
					     PB_BPF_STACK_DEPTH * sizeof(*ip), 0))
		fr.n = PB_BPF_STACK_DEPTH;
	return fr;
}

/* The record of the failing page P, when there is one, into B: as the
 * failure saw it, else (the vmemmap learned after it) as it is now. */
static void write_pfn(struct pb_bpf_run *r, struct pb_buf *b, const struct pb_bpf_pending *p)
{
	uint64_t ip[PB_BPF_STACK_DEPTH];
	uint64_t page = r->skel->bss->vmemmap_base + p->pfn * r->skel->bss->page_struct_size;
	struct pb_bpf_page rec = p->rec;
	struct pb_bpf_frames fr;

	if (p->state == PB_BPF_PAGE_NO_GET)
		return;
	/* a record without a get: made by the failure, for its put */
	if ((p->state == PB_BPF_PAGE_UNREAD &&
	     bpf_map__lookup_elem(r->skel->maps.pages, &page, sizeof(page), &rec, sizeof(rec), 0)) ||
	    !rec.gets || pb_bpf_seen(&r->seen, page, rec.get_ns))
		return;
	fr = read_stack(r, rec.get_kstack, ip);
	pb_bpf_write_page(b, &r->ks, page, &rec, &fr);
	fr = read_stack(r, rec.get_ustack, ip);
	pb_bpf_write_ustack(b, &rec, &fr);
	r->pages_written++;
}

/* Once the vmemmap is known: the pages of the failing pfns, then the
 * failure lines that named them, so a page's get comes before. */
static int flush_pending(struct pb_bpf_run *r, int force)
{
	struct pb_buf b = { 0 };
	int ret;

	if (!r->skel->bss->page_struct_size && !force)
		return 0;
	if (r->npending)
		ksyms_follow_modules(r);
	for (size_t i = 0; r->skel->bss->page_struct_size && i < r->npending; i++)
		write_pfn(r, &b, &r->pending[i]);
	r->npending = 0;
	pb_buf_add(&b, r->held.data, r->held.len);
	pb_buf_reset(&r->held);
	ret = write_out(r, &b);
	pb_buf_free(&b);
	return ret;
}

/* Failure F's fin_pfn, with what F says of its record, into the pending
 * ones, once (the first failure's) until they are written; past
 * PENDING_MAX counted in pending_dropped. */
static void add_pending(struct pb_bpf_run *r, const struct pb_bpf_failure *f)
{
	for (size_t i = 0; i < r->npending; i++)
		if (r->pending[i].pfn == f->c)
			return;
	if (r->npending == PENDING_MAX) {
		r->pending_dropped++;
		return;
	}
	PB_GROW(r->pending, r->npending + 1, r->pending_cap);
	r->pending[r->npending].pfn = f->c;
	r->pending[r->npending].state = f->page_state;
	r->pending[r->npending++].rec = f->page;
}

/* PFN into LIST (N of MAX), once; DROPPED counts those past MAX. */
static void add_pfn(uint64_t *list, size_t *n, size_t max, uint64_t *dropped, uint64_t pfn)
{
	for (size_t i = 0; i < *n; i++)
		if (list[i] == pfn)
			return;
	if (*n == max) {
		(*dropped)++;
		return;
	}
	list[(*n)++] = pfn;
}

/* The first put after the failure of each watched failing page that has
 * one now, written once; a page whose record is gone (or whose put is
 * written) leaves the list, and comes back with its next failure. */
static int flush_puts(struct pb_bpf_run *r)
{
	uint64_t ip[PB_BPF_STACK_DEPTH];
	uint64_t size = r->skel->bss->page_struct_size, base = r->skel->bss->vmemmap_base;
	struct pb_buf b = { 0 };
	size_t kept = 0;
	int ret;

	if (!size)
		return 0;
	for (size_t i = 0; i < r->nput_watch; i++) {
		uint64_t pfn = r->put_watch[i], page = base + pfn * size;
		struct pb_bpf_page rec;
		struct pb_bpf_frames fr;

		if (bpf_map__lookup_elem(r->skel->maps.pages, &page, sizeof(page), &rec,
					 sizeof(rec), 0))
			continue;
		/* none since the page's latest failure (the BPF program marks
		 * it again after a put was kept) */
		if (!rec.put_ns || rec.put_ns < rec.fail_ns) {
			r->put_watch[kept++] = pfn;
			continue;
		}
		if (pb_bpf_seen(&r->put_seen, page, rec.put_ns))
			continue;
		ksyms_follow_modules(r);
		fr = read_stack(r, rec.put_kstack, ip);
		pb_bpf_write_put(&b, &r->ks, pfn, &rec, &fr);
		r->puts_written++;
	}
	r->nput_watch = kept;
	ret = write_out(r, &b);
	pb_buf_free(&b);
	return ret;
}

int on_failure(void *ctx, void *data, size_t size)
{
	struct pb_bpf_run *r = ctx;
	struct pb_bpf_failure f;
	uint64_t ip[PB_BPF_STACK_DEPTH];
	struct pb_bpf_frames fr;

	/* the page record only with PB_BPF_PAGE_KEPT (send_failure()) */
	if (size < offsetof(struct pb_bpf_failure, page))
		return 0;
	memset(&f, 0, sizeof(f));
	memcpy(&f, data, size < sizeof(f) ? size : sizeof(f));
	if (size < sizeof(f) && f.page_state == PB_BPF_PAGE_KEPT)
		f.page_state = PB_BPF_PAGE_UNREAD;
	r->failures++;
	fr = read_stack(r, f.kstack, ip);
	ksyms_follow_modules(r);
	pb_bpf_write_failure(&r->held, &r->ks, &f, &fr);
	/* a failing pfn outside the watched memory has no record: counted,
	 * so the end can say that its holder could not be kept */
	if (f.kind == PB_BPF_ISOLATION_FAIL && !pb_bpf_watch_has(&r->watch, f.c)) {
		r->unwatched++;
	} else if (f.kind == PB_BPF_ISOLATION_FAIL) {
		add_pending(r, &f);
		add_pfn(r->put_watch, &r->nput_watch, PUT_WATCH_MAX, &r->put_watch_dropped, f.c);
	}
	attach_puts(r);
	return flush_pending(r, r->held.len > (16u << 20));
}

/* One get of our own: a vmsplice of our page at P, whose pfn pagemap gives,
 * and the struct page the GUP hook kept of it (calib_page). The same pfn
 * before and after says the page did not move in between. 0 or -1. */
static int calibrate_page(struct pb_bpf_run *r, const char *proc, void *p, long page_size)
{
	uint64_t pfn = pb_pagemap_pfn(proc, p, page_size);
	struct timespec now;
	int fds[2], kept = 0;

	if (pfn && pipe(fds) == 0) {
		r->skel->bss->calib_page = 0;
		r->skel->bss->calib_tgid = (uint32_t)getpid();
		clock_gettime(CLOCK_MONOTONIC, &now);	/* bpf_ktime_get_ns()'s clock */
		kept = pb_splice_own_page(proc, fds[1], p, page_size, pfn);
		r->skel->bss->calib_tgid = 0;
		close(fds[0]);
		close(fds[1]);
	}
	if (!kept || !r->skel->bss->calib_page)
		return -1;
	r->calib[r->ncalib].pfn = pfn;
	r->calib[r->ncalib].page = r->skel->bss->calib_page;
	r->calib[r->ncalib].ns = (uint64_t)now.tv_sec * 1000000000 + (uint64_t)now.tv_nsec;
	r->calib[r->ncalib].cpu = (uint32_t)(sched_getcpu() < 0 ? 0 : sched_getcpu());
	r->ncalib++;
	return 0;
}

/* The vmemmap, which the program needs to tell a page's pfn, from two gets
 * of our own pages (calibrate_page()); they must agree. Written into the
 * trace too (write_header()), so that the importer maps the page records
 * to pfns on a kernel where no cma_alloc_busy_retry line names a page and
 * its pfn (one without CMA: gigantic pages, memory offlining). */
static int learn_vmemmap(struct pb_bpf_run *r, const char *proc)
{
	long page_size = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 2 * (size_t)page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t size, base0, base1;
	int ok;

	if (p == MAP_FAILED)
		return -1;
	memset(p, 0x5a, 2 * (size_t)page_size);
	r->ncalib = 0;
	ok = calibrate_page(r, proc, p, page_size) == 0 &&
	     calibrate_page(r, proc, p + page_size, page_size) == 0;
	munmap(p, 2 * (size_t)page_size);
	size = r->skel->bss->page_struct_size;
	if (!ok || !size)
		goto fail;
	base0 = r->calib[0].page - r->calib[0].pfn * size;
	base1 = r->calib[1].page - r->calib[1].pfn * size;
	if (base0 != base1)
		goto fail;
	r->skel->bss->vmemmap_base = base0;
	return 0;
fail:
	r->ncalib = 0;
	return -1;
}

/* The watched ranges into the program (none: every page), said on stderr.
 * Never fails: at worst every page is watched, as before there were ranges. */
static int set_watch(struct pb_bpf_run *r, const struct pb_bpf_opts *o)
{
	struct pb_buf from = { 0 }, ranges = { 0 };
	long page_size = sysconf(_SC_PAGESIZE);
	unsigned shift = 0;

	while ((1L << shift) < page_size)
		shift++;
	/* Every page by default: a contiguous allocation that finds the CMA
	 * area short falls back to alloc_contig_pages() in the other zones
	 * (gigantic hugetlb pages: 126 of the e2e's 158 failing pfns), and
	 * holders not kept there cannot be named afterwards. */
	if (!o->pfns || !strcmp(o->pfns, "all")) {
		memset(&r->watch, 0, sizeof(r->watch));
		pb_buf_adds(&from, "the default; --bpf-pfns cma watches the CMA areas and "
			    "ZONE_MOVABLE only");
	} else if (!strcmp(o->pfns, "cma")) {
		pb_bpf_watch_defaults(&r->watch, o->proc, o->sysfs, "/dev/kmsg", shift, &from);
	} else {
		pb_bpf_watch_parse(&r->watch, o->pfns);	/* checked by the option */
		pb_buf_adds(&from, "--bpf-pfns");
	}
	/* learned up front whatever is watched: where no cma_alloc_busy_retry
	 * comes (no CMA), nothing else gives it */
	if (learn_vmemmap(r, o->proc) < 0) {
		pb_buf_adds(&from, r->watch.n ? "; but the vmemmap could not be learned (a "
			    "vmsplice of a page of ours, its pfn from /proc/self/pagemap, which "
			    "needs root)" : "; the vmemmap not learned now (a vmsplice of a page of "
			    "ours, its pfn from /proc/self/pagemap, which needs root): from the "
			    "first cma_alloc_busy_retry");
		r->watch.n = 0;
	}
	for (size_t i = 0; i < r->watch.n; i++) {
		r->skel->bss->watch[i][0] = r->watch.r[i].start;
		r->skel->bss->watch[i][1] = r->watch.r[i].end;
	}
	r->skel->bss->watch_ranges = (uint32_t)r->watch.n;
	pb_bpf_watch_format(&r->watch, &ranges);
	if (r->watch.n)
		fprintf(stderr, "pinblame record: --bpf watches the pages of pfns %s (%s)\n",
			ranges.data, from.data);
	else
		fprintf(stderr, "pinblame record: --bpf watches every page (%s)\n", from.data);
	pb_buf_free(&from);
	pb_buf_free(&ranges);
	return 0;
}

/* The header of `record`'s traces: the ftrace parser takes "# tracer:" as
 * the format's mark and "# pinblame-record: KEY=VALUE" as facts. */
static int write_header(struct pb_bpf_run *r)
{
	struct pb_buf b = { 0 };
	int ret;

	if (pb_capture_header(&b) < 0) {
		pb_buf_free(&b);
		return -1;
	}
	pb_buf_addf(&b, "# pinblame-record: source=bpf\n# pinblame-record: bpf_attach=%s\n"
		    "# pinblame-record: bpf_gup=%s\n# pinblame-record: bpf_puts=%s\n"
		    "# pinblame-record: bpf_watch=", attach_names[r->kind],
		    r->per_call ? "call" : "page",
		    r->puts_mode == PUTS_ALWAYS ? "always" : "failure");
	pb_bpf_watch_format(&r->watch, &b);
	/* the GUP calls hooked with kprobes where fexit took the others */
	for (size_t k = 0; k < r->nkprobed; k++)
		pb_buf_addf(&b, "%s%s", k ? "," : "\n# pinblame-record: bpf_kprobe_calls=",
			    r->calls[r->kprobed[k]].func);
	pb_buf_adds(&b, "\n#\n");
	for (size_t i = 0; i < r->ncalib; i++)
		pb_bpf_write_calibration(&b, (uint32_t)getpid(), r->calib[i].cpu, r->calib[i].ns,
					 r->calib[i].pfn, r->calib[i].page);
	ret = write_out(r, &b);
	pb_buf_free(&b);
	return ret;
}

struct pb_bpf_run *pb_bpf_start(const struct pb_bpf_opts *o)
{
	struct pb_bpf_run *r = pb_malloc(sizeof(*r));
	struct pb_bpf_hook hooks[PB_BPF_MAX_HOOKS];
	size_t n;
	int kprobes;
	enum attach_kind want;

	memset(r, 0, sizeof(*r));
	r->out = o->out_fd;
	r->proc = pb_strdup(o->proc);
	if (preflight(o, &r->ks, hooks, &n, &kprobes, &want) < 0 || puts_wanted(&r->puts_mode) < 0 ||
	    load_and_attach(r, o, want, kprobes, hooks, n) < 0 || set_watch(r, o) < 0 ||
	    write_header(r) < 0 ||
	    attach_failures(r, hooks, n) < 0) {
		pb_bpf_close(r);
		return NULL;
	}
	reload_ksyms(r);
	return r;
}

int pb_bpf_poll(struct pb_bpf_run *r, int timeout_ms)
{
	int n;

	r->modules_looked = 0;
	n = ring_buffer__poll(r->rb, timeout_ms);

	if (n < 0 && n != -EINTR) {
		pb_error("--bpf: reading the ring buffer: %s", strerror(-n));
		return -1;
	}
	if (flush_pending(r, 0) < 0 || flush_puts(r) < 0 || r->failed)
		return -1;
	return 0;
}

int pb_bpf_stop(struct pb_bpf_run *r)
{
	r->puts_on = 1;		/* a first failure read now attaches nothing */
	r->modules_looked = 0;
	for (size_t i = 0; i < r->nlinks; i++)
		bpf_link__destroy(r->links[i]);
	r->nlinks = 0;
	if (ring_buffer__consume(r->rb) < 0 && !r->failed)
		pb_warn("--bpf: the last failure events could not be read");
	if (!r->skel->bss->page_struct_size && r->npending)
		pb_warn("--bpf: the vmemmap was not learned (no page of ours at the start, no "
			"cma_alloc_busy_retry event): the pages of %zu failing pfns are not written",
			r->npending);
	if (flush_pending(r, 1) < 0 || flush_puts(r) < 0)
		return -1;
	if (r->skel->bss->failures_lost || r->pending_dropped)
		pb_warn("--bpf: %llu failure events lost (ring buffer full), %llu failing pfns "
			"over the limit of %d", (unsigned long long)r->skel->bss->failures_lost,
			(unsigned long long)r->pending_dropped, PENDING_MAX);
	if (r->skel->bss->stack_errors || r->skel->bss->pages_missed)
		pb_warn("--bpf: %llu stacks not taken, %llu page records not kept "
			"(maps full: try a larger --bpf-pages)",
			(unsigned long long)r->skel->bss->stack_errors,
			(unsigned long long)r->skel->bss->pages_missed);
	if (r->unwatched)
		pb_warn("--bpf: %llu failures were on pfns outside the watched memory, whose "
			"holders were not kept: --bpf-pfns can widen it",
			(unsigned long long)r->unwatched);
	if (r->put_watch_dropped)
		pb_warn("--bpf: the puts of %llu failing pfns were not looked for (over the limit "
			"of %d)", (unsigned long long)r->put_watch_dropped, PUT_WATCH_MAX);
	fprintf(stderr, "pinblame record: BPF saw %llu failure events, wrote %llu page records "
		"and %llu puts after a failure\n", (unsigned long long)r->failures,
		(unsigned long long)r->pages_written, (unsigned long long)r->puts_written);
	return 0;
}

void pb_bpf_close(struct pb_bpf_run *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nlinks; i++)
		bpf_link__destroy(r->links[i]);
	ring_buffer__free(r->rb);
	pinblame_bpf__destroy(r->skel);
	btf__free(r->btf);
	pb_ksyms_free(&r->ks);
	free(r->proc);
	free(r->pending);
	pb_buf_free(&r->held);
	free(r);
}

uint64_t pb_bpf_bytes(const struct pb_bpf_run *r)
{
	return r->bytes;
}

#endif /* PB_HAVE_BPF */
