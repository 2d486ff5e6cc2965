/* kernel_facts.c - what a kernel release string, an arch name or a printed
 * pointer tell about the traced kernel: its page size, the width of its
 * pointers, whether a %p was hashed. Shared by the parsers and the
 * analysis, which must agree on them. */
#include <string.h>

#include "pinblame/core.h"

/* Whether the N bytes at S are one of the NULL-terminated NAMES. */
static int one_of(const char *s, size_t n, const char *const *names)
{
	for (; *names; names++)
		if (strlen(*names) == n && !memcmp(s, *names, n))
			return 1;
	return 0;
}

long pb_release_page_size(const char *release)
{
	size_t n = release ? strlen(release) : 0;
	size_t digits = 0;
	long kib = 0;

	/* "...(sep)(4|16|64)k": the flavour names its page size last */
	if (n < 3 || (release[n - 1] != 'k' && release[n - 1] != 'K'))
		return 0;
	while (digits < 2 && digits + 1 < n && release[n - 2 - digits] >= '0' &&
	       release[n - 2 - digits] <= '9')
		digits++;
	if (!digits || digits + 1 >= n || !strchr("-+_.", release[n - 2 - digits]))
		return 0;
	for (size_t i = n - 1 - digits; i < n - 1; i++)
		kib = kib * 10 + (release[i] - '0');
	return kib == 4 || kib == 16 || kib == 64 ? kib * 1024 : 0;
}

/* Architectures whose page size is fixed at 4 KiB: x86 (both widths) and
 * s390. arm64, powerpc, riscv, loongarch, mips and others have more than
 * one, so their name alone says nothing. */
long pb_arch_page_size(const char *arch)
{
	static const char *const fixed_4k[] = { "x86_64", "amd64", "x86", "i386", "i486",
						"i586", "i686", "s390", "s390x", NULL };

	return arch && one_of(arch, strlen(arch), fixed_4k) ? 4096 : 0;
}

int pb_arch_long_bits(const char *arch)
{
	static const char *const bits64[] = {
		"x86_64", "amd64", "aarch64", "arm64", "aarch64_be", "ppc64", "ppc64le",
		"s390x", "riscv64", "loongarch64", "mips64", "mips64el", "sparc64",
		"parisc64", "alpha", "ia64", NULL };
	static const char *const bits32[] = {
		"x86", "i386", "i486", "i586", "i686", "s390", "ppc", "riscv32", "mips",
		"mipsel", "armeb", "loongarch32", "parisc", "sparc", NULL };
	size_t n = arch ? strlen(arch) : 0;

	if (!n)
		return 0;
	if (one_of(arch, n, bits64))
		return 64;
	/* arm, armv5tel, armv7l, armv8l (a 32-bit kernel on a 64-bit core) */
	if (one_of(arch, n, bits32) || (n >= 3 && !memcmp(arch, "arm", 3)))
		return 32;
	return 0;
}

/* A %p without no_hash_pointers prints ptr_to_id() (lib/vsprintf.c): 32
 * bits of a keyed hash, zero-padded to the width of a pointer on the
 * kernel's printk path ("0000000012345678" on 64 bits) or not padded
 * where a tracer prints it ("12345678"). A real kernel pointer on a
 * 64-bit kernel lies in the top half of the address space: its top bits
 * are set, so a value above 32 bits is an address and one within 32 bits
 * is a hash. On a 32-bit kernel both are 8 digits: the text cannot tell
 * them apart (a hash then fits no vmemmap line, so it teaches nothing). */
enum pb_pointer pb_pointer_kind(const char *text, size_t n, int long_bits)
{
	uint64_t v;

	if (!text || pb_parse_hex(text, n, &v) < 0 || !v)
		return PB_POINTER_NONE;
	if (v >> 32)
		return PB_POINTER_ADDRESS;
	if (long_bits == 64)
		return PB_POINTER_HASHED;
	if (long_bits == 32)
		return PB_POINTER_EITHER;
	/* unknown width: 16 digits are a 64-bit kernel's padding */
	return n == 16 ? PB_POINTER_HASHED : PB_POINTER_EITHER;
}

int pb_release_at_least(const char *release, int major, int minor)
{
	uint64_t v[2] = { 0, 0 };
	const char *p = release;

	/* "5.10.198-android12-9-...": the first two numbers, dot between */
	for (int i = 0; i < 2; i++) {
		size_t n = 0;

		while (p && p[n] >= '0' && p[n] <= '9' && n < 9)
			n++;
		if (!p || !n || pb_parse_u64(p, n, &v[i]) < 0 || (i == 0 && p[n] != '.'))
			return -1;
		p += n + 1;
	}
	return v[0] != (uint64_t)major ? v[0] > (uint64_t)major : v[1] >= (uint64_t)minor;
}

/* The pins a dump_page() count holds. From 5.7 (mm/gup: track FOLL_PIN
 * pages) pin_user_pages() adds GUP_PIN_COUNTING_BIAS, 1024, to an order-0
 * page's refcount per pin, where a get adds 1; a large folio keeps its
 * pins in a count of its own, which the dump prints (compound_pincount
 * 5.8-6.1, pincount 6.3+), but an order-1 page only from 5.18 on
 * (doc/FORMATS.md, section 2.3). Each mapping of the page holds a reference of
 * its own, so a count R with mapcount M holds at most (R - M) / 1024
 * pins: below 1024 references beyond the mappings there is no pin at all;
 * at or above, the reading is that many pins, unless the page has 1024
 * more ordinary references besides its mappings (pipe buffers, gets in
 * flight), which no dump can tell apart. */
/* "mm: move _pincount in folio to page[2] on 32bit" (6.15; read in
 * Debian's 6.17.8 and 7.1.8 sources): folio_has_pincount() is then
 * order > 1 on a 32-bit kernel, so an order-1 folio's pins add the bias
 * to its refcount again, and __dump_folio() prints "pincount:0" for it.
 * A release before 6.15 kept a real pincount there. */
static int pincount_printed_as_zero(const struct pb_dump_counts *c)
{
	return c->long_bits == 32 && c->order == 1 && c->pincount == 0 && c->since_6_15 != 0;
}

long long pb_dump_pins(const struct pb_dump_counts *c)
{
	if (c->compound && c->pincount >= 0 && !pincount_printed_as_zero(c))
		return c->pincount;
	/* From 5.7 to 5.17 a compound page kept its pincount in its third
	 * page (hpage_pincount_available(): order > 1), so an order-1 page
	 * had none: pins added the bias to its head's refcount, which is the
	 * count dump_page() prints, and its head: line has no pincount. 5.18
	 * (5232c63f46fd) moved the count to the first tail page, for every
	 * order, and the dump prints it. */
	if (c->compound && c->order != 1)
		return -1;
	if (c->since_5_7 != 1 || c->refcount < 0 || c->mapcount < 0 ||
	    c->refcount < c->mapcount)
		return -1;
	return (c->refcount - c->mapcount) / PB_GUP_PIN_BIAS;
}
