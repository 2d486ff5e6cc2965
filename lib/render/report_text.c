/* report_text.c - the report for a terminal: fits the width it is given,
 * colour only when asked (the caller asks when stdout is a tty). */
#include <stdlib.h>
#include <string.h>

#include "pinblame/render.h"
#include "report_int.h"

struct text_out {
	FILE *f;
	int width;
	int cut;	/* lines longer than width are cut (a terminal) */
	int colour;
	struct pb_buf line;
};

/* The bytes of the first N characters of S (UTF-8), or all of S. */
static size_t chars_prefix(const char *s, size_t n)
{
	size_t at = 0;

	for (; s[at]; at++)
		if (((unsigned char)s[at] & 0xc0) != 0x80 && n-- == 0)
			break;
	return at;
}

/* Escapes the line being built (names from the trace: pb_term_escape) and
 * cuts it to the width, ending in "..." when cut: what is measured is what
 * the terminal shows, an ESC the 4 columns of "\x1b" and a UTF-8
 * character one, and no character is cut in two. */
static void fit_width(struct text_out *t)
{
	struct pb_buf shown = { 0 };
	size_t w = (size_t)t->width, keep;

	pb_term_escape(&shown, t->line.data ? t->line.data : "", t->line.len, 0);
	pb_buf_reset(&t->line);
	keep = chars_prefix(pb_buf_str(&shown), w);
	if (t->cut && keep < shown.len) {
		pb_buf_add(&t->line, shown.data, chars_prefix(pb_buf_str(&shown), w - 3));
		pb_buf_adds(&t->line, "...");
	} else {
		pb_buf_add(&t->line, shown.data, shown.len);
	}
	pb_buf_free(&shown);
}

/* Appends TEXT (from the trace) to the line being built, escaped and
 * padded to WIDTH columns, cut to them when CUT: a table's cell measured
 * as it is shown, so that the columns after it stay under their headers. */
