/* The name of a call site as every output prints it (lib/render/site_name.c). */
#include "unit.h"

#include "pinblame/core.h"
#include "pinblame/render.h"

static void test_kernel_site_is_its_function_alone(void **state)
{
	struct pb_buf b = { 0 };

	(void)state;
	assert_string_equal(pb_site_name(&b, "__do_sys_vmsplice", NULL), "__do_sys_vmsplice");
	pb_buf_reset(&b);
	/* an empty module is no module: never "func []" */
	assert_string_equal(pb_site_name(&b, "__do_sys_vmsplice", ""), "__do_sys_vmsplice");
	pb_buf_free(&b);
}

static void test_module_site_has_its_module_in_brackets(void **state)
{
	struct pb_buf b = { 0 };

	(void)state;
	assert_string_equal(pb_site_name(&b, "nv_pin_pages", "nvidia"), "nv_pin_pages [nvidia]");
	pb_buf_free(&b);
}

static void test_name_is_appended_to_what_the_buffer_holds(void **state)
{
	struct pb_buf b = { 0 };

	(void)state;
	pb_buf_adds(&b, "[1] ");
	assert_string_equal(pb_site_name(&b, "f", "m"), "[1] f [m]");
	pb_buf_free(&b);
}

static void test_missing_site_reads_as_question_mark(void **state)
{
	struct pb_buf b = { 0 };

	(void)state;
	assert_string_equal(pb_site_name(&b, NULL, "m"), "? [m]");
	pb_buf_free(&b);
}

static void test_untrusted_bytes_are_kept_for_the_output_to_escape(void **state)
{
	struct pb_buf b = { 0 };

	(void)state;
	/* escaping is the output stream's (pb_term_stream()) or JSON's: the
	 * name keeps the trace's bytes, as a --deny glob must match them */
	assert_string_equal(pb_site_name(&b, "f\x1b[2J", "m\x07"), "f\x1b[2J [m\x07]");
	pb_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_site_is_its_function_alone),
		cmocka_unit_test(test_module_site_has_its_module_in_brackets),
		cmocka_unit_test(test_name_is_appended_to_what_the_buffer_holds),
		cmocka_unit_test(test_missing_site_reads_as_question_mark),
		cmocka_unit_test(test_untrusted_bytes_are_kept_for_the_output_to_escape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
