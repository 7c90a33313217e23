#ifndef LIBGIT_H
#define LIBGIT_H

#include <git2.h>

#include "repo.h"
#include "strbuf.h"

/*
 * libgit.h - what needs libgit2: opening the repository, its config (the
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
int libgit_open(git_repository **out, const struct repo_paths *p);

/* The issue roots from roadmap.path, without trailing '/', as "a\0b\0" */
int libgit_roots(struct strbuf *out, git_repository *repo);

/* Report libgit2's last error as "what: message"; returns -1. */
int libgit_error(const char *what);

/*
 * The blob oid of path, read by libgit2, with blob.h's contract: 0, 1
 * when it is missing, -1 when it is there but unreadable (reported,
 * naming path). libgit2 says "not found" of a broken object too: what
 * it cannot read, git is asked.
 */
int libgit_read_blob(git_repository *repo, const unsigned char *oid, const char *path,
		     struct strbuf *out);

#endif
