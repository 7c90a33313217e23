#!/bin/sh

test_description='roadmap-watch: working-tree queries answered from inotify

With a watcher running, roadmap-list asks it for the working-tree overlay
instead of reading every folder and stat'"'"'ing every file. Its answers
must be the very ones of the scan (ROADMAP_WATCH=0) and of the oracle,
through edits, new and removed folders, commits and a rebuilt index; and
a watcher that is dead, stopped or gone must cost correctness nothing.
'

. ./test-lib.sh

require_pyyaml
# gone <pid>: wait until the process has exited (a zombie counts: the
# detached watcher's parent is init, which may not reap it)
. "$TEST_DIRECTORY/lib/watch.sh"

# status_of <key>: a line of roadmap-watch --status (pid, queries, answered, scans)
status_of () {
	roadmap-watch --status >status &&
	sed -n "s/^$1 //p" status
}

# same_as_scan: every working-tree answer equals the one without the watcher
same_as_scan () {
	roadmap-list --json >watched 2>watched.err
	test $? -le 1 &&
	ROADMAP_WATCH=0 roadmap-list --json >scanned 2>scanned.err
	test $? -le 1 &&
	test_cmp scanned watched &&
	test_cmp scanned.err watched.err &&
	roadmap-diff-index >watched.diff &&
	ROADMAP_WATCH=0 roadmap-diff-index >scanned.diff &&
	test_cmp scanned.diff watched.diff &&
	{ roadmap-check >watched.check 2>&1; echo $? >>watched.check; } &&
	{ ROADMAP_WATCH=0 roadmap-check >scanned.check 2>&1; echo $? >>scanned.check; } &&
	test_cmp scanned.check watched.check
}

# answered <n>: the watcher answered n queries more than at the last call
answered () {
	now=$(status_of answered) &&
	test "$now" -eq $((${last_answered:-0} + $1)) &&
	last_answered=$now
}

test_expect_success 'setup: 2,000 issues, and a watcher' '
	git init -q repo &&
	(
		cd repo &&
		python3 "$GEN" --seed 5300 --count 2000 --root .roadmap/issues &&
		git add -A && test_tick && git commit -q -m issues &&
		roadmap-watch --detach &&
		roadmap-watch --status >status &&
		grep "^pid [0-9][0-9]*\$" status &&
		grep "^worktree $(pwd)/\$" status
	)
'

test_expect_success 'a second watcher for the same work tree is not started' '
	(
		cd repo &&
		pid=$(status_of pid) &&
		roadmap-watch --detach 2>err &&
		grep "runs already" err &&
		test "$(status_of pid)" = "$pid" &&
		roadmap-watch --detach -q 2>err &&
		test_must_be_empty err
	)
'

test_expect_success 'clean tree: the watcher answers, as the oracle and the scan do' '
	(
		cd repo &&
		last_answered=$(status_of answered) &&
		check_oracle &&
		answered 1 &&
		same_as_scan &&
		answered 3
	)
'

test_expect_success 'edits in the folders watched are answered without a scan' '
	(
		cd repo &&
		scans=$(status_of scans) &&
		f=$(git ls-files .roadmap/issues | grep "\.md\$" | grep -v "[\" ]" | sed -n 10p) &&
		g=$(git ls-files .roadmap/issues | grep "\.md\$" | grep -v "[\" ]" | sed -n 20p) &&
		h=$(git ls-files .roadmap/issues | grep "\.md\$" | grep -v "[\" ]" | sed -n 30p) &&
		sed "s/^title: .*/title: edited by hand/" "$f" >tmp && cat tmp >"$f" &&
		rm "$g" &&
		mv "$h" "$(dirname "$h")/zz-moved.md" &&
		printf -- "---\nid: new-one\ntitle: New\nstatus: todo\n---\n" \
			>"$(dirname "$f")/new-one.md" &&
		check_oracle &&
		grep "\"title\": \"edited by hand\"" actual &&
		grep "\"id\": \"new-one\"" actual &&
		same_as_scan &&
		test "$(status_of scans)" = "$scans"
	)
'

