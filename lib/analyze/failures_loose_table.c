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

static const char insert_sql[] =
	"INSERT INTO " LOOSE_TABLE " (seq, source_id, ts_ns, ts_load, event_id, pfn, range_id, "
	"start_pfn, end_pfn, pid, how, area, comm, stack_id, caller, count, ret, kind, grp, task) "
	"VALUES (:seq, :source_id, :ts_ns, :ts_load, :event_id, :pfn, :range_id, :start_pfn, "
	":end_pfn, :pid, :how, :area, :comm, :stack_id, :caller, :count, :ret, :kind, :grp, :task)";

/* A record that names no more than a busy range, as nearly all do: the
 * parameters are looked up by name, so fewer of them is faster. */
static const char insert_range_sql[] =
	"INSERT INTO " LOOSE_TABLE " (seq, source_id, ts_ns, ts_load, event_id, pfn, range_id, "
	"start_pfn, end_pfn, pid, how, stack_id, count, kind, grp, task) "
	"VALUES (:seq, :source_id, :ts_ns, :ts_load, :event_id, :pfn, :range_id, :start_pfn, "
	":end_pfn, :pid, :how, 0, -1, :kind, :grp, :task)";

int loose_table(struct finder *f, struct loose_list *l)
{
	l->f = f;
	if (pb_store_exec(f->s, create_sql) < 0)
		return -1;
	l->add = pb_store_prepare(f->s, insert_sql);
	l->add_range = pb_store_prepare(f->s, insert_range_sql);
	return l->add && l->add_range ? 0 : -1;
}

static int range_only(const struct loose *r)
{
	return !r->area && !r->comm && !r->stack_id && !r->has_caller && r->count == -1 &&
	       !r->has_ret;
}

/* The columns of R that insert_range_sql has too. */
static void bind_range(sqlite3_stmt *st, const struct loose *r, enum fail_kind kind,
		       int32_t task)
{
	pb_store_bind_int64(st, ":seq", r->seq);
	pb_store_bind_int64(st, ":source_id", r->source_id);
	pb_store_bind_int64(st, ":ts_ns", r->ts_ns);
	if (r->ts_load < 0)
		pb_store_bind_int64(st, ":ts_load", r->ts_load);
	else
		pb_store_bind_null(st, ":ts_load");
	pb_store_bind_int64(st, ":event_id", r->event_id);
	pb_store_bind_int64(st, ":pfn", r->pfn);
	pb_store_bind_int64(st, ":range_id", r->range_id);
	pb_store_bind_int64(st, ":start_pfn", r->start_pfn);
	pb_store_bind_int64(st, ":end_pfn", r->end_pfn);
	pb_store_bind_int64(st, ":pid", r->pid);
	pb_store_bind_int64(st, ":how", r->how);
	pb_store_bind_int64(st, ":kind", kind);
	pb_store_bind_int64(st, ":grp", r->group);
	pb_store_bind_int64(st, ":task", task);
}

int loose_insert(struct loose_list *l, const struct loose *r, enum fail_kind kind,
		 int32_t task)
{
	sqlite3_stmt *st = l->add;

	if (range_only(r)) {
		bind_range(l->add_range, r, kind, task);
		return pb_store_run(l->f->s, l->add_range);
	}
	bind_range(st, r, kind, task);
	pb_store_bind_text(st, ":area", r->area);
	pb_store_bind_text(st, ":comm", r->comm);
	pb_store_bind_int64(st, ":stack_id", r->stack_id);
	if (r->has_caller)
		pb_store_bind_int64(st, ":caller", r->caller);
	else
		pb_store_bind_null(st, ":caller");
	pb_store_bind_int64(st, ":count", r->count);
	if (r->has_ret)
		pb_store_bind_int64(st, ":ret", r->ret);
	else
		pb_store_bind_null(st, ":ret");
	return pb_store_run(l->f->s, st);
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
	pb_store_finalize(l->add_range);
	l->add = l->add_range = NULL;
	free(l->runs);
	l->runs = NULL;
	if (!l->f)
		return 0;	/* never made */
	return pb_store_exec(l->f->s, "DROP TABLE IF EXISTS " LOOSE_TABLE);
}
