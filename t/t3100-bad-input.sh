#!/bin/sh
test_description='bad input: each broken issue file gets one clear message, and the rest still indexes

One repository collects a bad file per test, committed, next to a few
valid issues. For each: roadmap-check names it as path:line:col, at the
line and column PyYAML (the oracle) finds too; roadmap-refresh -v names
it; roadmap-list, committed and working tree, equals the oracle, lists
every valid issue, leaves the bad file out and counts it in its one-line
warning. Every command runs under a 20 s timeout and must exit 0 or 1,
never die of a signal.'
. ./test-lib.sh

R=.roadmap/issues
VALID_IDS="V-1 V-2 V-3 NAMED"

test -x /usr/bin/time && test_set_prereq TIME
# ASan takes more memory, and does not run under valgrind
if grep -q __asan_init "$SHARNESS_BUILD_DIRECTORY/roadmap-check" 2>/dev/null
then
	MAX_RSS_KIB=1048576
else
	MAX_RSS_KIB=65536
	command -v valgrind >/dev/null && test_set_prereq VALGRIND
fi

# expect_exit <code> <command>...: the command exits with code, in 20 s
# (TIMEOUT)
TIMEOUT=20
expect_exit () {
	_want=$1
	shift
	timeout $TIMEOUT "$@"
	_rc=$?
	test "$_rc" = "$_want" && return 0
	echo "expect_exit: '$*' exited with $_rc, not $_want (124: timeout, >128: signal)"
	return 1
}

# check_lists [<path>...]: roadmap-list --json, committed and working tree,
# equals the oracle, lists the valid issues, names none of the paths, and
# warns once with the oracle's count of invalid files
check_lists () {
	for _mode in --committed --worktree
	do
		_opt=
		test "$_mode" = --committed && _opt=--committed
		expect_exit 0 roadmap-list --json $_opt >actual 2>err &&
		python3 "$ORACLE" $_opt >expect &&
		python3 "$ORACLE" --compare expect actual &&
		python3 "$ORACLE" $_opt --invalid >invalid &&
		_n=$(wc -l <invalid | tr -d ' ') &&
		if test "$_n" = 0
		then
			! grep "invalid issue file" err
		else
			test "$(grep -c "invalid issue file" err)" = 1 &&
			case $_mode in
			--committed) _see="roadmap-refresh -v" ;;
			*) _see=roadmap-check ;;
			esac &&
			grep "^roadmap-list: warning: $_n invalid issue files* (see $_see)\$" err
		fi &&
		for _id in $VALID_IDS
		do
			grep "^{\"id\": \"$_id\", " actual || {
				echo "check_lists $_mode: $_id is not listed"
				return 1
			}
		done &&
		for _path
		do
			! grep -F "\"path\": \"$_path\"" actual || {
				echo "check_lists $_mode: $_path is listed"
				return 1
			}
		done || return 1
	done
}

# check_bad <path> <line:col> <message>: commit the file; roadmap-check
# <path> (working tree and staged) prints exactly
# "<path>:<line:col>: error: <message>" and exits 1; the oracle finds the
# problem at the same place; roadmap-refresh -v names the file; the
# listings leave it out
check_bad () {
	git add -- "$1" &&
	test_tick &&
	git commit -qm "bad: $1" &&
	printf '%s:%s: error: %s\n' "$1" "$2" "$3" >expect.check &&
	expect_exit 1 roadmap-check "$1" >actual.check &&
	test_cmp expect.check actual.check &&
	expect_exit 1 roadmap-check --cached "$1" >actual.check &&
	test_cmp expect.check actual.check &&
	python3 "$ORACLE" --parse "$1" >parsed &&
	grep "\"kind\": \"invalid\", \"error\": \"$2: " parsed &&
	expect_exit 0 roadmap-refresh -v 2>refresh.err &&
	grep -Fx "roadmap-refresh: $1:$2: $3" refresh.err &&
	check_lists "$1"
}

# check_valid <path> <id>: commit the file; it is listed under its id in
# both listings (as the oracle says); roadmap-check finds nothing to say
check_valid () {
	git add -- "$1" &&
	test_tick &&
	git commit -qm "odd but valid: $1" &&
	expect_exit 0 roadmap-check "$1" >out &&
	test_must_be_empty out &&
	python3 "$ORACLE" --parse "$1" >parsed &&
	grep "\"kind\": \"issue\", \"id\": \"$2\"" parsed &&
	check_lists &&
	grep "^{\"id\": \"$2\", \"path\": \"$1\"" actual &&
	roadmap-list --json --committed >actual &&
	grep "^{\"id\": \"$2\", \"path\": \"$1\"" actual
}

