/*
 * index_stats.c - what the index says about itself: counts for
 * roadmap-status, and which file a process reads, for roadmap-watch.
 * Part of the storage layer (index.h), so the only other file that
 * calls mdb_* besides index.c.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "index.h"
#include "usage.h"

int index_field_counts(MDB_txn *txn, struct index *ix, const char *field,
		       index_count_fn fn, void *data)
{
	struct strbuf prefix = STRBUF_INIT;
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	if ((rc = mdb_cursor_open(txn, ix->terms, &c)))
		return rc;
	/* the postings of "field\x1f<value>", one key per value */
	strbuf_addf(&prefix, "%s\x1f", field);
	k.mv_size = prefix.len;
	k.mv_data = prefix.buf;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); !rc;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_NODUP)) {
		size_t n = 0;
		if (k.mv_size < prefix.len || memcmp(k.mv_data, prefix.buf, prefix.len))
			break;
		mdb_cursor_count(c, &n);
		fn((const char *)k.mv_data + prefix.len, k.mv_size - prefix.len, n, data);
	}
	mdb_cursor_close(c);
	strbuf_release(&prefix);
	return 0;
}

int index_nr_files(MDB_txn *txn, struct index *ix, size_t *out)
{
	MDB_stat ms;
	int rc;

	if ((rc = mdb_stat(txn, ix->nums, &ms)))
		return rc;
	*out = ms.ms_entries;
	return 0;
}

void index_snapshot_id(struct index *ix, MDB_txn *txn, struct index_snapshot *out)
{
	struct stat st;
	int fd;

	memset(&st, 0, sizeof(st));
	/* the file this process maps, even if another one took its name since */
	if (!mdb_env_get_fd(ix->env, &fd))
		fstat(fd, &st);
	out->dev = st.st_dev;
	out->ino = st.st_ino;
	out->txnid = mdb_txn_id(txn);
}

int index_reader_check(struct index *ix)
{
	int dead = 0;

	/* a reader killed mid-transaction pins its snapshot's pages until cleared */
	if (mdb_reader_check(ix->env, &dead))
		return -1;
	return dead;
}

int index_replaced(struct index *ix)
{
	struct stat a, b;
	int fd;

	/* a quarantined or deleted index: another file has the name now */
	return !mdb_env_get_fd(ix->env, &fd) && !fstat(fd, &a) &&
		(stat(ix->path, &b) || a.st_ino != b.st_ino || a.st_dev != b.st_dev);
}

uint64_t index_unknown_count(MDB_txn *txn, struct index *ix)
{
	uint64_t n = 0;

	meta_get_u64(txn, ix, "unknown", &n);
	return n;
}

uint64_t index_warn_unknown(MDB_txn *txn, struct index *ix)
{
	uint64_t n = index_unknown_count(txn, ix);

	if (n)
		warning("%llu issue%s unknown: their blobs are missing (partial clone; run "
			"roadmap-refresh when the promisor remote is reachable)",
			(unsigned long long)n, n == 1 ? " is" : "s are");
	return n;
}

uint64_t index_unknown_files(struct index *ix, int warn)
{
	MDB_txn *txn;
	uint64_t n;

	if (index_begin(ix, &txn, 0))
		return 0;
	n = warn ? index_warn_unknown(txn, ix) : index_unknown_count(txn, ix);
	index_end(txn);
	return n;
}

int index_foreach_unknown(MDB_txn *txn, struct index *ix, file_row_fn fn, void *data)
{
	MDB_cursor *c;
	MDB_val k, v;
	struct file_row row;
	int rc;

	if (!index_unknown_count(txn, ix))
		return 0;	/* the common case: no walk */
	if ((rc = mdb_cursor_open(txn, ix->files, &c)))
		return rc;
	while (!(rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)))
		if (!file_row_decode(&row, &v) && row.kind == ROW_FILE && !row.num &&
		    (rc = fn(k.mv_data, k.mv_size, &row, data)))
			break;
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}
