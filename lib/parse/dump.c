/* dump.c - helpers shared by the kmsg, page_pinner and page_owner parsers. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "dump.h"
#include "text.h"

void dump_rec_reset(struct dump_rec *d)
{
	d->nfields = 0;
	d->nframes = 0;
}

void dump_rec_free(struct dump_rec *d)
{
	free(d->fields);
	free(d->frames);
	memset(d, 0, sizeof(*d));
}

void dump_field(struct dump_rec *d, struct pb_arena *a, const char *name,
		const char *value, size_t len)
{
	struct pb_field *f = NULL;

	for (size_t i = 0; i < d->nfields; i++) {
		if (!strcmp(d->fields[i].name, name)) {
			f = &d->fields[i];
			break;
		}
	}
	if (!f) {
		PB_GROW(d->fields, d->nfields + 1, d->fields_cap);
		f = &d->fields[d->nfields++];
		f->name = name;
	}
	f->value = pb_arena_strndup(a, value, len);
}

/* "[<ffffffff8108c2d0>] " in front of frames of old x86 and arm64 kernels
 * and of s390 (show_stack(): " [<%016lx>] %pSR "): returns its length and
 * the address, 0 when absent. */
static size_t old_frame_addr(const char *s, size_t len, uint64_t *addr)
{
	const char *end;

	if (len < 4 || s[0] != '[' || s[1] != '<')
		return 0;
	end = memchr(s, '>', len);
	if (!end || (size_t)(end - s) + 2 >= len || end[1] != ']' || end[2] != ' ')
		return 0;
	if (pb_parse_hex(s + 2, end - s - 2, addr))
		return 0;
	return end - s + 3;
}

/* "[HEX] " at the start of S: its length, 0 when absent. */
static size_t bracketed_hex(const char *s, size_t len, uint64_t *v)
{
	const char *end = len > 3 && s[0] == '[' ? memchr(s, ']', len) : NULL;

	if (!end || end == s + 1 || (size_t)(end - s) + 1 >= len || end[1] != ' ' ||
	    pb_parse_hex(s + 1, (size_t)(end - s) - 1, v))
		return 0;
	return (size_t)(end - s) + 2;
}

size_t dump_ppc_frame_addr(const char *s, size_t len, uint64_t *ip)
{
	uint64_t sp;
	size_t n = bracketed_hex(s, len, &sp), m;

	if (!n || !(m = bracketed_hex(s + n, len - n, ip)))
		return 0;
	return n + m;
}

/* What powerpc prints after a frame's symbol: " (unreliable)" on the
 * first, and " (%pS)" of the real return address where the function
 * graph tracer put return_to_handler in its place. S..LEN is the text
 * after the addresses; returns the symbol's text in *SYM and its length. */
static size_t ppc_frame_symbol(const char *s, size_t len, const char **sym)
{
	const char *open;

	/* 64-bit ELFv1 (big-endian) kallsyms names a function's text with a
	 * dot before it (".get_user_pages"): the function is the name */
	if (len > 1 && s[0] == '.') {
		s++;
		len--;
	}
	open = len && s[len - 1] == ')' ? memchr(s, '(', len) : NULL;
	*sym = s;
	if (!open || open == s || open[-1] != ' ')
		return len;
	if (dump_prefix(s, len, "return_to_handler") &&
	    !dump_prefix(open, (size_t)(s + len - open), "(unreliable)")) {
		*sym = open + 1;
		return (size_t)(s + len - open) - 2;
	}
	return dump_rtrim(s, (size_t)(open - s));
}

/* The hex digits of a module's build id: "%pSb" and "%pBb" print the
 * 20-byte id as "%20phN" after the module's name (CONFIG_STACKTRACE_BUILD_ID,
 * 5.14+; kernel/kallsyms.c): " [mali_kbase 8f1c...3e]". */
#define BUILD_ID_HEX 40

/* S..LEN ending "[module BUILDID]": its length without " BUILDID]" (the
 * caller puts the ']' back), else 0. */
static size_t build_id_at_end(const char *s, size_t len)
{
	size_t i = len - 1, digits = 0;

	if (len < BUILD_ID_HEX + 4 || s[len - 1] != ']')
		return 0;
	while (i > 0 && pb_is_lower_hex(s[i - 1]) && digits <= BUILD_ID_HEX) {
		i--;
		digits++;
	}
	if (digits != BUILD_ID_HEX || i < 2 || s[i - 1] != ' ' ||
	    !memchr(s, '[', i - 1))
		return 0;
	return i - 1;
}

