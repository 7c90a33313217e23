#!/bin/sh
test_description='roadmap-merge-file: issue files merged field by field, as git merge driver'
. ./test-lib.sh

# mk <file> <status> <labels> <priority> <updated> <body...>
mk () {
	f=$1 st=$2 lb=$3 pr=$4 up=$5
	shift 5
	printf -- "---\nid: M-1\ntitle: The title  # a comment\nstatus: %s\nlabels: %s\npriority: %s\nupdated: %s\n---\n" \
		"$st" "$lb" "$pr" "$up" >"$f" &&
	printf "%s\n" "$@" >>"$f"
}

test_expect_success 'different fields, labels on both sides, the later updated, body in two places' '
	mk base.md todo "[ui, api]" low "2026-01-01" one two three four five &&
	mk ours.md in-progress "[ui, api, perf]" low "2026-01-03" ONE two three four five &&
	mk theirs.md todo "[api, docs]" high "2026-01-02" one two three four FIVE &&
	roadmap-merge-file -p base.md ours.md theirs.md >out &&
	mk expect in-progress "[api, perf, docs]" high "2026-01-03" ONE two three four FIVE &&
	test_cmp expect out
'

test_expect_success 'the result replaces <ours>, as a git merge driver does (%A)' '
	cp ours.md a.md &&
	roadmap-merge-file base.md a.md theirs.md .roadmap/issues/a.md &&
	test_cmp expect a.md &&
	! ls .a.md.roadmap-tmp-* 2>/dev/null
'

test_expect_success 'a result equal to <ours> leaves it unwritten (git reads %A back)' '
	cp ours.md b.md &&
	touch -d "2020-01-01 00:00" b.md &&
	roadmap-merge-file base.md b.md base.md &&
	test_cmp ours.md b.md &&
	test "$(stat -c %Y b.md)" = "$(date -d "2020-01-01 00:00" +%s)"
'

test_expect_success 'the same change on both sides is taken once; one side unchanged takes the other' '
	mk ours.md done "[ui, api]" low "2026-01-01" one two three four five &&
	mk theirs.md done "[ui, api]" low "2026-01-01" one two three four five &&
	roadmap-merge-file -p base.md ours.md theirs.md >out &&
	test_cmp ours.md out &&
	roadmap-merge-file -p base.md base.md theirs.md >out &&
	test_cmp theirs.md out
'

test_expect_success 'a true conflict: markers around that key only, exit 1; roadmap-check names the line' '
	git init -q repo &&
	mk ours.md in-progress "[ui, api]" low "2026-01-01" one two three four five &&
	mk theirs.md done "[ui, api]" high "2026-01-01" one two three four five &&
	test_expect_code 1 roadmap-merge-file -p -L HEAD -L base -L topic base.md ours.md theirs.md >out &&
	printf -- "---\nid: M-1\ntitle: The title  # a comment\n<<<<<<< HEAD\nstatus: in-progress\n=======\nstatus: done\n>>>>>>> topic\nlabels: [ui, api]\npriority: high\nupdated: 2026-01-01\n---\none\ntwo\nthree\nfour\nfive\n" >expect &&
	test_cmp expect out &&
	mkdir -p repo/.roadmap/issues &&
	cp out repo/.roadmap/issues/m.md &&
	(cd repo && test_expect_code 1 roadmap-check >../check) &&
	grep "^.roadmap/issues/m.md:4:1: error: conflict marker" check
'

test_expect_success 'deleted on one side, changed on the other: a conflict; --marker-size' '
	printf -- "---\nid: M-1\nstatus: todo\n---\n" >ours.md &&
	printf -- "---\nid: M-1\nstatus: todo\nassignee: bob\n---\n" >base2.md &&
	printf -- "---\nid: M-1\nstatus: todo\nassignee: carol\n---\n" >theirs.md &&
	test_expect_code 1 roadmap-merge-file -p --marker-size 9 base2.md ours.md theirs.md >out &&
	printf -- "---\nid: M-1\nstatus: todo\n<<<<<<<<< ours\n=========\nassignee: carol\n>>>>>>>>> theirs\n---\n" >expect &&
	test_cmp expect out
'

