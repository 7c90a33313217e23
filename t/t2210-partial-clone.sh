#!/bin/sh
test_description='objects a clone may lack or replace: a partial clone (one batched fetch, or an answer that says it is incomplete), replace refs, and roadmap-diff-index right after a hook'
. ./test-lib.sh

# --- roadmap-diff-index right after git commit, hooks installed ---

test_expect_success 'git commit && roadmap-diff-index --committed --quiet: 0 after every commit (the hook refresh is waited for)' '
	git init -q hooks &&
	(
		cd hooks &&
		for i in 1 2 3
		do
			write_issue .roadmap/issues/I-$i.md I-$i || return 1
		done &&
		git add . &&
		git commit -q -m zero &&
		roadmap-install-hooks -q &&
		roadmap-list >/dev/null &&
		fails=0 &&
		for i in $(seq 1 20)
		do
			echo "estimate: $i" >>.roadmap/issues/I-$((i % 3 + 1)).md &&
			git add . &&
			git commit -q -m "change $i" &&
			if ! roadmap-diff-index --committed --quiet
			then
				fails=$((fails + 1))
			fi || return 1
		done &&
		test "$fails" = 0 &&
		roadmap-fsck
	)
'

# --- a partial clone ---

# with_git_log <log> <command...>: run the command with a git on PATH that
# logs each of its command lines (the lazy fetches git starts itself too)
REAL_GIT=$(command -v git)
mkdir -p bin
printf '#!/bin/sh\nprintf "%%s\\n" "$*" >>"$GIT_LOG"\nexec "%s" "$@"\n' "$REAL_GIT" >bin/git
chmod +x bin/git
with_git_log () {
	GIT_LOG=$1 &&
	shift &&
	(PATH=$SHARNESS_TRASH_DIRECTORY/bin:$PATH && export PATH GIT_LOG && "$@")
}

test_expect_success 'setup: a source of 2,000 issues that allows filters' '
	git init -q src &&
	(
		cd src &&
		mkdir -p .roadmap/issues &&
		i=1 &&
		while test $i -le 2000
		do
			printf -- "---\nid: P-%d\ntitle: Issue %d\nstatus: %s\n---\nBody %d.\n" \
				$i $i $(test $((i % 3)) = 0 && echo done || echo todo) $i \
				>.roadmap/issues/P-$i.md &&
			i=$((i + 1)) || return 1
		done &&
		git add . &&
		git commit -q -m "2000 issues" &&
		git config uploadpack.allowFilter true &&
		git config uploadpack.allowAnySHA1InWant true &&
		roadmap-list --committed >../expect-all
	) &&
	test_line_count = 2000 expect-all
'

test_expect_success 'partial clone: the first query fetches the missing blobs in one batch, not one git per blob' '
	git clone -q --no-checkout --filter=blob:none "file://$PWD/src" pc &&
	(
		cd pc &&
		test "$(git config remote.origin.promisor)" = true &&
		git cat-file --batch-check="%(objectname)" --batch-all-objects >present &&
		test_line_count -lt 100 present &&
		with_git_log "$SHARNESS_TRASH_DIRECTORY/fetches" roadmap-list --committed >../actual
	) &&
	test_cmp expect-all actual &&
	grep -c " fetch " fetches >n &&
	test "$(cat n)" -le 3 &&
	(
		cd pc &&
		roadmap-status >status &&
		grep "^state:   clean, matches HEAD" status &&
		roadmap-fsck --full
	)
'

test_expect_success 'partial clone, HEAD moves without a checkout: the heal fetches the new blobs in one batch' '
	(
		cd src &&
		for i in 1 2 3 4 5
		do
			printf -- "---\nid: Q-%d\ntitle: New %d\nstatus: todo\n---\n" $i $i \
				>.roadmap/issues/Q-$i.md || return 1
		done &&
		echo "estimate: 3" >>.roadmap/issues/P-7.md &&
		git add . &&
		git commit -q -m "5 more" &&
		roadmap-list --committed >../expect-more
	) &&
	(
		cd pc &&
		git fetch -q origin &&
		git update-ref refs/heads/main origin/main &&
		with_git_log "$SHARNESS_TRASH_DIRECTORY/fetches2" roadmap-list --committed >../actual
	) &&
	test_cmp expect-more actual &&
	test "$(grep -c " fetch " fetches2)" = 1
