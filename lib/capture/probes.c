/* probes.c - the kprobes of `record --probe-gup`, chosen by what the
 * running kernel has.
 *
 * Holders show in a trace only where the kernel takes the page reference.
 * Which function does that, and with which arguments, changed between
 * versions, so each candidate below names its signature and the kernels
 * that have it (mainline mm/gup.c, mm/filemap.c, lib/iov_iter.c, fs/splice.c;
 * the commits are cited in doc/FORMATS.md):
 *
 *   try_grab_folio_fast(struct page *page, int refs, unsigned int flags)
 *       6.10+ (and 6.6.y stable, where "mm: gup: do not call
 *       try_grab_folio() in slow path" was backported), the GUP-fast grab
 *       (get_user_pages_fast, vmsplice).
 *   try_grab_folio(struct page *page, int refs, unsigned int flags)
 *       5.17-6.9, the GUP-fast grab;
 *   try_grab_folio(struct folio *folio, int refs, unsigned int flags)
 *       since that change, the slow path (follow_page); a folio's address
 *       is that of its head page, so the pointer is still read as page=.
 *   try_grab_compound_head(struct page *page, int refs, unsigned int flags)
 *       5.7-5.16, the GUP-fast grab.
 *   try_grab_page(struct page *page, unsigned int flags)
 *       5.7-6.9, the slow path.
 *   splice_folio_into_pipe(struct pipe_inode_info *pipe, struct folio *folio,
 *                          loff_t fpos, size_t size)
 *       6.5+: puts page-cache pages (filemap and shmem splice_read) into a
 *       pipe and takes the pipe's reference. page= is the folio, i.e. the
 *       page itself for order-0 folios (tmpfs, most page cache).
 *   copy_page_to_iter_pipe(struct page *page, size_t offset, size_t bytes,
 *                          struct iov_iter *i)
 *       4.9-6.4, the same for ITER_PIPE; static, so only when the compiler
 *       kept it out of line (Debian's 6.1 arm64 inlines it).
 *   folio_mark_accessed(struct folio *folio)
 *       5.16+; mark_page_accessed(struct page *page) before (since then a
 *       wrapper of it, which 6.1's page cache reads no longer call): the
 *       page cache read that splice makes up to 6.4 (shmem_file_read_iter,
 *       filemap_read) marks the folio it copies into the pipe accessed when
 *       it reads from its start. It marks folios on other paths too
 *       (writes, reads, unmaps), so the first of the two is placed only
 *       when neither probe above is taken, and the analysis counts a hit as
 *       a holder only when its stack goes through a splice
 *       (doc/FORMATS.md, section 4).
 *   generic_file_splice_read(struct file *in, loff_t *ppos,
 *                            struct pipe_inode_info *pipe, size_t len,
 *                            unsigned int flags)
 *       up to 6.4: no page, but the file and offset, which the analysis joins
 *       with page dumps in the kernel log.
 *
 * A symbol is looked up in kallsyms (does the kernel have it) and in
 * tracefs's available_filter_functions (may ftrace patch its entry). Every
 * probe is placed at a function's entry: where ftrace can patch the entry,
 * a kprobe there runs from the ftrace handler and its stack trace keeps
 * every caller. Elsewhere it is a breakpoint, which x86 turns into a jump
 * to an optimized-probe trampoline, and stacks taken there stop at the
 * trampoline; for those, kprobe optimization is switched off for the run
 * (debug.kprobes-optimization) and restored.
 *
 * Arguments are read with the kernel's $argN fetch-args (4.20+ on x86,
 * arm64, powerpc, s390, riscv, ...); a kernel that refuses them is asked
 * again with the registers of its calling convention, which hold the
 * arguments at function entry.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "pinblame/core.h"
#include "session.h"

#define PROBE_GROUP PB_PROBE_GROUP
#define OPTPROBES_SYSCTL "sys/debug/kprobes-optimization"

enum probe_role {
	ROLE_GUP,		/* every one the kernel has: fast and slow path */
	ROLE_SPLICE_PAGE,	/* the first the kernel has */
	ROLE_SPLICE_READ,	/* a page read, for a splice or not: only
				 * without a ROLE_SPLICE_PAGE probe */
	ROLE_SPLICE_FILE,	/* the first the kernel has */
};
#define NROLES 4

