#!/bin/sh
test_description='roadmap-install-hooks: install, reinstall, uninstall, chaining to user hooks, core.hooksPath; hooks are silent, a failing one prints one line'
. ./test-lib.sh

HOOKS="post-checkout post-commit post-merge post-rewrite pre-commit"

test -x "$SHARNESS_BUILD_DIRECTORY/roadmap-check" && test_set_prereq CHECK

# snapshot <dir>: every entry under <dir>: type, mode, size, content hash
snapshot () {
	(
		cd "$1" &&
		find . | LC_ALL=C sort | while IFS= read -r p
		do
			if test -f "$p"
			then
				printf "%s %s\n" "$(stat -c "%F %a %s" "$p")" "$(sha1sum <"$p")"
			else
				stat -c "%F %a" "$p"
			fi | sed "s|^|$p |" || return 1
		done
	)
}

# snapshot_exact <dir>: snapshot plus inode and modification time
snapshot_exact () {
	snapshot "$1" &&
	(cd "$1" && find . -type f | LC_ALL=C sort | xargs stat -c "%n %i %y")
}

# user_hook <path> <name> [<exit status>]: a hook of the user's that logs
# its arguments, its stdin (post-rewrite), and the commit the index was at
user_hook () {
	mkdir -p "$(dirname "$1")" &&
	cat >"$1" <<-EOF &&
	#!/bin/sh
	ix=\$(mdb_dump -n -s meta -p "\$(git rev-parse --git-path roadmap/index.mdb)" 2>/dev/null |
		sed -n "/^ commit\\\$/{n;s/^ //;p;q;}")
	echo "user $2 \$* index=\$ix" >>"$SHARNESS_TRASH_DIRECTORY/hook.log"
	test "$2" != post-rewrite || sed "s/^/user stdin: /" >>"$SHARNESS_TRASH_DIRECTORY/hook.log"
	test -f "$SHARNESS_TRASH_DIRECTORY/refuse" && { echo "user $2 refuses" >&2; exit 1; }
	exit ${3:-0}
	EOF
	chmod +x "$1"
}

test_expect_success 'install into a fresh repository' '
	git init -q repo &&
	(
		cd repo &&
		roadmap-install-hooks >out 2>err &&
		test_must_be_empty err &&
		for h in $HOOKS
		do
			echo "$h: installed" || return 1
		done >expect &&
		sort out >actual &&
		test_cmp expect actual &&
		for h in $HOOKS
		do
			test -x .git/hooks/$h &&
			grep "^# roadmap-hook " .git/hooks/$h &&
			grep "^bin=$SHARNESS_BUILD_DIRECTORY\$" .git/hooks/$h &&
			test_path_is_missing .git/hooks/$h.roadmap-orig || return 1
		done
	)
'

test_expect_success 'a second install changes nothing' '
	snapshot_exact repo/.git/hooks >before &&
	(cd repo && roadmap-install-hooks >../out 2>../err) &&
	test_must_be_empty err &&
	for h in $HOOKS
	do
		echo "$h: unchanged" || return 1
	done >expect &&
	sort out >actual &&
	test_cmp expect actual &&
	snapshot_exact repo/.git/hooks >after &&
	test_cmp before after &&
	(cd repo && roadmap-install-hooks -q >../out 2>../err) &&
	test_must_be_empty out &&
	test_must_be_empty err
'

test_expect_success 'the hooks print nothing on success' '
	(
		cd repo &&
		gen_valid_issues 1 20 &&
		test_tick &&
		git commit -q -m one 2>err &&
		test_must_be_empty err &&
		check_hooked &&
		git checkout -q -b topic 2>err &&
		test_must_be_empty err &&
		mutate_valid_issues 2 &&
		test_tick &&
		git commit -q -m two 2>err &&
		test_must_be_empty err &&
		test_tick &&
		git commit -q --amend -m two-amended 2>err &&
		test_must_be_empty err &&
		check_hooked &&
		git checkout -q main 2>err &&
		test_must_be_empty err &&
		check_hooked &&
		git merge -q topic 2>err &&
		test_must_be_empty err &&
		check_hooked
	)
