/* lib/analyze: noise lists, call sites, ranking of holder candidates,
 * failures and their outcomes, probe pointers mapped through the vmemmap
 * learned from the trace. Every expected value is worked out by hand in
 * the comment next to it. */
#include "store_fixture.h"
#include "import_text.h"

#include <stdio.h>
#include <unistd.h>

#include "pinblame/analyze.h"
#include "pinblame/parse.h"
#include "../../lib/analyze/analyze_int.h"
#include "../../lib/analyze/failures_int.h"

static void import_file(struct pb_store *s, const char *rel)
{
	char path[512];
	FILE *f;
	char *text;
	long n;

	snprintf(path, sizeof(path), "%s/%s", unit_testdata(), rel);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = malloc((size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	unit_import_text(s, path, text, (size_t)n);
	free(text);
}

static const struct pb_analyze_opts all = { .since_ns = -1, .until_ns = -1 };

/* --- noise ------------------------------------------------------------- */

static void test_frame_func(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(frame_func("el0_svc_common.constprop.0", buf, sizeof(buf)),
			    "el0_svc_common");
	assert_string_equal(frame_func("io_sqe_buffers_register.cold", buf, sizeof(buf)),
			    "io_sqe_buffers_register");
	assert_string_equal(frame_func("do_migrate_range.isra.0", buf, sizeof(buf)),
			    "do_migrate_range");
	assert_string_equal(frame_func("__do_sys_vmsplice", buf, sizeof(buf)), "__do_sys_vmsplice");
	assert_string_equal(frame_func("a_very_long_function_name", buf, 7), "a_very");
}

static void test_frame_func_noprof(void **state)
{
	char buf[64];

	(void)state;
	/* 6.10+ memory allocation profiling renames the allocators */
	assert_string_equal(frame_func("vma_alloc_folio_noprof", buf, sizeof(buf)),
			    "vma_alloc_folio");
	assert_string_equal(frame_func("alloc_pages_noprof.constprop.0", buf, sizeof(buf)),
			    "alloc_pages");
	assert_string_equal(frame_func("_noprof", buf, sizeof(buf)), "_noprof");
}

/* The contiguous allocator's frames by role, in every generation's names
 * (6.1 alloc_contig_range, 6.10+ _noprof, 7.x frozen; CMA's entries). */
static void test_contig_roles_of_every_generation(void **state)
{
	const unsigned range = 1u << CONTIG_RANGE, pages = 1u << CONTIG_PAGES,
		       cma = 1u << CONTIG_CMA;

	(void)state;
	assert_int_equal(contig_roles("el0_svc;cma_alloc;alloc_contig_range;dump_stack"),
			 cma | range);
	assert_int_equal(contig_roles("cma_alloc;__cma_alloc_frozen;alloc_contig_frozen_range_noprof"),
			 cma | range);
	assert_int_equal(contig_roles("alloc_gigantic_folio;alloc_contig_frozen_pages_noprof;"
				      "alloc_contig_range_noprof.constprop.0"), pages | range);
	assert_int_equal(contig_roles("hugetlb_cma_alloc_folio;cma_alloc_frozen_compound"), cma);
	assert_int_equal(contig_roles("__alloc_contig_range"), range);
	/* another function that starts alike is not one of them */
	assert_int_equal(contig_roles("cma_allocator_init;alloc_contig_range_check;cmalloc"), 0);
	assert_int_equal(contig_roles(""), 0);
}

static void test_default_noise(void **state)
{
	struct pb_noise n;

	(void)state;
	assert_int_equal(noise_init(&n, NULL), 0);
	/* the vmsplice probe stack past the tracer's frames, leaf to root */
	assert_int_equal(noise_classify(&n, "try_grab_folio", MODE_HOLD), FRAME_SKIP);
	assert_int_equal(noise_classify(&n, "try_grab_folio_fast", MODE_HOLD), FRAME_SKIP);
	assert_int_equal(noise_classify(&n, "get_user_pages_fast", MODE_HOLD), FRAME_SKIP);
	assert_int_equal(noise_classify(&n, "gup_fast_fallback", MODE_HOLD), FRAME_SKIP);
	assert_int_equal(noise_classify(&n, "__iov_iter_get_pages_alloc", MODE_HOLD), FRAME_SKIP);
	assert_int_equal(noise_classify(&n, "__do_sys_vmsplice", MODE_HOLD), FRAME_HOLDER);
	/* a bare address is a trampoline, never a call site */
	assert_int_equal(noise_classify(&n, "0xffffffffc02070c8", MODE_HOLD), FRAME_SKIP);
	/* splice: the internals are walked, the syscall's do_splice holds */
	assert_int_equal(noise_classify(&n, "splice_file_to_pipe", MODE_HOLD), FRAME_SKIP);
	assert_int_equal(noise_classify(&n, "splice_folio_into_pipe", MODE_HOLD), FRAME_SKIP);
	assert_int_equal(noise_classify(&n, "filemap_splice_read", MODE_HOLD), FRAME_SKIP);
	assert_int_equal(noise_classify(&n, "shmem_file_splice_read", MODE_HOLD), FRAME_SKIP);
	assert_int_equal(noise_classify(&n, "do_splice", MODE_HOLD), FRAME_HOLDER);
	/* put helpers of every page_pinner and GUP generation */
	assert_int_equal(noise_classify(&n, "__page_pinner_put", MODE_HOLD), FRAME_SKIP);
	assert_int_equal(noise_classify(&n, "__page_pin_owner_put", MODE_HOLD), FRAME_SKIP);
	assert_int_equal(noise_classify(&n, "put_compound_head", MODE_HOLD), FRAME_SKIP);
	assert_int_equal(noise_classify(&n, "os_unlock_user_pages", MODE_HOLD), FRAME_HOLDER);
	/* seed 002's common paths */
	assert_int_equal(noise_classify(&n, "putback_lru_page", MODE_HOLD), FRAME_COMMON);
	assert_int_equal(noise_classify(&n, "folio_putback_lru", MODE_HOLD), FRAME_COMMON);
	assert_int_equal(noise_classify(&n, "lru_add_drain_cpu", MODE_HOLD), FRAME_COMMON);
	assert_int_equal(noise_classify(&n, "free_pages_and_swap_cache", MODE_HOLD), FRAME_COMMON);
	assert_int_equal(noise_classify(&n, "isolate_migratepages_block", MODE_HOLD), FRAME_COMMON);
	/* a page cache lookup is a common path; in an allocation stack the
	 * page cache and shmem are walked to whoever asked for the page */
	assert_int_equal(noise_classify(&n, "filemap_get_read_batch", MODE_HOLD), FRAME_COMMON);
	assert_int_equal(noise_classify(&n, "shmem_get_folio_gfp", MODE_HOLD), FRAME_COMMON);
	assert_int_equal(noise_classify(&n, "shmem_get_folio_gfp", MODE_ALLOC), FRAME_SKIP);
	assert_int_equal(noise_classify(&n, "__filemap_get_folio", MODE_ALLOC), FRAME_SKIP);
	assert_int_equal(noise_classify(&n, "vma_alloc_folio", MODE_ALLOC), FRAME_SKIP);
	assert_int_equal(noise_classify(&n, "drm_gem_get_pages", MODE_ALLOC), FRAME_HOLDER);
	/* readahead stays a common path in both */
	assert_int_equal(noise_classify(&n, "page_cache_ra_unbounded", MODE_ALLOC), FRAME_COMMON);
	noise_free(&n);
}

static void test_noise_file(void **state)
{
	char path[] = "/tmp/pb-noise.XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct pb_analyze_opts o = all;
	struct pb_noise n;

	(void)state;
	fputs("# mine\nmy_helper_*\nskip other_helper  # trailing comment\n\n"
	      "common my_pool_*\n", f);
	fclose(f);
	o.noise_file = path;
	assert_int_equal(noise_init(&n, &o), 0);
	assert_int_equal(noise_classify(&n, "my_helper_get", MODE_HOLD), FRAME_SKIP);
	assert_int_equal(noise_classify(&n, "other_helper", MODE_HOLD), FRAME_SKIP);
	assert_int_equal(noise_classify(&n, "my_pool_drain", MODE_HOLD), FRAME_COMMON);
	assert_int_equal(noise_classify(&n, "try_grab_folio", MODE_HOLD), FRAME_SKIP);
	noise_free(&n);
	o.no_default_noise = 1;
	assert_int_equal(noise_init(&n, &o), 0);
	assert_int_equal(noise_classify(&n, "try_grab_folio", MODE_HOLD), FRAME_HOLDER);
	assert_int_equal(noise_classify(&n, "my_pool_drain", MODE_HOLD), FRAME_COMMON);
	noise_free(&n);

	f = fopen(path, "w");
	fputs("skip ok\nbogus word\n", f);
	fclose(f);
	o.no_default_noise = 0;
	assert_int_equal(pb_analyze_check_opts(&o), -1);
	unlink(path);
	o.noise_file = path;
	assert_int_equal(pb_analyze_check_opts(&o), -1);
	assert_int_equal(pb_analyze_check_opts(&all), 0);
}

/* --- ranking ------------------------------------------------------------ */

/* Interns a stack of FRAMES (leaf first, NULL-terminated). */
static int64_t stack(struct pb_store *s, const char *const *names)
{
	struct pb_frame frames[16];
	size_t n = 0;

	memset(frames, 0, sizeof(frames));
	for (; names[n]; n++)
		frames[n].symbol = names[n];
	return pb_store_stack(s, frames, n, 0);
}

static struct cand *add(struct cand_list *l, int64_t failure, int64_t pfn, int64_t stack_id,
			enum cand_kind kind, int64_t ts)
{
	struct cand *c = cand_add(l);

	c->failure_id = failure;
	c->pfn = pfn;
	c->stack_id = stack_id;
	c->evidence_id = (int64_t)l->n;
	c->kind = kind;
	c->ts_ns = ts;
	c->busy_ts_ns = 100;
	c->pid = -1;
	return c;
}

static const struct cand *blamed_of(const struct cand_list *l, int64_t failure, int64_t pfn)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].failure_id == failure && l->v[i].pfn == pfn && cand_blamed(&l->v[i]))
			return &l->v[i];
	return NULL;
}

