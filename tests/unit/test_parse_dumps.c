/* The debugfs dump parsers: ACK page_pinner and
 * /sys/kernel/debug/page_owner (doc/FORMATS.md section 3), on the committed samples and on
 * the older layouts and broken records. */
#include "parse_run.h"

/* Frames per record, in file order:
 * awk '/^$/{print n; n=0; next} /^ /{n++} END{if(n)print n}' FILE */
static void assert_frame_counts(struct parse_run *r, const size_t *counts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		assert_int_equal(run_next(r)->nframes, counts[i]);
	run_end(r);
}

static void test_ack_page_pinner_buffer_free_put_and_failure_records(void **state)
{
	static const size_t frames[] = { 16, 13, 13, 14, 14, 12, 12 };
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open_file(&r, PB_FMT_PAGE_PINNER, "samples/ack-page_pinner-buffer-6.6.txt");
	/* newest first: grep -n '^[A-Z]' FILE | grep -v PFN */
	rec = run_next(&r);
	assert_int_equal(rec->line, 1);
	assert_string_equal(rec->system, "page_pinner_dump");
	assert_string_equal(rec->event, "free");
	assert_string_equal(rec->body, "Freed at [ 4125.002310]");
	assert_int_equal(rec->ts_ns, 4125002310000);
	assert_field(rec, "pfn", "0xa3a42");
	assert_field(rec, "block", "1309");
	assert_field(rec, "count", "0");
	assert_field(rec, "mapcount", "0");
	assert_field(rec, "mapping", "0x0");
	assert_field(rec, "flags", "0x3fffc0000000000(node=0|zone=0|lastcpupid=0xffff)");
	assert_int_equal(rec->nfields, 6);
	assert_int_equal(rec->nframes, 16);
	assert_frame(&rec->frames[2], "shmem_undo_range", 0x2bc, 0x6a8, 0, NULL, 0);

	rec = run_next(&r);
	assert_int_equal(rec->line, 20);
	assert_string_equal(rec->event, "put");
	assert_int_equal(rec->ts_ns, -1);
	assert_field(rec, "elapsed_us", "1443318");
	assert_field(rec, "pfn", "0xa3a42");
	assert_field(rec, "count", "2");
	assert_field(rec, "mapping", "0xffff000105e2c8d0");
	assert_int_equal(rec->nfields, 7);
	assert_int_equal(rec->nframes, 13);
	assert_frame(&rec->frames[2], "os_unlock_user_pages", 0xbc, 0x150, 0, "nvidia", 0);
	assert_frame(&rec->frames[6], "__arm64_sys_ioctl", 0xb4, 0x100, 0, NULL, 0);

	for (int i = 0; i < 3; i++)
		assert_string_equal(run_next(&r)->event, "put");
	rec = run_next(&r);
	assert_int_equal(rec->line, 86);
	assert_string_equal(rec->event, "failure_detected");
	assert_int_equal(rec->ts_ns, 4120310302000);
	assert_field(rec, "count", "1027");
	assert_frame(&rec->frames[0], "__alloc_contig_migrate_range", 0x1b8, 0x1e0, 0, NULL, 0);
	rec = run_next(&r);
	assert_int_equal(rec->line, 101);
	assert_int_equal(rec->ts_ns, 4120310300000);
	assert_field(rec, "pfn", "0xa3a41");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);

	run_open_file(&r, PB_FMT_PAGE_PINNER, "samples/ack-page_pinner-buffer-6.6.txt");
	assert_frame_counts(&r, frames, PB_ARRAY_SIZE(frames));
	run_close(&r);
}

/* Gen A: mapping printed by %pS as a module symbol; no blank line before
 * the next record; broken records reported, the rest kept. */
