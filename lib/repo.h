#ifndef REPO_H
#define REPO_H

#include "sha1.h"
#include "strbuf.h"

/*
 * repo.h - the repository, read by hand: where it is, its format, HEAD,
 * the config stamp, whether a rebase is under way. Calls only the
 * utilities (strbuf, usage, xalloc).
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
	/*
	 * A partial clone's promisor remote (extensions.partialClone, else
	 * the first remote.<name>.promisor), which lazily fetches what the
	 * clone lacks; NULL in a whole repository
	 */
	char *promisor;
	/*
	 * The replace refs honoured, as (original, replacement) pairs
	 * sorted by the original: none with GIT_NO_REPLACE_OBJECTS or
	 * core.useReplaceRefs=false (repo_replacement())
	 */
	unsigned char (*replace)[2][OID_RAW];
	size_t nr_replace;
};

/*
 * Find the repository for this process and check its format, once: a
 * format roadmap cannot read (SHA-256 objects, reftable refs, a format
 * version above 1, an extension git would refuse) is one error naming
 * the extension, and -1. Owned: repo_paths_release().
 */
int repo_find(struct repo_paths *out);
void repo_paths_release(struct repo_paths *p);

/*
 * What git reads for object oid: 1 with the replacement's id in out
 * when a replace ref names one (followed, as git does, up to 5 deep),
 * 0 when it is read as itself.
 */
int repo_replacement(const struct repo_paths *p, const unsigned char *oid, unsigned char *out);
/* The replace refs honoured, "<original> <replacement>\n" each, in out. */
void repo_replace_list(const struct repo_paths *p, struct strbuf *out);

/*
 * Read HEAD as 40 hex digits into hex[41]. Returns 0, 1 when HEAD is
 * unborn (hex is all zeros), or -1 when it cannot be read (reported).
 * *detached is set when HEAD is not a symbolic ref.
 */
/* A ref that is no symbolic ref (loose or packed): 0 with its hex, 1 when absent, -1 after an error. */
int repo_read_ref(const struct repo_paths *p, const char *ref, char *hex);
int repo_read_head(const struct repo_paths *p, char *hex, int *detached);

/*
 * A fingerprint of every git config file that may set roadmap.path, and
 * of -c options: when it is unchanged, the roots are too. Cheap (stat).
 */
void repo_config_stamp(const struct repo_paths *p, struct strbuf *out);

/*
 * What a command learns about the repository at its start, read once and
 * passed down (the format was checked by repo_find()).
 */
struct repo_state {
	char head[OID_HEX + 1];	/* HEAD's commit; all zeros when unborn */
	int unborn;		/* HEAD names a branch with no commit yet */
	int detached;		/* HEAD names a commit, not a branch */
	struct strbuf stamp;	/* repo_config_stamp() */
};
#define REPO_STATE_INIT { { 0 }, 0, 0, STRBUF_INIT }

/* Fill s: HEAD and the config stamp. Returns 0, or -1 when HEAD cannot be read (reported). */
int repo_state_read(struct repo_state *s, const struct repo_paths *p);

/*
 * Read HEAD again into s: 0 or -1 (reported). A writer calls it inside
 * its write transaction, and a reader that retries calls it before the
 * retry: HEAD may have moved since the command began, and the last writer
 * must index the newest HEAD.
 */
int repo_state_reread_head(struct repo_state *s, const struct repo_paths *p);
void repo_state_release(struct repo_state *s);

/* Whether `name` ("rebase-merge", "sequencer/todo") exists in the per-worktree gitdir. */
int repo_gitdir_has(const struct repo_paths *p, const char *name);

/*
 * Whether a rebase is under way (git am too): HEAD then moves in many
 * steps, maybe detached, and comparing two commits tells little.
 */
int repo_rebasing(const struct repo_paths *p);

#endif
