#!/bin/sh
test_description='readers heal the index after any HEAD move, without hooks'
. ./test-lib.sh

# check_matches_head: roadmap-list answers for HEAD, as a fresh rebuild does
check_matches_head () {
	roadmap-list --committed --json >actual &&
	git rev-parse HEAD >head &&
	mdb_dump -n -s meta "$(index_path)" >meta &&
	git worktree add -q -f --detach .fresh "$(cat head)" &&
	(cd .fresh && roadmap-list --committed --json) >expect &&
	git worktree remove -f .fresh &&
	test_cmp expect actual
}

test_expect_success 'setup: two branches of issues' '
	git init -q && echo /.fresh >>.git/info/exclude &&
	for i in 1 2 3 4 5
	do
		write_issue .roadmap/issues/$i.md $i todo "Issue $i" || return 1
	done &&
	git add .roadmap && test_commit base README &&
	git checkout -q -b topic &&
	write_issue .roadmap/issues/6.md 6 todo "Topic issue" &&
	write_issue .roadmap/issues/1.md 1 closed "Closed on topic" &&
	git add .roadmap && test_commit on-topic README &&
	git checkout -q main &&
	write_issue .roadmap/issues/7.md 7 review "Main issue" &&
	git add .roadmap && test_commit main-work README &&
	roadmap-refresh
'

test_expect_success 'after git checkout' '
	git checkout -q topic &&
	roadmap-list --committed --format "%(id)" >ids &&
	printf "1\n2\n3\n4\n5\n6\n" >expect &&
	test_cmp expect ids &&
	check_matches_head
'

test_expect_success 'after git reset --hard' '
	git reset -q --hard base &&
	roadmap-list --committed --format "%(id)" >ids &&
	printf "1\n2\n3\n4\n5\n" >expect &&
	test_cmp expect ids &&
	roadmap-refresh -v 2>err &&
	grep "up to date" err
'

test_expect_success 'after git update-ref' '
	git update-ref refs/heads/topic main-work &&
	roadmap-list --committed --status review --format "%(id)" >ids &&
	echo 7 >expect &&
	test_cmp expect ids
'

test_expect_success 'after commit --amend and gc: the indexed commit is gone, no rebuild' '
	git reset -q --hard on-topic &&
	write_issue .roadmap/issues/4.md 4 todo "To amend" &&
	git add .roadmap && git commit -qm "to amend" &&
	roadmap-refresh &&
	old=$(git rev-parse HEAD) &&
	write_issue .roadmap/issues/2.md 2 blocked "Amended" &&
	git add .roadmap && git commit -q --amend -m amended &&
	git reflog expire --expire-unreachable=now --all &&
	git gc -q --prune=now &&
	test_must_fail git cat-file -e $old &&
	roadmap-refresh -v 2>err &&
	grep "incremental (HEAD moved from" err &&
	grep "parsed 1 blobs" err &&
	roadmap-list --committed --status blocked --format "%(id)" >ids &&
	echo 2 >expect &&
	test_cmp expect ids
'

test_expect_success 'after git checkout --detach: a full scan, and it says why' '
	git checkout -q --detach base &&
	roadmap-refresh -v 2>err &&
	grep "full scan (detached HEAD at" err &&
	check_matches_head
'

test_expect_success 'the reader itself heals a detached HEAD' '
	git checkout -q --detach main-work &&
	check_matches_head &&
	git checkout -q topic
'

test_expect_success 'during and after a rebase' '
	git checkout -q -b rb main-work &&
	write_issue .roadmap/issues/8.md 8 todo "Rebased" &&
	git add .roadmap && test_commit rb-one &&
	write_issue .roadmap/issues/3.md 3 closed "Conflicting" &&
	git add .roadmap && test_commit rb-two &&
	git checkout -q topic &&
	write_issue .roadmap/issues/3.md 3 review "Other side" &&
	git add .roadmap && test_commit topic-two &&
	git checkout -q rb &&
	test_must_fail git rebase -q --onto topic main-work >/dev/null 2>&1 &&
	roadmap-refresh -v 2>err &&
	grep "full scan (\(rebase in progress\|detached HEAD at\)" err &&
	check_matches_head &&
	git checkout -q --theirs .roadmap/issues/3.md &&
	git add .roadmap &&
	GIT_EDITOR=true git rebase --continue >/dev/null 2>&1 &&
	check_matches_head &&
	roadmap-list --committed --format "%(id)" >ids &&
	grep "^8$" ids
'

test_expect_success 'after git rebase --abort' '
	git checkout -q topic &&
	git checkout -q -b ab main-work &&
	write_issue .roadmap/issues/3.md 3 todo "Will conflict" &&
	git add .roadmap && test_commit ab-one &&
	before=$(roadmap-list --committed --json) &&
	test_must_fail git rebase -q --onto topic main-work >/dev/null 2>&1 &&
	roadmap-list --committed >/dev/null &&
	git rebase --abort &&
	test "$(roadmap-list --committed --json)" = "$before" &&
	check_matches_head
'

test_done
