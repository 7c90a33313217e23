#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "gitindex.h"
#include "issue.h"
#include "overlay.h"
#include "record.h"
#include "usage.h"
#include "xalloc.h"

static struct diff_entry *new_entry(struct diff *d, int status, const char *path, size_t len)
{
	struct diff_entry *e;

	ALLOC_GROW(d->e, d->nr + 1, d->alloc);
	e = &d->e[d->nr++];
	memset(e, 0, sizeof(*e));
	e->status = status;
	e->path = xmemdupz(path, len);
	return e;
}

static void set_old(struct diff_entry *e, const struct file_row *row)
{
	e->old_mode = row->mode;
	memcpy(e->old_oid, row->oid, OID_RAW);
	e->old_rec = xmemdupz(row->rec, row->reclen);
	e->old_reclen = row->reclen;
}

struct row_copy {
	char *path;
	struct file_row row;	/* row.rec owned */
};

struct row_copies {
	struct row_copy *v;
	size_t nr, alloc;
	struct index *ix;
	MDB_txn *txn;
};

static int cmp_rows(const void *a, const void *b)
{
	return strcmp(((const struct row_copy *)a)->path, ((const struct row_copy *)b)->path);
}

static int copy_row(const char *path, size_t len, struct file_row *row, void *data)
{
	struct row_copies *rows = data;
	struct row_copy *rc;

	if (row->kind != ROW_FILE || file_row_record(rows->txn, rows->ix, row))
		return 0;
	ALLOC_GROW(rows->v, rows->nr + 1, rows->alloc);
	rc = &rows->v[rows->nr++];
	rc->path = xmemdupz(path, len);
	rc->row = *row;
	rc->row.rec = xmemdupz(row->rec, row->reclen);
	return 0;
}

/* The index's file rows under the roots, sorted by path. */
static int collect_rows(struct row_copies *rows, struct index *ix, const struct strbuf *roots)
{
	struct strbuf prefix = STRBUF_INIT;
	const char *r;
	MDB_txn *txn;
	int rc;

	memset(rows, 0, sizeof(*rows));
	if ((rc = index_begin(ix, &txn, 0)))
		return rc < 0 ? -1 : 0;		/* no index yet: no rows */
	rows->ix = ix;
	rows->txn = txn;
	for (r = roots->buf, rc = 0; !rc && r < roots->buf + roots->len; r += strlen(r) + 1) {
		strbuf_reset(&prefix);
		strbuf_addf(&prefix, "%s/", r);
		rc = index_foreach_file(txn, ix, prefix.buf, prefix.len, copy_row, rows);
	}
	index_end(txn);
	strbuf_release(&prefix);
	if (rc)
		return lmdb_error(rc, "cannot read the index");
	if (rows->nr)
		qsort(rows->v, rows->nr, sizeof(*rows->v), cmp_rows);
	return 0;
}

static void free_rows(struct row_copies *rows)
{
	size_t i;

	for (i = 0; i < rows->nr; i++) {
		free(rows->v[i].path);
		free((char *)rows->v[i].row.rec);
	}
	free(rows->v);
}

/* Rows against the staging area's entries, both in path order. */
static int diff_cached(struct diff *d, struct index *ix, const struct repo_paths *p,
		       const struct strbuf *roots)
{
	struct staged st;
	struct row_copies rc;
	struct row_copy *rows;
	size_t nr, i = 0, j = 0;

	if (staged_read(&st, p, roots->buf, roots->len, 0) < 0)
		return -1;
	if (collect_rows(&rc, ix, roots) < 0) {
		staged_release(&st);
		return -1;
	}
	rows = rc.v;
	nr = rc.nr;
	for (;;) {
		const struct staged_entry *ge = NULL;
		int cmp;

		/* the next staged regular file under the roots, at stage 0 */
		for (; j < st.nr; j++) {
			ge = &st.e[j];
			if (!ge->stage && issue_name(ge->path) &&
			    (ge->mode == 0100644 || ge->mode == 0100755))
				break;
			ge = NULL;
		}
		if (i >= nr && !ge)
			break;
		cmp = i >= nr ? 1 : !ge ? -1 : strcmp(rows[i].path, ge->path);
		if (cmp < 0) {
			set_old(new_entry(d, 'D', rows[i].path, strlen(rows[i].path)), &rows[i].row);
			i++;
			continue;
		}
		if (cmp > 0 || memcmp(rows[i].row.oid, ge->oid, OID_RAW) ||
		    rows[i].row.mode != ge->mode) {
			struct diff_entry *e = new_entry(d, cmp ? 'A' : 'M', ge->path, strlen(ge->path));
			if (!cmp)
				set_old(e, &rows[i].row);
			e->new_mode = ge->mode;
			memcpy(e->new_oid, ge->oid, OID_RAW);
		}
		j++;
		if (!cmp)
			i++;
	}
	free_rows(&rc);
	staged_release(&st);
	return 0;
}

