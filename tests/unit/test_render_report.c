/* Report renderers on a hand-made pinblame.report/1 object: every value
 * below was chosen so the expected lines can be written out by hand. */
#include "unit.h"

#include <stdio.h>

#include "pinblame/render.h"
#include "../../lib/render/report_int.h"

static const char report_json[] =
	"{\"schema\":\"pinblame.report/1\","
	"\"window\":{\"since_ns\":null,\"until_ns\":null},"
	"\"sources\":[{\"id\":1,\"path\":\"trace.txt.xz\",\"format\":\"ftrace\","
	"  \"events\":1000,\"bad_lines\":4},"
	" {\"id\":2,\"path\":\"dmesg.txt\",\"format\":\"kmsg\",\"events\":10,\"bad_lines\":0}],"
	"\"kernels\":[{\"kernel\":\"6.1.0-50-arm64\",\"arch\":\"aarch64\"}],"
	"\"span\":{\"first_ts_ns\":10000000000,\"last_ts_ns\":110000000000},"
	"\"cma_areas\":[{\"area\":\"hugetlb0\",\"tried\":12,\"failed\":4,\"busy_retries\":128}],"
	"\"busy_ranges\":[{\"kind\":\"cma_busy_retry\",\"count\":128},"
	"  {\"kind\":\"isolation\",\"count\":604}],"
	"\"migration_failures\":[{\"reason\":\"contig_range\",\"migrations\":1240,\"pages\":1380}],"
	"\"markers\":[{\"ts_ns\":20000000000,\"text\":\"RT-PHASE P3-hold: grow the pool\"}],"
	"\"failure_counts\":{\"total\":3,\"final\":2,\"recovered\":1},"
	"\"failures\":["
	" {\"id\":12,\"kind\":\"cma_alloc\",\"area\":\"hugetlb0\",\"ts_ns\":41589960000,"
	"  \"outcome\":\"final\",\"start_pfn\":1302528,\"end_pfn\":1310720,"
	"  \"busy_pfns\":[1302784,1302785,1302786,1302787,1302788,1302789],"
	"  \"source\":\"trace.txt.xz\",\"line\":44914},"
	" {\"id\":13,\"kind\":\"cma_alloc\",\"area\":\"hugetlb0\",\"ts_ns\":41600000000,"
	"  \"outcome\":\"final\",\"start_pfn\":1302528,\"end_pfn\":1310720,\"busy_pfns\":[],"
	"  \"source\":\"trace.txt.xz\",\"line\":45000},"
	" {\"id\":20,\"kind\":\"migrate\",\"reason\":\"longterm_pin\",\"ts_ns\":100000000000,"
	"  \"outcome\":\"recovered\",\"busy_pfns\":[4096]}],"
	"\"blame\":{\"schema\":\"pinblame.blame/1\",\"failures\":3,\"attributed\":2,"
	" \"unattributed\":1,\"callsites\":["
	" {\"rank\":1,\"callsite\":\"__do_sys_vmsplice\",\"module\":null,\"failures\":2,"
	"  \"pages\":7,\"share\":0.6667,\"confidence\":\"high\","
	"  \"stack\":[\"try_grab_folio\",\"__do_sys_vmsplice\",\"el0_svc\"],"
	"  \"failure_ids\":[12,13]},"
	" {\"rank\":2,\"callsite\":\"a_call_site_with_a_very_long_name_that_will_not_fit<T>\","
	"  \"module\":\"nvidia\",\"failures\":1,\"pages\":1,\"share\":0.3333,"
	"  \"confidence\":\"medium\",\"stack\":[],\"failure_ids\":[20]}]},"
	"\"evidence\":{\"12\":{\"pages\":5,\"holders\":[{\"kind\":\"probe\","
	"  \"source\":\"trace.txt.xz\",\"line\":700,\"confidence\":\"high\",\"pfn\":1302784,"
	"  \"callsite\":\"__do_sys_vmsplice\"},"
	"  {\"kind\":\"dump\",\"source\":\"dmesg.txt\",\"line\":1234,\"confidence\":\"medium\","
	"  \"pfn\":1302785,\"count\":3,\"callsite\":\"do_splice\"}]},"
	" \"20\":{\"pages\":0,\"holders\":[]}},"
	"\"holder_stacks\":[{\"folded\":\"el0_svc;__do_sys_vmsplice;try_grab_folio\",\"pages\":3},"
	" {\"folded\":\"el0_svc;__do_sys_vmsplice;other\",\"pages\":1}]}";

