/* bpf_attach.c - which functions `record --bpf` hooks and how: the hook
 * candidates looked up in kallsyms, the checks made before anything is
 * loaded (BTF, kprobes, kallsyms, PINBLAME_BPF_ATTACH), and, in a build
 * with BPF, loading the programs of one attach kind (fentry, else
 * kprobes), attaching them and falling back from one kind to the other.
 * Apart from the run (bpf.c), which starts from what this chose and turns
 * the ring buffer and the maps into text. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf_int.h"

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

const char *pb_bpf_splice_gate(const struct pb_ksyms *ks, const struct pb_bpf_hook *hooks,
			       size_t n)
{
	/* up to 6.4 the page cache's ->splice_read of every file system
	 * that fills a pipe with its own pages; 6.5+ has
	 * splice_folio_into_pipe, which takes the page itself */
	static const char gate[] = "generic_file_splice_read";

	for (size_t i = 0; i < n; i++)
		if (hooks[i].role == PB_BPF_ROLE_SPLICE_READ)
			return pb_ksyms_has(ks, gate) ? gate : NULL;
	return NULL;
}

int pb_bpf_hook_left_out(const struct pb_bpf_hook *h, int per_call, const char *gate)
{
	return per_call && (h->role == PB_BPF_ROLE_GUP ||
			    (gate && h->role == PB_BPF_ROLE_SPLICE_READ));
}

const char *pb_bpf_gup_candidates(void)
{
	return "try_grab_folio_fast, try_grab_folio, try_grab_compound_head, try_grab_page";
}

/* --- before loading ---------------------------------------------------- */

#define PB_BPF_FALLBACK "the fallback is 'pinblame record --probe-gup' (kprobe_events), " \
	"or 'pinblame record' for the tracepoints alone"

/* A refusal: why, and what to use instead. */
int refuse(const char *why)
{
	pb_error("--bpf: %s; %s", why, PB_BPF_FALLBACK);
	return -1;
}

const char *const attach_names[] = { "auto", "fentry", "kprobe" };

/* Which of NAMES (N of them, the first "auto") the environment variable
 * VAR holds: 0 when it is unset or empty, -1 after saying what it takes. */
static int env_choice(const char *var, const char *const *names, int n)
{
	const char *v = getenv(var);
	char list[128] = "";

	if (!v || !*v)
		return 0;
	for (int i = 0; i < n; i++)
		if (!strcmp(v, names[i]))
			return i;
	for (int i = 0; i < n; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
			 !i ? "" : i == n - 1 ? " or " : ", ", names[i]);
	pb_error("--bpf: %s is %s, not '%s'", var, list, v);
	return -1;
}

static int attach_wanted(enum attach_kind *kind)
{
	int k = env_choice("PINBLAME_BPF_ATTACH", attach_names, ATTACH_KPROBE + 1);

	*kind = k < 0 ? ATTACH_AUTO : (enum attach_kind)k;
	return k < 0 ? -1 : 0;
}

/* PINBLAME_BPF_PUTS: when the put hooks are attached, 0 or -1 (said). */
int puts_wanted(enum puts_mode *mode)
{
	static const char *const names[] = { "failure", "always" };
	int m = env_choice("PINBLAME_BPF_PUTS", names, PUTS_ALWAYS + 1);

	*mode = m < 0 ? PUTS_AFTER_FAILURE : (enum puts_mode)m;
	return m < 0 ? -1 : 0;
}

