/* record.c - one normalized record into the event table (and, through
 * typed.c, the typed tables). */
#include <inttypes.h>
#include <string.h>

#include "store_int.h"

/* S as a JSON string at O, which has room for json_room(strlen(S)) bytes;
 * returns the end. Written straight into the buffer: this runs for every
 * field of every event. */
static char *put_json_string(char *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	*o++ = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c != '"' && c != '\\') {
			*o++ = (char)c;
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\n': *o++ = 'n'; break;
		case '\t': *o++ = 't'; break;
		default:
			*o++ = 'u';
			*o++ = '0';
			*o++ = '0';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o++ = '"';
	return o;
}

/* The most bytes a string of N bytes takes as a JSON array element: each
 * byte escaped as \u00XX, the quotes and a comma. */
static size_t json_room(size_t n)
{
	return 6 * n + 3;
}

/* The field names as a JSON array (the keyset) into KEYS, the values as
 * a JSON array in the same order into VALS. */
static void fields_json(struct pb_buf *keys, struct pb_buf *vals, const struct pb_record *r)
{
	size_t key_room = 2, val_room = 2;
	char *k, *v;

	for (size_t i = 0; i < r->nfields; i++) {
		key_room += json_room(strlen(r->fields[i].name));
		val_room += json_room(strlen(r->fields[i].value));
	}
	pb_buf_reset(keys);
	pb_buf_reset(vals);
	k = pb_buf_reserve(keys, key_room);
	v = pb_buf_reserve(vals, val_room);
	*k++ = '[';
	*v++ = '[';
	for (size_t i = 0; i < r->nfields; i++) {
		if (i) {
			*k++ = ',';
			*v++ = ',';
		}
		k = put_json_string(k, r->fields[i].name);
		v = put_json_string(v, r->fields[i].value);
	}
	*k++ = ']';
	*v++ = ']';
	pb_buf_commit(keys, k);
	pb_buf_commit(vals, v);
}

/* A kprobe's or uprobe's location, "(func+0x0/0x1d0)" opening its body,
 * is the field of this name (lib/parse/body.c): the events view writes it
 * back in parentheses. */
#define PROBE_FIELD "__probe"

/* Whether field I of R is a probe's location, written "(value)". */
static int is_probe_field(const struct pb_record *r, size_t i)
{
	return i == 0 && !strcmp(r->fields[0].name, PROBE_FIELD);
}

static const char *arena_copy(struct pb_arena *a, const struct pb_buf *b)
{
	return pb_arena_strndup(a, b->data, b->len);
}

/* The typed handler of events named NAME, looked up once per name. */
static int typed_handler(struct pb_store *s, const struct pb_record *r,
			 const struct record_prep *p)
{
	int64_t h = pb_idmap_get(&s->handlers, p->name_hash, p->name, p->name_len);

	if (!h) {
		h = 1 + store_typed_handler(r);
		pb_idmap_put(&s->handlers, p->name_hash, p->name, p->name_len, h);
	}
	return (int)h - 1;
}

/* The hash of frames that the parser may have handed over before under
 * KEY (0: no key), hashed again only when not. */
static uint64_t keyed_stack_hash(struct pb_store *s, const struct pb_frame *frames, size_t n,
				 int user, uint64_t key)
{
	size_t slot = key % PB_ARRAY_SIZE(s->keyed_hashes);

	if (!key)
		return store_stack_hash(frames, n, user);
	if (s->keyed_hashes[slot].key != key) {
		s->keyed_hashes[slot].key = key;
		s->keyed_hashes[slot].hash = store_stack_hash(frames, n, user);
	}
	return s->keyed_hashes[slot].hash;
}

