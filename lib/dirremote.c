/*
 * dirremote.c - a folder of issue files as a remote (see dirremote.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "dirremote.h"
#include "issue.h"
#include "record.h"
#include "rfile.h"
#include "usage.h"
#include "xalloc.h"

struct dirfile {
	char *key, *path;
};

struct dirremote {
	char *dir;		/* with a trailing '/' */
	struct rfile_map map;	/* its files' statuses: open, closed */
	struct dirfile *files;	/* every issue file, after a walk */
	size_t nr, alloc;
	int walked;
};

/* The file's modification time as a remote clock that sorts as text. */
static void mtime_text(struct strbuf *out, const struct stat *st)
{
	struct tm tm;
	char buf[32];

	gmtime_r(&st->st_mtim.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	strbuf_reset(out);
	strbuf_addf(out, "%s.%09ldZ", buf, (long)st->st_mtim.tv_nsec);
}

/* Read one issue file into ri (key from its id). Returns 0, or -1 with why. */
static int read_issue(struct dirremote *d, const char *path, struct rissue *ri, struct strbuf *why)
{
	struct strbuf buf = STRBUF_INIT, rec = STRBUF_INIT, key = STRBUF_INIT, at = STRBUF_INIT;
	struct record r;
	struct stat st;
	const char *id, *bad;
	size_t idlen;
	int ret = -1;

	rissue_init(ri);
	if (strbuf_read_file(&buf, path, 0) < 0 || stat(path, &st)) {
		strbuf_addf(why, "cannot read: %s", strerror(errno));
		goto out;
	}
	if (issue_parse(&rec, buf.buf, buf.len) != RECORD_ISSUE || record_decode(&r, rec.buf, rec.len) ||
	    (bad = issue_file_id(&r, path, &id, &idlen))) {
		strbuf_addstr(why, "not a valid issue file");
		goto out;
	}
	if (rfile_read(&d->map, buf.buf, buf.len, "", ri, &key, why) < 0)
		goto out;
	ri->key = xmemdupz(id, idlen);
	mtime_text(&at, &st);
	ri->updated_at = strbuf_detach(&at, NULL);
	ret = 0;
out:
	if (ret)
		rissue_release(ri);
	strbuf_release(&buf);
	strbuf_release(&rec);
	strbuf_release(&key);
	strbuf_release(&at);
	return ret;
}

struct walk {
	struct dirremote *d;
	struct remote_fetch *f;	/* NULL: only list the files */
	char *max;
	int ret;
};

static void visit(struct walk *w, const char *path, const struct stat *st)
{
	struct strbuf at = STRBUF_INIT, why = STRBUF_INIT;
	struct rissue ri;
	struct remote_fetch *f = w->f;

	mtime_text(&at, st);
	if (f && f->cursor && strcmp(at.buf, f->cursor) < 0)
		goto out;	/* not changed since the cursor */
	if (read_issue(w->d, path, &ri, &why) < 0) {
		if (f && f->bad)
			w->ret = f->bad(f, path + strlen(w->d->dir), why.buf);
		goto out;
	}
	ALLOC_GROW(w->d->files, w->d->nr + 1, w->d->alloc);
	w->d->files[w->d->nr].key = xstrdup(ri.key);
	w->d->files[w->d->nr++].path = xstrdup(path);
	if (f && !w->ret)
		w->ret = f->issue(f, &ri);
	if (!w->max || strcmp(at.buf, w->max) > 0) {
		free(w->max);
		w->max = xstrdup(at.buf);
	}
	rissue_release(&ri);
out:
	strbuf_release(&at);
	strbuf_release(&why);
}

static void walk_dir(struct walk *w, const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	struct strbuf path = STRBUF_INIT;
	struct stat st;

	if (!dp)
		return;
	while (!w->ret && (de = readdir(dp))) {
		size_t len = strlen(de->d_name);
		if (de->d_name[0] == '.')
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s%s", dir, de->d_name);
		if (lstat(path.buf, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			strbuf_addch(&path, '/');
			walk_dir(w, path.buf);
		} else if (S_ISREG(st.st_mode) && len > 3 && !strcmp(de->d_name + len - 3, ".md")) {
			visit(w, path.buf, &st);
		}
	}
	closedir(dp);
	strbuf_release(&path);
}

static void forget(struct dirremote *d)
{
	size_t i;

	for (i = 0; i < d->nr; i++) {
		free(d->files[i].key);
		free(d->files[i].path);
	}
	d->nr = 0;
	d->walked = 0;
}

static int dir_fetch(struct remote *r, struct remote_fetch *f, struct strbuf *err)
{
	struct dirremote *d = r->priv;
	struct walk w = { d, f, NULL, 0 };

	forget(d);
	walk_dir(&w, d->dir);
	d->walked = !f->cursor;
	f->requests++;
	r->requests++;
	f->new_cursor = w.max ? w.max : f->cursor ? xstrdup(f->cursor) : NULL;
	if (!w.ret && f->page && f->new_cursor)
		w.ret = f->page(f, f->new_cursor);
	return w.ret;
}

/* The file of issue key, after one walk of every file. */
static const char *path_of(struct dirremote *d, const char *key)
{
	struct walk w = { d, NULL, NULL, 0 };
	size_t i;

	if (!d->walked) {
		forget(d);
		walk_dir(&w, d->dir);
		free(w.max);
		d->walked = 1;
	}
	for (i = 0; i < d->nr; i++)
		if (!strcmp(d->files[i].key, key))
			return d->files[i].path;
	return NULL;
}

static int dir_get(struct remote *r, const char *key, struct rissue *out, struct strbuf *err)
{
	struct dirremote *d = r->priv;
	const char *path = path_of(d, key);

	r->requests++;
	rissue_init(out);
	if (!path || access(path, F_OK))
		return REMOTE_GONE;
	if (read_issue(d, path, out, err) < 0)
		return REMOTE_FAILED;
	return REMOTE_OK;
}

/* in's fields of mask written into the file buf (its marker kept at the body's end). */
static int render(struct dirremote *d, const struct strbuf *buf, const struct rissue *in,
		  unsigned mask, const char *local_id, struct strbuf *out, struct strbuf *err)
{
	struct rissue w;
	struct strbuf body = STRBUF_INIT;
	int ret;

	rissue_init(&w);
	rissue_copy(&w, in);
	if (local_id && (mask & RF_BODY)) {
		strbuf_addf(&body, "%s%s", w.body, *w.body ? "\n\n" : "");
		rissue_marker(&body, local_id);
		free(w.body);
		w.body = strbuf_detach(&body, NULL);
	}
	ret = rfile_write(&d->map, buf->buf, buf->len, &w, mask, out, err);
	rissue_release(&w);
	return ret;
}

static int dir_create(struct remote *r, const struct rissue *in, struct rissue *out,
		      struct strbuf *err)
{
	struct dirremote *d = r->priv;
	struct strbuf key = STRBUF_INIT, skel = STRBUF_INIT, text = STRBUF_INIT, path = STRBUF_INIT;
	int n, ret = REMOTE_FAILED;

	rissue_init(out);
	r->requests++;
	for (n = 1; n < 1000; n++) {	/* the local id names it, unless another has it */
		strbuf_reset(&key);
		strbuf_addstr(&key, in->local_id ? in->local_id : "issue");
		if (n > 1 || !in->local_id)
			strbuf_addf(&key, "-%d", n);
		if (!path_of(d, key.buf))
			break;
	}
	strbuf_addf(&skel, "---\nid: %s\n---\n", key.buf);
	strbuf_addf(&path, "%s%s.md", d->dir, key.buf);
	if (render(d, &skel, in, RF_ALL, in->local_id, &text, err) < 0)
		goto out;
	if (atomicfile_create(path.buf, text.buf, text.len, 0644) < 0) {
		strbuf_addf(err, "cannot create %s", path.buf);
		goto out;
	}
	d->walked = 0;
	ret = read_issue(d, path.buf, out, err) < 0 ? REMOTE_FAILED : REMOTE_OK;
out:
	strbuf_release(&key);
	strbuf_release(&skel);
	strbuf_release(&text);
	strbuf_release(&path);
	return ret;
}

static int dir_update(struct remote *r, const char *key, const struct rissue *in, unsigned fields,
		      struct rissue *out, struct strbuf *err)
{
	struct dirremote *d = r->priv;
	struct strbuf buf = STRBUF_INIT, text = STRBUF_INIT;
	const char *path = path_of(d, key);
	char *local_id = NULL, *p = NULL;
	size_t from, to;
	int ret = REMOTE_FAILED;

	rissue_init(out);
	r->requests++;
	if (!path)
		return REMOTE_GONE;
	p = xstrdup(path);
	if (strbuf_read_file(&buf, p, 0) < 0) {
		ret = REMOTE_GONE;
		goto out;
	}
	local_id = rissue_find_marker(buf.buf, &from, &to);
	if (render(d, &buf, in, fields, local_id, &text, err) < 0)
		goto out;
	if (atomicfile_write(p, text.buf, text.len, 0644) < 0) {
		strbuf_addf(err, "cannot write %s", p);
		goto out;
	}
	ret = read_issue(d, p, out, err) < 0 ? REMOTE_FAILED : REMOTE_OK;
out:
	free(local_id);
	free(p);
	strbuf_release(&buf);
	strbuf_release(&text);
	return ret;
}

static int dir_find_created(struct remote *r, const char *local_id, const char *since,
			    struct rissue *out, struct strbuf *err)
{
	struct dirremote *d = r->priv;
	size_t i;

	rissue_init(out);
	d->walked = 0;
	path_of(d, "");
	for (i = 0; i < d->nr; i++) {
		if (read_issue(d, d->files[i].path, out, err) < 0) {
			strbuf_reset(err);
			continue;
		}
		if (out->local_id && !strcmp(out->local_id, local_id))
			return REMOTE_OK;
		rissue_release(out);
	}
	return REMOTE_GONE;
}

static void dir_close(struct remote *r)
{
	struct dirremote *d = r->priv;

	if (!d)
		return;
	forget(d);
	free(d->files);
	free(d->dir);
	free(d->map.open_status);
	free(d->map.closed_status);
	free(d);
	r->priv = NULL;
}

static const struct remote_ops dir_ops = {
	dir_fetch, dir_get, dir_create, dir_update, dir_find_created, dir_close,
};

int dirremote_open(struct remote *r, const char *workdir, struct strbuf *err)
{
	struct dirremote *d;
	struct strbuf dir = STRBUF_INIT;
	struct stat st;

	if (r->url[0] != '/' && workdir)
		strbuf_addstr(&dir, workdir);
	strbuf_addstr(&dir, r->url);
	if (stat(dir.buf, &st) || !S_ISDIR(st.st_mode)) {
		strbuf_addf(err, "remote '%s': '%s' is not a folder", r->name, dir.buf);
		strbuf_release(&dir);
		return -1;
	}
	if (dir.buf[dir.len - 1] != '/')
		strbuf_addch(&dir, '/');
	d = xcalloc(1, sizeof(*d));
	d->dir = strbuf_detach(&dir, NULL);
	d->map.open_status = xstrdup("open");
	d->map.closed_status = xstrdup("closed");
	r->priv = d;
	r->ops = &dir_ops;
	return 0;
}
