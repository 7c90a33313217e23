#ifndef GIT_H
#define GIT_H

#include <git2.h>

#include "repo.h"
#include "strbuf.h"

/*
 * git.h - what needs libgit2: opening the repository, its config.
 * Opened the way R7 says: GIT_DIR exactly when set (repo_find()), else
 * discovered from the cwd; GIT_WORK_TREE honoured; never
 * GIT_REPOSITORY_OPEN_FROM_ENV, which libgit2 1.5 breaks in hooks.
 */

/* Start libgit2 (once) and open the repository of `p`. */
int repo_open(git_repository **out, const struct repo_paths *p);

/* The issue roots from roadmap.path, without trailing '/', as "a\0b\0" */
int repo_roots(struct strbuf *out, git_repository *repo);

/* Report libgit2's last error as "what: message"; returns -1. */
int repo_error(const char *what);

#endif
