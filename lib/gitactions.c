#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catfile.h"
#include "gitactions.h"
#include "gitindex.h"
#include "issue.h"
#include "refreshstats.h"
#include "usage.h"
#include "xalloc.h"

/*
 * The actions of an incremental refresh from git's own tree diff of the
 * indexed commit and HEAD: git reads trees with its delta-base cache,
 * which libgit2 1.5 lacks (a changed folder of a few thousand issues in a
 * deltified pack cost it 0.5 s at 100,000 issues). -t lists the changed
 * folders with their new tree ids, so no tree is read here. Returns 1
 * when git cannot (the indexed commit is gone): the walk does it then.
 */
int diff_tree_actions(struct actions *acts, const struct repo_paths *p, const char *old_hex,
		      const char *new_hex, const struct strbuf *roots)
{
	struct strbuf out = STRBUF_INIT, key = STRBUF_INIT;
	const char *args[] = { "diff-tree", "-r", "-t", "-z", "--raw", "--no-abbrev",
			       "--no-renames", old_hex, new_hex, NULL };
	const char *rec, *end;
	int ret = 0;

	if (git_capture_paths(&out, p, args, roots->buf, roots->len) < 0) {
		ret = 1;
		goto done;
	}
	/* ":<old mode> <new mode> <old oid> <new oid> <status>\0<path>\0" */
	for (rec = out.buf, end = out.buf + out.len; rec < end; ) {
		const char *path = memchr(rec, '\0', end - rec), *root;
		unsigned om, nm;
		unsigned char oid[OID_RAW];
		MDB_val k, v;
		int stored;

		/* the new oid follows the two modes and the old oid */
		if (!path || path - rec < 2 * OID_HEX + 17 ||
		    sscanf(rec, ":%o %o", &om, &nm) != 2 ||
		    hex_to_oid(oid, rec + 16 + OID_HEX) < 0) {
			ret = error("cannot read git diff-tree's output");
			goto done;
		}
		path++;
		rec = path + strlen(path) + 1;
		/* a root itself, or what is under it: the folders above are not indexed */
		root = issue_root(roots->buf, roots->len, path, NULL);
		if (!root && !issue_is_root(roots->buf, roots->len, path))
			continue;
		strbuf_reset(&key);
		strbuf_addstr(&key, path);
		if (om == 040000 || nm == 040000) {
			strbuf_addch(&key, '/');
			if (nm == 040000)
				actions_add(acts, ACT_TREE_PUT, key.buf, key.len, oid, NULL);
			else
				actions_add(acts, ACT_TREE_DELETE, key.buf, key.len, NULL, NULL);
			if (nm == 040000)
				continue;
			strbuf_setlen(&key, key.len - 1);	/* a folder became a file */
		}
		if (!root || !issue_name(key.buf))
			continue;
		k.mv_size = key.len;
		k.mv_data = key.buf;
		stored = !mdb_get(acts->txn, acts->ix->files, &k, &v);
		if (nm == 0100644 || nm == 0100755) {
			if (!stored)
				actions_add(acts, ACT_ADD, key.buf, key.len, oid, NULL)->mode = nm;
			else if (memcmp((const unsigned char *)v.mv_data + 1, oid, OID_RAW) ||
				 (((const unsigned char *)v.mv_data)[0] == ROW_FILE_EXEC) != (nm == 0100755))
				actions_add(acts, ACT_MODIFY, key.buf, key.len, oid, &v)->mode = nm;
		} else if (stored) {
			actions_add(acts, ACT_DELETE, key.buf, key.len, NULL, &v);
		}
	}
done:
	strbuf_release(&out);
	strbuf_release(&key);
	return ret;
}

/* A row HEAD has, as git's index tells it: a folder ("d/") or an issue file. */
struct vrow {
	const char *key;
	const unsigned char *oid;
	unsigned len;
	unsigned mode;		/* 040000: a folder (key ends in '/') */
};

/*
 * HEAD's rows under `root` from git's index: the folders (with their
 * cached tree oids) and the issue files, in key order. Returns 1 when the
 * index cannot stand for HEAD there: the root's cached tree is not HEAD's.
 */
