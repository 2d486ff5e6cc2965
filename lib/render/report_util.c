/* report_util.c - lookups and the phrases every report format shares. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "pinblame/render.h"
#include "report_int.h"

double rj_real(const json_t *o, const char *key, double dflt)
{
	const json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : dflt;
}

const char *rj_text(const json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : "?";
}

void rj_share(char *buf, size_t len, double share)
{
	snprintf(buf, len, "%.1f%%", share * 100.0);
}

static void add_ts(struct pb_buf *b, long long ts_ns)
{
	char ts[32];

	pb_format_ts(ts, sizeof(ts), ts_ns);
	pb_buf_adds(b, ts);
}

/* A failure's time as its source's clock prints it, with its unit. */
static void add_failure_time(struct pb_buf *b, const json_t *f)
{
	const char *clock = pb_json_str(f, "clock", NULL);
	char ts[48];

	pb_format_time(ts, sizeof(ts), pb_json_int(f, "ts_ns", -1), clock);
	pb_buf_adds(b, ts);
	pb_buf_adds(b, pb_time_unit(clock));
}

void rj_failure_title(struct pb_buf *b, const json_t *f)
{
	const char *area = pb_json_str(f, "area", NULL), *reason = pb_json_str(f, "reason", NULL);
	const char *outcome = pb_json_str(f, "outcome", NULL);

	pb_buf_addf(b, "#%lld %s", pb_json_int(f, "id", 0), pb_json_str(f, "kind", "?"));
	if (reason)
		pb_buf_addf(b, " (%s)", reason);
	if (area)
		pb_buf_addf(b, " %s", area);
	pb_buf_adds(b, " at ");
	add_failure_time(b, f);
	if (outcome)
		pb_buf_addf(b, ", %s", outcome);
	if (json_is_true(json_object_get(f, "nowarn")))
		pb_buf_adds(b, ", nowarn");
	/* the kernel's error code, when it gave one */
	if (json_is_integer(json_object_get(f, "errno")))
		pb_buf_addf(b, ", %s (%lld)", pb_json_str(f, "errno_name", "error"),
			    pb_json_int(f, "errno", 0));
}

/* Busy pfns past this many are summed up as "(+N)". */
#define PAGES_SHOWN 4

void rj_failure_pages(struct pb_buf *b, const json_t *f)
{
	const json_t *busy = json_object_get(f, "busy_pfns");
	long long start = pb_json_int(f, "start_pfn", -1), end = pb_json_int(f, "end_pfn", -1);
	size_t i, n = json_array_size(busy);
	const json_t *p;

	if (start >= 0 && end > start)
		pb_buf_addf(b, "pfn %#llx-%#llx", start, end);
	else if (start >= 0)
		pb_buf_addf(b, "pfn %#llx", start);
	if (!n)
		return;
	pb_buf_adds(b, start >= 0 ? ", busy" : "busy");
	json_array_foreach(busy, i, p) {
		if (i == PAGES_SHOWN) {
			pb_buf_addf(b, " (+%zu)", n - PAGES_SHOWN);
			break;
		}
		pb_buf_addf(b, " %#llx", (long long)json_integer_value(p));
	}
}

/* ", " between the parts of a line, none before the first (at FROM). */
static void add_part(struct pb_buf *b, size_t from, const char *part)
{
	if (b->len > from)
		pb_buf_adds(b, ", ");
	pb_buf_adds(b, part);
}

void rj_failure_facts(struct pb_buf *b, const json_t *f)
{
	const char *src = pb_json_str(f, "source", NULL);
	long long ranges = pb_json_int(f, "busy_ranges", 0);
	long long migrations = pb_json_int(f, "failed_migrations", 0);
	size_t from = b->len;
	char part[96];

	rj_failure_pages(b, f);
	if (!json_array_size(json_object_get(f, "busy_pfns"))) {
		/* what counted its pages without naming one */
		if (ranges > 0) {
			snprintf(part, sizeof(part), "%lld busy range%s", ranges, ranges == 1 ? "" : "s");
			add_part(b, from, part);
		}
		if (migrations > 0) {
			snprintf(part, sizeof(part), "%lld failed migration%s", migrations,
				 migrations == 1 ? "" : "s");
			add_part(b, from, part);
		}
		add_part(b, from, "no busy page named");
	}
	if (src) {
		/* a file name is one line: its newlines escaped too */
		pb_buf_adds(b, "; ");
		pb_term_escape(b, src, strlen(src), 0);
		pb_buf_addf(b, ":%lld", pb_json_int(f, "line", 0));
	}
}

