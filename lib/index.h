/*
 * index.h - storage: the LMDB issue index of one worktree, the only module
 * that calls mdb_*. May call: repo, issue, record, output, sha1, strbuf,
 * usage, xalloc. Called by every operation (refresh, query, diff, check...).
 * index.c opens it, begins and ends transactions, encodes its rows;
 * index_read.c looks rows up and walks them.
 *
 * It lives at $(git rev-parse --git-path roadmap/index.mdb): one per
 * worktree, because HEAD is. It is a cache: a function of HEAD, the
 * working tree, roadmap.path and INDEX_VERSION, rebuilt when missing.
 * One struct index per process (LMDB: never open an environment twice in
 * a process). Values read in a transaction point into the map: they are
 * valid until the end of the transaction or the next write in it.
 *
 * Named databases:
 *   meta     key -> value: version, commit, roots, config, counts, state
 *   files    path -> struct file_row (blob oid, file number, stat data)
 *            for the .md files under the roots (number 0: unknown, its
 *            blob missing, below); and "dir/" -> tree oid
 *            for their directories: one key space in git's order, so one
 *            cursor merge-walks it against trees. Kept small: a walk
 *            reads every row of a changed directory
 *   nums     file number (uint32, native order) -> path and record: the
 *            query's one lookup per candidate; numbers are handed out in
 *            increasing order, so a build appends, densely
 *   blobs    blob oid (20 bytes) -> record (record.h): the records of
 *            blobs that left `files`, so that going back to a commit
 *            indexed before parses nothing
 *   terms    "field\x1fvalue" -> file numbers (DUPSORT, DUPFIXED)
 *   issues   id -> file numbers (DUPSORT, DUPFIXED)
 *   invalid  path -> nothing: the files that open front matter but fail
 *   dups     id -> nothing: the ids more than one file has
 */
#ifndef INDEX_H
#define INDEX_H

#include <lmdb.h>
#include <stdint.h>

#include "repo.h"
#include "strbuf.h"

#define INDEX_VERSION "roadmap-index 8"
#define INDEX_MAPSIZE ((size_t)1 << 30)
/* LMDB's longest key: a path (or folder) longer than this is not indexed */
#define INDEX_KEY_MAX 511
/* LMDB's key limit is 511 bytes; longer terms become a prefix plus a hash */
#define TERM_KEY_MAX 500
/*
 * Values longer than this get no posting: titles and free text are
 * mostly unique, so their postings would cost space and write time and
 * rarely narrow a query; a query on them checks every record instead.
 */
#define TERM_VALUE_MAX 40

struct index {
	MDB_env *env;
	MDB_dbi meta, files, nums, blobs, terms, issues, invalid, dups;
	int have_dbis;
	char *path;		/* the .mdb file */
	char *lockpath;		/* the refresh lock beside it */
	int lockfd;
	int readonly;		/* why we may not write it (errno), or 0 */
	/* LMDB's map, as /proc/self/maps showed it at this map size (index_drop_pages) */
	struct { unsigned long start, end; } map[4];
	int nmap;
	size_t map_size;
};

enum row_kind { ROW_FILE = 'F', ROW_FILE_EXEC = 'X', ROW_TREE = 'T' };

/*
 * A row of `files`; stat fields are 0 until the working file was seen to
 * match. rec is set by file_row_record() (it lives in `nums`).
 */
struct file_row {
	int kind;		/* ROW_FILE or ROW_TREE */
	unsigned mode;		/* ROW_FILE: 0100644 or 0100755, as in the tree */
	unsigned char oid[OID_RAW];
	uint32_t num;
	int64_t mtime_ns, ctime_ns;
	uint64_t size, ino;
	const char *rec;
	size_t reclen;
};

/*
 * Open (creating it if needed) the index of the worktree `p`. A file LMDB
 * reports as invalid is renamed aside and a new one started. On success
 * *out is owned by the caller: index_close().
 */
int index_open(struct index **out, const struct repo_paths *p);
void index_close(struct index *ix);

/*
 * Commit txn, the one way writers commit: a crash point before and after
 * (below). Returns 0 or an LMDB code; the transaction is gone either way.
 */
int index_commit(MDB_txn *txn, const char *what);

/*
 * For tests only: with ROADMAP_TEST_CRASH_AT=N in the environment, the
 * N-th crash point this process passes kills it with SIGKILL, as kill -9
 * would at that moment. Every write step of a refresh has one.
 */
void crash_point(const char *what);

/* Rename a corrupt index aside (index.mdb.corrupt-<time>) and reopen it empty. */
int index_quarantine(struct index *ix);

/*
 * Begin a transaction. A write transaction waits for other writers.
 * On success the caller ends it with index_commit() or index_end().
 */
int index_begin(struct index *ix, MDB_txn **txn, int write);

/* Double the map after MDB_MAP_FULL; the transaction must be redone. */
int index_grow(struct index *ix);

/*
 * Unmap the pages this process touched (a long build): the map is a
 * read-only view of the file, so they come back from the page cache
 * when needed, and resident memory stays bounded by one chunk.
 */
