/* sites.c - the call site of a stack: the tracer's frames cut
 * (callsite.c), then the first frame from there that the noise roles do
 * not walk through. Stacks are interned, so each one is reduced once per
 * mode and cached by id. */
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

#define FRAMES_SQL \
	"SELECT y.name, y.module FROM frame f JOIN symbol y ON y.id = f.symbol_id " \
	"WHERE f.stack_id = ? ORDER BY f.depth"

struct site_slot {
	int64_t key;		/* stack id * MODE_NMODES + mode; 0 = empty */
	struct site *site;
};

/* One stack's frames while it is reduced. */
struct frames {
	const char **funcs, **modules;
	size_t n, cap;
	struct pb_arena strings;
};

struct site_cache {
	struct pb_store *store;
	const struct pb_noise *noise;
	struct probe_set probes;
	sqlite3_stmt *frames;
	sqlite3_stmt *folded;	/* prepared on first use by site_trimmed */
	struct site_slot *slots;
	size_t cap, n;
	struct pb_arena arena;
	struct frames scratch;
	struct site none;
};

/* The functions the store's kprobes probe: one event of each name says
 * where its probe is. */
static void probe_row(sqlite3_stmt *st, void *p)
{
	probe_set_add(p, column_text(st, 1), column_text(st, 0));
}

static int load_probes(struct pb_store *s, struct probe_set *p)
{
	return sql_rows_each(s,
		"SELECT text, location FROM (SELECT text, json_extract(f, '$.__probe') AS location "
		"FROM " NAMES_FIRST_FIELDS ") WHERE location IS NOT NULL", probe_row, p);
}

struct site_cache *site_cache_new(struct pb_store *s, const struct pb_noise *n)
{
	struct site_cache *c = pb_calloc(1, sizeof(*c));

	c->store = s;
	c->noise = n;
	c->frames = pb_store_prepare(s, FRAMES_SQL);
	if (!c->frames || load_probes(s, &c->probes) < 0) {
		site_cache_free(c);
		return NULL;
	}
	c->none.callsite = "(no stack)";
	return c;
}

const struct probe_set *site_probes(const struct site_cache *c)
{
	return &c->probes;
}

void site_cache_free(struct site_cache *c)
{
	if (!c)
		return;
	sqlite3_finalize(c->frames);
	sqlite3_finalize(c->folded);
	probe_set_free(&c->probes);
	pb_arena_free(&c->arena);
	pb_arena_free(&c->scratch.strings);
	free(c->scratch.funcs);
	free(c->scratch.modules);
	free(c->slots);
	free(c);
}

static struct site_slot *slot_for(struct site_cache *c, int64_t key)
{
	size_t i = (size_t)pb_hash64(&key, sizeof(key)) & (c->cap - 1);

	while (c->slots[i].key && c->slots[i].key != key)
		i = (i + 1) & (c->cap - 1);
	return &c->slots[i];
}

static void grow(struct site_cache *c)
{
	struct site_slot *old = c->slots;
	size_t oldcap = c->cap;

	c->cap = c->cap ? c->cap * 2 : 256;
	c->slots = pb_calloc(c->cap, sizeof(*c->slots));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key)
			*slot_for(c, old[i].key) = old[i];
	free(old);
}

static void frames_push(struct frames *f, const char *symbol, const char *module)
{
	char func[256];

	size_t cap = f->cap;

	/* two arrays of one length: the second grows as the first did */
	PB_GROW(f->funcs, f->n + 1, f->cap);
	PB_GROW(f->modules, f->n + 1, cap);
	frame_func(symbol ? symbol : "", func, sizeof(func));
	f->funcs[f->n] = pb_arena_strdup(&f->strings, func);
	f->modules[f->n++] = module && *module ? pb_arena_strdup(&f->strings, module) : NULL;
}

/* The frames of STACK_ID into C->scratch; 0 or -1. */
static int load_frames(struct site_cache *c, int64_t stack_id)
{
	sqlite3_stmt *st = c->frames;
	int rc;

	c->scratch.n = 0;
	pb_arena_reset(&c->scratch.strings);
	sqlite3_bind_int64(st, 1, stack_id);
	while ((rc = pb_store_step(c->store, st)) > 0)
		frames_push(&c->scratch, column_text(st, 0), column_text(st, 1));
	sqlite3_reset(st);
	return rc;
}

/* Cuts the tracer's frames, then walks to the first that is code. */
static struct site *reduce(struct site_cache *c, int64_t stack_id, enum stack_mode mode)
{
	struct site *site = pb_arena_alloc(&c->arena, sizeof(*site));
	struct frames *f = &c->scratch;
	struct stack_cut cut;
	char name[256];
	size_t at;
	int common;

