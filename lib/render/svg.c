/* svg.c - the charts of the HTML report, drawn as inline SVG so that the
 * page needs no script, font or image from anywhere: failures over time
 * with the trace markers, the top call sites as bars, and a flame graph of
 * the holders' stacks. Output depends only on the report object, so it is
 * byte-for-byte stable for golden tests. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pinblame/core.h"
#include "pinblame/render.h"
#include "report_int.h"

#define CHART_W 960
#define FONT "font-family=\"sans-serif\" font-size=\"11\""

static const char *const palette[] = {
	"#c0392b", "#2874a6", "#d68910", "#239b56", "#7d3c98", "#5d6d7e", "#a04000",
};

/* A round step (1, 2 or 5 times a power of ten) giving at most MAX ticks. */
static double nice_step(double range, int max)
{
	double raw = range / max, mag = pow(10, floor(log10(raw)));

	if (raw <= mag)
		return mag;
	if (raw <= 2 * mag)
		return 2 * mag;
	if (raw <= 5 * mag)
		return 5 * mag;
	return 10 * mag;
}

/* Failures are counted in whole numbers: no tick at 0.5. */
static double count_step(double max)
{
	return fmax(1, nice_step(max, 5));
}

static void svg_open(struct pb_buf *b, const char *label, int h)
{
	pb_buf_addf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
		    "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" " FONT ">"
		    "<title>", CHART_W, h, CHART_W, h);
	rj_xml(b, label);
	pb_buf_adds(b, "</title>\n");
}

/* Text cut to N characters with an ellipsis, escaped. */
static void add_cut(struct pb_buf *b, const char *s, size_t n)
{
	size_t len = strlen(s);

	if (len <= n) {
		rj_xml(b, s);
		return;
	}
	char *cut = pb_strndup(s, n > 1 ? n - 1 : 0);

	rj_xml(b, cut);
	pb_buf_adds(b, "\xe2\x80\xa6");
	free(cut);
}

/* --- failures over time ---------------------------------------------- */

#define TL_BINS 120
#define TL_SERIES 6		/* more series are drawn as "other" */
#define TL_LEFT 50
#define TL_TOP 66
#define TL_PLOT_W (CHART_W - TL_LEFT - 20)
#define TL_PLOT_H 170

struct series {
	char name[96];
	long long total;
	long long bins[TL_BINS];
};

struct timeline {
	struct series *s;
	size_t n, cap;
	long long t0, t1;
};

static void series_name(char *buf, size_t len, const json_t *f)
{
	const char *area = pb_json_str(f, "area", NULL), *reason = pb_json_str(f, "reason", NULL);

	if (area)
		snprintf(buf, len, "%s", area);
	else if (reason)
		snprintf(buf, len, "%s %s", pb_json_str(f, "kind", "?"), reason);
	else
		snprintf(buf, len, "%s", pb_json_str(f, "kind", "?"));
}

static struct series *series_get(struct timeline *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->s[i].name, name))
			return &t->s[i];
	PB_GROW(t->s, t->n + 1, t->cap);
	memset(&t->s[t->n], 0, sizeof(*t->s));
	snprintf(t->s[t->n].name, sizeof(t->s[t->n].name), "%s", name);
	return &t->s[t->n++];
}

