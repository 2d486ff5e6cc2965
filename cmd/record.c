/* record.c - pinblame record: capture the events and stacks that pinblame
 * needs, while COMMAND runs, for a while, or until Ctrl-C; then put every
 * tracefs setting back.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "pinblame/capture.h"

#define DEFAULT_OUTPUT "pinblame.trace"
#define DEFAULT_BUFFER_KB 16384UL
#define IDLE_NS 100000000L
#define DEFAULT_BPF_PAGES 65536UL
#define BPF_POLL_MS 100	/* sleep between reads of an empty trace_pipe */

static const struct pb_usage record_usage = {
	.synopsis = "record [-o FILE] [--duration S] [--events LIST] [--probe-gup]\n"
		    "[--buffer-kb N] [--import] [-- COMMAND [ARG...]]\n"
		    "record --bpf [--bpf-pages N] [--bpf-pfns RANGES] [-o FILE] [--duration S]\n"
		    "[--import] [-- COMMAND [ARG...]]",
	.about = "Records, through tracefs, the CMA, migration, isolation, compaction,\n"
		 "page_ref and page_pinner events this kernel has, with kernel stacks,\n"
		 "while COMMAND runs (or for S seconds, or until Ctrl-C), into FILE for\n"
		 "'pinblame import'. Every tracefs setting is restored afterwards. Needs root.\n",
	.footer = "environment: PINBLAME_TRACEFS=DIR uses DIR as the tracefs, PINBLAME_PROC=DIR\n"
		  "             DIR as procfs (kallsyms, sys/debug/kprobes-optimization);\n"
		  "             with --bpf, PINBLAME_BPF_ATTACH=fentry|kprobe and\n"
		  "             PINBLAME_BPF_GUP=call|page choose how the hooks attach, and\n"
		  "             PINBLAME_BPF_PUTS=failure|always when the put hooks do\n"
		  "exit codes: 0 ok, 2 usage, 3 tracing error; COMMAND's own status when it fails,\n"
		  "126/127 when it cannot be run\n",
	.in_order = 1,
};

struct record_opts {
	const char *output;
	double duration;	/* seconds; 0: none */
	const char *events;	/* NULL: the default list */
	int probe_gup;
	unsigned long buffer_kb;
	int import;		/* import FILE afterwards */
	char **command;		/* NULL: no COMMAND */
	int bpf;		/* record --bpf */
	unsigned long bpf_pages;
	const char *bpf_pfns;	/* NULL: the defaults */
};

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

static void catch_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static int take_duration(const struct pb_option *opt, const char *arg)
{
	double *seconds = opt->value;
	char *end;

	errno = 0;
	*seconds = strtod(arg, &end);
	if (errno || end == arg || *end || !(*seconds > 0)) {
		pb_error("--duration wants a number of seconds > 0, not '%s'", arg);
		return -1;
	}
	return 0;
}

/* ARG into OPT's string once CHECK (which says why not) takes it. */
static int take_checked(const struct pb_option *opt, const char *arg,
			int (*check)(const char *arg))
{
	if (check(arg) < 0)
		return -1;
	*(const char **)opt->value = arg;
	return 0;
}

static int take_events(const struct pb_option *opt, const char *arg)
{
	return take_checked(opt, arg, pb_capture_check_list);
}

/* A whole number from 1 (MIN for --bpf-pages) to MAX, by the one number
 * parser of the options. */
static int take_size(const struct pb_option *opt, const char *arg)
{
	int bpf = !strcmp(opt->long_name, "bpf-pages");
	long long min = bpf ? 64 : 1, max = bpf ? 1LL << 24 : 1LL << 40, v;

	if (pb_parse_count(opt->long_name, arg, max, &v) < 0)
		return -1;
	if (v < min) {
		pb_error("--%s wants a number from %lld to %lld, not '%s'", opt->long_name, min,
			 max, arg);
		return -1;
	}
	*(unsigned long *)opt->value = (unsigned long)v;
	return 0;
}

static int take_pfns(const struct pb_option *opt, const char *arg)
{
	return take_checked(opt, arg, pb_bpf_check_pfns);
}

