/* body.c - event bodies as key=value fields (doc/DESIGN.md, "Records").
 *
 * TP_printk output is not a grammar: values may contain blanks
 * ("range=(0x100200 ~ 0x100400)", "buf=RT-PHASE P1 ..."), may be empty
 * ("mode= reason=contig_range" when a %s printed nothing) and may carry the
 * format's own comma ("zone_end=0x100000, mode=sync"). So a key is
 * [A-Za-z0-9_]+ followed by '=' at the start of the body or after a blank,
 * and its value runs to the blank before the next such key.
 *
 * One other form of a field: "key:{0x1,0x2}", an array the format prints
 * as "key:%s" of __print_array() (kernel/trace/trace_output.c
 * trace_print_array_seq(): '{', "0x%x" items joined by ',', '}'), as in a
 * vendor cma_alloc's "... align=%u bitmap:%s": after a blank, a key, ":{"
 * end the value before it and start a field of that key. libtraceevent
 * (trace-cmd report, perf script) printed the same array its own way up
 * to 1.8.3 and in the kernel's tools/lib/traceevent (event-parse.c
 * print_str_arg(), TEP_PRINT_INT_ARRAY): each item "%u" (PRIu64 for 8
 * bytes), a blank between two, no braces, "bitmap:0 3 18446744073709551615";
 * 1.8.4 prints the kernel's form. So after a blank, a key, ':' and
 * decimal numbers separated by one blank that run to the end of the value
 * are such an array too.
 *
 * A value's leading blanks are padding, not part of it: the kernel's
 * vsprintf right-justifies a field to its width, and in the 3.x to 4.19
 * trees read a NULL %p prints "(null)" padded to the pointer's width
 * (lib/vsprintf.c pointer(): "same width as a pointer so it makes tabular
 * output look nice"), so a failed single cma_alloc event reads
 * "page=          (null) count=512": page is "(null)", not an empty value
 * with a stray word after it (doc/FORMATS.md section 1).
 */
#include <string.h>

#include "text.h"

#define FAILED_TO_PARSE "[FAILED TO PARSE]"

