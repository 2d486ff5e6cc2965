/* typed.c - the typed tables: CMA allocations paired per task, busy
 * ranges, migrations and page evidence, from the records as they stream
 * by. Pairing state lives for one source (one file). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate_names.h"
#include "store_int.h"

/* NULL as the printers spell it: 0000000000000000, (nil), (null), 0x0. */
static int is_null_pointer(const char *v)
{
	if (!v)
		return 0;
	if (!strcmp(v, "(nil)") || !strcmp(v, "(null)"))
		return 1;
	if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
		v += 2;
	if (!*v)
		return 0;
	for (; *v; v++)
		if (*v != '0')
			return 0;
	return 1;
}

static int64_t field_i64(const struct pb_record *r, const char *name)
{
	int64_t v;

	return pb_record_i64(r, name, &v) < 0 ? -1 : v;
}

/* Like field_i64, but a missing field is NULL in SQL rather than -1. */
static void bind_field(sqlite3_stmt *st, int col, const struct pb_record *r, const char *name)
{
	int64_t v;

	if (pb_record_i64(r, name, &v) < 0)
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_int64(st, col, v);
}

static void bind_id(sqlite3_stmt *st, int col, int64_t id)
{
	if (id > 0)
		sqlite3_bind_int64(st, col, id);
	else
		sqlite3_bind_null(st, col);
}

static void bind_pid(sqlite3_stmt *st, int col, int32_t pid)
{
	if (pid >= 0)
		sqlite3_bind_int(st, col, pid);
	else
		sqlite3_bind_null(st, col);
}

static void bind_ts(sqlite3_stmt *st, int col, int64_t ts)
{
	if (ts >= 0)
		sqlite3_bind_int64(st, col, ts);
	else
		sqlite3_bind_null(st, col);
}

static int step(struct pb_store *s, enum stmt_id id, const char *what)
{
	sqlite3_stmt *st = s->st[id];
	int rc = pb_store_run(s, st);

	sqlite3_clear_bindings(st);
	return rc;
}

static struct pb_open_alloc *find_open(struct pb_store *s, int32_t pid)
{
	for (size_t i = 0; i < s->nopen; i++)
		if (s->open_allocs[i].pid == pid)
			return &s->open_allocs[i];
	return NULL;
}

/* The allocation open on task PID. Events pasted without their task
 * columns (pid -1) go with an allocation that started without one. */
static int64_t open_alloc_id(struct pb_store *s, int32_t pid)
{
	struct pb_open_alloc *a = find_open(s, pid);

	return a ? a->id : 0;
}

static int save_retries(struct pb_store *s, const struct pb_open_alloc *a)
{
	sqlite3_stmt *st = s->st[ST_ALLOC_RETRIES];

	sqlite3_bind_int64(st, 1, a->busy_retries);
	sqlite3_bind_int64(st, 2, a->id);
	return step(s, ST_ALLOC_RETRIES, "cma_alloc");
}

static void close_open(struct pb_store *s, struct pb_open_alloc *a)
{
	save_retries(s, a);
	*a = s->open_allocs[--s->nopen];
}

static int alloc_start(struct pb_store *s, const struct pb_record *r, int64_t event_id,
		       int64_t stack_id)
{
	sqlite3_stmt *st = s->st[ST_ALLOC_START];
	struct pb_open_alloc *a = find_open(s, r->pid);
	const char *area = pb_record_field(r, "name");
	int64_t count = field_i64(r, "count");

	/* A start without its finish (trace cut, lost events): keep it open-
	 * ended rather than pair it with the wrong finish. */
	if (a) {
		s->unpaired++;
		close_open(s, a);
	}
	if (count < 0)
		count = field_i64(r, "request_count");
	sqlite3_bind_int64(st, 1, s->source_id);
	sqlite3_bind_text(st, 2, area, -1, SQLITE_STATIC);
	bind_pid(st, 3, r->pid);
	sqlite3_bind_text(st, 4, r->comm, -1, SQLITE_STATIC);
	bind_ts(st, 5, r->ts_ns);
	if (count >= 0)
		sqlite3_bind_int64(st, 6, count);
	bind_field(st, 7, r, "align");
	bind_id(st, 8, stack_id);
	sqlite3_bind_int64(st, 9, event_id);
	if (step(s, ST_ALLOC_START, "cma_alloc") < 0)
		return -1;
	PB_GROW(s->open_allocs, s->nopen + 1, s->capopen);
	a = &s->open_allocs[s->nopen++];
	memset(a, 0, sizeof(*a));
	a->pid = r->pid;
	a->id = sqlite3_last_insert_rowid(s->db);
	snprintf(a->area, sizeof(a->area), "%s", area ? area : "");
	return 0;
}

