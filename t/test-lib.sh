# t/test-lib.sh: a thin wrapper around Debian's sharness, with git's helpers.
# Source it from t/tNNNN-*.sh after setting test_description.
TEST_DIRECTORY=$(cd "$(dirname "$0")" && pwd)
SHARNESS_TEST_DIRECTORY=$TEST_DIRECTORY
SHARNESS_BUILD_DIRECTORY=$(cd "$TEST_DIRECTORY/.." && pwd)
SHARNESS_TEST_EXTENSION=sh
export SHARNESS_TEST_DIRECTORY SHARNESS_BUILD_DIRECTORY
: "${SHARNESS:=/usr/share/sharness/sharness.sh}"

# a clean git environment, as git's own test-lib makes it
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_CONFIG_PARAMETERS GIT_COMMON_DIR \
	GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_CEILING_DIRECTORIES
GIT_CONFIG_NOSYSTEM=1
GIT_AUTHOR_NAME='A U Thor'
GIT_AUTHOR_EMAIL=author@example.com
GIT_COMMITTER_NAME='C O Mitter'
GIT_COMMITTER_EMAIL=committer@example.com
export GIT_CONFIG_NOSYSTEM GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL

. "$SHARNESS" || exit 1

PATH=$SHARNESS_BUILD_DIRECTORY:$SHARNESS_BUILD_DIRECTORY/t/helper:$PATH
export PATH
HOME=$SHARNESS_TRASH_DIRECTORY
export HOME
git config --global init.defaultBranch main
git config --global advice.detachedHead false

test_tick () {
	if test -z "${test_tick+set}"
	then
		test_tick=1112911993
	else
		test_tick=$((test_tick + 60))
	fi
	GIT_COMMITTER_DATE="$test_tick -0700"
	GIT_AUTHOR_DATE="$test_tick -0700"
	export GIT_COMMITTER_DATE GIT_AUTHOR_DATE
}

# test_commit <message> [<file> [<contents>]]: commit and tag, as git's does
test_commit () {
	file=${2:-$1.t}
	mkdir -p "$(dirname "$file")" &&
	printf '%s\n' "${3:-$1}" >"$file" &&
	git add -- "$file" &&
	test_tick &&
	git commit -q -m "$1" &&
	git tag "$1"
}

# write_issue <path> <id> [<status> [<title> [<extra yaml line>...]]]
write_issue () {
	_path=$1 _id=$2 _status=${3:-todo} _title=${4:-"Issue $2"}
	shift 2
	test $# -gt 0 && shift
	test $# -gt 0 && shift
	mkdir -p "$(dirname "$_path")" &&
	{
		printf -- '---\nid: %s\ntitle: %s\nstatus: %s\n' "$_id" "$_title" "$_status" &&
		for _line
		do
			printf '%s\n' "$_line"
		done &&
		printf -- '---\nBody of %s.\n' "$_id"
	} >"$_path"
}

test_line_count () {
	test "$(wc -l <"$3" | tr -d ' ')" "$1" "$2" || {
		echo "test_line_count: $3 has $(wc -l <"$3") lines, expected $1 $2"
		cat "$3"
		return 1
	}
}

test_path_is_file () {
	test -f "$1" || { echo "file $1 does not exist"; return 1; }
}

test_path_is_missing () {
	test ! -e "$1" || { echo "path $1 exists"; return 1; }
}

# the index file of the current worktree
index_path () {
	git rev-parse --git-path roadmap/index.mdb
}

# check_oracle [--committed]: roadmap-list --json equals the independent
# parse of t/lib/oracle.py, and its invalid-file warning counts what the
# oracle finds invalid
ORACLE="$TEST_DIRECTORY/lib/oracle.py"
check_oracle () {
	roadmap-list --json "$@" >actual 2>err
	test $? -le 1 &&
	python3 "$ORACLE" "$@" >expect &&
	python3 "$ORACLE" --compare expect actual &&
	python3 "$ORACLE" "$@" --invalid >invalid &&
	n=$(wc -l <invalid | tr -d ' ') &&
	if test "$n" = 0
	then
		! grep "invalid issue file" err
	else
		grep "^roadmap-list: warning: $n invalid issue files* (see roadmap-refresh -v)\$" err ||
		{ echo "expected $n invalid files, stderr was:"; head -3 err; false; }
	fi
}
