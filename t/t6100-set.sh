#!/bin/sh
test_description='roadmap-set: fields changed as text, atomically, layout-aware'
. ./test-lib.sh

GEN="$TEST_DIRECTORY/lib/gen-issues.py"
SETCHECK="python3 $TEST_DIRECTORY/lib/set-check.py"

commit_all () {
	git add -A && test_tick && git commit -qm "$1"
}

issue () {
	mkdir -p "$(dirname "$1")" &&
	printf -- "---\nid: %s\ntitle: %s  # keep\nstatus: todo\nlabels: [bug]\nestimated_hours: 3\nupdated: 2025-01-02T03:04:05\n---\nbody\n" "$2" "$3" >"$1"
}

for l in roadmap-cli backlog states
do
	test_expect_success "$l corpus: a key set to its own value leaves each file byte for byte" "
		git init -q gen-$l && (
			cd gen-$l &&
			case $l in
			roadmap-cli) root=.roadmap/issues ;;
			backlog) root=backlog && git config roadmap.path backlog ;;
			states) root=. && for r in refinements backlog active completed
				do git config --add roadmap.path \$r || exit 1; done ;;
			esac &&
			python3 \"$GEN\" --seed 61 --count 300 --root \$root --layout $l &&
			commit_all gen &&
			$SETCHECK identity 2>../count-$l
		) &&
		cat count-$l
	"
done

test_expect_success 'tricky values: roadmap-list --json and PyYAML read back exactly the value set' '
	git init -q r && (
		cd r &&
		issue .roadmap/issues/backlog/a1b2c3d4-first.md a1b2c3d4 First &&
		commit_all init &&
		$SETCHECK values a1b2c3d4
	)
'

test_expect_success 'the index answers at once; updated is stamped in the form the file has' '
	(
		cd r &&
		roadmap-set a1b2c3d4 status=in-progress labels+=ui estimated_hours=5 &&
		roadmap-list --status in-progress --format "%(id) %(labels)" >out &&
		echo "a1b2c3d4 bug,ui" >expect &&
		test_cmp expect out &&
		f=.roadmap/issues/backlog/a1b2c3d4-first.md &&
		grep "^estimated_hours: 5$" $f &&
		grep -E "^updated: 20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$" $f &&
		grep "^title: .*  # keep$" $f
	)
'

test_expect_success '--unset, -=, --no-touch; nothing to change is no write' '
	(
		cd r &&
		f=.roadmap/issues/backlog/a1b2c3d4-first.md &&
		roadmap-set --no-touch a1b2c3d4 labels-=bug --unset estimated_hours &&
		grep "^labels: \[ui\]$" $f &&
		! grep estimated_hours $f &&
		cp $f before &&
		touch -d "2020-01-01" $f &&
		ls -l --time-style=+%s $f >m1 &&
		roadmap-set a1b2c3d4 labels+=ui &&
		ls -l --time-style=+%s $f >m2 &&
		test_cmp m1 m2 && test_cmp before $f
	)
'

test_expect_success '--commit commits only the touched file, naming the id' '
	(
		cd r &&
		git add -A && git commit -qm wip &&
		echo other >unrelated && git add unrelated &&
		roadmap-set --commit a1b2c3d4 status=done &&
		git log -1 --format=%s >msg && echo "roadmap-set: a1b2c3d4" >expect && test_cmp expect msg &&
		git show --name-only --format= HEAD >files &&
		echo .roadmap/issues/backlog/a1b2c3d4-first.md >expect && test_cmp expect files &&
		git diff --cached --name-only >staged && echo unrelated >expect && test_cmp expect staged
	)
'

