/*
 * check.h - the checking rules of issue files, and duplicate ids. May
 * call: overlay, index, issue, record, output, libgit (libgit2), repo and
 * the utilities. Called by roadmap-check; queries count duplicate ids
 * with check_dups.h.
 */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>

#include "libgit.h"
#include "index.h"
#include "overlay.h"
#include "repo.h"
#include "strbuf.h"

/*
 * Check the issue files and print each error compiler style on `out`,
 * "path:line:col: error: message", in line order, so editors jump to
 * them. A *.md name under a root that is no regular file (a symbolic
 * link, a submodule) gets "path: warning: ...", as it is not indexed.
 * The rules: the front matter parses; an id (or a file name to take it
 * from) and a title; no id shared with another file; no conflict
 * markers; status and priority in roadmap.statuses / roadmap.priorities
 * when those are set; the ids that depends_on, blocks and dependencies
 * name exist.
 *
 * The set of issues checked against is the working tree's (HEAD's rows
 * plus the overlay, a sparse checkout's files read from the staging
 * area), or with `cached` the staging area's (GIT_INDEX_FILE when git
 * sets it for a pre-commit hook; a sparse or split index too). The files
 * reported on are those at or under paths[0..nr_paths) (paths from the
 * top of the work tree, issue_path_arg(); "" is all of it); without
 * paths, every issue file of the working tree, or with `cached` the files
 * the commit would change: what pre-commit must refuse. A path that names
 * no issue file gets a warning naming it as typed, args[i].
 *
 * `ix` must be fresh (index_heal()). Returns the number of errors, or -1
 * (reported) when the issue files cannot be read.
 */
int check_issues(FILE *out, struct index *ix, const struct repo_paths *p, git_repository *repo,
		 const struct strbuf *roots, int cached, char *const *paths, char *const *args,
		 int nr_paths);

#endif
