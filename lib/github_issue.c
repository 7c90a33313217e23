/*
 * github_issue.c - GitHub's JSON read for the github backend (see
 * github_issue.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "github_issue.h"
#include "xalloc.h"

#define MAX_BODY (1 << 20)	/* bytes of a body taken from GitHub */
#define MAX_TEXT 65536		/* bytes of a title, a label, a login, a milestone title */

int gh_parse_time(const char *s, time_t *t)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	if (!s || !(end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) || strcmp(end, "Z"))
		return -1;
	*t = timegm(&tm);
	return 0;
}

void gh_format_time(char *buf, size_t len, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int take_string(json_t *v, const char *what, size_t max, char **out, struct strbuf *why)
{
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);

	if (!json_is_string(v))
		return strbuf_addf(why, "%s is not a string", what), -1;
	if (memchr(s, '\0', len))
		return strbuf_addf(why, "%s holds a NUL", what), -1;
	if (len > max)
		return strbuf_addf(why, "%s is over %zu bytes", what, max), -1;
	free(*out);
	*out = xmemdupz(s, len);
	return 0;
}

/* Member key of o: a string of at most max bytes, or (nullable) null or absent. */
static int member(json_t *o, const char *key, int nullable, size_t max, char **out,
		  struct strbuf *why)
{
	json_t *v = json_object_get(o, key);

	if (!v || json_is_null(v)) {
		if (nullable)
			return 0;
		return strbuf_addf(why, "%s is missing", key), -1;
	}
	return take_string(v, key, max, out, why);
}

/* A list of strings, or of objects whose `field` is one (labels come both ways). */
static int member_list(json_t *a, const char *key, const char *field, struct rlist *l,
		       struct strbuf *why)
{
	json_t *v;
	size_t i;
	char *s = NULL;

	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a))
		return strbuf_addf(why, "%s is not a list", key), -1;
	json_array_foreach(a, i, v) {
		if (json_is_object(v))
			v = json_object_get(v, field);
		if (take_string(v, key, MAX_TEXT, &s, why)) {
			free(s);
			return -1;
		}
		rlist_add(l, s);
	}
	free(s);
	return 0;
}

int gh_is_pr(json_t *o)
{
	json_t *pr = json_object_get(o, "pull_request");
	return pr && !json_is_null(pr);
}

int gh_parse_issue(json_t *o, struct rissue *ri, struct strbuf *why)
{
	json_t *num = json_object_get(o, "number"), *ms, *as, *one, *tmp = NULL;
	char buf[32];
	int rc = -1;
	time_t t;

	rissue_init(ri);
	if (!json_is_object(o))
		return strbuf_addstr(why, "not an object"), -1;
	if (!json_is_integer(num) || json_integer_value(num) <= 0)
		return strbuf_addstr(why, "no issue number"), -1;
	snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(num));
	ri->key = xstrdup(buf);
	ri->is_pr = gh_is_pr(o);
	ms = json_object_get(o, "milestone");
	as = json_object_get(o, "assignees");
	one = json_object_get(o, "assignee");
	if (!as && one && !json_is_null(one)) {	/* the older single assignee, alone */
		as = tmp = json_array();
		json_array_append(tmp, one);
	}
	if (member(o, "title", 0, MAX_TEXT, &ri->title, why) ||
	    member(o, "body", 1, MAX_BODY, &ri->body, why) ||
	    member(o, "state", 0, 16, &ri->state, why) ||
	    member(o, "state_reason", 1, 64, &ri->state_reason, why) ||
	    member(o, "updated_at", 0, 64, &ri->updated_at, why) ||
	    member_list(json_object_get(o, "labels"), "labels", "name", &ri->labels, why) ||
	    member_list(as, "assignees", "login", &ri->assignees, why))
		goto bad;
	if (strcmp(ri->state, "open") && strcmp(ri->state, "closed")) {
		strbuf_addstr(why, "state is neither open nor closed");
		goto bad;
	}
	if (gh_parse_time(ri->updated_at, &t)) {
		strbuf_addstr(why, "updated_at is not a time");
		goto bad;
	}
	if (ms && !json_is_null(ms) &&
	    (!json_is_object(ms) || member(ms, "title", 0, MAX_TEXT, &ri->milestone, why))) {
		if (!why->len)
			strbuf_addstr(why, "milestone is not an object");
		goto bad;
	}
	rissue_canon(ri);
	rc = 0;
bad:
	if (rc)
		rissue_release(ri);
	json_decref(tmp);
	return rc;
}

time_t gh_item_time(json_t *it, const char *key, int *ok)
{
	time_t t = 0;

	*ok = !gh_parse_time(json_string_value(json_object_get(it, key)), &t);
	return t;
}

void gh_add_message(struct strbuf *err, const char *body, size_t len)
{
	json_t *o = json_loadb(body, len, 0, NULL), *e;
	const char *msg = json_string_value(json_object_get(o, "message"));
	size_t i, from = err->len;

	if (msg)
		strbuf_addf(err, ": %.200s", msg);
	json_array_foreach(json_object_get(o, "errors"), i, e) {
		const char *field = json_string_value(json_object_get(e, "field"));
		const char *code = json_string_value(json_object_get(e, "code"));
		const char *m = json_string_value(json_object_get(e, "message"));
		json_t *val = json_object_get(e, "value");
		char *v = val && !json_is_null(val) ? json_dumps(val, JSON_ENCODE_ANY) : NULL;

		strbuf_addstr(err, i ? "; " : " (");
		if (m)
			strbuf_addf(err, "%.200s", m);
		else
			strbuf_addf(err, "%s %s%s%.100s", field ? field : "?", code ? code : "invalid",
				    v ? " " : "", v ? v : "");
		free(v);
		if (i == json_array_size(json_object_get(o, "errors")) - 1)
			strbuf_addch(err, ')');
	}
	for (i = from; i < err->len; i++)	/* one line */
		if ((unsigned char)err->buf[i] < ' ')
			err->buf[i] = ' ';
	json_decref(o);
}

