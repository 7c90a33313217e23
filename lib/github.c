/*
 * github.c - GitHub's REST issues API as a remote (see github.h).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "github.h"
#include "github_issue.h"
#include "http.h"
#include "xalloc.h"

#define MAX_PUSH_BODY 65536	/* characters GitHub takes in a body (422 above) */

struct milestone {
	char *title;
	json_int_t number;
};

struct github {
	struct http *http;
	char *name, *base;	/* base: the repository's API URL, no trailing slash */
	struct milestone *ms;	/* GET .../milestones?state=all, once per open */
	size_t ms_nr, ms_alloc;
	int ms_loaded;
};

int github_parse_issue(const char *json, size_t len, struct rissue *out, struct strbuf *err)
{
	json_error_t je;
	json_t *o = json_loadb(json, len, GH_JSON_FLAGS, &je);
	int rc;

	if (!o) {
		rissue_init(out);
		strbuf_addf(err, "not JSON: %d:%d: %s", je.line, je.column, je.text);
		return -1;
	}
	rc = gh_parse_issue(o, out, err);
	json_decref(o);
	return rc;
}

/* --- requests and answers --- */

static const char *method_name(enum http_method m)
{
	return m == HTTP_GET ? "GET" : m == HTTP_POST ? "POST" : "PATCH";
}

/* An answer that is not the one wanted, as a remote_rc and a message. */
static int answer(struct github *g, enum http_method m, const char *url,
		  const struct http_response *rs, int one_issue, struct strbuf *err)
{
	long st = rs->status;

	if (st == 401) {
		strbuf_addf(err, "bad credentials for %s (%s ", g->name, method_name(m));
		http_url_path(err, url);
		strbuf_addch(err, ')');
		return REMOTE_FATAL;
	}
	strbuf_addf(err, "%s ", method_name(m));
	http_url_path(err, url);
	if (one_issue && (st == 404 || st == 410 || st == 301)) {
		strbuf_addstr(err, st == 404 ? ": no such issue" : st == 410 ? ": the issue was deleted"
						  : ": the issue moved to another repository");
		return REMOTE_GONE;
	}
	strbuf_addf(err, ": HTTP %ld", st);
	gh_add_message(err, rs->body.buf, rs->body.len);
	if (st >= 400 && st < 500 && st != 403 && st != 404 && st != 410)
		return REMOTE_FAILED;	/* 400, 422: this request, not the remote */
	return REMOTE_FATAL;
}

static int send_req(struct remote *r, enum http_method m, const char *url, const char *body,
		    int create, const char *etag, struct http_response *rs, struct strbuf *err)
{
	struct github *g = r->priv;
	struct http_request rq = { m, url, body, body ? strlen(body) : 0, etag, create };
	int rc = http_request(g->http, &rq, rs, err);

	r->requests = http_requests(g->http);
	return rc ? REMOTE_FATAL : REMOTE_OK;
}

static int valid_key(const char *key, struct strbuf *err)
{
	size_t n = key ? strspn(key, "0123456789") : 0;

	if (n && n < 19 && !key[n] && key[0] != '0')
		return 0;
	strbuf_addf(err, "'%s' is not a GitHub issue number", key ? key : "");
	return -1;
}

static char *issue_url(struct github *g, const char *key)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/issues/%s", g->base, key);
	return strbuf_detach(&sb, NULL);
}

/* .../issues?state=all&sort=S&direction=D&per_page=100[&since=T] */
static char *list_url(struct github *g, const char *sort, const char *dir, const time_t *since)
{
	struct strbuf sb = STRBUF_INIT;
	char t[32];

	strbuf_addf(&sb, "%s/issues?state=all&sort=%s&direction=%s&per_page=100", g->base, sort, dir);
	if (since) {
		gh_format_time(t, sizeof(t), *since);
		strbuf_addf(&sb, "&since=%s", t);	/* digits, '-', ':', 'T', 'Z': nothing to escape */
	}
	return strbuf_detach(&sb, NULL);
}

/* The issue of a 200 or 201 for key (NULL: a create). */
static int issue_reply(enum http_method m, const char *url, const char *key,
		       const struct http_response *rs, struct rissue *out, struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;
	int rc = REMOTE_OK;

	if (github_parse_issue(rs->body.buf, rs->body.len, out, &why)) {
		strbuf_addf(err, "%s ", method_name(m));
		http_url_path(err, url);
		strbuf_addf(err, ": a bad issue: %s", why.buf);
		rc = REMOTE_FAILED;
	} else if (key && (out->is_pr || strcmp(out->key, key))) {
		strbuf_addf(err, "issue %s %s", key, out->is_pr ? "is a pull request"
				 : "moved to another repository");
		rissue_release(out);
		rc = REMOTE_GONE;
	}
	strbuf_release(&why);
	return rc;
}

