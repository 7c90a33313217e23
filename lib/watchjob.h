#ifndef WATCHJOB_H
#define WATCHJOB_H

#include <sys/types.h>

#include "strbuf.h"

/*
 * watchjob.h - one child process roadmap-watch runs in the background (a
 * push, a fetch, a sync) while it goes on answering queries: started,
 * its output (stdout and stderr together) gathered as it comes, reaped
 * when it ends. Calls run (exec_roadmap, the clock) and the utilities;
 * watchauto uses it.
 *
 * The child gets no input (/dev/null), the default signal mask and
 * dispositions (the watcher blocks its stop signals outside its wait),
 * and no descriptor of the watcher's but the pipe.
 */

struct watchjob {
	pid_t pid;		/* 0: none runs */
	int fd;			/* the read end of its output, non-blocking */
	double started;		/* now_ms() */
	struct strbuf out;	/* what it printed (the first 64 KiB) */
};

#define WATCHJOB_INIT { 0, -1, 0, STRBUF_INIT }

/*
 * Start argv: git when roadmap_prog is 0, else the roadmap program
 * argv[0]. Returns 0, or -1 (reported).
 */
int watchjob_start(struct watchjob *j, char **argv, int roadmap_prog);

/*
 * Read what it printed so far; 1 once it has exited (*status: its exit
 * status, -1 when a signal ended it or it ran past timeout_ms and was
 * stopped), 0 while it runs. After 1, j->out holds its output until the
 * next start.
 */
int watchjob_poll(struct watchjob *j, int *status, double timeout_ms);

/* Stop it (SIGTERM) and reap it. */
void watchjob_stop(struct watchjob *j);
void watchjob_release(struct watchjob *j);

#endif
