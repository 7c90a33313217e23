#!/bin/sh
test_description='roadmap-sync when nothing changed: it reads no issue, and misses no change

A sync that wrote no file and left nothing to do records what it saw (the
issue files, the baseline, the config); the next sync with nothing
fetched and the same three reads no issue. Each change below must still
reach the other side: an edit not committed, the same edit undone by
git checkout, a new file, a commit, another root in the config, an edit
on the remote.
'
. ./test-lib.sh
. "$TEST_DIRECTORY/lib/fakegh.sh"
require_fakegh

ROADMAP_HTTP_WRITE_GAP_MS=0 ROADMAP_HTTP_CREATE_GAP_MS=0 ROADMAP_HTTP_BACKOFF_MS=50
export ROADMAP_HTTP_WRITE_GAP_MS ROADMAP_HTTP_CREATE_GAP_MS ROADMAP_HTTP_BACKOFF_MS

title_of () {
	fakegh_api GET /repos/o/r/issues/$1 | fakegh_json J.title
}

# the remote number of issue $1 (the file .roadmap/issues/$1.md)
number_of () {
	sed -n "s/^ *gh: *//p" .roadmap/issues/$1.md
}

# wait_stopped <pid>: until the process stops itself (at most a minute)
wait_stopped () {
	_i=0
	while ! grep -q "^[0-9]* (.*) T" /proc/$1/stat
	do
		_i=$((_i + 1)) && test $_i -lt 600 || return 1
		sleep 0.1
	done
}

writes () {
	echo $(( $(fakegh_log_count POST) + $(fakegh_log_count PATCH) ))
}

test_expect_success 'setup: 30 issues pushed and committed; a sync with nothing to do' '
	fakegh_start &&
	GITHUB_TOKEN=$FAKEGH_TOKEN && export GITHUB_TOKEN &&
	git init -q a && (
	cd a &&
	test_commit init &&
	mkdir -p .roadmap/issues &&
	for i in $(seq 10 39)
	do
		printf -- "---\nid: i%s\ntitle: Issue %s\nstatus: todo\n---\nBody %s\n" $i $i $i \
			>.roadmap/issues/i$i.md || return 1
	done &&
	git add .roadmap && git commit -qm issues &&
	git config roadmap.remote.gh.url "$FAKEGH_URL/repos/o/r" &&
	roadmap-sync gh >out &&
	grep "new there 30" out &&
	git add .roadmap && git commit -qm linked &&
	roadmap-sync gh >out &&
	grep "unchanged 30" out &&
	w=$(writes) && roadmap-sync gh >out &&
	echo "gh: pulled 0, pushed 0, new here 0, new there 0, conflicts 0, unchanged 30" >expect &&
	test_cmp expect out && test "$(writes)" = $w )
'
cd a || exit 1

test_expect_success 'an edit not committed is pushed' '
	n=$(number_of i12) &&
	roadmap-set i12 title="Edited here" --no-touch &&
	roadmap-sync gh >out && grep "pushed 1," out &&
	test "$(title_of $n)" = "Edited here" &&
	roadmap-sync gh >out && grep "pushed 0,.*unchanged 30" out
'

test_expect_success 'the edit undone by git checkout is pushed too (the working tree, not HEAD)' '
	n=$(number_of i12) &&
	git checkout -- .roadmap/issues/i12.md &&
	roadmap-sync gh >out && grep "pushed 1," out &&
	test "$(title_of $n)" = "Issue 12"
'

test_expect_success 'a new file is created there; committing changes nothing' '
	roadmap-sync gh >out && grep "pushed 0," out &&
	printf -- "---\nid: i40\ntitle: Issue 40\nstatus: todo\n---\nBody\n" >.roadmap/issues/i40.md &&
	roadmap-sync gh >out && grep "new there 1," out &&
	git add .roadmap && git commit -qm "i40" &&
	w=$(writes) && roadmap-sync gh >out && roadmap-sync gh >out &&
	grep "pushed 0, new here 0, new there 0, conflicts 0, unchanged 31" out &&
	test "$(writes)" = $w
'

test_expect_success 'a commit that changes an issue is pushed' '
	n=$(number_of i20) &&
	sed "s/^title: .*/title: Committed/" .roadmap/issues/i20.md >t && mv t .roadmap/issues/i20.md &&
	git commit -qam "i20" &&
	roadmap-sync gh >out && grep "pushed 1," out &&
	test "$(title_of $n)" = Committed
'

test_expect_success 'the config names another root: its issue is created there' '
	roadmap-sync gh >out && grep "pushed 0," out &&
	mkdir more &&
	printf -- "---\nid: m1\ntitle: More\nstatus: todo\n---\n" >more/m1.md &&
	git add more && git commit -qm more &&
	roadmap-sync gh >out && grep "new there 0," out &&
	git config roadmap.path .roadmap/issues && git config --add roadmap.path more &&
	roadmap-sync gh >out && grep "new there 1," out &&
	grep "gh:" more/m1.md
'

test_expect_success 'an edit on the remote is pulled' '
	roadmap-sync gh >out &&
	n=$(number_of i31) &&
	fakegh_ctl edit "{\"number\": $n, \"title\": \"Edited there\"}" >/dev/null &&
	roadmap-sync gh >out && grep "pulled 1," out &&
	grep "^title: Edited there$" .roadmap/issues/i31.md
'

test_expect_success 'an edit made while a sync pulls that file is not taken for agreed' '
	roadmap-sync gh >out &&
	n33=$(number_of i33) &&
	fakegh_ctl edit "{\"number\": $n33, \"title\": \"Pulled\"}" >/dev/null || return 1
	ROADMAP_TEST_SYNC_STOP_AT="moved the baseline" roadmap-sync gh >out &
	pid=$! &&
	wait_stopped $pid &&
	grep "^title: Pulled$" .roadmap/issues/i33.md &&
	sed "s/^title: .*/title: Edited meanwhile/" .roadmap/issues/i33.md >t &&
	mv t .roadmap/issues/i33.md &&
	kill -CONT $pid && wait $pid &&
	grep "pulled 1," out &&
	roadmap-sync gh >out && grep "pushed 1," out &&
	test "$(title_of $n33)" = "Edited meanwhile"
'

test_expect_success 'a remote edit made while a sync runs is not overwritten: the issue is read again before its push' '
	roadmap-sync gh >out &&
	n35=$(number_of i35) &&
	roadmap-set i35 title=Local --no-touch || return 1
	ROADMAP_TEST_SYNC_STOP_AT=fetched roadmap-sync gh >out 2>err &
	pid=$! &&
	wait_stopped $pid &&
	fakegh_ctl edit "{\"number\": $n35, \"title\": \"Remote\"}" >/dev/null &&
	kill -CONT $pid && { wait $pid; echo $? >rc; } &&
	echo 2 >expect && test_cmp expect rc &&
	grep "i35: changed on the remote during the sync" err &&
	test "$(title_of $n35)" = Remote &&
	test_expect_code 1 roadmap-sync gh >out &&
	grep "theirs: Remote" .roadmap/.conflicts/i35.yaml
'

test_done
