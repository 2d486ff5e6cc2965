/* test_dump_pins.c - the FOLL_PIN pins a dump_page() count shows
 * (pb_dump_pins(), pb_release_at_least() in lib/core/kernel_facts.c) and
 * how they read (pb_pins_reading(), lib/render/report_util.c). */
#include "unit.h"

#include "pinblame/core.h"
#include "pinblame/render.h"

/* An order-0 page of a 5.7+ kernel with these counts. */
static long long order0(long long refcount, long long mapcount)
{
	struct pb_dump_counts c = { .refcount = refcount, .mapcount = mapcount,
				    .pincount = -1, .since_5_7 = 1 };

	return pb_dump_pins(&c);
}

static void test_one_pin_is_1024_in_the_refcount(void **state)
{
	(void)state;
	/* refcount:1026 mapcount:1: a pin, the mapping's reference, one more */
	assert_int_equal(order0(1026, 1), 1);
	assert_int_equal(order0(1025, 1), 1);
	assert_int_equal(order0(1024, 0), 1);
	assert_int_equal(order0(2 * 1024 + 3, 1), 2);
}

static void test_below_1024_beyond_the_mappings_is_no_pin(void **state)
{
	(void)state;
	assert_int_equal(order0(3, 1), 0);
	assert_int_equal(order0(1023, 0), 0);
	assert_int_equal(order0(1024, 1), 0);
	/* a page cache page mapped 1400 times holds 1400 references */
	assert_int_equal(order0(1500, 1400), 0);
	assert_int_equal(order0(1400 + 1024, 1400), 1);
}

static void test_counts_that_cannot_be_read_say_nothing(void **state)
{
	(void)state;
	assert_int_equal(order0(-1, 1), -1);
	assert_int_equal(order0(1026, -1), -1);
	/* fewer references than mappings: no count a kernel prints */
	assert_int_equal(order0(1, 2), -1);
}

static void test_no_bias_before_5_7_or_on_an_unknown_kernel(void **state)
{
	struct pb_dump_counts old = { .refcount = 1026, .mapcount = 1, .pincount = -1,
				      .since_5_7 = 0 };
	struct pb_dump_counts unknown = old;

	(void)state;
	unknown.since_5_7 = -1;
	assert_int_equal(pb_dump_pins(&old), -1);
	assert_int_equal(pb_dump_pins(&unknown), -1);
}

static void test_a_folio_counts_its_pins_apart(void **state)
{
	struct pb_dump_counts folio = { .refcount = 514, .mapcount = 1, .compound = 1,
					.pincount = 2, .since_5_7 = 1 };
	struct pb_dump_counts no_pincount = folio;

	(void)state;
	assert_int_equal(pb_dump_pins(&folio), 2);
	/* a THP whose dump prints no pincount (5.7's one line had none) */
	no_pincount.pincount = -1;
	no_pincount.refcount = 1026;
	no_pincount.order = 9;
	assert_int_equal(pb_dump_pins(&no_pincount), -1);
}

/* An order-1 compound page of a 5.7 to 5.17 kernel: no room for a
 * pincount (hpage_pincount_available(): order > 1), no pincount on its
 * head: line, and each pin adds the bias to the head's refcount, the
 * count the dump prints. */
static long long order1(long long refcount, long long mapcount, long long pincount,
			int since_5_7)
{
	struct pb_dump_counts c = { .refcount = refcount, .mapcount = mapcount, .compound = 1,
				    .pincount = pincount, .order = 1, .since_5_7 = since_5_7 };

	return pb_dump_pins(&c);
}

static void test_an_order1_page_without_pincount_pins_by_the_bias(void **state)
{
	(void)state;
	/* a pin, the mapping of each of its two pages, one more */
	assert_int_equal(order1(1024 + 2 + 1, 1, -1, 1), 1);
	assert_int_equal(order1(2 * 1024 + 2, 1, -1, 1), 2);
	assert_int_equal(order1(3, 1, -1, 1), 0);
	/* no bias before 5.7, nor on a kernel not known */
	assert_int_equal(order1(1027, 1, -1, 0), -1);
	assert_int_equal(order1(1027, 1, -1, -1), -1);
	/* 5.18+ prints the order-1 page's own pincount: that, not the bias */
	assert_int_equal(order1(4, 1, 1, 1), 1);
	assert_int_equal(order1(1027, 1, 0, 1), 0);
}

/* A 32-bit kernel from 6.15 has no room for an order-1 folio's pincount
 * (folio_has_pincount(): order > 1): its pins add the bias to the
 * refcount, and the dump prints "pincount:0". */
