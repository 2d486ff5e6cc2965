/* Text that is safe to print (lib/core/term.c) and the options library
 * (lib/core/options.c). */
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "pinblame/core.h"
#include "pinblame/options.h"

static const char *escaped(struct pb_buf *b, const char *s, int keep_lines)
{
	pb_buf_reset(b);
	pb_term_escape(b, s, strlen(s), keep_lines);
	return pb_buf_str(b);
}

static void test_control_characters_are_shown_as_hex(void **state)
{
	struct pb_buf b = { 0 };

	(void)state;
	assert_string_equal(escaped(&b, "comm\x1b]0;t\x07", 1), "comm\\x1b]0;t\\x07");
	assert_string_equal(escaped(&b, "a\x7f" "b", 1), "a\\x7fb");
	/* the output's own newline and tab stay; a name's do not */
	assert_string_equal(escaped(&b, "a\tb\n", 1), "a\tb\n");
	assert_string_equal(escaped(&b, "a\tb\n", 0), "a\\x09b\\x0a");
	pb_buf_free(&b);
}

static void test_utf8_kept_c1_and_bad_bytes_shown(void **state)
{
	struct pb_buf b = { 0 };

	(void)state;
	assert_string_equal(escaped(&b, "caf\xc3\xa9 \xe2\x82\xac", 1), "caf\xc3\xa9 \xe2\x82\xac");
	/* U+009B (CSI as a C1 character), and 0x9b alone */
	assert_string_equal(escaped(&b, "x\xc2\x9by", 1), "x\\xc2\\x9by");
	assert_string_equal(escaped(&b, "x\x9by", 1), "x\\x9by");
	/* overlong '/', a surrogate, a character cut short */
	assert_string_equal(escaped(&b, "\xc0\xaf", 1), "\\xc0\\xaf");
	assert_string_equal(escaped(&b, "\xed\xa0\x80", 1), "\\xed\\xa0\\x80");
	assert_string_equal(escaped(&b, "\xe2\x82", 1), "\\xe2\\x82");
	pb_buf_free(&b);
}

static void test_utf8_len_by_character(void **state)
{
	(void)state;
	assert_int_equal(pb_utf8_len("a", 1), 1);
	assert_int_equal(pb_utf8_len("\xc3\xa9", 2), 2);
	assert_int_equal(pb_utf8_len("\xf0\x9f\x98\x80", 4), 4);
	assert_int_equal(pb_utf8_len("\xf4\x90\x80\x80", 4), 0);	/* past U+10FFFF */
	assert_int_equal(pb_utf8_len("\x80", 1), 0);
}

static void test_json_keeps_bytes_that_are_not_utf8(void **state)
{
	json_t *v = pb_json_text("os\xff" "lock");
	char *dump;

	(void)state;
	assert_non_null(v);
	assert_string_equal(json_string_value(v), "os\xc3\xbf" "lock");
	json_decref(v);
	v = pb_json_text("caf\xc3\xa9");
	assert_string_equal(json_string_value(v), "caf\xc3\xa9");
	dump = json_dumps(v, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
	assert_string_equal(dump, "\"caf\\u00E9\"");
	free(dump);
	json_decref(v);
	v = pb_json_text(NULL);
	assert_true(json_is_null(v));
	json_decref(v);
}

/* What the stream writes, through a pipe of our own. */
static void test_stream_escapes_across_writes(void **state)
{
	char *data = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&data, &len);
	FILE *f = pb_term_stream(mem, 1);

	(void)state;
	fputs("a\xc3", f);
	fflush(f);	/* the character is cut between two writes */
	fputs("\xa9\x1b[2J\n", f);
	pb_term_raw(f, "\x1b[1m");
	fputs("b", f);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(data, "a\xc3\xa9\\x1b[2J\n\x1b[1mb");
	free(data);
}

