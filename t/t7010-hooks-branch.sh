#!/bin/sh
test_description='hooks keep the index at HEAD: commit, amend, checkout, switch, reset, update-ref, gc'
. ./test-lib.sh

test_expect_success 'setup: a repository with the hooks installed' '
	git init -q &&
	roadmap-install-hooks -q >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	gen_valid_issues 1 40 &&
	test_tick &&
	git commit -q -m base 2>err &&
	check_quiet err &&
	git tag base
'

test_expect_success 'commit: post-commit brings the index to HEAD' '
	check_hooked
'

test_expect_success 'a second commit (an incremental refresh)' '
	mutate_valid_issues 2 &&
	test_tick &&
	git commit -q -m second 2>err &&
	check_quiet err &&
	git tag second &&
	check_hooked
'

test_expect_success 'a commit that touches no issue file' '
	test_commit readme README 2>err &&
	check_quiet err &&
	check_hooked
'

test_expect_success 'checkout -b (same commit)' '
	git checkout -q -b topic 2>err &&
	check_quiet err &&
	check_hooked
'

test_expect_success 'commit on topic' '
	mutate_valid_issues 3 --add 8 --delete 5 &&
	test_tick &&
	git commit -q -m on-topic 2>err &&
	check_quiet err &&
	git tag on-topic &&
	check_hooked
'

test_expect_success 'checkout main' '
	git checkout -q main 2>err &&
	check_quiet err &&
	check_hooked
'

test_expect_success 'switch topic' '
	git switch -q topic 2>err &&
	check_quiet err &&
	check_hooked
'

test_expect_success 'switch -c from an older commit' '
	git switch -q -c old base 2>err &&
	check_quiet err &&
	check_hooked
'

test_expect_success 'checkout --detach' '
	git checkout -q --detach second 2>err &&
	check_quiet err &&
	check_hooked &&
	git checkout -q topic 2>err &&
	check_quiet err &&
	check_hooked
'

test_expect_success 'checkout -- <file> does not refresh (post-checkout flag 0)' '
	f=$(git ls-files .roadmap/issues | sed -n 3p) &&
	echo "# edited" >>"$f" &&
	mdb_dump -n -s meta -p "$(index_path)" >meta.before &&
	git checkout -- "$f" 2>err &&
	check_quiet err &&
	git diff --exit-code &&
	mdb_dump -n -s meta -p "$(index_path)" >meta.after &&
	test_cmp meta.before meta.after &&
	check_hooked
'

test_expect_success 'checkout -- <file> does not even open the index' '
	f=$(git ls-files .roadmap/issues | sed -n 4p) &&
	echo "# edited" >>"$f" &&
	mv "$(git rev-parse --git-path roadmap)" saved-index &&
	mkdir -p "$(git rev-parse --git-path roadmap)" &&
	mkdir "$(index_path)" &&
	git checkout -- "$f" 2>err &&
	test_must_be_empty err &&
	git restore -- . 2>err &&
	test_must_be_empty err &&
	rm -rf "$(git rev-parse --git-path roadmap)" &&
	mv saved-index "$(git rev-parse --git-path roadmap)" &&
	check_hooked
'

test_expect_success 'commit --amend (post-commit and post-rewrite)' '
	mutate_valid_issues 4 &&
	test_tick &&
	git commit -q --amend -m amended 2>err &&
	check_quiet err &&
	check_hooked
'

test_expect_success 'commit -a' '
	f=$(git ls-files .roadmap/issues | sed -n 5p) &&
	echo "appended to the body" >>"$f" &&
	test_tick &&
	git commit -q -a -m "commit -a" 2>err &&
	check_quiet err &&
	check_hooked
'

test_expect_success 'commit <path>, with other changes staged' '
	f=$(git ls-files .roadmap/issues | sed -n 6p) &&
	g=$(git ls-files .roadmap/issues | sed -n 7p) &&
	echo "partial" >>"$f" &&
	echo "staged, not committed" >>"$g" &&
	git add "$g" &&
	test_tick &&
	git commit -q -m partial -- "$f" 2>err &&
	check_quiet err &&
	check_hooked &&
	git commit -q -m "the rest" 2>err &&
	check_quiet err &&
	check_hooked
'

test_expect_success 'reset --hard to an older commit: no hook runs, the next reader heals' '
	git reset -q --hard second 2>err &&
	check_quiet err &&
	check_healed
'

test_expect_success 'reset --soft to an older commit: the next reader heals' '
	git reset -q --hard on-topic &&
	roadmap-refresh -q &&
	git reset -q --soft base 2>err &&
	check_quiet err &&
	check_healed &&
	test_tick &&
	git commit -q -m "soft-reset squash" 2>err &&
	check_quiet err &&
	check_hooked
'

test_expect_success 'reset --mixed to an older commit: the next reader heals' '
	git reset -q --mixed second 2>err &&
	check_quiet err &&
	check_healed &&
	git reset -q --hard
'

test_expect_success 'update-ref of the current branch: the next reader heals' '
	git update-ref refs/heads/topic on-topic 2>err &&
	check_quiet err &&
	check_healed &&
	git reset -q --hard
'

test_expect_success 'commit --amend then gc --prune=now: the index survives' '
	mutate_valid_issues 5 &&
	test_tick &&
	git commit -q -m to-amend &&
	check_hooked &&
	old=$(git rev-parse HEAD) &&
	mutate_valid_issues 6 &&
	test_tick &&
	git commit -q --amend -m amended-again 2>err &&
	check_quiet err &&
	git reflog expire --expire-unreachable=now --all &&
	git gc -q --prune=now 2>err &&
	check_quiet err &&
	test_must_fail git cat-file -e $old &&
	check_hooked
'

test_expect_success 'the indexed commit is gone (amend without hooks, gc), then a checkout' '
	mutate_valid_issues 7 &&
	test_tick &&
	git commit -q -m to-amend-2 &&
	check_hooked &&
	old=$(git rev-parse HEAD) &&
	mutate_valid_issues 8 &&
	test_tick &&
	git -c core.hooksPath=/nonexistent commit -q --amend -m amended-unhooked &&
	test "$(indexed_commit)" = "$old" &&
	git reflog expire --expire-unreachable=now --all &&
	git gc -q --prune=now &&
	test_must_fail git cat-file -e $old &&
	git checkout -q main 2>err &&
	check_quiet err &&
	check_hooked &&
	git checkout -q topic 2>err &&
	check_quiet err &&
	check_hooked
'

test_expect_success 'the indexed commit is gone, and the next reader heals' '
	old=$(git rev-parse HEAD) &&
	mutate_valid_issues 9 &&
	test_tick &&
	git -c core.hooksPath=/nonexistent commit -q --amend -m amended-unhooked-2 &&
	git reflog expire --expire-unreachable=now --all &&
	git gc -q --prune=now &&
	test_must_fail git cat-file -e $old &&
	test "$(indexed_commit)" = "$old" &&
	check_healed
'

test_done
