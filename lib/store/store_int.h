/* store_int.h - internals shared by the files of lib/store. */
#ifndef PINBLAME_STORE_INT_H
#define PINBLAME_STORE_INT_H

#include <sqlite3.h>

#include "pinblame/store.h"

extern const char pb_schema_sql[];
extern const char *const pb_schema_upgrade_sql[];
extern const char *const pb_schema_reader_sql[];

/* Map from a key (bytes, or only its 64-bit hash when KEY is NULL) to a
 * row id; open addressing, grows as needed. */
struct pb_idmap_slot {
	uint64_t hash;
	int64_t id;		/* 0 = empty slot */
	char *key;
	size_t keylen;
};
struct pb_idmap {
	struct pb_idmap_slot *slots;
	size_t cap, n;
	/* At most BUDGET entries (0: no limit): a full map is emptied, so
	 * that memory stays fixed whatever the input; EVICTED says a miss
	 * may be a row the store has (look there), not a new one. */
	size_t budget;
	int evicted;
};
/* The budget of the interning maps: 32,768 ids take 2 MiB of slots (a
 * real capture has tens of distinct stacks, a day of traces thousands). */
#define PB_IDMAP_BUDGET 32768
int64_t pb_idmap_get(const struct pb_idmap *m, uint64_t hash, const char *key, size_t len);
void pb_idmap_put(struct pb_idmap *m, uint64_t hash, const char *key, size_t len, int64_t id);
void pb_idmap_clear(struct pb_idmap *m);

/* A CMA allocation that has started and not yet finished, per task. */
struct pb_open_alloc {
	int32_t pid;
	int64_t id;
	int64_t busy_retries;
	char area[64];
};

/* Keys of each keyset by id, for pb_fields(); NULL until looked up. */
struct pb_keyset_cache {
	char **keys;
	size_t n;
};
void store_keyset_cache_clear(struct pb_keyset_cache *c);

enum stmt_id {
	ST_NAME_INSERT,
	ST_KEYSET_INSERT,
	ST_SYMBOL_INSERT,
	ST_STACK_INSERT,
	ST_FRAME_INSERT,
	ST_EVENT_INSERT,
	ST_ALLOC_START,
	ST_ALLOC_FINISH,
	ST_ALLOC_INSERT_WHOLE,
	ST_ALLOC_RETRIES,
	ST_BUSY_INSERT,
	ST_MIGRATION_INSERT,
	ST_EVIDENCE_INSERT,
	ST_INDEX_INSERT,
	ST_EVENT_INSERT_ROWS,
	ST_MIGRATION_INSERT_ROWS,
	/* a stack's frames 2, 4, 8 and 16 to a statement (1: ST_FRAME_INSERT) */
	ST_FRAME_INSERT_2,
	ST_FRAME_INSERT_4,
	ST_FRAME_INSERT_8,
	ST_FRAME_INSERT_16,
	/* the interned rows a map evicted (pb_idmap.evicted) */
	ST_NAME_FIND,
	ST_KEYSET_FIND,
	ST_SYMBOL_FIND,
	ST_STACK_FIND,
	ST_COUNT
};

/* The event ids of the block being imported, by name, until they go to
 * the event_index table (event_index.c). */
#define STORE_INDEX_BLOCK 65536
#define STORE_INDEX_SLOTS (2 * STORE_INDEX_BLOCK)
struct store_index {
	int64_t source_id;	/* of the ids noted */
	size_t n, nnames;
	int64_t id[STORE_INDEX_BLOCK];
	uint32_t name_of[STORE_INDEX_BLOCK];	/* of each id: which name below */
	int64_t grouped[STORE_INDEX_BLOCK];	/* the ids, name by name */
	/* the block's distinct names, in order of first appearance */
	uint32_t name_slot_of[STORE_INDEX_BLOCK];
	uint32_t name_start[STORE_INDEX_BLOCK], name_count[STORE_INDEX_BLOCK];
	/* name id by slot (0: free), and which name it is */
	int64_t slot_name[STORE_INDEX_SLOTS];
	uint32_t slot_index[STORE_INDEX_SLOTS];
};
/* Event rows are written STORE_EVENT_ROWS to a statement (record.c):
 * the cost of a statement (its start, cursor and end) was as much as the
 * row's. Their ids are given (the table's max + 1 on), and their text is
 * copied here until then: a record's text does not outlive the next one. */