static int gitindex_rows(struct vrow **out, size_t *nr, char ***dirs, size_t *ndirs,
			 const struct gitindex *gi, const char *root, const unsigned char *root_oid)
{
	size_t rl = strlen(root), i, alloc = 0, dalloc = 0, lastlen;
	const struct gitindex_tree *t = gitindex_tree(gi, root, rl);
	const char *prev;
	char *top;

	if (!t || !t->valid || memcmp(t->oid, root_oid, OID_RAW))
		return 1;
	top = xmalloc(rl + 2);
	memcpy(top, root, rl);
	memcpy(top + rl, "/", 2);
	prev = top;
	ALLOC_GROW(*dirs, *ndirs + 1, dalloc);
	(*dirs)[(*ndirs)++] = top;
	/* room for every entry at once: growing by copies pages the array in twice */
	ALLOC_GROW(*out, gi->nr + 64, alloc);
	(*out)[(*nr)++] = (struct vrow){ top, t->oid, rl + 1, 040000 };
	lastlen = rl + 1;	/* the deepest folder emitted: a prefix of the entry's path */
	for (i = gitindex_seek(gi, top, rl + 1); i < gi->nr; i++) {
		const struct gitindex_entry *e = &gi->e[i];
		size_t dirlen = e->dirlen, k;

		if (e->len <= rl || memcmp(e->path, top, rl + 1))
			break;
		/*
		 * The folders down to the previous entry's are out: back up to
		 * the deepest one this entry is in too, then go down to its own.
		 */
		if (dirlen == lastlen && !memcmp(e->path, prev, dirlen))
			k = dirlen;	/* the previous entry's folder: most often */
		else
			for (k = 0; k < lastlen && k < dirlen && e->path[k] == prev[k]; k++)
				;
		while (k > rl + 1 && e->path[k - 1] != '/')
			k--;
		for (; k < dirlen; k++) {
			char *d;
			if (e->path[k] != '/')
				continue;
			t = gitindex_tree(gi, e->path, k);
			if (!t || !t->valid)
				return 1;
			d = xmemdupz(e->path, k + 1);
			ALLOC_GROW(*dirs, *ndirs + 1, dalloc);
			(*dirs)[(*ndirs)++] = d;
			ALLOC_GROW(*out, *nr + 1, alloc);
			(*out)[(*nr)++] = (struct vrow){ d, t->oid, k + 1, 040000 };
		}
		lastlen = dirlen;
		prev = e->path;
		if ((e->mode == 0100644 || e->mode == 0100755) && issue_base_name(e->path + dirlen, e->len - dirlen)) {
			ALLOC_GROW(*out, *nr + 1, alloc);
			(*out)[(*nr)++] = (struct vrow){ e->path, gitindex_oid(e), e->len, e->mode };
		}
	}
	return 0;
}

/*
 * The actions of an incremental refresh from git's own index, when its
 * cached trees say it holds HEAD under every root (after a checkout,
 * commit, merge or reset they do): a merge of its entries with the rows,
 * skipping every folder whose tree oid is the stored one. No tree is read
 * from the pack. Returns 1 when the index cannot stand for HEAD.
 */
int gitindex_actions(struct actions *acts, const struct repo_paths *p,
		     unsigned char (*root_oids)[OID_RAW], const struct strbuf *roots)
{
	static const unsigned char null_oid[OID_RAW];
	struct gitindex gi;
	struct strbuf file = STRBUF_INIT, skip = STRBUF_INIT;
	const char *root;
	int ret = 0, rc;

	strbuf_addf(&file, "%s/index", p->gitdir);
	rc = gitindex_read(&gi, file.buf);
	strbuf_release(&file);
	refresh_trace("gi-read", gi.nr);
	if (rc < 0 || (rc = mdb_cursor_open(acts->txn, acts->ix->files, &acts->cur)))
		return rc < 0 ? 1 : (acts->rc = rc, 1);
	for (root = roots->buf; root < roots->buf + roots->len && !ret; root += strlen(root) + 1, root_oids++) {
		struct vrow *v = NULL;
		char **dirs = NULL;
		size_t nv = 0, nd = 0, j = 0, rl = strlen(root), d;

		/* a root HEAD lacks has the zero oid: the walk deletes its rows */
		if (!memcmp(*root_oids, null_oid, OID_RAW) ||
		    gitindex_rows(&v, &nv, &dirs, &nd, &gi, root, *root_oids))
			ret = 1;
		refresh_trace("gi-rows", nv);
		if (!ret)
			row_seek(acts, v[0].key, rl + 1);
		while (!ret) {
			int in = row_has_prefix(acts, v[0].key, rl + 1), c;
			const unsigned char *sv = acts->val.mv_data;

			if (j >= nv && !in)
				break;
			c = j >= nv ? 1 : !in ? -1 : -row_cmp(acts, v[j].key, v[j].len);

			if (c < 0) {
				actions_add(acts, v[j].mode == 040000 ? ACT_TREE_PUT : ACT_ADD, v[j].key, v[j].len,
					   v[j].oid, NULL)->mode = v[j].mode;
				j++;
				continue;
			}
			if (c > 0) {
				int t = ((const char *)acts->key.mv_data)[acts->key.mv_size - 1] == '/';
				actions_add(acts, t ? ACT_TREE_DELETE : ACT_DELETE, acts->key.mv_data,
					   acts->key.mv_size, NULL, &acts->val);
				row_step(acts, MDB_NEXT);
				continue;
			}
			if (v[j].mode == 040000 && acts->val.mv_size > OID_RAW && !memcmp(sv + 1, v[j].oid, OID_RAW)) {
				/* an unchanged folder: skip it whole, here and in the rows */
				size_t plen = v[j].len;
				strbuf_reset(&skip);
				strbuf_add(&skip, v[j].key, plen);
				for (j++; j < nv && v[j].len >= plen && !memcmp(v[j].key, skip.buf, plen); j++)
					;
				skip.buf[plen - 1] = '0';
				row_seek(acts, skip.buf, plen);
				continue;
			}
			if (v[j].mode == 040000)
				actions_add(acts, ACT_TREE_PUT, v[j].key, v[j].len, v[j].oid, NULL);
			else if (memcmp(sv + 1, v[j].oid, OID_RAW) ||
				 (sv[0] == ROW_FILE_EXEC) != (v[j].mode == 0100755))
				actions_add(acts, ACT_MODIFY, v[j].key, v[j].len, v[j].oid, &acts->val)->mode = v[j].mode;
			j++;
			row_step(acts, MDB_NEXT);
		}
		for (d = 0; d < nd; d++)
			free(dirs[d]);
		free(dirs);
		free(v);
	}
	mdb_cursor_close(acts->cur);
	acts->cur = NULL;
	gitindex_release(&gi);
	strbuf_release(&skip);
	return ret || acts->rc ? 1 : 0;
}
