/* input.c - line and byte streams over files, stdin or memory, with
 * transparent decompression (see decompress.c).
 *
 * Decompressed bytes land in one fixed window that is also the line buffer:
 * a line is returned as a pointer into the window, and a line that runs past
 * the end of the window is completed by moving the unread bytes to the front
 * and filling behind them. The window holds twice PB_LINE_MAX, so any line
 * short enough to be returned fits whole, and moving a partial line is rare
 * and cheap.
 *
 * Trace text wrapped in systrace HTML or a JSON trace (unwrap.c) is taken
 * out on the way: the file's bytes then go to a staging buffer first.
 * Hashing the source is in input_hash.c, spooling to a temporary file in
 * input_spool.c; the state they share is in input_int.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pinblame/core.h"
#include "pinblame/input.h"
#include "decompress.h"
#include "unwrap.h"

#include "input_int.h"

static void set_error(struct pb_input *in, const char *msg)
{
	snprintf(in->errmsg, sizeof(in->errmsg), "%s", msg);
	in->failed = true;
}

/* Waits until the descriptor can be read or the input is cancelled;
 * 0 when it can be read. */
static int wait_readable(struct pb_input *in)
{
	struct pollfd fds[2] = {
		{ .fd = in->fd, .events = POLLIN },
		{ .fd = in->wake[0], .events = POLLIN },
	};

	while (!atomic_load(&in->cancelled)) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR && !pb_interrupted)
				continue;
			return -1;
		}
		if (fds[0].revents)
			return 0;
	}
	return -1;
}

/* Reads from the descriptor; hashes at once unless it can be re-read. */
static ssize_t raw_read(struct pb_input *in, void *buf, size_t n)
{
	ssize_t got;

	/* A signal the program asked to stop for (SIGINT during import) ends
	 * the read; any other just restarts it. */
	do {
		if (atomic_load(&in->cancelled) ||
		    (in->wake[0] >= 0 && wait_readable(in) < 0)) {
			set_error(in, atomic_load(&in->cancelled) ? "cancelled" : strerror(errno));
			return -1;
		}
		got = read(in->fd, buf, n);
	} while (got < 0 && errno == EINTR && !pb_interrupted);
	if (got < 0) {
		set_error(in, strerror(errno));
		return -1;
	}
	if (!in->hash_later) {
		pb_sha256_update(&in->sha, buf, (size_t)got);
		in->hashed += (size_t)got;
	}
	in->raw_offset += (size_t)got;
	return got;
}

/* Makes raw_pos/raw_len hold the next raw bytes; 0 at EOF, -1 on error. */
static ssize_t raw_fetch(struct pb_input *in)
{
	ssize_t got;

	if (in->mem) {
		size_t rest = in->mem_len - in->raw_offset;

		got = (ssize_t)(rest < RAW_SIZE ? rest : RAW_SIZE);
		in->raw_pos = in->mem + in->raw_offset;
		in->raw_offset += (size_t)got;
	} else {
		got = raw_read(in, in->raw, RAW_SIZE);
		in->raw_pos = in->raw;
	}
	if (got < 0)
		return -1;
	in->raw_len = (size_t)got;
	if (in->mem ? in->raw_offset == in->mem_len : got == 0)
		in->raw_eof = true;
	return got;
}

static ssize_t fill_plain(struct pb_input *in, char *dst, size_t space)
{
	size_t n;

	/* straight into the window: plain files are never copied twice */
	if (!in->raw_len && !in->mem)
		return raw_read(in, dst, space);
	if (!in->raw_len && raw_fetch(in) <= 0)
		return in->failed ? -1 : 0;
	n = in->raw_len < space ? in->raw_len : space;
	memcpy(dst, in->raw_pos, n);
	in->raw_pos += n;
	in->raw_len -= n;
	return (ssize_t)n;
}

/* Returns bytes decompressed into dst, 0 at the clean end, -1 on error.
 * Output that preceded an error is returned first; failed is already set,
 * so the next fill reports the error. */