struct ranking {
	struct pb_noise noise;
	struct site_cache *sites;
	struct cand_list l;
	int64_t pin, unpin, putback, helper, culprit[5];
};

static void ranking_begin(struct fixture *f, struct ranking *r)
{
	static const char *const pin[] = { "__page_ref_mod", "try_grab_folio",
		"pin_user_pages", "os_lock_user_pages", "nvidia_ioctl", NULL };
	static const char *const unpin[] = { "__page_ref_mod", "gup_put_folio",
		"unpin_user_page", "os_unlock_user_pages", NULL };
	static const char *const putback[] = { "__page_pinner_put", "putback_lru_page",
		"putback_movable_pages", "__alloc_contig_migrate_range", NULL };
	static const char *const helper[] = { "__page_ref_mod", "vendor_helper",
		"vendor_ioctl", NULL };
	struct pb_source_info info = { .path = "ranking", .sha256 = "ranking", .format = "ftrace" };
	int64_t id;
	char name[5][16];

	memset(r, 0, sizeof(*r));
	assert_int_equal(pb_store_source_begin(f->s, &info, &id), 1);
	r->pin = stack(f->s, pin);
	r->unpin = stack(f->s, unpin);
	r->putback = stack(f->s, putback);
	r->helper = stack(f->s, helper);
	for (int i = 0; i < 5; i++) {
		const char *culprit[] = { "__page_ref_mod", name[i], "el0_svc", NULL };

		snprintf(name[i], sizeof(name[i]), "culprit%d", i);
		r->culprit[i] = stack(f->s, culprit);
	}
	assert_int_equal(noise_init(&r->noise, NULL), 0);
	r->sites = site_cache_new(f->s, &r->noise);
	assert_non_null(r->sites);
}

static void ranking_end(struct fixture *f, struct ranking *r)
{
	site_cache_free(r->sites);
	noise_free(&r->noise);
	cand_list_free(&r->l);
	pb_store_source_rollback(f->s);
}

/* One page, held by a pin and released by the unpin after the failure,
 * with migration's own putback nearest in time: the pin is blamed, the
 * unpin second, the putback (a common path) last. */
static void test_rank_one_page(void **state)
{
	struct fixture *f = *state;
	struct ranking r;
	const struct cand *b;

	ranking_begin(f, &r);
	add(&r.l, 1, 0xa3a41, r.putback, CAND_PAGE_REF_PUT, 101);
	add(&r.l, 1, 0xa3a41, r.unpin, CAND_PAGE_REF_PUT, 150);
	add(&r.l, 1, 0xa3a41, r.pin, CAND_PIN, 10);
	add(&r.l, 1, 0xa3a42, 0, CAND_PROBE, 90);
	assert_int_equal(rank_cands(&r.l, r.sites), 0);
	b = blamed_of(&r.l, 1, 0xa3a41);
	assert_non_null(b);
	assert_string_equal(b->site->callsite, "os_lock_user_pages");
	assert_int_equal(b->kind, CAND_PIN);
	for (size_t i = 0; i < r.l.n; i++) {
		const struct cand *c = &r.l.v[i];

		if (c->stack_id == r.unpin)
			assert_int_equal(c->rank, 2);
		if (c->stack_id == r.putback) {
			assert_int_equal(c->rank, 3);
			assert_int_equal(c->role, ROLE_LISTED);
			assert_string_equal(c->site->callsite, "putback_lru_page");
		}
	}
	/* a probe hit without any stack is still evidence, of unknown site */
	b = blamed_of(&r.l, 1, 0xa3a42);
	assert_non_null(b);
	assert_string_equal(b->site->callsite, "(no stack)");
	ranking_end(f, &r);
}

/* vendor_helper sits on every page of two failures, next to a different
 * culprit each time: it is a common path nobody listed. */
