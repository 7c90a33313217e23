#!/bin/sh
test_description='objects a clone may lack or replace: a partial clone (one batched fetch, or an answer that says it is incomplete), replace refs, and roadmap-diff-index right after a hook'
. ./test-lib.sh

# --- roadmap-diff-index right after git commit, hooks installed ---

test_expect_success 'git commit && roadmap-diff-index --committed --quiet: 0 after every commit (the hook refresh is waited for)' '
	git init -q hooks &&
	(
		cd hooks &&
		for i in 1 2 3
		do
			write_issue .roadmap/issues/I-$i.md I-$i || return 1
		done &&
		git add . &&
		git commit -q -m zero &&
		roadmap-install-hooks -q &&
		roadmap-list >/dev/null &&
		fails=0 &&
		for i in $(seq 1 20)
		do
			echo "estimate: $i" >>.roadmap/issues/I-$((i % 3 + 1)).md &&
			git add . &&
			git commit -q -m "change $i" &&
			if ! roadmap-diff-index --committed --quiet
			then
				fails=$((fails + 1))
			fi || return 1
		done &&
		test "$fails" = 0 &&
		roadmap-fsck
	)
'

test_done