	if (load_frames(c, stack_id) < 0)
		return NULL;
	memset(site, 0, sizeof(*site));
	site->has_stack = 1;
	cut = stack_cut(f->funcs, f->n, &c->probes);
	site->first = cut.first;
	site->cut_short = cut.cut_short;
	if (cut.cut_short) {
		/* a trampoline is nobody's call site: the callers were lost */
		site->callsite = "(stack cut)";
		site->listed = 1;
		return site;
	}
	at = callsite_pick(c->noise, f->funcs, f->n, cut.first, mode, &common);
	if (at == f->n) {
		/* Every frame is machinery: the stack names no caller. */
		site->callsite = "(no call site)";
		site->listed = 1;
		return site;
	}
	callsite_name(f->funcs[at], name, sizeof(name));
	site->callsite = pb_arena_strdup(&c->arena, name);
	site->module = f->modules[at] ? pb_arena_strdup(&c->arena, f->modules[at]) : NULL;
	site->listed = common;
	site->fault_alloc = mode == MODE_ALLOC && noise_is_fault(c->noise, f->funcs[at]);
	return site;
}

const struct site *site_of(struct site_cache *c, int64_t stack_id, enum stack_mode mode)
{
	struct site_slot *slot;
	int64_t key = stack_id * MODE_NMODES + (int64_t)mode;

	if (stack_id <= 0)
		return &c->none;
	if (c->n * 2 >= c->cap)
		grow(c);
	slot = slot_for(c, key);
	if (!slot->key) {
		slot->site = reduce(c, stack_id, mode);
		if (!slot->site)
			return NULL;
		slot->key = key;
		c->n++;
	}
	return slot->site;
}

/* Where the frames of STACK_ID past the tracer's begin, without a site:
 * past a tracepoint's frames (a kprobe's need the probe set). */
static size_t first_frame(struct pb_store *s, int64_t stack_id)
{
	sqlite3_stmt *st = pb_store_prepare(s, FRAMES_SQL);
	struct frames f = { 0 };
	size_t first = 0;

	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, stack_id);
	while (pb_store_step(s, st) > 0)
		frames_push(&f, column_text(st, 0), NULL);
	sqlite3_finalize(st);
	first = stack_cut(f.funcs, f.n, NULL).first;
	free(f.funcs);
	free(f.modules);
	pb_arena_free(&f.strings);
	return first;
}

/* "func" or "func [module]" of the frame row of ST. */
static const char *frame_text(sqlite3_stmt *st, struct pb_buf *b)
{
	pb_buf_reset(b);
	return pb_site_name(b, column_text(st, 0), column_text(st, 1));
}

json_t *site_frames_json(struct pb_store *s, const struct site *site, int64_t stack_id)
{
	sqlite3_stmt *st = pb_store_prepare(s,
		"SELECT y.name, y.module FROM frame f JOIN symbol y ON y.id = f.symbol_id "
		"WHERE f.stack_id = ? AND f.depth >= ? ORDER BY f.depth");
	size_t first = site && site->has_stack ? site->first : first_frame(s, stack_id);
	json_t *frames = json_array();
	struct pb_buf b = { 0 };

	if (!st)
		return frames;
	sqlite3_bind_int64(st, 1, stack_id);
	sqlite3_bind_int64(st, 2, (int64_t)first);
	while (pb_store_step(s, st) > 0)
		json_array_append_new(frames, pb_json_text(frame_text(st, &b)));
	sqlite3_finalize(st);
	pb_buf_free(&b);
	return frames;
}

json_t *stack_frames_json(struct pb_store *s, int64_t stack_id)
{
	return site_frames_json(s, NULL, stack_id);
}

#define FOLDED_SQL \
	"SELECT y.name, y.module FROM frame f JOIN symbol y ON y.id = f.symbol_id " \
	"WHERE f.stack_id = ? AND f.depth >= ? ORDER BY f.depth DESC"

/* The frames of STACK_ID from depth FIRST, root first, joined by ';' into
 * B, read with ST, which is left reset for the next stack. */
static int folded_from(struct pb_store *s, sqlite3_stmt *st, int64_t stack_id, size_t first,
		       struct pb_buf *b)
{
	struct pb_buf frame = { 0 };
	int rc, n = 0;

	pb_buf_reset(b);
	sqlite3_bind_int64(st, 1, stack_id);
	sqlite3_bind_int64(st, 2, (int64_t)first);
	while ((rc = pb_store_step(s, st)) > 0)
		pb_buf_addf(b, "%s%s", n++ ? ";" : "", frame_text(st, &frame));
	sqlite3_reset(st);
	pb_buf_free(&frame);
	return rc;
}

int site_folded(struct pb_store *s, const struct site *site, int64_t stack_id, struct pb_buf *b)
{
	sqlite3_stmt *st = pb_store_prepare(s, FOLDED_SQL);
	size_t first = site && site->has_stack ? site->first : first_frame(s, stack_id);
	int rc;

	pb_buf_reset(b);
	if (!st)
		return -1;
	rc = folded_from(s, st, stack_id, first, b);
	sqlite3_finalize(st);
	return rc;
}

/* The site's first frame is worked out as site_of() does, but nothing is
 * kept: a walk over every stack of a store (export) then holds one stack
 * at a time, not a site per stack, and reuses its two statements. */
int site_trimmed(struct site_cache *c, int64_t stack_id, struct pb_buf *b)
{
	size_t first;

	pb_buf_reset(b);
	if (!c->folded)
		c->folded = pb_store_prepare(c->store, FOLDED_SQL);
	if (!c->folded || load_frames(c, stack_id) < 0)
		return -1;
	first = stack_cut(c->scratch.funcs, c->scratch.n, &c->probes).first;
	return folded_from(c->store, c->folded, stack_id, first, b);
}
