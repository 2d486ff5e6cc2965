/* fuzz_perf_script_memo.c - the perf script parser over arbitrary bytes,
 * read with and without the memo of callchains (PINBLAME_RUN_MEMO): the
 * two must agree record for record and bad line for bad line. */
#include "fuzz_digest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct digest ref, memo;

	if (fuzz_compressed(data, size))
		return 0;
	ref = read_as(data, size, PB_FMT_PERF_SCRIPT, "0", "0");
	memo = read_as(data, size, PB_FMT_PERF_SCRIPT, "0", "1");
	if (memo.h != ref.h) {
		fprintf(stderr, "records %lu/%lu, bad lines %lu/%lu\n", ref.records, memo.records,
			ref.bad, memo.bad);
		abort();
	}
	return 0;
}
