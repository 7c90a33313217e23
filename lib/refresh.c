#include <errno.h>
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>

#include "blob.h"
#include "gitactions.h"
#include "libgit.h"
#include "gitindex.h"
#include "issue.h"
#include "record.h"
#include "refresh.h"
#include "treewalk.h"
#include "usage.h"
#include "xalloc.h"

/* The tree oid of each root ("a\0b\0") in `tree`: zeros where it has no folder. Owned. */
static unsigned char (*root_tree_oids(git_tree *tree, const struct strbuf *roots))[OID_RAW]
{
	unsigned char (*oids)[OID_RAW];
	const char *r;
	size_t n = 0, i = 0;

	for (r = roots->buf; r < roots->buf + roots->len; r += strlen(r) + 1)
		n++;
	oids = xcalloc(n ? n : 1, sizeof(*oids));
	for (r = roots->buf; tree && r < roots->buf + roots->len; r += strlen(r) + 1, i++) {
		git_tree_entry *e = NULL;
		if (!git_tree_entry_bypath(&e, tree, r) && git_tree_entry_type(e) == GIT_OBJECT_TREE)
			memcpy(oids[i], git_tree_entry_id(e)->id, OID_RAW);
		git_error_clear();
		git_tree_entry_free(e);
	}
	return oids;
}

/* libgit2's object database hands the walk its trees raw */
static int load_tree(void *odb, const unsigned char *oid, struct strbuf *out)
{
	git_odb_object *obj = NULL;
	git_oid id;
	int bad;

	memcpy(id.id, oid, OID_RAW);
	bad = git_odb_read(&obj, odb, &id) < 0 || git_odb_object_type(obj) != GIT_OBJECT_TREE;
	if (!bad) {
		strbuf_reset(out);
		strbuf_add(out, git_odb_object_data(obj), git_odb_object_size(obj));
	}
	git_error_clear();
	git_odb_object_free(obj);
	return bad;
}

/* Walk every root of `roots` ("a\0b\0") in HEAD's `tree` (NULL: unborn). */
static int walk_roots(struct actions *w, git_tree *tree, const struct strbuf *roots)
{
	unsigned char (*oids)[OID_RAW] = root_tree_oids(tree, roots);
	struct tree_walk tw = { load_tree, NULL, 0, 0, NULL };
	git_odb *odb;
	int rc;

	if (git_repository_odb(&odb, w->repo) < 0) {
		free(oids);
		return libgit_error("cannot open the object database");
	}
	tw.ctx = odb;
	rc = tree_walk_roots(w, &tw, oids, roots);
	if (rc && !w->rc)
		error("cannot read the tree of '%s' in HEAD", tw.failed ? tw.failed : "");
	git_odb_free(odb);
	free(tw.failed);
	free(oids);
	return w->rc ? w->rc : rc ? -1 : 0;
}

int refresh_diff(struct diff *out, struct index *ix, git_repository *repo, git_tree *tree,
		 const struct strbuf *roots)
{
	struct actions w;
	MDB_txn *txn;
	size_t i;
	int rc;

	memset(&w, 0, sizeof(w));
	memset(out, 0, sizeof(*out));
	if ((rc = index_begin(ix, &txn, 0)))
		return rc < 0 ? rc : 0;
	w.ix = ix;
	w.txn = txn;
	w.repo = repo;
	rc = walk_roots(&w, tree, roots);
	for (i = 0; !rc && i < w.nr; i++) {
		struct action *a = &w.act[i];
		struct diff_entry *d;
		if (a->type == ACT_TREE_PUT || a->type == ACT_TREE_DELETE)
			continue;
		ALLOC_GROW(out->e, out->nr + 1, out->alloc);
		d = &out->e[out->nr++];
		memset(d, 0, sizeof(*d));
		d->status = a->type == ACT_ADD ? 'A' : a->type == ACT_DELETE ? 'D' : 'M';
		d->path = a->path;
		a->path = NULL;
		if (a->old) {
			d->old_mode = a->old->mode;
			memcpy(d->old_oid, a->old->oid, OID_RAW);
			if (!file_row_record(txn, ix, a->old)) {
				d->old_rec = xmemdupz(a->old->rec, a->old->reclen);
				d->old_reclen = a->old->reclen;
			}
		}
		if (a->type != ACT_DELETE) {
			d->new_mode = a->mode;
			memcpy(d->new_oid, a->oid, OID_RAW);
		}
	}
	mdb_txn_abort(txn);
	actions_release(&w);
	return rc ? -1 : 0;
}

