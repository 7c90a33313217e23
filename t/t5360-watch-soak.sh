#!/bin/sh

test_description='roadmap-watch soak: an edit every second for 30 minutes, memory flat

Not part of make test: make soak runs it (ROADMAP_SOAK=1). A watcher with
--auto-commit --json (its events read by a reader that keeps up) over
1,000 issues; every second one issue file is edited (every tenth second
one is added, and one deleted) and roadmap-list asks it. Its resident
memory is sampled every minute: every sample after the first minute
must stay within 10% of the one taken then. ROADMAP_SOAK_MINUTES sets
the length (default 30); the samples go to soak-rss.txt and, with -v,
to the output.
'

. ./test-lib.sh
. "$TEST_DIRECTORY/lib/watch.sh"

if test -z "$ROADMAP_SOAK"
then
	skip_all='the soak runs only with ROADMAP_SOAK=1 (make soak)'
	test_done
fi

MINUTES=${ROADMAP_SOAK_MINUTES:-30}

# rss <pid>: VmRSS and RssAnon in kB
rss () {
	sed -n "s/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p; s/^RssAnon:[[:space:]]*\([0-9]*\) kB/\1/p" \
		/proc/$1/status | tr "\n" " "
}

test_expect_success 'setup: 1,000 issues, a watcher with --auto-commit' '
	git init -q soak &&
	(
		cd soak &&
		python3 -c "
import os
for k in range(1000):
    d = \".roadmap/issues/%d\" % (k % 8)
    os.makedirs(d, exist_ok=True)
    with open(\"%s/s%d.md\" % (d, k), \"w\") as f:
        f.write(\"---\\nid: s%d\\ntitle: Soak %d\\nstatus: todo\\nlabels: [a, b]\\n---\\nBody\\n\" % (k, k))
" &&
		git add -A && test_tick && git commit -q -m issues &&
		start_watch /dev/null --debounce 300 --auto-commit
	)
'

test_expect_success "an edit every second for $MINUTES minutes: RSS within 10% of the first minute's" '
	(
		cd soak &&
		pid=$(status_of pid) &&
		start=$(date +%s) &&
		n=0 base= &&
		: >../soak-rss.txt &&
		while test "$(wc -l <../soak-rss.txt)" -lt $MINUTES
		do
			n=$((n + 1)) &&
			k=$((n % 1000)) &&
			f=.roadmap/issues/$((k % 8))/s$k.md &&
			if test -f $f
			then
				sed "s/^title: .*/title: Soak $k edit $n/" $f >tmp && mv tmp $f
			fi &&
			if test $((n % 10)) = 0
			then
				printf -- "---\nid: new$n\ntitle: New $n\nstatus: todo\n---\n" \
					>.roadmap/issues/$((n % 8))/new$n.md &&
				rm -f .roadmap/issues/$(((n - 50) % 8))/new$((n - 50)).md
			fi &&
			roadmap-list --status todo >/dev/null &&
			sleep 1 &&
			kill -0 $pid &&
			elapsed=$(( $(date +%s) - start )) &&
			# sampled a second after the edit: its round is over
			if test $((elapsed / 60)) -gt $(wc -l <../soak-rss.txt)
			then
				echo "$((elapsed / 60)) $(rss $pid) $(status_of events) $(status_of rounds) $(status_of commits)" >>../soak-rss.txt &&
				tail -1 ../soak-rss.txt
			fi || return 1
		done &&
		echo "minute VmRSS(kB) RssAnon(kB) events rounds commits" &&
		cat ../soak-rss.txt &&
		test "$(wc -l <../soak-rss.txt)" = $MINUTES &&
		test "$(status_of errors)" = 0 &&
		test "$(status_of commits)" -ge $((MINUTES * 30)) &&
		awk "NR == 1 { base = \$2; if (base < 1000) bad = 1 } NR > 1 && \$2 > base * 1.10 { print \"over 10%: \" \$0; bad = 1 } END { exit bad }" \
			../soak-rss.txt &&
		stop_watch
	)
'

test_done
