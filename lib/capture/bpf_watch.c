/* bpf_watch.c - the pfn ranges whose pages `record --bpf` keeps stacks
 * for: the memory a contiguous allocation can fail on (the CMA areas and
 * ZONE_MOVABLE), or the ranges of --bpf-pfns. A page outside them costs
 * the BPF program one comparison per range, and none of its map room.
 *
 * Where the ranges come from, first found first (doc/FORMATS.md, section
 * 5, has the kernel's format strings):
 *  - the CMA areas: debugfs cma/<name>/ranges/<N>/ (kernels whose areas
 *    can have several ranges) or cma/<name>/base_pfn and count (only with
 *    CONFIG_CMA_DEBUGFS, which Debian's 6.1 and 6.12 leave off), else the
 *    kernel log's "cma: Reserved N MiB at 0x..." and "Reserved memory:
 *    created CMA memory pool at 0x..., size N MiB" of each area declared
 *    at boot (sysfs cma/<name>/ has no base in any version);
 *  - ZONE_MOVABLE: the Movable zone of /proc/zoneinfo (start_pfn, spanned).
 * A CMA area with no address anywhere (the log's "cma: Reserved N MiB in M
 * ranges" of the multi-range kernels, with no debugfs), or areas holding
 * less than /proc/meminfo's CmaTotal, make it every page, and say why.
 * No kernel part: the unit tests call it with text of their own.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf.h"
#include "pinblame/capture.h"

static int by_start(const void *a, const void *b)
{
	const struct pb_bpf_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Sorted, overlapping and adjacent ranges joined. */
static void tidy(struct pb_bpf_watch *w)
{
	size_t out = 0;

	qsort(w->r, w->n, sizeof(w->r[0]), by_start);
	for (size_t i = 0; i < w->n; i++) {
		if (out && w->r[i].start <= w->r[out - 1].end) {
			if (w->r[i].end > w->r[out - 1].end)
				w->r[out - 1].end = w->r[i].end;
			continue;
		}
		w->r[out++] = w->r[i];
	}
	w->n = out;
}

void pb_bpf_watch_add(struct pb_bpf_watch *w, uint64_t start, uint64_t end)
{
	if (start >= end)
		return;
	if (w->n == PB_BPF_WATCH_RANGES) {
		/* no room: the last range grows over the new one, so that a
		 * page is watched too many rather than missed */
		tidy(w);
		if (w->n == PB_BPF_WATCH_RANGES) {
			struct pb_bpf_range *last = &w->r[w->n - 1];

			if (start < last->start)
				last->start = start;
			if (end > last->end)
				last->end = end;
			tidy(w);
			return;
		}
	}
	w->r[w->n].start = start;
	w->r[w->n].end = end;
	w->n++;
	tidy(w);
}

/* A pfn: 0x and hex digits, or decimal digits; *END past it. */
static int parse_pfn(const char *s, const char **end, uint64_t *pfn)
{
	int base = 10;
	char *stop;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!isxdigit((unsigned char)*s) || (base == 10 && !isdigit((unsigned char)*s)))
		return -1;
	errno = 0;
	*pfn = strtoull(s, &stop, base);
	if (errno == ERANGE)
		return -1;
	*end = stop;
	return 0;
}

int pb_bpf_watch_parse(struct pb_bpf_watch *w, const char *spec)
{
	const char *p = spec;

	memset(w, 0, sizeof(*w));
	for (;;) {
		uint64_t start, end;
		const char *q;

		if (parse_pfn(p, &q, &start) < 0 || *q != '-' || parse_pfn(q + 1, &q, &end) < 0 ||
		    (*q && *q != ',')) {
			pb_error("--bpf-pfns wants START-END[,START-END...] (pfns, 0x for hex; END "
				 "not included), 'cma' or 'all', not '%s'", spec);
			return -1;
		}
		if (start >= end) {
			pb_error("--bpf-pfns: the range '%.*s' is empty (END, not included, must be "
				 "above START)", (int)(q - p), p);
			return -1;
		}
		if (w->n == PB_BPF_WATCH_RANGES) {
			pb_error("--bpf-pfns takes at most %d ranges", PB_BPF_WATCH_RANGES);
			return -1;
		}
		w->r[w->n].start = start;
		w->r[w->n].end = end;
		w->n++;
		if (!*q)
			break;
		p = q + 1;
	}
	tidy(w);
	return 0;
}

int pb_bpf_check_pfns(const char *spec)
{
	struct pb_bpf_watch w;

	if (!strcmp(spec, "all") || !strcmp(spec, "cma"))
		return 0;
	return pb_bpf_watch_parse(&w, spec);
}