# check_notissue <path>: commit the file; no listing counts it, but named
# to roadmap-check, it says why it is no issue
check_notissue () {
	git add -- "$1" &&
	test_tick &&
	git commit -qm "no issue: $1" &&
	python3 "$ORACLE" --parse "$1" >parsed &&
	grep "\"kind\": \"notissue\"" parsed &&
	printf '%s:1:1: error: not an issue file: the first line is not '"'"'---'"'"'\n' "$1" >expect.check &&
	expect_exit 1 roadmap-check "$1" >actual.check &&
	test_cmp expect.check actual.check &&
	expect_exit 0 roadmap-refresh -v 2>refresh.err &&
	! grep -F "$1" refresh.err &&
	check_lists "$1"
}

# bounded_rss <command>...: the command's peak memory stays under MAX_RSS_KIB
bounded_rss () {
	/usr/bin/time -f %M -o rss timeout 20 "$@" >/dev/null 2>&1
	_rc=$?
	test "$_rc" -le 1 &&
	_kib=$(tail -n 1 rss) &&
	echo "peak RSS of '$1': $_kib KiB" &&
	test "$_kib" -lt "$MAX_RSS_KIB"
}

# the issues around which everything else breaks
test_expect_success 'setup: a repository with valid issues, and a file outside it' '
	git init -q repo &&
	mkdir outside &&
	write_issue outside/outside.md OUTSIDE-1 todo "Outside the repository" &&
	(
		cd repo &&
		write_issue $R/V-1.md V-1 todo "First" &&
		write_issue $R/V-2.md V-2 done "Second" "labels: [bug, ui]" &&
		write_issue $R/sub/V-3.md V-3 todo "Third, in a folder" &&
		printf -- "---\ntitle: Named by its file\nstatus: todo\n---\n" >$R/NAMED.md &&
		write_issue notes/inside.md INSIDE-1 todo "In the repository, under no root" &&
		git add . &&
		test_tick &&
		git commit -qm valid &&
		expect_exit 0 roadmap-check >out &&
		test_must_be_empty out &&
		check_lists
	)
'
cd repo || exit 1

# --- YAML syntax errors, at their line and column ---

test_expect_success 'a flow sequence never closed' '
	printf -- "---\nid: B-1\ntitle: [unclosed\nstatus: todo\n---\nbody\n" >$R/flow.md &&
	# "unclosed status" is one plain scalar over two lines; the ":" after it
	# (4:7) is where "," or "]" was due; the "[" opened at 3:8
	check_bad $R/flow.md 4:7 "did not find expected '"'"','"'"' or '"'"']'"'"' while parsing a flow sequence started at 3:8"
'

test_expect_success 'a colon and a space inside a plain value' '
	printf -- "---\nid: B-2\ntitle: a: b\n---\n" >$R/colon.md &&
	check_bad $R/colon.md 3:9 "mapping values are not allowed in this context"
'

test_expect_success 'a quoted scalar never closed' '
	printf -- "---\nid: B-3\ntitle: \"unterminated\nstatus: todo\n---\n" >$R/quote.md &&
	# the front matter ends where line 5, the closing line, starts
	check_bad $R/quote.md 5:1 "found unexpected end of stream while scanning a quoted scalar started at 3:8"
'

test_expect_success 'a key indented under a plain scalar' '
	printf -- "---\nid: B-4\ntitle: t\n  status: todo\n---\n" >$R/indent.md &&
	check_bad $R/indent.md 4:9 "mapping values are not allowed in this context"
'

test_expect_success 'a tab in indentation' '
	printf -- "---\nid: B-5\nlabels:\n\t- bug\n---\n" >$R/tab.md &&
	check_bad $R/tab.md 4:1 "found a tab that cannot start any token (YAML indents with spaces)"
'

test_expect_success 'a reserved indicator starts a key' '
	printf -- "---\nid: B-6\n@title: t\n---\n" >$R/at.md &&
	check_bad $R/at.md 3:1 "found character '"'"'@'"'"' that cannot start any token"
