#!/bin/sh
test_description='roadmap-diff-index against git diff-tree and git diff-index'
. ./test-lib.sh

R=.roadmap/issues

# git's answer over the issue files (a pathspec * crosses slashes), full names, no renames
git_raw () {
	git "$@" --raw --abbrev=40 --no-renames -- "$R/*.md"
}

test_expect_success 'setup: issues with awkward names, indexed at A' '
	git init -q &&
	write_issue "$R/plain.md" P-1 &&
	write_issue "$R/with space.md" S-1 &&
	write_issue "$R/tab	in name.md" T-1 &&
	write_issue "$R/quote\"d.md" Q-1 &&
	write_issue "$R/back\\slash.md" B-1 &&
	write_issue "$R/caf$(printf "\303\251").md" U-1 &&
	write_issue "$R/sub/dir/deep.md" D-1 &&
	write_issue "$R/gone/one.md" G-1 &&
	write_issue "$R/exec.md" X-1 &&
	echo "not an issue" >"$R/notes.txt" &&
	git add . &&
	test_commit A &&
	roadmap-refresh &&
	roadmap-diff-index --committed --exit-code &&
	roadmap-diff-index --exit-code &&
	roadmap-diff-index --cached --exit-code
'

test_expect_success 'setup: commit B modifies, adds, deletes, chmods' '
	write_issue "$R/with space.md" S-1 closed &&
	write_issue "$R/tab	in name.md" T-1 closed &&
	write_issue "$R/caf$(printf "\303\251").md" U-1 closed &&
	write_issue "$R/quote\"d.md" Q-1 closed &&
	write_issue "$R/new/added.md" N-1 &&
	git rm -q -r "$R/gone" "$R/back\\slash.md" &&
	chmod +x "$R/exec.md" &&
	echo changed >"$R/notes.txt" &&
	git add -A &&
	test_commit B
'

test_expect_success 'index vs HEAD equals git diff-tree -r --raw A B' '
	git_raw diff-tree -r A B >expect &&
	roadmap-diff-index --committed >actual &&
	test_cmp expect actual &&
	roadmap-diff-index HEAD >actual &&
	test_cmp expect actual &&
	test_line_count = 8 actual
'

test_expect_success 'the same with -z, paths verbatim' '
	git_raw diff-tree -z -r A B >expect &&
	roadmap-diff-index -z --committed >actual &&
	test_cmp expect actual
'

test_expect_success '--name-only, with and without -z' '
	git diff-tree -r --name-only --no-renames A B -- "$R/*.md" >expect &&
	roadmap-diff-index --committed --name-only >actual &&
	test_cmp expect actual &&
	git diff-tree -z -r --name-only --no-renames A B -- "$R/*.md" >expect &&
	roadmap-diff-index -z --committed --name-only >actual &&
	test_cmp expect actual
'

test_expect_success '--name-status adds the issue id before the path' '
	git diff-tree -r --name-status --no-renames A B -- "$R/*.md" >expect &&
	roadmap-diff-index --committed --name-status >actual &&
	cut -f1,3- actual >without-id &&
	test_cmp expect without-id &&
	grep "^D	G-1	$R/gone/one.md\$" actual &&
	grep "^A	N-1	$R/new/added.md\$" actual &&
	grep "^M	S-1	$R/with space.md\$" actual
'

test_expect_success '--exit-code and --quiet: 1 on differences, 0 without' '
	test_expect_code 1 roadmap-diff-index --committed --exit-code >out &&
	test_line_count = 8 out &&
	test_expect_code 1 roadmap-diff-index --committed --quiet >out &&
	test_must_be_empty out &&
	roadmap-diff-index --committed >/dev/null
'

test_expect_success 'against another commit' '
	git_raw diff-tree -r A A >expect &&
	roadmap-diff-index A >actual &&
	test_cmp expect actual &&
	test_must_be_empty actual
'

test_expect_success 'it never refreshes the index' '
	roadmap-diff-index --committed >before &&
	roadmap-diff-index --committed >after &&
	test_cmp before after &&
	test_line_count = 8 after
'

test_expect_success 'diff-index --committed --name-only | refresh --stdin brings the index to HEAD' '
	roadmap-diff-index --committed --name-only | roadmap-refresh --stdin -v 2>err &&
	grep "listed paths (--stdin)" err &&
	roadmap-diff-index --committed --exit-code &&
	roadmap-refresh --full -v 2>err &&
	grep "added 0, modified 0, deleted 0; parsed 0 blobs" err &&
	check_oracle --committed
'

test_expect_success 'the same with -z' '
	git checkout -q A &&
	roadmap-diff-index --committed --exit-code >/dev/null ||
	roadmap-diff-index -z --committed --name-only | roadmap-refresh --stdin -z &&
	roadmap-diff-index --committed --exit-code &&
	roadmap-refresh --full -v 2>err &&
	grep "added 0, modified 0, deleted 0" err &&
	git checkout -q main
'

test_expect_success 'the staging area: equals git diff-index --cached' '
	roadmap-refresh &&
	write_issue "$R/plain.md" P-1 review &&
	write_issue "$R/staged new.md" SN-1 &&
	git rm -q --cached "$R/sub/dir/deep.md" &&
	git add "$R/plain.md" "$R/staged new.md" &&
	git_raw diff-index --cached HEAD >expect &&
	roadmap-diff-index --cached >actual &&
	test_cmp expect actual &&
	test_line_count = 3 actual &&
	git_raw diff-index -z --cached HEAD >expect &&
	roadmap-diff-index -z --cached >actual &&
	test_cmp expect actual
'

test_expect_success 'the working tree: equals git diff-index when the staging area matches it' '
	rm "$R/exec.md" &&
	write_issue "$R/with space.md" S-1 blocked &&
	write_issue "$R/untracked.md" UT-1 &&
	git add -A "$R" &&
	git_raw diff-index HEAD >expect &&
	roadmap-diff-index >actual &&
	test_cmp expect actual &&
	git_raw diff-index -z HEAD >expect &&
	roadmap-diff-index -z >actual &&
	test_cmp expect actual
'

test_expect_success 'the working tree also shows untracked issue files (git does not)' '
	write_issue "$R/only here.md" OH-1 &&
	roadmap-diff-index --name-status >actual &&
	grep "^A	OH-1	\"$R/only here.md\"\$" actual ||
	grep "^A	OH-1	$R/only here.md\$" actual
'

test_expect_success 'bad revision: fatal' '
	test_expect_code 128 roadmap-diff-index no-such-rev 2>err &&
	grep "bad revision" err
'

test_done
