#!/bin/sh

test_description='crash safety: a refresh killed at every write step, and by kill -9

Each kind of refresh (a build from nothing, incremental, bulk incremental,
--full, --stdin, --rebuild, a reader'"'"'s heal, the stat data of a working-tree
query, a hook'"'"'s background walk, a build large enough for git cat-file and
the stat seeding) runs with ROADMAP_TEST_CRASH_AT=1, 2, ... from the same
state until it no longer dies, so that it is killed once at every write
step. After each kill the next command must answer as the oracle
(t/lib/oracle.py) does and roadmap-fsck --full must pass; a resumed build
must parse exactly the files the killed one had not committed.

Then a full build of 20,000 issues is killed by kill -9 after seeded
random delays; each time the next refresh resumes and parses only what
was not committed, and a reader never answers from the half-built index.
'

. ./test-lib.sh

require_pyyaml

LOG="$SHARNESS_TRASH_DIRECTORY/crash-log"
# actions per chunk of a bulk walk, files per chunk of postings: many write
# steps in a repository of 100 issues
CHUNK=13

# status_field <field> <file>: a string or number of roadmap-status --json
status_field () {
	sed -n "s/.*\"$1\": \"*\([^\",]*\)\"*,.*/\1/p" "$2"
}

# expect_for <name>: the oracle's answer for HEAD, checked against
# roadmap-list once (check_oracle: records, invalid-file warning), kept as
# expect-<name>.out and .err; later answers are compared byte for byte
# with these, so each equals the oracle's too
expect_for () {
	check_oracle --committed &&
	cp actual "$SHARNESS_TRASH_DIRECTORY/expect-$1.out" &&
	cp err "$SHARNESS_TRASH_DIRECTORY/expect-$1.err"
}

# answers_as <name> [roadmap-list option...]: roadmap-list --json answers
# exactly as the oracle does for HEAD
answers_as () {
	_name=$1
	shift
	roadmap-list --json "$@" >list.out 2>list.err
	_rc=$?
	test $_rc = 0 || { echo "roadmap-list $* exited $_rc"; cat list.err; return 1; }
	cmp -s "$SHARNESS_TRASH_DIRECTORY/expect-$_name.out" list.out ||
	{ echo "roadmap-list $* differs from the oracle"; diff "$SHARNESS_TRASH_DIRECTORY/expect-$_name.out" list.out | head -5; return 1; }
	# a working-tree query points at roadmap-check, --committed at roadmap-refresh -v
	case " $* " in
	*" --committed "*) _err=$SHARNESS_TRASH_DIRECTORY/expect-$_name.err ;;
	*) _err=list.expect-err
	   sed "s/(see roadmap-refresh -v)/(see roadmap-check)/" \
		"$SHARNESS_TRASH_DIRECTORY/expect-$_name.err" >$_err ;;
	esac
	cmp -s "$_err" list.err ||
	{ echo "roadmap-list $* warned otherwise"; diff "$_err" list.err | head -5; return 1; }
}

fsck_clean () {
	roadmap-fsck --full >fsck.out 2>&1 || { echo "roadmap-fsck --full after $1:"; head -5 fsck.out; return 1; }
}

# the index of this worktree, saved and put back (no process holds it)
save_index () {
	rm -rf "$SHARNESS_TRASH_DIRECTORY/saved-$1" &&
	cp -a "$(git rev-parse --git-path roadmap)" "$SHARNESS_TRASH_DIRECTORY/saved-$1"
}

restore_index () {
	_dir=$(git rev-parse --git-path roadmap) &&
	rm -rf "$_dir" &&
	if test "$1" != none
	then
		cp -a "$SHARNESS_TRASH_DIRECTORY/saved-$1" "$_dir"
	fi
}

# issue_files: the issue files of HEAD (as many rows as a complete index has)
issue_files () {
	git ls-tree -r -z HEAD -- .roadmap/issues | tr "\0" "\n" |
	grep -c "^100\(644\|755\) blob [0-9a-f]*	.*[^/]\.md$"
}

