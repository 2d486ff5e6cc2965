/* ahead.c - parsing on a thread of its own, a few batches ahead of the
 * consumer (import stores records while the next ones are parsed).
 *
 * The parsing thread fills batches of deep-copied records from a small
 * ring; the consumer hands them out one by one and gives a batch back when
 * it has gone past its last record. Memory stays bounded: AHEAD_BATCHES
 * batches of at most BATCH_RECORDS records or about BATCH_BYTES of text.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "parser_int.h"

#define AHEAD_BATCHES 4
#define BATCH_RECORDS 512
#define BATCH_BYTES (2u << 20)

struct ahead_batch {
	struct pb_arena arena;
	struct pb_record recs[BATCH_RECORDS];
	size_t n;
	uint64_t raw_offset;	/* input consumed after its last record */
};

struct parser_ahead {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t filled, emptied;
	struct ahead_batch batch[AHEAD_BATCHES];
	size_t fill, take;	/* ring positions: next batch to fill, to take */
	size_t nfull;		/* batches filled and not given back */
	int done;		/* the thread has filled its last batch */
	int rc;			/* its last parser_next_here() result */
	int stop;		/* the consumer wants no more */

	/* consumer side */
	int holding;		/* batch[take] is being handed out */
	size_t pos;		/* next record of batch[take] */
	uint64_t raw_offset;

	pb_record_prep_fn prep;
	void *prep_ctx;
};

static const char *copy_str(struct pb_arena *a, const char *s, size_t *bytes)
{
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s);
	*bytes += n + 1;
	return pb_arena_strndup(a, s, n);
}

static struct pb_frame *copy_frames(struct pb_arena *a, const struct pb_frame *src, size_t n,
				    size_t *bytes)
{
	struct pb_frame *f;

	if (!n)
		return NULL;
	f = pb_arena_alloc(a, n * sizeof(*f));
	*bytes += n * sizeof(*f);
	for (size_t i = 0; i < n; i++) {
		f[i] = src[i];
		f[i].symbol = copy_str(a, src[i].symbol, bytes);
		f[i].module = copy_str(a, src[i].module, bytes);
	}
	return f;
}

size_t pb_record_copy(struct pb_arena *a, struct pb_record *dst, const struct pb_record *src,
		      unsigned parts)
{
	size_t bytes = sizeof(*dst);

	*dst = *src;
	dst->comm = copy_str(a, src->comm, &bytes);
	dst->system = copy_str(a, src->system, &bytes);
	dst->event = copy_str(a, src->event, &bytes);
	dst->body = parts & PB_COPY_BODY ? copy_str(a, src->body, &bytes) : "";
	dst->fields = NULL;
	if (src->nfields && (parts & PB_COPY_FIELDS)) {
		dst->fields = pb_arena_alloc(a, src->nfields * sizeof(*dst->fields));
		bytes += src->nfields * sizeof(*dst->fields);
		for (size_t i = 0; i < src->nfields; i++) {
			dst->fields[i].name = copy_str(a, src->fields[i].name, &bytes);
			dst->fields[i].value = copy_str(a, src->fields[i].value, &bytes);
		}
	}
	dst->frames = parts & PB_COPY_FRAMES
		? copy_frames(a, src->frames, src->nframes, &bytes) : NULL;
	dst->uframes = parts & PB_COPY_UFRAMES
		? copy_frames(a, src->uframes, src->nuframes, &bytes) : NULL;
	return bytes;
}

/* Fills B; returns the last parser_next_here() result (1: more to come). */
static int fill_batch(struct pb_parser *p, struct parser_ahead *ah, struct ahead_batch *b)
{
	size_t bytes = 0;
	int rc = 1;

	pb_arena_reset(&b->arena);
	b->n = 0;
	while (b->n < BATCH_RECORDS && bytes < BATCH_BYTES) {
		struct pb_record *rec, *dst = &b->recs[b->n];

		if (pb_interrupted) {
			pb_parser_set_error(p, 0, "interrupted");
			return -1;
		}
		rc = parser_next_here(p, &rec);
		if (rc != 1)
			break;
		bytes += ah->prep ? ah->prep(&b->arena, dst, rec, ah->prep_ctx)
				  : pb_record_copy(&b->arena, dst, rec, PB_COPY_ALL);
		b->n++;
	}
	b->raw_offset = pb_input_raw_offset(p->in);
	return rc;
}