static void test_rank_frequent_demoted(void **state)
{
	struct fixture *f = *state;
	struct ranking r;

	ranking_begin(f, &r);
	for (int i = 0; i < 5; i++) {
		/* the helper is nearer in time and a get: it would win otherwise */
		add(&r.l, 1 + i % 2, 0x1000 + i, r.helper, CAND_PAGE_REF_GET, 99);
		add(&r.l, 1 + i % 2, 0x1000 + i, r.culprit[i], CAND_PAGE_REF_PUT, 300);
	}
	assert_int_equal(rank_cands(&r.l, r.sites), 0);
	for (int i = 0; i < 5; i++) {
		const struct cand *b = blamed_of(&r.l, 1 + i % 2, 0x1000 + i);
		char name[16];

		snprintf(name, sizeof(name), "culprit%d", i);
		assert_non_null(b);
		assert_string_equal(b->site->callsite, name);
	}
	for (size_t i = 0; i < r.l.n; i++)
		if (r.l.v[i].stack_id == r.helper)
			assert_int_equal(r.l.v[i].role, ROLE_FREQUENT);
	ranking_end(f, &r);
}

/* One culprit alone on every page (the arm64 capture's vmsplice) is the
 * answer, not a common path. */
static void test_rank_single_culprit_kept(void **state)
{
	struct fixture *f = *state;
	struct ranking r;

	ranking_begin(f, &r);
	for (int i = 0; i < 6; i++)
		add(&r.l, 1 + i % 3, 0x2000 + i, r.helper, CAND_PROBE, 50);
	assert_int_equal(rank_cands(&r.l, r.sites), 0);
	for (int i = 0; i < 6; i++) {
		const struct cand *b = blamed_of(&r.l, 1 + i % 3, 0x2000 + i);

		assert_non_null(b);
		assert_string_equal(b->site->callsite, "vendor_helper");
	}
	ranking_end(f, &r);
}

/* --- failures and probes on a synthetic trace ---------------------------- */

#define LINE(task, cpu, ts, body) "  " task " [00" #cpu "] ..... " ts ": " body "\n"

static const char header[] =
	"# tracer: nop\n#\n"
	"#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
	"#              | |         |   |||||     |         |\n";

/* sh-106: a hugetlb cma_alloc fails, the fallback finds a range after one
 * busy range: both recovered. sh-107: a reserved cma_alloc fails with
 * nothing after it (final), then compaction fails three times, the third
 * 9 s later (a second failure). */
static const char outcomes_trace[] =
	LINE("sh-106", 0, "10.000000", "cma_alloc_start: name=hugetlb0 count=8192 align=13")
	LINE("sh-106", 0, "10.100000", "test_pages_isolated: start_pfn=0x100000 end_pfn=0x102000 fin_pfn=0x100003 ret=fail")
	LINE("sh-106", 0, "10.100100", "cma_alloc_busy_retry: name=hugetlb0 pfn=0x100000 page=fffffc0003000000 count=8192 align=13")
	LINE("sh-106", 0, "10.200000", "cma_alloc_finish: name=hugetlb0 pfn=0x100000 page=0000000000000000 count=8192 align=13")
	LINE("sh-106", 0, "10.300000", "test_pages_isolated: start_pfn=0x44000 end_pfn=0x46000 fin_pfn=0x44000 ret=fail")
	LINE("sh-106", 0, "10.500000", "test_pages_isolated: start_pfn=0x46000 end_pfn=0x48000 fin_pfn=0x48000 ret=success")
	LINE("sh-107", 1, "20.000000", "cma_alloc_start: name=reserved count=2 align=1")
	LINE("sh-107", 1, "20.100000", "test_pages_isolated: start_pfn=0xf0000 end_pfn=0xf0200 fin_pfn=0xf0010 ret=fail")
	LINE("sh-107", 1, "20.200000", "cma_alloc_finish: name=reserved pfn=0xf0000 page=0000000000000000 count=2 align=1")
	LINE("sh-107", 1, "30.000000", "mm_migrate_pages: nr_succeeded=0 nr_failed=2 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 mode=MIGRATE_SYNC reason=compaction")
	LINE("sh-107", 1, "31.000000", "mm_migrate_pages: nr_succeeded=5 nr_failed=3 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 mode=MIGRATE_SYNC reason=compaction")
	LINE("sh-107", 1, "40.000000", "mm_migrate_pages: nr_succeeded=0 nr_failed=1 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 mode=MIGRATE_SYNC reason=compaction");

static json_t *failures_of(struct fixture *f, const char *trace)
{
	char *text = malloc(strlen(header) + strlen(trace) + 1);
	json_t *res;

	strcpy(text, header);
	strcat(text, trace);
	unit_import_text(f->s, "trace.txt", text, strlen(text));
	free(text);
	assert_int_equal(pb_analyze_refresh(f->s), 0);
	res = pb_analyze_failures(f->s, &all, NULL, NULL);
	assert_non_null(res);
	return res;
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static long long num(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static void test_outcomes(void **state)
{
	struct fixture *f = *state;
	json_t *res = failures_of(f, outcomes_trace);
	const json_t *list = json_object_get(res, "failures"), *x;

	assert_int_equal(json_array_size(list), 5);
	x = json_array_get(list, 0);
	assert_string_equal(str(x, "kind"), "cma_alloc");
	assert_string_equal(str(x, "area"), "hugetlb0");
	assert_string_equal(str(x, "outcome"), "recovered");
	assert_int_equal(num(x, "ts_ns"), 10200000000);
	assert_int_equal(num(x, "start_ts_ns"), 10000000000);
	assert_int_equal(num(x, "busy_ranges"), 1);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(x, "busy_pfns"), 0)), 0x100003);
	x = json_array_get(list, 1);
	assert_string_equal(str(x, "kind"), "alloc_contig");
	assert_string_equal(str(x, "outcome"), "recovered");
	assert_int_equal(json_integer_value(json_array_get(json_object_get(x, "busy_pfns"), 0)), 0x44000);
	assert_int_equal(num(x, "end_ts_ns"), 10500000000);
	x = json_array_get(list, 2);
	assert_string_equal(str(x, "area"), "reserved");
	assert_string_equal(str(x, "outcome"), "final");
	assert_true(json_is_null(json_object_get(x, "nowarn")));
	x = json_array_get(list, 3);
	assert_string_equal(str(x, "kind"), "migrate");
	assert_string_equal(str(x, "reason"), "compaction");
	assert_int_equal(num(x, "pages"), 5);		/* 2 + 3 failed pages */
	assert_int_equal(num(x, "failed_migrations"), 2);
	x = json_array_get(list, 4);
	assert_int_equal(num(x, "pages"), 1);
	json_decref(res);

	res = pb_analyze_failures(f->s, &all, "compaction", NULL);
	assert_int_equal(json_array_size(json_object_get(res, "failures")), 2);
	json_decref(res);
	res = pb_analyze_failures(f->s, &all, NULL, "reserved");
	assert_int_equal(json_array_size(json_object_get(res, "failures")), 1);
	json_decref(res);
}

/* Failed migrations of one task are cut into attempts by reason: reasons
 * the kernel's enum does not name (a vendor's, a number it printed for
 * one it has no name for) stay apart from each other and from the named
 * ones, however they interleave. */
