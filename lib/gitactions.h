#ifndef GITACTIONS_H
#define GITACTIONS_H

/*
 * gitactions.h - actions from git's index or git diff-tree; calls actions, gitindex, catfile, issue.
 *
 * Neither reads a tree: git's index lists every file with its folders'
 * tree oids, and git diff-tree reads trees with its own delta-base cache.
 */

#include "actions.h"
#include "repo.h"
#include "strbuf.h"

/*
 * The actions of an incremental refresh from git's own index, when its
 * cached trees are HEAD's trees at every root (root_oids, in the order of
 * roots; NULL entries for roots HEAD lacks). Returns 1 when git's index
 * cannot stand for HEAD: the caller finds the actions another way.
 */
int gitindex_actions(struct actions *acts, const struct repo_paths *p,
		     unsigned char (*root_oids)[OID_RAW], const struct strbuf *roots);
/* The same from git diff-tree of two commits; 1 when git cannot (a commit is gone). */
int diff_tree_actions(struct actions *acts, const struct repo_paths *p, const char *old_hex,
		      const char *new_hex, const struct strbuf *roots);

#endif