/* ok and errorno of a finish: errorno when the kernel has it (6.3+), else
 * the page pointer (NULL on failure; ACK cma_alloc_info: pfn -1, an
 * unsigned long: 0xffffffff on a 32-bit kernel, where no pfn reaches it). */
static void alloc_result(const struct pb_record *r, int *ok, int64_t *errorno)
{
	uint64_t pfn;

	*errorno = field_i64(r, "errorno");
	if (pb_record_field(r, "errorno")) {
		*ok = *errorno == 0;
		return;
	}
	*errorno = 0;
	if (pb_record_field(r, "page")) {
		*ok = !is_null_pointer(pb_record_field(r, "page"));
		return;
	}
	*ok = !(pb_record_u64(r, "pfn", &pfn) == 0 && (pfn == UINT64_MAX || pfn == UINT32_MAX));
}

static int alloc_whole(struct pb_store *s, const struct pb_record *r, int64_t event_id,
		       int64_t stack_id, int ok, int64_t errorno)
{
	sqlite3_stmt *st = s->st[ST_ALLOC_INSERT_WHOLE];

	sqlite3_bind_int64(st, 1, s->source_id);
	sqlite3_bind_text(st, 2, pb_record_field(r, "name"), -1, SQLITE_STATIC);
	bind_pid(st, 3, r->pid);
	sqlite3_bind_text(st, 4, r->comm, -1, SQLITE_STATIC);
	bind_ts(st, 5, r->ts_ns);
	bind_field(st, 6, r, "pfn");
	bind_field(st, 7, r, "count");
	bind_field(st, 8, r, "align");
	sqlite3_bind_int(st, 9, ok);
	if (pb_record_field(r, "errorno"))
		sqlite3_bind_int64(st, 10, errorno);
	bind_id(st, 11, stack_id);
	sqlite3_bind_int64(st, 12, event_id);
	return step(s, ST_ALLOC_INSERT_WHOLE, "cma_alloc");
}

static int alloc_finish(struct pb_store *s, const struct pb_record *r, int64_t event_id,
			int64_t stack_id)
{
	sqlite3_stmt *st = s->st[ST_ALLOC_FINISH];
	struct pb_open_alloc *a = find_open(s, r->pid);
	int ok;
	int64_t errorno;

	alloc_result(r, &ok, &errorno);
	if (!a) {
		/* cma_alloc_info follows its finish on ACK kernels: nothing new. */
		if (!strcmp(r->event, "cma_alloc_info"))
			return 0;
		return alloc_whole(s, r, event_id, stack_id, ok, errorno);
	}
	bind_ts(st, 1, r->ts_ns);
	bind_field(st, 2, r, "pfn");
	sqlite3_bind_int(st, 3, ok);
	if (pb_record_field(r, "errorno"))
		sqlite3_bind_int64(st, 4, errorno);
	sqlite3_bind_int64(st, 5, event_id);
	bind_field(st, 6, r, "count");
	bind_field(st, 7, r, "align");
	bind_id(st, 8, stack_id);
	sqlite3_bind_int64(st, 9, a->id);
	if (step(s, ST_ALLOC_FINISH, "cma_alloc") < 0)
		return -1;
	close_open(s, a);
	return 0;
}

/* A busy range keeps its event's stack and task name (0 for none: NULL is
 * a row of a store before schema 4, whose event has them), so that the
 * analysis need not read a store page per busy range for them. */