#define STORE_EVENT_ROWS 16
#define STORE_EVENT_TEXT (16u << 10)
struct store_event_row {
	int64_t id, line, ts_ns, cpu, pid, tgid, comm_id, name_id, stack_id, ustack_id;
	int64_t keyset_id;	/* -1: no fields, vals NULL */
	uint32_t vals_off, vals_len, body_off, body_len;
	int has_body;
};
/* What a parameter of an event statement was bound to: a statement keeps
 * its parameters from one run to the next, and a bind costs as much as a
 * column's share of the insert (SQLite's mutex, the old value released),
 * so a value bound already is not bound again. */
enum { STORE_BOUND_UNKNOWN, STORE_BOUND_INT, STORE_BOUND_NULL };
struct store_bound {
	int64_t v;
	int state;
};
#define STORE_EVENT_COLUMNS 13
struct store_event_rows {
	int64_t next_id;	/* of the next event; 0: not read from the store yet */
	size_t n, text_len;
	struct store_event_row row[STORE_EVENT_ROWS];
	char text[STORE_EVENT_TEXT];
	/* of ST_EVENT_INSERT_ROWS and ST_EVENT_INSERT; forgotten at each
	 * source's first event */
	struct store_bound bound_rows[STORE_EVENT_ROWS * STORE_EVENT_COLUMNS];
	struct store_bound bound_one[STORE_EVENT_COLUMNS];
};
#define STORE_EVENT_INTO "INTO event(source_id, line, ts_ns, cpu, pid, tgid, " \
	"comm_id, name_id, stack_id, ustack_id, keyset_id, vals, body) VALUES "
#define STORE_EVENT_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define STORE_EVENT_ROW4 STORE_EVENT_ROW ", " STORE_EVENT_ROW ", " STORE_EVENT_ROW ", " \
	STORE_EVENT_ROW
/* OR ROLLBACK: a statement of several rows that could fail half way would
 * need a statement journal, which copies the page it changes first (64 KiB
 * pages); the ids are new and every NOT NULL column is bound, so no row
 * fails, and if one did the file's transaction would be rolled back anyway. */
#define STORE_EVENT_INSERT_SQL "INSERT " STORE_EVENT_INTO STORE_EVENT_ROW
#define STORE_EVENT_ROWS_SQL "INSERT OR ROLLBACK " STORE_EVENT_INTO \
	STORE_EVENT_ROW4 ", " STORE_EVENT_ROW4 ", " STORE_EVENT_ROW4 ", " STORE_EVENT_ROW4
/* Writes the event rows noted so far, and the migration rows (at commit). */
int store_events_flush(struct pb_store *s);

/* Migration rows go STORE_EVENT_ROWS to a statement too (typed.c): a
 * value is NULL, an integer, or text copied here. */
#define STORE_MIGRATION_COLUMNS 11
struct store_value {
	int type;		/* SQLITE_NULL, SQLITE_INTEGER or SQLITE_TEXT */
	int64_t i;
	uint32_t off, len;	/* text */
};
struct store_migration_rows {
	size_t n, text_len;
	struct store_value v[STORE_EVENT_ROWS][STORE_MIGRATION_COLUMNS];
	char text[4096];
};
#define STORE_MIGRATION_INTO "INTO migration(source_id, ts_ns, pid, comm, reason, " \
	"mode, succeeded, failed, stack_id, event_id, cma_alloc_id) VALUES "
#define STORE_MIGRATION_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define STORE_MIGRATION_ROW4 STORE_MIGRATION_ROW ", " STORE_MIGRATION_ROW ", " \
	STORE_MIGRATION_ROW ", " STORE_MIGRATION_ROW
#define STORE_MIGRATION_INSERT_SQL "INSERT " STORE_MIGRATION_INTO STORE_MIGRATION_ROW
/* OR ROLLBACK as for the event rows */
#define STORE_MIGRATION_ROWS_SQL "INSERT OR ROLLBACK " STORE_MIGRATION_INTO \
	STORE_MIGRATION_ROW4 ", " STORE_MIGRATION_ROW4 ", " STORE_MIGRATION_ROW4 ", " \
	STORE_MIGRATION_ROW4
