/* Every generation of Android's page_pinner debugfs files and of the
 * page_owner debugfs file. Each input below was written by hand from the
 * format string of the generation (doc/FORMATS.md section 3 names the
 * tree and commit read); none is a capture. */
#include "parse_run.h"

/* Opens TEXT as a file named NAME (the name decides the side of some
 * page_pinner records, as a debugfs file's name would). */
static void open_named(struct parse_run *r, enum pb_format format, const char *text,
		       const char *name)
{
	memset(r, 0, sizeof(*r));
	run_open_input(r, format, pb_input_open_memory(text, strlen(text), name));
}

static uint64_t record_u64(const struct pb_record *rec, const char *name)
{
	uint64_t v = 0;

	assert_int_equal(pb_record_u64(rec, name, &v), 0);
	return v;
}

/* "Page pinned ts %lld us count %d" + "PFN %lu Block %lu type %s Flags
 * %#lx(%pGp)": the first generation's pinner file (count > 0) holds the
 * pins that hold a page now, N the time of the last pin. */
static const char first_gen_pinner[] =
	"Page pinned ts 5123456789 us count 2\n"
	"PFN 651440 Block 1272 type Movable Flags 0x4000000000080014(uptodate|lru|swapbacked)\n"
	" pin_user_pages_remote+0x5c/0x90\n"
	" get_arg_page+0x4c/0x108\n"
	"\n";

static void test_first_generation_pinner_file_gives_timed_pins(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PAGE_PINNER, first_gen_pinner);
	rec = run_next(&r);
	assert_string_equal(rec->system, "page_pinner_dump");
	assert_string_equal(rec->event, "pin");
	assert_int_equal(rec->ts_ns, 5123456789000);
	assert_int_equal(record_u64(rec, "pfn"), 651440);
	assert_field(rec, "block", "1272");
	assert_field(rec, "block_type", "Movable");
	assert_field(rec, "pinner_count", "2");
	assert_field(rec, "flags", "0x4000000000080014(uptodate|lru|swapbacked)");
	assert_int_equal(rec->nframes, 2);
	assert_frame(&rec->frames[0], "pin_user_pages_remote", 0x5c, 0x90, 0, NULL, 0);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* The same head with count 0 is a longterm_pinner record (N: how long the
 * pin was held, the stack the pin) or, in the generation that added
 * alloc_contig_failed, a record of that file (N: when a reference was put,
 * the stack the put): only the file's name tells. */
static const char first_gen_count0[] =
	"Page pinned ts 400123 us count 0\n"
	"PFN 651441 Block 1272 type CMA Flags 0x4000000000080014(uptodate|lru|swapbacked)\n"
	" kgsl_pin_pages+0x5c/0x120 [msm_kgsl]\n"
	"\n";

static void test_first_generation_count0_without_file_name_is_counted(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PAGE_PINNER, first_gen_count0);
	rec = run_next(&r);
	assert_string_equal(rec->event, "pinned");
	assert_int_equal(rec->ts_ns, -1);
	assert_field(rec, "pinned_us", "400123");
	assert_int_equal(rec->nframes, 1);
	run_end(&r);
	assert_int_equal(r.bad[PB_BAD_PINNER_SIDE], 1);
	assert_int_equal(r.last_bad_line, 1);
	assert_int_equal(run_bad_total(&r), 1);
	run_close(&r);
}

