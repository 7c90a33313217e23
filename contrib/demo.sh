#!/bin/sh
# make demo: a demo repository of generated issues, indexed and queried.
# Usage: sh contrib/demo.sh [<count>]   (run from the top of the source tree)
set -eu
top=$(pwd)
count=${1:-2000}
demo=$top/demo-repo
PATH=$top:$PATH
export PATH

rm -rf "$demo"
git init -q -b main "$demo"
cd "$demo"
git config user.name demo
git config user.email demo@example.com
python3 "$top/t/lib/gen-issues.py" --seed 1 --count "$count" --root .roadmap/issues
git add .roadmap
git commit -q -m "$count generated issues"

echo "== roadmap-refresh -v (first build)"
roadmap-refresh -v 2>&1 | grep -v ':[0-9]*:[0-9]*: ' || true
echo "== invalid files the generator planted (first 3 of $(roadmap-refresh -v 2>&1 | grep -c ':[0-9]*:[0-9]*: '))"
roadmap-refresh -v 2>&1 | grep ':[0-9]*:[0-9]*: ' | head -3
echo
echo "== roadmap-list --status blocked --label bug --sort -priority --limit 5"
roadmap-list --status blocked --label bug --sort -priority --limit 5 2>/dev/null
echo
echo "== the same as JSON, first record"
roadmap-list --status blocked --label bug --json --limit 1 2>/dev/null
echo
echo "== change 3 issues and commit: the refresh parses exactly 3 blobs"
python3 "$top/t/lib/gen-issues.py" --mutate --seed 2 --root .roadmap/issues --modify 3 --delete 0 --rename 0 --add 0 --git
git commit -q -m "three changes"
roadmap-refresh -v 2>&1 | grep -v ':[0-9]*:[0-9]*: '
echo
echo "== counts by status (roadmap-list --format '%(status)' | sort | uniq -c)"
roadmap-list --format '%(status)' 2>/dev/null | sort | uniq -c | sort -rn
echo
echo "== roadmap-status: the index's sync state"
roadmap-status
echo
echo "== roadmap-fsck --full: the index against HEAD, every record parsed again"
roadmap-fsck --full -v && echo "no difference"
echo
echo "demo repository: $demo"
