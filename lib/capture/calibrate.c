/* calibrate.c - the vmemmap for `record --probe-gup`, from gets of our own.
 *
 * The GUP probes print a struct page (or folio) pointer, page=; blame needs
 * the pfn. The importer fits page = vmemmap + pfn * sizeof(struct page)
 * through the events that print both (lib/analyze/probes.c): on a kernel
 * with CMA cma_alloc_busy_retry does, elsewhere only mm_page_alloc_extfrag
 * when it happens to fire. So record makes two such points itself before
 * the capture starts: a child vmsplices two pages of its own, whose pfns
 * /proc/self/pagemap gives (root only), the probes print their page=, and
 * record writes each pair as a "pinblame_vmemmap: pfn=0x%lx page=0x%lx"
 * line after the header, as `record --bpf` does. A kernel without a GUP
 * fast path, or with a probe set that misses the get, gives no points:
 * record then says so and goes on.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pinblame/capture.h"
#include "session.h"

#define CALIB_PAGES 2

uint64_t pb_pagemap_pfn(const char *proc, const void *addr, long page_size)
{
	char path[1024];
	uint64_t e = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/self/pagemap", proc);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (pread(fd, &e, sizeof(e), (off_t)((uintptr_t)addr / (uintptr_t)page_size *
					     sizeof(e))) != (ssize_t)sizeof(e))
		e = 0;
	close(fd);
	return e >> 63 ? e & ((1ULL << 55) - 1) : 0;
}

int pb_splice_own_page(const char *proc, int fd, void *p, long page_size, uint64_t pfn)
{
	struct iovec iov = { p, (size_t)page_size };

	return vmsplice(fd, &iov, 1, 0) == page_size && pb_pagemap_pfn(proc, p, page_size) == pfn;
}

/* In the child: vmsplices each of its pages into a pipe (one GUP get each,
 * in this order) and reports their pfns to FD, 0 for a page whose pfn it
 * could not read or that moved while it was spliced. */