'

test_expect_success 'a failing refresh: one line, and git checkout exits 0' '
	(
		cd repo &&
		git checkout -q -b other HEAD~1 &&
		wait_for_refresh &&
		rm -rf "$(index_path)"* &&
		mkdir "$(index_path)" &&
		git checkout -q main 2>err &&
		cat err &&
		test_line_count = 1 err &&
		grep "^roadmap: post-checkout hook: " err &&
		git checkout -q other 2>err &&
		test_line_count = 1 err &&
		grep "^roadmap: post-checkout hook: " err
	)
'

# (--no-verify: roadmap-check, in pre-commit, refuses to run on a broken index)
test_expect_success 'a failing refresh: one line from post-commit and post-merge, git exits 0' '
	(
		cd repo &&
		write_issue .roadmap/issues/x/X1.md X1 todo "On other" &&
		git add .roadmap &&
		test_tick &&
		git commit -q --no-verify -m x1 2>err &&
		test_line_count = 1 err &&
		grep "^roadmap: post-commit hook: " err &&
		git checkout -q main 2>/dev/null &&
		test_tick &&
		git merge -q --no-edit other 2>err &&
		test_line_count = 1 err &&
		grep "^roadmap: post-merge hook: " err
	)
'

test_expect_success 'after a failing refresh the next reader heals' '
	(
		cd repo &&
		rmdir "$(index_path)" &&
		check_healed &&
		git checkout -q other 2>err &&
		test_must_be_empty err &&
		check_hooked &&
		git checkout -q main
	)
'

test_expect_success 'uninstall: the hooks directory is byte for byte as before' '
	git init -q plain &&
	snapshot plain/.git/hooks >before &&
	grep "\.sample " before &&
	(cd plain && roadmap-install-hooks -q) &&
	snapshot plain/.git/hooks >installed &&
	! test_cmp before installed >/dev/null &&
	(cd plain && roadmap-install-hooks --uninstall >../out 2>../err) &&
	test_must_be_empty err &&
	for h in $HOOKS
	do
		echo "$h: removed" || return 1
	done >expect &&
	sort out >actual &&
	test_cmp expect actual &&
	snapshot plain/.git/hooks >after &&
	test_cmp before after &&
	(cd plain && roadmap-install-hooks --uninstall -q >../out 2>../err) &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	snapshot plain/.git/hooks >after &&
	test_cmp before after
'

test_expect_success 'setup: a repository with user pre-commit, post-checkout and post-rewrite hooks' '
	git init -q user &&
	user_hook user/.git/hooks/pre-commit pre-commit &&
	user_hook user/.git/hooks/post-checkout post-checkout &&
	user_hook user/.git/hooks/post-rewrite post-rewrite &&
	snapshot user/.git/hooks >user-before &&
	(cd user && roadmap-install-hooks >../out 2>../err) &&
	test_must_be_empty err &&
	grep "^pre-commit: installed; it runs your hook first" out &&
	grep "^post-checkout: installed; it runs your hook first" out &&
	grep "^post-rewrite: installed; it runs your hook first" out &&
	grep "^post-commit: installed\$" out &&
	grep "^post-merge: installed\$" out &&
	test -x user/.git/hooks/pre-commit.roadmap-orig &&
	test -x user/.git/hooks/post-checkout.roadmap-orig &&
	test -x user/.git/hooks/post-rewrite.roadmap-orig &&
	snapshot_exact user/.git/hooks >before &&
	(cd user && roadmap-install-hooks -q) &&
	snapshot_exact user/.git/hooks >after &&
	test_cmp before after
'

test_expect_success 'the user pre-commit still runs, and roadmap indexes the commit' '
	(
		cd user &&
		gen_valid_issues 1 10 &&
		: >../hook.log &&
		test_tick &&
		git commit -q -m one 2>err &&
		test_must_be_empty err &&
		echo "user pre-commit  index=" >expect &&
		test_cmp expect ../hook.log &&
		check_hooked
	)
