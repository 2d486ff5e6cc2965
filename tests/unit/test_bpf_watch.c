/* test_bpf_watch.c - the pfn ranges `record --bpf` watches: --bpf-pfns,
 * and the defaults read from /proc/zoneinfo (ZONE_MOVABLE), the kernel
 * log's "cma: Reserved" lines and debugfs cma/<name>/{base_pfn,count}, each
 * written here from the kernel's format strings (doc/FORMATS.md, section 5).
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
	struct pb_buf b = { 0 };
	FILE *f = fmemopen((void *)log, strlen(log), "r");

	(void)state;
	assert_non_null(f);
	assert_int_equal(pb_bpf_watch_log(&w, f, 12), 3);
	fclose(f);
	/* 64 MiB at 0xfc000000 ends where the 1 GiB area begins: joined */
	assert_string_equal(formatted(&w, &b), "0x80000-0x81000,0xfc000-0x140000");
	/* with 64 KiB pages */
	memset(&w, 0, sizeof(w));
	assert_int_equal(pb_bpf_watch_log_line(&w, "cma: Reserved 1024 MiB at 0x0000000100000000 "
					       "on node 0", 16), 1);
	assert_string_equal(formatted(&w, &b), "0x10000-0x14000");
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

/* mm/cma_debug.c: base_pfn and count through cma_debugfs_fops, "%llu\n". */
static void test_cma_areas_come_from_debugfs_base_pfn_and_count(void **state)
{
	char dir[] = "/tmp/pb-watch-XXXXXX", area[600], empty[600];
	struct pb_bpf_watch w = { 0 };
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
	assert_int_equal(pb_bpf_watch_cma_debugfs(&w, dir), 1);
	assert_string_equal(formatted(&w, &b), "0xfc000-0x100000");
	assert_int_equal(pb_bpf_watch_cma_debugfs(&w, "/nonexistent/cma"), 0);
	snprintf(empty, sizeof(empty), "rm -r '%s'", dir);
	assert_int_equal(system(empty), 0);
	pb_buf_free(&b);
}

static void test_defaults_take_debugfs_then_zoneinfo_and_say_so(void **state)
{
	char dir[] = "/tmp/pb-watch-XXXXXX", path[600];
	struct pb_bpf_watch w;
	struct pb_buf b = { 0 }, from = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/kernel", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/kernel/debug", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/kernel/debug/cma", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/kernel/debug/cma/a", dir);
	assert_int_equal(mkdir(path, 0700), 0);
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
	snprintf(path, sizeof(path), "rm -r '%s'", dir);
	assert_int_equal(system(path), 0);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
