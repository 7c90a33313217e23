#ifndef BASELINE_H
#define BASELINE_H

#include <git2.h>

#include "rissue.h"
#include "strbuf.h"

/*
 * baseline.h - refs/roadmap/sync/<remote>: the issues as both sides last
 * agreed, one canonical JSON blob (rissue.h) per local id, in a commit.
 * It is git data, so it survives any index rebuild and a team may push
 * and fetch it; it moves only by compare-and-swap, so two syncs never
 * lose each other's agreement. Calls libgit, rissue.
 */

struct baseline {
	git_repository *repo;	/* not owned */
	char *ref;
	git_oid old;		/* the commit read; zero when there was none */
	git_tree *tree;		/* its tree, or NULL */
	git_treebuilder *tb;	/* the changes, until baseline_commit() */
	size_t changes;
};

/* Read remote's baseline. Returns 0 or -1 (reported). */
int baseline_open(struct baseline *b, git_repository *repo, const char *remote);
void baseline_release(struct baseline *b);

/* The baseline of local issue id: 0 (in out), 1 when it has none, -1 after an error. */
int baseline_get(struct baseline *b, const char *id, struct rissue *out);
/* Stage ri (NULL: none) as id's baseline. Returns 0 or -1. */
int baseline_set(struct baseline *b, const char *id, const struct rissue *ri);
/* Call fn for each id with a baseline, in order; non-zero stops. */
int baseline_foreach(struct baseline *b, int (*fn)(const char *id, void *data), void *data);

/*
 * Commit the staged changes and move the ref from the commit read to it.
 * Returns 0, 1 when another sync moved it first (nothing changed; sync
 * again), -1 after an error.
 */
int baseline_commit(struct baseline *b, const char *message);

#endif
