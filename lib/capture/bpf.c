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
 * vmemmap, which the program learns from cma_alloc_busy_retry (the one
 * failure point that carries both). Failing pfns seen before that wait in
 * a bounded list. The importer learns the same vmemmap from the
 * cma_alloc_busy_retry lines written, as for any probe capture.
 */
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf.h"
#include "pinblame/capture.h"

/* --- kallsyms ---------------------------------------------------------- */

static int cmp_ksym(const void *a, const void *b)
{
	const struct pb_ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void ksyms_add(struct pb_ksyms *ks, uint64_t addr, const char *name)
{
	size_t len = strlen(name) + 1;

	if (ks->n == ks->cap) {
		ks->cap = ks->cap ? ks->cap * 2 : 4096;
		ks->syms = pb_realloc(ks->syms, ks->cap * sizeof(*ks->syms));
	}
	while (ks->names_len + len > ks->names_cap) {
		ks->names_cap = ks->names_cap ? ks->names_cap * 2 : 65536;
		ks->names = pb_realloc(ks->names, ks->names_cap);
	}
	memcpy(ks->names + ks->names_len, name, len);
	ks->syms[ks->n].addr = addr;
	ks->syms[ks->n++].name = ks->names_len;
	ks->names_len += len;
}

/* "ADDR TYPE NAME [module]": text symbols only, the ones stacks are in. */
long pb_ksyms_load(struct pb_ksyms *ks, FILE *f)
{
	char line[512], type, name[256];
	unsigned long long addr;
	size_t nonzero = 0;

	memset(ks, 0, sizeof(*ks));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3)
			continue;
		if (tolower((unsigned char)type) != 't' && tolower((unsigned char)type) != 'w')
			continue;
		nonzero += addr != 0;
		ksyms_add(ks, addr, name);
	}
	if (ferror(f))
		return -1;
	if (!nonzero)
		ks->n = 0;
	if (ks->n)
		qsort(ks->syms, ks->n, sizeof(*ks->syms), cmp_ksym);
	return (long)ks->n;
}

void pb_ksyms_free(struct pb_ksyms *ks)
{
	free(ks->syms);
	free(ks->names);
	memset(ks, 0, sizeof(*ks));
}

const char *pb_ksyms_find(const struct pb_ksyms *ks, uint64_t addr, uint64_t *offset,
			  uint64_t *size)
{
	size_t lo = 0, hi = ks->n;

	/* the last symbol at or below ADDR */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	*offset = addr - ks->syms[lo - 1].addr;
	*size = lo < ks->n ? ks->syms[lo].addr - ks->syms[lo - 1].addr : 0;
	return ks->names + ks->syms[lo - 1].name;
}

int pb_ksyms_has(const struct pb_ksyms *ks, const char *name)
{
	for (size_t i = 0; i < ks->n; i++)
		if (!strcmp(ks->names + ks->syms[i].name, name))
			return 1;
	return 0;
}

/* --- which functions to hook ------------------------------------------ */

/* The functions, per version, that take or drop the page references of
 * holders; signatures in lib/capture/probes.c and doc/FORMATS.md. Only
 * exact names: a .constprop or .isra copy may take other arguments. */
static const struct pb_bpf_hook hook_candidates[] = {
	{ "try_grab_folio_fast", PB_BPF_ROLE_GUP, PB_BPF_GET_ARG1 },
	{ "try_grab_folio", PB_BPF_ROLE_GUP, PB_BPF_GET_ARG1 },
	{ "try_grab_compound_head", PB_BPF_ROLE_GUP, PB_BPF_GET_ARG1 },
	{ "try_grab_page", PB_BPF_ROLE_GUP, PB_BPF_GET_ARG1 },
	{ "splice_folio_into_pipe", PB_BPF_ROLE_SPLICE, PB_BPF_GET_ARG2 },
	{ "copy_page_to_iter_pipe", PB_BPF_ROLE_SPLICE, PB_BPF_GET_ARG1 },
	/* gup_put_folio(folio, refs, flags) 5.17+; put_compound_head(page,
	 * refs, flags) before; unpin_user_page(page) 5.6+; unpin_folio(folio)
	 * 6.10+ */
	{ "gup_put_folio", PB_BPF_ROLE_PUT, PB_BPF_PUT_ARG1 },
	{ "put_compound_head", PB_BPF_ROLE_PUT, PB_BPF_PUT_ARG1 },
	{ "unpin_user_page", PB_BPF_ROLE_PUT, PB_BPF_PUT_ARG1 },
	{ "unpin_folio", PB_BPF_ROLE_PUT, PB_BPF_PUT_ARG1 },
	/* no function takes the spliced page (6.1): the page cache read that
	 * fills the pipe marks the folio it copies; a hit counts only under a
	 * splice (the BPF program looks for it in the stack) */
	{ "folio_mark_accessed", PB_BPF_ROLE_SPLICE_READ, PB_BPF_READ_ARG1 },
	{ "mark_page_accessed", PB_BPF_ROLE_SPLICE_READ, PB_BPF_READ_ARG1 },
};