static const char reasons_trace[] =
	LINE("sh-108", 1, "50.000000", "mm_migrate_pages: nr_succeeded=0 nr_failed=1 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 mode=MIGRATE_SYNC reason=vendor_a")
	LINE("sh-108", 1, "50.500000", "mm_migrate_pages: nr_succeeded=0 nr_failed=2 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 mode=MIGRATE_SYNC reason=12")
	LINE("sh-108", 1, "51.000000", "mm_migrate_pages: nr_succeeded=0 nr_failed=4 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 mode=MIGRATE_SYNC reason=vendor_a")
	LINE("sh-108", 1, "51.500000", "mm_migrate_pages: nr_succeeded=0 nr_failed=8 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 mode=MIGRATE_SYNC reason=compaction");

static const json_t *failure_of_reason(const json_t *list, const char *reason)
{
	for (size_t i = 0; i < json_array_size(list); i++) {
		const json_t *x = json_array_get(list, i);

		if (str(x, "reason") && !strcmp(str(x, "reason"), reason))
			return x;
	}
	fail_msg("no failure of reason %s", reason);
	return NULL;
}

static void test_migrations_cut_by_each_reason(void **state)
{
	struct fixture *f = *state;
	json_t *res = failures_of(f, reasons_trace);
	const json_t *list = json_object_get(res, "failures"), *x;

	assert_int_equal(json_array_size(list), 3);
	x = failure_of_reason(list, "vendor_a");
	assert_string_equal(str(x, "kind"), "migrate");
	assert_int_equal(num(x, "pages"), 5);		/* 1 + 4 failed pages */
	assert_int_equal(num(x, "failed_migrations"), 2);
	x = failure_of_reason(list, "12");
	assert_int_equal(num(x, "pages"), 2);
	assert_int_equal(num(x, "failed_migrations"), 1);
	x = failure_of_reason(list, "compaction");
	assert_int_equal(num(x, "pages"), 8);
	json_decref(res);
}

/* The cma events give two (pfn, page) pairs: base 0xfffffbffff000000,
 * stride 64, as on the arm64 capture; the extfrag page is hashed and
 * fits nothing. 0xfffffc0004380140 maps to pfn 0x14e005, the busy page;
 * 0xfffffc00040ece40 to 0x143b39, not busy. The second hit has no stack
 * of its own: it inherits the first's. */
static const char probe_trace[] =
	LINE("holdpages-324", 1, "36.608185", "try_grab_folio: (try_grab_folio+0x0/0x1d0) page=0xfffffc00040ece40 refs=1 flags=0x4")
	LINE("holdpages-324", 1, "36.608190", "<stack trace>")
	" => try_grab_folio\n => get_user_pages_fast\n => iov_iter_get_pages2\n"
	" => __do_sys_vmsplice\n => el0_svc\n"
	LINE("holdpages-324", 1, "36.700000", "try_grab_folio: (try_grab_folio+0x0/0x1d0) page=0xfffffc0004380140 refs=1 flags=0x4")
	LINE("sh-106", 0, "39.225432", "cma_alloc_start: name=hugetlb0 count=8192 align=13")
	LINE("sh-106", 0, "39.233990", "test_pages_isolated: start_pfn=0x14e000 end_pfn=0x150000 fin_pfn=0x14e005 ret=fail")
	LINE("sh-106", 0, "39.234269", "cma_alloc_busy_retry: name=hugetlb0 pfn=0x14e000 page=fffffc0004380000 count=8192 align=13")
	LINE("sh-106", 0, "39.300000", "cma_alloc_busy_retry: name=hugetlb0 pfn=0x100000 page=fffffc0003000000 count=8192 align=13")
	LINE("sh-106", 0, "39.400000", "mm_page_alloc_extfrag: page=00000000c9a2f3d1 pfn=0x5000 alloc_order=0 fallback_order=9")
	LINE("sh-106", 0, "41.589960", "cma_alloc_finish: name=hugetlb0 pfn=0x13e000 page=0000000000000000 count=8192 align=13");

static void test_probe_through_vmemmap(void **state)
{
	struct fixture *f = *state;
	json_t *res = failures_of(f, probe_trace), *row;
	sqlite3_stmt *st;

	json_decref(res);
	st = pb_store_prepare(f->s, "SELECT pfn, confidence FROM evidence WHERE kind = 'probe'");
	assert_non_null(st);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(st, 0), 0x14e005);
	assert_string_equal((const char *)sqlite3_column_text(st, 1), "medium");
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);

	res = pb_analyze_blame(f->s, &all, PB_BY_CALLSITE, 0, 0);
	assert_int_equal(num(res, "attributed_pages"), 1);
	row = json_array_get(json_object_get(res, "callsites"), 0);
	assert_string_equal(str(row, "callsite"), "__do_sys_vmsplice");
	assert_string_equal(str(row, "confidence"), "medium");
	assert_int_equal(num(json_object_get(row, "evidence"), "probe"), 1);
	json_decref(res);
}

/* Hashed pointers only: no line fits, no page is mapped, nothing is
 * guessed. */
static void test_probe_hashed(void **state)
{
	static const char hashed[] =
		LINE("holdpages-324", 1, "36.700000", "try_grab_folio: (try_grab_folio+0x0/0x1d0) page=0x00000000aec7812a refs=1 flags=0x4")
		LINE("sh-106", 0, "39.225432", "cma_alloc_start: name=hugetlb0 count=8192 align=13")
		LINE("sh-106", 0, "39.233990", "test_pages_isolated: start_pfn=0x14e000 end_pfn=0x150000 fin_pfn=0x14e005 ret=fail")
		LINE("sh-106", 0, "39.234269", "cma_alloc_busy_retry: name=hugetlb0 pfn=0x14e000 page=00000000c9a2f3d1 count=8192 align=13")
		LINE("sh-106", 0, "39.300000", "cma_alloc_busy_retry: name=hugetlb0 pfn=0x100000 page=000000005b1e22f0 count=8192 align=13")
		LINE("sh-106", 0, "41.589960", "cma_alloc_finish: name=hugetlb0 pfn=0x13e000 page=0000000000000000 count=8192 align=13");
	struct fixture *f = *state;
	json_t *res = failures_of(f, hashed);

	json_decref(res);
	res = pb_analyze_blame(f->s, &all, PB_BY_CALLSITE, 0, 0);
	assert_int_equal(num(res, "failures"), 1);
	assert_int_equal(num(res, "unattributed"), 1);
	assert_int_equal(json_array_size(json_object_get(res, "callsites")), 0);
	json_decref(res);
}

/* The sample kernel log alone: the two dumps of cam_alloc's failure are
 * one migrate failure, the "alloc failed" line a cma_alloc failure that
 * warned, the THP dump 17 s later a failure of its own. The dumps'
 * page_owner stacks are the only evidence: low confidence. */
