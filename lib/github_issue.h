#ifndef GITHUB_ISSUE_H
#define GITHUB_ISSUE_H

#include <jansson.h>
#include <time.h>

#include "rissue.h"
#include "strbuf.h"

/*
 * github_issue.h - GitHub's JSON read for the github backend (github.c,
 * its one user): an issue into struct rissue, times, error bodies.
 * Calls rissue, strbuf, xalloc.
 */

/* Pages and issues are parsed so: a NUL fails its issue, not the page. */
#define GH_JSON_FLAGS (JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL)

/* GitHub's times, YYYY-MM-DDTHH:MM:SSZ: 0, or -1 for anything else. */
int gh_parse_time(const char *s, time_t *t);
void gh_format_time(char *buf, size_t len, time_t t);
/* The time of member key of item it; *ok says whether it is one. */
time_t gh_item_time(json_t *it, const char *key, int *ok);

/* Is o a pull request (a "pull_request" member, not null)? */
int gh_is_pr(json_t *o);

/*
 * Issue o into ri, canonical (rissue_canon): 0, or -1 with why (ri
 * released). Refused: no number; a title, state or updated_at missing or
 * not a string; a string holding NUL; a body over 1 MiB, another string
 * over 64 KiB; a state other than open or closed; a bad time; labels,
 * assignees or a milestone of another shape.
 */
int gh_parse_issue(json_t *o, struct rissue *ri, struct strbuf *why);

/* ": <message> (<errors[]>)" of an error body, in one line, appended to err. */
void gh_add_message(struct strbuf *err, const char *body, size_t len);

#endif