size_t pb_bpf_choose_hooks(const struct pb_ksyms *ks, struct pb_bpf_hook *hooks, size_t *ngup)
{
	size_t n = 0;
	int splice = 0;

	*ngup = 0;
	for (size_t i = 0; i < PB_ARRAY_SIZE(hook_candidates) && n < PB_BPF_MAX_HOOKS; i++) {
		const struct pb_bpf_hook *c = &hook_candidates[i];

		int splices = c->role == PB_BPF_ROLE_SPLICE || c->role == PB_BPF_ROLE_SPLICE_READ;

		if (!pb_ksyms_has(ks, c->func) || (splices && splice))
			continue;
		splice |= splices;
		*ngup += c->role == PB_BPF_ROLE_GUP;
		hooks[n++] = *c;
	}
	return n;
}

const char *pb_bpf_gup_candidates(void)
{
	return "try_grab_folio_fast, try_grab_folio, try_grab_compound_head, try_grab_page";
}

int pb_bpf_seen(struct pb_bpf_seen *seen, uint64_t page, uint64_t get_ns)
{
	/* struct pages are 64 bytes or so apart: drop the low bits */
	size_t i = (size_t)((page >> 6) * 0x9e3779b97f4a7c15ULL >> 52) % PB_BPF_SEEN_SLOTS;

	if (seen->slot[i].page == page && seen->slot[i].get_ns == get_ns)
		return 1;
	seen->slot[i].page = page;
	seen->slot[i].get_ns = get_ns;
	return 0;
}

/* --- the text written -------------------------------------------------- */

/* The line prefix of trace_pipe with the tgid column. */
static void write_prefix(struct pb_buf *b, const char *comm, uint32_t pid, uint32_t tgid,
			 uint32_t cpu, uint64_t ns)
{
	pb_buf_addf(b, "%16.16s-%-7" PRIu32 " (%7" PRIu32 ") [%03" PRIu32 "] ..... %5" PRIu64
		    ".%06" PRIu64 ": ", *comm ? comm : "<...>", pid, tgid, cpu,
		    ns / 1000000000, ns % 1000000000 / 1000);
}

/* A tracer's own frames, above the traced function: the BPF program and
 * the tracepoint's dispatch. */
static int is_tracer_frame(const char *name)
{
	return !strncmp(name, "bpf_", 4) || !strncmp(name, "__bpf_", 6) ||
	       !strncmp(name, "__traceiter_", 12) || !strncmp(name, "trace_call_bpf", 14);
}

static void write_stack(struct pb_buf *b, const struct pb_ksyms *ks, const char *comm,
			uint32_t pid, uint32_t tgid, uint32_t cpu, uint64_t ns,
			const struct pb_bpf_frames *stack)
{
	size_t i = 0;
	uint64_t off, size;
	const char *name;

	/* skip the tracer's frames, but not all of a stack made only of them;
	 * an address kallsyms has no symbol for at the top is the BPF program
	 * or trampoline, loaded after kallsyms was read */
	while (i < stack->n && stack->ip[i] &&
	       (!(name = pb_ksyms_find(ks, stack->ip[i], &off, &size)) || is_tracer_frame(name)))
		i++;
	if (i == stack->n || !stack->ip[i])
		i = 0;
	if (!stack->n || !stack->ip[0])
		return;
	write_prefix(b, comm, pid, tgid, cpu, ns);
	pb_buf_adds(b, "<stack trace>\n");
	for (; i < stack->n && stack->ip[i]; i++) {
		name = pb_ksyms_find(ks, stack->ip[i], &off, &size);
		if (name)
			pb_buf_addf(b, " => %s\n", name);
		else
			pb_buf_addf(b, " => 0x%" PRIx64 "\n", stack->ip[i]);
	}
}

