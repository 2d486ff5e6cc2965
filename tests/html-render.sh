#!/usr/bin/env bash
# html-render.sh - renders an HTML report in a real browser (headless
# Chromium, the Debian package) and checks that the page rendered: the
# screenshot is not blank and has the charts' colours, and the DOM that
# Chromium built has the report's titles and its three SVG charts.
#
#   tests/html-render.sh REPORT.html SCREENSHOT.png
#
# Exits 0 when the page rendered, 1 when it did not, 2 on usage, 77 when
# Chromium is missing and cannot be installed. Chromium is installed with
# apt-get when missing (as root, or through sudo).
set -u
if [ $# -ne 2 ]; then
	echo "usage: $0 REPORT.html SCREENSHOT.png" >&2
	exit 2
fi
html=$(realpath "$1")
png=$2
fail() { echo "html-render: $*" >&2; exit 1; }

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
	echo "html-render: installing chromium" >&2
	{ $sudo apt-get update -qq &&
	  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium; } >&2 ||
		{ echo "html-render: chromium is missing and could not be installed" >&2; exit 77; }
	browser=$(command -v chromium) || exit 77
fi

# Self-contained: nothing the page would have to fetch.
if grep -Eiq '<script|<img|<link|<iframe|@import|url\(|src=|href="(https?:)?//' "$html"; then
	fail "$1 refers to something outside the file"
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
run_browser() {
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$profile" "$@" "file://$html" 2>"$profile/log"
}
run_browser --screenshot="$png" --window-size=1280,2000 >/dev/null ||
	fail "chromium failed: $(tail -3 "$profile/log")"
[ -s "$png" ] || fail "no screenshot written"
dom=$(run_browser --dump-dom) || fail "chromium --dump-dom failed"

for title in 'pinblame report' 'Allocations and migrations' 'Failures over time' \
	'Top call sites' 'Holder stacks' 'Call site details' 'Failures and their evidence'; do
	printf '%s' "$dom" | grep -q ">$title</h[12]>" || fail "title '$title' not rendered"
done
[ "$(printf '%s' "$dom" | grep -o '<svg ' | wc -l)" -eq 3 ] || fail "expected 3 SVG charts"

# The screenshot: a real PNG of 1280x2000 where more than 3% of the
# pixels are not white and the timeline's red (#c0392b) shows up.
python3 - "$png" <<'EOF' || exit 1
import struct, sys, zlib

data = open(sys.argv[1], 'rb').read()
if data[:8] != b'\x89PNG\r\n\x1a\n':
    sys.exit('html-render: not a PNG')
pos, idat, width = 8, b'', 0
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b'IHDR':
        width, height, depth, ctype = struct.unpack('>IIBB', body[:10])
    elif kind == b'IDAT':
        idat += body
    pos += 12 + n
if (width, height, depth) != (1280, 2000, 8) or ctype not in (2, 6):
    sys.exit('html-render: unexpected PNG %dx%d depth %d type %d'
             % (width, height, depth, ctype))
bpp = 3 if ctype == 2 else 4
raw, stride = zlib.decompress(idat), width * bpp
prev, ink, red = bytearray(stride), 0, 0
for y in range(height):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        px = tuple(line[x:x + 3])
        if px != (255, 255, 255):
            ink += 1
        if px == (0xc0, 0x39, 0x2b):
            red += 1
    prev = line
share = ink / (width * height)
if share < 0.03:
    sys.exit('html-render: screenshot nearly blank (%.2f%% ink)' % (share * 100))
if red < 50:
    sys.exit('html-render: no chart colour in the screenshot (%d red pixels)' % red)
print('html-render: %.1f%% of the page drawn, %d pixels of chart red' % (share * 100, red))
EOF
