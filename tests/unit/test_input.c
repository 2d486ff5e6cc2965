#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "pinblame/core.h"
#include "pinblame/input.h"

/* Enough text to cross the 256 KiB raw buffer and the 2 MiB window. */
#define TEXT_LINES 60000

struct blob {
	unsigned char *data;
	size_t len;
};

/* Lines of 10 to about 300 bytes: "line N:" then a varying run of words. */
static struct blob make_text(void)
{
	struct pb_buf b = { 0 };
	struct blob t;

	for (unsigned i = 0; i < TEXT_LINES; i++) {
		pb_buf_addf(&b, "line %u:", i + 1);
		for (unsigned k = 0; k < i % 37; k++)
			pb_buf_adds(&b, k % 3 ? " cma_alloc" : " pfn=0x13e000");
		pb_buf_addc(&b, '\n');
	}
	t.data = (unsigned char *)b.data;
	t.len = b.len;
	return t;
}

static struct blob gzip_blob(const struct blob *in)
{
	struct blob out = { pb_malloc(compressBound(in->len) + 64), 0 };
	z_stream z = { 0 };

	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = in->data;
	z.avail_in = (uInt)in->len;
	z.next_out = out.data;
	z.avail_out = (uInt)(compressBound(in->len) + 64);
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	out.len = z.total_out;
	deflateEnd(&z);
	return out;
}

static struct blob xz_blob(const struct blob *in)
{
	size_t cap = lzma_stream_buffer_bound(in->len);
	struct blob out = { pb_malloc(cap), 0 };

	assert_int_equal(lzma_easy_buffer_encode(1, LZMA_CHECK_CRC64, NULL, in->data, in->len,
						 out.data, &out.len, cap), LZMA_OK);
	return out;
}

static struct blob zstd_blob(const struct blob *in)
{
	size_t cap = ZSTD_compressBound(in->len);
	struct blob out = { pb_malloc(cap), 0 };

	out.len = ZSTD_compress(out.data, cap, in->data, in->len, 3);
	assert_false(ZSTD_isError(out.len));
	return out;
}

static struct blob twice(const struct blob *in)
{
	struct blob out = { pb_malloc(2 * in->len), 2 * in->len };

	memcpy(out.data, in->data, in->len);
	memcpy(out.data + in->len, in->data, in->len);
	return out;
}

static struct blob cut(const struct blob *in, size_t len)
{
	struct blob out = { pb_malloc(len), len };

	memcpy(out.data, in->data, len);
	return out;
}

static struct blob text_of(const char *s)
{
	struct blob t = { (unsigned char *)pb_strdup(s), strlen(s) };

	return t;
}

/* Compares every line against splitting TEXT by hand, COPIES times over. */
static void assert_same_lines(struct pb_input *in, const struct blob *text, int copies)
{
	const char *line;
	size_t len;
	uint64_t n = 0;

	for (int c = 0; c < copies; c++) {
		const char *p = (const char *)text->data, *end = p + text->len;

		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));

			assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
			assert_int_equal(pb_input_lineno(in), ++n);
			assert_int_equal(len, (size_t)(nl - p));
			assert_memory_equal(line, p, len);
			p = nl + 1;
		}
	}
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_EOF);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_EOF);
	assert_int_equal(pb_input_offset(in), copies * text->len);
}

/* TEXT as the string of a JSON trace: every line end, quote and
 * backslash escaped, and one in 50 of the other ASCII characters written
 * as \u00XX, so that escapes fall across the 256 KiB raw reads. */
static struct blob json_trace(const struct blob *text)
{
	struct pb_buf b = { 0 };

	pb_buf_adds(&b, "{\"traceEvents\":[{\"name\":\"x\",\"args\":{\"systemTraceEvents\":\"decoy\"}}],"
		    "\"meta\":{\"k\":\"]}\\\"systemTraceEvents\\\"\"},\"n\":12,\n \"systemTraceEvents\" : \"");
	for (size_t i = 0; i < text->len; i++) {
		unsigned char c = text->data[i];

		if (c == '\n')
			pb_buf_adds(&b, "\\n");
		else if (c == '"' || c == '\\')
			pb_buf_addf(&b, "\\%c", c);
		else if (i % 50 == 7 && c < 0x80)
			pb_buf_addf(&b, "\\u%04X", c);
		else
			pb_buf_addc(&b, (char)c);
	}
	pb_buf_adds(&b, "\",\"after\":[1,2]}\n");
	return (struct blob){ (unsigned char *)b.data, b.len };
}

/* TEXT in a systrace page: a JSON trace-data block first (not the ftrace
 * text), script-like noise, then the block of text. */
static struct blob html_trace(const struct blob *text)
{
	struct pb_buf b = { 0 };

	pb_buf_adds(&b, "<!DOCTYPE html>\n<html><head><script>var a = '<scrip' + '</scr';</script>\n"
		    "<script class=\"trace-data\" type=\"application/json\">\n{\"a\": \"x\"}\n</script>\n");
	for (int i = 0; i < 20000; i++)
		pb_buf_addf(&b, "<div class=\"x%d\">&lt;noise&gt; <script class=\"trace\"></div>\n", i);
	pb_buf_adds(&b, "<!-- BEGIN TRACE -->\n  <script class=\"trace-data\" type=\"application/text\">\n");
	pb_buf_add(&b, text->data, text->len);
	pb_buf_adds(&b, "</script>\n<!-- END TRACE -->\n</body></html>\n");
	return (struct blob){ (unsigned char *)b.data, b.len };
}

/* TEXT in a systrace page of before the trace-data blocks: the string of
 * 'var linuxPerfData = "\', each line ending in '\n\' (a JavaScript
 * string: quotes and backslashes escaped), '";' after the last; near
 * matches of the variable before it. */
static struct blob js_html_trace(const struct blob *text)
{
	struct pb_buf b = { 0 };

	pb_buf_adds(&b, "<!DOCTYPE HTML>\n<html>\n<head>\n<script>var linuxPerf = 1; "
		    "var vvar linuxPerfDat = \"x\";</script>\n</head>\n<body>\n"
		    "  <div class=\"view\">\n  </div>\n  <script>\n  var linuxPerfData = \"\\\n");
	for (size_t i = 0; i < text->len; i++) {
		unsigned char c = text->data[i];

		if (c == '\n')
			pb_buf_adds(&b, "\\n\\\n");
		else if (c == '"' || c == '\\')
			pb_buf_addf(&b, "\\%c", c);
		else
			pb_buf_addc(&b, (char)c);
	}
	pb_buf_adds(&b, "\";\n  </script>\n</body>\n</html>\n");
	return (struct blob){ (unsigned char *)b.data, b.len };
}

/* TEXT wrapped every way reads as TEXT itself. */
static void assert_unwraps(const struct blob *text)
{
	struct blob wrapped[3] = { json_trace(text), html_trace(text), js_html_trace(text) };

	for (int i = 0; i < 3; i++) {
		struct pb_input *in = pb_input_open_memory(wrapped[i].data, wrapped[i].len, "w");

		assert_same_lines(in, text, 1);
		pb_input_close(in);
		free(wrapped[i].data);
	}
}

/* Trace text wrapped by Android's tools reads as the text itself, escapes
 * and tags cut anywhere by the raw reads. */
