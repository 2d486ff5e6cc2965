/* test_bpf_watch.c - the pfn ranges `record --bpf` watches: --bpf-pfns,
 * and the defaults read from /proc/zoneinfo (ZONE_MOVABLE), the kernel
 * log's "cma: Reserved" and "created CMA memory pool" lines, debugfs
 * cma/<name>/{base_pfn,count} and cma/<name>/ranges/<N>/, and
 * /proc/meminfo's CmaTotal, each written here from the kernel's format
 * strings (doc/FORMATS.md, section 5).
 */
#include "unit.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../lib/capture/bpf.h"
#include "pinblame/capture.h"

static const char *formatted(const struct pb_bpf_watch *w, struct pb_buf *b)
{
	pb_buf_reset(b);
	pb_bpf_watch_format(w, b);
	return b->data;
}

static void test_pfns_option_takes_hex_and_decimal_sorted_and_joined(void **state)
{
	struct pb_bpf_watch w;
	struct pb_buf b = { 0 };

	(void)state;
	assert_int_equal(pb_bpf_watch_parse(&w, "0x140000-0x150000,1048576-0x140000,16-32"), 0);
	/* 1048576 is 0x100000; it ends where the first begins: one range */
	assert_int_equal(w.n, 2);
	assert_string_equal(formatted(&w, &b), "0x10-0x20,0x100000-0x150000");
	assert_true(pb_bpf_watch_has(&w, 0x10));
	assert_true(pb_bpf_watch_has(&w, 0x14ffff));
	assert_false(pb_bpf_watch_has(&w, 0x20));	/* END is not in */
	assert_false(pb_bpf_watch_has(&w, 0xfffff));
	assert_int_equal(pb_bpf_watch_parse(&w, "0X10-0x11"), 0);
	assert_int_equal(w.r[0].start, 16);
	assert_int_equal(w.r[0].end, 17);
	pb_buf_free(&b);
}

static void test_pfns_option_refuses_what_is_not_a_range(void **state)
{
	struct pb_bpf_watch w;

	(void)state;
	assert_int_equal(pb_bpf_watch_parse(&w, ""), -1);
	assert_int_equal(pb_bpf_watch_parse(&w, "0x100"), -1);
	assert_int_equal(pb_bpf_watch_parse(&w, "0x100-"), -1);
	assert_int_equal(pb_bpf_watch_parse(&w, "-5"), -1);
	assert_int_equal(pb_bpf_watch_parse(&w, "0x-5"), -1);
	assert_int_equal(pb_bpf_watch_parse(&w, "1-2,"), -1);
	assert_int_equal(pb_bpf_watch_parse(&w, "1-2;3-4"), -1);
	assert_int_equal(pb_bpf_watch_parse(&w, "ff-100"), -1);	/* hex wants 0x */
	assert_int_equal(pb_bpf_watch_parse(&w, "5-5"), -1);	/* empty */
	assert_int_equal(pb_bpf_watch_parse(&w, "9-3"), -1);
	assert_int_equal(pb_bpf_watch_parse(&w, "1-99999999999999999999"), -1);
	assert_int_equal(pb_bpf_watch_parse(&w, "1-2,3-4,5-6,7-8,9-10,11-12,13-14,15-16,17-18"),
			 -1);
	assert_int_equal(pb_bpf_watch_parse(&w, "1-2,3-4,5-6,7-8,9-10,11-12,13-14,15-16"), 0);
	assert_int_equal(w.n, 8);
}

static void test_more_default_ranges_than_slots_widen_the_last(void **state)
{
	struct pb_bpf_watch w = { 0 };
	struct pb_buf b = { 0 };

	(void)state;
	for (uint64_t i = 0; i < PB_BPF_WATCH_RANGES + 2; i++)
		pb_bpf_watch_add(&w, i * 100, i * 100 + 10);
	assert_int_equal(w.n, PB_BPF_WATCH_RANGES);
	/* the ninth and tenth (800-810, 900-910) fold into the eighth (700-710):
	 * more pages, none lost */
	assert_string_equal(formatted(&w, &b), "0x0-0xa,0x64-0x6e,0xc8-0xd2,0x12c-0x136,"
			    "0x190-0x19a,0x1f4-0x1fe,0x258-0x262,0x2bc-0x38e");
	pb_buf_free(&b);
}