/* "path/file.c:123" (a file with an extension, a colon, a line number):
 * the source position a symbolizer writes after a frame. */
static int source_position(const char *s, size_t len)
{
	const char *colon = len > 2 ? memrchr(s, ':', len) : NULL;

	if (!colon || colon == s || colon + 1 == s + len || !memchr(s, '.', (size_t)(colon - s)))
		return 0;
	for (const char *c = colon + 1; c < s + len; c++)
		if (*c < '0' || *c > '9')
			return 0;
	return 1;
}

/* The length of the word at S (up to a blank), or of the parenthesized
 * group it opens, nested groups within ("(mm/gup.c:123 (discriminator
 * 2))"); 0 for an unclosed group. */
static size_t word_or_group(const char *s, size_t len)
{
	size_t i = 0;
	int depth = 0;

	if (s[0] != '(') {
		while (i < len && s[i] != ' ' && s[i] != '\t')
			i++;
		return i;
	}
	for (; i < len; i++) {
		depth += s[i] == '(';
		depth -= s[i] == ')';
		if (!depth)
			return i + 1;
	}
	return 0;
}

/* Whether word W (or a group) is a symbolizer's: a source position alone
 * ("mm/gup.c:123"), the group of them that decode_stacktrace.sh writes
 * ("(mm/gup.c:123 include/linux/mm.h:1203)"), or syzkaller's "[inline]"
 * after one. */
static int symbolizer_word(const char *w, size_t n, int after_position)
{
	size_t first;

	if (n == 8 && !memcmp(w, "[inline]", 8))
		return after_position;
	if (w[0] != '(')
		return source_position(w, n);
	first = word_or_group(w + 1, n - 2);
	return first && source_position(w + 1, first);
}

/* arm64's dump_backtrace_entry() (6.13+) prints after a frame where its
 * unwinder took the address from: " %pSb%s%s%s%s%s" of " (", a source
 * letter (C the caller, T a blocked task, P the pc of an exception's
 * registers, U unknown; none for a frame record), F (recovered from the
 * function graph tracer), K (from a kretprobe), ")". The frame is the
 * symbol before it: the length of S without the note, LEN when none. */
static size_t without_unwind_note(const char *s, size_t len)
{
	size_t i;

	if (len < 5 || s[len - 1] != ')')
		return len;
	i = len - 1;
	if (s[i - 1] == 'K')
		i--;
	if (s[i - 1] == 'F')
		i--;
	if (s[i - 1] == 'C' || s[i - 1] == 'T' || s[i - 1] == 'P' || s[i - 1] == 'U')
		i--;
	if (i == len - 1 || i < 3 || s[i - 1] != '(' || s[i - 2] != ' ')
		return len;
	return dump_rtrim(s, i - 2);
}

/* A frame line without the "? " of a stale frame, arm64's unwinder note
 * and trailing blanks: the words the frame tests below look at. */
static size_t frame_words(const char **s, size_t len)
{
	if (len > 2 && (*s)[0] == '?' && (*s)[1] == ' ') {
		*s += 2;
		len -= 2;
	}
	return without_unwind_note(*s, dump_rtrim(*s, len));
}

int dump_decoded_frame(const char *s, size_t len)
{
	size_t w, g;

	len = frame_words(&s, len);
	w = word_or_group(s, len);
	if (!w || s[0] == '(' || w + 2 >= len || s[w] != ' ' || s[w + 1] != '(')
		return 0;
	g = word_or_group(s + w + 1, len - w - 1);
	if (!g || !symbolizer_word(s + w + 1, g, 0))
		return 0;
	/* nothing after the group, or the module's name alone */
	w += 1 + g;
	if (w == len)
		return 1;
	return s[w] == ' ' && word_or_group(s + w + 1, len - w - 1) == len - w - 1;
}

/* "name+0xoff/0xsize": a frame as %pS prints it. */
static int symbol_with_offset(const char *w, size_t n)
{
	const char *plus = memchr(w, '+', n), *slash, *end = w + n;

	if (!plus || plus == w || end - plus < 6 || plus[1] != '0' || plus[2] != 'x' ||
	    !(slash = memchr(plus, '/', (size_t)(end - plus))) || end - slash < 4 ||
	    slash[1] != '0' || slash[2] != 'x' || slash - plus < 4)
		return 0;
	for (const char *c = plus + 3; c < end; c++)
		if (c != slash && c != slash + 1 && c != slash + 2 && !pb_is_lower_hex(*c) &&
		    (*c < 'A' || *c > 'F'))
			return 0;
	return 1;
}