void pb_bpf_write_page(struct pb_buf *b, const struct pb_ksyms *ks, uint64_t page,
		       const struct pb_bpf_page *rec, const struct pb_bpf_frames *stack)
{
	uint64_t off = 0, size = 0;
	const char *func = pb_ksyms_find(ks, rec->get_ip, &off, &size);

	write_prefix(b, rec->comm, rec->pid, rec->tgid, rec->cpu, rec->get_ns);
	if (func)
		pb_buf_addf(b, "%s: (%s+0x0/0x%" PRIx64 ")", func, func, size);
	else
		pb_buf_addf(b, "pinblame_bpf_get: (0x%llx)", (unsigned long long)rec->get_ip);
	pb_buf_addf(b, " page=0x%" PRIx64 " gets=%" PRIu32 " puts=%" PRIu32 "\n", page, rec->gets,
		    rec->puts);
	write_stack(b, ks, rec->comm, rec->pid, rec->tgid, rec->cpu, rec->get_ns, stack);
}

void pb_bpf_write_ustack(struct pb_buf *b, const struct pb_bpf_page *rec,
			 const struct pb_bpf_frames *stack)
{
	if (!stack->n || !stack->ip[0])
		return;
	write_prefix(b, rec->comm, rec->pid, rec->tgid, rec->cpu, rec->get_ns);
	pb_buf_adds(b, "<user stack trace>\n");
	for (size_t i = 0; i < stack->n && stack->ip[i]; i++)
		pb_buf_addf(b, " =>  <%016" PRIx64 ">\n", stack->ip[i]);
}

/* Each as its TP_printk prints it (doc/FORMATS.md). */
static void write_failure_fields(struct pb_buf *b, const struct pb_bpf_failure *f)
{
	switch (f->kind) {
	case PB_BPF_CMA_BUSY_RETRY:
		pb_buf_addf(b, "cma_alloc_busy_retry: name=%.*s pfn=0x%llx page=%llx"
			    " count=%llu align=%llu\n", PB_BPF_NAME_LEN, f->name, f->a,
			    f->b, f->c, f->d);
		break;
	case PB_BPF_ISOLATION_FAIL:
		pb_buf_addf(b, "test_pages_isolated: start_pfn=0x%llx end_pfn=0x%llx"
			    " fin_pfn=0x%llx ret=fail\n", f->a, f->b, f->c);
		break;
	default:
		pb_buf_addf(b, "mm_migrate_pages: nr_succeeded=%llu nr_failed=%llu", f->a, f->b);
		/* the names of MIGRATE_REASON in the event's __print_symbolic */
		if (f->c > PB_BPF_MR_UNKNOWN && f->c <= PB_BPF_MR_LONGTERM_PIN)
			pb_buf_addf(b, " reason=%s", (const char *[]){ "", "contig_range",
				    "memory_hotplug", "compaction", "longterm_pin" }[f->c]);
		pb_buf_adds(b, "\n");
		break;
	}
}

void pb_bpf_write_failure(struct pb_buf *b, const struct pb_ksyms *ks,
			  const struct pb_bpf_failure *f, const struct pb_bpf_frames *stack)
{
	char comm[PB_BPF_COMM_LEN + 1];

	memcpy(comm, f->comm, PB_BPF_COMM_LEN);
	comm[PB_BPF_COMM_LEN] = 0;
	write_prefix(b, comm, f->pid, f->tgid, f->cpu, f->ns);
	write_failure_fields(b, f);
	write_stack(b, ks, comm, f->pid, f->tgid, f->cpu, f->ns, stack);
}

/* --- the run ------------------------------------------------------------ */

