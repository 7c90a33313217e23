/*
 * overlay_sparse.c - where git's index, not the disk, says what the
 * working tree holds (see overlay.h): a sparse checkout's skip-worktree
 * files, answered from the staging area where the disk does not have
 * them, as git status and git diff-index answer them; and a root under a
 * submodule git has not checked out (a gitlink, with no .git to see).
 */
#include <stdlib.h>
#include <string.h>

#include "blob.h"
#include "gitindex.h"
#include "issue.h"
#include "overlay.h"
#include "xalloc.h"

static int cmp_ovfile(const void *a, const void *b)
{
	return strcmp(((const struct overlay_file *)a)->path, ((const struct overlay_file *)b)->path);
}

static int cmp_sparse(const void *a, const void *b)
{
	return strcmp(((const struct overlay_sparse *)a)->path,
		      ((const struct overlay_sparse *)b)->path);
}

/* A skip-worktree file the disk does not have: the staged blob, as git answers it. */
static int answer_staged(struct overlay *ov, struct index *ix, MDB_txn *txn,
			 const struct repo_paths *p, const struct staged_entry *e,
			 struct strbuf *raw, struct strbuf *rec)
{
	size_t len = strlen(e->path);
	struct overlay_file *f = (struct overlay_file *)overlay_find(ov, e->path, len);
	struct overlay_sparse *sp;
	struct file_row row;
	int have_row, rc;

	if (f && !f->deleted)
		return 0;	/* on disk: read, as git does */
	have_row = !index_get_file(txn, ix, e->path, len, &row) && row.kind == ROW_FILE;
	if (!f && have_row)
		return 0;	/* on disk, and HEAD's */
	ALLOC_GROW(ov->sparse, ov->nr_sparse + 1, ov->alloc_sparse);
	sp = &ov->sparse[ov->nr_sparse++];
	sp->path = xmemdupz(e->path, len);
	memcpy(sp->oid, e->oid, OID_RAW);
	if (have_row && !memcmp(row.oid, e->oid, OID_RAW) && row.mode == e->mode) {
		f->deleted = -1;	/* HEAD's file: no entry (dropped by the caller) */
		return 0;
	}
	strbuf_reset(raw);
	if ((rc = blob_read(NULL, p, e->oid, e->path, raw)))
		return rc < 0 ? -1 : 0;	/* missing: the file stays as the scan saw it */
	strbuf_reset(rec);
	issue_parse(rec, raw->buf, raw->len);
	if (!f) {
		ALLOC_GROW(ov->files, ov->nr + 1, ov->alloc);
		f = &ov->files[ov->nr++];
		memset(f, 0, sizeof(*f));
		f->path = xmemdupz(e->path, len);
	}
	free(f->rec);
	f->deleted = 0;
	f->rec = xmemdupz(rec->buf, rec->len);
	f->reclen = rec->len;
	f->mode = e->mode;
	memcpy(f->oid, e->oid, OID_RAW);
	if (have_row) {
		MDB_val k = { len, e->path }, v;
		f->head_invalid = !mdb_get(txn, ix->invalid, &k, &v);
	}
	return 0;
}

static int any_row(const char *path, size_t len, struct file_row *row, void *data)
{
	return 1;
}

/*
 * A root whose files are all new (HEAD has no row under it) may lie in
 * a submodule not checked out: its folder is there, without .git, and
 * git lists nothing in it (git ls-files -o). Only then is git's index
 * read whole, to look for a gitlink on the way.
 */
static int drop_gitlinked(struct overlay *ov, struct index *ix, MDB_txn *txn,
			  const struct repo_paths *p, const char *root)
{
	struct strbuf prefix = STRBUF_INIT;
	size_t i, j;
	int rc = 0;

	strbuf_addf(&prefix, "%s/", root);
	for (i = 0; i < ov->nr; i++)
		if (!strncmp(ov->files[i].path, prefix.buf, prefix.len))
			break;
	if (i < ov->nr && !index_foreach_file(txn, ix, prefix.buf, prefix.len, any_row, NULL) &&
	    (rc = staged_gitlink_above(p, root)) == 1) {
		for (i = j = 0; i < ov->nr; i++)
			if (strncmp(ov->files[i].path, prefix.buf, prefix.len))
				ov->files[j++] = ov->files[i];
			else
				free(ov->files[i].path), free(ov->files[i].rec);
		ov->nr = j;
		for (i = j = 0; i < ov->nr_skipped; i++)
			if (strncmp(ov->skipped[i].path, prefix.buf, prefix.len))
				ov->skipped[j++] = ov->skipped[i];
			else
				free(ov->skipped[i].path);
		ov->nr_skipped = j;
		rc = 0;
	}
	strbuf_release(&prefix);
	return rc < 0 ? -1 : 0;
}

int overlay_apply_sparse(struct overlay *ov, struct index *ix, MDB_txn *txn,
			const struct repo_paths *p, const char *roots, size_t rootslen)
{
	struct staged st;
	struct strbuf raw = STRBUF_INIT, rec = STRBUF_INIT;
	const char *root;
	size_t i, j;
	int rc = 0;

	for (root = roots; root < roots + rootslen; root += strlen(root) + 1)
		if (drop_gitlinked(ov, ix, txn, p, root) < 0)
			return -1;
	if (staged_read(&st, p, roots, rootslen, 1) < 0)
		return -1;
	if (!st.nr)
		return 0;	/* no sparse checkout: ov as it is */
	for (i = 0; i < st.nr && !rc; i++) {
		const struct staged_entry *e = &st.e[i];
		if (!e->stage && (e->mode == 0100644 || e->mode == 0100755) && issue_name(e->path))
			rc = answer_staged(ov, ix, txn, p, e, &raw, &rec);
	}
	for (i = j = 0; i < ov->nr; i++)
		if (ov->files[i].deleted >= 0)
			ov->files[j++] = ov->files[i];
		else
			free(ov->files[i].path), free(ov->files[i].rec);
	ov->nr = j;
	if (ov->nr)
		qsort(ov->files, ov->nr, sizeof(*ov->files), cmp_ovfile);
	if (ov->nr_sparse)
		qsort(ov->sparse, ov->nr_sparse, sizeof(*ov->sparse), cmp_sparse);
	staged_release(&st);
	strbuf_release(&raw);
	strbuf_release(&rec);
	return rc;
}

const unsigned char *overlay_sparse_oid(const struct overlay *ov, const char *path, size_t len)
{
	size_t lo = 0, hi = ov->nr_sparse;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *q = ov->sparse[mid].path;
		int c = overlay_path_cmp(q, path, len);

		if (!c)
			return ov->sparse[mid].oid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