static void *parse_thread(void *arg)
{
	struct pb_parser *p = arg;
	struct parser_ahead *ah = p->ahead;
	int rc = 1;

	while (rc == 1) {
		struct ahead_batch *b;

		pthread_mutex_lock(&ah->mu);
		while (ah->nfull == AHEAD_BATCHES && !ah->stop)
			pthread_cond_wait(&ah->emptied, &ah->mu);
		if (ah->stop) {
			pthread_mutex_unlock(&ah->mu);
			break;
		}
		b = &ah->batch[ah->fill];
		pthread_mutex_unlock(&ah->mu);

		rc = fill_batch(p, ah, b);

		pthread_mutex_lock(&ah->mu);
		ah->fill = (ah->fill + 1) % AHEAD_BATCHES;
		ah->nfull++;
		if (rc != 1) {
			ah->done = 1;
			ah->rc = rc;
		}
		pthread_cond_signal(&ah->filled);
		pthread_mutex_unlock(&ah->mu);
	}
	return NULL;
}

static void ahead_free(struct parser_ahead *ah)
{
	pthread_mutex_destroy(&ah->mu);
	pthread_cond_destroy(&ah->filled);
	pthread_cond_destroy(&ah->emptied);
	for (int i = 0; i < AHEAD_BATCHES; i++)
		pb_arena_free(&ah->batch[i].arena);
	free(ah);
}

int pb_parser_run_ahead(struct pb_parser *p, pb_record_prep_fn prep, void *ctx)
{
	struct parser_ahead *ah;

	if (p->ahead)
		return 0;
	if (pb_input_cancelable(p->in) < 0)
		return -1;
	ah = pb_calloc(1, sizeof(*ah));
	ah->prep = prep;
	ah->prep_ctx = ctx;
	for (int i = 0; i < AHEAD_BATCHES; i++)
		ah->batch[i].arena.chunk_size = 256 * 1024;
	pthread_mutex_init(&ah->mu, NULL);
	pthread_cond_init(&ah->filled, NULL);
	pthread_cond_init(&ah->emptied, NULL);
	ah->raw_offset = pb_input_raw_offset(p->in);
	p->ahead = ah;
	/* Signals (SIGINT) go to the consumer, which then cancels the input
	 * the parsing thread may be blocked on. */
	if (pb_thread_start(&ah->thread, parse_thread, p, "pinblame-parse")) {
		p->ahead = NULL;
		ahead_free(ah);
		return -1;
	}
	return 0;
}

/* Waits for a filled batch, called with the mutex held; a SIGINT reaches
 * the parsing thread through its input (pb_input_wait_tick). */
static void wait_filled(struct pb_parser *p, struct parser_ahead *ah)
{
	while (!ah->nfull && !ah->done)
		pb_input_wait_tick(p->in, &ah->filled, &ah->mu);
}

int parser_ahead_next(struct pb_parser *p, struct pb_record **rec)
{
	struct parser_ahead *ah = p->ahead;
	struct ahead_batch *b = &ah->batch[ah->take];
	int rc;

	for (;;) {
		if (ah->holding && ah->pos < b->n) {
			*rec = &b->recs[ah->pos++];
			return 1;
		}
		pthread_mutex_lock(&ah->mu);
		if (ah->holding) {
			ah->holding = 0;
			ah->take = (ah->take + 1) % AHEAD_BATCHES;
			ah->nfull--;
			pthread_cond_signal(&ah->emptied);
		}
		wait_filled(p, ah);
		if (!ah->nfull) {
			rc = ah->rc;
			pthread_mutex_unlock(&ah->mu);
			return rc;
		}
		ah->holding = 1;
		ah->pos = 0;
		b = &ah->batch[ah->take];
		ah->raw_offset = b->raw_offset;
		pthread_mutex_unlock(&ah->mu);
	}
}

void parser_ahead_stop(struct pb_parser *p)
{
	struct parser_ahead *ah = p->ahead;

	if (!ah)
		return;
	pthread_mutex_lock(&ah->mu);
	ah->stop = 1;
	pthread_cond_signal(&ah->emptied);
	pthread_mutex_unlock(&ah->mu);
	/* A read blocked on a pipe would hold the join up. */
	pb_input_cancel(p->in);
	pthread_join(ah->thread, NULL);
	ahead_free(ah);
	p->ahead = NULL;
}

uint64_t pb_parser_raw_offset(const struct pb_parser *p)
{
	if (p->ahead)
		return p->ahead->raw_offset;
	if (p->input_elsewhere)
		return __atomic_load_n(&p->input_offset, __ATOMIC_RELAXED);
	return pb_input_raw_offset(p->in);
}

uint64_t *pb_parser_input_elsewhere(struct pb_parser *p)
{
	p->input_offset = pb_input_raw_offset(p->in);
	p->input_elsewhere = 1;
	return &p->input_offset;
}