int gup_wanted(enum gup_mode *mode)
{
	static const char *const names[] = { "auto", "call", "page" };
	int m = env_choice("PINBLAME_BPF_GUP", names, GUP_PAGE + 1);

	*mode = m < 0 ? GUP_AUTO : (enum gup_mode)m;
	return m < 0 ? -1 : 0;
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
int preflight(const struct pb_bpf_opts *o, struct pb_ksyms *ks, struct pb_bpf_hook *hooks,
	      size_t *nhooks, int *kprobes, enum attach_kind *kind)
{
	char why[512];
	size_t ngup;
	enum gup_mode mode;
	enum puts_mode puts;

	memset(ks, 0, sizeof(*ks));
	if (attach_wanted(kind) < 0 || gup_wanted(&mode) < 0 || puts_wanted(&puts) < 0 ||
	    check_kernel(o->sysfs, o->tracefs, kprobes) < 0)
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

#ifdef PB_HAVE_BPF

/* --- loading and attaching ------------------------------------------- */

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

/* Whether the splice read is hooked once a call (its entry and return
 * walk the pipe's new buffers: pinblame.bpf.c), as the GUP calls are: then
 * the page cache reads are not hooked at all. */
static int splice_by_call(const struct pb_bpf_run *r)
{
	return r->gate && r->per_call;
}

static int hook_left_out(const struct pb_bpf_run *r, const struct pb_bpf_hook *h)
{
	return pb_bpf_hook_left_out(h, r->per_call, r->gate);
}

/* The splice read's entry and return programs of R's kind and use: the
 * gate's, or (splice_by_call()) the walk's. */
static void gate_programs(const struct pb_bpf_run *r, struct bpf_program *p[2])
{
	struct pinblame_bpf *skel = r->skel;
	int by_call = splice_by_call(r);

	if (r->kind == ATTACH_KPROBE) {
		p[0] = by_call ? skel->progs.splice_call_in : skel->progs.splice_read_enter;
		p[1] = by_call ? skel->progs.splice_call_out : skel->progs.splice_read_leave;
	} else {
		p[0] = by_call ? skel->progs.fe_splice_call_in : skel->progs.fe_splice_read_enter;
		p[1] = by_call ? skel->progs.fe_splice_call_out : skel->progs.fe_splice_read_leave;
	}
}

/* The splice read's programs: only the two gate_programs() gives, and
 * only with a gate. Its fentry programs load only with a target (like every
 * tracing program, they do not load by default); without one (not in this
 * kernel's BTF) the reads are hooked and go ungated, as they did before. */
static void choose_gate(struct pb_bpf_run *r)
{
	struct pinblame_bpf *skel = r->skel;
	struct bpf_program *kprobes[] = { skel->progs.splice_read_enter,
					  skel->progs.splice_read_leave,
					  skel->progs.splice_call_in, skel->progs.splice_call_out };
	struct bpf_program *p[2];

	for (size_t i = 0; i < PB_ARRAY_SIZE(kprobes); i++)
		bpf_program__set_autoload(kprobes[i], false);
	if (!r->gate)
		return;
	gate_programs(r, p);
	for (size_t i = 0; r->kind == ATTACH_FENTRY && i < 2; i++)
		if (bpf_program__set_attach_target(p[i], 0, r->gate)) {
			pb_warn("--bpf: fentry cannot attach to %s: every page cache read "
				"of a watched page walks its stack", r->gate);
			r->gate = NULL;
			return;
		}
	for (size_t i = 0; i < 2; i++)
		bpf_program__set_autoload(p[i], true);
}

/* The kprobe entry program for a GUP call whose array is argument ARG
 * (from 0), NULL for an argument it does not read. */
static struct bpf_program *gup_call_kprobe(struct pinblame_bpf *skel, int arg)
{
	switch (arg) {
	case 2:
		return skel->progs.gup_call_arg2;
	case 3:
		return skel->progs.gup_call_arg3;
	case 4:
		return skel->progs.gup_call_arg4;
	default:
		return NULL;
	}
}

/* The fexit program of GUP call slot I. */
static struct bpf_program *gup_call_fexit(struct pinblame_bpf *skel, size_t i)
{
	struct bpf_program *p[PB_BPF_GUP_CALL_SLOTS] = {
		skel->progs.fe_gup_call_0, skel->progs.fe_gup_call_1, skel->progs.fe_gup_call_2,
		skel->progs.fe_gup_call_3, skel->progs.fe_gup_call_4, skel->progs.fe_gup_call_5,
		skel->progs.fe_gup_call_6, skel->progs.fe_gup_call_7, skel->progs.fe_gup_call_8,
		skel->progs.fe_gup_call_9, skel->progs.fe_gup_call_10, skel->progs.fe_gup_call_11,
	};

	return p[i];
}

/* Whether every GUP call has a kprobe entry program for its array's
 * argument, and kprobe programs may call bpf_loop(). */
static int gup_calls_kprobe_ready(const struct pb_bpf_run *r)
{
	for (size_t i = 0; i < r->ncalls; i++)
		if (!gup_call_kprobe(r->skel, r->calls[i].pages_arg))
			return 0;
	return libbpf_probe_bpf_helper(BPF_PROG_TYPE_KPROBE, BPF_FUNC_loop, NULL) == 1;
}

/* The GUP calls' programs, when they are hooked: kprobes load the entry
 * programs of the arguments they read and the return program (which need
 * bpf_loop(), 5.17+, so they load only then); fentry one fexit program per
 * call, told which argument is its array, and, where kprobes may be used,
 * the kprobe programs too (r->standby), for a call whose fexit the kernel
 * refuses (x86 trampolines before 6.5 take 6 arguments, and 6.1's
 * get_user_pages_remote has 7). 0, or 1 when fexit cannot take a
 * function (WHY says which). */
static int choose_gup_calls(struct pb_bpf_run *r, char *why, size_t why_size)
{
	struct pinblame_bpf *skel = r->skel;
	int err;

	bpf_program__set_autoload(skel->progs.gup_call_arg2, false);
	bpf_program__set_autoload(skel->progs.gup_call_arg3, false);
	bpf_program__set_autoload(skel->progs.gup_call_arg4, false);
	bpf_program__set_autoload(skel->progs.gup_call_leave, false);
	r->standby = 0;
	if (!r->per_call)
		return 0;
	if (r->kind == ATTACH_FENTRY && r->kprobes && gup_calls_kprobe_ready(r))
		r->standby = 1;
	for (size_t i = 0; i < r->ncalls; i++) {
		struct bpf_program *p;

		if (r->kind == ATTACH_KPROBE || r->standby) {
			p = gup_call_kprobe(skel, r->calls[i].pages_arg);
			if (p)
				bpf_program__set_autoload(p, true);
			bpf_program__set_autoload(skel->progs.gup_call_leave, true);
		}
		if (r->kind == ATTACH_KPROBE)
			continue;
		p = gup_call_fexit(skel, i);
		skel->rodata->gup_call_pages_arg[i] = (__u32)r->calls[i].pages_arg;
		err = bpf_program__set_attach_target(p, 0, r->calls[i].func);
		if (err || bpf_program__set_autoload(p, true)) {
			snprintf(why, why_size, "fexit cannot attach to %s (%s)", r->calls[i].func,
				 strerror(err < 0 ? -err : EINVAL));
			return 1;
		}
	}
	return 0;
}

/* Which programs load: the raw tracepoints always; of the hooks, the kind
 * of KIND, and for fentry only the slots given a function; the GUP grabs'
 * only when the GUP calls are not hooked instead. 0, or 1 when fentry
 * cannot take a function (WHY says which): an fentry target is found by
 * its BTF id, and a static function the kernel's BTF leaves out (Debian's
 * 5.10 arm64: try_grab_compound_head) has none, while kprobes, which find
 * it in kallsyms, still can. */
static int choose_programs(struct pb_bpf_run *r, const struct pb_bpf_hook *hooks, size_t n,
			   char *why, size_t why_size)
{
	struct bpf_program *p;
	size_t used[PB_BPF_READ_ARG1 + 1] = { 0 };
	int err;

	bpf_object__for_each_program(p, r->skel->obj) {
		enum bpf_prog_type t = bpf_program__type(p);

		if (t == BPF_PROG_TYPE_KPROBE)
			bpf_program__set_autoload(p, r->kind == ATTACH_KPROBE);
		else if (t == BPF_PROG_TYPE_TRACING)
			bpf_program__set_autoload(p, false);
	}
	choose_gate(r);
	if (choose_gup_calls(r, why, why_size))
		return 1;
	for (size_t i = 0; i < n; i++) {
		r->hook_prog[i] = NULL;
		if (hook_left_out(r, &hooks[i]))
			continue;
		if (r->kind == ATTACH_KPROBE) {
			r->hook_prog[i] = kprobe_prog(r->skel, hooks[i].prog);
			continue;
		}
		p = fentry_prog(r->skel, hooks[i].prog, used[hooks[i].prog]++);
		r->hook_prog[i] = p;
		if (!p)
			continue;
		err = bpf_program__set_attach_target(p, 0, hooks[i].func);
		if (err || bpf_program__set_autoload(p, true)) {
			snprintf(why, why_size, "fentry cannot attach to %s (%s)", hooks[i].func,
				 err == -ESRCH || err == -ENOENT ? "not in this kernel's BTF"
								 : strerror(err < 0 ? -err : EINVAL));
			return 1;
		}
	}
	return 0;
}

/* The kernel's own ENOTSUPP, which libc has no name for (fentry on a
 * kernel without ftrace direct calls, as arm64 before 6.4). */
#define ENOTSUPP_KERNEL 524

/* errno as said. */
static const char *attach_error(int err)
{
	return err == ENOTSUPP_KERNEL
		       ? "ENOTSUPP: this kernel cannot attach BPF trampolines to its functions"
		       : strerror(err);
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

/* The splice read's entry and return hooks, after the others: both on,
 * or neither. The gate's off, a read is let through to the stack walk, as
 * without a gate; on, the program starts to use it. The walk's off, the
 * pages spliced are not seen (the reads are not hooked). */
static void attach_gate(struct pb_bpf_run *r)
{
	struct bpf_link *in, *out = NULL;
	struct bpf_program *p[2];

	if (!r->gate)
		return;
	gate_programs(r, p);
	if (r->kind == ATTACH_KPROBE) {
		in = bpf_program__attach_kprobe(p[0], false, r->gate);
		if (in)
			out = bpf_program__attach_kprobe(p[1], true, r->gate);
	} else {
		in = bpf_program__attach_trace(p[0]);
		if (in)
			out = bpf_program__attach_trace(p[1]);
	}
	if (!out) {
		pb_warn(splice_by_call(r) ? "--bpf: cannot attach %s to %s (%s): the pages it "
					    "puts into pipes are not seen"
					  : "--bpf: cannot attach %s to %s (%s): every page cache "
					    "read of a watched page walks its stack",
			attach_names[r->kind], r->gate, attach_error(errno));
		bpf_link__destroy(in);
		r->gate = NULL;
		return;
	}
	r->links[r->nlinks++] = in;
	r->links[r->nlinks++] = out;
	r->skel->bss->splice_gate = 1;
}

/* A failure point the kernel does not have is named, not fatal; 1 when
 * attached. */
static int attach_tracepoint(struct pb_bpf_run *r, struct bpf_program *p, const char *tp)
{
	struct bpf_link *l = bpf_program__attach_raw_tracepoint(p, tp);

	if (!l) {
		pb_warn("--bpf: no tracepoint %s on this kernel (%s)", tp, strerror(errno));
		return 0;
	}
	r->links[r->nlinks++] = l;
	return 1;
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
 * reports. Memory: about 185 bytes per page record (128 of value, the
 * LRU hash element's key and links) and 536 per stack, 20 MiB in all for
 * the default 65536 pages. */
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

	if (open_object(r, max_pages) < 0)
		return -1;
	err = choose_programs(r, hooks, n, why, why_size);
	if (err)
		return err;
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

/* A GUP call's hook of KIND: kprobes its entry and its return, both or
 * neither; fexit its slot. 1 when on; 0 when refused (errno says why). */
static int attach_gup_call(struct pb_bpf_run *r, size_t i, enum attach_kind kind)
{
	const struct pb_bpf_gup_call *c = &r->calls[i];
	struct bpf_link *in, *out;

	if (kind != ATTACH_KPROBE) {
		out = bpf_program__attach_trace(gup_call_fexit(r->skel, i));
		if (!out)
			return 0;
		r->links[r->nlinks++] = out;
		return 1;
	}
	if (!gup_call_kprobe(r->skel, c->pages_arg)) {
		errno = ENOTSUP;
		return 0;
	}
	in = bpf_program__attach_kprobe(gup_call_kprobe(r->skel, c->pages_arg), false, c->func);
	if (!in)
		return 0;
	out = bpf_program__attach_kprobe(r->skel->progs.gup_call_leave, true, c->func);
	if (!out) {
		int err = errno;

		bpf_link__destroy(in);
		errno = err;
		return 0;
	}
	r->links[r->nlinks++] = in;
	r->links[r->nlinks++] = out;
	return 1;
}

/* A hook the kernel refused with ERR: ENOTSUPP for the first fentry or
 * fexit one says the kernel attaches no BPF trampoline at all (one after
 * others were attached: this function cannot have one). */
static void note_refusal(struct pb_bpf_run *r, int err)
{
	if (r->kind == ATTACH_FENTRY && err == ENOTSUPP_KERNEL && !r->nlinks)
		r->no_trampolines = 1;
	errno = err;
}

/* The GUP calls' hooks: all on, or 0 with WHY saying which was refused.
 * All or none: the grabs are not hooked then, so the pages of a call
 * left out would not be seen at all. A call whose fexit the kernel
 * refuses with ENOTSUPP while others take theirs (x86 trampolines before
 * 6.5 take at most 6 arguments: 6.1's get_user_pages_remote and
 * pin_user_pages_remote have 7) gets kprobes, where they may be used. */
static int attach_gup_calls(struct pb_bpf_run *r, char *why, size_t why_size)
{
	size_t fexits = 0;

	r->nkprobed = 0;
	for (size_t i = 0; i < r->ncalls; i++) {
		if (attach_gup_call(r, i, r->kind)) {
			fexits += r->kind == ATTACH_FENTRY;
			continue;
		}
		if (r->kind == ATTACH_FENTRY && errno == ENOTSUPP_KERNEL && r->standby) {
			r->kprobed[r->nkprobed++] = i;
			continue;
		}
		note_refusal(r, errno ? errno : EINVAL);
		snprintf(why, why_size, "%s cannot hook the return of %s (%s)",
			 r->kind == ATTACH_KPROBE ? "kprobes" : "fexit", r->calls[i].func,
			 r->nlinks && errno == ENOTSUPP_KERNEL
				 ? "ENOTSUPP, where the calls before it could be: too many arguments?"
				 : attach_error(errno ? errno : EINVAL));
		return 0;
	}
	/* refused all: this kernel attaches no trampoline */
	if (r->nkprobed && !fexits) {
		note_refusal(r, ENOTSUPP_KERNEL);
		snprintf(why, why_size, "fexit cannot hook the return of %s (%s)",
			 r->calls[r->kprobed[0]].func, attach_error(ENOTSUPP_KERNEL));
		return 0;
	}
	for (size_t k = 0; k < r->nkprobed; k++) {
		if (attach_gup_call(r, r->kprobed[k], ATTACH_KPROBE))
			continue;
		snprintf(why, why_size, "neither fexit (ENOTSUPP: too many arguments?) nor kprobes "
			 "can hook the return of %s (%s)", r->calls[r->kprobed[k]].func,
			 attach_error(errno ? errno : EINVAL));
		return 0;
	}
	return 1;
}

/* Attaches r->kind's hooks. 0 when at least one GUP grab (or GUP call) is
 * on (a function refused alone is warned); 1 when none is (WHY says why). */
static int attach_hooks(struct pb_bpf_run *r, const struct pb_bpf_hook *hooks, size_t n,
			char *why, size_t why_size)
{
	size_t gup = r->per_call ? (size_t)attach_gup_calls(r, why, why_size) : 0;
	int refused[PB_BPF_MAX_HOOKS];

	if (r->per_call && !gup)
		return 1;
	r->nputs = 0;
	for (size_t i = 0; i < n; i++) {
		refused[i] = 0;
		if (hook_left_out(r, &hooks[i]))
			continue;
		/* kept for attach_puts(): loaded, not attached yet */
		if (hooks[i].role == PB_BPF_ROLE_PUT) {
			r->put_hooks[r->nputs] = hooks[i];
			r->put_progs[r->nputs++] = r->hook_prog[i];
			continue;
		}
		if (attach_hook(r, &hooks[i], r->hook_prog[i]))
			gup += hooks[i].role == PB_BPF_ROLE_GUP;
		else
			note_refusal(r, refused[i] = errno ? errno : EINVAL);
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

/* The put hooks, once: each refused one is warned. Until they are on,
 * a put costs nothing; only the first put after a failure on a page is
 * kept (pinblame.bpf.c), so they wait for the first failure, as
 * page_pinner's failure tracking does (PINBLAME_BPF_PUTS=always: from
 * the start). */
void attach_puts(struct pb_bpf_run *r)
{
	if (r->puts_on)
		return;
	r->puts_on = 1;
	for (size_t i = 0; i < r->nputs; i++)
		if (!attach_hook(r, &r->put_hooks[i], r->put_progs[i]))
			pb_warn("--bpf: cannot attach %s to %s: its puts are not seen: %s",
				attach_names[r->kind], r->put_hooks[i].func, attach_error(errno));
}

int gup_call_kprobed(const struct pb_bpf_run *r, size_t i)
{
	for (size_t k = 0; k < r->nkprobed; k++)
		if (r->kprobed[k] == i)
			return 1;
	return 0;
}

/* The failure points, the ring buffer, and what is on. */
int attach_failures(struct pb_bpf_run *r, const struct pb_bpf_hook *hooks, size_t n)
{
	struct bpf_link *l;

	attach_tracepoint(r, r->skel->progs.pages_isolated, "test_pages_isolated");
	/* a CMA failure: cma_alloc_busy_retry (5.18+), else the single
	 * cma_alloc event of 5.12 and before (Debian's 5.10), which a kernel
	 * between has neither of: tried without a warning of its own */
	if (!attach_tracepoint(r, r->skel->progs.cma_busy_retry, "cma_alloc_busy_retry")) {
		l = bpf_program__attach_raw_tracepoint(r->skel->progs.cma_alloc_end, "cma_alloc");
		if (l)
			r->links[r->nlinks++] = l;
	}
	attach_tracepoint(r, r->skel->progs.migrate_pages, "mm_migrate_pages");
	fprintf(stderr, "pinblame record: BPF on");
	for (size_t i = 0, first = 1; i < n; i++) {
		if (hook_left_out(r, &hooks[i]) || hooks[i].role == PB_BPF_ROLE_PUT)
			continue;
		fprintf(stderr, "%s%s", first ? " " : ", ", hooks[i].func);
		first = 0;
	}
	if (r->per_call)
		for (size_t i = 0; i < r->ncalls; i++)
			fprintf(stderr, ", %s's return%s", r->calls[i].func,
				gup_call_kprobed(r, i) ? " (kprobe: fexit refused it)" : "");
	if (r->gate)
		fprintf(stderr, ", %s's entry and return%s", r->gate,
			splice_by_call(r) ? " (the pages it puts into the pipe)" : "");
	fprintf(stderr, " (%s); %lu page records at most\n", attach_names[r->kind],
		(unsigned long)bpf_map__max_entries(r->skel->maps.pages));
	if (r->nputs) {
		fprintf(stderr, "pinblame record: the puts (");
		for (size_t i = 0; i < r->nputs; i++)
			fprintf(stderr, "%s%s", i ? ", " : "", r->put_hooks[i].func);
		fprintf(stderr, ") of the pages an allocation fails on: hooked %s\n",
			r->puts_mode == PUTS_ALWAYS ? "now (PINBLAME_BPF_PUTS=always)"
						    : "from the first failure on");
	}
	if (r->puts_mode == PUTS_ALWAYS)
		attach_puts(r);
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

/* Loads and attaches KIND's hooks, the GUP grabs' or (PER_CALL) the GUP
 * calls': 0, -1 (said), or 1 (refused, WHY says why). */
static int try_hooks(struct pb_bpf_run *r, enum attach_kind kind, int per_call,
		     const struct pb_bpf_opts *o, const struct pb_bpf_hook *hooks, size_t n,
		     char *why, size_t why_size)
{
	int ret;

	r->kind = kind;
	r->per_call = per_call;
	r->no_trampolines = 0;
	r->gate = pb_bpf_splice_gate(&r->ks, hooks, n);
	ret = load(r, o->max_pages, hooks, n, why, why_size);
	if (!ret)
		ret = attach_hooks(r, hooks, n, why, why_size);
	if (!ret)
		attach_gate(r);
	if (ret)
		unload(r);
	return ret;
}

/* Why KIND cannot hook the GUP calls, known before anything is loaded;
 * NULL when it may. */
static const char *no_gup_calls(const struct pb_bpf_run *r, enum attach_kind kind)
{
	if (!r->ncalls)
		return r->btf ? "this kernel's BTF has none of the GUP API with an array of pages"
			      : "this kernel's BTF could not be read";
	/* the return's program walks the array with bpf_loop() (5.17+);
	 * fentry needs bpf_get_func_arg(), as new */
	if (kind == ATTACH_KPROBE && libbpf_probe_bpf_helper(BPF_PROG_TYPE_KPROBE,
							     BPF_FUNC_loop, NULL) != 1)
		return "this kernel has no bpf_loop() (5.17+)";
	return NULL;
}

/* The kernel's BTF and the GUP calls in it; none when it cannot be read
 * (the grabs are hooked then). */
static void find_gup_calls(struct pb_bpf_run *r, const struct pb_bpf_opts *o)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/kernel/btf/vmlinux", o->sysfs);
	r->btf = btf__parse(path, NULL);
	if (!r->btf)
		return;
	r->ncalls = pb_bpf_choose_gup_calls(r->btf, &r->ks, r->calls, PB_BPF_GUP_CALL_SLOTS);
}

/* The ways to hook, cheapest first: a hook per GUP call before a hook per
 * grab (16 pages a call make 1 hit, not 16: make bench-bpf), and each
 * with fentry before kprobes (no breakpoint). */
static const struct attempt {
	enum attach_kind kind;
	int per_call;
} attempts[] = {
	{ ATTACH_FENTRY, 1 },
	{ ATTACH_KPROBE, 1 },
	{ ATTACH_FENTRY, 0 },
	{ ATTACH_KPROBE, 0 },
};

/* Whether PINBLAME_BPF_ATTACH (WANT), PINBLAME_BPF_GUP (MODE) and the
 * kernel's kprobes let A be tried. */
static int permitted(const struct attempt *a, enum attach_kind want, enum gup_mode mode,
		     int kprobes)
{
	if (a->kind == ATTACH_FENTRY ? want == ATTACH_KPROBE
				     : want == ATTACH_FENTRY || !kprobes)
		return 0;
	return a->per_call ? mode != GUP_PAGE : mode != GUP_CALL;
}

static const char *attempt_name(const struct attempt *a)
{
	if (a->kind == ATTACH_FENTRY)
		return a->per_call ? "fexit on each GUP call" : "fentry on each GUP grab";
	return a->per_call ? "kprobes on each GUP call" : "kprobes on each GUP grab";
}

/* Loads and attaches the hooks the first way this kernel takes (the list
 * above), saying why each one before it was refused. */
int load_and_attach(struct pb_bpf_run *r, const struct pb_bpf_opts *o, enum attach_kind want,
		    int kprobes, const struct pb_bpf_hook *hooks, size_t n)
{
	char why[1024] = "", full[sizeof(why) + sizeof(NO_KPROBES) + 64];
	const char *calls_why = NULL;	/* why no GUP call can be hooked */
	enum gup_mode mode;
	int no_trampolines = 0;

	if (gup_wanted(&mode) < 0)
		return -1;
	r->kprobes = kprobes && want != ATTACH_FENTRY;
	if (mode != GUP_PAGE)
		find_gup_calls(r, o);
	for (size_t i = 0; i < PB_ARRAY_SIZE(attempts); i++) {
		const struct attempt *a = &attempts[i];
		const char *no_calls;
		int ret;

		/* a kernel that attaches no BPF trampoline (arm64 before
		 * 6.4) takes none for the grabs either */
		if (!permitted(a, want, mode, kprobes) ||
		    (a->kind == ATTACH_FENTRY && no_trampolines))
			continue;
		no_calls = a->per_call ? no_gup_calls(r, a->kind) : NULL;
		if (no_calls) {
			calls_why = no_calls;
			continue;
		}
		if (*why || (calls_why && !a->per_call))
			fprintf(stderr, "pinblame record: %s: %s instead\n", *why ? why : calls_why,
				attempt_name(a));
		calls_why = NULL;
		ret = try_hooks(r, a->kind, a->per_call, o, hooks, n, why, sizeof(why));
		if (ret <= 0)
			return ret;
		no_trampolines |= r->no_trampolines;
	}
	if (!*why && calls_why)
		snprintf(why, sizeof(why), "%s", calls_why);
	if (mode == GUP_CALL)
		snprintf(full, sizeof(full), "PINBLAME_BPF_GUP=call, but %s", why);
	else if (!kprobes && want != ATTACH_FENTRY)
		snprintf(full, sizeof(full), "%s, and %s", why, NO_KPROBES);
	else
		snprintf(full, sizeof(full), "%s", why);
	return refuse(full);
}

/* The key of the modules loaded now (pb_ksyms_modules_key()), 0 when
 * /proc/modules cannot be read (a kernel without modules). */
static uint64_t modules_key(const char *proc)
{
	char path[4096];
	uint64_t key;
	FILE *f;

	snprintf(path, sizeof(path), "%s/modules", proc);
	f = fopen(path, "re");
	if (!f)
		return 0;
	key = pb_ksyms_modules_key(f);
	fclose(f);
	return key;
}

/* kallsyms read again once the programs are in: it then names them and
 * their trampolines ("bpf_prog_..._NAME", "bpf_trampoline_..." [bpf]), so
 * the stacks written skip them as the tracer's own frames. Read before,
 * an address of theirs took the name of the last symbol below it (on
 * x86_64, whose BPF images sit in the module area, a module's last
 * function: handshake_exit on Debian's 6.12). Kept as it was when it
 * cannot be read again. */
void reload_ksyms(struct pb_bpf_run *r)
{
	struct pb_ksyms now = { 0 };
	uint64_t key = modules_key(r->proc);

	if (load_ksyms(&now, r->proc) < 0) {
		pb_ksyms_free(&now);
		pb_warn("--bpf: kallsyms not read again: frames of the BPF programs and of "
			"modules loaded since the start may take other names");
		return;
	}
	pb_ksyms_free(&r->ks);
	r->ks = now;
	r->modules_key = key;
}

/* kallsyms read again before stacks are written when a module was loaded
 * (or unloaded) since it was read: a driver the workload loads during the
 * run has its functions in the stacks taken since, and read before, their
 * addresses take the name of the last symbol below them, another module's
 * (null_blk's timer completing a direct I/O, in the e2e run, came out as
 * virtio_blk's cleanup_module). /proc/modules is the cheap test, made
 * once a read of the ring buffer (pb_bpf_poll(), pb_bpf_stop()). */
void ksyms_follow_modules(struct pb_bpf_run *r)
{
	uint64_t key;

	/* once a read of the ring buffer, whatever the failures it gives */
	if (r->modules_looked)
		return;
	r->modules_looked = 1;
	key = modules_key(r->proc);
	if (key != r->modules_key)
		reload_ksyms(r);
}

#endif /* PB_HAVE_BPF */