# resumes <bound>: after a kill, the next refresh says it resumes when the
# killed one left the index building, and parses only what the killed one
# had not committed: with "exact" (a build from nothing, --rebuild),
# exactly the issue files without a row; else at most <bound> blobs, what
# the refresh parses when nothing kills it
resumes () {
	roadmap-status --json >status.json &&
	_state=$(status_field state status.json) &&
	_files=$(status_field files status.json) &&
	_total=$(issue_files) &&
	roadmap-refresh -v 2>refresh.err &&
	if test "$_state" = building
	then
		grep "full scan (resuming an interrupted build from its checkpoint: $_files files indexed" refresh.err ||
		{ echo "no resume"; cat refresh.err; return 1; }
	fi &&
	_parsed=$(sed -n "s/.*parsed \([0-9]*\) blobs.*/\1/p" refresh.err) &&
	if test "$1" = exact
	then
		test "$_parsed" = $((_total - _files)) ||
		{ echo "state $_state, $_files of $_total files committed, parsed $_parsed"; cat refresh.err; return 1; }
	else
		test "$_parsed" -le "$1" ||
		{ echo "state $_state, parsed $_parsed, more than $1"; cat refresh.err; return 1; }
	fi
}

# parses <reset> <command>: how many blobs <command> -v parses, run once
parses () {
	eval "$1" &&
	eval "$2 -v" 2>parses.err &&
	sed -n "s/.*parsed \([0-9]*\) blobs.*/\1/p" parses.err
}

# crash_steps <kind> <expect> <reset> <killed status> <chunk> <command> [<bound>]
#
# Run <command> with ROADMAP_TEST_CRASH_AT=1, 2, ... (and
# ROADMAP_TEST_CHUNK=<chunk> unless empty), after <reset> each time, until
# it runs through without a crash. After each crash (exit <killed status>)
# the next command, roadmap-list --json --committed, answers as the oracle
# for <expect> and roadmap-fsck --full passes. With <bound>, first the
# next refresh must resume and parse no more than it should (see resumes),
# on a copy of the killed state, so that the reader then finds it as the
# crash left it.
# Sets $steps to the number of write steps killed at.
crash_steps () {
	_kind=$1 _expect=$2 _reset=$3 _killed=$4 _chunk=$5 _cmd=$6 _resume=$7
	_n=1
	while :
	do
		eval "$_reset" || return 1
		(
			ROADMAP_TEST_CRASH_AT=$_n &&
			export ROADMAP_TEST_CRASH_AT &&
			if test -n "$_chunk"
			then
				ROADMAP_TEST_CHUNK=$_chunk &&
				export ROADMAP_TEST_CHUNK
			fi &&
			eval "$_cmd"
		) >crash.out 2>crash.err
		_rc=$?
		grep -q "test crash at write step $_n " crash.err || break
		test "$_rc" = "$_killed" ||
		{ echo "$_kind: killed at step $_n, exit $_rc (expected $_killed)"; cat crash.err; return 1; }
		if test -n "$_resume"
		then
			save_index killed &&
			resumes "$_resume" &&
			restore_index killed || { echo "$_kind: at step $_n"; return 1; }
		fi
		answers_as "$_expect" --committed &&
		fsck_clean "$_kind, killed at step $_n" || { echo "$_kind: at step $_n"; return 1; }
		_n=$((_n + 1))
		test $_n -le 1000 || { echo "$_kind: more than 1000 steps?"; return 1; }
	done
	test "$_rc" = 0 || { echo "$_kind: the run that was not killed exited $_rc"; cat crash.err; return 1; }
	answers_as "$_expect" --committed &&
	fsck_clean "$_kind, not killed" &&
	steps=$((_n - 1)) &&
	echo "$_kind: killed at each of $steps write steps" >>"$LOG"
}

commit_all () {
	git add -A .roadmap &&
	test_tick &&
	git commit -q -m "$1"
}

