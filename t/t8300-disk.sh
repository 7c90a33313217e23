#!/bin/sh
test_description='a full disk, a read-only index, a map that must grow'
. ./test-lib.sh

# A private mount namespace lets the tests put the index on a small tmpfs
# and mount it read-only, as root or (with user namespaces) as anyone. The
# probe does all the tests do: a container may allow the one, not the other.
mkdir -p mount-probe
for u in "unshare -m" "unshare -rm"
do
	if $u sh -c 'mount -t tmpfs -o size=64k tmpfs mount-probe &&
		mount -o remount,ro mount-probe &&
		mount --bind mount-probe mount-probe &&
		mount -o remount,bind,ro mount-probe' 2>/dev/null
	then
		UNSHARE=$u
		break
	fi
done
test -n "$UNSHARE" && test_set_prereq MOUNT
test "$(id -u)" != 0 && test_set_prereq NOT_ROOT

# in_namespace <script>: run the script (sh) with the index directory on a
# tmpfs of $SIZE bytes holding a copy of the index; the mount ends with it
in_namespace () {
	$UNSHARE sh -c '
		dir=$(git rev-parse --git-path roadmap) &&
		cp -a "$dir" saved-index &&
		mount -t tmpfs -o size=$SIZE tmpfs "$dir" &&
		cp -a saved-index/. "$dir"/ &&
		rm -rf saved-index &&
		. "$1"' - "./$1"
}

test_expect_success 'setup: 300 issues, indexed' '
	git init -q repo &&
	(
		cd repo &&
		gen_valid_issues 21 300 >/dev/null &&
		git commit -qm one &&
		roadmap-refresh -q &&
		roadmap-list --json --committed >before
	)
'

test_expect_success MOUNT 'a full disk: refresh fails with a clear message, exit 128, the index as it was' '
	(
		cd repo &&
		size=$(stat -c %s "$(index_path)") &&
		indexed=$(git rev-parse HEAD) &&
		python3 "$TEST_DIRECTORY/lib/gen-issues.py" --seed 22 --count 3000 \
			--root .roadmap/issues/more >/dev/null &&
		git add .roadmap && git commit -qm more &&
		cat >full.sh <<-EOF &&
		roadmap-refresh 2>refresh.err
		echo \$? >refresh.rc
		roadmap-status --json >status.json 2>status.err
		echo \$? >status.rc
		roadmap-list --committed >list.out 2>list.err
		echo \$? >list.rc
		git reset -q --hard $indexed
		roadmap-list --json --committed >after 2>after.err
		echo \$? >after.rc
		roadmap-fsck --full >fsck.out 2>&1
		echo \$? >fsck.rc
		EOF
		SIZE=$((size + 65536)) in_namespace full.sh &&
		test "$(cat refresh.rc)" = 128 &&
		grep "^roadmap-refresh: error: cannot update the index .*: no space left on the device (.* KiB free); the index is as it was\$" refresh.err &&
		grep "^roadmap-refresh: fatal: cannot refresh the index\$" refresh.err &&
		test "$(cat status.rc)" = 0 &&
		grep "\"commit\": \"$indexed\"" status.json &&
		grep "\"state\": \"clean\"" status.json &&
		test "$(cat list.rc)" = 128 &&
		test_must_be_empty list.out &&
		grep "no space left on the device" list.err &&
		test "$(cat after.rc)" = 0 &&
		test_must_be_empty after.err &&
		test_cmp before after &&
		test "$(cat fsck.rc)" = 0 &&
		test_must_be_empty fsck.out
	)
'

test_expect_success MOUNT 'with room again, the same refresh succeeds' '
	(
		cd repo &&
		git reset -q --hard HEAD@{1} &&
		roadmap-refresh &&
		check_oracle --committed &&
		roadmap-fsck --full &&
		git reset -q --hard HEAD~1 &&
		roadmap-refresh -q
	)
'

