/* html.c - the report as one self-contained HTML file: inline CSS and
 * inline SVG charts, no script, font or image fetched from anywhere, so
 * it opens offline and can be mailed or attached to a bug as it is. */
#include <stdlib.h>
#include <string.h>

#include "pinblame/render.h"
#include "report_int.h"

static const char style[] =
	"body{font:14px/1.45 sans-serif;margin:0 auto;max-width:1000px;padding:0 16px 40px;"
	"color:#222;background:#fff}\n"
	"h1{margin:18px 0 6px}h2{border-bottom:1px solid #ccc;padding-bottom:3px;margin-top:30px}\n"
	"dl.summary{display:grid;grid-template-columns:max-content auto;gap:2px 14px}\n"
	"dl.summary dt{font-weight:bold}dl.summary dd{margin:0}\n"
	"table{border-collapse:collapse;margin:8px 0}th,td{padding:3px 9px;border:1px solid #ddd;"
	"text-align:left}td.n,th.n{text-align:right}th{background:#f3f3f3}\n"
	"code,pre{font-family:monospace}pre{background:#f7f7f7;padding:8px;overflow-x:auto}\n"
	".final{color:#b03a2e;font-weight:bold}.recovered{color:#7d6608}\n"
	"article{border-left:3px solid #ddd;padding-left:12px;margin:14px 0}\n"
	"article:target{border-left-color:#c0392b;background:#fdf2f0}\n"
	"svg{max-width:100%;height:auto;display:block;margin:8px 0}\n"
	"footer{margin-top:40px;color:#777;font-size:12px}\n";

static void put_escaped(FILE *out, struct pb_buf *scratch, const char *s)
{
	pb_buf_reset(scratch);
	rj_xml(scratch, s);
	fputs(pb_buf_str(scratch), out);
}

static void put_buf(FILE *out, struct pb_buf *scratch, struct pb_buf *text)
{
	put_escaped(out, scratch, pb_buf_str(text));
	pb_buf_reset(text);
}

struct html_out {
	FILE *f;
	struct pb_buf text, esc;
};

static void summary(struct html_out *h, const json_t *r)
{
	static const struct {
		const char *label;
		void (*fn)(struct pb_buf *, const json_t *);
	} rows[] = {
		{ "Sources", rj_sources_line },
		{ "Kernel", rj_kernels_line },
		{ "Span", rj_span_line },
		{ "Failures", rj_failures_line },
	};

	fputs("<dl class=\"summary\">\n", h->f);
	for (size_t i = 0; i < PB_ARRAY_SIZE(rows); i++) {
		rows[i].fn(&h->text, r);
		fprintf(h->f, "<dt>%s</dt><dd>", rows[i].label);
		put_buf(h->f, &h->esc, &h->text);
		fputs("</dd>\n", h->f);
	}
	if (rj_window_line(&h->text, r)) {
		fputs("<dt>Window</dt><dd>", h->f);
		put_buf(h->f, &h->esc, &h->text);
		fputs("</dd>\n", h->f);
	}
	fputs("</dl>\n", h->f);
}

/* A table of an array of objects: KEYS[i] under HEADS[i]; numbers right. */
static void table(struct html_out *h, const json_t *rows, const char *const *heads,
		  const char *const *keys, size_t ncol)
{
	const json_t *row;
	size_t i;

	fputs("<table><tr>", h->f);
	for (size_t c = 0; c < ncol; c++)
		fprintf(h->f, "<th%s>%s</th>", c ? " class=\"n\"" : "", heads[c]);
	fputs("</tr>\n", h->f);
	json_array_foreach(rows, i, row) {
		fputs("<tr>", h->f);
		for (size_t c = 0; c < ncol; c++) {
			if (c) {
				fprintf(h->f, "<td class=\"n\">%lld</td>", pb_json_int(row, keys[c], 0));
				continue;
			}
			fputs("<td>", h->f);
			put_escaped(h->f, &h->esc, pb_json_str(row, keys[c], "?"));
			fputs("</td>", h->f);
		}
		fputs("</tr>\n", h->f);
	}
	fputs("</table>\n", h->f);
}

