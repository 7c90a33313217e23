#include <string.h>

#include "issue.h"
#include "treewalk.h"
#include "xalloc.h"

/* One entry of a raw tree. */
struct tree_entry {
	const char *name;
	size_t len;
	unsigned mode;
	const unsigned char *oid;
};

/* libgit2's normalize_filemode(), so that both loaders walk alike */
static unsigned normalize_mode(unsigned mode)
{
	if ((mode & 0170000) == 040000)
		return 040000;
	if (mode & 0100)
		return 0100755;
	if ((mode & 0170000) == 0160000 || (mode & 0170000) == 0120000)
		return mode & 0170000;
	return 0100644;
}

/* The next entry of tree[*off..len): 1, 0 at the end, -1 when malformed. */
static int next_entry(const char *tree, size_t len, size_t *off, struct tree_entry *e)
{
	const char *p = tree + *off, *end = tree + len, *nul;
	unsigned mode = 0;

	if (p == end)
		return 0;
	for (; p < end && *p >= '0' && *p <= '7'; p++)
		mode = mode * 8 + (*p - '0');
	if (p == end || *p != ' ' || !(nul = memchr(p + 1, '\0', end - p - 1)) ||
	    (size_t)(end - nul - 1) < OID_RAW || nul == p + 1)
		return -1;
	e->name = p + 1;
	e->len = nul - (p + 1);
	e->mode = normalize_mode(mode);
	e->oid = (const unsigned char *)nul + 1;
	*off = (nul + 1 + OID_RAW) - tree;
	return 1;
}

/* Whether the cursor's row (a folder's or a file's) holds oid. */
static int row_has_oid(const struct actions *acts, const unsigned char *oid)
{
	return acts->val.mv_size > OID_RAW &&
		!memcmp((const unsigned char *)acts->val.mv_data + 1, oid, OID_RAW);
}

static int walk_folder(struct actions *acts, struct tree_walk *tw, struct strbuf *prefix,
		       const unsigned char *oid);

/* Merge-walk the raw tree (whose folder key is prefix, ending in '/') against the rows. */
static int walk_entries(struct actions *acts, struct tree_walk *tw, struct strbuf *prefix,
			const char *tree, size_t len)
{
	size_t plen = prefix->len, off = 0;
	struct tree_entry e;
	int more, rc = 0;

	while (!rc && !acts->rc && (more = next_entry(tree, len, &off, &e)) != 0) {
		int is_tree = e.mode == 040000, same;

		if (more < 0) {
			rc = -1;
			tw->failed = xmemdupz(prefix->buf, prefix->len);
			break;
		}
		if (!is_tree && !((e.mode == 0100644 || e.mode == 0100755) &&
				  issue_base_name(e.name, e.len)))
			continue;	/* symlinks, gitlinks and other files are not issues */
		strbuf_setlen(prefix, plen);
		strbuf_add(prefix, e.name, e.len);
		if (is_tree)
			strbuf_addch(prefix, '/');
		actions_delete_rows(acts, prefix->buf, plen, prefix->buf, prefix->len);
		same = acts->valid && !row_cmp(acts, prefix->buf, prefix->len);
		if (!is_tree) {
			/* the kind byte of a stored row says whether it is executable */
			int exec = e.mode == 0100755;
			if (!same)
				actions_add(acts, ACT_ADD, prefix->buf, prefix->len, e.oid, NULL)->mode = e.mode;
			else if (!row_has_oid(acts, e.oid) ||
				 (((const unsigned char *)acts->val.mv_data)[0] == ROW_FILE_EXEC) != exec)
				actions_add(acts, ACT_MODIFY, prefix->buf, prefix->len, e.oid, &acts->val)->mode = e.mode;
			if (same)
				row_step(acts, MDB_NEXT);
			continue;
		}
		if (same && !acts->full && row_has_oid(acts, e.oid)) {
			/* an unchanged folder: skip its rows whole ('0' follows '/') */
			prefix->buf[prefix->len - 1] = '0';
			row_seek(acts, prefix->buf, prefix->len);
			continue;
		}
		rc = walk_folder(acts, tw, prefix, e.oid);
	}
	strbuf_setlen(prefix, plen);
	if (!rc)
		actions_delete_rows(acts, prefix->buf, plen, NULL, 0);
	return rc;
}