static void test_kernel_log_alone(void **state)
{
	struct fixture *f = *state;
	json_t *res, *list;

	import_file(f->s, "samples/dmesg-6.6-dump_page-folio.txt");
	assert_int_equal(pb_analyze_refresh(f->s), 0);
	res = pb_analyze_failures(f->s, &all, NULL, NULL);
	list = json_object_get(res, "failures");
	/* the two dumps (0xa3a41, 0xa3a42) are the "alloc failed" line's */
	assert_int_equal(json_array_size(list), 2);
	assert_string_equal(str(json_array_get(list, 0), "kind"), "cma_alloc");
	assert_string_equal(str(json_array_get(list, 0), "area"), "reserved");
	assert_int_equal(num(json_array_get(list, 0), "pages"), 2048);
	assert_int_equal(num(json_array_get(list, 0), "errorno"), -16);
	assert_int_equal(num(json_array_get(list, 0), "ts_ns"), 4120550322000);
	/* the dump_stack() of alloc_contig_dump_pages() says who allocated */
	assert_int_equal(num(json_array_get(list, 0), "pid"), 2210);
	assert_string_equal(str(json_array_get(list, 0), "comm"), "cam_alloc");
	assert_true(json_is_false(json_object_get(json_array_get(list, 0), "nowarn")));
	list = json_object_get(json_array_get(list, 0), "busy_pfns");
	assert_int_equal(json_array_size(list), 2);
	assert_int_equal(json_integer_value(json_array_get(list, 0)), 0xa3a41);
	assert_int_equal(json_integer_value(json_array_get(list, 1)), 0xa3a42);
	list = json_object_get(res, "failures");
	/* the format-only THP dump 17 s later is a failure of its own */
	assert_string_equal(str(json_array_get(list, 1), "kind"), "migrate");
	assert_int_equal(num(json_array_get(list, 1), "ts_ns"), 4137118802000);
	json_decref(res);
	res = pb_analyze_blame(f->s, &all, PB_BY_CALLSITE, 0, 0);
	list = json_object_get(res, "callsites");
	/* the allocation stack, past the allocator and shmem (shmem_fault),
	 * is a fault on the shmem mapping (__do_fault): a user's page, which
	 * the fault that made it does not hold (refcount:1027 is a pin's) */
	assert_int_equal(json_array_size(list), 0);
	assert_int_equal(num(res, "attributed_pages"), 0);
	json_decref(res);
}

/* --- call sites of probe stacks, through the store --------------------- */

/* The stack of the first event named like NAME. */
static int64_t stack_of_event(struct pb_store *s, const char *name)
{
	sqlite3_stmt *st = pb_store_prepare(s,
		"SELECT e.stack_id FROM event e JOIN name n ON n.id = e.name_id "
		"WHERE n.text LIKE ? AND e.stack_id IS NOT NULL ORDER BY e.id LIMIT 1");
	int64_t id = 0;

	assert_non_null(st);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	assert_true(id > 0);
	return id;
}

/* The probed function comes from the store: ftrace's location
 * "(try_grab_folio_fast+0x0/0x298)" (a hit of
 * testdata/real/arm64-6.12-ftrace-hugetlb-cma, whose breakpoint path
 * do_el1_brk64 <- el1_brk64 <- el1h_64_sync_handler <- el1h_64_sync no
 * role names), or perf script's probe name when its location is an
 * address (a callchain that starts at the probed function, under the
 * syscall's x86 wrapper). */
static void test_probe_stacks_cut_at_the_probed_function_of_the_store(void **state)
{
	static const char perf[] =
		"holdpages   310 [000]    33.290976: probe:try_grab_folio_fast: "
		"(ffffffff8137c5a0) page=0xffd4000001a74e00 refs=1 flags=0x4\n"
		"\tffffffff8137c5a1 try_grab_folio_fast+0x1 ([kernel.kallsyms])\n"
		"\tffffffff8137d123 gup_fast_fallback+0x123 ([kernel.kallsyms])\n"
		"\tffffffff81456789 __iov_iter_get_pages_alloc+0x89 ([kernel.kallsyms])\n"
		"\tffffffff81456abc iov_iter_get_pages2+0x1c ([kernel.kallsyms])\n"
		"\tffffffff81567890 __x64_sys_vmsplice+0x120 ([kernel.kallsyms])\n"
		"\tffffffff81001234 do_syscall_64+0x34 ([kernel.kallsyms])\n"
		"\tffffffff82000130 entry_SYSCALL_64_after_hwframe+0x76 ([kernel.kallsyms])\n\n";
	static const char ftrace[] =
		"       holdpages-383     (    383) [001] d....    47.862585: try_grab_folio_fast: "
		"(try_grab_folio_fast+0x0/0x298) page=0xfffffdffc4158180 refs=1 flags=0x2\n"
		"       holdpages-383     (    383) [001] d....    47.862893: <stack trace>\n"
		" => kprobe_trace_func\n => kprobe_dispatcher\n => kprobe_brk_handler\n"
		" => do_el1_brk64\n => el1_brk64\n => el1h_64_sync_handler\n => el1h_64_sync\n"
		" => try_grab_folio_fast\n => get_user_pages_fast\n => __iov_iter_get_pages_alloc\n"
		" => iov_iter_get_pages2\n => __do_sys_vmsplice\n => __arm64_sys_vmsplice\n"
		" => invoke_syscall\n => el0_svc_common.constprop.0\n => do_el0_svc\n"
		" => el0_svc\n => el0t_64_sync_handler\n => el0t_64_sync\n";
	struct fixture *f = *state;
	struct pb_noise noise;
	struct site_cache *sites;
	const struct site *site;
	int64_t id;
	json_t *frames;

	unit_import_text(f->s, "trace.txt", ftrace, sizeof(ftrace) - 1);
	unit_import_text(f->s, "perf.txt", perf, sizeof(perf) - 1);
	assert_int_equal(noise_init(&noise, NULL), 0);
	sites = site_cache_new(f->s, &noise);
	assert_non_null(sites);
	/* 7 frames of the tracer: the handlers and the breakpoint's path */
	id = stack_of_event(f->s, "%try_grab_folio_fast");
	site = site_of(sites, id, MODE_HOLD);
	assert_non_null(site);
	assert_string_equal(site->callsite, "__do_sys_vmsplice");
	assert_int_equal(site->first, 7);
	frames = site_frames_json(f->s, site, id);
	assert_int_equal(json_array_size(frames), 19 - 7);
	assert_string_equal(json_string_value(json_array_get(frames, 0)), "try_grab_folio_fast");
	json_decref(frames);
	id = stack_of_event(f->s, "probe:try_grab_folio_fast");
	site = site_of(sites, id, MODE_HOLD);
	assert_string_equal(site->callsite, "__do_sys_vmsplice");
	assert_int_equal(site->first, 0);
	site_cache_free(sites);
	noise_free(&noise);
}

/* A kprobe on try_grab_folio() whose argument the user named after its
 * type (folio=$arg1, the 6.10+ signature): the folio's address is its
 * head page's, so it maps to a pfn through the vmemmap as page= does, and
 * the busy page gets the probe's holder. */
