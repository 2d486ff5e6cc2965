/* input_map.c - a large regular file of plain text read through a
 * read-only mapping of it rather than read(), when PINBLAME_MMAP=1 asks.
 *
 * read() copies every byte from the page cache into the window, and the
 * window's compaction moves bytes again; with a mapping the window is a
 * place in the page cache's own pages, moved by a pointer where the bytes
 * were moved, at the same points, so that every offset the readers see is
 * what read() gave. Memory stays bounded: the pages behind the window are
 * given back (MADV_DONTNEED) a few MiB at a time. They are what the file
 * says, read again if touched again, so a reader that keeps pointers into
 * them (pb_input_buffered_stays()) reads the same bytes whenever it reads
 * them.
 *
 * It is not the default: it saves the copies (about 90 M of 773 M
 * instructions of a dry run, callgrind), but the page faults, and the TLB
 * shootdowns of giving pages back while other threads run, cost more in
 * the kernel than the copies did on the virtual machines measured (a dry
 * run of the 1 GiB bench: 1.85 to 2.19 s of CPU mapped, 1.10 to 1.32 s
 * read; an import 5.63 to 5.76 s against 4.04 to 4.35 s), and CI runs on
 * such machines.
 *
 * A file cut short while it is mapped (another program truncates it) would
 * kill the process with SIGBUS at the first byte read past its new end,
 * where read() returns what is left. A SIGBUS handler maps zero pages over
 * the rest of such a mapping and marks it: the readers see NUL bytes (bad
 * lines), and the next fill fails with "file shrank while read".
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "input_int.h"

/* Below this the mapping's system calls cost about what the copies do. */
#define MAP_MIN ((off_t)8 << 20)
/* Pages are given back this many at a time. */
#define MAP_STEP ((size_t)2 << 20)
#define GUARD_SLOTS 64

/* The mappings the SIGBUS handler may repair; start 0: a free slot. */
struct guard_slot {
	atomic_uintptr_t start, end;
	atomic_bool shrank;
	atomic_bool used;
};

static struct guard_slot guard[GUARD_SLOTS];
static struct sigaction guard_old;
static pthread_mutex_t guard_mu = PTHREAD_MUTEX_INITIALIZER;
static atomic_uintptr_t page_size;

/* A SIGBUS that is not ours goes where it would have gone. */
static void guard_pass_on(int sig, siginfo_t *si, void *uctx)
{
	if ((guard_old.sa_flags & SA_SIGINFO) && guard_old.sa_sigaction) {
		guard_old.sa_sigaction(sig, si, uctx);
		return;
	}
	if (guard_old.sa_handler != SIG_DFL && guard_old.sa_handler != SIG_IGN) {
		guard_old.sa_handler(sig);
		return;
	}
	/* the default action: a fault happens again on return, a signal
	 * sent by another process is sent again */
	signal(sig, SIG_DFL);
	if (si->si_code <= 0)
		raise(sig);
}

