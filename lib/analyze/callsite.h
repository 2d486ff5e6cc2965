/* callsite.h - from a stack to its call site, without the store: which
 * leaf frames belong to the tracer, and which frame, past the helpers,
 * names the code that held (or allocated) the page. Pure functions over
 * function names, so the unit tests feed them real stack shapes. */
#ifndef PINBLAME_CALLSITE_H
#define PINBLAME_CALLSITE_H

#include <stddef.h>

struct pb_noise;

/* How the holder is named: a reference taken or dropped, or the page's
 * allocation stack (page_owner), whose caller is the one outside the
 * allocator, page cache, shmem and GUP internals. */
enum stack_mode { MODE_HOLD, MODE_ALLOC, MODE_NMODES };

/* The function a frame's symbol is: compiler suffixes (".constprop.0",
 * ".isra.0", ".cold", ".part.0") dropped, and 6.10+ memory allocation
 * profiling's "_noprof" (alloc_pages_noprof is alloc_pages). */
const char *frame_func(const char *symbol, char *buf, size_t len);

/* Whether FUNC is a bare address ("0xffffffffc02070c8", "[unknown]"):
 * a trampoline or code without a symbol. */
int frame_is_address(const char *func);

/* The functions that kprobes of the store probe, from each probe event's
 * location "(try_grab_folio+0x0/0x1d0)" or, when it prints an address,
 * its name ("probe:try_grab_folio"). */
struct probe_set {
	char **v;
	size_t n, cap;
};

/* LOCATION is "sym+0x0/0x1d0" or an address; NAME "group:event". */
void probe_set_add(struct probe_set *p, const char *location, const char *name);
int probe_set_has(const struct probe_set *p, const char *func);
void probe_set_free(struct probe_set *p);

/* The tracer's part of a stack, cut by construction: leafward of the
 * probed function for a kprobe hit, leafward of and including the
 * tracepoint's own frames (trace_event_raw_event_*, perf_trace_*,
 * __traceiter_*, __bpf_trace_*, the stacktrace trigger) otherwise. */
struct stack_cut {
	size_t first;		/* the first frame that is not the tracer's */
	int cut_short;		/* ends in a trampoline with no callers */
};

/* FUNCS: frame_func() names, leaf first. */
struct stack_cut stack_cut(const char *const *funcs, size_t n, const struct probe_set *probes);

/* The call site of FUNCS[first..n): its index (n when every frame is
 * walked through) and whether it is a common path. */
size_t callsite_pick(const struct pb_noise *noise, const char *const *funcs, size_t n,
		     size_t first, enum stack_mode mode, int *common);

/* How call site FUNC is named: a syscall's entry wrappers
 * (__arm64_sys_X, __x64_sys_X, __se_sys_X) are __do_sys_X, the one name
 * that every architecture and inlining has. Into BUF. */
const char *callsite_name(const char *func, char *buf, size_t len);

#endif
