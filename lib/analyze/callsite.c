/* callsite.c - the tracer's frames cut from a stack, and the call site
 * named in what is left.
 *
 * A stack captured by a trace event starts (at the leaf) with the code
 * that captured it. For a tracepoint that is the event's own frames
 * (trace_event_raw_event_X, perf_trace_X, __traceiter_X, __bpf_trace_X)
 * under the stacktrace trigger's (event_triggers_call, stack_trace_save,
 * ...): the first frame past them emitted the event. For a kprobe it is
 * the probe handlers and then whatever brought the CPU from the probed
 * instruction to them: a breakpoint exception (arm64 el1_dbg on 6.1,
 * do_el1_brk64 on 6.12, x86 exc_int3), an ftrace trampoline (x86
 * kprobe_ftrace_handler under a bare address), an optprobe trampoline.
 * Those differ by architecture and version, so they are not listed: the
 * probed function is known from the probe's definition (the event's
 * "(try_grab_folio+0x0/0x1d0)"), and everything leafward of it is the
 * tracer's. An optimized kprobe (x86, a probe past the function's entry)
 * runs from a trampoline that the unwinder cannot get out of: its stack
 * ends at the trampoline's bare address, with no caller to name.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

/* Frames of the tracing machinery itself: tracepoint emission, the
 * stacktrace trigger and stack capture, perf and BPF, the kernel log's
 * own dump_stack. */
static const char *const tracer_globs[] = {
	"trace_*", "__trace_*", "__traceiter_*", "perf_trace_*", "__bpf_trace_*",
	"bpf_trace_run*", "tracing_*", "ftrace_*", "__ftrace_*", "arch_ftrace_*",
	"event_triggers_*", "__event_trigger*", "stacktrace_*trigger*", "stack_trace_*",
	"arch_stack_walk*", "save_stack_trace*", "perf_*", "__perf_*", "get_perf_callchain",
	"dump_stack*", "__dump_stack", "show_stack", "dump_backtrace", "show_trace_log_lvl",
};

/* Probe handlers: the probed function is rootward of them, past the
 * exception entry or trampoline that called them. */
static const char *const probe_handler_globs[] = {
	"*kprobe*", "*kretprobe*", "optimized_callback", "opt_pre_handler", "aggr_pre_handler",
	"*fprobe*", "*rethook*", "*uprobe*",
};

static int matches_any(const char *const *globs, size_t n, const char *func)
{
	for (size_t i = 0; i < n; i++)
		if (fnmatch(globs[i], func, 0) == 0)
			return 1;
	return 0;
}

static int is_tracer(const char *func)
{
	return matches_any(tracer_globs, PB_ARRAY_SIZE(tracer_globs), func);
}

static int is_probe_handler(const char *func)
{
	return matches_any(probe_handler_globs, PB_ARRAY_SIZE(probe_handler_globs), func);
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n > k && !memcmp(s + n - k, suffix, k);
}

const char *frame_func(const char *symbol, char *buf, size_t len)
{
	size_t n = strlen(symbol);
	const char *dot = symbol[0] == '.' ? NULL : strchr(symbol, '.');

	/* "el0_svc_common.constprop.0", "io_sqe_buffers_register.cold" */
	if (dot)
		n = (size_t)(dot - symbol);
	/* alloc_hooks() of 6.10+ renames the allocators "X_noprof" */
	if (ends_with(symbol, n, "_noprof"))
		n -= strlen("_noprof");
	if (n >= len)
		n = len - 1;
	memcpy(buf, symbol, n);
	buf[n] = '\0';
	return buf;
}

int frame_is_address(const char *func)
{
	if (!strcmp(func, "[unknown]"))
		return 1;
	if (func[0] != '0' || func[1] != 'x' || !func[2])
		return 0;
	return strspn(func + 2, "0123456789abcdefABCDEF") == strlen(func + 2);
}

/* --- the probed functions ---------------------------------------------- */

