#ifndef TREEWALK_H
#define TREEWALK_H

/*
 * treewalk.h - a refresh's actions from HEAD's trees (raw, from a loader); calls actions, issue.
 *
 * HEAD's trees under the roots are merge-walked against the `files` rows:
 * a folder whose tree oid equals the stored one is skipped whole, in the
 * trees and in the rows, so a walk reads only the trees that changed.
 * The trees come raw (git's format) from a loader: lib/odb in-process,
 * or libgit2 in roadmap-reindex.
 */

#include "actions.h"
#include "strbuf.h"

/*
 * An incremental refresh reads HEAD's trees only when at most this many
 * folders changed; past that, git's index (one read, every file listed
 * with its folders' tree oids) is cheaper than inflating the trees. At
 * 100k issues in 41 folders, a folder's tree (2,500 entries, at the end
 * of a delta chain) costs about 3 ms of CPU, and git's index about 25 ms
 * in all: 41 trees took 120 ms (perf stat, t/perf's changed-100 branch).
 */
#define TREE_WALK_MAX 8

/* Read tree oid, raw, into out: 0, or non-zero when it cannot. */
typedef int (*tree_loader)(void *ctx, const unsigned char *oid, struct strbuf *out);

struct tree_walk {
	tree_loader load;
	void *ctx;
	size_t max_trees;	/* give up after reading this many (0: never) */
	size_t trees;		/* read so far */
	char *failed;		/* the folder whose tree could not be read */
};

/*
 * Add to w the actions that bring the rows under roots ("a\0b\0") to the
 * trees root_oids (all zeros: HEAD has no folder there). Returns 0, 1
 * when it read max_trees trees and would read more (w then holds part of
 * the actions: the caller frees them), or -1 when a tree could not be
 * read (tw->failed names it) or LMDB failed (acts->rc).
 */
int tree_walk_roots(struct actions *acts, struct tree_walk *tw, unsigned char (*root_oids)[OID_RAW],
		    const struct strbuf *roots);

#endif