/* zoneinfo_show_print (mm/vmstat.c): "Node %d, zone %8s", then, among
 * others, "\n        spanned  %lu" and, for a populated zone only,
 * "\n  start_pfn:           %lu". */
static void add_movable(struct pb_bpf_watch *w, int movable, uint64_t start, uint64_t spanned,
			int have_start, long *found)
{
	if (movable && have_start && spanned) {
		pb_bpf_watch_add(w, start, start + spanned);
		(*found)++;
	}
}

long pb_bpf_watch_zoneinfo(struct pb_bpf_watch *w, FILE *f)
{
	char line[256], zone[32];
	int node, movable = 0, have_start = 0;
	unsigned long long start = 0, spanned = 0;
	long found = 0;

	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d, zone %31s", &node, zone) == 2) {
			add_movable(w, movable, start, spanned, have_start, &found);
			movable = !strcmp(zone, "Movable");
			have_start = 0;
			spanned = 0;
		} else if (movable && sscanf(line, " spanned %llu", &spanned) == 1) {
			continue;
		} else if (movable && sscanf(line, " start_pfn: %llu", &start) == 1) {
			have_start = 1;
		}
	}
	if (ferror(f))
		return -1;
	add_movable(w, movable, start, spanned, have_start, &found);
	return found;
}

/* Adds [ADDR, ADDR + MIB MiB), an area the kernel log places. */
static void add_logged_area(struct pb_bpf_watch *w, struct pb_bpf_cma_found *found,
			    unsigned long long addr, unsigned long long mib, unsigned page_shift)
{
	uint64_t start = addr >> page_shift, pages = mib << 20 >> page_shift;

	pb_bpf_watch_add(w, start, start + pages);
	found->placed++;
	found->pages += pages;
}

/* A size in MiB that can be one of an area: not 0, and not so large that
 * its bytes overflow. */
static int area_mib(unsigned long long mib)
{
	return mib && mib <= (1ULL << 40);
}

int pb_bpf_watch_log_line(struct pb_bpf_watch *w, const char *line, unsigned page_shift,
			  struct pb_bpf_cma_found *found)
{
	/* rmem_cma_setup (kernel/dma/contiguous.c), a device tree's
	 * shared-dma-pool, with no pr_fmt prefix: "Reserved memory: created
	 * CMA memory pool at %pa, size %ld MiB" */
	static const char pool[] = "Reserved memory: created CMA memory pool at ";
	const char *p = strstr(line, pool);
	unsigned long long mib, addr;
	char at[4];
	int nranges;

	if (p && sscanf(p + sizeof(pool) - 1, "0x%llx, size %llu MiB", &addr, &mib) == 2 &&
	    area_mib(mib)) {
		add_logged_area(w, found, addr, mib, page_shift);
		return 1;
	}
	/* mm/cma.c, pr_fmt "cma: ": cma_declare_contiguous_nid's "Reserved
	 * %ld MiB at %pa" (" on node %d" after it for some releases; %pa is
	 * 0x and the address in hex), and cma_declare_contiguous_multi's
	 * "Reserved %lu MiB in %d range%s", which says no address: hugetlb_cma
	 * areas print that one since it exists, even in one range */
	p = strstr(line, "cma: Reserved ");
	if (!p)
		return 0;
	p += strlen("cma: Reserved ");
	if (sscanf(p, "%llu MiB %3s 0x%llx", &mib, at, &addr) == 3 && !strcmp(at, "at") &&
	    area_mib(mib)) {
		add_logged_area(w, found, addr, mib, page_shift);
		return 1;
	}
	if (sscanf(p, "%llu MiB in %d range", &mib, &nranges) == 2 && nranges > 0) {
		found->unplaced++;
		return 1;
	}
	return 0;
}

long pb_bpf_watch_log(struct pb_bpf_watch *w, FILE *f, unsigned page_shift,
		      struct pb_bpf_cma_found *found)
{
	char line[512];
	long areas = 0;

	while (fgets(line, sizeof(line), f))
		areas += pb_bpf_watch_log_line(w, line, page_shift, found);
	return ferror(f) ? -1 : areas;
}

/* DIR/NAME into PATH (PB_WATCH_PATH bytes); -1 if it does not fit. */
#define PB_WATCH_PATH 1024
static int join(char *path, const char *dir, const char *name)
{
	int n = snprintf(path, PB_WATCH_PATH, "%s/%s", dir, name);

	return n < 0 || n >= PB_WATCH_PATH ? -1 : 0;
}

