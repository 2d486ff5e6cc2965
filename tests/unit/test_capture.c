/* test_capture.c - the capture session against a fake tracefs: a temp
 * directory laid out like tracefs on a kernel with CMA, migration,
 * isolation, compaction and kprobes, without page_ref and page_pinner.
 * Value files are replaced by writes and command files (triggers,
 * kprobe_events) appended to, so each file shows what was written to it.
 */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "pinblame/capture.h"
#include "pinblame/core.h"

#define TRIGGERS "# Available triggers:\n# traceon traceoff snapshot stacktrace\n"
#define PIPE_TEXT \
	"              sh-106     (    106) [000] .....     6.843580: cma_alloc_start: " \
	"name=hugetlb0 count=8192 align=13\n"

static const char *const fake_events[] = {
	"cma/cma_alloc_start", "cma/cma_alloc_finish", "cma/cma_alloc_busy_retry",
	"cma/cma_release", "migrate/mm_migrate_pages", "page_isolation/test_pages_isolated",
	"compaction/mm_compaction_begin", "compaction/mm_compaction_end",
	"kmem/mm_page_alloc_extfrag",
	/* what the kernel makes for the probes that it accepts */
	"pinblame/try_grab_folio", "pinblame/generic_file_splice_read",
};

/* kallsyms of a 6.1-like kernel: try_grab_folio (GUP-fast) and
 * try_grab_page (slow path), generic_file_splice_read, and
 * copy_page_to_iter_pipe only as the compiler's changed copy. */
#define KALLSYMS_61 \
	"ffff8000082fff80 T try_grab_folio\n" \
	"ffff800008300150 T try_grab_page\n" \
	"ffff8000083f5f10 T generic_file_splice_read\n" \
	"ffff8000085b3000 t copy_page_to_iter_pipe.isra.0\n" \
	"ffff8000085b34e0 T copy_page_to_iter\n" \
	"ffff800000a01000 t virtblk_probe\t[virtio_blk]\n"
/* ftrace may patch the GUP functions, not generic_file_splice_read */
#define FILTER_FUNCTIONS_61 "try_grab_folio\ntry_grab_page\ncopy_page_to_iter\n"

struct fake {
	char root[64];
	char stderr_path[96];
	int saved_stderr;
};