int pb_pins_reading(struct pb_buf *b, long long refcount, long long pins)
{
	if (pins < 1)
		return 0;
	/* an order-0 page's pins are in its refcount, a folio's apart */
	if (refcount >= pins * PB_GUP_PIN_BIAS)
		pb_buf_addf(b, "refcount %lld = %lld pin%s (FOLL_PIN, 1024 each) + %lld", refcount,
			    pins, pins == 1 ? "" : "s", refcount - pins * PB_GUP_PIN_BIAS);
	else
		pb_buf_addf(b, "%lld pin%s (the folio's pincount)", pins, pins == 1 ? "" : "s");
	return 1;
}

void rj_dump_line(struct pb_buf *b, const json_t *d)
{
	const char *mapping = pb_json_str(d, "mapping", NULL), *flags = pb_json_str(d, "flags", NULL);
	const char *src = pb_json_str(d, "source", NULL);
	long long refcount = pb_json_int(d, "refcount", 0), pins = pb_json_int(d, "pins", 0);

	pb_buf_addf(b, "pfn %#llx: dump", pb_json_int(d, "pfn", 0));
	if (json_is_integer(json_object_get(d, "refcount"))) {
		pb_buf_addf(b, " refcount %lld", refcount);
		/* the pins a kernel engineer reads in the count first */
		if (pins > 0 && refcount >= pins * PB_GUP_PIN_BIAS)
			pb_buf_addf(b, " = %lld pin%s (FOLL_PIN, 1024 each) + %lld,", pins,
				    pins == 1 ? "" : "s", refcount - pins * PB_GUP_PIN_BIAS);
	}
	if (pins > 0 && refcount < pins * PB_GUP_PIN_BIAS)
		pb_buf_addf(b, " %lld pin%s (the folio's pincount),", pins, pins == 1 ? "" : "s");
	if (json_is_integer(json_object_get(d, "mapcount")))
		pb_buf_addf(b, " mapcount %lld", pb_json_int(d, "mapcount", 0));
	if (mapping)
		pb_buf_addf(b, " mapping %s", mapping);
	if (flags)
		pb_buf_addf(b, " flags %s", flags);
	if (src) {
		pb_buf_adds(b, " at ");
		pb_term_escape(b, src, strlen(src), 0);
		pb_buf_addf(b, ":%lld", pb_json_int(d, "line", 0));
	}
}

const char *rj_log_failures_note(struct pb_buf *b, long long logged)
{
	pb_buf_reset(b);
	pb_buf_addf(b, "%lld of the failures come%s from a kernel log alone, which prints "
		    "failed allocations only: tried does not count those that succeeded there.",
		    logged, logged == 1 ? "s" : "");
	return pb_buf_str(b);
}

int rj_unattributed_heading(struct pb_buf *b, const json_t *report)
{
	const json_t *u = json_object_get(report, "unattributed_failures");
	long long count = pb_json_int(u, "count", 0);
	size_t shown = json_array_size(json_object_get(u, "failures"));

	if (count <= 0)
		return 0;
	pb_buf_adds(b, "Failures no call site explains");
	if ((long long)shown < count)
		pb_buf_addf(b, " (first %zu of %lld; all: pinblame failures)", shown, count);
	else
		pb_buf_addf(b, " (%lld)", count);
	return 1;
}

void rj_evidence_line(struct pb_buf *b, const json_t *e)
{
	const char *src = pb_json_str(e, "source", NULL);
	long long count = pb_json_int(e, "count", -1);

	pb_buf_addf(b, "pfn %#llx: %s, %s", pb_json_int(e, "pfn", 0), pb_json_str(e, "callsite", "?"),
		    pb_json_str(e, "kind", "?"));
	if (src) {
		pb_buf_adds(b, " at ");
		pb_term_escape(b, src, strlen(src), 0);
		pb_buf_addf(b, ":%lld", pb_json_int(e, "line", 0));
	}
	pb_buf_addf(b, " (%s)", pb_json_str(e, "confidence", "low"));
	if (count >= 0)
		pb_buf_addf(b, ", refcount %lld", count);
}

/* What `show` takes for failure ID: the FILE:LINE of its event, which an
 * import of an earlier failure does not renumber as it does the ids (the
 * report is read later, beside a store that may have grown); the id when
 * the event has no line or its path would need quoting in a shell. */
static void add_show_ref(struct pb_buf *b, const json_t *report, long long id)
{
	const json_t *f = rj_failure_by_id(report, id);
	const char *path = pb_json_str(f, "source", NULL);
	long long line = pb_json_int(f, "line", 0);

	if (path && *path && line > 0 &&
	    strspn(path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		   "0123456789/._+-,@") == strlen(path))
		pb_buf_addf(b, "%s:%lld", path, line);
	else
		pb_buf_addf(b, "%lld", id);
}

int rj_evidence_more(struct pb_buf *b, const json_t *report, long long id)
{
	char key[32];
	const json_t *ev;
	long long more;

	snprintf(key, sizeof(key), "%lld", id);
	ev = json_object_get(json_object_get(report, "evidence"), key);
	more = pb_json_int(ev, "pages", 0) - (long long)json_array_size(json_object_get(ev, "holders"));
	if (more <= 0)
		return 0;
	pb_buf_addf(b, "%lld more page%s held: pinblame show ", more, pb_plural(more));
	add_show_ref(b, report, id);
	return 1;
}