'

test_expect_success 'conflict markers in the front matter: all reported, in line order' '
	printf -- "---\nid: B-7\n<<<<<<< HEAD\ntitle: ours\n=======\ntitle: theirs\n>>>>>>> topic\n---\n" >$R/conflict.md &&
	git add $R/conflict.md &&
	test_tick &&
	git commit -qm "bad: conflict" &&
	cat >expect <<-EOF &&
	$R/conflict.md:3:1: error: conflict marker
	$R/conflict.md:4:1: error: could not find expected '"'"':'"'"' while scanning a simple key started at 3:1
	$R/conflict.md:5:1: error: conflict marker
	$R/conflict.md:7:1: error: conflict marker
	EOF
	expect_exit 1 roadmap-check $R/conflict.md >actual &&
	test_cmp expect actual &&
	python3 "$ORACLE" --parse $R/conflict.md >parsed &&
	grep "\"error\": \"4:1: " parsed &&
	check_lists $R/conflict.md
'

# --- duplicate keys, and front matter that is no mapping ---

test_expect_success 'a duplicate key' '
	printf -- "---\nid: B-10\ntitle: first\nstatus: todo\ntitle: second\n---\n" >$R/dup-key.md &&
	check_bad $R/dup-key.md 5:1 "duplicate key '"'"'title'"'"'"
'

test_expect_success 'a duplicate key in a nested mapping' '
	printf -- "---\nid: B-11\ntitle: t\nremote:\n  jira: J-1\n  jira: J-2\n---\n" >$R/dup-nested.md &&
	check_bad $R/dup-nested.md 6:3 "duplicate key '"'"'jira'"'"'"
'

test_expect_success 'a duplicate key with a newline in it: still one line' '
	printf -- "---\nid: B-12\ntitle: t\n\"a\\\\nb\": 1\n\"a\\\\nb\": 2\n---\n" >$R/dup-newline.md &&
	check_bad $R/dup-newline.md 5:1 "duplicate key '"'"'a\\nb'"'"'"
'

test_expect_success 'front matter that is a list' '
	printf -- "---\n- id: B-13\n- title: t\n---\n" >$R/root-list.md &&
	check_bad $R/root-list.md 2:1 "front matter is not a mapping"
'

test_expect_success 'front matter that is a scalar' '
	printf -- "---\njust a sentence, no keys\n---\n" >$R/root-scalar.md &&
	check_bad $R/root-scalar.md 2:1 "front matter is not a mapping"
'

test_expect_success 'a second YAML document' '
	printf -- "---\nid: B-15\n--- \ntitle: t\n---\n" >$R/two-docs.md &&
	check_bad $R/two-docs.md 3:1 "front matter holds more than one YAML document"
'

test_expect_success 'a key that is a sequence' '
	printf -- "---\nid: B-16\n? [a, b]\n: c\n---\n" >$R/seq-key.md &&
	check_bad $R/seq-key.md 3:3 "mapping keys must be scalars"
'

# --- the shape of the file ---

test_expect_success 'front matter never closed' '
	printf -- "---\nid: B-20\ntitle: never closed\n\nBody text.\n" >$R/unclosed.md &&
	check_bad $R/unclosed.md 1:1 "front matter has no closing line"
'

test_expect_success 'an empty file is no issue' '
	: >$R/empty.md &&
	check_notissue $R/empty.md
'

test_expect_success 'a file of only "---"' '
	printf -- "---" >$R/only-dashes.md &&
	check_bad $R/only-dashes.md 1:1 "front matter has no closing line"
'

test_expect_success 'a file of only "---" and a newline' '
	printf -- "---\n" >$R/only-dashes-nl.md &&
	check_bad $R/only-dashes-nl.md 1:1 "front matter has no closing line"
'

test_expect_success 'a UTF-8 BOM: a valid issue' '
	printf "\357\273\277---\nid: B-BOM\ntitle: Behind a BOM\n---\n" >$R/bom.md &&
	check_valid $R/bom.md B-BOM &&
	grep "\"title\": \"Behind a BOM\"" actual
'

test_expect_success 'a UTF-8 BOM does not move the columns of errors' '
	printf "\357\273\277---\nid: B-22\ntitle: [x\nstatus: todo\n---\n" >$R/bom-error.md &&
	check_bad $R/bom-error.md 4:7 "did not find expected '"'"','"'"' or '"'"']'"'"' while parsing a flow sequence started at 3:8"