static int series_cmp(const void *a, const void *b)
{
	const struct series *x = a, *y = b;

	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* When F failed on the kernel's clock, the chart's axis; -1 when not
 * known, or on a clock of its own (a log's dates: 55 years from boot). */
static long long kernel_ts(const json_t *f)
{
	return pb_json_str(f, "clock", NULL) ? -1 : pb_json_int(f, "ts_ns", -1);
}

static void timeline_span(struct timeline *t, const json_t *report)
{
	const json_t *span = json_object_get(report, "span"), *f;
	size_t i;

	t->t0 = pb_json_int(span, "first_ts_ns", -1);
	t->t1 = pb_json_int(span, "last_ts_ns", -1);
	json_array_foreach(json_object_get(report, "failures"), i, f) {
		long long ts = kernel_ts(f);

		if (ts < 0)
			continue;
		if (t->t0 < 0 || ts < t->t0)
			t->t0 = ts;
		if (ts > t->t1)
			t->t1 = ts;
	}
	if (t->t0 < 0)
		t->t0 = 0;
	/* a second wide around a single time, within the range of ns */
	if (t->t1 <= t->t0 && t->t0 > LLONG_MAX - 1000000000)
		t->t0 = LLONG_MAX - 1000000000;
	if (t->t1 <= t->t0)
		t->t1 = t->t0 + 1000000000;
}

static int bin_of(const struct timeline *t, long long ts)
{
	int bin = (int)((double)(ts - t->t0) / (double)(t->t1 - t->t0) * TL_BINS);

	return bin < 0 ? 0 : bin >= TL_BINS ? TL_BINS - 1 : bin;
}

/* Series sorted by size; past TL_SERIES they are folded into "other". */
static void timeline_fill(struct timeline *t, const json_t *report)
{
	const json_t *f;
	char name[96];
	size_t i;

	json_array_foreach(json_object_get(report, "failures"), i, f) {
		long long ts = kernel_ts(f);
		struct series *s;

		if (ts < 0)
			continue;
		series_name(name, sizeof(name), f);
		s = series_get(t, name);
		s->total++;
		s->bins[bin_of(t, ts)]++;
	}
	if (t->n > 1)
		qsort(t->s, t->n, sizeof(*t->s), series_cmp);
	if (t->n <= TL_SERIES)
		return;
	for (i = TL_SERIES; i < t->n; i++) {
		t->s[TL_SERIES - 1].total += t->s[i].total;
		for (int k = 0; k < TL_BINS; k++)
			t->s[TL_SERIES - 1].bins[k] += t->s[i].bins[k];
	}
	snprintf(t->s[TL_SERIES - 1].name, sizeof(t->s->name), "other");
	t->n = TL_SERIES;
}

static long long timeline_peak(const struct timeline *t)
{
	long long peak = 1;

	for (int k = 0; k < TL_BINS; k++) {
		long long sum = 0;

		for (size_t i = 0; i < t->n; i++)
			sum += t->s[i].bins[k];
		if (sum > peak)
			peak = sum;
	}
	return peak;
}

static double tl_x(const struct timeline *t, double ts)
{
	return TL_LEFT + (ts - (double)t->t0) / (double)(t->t1 - t->t0) * TL_PLOT_W;
}

static void timeline_axes(struct pb_buf *b, const struct timeline *t, double ymax)
{
	double span_s = (double)(t->t1 - t->t0) / 1e9, xstep = nice_step(span_s, 10);
	double ystep = count_step(ymax), base = TL_TOP + TL_PLOT_H;

	for (double v = 0; v <= ymax + ystep / 2; v += ystep) {
		double y = base - v / ymax * TL_PLOT_H;

		pb_buf_addf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
			    "stroke=\"#ddd\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">"
			    "%g</text>\n", TL_LEFT, TL_LEFT + TL_PLOT_W, y, y, TL_LEFT - 4,
			    y + 4, v);
	}
	for (double v = ceil((double)t->t0 / 1e9 / xstep) * xstep;
	     v <= (double)t->t1 / 1e9; v += xstep)
		pb_buf_addf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g s</text>\n",
			    tl_x(t, v * 1e9), base + 14, v);
	pb_buf_addf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
		    TL_LEFT, TL_LEFT + TL_PLOT_W, base, base);
}

/* Where bin K starts (K == TL_BINS: the end), in double: span * K may
 * pass the range of a long long with timestamps that large. */
static long long bin_start(const struct timeline *t, int k)
{
	long long span = t->t1 - t->t0;
	double at = (double)span * k / TL_BINS;

	if (k >= TL_BINS || at >= (double)span)
		return t->t1;
	return t->t0 + (long long)at;
}