static int busy_range(struct pb_store *s, const struct pb_record *r, int64_t event_id,
		      int64_t stack_id, const char *kind, int64_t start, int64_t end, int64_t busy)
{
	sqlite3_stmt *st = s->st[ST_BUSY_INSERT];

	sqlite3_bind_int64(st, 1, s->source_id);
	bind_ts(st, 2, r->ts_ns);
	bind_pid(st, 3, r->pid);
	bind_ts(st, 4, start);
	bind_ts(st, 5, end);
	bind_ts(st, 6, busy);
	sqlite3_bind_text(st, 7, kind, -1, SQLITE_STATIC);
	bind_id(st, 8, open_alloc_id(s, r->pid));
	sqlite3_bind_int64(st, 9, event_id);
	sqlite3_bind_int64(st, 10, stack_id > 0 ? stack_id : 0);
	sqlite3_bind_int64(st, 11, s->record_comm_id > 0 ? s->record_comm_id : 0);
	return step(s, ST_BUSY_INSERT, "busy_range");
}

static int busy_retry(struct pb_store *s, const struct pb_record *r, int64_t event_id,
		      int64_t stack_id)
{
	struct pb_open_alloc *a = find_open(s, r->pid);
	int64_t pfn = field_i64(r, "pfn"), count = field_i64(r, "count");

	if (a)
		a->busy_retries++;
	return busy_range(s, r, event_id, stack_id, "cma_busy_retry", pfn,
			  pfn >= 0 && count >= 0 ? pfn + count : -1, -1);
}

static int isolation(struct pb_store *s, const struct pb_record *r, int64_t event_id,
		     int64_t stack_id)
{
	int64_t start = field_i64(r, "start_pfn"), end = field_i64(r, "end_pfn");
	int64_t fin = field_i64(r, "fin_pfn");

	/* ret is computed by the kernel as end_pfn <= fin_pfn ? success : fail */
	if (fin < 0 || end < 0 || fin >= end)
		return 0;
	return busy_range(s, r, event_id, stack_id, "isolation", start, end, fin);
}

static int pfns_busy(struct pb_store *s, const struct pb_record *r, int64_t event_id,
		     int64_t stack_id)
{
	return busy_range(s, r, event_id, stack_id, "kmsg", field_i64(r, "start_pfn"),
			  field_i64(r, "end_pfn"), -1);
}

/* Whether R shows mm_migrate_pages' fields raw: the fields option and
 * trace-cmd report -R print the struct's field names ("succeeded=",
 * kernel/trace/trace_output.c print_fields(): " %s=", field->name) where
 * TP_printk prints "nr_succeeded=" at every release. */
static int raw_fields(const struct pb_record *r)
{
	return !pb_record_field(r, "nr_succeeded") && pb_record_field(r, "succeeded");
}

/* What the field KEY of R (a reason or a mode, WHICH) is stored as: the
 * name the kernel printed ("cma" as contig_range, its name from 4.18), or
 * a number, which store_migrations_name() names at the commit by the
 * source's kernel: in BUF, decimal when raw output showed it, "0x%x" when
 * the kernel printed it for want of a name (doc/FORMATS.md section 1.3). */
static const char *migrate_value(struct pb_store *s, const struct pb_record *r, const char *key,
				 enum store_migrate_enum which, char buf[24])
{
	const char *v = pb_record_field(r, key);
	int hex = v && v[0] == '0' && v[1] == 'x';
	int printed;
	uint64_t n;

	if (v && which == STORE_MIGRATE_REASON && !strcmp(v, "cma"))
		return "contig_range";
	/* a kernel never prints a symbolic field in decimal */
	if (!v || (hex ? pb_parse_hex(v + 2, strlen(v + 2), &n) : pb_parse_u64(v, strlen(v), &n)) < 0)
		return v;
	if (n >= 64)		/* no enum had that many */
		return v;
	printed = hex && !raw_fields(r);
	s->migrate_numbers.seen[which][printed] |= (uint64_t)1 << n;
	snprintf(buf, 24, printed ? "0x%x" : "%u", (unsigned)n);
	return buf;
}