/* Writes the migration rows noted so far; with DROP, forgets them. */
int store_migrations_flush(struct pb_store *s, int drop);
/* The numbers stored as migrate reasons and modes in the source being
 * imported, to be named by its kernel's release at its commit (typed.c):
 * bit V of seen[which][printed] for the number V. */
struct store_migrate_numbers {
	uint64_t rows;		/* migration rows of the source */
	uint64_t seen[2][2];
};
/* Names those numbers by RELEASE (the source's kernel, NULL when unknown)
 * once the source's migration rows are written. 0, or -1. */
int store_migrations_name(struct pb_store *s, const char *release);

#define STORE_INDEX_INSERT_SQL \
	"INSERT INTO event_index(source_id, name_id, first_id, n, ids) VALUES (?, ?, ?, ?, ?)"
/* Notes the event; writes the block when it is full or the source changes.
 * Ids come in ascending order: each row's ids ascend from its first_id, and
 * a name's rows, in first_id order, hold its ids in order. */
int store_index_add(struct pb_store *s, int64_t source_id, int64_t name_id, int64_t event_id);
/* Writes the ids noted so far (at commit). */
int store_index_flush(struct pb_store *s);
/* Forgets them (at rollback). */
void store_index_reset(struct store_index *x);
/* Writes the index rows of the events past id AFTER_EVENT, which have
 * none (a store upgraded to schema 3, the events of merged sources). */
int store_index_rebuild(struct pb_store *s, int64_t after_event);

/* What store_prep() worked out from an event's name, and the keyset of
 * the last record of that name, for the next records of it: a trace has
 * a few names, each printed with the same fields a million times over.
 * Direct-mapped by a hash of the event's name; a name or keyset too long
 * for it is worked out each time. */
#define STORE_PREP_MEMOS 64
struct store_prep_memo {
	uint32_t sys_len, event_len;	/* 0 event_len: empty */
	uint64_t name_hash;
	int typed;
	char name[128];		/* "system:event" */
	uint32_t keys_len;	/* 0: no keyset yet */
	uint64_t keys_hash;
	char keys[512];		/* a JSON array of names without escapes */
	/* The name, the keyset, each under a number that no other text
	 * has in this store: the thread that stores records keeps the ids
	 * of the last ones by that number (store_tagged_ids). */
	uint64_t name_tag, keys_tag;
};
/* Ids of the names and keysets of store_prep_memo by their tag, for the
 * thread that stores records: the id without hashing the text again or
 * comparing its bytes. Direct-mapped; emptied with the interning maps. */
#define STORE_TAGGED_IDS 128
struct store_tagged_id {
	uint64_t tag;		/* 0: empty */
	int64_t id;
};

struct pb_store {
	sqlite3 *db;
	char *path;
	/* A new store's file until it is put in place at PATH (aside.c), and
	 * the descriptor that holds its lock; NULL and -1 once in place. */
	char *aside;
	int aside_fd;
	enum pb_store_mode mode;
	int writable;
	int scratch_copy;	/* PB_STORE_SCRATCH: a private copy */
	sqlite3_stmt *st[ST_COUNT];
	int first_error;	/* SQLite result code of the first error (stmt.c) */
	struct pb_idmap names, symbols, stacks, keysets;
	struct pb_keyset_cache keyset_cache;
	int interned_loaded;
	int query_refused;	/* the authorizer refused the user's SQL (query.c) */

	/* the source being imported */
	int in_source;
	int64_t source_id;
	uint64_t events;
	uint64_t lost_events;
	uint64_t unpaired;
	int64_t record_comm_id;	/* the task name of the record being stored,
				 * 0 when none: busy ranges keep it */
	int64_t first_ts, last_ts;
	int64_t last_event_id;
	struct pb_open_alloc *open_allocs;
	size_t nopen, capopen;
	struct pb_buf scratch;
	struct pb_arena prep_arena;	/* store_prep() of records parsed here */
	/* Used by the thread that prepares records (pb_store_prep_record),
	 * one at a time: */
	struct pb_buf keys_json, vals_json;
	struct pb_idmap handlers;	/* 1 + typed handler by event name */
	struct store_prep_memo prep_memo[STORE_PREP_MEMOS];
	uint64_t prep_tags;	/* tags given out */
	struct pb_idmap sent_stacks;	/* stacks whose frames were handed over
					 * in this source */
	struct {			/* stack hashes by pb_record.frames_key */
		uint64_t key, hash;
	} keyed_hashes[256];
	/* Used by the thread that stores records: */
	struct store_tagged_id tagged_ids[STORE_TAGGED_IDS];
	struct store_index index;
	struct store_event_rows event_rows;
	struct store_migration_rows migration_rows;
	struct store_migrate_numbers migrate_numbers;
};

