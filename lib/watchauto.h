#ifndef WATCHAUTO_H
#define WATCHAUTO_H

#include "index.h"
#include "overlay.h"
#include "watchlog.h"

/*
 * watchauto.h - roadmap-watch's automation: after a round, commit the
 * changed issue files (--auto-commit), push the commits (--auto-push)
 * and run roadmap-sync (--sync). Calls overlay (the round's entries),
 * index, repo, run (git, roadmap-check, roadmap-sync), issue,
 * syncconflict and watchlog; only watchd calls it.
 *
 * Commit: the overlay's files (every issue file under the roots that
 * differs from HEAD: modified, added, deleted), less those roadmap-check
 * refuses (each said once as an "error" event, committed once fixed)
 * and those of an issue with an open sync conflict, in one `git commit
 * --only` (so the hooks run, and nothing else staged is taken along),
 * its message naming the ids. Never while git is in the middle of
 * something (a merge, rebase, cherry-pick, revert, bisect, unmerged
 * entries, another git holding index.lock) nor on a detached HEAD: the
 * commit waits, and is tried again every few seconds.
 *
 * Push and sync run as child processes the watcher polls (watchauto_fd),
 * one at a time, so that it answers queries meanwhile. A push goes to the
 * branch's upstream, never forced; a failure backs off exponentially (1 s
 * to 5 min, ROADMAP_WATCH_BACKOFF_MS sets the first step). A push refused
 * as not fast-forward is followed by a fetch and, when the commits ahead
 * of the upstream touch issue files only, a rebase onto it (git rebase
 * --autostash; aborted on any conflict) and a push again; otherwise the
 * pushing stops, with an "error" event, until the next auto-commit.
 * Nothing is ever reset: no local commit is lost. roadmap-sync runs every
 * interval and after each auto-commit; the files it pulls are committed
 * by the next round, and its baseline already holds them, so that the
 * next sync does not send them back.
 */

struct watchauto_opts {
	int commit;		/* --auto-commit */
	int push;		/* --auto-push */
	const char *sync;	/* --sync <remote>, or NULL */
	int interval_s;		/* seconds between two syncs */
};

struct watchauto;

/* p and wl must outlive it. */
struct watchauto *watchauto_new(const struct repo_paths *p, const struct watchauto_opts *o,
				struct watchlog *wl);
/* Stop a child still running (SIGTERM: a sync resumes from its journal), and free. */
void watchauto_free(struct watchauto *wa);

/*
 * A round's overlay (made for txn) names what to commit: taken here,
 * inside the transaction; roots are its roots ("a\0b\0").
 */
void watchauto_collect(struct watchauto *wa, const struct overlay *ov, struct index *ix, MDB_txn *txn,
		       const char *roots, size_t rootslen);
/* Then, with no transaction open: commit what was collected, when it may. */
void watchauto_commit(struct watchauto *wa);

/* The running child's output, to poll for reading; -1 when none runs. */
int watchauto_fd(const struct watchauto *wa);
/* When something is due next (now_ms() time), or a negative number for never. */
double watchauto_next(const struct watchauto *wa);
/*
 * Go on with what is due: a child's output or its end, a push or sync
 * to start. Returns 1 when the watcher should run a round (a commit to
 * try again, a sync that wrote files).
 */
int watchauto_tick(struct watchauto *wa);

/* --status lines: the counters and the last commit, push and sync. */
void watchauto_status(const struct watchauto *wa, struct strbuf *out);

#endif