/* --- milestones: titles to numbers --- */

static int load_milestones(struct remote *r, struct strbuf *err)
{
	struct github *g = r->priv;
	struct http_response rs;
	struct strbuf sb = STRBUF_INIT;
	char *url;
	int rc = REMOTE_OK;

	strbuf_addf(&sb, "%s/milestones?state=all&per_page=100", g->base);
	url = strbuf_detach(&sb, NULL);
	http_response_init(&rs);
	while (url && !(rc = send_req(r, HTTP_GET, url, NULL, 0, NULL, &rs, err))) {
		json_t *a, *m;
		size_t i;
		if (rs.status != 200) {
			rc = answer(g, HTTP_GET, url, &rs, 0, err);
			break;
		}
		a = json_loadb(rs.body.buf, rs.body.len, JSON_REJECT_DUPLICATES, NULL);
		json_array_foreach(a, i, m) {
			const char *title = json_string_value(json_object_get(m, "title"));
			json_t *num = json_object_get(m, "number");
			if (!title || !json_is_integer(num))
				continue;
			ALLOC_GROW(g->ms, g->ms_nr + 1, g->ms_alloc);
			g->ms[g->ms_nr].title = xstrdup(title);
			g->ms[g->ms_nr++].number = json_integer_value(num);
		}
		json_decref(a);
		free(url);
		url = rs.next ? xstrdup(rs.next) : NULL;
	}
	free(url);
	http_response_release(&rs);
	g->ms_loaded = !rc;
	return rc;
}

static int milestone_number(struct remote *r, const char *title, json_int_t *num,
			    struct strbuf *err)
{
	struct github *g = r->priv;
	size_t i;
	int rc;

	if (!g->ms_loaded && (rc = load_milestones(r, err)))
		return rc;
	for (i = 0; i < g->ms_nr; i++)
		if (!strcmp(g->ms[i].title, title))
			return *num = g->ms[i].number, REMOTE_OK;
	for (i = 0; i < g->ms_nr; i++)
		if (!strcasecmp(g->ms[i].title, title))
			return *num = g->ms[i].number, REMOTE_OK;
	strbuf_addf(err, "milestone '%s' does not exist on %s (create it there first)", title, g->name);
	return REMOTE_FAILED;
}

/* --- writes --- */

static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* The JSON of a POST (creating) or PATCH of in's fields; a remote_rc. */
static int issue_json(struct remote *r, const struct rissue *in, unsigned fields, int creating,
		      char **out, struct strbuf *err)
{
	json_t *o = json_object();
	json_int_t num;
	int rc = REMOTE_OK;

	if (fields & RF_TITLE)
		json_object_set_new(o, "title", json_string(in->title ? in->title : ""));
	if (fields & RF_BODY) {
		struct strbuf body = STRBUF_INIT;
		strbuf_addstr(&body, in->body ? in->body : "");
		if (in->local_id) {	/* the marker stays at the end (G6) */
			if (body.len)
				strbuf_addstr(&body, "\n\n");
			rissue_marker(&body, in->local_id);
		}
		if (utf8_chars(body.buf) > MAX_PUSH_BODY) {
			strbuf_addf(err, "the body is over GitHub's %d characters (the marker included)",
				    MAX_PUSH_BODY);
			rc = REMOTE_FAILED;
		}
		json_object_set_new(o, "body", json_string(body.buf));
		strbuf_release(&body);
	}
	if (fields & RF_LABELS)
		json_object_set_new(o, "labels", rlist_json(&in->labels));
	if (fields & RF_ASSIGNEES)
		json_object_set_new(o, "assignees", rlist_json(&in->assignees));
	if (!rc && (fields & RF_MILESTONE)) {
		if (in->milestone && *in->milestone) {
			if (!(rc = milestone_number(r, in->milestone, &num, err)))
				json_object_set_new(o, "milestone", json_integer(num));
		} else if (!creating)
			json_object_set_new(o, "milestone", json_null());
	}
	if ((fields & RF_STATE) && !creating) {
		json_object_set_new(o, "state", json_string(in->state ? in->state : "open"));
		json_object_set_new(o, "state_reason",
				    in->state_reason ? json_string(in->state_reason) : json_null());
	}
	*out = rc ? NULL : json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return rc;
}