static void child_gets(const char *proc, int fd)
{
	long page_size = sysconf(_SC_PAGESIZE);
	uint64_t pfns[CALIB_PAGES] = { 0 };
	char *p = mmap(NULL, CALIB_PAGES * (size_t)page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fds[2];

	if (p != MAP_FAILED && pipe(fds) == 0) {
		madvise(p, CALIB_PAGES * (size_t)page_size, MADV_NOHUGEPAGE);
		memset(p, 0x5a, CALIB_PAGES * (size_t)page_size);
		for (int i = 0; i < CALIB_PAGES; i++) {
			char *page = p + i * page_size;
			uint64_t pfn = pb_pagemap_pfn(proc, page, page_size);

			if (pfn && pb_splice_own_page(proc, fds[1], page, page_size, pfn))
				pfns[i] = pfn;
		}
	}
	if (write(fd, pfns, sizeof(pfns)) != (ssize_t)sizeof(pfns))
		_exit(1);
	_exit(0);
}

/* Runs the child with tracing on; its pfns in PFNS. 0, or -1 with WHY. */
static int run_child(struct pb_capture *cap, uint64_t pfns[CALIB_PAGES], pid_t *pid,
		     const char **why)
{
	int fds[2], status = 0;
	ssize_t n;

	if (pipe(fds) < 0) {
		*why = strerror(errno);
		return -1;
	}
	if (pb_tracefs_change(cap, "tracing_on", "1", NULL, 0) < 0) {
		close(fds[0]);
		close(fds[1]);
		*why = "tracing could not be turned on";
		return -1;
	}
	*pid = fork();
	if (*pid == 0) {
		close(fds[0]);
		child_gets(cap->proc, fds[1]);
	}
	close(fds[1]);
	n = *pid > 0 ? read(fds[0], pfns, CALIB_PAGES * sizeof(*pfns)) : -1;
	close(fds[0]);
	if (*pid > 0)
		while (waitpid(*pid, &status, 0) < 0 && errno == EINTR)
			;
	if (pb_tracefs_change(cap, "tracing_on", "0", NULL, 0) < 0 || *pid < 0 ||
	    n != (ssize_t)(CALIB_PAGES * sizeof(*pfns))) {
		*why = *pid < 0 ? "fork failed" : "the child that makes the gets failed";
		return -1;
	}
	for (int i = 0; i < CALIB_PAGES; i++)
		if (!pfns[i]) {
			*why = "no pfn in /proc/self/pagemap (it needs root)";
			return -1;
		}
	return 0;
}

/* Whether LINE (up to END) is an event of task PID: "comm-PID " before its
 * "[cpu]" column. */
static int of_task(const char *line, const char *end, pid_t pid)
{
	char needle[32];
	const char *cpu = memchr(line, '[', (size_t)(end - line));
	int n = snprintf(needle, sizeof(needle), "-%d ", (int)pid);

	return cpu && memmem(line, (size_t)(cpu - line), needle, (size_t)n) != NULL;
}

/* The child's GUP probe hits in TEXT (the trace file: no event but ours
 * consumed it) with their page=, in order; the prefix of each line up to
 * its event name (task, cpu, flags, time) in PREFIX. Returns how many. */
size_t pb_calib_hits(const char *text, pid_t pid, struct pb_calib_hit *hits, size_t max)
{
	size_t n = 0;

	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n'), *end = nl ? nl : line + strlen(line);
		const char *page = memmem(line, (size_t)(end - line), " page=0x", 8);
		const char *ev = NULL, *ts = NULL;

		/* "TIME: EVENT: (FUNC+0x0/0x..) page=0x..": the two ": " before page= */
		for (const char *p = line; page && p < page - 1; p++)
			if (p[0] == ':' && p[1] == ' ') {
				ts = ev;
				ev = p;
			}
		/* only the gets: the child's exit unmaps record's file pages, which
		 * a page cache read probe (folio_mark_accessed) sees too */
		if (page && ts && of_task(line, end, pid) &&
		    pb_capture_is_gup_probe(ts + 2, (size_t)(ev - ts - 2))) {
			char *stop;

			if (n == max)
				return max + 1;
			hits[n].page = strtoull(page + 8, &stop, 16);
			hits[n].prefix_len = (size_t)(ts + 2 - line);
			hits[n].prefix = line;
			n += stop > page + 8;
		}
		line = nl ? nl + 1 : NULL;
	}
	return n;
}

int pb_capture_calibrate(struct pb_capture *cap, int fd)
{
	uint64_t pfns[CALIB_PAGES];
	struct pb_calib_hit hits[CALIB_PAGES];
	struct pb_buf lines = { 0 };
	const char *why = NULL;
	char *text = NULL;
	pid_t pid = -1;
	size_t n = 0;
	int ret = 0;

	if (run_child(cap, pfns, &pid, &why) == 0) {
		text = pb_tracefs_read(cap, "trace");
		n = text ? pb_calib_hits(text, pid, hits, CALIB_PAGES) : 0;
		if (!text)
			why = "the trace file could not be read";
		else if (n != CALIB_PAGES)
			why = "the GUP probes did not see its gets once each";
	}
	for (size_t i = 0; !why && i < CALIB_PAGES; i++)
		pb_buf_addf(&lines, "%.*spinblame_vmemmap: pfn=0x%" PRIx64 " page=0x%" PRIx64 "\n",
			    (int)hits[i].prefix_len, hits[i].prefix, pfns[i], hits[i].page);
	free(text);
	/* what the child's gets put in the buffer is not the capture's */
	if (pb_tracefs_change(cap, "trace", "", NULL, 0) < 0)
		ret = -1;
	else if (why)
		pb_warn("could not learn the vmemmap from two vmsplice gets of our own (%s): "
			"probe hits become pfns only through events that print a page and its "
			"pfn (cma_alloc_busy_retry, mm_page_alloc_extfrag)", why);
	else if (pb_write_all(fd, lines.data, lines.len) < 0) {
		pb_error("cannot write the trace: %s", strerror(errno));
		ret = -1;
	}
	pb_buf_free(&lines);
	return ret;
}
