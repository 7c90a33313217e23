#!/bin/sh
test_description='roadmap-list: filters, sort, limit, formats; roadmap-show'
. ./test-lib.sh

test_expect_success 'setup' '
	git init -q &&
	mkdir -p .roadmap/issues &&
	cat >.roadmap/issues/a1-login.md <<-\EOF &&
	---
	id: A-1
	title: Login fails
	status: todo
	priority: 2
	issue_type: bug
	labels: [bug, ui]
	assignee: ann
	milestone: v1
	due_date: 2025-12-01
	estimated_hours: 10
	remote_ids:
	  github: 12
	---
	The login page fails.
	EOF
	cat >.roadmap/issues/a2-export.md <<-\EOF &&
	---
	id: A-2
	title: "Export: CSV, \"quoted\""
	status: in-progress
	priority: 10
	type: feature
	labels: [export]
	assignee: [bob, ann]
	milestone: v2
	due: 2026-03-01
	estimated_hours: 2.5
	---
	EOF
	cat >.roadmap/issues/a3-docs.md <<-\EOF &&
	---
	id: A-3
	title: Docs
	status: closed
	priority: 1
	labels: []
	dependencies: [A-1]
	---
	EOF
	cat >.roadmap/issues/README.md <<-\EOF &&
	# Not an issue: no front matter
	EOF
	printf -- "---\ntitle: [unclosed\n---\n" >.roadmap/issues/broken.md &&
	git add . &&
	git commit -qm issues
'

test_expect_success 'default output: id, status, title; sorted by id' '
	roadmap-list >actual 2>err &&
	printf "A-1\ttodo\tLogin fails\nA-2\tin-progress\t%s\nA-3\tclosed\tDocs\n" "\"Export: CSV, \\\"quoted\\\"\"" >expect &&
	test_cmp expect actual
'

test_expect_success 'an invalid file is left out with one warning' '
	roadmap-list >actual 2>err &&
	test_line_count = 1 err &&
	grep "^roadmap-list: warning: 1 invalid issue file" err &&
	! grep broken actual
'

test_expect_success '--status, --label, --assignee, --milestone, --priority' '
	roadmap-list --status todo,closed --format "%(id)" >actual &&
	printf "A-1\nA-3\n" >expect && test_cmp expect actual &&
	roadmap-list --label ui --format "%(id)" >actual &&
	echo A-1 >expect && test_cmp expect actual &&
	roadmap-list --assignee ann --format "%(id)" >actual &&
	printf "A-1\nA-2\n" >expect && test_cmp expect actual &&
	roadmap-list --milestone v2 --priority 10 --format "%(id)" >actual &&
	echo A-2 >expect && test_cmp expect actual &&
	test_expect_code 1 roadmap-list --label ui --status closed >actual &&
	test_must_be_empty actual
'

test_expect_success 'aliases: --type finds issue_type and type; due finds due_date' '
	roadmap-list --type bug,feature --format "%(id) %(type)" >actual &&
	printf "A-1 bug\nA-2 feature\n" >expect && test_cmp expect actual &&
	roadmap-list --where "due<2026-01-01" --format "%(id)" >actual &&
	echo A-1 >expect && test_cmp expect actual &&
	roadmap-list --where "depends_on=A-1" --format "%(id)" >actual &&
	echo A-3 >expect && test_cmp expect actual
'

test_expect_success '--where compares numbers numerically and strings lexically' '
	roadmap-list --where "priority>=2" --format "%(id)" >actual &&
	printf "A-1\nA-2\n" >expect && test_cmp expect actual &&
	roadmap-list --where "priority<10" --where "priority!=1" --format "%(id)" >actual &&
	echo A-1 >expect && test_cmp expect actual &&
	roadmap-list --where "estimated_hours>3" --format "%(id)" >actual &&
	echo A-1 >expect && test_cmp expect actual &&
	roadmap-list --where "title>F" --format "%(id)" >actual &&
	printf "A-1\n" >expect && test_cmp expect actual
'

test_expect_success '--where ~ is an extended regex; nested fields flatten with dots' '
	roadmap-list --where "title~^(Docs|Login)" --format "%(id)" >actual &&
	printf "A-1\nA-3\n" >expect && test_cmp expect actual &&
	roadmap-list --where "remote_ids.github=12" --format "%(id) %(remote_ids.github)" >actual &&
	echo "A-1 12" >expect && test_cmp expect actual
