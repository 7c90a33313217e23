#!/bin/sh
test_description='roadmap-status and roadmap-fsck: the sync state, checked against git'
. ./test-lib.sh

# digest_of <commit>: the digest as DESIGN defines it, computed here from
# git ls-tree: the sum mod 2^160 of SHA-1(path NUL raw-oid), little-endian
digest_of () {
	git ls-tree -r -z --full-tree "$1" -- .roadmap/issues | python3 -c '
import hashlib, sys
total = 0
for rec in sys.stdin.buffer.read().split(b"\0"):
    if not rec:
        continue
    meta, path = rec.split(b"\t", 1)
    mode, kind, oid = meta.split()
    name = path.rsplit(b"/", 1)[-1]
    if mode not in (b"100644", b"100755") or len(name) <= 3 or not name.endswith(b".md"):
        continue
    h = hashlib.sha1(path + b"\0" + bytes.fromhex(oid.decode())).digest()
    total = (total + int.from_bytes(h, "little")) % (1 << 160)
print(total.to_bytes(20, "little").hex())'
}

# json_get <key>...: a value of roadmap-status --json, as Python prints it
json_get () {
	roadmap-status --json | python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1:]:
    v = v[int(k)] if isinstance(v, list) else v[k]
print(json.dumps(v) if isinstance(v, (dict, list)) or v is None else v)' "$@"
}

# check_exposition: stdin follows the Prometheus text format's rules
check_exposition () {
	python3 -c '
import re, sys
name_re = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
bs, q = chr(92), chr(34)
# name="...": any character but a quote, a backslash or a newline, or one of those escaped
label_re = "[a-zA-Z_][a-zA-Z0-9_]*=" + q + "(?:[^" + q + bs + bs + "\n]|" + bs + bs + "[" + bs + bs + q + "n])*" + q
sample = re.compile(r"^(%s)(\{(%s(,%s)*)?\})? (\S+)$" % (name_re, label_re, label_re))
typed, helped, seen, done, last = {}, set(), set(), set(), None
for n, line in enumerate(sys.stdin.read().split("\n")[:-1], 1):
    m = re.match(r"^# (HELP|TYPE) (%s) (.*)$" % name_re, line)
    if m:
        kind, name, rest = m.groups()
        if kind == "TYPE":
            assert rest in ("counter", "gauge", "histogram", "summary", "untyped"), line
            assert name not in typed and name not in done, "TYPE twice or late: " + line
            typed[name] = rest
        else:
            assert name not in helped, "HELP twice: " + line
            helped.add(name)
        continue
    assert not line.startswith("#"), "bad comment line %d: %s" % (n, line)
    m = sample.match(line)
    assert m, "bad sample line %d: %r" % (n, line)
    name, value = m.group(1), m.group(5)
    float(value)
    assert name in typed, "sample before its TYPE: " + line
    if last and last != name:
        done.add(last)
    assert name not in done, "samples of %s not together" % name
    last = name
    series = (name, m.group(2))
    assert series not in seen, "duplicate series: " + line
    seen.add(series)
assert typed, "no metrics"
'
}

test_expect_success 'setup: 300 issues (some invalid), indexed' '
	git init -q repo &&
	(
		cd repo &&
		python3 "$TEST_DIRECTORY/lib/gen-issues.py" --seed 11 --count 300 \
			--root .roadmap/issues >/dev/null &&
		git add -A && git commit -qm one &&
		roadmap-refresh -q
	)
'

test_expect_success 'status --json: commit, trees, counts as git and the oracle see them' '
	(
		cd repo &&
		test "$(json_get commit)" = "$(git rev-parse HEAD)" &&
		test "$(json_get head)" = "$(git rev-parse HEAD)" &&
		test "$(json_get behind)" = 0 &&
		test "$(json_get fresh)" = True &&
		test "$(json_get state)" = clean &&
		test "$(json_get roots 0 path)" = .roadmap/issues &&
		test "$(json_get roots 0 tree)" = "$(git rev-parse HEAD:.roadmap/issues)" &&
		test "$(json_get size_bytes)" = "$(stat -c %s "$(index_path)")" &&
		python3 "$ORACLE" --committed >records &&
		test "$(json_get issues)" = "$(wc -l <records | tr -d " ")" &&
		python3 "$ORACLE" --committed --invalid >invalid &&
		test "$(json_get invalid)" = "$(wc -l <invalid | tr -d " ")" &&
		git ls-tree -r -z --name-only HEAD .roadmap/issues | tr "\0" "\n" |
			grep "[^/]\.md\$" >blobs &&
		test "$(json_get files)" = "$(wc -l <blobs | tr -d " ")" &&
		test "$(json_get last_refresh mode)" = rebuild &&
		test "$(json_get last_refresh by)" = roadmap-refresh &&
		test "$(json_get last_refresh parsed)" = "$(wc -l <blobs | tr -d " ")"
	)