void index_drop_pages(struct index *ix);

/*
 * Take the refresh lock (a sidecar file, flock). With `wait` 0 it returns
 * 1 at once when another process holds it. Released by index_unlock() or exit.
 */
int index_lock(struct index *ix, int wait);
void index_unlock(struct index *ix);

/*
 * Wait until no refresh holds the lock (a hook's, running in the
 * background), without taking it: for a reader that does not heal
 * (roadmap-diff-index) but must not answer from a refresh half done.
 */
void index_wait_refresh(struct index *ix);

/* Print every invalid file of the index as "path:line:col: message" on stderr. */
int index_report_invalid(struct index *ix);

/* Report an LMDB error as "what: message"; returns -1. */
int lmdb_error(int rc, const char *what);

/* meta: 0 found, 1 not found, -1 error. */
int meta_get(MDB_txn *txn, struct index *ix, const char *key, MDB_val *val);
/* Whether meta key holds exactly data[0..len). */
int meta_equals(MDB_txn *txn, struct index *ix, const char *key, const void *data, size_t len);
int meta_put(MDB_txn *txn, struct index *ix, const char *key, const void *data, size_t len);
int meta_put_str(MDB_txn *txn, struct index *ix, const char *key, const char *s);
/* Numeric meta values, stored as decimal text; a missing key reads as 0. */
int meta_get_u64(MDB_txn *txn, struct index *ix, const char *key, uint64_t *out);
int meta_put_u64(MDB_txn *txn, struct index *ix, const char *key, uint64_t v);

void file_row_encode(const struct file_row *row, struct strbuf *out);
int file_row_decode(struct file_row *row, const MDB_val *val);
/*
 * Point row->rec at the file's record (valid until the end of the
 * transaction or its next write). Returns 0, MDB_NOTFOUND or an LMDB error.
 */
int file_row_record(MDB_txn *txn, struct index *ix, struct file_row *row);

/*
 * End a transaction without writing: every read transaction ends so, and
 * a write transaction given up (commit with index_commit()).
 */
void index_end(MDB_txn *txn);

/*
 * The row of `files` at path[0..len): 0, MDB_NOTFOUND, or an LMDB error
 * (MDB_CORRUPTED when the row does not decode). row->rec is not set:
 * file_row_record() points it at the record.
 */
int index_get_file(MDB_txn *txn, struct index *ix, const char *path, size_t len,
		   struct file_row *row);

/* The path and record of file number num (`nums`): 0, MDB_NOTFOUND or an LMDB error. */
int index_get_num(MDB_txn *txn, struct index *ix, uint32_t num, const char **path,
		  size_t *plen, const char **rec, size_t *reclen);

/*
 * Walks: fn is called on each row in key order and returns 0 to go on;
 * its first non-zero answer stops the walk and is returned. Otherwise a
 * walk returns 0, or an LMDB error (positive). What fn is given points
 * into the map, as the values of a transaction do.
 */

/* The rows of `files` (files and folders) whose path starts with prefix[0..len). */
typedef int (*file_row_fn)(const char *path, size_t len, struct file_row *row, void *data);
int index_foreach_file(MDB_txn *txn, struct index *ix, const char *prefix, size_t len,
		       file_row_fn fn, void *data);

/* Every row of `nums`, in file number order. */
typedef int (*num_row_fn)(uint32_t num, const char *path, size_t plen,
			  const char *rec, size_t reclen, void *data);
int index_foreach_num(MDB_txn *txn, struct index *ix, num_row_fn fn, void *data);

/* Every id of `dups`: the ids more than one file of HEAD has. */
typedef int (*dup_fn)(const char *id, size_t len, void *data);
int index_foreach_dup(MDB_txn *txn, struct index *ix, dup_fn fn, void *data);

/* Every id of `issues` (HEAD's ids) that starts with prefix[0..len), once each. */
int index_foreach_id(MDB_txn *txn, struct index *ix, const char *prefix, size_t len,
		     dup_fn fn, void *data);

/* File numbers, as a posting list holds them. */
struct num_list {
	uint32_t *n;
	size_t nr, alloc;
};
#define NUM_LIST_INIT { NULL, 0, 0 }

/*
 * Append the file numbers that posting database db (ix->issues or
 * ix->terms) holds under key, in increasing order: 0 (also when there
 * is none) or an LMDB error.
 */
int index_get_postings(MDB_txn *txn, MDB_dbi db, const void *key, size_t len,
		       struct num_list *out);

/* A `nums` value: varint path length, path, record. */
void num_row_encode(struct strbuf *out, const char *path, size_t plen, const char *rec, size_t reclen);
int num_row_decode(const MDB_val *val, const char **path, size_t *plen, const char **rec, size_t *reclen);

/*
 * The postings of the file at `path` whose record is rec[0..len): fn gets
 * (ix->issues, id), (ix->terms, term key) for each short scalar, or
 * (ix->invalid, path) when the file is an invalid issue; a file that is
 * not an issue has none. Returns fn's first non-zero answer, else 0.
 * Refresh writes them; roadmap-fsck --full compares them.
 */
