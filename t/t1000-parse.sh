#!/bin/sh
test_description='front matter parsing: edge cases against the pure-Python oracle'
. ./test-lib.sh

# drop_errors: the two parsers word their errors differently; kinds must agree
drop_errors () {
	python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    r.pop("error", None)
    print(json.dumps(r, ensure_ascii=False))
'
}

# check_parse <name> <printf-format>: test-parse and the oracle agree on the file
check_parse () {
	printf -- "$2" >"$1.md" &&
	test-parse "$1.md" | drop_errors >actual &&
	python3 "$TEST_DIRECTORY/lib/oracle.py" --parse "$1.md" | drop_errors >expect &&
	python3 "$TEST_DIRECTORY/lib/oracle.py" --compare expect actual &&
	cat actual
}

while read -r name fmt
do
	test_expect_success "parse: $name" "check_parse $name '$fmt'"
done <<\CASES
plain ---\nid: X-1\ntitle: Plain\nlabels: [a, b]\n---\nbody\n
typed ---\nn: ~\nb: True\ni: -0012\nh: 0x1F\no: 0o17\nf: 1.50\ne: .5e3\ninf: .inf\nnan: .nan\nd: 2024-01-02\nq: "12"\nyes: yes\n---\n
nested ---\nremote_ids:\n  github: 12\n  jira: {key: J-1}\nlist: [[1, 2], {a: b}]\n---\n
crlf ---\r\nid: C\r\ntitle: CR LF\r\n---\r\nbody\r\n
bom \357\273\277---\nid: B\n---\n
dots ---\nid: D\n...\nbody\n
empty ---\n---\n
comment-only ---\n# nothing\n---\n
dash-space-line ---\n--- \na: 1\n---\n
dash-space-flow ---\n--- {a: 1}\n---\n
two-documents ---\na: 1\n--- b\n---\n
no-closing ---\nid: x\n
only-dashes ---
not-an-issue # Title\n---\nid: x\n---\n
list-root ---\n- a\n- b\n---\n
scalar-root ---\njust text\n---\n
duplicate-key ---\na: 1\nb: 2\na: 3\n---\n
nested-duplicate ---\nm: {x: 1, x: 2}\n---\n
alias ---\na: &x 1\nb: *x\n---\n
tag ---\na: !!str 1\n---\n
complex-key ---\n? [a, b]\n: c\n---\n
syntax-error ---\ntitle: [unclosed\n---\n
tab-indent ---\na:\n\tb: 1\n---\n
id-list ---\nid: [1, 2]\n---\n
id-slash ---\nid: a/b\n---\n
id-dotdot ---\nid: ..\n---\n
id-null ---\nid: ~\ntitle: from name\n---\n
id-numeric ---\nid: 0123\n---\n
unicode ---\ntitle: "Caf\\u00e9 \\u2014 \\U0001F680"\nname: 修复\n---\n
block-scalars ---\nlit: |\n  line 1\n  line 2\nfold: >\n  a\n  b\n---\n
CASES

test_expect_success 'error positions are file lines and columns' '
	printf -- "---\nid: x\ntitle: [unclosed\n---\n" >pos.md &&
	test-parse pos.md >out &&
	grep "\"error\": \"4:1: " out &&
	printf -- "---\nid: x\nid: y\n---\n" >dup.md &&
	test-parse dup.md >out &&
	grep "\"error\": \"3:1: duplicate key .id.\"" out
'

test_expect_success 'an alias bomb is rejected at once; deep nesting too' '
	{
		printf -- "---\na: &a [x, x]\n" &&
		for i in 1 2 3 4 5 6 7 8 9
		do
			printf "a$i: &a$i [*a, *a, *a, *a]\n"
		done &&
		printf -- "---\n"
	} >bomb.md &&
	test-parse bomb.md >out &&
	grep "anchors and aliases are not allowed" out &&
	python3 -c "print(\"---\\na: \" + \"[\" * 10000 + \"]\" * 10000 + \"\\n---\")" >deep.md &&
	test-parse deep.md >out &&
	grep "nests too deeply" out
'

test_expect_success 'a file over 1 MiB is invalid; up to 1 MiB is fine' '
	python3 -c "
head = \"---\\ntitle: big\\n---\\n\"
open(\"fits.md\", \"w\").write(head + \"x\" * (1048576 - len(head)))
open(\"over.md\", \"w\").write(head + \"x\" * (1048577 - len(head)))
" &&
	test-parse fits.md over.md >out &&
	grep "\"path\": \"fits.md\", \"kind\": \"issue\"" out &&
	grep "\"path\": \"over.md\", \"kind\": \"invalid\", \"error\": \"1:1: file is larger than 1 MiB\"" out
'

# Records from the index may be corrupt: test-parse --record walks raw bytes.
test_expect_success 'a corrupt record: a collection where a key belongs is malformed' '
	printf "I\0Mp\001ap\001bSp\001xE" >key.rec &&
	test-parse --record key.rec >actual &&
	echo "{\"path\": \"key.rec\", \"scalars\": [[\"a\", \"b\"]], \"fields\": \"malformed\"}" >expect &&
	test_cmp expect actual
'

test_expect_success 'a corrupt record nested past RECORD_MAX_DEPTH is malformed, not a stack overflow' '
	python3 -c "
open(\"deep.rec\", \"wb\").write(b\"I\\0Mp\\1a\" + b\"S\" * 1000000)
open(\"fits.rec\", \"wb\").write(b\"I\\0Mp\\1a\" + b\"S\" * 63 + b\"p\\1x\" + b\"E\" * 64)
" &&
	test-parse --record deep.rec fits.rec >actual &&
	cat >expect <<-\EOF &&
	{"path": "deep.rec", "scalars": [], "fields": "malformed"}
	{"path": "fits.rec", "scalars": [["a", "x"]], "fields": {"a": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}}
	EOF
	test_cmp expect actual
'

# lib/issue.c reads simple front matter without libyaml; anything it is
# not sure of goes to libyaml. Either way the record must be libyaml's.
test_expect_success 'the fast path for simple files makes the records libyaml makes' '
	simple=$(python3 "$TEST_DIRECTORY/lib/gen-simple.py" gen 3000 1) &&
	test-parse --compare gen/*.md >out &&
	tail -n 1 out >summary &&
	read files _ fast _ _ _ _ differ _ <summary &&
	test "$files" = 3000 &&
	test "$differ" = 0 &&
	# every file made only of what it reads took it
	test "$fast" -ge "$simple" &&
	test "$fast" -lt "$files"
'

test_expect_success 'roadmap.path is normalized; the whole repository is refused' '
	git init -q roots &&
	(
		cd roots &&
		write_issue .roadmap/issues/a/1.md R-1 todo "Root test" &&
		git add . && git commit -qm one &&
		git config roadmap.path ./.roadmap//issues/ &&
		roadmap-list --committed --format "%(root) %(path)" >actual &&
		echo ".roadmap/issues .roadmap/issues/a/1.md" >expect &&
		test_cmp expect actual &&
		git config --add roadmap.path . &&
		roadmap-list --committed --format "%(root) %(path)" >actual 2>err &&
		test_cmp expect actual &&
		grep "ignoring roadmap.path .\\.." err
	)
'

test_done
