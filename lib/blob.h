#ifndef BLOB_H
#define BLOB_H

#include "catfile.h"
#include "odb.h"
#include "repo.h"
#include "strbuf.h"

/*
 * blob.h - the blob source: an issue file's blob, with one answer
 * whichever reader reads it: lib/odb in-process, a git cat-file --batch
 * stream, or libgit2 (the caller's: this module does not link it). Calls
 * odb, catfile, run and repo; refresh, apply and cmd/ call it.
 *
 * A blob is
 *  - read (BLOB_READ, 0): its bytes are in out;
 *  - missing (BLOB_MISSING, 1): not in the repository at all, as in a
 *    partial clone: the caller leaves the file out with a warning, and
 *    roadmap-fsck names it;
 *  - unreadable (BLOB_CORRUPT, -1): there, but git cannot read it either
 *    (a corrupt object). Reported, naming the path when the caller gives
 *    it; the refresh fails (exit 128) and the index stays at the commit
 *    it had (doc/roadmap-refresh.1).
 *
 * Whatever a reader cannot read, git is asked. It reads what the reader
 * does not see (alternates, a promisor remote, a form lib/odb does not
 * know), and only git tells a missing blob from a broken one: libgit2
 * says "not found" for both, and cat-file --batch answers "missing" for a
 * loose object it cannot unpack.
 */

enum { BLOB_CORRUPT = -1, BLOB_READ = 0, BLOB_MISSING = 1 };

/*
 * The blob oid by "git cat-file blob" (GIT_DIR=gitdir), for a reader
 * that could not read it: BLOB_READ, BLOB_MISSING, or BLOB_CORRUPT
 * (reported, naming path; NULL: the oid only). oid is read as itself:
 * the caller has followed the replace refs (repo_replacement()).
 *
 * Replace refs: a blob a replace ref replaces reads as its replacement,
 * as git shows it (blob_read(), blob_next(), libgit_read_blob() and the
 * streams they are given follow repo_replacement()). The rows keep the
 * original's oid, as HEAD's trees have it; a change of the replace refs
 * honoured rebuilds the index (refresh.h).
 */
int blob_from_git(const char *gitdir, const unsigned char *oid, const char *path,
		  struct strbuf *out);

/*
 * The blob oid (or its replacement), in-process where db can read it (db
 * may be NULL: none open), else from git.
 */
int blob_read(struct odb *db, const struct repo_paths *p, const unsigned char *oid,
	      const char *path, struct strbuf *out);

/*
 * The next blob of cf's stream, which the caller asked for as oid (the
 * stream answers in the order asked). When the stream stopped at it
 * (git dies on a corrupt packed object) it is BLOB_CORRUPT whatever git
 * says of it alone: the stream has no more answers.
 */
int blob_next(struct catfile *cf, const struct repo_paths *p, const unsigned char *oid,
	      const char *path, struct strbuf *out);

/*
 * In a partial clone, fetch the blobs of oids[0..n) the clone lacks in one
 * batch, as git checkout does: one "git fetch" of the promisor remote
 * with their ids on stdin (git itself fetches a blob it is asked for and
 * lacks, one process and one round trip a blob). missing[i] says after
 * which are still missing (the remote is unreachable, or lacks them;
 * warned, once): the caller indexes them as unknown, without asking git
 * for each. Returns how many are missing; in a whole repository (no
 * promisor remote) none are looked for: 0.
 */
size_t blob_fetch_missing(const struct repo_paths *p, const unsigned char *const *oids, size_t n,
			 char *missing);

/*
 * The replace refs honoured whose original is no blob (a tree, a commit,
 * a tag): roadmap reads those objects as themselves, where git shows the
 * replacement. "<original hex> <its type>\n" each in out; returns how many.
 */
size_t blob_replace_unsupported(const struct repo_paths *p, struct strbuf *out);

#endif
