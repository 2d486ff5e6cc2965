/* evtext_lines.c - the lines of ftrace or trace-cmd report text read, and
 * looked at, on a thread of their own.
 *
 * Most of the work of parsing such text is in lines on their own: finding
 * their ends, reading an event line's columns (comm, pid, cpu, time) and
 * its event name. None of it depends on the lines before, so a thread can
 * do it a few batches ahead while evtext.c, on the caller's thread, keeps
 * the queue of events and their stacks, in file order as always. Each
 * batch holds its lines (a copy, as the input's window moves on, but for a
 * mapped file, whose bytes stay: pb_input_buffered_stays()), their line
 * numbers, and what each line said by itself (struct evtext_look).
 * Memory stays bounded: LINES_BATCHES batches of at most LINES_MAX lines
 * or about LINES_BYTES of text (one line may add PB_LINE_MAX).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evtext_int.h"

#define LINES_BATCHES 8
#define LINES_MAX 8192
#define LINES_BYTES (256u << 10)

struct line_batch {
	struct pb_buf text;	/* the lines copied */
	size_t bytes;		/* of the lines, copied or not */
	struct evtext_line *lines;
	size_t n;
	struct evtext_look *looks;	/* of the lines that are not frames */
	size_t nlooks;
	int end;		/* after the lines: 1 more, 0 EOF, -1 error */
	bool look;		/* its lines are looked at here (see lines_thread()) */
	uint64_t err_lineno;
	char err[256];
};

struct evtext_lines {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t filled, emptied;
	struct line_batch batch[LINES_BATCHES];
	size_t fill, take, nfull;
	int done;		/* the thread filled its last batch */
	int stop;		/* the consumer wants no more */

	struct pb_input *in;
	const struct pb_evtext_dialect *dialect;
	uint64_t *offset;	/* the parser's, for its progress */

	int holding;		/* batch[take] is the consumer's */
	bool always_look;	/* for tests: see evtext_lines_start() */
};

void evtext_look(const struct pb_evtext_dialect *d, const char *text, size_t len,
		 struct evtext_look *look)
{
	const char *end = text + len, *s = pb_skip_blanks(text, end);

	look->frame = end - s >= 2 && s[0] == '=' && s[1] == '>';
	if (look->frame)
		return;
	look->ctx_rc = pb_text_context(text, len, &look->c, &look->why);
	if (look->ctx_rc < 0)
		return;
	look->ev.body = NULL;
	look->ev.body_len = 0;
	look->ev.why = PB_BAD_SYNTAX;
	look->kind = d->classify(look->c.rest, look->c.rest_len, &look->ev);
}

/* The batch's text never moves once reserved: a batch stops taking lines
 * at LINES_BYTES, and a line is at most PB_LINE_MAX (and its NUL). */
#define BATCH_TEXT (LINES_BYTES + PB_LINE_MAX + 1)

/* The next entry of B: TEXT (in B's text), LEN bytes, not looked at. */
static struct evtext_line *add_entry(struct line_batch *b, const char *text, size_t len,
				     uint64_t lineno, enum pb_line_status status, bool has_nul,
				     uint32_t frames)
{
	struct evtext_line *line = &b->lines[b->n++];

	line->text = text;
	line->len = len;
	line->lineno = lineno;
	line->status = status;
	line->has_nul = has_nul;
	line->look = NULL;
	line->frames = frames;
	return line;
}

/* A line of B, with what it says by itself when B's lines are looked at
 * here. */
static void add_line(struct evtext_lines *l, struct line_batch *b, const char *text,
		     size_t len, uint64_t lineno, enum pb_line_status status, bool has_nul)
{
	struct evtext_line *line = add_entry(b, text, len, lineno, status, has_nul, 0);

	/* a frame line is left to process_line(): it looks only at its head */
	if (b->look && status == PB_LINE_OK && !has_nul) {
		struct evtext_look *look = &b->looks[b->nlooks];

		evtext_look(l->dialect, text, len, look);
		if (!look->frame) {
			line->look = look;
			b->nlooks++;
		}
	}
}

/* A line from pb_input_getline(), copied. */
static void copy_line(struct evtext_lines *l, struct line_batch *b, const char *text,
		      size_t len, enum pb_line_status status, bool has_nul)
{
	char *copy = b->text.data + b->text.len;

	memcpy(copy, text, len);
	b->text.len += len;
	b->bytes += len;
	add_line(l, b, copy, len, pb_input_lineno(l->in), status, has_nul);
}

