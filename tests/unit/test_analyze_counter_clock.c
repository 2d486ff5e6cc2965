/* lib/analyze/failures_attempts.c: on a clock that counts ticks, not ns
 * (sources.clock 'counter'), a task's contiguous allocation attempts are
 * cut by the order of its events, never by a pause. Traces written from
 * test_pages_isolated's "start_pfn=0x%lx end_pfn=0x%lx fin_pfn=0x%lx
 * ret=%s" with the context column " %12llu" of such a clock
 * (kernel/trace/trace_output.c); expected values worked out by hand. */
#include "store_fixture.h"
#include "import_text.h"

#include "pinblame/analyze.h"
#include "pinblame/parse.h"

static const struct pb_analyze_opts all = { .since_ns = -1, .until_ns = -1 };

/* Imports TEXT as one source, keeping the clock the parser found as
 * import does, runs the analysis and returns the busy ranges of each
 * failure, in order, as "N,N,...". */
static const char *ranges_per_failure(struct pb_store *s, const char *text, char *out,
				      size_t len)
{
	json_t *res, *x;
	size_t i, at = 0;

	unit_import_text(s, "trace.txt", text, strlen(text));
	assert_int_equal(pb_analyze_refresh(s), 0);
	res = pb_analyze_failures(s, &all, NULL, NULL);
	assert_non_null(res);
	out[0] = '\0';
	json_array_foreach(json_object_get(res, "failures"), i, x)
		at += (size_t)snprintf(out + at, len - at, "%s%lld", i ? "," : "",
				       (long long)json_integer_value(json_object_get(x, "busy_ranges")));
	json_decref(res);
	return out;
}

#define ISO(ts, range, ret) \
	"              sh-412   [001] .... " ts ": test_pages_isolated: " range " ret=" ret "\n"
#define RANGE_A "start_pfn=0x100000 end_pfn=0x100400 fin_pfn=0x100011"
#define RANGE_B "start_pfn=0x100400 end_pfn=0x100800 fin_pfn=0x100422"
#define RANGE_C "start_pfn=0x100800 end_pfn=0x100c00 fin_pfn=0x100c00"

/* 10^10 ticks between two failed tests: one attempt of two ranges. */
static void test_no_pause_cuts_an_attempt_on_a_counter_clock(void **state)
{
	struct fixture *f = *state;
	char out[64];

	assert_string_equal(ranges_per_failure(f->s, "# tracer: nop\n#\n"
		ISO("1000000000000", RANGE_A, "fail")
		ISO("1010000000000", RANGE_B, "fail"), out, sizeof(out)), "2");
}

/* The same tests 10 s apart on the kernel's clock: two attempts. */
static void test_a_pause_cuts_an_attempt_on_the_kernel_clock(void **state)
{
	struct fixture *f = *state;
	char out[64];

	assert_string_equal(ranges_per_failure(f->s, "# tracer: nop\n#\n"
		ISO("   1000.000000", RANGE_A, "fail")
		ISO("   1010.000000", RANGE_B, "fail"), out, sizeof(out)), "1,1");
}

/* A successful isolation test still ends the attempt on a counter clock. */
static void test_success_cuts_an_attempt_on_a_counter_clock(void **state)
{
	struct fixture *f = *state;
	char out[64];

	assert_string_equal(ranges_per_failure(f->s, "# tracer: nop\n#\n"
		ISO("1000000000000", RANGE_A, "fail")
		ISO("1000000000001", RANGE_C, "success")
		ISO("1000000000002", RANGE_B, "fail"), out, sizeof(out)), "1,1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_pause_cuts_an_attempt_on_a_counter_clock,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_pause_cuts_an_attempt_on_the_kernel_clock,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_success_cuts_an_attempt_on_a_counter_clock,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
