/* report_md.c - the report as Markdown, sized for a bug report or a mail:
 * tables for the numbers, code blocks for stacks, no HTML. */
#include <string.h>

#include "pinblame/render.h"
#include "report_int.h"

/* Markdown would turn __do_sys_vmsplice into bold; escape what it reads. */
static void md_escape(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_[]<>|#", *s))
			fputc('\\', out);
		fputc(*s, out);
	}
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

static void areas(FILE *out, const json_t *r)
{
	const json_t *a, *list = json_object_get(r, "cma_areas");
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
		fprintf(out, "| %lld | `%s` | %lld | %lld | %s | %s |\n",
			pb_json_int(c, "rank", (long long)i + 1), pb_json_str(c, "callsite", "?"),
			pb_json_int(c, "failures", 0), pb_json_int(c, "pages", 0), share,
			pb_json_str(c, "confidence", "low"));
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

static void callsite_detail(FILE *out, const json_t *r, const json_t *c, struct pb_buf *b)
{
	const json_t *fr;
	int marked = 0;
	size_t i;
	char share[16];

	rj_share(share, sizeof(share), rj_real(c, "share", 0));
	fprintf(out, "\n#### %lld. `%s`", pb_json_int(c, "rank", 0), pb_json_str(c, "callsite", "?"));
	if (pb_json_str(c, "module", NULL))
		fprintf(out, " [%s]", pb_json_str(c, "module", ""));
	fprintf(out, "\n\n%lld failures, %lld pages, share %s, confidence %s.\n",
		pb_json_int(c, "failures", 0), pb_json_int(c, "pages", 0), share,
		pb_json_str(c, "confidence", "low"));
	if (json_array_size(json_object_get(c, "stack"))) {
		fputs("\nExample stack (leaf first, > the call site):\n\n```\n", out);
		json_array_foreach(json_object_get(c, "stack"), i, fr) {
			const char *name = json_is_string(fr) ? json_string_value(fr) : "?";

			fprintf(out, "%s %s\n", !marked && rj_is_callsite_frame(c, name) ? ">" : " ",
				name);
			marked |= rj_is_callsite_frame(c, name);
		}
		fputs("```\n", out);
	}
	explained(out, r, c, b);
}

int pb_report_markdown(FILE *out, const json_t *report)
{
	const json_t *c, *sites = json_object_get(json_object_get(report, "blame"), "callsites");
	struct pb_buf b = { 0 };
	size_t i;

	summary(out, report, &b);
	areas(out, report);
	busy_and_migrations(out, report, &b);
	ranking(out, sites);
	json_array_foreach(sites, i, c)
		callsite_detail(out, report, c, &b);
	fprintf(out, "\n_Generated by pinblame %s._\n", PB_VERSION);
	pb_buf_free(&b);
	return ferror(out) ? -1 : 0;
}