'

test_expect_success 'partial clone offline: the rest is indexed, one fetch tried, the index is incomplete (status, fsck)' '
	git clone -q --no-checkout --filter=blob:none "file://$PWD/src" off &&
	(
		cd off &&
		git cat-file blob HEAD:.roadmap/issues/P-1.md >/dev/null &&
		git cat-file blob HEAD:.roadmap/issues/P-3.md >/dev/null &&
		mv ../src ../src.away &&
		with_git_log "$SHARNESS_TRASH_DIRECTORY/fetches3" roadmap-list --committed >../actual 2>../err
		mv ../src.away ../src
	) &&
	printf "P-1\ttodo\tIssue 1\nP-3\tdone\tIssue 3\n" >expect &&
	test_cmp expect actual &&
	test "$(grep -c " fetch " fetches3)" = 1 &&
	grep "cannot fetch 2003 missing blobs from the promisor remote .origin." err &&
	(
		cd off &&
		roadmap-status >status &&
		! grep "clean" status &&
		grep "^state:   incomplete, matches HEAD" status &&
		grep "^unknown: 2003 files" status &&
		roadmap-status --json >json &&
		grep "\"state\": \"incomplete\"" json &&
		grep "\"unknown\": 2003" json &&
		roadmap-status --prometheus >prom &&
		grep "^roadmap_unknown_files{.*} 2003$" prom &&
		test_expect_code 1 roadmap-fsck >fsck &&
		grep -c "^unknown: " fsck >n &&
		test "$(cat n)" = 2003 &&
		grep "^unknown: .roadmap/issues/P-2.md: blob $(git rev-parse HEAD:.roadmap/issues/P-2.md) is missing" fsck
	)
'

test_expect_success 'offline: queries do not fetch again; roadmap-refresh does, and completes the index once the remote is back' '
	(
		cd off &&
		test_expect_code 2 with_git_log "$SHARNESS_TRASH_DIRECTORY/fetches4" roadmap-list --committed >/dev/null 2>&1 &&
		{ test ! -f ../fetches4 || ! grep " fetch " ../fetches4; } &&
		mv ../src ../src.away &&
		with_git_log "$SHARNESS_TRASH_DIRECTORY/fetches5" roadmap-refresh 2>err
		mv ../src.away ../src &&
		test "$(grep -c " fetch " ../fetches5)" = 1 &&
		grep "2003 issues are unknown: their blobs are missing (partial clone; run roadmap-refresh when the promisor remote is reachable)" err &&
		with_git_log "$SHARNESS_TRASH_DIRECTORY/fetches6" roadmap-refresh &&
		test "$(grep -c " fetch " ../fetches6)" = 1 &&
		roadmap-list --committed >../actual &&
		roadmap-status >status &&
		grep "^state:   clean, matches HEAD" status &&
		! grep "^unknown:" status &&
		roadmap-fsck --full
	) &&
	test_cmp expect-more actual
'

test_expect_success 'offline: every query says on stderr how many issues are unknown, and exits 2' '
	git clone -q --no-checkout --filter=blob:none "file://$PWD/src" off2 &&
	(
		cd off2 &&
		mv ../src ../src.away &&
		roadmap-list --committed >out 2>err
		rc=$?
		mv ../src.away ../src &&
		test $rc = 2 &&
		test "$(grep -c "issues are unknown" err)" = 1 &&
		grep "2005 issues are unknown: their blobs are missing (partial clone; run roadmap-refresh when the promisor remote is reachable)" err &&
		test_expect_code 2 roadmap-list --committed 2>err &&
		test "$(grep -c "issues are unknown" err)" = 1 &&
		test_expect_code 2 roadmap-show P-7 >/dev/null 2>err &&
		grep "issues are unknown" err
	)
'

# --- replace refs ---

