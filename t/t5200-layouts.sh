#!/bin/sh

test_description='the three layouts index with only roadmap.path set

roadmap-cli (.roadmap/issues/<milestone>/<id8>-<slug>.md, nested milestone
folders), Backlog.md (backlog/tasks/<prefix>-<n> - <Title>.md, spaces in
file names, ids from the id field or the file name) and folder-per-state
backlogs (several roots; the root and dir pseudo-fields). Hand-written
expectations first, then generated corpora against t/lib/oracle.py.
'

. ./test-lib.sh

if python3 -c 'import yaml' 2>/dev/null
then
	test_set_prereq PYYAML
fi

q_to_tab () {
	tr Q '\t'
}

commit_all () {
	git add -A &&
	test_tick &&
	git commit -q -m "$1"
}


# roadmap-cli ------------------------------------------------------------

test_expect_success 'roadmap-cli: setup with nested milestone folders' '
	git init -q cli &&
	(
		cd cli &&
		mkdir -p .roadmap/issues/backlog .roadmap/issues/v1.0/sprint-1 \
			.roadmap/issues/v2.0/epics/auth &&
		cat >.roadmap/issues/backlog/1a2b3c4d-fix-login.md <<-\EOF &&
		---
		id: 1a2b3c4d
		title: Fix login
		headline: Users cannot log in after an update
		priority: high
		status: todo
		archived: false
		issue_type: bug
		milestone:
		labels: [auth, bug]
		remote_ids: {}
		created: 2025-01-02T10:00:00+00:00
		updated: 2025-01-03T10:00:00+00:00
		assignee: alice
		estimated_hours: 2.5
		due_date:
		depends_on: []
		blocks: []
		---

		## Description
		Steps to reproduce.
		EOF
		cat >.roadmap/issues/v1.0/5e6f7a8b-add-export.md <<-\EOF &&
		---
		id: 5e6f7a8b
		title: Add export
		priority: medium
		status: in-progress
		issue_type: feature
		milestone: v1.0
		labels:
		- export
		- csv
		remote_ids:
		  github: 42
		estimated_hours: 8
		depends_on: [1a2b3c4d]
		---
		Export issues as CSV.
		EOF
		cat >.roadmap/issues/v1.0/sprint-1/9c0d1e2f-nested-milestone.md <<-\EOF &&
		---
		id: 9c0d1e2f
		title: "Nested milestone"
		status: review
		milestone: v1.0
		---
		EOF
		cat >.roadmap/issues/v2.0/epics/auth/0badcafe-sso-login.md <<-\EOF &&
		---
		title: SSO login
		status: blocked
		milestone: v2.0
		---
		No id field: the id comes from the file name.
		EOF
		cat >.roadmap/issues/README.md <<-\EOF &&
		# Issues
		Not an issue: no front matter.
		EOF
		commit_all cli
	)
'

test_expect_success 'roadmap-cli: the default root lists every issue' '
	q_to_tab >expect <<-\EOF &&
	0badcafeQblockedQSSO login
	1a2b3c4dQtodoQFix login
	5e6f7a8bQin-progressQAdd export
	9c0d1e2fQreviewQNested milestone
	EOF
	(cd cli && roadmap-list) >actual &&
	test_cmp expect actual
'

test_expect_success 'roadmap-cli: the same with roadmap.path set' '
	(
		cd cli &&
		git config roadmap.path .roadmap/issues &&
		roadmap-list >../actual
	) &&
	test_cmp expect actual
'

test_expect_success 'roadmap-cli: root and dir of nested milestone folders' '
	cat >expect <<-\EOF &&
	0badcafe .roadmap/issues v2.0/epics/auth
	1a2b3c4d .roadmap/issues backlog
	5e6f7a8b .roadmap/issues v1.0
	9c0d1e2f .roadmap/issues v1.0/sprint-1
	EOF
	(cd cli && roadmap-list --format "%(id) %(root) %(dir)") >actual &&
	test_cmp expect actual
'

test_expect_success 'roadmap-cli: --json of one issue' '
	cat >expect <<-\EOF &&
	{"id": "5e6f7a8b", "path": ".roadmap/issues/v1.0/5e6f7a8b-add-export.md", "root": ".roadmap/issues", "dir": "v1.0", "fields": {"id": "5e6f7a8b", "title": "Add export", "priority": "medium", "status": "in-progress", "issue_type": "feature", "milestone": "v1.0", "labels": ["export", "csv"], "remote_ids": {"github": 42}, "estimated_hours": 8, "depends_on": ["1a2b3c4d"]}}
	EOF
	(cd cli && roadmap-list --json --where id=5e6f7a8b) >actual &&
	test_cmp expect actual
'

test_expect_success 'roadmap-cli: --where dir= selects a nested milestone folder' '
	echo 9c0d1e2f >expect &&
	(cd cli && roadmap-list --where dir=v1.0/sprint-1 --format "%(id)") >actual &&
	test_cmp expect actual
'