static long long order1_of(int long_bits, int since_6_15, long long refcount, long long pincount)
{
	struct pb_dump_counts c = { .refcount = refcount, .mapcount = 1, .compound = 1,
				    .pincount = pincount, .order = 1, .since_5_7 = 1,
				    .long_bits = long_bits, .since_6_15 = since_6_15 };

	return pb_dump_pins(&c);
}

static void test_a_32bit_order1_folio_from_6_15_pins_by_the_bias(void **state)
{
	(void)state;
	assert_int_equal(order1_of(32, 1, 2 * 1024 + 3, 0), 2);
	assert_int_equal(order1_of(32, -1, 1024 + 3, 0), 1);	/* release not known */
	assert_int_equal(order1_of(32, 1, 3, 0), 0);
	/* a pincount it printed is its own; before 6.15 it had one; and on
	 * 64 bits it always has */
	assert_int_equal(order1_of(32, 1, 1024 + 3, 1), 1);
	assert_int_equal(order1_of(32, 0, 1024 + 3, 0), 0);
	assert_int_equal(order1_of(64, 1, 1024 + 3, 0), 0);
	assert_int_equal(order1_of(0, 1, 1024 + 3, 0), 0);
}

static void test_only_order1_reads_a_compound_refcount(void **state)
{
	struct pb_dump_counts c = { .refcount = 1027, .mapcount = 1, .compound = 1,
				    .pincount = -1, .order = 2, .since_5_7 = 1 };

	(void)state;
	/* order 2 and up had a pincount from 5.7 on: none printed, none known */
	assert_int_equal(pb_dump_pins(&c), -1);
	c.order = -1;	/* a head: line without its order */
	assert_int_equal(pb_dump_pins(&c), -1);
}

static void test_release_version_is_compared_by_number(void **state)
{
	(void)state;
	assert_int_equal(pb_release_at_least("5.10.198-android12-9-00085-g226a9632f13d", 5, 7), 1);
	assert_int_equal(pb_release_at_least("5.7.0", 5, 7), 1);
	assert_int_equal(pb_release_at_least("5.6.19", 5, 7), 0);
	assert_int_equal(pb_release_at_least("4.19.71", 5, 7), 0);
	assert_int_equal(pb_release_at_least("6.1", 5, 7), 1);
	assert_int_equal(pb_release_at_least("5.14.0-427.el9.aarch64+64k", 5, 7), 1);
	assert_int_equal(pb_release_at_least(NULL, 5, 7), -1);
	assert_int_equal(pb_release_at_least("", 5, 7), -1);
	assert_int_equal(pb_release_at_least("linux", 5, 7), -1);
	assert_int_equal(pb_release_at_least("5", 5, 7), -1);
}

static void test_pins_read_as_the_count_splits(void **state)
{
	struct pb_buf b = { 0 };

	(void)state;
	assert_int_equal(pb_pins_reading(&b, 1026, 1), 1);
	assert_string_equal(pb_buf_str(&b), "refcount 1026 = 1 pin (FOLL_PIN, 1024 each) + 2");
	pb_buf_reset(&b);
	assert_int_equal(pb_pins_reading(&b, 3 * 1024, 3), 1);
	assert_string_equal(pb_buf_str(&b), "refcount 3072 = 3 pins (FOLL_PIN, 1024 each) + 0");
	pb_buf_reset(&b);
	assert_int_equal(pb_pins_reading(&b, 514, 2), 1);
	assert_string_equal(pb_buf_str(&b), "2 pins (the folio's pincount)");
	pb_buf_reset(&b);
	assert_int_equal(pb_pins_reading(&b, 3, 0), 0);
	assert_string_equal(pb_buf_str(&b), "");
	pb_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_pin_is_1024_in_the_refcount),
		cmocka_unit_test(test_below_1024_beyond_the_mappings_is_no_pin),
		cmocka_unit_test(test_counts_that_cannot_be_read_say_nothing),
		cmocka_unit_test(test_no_bias_before_5_7_or_on_an_unknown_kernel),
		cmocka_unit_test(test_a_folio_counts_its_pins_apart),
		cmocka_unit_test(test_an_order1_page_without_pincount_pins_by_the_bias),
		cmocka_unit_test(test_a_32bit_order1_folio_from_6_15_pins_by_the_bias),
		cmocka_unit_test(test_only_order1_reads_a_compound_refcount),
		cmocka_unit_test(test_release_version_is_compared_by_number),
		cmocka_unit_test(test_pins_read_as_the_count_splits),
	};

	return cmocka_run_group_tests_name("dump_pins", tests, NULL, NULL);
}