static void probe_set_put(struct probe_set *p, const char *func, size_t len)
{
	char sym[256], buf[256];

	if (!len || len >= sizeof(sym))
		return;
	memcpy(sym, func, len);
	sym[len] = '\0';
	frame_func(sym, buf, sizeof(buf));
	if (probe_set_has(p, buf))
		return;
	PB_GROW(p->v, p->n + 1, p->cap);
	p->v[p->n++] = pb_strdup(buf);
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The length of NAME without a "_N" that numbers a second probe of the
 * same function, or 0 when it has none. */
static size_t numbered_len(const char *name)
{
	size_t n = strlen(name), digits = 0;

	while (digits < n && is_digit(name[n - 1 - digits]))
		digits++;
	if (!digits || digits + 1 >= n || name[n - 1 - digits] != '_')
		return 0;
	return n - 1 - digits;
}

void probe_set_add(struct probe_set *p, const char *location, const char *name)
{
	const char *plus = location ? strchr(location, '+') : NULL;
	const char *event = name ? strchr(name, ':') : NULL;

	/* ftrace prints "sym+0x0/0x1d0"; perf and trace-cmd an address */
	if (plus && plus > location && !frame_is_address(location)) {
		probe_set_put(p, location, (size_t)(plus - location));
		return;
	}
	/* the probe's name then, which perf probe and record make the
	 * function's ("probe:try_grab_folio"; a second probe is "..._1") */
	event = event ? event + 1 : name;
	if (!event)
		return;
	probe_set_put(p, event, strlen(event));
	probe_set_put(p, event, numbered_len(event));
}

int probe_set_has(const struct probe_set *p, const char *func)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->v[i], func))
			return 1;
	return 0;
}