int store_prepare_all(struct pb_store *s);
void store_finalize_all(struct pb_store *s);
int store_load_interned(struct pb_store *s);
/* Empties the interning maps (after a rollback, or when other processes
 * may have added rows); they are loaded again on next use. */
void store_forget_interned(struct pb_store *s);
/* Id of the interned key list KEYS (a JSON array of field names) whose
 * pb_hash64() is H. */
int64_t store_keyset_id(struct pb_store *s, const char *keys, size_t len, uint64_t h);
/* Registers pb_fields(keyset_id, vals) on the connection: the JSON object
 * of an event's fields, for the analysis' json_extract(). */
int store_register_functions(struct pb_store *s);
int64_t store_name_id(struct pb_store *s, const char *text);
int64_t store_name_id_hashed(struct pb_store *s, const char *text, size_t n, uint64_t h);
/* The interning hash of a stack, and its id (0 for no frames). */
uint64_t store_stack_hash(const struct pb_frame *frames, size_t n, int user);
int64_t store_stack_id(struct pb_store *s, const struct pb_frame *frames, size_t n, int user,
		       uint64_t h);

/* What a record needs from the store that depends on the record alone,
 * worked out by store_prep() (on the parsing thread when it runs ahead). */
struct record_prep {
	const char *name;	/* "system:event" */
	size_t sys_len, name_len;
	uint64_t name_hash;
	size_t comm_len;	/* 0: no comm */
	uint64_t comm_hash;
	uint64_t stack_hash, ustack_hash;
	const char *keys, *vals;	/* JSON arrays of the field names, values */
	size_t keys_len, vals_len;
	uint64_t keys_hash;
	int keep_body;		/* the body says more than its fields */
	size_t body_len;	/* of the body kept */
	int typed;		/* store_typed_handler() of the record */
	uint64_t name_tag, keys_tag;	/* of the memo that had them; 0: none */
};

const struct record_prep *store_prep(struct pb_store *s, const struct pb_record *r,
				     struct pb_arena *a);
/* typed.c: which typed rows a record makes (0: none), and those rows. */
int store_typed_handler(const struct pb_record *r);
int store_typed_record(struct pb_store *s, const struct pb_record *r, int handler,
		       int64_t event_id, int64_t stack_id);
/* Closes allocations left open at the end of a source. */
void store_typed_finish(struct pb_store *s);

int store_sql_error(struct pb_store *s, const char *what);
/* Notes a store failure of code RC that SQLite did not report (the message
 * printed by the caller); returns -1. */
int store_failure(struct pb_store *s, int rc);

/* aside.c: the file a new store is built in, next to PATH. */
/* Removes the files of imports into PATH that were killed. */
void store_aside_remove_stale(const char *path);
/* Creates and locks a new file for the store PATH: its name, and its
 * descriptor in *FD; NULL (printed) on failure. */
char *store_aside_create(const char *path, int *fd);
/* Syncs ASIDE (open as FD) and links it to PATH unless PATH exists: 0 when
 * it is in place (ASIDE's name removed), 1 when PATH exists or cannot be
 * linked, -1 on failure (printed). */
int store_aside_place(const char *aside, int fd, const char *path);

/* open.c: a new store's first file is committed (source.c): the file it
 * was built in takes the store's name, or its sources are merged into the
 * store another import made meanwhile. 1, 0 when that store had the same
 * file, or -1. */
int put_in_place(struct pb_store *s);
/* Removes the file a new store was built in, if still there, once the
 * connections to it are closed (store.c, at close). */
void discard_aside(struct pb_store *s);

#endif
