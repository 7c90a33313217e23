#!/bin/sh
# Level 0: manual commits, a fresh index. The first working-tree query of
# the work tree starts a watcher in the background (only the overlay, no
# automation), as git's core.fsmonitor=true starts its daemon; later
# queries ask it instead of stat'ing every issue file. Commit as usual:
# the hooks keep the index at HEAD.
set -e
cd "${1:-.}"
git config roadmap.watch true
roadmap-install-hooks -q
roadmap-list --status todo >/dev/null   # this one scans, and starts the watcher
sleep 1
roadmap-watch --status
