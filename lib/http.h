#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>

#include "strbuf.h"

/*
 * http.h - HTTP through libcurl: one reused handle, retries and waits by
 * GitHub's rules, credentials kept out of messages. Calls run (git
 * credential fill, the clock), strbuf, usage. The github backend is its
 * one user.
 *
 * Requests are serial, on one origin (scheme, host, port) fixed by
 * http_init(): a URL elsewhere (a Link, a redirect) is refused, so the
 * Authorization header, which is set by hand, reaches nothing else.
 * libcurl follows no redirect itself; 307 and 308, and 301 for a GET, are
 * followed here, on the same origin only, with the same method and body
 * (a write answered 301 is an answer: GitHub's transferred issue). http:// is for
 * loopback hosts (tests); anything else must be https://.
 *
 * The token: $GITHUB_TOKEN, else `git credential fill` for the origin
 * (for api.github.com, host=github.com, where git keeps GitHub's
 * credentials), asked for on the first request. It is sent as
 * "Authorization: Bearer"; no message, error or output of this module
 * holds it (errors name the method and the URL's path, never a header).
 *
 * Waits (each announced on stderr in one line, each at most the maximum
 * wait, else the request fails):
 *   403/429 with Retry-After: that long;
 *   403/429 with x-ratelimit-remaining: 0: until x-ratelimit-reset + 1 s;
 *   403/429 saying "secondary rate" without Retry-After, or a bare 429:
 *     the back-off floor, doubled on each repeat;
 *   another 403 is an answer (permissions), not retried.
 * 5xx and transport errors (reset, empty reply, timeout) are retried with
 * exponential back-off, 5 tries in all; a create only when the request
 * was never sent (its outcome would be unknown: http_request says so and
 * the caller looks for the issue before creating it again). 400, 401,
 * 404, 410 and 422 are answers, never retried. Writes are spaced: the
 * write gap after the previous write, the create gap before a create.
 *
 * Environment (tests make them tiny):
 *   ROADMAP_HTTP_WRITE_GAP_MS   between writes (default 1000)
 *   ROADMAP_HTTP_CREATE_GAP_MS  before a create, after a write (3000)
 *   ROADMAP_HTTP_BACKOFF_MS     floor of the secondary rate-limit back-off
 *                               (60000); the 5xx back-off starts at the
 *                               smaller of it and 1000
 *   ROADMAP_HTTP_MAX_WAIT_S     the longest single wait (900)
 *   ROADMAP_HTTP_TIMEOUT_S      one request, connection included (60)
 */

struct http;

enum http_method { HTTP_GET, HTTP_POST, HTTP_PATCH };

struct http_request {
	enum http_method method;
	const char *url;		/* absolute, on the origin */
	const char *body;		/* JSON, or NULL */
	size_t len;
	const char *if_none_match;	/* an ETag, sent verbatim, or NULL */
	int create;			/* creates something: create gap, no blind retry */
};

/* Owned by the caller: http_response_release() frees what a request filled in. */
struct http_response {
	long status;
	struct strbuf body;
	char *etag;		/* the ETag header, verbatim, or NULL */
	char *next;		/* the Link header's rel="next" URL, or NULL */
	int redirected;		/* a redirect was followed to get here */
};

/*
 * Set up for base_url (its origin is the only one requests may go to).
 * Returns the handle, or NULL with the reason in err (a URL that is not
 * https, or http on a host other than loopback).
 */
struct http *http_open(const char *base_url, struct strbuf *err);
void http_close(struct http *h);

/* Requests sent so far (retries and redirects included). */
unsigned long http_requests(const struct http *h);

void http_response_init(struct http_response *rs);
void http_response_release(struct http_response *rs);

/*
 * Send rq, with the retries and waits above. Returns 0 with the final
 * answer in rs (any status: the caller reads it), or -1 with one line in
 * err: no answer (transport errors after the retries; "the outcome is
 * unknown" for a write whose request may have been applied), a wait over
 * the maximum, a URL or redirect off the origin, a reply over 64 MiB.
 */
int http_request(struct http *h, const struct http_request *rq, struct http_response *rs,
		 struct strbuf *err);

/* The path of url (no query), for messages: appended to out. */
void http_url_path(struct strbuf *out, const char *url);

#endif