static int parse_opts(int argc, char **argv, struct record_opts *o)
{
	const struct pb_option options[] = {
		PB_OPT_STRING('o', "output", &o->output, "FILE",
			      "trace file to write (default " DEFAULT_OUTPUT "); the event\n"
			      "formats and uname go to FILE.d/"),
		PB_OPT_CALLBACK(0, "duration", &o->duration, "S",
				"stop after S seconds (COMMAND, if still running, gets SIGTERM)",
				take_duration),
		PB_OPT_CALLBACK(0, "events", &o->events, "LIST",
				"SYSTEM:EVENT patterns, comma-separated, EVENT may be '*',\n"
				"'/nostack' skips the stack, '/stack-if=FILTER' takes it\n"
				"when FILTER matches; every one must exist", take_events),
		PB_OPT_BOOL(0, "probe-gup", &o->probe_gup,
			    "kprobes where this kernel takes page references for holders:\n"
			    "get_user_pages and splice into pipes (page= and stack), so\n"
			    "holders show without page_ref or page_pinner events"),
		PB_OPT_CALLBACK(0, "buffer-kb", &o->buffer_kb, "N",
				"ring buffer per CPU, at least N KB (default 16384)", take_size),
		PB_OPT_BOOL(0, "bpf", &o->bpf,
			    "instead of tracefs, BPF (needs BTF; fentry or kprobes):\n"
			    "keeps the latest GUP or splice stack of each page and\n"
			    "writes those of the pages an allocation failed on"),
		PB_OPT_CALLBACK(0, "bpf-pages", &o->bpf_pages, "N",
				"pages --bpf keeps at most (default 65536: 20 MiB of kernel\n"
				"memory, about 320 bytes a page with the stacks)", take_size),
		PB_OPT_CALLBACK(0, "bpf-pfns", &o->bpf_pfns, "RANGES",
				"pfns whose pages --bpf watches: START-END[,START-END...],\n"
				"END not included, 0x for hex, at most 8; 'cma': the CMA\n"
				"areas and ZONE_MOVABLE; 'all' (default): every page",
				take_pfns),
		PB_OPT_BOOL(0, "import", &o->import, "import FILE into the store afterwards"),
		PB_OPT_END(),
	};
	int rc, at;

	o->output = DEFAULT_OUTPUT;
	o->buffer_kb = DEFAULT_BUFFER_KB;
	o->bpf_pages = DEFAULT_BPF_PAGES;
	at = pb_parse_options(argc, argv, options, &record_usage, &rc);
	if (at < 0)
		return rc;
	if (!*o->output) {
		pb_error("-o wants a file name");
		return pb_see_help();
	}
	if (at < argc)
		o->command = argv + at;
	return -1;
}

/* Header comments: the ftrace parser takes "# tracer:" as the format's
 * mark, and "# pinblame-record: KEY=VALUE" lines as facts about the
 * kernel that the trace_pipe text does not carry. */
static int write_header(int fd, struct pb_capture *cap)
{
	struct pb_buf b = { 0 };
	int ret = 0;

	if (pb_capture_header(&b) < 0) {
		pb_buf_free(&b);
		return -1;
	}
	pb_buf_adds(&b, "# pinblame-record: events=");
	for (size_t i = 0; i < pb_capture_nevents(cap); i++)
		pb_buf_addf(&b, "%s%s", i ? "," : "", pb_capture_event(cap, i));
	pb_buf_adds(&b, "\n#\n");
	if (write(fd, b.data, b.len) != (ssize_t)b.len) {
		pb_error("cannot write the trace: %s", strerror(errno));
		ret = -1;
	}
	pb_buf_free(&b);
	return ret;
}

/* Starts COMMAND. The parent learns through a close-on-exec pipe whether
 * exec worked: it reads the child's errno, or nothing. */
static pid_t spawn(char **command, int *exec_errno)
{
	int fds[2], err = 0;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		*exec_errno = errno;
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		execvp(command[0], command);
		err = errno;
		/* should even this fail, the parent sees exit status 127 */
		while (write(fds[1], &err, sizeof(err)) < 0 && errno == EINTR)
			;
		_exit(127);
	}
	close(fds[1]);
	*exec_errno = pid < 0 ? errno : 0;
	if (pid > 0) {
		while (read(fds[0], &err, sizeof(err)) < 0 && errno == EINTR)
			;
		*exec_errno = err;
	}
	close(fds[0]);
	return pid;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct session {
	pid_t child;
	int child_status;
	int child_done;
	int stopped_child;	/* we ended COMMAND: a signal from us is no failure */
	uint64_t bytes;
};

