/* decompress.c - gzip (zlib), xz (liblzma) and zstd (libzstd) streaming
 * decoders. Each one accepts concatenated streams, as the command-line
 * tools do, and tells a clean end from a truncated one. Android's
 * `atrace -z` output, a "TRACE:" line and a zlib stream, goes through the
 * gzip decoder with zlib's own wrapper.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "pinblame/core.h"
#include "decompress.h"

/* Enough for xz -9 and -9e (64 MiB dictionary, 65 MiB to decode); refuses
 * headers that would make us allocate absurd amounts. */
#define XZ_MEMLIMIT (128u << 20)
/* zstd's own default: every level up to --ultra -22 decodes. */
#define ZSTD_WINDOW_LOG_MAX 27

struct pb_decoder {
	enum pb_compression comp;
	union {
		struct {
			z_stream z;
			bool in_member;	/* inside a gzip member, not between */
			bool past_line;	/* zlib: the "TRACE:" line was skipped */
			bool ended;	/* zlib: its one stream has ended */
		} gz;
		lzma_stream xz;
		struct {
			ZSTD_DStream *ds;
			bool frame_done;	/* last call ended a frame */
		} zst;
	};
};

/* Where the zlib stream of atrace -z output starts: after its "TRACE:"
 * line ("\n" or "\r\n"), which may follow the "capturing trace... done"
 * that adb shell mixes in, when a zlib header follows (compression method
 * 8, a window of at most 32 KiB, check bits that make it a multiple of
 * 31); 0 when P does not start so. */
static size_t atrace_zlib_start(const unsigned char *p, size_t n)
{
	const unsigned char *t = n >= 7 ? memmem(p, n < PB_MAGIC_LEN ? n : PB_MAGIC_LEN,
						"TRACE:", 6) : NULL;
	size_t k;

	if (!t || (t > p && t[-1] != '\n'))
		return 0;
	k = (size_t)(t - p) + 6;
	k += k < n && p[k] == '\r';
	if (k >= n || p[k++] != '\n')
		return 0;
	return n >= k + 2 && (p[k] & 0x0f) == 8 && (p[k] >> 4) <= 7 &&
	       ((unsigned)p[k] << 8 | p[k + 1]) % 31 == 0 ? k : 0;
}

bool pb_compression_undecided(const unsigned char *p, size_t n)
{
	if (n < 6)
		return true;
	return n < PB_MAGIC_LEN && (!memcmp(p, "TRACE:", 6) || !memcmp(p, "captur", 6)) &&
	       !atrace_zlib_start(p, n);
}

