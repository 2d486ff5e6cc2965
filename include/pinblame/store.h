/* store.h - the SQLite store: schema, versioning, import transactions,
 * interning of names, symbols and stacks, and the typed tables (doc/DESIGN.md,
 * "The store").
 *
 * One transaction per input file: pb_store_source_begin() opens it,
 * pb_store_source_commit() or pb_store_source_rollback() ends it, so an
 * interrupted or failed import leaves the store exactly as before.
 */
#ifndef PINBLAME_STORE_H
#define PINBLAME_STORE_H

#include <sqlite3.h>
#include <stdint.h>

#include "pinblame/parse.h"

/* Bumped whenever the schema changes; older binaries refuse newer stores. */
#define PB_SCHEMA_VERSION 7

enum pb_store_mode {
	PB_STORE_READ,		/* must exist; query_only */
	PB_STORE_WRITE,		/* created when missing */
	PB_STORE_WRITE_LARGE,	/* created when missing, with pages sized
				 * for a large import (see PB_STORE_LARGE) */
	PB_STORE_SCRATCH,	/* must exist; a private writable copy, for a
				 * store we may read but not write (warns) */
};
/* Input bytes from which a new store gets large pages. */
#define PB_STORE_LARGE (64ull << 20)

struct pb_store;

/* Default path: $PINBLAME_DB, else "./pinblame.db". */
const char *pb_store_default_path(void);

/* Opens (and creates or upgrades in WRITE mode) the store. On failure
 * prints "pinblame: CMD: PATH: why" and returns NULL; the caller exits
 * PB_EXIT_STORE. */
struct pb_store *pb_store_open(const char *path, enum pb_store_mode mode);
/* Opens the store to import into (MODE: a writing one). A store that does
 * not exist yet is built in a file of its own next to PATH, its data
 * written once, without a WAL, and put in place when its first file
 * commits (lib/store/aside.c); closed before that, it leaves nothing. */
struct pb_store *pb_store_open_import(const char *path, enum pb_store_mode mode);
/* Whether S is the store at its path (not a new one still built aside). */
int pb_store_in_place(const struct pb_store *s);
void pb_store_close(struct pb_store *s);
/* NULL, or why a store of this process is damaged (SQLite found it
 * corrupt or not a database), with what to do: a command that met one
 * exits PB_EXIT_STORE, saying it once. */
const char *pb_store_damage(void);
/* Whether we may write the store at PATH and its folder (or create it). */
int pb_store_writable(const char *path);
/* The trace time the sources on the kernel's clock span: 1 and *FIRST,
 * *LAST (ns); 0 when none has a time; -1 on a store error (printed). */
int pb_store_span(struct pb_store *s, int64_t *first, int64_t *last);
/* Sources imported into S; -1 on a store error (printed). */
int64_t pb_store_count_sources(struct pb_store *s);
sqlite3 *pb_store_db(struct pb_store *s);
const char *pb_store_path(const struct pb_store *s);

/* SQL over the event table's index by name (the table has no SQL index on
 * the name: see event_index.c).
 * PB_EVENTS_NAMED: a FROM clause of the events e of the index rows x, for
 * "WHERE x.name_id = ?"; "ORDER BY x.first_id" gives them in id order
 * without a sort.
 * PB_EVENT_IDS_OF(NAMES_SQL): the ids of the events whose name ids the
 * query NAMES_SQL gives, for "WHERE e.id IN " PB_EVENT_IDS_OF("?"). */
#define PB_EVENTS_NAMED "event_index x, json_each(x.ids) j JOIN event e ON e.id = j.value"
#define PB_EVENT_IDS_OF(names_sql) \
	"(SELECT j.value FROM event_index x, json_each(x.ids) j WHERE x.name_id IN (" \
	names_sql "))"

/* An event's fields without SQL's pb_fields(), for a pass over millions of
 * events that reads one or two fields of each (lib/store/fields.c): the
 * event row's keyset_id names the JSON array of its field names, its vals
 * holds the values in that order.
 * pb_store_keyset_keys: the names of keyset KEYSET_ID (kept for the life
 * of the store), NULL when there is none.
 * pb_fields_key_index: where KEY (spelled as in JSON, no escapes) is in
 * KEYS, -1 when it is not.
 * pb_fields_value_at: the INDEX-th value of VALS (LEN bytes) as written
 * between its quotes (escapes not undone) and its length in *N, NULL when
 * there are fewer values. */