test_expect_success 'touch, chmod, an edit undone, an invalid edit, a symlink, a folder for a file' '
	(
		cd repo &&
		set -- $(git ls-files .roadmap/issues | grep "\.md\$" | grep -v " " | sed -n "40p;41p;42p;43p;44p") &&
		touch "$1" &&
		chmod +x "$2" &&
		cp "$3" saved && echo "more" >>"$3" && cp saved "$3" &&
		printf -- "---\nid: [broken\n---\n" >"$4" &&
		ln -s ../elsewhere.md "$(dirname "$1")/link.md" &&
		rm "$5" && mkdir "$5" &&
		same_as_scan &&
		grep "link.md" watched.check &&
		check_oracle
	)
'

test_expect_success 'a write through a hard link outside the roots' '
	(
		cd repo &&
		f=$(git ls-files .roadmap/issues | grep "\.md\$" | grep -v "[\" ]" | sed -n 50p) &&
		mkdir -p ../outside &&
		ln "$f" ../outside/link.md &&
		same_as_scan &&
		sed "s/^title: .*/title: written through the link/" ../outside/link.md >tmp &&
		cat tmp >../outside/link.md &&
		same_as_scan &&
		grep "written through the link" watched &&
		rm ../outside/link.md
	)
'

test_expect_success 'many uncommitted changes (modify, delete, rename, add)' '
	(
		cd repo &&
		python3 "$GEN" --mutate --seed w1 --root .roadmap/issues \
			--modify 50 --delete 10 --rename 10 --add 20 &&
		check_oracle &&
		same_as_scan
	)
'

