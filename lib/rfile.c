/*
 * rfile.c - an issue file's synced fields (see rfile.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "frontmatter.h"
#include "issue.h"
#include "record.h"
#include "rfile.h"
#include "xalloc.h"

static const char *const closed_words[] = {
	"done", "closed", "completed", "complete", "resolved", "fixed", NULL,
};
static const char *const not_planned_words[] = {
	"wontfix", "won't fix", "wont-fix", "cancelled", "canceled", "rejected", "not_planned",
	"not planned", "invalid", NULL,
};

static int in_words(const char *const *w, const char *s)
{
	for (; *w; w++)
		if (!strcasecmp(*w, s))
			return 1;
	return 0;
}

/* A local status as open or closed and a reason (NULL: any). */
void rfile_project_status(const struct rfile_map *m, const char *s, const char **state,
			   const char **reason)
{
	size_t i;

	*reason = NULL;
	*state = "open";
	if (!s || !*s)
		return;
	for (i = 0; i < m->nr; i++)
		if (!strcasecmp(m->status[i], s)) {
			*state = m->state[i];
			*reason = m->reason[i];
			return;
		}
	if (!strcasecmp(s, m->closed_status) || in_words(closed_words, s))
		*state = "closed";
	else if (in_words(not_planned_words, s))
		*state = "closed", *reason = "not_planned";
	else if (!strcasecmp(s, "duplicate"))
		*state = "closed", *reason = "duplicate";
}

static int agrees(const char *state, const char *reason, const char *s2, const char *r2)
{
	return !strcmp(state, s2) && (!reason || !r2 || !strcmp(reason, r2));
}

/* The local status for the remote's state: the current one when it agrees. */
const char *rfile_status_for(const struct rfile_map *m, const char *state, const char *reason,
			      const char *cur)
{
	const char *s, *r;
	size_t i;

	rfile_project_status(m, cur, &s, &r);
	if (cur && *cur && agrees(s, r, state, reason))
		return cur;
	for (i = 0; i < m->nr; i++)
		if (agrees(m->state[i], m->reason[i], state, reason) &&
		    (!reason || (m->reason[i] && !strcmp(m->reason[i], reason))))
			return m->status[i];
	return strcmp(state, "closed") ? m->open_status : m->closed_status;
}

struct fields {
	struct rissue *ri;
	const char *remote_key;
	struct strbuf *key;
	char *status;
};

static int null_text(const struct node *v)
{
	return v->type == NODE_PLAIN && (!v->len || (v->len == 1 && *v->text == '~') ||
					 (v->len == 4 && !strncasecmp(v->text, "null", 4)));
}

static int is_key(const char *key, size_t keylen, const char *name)
{
	return keylen == strlen(name) && !memcmp(key, name, keylen);
}

static int take_scalar(const char *key, size_t keylen, const struct node *val, void *data)
{
	struct fields *f = data;
	char *v, **dst = NULL;

	if (null_text(val))
		return 0;
	v = xmemdupz(val->text, val->len);
	if (is_key(key, keylen, "title"))
		dst = &f->ri->title;
	else if (is_key(key, keylen, "status"))
		dst = &f->status;
	else if (is_key(key, keylen, "milestone"))
		dst = &f->ri->milestone;
	else if (is_key(key, keylen, "labels"))
		rlist_add(&f->ri->labels, v);
	else if (is_key(key, keylen, "assignee") || is_key(key, keylen, "assignees"))
		rlist_add(&f->ri->assignees, v);
	else if (is_key(key, keylen, f->remote_key))
		strbuf_addstr(f->key, v);
	if (dst && !*dst)
		*dst = v;
	else
		free(v);
	return 0;
}

/* Where the body starts: after the closing line of the front matter. */
static size_t body_at(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	p = memchr(p, '\n', end - p);	/* past the opening "---" */
	while (p && ++p < end) {
		if (end - p >= 3 && (!memcmp(p, "---", 3) || !memcmp(p, "...", 3)) &&
		    (p + 3 == end || p[3] == '\n' || (p[3] == '\r' && p + 4 < end && p[4] == '\n'))) {
			p += 3;
			p += p < end && *p == '\r';
			p += p < end && *p == '\n';
			return p - buf;
		}
		p = memchr(p, '\n', end - p);
	}
	return len;
}

int rfile_read(const struct rfile_map *m, const char *buf, size_t len, const char *remote,
		 struct rissue *out, struct strbuf *key, struct strbuf *err)
{
	struct strbuf recbuf = STRBUF_INIT, rk = STRBUF_INIT;
	struct fields f = { out, NULL, key, NULL };
	struct record rec;
	const char *state, *reason;
	size_t at;
	int ret = -1;

	rissue_init(out);
	strbuf_reset(key);
	strbuf_addf(&rk, "remote_ids.%s", remote);
	f.remote_key = rk.buf;
	if (issue_parse(&recbuf, buf, len) != RECORD_ISSUE || record_decode(&rec, recbuf.buf, recbuf.len)) {
		if (!record_decode(&rec, recbuf.buf, recbuf.len) && rec.kind == RECORD_INVALID)
			strbuf_add(err, rec.err, rec.errlen);
		else
			strbuf_addstr(err, "1:1: not an issue file (no front matter)");
		goto out;
	}
	record_foreach_scalar(&rec, take_scalar, &f);
	rfile_project_status(m, f.status, &state, &reason);
	out->state = xstrdup(state);
	out->state_reason = reason ? xstrdup(reason) : NULL;
	at = body_at(buf, len);
	out->body = xmemdupz(buf + at, len - at);
	rissue_canon(out);
	ret = 0;
out:
	free(f.status);
	strbuf_release(&recbuf);
	strbuf_release(&rk);
	return ret;
}

