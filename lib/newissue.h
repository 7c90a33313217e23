#ifndef NEWISSUE_H
#define NEWISSUE_H

#include <stddef.h>

#include "frontmatter.h"
#include "strbuf.h"

/*
 * newissue.h - a new issue file, in the repository's layout (roadmap-new).
 * Calls layout, frontmatter, write, index, run.
 *
 * Ids never collide across clones: roadmap-cli's and folder-per-state's
 * are 8 random hex digits (drawn again on a clash with the index);
 * Backlog.md's are <prefix>-<n>, n one more than the largest number of
 * the index, the work tree and every local branch, chosen under a lock so
 * two roadmap-new never take the same one.
 */

struct index;
struct layout;
struct repo_paths;

struct new_issue {
	const char *title, *status, *assignee, *milestone, *priority, *type;
	const char *const *labels;
	size_t nlabels;
	char *const *fields;	/* "key=value" */
	size_t nfields;
	const struct fm_edit *edits;	/* more edits, made last (the sync's remote_ids) */
	size_t nedits;
	const char *body;	/* NULL: none */
	size_t bodylen;
	unsigned char *oid;	/* not NULL: gets the blob id of the file written */
};

/*
 * Create the issue file; its id goes to id, its path to path. Returns 0,
 * or -1 after an error (nothing written).
 */
int new_issue(struct index *ix, const struct repo_paths *p, const struct layout *l,
	      const struct new_issue *n, struct strbuf *id, struct strbuf *path);

#endif
