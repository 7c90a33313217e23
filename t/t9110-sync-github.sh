#!/bin/sh
test_description='roadmap-sync with GitHub (the fake on loopback): round trip, the five cases, conflicts, crashes and a lost reply, rate limits and 422, the token nowhere, the merge by hand'
. ./test-lib.sh
. "$TEST_DIRECTORY/lib/fakegh.sh"
require_fakegh
TRASH=$PWD

# make test-sanitize (ROADMAP_TEST_QUICK=1) runs the same scenarios smaller:
# the sanitizers check memory, make test the sizes of the acceptance
if test -n "$ROADMAP_TEST_QUICK"; then ROUND=100 KILL=40 FAULT_RUN=8; else ROUND=500 KILL=200 FAULT_RUN=50; fi

# the remote's writes are spaced by seconds on GitHub; not here
ROADMAP_HTTP_WRITE_GAP_MS=0 ROADMAP_HTTP_CREATE_GAP_MS=0 ROADMAP_HTTP_BACKOFF_MS=50
export ROADMAP_HTTP_WRITE_GAP_MS ROADMAP_HTTP_CREATE_GAP_MS ROADMAP_HTTP_BACKOFF_MS

fields () {
	python3 "$TEST_DIRECTORY/lib/sync-fields.py" "$@"
}

remote_fields () {
	python3 "$TEST_DIRECTORY/lib/fakegh-fields.py" "$FAKEGH_URL" o/r "$FAKEGH_TOKEN"
}

report () {
	python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"
}

