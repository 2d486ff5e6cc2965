# bash completion for pinblame(1).
#
# Installed by 'make install' (and the Debian package) as
# share/bash-completion/completions/pinblame; or source this file.
#
# The commands and each command's options are read from the program's own
# help ('pinblame --help', 'pinblame COMMAND --help'), once per shell, so
# that the completion cannot drift from the program: an option is any
# -x or --word on a usage line or at the start of an option line, and it
# takes a value when one space and a word follow it ('--top N',
# '--format text|md|html|json'). Failure ids (show, blame --failure) and
# the import formats come from 'pinblame __complete failures|formats',
# one read-only query of the store named by -d or $PINBLAME_DB.
# Needs nothing from the bash-completion package.

# The help of COMMAND ('' for pinblame's own), cached per shell.
declare -gA _pinblame_help_cache 2>/dev/null || true
_pinblame_help() {
	local key=$_pinblame_prog/${1:-.}
	if [[ -z ${_pinblame_help_cache[$key]+set} ]]; then
		if [[ -n $1 ]]; then
			_pinblame_help_cache[$key]=$(command "$_pinblame_prog" "$1" --help 2>/dev/null)
		else
			_pinblame_help_cache[$key]=$(command "$_pinblame_prog" --help 2>/dev/null)
		fi
	fi
	printf '%s\n' "${_pinblame_help_cache[$key]}"
}

# The commands: the lines under "commands:" in 'pinblame --help'.
_pinblame_commands() {
	local line in=0
	while IFS= read -r line; do
		if [[ $line == commands:* ]]; then
			in=1
		elif [[ -z $line ]]; then
			in=0
		elif (( in )) && [[ $line =~ ^[[:space:]]+([a-z][a-z0-9-]*) ]]; then
			printf '%s\n' "${BASH_REMATCH[1]}"
		fi
	done < <(_pinblame_help "")
}

# COMMAND's options, one a line: "--name", or "--name VALUE" when it takes
# one (VALUE is the placeholder or the a|b|c list the help shows).
_pinblame_options() {
	local line in_usage=0 rest name value names
	while IFS= read -r line; do
		if [[ $line == usage:* ]]; then
			in_usage=1
			# the global -d before the command is not the command's
			line=${line#usage:}
			line=${line/\[-d DB\]/}
		elif [[ -z $line ]]; then
			in_usage=0
			continue
		elif (( ! in_usage )) && [[ ! $line =~ ^[[:space:]]+- ]]; then
			continue
		fi
		# on an option line, only the part before the description (two spaces)
		if (( ! in_usage )); then
			[[ $line =~ ^[[:space:]]+(-[^ ,]*( [^ ,-][^ ,]*)?(, -[^ ,]*( [^ ,-][^ ,]*)?)*) ]] &&
				line=${BASH_REMATCH[1]}
		fi
		rest=$line
		names=() value=
		while [[ $rest =~ (^|[][ ,|])(--?[A-Za-z][A-Za-z0-9-]*)(( [A-Za-z][^] ,]*)?)(.*)$ ]]; do
			if (( in_usage )); then
				printf '%s%s\n' "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}"
			else
				names+=("${BASH_REMATCH[2]}")
				[[ -n ${BASH_REMATCH[3]} ]] && value=${BASH_REMATCH[3]}
			fi
			rest=${BASH_REMATCH[5]}
		done
		# '-f, --format NAME': the short alias takes the value too
		for name in "${names[@]}"; do
			printf '%s%s\n' "$name" "$value"
		done
	done < <(_pinblame_help "$1") | sort -u
}

