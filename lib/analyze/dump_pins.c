/* dump_pins.c - the FOLL_PIN pins a kernel log dump's counts show, as the
 * "pins" of a dump row of show and report (pb_dump_pins() does the
 * arithmetic). */
#include <string.h>

#include "analyze_int.h"

/* Whether the dump's kernel adds GUP_PIN_COUNTING_BIAS per pin (5.7+):
 * by its release, else by the dump's own words: a "pfn:" on the first
 * line was printed from 5.9 on (doc/FORMATS.md, section 2.3). */
static int since_5_7(const json_t *d)
{
	int at = pb_release_at_least(pb_json_str(d, "pins_kernel", NULL), 5, 7);

	if (at >= 0)
		return at;
	return pb_json_int(d, "pins_dump_pfn", 0) ? 1 : -1;
}

/* The kernel's word size: by its architecture, else by the width of the
 * dump's "mapping:%p", which vsprintf pads to 2 * sizeof(void *) hex
 * digits, hashed or not ("00000000" for none on 32 bits). */
static int long_bits(const json_t *d)
{
	int bits = pb_arch_long_bits(pb_json_str(d, "pins_arch", NULL));
	const char *mapping = pb_json_str(d, "pins_mapping", NULL);
	size_t n = mapping ? strlen(mapping) : 0;

	if (bits || !n || strspn(mapping, "0123456789abcdef") != n)
		return bits;
	return n == 8 ? 32 : n == 16 ? 64 : 0;
}

/* A count the dump printed (the text of its field KEY) as a number, -1
 * when it printed none or no count; an order far beyond any page's is
 * none either. */
static long long count_field(const json_t *d, const char *key)
{
	const char *text = pb_json_str(d, key, NULL);
	int64_t v;

	if (!text || pb_parse_i64(text, strlen(text), &v) < 0 || v < 0 || v > INT32_MAX)
		return -1;
	return v;
}

void dump_add_pins(json_t *d)
{
	struct pb_dump_counts c = {
		.refcount = pb_json_int(d, "refcount", -1),
		.mapcount = pb_json_int(d, "mapcount", -1),
		.compound = pb_json_int(d, "pins_compound", 0) != 0,
		.since_5_7 = since_5_7(d),
		.long_bits = long_bits(d),
		.since_6_15 = pb_release_at_least(pb_json_str(d, "pins_kernel", NULL), 6, 15),
	};
	long long pins;

	c.pincount = count_field(d, "pins_pincount");
	c.order = (int)count_field(d, "pins_order");
	pins = pb_dump_pins(&c);
	json_object_del(d, "pins_kernel");
	json_object_del(d, "pins_arch");
	json_object_del(d, "pins_mapping");
	json_object_del(d, "pins_dump_pfn");
	json_object_del(d, "pins_compound");
	json_object_del(d, "pins_pincount");
	json_object_del(d, "pins_order");
	json_object_set_new(d, "pins", pins >= 0 ? json_integer(pins) : json_null());
}

void dumps_add_pins(json_t *dumps)
{
	size_t i;
	json_t *d;

	json_array_foreach(dumps, i, d)
		dump_add_pins(d);
}
