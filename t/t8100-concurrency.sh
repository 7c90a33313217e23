#!/bin/sh

test_description='concurrency: refreshes and queries at once, checkouts in another worktree

In one worktree, 8 processes refresh in a loop (plain, --full and
--rebuild, the bulk walk committing in small chunks) while 8 query in a
loop (--committed and working tree); in a second worktree of the same
repository a loop checks out branches, with the hooks installed, and
queries there too. Every answer must be the oracle'"'"'s for the HEAD of
its worktree, no command may fail or complain, and roadmap-fsck --full
must pass in both worktrees after.
'

. ./test-lib.sh

require_pyyaml

T=$SHARNESS_TRASH_DIRECTORY

# rounds per loop
REFRESHES=25
QUERIES=25
CHECKOUTS=40

commit_all () {
	git add -A .roadmap &&
	test_tick &&
	git commit -q -m "$1"
}

# failed <file> <what> [<output file>...]: note a failure, with the outputs
failed () {
	_to=$1 _what=$2
	shift 2
	{
		echo "$_what"
		for _f
		do
			sed "s/^/	/" "$_f" | head -5
		done
	} >>"$_to"
}

# answer_is <name> <who> [roadmap-list option...]: one query, compared
# byte for byte with the oracle-checked answer for <name>
answer_is () {
	_name=$1 _who=$2
	shift 2
	roadmap-list --json "$@" >"$T/out.$_who" 2>"$T/err.$_who"
	_rc=$?
	echo "roadmap-list $*" >>"$T/ops.$_who"
	if test $_rc != 0
	then
		failed "$T/fail.$_who" "$_who: roadmap-list $* exited $_rc" "$T/err.$_who"
	elif ! cmp -s "$T/expect-$_name.out" "$T/out.$_who"
	then
		diff "$T/expect-$_name.out" "$T/out.$_who" >"$T/diff.$_who"
		failed "$T/fail.$_who" "$_who: roadmap-list $* answered otherwise than for $_name" "$T/diff.$_who"
	elif ! cmp -s "$T/expect-$_name.err$(case " $* " in *" --committed "*) ;; *) echo .wt ;; esac)" "$T/err.$_who"
	then
		failed "$T/fail.$_who" "$_who: roadmap-list $* warned otherwise than for $_name" "$T/err.$_who"
	fi
}

# refresher <n>: roadmap-refresh in a loop, plain, --full, --rebuild
refresher () {
	_i=0
	while test $_i -lt $REFRESHES
	do
		case $((($1 + _i) % 3)) in
		0) _opt= ;;
		1) _opt=--full ;;
		2) _opt=--rebuild ;;
		esac
		ROADMAP_TEST_CHUNK=40 roadmap-refresh $_opt >/dev/null 2>"$T/err.r$1"
		_rc=$?
		echo "roadmap-refresh $_opt" >>"$T/ops.r$1"
		if test $_rc != 0 || test -s "$T/err.r$1"
		then
			failed "$T/fail.r$1" "r$1: roadmap-refresh $_opt exited $_rc" "$T/err.r$1"
		fi
		_i=$((_i + 1))
	done
}

# querier <n>: roadmap-list in a loop, committed and working tree
querier () {
	_i=0
	while test $_i -lt $QUERIES
	do
		if test $((($1 + _i) % 2)) = 0
		then
			answer_is main q$1 --committed
		else
			answer_is main q$1
		fi
		_i=$((_i + 1))
	done
}

# switcher: in the other worktree, check out b1, b2, b3 in turn and query
switcher () {
	_i=0
	while test $_i -lt $CHECKOUTS
	do
		_b=b$((_i % 3 + 1))
		git checkout -q $_b 2>"$T/err.s"
		_rc=$?
		echo "git checkout $_b" >>"$T/ops.s"
		if test $_rc != 0 || test -s "$T/err.s"
		then
			failed "$T/fail.s" "s: git checkout $_b exited $_rc" "$T/err.s"
		fi
		answer_is $_b s --committed
		answer_is $_b s
		_i=$((_i + 1))
	done
}

