#ifndef HEAL_H
#define HEAL_H

#include "index.h"
#include "repo.h"

/*
 * heal.h - what every reader runs before it answers.
 *
 * When the index matches HEAD, the config and the format (a few stats and
 * one read transaction, no libgit2), answer. When not, run
 * roadmap-reindex, which re-reads HEAD inside its write transaction so
 * the last writer indexes the newest HEAD. Readers do not link libgit2:
 * its start alone costs more than the whole answer.
 */

/*
 * Whether the index matches HEAD, the config and the format, and is not
 * half built: a few stats and one read transaction.
 */
int index_is_fresh(struct index *ix, const struct repo_paths *p);

/* Milliseconds on the monotonic clock. */
double now_ms(void);

/* Returns 0 when the index is fresh (after a refresh if needed), -1 (reported). */
int index_heal(struct index *ix, const struct repo_paths *p);

/*
 * Begin the read transaction a reader answers from, on an index that
 * matches HEAD in that very transaction, healing it first when it does
 * not: a stale index, a new one, or one a writer changed since (a
 * --rebuild, or a large walk, commits in chunks marked "building").
 * Returns 0 or -1 (reported). For tests only, ROADMAP_TEST_BEFORE_ANSWER
 * is a shell command run first.
 */
int index_begin_fresh(struct index *ix, const struct repo_paths *p, MDB_txn **txn);

/*
 * When HEAD moved but the tree of every root is the one indexed (a commit
 * or checkout that touched no issue file), record the new commit without
 * libgit2: git cat-file --batch-check names the trees. Returns 1 when
 * done, 0 when a walk is needed.
 */
int index_advance(struct index *ix, const struct repo_paths *p);

/*
 * The tree oid of each root ("a\0b\0") in `commit`, from git cat-file
 * --batch-check, in oids[]: all zeros for a root the commit lacks.
 * Returns 0, or -1 when git cannot say (or a root is not a folder).
 */
int index_root_trees(unsigned char (*oids)[OID_RAW], const struct repo_paths *p, const char *commit,
		     const char *roots, size_t rootslen);

/*
 * Run the roadmap program `prog` with argv: the one installed beside this
 * one, else from $PATH. Returns only when it cannot be run.
 */
void exec_roadmap(const char *prog, char **argv);

enum refresh_flags {
	REFRESH_FULL = (1 << 0),	/* compare every entry, skip no subtree */
	REFRESH_REBUILD = (1 << 1),	/* drop everything, parse every blob */
	REFRESH_VERBOSE = (1 << 2),	/* report on stderr */
	REFRESH_QUIET = (1 << 3),	/* print nothing */
	REFRESH_NO_WAIT = (1 << 4),	/* skip when another refresh runs */
	REFRESH_STDIN = (1 << 5),	/* the paths to refresh come on stdin */
	REFRESH_NUL = (1 << 6),		/* ... NUL-terminated, not quoted */
};

/*
 * The command line of roadmap-refresh and roadmap-reindex (the same, as
 * one runs the other): returns the flags; exits on -h or a usage error.
 * With --hook, *hook names the git hook and its arguments follow optind.
 */
unsigned parse_refresh_options(int argc, char **argv, const char **hook);

#endif