static void test_probe_folio_pointer_names_the_page(void **state)
{
	static const char folio_trace[] =
		LINE("vmsplice_hold-5120", 2, "36.608185", "grab: (try_grab_folio+0x5/0x1c0) folio=0xfffffc0004380140")
		LINE("vmsplice_hold-5120", 2, "36.608190", "<stack trace>")
		" => try_grab_folio\n => follow_page_pte\n => __get_user_pages\n"
		" => iov_iter_get_pages2\n => __do_sys_vmsplice\n => el0_svc\n"
		LINE("sh-106", 0, "39.225432", "cma_alloc_start: name=hugetlb0 count=8192 align=13")
		LINE("sh-106", 0, "39.233990", "test_pages_isolated: start_pfn=0x14e000 end_pfn=0x150000 fin_pfn=0x14e005 ret=fail")
		LINE("sh-106", 0, "39.234269", "cma_alloc_busy_retry: name=hugetlb0 pfn=0x14e000 page=fffffc0004380000 count=8192 align=13")
		LINE("sh-106", 0, "39.300000", "cma_alloc_busy_retry: name=hugetlb0 pfn=0x100000 page=fffffc0003000000 count=8192 align=13")
		LINE("sh-106", 0, "41.589960", "cma_alloc_finish: name=hugetlb0 pfn=0x13e000 page=0000000000000000 count=8192 align=13");
	struct fixture *f = *state;
	json_t *res = failures_of(f, folio_trace), *row;

	json_decref(res);
	res = pb_analyze_blame(f->s, &all, PB_BY_CALLSITE, 0, 0);
	assert_int_equal(num(res, "attributed_pages"), 1);
	row = json_array_get(json_object_get(res, "callsites"), 0);
	assert_string_equal(str(row, "callsite"), "__do_sys_vmsplice");
	assert_string_equal(str(row, "confidence"), "high");
	assert_int_equal(num(json_object_get(row, "evidence"), "probe"), 1);
	json_decref(res);
}

/* page_pinner stamps its records with the boot time, which counts a
 * phone's suspend, the kernel log with the local clock, which does not:
 * the "Failure detected" records of 0xb3c41 and 0xb3c42, 1234 s "after"
 * the "alloc failed" line, are that allocation's pages, as its busy range
 * holds them. A record of a page outside every busy range (0xb4f00), and
 * one stamped before the failure could have happened (0xb3c43 at 10 s),
 * stay failures of their own. */
static void test_pinner_failure_records_join_the_failure_of_their_page(void **state)
{
	static const char log[] =
		"[  812.402090] alloc_contig_range: [b3c00, b3e00) PFNs busy\n"
		"[  812.402311] cma: cma_alloc: camera: alloc failed, req-size: 512 pages, ret: -16\n";
	static const char buffer[] =
		"Failure detected at [ 2046.902142]\n"
		"PFN 0xb3c42 Block 1438 count 1026 mapcount 1 mapping 0x0 Flags 0x14(uptodate|lru)\n"
		" __alloc_contig_migrate_range+0x1b0/0x1e0\n alloc_contig_range+0x1e4/0x2b8\n\n"
		"Failure detected at [ 2046.902133]\n"
		"PFN 0xb3c41 Block 1438 count 1026 mapcount 1 mapping 0x0 Flags 0x14(uptodate|lru)\n"
		" __alloc_contig_migrate_range+0x1b0/0x1e0\n alloc_contig_range+0x1e4/0x2b8\n\n"
		"Failure detected at [ 2046.902120]\n"
		"PFN 0xb4f00 Block 1447 count 3 mapcount 1 mapping 0x0 Flags 0x14(uptodate|lru)\n"
		" __alloc_contig_migrate_range+0x1b0/0x1e0\n\n"
		"Failure detected at [   10.000000]\n"
		"PFN 0xb3c43 Block 1438 count 3 mapcount 1 mapping 0x0 Flags 0x14(uptodate|lru)\n"
		" __alloc_contig_migrate_range+0x1b0/0x1e0\n\n";
	struct fixture *f = *state;
	json_t *res, *list, *x;

	unit_import_text(f->s, "dmesg.txt", log, strlen(log));
	unit_import_text(f->s, "page_pinner/buffer", buffer, strlen(buffer));
	assert_int_equal(pb_analyze_refresh(f->s), 0);
	res = pb_analyze_failures(f->s, &all, NULL, NULL);
	list = json_object_get(res, "failures");
	assert_int_equal(json_array_size(list), 3);
	x = json_array_get(list, 1);
	assert_string_equal(str(x, "kind"), "cma_alloc");
	assert_string_equal(str(x, "area"), "camera");
	assert_int_equal(json_array_size(json_object_get(x, "busy_pfns")), 2);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(x, "busy_pfns"), 0)), 0xb3c41);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(x, "busy_pfns"), 1)), 0xb3c42);
	assert_int_equal(num(x, "ts_ns"), 812402311000);
	assert_string_equal(str(json_array_get(list, 0), "kind"), "page_pinner");
	assert_int_equal(json_integer_value(json_array_get(
		json_object_get(json_array_get(list, 0), "busy_pfns"), 0)), 0xb3c43);
	assert_string_equal(str(json_array_get(list, 2), "kind"), "page_pinner");
	assert_int_equal(json_integer_value(json_array_get(
		json_object_get(json_array_get(list, 2), "busy_pfns"), 0)), 0xb4f00);
	json_decref(res);
}

/* Memory offlining seen in a trace and its kernel log: the trace's failed
 * migration (memory_hotplug) takes the log's "migrating pfn ... failed
 * ret:-16" lines, and with them their error. */
static void test_offlining_failure_takes_the_error_of_the_log(void **state)
{
	static const char trace[] =
		LINE("bash-3390", 3, "3001.100000", "mm_migrate_pages: nr_succeeded=0 nr_failed=1 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 mode=MIGRATE_SYNC reason=memory_hotplug");
	static const char log[] =
		"[ 3001.100030] migrating pfn 1c0a41 failed ret:-16\n"
		"[ 3001.300030] migrating pfn 1c0a41 failed ret:-16\n";
	struct fixture *f = *state;
	json_t *res, *x;

	unit_import_text(f->s, "dmesg.txt", log, strlen(log));
	res = failures_of(f, trace);
	assert_int_equal(json_array_size(json_object_get(res, "failures")), 1);
	x = json_array_get(json_object_get(res, "failures"), 0);
	assert_string_equal(str(x, "reason"), "memory_hotplug");
	assert_int_equal(num(x, "errorno"), -16);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(x, "busy_pfns"), 0)), 0x1c0a41);
	json_decref(res);
}

/* A report's span is the trace's: a dmesg -T log beside it is on the wall
 * clock (its times are dates, 55 years of nanoseconds), so its times are
 * left out of the span, not taken as its end. */
static void test_report_span_leaves_out_a_wall_clock_log(void **state)
{
	static const char trace[] =
		LINE("sh-106", 0, "2205.118000", "cma_alloc_start: name=linux,cma count=1024 align=8")
		LINE("sh-106", 0, "2205.179000", "cma_alloc_finish: name=linux,cma pfn=0xc6800 page=0000000000000000 count=1024 align=8");
	static const char log[] =
		"[Sat Dec  6 16:40:05 2025] alloc_contig_range: [c6400, c6800) PFNs busy\n"
		"[Sat Dec  6 16:40:05 2025] cma: cma_alloc: linux,cma: alloc failed, req-size: 1024 pages, ret: -16\n";
	struct fixture *f = *state;
	json_t *res;

	unit_import_text(f->s, "dmesg-T.txt", log, strlen(log));
	json_decref(failures_of(f, trace));
	res = pb_analyze_report(f->s, &all, 10);
	assert_non_null(res);
	assert_int_equal(num(json_object_get(res, "span"), "first_ts_ns"), 2205118000000);
	assert_int_equal(num(json_object_get(res, "span"), "last_ts_ns"), 2205179000000);
	json_decref(res);
}

