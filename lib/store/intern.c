/* intern.c - in-memory maps from names, symbols and stacks to row ids, so
 * that each distinct string or stack is stored once. */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

static int slot_matches(const struct pb_idmap_slot *sl, uint64_t hash,
			const char *key, size_t len)
{
	if (sl->hash != hash)
		return 0;
	if (!key)
		return 1;
	return sl->keylen == len && !memcmp(sl->key, key, len);
}

int64_t pb_idmap_get(const struct pb_idmap *m, uint64_t hash, const char *key, size_t len)
{
	if (!m->cap)
		return 0;
	for (size_t i = hash & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		const struct pb_idmap_slot *sl = &m->slots[i];

		if (!sl->id)
			return 0;
		if (slot_matches(sl, hash, key, len))
			return sl->id;
	}
}

static void insert_slot(struct pb_idmap *m, struct pb_idmap_slot sl)
{
	size_t i = sl.hash & (m->cap - 1);

	while (m->slots[i].id)
		i = (i + 1) & (m->cap - 1);
	m->slots[i] = sl;
}

/* Empties a full map, keeping its slots for the ids to come. */
static void idmap_evict(struct pb_idmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	memset(m->slots, 0, m->cap * sizeof(*m->slots));
	m->n = 0;
	m->evicted = 1;
}

void pb_idmap_put(struct pb_idmap *m, uint64_t hash, const char *key, size_t len, int64_t id)
{
	struct pb_idmap_slot sl = { .hash = hash, .id = id, .keylen = len };

	if (m->budget && m->n >= m->budget)
		idmap_evict(m);
	if ((m->n + 1) * 2 > m->cap) {
		struct pb_idmap_slot *old = m->slots;
		size_t oldcap = m->cap;

		m->cap = m->cap ? m->cap * 2 : 1024;
		m->slots = pb_calloc(m->cap, sizeof(*m->slots));
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].id)
				insert_slot(m, old[i]);
		free(old);
	}
	if (key)
		sl.key = pb_strndup(key, len);
	insert_slot(m, sl);
	m->n++;
}

void pb_idmap_clear(struct pb_idmap *m)
{
	size_t budget = m->budget;

	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	memset(m, 0, sizeof(*m));
	m->budget = budget;
}

/* The id that statement ST (bound) finds in the store: 0 when none, -1 on
 * an error. */
static int64_t find_row(struct pb_store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;

	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		id = store_sql_error(s, what);
	sqlite3_reset(st);
	return id;
}

/* Puts the rows of SQL into MAP: (id, key, key length) rows, or (id, hash)
 * rows when KEYED is 0 (stacks are interned by hash alone). 0 or -1. */
static int load_map(struct pb_store *s, struct pb_idmap *map, const char *sql, int keyed)
{
	sqlite3_stmt *st = pb_store_prepare(s, sql);
	int rc;

	if (!st)
		return -1;
	while ((rc = pb_store_step(s, st)) > 0) {
		int64_t id = sqlite3_column_int64(st, 0);

		if (keyed) {
			const char *key = sqlite3_column_blob(st, 1);
			size_t n = (size_t)sqlite3_column_int64(st, 2);

			pb_idmap_put(map, pb_hash64(key, n), key, n, id);
		} else {
			pb_idmap_put(map, (uint64_t)sqlite3_column_int64(st, 1), NULL, 0, id);
		}
	}
	pb_store_finalize(st);
	return rc;
}

/* Loads the existing names, symbols and stacks of the store, once per
 * process, so interning needs no SELECT per record. The cache counts as
 * loaded only when every row was read: a half-loaded cache would intern
 * a second copy of what it missed. */
int store_load_interned(struct pb_store *s)
{
	if (s->interned_loaded)
		return 0;
	/* a store of any size: the maps keep the latest ids, the store the rest */
	s->names.budget = s->symbols.budget = PB_IDMAP_BUDGET;
	s->keysets.budget = s->stacks.budget = PB_IDMAP_BUDGET;
	if (load_map(s, &s->names, "SELECT id, text, length(CAST(text AS BLOB)) FROM name", 1) < 0 ||
	    load_map(s, &s->symbols, "SELECT id, name || char(0) || module, "
		     "length(name) + 1 + length(module) FROM symbol", 1) < 0 ||
	    load_map(s, &s->keysets, "SELECT id, keys, length(CAST(keys AS BLOB)) FROM keyset",
		     1) < 0 ||
	    load_map(s, &s->stacks, "SELECT id, hash FROM stack", 0) < 0) {
		store_forget_interned(s);
		return -1;
	}
	s->interned_loaded = 1;
	return 0;
}