/* zoneinfo_show_print (mm/vmstat.c): "Node %d, zone %8s", "\n  pages free
 * %lu", "\n        spanned  %lu", ..., and for a populated zone only, last,
 * "\n  start_pfn:           %lu". An empty zone stops after protection. */
static const char zoneinfo[] =
	"Node 0, zone      DMA\n"
	"  pages free     3977\n"
	"        boost    0\n"
	"        spanned  4095\n"
	"        present  3998\n"
	"        protection: (0, 2902, 15864, 15864)\n"
	"  pagesets\n"
	"    cpu: 0\n"
	"              count: 0\n"
	"  node_unreclaimable:  0\n"
	"  start_pfn:           1\n"
	"Node 0, zone   Normal\n"
	"  pages free     123\n"
	"        spanned  1048576\n"
	"  start_pfn:           1048576\n"
	"Node 0, zone  Movable\n"
	"  pages free     100\n"
	"        spanned  262144\n"
	"        present  262144\n"
	"  start_pfn:           2097152\n"
	"Node 0, zone   Device\n"
	"  pages free     0\n"
	"        spanned  0\n"
	"        protection: (0, 0, 0, 0)\n"
	"Node 1, zone  Movable\n"
	"  pages free     0\n"
	"        spanned  0\n"
	"        present  0\n"
	"        protection: (0, 0, 0, 0)\n"
	"Node 2, zone  Movable\n"
	"  pages free     10\n"
	"        spanned  4096\n"
	"  start_pfn:           3145728";	/* the last line, without its newline */

static void test_movable_zones_of_zoneinfo_are_watched_populated_only(void **state)
{
	struct pb_bpf_watch w = { 0 };
	struct pb_buf b = { 0 };
	FILE *f = fmemopen((void *)zoneinfo, strlen(zoneinfo), "r");

	(void)state;
	assert_non_null(f);
	assert_int_equal(pb_bpf_watch_zoneinfo(&w, f), 2);
	fclose(f);
	assert_string_equal(formatted(&w, &b), "0x200000-0x240000,0x300000-0x301000");
	pb_buf_free(&b);
}

static void test_zoneinfo_without_movable_zone_adds_nothing(void **state)
{
	static const char text[] = "Node 0, zone   Normal\n        spanned  1048576\n"
				   "  start_pfn:           1048576\n"
				   "Node 0, zone  Movable\n        spanned  0\n";
	struct pb_bpf_watch w = { 0 };
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	(void)state;
	assert_non_null(f);
	assert_int_equal(pb_bpf_watch_zoneinfo(&w, f), 0);
	fclose(f);
	assert_int_equal(w.n, 0);
}

/* cma_declare_contiguous_nid (mm/cma.c, pr_fmt "cma: "): "Reserved %ld MiB
 * at %pa on node %d\n", %pa being 0x and 16 hex digits on 64 bits; as dmesg
 * prints it and as /dev/kmsg gives it. */
