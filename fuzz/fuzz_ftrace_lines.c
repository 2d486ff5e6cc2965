/* fuzz_ftrace_lines.c - the ftrace text parser over arbitrary bytes, read
 * three ways that must agree record for record and bad line for bad line:
 * on the parser's thread with every run of frame lines read a line at a
 * time (the reference), on the parser's thread with the memo of runs, and
 * on the reading thread (evtext_lines.c) looking at every line there. A
 * difference is a bug in the runs' memo or in the reading thread. */
#include "fuzz_digest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct digest ref, memo, ahead;

	if (fuzz_compressed(data, size))
		return 0;
	ref = read_as(data, size, PB_FMT_FTRACE, "0", "0");
	memo = read_as(data, size, PB_FMT_FTRACE, "0", "1");
	ahead = read_as(data, size, PB_FMT_FTRACE, "2", "1");
	if (memo.h != ref.h || ahead.h != ref.h) {
		fprintf(stderr, "records %lu/%lu/%lu, bad lines %lu/%lu/%lu\n", ref.records,
			memo.records, ahead.records, ref.bad, memo.bad, ahead.bad);
		abort();
	}
	return 0;
}
