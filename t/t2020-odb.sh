#!/bin/sh
test_description='lib/odb reads objects as git cat-file does (loose, packed, both kinds of delta); a small refresh starts no git'
. ./test-lib.sh

# check_all: every object of the repository, read by lib/odb, against git
check_all () {
	git cat-file --batch-all-objects --batch-check >expect &&
	cut -d" " -f1 expect | test-odb .git/objects >actual &&
	test_cmp expect actual
}

# has_deltas <kind>: the packs hold more than 20 deltas of that kind, 6
# (offset) or 7 (ref), as the pack's own entry headers say (else a test
# of them shows nothing)
has_deltas () {
	python3 - "$1" .git/objects/pack/*.pack <<-\EOF
	import sys, zlib
	kind, n = int(sys.argv[1]), 0
	for path in sys.argv[2:]:
	    data = open(path, "rb").read()
	    pos = 12
	    for _ in range(int.from_bytes(data[8:12], "big")):
	        c = data[pos]; pos += 1
	        t = (c >> 4) & 7
	        while c & 0x80:
	            c = data[pos]; pos += 1
	        if t == 6:
	            while data[pos] & 0x80:
	                pos += 1
	            pos += 1
	        elif t == 7:
	            pos += 20
	        z = zlib.decompressobj()
	        z.decompress(data[pos:])
	        pos = len(data) - len(z.unused_data)
	        n += t == kind
	sys.exit(0 if n > 20 else "%d deltas of type %d" % (n, kind))
	EOF
}

test_expect_success 'setup: issues, and a file of many versions (deltas once packed)' '
	git init -q &&
	git config roadmap.path .roadmap/issues &&
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25
	do
		write_issue .roadmap/issues/I-$i.md I-$i todo "Issue $i" "estimate: $i" &&
		seq 1 $((300 + i)) >.roadmap/issues/big.md &&
		git add . && git commit -qm "version $i" || return 1
	done
'

test_expect_success 'loose objects' '
	test -z "$(ls .git/objects/pack)" &&
	check_all
'

test_expect_success 'a pack with offset deltas' '
	git repack -adfq --window=50 --depth=50 &&
	test "$(find .git/objects -type f -path "*/objects/??/*" | wc -l)" = 0 &&
	has_deltas 6 &&
	check_all
'

test_expect_success 'a pack with ref deltas (the base named by its id)' '
	git -c repack.useDeltaBaseOffset=false repack -adfq --window=50 --depth=50 &&
	has_deltas 7 &&
	check_all
'

test_expect_success 'loose objects over packs, and an object that is not there' '
	write_issue .roadmap/issues/I-26.md I-26 &&
	git add . && git commit -qm loose &&
	check_all &&
	echo 0123456789012345678901234567890123456789 | test-odb .git/objects >actual &&
	echo "0123456789012345678901234567890123456789 missing" >expect &&
	test_cmp expect actual
'

test_expect_success 'an object whose bytes are not its id is unreadable, not wrong' '
	oid=$(git rev-parse HEAD:.roadmap/issues/I-26.md) &&
	file=.git/objects/$(echo $oid | cut -c1-2)/$(echo $oid | cut -c3-) &&
	cp "$file" saved &&
	chmod u+w "$file" &&
	python3 -c "import sys, zlib; sys.stdout.buffer.write(zlib.compress(b\"blob 5\\0wrong\"))" >"$file" &&
	echo $oid | test-odb .git/objects >actual &&
	echo "$oid unreadable" >expect &&
	cp saved "$file" &&
	test_cmp expect actual
'

test_expect_success 'the tree at a path of a commit' '
	test-odb .git/objects --path $(git rev-parse HEAD) .roadmap/issues >actual &&
	git rev-parse HEAD:.roadmap/issues >expect &&
	test_cmp expect actual &&
	test-odb .git/objects --path $(git rev-parse HEAD~3) .roadmap >actual &&
	git rev-parse HEAD~3:.roadmap >expect &&
	test_cmp expect actual &&
	test "$(test-odb .git/objects --path $(git rev-parse HEAD) no/such)" = none &&
	test "$(test-odb .git/objects --path $(git rev-parse HEAD) .roadmap/issues/big.md)" = unreadable
'

test_expect_success 'a refresh after a commit, and show --committed, start no git process' '
	roadmap-refresh -q &&
	mkdir -p fakebin &&
	real=$(command -v git) &&
	printf "#!/bin/sh\necho \"\$*\" >>\"%s/git.log\"\nexec \"%s\" \"\$@\"\n" "$PWD" "$real" >fakebin/git &&
	chmod +x fakebin/git &&
	for i in 1 2 3
	do
		write_issue .roadmap/issues/I-$i.md I-$i done "Done $i" || return 1
	done &&
	git commit -qam "three done" &&
	PATH="$PWD/fakebin:$PATH" roadmap-refresh -v 2>err &&
	grep "parsed 3 blobs" err &&
	test_path_is_missing git.log &&
	roadmap-list --committed --status done --format "%(id)" >actual &&
	printf "I-1\nI-2\nI-3\n" >expect &&
	test_cmp expect actual &&
	echo "an edit not committed" >>.roadmap/issues/I-2.md &&
	PATH="$PWD/fakebin:$PATH" roadmap-show --committed I-2 >actual &&
	git show HEAD:.roadmap/issues/I-2.md >expect &&
	test_cmp expect actual &&
	test_path_is_missing git.log &&
	git checkout .roadmap/issues/I-2.md
'

# same_as_rebuild: the index lists what a rebuild from scratch lists, and fsck --full agrees
same_as_rebuild () {
	roadmap-fsck --full &&
	roadmap-list --committed --json >incremental 2>/dev/null
	test $? -le 1 &&
	roadmap-refresh --rebuild -q &&
	roadmap-list --committed --json >rebuilt 2>/dev/null
	test $? -le 1 &&
	test_cmp rebuilt incremental
}

test_expect_success 'few folders changed: the refresh reads HEAD'"'"'s trees; many: git'"'"'s index' '
	git init -q folders &&
	(
		cd folders &&
		for d in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20
		do
			for i in 1 2 3
			do
				write_issue .roadmap/issues/m$d/$d-$i.md $d-$i todo "Issue $d-$i" || return 1
			done
		done &&
		git add . && git commit -qm folders &&
		roadmap-refresh -q &&

		write_issue .roadmap/issues/m05/05-2.md 05-2 done "One changed" &&
		git commit -qam one &&
		roadmap-refresh -v 2>err &&
		grep "read from HEAD.s trees" err &&
		grep "modified 1, deleted 0; parsed 1 blobs" err &&
		same_as_rebuild &&

		mkdir -p .roadmap/issues/m07/deep/er &&
		git mv .roadmap/issues/m07/07-1.md .roadmap/issues/m07/deep/er/ &&
		git mv .roadmap/issues/m08/08-1.md .roadmap/issues/m09/ &&
		git rm -q .roadmap/issues/m10/10-1.md &&
		chmod +x .roadmap/issues/m11/11-1.md &&
		git add -A && git commit -qm "moves, a removal, a mode" &&
		roadmap-refresh -v 2>err &&
		grep "read from HEAD.s trees" err &&
		grep "added 2, modified 1, deleted 3; parsed 0 blobs" err &&
		same_as_rebuild &&

		git rm -rq .roadmap/issues/m07 &&
		git commit -qm "a folder removed" &&
		roadmap-refresh -v 2>err &&
		grep "read from HEAD.s trees" err &&
		same_as_rebuild &&

		for d in 01 02 03 04 05 06 08 09 11 12 13 14 15 16 17 18 19 20
		do
			write_issue .roadmap/issues/m$d/$d-3.md $d-3 done "Many changed" || return 1
		done &&
		git commit -qam many &&
		roadmap-refresh -v 2>err &&
		grep "read from git.s index" err &&
		grep "modified 18, deleted 0; parsed 18 blobs" err &&
		same_as_rebuild
	)
'

test_expect_success 'HEAD moved where git'"'"'s index did not follow (update-ref): HEAD'"'"'s trees' '
	(
		cd folders &&
		write_issue .roadmap/issues/m01/01-1.md 01-1 done "Then undone" &&
		git commit -qam "to be undone" &&
		roadmap-refresh -q &&
		git update-ref refs/heads/main HEAD~1 &&
		test_must_fail git diff --cached --quiet &&
		roadmap-refresh -v 2>err &&
		grep "read from HEAD.s trees" err &&
		grep "modified 1, deleted 0; parsed 0 blobs, reused 1" err &&
		same_as_rebuild &&
		git reset -q --hard
	)
'

test_expect_success 'with alternates the objects are left to git, and the refresh indexes the same' '
	git clone -q --shared . shared &&
	(
		cd shared &&
		git config roadmap.path .roadmap/issues &&
		{ test-odb .git/objects </dev/null; test $? = 2; } &&
		roadmap-refresh -q &&
		write_issue .roadmap/issues/I-4.md I-4 done "Done 4" &&
		git commit -qam "four done" &&
		roadmap-refresh -v 2>err &&
		grep "parsed 1 blobs" err &&
		roadmap-list --committed --status done --format "%(id)" >actual &&
		printf "I-1\nI-2\nI-3\nI-4\n" >expect &&
		test_cmp expect actual
	)
'

# A blob git has but neither lib/odb nor git can read fails the refresh,
# which leaves the index as it was; a blob that is not there at all (a
# partial clone) is left out with a warning and the rest is indexed.
test_expect_success 'a blob there but unreadable fails the refresh; a missing one is left out' '
	git init -q broken &&
	(
		cd broken &&
		git config roadmap.path .roadmap/issues &&
		write_issue .roadmap/issues/A.md A todo &&
		git add . && git commit -qm one &&
		roadmap-refresh -q &&
		write_issue .roadmap/issues/B.md B todo &&
		write_issue .roadmap/issues/C.md C todo &&
		git add . && git commit -qm two &&
		oid=$(git rev-parse HEAD:.roadmap/issues/B.md) &&
		file=.git/objects/$(echo $oid | cut -c1-2)/$(echo $oid | cut -c3-) &&
		mv "$file" saved && printf garbage >"$file" &&
		test_expect_code 128 roadmap-refresh -q 2>err &&
		grep "is corrupt" err &&
		roadmap-status --json >status &&
		grep "\"commit\": \"$(git rev-parse HEAD~1)\"" status &&
		rm -f "$file" &&
		roadmap-refresh -q 2>err &&
		grep "^roadmap-refresh: warning: .roadmap/issues/B.md: blob missing (partial or sparse clone?)\$" err &&
		roadmap-list --committed --format "%(id)" >actual &&
		printf "A\nC\n" >expect &&
		test_cmp expect actual &&
		mv saved "$file" &&
		roadmap-refresh --rebuild -q &&
		roadmap-list --committed --format "%(id)" >actual &&
		printf "A\nB\nC\n" >expect &&
		test_cmp expect actual
	)
'

test_done
