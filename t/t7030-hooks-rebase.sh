#!/bin/sh
test_description='hooks keep the index at HEAD: rebase (both backends, -i, conflicts, --abort), cherry-pick, revert'
. ./test-lib.sh

# topic_branch <name> <seed>: a branch from base with three commits:
# generated issues, and changes to F2 and F3 (which main does not touch)
topic_branch () {
	git checkout -q -b "$1" base &&
	gen_valid_issues "$2" 5 &&
	test_tick &&
	git commit -q -m "$1-1" &&
	write_issue .roadmap/fixed/F2.md F2 in-progress "F2 on $1" &&
	git add .roadmap &&
	test_tick &&
	git commit -q -m "$1-2" &&
	mutate_valid_issues "$2" --add 2 --delete 1 --rename 1 --modify 3 &&
	write_issue .roadmap/fixed/F3.md F3 review "F3 on $1" &&
	git add .roadmap &&
	test_tick &&
	git commit -q -m "$1-3"
}

test_expect_success 'setup: main ahead of base, the hooks installed' '
	git init -q &&
	git config --add roadmap.path .roadmap/issues &&
	git config --add roadmap.path .roadmap/fixed &&
	roadmap-install-hooks -q &&
	gen_valid_issues 1 30 &&
	for i in 1 2 3 4 5 6
	do
		write_issue .roadmap/fixed/F$i.md F$i todo "Fixed $i" || return 1
	done &&
	git add .roadmap &&
	test_tick &&
	git commit -q -m base &&
	git tag base &&
	write_issue .roadmap/fixed/F1.md F1 closed "F1 on main" &&
	gen_valid_issues 2 5 &&
	git add .roadmap &&
	test_tick &&
	git commit -q -m main-1 &&
	git diff --exit-code HEAD &&
	check_hooked
'

test_expect_success 'rebase (merge backend)' '
	topic_branch t1 11 &&
	check_hooked &&
	git rebase -q main 2>err &&
	check_quiet err &&
	test "$(git rev-parse HEAD~3)" = "$(git rev-parse main)" &&
	test "$(git symbolic-ref HEAD)" = refs/heads/t1 &&
	check_hooked
'

test_expect_success 'rebase --apply' '
	topic_branch t2 12 &&
	check_hooked &&
	git rebase -q --apply main 2>err &&
	check_quiet err &&
	test "$(git rev-parse HEAD~3)" = "$(git rev-parse main)" &&
	test "$(git symbolic-ref HEAD)" = refs/heads/t2 &&
	check_hooked
'

test_expect_success 'rebase that fast-forwards (nothing to replay)' '
	git checkout -q -b behind base &&
	check_hooked &&
	git rebase -q main 2>err &&
	check_quiet err &&
	test "$(git rev-parse HEAD)" = "$(git rev-parse main)" &&
	check_hooked
'

test_expect_success 'rebase --apply that fast-forwards' '
	git checkout -q -b behind2 base &&
	check_hooked &&
	git rebase -q --apply main 2>err &&
	check_quiet err &&
	test "$(git rev-parse HEAD)" = "$(git rev-parse main)" &&
	check_hooked
'

test_expect_success 'rebase -i with edit and squash' '
	topic_branch t3 13 &&
	check_hooked &&
	GIT_SEQUENCE_EDITOR="sed -i -e \"1s/^pick/edit/\" -e \"3s/^pick/squash/\"" &&
	export GIT_SEQUENCE_EDITOR &&
	git rebase -q -i main >out 2>err &&
	unset GIT_SEQUENCE_EDITOR &&
	check_quiet err &&
	test_path_is_file .git/rebase-merge/amend &&
	write_issue .roadmap/fixed/F4.md F4 blocked "F4 edited during the rebase" &&
	git add .roadmap &&
	test_tick &&
	git commit -q --amend --no-edit 2>err &&
	check_quiet err &&
	GIT_EDITOR=: git rebase --continue >out 2>err &&
	check_quiet err &&
	test_path_is_missing .git/rebase-merge &&
	test "$(git rev-parse HEAD~2)" = "$(git rev-parse main)" &&
	test "$(git symbolic-ref HEAD)" = refs/heads/t3 &&
	check_hooked &&
	roadmap-list --committed --format "%(id) %(status)" >ids &&
	grep "^F3 review\$" ids &&
	grep "^F4 blocked\$" ids