static void test_cma_areas_come_from_the_kernel_log_reserved_lines(void **state)
{
	static const char log[] =
		"[    0.000000] hugetlb_cma: reserve 1024 MiB, up to 1024 MiB per node\n"
		"[    0.000000] cma: Reserved 1024 MiB at 0x0000000100000000 on node 0\n"
		"[    0.000000] hugetlb_cma: reserved 1024 MiB on node 0\n"
		"6,12,0,-,caller=T0;cma: Reserved 64 MiB at 0x00000000fc000000 on node -1\n"
		"[    0.000000] cma: Reserved 16 MiB at 0x0000000080000000\n"
		"[    0.000000] cma: Reserved 4 MiB in 2 ranges\n"
		"[    0.100000] Memory: 4940672K/6291456K available (1114112K cma-reserved)\n";
	struct pb_bpf_watch w = { 0 };
	struct pb_bpf_cma_found found = { 0 };
	struct pb_buf b = { 0 };
	FILE *f = fmemopen((void *)log, strlen(log), "r");

	(void)state;
	assert_non_null(f);
	assert_int_equal(pb_bpf_watch_log(&w, f, 12, &found), 4);
	fclose(f);
	/* 64 MiB at 0xfc000000 ends where the 1 GiB area begins: joined */
	assert_string_equal(formatted(&w, &b), "0x80000-0x81000,0xfc000-0x140000");
	assert_int_equal(found.placed, 3);
	assert_int_equal(found.unplaced, 1);	/* the 4 MiB in 2 ranges */
	assert_int_equal(found.pages, (1024 + 64 + 16) * 256);
	/* with 64 KiB pages */
	memset(&w, 0, sizeof(w));
	memset(&found, 0, sizeof(found));
	assert_int_equal(pb_bpf_watch_log_line(&w, "cma: Reserved 1024 MiB at 0x0000000100000000 "
					       "on node 0", 16, &found), 1);
	assert_string_equal(formatted(&w, &b), "0x10000-0x14000");
	assert_int_equal(found.pages, 0x4000);
	pb_buf_free(&b);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void remove_tree(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -r '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* mm/cma_debug.c: base_pfn and count through cma_debugfs_fops, "%llu\n". */
static void test_cma_areas_come_from_debugfs_base_pfn_and_count(void **state)
{
	char dir[] = "/tmp/pb-watch-XXXXXX", area[600], empty[600];
	struct pb_bpf_watch w = { 0 };
	struct pb_bpf_cma_found found = { 0 };
	struct pb_buf b = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(area, sizeof(area), "%s/reserved", dir);
	snprintf(empty, sizeof(empty), "%s/hugetlb1", dir);
	assert_int_equal(mkdir(area, 0700), 0);
	assert_int_equal(mkdir(empty, 0700), 0);
	write_file(area, "base_pfn", "1032192\n");
	write_file(area, "count", "16384\n");
	write_file(empty, "base_pfn", "0\n");
	write_file(empty, "count", "0\n");	/* an area not set up: nothing */
	assert_int_equal(pb_bpf_watch_cma_debugfs(&w, dir, &found), 1);
	assert_string_equal(formatted(&w, &b), "0xfc000-0x100000");
	assert_int_equal(found.placed, 1);
	assert_int_equal(found.pages, 16384);
	assert_int_equal(pb_bpf_watch_cma_debugfs(&w, "/nonexistent/cma", &found), 0);
	remove_tree(dir);
	pb_buf_free(&b);
}

static void test_defaults_take_debugfs_then_zoneinfo_and_say_so(void **state)
{
	char dir[] = "/tmp/pb-watch-XXXXXX", path[600];
	struct pb_bpf_watch w;
	struct pb_buf b = { 0 }, from = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "mkdir -p '%s/kernel/debug/cma/a'", dir);
	assert_int_equal(system(path), 0);
	snprintf(path, sizeof(path), "%s/kernel/debug/cma/a", dir);
	write_file(path, "base_pfn", "256\n");
	write_file(path, "count", "256\n");
	write_file(dir, "zoneinfo", zoneinfo);
	/* sysfs and proc both DIR; no kernel log */
	pb_bpf_watch_defaults(&w, dir, dir, "/nonexistent/kmsg", 12, &from);
	assert_string_equal(formatted(&w, &b), "0x100-0x200,0x200000-0x240000,0x300000-0x301000");
	assert_string_equal(from.data, "1 CMA areas from debugfs, ZONE_MOVABLE from zoneinfo");
	/* neither: nothing watched, and the reason */
	pb_buf_reset(&from);
	pb_bpf_watch_defaults(&w, "/nonexistent", "/nonexistent", "/nonexistent/kmsg", 12,
			      &from);
	assert_int_equal(w.n, 0);
	assert_string_equal(formatted(&w, &b), "all");
	assert_true(pb_bpf_watch_has(&w, 12345));	/* none: every pfn */
	assert_string_equal(from.data, "no CMA area (no debugfs cma/, no 'cma: Reserved' in the "
			    "kernel log), no ZONE_MOVABLE");
	remove_tree(dir);
	pb_buf_free(&b);
	pb_buf_free(&from);
}

/* Each form of a kernel log line that tells of a CMA area, written from its
 * format string: cma_declare_contiguous_nid's "Reserved %ld MiB at %pa\n"
 * (" on node %d" after it for some releases), pr_fmt "cma: ";
 * rmem_cma_setup's "Reserved memory: created CMA memory pool at %pa, size
 * %ld MiB\n", no prefix (%pa: 8 hex digits with a 32-bit phys_addr_t);
 * cma_declare_contiguous_multi's "Reserved %lu MiB in %d range%s\n", no
 * address. And lines near them that tell of no area. */
static void test_each_log_form_gives_its_range_or_says_it_has_none(void **state)
{
	static const struct {
		const char *line;
		int told;
		long placed, unplaced;
		const char *ranges;
	} cases[] = {
		{ "[    0.000000] cma: Reserved 64 MiB at 0x00000000fc000000\n", 1, 1, 0,
		  "0xfc000-0x100000" },
		{ "[    0.000000] cma: Reserved 256 MiB at 0x0000000070000000 on node -1\n", 1, 1, 0,
		  "0x70000-0x80000" },
		{ "[    0.000000] Reserved memory: created CMA memory pool at 0x0000000098000000, "
		  "size 128 MiB\n", 1, 1, 0, "0x98000-0xa0000" },
		{ "6,3,0,-,caller=T0;Reserved memory: created CMA memory pool at 0x38000000, size 16 "
		  "MiB", 1, 1, 0, "0x38000-0x39000" },
		{ "[    0.000000] cma: Reserved 1024 MiB in 1 range\n", 1, 0, 1, "all" },
		{ "6,9,0,-,caller=T0;cma: Reserved 3072 MiB in 3 ranges", 1, 0, 1, "all" },
		/* a DMA pool (not CMA), a failure, hugetlb_cma's own line, 0 MiB */
		{ "[    0.000000] Reserved memory: created DMA memory pool at 0x0000000090000000, "
		  "size 32 MiB\n", 0, 0, 0, "all" },
		{ "[    0.000000] cma: Failed to reserve 1024 MiB\n", 0, 0, 0, "all" },
		{ "[    0.000000] hugetlb_cma: reserved 1024 MiB on node 0\n", 0, 0, 0, "all" },
		{ "[    0.000000] cma: Reserved 0 MiB at 0x0000000080000000\n", 0, 0, 0, "all" },
	};
	struct pb_buf b = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pb_bpf_watch w = { 0 };
		struct pb_bpf_cma_found found = { 0 };

		assert_int_equal(pb_bpf_watch_log_line(&w, cases[i].line, 12, &found),
				 cases[i].told);
		assert_int_equal(found.placed, cases[i].placed);
		assert_int_equal(found.unplaced, cases[i].unplaced);
		assert_string_equal(formatted(&w, &b), cases[i].ranges);
	}
	pb_buf_free(&b);
}

