/*
 * holdpages - the e2e workload: fill memory with movable user pages and
 * keep extra references on some of them, so that contiguous allocations
 * (cma_alloc, alloc_contig_range) that need those pages fail.
 *
 * How a page is held (ordinary kernel paths, no privilege needed for them):
 *   -A  vmsplice(2) one anonymous page per stride into a pipe that is never
 *       read. The pipe keeps the reference that get_user_pages_fast took
 *       (FOLL_GET, through try_grab_folio), so page_count > mapcount + 1
 *       and the page cannot be migrated.
 *   -F  splice(2) one page per stride of a tmpfs file into such a pipe. The
 *       pipe takes its reference on the page-cache page without GUP; these
 *       pages fail later, in migrate_pages().
 *   -D DEV  with -A, every -e'th of those anonymous pages (by default
 *       DIO_MAX of them spread over the whole area, at least every 8th: where
 *       a page lies in memory follows when it was first touched, so pages
 *       taken from the start only would sit together) is instead the
 *       buffer of an O_DIRECT read of DEV in flight, issued with
 *       io_submit(2) (Linux AIO) and issued again as soon as it
 *       completes, until the end: a slow device
 *       (null_blk, completing each request after a delay) keeps the page
 *       referenced by the block layer all along. The block layer takes it
 *       with GUP (FOLL_GET up to 6.4, FOLL_PIN from the kernels whose bios
 *       take their pages with iov_iter_extract_pages()) and gives it back
 *       at completion (put_page(), or unpin_user_page() for a pinned one):
 *       a holder that lets go of its pages after a failure, in another
 *       context than the one that took them.
 *
 * Ground truth (-o): every held page with its kind, pid, address or file
 * offset and its PFN at hold time (from /proc/self/pagemap, needs root);
 * an O_DIRECT read's page once more at each new pfn it is held at.
 *
 * Build: cc -O2 -static -o holdpages holdpages.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/aio_abi.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The kernel's page size (4, 16 or 64 KiB on arm64): what one pagemap
 * entry, one pipe slot and one held page stand for. */
static size_t page_size;
#define PIPE_BYTES (1 << 20)	/* 256 page slots per pipe */
#define FILE_PATH "/dev/shm/holdpages.dat"

static volatile sig_atomic_t stop;

struct opts {
	long anon_mb, file_mb, stride_kb, hold_secs, dio_every;
	int hold_anon, hold_file;
	const char *ready_path, *truth_path, *dio_dev;
};

/* The O_DIRECT reads in flight (-D): one per page, each issued again when
 * it completes. DIO_MAX bounds the device's queue it needs (null_blk's
 * hw_queue_depth) and the AIO context's events. */
#define DIO_MAX 2048
struct dio {
	aio_context_t ctx;
	int fd;
	long n;			/* pages held this way */
	long reissued, errors, moved;
	struct iocb cb[DIO_MAX];
	uint64_t pfn[DIO_MAX];	/* each page's, as last written to the truth */
};

/* Pipes that hold the pages: a new one when the current one is full. */
struct pipes {
	int fd;			/* write end of the current pipe */
	int slots, slot_max;
	int count;
};

