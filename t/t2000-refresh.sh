#!/bin/sh
test_description='roadmap-refresh: incremental by tree oids, the blob cache, modes'
. ./test-lib.sh

# the files rows as path -> kind and blob oid (file numbers depend on history)
rows () {
	mdb_dump -n -s files "$(index_path)" | sed -n '/^HEADER=END$/,$p' |
	awk 'NR > 1 && /^ / { if (k) { print k, substr($1, 1, 42); k = "" } else k = $1 }'
}

# parsed <n>: the last refresh -v output (in err) parsed n blobs
parsed () {
	grep "parsed $1 blobs" err || { cat err; return 1; }
}

test_expect_success 'setup: 50 issues in nested folders' '
	git init -q &&
	for i in $(test_seq 1 50)
	do
		write_issue .roadmap/issues/m$((i % 5))/$i.md $i todo "Issue $i" || return 1
	done &&
	git add .roadmap &&
	test_commit base README &&
	roadmap-refresh -v 2>err &&
	grep "rebuild (no index)" err &&
	parsed 50 &&
	roadmap-list --committed >out &&
	test_line_count = 50 out
'

test_expect_success 'a commit that changes k issues parses exactly k blobs' '
	for i in 3 17 42
	do
		write_issue .roadmap/issues/m$((i % 5))/$i.md $i closed "Changed $i" || return 1
	done &&
	git commit -qam "change three" &&
	roadmap-refresh -v 2>err &&
	grep "incremental (HEAD moved from" err &&
	parsed 3 &&
	grep "modified 3, deleted 0" err &&
	roadmap-list --committed --status closed >out &&
	test_line_count = 3 out
'

test_expect_success 'adding and deleting issues parses only the new ones' '
	write_issue .roadmap/issues/new/51.md 51 todo "New" &&
	git rm -q .roadmap/issues/m1/1.md &&
	git add .roadmap &&
	git commit -qm "add one, remove one" &&
	roadmap-refresh -v 2>err &&
	parsed 1 &&
	grep "added 1, modified 0, deleted 1" err
'

test_expect_success 'a commit that touches no issue file parses nothing and changes no row' '
	mdb_dump -n -s files "$(index_path)" >before &&
	test_commit unrelated README &&
	roadmap-refresh -v 2>err &&
	grep "up to date (the index matches HEAD; no issue file changed)" err &&
	mdb_dump -n -s meta -p "$(index_path)" | grep -A1 "^ commit$" | tail -1 >indexed &&
	echo " $(git rev-parse HEAD)" >expect &&
	test_cmp expect indexed &&
	parsed 0 &&
	grep "added 0, modified 0, deleted 0" err &&
	mdb_dump -n -s files "$(index_path)" >after &&
	test_cmp before after
'

test_expect_success 'a reader after a commit that touches no issue file answers at once' '
	test_commit unrelated-2 README &&
	roadmap-list --committed >out &&
	test_line_count = 50 out &&
	mdb_dump -n -s meta -p "$(index_path)" | grep -A1 "^ commit$" | tail -1 >indexed &&
	echo " $(git rev-parse HEAD)" >expect &&
	test_cmp expect indexed
'

test_expect_success 'switching to a branch indexed before parses 0 blobs' '
	git checkout -q -b side &&
	write_issue .roadmap/issues/m2/2.md 2 blocked "On side" &&
	git commit -qam side &&
	roadmap-refresh -v 2>err &&
	parsed 1 &&
	git checkout -q main &&
	roadmap-refresh -v 2>err &&
	parsed 0 &&
	git checkout -q side &&
	roadmap-refresh -v 2>err &&
	parsed 0 &&
	roadmap-list --committed --status blocked >out &&
	test_line_count = 1 out
'

test_expect_success 'an up-to-date index says so and does nothing' '
	roadmap-refresh -v 2>err &&
	grep "up to date" err &&
	parsed 0
