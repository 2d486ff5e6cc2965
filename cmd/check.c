/* check.c - pinblame check: the CI gate. Exit 1, with one line per
 * breach, when the trace breaks one of the rules given. */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "pinblame/analyze.h"
#include "pinblame/render.h"
#include "pinblame/store.h"

static const struct pb_usage check_usage = {
	.synopsis = "check [--max-failures N] [--max-final N] [--max-share GLOB=F]...\n"
		    "[--deny GLOB]... [--baseline FILE [--tolerance F]] [--json]\n"
		    "[--since S] [--until S] [--noise FILE] [--no-default-noise]",
	.about = "Passes (exit 0, nothing printed) or fails (exit 1, one line per breach on\n"
		 "standard output). Without any rule, the trace passes only when it has no\n"
		 "failure at all (--max-failures 0). A store without traces never passes\n"
		 "(exit 3).\n",
	.footer = "Exit: 0 pass, 1 breach, 2 usage, 3 unreadable baseline or noise file,\n"
		  "or no traces imported, 4 store error.\n",
};

struct share_rule {
	char *glob;
	double max;
};

struct rules {
	long long max_failures;		/* -1: no limit */
	long long max_final;		/* -1: no limit */
	struct share_rule *shares;
	size_t nshares, shares_cap;
	const char **deny;
	size_t ndeny, deny_cap;
	const char *baseline;
	double tolerance;
	int tolerance_given;
};

struct verdict {
	json_t *breaches;
	int json;
};

/* "0.25" or "25%". */
static int parse_share(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s)
		return -1;
	if (*end == '%') {
		v /= 100;
		end++;
	}
	if (*end || v < 0 || v > 1)
		return -1;
	*out = v;
	return 0;
}

static int add_share_rule(struct rules *r, const char *arg)
{
	const char *eq = strrchr(arg, '=');
	double max;

	if (!eq || eq == arg || parse_share(eq + 1, &max) < 0) {
		pb_error("--max-share wants GLOB=F with F a share (0.25 or 25%%), "
			 "not '%s'", arg);
		return -1;
	}
	PB_GROW(r->shares, r->nshares + 1, r->shares_cap);
	r->shares[r->nshares].glob = pb_strndup(arg, (size_t)(eq - arg));
	r->shares[r->nshares++].max = max;
	return 0;
}

