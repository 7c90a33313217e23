#!/bin/sh
test_description='a repository format roadmap cannot read: one error naming it, exit 128'
. ./test-lib.sh

# every_program <dir> <pattern>: each program, run in <dir>, prints one
# line on stderr matching <pattern>, nothing on stdout, and exits 128
every_program () {
	_dir=$1 _pattern=$2
	for _cmd in "roadmap-list" "roadmap-list --committed" "roadmap-show 1" \
		"roadmap-show --committed 1" "roadmap-check" "roadmap-check --cached" \
		"roadmap-diff-index" "roadmap-diff-index --committed" "roadmap-refresh" \
		"roadmap-refresh --rebuild" "roadmap-reindex" "roadmap-status" "roadmap-fsck" \
		"roadmap-fsck --full" "roadmap-watch --status" "roadmap list"
	do
		_code=0
		(cd "$_dir" && $_cmd) >out 2>err || _code=$?
		if test "$_code" != 128
		then
			echo "$_cmd: exit $_code, not 128" && cat err && return 1
		fi
		test_line_count = 1 err && test_must_be_empty out &&
		grep "$_pattern" err || {
			echo "$_cmd:" && cat err && return 1
		}
	done
}

# every_hook <dir> <pattern>: as a git hook, one line naming it, exit 0
every_hook () {
	for _hook in "post-checkout 0000 1111 1" post-commit post-merge post-rewrite
	do
		(cd "$1" && roadmap-refresh --hook $_hook) >out 2>err &&
		test_line_count = 1 err && test_must_be_empty out &&
		grep "^roadmap: ${_hook%% *} hook: index refresh failed (.*$2" err || {
			echo "$_hook:" && cat err && return 1
		}
	done
}

test_expect_success 'a SHA-256 repository' '
	git init -q --object-format=sha256 sha256 &&
	(
		cd sha256 &&
		write_issue .roadmap/issues/1.md 1 &&
		git add .roadmap &&
		git commit -q -m one
	)
'

sha256="unsupported repository format: extensions.objectformat = sha256 (roadmap reads SHA-1 repositories only)"

test_expect_success 'SHA-256: every program says so once and exits 128' '
	every_program sha256 "^roadmap.*: error: $sha256\$"
'

test_expect_success 'SHA-256: the hooks say so in one line and let git go on' '
	every_hook sha256 "$sha256"
'

test_expect_success 'SHA-256: from a subdirectory and with GIT_DIR too' '
	mkdir -p sha256/sub &&
	test_expect_code 128 sh -c "cd sha256/sub && roadmap-list" 2>err &&
	test_line_count = 1 err && grep "$sha256" err &&
	test_expect_code 128 env GIT_DIR=sha256/.git roadmap-list 2>err &&
	test_line_count = 1 err && grep "$sha256" err
'

# The layout git >= 2.45 writes with --ref-format=reftable, by hand when
# the local git cannot: the refs are in .git/reftable, HEAD names a
# branch no file holds, refs/heads is a file so that no older git takes
# it for a repository of loose refs.
test_expect_success 'a reftable repository' '
	if git init -q --ref-format=reftable reftable 2>/dev/null
	then
		(cd reftable && git commit -q --allow-empty -m one)
	else
		mkdir -p reftable/.git/objects/info reftable/.git/objects/pack \
			reftable/.git/refs reftable/.git/reftable &&
		printf "ref: refs/heads/.invalid\n" >reftable/.git/HEAD &&
		printf "this repository uses the reftable format\n" >reftable/.git/refs/heads &&
		: >reftable/.git/reftable/tables.list &&
		printf "[core]\n\trepositoryformatversion = 1\n\tfilemode = true\n\tbare = false\n[extensions]\n\trefstorage = reftable\n" >reftable/.git/config
	fi &&
	git config --file reftable/.git/config extensions.refstorage >actual &&
	echo reftable >expect &&
	test_cmp expect actual
'

reftable="unsupported repository format: extensions.refstorage = reftable (roadmap reads refs stored as files only)"

test_expect_success 'reftable: every program says so once and exits 128' '
	every_program reftable "^roadmap.*: error: $reftable\$"
'

test_expect_success 'reftable: the hooks say so in one line and let git go on' '
	every_hook reftable "$reftable"
'

test_expect_success 'a repository of another format version, or an unknown extension' '
	git init -q v2 &&
	git -C v2 config core.repositoryformatversion 2 &&
	every_program v2 "^roadmap.*: error: unsupported repository format: core.repositoryformatversion = 2 (roadmap reads versions 0 and 1)\$" &&
	git init -q unknown &&
	git -C unknown config core.repositoryformatversion 1 &&
	git -C unknown config extensions.frobnicate true &&
	every_program unknown "^roadmap.*: error: unsupported repository format: extensions.frobnicate (an extension roadmap does not know)\$" &&
	git init -q v0 &&
	git -C v0 config extensions.objectFormat sha256 &&
	every_program v0 "^roadmap.*: error: unsupported repository format: extensions.objectformat in a repository of format version 0 (git refuses it too)\$"
'

# git itself ignores an unknown extension in a version 0 repository, and
# accepts these in either version; the config is read as git reads it
test_expect_success 'extensions git accepts, written as git may write them' '
	git init -q ok &&
	(
		cd ok &&
		write_issue .roadmap/issues/1.md 1 &&
		git add .roadmap &&
		git commit -q -m one &&
		git config extensions.frobnicate true &&
		git config extensions.noop true &&
		roadmap-list --committed >out &&
		grep "^1	todo	Issue 1\$" out &&
		git config --unset extensions.frobnicate &&
		git config core.repositoryFormatVersion 1 &&
		git config extensions.worktreeConfig true &&
		git status >/dev/null &&
		roadmap-refresh --rebuild &&
		roadmap-list --committed >out &&
		grep "^1	todo	Issue 1\$" out &&
		cp .git/config config.orig &&
		printf "[Extensions] frobnicate = 1\n" >>.git/config &&
		test_expect_code 128 roadmap-list 2>err &&
		grep "extensions.frobnicate (an extension roadmap does not know)" err &&
		cp config.orig .git/config &&
		printf "[extensions \"Sub\"]\n\tfrobnicate = 1\n" >>.git/config &&
		test_expect_code 128 roadmap-list 2>err &&
		grep "extensions.Sub.frobnicate (an extension roadmap does not know)" err &&
		cp config.orig .git/config &&
		printf "[core \"sub\"]\n\trepositoryformatversion = 2\n[core.sub]\n\trepositoryformatversion = 2\n" >>.git/config &&
		git status >/dev/null &&
		roadmap-list >out &&
		grep "^1	todo	Issue 1\$" out &&
		cp config.orig .git/config
	)
'

# These git accepts in a version 1 repository and roadmap reads, but
# libgit2 (roadmap-reindex) refuses them unless told they are known
for ext in "partialclone origin" "preciousobjects true" "objectformat sha1" "noop-v1 true"
do
	test_expect_success "version 1 with extensions.${ext% *}: indexed as git reads it" "
		git init -q v1-${ext% *} &&
		(
			cd v1-${ext% *} &&
			write_issue .roadmap/issues/1.md 1 &&
			git add .roadmap &&
			git commit -q -m one &&
			git config core.repositoryformatversion 1 &&
			git config extensions.$ext &&
			roadmap-list --committed >out &&
			grep '^1	todo	Issue 1\$' out
		)
	"
done

test_done
