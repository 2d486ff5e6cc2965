/* frame.c - one stack frame as ftrace, trace-cmd, perf and the kernel log
 * print it:
 *   cma_alloc                              ftrace " => " frames
 *   cma_alloc+0x3a0/0x6c0 [nvidia]         sym-offset, module symbol
 *   cma_alloc <ffff80000839cbf0>           sym-addr
 *   0xffffffffc0b71e1f                     unresolved kernel address
 *   <00007f1a2b3c4d5e>                     user stack without symbols
 *   /usr/lib/libc.so.6[+0x2a1ca]           user stack with sym-userobj
 *   cma_alloc (ffff80000839cbf0)           trace-cmd report
 *   ffff80000839cbf0 cma_alloc+0x3a0 ([kernel.kallsyms])    perf script
 *   4a7cc [unknown] (/bin/busybox)         perf script, user dso
 * The decorations are peeled off from the right, then the leading address,
 * then "+off/size" from what is left: the symbol. The text is cut in place
 * (NULs written into it), so the hot path allocates nothing.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

#define KERNEL_SPACE 0x8000000000000000ull

struct span {
	char *s, *e;
};

static void trim(struct span *t)
{
	while (t->s < t->e && (*t->s == ' ' || *t->s == '\t'))
		t->s++;
	while (t->e > t->s && (t->e[-1] == ' ' || t->e[-1] == '\t'))
		t->e--;
}

static int span_is(struct span t, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(t.e - t.s) == n && !memcmp(t.s, lit, n);
}

static int hex_span(struct span t, uint64_t *v)
{
	return pb_parse_hex(t.s, (size_t)(t.e - t.s), v);
}

static int is_hex(int c)
{
	return pb_is_digit(c) || (unsigned)(c | 0x20) - 'a' < 6;
}

/* Cheap checks first: most texts tested are symbols that end or start
 * with a letter beyond 'f'. */
/* Whether T is a hex number, with or without "0x": then *V is its value
 * (untouched otherwise). */
static int all_hex(struct span t, uint64_t *v)
{
	const char *digits = t.s;

	if (t.e - t.s > 2 && t.s[0] == '0' && t.s[1] == 'x')
		digits += 2;
	return digits < t.e && is_hex(*digits) && is_hex(t.e[-1]) && hex_span(t, v) == 0;
}

/* The '+' of a "+0x3a0/0x6c0" ending T, found from the end. */
static char *offset_plus(struct span t)
{
	char *p = t.e;

	while (p > t.s && (is_hex(p[-1]) || p[-1] == 'x' || p[-1] == '/'))
		p--;
	return p > t.s && p[-1] == '+' ? p - 1 : NULL;
}

/* Removes a trailing "OPEN...CLOSE" group (nesting allowed) from T and
 * returns its inside; *glued says it was not preceded by a blank. */
static int strip_group(struct span *t, char open, char close, struct span *inside,
		       int *glued)
{
	char *p = t->e - 1;
	int depth = 0;

	if (t->e == t->s || *p != close)
		return 0;
	for (; p >= t->s; p--) {
		if (*p == close)
			depth++;
		else if (*p == open && --depth == 0)
			break;
	}
	if (p < t->s)
		return 0;
	inside->s = p + 1;
	inside->e = t->e - 1;
	*glued = p > t->s && p[-1] != ' ' && p[-1] != '\t';
	t->e = p;
	trim(t);
	return 1;
}

/* Kernel module file "nvidia.ko" / "nvidia.ko.xz": length of the name. */
static size_t ko_name_len(const char *name, const char *end)
{
	static const char *const suffixes[] = { ".ko", ".ko.gz", ".ko.xz", ".ko.zst" };

	for (size_t i = 0; i < PB_ARRAY_SIZE(suffixes); i++) {
		size_t n = strlen(suffixes[i]);

		if ((size_t)(end - name) > n && !memcmp(end - n, suffixes[i], n))
			return (size_t)(end - name) - n;
	}
	return 0;
}

/* perf's dso column: vmlinux and kallsyms are the kernel proper (no
 * module), "[name]" at a kernel address or a .ko file is a module, anything
 * else ("/bin/busybox", "[vdso]", "[unknown]" at a user address) is user
 * code named by its dso. */
static struct span dso_module(struct span dso, uint64_t addr, unsigned *flags)
{
	struct span none = { NULL, NULL }, name = { dso.e, dso.e };
	size_t ko;

