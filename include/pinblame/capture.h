/* capture.h - live capture through tracefs (pinblame record).
 *
 * A capture session changes tracefs settings one at a time and remembers
 * how to undo each change, so that pb_capture_restore() can put every file
 * back as it was, in reverse order, whatever point setup reached. All paths
 * are relative to a tracefs root given to pb_capture_open(), so tests can
 * point a session at a plain directory tree that looks like tracefs.
 *
 * Errors are reported with pb_error() and returned as -1 (or NULL).
 */
#ifndef PINBLAME_CAPTURE_H
#define PINBLAME_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct pb_capture;

/* Opens the tracefs at ROOT, or, when ROOT is NULL, the mounted tracefs
 * (mounting it on /sys/kernel/tracing when it is not mounted and we may).
 * Fails with a clear message when there is no tracefs or when its control
 * files are not writable (not root). */
struct pb_capture *pb_capture_open(const char *root);
const char *pb_capture_root(const struct pb_capture *cap);

/* The default event list: what pinblame's analysis reads. */
extern const char pb_capture_default_events[];

/* Selects events from LIST, comma-separated "SYSTEM:EVENT" patterns where
 * EVENT may be "*"; a "/nostack" suffix skips the stacktrace trigger, and
 * "/stack-if=FILTER" takes the stack only when the ftrace FILTER matches.
 * Every pattern that matches nothing on this kernel is reported with the
 * kernel configuration or boot option that would add it; that is a warning
 * when OPTIONAL is set (the default list) and an error otherwise. Fails too
 * when no event at all is left. Returns the number of events selected. */
int pb_capture_select(struct pb_capture *cap, const char *list, int optional);

/* Checks the syntax of an event LIST; reports and returns -1 when bad. */
int pb_capture_check_list(const char *list);

/* The kernel config or boot option that adds SYSTEM:EVENT (EVENT may be
 * "*"), or NULL when there is nothing to suggest. */
const char *pb_capture_event_hint(const char *system, const char *event);

/* Number of selected events, and the I-th as "system:event". */
size_t pb_capture_nevents(const struct pb_capture *cap);
const char *pb_capture_event(const struct pb_capture *cap, size_t i);

/* Where procfs is (default "/proc"): kallsyms, to know which functions
 * this kernel has, and sys/debug/kprobes-optimization. For tests. */
void pb_capture_set_proc(struct pb_capture *cap, const char *proc);
/* The uname machine whose argument registers a probe falls back to
 * (default: this machine's). For tests. */
void pb_capture_set_machine(struct pb_capture *cap, const char *machine);

/* Adds kprobes, at function entry, where this kernel takes page references
 * for holders (group "pinblame", each with a stack trigger): every
 * get_user_pages grab function it has (try_grab_folio_fast,
 * try_grab_folio, try_grab_compound_head, try_grab_page, page=), the
 * function that puts page-cache pages into pipes (splice_folio_into_pipe
 * or copy_page_to_iter_pipe, page=) and generic_file_splice_read (file=,
 * pos=). Turns kprobe optimization off for the run when a probe is not
 * ftrace-based. Fails when no GUP probe can be placed, when the kernel
 * has no kprobe_events, or when a probe is left over from an earlier run.
 * Returns the number of GUP probes placed. */
int pb_capture_probe_gup(struct pb_capture *cap);

/* What pb_capture_probe_gup() chose, and which candidates this kernel
 * lacks, as one line; NULL before. */
const char *pb_capture_probe_report(const struct pb_capture *cap);

/* The kprobe_events definition of candidate FUNC: arguments as $argN, or,
 * with USE_REGISTERS, as MACHINE's argument registers. NULL when FUNC is no
 * candidate or MACHINE's registers are not known. Allocated. */
char *pb_capture_probe_definition(const char *func, const char *machine, int use_registers);

/* Applies the settings: tracing off, the nop tracer, per-CPU buffer of at
 * least BUFFER_KB,
 * no overwrite (keep the oldest events), tgid column, raw pointers,
 * an empty buffer, the kprobes, then enable and stacktrace trigger of each
 * selected event. After a failure, pb_capture_restore() (or _close) undoes
 * what was done. */
int pb_capture_setup(struct pb_capture *cap, unsigned long buffer_kb);

int pb_capture_start(struct pb_capture *cap);
int pb_capture_stop(struct pb_capture *cap);

/* Copies what trace_pipe has now to FD without blocking. Returns the
 * number of bytes copied (0 when there was nothing), or -1. */