test_expect_success 'roadmap-cli: --where on a nested mapping field (remote_ids.github)' '
	echo 5e6f7a8b >expect &&
	(cd cli && roadmap-list --where remote_ids.github=42 --format "%(id)") >actual &&
	test_cmp expect actual
'

test_expect_success PYYAML 'roadmap-cli: agrees with the oracle' '
	(cd cli && check_oracle && check_oracle --committed)
'

# Backlog.md -------------------------------------------------------------

test_expect_success 'Backlog.md: setup with spaces in file names' '
	git init -q backlog &&
	(
		cd backlog &&
		mkdir -p backlog/tasks backlog/drafts backlog/docs &&
		cat >"backlog/tasks/task-1 - Set up CI.md" <<-\EOF &&
		---
		id: task-1
		title: Set up CI
		status: To Do
		assignee:
		  - '"'"'@alice'"'"'
		labels: [ci, infra]
		milestone: v1.0
		dependencies: []
		priority: high
		created_date: '"'"'2025-01-02 10:00'"'"'
		ordinal: 1000
		---

		## Description

		Set up CI.
		EOF
		cat >"backlog/tasks/back-12 - Fix the parser.md" <<-\EOF &&
		---
		id: BACK-12
		title: "Fix the parser: colons"
		status: In Progress
		assignee: ["@bob", "@alice"]
		labels: []
		dependencies:
		  - task-1
		created_date: '"'"'2025-01-03 09:30'"'"'
		updated_date: '"'"'2025-01-04 11:00'"'"'
		---
		EOF
		cat >"backlog/tasks/task-3 - No id field.md" <<-\EOF &&
		---
		title: No id field
		status: Done
		assignee: []
		---
		EOF
		cat >"backlog/drafts/draft-4 - A draft.md" <<-\EOF &&
		---
		id: draft-4
		title: A draft
		status: To Do
		---
		EOF
		cat >backlog/docs/readme.md <<-\EOF &&
		# Docs
		EOF
		printf "project_name: demo\n" >backlog/config.yml &&
		git config roadmap.path backlog/tasks &&
		commit_all backlog
	)
'

test_expect_success 'Backlog.md: ids from the id field, else the name up to the first - or space' '
	q_to_tab >expect <<-\EOF &&
	BACK-12QIn ProgressQFix the parser: colons
	taskQDoneQNo id field
	task-1QTo DoQSet up CI
	EOF
	(cd backlog && roadmap-list) >actual &&
	test_cmp expect actual
'

test_expect_success 'Backlog.md: paths with spaces' '
	cat >expect <<-\EOF &&
	BACK-12|backlog/tasks/back-12 - Fix the parser.md
	task|backlog/tasks/task-3 - No id field.md
	task-1|backlog/tasks/task-1 - Set up CI.md
	EOF
	(cd backlog && roadmap-list --format "%(id)|%(path)") >actual &&
	test_cmp expect actual
'

test_expect_success 'Backlog.md: --status with a space, --assignee in a list' '
	echo task-1 >expect &&
	(cd backlog && roadmap-list --status "To Do" --format "%(id)") >actual &&
	test_cmp expect actual &&
	printf "BACK-12\ntask-1\n" >expect &&
	(cd backlog && roadmap-list --assignee @alice --format "%(id)") >actual &&
	test_cmp expect actual
'

test_expect_success 'Backlog.md: dependencies answers to depends_on' '
	echo BACK-12 >expect &&
	(cd backlog && roadmap-list --where depends_on=task-1 --format "%(id)") >actual &&
	test_cmp expect actual
'

test_expect_success 'Backlog.md: the whole backlog folder as the root' '
	cat >expect <<-\EOF &&
	BACK-12 backlog tasks
	draft-4 backlog drafts
	task backlog tasks
	task-1 backlog tasks
	EOF
	(
		cd backlog &&
		git config roadmap.path backlog &&
		roadmap-list --format "%(id) %(root) %(dir)" >../actual
	) &&
	test_cmp expect actual
'

test_expect_success PYYAML 'Backlog.md: agrees with the oracle' '
	(cd backlog && check_oracle && check_oracle --committed)
'

# folder-per-state -------------------------------------------------------

test_expect_success 'states: setup with four roots' '
	git init -q states &&
	(
		cd states &&
		write_issue refinements/st-1-explore-caching.md ST-1 idea "Explore caching" &&
		write_issue backlog/st-2-write-docs.md ST-2 todo "Write docs" &&
		write_issue active/st-3-fix-crash.md ST-3 doing "Fix crash" &&
		write_issue active/team-a/st-4-refactor.md ST-4 doing "Refactor" &&
		write_issue completed/2024/q4/st-5-ship-v1.md ST-5 done "Ship v1" &&
		write_issue notaroot/st-6-ignored.md ST-6 todo "Not under a root" &&
		for r in refinements backlog active completed
		do
			git config --add roadmap.path $r || exit 1
		done &&
		commit_all states
	)
'

