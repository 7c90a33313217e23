/*
 * watchdiff.c - the working tree's changes between two rounds of
 * roadmap-watch, as events (see watchdiff.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "issue.h"
#include "output.h"
#include "record.h"
#include "run.h"
#include "usage.h"
#include "watchdiff.h"
#include "xalloc.h"

#define EMPTY_TREE "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

/* A file whose row HEAD's move changed: its blob before and after (absent: not present). */
struct moved {
	const char *path;	/* into the diff-tree output */
	int old_present, new_present;
	unsigned char old[OID_RAW], new[OID_RAW];
};

/* One change, until renames are paired and it is printed. */
struct change {
	const char *type;	/* "added", "modified", "deleted"; NULL once paired */
	char *path, *id, *from;
	struct strbuf fields;	/* JSON, or empty */
};

struct state {
	int present;
	const unsigned char *oid;
};

static int cmp_moved(const void *a, const void *b)
{
	return strcmp(((const struct moved *)a)->path, ((const struct moved *)b)->path);
}

/*
 * `git diff-tree -r -z` from the commit `old` to `new` over the roots:
 * the issue files whose HEAD row changed. Returns 0 or -1 (reported).
 */
static int head_moved(struct strbuf *out, struct moved **m, size_t *nr, const struct repo_paths *p,
		      const char *old, const char *new, const char *roots, size_t rootslen)
{
	const char *args[] = { "diff-tree", "-r", "-z", "--no-renames", "--no-commit-id", NULL, NULL, NULL };
	const char *at, *end;
	size_t alloc = 0;

	args[5] = *old && strspn(old, "0") != OID_HEX ? old : EMPTY_TREE;
	args[6] = strspn(new, "0") != OID_HEX ? new : EMPTY_TREE;
	*m = NULL;
	*nr = 0;
	if (!rootslen || !strcmp(args[5], args[6]))
		return 0;
	if (git_capture_paths(out, p, args, roots, rootslen) < 0)
		return error("cannot compare %.12s with %.12s", args[5], args[6]);
	/* ":<mode> <mode> <oid> <oid> <status>\0<path>\0" each */
	for (at = out->buf, end = out->buf + out->len; at < end;) {
		const char *meta = at, *path = at + strlen(at) + 1;
		struct moved *e;

		at = path + strlen(path) + 1;
		if (path >= end || strlen(meta) < 2 * 7 + 2 * OID_HEX + 3 || !issue_name(path))
			continue;
		ALLOC_GROW(*m, *nr + 1, alloc);
		e = &(*m)[(*nr)++];
		e->path = path;
		e->old_present = strncmp(meta + 1, "000000", 6) != 0;
		e->new_present = strncmp(meta + 8, "000000", 6) != 0;
		if (hex_to_oid(e->old, meta + 15) || hex_to_oid(e->new, meta + 16 + OID_HEX)) {
			free(*m);
			*m = NULL;
			*nr = 0;
			return error("cannot read git diff-tree's output");
		}
	}
	if (*nr)
		qsort(*m, *nr, sizeof(**m), cmp_moved);
	return 0;
}

/* The issue's id and front matter as JSON from its record (no id: none; not an issue: no fields). */
static void describe(struct change *c, const char *rec, size_t reclen)
{
	struct record r;
	const char *id;
	size_t len;

	if (!rec || record_decode(&r, rec, reclen) || r.kind != RECORD_ISSUE)
		return;
	if (!issue_file_id(&r, c->path, &id, &len) && !c->id)
		c->id = xmemdupz(id, len);
	if (out_json_node(&c->fields, &r.nodes, r.end) < 0)
		strbuf_reset(&c->fields);
}

static void print_change(struct watchlog *wl, const struct change *c)
{
	struct strbuf *sb = watchlog_begin(wl, c->type);

	watchlog_str(sb, "id", c->id, c->id ? strlen(c->id) : 0);
	watchlog_str(sb, "path", c->path, strlen(c->path));
	if (c->from)
		watchlog_str(sb, "from", c->from, strlen(c->from));
	if (strcmp(c->type, "deleted")) {
		watchlog_key(sb, "fields");
		if (c->fields.len)
			strbuf_add(sb, c->fields.buf, c->fields.len);
		else
			strbuf_addstr(sb, "null");
	}
	watchlog_end(wl);
}

/* Pair each deleted file with an added one of the same id: "renamed". */
static void pair_renames(struct change *c, size_t nr)
{
	size_t i, j;

	for (i = 0; i < nr; i++) {
		if (!c[i].type || strcmp(c[i].type, "deleted") || !c[i].id)
			continue;
		for (j = 0; j < nr; j++) {
			if (!c[j].type || strcmp(c[j].type, "added") || !c[j].id || strcmp(c[i].id, c[j].id))
				continue;
			c[j].type = "renamed";
			c[j].from = c[i].path;
			c[i].path = NULL;
			c[i].type = NULL;
			break;
		}
	}
}

static int same_state(const struct state *a, const struct state *b)
{
	return a->present == b->present && (!a->present || !memcmp(a->oid, b->oid, OID_RAW));
}

/*
 * One path: l its last state (or NULL: HEAD's row then), c its overlay
 * entry now (NULL: HEAD's row now), m how HEAD's move changed its row.
 * Appends the change, if any, to *out.
 */
static int one_path(struct change **out, size_t *nr, size_t *alloc, const char *path,
		    const struct watchdiff_state *l, const struct overlay_file *c, const struct moved *m,
		    struct index *ix, MDB_txn *txn)
{
	struct state old, new, base = { 0, NULL };
	struct file_row row;
	const char *rec = NULL;
	size_t reclen = 0;
	struct change *ch;
	int have_row = 0, rc;