enum pb_compression pb_detect_compression(const unsigned char *p, size_t n)
{
	static const unsigned char gzip_magic[] = { 0x1f, 0x8b };
	static const unsigned char xz_magic[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
	static const unsigned char zstd_magic[] = { 0x28, 0xb5, 0x2f, 0xfd };

	if (n >= sizeof(gzip_magic) && !memcmp(p, gzip_magic, sizeof(gzip_magic)))
		return PB_COMP_GZIP;
	if (atrace_zlib_start(p, n))
		return PB_COMP_ZLIB;
	if (n >= sizeof(xz_magic) && !memcmp(p, xz_magic, sizeof(xz_magic)))
		return PB_COMP_XZ;
	if (n >= sizeof(zstd_magic) && !memcmp(p, zstd_magic, sizeof(zstd_magic)))
		return PB_COMP_ZSTD;
	/* A zstd file may start with a skippable frame: 0x184D2A5? little-endian. */
	if (n >= 4 && (p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d && p[3] == 0x18)
		return PB_COMP_ZSTD;
	return PB_COMP_NONE;
}

static int gzip_init(struct pb_decoder *d, char *err, size_t errlen)
{
	/* 15 + 16: largest window, gzip wrapper only; 15 alone: zlib's */
	if (inflateInit2(&d->gz.z, d->comp == PB_COMP_ZLIB ? 15 : 15 + 16) != Z_OK) {
		snprintf(err, errlen, "cannot initialise zlib");
		return -1;
	}
	return 0;
}

static int xz_init(struct pb_decoder *d, char *err, size_t errlen)
{
	lzma_ret ret;

	d->xz = (lzma_stream)LZMA_STREAM_INIT;
	ret = lzma_stream_decoder(&d->xz, XZ_MEMLIMIT, LZMA_CONCATENATED);
	if (ret != LZMA_OK) {
		snprintf(err, errlen, "cannot initialise liblzma (error %d)", (int)ret);
		return -1;
	}
	return 0;
}

static int zstd_init(struct pb_decoder *d, char *err, size_t errlen)
{
	d->zst.ds = ZSTD_createDStream();
	if (!d->zst.ds) {
		snprintf(err, errlen, "cannot initialise libzstd");
		return -1;
	}
	ZSTD_DCtx_setParameter(d->zst.ds, ZSTD_d_windowLogMax, ZSTD_WINDOW_LOG_MAX);
	return 0;
}

struct pb_decoder *pb_decoder_new(enum pb_compression comp, char *err, size_t errlen)
{
	struct pb_decoder *d = pb_calloc(1, sizeof(*d));
	int ret = -1;

	d->comp = comp;
	switch (comp) {
	case PB_COMP_GZIP:
	case PB_COMP_ZLIB:
		ret = gzip_init(d, err, errlen);
		break;
	case PB_COMP_XZ:
		ret = xz_init(d, err, errlen);
		break;
	case PB_COMP_ZSTD:
		ret = zstd_init(d, err, errlen);
		break;
	case PB_COMP_NONE:
		snprintf(err, errlen, "no decoder for uncompressed data");
		break;
	}
	if (ret) {
		free(d);
		return NULL;
	}
	return d;
}

void pb_decoder_free(struct pb_decoder *d)
{
	if (!d)
		return;
	switch (d->comp) {
	case PB_COMP_GZIP:
	case PB_COMP_ZLIB:
		inflateEnd(&d->gz.z);
		break;
	case PB_COMP_XZ:
		lzma_end(&d->xz);
		break;
	case PB_COMP_ZSTD:
		ZSTD_freeDStream(d->zst.ds);
		break;
	case PB_COMP_NONE:
		break;
	}
	free(d);
}

/* zlib counts in uInt; our buffers are far smaller, but say so. */
static uInt zlib_len(size_t n)
{
	return n > UINT_MAX ? UINT_MAX : (uInt)n;
}

/* Consumes the lines up to atrace's "TRACE:", which
 * pb_detect_compression() saw within the first PB_MAGIC_LEN bytes (all
 * in the first read). */
static void skip_trace_line(struct pb_decoder *d, const unsigned char **src, size_t *srclen)
{
	size_t n = atrace_zlib_start(*src, *srclen);

	*src += n;
	*srclen -= n;
	d->gz.past_line = true;
}

static enum pb_decode_status gzip_run(struct pb_decoder *d, const unsigned char **src,
				      size_t *srclen, bool last, void *dst, size_t cap,
				      size_t *produced, char *err, size_t errlen)
{
	z_stream *z = &d->gz.z;
	enum pb_decode_status status = PB_DECODE_MORE;
	const char *name = d->comp == PB_COMP_ZLIB ? "zlib" : "gzip";
	uInt avail_in;
	int ret;

	if (d->comp == PB_COMP_ZLIB && !d->gz.past_line)
		skip_trace_line(d, src, srclen);
	avail_in = zlib_len(*srclen);

	z->next_in = (unsigned char *)*src;
	z->avail_in = avail_in;
	z->next_out = dst;
	z->avail_out = zlib_len(cap);
	while (z->avail_out > 0) {
		if (!d->gz.in_member) {
			/* atrace ends its one stream with a line end, at most */
			while (d->gz.ended && z->avail_in &&
			       (*z->next_in == '\n' || *z->next_in == '\r')) {
				z->next_in++;
				z->avail_in--;
			}
			if (!z->avail_in)
				break;
			if (d->gz.ended) {
				snprintf(err, errlen, "data after the zlib stream");
				status = PB_DECODE_ERROR;
				break;
			}
			/* another member follows (gzip files concatenate) */
			inflateReset(z);
			d->gz.in_member = true;
		}
		ret = inflate(z, Z_NO_FLUSH);
		if (ret == Z_STREAM_END) {
			d->gz.in_member = false;
			d->gz.ended = d->comp == PB_COMP_ZLIB;
			continue;
		}
		if (ret == Z_BUF_ERROR)	/* no progress possible: needs input */
			break;
		if (ret != Z_OK) {
			snprintf(err, errlen, "corrupt %s data: %s", name,
				 z->msg ? z->msg : zError(ret));
			status = PB_DECODE_ERROR;
			break;
		}
	}
	*produced += zlib_len(cap) - z->avail_out;
	*src += avail_in - z->avail_in;
	*srclen -= avail_in - z->avail_in;
	if (status == PB_DECODE_ERROR)
		return status;
	if (!z->avail_out)
		return PB_DECODE_FULL;
	if (!last || *srclen)
		return PB_DECODE_MORE;
	if (d->gz.in_member) {
		snprintf(err, errlen, "truncated %s stream", name);
		return PB_DECODE_ERROR;
	}
	return PB_DECODE_END;
}

static enum pb_decode_status xz_run(struct pb_decoder *d, const unsigned char **src,
				    size_t *srclen, bool last, void *dst, size_t cap,
				    size_t *produced, char *err, size_t errlen)
{
	lzma_stream *s = &d->xz;
	lzma_ret ret;

	s->next_in = *src;
	s->avail_in = *srclen;
	s->next_out = dst;
	s->avail_out = cap;
	/* With LZMA_FINISH, a truncated stream first returns LZMA_OK and only
	 * the next call, which can make no progress, says LZMA_BUF_ERROR. */
	do
		ret = lzma_code(s, last ? LZMA_FINISH : LZMA_RUN);
	while (ret == LZMA_OK && last && s->avail_out == cap);
	*produced += cap - s->avail_out;
	*src = s->next_in;
	*srclen = s->avail_in;

	switch (ret) {
	case LZMA_OK:
		return s->avail_out ? PB_DECODE_MORE : PB_DECODE_FULL;
	case LZMA_STREAM_END:
		return PB_DECODE_END;
	case LZMA_BUF_ERROR:
		if (!last)
			return PB_DECODE_MORE;
		snprintf(err, errlen, "truncated xz stream");
		break;
	case LZMA_MEMLIMIT_ERROR:
		snprintf(err, errlen, "xz data needs more than %u MiB to decompress",
			 XZ_MEMLIMIT >> 20);
		break;
	case LZMA_OPTIONS_ERROR:
		snprintf(err, errlen, "corrupt xz data: unsupported options");
		break;
	case LZMA_MEM_ERROR:
		snprintf(err, errlen, "out of memory decompressing xz data");
		break;
	default:
		snprintf(err, errlen, "corrupt xz data");
		break;
	}
	return PB_DECODE_ERROR;
}

static enum pb_decode_status zstd_run(struct pb_decoder *d, const unsigned char **src,
				      size_t *srclen, bool last, void *dst, size_t cap,
				      size_t *produced, char *err, size_t errlen)
{
	ZSTD_inBuffer in = { *src, *srclen, 0 };
	ZSTD_outBuffer out = { dst, cap, 0 };
	enum pb_decode_status status = PB_DECODE_MORE;

	while (out.pos < out.size) {
		size_t in_before = in.pos, out_before = out.pos;
		size_t ret = ZSTD_decompressStream(d->zst.ds, &out, &in);

		if (ZSTD_isError(ret)) {
			snprintf(err, errlen, "corrupt zstd data: %s", ZSTD_getErrorName(ret));
			status = PB_DECODE_ERROR;
			break;
		}
		if (in.pos == in_before && out.pos == out_before)
			break;
		/* 0: a frame ended and is flushed; the next byte starts another */
		d->zst.frame_done = ret == 0;
	}
	*produced += out.pos;
	*src += in.pos;
	*srclen -= in.pos;
	if (status == PB_DECODE_ERROR)
		return status;
	if (out.pos == out.size)
		return PB_DECODE_FULL;
	if (!last || *srclen)
		return PB_DECODE_MORE;
	if (!d->zst.frame_done) {
		snprintf(err, errlen, "truncated zstd stream");
		return PB_DECODE_ERROR;
	}
	return PB_DECODE_END;
}

enum pb_decode_status pb_decoder_run(struct pb_decoder *d,
				     const unsigned char **src, size_t *srclen,
				     bool last, void *dst, size_t cap, size_t *produced,
				     char *err, size_t errlen)
{
	switch (d->comp) {
	case PB_COMP_GZIP:
	case PB_COMP_ZLIB:
		return gzip_run(d, src, srclen, last, dst, cap, produced, err, errlen);
	case PB_COMP_XZ:
		return xz_run(d, src, srclen, last, dst, cap, produced, err, errlen);
	case PB_COMP_ZSTD:
		return zstd_run(d, src, srclen, last, dst, cap, produced, err, errlen);
	case PB_COMP_NONE:
		break;
	}
	snprintf(err, errlen, "no decoder for uncompressed data");
	return PB_DECODE_ERROR;
}
