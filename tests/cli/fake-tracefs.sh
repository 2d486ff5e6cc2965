# fake-tracefs.sh - sourced by the record tests: make_fake_tracefs DIR
# builds a directory tree laid out like tracefs on a kernel with CMA,
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
	for e in cma/cma_alloc_start cma/cma_alloc_finish cma/cma_alloc_busy_retry \
		cma/cma_release migrate/mm_migrate_pages page_isolation/test_pages_isolated \
		compaction/mm_compaction_begin compaction/mm_compaction_end \
		kmem/mm_page_alloc_extfrag pinblame/try_grab_folio; do
		fake_event "$r" "${e%/*}" "${e#*/}"
	done
	fake_file "$r/trace_pipe" '              sh-106     (    106) [000] .....     6.843580: cma_alloc_start: name=hugetlb0 count=8192 align=13\n              sh-106     (    106) [000] .....     6.843622: <stack trace>\n => cma_alloc\n => alloc_fresh_huge_page\n'
}
