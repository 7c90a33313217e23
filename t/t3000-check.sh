#!/bin/sh
test_description='roadmap-check and the pre-commit hook'
. ./test-lib.sh

test_expect_success 'setup: valid issues, hooks installed' '
	git init -q &&
	write_issue .roadmap/issues/1.md I-1 todo "One" &&
	write_issue .roadmap/issues/2.md I-2 todo "Two" "depends_on: [I-1]" &&
	git add .roadmap &&
	git commit -qm valid &&
	roadmap-install-hooks -q &&
	roadmap-check >out &&
	test_must_be_empty out
'

test_expect_success 'a YAML error: refused with path:line:col' '
	printf -- "---\nid: I-3\ntitle: [unclosed\nstatus: todo\n---\n" >.roadmap/issues/3.md &&
	git add .roadmap &&
	test_must_fail git commit -qm broken 2>err &&
	grep "^\.roadmap/issues/3\.md:[0-9]*:[0-9]*: error: " err &&
	test_expect_code 1 roadmap-check --cached >out &&
	grep "^\.roadmap/issues/3\.md:4:7: error: did not find expected .,. or .]. while parsing a flow sequence" out &&
	test "$(git rev-list --count HEAD)" = 1
'

test_expect_success 'the fixed file is accepted' '
	write_issue .roadmap/issues/3.md I-3 todo "Three" &&
	git add .roadmap &&
	git commit -qm fixed 2>err &&
	! grep error err &&
	test "$(git rev-list --count HEAD)" = 2
'

test_expect_success 'a duplicate id is refused, naming the other file' '
	write_issue .roadmap/issues/4.md I-1 todo "Copy of one" &&
	git add .roadmap &&
	test_must_fail git commit -qm dup 2>err &&
	grep "^\.roadmap/issues/4\.md:2:1: error: duplicate id .I-1.: .\.roadmap/issues/1\.md. has it too" err &&
	git rm -q --cached .roadmap/issues/4.md && rm .roadmap/issues/4.md
'

test_expect_success 'conflict markers are refused, at their lines' '
	write_issue .roadmap/issues/5.md I-5 todo "Five" &&
	printf "<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> topic\n" >>.roadmap/issues/5.md &&
	git add .roadmap &&
	test_must_fail git commit -qm markers 2>err &&
	grep "^\.roadmap/issues/5\.md:7:1: error: conflict marker" err &&
	grep "^\.roadmap/issues/5\.md:9:1: error: conflict marker" err &&
	grep "^\.roadmap/issues/5\.md:11:1: error: conflict marker" err &&
	write_issue .roadmap/issues/5.md I-5 todo "Five" && git add .roadmap
'

test_expect_success 'a dangling dependency is refused' '
	write_issue .roadmap/issues/6.md I-6 todo "Six" "blocks: [I-404]" &&
	git add .roadmap &&
	test_must_fail git commit -qm dangling 2>err &&
	grep "^\.roadmap/issues/6\.md:5:1: error: blocks names .I-404., which is no issue.s id" err
'

test_expect_success 'git commit --no-verify still commits' '
	git commit -q --no-verify -m "dangling, on purpose" &&
	test "$(git rev-list --count HEAD)" = 3 &&
	git show --stat HEAD >out && grep 6.md out
'

test_expect_success 'only what the commit changes is reported by --cached' '
	write_issue .roadmap/issues/7.md I-7 todo "Seven" &&
	git add .roadmap &&
	git commit -qm seven 2>err &&
	test "$(git rev-list --count HEAD)" = 4 &&
	test_expect_code 1 roadmap-check >out &&
	grep "6\.md" out
'

test_expect_success 'a missing title; status and priority outside the configured sets' '
	git config roadmap.statuses "todo, in-progress, closed" &&
	git config --add roadmap.priorities low &&
	git config --add roadmap.priorities high &&
	printf -- "---\nid: I-8\nstatus: done\npriority: urgent\n---\n" >.roadmap/issues/8.md &&
	test_expect_code 1 roadmap-check .roadmap/issues/8.md >out &&
	cat >expect <<-\EOF &&
	.roadmap/issues/8.md:1:1: error: missing title
	.roadmap/issues/8.md:3:1: error: status '"'"'done'"'"' is not one of roadmap.statuses
	.roadmap/issues/8.md:4:1: error: priority '"'"'urgent'"'"' is not one of roadmap.priorities
	EOF
	test_cmp expect out &&
	rm .roadmap/issues/8.md
'

test_expect_success 'paths are taken relative to the current directory' '
	(
		cd .roadmap/issues &&
		test_expect_code 1 roadmap-check 6.md >../../out
	) &&
	grep "^\.roadmap/issues/6\.md:5:1: error: blocks names" out &&
	roadmap-check .roadmap/issues/1.md >out &&
	test_must_be_empty out
'

test_expect_success 'the staged version is checked, not the working file (GIT_INDEX_FILE)' '
	printf -- "---\nid: I-9\ntitle: [broken\n---\n" >.roadmap/issues/9.md &&
	git add .roadmap/issues/9.md &&
	write_issue .roadmap/issues/9.md I-9 todo "Nine, fixed but not staged" &&
	test_expect_code 1 roadmap-check --cached >out &&
	grep "^\.roadmap/issues/9\.md:" out &&
	roadmap-check .roadmap/issues/9.md >out &&
	test_must_be_empty out &&
	git add .roadmap/issues/9.md &&
	git commit -qm "nine" 2>err &&
	cp .git/index saved-index &&
	printf -- "---\nid: I-10\ntitle: [broken\n---\n" >.roadmap/issues/10.md &&
	git add .roadmap/issues/10.md &&
	cp .git/index broken-index &&
	cp saved-index .git/index &&
	GIT_INDEX_FILE=broken-index test_expect_code 1 roadmap-check --cached >out &&
	grep "10\.md" out &&
	roadmap-check --cached >out &&
	test_must_be_empty out
'

test_expect_success 'git commit -a runs the check on what it stages' '
	git add .roadmap/issues/10.md &&
	write_issue .roadmap/issues/10.md I-10 todo "Ten" &&
	git add .roadmap/issues/10.md && git commit -qm ten &&
	printf -- "---\nid: I-10\ntitle: [broken again\n---\n" >.roadmap/issues/10.md &&
	test_must_fail git commit -qam "broken by -a" 2>err &&
	grep "10\.md:.*error" err
'

test_done
