/* test_input_text.c - what lib/input makes of a file's text before any
 * parser sees it: the content hash (of the decompressed bytes, not of the
 * file), a UTF-8 byte order mark, and UTF-16 text re-encoded as UTF-8. */
#include "unit.h"

#include <lzma.h>

#include "pinblame/core.h"
#include "pinblame/input.h"

/* printf 'one\ntwo\n' | sha256sum */
#define ONE_TWO_SHA256 "c3f9c8c283a2b1f2f1896f27a01cbe3cddc0c9d93f752e4639035a0f5b36f6e8"

static unsigned char *xz_of(const void *data, size_t n, size_t *out_len)
{
	size_t cap = lzma_stream_buffer_bound(n);
	unsigned char *out = pb_malloc(cap);

	*out_len = 0;
	assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, data, n, out,
						 out_len, cap), LZMA_OK);
	return out;
}

/* The next line of IN, which must be one, as a string. */
static const char *next_line(struct pb_input *in)
{
	static char copy[4096];
	const char *line;
	size_t len;

	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
	assert_true(len < sizeof(copy));
	memcpy(copy, line, len);
	copy[len] = '\0';
	return copy;
}

static void drain(struct pb_input *in)
{
	const char *line;
	size_t len;

	while (pb_input_getline(in, &line, &len) == PB_LINE_OK)
		;
}

static void test_content_hash_of_compressed_text_is_that_of_the_text(void **state)
{
	size_t xz_len;
	unsigned char *xz = xz_of("one\ntwo\n", 8, &xz_len);
	unsigned char digest[32];
	char hex[65];
	struct pb_input *in = pb_input_open_memory(xz, xz_len, "t.xz");

	(void)state;
	drain(in);
	pb_input_content_sha256(in, digest);
	pb_sha256_hex(digest, hex);
	assert_string_equal(hex, ONE_TWO_SHA256);
	/* the raw hash is the file's, another one */
	pb_input_sha256(in, digest);
	pb_sha256_hex(digest, hex);
	assert_string_not_equal(hex, ONE_TWO_SHA256);
	pb_input_close(in);
	free(xz);
}

static void test_content_hash_of_plain_text_is_its_raw_hash(void **state)
{
	struct pb_input *in = pb_input_open_memory("one\ntwo\n", 8, "t.txt");
	unsigned char digest[32];
	char hex[65];

	(void)state;
	drain(in);
	pb_input_content_sha256(in, digest);
	pb_sha256_hex(digest, hex);
	assert_string_equal(hex, ONE_TWO_SHA256);
	pb_input_close(in);
}

static void test_utf8_bom_is_not_part_of_the_first_line(void **state)
{
	static const char text[] = "\xef\xbb\xbf# tracer: nop\r\nsecond\n";
	struct pb_input *in = pb_input_open_memory(text, sizeof(text) - 1, "bom.txt");
	const char *peek;

	(void)state;
	assert_int_equal(pb_input_peek(in, &peek, 7), 7);
	assert_memory_equal(peek, "# trace", 7);
	assert_int_equal(pb_input_offset(in), 0);
	assert_string_equal(next_line(in), "# tracer: nop");
	assert_int_equal(pb_input_lineno(in), 1);
	/* the bytes delivered: the line and its CRLF, not the BOM */
	assert_int_equal(pb_input_offset(in), 15);
	assert_string_equal(next_line(in), "second");
	assert_int_equal(pb_input_lineno(in), 2);
	pb_input_close(in);
}

static void test_utf8_bom_inside_a_compressed_file_is_skipped(void **state)
{
	static const char text[] = "\xef\xbb\xbf<6>[    1.000000] x\n";
	size_t xz_len;
	unsigned char *xz = xz_of(text, sizeof(text) - 1, &xz_len);
	struct pb_input *in = pb_input_open_memory(xz, xz_len, "bom.xz");

	(void)state;
	assert_string_equal(next_line(in), "<6>[    1.000000] x");
	pb_input_close(in);
	free(xz);
}

static void test_bom_alone_leaves_an_empty_input(void **state)
{
	struct pb_input *in = pb_input_open_memory("\xef\xbb\xbf", 3, "bom.txt");
	const char *line;
	size_t len;

	(void)state;
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_EOF);
	pb_input_close(in);
}

/* UTF-16LE with a BOM, as PowerShell writes it: CRLF line ends, an
 * accented letter, a character outside the BMP (a surrogate pair). */
