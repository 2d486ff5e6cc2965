/* options.c - declarative command-line options (include/pinblame/options.h):
 * one table per command parses its options and writes its usage text. */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "pinblame/core.h"
#include "pinblame/options.h"

/* getopt_long's value for option I of the table */
#define OPT_VAL(i) (0x1000 + (int)(i))
#define HELP_VAL 0x0fff
/* The column of the help texts, unless an option is wider. */
#define HELP_COLUMN 22

int pb_see_help(void)
{
	if (pb_cmd_name)
		fprintf(stderr, "see 'pinblame %s --help'\n", pb_cmd_name);
	else
		fputs("see 'pinblame --help'\n", stderr);
	return PB_EXIT_USAGE;
}

int pb_parse_count(const char *name, const char *arg, long long max, long long *out)
{
	long long v = 0;
	const char *p = arg;

	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (max - (*p - '0')) / 10)
			break;
		v = v * 10 + (*p - '0');
	}
	if (p == arg || *p) {
		pb_error("--%s wants a whole number from 0 to %lld, not '%s'", name, max, arg);
		return -1;
	}
	*out = v;
	return 0;
}

/* Damerau-Levenshtein distance (with adjacent transpositions), for words
 * of the length of option and command names. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d[40][40];

	if (la >= 40 || lb >= 40)
		return SIZE_MAX;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1], best = d[i - 1][j - 1] + cost;

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

const char *pb_did_you_mean(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX, len = strlen(word);
	/* one typo in a short word, two in a longer one */
	size_t limit = len <= 4 ? 1 : 2;

	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(word, candidates[i]);

		/* a word cut short ("rep" for report) is meant too */
		if (len >= 3 && !strncmp(candidates[i], word, len))
			d = 1;
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	return best_d <= limit ? best : NULL;
}

static size_t count_options(const struct pb_option *opts)
{
	size_t n = 0;

	while (opts[n].kind != PB_OPTK_END)
		n++;
	return n;
}

/* "  -o, --output FILE" */
static void option_label(struct pb_buf *b, const struct pb_option *o)
{
	pb_buf_adds(b, "  ");
	if (o->short_name)
		pb_buf_addf(b, "-%c%s", o->short_name, o->long_name ? ", " : "");
	if (o->long_name)
		pb_buf_addf(b, "--%s", o->long_name);
	if (o->arg)
		pb_buf_addf(b, " %s", o->arg);
}

static void print_option(FILE *f, const char *label, const char *help, int column)
{
	int len = (int)strlen(label);

	fputs(label, f);
	if (len + 2 > column)
		fprintf(f, "\n%*s", column, "");
	else
		fprintf(f, "%*s", column - len, "");
	for (const char *p = help; *p; p++) {
		fputc(*p, f);
		if (*p == '\n' && p[1])
			fprintf(f, "%*s", column, "");
	}
	fputc('\n', f);
}

void pb_print_usage(FILE *f, const struct pb_option *opts, const struct pb_usage *u)
{
	struct pb_buf label = { 0 };
	size_t n = count_options(opts);

	fputs(u->no_db ? "usage: pinblame " : "usage: pinblame [-d DB] ", f);
	for (const char *p = u->synopsis; *p; p++) {
		fputc(*p, f);
		if (*p == '\n' && p[1])
			fputs("                ", f);
	}
	fprintf(f, "\n\n%s%soptions:\n", u->about ? u->about : "", u->about ? "\n" : "");
	for (size_t i = 0; i < n; i++) {
		pb_buf_reset(&label);
		option_label(&label, &opts[i]);
		print_option(f, pb_buf_str(&label), opts[i].help, HELP_COLUMN);
	}
	print_option(f, "  -h, --help", "this help", HELP_COLUMN);
	if (u->footer)
		fprintf(f, "\n%s", u->footer);
	pb_buf_free(&label);
}

static void build_getopt(const struct pb_option *opts, size_t n, int in_order,
			 struct option *longopts, struct pb_buf *shortopts)
{
	size_t k = 0;

	/* '+': stop at the first operand instead of looking past it */
	pb_buf_adds(shortopts, in_order ? "+:h" : ":h");
	for (size_t i = 0; i < n; i++) {
		if (opts[i].short_name) {
			pb_buf_addc(shortopts, (char)opts[i].short_name);
			if (opts[i].arg)
				pb_buf_addc(shortopts, ':');
		}
		if (opts[i].long_name)
			longopts[k++] = (struct option){ opts[i].long_name,
				opts[i].arg ? required_argument : no_argument, NULL, OPT_VAL(i) };
	}
	longopts[k++] = (struct option){ "help", no_argument, NULL, HELP_VAL };
	longopts[k] = (struct option){ NULL, 0, NULL, 0 };
}

/* The long option names of OPTS, and help. */
static const char **long_names(const struct pb_option *opts, size_t n, size_t *count)
{
	const char **names = pb_calloc(n + 1, sizeof(*names));

	*count = 0;
	for (size_t i = 0; i < n; i++)
		if (opts[i].long_name)
			names[(*count)++] = opts[i].long_name;
	names[(*count)++] = "help";
	return names;
}