int dump_symbol_frame(const char *s, size_t len)
{
	size_t w, at;

	len = frame_words(&s, len);
	if (!len || s[0] == '[' || s[0] == '(')
		return 0;
	w = word_or_group(s, len);
	at = w + dump_blanks(s + w, len - w);
	/* syzkaller's line of an inlined function: its name, then its source */
	if (!symbol_with_offset(s, w) &&
	    (at >= len || !source_position(s + at, word_or_group(s + at, len - at))))
		return 0;
	while (at < len) {
		size_t n = word_or_group(s + at, len - at);

		/* the module, a build id within its brackets, or "[inline]" */
		if (s[at] == '[')
			return s[len - 1] == ']';
		if (!n || !symbolizer_word(s + at, n, 1))
			return 0;
		at += n;
		at += dump_blanks(s + at, len - at);
	}
	return 1;
}

#define GROUP_DROPPED 2

/* A frame that a symbolizer wrote the source of: syzkaller's
 * symbolizeLine() appends " %v:%v" (file, line) to the frame, and
 * " [inline]" to an inlined function's, which it names without an offset
 * ("prep_new_page mm/page_alloc.c:1540 [inline]": *INLINED set); the
 * kernel's scripts/decode_stacktrace.sh puts "name (file:line ...)" in
 * place of "name+off/size". The frame is the rest; S..*LEN is copied
 * without those words into A when it has any. */
static const char *without_source(struct pb_arena *a, const char *s, size_t *len, int *inlined)
{
	char *out = NULL;
	size_t n = 0, at = 0;
	int dropped = 0;

	*inlined = 0;
	while (at < *len) {
		size_t w = word_or_group(s + at, *len - at);

		if (!w)
			break;	/* an unclosed group: kept as printed */
		if (at && symbolizer_word(s + at, w, dropped)) {
			*inlined |= w == 8 && s[at] == '[';
			if (!out) {
				out = pb_arena_alloc(a, *len + 3);
				memcpy(out, s, at);
				n = dump_rtrim(out, at);
			}
			dropped = s[at] == '(' ? GROUP_DROPPED : 1;
		} else if (out && dropped == GROUP_DROPPED && s[at] != '[' && at + w == *len) {
			/* decode_stacktrace.sh prints the module without its
			 * brackets after the group: put them back */
			out[n++] = ' ';
			out[n++] = '[';
			memcpy(out + n, s + at, w);
			n += w;
			out[n++] = ']';
		} else if (out) {
			out[n++] = ' ';
			memcpy(out + n, s + at, w);
			n += w;
		}
		at += w;
		at += dump_blanks(s + at, *len - at);
	}
	if (!out)
		return s;
	out[n] = '\0';
	*len = n;
	return out;
}

int dump_frame(struct dump_rec *d, struct pb_arena *a, const char *s, size_t len)
{
	struct pb_frame f;
	uint64_t addr = 0;
	size_t skip;
	int inlined;

	skip = dump_blanks(s, len);
	s += skip;
	len = without_unwind_note(s, dump_rtrim(s, len - skip));
	/* s390's frames the unwinder is unsure of: "([<%016lx>] %pSR)" */
	if (len > 4 && s[0] == '(' && s[1] == '[' && s[len - 1] == ')') {
		s++;
		len -= 2;
	}
	if ((skip = dump_ppc_frame_addr(s, len, &addr))) {
		len = ppc_frame_symbol(s + skip, len - skip, &s);
	} else {
		skip = old_frame_addr(s, len, &addr);
		s += skip;
		len = dump_rtrim(s, len - skip);
	}
	if (!len)
		return -1;
	s = without_source(a, s, &len, &inlined);
	/* the kernel printed one frame for the function and what was inlined
	 * in it; syzkaller writes the inlined ones first, each a line */
	if (inlined)
		return 0;
	/* the rest of an overlong stack is taken for frames, unread */
	if (d->nframes == DUMP_FRAMES_MAX)
		return 0;
	if ((skip = build_id_at_end(s, len))) {
		char *text = pb_arena_alloc(a, skip + 2);

		memcpy(text, s, skip);
		memcpy(text + skip, "]", 2);
		s = text;
		len = skip + 1;
	}
	if (pb_parse_frame(s, len, a, &f))
		return -1;
	if (!f.addr)
		f.addr = addr;
	PB_GROW(d->frames, d->nframes + 1, d->frames_cap);
	d->frames[d->nframes++] = f;
	return 0;
}