static void test_wrapped_text(void **state)
{
	struct blob text = make_text();
	struct pb_buf b = { 0 };
	struct blob special;

	(void)state;
	/* lines with what the wrappers must get right: '<' and near-closes,
	 * escapes of every kind (blanks before the first line are not text) */
	pb_buf_adds(&b, "# tracer: nop\n");
	for (int i = 0; i < 3000; i++)
		pb_buf_addf(&b, "  <idle>-0 </scrip </script x \"q\" \\ %d caf\xc3\xa9\n", i);
	special.data = (unsigned char *)b.data;
	special.len = b.len;
	assert_unwraps(&text);
	assert_unwraps(&special);
	free(special.data);
	free(text.data);
}

/* \u escapes beyond ASCII: surrogate pairs, and lone halves as U+FFFD. */
static void test_json_unicode(void **state)
{
	static const char json[] = "{\"systemTraceEvents\":\"caf\\u00e9 \\ud83d\\ude00 "
				   "\\ud800x \\udc00 \\u20AC\\t\\/\\q\\uZZZZ\\n\"}";
	struct pb_input *in = pb_input_open_memory(json, strlen(json), "u");
	const char *line;
	size_t len;

	(void)state;
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
	assert_int_equal(len, strlen("caf\xc3\xa9 \xf0\x9f\x98\x80 \xef\xbf\xbdx \xef\xbf\xbd "
				     "\xe2\x82\xac\t/\\q\xef\xbf\xbd"));
	assert_memory_equal(line, "caf\xc3\xa9 \xf0\x9f\x98\x80 \xef\xbf\xbdx \xef\xbf\xbd "
			    "\xe2\x82\xac\t/\\q\xef\xbf\xbd", len);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_EOF);
	pb_input_close(in);
}

/* journalctl -o json: one kernel message per entry, as a dmesg line with
 * its printk time; other transports' entries are left out. TEXT's lines
 * become the messages, entry i at i * 1001 us; *WANT gets the dmesg text. */
static struct blob journal_json(const struct blob *text, struct blob *want)
{
	struct pb_buf b = { 0 }, w = { 0 };
	const char *p = (const char *)text->data, *end = p + text->len;

	for (unsigned i = 0; p < end; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		unsigned long long us = i * 1001ull;

		pb_buf_addf(&b, "{\"__CURSOR\":\"s=1;i=%x\",\"__MONOTONIC_TIMESTAMP\":\"%llu\",", i,
			    us + 7);
		/* every third entry: no printk time, the journal's is taken */
		if (i % 3)
			pb_buf_addf(&b, "\"_SOURCE_MONOTONIC_TIMESTAMP\":\"%llu\",", us);
		else
			us += 7;
		pb_buf_adds(&b, "\"_TRANSPORT\":\"kernel\",\"MESSAGE\":\"");
		for (const char *c = p; c < nl; c++)
			pb_buf_addf(&b, *c == '"' ? "\\%c" : i % 5 ? "%c" : "\\u%04x", *c);
		pb_buf_adds(&b, "\",\"MESSAGE_ID\":[1,2,{\"MESSAGE\":\"nested\"}]}\n");
		pb_buf_addf(&w, "[%5llu.%06llu] %.*s\n", us / 1000000, us % 1000000, (int)(nl - p), p);
		if (i % 7 == 0)
			pb_buf_addf(&b, "{\"__CURSOR\":\"u%u\",\"_TRANSPORT\":\"stdout\","
				    "\"MESSAGE\":\"not the kernel\"}\n", i);
		p = nl + 1;
	}
	*want = (struct blob){ (unsigned char *)w.data, w.len };
	return (struct blob){ (unsigned char *)b.data, b.len };
}

/* The test text exported by EXPORT reads as the text it stands for. */
static void assert_export_reads_as_text(struct blob (*export)(const struct blob *, struct blob *))
{
	struct blob text = make_text(), want;
	struct blob json = export(&text, &want);
	struct pb_input *in = pb_input_open_memory(json.data, json.len, "export");

	assert_same_lines(in, &want, 1);
	pb_input_close(in);
	free(json.data);
	free(want.data);
	free(text.data);
}

static void test_journal_json(void **state)
{
	(void)state;
	assert_export_reads_as_text(journal_json);
}

/* dmesg --json (util-linux 2.37+: ul_jsonwrt, three blanks a level):
 * {"dmesg": [ {"pri": 6, "time":     0.001001, "caller": "T1", "msg":
 * "..."},{...} ]}. TEXT's lines become the messages, entry i at i * 1001
 * us, every other one with a caller id, every fifth with -x's string
 * "fac" and "pri"; *WANT gets the text dmesg prints for them. */
static struct blob dmesg_json(const struct blob *text, struct blob *want)
{
	struct pb_buf b = { 0 }, w = { 0 };
	const char *p = (const char *)text->data, *end = p + text->len;

	pb_buf_adds(&b, "{\n   \"dmesg\": [\n");
	for (unsigned i = 0; p < end; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		unsigned long long us = i * 1001ull;
		char caller[16] = "";

		pb_buf_adds(&b, i ? "},{\n" : "      {\n");
		if (i % 5 == 0)
			pb_buf_adds(&b, "         \"fac\": \"kern\",\n         \"pri\": \"warn\",\n");
		else
			pb_buf_adds(&b, "         \"pri\": 4,\n");
		pb_buf_addf(&b, "         \"time\": %5llu.%06llu,\n", us / 1000000, us % 1000000);
		if (i % 2)
			snprintf(caller, sizeof(caller), "T%u", i);
		if (caller[0])
			pb_buf_addf(&b, "         \"caller\": \"%s\",\n", caller);
		pb_buf_adds(&b, "         \"msg\": \"");
		for (const char *c = p; c < nl; c++)
			pb_buf_addf(&b, *c == '"' || *c == '\\' ? "\\%c" : i % 3 ? "%c" : "\\u%04x",
				    *c);
		pb_buf_adds(&b, "\"\n      ");
		pb_buf_addf(&w, "[%llu.%06llu] ", us / 1000000, us % 1000000);
		if (caller[0])
			pb_buf_addf(&w, "[%s] ", caller);
		pb_buf_addf(&w, "%.*s\n", (int)(nl - p), p);
		p = nl + 1;
	}
	pb_buf_adds(&b, "}\n   ]\n}\n");
	*want = (struct blob){ (unsigned char *)w.data, w.len };
	return (struct blob){ (unsigned char *)b.data, b.len };
}

static void test_dmesg_json(void **state)
{
	(void)state;
	assert_export_reads_as_text(dmesg_json);
}

/* journalctl -o export (systemd's output_export()): an entry is its
 * "KEY=value" lines and a blank line; a value that is not text is "KEY\n",
 * its length as a little-endian u64, its bytes, "\n" (every fifth
 * MESSAGE here). TEXT's lines become kernel messages at i * 1001 us
 * (every third without _SOURCE_MONOTONIC_TIMESTAMP: the journal's time
 * then), with an entry of another transport between. */
static struct blob journal_export(const struct blob *text, struct blob *want)
{
	struct pb_buf b = { 0 }, w = { 0 };
	const char *p = (const char *)text->data, *end = p + text->len;

