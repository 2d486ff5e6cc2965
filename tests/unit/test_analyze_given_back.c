/* lib/analyze/holders.c: the page_ref gets that are no holder candidate
 * because their own task gave them back before the page was found busy,
 * as collect_given_back() hands them to show. Traces written from
 * page_ref's "pfn=0x%lx flags=%s count=%d mapcount=%d mapping=%p mt=%d
 * val=%d" (include/trace/events/page_ref.h); expected values worked out by
 * hand in the comments. */
#include "store_fixture.h"
#include "import_text.h"

#include "pinblame/analyze.h"
#include "pinblame/parse.h"
#include "../../lib/analyze/analyze_int.h"

/* Imports TEXT as one source "trace.txt", as `pinblame import` does, and
 * runs the analysis. */
static void import_and_analyze(struct pb_store *s, const char *text)
{
	unit_import_text(s, "trace.txt", text, strlen(text));
	assert_int_equal(pb_analyze_refresh(s), 0);
}

#define LINE(task, ts, body) "  " task " [001] ..... " ts ": " body "\n"
#define REF(task, ts, event, pfn, count, val) \
	LINE(task, ts, event ": pfn=" pfn " flags=uptodate|lru count=" count \
	     " mapcount=1 mapping=0000000071c3a2e1 mt=1 val=" val)
#define DIO_STACK(task, ts) \
	LINE(task, ts, "<stack trace>") \
	" => __page_ref_mod\n => try_grab_folio\n => gup_fast_pte_range\n" \
	" => get_user_pages_fast\n => iov_iter_extract_pages\n => bio_iov_iter_get_pages\n" \
	" => __blkdev_direct_IO_simple\n => blkdev_read_iter\n => vfs_read\n"
/* failure 1: pfn PFN found busy at 50.000100 */
#define BUSY_AT_50(pfn) \
	LINE("alloc-700", "50.000000", "cma_alloc_start: name=reserved count=1024 align=10") \
	LINE("alloc-700", "50.000100", "test_pages_isolated: start_pfn=0x120000 end_pfn=0x120400 fin_pfn=" pfn " ret=fail") \
	LINE("alloc-700", "50.001000", "cma_alloc_finish: name=reserved pfn=0x0 page=0000000000000000 count=1024 align=10 errorno=-16")
#define HEADER "# tracer: nop\n#\n"

static void test_get_put_back_by_its_task_is_handed_to_show(void **state)
{
	struct fixture *f = *state;
	struct given_back_list l = { 0 };

	import_and_analyze(f->s, HEADER
		REF("reader-950", "40.000000", "page_ref_mod", "0x120011", "3", "1")
		DIO_STACK("reader-950", "40.000010")
		REF("reader-950", "40.100000", "page_ref_mod_and_test", "0x120011", "2", "-1")
		BUSY_AT_50("0x120011"));
	assert_int_equal(collect_given_back(f->s, 1, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].pfn, 0x120011);
	assert_int_equal(l.v[0].ts_ns, 40000000000LL);
	assert_int_equal(l.v[0].put_ts_ns, 40100000000LL);
	assert_int_equal(l.v[0].pid, 950);
	assert_string_equal(l.v[0].comm, "reader");
	assert_int_equal(l.v[0].delta, 1);
	assert_int_equal(l.v[0].count, 3);
	assert_int_equal(l.v[0].kind, CAND_PAGE_REF_GET);
	/* the get has the stack, the put none: two evidence rows apart */
	assert_true(l.v[0].stack_id > 0);
	assert_true(l.v[0].put_id > l.v[0].get_id);
	given_back_list_free(&l);
}

/* Another task's put, or a put after the failure: the get held the page,
 * so it is a candidate and nothing is handed back. */
static void test_get_still_held_is_not_given_back(void **state)
{
	struct fixture *f = *state;
	struct given_back_list l = { 0 };

	import_and_analyze(f->s, HEADER
		REF("reader-950", "40.000000", "page_ref_mod", "0x120011", "3", "1")
		DIO_STACK("reader-950", "40.000010")
		REF("cat-951", "40.100000", "page_ref_mod_and_test", "0x120011", "2", "-1")
		REF("reader-950", "41.000000", "page_ref_mod", "0x120022", "3", "1")
		DIO_STACK("reader-950", "41.000010")
		BUSY_AT_50("0x120011")
		LINE("alloc-700", "50.000200", "test_pages_isolated: start_pfn=0x120000 end_pfn=0x120400 fin_pfn=0x120022 ret=fail")
		REF("reader-950", "51.000000", "page_ref_mod_and_test", "0x120022", "2", "-1"));
	assert_int_equal(collect_given_back(f->s, 1, &l), 0);
	assert_int_equal(l.n, 0);
	given_back_list_free(&l);
}

/* A pin (val=1024, GUP_PIN_COUNTING_BIAS) unpinned by its task: handed
 * back as a pin. */
static void test_pin_unpinned_by_its_task_is_given_back_as_a_pin(void **state)
{
	struct fixture *f = *state;
	struct given_back_list l = { 0 };

	import_and_analyze(f->s, HEADER
		REF("vfio-990", "40.000000", "page_ref_mod", "0x120011", "1026", "1024")
		DIO_STACK("vfio-990", "40.000010")
		REF("vfio-990", "40.500000", "page_ref_mod_and_test", "0x120011", "2", "-1024")
		BUSY_AT_50("0x120011"));
	assert_int_equal(collect_given_back(f->s, 1, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].kind, CAND_PIN);
	assert_int_equal(l.v[0].delta, 1024);
	given_back_list_free(&l);
}

/* Two failures, a page given back in each: failure 2 (at 60 s, busy
 * 0x120022) gets its own page's get only. */
static void test_only_the_pages_of_the_failure_asked_for(void **state)
{
	struct fixture *f = *state;
	struct given_back_list l = { 0 };

	import_and_analyze(f->s, HEADER
		REF("reader-950", "40.000000", "page_ref_mod", "0x120011", "3", "1")
		DIO_STACK("reader-950", "40.000010")
		REF("reader-950", "40.100000", "page_ref_mod_and_test", "0x120011", "2", "-1")
		REF("reader-950", "41.000000", "page_ref_mod", "0x120022", "3", "1")
		DIO_STACK("reader-950", "41.000010")
		REF("reader-950", "41.100000", "page_ref_mod_and_test", "0x120022", "2", "-1")
		BUSY_AT_50("0x120011")
		LINE("alloc-700", "60.000000", "cma_alloc_start: name=reserved count=1024 align=10")
		LINE("alloc-700", "60.000100", "test_pages_isolated: start_pfn=0x120000 end_pfn=0x120400 fin_pfn=0x120022 ret=fail")
		LINE("alloc-700", "60.001000", "cma_alloc_finish: name=reserved pfn=0x0 page=0000000000000000 count=1024 align=10 errorno=-16"));
	assert_int_equal(collect_given_back(f->s, 2, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].failure_id, 2);
	assert_int_equal(l.v[0].pfn, 0x120022);
	assert_int_equal(l.v[0].ts_ns, 41000000000LL);
	given_back_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_get_put_back_by_its_task_is_handed_to_show,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_still_held_is_not_given_back, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pin_unpinned_by_its_task_is_given_back_as_a_pin,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_the_pages_of_the_failure_asked_for, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
