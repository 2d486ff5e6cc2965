/* unit.h - common includes for the cmocka unit tests.
 * Each tests/unit/test_MODULE.c is one program; `make unit` runs them all.
 * PB_TESTDATA points at testdata/ for tests that read committed files. */
#ifndef PINBLAME_UNIT_H
#define PINBLAME_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <stdio.h>
#include <unistd.h>

static inline const char *unit_testdata(void)
{
	const char *d = getenv("PB_TESTDATA");

	return d ? d : "testdata";
}

/* Removes the SQLite store DB and its -wal and -shm files. */
static inline void unit_remove_store(const char *db)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	char path[512];

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", db, suffixes[i]);
		unlink(path);
	}
}

#endif