static void test_first_generation_count0_in_longterm_pinner_is_a_pin(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	open_named(&r, PB_FMT_PAGE_PINNER, first_gen_count0,
		   "/tmp/pixel/page_pinner/longterm_pinner");
	rec = run_next(&r);
	assert_string_equal(rec->event, "pin");
	assert_int_equal(rec->ts_ns, -1);
	assert_field(rec, "elapsed_us", "400123");
	assert_null(pb_record_field(rec, "pinned_us"));
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

static void test_first_generation_count0_in_alloc_contig_failed_is_a_timed_put(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	open_named(&r, PB_FMT_PAGE_PINNER, first_gen_count0, "alloc_contig_failed.txt");
	rec = run_next(&r);
	assert_string_equal(rec->event, "put");
	assert_int_equal(rec->ts_ns, 400123000);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* "Page pinned ts %lld us" without " count %d" (one print_page_pinner()
 * for longterm_pinner and alloc_contig_failed, a gs201 5.10 tree): read as
 * count 0, so the file's name decides the side, and nothing else counts
 * it as undecided. */
static const char ts_without_count[] =
	"Page pinned ts 76543 us\n"
	"PFN 651442 Block 1272 type CMA Flags 0x4000000000080014(uptodate|lru|swapbacked)\n"
	" mali_mem_pin+0x40/0x110 [mali_kbase]\n"
	"\n";

static void test_ts_head_without_count_takes_the_side_of_its_file(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	open_named(&r, PB_FMT_PAGE_PINNER, ts_without_count, "longterm_pinner");
	rec = run_next(&r);
	assert_string_equal(rec->event, "pin");
	assert_field(rec, "elapsed_us", "76543");
	assert_null(pb_record_field(rec, "pinner_count"));
	assert_int_equal(record_u64(rec, "pfn"), 651442);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);

	open_named(&r, PB_FMT_PAGE_PINNER, ts_without_count, "alloc_contig_failed");
	rec = run_next(&r);
	assert_string_equal(rec->event, "put");
	assert_int_equal(rec->ts_ns, 76543000);
	run_end(&r);
	run_close(&r);

	run_open(&r, PB_FMT_PAGE_PINNER, ts_without_count);
	rec = run_next(&r);
	assert_string_equal(rec->event, "pinned");
	run_end(&r);
	assert_int_equal(r.bad[PB_BAD_PINNER_SIDE], 1);
	run_close(&r);
}

/* "Page pinned for %lld us" (longterm_pinner) and "Page pinned ts
 * [%5lu.%06lu]" (alloc_contig_failed): heads of their own, so the side is
 * known whatever the name; the PFN line in decimal with the pageblock's
 * migratetype. */
static void test_second_generation_heads_give_the_side(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PAGE_PINNER,
		 "Page pinned ts [  812.004511]\n"
		 "PFN 651442 Block 1272 type CMA Flags 0x4000000000080014(uptodate|lru|swapbacked)\n"
		 " put_page+0x40/0x90\n"
		 " pipe_buf_release+0x2c/0x48\n"
		 "\n"
		 "Page pinned for 350000 us\n"
		 "PFN 651442 Block 1272 type CMA Flags 0x4000000000080014(uptodate|lru|swapbacked)\n"
		 " try_grab_page+0x88/0x130\n"
		 " follow_page_pte+0x1f0/0x4c0\n"
		 " __get_user_pages+0x1a4/0x3a8\n"
		 "\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "put");
	assert_int_equal(rec->ts_ns, 812004511000);
	assert_int_equal(record_u64(rec, "pfn"), 651442);
	assert_field(rec, "block_type", "CMA");
	assert_int_equal(rec->nframes, 2);
	rec = run_next(&r);
	assert_string_equal(rec->event, "pin");
	assert_int_equal(rec->ts_ns, -1);
	assert_field(rec, "elapsed_us", "350000");
	assert_int_equal(rec->nframes, 3);
	assert_frame(&rec->frames[2], "__get_user_pages", 0x1a4, 0x3a8, 0, NULL, 0);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* Samsung's second generation: the same heads, the PFN line of the later
 * generations ("PFN 0x%lx Block %lu count %d mapcount %d mapping %pS Flags
 * %#lx(%pGp)"). */
static void test_samsung_second_generation_has_a_hex_pfn_line(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PAGE_PINNER,
		 "Page pinned for 1200450 us\n"
		 "PFN 0x9f0bb0 Block 5093 count 3 mapcount 1 mapping 0x0 Flags 0x4000000000080014(uptodate|lru|swapbacked)\n"
		 " pin_user_pages+0x64/0x98\n"
		 " sec_camera_map+0x1c/0x60 [sec_cam]\n");
	rec = run_next(&r);
	assert_string_equal(rec->event, "pin");
	assert_int_equal(record_u64(rec, "pfn"), 0x9f0bb0);
	assert_field(rec, "count", "3");
	assert_field(rec, "mapcount", "1");
	assert_field(rec, "mapping", "0x0");
	assert_null(pb_record_field(rec, "block_type"));
	assert_frame(&rec->frames[1], "sec_camera_map", 0x1c, 0x60, 0, "sec_cam", 0);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* "At least, pinned for %lld us": longterm_pinner prints it for a long
 * pin (with the pin's stack), alloc_contig_failed and buffer for a put
 * after a failed migration (with the put's stack). */
static const char at_least[] =
	"At least, pinned for 300456 us\n"
	"PFN 0xa3a41 Block 1309 count 2 mapcount 1 mapping 0xffff000105e2c8d0 "
	"Flags 0x3fffc000008003c(0x3fffc000008003c(uptodate|dirty|lru|node=0|zone=0|lastcpupid=0xffff))\n"
	" pin_user_pages+0x64/0x98\n"
	"\n";

static void test_at_least_in_longterm_pinner_is_a_pin(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	open_named(&r, PB_FMT_PAGE_PINNER, at_least, "longterm_pinner.txt.xz");
	rec = run_next(&r);
	assert_string_equal(rec->event, "pin");
	assert_field(rec, "elapsed_us", "300456");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
	open_named(&r, PB_FMT_PAGE_PINNER, at_least, "dumps/buffer");
	assert_string_equal(run_next(&r)->event, "put");
	run_close(&r);
}

static void test_at_least_is_a_put_where_the_file_has_failure_records(void **state)
{
	struct parse_run r;

	(void)state;
	run_open(&r, PB_FMT_PAGE_PINNER,
		 "At least, pinned for 300456 us\n"
		 "PFN 0xa3a41 Block 1309 count 1 mapcount 1 mapping 0x0 Flags 0x3fffc000008003c(uptodate)\n"
		 " unpin_user_page+0x24/0x38\n"
		 "\n"
		 "Failure detected at [ 4120.310300]\n"
		 "PFN 0xa3a41 Block 1309 count 3 mapcount 1 mapping 0x0 Flags 0x3fffc000008003c(uptodate)\n"
		 " __alloc_contig_migrate_range+0x1b8/0x1e0\n");
	assert_string_equal(run_next(&r)->event, "put");
	assert_string_equal(run_next(&r)->event, "failure_detected");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

static void test_at_least_alone_is_counted_and_stops_a_strict_import(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PAGE_PINNER, at_least);
	rec = run_next(&r);
	assert_string_equal(rec->event, "pinned");
	run_end(&r);
	assert_int_equal(r.bad[PB_BAD_PINNER_SIDE], 1);
	assert_non_null(strstr(pb_bad_reason_hint(PB_BAD_PINNER_SIDE), "longterm_pinner"));
	run_close(&r);

	run_open(&r, PB_FMT_PAGE_PINNER, at_least);
	r.stop_on_bad = 1;
	assert_int_equal(pb_parser_next(r.p, &rec), -1);
	assert_int_equal(pb_parser_error_line(r.p), 1);
	run_close(&r);
}

/* %pGp prints "0x..(names)" since 5.17, so page_pinner's "Flags
 * %#lx(%pGp)" prints the value twice: kept once; two different values are
 * kept as printed. */
static void test_doubled_flags_are_kept_once(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	open_named(&r, PB_FMT_PAGE_PINNER, at_least, "buffer");
	rec = run_next(&r);
	assert_field(rec, "flags", "0x3fffc000008003c(uptodate|dirty|lru|node=0|zone=0|lastcpupid=0xffff)");
	run_close(&r);
	open_named(&r, PB_FMT_PAGE_PINNER,
		   "Freed at [  181.000000]\n"
		   "PFN 0xa3a41 Block 1309 count 0 mapcount 0 mapping 0x0 Flags 0x2c(0x3c(uptodate))\n",
		   "buffer");
	assert_field(run_next(&r), "flags", "0x2c(0x3c(uptodate))");
	run_close(&r);
}

/* 3.19 to 4.5: "Page allocated via order %u, mask 0x%x" and "PFN %lu
 * Block %lu type %d %s Flags %s%s..." (one column per flag letter). */
static void test_owner_first_layout(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PAGE_OWNER,
		 "Page allocated via order 0, mask 0x200da\n"
		 "PFN 651440 Block 1272 type 2 Fallback Flags    UDLA    M\n"
		 " [<ffffffff8116e1ea>] __alloc_pages_nodemask+0x15a/0xa30\n"
		 " [<ffffffff811ab938>] alloc_pages_vma+0x88/0x120\n"
		 "\n"
		 "Page allocated via order 1, mask 0xd0\n"
		 "PFN 651442 Block 1272 type 0          Flags          S  \n"
		 " [<ffffffff811ab938>] kmalloc_order+0x18/0x40\n");
	rec = run_next(&r);
	assert_string_equal(rec->system, "page_owner");
	assert_string_equal(rec->event, "allocated");
	assert_field(rec, "order", "0");
	assert_field(rec, "gfp_mask", "0x200da");
	assert_int_equal(record_u64(rec, "pfn"), 651440);
	assert_field(rec, "block", "1272");
	assert_field(rec, "block_type_id", "2");
	assert_field(rec, "fallback", "1");
	assert_field(rec, "flag_letters", "UDLAM");
	assert_int_equal(rec->pid, -1);
	assert_int_equal(rec->ts_ns, -1);
	assert_int_equal(rec->nframes, 2);
	assert_frame(&rec->frames[0], "__alloc_pages_nodemask", 0x15a, 0xa30,
		     0xffffffff8116e1ea, NULL, 0);
	rec = run_next(&r);
	assert_field(rec, "block_type_id", "0");
	assert_null(pb_record_field(rec, "fallback"));
	assert_field(rec, "flag_letters", "S");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* 4.6 to 5.10: "mask %#x(%pGg)", "PFN %lu type %s Block %lu type %s Flags
 * %#lx(%pGp)", the migrate reason after the stack. */
static void test_owner_named_migratetypes_layout(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PAGE_OWNER,
		 "Page allocated via order 0, mask 0x24200ca(GFP_HIGHUSER_MOVABLE)\n"
		 "PFN 651440 type Movable Block 1272 type CMA Flags 0x4000000000080068(uptodate|lru|active|swapbacked)\n"
		 " get_page_from_freelist+0x7b8/0x1370\n"
		 " __alloc_pages_nodemask+0x17c/0x348\n"
		 "Page has been migrated, last migrate reason: compaction\n"
		 "\n");
	rec = run_next(&r);
	assert_field(rec, "gfp_mask", "0x24200ca(GFP_HIGHUSER_MOVABLE)");
	assert_int_equal(record_u64(rec, "pfn"), 651440);
	assert_field(rec, "migratetype", "Movable");
	assert_field(rec, "block_type", "CMA");
	assert_field(rec, "migrate_reason", "compaction");
	assert_int_equal(rec->nframes, 2);
	assert_int_equal(rec->pid, -1);
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* pid and ts (5.11), free_ts (5.13), tgid and comm (6.x), free_ts gone
 * again: every piece optional, each kept where printed. */
static void test_owner_pid_tgid_and_times_as_printed(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PAGE_OWNER,
		 "Page allocated via order 0, mask 0x100cca(GFP_HIGHUSER_MOVABLE), pid 812, ts 9012345678 ns\n"
		 "PFN 651440 type Movable Block 1272 type Movable Flags 0x4000000000080014(uptodate|lru|swapbacked)\n"
		 " get_page_from_freelist+0x7b8/0x1370\n"
		 "\n"
		 "Page allocated via order 0, mask 0x100cca(GFP_HIGHUSER_MOVABLE), pid 813, ts 9012345679 ns, free_ts 8012345678 ns\n"
		 "PFN 651441 type Movable Block 1272 type Movable Flags 0x4000000000080014(uptodate|lru|swapbacked)\n"
		 " get_page_from_freelist+0x7b8/0x1370\n"
		 "\n"
		 "Page allocated via order 0, mask 0x100cca(GFP_HIGHUSER_MOVABLE), pid 1873, tgid 1870 (cuda-EvtHandlr), ts 4101002113450 ns, free_ts 0 ns\n"
		 "PFN 651442 type Movable Block 1272 type CMA Flags 0x3fffc000008002c(uptodate|dirty|active|swapbacked|node=0|zone=0|lastcpupid=0xffff)\n"
		 " shmem_alloc_folio+0x84/0xb8\n"
		 "\n");
	rec = run_next(&r);
	assert_int_equal(rec->pid, 812);
	assert_int_equal(rec->tgid, -1);
	assert_int_equal(rec->ts_ns, 9012345678);
	assert_null(pb_record_field(rec, "free_ts"));
	rec = run_next(&r);
	assert_int_equal(rec->pid, 813);
	assert_field(rec, "free_ts", "8012345678");
	rec = run_next(&r);
	assert_int_equal(rec->pid, 1873);
	assert_int_equal(rec->tgid, 1870);
	assert_string_equal(rec->comm, "cuda-EvtHandlr");
	assert_int_equal(rec->ts_ns, 4101002113450);
	assert_field(rec, "free_ts", "0");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* 6.9+: "PFN 0x%lx", "Flags %pGp"; the allocator frames of 6.10+ carry
 * "_noprof" (memory allocation profiling), kept as printed. */
static void test_owner_hex_pfn_and_noprof_frames(void **state)
{
	struct parse_run r;
	struct pb_record *rec;

	(void)state;
	run_open(&r, PB_FMT_PAGE_OWNER,
		 "Page allocated via order 0, mask 0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), pid 2210, tgid 2210 (cam_alloc), ts 4111980220417 ns\n"
		 "PFN 0xa3104 type Movable Block 1304 type CMA Flags 0x3fffc0000080068(uptodate|lru|active|swapbacked|node=0|zone=0|lastcpupid=0xffff)\n"
		 " post_alloc_hook+0x1a0/0x1c8\n"
		 " get_page_from_freelist+0x7b8/0x1370\n"
		 " __alloc_pages_noprof+0x17c/0x348\n"
		 " alloc_pages_mpol_noprof+0x98/0x1f0\n"
		 " folio_alloc_mpol_noprof+0x18/0x60\n"
		 "Charged to memcg camera\n"
		 "\n");
	rec = run_next(&r);
	assert_int_equal(record_u64(rec, "pfn"), 0xa3104);
	assert_field(rec, "flags", "0x3fffc0000080068(uptodate|lru|active|swapbacked|node=0|zone=0|lastcpupid=0xffff)");
	assert_string_equal(rec->comm, "cam_alloc");
	assert_int_equal(rec->nframes, 5);
	assert_frame(&rec->frames[2], "__alloc_pages_noprof", 0x17c, 0x348, 0, NULL, 0);
	assert_field(rec, "memcg", "camera");
	run_end(&r);
	assert_int_equal(run_bad_total(&r), 0);
	run_close(&r);
}

/* Each generation's first record head is recognised without --format. */
static void test_every_generation_is_detected(void **state)
{
	static const struct {
		const char *head;
		enum pb_format format;
	} heads[] = {
		{ "Page pinned ts 5123456789 us count 2\nPFN 651440 Block 1272 type Movable Flags 0x0()\n",
		  PB_FMT_PAGE_PINNER },
		{ "Page pinned for 350000 us\nPFN 651442 Block 1272 type CMA Flags 0x0()\n",
		  PB_FMT_PAGE_PINNER },
		{ "Page pinned ts [  812.004511]\nPFN 651442 Block 1272 type CMA Flags 0x0()\n",
		  PB_FMT_PAGE_PINNER },
		{ "At least, pinned for 300456 us\n", PB_FMT_PAGE_PINNER },
		{ "Page allocated via order 0, mask 0x200da\nPFN 651440 Block 1272 type 2 Fallback Flags    U\n",
		  PB_FMT_PAGE_OWNER },
	};

	(void)state;
	for (size_t i = 0; i < PB_ARRAY_SIZE(heads); i++)
		assert_int_equal(pb_format_detect(heads[i].head, strlen(heads[i].head)),
				 heads[i].format);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_generation_pinner_file_gives_timed_pins),
		cmocka_unit_test(test_first_generation_count0_without_file_name_is_counted),
		cmocka_unit_test(test_first_generation_count0_in_longterm_pinner_is_a_pin),
		cmocka_unit_test(test_first_generation_count0_in_alloc_contig_failed_is_a_timed_put),
		cmocka_unit_test(test_ts_head_without_count_takes_the_side_of_its_file),
		cmocka_unit_test(test_second_generation_heads_give_the_side),
		cmocka_unit_test(test_samsung_second_generation_has_a_hex_pfn_line),
		cmocka_unit_test(test_at_least_in_longterm_pinner_is_a_pin),
		cmocka_unit_test(test_at_least_is_a_put_where_the_file_has_failure_records),
		cmocka_unit_test(test_at_least_alone_is_counted_and_stops_a_strict_import),
		cmocka_unit_test(test_doubled_flags_are_kept_once),
		cmocka_unit_test(test_owner_first_layout),
		cmocka_unit_test(test_owner_named_migratetypes_layout),
		cmocka_unit_test(test_owner_pid_tgid_and_times_as_printed),
		cmocka_unit_test(test_owner_hex_pfn_and_noprof_frames),
		cmocka_unit_test(test_every_generation_is_detected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