static void timeline_bars(struct pb_buf *b, const struct timeline *t, double ymax)
{
	double bw = (double)TL_PLOT_W / TL_BINS, base = TL_TOP + TL_PLOT_H;

	for (int k = 0; k < TL_BINS; k++) {
		double y = base;

		for (size_t i = 0; i < t->n; i++) {
			double h = (double)t->s[i].bins[k] / ymax * TL_PLOT_H;
			char from[32], to[32];

			if (!t->s[i].bins[k])
				continue;
			y -= h;
			pb_format_ts(from, sizeof(from), bin_start(t, k));
			pb_format_ts(to, sizeof(to), bin_start(t, k + 1));
			pb_buf_addf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				    "fill=\"%s\"><title>", TL_LEFT + k * bw, y, bw > 1.5 ? bw - 0.5 : bw,
				    h, palette[i % PB_ARRAY_SIZE(palette)]);
			rj_xml(b, t->s[i].name);
			pb_buf_addf(b, ": %lld failures, %s .. %s s</title></rect>\n",
				    t->s[i].bins[k], from, to);
		}
	}
}

#define MARK_ROWS 3
#define MARK_CHARS 22
#define CHAR_W 6.2		/* of an 11px sans-serif character, roughly */

/* The first of the label rows where a label from X to X + W overlaps no
 * earlier one; -1 when every row is taken there. */
static int marker_row(double *right, double x, double w)
{
	for (int r = 0; r < MARK_ROWS; r++) {
		if (x >= right[r]) {
			right[r] = x + w + 6;
			return r;
		}
	}
	return -1;
}

/* Markers are labelled up to their first ':' on the first free row; one
 * that finds no room keeps its line, and every marker has its whole text
 * as the tooltip. A label that would leave the chart ends at its line. */
static void timeline_markers(struct pb_buf *b, const struct timeline *t, const json_t *report)
{
	double right[MARK_ROWS] = { 0 };
	const json_t *m;
	size_t i;

	json_array_foreach(json_object_get(report, "markers"), i, m) {
		long long ts = pb_json_int(m, "ts_ns", -1);
		const char *text = pb_json_str(m, "text", "");
		size_t cut = strcspn(text, ":");
		double x, w;
		char *label;
		int row, end;

		if (ts < t->t0 || ts > t->t1)
			continue;
		x = tl_x(t, (double)ts);
		w = (double)(cut < MARK_CHARS ? cut : MARK_CHARS) * CHAR_W;
		end = x + 2 + w > CHART_W;
		row = marker_row(right, end ? x - w - 2 : x + 2, w);
		pb_buf_addf(b, "<g class=\"marker\"><title>");
		rj_xml(b, text);
		pb_buf_addf(b, "</title><line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" "
			    "stroke=\"#555\" stroke-dasharray=\"3,3\"/>", x, x,
			    row < 0 ? TL_TOP - 6 : 17 + row * 16, TL_TOP + TL_PLOT_H);
		if (row >= 0) {
			label = pb_strndup(text, cut);
			pb_buf_addf(b, "<text x=\"%.1f\" y=\"%d\" fill=\"#333\"%s>",
				    end ? x - 2 : x + 2, 14 + row * 16,
				    end ? " text-anchor=\"end\"" : "");
			add_cut(b, label, MARK_CHARS);
			pb_buf_adds(b, "</text>");
			free(label);
		}
		pb_buf_adds(b, "</g>\n");
	}
}

static void timeline_legend(struct pb_buf *b, const struct timeline *t, int y)
{
	double x = TL_LEFT;

	for (size_t i = 0; i < t->n; i++) {
		pb_buf_addf(b, "<rect x=\"%.1f\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
			    "<text x=\"%.1f\" y=\"%d\">", x, y - 9,
			    palette[i % PB_ARRAY_SIZE(palette)], x + 14, y);
		add_cut(b, t->s[i].name, 40);
		pb_buf_addf(b, " (%lld)</text>\n", t->s[i].total);
		x += 14 + 7.0 * (double)(strlen(t->s[i].name) < 40 ? strlen(t->s[i].name) : 40) +
		     50;
	}
}

/* How many failures the chart leaves out: those dated by a log of their
 * own clock, which says nothing of when on the kernel's they happened. */
