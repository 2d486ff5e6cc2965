/* fuzz_digest.h - a digest of everything a parser returns for an input
 * (records, their fields and frames, bad lines), read under given
 * PINBLAME_LINE_THREAD and PINBLAME_RUN_MEMO settings: the differential
 * targets read one input several ways and compare. */
#ifndef PINBLAME_FUZZ_DIGEST_H
#define PINBLAME_FUZZ_DIGEST_H

#include <stdio.h>

#include "fuzz_parse.h"

/* FNV-1a, over everything a run returns */
struct digest {
	uint64_t h;
	unsigned long records, bad;
};

static inline void mix(struct digest *d, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		d->h = (d->h ^ b[i]) * 0x100000001b3ull;
}

static inline void mix_str(struct digest *d, const char *s)
{
	if (s)
		mix(d, s, strlen(s) + 1);
	else
		mix(d, "\xff", 1);
}

static inline void mix_u64(struct digest *d, uint64_t v)
{
	mix(d, &v, sizeof(v));
}

static inline void mix_frames(struct digest *d, const struct pb_frame *f, size_t n)
{
	mix_u64(d, n);
	for (size_t i = 0; i < n; i++) {
		mix_str(d, f[i].symbol);
		mix_u64(d, f[i].offset);
		mix_u64(d, f[i].size);
		mix_u64(d, f[i].addr);
		mix_str(d, f[i].module);
		mix_u64(d, f[i].flags);
	}
}

static inline int bad_line(void *ctx, uint64_t line, enum pb_bad_reason why, const char *text,
		    size_t len)
{
	struct digest *d = ctx;

	d->bad++;
	mix_u64(d, line);
	mix_u64(d, (uint64_t)why);
	mix(d, text, len);
	return 0;
}

static inline struct digest read_as(const uint8_t *data, size_t size, enum pb_format format,
			     const char *thread, const char *memo)
{
	struct digest d = { 0xcbf29ce484222325ull, 0, 0 };
	struct pb_input *in;
	struct pb_parser *p;
	struct pb_record *r;
	char err[256];
	int rc;

	setenv("PINBLAME_LINE_THREAD", thread, 1);
	setenv("PINBLAME_RUN_MEMO", memo, 1);
	in = pb_input_open_memory(data, size, "fuzz");
	p = pb_parser_new(in, format, bad_line, &d, err, sizeof(err));
	if (!p)
		abort();
	while (d.records < FUZZ_MAX_RECORDS && (rc = pb_parser_next(p, &r)) == 1) {
		mix_u64(&d, r->line);
		mix_u64(&d, (uint64_t)r->ts_ns);
		mix_u64(&d, (uint64_t)r->cpu << 32 | (uint32_t)r->pid);
		mix_u64(&d, (uint64_t)r->tgid);
		mix_str(&d, r->comm);
		mix_str(&d, r->system);
		mix_str(&d, r->event);
		mix_str(&d, r->body);
		mix_u64(&d, r->nfields);
		for (size_t i = 0; i < r->nfields; i++) {
			mix_str(&d, r->fields[i].name);
			mix_str(&d, r->fields[i].value);
		}
		mix_frames(&d, r->frames, r->nframes);
		mix_frames(&d, r->uframes, r->nuframes);
		d.records++;
	}
	pb_parser_free(p);
	pb_input_close(in);
	return d;
}

#endif
