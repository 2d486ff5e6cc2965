/* gen-shapes.c - pathological trace shapes for the scale budgets.
 *
 *   gen-shapes busy MB > busy.txt       one test_pages_isolated ret=fail
 *                                       line repeated to MB MiB
 *   gen-shapes stacks N > stacks.txt    N page_ref_mod events, each with a
 *                                       stack of its own
 *   gen-shapes sources N DIR            N small ftrace files in DIR
 *   gen-shapes kmsg N > kmsg.txt        N "PFNs busy" lines of a kernel
 *                                       log, no task named
 *
 * The lines follow the kernel's format strings (TP_printk of
 * test_pages_isolated and page_ref_mod, the ftrace stack trace output), the
 * same shapes the parsers are tested on; only the timestamps (and, for
 * stacks, one frame's name and the pfn) change from one event to the next,
 * so the output compresses to almost nothing while stressing every
 * per-event and per-stack structure. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER "# tracer: nop\n#\n"
#define BUSY_START_PFN 0x100000u
#define BUSY_PAGES 0x2000u

static void check_write(FILE *out)
{
	if (ferror(out)) {
		perror("gen-shapes: write");
		exit(1);
	}
}

/* The task columns and a timestamp from an event number: one event every
 * 10 us. */
static int task_prefix(char *buf, size_t size, uint64_t n)
{
	return snprintf(buf, size, "              sh-106     (    106) [000] .....  %6" PRIu64 ".%06" PRIu64 ": ",
			1 + n / 100000, (n % 100000) * 10);
}

static void print_task(FILE *out, uint64_t n)
{
	char buf[128];

	task_prefix(buf, sizeof(buf), n);
	fputs(buf, out);
}

static int gen_busy(FILE *out, uint64_t mib)
{
	uint64_t limit = mib << 20, written = 0, n = 0;
	char line[512];

	fputs(HEADER, out);
	while (written < limit) {
		int len = task_prefix(line, sizeof(line), n);

		len += snprintf(line + len, sizeof(line) - (size_t)len,
				"test_pages_isolated: start_pfn=0x%x end_pfn=0x%x fin_pfn=0x%x ret=fail\n",
				BUSY_START_PFN, BUSY_START_PFN + BUSY_PAGES,
				BUSY_START_PFN + 0x1234u);
		fwrite(line, 1, (size_t)len, out);
		written += (uint64_t)len;
		n++;
		if ((n & 0xffff) == 0)
			check_write(out);
	}
	check_write(out);
	return 0;
}

/* One page_ref_mod event and its stack; frame 'drv_pin_N' makes it unique. */
static void print_stacked_event(FILE *out, uint64_t n)
{
	print_task(out, 2 * n);
	fprintf(out, "page_ref_mod: pfn=0x%" PRIx64 " flags=uptodate|lru count=3 mapcount=1 "
		"mapping=ffff000105e2c8d0 mt=4 val=1\n", (uint64_t)BUSY_START_PFN + n % BUSY_PAGES);
	print_task(out, 2 * n + 1);
	fprintf(out, "<stack trace>\n"
		" => __page_ref_mod+0x98/0xb0\n"
		" => try_grab_folio+0x2c4/0x3a8\n"
		" => follow_page_pte+0x1b8/0x4e0\n"
		" => __get_user_pages+0x1a4/0x3d8\n"
		" => __gup_longterm_locked+0x94/0x9d8\n"
		" => pin_user_pages+0x6c/0xa0\n"
		" => drv_pin_%" PRIu64 "+0x1c4/0x2f0 [benchdrv]\n"
		" => drv_ioctl+0x40/0x90 [benchdrv]\n"
		" => __arm64_sys_ioctl+0xa8/0xf0\n", n);
}

/* A failed isolation test whose busy page is that of event N. */
static void print_busy(FILE *out, uint64_t n)
{
	print_task(out, 2 * n + 1);
	fprintf(out, "test_pages_isolated: start_pfn=0x%x end_pfn=0x%x fin_pfn=0x%" PRIx64
		" ret=fail\n", BUSY_START_PFN, BUSY_START_PFN + BUSY_PAGES,
		(uint64_t)BUSY_START_PFN + n % BUSY_PAGES);
}

/* Every STACKS_PER_FAILURE events, a failure on the last one's page, so
 * that the analysis has holders to find among the stacks. */
#define STACKS_PER_FAILURE 1000

static int gen_stacks(FILE *out, uint64_t count)
{
	fputs(HEADER, out);
	for (uint64_t n = 0; n < count; n++) {
		print_stacked_event(out, n);
		if (n % STACKS_PER_FAILURE == STACKS_PER_FAILURE - 1)
			print_busy(out, n);
		if ((n & 0xffff) == 0)
			check_write(out);
	}
	return 0;
}

/* alloc_contig_range()'s pr_info "%s: [%lx, %lx) PFNs busy" (3.19+), with
 * dmesg's "[%5lu.%06lu] " time: a retry loop that walks BUSY_PAGES in
 * KMSG_RANGE_PAGES steps, one line every 10 us; every KMSG_RUN lines it
 * pauses 10 s (longer than any retry gap), so the log is many runs of busy
 * lines, none named by a task. */
#define KMSG_RANGE_PAGES 0x200u
#define KMSG_RUN 4096u

static int gen_kmsg(FILE *out, uint64_t count)
{
	for (uint64_t n = 0; n < count; n++) {
		uint64_t us = 1000000 + n * 10 + (n / KMSG_RUN) * 10000000;
		uint64_t start = BUSY_START_PFN + (n % (BUSY_PAGES / KMSG_RANGE_PAGES)) * KMSG_RANGE_PAGES;

		fprintf(out, "[%5" PRIu64 ".%06" PRIu64 "] alloc_contig_range: [%" PRIx64 ", %" PRIx64
			") PFNs busy\n", us / 1000000, us % 1000000, start, start + KMSG_RANGE_PAGES);
		if ((n & 0xffff) == 0)
			check_write(out);
	}
	check_write(out);
	return 0;
}

/* Each source: a few events of a failed isolation, its own time range. */
static int gen_sources(uint64_t count, const char *dir)
{
	char path[4096];

	for (uint64_t n = 0; n < count; n++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/src-%06" PRIu64 ".txt", dir, n);
		f = fopen(path, "w");
		if (!f) {
			fprintf(stderr, "gen-shapes: %s: %s\n", path, strerror(errno));
			return 1;
		}
		fputs(HEADER, f);
		for (uint64_t k = 0; k < 4; k++)
			print_stacked_event(f, n * 4 + k);
		print_task(f, n * 8 + 7);
		fprintf(f, "test_pages_isolated: start_pfn=0x%x end_pfn=0x%x fin_pfn=0x%x ret=fail\n",
			BUSY_START_PFN, BUSY_START_PFN + BUSY_PAGES, BUSY_START_PFN + 0x1234u);
		check_write(f);
		if (fclose(f)) {
			perror("gen-shapes: close");
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t n;

	if (argc < 3) {
		fputs("usage: gen-shapes busy MB | stacks N | sources N DIR | kmsg N\n", stderr);
		return 2;
	}
	n = strtoull(argv[2], NULL, 10);
	if (!strcmp(argv[1], "busy"))
		return gen_busy(stdout, n);
	if (!strcmp(argv[1], "stacks"))
		return gen_stacks(stdout, n);
	if (!strcmp(argv[1], "kmsg"))
		return gen_kmsg(stdout, n);
	if (!strcmp(argv[1], "sources") && argc == 4)
		return gen_sources(n, argv[3]);
	fputs("gen-shapes: unknown shape\n", stderr);
	return 2;
}