static json_t *load_report(void)
{
	json_error_t err;
	json_t *r = json_loads(report_json, 0, &err);

	if (!r)
		fail_msg("report_json: %s at %d", err.text, err.position);
	return r;
}

/* Renders with FN into a string the caller frees. */
static char *render(int (*fn)(FILE *, const json_t *, int, int), const json_t *r,
		    int width, int colour)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(fn(f, r, width, colour), 0);
	fclose(f);
	return text;
}

static int md(FILE *f, const json_t *r, int width, int colour)
{
	(void)width;
	(void)colour;
	return pb_report_markdown(f, r);
}

static int html(FILE *f, const json_t *r, int width, int colour)
{
	(void)width;
	(void)colour;
	return pb_report_html(f, r);
}

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void assert_has(const char *text, const char *needle)
{
	if (!strstr(text, needle))
		fail_msg("missing: [%s]", needle);
}

static void test_text_report_fits_the_width_and_colours_only_when_asked(void **state)
{
	json_t *r = load_report();
	char *t = render(pb_report_text, r, 80, 0);

	(void)state;
	/* Prose wraps at spaces under its label. */
	assert_has(t, "pinblame report\nsources   trace.txt.xz (ftrace, 1000 events, 4 lines "
		   "not understood), dmesg.txt\n          (kmsg, 10 events)\n");
	assert_has(t, "kernel    6.1.0-50-arm64 (aarch64)\n");
	assert_has(t, "span      10.000000 .. 110.000000 s (100.0 s)\n");
	assert_has(t, "failures  3 (2 final, 1 recovered), 2 attributed, 1 unattributed\n");
	assert_has(t, "  hugetlb0                   12        4           128\n");
	assert_has(t, "  contig_range               1240   1380\n");
	/* 80 columns leave 32 for the call site. */
	assert_has(t, "    1  __do_sys_vmsplice                       2      7  66.7%  high\n");
	assert_has(t, "    2  a_call_site_with_a_very_long_nam        1      1  33.3%  medium\n");
	assert_has(t, "\n[2] a_call_site_with_a_very_long_name_that_will_not_fit<T> [nvidia]: "
		   "1 failur...\n");
	assert_has(t, "    example stack (leaf first, > the call site):\n"
		   "      try_grab_folio\n    > __do_sys_vmsplice\n      el0_svc\n");
	/* 5 pages held, 2 listed: the rest is one command away. */
	assert_has(t, "      #12 cma_alloc hugetlb0 at 41.589960 s, final\n"
		   "        pfn 0x13e000-0x140000, busy 0x13e100 0x13e101 0x13e102 0x13e103 (+2)\n"
		   "        pfn 0x13e100: __do_sys_vmsplice, probe at trace.txt.xz:700 (high)\n"
		   "        pfn 0x13e101: do_splice, dump at dmesg.txt:1234 (medium), refcount 3\n"
		   "        3 more pages held: pinblame show trace.txt.xz:44914\n"
		   "      #13 cma_alloc");
	assert_has(t, "      #20 migrate (longterm_pin) at 100.000000 s, recovered\n");
	assert_null(strchr(t, '\033'));
	for (char *line = t; *line; line = strchr(line, '\n') + 1)
		assert_true(strcspn(line, "\n") <= 80);
	free(t);
	t = render(pb_report_text, r, 80, 1);
	assert_has(t, "\033[1mCall sites, ranked by failures explained\033[0m\n");
	free(t);
	json_decref(r);
}