void store_forget_interned(struct pb_store *s)
{
	pb_idmap_clear(&s->names);
	pb_idmap_clear(&s->symbols);
	pb_idmap_clear(&s->stacks);
	pb_idmap_clear(&s->keysets);
	store_keyset_cache_clear(&s->keyset_cache);
	/* a rollback takes the rows, and their ids, away */
	memset(s->tagged_ids, 0, sizeof(s->tagged_ids));
	s->interned_loaded = 0;
}

/* Id of TEXT in the store when MAP evicted some (statement FIND_ID): 0
 * when it has none, -1 on an error. */
static int64_t find_text(struct pb_store *s, struct pb_idmap *map, enum stmt_id find_id,
			 const char *text, size_t n, uint64_t h, const char *what)
{
	sqlite3_stmt *st = s->st[find_id];
	int64_t id;

	if (!map->evicted)
		return 0;
	sqlite3_bind_text(st, 1, text, (int)n, SQLITE_STATIC);
	id = find_row(s, st, what);
	if (id > 0)
		pb_idmap_put(map, h, text, n, id);
	return id;
}

/* Id of TEXT (hashed H) in a text-interning table (names, keysets),
 * inserted with statement ST when new. */
static int64_t intern_text(struct pb_store *s, struct pb_idmap *map, enum stmt_id st_id,
			   const char *text, size_t n, uint64_t h, const char *what)
{
	int64_t id = pb_idmap_get(map, h, text, n);
	sqlite3_stmt *st = s->st[st_id];

	if (!id)
		id = find_text(s, map, st_id == ST_NAME_INSERT ? ST_NAME_FIND : ST_KEYSET_FIND,
			       text, n, h, what);
	if (id)
		return id;
	sqlite3_bind_text(st, 1, text, (int)n, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return store_sql_error(s, what), -1;
	}
	sqlite3_reset(st);
	id = sqlite3_last_insert_rowid(s->db);
	pb_idmap_put(map, h, text, n, id);
	return id;
}

int64_t store_name_id_hashed(struct pb_store *s, const char *text, size_t n, uint64_t h)
{
	return intern_text(s, &s->names, ST_NAME_INSERT, text, n, h, "name");
}

int64_t store_name_id(struct pb_store *s, const char *text)
{
	size_t n = strlen(text);

	return store_name_id_hashed(s, text, n, pb_hash64(text, n));
}

int64_t store_keyset_id(struct pb_store *s, const char *keys, size_t len, uint64_t h)
{
	return intern_text(s, &s->keysets, ST_KEYSET_INSERT, keys, len, h, "keyset");
}

static int64_t symbol_id(struct pb_store *s, const struct pb_frame *f)
{
	const char *mod = f->module ? f->module : "";
	size_t nl = strlen(f->symbol), ml = strlen(mod);
	char key[512];
	size_t kl;
	uint64_t h;
	int64_t id;
	sqlite3_stmt *st = s->st[ST_SYMBOL_INSERT];

	if (nl + ml + 1 > sizeof(key)) {
		nl = nl < 300 ? nl : 300;
		ml = ml < 200 ? ml : 200;
	}
	memcpy(key, f->symbol, nl);
	key[nl] = '\0';
	memcpy(key + nl + 1, mod, ml);
	kl = nl + 1 + ml;
	h = pb_hash64(key, kl);
	id = pb_idmap_get(&s->symbols, h, key, kl);
	if (!id && s->symbols.evicted) {
		sqlite3_bind_text(s->st[ST_SYMBOL_FIND], 1, key, (int)nl, SQLITE_STATIC);
		sqlite3_bind_text(s->st[ST_SYMBOL_FIND], 2, key + nl + 1, (int)ml, SQLITE_STATIC);
		id = find_row(s, s->st[ST_SYMBOL_FIND], "symbol");
		if (id > 0)
			pb_idmap_put(&s->symbols, h, key, kl, id);
	}
	if (id)
		return id;
	sqlite3_bind_text(st, 1, key, (int)nl, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key + nl + 1, (int)ml, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return store_sql_error(s, "symbol"), -1;
	}
	sqlite3_reset(st);
	id = sqlite3_last_insert_rowid(s->db);
	pb_idmap_put(&s->symbols, h, key, kl, id);
	return id;
}

uint64_t store_stack_hash(const struct pb_frame *frames, size_t n, int user)
{
	uint64_t h = pb_hash64(&user, sizeof(user));

	for (size_t i = 0; i < n; i++) {
		const struct pb_frame *f = &frames[i];

		h ^= pb_hash64(f->symbol, strlen(f->symbol)) * 31;
		h = h * 1099511628211ull ^ f->offset;
		if (f->module)
			h ^= pb_hash64(f->module, strlen(f->module)) * 17;
		h *= 1099511628211ull;
	}
	return h ? h : 1;
}