typedef int (*posting_fn)(MDB_dbi db, const void *key, size_t klen, void *data);
int index_postings(struct index *ix, const char *path, const void *rec, size_t len,
		   posting_fn fn, void *data);

/*
 * A list of postings, as index_postings() makes them (posting_list_add
 * is a posting_fn), each stamped with `num`: to compare two records'
 * postings (a refresh writes only the difference) or all of them with
 * the databases (roadmap-fsck --full).
 */
struct posting {
	MDB_dbi db;
	const char *key;
	size_t klen;
	uint32_t num;
};
struct posting_list {
	struct strbuf arena;	/* db, key length, key, num */
	size_t *off, nr, alloc;
	uint32_t num;		/* stamped on each posting added */
};
#define POSTING_LIST_INIT { STRBUF_INIT, NULL, 0, 0, 0 }
int posting_list_add(MDB_dbi db, const void *key, size_t klen, void *list);
/* Sort in LMDB's order (database, key bytes, number) and drop repeats. */
void posting_list_sort(struct posting_list *pl);
void posting_at(const struct posting_list *pl, size_t i, struct posting *out);
int posting_cmp(const struct posting *a, const struct posting *b);
void posting_list_reset(struct posting_list *pl);
void posting_list_release(struct posting_list *pl);

/*
 * The terms key of (field, value), capped as TERM_KEY_MAX says. Returns 1
 * when no other pair has this key: neither holds the \x1f that joins them
 * and the key was not cut to a hash; 0 when its postings may hold others.
 */
int term_key(struct strbuf *out, const char *field, size_t flen, const char *val, size_t vlen);

/*
 * The order-independent digest of the indexed files: the sum modulo
 * 2^160 of SHA-1(path NUL blob-oid) over every (path, blob oid). A sum
 * can subtract, so a refresh keeps it row by row; roadmap-fsck sums
 * HEAD's trees and compares.
 */
#define DIGEST_RAW 20
void digest_update(unsigned char *digest, const char *path, size_t plen,
		   const unsigned char *oid, int add);


/*
 * index_stats.c: what the index says about itself (roadmap-status,
 * roadmap-watch), so that no caller needs LMDB's own calls.
 */

/*
 * The number of files holding each value of field, in the order of the
 * values' bytes: fn(value, len, n, data) for each value with postings. A
 * value longer than TERM_VALUE_MAX has none, so is not counted. Returns
 * 0 or an LMDB error code, not reported: the counts are a summary.
 */
typedef void (*index_count_fn)(const char *value, size_t len, size_t n, void *data);
int index_field_counts(MDB_txn *txn, struct index *ix, const char *field,
		       index_count_fn fn, void *data);

/*
 * Unknown files: an issue file of HEAD whose blob is missing (a partial
 * clone that could not fetch it) has a row in `files` with its blob oid
 * and number 0, and no record: the walks find it indexed as HEAD has it,
 * queries do not see it, and meta "unknown" counts such rows. A query
 * whose answer lacks them must say so (index_warn_unknown()) and exit
 * EXIT_INCOMPLETE (2); roadmap-refresh fetches them again.
 */
uint64_t index_unknown_count(MDB_txn *txn, struct index *ix);
/*
 * For a query, once: when the index has unknown files, warn "N issues
 * are unknown: ..." on stderr. Returns N: the query then exits 2.
 */
uint64_t index_warn_unknown(MDB_txn *txn, struct index *ix);
/*
 * index_unknown_count() in a read transaction of its own (0 when none can
 * begin); with `warn`, index_warn_unknown()'s warning too. For
 * roadmap-refresh and roadmap-reindex, after their refresh.
 */
uint64_t index_unknown_files(struct index *ix, int warn);
/* Each unknown file's row, in path order; as the walks above. */
int index_foreach_unknown(MDB_txn *txn, struct index *ix, file_row_fn fn, void *data);

/* The number of issue files indexed (rows of nums). Returns 0 or an LMDB code, not reported. */
int index_nr_files(MDB_txn *txn, struct index *ix, size_t *out);

/*
 * Which snapshot txn reads: the index file this process maps (device and
 * inode, 0 when unknown) and the transaction's id. Two readers that get
 * the same three see the same rows.
 */
struct index_snapshot {
	uint64_t dev, ino, txnid;
};
void index_snapshot_id(struct index *ix, MDB_txn *txn, struct index_snapshot *out);

/*
 * 1 when the file at ix->path is no longer the one ix maps (quarantined,
 * deleted, rebuilt aside): reopen to see the new one.
 */
int index_replaced(struct index *ix);

/*
 * Clear the reader slots of processes that died inside a transaction
 * (mdb_reader_check): a long-lived process calls it now and then, as the
 * pages a dead reader pinned are not reused until then. Returns the
 * number cleared, or -1.
 */
int index_reader_check(struct index *ix);

#endif