static void test_markdown_report_has_every_section(void **state)
{
	json_t *r = load_report();
	char *t = render(md, r, 0, 0);

	(void)state;
	assert_has(t, "## pinblame report\n\n- **Sources:** trace.txt.xz (ftrace, 1000 events");
	assert_has(t, "| hugetlb0 | 12 | 4 | 128 |\n");
	assert_has(t, "| 1 | `__do_sys_vmsplice` | 2 | 7 | 66.7% | high |\n");
	assert_has(t, "#### 1. `__do_sys_vmsplice`\n\n2 failures, 7 pages, share 66.7%, "
		   "confidence high.\n\nExample stack (leaf first, > the call site):\n\n```\n"
		   "  try_grab_folio\n> __do_sys_vmsplice\n  el0_svc\n```\n");
	/* Outside code spans, underscores and angle brackets are escaped. */
	assert_has(t, "  - pfn 0x13e100: \\_\\_do\\_sys\\_vmsplice, probe at "
		   "trace.txt.xz:700 (high)\n"
		   "  - pfn 0x13e101: do\\_splice, dump at dmesg.txt:1234 (medium), "
		   "refcount 3\n  - 3 more pages held: pinblame show trace.txt.xz:44914\n");
	assert_has(t, "#### 2. `a_call_site_with_a_very_long_name_that_will_not_fit<T>` [nvidia]");
	assert_has(t, "Migrations with failed pages, by reason: contig\\_range 1240 (1380 pages)\n");
	assert_int_equal(count_of(t, "<"), count_of(t, "`a_call_site_with_a_very_long_name"));
	free(t);
	json_decref(r);
}

static void test_html_report_is_self_contained_and_linked(void **state)
{
	json_t *r = load_report();
	char *t = render(html, r, 0, 0);

	(void)state;
	assert_int_equal(strncmp(t, "<!DOCTYPE html>\n", 16), 0);
	assert_has(t, "<title>pinblame report: 3 failures, top call site __do_sys_vmsplice</title>");
	assert_int_equal(count_of(t, "<svg "), 3);
	assert_int_equal(count_of(t, "</svg>"), 3);
	/* Nothing to fetch: the only URL is the SVG namespace. */
	assert_int_equal(count_of(t, "http"), 3);
	assert_int_equal(count_of(t, "http://www.w3.org/2000/svg"), 3);
	assert_null(strstr(t, "<script"));
	assert_null(strstr(t, "<img"));
	/* Each failure listed under a call site links to its evidence. */
	assert_has(t, "<li><a href=\"#f-12\">#12 cma_alloc hugetlb0 at 41.589960 s, final</a></li>");
	assert_has(t, "<article id=\"f-12\"><h3 class=\"final\">");
	assert_has(t, "<li>pfn 0x13e101: do_splice, dump at dmesg.txt:1234 (medium), "
		   "refcount 3</li>\n<li>3 more pages held: pinblame show trace.txt.xz:44914</li>");
	assert_has(t, "<pre>try_grab_folio\n<strong>__do_sys_vmsplice</strong>\nel0_svc\n</pre>");
	assert_has(t, "<article id=\"f-20\">");
	assert_has(t, "<li>no holder evidence");
	assert_has(t, "<code>a_call_site_with_a_very_long_name_that_will_not_fit&lt;T&gt;</code>");
	assert_has(t, "<a href=\"#cs-2\">");
	assert_has(t, "<article id=\"cs-2\">");
	assert_string_equal(t + strlen(t) - 15, "</body></html>\n");
	free(t);
	json_decref(r);
}

