/* The report's failures no call site explains and its hints, on
 * hand-made objects: every expected line is written out by hand from the
 * values below. */
#include "unit.h"

#include "pinblame/core.h"
#include "pinblame/render.h"
#include "../../lib/render/report_int.h"

static json_t *load(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, 0, &err);

	if (!v)
		fail_msg("%s at %d", err.text, err.position);
	return v;
}

static void test_failure_facts_name_range_busy_pages_and_line(void **state)
{
	json_t *f = load("{\"start_pfn\":573440,\"end_pfn\":574464,\"busy_pfns\":[573473],"
			 "\"busy_ranges\":1,\"source\":\"cma.txt\",\"line\":5}");
	struct pb_buf b = { 0 };

	(void)state;
	rj_failure_facts(&b, f);
	assert_string_equal(pb_buf_str(&b), "pfn 0x8c000-0x8c400, busy 0x8c021; cma.txt:5");
	pb_buf_free(&b);
	json_decref(f);
}

static void test_failure_without_busy_page_says_what_counted_its_pages(void **state)
{
	json_t *f = load("{\"busy_pfns\":[],\"busy_ranges\":0,\"failed_migrations\":3,"
			 "\"source\":\"trace.txt\",\"line\":44}");
	json_t *g = load("{\"start_pfn\":4096,\"end_pfn\":8192,\"busy_pfns\":[],\"busy_ranges\":1}");
	struct pb_buf b = { 0 };

	(void)state;
	rj_failure_facts(&b, f);
	assert_string_equal(pb_buf_str(&b), "3 failed migrations, no busy page named; trace.txt:44");
	pb_buf_reset(&b);
	rj_failure_facts(&b, g);
	assert_string_equal(pb_buf_str(&b), "pfn 0x1000-0x2000, 1 busy range, no busy page named");
	pb_buf_free(&b);
	json_decref(f);
	json_decref(g);
}

static void test_dump_line_has_only_the_fields_the_dump_gave(void **state)
{
	json_t *full = load("{\"pfn\":111299,\"refcount\":5,\"mapcount\":2,\"mapping\":\"ffff8881\","
			    "\"flags\":\"0x24(uptodate)\",\"source\":\"dmesg.txt\",\"line\":3}");
	json_t *bare = load("{\"pfn\":16,\"refcount\":null,\"mapcount\":null,\"mapping\":null,"
			    "\"flags\":null,\"source\":null}");
	struct pb_buf b = { 0 };

	(void)state;
	rj_dump_line(&b, full);
	assert_string_equal(pb_buf_str(&b), "pfn 0x1b2c3: dump refcount 5 mapcount 2 mapping "
			    "ffff8881 flags 0x24(uptodate) at dmesg.txt:3");
	pb_buf_reset(&b);
	rj_dump_line(&b, bare);
	assert_string_equal(pb_buf_str(&b), "pfn 0x10: dump");
	pb_buf_free(&b);
	json_decref(full);
	json_decref(bare);
}

static void test_heading_counts_the_failures_not_listed(void **state)
{
	json_t *some = load("{\"unattributed_failures\":{\"count\":12,\"failures\":"
			    "[{\"id\":1},{\"id\":2}]}}");
	json_t *all = load("{\"unattributed_failures\":{\"count\":1,\"failures\":[{\"id\":1}]}}");
	json_t *none = load("{\"unattributed_failures\":{\"count\":0,\"failures\":[]}}");
	struct pb_buf b = { 0 };

	(void)state;
	assert_int_equal(rj_unattributed_heading(&b, some), 1);
	assert_string_equal(pb_buf_str(&b),
			    "Failures no call site explains (first 2 of 12; all: pinblame failures)");
	pb_buf_reset(&b);
	assert_int_equal(rj_unattributed_heading(&b, all), 1);
	assert_string_equal(pb_buf_str(&b), "Failures no call site explains (1)");
	pb_buf_reset(&b);
	assert_int_equal(rj_unattributed_heading(&b, none), 0);
	assert_int_equal((int)b.len, 0);
	pb_buf_free(&b);
	json_decref(some);
	json_decref(all);
	json_decref(none);
}

