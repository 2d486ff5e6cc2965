/* core.h - shared helpers: errors, exit codes, buffers, arenas, hashing.
 *
 * Every module reports user-facing errors through pb_error() so that all
 * messages look alike: "pinblame: COMMAND: what is wrong".
 */
#ifndef PINBLAME_CORE_H
#define PINBLAME_CORE_H

#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The version lives in the file VERSION alone; the Makefile passes it as
 * -DPB_VERSION so that the program, the man pages and the package agree. */
#ifndef PB_VERSION
#error "PB_VERSION is not defined: build with the Makefile (it reads VERSION)"
#endif

/* Exit codes (doc/DESIGN.md, "Commands and exit codes"). */
enum pb_exit {
	PB_EXIT_OK = 0,
	PB_EXIT_BREACH = 1,	/* check breached, failures --exit-code found some */
	PB_EXIT_USAGE = 2,
	PB_EXIT_INPUT = 3,
	PB_EXIT_STORE = 4,
};

/* Set by a command's SIGINT/SIGTERM handler: blocking reads give up
 * instead of restarting, so the command can roll back and exit. */
extern volatile sig_atomic_t pb_interrupted;

/* Name of the running command, used as the error prefix ("import"). */
extern const char *pb_cmd_name;
/* Set, messages are not printed: a fault that will be said once in the
 * end (a damaged store) is not said again by every caller it reaches. */
extern int pb_errors_muted;

/* Messages on stderr, names in them escaped as pb_term_escape() does:
 * "pinblame: CMD: what is wrong", and for pb_warn(), which does not stop
 * the command, "pinblame: CMD: warning: what to know". */
void pb_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pb_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pb_verror(const char *fmt, va_list ap);
/* Out of memory or another impossible state: message and abort. */
void pb_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

void *pb_malloc(size_t n);
void *pb_calloc(size_t n, size_t size);
void *pb_realloc(void *p, size_t n);
char *pb_strdup(const char *s);
char *pb_strndup(const char *s, size_t n);

/* Growable byte buffer; data is always NUL-terminated when len > 0. */
struct pb_buf {
	char *data;
	size_t len, cap;
};
void pb_buf_add(struct pb_buf *b, const void *p, size_t n);
void pb_buf_addc(struct pb_buf *b, char c);
void pb_buf_adds(struct pb_buf *b, const char *s);
void pb_buf_addf(struct pb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pb_buf_reset(struct pb_buf *b);
/* Room for N more bytes at the end, for writing in place; returns where
 * they start. pb_buf_commit() then ends the contents at END. */
char *pb_buf_reserve(struct pb_buf *b, size_t n);
void pb_buf_commit(struct pb_buf *b, char *end);
void pb_buf_free(struct pb_buf *b);
/* Returns data, or "" when empty. */
const char *pb_buf_str(struct pb_buf *b);

/* Bump allocator: many small allocations, freed all at once. */
struct pb_arena_chunk;
struct pb_arena {
	struct pb_arena_chunk *head;
	size_t chunk_size;
};
void *pb_arena_alloc(struct pb_arena *a, size_t n);
char *pb_arena_strndup(struct pb_arena *a, const char *s, size_t n);
char *pb_arena_strdup(struct pb_arena *a, const char *s);
/* Keeps the first chunk for reuse, frees the others. */
void pb_arena_reset(struct pb_arena *a);
void pb_arena_free(struct pb_arena *a);

/* 64-bit FNV-1a, for interning tables. */
uint64_t pb_hash64(const void *p, size_t n);

/* Writes all N bytes of DATA to FD, again after a short write or EINTR.
 * 0, or -1 with errno set. */
int pb_write_all(int fd, const void *data, size_t n);

/* Starts FN(ARG) on a thread named NAME with every signal blocked: signals
 * (SIGINT) are for the thread that started it. 0, or an errno value. */
int pb_thread_start(pthread_t *t, void *(*fn)(void *), void *arg, const char *name);

/* SHA-256 of raw input bytes (content hash of imported files). */
struct pb_sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t fill;
};
void pb_sha256_init(struct pb_sha256 *s);
void pb_sha256_update(struct pb_sha256 *s, const void *p, size_t n);
void pb_sha256_final(struct pb_sha256 *s, unsigned char out[32]);
void pb_sha256_hex(const unsigned char digest[32], char out[65]);

/* Number parsing over (pointer, length), no NUL needed.
 * pb_parse_u64: decimal, or hex with 0x prefix. pb_parse_hex: hex with or
 * without 0x. pb_parse_i64: optional sign, then as pb_parse_u64.
 * Return 0 on success, -1 when the text is not entirely a number. */
int pb_parse_u64(const char *s, size_t n, uint64_t *out);
int pb_parse_hex(const char *s, size_t n, uint64_t *out);
int pb_parse_i64(const char *s, size_t n, int64_t *out);
/* "123.456789" seconds (any number of fraction digits, or none) -> ns. */
int pb_parse_seconds_ns(const char *s, size_t n, int64_t *out);

/* --- facts about the traced kernel (kernel_facts.c) --- */
/* The page size a distro flavour names at the end of the kernel release
 * ("6.1.0-28-arm64-16k", "5.14.0-427.el9.aarch64+64k", "...-generic-64k":
 * a separator, 4, 16 or 64, then k), else 0. */