/* Names the numbers of WHICH (in its column) of the source's migration
 * rows: the last S->migrate_numbers.rows of the table, by their ids. */
static int name_numbers(struct pb_store *s, enum store_migrate_enum which, const char *release)
{
	static const char *const sql[] = {
		"UPDATE migration SET reason = ?1 WHERE id > (SELECT max(id) FROM migration) - ?2 "
		"AND source_id = ?3 AND reason = ?4",
		"UPDATE migration SET mode = ?1 WHERE id > (SELECT max(id) FROM migration) - ?2 "
		"AND source_id = ?3 AND mode = ?4",
	};
	sqlite3_stmt *st = NULL;
	int rc = 0;

	for (int printed = 0; printed < 2 && rc == 0; printed++) {
		for (unsigned n = 0; n < 64 && rc == 0; n++) {
			const char *name;
			char text[24];

			if (!(s->migrate_numbers.seen[which][printed] >> n & 1) ||
			    !(name = store_migrate_name(which, n, release, printed)))
				continue;
			if (!st && !(st = pb_store_prepare(s, sql[which])))
				return -1;
			snprintf(text, sizeof(text), printed ? "0x%x" : "%u", n);
			sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, (int64_t)s->migrate_numbers.rows);
			sqlite3_bind_int64(st, 3, s->source_id);
			sqlite3_bind_text(st, 4, text, -1, SQLITE_TRANSIENT);
			rc = pb_store_run(s, st);
		}
	}
	sqlite3_finalize(st);
	return rc;
}

int store_migrations_name(struct pb_store *s, const char *release)
{
	return name_numbers(s, STORE_MIGRATE_REASON, release) < 0 ||
	       name_numbers(s, STORE_MIGRATE_MODE, release) < 0 ? -1 : 0;
}

/* The printed key, or the field's own name that raw output shows. */
static void bind_count(sqlite3_stmt *st, int col, const struct pb_record *r, const char *printed,
		       const char *field)
{
	bind_field(st, col, r, pb_record_field(r, printed) ? printed : field);
}

/* A migration row with its text too long to note: written now. */
static int migration_alone(struct pb_store *s, const struct pb_record *r, int64_t event_id,
			   int64_t stack_id)
{
	sqlite3_stmt *st = s->st[ST_MIGRATION_INSERT];
	char reason[24], mode[24];

	sqlite3_bind_int64(st, 1, s->source_id);
	bind_ts(st, 2, r->ts_ns);
	bind_pid(st, 3, r->pid);
	sqlite3_bind_text(st, 4, r->comm, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, migrate_value(s, r, "reason", STORE_MIGRATE_REASON, reason), -1,
			  SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, migrate_value(s, r, "mode", STORE_MIGRATE_MODE, mode), -1,
			  SQLITE_TRANSIENT);
	bind_count(st, 7, r, "nr_succeeded", "succeeded");
	bind_count(st, 8, r, "nr_failed", "failed");
	bind_id(st, 9, stack_id);
	sqlite3_bind_int64(st, 10, event_id);
	bind_id(st, 11, open_alloc_id(s, r->pid));
	return step(s, ST_MIGRATION_INSERT, "migration");
}

static struct store_value value_int(int64_t v)
{
	return (struct store_value){ .type = SQLITE_INTEGER, .i = v };
}

/* An integer, or NULL when V is not (is NULL in the binders above). */
static struct store_value value_id(int64_t v)
{
	return (struct store_value){ .type = v > 0 ? SQLITE_INTEGER : SQLITE_NULL, .i = v };
}

static struct store_value value_ts(int64_t v)
{
	return (struct store_value){ .type = v >= 0 ? SQLITE_INTEGER : SQLITE_NULL, .i = v };
}

/* The field NAME, or NAME2 when NAME is not printed (raw output). */
static struct store_value value_count(const struct pb_record *r, const char *name,
				      const char *name2)
{
	int64_t v;

	if (pb_record_i64(r, pb_record_field(r, name) ? name : name2, &v) < 0)
		return (struct store_value){ .type = SQLITE_NULL };
	return value_int(v);
}

