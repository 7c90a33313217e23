#!/bin/sh
test_description='front matter edited as text (lib/frontmatter) against PyYAML'
. ./test-lib.sh

FMCHECK="python3 $TEST_DIRECTORY/lib/fm-check.py"

test_expect_success 'tricky values read back exactly (PyYAML), only their lines change' '
	$FMCHECK values t.md
'

test_expect_success 'a key set to its own value leaves every generated file byte for byte' '
	for l in roadmap-cli backlog states
	do
		python3 "$TEST_DIRECTORY/lib/gen-issues.py" --seed 7 --count 300 --root "$l" --layout $l || return 1
	done &&
	find roadmap-cli backlog states -name "*.md" | sort >files &&
	test_line_count -gt 800 files &&
	$FMCHECK identity <files 2>count &&
	cat count
'

test_expect_success 'CRLF line ends and a BOM stay, on edited and added lines too' '
	printf "\357\273\277---\r\nid: C-1\r\ntitle: x\r\nlabels:\r\n- a\r\n---\r\nbody\r\n" >crlf.md &&
	test-frontmatter crlf.md set title "new title" add labels b set due 2026-02-01 >out &&
	printf "\357\273\277---\r\nid: C-1\r\ntitle: new title\r\nlabels:\r\n- a\r\n- b\r\ndue: '"'"'2026-02-01'"'"'\r\n---\r\nbody\r\n" >expect &&
	test_cmp expect out
'

test_expect_success 'block list: items keep their indentation, comments between them stay' '
	printf -- "---\nid: L-1\nassignee:\n    - alice   # lead\n    # reviewers:\n    - bob\n    - carol\nstatus: todo\n---\n" >l.md &&
	test-frontmatter l.md remove assignee bob add assignee dave >out &&
	printf -- "---\nid: L-1\nassignee:\n    - alice   # lead\n    # reviewers:\n    - carol\n    - dave\nstatus: todo\n---\n" >expect &&
	test_cmp expect out &&
	test-frontmatter l.md remove assignee alice remove assignee bob remove assignee carol >out &&
	printf -- "---\nid: L-1\nassignee: []\nstatus: todo\n---\n" >expect &&
	test_cmp expect out
'

test_expect_success 'flow list stays flow; a scalar becomes a list; a new list follows the file' '
	printf -- "---\nid: F-1\nlabels: [ bug,  \"ui\" ]\nassignee: alice\n---\n" >f.md &&
	test-frontmatter f.md add labels "a,b" remove labels bug add assignee bob list tags 2 x z >out &&
	printf -- "---\nid: F-1\nlabels: [\"ui\", '"'"'a,b'"'"']\nassignee: [alice, bob]\ntags: [x, z]\n---\n" >expect &&
	test_cmp expect out
'

test_expect_success 'unset removes the key with all its lines, and nothing else' '
	printf -- "---\nid: U-1\nnotes: |\n  one\n\n  two\n# kept\nstatus: todo\n---\nbody\n" >u.md &&
	test-frontmatter u.md unset notes unset absent >out &&
	printf -- "---\nid: U-1\n# kept\nstatus: todo\n---\nbody\n" >expect &&
	test_cmp expect out
'

test_expect_success 'a multi-line value is rewritten from its key line; a comment after a value stays' '
	printf -- "---\nid: M-1\ntitle: a long\n  folded title\nstatus: todo # was new\ndue:   # none yet\n---\n" >m.md &&
	test-frontmatter m.md set title short set status done set due 2026-03-01 >out &&
	printf -- "---\nid: M-1\ntitle: short\nstatus: done # was new\ndue: '"'"'2026-03-01'"'"'   # none yet\n---\n" >expect &&
	test_cmp expect out
'

test_expect_success 'plain values: a number stays a number, a string that cannot be plain is quoted' '
	printf -- "---\nid: P-1\nestimated_hours: 2\n---\n" >p.md &&
	test-frontmatter p.md plain estimated_hours 3.5 plain progress 100 plain note "a: b" >out &&
	python3 -c "import yaml,sys; d=yaml.safe_load(open(\"out\").read().split(\"---\n\")[1]); sys.exit(d != {\"id\": \"P-1\", \"estimated_hours\": 3.5, \"progress\": 100, \"note\": \"a: b\"})"
'

test_expect_success 'a file whose front matter does not parse is refused with path:line:col' '
	printf -- "---\nid: B-1\ntitle: [unclosed\nstatus: todo\n---\n" >bad.md &&
	cp bad.md before &&
	test_expect_code 128 test-frontmatter bad.md set status done >out 2>err &&
	test_must_be_empty out &&
	grep "^bad.md:[0-9]*:[0-9]*: " err &&
	test_cmp before bad.md &&
	printf "no front matter\n" >none.md &&
	test_expect_code 128 test-frontmatter none.md set status done 2>err &&
	grep "^none.md:1:1: " err
'

test_expect_success 'a key roadmap cannot write plain, and a mapping set as a scalar, are refused' '
	printf -- "---\nid: K-1\nremote_ids:\n  github: 12\n---\n" >k.md &&
	test_expect_code 128 test-frontmatter k.md set "a key" x 2>err &&
	grep "not a key roadmap writes" err &&
	test_expect_code 128 test-frontmatter k.md set remote_ids 3 2>err &&
	grep "^k.md:3:1: .remote_ids. is a mapping" err
'

test_done