long pb_release_page_size(const char *release);
/* 4096 for the architectures whose page size is fixed (x86, s390), else
 * 0 (arm64, powerpc, riscv... have several). */
long pb_arch_page_size(const char *arch);
/* The width of the kernel's pointers by its uname machine: 64, 32, 0
 * when unknown. */
int pb_arch_long_bits(const char *arch);
enum pb_pointer {
	PB_POINTER_NONE,	/* not a hex number, or NULL */
	PB_POINTER_HASHED,	/* a hashed %p: no address */
	PB_POINTER_ADDRESS,	/* a real kernel address */
	PB_POINTER_EITHER,	/* 32 bits that may be either */
};
/* What a printed pointer is, on a kernel of LONG_BITS (0: unknown). */
enum pb_pointer pb_pointer_kind(const char *text, size_t n, int long_bits);
/* Whether kernel RELEASE ("5.10.198-android12-...") is MAJOR.MINOR or
 * later: 1, 0, or -1 when it does not begin with two numbers. */
int pb_release_at_least(const char *release, int major, int minor);
/* What dump_page() prints that tells a page's FOLL_PIN pins. */
#define PB_GUP_PIN_BIAS 1024	/* GUP_PIN_COUNTING_BIAS, include/linux/mm.h */
struct pb_dump_counts {
	long long refcount, mapcount;	/* -1 when not printed */
	int compound;		/* a head: line (or its words) was printed */
	long long pincount;	/* the folio's own pin count, -1 when not printed */
	int order;		/* a compound page's order, -1 when not printed */
	int since_5_7;		/* the kernel adds the bias: 1, 0, -1 unknown */
	int long_bits;		/* the kernel's word: 32, 64, 0 unknown */
	int since_6_15;		/* 32-bit order-1 folios lost their pincount: 1, 0, -1 */
};
/* The pins of the dumped page: a large folio's printed pincount, or the
 * refcount read by the bias on a 5.7+ kernel for an order-0 page and for
 * an order-1 compound page whose dump prints no pincount (5.7 to 5.17) or
 * prints 0 for one it has no room for (32-bit kernels from 6.15);
 * -1 when the dump cannot say (another compound page without pincount,
 * an older or unknown kernel, counts missing). See kernel_facts.c for the
 * bound. */
long long pb_dump_pins(const struct pb_dump_counts *c);

/* Whether stdout / stderr are terminals (cached). */
int pb_stdout_is_tty(void);
int pb_stderr_is_tty(void);

#define PB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Makes room for N elements in the array X of capacity ALLOC (size_t
 * lvalues), growing it by half again each time, as git's ALLOC_GROW:
 *   PB_GROW(v, n + 1, cap); v[n++] = x; */
#define PB_GROW(x, n, alloc) \
	do { \
		if ((size_t)(n) > (alloc)) { \
			size_t pb_grow_to_ = ((alloc) + 16) * 3 / 2; \
			(alloc) = pb_grow_to_ < (size_t)(n) ? (size_t)(n) : pb_grow_to_; \
			(x) = pb_realloc((x), (alloc) * sizeof(*(x))); \
		} \
	} while (0)

/* --- text that is safe to print (lib/core/term.c) ------------------- */

/* Length of the UTF-8 character at S (N bytes available), 0 when the
 * bytes are not one (overlong, surrogate, cut short, stray continuation). */
size_t pb_utf8_len(const char *s, size_t n);
/* Appends S to OUT with control characters (C0 and DEL; newline and tab
 * too unless KEEP_LINES), C1 characters and bytes that are not UTF-8
 * written as \xNN, so that nothing in it drives a terminal. */
void pb_term_escape(struct pb_buf *out, const char *s, size_t n, int keep_lines);
/* S escaped as by pb_term_escape() into SCRATCH (newlines too): for one
 * name in a message. "" for NULL. */
const char *pb_term_str(struct pb_buf *scratch, const char *s);
/* The columns the N bytes at S take on a terminal once escaped (as
 * pb_term_str() gives them): one a character of its UTF-8, not a byte;
 * pb_text_width() of a whole string. */
size_t pb_text_columns(const char *s, size_t n);
int pb_text_width(const char *s);
/* A stream over RAW that escapes as pb_term_escape(), newlines and tabs
 * kept: every human-readable output is written through one. Closing it
 * closes RAW when CLOSE_RAW. */
FILE *pb_term_stream(FILE *raw, int close_raw);
/* Writes S as it is to F, a stream of pb_term_stream(): the output's own
 * escape sequences (colour on a terminal). */
void pb_term_raw(FILE *f, const char *s);
/* Whether stdout is a terminal that may be styled (bold): not with TERM
 * unset or "dumb", nor with NO_COLOR set. */
int pb_stdout_styled(void);

/* A JSON string of S. Bytes that are not UTF-8 (jansson would refuse the
 * whole string) are kept as the character of the same number: 0xff
 * becomes U+00FF ("\u00ff"). NULL gives JSON null. */
struct json_t *pb_json_text(const char *s);
struct json_t *pb_json_textn(const char *s, size_t n);

#endif
