/* report_md.c - the report as Markdown, sized for a bug report or a mail:
 * tables for the numbers, code blocks for stacks, no HTML. */
#include <string.h>

#include "pinblame/render.h"
#include "report_int.h"

/* Markdown would turn __do_sys_vmsplice into bold; escape what it reads.
 * A line break in a name would end the table row or the list item. */
static void md_escape(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n' || *s == '\r') {
			fputc(' ', out);
			continue;
		}
		if (strchr("\\`*_[]<>|#&!~", *s))
			fputc('\\', out);
		fputc(*s, out);
	}
}

/* The longest run of backticks in S. */
static size_t backtick_run(const char *s)
{
	size_t run = 0, longest = 0;

	for (; *s; s++) {
		run = *s == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	return longest;
}

static void fence(FILE *out, size_t n)
{
	while (n--)
		fputc('`', out);
}

/* S as a code span: backslashes do not escape in one, so the span is
 * fenced by more backticks than S holds in a row (padded with a space
 * when S starts or ends with one); in a table cell a '|' still ends the
 * cell, and GFM reads "\|" as '|' there, code spans included. */
static void md_code(FILE *out, const char *s, int in_table)
{
	size_t n = backtick_run(s) + 1, len = strlen(s);
	int pad = len && (s[0] == '`' || s[len - 1] == '`' || s[0] == ' ');

	fence(out, n);
	if (pad)
		fputc(' ', out);
	for (; *s; s++) {
		if (in_table && *s == '|')
			fputc('\\', out);
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, out);
	}
	if (pad)
		fputc(' ', out);
	fence(out, n);
}

static void md_line(FILE *out, const char *prefix, struct pb_buf *b)
{
	fputs(prefix, out);
	md_escape(out, pb_buf_str(b));
	fputc('\n', out);
	pb_buf_reset(b);
}

static void summary(FILE *out, const json_t *r, struct pb_buf *b)
{
	fputs("## pinblame report\n\n", out);
	rj_sources_line(b, r);
	md_line(out, "- **Sources:** ", b);
	rj_kernels_line(b, r);
	md_line(out, "- **Kernel:** ", b);
	rj_span_line(b, r);
	md_line(out, "- **Span:** ", b);
	if (rj_window_line(b, r))
		md_line(out, "- **Window:** ", b);
	else
		pb_buf_reset(b);
	rj_failures_line(b, r);
	md_line(out, "- **Failures:** ", b);
}

static void areas(FILE *out, const json_t *r, struct pb_buf *b)
{
	const json_t *a, *list = json_object_get(r, "cma_areas");
	long long logged = 0;
	size_t i;

	if (!json_array_size(list))
		return;
	fputs("\n| CMA area | tried | failed | busy retries |\n"
	      "| --- | ---: | ---: | ---: |\n", out);
	json_array_foreach(list, i, a) {
		fputs("| ", out);
		md_escape(out, pb_json_str(a, "area", "?"));
		fprintf(out, " | %lld | %lld | %lld |\n", pb_json_int(a, "tried", 0),
			pb_json_int(a, "failed", 0), pb_json_int(a, "busy_retries", 0));
		logged += pb_json_int(a, "log_failures", 0);
	}
	if (logged) {
		rj_log_failures_note(b, logged);
		md_line(out, "\n", b);
	}
}

static void busy_and_migrations(FILE *out, const json_t *r, struct pb_buf *b)
{
	const json_t *x;
	size_t i;

	json_array_foreach(json_object_get(r, "busy_ranges"), i, x)
		pb_buf_addf(b, "%s%lld %s", i ? ", " : "", pb_json_int(x, "count", 0),
			    pb_json_str(x, "kind", "?"));
	if (b->len)
		md_line(out, "\nBusy ranges: ", b);
	json_array_foreach(json_object_get(r, "migration_failures"), i, x)
		pb_buf_addf(b, "%s%s %lld (%lld pages)", i ? ", " : "", pb_json_str(x, "reason", "?"),
			    pb_json_int(x, "migrations", 0), pb_json_int(x, "pages", 0));
	if (b->len)
		md_line(out, "\nMigrations with failed pages, by reason: ", b);
}

static void ranking(FILE *out, const json_t *sites)
{
	const json_t *c;
	size_t i;
	char share[16];

	fputs("\n### Call sites, ranked by failures explained\n\n", out);
	if (!json_array_size(sites)) {
		fputs("No call site explains a failure.\n", out);
		return;
	}
	fputs("| # | call site | failures | pages | share | confidence |\n"
	      "| ---: | --- | ---: | ---: | ---: | --- |\n", out);
	json_array_foreach(sites, i, c) {
		rj_share(share, sizeof(share), rj_real(c, "share", 0));
		fprintf(out, "| %lld | ", pb_json_int(c, "rank", (long long)i + 1));
		md_code(out, pb_json_str(c, "callsite", "?"), 1);
		fprintf(out, " | %lld | %lld | %s | ", pb_json_int(c, "failures", 0),
			pb_json_int(c, "pages", 0), share);
		md_escape(out, pb_json_str(c, "confidence", "low"));
		fputs(" |\n", out);
	}
}

