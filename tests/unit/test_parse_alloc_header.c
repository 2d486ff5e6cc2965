/* The "allocated via" line of page_owner, as the kernel log's dump_page()
 * and the debugfs file print it: one table names its pieces for both
 * parsers (lib/parse/dump.c). */
#include <string.h>

#include "parse_run.h"

#include "../../lib/parse/dump.h"

/* Appends "NAME=VALUE;" to the buffer CTX. */
static void collect(void *ctx, const char *name, const char *v, size_t len)
{
	pb_buf_addf(ctx, "%s=%.*s;", name, (int)len, v);
}

static void assert_pieces(const char *line, enum dump_alloc_names names, const char *want)
{
	struct dump_alloc a;
	struct pb_buf got = { 0 };

	assert_int_equal(dump_parse_alloc(line, strlen(line), &a), 0);
	dump_alloc_put(&a, names, collect, &got);
	assert_string_equal(got.data ? got.data : "", want);
	pb_buf_free(&got);
}

/* 6.x dump_page(): every piece, a comm with ", " in it. */
static const char kmsg_line[] =
	"order 0, migratetype Movable, gfp_mask 0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO), "
	"pid 1873, tgid 1870 (cuda-EvtHandlr, x), ts 4101002113450, free_ts 0";

static void test_dump_page_pieces_take_the_owner_names(void **state)
{
	(void)state;
	assert_pieces(kmsg_line, ALLOC_NAMES_KMSG,
		      "owner_order=0;migratetype=Movable;"
		      "gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO);owner_pid=1873;"
		      "owner_tgid=1870;owner_comm=cuda-EvtHandlr, x;owner_ts=4101002113450;"
		      "owner_free_ts=0;");
}

/* The debugfs names of the same pieces; its header prints no migratetype,
 * so none is kept from it. */
static void test_debugfs_pieces_take_the_record_names(void **state)
{
	(void)state;
	assert_pieces(kmsg_line, ALLOC_NAMES_DEBUGFS,
		      "order=0;gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO);pid=1873;"
		      "tgid=1870;comm=cuda-EvtHandlr, x;alloc_ts=4101002113450;free_ts=0;");
}

/* Up to 4.5 the mask is "mask 0x%x" and times end in " ns"; pieces not
 * printed are not put. */
static void test_old_mask_name_and_ns_times(void **state)
{
	(void)state;
	assert_pieces("order 1, mask 0x0(), pid 301, ts 5012345678 ns, free_ts 4012345678 ns",
		      ALLOC_NAMES_DEBUGFS,
		      "order=1;gfp_mask=0x0();pid=301;alloc_ts=5012345678;free_ts=4012345678;");
	assert_pieces("order 3, mask 0x24200ca", ALLOC_NAMES_KMSG,
		      "owner_order=3;gfp_mask=0x24200ca;");
}

static void test_line_without_order_is_refused(void **state)
{
	struct dump_alloc a;
	static const char line[] = "migratetype Movable, pid 1";

	(void)state;
	assert_int_equal(dump_parse_alloc(line, strlen(line), &a), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dump_page_pieces_take_the_owner_names),
		cmocka_unit_test(test_debugfs_pieces_take_the_record_names),
		cmocka_unit_test(test_old_mask_name_and_ns_times),
		cmocka_unit_test(test_line_without_order_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
