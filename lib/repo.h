#ifndef REPO_H
#define REPO_H

#include <git2.h>

#include "strbuf.h"

/*
 * repo.h - finding the repository, reading HEAD, and libgit2.
 *
 * The hot path of every reader ("does the index match HEAD?") must not
 * start libgit2 (about 10 ms with Debian's build: it loads the CA
 * certificates), so repo_find() and repo_read_head() read .git by hand:
 * HEAD, one loose ref or packed-refs. Everything else goes through
 * libgit2, opened with repo_open() the way R7 says: GIT_DIR exactly when
 * set, else discovered from the cwd; GIT_WORK_TREE honoured.
 */

struct repo_paths {
	char *gitdir;		/* per-worktree: HEAD, index, roadmap/ */
	char *commondir;	/* shared: refs, objects, config, hooks */
	char *workdir;		/* with a trailing '/'; NULL for a bare repository */
};

/* Find the repository for this process. Owned: repo_paths_release(). */
int repo_find(struct repo_paths *out);
void repo_paths_release(struct repo_paths *p);

#define OID_HEX 40
/*
 * Read HEAD as 40 hex digits into hex[41]. Returns 0, 1 when HEAD is
 * unborn (hex is all zeros), or -1 when it cannot be read (reported).
 * *detached is set when HEAD is not a symbolic ref.
 */
int repo_read_head(const struct repo_paths *p, char *hex, int *detached);

/*
 * A fingerprint of every git config file that may set roadmap.path, and
 * of -c options: when it is unchanged, the roots are too. Cheap (stat).
 */
void repo_config_stamp(const struct repo_paths *p, struct strbuf *out);

/* Start libgit2 (once) and open the repository of `p`. */
int repo_open(git_repository **out, const struct repo_paths *p);

/* The issue roots from roadmap.path, without trailing '/', as "a\0b\0" */
int repo_roots(struct strbuf *out, git_repository *repo);

/* Report libgit2's last error as "what: message"; returns -1. */
int repo_error(const char *what);

#endif