long pb_capture_pump(struct pb_capture *cap, int fd);

/* Writes to FD, after what was copied from trace_pipe, a line
 * "CPU:N [LOST M EVENTS]" for each CPU whose full buffer refused M events
 * since setup (trace_pipe does not mark those), and sets *LOST to the
 * events the ring buffer dropped or overwrote since setup, all CPUs, from
 * the same reading of their counts. 0, or -1 on a write error. */
int pb_capture_mark_dropped(struct pb_capture *cap, int fd, uint64_t *lost);

/* With the GUP probes placed and set up, before the capture starts: a
 * child vmsplices two pages of its own and FD gets, for each, a line
 * "pinblame_vmemmap: pfn=0x%lx page=0x%lx" with the page= its probe hit
 * printed and the pfn /proc/self/pagemap gave, in the hit's task, cpu and
 * time, so that import maps the probes' pointers to pfns on any kernel.
 * When that cannot be done a warning says why. 0, or -1 on an error. */
int pb_capture_calibrate(struct pb_capture *cap, int fd);

/* The pfn of our page at ADDR from PROC/self/pagemap (bits 0-54 when bit
 * 63, present, is set); 0 when not present or without CAP_SYS_ADMIN. */
uint64_t pb_pagemap_pfn(const char *proc, const void *addr, long page_size);

/* A get of our own: vmsplices our page at P, whose pfn is PFN, into the
 * pipe FD; 1 when the pipe took it and pagemap still gives PFN (the page
 * did not move in between), else 0. */
int pb_splice_own_page(const char *proc, int fd, void *p, long page_size, uint64_t pfn);

/* A probe hit of the calibrating child in the trace file's text. */
struct pb_calib_hit {
	uint64_t page;		/* its page= */
	const char *prefix;	/* its line, up to the event name */
	size_t prefix_len;
};
/* The hits of task PID that print page=, in order, into HITS; how many
 * (MAX + 1 when there are more). */
size_t pb_calib_hits(const char *text, pid_t pid, struct pb_calib_hit *hits, size_t max);

/* Writes, under directory DIR (created), the format file of every selected
 * event and probe (formats/SYSTEM/EVENT/format), header_page and
 * header_event, and uname.txt. */
int pb_capture_save_formats(struct pb_capture *cap, const char *dir);

/* The head of every trace record writes, into B: "# tracer: nop" (the
 * ftrace parser's mark of its format) and the "# pinblame-record:
 * KEY=VALUE" facts the trace_pipe text does not carry (version, kernel,
 * arch, uname, cpus); the caller adds its own keys and the closing "#".
 * -1 after printing why uname failed. */
struct pb_buf;
int pb_capture_header(struct pb_buf *b);

/* Undoes every change, newest first; continues past a file that cannot be
 * restored and returns -1 if there was one. Safe to call more than once. */
int pb_capture_restore(struct pb_capture *cap);

/* Restores (if not done yet) and frees. */
void pb_capture_close(struct pb_capture *cap);

/* record --bpf (lib/capture/bpf.c): page references kept in BPF maps, the
 * pages of failed allocations written to OUT_FD as ftrace text. */
struct pb_bpf_opts {
	const char *proc;	/* procfs: kallsyms */
	const char *sysfs;	/* BTF and the kprobe PMU */
	const char *tracefs;	/* kprobe_events, when perf has no kprobe PMU */
	unsigned long max_pages;	/* entries of the page map and stack map */
	int out_fd;
	const char *pfns;	/* --bpf-pfns; NULL: the CMA areas and ZONE_MOVABLE */
};
/* Whether SPEC is a --bpf-pfns value: 0, or -1 after saying why. */
int pb_bpf_check_pfns(const char *spec);
struct pb_bpf_run;
/* Checks the kernel (BTF, kprobes, the GUP functions), loads and attaches.
 * NULL after saying why and what to use instead: exit PB_EXIT_INPUT. */
struct pb_bpf_run *pb_bpf_start(const struct pb_bpf_opts *o);
/* Waits up to TIMEOUT_MS for failure events and writes what they need. */
int pb_bpf_poll(struct pb_bpf_run *r, int timeout_ms);
/* Detaches, writes what is left and says what was seen. */
int pb_bpf_stop(struct pb_bpf_run *r);
uint64_t pb_bpf_bytes(const struct pb_bpf_run *r);
void pb_bpf_close(struct pb_bpf_run *r);

#endif
