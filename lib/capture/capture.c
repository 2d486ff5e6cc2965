/* capture.c - a tracing session on one tracefs: settings changed through an
 * undo log, the ring buffer streamed out of trace_pipe, and the event
 * format files saved next to the trace.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <tracefs.h>

#include "pinblame/core.h"
#include "session.h"

/* One read of trace_pipe, and how much one pump may copy before it lets
 * the caller look at its child and signals again. */
#define PIPE_CHUNK 65536
#define PUMP_MAX (4u << 20)

char *pb_tracefs_read(struct pb_capture *cap, const char *path)
{
	struct pb_buf b = { 0 };
	char chunk[4096];
	ssize_t n;
	int fd = openat(cap->rootfd, path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			pb_buf_free(&b);
			errno = e;
			return NULL;
		}
		pb_buf_add(&b, chunk, (size_t)n);
	}
	close(fd);
	return b.data ? b.data : pb_strdup("");
}

int pb_tracefs_exists(struct pb_capture *cap, const char *path)
{
	return faccessat(cap->rootfd, path, F_OK, 0) == 0;
}

/* Control files take one write per value or command. Commands are
 * appended, as `>>` does: on tracefs O_TRUNC on a trigger file would drop
 * every trigger of the event and on kprobe_events every probe, and on a
 * plain file (the tests' fake tree) appending keeps each command. */
static int tracefs_write(struct pb_capture *cap, const char *path, const char *text,
			 int append)
{
	int flags = O_WRONLY | O_CLOEXEC | (append ? O_APPEND : O_TRUNC);
	int fd = openat(cap->rootfd, path, flags);
	struct pb_buf line = { 0 };
	ssize_t n;

	if (fd < 0)
		return -1;
	/* one value or command per line, as echo writes it */
	pb_buf_adds(&line, text);
	if (*text)
		pb_buf_addc(&line, '\n');
	do
		n = write(fd, pb_buf_str(&line), line.len);
	while (n < 0 && errno == EINTR);
	if (n >= 0 && (size_t)n != line.len) {
		n = -1;
		errno = EIO;
	}
	pb_buf_free(&line);
	if (close(fd) < 0 && n >= 0)
		n = -1;
	return n < 0 ? -1 : 0;
}

/* The kernel explains rejected triggers and probes in error_log; the last
 * entry's first line, without its timestamp, is what the user needs. */
static char *kernel_reason(struct pb_capture *cap)
{
	char *log = tracefs_error_last(cap->inst);
	char *p, *reason;

	if (!log)
		return NULL;
	p = log;
	if (*p == '[' && strchr(p, ']'))
		p = strchr(p, ']') + 1;
	while (*p == ' ')
		p++;
	reason = pb_strndup(p, strcspn(p, "\n"));
	free(log);
	return reason;
}

static void report_write_error(struct pb_capture *cap, const char *path, const char *text,
			       int err)
{
	char *reason = kernel_reason(cap);

	pb_error("cannot write '%s' to %s/%s: %s%s%s%s", text, cap->root, path,
		 strerror(err), reason ? " (kernel: " : "", reason ? reason : "",
		 reason ? ")" : "");
	free(reason);
}

static void push_undo(struct pb_capture *cap, const char *path, const char *text, int append)
{
	struct pb_undo *u;

	PB_GROW(cap->undo, cap->nundo + 1, cap->undo_cap);
	u = &cap->undo[cap->nundo++];
	u->path = pb_strdup(path);
	u->text = pb_strdup(text);
	u->append = append;
}

int pb_tracefs_change(struct pb_capture *cap, const char *path, const char *text,
		      const char *undo_text, int append)
{
	if (tracefs_write(cap, path, text, append) < 0) {
		report_write_error(cap, path, text, errno);
		return -1;
	}
	if (undo_text)
		push_undo(cap, path, undo_text, append);
	return 0;
}

int pb_tracefs_try_command(struct pb_capture *cap, const char *path, const char *text,
			   const char *undo_text)
{
	if (tracefs_write(cap, path, text, 1) < 0)
		return -1;
	push_undo(cap, path, undo_text, 1);
	return 0;
}

