#!/usr/bin/env bash
# report -o and export -o write a temporary file beside FILE and rename it
# on success: a failed write leaves the old FILE as it was and nothing
# half written.
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 1
fixture "the sample imports" "$PINBLAME" import -q "$SAMPLES/ftrace-6.6-page_ref-cma_errorno.txt"
mkdir dir
umask 022

pb report -o dir/r.html
is "$rc" 0 "report -o exits 0"
like "$(head -c 200 dir/r.html)" '<!DOCTYPE html>|<html' "it wrote the HTML report"
is "$(stat -c %a dir/r.html)" 644 "with the mode fopen() would give (umask 022)"
is "$(ls -A dir | tr '\n' ' ')" "r.html " "and no temporary file is left"

for cmd in "report -o dir/r.html" "export --jsonl -o dir/r.html"; do
	echo 'the old file' > dir/r.html
	# writes past 1 KiB fail (EFBIG; the signal ignored)
	run bash -c "trap '' XFSZ; ulimit -f 1; exec \"\$0\" \$1" "$PINBLAME" "$cmd"
	is "$rc" 3 "$cmd: a write that fails exits 3"
	like "$err" 'dir/r.html: write error' "$cmd: names the file"
	is "$(cat dir/r.html)" "the old file" "$cmd: the old file is intact"
	is "$(ls -A dir | tr '\n' ' ')" "r.html " "$cmd: nothing partial is left"
done

chmod 555 dir
run "$PINBLAME" report -o dir/r.txt
[ "$(id -u)" = 0 ] || is "$rc" 3 "a folder that cannot be written: exit 3"
chmod 755 dir
pb report -o /dev/null
is "$rc" 0 "report -o /dev/null writes the device in place"
ok "$([ -c /dev/null ]; echo $?)" "/dev/null is still a device"
pb export --jsonl -o dir/e.jsonl
is "$rc" 0 "export -o exits 0"
is "$(head -c 15 dir/e.jsonl)" '{"type":"export' "and wrote the export"
done_testing
