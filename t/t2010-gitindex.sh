#!/bin/sh
test_description='lib/gitindex reads git.s index as git does (entries and cached trees)'
. ./test-lib.sh

# entries: what test-gitindex reads, against git ls-files -s (paths raw)
check_entries () {
	test-gitindex .git/index | grep -v "^tree " >actual &&
	git ls-files -s -z | tr "\0" "\n" >expect &&
	test_cmp expect actual
}

# trees: after a commit every cached tree is valid and is HEAD.s
check_trees () {
	test-gitindex .git/index | sed -n "s/^tree //p" | sort >actual &&
	{
		printf "%s\t\n" "$(git rev-parse HEAD^{tree})" &&
		git ls-tree -r -d HEAD | sed "s/^040000 tree //"
	} | sort >expect &&
	test_cmp expect actual
}

test_expect_success 'setup: issues in nested folders, odd names, an executable, a symlink' '
	git init -q &&
	gen_valid_issues 31 200 >/dev/null &&
	mkdir -p "a b/c" d &&
	echo x >"a b/c/x.md" && echo y >d/y && chmod +x d/y &&
	ln -s ../d/y "a b/link" &&
	git add . && git commit -qm one
'

test_expect_success 'version 2: entries and cached trees' '
	check_entries &&
	check_trees
'

test_expect_success 'version 3 (an intent-to-add entry sets the extended flags)' '
	echo new >new.md &&
	git add -N new.md &&
	check_entries &&
	git rm -q --cached new.md && rm new.md
'

test_expect_success 'version 4 (prefix-compressed paths)' '
	git update-index --index-version 4 &&
	check_entries &&
	git commit -q --allow-empty -m two &&
	check_trees &&
	git update-index --index-version 2
'

test_expect_success 'a staged change invalidates its folder and those above, no other' '
	f=$(git ls-files .roadmap/issues | grep "/.*/.*/" | head -1) &&
	dir=${f%/*} &&
	echo "more" >>"$f" && git add "$f" &&
	test-gitindex .git/index | sed -n "s/^tree invalid\t//p" | sort >actual &&
	{
		d=$dir &&
		while test "$d" != "${d%/*}"
		do
			echo "$d" && d=${d%/*} || return 1
		done &&
		echo "$d" && echo ""
	} | sort >expect &&
	test_cmp expect actual &&
	git reset -q --hard
'

test_expect_success 'a split index or a conflict: not used' '
	git update-index --split-index &&
	test_expect_code 1 test-gitindex .git/index &&
	git update-index --no-split-index &&
	test-gitindex .git/index >/dev/null &&
	git checkout -q -b side &&
	echo side >"a b/c/x.md" && git commit -qam side &&
	git checkout -q main &&
	echo main >"a b/c/x.md" && git commit -qam main &&
	test_must_fail git merge -q side &&
	test_expect_code 1 test-gitindex .git/index &&
	git merge --abort
'

test_expect_success 'a truncated or corrupt index is refused, not misread' '
	cp .git/index good &&
	size=$(wc -c <good) &&
	for n in 0 11 12 40 100 $((size / 2)) $((size - 21))
	do
		head -c $n good >bad &&
		test_expect_code 1 test-gitindex bad || return 1
	done &&
	printf "DIRC\0\0\0\11\0\0\0\1" >bad && cat good >>bad &&
	test_expect_code 1 test-gitindex bad
'

test_done
