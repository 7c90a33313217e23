#!/bin/sh

test_description='roadmap-watch: the lines on its socket

A client and the watcher share one protocol (lib/watch.c): a request
line, then "ok <bytes>" and a payload, or "no <reason>". Spoken here by
hand, so that neither half can drift without the other noticing.
'

. ./test-lib.sh

if ! command -v python3 >/dev/null
then
	skip_all='python3 speaks to the socket here, and is not available'
	test_done
fi

# ask <line>: send the line (as printf prints it) on watch.sock, print the answer
ask () {
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(".git/roadmap/watch.sock")
s.sendall(sys.argv[1].encode().decode("unicode_escape").encode())
out = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    out += b
sys.stdout.buffer.write(out)
' "$1"
}

test_expect_success 'setup: a watcher' '
	git init -q repo &&
	(
		cd repo &&
		mkdir -p .roadmap/issues &&
		printf -- "---\nid: a\ntitle: A\nstatus: todo\n---\n" >.roadmap/issues/a.md &&
		git add -A && test_tick && git commit -q -m issues &&
		roadmap-watch --detach
	)
'

test_expect_success 'status: "ok <bytes>" and that many bytes' '
	(
		cd repo &&
		ask "status\n" >answer &&
		head -n 1 answer >head &&
		tail -n +2 answer >body &&
		echo "ok $(wc -c <body)" >expect &&
		test_cmp expect head &&
		grep "^worktree $(pwd)/\$" body
	)
'

test_expect_success 'a request it does not know: "no unknown request"' '
	(
		cd repo &&
		ask "bogus\n" >answer &&
		echo "no unknown request" >expect &&
		test_cmp expect answer
	)
'

test_expect_success 'a query for another snapshot: "no another snapshot"' '
	(
		cd repo &&
		ask "query 0 0 0\n" >answer &&
		echo "no another snapshot" >expect &&
		test_cmp expect answer
	)
'

test_expect_success 'a request without its newline gets no answer' '
	(
		cd repo &&
		ask "status" >answer &&
		test_must_be_empty answer
	)
'

test_expect_success 'stop: "ok 0", and the socket goes' '
	(
		cd repo &&
		ask "stop\n" >answer &&
		echo "ok 0" >expect &&
		test_cmp expect answer &&
		i=0 &&
		while test -e .git/roadmap/watch.sock && test $i -lt 100
		do
			i=$((i + 1)) && sleep 0.1 || return 1
		done &&
		test_path_is_missing .git/roadmap/watch.sock
	)
'

test_done
