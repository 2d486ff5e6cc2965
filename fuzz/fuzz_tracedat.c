/* fuzz_tracedat.c - the trace.dat reader (libtracecmd, libtraceevent and
 * our decoding of events, stacks and markers) over arbitrary event data.
 *
 * The seed is the arm64 trace-cmd capture's v6 file cut down to one
 * ring-buffer page of CPU 0, with the formats and kallsyms lines that page
 * needs. Its headers are kept as they are and the fuzzed bytes become the
 * CPU's data: the headers (event formats, options, compressed v7 sections)
 * are parsed by libtraceevent and libtracecmd alone, and fuzzing them only
 * finds those libraries' bugs (a NULL dereference in tep_parse_event() on
 * a broken format, strdup() past an option without its NUL). */
#include <stdio.h>

#include "fuzz_parse.h"

#define SEED "fuzz/corpus/tracedat/arm64-v6-one-page.dat"
#define FLYRECORD "flyrecord"	/* then per CPU: u64 offset, u64 size */
#define PAGE 4096		/* the seed's ring-buffer page size */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char header[64 * 1024];
static size_t header_len, size_field;

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Reads the seed's headers (run from the top of the tree, as make fuzz
 * does): everything before CPU 0's data. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FILE *f = fopen(SEED, "rb");
	size_t n = f ? fread(header, 1, sizeof(header), f) : 0;
	unsigned char *fly;

	if (f)
		fclose(f);
	fly = memmem(header, n, FLYRECORD, sizeof(FLYRECORD));
	if (!fly || (size_t)(fly - header) + sizeof(FLYRECORD) + 16 > n) {
		fprintf(stderr, "fuzz_tracedat: cannot read the headers of %s\n", SEED);
		exit(1);
	}
	size_field = (size_t)(fly - header) + sizeof(FLYRECORD) + 8;
	header_len = le64(fly + sizeof(FLYRECORD));
	if (header_len > n) {
		fprintf(stderr, "fuzz_tracedat: %s has no data\n", SEED);
		exit(1);
	}
	return 0;
}

/* Whether libtracecmd opens FILE at all: it rightly refuses some broken
 * data (a first page it cannot read), which fuzz_parse() would take for a
 * failure. A refusal must come with a reason. */
static int opens(const unsigned char *file, size_t n)
{
	struct pb_input *in = pb_input_open_memory(file, n, NULL);
	struct pb_parser *p;
	char err[256];
	int opened;

	err[0] = '\0';
	p = pb_parser_new(in, PB_FMT_TRACE_DAT, NULL, NULL, err, sizeof(err));
	opened = p != NULL;
	if (!opened && !err[0])
		abort();
	pb_parser_free(p);
	pb_input_close(in);
	return opened;
}

/* An input shaped like the seed keeps its own data part; a shorter one is
 * all data. The data is padded with zeros to whole ring-buffer pages, as
 * trace-cmd writes it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *events = size > header_len ? data + header_len : data;
	size_t n = size > header_len ? size - header_len : size;
	size_t padded = (n + PAGE - 1) / PAGE * PAGE;
	unsigned char *file = calloc(1, header_len + padded);

	memcpy(file, header, header_len);
	memcpy(file + header_len, events, n);
	for (int i = 0; i < 8; i++)
		file[size_field + i] = (unsigned char)((uint64_t)padded >> (8 * i));
	if (opens(file, header_len + padded))
		fuzz_parse(file, header_len + padded, PB_FMT_TRACE_DAT);
	free(file);
	return 0;
}