/* TEXT (NULL: NULL) copied into the rows' text; 0, or -1 when it does
 * not fit. */
static int value_text(struct store_migration_rows *rs, struct store_value *v, const char *text)
{
	size_t n = text ? strlen(text) : 0;

	*v = (struct store_value){ .type = text ? SQLITE_TEXT : SQLITE_NULL };
	if (!text)
		return 0;
	if (n > sizeof(rs->text) - rs->text_len)
		return -1;
	v->off = (uint32_t)rs->text_len;
	v->len = (uint32_t)n;
	memcpy(rs->text + rs->text_len, text, n);
	rs->text_len += n;
	return 0;
}

static void bind_values(sqlite3_stmt *st, int base, const struct store_value *v, size_t n,
			const char *text)
{
	for (size_t i = 0; i < n; i++) {
		int col = base + (int)i + 1;

		if (v[i].type == SQLITE_INTEGER)
			sqlite3_bind_int64(st, col, v[i].i);
		else if (v[i].type == SQLITE_TEXT)
			sqlite3_bind_text(st, col, text + v[i].off, (int)v[i].len, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, col);
	}
}

int store_migrations_flush(struct pb_store *s, int drop)
{
	struct store_migration_rows *rs = &s->migration_rows;
	size_t n = rs->n;

	rs->n = rs->text_len = 0;
	if (drop || !n)
		return 0;
	if (n == STORE_EVENT_ROWS) {
		for (size_t i = 0; i < n; i++)
			bind_values(s->st[ST_MIGRATION_INSERT_ROWS], (int)i * STORE_MIGRATION_COLUMNS,
				    rs->v[i], STORE_MIGRATION_COLUMNS, rs->text);
		return pb_store_run(s, s->st[ST_MIGRATION_INSERT_ROWS]);
	}
	for (size_t i = 0; i < n; i++) {
		bind_values(s->st[ST_MIGRATION_INSERT], 0, rs->v[i], STORE_MIGRATION_COLUMNS,
			    rs->text);
		if (step(s, ST_MIGRATION_INSERT, "migration") < 0)
			return -1;
	}
	return 0;
}

/* Notes the row's text values; 0, or -1 when they do not fit with the
 * text of the rows noted before. */
static int migration_texts(struct pb_store *s, struct store_value *v, const struct pb_record *r)
{
	struct store_migration_rows *rs = &s->migration_rows;
	char reason[24], mode[24];

	return value_text(rs, &v[3], r->comm) < 0 ||
	       value_text(rs, &v[4], migrate_value(s, r, "reason", STORE_MIGRATE_REASON, reason)) < 0 ||
	       value_text(rs, &v[5], migrate_value(s, r, "mode", STORE_MIGRATE_MODE, mode)) < 0 ? -1 : 0;
}

static int migration(struct pb_store *s, const struct pb_record *r, int64_t event_id,
		     int64_t stack_id)
{
	struct store_migration_rows *rs = &s->migration_rows;
	struct store_value *v = rs->v[rs->n];
	size_t text_len = rs->text_len;

	s->migrate_numbers.rows++;
	v[0] = value_int(s->source_id);
	v[1] = value_ts(r->ts_ns);
	v[2] = (struct store_value){ .type = r->pid >= 0 ? SQLITE_INTEGER : SQLITE_NULL,
				     .i = r->pid };
	v[6] = value_count(r, "nr_succeeded", "succeeded");
	v[7] = value_count(r, "nr_failed", "failed");
	v[8] = value_id(stack_id);
	v[9] = value_int(event_id);
	v[10] = value_id(open_alloc_id(s, r->pid));
	if (migration_texts(s, v, r) < 0) {
		/* no room left: the rows before go first, this one after */
		struct store_value row[STORE_MIGRATION_COLUMNS];

		memcpy(row, v, sizeof(row));
		rs->text_len = text_len;
		if (store_migrations_flush(s, 0) < 0)
			return -1;
		v = rs->v[0];
		memcpy(v, row, sizeof(row));
		if (migration_texts(s, v, r) < 0) {
			/* longer than the whole room: written alone, from the record */
			rs->n = rs->text_len = 0;
			return migration_alone(s, r, event_id, stack_id);
		}
	}
	rs->n++;
	return rs->n == STORE_EVENT_ROWS ? store_migrations_flush(s, 0) : 0;
}

