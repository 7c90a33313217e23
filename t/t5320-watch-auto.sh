#!/bin/sh

test_description='roadmap-watch: rounds after a debounce, events, auto-commit

Real processes: a watcher in the background, files changed by hand and
by git, roadmap-list and git asked. A change is visible to a query at
once (the overlay is answered per query); what waits for the debounce
is the round: the events (--json) and the automation. 10,000 files
rewritten in one burst make one round and one commit; nothing is
committed while git is in the middle of a rebase or a merge, nor an
invalid file, nor the file of an issue with an open sync conflict; a
watcher killed loses and repeats nothing.
'

. ./test-lib.sh
. "$TEST_DIRECTORY/lib/watch.sh"

# issues <n> [<first>]: issue files i<k>.md under .roadmap/issues/<k % 4>/
issues () {
	python3 -c '
import os, sys
n, first = int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 0
for k in range(first, first + n):
    d = ".roadmap/issues/%d" % (k % 4)
    os.makedirs(d, exist_ok=True)
    with open("%s/i%d.md" % (d, k), "w") as f:
        f.write("---\nid: i%d\ntitle: Issue %d\nstatus: todo\n---\nBody %d\n" % (k, k, k))
' "$@"
}

# visible_within <ms> <command...>: the command succeeds within that many ms
visible_within () {
	_vw_start=$(ms)
	_vw_limit=$1
	shift
	until "$@" >/dev/null 2>&1
	do
		test $(( $(ms) - _vw_start )) -le $((_vw_limit * 5)) || {
			echo "not visible after $(( $(ms) - _vw_start )) ms: $*"
			return 1
		}
	done
	_vw_took=$(( $(ms) - _vw_start ))
	echo "visible after $_vw_took ms: $*"
	test $_vw_took -le "$_vw_limit"
}

# title_is <id> <title>: roadmap-list (the working tree) says so
title_is () {
	test "$(roadmap-list --format "%(title)" --where "id=$1")" = "$2"
}

# no_issue <id>
no_issue () {
	test -z "$(roadmap-list --format "%(path)" --where "id=$1")"
}

# path_is <id> <path>
path_is () {
	test "$(roadmap-list --format "%(path)" --where "id=$1")" = "$2"
}

# commits: the number of commits on HEAD
commits () {
	git rev-list --count HEAD
}

# status_is <key> <test operator> <value>, for wait_until
status_is () {
	test "$(status_of "$1")" "$2" "$3"
}

test_expect_success 'setup: 200 issues, a branch, a watcher (debounce 300 ms, no automation)' '
	git init -q w &&
	(
		cd w &&
		issues 200 &&
		git add -A && test_tick && git commit -q -m issues &&
		git checkout -q -b other &&
		sed "s/^title: .*/title: On other/" .roadmap/issues/1/i5.md >tmp &&
		mv tmp .roadmap/issues/1/i5.md &&
		git commit -q -a -m other &&
		git checkout -q main &&
		start_watch ../w.events --debounce 300 &&
		test "$(status_of debounce)" = 300 &&
		test "$(status_of automation)" = none
	)
'

test_expect_success 'an edit, a new file, a delete and a rename: visible within debounce + 100 ms' '
	(
		cd w &&
		sed "s/^title: .*/title: Edited/" .roadmap/issues/1/i1.md >tmp &&
		cat tmp >.roadmap/issues/1/i1.md &&
		visible_within 400 title_is i1 Edited &&
		printf -- "---\nid: n1\ntitle: New one\nstatus: todo\n---\n" >.roadmap/issues/2/n1.md &&
		visible_within 400 title_is n1 "New one" &&
		rm .roadmap/issues/3/i3.md &&
		visible_within 400 no_issue i3 &&
		mv .roadmap/issues/0/i4.md .roadmap/issues/2/i4-moved.md &&
		visible_within 400 path_is i4 .roadmap/issues/2/i4-moved.md
	)
'

test_expect_success 'after the debounce: one event each, as JSON lines' '
	wait_until 5 count_is 1 events w.events renamed &&
	events w.events modified >modified &&
	echo .roadmap/issues/1/i1.md >expect && test_cmp expect modified &&
	events w.events added >added &&
	echo .roadmap/issues/2/n1.md >expect && test_cmp expect added &&
	events w.events deleted id >deleted &&
	echo i3 >expect && test_cmp expect deleted &&
	events w.events renamed from >from &&
	echo .roadmap/issues/0/i4.md >expect && test_cmp expect from &&
	events w.events renamed >to &&
	echo .roadmap/issues/2/i4-moved.md >expect && test_cmp expect to &&
	events w.events modified fields >fields &&
	echo "{\"id\": \"i1\", \"title\": \"Edited\", \"status\": \"todo\"}" >expect &&
	test_cmp expect fields &&
	(cd w && test "$(status_of rounds)" -ge 1 && test "$(status_of events)" -ge 5)
