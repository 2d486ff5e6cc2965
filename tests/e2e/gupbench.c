/*
 * gupbench - the GUP-heavy loop of the record --bpf overhead benchmark
 * (tests/e2e/run.sh with PB_E2E_BENCH=1): each round takes page references
 * the way holders do, so every hook that record puts on those paths fires:
 *   vmsplice(2) of a buffer of -p pages into a pipe, then reading the pipe
 *       empty (get_user_pages_fast takes a reference per page, the read
 *       drops it);
 *   an O_DIRECT read(2) of -p pages from the block device -d into a buffer
 *       (the block layer pins the user pages for the I/O and unpins them);
 *   with -f FILE, a read(2) of -p pages of FILE from the page cache (FILE
 *       written first): no reference is kept, but the read marks the pages
 *       accessed, which record --bpf hooks on kernels up to 6.4 to see the
 *       pages a splice reads into a pipe.
 * With -b BUFFERS, round r takes its pages from buffer r % BUFFERS of each
 * kind (default 1: the same pages every round, as a buffer pinned over and
 * over; 512: a call's pages come back only after 511 other rounds, over
 * 10 ms later, past the window in which record --bpf lets a repeated GUP
 * call go without touching its pages' records).
 * Prints the rounds, the references taken and the seconds of the loop
 * alone (not the set-up), so that a tracer's start and stop are not timed:
 * on the clock (seconds=) and on the process's CPU (cpu=: the scheduler's
 * count of the time it ran, its hooks' time included, its waits for the
 * disk not; under qemu -icount a count of its instructions).
 *
 * Build: cc -O2 -static -o gupbench gupbench.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define PG 4096L

static void die(const char *what)
{
	fprintf(stderr, "gupbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* vmsplice NPAGES of BUF into the pipe, then read them back out. */
static void splice_round(int pfd[2], char *buf, long npages, char *sink)
{
	struct iovec iov = { buf, (size_t)(npages * PG) };
	ssize_t in = vmsplice(pfd[1], &iov, 1, 0), out = 0;

	if (in < 0)
		die("vmsplice");
	while (out < in) {
		ssize_t n = read(pfd[0], sink, (size_t)(in - out));

		if (n <= 0)
			die("read from the pipe");
		out += n;
	}
}

/* One O_DIRECT read of NPAGES at round R's offset within the first MiBs. */
static void direct_round(int fd, char *buf, long npages, long r, long span_pages)
{
	off_t off = (off_t)((r * npages) % (span_pages - npages)) * PG;

	if (pread(fd, buf, (size_t)(npages * PG), off) != npages * PG)
		die("O_DIRECT pread");
}

/* A buffered read of NPAGES of the page cache file FD from its start. */
static void cached_round(int fd, char *buf, long npages)
{
	if (pread(fd, buf, (size_t)(npages * PG), 0) != npages * PG)
		die("buffered pread");
}

/* FILE with NPAGES pages written, open for reading: its pages in the page
 * cache from now on. */
static int cached_file(const char *file, const char *buf, long npages)
{
	int fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0)
		die(file);
	if (pwrite(fd, buf, (size_t)(npages * PG), 0) != npages * PG)
		die("write of the page cache file");
	return fd;
}

int main(int argc, char **argv)
{
	long rounds = 2000, npages = 16, span_pages = 16384, nbufs = 1;
	const char *dev = NULL, *file = NULL;
	int opt, fd = -1, cfd = -1, pfd[2];
	char *buf, *dbuf, *sink;
	double t0, t1, c0, c1;

	while ((opt = getopt(argc, argv, "n:p:d:f:b:")) != -1) {
		switch (opt) {
		case 'n': rounds = atol(optarg); break;
		case 'p': npages = atol(optarg); break;
		case 'b': nbufs = atol(optarg); break;
		case 'd': dev = optarg; break;
		case 'f': file = optarg; break;
		default:
			fprintf(stderr, "usage: gupbench [-n ROUNDS] [-p PAGES] [-b BUFFERS] "
				"[-d BLOCKDEV] [-f FILE]\n");
			return 2;
		}
	}
	if (rounds < 1 || npages < 1 || npages > 16 ||	/* a pipe holds 16 pages */
	    nbufs < 1 || nbufs > 4096)
		return fprintf(stderr, "gupbench: bad -n, -p or -b\n"), 2;
	if (pipe(pfd) < 0)
		die("pipe");
	if (posix_memalign((void **)&buf, PG, (size_t)(nbufs * npages * PG)) ||
	    posix_memalign((void **)&dbuf, PG, (size_t)(nbufs * npages * PG)) ||
	    !(sink = malloc((size_t)(npages * PG))))
		die("memory");
	/* small pages whatever the size: a transparent huge page would make
	 * the GUP of a round take one folio, and the loops of one buffer and
	 * of many would differ by more than the reuse of their pages (EINVAL:
	 * a kernel without them) */
	if ((madvise(buf, (size_t)(nbufs * npages * PG), MADV_NOHUGEPAGE) ||
	     madvise(dbuf, (size_t)(nbufs * npages * PG), MADV_NOHUGEPAGE)) && errno != EINVAL)
		die("madvise");
	memset(buf, 1, (size_t)(nbufs * npages * PG));
	memset(dbuf, 2, (size_t)(nbufs * npages * PG));
	if (dev && (fd = open(dev, O_RDONLY | O_DIRECT)) < 0)
		die(dev);
	if (file)
		cfd = cached_file(file, buf, npages);
	t0 = now(CLOCK_MONOTONIC);
	c0 = now(CLOCK_PROCESS_CPUTIME_ID);
	for (long r = 0; r < rounds; r++) {
		size_t at = (size_t)(r % nbufs * npages * PG);

		splice_round(pfd, buf + at, npages, sink);
		if (fd >= 0)
			direct_round(fd, dbuf + at, npages, r, span_pages);
		if (cfd >= 0)
			cached_round(cfd, sink, npages);
	}
	t1 = now(CLOCK_MONOTONIC);
	c1 = now(CLOCK_PROCESS_CPUTIME_ID);
	printf("gupbench: rounds=%ld pages=%ld buffers=%ld refs=%ld direct=%s cached=%s "
	       "seconds=%.3f cpu=%.3f\n", rounds, npages, nbufs,
	       rounds * npages * (fd >= 0 ? 2 : 1),
	       fd >= 0 ? "yes" : "no", cfd >= 0 ? "yes" : "no", t1 - t0, c1 - c0);
	return 0;
}
