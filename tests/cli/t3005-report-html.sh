#!/usr/bin/env bash
# The HTML report of the arm64 capture in a real browser: headless
# Chromium renders it (tests/html-render.sh), the page is not blank and
# shows its titles and its three charts.
. "$(dirname "$0")/lib.sh"
fixture "the arm64 capture imports" "$PINBLAME" import "$REAL/arm64-ftrace-hugetlb-cma/trace.txt.xz" \
	"$REAL/arm64-ftrace-hugetlb-cma/dmesg.txt"

pb report --format html -o "$TMP/report.html"
is "$rc" 0 "report --format html exits 0"
is "$(grep -c '<svg ' "$TMP/report.html")" 3 "three inline SVG charts"
is "$(grep -c 'class="marker"' "$TMP/report.html")" 8 "the 8 trace markers on the timeline"
"$(dirname "$0")/../html-render.sh" "$TMP/report.html" "$TMP/report.png" > "$TMP/render.log" 2>&1
rc=$?
if [ "$rc" = 77 ]; then
	_report 0 "Chromium renders the page # SKIP chromium unavailable"
else
	ok "$rc" "Chromium renders the page: $(tail -1 "$TMP/render.log")"
fi
done_testing
