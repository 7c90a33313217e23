#!/bin/sh
# The sync's benchmarks (issue 16): sh t/perf/sync.sh [N]   (default 10000)
#
# Against the fake GitHub (t/lib/fakegh.py) on loopback, with N issues:
#   1. a first sync of N remote issues into a repository without any:
#      requests (the fake's log) against ceil(N/100) pages, and the local
#      CPU time of roadmap-sync (user + sys, children included: the fake's
#      time is not local work);
#   2. a sync with nothing changed on either side, N linked issues: its
#      requests (one 304), and its CPU time against roadmap-list
#      --committed's in the same repository, run alternately (medians),
#      without a watcher (the working tree looked at by a stat of each
#      file) and with roadmap.watch true (roadmap-watch tells it);
#   3. roadmap-cli's sync for comparison re-fetches every issue on each run
#      (notes/github-sync-facts.md 3.2): ceil(N/100) requests a run, counted,
#      not run.
# Results: t/perf/results/<date>/sync-N.txt, and on stdout.

N=${1:-10000}
RUNS=${PERF_SYNC_RUNS:-11}
PERF=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$PERF/../.." && pwd)
RES=$PERF/results/$(date +%Y%m%d-%H%M%S)
W=$(mktemp -d /tmp/roadmap-sync-bench.XXXXXX)
PY=$(python3 -c "import sys; print(sys.executable)")
mkdir -p "$RES" || exit 1
trap 'kill $FAKE 2>/dev/null; wait $FAKE 2>/dev/null; rm -rf "$W"' EXIT
PATH=$TOP:$PATH
export PATH
GITHUB_TOKEN=test-token ROADMAP_HTTP_WRITE_GAP_MS=0 ROADMAP_HTTP_CREATE_GAP_MS=0
export GITHUB_TOKEN ROADMAP_HTTP_WRITE_GAP_MS ROADMAP_HTTP_CREATE_GAP_MS

"$PY" "$TOP/t/lib/fakegh.py" --port 0 --state "$W/fake.json" --idle-exit 600 >"$W/port" 2>"$W/fake.err" &
FAKE=$!
while ! test -s "$W/port"; do sleep 0.1; done
URL=http://127.0.0.1:$(head -1 "$W/port")
ctl() { curl -sf -X POST -d "$2" "$URL/_fake/$1" >/dev/null; }
requests() { curl -sf "$URL/_fake/log?count=1"; }

# CPU seconds (user + sys, children included) of one command, run in $W/r
cpu() {
	"$PY" -c "
import os, resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True, cwd=os.environ['R'])
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print('%.4f' % (u.ru_utime + u.ru_stime))" "$@"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

ctl seed "{\"generate\": {\"count\": $N, \"closed_every\": 5}}" || { echo "sync.sh: cannot seed the fake" >&2; exit 1; }
R=$W/r
export R
git init -q "$R" && (cd "$R" && git commit -q --allow-empty -m init &&
	git config roadmap.remote.gh.url "$URL/repos/o/r") || exit 1

before=$(requests)
first=$(cpu roadmap-sync gh -q) || { echo "sync.sh: the first sync failed" >&2; exit 1; }
first_req=$(( $(requests) - before ))
pages=$(( (N + 99) / 100 ))
files=$(cd "$R" && roadmap-list --format x | wc -l)
(cd "$R" && git add -A && git commit -qm synced) || exit 1
# the second sync reads the last page again (its cursor); from the third on nothing changed
cpu roadmap-sync gh -q >/dev/null

# no-change syncs and the queries they are held against, run alternately;
# $1: a suffix for the result files
nochange() {
	: >"$W/sync$1" && : >"$W/list$1" && : >"$W/req$1" && : >"$W/wt$1" && : >"$W/load$1"
	i=0
	while test $i -lt "$RUNS"; do
		before=$(requests)
		cpu roadmap-sync gh -q >>"$W/sync$1" || exit 1
		echo $(( $(requests) - before )) >>"$W/req$1"
		cpu roadmap-list --committed --status todo >>"$W/list$1" || exit 1
		cpu roadmap-list --status todo >>"$W/wt$1" || exit 1
		cpu roadmap-sync -h >>"$W/load$1" || exit 1
		i=$((i + 1))
	done
}
# the working tree looked at by a stat of every file
nochange ""
# and told by roadmap-watch (roadmap.watch true: the first query starts it)
(cd "$R" && git config roadmap.watch true && roadmap-list --status todo >/dev/null && sleep 2) || exit 1
nochange -w
(cd "$R" && roadmap-watch --stop >/dev/null 2>&1)
line() {
	s=$(median <"$W/sync$1") l=$(median <"$W/list$1") r=$(median <"$W/req$1")
	wt=$(median <"$W/wt$1") load=$(median <"$W/load$1")
	echo "no-change sync, $N linked, $2: requests $r (target 1, a 304); CPU median ${s}s vs roadmap-list --committed --status todo ${l}s: $(awk "BEGIN { printf \"%.2f\", $s / $l }")x (target < 3x)"
	echo "  for scale: roadmap-list --status todo (the working tree, which the sync must look at) ${wt}s; roadmap-sync -h (loading libcurl and the rest, nothing done) ${load}s"
}
{
	echo "sync benchmarks, N=$N (fake GitHub on loopback; CPU = user + sys of the program and its children)"
	echo "first sync of $N remote issues: $first_req requests (pages: ceil(N/100) = $pages), $files files, CPU ${first}s (target < 2 s)"
	line "" "no watcher"
	line -w "roadmap.watch true"
	echo "roadmap-cli's sync re-fetches everything: $pages requests a run, against $(median <"$W/req")"
} | tee "$RES/sync-$N.txt"
