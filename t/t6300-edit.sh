#!/bin/sh
test_description='roadmap-edit: the editor git runs, checked on save, as git commit does'
. ./test-lib.sh

test_expect_success 'setup' '
	git init -q . &&
	mkdir -p .roadmap/issues &&
	printf -- "---\nid: E-1\ntitle: One\nstatus: todo\n---\nbody\n" >.roadmap/issues/e1.md &&
	git add -A && test_commit init
'

test_expect_success 'a first save with a YAML error re-opens with the error; the second fixes it' '
	cat >editor <<-\EOF &&
	#!/bin/sh
	n=$(cat rounds 2>/dev/null || echo 0); n=$((n + 1)); echo $n >rounds
	cp "$1" seen-$n
	if test $n = 1
	then
		sed "s/^status: todo$/status: [broken/" "$1" >"$1.new" && mv "$1.new" "$1"
	else
		sed "s/^status: \[broken$/status: done/" "$1" >"$1.new" && mv "$1.new" "$1"
	fi
	EOF
	chmod +x editor &&
	GIT_EDITOR="\"$(pwd)/editor\"" roadmap-edit E-1 2>err &&
	test $(cat rounds) = 2 &&
	grep "^# roadmap-edit: .roadmap/issues/e1.md:[0-9]*:[0-9]*: " seen-2 &&
	grep "^.roadmap/issues/e1.md:[0-9]*:[0-9]*: " err &&
	printf -- "---\nid: E-1\ntitle: One\nstatus: done\n---\nbody\n" >expect &&
	test_cmp expect .roadmap/issues/e1.md &&
	roadmap-list --status done --format "%(id)" >out && echo E-1 >expect && test_cmp expect out
'

test_expect_success 'core.editor is used as git uses it; an unchanged file is no change' '
	git add -A && git commit -qm done &&
	git config core.editor true &&
	roadmap-edit E-1 &&
	git status --porcelain -- .roadmap >st && test_must_be_empty st
'

test_expect_success 'an editor that fails, or an emptied file, writes nothing' '
	cp .roadmap/issues/e1.md before &&
	test_expect_code 128 env GIT_EDITOR=false roadmap-edit E-1 2>err &&
	grep "problem with the editor" err &&
	test_expect_code 128 env GIT_EDITOR="sh -c \": >\\\"\\\$0\\\"\"" roadmap-edit E-1 2>err &&
	grep "empty" err &&
	test_cmp before .roadmap/issues/e1.md &&
	test_expect_code 128 roadmap-edit nosuch 2>err && grep "no issue with id" err
'

test_expect_success 'a file changed while it was edited is not overwritten; the copy is kept' '
	cat >editor2 <<-\EOF &&
	#!/bin/sh
	echo "appended by someone else" >>.roadmap/issues/e1.md
	sed "s/^title: One$/title: Mine/" "$1" >"$1.new" && mv "$1.new" "$1"
	EOF
	chmod +x editor2 &&
	test_expect_code 128 env GIT_EDITOR="\"$(pwd)/editor2\"" roadmap-edit E-1 2>err &&
	grep "changed while you edited it" err &&
	grep "appended by someone else" .roadmap/issues/e1.md &&
	grep "^title: One$" .roadmap/issues/e1.md &&
	grep "^title: Mine$" .git/roadmap/EDIT_ISSUE.md
'

test_done
