#!/bin/bash
# t9001-deb.sh - one version everywhere (the VERSION file, 'pinblame
# --version', debian/changelog, the man pages), and the Debian package of
# 'make deb': unpacked into a scratch root with dpkg -x, its pinblame runs
# and imports from there, with its man pages, completion and docs in
# place. The package checks are skipped when there is no .deb (make deb
# is slow: make check does not build it); PB_DEB names another .deb.
. "$(dirname "$0")/lib.sh"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
version=$(cat "$TOP/VERSION")

# skip NAME REASON: a TAP test that did not run
skip() {
	_report 0 "$1 # SKIP $2"
}

like "$version" '^[0-9]+\.[0-9]+\.[0-9]+$' "VERSION holds one version: $version"
pb --version
is "$out" "pinblame $version" "pinblame --version prints VERSION"
is "$(sed -n '1s/^pinblame (\([^)]*\)).*/\1/p' "$TOP/debian/changelog")" "$version" \
	"debian/changelog's latest entry is VERSION"
pages=$(ls "$TOP"/man/*.1 2> /dev/null | wc -l)
if [ "$pages" -gt 0 ]; then
	is "$(grep -L "^\.TH .* \"pinblame $version\"\$" "$TOP"/man/*.1)" "" \
		"every built man page names VERSION in its footer ($pages pages)"
else
	skip "man pages name VERSION" "no man page built (no scdoc)"
fi

arch=$(dpkg --print-architecture 2> /dev/null)
deb=${PB_DEB:-$TOP/build-deb/pinblame_${version}_$arch.deb}
if [ ! -f "$deb" ]; then
	for name in "package is pinblame $version" "pinblame --version from the package" \
		"import from the package" "man pages in the package" "completion in the package: bash and zsh" \
		"docs in the package"; do
		skip "$name" "no $deb: run make deb"
	done
	done_testing
fi

is "$(dpkg-deb -f "$deb" Package Version Architecture | tr '\n' ' ')" \
	"Package: pinblame Version: $version Architecture: $arch " "package is pinblame $version"
root=$TMP/root
dpkg -x "$deb" "$root"
run "$root/usr/bin/pinblame" --version
is "$out" "pinblame $version" "pinblame --version from the package"

# one import by the packaged binary (event count from the capture's README)
run "$root/usr/bin/pinblame" -d "$TMP/deb.db" import "$REAL/arm64-ftrace-hugetlb-cma/trace.txt.xz"
like "$rc:$out" '^0:.*: ftrace, 332192 events, 4 bad lines' "import from the package"

scd=$(cd "$TOP/man" && ls *.1.scd | sed 's/\.scd$/.gz/' | sort | tr '\n' ' ')
is "$(cd "$root/usr/share/man/man1" && ls | sort | tr '\n' ' ')" "$scd" "man pages in the package: one per man/*.scd"
zcat "$root/usr/share/man/man1/pinblame.1.gz" | grep -q "^\.TH .* \"pinblame $version\"\$"
ok $? "the packaged pinblame(1) names VERSION"
cmp -s "$root/usr/share/bash-completion/completions/pinblame" "$TOP/contrib/completion/pinblame.bash" &&
	cmp -s "$root/usr/share/zsh/vendor-completions/_pinblame" "$TOP/contrib/completion/pinblame.zsh"
ok $? "completion in the package: bash and zsh"
[ -f "$root/usr/share/doc/pinblame/README.md.gz" ] && [ -f "$root/usr/share/doc/pinblame/copyright" ]
ok $? "docs in the package: README and copyright"

done_testing