# The 20,000 issues are generated and committed first, and the oracle's
# parse of them (25 s of pure-Python YAML) runs in the background while
# the tests of the small repositories run.
test_expect_success 'setup: 20,000 issues committed, the oracle parsing them in the background' '
	git init -q big &&
	(
		cd big &&
		python3 "$GEN" --seed 8020 --count 20000 --root .roadmap/issues &&
		commit_all big
	) &&
	(
		cd big &&
		ORACLE_CACHE="$SHARNESS_TRASH_DIRECTORY/oracle-cache-big" &&
		python3 "$ORACLE" --committed >../big-oracle.out &&
		python3 "$ORACLE" --committed --invalid >../big-oracle.invalid &&
		echo done >../big-oracle.done
	) >/dev/null 2>&1 &
'

test_expect_success 'setup: branches base, small (a few changes) and large (many)' '
	git init -q &&
	python3 "$GEN" --seed 8000 --count 100 --root .roadmap/issues &&
	commit_all base &&
	git branch base &&
	git checkout -q -b small &&
	python3 "$GEN" --mutate --git --seed 8001 --root .roadmap/issues \
		--modify 3 --delete 1 --rename 2 --add 2 &&
	commit_all small &&
	git checkout -q -b large base &&
	python3 "$GEN" --mutate --git --seed 8002 --root .roadmap/issues \
		--modify 25 --delete 8 --rename 10 --add 20 &&
	git diff --cached --name-status -M >changes &&
	grep "^M" changes && grep "^D" changes && grep "^A" changes && grep "^R" changes &&
	commit_all large &&
	python3 "$ORACLE" --committed --invalid >invalid &&
	test_line_count -ge 1 invalid &&
	for b in base small large
	do
		git checkout -q $b &&
		roadmap-refresh -q &&
		expect_for $b &&
		save_index $b || return 1
	done &&
	: >"$LOG"
'

test_expect_success 'a build from nothing, killed at every write step, resumes' '
	git checkout -q base &&
	crash_steps "build from nothing" base "restore_index none" 137 $CHUNK "roadmap-refresh" exact &&
	test $steps -ge 20
'

test_expect_success 'an incremental refresh (modify, add, delete, rename), killed at every step' '
	git checkout -q small &&
	crash_steps "incremental" small "restore_index base" 137 "" "roadmap-refresh" &&
	test $steps -ge 2 &&
	roadmap-refresh -v 2>err &&
	grep "up to date" err
'

test_expect_success 'an incremental refresh that commits in chunks (not bulk), killed at every step' '
	git checkout -q large &&
	# more actions than a quarter chunk, fewer than a chunk: not bulk
	crash_steps "chunked incremental" large "restore_index base" 137 200 "roadmap-refresh" &&
	test $steps -ge 3 &&
	restore_index base &&
	ROADMAP_TEST_CHUNK=200 roadmap-refresh -v 2>err &&
	grep "incremental (HEAD moved from" err
'

test_expect_success 'a large incremental refresh that goes bulk, killed at every step' '
	git checkout -q large &&
	bound=$(parses "restore_index base" "roadmap-refresh") &&
	test $bound -gt 20 &&
	crash_steps "bulk incremental" large "restore_index base" 137 $CHUNK "roadmap-refresh" $bound &&
	test $steps -ge 10 &&
	echo $steps >bulk-steps &&
	restore_index base &&
	ROADMAP_TEST_CHUNK=$CHUNK roadmap-refresh -v 2>err &&
	grep "incremental (HEAD moved from" err
'

test_expect_success '--full over a stale index, killed at every step' '
	git checkout -q large &&
	bound=$(parses "restore_index base" "roadmap-refresh --full") &&
	crash_steps "--full" large "restore_index base" 137 $CHUNK "roadmap-refresh --full" $bound &&
	test $steps -ge 10
'

