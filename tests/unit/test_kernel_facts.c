/* test_kernel_facts.c - the page size a kernel release or an arch names,
 * and whether a printed pointer is a hashed %p (lib/core/kernel_facts.c). */
#include "unit.h"

#include "pinblame/core.h"

static void test_release_names_its_page_size_last(void **state)
{
	(void)state;
	/* Debian, RHEL 9, Ubuntu, Fedora flavours */
	assert_int_equal(pb_release_page_size("6.1.0-28-arm64-16k"), 16384);
	assert_int_equal(pb_release_page_size("5.14.0-427.13.1.el9_4.aarch64+64k"), 65536);
	assert_int_equal(pb_release_page_size("6.8.0-45-generic-64k"), 65536);
	assert_int_equal(pb_release_page_size("6.11.4-301.fc41.aarch64+16k"), 16384);
	assert_int_equal(pb_release_page_size("6.6.0_4k"), 4096);
	assert_int_equal(pb_release_page_size("6.6.0-64K"), 65536);
}

static void test_release_without_a_page_size_flavour_says_nothing(void **state)
{
	(void)state;
	assert_int_equal(pb_release_page_size("6.1.0-50-arm64"), 0);
	assert_int_equal(pb_release_page_size("6.8.0-45-generic"), 0);
	assert_int_equal(pb_release_page_size(NULL), 0);
	assert_int_equal(pb_release_page_size(""), 0);
	assert_int_equal(pb_release_page_size("k"), 0);
	assert_int_equal(pb_release_page_size("16k"), 0);	/* no separator */
	assert_int_equal(pb_release_page_size("6.1-lab16k"), 0);	/* not after one */
	assert_int_equal(pb_release_page_size("6.1-32k"), 0);	/* no such page size */
	assert_int_equal(pb_release_page_size("6.1-164k"), 0);	/* 3 digits */
	assert_int_equal(pb_release_page_size("6.1-64k-rc1"), 0);	/* not at the end */
}

static void test_only_a_fixed_arch_names_the_page_size(void **state)
{
	(void)state;
	assert_int_equal(pb_arch_page_size("x86_64"), 4096);
	assert_int_equal(pb_arch_page_size("i686"), 4096);
	assert_int_equal(pb_arch_page_size("s390x"), 4096);
	/* 4, 16 or 64 KiB: not guessed */
	assert_int_equal(pb_arch_page_size("aarch64"), 0);
	assert_int_equal(pb_arch_page_size("ppc64le"), 0);
	assert_int_equal(pb_arch_page_size("riscv64"), 0);
	assert_int_equal(pb_arch_page_size("loongarch64"), 0);
	assert_int_equal(pb_arch_page_size(NULL), 0);
}

static void test_arch_gives_the_pointer_width(void **state)
{
	(void)state;
	assert_int_equal(pb_arch_long_bits("aarch64"), 64);
	assert_int_equal(pb_arch_long_bits("x86_64"), 64);
	assert_int_equal(pb_arch_long_bits("armv7l"), 32);
	assert_int_equal(pb_arch_long_bits("i686"), 32);
	assert_int_equal(pb_arch_long_bits("arm64"), 64);
	assert_int_equal(pb_arch_long_bits("vax"), 0);
	assert_int_equal(pb_arch_long_bits(NULL), 0);
}

/* A 64-bit kernel's %p: 32 bits of hash, zero-padded or not; a real
 * pointer has its top bits set. */
static void test_hashed_pointer_on_a_64_bit_kernel(void **state)
{
	(void)state;
	assert_int_equal(pb_pointer_kind("0000000012345678", 16, 64), PB_POINTER_HASHED);
	assert_int_equal(pb_pointer_kind("12345678", 8, 64), PB_POINTER_HASHED);
	assert_int_equal(pb_pointer_kind("fffffc0003000000", 16, 64), PB_POINTER_ADDRESS);
	assert_int_equal(pb_pointer_kind("0xfffffc0003000000", 18, 64), PB_POINTER_ADDRESS);
	/* the arch unknown: the padding to 16 digits tells a 64-bit hash */
	assert_int_equal(pb_pointer_kind("0000000012345678", 16, 0), PB_POINTER_HASHED);
	assert_int_equal(pb_pointer_kind("fffffc0003000000", 16, 0), PB_POINTER_ADDRESS);
	assert_int_equal(pb_pointer_kind("12345678", 8, 0), PB_POINTER_EITHER);
}

/* A 32-bit kernel prints a pointer and a hash in the same 8 digits. */
static void test_32_bit_pointer_cannot_be_told_from_a_hash(void **state)
{
	(void)state;
	assert_int_equal(pb_pointer_kind("c1234560", 8, 32), PB_POINTER_EITHER);
	assert_int_equal(pb_pointer_kind("0badf00d", 8, 32), PB_POINTER_EITHER);
}

static void test_no_pointer_is_none(void **state)
{
	(void)state;
	assert_int_equal(pb_pointer_kind("0000000000000000", 16, 64), PB_POINTER_NONE);
	assert_int_equal(pb_pointer_kind("(____ptrval____)", 16, 64), PB_POINTER_NONE);
	assert_int_equal(pb_pointer_kind(NULL, 0, 64), PB_POINTER_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_release_names_its_page_size_last),
		cmocka_unit_test(test_release_without_a_page_size_flavour_says_nothing),
		cmocka_unit_test(test_only_a_fixed_arch_names_the_page_size),
		cmocka_unit_test(test_arch_gives_the_pointer_width),
		cmocka_unit_test(test_hashed_pointer_on_a_64_bit_kernel),
		cmocka_unit_test(test_32_bit_pointer_cannot_be_told_from_a_hash),
		cmocka_unit_test(test_no_pointer_is_none),
	};

	return cmocka_run_group_tests_name("kernel_facts", tests, NULL, NULL);
}