test_expect_success 'bad input: one line, exit 128 (129 usage), the file as it was, no temp file' '
	(
		cd r &&
		f=.roadmap/issues/backlog/a1b2c3d4-first.md &&
		cp $f before &&
		test_expect_code 128 roadmap-set nosuch status=x 2>err &&
		test_line_count = 1 err && grep "no issue with id .nosuch." err &&
		test_expect_code 128 roadmap-set a1b2c3d4 "bad key=x" 2>err &&
		grep "not a key roadmap writes" err &&
		test_expect_code 128 roadmap-set a1b2c3d4 labels=x 2>err &&
		grep "^roadmap-set: error: $f:5:1: .labels. is a list" err &&
		chmod a-w $f &&
		test_expect_code 128 roadmap-set a1b2c3d4 status=x 2>err &&
		grep "cannot write" err &&
		chmod u+w $f &&
		test_expect_code 129 roadmap-set a1b2c3d4 2>err &&
		test_cmp before $f &&
		printf -- "---\nid: broken\ntitle: [x\n---\n" >.roadmap/issues/broken.md &&
		cp .roadmap/issues/broken.md b4 &&
		test_expect_code 128 roadmap-set broken status=x 2>err &&
		test_cmp b4 .roadmap/issues/broken.md &&
		rm .roadmap/issues/broken.md &&
		! find . -name ".*roadmap-tmp*" | grep .
	)
'

ROUNDS=100
test -z "$ROADMAP_SOAK" || ROUNDS=2000

test_expect_success "two writers at once, $ROUNDS times: no edit is lost, the file always parses" '
	(
		cd r &&
		i=0 &&
		while test $i -lt $ROUNDS
		do
			roadmap-set --no-touch a1b2c3d4 labels+=a$i title=A$i &
			roadmap-set --no-touch a1b2c3d4 labels+=b$i title=B$i &
			wait &&
			test-parse .roadmap/issues/backlog/a1b2c3d4-first.md >p &&
			grep "\"kind\": \"issue\"" p >/dev/null &&
			grep -E "\"title\": \"(A|B)$i\"" p >/dev/null || exit 1
			i=$((i + 1))
		done &&
		roadmap-list --format "%(labels)" | tr , "\n" | grep -c "^[ab][0-9]" >n &&
		echo $((2 * ROUNDS)) >expect && test_cmp expect n
	)
'

test_expect_success 'kill -9 at random moments: the old file or the new one, and no temp file left' '
	(
		cd r &&
		f=.roadmap/issues/backlog/a1b2c3d4-first.md &&
		i=0 &&
		while test $i -lt 30
		do
			(while :; do roadmap-set --no-touch a1b2c3d4 title=K$i-$$RANDOM >/dev/null 2>&1; done) &
			pid=$! &&
			sleep 0.0$((RANDOM % 9 + 1)) &&
			kill -9 $pid && pkill -9 -f "roadmap-set --no-touch a1b2c3d4" ; wait
			test-parse $f | grep "\"kind\": \"issue\"" >/dev/null || exit 1
			i=$((i + 1))
		done &&
		roadmap-set --no-touch a1b2c3d4 title=last &&
		! find . -name ".*roadmap-tmp*" | grep .
	)
'

test_expect_success 'folder-per-state: status=<state> moves the file, one rename, same id' '
	git init -q states && (
		cd states &&
		for s in backlog active completed; do git config --add roadmap.path $s; done &&
		issue backlog/s1-one.md S-1 One &&
		commit_all init &&
		roadmap-set S-1 status=active &&
		test_path_is_missing backlog/s1-one.md &&
		test_path_is_file active/s1-one.md &&
		git add -A && git status --porcelain >../st &&
		echo "R  backlog/s1-one.md -> active/s1-one.md" >../expect && test_cmp ../expect ../st &&
		roadmap-list --format "%(id) %(root) %(status)" >../out &&
		echo "S-1 active active" >../expect && test_cmp ../expect ../out &&
		git config roadmap.stateDir.done completed &&
		roadmap-set S-1 status=done &&
		test_path_is_file completed/s1-one.md
	)
'

test_expect_success 'Backlog.md: updated_date in its own form' '
	git init -q bl && (
		cd bl &&
		git config roadmap.path backlog/tasks &&
		mkdir -p backlog/tasks &&
		printf "task_prefix: back\nstatuses: [\"To Do\", \"In Progress\", \"Done\"]\n" >backlog/config.yml &&
		printf -- "---\nid: BACK-1\ntitle: One\nstatus: To Do\nupdated_date: '"'"'2025-01-01 10:00'"'"'\n---\n" >"backlog/tasks/back-1 - One.md" &&
		commit_all init &&
		roadmap-set BACK-1 "status=In Progress" &&
		grep -E "^updated_date: .20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}.$" "backlog/tasks/back-1 - One.md" &&
		grep "^status: In Progress$" "backlog/tasks/back-1 - One.md"
	)
