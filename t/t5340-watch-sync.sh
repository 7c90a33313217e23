#!/bin/sh

test_description='roadmap-watch --sync: the remote tracker kept in step (the fake GitHub)

roadmap-sync runs every interval and after each auto-commit. An edit on
the remote becomes a file and a commit within one interval; a local edit
reaches the remote after its commit; a pulled change is not sent back
(the request log has no PATCH for it); a remote that is down is an error
event, and the next interval tries again.
'

. ./test-lib.sh
. "$TEST_DIRECTORY/lib/fakegh.sh"
require_fakegh
. "$TEST_DIRECTORY/lib/watch.sh"

# the remote's writes are spaced by seconds on GitHub; not here
ROADMAP_HTTP_WRITE_GAP_MS=0 ROADMAP_HTTP_CREATE_GAP_MS=0 ROADMAP_HTTP_BACKOFF_MS=50
export ROADMAP_HTTP_WRITE_GAP_MS ROADMAP_HTTP_CREATE_GAP_MS ROADMAP_HTTP_BACKOFF_MS

# remote_number <id>: the remote issue number of a local issue
remote_number () {
	roadmap-list --format "%(remote_ids.gh)" --where "id=$1"
}

# remote_title <number>
remote_title () {
	fakegh_api GET "/repos/o/r/issues/$1" | fakegh_json J.title
}

remote_title_is () {
	test "$(remote_title "$1")" = "$2"
}

# synced_more <n>: the watcher synced n times more than $syncs
synced_more () {
	test "$(status_of syncs)" -ge $((syncs + $1))
}

test_expect_success 'setup: the fake, three issues, a watcher syncing every second' '
	fakegh_start &&
	GITHUB_TOKEN=$FAKEGH_TOKEN && export GITHUB_TOKEN &&
	git init -q a &&
	(
		cd a &&
		for i in 1 2 3
		do
			write_issue .roadmap/issues/i$i.md i$i || return 1
		done &&
		git add -A && test_tick && git commit -q -m issues &&
		git config roadmap.remote.gh.url "$FAKEGH_URL/repos/o/r" &&
		start_watch ../a.events --debounce 200 --auto-commit --sync gh --interval 1 &&
		test "$(status_of automation)" = "commit sync:gh"
	)
'

test_expect_success 'the first sync creates the remote issues; their numbers are committed' '
	(
		cd a &&
		wait_until 20 subject_is "roadmap-watch: i1 i2 i3" &&
		git show HEAD:.roadmap/issues/i1.md >i1 &&
		grep "gh: 1" i1 &&
		git diff --quiet HEAD -- .roadmap &&
		test "$(fakegh_log_count POST)" = 3 &&
		test "$(events ../a.events synced remote | sort -u)" = gh
	)
'

test_expect_success 'a remote edit: a file within one interval, then a commit; not sent back' '
	(
		cd a &&
		n=$(remote_number i2) &&
		test -n "$n" &&
		fakegh_ctl edit "{\"number\": $n, \"title\": \"Edited there\"}" >/dev/null &&
		start=$(ms) &&
		wait_until 10 grep -q "^title: Edited there" .roadmap/issues/i2.md &&
		took=$(( $(ms) - start )) &&
		echo "the file changed $took ms after the remote edit" &&
		test $took -le 2500 &&
		wait_until 10 subject_is "roadmap-watch: i2" &&
		git show HEAD:.roadmap/issues/i2.md | grep "^title: Edited there" &&
		syncs=$(status_of syncs) &&
		wait_until 10 synced_more 2 &&
		test "$(fakegh_log_count PATCH "/issues/$n\$")" = 0 &&
		remote_title_is $n "Edited there"
	)
'

test_expect_success 'a local edit reaches the remote after its commit' '
	(
		cd a &&
		n=$(remote_number i3) &&
		set_title .roadmap/issues/i3.md "Edited here" &&
		wait_until 10 subject_is "roadmap-watch: i3" &&
		wait_until 10 remote_title_is $n "Edited here" &&
		test "$(fakegh_log_count PATCH "/issues/$n\$")" = 1 &&
		syncs=$(status_of syncs) &&
		wait_until 10 synced_more 2 &&
		test "$(fakegh_log_count PATCH "/issues/$n\$")" = 1 &&
		git diff --quiet HEAD -- .roadmap
	)
'

test_expect_success 'the remote down: error events, synced again once it is back' '
	fakegh_stop &&
	(
		cd a &&
		errors=$(events ../a.events error | wc -l) &&
		wait_until 10 count_ge $((errors + 1)) events ../a.events error &&
		test "$(events ../a.events error what | tail -1)" = sync &&
		status_of last_error >last && grep "^[0-9]* sync: " last
	) &&
	fakegh_restart &&
	(
		cd a &&
		syncs=$(status_of syncs) &&
		wait_until 10 synced_more 1 &&
		n=$(remote_number i1) &&
		fakegh_ctl edit "{\"number\": $n, \"title\": \"After the outage\"}" >/dev/null &&
		wait_until 10 subject_is "roadmap-watch: i1" &&
		git show HEAD:.roadmap/issues/i1.md | grep "^title: After the outage"
	)
'

test_expect_success 'a conflict: said once as an event; resolved, it reaches the remote' '
	(
		cd a &&
		n=$(remote_number i1) &&
		pid=$(status_of pid) &&
		kill -STOP $pid &&
		fakegh_ctl edit "{\"number\": $n, \"title\": \"Theirs\"}" >/dev/null &&
		set_title .roadmap/issues/i1.md "Ours" &&
		kill -CONT $pid &&
		wait_until 10 test -f .roadmap/.conflicts/i1.yaml &&
		wait_until 10 count_ge 1 events ../a.events conflict &&
		test "$(events ../a.events conflict ids)" = "[\"i1\"]" &&
		syncs=$(status_of syncs) &&
		wait_until 10 synced_more 2 &&
		test "$(events ../a.events conflict | wc -l)" = 1 &&
		ROADMAP_WATCH=0 roadmap-sync gh --resolve i1 --ours -q &&
		wait_until 10 remote_title_is $n "Ours" &&
		wait_until 10 subject_is "roadmap-watch: i1" &&
		git show HEAD:.roadmap/issues/i1.md | grep "^title: Ours" &&
		stop_watch
	)
'

test_done