const char *pb_store_keyset_keys(struct pb_store *s, int64_t keyset_id);
int pb_fields_key_index(const char *keys, const char *key);
const char *pb_fields_value_at(const char *vals, size_t len, int index, size_t *n);

/* Writes again the index rows by name of the sources whose rows do not
 * count all their events: those a pinblame older than schema 3 imported
 * into the store after a newer one had upgraded it. In a transaction. */
int pb_store_repair_index(struct pb_store *s);

/* --- running SQL (lib/store/stmt.c) --------------------------------
 * Every function here prints an error with the store's path and SQLite's
 * message, and the store remembers the first: pb_store_failed() tells a
 * command to exit PB_EXIT_STORE even when a loop stopped early on its own.
 * Nothing outside lib/store calls sqlite3_step() itself. */

/* Runs SQL (no results); -1 on failure. */
int pb_store_exec(struct pb_store *s, const char *sql);
/* Prepares SQL; NULL on failure. */
sqlite3_stmt *pb_store_prepare(struct pb_store *s, const char *sql);
/* Defines SQL function NAME of NARGS arguments on S's connection, FN
 * called with CTX as its user data (FN NULL removes it): a test that SQL
 * runs on each of a million rows, so that only the rows it passes reach
 * the caller. 0, or -1 (printed). */
int pb_store_define_function(struct pb_store *s, const char *name, int nargs,
			     void (*fn)(sqlite3_context *, int, sqlite3_value **), void *ctx);
/* Steps ST: 1 with a row, 0 when done, -1 on error (ST is then reset), so
 * "while (pb_store_step(s, st) > 0)" reads every row or stops at an error
 * the store remembers. */
int pb_store_step(struct pb_store *s, sqlite3_stmt *st);
/* Runs ST, which returns no row, and resets it: 0 or -1. */
int pb_store_run(struct pb_store *s, sqlite3_stmt *st);
/* The first column of ST's first row into *VALUE, and resets ST: 1 with a
 * row, 0 without (*VALUE untouched), -1 on error. */
int pb_store_first_int64(struct pb_store *s, sqlite3_stmt *st, int64_t *value);
/* Bind by name (":name"), for statements with more than a few parameters;
 * a name the SQL lacks is a bug and aborts. TEXT NULL binds NULL; TEXT
 * must live until the statement is reset. */
void pb_store_bind_int64(sqlite3_stmt *st, const char *name, int64_t value);
void pb_store_bind_text(sqlite3_stmt *st, const char *name, const char *text);
void pb_store_bind_null(sqlite3_stmt *st, const char *name);
void pb_store_finalize(sqlite3_stmt *st);
/* The first error of S (an SQLite result code), 0 when none. */
int pb_store_failed(const struct pb_store *s);
/* Whether any store of this process met an error: the dispatcher's last
 * guard, so that no command exits 0 after one. */
int pb_store_error_seen(void);
/* Whether a store this process was to read did not exist (no trace was
 * ever imported into it): the dispatcher exits 3 for it, not 4. */
int pb_store_was_missing(void);

/* The user's SQL of `pinblame query` (lib/store/query.c): one statement
 * that reads, compiled on S with an authorizer that refuses ATTACH,
 * PRAGMAs that set, and loading extensions. NULL after printing why (the
 * user's error: the store does not remember it). */
sqlite3_stmt *pb_store_prepare_query(struct pb_store *s, const char *sql);

/* --- import of one source ------------------------------------------ */

struct pb_source_info {
	const char *path;	/* as given on the command line */
	const char *sha256;	/* hex SHA-256 of the content (the bytes the
				 * parser reads, decompressed), or NULL when
				 * only known at the end (compressed, stdin) */
	const char *raw_sha256;	/* of the file's bytes as they are on disk,
				 * or NULL when not known yet (stdin) */
	const char *format;	/* pb_format_name() */
};

/* Source id of an imported file whose content or raw file has this hash
 * (a plain file's raw hash is its content hash), 0 when none, -1 on
 * error. */
int64_t pb_store_find_source(struct pb_store *s, const char *sha256);
/* The path source ID was imported from into BUF ("" when none). */
void pb_store_source_path(struct pb_store *s, int64_t id, char *buf, size_t len);
/* Another source that looks like the same capture as source ID in
 * another format (trace.dat and its trace-cmd report): as many events,
 * the first and the last less than a microsecond apart (a report rounds
 * to it), on the same clock, the first on the same CPU and task. Its id, 0 when none, -1 on error. */