'

test_expect_success 'a bad --where or regex is a usage error' '
	test_expect_code 129 roadmap-list --where "priority" 2>err &&
	grep "bad --where" err &&
	test_expect_code 129 roadmap-list --where "title~(" 2>err &&
	grep "bad regex" err
'

test_expect_success '--sort with descending keys, then --limit' '
	roadmap-list --sort -priority --format "%(id)" >actual &&
	printf "A-2\nA-1\nA-3\n" >expect && test_cmp expect actual &&
	roadmap-list --sort status,-id --limit 2 --format "%(id)" >actual &&
	printf "A-3\nA-2\n" >expect && test_cmp expect actual
'

test_expect_success '--format: lists join with commas, %n %% %x09, pseudo-fields' '
	roadmap-list --label ui --format "%(labels)%x09%(path)%n%(root)|%(dir)|%%|%(nosuch)" >actual &&
	printf "bug,ui\t.roadmap/issues/a1-login.md\n.roadmap/issues||%%|\n" >expect &&
	test_cmp expect actual
'

test_expect_success '-z ends records with NUL' '
	roadmap-list -z --status todo,closed --format "%(id)" >actual &&
	printf "A-1\0A-3\0" >expect &&
	test_cmp expect actual
'

test_expect_success '--json is one object per line, strings escaped, typed scalars' '
	roadmap-list --json --committed >actual &&
	test_line_count = 3 actual &&
	python3 -c "
