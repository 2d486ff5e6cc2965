/* Kernel log parser: the lines of a memory offlining that failed
 * (doc/FORMATS.md section 2.2, "Memory offlining, by generation"):
 * do_migrate_range()'s "failed to isolate pfn %lx" (4.18 on) and
 * "removing pfn %lx from LRU failed" (before it), each before a dump that
 * prints no pfn of its own, and offline_pages()'s line alone, which is
 * enough to tell a kernel log. Inputs written from the format strings. */
#include "parse_run.h"

/* 4.19 with CONFIG_DEBUG_VM: pr_alert("failed to isolate pfn %lx\n"),
 * dump_page(page, "isolation failed") whose head is "page:%px count:%d
 * mapcount:%d mapping:%px index:%#lx" (no pfn), then the pr_debug of
 * __offline_pages() without a reason (" due to %s" came in 4.20). */
static void test_failed_to_isolate_pfn_gives_the_4_19_dump_its_pfn(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[  812.004400] failed to isolate pfn 1c7e05\n"
		 "[  812.004410] page:ffffea00071f8140 count:2 mapcount:0 mapping:ffff88810b2c3e70 index:0x5d\n"
		 "[  812.004412] flags: 0x17ffffc000086c(referenced|uptodate|lru|active|private)\n"
		 "[  812.004415] raw: 0017ffffc000086c ffffea00071f8108 ffffea00071f8188 ffff88810b2c3e70\n"
		 "[  812.004418] page dumped because: isolation failed\n"
		 "[  812.009000] memory offlining [mem 0x1c0000000-0x1c7ffffff] failed\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "migrate_failed");
	assert_field(rec, "pfn", "0x1c7e05");
	assert_field(rec, "step", "isolate");
	assert_null(pb_record_field(rec, "ret"));
	assert_int_equal(rec->ts_ns, 812004400000);
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_field(rec, "pfn", "0x1c7e05");
	assert_field(rec, "pfn_from", "migrate_failed");
	assert_field(rec, "refcount", "2");
	assert_field(rec, "mapcount", "0");
	assert_field(rec, "reason", "isolation failed");
	rec = run_next(&r);
	assert_string_equal(rec->event, "offline_failed");
	assert_field(rec, "start_addr", "0x1c0000000");
	assert_field(rec, "end_addr", "0x1c7ffffff");
	assert_null(pb_record_field(rec, "reason"));
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* Before "failed to isolate", CONFIG_DEBUG_VM kernels printed
 * pr_alert("removing pfn %lx from LRU failed\n") and
 * dump_page(page, "failed to remove from LRU"): the same record. */
static void test_removing_pfn_from_lru_is_the_older_form_of_it(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "<1>[  95.120000] removing pfn 3a0f1 from LRU failed\n"
		 "<1>[  95.120004] page:ffffea0000e83c40 count:4 mapcount:1 mapping:ffff88003b1c0a01 index:0x7f11c\n"
		 "<1>[  95.120006] page flags: 0x100000000080068(uptodate|lru|active|swapbacked)\n"
		 "<1>[  95.120008] page dumped because: failed to remove from LRU\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "migrate_failed");
	assert_field(rec, "pfn", "0x3a0f1");
	assert_field(rec, "step", "isolate");
	rec = run_next(&r);
	assert_string_equal(rec->event, "dump_page");
	assert_field(rec, "pfn", "0x3a0f1");
	assert_field(rec, "refcount", "4");
	assert_field(rec, "mapcount", "1");
	assert_field(rec, "reason", "failed to remove from LRU");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* A line that begins as "failed to isolate pfn " but has no hex pfn, or
 * words after it, is a bad line; without the pfn at all, or "removing
 * pfn" without "from LRU failed", it is another message: no record and
 * no bad line. */
static void test_isolate_lines_that_break_off_are_bad_lines(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[  10.000001] failed to isolate pfn zz12\n"
		 "[  10.000002] failed to isolate pfn 12 for ever\n"
		 "[  10.000003] failed to isolate pfn\n"
		 "[  10.000004] removing pfn 12 from the list\n"
		 "[  10.000005] failed to isolate pfn 4c2 \n");
	rec = run_next(&r);
	assert_field(rec, "pfn", "0x4c2");
	assert_int_equal(rec->line, 5);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 2);
	assert_int_equal(r.bad[PB_BAD_SYNTAX], 2);
	run_close(&r);
}

/* One line of a failed offlining, pasted without a prefix, is a kernel
 * log: each form of offline_pages() and the isolate line. Other lines
 * that begin with the same words are not taken for one. */
static void test_an_offlining_line_alone_is_a_kernel_log(void **state)
{
	static const char *const kernel[] = {
		"memory offlining [mem 0x1c0000000-0x1c7ffffff] failed\n",
		"memory offlining [mem 0x1c0000000-0x1c7ffffff] failed due to failure to isolate range\n",
		"memory offlining 1c0000 to 1c8000 failed\n",
		"failed to isolate pfn 1c7e05\n",
	};
	static const char *const other[] = {
		"memory offlining started\n",
		"memory offlining [mem 0x1c0000000-0x1c7ffffff] done\n",
	};

	(void)state;
	for (size_t i = 0; i < PB_ARRAY_SIZE(kernel); i++) {
		struct parse_run r;

		if (pb_format_detect(kernel[i], strlen(kernel[i])) != PB_FMT_KMSG)
			fail_msg("%s: not detected", kernel[i]);
		run_open(&r, PB_FMT_UNKNOWN, kernel[i]);
		assert_non_null(run_next(&r));
		run_close(&r);
	}
	for (size_t i = 0; i < PB_ARRAY_SIZE(other); i++)
		if (pb_format_detect(other[i], strlen(other[i])) == PB_FMT_KMSG)
			fail_msg("%s: taken for a kernel log", other[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failed_to_isolate_pfn_gives_the_4_19_dump_its_pfn),
		cmocka_unit_test(test_removing_pfn_from_lru_is_the_older_form_of_it),
		cmocka_unit_test(test_isolate_lines_that_break_off_are_bad_lines),
		cmocka_unit_test(test_an_offlining_line_alone_is_a_kernel_log),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