'

test_expect_success 'the user post-checkout runs first, with the same arguments' '
	(
		cd user &&
		old=$(git rev-parse HEAD) &&
		git checkout -q -b topic 2>err &&
		write_issue .roadmap/issues/t/T1.md T1 todo "On topic" &&
		git add .roadmap &&
		test_tick &&
		git commit -q -m topic-1 &&
		new=$(git rev-parse HEAD) &&
		test "$(indexed_commit)" = "$new" &&
		: >../hook.log &&
		git checkout -q main 2>err &&
		test_must_be_empty err &&
		echo "user post-checkout $new $old 1 index=$new" >expect &&
		test_cmp expect ../hook.log &&
		check_hooked &&
		: >../hook.log &&
		f=$(git ls-files .roadmap/issues | sed -n 2p) &&
		echo edited >>"$f" &&
		git checkout -- "$f" 2>err &&
		test_must_be_empty err &&
		echo "user post-checkout $old $old 0 index=$old" >expect &&
		test_cmp expect ../hook.log
	)
'

test_expect_success 'the user post-rewrite gets the rewritten commits on stdin' '
	(
		cd user &&
		git checkout -q topic &&
		old=$(git rev-parse HEAD) &&
		: >../hook.log &&
		test_tick &&
		git commit -q --amend -m topic-1-amended 2>err &&
		test_must_be_empty err &&
		new=$(git rev-parse HEAD) &&
		grep "^user pre-commit " ../hook.log &&
		grep "^user post-rewrite amend index=" ../hook.log &&
		grep "^user stdin: $old $new\$" ../hook.log &&
		check_hooked
	)
'

test_expect_success 'a user post-checkout that fails still fails git checkout, and the index follows' '
	(
		cd user &&
		mv .git/hooks/post-checkout.roadmap-orig saved-hook &&
		user_hook .git/hooks/post-checkout.roadmap-orig post-checkout 3 &&
		test_must_fail git checkout -q main 2>err &&
		test "$(git symbolic-ref HEAD)" = refs/heads/main &&
		check_hooked &&
		mv saved-hook .git/hooks/post-checkout.roadmap-orig
	)
'

test_expect_success 'the user pre-commit can still refuse a commit' '
	(
		cd user &&
		before=$(git rev-parse HEAD) &&
		write_issue .roadmap/issues/r/R1.md R1 todo "Refused" &&
		git add .roadmap &&
		: >../refuse &&
		: >../hook.log &&
		test_must_fail git commit -q -m refused 2>err &&
		rm ../refuse &&
		grep "^user pre-commit refuses" err &&
		! grep "^roadmap" err &&
		test "$(git rev-parse HEAD)" = "$before" &&
		test "$(indexed_commit)" = "$before" &&
		test_tick &&
		git commit -q -m accepted 2>err &&
		test_must_be_empty err &&
		check_hooked
	)
'

test_expect_success CHECK 'after the user pre-commit, roadmap-check refuses a broken issue' '
	(
		cd user &&
		before=$(git rev-parse HEAD) &&
		printf -- "---\nid: B1\ntitle: [unclosed\n---\n" >.roadmap/issues/broken.md &&
		git add .roadmap &&
		: >../hook.log &&
		test_must_fail git commit -q -m broken >out 2>err &&
		grep "^user pre-commit " ../hook.log &&
		cat out err >both &&
		grep "broken.md:[0-9]*:[0-9]*: error: " both &&
		test "$(git rev-parse HEAD)" = "$before" &&
		: >../refuse &&
		test_must_fail git commit -q -m broken >out 2>err &&
		rm ../refuse &&
		grep "^user pre-commit refuses" err &&
		cat out err >both &&
		! grep "broken.md" both &&
		test "$(git rev-parse HEAD)" = "$before"
	)
'