static void explained(FILE *out, const json_t *r, const json_t *c, struct pb_buf *b)
{
	const json_t *ids = json_object_get(c, "failure_ids"), *id, *e;
	size_t i, k, n = json_array_size(ids);

	if (!n)
		return;
	if (n > REPORT_EXAMPLES)
		fprintf(out, "\nFailures explained (first %d of %zu):\n\n", REPORT_EXAMPLES, n);
	else
		fprintf(out, "\nFailures explained (%zu):\n\n", n);
	json_array_foreach(ids, i, id) {
		long long fid = (long long)json_integer_value(id);
		const json_t *f = rj_failure_by_id(r, fid);

		if (i == REPORT_EXAMPLES)
			break;
		if (f) {
			rj_failure_title(b, f);
			pb_buf_adds(b, ": ");
			rj_failure_pages(b, f);
		} else {
			pb_buf_addf(b, "#%lld", fid);
		}
		md_line(out, "- ", b);
		json_array_foreach(rj_evidence_of(r, fid), k, e) {
			rj_evidence_line(b, e);
			md_line(out, "  - ", b);
		}
		if (rj_evidence_more(b, r, fid))
			md_line(out, "  - ", b);
	}
}

/* A fenced block, its fence longer than any run of backticks in the
 * frames (at least three), so that no frame ends it. */
static void example_stack(FILE *out, const json_t *c)
{
	const json_t *fr;
	size_t i, n = 3;
	int marked = 0;

	json_array_foreach(json_object_get(c, "stack"), i, fr)
		if (json_is_string(fr) && backtick_run(json_string_value(fr)) >= n)
			n = backtick_run(json_string_value(fr)) + 1;
	fputs("\nExample stack (leaf first, > the call site):\n\n", out);
	fence(out, n);
	fputc('\n', out);
	json_array_foreach(json_object_get(c, "stack"), i, fr) {
		const char *name = json_is_string(fr) ? json_string_value(fr) : "?";

		fprintf(out, "%s ", !marked && rj_is_callsite_frame(c, name) ? ">" : " ");
		for (const char *p = name; *p; p++)
			fputc(*p == '\n' || *p == '\r' ? ' ' : *p, out);
		fputc('\n', out);
		marked |= rj_is_callsite_frame(c, name);
	}
	fence(out, n);
	fputc('\n', out);
}

static void callsite_detail(FILE *out, const json_t *r, const json_t *c, struct pb_buf *b)
{
	char share[16];

	rj_share(share, sizeof(share), rj_real(c, "share", 0));
	fprintf(out, "\n#### %lld. ", pb_json_int(c, "rank", 0));
	md_code(out, pb_json_str(c, "callsite", "?"), 0);
	if (pb_json_str(c, "module", NULL)) {
		/* "[nvidia]" alone is no link: the brackets stay as written */
		fputs(" [", out);
		md_escape(out, pb_json_str(c, "module", ""));
		fputc(']', out);
	}
	fprintf(out, "\n\n%lld failure%s, %lld page%s, share %s, confidence %s.\n",
		pb_json_int(c, "failures", 0), pb_plural(pb_json_int(c, "failures", 0)),
		pb_json_int(c, "pages", 0), pb_plural(pb_json_int(c, "pages", 0)), share,
		pb_json_str(c, "confidence", "low"));
	if (json_array_size(json_object_get(c, "stack")))
		example_stack(out, c);
	explained(out, r, c, b);
}

/* The failures no call site explains, with what is known of each, and
 * the hints of what would have named their holders. */
static void unattributed(FILE *out, const json_t *r, struct pb_buf *b)
{
	const json_t *u, *d, *hint;
	size_t i, k;

	if (!rj_unattributed_heading(b, r))
		return;
	md_line(out, "\n### ", b);
	fputc('\n', out);
	json_array_foreach(json_object_get(json_object_get(r, "unattributed_failures"), "failures"), i, u) {
		const json_t *f = rj_failure_by_id(r, pb_json_int(u, "id", 0));

		if (!f)
			continue;
		rj_failure_title(b, f);
		pb_buf_adds(b, ": ");
		rj_failure_facts(b, f);
		md_line(out, "- ", b);
		json_array_foreach(json_object_get(u, "dumps"), k, d) {
			rj_dump_line(b, d);
			md_line(out, "  - ", b);
		}
	}
	if (json_array_size(json_object_get(r, "hints")))
		fputs("\nHints:\n\n", out);
	json_array_foreach(json_object_get(r, "hints"), i, hint) {
		pb_buf_adds(b, rj_text(hint));
		md_line(out, "- ", b);
	}
}

int pb_report_markdown(FILE *out, const json_t *report)
{
	const json_t *c, *sites = json_object_get(json_object_get(report, "blame"), "callsites");
	struct pb_buf b = { 0 };
	size_t i;

	summary(out, report, &b);
	areas(out, report, &b);
	busy_and_migrations(out, report, &b);
	ranking(out, sites);
	json_array_foreach(sites, i, c)
		callsite_detail(out, report, c, &b);
	unattributed(out, report, &b);
	fprintf(out, "\n_Generated by pinblame %s._\n", PB_VERSION);
	pb_buf_free(&b);
	return ferror(out) ? -1 : 0;
}
