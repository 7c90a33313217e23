#!/bin/sh
test_description='roadmap-sync with a dir remote: round trip, the five cases per field, conflicts, crashes at every step, the merge by hand'
. ./test-lib.sh
TRASH=$PWD

# make test-sanitize (ROADMAP_TEST_QUICK=1) runs the same scenarios smaller:
# the sanitizers check memory, make test the sizes of the acceptance
if test -n "$ROADMAP_TEST_QUICK"; then ROUND=100 KILL=40 FAULT_RUN=8; else ROUND=500 KILL=200 FAULT_RUN=50; fi

fields () {
	python3 "$TEST_DIRECTORY/lib/sync-fields.py" "$@"
}

# the sync's JSON report: one number of it
report () {
	python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"
}

test_expect_success 'setup: a repository with $ROUND issues and an empty dir remote' '
	mkdir hub &&
	git init -q a && (
		cd a && test_commit init &&
		python3 -c "
import os
os.makedirs(\".roadmap/issues/backlog\")
for i in range($ROUND):
    with open(\".roadmap/issues/backlog/%08x-issue.md\" % (0x10000000 + i), \"w\") as f:
        f.write(\"---\\nid: %08x\\ntitle: Issue %d\\nstatus: %s\\nlabels: [bug, p%d]\\nassignee: dev%d\\n---\\nBody %d\\n\"
                % (0x10000000 + i, i, (\"todo\", \"in-progress\", \"closed\")[i % 3], i % 4, i % 5, i))
" &&
		git add -A && git commit -qm issues &&
		git config roadmap.remote.hub.url "$TRASH/hub" &&
		git config roadmap.remote.hub.kind dir
	)
'

test_expect_success 'dry run: every issue INITIAL, nothing written' '
	(cd a && roadmap-sync hub --dry-run >../out) &&
	grep -c "^INITIAL" out >n && echo $ROUND >expect && test_cmp expect n &&
	ls hub >files && test_must_be_empty files &&
	test_must_fail git -C a rev-parse -q --verify refs/roadmap/sync/hub
'

test_expect_success 'round trip 1: all pushed to the empty remote, each linked by remote_ids' '
	(cd a && roadmap-sync hub --json >../r1) &&
	test "$(report r1 created_there)" = $ROUND &&
	ls hub | wc -l >n && echo $ROUND >expect && test_cmp expect n &&
	fields a/.roadmap/issues hub >local &&
	fields hub - >remote &&
	test_cmp local remote &&
	(cd a && roadmap-merge-base hub --all -z | tr "\0" "\n" | grep -c "^id: ") >n &&
	test_cmp expect n
'

test_expect_success 'round trip 2: a second sync sends no write and one fetch' '
	(cd hub && ls -l --time-style=full-iso) >before &&
	(cd a && roadmap-sync hub --json >../r2) &&
	test "$(report r2 requests)" = 1 &&
	test "$(report r2 pushed)" = 0 && test "$(report r2 created_there)" = 0 &&
	test "$(report r2 pulled)" = 0 && test "$(report r2 unchanged)" = $ROUND &&
	(cd hub && ls -l --time-style=full-iso) >after &&
	test_cmp before after
'

test_expect_success 'round trip 3: a fresh clone without .roadmap/ gets the same synced fields' '
	(cd a && git add -A && git commit -qm linked) &&
	git clone -q a b && (
		cd b && git rm -rq .roadmap && git commit -qm "no issues here" &&
		git config roadmap.remote.hub.url "$TRASH/hub" &&
		git config roadmap.remote.hub.kind dir &&
		roadmap-sync hub --json >../r3
	) &&
	test "$(report r3 created_here)" = $ROUND &&
	fields b/.roadmap/issues hub >clone &&
	test_cmp local clone &&
	(cd b && roadmap-sync hub --json >../r4) &&
	test "$(report r4 requests)" = 1 && test "$(report r4 unchanged)" = $ROUND &&
	test "$(report r4 pushed)" = 0 && test "$(report r4 created_there)" = 0
'

# an issue of a, its file, and its file in the remote
pick () {
	id=$(printf "%08x" $((0x10000000 + $1))) &&
	f=$(cd a && roadmap-list --format "%(path)" --where id=$id) &&
	h=hub/$id.md
}

test_expect_success 'the five cases per field, in one sync' '
	pick 3 && i3=$id && f3=$f && h3=$h &&
	pick 4 && i4=$id && f4=$f && h4=$h &&
	pick 6 && i6=$id && f6=$f && h6=$h &&
	pick 7 && i7=$id && f7=$f && h7=$h &&
	sed -i "s/^title: .*/title: Remote only/" $h3 &&
	(cd a && roadmap-set $i4 title="Local only" --no-touch) &&
	sed -i "s/^title: .*/title: Alike/" $h6 &&
	(cd a && roadmap-set $i6 title=Alike --no-touch) &&
	sed -i "s/^title: .*/title: Remote differs/" $h7 &&
	(cd a && roadmap-set $i7 title="Local differs" --no-touch) &&
	(cd a && roadmap-new --title "New here" >../newid) &&
	printf -- "---\nid: fresh\ntitle: New there\nlabels: [x]\n---\nFrom the remote\n" >hub/fresh.md &&
	git -C a rev-parse refs/roadmap/sync/hub >base-before &&
	cp a/$f7 f7-before &&
	(cd a && test_expect_code 1 roadmap-sync hub --json >../r5) &&
	test "$(report r5 pulled)" = 1 && test "$(report r5 pushed)" = 1 &&
	test "$(report r5 conflicts)" = 1 && test "$(report r5 created_here)" = 1 &&
	test "$(report r5 created_there)" = 1 &&
	grep "^title: Remote only$" a/$f3 &&
	grep "^title: Local only$" $h4 &&
	grep "^title: Alike$" a/$f6 && grep "^title: Alike$" $h6 &&
	test_cmp f7-before a/$f7 &&
	grep "^title: Remote differs$" $h7 &&
	test_path_is_file a/.roadmap/.conflicts/$i7.yaml &&
	grep "ours: Local differs" a/.roadmap/.conflicts/$i7.yaml &&
	grep "theirs: Remote differs" a/.roadmap/.conflicts/$i7.yaml &&
	(cd a && roadmap-list --where "title=New there" --format "%(remote_ids.hub) %(labels)") >out &&
	echo "fresh x" >expect && test_cmp expect out &&
	grep -l "title: New here" hub/*.md &&
	(cd a && roadmap-merge-base hub $i7) >base7 &&
	grep "^title: Issue 7$" base7
'

test_expect_success 'an open conflict: roadmap-check and the pre-commit hook refuse; --resolve clears it' '
	(
		cd a && roadmap-install-hooks >/dev/null &&
		git add -A &&
		test_must_fail roadmap-check >../out &&
		grep "open sync conflict" ../out &&
		test_must_fail git commit -qm "with a conflict" 2>../err &&
		roadmap-status >../st && grep "1 open sync conflicts: $i7" ../st &&
		roadmap-sync hub --resolve $i7 --theirs >/dev/null &&
		test_path_is_missing .roadmap/.conflicts/$i7.yaml &&
		grep "^title: Remote differs$" $f7 &&
		roadmap-check && git add -A && git commit -qm resolved
	)
'

test_expect_success 'status: a remote close and reopen; local in-progress is never lost to an open' '
	pick 1 && i1=$id && f1=$f && h1=$h &&
	grep "^status: in-progress$" a/$f1 &&
	sed -i "s/^title: .*/title: Renamed there/" $h1 &&
	(cd a && roadmap-sync hub -q) &&
	grep "^status: in-progress$" a/$f1 && grep "^title: Renamed there$" a/$f1 &&
	printf "%s\n" "/^title/a status: closed" >ed && sed -i -f ed $h1 &&
	(cd a && roadmap-sync hub -q) &&
	grep "^status: closed$" a/$f1 &&
	sed -i "s/^status: closed/status: open/" $h1 &&
	(cd a && roadmap-sync hub -q) &&
	grep "^status: todo$" a/$f1 &&
	(cd a && roadmap-set $i1 status=in-progress --no-touch && roadmap-sync hub -q) &&
	grep "^status: in-progress$" a/$f1 &&
	! grep "^status: closed" $h1
'

test_expect_success 'the merge by hand: roadmap-merge-base, roadmap-fetch --show, roadmap-merge-file give the sync'"'"'s file' '
	pick 10 && i10=$id && f10=$f && h10=$h &&
	sed -i "s/^title: .*/title: Their title/" $h10 &&
	(cd a && roadmap-set $i10 labels+=local status=in-progress --no-touch) &&
	(
		cd a &&
		roadmap-merge-base hub $i10 >../base.md &&
		roadmap-fetch -q hub &&
		roadmap-fetch hub --show $i10 >../theirs.md &&
		cp $f10 ../ours.md &&
		roadmap-merge-file ../base.md ../ours.md ../theirs.md &&
		roadmap-sync hub -q
	) &&
	test_cmp ours.md a/$f10 &&
	grep "^title: Their title$" ours.md && grep "local" $h10
'

test_expect_success 'a bad remote file: one clear error, the rest sync' '
	printf -- "---\ntitle: [unclosed\n---\n" >hub/broken.md &&
	sed -i "s/^title: .*/title: Still synced/" $h3 &&
	(cd a && test_expect_code 2 roadmap-sync hub >../out 2>../err) &&
	grep "broken.md" err && test_line_count = 1 err &&
	grep "^title: Still synced$" a/$f3 &&
	rm hub/broken.md && (cd a && roadmap-sync hub -q)
'

test_expect_success 'SIGKILL at every step of a push of many issues: each issue once remotely, nothing lost' '
	mkdir hub2 && git init -q c && (
		cd c && test_commit init &&
		python3 -c "
import os
os.makedirs(\".roadmap/issues/backlog\")
for i in range($KILL):
    with open(\".roadmap/issues/backlog/%08x-k.md\" % (0x20000000 + i), \"w\") as f:
        f.write(\"---\\nid: %08x\\ntitle: Kill %d\\nlabels: [a]\\n---\\nBody %d\\n\" % (0x20000000 + i, i, i))
" &&
		git add -A && git commit -qm issues &&
		git config roadmap.remote.hub.url "$TRASH/hub2" &&
		git config roadmap.remote.hub.kind dir &&
		step=1 runs=0 &&
		while :
		do
			runs=$((runs + 1)) &&
			ROADMAP_TEST_SYNC_CRASH_AT=$step roadmap-sync hub -q 2>/dev/null
			rc=$?
			test $rc = 0 && break
			test $rc = 137 || { echo "exit $rc at step $step, run $runs"; exit 1; }
			step=$((step % 7 + 1))
			test $runs -lt 2000 || exit 1
		done &&
		echo "runs: $runs" &&
		roadmap-sync hub --json >../r6
	) &&
	test "$(report r6 unchanged)" = $KILL && test "$(report r6 created_there)" = 0 &&
	ls hub2 | wc -l >n && echo $KILL >expect && test_cmp expect n &&
	grep -h "roadmap:id=" hub2/*.md | sort | uniq -d >dups && test_must_be_empty dups &&
	fields c/.roadmap/issues hub >local2 && fields hub2 - >remote2 && test_cmp local2 remote2 &&
	(cd c && roadmap-merge-base hub --all -z | tr "\0" "\n" | grep -c "^id: ") >n &&
	test_cmp expect n &&
	(cd c && git diff --stat HEAD -- .roadmap | tail -1) >stat && grep "$KILL files changed" stat
'

test_expect_success 'a first sync into Backlog.md tasks numbers on, with roadmap-new beside it: no number twice' '
	n=$(ls hub | wc -l) &&
	git init -q bl && (
		cd bl && test_commit init &&
		mkdir -p backlog/tasks && echo "project_name: x" >backlog/config.yml &&
		git add backlog && git commit -qm backlog &&
		git config roadmap.path backlog &&
		git config roadmap.remote.hub.url "$TRASH/hub" && git config roadmap.remote.hub.kind dir &&
		roadmap-new --title Before >/dev/null || exit 1
		(for i in 1 2 3 4 5 6 7 8 9 10; do roadmap-new --title "Beside $i" >/dev/null || exit 1; done) &
		beside=$!
		roadmap-sync hub >../out && wait $beside
	) &&
	grep "new here $n," out &&
	(cd bl && roadmap-list --format "%(id)") >ids &&
	test $(wc -l <ids) = $((n + 11)) &&
	sort ids | uniq -d >twice && test_must_be_empty twice
'

test_done