/* Says so when WORD starts several of the option NAMES, which getopt_long
 * refuses as it refuses an unknown one; whether it did. */
static int ambiguous(const char *word, const char **names, size_t count)
{
	struct pb_buf list = { 0 };
	size_t len = strlen(word), matches = 0;

	for (size_t i = 0; len && i < count; i++)
		if (!strncmp(names[i], word, len))
			pb_buf_addf(&list, "%s--%s", matches++ ? ", " : "", names[i]);
	if (matches > 1)
		pb_error("option --%s is ambiguous: %s", word, pb_buf_str(&list));
	pb_buf_free(&list);
	return matches > 1;
}

/* pinblame's own option -d (--db) given after the command, which does
 * not have it: where it goes, as git says of its own. */
static void global_option_hint(const char *arg)
{
	const char *cmd = pb_cmd_name ? pb_cmd_name : "COMMAND";

	if (!strcmp(arg, "-d") || !strcmp(arg, "--db") || !strncmp(arg, "--db=", 5))
		fprintf(stderr, "hint: -d (--db) is an option of pinblame, not of %s: give it "
			"before the command: pinblame -d DB %s ...\n", cmd, cmd);
}

/* The error for what getopt_long did not take: ARG as the user wrote it. */
static void option_error(const struct pb_option *opts, size_t n, const char *arg, int missing)
{
	size_t count;
	const char **names;
	const char *near;
	struct pb_buf word = { 0 };

	if (missing) {
		pb_error("option %s needs a value", arg);
		return;
	}
	if (strncmp(arg, "--", 2)) {
		pb_error("unknown option %s", arg);
		return;
	}
	pb_buf_add(&word, arg + 2, strcspn(arg + 2, "="));
	names = long_names(opts, n, &count);
	if (!ambiguous(pb_buf_str(&word), names, count)) {
		near = pb_did_you_mean(pb_buf_str(&word), names, count);
		if (near)
			pb_error("unknown option --%s; did you mean --%s?", pb_buf_str(&word), near);
		else
			pb_error("unknown option --%s", pb_buf_str(&word));
	}
	free(names);
	pb_buf_free(&word);
}

static int take_option(const struct pb_option *o, const char *arg)
{
	switch (o->kind) {
	case PB_OPTK_BOOL:
		*(int *)o->value = 1;
		return 0;
	case PB_OPTK_COUNT:
		return pb_parse_count(o->long_name, arg, INT_MAX, (long long *)o->value);
	case PB_OPTK_STRING:
		*(const char **)o->value = arg;
		return 0;
	case PB_OPTK_CALLBACK:
		return o->cb(o, arg);
	case PB_OPTK_END:
		break;
	}
	return -1;
}

static int index_of_short(const struct pb_option *opts, size_t n, int c)
{
	for (size_t i = 0; i < n; i++)
		if (opts[i].short_name == c)
			return (int)i;
	return -1;
}

/* One option from getopt_long's answer C: 0, 1 after --help, -1 after an
 * error (printed). */
static int one_option(int c, int argc, char **argv, const struct pb_option *opts, size_t n)
{
	int i;
	char shortname[3] = { '-', 0, 0 };

	if (c == 'h' || c == HELP_VAL)
		return 1;
	if (c == '?' || c == ':') {
		const char *arg = argv[optind - 1];

		if (optopt && optopt < HELP_VAL) {
			shortname[1] = (char)optopt;
			arg = shortname;
		} else if (optopt && c == '?') {
			/* getopt_long names the option it refused a value to */
			pb_error("option %.*s takes no value", (int)strcspn(arg, "="), arg);
			return -1;
		}
		option_error(opts, n, optind <= argc ? arg : "?", c == ':');
		global_option_hint(arg);
		return -1;
	}
	i = c >= OPT_VAL(0) ? c - OPT_VAL(0) : index_of_short(opts, n, c);
	if (i < 0 || (size_t)i >= n)
		return -1;
	return take_option(&opts[i], optarg);
}

int pb_parse_options(int argc, char **argv, const struct pb_option *opts,
		     const struct pb_usage *u, int *code)
{
	size_t n = count_options(opts);
	struct option *longopts = pb_calloc(n + 2, sizeof(*longopts));
	struct pb_buf shortopts = { 0 };
	int c, rc = 0;

	build_getopt(opts, n, u->in_order, longopts, &shortopts);
	opterr = 0;
	while (rc == 0 &&
	       (c = getopt_long(argc, argv, pb_buf_str(&shortopts), longopts, NULL)) != -1)
		rc = one_option(c, argc, argv, opts, n);
	free(longopts);
	pb_buf_free(&shortopts);
	if (rc > 0) {
		pb_print_usage(stdout, opts, u);
		*code = PB_EXIT_OK;
		return -1;
	}
	if (rc < 0) {
		*code = pb_see_help();
		return -1;
	}
	return optind;
}
