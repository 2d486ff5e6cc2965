/* failures_loose_table.c - the records without a task wait in a temporary
 * table of the store while the failures are found, not in memory: a kernel
 * log can hold millions of "PFNs busy" lines outside any allocation, and
 * the passes of failures_loose.c each read them in the order they need
 * (SQLite sorts on disk, within its cache). The table lives in the temp
 * database of the connection, so nothing of it reaches the store's file.
 */
#include "failures_int.h"

/* seq: the order records were loaded in (the window join's order, and what
 * keeps equal records in the order they came, as a stable sort would);
 * ts_load: the time of a record that had none as it was loaded (NULL for
 * the others); caller and ret are NULL where the record has none; kind,
 * grp and task are the grouping's order (loose_insert()). */
static const char create_sql[] =
	"DROP TABLE IF EXISTS " LOOSE_TABLE "; "
	"CREATE TABLE " LOOSE_TABLE " (seq INTEGER PRIMARY KEY, source_id INTEGER NOT NULL, "
	"ts_ns INTEGER NOT NULL, ts_load INTEGER, event_id INTEGER NOT NULL, pfn INTEGER NOT NULL, "
	"range_id INTEGER NOT NULL, start_pfn INTEGER NOT NULL, end_pfn INTEGER NOT NULL, "
	"pid INTEGER NOT NULL, how INTEGER NOT NULL, area TEXT, comm TEXT, "
	"stack_id INTEGER NOT NULL, caller INTEGER, count INTEGER NOT NULL, ret INTEGER, "
	"kind INTEGER NOT NULL, grp INTEGER NOT NULL, task INTEGER NOT NULL)";

/* The inserts' parameters by number: a parameter bound by name is looked
 * up in the statement's list of names each time, which on 2 M records of a
 * kernel log was a fifth of the first analysis. The columns every record
 * has come first, so that the insert of a record with only a busy range
 * takes the same numbers. */
enum loose_param {
	P_SEQ = 1, P_SOURCE_ID, P_TS_NS, P_TS_LOAD, P_EVENT_ID, P_PFN, P_RANGE_ID,
	P_START_PFN, P_END_PFN, P_PID, P_HOW, P_KIND, P_GRP, P_TASK,
	P_AREA, P_COMM, P_STACK_ID, P_CALLER, P_COUNT, P_RET,
};

#define RANGE_COLUMNS "seq, source_id, ts_ns, ts_load, event_id, pfn, range_id, start_pfn, " \
	"end_pfn, pid, how, kind, grp, task"
#define RANGE_VALUES "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14"

static const char insert_sql[] =
	"INSERT INTO " LOOSE_TABLE " (" RANGE_COLUMNS ", area, comm, stack_id, caller, count, ret) "
	"VALUES (" RANGE_VALUES ", ?15, ?16, ?17, ?18, ?19, ?20)";

/* LOOSE_BATCH records that name no more than a busy range, as nearly all
 * do: one statement for each LOOSE_BATCH of them, as a statement's step
 * and reset cost more than its row (on 2 M "PFNs busy" lines of a kernel
 * log the one-row insert was a quarter of the first analysis). Record i
 * takes parameters i * P_TASK + 1 to (i + 1) * P_TASK. */
static void insert_batch_sql(struct pb_buf *sql)
{
	pb_buf_addf(sql, "INSERT INTO %s (%s, stack_id, count) VALUES ", LOOSE_TABLE,
		    RANGE_COLUMNS);
	for (int i = 0; i < LOOSE_BATCH; i++) {
		pb_buf_adds(sql, i ? ", (" : "(");
		for (int p = 1; p <= P_TASK; p++)
			pb_buf_addf(sql, "?%d, ", i * P_TASK + p);
		pb_buf_adds(sql, "0, -1)");
	}
}

int loose_table(struct finder *f, struct loose_list *l)
{
	struct pb_buf batch_sql = { 0 };

	l->f = f;
	if (pb_store_exec(f->s, create_sql) < 0)
		return -1;
	l->add = pb_store_prepare(f->s, insert_sql);
	insert_batch_sql(&batch_sql);
	l->add_batch = pb_store_prepare(f->s, pb_buf_str(&batch_sql));
	pb_buf_free(&batch_sql);
	return l->add && l->add_batch ? 0 : -1;
}

static int range_only(const struct loose *r)
{
	return !r->area && !r->comm && !r->stack_id && !r->has_caller && r->count == -1 &&
	       !r->has_ret;
}

/* The columns of R that the batch insert has too, from parameter
 * BASE + 1 on. */