struct probe_arg {
	const char *name;
	int argn;		/* 1-based argument number */
	int deref;		/* +0(arg): the value it points to */
	const char *type;	/* NULL: a pointer, x64 or x32 */
};

struct probe_candidate {
	const char *func;
	enum probe_role role;
	const char *what;	/* for the user: what it shows */
	struct probe_arg args[3];
};

static const struct probe_candidate candidates[] = {
	{ "try_grab_folio_fast", ROLE_GUP, "GUP-fast grab",
	  { { "page", 1, 0, NULL }, { "refs", 2, 0, "s32" }, { "flags", 3, 0, "x32" } } },
	{ "try_grab_folio", ROLE_GUP, "GUP grab",
	  { { "page", 1, 0, NULL }, { "refs", 2, 0, "s32" }, { "flags", 3, 0, "x32" } } },
	{ "try_grab_compound_head", ROLE_GUP, "GUP-fast grab",
	  { { "page", 1, 0, NULL }, { "refs", 2, 0, "s32" }, { "flags", 3, 0, "x32" } } },
	{ "try_grab_page", ROLE_GUP, "GUP grab",
	  { { "page", 1, 0, NULL }, { "flags", 2, 0, "x32" }, { NULL, 0, 0, NULL } } },
	{ "splice_folio_into_pipe", ROLE_SPLICE_PAGE, "page cache into pipes",
	  { { "page", 2, 0, NULL }, { "fpos", 3, 0, "s64" }, { "size", 4, 0, "u64" } } },
	{ "copy_page_to_iter_pipe", ROLE_SPLICE_PAGE, "page cache into pipes",
	  { { "page", 1, 0, NULL }, { "offset", 2, 0, "u64" }, { "bytes", 3, 0, "u64" } } },
	{ "folio_mark_accessed", ROLE_SPLICE_READ, "page cache read, here into pipes",
	  { { "page", 1, 0, NULL }, { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL } } },
	{ "mark_page_accessed", ROLE_SPLICE_READ, "page cache read, here into pipes",
	  { { "page", 1, 0, NULL }, { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL } } },
	{ "generic_file_splice_read", ROLE_SPLICE_FILE, "file and offset spliced",
	  { { "file", 1, 0, NULL }, { "pos", 2, 1, "s64" }, { "len", 4, 0, "u64" } } },
};

#define NCANDIDATES PB_ARRAY_SIZE(candidates)

int pb_capture_is_gup_probe(const char *name, size_t len)
{
	for (size_t i = 0; i < NCANDIDATES; i++)
		if (candidates[i].role == ROLE_GUP && strlen(candidates[i].func) == len &&
		    !memcmp(candidates[i].func, name, len))
			return 1;
	return 0;
}

/* What the kernel says about each candidate's symbol. */
enum sym_state {
	SYM_UNKNOWN,		/* kallsyms unreadable: let the kernel decide */
	SYM_MISSING,
	SYM_RENAMED,		/* only as func.constprop.N and the like */
	SYM_PRESENT,
};

struct sym_info {
	enum sym_state state;
	int ftrace;		/* in available_filter_functions */
	char *renamed;		/* the compiler's name, when SYM_RENAMED */
};

/* Registers that hold the first four arguments at function entry, per
 * uname machine (the kernels' calling conventions; i386 kernels are built
 * with -mregparm=3). */
