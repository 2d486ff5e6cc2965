/* fuzz_kmsg.c - the kernel log parser (dmesg, journalctl -k, console logs) over arbitrary bytes. */
#include "fuzz_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_parse(data, size, PB_FMT_KMSG);
}