static void add_cell(struct text_out *t, const char *text, int width, int cut)
{
	struct pb_buf shown = { 0 };
	const char *s = pb_term_str(&shown, text);
	size_t len = cut ? chars_prefix(s, (size_t)width) : strlen(s);
	int w = 0;

	for (size_t i = 0; i < len; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	pb_buf_add(&t->line, s, len);
	pb_buf_addf(&t->line, "%*s", w < width ? width - w : 0, "");
	pb_buf_free(&shown);
}

/* Prints the line being built, cut to the width, and empties it. */
static void flush_line(struct text_out *t)
{
	fit_width(t);
	fprintf(t->f, "%s\n", pb_buf_str(&t->line));
	pb_buf_reset(&t->line);
}

static void put_line(struct text_out *t, const char *line)
{
	pb_buf_adds(&t->line, line);
	flush_line(t);
}

/* Long prose is wrapped at spaces instead, with INDENT on later lines. */
static void put_wrapped(struct text_out *t, const char *label, const char *text)
{
	char indent[64];

	snprintf(indent, sizeof(indent), "%*s", (int)strlen(label), "");
	pb_put_wrapped(t->f, label, indent, text, (size_t)t->width);
}

static void heading(struct text_out *t, const char *title)
{
	fputc('\n', t->f);
	if (t->colour)
		pb_term_raw(t->f, "\033[1m");
	fputs(title, t->f);
	if (t->colour)
		pb_term_raw(t->f, "\033[0m");
	fputc('\n', t->f);
}

static void summary(struct text_out *t, const json_t *r)
{
	struct pb_buf b = { 0 };

	rj_sources_line(&b, r);
	put_wrapped(t, "sources   ", pb_buf_str(&b));
	pb_buf_reset(&b);
	rj_kernels_line(&b, r);
	put_wrapped(t, "kernel    ", pb_buf_str(&b));
	pb_buf_reset(&b);
	rj_span_line(&b, r);
	put_wrapped(t, "span      ", pb_buf_str(&b));
	pb_buf_reset(&b);
	if (rj_window_line(&b, r)) {
		put_wrapped(t, "window    ", pb_buf_str(&b));
		pb_buf_reset(&b);
	}
	rj_failures_line(&b, r);
	put_wrapped(t, "failures  ", pb_buf_str(&b));
	pb_buf_free(&b);
}

static void cma_areas(struct text_out *t, const json_t *r)
{
	const json_t *a, *areas = json_object_get(r, "cma_areas");
	long long logged = 0;
	size_t i;

	if (!json_array_size(areas))
		return;
	heading(t, "CMA allocations per area");
	put_line(t, "  area                    tried   failed  busy retries");
	json_array_foreach(areas, i, a) {
		pb_buf_adds(&t->line, "  ");
		add_cell(t, pb_json_str(a, "area", "?"), 20, 0);
		pb_buf_addf(&t->line, " %8lld %8lld %13lld", pb_json_int(a, "tried", 0), pb_json_int(a, "failed", 0),
			    pb_json_int(a, "busy_retries", 0));
		flush_line(t);
	}
	json_array_foreach(areas, i, a)
		logged += pb_json_int(a, "log_failures", 0);
	if (logged)
		put_wrapped(t, "  ", rj_log_failures_note(&t->line, logged));
	pb_buf_reset(&t->line);
}

static void busy_and_migrations(struct text_out *t, const json_t *r)
{
	const json_t *x, *busy = json_object_get(r, "busy_ranges");
	const json_t *mig = json_object_get(r, "migration_failures");
	size_t i;

	if (json_array_size(busy)) {
		heading(t, "Busy ranges");
		json_array_foreach(busy, i, x) {
			pb_buf_adds(&t->line, "  ");
			add_cell(t, pb_json_str(x, "kind", "?"), 20, 0);
			pb_buf_addf(&t->line, " %8lld", pb_json_int(x, "count", 0));
			flush_line(t);
		}
	}
	if (json_array_size(mig)) {
		heading(t, "Migration failures by reason");
		put_line(t, "  reason               migrations  pages");
		json_array_foreach(mig, i, x) {
			pb_buf_adds(&t->line, "  ");
			add_cell(t, pb_json_str(x, "reason", "?"), 20, 0);
			pb_buf_addf(&t->line, " %10lld %6lld", pb_json_int(x, "migrations", 0),
				    pb_json_int(x, "pages", 0));
			flush_line(t);
		}
	}
}

/* The ranked table: the call site column takes what the others leave. */
static void ranking(struct text_out *t, const json_t *r)
{
	const json_t *c, *sites = json_object_get(json_object_get(r, "blame"), "callsites");
	int name_w = t->width - 48;
	size_t i;
	char share[16];

	heading(t, "Call sites, ranked by failures explained");
	if (!json_array_size(sites)) {
		put_line(t, "  no call site explains a failure");
		return;
	}
	if (name_w < 20)
		name_w = 20;
	pb_buf_addf(&t->line, "  %3s  %-*s %8s %6s %6s  %s", "#", name_w, "call site",
		    "failures", "pages", "share", "confidence");
	flush_line(t);
	json_array_foreach(sites, i, c) {
		rj_share(share, sizeof(share), rj_real(c, "share", 0));
		pb_buf_addf(&t->line, "  %3lld  ", pb_json_int(c, "rank", (long long)i + 1));
		add_cell(t, pb_json_str(c, "callsite", "?"), name_w, t->cut);
		pb_buf_addf(&t->line, " %8lld %6lld %6s  %s", pb_json_int(c, "failures", 0),
			    pb_json_int(c, "pages", 0), share, pb_json_str(c, "confidence", "low"));
		flush_line(t);
	}
}

static void explained(struct text_out *t, const json_t *r, const json_t *c)
{
	const json_t *ids = json_object_get(c, "failure_ids"), *id, *e;
	size_t i, k, n = json_array_size(ids);

	if (!n)
		return;
	if (n > REPORT_EXAMPLES)
		pb_buf_addf(&t->line, "    failures explained (first %d of %zu):",
			    REPORT_EXAMPLES, n);
	else
		pb_buf_addf(&t->line, "    failures explained (%zu):", n);
	flush_line(t);
	json_array_foreach(ids, i, id) {
		const json_t *f = rj_failure_by_id(r, (long long)json_integer_value(id));

		if (i == REPORT_EXAMPLES)
			break;
		pb_buf_adds(&t->line, "      ");
		if (f)
			rj_failure_title(&t->line, f);
		else
			pb_buf_addf(&t->line, "#%lld", (long long)json_integer_value(id));
		flush_line(t);
		if (f) {
			pb_buf_adds(&t->line, "        ");
			rj_failure_pages(&t->line, f);
			flush_line(t);
		}
		json_array_foreach(rj_evidence_of(r, (long long)json_integer_value(id)), k, e) {
			pb_buf_adds(&t->line, "        ");
			rj_evidence_line(&t->line, e);
			flush_line(t);
		}
		pb_buf_adds(&t->line, "        ");
		if (rj_evidence_more(&t->line, r, (long long)json_integer_value(id)))
			flush_line(t);
		else
			pb_buf_reset(&t->line);
	}
}

static void callsite_detail(struct text_out *t, const json_t *r, const json_t *c)
{
	const json_t *fr;
	int marked = 0;
	size_t i;
	char share[16];

	rj_share(share, sizeof(share), rj_real(c, "share", 0));
	pb_buf_addf(&t->line, "[%lld] ", pb_json_int(c, "rank", 0));
	pb_site_name(&t->line, pb_json_str(c, "callsite", "?"), pb_json_str(c, "module", NULL));
	pb_buf_addf(&t->line, ": %lld failure%s, %lld page%s, %s, confidence %s",
		    pb_json_int(c, "failures", 0), pb_plural(pb_json_int(c, "failures", 0)),
		    pb_json_int(c, "pages", 0), pb_plural(pb_json_int(c, "pages", 0)), share,
		    pb_json_str(c, "confidence", "low"));
	fputc('\n', t->f);
	if (t->colour)
		pb_term_raw(t->f, "\033[1m");
	fit_width(t);
	fputs(pb_buf_str(&t->line), t->f);
	pb_buf_reset(&t->line);
	if (t->colour)
		pb_term_raw(t->f, "\033[0m");
	fputc('\n', t->f);
	if (json_array_size(json_object_get(c, "stack")))
		put_line(t, "    example stack (leaf first, > the call site):");
	json_array_foreach(json_object_get(c, "stack"), i, fr) {
		const char *name = json_is_string(fr) ? json_string_value(fr) : "?";

		pb_buf_addf(&t->line, "    %s %s", !marked && rj_is_callsite_frame(c, name) ?
			    ">" : " ", name);
		marked |= rj_is_callsite_frame(c, name);
		flush_line(t);
	}
	explained(t, r, c);
}

/* The failures no call site explains, each with what is known of it,
 * then the hints of what would have named their holders. */
static void unattributed(struct text_out *t, const json_t *r)
{
	const json_t *u, *d, *hint;
	size_t i, k;

	if (!rj_unattributed_heading(&t->line, r))
		return;
	heading(t, pb_buf_str(&t->line));
	pb_buf_reset(&t->line);
	json_array_foreach(json_object_get(json_object_get(r, "unattributed_failures"), "failures"), i, u) {
		const json_t *f = rj_failure_by_id(r, pb_json_int(u, "id", 0));

		if (!f)
			continue;
		pb_buf_adds(&t->line, "  ");
		rj_failure_title(&t->line, f);
		flush_line(t);
		pb_buf_adds(&t->line, "    ");
		rj_failure_facts(&t->line, f);
		flush_line(t);
		json_array_foreach(json_object_get(u, "dumps"), k, d) {
			pb_buf_adds(&t->line, "    ");
			rj_dump_line(&t->line, d);
			flush_line(t);
		}
	}
	json_array_foreach(json_object_get(r, "hints"), i, hint)
		put_wrapped(t, "  hint: ", rj_text(hint));
}

int pb_report_text(FILE *out, const json_t *report, int width, int colour)
{
	struct text_out t = { .f = out, .width = abs(width) < 40 ? 40 : abs(width),
			       .cut = width > 0, .colour = colour };
	const json_t *c;
	size_t i;

	if (colour)
		pb_term_raw(out, "\033[1m");
	fputs("pinblame report", out);
	if (colour)
		pb_term_raw(out, "\033[0m");
	fputc('\n', out);
	summary(&t, report);
	cma_areas(&t, report);
	busy_and_migrations(&t, report);
	ranking(&t, report);
	json_array_foreach(json_object_get(json_object_get(report, "blame"), "callsites"), i, c)
		callsite_detail(&t, report, c);
	unattributed(&t, report);
	pb_buf_free(&t.line);
	return ferror(out) ? -1 : 0;
}
