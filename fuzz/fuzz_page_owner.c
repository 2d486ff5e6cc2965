/* fuzz_page_owner.c - the /sys/kernel/debug/page_owner dump parser over arbitrary bytes. */
#include "fuzz_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_parse(data, size, PB_FMT_PAGE_OWNER);
}
