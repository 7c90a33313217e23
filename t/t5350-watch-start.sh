#!/bin/sh

test_description='roadmap.watch: the first query starts the watcher; roadmap-status shows it

As core.fsmonitor=true starts git'"'"'s daemon, roadmap.watch=true makes the
first working-tree query start roadmap-watch in the background (no
automation): that query scans as without one and does not wait for it,
nor does anything that reads its output; later queries ask the watcher.
Without the setting nothing starts. roadmap-status shows the watcher in
each of its formats.
'

. ./test-lib.sh
. "$TEST_DIRECTORY/lib/watch.sh"

# a watcher answers for this work tree
runs () {
	roadmap-watch --status >/dev/null 2>&1
}

test_expect_success 'setup: issues, no roadmap.watch' '
	git init -q repo &&
	(
		cd repo &&
		for i in 1 2 3
		do
			write_issue .roadmap/issues/i$i.md i$i || return 1
		done &&
		git add -A && test_tick && git commit -q -m issues
	)
'

test_expect_success 'without roadmap.watch, a query starts nothing' '
	(
		cd repo &&
		roadmap-list >out &&
		test_line_count = 3 out &&
		sleep 0.5 &&
		! runs &&
		git config roadmap.watch false &&
		roadmap-list >out &&
		sleep 0.5 &&
		! runs
	)
'

test_expect_success 'ROADMAP_WATCH=0: nothing starts either' '
	(
		cd repo &&
		git config roadmap.watch true &&
		ROADMAP_WATCH=0 roadmap-list >out &&
		sleep 0.5 &&
		! runs
	)
'

test_expect_success 'roadmap.watch true: the first query answers and starts one; it holds no descriptor of the query' '
	(
		cd repo &&
		timeout 10 roadmap-list | cat >out &&
		test_line_count = 3 out &&
		wait_until 10 runs &&
		status_of pid >>"$WATCH_PIDS_FILE" &&
		test "$(status_of automation)" = none &&
		test "$(status_of queries)" = 0 &&
		write_issue .roadmap/issues/i4.md i4 &&
		roadmap-list >out &&
		test_line_count = 4 out &&
		test "$(status_of answered)" = 1 &&
		ls -l /proc/$(status_of pid)/fd >fds &&
		! grep pipe: fds
	)
'

test_expect_success 'a running watcher: no second one; a killed one is started again by the next query' '
	(
		cd repo &&
		pid=$(status_of pid) &&
		roadmap-list >/dev/null &&
		test "$(status_of pid)" = $pid &&
		kill -9 $pid &&
		gone $pid &&
		roadmap-list >out &&
		test_line_count = 4 out &&
		wait_until 10 runs &&
		status_of pid >>"$WATCH_PIDS_FILE" &&
		test "$(status_of pid)" != $pid
	)
'

test_expect_success 'a hook does not wait on it: git commit with the hooks installed' '
	(
		cd repo &&
		stop_watch &&
		roadmap-install-hooks >/dev/null &&
		git add -A &&
		timeout 20 git commit -q -m i4 2>err &&
		check_quiet err &&
		timeout 10 roadmap-list | cat >out &&
		test_line_count = 4 out &&
		wait_until 10 runs &&
		status_of pid >>"$WATCH_PIDS_FILE"
	)
'

test_expect_success 'roadmap-status shows the watcher: lines, JSON, Prometheus' '
	(
		cd repo &&
		pid=$(status_of pid) &&
		roadmap-status >st &&
		grep "^watcher: pid $pid, up [0-9]*s, debounce 1000 ms, automation: none\$" st &&
		grep "^         events [0-9]*, rounds [0-9]*, commits 0, pushes 0, syncs 0, errors 0;" st &&
		roadmap-status --json >json &&
		python3 -c "
import json, sys
w = json.load(open(\"json\"))[\"watcher\"]
assert w[\"pid\"] == $pid, w
assert w[\"automation\"] == \"none\", w
assert w[\"commits\"] == 0 and w[\"last_commit\"] is None and w[\"last_error\"] is None, w
" &&
		roadmap-status --prometheus >prom &&
		grep "^roadmap_watch_up{worktree=\"$(pwd)/\"} 1\$" prom &&
		grep "^roadmap_watch_rounds_total{worktree=\"$(pwd)/\"} [0-9]*\$" prom
	)
'

test_expect_success PROMTOOL 'promtool check metrics accepts it, with and without a watcher' '
	(
		cd repo &&
		roadmap-status --prometheus | promtool check metrics &&
		stop_watch &&
		roadmap-status --prometheus >prom &&
		grep "^roadmap_watch_up{worktree=\"$(pwd)/\"} 0\$" prom &&
		promtool check metrics <prom
	)
'

test_expect_success 'roadmap-status without a watcher' '
	(
		cd repo &&
		{ ! runs || stop_watch; } &&
		roadmap-status >st &&
		grep "^watcher: none" st &&
		roadmap-status --json | python3 -c "import json, sys; assert json.load(sys.stdin)[\"watcher\"] is None"
	)
'

test_done