int rj_is_callsite_frame(const json_t *c, const char *frame)
{
	const char *site = pb_json_str(c, "callsite", "");
	size_t n = strlen(site);

	/* frames may carry a compiler suffix or a module: "f.isra.0 [mod]" */
	return !strncmp(frame, site, n) && (!frame[n] || frame[n] == '.' || frame[n] == ' ');
}

const json_t *rj_failure_by_id(const json_t *report, long long id)
{
	const json_t *f;
	size_t i;

	json_array_foreach(json_object_get(report, "failures"), i, f)
		if (pb_json_int(f, "id", 0) == id)
			return f;
	return NULL;
}

const json_t *rj_evidence_of(const json_t *report, long long id)
{
	char key[32];

	snprintf(key, sizeof(key), "%lld", id);
	return json_object_get(json_object_get(json_object_get(report, "evidence"), key),
			       "holders");
}

void rj_sources_line(struct pb_buf *b, const json_t *report)
{
	const json_t *s;
	size_t i;

	json_array_foreach(json_object_get(report, "sources"), i, s) {
		if (i)
			pb_buf_adds(b, ", ");
		long long events = pb_json_int(s, "events", 0), bad = pb_json_int(s, "bad_lines", 0);

		pb_term_escape(b, pb_json_str(s, "path", "?"), strlen(pb_json_str(s, "path", "?")), 0);
		pb_buf_addf(b, " (%s, %lld event%s", pb_json_str(s, "format", "?"), events,
			    pb_plural(events));
		if (bad)
			pb_buf_addf(b, ", %lld line%s not understood", bad, pb_plural(bad));
		pb_buf_addc(b, ')');
	}
	if (!i)
		pb_buf_adds(b, "none");
}

void rj_kernels_line(struct pb_buf *b, const json_t *report)
{
	const json_t *k;
	size_t i;

	json_array_foreach(json_object_get(report, "kernels"), i, k) {
		if (i)
			pb_buf_adds(b, ", ");
		pb_buf_adds(b, pb_json_str(k, "kernel", "?"));
		if (pb_json_str(k, "arch", NULL))
			pb_buf_addf(b, " (%s)", pb_json_str(k, "arch", ""));
	}
	if (!i)
		pb_buf_adds(b, "unknown");
}

void rj_span_line(struct pb_buf *b, const json_t *report)
{
	const json_t *span = json_object_get(report, "span");
	long long first = pb_json_int(span, "first_ts_ns", -1), last = pb_json_int(span, "last_ts_ns", -1);

	if (first < 0 || last < 0) {
		pb_buf_adds(b, "no timestamps");
		return;
	}
	add_ts(b, first);
	pb_buf_adds(b, " .. ");
	add_ts(b, last);
	pb_buf_addf(b, " s (%.1f s)", (double)(last - first) / 1e9);
}

int rj_window_line(struct pb_buf *b, const json_t *report)
{
	const json_t *w = json_object_get(report, "window");
	long long since = pb_json_int(w, "since_ns", -1), until = pb_json_int(w, "until_ns", -1);

	if (since >= 0) {
		pb_buf_adds(b, "from ");
		add_ts(b, since);
		pb_buf_adds(b, " s");
	}
	if (until >= 0) {
		pb_buf_adds(b, since >= 0 ? " until " : "until ");
		add_ts(b, until);
		pb_buf_adds(b, " s");
	}
	return since >= 0 || until >= 0;
}

void rj_failures_line(struct pb_buf *b, const json_t *report)
{
	const json_t *c = json_object_get(report, "failure_counts");
	const json_t *blame = json_object_get(report, "blame");

	pb_buf_addf(b, "%lld (%lld final, %lld recovered", pb_json_int(c, "total", 0),
		    pb_json_int(c, "final", 0), pb_json_int(c, "recovered", 0));
	/* only when a kernel log left some untold: the line reads as before */
	if (pb_json_int(c, "unknown", 0))
		pb_buf_addf(b, ", %lld of unknown outcome", pb_json_int(c, "unknown", 0));
	pb_buf_addc(b, ')');
	if (blame)
		pb_buf_addf(b, ", %lld attributed, %lld unattributed",
			    pb_json_int(blame, "attributed", 0), pb_json_int(blame, "unattributed", 0));
}

void rj_xml(struct pb_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': pb_buf_adds(b, "&amp;"); break;
		case '<': pb_buf_adds(b, "&lt;"); break;
		case '>': pb_buf_adds(b, "&gt;"); break;
		case '"': pb_buf_adds(b, "&quot;"); break;
		case '\'': pb_buf_adds(b, "&#39;"); break;
		default: pb_buf_addc(b, *s);
		}
	}
}
