/* test_input_map.c - a large regular file is read through a mapping
 * (lib/input/input_map.c): every line, number, offset, status and hash is
 * what read() gives (without PINBLAME_MMAP=1), a file that grows is read on past
 * its size at open, one cut short while read is an error rather than a
 * SIGBUS, its hash is that of its bytes, and the pages behind the window
 * go back to the system. */
#include "unit.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "pinblame/core.h"
#include "pinblame/input.h"

#define BIG ((size_t)10 << 20)	/* over input_map.c's MAP_MIN */

struct text {
	char *data;
	size_t len;
};

static void add(struct text *t, const char *s, size_t n)
{
	memcpy(t->data + t->len, s, n);
	t->len += n;
}

/* About BIG bytes of lines of every length up to 300, CRLF ones, empty
 * ones, a NUL byte, a line longer than PB_LINE_MAX, and a last line
 * without its '\n'. */
static struct text make_text(void)
{
	struct text t = { malloc(BIG + 2 * PB_LINE_MAX), 0 };
	unsigned seed = 7;
	char line[400];

	assert_non_null(t.data);
	while (t.len < BIG) {
		size_t n = (seed = seed * 1103515245u + 12345u) >> 16 & 0xff;

		for (size_t i = 0; i < n; i++)
			line[i] = (char)('a' + (i + t.len) % 26);
		if (n % 17 == 3)
			line[n++] = '\r';
		if (n % 1001 == 7)
			line[n / 2] = '\0';
		line[n++] = '\n';
		add(&t, line, n);
		if (t.len > BIG / 2 && t.len < BIG / 2 + 300) {
			memset(t.data + t.len, 'L', PB_LINE_MAX + 10);
			t.len += PB_LINE_MAX + 10;
			add(&t, "\n", 1);
		}
	}
	add(&t, "last line", 9);
	return t;
}

static void write_file(const struct text *t, char *path, size_t pathlen)
{
	int fd;

	snprintf(path, pathlen, "/tmp/pb-test-map-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, t->data, t->len), (ssize_t)t->len);
	close(fd);
}

static struct pb_input *open_file(const char *path, int mapped)
{
	char err[128];
	struct pb_input *in;

	if (mapped)
		setenv("PINBLAME_MMAP", "1", 1);
	in = pb_input_open(path, err, sizeof(err));
	unsetenv("PINBLAME_MMAP");
	assert_non_null(in);
	return in;
}

/* One step of a reader: a line, or now and then the whole lines buffered
 * (up to 50), as the text parsers take them. */
static enum pb_line_status step(struct pb_input *in, size_t i, const char **s, size_t *len)
{
	if (i % 7 == 3) {
		size_t n = pb_input_buffered(in, s), bytes = 0;
		uint64_t lines = 0;

		/* whole lines, none longer than PB_LINE_MAX, as the parsers do */
		for (const char *nl; lines < 50 && (nl = memchr(*s + bytes, '\n', n - bytes)) &&
		     (size_t)(nl - (*s + bytes)) <= PB_LINE_MAX; lines++)
			bytes = (size_t)(nl - *s) + 1;
		pb_input_take_lines(in, bytes, lines);
		*len = bytes;
		if (lines)
			return PB_LINE_OK;
	}
	return pb_input_getline(in, s, len);
}

static void test_mapped_file_reads_as_read_does(void **state)
{
	struct text t = make_text();
	struct pb_input *a, *b;
	unsigned char ha[32], hb[32];
	char path[64];
	bool stayed = false;
	size_t i = 0;

	(void)state;
	write_file(&t, path, sizeof(path));
	a = open_file(path, 1);
	b = open_file(path, 0);
	for (;; i++) {
		const char *sa, *sb;
		size_t la, lb;
		enum pb_line_status st = step(a, i, &sa, &la);

		assert_int_equal(step(b, i, &sb, &lb), st);
		assert_int_not_equal(st, PB_LINE_ERROR);
		if (st == PB_LINE_EOF)
			break;
		assert_int_equal(la, lb);
		assert_memory_equal(sa, sb, la);
		assert_int_equal(pb_input_lineno(a), pb_input_lineno(b));
		assert_int_equal(pb_input_offset(a), pb_input_offset(b));
		if (i % 7 != 3)
			assert_int_equal(pb_input_line_has_nul(a), pb_input_line_has_nul(b));
		stayed |= pb_input_buffered_stays(a);
		assert_false(pb_input_buffered_stays(b));
	}
	assert_true(i > 5000);
	assert_true(stayed);
	assert_int_equal(pb_input_raw_offset(a), t.len);
	pb_input_sha256(a, ha);
	pb_input_sha256(b, hb);
	assert_memory_equal(ha, hb, 32);
	pb_input_close(a);
	pb_input_close(b);
	unlink(path);
	free(t.data);
}

static void test_mapped_file_is_read_on_past_its_size_at_open(void **state)
{
	struct text t = make_text();
	unsigned char direct[32], hashed[32];
	struct pb_sha256 sha;
	struct pb_input *in;
	const char *s, *last = NULL;
	size_t len, last_len = 0;
	char path[64];
	int fd;

	(void)state;
	write_file(&t, path, sizeof(path));
	in = open_file(path, 1);
	fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, " and more\nappended\n", 19), 19);
	close(fd);
	while (pb_input_getline(in, &s, &len) != PB_LINE_EOF) {
		last = s;
		last_len = len;
	}
	assert_int_equal(last_len, 8);
	assert_memory_equal(last, "appended", 8);
	assert_int_equal(pb_input_raw_offset(in), t.len + 19);
	/* the hash too takes the bytes past the mapping */
	add(&t, " and more\nappended\n", 19);
	pb_sha256_init(&sha);
	pb_sha256_update(&sha, t.data, t.len);
	pb_sha256_final(&sha, direct);
	pb_input_sha256(in, hashed);
	assert_memory_equal(hashed, direct, 32);
	pb_input_close(in);
	unlink(path);
	free(t.data);
}

