/* fuzz_input.c - lib/input over arbitrary bytes: plain or compressed,
 * truncated or corrupt. Reads each input three ways (bytes, lines, spool)
 * and checks that they agree; then from a file read through a mapping
 * (PINBLAME_MMAP=1 with PINBLAME_MAP_MIN=1 maps any file), whose lines and hash must be those
 * of the memory buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pinblame/input.h"

/* A few bytes of zstd or xz can expand to gigabytes; stop well before. */
#define OUTPUT_LIMIT (32u << 20)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("PINBLAME_MMAP", "1", 1);
	setenv("PINBLAME_MAP_MIN", "1", 1);
	return 0;
}

static void check(int ok)
{
	if (!ok)
		abort();
}

/* Every byte through pb_input_read, the first ones compared with peek. */
static uint64_t read_all(const uint8_t *data, size_t size, int *failed)
{
	struct pb_input *in = pb_input_open_memory(data, size, "fuzz");
	static char buf[65536];
	const char *head;
	size_t peeked = pb_input_peek(in, &head, 4096);
	char *copy = NULL;
	uint64_t total = 0;
	ssize_t got;

	if (peeked != (size_t)-1) {
		check(peeked <= 4096);
		copy = malloc(peeked ? peeked : 1);
		memcpy(copy, head, peeked);
	}
	while (total < OUTPUT_LIMIT && (got = pb_input_read(in, buf, sizeof(buf))) > 0) {
		if (copy && total < peeked) {
			size_t n = peeked - total < (size_t)got ? peeked - total : (size_t)got;

			check(!memcmp(buf, copy + total, n));
		}
		total += (uint64_t)got;
	}
	*failed = total < OUTPUT_LIMIT && got < 0;
	check(pb_input_offset(in) == total);
	free(copy);
	pb_input_close(in);
	return total;
}

/* Lines, putting every seventh back. */
static void read_lines(const uint8_t *data, size_t size)
{
	struct pb_input *in = pb_input_open_memory(data, size, "fuzz");
	enum pb_line_status st;
	const char *line, *again;
	size_t len, len_again;
	uint64_t lineno = 0;

	while (pb_input_offset(in) < OUTPUT_LIMIT &&
	       (st = pb_input_getline(in, &line, &len)) > 0) {
		check(pb_input_lineno(in) == ++lineno);
		check(len <= PB_LINE_MAX);
		check(st == PB_LINE_TOO_LONG ? len == PB_LINE_MAX : !memchr(line, '\n', len));
		if (lineno % 7)
			continue;
		pb_input_ungetline(in);
		check(pb_input_getline(in, &again, &len_again) == st);
		check(again == line && len_again == len && pb_input_lineno(in) == lineno);
	}
	pb_input_close(in);
}

/* One line, then the rest into a temporary file. */
static void spool_rest(const uint8_t *data, size_t size, uint64_t total)
{
	struct pb_input *in = pb_input_open_memory(data, size, "fuzz");
	enum pb_line_status status;
	const char *line;
	struct stat st;
	uint64_t first;
	size_t len;
	int fd;

	status = pb_input_getline(in, &line, &len);
	first = pb_input_offset(in);
	fd = status < 0 ? -1 : pb_input_spool(in);
	if (fd >= 0) {
		check(fstat(fd, &st) == 0);
		check(pb_input_offset(in) == total);
		/* a too-long first line has its tail skipped, not spooled */
		if (status != PB_LINE_TOO_LONG)
			check((uint64_t)st.st_size == total - first);
		close(fd);
	}
	pb_input_close(in);
}

/* DATA written to a file and read through the mapping: the same lines at
 * the same offsets as from memory, the same hash of what was read, and the
 * whole-file hash (which maps the file too) that read() gives. */
static void mapped_matches(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/pb-fuzz-map-XXXXXX", err[256];
	unsigned char mem_digest[32], map_digest[32], mapped[32], read[32];
	struct pb_input *mem, *map;
	int fd = mkstemp(path);

	if (fd < 0)
		return;
	check(write(fd, data, size) == (ssize_t)size);
	close(fd);
	mem = pb_input_open_memory(data, size, "fuzz");
	map = pb_input_open(path, err, sizeof(err));
	check(map != NULL);
	while (pb_input_offset(mem) < OUTPUT_LIMIT) {
		const char *a, *b;
		size_t na, nb;
		enum pb_line_status sa = pb_input_getline(mem, &a, &na);
		enum pb_line_status sb = pb_input_getline(map, &b, &nb);

		check(sa == sb);
		if (sa <= 0)
			break;
		check(na == nb && !memcmp(a, b, na));
		check(pb_input_offset(mem) == pb_input_offset(map));
		check(pb_input_lineno(mem) == pb_input_lineno(map));
	}
	pb_input_sha256(mem, mem_digest);
	pb_input_sha256(map, map_digest);
	check(!memcmp(mem_digest, map_digest, 32));
	pb_input_close(mem);
	pb_input_close(map);
	check(pb_file_sha256(path, mapped, err, sizeof(err)) == 0);
	unsetenv("PINBLAME_MMAP");
	check(pb_file_sha256(path, read, err, sizeof(err)) == 0);
	setenv("PINBLAME_MMAP", "1", 1);
	check(!memcmp(mapped, read, 32));
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char digest[32];
	struct pb_input *in;
	uint64_t total;
	int failed;

	total = read_all(data, size, &failed);
	read_lines(data, size);
	if (total < OUTPUT_LIMIT && !failed)
		spool_rest(data, size, total);

	in = pb_input_open_memory(data, size, "fuzz");
	pb_input_sha256(in, digest);
	pb_input_close(in);
	mapped_matches(data, size);
	return 0;
}