/* Copies trace_pipe to OUT until COMMAND exits, the time is up, or a
 * signal asks to stop. */
static int stream(struct pb_capture *cap, int out, const struct record_opts *o,
		  struct session *s)
{
	double deadline = o->duration > 0 ? now_seconds() + o->duration : 0;
	const struct timespec idle = { 0, IDLE_NS };

	for (;;) {
		long n = pb_capture_pump(cap, out);

		if (n < 0)
			return -1;
		s->bytes += (uint64_t)n;
		if (s->child > 0 && waitpid(s->child, &s->child_status, WNOHANG) == s->child) {
			s->child_done = 1;
			return 0;
		}
		if (stop_signal || (deadline && now_seconds() >= deadline))
			return 0;
		if (n == 0)
			nanosleep(&idle, NULL);
	}
}

/* Ends COMMAND when we stop first: it has the user's Ctrl-C already when
 * it shares our terminal, the signal we got otherwise, or SIGTERM when the
 * time is up. */
static void end_child(struct session *s)
{
	if (s->child <= 0 || s->child_done)
		return;
	kill(s->child, stop_signal ? stop_signal : SIGTERM);
	s->stopped_child = 1;
	while (waitpid(s->child, &s->child_status, 0) < 0 && errno == EINTR)
		;
	s->child_done = 1;
}

/* COMMAND's failure, reported; its status becomes ours. */
static int child_result(const struct session *s, char **command)
{
	int st = s->child_status;

	if (!s->child_done)
		return PB_EXIT_OK;
	if (WIFEXITED(st) && WEXITSTATUS(st)) {
		pb_error("'%s' exited with status %d", command[0], WEXITSTATUS(st));
		return WEXITSTATUS(st);
	}
	if (WIFSIGNALED(st) && !s->stopped_child) {
		pb_error("'%s' was killed by signal %d (%s)", command[0], WTERMSIG(st),
			 strsignal(WTERMSIG(st)));
		return 128 + WTERMSIG(st);
	}
	return PB_EXIT_OK;
}

static int start_command(struct session *s, char **command)
{
	int err;

	s->child = spawn(command, &err);
	if (s->child > 0 && !err)
		return 0;
	pb_error("cannot run '%s': %s", command[0], strerror(err));
	if (s->child > 0)
		waitpid(s->child, NULL, 0);
	s->child = 0;
	return err == ENOENT ? 127 : 126;
}

static void print_start(struct pb_capture *cap, const struct record_opts *o)
{
	fprintf(stderr, "pinblame record: %zu events from %s", pb_capture_nevents(cap),
		pb_capture_root(cap));
	if (o->command)
		fprintf(stderr, ", until '%s' exits", o->command[0]);
	if (o->duration > 0)
		fprintf(stderr, ", for at most %gs", o->duration);
	if (!o->command && !(o->duration > 0))
		fputs(", until Ctrl-C", stderr);
	fputc('\n', stderr);
}

/* Setup through the end of recording; tracefs is restored by the caller. */
static int run(struct pb_capture *cap, int out, const char *formats_dir,
	       const struct record_opts *o, struct session *s)
{
	int ret;
	uint64_t lost = 0;

	if (pb_capture_setup(cap, o->buffer_kb) < 0 ||
	    (formats_dir && pb_capture_save_formats(cap, formats_dir) < 0) ||
	    write_header(out, cap) < 0 || (o->probe_gup && pb_capture_calibrate(cap, out) < 0))
		return PB_EXIT_INPUT;
	if (stop_signal) {
		pb_error("interrupted before recording started");
		return 128 + stop_signal;
	}
	print_start(cap, o);
	if (pb_capture_start(cap) < 0)
		return PB_EXIT_INPUT;
	if (o->command && (ret = start_command(s, o->command)) != 0) {
		pb_capture_stop(cap);
		return ret;
	}
	ret = stream(cap, out, o, s) < 0 ? PB_EXIT_INPUT : PB_EXIT_OK;
	if (pb_capture_stop(cap) < 0)
		ret = PB_EXIT_INPUT;
	for (long n; ret == PB_EXIT_OK && (n = pb_capture_pump(cap, out)) != 0;) {
		if (n < 0)
			ret = PB_EXIT_INPUT;
		else
			s->bytes += (uint64_t)n;
	}
	if (ret == PB_EXIT_OK && pb_capture_mark_dropped(cap, out, &lost) < 0)
		ret = PB_EXIT_INPUT;
	if (lost)
		pb_warn("%" PRIu64 " events were lost (ring buffer full): "
			"try a larger --buffer-kb", lost);
	return ret;
}

