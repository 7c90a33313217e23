#ifndef WATCHCOMMIT_H
#define WATCHCOMMIT_H

#include "index.h"
#include "overlay.h"
#include "watchlog.h"

/*
 * watchcommit.h - roadmap-watch --auto-commit: the changed issue files
 * committed after a round. Calls overlay (the round's entries), index,
 * repo, run (git, roadmap-check), issue, record, output, syncconflict,
 * atomicfile and watchlog; watchauto calls it.
 *
 * What is committed: the overlay's files (each issue file under the
 * roots that differs from HEAD: modified, added, deleted), less those
 * roadmap-check refuses (each said once as an "error" event; committed
 * once fixed) and those of an issue with an open sync conflict
 * (.roadmap/.conflicts/<id>.yaml). One `git commit --only` of exactly
 * those paths, so that the hooks run and nothing else staged is taken
 * along; the new files are first added with --intent-to-add (git commit
 * names only paths it knows). The message names the ids: as many as
 * fit on its first line, and every one below when not all do.
 *
 * Never while git is in the middle of something: a merge, rebase,
 * cherry-pick, revert or bisect, unmerged entries, another git command
 * holding index.lock, or a detached HEAD. The commit then waits.
 *
 * roadmap-check and git run with ROADMAP_WATCH=0 (set by the watcher
 * for all its children): a hook's roadmap program must not ask the
 * watcher, which is waiting for it.
 */

struct watchcommit_file {
	char *path;
	char *id;		/* NULL when the file names none */
	char *err;		/* why roadmap-check refuses it, or NULL */
	int deleted, added;	/* added: HEAD has no such file */
	int conflict;		/* its issue has an open sync conflict */
	int take;		/* in this commit */
	unsigned char oid[OID_RAW];
};

struct watchcommit_said {
	char *path;
	unsigned char oid[OID_RAW];
};

struct watchcommit {
	const struct repo_paths *p;
	struct watchlog *wl;
	struct watchcommit_file *f;	/* the round's, by path */
	size_t nr, alloc;
	struct watchcommit_said *said;	/* invalid files said already */
	size_t nr_said;
	const char *waiting;	/* why the last try did not commit, or NULL */
	size_t held;		/* files the last try left for their open sync conflicts */
	unsigned long commits;
	long long last_time;	/* Unix seconds of the last commit */
	char last[OID_HEX + 1];	/* and its id */
};

void watchcommit_init(struct watchcommit *wc, const struct repo_paths *p, struct watchlog *wl);
void watchcommit_release(struct watchcommit *wc);

/* Take the files to commit from a round's overlay, made for txn. */
void watchcommit_collect(struct watchcommit *wc, const struct overlay *ov, struct index *ix,
			 MDB_txn *txn);

enum watchcommit_result {
	WATCHCOMMIT_FAILED = -1,	/* git or roadmap-check failed (an "error" event said why) */
	WATCHCOMMIT_NOTHING,		/* nothing that may be committed */
	WATCHCOMMIT_DONE,		/* committed: a "committed" event */
	WATCHCOMMIT_WAIT,		/* git is busy (wc->waiting says with what) */
};

/*
 * Why git is in the middle of something, so that nothing may be
 * committed (nor rebased) now, or NULL.
 */
const char *watchcommit_busy(const struct repo_paths *p);

/* Commit what was collected, with no transaction open. */
enum watchcommit_result watchcommit_run(struct watchcommit *wc);

#endif