#define KEY_DIGITS ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, \
	['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1
#define KEY_LOWER ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, \
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, \
	['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, \
	['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1
#define KEY_UPPER ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, \
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, \
	['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, \
	['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1

const unsigned char pb_key_chars[256] = { KEY_DIGITS, KEY_LOWER, KEY_UPPER, ['_'] = 1 };

/* The next "key=" in [from, end) that starts at BODY or after a blank;
 * *eq gets its '='. */
static char *next_key(char *body, char *from, char *end, char **eq)
{
	char *p = from;

	while (p < end) {
		char *e = pb_find_char(p, end, '=');
		char *k;

		if (!e)
			return NULL;
		k = (char *)pb_key_start(from, e);
		if (k < e && (k == body || k[-1] == ' ' || k[-1] == '\t')) {
			*eq = e;
			return k;
		}
		p = e + 1;
	}
	return NULL;
}

/* A kprobe/uprobe location "(func+0x0/0x1d0)" or "(ffff8000082fff80)"
 * opening the body; returns the text after it, or NULL. */
static char *probe_location(char *p, char *end, struct pb_field *f)
{
	char *close;

	if (p == end || *p != '(')
		return NULL;
	close = pb_find_char(p, end, ')');
	if (!close || (close + 1 < end && close[1] != ' '))
		return NULL;
	*close = '\0';
	f->name = "__probe";
	f->value = p + 1;
	return close + 1;
}

/* Every field but the probe takes at least "k=" (or "k:") and a blank;
 * long bodies (a trace marker can hold a megabyte) count their '='s and
 * ':'s instead. */
static size_t max_fields(const char *s, size_t len)
{
	const char *end = s + len;
	size_t n = 2;

	if (len < 512)
		return (len + 1) / 3 + 2;
	for (const char *c = "=:"; *c; c++)
		for (const char *q = s; (q = memchr(q, *c, (size_t)(end - q))); q++)
			n++;
	return n;
}

/* Whether [s, e) is a decimal number, with an optional '-'. */
static int is_decimal(const char *s, const char *e)
{
	if (s < e && *s == '-')
		s++;
	if (s == e)
		return 0;
	for (; s < e; s++)
		if (!pb_is_digit(*s))
			return 0;
	return 1;
}

/* The "fields" trace option prints every field raw: integers as
 * "0x1f (31)", one-byte ones as "(1)" or "'a'(97)". One number is kept:
 * the hex one, unless the decimal is negative and the field at most 32 bits
 * wide (its hex would read as a large positive). *VALUE and *VEND move to
 * it; any other value is left as it is. */
static void fields_option_number(char **value, char **vend)
{
	char *v = *value, *e = *vend, *open;

	if (e - v < 3 || e[-1] != ')' || !(open = memchr(v, '(', (size_t)(e - v))) ||
	    !is_decimal(open + 1, e - 1))
		return;
	if (open == v || (open - v == 3 && v[0] == '\'' && v[2] == '\'')) {
		*value = open + 1;
		*vend = e - 1;
		return;
	}
	if (open - v < 4 || v[0] != '0' || v[1] != 'x' || open[-1] != ' ')
		return;
	for (char *h = v + 2; h < open - 1; h++)
		if (!pb_is_lower_hex(*h))
			return;
	if (open[1] == '-' && open - 1 - (v + 2) <= 8) {
		*value = open + 1;
		*vend = e - 1;
	} else {
		*vend = open - 1;
	}
}

/* Whether [s, e), its trailing blanks aside, is libtraceevent's array of
 * decimal items: "0", "3 18446744073709551615" (see the top of this file). */
static int is_decimal_items(const char *s, const char *e)
{
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (s == e)
		return 0;
	for (const char *p = s; p < e; p++)
		if (!pb_is_digit(*p) && (*p != ' ' || p == s || p[-1] == ' ' || p + 1 == e))
			return 0;
	return 1;
}

/* The start of the first " key:{" in [value, vend) (its key), or of a
 * " key:" that decimal items follow to VEND, or NULL: an array field
 * printed after the value (see the top of this file). */
static char *array_field(char *value, char *vend)
{
	for (char *c = value; c < vend && (c = memchr(c, ':', (size_t)(vend - c))); c++) {
		char *k;

		if (c - value < 2 || c + 1 == vend ||
		    (c[1] != '{' && !is_decimal_items(c + 1, vend)))
			continue;
		k = (char *)pb_key_start(value, c);
		/* a C name: "12:34" of a time in a string is no key */
		if (k < c && k > value && !pb_is_digit(*k) && (k[-1] == ' ' || k[-1] == '\t'))
			return k;
	}
	return NULL;
}

/* Trims the blanks around [*value, *vend) and a comma the format prints
 * after it, and keeps one number of the fields option's pair. */
static void trim_value(char **value, char **vend)
{
	while (*vend > *value && ((*vend)[-1] == ' ' || (*vend)[-1] == '\t'))
		(*vend)--;
	while (*value < *vend && (**value == ' ' || **value == '\t'))
		(*value)++;
	if (*vend > *value && (*vend)[-1] == ',')
		(*vend)--;
	fields_option_number(value, vend);
	**vend = '\0';
}

size_t pb_parse_body(const char *body, size_t len, struct pb_arena *arena,
		     struct pb_field **fields)
{
	char *s, *end, *p, *key, *eq;
	struct pb_field *f;
	size_t n = 0;

	*fields = NULL;
	if (len == 0)
		return 0;
	s = pb_arena_strndup(arena, body, len);
	end = s + len;
	f = pb_arena_alloc(arena, max_fields(s, len) * sizeof(*f));
	p = (char *)pb_skip_blanks(s, end);
	if (pb_has_prefix(p, (size_t)(end - p), FAILED_TO_PARSE)) {
		p = (char *)pb_skip_blanks(p + sizeof(FAILED_TO_PARSE) - 1, end);
	} else {
		char *after = probe_location(p, end, &f[n]);

		if (after) {
			p = after;
			n++;
		}
	}

	key = next_key(s, p, end, &eq);
	while (key) {
		char *value = eq + 1, *vend, *next, *next_eq, *array;

		*eq = '\0';
		next = next_key(s, value, end, &next_eq);
		vend = next ? next - 1 : end;
		array = array_field(value, vend);
		if (array) {
			char *colon = memchr(array, ':', (size_t)(vend - array));
			char *items = colon + 1;

			*colon = '\0';
			trim_value(&items, &vend);
			f[n + 1].name = array;
			f[n + 1].value = items;
			vend = array;
		}
		trim_value(&value, &vend);
		f[n].name = key;
		f[n].value = value;
		n += array ? 2 : 1;
		key = next;
		eq = next_eq;
	}
	*fields = n ? f : NULL;
	return n;
}