/* The trace file and its FILE.d/ folder of formats, written under
 * temporary names beside them and renamed once the recording worked, so
 * that a failed or refused run leaves the old ones as they were and
 * nothing half written. A device or a pipe (/dev/null) is written in
 * place, without a folder. */
struct record_out {
	const char *path;
	char *tmp;		/* the trace's temporary name; NULL in place */
	char *dir_tmp;		/* the formats folder's; NULL without one */
	int fd;
};

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void remove_tree(const char *dir)
{
	if (dir)
		nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static char *with_suffix(const char *path, const char *suffix)
{
	char *p = pb_malloc(strlen(path) + strlen(suffix) + 1);

	return strcat(strcpy(p, path), suffix);
}

static int out_open(struct record_out *w, const char *path, int with_formats)
{
	struct stat sb;
	mode_t mask = umask(0);

	umask(mask);
	memset(w, 0, sizeof(*w));
	w->path = path;
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		w->fd = open(path, O_WRONLY | O_CLOEXEC);
	} else {
		w->tmp = with_suffix(path, ".tmp-XXXXXX");
		w->fd = mkostemp(w->tmp, O_CLOEXEC);
		/* as open() would have made it, not mkstemp()'s 0600 */
		if (w->fd >= 0)
			fchmod(w->fd, 0666 & ~mask);
		if (w->fd >= 0 && with_formats) {
			w->dir_tmp = with_suffix(path, ".d.tmp-XXXXXX");
			if (!mkdtemp(w->dir_tmp)) {
				close(w->fd);
				w->fd = -1;
			} else {
				chmod(w->dir_tmp, 0777 & ~mask);
			}
		}
	}
	if (w->fd < 0) {
		pb_error("cannot write %s: %s", path, strerror(errno));
		if (w->tmp)
			unlink(w->tmp);
		free(w->tmp);
		free(w->dir_tmp);
		return -1;
	}
	return 0;
}

/* Closes the trace; on RET == PB_EXIT_OK puts both in place, otherwise
 * removes them. Returns RET, or PB_EXIT_INPUT after a write error. */
static int out_close(struct record_out *w, int ret)
{
	char *dir = with_suffix(w->path, ".d");

	if (close(w->fd) < 0 && ret == PB_EXIT_OK) {
		pb_error("cannot write %s: %s", w->path, strerror(errno));
		ret = PB_EXIT_INPUT;
	}
	if (ret == PB_EXIT_OK && w->tmp && rename(w->tmp, w->path) < 0) {
		pb_error("cannot write %s: %s", w->path, strerror(errno));
		ret = PB_EXIT_INPUT;
	}
	if (ret == PB_EXIT_OK && w->dir_tmp) {
		remove_tree(dir);
		if (rename(w->dir_tmp, dir) < 0) {
			pb_error("cannot write %s: %s", dir, strerror(errno));
			ret = PB_EXIT_INPUT;
		}
	}
	if (ret != PB_EXIT_OK) {
		if (w->tmp)
			unlink(w->tmp);
		remove_tree(w->dir_tmp);
	}
	free(dir);
	free(w->tmp);
	free(w->dir_tmp);
	return ret;
}

/* A failing COMMAND still leaves a trace worth importing; its status
 * is what we exit with when the import works. */
static int finish(const struct record_opts *o, const struct session *s,
		  const struct pb_globals *g)
{
	char *paths[] = { (char *)o->output };
	int ret;

	if (o->import) {
		ret = pb_import_files(g->db_path, paths, 1, "ftrace");
		if (ret != PB_EXIT_OK)
			return ret;
	}
	return child_result(s, o->command);
}

/* record --bpf: the BPF recorder (lib/capture/bpf.c) instead of tracefs,
 * with the same COMMAND, --duration and Ctrl-C handling. */
