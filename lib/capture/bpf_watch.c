/* bpf_watch.c - the pfn ranges whose pages `record --bpf` keeps stacks
 * for: the memory a contiguous allocation can fail on (the CMA areas and
 * ZONE_MOVABLE), or the ranges of --bpf-pfns. A page outside them costs
 * the BPF program one comparison per range, and none of its map room.
 *
 * Where the ranges come from, first found first (doc/FORMATS.md, section
 * 5, has the kernel's format strings):
 *  - the CMA areas: debugfs cma/<name>/base_pfn and count (only with
 *    CONFIG_CMA_DEBUGFS, which Debian's 6.1 and 6.12 leave off), else the
 *    kernel log's "cma: Reserved N MiB at 0x..." of each area declared at
 *    boot (6.1 and 6.12 both; sysfs cma/<name>/ has no base on either);
 *  - ZONE_MOVABLE: the Movable zone of /proc/zoneinfo (start_pfn, spanned).
 * No kernel part: the unit tests call it with text of their own.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
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

int pb_bpf_watch_log_line(struct pb_bpf_watch *w, const char *line, unsigned page_shift)
{
	/* cma_declare_contiguous_nid (mm/cma.c), pr_fmt "cma: ":
	 * "Reserved %ld MiB at %pa" (then " on node %d" since 5.x); %pa is
	 * 0x and the address in hex */
	const char *p = strstr(line, "cma: Reserved ");
	unsigned long long mib, addr;
	char at[4];

	if (!p || sscanf(p + 14, "%llu MiB %3s 0x%llx", &mib, at, &addr) != 3 ||
	    strcmp(at, "at") || !mib || mib > (1ULL << 40))
		return 0;
	pb_bpf_watch_add(w, addr >> page_shift, (addr >> page_shift) + (mib << 20 >> page_shift));
	return 1;
}

long pb_bpf_watch_log(struct pb_bpf_watch *w, FILE *f, unsigned page_shift)
{
	char line[512];
	long found = 0;

	while (fgets(line, sizeof(line), f))
		found += pb_bpf_watch_log_line(w, line, page_shift);
	return ferror(f) ? -1 : found;
}

/* A debugfs attribute of cma_debugfs_fops: "%llu\n". */
static int read_number(const char *dir, const char *name, const char *file,
		       unsigned long long *v)
{
	char path[1024], text[32];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, name, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = fgets(text, sizeof(text), f) && sscanf(text, "%llu", v) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

long pb_bpf_watch_cma_debugfs(struct pb_bpf_watch *w, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	long found = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		unsigned long long base, count;

		if (e->d_name[0] == '.' || read_number(dir, e->d_name, "base_pfn", &base) < 0 ||
		    read_number(dir, e->d_name, "count", &count) < 0 || !count)
			continue;
		pb_bpf_watch_add(w, base, base + count);
		found++;
	}
	closedir(d);
	return found;
}

/* The kernel log as /dev/kmsg gives it: one record a read, "PRIO,SEQ,TS,
 * FLAGS;TEXT"; records overwritten since the open read as EPIPE. */
static long watch_kmsg(struct pb_bpf_watch *w, const char *path, unsigned page_shift)
{
	char rec[8192];
	long found = 0;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return 0;
	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);

		if (n < 0 && (errno == EPIPE || errno == EINTR))
			continue;
		if (n <= 0)
			break;
		rec[n] = 0;
		found += pb_bpf_watch_log_line(w, rec, page_shift);
	}
	close(fd);
	return found;
}

void pb_bpf_watch_defaults(struct pb_bpf_watch *w, const char *proc, const char *sysfs,
			   const char *kmsg, unsigned page_shift, struct pb_buf *from)
{
	char path[1024];
	FILE *f;
	long n;

	memset(w, 0, sizeof(*w));
	snprintf(path, sizeof(path), "%s/kernel/debug/cma", sysfs);
	if ((n = pb_bpf_watch_cma_debugfs(w, path)) > 0)
		pb_buf_addf(from, "%ld CMA areas from debugfs", n);
	else if ((n = watch_kmsg(w, kmsg, page_shift)) > 0)
		pb_buf_addf(from, "%ld CMA areas from the kernel log", n);
	else
		pb_buf_adds(from, "no CMA area (no debugfs cma/, no 'cma: Reserved' in the "
			    "kernel log)");
	snprintf(path, sizeof(path), "%s/zoneinfo", proc);
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
