# t/lib/fakegh.sh: run t/lib/fakegh.py, the fake GitHub Issues API, from a
# sharness test.  Source it after test-lib.sh:
#
#	. ./test-lib.sh
#	. "$TEST_DIRECTORY/lib/fakegh.sh"
#	require_fakegh
#	test_expect_success 'setup' '
#		fakegh_start &&
#		fakegh_ctl seed "{\"generate\": {\"count\": 10}}" >/dev/null &&
#		git config roadmap.remote.gh.url "$FAKEGH_URL/repos/o/r"
#	'
#
# Call fakegh_start, fakegh_restart and fakegh_stop at the top level of a
# test body, not inside ( ... ): they set shell variables and start the
# server as a child of the test script, and every server started is killed
# when the script ends, whether it passes, fails or dies (through sharness's
# cleanup and an EXIT trap that still calls sharness's die: a test file that
# sets its own EXIT trap must call _fakegh_kill_all from it).
#
# require_fakegh
#	skip the whole file (skip_all + test_done) unless curl and python3 run
# fakegh_start [FAKEGH.PY OPTIONS...]
#	start a server on a free port (e.g. fakegh_start --idle-exit 2) and wait
#	for it; the state file is $FAKEGH_STATE (default: fakegh/state.json in
#	the trash directory; set FAKEGH_STATE before the first start to change
#	it).  Sets FAKEGH_PORT, FAKEGH_URL (http://127.0.0.1:PORT), FAKEGH_PID,
#	FAKEGH_TOKEN (the token it accepts, test-token unless --token),
#	FAKEGH_DIR (its directory: state.json, stderr, port, and the last
#	fakegh_api answer: body, headers, status).
# fakegh_restart [OPTIONS...]
#	start it again on the same port with the same state file (after a die
#	fault or fakegh_stop); OPTIONS default to those of the last start
# fakegh_stop
#	SIGTERM the server (it saves its state) and wait until it is gone
# fakegh_alive [PID]
#	the server (default $FAKEGH_PID) runs: not gone, not a zombie
# fakegh_wait_gone [SECONDS]
#	wait (default 10 s) for the server to exit by itself; fails if it lives
# fakegh_ctl ENDPOINT [JSON]
#	POST JSON (default {}) to /_fake/ENDPOINT: reset, seed, edit, delete,
#	transfer, clock, options, rate, fault; the answer goes to stdout and a
#	status >= 400 fails (the answer says why)
# fakegh_get ENDPOINT
#	GET /_fake/ENDPOINT: state, log, log?summary=1, options, clock, fault
# fakegh_log_count [METHOD [PATH_REGEX [STATUS]]]
#	print how many API requests the log holds with that method ("" for any),
#	path+query matching the Python regex, and status ("null" for a request
#	the server died on); an empty or missing filter matches all
# fakegh_api METHOD PATH [JSON [CURL OPTIONS...]]
#	one authorized API request with curl (PATH: /repos/o/r/... or a full
#	URL; JSON "" for none); the body goes to stdout, the status to
#	$FAKEGH_DIR/status (see fakegh_status) and the headers to
#	$FAKEGH_DIR/headers (fakegh_header); it fails as curl does, e.g. with
#	52 or 56 when the server dies, 18 when it drops the connection
#	e.g.  fakegh_api GET /repos/o/r/issues/1 "" -H "If-None-Match: $etag"
# fakegh_status, fakegh_header NAME
#	the status and one header value (case-insensitive name) of the last
#	fakegh_api answer
# fakegh_json EXPR [FILE]
#	evaluate a Python expression over J, the JSON of FILE or stdin; objects
#	allow attribute access (J.number; a missing key is None); a string is
#	printed as it is, a list one item a line, anything else as JSON.
#	e.g.  fakegh_json "[i.number for i in J if not i.pull_request]" <out

: "${FAKEGH_PY:=$TEST_DIRECTORY/lib/fakegh.py}"
# the interpreter itself, not a wrapper (a pyenv shim costs 0.4 s a call)
FAKEGH_PYTHON=$(python3 -c "import sys; print(sys.executable)" 2>/dev/null)
FAKEGH_TOKEN=test-token
FAKEGH_PIDS=

require_fakegh () {
	if ! command -v curl >/dev/null 2>&1
	then
		skip_all='curl is not available (the fake GitHub tests need it)'
		test_done
	fi
	if ! "${FAKEGH_PYTHON:-python3}" -c 'import http.server' 2>/dev/null
	then
		skip_all='python3 is not available (the fake GitHub runs on it)'
		test_done
	fi
}

fakegh_start () {
	: "${FAKEGH_STATE:=$SHARNESS_TRASH_DIRECTORY/fakegh/state.json}"
	FAKEGH_DIR=$(dirname "$FAKEGH_STATE")
	mkdir -p "$FAKEGH_DIR" &&
	FAKEGH_ARGS="$*" &&
	_fakegh_launch 0 "$@"
}

fakegh_restart () {
	test $# -gt 0 || set -- $FAKEGH_ARGS
	_fakegh_launch "$FAKEGH_PORT" "$@"
}