/* A 6.15+ boot (hugetlb_cma through cma_declare_contiguous_multi) beside
 * the older forms: the default area placed, a device tree pool placed,
 * the hugetlb area not. */
static const char mixed_log[] =
	"[    0.000000] Reserved memory: created CMA memory pool at 0x00000000b0000000, size "
	"32 MiB\n"
	"[    0.000000] OF: reserved mem: initialized node linux,cma, compatible id "
	"shared-dma-pool\n"
	"[    0.000000] hugetlb_cma: reserve 2048 MiB, up to 2048 MiB per node\n"
	"[    0.000000] cma: Reserved 2048 MiB in 2 ranges\n"
	"[    0.000000] hugetlb_cma: reserved 2048 MiB on node 0\n"
	"[    0.000000] cma: Reserved 64 MiB at 0x00000000fc000000\n";

static void test_log_with_old_and_new_forms_places_the_old_and_counts_the_new(void **state)
{
	struct pb_bpf_watch w = { 0 };
	struct pb_bpf_cma_found found = { 0 };
	struct pb_buf b = { 0 };
	FILE *f = fmemopen((void *)mixed_log, strlen(mixed_log), "r");

	(void)state;
	assert_non_null(f);
	assert_int_equal(pb_bpf_watch_log(&w, f, 12, &found), 3);
	fclose(f);
	assert_string_equal(formatted(&w, &b), "0xb0000-0xb2000,0xfc000-0x100000");
	assert_int_equal(found.placed, 2);
	assert_int_equal(found.unplaced, 1);
	assert_int_equal(found.pages, (32 + 64) * 256);
	pb_buf_free(&b);
}