char *pb_tracefs_reason(struct pb_capture *cap)
{
	return kernel_reason(cap);
}

/* First word of a value file: "1\n" -> "1"; "0*" (soft disabled) -> "0". */
static void value_word(char *s)
{
	size_t n = strcspn(s, " \t\n*");

	s[n] = '\0';
}

/* Sets a value file to VALUE, remembering the old value; a file that has
 * the value already is left alone (and is not restored). */
static int set_value(struct pb_capture *cap, const char *path, const char *value)
{
	char *old = pb_tracefs_read(cap, path);
	int ret = 0;

	if (!old) {
		pb_error("cannot read %s/%s: %s", cap->root, path, strerror(errno));
		return -1;
	}
	value_word(old);
	if (strcmp(old, value))
		ret = pb_tracefs_change(cap, path, value, old, 0);
	free(old);
	return ret;
}

static int set_option(struct pb_capture *cap, const char *name, const char *value)
{
	char path[128];

	snprintf(path, sizeof(path), "options/%s", name);
	if (!pb_tracefs_exists(cap, path))
		return 0;	/* older kernel: the default is what we want */
	return set_value(cap, path, value);
}

/* Remembers each CPU's buffer_size_kb, to be written back per CPU: the
 * top-level file reads "X" when CPUs differ, and "X" cannot be written. */
