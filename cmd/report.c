/* report.c - pinblame report: the whole failure report as text, Markdown,
 * HTML or JSON. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "pinblame/analyze.h"
#include "pinblame/render.h"
#include "pinblame/store.h"

static const struct pb_usage report_usage = {
	.synopsis = "report [--format text|md|html|json] [-o FILE] [--top N]\n"
		    "[--since S] [--until S] [--noise FILE] [--no-default-noise]",
	.about = "The failure report: sources, kernel, span, CMA allocations tried and\n"
		 "failed per area, busy ranges, migration failures by reason, the call\n"
		 "sites ranked by the failures they explain, and for each its example\n"
		 "stack and the failures it explains with their evidence (source:line).\n",
	.footer = "Exit: 0 ok, 2 usage, 3 cannot write FILE, read the noise file or no\n"
		  "traces imported, 4 store error.\n",
};

enum report_format { FMT_TEXT, FMT_MD, FMT_HTML, FMT_JSON };

static const char *const format_names[] = {
	[FMT_TEXT] = "text", [FMT_MD] = "md", [FMT_HTML] = "html", [FMT_JSON] = "json",
};

static int parse_format(const char *name, enum report_format *f)
{
	for (size_t i = 0; i < PB_ARRAY_SIZE(format_names); i++) {
		if (!strcmp(name, format_names[i])) {
			*f = (enum report_format)i;
			return 0;
		}
	}
	return -1;
}

/* report.html, report.md, report.json, report.txt: the format a file name
 * asks for, in any case (REPORT.HTML is a page too, as a browser would
 * take it); text when the name has no extension. -1 after saying so for
 * an extension of another format (report.pdf): writing text under that
 * name would pass for what it is not. */
static int format_of_path(const char *path, enum report_format *f)
{
	const char *base = strrchr(path, '/'), *dot;
	char ext[16];
	size_t i;

	dot = strrchr(base ? base + 1 : path, '.');
	*f = FMT_TEXT;
	if (!dot || dot == (base ? base + 1 : path))
		return 0;
	for (i = 0; dot[i + 1] && i + 1 < sizeof(ext); i++)
		ext[i] = (char)tolower((unsigned char)dot[i + 1]);
	ext[i] = '\0';
	if (!strcmp(ext, "htm") || !strcmp(ext, "html"))
		*f = FMT_HTML;
	else if (!strcmp(ext, "markdown"))
		*f = FMT_MD;
	else if (!strcmp(ext, "txt") || !strcmp(ext, "text"))
		*f = FMT_TEXT;
	else if (dot[i + 1] || parse_format(ext, f) < 0) {
		pb_error("-o %s: no report format is written as '%s' (.txt, .md, .html or "
			 ".json; or say which with --format)", path, dot);
		return -1;
	}
	return 0;
}

/* The terminal's width when writing to one, else $COLUMNS, else 80; cut
 * to it only on a terminal (negative: laid out, not cut), so that a file
 * or a pipe keeps every evidence location whole. */
static int text_width(FILE *out)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS");
	int tty = out == stdout && pb_stdout_is_tty();

	if (tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (env && atoi(env) > 0)
		return tty ? atoi(env) : -atoi(env);
	return tty ? 80 : -80;
}

static int render(FILE *out, const json_t *report, enum report_format f)
{
	switch (f) {
	case FMT_TEXT:
		return pb_report_text(out, report, text_width(out),
				      out == stdout && pb_stdout_styled());
	case FMT_MD:
		return pb_report_markdown(out, report);
	case FMT_HTML:
		return pb_report_html(out, report);
	case FMT_JSON:
		return pb_json_write(out, (json_t *)report);
	}
	return -1;
}

int pb_opt_window(const struct pb_option *opt, const char *arg)
{
	return pb_analyze_option(strcmp(opt->long_name, "since") ? PB_OPT_UNTIL : PB_OPT_SINCE,
				 arg, opt->value);
}

