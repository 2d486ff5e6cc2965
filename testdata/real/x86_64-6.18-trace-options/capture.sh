#!/bin/bash
# gen.sh NAME [option...] [clock=X] [pipe] : one capture into /tmp/var/NAME.txt
T=/sys/kernel/tracing/instances/pbv
name=$1; shift
rmdir $T 2>/dev/null; mkdir $T
pipe=0
for o in "$@"; do
  case $o in
    clock=*) echo ${o#clock=} > $T/trace_clock ;;
    pipe) pipe=1 ;;
    *) echo $o > $T/trace_options ;;
  esac
done
for e in migrate/mm_migrate_pages migrate/mm_migrate_pages_start page_isolation/test_pages_isolated compaction/mm_compaction_begin compaction/mm_compaction_end compaction/mm_compaction_migratepages kmem/mm_page_alloc_extfrag; do
  echo 1 > $T/events/$e/enable
done
if [ $pipe = 1 ]; then timeout 4 cat $T/trace_pipe > /tmp/var/$name.txt & fi
echo 1 > $T/tracing_on
echo "pb marker $name" > $T/trace_marker
echo 1 > /proc/sys/vm/compact_memory
sleep 2
echo 0 > $T/tracing_on
if [ $pipe = 1 ]; then wait; else cat $T/trace > /tmp/var/$name.txt; fi
rmdir $T