static ssize_t fill_decoded(struct pb_input *in, char *dst, size_t space)
{
	enum pb_decode_status status;
	size_t produced = 0, before;

	for (;;) {
		if (!in->raw_len && !in->raw_eof && raw_fetch(in) < 0)
			return -1;
		before = in->raw_len;
		status = pb_decoder_run(in->dec, &in->raw_pos, &in->raw_len, in->raw_eof,
					dst, space, &produced, in->errmsg, sizeof(in->errmsg));
		if (status == PB_DECODE_ERROR) {
			in->failed = true;
			return produced ? (ssize_t)produced : -1;
		}
		if (produced || status == PB_DECODE_END)
			return (ssize_t)produced;
		/* the decoders promise progress; a hang would be worse than this */
		if (in->raw_len == before && (in->raw_len || in->raw_eof)) {
			set_error(in, "decompressor made no progress");
			return -1;
		}
	}
}

static void compact(struct pb_input *in)
{
	size_t unread = in->len - in->pos;

	memmove(in->win, in->win + in->pos, unread);
	in->nul_from = in->nul_at = SIZE_MAX;	/* the offsets moved */
	in->win_offset += in->pos;
	in->pos = 0;
	in->len = unread;
	in->can_unget = false;
}

static ssize_t fill_source(struct pb_input *in, char *dst, size_t space)
{
	ssize_t got;

	if (in->comp == PB_COMP_NONE)
		return fill_plain(in, dst, space);
	got = fill_decoded(in, dst, space);
	if (got > 0)
		pb_sha256_update(&in->content_sha, dst, (size_t)got);
	return got;
}

/* The trace text of wrapped input: at least one byte, 0 at the end (an
 * error when there was none), -1 on error. */
static ssize_t fill_unwrapped(struct pb_input *in, char *dst, size_t space)
{
	size_t out = 0, used;
	ssize_t got;

	while (!out) {
		if (in->stage_pos == in->stage_len) {
			/* read to the end once: a terminal would want a second ^D */
			got = in->source_ended ? 0 : fill_source(in, in->stage, WINDOW_SIZE);
			if (got < 0)
				return -1;
			if (!got) {
				in->source_ended = true;
				/* what the unwrapper still holds (the last journal entry) */
				out = pb_unwrap_run(in->unwrap, in->stage, 0, &used, dst, space);
				if (out)
					return (ssize_t)out;
				if (pb_unwrap_end(in->unwrap)) {
					set_error(in, pb_unwrap_end(in->unwrap));
					return -1;
				}
				return 0;
			}
			in->stage_pos = 0;
			in->stage_len = (size_t)got;
		}
		out = pb_unwrap_run(in->unwrap, in->stage + in->stage_pos,
				    in->stage_len - in->stage_pos, &used, dst, space);
		in->stage_pos += used;
	}
	return (ssize_t)out;
}

/* The first bytes say whether the text is wrapped: then they are moved to
 * the staging buffer and everything goes through the unwrapper. */
static ssize_t check_wrapper(struct pb_input *in, char *dst, ssize_t got)
{
	enum pb_wrapper w;
	ssize_t more = 1;

	/* a pipe may hand over only a few bytes first; reading on is needed
	 * only while they could start a wrapper */
	while (more > 0 && pb_wrapper_undecided(dst, (size_t)got)) {
		more = fill_source(in, dst + got, WINDOW_SIZE - in->len - (size_t)got);
		/* an error is reported by the next fill (failed is set), after
		 * the bytes that came before it */
		if (more > 0)
			got += more;
	}
	w = pb_detect_wrapper(dst, (size_t)got);
	in->wrap_checked = true;
	if (w == PB_WRAP_NONE)
		return got;
	in->unwrap = pb_unwrap_new(w);
	in->stage = pb_malloc(WINDOW_SIZE);
	memcpy(in->stage, dst, (size_t)got);
	in->stage_len = (size_t)got;
	return fill_unwrapped(in, dst, WINDOW_SIZE - in->len);
}

/* A UTF-8 byte order mark (Windows editors write one) is no part of the
 * first line: it is taken as read, as a decompressed file's magic is, so
 * that the line numbers stay what they are and the window's offsets those
 * of the file (a mapping goes on from them); pb_input_offset() does not
 * count it. GOT bytes were just read into the empty window. */
static void skip_bom(struct pb_input *in, ssize_t got)
{
	if (got >= 3 && !in->unwrap && in->len == 0 && !memcmp(in->win, "\xef\xbb\xbf", 3))
		in->pos = in->bom_len = 3;
}

/* Appends to the window; returns bytes added, 0 at EOF, -1 on error.
 * Callers make sure the window is not full of unread bytes. */
