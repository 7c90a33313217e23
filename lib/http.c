/*
 * http.c - HTTP through libcurl for the github backend (see http.h).
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http.h"
#include "run.h"
#include "usage.h"
#include "xalloc.h"

#ifndef ROADMAP_VERSION
#define ROADMAP_VERSION "0.1"
#endif

#define MAX_REPLY (64L << 20)	/* 100 issues of 65,536 characters, escaped, fit */
#define MAX_TRIES 5		/* 5xx and transport errors */
#define MAX_RATE_WAITS 8	/* rate-limit waits for one request */
#define MAX_REDIRECTS 5

struct http {
	CURL *c;
	char *scheme, *host, *port;	/* the origin (port: the effective one) */
	char *credhost;			/* host[:port] for git credential */
	char *auth;			/* "Authorization: Bearer ..." once asked, or NULL */
	int auth_asked;
	double last_write;		/* now_ms() at the end of the last write, or 0 */
	long write_gap, create_gap, backoff, max_wait_ms, timeout_s;
	unsigned long requests;
	int too_big;
	struct strbuf *sink;
	char errbuf[CURL_ERROR_SIZE];
};

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (!v || !*v)
		return def;
	errno = 0;
	n = strtol(v, &end, 10);
	return errno || *end || n < 0 ? def : n;
}

static char *url_part(CURLU *u, CURLUPart part, unsigned flags)
{
	char *s = NULL, *copy;

	if (curl_url_get(u, part, &s, flags) != CURLUE_OK)
		return NULL;
	copy = xstrdup(s);
	curl_free(s);
	return copy;
}

static int is_loopback(const char *host)
{
	return !strcasecmp(host, "localhost") || !strcmp(host, "127.0.0.1") ||
	       !strcmp(host, "[::1]") || !strcmp(host, "::1");
}

/* Is url (already absolute) on h's origin? */
static int same_origin(struct http *h, const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL;
	int ok = 0;

	if (!curl_url_set(u, CURLUPART_URL, url, 0)) {
		scheme = url_part(u, CURLUPART_SCHEME, 0);
		host = url_part(u, CURLUPART_HOST, 0);
		port = url_part(u, CURLUPART_PORT, CURLU_DEFAULT_PORT);
		ok = scheme && host && port && !strcasecmp(scheme, h->scheme) &&
		     !strcasecmp(host, h->host) && !strcmp(port, h->port);
	}
	free(scheme);
	free(host);
	free(port);
	curl_url_cleanup(u);
	return ok;
}

void http_url_path(struct strbuf *out, const char *url)
{
	CURLU *u = curl_url();
	char *path = NULL;

	if (!curl_url_set(u, CURLUPART_URL, url, 0))
		path = url_part(u, CURLUPART_PATH, 0);
	strbuf_addstr(out, path ? path : "(a URL that cannot be parsed)");
	free(path);
	curl_url_cleanup(u);
}

struct http *http_open(const char *base_url, struct strbuf *err)
{
	static int global_done;
	struct http *h;
	CURLU *u = curl_url();
	char *explicit_port;

	if (!global_done++)
		curl_global_init(CURL_GLOBAL_DEFAULT);
	h = xcalloc(1, sizeof(*h));
	if (curl_url_set(u, CURLUPART_URL, base_url, 0) ||
	    !(h->scheme = url_part(u, CURLUPART_SCHEME, 0)) ||
	    !(h->host = url_part(u, CURLUPART_HOST, 0)) ||
	    !(h->port = url_part(u, CURLUPART_PORT, CURLU_DEFAULT_PORT))) {
		strbuf_addf(err, "'%s' is not a URL", base_url);
		goto fail;
	}
	if (strcmp(h->scheme, "https") && (strcmp(h->scheme, "http") || !is_loopback(h->host))) {
		strbuf_addf(err, "'%s://%s': only https is allowed (http only to 127.0.0.1, ::1 or localhost)",
			    h->scheme, h->host);
		goto fail;
	}
	explicit_port = url_part(u, CURLUPART_PORT, 0);
	if (!strcasecmp(h->host, "api.github.com"))	/* git keeps GitHub's credentials there */
		h->credhost = xstrdup("github.com");
	else if (explicit_port) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "%s:%s", h->host, explicit_port);
		h->credhost = strbuf_detach(&sb, NULL);
	} else
		h->credhost = xstrdup(h->host);
	free(explicit_port);
	if (!(h->c = curl_easy_init())) {
		strbuf_addstr(err, "cannot set up libcurl");
		goto fail;
	}
	h->write_gap = env_long("ROADMAP_HTTP_WRITE_GAP_MS", 1000);
	h->create_gap = env_long("ROADMAP_HTTP_CREATE_GAP_MS", 3000);
	h->backoff = env_long("ROADMAP_HTTP_BACKOFF_MS", 60000);
	h->max_wait_ms = env_long("ROADMAP_HTTP_MAX_WAIT_S", 900) * 1000;
	h->timeout_s = env_long("ROADMAP_HTTP_TIMEOUT_S", 60);
	curl_url_cleanup(u);
	return h;
