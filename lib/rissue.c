/*
 * rissue.c - an issue as the sync compares it (see rissue.h).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rissue.h"
#include "xalloc.h"

static const char MARKER_OPEN[] = "<!-- roadmap:id=";
static const char MARKER_CLOSE[] = " -->";

void rlist_add(struct rlist *l, const char *s)
{
	ALLOC_GROW(l->v, l->nr + 1, l->alloc);
	l->v[l->nr++] = xstrdup(s);
}

static int casecmp(const void *a, const void *b)
{
	int c = strcasecmp(*(char *const *)a, *(char *const *)b);
	return c ? c : strcmp(*(char *const *)a, *(char *const *)b);
}

void rlist_canon(struct rlist *l)
{
	size_t i, n = 0;

	if (l->nr > 1)	/* an empty list has no array: qsort(NULL) is undefined */
		qsort(l->v, l->nr, sizeof(*l->v), casecmp);
	for (i = 0; i < l->nr; i++) {
		if (n && !strcasecmp(l->v[n - 1], l->v[i]))
			free(l->v[i]);
		else
			l->v[n++] = l->v[i];
	}
	l->nr = n;
}

void rlist_release(struct rlist *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int rlist_equal(const struct rlist *a, const struct rlist *b)
{
	size_t i;

	if (a->nr != b->nr)
		return 0;
	for (i = 0; i < a->nr; i++)
		if (strcasecmp(a->v[i], b->v[i]))
			return 0;
	return 1;
}

static void rlist_copy(struct rlist *dst, const struct rlist *src)
{
	size_t i;

	rlist_release(dst);
	for (i = 0; i < src->nr; i++)
		rlist_add(dst, src->v[i]);
}

void rissue_init(struct rissue *ri)
{
	memset(ri, 0, sizeof(*ri));
}

void rissue_release(struct rissue *ri)
{
	free(ri->key);
	free(ri->local_id);
	free(ri->title);
	free(ri->body);
	free(ri->state);
	free(ri->state_reason);
	free(ri->milestone);
	free(ri->updated_at);
	rlist_release(&ri->labels);
	rlist_release(&ri->assignees);
	rissue_init(ri);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void set(char **dst, const char *s)
{
	char *v = dup_or_null(s);	/* s may be *dst itself */
	free(*dst);
	*dst = v;
}

void rissue_copy(struct rissue *dst, const struct rissue *src)
{
	rissue_release(dst);
	dst->key = dup_or_null(src->key);
	dst->local_id = dup_or_null(src->local_id);
	dst->updated_at = dup_or_null(src->updated_at);
	dst->is_pr = src->is_pr;
	rissue_take(dst, src, RF_ALL);
}

/* body: LF line ends, the marker's line dropped, trailing newlines as one */
static void canon_body(struct rissue *ri)
{
	size_t from, to, i, n = 0;
	char *b = ri->body ? ri->body : xstrdup(""), *id;

	if ((id = rissue_find_marker(b, &from, &to))) {
		if (!ri->local_id)
			ri->local_id = id;
		else
			free(id);
		memmove(b + from, b + to, strlen(b + to) + 1);
	}
	for (i = 0; b[i]; i++)
		if (!(b[i] == '\r' && b[i + 1] == '\n'))
			b[n++] = b[i];
	while (n && b[n - 1] == '\n')
		n--;
	b[n] = '\0';
	ri->body = b;
}

static int strcmp_null(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

void rissue_canon(struct rissue *ri)
{
	canon_body(ri);
	if (!ri->title)
		ri->title = xstrdup("");
	if (!ri->milestone)
		ri->milestone = xstrdup("");
	if (!ri->state)
		ri->state = xstrdup("open");
	if (ri->state_reason && !*ri->state_reason) {
		free(ri->state_reason);
		ri->state_reason = NULL;
	}
	/* "reopened" says how it became open, which an open local status cannot say */
	if (!strcmp(ri->state, "open") && ri->state_reason) {
		free(ri->state_reason);
		ri->state_reason = NULL;
	}
	rlist_canon(&ri->labels);
	rlist_canon(&ri->assignees);
}

unsigned rissue_diff(const struct rissue *a, const struct rissue *b, unsigned mask)
{
	unsigned d = 0;

	if ((mask & RF_TITLE) && strcmp_null(a->title, b->title))
		d |= RF_TITLE;
	if ((mask & RF_BODY) && strcmp_null(a->body, b->body))
		d |= RF_BODY;
	/* a reason counts only when both name one: a plain local "closed" is any closed */
	if ((mask & RF_STATE) && (strcmp_null(a->state, b->state) ||
				  (a->state_reason && b->state_reason &&
				   strcmp(a->state_reason, b->state_reason))))
		d |= RF_STATE;
	if ((mask & RF_LABELS) && !rlist_equal(&a->labels, &b->labels))
		d |= RF_LABELS;
	if ((mask & RF_ASSIGNEES) && !rlist_equal(&a->assignees, &b->assignees))
		d |= RF_ASSIGNEES;
	if ((mask & RF_MILESTONE) && strcmp_null(a->milestone, b->milestone))
		d |= RF_MILESTONE;
	return d;
}

void rissue_take(struct rissue *dst, const struct rissue *src, unsigned mask)
{
	if (mask & RF_TITLE)
		set(&dst->title, src->title);
	if (mask & RF_BODY)
		set(&dst->body, src->body);
	if (mask & RF_STATE) {
		set(&dst->state, src->state);
		set(&dst->state_reason, src->state_reason);
	}
	if (mask & RF_LABELS && dst != src)
		rlist_copy(&dst->labels, &src->labels);
	if (mask & RF_ASSIGNEES && dst != src)
		rlist_copy(&dst->assignees, &src->assignees);
	if (mask & RF_MILESTONE)
		set(&dst->milestone, src->milestone);
}

static const struct {
	unsigned field;
	const char *name;
} fields[] = {
	{ RF_TITLE, "title" }, { RF_BODY, "body" }, { RF_STATE, "state" },
	{ RF_LABELS, "labels" }, { RF_ASSIGNEES, "assignees" }, { RF_MILESTONE, "milestone" },
};

const char *rissue_field_name(unsigned field)
{
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(*fields); i++)
		if (fields[i].field == field)
			return fields[i].name;
	return NULL;
}

unsigned rissue_field_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(*fields); i++)
		if (!strcmp(fields[i].name, name))
			return fields[i].field;
	return 0;
}

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *rlist_json(const struct rlist *l)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < l->nr; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