	for (unsigned i = 0; p < end; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		unsigned long long us = i * 1001ull;
		uint64_t n = (uint64_t)(nl - p);

		pb_buf_addf(&b, "__CURSOR=s=1;i=%x;b=2;m=%llx;t=3;x=4\n__REALTIME_TIMESTAMP=%llu\n"
			    "__MONOTONIC_TIMESTAMP=%llu\n__SEQNUM=%u\n_BOOT_ID=2\n", i, us + 7,
			    1700000000000000ull + us, us + 7, i);
		if (i % 3)
			pb_buf_addf(&b, "_SOURCE_MONOTONIC_TIMESTAMP=%llu\n", us);
		else
			us += 7;
		pb_buf_adds(&b, "_TRANSPORT=kernel\nPRIORITY=6\n");
		if (i % 5 == 0) {
			unsigned char len[8];

			for (int k = 0; k < 8; k++)
				len[k] = (unsigned char)(n >> (8 * k));
			pb_buf_adds(&b, "MESSAGE\n");
			pb_buf_add(&b, len, 8);
			pb_buf_add(&b, p, (size_t)n);
			pb_buf_addc(&b, '\n');
		} else {
			pb_buf_addf(&b, "MESSAGE=%.*s\n", (int)n, p);
		}
		pb_buf_adds(&b, "SYSLOG_IDENTIFIER=kernel\n\n");
		if (i % 7 == 0)
			pb_buf_addf(&b, "__CURSOR=u%u\n_TRANSPORT=stdout\nMESSAGE=not the kernel\n\n", i);
		pb_buf_addf(&w, "[%5llu.%06llu] %.*s\n", us / 1000000, us % 1000000, (int)n, p);
		p = nl + 1;
	}
	*want = (struct blob){ (unsigned char *)w.data, w.len };
	return (struct blob){ (unsigned char *)b.data, b.len };
}

static void test_journal_export(void **state)
{
	(void)state;
	assert_export_reads_as_text(journal_export);
}

/* journalctl -o verbose (output_verbose()): a head "<time> [cursor]",
 * then "    KEY=value" lines in the journal's order; the next head ends an
 * entry. Every third entry has no _SOURCE_MONOTONIC_TIMESTAMP: the
 * cursor's m= (hex) is the time then. A "-- Boot --" line and entries of
 * another transport lie between. */
static struct blob journal_verbose(const struct blob *text, struct blob *want)
{
	struct pb_buf b = { 0 }, w = { 0 };
	const char *p = (const char *)text->data, *end = p + text->len;

	pb_buf_adds(&b, "-- Journal begins at Mon 2026-12-07 10:00:00 UTC. --\n");
	for (unsigned i = 0; p < end; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		unsigned long long us = i * 1001ull;

		pb_buf_addf(&b, "Mon 2026-12-07 10:15:42.%06u UTC [s=0123abcd;i=%x;b=fedc;m=%llx;"
			    "t=6091a2b3c4d5e;x=12ab]\n    _BOOT_ID=fedc\n", i % 1000000, i, us + 7);
		/* the message before its printk time, as journald may store it */
		pb_buf_addf(&b, "    PRIORITY=6\n    MESSAGE=%.*s\n", (int)(nl - p), p);
		if (i % 3)
			pb_buf_addf(&b, "    _SOURCE_MONOTONIC_TIMESTAMP=%llu\n", us);
		else
			us += 7;
		pb_buf_adds(&b, "    _TRANSPORT=kernel\n");
		if (i % 7 == 0)
			pb_buf_addf(&b, "-- Boot fedc --\nMon 2026-12-07 10:15:43.000000 UTC [s=0123abcd;"
				    "i=f%u;b=fedc;m=1;t=1;x=1]\n    _TRANSPORT=stdout\n"
				    "    MESSAGE=not the kernel\n                continued\n", i);
		pb_buf_addf(&w, "[%5llu.%06llu] %.*s\n", us / 1000000, us % 1000000, (int)(nl - p), p);
		p = nl + 1;
	}
	*want = (struct blob){ (unsigned char *)w.data, w.len };
	return (struct blob){ (unsigned char *)b.data, b.len };
}

static void test_journal_verbose(void **state)
{
	(void)state;
	assert_export_reads_as_text(journal_verbose);
}

/* A message longer than 64 KiB is cut (the kernel's are at most 1 KiB);
 * the entries after it read as before, an escape cut in two included, and
 * so does a json-seq entry whose message is an array of bytes. */
static void test_journal_long_message(void **state)
{
	struct pb_buf b = { 0 };
	struct pb_input *in;
	const char *line;
	size_t len;

	(void)state;
	pb_buf_adds(&b, "{\"__CURSOR\":\"a\",\"_SOURCE_MONOTONIC_TIMESTAMP\":\"1\",\"MESSAGE\":\"");
	for (int i = 0; i < 20000; i++)
		pb_buf_adds(&b, "xxxx\\u0041");
	pb_buf_adds(&b, "\"}\n{\"__CURSOR\":\"b\",\"_SOURCE_MONOTONIC_TIMESTAMP\":\"2000001\","
		    "\"MESSAGE\":\"next \\\"one\\\"\"}\n");
	/* a message with bytes that are not text: an array of numbers */
	pb_buf_adds(&b, "\x1e{\"__CURSOR\":\"c\",\"MESSAGE\":[109, 105,27 ,1000,-1],"
		    "\"_SOURCE_MONOTONIC_TIMESTAMP\":\"3000000\"}\n");
	in = pb_input_open_memory(b.data, b.len, "journal");
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
	assert_true(len >= 15 + (64u << 10) && len <= 15 + (64u << 10) + 16);
	assert_memory_equal(line, "[    0.000001] xxxxAxxxxA", 25);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
	assert_int_equal(len, strlen("[    2.000001] next \"one\""));
	assert_memory_equal(line, "[    2.000001] next \"one\"", len);
	/* the numbers that are not bytes (1000, -1) are left out */
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
	assert_int_equal(len, strlen("[    3.000000] mi\x1b"));
	assert_memory_equal(line, "[    3.000000] mi\x1b", len);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_EOF);
	pb_input_close(in);
	pb_buf_free(&b);
}

/* A page or JSON with no trace text in it is an error that says so. */
static void test_wrapped_without_text(void **state)
{
	static const char *const files[] = {
		"{\"traceEvents\":[{\"args\":{\"systemTraceEvents\":\"nested\"}}],\"k\":\"systemTraceEvents\"}",
		"{\"systemTraceEvents\": 12}",
		"  <!doctype HTML><html><script class=\"trace-data\">{\"json\": 1}</script></html>",
		/* one file of two entries, neither the kernel's */
		("{\"__CURSOR\":\"s=1\",\"_TRANSPORT\":\"syslog\",\"MESSAGE\":\"sshd\"}\n"
		 "{\"__CURSOR\":\"s=2\",\"_TRANSPORT\":\"stdout\",\"MESSAGE\":[104,105]}"),
		"{\n   \"dmesg\": [\n   ]\n}\n",
		"__CURSOR=s=1\n_TRANSPORT=syslog\nMESSAGE=sshd\n\n",
		("Mon 2026-12-07 10:15:42.000001 UTC [s=1;i=2;b=3;m=4;t=5;x=6]\n"
		 "    _TRANSPORT=kernel\n    MESSAGE=[12B blob data]\n"),
	};
	static const char *const why[] = {
		"a JSON trace without \"systemTraceEvents\" text",
		"a JSON trace without \"systemTraceEvents\" text",
		"an HTML page without a systrace trace-data block",
		"a journal export (journalctl -o json) without kernel messages",
		"a dmesg --json output without messages",
		"a journal export (journalctl -o export) without kernel messages",
		"a journal (journalctl -o verbose) without kernel messages",
	};
	const char *line;
	size_t len;

	(void)state;
	for (size_t i = 0; i < PB_ARRAY_SIZE(files); i++) {
		struct pb_input *in = pb_input_open_memory(files[i], strlen(files[i]), "w");

		assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_ERROR);
		assert_string_equal(pb_input_strerror(in), why[i]);
		pb_input_close(in);
	}
}

