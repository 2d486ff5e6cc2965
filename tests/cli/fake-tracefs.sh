# fake-tracefs.sh - sourced by the record tests: make_fake_tracefs DIR
# (and make_fake_proc DIR for PINBLAME_PROC) builds a directory tree laid out like tracefs on a kernel with CMA,
# migration, isolation, compaction and kprobes, but without page_ref,
# page_pinner and mm_migrate_pages_start. Files hold what the kernel shows;
# writes land in them as plain file writes (appends for commands).

fake_file() {
	mkdir -p "$(dirname "$1")" && printf "$2" > "$1"
}

fake_event() { # ROOT SYSTEM EVENT
	d=$1/events/$2/$3
	fake_file "$d/enable" '0\n'
	fake_file "$d/trigger" '# Available triggers:\n# traceon traceoff snapshot stacktrace enable_event disable_event enable_hist disable_hist hist\n'
	fake_file "$d/filter" 'none\n'
	fake_file "$d/format" "name: $3\nID: 1\nformat:\n"
	fake_file "$1/events/$2/enable" '0\n'
}

make_fake_tracefs() {
	r=$1
	mkdir -p "$r"
	fake_file "$r/tracing_on" '1\n'
	fake_file "$r/buffer_size_kb" '7 (expanded: 1408)\n'
	fake_file "$r/current_tracer" 'nop\n'
	fake_file "$r/options/overwrite" '1\n'
	fake_file "$r/options/record-tgid" '0\n'
	fake_file "$r/options/hash-ptr" '1\n'
	fake_file "$r/trace" '# tracer: nop\nold buffer content\n'
	fake_file "$r/kprobe_events" ''
	fake_file "$r/events/header_page" 'field: u64 timestamp;\n'
	fake_file "$r/events/header_event" '# compressed entry header\n'
	fake_file "$r/per_cpu/cpu0/stats" 'entries: 0\noverrun: 0\ndropped events: 0\n'
	fake_file "$r/per_cpu/cpu0/buffer_size_kb" '7\n'
	# ftrace may patch the GUP functions, not generic_file_splice_read
	fake_file "$r/available_filter_functions" 'try_grab_folio\ntry_grab_page\n'
	for e in cma/cma_alloc_start cma/cma_alloc_finish cma/cma_alloc_busy_retry \
		cma/cma_release migrate/mm_migrate_pages page_isolation/test_pages_isolated \
		compaction/mm_compaction_begin compaction/mm_compaction_end \
		kmem/mm_page_alloc_extfrag pinblame/try_grab_folio \
		pinblame/generic_file_splice_read; do
		fake_event "$r" "${e%/*}" "${e#*/}"
	done
	fake_file "$r/trace_pipe" '              sh-106     (    106) [000] .....     6.843580: cma_alloc_start: name=hugetlb0 count=8192 align=13\n              sh-106     (    106) [000] .....     6.843622: <stack trace>\n => cma_alloc\n => alloc_fresh_huge_page\n'
}

# make_fake_proc DIR: the procfs files record reads (PINBLAME_PROC=DIR):
# kallsyms of a 6.1-like kernel, and the optprobes switch of x86.
make_fake_proc() {
	fake_file "$1/kallsyms" 'ffff8000082fff80 T try_grab_folio\nffff800008300150 T try_grab_page\nffff8000083f5f10 T generic_file_splice_read\nffff8000085b34e0 T copy_page_to_iter\n'
	fake_file "$1/sys/debug/kprobes-optimization" '1\n'
}