# make N issues in the work tree (ids from base), commit them
make_issues () {
	python3 -c "
import os, sys
n, base = int(sys.argv[1]), int(sys.argv[2], 16)
os.makedirs(\".roadmap/issues/backlog\", exist_ok=True)
for i in range(n):
    with open(\".roadmap/issues/backlog/%08x-issue.md\" % (base + i), \"w\") as f:
        f.write(\"---\\nid: %08x\\ntitle: Issue %d\\nstatus: %s\\nlabels: [bug, p%d]\\nassignee: dev%d\\n---\\nBody %d\\nline two\\n\"
                % (base + i, i, (\"todo\", \"in-progress\", \"closed\")[i % 3], i % 4, i % 5, i))
" "$@" && git add -A && git commit -qm issues
}

test_expect_success 'setup: the fake, a repository of issues' '
	fakegh_start &&
	fakegh_ctl seed "{\"assignable\": [\"dev0\", \"dev1\", \"dev2\", \"dev3\", \"dev4\"], \"milestones\": [{\"title\": \"v1\"}]}" >/dev/null &&
	GITHUB_TOKEN=$FAKEGH_TOKEN && export GITHUB_TOKEN &&
	git init -q a && (
		cd a && test_commit init && make_issues $ROUND 10000000 &&
		git config roadmap.remote.gh.url "$FAKEGH_URL/repos/o/r"
	)
'

test_expect_success 'round trip: all pushed to the empty remote; a fresh clone without .roadmap/ gets the same; its second sync is one 304' '
	(cd a && roadmap-sync gh --json >../r1) &&
	test "$(report r1 created_there)" = $ROUND && test "$(report r1 failed)" = 0 &&
	test "$(fakegh_log_count POST)" = $ROUND &&
	fields a/.roadmap/issues gh >local && remote_fields >remote && test_cmp local remote &&
	(cd a && git add -A && git commit -qm linked) &&
	git clone -q a b && (
		cd b && git rm -rq .roadmap && git commit -qm "no issues here" &&
		git config roadmap.remote.gh.url "$FAKEGH_URL/repos/o/r" &&
		roadmap-sync gh --json >../r2 &&
		roadmap-sync gh --json >../r3
	) &&
	test "$(report r2 created_here)" = $ROUND &&
	fields b/.roadmap/issues gh >clone && test_cmp local clone &&
	fakegh_get "log" >log && test "$(report r3 requests)" = 1 &&
	fakegh_get "log" | fakegh_json "J[-1].status" >last && echo 304 >expect && test_cmp expect last &&
	test "$(report r3 pushed)" = 0 && test "$(report r3 created_there)" = 0 && test "$(report r3 pulled)" = 0
'

pick () {
	id=$(printf "%08x" $((0x10000000 + $1))) &&
	f=$(cd a && roadmap-list --format "%(path)" --where id=$id) &&
	n=$(cd a && roadmap-list --format "%(remote_ids.gh)" --where id=$id)
}

web_edit () {
	fakegh_ctl edit "{\"number\": $1, $2}" >/dev/null
}

test_expect_success 'the five cases per field; a conflict leaves the file and the baseline; the hook refuses; --resolve' '
	(cd a && roadmap-sync gh -q) &&
	pick 3 && f3=$f n3=$n && pick 4 && f4=$f n4=$n i4=$id && pick 6 && f6=$f n6=$n i6=$id &&
	pick 7 && f7=$f n7=$n i7=$id &&
	web_edit $n3 "\"title\": \"Remote only\", \"body\": \"Body 3\\r\\nline two\\r\\n\"" &&
	(cd a && roadmap-set $i4 labels+=Local --no-touch) &&
	web_edit $n6 "\"title\": \"Alike\"" && (cd a && roadmap-set $i6 title=Alike --no-touch) &&
	web_edit $n7 "\"title\": \"Remote differs\"" && (cd a && roadmap-set $i7 title="Local differs" --no-touch) &&
	(cd a && roadmap-new --title "New here" >/dev/null) &&
	fakegh_ctl seed "{\"issues\": [{\"title\": \"New there\", \"labels\": [\"x\"]}]}" >/dev/null &&
	git -C a rev-parse refs/roadmap/sync/gh >base-before && cp a/$f7 f7-before &&
	(cd a && test_expect_code 1 roadmap-sync gh --json >../r4) &&
	test "$(report r4 pulled)" = 1 && test "$(report r4 pushed)" = 1 && test "$(report r4 conflicts)" = 1 &&
	test "$(report r4 created_here)" = 1 && test "$(report r4 created_there)" = 1 &&
	grep "^title: Remote only$" a/$f3 && ! grep "Body 3" a/$f3 | grep -q "$(printf "\r")" &&
	fakegh_api GET /repos/o/r/issues/$n4 | fakegh_json "[l.name for l in J.labels]" >labels &&
	grep "^Local$" labels &&
	test_cmp f7-before a/$f7 &&
	git -C a rev-parse refs/roadmap/sync/gh >base-after && ! test_cmp base-before base-after &&
	(cd a && roadmap-merge-base gh $i7 | grep "^title: Issue 7$") &&
	grep "theirs: Remote differs" a/.roadmap/.conflicts/$i7.yaml &&
	(cd a && roadmap-list --where "title=New there" --format "%(labels)") >out && echo x >expect && test_cmp expect out &&
	(
		cd a && roadmap-install-hooks >/dev/null && git add -A &&
		test_must_fail git commit -qm conflicted &&
		roadmap-status --json | fakegh_json "J.sync_conflicts" >../open && echo $i7 >../expect &&
		test_cmp ../expect ../open &&
		roadmap-sync gh --resolve $i7 --ours -q &&
		test_path_is_missing .roadmap/.conflicts/$i7.yaml &&
		git add -A && git commit -qm resolved
	) &&
	fakegh_api GET /repos/o/r/issues/$n7 | fakegh_json J.title >t && echo "Local differs" >expect && test_cmp expect t
'

test_expect_success 'a remote close, then a reopen: local in-progress kept where the remote does not contradict it' '
	pick 1 && f1=$f n1=$n &&
	grep "^status: in-progress$" a/$f1 &&
	web_edit $n1 "\"title\": \"Renamed\"" && (cd a && roadmap-sync gh -q) &&
	grep "^status: in-progress$" a/$f1 &&
	web_edit $n1 "\"state\": \"closed\", \"state_reason\": \"completed\"" && (cd a && roadmap-sync gh -q) &&
	grep "^status: closed$" a/$f1 &&
	web_edit $n1 "\"state\": \"open\", \"state_reason\": \"reopened\"" && (cd a && roadmap-sync gh -q) &&
	grep "^status: todo$" a/$f1 &&
	(cd a && roadmap-set $(printf %08x $((0x10000001))) status=in-progress --no-touch && roadmap-sync gh -q) &&
	fakegh_api GET /repos/o/r/issues/$n1 | fakegh_json J.state >st && echo open >expect && test_cmp expect st
'

test_expect_success 'the merge by hand reproduces the sync'"'"'s file' '
	pick 10 && f10=$f n10=$n i10=$id &&
	web_edit $n10 "\"title\": \"Their title\", \"body\": \"Body 10\\nline two\\nthird line\"" &&
	(cd a && roadmap-set $i10 labels+=mine status=in-progress --no-touch) &&
	(
		cd a &&
		roadmap-merge-base gh $i10 >../base.md &&
		roadmap-fetch -q gh &&
		roadmap-fetch gh --show $i10 >../theirs.md &&
		cp $f10 ../ours.md &&
		roadmap-merge-file ../base.md ../ours.md ../theirs.md &&
		roadmap-sync gh -q
	) &&
	test_cmp ours.md a/$f10 &&
	grep "^third line$" a/$f10
'

test_expect_success 'rate limits wait and finish; a 422 fails that issue only, once; the state says failed and why' '
	pick 20 && i20=$id && pick 21 && i21=$id &&
	(cd a && roadmap-set $i20 title="After the limit" --no-touch && roadmap-set $i21 assignee=nobody --no-touch) &&
	fakegh_ctl fault "{\"kind\": \"secondary\", \"retry_after\": 1, \"method\": \"PATCH\"}" >/dev/null &&
	before=$(fakegh_log_count PATCH) &&
	(cd a && test_expect_code 2 roadmap-sync gh 2>../err) &&
	grep "waiting" err && grep "$i21" err && grep -i "nobody\|assignee" err &&
	after=$(fakegh_log_count PATCH) &&
	test $((after - before)) = 3 &&
	test "$(fakegh_log_count PATCH "" 422)" = 1 &&
	(cd a && roadmap-status --json) | fakegh_json "J.remotes[0].state" >st && echo failed >expect && test_cmp expect st &&
	(cd a && roadmap-set $i21 assignee=dev1 --no-touch && roadmap-sync gh -q) &&
	(cd a && roadmap-status --json) | fakegh_json "J.remotes[0].state" >st && echo in_sync >expect && test_cmp expect st
'

test_expect_success 'SIGKILL at every step of a push of many issues, and the fake dying after a create: each issue once remotely' '
	fakegh_ctl reset >/dev/null &&
	git init -q c && (
		cd c && test_commit init && make_issues $KILL 20000000 &&
		git config roadmap.remote.gh.url "$FAKEGH_URL/repos/o/r" &&
		sed -i "s/^assignee: .*//" .roadmap/issues/backlog/*.md && git commit -qam "no assignees"
	) &&
	step=1 runs=0 died=0 &&
	while :
	do
		runs=$((runs + 1)) &&
		(cd c && ROADMAP_TEST_SYNC_CRASH_AT=$step roadmap-sync gh -q 2>/dev/null)
		rc=$?
		test $rc = 0 && break
		if test $rc = 128 && ! fakegh_alive
		then
			died=$((died + 1)) && fakegh_restart || exit 1
		else
			test $rc = 137 || { echo "exit $rc at step $step, run $runs"; exit 1; }
		fi
		step=$((step % 7 + 1))
		test $runs -lt 2000 || exit 1
		if test $runs = $FAULT_RUN
		then
			(cd c && roadmap-new --title "Lost reply" >../lost) &&
			fakegh_ctl fault "{\"kind\": \"die_after_apply\", \"method\": \"POST\"}" >/dev/null
		fi
	done &&
	echo "runs: $runs, the fake died $died times" && test $died = 1 &&
	fakegh_alive || fakegh_restart &&
	(cd c && roadmap-sync gh -q && roadmap-sync gh --json >../r6) &&
	test "$(report r6 created_there)" = 0 && test "$(report r6 failed)" = 0 &&
	remote_fields >remote6 && wc -l <remote6 >n && echo $((KILL + 1)) >expect && test_cmp expect n &&
	fakegh_get state | python3 -c "
import json, re, sys
issues = json.load(sys.stdin)[\"repos\"][\"o/r\"][\"issues\"].values()
marks = [m for i in issues for m in re.findall(r\"roadmap:id=(\\w+)\", i[\"body\"] or \"\")]
sys.exit(len(marks) != len(set(marks)) or len(marks) != int(sys.argv[1]) + 1)
" $KILL &&
	fields c/.roadmap/issues gh >local6 && test_cmp local6 remote6
'

test_expect_success 'the token is in no file written: repository, .git, outputs, logs' '
	(cd a && roadmap-sync gh --json >../r7 2>../e7 && roadmap-status --json >../s7) &&
	{ grep -r -l -a "$FAKEGH_TOKEN" . >found || :; } &&
	test_must_be_empty found
'

test_done
