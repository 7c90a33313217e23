#!/bin/sh
test_description='roadmap-check takes paths as git takes them

A path on the command line is relative to the current directory, with
"." and ".." resolved (./a, x/../a, an absolute path, from a
subdirectory); a directory means every issue file under it; a path
outside the work tree is one fatal line, git'"'"'s own. So
"find . -name '"'"'*.md'"'"' | xargs roadmap-check" fails on a broken file.
'
. ./test-lib.sh

R=.roadmap/issues

test_expect_success 'setup: one good issue, two broken ones, a note outside the roots' '
	git init -q &&
	write_issue "$R/a.md" A &&
	printf -- "---\nid: B\nstatus: todo\n---\n" >"$R/b.md" &&
	mkdir -p "$R/sub" docs &&
	printf -- "---\nid: C\n: :\n---\n" >"$R/sub/c.md" &&
	echo "# notes" >docs/readme.md &&
	git add . &&
	test_commit one &&
	echo "$R/b.md:1:1: error: missing title" >expect-b &&
	test_expect_code 1 roadmap-check "$R/sub/c.md" >expect-c &&
	test_line_count = 1 expect-c &&
	grep "^$R/sub/c.md:3:1: error: " expect-c &&
	cat expect-b expect-c >expect-all &&
	test_expect_code 1 roadmap-check >actual &&
	test_cmp expect-all actual
'

test_expect_success './path is the path: the broken file fails the check' '
	test_expect_code 1 roadmap-check "./$R/b.md" >actual &&
	test_cmp expect-b actual &&
	test_expect_code 1 roadmap-check --cached "./$R/b.md" >actual &&
	test_cmp expect-b actual &&
	roadmap-check ./docs/readme.md >actual 2>err &&
	test_must_be_empty actual &&
	echo "roadmap-check: warning: '"'"'./docs/readme.md'"'"' is no issue file under roadmap.path" >expect &&
	test_cmp expect err
'

test_expect_success 'x/../ and ./ inside a path are resolved, as git resolves them' '
	test_expect_code 1 roadmap-check ".roadmap/x/../issues/b.md" >actual &&
	test_cmp expect-b actual &&
	test_expect_code 1 roadmap-check "$R/sub/../b.md" >actual &&
	test_cmp expect-b actual &&
	test_expect_code 1 roadmap-check ".roadmap//issues/./b.md" >actual &&
	test_cmp expect-b actual
'

test_expect_success '"." is the whole work tree: every issue file is checked' '
	test_expect_code 1 roadmap-check . >actual &&
	test_cmp expect-all actual &&
	test_expect_code 1 roadmap-check --cached . >actual &&
	test_cmp expect-all actual
'

test_expect_success 'a directory means every issue file under it, however it is written' '
	test_expect_code 1 roadmap-check "./$R/sub/" >actual &&
	test_cmp expect-c actual &&
	test_expect_code 1 roadmap-check "$R/sub/." >actual &&
	test_cmp expect-c actual &&
	test_expect_code 1 roadmap-check ".roadmap//issues/./" >actual &&
	test_cmp expect-all actual
'

test_expect_success 'from a subdirectory, paths are relative to it' '
	(
		cd "$R/sub" &&
		test_expect_code 1 roadmap-check . >../../../actual-dot &&
		test_expect_code 1 roadmap-check ../b.md >../../../actual-up &&
		test_expect_code 1 roadmap-check ../../.. >../../../actual-top
	) &&
	test_cmp expect-c actual-dot &&
	test_cmp expect-b actual-up &&
	test_cmp expect-all actual-top &&
	(
		cd .roadmap &&
		test_expect_code 1 roadmap-check ./issues/./sub >../actual
	) &&
	test_cmp expect-c actual
'

test_expect_success 'absolute paths, with . and .. in them' '
	test_expect_code 1 roadmap-check "$PWD/./$R/b.md" >actual &&
	test_cmp expect-b actual &&
	test_expect_code 1 roadmap-check "$PWD/docs/../$R/sub/" >actual &&
	test_cmp expect-c actual &&
	test_expect_code 1 roadmap-check "$PWD" >actual &&
	test_cmp expect-all actual
'

test_expect_success 'find . -name "*.md" | xargs roadmap-check fails on the broken files' '
	find . -name "*.md" | sort >list &&
	test_line_count = 4 list &&
	test_expect_code 123 sh -c "xargs roadmap-check <list >actual 2>err" &&
	test_cmp expect-all actual &&
	grep "'"'"'./docs/readme.md'"'"' is no issue file" err
'

# git ls-files says what git says of such a path; roadmap-check says the same
git_says () {
	test_expect_code 128 git ls-files -- "$1" 2>git-err &&
	sed "s/^fatal: /roadmap-check: fatal: /" git-err >expect
}

test_expect_success 'a path outside the work tree: git'"'"'s fatal line, exit 128' '
	git_says ../x &&
	test_expect_code 128 roadmap-check ../x >out 2>err &&
	test_must_be_empty out &&
	test_cmp expect err &&
	grep "'"'"'../x'"'"' is outside repository at '"'"'$PWD'"'"'" err &&
	git_says "$R/../../../elsewhere" &&
	test_expect_code 128 roadmap-check "$R/../../../elsewhere" "$R/b.md" >out 2>err &&
	test_must_be_empty out &&
	test_cmp expect err &&
	test_expect_code 128 roadmap-check --cached "$(dirname "$PWD")" 2>err &&
	test_line_count = 1 err &&
	grep "is outside repository at '"'"'$PWD'"'"'\$" err
'

test_expect_success 'outside, from a subdirectory: the same line' '
	(
		cd "$R" &&
		git_says ../../../x &&
		test_expect_code 128 roadmap-check ../../../x >out 2>err &&
		test_must_be_empty out &&
		test_cmp expect err
	)
'

test_done
