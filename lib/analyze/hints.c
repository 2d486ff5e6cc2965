/* hints.c - why busy pages were left without a holder, as prose: what a
 * capture would need to name them. Each hint is built from the facts of
 * this capture (the "gaps" of pinblame.blame/1), so that it is true of it;
 * the report prints them under its unattributed failures. */
#include "pinblame/core.h"
#include "pinblame/analyze.h"

static long long gap(const json_t *blame, const char *key)
{
	return pb_json_int(json_object_get(blame, "gaps"), key, 0);
}

static int gap_true(const json_t *blame, const char *key)
{
	return json_is_true(json_object_get(json_object_get(blame, "gaps"), key));
}

static void add_hint(json_t *hints, struct pb_buf *b)
{
	json_array_append_new(hints, json_string(pb_buf_str(b)));
	pb_buf_reset(b);
}

/* -ENOMEM, not -EBUSY: memory ran out, no page was found busy. */
static void hint_enomem(json_t *hints, struct pb_buf *b, long long enomem)
{
	if (enomem <= 0)
		return;
	pb_buf_addf(b, "%lld failure%s ended in -ENOMEM, not -EBUSY: memory ran out (no free "
		    "range in the area, or no room to migrate pages to) and no page was busy: "
		    "there is no pinner to find for %s.", enomem, enomem == 1 ? "" : "s",
		    enomem == 1 ? "it" : "them");
	add_hint(hints, b);
}

/* A clock of ticks (trace_clock counter, x86-tsc, uptime): no pause can
 * be told on it, so attempts were cut by the order of events alone. */
static void hint_tick_clock(json_t *hints, struct pb_buf *b, long long n)
{
	if (n <= 0)
		return;
	pb_buf_addf(b, "%lld failure%s from a trace whose clock counts ticks, not nanoseconds "
		    "(trace_clock counter, x86-tsc or uptime): no pause can be told there, so a "
		    "task's attempts were cut by the order of its events alone, and times print "
		    "as counts. Record with a clock in nanoseconds (trace_clock local, the "
		    "default, or global, mono, boot) for time windows.", n,
		    n == 1 ? " comes" : "s come");
	add_hint(hints, b);
}

/* pr_info_ratelimited() and friends: 10 lines in 5 s, then a count. */
static void hint_suppressed(json_t *hints, struct pb_buf *b, long long suppressed)
{
	if (suppressed <= 0)
		return;
	pb_buf_addf(b, "The kernel log left out %lld message%s of the functions read here "
		    "(\"callbacks suppressed\": its rate limit): more allocations failed and more "
		    "pages were busy than it shows; trace events (cma_alloc_finish, "
		    "test_pages_isolated) are not rate limited.", suppressed,
		    suppressed == 1 ? "" : "s");
	add_hint(hints, b);
}

/* A full ring buffer: what would have named a holder may be lost. */
static void hint_lost(json_t *hints, struct pb_buf *b, long long lost, long long left)
{
	if (left <= 0 || lost <= 0)
		return;
	pb_buf_addf(b, "The capture lost %lld event%s (ring buffer full): the evidence of the "
		    "%lld busy page%s left unattributed may be among them; record with a larger "
		    "buffer (pinblame record --buffer-kb, or buffer_size_kb).", lost,
		    lost == 1 ? "" : "s", left, left == 1 ? "" : "s");
	add_hint(hints, b);
}

/* Pages whose only stacks stop at a kprobe trampoline. */
static long long hint_cut_stacks(json_t *hints, struct pb_buf *b, const json_t *blame)
{
	long long cut = gap(blame, "cut_stack_pages");

	if (cut <= 0)
		return 0;
	pb_buf_addf(b, "%lld busy page%s only stacks cut short at a kprobe's trampoline: x86 "
		    "optimizes a kprobe that is not at a function's entry, and its stack stops "
		    "there; probe at the entry (+0), or run the capture with sysctl "
		    "debug.kprobes-optimization=0.", cut, cut == 1 ? " has" : "s have");
	add_hint(hints, b);
	return cut;
}

/* Page cache and shmem pages: splice takes their reference, which GUP
 * probes do not see. */
static long long hint_page_cache(json_t *hints, struct pb_buf *b, const json_t *blame)
{
	long long cache = gap(blame, "page_cache_pages");

	if (cache <= 0)
		return 0;
	pb_buf_addf(b, "%lld unattributed busy page%s page cache or shmem (a kernel log dump or "
		    "the trace says so): %s.", cache, cache == 1 ? " is" : "s are",
		    gap_true(blame, "splice_probes")
			    ? "the splice probes of the trace did not name them"
			    : "a probe on splice_folio_into_pipe (page=$arg2, 6.5+) or "
			      "generic_file_splice_read (older) names splice holders");
	add_hint(hints, b);
	return cache;
}

/* Pages whose dump counts a pin of pin_user_pages() (FOLL_PIN adds 1024
 * to an order-0 page's refcount from 5.7; a folio prints its pincount):
 * the holder pinned it for DMA or for long, not a short-term get. */
static long long hint_pinned(json_t *hints, struct pb_buf *b, const json_t *blame)
{
	long long pinned = gap(blame, "pinned_pages");

	if (pinned <= 0)
		return 0;
	pb_buf_addf(b, "%lld unattributed busy page%s a FOLL_PIN pin in the counts of %s kernel "
		    "log dump (1024 in the refcount per pin, or the folio's pincount): the holder is "
		    "a pin_user_pages() caller (a driver's DMA buffer, vfio, RDMA, io_uring "
		    "registered buffers), not a short-term get_user_pages(); the GUP probes of "
		    "pinblame record --probe-gup (try_grab_folio, try_grab_page) with their "
		    "stacks, or page_pinner, name it.", pinned, pinned == 1 ? " shows" : "s show",
		    pinned == 1 ? "its" : "their");
	add_hint(hints, b);
	return pinned;
}