'

test_expect_success 'rebase with a conflict, then --continue' '
	topic_branch t4 14 &&
	write_issue .roadmap/fixed/F1.md F1 blocked "F1 on t4" &&
	git add .roadmap &&
	test_tick &&
	git commit -q -m t4-4 &&
	check_hooked &&
	test_must_fail git rebase -q main >out 2>err &&
	check_quiet err &&
	test -d .git/rebase-merge &&
	write_issue .roadmap/fixed/F1.md F1 review "F1 resolved" &&
	git add .roadmap &&
	GIT_EDITOR=: git rebase --continue >out 2>err &&
	check_quiet err &&
	test_path_is_missing .git/rebase-merge &&
	test "$(git rev-parse HEAD~4)" = "$(git rev-parse main)" &&
	check_hooked &&
	roadmap-list --committed --format "%(id) %(status)" >ids &&
	grep "^F1 review\$" ids
'

test_expect_success 'rebase --apply with a conflict, then --continue' '
	topic_branch t5 15 &&
	write_issue .roadmap/fixed/F1.md F1 blocked "F1 on t5" &&
	git add .roadmap &&
	test_tick &&
	git commit -q -m t5-4 &&
	check_hooked &&
	test_must_fail git rebase -q --apply main >out 2>err &&
	check_quiet err &&
	test -d .git/rebase-apply &&
	write_issue .roadmap/fixed/F1.md F1 review "F1 resolved" &&
	git add .roadmap &&
	git rebase --continue >out 2>err &&
	check_quiet err &&
	test_path_is_missing .git/rebase-apply &&
	test "$(git rev-parse HEAD~4)" = "$(git rev-parse main)" &&
	check_hooked
'

test_expect_success 'rebase --abort: no hook names HEAD, the next reader heals' '
	topic_branch t6 16 &&
	write_issue .roadmap/fixed/F1.md F1 blocked "F1 on t6" &&
	git add .roadmap &&
	test_tick &&
	git commit -q -m t6-4 &&
	check_hooked &&
	before=$(git rev-parse HEAD) &&
	test_must_fail git rebase -q main >out 2>err &&
	check_quiet err &&
	git rebase --abort 2>err &&
	check_quiet err &&
	test "$(git rev-parse HEAD)" = "$before" &&
	test "$(git symbolic-ref HEAD)" = refs/heads/t6 &&
	check_healed
'

test_expect_success 'rebase --apply --abort: the next reader heals' '
	before=$(git rev-parse HEAD) &&
	test_must_fail git rebase -q --apply main >out 2>err &&
	check_quiet err &&
	git rebase --abort 2>err &&
	check_quiet err &&
	test "$(git rev-parse HEAD)" = "$before" &&
	check_healed
'

test_expect_success 'cherry-pick one commit' '
	git checkout -q main &&
	check_hooked &&
	git cherry-pick t2~2 >out 2>err &&
	check_quiet err &&
	check_hooked
'

test_expect_success 'cherry-pick two commits (a sequence)' '
	git cherry-pick t2~1 t2 >out 2>err &&
	check_quiet err &&
	test_path_is_missing .git/sequencer &&
	check_hooked
'

test_expect_success 'cherry-pick with a conflict, then --continue' '
	test_must_fail git cherry-pick t1~2 t6 >out 2>err &&
	test -d .git/sequencer &&
	check_quiet err &&
	write_issue .roadmap/fixed/F1.md F1 blocked "F1 picked" &&
	git add .roadmap &&
	GIT_EDITOR=: git cherry-pick --continue >out 2>err &&
	check_quiet err &&
	test_path_is_missing .git/sequencer &&
	check_hooked &&
	roadmap-list --committed --format "%(id) %(title)" >ids &&
	grep "^F1 F1 picked\$" ids
'

test_expect_success 'revert one commit' '
	git revert --no-edit HEAD~1 >out 2>err &&
	check_quiet err &&
	check_hooked
'

test_expect_success 'revert two commits (a sequence)' '
	git revert --no-edit HEAD~3 HEAD~4 >out 2>err &&
	check_quiet err &&
	test_path_is_missing .git/sequencer &&
	check_hooked
'

test_done
