/*
 * merge.c - three-way merge of an issue file, field by field (see merge.h).
 */
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "frontmatter.h"
#include "issue.h"
#include "merge.h"
#include "output.h"
#include "record.h"
#include "run.h"
#include "usage.h"
#include "xalloc.h"

struct item {
	int plain;		/* written plain (a number stays one), else a string */
	char *text;		/* the scalar's value */
	char *json;		/* for comparing */
};

struct field {
	char *key;
	char *json;		/* the value, for comparing */
	int list;		/* a sequence: items below are its scalars */
	struct item *items;
	size_t nitems, aitems;
};

/* One of the three versions. ok: an issue file whose keys we could place. */
struct side {
	const struct strbuf *buf;
	int ok;
	struct fm_key *keys;
	size_t nkeys, close, body;
	struct field *f;
	size_t nf, af;
};

static void side_release(struct side *s)
{
	size_t i, j;

	fm_keys_release(s->keys, s->nkeys);
	for (i = 0; i < s->nf; i++) {
		for (j = 0; j < s->f[i].nitems; j++) {
			free(s->f[i].items[j].text);
			free(s->f[i].items[j].json);
		}
		free(s->f[i].items);
		free(s->f[i].key);
		free(s->f[i].json);
	}
	free(s->f);
}

/* The value of each top-level key, from the record the index would store. */
static int side_fields(struct side *s)
{
	struct strbuf rec = STRBUF_INIT, js = STRBUF_INIT;
	const unsigned char *p, *end;
	struct record r;
	struct node n;
	int ret = -1;

	if (issue_parse(&rec, s->buf->buf, s->buf->len) != RECORD_ISSUE ||
	    record_decode(&r, rec.buf, rec.len) < 0)
		goto out;
	p = r.nodes;
	end = r.end;
	if (p >= end) {		/* empty front matter */
		ret = 0;
		goto out;
	}
	if (*p != NODE_MAP || !(p = node_next(p, end, &n)))
		goto out;
	while (p < end && *p != NODE_END) {
		struct field *f;
		struct node k;

		if (!(p = node_next(p, end, &k)) || p >= end)
			goto out;
		ALLOC_GROW(s->f, s->nf + 1, s->af);
		f = &s->f[s->nf++];
		memset(f, 0, sizeof(*f));
		f->key = xmemdupz(k.text, k.len);
		if (*p == NODE_SEQ) {
			const unsigned char *q = node_next(p, end, &n);
			f->list = 1;
			while (q && q < end && *q != NODE_END) {
				struct node it;
				if (!node_next(q, end, &it))
					goto out;
				strbuf_reset(&js);
				if (out_json_node(&js, &q, end) < 0)
					goto out;
				if (it.type != NODE_PLAIN && it.type != NODE_QUOTED)
					continue;	/* a nested collection: compared whole only */
				ALLOC_GROW(f->items, f->nitems + 1, f->aitems);
				f->items[f->nitems].plain = it.type == NODE_PLAIN;
				f->items[f->nitems].text = xmemdupz(it.text, it.len);
				f->items[f->nitems].json = xmemdupz(js.buf, js.len);
				f->nitems++;
			}
		}
		strbuf_reset(&js);
		if (out_json_node(&js, &p, end) < 0)
			goto out;
		f->json = xmemdupz(js.buf, js.len);
	}
	ret = 0;
out:
	strbuf_release(&rec);
	strbuf_release(&js);
	return ret;
}

static void side_load(struct side *s, const struct strbuf *buf)
{
	struct strbuf err = STRBUF_INIT;

	memset(s, 0, sizeof(*s));
	s->buf = buf;
	s->ok = !fm_keys(buf->buf, buf->len, &s->keys, &s->nkeys, &s->close, &s->body, &err) &&
		!side_fields(s);
	strbuf_release(&err);
}

static const struct field *field(const struct side *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->nf; i++)
		if (!strcmp(s->f[i].key, key))
			return &s->f[i];
	return NULL;
}

static const struct fm_key *key_lines(const struct side *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->nkeys; i++)
		if (!strcmp(s->keys[i].key, key))
			return &s->keys[i];
	return NULL;
}

static int same(const struct field *a, const struct field *b)
{
	return a == b || (a && b && !strcmp(a->json, b->json));
}