static int stream_bpf(struct pb_bpf_run *r, const struct record_opts *o, struct session *s)
{
	double deadline = o->duration > 0 ? now_seconds() + o->duration : 0;

	for (;;) {
		if (pb_bpf_poll(r, BPF_POLL_MS) < 0)
			return -1;
		if (s->child > 0 && waitpid(s->child, &s->child_status, WNOHANG) == s->child) {
			s->child_done = 1;
			return 0;
		}
		if (stop_signal || (deadline && now_seconds() >= deadline))
			return 0;
	}
}

static int record_bpf(const struct record_opts *o, struct session *s)
{
	const char *proc = getenv("PINBLAME_PROC"), *sysfs = getenv("PINBLAME_SYSFS");
	const char *tracefs = getenv("PINBLAME_TRACEFS");
	struct pb_bpf_opts bo = { proc ? proc : "/proc", sysfs ? sysfs : "/sys",
				  tracefs ? tracefs : "/sys/kernel/tracing", o->bpf_pages, -1,
				  o->bpf_pfns };
	struct pb_bpf_run *r;
	struct record_out w;
	int ret;

	if (out_open(&w, o->output, 0) < 0)
		return PB_EXIT_INPUT;
	bo.out_fd = w.fd;
	r = pb_bpf_start(&bo);
	if (!r)
		return out_close(&w, PB_EXIT_INPUT);
	ret = o->command ? start_command(s, o->command) : 0;
	if (ret == 0)
		ret = stream_bpf(r, o, s) < 0 ? PB_EXIT_INPUT : PB_EXIT_OK;
	if (pb_bpf_stop(r) < 0 && ret == PB_EXIT_OK)
		ret = PB_EXIT_INPUT;
	s->bytes = pb_bpf_bytes(r);
	pb_bpf_close(r);
	end_child(s);
	ret = out_close(&w, ret);
	if (ret == PB_EXIT_OK)
		fprintf(stderr, "pinblame record: wrote %s (%" PRIu64 " bytes)\n", o->output,
			s->bytes);
	return ret;
}

int cmd_record(int argc, char **argv, const struct pb_globals *g)
{
	struct record_opts o = { 0 };
	struct session s = { 0 };
	struct pb_capture *cap;
	struct record_out w;
	int ret, with_formats;

	ret = parse_opts(argc, argv, &o);
	if (ret >= 0)
		return ret;
	catch_stop_signals();
	if (o.bpf) {
		ret = record_bpf(&o, &s);
		return ret == PB_EXIT_OK ? finish(&o, &s, g) : ret;
	}
	cap = pb_capture_open(getenv("PINBLAME_TRACEFS"));
	if (!cap)
		return PB_EXIT_INPUT;
	if (getenv("PINBLAME_PROC"))
		pb_capture_set_proc(cap, getenv("PINBLAME_PROC"));
	if (pb_capture_select(cap, o.events ? o.events : pb_capture_default_events,
			      !o.events) < 0 ||
	    (o.probe_gup && pb_capture_probe_gup(cap) < 0)) {
		pb_capture_close(cap);
		return PB_EXIT_INPUT;
	}
	if (o.probe_gup)
		fprintf(stderr, "pinblame record: %s\n", pb_capture_probe_report(cap));
	if (out_open(&w, o.output, 1) < 0) {
		pb_capture_close(cap);
		return PB_EXIT_INPUT;
	}
	ret = run(cap, w.fd, w.dir_tmp, &o, &s);
	if (pb_capture_restore(cap) < 0 && ret == PB_EXIT_OK)
		ret = PB_EXIT_INPUT;
	pb_capture_close(cap);
	end_child(&s);
	with_formats = w.dir_tmp != NULL;
	ret = out_close(&w, ret);
	if (ret == PB_EXIT_OK && with_formats)
		fprintf(stderr, "pinblame record: wrote %s (%" PRIu64 " bytes of trace), "
			"formats and uname in %s.d/\n", o.output, s.bytes, o.output);
	else if (ret == PB_EXIT_OK)
		fprintf(stderr, "pinblame record: wrote %s (%" PRIu64 " bytes of trace)\n",
			o.output, s.bytes);
	return ret == PB_EXIT_OK ? finish(&o, &s, g) : ret;
}