static const struct {
	const char *machine;
	const char *regs[4];
} arg_registers[] = {
	{ "x86_64", { "%di", "%si", "%dx", "%cx" } },
	{ "i686", { "%ax", "%dx", "%cx", NULL } },
	{ "i586", { "%ax", "%dx", "%cx", NULL } },
	{ "i386", { "%ax", "%dx", "%cx", NULL } },
	{ "aarch64", { "%x0", "%x1", "%x2", "%x3" } },
	{ "armv7l", { "%r0", "%r1", "%r2", "%r3" } },
	{ "armv6l", { "%r0", "%r1", "%r2", "%r3" } },
	{ "riscv64", { "%a0", "%a1", "%a2", "%a3" } },
	{ "ppc64le", { "%r3", "%r4", "%r5", "%r6" } },
	{ "ppc64", { "%r3", "%r4", "%r5", "%r6" } },
	{ "s390x", { "%r2", "%r3", "%r4", "%r5" } },
	{ "loongarch64", { "%r4", "%r5", "%r6", "%r7" } },
};

static const char *arg_register(const char *machine, int argn)
{
	for (size_t i = 0; i < PB_ARRAY_SIZE(arg_registers); i++)
		if (!strcmp(arg_registers[i].machine, machine))
			return argn >= 1 && argn <= 4 ? arg_registers[i].regs[argn - 1] : NULL;
	return NULL;
}

char *pb_capture_probe_definition(const char *func, const char *machine, int use_registers)
{
	const struct probe_candidate *c = NULL;
	struct pb_buf def = { 0 };

	for (size_t i = 0; i < NCANDIDATES && !c; i++)
		if (!strcmp(candidates[i].func, func))
			c = &candidates[i];
	if (!c)
		return NULL;
	pb_buf_addf(&def, "p:%s/%s %s", PROBE_GROUP, func, func);
	for (size_t i = 0; i < PB_ARRAY_SIZE(c->args) && c->args[i].name; i++) {
		const struct probe_arg *a = &c->args[i];
		char where[16];
		const char *reg = use_registers ? arg_register(machine, a->argn) : NULL;

		if (use_registers && !reg) {
			pb_buf_free(&def);
			return NULL;
		}
		if (reg)
			snprintf(where, sizeof(where), "%s", reg);
		else
			snprintf(where, sizeof(where), "$arg%d", a->argn);
		pb_buf_addf(&def, a->deref ? " %s=+0(%s):%s" : " %s=%s:%s", a->name, where,
			    a->type ? a->type : sizeof(long) == 8 ? "x64" : "x32");
	}
	return def.data;
}

/* kallsyms: "ADDR TYPE NAME[\t[MODULE]]"; available_filter_functions:
 * "NAME[ [MODULE]]". */
static void symbol_name(char *line, int kallsyms, char **name)
{
	char *p = line;

	*name = NULL;
	if (kallsyms) {
		for (int field = 0; field < 2; field++) {
			p = strchr(p, ' ');
			if (!p)
				return;
			p++;
		}
	}
	p[strcspn(p, " \t\n")] = '\0';
	*name = p;
}

/* "try_grab_folio.constprop.0" is the compiler's copy of try_grab_folio
 * with arguments changed or removed: it cannot be read by argument. */
static int is_renamed(const char *name, const char *func)
{
	size_t n = strlen(func);

	return !strncmp(name, func, n) && name[n] == '.';
}

static void note_symbol(struct sym_info *syms, const char *name, int kallsyms)
{
	for (size_t i = 0; i < NCANDIDATES; i++) {
		struct sym_info *s = &syms[i];

		if (!strcmp(name, candidates[i].func)) {
			if (kallsyms)
				s->state = SYM_PRESENT;
			else
				s->ftrace = 1;
		} else if (kallsyms && s->state == SYM_MISSING &&
			   is_renamed(name, candidates[i].func) && !s->renamed) {
			s->state = SYM_RENAMED;
			s->renamed = pb_strdup(name);
		}
	}
}