static void make_dir(char *path, size_t size, const char *parent, const char *name)
{
	snprintf(path, size, "%s/%s", parent, name);
	assert_int_equal(mkdir(path, 0700), 0);
}

/* "%u" per u32 word, a space between two, "\n" after the last (debugfs'
 * format_array). */
static void write_bitmap(const char *dir, size_t words)
{
	struct pb_buf text = { 0 };

	for (size_t i = 0; i < words; i++)
		pb_buf_addf(&text, "%s%u", i ? " " : "", i % 3 ? 0u : 4294967295u);
	pb_buf_adds(&text, "\n");
	write_file(dir, "bitmap", text.data);
	pb_buf_free(&text);
}

/* mm/cma_debug.c with multi-range areas: cma/<name>/ has count (all its
 * ranges), order_per_bit, ranges/<N>/base_pfn and ranges/<N>/bitmap, and
 * base_pfn and bitmap as symlinks to ranges/0/. hugetlb0: 3 GiB in two
 * ranges at order_per_bit 9 (2 MiB a bit, 4 KiB pages): 2 GiB at pfn
 * 0x140000 (1024 bits, 32 words) and 1 GiB at pfn 0x400000 (16 words).
 * small: one range of 100 pages at order 0 in 4 words (128 bits): its
 * count caps it. reserved: the older layout beside them. */
static void make_multi_range_tree(const char *dir)
{
	char area[600], ranges[700], range[800];

	make_dir(area, sizeof(area), dir, "hugetlb0");
	write_file(area, "count", "786432\n");
	write_file(area, "order_per_bit", "9\n");
	make_dir(ranges, sizeof(ranges), area, "ranges");
	make_dir(range, sizeof(range), ranges, "0");
	write_file(range, "base_pfn", "1310720\n");
	write_bitmap(range, 32);
	make_dir(range, sizeof(range), ranges, "1");
	write_file(range, "base_pfn", "4194304\n");
	write_bitmap(range, 16);
	snprintf(range, sizeof(range), "%s/base_pfn", area);
	assert_int_equal(symlink("ranges/0/base_pfn", range), 0);
	make_dir(area, sizeof(area), dir, "small");
	write_file(area, "count", "100\n");
	write_file(area, "order_per_bit", "0\n");
	make_dir(ranges, sizeof(ranges), area, "ranges");
	make_dir(range, sizeof(range), ranges, "0");
	write_file(range, "base_pfn", "65536\n");
	write_bitmap(range, 4);
	make_dir(area, sizeof(area), dir, "reserved");
	write_file(area, "base_pfn", "1032192\n");
	write_file(area, "count", "16384\n");
}

static void test_multi_range_areas_come_from_debugfs_ranges(void **state)
{
	char dir[] = "/tmp/pb-watch-XXXXXX";
	struct pb_bpf_watch w = { 0 };
	struct pb_bpf_cma_found found = { 0 };
	struct pb_buf b = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	make_multi_range_tree(dir);
	assert_int_equal(pb_bpf_watch_cma_debugfs(&w, dir, &found), 3);
	/* not base_pfn + count (0x140000-0x200000): each range its own */
	assert_string_equal(formatted(&w, &b), "0x10000-0x10064,0xfc000-0x100000,"
			    "0x140000-0x1c0000,0x400000-0x440000");
	assert_int_equal(found.placed, 3);
	assert_int_equal(found.unplaced, 0);
	assert_int_equal(found.pages, 786432 + 100 + 16384);
	remove_tree(dir);
	pb_buf_free(&b);
}

