#ifndef CHANGE_H
#define CHANGE_H

#include <stddef.h>

#include "frontmatter.h"
#include "layout.h"
#include "write.h"

/*
 * change.h - issues changed by id (roadmap-set, -close, -mv): each id
 * found in the index, its file edited through lib/write, moved where the
 * layout says, and the touched files committed when asked; their shared
 * options. Calls query, write, layout, run.
 */

struct index;
struct repo_paths;

struct change {
	const struct fm_edit *ed;	/* the same edits for every id */
	size_t nr;
	int touch;		/* stamp updated / updated_date */
	int commit;		/* commit the touched files, and only them */
	const char *verb;	/* "roadmap-set": the commit message's start */
	/*
	 * roadmap-mv: the folder to move into (a root of folder-per-state, a
	 * milestone of roadmap-cli, a folder under a Backlog.md root), or NULL
	 */
	const char *move_to;
};

/* The lines of -h for the options every writer takes (change_options()'s, and roadmap-set's). */
#define CHANGE_OPTIONS_HELP \
	"    --no-touch       do not set updated / updated_date to now\n" \
	"    --commit         commit the changed files (only them), naming the ids\n"

/*
 * The command line roadmap-close and roadmap-mv share (roadmap-set's, with
 * edits among the ids, is its own): --no-touch and --commit into c->touch
 * (on unless --no-touch) and c->commit, and when reason is not NULL,
 * --reason <text> into *reason. Returns optind: the ids (and roadmap-mv's
 * folder) follow. Exits on -h (usage on stdout, 0) or a usage error
 * (129), as parse_refresh_options() does.
 */
int change_options(struct change *c, const char **reason, int argc, char **argv, const char *usage_str);

/* The working-tree file of an issue id: exactly one, or NULL after an error. */
char *change_find(struct index *ix, const struct repo_paths *p, const char *id);

/*
 * Edit the issue file `path` and, folder-per-state, move it where its new
 * status lives; res->path is where it is now. Returns 0 or -1 (reported).
 */
int change_file(const struct repo_paths *p, const struct layout *l, const char *path,
		const struct fm_edit *ed, size_t n, int touch, struct write_result *res);

/* Folder-per-state: where the file goes for its new status, or NULL to stay. */
char *change_state_path(const struct layout *l, const char *path, const char *status);

/* A value that stands for the layout's closed status (roadmap-close). */
extern const char CHANGE_CLOSED_STATUS[];

/*
 * Make the change to each of ids[0..n). Returns 0, or -1 when any id
 * failed (each failure reported in one line; the others are still done).
 */
int change_issues(struct index *ix, const struct repo_paths *p, const struct layout *l,
		  char *const *ids, size_t n, const struct change *c);

/*
 * Commit paths[0..n) and only them through git (its hooks run), with the
 * message "<verb>: <ids>". Returns 0 or -1 after an error.
 */
int change_commit(const struct repo_paths *p, char **paths, size_t n, const char *verb,
		  char *const *ids, size_t nids);

/*
 * The whole of a writer's run: find the repository (a work tree), open
 * the index, read the layout, change_issues(). Returns 0 or -1.
 */
int change_run(char *const *ids, size_t n, const struct change *c);

#endif
