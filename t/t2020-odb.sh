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
test_expect_success 'a blob there but unreadable fails the refresh; a missing one is left out, and queries say so (exit 2)' '
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
		roadmap-refresh 2>err &&
		grep "^roadmap-refresh: warning: .roadmap/issues/B.md: blob missing (partial or sparse clone?)\$" err &&
		grep "blob missing" err >missing && test_line_count = 1 missing &&
		grep "^roadmap-refresh: warning: 1 issue is unknown" err &&
		roadmap-refresh 2>err &&
		grep "blob missing" err >missing && test_line_count = 1 missing &&
		roadmap-refresh --full 2>err &&
		grep "blob missing" err >missing && test_line_count = 1 missing &&
		test_expect_code 2 roadmap-list --committed --format "%(id)" >actual 2>err &&
		grep "1 issue is unknown" err &&
		printf "A\nC\n" >expect &&
		test_cmp expect actual &&
		mv saved "$file" &&
		roadmap-refresh --rebuild -q &&
		roadmap-list --committed --format "%(id)" >actual &&
		printf "A\nB\nC\n" >expect &&
		test_cmp expect actual
	)
'

# One contract on every read path: a blob there but unreadable fails the
# refresh (exit 128), with an error naming its path, and the index stays
# at the commit it had. The paths: lib/odb in-process (a small walk, and
# a large one read ahead), git cat-file --batch (ROADMAP_TEST_CATFILE=1, a
# walk large enough to be read ahead), libgit2 (a small walk of
# roadmap-reindex: roadmap-refresh --full). Each is broken two ways: a
# loose object's bytes overwritten, and the byte at the blob's offset in
# a pack (its entry's type and size). A blob that is not there at all is
# left out with a warning on each path. Each case has a repository of its
# own, indexed at a first commit.

# indexed_repo <dir>: a repository whose index holds its one commit
indexed_repo () {
	git init -q "$1" &&
	git -C "$1" config roadmap.path .roadmap/issues &&
	write_issue "$1"/.roadmap/issues/A.md A todo &&
	git -C "$1" add . &&
	git -C "$1" commit -qm one &&
	(cd "$1" && roadmap-refresh -q)
}

# many <tag>: 1100 new issues under .roadmap/issues/many/ (a walk that
# reads ahead)
many () {
	mkdir -p .roadmap/issues/many &&
	awk -v tag="$1" 'BEGIN {
		for (i = 1; i <= 1100; i++) {
			f = sprintf(".roadmap/issues/many/M-%04d.md", i)
			printf "---\nid: M-%d\ntitle: %s %d\nstatus: todo\n---\n", i, tag, i >f
			close(f)
		}
	}'
}

