/* migrate_names.h - the names of migrate reasons and modes by the kernel
 * release that printed their numbers (migrate_names.c; doc/FORMATS.md
 * section 1.3). */
#ifndef PINBLAME_MIGRATE_NAMES_H
#define PINBLAME_MIGRATE_NAMES_H

#include <stdint.h>

enum store_migrate_enum {
	STORE_MIGRATE_REASON,	/* enum migrate_reason, MIGRATE_REASON */
	STORE_MIGRATE_MODE,	/* enum migrate_mode, MIGRATE_MODE */
};

/* The name of VALUE of enum WHICH on kernel RELEASE (NULL or a text that
 * does not begin "N.N": unknown), or NULL when it has none to give.
 * PRINTED: the kernel printed the number in its symbolic field, which
 * __print_symbolic() does only for a value its table has no name for;
 * else raw output (the fields option, trace-cmd report -R) showed it.
 * Unknown release: the name every kernel generation that had the value
 * (and printed it so) gave it, NULL when they differ. */
const char *store_migrate_name(enum store_migrate_enum which, uint64_t value,
			       const char *release, int printed);

#endif
