#ifndef HEAL_H
#define HEAL_H

#include "index.h"
#include "repo.h"

/*
 * heal.h - the refresh cascade: bringing the index to HEAD the cheapest
 * way that works, for every reader's heal and for roadmap-refresh; and
 * the options of roadmap-refresh and roadmap-reindex. Calls index,
 * apply, treewalk, gitindex, blob, odb, catfile, repo, run.
 *
 * The cascade, cheapest first:
 *  1. fresh: the index matches HEAD, the config and the format (a few
 *     stats and one read transaction);
 *  2. advance: HEAD moved but no root's tree did (a commit or checkout
 *     that touched no issue file): record the new commit;
 *  3. incremental, in this process: HEAD moved on a branch and HEAD's
 *     trees or git's index list the changes, and they are few;
 *  4. else roadmap-reindex, the one program that starts libgit2, walks:
 *     full, rebuild, resume an interrupted build, incremental, or the
 *     listed paths (refresh.h decides which).
 * Steps 1-3 run without libgit2: its start alone costs more than the
 * whole answer. HEAD and the config stamp come in a struct repo_state
 * read once by the command; a writer reads HEAD again inside its write
 * transaction, so that the last writer indexes the newest HEAD.
 */

struct refresh_stats;

enum refresh_flags {
	REFRESH_FULL = (1 << 0),	/* compare every entry, skip no subtree */
	REFRESH_REBUILD = (1 << 1),	/* drop everything, parse every blob */
	REFRESH_VERBOSE = (1 << 2),	/* report on stderr */
	REFRESH_QUIET = (1 << 3),	/* print nothing */
	REFRESH_NO_WAIT = (1 << 4),	/* skip when another refresh runs */
	REFRESH_STDIN = (1 << 5),	/* the paths to refresh come on stdin */
	REFRESH_NUL = (1 << 6),		/* ... NUL-terminated, not quoted */
	REFRESH_RETRY = (1 << 7),	/* fetch the blobs of unknown files again (index.h) */
};

/*
 * The command line of roadmap-refresh and roadmap-reindex (the same, as
 * one runs the other): returns the flags; exits on -h or a usage error.
 * With --hook, *hook names the git hook and its arguments follow optind.
 */
unsigned parse_refresh_options(int argc, char **argv, const char **hook);

/* Whether the index matches rs (HEAD, the config) and this format, and is not half built. */
int heal_is_fresh(struct index *ix, const struct repo_state *rs);

/* What heal_here() did. */
enum heal_step {
	HEAL_FRESH,		/* nothing: the index matched HEAD */
	HEAL_ADVANCED,		/* recorded the new commit; no issue file changed */
	HEAL_INCREMENTAL,	/* applied a small walk in this process (st says what) */
	HEAL_WALK,		/* nothing: roadmap-reindex must walk */
};

/*
 * Steps 1-3 of the cascade. `flags` are the refresh options: --full,
 * --rebuild and --stdin go straight to the walk; --no-wait skips step 3,
 * which waits for another refresh. Returns an enum heal_step, or -1
 * (reported). rs->head may be read again (step 3 reads it inside its
 * write transaction).
 */
int heal_here(struct index *ix, const struct repo_paths *p, struct repo_state *rs, unsigned flags,
	      struct refresh_stats *st);

/*
 * The whole cascade for a reader: heal_here(), then roadmap-reindex -q
 * in a child when a walk is needed. Returns 0 when the index was brought
 * to HEAD, -1 (reported).
 */
int heal_index(struct index *ix, const struct repo_paths *p, struct repo_state *rs);

/*
 * Begin the read transaction a reader answers from, on an index that
 * matches rs in that very transaction, healing it first when it does
 * not: a stale index, a new one, or one a writer changed since (a
 * --rebuild, or a large walk, commits in chunks marked "building").
 * Each retry reads HEAD again: a writer may have indexed a newer one.
 * Returns 0 or -1 (reported). For tests only, ROADMAP_TEST_BEFORE_ANSWER
 * is a shell command run first (rs is then read again).
 */
int heal_begin(struct index *ix, const struct repo_paths *p, struct repo_state *rs, MDB_txn **txn);

/*
 * The same for callers that have no repo_state yet: each reads one
 * (HEAD, the config stamp) and goes on as above. index_is_fresh() is 0
 * when HEAD cannot be read.
 */
int index_is_fresh(struct index *ix, const struct repo_paths *p);
int index_heal(struct index *ix, const struct repo_paths *p);
int index_begin_fresh(struct index *ix, const struct repo_paths *p, MDB_txn **txn);

#endif
