#!/bin/sh
test_description='hooks keep the index at HEAD: stash, bisect, worktrees, clone, sparse checkout'
. ./test-lib.sh

# rm_check_files: what check_oracle and the tests leave in the current directory
rm_check_files () {
	rm -f actual expect err invalid out ids
}

test_expect_success 'setup: a history of six commits, the hooks installed' '
	git init -q &&
	printf "/wt1/\n/wt2/\n/clone/\n/clone2/\n/sparse/\n/tmpl/\n" >>.git/info/exclude &&
	roadmap-install-hooks -q &&
	gen_valid_issues 1 30 &&
	test_tick &&
	git commit -q -m c0 &&
	git tag c0 &&
	for i in 1 2 3 4 5
	do
		mutate_valid_issues $i --add 2 --modify 3 --delete 1 --rename 1 &&
		test_tick &&
		git commit -q -m c$i &&
		git tag c$i || return 1
	done &&
	git branch topic c3 &&
	check_hooked
'

test_expect_success 'stash and stash pop' '
	f=$(git ls-files .roadmap/issues | sed -n 2p) &&
	echo "edited, then stashed" >>"$f" &&
	write_issue .roadmap/issues/stashed/S1.md S1 todo "Untracked, stashed" &&
	check_oracle &&
	grep "\"S1\"" actual &&
	git stash push -q -u -- .roadmap 2>err &&
	check_quiet err &&
	git diff --exit-code &&
	check_hooked &&
	check_oracle &&
	! grep "\"S1\"" actual &&
	git stash pop -q 2>err &&
	check_quiet err &&
	test_path_is_file .roadmap/issues/stashed/S1.md &&
	check_hooked &&
	check_oracle &&
	grep "\"S1\"" actual &&
	git stash push -q -u -- .roadmap &&
	git stash drop -q
'

test_expect_success 'bisect start, good, bad, reset' '
	git bisect start c5 c0 >out 2>err &&
	check_quiet err &&
	test "$(git rev-parse HEAD)" != "$(git rev-parse c5)" &&
	check_hooked &&
	git bisect good >out 2>err &&
	check_quiet err &&
	check_hooked &&
	git bisect bad >out 2>err &&
	check_quiet err &&
	check_hooked &&
	git bisect reset 2>err &&
	check_quiet err &&
	test "$(git symbolic-ref HEAD)" = refs/heads/main &&
	check_hooked
'

test_expect_success 'bisect run' '
	git bisect start c5 c0 >out 2>err &&
	git bisect run sh -c "test \$(git rev-list --count HEAD) -lt 4" >out 2>err &&
	check_quiet err &&
	check_hooked &&
	git bisect reset 2>err &&
	check_quiet err &&
	check_hooked
'

test_expect_success 'worktree add: the new worktree gets its own index' '
	git worktree add -q wt1 topic 2>err &&
	check_quiet err &&
	(
		cd wt1 &&
		test "$(index_path)" != "$(git -C .. rev-parse --git-path roadmap/index.mdb)" &&
		check_hooked &&
		rm_check_files
	) &&
	test_path_is_file .git/worktrees/wt1/roadmap/index.mdb &&
	check_hooked
'

test_expect_success 'a second worktree on another branch, detached' '
	git worktree add -q --detach wt2 c1 2>err &&
	check_quiet err &&
	(
		cd wt2 &&
		check_hooked &&
		rm_check_files
	) &&
	(cd wt1 && check_hooked && rm_check_files) &&
	check_hooked
'

test_expect_success 'commit and switch in the worktrees: each index follows its own HEAD' '
	(
		cd wt1 &&
		mutate_valid_issues 11 &&
		test_tick &&
		git commit -q -m in-wt1 2>err &&
		check_quiet err &&
		check_hooked &&
		rm_check_files
	) &&
	(
		cd wt2 &&
		git switch -q -c wt2-branch c2 2>err &&
		check_quiet err &&
		check_hooked &&
		mutate_valid_issues 12 &&
		test_tick &&
		git commit -q -m in-wt2 2>err &&
		check_quiet err &&
		check_hooked &&
		rm_check_files
	) &&
	(cd wt1 && check_hooked && rm_check_files) &&
	test "$(git rev-parse HEAD)" = "$(git rev-parse c5)" &&
	check_hooked &&
	git checkout -q c4 2>err &&
	check_quiet err &&
	check_hooked &&
	(cd wt1 && check_hooked && rm_check_files) &&
	(cd wt2 && check_hooked && rm_check_files) &&
	git checkout -q main
'

test_expect_success 'worktree remove takes its index along' '
	git worktree remove wt1 2>err &&
	check_quiet err &&
	test_path_is_missing wt1 &&
	test_path_is_missing .git/worktrees/wt1 &&
	(cd wt2 && check_hooked && rm_check_files) &&
	git worktree remove wt2 &&
	test_path_is_missing .git/worktrees/wt2 &&
	check_hooked
'

test_expect_success 'clone, then install: the hooks work there' '
	git clone -q . clone 2>err &&
	check_quiet err &&
	(
		cd clone &&
		test_path_is_missing .git/hooks/post-checkout &&
		roadmap-install-hooks -q &&
		test -x .git/hooks/post-checkout &&
		git checkout -q -b t origin/topic 2>err &&
		check_quiet err &&
		check_hooked &&
		mutate_valid_issues 21 &&
		test_tick &&
		git commit -q -m in-clone 2>err &&
		check_quiet err &&
		check_hooked &&
		git checkout -q main 2>err &&
		check_quiet err &&
		check_hooked
	)
'

test_expect_success 'clone with the hooks in a template: the clone is indexed at once' '
	mkdir -p tmpl &&
	cp -R "$(git rev-parse --git-path hooks)" tmpl/hooks &&
	git clone -q --template="$(pwd)/tmpl" -b topic . clone2 2>err &&
	check_quiet err &&
	(
		cd clone2 &&
		test -x .git/hooks/post-checkout &&
		check_hooked
	)
'

test_expect_success 'sparse checkout' '
	git clone -q . sparse &&
	(
		cd sparse &&
		roadmap-install-hooks -q &&
		git checkout -q -b s origin/topic 2>err &&
		check_quiet err &&
		check_hooked &&
		dir=$(git ls-files .roadmap/issues | sed -n "1s|/[^/]*\$||p") &&
		git sparse-checkout set "$dir" 2>err &&
		check_quiet err &&
		test "$(git config extensions.worktreeConfig)" = true &&
		test_path_is_missing "$(git ls-files .roadmap/issues | grep -v "^$dir/" | head -1)" &&
		check_hooked &&
		git checkout -q main 2>err &&
		check_quiet err &&
		check_hooked &&
		write_issue "$dir/sparse-1.md" SP1 todo "Added in a sparse checkout" &&
		git add "$dir" &&
		test_tick &&
		git commit -q -m in-sparse 2>err &&
		check_quiet err &&
		check_hooked &&
		git checkout -q s 2>err &&
		check_quiet err &&
		check_hooked &&
		git sparse-checkout disable 2>err &&
		check_quiet err &&
		check_hooked
	)
'

test_done