/* Frame line S (LEN bytes, with its '\n') added to the run of frame
 * lines RUN ends with, or as a new run (returned). */
static struct evtext_line *add_frame(struct line_batch *b, struct evtext_line *run,
				     const char *s, size_t len, uint64_t lineno)
{
	if (run && run->text + run->len == s) {
		run->len += len;
		run->frames++;
		return run;
	}
	return add_entry(b, s, len, lineno, PB_LINE_OK, false, 1);
}

/* The whole lines at the head of the input's buffer, taken in one go
 * (copied, unless they stay where they are), each what pb_input_getline()
 * would return for it, but a run of frame lines one entry. Returns how many
 * entries (0: let pb_input_getline() read the next line). */
static size_t take_buffered(struct evtext_lines *l, struct line_batch *b)
{
	const char *data, *s, *end, *nl, *text;
	size_t n = pb_input_buffered(l->in, &data), room = LINES_BYTES - b->bytes;
	uint64_t lineno = pb_input_lineno(l->in), first_lineno = lineno;
	size_t first = b->n;
	bool copied = !pb_input_buffered_stays(l->in);
	struct evtext_line *run = NULL;

	if (n > room)
		n = room;
	nl = n ? memrchr(data, '\n', n) : NULL;
	if (!nl)
		return 0;
	n = (size_t)(nl - data) + 1;
	text = data;
	if (copied)
		text = memcpy(b->text.data + b->text.len, data, n);
	end = text + n;
	for (s = text; s < end && b->n < LINES_MAX; s = nl + 1) {
		size_t len;

		nl = evtext_find_newline(s, end);
		len = (size_t)(nl - s);
		if (len > PB_LINE_MAX)
			break;
		if (evtext_is_frame(s, nl)) {
			run = add_frame(b, run, s, len + 1, ++lineno);
			continue;
		}
		run = NULL;
		if (len && s[len - 1] == '\r')	/* as pb_input_getline() */
			len--;
		add_line(l, b, s, len, ++lineno, PB_LINE_OK, false);
	}
	if (copied)
		b->text.len += (size_t)(s - text);
	b->bytes += (size_t)(s - text);
	pb_input_take_lines(l->in, (size_t)(s - text), lineno - first_lineno);
	return b->n - first;
}

/* Reads lines into B until it is full or the input ends. */
static void read_batch(struct evtext_lines *l, struct line_batch *b)
{
	const char *text;
	size_t len;

	pb_buf_reset(&b->text);
	pb_buf_reserve(&b->text, BATCH_TEXT);
	b->n = b->nlooks = b->bytes = 0;
	b->end = 1;
	while (b->n < LINES_MAX && b->bytes < LINES_BYTES) {
		if (pb_interrupted) {
			b->end = -1;
			b->err_lineno = pb_input_lineno(l->in);
			snprintf(b->err, sizeof(b->err), "interrupted");
			return;
		}
		if (take_buffered(l, b))
			continue;
		switch (pb_input_getline(l->in, &text, &len)) {
		case PB_LINE_OK:
			copy_line(l, b, text, len, PB_LINE_OK, pb_input_line_has_nul(l->in));
			continue;
		case PB_LINE_TOO_LONG:
			copy_line(l, b, text, len, PB_LINE_TOO_LONG, false);
			continue;
		case PB_LINE_EOF:
			b->end = 0;
			return;
		case PB_LINE_ERROR:
			b->end = -1;
			b->err_lineno = pb_input_lineno(l->in);
			snprintf(b->err, sizeof(b->err), "%s", pb_input_strerror(l->in));
			return;
		}
	}
}

