/* lib/analyze/boots.c: each source's boot and the page size of its
 * kernel, the one place the analysis turns bytes into pfns. */
#include "store_fixture.h"

#include "../../lib/analyze/analyze_int.h"

/* Sources as the import writes them: a trace whose header said 16 KiB
 * (1) and the log imported with it, which knew none (2); a log alone (3),
 * a source on a clock of its own (4), a hand-edited size that is no page
 * size (5), and a boot (6, 7) where neither knows one. */
static void add_sources(struct pb_store *s)
{
	assert_int_equal(sqlite3_exec(pb_store_db(s),
		"INSERT INTO source(id, path, sha256, format, imported_at, boot, clock, page_size) "
		"VALUES (1, 'trace.txt', 'a', 'ftrace', 'now', 1, NULL, 16384),"
		"(2, 'dmesg.txt', 'b', 'kmsg', 'now', 1, NULL, NULL),"
		"(3, 'alone.txt', 'c', 'kmsg', 'now', NULL, NULL, NULL),"
		"(4, 'dated.txt', 'd', 'kmsg', 'now', NULL, 'realtime', 65536),"
		"(5, 'edited.txt', 'e', 'ftrace', 'now', NULL, NULL, 12345),"
		"(6, 'other.txt', 'f', 'ftrace', 'now', 6, NULL, NULL),"
		"(7, 'other-dmesg.txt', 'g', 'kmsg', 'now', 6, NULL, NULL);",
		NULL, NULL, NULL), SQLITE_OK);
}

static void test_a_log_takes_the_page_size_of_its_boots_trace(void **state)
{
	struct fixture *f = *state;
	struct boots b = { 0 };

	add_sources(f->s);
	assert_int_equal(load_boots(f->s, &b), 0);
	assert_int_equal(page_size_of(&b, 1), 16384);
	assert_int_equal(page_size_of(&b, 2), 16384);
	assert_int_equal(boot_of(&b, 2), 1);
	boots_free(&b);
}

/* A source imported alone may be another machine's: it takes no size. */
static void test_a_source_of_no_boot_takes_no_other_size(void **state)
{
	struct fixture *f = *state;
	struct boots b = { 0 };

	add_sources(f->s);
	assert_int_equal(load_boots(f->s, &b), 0);
	assert_int_equal(page_size_of(&b, 3), 0);
	assert_int_equal(boot_of(&b, 3), 0);
	assert_int_equal(page_size_of(&b, 4), 65536);
	assert_int_equal(boot_of(&b, 4), -4);
	assert_int_equal(page_size_of(&b, 6), 0);
	assert_int_equal(page_size_of(&b, 7), 0);
	boots_free(&b);
}

static void test_a_size_that_is_no_page_size_is_unknown(void **state)
{
	struct fixture *f = *state;
	struct boots b = { 0 };

	add_sources(f->s);
	assert_int_equal(load_boots(f->s, &b), 0);
	assert_int_equal(page_size_of(&b, 5), 0);
	assert_int_equal(page_size_of(&b, 99), 0);
	assert_int_equal(page_size_of(&b, -1), 0);
	boots_free(&b);
}

static void test_pfn_shift_is_log2_of_the_page_size(void **state)
{
	(void)state;
	assert_int_equal(pfn_shift(4096), 12);
	assert_int_equal(pfn_shift(8192), 13);
	assert_int_equal(pfn_shift(16384), 14);
	assert_int_equal(pfn_shift(65536), 16);
	assert_int_equal(pfn_shift(262144), 18);
	/* unknown, or no page size: 4 KiB */
	assert_int_equal(pfn_shift(0), 12);
	assert_int_equal(pfn_shift(12345), 12);
	assert_int_equal(pfn_shift(-4096), 12);
	assert_int_equal(pfn_shift(INT64_C(1) << 40), 12);
	assert_int_equal(0x140000000ULL >> pfn_shift(16384), 0x50000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_a_log_takes_the_page_size_of_its_boots_trace,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_source_of_no_boot_takes_no_other_size, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_a_size_that_is_no_page_size_is_unknown, setup,
						teardown),
		cmocka_unit_test(test_pfn_shift_is_log2_of_the_page_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