static void test_one_number_parser(void **state)
{
	long long v = -1;

	(void)state;
	assert_int_equal(pb_parse_count("top", "0", 100, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(pb_parse_count("top", "100", 100, &v), 0);
	assert_int_equal(v, 100);
	pb_errors_muted = 1;
	assert_int_equal(pb_parse_count("top", "101", 100, &v), -1);
	assert_int_equal(pb_parse_count("top", "-4", 100, &v), -1);
	assert_int_equal(pb_parse_count("top", "+4", 100, &v), -1);
	assert_int_equal(pb_parse_count("top", "4x", 100, &v), -1);
	assert_int_equal(pb_parse_count("top", "", 100, &v), -1);
	assert_int_equal(pb_parse_count("top", "99999999999999999999999", LLONG_MAX, &v), -1);
	pb_errors_muted = 0;
	assert_int_equal(v, 100);
}

static void test_did_you_mean_a_close_word(void **state)
{
	static const char *const words[] = { "import", "info", "blame", "report", "stacks" };

	(void)state;
	assert_string_equal(pb_did_you_mean("blam", words, 5), "blame");
	assert_string_equal(pb_did_you_mean("raport", words, 5), "report");
	assert_string_equal(pb_did_you_mean("inof", words, 5), "info");
	assert_string_equal(pb_did_you_mean("rep", words, 5), "report");
	assert_null(pb_did_you_mean("frobnicate", words, 5));
	assert_null(pb_did_you_mean("x", words, 5));
}

static void test_options_from_a_table(void **state)
{
	int json = 0, code = -1;
	long long top = 10;
	const char *out = NULL;
	const struct pb_option opts[] = {
		PB_OPT_BOOL(0, "json", &json, "JSON"),
		PB_OPT_COUNT(0, "top", &top, "N", "rows"),
		PB_OPT_STRING('o', "output", &out, "FILE", "where"),
		PB_OPT_END(),
	};
	const struct pb_usage u = { .synopsis = "x [--json]", .footer = "Exit: 0.\n" };
	char *argv[] = { "x", "--json", "--top", "0", "-o", "f.txt", "rest", NULL };
	char *bad[] = { "x", "--top=-1", NULL };

	(void)state;
	optind = 1;
	assert_int_equal(pb_parse_options(7, argv, opts, &u, &code), 6);
	assert_int_equal(json, 1);
	assert_int_equal(top, 0);
	assert_string_equal(out, "f.txt");
	assert_string_equal(argv[6], "rest");
	optind = 1;
	pb_errors_muted = 1;
	assert_int_equal(pb_parse_options(2, bad, opts, &u, &code), -1);
	pb_errors_muted = 0;
	assert_int_equal(code, PB_EXIT_USAGE);
}

static void test_usage_is_generated_from_the_table(void **state)
{
	int json = 0;
	const struct pb_option opts[] = {
		PB_OPT_BOOL(0, "json", &json, "JSON\nof two lines"),
		PB_OPT_STRING('o', "output", NULL, "FILE", "where"),
		PB_OPT_END(),
	};
	const struct pb_usage u = { .synopsis = "x [--json]\n[-o FILE]", .about = "Does x.\n",
				    .footer = "Exit: 0.\n" };
	char *data = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&data, &len);

	(void)state;
	pb_print_usage(mem, opts, &u);
	fclose(mem);
	assert_string_equal(data,
		"usage: pinblame [-d DB] x [--json]\n"
		"                [-o FILE]\n"
		"\n"
		"Does x.\n"
		"\n"
		"options:\n"
		"  --json              JSON\n"
		"                      of two lines\n"
		"  -o, --output FILE   where\n"
		"  -h, --help          this help\n"
		"\n"
		"Exit: 0.\n");
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_control_characters_are_shown_as_hex),
		cmocka_unit_test(test_utf8_kept_c1_and_bad_bytes_shown),
		cmocka_unit_test(test_utf8_len_by_character),
		cmocka_unit_test(test_json_keeps_bytes_that_are_not_utf8),
		cmocka_unit_test(test_stream_escapes_across_writes),
		cmocka_unit_test(test_one_number_parser),
		cmocka_unit_test(test_did_you_mean_a_close_word),
		cmocka_unit_test(test_options_from_a_table),
		cmocka_unit_test(test_usage_is_generated_from_the_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