fail:
	curl_url_cleanup(u);
	http_close(h);
	return NULL;
}

static void wipe_free(char *s)
{
	if (s) {
		volatile char *p = s;
		while (*p)
			*p++ = '\0';
		free(s);
	}
}

void http_close(struct http *h)
{
	if (!h)
		return;
	if (h->c)
		curl_easy_cleanup(h->c);
	free(h->scheme);
	free(h->host);
	free(h->port);
	free(h->credhost);
	wipe_free(h->auth);
	free(h);
}

unsigned long http_requests(const struct http *h)
{
	return h->requests;
}

void http_response_init(struct http_response *rs)
{
	memset(rs, 0, sizeof(*rs));
	strbuf_init(&rs->body, 0);
}

void http_response_release(struct http_response *rs)
{
	strbuf_release(&rs->body);
	free(rs->etag);
	free(rs->next);
	http_response_init(rs);
}

/* The token, asked for once: $GITHUB_TOKEN, else git credential fill. */
static int load_auth(struct http *h, struct strbuf *err)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	char *argv[] = { "git", "credential", "fill", NULL };
	const char *env = getenv("GITHUB_TOKEN");
	char *tok = NULL;

	if (h->auth_asked)
		return h->auth ? 0 : -1;
	h->auth_asked = 1;
	if (env && *env)
		tok = xstrdup(env);
	else {
		char *line, *save = NULL;
		strbuf_addf(&in, "protocol=%s\nhost=%s\n\n", h->scheme, h->credhost);
		if (!run_git_input(&out, NULL, argv, in.buf, in.len, 1))
			for (line = strtok_r(out.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
				if (!strncmp(line, "password=", 9) && !tok)
					tok = xstrdup(line + 9);
		memset(out.buf, 0, out.len);
	}
	strbuf_release(&in);
	strbuf_release(&out);
	if (!tok || !*tok || strpbrk(tok, "\r\n")) {
		strbuf_addf(err, "no usable credentials for %s: set GITHUB_TOKEN or a git credential helper",
			    h->credhost);
		wipe_free(tok);
		return -1;
	}
	h->auth = xmalloc(strlen(tok) + 32);
	sprintf(h->auth, "Authorization: Bearer %s", tok);
	wipe_free(tok);
	return 0;
}

static size_t sink(char *p, size_t size, size_t n, void *data)
{
	struct http *h = data;

	if (h->sink->len + size * n > (size_t)MAX_REPLY) {
		h->too_big = 1;
		return 0;
	}
	strbuf_add(h->sink, p, size * n);
	return size * n;
}

static char *header(struct http *h, const char *name)
{
	struct curl_header *hd;

	if (curl_easy_header(h->c, name, 0, CURLH_HEADER, -1, &hd) != CURLHE_OK)
		return NULL;
	return xstrdup(hd->value);
}

/* The URL of Link's rel="next" (RFC 8288: <url>; rel="next", ...), or NULL. */
static char *link_next(const char *link)
{
	const char *p = link;

	while (p && (p = strchr(p, '<'))) {
		const char *url = p + 1, *end = strchr(url, '>'), *params, *stop, *rel;
		if (!end)
			return NULL;
		params = end + 1;
		stop = strchr(params, '<');	/* the next entry (parameters hold no '<') */
		if (!stop)
			stop = params + strlen(params);
		for (rel = params; (rel = strcasestr(rel, "rel=")) && rel < stop; rel += 4) {
			const char *v = rel + 4, *w;
			size_t n;
			if (*v == '"')
				v++;
			for (w = v; w < stop && *w != '"' && *w != ';' && *w != ','; w += n ? n : 1) {
				n = strcspn(w, " \";,");
				if ((long)n == 4 && !strncasecmp(w, "next", 4))
					return xmemdupz(url, end - url);
			}
		}
		p = stop;
	}
	return NULL;
}

static CURLcode perform(struct http *h, const struct http_request *rq, const char *url,
			struct http_response *rs)
{
	struct curl_slist *hdrs = NULL;
	struct strbuf inm = STRBUF_INIT;
	CURLcode cc;
	CURL *c = h->c;
	long status = 0;
	char *link;

	curl_easy_reset(c);	/* keeps the connection */
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, h->scheme);
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, h->scheme);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, h->timeout_s);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, h->timeout_s < 10 ? h->timeout_s : 10L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "roadmap/" ROADMAP_VERSION);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
	hdrs = curl_slist_append(hdrs, "Accept: application/vnd.github+json");
	hdrs = curl_slist_append(hdrs, "X-GitHub-Api-Version: 2022-11-28");
	hdrs = curl_slist_append(hdrs, "Expect:");
	if (h->auth)
		hdrs = curl_slist_append(hdrs, h->auth);
	if (rq->if_none_match && !strpbrk(rq->if_none_match, "\r\n")) {
		strbuf_addf(&inm, "If-None-Match: %s", rq->if_none_match);
		hdrs = curl_slist_append(hdrs, inm.buf);
	}
	if (rq->method != HTTP_GET) {
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->len);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
		if (rq->method == HTTP_PATCH)
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PATCH");
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	h->errbuf[0] = '\0';
	h->too_big = 0;
	h->sink = &rs->body;
	cc = curl_easy_perform(c);
	h->requests++;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	rs->status = status;
	if (!cc) {
		rs->etag = header(h, "etag");
		if ((link = header(h, "link")))
			rs->next = link_next(link);
		free(link);
	}
	curl_slist_free_all(hdrs);
	strbuf_release(&inm);
	return cc;
}