test_expect_success '--stdin with the changed paths, killed at every step' '
	git checkout -q large &&
	git diff -z --no-renames --name-only base large >paths &&
	bound=$(parses "restore_index base" "roadmap-refresh --stdin -z <paths") &&
	crash_steps "--stdin" large "restore_index base" 137 $CHUNK \
		"roadmap-refresh --stdin -z <paths" $bound &&
	test $steps -ge 6
'

test_expect_success '--rebuild over a complete index, killed at every step, resumes' '
	git checkout -q large &&
	crash_steps "--rebuild" large "restore_index large" 137 $CHUNK "roadmap-refresh --rebuild" exact &&
	test $steps -ge 20
'

test_expect_success 'a reader healing a stale index, its walk killed at every step' '
	git checkout -q large &&
	bound=$(parses "restore_index base" "roadmap-refresh") &&
	crash_steps "reader heal" large "restore_index base" 128 $CHUNK \
		"roadmap-list --committed --json" $bound &&
	test $steps -ge 10
'

test_expect_success 'a working-tree query recording stat data, killed at every step' '
	git checkout -q large &&
	find .roadmap -type f -exec touch -d "@$(($(date +%s) - 10))" {} + &&
	crash_steps "working-tree stat data" large "restore_index large" 137 "" \
		"roadmap-list --json" &&
	test $steps -ge 2 &&
	answers_as large &&
	test $(stat_recorded) -gt 0
'

# The hook refreshes in the background, where the crash message is lost:
# it runs as many steps as the foreground refresh of the same move (the
# bulk incremental test), and each kill but the one after its last commit
# leaves the index behind HEAD or building.
hook_reset () {
	git checkout -q base &&
	wait_for_refresh &&
	restore_index base
}

test_expect_success 'a hook'"'"'s background walk after git checkout, killed at every step' '
	hook_steps=$(cat bulk-steps) &&
	roadmap-install-hooks &&
	n=1 killed=0 &&
	while test $n -le $hook_steps
	do
		hook_reset &&
		ROADMAP_TEST_CRASH_AT=$n ROADMAP_TEST_CHUNK=$CHUNK git checkout -q large 2>checkout.err &&
		check_quiet checkout.err &&
		wait_for_refresh &&
		roadmap-status --json >status.json &&
		if test "$(status_field state status.json)" = building ||
		   test "$(status_field commit status.json)" != "$(git rev-parse HEAD)"
		then
			killed=$((killed + 1))
		fi &&
		answers_as large --committed &&
		fsck_clean "git checkout, hook killed at step $n" || { echo "hook, step $n"; return 1; }
		n=$((n + 1))
	done &&
	hook_reset &&
	ROADMAP_TEST_CRASH_AT=$n ROADMAP_TEST_CHUNK=$CHUNK git checkout -q large &&
	check_hooked &&
	fsck_clean "git checkout, not killed" &&
	test $killed = $((hook_steps - 1)) &&
	echo "hook after git checkout: killed at each of $hook_steps write steps" >>"$LOG" &&
	roadmap-install-hooks --uninstall
'

test_expect_success 'a build of 1,200 issues (git cat-file, stat seeding), killed at every step, resumes' '
	git init -q mid &&
	(
		cd mid &&
		python3 "$GEN" --seed 8003 --count 1200 --root .roadmap/issues &&
		commit_all mid &&
		roadmap-refresh -q &&
		expect_for mid &&
		crash_steps "build of 1,200" mid "restore_index none" 137 300 \
			"roadmap-refresh" exact &&
		test $steps -ge 12 &&
		test $(stat_recorded) -gt 1000
	)
'

# --- kill -9 during a full build of 20,000 issues ---

status_of () {
	roadmap-status --json >status.json &&
	state=$(status_field state status.json) &&
	files=$(status_field files status.json)
}

