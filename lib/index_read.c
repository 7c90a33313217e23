/*
 * Reading the index's rows: a path's row, a file number's record, and
 * the walks over `files`, `nums`, the posting lists and `dups`, so that
 * the modules above read rows by name instead of with cursors.
 */
#include <string.h>

#include "index.h"
#include "xalloc.h"

int index_get_file(MDB_txn *txn, struct index *ix, const char *path, size_t len,
		   struct file_row *row)
{
	MDB_val k = { len, (void *)path }, v;
	int rc = mdb_get(txn, ix->files, &k, &v);

	if (rc)
		return rc;
	return file_row_decode(row, &v) ? MDB_CORRUPTED : 0;
}

int index_get_num(MDB_txn *txn, struct index *ix, uint32_t num, const char **path,
		  size_t *plen, const char **rec, size_t *reclen)
{
	MDB_val k = { sizeof(num), &num }, v;
	int rc = mdb_get(txn, ix->nums, &k, &v);

	if (rc)
		return rc;
	return num_row_decode(&v, path, plen, rec, reclen) ? MDB_CORRUPTED : 0;
}

int index_foreach_file(MDB_txn *txn, struct index *ix, const char *prefix, size_t len,
		       file_row_fn fn, void *data)
{
	MDB_cursor *c;
	MDB_val k = { len, (void *)prefix }, v;
	int rc, ret = 0;

	if ((rc = mdb_cursor_open(txn, ix->files, &c)))
		return rc;
	for (rc = mdb_cursor_get(c, &k, &v, len ? MDB_SET_RANGE : MDB_FIRST);
	     !rc && (!len || (k.mv_size >= len && !memcmp(k.mv_data, prefix, len)));
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		struct file_row row;
		if (file_row_decode(&row, &v))
			continue;
		if ((ret = fn(k.mv_data, k.mv_size, &row, data)))
			break;
	}
	mdb_cursor_close(c);
	if (ret)
		return ret;
	return rc == MDB_NOTFOUND ? 0 : rc;
}

int index_foreach_num(MDB_txn *txn, struct index *ix, num_row_fn fn, void *data)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc, ret = 0;

	if ((rc = mdb_cursor_open(txn, ix->nums, &c)))
		return rc;
	while (!(rc = mdb_cursor_get(c, &k, &v, MDB_NEXT))) {
		const char *path, *rec;
		size_t plen, reclen;
		uint32_t num;
		memcpy(&num, k.mv_data, sizeof(num));	/* keys need not be aligned */
		if (num_row_decode(&v, &path, &plen, &rec, &reclen)) {
			rc = MDB_CORRUPTED;
			break;
		}
		if ((ret = fn(num, path, plen, rec, reclen, data)))
			break;
	}
	mdb_cursor_close(c);
	if (ret)
		return ret;
	return rc == MDB_NOTFOUND ? 0 : rc;
}

int index_get_postings(MDB_txn *txn, MDB_dbi db, const void *key, size_t len,
		       struct num_list *out)
{
	MDB_cursor *c;
	MDB_val k = { len, (void *)key }, v;
	int rc = mdb_cursor_open(txn, db, &c);

	if (rc)
		return rc;
	rc = mdb_cursor_get(c, &k, &v, MDB_SET);
	if (!rc)
		rc = mdb_cursor_get(c, &k, &v, MDB_GET_MULTIPLE);
	while (!rc) {
		size_t n = v.mv_size / sizeof(uint32_t);
		ALLOC_GROW(out->n, out->nr + n, out->alloc);
		memcpy(out->n + out->nr, v.mv_data, v.mv_size);
		out->nr += n;
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_MULTIPLE);
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

int index_foreach_id(MDB_txn *txn, struct index *ix, const char *prefix, size_t len,
		     dup_fn fn, void *data)
{
	MDB_cursor *c;
	MDB_val k = { len, (void *)prefix }, v;
	int rc, ret = 0;

	if ((rc = mdb_cursor_open(txn, ix->issues, &c)))
		return rc;
	for (rc = mdb_cursor_get(c, &k, &v, len ? MDB_SET_RANGE : MDB_FIRST); !rc;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_NODUP)) {
		if (k.mv_size < len || memcmp(k.mv_data, prefix, len))
			break;
		if ((ret = fn(k.mv_data, k.mv_size, data)))
			break;
	}
	mdb_cursor_close(c);
	if (ret)
		return ret;
	return rc == MDB_NOTFOUND ? 0 : rc;
}

int index_foreach_dup(MDB_txn *txn, struct index *ix, dup_fn fn, void *data)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc, ret = 0;

	if ((rc = mdb_cursor_open(txn, ix->dups, &c)))
		return rc;
	while (!(rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)))
		if ((ret = fn(k.mv_data, k.mv_size, data)))
			break;
	mdb_cursor_close(c);
	if (ret)
		return ret;
	return rc == MDB_NOTFOUND ? 0 : rc;
}