static size_t off_clock_failures(const json_t *report)
{
	const json_t *f;
	size_t i, n = 0;

	json_array_foreach(json_object_get(report, "failures"), i, f)
		n += pb_json_str(f, "clock", NULL) != NULL;
	return n;
}

void svg_timeline(struct pb_buf *b, const json_t *report)
{
	struct timeline t = { 0 };
	int h = TL_TOP + TL_PLOT_H + 44;
	size_t off_clock = off_clock_failures(report);
	char title[160];
	double ymax;

	timeline_span(&t, report);
	timeline_fill(&t, report);
	ymax = (double)timeline_peak(&t);
	ymax = ceil(ymax / count_step(ymax)) * count_step(ymax);
	if (off_clock)
		snprintf(title, sizeof(title), "failures over time, per area, with the trace "
			 "markers; %zu of a log with dates not charted", off_clock);
	else
		snprintf(title, sizeof(title), "failures over time, per area, with the trace markers");
	svg_open(b, title, h);
	timeline_axes(b, &t, ymax);
	timeline_bars(b, &t, ymax);
	timeline_markers(b, &t, report);
	timeline_legend(b, &t, h - 6);
	pb_buf_adds(b, "</svg>\n");
	free(t.s);
}

/* --- top call sites ------------------------------------------------- */

#define BAR_ROW 22
#define BAR_LABEL_W 300
#define BAR_PLOT_W (CHART_W - BAR_LABEL_W - 170)

static const char *confidence_colour(const char *c)
{
	if (!strcmp(c, "high"))
		return "#c0392b";
	if (!strcmp(c, "medium"))
		return "#e67e22";
	return "#95a5a6";
}

void svg_callsite_bars(struct pb_buf *b, const json_t *report)
{
	const json_t *sites = json_object_get(json_object_get(report, "blame"), "callsites");
	const json_t *c;
	size_t i, n = json_array_size(sites);
	int h = (int)(n ? n : 1) * BAR_ROW + 10;
	char share[16];

	svg_open(b, "top call sites by share of failures explained", h);
	if (!n)
		pb_buf_addf(b, "<text x=\"10\" y=\"20\">no call site explains a failure</text>\n");
	json_array_foreach(sites, i, c) {
		double sh = rj_real(c, "share", 0), y = 5 + (double)i * BAR_ROW;
		long long rank = pb_json_int(c, "rank", (long long)i + 1);

		rj_share(share, sizeof(share), sh);
		pb_buf_addf(b, "<a href=\"#cs-%lld\"><title>", rank);
		rj_xml(b, pb_json_str(c, "callsite", "?"));
		pb_buf_addf(b, ": %lld failures, %lld pages, %s, confidence %s</title>",
			    pb_json_int(c, "failures", 0), pb_json_int(c, "pages", 0), share,
			    pb_json_str(c, "confidence", "low"));
		pb_buf_addf(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" "
			    "font-family=\"monospace\">", BAR_LABEL_W - 6, y + 14);
		add_cut(b, pb_json_str(c, "callsite", "?"), 42);
		pb_buf_addf(b, "</text><rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" "
			    "fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\">%lld failures, %s</text></a>\n",
			    BAR_LABEL_W, y + 3, sh > 0 ? fmax(sh * BAR_PLOT_W, 1) : 0,
			    BAR_ROW - 6, confidence_colour(pb_json_str(c, "confidence", "low")),
			    BAR_LABEL_W + sh * BAR_PLOT_W + 6, y + 14, pb_json_int(c, "failures", 0),
			    share);
	}
	pb_buf_adds(b, "</svg>\n");
}

/* --- flame graph of holder stacks ------------------------------------ */

#define FG_ROW 17
#define FG_MAX_DEPTH 48
#define FG_MIN_W 0.4		/* narrower frames are not drawn */

struct fnode {
	char *name;
	long long value;
	struct fnode *kids;
	size_t nkids, cap;
};

