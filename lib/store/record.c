/* record.c - one normalized record into the event table (and, through
 * typed.c, the typed tables). */
#include <stdio.h>
#include <string.h>

#include "store_int.h"

static void json_string(struct pb_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;

	pb_buf_addc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		pb_buf_add(b, run, (size_t)(s - run));
		run = s + 1;
		pb_buf_addc(b, '\\');
		switch (c) {
		case '"': pb_buf_addc(b, '"'); break;
		case '\\': pb_buf_addc(b, '\\'); break;
		case '\n': pb_buf_addc(b, 'n'); break;
		case '\t': pb_buf_addc(b, 't'); break;
		default:
			pb_buf_addc(b, 'u');
			pb_buf_adds(b, "00");
			pb_buf_addc(b, hex[c >> 4]);
			pb_buf_addc(b, hex[c & 15]);
		}
	}
	pb_buf_add(b, run, (size_t)(s - run));
	pb_buf_addc(b, '"');
}

/* The field names as a JSON array (the keyset) into KEYS, the values as
 * a JSON array in the same order into VALS. */
static void fields_json(struct pb_buf *keys, struct pb_buf *vals, const struct pb_record *r)
{
	pb_buf_reset(keys);
	pb_buf_reset(vals);
	pb_buf_addc(keys, '[');
	pb_buf_addc(vals, '[');
	for (size_t i = 0; i < r->nfields; i++) {
		if (i) {
			pb_buf_addc(keys, ',');
			pb_buf_addc(vals, ',');
		}
		json_string(keys, r->fields[i].name);
		json_string(vals, r->fields[i].value);
	}
	pb_buf_addc(keys, ']');
	pb_buf_addc(vals, ']');
}

/* Whether "k=v k=v" rebuilt from the fields is the body itself, in which
 * case the body need not be stored twice. */
static int body_is_fields(struct pb_buf *b, const struct pb_record *r)
{
	pb_buf_reset(b);
	for (size_t i = 0; i < r->nfields; i++) {
		if (i)
			pb_buf_addc(b, ' ');
		pb_buf_adds(b, r->fields[i].name);
		pb_buf_addc(b, '=');
		pb_buf_adds(b, r->fields[i].value);
	}
	return !strcmp(pb_buf_str(b), r->body);
}

static void bind_opt_int(sqlite3_stmt *st, int col, int64_t v)
{
	if (v < 0)
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_int64(st, col, v);
}

static int64_t record_name_id(struct pb_store *s, const struct pb_record *r)
{
	char name[256];

	snprintf(name, sizeof(name), "%s:%s", r->system ? r->system : "ftrace", r->event);
	return store_name_id(s, name);
}

int pb_store_add_record(struct pb_store *s, const struct pb_record *r)
{
	sqlite3_stmt *st = s->st[ST_EVENT_INSERT];
	int64_t name_id, comm_id = 0, stack_id, ustack_id, event_id, keyset_id = 0;

	name_id = record_name_id(s, r);
	if (name_id < 0)
		return -1;
	if (r->comm && *r->comm && (comm_id = store_name_id(s, r->comm)) < 0)
		return -1;
	stack_id = pb_store_stack(s, r->frames, r->nframes, 0);
	ustack_id = pb_store_stack(s, r->uframes, r->nuframes, 1);
	if (stack_id < 0 || ustack_id < 0)
		return -1;
	if (r->nfields) {
		fields_json(&s->keys_json, &s->fields_json, r);
		keyset_id = store_keyset_id(s, s->keys_json.data, s->keys_json.len);
		if (keyset_id < 0)
			return -1;
	}

	sqlite3_bind_int64(st, 1, s->source_id);
	sqlite3_bind_int64(st, 2, (int64_t)r->line);
	bind_opt_int(st, 3, r->ts_ns);
	bind_opt_int(st, 4, r->cpu);
	bind_opt_int(st, 5, r->pid);
	bind_opt_int(st, 6, r->tgid);
	bind_opt_int(st, 7, comm_id ? comm_id : -1);
	sqlite3_bind_int64(st, 8, name_id);
	bind_opt_int(st, 9, stack_id ? stack_id : -1);
	bind_opt_int(st, 10, ustack_id ? ustack_id : -1);
	if (r->nfields) {
		sqlite3_bind_int64(st, 11, keyset_id);
		sqlite3_bind_text(st, 12, s->fields_json.data, (int)s->fields_json.len,
				  SQLITE_STATIC);
	} else {
		sqlite3_bind_null(st, 11);
		sqlite3_bind_null(st, 12);
	}
	if (r->body && *r->body && !body_is_fields(&s->body_check, r))
		sqlite3_bind_text(st, 13, r->body, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 13);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return store_sql_error(s, "event");
	}
	sqlite3_reset(st);
	event_id = sqlite3_last_insert_rowid(s->db);
	s->events++;
	if (r->ts_ns >= 0) {
		if (s->first_ts < 0 || r->ts_ns < s->first_ts)
			s->first_ts = r->ts_ns;
		if (r->ts_ns > s->last_ts)
			s->last_ts = r->ts_ns;
	}
	return store_typed_record(s, r, event_id, stack_id);
}