static int gh_get(struct remote *r, const char *key, struct rissue *out, struct strbuf *err)
{
	struct github *g = r->priv;
	struct http_response rs;
	char *url;
	int rc;

	rissue_init(out);
	if (valid_key(key, err))
		return REMOTE_FAILED;
	url = issue_url(g, key);
	http_response_init(&rs);
	if (!(rc = send_req(r, HTTP_GET, url, NULL, 0, NULL, &rs, err)))
		rc = rs.status == 200 ? issue_reply(HTTP_GET, url, key, &rs, out, err)
				      : answer(g, HTTP_GET, url, &rs, 1, err);
	http_response_release(&rs);
	free(url);
	return rc;
}

static int gh_update(struct remote *r, const char *key, const struct rissue *in, unsigned fields,
		     struct rissue *out, struct strbuf *err)
{
	struct github *g = r->priv;
	struct http_response rs;
	char *url, *json = NULL;
	int rc;

	rissue_init(out);
	if (!(fields & RF_ALL))
		return gh_get(r, key, out, err);
	if (valid_key(key, err))
		return REMOTE_FAILED;
	if ((rc = issue_json(r, in, fields, 0, &json, err)))
		return rc;
	url = issue_url(g, key);
	http_response_init(&rs);
	if (!(rc = send_req(r, HTTP_PATCH, url, json, 0, NULL, &rs, err)))
		rc = rs.status == 200 ? issue_reply(HTTP_PATCH, url, key, &rs, out, err)
				      : answer(g, HTTP_PATCH, url, &rs, 1, err);
	http_response_release(&rs);
	free(url);
	free(json);
	return rc;
}

static int gh_create(struct remote *r, const struct rissue *in, struct rissue *out,
		     struct strbuf *err)
{
	struct github *g = r->priv;
	struct http_response rs;
	struct strbuf sb = STRBUF_INIT;
	char *json = NULL, *url;
	int rc;

	rissue_init(out);
	if ((rc = issue_json(r, in, RF_ALL & ~RF_STATE, 1, &json, err)))
		return rc;
	strbuf_addf(&sb, "%s/issues", g->base);
	url = strbuf_detach(&sb, NULL);
	http_response_init(&rs);
	if (!(rc = send_req(r, HTTP_POST, url, json, 1, NULL, &rs, err)))
		rc = rs.status == 201 ? issue_reply(HTTP_POST, url, NULL, &rs, out, err)
				      : answer(g, HTTP_POST, url, &rs, 0, err);
	if (!rc && in->state && strcmp(in->state, out->state)) {
		/* GitHub creates open issues; out says whether the close took */
		struct rissue closed;
		struct strbuf ignored = STRBUF_INIT;
		if (!gh_update(r, out->key, in, RF_STATE, &closed, &ignored)) {
			rissue_release(out);
			*out = closed;
		}
		strbuf_release(&ignored);
	}
	http_response_release(&rs);
	free(url);
	free(json);
	return rc;
}

/* --- walks over lists --- */

/* Each number passed on in one walk, with its updated_at: an open-addressed map. */
struct seen {
	struct seen_entry {
		json_int_t number;
		time_t at;
	} *v;
	size_t nr, cap;
};

/* 0: a new number; 1: seen at this time (skip it); 2: seen at *old, now at `at`. */
static int seen_add(struct seen *s, json_int_t number, time_t at, time_t *old)
{
	size_t i, mask;

	if ((s->nr + 1) * 2 > s->cap) {
		struct seen prev = *s;
		s->cap = s->cap ? s->cap * 2 : 256;
		s->v = xcalloc(s->cap, sizeof(*s->v));
		s->nr = 0;
		for (i = 0; i < prev.cap; i++)
			if (prev.v[i].number)
				seen_add(s, prev.v[i].number, prev.v[i].at, old);
		free(prev.v);
	}
	mask = s->cap - 1;
	for (i = ((uint64_t)number * 0x9E3779B97F4A7C15ULL) >> 20 & mask; s->v[i].number;
	     i = (i + 1) & mask)
		if (s->v[i].number == number) {
			if (s->v[i].at == at)
				return 1;
			*old = s->v[i].at;
			s->v[i].at = at;
			return 2;
		}
	s->v[i].number = number;
	s->v[i].at = at;
	s->nr++;
	return 0;
}

struct walk {
	struct remote_fetch *f;
	struct seen seen;
	time_t since, last;
	int have_since, have_last;
	/* the times read by Link pages (offsets), and whether an issue of them came back */
	time_t paged_from, paged_to;
	int paged, in_offset_page, shifted;
};