'

test_expect_success 'CRLF line ends: a valid issue, values without CR' '
	printf -- "---\r\nid: B-CRLF\r\ntitle: Windows\r\n---\r\nbody\r\n" >$R/crlf.md &&
	check_valid $R/crlf.md B-CRLF &&
	grep "\"title\": \"Windows\"}" actual
'

test_expect_success 'CRLF line ends: errors at the same line and column' '
	printf -- "---\r\nid: B-24\r\ntitle: [x\r\nstatus: todo\r\n---\r\n" >$R/crlf-error.md &&
	check_bad $R/crlf-error.md 4:7 "did not find expected '"'"','"'"' or '"'"']'"'"' while parsing a flow sequence started at 3:8"
'

test_expect_success 'a lone CR: lines are counted as editors count them' '
	# YAML ends a line at a lone CR, editors and grep do not: the file has
	# 4 lines, and the flow sequence runs to the end of the front matter,
	# the start of line 4 (libyaml would say line 5)
	printf -- "---\nid: B-25\ntitle: x\rstatus: [\n---\n" >$R/lone-cr.md &&
	check_bad $R/lone-cr.md 4:1 "did not find expected node content while parsing a flow node"
'

test_expect_success 'a Unicode line separator (U+2028) counts no line either' '
	printf -- "---\nid: B-26\ntitle: x\342\200\250status: [\n---\n" >$R/line-sep.md &&
	check_bad $R/line-sep.md 4:1 "did not find expected node content while parsing a flow node"
'

test_expect_success 'CR line ends only (classic Mac OS): no issue' '
	printf -- "---\rid: B-27\rtitle: t\r---\r" >$R/cr-only.md &&
	check_notissue $R/cr-only.md
'

# --- bytes that are no text ---

test_expect_success 'invalid UTF-8 in the front matter' '
	printf -- "---\nid: B-30\ntitle: caf\351 au lait\n---\n" >$R/latin1.md &&
	check_bad $R/latin1.md 3:11 "front matter is not valid UTF-8 (byte 0xE9)"
'

test_expect_success 'UTF-16 front matter after a UTF-8 opening line' '
	# libyaml would take the UTF-16 BOM for the encoding of what follows
	python3 -c "
import sys
text = \"\\ufeffid: B-31\\ntitle: x\\u0a20\".encode(\"utf-16-le\")
sys.stdout.buffer.write(b\"---\\n\" + text + b\"---\\n\")
" >$R/utf16.md &&
	check_bad $R/utf16.md 2:1 "front matter is not valid UTF-8 (byte 0xFF)"
'

test_expect_success 'a UTF-8 BOM after the opening line: a valid issue' '
	printf -- "---\n\357\273\277id: B-BOM2\ntitle: BOM inside\n---\n" >$R/bom-inside.md &&
	check_valid $R/bom-inside.md B-BOM2
'

test_expect_success 'a UTF-8 BOM after the opening line, and an error after it' '
	printf -- "---\n\357\273\277id: B-BOM3\ntitle: [x\nstatus: todo\n---\n" >$R/bom-inside-error.md &&
	check_bad $R/bom-inside-error.md 4:7 "did not find expected '"'"','"'"' or '"'"']'"'"' while parsing a flow sequence started at 3:8"
'

test_expect_success 'a NUL byte in the front matter' '
	printf -- "---\nid: B-32\ntitle: a\000b\n---\n" >$R/nul.md &&
	check_bad $R/nul.md 3:9 "control characters are not allowed (U+0000)"
'

test_expect_success 'NUL bytes and invalid UTF-8 in the body only: a valid issue' '
	printf -- "---\nid: B-BODY\ntitle: Binary body\n---\n\000\001\377\376 caf\351\n" >$R/binary-body.md &&
	check_valid $R/binary-body.md B-BODY
'

test_expect_success 'a 2 MiB file' '
	python3 -c "