static void *lines_thread(void *arg)
{
	struct evtext_lines *l = arg;
	int end = 1;

	while (end == 1) {
		struct line_batch *b;

		pthread_mutex_lock(&l->mu);
		while (l->nfull == LINES_BATCHES && !l->stop)
			pthread_cond_wait(&l->emptied, &l->mu);
		if (l->stop) {
			pthread_mutex_unlock(&l->mu);
			break;
		}
		b = &l->batch[l->fill];
		/* Looking at the lines is work either thread can do. While half
		 * the batches wait for the consumer it is the slower one and this
		 * thread looks at the lines; else it leaves them to the consumer:
		 * the two stay about as busy whatever the input. */
		b->look = l->always_look || l->nfull >= LINES_BATCHES / 2;
		pthread_mutex_unlock(&l->mu);

		read_batch(l, b);
		end = b->end;
		__atomic_store_n(l->offset, pb_input_raw_offset(l->in), __ATOMIC_RELAXED);

		pthread_mutex_lock(&l->mu);
		l->fill = (l->fill + 1) % LINES_BATCHES;
		l->nfull++;
		if (end != 1)
			l->done = 1;
		pthread_cond_signal(&l->filled);
		pthread_mutex_unlock(&l->mu);
	}
	return NULL;
}

struct evtext_lines *evtext_lines_start(struct pb_input *in, const struct pb_evtext_dialect *d,
					struct pb_parser *p, bool always_look)
{
	struct evtext_lines *l;

	if (pb_input_cancelable(in) < 0)
		return NULL;
	l = pb_calloc(1, sizeof(*l));
	l->in = in;
	l->dialect = d;
	l->always_look = always_look;
	l->offset = pb_parser_input_elsewhere(p);
	/* the lines a batch takes in place are behind the input's position
	 * until the consumer gives the batch back */
	pb_input_keep_behind(in, LINES_BATCHES * (size_t)LINES_BYTES);
	for (int i = 0; i < LINES_BATCHES; i++) {
		l->batch[i].lines = pb_malloc(LINES_MAX * sizeof(*l->batch[i].lines));
		l->batch[i].looks = pb_malloc(LINES_MAX * sizeof(*l->batch[i].looks));
	}
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->filled, NULL);
	pthread_cond_init(&l->emptied, NULL);
	if (pb_thread_start(&l->thread, lines_thread, l, "pinblame-lines")) {
		l->done = 1;	/* nothing to join */
		l->stop = 1;
		evtext_lines_stop(l);
		return NULL;
	}
	return l;
}

/* Waits for a filled batch, with the mutex held; a SIGINT reaches the
 * reading thread through its input (pb_input_wait_tick). */
static void wait_filled(struct evtext_lines *l)
{
	while (!l->nfull && !l->done)
		pb_input_wait_tick(l->in, &l->filled, &l->mu);
}

size_t evtext_lines_next(struct evtext_lines *l, const struct evtext_line **lines,
			 uint64_t *lineno, char *err, size_t errlen)
{
	struct line_batch *b = &l->batch[l->take];

	for (;;) {
		if (l->holding && b->end != 1) {
			/* the last batch stays held: its end is said again */
			if (b->end == 0)
				return 0;
			*lineno = b->err_lineno;
			snprintf(err, errlen, "%s", b->err);
			return (size_t)-1;
		}
		pthread_mutex_lock(&l->mu);
		if (l->holding) {
			l->holding = 0;
			l->take = (l->take + 1) % LINES_BATCHES;
			l->nfull--;
			pthread_cond_signal(&l->emptied);
		}
		wait_filled(l);
		if (!l->nfull) {
			/* done without a batch: only after a failed start */
			pthread_mutex_unlock(&l->mu);
			return 0;
		}
		l->holding = 1;
		b = &l->batch[l->take];
		pthread_mutex_unlock(&l->mu);
		if (b->n) {
			*lines = b->lines;
			return b->n;
		}
	}
}

void evtext_lines_stop(struct evtext_lines *l)
{
	if (!l)
		return;
	if (!l->stop) {
		int done;

		pthread_mutex_lock(&l->mu);
		l->stop = 1;
		done = l->done;
		pthread_cond_signal(&l->emptied);
		pthread_mutex_unlock(&l->mu);
		/* a read blocked on a pipe would hold the join up; an input read
		 * to its end stays usable (its hash reads what is left) */
		if (!done)
			pb_input_cancel(l->in);
		pthread_join(l->thread, NULL);
	}
	pthread_mutex_destroy(&l->mu);
	pthread_cond_destroy(&l->filled);
	pthread_cond_destroy(&l->emptied);
	for (int i = 0; i < LINES_BATCHES; i++) {
		pb_buf_free(&l->batch[i].text);
		free(l->batch[i].lines);
		free(l->batch[i].looks);
	}
	free(l);
}
