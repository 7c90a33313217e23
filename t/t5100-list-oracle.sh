#!/bin/sh

test_description='roadmap-list agrees with an independent oracle

t/lib/oracle.py re-implements the parse and list contract with PyYAML'"'"'s
pure-Python parser. On a generated repository of 2,000 varied issue files
(t/lib/gen-issues.py), through a series of commits and working-tree
changes, roadmap-list --json must print what the oracle prints, record for
record, and warn about as many invalid files as the oracle finds.
'

. ./test-lib.sh

require_pyyaml


# the invalid files are not listed
check_invalid_left_out () {
	python3 - invalid actual <<-\EOF
	import json, sys
	bad = set(l for l in open(sys.argv[1], encoding='utf-8').read().split('\n') if l)
	listed = [json.loads(l)['path'] for l in open(sys.argv[2], encoding='utf-8').read().split('\n') if l]
	both = bad.intersection(listed)
	if both:
	    print('invalid files listed:', sorted(both)[:5])
	    sys.exit(1)
	EOF
}

commit_all () {
	git add -A .roadmap &&
	test_tick &&
	git commit -q -m "$1"
}

test_expect_success 'setup: a generated repository of 2,000 issues' '
	git init -q repo &&
	(
		cd repo &&
		python3 "$GEN" --seed 5100 --count 2000 --root .roadmap/issues &&
		commit_all "2,000 issues" &&
		git ls-files .roadmap >files &&
		test_line_count -ge 2000 files
	)
'

test_expect_success 'the corpus has the variety the test relies on' '
	(
		cd repo &&
		python3 "$ORACLE" --invalid >invalid &&
		test_line_count -ge 20 invalid &&
		python3 "$ORACLE" >all &&
		test_line_count -ge 1900 all &&
		git grep -l -I "$(printf "\r")\$" -- .roadmap >crlf &&
		test_line_count -ge 20 crlf &&
		git grep -l "^$(printf "\357\273\277")---" -- .roadmap >bom &&
		test_line_count -ge 10 bom &&
		git grep -l -E "^(headline|description): [|>]" -- .roadmap >block &&
		test_line_count -ge 20 block &&
		grep "\"id\": \"0[0-9]*\"" all >numeric &&
		test_line_count -ge 3 numeric &&
		grep "\"dir\": \"[^\"]*/" all >nested &&
		test_line_count -ge 10 nested
	)
'

test_expect_success 'committed: roadmap-list --json --committed equals the oracle' '
	(
		cd repo &&
		check_oracle --committed &&
		check_invalid_left_out
	)
'

# A build reads its blobs in-process, two readers at once, or (where it
# cannot: alternates) from git cat-file --batch: in small batches, both
# come to the oracle's answer. A git in PATH logs each cat-file --batch.
test_expect_success 'a build in small batches, read in-process or by git cat-file, equals the oracle' '
	mkdir -p bin &&
	cat >bin/git <<-EOF &&
	#!/bin/sh
	case "\$*" in *"cat-file --batch"*) echo batch >>"$PWD/batch.log" ;; esac
	exec "$(command -v git)" "\$@"
	EOF
	chmod +x bin/git &&
	(
		cd repo &&
		for how in 0 1
		do
			rm -f .git/roadmap/index.mdb* "$PWD/../batch.log" &&
			PATH="$PWD/../bin:$PATH" ROADMAP_TEST_CATFILE=$how ROADMAP_TEST_CHUNK=300 \
				roadmap-refresh -q &&
			if test $how = 1
			then
				test_line_count = 1 ../batch.log
			else
				test_path_is_missing ../batch.log
			fi &&
			roadmap-fsck --full &&
			check_oracle --committed || return 1
		done
	)
'