_fakegh_launch () {
	_fakegh_port=$1
	shift
	case " $* " in
	*" --token "*) FAKEGH_TOKEN=$(printf '%s\n' "$*" | sed 's/.*--token \([^ ]*\).*/\1/') ;;
	esac
	rm -f "$FAKEGH_DIR/port"
	# no descriptor of the harness goes to the server: prove would wait on it
	"$FAKEGH_PYTHON" "$FAKEGH_PY" --port "$_fakegh_port" --state "$FAKEGH_STATE" "$@" \
		>"$FAKEGH_DIR/port" 2>>"$FAKEGH_DIR/stderr" </dev/null \
		3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	FAKEGH_PID=$!
	FAKEGH_PIDS="$FAKEGH_PIDS $FAKEGH_PID"
	_fakegh_i=0
	while ! test -s "$FAKEGH_DIR/port"
	do
		if ! kill -0 "$FAKEGH_PID" 2>/dev/null || test $_fakegh_i -ge 300
		then
			echo "fakegh did not start:"
			cat "$FAKEGH_DIR/stderr"
			return 1
		fi
		sleep 0.1
		_fakegh_i=$((_fakegh_i + 1))
	done
	FAKEGH_PORT=$(head -n 1 "$FAKEGH_DIR/port")
	FAKEGH_URL=http://127.0.0.1:$FAKEGH_PORT
	export FAKEGH_PORT FAKEGH_URL FAKEGH_PID FAKEGH_TOKEN FAKEGH_DIR FAKEGH_STATE
}

fakegh_alive () {
	kill -0 "${1:-$FAKEGH_PID}" 2>/dev/null &&
	! grep -q "^[0-9]* (.*) Z" "/proc/${1:-$FAKEGH_PID}/stat" 2>/dev/null
}

fakegh_wait_gone () {
	_fakegh_i=0
	while fakegh_alive "$FAKEGH_PID"
	do
		if test $_fakegh_i -ge $((${1:-10} * 10))
		then
			echo "fakegh (pid $FAKEGH_PID) is still running"
			return 1
		fi
		sleep 0.1
		_fakegh_i=$((_fakegh_i + 1))
	done
	wait "$FAKEGH_PID" 2>/dev/null
	return 0
}

fakegh_stop () {
	kill "$FAKEGH_PID" 2>/dev/null
	fakegh_wait_gone 10
}

_fakegh_kill_all () {
	for _fakegh_p in $FAKEGH_PIDS
	do
		kill "$_fakegh_p" 2>/dev/null
	done
	for _fakegh_p in $FAKEGH_PIDS
	do
		_fakegh_i=0
		while fakegh_alive "$_fakegh_p" && test $_fakegh_i -lt 50
		do
			sleep 0.1
			_fakegh_i=$((_fakegh_i + 1))
		done
	done
	FAKEGH_PIDS=
}

# servers die with the script: at test_done (before the trash directory
# goes) and on any other exit (sharness's own EXIT trap still runs after)
if type cleanup >/dev/null 2>&1 && type die >/dev/null 2>&1
then
	cleanup _fakegh_kill_all
	trap '_fakegh_rc=$?; _fakegh_kill_all; (exit $_fakegh_rc); die' EXIT
else
	trap '_fakegh_kill_all' EXIT
fi

fakegh_ctl () {
	curl -sS --fail-with-body -X POST -H "Content-Type: application/json" \
		--data-binary "${2:-{\}}" "$FAKEGH_URL/_fake/$1"
}

fakegh_get () {
	curl -sS --fail-with-body "$FAKEGH_URL/_fake/$1"
}

fakegh_log_count () {
	curl -sS --fail-with-body -G "$FAKEGH_URL/_fake/log" --data count=1 \
		--data-urlencode "method=${1-}" --data-urlencode "path=${2-}" \
		--data-urlencode "status=${3-}"
}

fakegh_api () {
	_fakegh_method=$1 _fakegh_url=$2
	shift 2
	case $_fakegh_url in
	/*) _fakegh_url=$FAKEGH_URL$_fakegh_url ;;
	esac
	_fakegh_data=
	if test $# -gt 0
	then
		_fakegh_data=$1
		shift
	fi
	test -z "$_fakegh_data" ||
	set -- "$@" -H "Content-Type: application/json" --data-binary "$_fakegh_data"
	: >"$FAKEGH_DIR/body" &&
	: >"$FAKEGH_DIR/headers" &&
	curl -sS -X "$_fakegh_method" -A roadmap-test/fakegh \
		-H "Authorization: Bearer $FAKEGH_TOKEN" \
		-H "Accept: application/vnd.github+json" \
		-H "X-GitHub-Api-Version: 2022-11-28" \
		-D "$FAKEGH_DIR/headers" -o "$FAKEGH_DIR/body" -w "%{http_code}\n" \
		"$@" "$_fakegh_url" >"$FAKEGH_DIR/status" &&
	cat "$FAKEGH_DIR/body"
}

fakegh_status () {
	cat "$FAKEGH_DIR/status"
}

fakegh_header () {
	tr -d '\r' <"$FAKEGH_DIR/headers" |
	awk -v n="$1" 'BEGIN { n = tolower(n) ":" }
		index(tolower($0), n) == 1 { sub(/^[^:]*: */, ""); v = $0; f = 1 }
		END { if (f) print v }'
}

fakegh_json () {
	"$FAKEGH_PYTHON" -c 'import json, sys
class D(dict):
    __getattr__ = dict.get
J = json.load(open(sys.argv[2]) if len(sys.argv) > 2 else sys.stdin, object_hook=D)
v = eval(sys.argv[1])
s = lambda x: x if isinstance(x, str) else json.dumps(x)
print("".join(s(x) + "\n" for x in v) if isinstance(v, (list, tuple)) else s(v), end="" if isinstance(v, (list, tuple)) else "\n")' "$@"
}