static void test_utf16le_with_bom_is_read_as_utf8(void **state)
{
	static const unsigned char text[] = {
		0xff, 0xfe, '[', 0, '1', 0, ']', 0, ' ', 0, 0xe9, 0, '\r', 0, '\n', 0,
		'b', 0, 0x3d, 0xd8, 0x00, 0xde, '\n', 0,
	};
	struct pb_input *in = pb_input_open_memory(text, sizeof(text), "u16.txt");
	const char *line;
	size_t len;

	(void)state;
	assert_string_equal(next_line(in), "[1] \xc3\xa9");
	assert_string_equal(next_line(in), "b\xf0\x9f\x98\x80");
	assert_int_equal(pb_input_lineno(in), 2);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_EOF);
	pb_input_close(in);
}

static void test_utf16be_without_bom_is_read_as_utf8(void **state)
{
	static const unsigned char text[] = { 0, 'o', 0, 'k', 0, '\n', 0, 'x', 0, '\n' };
	struct pb_input *in = pb_input_open_memory(text, sizeof(text), "u16be.txt");

	(void)state;
	assert_string_equal(next_line(in), "ok");
	assert_string_equal(next_line(in), "x");
	pb_input_close(in);
}

/* A low surrogate alone, a high one alone and a last odd byte are each
 * U+FFFD, never dropped or a crash. */
static void test_utf16_broken_characters_become_replacement_characters(void **state)
{
	static const unsigned char text[] = {
		0xff, 0xfe, 0x00, 0xdc, 'a', 0, 0x00, 0xd8, 'b', 0, '\n', 0, 'c', 0, 'd',
	};
	struct pb_input *in = pb_input_open_memory(text, sizeof(text), "bad16.txt");
	const char *line;
	size_t len;

	(void)state;
	assert_string_equal(next_line(in), "\xef\xbf\xbd" "a" "\xef\xbf\xbd" "b");
	assert_string_equal(next_line(in), "c\xef\xbf\xbd");
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_EOF);
	pb_input_close(in);
}

/* Many lines of UTF-16, compressed: the decoder's chunks end anywhere,
 * even inside a character; every line comes out whole and numbered. */
static void test_utf16_compressed_across_windows(void **state)
{
	struct pb_buf u16 = { 0 };
	char want[64];
	size_t xz_len;
	unsigned char *xz;
	struct pb_input *in;

	(void)state;
	pb_buf_add(&u16, "\xff\xfe", 2);
	for (unsigned i = 1; i <= 200000; i++) {
		int n = snprintf(want, sizeof(want), "line %u \xc3\xa9\n", i);

		for (int k = 0; k < n; k++) {
			if ((unsigned char)want[k] == 0xc3) {
				pb_buf_add(&u16, "\xe9\x00", 2);
				k++;
			} else {
				pb_buf_addc(&u16, want[k]);
				pb_buf_addc(&u16, '\0');
			}
		}
	}
	xz = xz_of(u16.data, u16.len, &xz_len);
	in = pb_input_open_memory(xz, xz_len, "big16.xz");
	for (unsigned i = 1; i <= 200000; i++) {
		snprintf(want, sizeof(want), "line %u \xc3\xa9", i);
		assert_string_equal(next_line(in), want);
		assert_int_equal(pb_input_lineno(in), i);
	}
	pb_input_close(in);
	free(xz);
	pb_buf_free(&u16);
}

/* Text of ASCII with a NUL here and there is not taken for UTF-16. */
static void test_text_with_a_nul_is_not_utf16(void **state)
{
	static const char text[] = "ab\0d\nxy\n";
	struct pb_input *in = pb_input_open_memory(text, sizeof(text) - 1, "nul.txt");
	const char *line;
	size_t len;

	(void)state;
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
	assert_int_equal(len, 4);
	assert_memory_equal(line, "ab\0d", 4);
	pb_input_close(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_content_hash_of_compressed_text_is_that_of_the_text),
		cmocka_unit_test(test_content_hash_of_plain_text_is_its_raw_hash),
		cmocka_unit_test(test_utf8_bom_is_not_part_of_the_first_line),
		cmocka_unit_test(test_utf8_bom_inside_a_compressed_file_is_skipped),
		cmocka_unit_test(test_bom_alone_leaves_an_empty_input),
		cmocka_unit_test(test_utf16le_with_bom_is_read_as_utf8),
		cmocka_unit_test(test_utf16be_without_bom_is_read_as_utf8),
		cmocka_unit_test(test_utf16_broken_characters_become_replacement_characters),
		cmocka_unit_test(test_utf16_compressed_across_windows),
		cmocka_unit_test(test_text_with_a_nul_is_not_utf16),
	};

	return cmocka_run_group_tests_name("input_text", tests, NULL, NULL);
}