# filtered <field> <value>: the oracle's records (in "all") whose field is
# value, or holds it in a list, as --status/--label match
filtered () {
	python3 - "$1" "$2" all <<-\EOF
	import json, sys
	field, value = sys.argv[1], sys.argv[2]
	def text(v):
	    return "true" if v is True else "false" if v is False else str(v)
	for line in open(sys.argv[3], encoding="utf-8"):
	    v = json.loads(line)["fields"].get(field)
	    vs = v if isinstance(v, list) else [v]
	    if any(x is not None and not isinstance(x, (dict, list)) and text(x) == value for x in vs):
	        print(line, end="")
	EOF
}

# Filtered queries go through the posting lists, not the whole table.
test_expect_success 'committed: filtered queries, from few answers to many, equal the oracle' '
	(
		cd repo &&
		for q in "status todo" "status closed" "priority high" "labels bug" "labels ui" "labels ラベル"
		do
			set -- $q &&
			filtered $1 $2 >expect &&
			roadmap-list --json --committed --where "$1=$2" >actual 2>/dev/null &&
			python3 "$ORACLE" --compare expect actual &&
			wc -l <actual >>counts || return 1
		done &&
		sort -n counts | tail -n 1 >most &&
		test "$(cat most)" -ge 300
	)
'

test_expect_success 'duplicate ids: all listed, counted in one line, each file named by roadmap-check' '
	(
		cd repo &&
		roadmap-list --json --committed >actual 2>err &&
		test_expect_code 1 roadmap-check >check &&
		python3 - actual err check <<-\EOF
		import json, sys, collections
		recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if l]
		err = open(sys.argv[2], encoding="utf-8").read()
		check = open(sys.argv[3], encoding="utf-8", errors="replace").read().split("\n")
		paths = collections.defaultdict(list)
		for r in recs:
		    paths[r["id"]].append(r["path"])
		dups = {i: p for i, p in paths.items() if len(p) > 1}
		if len(dups) < 3:
		    sys.exit("the corpus has too few duplicate ids: %r" % dups)
		want = "roadmap-list: warning: %d ids are used by more than one issue file (see roadmap-check)" % len(dups)
		lines = [l for l in err.split("\n") if "used by more than one" in l]
		bad = 0
		if lines != [want]:
		    print("expected %r, stderr has %r" % (want, lines))
		    bad += 1
		for i, p in sorted(dups.items()):
		    needle = ": error: duplicate id \x27" + i + "\x27: "
		    n = sum(needle in l for l in check)
		    if n != len(p):
		        print("roadmap-check names %d files of id %r, not %d: %r" % (n, i, len(p), p))
		        bad += 1
		sys.exit(1 if bad else 0)
		EOF
	)
'

test_expect_success 'clean working tree: roadmap-list --json equals the oracle' '
	(
		cd repo &&
		check_oracle &&
		check_invalid_left_out
	)
'

for i in 1 2 3 4 5
do
	test_expect_success "commit $i: modify, delete, rename (git mv), add" '
		(
			cd repo &&
			python3 "$GEN" --mutate --git --seed "c$i" --root .roadmap/issues \
				--modify 60 --delete 15 --rename 20 --add 40 &&
			git diff --cached --name-status -M >changes &&
			grep "^M" changes &&
			grep "^D" changes &&
			grep "^A" changes &&
			grep "^R" changes &&
			commit_all "change $i" &&
			check_oracle --committed &&
			check_invalid_left_out &&
			check_oracle
		)
	'
done

test_expect_success 'a rebuilt index lists the same' '
	(
		cd repo &&
		roadmap-list --json --committed >before 2>/dev/null &&
		roadmap-refresh --rebuild -q &&
		roadmap-list --json --committed >after 2>/dev/null &&
		test_cmp before after
	)
'

test_expect_success 'working tree: uncommitted edits, untracked files, rm without git rm' '
	(
		cd repo &&
		python3 "$GEN" --mutate --seed wt1 --root .roadmap/issues \
			--modify 40 --delete 15 --rename 15 --add 30 &&
		git status --porcelain -- .roadmap >status &&
		grep "^ M" status &&
		grep "^ D" status &&
		grep "^??" status &&
		check_oracle &&
		check_invalid_left_out &&
		check_oracle --committed
	)