static void test_pinner_broken(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PAGE_PINNER,
		 " stray_frame+0x10/0x20\n"
		 "At least, pinned for 301234 us\n"
		 "PFN 0x9f0bb0 Block 5093 count 3 mapcount 1 mapping kgsl_mmu_map+0x10/0x40 [msm_kgsl] Flags 0x4000000000080014(uptodate|lru|swapbacked)\n"
		 " kgsl_pin+0x5c/0x120 [msm_kgsl]\n"
		 "garbage in the middle\n"
		 "Failure detected at [  180.058992]\n"
		 "PFN 0x9f0bb1 Block 5093 count 2 mapcount 1 mapping 0x0 Flags 0x4000000000080014(uptodate)\n"
		 "\n"
		 "At least, pinned for many us\n"
		 "Freed at [  181.000000]\n"
		 "\n"
		 "Freed at [  182.000000]\n");
	rec = run_next(&r);
	assert_int_equal(rec->line, 2);
	assert_field(rec, "elapsed_us", "301234");
	assert_field(rec, "mapping", "kgsl_mmu_map+0x10/0x40 [msm_kgsl]");
	assert_field(rec, "flags", "0x4000000000080014(uptodate|lru|swapbacked)");
	assert_int_equal(rec->nframes, 1);
	assert_frame(&rec->frames[0], "kgsl_pin", 0x5c, 0x120, 0, "msm_kgsl", 0);
	assert_int_equal(r.bad[PB_BAD_ORPHAN_STACK], 1);
	rec = run_next(&r);
	assert_int_equal(rec->line, 6);
	assert_string_equal(rec->event, "failure_detected");
	assert_int_equal(rec->ts_ns, 180058992000);
	assert_int_equal(rec->nframes, 0);
	/* line 5 syntax; line 9 not a number; line 10 and 12 without PFN line */
	run_end(&r);
	assert_int_equal(r.bad[PB_BAD_SYNTAX], 2);
	assert_int_equal(r.bad[PB_BAD_TRUNCATED], 2);
	assert_int_equal(r.last_bad_line, 12);
	assert_string_equal(r.last_bad_text, "Freed at [  182.000000]");
	run_close(&r);
}

static void test_page_owner_records_with_task_flags_and_stack(void **state)
{
	static const size_t frames[] = { 12, 12, 13, 13 };
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open_file(&r, PB_FMT_PAGE_OWNER, "samples/page_owner-6.6.txt");
	rec = run_next(&r);
	assert_int_equal(rec->line, 1);
	assert_string_equal(rec->system, "page_owner");
	assert_string_equal(rec->event, "allocated");
	assert_int_equal(rec->ts_ns, 4101002113450);
	assert_int_equal(rec->pid, 1873);
	assert_int_equal(rec->tgid, 1870);
	assert_string_equal(rec->comm, "cuda-EvtHandlr");
	assert_field(rec, "order", "0");
	assert_field(rec, "gfp_mask", "0x100cca(GFP_HIGHUSER_MOVABLE)");
	assert_field(rec, "pid", "1873");
	assert_field(rec, "tgid", "1870");
	assert_field(rec, "comm", "cuda-EvtHandlr");
	assert_field(rec, "alloc_ts", "4101002113450");
	assert_field(rec, "pfn", "0xa3a41");
	assert_field(rec, "migratetype", "Movable");
	assert_field(rec, "block", "1309");
	assert_field(rec, "block_type", "CMA");
	assert_field(rec, "flags", "0x3fffc000008002c(uptodate|dirty|active|swapbacked|node=0|"
		     "zone=0|lastcpupid=0xffff)");
	assert_field(rec, "memcg", "cuda");
	assert_null(pb_record_field(rec, "free_ts"));
	assert_int_equal(rec->nfields, 12);
	assert_int_equal(rec->nframes, 12);
	assert_frame(&rec->frames[4], "shmem_alloc_folio", 0x84, 0xb8, 0, NULL, 0);

	rec = run_next(&r);
	assert_int_equal(rec->line, 17);
	rec = run_next(&r);
	assert_int_equal(rec->line, 33);
	assert_field(rec, "pfn", "0xa3104");
	assert_field(rec, "comm", "pipe-writer");
	assert_field(rec, "migrate_reason", "compaction");
	assert_field(rec, "memcg", "pipes");
	rec = run_next(&r);
	assert_int_equal(rec->line, 51);
	assert_string_equal(rec->comm, "Binder:703_2");
	assert_field(rec, "order", "3");
	assert_field(rec, "migratetype", "Unmovable");
	assert_field(rec, "block_type", "Unmovable");
	assert_field(rec, "slab", "1");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);

	run_open_file(&r, PB_FMT_PAGE_OWNER, "samples/page_owner-6.6.txt");
	assert_frame_counts(&r, frames, PB_ARRAY_SIZE(frames));
	run_close(&r);
}

