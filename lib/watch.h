#ifndef WATCH_H
#define WATCH_H

#include "index.h"
#include "strbuf.h"

/*
 * watch.h - roadmap-watch's socket and the lines through it, both halves:
 * a client asks, the watcher (watchd.h) answers. It may call index (for
 * the snapshot's identity), repo and run (to start a watcher when
 * roadmap.watch says so), atomicfile, output, strbuf and usage; overlay
 * asks it first, roadmap-status asks it for its status.
 *
 * roadmap-watch keeps the overlay of one work tree up to date from
 * inotify events, so that a working-tree query asks it instead of
 * stat'ing every file (git's fsmonitor, with the daemon holding the
 * answer). The socket is index.mdb's neighbour "watch.sock".
 *
 * A client names the index snapshot it reads: the file (device, inode)
 * and the LMDB transaction id. The watcher answers only for that very
 * snapshot, because an overlay is a difference against rows; anything
 * else ("no", a dead watcher, a timeout) sends the client to
 * overlay_scan(), which is always right, only slower.
 *
 * Lines: the client sends "query <dev> <ino> <txnid>\n", "status\n" or
 * "stop\n"; the watcher answers "ok <bytes>\n" and that many bytes of
 * payload (for a query, overlay_encode()), or "no <reason>\n", and
 * closes the connection.
 */

enum watch_request {
	WATCH_UNKNOWN,		/* a line that is none of these */
	WATCH_QUERY,		/* the overlay for one snapshot */
	WATCH_STATUS,		/* what the watcher did, as lines */
	WATCH_STOP,		/* exit */
};

/* The index file's identity and the transaction's id: "<dev> <ino> <txnid>". */
void watch_snapshot(struct strbuf *out, struct index *ix, MDB_txn *txn);
/* Split such a snapshot: "<dev> <ino>" into file, and the txnid returned. */
size_t watch_snapshot_split(struct strbuf *file, const char *snap);

/* The client's half. */

/* A socket connected to the watcher of ix, or -1 when none listens. */
int watch_connect(const struct index *ix);

/*
 * Send the request (snapshot: for WATCH_QUERY only), then read the whole
 * answer into out (the payload of "ok", or the reason after "no").
 * Returns 0 on "ok", 1 on "no", -1 when the watcher failed or took
 * longer than timeout_ms.
 */
int watch_ask(int fd, enum watch_request req, const char *snapshot, struct strbuf *out,
	      int timeout_ms);

/*
 * The watcher's payload for the snapshot txn of p's work tree. Returns 0
 * when it answered, -1 otherwise: none runs, ROADMAP_WATCH=0 is set, or
 * it could not answer for txn within ROADMAP_WATCH_TIMEOUT_MS (default
 * 5000). When none runs and roadmap.watch is true, one is started
 * (watch_autostart()).
 */
int watch_query(struct index *ix, MDB_txn *txn, const struct repo_paths *p, struct strbuf *payload);

/*
 * With roadmap.watch true (as git's core.fsmonitor=true starts its
 * daemon), start `roadmap-watch -q` in the background for p's work tree:
 * no automation, only the overlay. Never waited for, and it keeps none of
 * the caller's descriptors, so that neither a query nor a hook waits on
 * it; nothing is started while a watcher holds watch.lock.
 */
void watch_autostart(const struct index *ix, const struct repo_paths *p);

/*
 * roadmap-status's part: what the watcher of ix's work tree says of
 * itself (pid, uptime, events, rounds, commits, pushes, syncs, the last
 * of each and the last error), asked over the socket. format 0: lines
 * for people; 1: a JSON value (an object, or null when none runs); 2:
 * Prometheus samples labelled with the work tree.
 */
void watch_status(struct strbuf *out, struct index *ix, const char *worktree, int format);

/* The watcher's half (it holds watch.lock). */

/* A socket listening at ix's watch.sock (replacing a stale one), or -1 (reported). */
int watch_listen(const struct index *ix);
/* Remove the socket. */
void watch_unlisten(const struct index *ix);

/*
 * Read one request from a client that connected (one that has not sent
 * it within a second is dropped). Returns the request (the snapshot of
 * a query in snapshot), or -1 when there is nothing to answer.
 */
int watch_read_request(int fd, struct strbuf *snapshot);
/* Answer "ok": the payload, none when NULL. */
void watch_reply(int fd, const struct strbuf *payload);
/* Answer "no" and why. */
void watch_refuse(int fd, const char *reason);

#endif
