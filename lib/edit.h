#ifndef EDIT_H
#define EDIT_H

/*
 * edit.h - an issue edited in the user's editor (roadmap-edit), as git
 * commit edits a message: the editor git would run (git var GIT_EDITOR:
 * GIT_EDITOR, core.editor, VISUAL, EDITOR, vi) opens a copy in
 * $GIT_DIR/roadmap/; a copy that does not parse opens again with the
 * error as a comment atop its front matter; an unchanged copy changes
 * nothing; a valid one replaces the file atomically, unless the file
 * changed meanwhile (then the copy is kept and named). Calls change,
 * write, issue, run.
 */

struct index;
struct repo_paths;

/* Returns 0 (edited or unchanged), or -1 after an error (the file as it was). */
int edit_issue(struct index *ix, const struct repo_paths *p, const char *id);

#endif