/* A debugfs attribute of cma_debugfs_fops: "%llu\n". */
static int read_number(const char *dir, const char *file, unsigned long long *v)
{
	char path[PB_WATCH_PATH], text[32];
	FILE *f;
	int ok;

	if (join(path, dir, file) < 0)
		return -1;
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = fgets(text, sizeof(text), f) && sscanf(text, "%llu", v) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

/* The most pages a range's DIR/bitmap can stand for. The kernel gives a
 * range no count of its own in debugfs; its bitmap, a
 * debugfs_create_u32_array, prints each u32 word as "%u", a space between
 * two, "\n" after the last (format_array, fs/debugfs/file.c). A bit is
 * 2^ORDER_PER_BIT pages and the last word may be part used: the words
 * times 32 bits is the range's size or a little more, never less. */
static int bitmap_pages(const char *dir, unsigned long long order_per_bit, uint64_t *pages)
{
	char path[PB_WATCH_PATH];
	uint64_t words = 0;
	int c, in_word = 0, failed;
	FILE *f;

	if (join(path, dir, "bitmap") < 0 || !(f = fopen(path, "r")))
		return -1;
	while ((c = getc(f)) != EOF) {
		int blank = isspace(c);

		words += !blank && !in_word;
		in_word = !blank;
	}
	failed = ferror(f);
	fclose(f);
	if (failed || !words || order_per_bit > 32)
		return -1;
	/* more than 64 bits can count: as large as can be, the caller caps it */
	*pages = words > UINT64_MAX >> 5 >> order_per_bit ? UINT64_MAX
							   : (words * 32) << order_per_bit;
	return 0;
}

/* A multi-range area (mm/cma_debug.c since CMA areas can have several
 * ranges): AREA/ranges/<N>/base_pfn and bitmap; AREA/count is the pages of
 * all ranges together, so no range ends past its base plus that. 1: all
 * its ranges added; 0: AREA has no ranges/ (the older layout); -1: a range
 * could not be read. */
static int add_area_ranges(struct pb_bpf_watch *w, const char *area, uint64_t count,
			   struct pb_bpf_cma_found *found)
{
	char dir[PB_WATCH_PATH], range[PB_WATCH_PATH];
	unsigned long long order_per_bit, base;
	struct dirent *e;
	int ranges = 0, ret = 1;
	DIR *d;

	if (join(dir, area, "ranges") < 0 || !(d = opendir(dir)))
		return 0;
	if (read_number(area, "order_per_bit", &order_per_bit) < 0)
		ret = -1;
	while (ret == 1 && (e = readdir(d))) {
		uint64_t pages;

		if (e->d_name[0] == '.')
			continue;
		if (join(range, dir, e->d_name) < 0 || read_number(range, "base_pfn", &base) < 0 ||
		    bitmap_pages(range, order_per_bit, &pages) < 0) {
			ret = -1;
			break;
		}
		if (pages > count)
			pages = count;
		pb_bpf_watch_add(w, base, base + pages);
		found->pages += pages;
		ranges++;
	}
	closedir(d);
	return ranges ? ret : -1;
}

long pb_bpf_watch_cma_debugfs(struct pb_bpf_watch *w, const char *dir,
			      struct pb_bpf_cma_found *found)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	long areas = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		unsigned long long base, count;
		char area[PB_WATCH_PATH];
		int ranges;

		/* no count: not an area (older kernels put alloc and free
		 * files here); 0: an area not set up, no pages */
		if (e->d_name[0] == '.' || join(area, dir, e->d_name) < 0 ||
		    read_number(area, "count", &count) < 0 || !count)
			continue;
		areas++;
		ranges = add_area_ranges(w, area, count, found);
		if (ranges) {
			found->placed += ranges > 0;
			found->unplaced += ranges < 0;
			continue;
		}
		if (read_number(area, "base_pfn", &base) < 0) {
			found->unplaced++;
			continue;
		}
		pb_bpf_watch_add(w, base, base + count);
		found->placed++;
		found->pages += count;
	}
	closedir(d);
	return areas;
}

/* show_val_kb (fs/proc/meminfo.c): "CmaTotal:       %8lu kB\n", with
 * CONFIG_CMA only. */
long long pb_bpf_cma_total_kb(FILE *f)
{
	char line[256];
	long long kb;

	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CmaTotal: %lld kB", &kb) == 1)
			return kb;
	return -1;
}

/* The kernel log as /dev/kmsg gives it: one record a read, "PRIO,SEQ,TS,
 * FLAGS;TEXT"; records overwritten since the open read as EPIPE. A
 * regular file (a log saved by dmesg) is read line by line instead. */
