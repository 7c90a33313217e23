#ifndef RFILE_H
#define RFILE_H

#include <stddef.h>

#include "rissue.h"
#include "strbuf.h"

/*
 * rfile.h - an issue file's synced fields: read into canonical form
 * (rissue.h) and written back from it, only the fields that differ, so
 * every other byte of the file stays. Calls issue, record, frontmatter,
 * rissue.
 *
 * Fields: title, status, labels, assignee or assignees (a scalar or a
 * list), milestone, the body, and remote_ids.<remote>.
 *
 * Statuses: a local status projects to open or closed and a reason: the
 * map's entries first (roadmap.remote.<name>.statusMap), then the closed
 * status and the common closed words (done, closed, completed, resolved,
 * fixed; wontfix, cancelled, rejected: not_planned; duplicate). A status
 * the remote's state does not contradict is kept, so a pull never turns
 * `in-progress` into `todo`; a reason counts only when both sides name
 * one (a plain local `closed` agrees with any closed issue).
 */

struct rfile_map {
	char **status, **state, **reason;	/* the statusMap entries */
	size_t nr;
	char *open_status;	/* a reopened issue's local status */
	char *closed_status;	/* a closed issue's */
};

/* A local status as open or closed and a reason (NULL: any). */
void rfile_project_status(const struct rfile_map *m, const char *status, const char **state,
			  const char **reason);
/* The local status for the remote's state and reason: cur when it agrees. */
const char *rfile_status_for(const struct rfile_map *m, const char *state, const char *reason,
			     const char *cur);

/*
 * The synced fields of the issue file buf[0..len), canonical; key: its
 * remote_ids.<remote> (empty when none). Returns 0, or -1 with
 * "line:col: message" in err.
 */
int rfile_read(const struct rfile_map *m, const char *buf, size_t len, const char *remote,
	       struct rissue *out, struct strbuf *key, struct strbuf *err);

/* The file buf[0..len) with ri's fields of `fields` written in. Returns 0 or -1 (err). */
int rfile_write(const struct rfile_map *m, const char *buf, size_t len, const struct rissue *ri,
		unsigned fields, struct strbuf *out, struct strbuf *err);

/* The first scalar of `field` (dotted for a nested key) in the file, or NULL. */
char *rfile_field(const char *buf, size_t len, const char *field);
struct record;
char *rfile_record_field(const struct record *rec, const char *field);

#endif