static void test_debugfs_range_without_bitmap_leaves_its_area_unplaced(void **state)
{
	char dir[] = "/tmp/pb-watch-XXXXXX", path[700];
	struct pb_bpf_watch w = { 0 };
	struct pb_bpf_cma_found found = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	make_multi_range_tree(dir);
	snprintf(path, sizeof(path), "%s/hugetlb0/ranges/1/bitmap", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(pb_bpf_watch_cma_debugfs(&w, dir, &found), 3);
	assert_int_equal(found.placed, 2);
	assert_int_equal(found.unplaced, 1);
	remove_tree(dir);
}

/* show_val_kb (fs/proc/meminfo.c): "CmaTotal:       %8lu kB\n". */
static void test_cma_total_is_read_from_meminfo(void **state)
{
	static const char with[] = "MemTotal:       16384000 kB\n"
				   "ShmemPmdMapped:        0 kB\n"
				   "CmaTotal:        1114112 kB\n"
				   "CmaFree:         1048576 kB\n";
	static const char without[] = "MemTotal:       16384000 kB\nHugePages_Total:       0\n";
	FILE *f = fmemopen((void *)with, strlen(with), "r");

	(void)state;
	assert_non_null(f);
	assert_int_equal(pb_bpf_cma_total_kb(f), 1114112);
	fclose(f);
	f = fmemopen((void *)without, strlen(without), "r");
	assert_non_null(f);
	assert_int_equal(pb_bpf_cma_total_kb(f), -1);
	fclose(f);
}

/* A DIR laid out as proc and sysfs both: zoneinfo, meminfo (CmaTotal KB,
 * none when negative), and a kernel log file KMSG with LOG. */
static void make_proc(const char *dir, long long cma_kb, const char *log)
{
	char text[64];

	write_file(dir, "zoneinfo", zoneinfo);
	if (cma_kb >= 0) {
		snprintf(text, sizeof(text), "CmaTotal:       %8lld kB\n", cma_kb);
		write_file(dir, "meminfo", text);
	}
	write_file(dir, "kmsg", log);
}

static void defaults_of(const char *dir, struct pb_bpf_watch *w, struct pb_buf *from)
{
	char kmsg[600];

	snprintf(kmsg, sizeof(kmsg), "%s/kmsg", dir);
	pb_buf_reset(from);
	pb_bpf_watch_defaults(w, dir, dir, kmsg, 12, from);
}

static void test_defaults_watch_every_page_when_an_area_has_no_address(void **state)
{
	char dir[] = "/tmp/pb-watch-XXXXXX", path[600];
	struct pb_bpf_watch w;
	struct pb_buf b = { 0 }, from = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	make_proc(dir, (2048 + 64 + 32) * 1024, mixed_log);
	defaults_of(dir, &w, &from);
	assert_int_equal(w.n, 0);
	assert_true(pb_bpf_watch_has(&w, 0x500000));
	assert_string_equal(from.data, "--bpf-pfns cma, but 1 of the 3 CMA areas of the kernel "
			    "log has no address ('cma: Reserved N MiB in M ranges'; debugfs "
			    "cma/<name>/ranges, with CONFIG_CMA_DEBUGFS, would place it)");
	/* with debugfs' ranges: placed, and ZONE_MOVABLE as before */
	snprintf(path, sizeof(path), "%s/kernel", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/kernel/debug", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/kernel/debug/cma", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	make_multi_range_tree(path);
	defaults_of(dir, &w, &from);
	assert_string_equal(formatted(&w, &b), "0x10000-0x10064,0xfc000-0x100000,"
			    "0x140000-0x1c0000,0x200000-0x240000,0x300000-0x301000,"
			    "0x400000-0x440000");
	assert_string_equal(from.data, "3 CMA areas from debugfs, ZONE_MOVABLE from zoneinfo");
	remove_tree(dir);
	pb_buf_free(&b);
	pb_buf_free(&from);
}

static void test_defaults_watch_every_page_when_areas_hold_less_than_cma_total(void **state)
{
	static const char log[] = "[    0.000000] cma: Reserved 64 MiB at 0x00000000fc000000\n";
	char dir[] = "/tmp/pb-watch-XXXXXX";
	struct pb_bpf_watch w;
	struct pb_buf b = { 0 }, from = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* a 1 GiB area more than the log tells of (its lines overwritten) */
	make_proc(dir, 1114112, log);
	defaults_of(dir, &w, &from);
	assert_int_equal(w.n, 0);
	assert_string_equal(from.data, "--bpf-pfns cma, but /proc/meminfo's CmaTotal is 1114112 "
			    "kB and the 1 CMA areas of the kernel log hold 65536 kB");
	/* CmaTotal equal to what the log places: the ranges, as before */
	make_proc(dir, 65536, log);
	defaults_of(dir, &w, &from);
	assert_string_equal(formatted(&w, &b), "0xfc000-0x100000,0x200000-0x240000,"
			    "0x300000-0x301000");
	assert_string_equal(from.data, "1 CMA areas from the kernel log, ZONE_MOVABLE from "
			    "zoneinfo");
	/* CMA there but told of nowhere */
	make_proc(dir, 1048576, "[    0.000000] Memory: 4940672K/6291456K available\n");
	defaults_of(dir, &w, &from);
	assert_int_equal(w.n, 0);
	assert_string_equal(from.data, "--bpf-pfns cma, but /proc/meminfo's CmaTotal is 1048576 "
			    "kB and the 0 CMA areas of the kernel log hold 0 kB");
	remove_tree(dir);
	pb_buf_free(&b);
	pb_buf_free(&from);
}

/* The Debian 6.12 arm64 boot of testdata/real (hugetlb_cma=1G cma=256M):
 * its two "cma: Reserved ... at ... on node" lines hold 1310720 kB, the
 * CmaTotal its phases.log shows: the ranges, as before the CmaTotal check. */
static void test_real_6_12_boot_log_keeps_its_ranges(void **state)
{
	char dir[] = "/tmp/pb-watch-XXXXXX", kmsg[600];
	struct pb_bpf_watch w;
	struct pb_buf b = { 0 }, from = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	make_proc(dir, 1310720, "");
	snprintf(kmsg, sizeof(kmsg), "%s/real/arm64-6.12-ftrace-hugetlb-cma/dmesg.txt",
		 unit_testdata());
	pb_bpf_watch_defaults(&w, dir, dir, kmsg, 12, &from);
	/* 256 MiB at 0xf0000000 and 1 GiB at 0x100000000, joined */
	assert_string_equal(formatted(&w, &b), "0xf0000-0x140000,0x200000-0x240000,"
			    "0x300000-0x301000");
	assert_string_equal(from.data, "2 CMA areas from the kernel log, ZONE_MOVABLE from "
			    "zoneinfo");
	remove_tree(dir);
	pb_buf_free(&b);
	pb_buf_free(&from);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pfns_option_takes_hex_and_decimal_sorted_and_joined),
		cmocka_unit_test(test_pfns_option_refuses_what_is_not_a_range),
		cmocka_unit_test(test_more_default_ranges_than_slots_widen_the_last),
		cmocka_unit_test(test_movable_zones_of_zoneinfo_are_watched_populated_only),
		cmocka_unit_test(test_zoneinfo_without_movable_zone_adds_nothing),
		cmocka_unit_test(test_cma_areas_come_from_the_kernel_log_reserved_lines),
		cmocka_unit_test(test_cma_areas_come_from_debugfs_base_pfn_and_count),
		cmocka_unit_test(test_defaults_take_debugfs_then_zoneinfo_and_say_so),
		cmocka_unit_test(test_each_log_form_gives_its_range_or_says_it_has_none),
		cmocka_unit_test(test_log_with_old_and_new_forms_places_the_old_and_counts_the_new),
		cmocka_unit_test(test_multi_range_areas_come_from_debugfs_ranges),
		cmocka_unit_test(test_debugfs_range_without_bitmap_leaves_its_area_unplaced),
		cmocka_unit_test(test_cma_total_is_read_from_meminfo),
		cmocka_unit_test(test_defaults_watch_every_page_when_an_area_has_no_address),
		cmocka_unit_test(test_defaults_watch_every_page_when_areas_hold_less_than_cma_total),
		cmocka_unit_test(test_real_6_12_boot_log_keeps_its_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