/* Pages of a boot whose page_pinner records (puts, frees, failures, as
 * mm/page_pinner.c keeps them in a ring) have no put of theirs. */
static long long hint_pinner_unput(json_t *hints, struct pb_buf *b, const json_t *blame)
{
	long long unput = gap(blame, "pinner_unput_pages");

	if (unput <= 0)
		return 0;
	pb_buf_addf(b, "%lld busy page%s no holder evidence although page_pinner's records "
		    "of the same boot were imported (puts, frees and failures): no put of %s is "
		    "among them, so the page was still held when the file was read, or its put "
		    "was overwritten in page_pinner's ring of records; read buffer again after the "
		    "holder lets go of the page, or raise buffer_size. page_ref events "
		    "(CONFIG_DEBUG_PAGE_REF) or probes on get_user_pages (pinblame record "
		    "--probe-gup) name holders too.", unput, unput == 1 ? " has" : "s have",
		    unput == 1 ? "it" : "theirs");
	add_hint(hints, b);
	return unput;
}

/* Probe hits whose page= became no pfn: the vmemmap was not learned. */
static int hint_unmapped(json_t *hints, struct pb_buf *b, const json_t *blame)
{
	long long hits = gap(blame, "unmapped_probe_hits");

	if (hits <= 0)
		return 0;
	pb_buf_addf(b, "%lld probe hit%s page= could not be mapped to a pfn: %s.", hits,
		    hits == 1 ? " whose" : "s whose",
		    gap_true(blame, "hashed_pointers")
			    ? "the trace printed its pointers hashed (echo 0 > "
			      "/sys/kernel/tracing/options/hash-ptr before the capture, or pinblame "
			      "record, which does it)"
			    : "too few events printed both pfn= and page= (cma_alloc_finish of an "
			      "allocation that succeeded, cma_alloc_busy_retry, mm_page_alloc_extfrag) "
			      "to learn the vmemmap");
	add_hint(hints, b);
	return 1;
}

/* Pages with no holder evidence at all, and what would name their holder. */
static void hint_no_evidence(json_t *hints, struct pb_buf *b, const json_t *blame,
			     long long left)
{
	if (left <= 0 || hint_unmapped(hints, b, blame))
		return;
	if (gap_true(blame, "page_ref_events"))
		pb_buf_addf(b, "%lld busy page%s no holder evidence although the trace has page_ref "
			    "events: every reference they show taken before the failure was given back, "
			    "so the holder took its reference before the trace began; start the capture "
			    "earlier, or a page_pinner dump names it.", left,
			    left == 1 ? " has" : "s have");
	else if (gap_true(blame, "gup_probes"))
		pb_buf_addf(b, "%lld busy page%s no holder evidence although the trace probes "
			    "get_user_pages: their holder took the reference another way; page_ref "
			    "events (CONFIG_DEBUG_PAGE_REF) or page_pinner name any holder.", left,
			    left == 1 ? " has" : "s have");
	else
		pb_buf_addf(b, "%lld busy page%s no holder evidence: page_ref events "
			    "(CONFIG_DEBUG_PAGE_REF), page_pinner, or probes on get_user_pages "
			    "(pinblame record --probe-gup) name holders.", left,
			    left == 1 ? " has" : "s have");
	add_hint(hints, b);
}

/* Failures that name no busy page, among others that do. */
static void hint_unnamed(json_t *hints, struct pb_buf *b, long long unnamed)
{
	if (unnamed <= 0)
		return;
	pb_buf_addf(b, "%lld failure%s no busy page: failed migrations and the busy ranges "
		    "of a kernel log count pages without naming them; test_pages_isolated events "
		    "(fin_pfn) and the page dumps of a kernel log name them (see "
		    "pinblame-record(1)).", unnamed, unnamed == 1 ? " names" : "s name");
	add_hint(hints, b);
}

json_t *pb_blame_hints(const json_t *blame, long long unnamed)
{
	long long failures = pb_json_int(blame, "failures", 0), pages = pb_json_int(blame, "pages", 0);
	long long left = pages - pb_json_int(blame, "attributed_pages", 0);
	long long enomem = gap(blame, "enomem_failures");
	json_t *hints = json_array();
	struct pb_buf b = { 0 };

	hint_enomem(hints, &b, enomem);
	hint_suppressed(hints, &b, gap(blame, "suppressed_messages"));
	hint_lost(hints, &b, gap(blame, "lost_events"), left);
	hint_tick_clock(hints, &b, gap(blame, "tick_clock_failures"));
	if (failures && !pages && pb_json_int(blame, "unattributed", 0) > enomem) {
		pb_buf_adds(&b, "No failure names a busy page: failed migrations and the busy "
			    "ranges of a kernel log count pages without naming them; "
			    "test_pages_isolated events (fin_pfn) and the page dumps of a kernel log "
			    "name them (see pinblame-record(1)).");
		add_hint(hints, &b);
	} else {
		hint_unnamed(hints, &b, unnamed);
		if (left > 0) {
			left -= hint_cut_stacks(hints, &b, blame);
			left -= hint_pinned(hints, &b, blame);
			left -= hint_page_cache(hints, &b, blame);
			left -= hint_pinner_unput(hints, &b, blame);
			hint_no_evidence(hints, &b, blame, left);
		}
	}
	pb_buf_free(&b);
	return hints;
}
