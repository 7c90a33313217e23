#ifndef WATCH_H
#define WATCH_H

#include "index.h"
#include "overlay.h"
#include "strbuf.h"

/*
 * watch.h - roadmap-watch's socket, and what goes through it.
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
 * payload (watch_encode()), or "no <reason>\n".
 */

/* The index file's identity and the transaction's id: "<dev> <ino> <txnid>". */
void watch_snapshot(struct strbuf *out, struct index *ix, MDB_txn *txn);

/* A socket connected to the watcher of ix, or -1 when none listens. */
int watch_connect(const struct index *ix);
/* A socket listening at ix's watch.sock (replacing a stale one), or -1 (reported). */
int watch_listen(const struct index *ix);
/* Remove the socket (the watcher's, who holds watch.lock). */
void watch_unlisten(const struct index *ix);

/*
 * Send line, then read the whole answer into out (the payload of "ok",
 * or the reason after "no"). Returns 0 on "ok", 1 on "no", -1 when the
 * watcher failed or took longer than timeout_ms.
 */
int watch_ask(int fd, const char *line, struct strbuf *out, int timeout_ms);

/* The overlay's entries as watch_decode() reads them back. */
void watch_encode(struct strbuf *out, const struct overlay *ov);
int watch_decode(struct overlay *ov, const char *buf, size_t len);

/*
 * Fill ov from the watcher, for the snapshot txn. Returns 0 when it
 * answered, -1 otherwise (ov untouched): none runs, ROADMAP_WATCH=0 is
 * set, or it could not answer for txn within ROADMAP_WATCH_TIMEOUT_MS
 * (default 5000).
 */
int watch_overlay(struct overlay *ov, struct index *ix, MDB_txn *txn, const struct repo_paths *p);

#endif