#define PB_BPF_FALLBACK "the fallback is 'pinblame record --probe-gup' (kprobe_events), " \
	"or 'pinblame record' for the tracepoints alone"
/* Failing pfns waiting for the vmemmap, and pages already written. */
#define PENDING_MAX 65536

/* A refusal: why, and what to use instead. */
static int refuse(const char *why)
{
	pb_error("--bpf: %s; %s", why, PB_BPF_FALLBACK);
	return -1;
}

/* How the hooks are attached: fentry (BPF trampolines: BTF and, on arm64,
 * 6.0+) where the kernel takes them, else kprobes; PINBLAME_BPF_ATTACH=
 * fentry or kprobe forces one. */
enum attach_kind { ATTACH_AUTO, ATTACH_FENTRY, ATTACH_KPROBE };

static const char *const attach_names[] = { "auto", "fentry", "kprobe" };

static int attach_wanted(enum attach_kind *kind)
{
	const char *v = getenv("PINBLAME_BPF_ATTACH");

	*kind = ATTACH_AUTO;
	if (!v || !*v)
		return 0;
	for (int k = ATTACH_AUTO; k <= ATTACH_KPROBE; k++)
		if (!strcmp(v, attach_names[k])) {
			*kind = (enum attach_kind)k;
			return 0;
		}
	pb_error("--bpf: PINBLAME_BPF_ATTACH is auto, fentry or kprobe, not '%s'", v);
	return -1;
}

#define NO_KPROBES "kprobes are not available on this kernel (no kprobe PMU in " \
	"/sys/bus/event_source/devices and no kprobe_events in tracefs: " \
	"CONFIG_KPROBE_EVENTS is off)"

/* What this kernel must offer before anything is loaded: BTF (the
 * program is CO-RE, and fentry attaches by BTF id). *KPROBES says whether
 * kprobes are there (perf's kprobe PMU, or tracefs's kprobe_events, which
 * libbpf falls back to); without them only fentry can do. */
static int check_kernel(const char *sysfs, const char *tracefs, int *kprobes)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/kernel/btf/vmlinux", sysfs);
	if (access(path, R_OK) < 0)
		return refuse("this kernel has no BTF (no /sys/kernel/btf/vmlinux: "
			      "it needs CONFIG_DEBUG_INFO_BTF=y)");
	snprintf(path, sizeof(path), "%s/bus/event_source/devices/kprobe", sysfs);
	*kprobes = access(path, F_OK) == 0;
	snprintf(path, sizeof(path), "%s/kprobe_events", tracefs);
	*kprobes |= access(path, F_OK) == 0;
	return 0;
}

