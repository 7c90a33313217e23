#ifndef GIT_H
#define GIT_H

#include <git2.h>

#include "repo.h"
#include "strbuf.h"

/*
 * git.h - what needs libgit2: opening the repository, its config (the
 * issue roots). Calls repo (its paths) and the utilities. Only the
 * programs that walk trees (roadmap-reindex, -check, -diff-index) link
 * libgit2: starting it costs a query about 10 ms (repo.h).
 *
 * The repository opened is the git dir repo_find() found: GIT_DIR
 * exactly when set, else discovered from the working directory, with
 * GIT_WORK_TREE honoured, as git does. Never with
 * GIT_REPOSITORY_OPEN_FROM_ENV, which libgit2 1.5 gets wrong in hooks.
 */

/* Start libgit2 (once) and open the repository of `p`. */
int repo_open(git_repository **out, const struct repo_paths *p);

/* The issue roots from roadmap.path, without trailing '/', as "a\0b\0" */
int repo_roots(struct strbuf *out, git_repository *repo);

/* Report libgit2's last error as "what: message"; returns -1. */
int repo_error(const char *what);

#endif