/* atrace -z: a "TRACE:" line, then one zlib stream. */
static void test_atrace_zlib(void **state)
{
	struct blob text = make_text();
	uLongf cap = compressBound(text.len);
	const char *prefix[] = { "TRACE:\n", "TRACE:\r\n" };
	const char *line;
	size_t len;

	(void)state;
	for (int i = 0; i < 2; i++) {
		size_t k = strlen(prefix[i]);
		struct blob z = { pb_malloc(k + cap), 0 };
		uLongf zlen = cap;
		struct pb_input *in;

		memcpy(z.data, prefix[i], k);
		assert_int_equal(compress2(z.data + k, &zlen, text.data, text.len, 6), Z_OK);
		z.len = k + zlen;
		in = pb_input_open_memory(z.data, z.len, "atrace");
		assert_int_equal(pb_input_compression(in), PB_COMP_ZLIB);
		assert_same_lines(in, &text, 1);
		pb_input_close(in);
		/* cut short: the end of the stream is missing */
		in = pb_input_open_memory(z.data, z.len - 100, "atrace");
		while (pb_input_getline(in, &line, &len) == PB_LINE_OK)
			;
		assert_string_equal(pb_input_strerror(in), "truncated zlib stream");
		pb_input_close(in);
		free(z.data);
	}
	assert_string_equal(pb_compression_name(PB_COMP_ZLIB), "zlib");
	free(text.data);
}

static void test_formats_same_lines(void **state)
{
	struct blob text = make_text();
	struct blob packed[3] = { gzip_blob(&text), xz_blob(&text), zstd_blob(&text) };
	static const enum pb_compression comp[3] = { PB_COMP_GZIP, PB_COMP_XZ, PB_COMP_ZSTD };
	struct pb_input *in;

	(void)state;
	in = pb_input_open_memory(text.data, text.len, "plain");
	assert_int_equal(pb_input_compression(in), PB_COMP_NONE);
	assert_same_lines(in, &text, 1);
	assert_int_equal(pb_input_lineno(in), TEXT_LINES);
	pb_input_close(in);

	for (int i = 0; i < 3; i++) {
		struct blob two = twice(&packed[i]);

		in = pb_input_open_memory(packed[i].data, packed[i].len, "packed");
		assert_int_equal(pb_input_compression(in), comp[i]);
		assert_same_lines(in, &text, 1);
		assert_int_equal(pb_input_lineno(in), TEXT_LINES);
		assert_int_equal(pb_input_raw_offset(in), packed[i].len);
		pb_input_close(in);

		/* concatenated members, streams and frames, as `cat a.gz b.gz` */
		in = pb_input_open_memory(two.data, two.len, "twice");
		assert_same_lines(in, &text, 2);
		assert_int_equal(pb_input_lineno(in), 2 * TEXT_LINES);
		pb_input_close(in);
		free(two.data);
		free(packed[i].data);
	}
	free(text.data);
}

/* Writes BLOB to an unlinked-later temporary file and returns its path. */
static void write_temp(const struct blob *b, char *path, size_t pathlen)
{
	int fd;

	snprintf(path, pathlen, "/tmp/pb-test-input-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b->data, b->len), (ssize_t)b->len);
	close(fd);
}

static void test_files(void **state)
{
	struct blob text = make_text();
	struct blob packed = zstd_blob(&text);
	unsigned char via_input[32], via_file[32], direct[32];
	struct pb_sha256 sha;
	struct pb_input *in;
	char path[64], err[128];

	(void)state;
	write_temp(&packed, path, sizeof(path));
	in = pb_input_open(path, err, sizeof(err));
	assert_non_null(in);
	assert_string_equal(pb_input_name(in), path);
	assert_string_equal(pb_input_path(in), path);
	assert_int_equal(pb_input_raw_size(in), packed.len);
	assert_same_lines(in, &text, 1);
	assert_int_equal(pb_input_raw_offset(in), packed.len);

	pb_sha256_init(&sha);
	pb_sha256_update(&sha, packed.data, packed.len);
	pb_sha256_final(&sha, direct);
	pb_input_sha256(in, via_input);
	assert_memory_equal(via_input, direct, 32);
	assert_int_equal(pb_file_sha256(path, via_file, err, sizeof(err)), 0);
	assert_memory_equal(via_file, direct, 32);
	pb_input_close(in);
	unlink(path);
	free(packed.data);
	free(text.data);
}

static void test_open_errors(void **state)
{
	unsigned char digest[32];
	char err[128];

	(void)state;
	assert_null(pb_input_open("/nonexistent/trace.txt", err, sizeof(err)));
	assert_string_equal(err, "No such file or directory");
	assert_null(pb_input_open("/tmp", err, sizeof(err)));
	assert_string_equal(err, "is a directory");
	assert_int_equal(pb_file_sha256("/tmp", digest, err, sizeof(err)), -1);
	assert_string_equal(err, "is a directory");
	assert_int_equal(pb_file_sha256("/nonexistent", digest, err, sizeof(err)), -1);
	assert_string_equal(err, "No such file or directory");
}

static void test_line_endings(void **state)
{
	struct blob text = text_of("a\r\nbb\r\n\r\nlone\rcr\nlast");
	static const char *const want[] = { "a", "bb", "", "lone\rcr", "last" };
	struct pb_input *in = pb_input_open_memory(text.data, text.len, NULL);
	const char *line;
	size_t len;

	(void)state;
	assert_string_equal(pb_input_name(in), "<memory>");
	for (size_t i = 0; i < PB_ARRAY_SIZE(want); i++) {
		assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
		assert_int_equal(len, strlen(want[i]));
		assert_memory_equal(line, want[i], len);
		assert_int_equal(pb_input_lineno(in), i + 1);
	}
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_EOF);
	assert_int_equal(pb_input_lineno(in), 5);
	pb_input_close(in);
	free(text.data);
}

static void test_empty(void **state)
{
	struct blob none = { NULL, 0 };
	struct blob gz = gzip_blob(&none);
	unsigned char digest[32];
	char hex[65];
	const char *line, *head;
	size_t len;
	struct pb_input *in;

	(void)state;
	in = pb_input_open_memory("", 0, "empty");
	assert_int_equal(pb_input_peek(in, &head, 100), 0);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_EOF);
	assert_int_equal(pb_input_lineno(in), 0);
	pb_input_sha256(in, digest);
	pb_sha256_hex(digest, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	pb_input_close(in);

	in = pb_input_open_memory(gz.data, gz.len, "empty.gz");
	assert_int_equal(pb_input_compression(in), PB_COMP_GZIP);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_EOF);
	assert_int_equal(pb_input_offset(in), 0);
	pb_input_close(in);
	free(gz.data);
}

/* HEAD, then a line of LONG bytes of 'x' (plus EOL), then "after\n". */
static struct blob long_line_text(size_t long_len, const char *eol)
{
	struct blob t;
	size_t eol_len = strlen(eol), n = 6 + long_len + eol_len + 6;

	t.data = pb_malloc(n);
	t.len = n;
	memcpy(t.data, "head\r\n", 6);
	memset(t.data + 6, 'x', long_len);
	memcpy(t.data + 6 + long_len, eol, eol_len);
	memcpy(t.data + 6 + long_len + eol_len, "after\n", 6);
	return t;
}

