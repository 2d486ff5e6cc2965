/* test_input_buffered.c - pb_input_buffered() and pb_input_take_lines(),
 * the parsers' fast path over the lines already read: the span stops at a
 * NUL byte, lines taken count as pb_input_getline() would count them, the
 * last one can be put back, and reading on after them gives the rest. */
#include "unit.h"

#include "pinblame/core.h"
#include "pinblame/input.h"

static void test_buffered_lines_are_numbered_as_getline_would(void **state)
{
	static const char text[] = "one\ntwo\r\nthree\nfour";
	struct pb_input *in = pb_input_open_memory(text, sizeof(text) - 1, "mem");
	const char *data, *line;
	size_t n, len;

	(void)state;
	/* nothing is read before the first line is asked for */
	assert_int_equal(pb_input_buffered(in, &data), 0);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
	n = pb_input_buffered(in, &data);
	assert_int_equal(n, sizeof(text) - 1 - 4);
	assert_memory_equal(data, "two\r\n", 5);
	pb_input_take_lines(in, 5 + 6, 2);	/* "two\r\n", "three\n" */
	assert_int_equal(pb_input_lineno(in), 3);

	/* the last line taken is put back without its CR */
	pb_input_ungetline(in);
	assert_int_equal(pb_input_lineno(in), 2);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
	assert_int_equal(len, 5);
	assert_memory_equal(line, "three", 5);
	assert_int_equal(pb_input_lineno(in), 3);

	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
	assert_int_equal(len, 4);
	assert_memory_equal(line, "four", 4);
	assert_int_equal(pb_input_lineno(in), 4);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_EOF);
	assert_int_equal(pb_input_buffered(in, &data), 0);
	pb_input_close(in);
}

static void test_buffered_span_stops_at_a_nul(void **state)
{
	static const char text[] = "a\nb\nc\0d\ne\n";
	struct pb_input *in = pb_input_open_memory(text, sizeof(text) - 1, "mem");
	const char *data, *line;
	size_t len;

	(void)state;
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
	assert_int_equal(pb_input_buffered(in, &data), 3);	/* "b\nc" */
	pb_input_take_lines(in, 2, 1);
	assert_int_equal(pb_input_buffered(in, &data), 1);	/* "c" */
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
	assert_true(pb_input_line_has_nul(in));
	assert_int_equal(pb_input_lineno(in), 3);
	assert_int_equal(pb_input_buffered(in, &data), 2);	/* "e\n" */
	pb_input_close(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buffered_lines_are_numbered_as_getline_would),
		cmocka_unit_test(test_buffered_span_stops_at_a_nul),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
