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
 *
 * Ground truth (-o): every held page with its kind, pid, address or file
 * offset and its PFN at hold time (from /proc/self/pagemap, needs root).
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
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* The kernel's page size (4, 16 or 64 KiB on arm64): what one pagemap
 * entry, one pipe slot and one held page stand for. */
static size_t page_size;
#define PIPE_BYTES (1 << 20)	/* 256 page slots per pipe */
#define FILE_PATH "/dev/shm/holdpages.dat"

static volatile sig_atomic_t stop;

struct opts {
	long anon_mb, file_mb, stride_kb, hold_secs;
	int hold_anon, hold_file;
	const char *ready_path, *truth_path;
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
	while ((c = getopt(argc, argv, "a:f:s:AFr:o:t:")) != -1) {
		switch (c) {
		case 'a': o->anon_mb = atol(optarg); break;
		case 'f': o->file_mb = atol(optarg); break;
		case 's': o->stride_kb = atol(optarg); break;
		case 'A': o->hold_anon = 1; break;
		case 'F': o->hold_file = 1; break;
		case 'r': o->ready_path = optarg; break;
		case 'o': o->truth_path = optarg; break;
		case 't': o->hold_secs = atol(optarg); break;
		default:
			fputs("usage: holdpages [-a anonMB] [-f fileMB] [-s strideKB] [-A] [-F]\n"
			      "                 [-r readyfile] [-o truth.tsv] [-t seconds]\n",
			      stderr);
			exit(2);
		}
	}
	if (o->stride_kb < 4)
		o->stride_kb = 4;
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

static long hold_anon(struct pipes *ps, unsigned char *anon, size_t len, size_t stride)
{
	long held = 0;

	for (size_t off = 0; off < len; off += stride) {
		struct iovec iov = { anon + off, page_size };
		ssize_t n = vmsplice(pipe_slot(ps), &iov, 1, SPLICE_F_NONBLOCK);

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
	if (o.hold_anon && anon)
		held += hold_anon(&ps, anon, anon_len, stride);
	if (o.hold_file && fd >= 0)
		held += hold_file(&ps, fd, file_len, stride);
	printf("holdpages: %d pipes hold %ld pages (stride %ld KB)\n", ps.count, held,
	       o.stride_kb);
	if (truth && fclose(truth))
		die(o.truth_path);
	if (o.ready_path)
		close(open(o.ready_path, O_WRONLY | O_CREAT | O_TRUNC, 0644));
	printf("holdpages: READY after %.1fs, holding (pid %d)\n", now() - t0, getpid());
	fflush(stdout);
	wait_for_stop(o.hold_secs);
	printf("holdpages: exiting, releasing %ld pages\n", held);
	if (fd >= 0)
		unlink(FILE_PATH);
	return 0;
}