/* <=5.12 (no pid, decimal PFN), ~5.13 (pid, ts, free_ts), ~5.19 (comm). */
static void test_owner_old(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PAGE_OWNER,
		 "Page allocated via order 0, mask 0x100cca(GFP_HIGHUSER_MOVABLE)\n"
		 "PFN 651440 type Movable Block 1272 type Movable Flags 0x4000000000080014(uptodate|lru|swapbacked)\n"
		 " prep_new_page+0x90/0xe0\n"
		 "\n"
		 "Page allocated via order 1, mask 0x0(), pid 301, ts 5012345678 ns, free_ts 4012345678 ns\n"
		 "PFN 651442 type Unmovable Block 1272 type Movable Flags 0x4000000000000000()\n"
		 "\n"
		 "Page allocated via order 2, mask 0x0(), pid 302 (kworker/u16:3), ts 6012345678 ns, free_ts 0 ns\n"
		 "PFN 0x9f0bb4 type Movable Block 1272 type Movable Flags 0x0()\n"
		 "\n"
		 "Page allocated via order 0, mask 0x0(), pid 303, tgid 303 (x), ts 7 ns\n");
	rec = run_next(&r);
	assert_int_equal(rec->ts_ns, -1);
	assert_int_equal(rec->pid, -1);
	assert_string_equal(rec->comm, "");
	assert_field(rec, "pfn", "651440");
	assert_null(pb_record_field(rec, "pid"));
	assert_int_equal(rec->nframes, 1);
	rec = run_next(&r);
	assert_int_equal(rec->line, 5);
	assert_int_equal(rec->ts_ns, 5012345678);
	assert_int_equal(rec->pid, 301);
	assert_int_equal(rec->tgid, -1);
	assert_field(rec, "free_ts", "4012345678");
	assert_field(rec, "migratetype", "Unmovable");
	assert_field(rec, "block_type", "Movable");
	assert_int_equal(rec->nframes, 0);
	rec = run_next(&r);
	assert_string_equal(rec->comm, "kworker/u16:3");
	assert_field(rec, "pfn", "0x9f0bb4");
	run_end(&r);
	assert_int_equal(r.bad[PB_BAD_TRUNCATED], 1);
	assert_int_equal(r.last_bad_line, 11);
	assert_int_equal(run_bad_total(&r), 1);
	run_close(&r);
}

static void test_detect(void **state)
{
	struct parse_run r;

	(void)state;
	run_open_file(&r, PB_FMT_UNKNOWN, "samples/ack-page_pinner-buffer-6.6.txt");
	assert_int_equal(pb_parser_format(r.p), PB_FMT_PAGE_PINNER);
	run_close(&r);
	run_open_file(&r, PB_FMT_UNKNOWN, "samples/page_owner-6.6.txt");
	assert_int_equal(pb_parser_format(r.p), PB_FMT_PAGE_OWNER);
	run_close(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ack_page_pinner_buffer_free_put_and_failure_records),
		cmocka_unit_test(test_pinner_broken),
		cmocka_unit_test(test_page_owner_records_with_task_flags_and_stack),
		cmocka_unit_test(test_owner_old),
		cmocka_unit_test(test_detect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