void dump_rec_attach(struct dump_rec *d, struct pb_record *rec)
{
	rec->nfields = d->nfields;
	rec->fields = d->fields;
	rec->nframes = d->nframes;
	rec->frames = d->frames;
}

int dump_getline(struct pb_parser *p, const char **line, size_t *len, uint64_t *lineno)
{
	struct pb_input *in = pb_parser_input(p);

	for (;;) {
		enum pb_line_status st = pb_input_getline(in, line, len);
		enum pb_bad_reason why;

		*lineno = pb_input_lineno(in);
		if (st == PB_LINE_EOF)
			return 0;
		if (st == PB_LINE_ERROR) {
			pb_parser_set_error(p, *lineno, "%s", pb_input_strerror(in));
			return -1;
		}
		if (st == PB_LINE_OK && !pb_input_line_has_nul(in))
			return 1;
		why = st == PB_LINE_TOO_LONG ? PB_BAD_TOO_LONG : PB_BAD_BINARY;
		if (pb_parser_bad_line(p, *lineno, why, *line, *len > 200 ? 200 : *len))
			return -1;
	}
}

size_t dump_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(s, prefix, n) ? n : 0;
}

size_t dump_blanks(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

size_t dump_rtrim(const char *s, size_t len)
{
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return len;
}

int dump_word(const char **pos, const char *end, struct dump_slice *w)
{
	const char *s = *pos;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s == end)
		return -1;
	w->s = s;
	while (s < end && *s != ' ' && *s != '\t')
		s++;
	w->len = s - w->s;
	*pos = s;
	return 0;
}

size_t dump_stamp(const char *s, size_t len, int64_t *ns)
{
	size_t i = 1, start;
	const char *end;

	if (!len || s[0] != '[')
		return 0;
	end = memchr(s, ']', len < 32 ? len : 32);
	if (!end)
		return 0;
	while (s + i < end && s[i] == ' ')
		i++;
	start = i;
	if (pb_parse_seconds_ns(s + start, end - s - start, ns) || !memchr(s + start, '.', end - s - start))
		return 0;
	return end - s + 1;
}

int dump_slice_is(struct dump_slice s, const char *text)
{
	return s.len == strlen(text) && !memcmp(s.s, text, s.len);
}

/* Splits "KEY VALUE" at the first blank. */
static void key_value(struct dump_slice seg, struct dump_slice *key, struct dump_slice *val)
{
	const char *sp = memchr(seg.s, ' ', seg.len);

	key->s = seg.s;
	key->len = sp ? (size_t)(sp - seg.s) : seg.len;
	val->s = sp ? sp + 1 : seg.s + seg.len;
	val->len = seg.len - (val->s - seg.s);
}

/* "1873 (holdpages)" -> number "1873", comm "holdpages". */
static void number_and_comm(struct dump_slice v, struct dump_slice *num, struct dump_slice *comm)
{
	const char *paren = memchr(v.s, '(', v.len);

	*num = v;
	if (!paren)
		return;
	num->len = dump_rtrim(v.s, paren - v.s);
	comm->s = paren + 1;
	comm->len = v.s + v.len - comm->s;
	if (comm->len && comm->s[comm->len - 1] == ')')
		comm->len--;
}

/* Segment of S from POS to the next ", " that is not inside a comm's
 * parentheses (a comm may itself hold ", "). */
static struct dump_slice next_segment(const char *s, size_t len, size_t *pos)
{
	struct dump_slice seg = { s + *pos, 0 };
	int depth = 0;
	size_t i;

	for (i = *pos; i < len; i++) {
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && depth)
			depth--;
		else if (!depth && s[i] == ',' && i + 1 < len && s[i + 1] == ' ')
			break;
	}
	seg.len = i - *pos;
	*pos = i < len ? i + 2 : len;
	return seg;
}

/* "4101002113450 ns" -> "4101002113450". */
static struct dump_slice strip_ns(struct dump_slice v)
{
	if (v.len > 3 && !memcmp(v.s + v.len - 3, " ns", 3))
		v.len -= 3;
	return v;
}

/* How a piece of an "allocated via" line is printed. */
enum alloc_form {
	FORM_TEXT,		/* as it stands */
	FORM_NS,		/* "N ns" or "N": the number */
	FORM_ID_COMM,		/* "N (comm)": the number, and the comm's piece */
	FORM_NONE,		/* no key of its own (the comm) */
};