void diff_release(struct diff *d)
{
	size_t i;

	for (i = 0; i < d->nr; i++) {
		free(d->e[i].path);
		free(d->e[i].old_rec);
		free(d->e[i].new_rec);
	}
	free(d->e);
	memset(d, 0, sizeof(*d));
}

/* Sort the roots and drop any inside another: a file belongs to one root. */
static void normalize_roots(struct strbuf *roots)
{
	const char *list[64];
	struct strbuf out = STRBUF_INIT;
	size_t n = 0, i, j;
	const char *p;

	for (p = roots->buf; p < roots->buf + roots->len && n < 64; p += strlen(p) + 1)
		list[n++] = p;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(list[j - 1], list[j]) > 0; j--) {
			const char *t = list[j];
			list[j] = list[j - 1];
			list[j - 1] = t;
		}
	for (i = 0; i < n; i++) {
		int inside = 0;
		for (j = 0; j < n; j++) {
			size_t l = strlen(list[j]);
			if (j != i && !strncmp(list[i], list[j], l) &&
			    (list[i][l] == '/' || (list[i][l] == '\0' && j < i)))
				inside = 1;
		}
		if (inside)
			continue;
		strbuf_addstr(&out, list[i]);
		strbuf_addch(&out, '\0');
	}
	strbuf_release(roots);
	*roots = out;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Compare the stored row of key (a file, or a directory ending in '/') with HEAD's entry. */
static void path_action(struct actions *w, git_tree *tree, const char *key)
{
	size_t len = strlen(key);
	int is_dir = key[len - 1] == '/';
	char *gitpath = xmemdupz(key, len - is_dir);
	git_tree_entry *e = NULL;
	MDB_val k = { len, (void *)key }, v;
	int stored = !mdb_get(w->txn, w->ix->files, &k, &v);
	const unsigned char *sv = stored ? v.mv_data : NULL;
	struct file_row row;
	/* a file indexed as unknown (its blob was missing): read again */
	int unknown = stored && !is_dir && !file_row_decode(&row, &v) && row.kind == ROW_FILE && !row.num;
	int present = tree && !git_tree_entry_bypath(&e, tree, gitpath);
	git_filemode_t mode = present ? git_tree_entry_filemode(e) : 0;
	const unsigned char *oid = present ? git_tree_entry_id(e)->id : NULL;

	if (present && (is_dir ? mode != GIT_FILEMODE_TREE :
			(mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE)))
		present = 0;
	if (is_dir) {
		if (present && (!stored || memcmp(sv + 1, oid, OID_RAW)))
			actions_add(w, ACT_TREE_PUT, key, len, oid, NULL);
		else if (!present && stored)
			actions_add(w, ACT_TREE_DELETE, key, len, NULL, NULL);
	} else if (present && !stored) {
		actions_add(w, ACT_ADD, key, len, oid, NULL)->mode = mode;
	} else if (present && (unknown || memcmp(sv + 1, oid, OID_RAW) ||
			       (sv[0] == ROW_FILE_EXEC) != (mode == GIT_FILEMODE_BLOB_EXECUTABLE))) {
		actions_add(w, ACT_MODIFY, key, len, oid, &v)->mode = mode;
	} else if (!present && stored) {
		actions_add(w, ACT_DELETE, key, len, NULL, &v);
	}
	git_tree_entry_free(e);
	free(gitpath);
}