'

test_expect_success 'incremental result equals a rebuild, row for row' '
	roadmap-list --committed --json >incremental &&
	rows >rows-incremental &&
	test_line_count -gt 50 rows-incremental &&
	roadmap-refresh --rebuild -v 2>err &&
	grep "rebuild (--rebuild)" err &&
	parsed 50 &&
	roadmap-list --committed --json >rebuilt &&
	test_cmp incremental rebuilt &&
	rows >rows-rebuilt &&
	test_cmp rows-incremental rows-rebuilt
'

test_expect_success '--full compares everything and parses nothing new' '
	roadmap-refresh --full -v 2>err &&
	grep "full scan (--full)" err &&
	parsed 0
'

test_expect_success 'changing roadmap.path re-indexes from the cached blobs' '
	git config roadmap.path .roadmap/issues/m2 &&
	roadmap-refresh -v 2>err &&
	grep "rebuild (roadmap.path changed)" err &&
	parsed 0 &&
	roadmap-list --committed --format "%(root) %(id)" >out &&
	test_line_count = 10 out &&
	grep "^.roadmap/issues/m2 2$" out &&
	git config --unset roadmap.path &&
	roadmap-list --committed >out &&
	test_line_count = 50 out
'

test_expect_success 'a corrupt index file is moved aside and rebuilt' '
	idx=$(index_path) &&
	rm -f "$idx-lock" &&
	head -c 20000 /dev/urandom >"$idx" &&
	roadmap-refresh -v 2>err &&
	grep "moving it aside" err &&
	ls "$idx".corrupt-* &&
	roadmap-list --committed >out &&
	test_line_count = 50 out
'

test_expect_success 'symlinks and gitlinks under a root are not issues' '
	ln -s m2/2.md .roadmap/issues/link.md &&
	git add .roadmap/issues/link.md &&
	git commit -qm "a symlink" &&
	roadmap-list --committed >out &&
	test_line_count = 50 out
'

