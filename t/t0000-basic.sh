#!/bin/sh
test_description='every program: -h, usage errors and exit codes'
. ./test-lib.sh

for cmd in roadmap roadmap-check roadmap-close roadmap-diff-index roadmap-edit roadmap-fsck roadmap-install-hooks roadmap-list roadmap-merge-file roadmap-mv roadmap-new roadmap-refresh roadmap-reindex roadmap-set roadmap-show roadmap-status
do
	test_expect_success "$cmd -h prints usage on stdout and exits 0" "
		$cmd -h >out 2>err &&
		grep '^usage: $cmd' out &&
		grep 'exit status: 0 ok, 1' out &&
		test_must_be_empty err
	"

	test_expect_success "$cmd with a bad option exits 129" "
		test_expect_code 129 $cmd --no-such-option 2>err &&
		grep '^usage: $cmd' err
	"

	# the dispatcher takes its first argument as a command
	test $cmd = roadmap ||
	test_expect_success "$cmd names an unknown option, short in a group or long, as git does" "
		test_expect_code 129 $cmd --no-such-option 2>err &&
		grep \"error: unknown option '--no-such-option'\" err &&
		test_expect_code 129 $cmd -YX 2>err &&
		grep \"error: unknown option '-Y'\" err
	"
done

test_expect_success 'outside a repository: fatal, 128' '
	mkdir norepo &&
	(
		cd norepo &&
		GIT_CEILING_DIRECTORIES=$(pwd) &&
		export GIT_CEILING_DIRECTORIES &&
		GIT_DIR=$(pwd)/nothing-here &&
		export GIT_DIR &&
		test_expect_code 128 roadmap-list 2>err &&
		grep "^roadmap-list: error: not a git repository" err
	)
'

test_expect_success 'roadmap dispatches to roadmap-<cmd>' '
	git init -q repo &&
	(
		cd repo &&
		write_issue .roadmap/issues/1.md 1 todo "One" &&
		git add . && git commit -qm one &&
		roadmap list >actual &&
		printf "1\ttodo\tOne\n" >expect &&
		test_cmp expect actual &&
		test_expect_code 129 roadmap no-such-command 2>err &&
		grep "is not a roadmap command" err
	)
'

test_expect_success 'git roadmap works through git-roadmap' '
	mkdir bin &&
	ln -s "$SHARNESS_BUILD_DIRECTORY/roadmap" bin/git-roadmap &&
	(
		cd repo &&
		PATH=../bin:$PATH git roadmap list >actual &&
		printf "1\ttodo\tOne\n" >expect &&
		test_cmp expect actual
	)
'

test_done
