#ifndef GITHUB_H
#define GITHUB_H

#include <stddef.h>

#include "remote.h"
#include "rissue.h"
#include "strbuf.h"

/*
 * github.h - GitHub's REST issues API as a remote (http, jansson). Calls
 * http, github_issue, remote (its types only), rissue, strbuf. remote.c
 * opens it.
 *
 * r->url is the repository's API URL: https://api.github.com/repos/O/R,
 * https://HOST/api/v3/repos/O/R (GitHub Enterprise), or a loopback
 * http:// one (tests). The key of an issue is its number, in decimal.
 *
 * fetch: GET .../issues?state=all&sort=updated&direction=asc&per_page=100
 * with &since=<cursor>, by the since-cursor of G1, not by page numbers
 * (an issue edited mid-walk would shift the pages and hide another):
 * after each page the next request is page one of since = the last item's
 * updated_at - 1 s (an overlap of one second whether the server's since
 * is inclusive or not; what the overlap repeats within one walk is passed
 * on once, by number and updated_at). When a whole page lies within one
 * second the cursor cannot move: the page's Link rel="next" is followed
 * instead (opaquely, on the remote's origin only) until it can; should an
 * issue of a range so read come back edited (the pages shifted under the
 * walk and may have hidden one), that range is read again from its page
 * one (what was seen is skipped). The walk ends when a page moves the
 * cursor no further and has no next; so a walk that moved the cursor ends
 * with page one at the final cursor (a request more than its pages, which
 * finds only the overlap), and f->new_etag is the ETag of that page one:
 * the next fetch sends the same request with If-None-Match, and a 304
 * (f->not_modified) costs nothing. Across walks the second of overlap is
 * passed again: the sync compares digests. Pull requests are skipped but
 * move the cursor. f->page() gets, after each page, a cursor safe to
 * resume from.
 *
 * An issue GitHub sends that roadmap cannot take (a string holding NUL, a
 * body over 1 MiB, a title that is not a string, a state that is neither
 * open nor closed, ...) goes to f->bad() with its number and why; the
 * walk goes on. A page that is not JSON ends the fetch (REMOTE_FATAL).
 *
 * create: POST with the body, then "\n\n" and the marker when
 * in->local_id is set, labels, assignees and the milestone's number
 * (milestone titles are mapped with GET .../milestones?state=all once per
 * remote_open; an unknown title is REMOTE_FAILED, nothing sent). A
 * closed issue is created, then closed by a PATCH (GitHub creates open
 * ones): out tells what came of it. A body over 65,536 characters (the
 * marker included) is REMOTE_FAILED, nothing sent. A create is never
 * retried once sent: when the reply is lost the error says "the outcome
 * is unknown" (REMOTE_FATAL) and the caller asks find_created.
 *
 * update: PATCH with only the fields of the mask (labels and assignees
 * replace the set; milestone null clears it; state with state_reason);
 * RF_BODY with in->local_id set keeps the marker at the body's end.
 *
 * find_created: GET .../issues?state=all&sort=created&direction=desc
 * &since=<since> (since is on updated_at, never earlier than the
 * creation), pages followed until an issue created before since; the
 * oldest issue whose body's marker is local_id.
 *
 * Answers: 401 is REMOTE_FATAL ("bad credentials for <remote>"); 404 or
 * 410 for one issue (get, update) REMOTE_GONE, as is a redirect to an
 * issue of another number (transferred); 422 REMOTE_FAILED with GitHub's
 * message and its errors[] in one line; another 403, or 404 for the
 * repository, REMOTE_FATAL.
 */

/* Set r->ops and r->priv for r->name, r->url; 0, or -1 with err. */
int github_open(struct remote *r, struct strbuf *err);

/*
 * Parse one issue of GitHub's JSON (json[0..len)) into out, canonical
 * (rissue_canon); out->is_pr says a pull request. Returns 0, or -1 with
 * why in err (out released).
 */
int github_parse_issue(const char *json, size_t len, struct rissue *out, struct strbuf *err);

#endif