/* One item of a fetched page: passed on (issue or bad), or skipped. */
static int fetch_item(struct walk *w, json_t *it)
{
	json_t *num = json_object_get(it, "number");
	json_int_t n = json_is_integer(num) ? json_integer_value(num) : 0;
	struct strbuf why = STRBUF_INIT;
	struct rissue ri;
	char key[32] = "?";
	int ok, rc = 0;
	time_t old, at = gh_item_time(it, "updated_at", &ok);

	if (n > 0)
		snprintf(key, sizeof(key), "%" JSON_INTEGER_FORMAT, n);
	if (ok) {
		w->last = at;
		w->have_last = 1;
	}
	if (n > 0 && ok && (rc = seen_add(&w->seen, n, at, &old)) == 1)
		return 0;	/* the overlap again */
	if (rc == 2 && w->paged && old >= w->paged_from && (w->in_offset_page || old <= w->paged_to))
		w->shifted = 1;	/* it left a range read by offsets: the rest moved up one */
	if (gh_is_pr(it))
		return 0;
	if (gh_parse_issue(it, &ri, &why))
		rc = w->f->bad ? w->f->bad(w->f, key, why.buf) : 0;
	else
		rc = w->f->issue(w->f, &ri);
	rissue_release(&ri);
	strbuf_release(&why);
	return rc;
}

/* The page of rs as a JSON array, or NULL with err (the walk cannot go on). */
static json_t *load_page(const char *url, const struct http_response *rs, struct strbuf *err)
{
	json_error_t je;
	json_t *a = json_loadb(rs->body.buf, rs->body.len, GH_JSON_FLAGS, &je);

	if (json_is_array(a))
		return a;
	strbuf_addstr(err, "GET ");
	http_url_path(err, url);
	if (a)
		strbuf_addstr(err, ": not a list of issues");
	else
		strbuf_addf(err, ": not JSON (%d:%d: %s)", je.line, je.column, je.text);
	json_decref(a);
	return NULL;
}

static int gh_fetch(struct remote *r, struct remote_fetch *f, struct strbuf *err)
{
	struct github *g = r->priv;
	unsigned long start = http_requests(g->http);
	struct http_response rs;
	struct walk w;
	int first = 1, page_one = 1, restarts = 0, rc = REMOTE_OK;
	char *url, *query_etag = NULL, cursor[32];

	memset(&w, 0, sizeof(w));
	w.f = f;
	f->new_cursor = f->new_etag = NULL;
	f->not_modified = 0;
	if (f->cursor) {
		if (gh_parse_time(f->cursor, &w.since)) {
			strbuf_addf(err, "'%s' is not a cursor of GitHub (YYYY-MM-DDTHH:MM:SSZ)", f->cursor);
			return REMOTE_FAILED;
		}
		w.have_since = 1;
	}
	url = list_url(g, "updated", "asc", w.have_since ? &w.since : NULL);
	http_response_init(&rs);
	while (!(rc = send_req(r, HTTP_GET, url, NULL, 0, first ? f->etag : NULL, &rs, err))) {
		json_t *page, *it;
		size_t i, n;

		if (first && rs.status == 304 && f->etag) {
			f->not_modified = 1;
			f->new_cursor = f->cursor ? xstrdup(f->cursor) : NULL;
			f->new_etag = xstrdup(f->etag);
			break;
		}
		if (rs.status != 200) {
			answer(g, HTTP_GET, url, &rs, 0, err);
			rc = REMOTE_FATAL;	/* the walk cannot go on, whatever the answer */
			break;
		}
		if (page_one) {
			free(query_etag);
			query_etag = rs.etag ? xstrdup(rs.etag) : NULL;
		}
		if (!(page = load_page(url, &rs, err))) {
			rc = REMOTE_FATAL;
			break;
		}
		w.have_last = 0;
		if ((w.in_offset_page = !page_one) && !w.paged) {
			w.paged = 1;
			w.paged_from = w.paged_to = w.since;
		}
		json_array_foreach(page, i, it)
			if ((rc = fetch_item(&w, it)))
				break;
		n = json_array_size(page);
		json_decref(page);
		if (rc)
			break;
		if (w.in_offset_page && w.have_last && w.last > w.paged_to)
			w.paged_to = w.last;
		free(url);
		url = NULL;
		if (w.shifted && restarts++ < 10) {
			/*
			 * An issue in a range read by Link pages came back edited:
			 * those pages shifted under us and may have hidden one.
			 * Read that range again (what was seen is skipped).
			 */
			w.since = w.paged_from;
			w.shifted = w.paged = 0;
			url = list_url(g, "updated", "asc", &w.since);
			page_one = 1;
		} else if (w.have_last && (!w.have_since || w.last - 1 > w.since)) {
			/* G1: page one again, since the last second seen (an overlap) */
			w.since = w.last - 1;
			w.have_since = 1;
			url = list_url(g, "updated", "asc", &w.since);
			page_one = 1;
		} else if (rs.next && n) {
			/* the whole page in one second: the cursor cannot move, the pages can */
			url = xstrdup(rs.next);
			page_one = 0;
		}
		gh_format_time(cursor, sizeof(cursor), w.since);
		if (w.have_since && f->page && (rc = f->page(f, cursor)))
			break;
		if (!url) {	/* the last request was page one at this cursor */
			f->new_cursor = w.have_since ? xstrdup(cursor) : NULL;
			f->new_etag = query_etag;
			query_etag = NULL;
			break;
		}
		first = 0;
	}
	f->requests = http_requests(g->http) - start;
	http_response_release(&rs);
	free(w.seen.v);
	free(query_etag);
	free(url);
	return rc;
}