void rissue_to_json(const struct rissue *ri, struct strbuf *out)
{
	json_t *o = json_object();
	char *s;

	json_object_set_new(o, "key", jstr(ri->key));
	json_object_set_new(o, "local_id", jstr(ri->local_id));
	json_object_set_new(o, "title", jstr(ri->title));
	json_object_set_new(o, "body", jstr(ri->body));
	json_object_set_new(o, "state", jstr(ri->state));
	json_object_set_new(o, "state_reason", jstr(ri->state_reason));
	json_object_set_new(o, "milestone", jstr(ri->milestone));
	json_object_set_new(o, "labels", rlist_json(&ri->labels));
	json_object_set_new(o, "assignees", rlist_json(&ri->assignees));
	json_object_set_new(o, "updated_at", jstr(ri->updated_at));
	s = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII);
	strbuf_addstr(out, s);
	free(s);
	json_decref(o);
}

static int get_str(json_t *o, const char *key, char **out, struct strbuf *err)
{
	json_t *v = json_object_get(o, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		strbuf_addf(err, "%s: not a string", key);
		return -1;
	}
	*out = xmemdupz(json_string_value(v), json_string_length(v));
	if (strlen(*out) != json_string_length(v)) {
		strbuf_addf(err, "%s: holds a NUL", key);
		return -1;
	}
	return 0;
}

static int get_list(json_t *o, const char *key, struct rlist *l, struct strbuf *err)
{
	json_t *a = json_object_get(o, key), *v;
	size_t i;

	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a)) {
		strbuf_addf(err, "%s: not a list", key);
		return -1;
	}
	json_array_foreach(a, i, v) {
		if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v)) {
			strbuf_addf(err, "%s: not a list of strings", key);
			return -1;
		}
		rlist_add(l, json_string_value(v));
	}
	return 0;
}

int rissue_from_json(struct rissue *ri, const char *buf, size_t len, struct strbuf *err)
{
	json_error_t je;
	json_t *o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	int rc = -1;

	rissue_init(ri);
	if (!o) {
		strbuf_addf(err, "%d:%d: %s", je.line, je.column, je.text);
		return -1;
	}
	if (!json_is_object(o))
		strbuf_addstr(err, "not an object");
	else if (!get_str(o, "key", &ri->key, err) && !get_str(o, "local_id", &ri->local_id, err) &&
		 !get_str(o, "title", &ri->title, err) && !get_str(o, "body", &ri->body, err) &&
		 !get_str(o, "state", &ri->state, err) &&
		 !get_str(o, "state_reason", &ri->state_reason, err) &&
		 !get_str(o, "milestone", &ri->milestone, err) &&
		 !get_str(o, "updated_at", &ri->updated_at, err) &&
		 !get_list(o, "labels", &ri->labels, err) && !get_list(o, "assignees", &ri->assignees, err))
		rc = 0;
	json_decref(o);
	if (rc)
		rissue_release(ri);
	return rc;
}

void rissue_marker(struct strbuf *out, const char *local_id)
{
	strbuf_addf(out, "%s%s%s", MARKER_OPEN, local_id, MARKER_CLOSE);
}

char *rissue_find_marker(const char *body, size_t *from, size_t *to)
{
	const char *m = NULL, *p = body, *id, *close, *end, *q;

	while ((p = strstr(p, MARKER_OPEN)))
		m = p++;	/* the last one: a quoted marker earlier in the text is not it */
	if (!m)
		return NULL;
	id = m + strlen(MARKER_OPEN);
	close = strstr(id, MARKER_CLOSE);
	if (!close || close == id || memchr(id, '\n', close - id))
		return NULL;
	end = close + strlen(MARKER_CLOSE);
	for (q = end; *q == '\n' || *q == '\r' || *q == ' '; q++)
		;
	if (!*q) {	/* at the end: its line and the blank lines before it go too */
		end = q;
		while (m > body && (m[-1] == '\n' || m[-1] == '\r'))
			m--;
	}
	*from = m - body;
	*to = end - body;
	return xmemdupz(id, close - id);
}
