/* The scanning helpers of lib/parse/text.h (blanks, tokens, a byte) read
 * sixteen bytes a compare where SSE2 is: each must give what a byte at a
 * time gives, wherever the byte sought stands and however short the span,
 * and never look past its end; so must the runs of key characters
 * ([A-Za-z0-9_]) of event names and body keys. An event line's time,
 * read in one pass, is what pb_parse_seconds_ns() reads. */
#include "unit.h"

#include <ctype.h>

#include "pinblame/core.h"
#include "../../lib/parse/text.h"

#define SPAN_MAX 48

/* The byte loops the helpers stand for. */
static const char *ref_skip_blanks(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

static const char *ref_token_end(const char *s, const char *end)
{
	while (s < end && *s != ' ' && *s != '\t')
		s++;
	return s;
}

static const char *ref_find_char(const char *s, const char *end, char c)
{
	while (s < end && *s != c)
		s++;
	return s < end ? s : NULL;
}

/* LEN bytes of FILL at the end of a heap block, so that a read past the
 * span runs into ASan's redzone, with STOP at AT (when AT < LEN). */
static char *span(size_t len, char fill, size_t at, char stop)
{
	char *s = malloc(len ? len : 1);

	assert_non_null(s);
	memset(s, fill, len);
	if (at < len)
		s[at] = stop;
	return s;
}

static void test_skip_blanks_stops_at_the_first_other_byte(void **state)
{
	(void)state;
	for (size_t len = 0; len <= SPAN_MAX; len++) {
		for (size_t at = 0; at <= len; at++) {
			char *s = span(len, at % 3 ? ' ' : '\t', at, 'x');

			assert_ptr_equal(pb_skip_blanks(s, s + len), ref_skip_blanks(s, s + len));
			free(s);
		}
	}
}

static void test_skip_blanks_mixes_spaces_and_tabs(void **state)
{
	const char *line = "  \t      \t         \t \t  sh-106     (    106) [000]";
	const char *end = line + strlen(line);

	(void)state;
	assert_ptr_equal(pb_skip_blanks(line, end), line + 24);
	assert_ptr_equal(pb_skip_blanks(line + 30, end), line + 35);
	assert_ptr_equal(pb_skip_blanks(end, end), end);
}

static void test_token_end_stops_at_the_first_blank(void **state)
{
	(void)state;
	for (size_t len = 0; len <= SPAN_MAX; len++) {
		for (size_t at = 0; at <= len; at++) {
			char *s = span(len, 'a', at, at % 2 ? '\t' : ' ');

			assert_ptr_equal(pb_token_end(s, s + len), ref_token_end(s, s + len));
			free(s);
		}
	}
}

static void test_find_char_finds_the_first_one_or_none(void **state)
{
	(void)state;
	for (size_t len = 0; len <= SPAN_MAX; len++) {
		for (size_t at = 0; at <= len; at++) {
			char *s = span(len, '-', at, ')');

			assert_ptr_equal(pb_find_char(s, s + len, ')'), ref_find_char(s, s + len, ')'));
			/* a second one after the first is not the one found */
			if (at + 1 < len) {
				s[len - 1] = ')';
				assert_ptr_equal(pb_find_char(s, s + len, ')'), s + at);
			}
			free(s);
		}
	}
}

static void test_find_char_reads_high_bytes_as_bytes(void **state)
{
	const char text[] = "comm\xc3\xa9-12 \xff)";

	(void)state;
	assert_ptr_equal(pb_find_char(text, text + sizeof(text) - 1, '\xff'), text + 10);
	assert_ptr_equal(pb_token_end(text, text + sizeof(text) - 1), text + 9);
}

static const char *ref_key_end(const char *s, const char *end)
{
	while (s < end && (isalnum((unsigned char)*s) || *s == '_'))
		s++;
	return s;
}

static const char *ref_key_start(const char *from, const char *p)
{
	while (p > from && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
		p--;
	return p;
}

/* Every byte value, at every place of spans of every length, stops a run
 * of key characters exactly when it is not [A-Za-z0-9_]. */
static void test_key_runs_stop_at_the_first_other_byte(void **state)
{
	(void)state;
	for (int c = 0; c < 256; c++) {
		for (size_t len = 0; len <= 40; len += 3) {
			for (size_t at = 0; at <= len; at++) {
				char *s = span(len, "aZ09_"[at % 5], at, (char)c);

				assert_ptr_equal(pb_key_end(s, s + len), ref_key_end(s, s + len));
				assert_ptr_equal(pb_key_start(s, s + len),
						 ref_key_start(s, s + len));
				free(s);
			}
		}
	}
}

/* An event line's time, read where the line is, is what
 * pb_parse_seconds_ns() makes of the same text, for every number of digits
 * on either side of the dot (ftrace prints 6, or 9 for a nanosecond clock),
 * leading zeros, and forms it refuses. */
static void check_time(const char *ts)
{
	char line[128];
	struct pb_text_context c;
	enum pb_bad_reason why = PB_BAD_SYNTAX;
	int64_t want = 0;
	int want_rc = pb_parse_seconds_ns(ts, strlen(ts), &want) < 0 ? -1 : 0;

	snprintf(line, sizeof(line), "              sh-106     (    106) [000] d....  %s: "
		 "tracing_mark_write: x", ts);
	assert_int_equal(pb_text_context(line, strlen(line), &c, &why), want_rc);
	if (want_rc < 0) {
		assert_int_equal(why, PB_BAD_TIMESTAMP);
		return;
	}
	assert_int_equal(c.ts_ns, want);
	assert_int_equal(c.counter_clock, 0);
}

static void test_event_time_is_read_as_pb_parse_seconds_ns_reads_it(void **state)
{
	static const char *const odd[] = {
		"1.2.3", "12.", "0.000000000", "000000001.000000001", "9999999999.999999999",
		"18446744073.709551615", "1.0000000009", "0x10.5", "12.5e3",
	};
	const char digits[] = "90817263544536271809";
	char ts[64];

	(void)state;
	for (int sec = 1; sec <= 12; sec++) {
		for (int frac = 1; frac <= 12; frac++) {
			snprintf(ts, sizeof(ts), "%.*s.%.*s", sec, digits + frac % 5, frac,
				 digits + sec % 7);
			check_time(ts);
		}
	}
	for (size_t i = 0; i < PB_ARRAY_SIZE(odd); i++)
		check_time(odd[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skip_blanks_stops_at_the_first_other_byte),
		cmocka_unit_test(test_skip_blanks_mixes_spaces_and_tabs),
		cmocka_unit_test(test_token_end_stops_at_the_first_blank),
		cmocka_unit_test(test_find_char_finds_the_first_one_or_none),
		cmocka_unit_test(test_find_char_reads_high_bytes_as_bytes),
		cmocka_unit_test(test_key_runs_stop_at_the_first_other_byte),
		cmocka_unit_test(test_event_time_is_read_as_pb_parse_seconds_ns_reads_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
