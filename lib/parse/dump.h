/* dump.h - helpers shared by the parsers of kernel dumps (kmsg,
 * page_pinner, page_owner): reading lines, collecting a record's fields and
 * frames, and taking apart the word layouts these dumps print. */
#ifndef PINBLAME_PARSE_DUMP_H
#define PINBLAME_PARSE_DUMP_H

#include <stddef.h>
#include <stdint.h>

#include "pinblame/parse.h"

/* Deeper stacks than this are cut: page_owner and page_pinner save at most
 * 16 frames and dump_stack() rarely prints more than 64. */
#define DUMP_FRAMES_MAX 256

/* A record's fields and frames while it is being read. The arrays are
 * reused from record to record; the strings live in the parser's arena. */
struct dump_rec {
	struct pb_field *fields;
	size_t nfields, fields_cap;
	struct pb_frame *frames;
	size_t nframes, frames_cap;
};

void dump_rec_reset(struct dump_rec *d);
void dump_rec_free(struct dump_rec *d);
/* Sets field NAME (a string that outlives the record) to a copy of
 * VALUE[0..LEN); a later value of the same name replaces the earlier one. */
void dump_field(struct dump_rec *d, struct pb_arena *a, const char *name,
		const char *value, size_t len);
/* powerpc's show_stack() frame, "[%016lx] [%016lx] %pS" (the stack
 * pointer, then the return address): the length of the two addresses and
 * the blank after each, with the second in *IP; 0 when S is no such line. */
size_t dump_ppc_frame_addr(const char *s, size_t len, uint64_t *ip);
/* Parses a stack line (leading blanks allowed, an x86 or s390 "[<addr>] "
 * prefix, s390's "([<addr>] sym)" of an unsure frame and powerpc's
 * "[sp] [ip] sym (unreliable)" too) and appends the frame. Returns -1 when the text is not a frame;
 * past DUMP_FRAMES_MAX frames every non-blank text counts as one. */
int dump_frame(struct dump_rec *d, struct pb_arena *a, const char *s, size_t len);
/* Whether S is a frame as the kernel's scripts/decode_stacktrace.sh prints
 * it: "name (file:line ...)", the module's name after it when the frame
 * had one, "? " before a stale one, and no blank before it (the script
 * joins the line's words with one blank). */
int dump_decoded_frame(const char *s, size_t len);
/* Whether S is a frame as %pS prints it, "name+0xoff/0xsize", with a
 * module or a symbolizer's source after it, and no blank before it: the
 * frame lines of a paste whose white space a web page collapsed. */
int dump_symbol_frame(const char *s, size_t len);
/* Points REC's fields and frames at what was collected. */
void dump_rec_attach(struct dump_rec *d, struct pb_record *rec);

/* Reads the next line. Lines too long or holding NUL bytes are reported
 * as bad and skipped. Returns 1 with the line and its number, 0 at the
 * end, -1 on an input error or when the bad-line callback said stop (the
 * parser's error is set). */
int dump_getline(struct pb_parser *p, const char **line, size_t *len, uint64_t *lineno);

struct dump_slice {
	const char *s;
	size_t len;
};
/* Whether S is TEXT, whole. */
int dump_slice_is(struct dump_slice s, const char *text);

/* Length of PREFIX when S starts with it, else 0. */
size_t dump_prefix(const char *s, size_t len, const char *prefix);
/* Leading blanks of S. */
size_t dump_blanks(const char *s, size_t len);
/* S without trailing blanks. */
size_t dump_rtrim(const char *s, size_t len);
/* Next blank-separated word at or after *POS, before END; advances *POS.
 * Returns 0, or -1 when no word is left. */
int dump_word(const char **pos, const char *end, struct dump_slice *w);
/* "[ 4120.310300]" (spaces after '[' optional): seconds since boot in ns.
 * Returns the length of the stamp, 0 when S does not start with one. */
size_t dump_stamp(const char *s, size_t len, int64_t *ns);

/* Pieces of an "allocated via" line, as page_owner prints it in debugfs
 * ("Page allocated via order 0, mask 0x..(..), pid 1873, tgid 1873
 * (holdpages), ts 4101002113450 ns") and in dump_page() ("page last
 * allocated via order 0, migratetype Movable, gfp_mask 0x..(..), pid 1873,
 * tgid 1870 (cuda-EvtHandlr), ts 4101002113450, free_ts 0"). Absent pieces
 * have len 0. */
struct dump_alloc {
	struct dump_slice order, migratetype, gfp_mask, pid, tgid, comm, ts, free_ts;
};
/* S is the text after "allocated via ". Returns 0, -1 when it has no order. */
int dump_parse_alloc(const char *s, size_t len, struct dump_alloc *out);
/* Which parser's names the pieces are stored under. */
enum dump_alloc_names {
	ALLOC_NAMES_KMSG,	/* a kernel log's dump_page(): owner_pid, ... */
	ALLOC_NAMES_DEBUGFS,	/* a page_owner debugfs record: pid, ... */
};
/* Calls PUT(CTX, NAME, VALUE, LEN) for each piece of A that was printed
 * and that parser keeps, in the order of the line, under its name there
 * (one table in dump.c says how each piece is printed and named). */
void dump_alloc_put(const struct dump_alloc *a, enum dump_alloc_names names,
		    void (*put)(void *ctx, const char *name, const char *v, size_t len),
		    void *ctx);

/* Splits a line of "KEY VALUE" words ("PFN 0xa3a41 Block 1309 count 2
 * mapping 0xffff.. Flags 0x..(..)") into at most MAX pairs; a "[module]"
 * word stays with the value before it ("%pS" of a module symbol). Returns
 * the number of pairs. */
size_t dump_pairs(const char *s, size_t len, struct dump_slice pairs[][2], size_t max);

/* Blank-line separated debugfs records (page_pinner, page_owner): a first
 * line, a "PFN ..." line, stack frames, maybe more lines, a blank line. */
struct dump_block;
struct dump_block_ops {
	/* Fills REC from a record's first line; returns -1, with REC
	 * untouched, when S is not one. */
	int (*header)(struct dump_block *b, struct pb_record *rec, const char *s, size_t len);
	/* Takes the "PFN ..." line; -1 when S is not one. */
	int (*pfn)(struct dump_block *b, const char *s, size_t len);
	/* Takes a line after the stack; -1 when S is none of the known ones. */
	int (*extra)(struct dump_block *b, const char *s, size_t len);
};
struct dump_block {
	struct pb_parser *p;
	const struct dump_block_ops *ops;
	struct dump_rec rec;
	struct pb_buf head;	/* first line of the record being read */
};
struct dump_block *dump_block_new(struct pb_parser *p, const struct dump_block_ops *ops);
/* pb_format_ops.next and .close for such records (STATE is the block). */
int dump_block_next(void *state, struct pb_parser *p, struct pb_record *rec);
void dump_block_free(void *state);
/* dump_field() into the record being read. */
void dump_block_field(struct dump_block *b, const char *name, const char *value, size_t len);

/* Machine name (uname -m style: "aarch64", "x86_64") guessed from a kernel
 * release such as "6.1.0-50-arm64" or "6.5.6-300.fc39.x86_64"; NULL when
 * the release does not say. */
const char *dump_arch_from_release(const char *release, size_t len);

#endif
