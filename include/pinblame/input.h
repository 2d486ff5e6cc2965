/* input.h - byte and line streams over files or stdin, transparently
 * decompressed (gzip, xz, zstd: recognised by magic bytes, never by name).
 *
 * Memory is bounded: one decompression window plus one line buffer of at
 * most PB_LINE_MAX bytes, whatever the input size.
 */
#ifndef PINBLAME_INPUT_H
#define PINBLAME_INPUT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PB_LINE_MAX (1u << 20) /* longer lines are reported, not stored */

enum pb_compression {
	PB_COMP_NONE,
	PB_COMP_GZIP,
	PB_COMP_XZ,
	PB_COMP_ZSTD,
	PB_COMP_ZLIB,		/* atrace -z: "TRACE:" and a zlib stream */
};

enum pb_line_status {
	PB_LINE_ERROR = -1,	/* read or decompression error: pb_input_strerror() */
	PB_LINE_EOF = 0,
	PB_LINE_OK = 1,
	PB_LINE_TOO_LONG = 2,	/* line longer than PB_LINE_MAX: *line holds its
				 * first PB_LINE_MAX bytes, the rest was skipped */
};

struct pb_input;

/* Opens PATH ("-" is stdin). On failure returns NULL and writes a message
 * ("No such file or directory", "is a directory") to err. */
struct pb_input *pb_input_open(const char *path, char *err, size_t errlen);
/* Opens an in-memory buffer (unit tests, fuzz targets); DATA must outlive
 * the input. Compressed buffers are decompressed as files are. */
struct pb_input *pb_input_open_memory(const void *data, size_t n, const char *name);
void pb_input_close(struct pb_input *in);

/* The name to show in messages: the path, or "<stdin>". */
const char *pb_input_name(const struct pb_input *in);
/* The path as given ("-" for stdin). */
const char *pb_input_path(const struct pb_input *in);
enum pb_compression pb_input_compression(const struct pb_input *in);
const char *pb_compression_name(enum pb_compression c);
/* Size of the raw (possibly compressed) file, 0 when unknown (pipe). */
uint64_t pb_input_raw_size(const struct pb_input *in);
/* Raw bytes consumed so far (for progress). */
uint64_t pb_input_raw_offset(const struct pb_input *in);
/* Decompressed bytes delivered so far. */
uint64_t pb_input_offset(const struct pb_input *in);

/* Looks at up to WANT decompressed bytes without consuming them. Returns the
 * number available (less at EOF; WANT is capped at 2 * PB_LINE_MAX); *data
 * points into an internal buffer that stays valid until the next read.
 * Returns (size_t)-1 on error. */
size_t pb_input_peek(struct pb_input *in, const char **data, size_t want);

/* Reads up to N decompressed bytes; returns bytes read, 0 at EOF, -1 on error. */
ssize_t pb_input_read(struct pb_input *in, void *buf, size_t n);

/* Next line without its '\n' (a trailing '\r' is removed too). *line stays
 * valid until the next call. pb_input_lineno() is the number of the line
 * just returned (1-based). */
enum pb_line_status pb_input_getline(struct pb_input *in, const char **line, size_t *len);
uint64_t pb_input_lineno(const struct pb_input *in);

/* Whether the line pb_input_getline() returned last holds a NUL byte
 * (binary data), found with one search per window of lines. */
bool pb_input_line_has_nul(struct pb_input *in);

/* A fast path for parsers of many short lines: the unread bytes already
 * in memory, up to (not including) the first NUL byte, so that each line
 * that ends in them with a '\n' is text as pb_input_getline() would
 * return it. Returns how many (0: none buffered; pb_input_getline() reads
 * on). The parser takes whole lines of them with pb_input_take_lines():
 * BYTES up to and including the '\n' of the last of LINES lines, none
 * longer than PB_LINE_MAX. */
size_t pb_input_buffered(struct pb_input *in, const char **data);
void pb_input_take_lines(struct pb_input *in, size_t bytes, uint64_t lines);
/* Whether the bytes pb_input_buffered() gives now stay readable, the same,
 * until pb_input_close() (a mapped file): a reader may keep pointers to
 * them instead of copies. */
bool pb_input_buffered_stays(const struct pb_input *in);
/* Such a reader's pointers reach at most BYTES behind what it has not
 * taken yet: the pages behind those go back to the system (a reader that
 * reads them later only reads them again from the file, more slowly). */
void pb_input_keep_behind(struct pb_input *in, size_t bytes);

/* Puts a line back: the next pb_input_getline() returns it again with the
 * same line number. Only one line can be pushed back, and only right after
 * pb_input_getline() returned it (no peek, read or spool between); anything
 * else is a programming error and aborts. */
void pb_input_ungetline(struct pb_input *in);

/* Lets another thread interrupt this input: after pb_input_cancel(), a
 * read blocked on a pipe or terminal returns, and every further read of a
 * descriptor fails with "cancelled" (memory inputs are not affected).
 * pb_input_cancelable() must be called first, by the thread that owns the
 * input; returns 0, or -1 when no pipe can be made. */
int pb_input_cancelable(struct pb_input *in);
void pb_input_cancel(struct pb_input *in);
/* For the thread that waits (MU held) on COND for what another thread
 * reads from IN: one wait of at most 50 ms. A signal the program stops for
 * (SIGINT) reaches the waiting thread, not the reading one: the tick lets
 * the waiter see it, and then it cancels IN, where the reader may be
 * blocked, and waits for the reader's last word. */
void pb_input_wait_tick(struct pb_input *in, pthread_cond_t *cond, pthread_mutex_t *mu);

/* Text of the last error ("truncated xz stream", "Input/output error"). */
const char *pb_input_strerror(const struct pb_input *in);

/* SHA-256 of the raw bytes read so far; complete once EOF was reached.
 * Pipes are hashed as they are read; regular files and memory buffers are
 * re-read when this is called, so that imports that never ask do not pay. */
void pb_input_sha256(struct pb_input *in, unsigned char out[32]);

/* SHA-256 of the content: the decompressed bytes read so far (before
 * any unwrapping or re-encoding), complete once EOF was reached; the raw
 * bytes' hash for a source that is not compressed. The same trace
 * compressed two ways has one content hash (that of `xz -dc FILE`). */
void pb_input_content_sha256(struct pb_input *in, unsigned char out[32]);

/* Hashes a whole regular file without decompressing (for the re-import
 * check before parsing). Returns 0, or -1 with err filled. */
int pb_file_sha256(const char *path, unsigned char out[32], char *err, size_t errlen);

/* The same on a thread of its own, while the file is parsed. start returns
 * NULL when no thread can be started. finish waits for the result and frees
 * the job: 0 with OUT filled, or -1 with err; with OUT NULL it stops the
 * hashing instead and only frees. */
struct pb_hash_job;
struct pb_hash_job *pb_file_sha256_start(const char *path);
bool pb_hash_job_done(const struct pb_hash_job *j);
int pb_hash_job_finish(struct pb_hash_job *j, unsigned char out[32], char *err, size_t errlen);

/* Copies the rest of the decompressed stream into an unlinked temporary
 * file and returns its descriptor positioned at 0 (for libraries that need
 * a seekable file, e.g. libtracecmd). Returns -1 on error. */
int pb_input_spool(struct pb_input *in);

#endif