import json, sys
recs = [json.loads(l) for l in open(\"actual\")]
a1, a2, a3 = recs
assert a1[\"id\"] == \"A-1\" and a1[\"path\"] == \".roadmap/issues/a1-login.md\"
assert a1[\"fields\"][\"priority\"] == 2 and a1[\"fields\"][\"remote_ids\"] == {\"github\": 12}
assert a1[\"fields\"][\"due_date\"] == \"2025-12-01\"
assert a2[\"fields\"][\"title\"] == \"Export: CSV, \\\"quoted\\\"\"
assert a2[\"fields\"][\"estimated_hours\"] == 2.5
assert a3[\"fields\"][\"labels\"] == []
assert list(a1[\"fields\"]) == [\"id\", \"title\", \"status\", \"priority\", \"issue_type\", \"labels\", \"assignee\", \"milestone\", \"due_date\", \"estimated_hours\", \"remote_ids\"]
"
'

test_expect_success 'the working tree: edits, new files and deletions show by default' '
	sed -i "s/^status: todo/status: review/" .roadmap/issues/a1-login.md &&
	write_issue .roadmap/issues/a4-new.md A-4 todo "New one" &&
	rm .roadmap/issues/a3-docs.md &&
	roadmap-list >actual &&
	printf "A-1\treview\tLogin fails\nA-2\tin-progress\t%s\nA-4\ttodo\tNew one\n" "\"Export: CSV, \\\"quoted\\\"\"" >expect &&
	test_cmp expect actual &&
	roadmap-list --status todo --format "%(id)" >actual &&
	echo A-4 >expect && test_cmp expect actual
'

test_expect_success '--committed answers from HEAD alone' '
	roadmap-list --committed --format "%(id) %(status)" >actual &&
	printf "A-1 todo\nA-2 in-progress\nA-3 closed\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'clean files are not read again: their stat data is recorded' '
	git checkout -- .roadmap &&
	rm .roadmap/issues/a4-new.md &&
	roadmap-refresh --rebuild &&
	test "$(stat_recorded)" = 0 &&
	touch -d "2020-01-01" .roadmap/issues/*.md &&
	roadmap-list >/dev/null &&
	test "$(stat_recorded)" = 5 &&
	touch .roadmap/issues/a1-login.md &&
	roadmap-list --format "%(id)" >actual &&
	printf "A-1\nA-2\nA-3\n" >expect &&
	test_cmp expect actual &&
	test "$(stat_recorded)" = 5
'

test_expect_success 'a just-written file is not recorded as clean (racy git)' '
	roadmap-refresh --rebuild &&
	touch .roadmap/issues/*.md &&
	roadmap-list >/dev/null &&
	test "$(stat_recorded)" = 0
'

test_expect_success 'a working file with the same stat size but new content is seen' '
	sed -i "s/^title: Docs/title: Dox!/" .roadmap/issues/a3-docs.md &&
	touch -d "2020-01-01" .roadmap/issues/a3-docs.md &&
	roadmap-list --format "%(title)" --where id=A-3 >actual &&
	echo "Dox!" >expect &&
	test_cmp expect actual &&
	git checkout -- .roadmap
'

test_expect_success 'three files with one id: one summary line; roadmap-check names all three' '
	write_issue .roadmap/issues/d1.md D todo "D one" &&
	write_issue .roadmap/issues/d2.md D todo "D two" &&
	write_issue .roadmap/issues/d3.md D todo "D three" &&
	write_issue .roadmap/issues/e1.md E todo "E one" &&
	write_issue .roadmap/issues/e2.md E todo "E two" &&
	roadmap-list >/dev/null 2>err &&
	grep -v "invalid issue file" err >actual &&
	echo "roadmap-list: warning: 2 ids are used by more than one issue file (see roadmap-check)" >expect &&
	test_cmp expect actual &&
	test_expect_code 1 roadmap-check >out &&
	grep "duplicate id" out | cut -d: -f1 >actual &&
	printf ".roadmap/issues/%s\n" d1.md d2.md d3.md e1.md e2.md >expect &&
	test_cmp expect actual &&
	grep "^\.roadmap/issues/d1\.md:2:1: error: duplicate id .D.: .\.roadmap/issues/d2\.md. has it too" out &&
	rm .roadmap/issues/d?.md .roadmap/issues/e?.md
'

test_expect_success 'duplicate ids: both listed, sorted by path, and a warning names both' '
	write_issue .roadmap/issues/z-dup.md A-2 todo "Duplicate" &&
	git add .roadmap && git commit -qm dup &&
	roadmap-list --format "%(id) %(path)" --where id=A-2 >actual 2>err &&
	printf "A-2 .roadmap/issues/a2-export.md\nA-2 .roadmap/issues/z-dup.md\n" >expect &&
	test_cmp expect actual &&
	grep "^roadmap-list: warning: id .A-2. is used by more than one issue file (see roadmap-check)\$" err &&
	test_expect_code 1 roadmap-check >out &&
	grep "^\.roadmap/issues/a2-export\.md:2:1: error: duplicate id .A-2.: .\.roadmap/issues/z-dup\.md. has it too" out &&
	grep "^\.roadmap/issues/z-dup\.md:2:1: error: duplicate id .A-2.: .\.roadmap/issues/a2-export\.md. has it too" out &&
	roadmap-list --committed --status todo >/dev/null 2>err &&
	grep "warning: id .A-2. is used by more than one issue file" err
'

test_expect_success 'roadmap-show prints the working file, or HEAD with --committed' '
	git rm -q .roadmap/issues/z-dup.md && git commit -qm undup &&
	echo "local edit" >>.roadmap/issues/a3-docs.md &&
	roadmap-show A-3 >actual &&
	test_cmp .roadmap/issues/a3-docs.md actual &&
	roadmap-show --committed A-3 >actual &&
	git show HEAD:.roadmap/issues/a3-docs.md >expect &&
	test_cmp expect actual &&
	git checkout -- .roadmap
'

test_expect_success 'roadmap-show: several ids; exit 1 for an unknown one' '
	roadmap-show A-1 A-2 >actual &&
	cat .roadmap/issues/a1-login.md .roadmap/issues/a2-export.md >expect &&
	test_cmp expect actual &&
	test_expect_code 1 roadmap-show A-1 NOPE >actual 2>err &&
	grep "no issue with id .NOPE." err &&
	test_cmp .roadmap/issues/a1-login.md actual
'

test_expect_success 'ids fall back to the file name; numeric-looking ids keep their text' '
	printf -- "---\ntitle: No id\n---\n" >.roadmap/issues/B-7-no-id.md &&
	printf -- "---\nid: 0123\ntitle: Zero\n---\n" >.roadmap/issues/zero.md &&
	roadmap-list --json --where "title~^(No id|Zero)$" >actual &&
	python3 -c "
import json
recs = [json.loads(l) for l in open(\"actual\")]
assert [r[\"id\"] for r in recs] == [\"0123\", \"B\"], recs
assert recs[0][\"fields\"][\"id\"] == 123
"
'

test_expect_success 'empty folders under a root, in the working tree and in an empty root' '
	mkdir -p .roadmap/issues/empty/deeper &&
	roadmap-list --json >actual &&
	test -s actual &&
	git init -q none &&
	(
		cd none &&
		mkdir -p .roadmap/issues/empty &&
		git commit -q --allow-empty -m empty &&
		test_expect_code 1 roadmap-list &&
		roadmap-fsck --full
	)
'

test_expect_success 'paths in warnings are quoted as git quotes them: one line each' '
	printf -- "---\nid: TAB-1\ntitle: One\n---\n" >".roadmap/issues/tab	one.md" &&
	printf -- "---\nid: TAB-1\ntitle: Two\n---\n" >.roadmap/issues/tab-two.md &&
	printf -- "---\ntitle: [\n---\n" >".roadmap/issues/bad	one.md" &&
	git add .roadmap && git commit -qm tabs &&
	roadmap-list --committed >/dev/null 2>err &&
	grep "id .TAB-1. is used by more than one issue file" err &&
	test_expect_code 1 roadmap-check >out &&
	cat >expect <<-\EOF &&
	".roadmap/issues/tab\tone.md":2:1: error: duplicate id '"'"'TAB-1'"'"': '"'"'.roadmap/issues/tab-two.md'"'"' has it too
	.roadmap/issues/tab-two.md:2:1: error: duplicate id '"'"'TAB-1'"'"': '"'"'".roadmap/issues/tab\tone.md"'"'"' has it too
	EOF
	grep "duplicate id" out >actual &&
	test_cmp expect actual &&
	roadmap-refresh -v 2>err &&
	grep -F "roadmap-refresh: \".roadmap/issues/bad\\tone.md\":" err
'


# repo_with <dir> (<name> <front matter>)...: a new repository with
# .roadmap/issues/<name>.md files of that front matter (printf's format), committed
repo_with () {
	_dir=$1 &&
	shift &&
	mkdir -p "$_dir/.roadmap/issues" &&
	git -C "$_dir" init -q &&
	while test $# -gt 1
	do
		printf -- "---\n$2---\n" >"$_dir/.roadmap/issues/$1.md" &&
		shift 2 || return 1
	done &&
	git -C "$_dir" add . &&
	git -C "$_dir" commit -qm "$_dir"
}

test_expect_success 'a field or value with \x1f is checked record by record, not trusted to its posting key' '
	repo_with us u1 "id: u1\nstatus: \"x\\x1fy\"\n" u2 "id: u2\nstatus: x\n" &&
	(
		cd us &&
		test_expect_code 1 roadmap-list --committed --where "$(printf "status\037x=y")" >out &&
		test_must_be_empty out &&
		roadmap-list --committed --where "$(printf "status=x\037y")" >out &&
		test "$(cut -f1 out)" = u1 &&
		roadmap-list --committed --status x >out &&
		test "$(cut -f1 out)" = u2
	)
'


test_expect_success 'a field is found wherever its key is: after others, beside its alias, and dotted' '
	repo_with order \
		o1 "title: First\nmeta:\n  owner: ann\n  tags: [x, y]\nid: o1\ntype: bug\nissue_type: feature\nstatus: late\n" \
		o2 "id: o2\nmeta.owner: bob\nstatus: early\nissue_type: bug\n" &&
	(
		cd order &&
		roadmap-list --committed --status late >out &&
		test "$(cut -f1 out)" = o1 &&
		roadmap-list --committed --type feature >out &&
		test "$(cut -f1 out)" = o1 &&
		roadmap-list --committed --type bug >out &&
		test "$(cut -f1 out | tr "\n" " ")" = "o1 o2 " &&
		roadmap-list --committed --where "type~^b" --format "%(id) %(status)" >out &&
		printf "o1 late\no2 early\n" >expect &&
		test_cmp expect out &&
		roadmap-list --committed --where meta.owner=ann >out &&
		test "$(cut -f1 out)" = o1 &&
		roadmap-list --committed --where meta.owner=bob >out &&
		test "$(cut -f1 out)" = o2 &&
		roadmap-list --committed --where meta.tags=y --format "%(id) %(title)" >out &&
		echo "o1 First" >expect &&
		test_cmp expect out
	)
'

test_done
