/* store_fixture.h - cmocka setup and teardown that give each test a new,
 * empty store (f->s, at f->db) in a temporary folder of its own, and
 * remove both after it: for the unit tests that work on one store. */
#ifndef PINBLAME_STORE_FIXTURE_H
#define PINBLAME_STORE_FIXTURE_H

#include "unit.h"

#include <stdio.h>
#include <unistd.h>

#include "pinblame/store.h"
#include "store_query.h"

struct fixture {
	char dir[64];
	char db[96];
	struct pb_store *s;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/pb-unit.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/t.db", f->dir);
	f->s = pb_store_open(f->db, PB_STORE_WRITE);
	assert_non_null(f->s);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	pb_store_close(f->s);
	unit_remove_store(f->db);
	rmdir(f->dir);
	free(f);
	return 0;
}

#endif
