#!/bin/sh
test_description='every kind of repository git supports: git'"'"'s answer, or one clear error

Each kind is built with git itself: sparse checkouts (cone and non-cone),
a sparse index, roots inside a submodule and a nested repository, a split
index, index version 4, alternates (clone --shared), a linked worktree;
SHA-256 and reftable give t2030'"'"'s one error. In each, clean and then
dirty (one issue modified, one deleted, one added, staged),
roadmap-list --json and --committed --json equal t/lib/git-oracle.py (the
issue files git has, parsed with PyYAML), and roadmap-diff-index and
--cached equal git diff-index over the roots.
'
. ./test-lib.sh

require_pyyaml

GIT_ORACLE="$TEST_DIRECTORY/lib/git-oracle.py"
R=.roadmap/issues

# make_repo <dir>: issues in $R/a and $R/b, one at the top of the root,
# an invalid one in $R/b, and a folder of code
make_repo () {
	git init -q "$1" &&
	(
		cd "$1" &&
		for i in 1 2 3 4
		do
			write_issue "$R/a/a-$i.md" "A-$i" todo &&
			write_issue "$R/b/b-$i.md" "B-$i" review || return 1
		done &&
		write_issue "$R/top.md" TOP &&
		printf -- "---\nid: BAD\n: :\n---\n" >"$R/b/bad.md" &&
		mkdir src &&
		echo "int main;" >src/main.c &&
		git add . &&
		test_tick &&
		git commit -q -m base
	)
}

# the roots as roadmap reads them (no spaces in this file's)
roots () {
	git config --get-all roadmap.path || echo "$R"
}

# git_diff_index [--cached]: git's raw answer over the issue files of the roots
git_diff_index () {
	set -- "$@" HEAD --
	for _r in $(roots)
	do
		set -- "$@" "$_r/*.md"
	done
	git diff-index --raw --abbrev=40 --no-renames "$@"
}

# oracle_equals [--committed]: roadmap-list --json equals the git oracle,
# and warns of as many invalid files as it finds
oracle_equals () {
	roadmap-list --json "$@" >actual 2>err
	test $? -le 1 || { cat err; return 1; }
	python3 "$GIT_ORACLE" --check actual err "$@"
}

# check_kind: the answers of the current directory's repository equal git's
check_kind () {
	oracle_equals &&
	oracle_equals --committed &&
	git_diff_index >expect &&
	roadmap-diff-index >actual &&
	test_cmp expect actual &&
	git_diff_index --cached >expect &&
	roadmap-diff-index --cached >actual &&
	test_cmp expect actual &&
	roadmap-diff-index --committed --exit-code
}

# dirty <dir> <n>: in <dir> (checked out), modify, delete and add an issue; staged
dirty () {
	write_issue "$1/$(basename "$1")-1.md" "$(basename "$1" | tr a-z A-Z)-1" closed "Changed $2" &&
	rm "$1/$(basename "$1")-2.md" &&
	write_issue "$1/new-$2.md" "NEW-$2" todo &&
	git add -A -- "$1"
}

test_expect_success 'sparse checkout, cone: what the cone leaves out is as in HEAD' '
	make_repo cone &&
	(
		cd cone &&
		git sparse-checkout set --cone --no-sparse-index "$R/a" &&
		test_path_is_missing "$R/b" &&
		git ls-files -t "$R/b" >tags &&
		test_line_count = 5 tags &&
		! grep -v "^S " tags &&
		check_kind &&
		roadmap-list --json >all &&
		test_line_count = 9 all &&
		test_expect_code 1 roadmap-check >out 2>err &&
		test_must_be_empty err &&
		grep "^$R/b/bad.md:3:1: error: " out &&
		test_line_count = 1 out &&
		test_expect_code 1 roadmap-check "$R/b" >out-b &&
		test_cmp out out-b
	)
'

test_expect_success 'sparse checkout, cone: a dirty working tree' '
	(
		cd cone &&
		dirty "$R/a" 1 &&
		check_kind &&
		roadmap-diff-index --name-only >paths &&
		test_line_count = 3 paths
	)
'