'

test_expect_success 'roadmap-close: the layout closed status (roadmap-cli closed, Backlog.md its last, folder-per-state completed)' '
	(
		cd r &&
		roadmap-close --reason "fixed in 1.2" a1b2c3d4 &&
		roadmap-list --status closed --format "%(id) %(close_reason)" >../out &&
		echo "a1b2c3d4 fixed in 1.2" >../expect && test_cmp ../expect ../out
	) &&
	(
		cd bl &&
		roadmap-close BACK-1 &&
		grep "^status: Done$" "backlog/tasks/back-1 - One.md"
	) &&
	(
		cd states &&
		git config --unset roadmap.stateDir.done &&
		roadmap-set S-1 status=backlog &&
		test_path_is_file backlog/s1-one.md &&
		git add -A && git commit -qm back &&
		roadmap-close S-1 &&
		test_path_is_file completed/s1-one.md &&
		grep "^status: completed$" completed/s1-one.md &&
		git config roadmap.closedStatus done && git config roadmap.stateDir.done completed &&
		roadmap-set S-1 status=active && roadmap-close S-1 &&
		grep "^status: done$" completed/s1-one.md
	)
'

test_expect_success 'roadmap-mv: a state folder sets the status; a roadmap-cli milestone sets milestone' '
	(
		cd states &&
		roadmap-mv S-1 active &&
		test_path_is_file active/s1-one.md &&
		grep "^status: active$" active/s1-one.md &&
		git add -A && git commit -qm active &&
		roadmap-mv --commit S-1 backlog &&
		git status --porcelain >../st && test_must_be_empty ../st &&
		git show --stat --format=%s HEAD >../log &&
		grep "^roadmap-mv: S-1" ../log && grep "=> backlog" ../log
	) &&
	(
		cd r &&
		roadmap-mv a1b2c3d4 v2.0 &&
		f=.roadmap/issues/v2.0/a1b2c3d4-first.md &&
		test_path_is_file $f &&
		grep "^milestone: v2.0$" $f &&
		roadmap-list --format "%(id) %(milestone) %(dir)" >../out &&
		echo "a1b2c3d4 v2.0 v2.0" >../expect && test_cmp ../expect ../out &&
		roadmap-mv a1b2c3d4 backlog &&
		! grep "^milestone" .roadmap/issues/backlog/a1b2c3d4-first.md &&
		test_expect_code 129 roadmap-mv a1b2c3d4 a/b &&
		test_expect_code 128 roadmap-mv nosuch v1 2>err && grep "no issue with id" err
	)
'

test_expect_success 'a key of a mapping (remote_ids.gh): added, changed, unset; PyYAML reads it back' '
	(
		cd r &&
		f=$(roadmap-list --format "%(path)" --where id=a1b2c3d4) &&
		roadmap-set a1b2c3d4 remote_ids.gh=7 --no-touch &&
		roadmap-set a1b2c3d4 remote_ids.gitlab=x --no-touch &&
		roadmap-set a1b2c3d4 remote_ids.gh=8 --no-touch &&
		python3 -c "import yaml,sys; d=yaml.safe_load(open(sys.argv[1]).read().split(\"---\")[1]); print(d[\"remote_ids\"])" $f >../out &&
		echo "{\"gh\": \"8\", \"gitlab\": \"x\"}" | tr \" "\047" >../expect && test_cmp ../expect ../out &&
		grep -c "^  gh: " $f >../n && echo 1 >../expect && test_cmp ../expect ../n &&
		roadmap-set a1b2c3d4 --unset remote_ids.gitlab --no-touch &&
		! grep gitlab $f &&
		test_expect_code 128 roadmap-set a1b2c3d4 remote_ids=3 2>err && grep "is a mapping" err &&
		git checkout -- $f
	)
'

test_done
