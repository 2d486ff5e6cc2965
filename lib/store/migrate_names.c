/* migrate_names.c - which name a migrate reason or mode number had on the
 * kernel that printed it.
 *
 * mm_migrate_pages prints both with __print_symbolic() over a table of
 * the enum (include/trace/events/migrate.h), which prints "0x%lx" for a
 * value the table lacks; raw output (the fields option, trace-cmd report
 * -R) prints the number whatever the table says. The enums grew at the
 * end over the releases, one table lagged its enum, and one mode came
 * and went, so a number means a name only on the releases that had it.
 * The eras below are those of doc/FORMATS.md section 1.3, each read in a
 * named tree. */
#include <string.h>

#include "pinblame/core.h"

#include "migrate_names.h"

/* A release as its first two numbers; {0, 0} is before every release. */
struct release {
	unsigned char major, minor;
};

#define ALWAYS { 0, 0 }
#define STILL { 0, 0 }
#define NEVER { 99, 0 }

/* VALUE was NAME on the releases from SINCE (ALWAYS: as long as the
 * tracepoint, 3.8 and the vendor trees that took it earlier) to before
 * UNTIL (STILL: to this day); the tracepoint's table named it from NAMED
 * on (ALWAYS: whenever the enum had it; NEVER: never). */
struct era {
	uint64_t value;
	const char *name;
	struct release since, until, named;
};

/* enum migrate_reason. 6 was MR_CMA "cma" before 4.18 and MR_CONTIG_RANGE
 * "contig_range" after: one reason, stored under today's name. */
static const struct era reasons[] = {
	{ 0, "compaction", ALWAYS, STILL, ALWAYS },
	{ 1, "memory_failure", ALWAYS, STILL, ALWAYS },
	{ 2, "memory_hotplug", ALWAYS, STILL, ALWAYS },
	{ 3, "syscall_or_cpuset", ALWAYS, STILL, ALWAYS },
	{ 4, "mempolicy_mbind", ALWAYS, STILL, ALWAYS },
	/* in the enum from the start, in the table only from 3.14-3.18 */
	{ 5, "numa_misplaced", ALWAYS, STILL, { 3, 18 } },
	{ 6, "contig_range", ALWAYS, STILL, ALWAYS },
	{ 7, "longterm_pin", { 5, 13 }, STILL, ALWAYS },
	{ 8, "demotion", { 5, 15 }, STILL, ALWAYS },
	{ 9, "damon", { 6, 11 }, STILL, ALWAYS },
};

/* enum migrate_mode; the table never had MIGRATE_SYNC_NO_COPY. */
static const struct era modes[] = {
	{ 0, "MIGRATE_ASYNC", ALWAYS, STILL, ALWAYS },
	{ 1, "MIGRATE_SYNC_LIGHT", ALWAYS, STILL, ALWAYS },
	{ 2, "MIGRATE_SYNC", ALWAYS, STILL, ALWAYS },
	{ 3, "MIGRATE_SYNC_NO_COPY", { 4, 14 }, { 6, 10 }, NEVER },
};

static int at_least(const char *release, struct release r)
{
	return pb_release_at_least(release, r.major, r.minor) == 1;
}

/* Whether RELEASE's enum had E's value as E's name; with PRINTED, also
 * whether its table lacked it (so that it printed the number). */
static int era_holds(const struct era *e, const char *release, int printed)
{
	if (!at_least(release, e->since) || (e->until.major && at_least(release, e->until)))
		return 0;
	return !printed || !at_least(release, e->named);
}

/* Whether some release of E printed its value as a number. */
static int era_printed_numbers(const struct era *e)
{
	return e->named.major > e->since.major ||
	       (e->named.major == e->since.major && e->named.minor > e->since.minor);
}

const char *store_migrate_name(enum store_migrate_enum which, uint64_t value,
			       const char *release, int printed)
{
	const struct era *eras = which == STORE_MIGRATE_MODE ? modes : reasons;
	size_t n = which == STORE_MIGRATE_MODE ? PB_ARRAY_SIZE(modes) : PB_ARRAY_SIZE(reasons);
	int known = pb_release_at_least(release, 0, 0) == 1;
	const char *agreed = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct era *e = &eras[i];

		if (e->value != value)
			continue;
		if (known) {
			if (era_holds(e, release, printed))
				return e->name;
			continue;
		}
		if (printed && !era_printed_numbers(e))
			continue;
		if (agreed && strcmp(agreed, e->name))
			return NULL;
		agreed = e->name;
	}
	return known ? NULL : agreed;
}