int pb_analyze_option(int c, const char *arg, struct pb_analyze_opts *o)
{
	int64_t *bound = c == PB_OPT_SINCE ? &o->since_ns : &o->until_ns;

	switch (c) {
	case PB_OPT_SINCE:
	case PB_OPT_UNTIL:
		/* decimal seconds as the traces print them: no 0x, sign or
		 * exponent, which the number parser would take or refuse */
		if (arg[strspn(arg, "0123456789.")] ||
		    pb_parse_seconds_ns(arg, strlen(arg), bound) < 0 || *bound < 0) {
			pb_error("--%s wants seconds of trace time, not '%s'",
				 c == PB_OPT_SINCE ? "since" : "until", arg);
			return -1;
		}
		return 0;
	case PB_OPT_NOISE:
		o->noise_file = arg;
		return 0;
	case PB_OPT_NO_DEFAULT_NOISE:
		o->no_default_noise = 1;
		return 0;
	}
	return -1;
}

/* --since and --until within the traces' span: a window outside it would
 * pass a gate on no failure at all. Says the span when not. */
static int window_in_span(struct pb_store *s, const struct pb_analyze_opts *o)
{
	int64_t first, last;
	char a[32], b[32];
	int known;

	if (o->since_ns >= 0 && o->until_ns >= 0 && o->since_ns > o->until_ns) {
		pb_error("--since is after --until");
		return pb_see_help();
	}
	if (o->since_ns < 0 && o->until_ns < 0)
		return PB_EXIT_OK;
	known = pb_store_span(s, &first, &last);
	if (known <= 0)
		return known < 0 ? PB_EXIT_STORE : PB_EXIT_OK;
	pb_format_ts(a, sizeof(a), first);
	pb_format_ts(b, sizeof(b), last);
	if (o->since_ns > last || (o->until_ns >= 0 && o->until_ns < first)) {
		pb_error("--%s is outside the traces, which span %s .. %s s",
			 o->since_ns > last ? "since" : "until", a, b);
		return PB_EXIT_USAGE;
	}
	return PB_EXIT_OK;
}

struct pb_store *pb_open_analysis(const char *db_path, const struct pb_analyze_opts *o,
				  int *code)
{
	struct pb_store *s;

	if (pb_analyze_check_opts(o) < 0) {
		*code = PB_EXIT_INPUT;
		return NULL;
	}
	s = pb_analyze_open(db_path);
	if (!s) {
		*code = PB_EXIT_STORE;
		return NULL;
	}
	*code = pb_no_traces(s);
	if (!*code)
		*code = window_in_span(s, o);
	if (*code) {
		pb_store_close(s);
		return NULL;
	}
	return s;
}

int pb_noise_note(const struct pb_analyze_opts *o, const json_t *blame)
{
	if (!o->noise_file || pb_json_int(blame, "failures", 0) <= 0 ||
	    json_array_size(json_object_get(blame, "callsites")))
		return 0;
	pb_warn("%s leaves no call site: every frame of the holders' stacks is "
		"noise by it%s", o->noise_file, o->no_default_noise ? "" : " and the built-in list");
	return 1;
}

int pb_no_traces(struct pb_store *s)
{
	int64_t n = pb_store_count_sources(s);

	if (n == 0)
		pb_error("%s: no traces imported (pinblame import FILE): there is "
			 "nothing to judge", pb_store_path(s));
	return n < 0 ? PB_EXIT_STORE : n == 0 ? PB_EXIT_INPUT : PB_EXIT_OK;
}

/* The output file being written: its temporary name beside it, renamed
 * over PATH once everything is written, so that a failed write leaves the
 * old file as it was and nothing half written. */
static struct {
	FILE *f;
	char *tmp;
} output;

