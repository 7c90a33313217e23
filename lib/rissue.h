#ifndef RISSUE_H
#define RISSUE_H

#include <jansson.h>
#include <stddef.h>

#include "strbuf.h"

/*
 * rissue.h - an issue as the sync compares it: the synced fields in
 * canonical form (a local file projected, a remote issue parsed, a
 * baseline entry), and that form as JSON (jansson: keys sorted, compact),
 * which is what the baseline stores. Calls strbuf, xalloc.
 *
 * Canonical: the body has LF line ends, no roadmap marker, and null is
 * ""; labels and assignees are sets (sorted, compared ignoring case);
 * state is "open" or "closed" and state_reason is GitHub's
 * ("completed", "not_planned", "duplicate", "reopened") or NULL; the
 * milestone is its title ("" for none).
 */

enum rissue_field {
	RF_TITLE = 1 << 0,
	RF_BODY = 1 << 1,
	RF_STATE = 1 << 2,	/* state and state_reason together */
	RF_LABELS = 1 << 3,
	RF_ASSIGNEES = 1 << 4,
	RF_MILESTONE = 1 << 5,
};
#define RF_ALL (RF_TITLE | RF_BODY | RF_STATE | RF_LABELS | RF_ASSIGNEES | RF_MILESTONE)

struct rlist {
	char **v;
	size_t nr, alloc;
};

struct rissue {
	char *key;		/* the remote's id for it: GitHub's number, a dir's issue id */
	char *local_id;		/* the local issue it was created from (the body's marker), or NULL */
	char *title, *body, *state, *state_reason, *milestone;
	struct rlist labels, assignees;
	char *updated_at;	/* the remote's clock, ISO 8601 (not compared) */
	int is_pr;		/* a pull request: skipped */
};

void rlist_add(struct rlist *l, const char *s);
/* Sort by case-folded text and drop duplicates ignoring case (the first spelling stays). */
void rlist_canon(struct rlist *l);
void rlist_release(struct rlist *l);
/* The list as a JSON array of strings (a new reference). */
json_t *rlist_json(const struct rlist *l);

void rissue_init(struct rissue *ri);
void rissue_release(struct rissue *ri);
void rissue_copy(struct rissue *dst, const struct rissue *src);
/* Make ri canonical (above). */
void rissue_canon(struct rissue *ri);

/* The fields (RF_*) among mask whose canonical values differ. */
unsigned rissue_diff(const struct rissue *a, const struct rissue *b, unsigned mask);
/* Copy the fields of mask from src into dst. */
void rissue_take(struct rissue *dst, const struct rissue *src, unsigned mask);
/* A field's name ("title", "labels", ...), and back (0 when none). */
const char *rissue_field_name(unsigned field);
unsigned rissue_field_parse(const char *name);

/* The canonical JSON of ri (keys sorted, compact, one line). */
void rissue_to_json(const struct rissue *ri, struct strbuf *out);
/* Parse it back; returns 0, or -1 with a message in err. */
int rissue_from_json(struct rissue *ri, const char *buf, size_t len, struct strbuf *err);

/* The hidden marker a created issue's body ends with, and finding it. */
void rissue_marker(struct strbuf *out, const char *local_id);
/*
 * The local id of body's marker (a copy), or NULL; body[*from..*to) is
 * what to cut to drop it (at the end of the body: its line and the blank
 * lines before it).
 */
char *rissue_find_marker(const char *body, size_t *from, size_t *to);

#endif
