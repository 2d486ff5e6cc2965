/* test_migrate_names.c - a migrate reason or mode number named by the
 * enum of the kernel release that printed it (lib/store/migrate_names.c).
 * The expected names are those of the enums and tables read in the trees
 * doc/FORMATS.md section 1.3 names. */
#include <inttypes.h>

#include "unit.h"

#include "../../lib/store/migrate_names.h"

#define REASON STORE_MIGRATE_REASON
#define MODE STORE_MIGRATE_MODE
#define RAW 0
#define PRINTED 1

static void assert_name(enum store_migrate_enum which, uint64_t v, const char *release,
			int printed, const char *want)
{
	const char *got = store_migrate_name(which, v, release, printed);

	if (!want && got)
		fail_msg("%" PRIu64 " on %s: %s, want no name", v, release ? release : "?", got);
	if (want && (!got || strcmp(got, want)))
		fail_msg("%" PRIu64 " on %s: %s, want %s", v, release ? release : "?",
			 got ? got : "no name", want);
}

/* Raw output shows the number whatever the table says: the release's
 * enum names it, or nothing does (4.19's ended at MR_CONTIG_RANGE, 6.1's
 * at MR_DEMOTION; MR_DAMON came in 6.11). */
static void test_raw_reason_is_named_by_its_release(void **state)
{
	(void)state;
	assert_name(REASON, 6, "4.9.227", RAW, "contig_range");	/* "cma" then */
	assert_name(REASON, 6, "4.19.71", RAW, "contig_range");
	assert_name(REASON, 5, "4.19.71", RAW, "numa_misplaced");
	assert_name(REASON, 7, "4.19.71", RAW, NULL);
	assert_name(REASON, 9, "4.19.71", RAW, NULL);
	assert_name(REASON, 7, "5.10.198-android12-9-00001-g1", RAW, NULL);
	assert_name(REASON, 7, "5.15.0-91-generic", RAW, "longterm_pin");
	assert_name(REASON, 8, "5.15.0-91-generic", RAW, "demotion");
	assert_name(REASON, 8, "6.1.0-18-arm64", RAW, "demotion");
	assert_name(REASON, 9, "6.1.0-18-arm64", RAW, NULL);
	assert_name(REASON, 9, "6.6.30", RAW, NULL);
	assert_name(REASON, 9, "6.12.107+deb13-arm64", RAW, "damon");
	assert_name(REASON, 9, "7.2.13+deb14-arm64", RAW, "damon");
	assert_name(REASON, 10, "7.2.13+deb14-arm64", RAW, NULL);
	assert_name(REASON, 63, "7.2.13", RAW, NULL);
}

/* A number the kernel printed in its symbolic field is one its table had
 * no name for: named only where the enum had it and the table lacked it
 * (MR_NUMA_MISPLACED before 3.18), never from a newer enum. */
static void test_printed_reason_is_one_the_kernel_had_no_name_for(void **state)
{
	(void)state;
	assert_name(REASON, 9, "4.19.71", PRINTED, NULL);
	assert_name(REASON, 7, "6.1.0-18-arm64", PRINTED, NULL);
	assert_name(REASON, 5, "3.10.108", PRINTED, "numa_misplaced");
	assert_name(REASON, 5, "3.18.140", PRINTED, NULL);
	assert_name(REASON, 6, "3.10.108", PRINTED, NULL);
	assert_name(REASON, 9, "6.12.107", PRINTED, NULL);
}

/* Without the release a number is named only when every generation that
 * had it (and printed it so) named it alike: the enum only grew at its
 * end, so any raw reason up to damon is; of the printed ones only
 * numa_misplaced, which 3.8 to 3.17 printed as a number. */
static void test_reason_without_release(void **state)
{
	static const char *const names[] = {
		"compaction", "memory_failure", "memory_hotplug", "syscall_or_cpuset",
		"mempolicy_mbind", "numa_misplaced", "contig_range", "longterm_pin",
		"demotion", "damon",
	};

	(void)state;
	for (uint64_t v = 0; v < 10; v++) {
		assert_name(REASON, v, NULL, RAW, names[v]);
		assert_name(REASON, v, "", RAW, names[v]);
		assert_name(REASON, v, "unknown", RAW, names[v]);
		assert_name(REASON, v, NULL, PRINTED, v == 5 ? "numa_misplaced" : NULL);
	}
	assert_name(REASON, 10, NULL, RAW, NULL);
	assert_name(REASON, 10, NULL, PRINTED, NULL);
}

/* MIGRATE_SYNC_NO_COPY was mode 3 from 4.14 (HMM) until its removal
 * (6.10); MIGRATE_MODE never named it, so those kernels printed 0x3. */
static void test_mode_3_came_and_went(void **state)
{
	(void)state;
	assert_name(MODE, 2, "3.10.108", RAW, "MIGRATE_SYNC");
	assert_name(MODE, 2, "7.2.13", RAW, "MIGRATE_SYNC");
	assert_name(MODE, 2, "6.1.0", PRINTED, NULL);
	assert_name(MODE, 3, "4.9.227", RAW, NULL);
	assert_name(MODE, 3, "4.19.71", RAW, "MIGRATE_SYNC_NO_COPY");
	assert_name(MODE, 3, "6.9.12", RAW, "MIGRATE_SYNC_NO_COPY");
	assert_name(MODE, 3, "6.12.107", RAW, NULL);
	assert_name(MODE, 3, "5.10.198", PRINTED, "MIGRATE_SYNC_NO_COPY");
	assert_name(MODE, 3, "6.12.107", PRINTED, NULL);
	assert_name(MODE, 3, NULL, RAW, "MIGRATE_SYNC_NO_COPY");
	assert_name(MODE, 3, NULL, PRINTED, "MIGRATE_SYNC_NO_COPY");
	assert_name(MODE, 4, NULL, RAW, NULL);
	assert_name(MODE, 0, NULL, PRINTED, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raw_reason_is_named_by_its_release),
		cmocka_unit_test(test_printed_reason_is_one_the_kernel_had_no_name_for),
		cmocka_unit_test(test_reason_without_release),
		cmocka_unit_test(test_mode_3_came_and_went),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