static void guard_handler(int sig, siginfo_t *si, void *uctx)
{
	uintptr_t at = (uintptr_t)si->si_addr;

	for (int i = 0; i < GUARD_SLOTS; i++) {
		uintptr_t start = atomic_load(&guard[i].start), end = atomic_load(&guard[i].end);
		uintptr_t from = at & ~(page_size - 1);

		if (!start || at < start || at >= end)
			continue;
		/* mmap() is a plain system call here, safe in a handler */
		if (mmap((void *)from, end - from, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
			break;
		atomic_store(&guard[i].shrank, true);
		return;
	}
	guard_pass_on(sig, si, uctx);
}

/* Installs the handler, again if something put another in its place
 * since (a test harness does); 0, or -1 when it cannot be. */
static int guard_install(void)
{
	struct sigaction sa, now;
	int rc = 0;

	pthread_mutex_lock(&guard_mu);
	if (!page_size)
		page_size = (uintptr_t)sysconf(_SC_PAGESIZE);
	if (sigaction(SIGBUS, NULL, &now) < 0) {
		rc = -1;
	} else if (!(now.sa_flags & SA_SIGINFO) || now.sa_sigaction != guard_handler) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = guard_handler;
		sa.sa_flags = SA_SIGINFO | SA_RESTART;
		sigemptyset(&sa.sa_mask);
		rc = sigaction(SIGBUS, &sa, &guard_old);
	}
	pthread_mutex_unlock(&guard_mu);
	return page_size && !rc ? 0 : -1;
}

static int guard_add(const char *start, size_t len)
{
	for (int i = 0; i < GUARD_SLOTS; i++) {
		bool free_slot = false;

		if (!atomic_compare_exchange_strong(&guard[i].used, &free_slot, true))
			continue;
		atomic_store(&guard[i].shrank, false);
		atomic_store(&guard[i].end, (uintptr_t)start + len);
		atomic_store(&guard[i].start, (uintptr_t)start);
		return i;
	}
	return -1;
}

static void guard_remove(int slot)
{
	atomic_store(&guard[slot].start, 0);
	atomic_store(&guard[slot].used, false);
}

/* PINBLAME_MMAP=1: files are read through a mapping (see above). */
static bool mapping_asked(void)
{
	const char *v = getenv("PINBLAME_MMAP");

	return v && !strcmp(v, "1");
}

/* The size from which a file is mapped: PINBLAME_MAP_MIN=BYTES sets
 * another, so that the fuzzer (fuzz/fuzz_input.c) and tests reach the
 * mapping with small files. */
static off_t map_min(void)
{
	const char *v = getenv("PINBLAME_MAP_MIN");
	char *end;
	long long n;

	if (!v || !*v)
		return MAP_MIN;
	n = strtoll(v, &end, 10);
	return !*end && n > 0 ? (off_t)n : MAP_MIN;
}

const char *input_map_file(int fd, const struct stat *st, int *slot)
{
	void *m;

	if (!S_ISREG(st->st_mode) || st->st_size < map_min() || (uint64_t)st->st_size > SIZE_MAX ||
	    !mapping_asked() || guard_install() < 0)
		return NULL;
	m = mmap(NULL, (size_t)st->st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		return NULL;	/* read() does it */
	*slot = guard_add(m, (size_t)st->st_size);
	if (*slot < 0) {
		munmap(m, (size_t)st->st_size);
		return NULL;
	}
	madvise(m, (size_t)st->st_size, MADV_SEQUENTIAL);
	return m;
}

bool input_map_cut_short(int slot)
{
	return atomic_load(&guard[slot].shrank);
}

void input_map_give_back(const char *map, size_t from, size_t to)
{
	from &= ~((size_t)page_size - 1);
	to &= ~((size_t)page_size - 1);
	if (to > from)
		madvise((void *)(map + from), to - from, MADV_DONTNEED);
}

void input_unmap(const char *map, size_t len, int slot)
{
	guard_remove(slot);
	munmap((void *)map, len);
}

void input_map_open(struct pb_input *in, const struct stat *st)
{
	if (in->comp != PB_COMP_NONE || in->file_start < 0)
		return;
	in->map = input_map_file(in->fd, st, &in->map_slot);
	if (in->map)
		in->map_len = (size_t)st->st_size;
}

/* The pages more than map_keep behind the window go back to the page
 * cache, MAP_STEP or more at a time. */
static void give_back(struct pb_input *in)
{
	size_t at = (size_t)in->file_start + (size_t)in->win_offset, upto;

	if (at < in->map_freed + in->map_keep + MAP_STEP)
		return;
	upto = (at - in->map_keep) & ~((size_t)page_size - 1);
	input_map_give_back(in->map, in->map_freed, upto);
	in->map_freed = upto;
}

/* What compact() does, but by moving the window's start. */
static void slide(struct pb_input *in)
{
	in->win += in->pos;
	in->nul_from = in->nul_at = SIZE_MAX;	/* the offsets moved */
	in->win_offset += in->pos;
	in->len -= in->pos;
	in->pos = 0;
	in->can_unget = false;
	give_back(in);
}

/* The mapping ends (the file may have grown since): the window's bytes
 * go to its own buffer, all of them, so that no offset changes, and read()
 * goes on from there. */
static int leave_map(struct pb_input *in)
{
	memcpy(in->win_buf, in->win, in->len);
	in->win = in->win_buf;
	in->in_map = false;
	in->map_ended = true;
	if (lseek(in->fd, in->file_start + (off_t)in->raw_offset, SEEK_SET) < 0) {
		snprintf(in->errmsg, sizeof(in->errmsg), "cannot read on after the mapping: %s",
			 strerror(errno));
		in->failed = true;
		return -1;
	}
	return 0;
}

ssize_t input_map_fill(struct pb_input *in)
{
	size_t at, got;

	if (input_map_cut_short(in->map_slot)) {
		snprintf(in->errmsg, sizeof(in->errmsg), "file shrank while read");
		in->failed = true;
		return -1;
	}
	if (!in->in_map) {
		/* the window's bytes are the file's at the same offsets */
		in->win = (char *)in->map + in->file_start + in->win_offset;
		in->in_map = true;
	}
	if (in->pos == in->len || (in->pos && WINDOW_SIZE - in->len < COMPACT_BELOW))
		slide(in);
	at = (size_t)in->file_start + (size_t)in->win_offset + in->len;
	/* AT may be past the end when the file grew before its first read */
	got = at >= in->map_len ? 0 : in->map_len - at;
	if (got > WINDOW_SIZE - in->len)
		got = WINDOW_SIZE - in->len;
	if (!got)
		return leave_map(in);
	in->len += got;
	in->raw_offset += got;
	return (ssize_t)got;
}

void input_map_close(struct pb_input *in)
{
	if (!in->map)
		return;
	input_unmap(in->map, in->map_len, in->map_slot);
	in->map = NULL;
}

bool pb_input_buffered_stays(const struct pb_input *in)
{
	return in->in_map;
}

void pb_input_keep_behind(struct pb_input *in, size_t bytes)
{
	in->map_keep = bytes;
}
