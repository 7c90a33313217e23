#ifndef CATFILE_H
#define CATFILE_H

#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>

#include "repo.h"
#include "strbuf.h"

/*
 * catfile.h - many objects in one stream from "git cat-file --batch",
 * or what "--batch-check" says of a few names.
 *
 * A bulk build reads every issue blob. git's own object reading (with its
 * delta-base cache) is about twice as fast as libgit2's blob lookups here,
 * and in its own process it inflates on one core while we parse on the
 * other. The object ids are written by a thread, so neither side of the
 * pipes can block the other.
 */

struct catfile {
	pid_t pid;
	int in, out;		/* our ends: git's stdin, git's stdout */
	char *oids;		/* "hex\n" for each blob asked for */
	size_t len;
	int thread_started;
	pthread_t thread;
	struct strbuf buf;	/* read buffer */
	size_t pos;
};

/*
 * Start "git cat-file <option>" (--batch or --batch-check) and feed it
 * input[0..len) (owned: freed by catfile_finish()), one object name a line.
 * sweep: the names are in pack order (packidx.h), so git may read the
 * packs through small windows and keep its memory small.
 */
int catfile_start(struct catfile *cf, const struct repo_paths *p, const char *option,
		  char *input, size_t len, int sweep);
/*
 * The next blob, in the order asked: its bytes in out. Returns 0, 1 when
 * git says it is missing, -1 on an error (reported).
 */
int catfile_next(struct catfile *cf, struct strbuf *out);
/*
 * Run git with argv (argv[0] is "git"), GIT_DIR set to p's, no input, and
 * append its output to out. Returns 0, or -1 when git failed (its own
 * message went to stderr).
 */
int git_capture(struct strbuf *out, const struct repo_paths *p, char *const argv[]);
/* The same, returning git's exit status, or -1 when it could not run. */
int git_capture_status(struct strbuf *out, const struct repo_paths *p, char *const argv[]);

/* All of git's output (for --batch-check's short answers). */
int catfile_read_all(struct catfile *cf, struct strbuf *out);
/* Wait for git and free everything; returns -1 when git failed. */
int catfile_finish(struct catfile *cf);

#endif