/*
 * Actions for the listed paths only (roadmap-refresh --stdin), and for
 * the directories above them, whose tree oids the next walk relies on.
 */
static void path_actions(struct actions *w, git_tree *tree, const struct strbuf *roots,
			 const struct strbuf *paths)
{
	char **keys = NULL;
	size_t nr = 0, alloc = 0, i;
	const char *p;

	for (p = paths->buf; p < paths->buf + paths->len; p += strlen(p) + 1) {
		const char *root = issue_root(roots->buf, roots->len, p, NULL), *slash;
		if (!root || !issue_name(p))
			continue;
		ALLOC_GROW(keys, nr + 1, alloc);
		keys[nr++] = xstrdup(p);
		/* every directory from the root down to the file's */
		for (slash = p + strlen(root); slash; slash = strchr(slash + 1, '/')) {
			ALLOC_GROW(keys, nr + 1, alloc);
			keys[nr++] = xmemdupz(p, slash - p + 1);
		}
	}
	if (nr)
		qsort(keys, nr, sizeof(*keys), cmp_str);
	for (i = 0; i < nr; i++)
		if (!i || strcmp(keys[i], keys[i - 1]))
			path_action(w, tree, keys[i]);
	for (i = 0; i < nr; i++)
		free(keys[i]);
	free(keys);
}

/* libgit2 reads a small walk's blobs: a git process costs more */
static int read_blob(void *ctx, const unsigned char *oid, const char *path, struct strbuf *out)
{
	return libgit_read_blob(ctx, oid, path, out);
}

/* gitindex_actions() with the root trees of `tree` (HEAD's) */
static int gitindex_actions_head(struct actions *w, const struct repo_paths *p, git_tree *tree,
				 const struct strbuf *roots)
{
	unsigned char (*oids)[OID_RAW] = root_tree_oids(tree, roots);
	int ret = gitindex_actions(w, p, oids, roots);

	free(oids);
	return ret;
}

/* Whether the index was made with the replace refs p honours (meta "replace"; none when absent). */
static int replace_indexed(MDB_txn *txn, struct index *ix, const struct repo_paths *p)
{
	struct strbuf list = STRBUF_INIT;
	MDB_val v;
	int same;

	repo_replace_list(p, &list);
	if (meta_get(txn, ix, "replace", &v))
		v.mv_size = 0;
	/* no row: mv_data is NULL, which memcmp must not get even for 0 bytes */
	same = v.mv_size == list.len && (!list.len || !memcmp(v.mv_data, list.buf, list.len));
	strbuf_release(&list);
	return same;
}

/* One warning for the replace refs of trees and commits, which roadmap does not follow. */
static void warn_replace_unsupported(const struct repo_paths *p)
{
	struct strbuf list = STRBUF_INIT;
	size_t n = blob_replace_unsupported(p, &list);

	/* "<hex> <type>\n" each: the first is named */
	if (n)
		warning("refs/replace/%.*s replaces a %.*s%s: roadmap honours replace refs of blobs "
			"only and reads trees and commits as they are (roadmap-fsck names such refs)",
			OID_HEX, list.buf, (int)strcspn(list.buf + OID_HEX + 1, "\n"),
			list.buf + OID_HEX + 1, n > 1 ? ", and others no blob" : "");
	strbuf_release(&list);
}