static FILE *open_temporary(const char *path)
{
	mode_t mask = umask(0);
	FILE *f;
	int fd;

	umask(mask);
	output.tmp = pb_malloc(strlen(path) + 16);
	sprintf(output.tmp, "%s.tmp-XXXXXX", path);
	fd = mkstemp(output.tmp);
	if (fd < 0) {
		pb_error("%s: %s", path, strerror(errno));
		free(output.tmp);
		output.tmp = NULL;
		return NULL;
	}
	/* as fopen() would have made it, not mkstemp()'s 0600 */
	fchmod(fd, 0666 & ~mask);
	f = fdopen(fd, "w");
	if (!f) {
		pb_error("%s: %s", path, strerror(errno));
		close(fd);
		unlink(output.tmp);
		free(output.tmp);
		output.tmp = NULL;
	}
	return f;
}

FILE *pb_open_output(const char *path)
{
	struct stat sb;
	FILE *raw;

	if (!path)
		return stdout;
	/* a device or a pipe (/dev/null, /dev/stdout) is written in place */
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		raw = fopen(path, "w");
		if (!raw)
			pb_error("%s: %s", path, strerror(errno));
	} else {
		/* says why itself when it cannot make the file */
		raw = open_temporary(path);
	}
	if (!raw)
		return NULL;
	output.f = pb_term_stream(raw, 1);
	return output.f;
}

int pb_close_output(FILE *f, const char *path, int code)
{
	int failed;

	if (f == stdout)
		return code;
	failed = ferror(f) | fclose(f);
	if (!failed && output.tmp && rename(output.tmp, path) < 0)
		failed = 1;
	if (failed)
		pb_error("%s: write error: %s", path, strerror(errno));
	if (output.tmp && (failed || code))
		unlink(output.tmp);
	free(output.tmp);
	output.tmp = NULL;
	output.f = NULL;
	if (failed)
		return code ? code : PB_EXIT_INPUT;
	return code;
}

static int take_format(const struct pb_option *opt, const char *arg)
{
	if (parse_format(arg, opt->value) < 0) {
		pb_error("unknown format '%s' (text, md, html or json)", arg);
		return -1;
	}
	return 0;
}

int cmd_report(int argc, char **argv, const struct pb_globals *g)
{
	struct pb_analyze_opts opts = { .since_ns = -1, .until_ns = -1 };
	enum report_format format = (enum report_format)-1;
	const char *path = NULL;
	long long top = 10;
	const struct pb_option options[] = {
		PB_OPT_CALLBACK(0, "format", &format, "F",
				"text (default; fits the terminal), md (Markdown for a\n"
				"bug report), html (one self-contained page with charts)\n"
				"or json (schema pinblame.report/1); with -o and no\n"
				"--format, taken from FILE's extension", take_format),
		PB_OPT_STRING('o', "output", &path, "FILE", "write to FILE instead of standard output"),
		PB_OPT_COUNT(0, "top", &top, "N", "call sites to show (default 10, 0: all)"),
		PB_OPTS_ANALYSIS(&opts),
		PB_OPT_END(),
	};
	int rc = PB_EXIT_OK, at = pb_parse_options(argc, argv, options, &report_usage, &rc);
	struct pb_store *store;
	json_t *report;
	FILE *out;

	if (at < 0)
		return rc;
	if (at != argc)
		return pb_unexpected_operand(argv[at]);
	if ((int)format < 0 && path && format_of_path(path, &format) < 0)
		return pb_see_help();
	if ((int)format < 0)
		format = FMT_TEXT;
	store = pb_open_analysis(g->db_path, &opts, &rc);
	if (!store)
		return rc;
	report = pb_analyze_report(store, &opts, top > INT_MAX ? INT_MAX : (int)top);
	pb_store_close(store);
	if (!report)
		return PB_EXIT_STORE;
	pb_noise_note(&opts, json_object_get(report, "blame"));
	out = pb_open_output(path);
	if (!out)
		rc = PB_EXIT_INPUT;
	else if (render(out, report, format) < 0 && out != stdout)
		rc = PB_EXIT_INPUT;
	if (out)
		rc = pb_close_output(out, path, rc);
	json_decref(report);
	return rc;
}