test_expect_success 'sparse checkout, cone: a staged blob outside the cone is the answer' '
	(
		cd cone &&
		staged=$(printf -- "---\nid: B-1\ntitle: staged only\nstatus: done\n---\n" |
			git hash-object -w --stdin) &&
		added=$(printf -- "---\nid: B-9\ntitle: added, never checked out\n---\n" |
			git hash-object -w --stdin) &&
		git update-index --cacheinfo "100644,$staged,$R/b/b-1.md" \
			--add --cacheinfo "100644,$added,$R/b/b-9.md" &&
		git update-index --skip-worktree "$R/b/b-1.md" "$R/b/b-9.md" &&
		test_path_is_missing "$R/b" &&
		git ls-files -t "$R/b/b-1.md" "$R/b/b-9.md" >tags &&
		! grep -v "^S " tags &&
		check_kind &&
		roadmap-list --status done >out &&
		grep "^B-1	done	staged only\$" out &&
		roadmap-show B-9 >out &&
		grep "^title: added, never checked out\$" out
	)
'

test_expect_success 'sparse checkout, cone: the same answers through roadmap-watch' '
	test_when_finished "(cd cone && roadmap-watch --stop) >/dev/null 2>&1 || :" &&
	(
		cd cone &&
		roadmap-watch --detach &&
		check_kind &&
		write_issue "$R/a/a-3.md" A-3 blocked &&
		git add "$R/a/a-3.md" &&
		check_kind &&
		roadmap-watch --status >status &&
		roadmap-watch --stop &&
		! grep "^answered 0\$" status
	)
'

test_expect_success 'sparse checkout, non-cone patterns' '
	make_repo noncone &&
	(
		cd noncone &&
		git sparse-checkout set --no-cone "/$R/a/" /src/ &&
		test_path_is_missing "$R/top.md" &&
		test_path_is_missing "$R/b" &&
		check_kind &&
		dirty "$R/a" 2 &&
		check_kind
	)
'

test_expect_success 'sparse index: the folders git keeps as one entry are read' '
	make_repo sparseindex &&
	(
		cd sparseindex &&
		git sparse-checkout set --cone --sparse-index "$R/a" &&
		git ls-files --sparse -s >entries &&
		grep "^040000 [0-9a-f]* 0	$R/b/\$" entries &&
		check_kind &&
		dirty "$R/a" 3 &&
		git ls-files --sparse -s >entries &&
		grep "^040000 [0-9a-f]* 0	$R/b/\$" entries &&
		check_kind
	)
'

test_expect_success 'sparse index: the pre-commit hook refuses an invalid issue file' '
	(
		cd sparseindex &&
		roadmap-install-hooks -q &&
		test_tick &&
		git commit -q -m "dirty, valid" &&
		wait_for_refresh &&
		before=$(git rev-parse HEAD) &&
		printf -- "---\nid: BROKEN\ntitle: [unclosed\n---\n" >"$R/a/broken.md" &&
		git add "$R/a/broken.md" &&
		test_expect_code 1 roadmap-check --cached >out &&
		grep "^$R/a/broken.md:[0-9]*:[0-9]*: error: " out &&
		test_must_fail git commit -q -m broken >out 2>err &&
		cat out err >both &&
		grep "^$R/a/broken.md:[0-9]*:[0-9]*: error: " both &&
		test "$(git rev-parse HEAD)" = "$before" &&
		git rm -q --cached "$R/a/broken.md" &&
		rm "$R/a/broken.md" &&
		git ls-files --sparse -s >entries &&
		grep "^040000 [0-9a-f]* 0	$R/b/\$" entries &&
		check_kind
	)
'

test_expect_success 'a root inside a submodule, and inside a nested repository: no issue of ours' '
	git init -q subsrc &&
	(
		cd subsrc &&
		write_issue issues/s-1.md S-1 &&
		printf -- "---\nid: S-2\n: :\n---\n" >issues/s-2.md &&
		git add . &&
		git commit -q -m sub
	) &&
	make_repo super &&
	(
		cd super &&
		git -c protocol.file.allow=always submodule add -q ../subsrc sub &&
		test_tick &&
		git commit -q -m "a submodule" &&
		git init -q nested &&
		write_issue nested/issues/n-1.md N-1 &&
		git config --add roadmap.path "$R" &&
		git config --add roadmap.path sub/issues &&
		git config --add roadmap.path nested/issues &&
		git ls-files -s sub >gitlink &&
		grep "^160000 " gitlink &&
		test -f sub/.git &&
		check_kind &&
		roadmap-list --json >all &&
		! grep "\"[SN]-[12]\"" all &&
		test_expect_code 1 roadmap-check >out &&
		! grep -e "^sub/" -e "^nested/" out &&
		roadmap-check sub/issues/s-2.md 2>err &&
		grep "no issue file under roadmap.path" err
	)
'

