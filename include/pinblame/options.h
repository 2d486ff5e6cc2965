/* options.h - declarative command-line options, in the spirit of git's
 * parse-options: each command describes its options in one table, which
 * both parses them and writes the usage text, and every number is parsed
 * one way ("--top 0" means the same everywhere; a negative value is
 * refused).
 *
 *	static const struct pb_option opts[] = {
 *		PB_OPT_BOOL(0, "json", &json, "print JSON"),
 *		PB_OPT_COUNT(0, "top", &top, "N", "only the first N rows (0: all)"),
 *		PB_OPT_END(),
 *	};
 *	int at = pb_parse_options(argc, argv, opts, &usage, &code);
 *	if (at < 0)
 *		return code;
 */
#ifndef PINBLAME_OPTIONS_H
#define PINBLAME_OPTIONS_H

#include <stdio.h>

enum pb_opt_kind {
	PB_OPTK_END,
	PB_OPTK_BOOL,		/* int *: set to 1 */
	PB_OPTK_COUNT,		/* long long *: a whole number, 0 or more */
	PB_OPTK_STRING,		/* const char **: the argument */
	PB_OPTK_CALLBACK,	/* cb(option, argument) */
};

struct pb_option {
	enum pb_opt_kind kind;
	int short_name;		/* 0: none */
	const char *long_name;
	void *value;
	const char *arg;	/* the argument's name in the help ("N"); NULL: none */
	const char *help;	/* '\n' starts another line of it */
	/* PB_OPTK_CALLBACK: 0, or -1 after printing why ARG is wrong */
	int (*cb)(const struct pb_option *opt, const char *arg);
};

#define PB_OPT_BOOL(s, l, v, h) { PB_OPTK_BOOL, (s), (l), (v), NULL, (h), NULL }
#define PB_OPT_COUNT(s, l, v, a, h) { PB_OPTK_COUNT, (s), (l), (v), (a), (h), NULL }
#define PB_OPT_STRING(s, l, v, a, h) { PB_OPTK_STRING, (s), (l), (v), (a), (h), NULL }
#define PB_OPT_CALLBACK(s, l, v, a, h, f) { PB_OPTK_CALLBACK, (s), (l), (v), (a), (h), (f) }
#define PB_OPT_END() { PB_OPTK_END, 0, NULL, NULL, NULL, NULL, NULL }

/* The text around the option list of a command's --help. */
struct pb_usage {
	const char *synopsis;	/* after "usage: pinblame [-d DB] "; '\n' for more lines */
	const char *about;	/* the paragraphs before "options:" */
	const char *footer;	/* after the options: the exit codes */
	int no_db;		/* the command takes no -d DB (merge) */
	int in_order;		/* options end at the first operand, which starts
				 * a COMMAND with options of its own (record) */
};

/* Parses the options of ARGV (ARGV[0] is the command) by OPTS, up to the
 * first operand or "--". Returns the index of the first operand; or -1
 * with *CODE set: PB_EXIT_OK after printing the usage for -h/--help,
 * PB_EXIT_USAGE after a short error and "see 'pinblame CMD --help'". */
int pb_parse_options(int argc, char **argv, const struct pb_option *opts,
		     const struct pb_usage *u, int *code);
/* The whole --help text of OPTS and U. */
void pb_print_usage(FILE *f, const struct pb_option *opts, const struct pb_usage *u);
/* After a usage error of the running command: "see 'pinblame CMD --help'";
 * returns PB_EXIT_USAGE. */
int pb_see_help(void);

/* The one number parser of the options: a whole number from 0 to MAX in
 * decimal. 0, or -1 after "--NAME wants a whole number ..., not 'ARG'". */
int pb_parse_count(const char *name, const char *arg, long long max, long long *out);

/* The candidate closest to WORD by edit distance, when close enough to
 * be what was meant (a typo, not another word); NULL otherwise. */
const char *pb_did_you_mean(const char *word, const char *const *candidates, size_t n);

#endif
