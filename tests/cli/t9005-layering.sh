#!/usr/bin/env bash
# The layering of doc/HACKING.md ("Who may call whom"), read from the
# #include lines themselves: each module's files, and each public header,
# include only the public headers of the modules it sits on, and a
# module's private header (*_int.h) is included only by that module's
# files. (lib/analyze once included render.h for five helpers; they are
# analyze's now.)
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)

# The module of public header H (core.h, options.h: core).
module_of() {
	case $1 in
	options.h) echo core ;;
	*) echo "${1%.h}" ;;
	esac
}

# What module M may include, itself first (doc/HACKING.md's table).
allowed() {
	case $1 in
	core) echo "core" ;;
	input) echo "input core" ;;
	parse) echo "parse input core" ;;
	store) echo "store parse input core" ;;
	analyze) echo "analyze store core" ;;
	render) echo "render analyze store core" ;;
	capture) echo "capture core" ;;
	esac
}

# bad_includes M FILE...: the public headers FILE... include against M's
# row, as "file: header" lines.
bad_includes() {
	local m=$1 ok f h
	shift
	ok=" $(allowed "$m") "
	for f in "$@"; do
		for h in $(sed -n 's/^#include "pinblame\/\([a-z_]*\.h\)".*/\1/p' "$f"); do
			case $ok in
			*" $(module_of "$h") "*) ;;
			*) echo "${f#"$top"/}: $h" ;;
			esac
		done
	done
}

for m in core input parse store analyze render capture; do
	is "$(bad_includes "$m" "$top"/lib/"$m"/*.[ch])" "" "lib/$m includes only what it sits on"
done
for h in "$top"/include/pinblame/*.h; do
	is "$(bad_includes "$(module_of "$(basename "$h")")" "$h")" "" \
		"include/pinblame/$(basename "$h") includes only what its module sits on"
done

# A private header is found by a path outside its folder only with "../"
# or a folder name: no file of the program does that (the unit tests do:
# they test a module's insides).
is "$(grep -rn --include='*.[ch]' -E '#include "[^"]*/[a-z_]*_int\.h"' "$top/lib" "$top/cmd" \
	"$top/fuzz" | sed "s|^$top/||")" "" \
	"no file of the program includes another module's private header by its path"

done_testing
