#!/bin/sh
test_description='roadmap-list and roadmap-show: typed values, priority order, JSON numbers, one line per issue, ids as typed, warning summaries'
. ./test-lib.sh

if python3 -c 'import yaml' 2>/dev/null
then
	test_set_prereq PYYAML
fi

# issue <name> <front matter lines (printf format)>: .roadmap/issues/<name>.md
issue () {
	mkdir -p .roadmap/issues &&
	printf -- "---\n$2---\nBody.\n" >".roadmap/issues/$1.md"
}

test_expect_success 'setup: priorities of both scales, numbers, nulls, dates' '
	git init -q &&
	issue p1 "id: P-1\ntitle: a\npriority: medium\n" &&
	issue p2 "id: P-2\ntitle: b\npriority: low\n" &&
	issue p3 "id: P-3\ntitle: c\npriority: High\n" &&
	issue p4 "id: P-4\ntitle: d\npriority: critical\n" &&
	issue p5 "id: P-5\ntitle: e\npriority: zzz\n" &&
	issue p6 "id: P-6\ntitle: f\npriority: abc\n" &&
	issue p7 "id: P-7\ntitle: g\n" &&
	issue p8 "id: P-8\ntitle: h\npriority: ~\n" &&
	git add . && git commit -qm priorities
'

test_expect_success '--sort -priority: the known scale by rank, highest first; unknowns after, absent last' '
	roadmap-list --sort -priority --format "%(id) %(priority)" >actual &&
	cat >expect <<-\EOF &&
	P-4 critical
	P-3 High
	P-1 medium
	P-2 low
	P-5 zzz
	P-6 abc
	P-7 
	P-8 ~
	EOF
	test_cmp expect actual
'

test_expect_success '--sort priority: lowest first; unknowns still after the scale, absent last' '
	roadmap-list --sort priority --format "%(id)" >actual &&
	printf "P-2\nP-1\nP-3\nP-4\nP-6\nP-5\nP-7\nP-8\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'roadmap.priorities wins when set: comma-separated and multi-valued, any case' '
	test_when_finished "git config --unset-all roadmap.priorities" &&
	git config roadmap.priorities "zzz, LOW" &&
	git config --add roadmap.priorities medium &&
	roadmap-list --sort -priority --format "%(id)" >actual &&
	printf "P-5\nP-2\nP-1\nP-4\nP-6\nP-3\nP-7\nP-8\n" >expect &&
	test_cmp expect actual &&
	roadmap-list --sort priority --format "%(id)" --committed >actual &&
	printf "P-1\nP-2\nP-5\nP-3\nP-6\nP-4\nP-7\nP-8\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'Backlog.md tasks: high, medium, low' '
	mkdir backlog && (
		cd backlog &&
		git init -q &&
		git config roadmap.path backlog/tasks &&
		mkdir -p backlog/tasks &&
		for p in medium low high medium high
		do
			n=$((${n:-0} + 1)) &&
			printf -- "---\nid: task-$n\ntitle: T$n\nstatus: To Do\npriority: $p\n---\n" \
				>"backlog/tasks/task-$n - T$n.md" || return 1
		done &&
		git add . && git commit -qm tasks &&
		roadmap-list --sort -priority --format "%(priority) %(id)" >actual &&
		printf "high task-3\nhigh task-5\nmedium task-1\nmedium task-4\nlow task-2\n" >expect &&
		test_cmp expect actual
	)
'

# the values of progress_percentage, and the operands below: PyYAML (YAML
# 1.1) and the YAML 1.2 core schema type each of them alike (1e+2 is a
# number in YAML 1.2, a string in 1.1: not here)
VALUES="100 100.0 1.0e+2 95 -3 2.5 1.5e+3 0 null ~ NULL absent empty '100' '95' abc 100x"

test_expect_success 'setup: numbers, nulls and strings' '
	n=0 &&
	for v in $VALUES
	do
		n=$((n + 1)) &&
		case $v in
		absent) issue "n$n" "id: N-$n\ntitle: n$n\n" ;;
		empty) issue "n$n" "id: N-$n\ntitle: n$n\nprogress_percentage:\n" ;;
		*) issue "n$n" "id: N-$n\ntitle: n$n\nprogress_percentage: $v\n" ;;
		esac || return 1
	done &&
	git add . && git commit -qm numbers
'

test_expect_success '--where =100 matches 100.0 and 1.0e+2; >50 matches no null (quoted, a string)' '
	roadmap-list --where progress_percentage=100 --format "%(id) %(progress_percentage)" >actual &&
	printf "N-1 100\nN-14 100\nN-2 100.0\nN-3 1.0e+2\n" >expect &&
	test_cmp expect actual &&
	roadmap-list --where "progress_percentage>50" --format "%(id) %(progress_percentage)" >actual &&
	printf "N-1 100\nN-15 95\nN-16 abc\nN-2 100.0\nN-3 1.0e+2\nN-4 95\nN-7 1.5e+3\n" >expect &&
	test_cmp expect actual