test_expect_success 'commit --no-verify skips both, and the index still follows' '
	(
		cd user &&
		printf -- "---\nid: B1\ntitle: [unclosed\n---\n" >.roadmap/issues/broken.md &&
		git add .roadmap &&
		: >../refuse &&
		: >../hook.log &&
		test_tick &&
		git commit -q --no-verify -m "broken, committed" 2>err &&
		rm ../refuse &&
		test_must_be_empty err &&
		test_must_be_empty ../hook.log &&
		check_hooked &&
		git rm -q .roadmap/issues/broken.md &&
		test_tick &&
		git commit -q -m "broken, removed" &&
		check_hooked
	)
'

test_expect_success 'uninstall puts the user hooks back, byte for byte' '
	(cd user && roadmap-install-hooks --uninstall >../out 2>../err) &&
	test_must_be_empty err &&
	grep "^pre-commit: restored yours" out &&
	grep "^post-checkout: restored yours" out &&
	grep "^post-rewrite: restored yours" out &&
	grep "^post-commit: removed" out &&
	snapshot user/.git/hooks >after &&
	test_cmp user-before after
'

test_expect_success 'core.hooksPath: installed there, .git/hooks untouched' '
	git init -q hp &&
	(
		cd hp &&
		git config core.hooksPath .githooks &&
		user_hook .githooks/post-checkout post-checkout &&
		snapshot .git/hooks >../git-hooks-before &&
		snapshot .githooks >../hp-before &&
		mkdir sub &&
		(cd sub && roadmap-install-hooks -q) &&
		test_path_is_missing sub/.githooks &&
		for h in $HOOKS
		do
			test -x .githooks/$h &&
			test_path_is_missing .git/hooks/$h || return 1
		done &&
		test -x .githooks/post-checkout.roadmap-orig &&
		snapshot .git/hooks >../git-hooks-after &&
		test_cmp ../git-hooks-before ../git-hooks-after &&
		gen_valid_issues 1 10 &&
		test_tick &&
		git commit -q -m one 2>err &&
		test_must_be_empty err &&
		check_hooked &&
		old=$(git rev-parse HEAD) &&
		git checkout -q -b topic 2>err &&
		mutate_valid_issues 2 &&
		test_tick &&
		git commit -q -m two 2>err &&
		test_must_be_empty err &&
		check_hooked &&
		new=$(git rev-parse HEAD) &&
		: >../hook.log &&
		git checkout -q main 2>err &&
		test_must_be_empty err &&
		echo "user post-checkout $new $old 1 index=$new" >expect &&
		test_cmp expect ../hook.log &&
		check_hooked
	)
'

test_expect_success 'core.hooksPath: a second install changes nothing, uninstall restores it' '
	(
		cd hp &&
		snapshot_exact .githooks >../before &&
		roadmap-install-hooks -q &&
		snapshot_exact .githooks >../after &&
		test_cmp ../before ../after &&
		roadmap-install-hooks --uninstall -q &&
		snapshot .githooks >../hp-after &&
		test_cmp ../hp-before ../hp-after
	)
'

test_expect_success 'core.hooksPath, absolute and outside the repository' '
	git init -q abs &&
	(
		cd abs &&
		git config core.hooksPath "$SHARNESS_TRASH_DIRECTORY/shared-hooks" &&
		roadmap-install-hooks -q &&
		test -x ../shared-hooks/post-commit &&
		write_issue .roadmap/issues/A1.md A1 todo "One" &&
		git add .roadmap &&
		test_tick &&
		git commit -q -m one 2>err &&
		test_must_be_empty err &&
		check_hooked
	)
'

test_expect_success 'a hook of ours edited by hand is left alone without --force' '
	(
		cd repo &&
		echo "# my change" >>.git/hooks/post-merge &&
		cp .git/hooks/post-merge edited &&
		test_expect_code 128 roadmap-install-hooks -q 2>err &&
		grep "post-merge.*edited since; use --force" err &&
		test_cmp edited .git/hooks/post-merge &&
		roadmap-install-hooks -q --force &&
		! grep "# my change" .git/hooks/post-merge &&
		roadmap-install-hooks >out &&
		grep "^post-merge: unchanged" out
	)
'

test_done
