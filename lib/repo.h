#ifndef REPO_H
#define REPO_H

#include "strbuf.h"

/*
 * repo.h - finding the repository and reading HEAD, without libgit2.
 *
 * The hot path of every reader ("does the index match HEAD?") must not
 * start libgit2 (about 10 ms with Debian's build: it loads the CA
 * certificates and relocates a dozen libraries), so this module reads
 * .git by hand: HEAD, one loose ref or packed-refs. git.h has what needs
 * libgit2; programs that answer queries do not link it.
 */

struct repo_paths {
	char *gitdir;		/* per-worktree: HEAD, index, roadmap/ */
	char *commondir;	/* shared: refs, objects, config, hooks */
	char *objdir;		/* commondir/objects */
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

#endif