static void counts(struct html_out *h, const json_t *r)
{
	static const char *const area_heads[] = { "CMA area", "tried", "failed", "busy retries" };
	static const char *const area_keys[] = { "area", "tried", "failed", "busy_retries" };
	static const char *const busy_heads[] = { "busy range kind", "count" };
	static const char *const busy_keys[] = { "kind", "count" };
	static const char *const mig_heads[] = { "migration reason", "migrations with failed pages",
						  "failed pages" };
	static const char *const mig_keys[] = { "reason", "migrations", "pages" };

	fputs("<h2 id=\"allocations\">Allocations and migrations</h2>\n", h->f);
	const json_t *a;
	long long logged = 0;
	size_t i;

	if (json_array_size(json_object_get(r, "cma_areas")))
		table(h, json_object_get(r, "cma_areas"), area_heads, area_keys, 4);
	json_array_foreach(json_object_get(r, "cma_areas"), i, a)
		logged += pb_json_int(a, "log_failures", 0);
	if (logged) {
		fputs("<p>", h->f);
		put_escaped(h->f, &h->esc, rj_log_failures_note(&h->text, logged));
		pb_buf_reset(&h->text);
		fputs("</p>\n", h->f);
	}
	if (!json_array_size(json_object_get(r, "cma_areas")))
		fputs("<p>No CMA allocation in the trace.</p>\n", h->f);
	if (json_array_size(json_object_get(r, "busy_ranges")))
		table(h, json_object_get(r, "busy_ranges"), busy_heads, busy_keys, 2);
	if (json_array_size(json_object_get(r, "migration_failures")))
		table(h, json_object_get(r, "migration_failures"), mig_heads, mig_keys, 3);
}

static void chart(struct html_out *h, const char *id, const char *title,
		  void (*draw)(struct pb_buf *, const json_t *), const json_t *r)
{
	fprintf(h->f, "<h2 id=\"%s\">%s</h2>\n", id, title);
	draw(&h->text, r);
	fputs(pb_buf_str(&h->text), h->f);
	pb_buf_reset(&h->text);
}

static void ranking(struct html_out *h, const json_t *sites)
{
	const json_t *c;
	size_t i;
	char share[16];

	if (!json_array_size(sites))
		return;
	fputs("<table><tr><th class=\"n\">#</th><th>call site</th><th class=\"n\">failures</th>"
	      "<th class=\"n\">pages</th><th class=\"n\">share</th><th>confidence</th></tr>\n",
	      h->f);
	json_array_foreach(sites, i, c) {
		long long rank = pb_json_int(c, "rank", (long long)i + 1);

		rj_share(share, sizeof(share), rj_real(c, "share", 0));
		fprintf(h->f, "<tr><td class=\"n\">%lld</td><td><a href=\"#cs-%lld\"><code>",
			rank, rank);
		put_escaped(h->f, &h->esc, pb_json_str(c, "callsite", "?"));
		fprintf(h->f, "</code></a></td><td class=\"n\">%lld</td><td class=\"n\">%lld</td>"
			"<td class=\"n\">%s</td><td>%s</td></tr>\n", pb_json_int(c, "failures", 0),
			pb_json_int(c, "pages", 0), share, pb_json_str(c, "confidence", "low"));
	}
	fputs("</table>\n", h->f);
}

static void failure_link(struct html_out *h, const json_t *r, long long id)
{
	const json_t *f = rj_failure_by_id(r, id);

	fprintf(h->f, "<li><a href=\"#f-%lld\">", id);
	if (f)
		rj_failure_title(&h->text, f);
	else
		pb_buf_addf(&h->text, "#%lld", id);
	put_buf(h->f, &h->esc, &h->text);
	fputs("</a></li>\n", h->f);
}

