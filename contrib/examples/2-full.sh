#!/bin/sh
# Level 2: full automation. Auto-commit, then push each commit to the
# branch's upstream (never forced; refused pushes are rebased when the
# local commits touch issue files only, else pushing stops with an error
# event), and sync with the remote tracker <remote> every 5 minutes and
# after each commit: an edit made on the tracker arrives as a file and a
# commit, and is not sent back.
#
#   git config roadmap.remote.github.url https://api.github.com/repos/OWNER/REPO
#   export GITHUB_TOKEN=...          # or git's credential helper
#   sh contrib/examples/2-full.sh ~/src/project github
set -e
cd "${1:-.}"
remote=${2:-github}
git rev-parse --abbrev-ref --symbolic-full-name '@{upstream}' >/dev/null ||
	{ echo "2-full.sh: the branch has no upstream (git push -u)" >&2; exit 1; }
roadmap-watch --stop 2>/dev/null || true
exec roadmap-watch --json --auto-commit --auto-push --sync "$remote" --interval 300
