#ifndef DIRREMOTE_H
#define DIRREMOTE_H

#include "remote.h"

/*
 * dirremote.h - a folder of issue files as a remote (kind "dir"): another
 * repository's issue root, or any folder; an offline second remote for
 * the sync. Calls rfile, issue, record, atomicfile.
 *
 * Its issues are the *.md files under the folder, keyed by their ids; a
 * created one is <local id>.md (with a suffix when taken), status open or
 * closed, the body ending with the roadmap marker. The remote's clock is
 * the files' modification time (UTC, nanoseconds), so a fetch since a
 * cursor reads only the files changed since, whoever changed them.
 */

/* Open r (r->url: the folder, relative to workdir unless absolute). Returns 0 or -1 (err). */
int dirremote_open(struct remote *r, const char *workdir, struct strbuf *err);

#endif