# The store the command line names: -d PATH, --db PATH, --db=PATH before
# the command, else $PINBLAME_DB, else ./pinblame.db (as pinblame decides).
_pinblame_db() {
	local i w db=${PINBLAME_DB:-pinblame.db}
	for (( i = 1; i < ${#COMP_WORDS[@]} - 1 && i < COMP_CWORD; i++ )); do
		w=${COMP_WORDS[i]}
		case $w in
		-d | --db) db=${COMP_WORDS[i + 1]}; (( i++ )) ;;
		--db=*) db=${w#--db=} ;;
		-*) ;;
		*) break ;;
		esac
	done
	[[ $db == "~/"* ]] && db=$HOME/${db#"~/"}
	printf '%s\n' "$db"
}

_pinblame_failure_ids() {
	command "$_pinblame_prog" -d "$(_pinblame_db)" __complete failures 2>/dev/null
}

_pinblame_files() {
	compopt -o filenames 2>/dev/null
	mapfile -t COMPREPLY < <(compgen -f -- "$1")
}

# The value of option OPT (its help line: SPEC) of command CMD.
_pinblame_value() {
	local cmd=$1 opt=$2 spec=$3 cur=$4 values=
	local placeholder=${spec#* }
	case $opt in
	--failure) values=$(_pinblame_failure_ids) ;;
	--format | -f)
		if [[ $placeholder == *"|"* ]]; then
			values=${placeholder//|/ }
		else
			values=$(command "$_pinblame_prog" __complete formats 2>/dev/null)
		fi ;;
	*)
		if [[ $placeholder == *"|"* ]]; then
			values=${placeholder//|/ }
		elif [[ $placeholder == *FILE* || $placeholder == PATH || $placeholder == DB ]]; then
			_pinblame_files "$cur"
			return
		fi ;;
	esac
	mapfile -t COMPREPLY < <(compgen -W "$values" -- "$cur")
}

# An operand (not an option) of CMD.
_pinblame_operand() {
	local cmd=$1 cur=$2
	case $cmd in
	import | merge) _pinblame_files "$cur" ;;
	show) mapfile -t COMPREPLY < <(compgen -W "$(_pinblame_failure_ids)" -- "$cur") ;;
	help) mapfile -t COMPREPLY < <(compgen -W "$(_pinblame_commands)" -- "$cur") ;;
	esac
}

# The spec ("--opt" or "--opt VALUE") of option OPT of CMD, or nothing;
# the usage line's list of values ('--by a|b|c') before a placeholder.
_pinblame_spec() {
	local spec found=
	while IFS= read -r spec; do
		[[ ${spec%% *} == "$1" ]] || continue
		[[ $spec == *"|"* ]] && { printf '%s\n' "$spec"; return; }
		[[ -z $found || $found != *" "* ]] && found=$spec
	done < <(_pinblame_options "$2")
	[[ -n $found ]] && printf '%s\n' "$found"
}

_pinblame() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= cmd_at=0 i w spec
	local _pinblame_prog=${COMP_WORDS[0]}
	COMPREPLY=()
	(( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	# the command: the first word after the global options
	for (( i = 1; i < COMP_CWORD; i++ )); do
		w=${COMP_WORDS[i]}
		case $w in
		-d | --db) (( i++ )) ;;
		-*) ;;
		*) cmd=$w; cmd_at=$i; break ;;
		esac
	done
	if [[ -z $cmd ]]; then
		case $prev in
		-d | --db) _pinblame_files "$cur"; return ;;
		esac
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "-d --db --version --help" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$(_pinblame_commands) help" -- "$cur")
		fi
		return
	fi
	# record -- COMMAND ARGS: complete as a command line of its own
	for (( i = cmd_at + 1; i < COMP_CWORD; i++ )); do
		if [[ ${COMP_WORDS[i]} == -- ]]; then
			if (( i + 1 == COMP_CWORD )); then
				mapfile -t COMPREPLY < <(compgen -c -- "$cur" | sort -u)
			else
				_pinblame_files "$cur"
			fi
			return
		fi
	done
	if (( COMP_CWORD > cmd_at + 1 )) && [[ $prev == -* ]]; then
		spec=$(_pinblame_spec "$prev" "$cmd")
		if [[ $spec == *" "* ]]; then
			_pinblame_value "$cmd" "$prev" "$spec" "$cur"
			return
		fi
	fi
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_pinblame_options "$cmd" | cut -d' ' -f1 | sort -u)" -- "$cur")
	else
		_pinblame_operand "$cmd" "$cur"
	fi
}

complete -F _pinblame pinblame