/* One attempt; returns 0, -1 (reported) or an LMDB code (MDB_MAP_FULL: retry). */
static int refresh_once(struct index *ix, const struct repo_paths *p, struct repo_state *rs,
			git_repository *repo, const struct strbuf *roots, unsigned flags,
			const struct strbuf *paths, struct refresh_stats *st)
{
	struct actions w;
	struct apply_opts o;
	const struct strbuf *stamp = &rs->stamp;
	MDB_txn *txn = NULL;
	MDB_val v;
	git_oid head;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	const char *hex = rs->head;
	char indexed[OID_HEX + 1] = "";
	int rc, unborn, rebuild = 0, full = 0, incremental = 0;
	double start = now_ms();

	memset(&w, 0, sizeof(w));
	memset(&o, 0, sizeof(o));
	memset(st, 0, sizeof(*st));
	refresh_trace("start", 0);
	if ((rc = index_begin(ix, &txn, 1)))
		goto out;

	/* HEAD, read again inside the write transaction: the last writer indexes the newest */
	if (repo_state_reread_head(rs, p) < 0) {
		rc = -1;
		goto out;
	}
	unborn = rs->unborn;
	hex_to_oid(head.id, hex);

	if (!meta_equals(txn, ix, "version", INDEX_VERSION, strlen(INDEX_VERSION))) {
		rebuild = 1;
		st->mode = "rebuild";
		snprintf(st->reason, sizeof(st->reason), "%s",
			 meta_get(txn, ix, "version", &v) ? "no index" : "index format changed");
	} else if (flags & REFRESH_REBUILD) {
		rebuild = 1;
		st->mode = "rebuild";
		snprintf(st->reason, sizeof(st->reason), "--rebuild");
	} else if (!replace_indexed(txn, ix, p)) {
		/* the records of the blobs involved are another's now */
		rebuild = 1;
		st->mode = "rebuild";
		snprintf(st->reason, sizeof(st->reason), "the replace refs changed");
		warn_replace_unsupported(p);
	} else if (!meta_equals(txn, ix, "roots", roots->buf, roots->len)) {
		rebuild = 2;	/* keep the parsed blobs */
		st->mode = "rebuild";
		snprintf(st->reason, sizeof(st->reason), "roadmap.path changed");
	} else if (meta_equals(txn, ix, "state", "building", 8)) {
		MDB_stat ms;
		full = 1;
		st->mode = "full scan";
		mdb_stat(txn, ix->nums, &ms);
		if (meta_get(txn, ix, "checkpoint", &v))
			v.mv_size = 0;
		snprintf(st->reason, sizeof(st->reason),
			 "resuming an interrupted build from its checkpoint: %zu files indexed, up to '%.*s'",
			 ms.ms_entries, (int)v.mv_size, v.mv_size ? (char *)v.mv_data : "");
	} else if (flags & REFRESH_FULL) {
		full = 1;
		st->mode = "full scan";
		snprintf(st->reason, sizeof(st->reason), "--full");
	} else if (paths && (flags & REFRESH_RETRY) && !(flags & REFRESH_STDIN)) {
		/* retry_unknown(): only on the commit just indexed (HEAD moved: the next refresh) */
		if (!meta_equals(txn, ix, "commit", hex, OID_HEX)) {
			rc = 0;
			goto out;
		}
		st->mode = "listed paths";
		snprintf(st->reason, sizeof(st->reason), "fetching the blobs of unknown files again");
	} else if (meta_equals(txn, ix, "commit", hex, OID_HEX)) {
		st->mode = "up to date";
		snprintf(st->reason, sizeof(st->reason), "HEAD is %.12s", hex);
		/* the config may have changed without touching the roots */
		if (!meta_equals(txn, ix, "config", stamp->buf, stamp->len)) {
			if ((rc = meta_put(txn, ix, "config", stamp->buf, stamp->len)))
				goto out;
			rc = index_commit(txn, "the config stamp");	/* ends txn, failing or not */
			txn = NULL;
			if (rc)
				goto out;
		}
		rc = 0;
		goto out;
	} else if (rs->detached) {
		full = 1;
		st->mode = "full scan";
		snprintf(st->reason, sizeof(st->reason), "detached HEAD at %.12s", hex);
	} else if (repo_rebasing(p)) {
		full = 1;
		st->mode = "full scan";
		snprintf(st->reason, sizeof(st->reason), "rebase in progress");
	} else if (paths) {
		st->mode = "listed paths";
		snprintf(st->reason, sizeof(st->reason), "--stdin");
	} else {
		st->mode = "incremental";
		if (!meta_get(txn, ix, "commit", &v) && v.mv_size == OID_HEX) {
			memcpy(indexed, v.mv_data, OID_HEX);
			incremental = strspn(indexed, "0") != OID_HEX;
			snprintf(st->reason, sizeof(st->reason), "HEAD moved from %.12s to %.12s",
				 indexed, hex);
		} else {
			snprintf(st->reason, sizeof(st->reason), "HEAD is %.12s", hex);
		}
	}
	if (rebuild && (rc = drop_rows(ix, txn, rebuild == 1)))
		goto out;

	if (!unborn) {
		if (git_commit_lookup(&commit, repo, &head) < 0 ||
		    git_commit_tree(&tree, commit) < 0) {
			rc = libgit_error("cannot read HEAD's tree");
			goto out;
		}
	}
	w.ix = ix;
	w.txn = txn;
	w.repo = repo;
	w.full = full || rebuild;
	if (paths && !full && !rebuild) {
		path_actions(&w, tree, roots, paths);
	} else if ((incremental || rebuild) && !unborn && !gitindex_actions_head(&w, p, tree, roots)) {
		/*
		 * With no rows to compare, git's index, when it holds HEAD,
		 * lists the files without reading a tree: the walk's reads
		 * would keep libgit2's delta-base cache (16 MiB) to the end.
		 */
		if (incremental)
			add_reason(st, "; read from git's index");
	} else if (incremental && !unborn && (actions_release(&w), w.rc = 0,
					       !diff_tree_actions(&w, p, indexed, hex, roots))) {
		add_reason(st, "; read with git diff-tree");
	} else {
		actions_release(&w);	/* whatever git's diff began */
		if ((rc = walk_roots(&w, tree, roots)))
			goto out;
	}
	refresh_trace("walk", w.nr);

	o.p = p;
	o.roots = roots;
	o.stamp = stamp;
	o.commit = hex;
	o.rebuild = rebuild;
	o.read_blob = read_blob;
	o.blob_ctx = repo;
	o.start = start;
	rc = apply_actions(ix, &txn, &w, &o, st);
out:
	if (w.cur)
		mdb_cursor_close(w.cur);
	if (txn)
		mdb_txn_abort(txn);
	actions_release(&w);
	git_tree_free(tree);
	git_commit_free(commit);
	return rc;
}

