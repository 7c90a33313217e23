/*
 * diff.h - what differs between the index's rows and a commit, the
 * staging area or the working tree, over the issue roots (roadmap-diff-index).
 * May call: refresh (the walk, for a commit), overlay, index, issue,
 * record, gitindex (the staging area), libgit (libgit2), repo and the
 * utilities.
 */
#ifndef DIFF_H
#define DIFF_H

#include "libgit.h"
#include "index.h"
#include "refresh.h"
#include "repo.h"
#include "strbuf.h"

enum diff_against {
	DIFF_WORKTREE,		/* the working tree: the overlay */
	DIFF_CACHED,		/* the staging area (GIT_INDEX_FILE when set) */
	DIFF_COMMITTED,		/* a commit: the walk a refresh would apply */
};

/* diff_index() could not resolve the commit it was given; nothing is reported. */
#define DIFF_BAD_REVISION (-2)

/*
 * The differences between the index's rows under `roots` and `against`,
 * in path order, into *out (freed with diff_release()). For
 * DIFF_COMMITTED, `rev` names the commit; NULL means HEAD, and an
 * unborn HEAD has no tree: everything indexed is gone. The index is
 * never refreshed: no index yet has no rows. Returns 0, -1 (reported)
 * or DIFF_BAD_REVISION.
 */
int diff_index(struct diff *out, struct index *ix, const struct repo_paths *p,
	       git_repository *repo, const struct strbuf *roots,
	       enum diff_against against, const char *rev);

/*
 * The issue id of the entry's new side (its old side for 'D') into out,
 * or "" when it is no valid issue; the new side's record is parsed (and
 * kept in e) when the diff did not know it.
 */
void diff_entry_id(struct strbuf *out, struct diff_entry *e, git_repository *repo);

#endif
