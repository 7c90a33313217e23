#ifndef CATFILE_H
#define CATFILE_H

#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>

#include "repo.h"
#include "run.h"	/* git_capture(), for callers that took it from here */
#include "strbuf.h"

/*
 * catfile.h - many objects in one stream from "git cat-file --batch",
 * or what "--batch-check" says of a few names. Calls repo (paths) and
 * the utilities; blob.h gives its answers the blob source's meaning.
 *
 * Blobs are read in-process (odb.h) where lib/odb can read the
 * repository; the stream is for where it cannot (alternates: objects in
 * another repository) and for ROADMAP_TEST_CATFILE=1, which tests it.
 * heal.h and fsck.h ask it what a few names are, or for every blob of
 * the index at once. The object ids are written by a thread, so neither
 * side of the pipes can block the other.
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
 * git answers "missing" (which it answers for a loose object it cannot
 * unpack too: blob_next() tells them apart), -1 when the stream stopped
 * (reported; git died, as on a corrupt packed object).
 */
int catfile_next(struct catfile *cf, struct strbuf *out);
/* All of git's output (for --batch-check's short answers). */
int catfile_read_all(struct catfile *cf, struct strbuf *out);
/* Wait for git and free everything; returns -1 when git failed. */
int catfile_finish(struct catfile *cf);

#endif
