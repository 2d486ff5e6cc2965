/* Kernel log parser: the CMA areas a log declares at boot (doc/FORMATS.md
 * section 2.2, "CMA areas at boot"): rmem_cma_setup()'s pool with the
 * node name of the "initialized node" line after it, mm/cma.c's
 * "cma: Reserved %ld MiB at %pa" (" on node %d" in some releases), the
 * hugetlb_cma line that names its area, and the multi-range form that
 * places nothing. Inputs written from the format strings. */
#include "parse_run.h"

/* A device-tree pool: the node name joins the pool line before it, and
 * a comma in the name ("linux,cma") stays in it. */
static void test_pool_takes_the_name_of_the_node_line_after_it(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[    0.000000] Reserved memory: created CMA memory pool at 0x00000000b8000000, size 32 MiB\n"
		 "[    0.000000] OF: reserved mem: initialized node linux,cma, compatible id shared-dma-pool\n"
		 "[    0.000000] Reserved memory: created CMA memory pool at 0x00000000c0000000, size 16 MiB\n"
		 "[    0.000000] Zone ranges:\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_area");
	assert_field(rec, "base", "0x00000000b8000000");
	assert_field(rec, "size_mib", "32");
	assert_field(rec, "by", "pool");
	assert_field(rec, "name", "linux,cma");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_area");
	assert_field(rec, "base", "0x00000000c0000000");
	assert_field(rec, "size_mib", "16");
	assert_null(pb_record_field(rec, "name"));
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* "cma: Reserved" names no area; a hugetlb_cma line right after it says
 * it is hugetlb's area of that node ("hugetlb%d"); " on node %d" is kept
 * as the node. */
static void test_reserved_lines_and_the_hugetlb_line_that_names_one(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[    0.000000] hugetlb_cma: reserve 2048 MiB, up to 1024 MiB per node\n"
		 "[    0.000000] cma: Reserved 1024 MiB at 0x0000000200000000 on node 1\n"
		 "[    0.000000] hugetlb_cma: reserved 1024 MiB on node 1\n"
		 "[    0.000000] cma: Reserved 128 MiB at 0x00000000f8000000\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "cma_area");
	assert_field(rec, "base", "0x0000000200000000");
	assert_field(rec, "size_mib", "1024");
	assert_field(rec, "node", "1");
	assert_field(rec, "name", "hugetlb1");
	assert_field(rec, "by", "hugetlb");
	rec = run_next(&r);
	assert_field(rec, "base", "0x00000000f8000000");
	assert_field(rec, "size_mib", "128");
	assert_field(rec, "by", "cma");
	assert_null(pb_record_field(rec, "name"));
	assert_null(pb_record_field(rec, "node"));
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* The multi-range "Reserved %lu MiB in %d range%s" says no address: no
 * record. A pool or reserved line that breaks off after its head is a bad
 * line, never an area of another size. */
static void test_lines_without_an_address_are_no_areas(void **state)
{
	struct parse_run r;

	(void)state;
	run_open(&r, PB_FMT_KMSG,
		 "[    0.000000] cma: Reserved 1024 MiB in 1 range\n"
		 "[    0.000000] cma: Reserved 64 MiB at nowhere\n"
		 "[    0.000000] Reserved memory: created CMA memory pool at 0x00000000a0000000, size 0 MiB\n");
	run_end(&r);
	assert_int_equal(r.bad[PB_BAD_SYNTAX], 2);
	run_close(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_takes_the_name_of_the_node_line_after_it),
		cmocka_unit_test(test_reserved_lines_and_the_hugetlb_line_that_names_one),
		cmocka_unit_test(test_lines_without_an_address_are_no_areas),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
