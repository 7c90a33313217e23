#!/bin/sh
test_description='the writers and a running roadmap-watch: the next query sees the change

A write replaces the file with a rename, and inotify queues the event
before the rename returns; the watcher reads its queue dry before it
answers. So the query right after roadmap-set, -new, -close or -mv is
answered by the watcher, with the change, and without a new scan (a stat
walk of the roots); the answer is the one of a scan (ROADMAP_WATCH=0).
'
. ./test-lib.sh

# status_of <key>: a line of roadmap-watch --status (pid, queries, answered, scans)
status_of () {
	roadmap-watch --status >status &&
	sed -n "s/^$1 //p" status
}

# mark: remember the watcher's counters
mark () {
	answered=$(status_of answered) &&
	scans=$(status_of scans)
}

# by_watcher <n>: since mark, the watcher answered n queries more and did
# not scan; and its answer now is the one of a scan. The scan may record
# stat data in the index (a new snapshot, which the watcher scans for at
# its next query): one more query lets it do so before the next mark.
by_watcher () {
	test "$(status_of scans)" = "$scans" &&
	test "$(status_of answered)" = "$((answered + $1))" ||
	{ echo "expected answered $((answered + $1)), scans $scans:"; cat status; false; } &&
	roadmap-list --json >watched &&
	ROADMAP_WATCH=0 roadmap-list --json >scanned &&
	test_cmp scanned watched &&
	test "$(status_of scans)" = "$scans" &&
	roadmap-list >/dev/null
}

test_expect_success 'setup: roadmap-cli issues, committed, and a watcher' '
	git init -q r && (
		cd r &&
		for i in 1 2 3 4 5 6 7 8; do
			write_issue .roadmap/issues/backlog/a000000$i-issue-$i.md a000000$i todo "Issue $i" \
				"updated: 2025-01-02T03:04:05" || exit 1
		done &&
		write_issue .roadmap/issues/v1.0/b0000001-in-v1.md b0000001 todo "In v1" "milestone: v1.0" &&
		git add -A && test_tick && git commit -q -m issues &&
		roadmap-watch --detach &&
		roadmap-list >/dev/null &&
		test "$(status_of answered)" = 1
	)
'

test_expect_success 'roadmap-set: the next query has the new value, from the watcher, no scan' '
	(
		cd r &&
		mark &&
		roadmap-set a0000001 status=in-progress &&
		roadmap-list --status in-progress --format "%(id) %(status)" >out &&
		echo "a0000001 in-progress" >expect &&
		test_cmp expect out &&
		by_watcher 1
	)
'

test_expect_success 'roadmap-set on several ids, twice in a row' '
	(
		cd r &&
		mark &&
		roadmap-set a0000002 a0000003 status=review labels+=ui &&
		roadmap-set a0000003 priority=high &&
		roadmap-list --status review --format "%(id) %(labels) %(priority)" >out &&
		printf "a0000002 ui \na0000003 ui high\n" >expect &&
		test_cmp expect out &&
		by_watcher 1
	)
'

test_expect_success 'roadmap-new into an existing folder: listed at once, no scan' '
	(
		cd r &&
		mark &&
		id=$(roadmap-new --title "Made now" --milestone v1.0 --status todo) &&
		roadmap-list --milestone v1.0 --format "%(id) %(title)" >out &&
		printf "b0000001 In v1\n$id Made now\n" | sort >expect &&
		sort out >out.sorted &&
		test_cmp expect out.sorted &&
		by_watcher 1 &&
		echo "$id" >../new-id
	)
'

test_expect_success 'roadmap-set on the issue roadmap-new made (found in the work tree, by the watcher)' '
	(
		cd r &&
		id=$(cat ../new-id) &&
		mark &&
		roadmap-set "$id" status=blocked &&
		roadmap-list --status blocked --format "%(id)" >out &&
		echo "$id" >expect &&
		test_cmp expect out &&
		by_watcher 2
	)
'

test_expect_success 'roadmap-close: closed at once, no scan' '
	(
		cd r &&
		mark &&
		roadmap-close --reason done a0000004 &&
		roadmap-list --status closed --format "%(id) %(close_reason)" >out &&
		echo "a0000004 done" >expect &&
		test_cmp expect out &&
		by_watcher 1
	)
'

test_expect_success 'roadmap-mv into an existing milestone folder: moved at once, no scan' '
	(
		cd r &&
		mark &&
		roadmap-mv a0000005 v1.0 &&
		test_path_is_file .roadmap/issues/v1.0/a0000005-issue-5.md &&
		roadmap-list --format "%(id) %(milestone) %(dir)" >all &&
		grep "^a0000005 " all >out &&
		echo "a0000005 v1.0 v1.0" >expect &&
		test_cmp expect out &&
		by_watcher 1
	)
'

# HEAD has the file elsewhere: roadmap-set finds it by the work tree, a
# query the watcher answers too
test_expect_success 'roadmap-mv into a new folder: the watcher scans once (a folder was made), and answers' '
	(
		cd r &&
		mark &&
		roadmap-mv a0000006 v2.0 &&
		roadmap-list --format "%(id) %(milestone)" >all &&
		grep "^a0000006 v2.0\$" all &&
		test "$(status_of answered)" = "$((answered + 1))" &&
		test "$(status_of scans)" = "$((scans + 1))" &&
		mark &&
		roadmap-set a0000006 status=review &&
		roadmap-list --status review --format "%(id)" >out &&
		grep "^a0000006\$" out &&
		by_watcher 2
	)
'

# --commit moves HEAD: the index follows it at the next query, and the
# watcher scans once for the new snapshot (as after any commit)
test_expect_success 'roadmap-set --commit: the next query is for the new HEAD, the watcher answers' '
	(
		cd r &&
		mark &&
		roadmap-set --commit a0000007 status=done &&
		git log -1 --format=%s >msg &&
		grep "^roadmap-set: a0000007\$" msg &&
		roadmap-list --status done --format "%(id)" >out &&
		echo a0000007 >expect &&
		test_cmp expect out &&
		test "$(status_of answered)" = "$((answered + 1))" &&
		test "$(status_of scans)" -le "$((scans + 1))" &&
		mark &&
		roadmap-set a0000008 status=done &&
		roadmap-list --status done --format "%(id)" >out &&
		printf "a0000007\na0000008\n" >expect &&
		test_cmp expect out &&
		by_watcher 1
	)
'

test_expect_success 'folder-per-state: a status that moves the file, answered at once, no scan' '
	git init -q states && (
		cd states &&
		for s in backlog active completed; do git config --add roadmap.path $s || exit 1; done &&
		write_issue backlog/s1-one.md S-1 backlog One &&
		write_issue active/s2-two.md S-2 active Two &&
		write_issue completed/s3-three.md S-3 completed Three &&
		git add -A && test_tick && git commit -q -m init &&
		roadmap-watch --detach &&
		roadmap-list >/dev/null &&
		mark &&
		roadmap-set S-1 status=active &&
		roadmap-list --format "%(id) %(root) %(status)" >out &&
		printf "S-1 active active\nS-2 active active\nS-3 completed completed\n" >expect &&
		test_cmp expect out &&
		by_watcher 1 &&
		mark &&
		roadmap-close S-2 &&
		roadmap-list --status completed --format "%(id) %(root)" >out &&
		printf "S-2 completed\nS-3 completed\n" >expect &&
		test_cmp expect out &&
		by_watcher 1 &&
		roadmap-watch --stop
	)
'

test_expect_success 'stop the watcher' '
	(cd r && roadmap-watch --stop)
'

test_done
