/* bpf.h - the user-space pieces of `record --bpf` that need no kernel:
 * kallsyms as a symbol table, the choice of the functions to hook, and
 * the writer of the ftrace-compatible text that `pinblame import` reads.
 * The loader (lib/capture/bpf_attach.c) and the run (lib/capture/bpf.c),
 * built with libbpf, use them; bpf_ksyms.c, bpf_text.c and (the choice
 * of hooks) bpf_attach.c define them.
 */
#ifndef PINBLAME_CAPTURE_BPF_H
#define PINBLAME_CAPTURE_BPF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>

#include "pinblame/core.h"
#include "bpf/record.h"

/* The text symbols of a kallsyms file, sorted by address. */
struct pb_ksyms {
	struct pb_ksym {
		uint64_t addr;
		size_t name;	/* offset in names */
		int global;	/* 'T' or 'W': seen from other files */
	} *syms;
	size_t n, cap;
	char *names;
	size_t names_len, names_cap;
};

/* Reads kallsyms text from F (text symbols only: t, T, w, W). Returns the
 * number of symbols, -1 on a read error. Addresses all 0 (kallsyms read
 * without the right to see them) count as no symbols. */
long pb_ksyms_load(struct pb_ksyms *ks, FILE *f);
void pb_ksyms_free(struct pb_ksyms *ks);
/* The symbol that ADDR is in: its name, *OFFSET from its start and *SIZE
 * up to the next symbol; NULL when ADDR is before the first one. */
const char *pb_ksyms_find(const struct pb_ksyms *ks, uint64_t addr, uint64_t *offset,
			  uint64_t *size);
/* A key of the modules loaded, from /proc/modules text in F: each one's
 * name, state and address, not its use count (which a device's open
 * changes). A module loaded or unloaded since kallsyms was read changes
 * it; 0 when F has no module line (or cannot be read). */
uint64_t pb_ksyms_modules_key(FILE *f);
/* Whether a function of exactly this NAME exists. */
int pb_ksyms_has(const struct pb_ksyms *ks, const char *name);
/* Whether a global function (kallsyms 'T', 'W') of exactly this NAME
 * exists. */
int pb_ksyms_has_global(const struct pb_ksyms *ks, const char *name);

/* The BPF programs a function can be hooked with: which argument holds the
 * page (or folio), and whether it takes or drops the reference. */
enum pb_bpf_prog {
	PB_BPF_GET_ARG1,
	PB_BPF_GET_ARG2,
	PB_BPF_PUT_ARG1,
	PB_BPF_READ_ARG1,	/* a get only under a splice */
};

enum pb_bpf_role {
	PB_BPF_ROLE_GUP,	/* every one this kernel has */
	PB_BPF_ROLE_SPLICE,	/* the first this kernel has */
	PB_BPF_ROLE_PUT,	/* every one this kernel has */
	PB_BPF_ROLE_SPLICE_READ,	/* the first, when no SPLICE one is there */
};

struct pb_bpf_hook {
	const char *func;
	enum pb_bpf_role role;
	enum pb_bpf_prog prog;
};

#define PB_BPF_MAX_HOOKS 12

/* The functions of KS to hook, into HOOKS (at most PB_BPF_MAX_HOOKS).
 * Returns how many; *NGUP says how many of them are GUP grabs (none: the
 * caller refuses, naming pb_bpf_gup_candidates). */
size_t pb_bpf_choose_hooks(const struct pb_ksyms *ks, struct pb_bpf_hook *hooks, size_t *ngup);
/* The function a page cache read hook (PB_BPF_ROLE_SPLICE_READ) is gated
 * by: the file system's splice read, whose entry and return are hooked so
 * that the reads of tasks outside it are let go without a stack walk.
 * NULL when HOOKS have no such hook or KS has no such function. */
const char *pb_bpf_splice_gate(const struct pb_ksyms *ks, const struct pb_bpf_hook *hooks,
			       size_t n);
/* Whether hook H is left out because what it sees is hooked once a call:
 * the GUP grabs when the GUP calls are (PER_CALL), and the page cache reads
 * when the splice read GATE is walked at its return instead (PER_CALL as
 * well: the walk needs bpf_loop() too). */
int pb_bpf_hook_left_out(const struct pb_bpf_hook *h, int per_call, const char *gate);
/* "try_grab_folio_fast, try_grab_folio, ...": for the refusal. */
const char *pb_bpf_gup_candidates(void);

struct btf;
struct btf_type;
/* A GUP call hooked once a call, at its return (bpf_btf.c, in a build
 * with libbpf): the function
 * and which of its arguments (from 0) is the array of pages it fills. */
struct pb_bpf_gup_call {
	const char *func;	/* in the BTF's strings */
	int pages_arg;
};

/* The argument of FUNC (a BTF_KIND_FUNC of BTF) that is a struct page **
 * or struct folio **, from 0; -1 when FUNC returns no integer or has
 * none. */
int pb_bpf_btf_pages_arg(const struct btf *btf, const struct btf_type *func);
/* The functions of the GUP API (by name: get_user_pages*, pin_user_pages*,
 * memfd_pin_folios) that BTF has with such an array and KS has global, into
 * CALLS (at most MAX). Returns how many. */
size_t pb_bpf_choose_gup_calls(const struct btf *btf, const struct pb_ksyms *ks,
			       struct pb_bpf_gup_call *calls, size_t max);

/* The pfn ranges watched, [start, end), sorted and joined; none: every
 * page (bpf_watch.c). */