/* How many folders of the raw tree at prefix have no row with their tree oid. */
static size_t changed_folders(struct actions *acts, struct strbuf *prefix, const char *tree, size_t len)
{
	size_t plen = prefix->len, off = 0, n = 0;
	struct tree_entry e;

	while (next_entry(tree, len, &off, &e) > 0) {
		MDB_val k, v;
		if (e.mode != 040000)
			continue;
		strbuf_setlen(prefix, plen);
		strbuf_add(prefix, e.name, e.len);
		strbuf_addch(prefix, '/');
		k.mv_size = prefix->len;
		k.mv_data = prefix->buf;
		n += mdb_get(acts->txn, acts->ix->files, &k, &v) || v.mv_size <= OID_RAW ||
			memcmp((const unsigned char *)v.mv_data + 1, e.oid, OID_RAW);
	}
	strbuf_setlen(prefix, plen);
	return n;
}

/* The folder prefix (the cursor at its row, if it has one), changed or new: read its tree. */
static int walk_folder(struct actions *acts, struct tree_walk *tw, struct strbuf *prefix,
		       const unsigned char *oid)
{
	struct strbuf tree = STRBUF_INIT;
	int same = acts->valid && !row_cmp(acts, prefix->buf, prefix->len), rc;

	if (tw->max_trees && tw->trees >= tw->max_trees)
		return 1;
	tw->trees++;
	if (tw->load(tw->ctx, oid, &tree)) {
		tw->failed = xmemdupz(prefix->buf, prefix->len);
		strbuf_release(&tree);
		return -1;
	}
	if (tw->max_trees && tw->trees + changed_folders(acts, prefix, tree.buf, tree.len) > tw->max_trees) {
		strbuf_release(&tree);
		return 1;	/* many folders changed: better read another way */
	}
	if (!same || !row_has_oid(acts, oid))
		actions_add(acts, ACT_TREE_PUT, prefix->buf, prefix->len, oid, NULL);
	if (same)
		row_step(acts, MDB_NEXT);
	rc = walk_entries(acts, tw, prefix, tree.buf, tree.len);
	strbuf_release(&tree);
	return rc;
}

int tree_walk_roots(struct actions *acts, struct tree_walk *tw, unsigned char (*root_oids)[OID_RAW],
		    const struct strbuf *roots)
{
	static const unsigned char null_oid[OID_RAW];
	struct strbuf prefix = STRBUF_INIT;
	const char *root;
	int rc = 0;

	if ((acts->rc = mdb_cursor_open(acts->txn, acts->ix->files, &acts->cur)))
		return -1;
	for (root = roots->buf; root < roots->buf + roots->len && !rc && !acts->rc;
	     root += strlen(root) + 1, root_oids++) {
		strbuf_reset(&prefix);
		strbuf_addf(&prefix, "%s/", root);
		row_seek(acts, prefix.buf, prefix.len);
		if (!memcmp(*root_oids, null_oid, OID_RAW))
			actions_delete_rows(acts, prefix.buf, prefix.len, NULL, 0);
		else if (acts->full || !acts->valid || row_cmp(acts, prefix.buf, prefix.len) ||
			 !row_has_oid(acts, *root_oids))
			rc = walk_folder(acts, tw, &prefix, *root_oids);
	}
	mdb_cursor_close(acts->cur);
	acts->cur = NULL;
	strbuf_release(&prefix);
	return rc ? rc : acts->rc ? -1 : 0;
}
