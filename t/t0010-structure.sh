#!/bin/sh
test_description='the shape of the sources: layers, no include circle, storage behind lib/index'
. ./test-lib.sh

test_expect_success 'lib/ has no include circle, each module includes only its layer or lower ones; cmd/ makes no mdb_ call; no lib/ file over 800 lines' '
	python3 "$SHARNESS_BUILD_DIRECTORY/t/check-structure.py" "$SHARNESS_BUILD_DIRECTORY" >out &&
	test_must_be_empty out
'

test_expect_success 'the check finds a circle and a layer broken' '
	cp -R "$SHARNESS_BUILD_DIRECTORY/lib" "$SHARNESS_BUILD_DIRECTORY/cmd" . &&
	sed "s|#include \"odb.h\"|&\n#include \"query.h\"|" lib/odb.c >odb.c && mv odb.c lib/odb.c &&
	test_expect_code 1 python3 "$SHARNESS_BUILD_DIRECTORY/t/check-structure.py" . >out &&
	grep "include circle among .*odb.*query" out &&
	grep "lib/odb.\[ch\]: includes query.h, of a higher layer" out
'

# starting libgit2 costs a query more than its answer: only the programs
# that walk trees load it
test_expect_success 'the query programs do not load libgit2' '
	for p in roadmap-list roadmap-show roadmap-status roadmap-refresh roadmap-watch roadmap-fsck
	do
		ldd "$SHARNESS_BUILD_DIRECTORY/$p" >libs &&
		! grep libgit2 libs || return 1
	done
'

test_done
