#!/usr/bin/env bash
# test_completion.sh - the bash completion files (dist/completion/) against
# the programs they complete.  Every command and subcommand they offer must
# exist (`PROG CMD [SUB] --help` exits 0), every command the top-level
# --help lists must be offered, and a name that is not a command must be
# refused by the program (so the check can fail).  Then the completion
# functions run for a few words, with bash-completion loaded.
#
#   bash tests/package/test_completion.sh SOURCE_DIR BAOSONGD BAOSONG
set -euo pipefail

SRC=${1:?usage: test_completion.sh SOURCE_DIR BAOSONGD BAOSONG}
BD=${2:?}
BC=${3:?}
T=$(mktemp -d "${TMPDIR:-/tmp}/bs-compl-XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
export BAOSONG_DIR=$T/client # --help must not need (or touch) a data directory

fail() {
	echo "FAIL: $*" >&2
	exit 1
}
[ -f /usr/share/bash-completion/bash_completion ] ||
	fail "bash-completion is not installed (scripts/setup installs it)"

# check PROG BINARY COMPLETION_FILE
check() {
	local prog=$1 bin=$2 file=$3 cmds sub c s
	# shellcheck disable=SC1090
	. "$file"
	cmds=$(sed -n "/^_${prog}()/,/^}/p" "$file" |
		sed -n '/local cmds="/,/"/p' | tr -d '"\t' | sed 's/local cmds=//' | tr '\n' ' ')
	[ -n "$cmds" ] || fail "$file: no command list"
	for c in $cmds; do
		"$bin" "$c" --help >/dev/null 2>&1 || fail "$prog $c --help fails: not a command"
		for s in $("_${prog}_subs" "$c"); do
			"$bin" "$c" "$s" --help >/dev/null 2>&1 ||
				fail "$prog $c $s --help fails: not a subcommand"
		done
	done
	# Every command the top-level usage mentions is offered: each word of
	# the usage that the program accepts as a command ("help" aside).
	"$bin" --help | grep -oE '\b[a-z][a-z-]+\b' | sort -u >"$T/words"
	: >"$T/listed"
	while read -r c; do
		[ "$c" != help ] && "$bin" "$c" --help >/dev/null 2>&1 && echo "$c" >>"$T/listed"
	done <"$T/words"
	[ -s "$T/listed" ] || fail "$prog --help mentions no commands"
	while read -r c; do
		case " $cmds " in *" $c "*) ;; *) fail "$prog $c (in --help) is not completed" ;; esac
	done <"$T/listed"
	# The program refuses what is not a command, so the checks above can fail.
	if "$bin" no-such-command --help >/dev/null 2>&1; then
		fail "$prog accepts any command name; the check above proves nothing"
	fi
	echo "$prog: $(wc -w <<<"$cmds") commands checked"
}

# complete_words PROG WORDS...: the candidates for the last word.  (Read
# into a string before grep -q: with pipefail, grep -q ending the pipe
# early would fail it.)
complete_words() {
	local prog=$1
	shift
	COMP_WORDS=("$prog" "$@")
	COMP_CWORD=$#
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	"_$prog" "$prog" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}"
}

# shellcheck disable=SC1091
. /usr/share/bash-completion/bash_completion
check baosongd "$BD" "$SRC/dist/completion/baosongd"
check baosong "$BC" "$SRC/dist/completion/baosong"

# The option lists come from the program's --help, found on PATH.
mkdir "$T/bin"
ln -s "$BD" "$T/bin/baosongd"
ln -s "$BC" "$T/bin/baosong"
PATH=$T/bin:$PATH
[ "$(complete_words baosongd backu)" = backup ] || fail "baosongd backu does not complete"
grep -qx verify <<<"$(complete_words baosongd audit "")" || fail "baosongd audit: no verify"
grep -qx -- --keep <<<"$(complete_words baosongd backup --ke)" || fail "backup --ke: no --keep"
grep -qx -- --listen <<<"$(complete_words baosongd serve --li)" || fail "serve --li: no --listen"
[ "$(complete_words baosong rev)" = review ] || fail "baosong rev does not complete"
grep -qx edit <<<"$(complete_words baosong project "")" || fail "baosong project: no edit"
grep -qx -- --unattended <<<"$(complete_words baosong sync --un)" || fail "sync --un: no --unattended"
[ ! -e "$BAOSONG_DIR" ] || fail "completion created a data directory"
echo "test_completion: ok"
