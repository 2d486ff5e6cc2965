#compdef pinblame
# zsh completion for pinblame(1), installed as _pinblame in a directory of
# $fpath (make install, the Debian package).
#
# It asks the bash completion (pinblame.bash, installed beside it by the
# same package) for the words, in a bash subprocess, so that both shells
# complete from the same reading of 'pinblame COMMAND --help' and of the
# store: one implementation, nothing to keep in step. File names are left
# to zsh's own _files.

# The bash completion script: $PINBLAME_BASH_COMPLETION, else where make
# install and the package put it, else beside this file (a source tree).
_pinblame_bash_script() {
	local f here=${functions_source[_pinblame]:h}
	for f in ${PINBLAME_BASH_COMPLETION:-} \
		/usr/share/bash-completion/completions/pinblame \
		/usr/local/share/bash-completion/completions/pinblame \
		${here:+$here/../../bash-completion/completions/pinblame} \
		${here:+$here/pinblame.bash}; do
		[[ -r $f ]] && { print -r -- $f; return 0 }
	done
	return 1
}

# _pinblame_candidates CWORD WORD...: the bash completion's answer for the
# command line WORD... completed at index CWORD (0: the program), one word
# a line; a first line FILES when it would complete file names.
_pinblame_candidates() {
	local script
	script=$(_pinblame_bash_script) || return 1
	bash -c '
		script=$1 cword=$2; shift 2
		. "$script" || exit 1
		_pinblame_files() { echo FILES; exit 0; }
		COMP_WORDS=("$@") COMP_CWORD=$cword COMPREPLY=()
		_pinblame
		printf "%s\n" "${COMPREPLY[@]}"' pinblame "$script" "$@"
}

_pinblame() {
	local -a reply
	reply=(${(f)"$(_pinblame_candidates $((CURRENT - 1)) "${words[@]}")"})
	if [[ ${reply[1]} == FILES ]]; then
		_files
	else
		compadd -a reply
	fi
}

_pinblame "$@"