static void test_hints_follow_the_gaps_of_the_capture(void **state)
{
	/* 3 failures, 10 busy pages, 4 attributed: 6 left, 2 of them page cache */
	json_t *blame = load("{\"failures\":3,\"pages\":10,\"attributed_pages\":4,\"unattributed\":1,"
			     "\"gaps\":{\"gup_probes\":false,\"splice_probes\":false,"
			     "\"page_cache_pages\":2,\"cut_stack_pages\":0,\"enomem_failures\":0}}");
	json_t *hints = pb_blame_hints(blame, 1);

	(void)state;
	assert_int_equal((int)json_array_size(hints), 3);
	assert_true(!strncmp(json_string_value(json_array_get(hints, 0)),
			     "1 failure names no busy page: ", 30));
	assert_true(!strncmp(json_string_value(json_array_get(hints, 1)),
			     "2 unattributed busy pages are page cache or shmem", 49));
	assert_true(!strncmp(json_string_value(json_array_get(hints, 2)),
			     "4 busy pages have no holder evidence: ", 38));
	json_decref(hints);
	json_decref(blame);
}

static void test_no_page_named_at_all_is_one_hint(void **state)
{
	json_t *blame = load("{\"failures\":2,\"pages\":0,\"attributed_pages\":0,\"unattributed\":2,"
			     "\"gaps\":{\"enomem_failures\":0}}");
	json_t *hints = pb_blame_hints(blame, 2);

	(void)state;
	assert_int_equal((int)json_array_size(hints), 1);
	assert_true(!strncmp(json_string_value(json_array_get(hints, 0)),
			     "No failure names a busy page: ", 30));
	json_decref(hints);
	json_decref(blame);
}

static void test_every_page_attributed_gives_no_hint(void **state)
{
	json_t *blame = load("{\"failures\":2,\"pages\":5,\"attributed_pages\":5,\"unattributed\":0,"
			     "\"gaps\":{}}");
	json_t *hints = pb_blame_hints(blame, 0);

	(void)state;
	assert_int_equal((int)json_array_size(hints), 0);
	json_decref(hints);
	json_decref(blame);
}

static void test_a_hint_that_is_no_string_prints_as_a_question_mark(void **state)
{
	json_t *r = load("{\"unattributed_failures\":{\"count\":1,\"failures\":[{\"id\":7}]},"
			 "\"failures\":[{\"id\":7,\"kind\":\"migrate\",\"ts_ns\":1000000000,"
			 "\"busy_pfns\":[]}],\"hints\":[42]}");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	assert_int_equal(pb_report_text(f, r, -80, 0), 0);
	assert_int_equal(pb_report_markdown(f, r), 0);
	assert_int_equal(pb_report_html(f, r), 0);
	fclose(f);
	assert_non_null(strstr(text, "  hint: ?\n"));
	assert_non_null(strstr(text, "- ?\n"));
	assert_non_null(strstr(text, "<li>?</li>"));
	assert_non_null(strstr(text, "  #7 migrate at 1.000000 s\n    no busy page named\n"));
	free(text);
	json_decref(r);
}

static void test_plural_is_for_all_counts_but_one(void **state)
{
	(void)state;
	assert_string_equal(pb_plural(1), "");
	assert_string_equal(pb_plural(0), "s");
	assert_string_equal(pb_plural(2), "s");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failure_facts_name_range_busy_pages_and_line),
		cmocka_unit_test(test_failure_without_busy_page_says_what_counted_its_pages),
		cmocka_unit_test(test_dump_line_has_only_the_fields_the_dump_gave),
		cmocka_unit_test(test_heading_counts_the_failures_not_listed),
		cmocka_unit_test(test_hints_follow_the_gaps_of_the_capture),
		cmocka_unit_test(test_no_page_named_at_all_is_one_hint),
		cmocka_unit_test(test_every_page_attributed_gives_no_hint),
		cmocka_unit_test(test_a_hint_that_is_no_string_prints_as_a_question_mark),
		cmocka_unit_test(test_plural_is_for_all_counts_but_one),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