/* Rows against the working tree: the overlay, whose files hash differently. */
static int diff_worktree(struct diff *d, struct index *ix, const struct repo_paths *p,
			 const struct strbuf *roots)
{
	struct overlay ov = OVERLAY_INIT;
	MDB_txn *txn;
	size_t i;
	int rc;

	if ((rc = index_begin(ix, &txn, 0)))
		return rc < 0 ? -1 : 0;
	rc = overlay_compute(&ov, ix, txn, p, roots->buf, roots->len);
	for (i = 0; !rc && i < ov.nr; i++) {
		const struct overlay_file *f = &ov.files[i];
		struct file_row row;
		int in_index = !index_get_file(txn, ix, f->path, strlen(f->path), &row) &&
			!file_row_record(txn, ix, &row);
		struct diff_entry *e = new_entry(d, f->deleted ? 'D' : in_index ? 'M' : 'A',
						 f->path, strlen(f->path));
		if (in_index)
			set_old(e, &row);
		if (!f->deleted) {
			e->new_mode = f->mode;
			memcpy(e->new_oid, f->oid, OID_RAW);
			e->new_rec = xmemdupz(f->rec, f->reclen);
			e->new_reclen = f->reclen;
		}
	}
	index_end(txn);
	overlay_release(&ov);
	return rc ? -1 : 0;
}

/* Rows against a commit's tree: the walk a refresh would apply. */
static int diff_committed(struct diff *d, struct index *ix, git_repository *repo,
			  const struct strbuf *roots, const char *rev)
{
	git_object *obj = NULL;
	git_tree *tree = NULL;
	int rc;

	if (git_revparse_single(&obj, repo, rev ? rev : "HEAD") < 0 ||
	    git_object_peel((git_object **)&tree, obj, GIT_OBJECT_TREE) < 0) {
		/* an unborn HEAD has no tree: everything indexed is gone */
		if (rev || !git_repository_head_unborn(repo)) {
			git_object_free(obj);
			return DIFF_BAD_REVISION;
		}
	}
	rc = refresh_diff(d, ix, repo, tree, roots);
	git_tree_free(tree);
	git_object_free(obj);
	return rc;
}

int diff_index(struct diff *out, struct index *ix, const struct repo_paths *p,
	       git_repository *repo, const struct strbuf *roots,
	       enum diff_against against, const char *rev)
{
	memset(out, 0, sizeof(*out));
	switch (against) {
	case DIFF_COMMITTED:
		return diff_committed(out, ix, repo, roots, rev);
	case DIFF_CACHED:
		return diff_cached(out, ix, p, roots);
	case DIFF_WORKTREE:
		break;
	}
	return diff_worktree(out, ix, p, roots);
}

/*
 * A blob's bytes, or -1 when it cannot be read (the entry then shows
 * no id): the one place this module reads a blob.
 */
static int read_blob(struct strbuf *out, git_repository *repo, const unsigned char *oid,
		     const char *path)
{
	return libgit_read_blob(repo, oid, path, out) ? -1 : 0;
}

void diff_entry_id(struct strbuf *out, struct diff_entry *e, git_repository *repo)
{
	struct record rec;
	const char *id;
	size_t len;

	strbuf_reset(out);
	if (e->status != 'D' && !e->new_rec) {
		struct strbuf raw = STRBUF_INIT, sb = STRBUF_INIT;
		int rc = read_blob(&raw, repo, e->new_oid, e->path);
		if (!rc)
			issue_parse(&sb, raw.buf, raw.len);
		strbuf_release(&raw);
		if (rc)
			return;
		e->new_rec = strbuf_detach(&sb, &e->new_reclen);
	}
	if (e->status == 'D' ? record_decode(&rec, e->old_rec, e->old_reclen) :
	    record_decode(&rec, e->new_rec, e->new_reclen))
		return;
	if (rec.kind == RECORD_ISSUE && !issue_file_id(&rec, e->path, &id, &len))
		strbuf_add(out, id, len);
}