'

test_expect_success PYYAML '--where with every operator equals the PyYAML oracle' '
	for op in "=" "!=" "<" "<=" ">" ">="
	do
		for operand in 100 1.0e+2 100.0 50 -3 0 1.5e+3 abc 95
		do
			roadmap-list --committed --where "id~^N-" --where "progress_percentage$op$operand" --format "%(id)" \
				>"out" 2>/dev/null
			test $? -le 1 &&
			python3 - "$op" "$operand" >expect <<-\EOF &&
			import glob, sys, yaml
			op, operand = sys.argv[1], sys.argv[2]
			def typed(text):
			    v = yaml.safe_load(text)
			    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else text
			o = typed(operand)
			ids = []
			for path in glob.glob(".roadmap/issues/n*.md"):
			    fm = yaml.safe_load(open(path).read().split("---")[1])
			    if fm.get("progress_percentage") is None:
			        ok = op == "!="
			    else:
			        v = fm["progress_percentage"]
			        if isinstance(v, str) or not isinstance(o, (int, float)):
			            v, ob = str(v) if isinstance(v, str) else None, operand
			            if v is None:  # a number against a string: its text
			                raw = [l for l in open(path) if l.startswith("progress_percentage:")][0]
			                v = raw.split(":", 1)[1].strip()
			            a, b = v.encode(), ob.encode()
			        else:
			            a, b = v, o
			        ok = {"=": a == b, "!=": a != b, "<": a < b, "<=": a <= b,
			              ">": a > b, ">=": a >= b}[op]
			    if ok:
			        ids.append(fm["id"])
			print("".join(i + "\n" for i in sorted(ids)), end="")
			EOF
			test_cmp expect out || { echo "differs: progress_percentage$op$operand"; return 1; }
		done
	done
'

test_expect_success 'a null or absent field matches no comparison but !=, nor a regex' '
	roadmap-list --where "progress_percentage!=100" --format "%(id)" >actual &&
	for id in N-9 N-10 N-11 N-12 N-13
	do
		grep -x "$id" actual || return 1
	done &&
	test_expect_code 1 roadmap-list --where "progress_percentage~^(null|~|NULL|)$" >actual &&
	test_must_be_empty actual &&
	test_expect_code 1 roadmap-list --where "progress_percentage<=null" >actual &&
	test_must_be_empty actual
'

test_expect_success 'setup: dates as roadmap-cli and Backlog.md write them' '
	issue d1 "id: D-1\ntitle: d1\ndue: 2026-01-05\n" &&
	issue d2 "id: D-2\ntitle: d2\ndue: \"2026-01-05 10:00\"\n" &&
	issue d3 "id: D-3\ntitle: d3\ndue: 2026-01-05T09:30:00Z\n" &&
	issue d4 "id: D-4\ntitle: d4\ndue: 2026-01-05T11:00:00+02:00\n" &&
	issue d5 "id: D-5\ntitle: d5\ndue: 2026-01-06\n" &&
	issue d6 "id: D-6\ntitle: d6\ndue: 2025-12-31T23:59:59\n" &&
	issue d7 "id: D-7\ntitle: d7\ndue: 2026-1-5\n" &&
	git add . && git commit -qm dates
'

test_expect_success '--where on dates: a date alone compares on the date, times as instants' '
	roadmap-list --where due=2026-01-05 --format "%(id)" >actual &&
	printf "D-1\nD-2\nD-3\nD-4\n" >expect &&
	test_cmp expect actual &&
	roadmap-list --where "due>2026-01-05" --format "%(id)" >actual &&
	printf "D-5\nD-7\n" >expect &&
	test_cmp expect actual &&
	roadmap-list --where "due<2026-01-05 10:00" --format "%(id)" >actual &&
	printf "D-3\nD-4\nD-6\n" >expect &&
	test_cmp expect actual &&
	roadmap-list --where "due>=2026-01-05T10:00:00Z" --format "%(id)" >actual &&
	printf "D-1\nD-2\nD-5\nD-7\n" >expect &&
	test_cmp expect actual &&
	roadmap-list --where "due<2026-01-01" --format "%(id)" >actual &&
	echo D-6 >expect &&
	test_cmp expect actual
'

test_expect_success '--sort on dates: in time order' '
	roadmap-list --where "id~^D-[1-6]" --sort due --format "%(id)" >actual &&
	printf "D-6\nD-1\nD-4\nD-3\nD-2\nD-5\n" >expect &&
	test_cmp expect actual
'

