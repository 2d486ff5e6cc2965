/* sites.c - the call site of a stack: the first frame, from the leaf,
 * that the noise list does not skip. Stacks are interned, so each one is
 * reduced once and cached by id. */
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

struct site_slot {
	int64_t stack_id;	/* 0 = empty */
	struct site *site;
};

struct site_cache {
	struct pb_store *store;
	const struct pb_noise *noise;
	sqlite3_stmt *frames;
	struct site_slot *slots;
	size_t cap, n;
	struct pb_arena arena;
	struct site none;
};

struct site_cache *site_cache_new(struct pb_store *s, const struct pb_noise *n)
{
	struct site_cache *c = pb_calloc(1, sizeof(*c));

	c->store = s;
	c->noise = n;
	c->frames = pb_store_prepare(s,
		"SELECT y.name, y.module FROM frame f JOIN symbol y ON y.id = f.symbol_id "
		"WHERE f.stack_id = ? ORDER BY f.depth");
	if (!c->frames) {
		free(c);
		return NULL;
	}
	c->none.callsite = "(no stack)";
	return c;
}

void site_cache_free(struct site_cache *c)
{
	if (!c)
		return;
	sqlite3_finalize(c->frames);
	pb_arena_free(&c->arena);
	free(c->slots);
	free(c);
}

static struct site_slot *slot_for(struct site_cache *c, int64_t stack_id)
{
	size_t i = (size_t)pb_hash64(&stack_id, sizeof(stack_id)) & (c->cap - 1);

	while (c->slots[i].stack_id && c->slots[i].stack_id != stack_id)
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
		if (old[i].stack_id)
			*slot_for(c, old[i].stack_id) = old[i];
	free(old);
}

/* Walks the frames from the leaf to the first one that is not skipped. */
static struct site *reduce(struct site_cache *c, int64_t stack_id)
{
	struct site *site = pb_arena_alloc(&c->arena, sizeof(*site));
	sqlite3_stmt *st = c->frames;
	char func[256];
	int rc;

	memset(site, 0, sizeof(*site));
	site->has_stack = 1;
	sqlite3_bind_int64(st, 1, stack_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *module = (const char *)sqlite3_column_text(st, 1);
		enum frame_class cls;

		frame_func((const char *)sqlite3_column_text(st, 0), func, sizeof(func));
		cls = noise_classify(c->noise, func);
		if (cls == FRAME_SKIP)
			continue;
		site->callsite = pb_arena_strdup(&c->arena, func);
		site->module = module && *module ? pb_arena_strdup(&c->arena, module) : NULL;
		site->listed = cls == FRAME_COMMON;
		break;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return NULL;
	if (!site->callsite) {
		/* Every frame is machinery: the stack names no caller. */
		site->callsite = "(no call site)";
		site->listed = 1;
	}
	return site;
}

const struct site *site_of(struct site_cache *c, int64_t stack_id)
{
	struct site_slot *slot;

	if (stack_id <= 0)
		return &c->none;
	if (c->n * 2 >= c->cap)
		grow(c);
	slot = slot_for(c, stack_id);
	if (!slot->stack_id) {
		slot->site = reduce(c, stack_id);
		if (!slot->site)
			return NULL;
		slot->stack_id = stack_id;
		c->n++;
	}
	return slot->site;
}

json_t *stack_frames_json(struct pb_store *s, int64_t stack_id)
{
	sqlite3_stmt *st = pb_store_prepare(s,
		"SELECT y.name, y.module FROM frame f JOIN symbol y ON y.id = f.symbol_id "
		"WHERE f.stack_id = ? ORDER BY f.depth");
	json_t *frames = json_array();
	struct pb_buf b = { 0 };

	if (!st)
		return frames;
	sqlite3_bind_int64(st, 1, stack_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *module = (const char *)sqlite3_column_text(st, 1);

		pb_buf_reset(&b);
		pb_buf_adds(&b, (const char *)sqlite3_column_text(st, 0));
		if (module && *module)
			pb_buf_addf(&b, " [%s]", module);
		json_array_append_new(frames, json_string(pb_buf_str(&b)));
	}
	sqlite3_finalize(st);
	pb_buf_free(&b);
	return frames;
}
