/* decompress.h - private to lib/input: recognising compressed data by its
 * magic bytes, and one streaming decoder per format behind a single step
 * function, so that input.c never needs to know which library is at work.
 */
#ifndef PINBLAME_INPUT_DECOMPRESS_H
#define PINBLAME_INPUT_DECOMPRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "pinblame/input.h"

/* Bytes that may be needed to tell the formats apart: atrace -z's
 * "TRACE:" line (after what adb shell may print first) and the two bytes
 * of a zlib header. The magic numbers need 6 (xz's). */
#define PB_MAGIC_LEN 64

enum pb_compression pb_detect_compression(const unsigned char *p, size_t n);
/* Whether the first N bytes are too few to tell (a pipe may hand over a
 * few at a time; reading on waits only while they could start atrace's
 * output). */
bool pb_compression_undecided(const unsigned char *p, size_t n);

enum pb_decode_status {
	PB_DECODE_ERROR = -1,	/* corrupt or truncated data: see err */
	PB_DECODE_MORE = 0,	/* all input consumed, more is needed */
	PB_DECODE_END = 1,	/* LAST was set and the data ended cleanly */
	PB_DECODE_FULL = 2,	/* dst is full, call again */
};

struct pb_decoder;

/* Returns NULL (out of memory, unsupported library state) with err set. */
struct pb_decoder *pb_decoder_new(enum pb_compression comp, char *err, size_t errlen);
void pb_decoder_free(struct pb_decoder *d);

/* Decompresses from *src (*srclen bytes; both advanced over what was
 * consumed) into dst, adding the bytes written to *produced. LAST says
 * that no raw bytes follow those in *src. Output written before an error
 * is valid and still counted in *produced. */
enum pb_decode_status pb_decoder_run(struct pb_decoder *d,
				     const unsigned char **src, size_t *srclen,
				     bool last, void *dst, size_t cap, size_t *produced,
				     char *err, size_t errlen);

#endif