static struct fnode *fnode_child(struct fnode *n, const char *name, size_t len)
{
	for (size_t i = 0; i < n->nkids; i++)
		if (strlen(n->kids[i].name) == len && !memcmp(n->kids[i].name, name, len))
			return &n->kids[i];
	PB_GROW(n->kids, n->nkids + 1, n->cap);
	memset(&n->kids[n->nkids], 0, sizeof(*n->kids));
	n->kids[n->nkids].name = pb_strndup(name, len);
	return &n->kids[n->nkids++];
}

static void fnode_add(struct fnode *root, const char *folded, long long value)
{
	struct fnode *n = root;
	int depth = 0;

	root->value += value;
	while (*folded && depth++ < FG_MAX_DEPTH) {
		size_t len = strcspn(folded, ";");

		n = fnode_child(n, folded, len);
		n->value += value;
		folded += len + (folded[len] == ';');
	}
}

static int fnode_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fnode *)a)->name, ((const struct fnode *)b)->name);
}

/* Children in name order, as flamegraph.pl draws them. */
static int fnode_sort(struct fnode *n)
{
	int depth = 0;

	if (n->nkids > 1)
		qsort(n->kids, n->nkids, sizeof(*n->kids), fnode_cmp);
	for (size_t i = 0; i < n->nkids; i++) {
		int d = fnode_sort(&n->kids[i]);

		if (d > depth)
			depth = d;
	}
	return depth + 1;
}

static void fnode_free(struct fnode *n)
{
	for (size_t i = 0; i < n->nkids; i++)
		fnode_free(&n->kids[i]);
	free(n->kids);
	free(n->name);
}

/* Warm colours, fixed per function name. */
static void frame_colour(char *buf, size_t len, const char *name)
{
	uint64_t h = pb_hash64(name, strlen(name));

	snprintf(buf, len, "rgb(%d,%d,%d)", 205 + (int)(h % 50), 80 + (int)(h / 50 % 130),
		 40 + (int)(h / 6500 % 40));
}

static void fnode_draw(struct pb_buf *b, const struct fnode *n, double x, int depth,
		       double scale, int height, long long total)
{
	double w = (double)n->value * scale, y = height - 4 - (depth + 1) * FG_ROW;
	char colour[32];

	if (w < FG_MIN_W)
		return;
	frame_colour(colour, sizeof(colour), n->name);
	pb_buf_addf(b, "<g><title>");
	rj_xml(b, n->name);
	pb_buf_addf(b, " (%lld pages, %.1f%%)</title><rect x=\"%.1f\" y=\"%.1f\" "
		    "width=\"%.1f\" height=\"%d\" rx=\"2\" fill=\"%s\"/>", n->value,
		    100.0 * (double)n->value / (double)total, x, y, w, FG_ROW - 1, colour);
	if (w > 30) {
		pb_buf_addf(b, "<text x=\"%.1f\" y=\"%.1f\">", x + 3, y + 12);
		add_cut(b, n->name, (size_t)((w - 6) / 6.5));
		pb_buf_adds(b, "</text>");
	}
	pb_buf_adds(b, "</g>\n");
	for (size_t i = 0; i < n->nkids; i++) {
		fnode_draw(b, &n->kids[i], x, depth + 1, scale, height, total);
		x += (double)n->kids[i].value * scale;
	}
}

void svg_flamegraph(struct pb_buf *b, const json_t *report)
{
	struct fnode root = { .name = pb_strdup("all holders") };
	const json_t *s;
	size_t i;
	int depth, h;

	json_array_foreach(json_object_get(report, "holder_stacks"), i, s)
		fnode_add(&root, pb_json_str(s, "folded", ""), pb_json_int(s, "pages", 0));
	depth = fnode_sort(&root);
	h = depth * FG_ROW + 8;
	svg_open(b, "flame graph of the stacks that held the busy pages", h);
	if (root.value > 0)
		fnode_draw(b, &root, 0, 0, (double)CHART_W / (double)root.value, h, root.value);
	else
		pb_buf_addf(b, "<text x=\"10\" y=\"14\">no holder stack recorded</text>\n");
	pb_buf_adds(b, "</svg>\n");
	fnode_free(&root);
}
