#ifndef WATCHD_H
#define WATCHD_H

#include "repo.h"
#include "strbuf.h"

/*
 * watchd.h - the watcher: keeps one work tree's overlay up to date from
 * inotify and answers on watch.h's socket. It may call overlay, watch,
 * index, heal (to index HEAD before the first answer) and issue; only
 * roadmap-watch calls it.
 *
 * The steps are apart so that the caller can detach between them: open
 * (in the process that stays), start, say it is ready, serve, close.
 */

struct watchd;

/*
 * Open the index of the work tree p (kept until watchd_close) and take
 * watch.lock. Returns 0, 1 when another watcher holds the lock, or -1:
 * with why in err, or reported already when err is empty.
 */
int watchd_open(struct watchd **out, const struct repo_paths *p, struct strbuf *err);

/*
 * Catch the signals that stop it, index HEAD, scan, and listen. Returns
 * 0 once it can answer, -1 (reported) when it cannot.
 */
int watchd_start(struct watchd *wd);

/* Answer queries until asked to stop, signalled, or the work tree is gone. */
void watchd_serve(struct watchd *wd);

/* Stop listening, forget every watch, close the index. */
void watchd_close(struct watchd *wd);

#endif
