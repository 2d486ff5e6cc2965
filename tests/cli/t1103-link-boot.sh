#!/usr/bin/env bash
# A trace and its kernel log imported together are one machine's boot:
# the trace (which carries no uname) gets the kernel the log names.
. "$(dirname "$0")/lib.sh"
cap=$REAL/arm64-ftrace-hugetlb-cma

fixture "trace and dmesg import together" "$PINBLAME" import "$cap/trace.txt.xz" "$cap/dmesg.txt"
is "$(sql "SELECT count(DISTINCT boot) || '/' || count(*) FROM sources")" 1/2 "both sources are one boot"
is "$(sql "SELECT kernel || ' ' || arch FROM sources WHERE format = 'ftrace'")" "6.1.0-50-arm64 aarch64" "the trace takes the log's kernel and arch"

# into a copy of that store, so the cases above read it as imported
setup "a copy of the store of that boot" copy_store "$PINBLAME_DB" "$TMP/alone.db"
export PINBLAME_DB=$TMP/alone.db
pb import "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"
is "$(sql "SELECT boot IS NULL AND kernel IS NULL FROM sources WHERE path LIKE '%ftrace-6.6%'")" 1 "a file imported alone is linked to nothing"
done_testing
