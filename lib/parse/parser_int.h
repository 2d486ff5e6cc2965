/* parser_int.h - the parser object, shared by parser.c and ahead.c
 * (private to lib/parse). */
#ifndef PINBLAME_PARSER_INT_H
#define PINBLAME_PARSER_INT_H

#include "pinblame/parse.h"

#define META_MAX 8

struct parser_ahead;

struct pb_parser {
	struct pb_input *in;
	const struct pb_format_ops *ops;
	void *state;
	struct pb_arena arena;
	struct pb_record rec;
	pb_bad_line_fn bad_line;
	void *ctx;
	char error[512];
	uint64_t error_line;
	int nmeta;
	char *meta_key[META_MAX];
	char *meta_value[META_MAX];
	struct parser_ahead *ahead;	/* NULL unless pb_parser_run_ahead() */
	/* Set when a format reads the input on a thread of its own: that
	 * thread stores its raw offset here (atomically), as the input is
	 * not the calling thread's to read any more. */
	int input_elsewhere;
	uint64_t input_offset;
};

/* The next record parsed on the calling thread. */
int parser_next_here(struct pb_parser *p, struct pb_record **rec);
/* The next record parsed ahead by the parsing thread. */
int parser_ahead_next(struct pb_parser *p, struct pb_record **rec);
/* Stops and joins the parsing thread, if any. */
void parser_ahead_stop(struct pb_parser *p);
/* Whether the text is page_owner's debugfs show_stacks, show_handles or
 * show_stacks_handles (detect.c): pages counted by stack, no pfns. */
int pb_page_owner_stacks_output(const char *head, size_t len);
/* Why the text is a trace-cmd summary with no event to read (report
 * --stat, --profile, --cpus, -E, trace-cmd stat, dump; detect.c), or
 * NULL. */
const char *pb_tracecmd_summary_refusal(const char *head, size_t len);

#endif