import sys
sys.stdout.write(\"---\\nid: B-34\\ntitle: big\\n---\\n\" + (\"x\" * 99 + \"\\n\") * 20972)
" >$R/big.md &&
	test $(wc -c <$R/big.md) -gt 2097152 &&
	check_bad $R/big.md 1:1 "file is larger than 1 MiB"
'

test_expect_success TIME 'a 2 MiB file: bounded memory' '
	bounded_rss roadmap-check $R/big.md &&
	bounded_rss roadmap-list --json
'

# --- input built to exhaust a parser ---

test_expect_success '10,000 nested flow sequences' '
	python3 -c "print(\"---\\nid: B-40\\nnest: \" + \"[\" * 10000 + \"]\" * 10000 + \"\\n---\")" >$R/deep-flow.md &&
	# the root mapping is depth 1: the 32nd "[" (column 6 + 32) is one too deep
	check_bad $R/deep-flow.md 3:38 "front matter nests too deeply"
'

test_expect_success '10,000 nested block sequences' '
	python3 -c "print(\"---\\nid: B-41\\nnest:\\n\" + \"- \" * 10000 + \"x\\n---\")" >$R/deep-block.md &&
	# the 32nd "-" is at column 2 * 31 + 1
	check_bad $R/deep-block.md 4:63 "front matter nests too deeply"
'

test_expect_success '10,000 nested flow mappings' '
	python3 -c "print(\"---\\nid: B-42\\nnest: \" + \"{a: \" * 10000 + \"1\" + \"}\" * 10000 + \"\\n---\")" >$R/deep-map.md &&
	# the 32nd "{" is at column 7 + 31 * 4
	check_bad $R/deep-map.md 3:131 "front matter nests too deeply"
'

test_expect_success 'a billion laughs (alias bomb)' '
	python3 -c "
lines = [\"---\", \"id: B-43\", \"lol: &a [\" + \", \".join([\"lol\"] * 10) + \"]\"]
prev = \"a\"
for i in range(1, 10):
    lines.append(\"l%d: &l%d [%s]\" % (i, i, \", \".join([\"*\" + prev] * 10)))
    prev = \"l%d\" % i
print(\"\\n\".join(lines + [\"---\"]))
" >$R/bomb.md &&
	check_bad $R/bomb.md 3:6 "anchors and aliases are not allowed in front matter"
'

test_expect_success TIME 'deep nesting and the alias bomb: bounded memory' '
	bounded_rss roadmap-check $R/deep-flow.md &&
	bounded_rss roadmap-check $R/deep-block.md &&
	bounded_rss roadmap-check $R/bomb.md &&
	bounded_rss test-parse $R/deep-flow.md $R/deep-block.md $R/deep-map.md $R/bomb.md &&
	bounded_rss roadmap-refresh --rebuild &&
	bounded_rss roadmap-list --json
'

test_expect_success 'an unknown tag' '
	printf -- "---\nid: B-44\ntitle: !foo bar\n---\n" >$R/tag.md &&
	check_bad $R/tag.md 3:8 "explicit tags are not allowed in front matter"
'

test_expect_success 'a language-specific tag' '
	printf -- "---\nid: B-45\ntitle: !!python/object/apply:os.system [\"echo pwned\"]\n---\n" >$R/tag-python.md &&
	check_bad $R/tag-python.md 3:8 "explicit tags are not allowed in front matter"
'

test_expect_success 'a %YAML directive' '
	printf -- "---\n%%YAML 1.1\n--- \nid: B-46\ntitle: t\n---\n" >$R/directive.md &&
	check_bad $R/directive.md 2:1 "directives are not allowed in front matter"
'

test_expect_success 'a key longer than 64 KiB' '
	python3 -c "print(\"---\\nid: B-47\\n\" + \"k\" * 70000 + \": v\\n---\")" >$R/long-key.md &&
	check_bad $R/long-key.md 3:70001 "a key over 1024 characters needs '"'"'? '"'"' before it (YAML'"'"'s limit for implicit keys)"
'

test_expect_success 'a key longer than 64 KiB, first in the front matter' '
	python3 -c "print(\"---\\n\" + \"k\" * 70000 + \": v\\nid: B-48\\n---\")" >$R/long-key-first.md &&
	check_bad $R/long-key-first.md 2:70001 "a key over 1024 characters needs '"'"'? '"'"' before it (YAML'"'"'s limit for implicit keys)"
'

test_expect_success 'a key longer than 64 KiB after "? ": a valid issue' '
	python3 -c "print(\"---\\nid: B-LONGKEY\\ntitle: t\\n? \" + \"k\" * 70000 + \"\\n: v\\n---\")" >$R/long-key-explicit.md &&
	check_valid $R/long-key-explicit.md B-LONGKEY &&
	roadmap-list --committed --where "title=t" --format "%(id)" >out &&
	echo B-LONGKEY >expect &&
	test_cmp expect out
'

# --- ids that cannot be file names ---

test_expect_success 'an id with a slash' '
	printf -- "---\nid: a/b\ntitle: t\n---\n" >$R/id-slash.md &&
	check_bad $R/id-slash.md 2:5 "invalid id: contains '"'"'/'"'"'"
'

test_expect_success 'an id that is ".."' '
	printf -- "---\nid: ..\ntitle: t\n---\n" >$R/id-dotdot.md &&
	check_bad $R/id-dotdot.md 2:5 "invalid id: '"'"'.'"'"' and '"'"'..'"'"' are not ids"
'

test_expect_success 'an id with a newline' '
	printf -- "---\nid: \"B-52\\\\nx\"\ntitle: t\n---\n" >$R/id-newline.md &&
	check_bad $R/id-newline.md 2:5 "invalid id: contains a control character"
'

test_expect_success 'an id from a literal block, which ends in a newline' '
	printf -- "---\nid: |\n  B-53\ntitle: t\n---\n" >$R/id-block.md &&
	check_bad $R/id-block.md 2:5 "invalid id: contains a control character"
'

test_expect_success 'an id with an escape character' '
	printf -- "---\nid: \"B\\\\e[31m\"\ntitle: t\n---\n" >$R/id-escape.md &&
	check_bad $R/id-escape.md 2:5 "invalid id: contains a control character"
'

test_expect_success 'an empty id' '
	printf -- "---\nid: \"\"\ntitle: t\n---\n" >$R/id-empty.md &&
	check_bad $R/id-empty.md 2:5 "invalid id: empty"
'

test_expect_success 'an id that is a list' '
	printf -- "---\nid: [B, 56]\ntitle: t\n---\n" >$R/id-list.md &&
	check_bad $R/id-list.md 2:5 "invalid id: not a scalar"
'

test_expect_success 'an id longer than a file name may be' '
	python3 -c "print(\"---\\nid: \" + \"L\" * 300 + \"\\ntitle: t\\n---\")" >$R/id-long.md &&
	check_bad $R/id-long.md 2:5 "invalid id: longer than 252 bytes"
'

test_expect_success 'a file name that gives an empty id' '
	printf -- "---\ntitle: t\n---\n" >$R/-dash.md &&
	git add -- $R/-dash.md &&
	test_tick &&
	git commit -qm "bad: -dash.md" &&
	echo "$R/-dash.md:1:1: error: no usable id: the file name gives none (empty); add an id field" >expect &&
	expect_exit 1 roadmap-check -- $R/-dash.md >actual &&
	test_cmp expect actual &&
	expect_exit 0 roadmap-refresh -v 2>refresh.err &&
	grep -Fx "roadmap-refresh: $R/-dash.md:1:1: invalid id from the file name" refresh.err &&
	check_lists $R/-dash.md
'

test_expect_success 'a file name with a tab gives no id; the path is quoted' '
	printf -- "---\ntitle: t\n---\n" >"$R/tab	name.md" &&
	git add -- "$R/tab	name.md" &&
	test_tick &&
	git commit -qm "bad: tab in a name" &&
	printf "\"%s\":1:1: error: %s\n" "$R/tab\\tname.md" \
		"no usable id: the file name gives none (contains a control character); add an id field" >expect &&
	expect_exit 1 roadmap-check "$R/tab	name.md" >actual &&
	test_cmp expect actual &&
	check_lists "$R/tab	name.md"
'

test_expect_success 'an id that another file has by its name' '
	printf -- "---\nid: NAMED\ntitle: Claims the id of NAMED.md\n---\n" >$R/claims-named.md &&
	git add $R/claims-named.md &&
	test_tick &&
	git commit -qm "dup: NAMED" &&
	echo "$R/claims-named.md:2:1: error: duplicate id '"'"'NAMED'"'"': '"'"'$R/NAMED.md'"'"' has it too" >expect &&
	expect_exit 1 roadmap-check $R/claims-named.md >actual &&
	test_cmp expect actual &&
	echo "$R/NAMED.md:1:1: error: duplicate id '"'"'NAMED'"'"': '"'"'$R/claims-named.md'"'"' has it too" >expect &&
	expect_exit 1 roadmap-check $R/NAMED.md >actual &&
	test_cmp expect actual &&
	check_lists &&
	grep "^{\"id\": \"NAMED\", \"path\": \"$R/NAMED.md\"" actual &&
	grep "^{\"id\": \"NAMED\", \"path\": \"$R/claims-named.md\"" actual &&
	grep -Fx "roadmap-list: warning: id '"'"'NAMED'"'"' is used by more than one issue file (see roadmap-check)" err &&
	roadmap-list --json --committed >actual 2>err &&
	grep -Fx "roadmap-list: warning: id '"'"'NAMED'"'"' is used by more than one issue file (see roadmap-check)" err
'

# --- what is no regular file ---

# check_odd <path> <what>: roadmap-check <path> warns that it is <what>,
# not an issue file, and exits 0
check_odd () {
	echo "$1: warning: $2, not an issue file (not indexed)" >expect.check &&
	expect_exit 0 roadmap-check "$1" >actual.check &&
	test_cmp expect.check actual.check
}

test_expect_success 'a symbolic link to an issue file inside the repository' '
	ln -s ../../notes/inside.md $R/link-inside.md &&
	git add $R/link-inside.md &&
	test_tick &&
	git commit -qm "symlink inside" &&
	test "$(git ls-files -s $R/link-inside.md | cut -c1-6)" = 120000 &&
	check_odd $R/link-inside.md "a symbolic link" &&
	check_lists $R/link-inside.md &&
	! grep INSIDE-1 actual &&
	roadmap-list --json >actual &&
	! grep INSIDE-1 actual &&
	expect_exit 1 roadmap-show INSIDE-1
'

test_expect_success 'a symbolic link to an issue file outside the repository' '
	ln -s "$SHARNESS_TRASH_DIRECTORY/outside/outside.md" $R/link-outside.md &&
	test -f $R/link-outside.md &&
	git add $R/link-outside.md &&
	test_tick &&
	git commit -qm "symlink outside" &&
	check_odd $R/link-outside.md "a symbolic link" &&
	check_lists $R/link-outside.md &&
	! grep OUTSIDE-1 actual &&
	roadmap-list --json --committed >actual &&
	! grep OUTSIDE-1 actual &&
	expect_exit 1 roadmap-show OUTSIDE-1 &&
	expect_exit 1 roadmap-show --committed OUTSIDE-1
'

test_expect_success 'a root reached through a symbolic link holds nothing' '
	ln -s "$SHARNESS_TRASH_DIRECTORY/outside" linked &&
	git add linked &&
	test_tick &&
	git commit -qm "a symlinked folder" &&
	git config --add roadmap.path $R &&
	git config --add roadmap.path linked/. &&
	check_lists &&
	! grep OUTSIDE-1 actual &&
	expect_exit 1 roadmap-show OUTSIDE-1 &&
	git config --unset-all roadmap.path &&
	check_lists
'

test_expect_success 'a submodule named x.md, checked out' '
	git init -q $R/sub.md &&
	(
		cd $R/sub.md &&
		write_issue inner.md SUBMOD-1 todo "Inside a submodule" &&
		git add inner.md &&
		git commit -qm sub
	) &&
	git update-index --add --cacheinfo 160000,$(git -C $R/sub.md rev-parse HEAD),$R/sub.md &&
	test_tick &&
	git commit -qm "a submodule" &&
	check_odd $R/sub.md "a submodule" &&
	check_lists $R/sub.md/inner.md &&
	! grep SUBMOD-1 actual &&
	roadmap-list --json --committed >actual &&
	! grep SUBMOD-1 actual
'

test_expect_success 'a submodule named x.md, not checked out' '
	git update-index --add --cacheinfo 160000,$(git rev-parse HEAD),$R/uninit.md &&
	test_tick &&
	git commit -qm "a submodule, not checked out" &&
	test_path_is_missing $R/uninit.md &&
	check_odd $R/uninit.md "a submodule" &&
	check_lists $R/uninit.md
'

test_expect_success 'a folder named d.md: the issues in it are issues' '
	write_issue $R/d.md/inner.md D-INNER todo "In a folder named d.md" &&
	check_valid $R/d.md/inner.md D-INNER &&
	grep "^{\"id\": \"D-INNER\", \"path\": \"$R/d.md/inner.md\", \"root\": \"$R\", \"dir\": \"d.md\"" actual &&
	expect_exit 0 roadmap-check $R/d.md >out &&
	test_must_be_empty out
'

test_expect_success 'a FIFO named x.md: nothing waits for it' '
	mkfifo $R/fifo.md &&
	check_lists $R/fifo.md &&
	expect_exit 1 roadmap-check >out &&
	! grep fifo out &&
	rm $R/fifo.md
'

test_expect_success '50,000 keys: indexed in bounded time' '
	python3 -c "
print(\"---\\nid: B-MANY\\ntitle: Many keys\")
for i in range(50000):
    print(\"k%05d: %d\" % (i, i))
print(\"---\")
" >$R/many-keys.md &&
	check_valid $R/many-keys.md B-MANY
'

# --- the whole bad repository ---

test_expect_success 'roadmap-check names every invalid file once, and warns of the others' '
	expect_exit 1 roadmap-check >out &&
	python3 "$ORACLE" --invalid >invalid &&
	sed -n "s/:[0-9]*:[0-9]*: error: .*//p" out | sort -u >named &&
	{
		sed -e "s/\t/\\\\t/" -e "/\\\\t/s/.*/\"&\"/" invalid &&
		# valid issues, with an id another file has too
		echo $R/NAMED.md &&
		echo $R/claims-named.md
	} | sort >expect &&
	test_cmp expect named &&
	grep -Fx "$R/link-inside.md: warning: a symbolic link, not an issue file (not indexed)" out &&
	grep -Fx "$R/link-outside.md: warning: a symbolic link, not an issue file (not indexed)" out &&
	grep -Fx "$R/sub.md: warning: a submodule, not an issue file (not indexed)" out &&
	grep -Fx "$R/uninit.md: warning: a submodule, not an issue file (not indexed)" out
'

test_expect_success 'roadmap-check --cached warns of a new symbolic link, and lets it be committed' '
	ln -s V-1.md $R/new-link.md &&
	git add $R/new-link.md &&
	echo "$R/new-link.md: warning: a symbolic link, not an issue file (not indexed)" >expect &&
	expect_exit 0 roadmap-check --cached >actual &&
	test_cmp expect actual &&
	test_tick &&
	git commit -qm "new link" &&
	expect_exit 0 roadmap-check --cached >actual &&
	test_must_be_empty actual
'

# vg <code> <command>...: under valgrind (and its children but git), the
# command exits with code: no memory error, no definite leak
vg () {
	_code=$1
	shift
	TIMEOUT=600 expect_exit $_code valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite --trace-children=yes \
		--trace-children-skip="*/git" "$@" >vg.out 2>vg.err || {
		cat vg.err
		return 1
	}
}

test_expect_success VALGRIND 'no memory error or leak on the whole bad repository (valgrind)' '
	vg 0 roadmap-refresh --rebuild &&
	vg 0 roadmap-refresh -v &&
	vg 0 roadmap-list --json &&
	vg 0 roadmap-list --json --committed &&
	vg 1 roadmap-check &&
	vg 1 roadmap-check $R/long-key.md $R/deep-flow.md $R/bomb.md $R/dup-newline.md &&
	vg 0 test-parse $(find $R -maxdepth 1 -type f -name "*.md" ! -name "*[[:space:]]*")
'

test_expect_success 'a path over 511 bytes is named and left out; the rest indexes' '
	# LMDB keys hold 511 bytes at most, and paths are keys
	long=$(printf "%0200d" 0) &&
	write_issue $R/$long/$long/$long/p.md P-LONGPATH &&
	git add $R/$long &&
	test_tick &&
	git commit -qm "a path of 630 bytes" &&
	roadmap-refresh 2>err &&
	grep "^roadmap-refresh: warning: $R/$long/$long/$long/: path too long to index (6[0-9][0-9] bytes, at most 511)\$" err &&
	expect_exit 0 roadmap-list --json --committed >actual &&
	grep "^{\"id\": \"V-1\", " actual &&
	! grep P-LONGPATH actual &&
	roadmap-fsck --full
'

test_done
