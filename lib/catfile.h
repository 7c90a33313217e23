#ifndef CATFILE_H
#define CATFILE_H

#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>

#include "repo.h"
#include "strbuf.h"

/*
 * catfile.h - many blobs in one stream from "git cat-file --batch".
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

/* Start git cat-file --batch for the blobs whose hex ids are in oids (owned). */
int catfile_start(struct catfile *cf, const struct repo_paths *p, char *oids, size_t len);
/*
 * The next blob, in the order asked: its bytes in out. Returns 0, 1 when
 * git says it is missing, -1 on an error (reported).
 */
int catfile_next(struct catfile *cf, struct strbuf *out);
/* Wait for git and free everything; returns -1 when git failed. */
int catfile_finish(struct catfile *cf);

#endif