test_expect_success 'a large build takes clean files stat data from git.s index' '
	git init -q big &&
	(
		cd big &&
		i=0 &&
		while test $i -lt 1100
		do
			printf -- "---\nid: B-%d\ntitle: big %d\n---\n" $i $i >".roadmap-$i" || return 1
			i=$((i + 1))
		done &&
		mkdir -p .roadmap/issues &&
		for f in .roadmap-*
		do
			mv "$f" ".roadmap/issues/${f#.roadmap-}.md" || return 1
		done &&
		touch -d "2020-01-01" .roadmap/issues/*.md &&
		git add . && git commit -qm big &&
		roadmap-refresh --rebuild &&
		test "$(stat_recorded)" = 1100 &&
		echo changed >>.roadmap/issues/7.md &&
		roadmap-list --format "%(id)" >out &&
		test_line_count = 1100 out &&
		roadmap-diff-index --name-only >changed &&
		echo .roadmap/issues/7.md >expect &&
		test_cmp expect changed
	)
'

# change_some <tag>: modify, add and delete issue files and commit
change_some () {
	write_issue .roadmap/issues/m1/1.md 1 "$1" "Changed $1" &&
	write_issue .roadmap/issues/m2/new-$1.md new-$1 todo "New $1" &&
	git rm -q --cached --ignore-unmatch .roadmap/issues/m3/3.md &&
	rm -f .roadmap/issues/m3/3.md &&
	git add .roadmap && git commit -qm "$1"
}

# A small walk reads HEAD's trees in-process (t2020); the tests below are
# of the ways a walk of many folders goes: git's index, or git diff-tree.
ROADMAP_TEST_TREE_WALK_MAX=0
export ROADMAP_TEST_TREE_WALK_MAX

test_expect_success 'after a commit, HEAD.s files come from git.s index (its cached trees are HEAD.s)' '
	roadmap-refresh -q &&
	change_some gi1 &&
	roadmap-refresh -v 2>err &&
	grep "incremental (HEAD moved from .*; read from git.s index)" err &&
	parsed 2 &&
	roadmap-fsck --full &&
	check_oracle --committed
'

test_expect_success 'an index of version 4 (paths prefix-compressed) reads the same' '
	git update-index --index-version 4 &&
	write_issue .roadmap/issues/m4/v4.md v4 todo "V4" &&
	git add .roadmap && git commit -qm v4 &&
	roadmap-refresh -v 2>err &&
	grep "read from git.s index" err &&
	parsed 1 &&
	roadmap-fsck --full &&
	git update-index --index-version 2
'

test_expect_success 'a split index is not followed: git diff-tree instead' '
	git update-index --split-index &&
	change_some gi2 &&
	roadmap-refresh -v 2>err &&
	grep "read with git diff-tree" err &&
	roadmap-fsck --full &&
	check_oracle --committed &&
	git update-index --no-split-index
'

test_expect_success 'staged changes (cached trees no longer HEAD.s): git diff-tree instead' '
	change_some gi3 &&
	write_issue .roadmap/issues/m1/1.md 1 staged "Staged, not committed" &&
	git add .roadmap/issues/m1/1.md &&
	roadmap-refresh -v 2>err &&
	grep "read with git diff-tree" err &&
	roadmap-fsck --full &&
	check_oracle --committed &&
	git reset -q --hard
'

test_expect_success 'HEAD moved without git.s index (reset --soft, update-ref): trusted only where it holds HEAD' '
	change_some gi4 &&
	roadmap-refresh -q &&
	git reset -q --soft HEAD~2 &&
	roadmap-refresh -v 2>err &&
	grep "read with git diff-tree" err &&
	roadmap-fsck --full &&
	check_oracle --committed &&
	git update-ref HEAD HEAD@{1} &&
	roadmap-refresh -v 2>err &&
	# git.s index holds this HEAD again: trusted, rightly
	grep "read from git.s index" err &&
	roadmap-fsck --full &&
	git reset -q --hard
'

unset ROADMAP_TEST_TREE_WALK_MAX

test_expect_success 'a rename whose delete comes first: the blobs read stay in step with the files' '
	roadmap-refresh -q &&
	git mv .roadmap/issues/m1/11.md .roadmap/issues/m4/11-moved.md &&
	git mv .roadmap/issues/m2/12.md .roadmap/issues/m3/12-moved.md &&
	write_issue .roadmap/issues/m4/zz.md zz todo "After the renames" &&
	git add .roadmap && git commit -qm renames &&
	roadmap-refresh -v 2>err &&
	roadmap-fsck --full &&
	check_oracle --committed
'

test_expect_success 'unborn HEAD: an empty answer, exit 1 as for no match' '
	git init -q empty &&
	(
		cd empty &&
		test_expect_code 1 roadmap-list >out 2>err &&
		test_must_be_empty err &&
		test_must_be_empty out &&
		roadmap-refresh -v 2>err &&
		grep "up to date\|rebuild" err
	)
'


test_expect_success 'a rebuild indexes HEAD, not what is staged in git'"'"'s index' '
	roadmap-refresh -q &&
	roadmap-list --committed --json >before &&
	# staged, not committed: git.s index no longer holds HEAD
	write_issue .roadmap/issues/m1/11.md 11 staged "Staged only" &&
	git add .roadmap/issues/m1/11.md &&
	roadmap-refresh --rebuild -v 2>err &&
	grep "rebuild (--rebuild)" err &&
	roadmap-list --committed --json >after &&
	test_cmp before after &&
	roadmap-fsck --full &&
	git reset -q --hard &&
	# after the reset git.s index holds HEAD again: a rebuild from it lists the same
	roadmap-refresh --rebuild -q &&
	roadmap-list --committed --json >again &&
	test_cmp before again &&
	roadmap-fsck --full
'

test_done