static void put(struct fake *f, const char *rel, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", f->root, rel);
	for (char *s = path + strlen(f->root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

/* Contents of ROOT/REL, in a static buffer. */
static const char *get(struct fake *f, const char *rel)
{
	static char text[4096];
	char path[512];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", f->root, rel);
	fp = fopen(path, "r");
	assert_non_null(fp);
	n = fread(text, 1, sizeof(text) - 1, fp);
	text[n] = '\0';
	fclose(fp);
	return text;
}

static void build_tree(struct fake *f)
{
	char rel[256];

	strcpy(f->root, "/tmp/pb-fake-tracefs-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	put(f, "tracing_on", "1\n");
	put(f, "current_tracer", "function\n");
	put(f, "buffer_size_kb", "7 (expanded: 1408)\n");
	put(f, "options/overwrite", "1\n");
	put(f, "options/record-tgid", "0\n");
	put(f, "options/hash-ptr", "1\n");
	put(f, "trace", "# tracer: nop\nwhat was there before\n");
	put(f, "trace_pipe", PIPE_TEXT);
	put(f, "kprobe_events", "");
	put(f, "events/header_page", "field: u64 timestamp;\n");
	put(f, "events/header_event", "# compressed entry header\n");
	put(f, "per_cpu/cpu0/stats", "entries: 0\noverrun: 0\ndropped events: 2\n");
	put(f, "per_cpu/cpu1/stats", "entries: 0\noverrun: 5\ndropped events: 0\n");
	put(f, "per_cpu/cpu0/buffer_size_kb", "7\n");
	put(f, "per_cpu/cpu1/buffer_size_kb", "7\n");
	put(f, "available_filter_functions", FILTER_FUNCTIONS_61);
	put(f, "proc/kallsyms", KALLSYMS_61);
	put(f, "proc/sys/debug/kprobes-optimization", "1\n");
	for (size_t i = 0; i < PB_ARRAY_SIZE(fake_events); i++) {
		snprintf(rel, sizeof(rel), "events/%s/enable", fake_events[i]);
		put(f, rel, "0\n");
		snprintf(rel, sizeof(rel), "events/%s/trigger", fake_events[i]);
		put(f, rel, TRIGGERS);
		snprintf(rel, sizeof(rel), "events/%s/filter", fake_events[i]);
		put(f, rel, "none\n");
		snprintf(rel, sizeof(rel), "events/%s/format", fake_events[i]);
		put(f, rel, strchr(fake_events[i], '/') + 1);
	}
}

static int setup_tree(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));

	build_tree(f);
	f->saved_stderr = -1;
	*state = f;
	return 0;
}

static int teardown_tree(void **state)
{
	struct fake *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* What pb_error/pb_warn print, caught in a file. */
static void catch_stderr(struct fake *f)
{
	int fd;

	snprintf(f->stderr_path, sizeof(f->stderr_path), "%s.stderr", f->root);
	fflush(stderr);
	f->saved_stderr = dup(2);
	fd = open(f->stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	dup2(fd, 2);
	close(fd);
}

static char *release_stderr(struct fake *f)
{
	static char text[8192];
	FILE *fp;
	size_t n;

	fflush(stderr);
	dup2(f->saved_stderr, 2);
	close(f->saved_stderr);
	fp = fopen(f->stderr_path, "r");
	assert_non_null(fp);
	n = fread(text, 1, sizeof(text) - 1, fp);
	text[n] = '\0';
	fclose(fp);
	unlink(f->stderr_path);
	return text;
}

static void unlink_rel(struct fake *f, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", f->root, rel);
	assert_int_equal(unlink(path), 0);
}

static struct pb_capture *open_fake(struct fake *f)
{
	struct pb_capture *cap = pb_capture_open(f->root);
	char proc[96];

	assert_non_null(cap);
	snprintf(proc, sizeof(proc), "%s/proc", f->root);
	pb_capture_set_proc(cap, proc);
	pb_capture_set_machine(cap, "aarch64");
	return cap;
}

/* pb_warn() may mark its messages "warning: "; the tests compare what
 * follows. Edits TEXT in place. */
static char *without_warning_prefix(char *text)
{
	static const char mark[] = "warning: ";
	char *p;

	while ((p = strstr(text, mark)))
		memmove(p, p + strlen(mark), strlen(p + strlen(mark)) + 1);
	return text;
}

static void test_default_events(void **state)
{
	struct fake *f = *state;
	struct pb_capture *cap = open_fake(f);
	const char *err;

	catch_stderr(f);
	assert_int_equal(pb_capture_select(cap, pb_capture_default_events, 1), 9);
	err = without_warning_prefix(release_stderr(f));
	/* sorted within a system, in list order across it */
	assert_string_equal(pb_capture_event(cap, 0), "cma:cma_alloc_busy_retry");
	assert_string_equal(pb_capture_event(cap, 3), "cma:cma_release");
	assert_string_equal(pb_capture_event(cap, 4), "migrate:mm_migrate_pages");
	assert_string_equal(pb_capture_event(cap, 5), "page_isolation:test_pages_isolated");
	assert_string_equal(pb_capture_event(cap, 6), "compaction:mm_compaction_begin");
	assert_string_equal(pb_capture_event(cap, 7), "compaction:mm_compaction_end");
	assert_string_equal(pb_capture_event(cap, 8), "kmem:mm_page_alloc_extfrag");
	/* a missing system gets its config; an event missing from a system
	 * that is there is a kernel version matter, no config to name */
	assert_string_equal(err,
		"pinblame: migrate:mm_migrate_pages_start is not on this kernel\n"
		"pinblame: page_pinner:* is not on this kernel (needs CONFIG_PAGE_PINNER=y "
		"of the page_pinner patches, which are not in mainline, and page_pinner=on "
		"on the kernel command line; Android kernels have page_pinner in debugfs "
		"instead: import /sys/kernel/debug/page_pinner/buffer)\n"
		"pinblame: page_ref:* is not on this kernel (needs CONFIG_DEBUG_PAGE_REF=y)\n"
		"pinblame: kmem:mm_alloc_contig_migrate_range_info is not on this kernel "
		"(needs a kernel from 6.10 to 6.x built with CONFIG_CONTIG_ALLOC=y, which "
		"CONFIG_CMA selects (7.x removed it); pinblame does not need it)\n");
	pb_capture_close(cap);
}

static void test_required_events(void **state)
{
	struct fake *f = *state;
	struct pb_capture *cap = open_fake(f);

	catch_stderr(f);
	assert_int_equal(pb_capture_select(cap, "cma:cma_release,compaction:*", 0), 3);
	assert_int_equal(pb_capture_select(cap, "cma:cma_release , page_ref:*,nosuch:event", 0),
			 -1);
	assert_string_equal(release_stderr(f),
		"pinblame: page_ref:* is not on this kernel (needs CONFIG_DEBUG_PAGE_REF=y)\n"
		"pinblame: nosuch:event is not on this kernel\n");
	pb_capture_close(cap);

	cap = open_fake(f);
	catch_stderr(f);
	assert_int_equal(pb_capture_select(cap, "page_ref:*", 1), -1);
	assert_non_null(strstr(release_stderr(f), "none of the events is on this kernel"));
	pb_capture_close(cap);
}

static void test_hints(void **state)
{
	(void)state;
	assert_string_equal(pb_capture_event_hint("cma", "*"), "CONFIG_CMA=y");
	assert_string_equal(pb_capture_event_hint("cma", "cma_alloc_busy_retry"), "CONFIG_CMA=y");
	assert_string_equal(pb_capture_event_hint("page_ref", "page_ref_mod"),
			    "CONFIG_DEBUG_PAGE_REF=y");
	assert_string_equal(pb_capture_event_hint("compaction", "*"), "CONFIG_COMPACTION=y");
	assert_string_equal(pb_capture_event_hint("migrate", "mm_migrate_pages"),
			    "CONFIG_MIGRATION=y");
	assert_non_null(strstr(pb_capture_event_hint("page_pinner", "*"), "page_pinner=on"));
	assert_null(pb_capture_event_hint("kmem", "mm_page_alloc_extfrag"));
	assert_null(pb_capture_event_hint("sched", "*"));
}

static void test_check_list(void **state)
{
	struct fake *f = *state;
	const char *err;

	catch_stderr(f);
	assert_int_equal(pb_capture_check_list("cma:*,migrate:mm_migrate_pages/nostack"), 0);
	assert_int_equal(pb_capture_check_list("migrate:mm_migrate_pages/stack-if=failed>0"), 0);
	assert_int_equal(pb_capture_check_list("cma"), -1);
	assert_int_equal(pb_capture_check_list("cma:*/stack"), -1);
	assert_int_equal(pb_capture_check_list("cma:*/stack-if="), -1);
	assert_int_equal(pb_capture_check_list("cma:a/b:c"), -1);
	assert_int_equal(pb_capture_check_list("../x:y"), -1);
	assert_int_equal(pb_capture_check_list(" , "), -1);
	err = release_stderr(f);
	assert_non_null(strstr(err, "bad event 'cma': expected SYSTEM:EVENT"));
	assert_non_null(strstr(err, "bad event '../x:y'"));
	assert_non_null(strstr(err, "the event list is empty"));
}

static void select_all(struct fake *f, struct pb_capture *cap)
{
	catch_stderr(f);
	assert_int_equal(pb_capture_select(cap, pb_capture_default_events, 1), 9);
	assert_int_equal(pb_capture_probe_gup(cap), 1);
	release_stderr(f);
	assert_int_equal(pb_capture_nevents(cap), 11);
	assert_string_equal(pb_capture_event(cap, 9), "pinblame:try_grab_folio");
	assert_string_equal(pb_capture_event(cap, 10), "pinblame:generic_file_splice_read");
}

#define TRIGGER_FILE(ev) "events/" ev "/trigger"

static void test_setup_and_restore(void **state)
{
	struct fake *f = *state;
	struct pb_capture *cap = open_fake(f);
	char out_path[96], own[256];
	int out;

	select_all(f, cap);
	/* kprobes are placed at selection, on what kallsyms has: the kernel
	 * took all three and made no event for try_grab_page */
	assert_string_equal(get(f, "kprobe_events"),
		"p:pinblame/try_grab_folio try_grab_folio page=$arg1:x64 refs=$arg2:s32 flags=$arg3:x32\n"
		"p:pinblame/try_grab_page try_grab_page page=$arg1:x64 flags=$arg2:x32\n"
		"p:pinblame/generic_file_splice_read generic_file_splice_read file=$arg1:x64 "
		"pos=+0($arg2):s64 len=$arg4:u64\n");
	/* generic_file_splice_read is a breakpoint probe: no optimization */
	assert_string_equal(get(f, "proc/sys/debug/kprobes-optimization"), "0\n");
	assert_int_equal(pb_capture_setup(cap, 4096), 0);
	assert_string_equal(get(f, "tracing_on"), "0\n");
	assert_string_equal(get(f, "current_tracer"), "nop\n");
	assert_string_equal(get(f, "buffer_size_kb"), "4096\n");
	assert_string_equal(get(f, "options/overwrite"), "0\n");
	assert_string_equal(get(f, "options/record-tgid"), "1\n");
	assert_string_equal(get(f, "options/hash-ptr"), "0\n");
	assert_string_equal(get(f, "trace"), "");
	assert_string_equal(get(f, "events/cma/cma_release/enable"), "1\n");
	assert_string_equal(get(f, "events/compaction/mm_compaction_end/enable"), "1\n");
	assert_string_equal(get(f, "events/pinblame/try_grab_folio/enable"), "1\n");
	assert_string_equal(get(f, TRIGGER_FILE("cma/cma_alloc_start")), TRIGGERS "stacktrace\n");
	assert_string_equal(get(f, TRIGGER_FILE("migrate/mm_migrate_pages")),
			    TRIGGERS "stacktrace if failed>0\n");
	assert_string_equal(get(f, TRIGGER_FILE("compaction/mm_compaction_end")), TRIGGERS);
	assert_string_equal(get(f, TRIGGER_FILE("kmem/mm_page_alloc_extfrag")), TRIGGERS);
	/* record's own process is kept out of its probes: the filter, and the
	 * trigger's condition (an unconditional trigger fires before it) */
	snprintf(own, sizeof(own), "common_pid != %d\n", (int)getpid());
	assert_string_equal(get(f, "events/pinblame/try_grab_folio/filter"), own);
	snprintf(own, sizeof(own), TRIGGERS "stacktrace if common_pid != %d\n", (int)getpid());
	assert_string_equal(get(f, TRIGGER_FILE("pinblame/try_grab_folio")), own);

	assert_int_equal(pb_capture_start(cap), 0);
	assert_string_equal(get(f, "tracing_on"), "1\n");
	snprintf(out_path, sizeof(out_path), "%s.out", f->root);
	out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(out >= 0);
	assert_int_equal(pb_capture_pump(cap, out), (long)strlen(PIPE_TEXT));
	assert_int_equal(pb_capture_pump(cap, out), 0);
	close(out);
	assert_int_equal(pb_capture_stop(cap), 0);
	assert_string_equal(get(f, "tracing_on"), "0\n");

	assert_int_equal(pb_capture_restore(cap), 0);
	assert_string_equal(get(f, "tracing_on"), "1\n");
	assert_string_equal(get(f, "current_tracer"), "function\n");
	assert_string_equal(get(f, "buffer_size_kb"), "1408\n");
	assert_string_equal(get(f, "options/overwrite"), "1\n");
	assert_string_equal(get(f, "options/record-tgid"), "0\n");
	assert_string_equal(get(f, "options/hash-ptr"), "1\n");
	assert_string_equal(get(f, "events/cma/cma_release/enable"), "0\n");
	assert_string_equal(get(f, "events/pinblame/try_grab_folio/enable"), "0\n");
	assert_string_equal(get(f, "events/pinblame/try_grab_folio/filter"), "0\n");
	assert_string_equal(get(f, TRIGGER_FILE("migrate/mm_migrate_pages")),
			    TRIGGERS "stacktrace if failed>0\n!stacktrace\n");
	assert_string_equal(get(f, TRIGGER_FILE("compaction/mm_compaction_end")), TRIGGERS);
	/* probes go last, newest first, after their events are off */
	assert_non_null(strstr(get(f, "kprobe_events"),
			       "len=$arg4:u64\n-:pinblame/generic_file_splice_read\n"
			       "-:pinblame/try_grab_page\n-:pinblame/try_grab_folio\n"));
	assert_string_equal(get(f, "proc/sys/debug/kprobes-optimization"), "1\n");
	/* nothing left to undo */
	assert_int_equal(pb_capture_restore(cap), 0);
	assert_string_equal(get(f, "tracing_on"), "1\n");
	pb_capture_close(cap);

	snprintf(out_path, sizeof(out_path), "%s.out", f->root);
	out = open(out_path, O_RDONLY);
	{
		char text[512];
		ssize_t n = read(out, text, sizeof(text) - 1);

		assert_true(n >= 0);
		text[n] = '\0';
		assert_string_equal(text, PIPE_TEXT);
	}
	close(out);
	unlink(out_path);
}

/* Settings that are already what we want are not touched, nor restored. */
static void test_leaves_alone(void **state)
{
	struct fake *f = *state;
	struct pb_capture *cap = open_fake(f);

	put(f, "buffer_size_kb", "65536\n");
	put(f, "options/overwrite", "0\n");
	put(f, "events/cma/cma_release/enable", "1\n");
	put(f, TRIGGER_FILE("cma/cma_release"), "stacktrace:unlimited\n");
	catch_stderr(f);
	assert_int_equal(pb_capture_select(cap, "cma:cma_release", 0), 1);
	release_stderr(f);
	assert_int_equal(pb_capture_setup(cap, 4096), 0);
	assert_int_equal(pb_capture_restore(cap), 0);
	assert_string_equal(get(f, "buffer_size_kb"), "65536\n");
	assert_string_equal(get(f, "options/overwrite"), "0\n");
	assert_string_equal(get(f, "events/cma/cma_release/enable"), "1\n");
	assert_string_equal(get(f, TRIGGER_FILE("cma/cma_release")), "stacktrace:unlimited\n");
	pb_capture_close(cap);
}

/* A setting that cannot be written stops setup; what was done is undone. */
static void test_restore_on_error(void **state)
{
	struct fake *f = *state;
	struct pb_capture *cap = open_fake(f);
	char path[256];
	const char *err;

	snprintf(path, sizeof(path), "%s/events/page_isolation/test_pages_isolated/enable",
		 f->root);
	unlink(path);
	mkdir(path, 0755);	/* EISDIR for the read and the write */
	catch_stderr(f);
	assert_int_equal(pb_capture_select(cap, "cma:*,page_isolation:*", 0), 5);
	release_stderr(f);

	catch_stderr(f);
	assert_int_equal(pb_capture_setup(cap, 4096), -1);
	err = release_stderr(f);
	assert_non_null(strstr(err, "test_pages_isolated/enable: Is a directory"));
	assert_string_equal(get(f, "events/cma/cma_alloc_start/enable"), "1\n");
	assert_string_equal(get(f, "tracing_on"), "0\n");
	pb_capture_close(cap);	/* restores */
	assert_string_equal(get(f, "events/cma/cma_alloc_start/enable"), "0\n");
	assert_string_equal(get(f, TRIGGER_FILE("cma/cma_release")),
			    TRIGGERS "stacktrace\n!stacktrace\n");
	assert_string_equal(get(f, "tracing_on"), "1\n");
	assert_string_equal(get(f, "buffer_size_kb"), "1408\n");
	assert_string_equal(get(f, "options/hash-ptr"), "1\n");
}

/* A 6.12-like kernel: the GUP-fast grab is try_grab_folio_fast (static,
 * "t"), try_grab_folio the slow path, page cache goes into pipes through
 * splice_folio_into_pipe; everything ftrace may patch, and no optprobes
 * sysctl (arm64 has none). */
static void test_probes_chosen_on_612(void **state)
{
	struct fake *f = *state;
	struct pb_capture *cap = open_fake(f);
	const char *report;

	put(f, "proc/kallsyms",
	    "ffff8000803230e8 T splice_folio_into_pipe\n"
	    "ffff8000803507e8 t shmem_file_splice_read\n"
	    "ffff8000803715f8 t try_grab_folio_fast\n"
	    "ffff800080372058 T try_grab_folio\n");
	put(f, "available_filter_functions",
	    "splice_folio_into_pipe\ntry_grab_folio_fast\ntry_grab_folio\n");
	unlink_rel(f, "proc/sys/debug/kprobes-optimization");
	/* what the kernel makes for the probes it accepts */
	put(f, "events/pinblame/try_grab_folio_fast/enable", "0\n");
	put(f, "events/pinblame/splice_folio_into_pipe/enable", "0\n");
	catch_stderr(f);
	assert_int_equal(pb_capture_probe_gup(cap), 2);
	release_stderr(f);
	assert_string_equal(get(f, "kprobe_events"),
		"p:pinblame/try_grab_folio_fast try_grab_folio_fast page=$arg1:x64 refs=$arg2:s32 "
		"flags=$arg3:x32\n"
		"p:pinblame/try_grab_folio try_grab_folio page=$arg1:x64 refs=$arg2:s32 flags=$arg3:x32\n"
		"p:pinblame/splice_folio_into_pipe splice_folio_into_pipe page=$arg2:x64 fpos=$arg3:s64 "
		"size=$arg4:u64\n");
	report = pb_capture_probe_report(cap);
	assert_string_equal(report,
		"probes: try_grab_folio_fast (GUP-fast grab), try_grab_folio (GUP grab), "
		"splice_folio_into_pipe (page cache into pipes); not on this kernel: "
		"try_grab_compound_head, "
		"try_grab_page, copy_page_to_iter_pipe, folio_mark_accessed, mark_page_accessed, "
		"generic_file_splice_read");
	pb_capture_close(cap);
	assert_string_equal(get(f, "kprobe_events") + strlen(get(f, "kprobe_events")) -
			    strlen("-:pinblame/try_grab_folio_fast\n"),
			    "-:pinblame/try_grab_folio_fast\n");
}

/* The report of the 6.1-like tree: what was placed, what the kernel lacks,
 * and why optimization is off. */
static void test_probe_report_names_missing(void **state)
{
	struct fake *f = *state;
	struct pb_capture *cap = open_fake(f);
	const char *err;

	catch_stderr(f);
	assert_int_equal(pb_capture_probe_gup(cap), 1);
	err = release_stderr(f);
	assert_string_equal(pb_capture_probe_report(cap),
		"probes: try_grab_folio (GUP grab), generic_file_splice_read (file and offset "
		"spliced, a breakpoint: ftrace cannot patch it); not on this kernel: "
		"try_grab_folio_fast, try_grab_compound_head, splice_folio_into_pipe, "
		"copy_page_to_iter_pipe (only as copy_page_to_iter_pipe.isra.0, whose arguments "
		"the compiler changed), folio_mark_accessed, mark_page_accessed; kprobe "
		"optimization off for the run "
		"(breakpoint probes keep whole stacks)");
	assert_non_null(strstr(err, "no kprobe on try_grab_page: the kernel took it but made "
			       "no events/pinblame/try_grab_page/enable"));
	assert_non_null(strstr(err, "no probe gives the page of page-cache pages put into "
			       "pipes: this kernel has none of splice_folio_into_pipe, "
			       "copy_page_to_iter_pipe, folio_mark_accessed, mark_page_accessed"));
	pb_capture_close(cap);
	assert_string_equal(get(f, "proc/sys/debug/kprobes-optimization"), "1\n");
}

/* A kernel without any GUP grab function: an error that names them, and
 * nothing left behind. */
static void test_no_gup_symbol(void **state)
{
	struct fake *f = *state;
	struct pb_capture *cap = open_fake(f);

	put(f, "proc/kallsyms", "ffff8000083f5f10 T generic_file_splice_read\n");
	catch_stderr(f);
	assert_int_equal(pb_capture_probe_gup(cap), -1);
	assert_non_null(strstr(release_stderr(f),
		"none of the get_user_pages grab functions could be probed (probes: "
		"generic_file_splice_read (file and offset spliced, a breakpoint: ftrace cannot "
		"patch it); not on this kernel: try_grab_folio_fast, try_grab_folio, "
		"try_grab_compound_head, try_grab_page, "));
	pb_capture_close(cap);
	assert_string_equal(get(f, "proc/sys/debug/kprobes-optimization"), "1\n");
	assert_string_equal(get(f, "kprobe_events"),
		"p:pinblame/generic_file_splice_read generic_file_splice_read file=$arg1:x64 "
		"pos=+0($arg2):s64 len=$arg4:u64\n-:pinblame/generic_file_splice_read\n");
}

/* Without kallsyms every candidate is tried, and the kernel decides. */
static void test_no_kallsyms_tries_all(void **state)
{
	struct fake *f = *state;
	struct pb_capture *cap = open_fake(f);

	unlink_rel(f, "proc/kallsyms");
	catch_stderr(f);
	assert_int_equal(pb_capture_probe_gup(cap), 1);
	assert_non_null(strstr(release_stderr(f), "/proc/kallsyms: No such file or directory; "
			       "every probe is tried"));
	assert_non_null(strstr(get(f, "kprobe_events"), "p:pinblame/try_grab_compound_head "));
	assert_non_null(strstr(get(f, "kprobe_events"), "p:pinblame/copy_page_to_iter_pipe "));
	pb_capture_close(cap);
}

/* $argN, else the registers that hold the arguments at function entry. */
static void test_probe_definitions(void **state)
{
	char *def;

	(void)state;
	def = pb_capture_probe_definition("splice_folio_into_pipe", "aarch64", 0);
	assert_string_equal(def, "p:pinblame/splice_folio_into_pipe splice_folio_into_pipe "
			    "page=$arg2:x64 fpos=$arg3:s64 size=$arg4:u64");
	free(def);
	def = pb_capture_probe_definition("splice_folio_into_pipe", "aarch64", 1);
	assert_string_equal(def, "p:pinblame/splice_folio_into_pipe splice_folio_into_pipe "
			    "page=%x1:x64 fpos=%x2:s64 size=%x3:u64");
	free(def);
	def = pb_capture_probe_definition("generic_file_splice_read", "x86_64", 1);
	assert_string_equal(def, "p:pinblame/generic_file_splice_read generic_file_splice_read "
			    "file=%di:x64 pos=+0(%si):s64 len=%cx:u64");
	free(def);
	assert_null(pb_capture_probe_definition("try_grab_page", "mips", 1));
	assert_null(pb_capture_probe_definition("copy_page_to_iter", "x86_64", 0));
}

/* CPUs of different sizes: the top level reads "X", which cannot be
 * written back; each CPU's size is. */
static void test_buffer_per_cpu_restored(void **state)
{
	struct fake *f = *state;
	struct pb_capture *cap = open_fake(f);

	put(f, "buffer_size_kb", "X\n");
	put(f, "per_cpu/cpu0/buffer_size_kb", "1410\n");
	put(f, "per_cpu/cpu1/buffer_size_kb", "2820\n");
	catch_stderr(f);
	assert_int_equal(pb_capture_select(cap, "cma:cma_release", 0), 1);
	release_stderr(f);
	assert_int_equal(pb_capture_setup(cap, 4096), 0);
	assert_string_equal(get(f, "buffer_size_kb"), "4096\n");
	/* as the kernel does: the top-level write sized every CPU */
	put(f, "per_cpu/cpu0/buffer_size_kb", "4096\n");
	put(f, "per_cpu/cpu1/buffer_size_kb", "4096\n");
	assert_int_equal(pb_capture_restore(cap), 0);
	assert_string_equal(get(f, "buffer_size_kb"), "4096\n");
	assert_string_equal(get(f, "per_cpu/cpu0/buffer_size_kb"), "1410\n");
	assert_string_equal(get(f, "per_cpu/cpu1/buffer_size_kb"), "2820\n");
	pb_capture_close(cap);
}

/* An allocated buffer is written back as read: "1410" is whole pages,
 * which the kernel allocates again for 1410. */
static void test_buffer_written_back_as_read(void **state)
{
	struct fake *f = *state;
	struct pb_capture *cap = open_fake(f);

	put(f, "buffer_size_kb", "1410\n");
	catch_stderr(f);
	assert_int_equal(pb_capture_select(cap, "cma:cma_release", 0), 1);
	release_stderr(f);
	assert_int_equal(pb_capture_setup(cap, 4096), 0);
	assert_int_equal(pb_capture_restore(cap), 0);
	assert_string_equal(get(f, "buffer_size_kb"), "1410\n");
	pb_capture_close(cap);
}

/* A splice probe the kernel does not make: the next candidate of that
 * role is placed instead; the first placed ends the role. */
static void test_splice_probe_falls_back(void **state)
{
	struct fake *f = *state;
	struct pb_capture *cap = open_fake(f);

	put(f, "proc/kallsyms",
	    "ffff800080372058 T try_grab_folio\n"
	    "ffff8000803230e8 T splice_folio_into_pipe\n"
	    "ffff8000803230f0 t copy_page_to_iter_pipe\n");
	put(f, "available_filter_functions", "try_grab_folio\ncopy_page_to_iter_pipe\n");
	put(f, "events/pinblame/copy_page_to_iter_pipe/enable", "0\n");
	catch_stderr(f);
	assert_int_equal(pb_capture_probe_gup(cap), 1);
	assert_non_null(strstr(release_stderr(f),
		"no kprobe on splice_folio_into_pipe: the kernel took it but made no "
		"events/pinblame/splice_folio_into_pipe/enable"));
	assert_non_null(strstr(pb_capture_probe_report(cap),
		"probes: try_grab_folio (GUP grab), copy_page_to_iter_pipe (page cache into "
		"pipes); not on this kernel: "));
	pb_capture_close(cap);
}

/* Debian's 6.1 arm64: copy_page_to_iter_pipe inlined into
 * copy_page_to_iter, which ftrace may not patch. The folio that the
 * page cache read (shmem_file_read_iter) copies into the pipe is the
 * argument of folio_mark_accessed, which stands in, and says so; of the
 * two page-read functions only the first the kernel takes is placed. */
static void test_page_read_stands_in_without_splice_page(void **state)
{
	struct fake *f = *state;
	struct pb_capture *cap = open_fake(f);
	char *err;

	put(f, "proc/kallsyms", KALLSYMS_61 "ffff8000082c1a40 T mark_page_accessed\n"
	    "ffff8000082a0e10 T folio_mark_accessed\n");
	put(f, "available_filter_functions", FILTER_FUNCTIONS_61 "mark_page_accessed\n"
	    "folio_mark_accessed\n");
	put(f, "events/pinblame/folio_mark_accessed/enable", "0\n");
	put(f, "events/pinblame/mark_page_accessed/enable", "0\n");
	catch_stderr(f);
	assert_int_equal(pb_capture_probe_gup(cap), 1);
	err = release_stderr(f);
	assert_string_equal(get(f, "kprobe_events"),
		"p:pinblame/try_grab_folio try_grab_folio page=$arg1:x64 refs=$arg2:s32 flags=$arg3:x32\n"
		"p:pinblame/try_grab_page try_grab_page page=$arg1:x64 flags=$arg2:x32\n"
		"p:pinblame/folio_mark_accessed folio_mark_accessed page=$arg1:x64\n"
		"p:pinblame/generic_file_splice_read generic_file_splice_read file=$arg1:x64 "
		"pos=+0($arg2):s64 len=$arg4:u64\n");
	assert_non_null(strstr(pb_capture_probe_report(cap),
		"probes: try_grab_folio (GUP grab), folio_mark_accessed (page cache read, here "
		"into pipes), generic_file_splice_read (file and offset spliced, a breakpoint: "
		"ftrace cannot patch it); "));
	assert_non_null(strstr(err, "(this kernel has none of splice_folio_into_pipe, "
			       "copy_page_to_iter_pipe): the page cache read's folio_mark_accessed "
			       "or mark_page_accessed stands in"));
	pb_capture_close(cap);
}

/* Before folios (5.15 and older) mark_page_accessed did the marking. */
static void test_page_read_before_folios(void **state)
{
	struct fake *f = *state;
	struct pb_capture *cap = open_fake(f);

	put(f, "proc/kallsyms", KALLSYMS_61 "ffff8000082c1a40 T mark_page_accessed\n");
	put(f, "available_filter_functions", FILTER_FUNCTIONS_61 "mark_page_accessed\n");
	put(f, "events/pinblame/mark_page_accessed/enable", "0\n");
	catch_stderr(f);
	assert_int_equal(pb_capture_probe_gup(cap), 1);
	release_stderr(f);
	assert_non_null(strstr(get(f, "kprobe_events"),
		"p:pinblame/mark_page_accessed mark_page_accessed page=$arg1:x64\n"));
	assert_non_null(strstr(pb_capture_probe_report(cap),
		"mark_page_accessed (page cache read, here into pipes)"));
	pb_capture_close(cap);
}

/* Where a probe gives the spliced page itself, the page read is not
 * probed: it would only add hits of reads and unmaps. */
static void test_page_read_not_placed_with_splice_page(void **state)
{
	struct fake *f = *state;
	struct pb_capture *cap = open_fake(f);

	put(f, "proc/kallsyms",
	    "ffff800080372058 T try_grab_folio\n"
	    "ffff8000802c1a40 T mark_page_accessed\n"
	    "ffff8000802a0e10 T folio_mark_accessed\n"
	    "ffff8000803230e8 T splice_folio_into_pipe\n");
	put(f, "available_filter_functions",
	    "try_grab_folio\nmark_page_accessed\nfolio_mark_accessed\nsplice_folio_into_pipe\n");
	put(f, "events/pinblame/splice_folio_into_pipe/enable", "0\n");
	put(f, "events/pinblame/folio_mark_accessed/enable", "0\n");
	put(f, "events/pinblame/mark_page_accessed/enable", "0\n");
	catch_stderr(f);
	assert_int_equal(pb_capture_probe_gup(cap), 1);
	assert_null(strstr(release_stderr(f), "no probe gives the page"));
	assert_null(strstr(get(f, "kprobe_events"), "mark_page_accessed"));
	assert_null(strstr(get(f, "kprobe_events"), "folio_mark_accessed"));
	assert_non_null(strstr(pb_capture_probe_report(cap),
		"probes: try_grab_folio (GUP grab), splice_folio_into_pipe (page cache into "
		"pipes); "));
	pb_capture_close(cap);
}

static void test_leftover_probe(void **state)
{
	struct fake *f = *state;
	struct pb_capture *cap = open_fake(f);

	put(f, "kprobe_events", "p:pinblame/try_grab_page try_grab_page page=$arg1:x64\n");
	catch_stderr(f);
	assert_int_equal(pb_capture_probe_gup(cap), -1);
	assert_non_null(strstr(release_stderr(f),
		"kprobe pinblame/try_grab_page is left over from an earlier pinblame record; "
		"remove it with: echo '-:pinblame/try_grab_page' >> "));
	pb_capture_close(cap);
	/* nothing was written */
	assert_string_equal(get(f, "kprobe_events"),
			    "p:pinblame/try_grab_page try_grab_page page=$arg1:x64\n");
}

static void test_no_kprobes(void **state)
{
	struct fake *f = *state;
	struct pb_capture *cap = open_fake(f);
	char path[256];

	snprintf(path, sizeof(path), "%s/kprobe_events", f->root);
	unlink(path);
	catch_stderr(f);
	assert_int_equal(pb_capture_probe_gup(cap), -1);
	assert_non_null(strstr(release_stderr(f), "needs a kernel with CONFIG_KPROBE_EVENTS=y"));
	pb_capture_close(cap);
}

/* A fake capture of cma:cma_release, set up, and the trace file it writes
 * to (out.txt under the fake root), opened in *OUT. */
static struct pb_capture *set_up_with_output(struct fake *f, int *out)
{
	struct pb_capture *cap = open_fake(f);
	char out_path[300];

	catch_stderr(f);
	assert_int_equal(pb_capture_select(cap, "cma:cma_release", 0), 1);
	release_stderr(f);
	assert_int_equal(pb_capture_setup(cap, 1), 0);
	snprintf(out_path, sizeof(out_path), "%s/out.txt", f->root);
	*out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(*out >= 0);
	return cap;
}

/* What the buffer lost since setup, overwritten or refused, all CPUs: only
 * refusals get a mark (trace_pipe marks the overwritten itself). */
static void test_lost_events(void **state)
{
	struct fake *f = *state;
	int out;
	struct pb_capture *cap = set_up_with_output(f, &out);
	uint64_t lost = 99;

	assert_int_equal(pb_capture_mark_dropped(cap, out, &lost), 0);
	assert_int_equal(lost, 0);
	put(f, "per_cpu/cpu0/stats", "entries: 9\noverrun: 0\ndropped events: 12\n");
	put(f, "per_cpu/cpu1/stats", "entries: 0\noverrun: 8\ndropped events: 0\n");
	assert_int_equal(pb_capture_mark_dropped(cap, out, &lost), 0);
	close(out);
	/* (12 - 2) + (8 - 5) */
	assert_int_equal(lost, 13);
	assert_string_equal(get(f, "out.txt"), "CPU:0 [LOST 10 EVENTS]\n");
	pb_capture_close(cap);
}

/* With overwrite off, trace_pipe says nothing of the events a full buffer
 * refused: record writes them at the end in trace_pipe's words, per CPU,
 * counted from setup; overwritten ones trace_pipe marks itself. */
static void test_dropped_events_marked_at_the_end(void **state)
{
	struct fake *f = *state;
	int out;
	struct pb_capture *cap = set_up_with_output(f, &out);
	uint64_t lost;

	put(f, "trace_pipe", "   sh-1 [000] .....   1.000000: cma_release: name=x pfn=0x1");
	assert_int_equal(pb_capture_start(cap), 0);
	assert_true(pb_capture_pump(cap, out) > 0);
	put(f, "per_cpu/cpu0/stats", "entries: 9\noverrun: 0\ndropped events: 12\n");
	put(f, "per_cpu/cpu1/stats", "entries: 0\noverrun: 8\ndropped events: 0\n");
	put(f, "per_cpu/cpu11/stats", "entries: 0\noverrun: 0\ndropped events: 3\n");
	assert_int_equal(pb_capture_mark_dropped(cap, out, &lost), 0);
	close(out);
	/* the line pumped last had no newline: one is put before the marks */
	assert_string_equal(get(f, "out.txt"),
			    "   sh-1 [000] .....   1.000000: cma_release: name=x pfn=0x1\n"
			    "CPU:0 [LOST 10 EVENTS]\nCPU:11 [LOST 3 EVENTS]\n");
	/* (12 - 2) + (8 - 5) + 3 */
	assert_int_equal(lost, 16);
	pb_capture_close(cap);
}

/* The calibrating child's GUP probe hits in the trace file: its gets with
 * a page=, in order, whatever else ran or it did; the prefix is its task, cpu, flags
 * and time, up to the event name. */
static void test_calibration_hits_are_the_childs(void **state)
{
	static const char text[] =
		"# tracer: nop\n#\n"
		"        pinblame-4321    (   4321) [001] d....    36.608185: try_grab_folio_fast: (try_grab_folio_fast+0x0/0x1d0) page=0xfffffc00040ece40 refs=1 flags=0x4\n"
		"        pinblame-4321    (   4321) [001] d....    36.608190: <stack trace>\n"
		" => try_grab_folio_fast\n"
		"       holdpages-43210   (  43210) [000] d....    36.608191: try_grab_folio_fast: (try_grab_folio_fast+0x0/0x1d0) page=0xfffffc0000000040 refs=1 flags=0x4\n"
		"             sh-4321    (   4321) [000] .....    36.608192: test_pages_isolated: start_pfn=0x1 end_pfn=0x2 fin_pfn=0x2 ret=success\n"
		"        pinblame-4321    (   4321) [001] d....    36.608199: try_grab_folio_fast: (try_grab_folio_fast+0x0/0x1d0) page=0xfffffc00040ece80 refs=1 flags=0x4\n"
		/* its exit unmaps record's text: a page cache probe, not a get */
		"        pinblame-4321    (   4321) [001] d....    36.608300: folio_mark_accessed: (folio_mark_accessed+0x0/0x100) page=0xfffffc0000123440\n";
	struct pb_calib_hit hits[2];
	char prefix[128];

	(void)state;
	assert_int_equal(pb_calib_hits(text, 4321, hits, 2), 2);
	assert_true(hits[0].page == 0xfffffc00040ece40ULL);
	assert_true(hits[1].page == 0xfffffc00040ece80ULL);
	snprintf(prefix, sizeof(prefix), "%.*s", (int)hits[0].prefix_len, hits[0].prefix);
	assert_string_equal(prefix, "        pinblame-4321    (   4321) [001] d....    36.608185: ");
	/* more hits than asked: said so */
	assert_int_equal(pb_calib_hits(text, 4321, hits, 1), 2);
	assert_int_equal(pb_calib_hits(text, 999, hits, 2), 0);
}

/* Where pagemap gives no pfn (the fake proc has none; without root it
 * reads 0), calibration warns and goes on, tracing off and the buffer
 * emptied of what the child did. */
static void test_calibration_without_pagemap_warns(void **state)
{
	struct fake *f = *state;
	int out;
	struct pb_capture *cap = set_up_with_output(f, &out);

	put(f, "trace", "left over\n");
	catch_stderr(f);
	assert_int_equal(pb_capture_calibrate(cap, out), 0);
	assert_non_null(strstr(release_stderr(f), "could not learn the vmemmap from two vmsplice "
				"gets of our own (no pfn in /proc/self/pagemap (it needs root))"));
	close(out);
	assert_string_equal(get(f, "out.txt"), "");
	assert_string_equal(get(f, "tracing_on"), "0\n");
	assert_string_equal(get(f, "trace"), "");
	pb_capture_close(cap);
}

static void test_save_formats(void **state)
{
	struct fake *f = *state;
	struct pb_capture *cap = open_fake(f);
	struct utsname u;
	char dir[128], text[512];

	catch_stderr(f);
	assert_int_equal(pb_capture_select(cap, "cma:cma_release,kmem:*", 0), 2);
	release_stderr(f);
	snprintf(dir, sizeof(dir), "%s/saved/trace.txt.d", f->root);
	assert_int_equal(pb_capture_save_formats(cap, dir), 0);
	assert_string_equal(get(f, "saved/trace.txt.d/formats/cma/cma_release/format"),
			    "cma_release");
	assert_string_equal(get(f, "saved/trace.txt.d/formats/kmem/mm_page_alloc_extfrag/format"),
			    "mm_page_alloc_extfrag");
	assert_string_equal(get(f, "saved/trace.txt.d/formats/header_page"),
			    "field: u64 timestamp;\n");
	assert_string_equal(get(f, "saved/trace.txt.d/formats/header_event"),
			    "# compressed entry header\n");
	assert_int_equal(uname(&u), 0);
	snprintf(text, sizeof(text), "%s %s %s %s %s\n", u.sysname, u.nodename, u.release,
		 u.version, u.machine);
	assert_string_equal(get(f, "saved/trace.txt.d/uname.txt"), text);
	pb_capture_close(cap);
}

static void test_open_errors(void **state)
{
	struct fake *f = *state;
	char path[256], cmd[512];
	const char *err;

	catch_stderr(f);
	assert_null(pb_capture_open("/nonexistent/tracefs"));
	snprintf(path, sizeof(path), "%s/events", f->root);
	assert_null(pb_capture_open(path));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/events'", f->root);
	assert_int_equal(system(cmd), 0);
	assert_null(pb_capture_open(f->root));
	err = release_stderr(f);
	assert_non_null(strstr(err, "no tracefs at /nonexistent/tracefs: No such file or directory"));
	assert_non_null(strstr(err, "/events is not a tracefs (it has no tracing_on)"));
	assert_non_null(strstr(err, "has no events/: is the kernel built with CONFIG_EVENT_TRACING=y?"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_tree, teardown_tree)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_default_events),
		T(test_required_events),
		T(test_hints),
		T(test_check_list),
		T(test_setup_and_restore),
		T(test_leaves_alone),
		T(test_restore_on_error),
		T(test_probes_chosen_on_612),
		T(test_probe_report_names_missing),
		T(test_no_gup_symbol),
		T(test_no_kallsyms_tries_all),
		cmocka_unit_test(test_probe_definitions),
		T(test_buffer_per_cpu_restored),
		T(test_buffer_written_back_as_read),
		T(test_splice_probe_falls_back),
		T(test_page_read_stands_in_without_splice_page),
		T(test_page_read_before_folios),
		T(test_page_read_not_placed_with_splice_page),
		T(test_leftover_probe),
		T(test_no_kprobes),
		T(test_lost_events),
		T(test_dropped_events_marked_at_the_end),
		cmocka_unit_test(test_calibration_hits_are_the_childs),
		T(test_calibration_without_pagemap_warns),
		T(test_save_formats),
		T(test_open_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
