/* fuzz_parse.h - one parser over arbitrary bytes: every record it returns
 * must be complete (no NULL string, frames with symbols) and the parser
 * must end, whatever the input. Shared by the text parser targets. */
#ifndef PINBLAME_FUZZ_PARSE_H
#define PINBLAME_FUZZ_PARSE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pinblame/parse.h"

#define FUZZ_MAX_RECORDS 200000

/* Compressed inputs are fuzz_input's business: a few bytes of xz or zstd
 * expand to gigabytes of lines, which would only time the target out. */
static inline int fuzz_compressed(const uint8_t *data, size_t size)
{
	static const struct {
		const char *magic;
		size_t len;
	} magics[] = {
		{ "\x1f\x8b", 2 }, { "\xfd" "7zXZ\0", 6 }, { "\x28\xb5\x2f\xfd", 4 },
	};

	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (size >= magics[i].len && !memcmp(data, magics[i].magic, magics[i].len))
			return 1;
	return 0;
}

static inline int fuzz_bad_line(void *ctx, uint64_t line, enum pb_bad_reason why,
			 const char *text, size_t len)
{
	if ((unsigned)why >= PB_BAD_NREASONS || line == 0 || (len && !text))
		abort();
	(*(unsigned long *)ctx)++;
	return 0;
}

static inline void fuzz_check_frames(const struct pb_frame *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!f[i].symbol || !f[i].symbol[0])
			abort();
}

static inline void fuzz_check_record(const struct pb_record *r, uint64_t prev_line)
{
	if (!r->comm || !r->system || !r->event || !r->body || !r->event[0])
		abort();
	if (r->line == 0 || r->line < prev_line)
		abort();
	for (size_t i = 0; i < r->nfields; i++)
		if (!r->fields[i].name || !r->fields[i].value || !r->fields[i].name[0])
			abort();
	fuzz_check_frames(r->frames, r->nframes);
	fuzz_check_frames(r->uframes, r->nuframes);
}

static inline int fuzz_parse(const uint8_t *data, size_t size, enum pb_format format)
{
	unsigned long bad = 0, records = 0;
	struct pb_input *in;
	struct pb_parser *p;
	struct pb_record *r;
	uint64_t prev_line = 0;
	char err[256];

	if (fuzz_compressed(data, size))
		return 0;
	in = pb_input_open_memory(data, size, "fuzz");
	p = pb_parser_new(in, format, fuzz_bad_line, &bad, err, sizeof(err));
	if (!p)
		abort();
	while (records < FUZZ_MAX_RECORDS && pb_parser_next(p, &r) == 1) {
		fuzz_check_record(r, prev_line);
		prev_line = r->line;
		records++;
	}
	pb_parser_free(p);
	pb_input_close(in);
	return 0;
}

#endif