static void breach(struct verdict *v, const char *rule, const json_t *site,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void breach(struct verdict *v, const char *rule, const json_t *site,
		   const char *fmt, ...)
{
	struct pb_buf msg = { 0 };
	va_list ap;
	char *text;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	text = pb_malloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	pb_buf_addf(&msg, "%s: %s", rule, text);
	json_array_append_new(v->breaches, json_pack("{s:s,s:s?,s:s}", "rule", rule,
		"callsite", site ? json_string_value(json_object_get(site, "callsite")) : NULL,
		"message", pb_buf_str(&msg)));
	if (!v->json)
		printf("%s\n", pb_buf_str(&msg));
	free(text);
	pb_buf_free(&msg);
}

static const char *site_name(const json_t *c)
{
	const char *s = json_string_value(json_object_get(c, "callsite"));

	return s ? s : "?";
}

/* Whether GLOB matches LABEL with its brackets taken as text: blame
 * prints a module as "func [nvidia]", and '*[nvidia]' written after it
 * would otherwise be a set of five letters that no name ends with. */
static int matches_with_brackets_as_text(const char *glob, const char *label)
{
	struct pb_buf literal = { 0 };
	int found;

	if (!strpbrk(glob, "[]"))
		return 0;
	for (const char *p = glob; *p; p++) {
		if (*p == '[' || *p == ']')
			pb_buf_addc(&literal, '\\');
		pb_buf_addc(&literal, *p);
	}
	found = !fnmatch(pb_buf_str(&literal), label, 0);
	pb_buf_free(&literal);
	return found;
}

/* Whether GLOB names call site C: as blame prints it (LABEL, from
 * site_label()), or its function alone; the whole name as given also
 * matches, and so does the glob with its brackets as text, so that a
 * name or a pattern written after blame's output, whose "[module]" a
 * glob would read as a set of characters, matches what it was copied
 * from. */
static int site_matches(const char *glob, const json_t *c, const char *label)
{
	return !strcmp(glob, label) || !fnmatch(glob, label, 0) ||
	       !fnmatch(glob, site_name(c), 0) || matches_with_brackets_as_text(glob, label);
}

/* "1 failure", "3 failures": what call site C explains. */
static const char *failures_text(const json_t *c)
{
	static char text[48];
	long long n = (long long)json_integer_value(json_object_get(c, "failures"));

	snprintf(text, sizeof(text), "%lld failure%s", n, n == 1 ? "" : "s");
	return text;
}

/* The name blame prints for C, for the breach lines. */
static const char *site_label(struct pb_buf *buf, const json_t *c)
{
	pb_buf_reset(buf);
	return pb_site_name(buf, site_name(c), json_string_value(json_object_get(c, "module")));
}

static double site_share(const json_t *c)
{
	return json_number_value(json_object_get(c, "share"));
}

static void check_limits(struct verdict *v, const struct rules *r, const json_t *blame,
			 long long final)
{
	long long failures = (long long)json_integer_value(json_object_get(blame, "failures"));
	struct pb_buf label = { 0 };
	const json_t *c;
	size_t i;

	if (r->max_failures >= 0 && failures > r->max_failures)
		breach(v, "max-failures", NULL, "%lld failure%s, more than %lld", failures,
		       failures == 1 ? "" : "s", r->max_failures);
	if (r->max_final >= 0 && final > r->max_final)
		breach(v, "max-final", NULL, "%lld final failure%s, more than %lld", final,
		       final == 1 ? "" : "s", r->max_final);
	json_array_foreach(json_object_get(blame, "callsites"), i, c) {
		const char *name = site_label(&label, c);

		for (size_t k = 0; k < r->nshares; k++)
			if (site_matches(r->shares[k].glob, c, name) &&
			    site_share(c) > r->shares[k].max)
				breach(v, "max-share", c, "%s has a share of %.1f%%, more than "
				       "%.1f%%", name, site_share(c) * 100,
				       r->shares[k].max * 100);
		for (size_t k = 0; k < r->ndeny; k++)
			if (site_matches(r->deny[k], c, name) &&
			    json_integer_value(json_object_get(c, "failures")) > 0)
				breach(v, "deny", c, "%s explains %s (denied by '%s')",
				       name, failures_text(c), r->deny[k]);
	}
	pb_buf_free(&label);
}

/* The failures in the window that the task did not recover from, and in
 * *UNKNOWN those whose end the traces do not tell; -1 on a store error
 * (printed). */
static long long count_final(struct pb_store *s, const struct pb_analyze_opts *o,
			     long long *unknown)
{
	json_t *res = pb_analyze_failures(s, o, NULL, NULL);
	struct pb_outcome_counts n;

	if (!res)
		return -1;
	n = pb_count_outcomes(json_object_get(res, "failures"));
	json_decref(res);
	*unknown = n.unknown;
	return n.final;
}

static const json_t *find_site(const json_t *blame, const json_t *site)
{
	const char *module = json_string_value(json_object_get(site, "module"));
	const json_t *c;
	size_t i;

	json_array_foreach(json_object_get(blame, "callsites"), i, c) {
		const char *m = json_string_value(json_object_get(c, "module"));

		if (!strcmp(site_name(c), site_name(site)) &&
		    (m == module || (m && module && !strcmp(m, module))))
			return c;
	}
	return NULL;
}

static void check_baseline(struct verdict *v, const struct rules *r, const json_t *blame,
			   const json_t *base)
{
	struct pb_buf label = { 0 };
	const json_t *c, *old;
	size_t i;

	json_array_foreach(json_object_get(blame, "callsites"), i, c) {
		if (json_integer_value(json_object_get(c, "failures")) <= 0)
			continue;
		old = find_site(base, c);
		if (!old)
			breach(v, "new", c, "%s explains %s (share %.1f%%) and is "
			       "not in the baseline", site_label(&label, c), failures_text(c),
			       site_share(c) * 100);
		else if (site_share(c) > site_share(old) + r->tolerance)
			breach(v, "grew", c, "%s has a share of %.1f%%, %.1f%% in the baseline "
			       "(tolerance %.1f points)", site_label(&label, c),
			       site_share(c) * 100, site_share(old) * 100, r->tolerance * 100);
	}
	pb_buf_free(&label);
}

/* Reads a pinblame.blame/1 object, or ranks the call sites of a store. */
static json_t *load_baseline(const char *path, const struct pb_analyze_opts *o, int *code)
{
	static const char magic[16] = "SQLite format 3";
	struct pb_analyze_opts all = { o->noise_file, o->no_default_noise, -1, -1 };
	char head[16] = { 0 };
	json_error_t err;
	struct pb_store *s;
	json_t *blame;
	FILE *f = fopen(path, "rb");
	int read_errno = 0;

	if (!f || fread(head, 1, sizeof(head), f) != sizeof(head)) {
		/* a directory opens, then fails to read: jansson would call it
		 * an empty file */
		if (f && ferror(f))
			read_errno = errno;
		memset(head, 0, sizeof(head));
	}
	if (f)
		fclose(f);
	if (read_errno) {
		*code = PB_EXIT_INPUT;
		pb_error("--baseline %s: %s", path, strerror(read_errno));
		return NULL;
	}
	if (!memcmp(head, magic, sizeof(magic))) {
		*code = PB_EXIT_STORE;
		s = pb_analyze_open(path);
		if (!s)
			return NULL;
		blame = pb_analyze_blame(s, &all, PB_BY_CALLSITE, 0, 0);
		pb_store_close(s);
		return blame;
	}
	*code = PB_EXIT_INPUT;
	blame = json_load_file(path, 0, &err);
	if (!blame) {
		/* jansson gives no line when the file could not be read at all */
		if (err.line > 0)
			pb_error("--baseline %s:%d: %s", path, err.line, err.text);
		else
			pb_error("--baseline %s: %s", path, err.text);
		return NULL;
	}
	if (!json_is_string(json_object_get(blame, "schema")) ||
	    strcmp(json_string_value(json_object_get(blame, "schema")), "pinblame.blame/1")) {
		pb_error("--baseline %s: not the output of 'pinblame blame --json' "
			 "(schema pinblame.blame/1) nor a store", path);
		json_decref(blame);
		return NULL;
	}
	/* the rows of 'blame --by comm' (or stack, module...) are no call
	 * sites: each names one only as its example, and the others would
	 * all be called new */
	if (json_is_string(json_object_get(blame, "by")) &&
	    strcmp(json_string_value(json_object_get(blame, "by")), "callsite")) {
		pb_error("--baseline %s: a blame --by %s; the baseline ranks call sites: "
			 "make it with 'pinblame blame --json' (no --by)", path,
			 json_string_value(json_object_get(blame, "by")));
		json_decref(blame);
		return NULL;
	}
	return blame;
}

static int run_check(struct pb_store *s, const struct pb_analyze_opts *o,
		     const struct rules *r, int json)
{
	struct verdict v = { .breaches = json_array(), .json = json };
	json_t *blame = pb_analyze_blame(s, o, PB_BY_CALLSITE, 0, 0), *base = NULL;
	int code = PB_EXIT_OK;
	long long lost, unknown = 0;
	long long final = r->max_final >= 0 && blame ? count_final(s, o, &unknown) : 0;

	if (!blame || final < 0) {
		json_decref(blame);
		json_decref(v.breaches);
		return PB_EXIT_STORE;
	}
	if (r->baseline && !(base = load_baseline(r->baseline, o, &code))) {
		json_decref(blame);
		json_decref(v.breaches);
		return code;
	}
	check_limits(&v, r, blame, final);
	if (base)
		check_baseline(&v, r, blame, base);
	code = json_array_size(v.breaches) ? PB_EXIT_BREACH : PB_EXIT_OK;
	lost = pb_json_int(json_object_get(blame, "gaps"), "lost_events", 0);
	/* a pass on a capture with holes: what the rules did not see */
	if (code == PB_EXIT_OK && lost > 0)
		pb_warn("the capture lost %lld event%s (ring buffer full): call sites that "
			"held pages only in them are not seen by these rules", lost,
			lost == 1 ? "" : "s");
	/* a final count that is a floor: say what it left out */
	if (code == PB_EXIT_OK && unknown > 0)
		pb_warn("%lld failure%s of unknown outcome (a kernel log's busy lines, with no "
			"line that says how the allocation ended) %s not counted by --max-final; "
			"--max-failures counts %s", unknown, unknown == 1 ? "" : "s",
			unknown == 1 ? "is" : "are", unknown == 1 ? "it" : "them");
	if (json) {
		json_t *out = json_pack("{s:s,s:b,s:O,s:I,s:O,s:I}", "schema", "pinblame.check/1",
			"pass", code == PB_EXIT_OK, "failures", json_object_get(blame, "failures"),
			"callsites", (json_int_t)json_array_size(json_object_get(blame, "callsites")),
			"breaches", v.breaches, "lost_events", (json_int_t)lost);

		pb_json_write(stdout, out);
		json_decref(out);
	}
	json_decref(v.breaches);
	json_decref(blame);
	json_decref(base);
	return code;
}

static int take_share(const struct pb_option *opt, const char *arg)
{
	return add_share_rule(opt->value, arg);
}

static int take_deny(const struct pb_option *opt, const char *arg)
{
	struct rules *r = opt->value;

	PB_GROW(r->deny, r->ndeny + 1, r->deny_cap);
	r->deny[r->ndeny++] = arg;
	return 0;
}

static int take_tolerance(const struct pb_option *opt, const char *arg)
{
	struct rules *r = opt->value;

	if (parse_share(arg, &r->tolerance) < 0) {
		pb_error("--tolerance wants a share (0.05 or 5%%), not '%s'", arg);
		return -1;
	}
	r->tolerance_given = 1;
	return 0;
}

/* The exit code to return at once (usage error, --help), or -1 to go on. */
static int parse_args(int argc, char **argv, struct rules *r, struct pb_analyze_opts *o,
		      int *json)
{
	const struct pb_option options[] = {
		PB_OPT_COUNT(0, "max-failures", &r->max_failures, "N",
			     "more than N failures is a breach"),
		PB_OPT_COUNT(0, "max-final", &r->max_final, "N",
			     "more than N final failures (not recovered: the\n"
			     "task did not get its memory another way) is a breach"),
		PB_OPT_CALLBACK(0, "max-share", r, "GLOB=F",
				"a call site matching GLOB whose share (as blame\n"
				"shows it) is above F (0.25 or 25%) is a breach", take_share),
		PB_OPT_CALLBACK(0, "deny", r, "GLOB",
				"a call site matching GLOB that explains any failure\n"
				"is a breach (repeatable)", take_deny),
		PB_OPT_STRING(0, "baseline", &r->baseline, "FILE",
			      "a previous 'blame --json' output, or a store: a call\n"
			      "site that is not in it, or whose share grew by more\n"
			      "than the tolerance, is a breach"),
		PB_OPT_CALLBACK(0, "tolerance", r, "F",
				"growth of share allowed against the baseline\n"
				"(default 0.05, i.e. 5 percentage points)", take_tolerance),
		PB_OPT_BOOL(0, "json", json,
			    "{\"schema\":\"pinblame.check/1\",\"pass\":...,\"breaches\":[...]}"),
		PB_OPTS_ANALYSIS(o),
		PB_OPT_END(),
	};
	int rc, at = pb_parse_options(argc, argv, options, &check_usage, &rc);

	if (at < 0)
		return rc;
	if (at != argc)
		return pb_unexpected_operand(argv[at]);
	if (r->tolerance_given && !r->baseline) {
		pb_error("--tolerance applies to --baseline, which is not given");
		return pb_see_help();
	}
	if (r->max_failures < 0 && r->max_final < 0 && !r->nshares && !r->ndeny && !r->baseline)
		r->max_failures = 0;
	return -1;
}

static void free_rules(struct rules *r)
{
	for (size_t i = 0; i < r->nshares; i++)
		free(r->shares[i].glob);
	free(r->shares);
	free(r->deny);
}

int cmd_check(int argc, char **argv, const struct pb_globals *g)
{
	struct rules r = { .max_failures = -1, .max_final = -1, .tolerance = 0.05 };
	struct pb_analyze_opts o = { .since_ns = -1, .until_ns = -1 };
	struct pb_store *store;
	int json = 0, rc = parse_args(argc, argv, &r, &o, &json);

	if (rc >= 0) {
		free_rules(&r);
		return rc;
	}
	store = pb_open_analysis(g->db_path, &o, &rc);
	if (!store) {
		free_rules(&r);
		return rc;
	}
	rc = run_check(store, &o, &r, json);
	pb_store_close(store);
	free_rules(&r);
	return rc;
}