static const char *method_name(enum http_method m)
{
	return m == HTTP_GET ? "GET" : m == HTTP_POST ? "POST" : "PATCH";
}

static void sleep_ms(double ms)
{
	double until = now_ms() + ms, left;

	while ((left = until - now_ms()) > 0) {
		struct timespec ts = { (time_t)(left / 1000), (long)((long)left % 1000) * 1000000L };
		if (ts.tv_sec == 0 && ts.tv_nsec == 0)
			ts.tv_nsec = 100000;
		nanosleep(&ts, NULL);
	}
}

static void announce(long ms, const char *why)
{
	if (ms >= 1000)
		fprintf(stderr, "%s: waiting %ld s for %s\n", progname, (ms + 999) / 1000, why);
	else
		fprintf(stderr, "%s: waiting %ld ms for %s\n", progname, ms, why);
}

/*
 * How long a 403 or 429 asks us to wait (G7), in ms, or -1 when it is
 * not a rate limit (an answer). *secondary counts the back-offs so far.
 */
static long rate_wait(struct http *h, const struct http_response *rs, int *secondary)
{
	char *v;
	long ms = -1;

	if (rs->status != 403 && rs->status != 429)
		return -1;
	if ((v = header(h, "retry-after"))) {
		curl_off_t secs = 0;
		curl_easy_getinfo(h->c, CURLINFO_RETRY_AFTER, &secs);	/* seconds or a date */
		free(v);
		return (secs > 1 ? (long)secs : 1) * 1000;
	}
	if ((v = header(h, "x-ratelimit-remaining")) && !strcmp(v, "0")) {
		char *reset = header(h, "x-ratelimit-reset");
		long long at = reset ? strtoll(reset, NULL, 10) : 0;
		long long secs = at + 1 - (long long)time(NULL);
		free(reset);
		ms = (secs > 1 ? (secs < 86400 * 7 ? (long)secs : 86400L * 7) : 1) * 1000;
	} else if (rs->status == 429 || strcasestr(rs->body.buf, "secondary rate")) {
		int k = (*secondary)++;
		ms = h->backoff;
		while (k-- > 0 && ms <= h->max_wait_ms)
			ms *= 2;
	}
	free(v);
	return ms;
}

/* Transport errors where the request certainly never reached the server. */
static int never_sent(CURLcode cc)
{
	return cc == CURLE_COULDNT_RESOLVE_HOST || cc == CURLE_COULDNT_CONNECT ||
	       cc == CURLE_COULDNT_RESOLVE_PROXY || cc == CURLE_SSL_CONNECT_ERROR;
}

/* Writes are spaced (G7): the create gap before a create, else the write gap. */
static void space_writes(struct http *h, const struct http_request *rq)
{
	long gap = rq->create ? h->create_gap : h->write_gap;
	double left;

	if (rq->method == HTTP_GET || !h->last_write)
		return;
	left = h->last_write + gap - now_ms();
	if (left > 0)
		sleep_ms(left);
}

__attribute__((format(printf, 4, 5)))
static int fail(struct strbuf *err, const struct http_request *rq, const char *url, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	strbuf_addf(err, "%s ", method_name(rq->method));
	http_url_path(err, url);
	strbuf_addf(err, ": %s", buf);
	return -1;
}

