#!/bin/sh
# roadmap benchmarks: sh t/perf/run.sh N...   (see t/perf/README.md)
#
# For each N: build (or reuse) the corpus in t/perf/repos/N, then time the
# roadmap commands and the baselines side by side with hyperfine, take peak
# RSS with /usr/bin/time, check that every command answered correctly, and
# print one table.  Raw hyperfine JSON: t/perf/results/<date>/.
#
# Environment knobs:
#   PERF_BUDGET_MS   time budget per measured operation (default 1500);
#                    runs = clamp(budget / one run, PERF_MIN_RUNS, PERF_MAX_RUNS)
#   PERF_MIN_RUNS    default 3 (2 for commands slower than 5 s unless
#                    set, 1 for commands slower than 20 s)
#   PERF_MAX_RUNS    default 30
#   PERF_BACKLOG=0   skip the Backlog.md baseline (it needs npm)
#   PERF_TOOLS       where npm installs Backlog.md (default
#                    ~/.cache/roadmap-bench: outside the repository, and
#                    kept by make clean)
#   PERF_BACKLOG_MAX largest N to run Backlog.md on (default 10000: at
#                    100,000 one run takes 3 to 5 minutes and 2 GB, and
#                    evicts the page cache the other rows run in)
#   PERF_REBUILD=1   regenerate the corpora even if cached
#   PERF_ROWS='PAT...'  run only the rows whose key (the N-KEY.json names,
#                    e.g. 'set bl-edit' or 'gmerge merge*') matches one of
#                    these shell patterns, and the setup they need
#   PERF_BASE=REV    A/B: build REV beside (a temporary worktree) and run
#                    each roadmap row with its binaries too, right after the
#                    row, with the same preparation; a table per N compares
#                    them (this commit / REV) and flags rows over 1.10x

PERF=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$PERF/../.." && pwd)
REPOS=$PERF/repos
STAMP=$(date +%Y%m%d-%H%M%S)
RES=$PERF/results/$STAMP
BUDGET=${PERF_BUDGET_MS:-1500}
RMIN=${PERF_MIN_RUNS:-3}
RMAX=${PERF_MAX_RUNS:-30}
BIN=$RES/bin
RL=$BIN/roadmap-list
RF=$BIN/roadmap-refresh
RS=$BIN/roadmap-show
BACKLOG_VERSION=1.52.0
# npm's node_modules for the Backlog.md baseline: outside the repository
TOOLS=${PERF_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/roadmap-bench}

test $# -gt 0 || { echo "usage: sh t/perf/run.sh N..." >&2; exit 129; }
for t in hyperfine rg git /usr/bin/time; do
	command -v $t >/dev/null 2>&1 || { echo "run.sh: $t is missing (make deps)" >&2; exit 1; }
done
PY=
for p in /usr/bin/python3 python3; do
	if $p -c 'import yaml; yaml.CSafeLoader' 2>/dev/null; then PY=$p; break; fi
done
test -n "$PY" || { echo "run.sh: need python3 with yaml (CSafeLoader): apt-get install python3-yaml" >&2; exit 1; }
mkdir -p "$REPOS" "$RES" || exit 1

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# want KEY...: is one of these rows selected (PERF_ROWS)?
want() {
	test -n "$PERF_ROWS" || return 0
	set -f
	for k in "$@"; do
		for p in $PERF_ROWS; do
			case $k in $p) set +f; return 0 ;; esac
		done
	done
	set +f
	return 1
}
PROBLEMS=$RES/problems.txt
: > "$PROBLEMS"
problem() { echo "PROBLEM: $*"; echo "N=$N: $*" >> "$PROBLEMS"; }

# measure a snapshot of the binaries: others may rebuild while this runs
# (they exec their siblings, e.g. roadmap-reindex, so copy them all); a
# binary being relinked right now is waited for (up to ~20 s)
snapshot() {
	rm -rf "$BIN" && mkdir -p "$BIN" || return 1
	for b in "$TOP/roadmap-list" "$TOP/roadmap-refresh" "$TOP/roadmap-show"; do
		test -x "$b" || return 1
	done
	for b in "$TOP"/roadmap "$TOP"/roadmap-*; do
		test -f "$b" && test -x "$b" && cp -p "$b" "$BIN/"
	done
	for b in roadmap-list roadmap-refresh roadmap-show; do
		"$BIN/$b" --help >/dev/null 2>&1 </dev/null
		case $? in 126|127|13[0-9]|1[4-9][0-9]|2[0-9][0-9]) return 1 ;; esac
	done
}
# PERF_BASE: the same programs built from another commit, in $BASEBIN
BASEBIN=
if test -n "$PERF_BASE"; then
	BASEBIN=$RES/base-bin
	src=$RES/base-src
	if git -C "$TOP" worktree add -q --detach "$src" "$PERF_BASE" >/dev/null 2>&1 &&
	   make -C "$src" -j2 all >"$RES/base-build.log" 2>&1 && mkdir -p "$BASEBIN"; then
		for b in "$src"/roadmap "$src"/roadmap-*; do
			test -f "$b" && test -x "$b" && cp -p "$b" "$BASEBIN/"
		done
		BASE_DESC=$(git -C "$src" describe --always 2>/dev/null)
	else
		echo "run.sh: cannot build PERF_BASE=$PERF_BASE (see $RES/base-build.log)" >&2
		exit 1
	fi
	git -C "$TOP" worktree remove --force "$src"