/* Reads PATH (absolute, or relative to the tracefs root) line by line;
 * returns -1 when it cannot be opened. Bounded memory: kallsyms of a
 * distribution kernel has some 200,000 lines. */
static int scan_symbols(struct pb_capture *cap, const char *path, int kallsyms,
			struct sym_info *syms)
{
	int fd = openat(cap->rootfd, path, O_RDONLY | O_CLOEXEC);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
	char *line = NULL, *name;
	size_t cap_line = 0;

	if (!f) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (getline(&line, &cap_line, f) > 0) {
		symbol_name(line, kallsyms, &name);
		if (name && *name)
			note_symbol(syms, name, kallsyms);
	}
	free(line);
	fclose(f);
	return 0;
}

/* Are kallsyms' names all hidden? kptr_restrict hides addresses only, so
 * an empty or unreadable file means we cannot know. */
static void look_up_symbols(struct pb_capture *cap, struct sym_info *syms)
{
	struct pb_buf kallsyms = { 0 };

	for (size_t i = 0; i < NCANDIDATES; i++)
		syms[i].state = SYM_MISSING;
	pb_buf_addf(&kallsyms, "%s/kallsyms", cap->proc);
	if (scan_symbols(cap, kallsyms.data, 1, syms) < 0) {
		pb_warn("cannot read %s: %s; every probe is tried", kallsyms.data,
			strerror(errno));
		for (size_t i = 0; i < NCANDIDATES; i++)
			syms[i].state = SYM_UNKNOWN;
	}
	pb_buf_free(&kallsyms);
	cap->have_filter_functions =
		scan_symbols(cap, "available_filter_functions", 0, syms) == 0;
}

static int probe_exists(const char *kprobe_events, const char *name)
{
	char tag[128];

	snprintf(tag, sizeof(tag), ":%s/%s ", PROBE_GROUP, name);
	return strstr(kprobe_events, tag) != NULL;
}

/* A probe of ours left by a run that could not clean up is an error: its
 * hits would land in this trace twice. */
static int check_leftovers(struct pb_capture *cap, const char *existing)
{
	for (size_t i = 0; i < NCANDIDATES; i++) {
		if (!probe_exists(existing, candidates[i].func))
			continue;
		pb_error("kprobe %s/%s is left over from an earlier pinblame record; "
			 "remove it with: echo '-:%s/%s' >> %s/kprobe_events", PROBE_GROUP,
			 candidates[i].func, PROBE_GROUP, candidates[i].func, cap->root);
		return -1;
	}
	return 0;
}

static int kernel_took(struct pb_capture *cap, const char *def, const char *func,
		       char **why)
{
	struct pb_buf undo = { 0 };
	int ret;

	pb_buf_addf(&undo, "-:%s/%s", PROBE_GROUP, func);
	ret = pb_tracefs_try_command(cap, "kprobe_events", def, undo.data);
	if (ret < 0) {
		int err = errno;
		char *reason = pb_tracefs_reason(cap);
		struct pb_buf b = { 0 };

		pb_buf_addf(&b, "%s%s%s%s", strerror(err), reason ? " (kernel: " : "",
			    reason ? reason : "", reason ? ")" : "");
		free(reason);
		free(*why);
		*why = b.data;
	}
	pb_buf_free(&undo);
	return ret == 0;
}

/* Why a kernel may refuse a function that ftrace cannot patch: kprobe
 * events refuse notrace functions unless CONFIG_KPROBE_EVENTS_ON_NOTRACE
 * ("Could not probe notrace function" in the kernel log; Debian's 6.1
 * arm64 says so of copy_page_to_iter). */
static const char *notrace_hint(const struct pb_capture *cap, const struct sym_info *sym)
{
	if (!cap->have_filter_functions || sym->ftrace)
		return "";
	return " (it is not in available_filter_functions, and kprobe events refuse "
	       "notrace functions unless the kernel has CONFIG_KPROBE_EVENTS_ON_NOTRACE=y)";
}

