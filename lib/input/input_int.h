/* input_int.h - private to lib/input: the state of an input stream, for
 * the files that share it (input.c reads lines and bytes, input_hash.c
 * hashes the source, input_spool.c copies the rest into a temporary file).
 */
#ifndef PINBLAME_INPUT_INT_H
#define PINBLAME_INPUT_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "pinblame/core.h"
#include "pinblame/input.h"

#define RAW_SIZE (256u << 10)
#define WINDOW_SIZE (2 * (size_t)PB_LINE_MAX)
/* Unread bytes move to the front once less than this is free behind them:
 * each move is paid for by at least this many fresh bytes. */
#define COMPACT_BELOW (WINDOW_SIZE / 4)
/* Without a '\n' in this many bytes, the line is too long even if its
 * last byte turns out to be the '\r' of a CRLF. */
#define LONG_LINE_SEEN ((size_t)PB_LINE_MAX + 2)

struct pb_input {
	char *path;		/* as given, "-" for stdin */
	char *name;		/* for messages */

	/* raw source: a descriptor, or a caller's buffer */
	int fd;			/* -1 for memory */
	bool own_fd;
	const unsigned char *mem;
	size_t mem_len;
	uint64_t raw_size;	/* 0 when unknown */
	uint64_t raw_offset;	/* raw bytes taken from the source */
	bool raw_eof;

	/* Hashing is the slowest step on plain text, so sources that can be
	 * read again (regular files, memory) are hashed only when asked;
	 * pipes are hashed as they are read. */
	struct pb_sha256 sha;
	uint64_t hashed;	/* raw bytes fed to sha */
	bool hash_later;
	off_t file_start;	/* where the descriptor stood at open */
	/* The content's hash: of the decompressed bytes, as they are
	 * decoded (a compressed source is read once, so this is never
	 * later); a plain source's content is its raw bytes. */
	struct pb_sha256 content_sha;

	/* compressed input waiting for the decoder (raw_pos points into raw
	 * for descriptors, into mem for memory sources) */
	enum pb_compression comp;
	struct pb_decoder *dec;
	unsigned char *raw;
	const unsigned char *raw_pos;
	size_t raw_len;

	/* set at the first fill for wrapped text: stage[stage_pos,
	 * stage_len) is decompressed but not yet unwrapped */
	bool wrap_checked;
	bool source_ended;	/* the source was read to its end */
	struct pb_unwrap *unwrap;
	char *stage;
	size_t stage_pos, stage_len;

	/* decompressed bytes: win[pos, len) is unread. WIN is win_buf, or a
	 * place in the file's mapping (input_map.c) */
	char *win;
	char *win_buf;
	/* A large regular file of plain text is read through a read-only
	 * mapping of it, from offset 0 (map NULL: read() into win_buf). */
	const char *map;
	size_t map_len;		/* the file's size at open */
	size_t map_freed;	/* file offset below which pages were given back */
	size_t map_keep;	/* bytes behind the window kept mapped */
	int map_slot;		/* in the SIGBUS guard's table, -1: none */
	bool in_map;		/* win points into map */
	bool map_ended;		/* read() took over at the mapping's end */
	size_t pos, len;
	uint64_t win_offset;	/* stream offset of win[0] */
	size_t bom_len;		/* a UTF-8 BOM taken as read at the start: no
				 * byte delivered, so no offset counts it */
	bool eof;		/* everything has been decompressed */
	bool failed;		/* errmsg says why; sticky */

	/* pb_input_cancel() writes to wake[1]; reads from pipes and terminals
	 * wait on wake[0] too (both -1 until pb_input_cancelable()). */
	int wake[2];
	atomic_bool cancelled;

	/* NUL bytes, looked for once per window rather than once per line:
	 * win[nul_from, nul_to) was searched and holds its first NUL at nul_at
	 * (SIZE_MAX: none; nul_from SIZE_MAX: nothing searched). */
	size_t nul_from, nul_to, nul_at;

	uint64_t lineno;
	size_t line_start, line_len;	/* the line last returned: window offset, length */
	bool can_unget;
	bool skip_rest;		/* the tail of a too-long line is still unread */

	char errmsg[256];
};

/* input_map.c: maps a regular file of plain text large enough to gain
 * by it (nothing happens otherwise: read() goes on); fills the window from
 * the mapping, leaving it (win moves back to win_buf) at the mapping's end:
 * bytes added, or 0 once read() must go on; unmaps. */
void input_map_open(struct pb_input *in, const struct stat *st);
/* FD's file (its size in ST) mapped read-only under the SIGBUS guard,
 * *SLOT its place there; NULL when it is too small or cannot be. */
const char *input_map_file(int fd, const struct stat *st, int *slot);
/* Whether the file of SLOT was cut short while mapped (zeros since). */
bool input_map_cut_short(int slot);
/* The whole pages in [FROM, TO) of MAP go back to the page cache. */
void input_map_give_back(const char *map, size_t from, size_t to);
void input_unmap(const char *map, size_t len, int slot);
ssize_t input_map_fill(struct pb_input *in);
void input_map_close(struct pb_input *in);
/* Whether the next fill may come from the mapping. */
static inline bool input_map_ready(const struct pb_input *in)
{
	return in->map && !in->map_ended && in->wrap_checked && !in->unwrap && !in->raw_len;
}

/* Opens PATH ("-": stdin, not owned); 0, or -1 with ERR. */
int input_open_fd(const char *path, int *fd, bool *own, char *err, size_t errlen);
/* Reads more into the window: bytes added, 0 at the end, -1 on error. */
ssize_t input_fill(struct pb_input *in);
/* Gives up line mode: the tail of a too-long line is skipped first. */
int input_leave_lines(struct pb_input *in);

#endif
