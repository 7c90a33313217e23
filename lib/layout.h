#ifndef LAYOUT_H
#define LAYOUT_H

#include <stddef.h>

#include "strbuf.h"

/*
 * layout.h - how a repository lays out its issues, for the writers: which
 * of the three layouts roadmap indexes (DESIGN.md 1), its roots, the
 * status that closes an issue, where a status lives (folder-per-state),
 * and how `updated` is written. Calls run (git config), issue, record.
 *
 * `roadmap.layout` (roadmap-cli, backlog, states) wins; else a root under
 * backlog/, backlog as the only root, or a backlog/config.yml makes
 * Backlog.md's, several roots (a folder-per-state "backlog/" too) or a
 * roadmap.stateDir.<status> make folder-per-state, and anything else is
 * roadmap-cli's.
 */

struct repo_paths;

enum layout_kind { LAYOUT_ROADMAP_CLI, LAYOUT_BACKLOG, LAYOUT_STATES };

struct layout {
	enum layout_kind kind;
	char **roots;		/* roadmap.path, in order (default .roadmap/issues) */
	size_t nroots;
	char **status, **dir;	/* roadmap.stateDir.<status> <folder> */
	size_t nstates;
	char *closed;		/* roadmap.closedStatus, or the layout's */
	char *prefix;		/* Backlog.md's task prefix ("task") */
	char *config;		/* every roadmap.* variable, "<name> <value>" lines (git config --get-regexp) */
};

/* Returns 0, or -1 after an error (an unknown roadmap.layout). */
int layout_read(struct layout *l, const struct repo_paths *p);
void layout_release(struct layout *l);
const char *layout_name(enum layout_kind kind);

/*
 * Folder-per-state: the root issues with `status` live in (the mapped
 * folder, or the root named as the status, case-insensitively), or NULL.
 */
const char *layout_status_root(const struct layout *l, const char *status);

/*
 * The key and value that stamp the file buf[0..len) as changed now:
 * `updated_date` or `updated`, whichever it has (else the layout's), in
 * the form its value has (YYYY-MM-DD HH:MM, ISO 8601 with seconds, a
 * date); `now` is seconds since the epoch, written in local time.
 */
void layout_touch(const struct layout *l, const char *buf, size_t len, long long now,
		  struct strbuf *key, struct strbuf *val);

#endif
