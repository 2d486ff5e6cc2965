/* bpf_int.h - what the files of `record --bpf` share beyond bpf.h: the
 * attach kind and the checks before loading (bpf_attach.c) that the run
 * (bpf.c) starts from, and, in a build with BPF, the run itself, which
 * bpf_attach.c loads and attaches and whose ring buffer calls on_failure.
 */
#ifndef PINBLAME_CAPTURE_BPF_INT_H
#define PINBLAME_CAPTURE_BPF_INT_H

#include "bpf.h"
#include "pinblame/capture.h"

/* Failing pfns waiting for the vmemmap, and pages already written. */
#define PENDING_MAX 65536
/* Failing pages whose first put after the failure is looked for. */
#define PUT_WATCH_MAX 4096

/* How the hooks are attached: fentry (BPF trampolines: BTF and, on arm64,
 * 6.0+) where the kernel takes them, else kprobes; PINBLAME_BPF_ATTACH=
 * fentry or kprobe forces one. */
enum attach_kind { ATTACH_AUTO, ATTACH_FENTRY, ATTACH_KPROBE };

/* The names of the kinds, as PINBLAME_BPF_ATTACH takes them and the
 * trace header says the one loaded. */
extern const char *const attach_names[];

/* How the GUP gets are hooked: once a call where the kernel allows it,
 * else once a grab; PINBLAME_BPF_GUP=call or page forces one. */
enum gup_mode { GUP_AUTO, GUP_CALL, GUP_PAGE };

/* When the put hooks are attached: at the first failure (page_pinner's
 * failure tracking: only the puts of pages an allocation failed on are
 * kept), or from the start; PINBLAME_BPF_PUTS=failure or always. */
enum puts_mode { PUTS_AFTER_FAILURE, PUTS_ALWAYS };

/* A refusal: why, and what to use instead. */
int refuse(const char *why);
/* PINBLAME_BPF_GUP: 0, or -1 after saying what it takes. */
int gup_wanted(enum gup_mode *mode);
/* PINBLAME_BPF_PUTS: 0, or -1 after saying what it takes. */
int puts_wanted(enum puts_mode *mode);

/* Everything that can be known before loading: the kernel's BTF and
 * kprobes, kallsyms, and the functions to hook (at least one GUP grab).
 * Without kprobes, only a forced kprobe attach is refused here: fentry
 * may still do. */
int preflight(const struct pb_bpf_opts *o, struct pb_ksyms *ks, struct pb_bpf_hook *hooks,
	      size_t *nhooks, int *kprobes, enum attach_kind *kind);

#ifdef PB_HAVE_BPF

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "pinblame.skel.h"


struct pb_bpf_run {
	struct pinblame_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link *links[PB_BPF_MAX_HOOKS + 5 + 2 * PB_BPF_GUP_CALL_SLOTS];
	size_t nlinks;
	enum attach_kind kind;	/* fentry or kprobe, as loaded */
	const char *gate;	/* pb_bpf_splice_gate(); NULL once its hooks
				 * could not be attached */
	struct bpf_program *hook_prog[PB_BPF_MAX_HOOKS];	/* NULL: no slot */
	struct btf *btf;	/* the kernel's, for the GUP calls */
	struct pb_bpf_gup_call calls[PB_BPF_GUP_CALL_SLOTS];
	size_t ncalls;
	int per_call;		/* the GUP calls are hooked, not the grabs */
	int kprobes;		/* the kernel has kprobes, and they are not refused
				 * by PINBLAME_BPF_ATTACH=fentry */
	int standby;		/* with fexit on the GUP calls, their kprobe
				 * programs loaded too, for a call fexit refuses */
	size_t kprobed[PB_BPF_GUP_CALL_SLOTS];	/* the calls hooked so */
	size_t nkprobed;
	int no_trampolines;	/* fentry's first attach refused with ENOTSUPP:
				 * the kernel attaches no BPF trampoline */
	struct pb_bpf_hook put_hooks[PB_BPF_MAX_HOOKS];	/* attached by attach_puts() */
	struct bpf_program *put_progs[PB_BPF_MAX_HOOKS];
	size_t nputs;
	enum puts_mode puts_mode;
	int puts_on;		/* attach_puts() ran */
	uint64_t put_watch[PUT_WATCH_MAX];	/* failing pfns whose put is not written */
	size_t nput_watch;
	uint64_t put_watch_dropped, puts_written;
	struct pb_bpf_seen put_seen;	/* puts written */
	struct pb_ksyms ks;
	char *proc;		/* where kallsyms and modules are read */
	uint64_t modules_key;	/* of the modules when ks was read */
	int modules_looked;	/* since the last read of the ring buffer */
	int out;
	int failed;		/* a write failed */
	uint64_t bytes, failures, pages_written, pending_dropped;
	/* failing pfns not written yet, each with what its failure said of
	 * its record */
	struct pb_bpf_pending {
		uint64_t pfn;
		uint32_t state;	/* enum pb_bpf_page_state */
		struct pb_bpf_page rec;	/* PB_BPF_PAGE_KEPT */
	} *pending;
	size_t npending, pending_cap;
	struct pb_buf held;	/* failure lines waiting for their pages */
	struct pb_bpf_seen seen;	/* page records written */
	struct pb_bpf_watch watch;	/* as the program has it; none: every page */
	uint64_t unwatched;	/* failing pfns outside it: no record to write */
	struct {
		uint64_t pfn, page, ns;
		uint32_t cpu;
	} calib[2];		/* record's own gets the vmemmap was learned by */
	size_t ncalib;
};

/* The ring buffer's callback: a failure point, written (bpf.c). */
int on_failure(void *ctx, void *data, size_t size);

/* The first way this kernel takes: fentry on the GUP calls, kprobes on
 * them, fentry on the GUP grabs, kprobes on them (as PINBLAME_BPF_ATTACH
 * and PINBLAME_BPF_GUP allow; kprobes only where the kernel has them). */
int load_and_attach(struct pb_bpf_run *r, const struct pb_bpf_opts *o, enum attach_kind want,
		    int kprobes, const struct pb_bpf_hook *hooks, size_t n);
/* Whether GUP call I is hooked with kprobes where the others have fexit. */
int gup_call_kprobed(const struct pb_bpf_run *r, size_t i);
/* The failure points, the ring buffer, and what is on. */
int attach_failures(struct pb_bpf_run *r, const struct pb_bpf_hook *hooks, size_t n);
/* The put hooks, once (at the first failure, or at the start). */
void attach_puts(struct pb_bpf_run *r);
/* kallsyms again, with the programs loaded (bpf_attach.c). */
void reload_ksyms(struct pb_bpf_run *r);
void ksyms_follow_modules(struct pb_bpf_run *r);

#endif /* PB_HAVE_BPF */

#endif