static void watch_kmsg(struct pb_bpf_watch *w, const char *path, unsigned page_shift,
		       struct pb_bpf_cma_found *found)
{
	char rec[8192];
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		FILE *f = fdopen(fd, "r");

		if (!f) {
			close(fd);
			return;
		}
		pb_bpf_watch_log(w, f, page_shift, found);
		fclose(f);
		return;
	}
	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);

		if (n < 0 && (errno == EPIPE || errno == EINTR))
			continue;
		if (n <= 0)
			break;
		rec[n] = 0;
		pb_bpf_watch_log_line(w, rec, page_shift, found);
	}
	close(fd);
}

static long long cma_total_kb(const char *proc)
{
	char path[PB_WATCH_PATH];
	long long kb;
	FILE *f;

	if (join(path, proc, "meminfo") < 0 || !(f = fopen(path, "r")))
		return -1;
	kb = pb_bpf_cma_total_kb(f);
	fclose(f);
	return kb;
}

/* Whether the ranges found hold every CMA area; if not, FROM says why, and
 * every page is to be watched: a page of an area left out would keep no
 * stack, and its holders could not be named afterwards. An area with no
 * address is one; so are areas the source never told of (a kernel log
 * whose boot lines were overwritten, an area set up with no line), which
 * CmaTotal, all the CMA areas' pages, shows. The log gives whole MiB, so an
 * area it places may have lost up to 1023 kB. */
static int all_cma_placed(const struct pb_bpf_cma_found *found, const char *source,
			  long long total_kb, unsigned page_shift, struct pb_buf *from)
{
	uint64_t placed_kb = (found->pages << page_shift) >> 10;

	if (found->unplaced) {
		pb_buf_addf(from, "--bpf-pfns cma, but %ld of the %ld CMA areas of %s %s no "
			    "address", found->unplaced, found->placed + found->unplaced, source,
			    found->unplaced > 1 ? "have" : "has");
		if (strcmp(source, "debugfs"))
			pb_buf_adds(from, " ('cma: Reserved N MiB in M ranges'; debugfs "
				    "cma/<name>/ranges, with CONFIG_CMA_DEBUGFS, would place it)");
		return 0;
	}
	if (total_kb < 0 || (uint64_t)total_kb <= placed_kb + 1023 * (uint64_t)found->placed)
		return 1;
	pb_buf_addf(from, "--bpf-pfns cma, but /proc/meminfo's CmaTotal is %lld kB and the %ld "
		    "CMA areas of %s hold %" PRIu64 " kB", total_kb, found->placed, source,
		    placed_kb);
	return 0;
}

void pb_bpf_watch_defaults(struct pb_bpf_watch *w, const char *proc, const char *sysfs,
			   const char *kmsg, unsigned page_shift, struct pb_buf *from)
{
	struct pb_bpf_cma_found found = { 0 };
	const char *source = "debugfs";
	char path[PB_WATCH_PATH];
	FILE *f = NULL;
	long n;

	memset(w, 0, sizeof(*w));
	if (join(path, sysfs, "kernel/debug/cma") < 0 ||
	    pb_bpf_watch_cma_debugfs(w, path, &found) <= 0) {
		source = "the kernel log";
		watch_kmsg(w, kmsg, page_shift, &found);
	}
	if (!all_cma_placed(&found, source, cma_total_kb(proc), page_shift, from)) {
		memset(w, 0, sizeof(*w));
		return;
	}
	if (found.placed)
		pb_buf_addf(from, "%ld CMA areas from %s", found.placed, source);
	else
		pb_buf_adds(from, "no CMA area (no debugfs cma/, no 'cma: Reserved' in the "
			    "kernel log)");
	if (join(path, proc, "zoneinfo") == 0)
		f = fopen(path, "r");
	n = f ? pb_bpf_watch_zoneinfo(w, f) : 0;
	if (f)
		fclose(f);
	pb_buf_adds(from, n > 0 ? ", ZONE_MOVABLE from zoneinfo" : ", no ZONE_MOVABLE");
}

int pb_bpf_watch_has(const struct pb_bpf_watch *w, uint64_t pfn)
{
	if (!w->n)
		return 1;
	for (size_t i = 0; i < w->n; i++)
		if (pfn >= w->r[i].start && pfn < w->r[i].end)
			return 1;
	return 0;
}

void pb_bpf_watch_format(const struct pb_bpf_watch *w, struct pb_buf *b)
{
	if (!w->n)
		pb_buf_adds(b, "all");
	for (size_t i = 0; i < w->n; i++)
		pb_buf_addf(b, "%s0x%" PRIx64 "-0x%" PRIx64, i ? "," : "", w->r[i].start,
			    w->r[i].end);
}
