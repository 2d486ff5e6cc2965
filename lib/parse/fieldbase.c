/* fieldbase.c - the base of event fields the kernel prints without "0x"
 * (see fieldbase.h, and doc/FORMATS.md section 1 for the formats).
 */
#include <string.h>

#include "fieldbase.h"
#include "text.h"

/* Fields printed "%lx" at some kernel generation and "0x%lx" at others:
 * the value is hex at every one. include/trace/events/cma.h: "pfn=%lx"
 * in cma_alloc and cma_release (4.x to 5.12), in cma_alloc_finish and
 * cma_alloc_busy_retry (5.13, Android 5.10, vendor 4.19), "pfn=0x%lx"
 * from 5.14; cma_alloc_at_start (an allocation at a given pfn, after the
 * multi-range series) prints "pfn=%lx," and cma_alloc_at_finish
 * "pfn=0x%lx". migrate.h: migration_pte prints "addr=%lx, pte=%lx".
 * Not cma_alloc_info: it prints "pfn=0x%lx" in every tree read, so a pfn
 * of it without 0x was written by a tool that prints fields in decimal
 * (Perfetto's traceconv: its 0xffffffffffffffff of a failure is
 * 18446744073709551615). Sorted by event. */
static const struct {
	const char *event;
	const char *field;
} bare_hex[] = {
	{ "cma_alloc", "pfn" },
	{ "cma_alloc_at_finish", "pfn" },
	{ "cma_alloc_at_start", "pfn" },
	{ "cma_alloc_busy_retry", "pfn" },
	{ "cma_alloc_finish", "pfn" },
	{ "cma_release", "pfn" },
	{ "remove_migration_pte", "addr" },
	{ "remove_migration_pte", "pte" },
	{ "set_migration_pte", "addr" },
	{ "set_migration_pte", "pte" },
};

static int is_hex_digit(int c)
{
	return pb_is_lower_hex(c) || (unsigned)c - 'A' < 6;
}

/* VALUE with "0x" before it, when it is hex digits only; else VALUE. */
static const char *with_0x(const char *value, struct pb_arena *arena)
{
	size_t len = strlen(value);
	char *s;

	if (!len || (len >= 2 && value[0] == '0' && (value[1] == 'x' || value[1] == 'X')))
		return value;
	for (size_t i = 0; i < len; i++)
		if (!is_hex_digit((unsigned char)value[i]))
			return value;
	s = pb_arena_alloc(arena, len + 3);
	s[0] = '0';
	s[1] = 'x';
	memcpy(s + 2, value, len + 1);
	return s;
}

void pb_fields_hex_keys(struct pb_field *f, size_t n, char keys[][PB_HEX_KEY_LEN],
			size_t nkeys, struct pb_arena *arena)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < nkeys; k++)
			if (!strcmp(f[i].name, keys[k]))
				f[i].value = with_0x(f[i].value, arena);
}

void pb_event_fields_hex(const char *event, struct pb_field *f, size_t n,
			 struct pb_arena *arena)
{
	/* the table's events start with "c", "r" or "s": one compare for most */
	if (!event || !event[0] || !strchr("crs", event[0]))
		return;
	for (size_t e = 0; e < PB_ARRAY_SIZE(bare_hex); e++) {
		if (strcmp(event, bare_hex[e].event))
			continue;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(f[i].name, bare_hex[e].field))
				f[i].value = with_0x(f[i].value, arena);
	}
}

/* The conversion of the printf directive at P ('%'): its letter, or 0;
 * *SHARP tells whether the '#' flag ("0x" printed) was given. */
static char conversion(const char *p, int *sharp)
{
	*sharp = 0;
	for (p++; *p && strchr("-+ #0", *p); p++)
		*sharp |= *p == '#';
	while (pb_is_digit(*p) || *p == '.' || *p == '*')
		p++;
	while (*p && strchr("hlLqjzt", *p))
		p++;
	return *p;
}

/* The key of "key=" that ends just before P (at '='), into KEY. */
static int key_before(const char *fmt, const char *p, char key[PB_HEX_KEY_LEN])
{
	const char *k = p;

	if (p == fmt || p[-1] != '=')
		return -1;
	k = --p;
	while (k > fmt && pb_is_key_char((unsigned char)k[-1]))
		k--;
	if (k == p || (size_t)(p - k) >= PB_HEX_KEY_LEN)
		return -1;
	memcpy(key, k, (size_t)(p - k));
	key[p - k] = '\0';
	return 0;
}

size_t pb_format_hex_keys(const char *fmt, char keys[][PB_HEX_KEY_LEN])
{
	size_t n = 0;

	for (const char *p = fmt ? strchr(fmt, '%') : NULL; p && n < PB_HEX_KEYS_MAX;
	     p = strchr(p + 1, '%')) {
		int sharp;
		char c;

		if (p[1] == '%') {
			p++;
			continue;
		}
		c = conversion(p, &sharp);
		if ((c == 'x' || c == 'X') && !sharp && key_before(fmt, p, keys[n]) == 0)
			n++;
	}
	return n;
}