/* An unknown file: its path, NUL, its blob oid (file_row's). */
static int add_unknown(const char *path, size_t len, struct file_row *row, void *data)
{
	strbuf_add(data, path, len);
	strbuf_addch(data, '\0');
	strbuf_add(data, row->oid, OID_RAW);
	return 0;
}

/* The files indexed as unknown, as add_unknown() lists them, in `files` order. */
static int list_unknown(struct strbuf *out, struct index *ix)
{
	MDB_txn *txn;
	int rc;

	if ((rc = index_begin(ix, &txn, 0)))
		return rc < 0 ? rc : 0;
	rc = index_foreach_unknown(txn, ix, add_unknown, out);
	index_end(txn);
	return rc;
}

/*
 * The files that were indexed as unknown (their blobs were missing)
 * before this refresh, `before`, read again when they still are, with
 * the same blob: their blobs are fetched in one batch, as any refresh
 * fetches what it reads (apply.h). A file the walk itself just found
 * missing (a new blob) was asked for already, and said so: not twice.
 * Returns 0, -1 (reported) or an LMDB code.
 */
static int retry_unknown(struct index *ix, const struct repo_paths *p, struct repo_state *rs,
			 git_repository *repo, const struct strbuf *roots, unsigned flags,
			 const struct strbuf *before, struct refresh_stats *st)
{
	struct strbuf now = STRBUF_INIT, paths = STRBUF_INIT;
	struct refresh_stats retried;
	const char *a = before->buf, *aend = a + before->len, *b, *bend;
	int rc, cmp;

	rc = list_unknown(&now, ix);
	/* both in `files` order: one merge */
	for (b = now.buf, bend = b + now.len; !rc && a < aend && b < bend;) {
		size_t alen = strlen(a), blen = strlen(b);
		cmp = strcmp(a, b);
		if (!cmp && !memcmp(a + alen + 1, b + blen + 1, OID_RAW))
			strbuf_add(&paths, b, blen + 1);
		if (cmp <= 0)
			a += alen + 1 + OID_RAW;
		if (cmp >= 0)
			b += blen + 1 + OID_RAW;
	}
	strbuf_release(&now);
	if (!rc && paths.len)
		rc = refresh_once(ix, p, rs, repo, roots, flags & ~(REFRESH_FULL | REFRESH_REBUILD),
				  &paths, &retried);
	/* what the refresh did is what it reports, unless the retry did something */
	if (!rc && paths.len && retried.mode)
		*st = retried;
	strbuf_release(&paths);
	return rc;
}