test_expect_success 'a root inside a submodule: its files changed, still none of ours' '
	(
		cd super &&
		write_issue sub/issues/s-1.md S-1 closed &&
		write_issue sub/issues/s-3.md S-3 &&
		write_issue nested/issues/n-2.md N-2 &&
		dirty "$R/a" 4 &&
		check_kind &&
		roadmap-diff-index --name-only >paths &&
		! grep -e "^sub/" -e "^nested/" paths
	)
'

test_expect_success 'a root in a submodule not checked out (a gitlink, no .git): none of ours' '
	git -c protocol.file.allow=always clone -q super superclone &&
	(
		cd superclone &&
		git ls-files -s sub >gitlink &&
		grep "^160000 " gitlink &&
		test_path_is_missing sub/.git &&
		git config --add roadmap.path "$R" &&
		git config --add roadmap.path sub/issues &&
		write_issue sub/issues/u-1.md U-1 &&
		git ls-files -o >untracked &&
		! grep "^sub/" untracked &&
		check_kind &&
		roadmap-list --json >all &&
		! grep "\"U-1\"" all &&
		roadmap-diff-index --name-only >paths &&
		test_must_be_empty paths
	)
'

test_expect_success 'split index' '
	make_repo split &&
	(
		cd split &&
		git update-index --split-index &&
		check_kind &&
		dirty "$R/a" 5 &&
		dirty "$R/b" 55 &&
		ls .git/sharedindex.* >shared &&
		test_line_count -ge 1 shared &&
		check_kind &&
		printf -- "---\nid: BROKEN\n---\n" >"$R/a/broken.md" &&
		git add "$R/a/broken.md" &&
		test_expect_code 1 roadmap-check --cached >out &&
		echo "$R/a/broken.md:1:1: error: missing title" >expect &&
		test_cmp expect out
	)
'

test_expect_success 'index version 4' '
	make_repo v4 &&
	(
		cd v4 &&
		git update-index --index-version 4 &&
		check_kind &&
		dirty "$R/b" 6 &&
		od -A n -t x1 -j 4 -N 4 .git/index >version &&
		echo " 00 00 00 04" >expect-version &&
		test_cmp expect-version version &&
		check_kind
	)
'

test_expect_success 'alternates: a clone --shared reads the objects of its source' '
	make_repo altsrc &&
	git clone -q --shared altsrc alt &&
	(
		cd alt &&
		test -s .git/objects/info/alternates &&
		check_kind &&
		dirty "$R/a" 7 &&
		check_kind
	)
'

test_expect_success 'a linked worktree has its own working tree and staging area' '
	make_repo wtmain &&
	git -C wtmain worktree add -q ../linked -b side &&
	(
		cd linked &&
		test -f .git &&
		check_kind &&
		dirty "$R/b" 8 &&
		check_kind
	) &&
	(
		cd wtmain &&
		check_kind &&
		roadmap-diff-index --exit-code
	)
'

# t2030 tests every program on these; here, that the queries and diffs
# this file compares elsewhere give its one error too
test_expect_success 'SHA-256 and reftable: the one clear error, from each query' '
	git init -q --object-format=sha256 sha256 &&
	(
		cd sha256 &&
		write_issue "$R/1.md" 1 &&
		git add . &&
		git commit -q -m one
	) &&
	if ! git init -q --ref-format=reftable reftable 2>/dev/null
	then
		# the layout git >= 2.45 writes, by hand (as t2030 makes it)
		mkdir -p reftable/.git/objects reftable/.git/refs reftable/.git/reftable &&
		printf "ref: refs/heads/.invalid\n" >reftable/.git/HEAD &&
		printf "this repository uses the reftable format\n" >reftable/.git/refs/heads &&
		: >reftable/.git/reftable/tables.list &&
		git config --file reftable/.git/config core.repositoryformatversion 1 &&
		git config --file reftable/.git/config extensions.refstorage reftable
	fi &&
	for kind in "sha256 objectformat = sha256" "reftable refstorage = reftable"
	do
		for cmd in "roadmap-list --json" "roadmap-list --committed --json" \
			"roadmap-diff-index" "roadmap-diff-index --cached"
		do
			_code=0 &&
			(cd ${kind%% *} && $cmd) >out 2>err || _code=$?
			test "$_code" = 128 &&
			test_must_be_empty out &&
			test_line_count = 1 err &&
			grep "error: unsupported repository format: extensions.${kind#* } (" err ||
			{ echo "$kind: $cmd: exit $_code" && cat err && return 1; }
		done
	done
'

test_done