static void test_mapped_file_cut_short_is_an_error(void **state)
{
	struct text t = make_text();
	enum pb_line_status st;
	struct pb_input *in;
	const char *s;
	size_t len;
	char path[64];

	(void)state;
	write_file(&t, path, sizeof(path));
	in = open_file(path, 1);
	for (int i = 0; i < 20000; i++)
		assert_int_equal(pb_input_getline(in, &s, &len), PB_LINE_OK);
	assert_int_equal(truncate(path, (off_t)(1u << 20)), 0);
	do
		st = pb_input_getline(in, &s, &len);
	while (st == PB_LINE_OK || st == PB_LINE_TOO_LONG);
	assert_int_equal(st, PB_LINE_ERROR);
	assert_string_equal(pb_input_strerror(in), "file shrank while read");
	pb_input_close(in);
	unlink(path);
	free(t.data);
}

static void test_mapped_file_hashes_as_its_bytes(void **state)
{
	struct text t = make_text();
	unsigned char direct[32], mapped[32], read_in[32], job[32];
	struct pb_sha256 sha;
	struct pb_hash_job *j;
	char path[64], err[128];

	(void)state;
	write_file(&t, path, sizeof(path));
	pb_sha256_init(&sha);
	pb_sha256_update(&sha, t.data, t.len);
	pb_sha256_final(&sha, direct);
	setenv("PINBLAME_MMAP", "1", 1);
	assert_int_equal(pb_file_sha256(path, mapped, err, sizeof(err)), 0);
	assert_memory_equal(mapped, direct, 32);
	j = pb_file_sha256_start(path);
	assert_non_null(j);
	assert_int_equal(pb_hash_job_finish(j, job, err, sizeof(err)), 0);
	assert_memory_equal(job, direct, 32);
	unsetenv("PINBLAME_MMAP");
	assert_int_equal(pb_file_sha256(path, read_in, err, sizeof(err)), 0);
	assert_memory_equal(read_in, direct, 32);
	unlink(path);
	free(t.data);
}

/* Resident pages of the process, from /proc/self/statm. */
static long resident_pages(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size = 0, rss = -1;

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%ld %ld", &size, &rss), 2);
	fclose(f);
	return rss;
}

static void test_mapped_file_gives_its_pages_back(void **state)
{
	const size_t size = (size_t)96 << 20;
	struct pb_input *in;
	long before, peak = 0;
	const char *s;
	size_t len;
	char path[64] = "/tmp/pb-test-map-XXXXXX";
	char *line = malloc(4096);
	int fd;

	(void)state;
	assert_non_null(line);
	memset(line, 'x', 4095);
	line[4095] = '\n';
	fd = mkstemp(path);
	assert_true(fd >= 0);
	for (size_t done = 0; done < size; done += 4096)
		assert_int_equal(write(fd, line, 4096), 4096);
	close(fd);
	in = open_file(path, 1);
	before = resident_pages();
	for (size_t i = 0; pb_input_getline(in, &s, &len) == PB_LINE_OK; i++) {
		if (i % 1024 == 0 && resident_pages() > peak)
			peak = resident_pages();
	}
	assert_int_equal(pb_input_raw_offset(in), size);
	/* the window (2 MiB) and a step given back at a time (2 MiB), not
	 * the 96 MiB read */
	assert_true((peak - before) * sysconf(_SC_PAGESIZE) < (16 << 20));
	pb_input_close(in);
	unlink(path);
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapped_file_reads_as_read_does),
		cmocka_unit_test(test_mapped_file_is_read_on_past_its_size_at_open),
		cmocka_unit_test(test_mapped_file_cut_short_is_an_error),
		cmocka_unit_test(test_mapped_file_hashes_as_its_bytes),
		cmocka_unit_test(test_mapped_file_gives_its_pages_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