static FILE *truth;
static int pagemap_fd = -1;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *what)
{
	fprintf(stderr, "holdpages: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t page_pfn(const void *p)
{
	uint64_t ent = 0;
	off_t off = (off_t)((uintptr_t)p / page_size * sizeof(ent));

	if (pagemap_fd < 0 || pread(pagemap_fd, &ent, sizeof(ent), off) != sizeof(ent))
		return 0;
	if (!(ent & (1ULL << 63)))	/* not present */
		return 0;
	return ent & ((1ULL << 55) - 1);
}

/* The write end of a pipe with a free slot. Read ends stay open, unread. */
static int pipe_slot(struct pipes *ps)
{
	int fds[2], size;

	if (ps->count && ps->slots < ps->slot_max)
		return ps->fd;
	if (pipe(fds))
		die("pipe");
	size = fcntl(fds[1], F_SETPIPE_SZ, PIPE_BYTES);
	ps->slot_max = (size > 0 ? size : 65536) / (int)page_size;
	ps->fd = fds[1];
	ps->slots = 0;
	ps->count++;
	return ps->fd;
}

static void parse(int argc, char **argv, struct opts *o)
{
	int c;

	o->stride_kb = 1024;
	o->hold_secs = -1;
	while ((c = getopt(argc, argv, "a:f:s:AFr:o:t:D:e:")) != -1) {
		switch (c) {
		case 'a': o->anon_mb = atol(optarg); break;
		case 'f': o->file_mb = atol(optarg); break;
		case 's': o->stride_kb = atol(optarg); break;
		case 'A': o->hold_anon = 1; break;
		case 'F': o->hold_file = 1; break;
		case 'r': o->ready_path = optarg; break;
		case 'o': o->truth_path = optarg; break;
		case 't': o->hold_secs = atol(optarg); break;
		case 'D': o->dio_dev = optarg; break;
		case 'e': o->dio_every = atol(optarg); break;
		default:
			fputs("usage: holdpages [-a anonMB] [-f fileMB] [-s strideKB] [-A] [-F]\n"
			      "                 [-D device [-e every]] [-r readyfile] [-o truth.tsv]\n"
			      "                 [-t seconds]\n",
			      stderr);
			exit(2);
		}
	}
	if (o->stride_kb < 4)
		o->stride_kb = 4;
}

/* The AIO context and DEV opened for O_DIRECT reads; 0 when either fails
 * (the pages are then held by vmsplice like the others). */
static int dio_open(struct dio *d, const char *dev)
{
	d->fd = open(dev, O_RDONLY | O_DIRECT);
	if (d->fd < 0) {
		fprintf(stderr, "holdpages: %s: %s\n", dev, strerror(errno));
		return 0;
	}
	if (syscall(SYS_io_setup, DIO_MAX, &d->ctx)) {
		fprintf(stderr, "holdpages: io_setup: %s\n", strerror(errno));
		close(d->fd);
		d->fd = -1;
		return 0;
	}
	return 1;
}

/* Issue read I again (or the first time). */
static int dio_issue(struct dio *d, long i)
{
	struct iocb *cb = &d->cb[i];

	return syscall(SYS_io_submit, d->ctx, 1, &cb) == 1 ? 0 : -1;
}

/* Hold PAGE by an O_DIRECT read of one page into it, at the device
 * offset of its number. */
static int dio_hold(struct dio *d, unsigned char *page)
{
	struct iocb *cb = &d->cb[d->n];

	memset(cb, 0, sizeof(*cb));
	cb->aio_data = (uint64_t)d->n;
	cb->aio_lio_opcode = IOCB_CMD_PREAD;
	cb->aio_fildes = (uint32_t)d->fd;
	cb->aio_buf = (uint64_t)(uintptr_t)page;
	cb->aio_nbytes = page_size;
	cb->aio_offset = (int64_t)(d->n * (long)page_size);
	if (dio_issue(d, d->n)) {
		fprintf(stderr, "holdpages: io_submit: %s\n", strerror(errno));
		return -1;
	}
	d->n++;
	return 0;
}

/* Read I's page into the truth when its pfn is not the one written last:
 * between a read's completion and its next issue the page is free to move
 * (the contiguous allocation itself migrates it out of its range), and
 * the read issued again then holds it at its new pfn. */
static void dio_truth(struct dio *d, long i)
{
	void *page = (void *)(uintptr_t)d->cb[i].aio_buf;
	uint64_t pfn = page_pfn(page);

	if (!truth || !pfn || pfn == d->pfn[i])
		return;
	if (d->pfn[i])
		d->moved++;
	d->pfn[i] = pfn;
	fprintf(truth, "anon-aio-dio\t%d\t0x%lx\t0x%llx\n", getpid(), (unsigned long)page,
		(unsigned long long)pfn);
	fflush(truth);
}

/* Until stop or SECS (-1: no end): every read that completes is issued
 * again, so that its page is in a request all along. */
static void dio_keep(struct dio *d, long secs)
{
	double end = secs < 0 ? 0 : now() + (double)secs;

	while (!stop && (secs < 0 || now() < end)) {
		struct io_event ev[64];
		struct timespec wait = { 1, 0 };
		long got = syscall(SYS_io_getevents, d->ctx, 1, 64, ev, &wait);

		for (long k = 0; k < got; k++) {
			long i = (long)ev[k].data;

			if (ev[k].res != (int64_t)page_size)
				d->errors++;
			if (stop || dio_issue(d, i))
				continue;
			d->reissued++;
			dio_truth(d, i);
		}
	}
}

/* tmpfs file of LEN bytes, every page written */
static int fill_file(size_t len)
{
	static char buf[1 << 20];
	int fd = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0)
		die(FILE_PATH);
	for (size_t off = 0; off < len; off += sizeof(buf)) {
		memset(buf, (int)(off >> 20) | 1, sizeof(buf));
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			die("write " FILE_PATH);
	}
	return fd;
}

/* anonymous area of LEN bytes in 4K pages (no THP: one held page blocks
 * only its own 4K), every page touched */
static unsigned char *fill_anon(size_t len)
{
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	madvise(p, len, MADV_NOHUGEPAGE);
	for (size_t off = 0; off < len; off += page_size)
		p[off] = (unsigned char)(off >> 12) | 1;
	return p;
}

static long hold_anon(struct pipes *ps, struct dio *d, long dio_every,
		      unsigned char *anon, size_t len, size_t stride)
{
	long held = 0, k = 0;

	for (size_t off = 0; off < len; off += stride, k++) {
		struct iovec iov = { anon + off, page_size };
		ssize_t n;

		if (d && k % dio_every == dio_every - 1 && d->n < DIO_MAX &&
		    dio_hold(d, anon + off) == 0) {
			held++;
			dio_truth(d, d->n - 1);
			continue;
		}
		n = vmsplice(pipe_slot(ps), &iov, 1, SPLICE_F_NONBLOCK);

		if (n != (ssize_t)page_size) {
			fprintf(stderr, "holdpages: vmsplice at %zu: %s\n", off, strerror(errno));
			ps->slots = ps->slot_max;
			continue;
		}
		ps->slots++;
		held++;
		if (truth)
			fprintf(truth, "anon-vmsplice\t%d\t0x%lx\t0x%llx\n", getpid(),
				(unsigned long)(anon + off),
				(unsigned long long)page_pfn(anon + off));
	}
	return held;
}

static long hold_file(struct pipes *ps, int fd, size_t len, size_t stride)
{
	unsigned char *map = truth ? mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0) : NULL;
	long held = 0;

	if (map == MAP_FAILED)
		map = NULL;
	for (size_t off = 0; off < len; off += stride) {
		loff_t pos = (loff_t)off;
		ssize_t n = splice(fd, &pos, pipe_slot(ps), NULL, page_size, SPLICE_F_NONBLOCK);
		uint64_t pfn = 0;

		if (n != (ssize_t)page_size) {
			fprintf(stderr, "holdpages: splice at %zu: %s\n", off, strerror(errno));
			ps->slots = ps->slot_max;
			continue;
		}
		ps->slots++;
		held++;
		if (!truth)
			continue;
		if (map) {
			volatile unsigned char touch = map[off];

			(void)touch;
			pfn = page_pfn(map + off);
		}
		fprintf(truth, "shmem-splice\t%d\t0x%zx\t0x%llx\n", getpid(), off,
			(unsigned long long)pfn);
	}
	if (map)
		munmap(map, len);	/* the mapping goes, the pipe references stay */
	return held;
}