static int has_item(const struct field *f, const char *json)
{
	size_t i;

	for (i = 0; f && i < f->nitems; i++)
		if (!strcmp(f->items[i].json, json))
			return 1;
	return 0;
}

static int is_updated(const char *key)
{
	return !strcmp(key, "updated") || !strcmp(key, "updated_date") || !strcmp(key, "updated_at");
}

/* The edits that make ours' front matter the merge, and the keys in conflict. */
struct plan {
	struct fm_edit *ed;
	size_t nr, alloc;
	char **owned;		/* strings the edits point at */
	size_t nowned, aowned;
	const char **conflict;
	size_t nconflict, aconflict;
};

static char *own(struct plan *pl, char *s)
{
	ALLOC_GROW(pl->owned, pl->nowned + 1, pl->aowned);
	return pl->owned[pl->nowned++] = s;
}

static struct fm_edit *add_edit(struct plan *pl, enum fm_op op, const char *key)
{
	struct fm_edit *e;

	ALLOC_GROW(pl->ed, pl->nr + 1, pl->alloc);
	e = &pl->ed[pl->nr++];
	memset(e, 0, sizeof(*e));
	e->op = op;
	e->key = key;
	return e;
}

/* Theirs' lines of a key, in place of ours' (or after ours' keys). */
static void take_theirs(struct plan *pl, const struct side *t, const char *key)
{
	const struct fm_key *k = key_lines(t, key);
	struct fm_edit *e;
	const char **v;

	if (!k) {
		add_edit(pl, FM_UNSET, key);
		return;
	}
	e = add_edit(pl, FM_LINES, key);
	v = (const char **)own(pl, xcalloc(1, sizeof(*v)));
	*v = own(pl, xmemdupz(t->buf->buf + k->start, k->end - k->start));
	e->vals = v;
	e->nr = 1;
}

/* Both sides changed a list: theirs' additions and removals on top of ours. */
static void merge_sets(struct plan *pl, const struct field *b, const struct field *o,
		       const struct field *t, const char *key)
{
	const char **add[2], **del;
	size_t nadd[2] = { 0, 0 }, ndel = 0, i;
	int plain;

	del = (const char **)own(pl, xcalloc(b ? b->nitems + 1 : 1, sizeof(*del)));
	for (plain = 0; plain < 2; plain++)
		add[plain] = (const char **)own(pl, xcalloc(t->nitems + 1, sizeof(**add)));
	for (i = 0; i < t->nitems; i++)
		if (!has_item(b, t->items[i].json) && !has_item(o, t->items[i].json))
			add[t->items[i].plain][nadd[t->items[i].plain]++] = t->items[i].text;
	for (i = 0; b && i < b->nitems; i++)
		if (!has_item(t, b->items[i].json) && has_item(o, b->items[i].json))
			del[ndel++] = b->items[i].text;
	if (ndel) {
		struct fm_edit *e = add_edit(pl, FM_REMOVE, key);
		e->vals = del;
		e->nr = ndel;
	}
	for (plain = 0; plain < 2; plain++) {
		if (nadd[plain]) {
			struct fm_edit *e = add_edit(pl, FM_ADD, key);
			e->vals = add[plain];
			e->nr = nadd[plain];
			e->plain = plain;
		}
	}
}

static void merge_key(struct plan *pl, const struct side *bs, const struct side *os,
		      const struct side *ts, const char *key)
{
	const struct field *b = field(bs, key), *o = field(os, key), *t = field(ts, key);

	if (same(o, t) || same(t, b))
		return;		/* ours holds the answer */
	if (same(o, b)) {
		take_theirs(pl, ts, key);
	} else if (o && t && o->list && t->list && (!b || b->list) &&
		   o->nitems && t->nitems) {
		merge_sets(pl, b, o, t, key);
	} else if (o && t && is_updated(key) && !o->list && !t->list) {
		/* ISO dates and Backlog.md's 'YYYY-MM-DD HH:MM' order as text */
		if (strcmp(t->json, o->json) > 0)
			take_theirs(pl, ts, key);
	} else {
		ALLOC_GROW(pl->conflict, pl->nconflict + 1, pl->aconflict);
		pl->conflict[pl->nconflict++] = key;
	}
}