test_expect_success 'setup: a repository of 300 issues, branches b1, b2, b3, a second worktree' '
	git init -q repo &&
	(
		cd repo &&
		python3 "$GEN" --seed 8100 --count 300 --root .roadmap/issues &&
		commit_all main &&
		for b in b1 b2 b3
		do
			git checkout -q -b $b main &&
			python3 "$GEN" --mutate --git --seed 8100$b --root .roadmap/issues \
				--modify 20 --delete 5 --rename 8 --add 15 &&
			commit_all $b || return 1
		done &&
		for b in b1 b2 b3 main
		do
			git checkout -q $b &&
			check_oracle --committed &&
			cp actual "$T/expect-$b.out" &&
			cp err "$T/expect-$b.err" &&
			# a working-tree query points at roadmap-check, which names them all
			sed "s/(see roadmap-refresh -v)/(see roadmap-check)/" err >"$T/expect-$b.err.wt" || return 1
		done &&
		! cmp -s "$T/expect-b1.out" "$T/expect-b2.out" &&
		! cmp -s "$T/expect-b2.out" "$T/expect-b3.out" &&
		! cmp -s "$T/expect-main.out" "$T/expect-b1.out" &&
		grep "invalid issue file" "$T/expect-main.err" &&
		check_oracle &&
		test_cmp "$T/expect-main.out" actual &&
		roadmap-install-hooks &&
		git worktree add -q ../wt b1 &&
		rm -f actual expect err invalid &&
		git status --porcelain >../status &&
		test_must_be_empty ../status
	) &&
	(
		cd wt &&
		wait_for_refresh &&
		roadmap-list --json --committed >../out 2>../err &&
		test_cmp "$T/expect-b1.out" ../out &&
		test "$(index_path)" != "$(cd ../repo && index_path)"
	)
'

# ROADMAP_TEST_BEFORE_ANSWER (tests only) runs a command after a reader
# healed and before it answers: here a --rebuild killed after its first
# chunk, which leaves the index half built ("building")
test_expect_success 'a rebuild half done between a reader'"'"'s heal and its answer: the reader heals again' '
	(
		cd repo &&
		roadmap-refresh -q &&
		half="ROADMAP_TEST_CHUNK=40 ROADMAP_TEST_CRASH_AT=3 roadmap-refresh --rebuild 2>/dev/null;
		      roadmap-status --json >../half.json" &&
		ROADMAP_TEST_BEFORE_ANSWER=$half roadmap-list --json --committed >../out 2>../err &&
		grep "\"state\": \"building\"" ../half.json &&
		test_cmp "$T/expect-main.out" ../out &&
		test_cmp "$T/expect-main.err" ../err &&
		ROADMAP_TEST_BEFORE_ANSWER=$half roadmap-list --json >../out 2>../err &&
		grep "\"state\": \"building\"" ../half.json &&
		test_cmp "$T/expect-main.out" ../out &&
		test_cmp "$T/expect-main.err.wt" ../err &&
		python3 -c "import json, sys
last = max((json.loads(l) for l in open(sys.argv[1])), key=lambda r: r[\"path\"])
print(last[\"id\"])" "$T/expect-main.out" >../id &&
		ROADMAP_TEST_BEFORE_ANSWER=$half roadmap-show --committed "$(cat ../id)" >../out &&
		grep "\"state\": \"building\"" ../half.json &&
		grep "^id: *[\"\x27]*$(cat ../id)" ../out &&
		roadmap-fsck --full
	)
'

test_expect_success '8 refreshing, 8 querying, checkouts in the other worktree: all right' '
	(
		cd repo || exit 1
		pids=
		for i in 1 2 3 4 5 6 7 8
		do
			refresher $i &
			pids="$pids $!"
			querier $i &
			pids="$pids $!"
		done
		(cd ../wt && switcher) &
		pids="$pids $!"
		for pid in $pids
		do
			wait $pid
		done
	) &&
	cat ops.* >ops &&
	echo "$(wc -l <ops | tr -d " ") operations: $(grep -c "^roadmap-refresh" ops) refreshes, $(grep -c "^roadmap-list" ops) queries, $(grep -c "^git checkout" ops) checkouts" &&
	test_line_count = $((8 * REFRESHES + 8 * QUERIES + 3 * CHECKOUTS)) ops &&
	test_line_count -ge 200 ops &&
	cat fail.* >failures 2>/dev/null;
	test_must_be_empty failures
'

test_expect_success 'after: roadmap-fsck --full passes in both worktrees' '
	(
		cd repo &&
		wait_for_refresh &&
		roadmap-fsck --full &&
		check_oracle --committed &&
		test_cmp "$T/expect-main.out" actual
	) &&
	(
		cd wt &&
		wait_for_refresh &&
		roadmap-fsck --full &&
		b=$(git symbolic-ref --short HEAD) &&
		roadmap-list --json --committed >../out 2>../err &&
		test_cmp "$T/expect-$b.out" ../out
	)
'

test_done