'

test_expect_success 'working tree: a file turned invalid, an invalid untracked file, a fixed one' '
	(
		cd repo &&
		f=$(git ls-files .roadmap/issues/v0.1 | head -n 1) &&
		test -f "$f" &&
		printf -- "---\nid: x\nid: y\n---\n" >"$f" &&
		printf -- "---\ntitle: [unclosed\n---\n" >.roadmap/issues/backlog/new-invalid.md &&
		python3 "$ORACLE" --committed --invalid >committed-invalid &&
		while read g
		do
			test -f "$g" && break
		done <committed-invalid &&
		test -f "$g" &&
		printf -- "---\nid: fixed-now\ntitle: Fixed\n---\n" >"$g" &&
		check_oracle &&
		check_invalid_left_out &&
		grep "\"id\": \"fixed-now\"" actual &&
		! grep "new-invalid" actual &&
		check_oracle --committed
	)
'

test_expect_success 'working tree: symlinks under a root are not issues' '
	(
		cd repo &&
		f=$(git ls-files .roadmap/issues/v1.0 | head -n 1) &&
		ln -s "../v1.0/${f##*/}" .roadmap/issues/backlog/a-link.md &&
		ln -s ../v1.0 .roadmap/issues/backlog/dir-link &&
		check_oracle &&
		! grep "a-link\|dir-link" actual
	)
'

test_expect_success 'working tree: files of exactly 1 MiB and of 1 MiB + 1 byte' '
	(
		cd repo &&
		python3 - <<-\EOF &&
		head = b"---\nid: big-ok\n---\n"
		open(".roadmap/issues/backlog/big-ok.md", "wb").write(head + b"x" * (1048576 - len(head)))
		head = b"---\nid: big-over\n---\n"
		open(".roadmap/issues/backlog/big-over.md", "wb").write(head + b"x" * (1048577 - len(head)))
		EOF
		check_oracle &&
		grep "\"id\": \"big-ok\"" actual &&
		! grep "big-over" actual &&
		grep "big-over" invalid
	)
'

test_expect_success 'committing the working tree: committed and working tree agree' '
	(
		cd repo &&
		commit_all "working tree" &&
		check_oracle --committed &&
		cp actual committed &&
		check_oracle &&
		test_cmp committed actual &&
		! grep "a-link\|dir-link" actual
	)
'

test_expect_success 'a file deleted from the working tree only, then restored' '
	(
		cd repo &&
		f=$(git ls-files .roadmap/issues/v0.2 | head -n 1) &&
		rm "$f" &&
		check_oracle &&
		! grep -F "\"$f\"" actual &&
		git checkout -- "$f" &&
		check_oracle &&
		check_oracle --committed
	)
'


test_expect_success 'keys stored by number read back as written: known and unknown, quoted, nested, in sequences, near-misses' '
	(
		cd repo &&
		cat >.roadmap/issues/backlog/keys.md <<-\EOF &&
		---
		id: keys-1
		"title": quoted known key
		status: open
		Status: a key that differs by case
		statuses: a longer one
		stat: a shorter one
		remote_ids:
		  github: 12
		  jira: {id: 3, url: "u"}
		subtasks:
		  - {title: a, status: done, notes: ~}
		  - title: b
		    labels: [x, id]
		id2: "id"
		? complex
		: plain key
		---
		EOF
		check_oracle &&
		grep "\"Status\": \"a key that differs by case\"" actual &&
		commit_all keys &&
		check_oracle --committed &&
		roadmap-list --committed --where remote_ids.jira.url=u --format "%(id)" >out &&
		echo keys-1 >expect &&
		test_cmp expect out &&
		roadmap-fsck --full
	)
'

test_done
