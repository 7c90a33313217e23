#!/bin/sh
test_description='hooks keep the index at HEAD: merge (fast-forward, true, conflicts, --abort, --squash), pull'
. ./test-lib.sh

test_expect_success 'setup: a repository with the hooks installed' '
	git init -q &&
	printf "/remote.git/\n/other/\n" >>.git/info/exclude &&
	git config --add roadmap.path .roadmap/issues &&
	git config --add roadmap.path .roadmap/fixed &&
	roadmap-install-hooks -q &&
	gen_valid_issues 1 30 &&
	for i in 1 2 3 4 5
	do
		write_issue .roadmap/fixed/F$i.md F$i todo "Fixed $i" || return 1
	done &&
	git add .roadmap &&
	test_tick &&
	git commit -q -m base &&
	git tag base &&
	check_hooked
'

test_expect_success 'merge, fast-forward' '
	git checkout -q -b ff &&
	mutate_valid_issues 2 &&
	test_tick &&
	git commit -q -m ff-1 &&
	mutate_valid_issues 3 &&
	test_tick &&
	git commit -q -m ff-2 &&
	git checkout -q main &&
	check_hooked &&
	git merge -q --ff-only ff 2>err &&
	check_quiet err &&
	test "$(git rev-parse HEAD)" = "$(git rev-parse ff)" &&
	check_hooked
'

test_expect_success 'true merge' '
	git checkout -q -b topic &&
	gen_valid_issues 11 8 &&
	write_issue .roadmap/fixed/F1.md F1 in-progress "Changed on topic" &&
	git add .roadmap &&
	test_tick &&
	git commit -q -m on-topic &&
	git checkout -q main &&
	gen_valid_issues 12 8 &&
	write_issue .roadmap/fixed/F2.md F2 review "Changed on main" &&
	git add .roadmap &&
	test_tick &&
	git commit -q -m on-main &&
	check_hooked &&
	test_tick &&
	git merge -q --no-edit topic 2>err &&
	check_quiet err &&
	git rev-parse --verify -q HEAD^2 &&
	check_hooked &&
	roadmap-list --committed --format "%(id) %(status)" >ids &&
	grep "^F1 in-progress\$" ids &&
	grep "^F2 review\$" ids
'

test_expect_success 'merge with conflicts, resolved and committed' '
	git checkout -q -b c1 &&
	gen_valid_issues 21 4 &&
	write_issue .roadmap/fixed/F3.md F3 blocked "F3 on c1" &&
	git add .roadmap &&
	test_tick &&
	git commit -q -m c1 &&
	git checkout -q main &&
	write_issue .roadmap/fixed/F3.md F3 closed "F3 on main" &&
	git add .roadmap &&
	test_tick &&
	git commit -q -m "F3 on main" &&
	before=$(git rev-parse HEAD) &&
	test_tick &&
	test_must_fail git merge -q --no-edit c1 >out 2>err &&
	check_quiet err &&
	grep "CONFLICT" out &&
	test "$(git rev-parse HEAD)" = "$before" &&
	check_hooked &&
	write_issue .roadmap/fixed/F3.md F3 review "F3 merged" &&
	git add .roadmap &&
	test_tick &&
	git commit -q --no-edit 2>err &&
	check_quiet err &&
	git rev-parse --verify -q HEAD^2 &&
	check_hooked &&
	roadmap-list --committed --format "%(id) %(status) %(title)" >ids &&
	grep "^F3 review F3 merged\$" ids
'

test_expect_success 'merge --abort' '
	git checkout -q -b c2 &&
	write_issue .roadmap/fixed/F4.md F4 blocked "F4 on c2" &&
	git add .roadmap &&
	test_tick &&
	git commit -q -m c2 &&
	git checkout -q main &&
	write_issue .roadmap/fixed/F4.md F4 closed "F4 on main" &&
	git add .roadmap &&
	test_tick &&
	git commit -q -m "F4 on main" &&
	before=$(git rev-parse HEAD) &&
	test_must_fail git merge -q --no-edit c2 >out 2>err &&
	check_quiet err &&
	git merge --abort 2>err &&
	check_quiet err &&
	test "$(git rev-parse HEAD)" = "$before" &&
	git diff --exit-code HEAD &&
	check_hooked &&
	check_oracle
'

test_expect_success 'merge --squash, then commit' '
	git checkout -q -b sq &&
	mutate_valid_issues 31 &&
	test_tick &&
	git commit -q -m sq &&
	git checkout -q main &&
	before=$(git rev-parse HEAD) &&
	git merge -q --squash sq >out 2>err &&
	check_quiet err &&
	test "$(git rev-parse HEAD)" = "$before" &&
	check_hooked &&
	drop_invalid_issues &&
	test_tick &&
	git commit -q -m squashed 2>err &&
	check_quiet err &&
	check_hooked
'

test_expect_success 'setup: a local bare remote and another clone' '
	git clone -q --bare . remote.git &&
	git remote add origin "$(pwd)/remote.git" &&
	git fetch -q origin &&
	git branch -q -u origin/main &&
	git clone -q remote.git other &&
	test_path_is_missing other/.git/hooks/post-commit
'

test_expect_success 'pull, fast-forward' '
	(
		cd other &&
		mutate_valid_issues 41 &&
		test_tick &&
		git commit -q -m other-1 &&
		git push -q origin main
	) &&
	git pull -q --ff-only 2>err &&
	check_quiet err &&
	test "$(git rev-parse HEAD)" = "$(git -C other rev-parse HEAD)" &&
	check_hooked
'

test_expect_success 'pull, true merge' '
	(
		cd other &&
		gen_valid_issues 51 6 &&
		test_tick &&
		git commit -q -m other-2 &&
		git push -q origin main
	) &&
	gen_valid_issues 52 6 &&
	test_tick &&
	git commit -q -m local-2 &&
	check_hooked &&
	test_tick &&
	git pull -q --no-rebase --no-edit 2>err &&
	check_quiet err &&
	git rev-parse --verify -q HEAD^2 &&
	check_hooked
'

test_expect_success 'pull --rebase' '
	git push -q origin main &&
	(
		cd other &&
		git pull -q --ff-only &&
		gen_valid_issues 61 5 &&
		test_tick &&
		git commit -q -m other-3 &&
		git push -q origin main
	) &&
	gen_valid_issues 62 5 &&
	test_tick &&
	git commit -q -m local-3 &&
	check_hooked &&
	test_tick &&
	git pull -q --rebase 2>err &&
	check_quiet err &&
	test "$(git rev-parse HEAD^)" = "$(git -C other rev-parse HEAD)" &&
	check_hooked
'

test_done
