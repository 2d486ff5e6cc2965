/* core.c - errors, allocation, buffers, arenas, number parsing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pinblame/core.h"

const char *pb_cmd_name;
int pb_errors_muted;
volatile sig_atomic_t pb_interrupted;

static void vmessage(const char *kind, const char *fmt, va_list ap)
{
	struct pb_buf text = { 0 }, safe = { 0 };
	va_list copy;
	int n;

	fflush(stdout);
	if (pb_errors_muted)
		return;
	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n > 0) {
		vsnprintf(pb_buf_reserve(&text, (size_t)n), (size_t)n + 1, fmt, ap);
		text.len = (size_t)n;
	}
	/* one message, one line: a name with a newline or an ESC in it
	 * must neither forge a second message nor reach the terminal */
	pb_term_escape(&safe, pb_buf_str(&text), text.len, 0);
	if (pb_cmd_name)
		fprintf(stderr, "pinblame: %s: %s%s\n", pb_cmd_name, kind, pb_buf_str(&safe));
	else
		fprintf(stderr, "pinblame: %s%s\n", kind, pb_buf_str(&safe));
	pb_buf_free(&text);
	pb_buf_free(&safe);
}

void pb_verror(const char *fmt, va_list ap)
{
	vmessage("", fmt, ap);
}

void pb_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pb_verror(fmt, ap);
	va_end(ap);
}

void pb_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("warning: ", fmt, ap);
	va_end(ap);
}

void pb_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pb_verror(fmt, ap);
	va_end(ap);
	abort();
}

void *pb_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		pb_die("out of memory (%zu bytes)", n);
	return p;
}

void *pb_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		pb_die("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *pb_realloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		pb_die("out of memory (%zu bytes)", n);
	return p;
}

char *pb_strndup(const char *s, size_t n)
{
	char *d = pb_malloc(n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *pb_strdup(const char *s)
{
	return pb_strndup(s, strlen(s));
}

static void buf_grow(struct pb_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	b->cap = b->cap ? b->cap : 64;
	while (b->cap < need)
		b->cap *= 2;
	b->data = pb_realloc(b->data, b->cap);
}

void pb_buf_add(struct pb_buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

char *pb_buf_reserve(struct pb_buf *b, size_t n)
{
	buf_grow(b, n);
	return b->data + b->len;
}

void pb_buf_commit(struct pb_buf *b, char *end)
{
	b->len = (size_t)(end - b->data);
	b->data[b->len] = '\0';
}

void pb_buf_addc(struct pb_buf *b, char c)
{
	buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

void pb_buf_adds(struct pb_buf *b, const char *s)
{
	pb_buf_add(b, s, strlen(s));
}

void pb_buf_addf(struct pb_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void pb_buf_reset(struct pb_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void pb_buf_free(struct pb_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

const char *pb_buf_str(struct pb_buf *b)
{
	return b->data ? b->data : "";
}

struct pb_arena_chunk {
	struct pb_arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

void *pb_arena_alloc(struct pb_arena *a, size_t n)
{
	struct pb_arena_chunk *c = a->head;
	size_t align = sizeof(max_align_t);
	void *p;

	n = (n + align - 1) / align * align;
	if (!c || c->size - c->used < n) {
		size_t size = a->chunk_size ? a->chunk_size : 64 * 1024;

		if (size < n)
			size = n;
		c = pb_malloc(sizeof(*c) + size);
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

char *pb_arena_strndup(struct pb_arena *a, const char *s, size_t n)
{
	char *d = pb_arena_alloc(a, n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *pb_arena_strdup(struct pb_arena *a, const char *s)
{
	return pb_arena_strndup(a, s, strlen(s));
}

void pb_arena_reset(struct pb_arena *a)
{
	struct pb_arena_chunk *c = a->head, *keep = NULL;

	/* Keep the largest chunk so that steady-state parsing never mallocs. */
	while (c) {
		struct pb_arena_chunk *next = c->next;

		if (!keep || c->size > keep->size) {
			free(keep);
			keep = c;
		} else {
			free(c);
		}
		c = next;
	}
	if (keep) {
		keep->used = 0;
		keep->next = NULL;
	}
	a->head = keep;
}

void pb_arena_free(struct pb_arena *a)
{
	pb_arena_reset(a);
	free(a->head);
	a->head = NULL;
}

int pb_write_all(int fd, const void *data, size_t n)
{
	const char *p = data;

	while (n) {
		ssize_t done = write(fd, p, n);

		if (done < 0 && errno == EINTR)
			continue;
		if (done < 0)
			return -1;
		p += done;
		n -= (size_t)done;
	}
	return 0;
}

int pb_thread_start(pthread_t *t, void *(*fn)(void *), void *arg, const char *name)
{
	sigset_t all, old;
	int err;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(t, NULL, fn, arg);
	if (!err)
		pthread_setname_np(*t, name);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err;
}

/* Eight bytes at a time with a multiply-xorshift mix: interning hashes
 * every symbol of every stack frame, so this is on the import hot path. */
uint64_t pb_hash64(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 1469598103934665603ull ^ (n * 0x9e3779b97f4a7c15ull);
	uint64_t w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	return h;
}

/* A hex digit's value plus one, 0 for any other byte: a table, as every
 * frame address of a perf callchain goes through here. */
static const unsigned char hex_digit1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static int hexval(int c)
{
	return hex_digit1[c] - 1;
}

int pb_parse_hex(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n -= 2;
	}
	if (n == 0 || n > 16)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int d = hexval((unsigned char)s[i]);

		if (d < 0)
			return -1;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return 0;
}

int pb_parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return pb_parse_hex(s, n, out);
	if (n == 0 || n > 20)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int pb_parse_i64(const char *s, size_t n, int64_t *out)
{
	int neg = 0;
	uint64_t v;

	if (n && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		s++;
		n--;
	}
	if (pb_parse_u64(s, n, &v) < 0)
		return -1;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return -1;
		*out = (int64_t)(0 - v);
	} else {
		if (v > INT64_MAX) {
			/* 0xffffffffffffffff stands for -1 in kernel output */
			*out = (int64_t)v;
			return 0;
		}
		*out = (int64_t)v;
	}
	return 0;
}

int pb_parse_seconds_ns(const char *s, size_t n, int64_t *out)
{
	size_t dot = 0;
	uint64_t sec, frac = 0;
	size_t fdigits;

	while (dot < n && s[dot] != '.')
		dot++;
	if (pb_parse_u64(s, dot, &sec) < 0 || (s[0] < '0' || s[0] > '9'))
		return -1;
	if (sec > (uint64_t)INT64_MAX / 1000000000ull)
		return -1;
	fdigits = dot < n ? n - dot - 1 : 0;
	if (dot < n && fdigits == 0)
		return -1;
	for (size_t i = 0; i < fdigits; i++) {
		unsigned d = (unsigned char)s[dot + 1 + i] - '0';

		if (d > 9)
			return -1;
		if (i < 9)
			frac = frac * 10 + d;
	}
	for (size_t i = fdigits; i < 9; i++)
		frac *= 10;
	*out = (int64_t)(sec * 1000000000ull + frac);
	return 0;
}

int pb_stdout_is_tty(void)
{
	static int cached = -1;

	if (cached < 0)
		cached = isatty(STDOUT_FILENO);
	return cached;
}

int pb_stderr_is_tty(void)
{
	static int cached = -1;

	if (cached < 0)
		cached = isatty(STDERR_FILENO);
	return cached;
}