/* The bytes JSON escapes: control bytes, '"' and '\\'. */
static const unsigned char json_escaped[256] = {
	[0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1,
	[0x07] = 1, [0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1, [0x0c] = 1, [0x0d] = 1,
	[0x0e] = 1, [0x0f] = 1, [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1,
	[0x15] = 1, [0x16] = 1, [0x17] = 1, [0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1,
	[0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1, ['"'] = 1, ['\\'] = 1,
};

/* Whether the N bytes S need escaping in JSON: a table look-up a byte,
 * without a branch, as names and values of fields almost never do. */
static int needs_escape(const char *s, size_t n)
{
	unsigned escaped = 0;

	for (size_t i = 0; i < n; i++)
		escaped |= json_escaped[(unsigned char)s[i]];
	return escaped != 0;
}

/* Records with up to this many fields take the quick way (field_lengths). */
#define PLAIN_FIELDS_MAX 64

struct field_lens {
	uint32_t name, value;
};

/* Whether the 8 bytes W hold a byte that JSON escapes (exact tests:
 * "haszero" and "hasless" of the Bit Twiddling Hacks). */
static int word_needs_escape(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');

	return ((((w - ones * 0x20) & ~w) | ((quote - ones) & ~quote) |
		 ((backslash - ones) & ~backslash)) & highs) != 0;
}

/* needs_escape() a word at a time, for a longer text (a body). */
static int text_needs_escape(const char *s, size_t n)
{
	uint64_t w;
	size_t i;

	if (n < 8)
		return needs_escape(s, n);
	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		if (word_needs_escape(w))
			return 1;
	}
	memcpy(&w, s + n - 8, 8);	/* the last bytes, some again */
	return word_needs_escape(w);
}

/* The lengths of R's field names and values into LENS, and of their JSON
 * arrays when none needs escaping; 0, or -1 when there are too many or
 * too long to count here: fields_json() then. */
static int field_lengths(const struct pb_record *r, struct field_lens *lens, size_t *keys_len,
			 size_t *vals_len)
{
	size_t keys = 1, vals = 1;	/* the brackets, less the first comma */

	if (r->nfields > PLAIN_FIELDS_MAX)
		return -1;
	for (size_t i = 0; i < r->nfields; i++) {
		size_t kn = strlen(r->fields[i].name), vn = strlen(r->fields[i].value);

		if (kn > UINT32_MAX / 2 || vn > UINT32_MAX / 2)
			return -1;
		lens[i].name = (uint32_t)kn;
		lens[i].value = (uint32_t)vn;
		keys += kn + 3;
		vals += vn + 3;
	}
	*keys_len = keys;
	*vals_len = vals;
	return 0;
}

/* Whether a name or value of R's fields needs escaping in JSON. */
static int fields_need_escape(const struct pb_record *r, const struct field_lens *lens)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (needs_escape(r->fields[i].name, lens[i].name) ||
		    needs_escape(r->fields[i].value, lens[i].value))
			return 1;
	return 0;
}

/* The JSON array (LEN bytes) of the names (VALUES 0) or values of R's
 * fields, none of which needs escaping, in A. */
static const char *plain_array(struct pb_arena *a, const struct pb_record *r,
			       const struct field_lens *lens, size_t len, int values)
{
	char *json = pb_arena_alloc(a, len + 1), *o = json;

	*o++ = '[';
	for (size_t i = 0; i < r->nfields; i++) {
		const char *text = values ? r->fields[i].value : r->fields[i].name;
		size_t n = values ? lens[i].value : lens[i].name;

		if (i)
			*o++ = ',';
		*o++ = '"';
		memcpy(o, text, n);
		o += n;
		*o++ = '"';
	}
	*o++ = ']';
	*o = '\0';
	return json;
}

/* Whether "k=v k=v" (after a probe's "(location)") rebuilt from the
 * fields is the body (LEN bytes) itself, in which case the body need not
 * be stored twice. The fields' lengths are LENS's, or (NULL: a record of
 * more fields than field_lengths() counts) measured here. */
static int body_is_fields(const struct pb_record *r, const struct field_lens *lens, size_t len)
{
	const char *b = r->body, *end = r->body + len;

	for (size_t i = 0; i < r->nfields; i++) {
		size_t kn = lens ? lens[i].name : strlen(r->fields[i].name);
		size_t vn = lens ? lens[i].value : strlen(r->fields[i].value);

		if (i && (b == end || *b++ != ' '))
			return 0;
		if (is_probe_field(r, i)) {
			if ((size_t)(end - b) < vn + 2 || *b != '(' ||
			    memcmp(b + 1, r->fields[i].value, vn) || b[1 + vn] != ')')
				return 0;
			b += vn + 2;
			continue;
		}
		if ((size_t)(end - b) < kn + 1 + vn || memcmp(b, r->fields[i].name, kn) ||
		    b[kn] != '=' || memcmp(b + kn + 1, r->fields[i].value, vn))
			return 0;
		b += kn + 1 + vn;
	}
	return b == end;
}

/* Whether the keyset the memo M holds is the names of R's fields. */
static int memo_keys_match(const struct store_prep_memo *m, const struct pb_record *r,
			   const struct field_lens *lens, size_t keys_len)
{
	const char *k = m->keys + 1;

	if (m->keys_len != keys_len)
		return 0;
	/* as long as R's array would be: the same bytes if each name is
	 * between quotes, then a comma or (the last) the bracket */
	for (size_t i = 0; i < r->nfields; k += lens[i].name + 3, i++) {
		size_t n = lens[i].name;

		if (k[0] != '"' || memcmp(k + 1, r->fields[i].name, n) || k[n + 1] != '"' ||
		    k[n + 2] != (i + 1 < r->nfields ? ',' : ']'))
			return 0;
	}
	return 1;
}

/* The keyset of R into P, from the memo M when it is the same. */
static void plain_keys(struct pb_store *s, struct pb_arena *a, struct store_prep_memo *m,
		       const struct pb_record *r, const struct field_lens *lens, size_t keys_len,
		       struct record_prep *p)
{
	if (m && memo_keys_match(m, r, lens, keys_len)) {
		p->keys = pb_arena_strndup(a, m->keys, keys_len);
		p->keys_hash = m->keys_hash;
	} else {
		p->keys = plain_array(a, r, lens, keys_len, 0);
		p->keys_hash = pb_hash64(p->keys, keys_len);
		if (m && keys_len < sizeof(m->keys)) {
			memcpy(m->keys, p->keys, keys_len);
			m->keys_len = (uint32_t)keys_len;
			m->keys_hash = p->keys_hash;
			m->keys_tag = ++s->prep_tags;
		} else if (m) {
			m->keys_len = 0;
		}
	}
	p->keys_len = keys_len;
	p->keys_tag = m && m->keys_len ? m->keys_tag : 0;
}

/* The fields of R as JSON into P, and whether its body is kept. */
static void prep_fields(struct pb_store *s, struct store_prep_memo *m, const struct pb_record *r,
			struct pb_arena *a, struct record_prep *p)
{
	struct field_lens lens[PLAIN_FIELDS_MAX];
	size_t keys_len = 0, vals_len = 0, body_len = r->body ? strlen(r->body) : 0;
	int counted = field_lengths(r, lens, &keys_len, &vals_len) == 0;
	int is_fields = body_len && body_is_fields(r, counted ? lens : NULL, body_len);

	p->keep_body = body_len && !is_fields;
	p->body_len = p->keep_body ? body_len : 0;
	/* a body that is "k=v k=v" holds every name and value: one look at
	 * it a word at a time instead of one at each of them */
	if (!counted || (is_fields ? text_needs_escape(r->body, body_len)
				   : fields_need_escape(r, lens))) {
		fields_json(&s->keys_json, &s->vals_json, r);
		p->keys = arena_copy(a, &s->keys_json);
		p->keys_len = s->keys_json.len;
		p->keys_hash = pb_hash64(s->keys_json.data, s->keys_json.len);
		p->vals = arena_copy(a, &s->vals_json);
		p->vals_len = s->vals_json.len;
	} else if (r->nfields) {
		plain_keys(s, a, m, r, lens, keys_len, p);
		p->vals = plain_array(a, r, lens, vals_len, 1);
		p->vals_len = vals_len;
	}
}

/* The memo of R's event name, filled now if it held another; NULL when
 * the name is too long for one. */
static struct store_prep_memo *prep_memo(struct pb_store *s, const struct pb_record *r,
					 const char *sys)
{
	size_t sl = strlen(sys), el = strlen(r->event);
	struct store_prep_memo *m =
		&s->prep_memo[pb_hash64(r->event, el) % PB_ARRAY_SIZE(s->prep_memo)];
	struct record_prep name;

	if (sl + 1 + el >= sizeof(m->name))
		return NULL;
	if (m->event_len == el && m->sys_len == sl && !memcmp(m->name, sys, sl) &&
	    !memcmp(m->name + sl + 1, r->event, el))
		return m;
	memcpy(m->name, sys, sl);
	m->name[sl] = ':';
	memcpy(m->name + sl + 1, r->event, el + 1);
	m->sys_len = (uint32_t)sl;
	m->event_len = (uint32_t)el;
	m->name_hash = pb_hash64(m->name, sl + 1 + el);
	m->name_tag = ++s->prep_tags;
	m->keys_len = 0;
	name.name = m->name;
	name.name_len = sl + 1 + el;
	name.name_hash = m->name_hash;
	m->typed = typed_handler(s, r, &name);
	return m;
}

/* The name of R's event into P, from its memo M or worked out. */
static void prep_name(struct pb_store *s, const struct store_prep_memo *m,
		      const struct pb_record *r, const char *sys, struct pb_arena *a,
		      struct record_prep *p)
{
	size_t sl, el;
	char *name;

	if (m) {
		p->sys_len = m->sys_len;
		p->name_len = m->sys_len + 1 + m->event_len;
		p->name = pb_arena_strndup(a, m->name, p->name_len);
		p->name_hash = m->name_hash;
		p->name_tag = m->name_tag;
		p->typed = m->typed;
		return;
	}
	sl = strlen(sys);
	el = strlen(r->event);
	name = pb_arena_alloc(a, sl + el + 2);
	memcpy(name, sys, sl);
	name[sl] = ':';
	memcpy(name + sl + 1, r->event, el + 1);
	p->name = name;
	p->sys_len = sl;
	p->name_len = sl + 1 + el;
	p->name_hash = pb_hash64(name, p->name_len);
	p->typed = typed_handler(s, r, p);
}

const struct record_prep *store_prep(struct pb_store *s, const struct pb_record *r,
				     struct pb_arena *a)
{
	struct record_prep *p = pb_arena_alloc(a, sizeof(*p));
	const char *sys = r->system ? r->system : "ftrace";
	struct store_prep_memo *m = prep_memo(s, r, sys);

	memset(p, 0, sizeof(*p));
	prep_name(s, m, r, sys, a, p);
	if (r->comm && *r->comm) {
		p->comm_len = strlen(r->comm);
		p->comm_hash = pb_hash64(r->comm, p->comm_len);
	}
	if (r->nframes)
		p->stack_hash = keyed_stack_hash(s, r->frames, r->nframes, 0, r->frames_key);
	if (r->nuframes)
		p->ustack_hash = keyed_stack_hash(s, r->uframes, r->nuframes, 1, r->uframes_key);
	prep_fields(s, m, r, a, p);
	return p;
}

/* Whether the consumer needs the frames of stack H: only the first time
 * this source hands them over; after that the stack is interned by hash. */
static int first_sent(struct pb_store *s, uint64_t h)
{
	if (!h || pb_idmap_get(&s->sent_stacks, h, NULL, 0))
		return 0;
	/* forgetting one only hands its frames over again */
	s->sent_stacks.budget = PB_IDMAP_BUDGET;
	pb_idmap_put(&s->sent_stacks, h, NULL, 0, 1);
	return 1;
}

/* pb_record_copy() of SRC, its strings copied with the lengths P knows
 * (the event's name is the end of P's "system:event"). */
static size_t copy_record(struct pb_arena *a, struct pb_record *dst, const struct pb_record *src,
			  unsigned parts, const struct record_prep *p)
{
	struct pb_record rest = *src;
	size_t bytes;

	rest.comm = rest.system = rest.event = rest.body = NULL;
	bytes = pb_record_copy(a, dst, &rest, parts & ~PB_COPY_BODY);
	if (src->comm)
		dst->comm = p->comm_len ? pb_arena_strndup(a, src->comm, p->comm_len) : "";
	if (src->system)
		dst->system = pb_arena_strndup(a, src->system, p->sys_len);
	dst->event = p->name + p->sys_len + 1;
	dst->body = parts & PB_COPY_BODY ? pb_arena_strndup(a, src->body, p->body_len) : "";
	return bytes + p->comm_len + p->sys_len + p->body_len + 3;
}

size_t pb_store_prep_record(struct pb_arena *a, struct pb_record *dst,
			    const struct pb_record *src, void *store)
{
	struct pb_store *s = store;
	const struct record_prep *p = store_prep(s, src, a);
	unsigned parts = 0;
	size_t bytes;

	if (p->keep_body)
		parts |= PB_COPY_BODY;
	if (p->typed)
		parts |= PB_COPY_FIELDS;
	if (first_sent(s, p->stack_hash))
		parts |= PB_COPY_FRAMES;
	if (first_sent(s, p->ustack_hash))
		parts |= PB_COPY_UFRAMES;
	bytes = copy_record(a, dst, src, parts, p);
	dst->prep = p;
	return bytes + sizeof(*p) + p->keys_len + p->vals_len;
}

/* Binds V to parameter COL of ST unless it holds it (B: what ST's
 * parameters hold). */
static void bind_int(sqlite3_stmt *st, struct store_bound *b, int col, int64_t v)
{
	struct store_bound *held = &b[col - 1];

	if (held->state == STORE_BOUND_INT && held->v == v)
		return;
	sqlite3_bind_int64(st, col, v);
	held->state = STORE_BOUND_INT;
	held->v = v;
}

static void bind_null(sqlite3_stmt *st, struct store_bound *b, int col)
{
	if (b[col - 1].state == STORE_BOUND_NULL)
		return;
	sqlite3_bind_null(st, col);
	b[col - 1].state = STORE_BOUND_NULL;
}

/* Text is bound every time: its bytes are read at the step. */
static void bind_text(sqlite3_stmt *st, struct store_bound *b, int col, const char *text,
		      uint32_t len)
{
	sqlite3_bind_text(st, col, text, (int)len, SQLITE_STATIC);
	b[col - 1].state = STORE_BOUND_UNKNOWN;
}

static void bind_opt_int(sqlite3_stmt *st, struct store_bound *b, int col, int64_t v)
{
	if (v < 0)
		bind_null(st, b, col);
	else
		bind_int(st, b, col, v);
}

static void note_time(struct pb_store *s, int64_t ts)
{
	if (ts < 0)
		return;
	if (s->first_ts < 0 || ts < s->first_ts)
		s->first_ts = ts;
	if (ts > s->last_ts)
		s->last_ts = ts;
}

/* Binds row R (its text VALS, BODY) to the 13 parameters of ST from BASE
 * on; B: what ST's parameters hold. */
static void bind_row(struct pb_store *s, sqlite3_stmt *st, struct store_bound *b, int base,
		     const struct store_event_row *r, const char *vals, const char *body)
{
	bind_int(st, b, base + 1, s->source_id);
	bind_int(st, b, base + 2, r->line);
	bind_opt_int(st, b, base + 3, r->ts_ns);
	bind_opt_int(st, b, base + 4, r->cpu);
	bind_opt_int(st, b, base + 5, r->pid);
	bind_opt_int(st, b, base + 6, r->tgid);
	bind_opt_int(st, b, base + 7, r->comm_id);
	bind_int(st, b, base + 8, r->name_id);
	bind_opt_int(st, b, base + 9, r->stack_id);
	bind_opt_int(st, b, base + 10, r->ustack_id);
	if (r->keyset_id >= 0) {
		bind_int(st, b, base + 11, r->keyset_id);
		bind_text(st, b, base + 12, vals, r->vals_len);
	} else {
		bind_null(st, b, base + 11);
		bind_null(st, b, base + 12);
	}
	if (r->has_body)
		bind_text(st, b, base + 13, body, r->body_len);
	else
		bind_null(st, b, base + 13);
}

/* Runs ST, which inserted event rows whose last is R. The ids are left to
 * SQLite (the largest + 1: no lookup of each id, where binding it made
 * SQLite check it was free) and were given out the same way here, since
 * nobody else writes inside this transaction; the check costs no lookup
 * and turns a divergence (a store whose largest id is 2^63 - 1, where
 * SQLite picks ids at random) into an error instead of wrong references. */
static int run_event_insert(struct pb_store *s, sqlite3_stmt *st,
			    const struct store_event_row *r)
{
	if (pb_store_run(s, st) < 0)
		return -1;
	if (sqlite3_last_insert_rowid(s->db) != r->id) {
		pb_error("%s: event %" PRId64 " was stored with id %lld", s->path, r->id,
			 (long long)sqlite3_last_insert_rowid(s->db));
		return store_failure(s, SQLITE_FULL);
	}
	return 0;
}

int store_events_flush(struct pb_store *s)
{
	struct store_event_rows *rs = &s->event_rows;
	sqlite3_stmt *st = s->st[ST_EVENT_INSERT_ROWS];
	size_t n = rs->n, i = 0;

	rs->n = rs->text_len = 0;
	/* rows noted before a rollback, none of this source's */
	if (store_migrations_flush(s, !s->events) < 0)
		return -1;
	if (!s->events)
		return 0;
	if (n == STORE_EVENT_ROWS) {
		for (; i < n; i++)
			bind_row(s, st, rs->bound_rows, (int)i * STORE_EVENT_COLUMNS, &rs->row[i],
				 rs->text + rs->row[i].vals_off, rs->text + rs->row[i].body_off);
		return run_event_insert(s, st, &rs->row[n - 1]);
	}
	for (st = s->st[ST_EVENT_INSERT]; i < n; i++) {
		bind_row(s, st, rs->bound_one, 0, &rs->row[i], rs->text + rs->row[i].vals_off,
			 rs->text + rs->row[i].body_off);
		if (run_event_insert(s, st, &rs->row[i]) < 0)
			return -1;
	}
	return 0;
}

/* The id of the source's first event: the store's last + 1, as SQLite
 * would give it. */
static int first_event_id(struct pb_store *s)
{
	sqlite3_stmt *st = pb_store_prepare(s, "SELECT coalesce(max(id), 0) FROM event");
	int64_t last = 0;
	int rc;

	if (!st)
		return -1;
	rc = pb_store_first_int64(s, st, &last);
	sqlite3_finalize(st);
	if (rc < 0)
		return -1;
	/* ids past half the range were not given out by an import */
	if (last < 0 || last > INT64_MAX / 2) {
		pb_error("%s: the largest event id, %" PRId64 ", leaves no room for more",
			 s->path, last);
		return store_failure(s, SQLITE_FULL);
	}
	s->event_rows.next_id = last + 1;
	return 0;
}

/* Writes the event row R (its text VALS, BODY) now, or notes it for the
 * next statement of STORE_EVENT_ROWS rows, its text copied. */
static int add_event_row(struct pb_store *s, struct store_event_row *r, const char *vals,
			 const char *body)
{
	struct store_event_rows *rs = &s->event_rows;
	size_t need = r->vals_len + r->body_len;

	if (need > sizeof(rs->text) - rs->text_len && store_events_flush(s) < 0)
		return -1;
	if (need > sizeof(rs->text)) {
		/* too long to copy: written alone, its text still valid */
		bind_row(s, s->st[ST_EVENT_INSERT], rs->bound_one, 0, r, vals, body);
		return run_event_insert(s, s->st[ST_EVENT_INSERT], r);
	}
	r->vals_off = (uint32_t)rs->text_len;
	memcpy(rs->text + rs->text_len, vals, r->vals_len);
	rs->text_len += r->vals_len;
	r->body_off = (uint32_t)rs->text_len;
	memcpy(rs->text + rs->text_len, body, r->body_len);
	rs->text_len += r->body_len;
	rs->row[rs->n++] = *r;
	return rs->n == STORE_EVENT_ROWS ? store_events_flush(s) : 0;
}

/* The id of a name or keyset that store_prep() tagged TAG (0: none),
 * interned by INTERN from TEXT (N bytes, hash H) unless known by its tag. */
static int64_t tagged_id(struct pb_store *s, uint64_t tag,
			 int64_t (*intern)(struct pb_store *, const char *, size_t, uint64_t),
			 const char *text, size_t n, uint64_t h)
{
	struct store_tagged_id *t = &s->tagged_ids[tag % STORE_TAGGED_IDS];
	int64_t id;

	if (tag && t->tag == tag)
		return t->id;
	id = intern(s, text, n, h);
	if (tag && id > 0) {
		t->tag = tag;
		t->id = id;
	}
	return id;
}

int pb_store_add_record(struct pb_store *s, const struct pb_record *r)
{
	const struct record_prep *p = r->prep;
	struct store_event_row row;
	int64_t name_id, comm_id = 0, stack_id, ustack_id, keyset_id = 0;

	if (!p) {
		pb_arena_reset(&s->prep_arena);
		p = store_prep(s, r, &s->prep_arena);
	}
	name_id = tagged_id(s, p->name_tag, store_name_id_hashed, p->name, p->name_len,
			    p->name_hash);
	if (name_id < 0)
		return -1;
	if (p->comm_len &&
	    (comm_id = store_name_id_hashed(s, r->comm, p->comm_len, p->comm_hash)) < 0)
		return -1;
	stack_id = store_stack_id(s, r->frames, r->nframes, 0, p->stack_hash);
	ustack_id = store_stack_id(s, r->uframes, r->nuframes, 1, p->ustack_hash);
	if (stack_id < 0 || ustack_id < 0)
		return -1;
	if (p->keys && (keyset_id = tagged_id(s, p->keys_tag, store_keyset_id, p->keys,
					      p->keys_len, p->keys_hash)) < 0)
		return -1;
	/* the source's first event: nothing noted is of this source */
	if (!s->events) {
		s->event_rows.n = s->event_rows.text_len = 0;
		/* the statements may have been prepared again since */
		memset(s->event_rows.bound_rows, 0, sizeof(s->event_rows.bound_rows));
		memset(s->event_rows.bound_one, 0, sizeof(s->event_rows.bound_one));
		store_migrations_flush(s, 1);
		if (first_event_id(s) < 0)
			return -1;
	}
	row = (struct store_event_row){
		.id = s->event_rows.next_id++,
		.line = (int64_t)r->line,
		.ts_ns = r->ts_ns,
		.cpu = r->cpu,
		.pid = r->pid,
		.tgid = r->tgid,
		.comm_id = comm_id ? comm_id : -1,
		.name_id = name_id,
		.stack_id = stack_id ? stack_id : -1,
		.ustack_id = ustack_id ? ustack_id : -1,
		.keyset_id = p->keys ? keyset_id : -1,
		.vals_len = p->keys ? (uint32_t)p->vals_len : 0,
		.has_body = p->keep_body,
		.body_len = (uint32_t)p->body_len,
	};
	if (add_event_row(s, &row, p->keys ? p->vals : "", p->keep_body ? r->body : "") < 0)
		return -1;
	if (store_index_add(s, s->source_id, name_id, row.id) < 0)
		return -1;
	s->events++;
	note_time(s, r->ts_ns);
	s->record_comm_id = comm_id;
	return store_typed_record(s, r, p->typed, row.id, stack_id);
}
