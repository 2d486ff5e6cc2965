#include <ctype.h>
#include <stdlib.h>

#include "unit.h"

#include "pinblame/core.h"

static void test_parse_numbers(void **state)
{
	uint64_t u;
	int64_t i;

	(void)state;
	assert_int_equal(pb_parse_u64("0x13e000", 8, &u), 0);
	assert_int_equal(u, 0x13e000);
	assert_int_equal(pb_parse_u64("8192", 4, &u), 0);
	assert_int_equal(u, 8192);
	assert_int_equal(pb_parse_u64("81x2", 4, &u), -1);
	assert_int_equal(pb_parse_u64("", 0, &u), -1);
	assert_int_equal(pb_parse_hex("fffffc0003000000", 16, &u), 0);
	assert_int_equal(u, 0xfffffc0003000000ull);
	assert_int_equal(pb_parse_i64("-16", 3, &i), 0);
	assert_int_equal(i, -16);
	assert_int_equal(pb_parse_u64("18446744073709551616", 20, &u), -1);
}

/* Every byte value as the middle digit of "1?0", against the C library's
 * isxdigit() and strtoull(); the "0x"/"0X" prefix and the 16-digit limit. */
static void test_parse_hex_takes_hex_digits_only(void **state)
{
	uint64_t u;

	(void)state;
	for (int c = 0; c < 256; c++) {
		char text[4] = { '1', (char)c, '0', '\0' };
		int rc = pb_parse_hex(text, 3, &u);

		if (isxdigit(c)) {
			assert_int_equal(rc, 0);
			assert_int_equal(u, strtoull(text, NULL, 16));
		} else {
			assert_int_equal(rc, -1);
		}
	}
	assert_int_equal(pb_parse_hex("0XfF", 4, &u), 0);
	assert_int_equal(u, 0xff);
	assert_int_equal(pb_parse_hex("0x", 2, &u), -1);
	assert_int_equal(pb_parse_hex("ffffffffffffffff", 16, &u), 0);
	assert_int_equal(u, UINT64_MAX);
	assert_int_equal(pb_parse_hex("10000000000000000", 17, &u), -1);
}

static void test_parse_seconds(void **state)
{
	int64_t ns;

	(void)state;
	assert_int_equal(pb_parse_seconds_ns("41.589960", 9, &ns), 0);
	assert_int_equal(ns, 41589960000);
	assert_int_equal(pb_parse_seconds_ns("7.117344123", 11, &ns), 0);
	assert_int_equal(ns, 7117344123);
	assert_int_equal(pb_parse_seconds_ns("123456", 6, &ns), 0);
	assert_int_equal(ns, 123456000000000);
	assert_int_equal(pb_parse_seconds_ns("12.", 3, &ns), -1);
	assert_int_equal(pb_parse_seconds_ns("a.5", 3, &ns), -1);
}

static void test_sha256_matches_reference_digests(void **state)
{
	struct pb_sha256 s;
	unsigned char d[32];
	char hex[65];

	(void)state;
	pb_sha256_init(&s);
	pb_sha256_update(&s, "abc", 3);
	pb_sha256_final(&s, d);
	pb_sha256_hex(d, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

	/* 1,000,000 x 'a' fed in odd-sized pieces (FIPS 180-2 test vector) */
	pb_sha256_init(&s);
	for (int i = 0; i < 1000000; i += 7)
		pb_sha256_update(&s, "aaaaaaa", 1000000 - i < 7 ? (size_t)(1000000 - i) : 7);
	pb_sha256_final(&s, d);
	pb_sha256_hex(d, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

	/* Many blocks in one call (the SHA-NI path where the CPU has it;
	 * `make unit` runs this program again with PINBLAME_NO_SHANI=1).
	 * Expected: python3 hashlib over bytes(i % 251 for i in range(100003)). */
	{
		static unsigned char big[100003];

		for (size_t i = 0; i < sizeof(big); i++)
			big[i] = (unsigned char)(i % 251);
		pb_sha256_init(&s);
		pb_sha256_update(&s, big, 5);
		pb_sha256_update(&s, big + 5, sizeof(big) - 5);
		pb_sha256_final(&s, d);
		pb_sha256_hex(d, hex);
		assert_string_equal(hex, "635e9a7d2f64ce04a46b1503cbe287b8721795f215f4b8cf24b256908acaab1a");
	}
}

static void test_buf_and_arena_grow_and_reset(void **state)
{
	struct pb_buf b = { 0 };
	struct pb_arena a = { 0 };
	char *s;

	(void)state;
	assert_string_equal(pb_buf_str(&b), "");
	pb_buf_addf(&b, "%s-%d", "sh", 106);
	pb_buf_addc(&b, '!');
	assert_string_equal(pb_buf_str(&b), "sh-106!");
	pb_buf_free(&b);

	for (int i = 0; i < 10000; i++) {
		s = pb_arena_strdup(&a, "hugetlb0");
		assert_string_equal(s, "hugetlb0");
	}
	pb_arena_reset(&a);
	s = pb_arena_alloc(&a, 1 << 20);
	memset(s, 1, 1 << 20);
	pb_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_numbers),
		cmocka_unit_test(test_parse_hex_takes_hex_digits_only),
		cmocka_unit_test(test_parse_seconds),
		cmocka_unit_test(test_sha256_matches_reference_digests),
		cmocka_unit_test(test_buf_and_arena_grow_and_reset),
	};

	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
