#!/bin/sh

test_description='roadmap-watch --auto-push: to the upstream, never forced

Each auto-commit is pushed to the branch upstream (a local bare
repository here). A remote that is away is retried with back-off until
it is back; a push refused because someone else pushed is followed by a
fetch and a rebase of the local commits when they touch issue files
only, then pushed again; otherwise the pushing stops with an error
event. No local commit is ever lost, and the remote is never rewound.
'

. ./test-lib.sh
. "$TEST_DIRECTORY/lib/watch.sh"

# pushed_is <commit>: the remote main is that commit
pushed_is () {
	test "$(git --git-dir="$SHARNESS_TRASH_DIRECTORY/remote.git" rev-parse main)" = "$1"
}

test_expect_success 'setup: a bare remote, a clone with issues and its upstream, a watcher' '
	git init -q --bare remote.git &&
	git clone -q remote.git a 2>/dev/null &&
	(
		cd a &&
		for i in 1 2 3 4 5 6
		do
			write_issue .roadmap/issues/i$i.md i$i || return 1
		done &&
		echo readme >README &&
		git add -A && test_tick && git commit -q -m issues &&
		git push -q -u origin main 2>/dev/null &&
		start_watch ../a.events --debounce 200 --auto-commit --auto-push &&
		test "$(status_of automation)" = "commit push"
	)
'

test_expect_success 'an auto-commit is pushed' '
	(
		cd a &&
		set_title .roadmap/issues/i1.md "Pushed" &&
		wait_until 10 commits_are 2 &&
		wait_until 10 pushed_is $(git rev-parse HEAD) &&
		test "$(events ../a.events pushed commit)" = "$(git rev-parse HEAD)" &&
		test "$(events ../a.events pushed ref)" = refs/heads/main &&
		test "$(events ../a.events pushed remote)" = origin &&
		test "$(status_of pushes)" = 1
	)
'

test_expect_success 'a remote away: errors, retried with back-off, pushed once it is back' '
	(
		cd a &&
		mv ../remote.git ../remote.away &&
		set_title .roadmap/issues/i2.md "While away" &&
		wait_until 10 commits_are 3 &&
		wait_until 10 count_ge 2 events ../a.events error what &&
		test "$(events ../a.events error what | sort -u)" = push &&
		test "$(status_of unpushed)" = 1 &&
		mv ../remote.away ../remote.git &&
		wait_until 20 pushed_is $(git rev-parse HEAD) &&
		test "$(status_of pushes)" = 2 &&
		test -z "$(status_of unpushed)"
	)
'

test_expect_success 'someone else pushed: fetch, rebase, push; no commit lost, none rewritten on the remote' '
	git clone -q remote.git b &&
	(
		cd b &&
		set_title .roadmap/issues/i3.md "From b" &&
		git commit -q -a -m "b: i3" &&
		git push -q origin main 2>/dev/null
	) &&
	theirs=$(git -C b rev-parse HEAD) &&
	(
		cd a &&
		set_title .roadmap/issues/i4.md "From a" &&
		wait_until 10 count_is 3 events ../a.events pushed &&
		head=$(git rev-parse HEAD) &&
		pushed_is $head &&
		git merge-base --is-ancestor $theirs $head &&
		test "$(git log -1 --format=%s)" = "roadmap-watch: i4" &&
		grep "title: From b" .roadmap/issues/i3.md &&
		grep "title: From a" .roadmap/issues/i4.md &&
		git diff --quiet HEAD
	)
'

test_expect_success 'refused, and the commits ahead touch more than issue files: pushing stops, nothing lost' '
	(
		cd b &&
		git pull -q --rebase 2>/dev/null &&
		set_title .roadmap/issues/i5.md "From b again" &&
		git commit -q -a -m "b: i5" &&
		git push -q origin main 2>/dev/null
	) &&
	theirs=$(git -C b rev-parse HEAD) &&
	(
		cd a &&
		echo "by hand" >>README &&
		git commit -q -a -m "a README by hand" &&
		errors=$(events ../a.events error | wc -l) &&
		set_title .roadmap/issues/i6.md "Stays local" &&
		wait_until 10 count_is $((errors + 1)) events ../a.events error &&
		events ../a.events error message | tail -1 >msg &&
		grep "touch more than issue files" msg &&
		test -z "$(status_of unpushed)" &&
		pushed_is $theirs &&
		git log -2 --format=%s >subjects &&
		printf "roadmap-watch: i6\na README by hand\n" >expect &&
		test_cmp expect subjects &&
		git fetch -q && test "$(git rev-list --count origin/main..HEAD)" = 2
	)
'

test_expect_success 'a branch with no upstream: said, not pushed' '
	(
		cd a &&
		git checkout -q -b topic &&
		errors=$(events ../a.events error | wc -l) &&
		set_title .roadmap/issues/i1.md "On topic" &&
		wait_until 10 count_is $((errors + 1)) events ../a.events error &&
		events ../a.events error message | tail -1 >msg &&
		grep "branch topic has no upstream" msg &&
		test "$(git log -1 --format=%s)" = "roadmap-watch: i1" &&
		stop_watch
	)
'

test_done
