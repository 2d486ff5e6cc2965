/* bpf_text.c - the text that `record --bpf` writes: ftrace-compatible
 * lines that `pinblame import` reads like a `record --probe-gup` capture
 * (each failure point as its tracepoint prints it, each failing page's
 * latest get as a kprobe hit with its <stack trace>), and the memory of
 * the page records written. Apart from the run (bpf.c) because it needs
 * no kernel and no libbpf: the unit tests call it directly. */
#include <inttypes.h>
#include <string.h>

#include "bpf.h"

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
	pb_buf_addf(b, " page=0x%" PRIx64 " gets=%" PRIu32 "\n", page, rec->gets);
	write_stack(b, ks, rec->comm, rec->pid, rec->tgid, rec->cpu, rec->get_ns, stack);
}

/* As the page_pinner patch's page_pinner_put event prints it ("pfn=0x%lx
 * flags=%s count=%d mapcount=%d mapping=%p mt=%d", doc/FORMATS.md), with
 * the fields the program reads: the same put of a page whose migration
 * failed, so the importer takes it as that (put-side evidence: whoever
 * drops a reference after the failure held it). */
void pb_bpf_write_put(struct pb_buf *b, const struct pb_ksyms *ks, uint64_t pfn,
		      const struct pb_bpf_page *rec, const struct pb_bpf_frames *stack)
{
	char comm[PB_BPF_COMM_LEN + 1];

	memcpy(comm, rec->put_comm, PB_BPF_COMM_LEN);
	comm[PB_BPF_COMM_LEN] = 0;
	write_prefix(b, comm, rec->put_pid, rec->put_tgid, rec->put_cpu, rec->put_ns);
	pb_buf_addf(b, "page_pinner_put: pfn=0x%" PRIx64, pfn);
	if (rec->put_count >= 0)
		pb_buf_addf(b, " count=%" PRId32, rec->put_count);
	pb_buf_adds(b, "\n");
	write_stack(b, ks, comm, rec->put_pid, rec->put_tgid, rec->put_cpu, rec->put_ns, stack);
}

/* As an event that names a page and its pfn: the importer fits the vmemmap
 * through such points (lib/analyze/probes.c), as through cma_alloc_busy_retry
 * lines, so the page records map to pfns also on a kernel without CMA. */
void pb_bpf_write_calibration(struct pb_buf *b, uint32_t pid, uint32_t cpu, uint64_t ns,
			      uint64_t pfn, uint64_t page)
{
	write_prefix(b, "pinblame", pid, pid, cpu, ns);
	pb_buf_addf(b, "pinblame_vmemmap: pfn=0x%" PRIx64 " page=0x%" PRIx64 "\n", pfn, page);
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
	case PB_BPF_CMA_ALLOC_FAIL:
		/* "pfn=%lx page=%p count=%u align=%u", the NULL page as 5.10's
		 * %p prints it */
		pb_buf_addf(b, "cma_alloc: pfn=%llx page=%016x count=%llu align=%llu\n", f->a,
			    0, f->c, f->d);
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
