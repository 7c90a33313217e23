#ifndef WATCHDIFF_H
#define WATCHDIFF_H

#include "index.h"
#include "overlay.h"
#include "watchlog.h"

/*
 * watchdiff.h - what changed in the working tree from one round of
 * roadmap-watch to the next, as "added", "modified", "deleted" and
 * "renamed" events (watchlog.h). Calls overlay (its entries), index (the
 * rows of HEAD), run (git diff-tree when HEAD moved), issue, record,
 * output; watchd calls it once a round.
 *
 * It compares states, not inotify events, so that an overflowed queue,
 * a rescan or a burst of writes to one file still give one event per
 * file whose content changed, and none for a touch or an edit undone:
 * a file's working state is its overlay entry (deleted, or a blob id)
 * or, without one, HEAD's row. Kept between rounds: the last overlay's
 * entries and the commit they were against. When HEAD moved (a commit,
 * a checkout), `git diff-tree` of the two commits over the roots names
 * the files whose HEAD row changed; a commit of the working files so
 * changes nothing, a checkout changes what it wrote.
 *
 * A deleted and an added file with the same id in one round are one
 * "renamed" event (the identity is its id, not its path).
 */

struct watchdiff_state {
	char *path;
	char *id;		/* NULL when unknown */
	int present;
	unsigned char oid[OID_RAW];
};

struct watchdiff {
	struct watchdiff_state *last;	/* the last round's overlay entries, by path */
	size_t nr, alloc;
	char head[OID_HEX + 1];	/* the commit they were against ("" before the first round) */
};

#define WATCHDIFF_INIT { NULL, 0, 0, "" }

/*
 * Compare ov, made for the snapshot txn, with the last round: print an
 * event for each file changed (with `emit`; the first call, at the
 * watcher's start, only remembers), then remember ov. roots are the
 * roots ("a\0b\0") the overlay covers. Returns 0, or -1 (reported) when
 * the rows or git could not be read: the changes are then said at the
 * next round.
 */
int watchdiff_round(struct watchdiff *wd, const struct overlay *ov, struct index *ix, MDB_txn *txn,
		    const struct repo_paths *p, const char *roots, size_t rootslen,
		    struct watchlog *wl, int emit);
void watchdiff_release(struct watchdiff *wd);

#endif