static void assert_long_line(struct pb_input *in, size_t long_len)
{
	enum pb_line_status want = long_len > PB_LINE_MAX ? PB_LINE_TOO_LONG : PB_LINE_OK;
	const char *line;
	size_t len;

	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
	assert_int_equal(len, 4);
	assert_int_equal(pb_input_getline(in, &line, &len), want);
	assert_int_equal(pb_input_lineno(in), 2);
	assert_int_equal(len, long_len > PB_LINE_MAX ? PB_LINE_MAX : long_len);
	assert_int_equal(line[0], 'x');
	assert_int_equal(line[len - 1], 'x');
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
	assert_int_equal(pb_input_lineno(in), 3);
	assert_int_equal(len, 5);
	assert_memory_equal(line, "after", 5);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_EOF);
}

static void test_long_lines(void **state)
{
	static const size_t lens[] = {
		PB_LINE_MAX, PB_LINE_MAX + 1, PB_LINE_MAX + 10, 3 * PB_LINE_MAX + 7,
	};
	static const char *const eols[] = { "\n", "\r\n" };

	(void)state;
	for (size_t i = 0; i < PB_ARRAY_SIZE(lens); i++) {
		for (size_t e = 0; e < PB_ARRAY_SIZE(eols); e++) {
			struct blob t = long_line_text(lens[i], eols[e]);
			struct blob gz = gzip_blob(&t);
			struct pb_input *in = pb_input_open_memory(t.data, t.len, "long");

			assert_long_line(in, lens[i]);
			pb_input_close(in);
			in = pb_input_open_memory(gz.data, gz.len, "long.gz");
			assert_long_line(in, lens[i]);
			pb_input_close(in);
			free(gz.data);
			free(t.data);
		}
	}
}

static void test_long_last_line(void **state)
{
	struct blob t = { pb_malloc(PB_LINE_MAX + 100), PB_LINE_MAX + 100 };
	struct pb_input *in;
	const char *line;
	size_t len;

	(void)state;
	memset(t.data, 'y', t.len);
	in = pb_input_open_memory(t.data, t.len, "long");
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_TOO_LONG);
	assert_int_equal(len, PB_LINE_MAX);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_EOF);
	assert_int_equal(pb_input_lineno(in), 1);
	pb_input_close(in);
	free(t.data);
}

/* Reads lines until the status is not OK; returns it, with the count. */
static enum pb_line_status drain(struct pb_input *in, uint64_t *lines)
{
	enum pb_line_status st;
	const char *line;
	size_t len;

	*lines = 0;
	while ((st = pb_input_getline(in, &line, &len)) == PB_LINE_OK)
		(*lines)++;
	return st;
}

static void test_truncated(void **state)
{
	struct blob text = make_text();
	struct blob packed[3] = { gzip_blob(&text), xz_blob(&text), zstd_blob(&text) };
	static const char *const msg[3] = {
		"truncated gzip stream", "truncated xz stream", "truncated zstd stream",
	};
	struct pb_input *in;
	uint64_t lines;

	(void)state;
	for (int i = 0; i < 3; i++) {
		/* cut mid-stream, and cut just before the end (trailer missing) */
		size_t at[2] = { packed[i].len / 2, packed[i].len - 1 };

		for (int k = 0; k < 2; k++) {
			struct blob part = cut(&packed[i], at[k]);

			in = pb_input_open_memory(part.data, part.len, "cut");
			assert_int_equal(drain(in, &lines), PB_LINE_ERROR);
			assert_string_equal(pb_input_strerror(in), msg[i]);
			/* lines decoded before the cut still come through */
			if (k == 0)
				assert_true(lines > 1000 && lines < TEXT_LINES - 1000);
			else
				assert_true(lines > TEXT_LINES - 1000 && lines <= TEXT_LINES);
			/* the error sticks */
			assert_int_equal(drain(in, &lines), PB_LINE_ERROR);
			pb_input_close(in);
			free(part.data);
		}
		free(packed[i].data);
	}
	free(text.data);
}

static void test_corrupt(void **state)
{
	struct blob text = make_text();
	struct blob packed[3] = { gzip_blob(&text), xz_blob(&text), zstd_blob(&text) };
	static const char *const prefix[3] = {
		"corrupt gzip data: ", "corrupt xz data", "corrupt zstd data: ",
	};
	struct pb_input *in;
	uint64_t lines;
	const char *head;

	(void)state;
	for (int i = 0; i < 3; i++) {
		/* scribble over the middle of the stream */
		memset(packed[i].data + packed[i].len / 2, 0xa5, 64);
		in = pb_input_open_memory(packed[i].data, packed[i].len, "bad");
		assert_int_equal(drain(in, &lines), PB_LINE_ERROR);
		/* gzip may decode the scribble into lines; its CRC tells */
		assert_memory_equal(pb_input_strerror(in), prefix[i], strlen(prefix[i]));
		assert_int_equal(pb_input_peek(in, &head, 2 * PB_LINE_MAX), (size_t)-1);
		pb_input_close(in);
		free(packed[i].data);
	}
	free(text.data);
}

/* One small stream of each format followed by bytes that are none. */
static void test_trailing_garbage(void **state)
{
	struct blob text = text_of("one\ntwo\n");
	struct blob packed[3] = { gzip_blob(&text), xz_blob(&text), zstd_blob(&text) };
	static const char *const junk = "this is not compressed";
	static const char *const msg[3] = {
		"corrupt gzip data: incorrect header check",
		"corrupt xz data",
		"corrupt zstd data: Unknown frame descriptor",
	};
	struct pb_input *in;
	uint64_t lines;

	(void)state;
	for (int i = 0; i < 3; i++) {
		size_t n = packed[i].len;
		struct blob bad = { pb_malloc(n + strlen(junk)), n + strlen(junk) };

		memcpy(bad.data, packed[i].data, n);
		memcpy(bad.data + n, junk, strlen(junk));
		in = pb_input_open_memory(bad.data, bad.len, "junk");
		assert_int_equal(drain(in, &lines), PB_LINE_ERROR);
		assert_int_equal(lines, 2);
		assert_string_equal(pb_input_strerror(in), msg[i]);
		pb_input_close(in);
		free(bad.data);
		free(packed[i].data);
	}
	free(text.data);
}

/* A zstd file may open with a skippable frame (magic 0x184D2A5X). */
static void test_zstd_skippable(void **state)
{
	struct blob text = text_of("after the skippable frame\n");
	struct blob zst = zstd_blob(&text);
	static const unsigned char skip[] = { 0x5e, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 'p', 'b', '!' };
	struct blob all = { pb_malloc(sizeof(skip) + zst.len), sizeof(skip) + zst.len };
	struct pb_input *in;
	const char *line;
	size_t len;

	(void)state;
	memcpy(all.data, skip, sizeof(skip));
	memcpy(all.data + sizeof(skip), zst.data, zst.len);
	in = pb_input_open_memory(all.data, all.len, "skip.zst");
	assert_int_equal(pb_input_compression(in), PB_COMP_ZSTD);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
	assert_memory_equal(line, "after the skippable frame", len);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_EOF);
	pb_input_close(in);
	free(all.data);
	free(zst.data);
	free(text.data);
}

