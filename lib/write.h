#ifndef WRITE_H
#define WRITE_H

#include <stddef.h>

#include "frontmatter.h"
#include "layout.h"

/*
 * write.h - issue files changed on disk, safely: roadmap-set, -new,
 * -close and -mv write through it. Calls frontmatter, atomicfile, repo.
 *
 * Each change holds the file's lock (a byte of $GIT_DIR/roadmap/write.lock
 * chosen by the path, an fcntl lock the kernel drops when the process
 * dies), so two roadmap writers never interleave. A file changed by
 * anything else between the read and the write (an editor) is read again
 * and the edit made anew, up to three times, then refused: the other edit
 * is never lost. The file is replaced whole or not at all (atomicfile.h).
 */

struct repo_paths;

struct write_result {
	int changed;		/* 0: the edits left the file as it was */
	char *path;		/* where the file is now (after a move) */
	/* the blob ids of the file as read and as left (the same when unchanged) */
	unsigned char before[20], after[20];
};

/*
 * Edit the issue file `path` (relative to the work tree). With `touch`
 * (the repository's layout), also stamp it as changed now (layout_touch)
 * when anything changed. Returns 0, or -1 after an error naming the file ("path:line:col: ..."
 * when its front matter does not parse); the file is then as it was.
 */
int write_edit(const struct repo_paths *p, const char *path, const struct fm_edit *ed,
	       size_t nr, const struct layout *touch, struct write_result *res);

/*
 * Replace the issue file `path` with buf[0..len) if it still holds
 * old[0..oldlen) (under its lock). Returns 0, 1 when it changed since
 * (nothing written), -1 after an error.
 */
int write_replace(const struct repo_paths *p, const char *path, const char *old, size_t oldlen,
		  const char *buf, size_t len);

/*
 * Move the issue file `path` to `newpath` (folders made as needed); it is
 * refused when newpath exists. Returns 0 or -1 after an error.
 */
int write_move(const struct repo_paths *p, const char *path, const char *newpath);

/* Create `path` with buf[0..len); refused when it exists. Returns 0 or -1. */
int write_create(const struct repo_paths *p, const char *path, const char *buf, size_t len);

/*
 * Hold the lock of `key` (a path, or any name writers agree on): returns
 * a descriptor to close() to let it go, or -1 after an error.
 */
int write_lock(const struct repo_paths *p, const char *key);

void write_result_release(struct write_result *res);

#endif
