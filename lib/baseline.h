#ifndef BASELINE_H
#define BASELINE_H

#include "odb.h"
#include "repo.h"
#include "rissue.h"
#include "sha1.h"
#include "strbuf.h"

/*
 * baseline.h - refs/roadmap/sync/<remote>: the issues as both sides last
 * agreed, one canonical JSON blob (rissue.h) named <id>.json per issue, in
 * the tree of a commit. It is git data, so it survives any index rebuild
 * and a team may push and fetch it; it moves only by compare-and-swap
 * (git update-ref <new> <old>), so two syncs never lose each other's
 * agreement. Calls odb and repo (read in-process: no libgit2 to start),
 * run (git fast-import, mktree, commit-tree, update-ref to write), rissue.
 */

struct baseline_entry {
	char *name;		/* "<id>.json" */
	unsigned char oid[OID_RAW];
	char *json;		/* a change: the new blob (NULL: removed) */
};

struct baseline {
	const struct repo_paths *p;
	char *ref;
	char old[OID_HEX + 1];	/* the commit read ("" when there was none) */
	struct odb db;
	int db_open, loaded;
	struct baseline_entry *e;	/* its tree, by name (read when first needed) */
	size_t nr, alloc;
	struct baseline_entry *ch;	/* the changes, in order */
	size_t nch, ach;
};

/* Read remote's baseline ref. Returns 0 or -1 (reported). */
int baseline_open(struct baseline *b, const struct repo_paths *p, const char *remote);
void baseline_release(struct baseline *b);

/* The baseline of local issue id: 0 (in out), 1 when it has none, -1 after an error. */
int baseline_get(struct baseline *b, const char *id, struct rissue *out);
/* Stage ri (NULL: none) as id's baseline. Returns 0 or -1. */
int baseline_set(struct baseline *b, const char *id, const struct rissue *ri);
/* Call fn for each id with a baseline in the commit read, in order; non-zero stops. */
int baseline_foreach(struct baseline *b, int (*fn)(const char *id, void *data), void *data);

/*
 * Commit the staged changes and move the ref from the commit read to it.
 * Returns 0, 1 when another sync moved it first (nothing changed; sync
 * again), -1 after an error.
 */
int baseline_commit(struct baseline *b, const char *message);

#endif