/* An xz header asking for a 4 GiB dictionary is refused, not obeyed. */
static void test_xz_memlimit(void **state)
{
	struct blob text = text_of("small\n");
	struct blob xz = xz_blob(&text);
	unsigned char *hdr = xz.data + 12;	/* block header follows the stream header */
	size_t hdr_len = ((size_t)hdr[0] + 1) * 4;
	struct pb_input *in;
	uint32_t crc;
	uint64_t lines;
	size_t i;

	(void)state;
	/* filter flags: LZMA2 (0x21), one property byte: the dictionary size */
	for (i = 2; i + 2 < hdr_len - 4; i++)
		if (hdr[i] == 0x21 && hdr[i + 1] == 0x01)
			break;
	assert_true(i + 2 < hdr_len - 4);
	hdr[i + 2] = 40;	/* 4 GiB - 1 */
	crc = lzma_crc32(hdr, hdr_len - 4, 0);
	for (int b = 0; b < 4; b++)
		hdr[hdr_len - 4 + b] = (unsigned char)(crc >> (8 * b));

	in = pb_input_open_memory(xz.data, xz.len, "huge.xz");
	assert_int_equal(drain(in, &lines), PB_LINE_ERROR);
	assert_string_equal(pb_input_strerror(in), "xz data needs more than 128 MiB to decompress");
	pb_input_close(in);
	free(xz.data);
	free(text.data);
}

static void test_peek(void **state)
{
	struct blob text = make_text();
	struct blob xz = xz_blob(&text);
	struct pb_input *in = pb_input_open_memory(xz.data, xz.len, "peek.xz");
	const char *head, *line;
	size_t len;

	(void)state;
	assert_int_equal(pb_input_peek(in, &head, 7), 7);
	assert_memory_equal(head, "line 1:", 7);
	/* more than one fill's worth, still without consuming */
	assert_int_equal(pb_input_peek(in, &head, 3 << 20), 2 * PB_LINE_MAX);
	assert_memory_equal(head, text.data, 2 * PB_LINE_MAX);
	assert_int_equal(pb_input_offset(in), 0);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
	assert_int_equal(len, 7);
	assert_memory_equal(line, "line 1:", 7);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
	assert_memory_equal(line, "line 2: pfn=0x13e000", len);
	assert_int_equal(pb_input_peek(in, &head, 7), 7);
	assert_memory_equal(head, "line 3:", 7);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
	assert_int_equal(pb_input_lineno(in), 3);
	pb_input_close(in);

	/* short input: peek returns what there is */
	in = pb_input_open_memory("ab\n", 3, "short");
	assert_int_equal(pb_input_peek(in, &head, 64), 3);
	assert_memory_equal(head, "ab\n", 3);
	pb_input_close(in);
	free(xz.data);
	free(text.data);
}

/* Whether a line holds a NUL is known without searching each line: over
 * several windows (and the moves between them), right after a line put
 * back, and for the very last line; checked against memchr() per line. */
static void test_line_has_nul(void **state)
{
	size_t cap = 7u << 20, n = 0, lines = 0, with_nul = 0, seen = 0;
	char *text = malloc(cap);
	struct pb_input *in;
	const char *line;
	size_t len;

	(void)state;
	assert_non_null(text);
	while (n < cap - 200) {
		int w = snprintf(text + n, 200, "line %zu %.*s", lines, (int)(lines % 97),
				 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
				 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");

		if (lines % 9973 == 0 || lines % 100003 == 1) {
			text[n + 2] = '\0';	/* "li\0e N ..." */
			with_nul++;
		}
		n += (size_t)w;
		text[n++] = '\n';
		lines++;
	}
	text[n++] = '\0';	/* a last line without '\n', only a NUL */
	with_nul++;
	lines++;
	in = pb_input_open_memory(text, n, "nul");
	while (pb_input_getline(in, &line, &len) == PB_LINE_OK) {
		int has = memchr(line, '\0', len) != NULL;

		assert_int_equal(pb_input_line_has_nul(in), has);
		if (pb_input_lineno(in) % 1000 == 0) {
			pb_input_ungetline(in);
			assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
			assert_int_equal(pb_input_line_has_nul(in), has);
		}
		seen += (size_t)has;
	}
	assert_int_equal(pb_input_lineno(in), lines);
	assert_int_equal(seen, with_nul);
	assert_true(n > 3 * 2 * PB_LINE_MAX);	/* more than three windows */
	assert_true(with_nul > 10);
	pb_input_close(in);
	free(text);
}

static void test_ungetline(void **state)
{
	struct blob t = long_line_text(PB_LINE_MAX + 5, "\n");
	struct pb_input *in = pb_input_open_memory(t.data, t.len, "unget");
	const char *line;
	size_t len;

	(void)state;
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
	pb_input_ungetline(in);
	assert_int_equal(pb_input_lineno(in), 0);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
	assert_int_equal(pb_input_lineno(in), 1);
	assert_memory_equal(line, "head", len);
	/* a too-long line comes back whole, and its tail is still skipped */
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_TOO_LONG);
	pb_input_ungetline(in);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_TOO_LONG);
	assert_int_equal(len, PB_LINE_MAX);
	assert_int_equal(pb_input_lineno(in), 2);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
	assert_memory_equal(line, "after", len);
	pb_input_ungetline(in);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
	assert_memory_equal(line, "after", len);
	assert_int_equal(pb_input_lineno(in), 3);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_EOF);
	pb_input_close(in);
	free(t.data);
}

static void test_read(void **state)
{
	struct blob text = make_text();
	struct blob gz = gzip_blob(&text);
	struct pb_input *in = pb_input_open_memory(gz.data, gz.len, "read.gz");
	unsigned char *out = pb_malloc(text.len);
	size_t have = 0;
	const char *line;
	size_t len;
	ssize_t got;

	(void)state;
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
	have = len + 1;
	memcpy(out, text.data, have);
	while ((got = pb_input_read(in, out + have, 10007)) > 0)
		have += (size_t)got;
	assert_int_equal(got, 0);
	assert_int_equal(have, text.len);
	assert_memory_equal(out, text.data, text.len);
	assert_int_equal(pb_input_offset(in), text.len);
	pb_input_close(in);
	free(out);
	free(gz.data);
	free(text.data);
}

static void test_spool(void **state)
{
	struct blob text = make_text();
	struct blob zst = zstd_blob(&text);
	struct pb_input *in = pb_input_open_memory(zst.data, zst.len, "spool.zst");
	unsigned char *out = pb_malloc(text.len + 1);
	const char *line;
	size_t len, have = 0;
	ssize_t got;
	int fd;

	(void)state;
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
	fd = pb_input_spool(in);
	assert_true(fd >= 0);
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 0);
	while ((got = read(fd, out + have, text.len + 1 - have)) > 0)
		have += (size_t)got;
	assert_int_equal(have, text.len - (len + 1));
	assert_memory_equal(out, text.data + len + 1, have);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_EOF);
	close(fd);
	pb_input_close(in);
	free(out);
	free(zst.data);
	free(text.data);
}

static void test_spool_no_tmpdir(void **state)
{
	struct pb_input *in = pb_input_open_memory("x\n", 2, "spool");
	const char *old = getenv("TMPDIR");
	char *saved = old ? pb_strdup(old) : NULL;

	(void)state;
	setenv("TMPDIR", "/nonexistent", 1);
	assert_int_equal(pb_input_spool(in), -1);
	assert_string_equal(pb_input_strerror(in),
			    "cannot create a temporary file in /nonexistent: No such file or directory");
	if (saved)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
	pb_input_close(in);
}