int64_t pb_store_same_capture(struct pb_store *s, int64_t id);

/* Begins the transaction for one file. Returns 1 and sets *source_id,
 * 0 when a source with the same hash exists (nothing begun; *source_id is
 * the existing one), -1 on error. */
int pb_store_source_begin(struct pb_store *s, const struct pb_source_info *info,
			  int64_t *source_id);
/* Adds one record (event row, fields, stacks, typed rows). 0 or -1. */
int pb_store_add_record(struct pb_store *s, const struct pb_record *r);
/* The part of pb_store_add_record() that needs only the record (names,
 * hashes, fields JSON), as the pb_record_prep_fn of pb_parser_run_ahead()
 * with the store as context: the copy it makes holds only what
 * pb_store_add_record() reads (the frames of a stack the first time).
 * Records are prepared by one thread at a time, the parsing one while it
 * runs ahead. */
size_t pb_store_prep_record(struct pb_arena *a, struct pb_record *dst,
			    const struct pb_record *src, void *store);
/* Records COUNT lines of the current source not understood for WHY, the
 * first at FIRST_LINE reading EXAMPLE. 0 or -1. */
int pb_store_add_bad_lines(struct pb_store *s, enum pb_bad_reason why, uint64_t count,
			   uint64_t first_line, const char *example);
/* Whether a source of BYTES (decompressed) bytes is in the store. */
int pb_store_has_source_bytes(struct pb_store *s, uint64_t bytes);

struct pb_source_totals {
	uint64_t events;
	uint64_t bad_lines;
	uint64_t lines;
	uint64_t bytes;
	double seconds;
	const char *kernel;	/* may be NULL */
	const char *arch;	/* may be NULL */
	const char *page_size;	/* NULL, or the PAGE_SIZE the capture's own
				 * header says: the parser's "page_size" meta
				 * (else the release or arch may tell it) */
	const char *clock;	/* NULL, or the clock that is not the kernel's
				 * trace clock: the parser's "clock" meta */
	const char *sha256;	/* final content hash (needed when the info's
				 * was NULL) */
	const char *raw_sha256;	/* the raw file's, or NULL: the info's */
	uint64_t overwritten;	/* events lost that no record marks: those
				 * the buffer overwrote before the trace was
				 * read, as its header counts them */
};
/* Finishes typed tables (pairs left open are closed), writes the totals
 * and commits. Returns 1 when committed, 0 when the content turned out to
 * be imported already (rolled back, *source_id of begin is void), -1 on
 * error (rolled back). */
int pb_store_source_commit(struct pb_store *s, const struct pb_source_totals *t);
/* The events the source being imported lost: those its lines marked and
 * T's overwritten (before pb_store_source_commit()). */
uint64_t pb_store_source_lost(const struct pb_store *s, const struct pb_source_totals *t);
void pb_store_source_rollback(struct pb_store *s);

/* Links sources imported together (one `import` of a trace and its
 * kernel log) as one machine's boot: those whose time spans overlap and
 * whose kernels do not differ get the same boot id (the smallest source
 * id) and share the kernel and arch that one of them knows. 0 or -1. */
int pb_store_link_boot(struct pb_store *s, const int64_t *ids, size_t n);

/* Events stored for the current source so far. */
uint64_t pb_store_source_events(const struct pb_store *s);

/* Interned stack id for FRAMES (leaf first), 0 for an empty stack. */
int64_t pb_store_stack(struct pb_store *s, const struct pb_frame *frames, size_t n,
		       int user);

/* Marks the derived tables (failures, attributions) stale; the analysis
 * refreshes them before the next command that reads them. */
int pb_store_mark_dirty(struct pb_store *s);
int pb_store_is_dirty(struct pb_store *s);
int pb_store_mark_clean(struct pb_store *s);

/* --- merge of stores (fleet; lib/store/merge.c) -------------------- */

struct pb_merge_stats {
	uint64_t sources;	/* sources copied */
	uint64_t duplicates;	/* sources skipped: same content hash here */
	uint64_t events;	/* events of the copied sources */
};

/* Copies every source of the store at PATH whose content hash S does not
 * hold yet, with all its rows, in one transaction, and marks S dirty.
 * Prints the error and returns -1 on failure (S unchanged). */
int pb_store_merge(struct pb_store *s, const char *path, struct pb_merge_stats *st);

#endif