/* Creates the probe on candidate I, with $argN, else with registers.
 * Returns 1 when it is in place, 0 when the kernel refused it (warned). */
static int place_probe(struct pb_capture *cap, size_t i, const char *machine,
		       const char *hint)
{
	const char *func = candidates[i].func;
	char event_dir[256], *why = NULL;
	int ok = 0;

	for (int use_registers = 0; use_registers < 2 && !ok; use_registers++) {
		char *def = pb_capture_probe_definition(func, machine, use_registers);

		if (def)
			ok = kernel_took(cap, def, func, &why);
		free(def);
	}
	snprintf(event_dir, sizeof(event_dir), "events/%s/%s/enable", PROBE_GROUP, func);
	if (!ok) {
		pb_warn("no kprobe on %s: %s%s", func, why ? why : "no way to read its arguments",
			hint);
	} else if (!pb_tracefs_exists(cap, event_dir)) {
		pb_warn("no kprobe on %s: the kernel took it but made no %s", func, event_dir);
		ok = 0;
	} else {
		pb_capture_add_event(cap, PROBE_GROUP, func, 1, NULL);
	}
	free(why);
	return ok;
}

/* The candidates the kernel has (or may have, without kallsyms). Of the
 * splice roles only the first that the kernel takes is placed. */
static void choose(const struct sym_info *syms, int *chosen)
{
	for (size_t i = 0; i < NCANDIDATES; i++)
		chosen[i] = syms[i].state == SYM_PRESENT || syms[i].state == SYM_UNKNOWN;
}

/* Breakpoint probes (not ftrace-patchable) would be jump-optimized on
 * kernels with optprobes, and their stacks end at the trampoline. Switched
 * off before the probes are placed, so none is ever optimized. Returns 1
 * when it was switched off, 0 when there was no need, -1 on error. */
static int avoid_optprobes(struct pb_capture *cap, const struct sym_info *syms,
			   const int *chosen)
{
	struct pb_buf path = { 0 };
	int need = 0, ret = 0;
	char *old;

	for (size_t i = 0; i < NCANDIDATES; i++)
		if (chosen[i] && (!cap->have_filter_functions || !syms[i].ftrace))
			need = 1;
	pb_buf_addf(&path, "%s/%s", cap->proc, OPTPROBES_SYSCTL);
	old = need ? pb_tracefs_read(cap, path.data) : NULL;
	if (old && old[0] == '1')
		ret = pb_tracefs_change(cap, path.data, "0", "1", 0) < 0 ? -1 : 1;
	free(old);
	pb_buf_free(&path);
	return ret;
}

static void report_missing(struct pb_capture *cap, const struct sym_info *syms)
{
	int n = 0;

	for (size_t i = 0; i < NCANDIDATES; i++) {
		if (syms[i].state == SYM_MISSING)
			pb_buf_addf(&cap->probe_report, "%s%s", n++ ? ", " : "; not on this "
				    "kernel: ", candidates[i].func);
		else if (syms[i].state == SYM_RENAMED)
			pb_buf_addf(&cap->probe_report, "%s%s (only as %s, whose arguments the "
				    "compiler changed)", n++ ? ", " : "; not on this kernel: ",
				    candidates[i].func, syms[i].renamed);
	}
}

static void free_syms(struct sym_info *syms)
{
	for (size_t i = 0; i < NCANDIDATES; i++)
		free(syms[i].renamed);
}

static const char *machine_name(struct utsname *u)
{
	return uname(u) == 0 ? u->machine : "";
}

/* Places the chosen probes; returns how many GUP probes are in place and
 * sets *SPLICE_PAGE to 2 when one gives the page of spliced page cache, 1
 * when only a page read stands in for it, else 0. */