# one_kill <delay>: start a --rebuild, kill -9 it after <delay> seconds
# (or, with "building", as soon as roadmap-status says it is building),
# then: the next refresh resumes when the index was left building and
# parses exactly the files not committed; on the state the kill left
# (a copy), a reader answers as the oracle (resuming first); fsck --full
# passes after both
one_kill () {
	ROADMAP_TEST_CHUNK=2000 roadmap-refresh --rebuild -q 2>/dev/null &
	pid=$! &&
	if test "$1" = building
	then
		while kill -0 $pid 2>/dev/null
		do
			roadmap-status --json >poll.json 2>/dev/null &&
			test "$(status_field state poll.json)" = building &&
			test "$(status_field files poll.json)" -gt 0 &&
			break
			sleep 0.01
		done
	else
		sleep "$1"
	fi &&
	kill -9 $pid 2>/dev/null
	wait $pid
	rc=$? &&
	status_of &&
	save_index killed &&
	roadmap-refresh -v 2>refresh.err &&
	parsed=$(sed -n "s/.*parsed \([0-9]*\) blobs.*/\1/p" refresh.err) &&
	echo "kill -9 after $1 s: exit $rc, state $state, $files of $total files committed; the next refresh parsed $parsed" >>"$LOG" &&
	if test "$state" = building
	then
		grep "full scan (resuming an interrupted build from its checkpoint: $files files indexed" refresh.err ||
		{ echo "no resume:"; cat refresh.err; return 1; }
	fi &&
	test "$parsed" = $((total - files)) &&
	answers_as big --committed &&
	fsck_clean "kill -9 after $1 s, then refresh" &&
	restore_index killed &&
	answers_as big --committed &&
	fsck_clean "kill -9 after $1 s, then a reader" &&
	status_of &&
	test "$state" = clean &&
	test "$files" = "$total"
}

test_expect_success 'setup: the 20,000 issues built, the answer checked against the oracle' '
	(
		cd big &&
		roadmap-refresh -v 2>err &&
		total=$(issue_files) &&
		test $total -ge 19000 &&
		grep "parsed $total blobs" err &&
		start=$(date +%s%N) &&
		ROADMAP_TEST_CHUNK=2000 roadmap-refresh --rebuild -q &&
		echo $((($(date +%s%N) - start) / 1000000)) >../rebuild-ms &&
		n=0 &&
		while ! test -f ../big-oracle.done
		do
			n=$((n + 1)) &&
			test $n -lt 3000 || { echo "the oracle did not finish"; return 1; }
			sleep 0.1
		done &&
		roadmap-list --json --committed >actual 2>err &&
		python3 "$ORACLE" --compare ../big-oracle.out actual &&
		n=$(wc -l <../big-oracle.invalid | tr -d " ") &&
		test $n -gt 0 &&
		grep "^roadmap-list: warning: $n invalid issue files (see roadmap-refresh -v)\$" err &&
		cp actual "$SHARNESS_TRASH_DIRECTORY/expect-big.out" &&
		cp err "$SHARNESS_TRASH_DIRECTORY/expect-big.err"
	)
'

# seeded delays: fractions of the time one such --rebuild took here
test_expect_success 'kill -9 at random moments of a 20,000-issue --rebuild: resumed, exact' '
	ms=$(cat rebuild-ms) &&
	python3 -c "import random, sys
r = random.Random(8020)
for i in range(6):
    print(\"%.3f\" % (r.uniform(0.02, 1.0) * int(sys.argv[1]) / 1000))" $ms >delays &&
	echo "one --rebuild of the 20,000 took $ms ms; kill delays (s): $(echo $(cat delays))" >>"$LOG" &&
	(
		cd big &&
		total=$(issue_files) &&
		for d in $(cat ../delays)
		do
			one_kill $d || return 1
		done
	)
'

test_expect_success 'a build killed while roadmap-status says building resumes from its checkpoint' '
	(
		cd big &&
		total=$(issue_files) &&
		for try in 1 2 3
		do
			one_kill building || return 1
			grep "kill -9 after building s: .*state building" "$LOG" && break
		done &&
		grep "kill -9 after building s: .*state building" "$LOG"
	)
'

test_expect_success 'every kind of refresh was killed at each of its write steps' '
	cat "$LOG" &&
	grep "state building" "$LOG"
'

test_done