static void callsite_detail(struct html_out *h, const json_t *r, const json_t *c)
{
	const json_t *ids = json_object_get(c, "failure_ids"), *v;
	long long rank = pb_json_int(c, "rank", 0);
	size_t i, n = json_array_size(ids);
	int marked = 0;
	char share[16];

	rj_share(share, sizeof(share), rj_real(c, "share", 0));
	fprintf(h->f, "<article id=\"cs-%lld\"><h3>%lld. <code>", rank, rank);
	put_escaped(h->f, &h->esc, pb_json_str(c, "callsite", "?"));
	fprintf(h->f, "</code></h3>\n<p>%lld failure%s, %lld page%s, share %s, confidence %s.</p>\n",
		pb_json_int(c, "failures", 0), pb_plural(pb_json_int(c, "failures", 0)),
		pb_json_int(c, "pages", 0), pb_plural(pb_json_int(c, "pages", 0)), share,
		pb_json_str(c, "confidence", "low"));
	if (json_array_size(json_object_get(c, "stack"))) {
		fputs("<p>Example stack (leaf first, the call site in bold):</p>\n<pre>", h->f);
		json_array_foreach(json_object_get(c, "stack"), i, v) {
			const char *name = json_is_string(v) ? json_string_value(v) : "?";
			int site = !marked && rj_is_callsite_frame(c, name);

			fputs(site ? "<strong>" : "", h->f);
			put_escaped(h->f, &h->esc, name);
			fputs(site ? "</strong>\n" : "\n", h->f);
			marked |= site;
		}
		fputs("</pre>\n", h->f);
	}
	if (n > REPORT_EXAMPLES)
		fprintf(h->f, "<p>Failures explained (first %d of %zu):</p>\n<ul>\n",
			REPORT_EXAMPLES, n);
	else if (n)
		fprintf(h->f, "<p>Failures explained (%zu):</p>\n<ul>\n", n);
	json_array_foreach(ids, i, v) {
		if (i == REPORT_EXAMPLES)
			break;
		failure_link(h, r, (long long)json_integer_value(v));
	}
	fputs(n ? "</ul>\n</article>\n" : "</article>\n", h->f);
}

static void failure_detail(struct html_out *h, const char *key, const json_t *r)
{
	long long id = strtoll(key, NULL, 10);
	const json_t *f = rj_failure_by_id(r, id), *e, *items = rj_evidence_of(r, id);
	size_t i;

	fprintf(h->f, "<article id=\"f-%lld\"><h3", id);
	if (f && !strcmp(pb_json_str(f, "outcome", ""), "final"))
		fputs(" class=\"final\"", h->f);
	fputc('>', h->f);
	if (f)
		rj_failure_title(&h->text, f);
	else
		pb_buf_addf(&h->text, "#%lld", id);
	put_buf(h->f, &h->esc, &h->text);
	fputs("</h3>\n", h->f);
	if (f) {
		rj_failure_pages(&h->text, f);
		fputs("<p>", h->f);
		put_buf(h->f, &h->esc, &h->text);
		if (pb_json_str(f, "source", NULL)) {
			/* a file name is text to escape, and one line */
			pb_buf_adds(&h->text, " (");
			pb_term_escape(&h->text, pb_json_str(f, "source", ""),
				       strlen(pb_json_str(f, "source", "")), 0);
			pb_buf_addf(&h->text, ":%lld)", pb_json_int(f, "line", 0));
			put_buf(h->f, &h->esc, &h->text);
		}
		fputs("</p>\n", h->f);
	}
	fputs("<ul>\n", h->f);
	json_array_foreach(items, i, e) {
		rj_evidence_line(&h->text, e);
		fputs("<li>", h->f);
		put_buf(h->f, &h->esc, &h->text);
		fputs("</li>\n", h->f);
	}
	if (rj_evidence_more(&h->text, r, id)) {
		fputs("<li>", h->f);
		put_buf(h->f, &h->esc, &h->text);
		fputs("</li>\n", h->f);
	}
	if (!json_array_size(items))
		fputs("<li>no holder evidence: only the time and area tie it to a pinner</li>\n",
		      h->f);
	fputs("</ul>\n</article>\n", h->f);
}

/* One failure no call site explains: its title, what is known of it
 * and the kernel log dumps of its busy pages. */
