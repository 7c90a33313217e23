#ifndef APPLY_H
#define APPLY_H

/*
 * apply.h - writing actions to the index; calls actions, postings, readahead, gitindex,
 * refreshstats, blob (a partial clone's missing blobs, fetched first).
 *
 * A refresh finds the actions that bring the rows to HEAD (from git's
 * index, git diff-tree, or a walk of HEAD's trees), then applies them in
 * one write transaction (or, for a large refresh, in chunks marked
 * "building"): rows, records (from the blob cache, or parsed), postings,
 * the digest and the sync state. No libgit2.
 */

#include "actions.h"
#include "index.h"
#include "refreshstats.h"
#include "repo.h"
#include "strbuf.h"

/*
 * Read the blob of path into out, with blob.h's contract: 0, 1 when it is
 * missing, -1 when it is there but unreadable (reported, naming path).
 */
typedef int (*blob_reader)(void *ctx, const unsigned char *oid, const char *path, struct strbuf *out);

struct apply_opts {
	const struct repo_paths *p;
	const struct strbuf *roots, *stamp;
	const char *commit;	/* HEAD, as indexed by this refresh */
	int rebuild;		/* everything was dropped: make postings anew */
	blob_reader read_blob;	/* for small refreshes; NULL: git cat-file for all */
	void *blob_ctx;
	double start;		/* now_ms() when the refresh began */
};

/*
 * Apply the actions in *txn and commit (in chunks for a large refresh), with
 * the digest, counts and sync state; *txn is NULL on return. Returns 0 or
 * an LMDB code (MDB_MAP_FULL: grow the map and redo the refresh) or -1.
 */
int apply_actions(struct index *ix, MDB_txn **txn, struct actions *acts, const struct apply_opts *o,
		  struct refresh_stats *st);

/* Drop every row (keeping the parsed blobs unless `blobs`), for a rebuild. */
int drop_rows(struct index *ix, MDB_txn *txn, int blobs);


#endif