'

test_expect_success 'a touch, or an edit undone, is no event' '
	(
		cd w &&
		n=$(wc -l <../w.events) &&
		rounds=$(status_of rounds) &&
		touch .roadmap/issues/0/i8.md &&
		cp .roadmap/issues/0/i12.md saved && echo more >>.roadmap/issues/0/i12.md &&
		cp saved .roadmap/issues/0/i12.md &&
		wait_until 5 status_is rounds -gt "$rounds" &&
		test "$(wc -l <../w.events)" = "$n"
	)
'

test_expect_success 'a git checkout: visible within debounce + 100 ms; its files are events' '
	(
		cd w &&
		rounds=$(status_of rounds) &&
		git stash -q -u &&
		wait_until 5 status_is rounds -gt "$rounds" &&
		: >../w.events &&
		git checkout -q other &&
		visible_within 400 title_is i5 "On other" &&
		wait_until 5 test -s ../w.events &&
		events ../w.events modified >modified &&
		echo .roadmap/issues/1/i5.md >expect && test_cmp expect modified &&
		git checkout -q main &&
		visible_within 400 title_is i5 "Issue 5" &&
		git stash pop -q &&
		visible_within 400 title_is i1 Edited
	)
'

test_expect_success 'a watcher answers a query for a rebuilt index, and roots deleted and made again' '
	(
		cd w &&
		roadmap-refresh --rebuild -q &&
		visible_within 400 title_is i1 Edited &&
		mv .roadmap/issues ../issues-away &&
		visible_within 400 no_issue i1 &&
		mv ../issues-away .roadmap/issues &&
		visible_within 400 title_is i1 Edited &&
		ROADMAP_WATCH=0 roadmap-list >expect &&
		roadmap-list >actual &&
		test_cmp expect actual
	)
'