/* One row of page evidence. COUNT_FIELD names the refcount field of the
 * record ("count", or "refcount" in a dump). */
static int evidence(struct pb_store *s, const struct pb_record *r, int64_t event_id,
		    int64_t stack_id, const char *kind, const char *count_field,
		    const char *confidence)
{
	sqlite3_stmt *st = s->st[ST_EVIDENCE_INSERT];
	uint64_t pfn;
	const char *comm = pb_record_field(r, "owner_comm");

	if (pb_record_u64(r, "pfn", &pfn) < 0)
		return 0;
	sqlite3_bind_int64(st, 1, s->source_id);
	bind_ts(st, 2, r->ts_ns);
	sqlite3_bind_int64(st, 3, (int64_t)pfn);
	sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
	bind_field(st, 5, r, count_field);
	bind_field(st, 6, r, "mapcount");
	sqlite3_bind_text(st, 7, pb_record_field(r, "flags"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, pb_record_field(r, "mapping"), -1, SQLITE_STATIC);
	bind_field(st, 9, r, "mt");
	if (pb_record_field(r, "owner_pid"))
		bind_field(st, 10, r, "owner_pid");
	else if (pb_record_field(r, "pid") && !strcmp(r->system, "page_owner"))
		bind_field(st, 10, r, "pid");
	else
		bind_pid(st, 10, r->pid);
	if (!comm && !strcmp(r->system, "page_owner"))
		comm = pb_record_field(r, "comm");
	sqlite3_bind_text(st, 11, comm ? comm : r->comm, -1, SQLITE_STATIC);
	bind_id(st, 12, stack_id);
	sqlite3_bind_text(st, 13, stack_id ? confidence : "medium", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 14, event_id);
	bind_field(st, 15, r, "val");
	return step(s, ST_EVIDENCE_INSERT, "evidence");
}

static int page_ref(struct pb_store *s, const struct pb_record *r, int64_t event_id,
		    int64_t stack_id)
{
	int64_t val = field_i64(r, "val");
	const char *kind = "page_ref";

	/* val is a delta for page_ref_mod*; for set/freeze/unfreeze it is a
	 * count, and mod_unless with ret=0 changed nothing. */
	if (!strcmp(r->event, "page_ref_mod") || !strcmp(r->event, "page_ref_mod_and_test") ||
	    !strcmp(r->event, "page_ref_mod_and_return") ||
	    (!strcmp(r->event, "page_ref_mod_unless") && field_i64(r, "ret") == 1)) {
		if (pb_record_field(r, "val"))
			kind = val > 0 ? "page_ref_get" : "page_ref_put";
	}
	return evidence(s, r, event_id, stack_id, kind, "count", "high");
}

static int pinner(struct pb_store *s, const struct pb_record *r, int64_t event_id,
		  int64_t stack_id)
{
	const char *kind = strstr(r->event, "failure") || strstr(r->event, "report")
			   ? "pinner_failure" : "pinner_put";

	return evidence(s, r, event_id, stack_id, kind, "count", "high");
}

static int dump_page(struct pb_store *s, const struct pb_record *r, int64_t event_id,
		     int64_t stack_id)
{
	return evidence(s, r, event_id, stack_id, "dump", "refcount", "medium");
}

static int ack_dump(struct pb_store *s, const struct pb_record *r, int64_t event_id,
		    int64_t stack_id)
{
	/* "pin": a longterm_pinner or pinner record, whose stack took the
	 * reference (the get side); the other files' stacks put or free */
	const char *kind = !strcmp(r->event, "put") ? "ack_put"
			   : !strcmp(r->event, "pin") ? "ack_pin"
			   : !strcmp(r->event, "free") ? "ack_free" : "ack_failure";

	return evidence(s, r, event_id, stack_id, kind, "count", "high");
}

/* The stack that last pinned a dumped page (Android page_pinner). */
static int last_pinned(struct pb_store *s, const struct pb_record *r, int64_t event_id,
		       int64_t stack_id)
{
	return evidence(s, r, event_id, stack_id, "last_pin", "count", "high");
}

static int page_owner(struct pb_store *s, const struct pb_record *r, int64_t event_id,
		      int64_t stack_id)
{
	return evidence(s, r, event_id, stack_id, "page_owner", "count", "medium");
}

typedef int (*typed_fn)(struct pb_store *s, const struct pb_record *r, int64_t event_id,
			int64_t stack_id);

static const struct {
	const char *system;	/* NULL: any system */
	const char *event;
	size_t prefix;		/* match only the first PREFIX chars when > 0 */
	typed_fn fn;
} handlers[] = {
	{ NULL, "cma_alloc_start", 0, alloc_start },
	{ NULL, "cma_alloc_finish", 0, alloc_finish },
	/* an allocation at a pfn the caller names: request_count at the
	 * start, pfn, page, count and errorno at the finish, no align */
	{ NULL, "cma_alloc_at_start", 0, alloc_start },
	{ NULL, "cma_alloc_at_finish", 0, alloc_finish },
	{ NULL, "cma_alloc_info", 0, alloc_finish },
	{ NULL, "cma_alloc", 0, alloc_finish },
	{ NULL, "cma_alloc_busy_retry", 0, busy_retry },
	{ NULL, "test_pages_isolated", 0, isolation },
	{ NULL, "mm_migrate_pages", 0, migration },
	{ NULL, "page_ref_", 9, page_ref },
	{ NULL, "page_pinner_failure", 0, pinner },
	{ NULL, "page_pinner_put", 0, pinner },
	{ NULL, "report_page_pinners", 0, pinner },
	{ NULL, "page_pin_owner_put", 0, pinner },
	{ "kmsg", "dump_page", 0, dump_page },
	{ "kmsg", "pfns_busy", 0, pfns_busy },
	{ "kmsg", "page_pinner_last_pinned", 0, last_pinned },
	{ "page_pinner_dump", "put", 0, ack_dump },
	{ "page_pinner_dump", "free", 0, ack_dump },
	{ "page_pinner_dump", "failure_detected", 0, ack_dump },
	{ "page_pinner_dump", "pin", 0, ack_dump },
	{ "page_owner", "allocated", 0, page_owner },
};

/* 1 + the index of the record's handler; LOST_EVENTS for a lost-events
 * record; 0 when it makes no typed rows. */
#define LOST_EVENTS ((int)PB_ARRAY_SIZE(handlers) + 1)

int store_typed_handler(const struct pb_record *r)
{
	if (!strcmp(r->event, "lost_events"))
		return LOST_EVENTS;
	for (size_t i = 0; i < PB_ARRAY_SIZE(handlers); i++) {
		int match = handlers[i].prefix
			? !strncmp(r->event, handlers[i].event, handlers[i].prefix)
			: !strcmp(r->event, handlers[i].event);

		if (match && (!handlers[i].system ||
			      (r->system && !strcmp(r->system, handlers[i].system))))
			return (int)i + 1;
	}
	return 0;
}

int store_typed_record(struct pb_store *s, const struct pb_record *r, int handler,
		       int64_t event_id, int64_t stack_id)
{
	if (handler == LOST_EVENTS) {
		/* a mark without its count ("[LOST EVENTS]", "[EVENTS
		 * DROPPED]") says at least one was lost */
		uint64_t lost = (uint64_t)(field_i64(r, "lost") > 0 ? field_i64(r, "lost") : 1);

		s->lost_events = lost > UINT64_MAX - s->lost_events ? UINT64_MAX : s->lost_events + lost;
		return 0;
	}
	return handler ? handlers[handler - 1].fn(s, r, event_id, stack_id) : 0;
}

void store_typed_finish(struct pb_store *s)
{
	/* Starts never finished stay open-ended (end_ts_ns NULL). */
	s->unpaired += s->nopen;
	while (s->nopen)
		close_open(s, &s->open_allocs[0]);
}