static void add_marker(struct strbuf *out, int c, int size, const char *label, const char *eol)
{
	int i;

	for (i = 0; i < size; i++)
		strbuf_addch(out, c);
	if (label && *label)
		strbuf_addf(out, " %s", label);
	strbuf_addstr(out, eol);
}

/* A side's lines of a key, or nothing, ending in a line end. */
static void add_lines(struct strbuf *out, const struct side *s, const char *key, const char *eol)
{
	const struct fm_key *k = key_lines(s, key);

	if (!k)
		return;
	strbuf_add(out, s->buf->buf + k->start, k->end - k->start);
	if (k->end == k->start || s->buf->buf[k->end - 1] != '\n')
		strbuf_addstr(out, eol);
}

/*
 * Put conflict markers around each conflicting key's lines of the merged
 * front matter head[0..close): ours above, theirs below.
 */
static void mark_conflicts(struct strbuf *out, const char *head, size_t len, const struct plan *pl,
			   const struct side *ts, const struct merge_opts *opts,
			   const char *eol)
{
	struct fm_key *keys = NULL;
	size_t nkeys = 0, close, body, pos = 0, i, j;
	struct strbuf err = STRBUF_INIT;
	int *done = xcalloc(pl->nconflict + 1, sizeof(*done));

	if (fm_keys(head, len, &keys, &nkeys, &close, &body, &err) < 0)
		close = body = len;	/* cannot happen: the edits were checked */
	for (i = 0; i <= nkeys; i++) {
		size_t at = i < nkeys ? keys[i].start : close;
		/* keys ours lacks go last, before the closing line */
		for (j = 0; j < pl->nconflict && i == nkeys; j++) {
			if (done[j])
				continue;
			strbuf_add(out, head + pos, at - pos);
			pos = at;
			add_marker(out, '<', opts->marker_size, opts->label[0], eol);
			add_marker(out, '=', opts->marker_size, NULL, eol);
			add_lines(out, ts, pl->conflict[j], eol);
			add_marker(out, '>', opts->marker_size, opts->label[2], eol);
		}
		if (i == nkeys)
			break;
		for (j = 0; j < pl->nconflict; j++)
			if (!strcmp(pl->conflict[j], keys[i].key))
				break;
		if (j == pl->nconflict)
			continue;
		done[j] = 1;
		strbuf_add(out, head + pos, keys[i].start - pos);
		add_marker(out, '<', opts->marker_size, opts->label[0], eol);
		strbuf_add(out, head + keys[i].start, keys[i].end - keys[i].start);
		add_marker(out, '=', opts->marker_size, NULL, eol);
		add_lines(out, ts, keys[i].key, eol);
		add_marker(out, '>', opts->marker_size, opts->label[2], eol);
		pos = keys[i].end;
	}
	strbuf_add(out, head + pos, len - pos);
	free(done);
	fm_keys_release(keys, nkeys);
	strbuf_release(&err);
}

static int same_text(const char *a, size_t al, const char *b, size_t bl)
{
	return al == bl && !memcmp(a, b, al);
}

static int put_temp(struct strbuf *name, const char *dir, const char *which, const char *buf, size_t len)
{
	FILE *f;

	strbuf_addf(name, "%s/%s", dir, which);
	if (!(f = fopen(name->buf, "w")) || fwrite(buf, 1, len, f) != len || fclose(f)) {
		if (f)
			fclose(f);
		return error_errno("cannot write '%s'", name->buf);
	}
	return 0;
}

/*
 * The line-wise merge of base/ours/theirs, as git merges a file: one side
 * unchanged takes the other; both changed is git merge-file's (run only
 * then: a driver runs once per file, and most files differ on one side).
 * Returns the conflicts it left, or -1.
 */