static int is_corruption(int rc)
{
	return rc == MDB_CORRUPTED || rc == MDB_PAGE_NOTFOUND || rc == MDB_PANIC ||
		rc == MDB_INCOMPATIBLE || rc == MDB_INVALID;
}

int refresh_index(struct index *ix, const struct repo_paths *p, struct repo_state *rs,
		  unsigned flags, const struct strbuf *paths, struct refresh_stats *st)
{
	git_repository *repo = NULL;
	struct strbuf roots = STRBUF_INIT, before = STRBUF_INIT;
	double start = now_ms();
	int rc, tries;

	if (ix->readonly)
		return error("cannot write the index '%s': %s", ix->path, strerror(ix->readonly));
	/* writers queue on the lock; readers then skip recording stat data */
	rc = index_lock(ix, !(flags & REFRESH_NO_WAIT));
	if (rc == 1) {
		memset(st, 0, sizeof(*st));
		st->mode = "skipped";
		snprintf(st->reason, sizeof(st->reason), "another refresh is running");
		return 0;
	}
	if (rc < 0 || libgit_open(&repo, p) < 0 || libgit_roots(&roots, repo) < 0) {
		rc = -1;
		goto out;
	}
	normalize_roots(&roots);
	/* the files to fetch again after the walk: unknown before it */
	if ((flags & REFRESH_RETRY) && !(flags & (REFRESH_STDIN | REFRESH_REBUILD)) &&
	    (rc = list_unknown(&before, ix)))
		goto failed;
	for (tries = 0; tries < 32; tries++) {
		rc = refresh_once(ix, p, rs, repo, &roots, flags, paths, st);
		if (rc == MDB_MAP_FULL) {
			if (index_grow(ix) < 0)
				break;
			continue;
		}
		if (is_corruption(rc) && !tries) {
			warning("index '%s': %s; moving it aside and rebuilding", ix->path,
				mdb_strerror(rc));
			if (index_quarantine(ix) < 0)
				break;
			continue;
		}
		break;
	}
	/* a rebuild read every file again already (a full scan reads only other blobs) */
	if (!rc && before.len && st->mode && strcmp(st->mode, "rebuild"))
		rc = retry_unknown(ix, p, rs, repo, &roots, flags, &before, st);
failed:
	if (rc == EIO || rc == ENOSPC || rc == EDQUOT) {
		/* LMDB reports a short write as EIO: a full disk, most likely */
		struct statvfs fs;
		if (!statvfs(ix->path, &fs) && (uint64_t)fs.f_bavail * fs.f_frsize < ((uint64_t)1 << 20))
			rc = error("cannot update the index '%s': no space left on the device "
				   "(%llu KiB free); the index is as it was", ix->path,
				   (unsigned long long)fs.f_bavail * fs.f_frsize / 1024);
		else
			rc = error("cannot update the index '%s': %s; the index is as it was",
				   ix->path, strerror(rc));
	}
	if (rc > 0 || rc < -1)
		rc = lmdb_error(rc, "cannot update the index");
	st->ms = now_ms() - start;
out:
	index_unlock(ix);
	git_repository_free(repo);
	strbuf_release(&roots);
	strbuf_release(&before);
	return rc;
}