static void unattributed_failure(struct html_out *h, const json_t *r, const json_t *u)
{
	long long id = pb_json_int(u, "id", 0);
	const json_t *f = rj_failure_by_id(r, id), *d;
	size_t i;

	if (!f)
		return;
	fprintf(h->f, "<article id=\"f-%lld\"><h3%s>", id,
		strcmp(pb_json_str(f, "outcome", ""), "final") ? "" : " class=\"final\"");
	rj_failure_title(&h->text, f);
	put_buf(h->f, &h->esc, &h->text);
	fputs("</h3>\n<p>", h->f);
	rj_failure_facts(&h->text, f);
	put_buf(h->f, &h->esc, &h->text);
	fputs("</p>\n", h->f);
	if (json_array_size(json_object_get(u, "dumps")))
		fputs("<ul>\n", h->f);
	json_array_foreach(json_object_get(u, "dumps"), i, d) {
		rj_dump_line(&h->text, d);
		fputs("<li>", h->f);
		put_buf(h->f, &h->esc, &h->text);
		fputs("</li>\n", h->f);
	}
	if (json_array_size(json_object_get(u, "dumps")))
		fputs("</ul>\n", h->f);
	fputs("</article>\n", h->f);
}

static void unattributed(struct html_out *h, const json_t *r)
{
	const json_t *u, *hint;
	size_t i;

	if (!rj_unattributed_heading(&h->text, r))
		return;
	fputs("<h2 id=\"unattributed\">", h->f);
	put_buf(h->f, &h->esc, &h->text);
	fputs("</h2>\n", h->f);
	json_array_foreach(json_object_get(json_object_get(r, "unattributed_failures"), "failures"), i, u)
		unattributed_failure(h, r, u);
	if (json_array_size(json_object_get(r, "hints")))
		fputs("<p>Hints:</p>\n<ul>\n", h->f);
	json_array_foreach(json_object_get(r, "hints"), i, hint) {
		fputs("<li>", h->f);
		put_escaped(h->f, &h->esc, rj_text(hint));
		fputs("</li>\n", h->f);
	}
	if (json_array_size(json_object_get(r, "hints")))
		fputs("</ul>\n", h->f);
}

static void page_title(struct html_out *h, const json_t *r, const json_t *sites)
{
	long long total = pb_json_int(json_object_get(r, "failure_counts"), "total", 0);

	pb_buf_addf(&h->text, "pinblame report: %lld failure%s", total, pb_plural(total));
	if (json_array_size(sites))
		pb_buf_addf(&h->text, ", top call site %s",
			    pb_json_str(json_array_get(sites, 0), "callsite", "?"));
	fputs("<title>", h->f);
	put_buf(h->f, &h->esc, &h->text);
	fputs("</title>\n", h->f);
}

int pb_report_html(FILE *out, const json_t *report)
{
	const json_t *sites = json_object_get(json_object_get(report, "blame"), "callsites");
	struct html_out h = { .f = out };
	const char *key;
	const json_t *v;
	size_t i;

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
	      out);
	fprintf(out, "<meta name=\"generator\" content=\"pinblame %s\">\n", PB_VERSION);
	page_title(&h, report, sites);
	fprintf(out, "<style>\n%s</style>\n</head><body>\n<h1>pinblame report</h1>\n", style);
	summary(&h, report);
	counts(&h, report);
	chart(&h, "timeline", "Failures over time", svg_timeline, report);
	chart(&h, "callsites", "Top call sites", svg_callsite_bars, report);
	ranking(&h, sites);
	chart(&h, "flamegraph", "Holder stacks", svg_flamegraph, report);
	fputs("<h2 id=\"details\">Call site details</h2>\n", out);
	if (!json_array_size(sites))
		fputs("<p>No call site explains a failure.</p>\n", out);
	json_array_foreach(sites, i, v)
		callsite_detail(&h, report, v);
	if (json_object_size(json_object_get(report, "evidence")))
		fputs("<h2 id=\"evidence\">Failures and their evidence</h2>\n", out);
	json_object_foreach((json_t *)json_object_get(report, "evidence"), key, v)
		failure_detail(&h, key, report);
	unattributed(&h, report);
	fprintf(out, "<footer>Generated by pinblame %s.</footer>\n</body></html>\n", PB_VERSION);
	pb_buf_free(&h.text);
	pb_buf_free(&h.esc);
	return ferror(out) ? -1 : 0;
}