/* The pieces of an "allocated via" line in the order page_owner prints
 * them (doc/FORMATS.md section 3): the keys printed before them (KEY2: the
 * mask's name before gfp_mask), and the field each parser stores them as
 * (NULL: not kept; a debugfs header prints no migratetype). A piece the
 * kernel adds is a member of struct dump_alloc and a row here. */
static const struct alloc_piece {
	const char *key, *key2;
	size_t at;		/* offsetof(struct dump_alloc, ...) */
	enum alloc_form form;
	const char *name[2];	/* by enum dump_alloc_names */
} alloc_pieces[] = {
	{ "order", NULL, offsetof(struct dump_alloc, order), FORM_TEXT,
	  { "owner_order", "order" } },
	{ "migratetype", NULL, offsetof(struct dump_alloc, migratetype), FORM_TEXT,
	  { "migratetype", NULL } },
	{ "gfp_mask", "mask", offsetof(struct dump_alloc, gfp_mask), FORM_TEXT,
	  { "gfp_mask", "gfp_mask" } },
	{ "pid", NULL, offsetof(struct dump_alloc, pid), FORM_ID_COMM,
	  { "owner_pid", "pid" } },
	{ "tgid", NULL, offsetof(struct dump_alloc, tgid), FORM_ID_COMM,
	  { "owner_tgid", "tgid" } },
	{ NULL, NULL, offsetof(struct dump_alloc, comm), FORM_NONE,
	  { "owner_comm", "comm" } },
	{ "ts", NULL, offsetof(struct dump_alloc, ts), FORM_NS,
	  { "owner_ts", "alloc_ts" } },
	{ "free_ts", NULL, offsetof(struct dump_alloc, free_ts), FORM_NS,
	  { "owner_free_ts", "free_ts" } },
};

static struct dump_slice *piece_of(struct dump_alloc *a, const struct alloc_piece *p)
{
	return (struct dump_slice *)((char *)a + p->at);
}

static const struct alloc_piece *piece_by_key(struct dump_slice key)
{
	for (size_t i = 0; i < PB_ARRAY_SIZE(alloc_pieces); i++) {
		const struct alloc_piece *p = &alloc_pieces[i];

		if ((p->key && dump_slice_is(key, p->key)) || (p->key2 && dump_slice_is(key, p->key2)))
			return p;
	}
	return NULL;
}

int dump_parse_alloc(const char *s, size_t len, struct dump_alloc *out)
{
	size_t pos = 0;

	memset(out, 0, sizeof(*out));
	len = dump_rtrim(s, len);
	while (pos < len) {
		struct dump_slice seg = next_segment(s, len, &pos), key, val;
		const struct alloc_piece *p;

		key_value(seg, &key, &val);
		if (!val.len || !(p = piece_by_key(key)))
			continue;
		if (p->form == FORM_ID_COMM)
			number_and_comm(val, piece_of(out, p), &out->comm);
		else
			*piece_of(out, p) = p->form == FORM_NS ? strip_ns(val) : val;
	}
	return out->order.len ? 0 : -1;
}

void dump_alloc_put(const struct dump_alloc *a, enum dump_alloc_names names,
		    void (*put)(void *ctx, const char *name, const char *v, size_t len),
		    void *ctx)
{
	for (size_t i = 0; i < PB_ARRAY_SIZE(alloc_pieces); i++) {
		const struct alloc_piece *p = &alloc_pieces[i];
		const struct dump_slice *v = (const struct dump_slice *)((const char *)a + p->at);

		if (v->len && p->name[names])
			put(ctx, p->name[names], v->s, v->len);
	}
}

static int is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* WORD in S, not part of a longer word ("arm64" in "6.1.0-50-arm64"). */
static int has_word(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word);

	for (size_t i = 0; i + n <= len; i++)
		if (!memcmp(s + i, word, n) && (i == 0 || !is_alnum(s[i - 1])) &&
		    (i + n == len || !is_alnum(s[i + n])))
			return 1;
	return 0;
}

const char *dump_arch_from_release(const char *release, size_t len)
{
	static const struct {
		const char *word, *arch;
	} names[] = {
		{ "arm64", "aarch64" }, { "aarch64", "aarch64" },
		{ "amd64", "x86_64" }, { "x86_64", "x86_64" },
		{ "armmp", "armv7l" }, { "i686", "i686" }, { "686", "i686" },
		{ "ppc64le", "ppc64le" }, { "powerpc64le", "ppc64le" },
		{ "s390x", "s390x" }, { "riscv64", "riscv64" },
	};

	for (size_t i = 0; i < PB_ARRAY_SIZE(names); i++)
		if (has_word(release, len, names[i].word))
			return names[i].arch;
	return NULL;
}

