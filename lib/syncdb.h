#ifndef SYNCDB_H
#define SYNCDB_H

#include <stddef.h>

#include "strbuf.h"

/*
 * syncdb.h - the sync's durable state: $(git rev-parse --git-common-dir)/
 * roadmap/sync.mdb, one LMDB file for the repository (every worktree
 * syncs the same remotes). Unlike the index it is not a cache: no
 * refresh or rebuild touches it. Calls strbuf, usage.
 *
 * Rows are keyed "<remote>\0<key>"; the sync names its keys (sync.h):
 * the remote's state, cursor and ETag, each fetched issue, each local
 * issue's digest at the last sync, the journal of remote writes. One
 * transaction at a time, held by the handle.
 */

struct syncdb;

/* Open (creating) the repository's sync.mdb. Returns 0 or -1 (reported). */
int syncdb_open(struct syncdb **out, const char *commondir);
void syncdb_close(struct syncdb *db);

/* Start a transaction (write: the one writer, waited for). Returns 0 or -1. */
int syncdb_begin(struct syncdb *db, int write);
/* Commit it durably. Returns 0 or -1 (reported; the transaction is gone). */
int syncdb_commit(struct syncdb *db);
void syncdb_abort(struct syncdb *db);

/* Returns 0 (the value in out, replacing it), 1 when absent, -1 after an error. */
int syncdb_get(struct syncdb *db, const char *remote, const char *key, struct strbuf *out);
int syncdb_put(struct syncdb *db, const char *remote, const char *key, const void *val, size_t len);
int syncdb_put_str(struct syncdb *db, const char *remote, const char *key, const char *val);
int syncdb_del(struct syncdb *db, const char *remote, const char *key);

/* Call fn for each row of remote whose key starts with prefix, in key order; non-zero stops. */
typedef int (*syncdb_fn)(const char *key, const char *val, size_t len, void *data);
int syncdb_foreach(struct syncdb *db, const char *remote, const char *prefix, syncdb_fn fn,
		   void *data);

/*
 * A test's crash: with ROADMAP_TEST_SYNC_CRASH_AT=N the sync dies by
 * SIGKILL at its Nth step (each journalled remote write and each state
 * commit is one), so a test can kill it at every step.
 */
void sync_crash_point(const char *what);
/*
 * With ROADMAP_TEST_SYNC_STOP_AT=<what> the sync stops itself (SIGSTOP)
 * the first time it passes there: at each crash point, and at "fetched".
 */
void sync_stop_point(const char *what);

#endif