static int merge_lines(struct strbuf *out, const char *b, size_t bl, const char *o, size_t ol,
		       const char *t, size_t tl, const char *path, const struct merge_opts *opts)
{
	struct strbuf f[3] = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT }, size = STRBUF_INIT;
	char *argv[14];
	const char *tmp = getenv("TMPDIR");
	struct strbuf tdir = STRBUF_INIT;
	int ret = -1, i, k = 0;

	if (same_text(o, ol, t, tl) || same_text(t, tl, b, bl)) {
		strbuf_add(out, o, ol);
		return 0;
	}
	if (same_text(o, ol, b, bl)) {
		strbuf_add(out, t, tl);
		return 0;
	}
	strbuf_addf(&tdir, "%s/roadmap-merge-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(tdir.buf)) {
		error_errno("cannot make a temporary folder for '%s'", path);
		goto out;
	}
	if (put_temp(&f[0], tdir.buf, "ours", o, ol) < 0 || put_temp(&f[1], tdir.buf, "base", b, bl) < 0 ||
	    put_temp(&f[2], tdir.buf, "theirs", t, tl) < 0)
		goto clean;
	strbuf_addf(&size, "--marker-size=%d", opts->marker_size);
	argv[k++] = "git";
	argv[k++] = "merge-file";
	argv[k++] = "-p";
	argv[k++] = size.buf;
	for (i = 0; i < 3; i++) {
		argv[k++] = "-L";
		argv[k++] = (char *)opts->label[i];
	}
	argv[k++] = f[0].buf;
	argv[k++] = f[1].buf;
	argv[k++] = f[2].buf;
	argv[k] = NULL;
	/* its exit status is the number of conflicts; negative (over 127) on error */
	ret = run_git(out, NULL, argv);
	if (ret < 0 || ret > 127)
		ret = error("%s: git merge-file failed", path);
clean:
	for (i = 0; i < 3; i++)
		if (f[i].len)
			unlink(f[i].buf);
	rmdir(tdir.buf);
out:
	for (i = 0; i < 3; i++)
		strbuf_release(&f[i]);
	strbuf_release(&size);
	strbuf_release(&tdir);
	return ret;
}

int merge_issue(struct strbuf *out, const struct strbuf *base, const struct strbuf *ours,
		const struct strbuf *theirs, const char *path, const struct merge_opts *opts)
{
	struct side s[3];	/* base, ours, theirs */
	struct plan pl;
	struct strbuf head = STRBUF_INIT, err = STRBUF_INIT;
	size_t i;
	int ret;

	side_load(&s[0], base);
	side_load(&s[1], ours);
	side_load(&s[2], theirs);
	memset(&pl, 0, sizeof(pl));
	if (!s[0].ok || !s[1].ok || !s[2].ok) {
		/* not three issue files: git's merge of the whole text */
		ret = merge_lines(out, base->buf, base->len, ours->buf, ours->len,
				  theirs->buf, theirs->len, path, opts);
		goto out;
	}
	for (i = 0; i < s[1].nkeys; i++)
		merge_key(&pl, &s[0], &s[1], &s[2], s[1].keys[i].key);
	for (i = 0; i < s[2].nkeys; i++)
		if (!key_lines(&s[1], s[2].keys[i].key))
			merge_key(&pl, &s[0], &s[1], &s[2], s[2].keys[i].key);
	if (fm_edit(&head, ours->buf, ours->len, pl.ed, pl.nr, &err) < 0) {
		ret = error("%s:%s", path, err.buf);
		goto out;
	}
	{
		struct fm_key *k;
		size_t nk, close, body;
		const char *nl = memchr(ours->buf, '\n', ours->len);
		const char *eol = nl && nl > ours->buf && nl[-1] == '\r' ? "\r\n" : "\n";

		if (fm_keys(head.buf, head.len, &k, &nk, &close, &body, &err) < 0) {
			ret = error("%s:%s", path, err.buf);
			goto out;
		}
		fm_keys_release(k, nk);
		mark_conflicts(out, head.buf, body, &pl, &s[2], opts, eol);
		ret = merge_lines(out, base->buf + s[0].body, base->len - s[0].body,
				  head.buf + body, head.len - body,
				  theirs->buf + s[2].body, theirs->len - s[2].body, path, opts);
		if (ret >= 0)
			ret += pl.nconflict;
	}
out:
	for (i = 0; i < pl.nowned; i++)
		free(pl.owned[i]);
	free(pl.owned);
	free(pl.ed);
	free(pl.conflict);
	for (i = 0; i < 3; i++)
		side_release(&s[i]);
	strbuf_release(&head);
	strbuf_release(&err);
	return ret;
}