static int load_ksyms(struct pb_ksyms *ks, const char *proc)
{
	char path[4096];
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/kallsyms", proc);
	f = fopen(path, "re");
	if (!f) {
		pb_error("--bpf: cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	n = pb_ksyms_load(ks, f);
	fclose(f);
	if (n < 0) {
		pb_error("--bpf: cannot read %s", path);
		return -1;
	}
	if (n == 0)
		return refuse("kallsyms shows no addresses: recording needs root");
	return 0;
}

/* Everything that can be known before loading: the kernel's BTF and
 * kprobes, kallsyms, and the functions to hook (at least one GUP grab).
 * Without kprobes, only a forced kprobe attach is refused here: fentry
 * may still do. */
static int preflight(const struct pb_bpf_opts *o, struct pb_ksyms *ks,
		     struct pb_bpf_hook *hooks, size_t *nhooks, int *kprobes,
		     enum attach_kind *kind)
{
	char why[512];
	size_t ngup;

	memset(ks, 0, sizeof(*ks));
	if (attach_wanted(kind) < 0 || check_kernel(o->sysfs, o->tracefs, kprobes) < 0)
		return -1;
	if (*kind == ATTACH_KPROBE && !*kprobes)
		return refuse(NO_KPROBES);
	if (load_ksyms(ks, o->proc) < 0)
		return -1;
	*nhooks = pb_bpf_choose_hooks(ks, hooks, &ngup);
	if (ngup)
		return 0;
	snprintf(why, sizeof(why), "this kernel has none of %s in kallsyms",
		 pb_bpf_gup_candidates());
	return refuse(why);
}

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

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "pinblame.skel.h"

struct pb_bpf_run {
	struct pinblame_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link *links[PB_BPF_MAX_HOOKS + 3];
	size_t nlinks;
	enum attach_kind kind;	/* fentry or kprobe, as loaded */
	struct bpf_program *hook_prog[PB_BPF_MAX_HOOKS];	/* NULL: no slot */
	struct pb_ksyms ks;
	int out;
	int failed;		/* a write failed */
	uint64_t bytes, failures, pages_written, pending_dropped;
	uint64_t pending[PENDING_MAX];	/* failing pfns not written yet */
	size_t npending;
	struct pb_buf held;	/* failure lines waiting for their pages */
	struct pb_bpf_seen seen;	/* page records written */
};

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

/* The record of the page at PFN, when there is one, into B. */
static void write_pfn(struct pb_bpf_run *r, struct pb_buf *b, uint64_t pfn)
{
	uint64_t ip[PB_BPF_STACK_DEPTH];
	uint64_t page = r->skel->bss->vmemmap_base + pfn * r->skel->bss->page_struct_size;
	struct pb_bpf_page rec;
	struct pb_bpf_frames fr;

	if (bpf_map__lookup_elem(r->skel->maps.pages, &page, sizeof(page), &rec, sizeof(rec), 0) ||
	    pb_bpf_seen(&r->seen, page, rec.get_ns))
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
	for (size_t i = 0; r->skel->bss->page_struct_size && i < r->npending; i++)
		write_pfn(r, &b, r->pending[i]);
	r->npending = 0;
	pb_buf_add(&b, r->held.data, r->held.len);
	pb_buf_reset(&r->held);
	ret = write_out(r, &b);
	pb_buf_free(&b);
	return ret;
}

static void add_pending(struct pb_bpf_run *r, uint64_t pfn)
{
	for (size_t i = 0; i < r->npending; i++)
		if (r->pending[i] == pfn)
			return;
	if (r->npending == PENDING_MAX) {
		r->pending_dropped++;
		return;
	}
	r->pending[r->npending++] = pfn;
}

static int on_failure(void *ctx, void *data, size_t size)
{
	struct pb_bpf_run *r = ctx;
	struct pb_bpf_failure f;
	uint64_t ip[PB_BPF_STACK_DEPTH];
	struct pb_bpf_frames fr;

	if (size < sizeof(f))
		return 0;
	memcpy(&f, data, sizeof(f));
	r->failures++;
	fr = read_stack(r, f.kstack, ip);
	pb_bpf_write_failure(&r->held, &r->ks, &f, &fr);
	if (f.kind == PB_BPF_ISOLATION_FAIL)
		add_pending(r, f.c);
	return flush_pending(r, r->held.len > (16u << 20));
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
	pb_buf_addf(&b, "# pinblame-record: source=bpf\n# pinblame-record: bpf_attach=%s\n#\n",
		    attach_names[r->kind]);
	ret = write_out(r, &b);
	pb_buf_free(&b);
	return ret;
}

/* The kprobe program of each kind of hook (one program, many functions). */
static struct bpf_program *kprobe_prog(struct pinblame_bpf *skel, enum pb_bpf_prog prog)
{
	struct bpf_program *progs[] = {
		[PB_BPF_GET_ARG1] = skel->progs.get_arg1,
		[PB_BPF_GET_ARG2] = skel->progs.get_arg2,
		[PB_BPF_PUT_ARG1] = skel->progs.put_arg1,
		[PB_BPF_READ_ARG1] = skel->progs.read_arg1,
	};

	return progs[prog];
}

/* The fentry program of slot I of a kind of hook (one per function), NULL
 * past the slots the BPF program has. */
static struct bpf_program *fentry_prog(struct pinblame_bpf *skel, enum pb_bpf_prog prog,
				       size_t i)
{
	struct bpf_program *get1[] = { skel->progs.fe_get_arg1_0, skel->progs.fe_get_arg1_1,
				       skel->progs.fe_get_arg1_2, skel->progs.fe_get_arg1_3,
				       skel->progs.fe_get_arg1_4 };
	struct bpf_program *put1[] = { skel->progs.fe_put_arg1_0, skel->progs.fe_put_arg1_1,
				       skel->progs.fe_put_arg1_2, skel->progs.fe_put_arg1_3 };

	switch (prog) {
	case PB_BPF_GET_ARG1:
		return i < PB_ARRAY_SIZE(get1) ? get1[i] : NULL;
	case PB_BPF_PUT_ARG1:
		return i < PB_ARRAY_SIZE(put1) ? put1[i] : NULL;
	case PB_BPF_GET_ARG2:
		return i ? NULL : skel->progs.fe_get_arg2_0;
	default:
		return i ? NULL : skel->progs.fe_read_arg1_0;
	}
}

/* Which programs load: the raw tracepoints always; of the hooks, the kind
 * of KIND, and for fentry only the slots given a function. */
static int choose_programs(struct pb_bpf_run *r, const struct pb_bpf_hook *hooks, size_t n)
{
	struct bpf_program *p;
	size_t used[PB_BPF_READ_ARG1 + 1] = { 0 };

	bpf_object__for_each_program(p, r->skel->obj) {
		enum bpf_prog_type t = bpf_program__type(p);

		if (t == BPF_PROG_TYPE_KPROBE)
			bpf_program__set_autoload(p, r->kind == ATTACH_KPROBE);
		else if (t == BPF_PROG_TYPE_TRACING)
			bpf_program__set_autoload(p, false);
	}
	for (size_t i = 0; i < n; i++) {
		if (r->kind == ATTACH_KPROBE) {
			r->hook_prog[i] = kprobe_prog(r->skel, hooks[i].prog);
			continue;
		}
		p = fentry_prog(r->skel, hooks[i].prog, used[hooks[i].prog]++);
		r->hook_prog[i] = p;
		if (!p)
			continue;
		if (bpf_program__set_attach_target(p, 0, hooks[i].func) ||
		    bpf_program__set_autoload(p, true)) {
			pb_error("--bpf: cannot set the fentry target %s", hooks[i].func);
			return -1;
		}
	}
	return 0;
}

/* 1 when attached; 0 when the kernel refused this function (errno says
 * why): a notrace function is refused by kprobes without
 * CONFIG_KPROBE_EVENTS_ON_NOTRACE and by fentry, and another candidate may
 * do. */
static int attach_hook(struct pb_bpf_run *r, const struct pb_bpf_hook *h, struct bpf_program *p)
{
	struct bpf_link *l;

	if (!p) {
		errno = ENOSPC;
		return 0;
	}
	if (r->kind == ATTACH_KPROBE)
		l = bpf_program__attach_kprobe(p, false, h->func);
	else
		l = bpf_program__attach_trace(p);
	if (!l)
		return 0;
	r->links[r->nlinks++] = l;
	return 1;
}

/* A failure point the kernel does not have is named, not fatal. */
static void attach_tracepoint(struct pb_bpf_run *r, struct bpf_program *p, const char *tp)
{
	struct bpf_link *l = bpf_program__attach_raw_tracepoint(p, tp);

	if (!l) {
		pb_warn("--bpf: no tracepoint %s on this kernel (%s)", tp, strerror(errno));
		return;
	}
	r->links[r->nlinks++] = l;
}

/* libbpf's own messages (its warnings repeat what we report, with the
 * internals) only with PINBLAME_BPF_DEBUG set. */
static int libbpf_message(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!getenv("PINBLAME_BPF_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* [start, end) of NAME in kallsyms, 0s when it has none. */
static void ksym_range(const struct pb_ksyms *ks, const char *name, volatile __u64 *range)
{
	range[0] = range[1] = 0;
	for (size_t i = 0; i < ks->n; i++)
		if (!strcmp(ks->names + ks->syms[i].name, name)) {
			range[0] = ks->syms[i].addr;
			range[1] = i + 1 < ks->n ? ks->syms[i + 1].addr : ks->syms[i].addr + 1;
			return;
		}
}

/* Opens the object and sizes the maps. Stacks are shared (one per distinct
 * call path, a few hundred in practice), so a quarter of the pages is room
 * to spare; a full stack map only loses stacks, which the end of the run
 * reports. Memory: about 130 bytes per page record and 536 per stack, 17
 * MiB in all for the default 65536 pages. */
static int open_object(struct pb_bpf_run *r, unsigned long max_pages)
{
	libbpf_set_print(libbpf_message);
	r->skel = pinblame_bpf__open();
	if (!r->skel) {
		pb_error("--bpf: cannot open the BPF object: %s", strerror(errno));
		return -1;
	}
	if (bpf_map__set_max_entries(r->skel->maps.pages, (uint32_t)max_pages) ||
	    bpf_map__set_max_entries(r->skel->maps.stacks,
				     (uint32_t)(max_pages / 4 > 1024 ? max_pages / 4 : 1024))) {
		pb_error("--bpf: cannot size the maps");
		return -1;
	}
	ksym_range(&r->ks, "do_splice", r->skel->rodata->splice_ranges[0]);
	ksym_range(&r->ks, "splice_file_to_pipe", r->skel->rodata->splice_ranges[1]);
	return 0;
}

/* Loads with r->kind's hooks. 0 when loaded; -1 when refused for a reason
 * the other kind has too (permission: said); 1 when only this kind was
 * refused (WHY says why). */
static int load(struct pb_bpf_run *r, unsigned long max_pages, const struct pb_bpf_hook *hooks,
		size_t n, char *why, size_t why_size)
{
	int err;

	if (open_object(r, max_pages) < 0 || choose_programs(r, hooks, n) < 0)
		return -1;
	err = pinblame_bpf__load(r->skel);
	/* as root, EPERM is this kernel refusing the kind (lockdown, or a
	 * kernel that takes no tracing programs), and the other may load */
	if ((err == -EPERM || err == -EACCES) && geteuid() != 0)
		return refuse("loading BPF was refused: it needs root (CAP_BPF and CAP_PERFMON)");
	if (err) {
		snprintf(why, why_size, "this kernel refused the %s programs: %s",
			 attach_names[r->kind], strerror(-err));
		return 1;
	}
	return 0;
}

/* errno as said: 524 is the kernel's own ENOTSUPP, which libc has no name
 * for (fentry on a kernel without ftrace direct calls, as arm64 before 6.4). */
static const char *attach_error(int err)
{
	return err == 524 ? "ENOTSUPP: this kernel cannot attach BPF trampolines to its functions"
			  : strerror(err);
}

/* Attaches r->kind's hooks. 0 when at least one GUP grab is on (a function
 * refused alone is warned); 1 when none is (WHY says why). */
static int attach_hooks(struct pb_bpf_run *r, const struct pb_bpf_hook *hooks, size_t n,
			char *why, size_t why_size)
{
	size_t gup = 0;
	int refused[PB_BPF_MAX_HOOKS];

	for (size_t i = 0; i < n; i++) {
		refused[i] = 0;
		if (attach_hook(r, &hooks[i], r->hook_prog[i]))
			gup += hooks[i].role == PB_BPF_ROLE_GUP;
		else
			refused[i] = errno ? errno : EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (!refused[i])
			continue;
		if (!gup) {
			snprintf(why, why_size, "no GUP function could be hooked with %s (%s: %s)",
				 attach_names[r->kind], hooks[i].func, attach_error(refused[i]));
			return 1;
		}
		pb_warn("--bpf: cannot attach %s to %s: %s", attach_names[r->kind],
			hooks[i].func, attach_error(refused[i]));
	}
	return 0;
}

/* The failure points, the ring buffer, and what is on. */
static int attach_failures(struct pb_bpf_run *r, const struct pb_bpf_hook *hooks, size_t n)
{
	attach_tracepoint(r, r->skel->progs.pages_isolated, "test_pages_isolated");
	attach_tracepoint(r, r->skel->progs.cma_busy_retry, "cma_alloc_busy_retry");
	attach_tracepoint(r, r->skel->progs.migrate_pages, "mm_migrate_pages");
	fprintf(stderr, "pinblame record: BPF on");
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%s%s", i ? ", " : " ", hooks[i].func);
	fprintf(stderr, " (%s); %lu page records at most\n", attach_names[r->kind],
		(unsigned long)bpf_map__max_entries(r->skel->maps.pages));
	r->rb = ring_buffer__new(bpf_map__fd(r->skel->maps.failures), on_failure, r, NULL);
	if (!r->rb) {
		pb_error("--bpf: cannot open the ring buffer: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Undoes a load of one kind, before the other is tried. */
static void unload(struct pb_bpf_run *r)
{
	for (size_t i = 0; i < r->nlinks; i++)
		bpf_link__destroy(r->links[i]);
	r->nlinks = 0;
	pinblame_bpf__destroy(r->skel);
	r->skel = NULL;
}

/* Loads and attaches KIND's hooks: 0, -1 (said), or 1 (this kind refused,
 * WHY says why). */
static int try_kind(struct pb_bpf_run *r, enum attach_kind kind, const struct pb_bpf_opts *o,
		    const struct pb_bpf_hook *hooks, size_t n, char *why, size_t why_size)
{
	int ret;

	r->kind = kind;
	ret = load(r, o->max_pages, hooks, n, why, why_size);
	if (!ret)
		ret = attach_hooks(r, hooks, n, why, why_size);
	if (ret)
		unload(r);
	return ret;
}

/* fentry first (unless kprobes are forced), then kprobes (unless fentry
 * is forced or the kernel has none). */
static int load_and_attach(struct pb_bpf_run *r, const struct pb_bpf_opts *o,
			   enum attach_kind want, int kprobes, const struct pb_bpf_hook *hooks,
			   size_t n)
{
	char why[512] = "", fentry_why[512] = "";
	int ret = 1;

	if (want != ATTACH_KPROBE) {
		ret = try_kind(r, ATTACH_FENTRY, o, hooks, n, fentry_why, sizeof(fentry_why));
		if (ret <= 0)
			return ret;
		if (want == ATTACH_FENTRY)
			return refuse(fentry_why);
		if (!kprobes) {
			snprintf(why, sizeof(why), "%s, and %s", fentry_why, NO_KPROBES);
			return refuse(why);
		}
		fprintf(stderr, "pinblame record: %s: kprobes instead\n", fentry_why);
	}
	ret = try_kind(r, ATTACH_KPROBE, o, hooks, n, why, sizeof(why));
	return ret > 0 ? refuse(why) : ret;
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
	if (preflight(o, &r->ks, hooks, &n, &kprobes, &want) < 0 ||
	    load_and_attach(r, o, want, kprobes, hooks, n) < 0 || write_header(r) < 0 ||
	    attach_failures(r, hooks, n) < 0) {
		pb_bpf_close(r);
		return NULL;
	}
	return r;
}

int pb_bpf_poll(struct pb_bpf_run *r, int timeout_ms)
{
	int n = ring_buffer__poll(r->rb, timeout_ms);

	if (n < 0 && n != -EINTR) {
		pb_error("--bpf: reading the ring buffer: %s", strerror(-n));
		return -1;
	}
	if (flush_pending(r, 0) < 0 || r->failed)
		return -1;
	return 0;
}

int pb_bpf_stop(struct pb_bpf_run *r)
{
	for (size_t i = 0; i < r->nlinks; i++)
		bpf_link__destroy(r->links[i]);
	r->nlinks = 0;
	if (ring_buffer__consume(r->rb) < 0 && !r->failed)
		pb_warn("--bpf: the last failure events could not be read");
	if (!r->skel->bss->page_struct_size && r->npending)
		pb_warn("--bpf: no cma_alloc_busy_retry event gave the vmemmap: "
			"the pages of %zu failing pfns are not written", r->npending);
	if (flush_pending(r, 1) < 0)
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
	fprintf(stderr, "pinblame record: BPF saw %llu failure events, wrote %llu page records\n",
		(unsigned long long)r->failures, (unsigned long long)r->pages_written);
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
	pb_ksyms_free(&r->ks);
	pb_buf_free(&r->held);
	free(r);
}

uint64_t pb_bpf_bytes(const struct pb_bpf_run *r)
{
	return r->bytes;
}

#endif /* PB_HAVE_BPF */