struct pb_bpf_range {
	uint64_t start, end;
};
struct pb_bpf_watch {
	struct pb_bpf_range r[PB_BPF_WATCH_RANGES];
	size_t n;
};
/* Adds [START, END); past PB_BPF_WATCH_RANGES the last range grows. */
void pb_bpf_watch_add(struct pb_bpf_watch *w, uint64_t start, uint64_t end);
/* --bpf-pfns START-END[,START-END...]: 0 or -1 after saying why. */
int pb_bpf_watch_parse(struct pb_bpf_watch *w, const char *spec);
/* Adds the Movable zones of /proc/zoneinfo text: how many, -1 on a read
 * error. */
long pb_bpf_watch_zoneinfo(struct pb_bpf_watch *w, FILE *f);
/* The CMA areas a source told of: those whose pfns were added, those it
 * names with no address, and the pages added (to hold against
 * /proc/meminfo's CmaTotal). */
struct pb_bpf_cma_found {
	long placed, unplaced;
	uint64_t pages;
};
/* A kernel log line that tells of a CMA area: "cma: Reserved N MiB at
 * 0x..." or "Reserved memory: created CMA memory pool at 0x..., size N
 * MiB" (added), or "cma: Reserved N MiB in M ranges" (no address). 1 for
 * such a line, counted in FOUND; 0 for any other. */
int pb_bpf_watch_log_line(struct pb_bpf_watch *w, const char *line, unsigned page_shift,
			  struct pb_bpf_cma_found *found);
/* Each line of a kernel log (dmesg) text: areas told of, -1 on a read
 * error. */
long pb_bpf_watch_log(struct pb_bpf_watch *w, FILE *f, unsigned page_shift,
		      struct pb_bpf_cma_found *found);
/* Adds each area of DIR (debugfs cma/): its ranges/<N>/ when it has them,
 * else its base_pfn and count. Areas found (counted in FOUND). */
long pb_bpf_watch_cma_debugfs(struct pb_bpf_watch *w, const char *dir,
			      struct pb_bpf_cma_found *found);
/* The "CmaTotal:" of /proc/meminfo text in kB; -1 when it has none. */
long long pb_bpf_cma_total_kb(FILE *f);
/* The CMA areas (debugfs, else the kernel log at KMSG) and the Movable
 * zones; FROM says where they came from. No ranges (every page) when a CMA
 * area has no address or the areas found hold less than CmaTotal: FROM
 * then says why. */
void pb_bpf_watch_defaults(struct pb_bpf_watch *w, const char *proc, const char *sysfs,
			   const char *kmsg, unsigned page_shift, struct pb_buf *from);
/* Whether PFN is watched (every pfn is when there are no ranges). */
int pb_bpf_watch_has(const struct pb_bpf_watch *w, uint64_t pfn);
/* "0xS-0xE,..." or "all". */
void pb_bpf_watch_format(const struct pb_bpf_watch *w, struct pb_buf *b);

/* The page records written lately, so that a page that fails again with
 * the same latest get is not written twice: direct-mapped, fixed size (a
 * collision only means a record written again). */
#define PB_BPF_SEEN_SLOTS 4096
struct pb_bpf_seen {
	struct {
		uint64_t page, get_ns;
	} slot[PB_BPF_SEEN_SLOTS];
};
/* 1 when PAGE was written with this GET_NS already; else remembers it. */
int pb_bpf_seen(struct pb_bpf_seen *seen, uint64_t page, uint64_t get_ns);

/* A stack's frames: up to PB_BPF_STACK_DEPTH addresses, 0 ends it. */
struct pb_bpf_frames {
	const uint64_t *ip;
	size_t n;
};

/* Appends to B, in the ftrace text of a kprobe hit with a stacktrace
 * trigger, the latest get of PAGE: "FUNC: (FUNC+0x0/0xSIZE) page=0x..."
 * and its <stack trace> block (none when STACK has no frames). */
void pb_bpf_write_page(struct pb_buf *b, const struct pb_ksyms *ks, uint64_t page,
		       const struct pb_bpf_page *rec, const struct pb_bpf_frames *stack);
/* Appends the first put of the page at PFN after a failure on it (REC's
 * put side) as page_pinner's page_pinner_put event, "pfn=0x... count=N",
 * with its <stack trace> block (none when STACK has no frames). */
void pb_bpf_write_put(struct pb_buf *b, const struct pb_ksyms *ks, uint64_t pfn,
		      const struct pb_bpf_page *rec, const struct pb_bpf_frames *stack);
/* A get of record's own whose pfn /proc/self/pagemap gave (PFN, its struct
 * PAGE), at NS on CPU: a point the importer fits the vmemmap through. */
void pb_bpf_write_calibration(struct pb_buf *b, uint32_t pid, uint32_t cpu, uint64_t ns,
			      uint64_t pfn, uint64_t page);
/* Appends the user stack of REC's get as ftrace's userstacktrace option
 * prints it ("<user stack trace>", then " =>  <%016lx>" per frame); nothing
 * when STACK has no frames. */
void pb_bpf_write_ustack(struct pb_buf *b, const struct pb_bpf_page *rec,
			 const struct pb_bpf_frames *stack);
/* Appends a failure point as the kernel's tracepoint prints it, with its
 * stack past the tracer's own frames. */
void pb_bpf_write_failure(struct pb_buf *b, const struct pb_ksyms *ks,
			  const struct pb_bpf_failure *f, const struct pb_bpf_frames *stack);

#endif