test_expect_success 'states: --json carries root and dir' '
	cat >expect <<-\EOF &&
	{"id": "ST-1", "path": "refinements/st-1-explore-caching.md", "root": "refinements", "dir": "", "fields": {"id": "ST-1", "title": "Explore caching", "status": "idea"}}
	{"id": "ST-2", "path": "backlog/st-2-write-docs.md", "root": "backlog", "dir": "", "fields": {"id": "ST-2", "title": "Write docs", "status": "todo"}}
	{"id": "ST-3", "path": "active/st-3-fix-crash.md", "root": "active", "dir": "", "fields": {"id": "ST-3", "title": "Fix crash", "status": "doing"}}
	{"id": "ST-4", "path": "active/team-a/st-4-refactor.md", "root": "active", "dir": "team-a", "fields": {"id": "ST-4", "title": "Refactor", "status": "doing"}}
	{"id": "ST-5", "path": "completed/2024/q4/st-5-ship-v1.md", "root": "completed", "dir": "2024/q4", "fields": {"id": "ST-5", "title": "Ship v1", "status": "done"}}
	EOF
	(cd states && roadmap-list --json) >actual &&
	test_cmp expect actual
'

test_expect_success 'states: --format %(root) and %(dir)' '
	cat >expect <<-\EOF &&
	ST-1 refinements []
	ST-2 backlog []
	ST-3 active []
	ST-4 active [team-a]
	ST-5 completed [2024/q4]
	EOF
	(cd states && roadmap-list --format "%(id) %(root) [%(dir)]") >actual &&
	test_cmp expect actual
'

test_expect_success 'states: --where root= and --where dir=' '
	printf "ST-3\nST-4\n" >expect &&
	(cd states && roadmap-list --where root=active --format "%(id)") >actual &&
	test_cmp expect actual &&
	echo ST-4 >expect &&
	(cd states && roadmap-list --where dir=team-a --format "%(id)") >actual &&
	test_cmp expect actual &&
	echo ST-5 >expect &&
	(cd states && roadmap-list --where dir=2024/q4 --format "%(id)") >actual &&
	test_cmp expect actual
'

test_expect_success 'states: moving an issue to another root changes its root' '
	(
		cd states &&
		git mv active/st-3-fix-crash.md completed/st-3-fix-crash.md &&
		commit_all "ST-3 done" &&
		roadmap-list --where id=ST-3 --format "%(root) [%(dir)] %(path)" >../actual
	) &&
	echo "completed [] completed/st-3-fix-crash.md" >expect &&
	test_cmp expect actual
'

test_expect_success 'states: a root configured with a trailing slash' '
	(
		cd states &&
		git config --unset-all roadmap.path &&
		git config --add roadmap.path active &&
		git config --add roadmap.path completed/ &&
		roadmap-list --format "%(id) %(root) [%(dir)]" >../actual
	) &&
	cat >expect <<-\EOF &&
	ST-3 completed []
	ST-4 active [team-a]
	ST-5 completed [2024/q4]
	EOF
	test_cmp expect actual
'

test_expect_success PYYAML 'states: agrees with the oracle' '
	(cd states && check_oracle && check_oracle --committed)
'

# generated corpora ------------------------------------------------------

test_expect_success PYYAML 'generated roadmap-cli corpus with roadmap.path set agrees with the oracle' '
	git init -q gen-cli &&
	(
		cd gen-cli &&
		git config roadmap.path .roadmap/issues &&
		python3 "$GEN" --seed 5201 --count 400 --root .roadmap/issues &&
		commit_all gen &&
		check_oracle --committed &&
		python3 "$GEN" --mutate --seed 5201 --root .roadmap/issues &&
		check_oracle
	)
'

test_expect_success PYYAML 'generated Backlog.md corpus agrees with the oracle' '
	git init -q gen-backlog &&
	(
		cd gen-backlog &&
		git config roadmap.path backlog &&
		python3 "$GEN" --seed 5202 --count 400 --root backlog --layout backlog &&
		git ls-files -o | grep " - " &&
		commit_all gen &&
		check_oracle --committed &&
		grep "\"dir\": \"tasks\"" actual &&
		python3 "$GEN" --mutate --seed 5202 --root backlog --layout backlog &&
		check_oracle
	)
'

test_expect_success PYYAML 'generated folder-per-state corpus agrees with the oracle' '
	git init -q gen-states &&
	(
		cd gen-states &&
		for r in refinements backlog active completed
		do
			git config --add roadmap.path $r || exit 1
		done &&
		python3 "$GEN" --seed 5203 --count 400 --root . --layout states &&
		commit_all gen &&
		check_oracle --committed &&
		for r in refinements backlog active completed
		do
			grep "\"root\": \"$r\"" actual >/dev/null || exit 1
		done &&
		python3 "$GEN" --mutate --git --seed 5203 --root . --layout states &&
		commit_all moved &&
		check_oracle --committed &&
		python3 "$GEN" --mutate --seed 5204 --root . --layout states &&
		check_oracle
	)
'

test_done