# git_titles: each issue's id and title as git shows HEAD's blobs (replace refs honoured)
git_titles () {
	for f in $(git ls-tree --name-only HEAD .roadmap/issues/)
	do
		git show "HEAD:$f" | sed -n -e "s/^id: //p" -e "s/^title: //p" | paste - - || return 1
	done
}

test_expect_success 'setup: a replace ref on an issue blob' '
	git init -q rp &&
	(
		cd rp &&
		for i in 1 2 3
		do
			write_issue .roadmap/issues/R-$i.md R-$i todo "Original $i" || return 1
		done &&
		git add . &&
		git commit -q -m one &&
		roadmap-list --committed >/dev/null &&
		write_issue replacement R-2 done "Replaced" &&
		new=$(git hash-object -w replacement) &&
		git replace "$(git rev-parse HEAD:.roadmap/issues/R-2.md)" "$new" &&
		git show HEAD:.roadmap/issues/R-2.md >shown &&
		test_cmp replacement shown
	)
'

test_expect_success 'replace ref: roadmap reads the replacement, as git shows it; fsck agrees' '
	(
		cd rp &&
		git_titles >expect &&
		grep "^R-2	Replaced$" expect &&
		roadmap-list --committed --format "%(id)	%(title)" >actual &&
		test_cmp expect actual &&
		roadmap-list --format "%(id)	%(title)" >actual &&
		test_cmp expect actual &&
		roadmap-fsck --full
	)
'

test_expect_success 'GIT_NO_REPLACE_OBJECTS and core.useReplaceRefs=false: the original, as git' '
	(
		cd rp &&
		GIT_NO_REPLACE_OBJECTS=1 git_titles >expect &&
		grep "^R-2	Original 2$" expect &&
		GIT_NO_REPLACE_OBJECTS=1 roadmap-list --committed --format "%(id)	%(title)" >actual &&
		test_cmp expect actual &&
		git config core.useReplaceRefs false &&
		git_titles >expect2 &&
		test_cmp expect expect2 &&
		roadmap-list --committed --format "%(id)	%(title)" >actual &&
		test_cmp expect actual &&
		git config --unset core.useReplaceRefs &&
		roadmap-list --committed --format "%(id)	%(title)" >actual &&
		grep "^R-2	Replaced$" actual &&
		roadmap-fsck --full
	)
'

test_expect_success 'a packed replace ref counts; a deleted one changes the answer back' '
	(
		cd rp &&
		git pack-refs --all &&
		test_path_is_missing .git/refs/replace/$(git rev-parse HEAD:.roadmap/issues/R-2.md) &&
		roadmap-list --committed --format "%(id)	%(title)" >actual &&
		grep "^R-2	Replaced$" actual &&
		git replace -d "$(git rev-parse HEAD:.roadmap/issues/R-2.md)" >/dev/null &&
		git_titles >expect &&
		grep "^R-2	Original 2$" expect &&
		roadmap-list --committed --format "%(id)	%(title)" >actual &&
		test_cmp expect actual &&
		roadmap-fsck --full
	)
'

test_expect_success 'a replace ref of a tree: one warning, and roadmap-fsck names it' '
	(
		cd rp &&
		git checkout -q -b other &&
		write_issue .roadmap/issues/R-9.md R-9 &&
		git add . &&
		git commit -q -m nine &&
		tree=$(git rev-parse HEAD:.roadmap/issues) &&
		git checkout -q main &&
		old=$(git rev-parse HEAD:.roadmap/issues) &&
		git replace "$old" "$tree" &&
		roadmap-list --committed >/dev/null 2>err &&
		test_line_count = 1 err &&
		grep "warning: refs/replace/$old replaces a tree: roadmap honours replace refs of blobs only" err &&
		roadmap-list --committed >/dev/null 2>err &&
		test_must_be_empty err &&
		test_expect_code 1 roadmap-fsck >fsck &&
		grep "^replace: refs/replace/$old: replaces a tree: git reads its replacement, roadmap the original" fsck &&
		git replace -d "$old" >/dev/null &&
		roadmap-list --committed >/dev/null &&
		roadmap-fsck
	)
'

test_done