void probe_set_free(struct probe_set *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/* --- the cut ------------------------------------------------------------ */

static int only_addresses(const char *const *funcs, size_t from, size_t n)
{
	for (size_t i = from; i < n; i++)
		if (!frame_is_address(funcs[i]))
			return 0;
	return 1;
}

struct stack_cut stack_cut(const char *const *funcs, size_t n, const struct probe_set *probes)
{
	struct stack_cut cut = { 0, 0 };
	int probed = 0;
	size_t i;

	/* the tracer's frames run from the leaf; bare addresses among them
	 * are its trampolines */
	for (i = 0; i < n; i++) {
		if (is_probe_handler(funcs[i]))
			probed = 1;
		else if (!is_tracer(funcs[i]) && !frame_is_address(funcs[i]))
			break;
	}
	cut.first = i;
	if (probed && probes) {
		for (size_t j = i; j < n; j++) {
			if (probe_set_has(probes, funcs[j])) {
				cut.first = j;
				break;
			}
		}
	}
	/* nothing below the tracer but addresses: the unwinder stopped at a
	 * trampoline (x86 optprobes), the callers are not known */
	cut.cut_short = n > 0 && only_addresses(funcs, cut.first, n);
	return cut;
}

/* --- the call site ------------------------------------------------------ */

/* Whether a frame of FUNCS[from..n) is one that IS says. */
static int rootward(const char *const *funcs, size_t from, size_t n, int (*is)(const char *))
{
	for (size_t i = from; i < n; i++)
		if (is(funcs[i]))
			return 1;
	return 0;
}

/* Frames that belong to the path rootward of them: a page cache read
 * made for a splice (up to 6.4 splice reads the file through
 * filemap_read into the pipe), and, in an allocation stack, a page
 * fault that get_user_pages took for its caller (faultin_page). */
static int walked_for_caller(const struct pb_noise *noise, const char *const *funcs, size_t i,
			     size_t n, enum stack_mode mode, enum frame_class cls)
{
	if (cls == FRAME_COMMON && noise_is_cache(noise, funcs[i]))
		return rootward(funcs, i + 1, n, noise_is_splice);
	if (cls == FRAME_HOLDER && mode == MODE_ALLOC && noise_is_fault(noise, funcs[i]))
		return rootward(funcs, i + 1, n, noise_is_gup);
	return 0;
}

/* Direct I/O: the block layer's bio made from an iov_iter, a file
 * system's or block device's direct-I/O code (iomap_dio_bio_iter, 5.10's
 * iomap_dio_bio_actor, __blockdev_direct_IO and its dio_*, ext4_dio_*,
 * xfs_file_dio_*, fuse_direct_io, nfs_direct_read_*). */
static const char *const direct_io_globs[] = {
	"bio_iov_iter_*", "__bio_iov_iter_*", "*direct_IO*", "*direct_io*", "*_dio_*",
	"dio_*", "*direct_read*", "*direct_write*",
};

static int is_direct_io(const char *func)
{
	return matches_any(direct_io_globs, PB_ARRAY_SIZE(direct_io_globs), func);
}

static const char *syscall_name(const char *func, int *compat);

/* Who issues a file's I/O request: a syscall (read, pread64, readv,
 * io_submit, ...), whatever the arch calls its entry, or io_uring's
 * issue of a request, which runs from io_uring_enter, an io-wq worker or
 * the SQPOLL thread alike. */
static int is_io_issuer(const char *func)
{
	int compat;

	return syscall_name(func, &compat) || !strcmp(func, "io_issue_sqe");
}

/* Whether FUNC is a part of CALLER that bears its name, "F_slow",
 * "F_fast", "F_locked" called by F (hva_to_pfn_slow and hva_to_pfn_fast
 * by hva_to_pfn): one function that takes the page on either path, and
 * whose parts the compiler inlines or not, is named F on every path.
 * "__F" is not one: the kernel names so the worker that several callers
 * share (__do_fault under do_fault, do_read_fault, do_cow_fault). */
static int is_part_of(const char *func, const char *caller)
{
	size_t k = strlen(caller);

	return k && !strncmp(func, caller, k) && func[k] == '_' && func[k + 1];
}

/* Whether frame I is one of the parts of a function F rootward of it:
 * every frame from I to F is a part of F. The compiler inlines a static
 * part or not (process_vm_rw_single_vec() into process_vm_rw_core(),
 * both parts of process_vm_rw()), so the part nearest the leaf is not a
 * name the holder keeps across builds; F is. */
static int part_of_rootward(const struct pb_noise *noise, const char *const *funcs, size_t i,
			    size_t n, enum stack_mode mode)
{
	for (size_t j = i + 1; j < n; j++) {
		if (!is_part_of(funcs[i], funcs[j]))
			continue;
		for (size_t k = i + 1; k < j; k++)
			if (!is_part_of(funcs[k], funcs[j]))
				return 0;
		return noise_classify(noise, funcs[j], mode) == FRAME_HOLDER;
	}
	return 0;
}

/* Whether frame I serves a direct I/O that an issuer rootward of it
 * made: a direct-I/O frame leafward of it (DIRECT_IO, the bio helper
 * walked through) or between it and the issuer (fuse_get_user_pages()
 * under fuse_direct_io()). */
static int serves_direct_io(const char *const *funcs, size_t i, size_t n, int direct_io)
{
	if (is_io_issuer(funcs[i]))
		return 0;
	for (size_t j = i; j < n; j++) {
		if (is_io_issuer(funcs[j]))
			return direct_io;
		direct_io |= is_direct_io(funcs[j]);
	}
	return 0;
}

/* Frame I of FUNCS[..n) is walked to a caller rootward that names the
 * holder better: the issuer of the direct I/O it serves, or the function
 * it is a part of. */
static int named_by_caller(const struct pb_noise *noise, const char *const *funcs, size_t i,
			   size_t n, enum stack_mode mode, enum frame_class cls, int direct_io)
{
	if (!noise->roles)
		return 0;
	/* the I/O request holds the pages until it completes; the frames
	 * that carry it (VFS, the file system, iomap or the legacy dio
	 * code, generic_file_read_iter) are its path whatever their names,
	 * and the same file read through read(2), io_submit(2) or io_uring
	 * takes the same path. A common path of --noise FILE stays one. */
	if ((cls == FRAME_HOLDER || noise_is_cache(noise, funcs[i])) &&
	    serves_direct_io(funcs, i, n, direct_io))
		return 1;
	return part_of_rootward(noise, funcs, i, n, mode);
}

size_t callsite_pick(const struct pb_noise *noise, const char *const *funcs, size_t n,
		     size_t first, enum stack_mode mode, int *common)
{
	int splice_read = 0;	/* a page cache read made for a splice is leafward */
	int direct_io = 0;	/* the pages are a direct I/O's */

	*common = 0;
	for (size_t i = first; i < n; i++) {
		enum frame_class cls = noise_classify(noise, funcs[i], mode);

		direct_io |= is_direct_io(funcs[i]);
		if (cls == FRAME_SKIP)
			continue;
		if (walked_for_caller(noise, funcs, i, n, mode, cls)) {
			splice_read |= cls == FRAME_COMMON;
			continue;
		}
		/* Between that read and the splice that made it, the file's own
		 * read path (ext4_file_read_iter, nfs_file_read,
		 * cifs_strict_readv, ...) is the splice's too, whatever its
		 * name. */
		if (splice_read && rootward(funcs, i + 1, n, noise_is_splice))
			continue;
		if (named_by_caller(noise, funcs, i, n, mode, cls, direct_io))
			continue;
		*common = cls == FRAME_COMMON;
		return i;
	}
	return n;
}

/* The syscall's name, X, of an entry frame, whatever wrapper the kernel
 * generation or the arch made of it, or NULL: 4.17+'s SYSCALL_DEFINE
 * makes "__se_sys_X" call "__do_sys_X", arch wrappers add "__arm64_sys_X",
 * "__x64_sys_X", "__ia32_compat_sys_X"; before 4.17 it made "SyS_X" call
 * "SYSC_X" (COMPAT_SYSCALL_DEFINE: "compat_SyS_X" and "C_SYSC_X"); and
 * "sys_X" / "compat_sys_X" name the syscall where the arch has no
 * wrappers (ppc64 before 6.x, with the body inlined into it). *COMPAT:
 * whether it is the compat entry. */
static const char *syscall_name(const char *func, int *compat)
{
	static const struct {
		const char *prefix;
		int compat;
	} pre_4_17[] = {
		{ "SyS_", 0 }, { "SYSC_", 0 }, { "compat_SyS_", 1 }, { "C_SYSC_", 1 },
		{ "compat_sys_", 1 }, { "sys_", 0 },
	};
	const char *p = func + 2, *sys;

	for (size_t i = 0; i < PB_ARRAY_SIZE(pre_4_17); i++) {
		size_t k = strlen(pre_4_17[i].prefix);

		if (!strncmp(func, pre_4_17[i].prefix, k) && func[k]) {
			*compat = pre_4_17[i].compat;
			return func + k;
		}
	}
	*compat = 0;
	if (func[0] != '_' || func[1] != '_')
		return NULL;
	sys = strstr(p, "_sys_");
	if (!sys || sys == p || !sys[5])
		return NULL;
	*compat = sys - p >= 7 && !memcmp(sys - 7, "_compat", 7);
	/* one word before "sys_" (the arch, "se", "do"), and "_compat" */
	for (const char *q = p; q < sys - (*compat ? 7 : 0); q++)
		if (*q == '_')
			return NULL;
	return sys + 5;
}

/* An entry frame by the name 4.17+ gives the syscall's body, so that a
 * holder is named alike on every kernel generation and arch. */
const char *callsite_name(const char *func, char *buf, size_t len)
{
	int compat = 0;
	const char *name = syscall_name(func, &compat);

	if (!name)
		snprintf(buf, len, "%s", func);
	else
		snprintf(buf, len, "%s%s", compat ? "__do_compat_sys_" : "__do_sys_", name);
	return buf;
}