test_expect_success MOUNT 'a read-only file system: readers answer while the index matches HEAD' '
	(
		cd repo &&
		roadmap-list --json --committed >before &&
		roadmap-list --json >before-wt &&
		cat >ro.sh <<-\EOF &&
		mount -o remount,ro "$(git rev-parse --git-path roadmap)"
		roadmap-list --json --committed >ro-list 2>ro-list.err
		echo $? >ro-list.rc
		roadmap-list --json >ro-wt 2>ro-wt.err
		echo $? >ro-wt.rc
		roadmap-show "$(head -1 ro-list | sed "s/^{\"id\": \"\([^\"]*\)\".*/\1/")" >ro-show 2>ro-show.err
		echo $? >ro-show.rc
		roadmap-fsck >ro-fsck 2>&1
		echo $? >ro-fsck.rc
		git commit -q --allow-empty -m empty
		roadmap-refresh 2>ro-refresh.err
		echo $? >ro-refresh.rc
		roadmap-list --committed >ro-stale 2>ro-stale.err
		echo $? >ro-stale.rc
		roadmap-status >ro-status 2>&1
		echo $? >ro-status.rc
		git reset -q --hard HEAD~1
		EOF
		SIZE=64m in_namespace ro.sh &&
		test "$(cat ro-list.rc)" = 0 && test_must_be_empty ro-list.err &&
		test_cmp before ro-list &&
		test "$(cat ro-wt.rc)" = 0 && test_must_be_empty ro-wt.err &&
		test_cmp before-wt ro-wt &&
		test "$(cat ro-show.rc)" = 0 && test -s ro-show &&
		test "$(cat ro-fsck.rc)" = 0 && test_must_be_empty ro-fsck &&
		test "$(cat ro-refresh.rc)" = 128 &&
		grep "^roadmap-refresh: error: cannot write the index .*: Read-only file system\$" ro-refresh.err &&
		test "$(cat ro-stale.rc)" = 128 &&
		test_must_be_empty ro-stale &&
		grep "Read-only file system" ro-stale.err &&
		test "$(cat ro-status.rc)" = 0 &&
		grep "^state:   clean, stale\$" ro-status
	)
'

test_expect_success MOUNT 'an index directory mounted read-only (as root, where chmod cannot stop a write)' '
	(
		cd repo &&
		cat >bind.sh <<-\EOF &&
		dir=$(git rev-parse --git-path roadmap)
		mount --bind "$dir" "$dir" && mount -o remount,bind,ro "$dir"
		git commit -q --allow-empty -m empty
		roadmap-refresh 2>bind.err
		echo $? >bind.rc
		git reset -q --hard HEAD~1
		roadmap-list --json --committed >bind-list 2>bind-list.err
		echo $? >bind-list.rc
		EOF
		SIZE=64m in_namespace bind.sh &&
		test "$(cat bind.rc)" = 128 &&
		grep "^roadmap-refresh: error: cannot write the index .*: Read-only file system\$" bind.err &&
		test "$(cat bind-list.rc)" = 0 &&
		test_cmp before bind-list
	)
'

test_expect_success NOT_ROOT 'an unwritable index directory (chmod)' '
	(
		cd repo &&
		dir=$(git rev-parse --git-path roadmap) &&
		chmod a-w "$dir" "$dir"/* &&
		git commit -q --allow-empty -m empty &&
		test_expect_code 128 roadmap-refresh 2>err &&
		grep "^roadmap-refresh: error: cannot write the index .*: Permission denied\$" err &&
		git reset -q --hard HEAD~1 &&
		roadmap-list --json --committed >after &&
		chmod u+w "$dir" "$dir"/* &&
		test_cmp before after
	)
'

test_expect_success 'the map grows when the data outgrows it (ROADMAP_TEST_MAPSIZE)' '
	(
		cd repo &&
		rm -f "$(index_path)" "$(index_path)-lock" &&
		ROADMAP_TEST_MAPSIZE=65536 roadmap-refresh -v 2>err &&
		grep "rebuild (no index)" err &&
		test $(stat -c %s "$(index_path)") -gt 262144 &&
		ROADMAP_TEST_MAPSIZE=65536 check_oracle --committed &&
		roadmap-fsck --full
	)
'

test_expect_success 'an incremental refresh grows it too, and readers follow' '
	(
		cd repo &&
		mutate_valid_issues 23 >/dev/null &&
		python3 "$TEST_DIRECTORY/lib/gen-issues.py" --seed 24 --count 600 \
			--root .roadmap/issues/grow >/dev/null &&
		drop_invalid_issues &&
		git commit -qm grow &&
		before=$(stat -c %s "$(index_path)") &&
		ROADMAP_TEST_MAPSIZE=65536 roadmap-refresh &&
		# the first map is twice the file: a file now larger than that
		# shows the map grew
		after=$(stat -c %s "$(index_path)") &&
		echo "index $before -> $after bytes" &&
		test $after -gt $((2 * before)) &&
		ROADMAP_TEST_MAPSIZE=65536 check_oracle --committed &&
		roadmap-fsck --full
	)
'

test_done
