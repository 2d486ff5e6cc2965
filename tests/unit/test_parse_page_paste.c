/* page_owner and page_pinner debugfs files as users paste them: a web
 * page that collapsed the white space took the blank before each frame
 * (stack_trace_snprint()'s " %pS"). A line of a record that is a frame as
 * %pS prints it is one still. Inputs written from the format strings
 * (doc/FORMATS.md section 3). */
#include "parse_run.h"

static void test_page_owner_frames_without_their_blank(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PAGE_OWNER,
		 "Page allocated via order 0, mask 0x100cca(GFP_HIGHUSER_MOVABLE), pid 88, tgid 88 (cam), ts 1000 ns\n"
		 "PFN 0x9a100 type Movable Block 1232 type CMA Flags 0x4000000000080024(uptodate|active|swapbacked|zone=1)\n"
		 "post_alloc_hook+0x20/0x30\n"
		 "pin_user_pages_fast+0x40/0x60\n"
		 "cam_ioctl+0x10/0x20 [cam]\n"
		 "Charged to memcg cam.slice\n"
		 "\n");
	rec = run_next(&r);
	assert_int_equal(rec->nframes, 3);
	assert_frame(&rec->frames[2], "cam_ioctl", 0x10, 0x20, 0, "cam", 0);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

static void test_page_pinner_frames_without_their_blank(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PAGE_PINNER,
		 "Failure detected at [  220.040023]\n"
		 "PFN 0x9a100 Block 1232 count 3 mapcount 1 mapping 0x0 Flags 0x4000000000080024(uptodate|active|swapbacked|zone=1)\n"
		 "__page_pinner_failure_detect+0x88/0x100\n"
		 "migrate_pages+0x6c0/0xd00\n"
		 "cma_alloc+0x1a4/0x600\n"
		 "\n");
	rec = run_next(&r);
	assert_int_equal(rec->nframes, 3);
	assert_frame(&rec->frames[2], "cma_alloc", 0x1a4, 0x600, 0, NULL, 0);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_owner_frames_without_their_blank),
		cmocka_unit_test(test_page_pinner_frames_without_their_blank),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