static void bind_range(sqlite3_stmt *st, int base, const struct loose *r, enum fail_kind kind,
		       int32_t task)
{
	sqlite3_bind_int64(st, base + P_SEQ, r->seq);
	sqlite3_bind_int64(st, base + P_SOURCE_ID, r->source_id);
	sqlite3_bind_int64(st, base + P_TS_NS, r->ts_ns);
	if (r->ts_load < 0)
		sqlite3_bind_int64(st, base + P_TS_LOAD, r->ts_load);
	else
		sqlite3_bind_null(st, base + P_TS_LOAD);
	sqlite3_bind_int64(st, base + P_EVENT_ID, r->event_id);
	sqlite3_bind_int64(st, base + P_PFN, r->pfn);
	sqlite3_bind_int64(st, base + P_RANGE_ID, r->range_id);
	sqlite3_bind_int64(st, base + P_START_PFN, r->start_pfn);
	sqlite3_bind_int64(st, base + P_END_PFN, r->end_pfn);
	sqlite3_bind_int64(st, base + P_PID, r->pid);
	sqlite3_bind_int64(st, base + P_HOW, r->how);
	sqlite3_bind_int64(st, base + P_KIND, kind);
	sqlite3_bind_int64(st, base + P_GRP, r->group);
	sqlite3_bind_int64(st, base + P_TASK, task);
}

static void bind_opt(sqlite3_stmt *st, int param, int has, int64_t v)
{
	if (has)
		sqlite3_bind_int64(st, param, v);
	else
		sqlite3_bind_null(st, param);
}

/* Every column of R into the one-row insert ST: for a record with only
 * a busy range, the others as range_only() has them. */
static void bind_record(sqlite3_stmt *st, const struct loose *r, enum fail_kind kind,
			int32_t task)
{
	bind_range(st, 0, r, kind, task);
	/* (a NULL text binds NULL) */
	sqlite3_bind_text(st, P_AREA, r->area, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, P_COMM, r->comm, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, P_STACK_ID, r->stack_id);
	bind_opt(st, P_CALLER, r->has_caller, r->caller);
	sqlite3_bind_int64(st, P_COUNT, r->count);
	bind_opt(st, P_RET, r->has_ret, r->ret);
}

/* The pending records one by one, when they are fewer than a batch. */
static int insert_each_pending(struct loose_list *l)
{
	for (size_t i = 0; i < l->npending; i++) {
		const struct loose_pending *p = &l->pending[i];

		bind_record(l->add, &p->r, p->kind, p->task);
		if (pb_store_run(l->f->s, l->add) < 0)
			return -1;
	}
	return 0;
}

int loose_flush(struct loose_list *l)
{
	int rc;

	if (!l->npending)
		return 0;
	if (l->npending < LOOSE_BATCH) {
		rc = insert_each_pending(l);
	} else {
		for (size_t i = 0; i < l->npending; i++)
			bind_range(l->add_batch, (int)i * P_TASK, &l->pending[i].r,
				   l->pending[i].kind, l->pending[i].task);
		rc = pb_store_run(l->f->s, l->add_batch);
	}
	l->npending = 0;
	return rc;
}

int loose_insert(struct loose_list *l, const struct loose *r, enum fail_kind kind,
		 int32_t task)
{
	if (range_only(r)) {
		l->pending[l->npending++] = (struct loose_pending){ *r, kind, task };
		return l->npending == LOOSE_BATCH ? loose_flush(l) : 0;
	}
	/* the ranges waiting go in first: rows go in in the order of their
	 * seq */
	if (loose_flush(l) < 0)
		return -1;
	bind_record(l->add, r, kind, task);
	return pb_store_run(l->f->s, l->add);
}

/* LOOSE_COLUMNS of the row ST stands on. */
void loose_read(sqlite3_stmt *st, struct loose *r)
{
	r->seq = sqlite3_column_int64(st, 0);
	r->source_id = sqlite3_column_int64(st, 1);
	r->ts_ns = sqlite3_column_int64(st, 2);
	r->event_id = sqlite3_column_int64(st, 3);
	r->pfn = sqlite3_column_int64(st, 4);
	r->range_id = sqlite3_column_int64(st, 5);
	r->start_pfn = sqlite3_column_int64(st, 6);
	r->end_pfn = sqlite3_column_int64(st, 7);
	r->pid = (int32_t)sqlite3_column_int64(st, 8);
	r->how = (enum pfn_how)sqlite3_column_int(st, 9);
	r->area = column_text(st, 10);
	r->comm = column_text(st, 11);
	r->stack_id = sqlite3_column_int64(st, 12);
	r->has_caller = sqlite3_column_type(st, 13) != SQLITE_NULL;
	r->caller = (enum fail_kind)sqlite3_column_int(st, 13);
	r->count = sqlite3_column_int64(st, 14);
	r->has_ret = sqlite3_column_type(st, 15) != SQLITE_NULL;
	r->ret = sqlite3_column_int64(st, 15);
	r->group = sqlite3_column_int64(st, 16);
}

int loose_remove(struct pb_store *s, sqlite3_stmt *del, int64_t seq)
{
	pb_store_bind_int64(del, ":seq", seq);
	return pb_store_run(s, del);
}

int loose_end(struct loose_list *l)
{
	pb_store_finalize(l->add);
	pb_store_finalize(l->add_batch);
	l->add = l->add_batch = NULL;
	l->npending = 0;
	free(l->runs);
	l->runs = NULL;
	if (!l->f)
		return 0;	/* never made */
	return pb_store_exec(l->f->s, "DROP TABLE IF EXISTS " LOOSE_TABLE);
}
