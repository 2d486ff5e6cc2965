/* lib/store: the interning maps keep a fixed number of ids (so that import
 * memory does not grow with the distinct stacks, symbols and names of a
 * trace); what they forgot is found again in the store, never stored
 * twice. */
#include "store_fixture.h"

#include <stdio.h>
#include <unistd.h>

#include <sqlite3.h>

#include "pinblame/parse.h"
#include "pinblame/store.h"

/* More than the maps keep (PB_IDMAP_BUDGET, 32,768), twice over. */
#define DISTINCT 70000
#define REPEATS 100

/* Record LINE: task "tN" with a stack whose leaf is "fn_N" (a module
 * frame for every other one), N = (LINE - 1) % DISTINCT. */
static void add_numbered(struct pb_store *s, uint64_t line)
{
	unsigned n = (unsigned)((line - 1) % DISTINCT);
	char leaf[32], comm[32];
	struct pb_frame frames[2] = {
		{ .symbol = leaf, .offset = 0x10, .module = n % 2 ? "drv" : NULL },
		{ .symbol = "pin_user_pages", .offset = 0x6c },
	};
	struct pb_record r = {
		.line = line, .ts_ns = (int64_t)line, .cpu = 0, .pid = 1, .tgid = -1,
		.comm = comm, .system = "test", .event = "pin", .body = "",
		.nframes = 2, .frames = frames,
	};

	snprintf(leaf, sizeof(leaf), "fn_%u", n);
	snprintf(comm, sizeof(comm), "t%u", n);
	assert_int_equal(pb_store_add_record(s, &r), 0);
}

static void add_source(struct pb_store *s, const char *sha, uint64_t first, uint64_t last)
{
	struct pb_source_info info = { .path = sha, .format = "ftrace", .sha256 = sha };
	struct pb_source_totals t = { .sha256 = sha };
	int64_t id;

	assert_int_equal(pb_store_source_begin(s, &info, &id), 1);
	for (uint64_t line = first; line <= last; line++)
		add_numbered(s, line);
	t.events = pb_store_source_events(s);
	assert_int_equal(pb_store_source_commit(s, &t), 1);
}

static void test_forgotten_ids_found_again_in_the_store(void **state)
{
	struct fixture *f = *state;
	struct pb_store *s = f->s;

	/* the first ids are forgotten by the time their repeats come */
	add_source(s, "one", 1, DISTINCT + REPEATS);
	/* a later source, after the maps were loaded again */
	add_source(s, "two", DISTINCT - REPEATS + 1, DISTINCT + REPEATS);
	assert_int_equal(query_int(s, "SELECT count(*) FROM stack"), DISTINCT);
	assert_int_equal(query_int(s, "SELECT count(*) FROM symbol"), DISTINCT + 1);
	/* the tasks, and the event's name */
	assert_int_equal(query_int(s, "SELECT count(*) FROM name"), DISTINCT + 1);
	assert_int_equal(query_int(s, "SELECT count(*) FROM frame"), 2 * DISTINCT);
	assert_int_equal(query_int(s, "SELECT count(*) FROM event"),
			 DISTINCT + REPEATS + 2 * REPEATS);
	/* every event points at its own stack and task */
	assert_int_equal(query_int(s,
		"SELECT count(*) FROM event e JOIN stack k ON k.id = e.stack_id "
		"JOIN name c ON c.id = e.comm_id "
		"WHERE k.leaf = 'fn_' || ((e.line - 1) % 70000) "
		"AND c.text = 't' || ((e.line - 1) % 70000)"),
		DISTINCT + REPEATS + 2 * REPEATS);
	assert_int_equal(query_int(s,
		"SELECT count(*) FROM frame f JOIN symbol y ON y.id = f.symbol_id "
		"JOIN stack k ON k.id = f.stack_id WHERE f.depth = 0 AND y.name = k.leaf "
		"AND y.module = CASE WHEN substr(k.leaf, 4) % 2 THEN 'drv' ELSE '' END"),
		DISTINCT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_forgotten_ids_found_again_in_the_store,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
