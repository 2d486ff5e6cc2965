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
 * then "+off/size" from what is left: the symbol.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

#define KERNEL_SPACE 0x8000000000000000ull

struct span {
	const char *s, *e;
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

/* Removes a trailing "OPEN...CLOSE" group (nesting allowed) from T and
 * returns its inside; *glued says it was not preceded by a blank. */
static int strip_group(struct span *t, char open, char close, struct span *inside,
		       int *glued)
{
	const char *p = t->e - 1;
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

static const char *base_name(struct span t)
{
	const char *slash = t.e;

	while (slash > t.s && slash[-1] != '/')
		slash--;
	return slash;
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

/* perf's dso column: vmlinux and kallsyms are the kernel proper (module
 * NULL), "[name]" at a kernel address or a .ko file is a module, anything
 * else ("/bin/busybox", "[vdso]", "[unknown]" at a user address) user. */
static void set_dso(struct pb_frame *f, struct span dso, struct pb_arena *arena)
{
	const char *name = base_name(dso);
	size_t ko;

	if (span_is(dso, "[kernel.kallsyms]") || span_is(dso, "[guest.kernel.kallsyms]") ||
	    !strncmp(name, "vmlinux", 7))
		return;
	if (*dso.s == '[' && dso.e[-1] == ']' && f->addr >= KERNEL_SPACE) {
		if (!span_is(dso, "[unknown]"))
			f->module = pb_arena_strndup(arena, dso.s + 1, (size_t)(dso.e - dso.s) - 2);
		return;
	}
	ko = ko_name_len(name, dso.e);
	if (ko) {
		f->module = pb_arena_strndup(arena, name, ko);
		return;
	}
	f->module = pb_arena_strndup(arena, dso.s, (size_t)(dso.e - dso.s));
	f->flags |= PB_FRAME_USER;
}

/* "+0x3a0/0x6c0" or "+0x3a0" ending T: moved to F and cut from T. */
static void strip_offset(struct span *t, struct pb_frame *f)
{
	const char *plus = t->e;
	struct span off, size = { NULL, NULL };
	uint64_t o, sz = 0;

	while (plus > t->s && plus[-1] != '+')
		plus--;
	if (plus <= t->s + 1)
		return;
	off.s = plus;
	off.e = memchr(plus, '/', (size_t)(t->e - plus));
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
	t->e = plus - 1;
}

static int all_hex(struct span t)
{
	uint64_t v;

	return t.e > t.s && hex_span(t, &v) == 0;
}

int pb_parse_frame(const char *s, size_t len, struct pb_arena *arena, struct pb_frame *f)
{
	struct span t = { s, s + len }, inside, dso = { NULL, NULL };
	int glued, have_addr = 0;
	const char *blank;

	memset(f, 0, sizeof(*f));
	trim(&t);
	if (t.s == t.e)
		return -1;
	/* "(dso)" of perf, "(addr)" of trace-cmd */
	if (strip_group(&t, '(', ')', &inside, &glued)) {
		if (!glued && all_hex(inside))
			have_addr = hex_span(inside, &f->addr) == 0;
		else if (!glued && inside.e > inside.s)
			dso = inside;
		else
			t.e = inside.e + 1;	/* part of the symbol: "foo(int)" */
	}
	/* " <addr>" of sym-addr, or the whole user frame "<00007f...>" */
	if (!have_addr && strip_group(&t, '<', '>', &inside, &glued)) {
		if (all_hex(inside))
			have_addr = hex_span(inside, &f->addr) == 0;
		else
			t.e = inside.e + 1;
	}
	/* " [module]" of ftrace, or "path[+0x2a1ca]" of sym-userobj */
	if (!dso.s && strip_group(&t, '[', ']', &inside, &glued)) {
		uint64_t off;

		if (glued && inside.s < inside.e && *inside.s == '+' &&
		    hex_span((struct span){ inside.s + 1, inside.e }, &off) == 0) {
			f->module = pb_arena_strndup(arena, t.s, (size_t)(t.e - t.s));
			f->symbol = "[unknown]";
			f->offset = off;
			f->flags |= PB_FRAME_USER;
			return 0;
		}
		if (glued || span_is(inside, "unknown") || inside.s == inside.e)
			t.e = inside.e + 1;
		else
			f->module = pb_arena_strndup(arena, inside.s,
						     (size_t)(inside.e - inside.s));
	}
	/* perf's leading address column */
	blank = memchr(t.s, ' ', (size_t)(t.e - t.s));
	if (blank && all_hex((struct span){ t.s, blank })) {
		hex_span((struct span){ t.s, blank }, &f->addr);
		have_addr = 1;
		t.s = blank;
		trim(&t);
	}
	if (dso.s)
		set_dso(f, dso, arena);
	if (t.s == t.e) {
		if (!have_addr)
			return -1;
		f->symbol = pb_arena_alloc(arena, 19);
		snprintf((char *)f->symbol, 19, "0x%" PRIx64, f->addr);
		return 0;
	}
	strip_offset(&t, f);
	if (!have_addr && t.e - t.s > 2 && t.s[0] == '0' && t.s[1] == 'x')
		hex_span(t, &f->addr);
	f->symbol = pb_arena_strndup(arena, t.s, (size_t)(t.e - t.s));
	return 0;
}
