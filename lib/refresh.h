#ifndef REFRESH_H
#define REFRESH_H

#include "heal.h"
#include "index.h"
#include "repo.h"

/*
 * refresh.h - bringing the index to HEAD.
 *
 * HEAD's trees under the roots are merge-walked against the `files` rows
 * in one write transaction: a directory whose tree oid equals the stored
 * one is skipped whole (incremental), added and modified blobs are parsed
 * only when `blobs` has no record for them, removed paths lose their rows.
 * The walk never needs the previously indexed commit, so it survives
 * rebase, amend and gc. HEAD is read inside the write transaction, so the
 * last writer indexes the newest HEAD.
 */


struct refresh_stats {
	const char *mode;	/* "up to date", "incremental", "full scan", "rebuild" */
	char reason[160];
	unsigned added, modified, deleted, parsed, reused;
	double ms;
};

/*
 * Bring `ix` to HEAD of `p`. Returns 0 or -1 (reported). A corrupt index
 * is moved aside and rebuilt.
 */
int refresh_index(struct index *ix, const struct repo_paths *p, unsigned flags,
		  struct refresh_stats *st);


#endif