ssize_t input_fill(struct pb_input *in)
{
	char *dst;
	ssize_t got;

	if (in->failed)
		return -1;
	if (in->eof)
		return 0;
	if (input_map_ready(in)) {
		got = input_map_fill(in);
		if (got)
			return got;
		/* 0: the mapping's end, read() goes on (-1 if it cannot) */
		if (in->failed)
			return -1;
	}
	if (in->pos == in->len || (in->pos && WINDOW_SIZE - in->len < COMPACT_BELOW))
		compact(in);
	dst = in->win + in->len;
	if (in->unwrap)
		got = fill_unwrapped(in, dst, WINDOW_SIZE - in->len);
	else
		got = fill_source(in, dst, WINDOW_SIZE - in->len);
	if (got > 0 && !in->wrap_checked) {
		got = check_wrapper(in, dst, got);
		skip_bom(in, got);
	}
	if (got < 0) {
		in->failed = true;
		return -1;
	}
	if (!got)
		in->eof = true;
	in->len += (size_t)got;
	return got;
}

/* Drops the rest of a too-long line, up to and including its '\n'. */
static int skip_rest_of_line(struct pb_input *in)
{
	const char *nl;
	ssize_t got;

	for (;;) {
		nl = memchr(in->win + in->pos, '\n', in->len - in->pos);
		if (nl) {
			in->pos = (size_t)(nl - in->win) + 1;
			break;
		}
		in->pos = in->len;
		got = input_fill(in);
		if (got < 0)
			return -1;
		if (!got)
			break;
	}
	in->skip_rest = false;
	return 0;
}

/* Before anything but getline reads on: no line can be put back then. */
int input_leave_lines(struct pb_input *in)
{
	in->can_unget = false;
	if (in->skip_rest && skip_rest_of_line(in) < 0)
		return -1;
	return 0;
}

static struct pb_input *input_new(const char *path, const char *name)
{
	struct pb_input *in = pb_calloc(1, sizeof(*in));

	in->path = pb_strdup(path);
	in->name = pb_strdup(name);
	in->fd = -1;
	in->wake[0] = in->wake[1] = -1;
	in->nul_from = in->nul_at = SIZE_MAX;
	in->win = in->win_buf = pb_malloc(WINDOW_SIZE);
	in->map_slot = -1;
	pb_sha256_init(&in->sha);
	pb_sha256_init(&in->content_sha);
	return in;
}

static int start_decoder(struct pb_input *in, const unsigned char *head, size_t n,
			 char *err, size_t errlen)
{
	in->comp = pb_detect_compression(head, n);
	if (in->comp == PB_COMP_NONE)
		return 0;
	in->dec = pb_decoder_new(in->comp, err, errlen);
	return in->dec ? 0 : -1;
}

int input_open_fd(const char *path, int *fd, bool *own, char *err, size_t errlen)
{
	struct stat st;

	if (!strcmp(path, "-")) {
		*fd = STDIN_FILENO;
		*own = false;
	} else {
		*fd = open(path, O_RDONLY | O_CLOEXEC);
		if (*fd < 0) {
			snprintf(err, errlen, "%s", strerror(errno));
			return -1;
		}
		*own = true;
	}
	if (fstat(*fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "is a directory");
		if (*own)
			close(*fd);
		return -1;
	}
	return 0;
}

/* Reads enough raw bytes to recognise the format. */
static int read_magic(struct pb_input *in)
{
	ssize_t got;

	in->raw_pos = in->raw;
	while (pb_compression_undecided(in->raw, in->raw_len)) {
		got = raw_read(in, in->raw + in->raw_len, RAW_SIZE - in->raw_len);
		if (got < 0)
			return -1;
		if (!got) {
			in->raw_eof = true;
			break;
		}
		in->raw_len += (size_t)got;
	}
	return 0;
}

struct pb_input *pb_input_open(const char *path, char *err, size_t errlen)
{
	struct pb_input *in;
	struct stat st;
	bool own;
	int fd;

	if (input_open_fd(path, &fd, &own, err, errlen))
		return NULL;
	in = input_new(path, own ? path : "<stdin>");
	in->fd = fd;
	in->own_fd = own;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		in->file_start = lseek(fd, 0, SEEK_CUR);
		if (in->file_start >= 0) {
			in->hash_later = true;
			if (st.st_size > in->file_start)
				in->raw_size = (uint64_t)(st.st_size - in->file_start);
		}
		posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}
	in->raw = pb_malloc(RAW_SIZE);
	if (read_magic(in)) {
		snprintf(err, errlen, "%s", in->errmsg);
		goto fail;
	}
	if (start_decoder(in, in->raw, in->raw_len, err, errlen))
		goto fail;
	if (in->hash_later)
		input_map_open(in, &st);
	return in;