/* The node type of top-level key `key`'s value (NODE_SEQ: a list), 0 when absent. */
static int key_type(const struct record *rec, const char *key)
{
	const unsigned char *p = rec->nodes, *end = rec->end;
	struct node k, v;

	if (!(p = node_next(p, end, &k)) || k.type != NODE_MAP)
		return 0;
	while ((p = node_next(p, end, &k)) && k.type != NODE_END) {
		const unsigned char *at = p;
		if (!node_next(at, end, &v))
			return 0;
		if (k.len == strlen(key) && !memcmp(k.text, key, k.len))
			return v.type;
		if (!(p = node_skip(at, end)))
			return 0;
	}
	return 0;
}

struct edits {
	struct fm_edit e[8];
	size_t nr;
};

static void edit(struct edits *ed, enum fm_op op, const char *key, const char *const *vals, size_t nr)
{
	struct fm_edit *e = &ed->e[ed->nr++];

	memset(e, 0, sizeof(*e));
	e->op = op;
	e->key = key;
	e->vals = vals;
	e->nr = nr;
}

int rfile_write(const struct rfile_map *m, const char *buf, size_t len, const struct rissue *ri,
		unsigned fields, struct strbuf *out, struct strbuf *err)
{
	struct strbuf recbuf = STRBUF_INIT, key = STRBUF_INIT, body = STRBUF_INIT;
	struct rissue cur;
	struct record rec;
	struct edits ed;
	struct fields f = { &cur, "", &key, NULL };
	const char *status, *one[4], *akey;
	unsigned d;
	int ret = -1, crlf;
	size_t i;

	ed.nr = 0;
	strbuf_reset(out);
	if (rfile_read(m, buf, len, "", &cur, &key, err) < 0)
		return -1;
	d = rissue_diff(&cur, ri, fields);
	rissue_release(&cur);
	/* the file's own status: the remote's state kept where it agrees */
	issue_parse(&recbuf, buf, len);
	record_decode(&rec, recbuf.buf, recbuf.len);
	record_foreach_scalar(&rec, take_scalar, &f);
	crlf = memchr(buf, '\n', len) && ((char *)memchr(buf, '\n', len))[-1] == '\r';
	if (d & RF_TITLE)
		one[0] = ri->title, edit(&ed, FM_SET, "title", &one[0], 1);
	if (d & RF_STATE) {
		status = rfile_status_for(m, ri->state, ri->state_reason, f.status);
		if (!f.status || strcmp(status, f.status))
			one[1] = status, edit(&ed, FM_SET, "status", &one[1], 1);
	}
	if (d & RF_LABELS)
		edit(&ed, FM_SET_LIST, "labels", (const char *const *)ri->labels.v, ri->labels.nr);
	if (d & RF_ASSIGNEES) {
		akey = key_type(&rec, "assignees") ? "assignees" : "assignee";
		if (key_type(&rec, akey) == NODE_SEQ || ri->assignees.nr > 1)
			edit(&ed, FM_SET_LIST, akey, (const char *const *)ri->assignees.v, ri->assignees.nr);
		else if (ri->assignees.nr)
			one[2] = ri->assignees.v[0], edit(&ed, FM_SET, akey, &one[2], 1);
		else
			edit(&ed, FM_UNSET, akey, NULL, 0);
	}
	if (d & RF_MILESTONE) {
		if (*ri->milestone)
			one[3] = ri->milestone, edit(&ed, FM_SET, "milestone", &one[3], 1);
		else
			edit(&ed, FM_UNSET, "milestone", NULL, 0);
	}
	if (d & RF_BODY) {
		for (i = 0; ri->body[i]; i++) {
			if (ri->body[i] == '\n' && crlf)
				strbuf_addch(&body, '\r');
			strbuf_addch(&body, ri->body[i]);
		}
		if (body.len)
			strbuf_addstr(&body, crlf ? "\r\n" : "\n");
		edit(&ed, FM_BODY, "", (const char *const *)&body.buf, 1);
	}
	if (fm_edit(out, buf, len, ed.e, ed.nr, err) == 0)
		ret = 0;
	rissue_release(&cur);	/* the second walk above filled it again */
	free(f.status);
	strbuf_release(&recbuf);
	strbuf_release(&key);
	strbuf_release(&body);
	return ret;
}


static int first_scalar(const char *key, size_t keylen, const struct node *val, void *data)
{
	char **out = data;

	*out = xmemdupz(val->text, val->len);
	return 1;
}

char *rfile_record_field(const struct record *rec, const char *field)
{
	char *v = NULL;

	record_field_scalars(rec, field, NULL, first_scalar, &v);
	return v;
}

char *rfile_field(const char *buf, size_t len, const char *field)
{
	struct strbuf rec = STRBUF_INIT;
	struct record r;
	char *v = NULL;

	if (issue_parse(&rec, buf, len) == RECORD_ISSUE && !record_decode(&r, rec.buf, rec.len))
		v = rfile_record_field(&r, field);
	strbuf_release(&rec);
	return v;
}
