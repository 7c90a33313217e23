#ifndef REFRESH_H
#define REFRESH_H

#include <git2.h>

#include "apply.h"
#include "heal.h"
#include "index.h"
#include "repo.h"

/*
 * refresh.h - the walk with libgit2, step 4 of the refresh cascade
 * (heal.h), which roadmap-reindex runs; and the differences of the
 * index's rows from a commit. Calls apply, treewalk, gitindex, libgit,
 * index, repo.
 *
 * It decides how to walk: rebuild (no index, a new index format,
 * --rebuild, other roots), resume an interrupted build, full (--full, a
 * detached HEAD, a rebase under way), the listed paths (--stdin), or
 * incremental. HEAD's trees under the roots are merge-walked against the `files` rows
 * in one write transaction: a directory whose tree oid equals the stored
 * one is skipped whole (incremental), added and modified blobs are parsed
 * only when `blobs` has no record for them, removed paths lose their rows.
 * The walk never needs the previously indexed commit, so it survives
 * rebase, amend and gc. HEAD is read inside the write transaction, so the
 * last writer indexes the newest HEAD.
 */

/*
 * Bring `ix` to HEAD of `p`: the walk, step 4 of the cascade (heal.h).
 * HEAD is read again into rs inside the write transaction; rs's config
 * stamp is recorded. Returns 0 or -1 (reported). A corrupt index is
 * moved aside and rebuilt. With `paths` ("a\0b\0"), only those paths
 * (and the directories above them) are compared with HEAD: the list must
 * name every path that differs, as roadmap-diff-index --committed does;
 * when the index cannot be trusted (no index, a build to resume, other
 * roots) the whole walk runs instead.
 */
int refresh_index(struct index *ix, const struct repo_paths *p, struct repo_state *rs,
		  unsigned flags, const struct strbuf *paths, struct refresh_stats *st);


/* One difference between the index's rows and a tree, staging area or work tree. */
struct diff_entry {
	int status;			/* 'A', 'M' or 'D' */
	unsigned old_mode, new_mode;	/* 0 when absent */
	unsigned char old_oid[OID_RAW], new_oid[OID_RAW];	/* zeros when absent or unknown */
	char *path;
	char *old_rec;			/* the index's record ('M', 'D'); owned */
	size_t old_reclen;
	char *new_rec;			/* the new side's record, when known; owned */
	size_t new_reclen;
};

struct diff {
	struct diff_entry *e;	/* in path order */
	size_t nr, alloc;
};

/*
 * The differences between the index's rows and `tree` (a commit's root
 * tree; NULL for none) under `roots`: the walk a refresh would apply,
 * without applying it. The caller frees them with diff_release().
 */
int refresh_diff(struct diff *out, struct index *ix, git_repository *repo, git_tree *tree,
		 const struct strbuf *roots);
void diff_release(struct diff *d);

#endif