test_expect_success '--json prints numbers as YAML wrote them, or the shortest equal form' '
	issue j1 "id: J-1\ntitle: j\na: 100.0\nb: -3\nc: 1.5e3\nd: .5\ne: +1\nf: 0x10\ng: 007\nh: 1.\ni: .inf\nj: -.nan\nk: 1E+2\nl: 0o17\nm: 123456789012345678901234567890\nn: +.5e-3\n" &&
	roadmap-list --json --where id=J-1 >actual &&
	grep "\"a\": 100.0, \"b\": -3, \"c\": 1.5e3, \"d\": 0.5, \"e\": 1, \"f\": 16, \"g\": 7, \"h\": 1.0, \"i\": \".inf\", \"j\": \"-.nan\", \"k\": 1E+2, \"l\": 15, \"m\": 123456789012345678901234567890, \"n\": 0.0005}" actual &&
	python3 -c "
import json
f = json.loads(open(\"actual\").read())[\"fields\"]
assert f[\"a\"] == 100.0 and isinstance(f[\"a\"], float), f
assert (f[\"b\"], f[\"c\"], f[\"d\"], f[\"e\"], f[\"f\"], f[\"g\"]) == (-3, 1500.0, 0.5, 1, 16, 7), f
assert f[\"m\"] == 123456789012345678901234567890
assert f[\"i\"] == \".inf\" and f[\"j\"] == \"-.nan\"
"
'

test_expect_success PYYAML '--json numbers: the text YAML wrote when JSON takes it, read back as PyYAML reads it' '
	roadmap-list --json --where "id~^N-" --committed >actual &&
	python3 - <<-\EOF
	import json, re, yaml
	for line in open("actual"):
	    r = json.loads(line)
	    fm = yaml.safe_load(open(r["path"]).read().split("---")[1])
	    v = fm.get("progress_percentage")
	    assert r["fields"].get("progress_percentage") == v, (r, fm)
	    assert type(r["fields"].get("progress_percentage")) is type(v), (r, fm)
	    raw = [l.split(":", 1)[1].strip() for l in open(r["path"]) if l.startswith("progress_percentage:")]
	    if isinstance(v, (int, float)) and not isinstance(v, bool):
	        printed = re.search(r"\"progress_percentage\": ([^,}]*)", line).group(1)
	        assert printed == raw[0], (printed, raw)
	EOF
'

test_expect_success 'setup: values with tabs, newlines, quotes, backslashes, control bytes' '
	issue q1 "id: Q-1\ntitle: \"two\\\\nlines\"\nstatus: \"in\\\\tprogress\"\n" &&
	issue q2 "id: Q-2\ntitle: \"back\\\\\\\\slash \\\\\"quoted\\\\\" \\\\x01 \\\\x7f caf\\\\u00e9\"\nstatus: todo\n" &&
	issue q3 "id: Q\\\\3\ntitle: |\n  block\n  text\nstatus: todo\nlabels: [a, \"b\\\\tc\"]\n" &&
	git add . && git commit -qm quoting &&
	python3 -c "
import yaml
for n in (1, 2, 3):
    print(yaml.safe_load(open(\".roadmap/issues/q%d.md\" % n).read().split(\"---\")[1]))
"
'

test_expect_success 'default output: one line per issue, values C-quoted as git quotes paths' '
	roadmap-list --where "title~." --where "id~^Q" >actual &&
	cat >expect <<-\EOF &&
	Q-1	"in\tprogress"	"two\nlines"
	Q-2	todo	"back\\slash \"quoted\" \001 \177 café"
	"Q\\3"	todo	"block\ntext\n"
	EOF
	test_cmp expect actual &&
	cut -f1 actual >ids &&
	printf "Q-1\nQ-2\n\"Q\\\\\\\\3\"\n" >expect &&
	test_cmp expect ids
'

test_expect_success '--format quotes each value the same way; -z prints them verbatim' '
	roadmap-list --where "id~^Q" --format "%(id)|%(labels)|%(title)" >actual &&
	cat >expect <<-\EOF &&
	Q-1||"two\nlines"
	Q-2||"back\\slash \"quoted\" \001 \177 café"
	"Q\\3"|"a,b\tc"|"block\ntext\n"
	EOF
	test_cmp expect actual &&
	roadmap-list -z --where "id~^Q" --format "%(title)" >actual &&
	printf "two\nlines\0back\\\\slash \"quoted\" \001 \177 caf\303\251\0block\ntext\n\0" >expect &&
	test_cmp expect actual &&
	roadmap-show Q-1 >actual &&
	test_cmp .roadmap/issues/q1.md actual
'

test_expect_success 'setup: ids as roadmap-cli and Backlog.md make them' '
	issue back-100 "id: BACK-100\ntitle: b\n" &&
	issue ab12cdef "id: ab12cdef\ntitle: x\n" &&
	issue ab12ffee "id: ab12ffee\ntitle: y\n" &&
	issue ab34aaaa "id: ab34aaaa\ntitle: z\n" &&
	issue case-1 "id: Case-7\ntitle: u\n" &&
	issue case-2 "id: CASE-7\ntitle: v\n" &&
	git add . && git commit -qm ids
'

test_expect_success 'roadmap-show: an id ignoring case, then a unique prefix of 4+ characters' '
	roadmap-show back-100 >actual &&
	test_cmp .roadmap/issues/back-100.md actual &&
	roadmap-show AB34 >actual &&
	test_cmp .roadmap/issues/ab34aaaa.md actual &&
	roadmap-show --committed ab12c >actual &&
	test_cmp .roadmap/issues/ab12cdef.md actual &&
	roadmap-show Case-7 >actual &&
	test_cmp .roadmap/issues/case-1.md actual &&
	test_expect_code 1 roadmap-show ab3 2>err &&
	grep "no issue with id .ab3." err
'

test_expect_success 'roadmap-show: an ambiguous id is an error naming the candidates, exit 128' '
	test_expect_code 128 roadmap-show ab12 >out 2>err &&
	test_must_be_empty out &&
	cat >expect <<-\EOF &&
	roadmap-show: error: short id '"'"'ab12'"'"' is ambiguous
	hint: The candidates are:
	hint:   ab12cdef
	hint:   ab12ffee
	EOF
	test_cmp expect err &&
	test_expect_code 128 roadmap-show case-7 2>err &&
	grep "^hint:   CASE-7$" err && grep "^hint:   Case-7$" err
'

test_expect_success 'roadmap-show: the working tree decides which ids there are' '
	issue new "id: NEW-4242\ntitle: n\n" &&
	sed -i "s/^id: ab12ffee/id: zz/" .roadmap/issues/ab12ffee.md &&
	roadmap-show new-42 >actual &&
	test_cmp .roadmap/issues/new.md actual &&
	roadmap-show ab12 >actual &&
	test_cmp .roadmap/issues/ab12cdef.md actual &&
	test_expect_code 1 roadmap-show --committed new-42 &&
	test_expect_code 128 roadmap-show --committed ab12 2>err &&
	grep "is ambiguous" err &&
	git checkout -- .roadmap && rm .roadmap/issues/new.md
'

test_expect_success 'invalid untracked files: the warning points at roadmap-check, which names each' '
	git init -q inv && (
		cd inv &&
		issue ok "id: OK\ntitle: ok\n" &&
		issue bad1 "id: B1\ntitle: [\n" &&
		issue bad2 "id: B2\ntitle: [\n" &&
		git add . && git commit -qm committed &&
		for i in 3 4 5 6 7
		do
			issue "bad$i" "id: B$i\ntitle: [\n" || return 1
		done &&
		roadmap-list >/dev/null 2>err &&
		echo "roadmap-list: warning: 7 invalid issue files (see roadmap-check)" >expect &&
		test_cmp expect err &&
		test_expect_code 1 roadmap-check >out &&
		cut -d: -f1 out | sort -u >named &&
		test_line_count = 7 named &&
		roadmap-list --committed >/dev/null 2>err &&
		echo "roadmap-list: warning: 2 invalid issue files (see roadmap-refresh -v)" >expect &&
		test_cmp expect err &&
		roadmap-refresh -v 2>out &&
		grep -c "roadmap-refresh: .roadmap/issues/bad" out >count &&
		echo 2 >expect && test_cmp expect count
	)
'

test_expect_success '40 duplicate ids: one summary line; roadmap-check names all 80 files' '
	git init -q dups && (
		cd dups &&
		for i in $(seq 1 40)
		do
			issue "a$i" "id: DUP-$i\ntitle: a\n" &&
			issue "b$i" "id: DUP-$i\ntitle: b\n" || return 1
		done &&
		issue c1 "id: ONE\ntitle: c\n" &&
		git add . && git commit -qm dups &&
		issue c2 "id: ONE\ntitle: d\n" &&
		roadmap-list --where id=ONE >out 2>err &&
		test_line_count = 2 out &&
		echo "roadmap-list: warning: 41 ids are used by more than one issue file (see roadmap-check)" >expect &&
		test_cmp expect err &&
		roadmap-list --committed --limit 1 >out 2>err &&
		echo "roadmap-list: warning: 40 ids are used by more than one issue file (see roadmap-check)" >expect &&
		test_cmp expect err &&
		test_expect_code 1 roadmap-check >out &&
		grep -c ": error: duplicate id " out >count &&
		echo 82 >expect && test_cmp expect count &&
		rm .roadmap/issues/b*.md &&
		roadmap-list >/dev/null 2>err &&
		echo "roadmap-list: warning: id '"'"'ONE'"'"' is used by more than one issue file (see roadmap-check)" >expect &&
		test_cmp expect err
	)
'

test_done
