/* fuzz_page_pinner.c - the ACK page_pinner debugfs dump parser over arbitrary bytes. */
#include "fuzz_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_parse(data, size, PB_FMT_PAGE_PINNER);
}
