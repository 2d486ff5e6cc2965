#!/usr/bin/env bash
# report --format md escapes every cell: a '|' or a backtick in a call
# site's name neither breaks the table nor ends its code span, and a
# backtick run in a frame does not end the stack's fenced block.
. "$(dirname "$0")/lib.sh"
sed -e 's/os_lock_user_pages/os_lock|user`pages/' -e 's/_nv041283rm/_nv```x/' \
	"$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt" > "$TMP/md.txt"
fixture "the sample with '|' and backticks imports" "$PINBLAME" import -q "$TMP/md.txt"
pb report --format md
is "$rc" 0 "report --format md exits 0"
printf '%s\n' "$out" > "$TMP/r.md"

# Rows of the ranked table: as many cells as the header, pipes escaped.
header=$(grep -m1 '^| # | call site' "$TMP/r.md")
cells() {
	sed 's/\\|//g' <<<"$1" | tr -cd '|' | wc -c
}
row=$(grep -F 'os_lock' "$TMP/r.md" | grep '^| ')
is "$(cells "$row")" "$(cells "$header")" "the row of 'os_lock|user\`pages' has as many cells as the header"
is "$row" '| 2 | ``os_lock\|user`pages`` | 1 | 1 | 50.0% | high |' "its name is a code span of two backticks, '|' escaped"
like "$(cat "$TMP/r.md")" '#### 2\. ``os_lock\|user`pages`` \[nvidia\]' "the heading names it in a code span of two backticks"
# The fenced block of its example stack: fenced by four backticks.
is "$(grep -c '^````$' "$TMP/r.md")" 2 "the stack holding \`\`\` is fenced by four backticks"
like "$(cat "$TMP/r.md")" '^  _nv```x \[nvidia\]$' "and keeps the frame as it is"
# Markdown read back by a CommonMark parser, when one is installed.
if python3 -c 'import markdown_it' 2>/dev/null; then
	python3 - "$TMP/r.md" <<'PY'
import sys, markdown_it
md = markdown_it.MarkdownIt("gfm-like")
html = md.render(open(sys.argv[1]).read())
sys.exit(0 if "<code>os_lock|user`pages</code>" in html else 1)
PY
	is "$?" 0 "a GFM parser reads the cell back as the name"
fi
done_testing