test_expect_success 'inotify overflow: a scan, and the answers stay right' '
	(
		cd w &&
		overflows=$(status_of overflows) &&
		pid=$(status_of pid) &&
		kill -STOP $pid &&
		# 40,000 events: over fs.inotify.max_queued_events (16384 by default)
		python3 -c "
import os
for k in range(20000):
    fd = os.open(\".roadmap/issues/2/i10.md\", os.O_WRONLY | os.O_APPEND)
    os.write(fd, b\"x\")
    os.close(fd)
" &&
		kill -CONT $pid &&
		ROADMAP_WATCH=0 roadmap-list --json >expect &&
		roadmap-list --json >actual &&
		test_cmp expect actual &&
		test "$(status_of overflows)" -gt "$overflows"
	)
'

test_expect_success 'the watcher stops' '
	(cd w && stop_watch)
'

test_expect_success 'auto-commit: after the debounce, one commit naming the ids, only the issue files' '
	git init -q ac &&
	(
		cd ac &&
		issues 20 &&
		echo readme >README &&
		git add -A && test_tick && git commit -q -m issues &&
		start_watch ../ac.events --debounce 200 --auto-commit &&
		echo "not an issue" >>README &&
		sed "s/^title: .*/title: Changed/" .roadmap/issues/1/i1.md >tmp &&
		mv tmp .roadmap/issues/1/i1.md &&
		printf -- "---\nid: i100\ntitle: New\nstatus: todo\n---\n" >.roadmap/issues/0/i100.md &&
		git rm -q .roadmap/issues/2/i2.md &&
		wait_until 10 commits_are 2 &&
		git log -1 --format=%s >subject &&
		echo "roadmap-watch: i100 i1 i2" >expect &&
		test_cmp expect subject &&
		git show --name-status --format= HEAD >files &&
		printf "M\t.roadmap/issues/1/i1.md\nA\t.roadmap/issues/0/i100.md\nD\t.roadmap/issues/2/i2.md\n" |
			sort >expect &&
		sort files >actual && test_cmp expect actual &&
		git status --porcelain -uno >st &&
		echo " M README" >expect && test_cmp expect st &&
		events ../ac.events committed commit >c &&
		git rev-parse HEAD >expect && test_cmp expect c &&
		test "$(status_of commits)" = 1 &&
		test "$(status_of last_commit | cut -d" " -f2)" = "$(git rev-parse HEAD)"
	)
'

test_expect_success 'nothing is committed during a rebase stopped on a conflict' '
	(
		cd ac &&
		git commit -q -m readme README &&
		git checkout -q -b side HEAD~1 &&
		echo "side" >README && git commit -q -a -m side &&
		! git rebase -q main >/dev/null 2>&1 &&
		test -d .git/rebase-merge &&
		n=$(git rev-list --count --all) &&
		sed "s/^title: .*/title: During the rebase/" .roadmap/issues/3/i3.md >tmp &&
		mv tmp .roadmap/issues/3/i3.md &&
		wait_until 5 status_is waiting = "a rebase is under way" &&
		sleep 1 &&
		test "$(git rev-list --count --all)" = "$n" &&
		echo resolved >README && git add README &&
		# the edit out of the way of git rebase --continue, then back
		git stash push -q -- .roadmap &&
		GIT_EDITOR=true git rebase --continue >/dev/null 2>&1 &&
		git stash pop -q &&
		wait_until 10 subject_is "roadmap-watch: i3" &&
		git diff --quiet HEAD -- .roadmap
	)
'

test_expect_success 'nothing is committed during a merge with conflicts' '
	(
		cd ac &&
		git checkout -q -b mside HEAD~2 &&
		echo "mside" >README && git commit -q -a -m mside &&
		git checkout -q side &&
		! git merge -q mside >/dev/null 2>&1 &&
		test -f .git/MERGE_HEAD &&
		n=$(git rev-list --count --all) &&
		sed "s/^title: .*/title: During the merge/" .roadmap/issues/1/i5.md >tmp &&
		mv tmp .roadmap/issues/1/i5.md &&
		wait_until 5 status_is waiting = "a merge is under way" &&
		sleep 1 &&
		test "$(git rev-list --count --all)" = "$n" &&
		git merge --abort &&
		wait_until 10 subject_is "roadmap-watch: i5" &&
		git diff --quiet HEAD -- .roadmap
	)
'

test_expect_success 'an invalid file: said once, not committed; committed once fixed' '
	(
		cd ac &&
		: >../ac.events &&
		n=$(commits) &&
		printf -- "---\nid: [broken\n---\n" >.roadmap/issues/0/bad.md &&
		printf -- "---\nid: untitled\nstatus: todo\n---\n" >.roadmap/issues/0/untitled.md &&
		sed "s/^title: .*/title: Fine/" .roadmap/issues/3/i7.md >tmp &&
		mv tmp .roadmap/issues/3/i7.md &&
		wait_until 10 commits_are $((n + 1)) &&
		git show --name-only --format= HEAD >files &&
		echo .roadmap/issues/3/i7.md >expect && test_cmp expect files &&
		events ../ac.events error path | sort >bad &&
		printf ".roadmap/issues/0/bad.md\n.roadmap/issues/0/untitled.md\n" >expect &&
		test_cmp expect bad &&
		events ../ac.events error what | sort -u >what &&
		echo invalid >expect && test_cmp expect what &&
		sed "s/^title: .*/title: Fine again/" .roadmap/issues/3/i7.md >tmp &&
		mv tmp .roadmap/issues/3/i7.md &&
		wait_until 10 commits_are $((n + 2)) &&
		test "$(events ../ac.events error | wc -l)" = 2 &&
		printf -- "---\nid: fixed\ntitle: Fixed\nstatus: todo\n---\n" >.roadmap/issues/0/bad.md &&
		wait_until 10 commits_are $((n + 3)) &&
		git show --name-only --format= HEAD >files &&
		echo .roadmap/issues/0/bad.md >expect && test_cmp expect files &&
		test "$(git status --porcelain -- .roadmap)" = "?? .roadmap/issues/0/untitled.md" &&
		rm .roadmap/issues/0/untitled.md
	)
'

test_expect_success 'the file of an issue with an open sync conflict waits for its resolution' '
	(
		cd ac &&
		n=$(commits) &&
		mkdir -p .roadmap/.conflicts &&
		echo "id: i9" >.roadmap/.conflicts/i9.yaml &&
		sed "s/^title: .*/title: Local side/" .roadmap/issues/1/i9.md >tmp &&
		mv tmp .roadmap/issues/1/i9.md &&
		sed "s/^title: .*/title: Unrelated/" .roadmap/issues/2/i10.md >tmp &&
		mv tmp .roadmap/issues/2/i10.md &&
		wait_until 10 commits_are $((n + 1)) &&
		git show --name-only --format= HEAD >files &&
		echo .roadmap/issues/2/i10.md >expect && test_cmp expect files &&
		sleep 0.5 &&
		test "$(commits)" = $((n + 1)) &&
		rm -r .roadmap/.conflicts &&
		wait_until 10 commits_are $((n + 2)) &&
		git show --name-only --format= HEAD >files &&
		echo .roadmap/issues/1/i9.md >expect && test_cmp expect files
	)
'

test_expect_success 'SIGKILL: the next query is right, a new watcher commits what was left, once' '
	(
		cd ac &&
		n=$(commits) &&
		pid=$(status_of pid) &&
		sed "s/^title: .*/title: Before the kill/" .roadmap/issues/3/i11.md >tmp &&
		mv tmp .roadmap/issues/3/i11.md &&
		kill -9 $pid &&
		gone $pid &&
		title_is i11 "Before the kill" &&
		ROADMAP_WATCH=0 roadmap-list >expect && roadmap-list >actual && test_cmp expect actual &&
		test "$(commits)" = $n &&
		start_watch ../ac2.events --debounce 200 --auto-commit &&
		wait_until 10 commits_are $((n + 1)) &&
		test "$(git log -1 --format=%s)" = "roadmap-watch: i11" &&
		pid=$(status_of pid) &&
		kill -9 $pid &&
		gone $pid &&
		start_watch ../ac3.events --debounce 200 --auto-commit &&
		wait_until 5 status_is rounds -ge 1 &&
		sleep 0.5 &&
		test "$(commits)" = $((n + 1)) &&
		test "$(git log --format=%s | grep -c "roadmap-watch: i11")" = 1 &&
		stop_watch
	)
'

test_expect_success 'setup: 10,000 issues' '
	git init -q big &&
	(
		cd big &&
		issues 10000 &&
		git add -A && test_tick && git commit -q -m issues &&
		roadmap-refresh -q
	)
'

test_expect_success '10,000 files rewritten in one burst: one round, one commit' '
	(
		cd big &&
		start_watch ../big.events --debounce 1000 --auto-commit &&
		wait_until 10 status_is rounds -ge 1 &&
		rounds=$(status_of rounds) &&
		n=$(commits) &&
		python3 -c "
import os
for top, dirs, files in os.walk(\".roadmap/issues\"):
    for name in files:
        p = os.path.join(top, name)
        with open(p, \"a\") as f:
            f.write(\"burst\\n\")
" &&
		wait_until 60 commits_are $((n + 1)) &&
		sleep 1.5 &&
		test "$(status_of rounds)" = $((rounds + 1)) &&
		test "$(commits)" = $((n + 1)) &&
		test "$(git show --name-only --format= HEAD | wc -l)" = 10000 &&
		git diff --quiet HEAD &&
		git log -1 --format=%s >subject &&
		grep "^roadmap-watch: i0 i100 .* (10000 issues)\$" subject &&
		test "$(git log -1 --format=%b | grep -c .)" = 10000 &&
		test "$(events ../big.events modified | wc -l)" = 10000 &&
		test "$(events ../big.events committed files)" = 10000
	)
'

# reader_listed <pid> <index>: LMDB's reader table has a slot of that process
reader_listed () {
	mdb_stat -n -r "$2" | awk -v pid="$1" "\$1 == pid { found = 1 } END { exit !found }"
}

test_expect_success 'a reader killed inside its transaction: the next round clears its slot' '
	(
		cd big &&
		idx=$(index_path) &&
		{ sh -c "echo \$\$ >../dump.pid; exec mdb_dump -n -a \"\$1\"" - "$idx" | sleep 60 & } &&
		blocked=$! &&
		wait_until 10 test -s ../dump.pid &&
		dump=$(cat ../dump.pid) &&
		wait_until 10 reader_listed $dump "$idx" &&
		kill -9 $dump &&
		kill $blocked &&
		gone $dump &&
		reader_listed $dump "$idx" &&
		set_title .roadmap/issues/0/i0.md "Wakes a round" &&
		wait_until 10 status_is readers_cleared -ge 1 &&
		! reader_listed $dump "$idx" &&
		stop_watch
	)
'

test_expect_success 'usage errors' '
	test_expect_code 129 roadmap-watch --auto-push &&
	test_expect_code 129 roadmap-watch --interval 5 &&
	test_expect_code 129 roadmap-watch --debounce soon &&
	test_expect_code 129 roadmap-watch --sync gh --interval 0 &&
	test_expect_code 129 roadmap-watch --json --detach
'

test_done