/* "memory offlining [mem START-END] failed" after the pages it could not
 * migrate: the failure of those pages gets the block as its range, in
 * pfns of the page size that holds them (4 KiB here, 64 KiB for the
 * second log); a block that does not hold them is another offlining that
 * failed, a failure of its own in the page size its log's other line
 * placed its pages by. */
static void test_offlining_line_gives_its_block_to_the_failure(void **state)
{
	static const char log4k[] =
		"[ 3001.100030] migrating pfn 1c0a41 failed ret:-16\n"
		"[ 3001.610000] memory offlining [mem 0x1c0000000-0x1c7ffffff] failed due to signal backoff\n";
	static const char log64k[] =
		"[ 9001.100030] migrating pfn 2c0a4 failed ret:-16\n"
		"[ 9001.600000] memory offlining [mem 0x300000000-0x30fffffff] failed due to signal backoff\n"
		"[ 9001.610000] memory offlining [mem 0x2c0000000-0x2cfffffff] failed due to signal backoff\n";
	struct fixture *f = *state;
	json_t *res, *list;

	unit_import_text(f->s, "dmesg-4k.txt", log4k, strlen(log4k));
	unit_import_text(f->s, "dmesg-64k.txt", log64k, strlen(log64k));
	assert_int_equal(pb_analyze_refresh(f->s), 0);
	res = pb_analyze_failures(f->s, &all, NULL, NULL);
	list = json_object_get(res, "failures");
	assert_int_equal(json_array_size(list), 3);
	assert_int_equal(num(json_array_get(list, 0), "start_pfn"), 0x1c0000);
	assert_int_equal(num(json_array_get(list, 0), "end_pfn"), 0x1c8000);
	assert_int_equal(num(json_array_get(list, 1), "start_pfn"), 0x2c000);
	assert_int_equal(num(json_array_get(list, 1), "end_pfn"), 0x2d000);
	assert_int_equal(num(json_array_get(list, 2), "start_pfn"), 0x30000);
	assert_int_equal(num(json_array_get(list, 2), "end_pfn"), 0x31000);
	assert_int_equal(json_array_size(json_object_get(json_array_get(list, 2), "busy_pfns")), 0);
	json_decref(res);
}

/* 6.10+ prints no "PFNs busy": the log's cma_alloc failure names no range.
 * A page_pinner failure record whose stack went through cma_alloc() then
 * joins the latest such failure at or before it; one made under
 * alloc_contig_pages() (a gigantic page, not CMA) does not. */
static void test_pinner_failure_record_joins_a_rangeless_cma_failure(void **state)
{
	static const char log[] =
		"[  812.402311] cma: __cma_alloc: camera: alloc failed, req-size: 512 pages, ret: -16\n";
	static const char buffer[] =
		"Failure detected at [ 2046.902142]\n"
		"PFN 0xb3c42 Block 1438 count 1026 mapcount 1 mapping 0x0 Flags 0x14(uptodate|lru)\n"
		" __alloc_contig_migrate_range+0x1b0/0x1e0\n alloc_contig_range+0x1e4/0x2b8\n"
		" cma_alloc+0x1a4/0x600\n cma_heap_allocate+0xd8/0x3a0\n\n"
		"Failure detected at [ 2046.902133]\n"
		"PFN 0x1c0a41 Block 3589 count 1026 mapcount 1 mapping 0x0 Flags 0x14(uptodate|lru)\n"
		" __alloc_contig_migrate_range+0x1b0/0x1e0\n alloc_contig_range+0x1e4/0x2b8\n"
		" alloc_contig_pages+0x1b5/0x240\n alloc_gigantic_folio+0x93/0x1a0\n\n";
	struct fixture *f = *state;
	json_t *res, *list;

	unit_import_text(f->s, "dmesg.txt", log, strlen(log));
	unit_import_text(f->s, "page_pinner/buffer", buffer, strlen(buffer));
	assert_int_equal(pb_analyze_refresh(f->s), 0);
	res = pb_analyze_failures(f->s, &all, NULL, NULL);
	list = json_object_get(res, "failures");
	assert_int_equal(json_array_size(list), 2);
	assert_string_equal(str(json_array_get(list, 0), "kind"), "cma_alloc");
	assert_int_equal(json_array_size(json_object_get(json_array_get(list, 0), "busy_pfns")), 1);
	assert_int_equal(json_integer_value(json_array_get(
		json_object_get(json_array_get(list, 0), "busy_pfns"), 0)), 0xb3c42);
	assert_string_equal(str(json_array_get(list, 1), "kind"), "page_pinner");
	assert_int_equal(json_integer_value(json_array_get(
		json_object_get(json_array_get(list, 1), "busy_pfns"), 0)), 0x1c0a41);
	json_decref(res);
}

/* A get its own task gave back before the failure held nothing then:
 * the put brings the count back to what it was before the get (page_ref's
 * "count=%d" is the count after the change, "val=%d" the change). */
#define PAGE_REF(task, ts, event, pfn, count, val) \
	LINE(task, 1, ts, event ": pfn=" pfn " flags=uptodate|lru count=" count \
	     " mapcount=1 mapping=0000000071c3a2e1 mt=1 val=" val " ret=1")
#define GET_STACK(task, ts) \
	LINE(task, 1, ts, "<stack trace>") \
	" => __page_ref_mod_unless\n => folio_try_get_rcu\n => gup_fast_pte_range\n" \
	" => get_user_pages_fast\n => iov_iter_extract_pages\n => bio_iov_iter_get_pages\n" \
	" => __blkdev_direct_IO_simple\n => blkdev_read_iter\n => vfs_read\n"
#define BUSY_AT_50(pfn) \
	LINE("alloc-700", 0, "50.000000", "cma_alloc_start: name=reserved count=1024 align=10") \
	LINE("alloc-700", 0, "50.000100", "test_pages_isolated: start_pfn=0x120000 end_pfn=0x120400 fin_pfn=" pfn " ret=fail") \
	LINE("alloc-700", 0, "50.001000", "cma_alloc_finish: name=reserved pfn=0x0 page=0000000000000000 count=1024 align=10 errorno=-16")

static long long attributed_pages(struct fixture *f, const char *trace)
{
	json_t *res = failures_of(f, trace);
	long long n;

	json_decref(res);
	res = pb_analyze_blame(f->s, &all, PB_BY_CALLSITE, 0, 0);
	assert_int_equal(num(res, "failures"), 1);
	n = num(res, "attributed_pages");
	json_decref(res);
	return n;
}

static void test_get_given_back_by_its_task_holds_nothing(void **state)
{
	static const char trace[] =
		PAGE_REF("reader-950", "40.000000", "page_ref_mod_unless", "0x120011", "3", "1")
		GET_STACK("reader-950", "40.000010")
		PAGE_REF("reader-950", "40.100000", "page_ref_mod_and_test", "0x120011", "2", "-1")
		BUSY_AT_50("0x120011");

	assert_int_equal(attributed_pages(*state, trace), 0);
}