size_t dump_pairs(const char *s, size_t len, struct dump_slice pairs[][2], size_t max)
{
	const char *pos = s, *end = s + len;
	struct dump_slice w;
	size_t n = 0, half = 0;

	while (!dump_word(&pos, end, &w)) {
		if (half == 0 && n && w.len > 2 && w.s[0] == '[' && w.s[w.len - 1] == ']') {
			struct dump_slice *v = &pairs[n - 1][1];

			v->len = w.s + w.len - v->s;
			continue;
		}
		if (half == 0 && n == max)
			break;
		pairs[n][half] = w;
		half ^= 1;
		if (!half)
			n++;
	}
	return n;
}

struct dump_block *dump_block_new(struct pb_parser *p, const struct dump_block_ops *ops)
{
	struct dump_block *b = pb_calloc(1, sizeof(*b));

	b->p = p;
	b->ops = ops;
	return b;
}

void dump_block_free(void *state)
{
	struct dump_block *b = state;

	dump_rec_free(&b->rec);
	pb_buf_free(&b->head);
	free(b);
}

void dump_block_field(struct dump_block *b, const char *name, const char *value, size_t len)
{
	dump_field(&b->rec, pb_parser_arena(b->p), name, value, len);
}

static int bad(struct dump_block *b, uint64_t lineno, enum pb_bad_reason why,
	       const char *s, size_t len)
{
	return pb_parser_bad_line(b->p, lineno, why, s, len) ? -1 : 0;
}

/* Frames and further lines up to the blank line that ends the record. A
 * line that belongs to no record ends it too and is read again by the
 * caller (a record's first line when the blank line is missing). */
static int block_rest(struct dump_block *b)
{
	const char *s;
	size_t len;
	uint64_t lineno;
	int rc;

	while ((rc = dump_getline(b->p, &s, &len, &lineno)) == 1) {
		len = dump_rtrim(s, len);
		if (!len)
			break;
		/* a frame's leading blank, lost when a page collapsed the
		 * white space of the paste: the frame alone is one still */
		if (dump_blanks(s, len) || dump_symbol_frame(s, len)) {
			if (dump_frame(&b->rec, pb_parser_arena(b->p), s, len) &&
			    bad(b, lineno, PB_BAD_SYNTAX, s, len))
				return -1;
			continue;
		}
		if (b->ops->extra(b, s, len)) {
			pb_input_ungetline(pb_parser_input(b->p));
			break;
		}
	}
	return rc < 0 ? -1 : 0;
}

/* The rest of a record whose first line was read: 1 when complete, 0 when
 * it was cut off (reported), -1 to stop. */
static int block_record(struct dump_block *b, struct pb_record *rec, uint64_t head_lineno)
{
	const char *s;
	size_t len;
	uint64_t lineno;
	int rc;

	rc = dump_getline(b->p, &s, &len, &lineno);
	if (rc < 0)
		return -1;
	if (rc == 1 && !b->ops->pfn(b, s, dump_rtrim(s, len)))
		return block_rest(b) ? -1 : 1;
	if (rc == 1)
		pb_input_ungetline(pb_parser_input(b->p));
	return bad(b, head_lineno, PB_BAD_TRUNCATED, b->head.data, b->head.len);
}

int dump_block_next(void *state, struct pb_parser *p, struct pb_record *rec)
{
	struct dump_block *b = state;
	const char *s;
	size_t len;
	uint64_t lineno;
	int rc;

	while ((rc = dump_getline(b->p, &s, &len, &lineno)) == 1) {
		len = dump_rtrim(s, len);
		if (!len)
			continue;
		dump_rec_reset(&b->rec);
		rec->ts_ns = -1;
		rec->cpu = rec->pid = rec->tgid = -1;
		rec->comm = "";
		if (!b->ops->header(b, rec, s, len)) {
			rec->line = lineno;
			rec->body = pb_arena_strndup(pb_parser_arena(b->p), s, len);
			pb_buf_reset(&b->head);
			pb_buf_add(&b->head, s, len);
			rc = block_record(b, rec, lineno);
			if (rc == 1)
				dump_rec_attach(&b->rec, rec);
			if (rc)
				return rc;
			continue;
		}
		if (bad(b, lineno, dump_blanks(s, len) ? PB_BAD_ORPHAN_STACK : PB_BAD_SYNTAX, s, len))
			return -1;
	}
	return rc;
}