static int remember_per_cpu_sizes(struct pb_capture *cap)
{
	int fd = openat(cap->rootfd, "per_cpu", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	int ret = 0;

	if (!d) {
		pb_error("cannot read %s/per_cpu: %s", cap->root, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (ret == 0 && (de = readdir(d))) {
		char path[300], *size;

		if (strncmp(de->d_name, "cpu", 3))
			continue;
		snprintf(path, sizeof(path), "per_cpu/%s/buffer_size_kb", de->d_name);
		size = pb_tracefs_read(cap, path);
		if (!size) {
			pb_error("cannot read %s/%s: %s", cap->root, path, strerror(errno));
			ret = -1;
			break;
		}
		value_word(size);
		push_undo(cap, path, size, 0);
		free(size);
	}
	closedir(d);
	return ret;
}

/* The buffer is grown to KB per CPU, never shrunk, and put back as it was
 * read. buffer_size_kb reads one of:
 *   "N"                  every CPU has N KB. Since 6.5 the kernel shows the
 *                        size it allocated, in whole sub-buffer pages (4080
 *                        bytes of events per 4 KiB page), so writing N
 *                        back allocates the same pages and shows N again.
 *   "X"                  the CPUs differ: each CPU's size is written back.
 *   "N (expanded: M)"    not allocated yet. Enabling any event allocates M
 *                        KB (the kernel's trace_buf_size), so M is what is
 *                        written back; since 6.5 it then shows M rounded up
 *                        to whole pages (1408 shows as 1410), as it would
 *                        after any use of tracing. A never-used buffer
 *                        cannot be made unused again. */
static int set_buffer(struct pb_capture *cap, unsigned long kb)
{
	char *cur = pb_tracefs_read(cap, "buffer_size_kb");
	const char *expanded;
	unsigned long have;
	int per_cpu, ret = 0;
	char want[32], old[32];

	if (!cur) {
		pb_error("cannot read %s/buffer_size_kb: %s", cap->root, strerror(errno));
		return -1;
	}
	per_cpu = cur[0] == 'X';
	expanded = strstr(cur, "expanded:");
	have = per_cpu ? 0 : strtoul(expanded ? expanded + 9 : cur, NULL, 10);
	free(cur);
	if (have >= kb)
		return 0;
	snprintf(want, sizeof(want), "%lu", kb);
	snprintf(old, sizeof(old), "%lu", have);
	if (per_cpu && remember_per_cpu_sizes(cap) < 0)
		return -1;
	ret = pb_tracefs_change(cap, "buffer_size_kb", want, per_cpu ? NULL : old, 0);
	if (ret < 0 && !per_cpu)
		pb_error("the buffer is %lu KB per CPU; try a smaller --buffer-kb", have);
	return ret;
}

/* Whether EV is a probe record placed (lib/capture/probes.c), whose hits
 * in record's own process are not wanted: on 6.1 the page cache read's
 * probe (folio_mark_accessed) fires on every write of the trace, which was
 * half of the hits and of the trace. The filter keeps them out of the
 * buffer; the trigger's condition out of the stacks too, since a trigger
 * without one fires before the filter is tested ("stack without event"). */
static int is_own_probe(const struct pb_capture_ev *ev)
{
	return !strcmp(ev->system, PB_PROBE_GROUP);
}

static int filter_own_process(struct pb_capture *cap, const struct pb_capture_ev *ev)
{
	char path[512], filter[64];

	snprintf(path, sizeof(path), "events/%s/%s/filter", ev->system, ev->event);
	snprintf(filter, sizeof(filter), "common_pid != %d", (int)getpid());
	return pb_tracefs_change(cap, path, filter, "0", 0);
}

/* Adds a stacktrace trigger unless the event has one (the kernel refuses
 * a second); removed again at restore. */
static int add_stack_trigger(struct pb_capture *cap, const struct pb_capture_ev *ev)
{
	struct pb_buf cmd = { 0 };
	char path[512];
	char *cur, *line;
	int has = 0, ret;

	snprintf(path, sizeof(path), "events/%s/%s/trigger", ev->system, ev->event);
	cur = pb_tracefs_read(cap, path);
	if (!cur) {
		pb_error("cannot read %s/%s: %s", cap->root, path, strerror(errno));
		return -1;
	}
	for (line = cur; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
		if (!strncmp(line, "stacktrace", 10))
			has = 1;
	free(cur);
	if (has)
		return 0;
	pb_buf_adds(&cmd, "stacktrace");
	if (ev->stack_if && is_own_probe(ev))
		pb_buf_addf(&cmd, " if (%s) && common_pid != %d", ev->stack_if, (int)getpid());
	else if (ev->stack_if)
		pb_buf_addf(&cmd, " if %s", ev->stack_if);
	else if (is_own_probe(ev))
		pb_buf_addf(&cmd, " if common_pid != %d", (int)getpid());
	/* the kernel removes a stacktrace trigger whatever its filter */
	ret = pb_tracefs_change(cap, path, cmd.data, "!stacktrace", 1);
	pb_buf_free(&cmd);
	return ret;
}

static int enable_event(struct pb_capture *cap, const struct pb_capture_ev *ev)
{
	char path[512];

	if (is_own_probe(ev) && filter_own_process(cap, ev) < 0)
		return -1;
	snprintf(path, sizeof(path), "events/%s/%s/enable", ev->system, ev->event);
	if (set_value(cap, path, "1") < 0)
		return -1;
	return ev->stack ? add_stack_trigger(cap, ev) : 0;
}

static int by_cpu(const void *a, const void *b)
{
	const struct pb_cpu_lost *x = a, *y = b;

	return (x->cpu > y->cpu) - (x->cpu < y->cpu);
}

/* Each CPU's counts of events overwritten (overrun) and refused when the
 * buffer was full (dropped events), from per_cpu/cpuN/stats, by cpu. */
static void read_lost(struct pb_capture *cap, struct pb_cpu_lost **out, size_t *n)
{
	int fd = openat(cap->rootfd, "per_cpu", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	size_t cap_n = 0;

	*out = NULL;
	*n = 0;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d))) {
		char path[300], *stats, *p, *end;
		struct pb_cpu_lost c = { 0 };
		long cpu;

		if (strncmp(de->d_name, "cpu", 3))
			continue;
		cpu = strtol(de->d_name + 3, &end, 10);
		if (end == de->d_name + 3 || *end || cpu < 0 || cpu > INT32_MAX)
			continue;
		c.cpu = (int)cpu;
		snprintf(path, sizeof(path), "per_cpu/%s/stats", de->d_name);
		stats = pb_tracefs_read(cap, path);
		for (p = stats; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
			if (!strncmp(p, "overrun:", 8))
				c.overrun = strtoull(p + 8, NULL, 10);
			else if (!strncmp(p, "dropped events:", 15))
				c.dropped = strtoull(p + 15, NULL, 10);
		}
		free(stats);
		if (*n == cap_n) {
			cap_n = cap_n ? 2 * cap_n : 16;
			*out = pb_realloc(*out, cap_n * sizeof(**out));
		}
		(*out)[(*n)++] = c;
	}
	closedir(d);
	if (*n)
		qsort(*out, *n, sizeof(**out), by_cpu);
}

/* CPU's counts at setup: what its buffer lost before is not ours. */
static const struct pb_cpu_lost *lost_at_setup(const struct pb_capture *cap, int cpu)
{
	static const struct pb_cpu_lost none;

	for (size_t i = 0; i < cap->nlost_at_setup; i++)
		if (cap->lost_at_setup[i].cpu == cpu)
			return &cap->lost_at_setup[i];
	return &none;
}

static uint64_t since(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

int pb_capture_setup(struct pb_capture *cap, unsigned long buffer_kb)
{
	/* events only: a function tracer would flood the buffer */
	if (set_value(cap, "tracing_on", "0") < 0 ||
	    set_value(cap, "current_tracer", "nop") < 0 ||
	    set_buffer(cap, buffer_kb) < 0 ||
	    set_option(cap, "overwrite", "0") < 0 ||
	    set_option(cap, "record-tgid", "1") < 0 ||
	    set_option(cap, "hash-ptr", "0") < 0)
		return -1;
	/* what the buffer held before is not ours: empty it (O_TRUNC) */
	if (pb_tracefs_change(cap, "trace", "", NULL, 0) < 0)
		return -1;
	for (size_t i = 0; i < cap->nevents; i++)
		if (enable_event(cap, &cap->events[i]) < 0)
			return -1;
	free(cap->lost_at_setup);
	read_lost(cap, &cap->lost_at_setup, &cap->nlost_at_setup);
	return 0;
}

int pb_capture_start(struct pb_capture *cap)
{
	cap->pipe_fd = openat(cap->rootfd, "trace_pipe", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (cap->pipe_fd < 0) {
		pb_error("cannot open %s/trace_pipe: %s", cap->root, strerror(errno));
		return -1;
	}
	return pb_tracefs_change(cap, "tracing_on", "1", NULL, 0);
}

int pb_capture_stop(struct pb_capture *cap)
{
	return pb_tracefs_change(cap, "tracing_on", "0", NULL, 0);
}

/* trace_pipe opened O_NONBLOCK says EAGAIN when it is empty; after
 * tracing stops it may also say 0 (end), as a plain file does. */
long pb_capture_pump(struct pb_capture *cap, int fd)
{
	char buf[PIPE_CHUNK];
	size_t total = 0;

	while (total < PUMP_MAX) {
		ssize_t n = read(cap->pipe_fd, buf, sizeof(buf));

		if (n == 0 || (n < 0 && (errno == EAGAIN || errno == EINTR)))
			break;
		if (n < 0) {
			pb_error("cannot read %s/trace_pipe: %s", cap->root, strerror(errno));
			return -1;
		}
		if (pb_write_all(fd, buf, (size_t)n) < 0) {
			pb_error("cannot write the trace: %s", strerror(errno));
			return -1;
		}
		cap->pumped_last = buf[n - 1];
		total += (size_t)n;
	}
	return (long)total;
}

/* With the option overwrite off, a full buffer refuses new events and
 * trace_pipe never says so (it prints "CPU:N [LOST M EVENTS]" only for
 * events overwritten before it read them). The trace then has holes that
 * nothing in it shows: a stack whose event was refused reads as a stack
 * without event, and import would count no loss. So the drops are written
 * at the end, in trace_pipe's own words, one line per CPU. Where in the
 * trace they happened is not known: in the middle, between two reads, a
 * line could come between an event and its stack. */
int pb_capture_mark_dropped(struct pb_capture *cap, int fd, uint64_t *lost)
{
	struct pb_cpu_lost *now;
	struct pb_buf marks = { 0 };
	size_t n;
	int ret = 0;

	*lost = 0;
	read_lost(cap, &now, &n);
	for (size_t i = 0; i < n; i++) {
		const struct pb_cpu_lost *then = lost_at_setup(cap, now[i].cpu);
		uint64_t dropped = since(now[i].dropped, then->dropped);

		*lost += dropped + since(now[i].overrun, then->overrun);
		if (dropped)
			pb_buf_addf(&marks, "CPU:%d [LOST %" PRIu64 " EVENTS]\n", now[i].cpu, dropped);
	}
	free(now);
	if (marks.len && cap->pumped_last != '\n' && cap->pumped_last)
		ret = pb_write_all(fd, "\n", 1);
	if (marks.len && !ret)
		ret = pb_write_all(fd, marks.data, marks.len);
	if (ret < 0)
		pb_error("cannot write the trace: %s", strerror(errno));
	pb_buf_free(&marks);
	return ret;
}

static int mkdir_p(const char *path)
{
	char *p = pb_strdup(path);
	int ret = 0;

	for (char *s = p + 1; *s && !ret; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST)
			ret = -1;
		*s = '/';
	}
	if (!ret && mkdir(p, 0777) < 0 && errno != EEXIST)
		ret = -1;
	if (ret)
		pb_error("cannot create %s: %s", p, strerror(errno));
	free(p);
	return ret;
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int failed;

	if (!f) {
		pb_error("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	failed = fputs(text, f) == EOF;
	/* closed once, whether the write failed or not */
	if (fclose(f) == EOF || failed) {
		pb_error("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Copies tracefs file FROM to DIR/TO, creating TO's directory. */
static int save_file(struct pb_capture *cap, const char *from, const char *dir, const char *to)
{
	char *text = pb_tracefs_read(cap, from);
	struct pb_buf path = { 0 };
	int ret;

	if (!text) {
		pb_error("cannot read %s/%s: %s", cap->root, from, strerror(errno));
		return -1;
	}
	pb_buf_addf(&path, "%s/%s", dir, to);
	*strrchr(path.data, '/') = '\0';
	ret = mkdir_p(path.data);
	path.data[strlen(path.data)] = '/';
	if (!ret)
		ret = write_text(path.data, text);
	pb_buf_free(&path);
	free(text);
	return ret;
}

static int save_uname(const char *dir)
{
	struct utsname u;
	struct pb_buf b = { 0 };
	char path[4096];
	int ret;

	if (uname(&u) < 0) {
		pb_error("uname: %s", strerror(errno));
		return -1;
	}
	pb_buf_addf(&b, "%s %s %s %s %s\n", u.sysname, u.nodename, u.release, u.version,
		    u.machine);
	snprintf(path, sizeof(path), "%s/uname.txt", dir);
	ret = write_text(path, b.data);
	pb_buf_free(&b);
	return ret;
}

int pb_capture_header(struct pb_buf *b)
{
	struct utsname u;

	if (uname(&u) < 0) {
		pb_error("uname: %s", strerror(errno));
		return -1;
	}
	pb_buf_adds(b, "# tracer: nop\n#\n");
	pb_buf_addf(b, "# pinblame-record: version=%s\n", PB_VERSION);
	pb_buf_addf(b, "# pinblame-record: kernel=%s\n", u.release);
	pb_buf_addf(b, "# pinblame-record: arch=%s\n", u.machine);
	/* the analysis turns a file offset into a page index by it: arm64,
	 * powerpc and loongarch kernels may have 4, 16 or 64 KiB pages */
	pb_buf_addf(b, "# pinblame-record: page_size=%ld\n", sysconf(_SC_PAGESIZE));
	pb_buf_addf(b, "# pinblame-record: uname=%s %s %s %s %s\n", u.sysname, u.nodename,
		    u.release, u.version, u.machine);
	pb_buf_addf(b, "# pinblame-record: cpus=%ld\n", sysconf(_SC_NPROCESSORS_CONF));
	return 0;
}

int pb_capture_save_formats(struct pb_capture *cap, const char *dir)
{
	char from[512], to[512];

	if (mkdir_p(dir) < 0 || save_uname(dir) < 0)
		return -1;
	for (size_t i = 0; i < cap->nevents; i++) {
		const struct pb_capture_ev *ev = &cap->events[i];

		snprintf(from, sizeof(from), "events/%s/%s/format", ev->system, ev->event);
		snprintf(to, sizeof(to), "formats/%s/%s/format", ev->system, ev->event);
		if (save_file(cap, from, dir, to) < 0)
			return -1;
	}
	if (save_file(cap, "events/header_page", dir, "formats/header_page") < 0 ||
	    save_file(cap, "events/header_event", dir, "formats/header_event") < 0)
		return -1;
	return 0;
}

int pb_capture_restore(struct pb_capture *cap)
{
	int ret = 0;

	if (cap->pipe_fd >= 0) {
		close(cap->pipe_fd);
		cap->pipe_fd = -1;
	}
	while (cap->nundo) {
		struct pb_undo *u = &cap->undo[--cap->nundo];

		if (tracefs_write(cap, u->path, u->text, u->append) < 0) {
			pb_error("could not restore %s/%s ('%s'): %s", cap->root, u->path,
				 u->text, strerror(errno));
			ret = -1;
		}
		free(u->path);
		free(u->text);
	}
	return ret;
}

/* Where tracefs is, mounting it when it is not and we may. */
static char *find_tracefs(void)
{
	const char *path = NULL;

	if (tracefs_tracing_dir_is_mounted(true, &path) < 0 || !path) {
		if (geteuid() != 0)
			pb_error("tracefs is not mounted, and mounting it needs root");
		else
			pb_error("cannot mount tracefs on /sys/kernel/tracing: is the "
				 "kernel built with CONFIG_FTRACE=y?");
		return NULL;
	}
	return pb_strdup(path);
}

static int check_root(struct pb_capture *cap)
{
	if (cap->rootfd < 0) {
		/* /sys/kernel/tracing is mode 700: a user sees it, cannot enter */
		if ((errno == EACCES || errno == EPERM) && geteuid() != 0)
			pb_error("cannot open %s: %s: recording needs root (sudo pinblame "
				 "record ...)", cap->root, strerror(errno));
		else
			pb_error("no tracefs at %s: %s", cap->root, strerror(errno));
		return -1;
	}
	if (!pb_tracefs_exists(cap, "tracing_on")) {
		pb_error("%s is not a tracefs (it has no tracing_on)", cap->root);
		return -1;
	}
	if (faccessat(cap->rootfd, "tracing_on", W_OK, AT_EACCESS) < 0) {
		pb_error("cannot write %s/tracing_on: %s: recording needs root",
			 cap->root, strerror(errno));
		return -1;
	}
	if (!pb_tracefs_exists(cap, "events")) {
		pb_error("%s has no events/: is the kernel built with CONFIG_EVENT_TRACING=y?",
			 cap->root);
		return -1;
	}
	return 0;
}

struct pb_capture *pb_capture_open(const char *root)
{
	struct pb_capture *cap = pb_calloc(1, sizeof(*cap));

	cap->pipe_fd = -1;
	cap->proc = pb_strdup("/proc");
	cap->root = root ? pb_strdup(root) : find_tracefs();
	cap->rootfd = cap->root ? open(cap->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (!cap->root || check_root(cap) < 0) {
		pb_capture_close(cap);
		return NULL;
	}
	cap->inst = tracefs_instance_alloc(cap->root, NULL);
	return cap;
}

void pb_capture_set_proc(struct pb_capture *cap, const char *proc)
{
	free(cap->proc);
	cap->proc = pb_strdup(proc);
}

void pb_capture_set_machine(struct pb_capture *cap, const char *machine)
{
	free(cap->machine);
	cap->machine = machine ? pb_strdup(machine) : NULL;
}

const char *pb_capture_root(const struct pb_capture *cap)
{
	return cap->root;
}

void pb_capture_close(struct pb_capture *cap)
{
	if (!cap)
		return;
	pb_capture_restore(cap);
	for (size_t i = 0; i < cap->nevents; i++) {
		free(cap->events[i].name);
		free(cap->events[i].system);
		free(cap->events[i].event);
		free(cap->events[i].stack_if);
	}
	free(cap->events);
	free(cap->undo);
	free(cap->lost_at_setup);
	if (cap->rootfd >= 0)
		close(cap->rootfd);
	tracefs_instance_free(cap->inst);
	free(cap->root);
	free(cap->proc);
	free(cap->machine);
	pb_buf_free(&cap->probe_report);
	free(cap);
}
