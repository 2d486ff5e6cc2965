/* import_text.h - unit_import_text(): TEXT imported into a store as one
 * source, the way `pinblame import` does (its SHA-256 as the source's,
 * the clock the parser found kept), for the tests of the analysis that
 * start from a trace written in the test. */
#ifndef PINBLAME_IMPORT_TEXT_H
#define PINBLAME_IMPORT_TEXT_H

#include "unit.h"

#include "pinblame/core.h"
#include "pinblame/input.h"
#include "pinblame/parse.h"
#include "pinblame/store.h"

/* Lines not understood are counted by the parser; these tests look at
 * what was understood. */
static int unit_ignore_bad_line(void *ctx, uint64_t line, enum pb_bad_reason why,
				const char *text, size_t len)
{
	(void)ctx, (void)line, (void)why, (void)text, (void)len;
	return 0;
}

static void unit_import_text(struct pb_store *s, const char *name, const char *text, size_t len)
{
	struct pb_input *in = pb_input_open_memory(text, len, name);
	char err[256], sha[65];
	unsigned char digest[32];
	struct pb_sha256 h;
	struct pb_parser *p;
	struct pb_record *rec;
	struct pb_source_totals t = { .sha256 = sha };
	struct pb_source_info info = { .path = name, .sha256 = sha };
	int64_t id;

	pb_sha256_init(&h);
	pb_sha256_update(&h, text, len);
	pb_sha256_final(&h, digest);
	pb_sha256_hex(digest, sha);
	p = pb_parser_new(in, PB_FMT_UNKNOWN, unit_ignore_bad_line, NULL, err, sizeof(err));
	assert_non_null(p);
	info.format = pb_format_name(pb_parser_format(p));
	assert_int_equal(pb_store_source_begin(s, &info, &id), 1);
	while (pb_parser_next(p, &rec) == 1)
		assert_int_equal(pb_store_add_record(s, rec), 0);
	t.clock = pb_parser_meta(p, "clock");	/* as import keeps it */
	assert_int_equal(pb_store_source_commit(s, &t), 1);
	pb_parser_free(p);
	pb_input_close(in);
}

#endif