fail:
	pb_input_close(in);
	return NULL;
}

struct pb_input *pb_input_open_memory(const void *data, size_t n, const char *name)
{
	struct pb_input *in = input_new(name ? name : "<memory>", name ? name : "<memory>");
	char err[128];

	in->mem = n ? data : (const unsigned char *)"";
	in->mem_len = n;
	in->raw_size = n;
	in->hash_later = true;
	in->raw_eof = !n;
	/* the decoders can only fail to start when out of memory */
	if (start_decoder(in, in->mem, n, err, sizeof(err)))
		pb_die("%s", err);
	return in;
}

void pb_input_close(struct pb_input *in)
{
	if (!in)
		return;
	if (in->own_fd)
		close(in->fd);
	for (int i = 0; i < 2; i++)
		if (in->wake[i] >= 0)
			close(in->wake[i]);
	input_map_close(in);
	pb_decoder_free(in->dec);
	pb_unwrap_free(in->unwrap);
	free(in->stage);
	free(in->raw);
	free(in->win_buf);
	free(in->path);
	free(in->name);
	free(in);
}

const char *pb_input_name(const struct pb_input *in)
{
	return in->name;
}

const char *pb_input_path(const struct pb_input *in)
{
	return in->path;
}

enum pb_compression pb_input_compression(const struct pb_input *in)
{
	return in->comp;
}

const char *pb_compression_name(enum pb_compression c)
{
	switch (c) {
	case PB_COMP_NONE:
		return "none";
	case PB_COMP_GZIP:
		return "gzip";
	case PB_COMP_XZ:
		return "xz";
	case PB_COMP_ZSTD:
		return "zstd";
	case PB_COMP_ZLIB:
		return "zlib";
	}
	return "unknown";
}

uint64_t pb_input_raw_size(const struct pb_input *in)
{
	return in->raw_size;
}

uint64_t pb_input_raw_offset(const struct pb_input *in)
{
	/* bytes still waiting in the raw buffer count as not yet consumed */
	return in->raw_offset - in->raw_len;
}

uint64_t pb_input_offset(const struct pb_input *in)
{
	return in->win_offset + in->pos - in->bom_len;
}

const char *pb_input_strerror(const struct pb_input *in)
{
	return in->errmsg[0] ? in->errmsg : "no error";
}

uint64_t pb_input_lineno(const struct pb_input *in)
{
	return in->lineno;
}

size_t pb_input_peek(struct pb_input *in, const char **data, size_t want)
{
	size_t have;
	ssize_t got;

	if (input_leave_lines(in))
		return (size_t)-1;
	if (want > WINDOW_SIZE)
		want = WINDOW_SIZE;
	while (in->len - in->pos < want) {
		got = input_fill(in);
		if (got < 0)
			return (size_t)-1;
		if (!got)
			break;
	}
	have = in->len - in->pos;
	*data = in->win + in->pos;
	return have < want ? have : want;
}

ssize_t pb_input_read(struct pb_input *in, void *buf, size_t n)
{
	size_t have;
	ssize_t got;

	if (input_leave_lines(in))
		return -1;
	while (in->pos == in->len) {
		got = input_fill(in);
		if (got <= 0)
			return got;
	}
	have = in->len - in->pos;
	if (n > have)
		n = have;
	memcpy(buf, in->win + in->pos, n);
	in->pos += n;
	return (ssize_t)n;
}

static enum pb_line_status take_line(struct pb_input *in, size_t end, size_t eol_len,
				     const char **line, size_t *len)
{
	size_t start = in->pos, n = end - start;

	in->line_start = start;
	in->can_unget = true;
	in->pos = end + eol_len;
	in->lineno++;
	if (n && in->win[end - 1] == '\r')
		n--;
	in->line_len = n;
	*line = in->win + start;
	if (n > PB_LINE_MAX) {
		*len = PB_LINE_MAX;
		return PB_LINE_TOO_LONG;
	}
	*len = n;
	return PB_LINE_OK;
}