test_expect_success 'CRLF files stay CRLF' '
	printf -- "---\r\nid: C\r\nstatus: todo\r\nlabels:\r\n- a\r\n---\r\nbody\r\n" >b.md &&
	printf -- "---\r\nid: C\r\nstatus: done\r\nlabels:\r\n- a\r\n- b\r\n---\r\nbody\r\n" >o.md &&
	printf -- "---\r\nid: C\r\nstatus: todo\r\nlabels:\r\n- a\r\n- c\r\n---\r\nbody\r\n" >t.md &&
	roadmap-merge-file -p b.md o.md t.md >out &&
	printf -- "---\r\nid: C\r\nstatus: done\r\nlabels:\r\n- a\r\n- b\r\n- c\r\n---\r\nbody\r\n" >expect &&
	test_cmp expect out
'

test_expect_success 'a side that does not parse: the whole file merges line-wise, as git would' '
	printf -- "---\nid: X\nstatus: [broken\n---\nbody\n" >bad.md &&
	test_expect_code 1 roadmap-merge-file -p base.md ours.md bad.md >out &&
	grep "^<<<<<<< ours" out &&
	git merge-file -p -L ours -L base -L theirs ours.md base.md bad.md >git-out;
	test_cmp git-out out
'

test_expect_success 'usage: missing files is 129, an unreadable file 128' '
	test_expect_code 129 roadmap-merge-file base.md ours.md &&
	test_expect_code 128 roadmap-merge-file base.md ours.md nosuch.md 2>err &&
	grep "nosuch.md" err
'

# a repository where two branches change one issue
setup_branches () {
	rm -rf r && git init -q r && (
		cd r &&
		mkdir -p .roadmap/issues &&
		mk .roadmap/issues/m.md todo "[ui, api]" low "2026-01-01" one two three four five &&
		git add . && test_tick && git commit -qm base &&
		git checkout -qb topic &&
		mk .roadmap/issues/m.md todo "[api, docs]" high "2026-01-02" one two three four FIVE &&
		git commit -qam topic &&
		git checkout -q main &&
		mk .roadmap/issues/m.md "$1" "[ui, api, perf]" low "2026-01-03" ONE two three four five &&
		git commit -qam main
	)
}

test_expect_success 'git merge without the driver conflicts' '
	setup_branches in-progress &&
	(cd r && test_must_fail git merge -q topic >/dev/null 2>&1 && git merge --abort)
'

test_expect_success 'git merge with the driver (roadmap-install-hooks --merge-driver) is clean' '
	(cd r && roadmap-install-hooks --merge-driver >out &&
	 grep "merge driver: installed" out &&
	 git config merge.roadmap.driver >drv && grep "roadmap-merge-file. --marker-size %L %O %A %B %P" drv &&
	 grep -x ".roadmap/issues/\*\*/\*.md merge=roadmap" .gitattributes &&
	 git merge -q --no-edit topic &&
	 git status --porcelain -- .roadmap >st && test_must_be_empty st) &&
	mk expect in-progress "[api, perf, docs]" high "2026-01-03" ONE two three four FIVE &&
	test_cmp expect r/.roadmap/issues/m.md &&
	(cd r && roadmap-check && roadmap-list --format "%(id) %(status) %(priority)" >list) &&
	echo "M-1 in-progress high" >expect &&
	test_cmp expect r/list
'

test_expect_success 'a true conflict in git merge: markers around one key, roadmap-check fails' '
	setup_branches done &&
	(cd r && roadmap-install-hooks --merge-driver >/dev/null &&
	 git add .gitattributes && git commit -qm attrs &&
	 git checkout -q topic && mk .roadmap/issues/m.md wontfix "[api, docs]" high "2026-01-02" one two three four FIVE &&
	 git commit -qam topic2 && git checkout -q main &&
	 test_must_fail git merge -q --no-edit topic >/dev/null 2>&1 &&
	 grep -c "^<<<<<<<" .roadmap/issues/m.md >n && echo 1 >one && test_cmp one n &&
	 sed -n "/^<<<<<<</,/^>>>>>>>/p" .roadmap/issues/m.md >conf &&
	 test_line_count = 5 conf &&
	 test_expect_code 1 roadmap-check >check) &&
	grep "m.md:4:1: error: conflict marker" r/check
'

test_expect_success '--uninstall removes the driver and only our .gitattributes lines' '
	(cd r && git merge --abort &&
	 echo "*.png binary" >>.gitattributes &&
	 roadmap-install-hooks --uninstall >out &&
	 grep "merge driver: removed" out &&
	 test_must_fail git config merge.roadmap.driver &&
	 echo "*.png binary" >expect && test_cmp expect .gitattributes)
'

test_done