/* Opens "-" with fd 0 replaced by FD; restore_stdin() undoes it. */
static struct pb_input *open_as_stdin(int fd, int *saved)
{
	char err[128];
	struct pb_input *in;

	*saved = dup(STDIN_FILENO);
	assert_true(*saved >= 0);
	assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);
	in = pb_input_open("-", err, sizeof(err));
	assert_non_null(in);
	return in;
}

static void restore_stdin(int saved)
{
	dup2(saved, STDIN_FILENO);
	close(saved);
}

static void test_stdin(void **state)
{
	struct blob text = text_of("first\nsecond\n");
	struct blob gz = gzip_blob(&text);
	struct blob file = text_of("skip\nfirst\nsecond\n");
	unsigned char digest[32];
	char hex[65], path[64];
	struct pb_input *in;
	uint64_t lines;
	int pipefd[2], saved, fd;

	(void)state;
	/* a pipe: not seekable, hashed while read */
	assert_int_equal(pipe(pipefd), 0);
	assert_int_equal(write(pipefd[1], gz.data, gz.len), (ssize_t)gz.len);
	close(pipefd[1]);
	in = open_as_stdin(pipefd[0], &saved);
	assert_string_equal(pb_input_name(in), "<stdin>");
	assert_string_equal(pb_input_path(in), "-");
	assert_int_equal(pb_input_raw_size(in), 0);
	assert_int_equal(pb_input_compression(in), PB_COMP_GZIP);
	assert_int_equal(drain(in, &lines), PB_LINE_EOF);
	assert_int_equal(lines, 2);
	assert_int_equal(pb_input_raw_offset(in), gz.len);
	pb_input_close(in);
	restore_stdin(saved);

	/* a plain pipe, hashed against an independent value (sha256sum) */
	assert_int_equal(pipe(pipefd), 0);
	assert_int_equal(write(pipefd[1], text.data, text.len), (ssize_t)text.len);
	close(pipefd[1]);
	in = open_as_stdin(pipefd[0], &saved);
	assert_int_equal(drain(in, &lines), PB_LINE_EOF);
	pb_input_sha256(in, digest);
	pb_sha256_hex(digest, hex);
	assert_string_equal(hex, "dbea9325179efe46ea2add94f7b6b745ca983fabb208dc6d34aa064623d7ee23");
	pb_input_close(in);
	restore_stdin(saved);

	/* a regular file that a shell already read "skip\n" of: hashed by
	 * re-reading it later, from where it stood */
	write_temp(&file, path, sizeof(path));
	fd = open(path, O_RDONLY);
	assert_int_equal(lseek(fd, 5, SEEK_SET), 5);
	in = open_as_stdin(fd, &saved);
	assert_int_equal(pb_input_raw_size(in), text.len);
	assert_int_equal(drain(in, &lines), PB_LINE_EOF);
	assert_int_equal(lines, 2);
	pb_input_sha256(in, digest);
	pb_sha256_hex(digest, hex);
	assert_string_equal(hex, "dbea9325179efe46ea2add94f7b6b745ca983fabb208dc6d34aa064623d7ee23");
	pb_input_close(in);
	restore_stdin(saved);
	unlink(path);
	free(file.data);
	free(gz.data);
	free(text.data);
}

/* What stdin can be that is not a readable stream. */
static void test_stdin_errors(void **state)
{
	int pipefd[2], saved = dup(STDIN_FILENO);
	char err[128];

	(void)state;
	assert_int_equal(pipe(pipefd), 0);
	assert_int_equal(dup2(pipefd[1], STDIN_FILENO), STDIN_FILENO);
	assert_null(pb_input_open("-", err, sizeof(err)));
	assert_string_equal(err, "Bad file descriptor");
	close(pipefd[0]);
	close(pipefd[1]);

	pipefd[0] = open("/tmp", O_RDONLY | O_DIRECTORY);
	assert_true(pipefd[0] >= 0);
	assert_int_equal(dup2(pipefd[0], STDIN_FILENO), STDIN_FILENO);
	close(pipefd[0]);
	assert_null(pb_input_open("-", err, sizeof(err)));
	assert_string_equal(err, "is a directory");
	restore_stdin(saved);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(pb_compression_name(PB_COMP_NONE), "none");
	assert_string_equal(pb_compression_name(PB_COMP_GZIP), "gzip");
	assert_string_equal(pb_compression_name(PB_COMP_XZ), "xz");
	assert_string_equal(pb_compression_name(PB_COMP_ZSTD), "zstd");
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A pipe opened by path, its first line already there (pb_input_open
 * waits for the bytes that tell the compression); FDS[1] stays open, so
 * reading past that line waits for a writer that never writes. */
static struct pb_input *open_pipe(int fds[2])
{
	static const char first[] = "first line of the pipe\n";
	char path[64], err[128];
	struct pb_input *in;

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], first, sizeof(first) - 1), (ssize_t)sizeof(first) - 1);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[0]);
	in = pb_input_open(path, err, sizeof(err));
	if (!in)
		fail_msg("%s: %s", path, err);
	assert_int_equal(pb_input_raw_size(in), 0);
	return in;
}

static void *cancel_later(void *in)
{
	usleep(50 * 1000);
	pb_input_cancel(in);
	return NULL;
}

/* A read blocked on a pipe returns when another thread cancels the input,
 * and every read after fails the same way. */
static void test_cancel_blocked_read(void **state)
{
	struct pb_input *in;
	pthread_t thread;
	const char *line;
	size_t len;
	double t0, waited;
	int fds[2];

	(void)state;
	/* without cancel the second read would never return: a hang, not a
	 * failure, so the process is stopped instead */
	alarm(60);
	in = open_pipe(fds);
	assert_int_equal(pb_input_cancelable(in), 0);
	/* twice is fine: the wake-up pipe is made once */
	assert_int_equal(pb_input_cancelable(in), 0);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
	assert_int_equal(len, 22);
	assert_memory_equal(line, "first line of the pipe", 22);
	assert_string_equal(pb_input_strerror(in), "no error");
	t0 = now();
	assert_int_equal(pthread_create(&thread, NULL, cancel_later, in), 0);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_ERROR);
	waited = now() - t0;
	assert_int_equal(pthread_join(thread, NULL), 0);
	/* it did wait for the cancel, which came after 50 ms */
	assert_true(waited >= 0.04);
	assert_true(waited < 30.0);
	assert_string_equal(pb_input_strerror(in), "cancelled");
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_ERROR);
	assert_string_equal(pb_input_strerror(in), "cancelled");
	assert_int_equal(pb_input_lineno(in), 1);
	pb_input_close(in);
	close(fds[0]);
	close(fds[1]);
	alarm(0);
}

/* Cancelled before it reads: the read fails at once, although there are
 * bytes in the pipe to read. */
static void test_cancel_before_read(void **state)
{
	struct pb_input *in;
	const char *line;
	size_t len;
	char buf[16];
	int fds[2];

	(void)state;
	alarm(60);
	in = open_pipe(fds);
	assert_int_equal(pb_input_cancelable(in), 0);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_OK);
	assert_int_equal(write(fds[1], "second\n", 7), 7);
	pb_input_cancel(in);
	/* twice: a second wake-up byte is harmless */
	pb_input_cancel(in);
	assert_int_equal(pb_input_getline(in, &line, &len), PB_LINE_ERROR);
	assert_string_equal(pb_input_strerror(in), "cancelled");
	assert_int_equal(pb_input_read(in, buf, sizeof(buf)), -1);
	pb_input_close(in);
	/* "second\n" was never read (and if it was, this must not wait) */
	assert_int_equal(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(read(fds[0], buf, sizeof(buf)), 7);
	close(fds[0]);
	close(fds[1]);
	alarm(0);
}