/* No '\n' in sight: return the head now, skip the tail on the next read. */
static enum pb_line_status take_long_line(struct pb_input *in, const char **line, size_t *len)
{
	in->line_start = in->pos;
	in->can_unget = true;
	in->lineno++;
	*line = in->win + in->pos;
	*len = PB_LINE_MAX;
	in->line_len = PB_LINE_MAX;
	in->pos += PB_LINE_MAX;
	in->skip_rest = true;
	return PB_LINE_TOO_LONG;
}

enum pb_line_status pb_input_getline(struct pb_input *in, const char **line, size_t *len)
{
	size_t scanned = 0;	/* unread bytes known to hold no '\n' */
	const char *nl;
	ssize_t got;

	if (in->skip_rest && skip_rest_of_line(in) < 0)
		return PB_LINE_ERROR;
	for (;;) {
		nl = memchr(in->win + in->pos + scanned, '\n', in->len - in->pos - scanned);
		if (nl)
			return take_line(in, (size_t)(nl - in->win), 1, line, len);
		scanned = in->len - in->pos;
		if (scanned >= LONG_LINE_SEEN)
			return take_long_line(in, line, len);
		got = input_fill(in);
		if (got < 0)
			return PB_LINE_ERROR;
		if (!got) {
			if (in->pos == in->len)
				return PB_LINE_EOF;
			return take_line(in, in->len, 0, line, len);
		}
	}
}

/* The window offset of the first NUL in win[start, end), SIZE_MAX when
 * there is none; END is at most in->len. */
static size_t first_nul(struct pb_input *in, size_t start, size_t end)
{
	const char *nul;

	/* search again when [start, end) is not all in what was searched, or
	 * lies past the NUL found there */
	if (in->nul_from > start || in->nul_to < end ||
	    (in->nul_at != SIZE_MAX && in->nul_at < start)) {
		nul = memchr(in->win + start, '\0', in->len - start);
		in->nul_from = start;
		in->nul_to = in->len;
		in->nul_at = nul ? (size_t)(nul - in->win) : SIZE_MAX;
	}
	return in->nul_at < end ? in->nul_at : SIZE_MAX;
}

bool pb_input_line_has_nul(struct pb_input *in)
{
	return first_nul(in, in->line_start, in->line_start + in->line_len) != SIZE_MAX;
}

size_t pb_input_buffered(struct pb_input *in, const char **data)
{
	size_t nul;

	*data = in->win + in->pos;
	if (in->skip_rest || in->pos == in->len)
		return 0;
	nul = first_nul(in, in->pos, in->len);
	return (nul == SIZE_MAX ? in->len : nul) - in->pos;
}

void pb_input_take_lines(struct pb_input *in, size_t bytes, uint64_t lines)
{
	const char *last;

	if (!lines)
		return;
	/* the last line taken can be put back, as after pb_input_getline() */
	last = memrchr(in->win + in->pos, '\n', bytes - 1);
	in->line_start = last ? (size_t)(last - in->win) + 1 : in->pos;
	in->line_len = in->pos + bytes - 1 - in->line_start;
	if (in->line_len && in->win[in->line_start + in->line_len - 1] == '\r')
		in->line_len--;
	in->can_unget = true;
	in->pos += bytes;
	in->lineno += lines;
}

void pb_input_ungetline(struct pb_input *in)
{
	if (!in->can_unget)
		pb_die("pb_input_ungetline: no line to put back");
	in->pos = in->line_start;
	in->lineno--;
	in->skip_rest = false;
	in->can_unget = false;
}

int pb_input_cancelable(struct pb_input *in)
{
	/* Files and memory never block for long: only pipes and terminals
	 * need the wake-up descriptor. */
	if (in->fd < 0 || in->hash_later || in->wake[0] >= 0)
		return 0;
	return pipe2(in->wake, O_CLOEXEC | O_NONBLOCK);
}

void pb_input_cancel(struct pb_input *in)
{
	atomic_store(&in->cancelled, true);
	if (in->wake[1] >= 0 && write(in->wake[1], "", 1) < 0) {
		/* full: a wake-up byte is already waiting */
	}
}

void pb_input_wait_tick(struct pb_input *in, pthread_cond_t *cond, pthread_mutex_t *mu)
{
	struct timespec until;

	if (pb_interrupted) {
		pb_input_cancel(in);
		pthread_cond_wait(cond, mu);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += 50 * 1000 * 1000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(cond, mu, &until);
}
