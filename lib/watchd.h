#ifndef WATCHD_H
#define WATCHD_H

#include "repo.h"
#include "strbuf.h"
#include "watchauto.h"

/*
 * watchd.h - the watcher: keeps one work tree's overlay up to date from
 * inotify and answers on watch.h's socket. It may call overlay, watch,
 * index, heal (to index HEAD), issue, watchlog, watchdiff and watchauto;
 * only roadmap-watch calls it.
 *
 * Queries are answered at once from the overlay (the events queued
 * before a query are read first). What is debounced is the rest: after
 * file events, once none came for the debounce time (or at the latest
 * ten debounce times after the first), one round: the index brought to
 * HEAD, the overlay brought up to date, an event said for each file that
 * changed (--json), and the automation (watchauto.h). A burst of writes
 * to 10,000 files is one round.
 *
 * The steps are apart so that the caller can detach between them: open
 * (in the process that stays), start, say it is ready, serve, close.
 */

struct watchd;

struct watchd_opts {
	int debounce_ms;	/* quiet time before a round */
	int json;		/* the events on stdout, a JSON object a line */
	struct watchauto_opts automation;
};

/*
 * Open the index of the work tree p (kept until watchd_close) and take
 * watch.lock. Returns 0, 1 when another watcher holds the lock, or -1:
 * with why in err, or reported already when err is empty.
 */
int watchd_open(struct watchd **out, const struct repo_paths *p, const struct watchd_opts *o,
		struct strbuf *err);

/*
 * Catch the signals that stop it, move to the top of the work tree (its
 * children, git among them, run there, with ROADMAP_WATCH=0 so that
 * none asks the watcher back), index HEAD, scan, and listen. Returns 0
 * once it can answer, -1 (reported) when it cannot.
 */
int watchd_start(struct watchd *wd);

/*
 * Answer queries, run the rounds and the automation until asked to
 * stop, signalled, or the work tree is gone; now and then, clear the
 * reader slots of dead processes (index_reader_check).
 */
void watchd_serve(struct watchd *wd);

/* Stop listening, forget every watch, close the index. */
void watchd_close(struct watchd *wd);

#endif