/* Hashing on a thread gives the digest of hashing here, and of
 * sha256sum: 3 MiB and 123 bytes, byte i = i * 31 + i / 4096, so that no
 * 256 KiB read is like another and the last one is short. */
static void test_hash_job(void **state)
{
	static const char want[] =
		"3431e62698bef2a28213dfb2c9e121ca57ea73c7c3120e5ce8790404c40cca37";
	struct blob b = { pb_malloc((3u << 20) + 123), (3u << 20) + 123 };
	unsigned char digest[32];
	char path[64], err[128], hex[65];
	struct pb_hash_job *j;
	double t0 = now();

	(void)state;
	for (size_t i = 0; i < b.len; i++)
		b.data[i] = (unsigned char)(i * 31 + (i >> 12));
	write_temp(&b, path, sizeof(path));
	j = pb_file_sha256_start(path);
	assert_non_null(j);
	while (!pb_hash_job_done(j) && now() - t0 < 60)
		usleep(1000);
	assert_true(pb_hash_job_done(j));
	assert_int_equal(pb_hash_job_finish(j, digest, err, sizeof(err)), 0);
	pb_sha256_hex(digest, hex);
	assert_string_equal(hex, want);
	assert_int_equal(pb_file_sha256(path, digest, err, sizeof(err)), 0);
	pb_sha256_hex(digest, hex);
	assert_string_equal(hex, want);

	/* finish without waiting for done first: it waits itself */
	j = pb_file_sha256_start(path);
	assert_non_null(j);
	memset(digest, 0, sizeof(digest));
	assert_int_equal(pb_hash_job_finish(j, digest, err, sizeof(err)), 0);
	pb_sha256_hex(digest, hex);
	assert_string_equal(hex, want);
	unlink(path);
	free(b.data);
}

/* The empty file: the known digest of no bytes. */
static void test_hash_job_empty(void **state)
{
	struct blob none = text_of("");
	unsigned char digest[32];
	char path[64], err[128], hex[65];
	struct pb_hash_job *j;

	(void)state;
	write_temp(&none, path, sizeof(path));
	j = pb_file_sha256_start(path);
	assert_non_null(j);
	assert_int_equal(pb_hash_job_finish(j, digest, err, sizeof(err)), 0);
	pb_sha256_hex(digest, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	unlink(path);
	free(none.data);
}

/* finish(NULL) stops the hashing of a file that would take seconds (16
 * GiB, sparse: no disk used) and frees the job at once. */
static void test_hash_job_cancel(void **state)
{
	char path[64] = "/tmp/pb-test-input-XXXXXX";
	struct pb_hash_job *j;
	double t0;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)16 << 30), 0);
	close(fd);
	j = pb_file_sha256_start(path);
	assert_non_null(j);
	/* let it start reading, so that it stops in the middle */
	usleep(20 * 1000);
	assert_false(pb_hash_job_done(j));
	t0 = now();
	assert_int_equal(pb_hash_job_finish(j, NULL, NULL, 0), -1);
	assert_true(now() - t0 < 3.0);
	unlink(path);
}

/* A file that cannot be hashed: done all the same, then -1 and why. */
static void test_hash_job_errors(void **state)
{
	unsigned char digest[32];
	char err[128];
	struct pb_hash_job *j;
	double t0 = now();

	(void)state;
	j = pb_file_sha256_start("/nonexistent/trace.txt");
	assert_non_null(j);
	while (!pb_hash_job_done(j) && now() - t0 < 60)
		usleep(1000);
	assert_true(pb_hash_job_done(j));
	assert_int_equal(pb_hash_job_finish(j, digest, err, sizeof(err)), -1);
	assert_string_equal(err, "No such file or directory");

	j = pb_file_sha256_start("/tmp");
	assert_non_null(j);
	assert_int_equal(pb_hash_job_finish(j, digest, err, sizeof(err)), -1);
	assert_string_equal(err, "is a directory");

	/* stopped, nothing to tell: only freed */
	j = pb_file_sha256_start("/nonexistent/trace.txt");
	assert_non_null(j);
	assert_int_equal(pb_hash_job_finish(j, NULL, NULL, 0), -1);
}

/* The real capture: counts checked with `xz -dc trace.txt.xz | wc -l`
 * (4492280 lines, 157294313 bytes) and sha256sum (of the .xz file). */
static void test_xz_capture_lines_offsets_and_sha256(void **state)
{
	static const char want_sha[] =
		"913d6d602d73f14e035ff2c0b87491435168aa81a241b50bb5124f5284b0a485";
	unsigned char digest[32];
	char path[4096], err[128], hex[65];
	struct pb_input *in;
	uint64_t lines;

	(void)state;
	snprintf(path, sizeof(path), "%s/real/arm64-ftrace-hugetlb-cma/trace.txt.xz",
		 unit_testdata());
	in = pb_input_open(path, err, sizeof(err));
	assert_non_null(in);
	assert_int_equal(pb_input_compression(in), PB_COMP_XZ);
	assert_int_equal(pb_input_raw_size(in), 2963848);
	assert_int_equal(drain(in, &lines), PB_LINE_EOF);
	assert_int_equal(lines, 4492280);
	assert_int_equal(pb_input_lineno(in), 4492280);
	assert_int_equal(pb_input_offset(in), 157294313);
	assert_int_equal(pb_input_raw_offset(in), 2963848);
	pb_input_sha256(in, digest);
	pb_sha256_hex(digest, hex);
	assert_string_equal(hex, want_sha);
	pb_input_close(in);

	assert_int_equal(pb_file_sha256(path, digest, err, sizeof(err)), 0);
	pb_sha256_hex(digest, hex);
	assert_string_equal(hex, want_sha);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats_same_lines),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_line_endings),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_long_last_line),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_trailing_garbage),
		cmocka_unit_test(test_zstd_skippable),
		cmocka_unit_test(test_xz_memlimit),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_ungetline),
		cmocka_unit_test(test_line_has_nul),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_spool),
		cmocka_unit_test(test_spool_no_tmpdir),
		cmocka_unit_test(test_stdin),
		cmocka_unit_test(test_stdin_errors),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_cancel_blocked_read),
		cmocka_unit_test(test_cancel_before_read),
		cmocka_unit_test(test_hash_job),
		cmocka_unit_test(test_hash_job_empty),
		cmocka_unit_test(test_hash_job_cancel),
		cmocka_unit_test(test_hash_job_errors),
		cmocka_unit_test(test_xz_capture_lines_offsets_and_sha256),
		cmocka_unit_test(test_wrapped_text),
		cmocka_unit_test(test_json_unicode),
		cmocka_unit_test(test_journal_json),
		cmocka_unit_test(test_journal_long_message),
		cmocka_unit_test(test_journal_export),
		cmocka_unit_test(test_journal_verbose),
		cmocka_unit_test(test_dmesg_json),
		cmocka_unit_test(test_wrapped_without_text),
		cmocka_unit_test(test_atrace_zlib),
	};

	return cmocka_run_group_tests_name("input", tests, NULL, NULL);
}