fi
have_roadmap=
for i in 1 2 3 4 5 6 7 8 9 10; do
	if snapshot; then have_roadmap=yes; break; fi
	sleep 2
done

main() {
echo "roadmap benchmarks  $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "tools: $(git --version), $(hyperfine --version), $(rg --version 2>/dev/null | head -1), $($PY --version 2>&1) + PyYAML $($PY -c 'import yaml; print(yaml.__version__)') (C loader)"
missing=
test -n "$have_roadmap" || missing=" (binaries missing: roadmap rows skipped; run make all)"
echo "roadmap: $(git -C "$TOP" describe --always --dirty 2>/dev/null), binaries built $(date -u -r "$TOP/roadmap-list" '+%H:%M:%S UTC' 2>/dev/null) (copied to $BIN)$missing"
echo "results: $RES"
test -z "$BASEBIN" || echo "A/B: each roadmap row runs again with the binaries of $PERF_BASE ($BASE_DESC), right after it"

# --- Backlog.md CLI (baseline c) -------------------------------------------
BL=
if test "${PERF_BACKLOG:-1}" != 0; then
	BL=$TOOLS/node_modules/.bin/backlog
	if ! test -x "$BL" || test "$("$BL" --version 2>/dev/null)" != "$BACKLOG_VERSION"; then
		if command -v npm >/dev/null 2>&1; then
			mkdir -p "$TOOLS"
			npm install --silent --no-audit --no-fund --prefix "$TOOLS" \
				"backlog.md@$BACKLOG_VERSION" >"$TOOLS/npm.log" 2>&1 </dev/null
		fi
	fi
	if test -x "$BL" && "$BL" --version >/dev/null 2>&1 </dev/null; then
		echo "backlog.md: $("$BL" --version) ($TOOLS)"
	else
		echo "backlog.md: cannot be installed or run (npm i backlog.md@$BACKLOG_VERSION failed; see $TOOLS/npm.log): baseline (c) skipped"
		BL=
	fi
fi

# --- corpus ------------------------------------------------------------------
gen_sum=$(cat "$PERF/gen-repo.py" | git hash-object --stdin)
build_repo() {
	dir=$REPOS/$N
	if test -z "$PERF_REBUILD" && test -f "$dir.stats.json" &&
	   test "$(cat "$dir/.git/perf-stamp" 2>/dev/null)" = "$gen_sum $N"; then
		echo "corpus: reusing $dir"
		return 0
	fi
	t0=$(now_ms)
	rm -rf "$dir" "$dir-backlog" "$dir.stats.json" "$dir.tmp" "$dir-backlog.tmp"
	git init -q -b main "$dir.tmp" &&
	# --big-file-threshold=1: blobs are stored whole, as after a git gc
	# (fast-import otherwise deltifies each blob against the previous,
	# unrelated one, which makes every blob read slow)
	"$PY" "$PERF/gen-repo.py" -n "$N" --backlog-dir "$dir-backlog.tmp" \
		--stats "$dir.stats.tmp" |
		git -C "$dir.tmp" fast-import --quiet --big-file-threshold=1 &&
	t1=$(now_ms) &&
	git -C "$dir.tmp" checkout -q -f main &&
	mv "$dir-backlog.tmp" "$dir-backlog" && mv "$dir.tmp" "$dir" &&
	mv "$dir.stats.tmp" "$dir.stats.json" &&
	echo "$gen_sum $N" > "$dir/.git/perf-stamp" || { echo "corpus generation failed" >&2; exit 1; }
	echo "corpus: generated $dir (generate+import $(( t1 - t0 )) ms, checkout $(( $(now_ms) - t1 )) ms)"
}

# checkout REV and leave a steady state: index not racy, roadmap index fresh
settle() {
	git checkout -q -f "$1" && git clean -qfdx >/dev/null
	sleep 1
	git update-index -q --refresh >/dev/null 2>&1
	git status --porcelain >/dev/null
	test -z "$have_roadmap" || "$RF" -q
}

sv() { "$PY" -c "import json,sys; d=json.load(open('$REPOS/$N.stats.json')); print($1)"; }

# --- one measurement -------------------------------------------------------------
# bench KEY LABEL REF TARGET DIR PREPARE CMD [MINRUNS]: bench_one, and
# with PERF_BASE the same row again with the base binaries (KEY@base)
bench() {
	bench_one "$@"
	brc=$?
	case $7 in
	*"$BIN/"*)
		# a program the base commit does not have gets no base row
		prog=$(printf '%s' "$7" | sed -n "s|.*$BIN/\([a-z-]*\).*|\1|p")
		test -z "$BASEBIN" || ! test -x "$BASEBIN/$prog" ||
		bench_one "$1@base" "$2 [base]" "$1" - "$5" \
			"$(printf '%s' "$6" | sed "s|$BIN/|$BASEBIN/|g")" \
			"$(printf '%s' "$7" | sed "s|$BIN/|$BASEBIN/|g")" "$8"
		;;
	esac
	return $brc
}

