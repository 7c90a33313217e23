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

# promtool (Debian's prometheus package) checks the --prometheus output
command -v promtool >/dev/null 2>&1 && test_set_prereq PROMTOOL

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

# the oracle (an independent parse with PyYAML) and the issue generator;
# the oracle's parse results are kept by content: each blob is parsed once
ORACLE="$TEST_DIRECTORY/lib/oracle.py"
GEN="$TEST_DIRECTORY/lib/gen-issues.py"
ORACLE_CACHE="$SHARNESS_TRASH_DIRECTORY/oracle-cache"
export ORACLE_CACHE

# require_pyyaml: skip the whole file when the oracle cannot run
require_pyyaml () {
	if ! python3 -c 'import yaml' 2>/dev/null
	then
		skip_all='python3 with PyYAML is not available'
		test_done
	fi
}

# check_oracle [--committed]: roadmap-list --json equals the independent
# parse of t/lib/oracle.py, and its invalid-file warning counts what the
# oracle finds invalid and points at the command that names them all
# (roadmap-check for the working tree, roadmap-refresh -v for HEAD)
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
		_see=roadmap-check &&
		case " $* " in *" --committed "*) _see="roadmap-refresh -v" ;; esac &&
		grep "^roadmap-list: warning: $n invalid issue files* (see $_see)\$" err ||
		{ echo "expected $n invalid files, stderr was:"; head -3 err; false; }
	fi
}

# stat_recorded: how many file rows carry working-tree stat data
stat_recorded () {
	mdb_dump -n -s files "$(index_path)" | sed -n '/^HEADER=END$/,$p' |
	awk 'NR > 1 && /^ / { if (k) { v = substr($1, 51, 64); if (v !~ /^0*$/) n++; k = "" } else k = $1 }
	     END { print n + 0 }'
}

# --- helpers for the hook tests, t70NN-hooks-*.sh ---

# wait_for_refresh: a hook's background walk holds the refresh lock
# (index.mdb.lock) from before the hook returns until it is done
wait_for_refresh () {
	if test -f "$(index_path).lock"
	then
		flock "$(index_path).lock" true
	fi
}

# indexed_commit: the commit the index records (meta "commit"), read
# straight from LMDB: no roadmap command runs, so nothing heals it. The
# hooks walk in the background holding the refresh lock (flock on
# index.mdb.lock, taken before the hook returns): wait for it first.
indexed_commit () {
	wait_for_refresh &&
	mdb_dump -n -s meta -p "$(index_path)" 2>/dev/null |
	sed -n '/^ commit$/{n;s/^ //;p;q;}'
}

# check_hooked: the hooks alone kept the index at HEAD (checked before any
# roadmap command runs), then --committed equals the oracle's parse of HEAD
check_hooked () {
	_head=$(git rev-parse HEAD) &&
	_indexed=$(indexed_commit) &&
	if test "$_indexed" != "$_head"
	then
		echo "check_hooked: the index is at '$_indexed', HEAD at $_head"
		return 1
	fi &&
	check_oracle --committed
}

# check_healed: where git runs no hook, the next reader brings the index to HEAD
check_healed () {
	check_oracle --committed &&
	_head=$(git rev-parse HEAD) &&
	_indexed=$(indexed_commit) &&
	if test "$_indexed" != "$_head"
	then
		echo "check_healed: after a reader, the index is at '$_indexed', HEAD at $_head"
		return 1
	fi
}

# check_quiet <file>: no line of a git command's stderr comes from roadmap
check_quiet () {
	if grep "^roadmap" "$1"
	then
		echo "check_quiet: roadmap wrote to stderr"
		return 1
	fi
}

# drop_invalid_issues: make the issue files under .roadmap/issues pass
# the pre-commit check (roadmap-check --cached), and stage them: drop the
# depends_on and blocks fields (gen-issues.py fills them with ids no
# issue has), delete the .md files that are no issue (no "---" line
# first) and those the oracle calls invalid, and of the files
# that share an id all but one (the one in HEAD if there is one)
drop_invalid_issues () {
	python3 - "$ORACLE" <<-\EOF &&
	import json, os, re, subprocess, sys
	oracle = sys.argv[1]
	ref = re.compile(rb"^(depends_on|blocks):")
	item = re.compile(rb"^ *- ")
	for top, dirs, files in os.walk(".roadmap/issues"):
	    for name in files:
	        path = os.path.join(top, name)
	        if not name.endswith(".md") or os.path.islink(path):
	            continue
	        with open(path, "rb") as f:
	            data = f.read()
	        if not re.match(rb"(\xef\xbb\xbf)?---\r?(\n|$)", data):
	            os.unlink(path)  # not an issue: roadmap-check refuses it
	            continue
	        lines = data.split(b"\n")
	        out, skip = [], False
	        for line in lines:
	            if ref.match(line):
	                skip = True
	                continue
	            if skip and item.match(line):
	                continue
	            skip = False
	            out.append(line)
	        if out != lines:
	            with open(path, "wb") as f:
	                f.write(b"\n".join(out))
	run = lambda *a: subprocess.run(a, stdout=subprocess.PIPE, check=True).stdout.decode()
	for path in run("python3", oracle, "--invalid").splitlines():
	    os.unlink(path)
	head = subprocess.run(["git", "ls-tree", "-r", "-z", "--name-only", "HEAD"],
	                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
	in_head = set(head.stdout.decode().split("\0"))
	byid = {}
	for line in run("python3", oracle).splitlines():
	    rec = json.loads(line)
	    byid.setdefault(rec["id"], []).append(rec["path"])
	for paths in byid.values():
	    keep = ([p for p in paths if p in in_head] + sorted(paths))[0]
	    for p in paths:
	        if p != keep and p.startswith(".roadmap/issues/"):
	            os.unlink(p)
	EOF
	git add -A -- .roadmap/issues
}

# gen_valid_issues <seed> <count>: gen-issues.py under .roadmap/issues,
# staged, without invalid files
gen_valid_issues () {
	python3 "$TEST_DIRECTORY/lib/gen-issues.py" --seed "$1" --count "$2" \
		--root .roadmap/issues &&
	drop_invalid_issues
}

# mutate_valid_issues <seed> [gen-issues.py --mutate option...]: change
# the issues under .roadmap/issues, staged, without invalid files
mutate_valid_issues () {
	_seed=$1
	shift
	python3 "$TEST_DIRECTORY/lib/gen-issues.py" --mutate --git --seed "$_seed" \
		--root .roadmap/issues "$@" &&
	drop_invalid_issues
}