	if ((!m || !c) &&
	    !(rc = index_get_file(txn, ix, path, strlen(path), &row)) && row.kind != ROW_TREE) {
		have_row = 1;
		base.present = 1;
		base.oid = row.oid;
	} else if ((!m || !c) && rc && rc != MDB_NOTFOUND) {
		return lmdb_error(rc, path);
	}
	if (m) {
		old.present = m->old_present;
		old.oid = m->old;
		new.present = m->new_present;
		new.oid = m->new;
	} else {
		old = new = base;
	}
	if (l) {
		old.present = l->present;
		old.oid = l->oid;
	}
	if (c) {
		new.present = !c->deleted;
		new.oid = c->oid;
		rec = c->deleted ? NULL : c->rec;
		reclen = c->reclen;
	} else if (have_row && row.num && !file_row_record(txn, ix, &row)) {
		rec = row.rec;
		reclen = row.reclen;
	}
	if (same_state(&old, &new))
		return 0;
	ALLOC_GROW(*out, *nr + 1, *alloc);
	ch = &(*out)[(*nr)++];
	memset(ch, 0, sizeof(*ch));
	strbuf_init(&ch->fields, 0);
	ch->path = xstrdup(path);
	ch->type = !old.present ? "added" : !new.present ? "deleted" : "modified";
	if (new.present) {
		describe(ch, rec, reclen);
	} else if (l && l->id) {
		ch->id = xstrdup(l->id);
	} else if (have_row && !m && row.num && !file_row_record(txn, ix, &row)) {
		describe(ch, row.rec, row.reclen);	/* HEAD's file, deleted from the disk */
		strbuf_reset(&ch->fields);
	}
	if (!ch->id && !new.present) {
		size_t len;
		const char *id = issue_id_from_path(path, &len);
		ch->id = xmemdupz(id, len);
	}
	return 0;
}

/* Remember ov's entries as the last round's states. */
static void remember(struct watchdiff *wd, const struct overlay *ov)
{
	size_t i;

	for (i = 0; i < wd->nr; i++) {
		free(wd->last[i].path);
		free(wd->last[i].id);
	}
	wd->nr = 0;
	for (i = 0; i < ov->nr; i++) {
		const struct overlay_file *f = &ov->files[i];
		struct watchdiff_state *s;
		struct change ch;

		ALLOC_GROW(wd->last, wd->nr + 1, wd->alloc);
		s = &wd->last[wd->nr++];
		s->path = xstrdup(f->path);
		s->present = !f->deleted;
		memcpy(s->oid, f->oid, OID_RAW);
		s->id = NULL;
		if (!f->deleted) {
			memset(&ch, 0, sizeof(ch));
			ch.path = f->path;
			strbuf_init(&ch.fields, 0);
			describe(&ch, f->rec, f->reclen);
			strbuf_release(&ch.fields);
			s->id = ch.id;
		}
	}
	/* a burst's thousands of entries are not kept once it is committed */
	if (wd->alloc > 64 && wd->nr < wd->alloc / 4) {
		wd->alloc = wd->nr;
		wd->last = xrealloc(wd->last, (wd->alloc ? wd->alloc : 1) * sizeof(*wd->last));
	}
}

int watchdiff_round(struct watchdiff *wd, const struct overlay *ov, struct index *ix, MDB_txn *txn,
		    const struct repo_paths *p, const char *roots, size_t rootslen,
		    struct watchlog *wl, int emit)
{
	struct strbuf diff = STRBUF_INIT, head = STRBUF_INIT;
	struct moved *m = NULL;
	struct change *ch = NULL;
	size_t nm = 0, nch = 0, alloc = 0, i = 0, j = 0, k = 0;
	MDB_val v;
	int rc = 0;

	if (!meta_get(txn, ix, "commit", &v))
		strbuf_add(&head, v.mv_data, v.mv_size);
	if (emit && *wd->head && strcmp(head.buf, wd->head))
		rc = head_moved(&diff, &m, &nm, p, wd->head, head.buf, roots, rootslen);
	while (emit && !rc && (i < wd->nr || j < ov->nr || k < nm)) {
		const char *min = NULL;
		const struct watchdiff_state *l = NULL;
		const struct overlay_file *c = NULL;
		const struct moved *mv = NULL;

		if (i < wd->nr)
			min = wd->last[i].path;
		if (j < ov->nr && (!min || strcmp(ov->files[j].path, min) < 0))
			min = ov->files[j].path;
		if (k < nm && (!min || strcmp(m[k].path, min) < 0))
			min = m[k].path;
		if (i < wd->nr && !strcmp(wd->last[i].path, min))
			l = &wd->last[i++];
		if (j < ov->nr && !strcmp(ov->files[j].path, min))
			c = &ov->files[j++];
		if (k < nm && !strcmp(m[k].path, min))
			mv = &m[k++];
		rc = one_path(&ch, &nch, &alloc, min, l, c, mv, ix, txn);
	}
	pair_renames(ch, nch);
	for (i = 0; i < nch; i++) {
		if (ch[i].type && !rc)
			print_change(wl, &ch[i]);
		free(ch[i].path);
		free(ch[i].id);
		free(ch[i].from);
		strbuf_release(&ch[i].fields);
	}
	free(ch);
	free(m);
	strbuf_release(&diff);
	if (!rc) {
		remember(wd, ov);
		snprintf(wd->head, sizeof(wd->head), "%s", head.len == OID_HEX ? head.buf : "");
	}
	strbuf_release(&head);
	return rc;
}

void watchdiff_release(struct watchdiff *wd)
{
	size_t i;

	for (i = 0; i < wd->nr; i++) {
		free(wd->last[i].path);
		free(wd->last[i].id);
	}
	free(wd->last);
	wd->last = NULL;
	wd->nr = wd->alloc = 0;
}
