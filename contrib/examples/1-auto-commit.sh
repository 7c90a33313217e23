#!/bin/sh
# Level 1: auto-commit. One second after the last edit, the changed issue
# files are committed (git commit --only: the hooks run, nothing else staged
# is taken), the message naming the ids. Files roadmap-check refuses are
# reported and left out until fixed; nothing is committed during a merge,
# a rebase or a bisect. Each event is one JSON line; here, printed shortly.
set -e
cd "${1:-.}"
roadmap-watch --stop 2>/dev/null || true   # a watcher without automation makes way
roadmap-watch --json --auto-commit --debounce 1000 |
while read -r line
do
	case $line in
	*'"event": "committed"'*) echo "committed: $line" ;;
	*'"event": "error"'*) echo "error: $line" >&2 ;;
	*) echo "$line" ;;
	esac
done