static void test_get_put_by_another_task_still_holds(void **state)
{
	static const char trace[] =
		PAGE_REF("reader-950", "40.000000", "page_ref_mod_unless", "0x120011", "3", "1")
		GET_STACK("reader-950", "40.000010")
		PAGE_REF("cat-951", "40.100000", "page_ref_mod_and_test", "0x120011", "2", "-1")
		BUSY_AT_50("0x120011");

	assert_int_equal(attributed_pages(*state, trace), 1);
}

/* A get of another task between them: the count is no longer the first
 * get's own, so the put gives nothing back. */
static void test_get_with_a_get_between_still_holds(void **state)
{
	static const char trace[] =
		PAGE_REF("reader-950", "40.000000", "page_ref_mod_unless", "0x120011", "3", "1")
		GET_STACK("reader-950", "40.000010")
		PAGE_REF("cat-951", "40.050000", "page_ref_mod", "0x120011", "4", "1")
		PAGE_REF("reader-950", "40.100000", "page_ref_mod_and_test", "0x120011", "3", "-1")
		BUSY_AT_50("0x120011");

	assert_int_equal(attributed_pages(*state, trace), 1);
}

/* The put after the failure: the get held the page when it was busy. */
static void test_get_given_back_after_the_failure_held_it(void **state)
{
	static const char trace[] =
		PAGE_REF("reader-950", "40.000000", "page_ref_mod_unless", "0x120011", "3", "1")
		GET_STACK("reader-950", "40.000010")
		BUSY_AT_50("0x120011")
		PAGE_REF("reader-950", "51.000000", "page_ref_mod_and_test", "0x120011", "2", "-1");

	assert_int_equal(attributed_pages(*state, trace), 1);
}

/* Hashed %p (32 bits of hash zero-padded to 16 digits) teaches no
 * vmemmap: the probe's hit is counted as unmapped, and why. */
static void test_hashed_pointers_leave_probe_hits_unmapped(void **state)
{
	static const char trace[] =
		LINE("cam-812", 1, "36.700000", "try_grab_folio: (try_grab_folio+0x0/0x1d0) page=0xfffffc0003001140 refs=1 flags=0x4")
		LINE("sh-106", 0, "39.225432", "cma_alloc_start: name=hugetlb0 count=8192 align=13")
		LINE("sh-106", 0, "39.233990", "test_pages_isolated: start_pfn=0x14e000 end_pfn=0x150000 fin_pfn=0x14e005 ret=fail")
		LINE("sh-106", 0, "39.234269", "cma_alloc_busy_retry: name=hugetlb0 pfn=0x14e000 page=00000000c9a2f3d1 count=8192 align=13")
		LINE("sh-106", 0, "39.300000", "cma_alloc_busy_retry: name=hugetlb0 pfn=0x100000 page=000000005b1e22f0 count=8192 align=13")
		LINE("sh-106", 0, "41.589960", "cma_alloc_finish: name=hugetlb0 pfn=0x13e000 page=0000000000000000 count=8192 align=13");
	struct fixture *f = *state;
	json_t *res = failures_of(f, trace), *gaps;

	json_decref(res);
	res = pb_analyze_blame(f->s, &all, PB_BY_CALLSITE, 0, 0);
	gaps = json_object_get(res, "gaps");
	assert_int_equal(num(gaps, "unmapped_probe_hits"), 1);
	assert_true(json_is_true(json_object_get(gaps, "hashed_pointers")));
	json_decref(res);
}

/* Whole pointers, one pfn and page pair: too few to learn the mapping;
 * unmapped, but not hashed. */
static void test_one_pair_leaves_probe_hits_unmapped_unhashed(void **state)
{
	static const char trace[] =
		LINE("cam-812", 1, "36.700000", "try_grab_folio: (try_grab_folio+0x0/0x1d0) page=0xfffffc0003001140 refs=1 flags=0x4")
		LINE("sh-106", 0, "39.225432", "cma_alloc_start: name=hugetlb0 count=8192 align=13")
		LINE("sh-106", 0, "39.233990", "test_pages_isolated: start_pfn=0x14e000 end_pfn=0x150000 fin_pfn=0x14e005 ret=fail")
		LINE("sh-106", 0, "39.234269", "cma_alloc_busy_retry: name=hugetlb0 pfn=0x14e000 page=fffffc0005380000 count=8192 align=13")
		LINE("sh-106", 0, "41.589960", "cma_alloc_finish: name=hugetlb0 pfn=0x13e000 page=0000000000000000 count=8192 align=13");
	struct fixture *f = *state;
	json_t *res = failures_of(f, trace), *gaps;

	json_decref(res);
	res = pb_analyze_blame(f->s, &all, PB_BY_CALLSITE, 0, 0);
	gaps = json_object_get(res, "gaps");
	assert_int_equal(num(gaps, "unmapped_probe_hits"), 1);
	assert_true(json_is_false(json_object_get(gaps, "hashed_pointers")));
	json_decref(res);
}

/* With page_ref events in the trace, a page left without a get says so
 * among the gaps (its holder's reference predates the trace). */
static void test_page_ref_events_are_a_gap_fact(void **state)
{
	static const char trace[] =
		PAGE_REF("reader-950", "40.000000", "page_ref_mod_unless", "0x120011", "3", "1")
		GET_STACK("reader-950", "40.000010")
		PAGE_REF("reader-950", "40.100000", "page_ref_mod_and_test", "0x120011", "2", "-1")
		BUSY_AT_50("0x120011");
	struct fixture *f = *state;
	json_t *res = failures_of(f, trace);

	json_decref(res);
	res = pb_analyze_blame(f->s, &all, PB_BY_CALLSITE, 0, 0);
	assert_true(json_is_true(json_object_get(json_object_get(res, "gaps"), "page_ref_events")));
	json_decref(res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_func),
		cmocka_unit_test(test_frame_func_noprof),
		cmocka_unit_test(test_contig_roles_of_every_generation),
		cmocka_unit_test(test_default_noise),
		cmocka_unit_test(test_noise_file),
		cmocka_unit_test_setup_teardown(test_rank_one_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rank_frequent_demoted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rank_single_culprit_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outcomes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrations_cut_by_each_reason, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_through_vmemmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_hashed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_log_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_stacks_cut_at_the_probed_function_of_the_store,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_folio_pointer_names_the_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pinner_failure_records_join_the_failure_of_their_page,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_offlining_failure_takes_the_error_of_the_log,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_span_leaves_out_a_wall_clock_log, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_offlining_line_gives_its_block_to_the_failure,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_pinner_failure_record_joins_a_rangeless_cma_failure,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_given_back_by_its_task_holds_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_get_put_by_another_task_still_holds, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_get_with_a_get_between_still_holds, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_get_given_back_after_the_failure_held_it, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_hashed_pointers_leave_probe_hits_unmapped, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_one_pair_leaves_probe_hits_unmapped_unhashed,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_ref_events_are_a_gap_fact, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