/* "root;...;leaf" as FlameGraph's folded format wants it. */
static void fold_stack(struct pb_buf *b, const struct pb_frame *frames, size_t n)
{
	pb_buf_reset(b);
	for (size_t i = n; i-- > 0;) {
		pb_buf_adds(b, frames[i].symbol);
		if (frames[i].module) {
			pb_buf_adds(b, " [");
			pb_buf_adds(b, frames[i].module);
			pb_buf_addc(b, ']');
		}
		if (i)
			pb_buf_addc(b, ';');
	}
}

/* The statement that writes K frames, K a power of two up to 16. */
static sqlite3_stmt *frames_statement(struct pb_store *s, size_t k)
{
	switch (k) {
	case 16: return s->st[ST_FRAME_INSERT_16];
	case 8: return s->st[ST_FRAME_INSERT_8];
	case 4: return s->st[ST_FRAME_INSERT_4];
	case 2: return s->st[ST_FRAME_INSERT_2];
	default: return s->st[ST_FRAME_INSERT];
	}
}

/* Frames [first, first + K) of a stack through one statement. */
static int insert_frame_rows(struct pb_store *s, int64_t stack_id, const int64_t *syms,
			     const struct pb_frame *frames, size_t first, size_t k)
{
	sqlite3_stmt *st = frames_statement(s, k);

	for (size_t j = 0; j < k; j++) {
		size_t i = first + j;
		int base = (int)j * 4;

		sqlite3_bind_int64(st, base + 1, stack_id);
		sqlite3_bind_int64(st, base + 2, (int64_t)i);
		sqlite3_bind_int64(st, base + 3, syms[j]);
		if (frames[i].offset)
			sqlite3_bind_int64(st, base + 4, (int64_t)frames[i].offset);
		else
			sqlite3_bind_null(st, base + 4);
	}
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return store_sql_error(s, "frame");
	}
	sqlite3_reset(st);
	return 0;
}

/* A stack's N frames, the largest power of two of them up to 16 a
 * statement: a step has a cost of its own (a VDBE program run, a cursor
 * opened), which was most of the import of a trace whose stacks all
 * differ; 9 frames are two steps, not nine. */
static int insert_frames(struct pb_store *s, int64_t stack_id,
			 const struct pb_frame *frames, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t k = 16;
		int64_t syms[16];

		while (k > n - i)
			k >>= 1;
		for (size_t j = 0; j < k; j++)
			if ((syms[j] = symbol_id(s, &frames[i + j])) < 0)
				return -1;
		if (insert_frame_rows(s, stack_id, syms, frames, i, k) < 0)
			return -1;
		i += k;
	}
	return 0;
}

int64_t pb_store_stack(struct pb_store *s, const struct pb_frame *frames, size_t n, int user)
{
	return n ? store_stack_id(s, frames, n, user, store_stack_hash(frames, n, user)) : 0;
}

int64_t store_stack_id(struct pb_store *s, const struct pb_frame *frames, size_t n, int user,
		       uint64_t h)
{
	int64_t id;
	sqlite3_stmt *st = s->st[ST_STACK_INSERT];

	if (!n)
		return 0;
	id = pb_idmap_get(&s->stacks, h, NULL, 0);
	if (!id && s->stacks.evicted) {
		sqlite3_bind_int64(s->st[ST_STACK_FIND], 1, (int64_t)h);
		id = find_row(s, s->st[ST_STACK_FIND], "stack");
		if (id > 0)
			pb_idmap_put(&s->stacks, h, NULL, 0, id);
	}
	if (id)
		return id;
	if (!frames) {
		/* pb_store_prep_record() hands frames over with a stack's
		 * first record: this one came first, or the map was emptied */
		pb_error("%s: stack %016llx arrived without its frames", s->path,
			 (unsigned long long)h);
		return -1;
	}
	fold_stack(&s->scratch, frames, n);
	sqlite3_bind_int64(st, 1, (int64_t)h);
	sqlite3_bind_int64(st, 2, (int64_t)n);
	sqlite3_bind_int(st, 3, user);
	sqlite3_bind_text(st, 4, pb_buf_str(&s->scratch), (int)s->scratch.len, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, frames[0].symbol, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return store_sql_error(s, "stack"), -1;
	}
	sqlite3_reset(st);
	id = sqlite3_last_insert_rowid(s->db);
	if (insert_frames(s, id, frames, n) < 0)
		return -1;
	pb_idmap_put(&s->stacks, h, NULL, 0, id);
	return id;
}