static int place_chosen(struct pb_capture *cap, const struct sym_info *syms,
			const int *chosen, int *splice_page)
{
	struct utsname u;
	const char *machine = cap->machine ? cap->machine : machine_name(&u);
	int gup = 0, placed = 0, role_placed[NROLES] = { 0 };

	*splice_page = 0;
	for (size_t i = 0; i < NCANDIDATES; i++) {
		enum probe_role r = candidates[i].role;

		/* a page read stands in for the page put into the pipe only
		 * where no probe gives that page: the candidates are in that
		 * order */
		if (!chosen[i] || (r != ROLE_GUP && role_placed[r]) ||
		    (r == ROLE_SPLICE_READ && role_placed[ROLE_SPLICE_PAGE]) ||
		    !place_probe(cap, i, machine, notrace_hint(cap, &syms[i])))
			continue;
		role_placed[r] = 1;
		pb_buf_addf(&cap->probe_report, "%s%s (%s%s)", placed++ ? ", " : "",
			    candidates[i].func, candidates[i].what,
			    cap->have_filter_functions && !syms[i].ftrace ?
			    ", a breakpoint: ftrace cannot patch it" : "");
		gup += candidates[i].role == ROLE_GUP;
		if (r == ROLE_SPLICE_PAGE)
			*splice_page = 2;
		else if (r == ROLE_SPLICE_READ)
			*splice_page = 1;
	}
	return gup;
}

static void needs_kprobe_events(struct pb_capture *cap)
{
	struct pb_buf funcs = { 0 };

	for (size_t i = 0; i < NCANDIDATES; i++)
		pb_buf_addf(&funcs, "%s%s", i ? ", " : "", candidates[i].func);
	pb_error("cannot read %s/kprobe_events: %s: --probe-gup needs a kernel with "
		 "CONFIG_KPROBE_EVENTS=y, to place kprobes on what it has of %s",
		 cap->root, strerror(errno), funcs.data);
	pb_buf_free(&funcs);
}

int pb_capture_probe_gup(struct pb_capture *cap)
{
	char *existing = pb_tracefs_read(cap, "kprobe_events");
	struct sym_info syms[NCANDIDATES] = { { 0 } };
	int chosen[NCANDIDATES], gup, splice_page, optoff;

	if (!existing) {
		needs_kprobe_events(cap);
		return -1;
	}
	if (check_leftovers(cap, existing) < 0) {
		free(existing);
		return -1;
	}
	free(existing);
	look_up_symbols(cap, syms);
	choose(syms, chosen);
	optoff = avoid_optprobes(cap, syms, chosen);
	if (optoff < 0) {
		free_syms(syms);
		return -1;
	}
	pb_buf_free(&cap->probe_report);
	pb_buf_adds(&cap->probe_report, "probes: ");
	gup = place_chosen(cap, syms, chosen, &splice_page);
	report_missing(cap, syms);
	if (optoff)
		pb_buf_adds(&cap->probe_report, "; kprobe optimization off for the run "
			    "(breakpoint probes keep whole stacks)");
	free_syms(syms);
	if (!gup) {
		pb_error("--probe-gup: none of the get_user_pages grab functions could be "
			 "probed (%s)", pb_buf_str(&cap->probe_report));
		return -1;
	}
	if (splice_page == 1)
		pb_warn("no probe gives the page of page-cache pages put into pipes (this "
			"kernel has none of splice_folio_into_pipe, copy_page_to_iter_pipe): the "
			"page cache read's folio_mark_accessed or mark_page_accessed stands in, "
			"for pages spliced from their start");
	else if (!splice_page)
		pb_warn("no probe gives the page of page-cache pages put into pipes: this "
			"kernel has none of splice_folio_into_pipe, copy_page_to_iter_pipe, "
			"folio_mark_accessed, mark_page_accessed");
	return gup;
}

const char *pb_capture_probe_report(const struct pb_capture *cap)
{
	return cap->probe_report.data;
}