# bench_one KEY LABEL REF TARGET DIR PREPARE CMD [MINRUNS]
#   one probe run (its stdout is kept in $RES/N-KEY.out, its peak RSS is the
#   RSS column), then hyperfine with a run count fitted to the budget;
#   MINRUNS 0: the probe is the only sample when it takes a second or more
bench_one() {
	key=$1 label=$2 ref=$3 target=$4 dir=$5 prep=$6 cmd=$7 min=${8:-$RMIN}
	want "${key%@base}" || return 1
	tb=$(now_ms)
	json=$RES/$N-$key.json out=$RES/$N-$key.out
	tp=0
	if test -n "$prep"; then
		t0=$(now_ms)
		(cd "$dir" && sh -c "$prep") >/dev/null 2>&1
		tp=$(( $(now_ms) - t0 ))
	fi
	t0=$(now_ms)
	(cd "$dir" && /usr/bin/time -f %M -o "$RES/$N-$key.rss" sh -c "$cmd" >"$out" 2>"$RES/$N-$key.err")
	rc=$?
	tc=$(( $(now_ms) - t0 ))
	if test $rc -le 1 && test $tc -lt 1000; then
		# cheap: probe again with warm caches
		if test -n "$prep"; then
			t0=$(now_ms)
			(cd "$dir" && sh -c "$prep") >/dev/null 2>&1
			tp=$(( $(now_ms) - t0 ))
		fi
		t0=$(now_ms)
		(cd "$dir" && /usr/bin/time -f %M -o "$RES/$N-$key.rss" sh -c "$cmd" >"$out" 2>"$RES/$N-$key.err")
		rc=$?
		tc=$(( $(now_ms) - t0 ))
	fi
	ign=
	# exit 1 with no output: "nothing matched" (roadmap-list, grep, rg)
	if test $rc = 1 && ! test -s "$out"; then rc=0 ign=-i; fi
	rss=$(tail -1 "$RES/$N-$key.rss" 2>/dev/null)
	case $rss in *[!0-9]*|'') rss=- ;; esac
	if test $rc != 0; then
		problem "$label: exit $rc: $(cd "$dir" && pwd)\$ $cmd  [stderr: $(head -c 300 "$RES/$N-$key.err")]"
		printf 'time\t%s\t%s\t-\t%s\t%s\t%s\texit %s\n' "$key" "$label" "$rss" "$ref" "$target" "$rc" >> "$ROWS"
		return 1
	fi
	runs=$(( BUDGET / (tc + tp + 1) ))
	test $runs -ge $min || runs=$min
	test $runs -ge 1 || runs=1
	test $runs -le $RMAX || runs=$RMAX
	test $tc -lt 5000 || test -n "$PERF_MIN_RUNS" || runs=2
	if test $tc -ge 20000 || { test "$min" = 0 && test $tc -ge 1000; }; then
		# very slow (Backlog.md at 100k): the probe is the only sample;
		# written in hyperfine's format, marked as such
		printf '{"results": [{"command": "%s", "note": "single run (run.sh probe, not hyperfine)", "mean": %s, "stddev": null, "median": %s, "min": %s, "max": %s, "times": [%s]}]}\n' \
			"$(printf '%s' "$cmd" | sed 's/\\/\\\\/g; s/"/\\"/g')" \
			"$tc.0e-3" "$tc.0e-3" "$tc.0e-3" "$tc.0e-3" "$tc.0e-3" > "$json"
		printf 'time\t%s\t%s\t%s\t%s\t%s\t%s\t-\n' "$key" "$label" "$json" "$rss" "$ref" "$target" >> "$ROWS"
		echo "$N $key probe=${tc}ms prepare=${tp}ms runs=0 total=$(( $(now_ms) - tb ))ms" >> "$RES/timing.log"
		return 0
	fi
	warm=0
	test $tc -ge 200 || warm=2
	# a plain command runs without a shell (-N): no shell start to
	# subtract, which at a few ms is most of the spread (hyperfine -N
	# runs --prepare without a shell too: those keep it)
	case $prep$cmd in
	*[\|\&\;\<\>\(\)\$\`\\\"\'\*\?]*) noshell= ;;
	*) noshell=-N ;;
	esac
	if test -n "$prep"; then
		(cd "$dir" && hyperfine $ign $noshell --style none --warmup $warm --runs $runs \
			--prepare "$prep" --export-json "$json" "$cmd") >/dev/null 2>"$RES/$N-$key.hf"
	else
		(cd "$dir" && hyperfine $ign $noshell --style none --warmup $warm --runs $runs \
			--export-json "$json" "$cmd") >/dev/null 2>"$RES/$N-$key.hf"
	fi || problem "$label: hyperfine failed: $(head -c 300 "$RES/$N-$key.hf")"
	printf 'time\t%s\t%s\t%s\t%s\t%s\t%s\t-\n' "$key" "$label" "$json" "$rss" "$ref" "$target" >> "$ROWS"
	echo "$N $key probe=${tc}ms prepare=${tp}ms runs=$runs total=$(( $(now_ms) - tb ))ms" >> "$RES/timing.log"
}

# check WHAT EXPECTED ACTUAL
check() {
	if test "$2" != "$3"; then
		problem "check failed: $1: expected $2, got $3"
	fi
}
ids() { cut -f1 "$1" | sort | tr '\n' ' '; }

# --- main loop ---------------------------------------------------------------
for N in "$@"; do
	case $N in *[!0-9]*|'') echo "run.sh: bad N: $N" >&2; exit 129 ;; esac
	echo
	echo "=== N = $N issues ==="
	tn=$(now_ms)
	build_repo
	R=$REPOS/$N
	ROWS=$RES/$N.rows
	: > "$ROWS"
	cd "$R" || exit 1
	settle main
	IDX=$(git rev-parse --git-path roadmap/index.mdb)
	nsel=$(sv "len(d['selective'])")
	exp_sel=$(sv "' '.join(sorted(d['selective']))")' '
	nbroad=$(sv "d['broad']")
	show_id=$(sv "d['show_id']")
	show_path=$(sv "d['show_path']")
	fmb=$(sv "d['front_matter_bytes']")
	echo "corpus: $N issues, $(sv "d['commits']") commits on main; selective query matches $nsel, broad query $nbroad; front matter $fmb bytes; git objects $(du -sh .git/objects | cut -f1)"

	SEL='--label perf-rare --status blocked'
	ISS=.roadmap/issues
	# selective query, on a freshly built index (the incremental runs
	# below leave it as a user's index after many checkouts)
	if test -n "$have_roadmap"; then
		(cd "$R" && rm -f "$IDX"* && $RF -q)
		bench sel-c "list --committed (selective)" - "ms<5" "$R" "" "$RL --committed $SEL" &&
			check "list --committed selective ids" "$exp_sel" "$(ids "$RES/$N-sel-c.out")"
		# no watcher: the stat walk, against git status on the same
		# repository (the gst row below) rather than against --committed
		bench sel-wt "list (selective, working tree)" gst "ratio<=1" "$R" "" "$RL $SEL" &&
			check "list (working tree) selective ids" "$exp_sel" "$(ids "$RES/$N-sel-wt.out")"
		# the same with roadmap-watch answering for the working tree;
		# stopped at once, so that it does not rescan during the rows below
		t0=$(now_ms)
		if ! want sel-watch; then
			:
		elif (cd "$R" && $BIN/roadmap-watch --detach -q); then
			echo "roadmap-watch --detach (indexes HEAD, scans the roots): $(( $(now_ms) - t0 )) ms"
			bench sel-watch "list (selective, working tree, roadmap-watch)" sel-c "ms<100" "$R" "" "$RL $SEL" &&
				check "list (working tree, roadmap-watch) selective ids" "$exp_sel" \
					"$(ids "$RES/$N-sel-watch.out")"
			(cd "$R" && $BIN/roadmap-watch --status | grep -q "^answered [1-9]") ||
				problem "roadmap-watch answered no query"
			(cd "$R" && $BIN/roadmap-watch --stop)
		else
			problem "roadmap-watch --detach failed"
		fi
		# roadmap.watch true: the first query starts the watcher (and
		# scans); measured from the second query on, against --committed
		if want sel-auto; then
			git config roadmap.watch true
			t0=$(now_ms)
			"$RL" $SEL >/dev/null
			t1=$(now_ms)
			i=0
			until "$BIN/roadmap-watch" --status >/dev/null 2>&1 || test $i -ge 600; do
				sleep 0.1
				i=$((i + 1))
			done
			echo "roadmap.watch true: the first query took $((t1 - t0)) ms (it scans); the watcher answered $(( $(now_ms) - t0 )) ms after it began"
			bench sel-auto "list (selective, working tree, roadmap.watch true)" sel-c "ratio<=1.5" "$R" "" "$RL $SEL" &&
				check "list (working tree, roadmap.watch true) selective ids" "$exp_sel" \
					"$(ids "$RES/$N-sel-auto.out")"
			"$BIN/roadmap-watch" --status 2>/dev/null | grep -q "^answered [1-9]" ||
				problem "the watcher roadmap.watch started answered no query"
			"$BIN/roadmap-watch" --stop 2>/dev/null
			git config --unset roadmap.watch
		fi
	fi
	# what a working-tree answer cannot go below: a stat of every file
	bench gdf "(d) git diff-files (stats every tracked file)" - - "$R" "" "git diff-files --quiet"
	bench gst "(d) git status --porcelain" - - "$R" "" "git status --porcelain >/dev/null"
	bench rg "(a) rg perf-rare | xargs rg status" sel-c "ratio>=50" "$R" "" \
		"rg -l -F --glob '*.md' perf-rare $ISS | xargs -r rg -l -F 'status: blocked'" &&
		check "rg matching files" "$nsel" "$(wc -l < "$RES/$N-rg.out" | tr -d ' ')"
	bench py "(b) python yaml.CSafeLoader full parse" sel-c "ratio>=1000" "$R" "" \
		"$PY $PERF/pyparse.py $SEL" &&
		check "python selective ids" "$exp_sel" "$(ids "$RES/$N-py.out")"
	if test -n "$have_roadmap" && test -f "$RES/$N-py.out" && test -f "$RES/$N-sel-c.out" &&
	   ! cmp -s "$RES/$N-py.out" "$RES/$N-sel-c.out"; then
		problem "roadmap-list --committed $SEL output differs from the python baseline: diff $RES/$N-py.out $RES/$N-sel-c.out"
	fi
	bench catfile "(d) git cat-file --batch, all issue blobs" - - "$R" "" \
		"git ls-tree -r HEAD $ISS | awk '{print \$3}' | git cat-file --batch >/dev/null"
	bench cat "(d) cat all issue files" - - "$R" "" \
		"find $ISS -name '*.md' -print0 | xargs -0 cat >/dev/null"
	# after the rows that read the files: its 2 GB at 100k evicts them
	if test -n "$BL" && test "$N" -le "${PERF_BACKLOG_MAX:-10000}"; then
		bench bl "(c) backlog task list -l perf-rare -s 'In Progress'" sel-c - "$R-backlog" "" \
			"$BL task list --plain -s 'In Progress' -l perf-rare </dev/null" 0 &&
			check "backlog selective count" "$nsel" "$(grep -c '^ *TASK-' "$RES/$N-bl.out")"
	fi

	if test -n "$have_roadmap"; then
		# broad query, show
		bench broad-c "list --committed --status todo >/dev/null" - - "$R" "" \
			"$RL --committed --status todo >/dev/null" &&
			check "broad --committed count" "$nbroad" "$(cd "$R" && $RL --committed --status todo | wc -l | tr -d ' ')"
		bench broad-wt "list --status todo >/dev/null" - - "$R" "" "$RL --status todo >/dev/null"
		if test -n "$BL" && test "$N" -le "${PERF_BACKLOG_MAX:-10000}"; then
			bench bl-broad "(c) backlog task list -s 'To Do'" broad-wt - "$R-backlog" "" \
				"$BL task list --plain -s 'To Do' </dev/null" 0 &&
				check "backlog broad count" "$nbroad" "$(grep -c '^ *TASK-' "$RES/$N-bl-broad.out")"
		fi
		bench show-c "show --committed <id>" - "ms<10" "$R" "" "$RS --committed $show_id" &&
			{ cmp -s "$RES/$N-show-c.out" "$R/$show_path" ||
			  problem "roadmap-show --committed $show_id differs from $show_path"; }
		bench show-wt "show <id> (working tree)" - - "$R" "" "$RS $show_id" &&
			{ cmp -s "$RES/$N-show-wt.out" "$R/$show_path" ||
			  problem "roadmap-show $show_id differs from $show_path"; }

		# writes (issue 15): one field of one issue, the file restored before each run
		bench set "set <id> status=<s> (one issue written)" sel-c "ratio<=3" "$R" \
			"git checkout -q -- '$show_path'" "$BIN/roadmap-set --no-touch $show_id status=perf-set" &&
			{ grep -q "^status: perf-set" "$R/$show_path" ||
			  problem "roadmap-set did not write $show_path"; }
		(cd "$R" && git checkout -q -- "$show_path")
		if test -n "$BL" && test "$N" -le "${PERF_BACKLOG_MAX:-10000}"; then
			# its corpus is no git repository: task 1 is put back from a copy
			(cd "$R-backlog" && tar cf "$RES/bl-task-1.tar" backlog/tasks/task-1\ -*)
			bench bl-edit "(c) backlog task edit 1 -s 'In Progress'" set "ratio>=100" "$R-backlog" \
				"tar xf '$RES/bl-task-1.tar'" "$BL task edit 1 -s 'In Progress' </dev/null" 0
			(cd "$R-backlog" && tar xf "$RES/bl-task-1.tar")
		fi
		bench new "new --title (one issue created)" sel-c "ratio<=3" "$R" \
			"rm -rf $ISS/perf-new" "$BIN/roadmap-new --title 'perf new' --milestone perf-new" &&
			{ test "$(ls "$R/$ISS/perf-new" | wc -l)" = 1 || problem "roadmap-new did not create one file"; }
		rm -rf "$R/$ISS/perf-new"

		# the merge driver (issue 15): 1,000 issues changed on two branches,
		# status on one and priority on the other; git's own line merge of
		# the same files (which conflicts: the lines are neighbours) is the
		# baseline. git forks and runs a driver through sh once per file,
		# so no external driver can go below the two floor rows: driver
		# 'true ...' (git's fork and sh, whose builtin true runs no
		# program) and '/usr/bin/true ...' (the same, and one small C
		# program started). The summary under the table divides by both.
		if test "$N" -ge 1000 && want gmerge mtrue mfloor merge; then
			(cd "$R" && git checkout -q -b perf-mA main &&
			 git ls-files -- "$ISS" | grep '\.md$' | head -1000 >"$RES/merge-files" &&
			 tr '\n' '\0' <"$RES/merge-files" | xargs -0 sed -i 's/^status: .*/status: perf-merged/' &&
			 git commit -qam perf-mA && git checkout -q -b perf-mB main &&
			 tr '\n' '\0' <"$RES/merge-files" | xargs -0 sed -i 's/^priority: .*/priority: perf-merged/' &&
			 git commit -qam perf-mB && git checkout -q perf-mA) >/dev/null 2>&1
			# each run starts from branch A's own commit (a merge moves the
			# branch), and the reset also ends the conflicted merge
			mA=$(cd "$R" && git rev-parse perf-mA)
			drv="git reset -q --hard $mA && echo '*.md merge=roadmap' >.git/info/attributes"
			bench gmerge "(d) git merge, 1000 issues changed on both sides (no driver)" - - "$R" \
				"git reset -q --hard $mA && rm -f .git/info/attributes" \
				"git merge -q --no-edit perf-mB >/dev/null 2>&1; true"
			bench mtrue "(d) the same, driver 'true %O %A %B %P' (floor: fork+sh)" gmerge - "$R" "$drv" \
				"git -c merge.roadmap.driver='true %O %A %B %P' merge -q --no-edit perf-mB"
			bench mfloor "(d) the same, driver '/usr/bin/true ...' (floor: +1 exec)" gmerge - "$R" "$drv" \
				"git -c merge.roadmap.driver='/usr/bin/true %O %A %B %P' merge -q --no-edit perf-mB"
			bench merge "merge driver: git merge, 1000 issues changed on both sides" gmerge "ratio<=2" "$R" "$drv" \
				"git -c merge.roadmap.driver='$BIN/roadmap-merge-file --marker-size %L %O %A %B %P' merge -q --no-edit perf-mB" &&
				{ test "$(cd "$R" && git rev-list --count --merges $mA..perf-mA)" = 1 &&
				  ! (cd "$R" && git grep -q '^<<<<<<<' perf-mA -- "$ISS") &&
				  test "$(cd "$R" && git grep -l '^priority: perf-merged' perf-mA -- "$ISS" | wc -l)" = \
				       "$(cd "$R" && git grep -l '^status: perf-merged' perf-mA -- "$ISS" | wc -l)" ||
				  problem "the merge driver did not merge the 1000 files cleanly"; }
			(cd "$R" && rm -f .git/info/attributes && git reset -q --hard perf-mA &&
			 git checkout -q -f main && git branch -q -D perf-mA perf-mB) >/dev/null 2>&1
		fi

		# refresh
		bench noop "refresh, up to date (no-op)" - "ms<3,rss<64" "$R" "" "$RF -q"
		bench full "refresh from empty (full build)" catfile "ratio<=2,rss<64" "$R" \
			"rm -f $IDX*" "$RF -q"
		if want full; then
			# roadmap's own peak, apart from any child's (git, where lib/odb cannot read)
			own_rss=$(cd "$R" && rm -f "$IDX"* && ROADMAP_TRACE=1 $RF -q 2>&1 |
				sed -n 's/.*VmHWM:[[:space:]]*\([0-9]*\) kB.*/\1/p' | sort -n | tail -1)
			idx_size=$(du -b "$IDX" | cut -f1)
			idx_alloc=$(du -B1 "$IDX" | cut -f1)
			printf 'size\tidx\tindex size (fresh build)\t%s\t-\tfm\tratio<=2\t-\n' "$idx_size" >> "$ROWS"
			printf 'size\tfm\tfront-matter bytes (all issues)\t%s\t-\t-\t-\t-\n' "$fmb" >> "$ROWS"
			check "list after full build" "$exp_sel" "$("$RL" --committed $SEL | ids /dev/stdin)"
		fi

		if want incr-1 incr-100 incr-10000; then
			# incremental: the index as refreshed at main is saved once; each
			# run starts from a copy of it, with HEAD and the working tree at
			# changed-C (what a checkout from main to changed-C leaves behind)
			RDIR=$(git rev-parse --git-path roadmap)
			SAVE=$(git rev-parse --git-path perf-roadmap-main)
			rm -rf "$SAVE" && cp -a "$RDIR" "$SAVE"
			last=
			for c in 1 100 10000; do
				test "$c" -le "$N" || continue
				test "$c" -lt 10000 || test "$N" -ge 10000 || continue
				git rev-parse -q --verify "refs/heads/changed-$c" >/dev/null || continue
				# sync: no dirty pages of the checkout (or of the copy below)
				# are left for the refresh's fsync to flush
				git checkout -q -f "changed-$c" && sleep 1 && git status --porcelain >/dev/null && sync
				tgt="rss<64"
				test $c != 100 || tgt="ms<30,rss<64"
				bench "incr-$c" "refresh, $c changed issues (incremental)" - "$tgt" "$R" \
					"rm -rf $RDIR && cp -a $SAVE $RDIR && sync $RDIR/*" "$RF -q" &&
					check "list --committed after refresh to changed-$c" \
						"$(sv "' '.join(sorted(d['branches']['changed-$c']['selective']))") " \
						"$("$RL" --committed $SEL | ids /dev/stdin)"
				last=$c
			done
			test -z "$last" ||
			printf 'size\tidx2\tindex size (main, then refreshed to changed-%s)\t%s\t-\tfm\t-\t-\n' "$last" "$(du -b "$IDX" | cut -f1)" >> "$ROWS"
			rm -rf "$SAVE"
			settle main
		fi

		if want co-other co-noissue co-other-hooks co-noissue-hooks co2-other co2-noissue co2-other-hooks co2-noissue-hooks; then
			# hooks: the extra wall time they add to git checkout, against the
			# same checkouts without hooks (an empty core.hooksPath)
			HK=$RES/hooks-$N NOHK=$RES/nohooks
			mkdir -p "$HK" "$NOHK"
			git rev-parse -q --verify refs/heads/noissue >/dev/null || {
				git checkout -q -b noissue main &&
				echo "a change outside the issue roots" >>README.md &&
				git commit -q -a -m "no issue file" &&
				git checkout -q main
			}
			git config core.hooksPath "$HK" && "$BIN/roadmap-install-hooks" -q &&
			"$RF" -q &&
			for pair in other noissue; do
				# one checkout main -> $pair, from main with the index settled
				# (the prepare waits for any background walk to finish)
				bench "co-$pair" "git checkout main->$pair, no hooks" - - "$R" \
					"git -c core.hooksPath=$NOHK checkout -q main" \
					"git -c core.hooksPath=$NOHK checkout -q $pair"
				tgt="ratio<=1.1"
				test $pair = other || tgt=-
				bench "co-$pair-hooks" "the same with roadmap's hooks" "co-$pair" "$tgt" "$R" \
					"git checkout -q main && flock $IDX.lock true" "git checkout -q $pair" &&
					check "index follows HEAD after the hooked checkout" "$(git rev-parse HEAD)" \
						"$(flock "$IDX.lock" mdb_dump -n -s meta -p "$IDX" | sed -n '/^ commit$/{n;s/^ //;p}')"
				# back to back: the background walk of the first competes with the second
				bench "co2-$pair-hooks" "main->$pair->main back to back, hooks" - - "$R" \
					"flock $IDX.lock true" "git checkout -q $pair && git checkout -q main"
				bench "co2-$pair" "main->$pair->main back to back, no hooks" "co2-$pair-hooks" - "$R" "" \
					"git -c core.hooksPath=$NOHK checkout -q $pair && git -c core.hooksPath=$NOHK checkout -q main"
			done
			git config --unset core.hooksPath
			settle main
		fi
	fi

	echo
	echo "N = $N: medians of hyperfine runs (ms, wall, including process start); RSS = peak of one run"
	echo "ratio = this median / the named row's median (sizes: / front-matter bytes); targets are for N = 100000"
	"$PY" "$PERF/report.py" "$ROWS"
	test -z "$have_roadmap" || test -z "$idx_size" || echo "index: $idx_size bytes apparent, $idx_alloc allocated"
	test -z "$have_roadmap" || test -z "$own_rss" ||
		echo "full build: roadmap's own peak RSS $((own_rss / 1024)) MiB (ROADMAP_TRACE=1); the RSS column is the peak of the process tree (a git cat-file child, where roadmap cannot read the objects itself, included)"
	test -z "$have_roadmap" || "$PY" - "$RES" "$N" <<-\PYEOF
	import json, sys
	res, n = sys.argv[1], sys.argv[2]
	def med(k):
	    try:
	        return json.load(open("%s/%s-%s.json" % (res, n, k)))["results"][0]["median"] * 1000
	    except (OSError, ValueError, KeyError, IndexError):
	        return None
	g, t, f, m = med("gmerge"), med("mtrue"), med("mfloor"), med("merge")
	if g and m:
	    print("merge driver, 1000 files: %.0f ms = %.1fx git's merge without a driver (%.0f ms; target 2x = %.0f ms)"
	          % (m, m / g, g, 2 * g))
	    if t and f:
	        print("  floor of any external driver (git forks and runs sh per file): 'true' %.0f ms (%.1fx git),"
	              " '/usr/bin/true' %.0f ms (%.1fx git)" % (t, t / g, f, f / g))
	        print("  roadmap-merge-file = %.2fx the 'true' floor, %.2fx the '/usr/bin/true' floor; its own cost"
	              " over the latter: %.2f ms per file" % (m / t, m / f, (m - f) / 1000))
	        if 2 * g < t:
	            print("  2x git's in-process merge is below the floor: no external merge driver can meet it here")
	for pair, what in (("other", "100 issues differ"), ("noissue", "no issue file differs")):
	    a, b = med("co-" + pair), med("co-%s-hooks" % pair)
	    if a and b:
	        print("hook cost of one checkout (%s): %+.1f ms, %+.0f%% (%.1f -> %.1f ms)"
	              % (what, b - a, 100 * (b - a) / a, a, b))
	    a, b = med("co2-" + pair), med("co2-%s-hooks" % pair)
	    if a and b:
	        print("  back to back, two checkouts: %+.1f ms, %+.0f%% (%.1f -> %.1f ms)"
	              % (b - a, 100 * (b - a) / a, a, b))
	PYEOF
	test -z "$BASEBIN" || "$PY" - "$ROWS" "$PERF_BASE" <<-\PYEOF
	import json, sys
	rows, base = sys.argv[1], sys.argv[2]
	med = {}
	for line in open(rows):
	    p = line.rstrip("\n").split("\t")
	    if len(p) >= 4 and p[0] == "time":
	        try:
	            med[p[1]] = (p[2], json.load(open(p[3]))["results"][0]["median"] * 1000)
	        except (OSError, ValueError, KeyError, IndexError):
	            pass
	print("A/B against %s (medians, ms; this / base; SLOWER: over 1.10x)" % base)
	for k, (label, m) in med.items():
	    if k.endswith("@base") or k + "@base" not in med:
	        continue
	    b = med[k + "@base"][1]
	    r = m / b if b else float("nan")
	    print("  %-52s %9.1f %9.1f  %5.2fx%s" % (label[:52], m, b, r, "  SLOWER" if r > 1.10 else ""))
	PYEOF
	echo "(N = $N took $(( ($(now_ms) - tn) / 1000 )) s)"
	cd "$TOP" || exit 1
done

echo
if test -s "$PROBLEMS"; then
	echo "problems found:"
	sed 's/^/  /' "$PROBLEMS"
else
	echo "no problems found"
fi
echo "raw results: $RES"
}

# everything printed also goes to results/<date>/summary.txt
main "$@" 2>&1 | tee "$RES/summary.txt"