static void raise_limits(void)
{
	struct rlimit rl = { 1 << 20, 1 << 20 };

	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max = 65536;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void wait_for_stop(long secs)
{
	while (!stop && secs != 0) {
		if (secs > 0) {
			sleep(1);
			secs--;
		} else {
			pause();
		}
	}
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct pipes ps = { 0 };
	static struct dio dio = { .fd = -1 };
	struct dio *d = NULL;
	size_t anon_len, file_len, stride;
	unsigned char *anon = NULL;
	long held = 0;
	double t0 = now();
	int fd = -1;

	page_size = (size_t)sysconf(_SC_PAGESIZE);
	parse(argc, argv, &o);
	anon_len = (size_t)o.anon_mb << 20;
	file_len = (size_t)o.file_mb << 20;
	stride = (size_t)o.stride_kb << 10;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	raise_limits();
	pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
	if (o.truth_path) {
		truth = fopen(o.truth_path, "w");
		if (!truth)
			die(o.truth_path);
		fprintf(truth, "kind\tpid\taddr_or_offset\tpfn\n");
	}
	/* the file first, so that its pages spread over memory too */
	if (file_len) {
		fd = fill_file(file_len);
		printf("holdpages: wrote %ld MB to " FILE_PATH " (%.1fs)\n", o.file_mb, now() - t0);
	}
	if (anon_len) {
		anon = fill_anon(anon_len);
		printf("holdpages: touched %ld MB anon (%.1fs)\n", o.anon_mb, now() - t0);
	}
	if (o.hold_anon && anon && o.dio_dev && dio_open(&dio, o.dio_dev))
		d = &dio;
	if (d && o.dio_every < 1) {
		o.dio_every = (long)(anon_len / stride / DIO_MAX);
		if (o.dio_every < 8)
			o.dio_every = 8;
	}
	if (o.hold_anon && anon)
		held += hold_anon(&ps, d, o.dio_every, anon, anon_len, stride);
	if (o.hold_file && fd >= 0)
		held += hold_file(&ps, fd, file_len, stride);
	printf("holdpages: %d pipes hold %ld pages (stride %ld KB)", ps.count, held - (d ? d->n : 0),
	       o.stride_kb);
	if (d)
		printf(", O_DIRECT reads of %s %ld", o.dio_dev, d->n);
	printf("\n");
	/* kept open while O_DIRECT reads may move their pages (dio_truth) */
	if (truth && (d ? fflush(truth) : fclose(truth)))
		die(o.truth_path);
	if (o.ready_path)
		close(open(o.ready_path, O_WRONLY | O_CREAT | O_TRUNC, 0644));
	printf("holdpages: READY after %.1fs, holding (pid %d)\n", now() - t0, getpid());
	fflush(stdout);
	if (!d) {
		wait_for_stop(o.hold_secs);
	} else {
		dio_keep(d, o.hold_secs);
		/* io_destroy() returns when the reads in flight have completed */
		syscall(SYS_io_destroy, d->ctx);
		printf("holdpages: O_DIRECT reads issued again %ld times, %ld failed, %ld "
		       "pages held at a new pfn\n", d->reissued, d->errors, d->moved);
		if (truth && fclose(truth))
			die(o.truth_path);
	}
	printf("holdpages: exiting, releasing %ld pages\n", held);
	if (fd >= 0)
		unlink(FILE_PATH);
	return 0;
}