# corrupt <loose|packed> <path>: break the blob of HEAD's <path>, loose
# (its bytes overwritten) or packed (all objects packed without deltas,
# then the byte at its offset flipped); restore puts it back
corrupt () {
	oid=$(git rev-parse HEAD:$2) &&
	if test $1 = loose
	then
		broken=.git/objects/$(echo $oid | cut -c1-2)/$(echo $oid | cut -c3-) &&
		test_path_is_file $broken
	else
		git repack -adfq --window=0 &&
		idx=$(echo .git/objects/pack/*.idx) &&
		broken=${idx%.idx}.pack &&
		off=$(git show-index <$idx | awk -v oid=$oid '$2 == oid { print $1 }') &&
		test -n "$off"
	fi &&
	cp $broken saved-object &&
	chmod u+w $broken &&
	if test $1 = loose
	then
		printf garbage >$broken
	else
		python3 -c "import sys
f = open(sys.argv[1], \"r+b\"); f.seek(int(sys.argv[2])); b = f.read(1)
f.seek(int(sys.argv[2])); f.write(bytes([b[0] ^ 0xff]))" $broken $off
	fi
}

restore () {
	cp saved-object $broken
}

# left_out <how> <path> <command>...: with a loose blob gone instead (as in
# a partial clone), the command leaves path out with a warning and
# indexes the rest; the blob is then put back. Packed: only put back.
left_out () {
	_how=$1 _path=$2 &&
	shift 2 &&
	if test $_how = loose
	then
		rm $broken &&
		"$@" 2>err &&
		grep "^roadmap-[a-z]*: warning: $_path: blob missing" err &&
		roadmap-status --json >status &&
		grep "\"commit\": \"$(git rev-parse HEAD)\"" status
	fi &&
	restore &&
	roadmap-refresh --rebuild -q
}

# fails_naming <path> <command>...: the command exits 128, an error names
# path, and the index stays at HEAD~1
fails_naming () {
	_path=$1 &&
	shift &&
	test_expect_code 128 "$@" 2>err &&
	grep "^roadmap-[a-z]*: error: $_path: .*corrupt" err &&
	roadmap-status --json >status &&
	grep "\"commit\": \"$(git rev-parse HEAD~1)\"" status
}

test_expect_success 'setup: a git that logs cat-file --batch' '
	mkdir -p bin &&
	cat >bin/git <<-EOF &&
	#!/bin/sh
	case "\$*" in *"cat-file --batch"*) echo batch >>"$PWD/batch.log" ;; esac
	exec "$(command -v git)" "\$@"
	EOF
	chmod +x bin/git
'

for how in loose packed
do
	test_expect_success "lib/odb, a small walk: a $how blob broken fails the refresh, naming it" '
		indexed_repo odb-$how &&
		(
			cd odb-$how &&
			write_issue .roadmap/issues/B.md B todo &&
			git add . && git commit -qm two &&
			corrupt $how .roadmap/issues/B.md &&
			rm -f ../batch.log &&
			PATH="$PWD/../bin:$PATH" fails_naming .roadmap/issues/B.md roadmap-refresh &&
			test_path_is_missing ../batch.log &&
			left_out $how .roadmap/issues/B.md roadmap-refresh &&
			roadmap-list --committed --format "%(id)" >actual &&
			printf "A\nB\n" >expect &&
			test_cmp expect actual
		)
	'

	test_expect_success "libgit2, a small walk of roadmap-reindex: a $how blob broken fails the refresh, naming it" '
		indexed_repo libgit2-$how &&
		(
			cd libgit2-$how &&
			write_issue .roadmap/issues/B.md B todo &&
			git add . && git commit -qm two &&
			corrupt $how .roadmap/issues/B.md &&
			fails_naming .roadmap/issues/B.md roadmap-refresh --full &&
			left_out $how .roadmap/issues/B.md roadmap-refresh --full &&
			roadmap-list --committed --format "%(id)" >actual &&
			printf "A\nB\n" >expect &&
			test_cmp expect actual
		)
	'

	for catfile in 0 1
	do
		test_expect_success "a walk read ahead (ROADMAP_TEST_CATFILE=$catfile): a $how blob broken fails the refresh, naming it" '
			indexed_repo ahead-$how-$catfile &&
			(
				cd ahead-$how-$catfile &&
				many "$how $catfile" &&
				git add . && git commit -qm many &&
				corrupt $how .roadmap/issues/many/M-0500.md &&
				rm -f ../batch.log &&
				PATH="$PWD/../bin:$PATH" ROADMAP_TEST_CATFILE=$catfile \
					fails_naming .roadmap/issues/many/M-0500.md roadmap-refresh &&
				if test $catfile = 1
				then
					test_line_count = 1 ../batch.log
				else
					test_path_is_missing ../batch.log
				fi &&
				ROADMAP_TEST_CATFILE=$catfile \
					left_out $how .roadmap/issues/many/M-0500.md roadmap-refresh &&
				test "$(roadmap-list --committed --format "%(id)" | wc -l)" = 1101
			)
		'
	done
done

test_done
