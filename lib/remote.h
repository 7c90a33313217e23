#ifndef REMOTE_H
#define REMOTE_H

#include "rissue.h"
#include "strbuf.h"

/*
 * remote.h - a remote tracker the sync talks to, whichever kind: git
 * config roadmap.remote.<name>.kind ("github": GitHub's REST issues API,
 * github.h; "dir": a folder of issue files, dirremote.h) and .url. The
 * interface only: the backends implement it, remotes.h opens one.
 *
 * Every call returns REMOTE_OK, REMOTE_GONE (no such issue, or deleted),
 * REMOTE_FAILED (this issue cannot be done: a 422, bad data; the sync
 * goes on with the others) or REMOTE_FATAL (nothing more can be done:
 * unreachable, 401, out of retries), with a one-line message in err that
 * never holds a credential.
 */

enum remote_rc {
	REMOTE_OK = 0,
	REMOTE_GONE = 1,
	REMOTE_FAILED = -1,
	REMOTE_FATAL = -2,
};

struct remote;

/* One incremental fetch: what the sync hands in and gets back. */
struct remote_fetch {
	const char *cursor;	/* in: "since" (the remote's clock), NULL for everything */
	const char *etag;	/* in: the stored ETag of the first page, or NULL */
	/* each issue changed since the cursor (pull requests are not passed) */
	int (*issue)(struct remote_fetch *f, const struct rissue *ri);
	/* an issue whose data cannot be used (why, in one line): the walk goes on */
	int (*bad)(struct remote_fetch *f, const char *key, const char *why);
	/* after each page: the cursor a later fetch may resume from */
	int (*page)(struct remote_fetch *f, const char *cursor);
	void *data;
	char *new_cursor;	/* out: the cursor after the whole walk (malloc'd), or NULL */
	char *new_etag;		/* out: the first page's ETag (malloc'd), or NULL */
	int not_modified;	/* out: the first page answered 304: nothing changed */
	unsigned long requests;	/* out: requests sent */
};

struct remote_ops {
	/* Walk what changed since f->cursor. A non-zero return of a callback stops it (returned). */
	int (*fetch)(struct remote *r, struct remote_fetch *f, struct strbuf *err);
	/* One issue, now. */
	int (*get)(struct remote *r, const char *key, struct rissue *out, struct strbuf *err);
	/*
	 * Create `in` (its fields of RF_ALL; in->local_id set: the body gets
	 * the marker); out is the created issue (out->key set).
	 */
	int (*create)(struct remote *r, const struct rissue *in, struct rissue *out,
		      struct strbuf *err);
	/* Change the fields of `fields` (RF_*) of issue key to in's; out: the issue after. */
	int (*update)(struct remote *r, const char *key, const struct rissue *in, unsigned fields,
		      struct rissue *out, struct strbuf *err);
	/*
	 * The issue created from local_id at or after `since` (the remote's
	 * clock, or NULL), found by its marker: REMOTE_OK with out, or
	 * REMOTE_GONE when there is none.
	 */
	int (*find_created)(struct remote *r, const char *local_id, const char *since,
			    struct rissue *out, struct strbuf *err);
	void (*close)(struct remote *r);
};

struct remote {
	char *name;		/* roadmap.remote.<name> */
	char *kind;		/* "github" or "dir" */
	char *url;
	const struct remote_ops *ops;
	void *priv;		/* the backend's */
	unsigned long requests;	/* requests sent (all calls) */
};

#endif