static void test_svg_charts_bin_failures_and_scale_bars(void **state)
{
	json_t *r = load_report();
	char *t = render(html, r, 0, 0);

	(void)state;
	/* 120 bins over 100 s: failures 12 and 13 (41.59 s, 41.60 s) share
	 * bin 37, the migration (100 s) is in bin 108. */
	assert_has(t, "<title>hugetlb0: 2 failures, 40.833333 .. 41.666666 s</title>");
	assert_has(t, "<title>migrate longterm_pin: 1 failures, 100.000000 .. 100.833333 s</title>");
	assert_has(t, ">hugetlb0 (2)</text>");
	/* The marker is labelled up to its ':', the tooltip has it all. */
	assert_has(t, "<g class=\"marker\"><title>RT-PHASE P3-hold: grow the pool</title>");
	assert_has(t, ">RT-PHASE P3-hold</text>");
	/* Flame graph: 4 pages in all, 3 through try_grab_folio. */
	assert_has(t, "<title>all holders (4 pages, 100.0%)</title>");
	assert_has(t, "<title>__do_sys_vmsplice (4 pages, 100.0%)</title>");
	assert_has(t, "<title>try_grab_folio (3 pages, 75.0%)</title>");
	assert_has(t, "<title>other (1 pages, 25.0%)</title>");
	/* Bars: 0.6667 of 490 px. */
	assert_has(t, "width=\"326.7\" height=\"16\" fill=\"#c0392b\"/>");
	free(t);
	json_decref(r);
}

static void test_empty_report_says_there_is_nothing(void **state)
{
	json_t *r = json_pack("{s:s}", "schema", "pinblame.report/1");
	char *t;

	(void)state;
	t = render(pb_report_text, r, 80, 0);
	assert_has(t, "sources   none\nkernel    unknown\nspan      no timestamps\n");
	assert_has(t, "  no call site explains a failure\n");
	free(t);
	t = render(html, r, 0, 0);
	assert_has(t, "no call site explains a failure");
	assert_has(t, "no holder stack recorded");
	free(t);
	json_decref(r);
}

/* 2025-12-06 16:40:05 UTC is 1765039205 s after the epoch (date -u -d). */
static void test_time_of_a_dated_log_is_its_date_and_of_the_kernel_seconds(void **state)
{
	char buf[48];

	(void)state;
	pb_format_time(buf, sizeof(buf), 1765039205000000000LL, "realtime");
	assert_string_equal(buf, "2025-12-06 16:40:05.000000");
	assert_string_equal(pb_time_unit("realtime"), "");
	pb_format_time(buf, sizeof(buf), 2205179000000LL, NULL);
	assert_string_equal(buf, "2205.179000");
	assert_string_equal(pb_time_unit(NULL), " s");
	/* a raw counter (x86-tsc, counter) is no date, nor nanoseconds */
	pb_format_time(buf, sizeof(buf), 42000, "counter");
	assert_string_equal(buf, "42000");
	assert_string_equal(pb_time_unit("counter"), " ticks");
}

static void test_text_report_prints_a_dated_failure_as_its_date(void **state)
{
	json_t *f = json_pack("{s:i,s:s,s:s,s:I,s:s}", "id", 2, "kind", "cma_alloc", "area",
			      "linux,cma", "ts_ns", (json_int_t)1765039205000000000LL,
			      "clock", "realtime");
	struct pb_buf b = { 0 };

	(void)state;
	rj_failure_title(&b, f);
	assert_string_equal(pb_buf_str(&b), "#2 cma_alloc linux,cma at 2025-12-06 16:40:05.000000");
	json_object_del(f, "clock");
	pb_buf_reset(&b);
	rj_failure_title(&b, f);
	assert_string_equal(pb_buf_str(&b), "#2 cma_alloc linux,cma at 1765039205.000000 s");
	pb_buf_free(&b);
	json_decref(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_report_fits_the_width_and_colours_only_when_asked),
		cmocka_unit_test(test_markdown_report_has_every_section),
		cmocka_unit_test(test_html_report_is_self_contained_and_linked),
		cmocka_unit_test(test_svg_charts_bin_failures_and_scale_bars),
		cmocka_unit_test(test_empty_report_says_there_is_nothing),
		cmocka_unit_test(test_time_of_a_dated_log_is_its_date_and_of_the_kernel_seconds),
		cmocka_unit_test(test_text_report_prints_a_dated_failure_as_its_date),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