/* One line before a retry: what went wrong, and the wait. */
static void retry_note(const struct http_request *rq, const char *url, const char *what, long ms)
{
	struct strbuf sb = STRBUF_INIT;

	http_url_path(&sb, url);
	fprintf(stderr, "%s: %s %s: %s; retrying in %ld %s\n", progname, method_name(rq->method),
		sb.buf, what, ms >= 1000 ? (ms + 999) / 1000 : ms, ms >= 1000 ? "s" : "ms");
	strbuf_release(&sb);
}

/* The Location of a redirect, absolute; NULL when there is none. */
static char *location(struct http *h, const char *url)
{
	char *loc = header(h, "location"), *abs = NULL;
	CURLU *u;

	if (!loc)
		return NULL;
	u = curl_url();
	if (!curl_url_set(u, CURLUPART_URL, url, 0) && !curl_url_set(u, CURLUPART_URL, loc, 0))
		abs = url_part(u, CURLUPART_URL, 0);
	curl_url_cleanup(u);
	free(loc);
	return abs;
}

/* The back-off before try n+1 after a 5xx or a transport error (a 5xx's Retry-After if longer). */
static long retry_ms(struct http *h, int tries, int answered)
{
	long ms = (h->backoff < 1000 ? h->backoff : 1000) << (tries - 1);
	char *v;

	if (answered && (v = header(h, "retry-after"))) {
		curl_off_t secs = 0;
		curl_easy_getinfo(h->c, CURLINFO_RETRY_AFTER, &secs);
		if (secs > 0 && secs * 1000 > ms)
			ms = secs * 1000 < h->max_wait_ms ? (long)secs * 1000 : h->max_wait_ms;
		free(v);
	}
	return ms;
}

int http_request(struct http *h, const struct http_request *rq, struct http_response *rs,
		 struct strbuf *err)
{
	char *url = xstrdup(rq->url), *loc;
	int tries = 0, waits = 0, redirects = 0, secondary = 0, redirected = 0, rc = -1;
	long ms;
	CURLcode cc;

	if (!same_origin(h, url)) {
		fail(err, rq, url, "not on the remote's host: not followed");
		goto out;
	}
	if (load_auth(h, err))
		goto out;
	for (;;) {
		space_writes(h, rq);
		http_response_release(rs);
		cc = perform(h, rq, url, rs);
		if (rq->method != HTTP_GET)
			h->last_write = now_ms();
		if (cc) {
			const char *what = h->errbuf[0] ? h->errbuf : curl_easy_strerror(cc);
			if (h->too_big) {
				fail(err, rq, url, "the reply is over %ld MiB", MAX_REPLY >> 20);
				goto out;
			}
			if (rq->create && !never_sent(cc)) {
				fail(err, rq, url, "%s; the outcome is unknown", what);
				goto out;
			}
			if (++tries >= MAX_TRIES) {
				fail(err, rq, url, "%s (%d tries)", what, tries);
				goto out;
			}
			ms = retry_ms(h, tries, 0);
			retry_note(rq, url, what, ms);
			sleep_ms(ms);
			continue;
		}
		/* 301 only for a GET: a write answered 301 (a transferred issue) is not re-sent */
		if (rs->status == 307 || rs->status == 308 || (rs->status == 301 && rq->method == HTTP_GET)) {
			if (!(loc = location(h, url)) || !same_origin(h, loc)) {
				fail(err, rq, url, "a redirect %s: not followed",
				     loc ? "to another host" : "without a Location");
				free(loc);
				goto out;
			}
			if (++redirects > MAX_REDIRECTS) {
				fail(err, rq, url, "more than %d redirects", MAX_REDIRECTS);
				free(loc);
				goto out;
			}
			free(url);
			url = loc;
			redirected = 1;
			continue;
		}
		if ((ms = rate_wait(h, rs, &secondary)) >= 0) {
			if (++waits > MAX_RATE_WAITS || ms > h->max_wait_ms) {
				fail(err, rq, url, "rate limited%s: a wait of %ld s is over the maximum",
				     waits > MAX_RATE_WAITS ? " again and again" : "", (ms + 999) / 1000);
				goto out;
			}
			announce(ms, "github's rate limit");
			sleep_ms(ms);
			continue;
		}
		if (rs->status >= 500) {
			char what[32];
			snprintf(what, sizeof(what), "HTTP %ld", rs->status);
			if (rq->create) {
				fail(err, rq, url, "%s; the outcome is unknown", what);
				goto out;
			}
			if (++tries >= MAX_TRIES) {
				fail(err, rq, url, "%s (%d tries)", what, tries);
				goto out;
			}
			ms = retry_ms(h, tries, 1);
			retry_note(rq, url, what, ms);
			sleep_ms(ms);
			continue;
		}
		rs->redirected = redirected;
		rc = 0;
		break;
	}
out:
	free(url);
	return rc;
}
