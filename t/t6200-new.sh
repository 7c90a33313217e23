#!/bin/sh
test_description='roadmap-new: a new issue in the layout, ids that never collide'
. ./test-lib.sh

test_expect_success 'roadmap-cli: 8 hex digits, <root>/<milestone|backlog>/<id>-<slug>.md, listed at once' '
	git init -q cli && (
		cd cli && test_commit init &&
		id=$(roadmap-new --title "Fix: the parser" --label bug --label "needs triage" --priority high) &&
		echo "$id" | grep -E "^[0-9a-f]{8}$" &&
		f=.roadmap/issues/backlog/$id-fix-the-parser.md &&
		test_path_is_file $f &&
		roadmap-list --format "%(id) %(title) %(labels) %(status) %(priority)" >../out &&
		printf "%s\tFix: the parser\tbug,needs triage\ttodo\thigh\n" $id >../expect &&
		sed "s/ /\t/; s/\(parser\) /\1\t/; s/\(triage\) /\1\t/; s/\(todo\) /\1\t/" ../out >../out2 &&
		test_cmp ../expect ../out2 &&
		python3 -c "import yaml,sys; d=yaml.safe_load(open(sys.argv[1]).read().split(\"---\n\")[1]); sys.exit(d[\"title\"] != \"Fix: the parser\" or d[\"labels\"] != [\"bug\", \"needs triage\"])" $f &&
		id2=$(roadmap-new --title x --milestone v1.0 --field estimate=3 --field "note=a: b") &&
		grep "^note: .a: b.$" .roadmap/issues/v1.0/$id2-x.md
	)
'

test_expect_success '--body-file - and --commit (only the new file)' '
	(
		cd cli &&
		echo other >unrelated && git add unrelated &&
		echo "The body." | roadmap-new --title "With body" --body-file - --commit >../id &&
		id=$(cat ../id) &&
		git log -1 --format=%s >../msg && echo "roadmap-new: $id" >../expect && test_cmp ../expect ../msg &&
		git show --name-only --format= HEAD >../files &&
		echo ".roadmap/issues/backlog/$id-with-body.md" >../expect && test_cmp ../expect ../files &&
		tail -1 .roadmap/issues/backlog/$id-with-body.md >../body && echo "The body." >../expect &&
		test_cmp ../expect ../body &&
		git diff --cached --name-only >../staged && echo unrelated >../expect && test_cmp ../expect ../staged
	)
'

test_expect_success 'bad input: no title is usage (129); a field without = is 128, nothing written' '
	(
		cd cli &&
		find .roadmap -type f | sort >../before &&
		test_expect_code 129 roadmap-new --label x &&
		test_expect_code 128 roadmap-new --title t --field nokey 2>../err &&
		grep "expected key=value" ../err &&
		find .roadmap -type f | sort >../after && test_cmp ../before ../after
	)
'

test_expect_success 'Backlog.md: <prefix>-<n>, n past the index, the work tree and every local branch' '
	git init -q bl && (
		cd bl &&
		git config roadmap.path backlog/tasks &&
		mkdir -p backlog/tasks &&
		printf "task_prefix: back\nstatuses: [\"To Do\", \"Done\"]\n" >backlog/config.yml &&
		printf -- "---\nid: BACK-3\ntitle: Three\n---\n" >"backlog/tasks/back-3 - Three.md" &&
		git add -A && test_tick && git commit -qm init &&
		git checkout -qb other &&
		printf -- "---\nid: back-7\ntitle: Seven\n---\n" >"backlog/tasks/back-7 - Seven.md" &&
		git add -A && git commit -qm seven && git checkout -q main &&
		test $(roadmap-new --title "Eight / more") = back-8 &&
		test_path_is_file "backlog/tasks/back-8 - Eight - more.md" &&
		grep "^status: To Do$" "backlog/tasks/back-8 - Eight - more.md" &&
		grep -E "^created_date: .20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}.$" "backlog/tasks/back-8 - Eight - more.md" &&
		test $(roadmap-new --title Nine) = back-9
	)
'

test_expect_success 'Backlog.md: ten roadmap-new at once take ten numbers' '
	(
		cd bl &&
		for i in 0 1 2 3 4 5 6 7 8 9
		do
			roadmap-new --title "P $i" >../p$i &
		done &&
		wait &&
		cat ../p? | sort -u >../ids &&
		test_line_count = 10 ../ids &&
		roadmap-list --format "%(id)" | sort | uniq -d >../dups &&
		test_must_be_empty ../dups
	)
'

# make soak: ROADMAP_SOAK=1, 10,000 each (issue 15's acceptance)
NEW_EACH=300
test -z "$ROADMAP_SOAK" || NEW_EACH=10000

test_expect_success "two clones, $NEW_EACH issues each, merged: no id twice" '
	git clone -q cli c2 &&
	for d in cli c2
	do
		(
			cd $d &&
			i=0 && while test $i -lt $NEW_EACH
			do
				roadmap-new --title "t $i" >/dev/null || exit 1
				i=$((i + 1))
			done &&
			git add -A && test_tick && git commit -qm "$NEW_EACH from $d"
		) || return 1
	done &&
	(
		cd cli && git pull -q --no-rebase ../c2 main &&
		roadmap-list --format "%(id)" >../all &&
		test_line_count -ge $((2 * NEW_EACH)) ../all &&
		sort ../all | uniq -d >../dups && test_must_be_empty ../dups
	)
'

test_done