static int gh_find_created(struct remote *r, const char *local_id, const char *since,
			   struct rissue *out, struct strbuf *err)
{
	struct github *g = r->priv;
	struct http_response rs;
	time_t from = 0;
	int rc, found = 0, older = 0;
	char *url;

	rissue_init(out);
	if (since && gh_parse_time(since, &from)) {
		strbuf_addf(err, "'%s' is not a time of GitHub (YYYY-MM-DDTHH:MM:SSZ)", since);
		return REMOTE_FAILED;
	}
	from -= since ? 1 : 0;	/* since may be exclusive on the server: one second earlier */
	url = list_url(g, "created", "desc", since ? &from : NULL);
	http_response_init(&rs);
	while (!(rc = send_req(r, HTTP_GET, url, NULL, 0, NULL, &rs, err))) {
		json_t *page, *it;
		size_t i;

		if (rs.status != 200) {
			rc = answer(g, HTTP_GET, url, &rs, 0, err);
			break;
		}
		if (!(page = load_page(url, &rs, err))) {
			rc = REMOTE_FATAL;
			break;
		}
		json_array_foreach(page, i, it) {
			struct strbuf why = STRBUF_INIT;
			struct rissue ri;
			int ok;
			time_t at = gh_item_time(it, "created_at", &ok);

			if (since && ok && at < from) {
				older = 1;	/* newest first: the rest is older still */
				break;
			}
			if (gh_is_pr(it) || gh_parse_issue(it, &ri, &why)) {
				strbuf_release(&why);
				continue;
			}
			/* the oldest (lowest number): the one the first try created */
			if (ri.local_id && !strcmp(ri.local_id, local_id) &&
			    (!found || strtoll(ri.key, NULL, 10) < strtoll(out->key, NULL, 10))) {
				rissue_release(out);
				*out = ri;
				found = 1;
			} else
				rissue_release(&ri);
		}
		json_decref(page);
		free(url);
		url = !older && rs.next ? xstrdup(rs.next) : NULL;
		if (!url)
			break;
	}
	http_response_release(&rs);
	free(url);
	if (!rc && !found) {
		strbuf_addf(err, "no issue on %s carries the marker of %s", g->name, local_id);
		rc = REMOTE_GONE;
	}
	return rc;
}

static void gh_close(struct remote *r)
{
	struct github *g = r->priv;
	size_t i;

	if (!g)
		return;
	http_close(g->http);
	for (i = 0; i < g->ms_nr; i++)
		free(g->ms[i].title);
	free(g->ms);
	free(g->name);
	free(g->base);
	free(g);
	r->priv = NULL;
}

static const struct remote_ops github_ops = {
	gh_fetch, gh_get, gh_create, gh_update, gh_find_created, gh_close,
};

int github_open(struct remote *r, struct strbuf *err)
{
	struct github *g = xcalloc(1, sizeof(*g));
	size_t n = strlen(r->url);

	while (n && r->url[n - 1] == '/')
		n--;
	g->base = xmemdupz(r->url, n);
	g->name = xstrdup(r->name ? r->name : "github");
	if (!(g->http = http_open(g->base, err))) {
		free(g->base);
		free(g->name);
		free(g);
		return -1;
	}
	r->ops = &github_ops;
	r->priv = g;
	return 0;
}