'

test_expect_success 'status --json: issues by status equal the oracle counts' '
	(
		cd repo &&
		python3 -c "
import collections, json, sys
n = collections.Counter()
for line in open(\"records\"):
    s = json.loads(line)[\"fields\"].get(\"status\")
    if isinstance(s, str) and len(s.encode()) <= 40:
        n[s] += 1
    elif s is None:
        n[\"\"] += 1
print(json.dumps(dict(sorted(n.items()))))" >expect &&
		json_get by_status | python3 -c "
import json, sys
print(json.dumps(dict(sorted(json.load(sys.stdin).items()))))" >actual &&
		test_cmp expect actual
	)
'

test_expect_success 'the digest is the sum git ls-tree gives' '
	(
		cd repo &&
		test "$(json_get digest)" = "$(digest_of HEAD)"
	)
'

test_expect_success 'the people format says the same' '
	(
		cd repo &&
		roadmap-status >out &&
		grep "^state:   clean, matches HEAD\$" out &&
		grep "^commit:  $(git rev-parse HEAD)\$" out &&
		grep "^root:    .roadmap/issues (tree $(git rev-parse HEAD:.roadmap/issues))\$" out &&
		grep "^issues:  $(wc -l <records | tr -d " ") (" out &&
		grep "^digest:  $(digest_of HEAD)\$" out
	)
'

test_expect_success 'fsck: a clean index passes, quick and full, silently' '
	(
		cd repo &&
		roadmap-fsck >out 2>err &&
		test_must_be_empty out &&
		test_must_be_empty err &&
		roadmap-fsck --full >out 2>err &&
		test_must_be_empty out &&
		test_must_be_empty err
	)
'

test_expect_success 'commits behind HEAD: status says so and does not refresh' '
	(
		cd repo &&
		indexed=$(git rev-parse HEAD) &&
		mutate_valid_issues 12 >/dev/null && git commit -qm two &&
		mutate_valid_issues 13 >/dev/null && git commit -qm three &&
		git commit -q --allow-empty -m four &&
		test "$(json_get behind)" = "$(git rev-list --count $indexed..HEAD)" &&
		test "$(json_get behind)" = 3 &&
		test "$(json_get fresh)" = False &&
		test "$(json_get commit)" = $indexed &&
		roadmap-status --prometheus >prom &&
		grep "^roadmap_commits_behind_head{worktree=\"[^\"]*\"} 3\$" prom &&
		grep "^roadmap_index_fresh{worktree=\"[^\"]*\"} 0\$" prom &&
		test "$(indexed_commit)" = $indexed
	)
'

test_expect_success 'fsck names a stale index and what differs, and exit 1' '
	(
		cd repo &&
		test_expect_code 1 roadmap-fsck >out &&
		grep "^index: at commit $(json_get commit), HEAD is $(git rev-parse HEAD)\$" out &&
		git diff --name-only $(json_get commit) HEAD -- .roadmap/issues |
			grep "[^/]\.md\"\{0,1\}\$" >changed &&
		test -s changed &&
		while read -r path
		do
			grep -F ": $path: " out || return 1
		done <changed &&
		test "$(indexed_commit)" = "$(json_get commit)"
	)
'

test_expect_success 'a reader heals; status names it and what it did' '
	(
		cd repo &&
		from=$(json_get commit) &&
		roadmap-list >/dev/null 2>&1 &&
		test "$(json_get commit)" = "$(git rev-parse HEAD)" &&
		test "$(json_get last_refresh by)" = roadmap-list &&
		test "$(json_get last_refresh mode)" = incremental &&
		git diff --no-renames --name-status -z $from HEAD -- .roadmap/issues |
			tr "\0" "\n" | paste - - | grep "[^/]\.md\$" >ns &&
		test "$(json_get last_refresh added)" = "$(grep -c "^A" ns)" &&
		test "$(json_get last_refresh modified)" = "$(grep -c "^M" ns)" &&
		test "$(json_get last_refresh deleted)" = "$(grep -c "^D" ns)" &&
		test "$(json_get digest)" = "$(digest_of HEAD)" &&
		roadmap-fsck --full
	)
'

test_expect_success 'a commit that touches no issue file: recorded as an advance, nothing done' '
	(
		cd repo &&
		git commit -q --allow-empty -m "no issue file" &&
		roadmap-list >/dev/null 2>&1 &&
		test "$(json_get commit)" = "$(git rev-parse HEAD)" &&
		test "$(json_get last_refresh mode)" = advance &&
		test "$(json_get last_refresh parsed)" = 0 &&
		test "$(json_get last_refresh added)" = 0 &&
		test "$(json_get last_refresh modified)" = 0 &&
		test "$(json_get last_refresh deleted)" = 0 &&
		roadmap-fsck
	)
'

test_expect_success 'a hook refresh is named after its hook' '
	(
		cd repo &&
		roadmap-install-hooks -q &&
		mutate_valid_issues 14 >/dev/null && git commit -qm five &&
		wait_for_refresh &&
		test "$(json_get commit)" = "$(git rev-parse HEAD)" &&
		test "$(json_get last_refresh by)" = post-commit &&
		roadmap-install-hooks --uninstall -q
	)
'

test_expect_success '--prometheus follows the exposition format' '
	(
		cd repo &&
		roadmap-status --prometheus >prom &&
		check_exposition <prom &&
		grep "^# TYPE roadmap_issues gauge\$" prom &&
		grep "^roadmap_invalid_files{worktree=\"$(pwd)/\"} $(json_get invalid)\$" prom &&
		grep "^roadmap_index_size_bytes{worktree=\"$(pwd)/\"} $(stat -c %s "$(index_path)")\$" prom &&
		grep "^roadmap_last_refresh_duration_seconds{" prom &&
		grep "^roadmap_index_age_seconds{" prom &&
		sum=$(sed -n "s/^roadmap_issues{.*} //p" prom | awk "{ n += \$1 } END { print n }") &&
		test "$sum" = "$(json_get issues)"
	)
'

test_expect_success 'label values are escaped: a worktree named with a quote and a backslash' '
	mkdir "we\"ird\\dir" &&
	(
		cd "we\"ird\\dir" &&
		git init -q &&
		write_issue .roadmap/issues/1.md 1 "say \"hi\"" "One" &&
		git add . && git commit -qm one &&
		roadmap-refresh -q &&
		roadmap-status --prometheus >prom &&
		check_exposition <prom &&
		grep "worktree=\".*we\\\\\"ird\\\\\\\\dir/\"" prom &&
		grep "^roadmap_issues{status=\"say \\\\\"hi\\\\\"\"," prom
	)
'

test_expect_success PROMTOOL 'promtool check metrics accepts --prometheus' '
	(
		cd repo &&
		roadmap-status --prometheus | promtool check metrics
	) &&
	(
		cd "we\"ird\\dir" &&
		roadmap-status --prometheus | promtool check metrics
	)
'

# tamper <db> <key> <value>: write one row behind roadmap's back (mdb_load
# -T escapes: \xx is a byte in hex)
tamper () {
	printf "%s\n%s\n" "$2" "$3" >load &&
	mdb_load -n -T -s "$1" "$(index_path)" <load
}

# as_text: mdb_dump's hex lines as mdb_load -T text, every byte \xx
# (mdb_dump -p prints a backslash bare, which mdb_load -T then reads as an
# escape: a row holding the byte 0x5c, as a nanosecond mtime may, would
# come back changed)
as_text () {
	sed "s/^ //;s/../\\\\&/g"
}

# row_of <db> <key>: the value of a row, as mdb_load -T wants it
row_of () {
	_key=$(printf "%s" "$2" | od -An -tx1 -v | tr -d " \n") &&
	mdb_dump -n -s "$1" "$(index_path)" | sed -n "/^ $_key\$/{n;p;q;}" | as_text
}

test_expect_success 'fsck names a file row that points at another blob' '
	(
		cd repo &&
		roadmap-fsck &&
		git ls-tree -r --name-only HEAD .roadmap/issues | grep "/[^/ ]*\.md\$" | head -2 >two &&
		a=$(sed -n 1p two) && b=$(sed -n 2p two) &&
		tamper files "$a" "$(row_of files "$b")" &&
		test_expect_code 1 roadmap-fsck >out &&
		grep "^differs: $a: HEAD has blob $(git rev-parse HEAD:$a), the index blob $(git rev-parse HEAD:$b)\$" out &&
		grep "^digest: HEAD.s trees sum to $(digest_of HEAD), the index.s rows to " out &&
		grep "^digest: the index records $(digest_of HEAD), its rows sum to " out &&
		roadmap-refresh -q --rebuild &&
		roadmap-fsck --full
	)
'

test_expect_success 'fsck names a row the tree lacks' '
	(
		cd repo &&
		a=$(sed -n 1p two) &&
		tamper files ".roadmap/issues/zz-not-in-git.md" "$(row_of files "$a")" &&
		test_expect_code 1 roadmap-fsck >out &&
		grep "^extra: .roadmap/issues/zz-not-in-git.md: the index has blob $(git rev-parse HEAD:$a), HEAD has nothing\$" out &&
		roadmap-refresh -q --rebuild &&
		roadmap-fsck
	)
'

test_expect_success 'fsck --full names a record that is not its blob, which the quick check cannot see' '
	(
		cd repo &&
		mdb_dump -n -s nums "$(index_path)" | sed -n "/^HEADER=END/,/^DATA=END/p" |
			sed "1d;\$d" | sed -n "1,4p" | as_text >rows &&
		key1=$(sed -n 1p rows) &&
		val2=$(sed -n 4p rows) &&
		tamper nums "$key1" "$val2" &&
		roadmap-fsck &&
		test_expect_code 1 roadmap-fsck --full >out &&
		grep "^differs: .*: the record differs from a parse of its blob\$" out &&
		roadmap-refresh -q --rebuild &&
		roadmap-fsck --full
	)
'

test_expect_success 'fsck --full names a posting no record makes' '
	(
		cd repo &&
		num=$(mdb_dump -n -s nums "$(index_path)" | sed -n "/^HEADER=END/{n;p;q;}" | as_text) &&
		tamper terms "status\\1fno-such-status" "$num" &&
		test_expect_code 1 roadmap-fsck --full >out &&
		grep "^extra: .*: terms has the posting \"status\\\\037no-such-status\"\$" out &&
		roadmap-refresh -q --rebuild &&
		roadmap-fsck --full
	)
'

test_expect_success 'fsck --full names a wrong count' '
	(
		cd repo &&
		n=$(json_get issues) &&
		tamper meta issues 7 &&
		test_expect_code 1 roadmap-fsck --full >out &&
		grep "^differs: meta says 7 issues, the records make $n\$" out &&
		roadmap-refresh -q --rebuild &&
		roadmap-fsck --full
	)
'

test_expect_success 'no index yet: fsck says so, exit 1; status says none' '
	git init -q empty &&
	(
		cd empty &&
		write_issue .roadmap/issues/1.md 1 todo "One" &&
		git add . && git commit -qm one &&
		test_expect_code 1 roadmap-fsck >out &&
		grep "^index: there is none" out &&
		roadmap-status >out &&
		grep "^state:   none yet" out &&
		test "$(json_get state)" = null
	)
'

test_expect_success 'duplicate ids: named by roadmap-status in each format' '
	git init -q dupr && (
		cd dupr && mkdir -p .roadmap/issues &&
		for f in a b
		do
			printf -- "---\nid: D-1\ntitle: %s\n---\n" $f >.roadmap/issues/$f.md || exit 1
		done &&
		printf -- "---\nid: Z-9\ntitle: z\n---\n" >.roadmap/issues/z1.md &&
		printf -- "---\nid: Z-9\ntitle: y\n---\n" >.roadmap/issues/z2.md &&
		git add -A && test_tick && git commit -qm dups &&
		roadmap-refresh -q &&
		roadmap-status >out &&
		grep "^dups:    2 ids used by more than one file: D-1, Z-9 (roadmap-check names the files)$" out &&
		roadmap-status --json | python3 -c "import json,sys; sys.exit(json.load(sys.stdin)[\"duplicate_ids\"] != [\"D-1\", \"Z-9\"])" &&
		roadmap-status --prometheus | grep "^roadmap_duplicate_ids{.*} 2$"
	)
'

test_done