	while (name.s > dso.s && name.s[-1] != '/')
		name.s--;
	if (span_is(dso, "[kernel.kallsyms]") || span_is(dso, "[guest.kernel.kallsyms]") ||
	    !strncmp(name.s, "vmlinux", 7))
		return none;
	if (*dso.s == '[' && dso.e[-1] == ']' && addr >= KERNEL_SPACE) {
		if (span_is(dso, "[unknown]"))
			return none;
		return (struct span){ dso.s + 1, dso.e - 1 };
	}
	ko = ko_name_len(name.s, name.e);
	if (ko)
		return (struct span){ name.s, name.s + ko };
	*flags |= PB_FRAME_USER;
	return dso;
}

/* "+0x3a0/0x6c0" or "+0x3a0" ending T (PLUS is its '+'): moved to F and
 * cut from T. */
static void strip_offset(struct span *t, char *plus, struct pb_frame *f)
{
	struct span off = { plus + 1, pb_find_char(plus + 1, t->e, '/') };
	struct span size = { NULL, NULL };
	uint64_t o, sz = 0;

	if (off.e) {
		size.s = off.e + 1;
		size.e = t->e;
	} else {
		off.e = t->e;
	}
	if (hex_span(off, &o) < 0 || (size.s && hex_span(size, &sz) < 0))
		return;
	f->offset = o;
	f->size = sz;
	t->e = plus;
}

static const char *terminate(struct span t)
{
	*t.e = '\0';
	return t.s;
}

/* The decorations after the symbol: "(dso)" or "(addr)", " <addr>",
 * " [module]". Returns 1 when the frame was a sym-userobj one, complete. */
static int strip_decorations(struct span *t, struct pb_frame *f, struct span *dso,
			     struct span *module, int *have_addr)
{
	struct span inside;
	int glued;

	/* "(dso)" of perf, "(addr)" of trace-cmd */
	if (strip_group(t, '(', ')', &inside, &glued)) {
		if (!glued && all_hex(inside, &f->addr))
			*have_addr = 1;
		else if (!glued && inside.e > inside.s)
			*dso = inside;
		else
			t->e = inside.e + 1;	/* part of the symbol: "foo(int)" */
	}
	/* " <addr>" of sym-addr, or the whole user frame "<00007f...>" */
	if (!*have_addr && strip_group(t, '<', '>', &inside, &glued)) {
		if (all_hex(inside, &f->addr))
			*have_addr = 1;
		else
			t->e = inside.e + 1;
	}
	/* " [module]" of ftrace, or "path[+0x2a1ca]" of sym-userobj */
	if (!dso->s && strip_group(t, '[', ']', &inside, &glued)) {
		if (glued && inside.s < inside.e && *inside.s == '+' &&
		    hex_span((struct span){ inside.s + 1, inside.e }, &f->offset) == 0) {
			f->module = terminate(*t);
			f->symbol = "[unknown]";
			f->flags |= PB_FRAME_USER;
			return 1;
		}
		if (glued || span_is(inside, "unknown") || inside.s == inside.e)
			t->e = inside.e + 1;
		else
			*module = inside;
	}
	return 0;
}

int pb_frame_parse_inplace(char *s, size_t len, struct pb_arena *arena, struct pb_frame *f)
{
	struct span t = { s, s + len }, dso = { NULL, NULL }, module = { NULL, NULL };
	int have_addr = 0;
	char *blank, *plus, last;

	memset(f, 0, sizeof(*f));
	trim(&t);
	if (t.s == t.e)
		return -1;
	last = t.e[-1];
	if ((last == ')' || last == '>' || last == ']') &&
	    strip_decorations(&t, f, &dso, &module, &have_addr))
		return 0;
	/* perf's leading address column */
	blank = memchr(t.s, ' ', (size_t)(t.e - t.s));
	if (blank && all_hex((struct span){ t.s, blank }, &f->addr)) {
		have_addr = 1;
		t.s = blank;
		trim(&t);
	}
	if (dso.s)
		module = dso_module(dso, f->addr, &f->flags);
	if (module.s)
		f->module = terminate(module);
	/* an address alone: "0xffffffffc02070c8", trace-cmd's "ffff80000839cbf0" */
	if (!have_addr && (t.e - t.s >= 8 || (t.e - t.s > 2 && t.s[1] == 'x')) &&
	    all_hex(t, &f->addr)) {
		have_addr = 1;
		t.e = t.s;
	}
	if (t.s == t.e) {
		char *sym;

		if (!have_addr)
			return -1;
		sym = pb_arena_alloc(arena, 19);
		snprintf(sym, 19, "0x%" PRIx64, f->addr);
		f->symbol = sym;
		return 0;
	}
	plus = offset_plus(t);
	if (plus && plus > t.s)
		strip_offset(&t, plus, f);
	f->symbol = terminate(t);
	return 0;
}

int pb_parse_frame(const char *s, size_t len, struct pb_arena *arena, struct pb_frame *f)
{
	return pb_frame_parse_inplace(pb_arena_strndup(arena, s, len), len, arena, f);
}
