# t/lib/watch.sh: running roadmap-watch with its automation in a test.
# Source it after test-lib.sh (and after fakegh.sh, when both are used).
#
# ms
#	the time in milliseconds (for "within debounce + 100 ms")
# wait_until SECONDS COMMAND...
#	run the command (its stderr dropped) until it succeeds; fail after SECONDS
# start_watch EVENTS [OPTIONS...]
#	roadmap-watch --json OPTIONS in the background of this shell, its events
#	in the file EVENTS, its stderr appended to watch.err; returns once it
#	answers (its pid in $WATCH_PID, killed when the script ends, as is any
#	pid a test appends to $WATCH_PIDS_FILE)
# stop_watch
#	roadmap-watch --stop, and wait until the process is gone
# status_of KEY
#	the value of a line of roadmap-watch --status (rounds, commits, ...)
# events FILE EVENT [KEY]
#	the KEY (default path) of each event of that kind in FILE, one a line
#	(JSON values as JSON); fails when a line of FILE is no JSON object
# gone PID
#	wait (up to 10 s) until the process has exited (a zombie counts)
# count_is N COMMAND..., count_ge N COMMAND...
#	the command prints N lines (N or more)
# commits_are N, subject_is SUBJECT
#	HEAD has N commits; HEAD's subject
# set_title FILE TITLE
#	the issue file's title line replaced (a new file renamed over it)
#
# It skips the whole file when python3 (which reads the events) does not
# run, and sets ROADMAP_WATCH_BACKOFF_MS=100: retries come in tenths of
# seconds, not seconds.

if ! python3 -c "import json" 2>/dev/null
then
	skip_all='python3 reads the events here, and is not available'
	test_done
fi
ROADMAP_WATCH_BACKOFF_MS=100
export ROADMAP_WATCH_BACKOFF_MS

ms () {
	date +%s%3N
}

wait_until () {
	_wu_end=$(( $(ms) + $1 * 1000 ))
	shift
	until "$@" 2>/dev/null
	do
		test "$(ms)" -lt "$_wu_end" || return 1
		sleep 0.05
	done
}

WATCH_PIDS_FILE=$SHARNESS_TRASH_DIRECTORY/.watch-pids
start_watch () {
	_sw_out=$1
	shift
	# appended: a test may empty the file while the watcher writes;
	# no descriptor of the harness goes to the watcher: prove would wait on it
	roadmap-watch --json "$@" >>"$_sw_out" 2>>watch.err </dev/null \
		3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	WATCH_PID=$!
	# a file, not a variable: tests start watchers in subshells
	echo "$WATCH_PID" >>"$WATCH_PIDS_FILE"
	wait_until 20 roadmap-watch --status >/dev/null
}

gone () {
	_g_i=0
	while kill -0 "$1" 2>/dev/null && ! grep -q "^[0-9]* (.*) Z" "/proc/$1/stat" 2>/dev/null
	do
		_g_i=$((_g_i + 1))
		test $_g_i -lt 100 || return 1
		sleep 0.1
	done
}

stop_watch () {
	_st_pid=$(status_of pid) &&
	roadmap-watch --stop &&
	gone "$_st_pid"
}

status_of () {
	roadmap-watch --status | sed -n "s/^$1 //p"
}

events () {
	python3 -c '
import json, sys
key = sys.argv[3] if len(sys.argv) > 3 else "path"
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["event"] == sys.argv[2]:
        v = e.get(key)
        print(v if isinstance(v, str) else json.dumps(v))
' "$@"
}

count_is () {
	_ci_n=$1
	shift
	test "$("$@" | wc -l)" = "$_ci_n"
}

count_ge () {
	_ci_n=$1
	shift
	test "$("$@" | wc -l)" -ge "$_ci_n"
}

commits_are () {
	test "$(git rev-list --count HEAD)" = "$1"
}

subject_is () {
	test "$(git log -1 --format=%s)" = "$1"
}

set_title () {
	sed "s/^title: .*/title: $2/" "$1" >"$1.tmp" &&
	mv "$1.tmp" "$1"
}

# every watcher started here dies with the script, whether it passes or not
_watch_kill_all () {
	for _wk_pid in $(cat "$WATCH_PIDS_FILE" 2>/dev/null)
	do
		kill "$_wk_pid" 2>/dev/null
	done
	rm -f "$WATCH_PIDS_FILE"
}
if type _fakegh_kill_all >/dev/null 2>&1
then
	cleanup _watch_kill_all
	trap '_watch_rc=$?; _watch_kill_all; _fakegh_kill_all; (exit $_watch_rc); die' EXIT
else
	cleanup _watch_kill_all
	trap '_watch_rc=$?; _watch_kill_all; (exit $_watch_rc); die' EXIT
fi