test_expect_success 'new, removed and renamed folders' '
	(
		cd repo &&
		scans=$(status_of scans) &&
		mkdir -p .roadmap/issues/new/deeper &&
		printf -- "---\nid: deep\ntitle: Deep\nstatus: todo\n---\n" \
			>.roadmap/issues/new/deeper/deep.md &&
		check_oracle &&
		grep "\"id\": \"deep\"" actual &&
		test "$(status_of scans)" -gt "$scans" &&
		printf -- "---\nid: deeper\ntitle: Deeper\nstatus: todo\n---\n" \
			>.roadmap/issues/new/deeper/deeper.md &&
		check_oracle &&
		grep "\"id\": \"deeper\"" actual &&
		mv .roadmap/issues/new .roadmap/issues/renamed &&
		same_as_scan &&
		grep "renamed/deeper/deeper.md" watched &&
		d=$(dirname "$(git ls-files .roadmap/issues | grep -v "[\" ]" | sed -n 100p)") &&
		rm -r "$d" &&
		check_oracle &&
		same_as_scan
	)
'

test_expect_success 'a commit: the next query is for the new HEAD' '
	(
		cd repo &&
		git add -A .roadmap && test_tick && git commit -q -m "the edits" &&
		check_oracle --committed &&
		check_oracle &&
		same_as_scan &&
		python3 "$GEN" --mutate --seed w2 --root .roadmap/issues --modify 5 --add 2 &&
		check_oracle &&
		same_as_scan
	)
'

test_expect_success 'checkout of another branch, and back' '
	(
		cd repo &&
		git stash push -q -u -- .roadmap &&
		git checkout -q -b other &&
		python3 "$GEN" --mutate --git --seed w3 --root .roadmap/issues \
			--modify 30 --delete 5 --add 10 &&
		test_tick && git commit -q -m other &&
		git checkout -q main &&
		check_oracle &&
		same_as_scan &&
		git checkout -q other &&
		check_oracle &&
		same_as_scan &&
		git checkout -q main &&
		git stash pop -q &&
		check_oracle &&
		same_as_scan
	)
'

test_expect_success 'a root made after the watcher started' '
	(
		cd repo &&
		git config --add roadmap.path .roadmap/issues &&
		git config --add roadmap.path later/issues &&
		check_oracle &&
		mkdir -p later/issues &&
		printf -- "---\nid: later-1\ntitle: Later\nstatus: todo\n---\n" >later/issues/l1.md &&
		roadmap-list --json >actual &&
		grep "\"id\": \"later-1\"" actual &&
		same_as_scan &&
		rm -r later &&
		same_as_scan &&
		git config --unset-all roadmap.path
	)
'

test_expect_success 'a root reached through a symbolic link holds nothing, watched or not' '
	(
		cd repo &&
		git config --add roadmap.path .roadmap/issues &&
		git config --add roadmap.path linked/issues &&
		mkdir -p real/issues &&
		printf -- "---\nid: via-link\ntitle: Link\nstatus: todo\n---\n" >real/issues/v.md &&
		ln -s real linked &&
		same_as_scan &&
		! grep via-link watched &&
		echo "edit: 1" >>real/issues/v.md &&
		printf -- "---\nid: via-link-2\ntitle: Link\nstatus: todo\n---\n" >real/issues/w.md &&
		same_as_scan &&
		! grep via-link watched &&
		rm linked && mv real linked &&
		same_as_scan &&
		grep "\"id\": \"via-link-2\"" watched &&
		rm -r linked &&
		git config --unset-all roadmap.path
	)
'

test_expect_success 'a rebuilt index, and a deleted one' '
	(
		cd repo &&
		roadmap-refresh --rebuild -q &&
		same_as_scan &&
		rm .git/roadmap/index.mdb &&
		check_oracle &&
		last_answered=$(status_of answered) &&
		same_as_scan &&
		answered 3
	)
'

test_expect_success 'a stopped watcher: queries scan after the timeout' '
	(
		cd repo &&
		pid=$(status_of pid) &&
		kill -STOP "$pid" &&
		ROADMAP_WATCH_TIMEOUT_MS=200 roadmap-list --json >actual 2>err
		rc=$?
		kill -CONT "$pid" &&
		test $rc -le 1 &&
		ROADMAP_WATCH=0 roadmap-list --json >expect 2>/dev/null
		test_cmp expect actual
	)
'

test_expect_success 'a killed watcher: its socket stays, queries scan, a new one starts' '
	(
		cd repo &&
		pid=$(status_of pid) &&
		kill -9 "$pid" &&
		gone "$pid" &&
		test -S .git/roadmap/watch.sock &&
		test_must_fail roadmap-watch --status 2>err &&
		grep "no watcher runs" err &&
		echo "more" >>"$(git ls-files .roadmap/issues | sed -n 5p)" &&
		check_oracle &&
		roadmap-watch --detach &&
		test "$(status_of pid)" != "$pid" &&
		same_as_scan
	)
'

test_expect_success 'a watcher started with its standard descriptors closed keeps its LMDB locks' '
	(
		cd repo &&
		pid=$(status_of pid) &&
		roadmap-watch --stop &&
		gone "$pid" &&
		roadmap-watch --detach <&- >&- 2>&- &&
		pid=$(status_of pid) &&
		ls -l /proc/$pid/fd >fds &&
		grep "index.mdb-lock\$" fds &&
		same_as_scan
	)
'

test_expect_success 'a work tree deeper than a socket path may be long' '
	long=$(printf "%0100d" 0) &&
	git init -q "$long/repo" &&
	(
		cd "$long/repo" &&
		test $(pwd | wc -c) -gt 110 &&
		mkdir -p .roadmap/issues &&
		printf -- "---\nid: a\ntitle: A\nstatus: todo\n---\n" >.roadmap/issues/a.md &&
		git add -A && git commit -q -m a &&
		roadmap-watch --detach &&
		printf -- "---\nid: b\ntitle: B\nstatus: todo\n---\n" >.roadmap/issues/b.md &&
		roadmap-list >actual &&
		printf "a\ttodo\tA\nb\ttodo\tB\n" >expect &&
		test_cmp expect actual &&
		test "$(status_of answered)" = 1 &&
		roadmap-watch --stop
	)
'

test_expect_success '--stop: the watcher exits and takes its socket along' '
	(
		cd repo &&
		pid=$(status_of pid) &&
		roadmap-watch --stop &&
		gone "$pid" &&
		test_path_is_missing .git/roadmap/watch.sock &&
		test_must_fail roadmap-watch --status 2>/dev/null &&
		check_oracle
	)
'

test_expect_success 'SIGTERM: the watcher exits and takes its socket along' '
	(
		cd repo &&
		roadmap-watch --detach &&
		pid=$(status_of pid) &&
		kill -TERM "$pid" &&
		gone "$pid" &&
		test_path_is_missing .git/roadmap/watch.sock
	)
'

test_expect_success 'usage errors' '
	test_expect_code 129 roadmap-watch --stop --detach &&
	test_expect_code 129 roadmap-watch --bogus &&
	test_expect_code 129 roadmap-watch extra
'

test_done
